//! The rule that decides "not collected":
//!
//! A resource on side A without a counterpart is *not collected* when some
//! account on side B that would hold the counterpart — an account of B's
//! estate whose env-normalised name equals the resource's account's (so
//! `catalog-prod` ↔ `catalog-test`) and that is in B's scope — has a
//! coverage cell for that region (or a global cell) that is not `ok`, or no
//! cell for that region at all. A failed regional cell counts only for the
//! kind whose read it is: a denied `tag:GetResources` (a reader role not yet
//! granted it) leaves the region's instances compared as collected, and a
//! denied `DescribeInstances` leaves its tagged resources so. A kind
//! listed once per account (S3's buckets, each in its region) is decided
//! by that listing's global cell alone: failed (or absent), the account's
//! buckets are not collected in any region; `ok`, a bucket without a
//! counterpart is missing, whatever region it is in. B's scope is the caller's account list when
//! given (`DiffOptions::{left,right}_accounts`); otherwise the accounts with
//! resources among B's indices, plus accounts with none (denied, suspended)
//! whose environment token is one of those accounts' tokens and that do not
//! hold side A's resources. With no candidate account at all, the
//! counterpart is missing, not uncollected.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::model::{CoverageStatus, Estate, Place, Resource, Scope};

use super::DiffOptions;
use super::side::Side;

/// Per-estate coverage, indexed: which (account, region) were fully read.
struct Coverage<'a> {
    with_cells: HashSet<(&'a str, &'a str)>,
    /// (account, region, api) of the cells that did not complete.
    bad: HashSet<(&'a str, &'a str, &'a str)>,
    bad_global: HashSet<&'a str>,
    /// (account, api) of the listed kinds' account-wide reads: all of
    /// them, and those that did not complete.
    listed: HashSet<(&'a str, &'a str)>,
    bad_listed: HashSet<(&'a str, &'a str)>,
}

impl<'a> Coverage<'a> {
    fn new(e: &'a Estate) -> Self {
        let mut c = Coverage {
            with_cells: HashSet::default(),
            bad: HashSet::default(),
            bad_global: HashSet::default(),
            listed: HashSet::default(),
            bad_listed: HashSet::default(),
        };
        for cell in &e.coverage {
            let bad = cell.status != CoverageStatus::Ok;
            match &cell.region {
                // Cost Explorer's cell says nothing about resources.
                Place::Global if cell.api.is_cost() => {}
                // A listed kind's read (S3) speaks for that kind in every
                // region, and for nothing else.
                Place::Global if cell.api.is_listed_kind() => {
                    let key = (cell.account_id.as_str(), cell.api.as_str());
                    c.listed.insert(key);
                    if bad {
                        c.bad_listed.insert(key);
                    }
                }
                // A global kind's read (IAM) is the `global` region's.
                Place::Global if cell.api.is_global_kind() => {
                    let key = (cell.account_id.as_str(), crate::model::GLOBAL);
                    c.with_cells.insert(key);
                    if bad {
                        c.bad.insert((key.0, key.1, cell.api.as_str()));
                    }
                }
                // An account-wide failure (AssumeRole...) leaves every
                // region of the account unread.
                Place::Global => {
                    if bad {
                        c.bad_global.insert(cell.account_id.as_str());
                    }
                }
                Place::Region(region) => {
                    let key = (cell.account_id.as_str(), region.as_str());
                    c.with_cells.insert(key);
                    if bad {
                        c.bad.insert((key.0, key.1, cell.api.as_str()));
                    }
                }
            }
        }
        c
    }

    /// Was `account`'s `region` read for the kind listed by `api`? For a
    /// kind listed per account (`listed`), its listing decides.
    fn collected(&self, account: &str, region: &str, api: &str, listed: bool) -> bool {
        if listed {
            return self.listed.contains(&(account, api))
                && !self.bad_global.contains(account)
                && !self.bad_listed.contains(&(account, api));
        }
        self.with_cells.contains(&(account, region))
            && !self.bad_global.contains(account)
            && !self.bad.contains(&(account, region, api))
    }
}

/// For each side, the accounts that could hold a counterpart of the other
/// side's resources, by normalized account name.
pub(crate) struct Scopes<'a> {
    /// Normalized account name → candidate account ids on the right / left.
    right_by_key: HashMap<&'a str, Vec<&'a str>>,
    left_by_key: HashMap<&'a str, Vec<&'a str>>,
    left_key: &'a HashMap<&'a str, String>,
    right_key: &'a HashMap<&'a str, String>,
    left_cov: Coverage<'a>,
    right_cov: Coverage<'a>,
}

fn scope_accounts<'a>(
    this: &'a Side<'a>,
    other: &'a Side<'a>,
    given: Option<&'a std::collections::BTreeSet<String>>,
) -> HashMap<&'a str, Vec<&'a str>> {
    let mut out: HashMap<&'a str, Vec<&'a str>> = HashMap::default();
    let mut push = |id: &'a str| {
        if let Some(k) = this.account_key.get(id) {
            out.entry(k.as_str()).or_default().push(id);
        }
    };
    if let Some(given) = given {
        for a in &this.estate.accounts {
            if given.contains(&a.id) {
                push(&a.id);
            }
        }
        return out;
    }
    let present = accounts_of(this);
    let same_estate = std::ptr::eq(this.estate, other.estate);
    let other_present: HashSet<&str> = if same_estate {
        accounts_of(other)
    } else {
        HashSet::default()
    };
    let envs: HashSet<String> = this
        .estate
        .accounts
        .iter()
        .filter(|a| present.contains(a.id.as_str()))
        .flat_map(|a| this.norm.env_of(&a.name))
        .collect();
    for a in &this.estate.accounts {
        let id = a.id.as_str();
        let include = present.contains(id)
            || (!other_present.contains(id)
                && (envs.is_empty() || this.norm.env_of(&a.name).iter().any(|e| envs.contains(e))));
        if include {
            push(id);
        }
    }
    out
}

/// The accounts of a side's chosen resources. Resources come in runs of
/// one account, so only a change of account is hashed.
fn accounts_of<'a>(side: &Side<'a>) -> HashSet<&'a str> {
    let mut out = HashSet::default();
    let mut last: Option<&str> = None;
    for r in side
        .idx
        .iter()
        .filter_map(|&i| side.estate.resources.get(i))
    {
        if last != Some(r.account_id.as_str()) {
            out.insert(r.account_id.as_str());
            last = Some(&r.account_id);
        }
    }
    out
}

impl<'a> Scopes<'a> {
    pub(crate) fn new(left: &'a Side<'a>, right: &'a Side<'a>, opts: &'a DiffOptions) -> Self {
        Scopes {
            right_by_key: scope_accounts(right, left, opts.right_accounts.as_ref()),
            left_by_key: scope_accounts(left, right, opts.left_accounts.as_ref()),
            left_key: &left.account_key,
            right_key: &right.account_key,
            left_cov: Coverage::new(left.estate),
            right_cov: Coverage::new(right.estate),
        }
    }

    /// Could the other side have seen `r`'s counterpart? `from_left`: `r` is
    /// a left resource and the right side is examined.
    pub(crate) fn counterpart_collected(&self, r: &Resource, from_left: bool) -> bool {
        let (keys, by_key, cov) = if from_left {
            (self.left_key, &self.right_by_key, &self.right_cov)
        } else {
            (self.right_key, &self.left_by_key, &self.left_cov)
        };
        let Some(k) = keys.get(r.account_id.as_str()) else {
            return true;
        };
        match by_key.get(k.as_str()) {
            None => true,
            Some(accounts) => {
                let def = r.kind.def();
                let listed = def.scope == Scope::Listed;
                accounts
                    .iter()
                    .all(|a| cov.collected(a, &r.region, def.api, listed))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    //! The rule for a kind listed once per account (S3): its one global
    //! cell decides every region of the account, and nothing else.

    use crate::demo::{DEFAULT_ACCOUNTS, demo_estate};
    use crate::diff::{DiffOptions, DiffReport, EntryStatus, diff};
    use crate::model::{CoverageStatus, Estate, Resource, kinds};
    use crate::query::{Context, filter, parse};

    /// The demo with payments-test's buckets gone, its S3 listing ending
    /// in `status`, and two more prod buckets: one in another collected
    /// region, one in a region no regional cell covers.
    fn estate(status: CoverageStatus) -> (Estate, String) {
        let mut e = demo_estate(DEFAULT_ACCOUNTS);
        let id = |name: &str| {
            e.accounts
                .iter()
                .find(|a| a.name == name)
                .map(|a| a.id.clone())
                .expect("account")
        };
        let (prod, test) = (id("payments-prod"), id("payments-test"));
        for c in &mut e.coverage {
            if c.account_id == test && c.api.as_str() == "s3:ListAllMyBuckets" {
                c.status = status;
            }
        }
        e.resources
            .retain(|r| !(r.account_id == test && r.kind == kinds::S3_BUCKET));
        for (region, name) in [
            ("eu-central-1", "payments-prod-backup"),
            ("ap-southeast-2", "payments-prod-sydney"),
        ] {
            let mut b = Resource::new(kinds::S3_BUCKET, &prod, region, name);
            b.name = Some(name.to_string());
            e.resources.push(b);
        }
        (e, test)
    }

    fn report(e: &Estate) -> DiffReport {
        let scope = |q: &str| filter(&Context::new(e), &parse(q).expect("query"), None);
        diff(
            e,
            &scope("account:payments-prod"),
            e,
            &scope("account:payments-test"),
            &DiffOptions::default(),
        )
    }

    fn keys(rep: &DiffReport, status: EntryStatus) -> Vec<&str> {
        rep.entries
            .iter()
            .filter(|x| x.status == status)
            .map(|x| x.key.as_str())
            .collect()
    }

    const PROD_BUCKETS: [&str; 4] = [
        "payments/ap-southeast-2/payments-sydney",
        "payments/eu-central-1/payments-backup",
        "payments/eu-west-1/payments-artifacts",
        "payments/eu-west-1/payments-data",
    ];

    #[test]
    fn a_failed_listing_leaves_the_buckets_unknown_in_every_region_and_only_them() {
        let (e, test) = estate(CoverageStatus::Denied);
        let rep = report(&e);
        let mut nc = keys(&rep, EntryStatus::NotCollected);
        nc.sort_unstable();
        assert_eq!(nc, PROD_BUCKETS);
        // The account's EC2, tables and IAM were read: the missing worker
        // and replica are still missing.
        let only_left = keys(&rep, EntryStatus::OnlyLeft);
        assert!(
            only_left.contains(&"payments/eu-west-1/payments-worker-4"),
            "{only_left:?}"
        );
        assert!(
            only_left.contains(&"payments/us-east-1/payments-sessions"),
            "{only_left:?}"
        );
        // Every region of the account is partly unread; its IAM is read.
        assert!(!e.region_collected(&test, "eu-west-1"));
        assert!(!e.region_collected(&test, "eu-central-1"));
        assert!(e.region_collected(&test, crate::model::GLOBAL));
        assert!(!e.global_unread().contains(test.as_str()));
    }

    #[test]
    fn a_read_listing_without_the_buckets_makes_them_absent_wherever_they_are() {
        let (e, test) = estate(CoverageStatus::Ok);
        let rep = report(&e);
        assert!(keys(&rep, EntryStatus::NotCollected).is_empty());
        let only_left = keys(&rep, EntryStatus::OnlyLeft);
        for b in PROD_BUCKETS {
            assert!(only_left.contains(&b), "{b}: {only_left:?}");
        }
        assert!(e.region_collected(&test, "eu-west-1"));
    }

    #[test]
    fn a_snapshot_without_the_listing_does_not_know_the_buckets() {
        let (mut e, test) = estate(CoverageStatus::Ok);
        e.coverage
            .retain(|c| !(c.account_id == test && c.api.as_str() == "s3:ListAllMyBuckets"));
        let rep = report(&e);
        let mut nc = keys(&rep, EntryStatus::NotCollected);
        nc.sort_unstable();
        assert_eq!(nc, PROD_BUCKETS);
    }
}
