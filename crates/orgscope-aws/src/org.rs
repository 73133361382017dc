//! The AWS Organizations crawl: the organization, its root, every OU nested
//! to any depth, the accounts under each parent and the SCPs attached to
//! every OU ([`crawl`]); then, per account and alongside that account's EC2
//! work, its tags and attached SCPs ([`account_details`]). Every list is
//! paged to the end.
//!
//! Why accounts are handed out page by page: only the tree shape gates an
//! account, and only the part of it above the account. Waiting for the
//! whole walk before assuming into any account put the slowest listing of
//! the organization on every account's critical path (3.5 s before the
//! first AssumeRole at 1,000 accounts, issue #17). So the walk calls
//! `on_page` with each `ListAccountsForParent` page as it arrives, its
//! accounts already carrying their OU path: a parent is listed only once
//! its own parent's OUs are known, so its path is. The walk is a work
//! queue rather than level by level: an OU is listed as soon as it is
//! known and a slot is free, not when its whole level has finished.
//! Measured against moto behind the fault proxy delaying every
//! `ListAccountsForParent` page by 200 ms, 12 accounts, one per page
//! (11 pages in one OU, one account three OUs deep): the first AssumeRole
//! went out after 0.3 s instead of 2.2 s when accounts waited for the walk,
//! and the run took 2.5 s instead of 4.7 s.
//!
//! Why the details come later: fetching every account's tags and SCPs
//! before assuming into any account put two Organizations round trips per
//! account on the critical path (the collection benchmark measured 5.5 s
//! of a 21 s run at 100 accounts). Organizations calls stay few at a time
//! all the same: its rate limit is low and org-wide, so the walk lists at
//! most [`ORG_CONCURRENCY`] parents at once and the details share one
//! semaphore. The two now overlap (the details of the first accounts are
//! read while the walk goes on); Organizations' patient retry policy
//! absorbs the throttling that may cost.
//!
//! The tree shape (roots, OUs, accounts) is essential: if it cannot be read
//! the run fails. Tags and SCPs are decoration: a denied call there becomes
//! a coverage cell and the run goes on.

use std::collections::{HashMap, HashSet, VecDeque};

use aws_sdk_organizations::types as sdk;
use futures::{Stream, StreamExt, stream};

use super::classify::{Failure, classify};
use super::sso::{PortalAccount, SsoAccess};
use orgscope_core::model::{
    Account, AccountStatus, Api, CallerIdentity, CellKey, Coverage, CoverageStatus, OrgUnit,
    Organization, Place, Tags,
};

/// Parents listed at once while walking the tree (each costs three calls
/// at once: its OUs, its accounts, page after page, and its SCPs).
const ORG_CONCURRENCY: usize = 8;

const SCP: sdk::PolicyType = sdk::PolicyType::ServiceControlPolicy;

/// What the crawl learned.
#[derive(Debug)]
pub struct Crawl {
    pub organization: Option<Organization>,
    pub tree: OrgUnit,
    pub accounts: Vec<Account>,
    pub coverage: Vec<Coverage>,
    pub warnings: Vec<String>,
}

/// A crawl failure that leaves no usable tree.
#[derive(Debug)]
pub struct CrawlError {
    pub api: Api,
    pub failure: Failure,
}

/// One page of accounts, as [`crawl`] hands it to its caller the moment it
/// arrives.
pub struct Page<'a> {
    /// The accounts this page placed in the tree (an account listed again
    /// is not repeated), with their OU path; tags and SCPs still empty.
    pub accounts: Vec<Account>,
    /// `(id, name)` of every node from the root down to the accounts'
    /// parent, root first: what `--ou` scoping matches against.
    pub chain: Vec<(&'a str, &'a str)>,
    pub organization: Option<&'a Organization>,
    growing: &'a Growing,
}

impl Page<'_> {
    /// The tree as far as the walk has read it (OUs not listed yet are
    /// missing, and so are the SCPs of parents still being listed).
    pub fn tree(&self) -> OrgUnit {
        build_tree(&self.growing.root, &self.growing.nodes)
    }
}

type Client = aws_sdk_organizations::Client;

/// Walk the organization; `on_page` gets every page of accounts as it
/// arrives (for a caller outside any organization, one page with its own
/// account), before the walk goes on.
///
/// With an IAM Identity Center sign-in (`portal`), a caller who cannot read
/// the organization gets every account the portal lists instead of its
/// own alone: what the user asked for is "every account I can enter".
pub async fn crawl(
    client: &Client,
    caller: &CallerIdentity,
    portal: Option<&SsoAccess>,
    mut on_page: impl FnMut(Page<'_>) + Send,
) -> Result<Crawl, CrawlError> {
    let mut warnings = Vec::new();
    let organization = match client.describe_organization().send().await {
        Ok(out) => out
            .organization()
            .and_then(|o| organization_of(o, &mut warnings)),
        Err(e) => {
            let failure = classify(&e);
            let listed = match portal {
                Some(p) => Some(p.accounts().await),
                None => None,
            };
            return Ok(standalone(caller, failure, listed, on_page));
        }
    };
    // No organization, no management account: none is marked as it.
    let management = organization
        .as_ref()
        .map(|o| o.management_account_id.clone());

    let roots = client
        .list_roots()
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map_err(|e| fatal(Api::LIST_ROOTS, &e))?
        .into_iter()
        .flat_map(|p| p.roots.unwrap_or_default())
        .collect::<Vec<_>>();
    // The first root that has an id: every OU and account is listed by
    // its parent's id, so a root without one cannot be walked.
    let Some((root_id, root_name)) = roots.iter().find_map(|r| {
        let id = nonempty(r.id())?;
        Some((id.to_string(), r.name().unwrap_or("Root").to_string()))
    }) else {
        return Err(CrawlError {
            api: Api::LIST_ROOTS,
            failure: Failure::new(
                CoverageStatus::Error,
                "NoRoot",
                "the organization has no root with an id",
            ),
        });
    };

    // A queue of parents to list, at most ORG_CONCURRENCY at once, each
    // one merged stream of its listings; every listing is applied here,
    // one at a time, so the tree needs no lock. SCP failures are gathered,
    // not fatal: recorded once against the caller, who made the calls,
    // with the number of targets.
    let mut growing = Growing::new(&root_id, root_name);
    let mut ou_failure: Option<(Failure, usize)> = None;
    let mut queue = VecDeque::from([root_id]);
    let mut listing = stream::SelectAll::new();
    let mut in_flight = 0;
    loop {
        while in_flight < ORG_CONCURRENCY
            && let Some(parent) = queue.pop_front()
        {
            listing.push(Box::pin(listings(client, parent)));
            in_flight += 1;
        }
        let Some(item) = listing.next().await else {
            break;
        };
        match item {
            Listing::Ous { parent, ous } => queue.extend(growing.add_ous(&parent, ous?)),
            Listing::Accounts { parent, page } => {
                let accounts = growing.add_accounts(&parent, page?, management.as_deref());
                if !accounts.is_empty() {
                    on_page(Page {
                        accounts,
                        chain: growing.chain(&parent),
                        organization: organization.as_ref(),
                        growing: &growing,
                    });
                }
            }
            Listing::Scps { parent, scps } => match scps {
                Ok(names) => {
                    if let Some(p) = growing.nodes.get_mut(&parent) {
                        p.scps = names;
                    }
                }
                Err(f) => ou_failure.get_or_insert((f, 0)).1 += 1,
            },
            Listing::Done => in_flight -= 1,
        }
    }

    let mut coverage = Vec::new();
    if let Some((mut f, n)) = ou_failure {
        f.message = Some(format!(
            "{} (SCPs of {n} OU(s) unknown)",
            f.message.unwrap_or_default()
        ));
        warnings.push(format!("could not list SCPs of {n} OU(s): {f}"));
        coverage.push(cell(&caller.account_id, Api::LIST_POLICIES_FOR_TARGET, f));
    }
    let tree = build_tree(&growing.root, &growing.nodes);
    warnings.extend(growing.warnings);
    Ok(Crawl {
        organization,
        tree,
        accounts: growing.accounts,
        coverage,
        warnings,
    })
}

/// What one parent's listing brought.
enum Listing {
    Ous {
        parent: String,
        ous: Result<Vec<sdk::OrganizationalUnit>, CrawlError>,
    },
    /// One page of the parent's accounts, as soon as it arrives.
    Accounts {
        parent: String,
        page: Result<Vec<sdk::Account>, CrawlError>,
    },
    Scps {
        parent: String,
        scps: Result<Vec<String>, Failure>,
    },
    /// Every listing of the parent has ended: its slot is free.
    Done,
}

/// A parent's OUs, accounts (a page at a time) and SCPs, listed at once.
fn listings(client: &Client, parent: String) -> impl Stream<Item = Listing> + Send + '_ {
    let pages = client
        .list_accounts_for_parent()
        .parent_id(&parent)
        .into_paginator()
        .send();
    // The paginator is not a `futures::Stream`; this makes it one.
    let accounts = {
        let parent = parent.clone();
        stream::unfold(pages, |mut pages| async move {
            let page = pages.next().await?;
            Some((page, pages))
        })
        .map(move |page| Listing::Accounts {
            parent: parent.clone(),
            page: page
                .map(|p| p.accounts.unwrap_or_default())
                .map_err(|e| fatal(Api::LIST_ACCOUNTS_FOR_PARENT, &e)),
        })
    };
    let ous = {
        let parent = parent.clone();
        stream::once(async move {
            let ous = list_ous(client, &parent).await;
            Listing::Ous { parent, ous }
        })
    };
    let scps = stream::once(async move {
        let scps = list_scps(client, &parent).await;
        Listing::Scps { parent, scps }
    });
    stream::select(accounts, stream::select(ous, scps)).chain(stream::once(async { Listing::Done }))
}

/// An account's tags and directly attached SCPs, fetched together under
/// `limit` (shared by every account of the run). A failed call leaves its
/// field empty and becomes a coverage cell of the account.
pub async fn account_details(
    client: &Client,
    limit: &tokio::sync::Semaphore,
    account: &mut Account,
) -> Vec<Coverage> {
    // The semaphore is never closed, so `acquire` cannot fail; without a
    // permit the calls would still be correct, only less throttled.
    let _permit = limit.acquire().await.ok();
    let (tags, scps) = futures::join!(
        list_tags(client, &account.id),
        list_scps(client, &account.id)
    );
    let mut coverage = Vec::new();
    match tags {
        Ok(t) => account.tags = t,
        Err(f) => coverage.push(cell(&account.id, Api::LIST_TAGS_FOR_RESOURCE, f)),
    }
    match scps {
        Ok(s) => account.scps = s,
        Err(f) => coverage.push(cell(&account.id, Api::LIST_POLICIES_FOR_TARGET, f)),
    }
    coverage
}

/// Without Organizations (a standalone account, or a caller not allowed to
/// describe the org), the estate is the caller's own account alone: one
/// page of one account under a root without an id. With the accounts an
/// IAM Identity Center portal `listed`, it is those, flat under the root
/// (the portal knows no OUs); a failed listing falls back to the caller
/// alone, with the listing's own cell.
fn standalone(
    caller: &CallerIdentity,
    failure: Failure,
    listed: Option<Result<Vec<PortalAccount>, Failure>>,
    mut on_page: impl FnMut(Page<'_>),
) -> Crawl {
    let mut coverage = Vec::new();
    let not_in_use = failure.code.as_deref() == Some("AWSOrganizationsNotInUseException");
    if !not_in_use {
        coverage.push(cell(
            &caller.account_id,
            Api::DESCRIBE_ORGANIZATION,
            failure.clone(),
        ));
    }
    let account = |id: &str, name: &str, email: &str, is_management: bool| Account {
        id: id.to_string(),
        name: name.to_string(),
        email: email.to_string(),
        status: AccountStatus::Active,
        ou_path: Vec::new(),
        parent_id: String::new(),
        tags: Tags::new(),
        scps: Vec::new(),
        is_management,
    };
    let alone = vec![account(&caller.account_id, &caller.account_id, "", true)];
    let (accounts, warning) = match listed {
        Some(Ok(listed)) if !listed.is_empty() => (
            listed
                .iter()
                // The portal does not say which account manages the org.
                .map(|a| account(&a.id, &a.name, &a.email, false))
                .collect(),
            format!(
                "cannot read the organization ({failure}), so there are no OUs: collecting \
                 the {} account(s) IAM Identity Center lists for this sign-in",
                listed.len()
            ),
        ),
        Some(Ok(_)) => (
            alone,
            "cannot read the organization, and IAM Identity Center lists no account for \
             this sign-in; collecting the caller's account alone"
                .to_string(),
        ),
        Some(Err(f)) => {
            let warning = format!(
                "cannot read the organization ({failure}) nor list the accounts of the IAM \
                 Identity Center sign-in ({f}); collecting the caller's account alone"
            );
            coverage.push(cell(&caller.account_id, Api::from("sso:ListAccounts"), f));
            (alone, warning)
        }
        None if not_in_use => (
            alone,
            "this account is not part of an organization; collecting it alone".to_string(),
        ),
        None => (
            alone,
            format!(
                "cannot read the organization ({failure}); collecting the caller's account alone"
            ),
        ),
    };
    let mut growing = Growing::new("", "Root".to_string());
    let placed: Vec<Account> = accounts
        .into_iter()
        .filter(|a| growing.place(a.clone()))
        .collect();
    if !placed.is_empty() {
        on_page(Page {
            accounts: placed,
            chain: growing.chain(""),
            organization: None,
            growing: &growing,
        });
    }
    Crawl {
        organization: None,
        tree: build_tree(&growing.root, &growing.nodes),
        accounts: growing.accounts,
        coverage,
        warnings: vec![warning],
    }
}

/// An id AWS left out, or sent empty, is no id.
fn nonempty(id: Option<&str>) -> Option<&str> {
    id.filter(|id| !id.is_empty())
}

/// The organization, or `None` (with a warning) when its own id or its
/// management account's is missing: an invented empty id would mark no
/// account, or the wrong one, as the management account.
fn organization_of(o: &sdk::Organization, warnings: &mut Vec<String>) -> Option<Organization> {
    let (Some(id), Some(management)) = (nonempty(o.id()), nonempty(o.master_account_id())) else {
        warnings.push(
            "DescribeOrganization answered without the organization's or its management account's id; no account is marked as the management account".to_string(),
        );
        return None;
    };
    Some(Organization {
        id: id.to_string(),
        management_account_id: management.to_string(),
        management_account_email: o.master_account_email().map(str::to_string),
    })
}

/// The org tree as the listings come in.
struct Growing {
    root: String,
    nodes: HashMap<String, Node>,
    /// Every account placed so far, in the order it was listed.
    accounts: Vec<Account>,
    placed: HashSet<String>,
    /// What was skipped, and why, for the run's warnings.
    warnings: Vec<String>,
}

impl Growing {
    fn new(root_id: &str, root_name: String) -> Growing {
        Growing {
            root: root_id.to_string(),
            nodes: HashMap::from([(root_id.to_string(), Node::new(root_name, None))]),
            accounts: Vec::new(),
            placed: HashSet::new(),
            warnings: Vec::new(),
        }
    }

    /// One parent's OUs; returns the new ones, to list next. An OU without
    /// an id cannot be placed or listed, and is skipped rather than filed
    /// under an empty id. An id already in the tree is skipped too: an OU
    /// listed twice (or under itself) would otherwise be walked again,
    /// forever if it loops.
    fn add_ous(&mut self, parent: &str, ous: Vec<sdk::OrganizationalUnit>) -> Vec<String> {
        let mut next = Vec::new();
        for ou in ous {
            let Some(id) = nonempty(ou.id()) else {
                self.warnings.push(format!(
                    "an OU under {parent} without an id ({}) was skipped",
                    ou.name().unwrap_or("no name either")
                ));
                continue;
            };
            if self.nodes.contains_key(id) {
                self.warnings
                    .push(format!("OU {id} listed again under {parent} was skipped"));
                continue;
            }
            if let Some(p) = self.nodes.get_mut(parent) {
                p.children.push(id.to_string());
            }
            let name = ou.name().unwrap_or(id).to_string();
            self.nodes
                .insert(id.to_string(), Node::new(name, Some(parent.to_string())));
            next.push(id.to_string());
        }
        next
    }

    /// One page of a parent's accounts; returns those placed, as accounts
    /// of the model. An account without an id is skipped, and so is one
    /// already placed: listed twice, it would be collected twice.
    fn add_accounts(
        &mut self,
        parent: &str,
        accounts: Vec<sdk::Account>,
        management: Option<&str>,
    ) -> Vec<Account> {
        let ou_path: Vec<String> = self
            .chain(parent)
            .iter()
            .skip(1)
            .map(|(_, name)| name.to_string())
            .collect();
        let mut placed = Vec::new();
        for a in accounts {
            let Some(id) = nonempty(a.id()).map(str::to_string) else {
                self.warnings.push(format!(
                    "an account under {parent} without an id ({}) was skipped",
                    a.name().unwrap_or("no name either")
                ));
                continue;
            };
            let account = Account {
                name: a.name().unwrap_or(&id).to_string(),
                email: a.email().unwrap_or_default().to_string(),
                status: account_status(&a),
                ou_path: ou_path.clone(),
                parent_id: parent.to_string(),
                // Filled in by `account_details`, during the account's run.
                tags: Tags::new(),
                scps: Vec::new(),
                is_management: management == Some(id.as_str()),
                id,
            };
            if self.place(account.clone()) {
                placed.push(account);
            }
        }
        placed
    }

    /// File `account` under its parent, unless it was placed before.
    fn place(&mut self, account: Account) -> bool {
        if !self.placed.insert(account.id.clone()) {
            self.warnings.push(format!(
                "account {} listed again under {} was skipped",
                account.id, account.parent_id
            ));
            return false;
        }
        if let Some(p) = self.nodes.get_mut(&account.parent_id) {
            p.accounts.push(account.id.clone());
        }
        self.accounts.push(account);
        true
    }

    /// `(id, name)` from the root down to `id`. Parents are set once, when
    /// an OU is first placed, so the links cannot loop; the bound is for a
    /// broken map all the same.
    fn chain(&self, id: &str) -> Vec<(&str, &str)> {
        let mut chain = Vec::new();
        let mut at = self.nodes.get_key_value(id);
        while let Some((id, node)) = at {
            chain.push((id.as_str(), node.name.as_str()));
            if chain.len() > self.nodes.len() {
                break;
            }
            at = node
                .parent
                .as_ref()
                .and_then(|p| self.nodes.get_key_value(p));
        }
        chain.reverse();
        chain
    }
}

#[derive(Debug)]
struct Node {
    name: String,
    /// `None` for the root.
    parent: Option<String>,
    scps: Vec<String>,
    accounts: Vec<String>,
    children: Vec<String>,
}

impl Node {
    fn new(name: String, parent: Option<String>) -> Node {
        Node {
            name,
            parent,
            scps: Vec::new(),
            accounts: Vec::new(),
            children: Vec::new(),
        }
    }
}

fn build_tree(id: &str, nodes: &HashMap<String, Node>) -> OrgUnit {
    let Some(n) = nodes.get(id) else {
        return OrgUnit {
            id: id.to_string(),
            name: id.to_string(),
            scps: Vec::new(),
            accounts: Vec::new(),
            children: Vec::new(),
        };
    };
    OrgUnit {
        id: id.to_string(),
        name: n.name.clone(),
        scps: n.scps.clone(),
        accounts: n.accounts.clone(),
        children: n.children.iter().map(|c| build_tree(c, nodes)).collect(),
    }
}

/// The legacy `Status` field is what the issue and most tooling speak
/// (`ACTIVE`/`SUSPENDED`/`PENDING_CLOSURE`); fall back to the newer `State`.
#[allow(deprecated)]
fn account_status(a: &sdk::Account) -> AccountStatus {
    if let Some(s) = a.status() {
        return AccountStatus::from(s.as_str());
    }
    match a.state().map(|s| s.as_str()) {
        Some("CLOSED") => AccountStatus::Suspended,
        Some(other) => AccountStatus::from(other),
        None => AccountStatus::Other("UNKNOWN".to_string()),
    }
}

fn cell(account_id: &str, api: Api, f: Failure) -> Coverage {
    let key = CellKey::new(account_id, Place::Global, api);
    Coverage::new(key, f.status, f.code, f.message)
}

fn fatal<E>(
    api: Api,
    e: &aws_smithy_runtime_api::client::result::SdkError<E, aws_smithy_runtime_api::http::Response>,
) -> CrawlError
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::error::Error + 'static,
{
    CrawlError {
        api,
        failure: classify(e),
    }
}

async fn list_ous(
    client: &Client,
    parent: &str,
) -> Result<Vec<sdk::OrganizationalUnit>, CrawlError> {
    let ous = client
        .list_organizational_units_for_parent()
        .parent_id(parent)
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map_err(|e| fatal(Api::LIST_ORGANIZATIONAL_UNITS_FOR_PARENT, &e))?;
    Ok(ous
        .into_iter()
        .flat_map(|p| p.organizational_units.unwrap_or_default())
        .collect())
}

async fn list_tags(client: &Client, account_id: &str) -> Result<Tags, Failure> {
    let tags = client
        .list_tags_for_resource()
        .resource_id(account_id)
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map_err(|e| classify(&e))?;
    Ok(tags
        .into_iter()
        .flat_map(|p| p.tags.unwrap_or_default())
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect())
}

/// Names of the SCPs attached directly to a target. An organization without
/// the SCP policy type enabled simply has none.
async fn list_scps(client: &Client, target: &str) -> Result<Vec<String>, Failure> {
    let result = client
        .list_policies_for_target()
        .target_id(target)
        .filter(SCP)
        .into_paginator()
        .send()
        .try_collect()
        .await;
    match result {
        Ok(pages) => Ok(pages
            .into_iter()
            .flat_map(|p| p.policies.unwrap_or_default())
            .filter_map(|p| p.name().map(str::to_string))
            .collect()),
        Err(e) => {
            let f = classify(&e);
            if f.code.as_deref() == Some("PolicyTypeNotEnabledException") {
                Ok(Vec::new())
            } else {
                Err(f)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ou(id: Option<&str>, name: &str) -> sdk::OrganizationalUnit {
        sdk::OrganizationalUnit::builder()
            .set_id(id.map(str::to_string))
            .name(name)
            .build()
    }

    fn account(id: Option<&str>, name: &str) -> sdk::Account {
        sdk::Account::builder()
            .set_id(id.map(str::to_string))
            .name(name)
            .build()
    }

    /// Missing ids became "", and an OU listed twice was walked twice
    /// (issue #17): each is now skipped with a warning.
    #[test]
    fn ous_and_accounts_without_ids_or_listed_twice_are_skipped() {
        let mut g = Growing::new("r-1", "Root".to_string());
        let next = g.add_ous(
            "r-1",
            vec![
                ou(Some("ou-1"), "Prod"),
                ou(None, "Ghost"),
                ou(Some(""), "Blank"),
                ou(Some("ou-1"), "Prod again"),
                ou(Some("r-1"), "The root as its own child"),
            ],
        );
        assert_eq!(next, vec!["ou-1"]);
        let placed = g.add_accounts(
            "r-1",
            vec![
                account(Some("111111111111"), "app"),
                account(None, "nameless"),
                account(Some("111111111111"), "app again"),
            ],
            None,
        );
        let ids: Vec<&str> = placed.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, vec!["111111111111"]);
        // An account already placed under another parent stays there.
        assert!(
            g.add_accounts("ou-1", vec![account(Some("111111111111"), "app")], None)
                .is_empty()
        );
        let root = &g.nodes["r-1"];
        assert_eq!(root.children, vec!["ou-1"]);
        assert_eq!(root.accounts, vec!["111111111111"]);
        assert!(g.nodes["ou-1"].accounts.is_empty());
        assert_eq!(g.nodes.len(), 2);
        let placed: Vec<(&str, &str)> = g
            .accounts
            .iter()
            .map(|a| (a.parent_id.as_str(), a.id.as_str()))
            .collect();
        assert_eq!(placed, vec![("r-1", "111111111111")]);
        assert_eq!(g.warnings.len(), 7, "{:#?}", g.warnings);
        assert!(
            g.warnings
                .iter()
                .any(|w| w.contains("without an id (Ghost)"))
        );
        assert!(
            g.warnings
                .iter()
                .any(|w| w.contains("OU ou-1 listed again"))
        );
        assert!(
            g.warnings
                .iter()
                .any(|w| w.contains("without an id (nameless)"))
        );
    }

    /// Accounts are handed out page by page, so each must carry its OU
    /// path (and its parent's chain, for scoping) the moment it is placed,
    /// whatever the order the listings of different parents arrive in.
    #[test]
    fn an_account_placed_at_any_depth_knows_its_path_at_once() {
        let mut g = Growing::new("r-1", "Root".to_string());
        g.add_ous("r-1", vec![ou(Some("ou-w"), "Workloads")]);
        g.add_ous("ou-w", vec![ou(Some("ou-p"), "Prod")]);
        // The deep OU's accounts arrive before the root's.
        let deep = g.add_accounts(
            "ou-p",
            vec![account(Some("222222222222"), "app-prod")],
            Some("111111111111"),
        );
        let top = g.add_accounts(
            "r-1",
            vec![account(Some("111111111111"), "mgmt")],
            Some("111111111111"),
        );
        assert_eq!(deep[0].ou_path, vec!["Workloads", "Prod"]);
        assert_eq!(deep[0].parent_id, "ou-p");
        assert!(!deep[0].is_management);
        assert!(top[0].ou_path.is_empty());
        assert!(top[0].is_management);
        assert_eq!(
            g.chain("ou-p"),
            vec![("r-1", "Root"), ("ou-w", "Workloads"), ("ou-p", "Prod")]
        );
        assert_eq!(g.chain("r-1"), vec![("r-1", "Root")]);
        assert!(g.chain("ou-unknown").is_empty());
        let tree = build_tree(&g.root, &g.nodes);
        assert_eq!(
            tree.account_ids_below(),
            vec!["111111111111", "222222222222"]
        );
    }

    #[test]
    fn an_organization_without_ids_is_no_organization() {
        let mut warnings = Vec::new();
        let full = sdk::Organization::builder()
            .id("o-1")
            .master_account_id("123456789012")
            .build();
        let org = organization_of(&full, &mut warnings).expect("has both ids");
        assert_eq!(org.management_account_id, "123456789012");
        assert!(warnings.is_empty());
        let no_management = sdk::Organization::builder().id("o-1").build();
        assert!(organization_of(&no_management, &mut warnings).is_none());
        assert_eq!(warnings.len(), 1);
    }
}
