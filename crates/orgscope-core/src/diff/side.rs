//! One side of a diff: its estate, the chosen indices, and the lookups that
//! keying and comparing need (normalized account names, VPC keys, security
//! group names, instance keys for volumes, coverage). Also the rule that
//! decides "not collected":
//!
//! A resource on side A without a counterpart is *not collected* when some
//! account on side B that would hold the counterpart — an account of B's
//! estate whose env-normalised name equals the resource's account's (so
//! `catalog-prod` ↔ `catalog-test`) and that is in B's scope — has a
//! coverage cell for that region (or a global cell) that is not `ok`, or no
//! cell for that region at all. B's scope is the caller's account list when
//! given (`DiffOptions::{left,right}_accounts`); otherwise the accounts with
//! resources among B's indices, plus accounts with none (denied, suspended)
//! whose environment token is one of those accounts' tokens and that do not
//! hold side A's resources. With no candidate account at all, the
//! counterpart is missing, not uncollected.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::model::{CoverageStatus, Details, Estate, GLOBAL_REGION, Resource, ResourceType};

use super::keys::Normalizer;
use super::{DiffOptions, MatchKey, MatchScope};

pub(crate) struct Side<'a> {
    pub estate: &'a Estate,
    pub idx: &'a [usize],
    pub norm: &'a Normalizer,
    opts: &'a DiffOptions,
    /// Account id → env-normalised account name.
    pub account_key: HashMap<&'a str, String>,
    pub sg_names: HashMap<&'a str, &'a str>,
    vpc_keys: HashMap<&'a str, String>,
    instances: HashMap<&'a str, usize>,
}

impl<'a> Side<'a> {
    pub(crate) fn new(
        estate: &'a Estate,
        idx: &'a [usize],
        norm: &'a Normalizer,
        opts: &'a DiffOptions,
    ) -> Side<'a> {
        let account_key = estate
            .accounts
            .iter()
            .map(|a| (a.id.as_str(), norm.normalize(&a.name)))
            .collect();
        let mut sg_names = HashMap::default();
        let mut vpc_keys = HashMap::default();
        let mut instances = HashMap::default();
        for (i, r) in estate.resources.iter().enumerate() {
            match &r.details {
                Details::SecurityGroup(g) => {
                    sg_names.insert(r.id.as_str(), g.group_name.as_str());
                }
                Details::Vpc(v) => {
                    let k = match &r.name {
                        Some(n) => norm.normalize(n),
                        None => format!("cidr:{}", v.cidr_block),
                    };
                    vpc_keys.insert(r.id.as_str(), k);
                }
                Details::Instance(_) => {
                    instances.insert(r.id.as_str(), i);
                }
                _ => {}
            }
        }
        Side {
            estate,
            idx,
            norm,
            opts,
            account_key,
            sg_names,
            vpc_keys,
            instances,
        }
    }

    fn name_key_into(&self, r: &Resource, out: &mut String) {
        match &r.name {
            Some(n) => self.norm.normalize_into(n, out),
            None => {
                out.push_str("id:");
                out.push_str(&r.id);
            }
        }
    }

    /// Append the type-specific part of the key (no account/region prefix).
    fn own_key_into(&self, r: &Resource, out: &mut String) {
        let t = r.resource_type();
        let key = self.opts.keys.get(&t).unwrap_or(&MatchKey::Default);
        let cidr = |out: &mut String, c: &str| {
            out.push_str("cidr:");
            out.push_str(c);
        };
        match (key, &r.details) {
            (MatchKey::Id, _) => out.push_str(&r.id),
            (MatchKey::Tag(k), _) => match r.tags.get(k) {
                Some(v) => {
                    out.push_str(k);
                    out.push('=');
                    self.norm.normalize_into(v, out);
                }
                None => {
                    out.push_str("id:");
                    out.push_str(&r.id);
                }
            },
            (MatchKey::Cidr, Details::Vpc(v)) => cidr(out, &v.cidr_block),
            (MatchKey::Cidr, Details::Subnet(s)) => cidr(out, &s.cidr_block),
            (MatchKey::Name, _) | (MatchKey::Cidr, _) => self.name_key_into(r, out),
            (MatchKey::Default, Details::Vpc(v)) => match &r.name {
                Some(n) => self.norm.normalize_into(n, out),
                None => cidr(out, &v.cidr_block),
            },
            (MatchKey::Default, Details::Subnet(s)) => match &r.name {
                Some(n) => self.norm.normalize_into(n, out),
                None => cidr(out, &s.cidr_block),
            },
            (MatchKey::Default, Details::SecurityGroup(g)) => {
                // Group names repeat per VPC (`default`), so the VPC is part
                // of the key.
                let vpc = g
                    .vpc_id
                    .as_deref()
                    .and_then(|v| self.vpc_keys.get(v))
                    .map(String::as_str)
                    .unwrap_or("");
                out.push_str(vpc);
                out.push('/');
                self.norm.normalize_into(&g.group_name, out);
            }
            (MatchKey::Default, Details::Volume(v)) => match v.attachments.first() {
                Some(a) => {
                    match self.instances.get(a.instance_id.as_str()) {
                        Some(&i) => self.own_key_into(&self.estate.resources[i], out),
                        None => out.push_str(&a.instance_id),
                    }
                    out.push(':');
                    out.push_str(&a.device);
                }
                None => self.name_key_into(r, out),
            },
            (MatchKey::Default, _) => self.name_key_into(r, out),
        }
    }

    /// The full key of every chosen resource, duplicates of a key numbered
    /// 2, 3... in index order (shown as `key#2`).
    pub(crate) fn keyed(&self) -> Keyed {
        // One buffer for all keys instead of a `String` per resource: the
        // keys are only borrowed for pairing, and only the few reported
        // entries get an owned copy.
        let mut arena = String::with_capacity(self.idx.len() * 48);
        let mut spans = Vec::with_capacity(self.idx.len());
        // (account id, its key) of the previous resource: runs of one account.
        let mut last: Option<(&str, &str)> = None;
        for &i in self.idx {
            let Some(r) = self.estate.resources.get(i) else {
                continue;
            };
            let start = arena.len();
            match self.opts.scope {
                MatchScope::AccountRegion => {
                    let acct = match last {
                        Some((id, k)) if id == r.account_id => k,
                        _ => {
                            let k = self
                                .account_key
                                .get(r.account_id.as_str())
                                .map(String::as_str)
                                .unwrap_or(&r.account_id);
                            last = Some((&r.account_id, k));
                            k
                        }
                    };
                    arena.push_str(acct);
                    arena.push('/');
                    arena.push_str(&r.region);
                    arena.push('/');
                }
                MatchScope::Region => {
                    arena.push_str(&r.region);
                    arena.push('/');
                }
                MatchScope::Anywhere => {}
            }
            self.own_key_into(r, &mut arena);
            spans.push((r.resource_type(), start..arena.len(), 0, i));
        }
        let mut seen: HashMap<(ResourceType, &str), u32> = HashMap::default();
        seen.reserve(spans.len());
        for (t, span, nth, _) in &mut spans {
            let n = seen.entry((*t, &arena[span.clone()])).or_insert(0);
            *n += 1;
            *nth = *n;
        }
        drop(seen);
        Keyed { arena, spans }
    }
}

/// The keys of one side: `(type, key span in arena, nth of that key,
/// resource index)`.
pub(crate) struct Keyed {
    arena: String,
    spans: Vec<(ResourceType, std::ops::Range<usize>, u32, usize)>,
}

impl Keyed {
    pub(crate) fn len(&self) -> usize {
        self.spans.len()
    }

    /// The resource index of the `n`-th keyed resource.
    pub(crate) fn index(&self, n: usize) -> usize {
        self.spans[n].3
    }

    /// `(type, key, nth, index)` of every keyed resource.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (ResourceType, &str, u32, usize)> {
        self.spans
            .iter()
            .map(|(t, span, nth, i)| (*t, &self.arena[span.clone()], *nth, *i))
    }
}

/// The key as reported: `key`, or `key#n` for the n-th duplicate.
pub(crate) fn key_text(key: &str, nth: u32) -> String {
    if nth > 1 {
        format!("{key}#{nth}")
    } else {
        key.to_string()
    }
}

/// Per-estate coverage, indexed: which (account, region) were fully read.
struct Coverage<'a> {
    with_cells: HashSet<(&'a str, &'a str)>,
    bad: HashSet<(&'a str, &'a str)>,
    bad_global: HashSet<&'a str>,
}

impl<'a> Coverage<'a> {
    fn new(e: &'a Estate) -> Self {
        let mut c = Coverage {
            with_cells: HashSet::default(),
            bad: HashSet::default(),
            bad_global: HashSet::default(),
        };
        for cell in &e.coverage {
            let key = (cell.account_id.as_str(), cell.region.as_str());
            if cell.region != GLOBAL_REGION {
                c.with_cells.insert(key);
            }
            if cell.status != CoverageStatus::Ok {
                if cell.region == GLOBAL_REGION {
                    c.bad_global.insert(cell.account_id.as_str());
                } else {
                    c.bad.insert(key);
                }
            }
        }
        c
    }

    fn collected(&self, account: &str, region: &str) -> bool {
        self.with_cells.contains(&(account, region))
            && !self.bad_global.contains(account)
            && !self.bad.contains(&(account, region))
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
            Some(accounts) => accounts.iter().all(|a| cov.collected(a, &r.region)),
        }
    }
}
