//! The estate: everything orgscope knows about an AWS Organizations estate at
//! one moment — who collected it, the org tree, the accounts, the resources
//! of every account-region with their relations, and the coverage status of
//! every (account, region, api) cell. These are plain serde types with no
//! egui, tokio or AWS SDK in sight: `collect` produces them, `snapshot`
//! stores them, and `query`, `diff`, `diagram` and `ui` only ever read them.
//!
//! Resources are open: a [`Resource`] is a [`Kind`] plus typed field values
//! and [`Edge`]s, and what a kind means lives in its descriptor
//! ([`KindDef`], one file per kind under `kinds/`).
//!
//! What used to be strings compared with literals are types: an account's
//! [`AccountStatus`] (`account.rs`), and a coverage cell's [`Place`], [`Api`]
//! and [`CellKey`] (`coverage.rs`, which also says why a resource's region
//! stays a string). Each is written as the string it always was.
//!
//! The JSON shape is a public contract (scripts read `accounts[]`,
//! `resources[]` and `coverage[]`), so field names here are chosen for the
//! file, not for Rust, and changing one means bumping [`VERSION`]. Version
//! 2 added kinds as data and `relations` on each resource; version 1 files
//! are migrated as they are read (see `resource.rs`).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

mod account;
pub mod arn;
pub mod aws;
mod coverage;
pub mod freshness;
mod kind;
pub mod kinds;
mod relation;
mod resource;
mod rules;
mod tags;
mod value;
pub mod wiring;

pub use account::{Account, AccountStatus};
pub use coverage::{
    Api, CONFIG_SOURCE, CellKey, Coverage, CoverageStatus, GLOBAL, Place, is_global,
};
pub use kind::{
    Compare, Counted, Draw, FieldDef, KeyDef, Kind, KindDef, KindSet, RelationDef, Scope,
    ValueType, account_apis, global_apis, listed_apis, regional_apis,
};
pub use relation::{Edge, EdgeAttrs, Rel};
pub use resource::{CAPTURED_AT, Resource};
pub use rules::{Permission, PermissionPeer, normalize_rules};
pub use tags::Tags;
pub use value::{RulePeer, SgRule, Value};

/// Value of the `format` field of every estate file.
pub const FORMAT: &str = "orgscope-estate";
/// The estate file version this build writes and the newest it reads.
/// Version 1 (five EC2 kinds, references as fields) is read and migrated.
pub const VERSION: u32 = 2;

/// A whole estate, as collected (or generated for the demo).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Estate {
    /// Always [`FORMAT`].
    pub format: String,
    /// The file version, [`VERSION`] when written by this build.
    pub version: u32,
    /// When collection started, RFC 3339 UTC.
    pub collected_at: String,
    /// Where this estate came from (live profile, demo...).
    pub source: Source,
    /// `sts:GetCallerIdentity` of the base credentials.
    pub caller: CallerIdentity,
    /// The organization, when the caller could describe it.
    pub organization: Option<Organization>,
    /// Role assumed into member accounts (absent for the demo).
    pub role_name: Option<String>,
    /// Regions that were asked for (each account may have fewer enabled).
    pub regions: Vec<String>,
    /// The org tree: the root with its OUs nested to any depth.
    pub tree: OrgUnit,
    pub accounts: Vec<Account>,
    pub resources: Vec<Resource>,
    pub coverage: Vec<Coverage>,
    /// What Cost Explorer reported, when the run asked for it (`--cost`).
    /// Optional and additive, so the version stays 2: files without it
    /// read as they always did, and an older build ignores the key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub costs: Option<crate::cost::Costs>,
}

/// How an estate was obtained; shown in pane headers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub kind: SourceKind,
    /// AWS profile name for live collections (`None` = default chain).
    pub profile: Option<String>,
    /// Free-form description, e.g. "demo estate (25 accounts)".
    pub label: String,
    /// The AWS Config aggregator read, for [`SourceKind::ConfigAggregator`]
    /// (and a mixed estate, which is one refreshed in part live). Written
    /// only when set, so other snapshots do not change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregator: Option<Aggregator>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// Crawled: a role assumed in each account, its APIs described.
    Live,
    Demo,
    /// Read from an AWS Config aggregator (`SelectAggregateResourceConfig`)
    /// in one account, with no role in the others. Each resource carries
    /// its capture time ([`Resource::captured_at`]); coverage cells that
    /// came from the aggregator say so ([`Coverage::source`]).
    ConfigAggregator,
}

/// Which AWS Config aggregator an estate was read from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Aggregator {
    pub name: String,
    /// The region the aggregator lives in (it aggregates every region).
    pub region: String,
    /// The account holding it (a delegated administrator, or management).
    pub account_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallerIdentity {
    pub account_id: String,
    pub arn: String,
    pub user_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    pub id: String,
    pub management_account_id: String,
    pub management_account_email: Option<String>,
}

/// A node of the org tree: the root or an organizational unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgUnit {
    /// `r-xxxx` for the root, `ou-xxxx-yyyyyyyy` for OUs.
    pub id: String,
    pub name: String,
    /// Names of the service control policies attached directly here.
    pub scps: Vec<String>,
    /// Ids of the accounts directly under this node, in crawl order.
    pub accounts: Vec<String>,
    pub children: Vec<OrgUnit>,
}

impl OrgUnit {
    /// Visit this node and all descendants, depth first, parents first,
    /// with the path of names from the root (root excluded) to each node.
    pub fn walk<'a>(&'a self, f: &mut impl FnMut(&'a OrgUnit, &[&'a str])) {
        fn go<'a>(
            node: &'a OrgUnit,
            path: &mut Vec<&'a str>,
            f: &mut impl FnMut(&'a OrgUnit, &[&'a str]),
        ) {
            f(node, path);
            for child in &node.children {
                path.push(&child.name);
                go(child, path, f);
                path.pop();
            }
        }
        go(self, &mut Vec::new(), f);
    }

    /// Find a node by id anywhere below (and including) this one.
    pub fn find(&self, id: &str) -> Option<&OrgUnit> {
        if self.id == id {
            return Some(self);
        }
        self.children.iter().find_map(|c| c.find(id))
    }

    /// Ids of every account at or below this node.
    pub fn account_ids_below(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.walk(&mut |node, _| out.extend(node.accounts.iter().map(String::as_str)));
        out
    }
}

impl Estate {
    /// An empty estate with the given provenance; `collect` and the demo
    /// generator fill it in.
    pub fn new(collected_at: String, source: Source, caller: CallerIdentity) -> Estate {
        Estate {
            format: FORMAT.to_string(),
            version: VERSION,
            collected_at,
            source,
            caller,
            organization: None,
            role_name: None,
            regions: Vec::new(),
            tree: OrgUnit {
                id: String::new(),
                name: "Root".to_string(),
                scps: Vec::new(),
                accounts: Vec::new(),
                children: Vec::new(),
            },
            accounts: Vec::new(),
            resources: Vec::new(),
            coverage: Vec::new(),
            costs: None,
        }
    }

    /// True when some cell did not complete: the estate is partial.
    pub fn is_partial(&self) -> bool {
        self.coverage.iter().any(|c| !c.status.is_complete())
    }

    /// Cells that did not complete, for summaries and badges.
    pub fn failed_cells(&self) -> impl Iterator<Item = &Coverage> {
        self.coverage.iter().filter(|c| !c.status.is_complete())
    }

    pub fn account(&self, id: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.id == id)
    }

    /// Map from account id to index in `accounts`, for repeated lookups.
    pub fn account_index(&self) -> HashMap<&str, usize> {
        self.accounts
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id.as_str(), i))
            .collect()
    }

    /// Resource counts per account id.
    pub fn resource_counts(&self) -> HashMap<&str, usize> {
        let mut counts = HashMap::new();
        for r in &self.resources {
            *counts.entry(r.account_id.as_str()).or_insert(0) += 1;
        }
        counts
    }

    /// The worst coverage status per account (ok < ... < error), so a tree
    /// badge can show the one that matters most.
    pub fn coverage_by_account(&self) -> HashMap<&str, Vec<&Coverage>> {
        let mut out: HashMap<&str, Vec<&Coverage>> = HashMap::new();
        for c in &self.coverage {
            out.entry(c.account_id.as_str()).or_default().push(c);
        }
        out
    }

    /// Whether the (account, region) was collected completely for all APIs:
    /// the diff uses this to say "not collected" rather than "missing".
    pub fn region_collected(&self, account_id: &str, region: &str) -> bool {
        let mut any = false;
        for c in &self.coverage {
            // Cost Explorer's cell says nothing about what a region holds
            // (a denied Cost Explorer must not make the management
            // account's resources look uncollected), nor IAM's about EC2.
            if c.account_id == account_id && c.api.covers(&c.region, region) {
                any = true;
                if c.status != CoverageStatus::Ok {
                    return false;
                }
            }
        }
        any
    }

    /// The accounts whose global kinds (IAM) were not read: no `ok` cell
    /// of a global kind's read call, or a failed cell covering the
    /// account's global resources (a refused AssumeRole, a denied IAM).
    /// An account collected before orgscope read IAM has no such cell and
    /// is listed: what was not asked is not known.
    pub fn global_unread(&self) -> std::collections::BTreeSet<&str> {
        let mut read = std::collections::HashSet::new();
        let mut failed = std::collections::HashSet::new();
        for c in &self.coverage {
            if !c.api.covers(&c.region, GLOBAL) {
                continue;
            }
            // The kinds' own read decides; another IAM read (the users'
            // access keys) failing loses only those keys.
            let kinds_read = kind::global_apis().any(|a| a == c.api.as_str());
            if c.status != CoverageStatus::Ok {
                if kinds_read || !c.api.is_global_kind() {
                    failed.insert(c.account_id.as_str());
                }
            } else if kinds_read {
                read.insert(c.account_id.as_str());
            }
        }
        self.accounts
            .iter()
            .map(|a| a.id.as_str())
            .filter(|id| !read.contains(id) || failed.contains(id))
            .collect()
    }

    /// Put accounts, resources and coverage in a canonical order so that two
    /// collections of the same estate serialize identically.
    pub fn canonicalize(&mut self) {
        self.accounts.sort_by(|a, b| a.id.cmp(&b.id));
        self.resources.sort_by(|a, b| {
            (&a.account_id, &a.region, a.kind, &a.id).cmp(&(
                &b.account_id,
                &b.region,
                b.kind,
                &b.id,
            ))
        });
        // Places and APIs order as their text: the order files always had.
        self.coverage.sort_by_cached_key(Coverage::key);
    }
}

#[cfg(test)]
mod tests;
