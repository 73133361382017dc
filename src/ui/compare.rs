//! Comparing two panes (interim, until `orgscope::diff` is wired in):
//! resources are matched by type, account twin, region and name with the
//! environment tokens taken out; matched pairs are compared field by field
//! (security-group peers by group name, not account-specific id), and a
//! resource whose twin account-region was not collected is reported as
//! "not collected" rather than missing.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Details, Estate, Resource, ResourceType};

/// What one compared key turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryStatus {
    OnlyLeft,
    OnlyRight,
    Changed,
    Same,
    /// Present on one side; the other side's twin account-region was not
    /// collected (denied, throttled...), so absence proves nothing.
    NotCollected,
}

impl EntryStatus {
    pub fn label(self) -> &'static str {
        match self {
            EntryStatus::OnlyLeft => "only left",
            EntryStatus::OnlyRight => "only right",
            EntryStatus::Changed => "changed",
            EntryStatus::Same => "same",
            EntryStatus::NotCollected => "not collected",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: String,
    pub left: String,
    pub right: String,
}

#[derive(Debug, Clone)]
pub struct DiffEntry {
    pub rtype: ResourceType,
    pub key: String,
    pub status: EntryStatus,
    pub left: Option<usize>,
    pub right: Option<usize>,
    pub changes: Vec<FieldChange>,
}

/// Per type: only left, only right, changed, same, not collected.
pub type TypeSummary = BTreeMap<ResourceType, [usize; 5]>;

#[derive(Debug, Clone, Default)]
pub struct DiffReport {
    pub entries: Vec<DiffEntry>,
    pub per_type: TypeSummary,
}

/// How two panes are matched: by type plus the `Name` (or id) with the
/// environment tokens taken out, so `billing-prod-web` meets `billing-test-web`.
#[derive(Debug, Clone)]
pub struct CompareOptions {
    pub env_tokens: Vec<String>,
    pub ignore_tags: Vec<String>,
}

/// How one resource is recognised on the other side: its account with the
/// environment taken out, its region, and its name with the environment
/// taken out (or a natural name for AWS defaults, which have no Name tag).
fn match_key(
    e: &Estate,
    vpcs: &std::collections::HashMap<&str, String>,
    r: &Resource,
    tokens: &[String],
) -> String {
    let account = e
        .account(&r.account_id)
        .map_or_else(|| r.account_id.clone(), |a| strip_env(&a.name, tokens));
    let name = match (&r.name, &r.details) {
        (_, Details::SecurityGroup(g)) => {
            let vpc = g
                .vpc_id
                .as_deref()
                .and_then(|v| vpcs.get(v))
                .cloned()
                .unwrap_or_default();
            format!("{}@{vpc}", strip_env(&g.group_name, tokens))
        }
        (Some(n), _) => strip_env(n, tokens),
        (None, Details::Vpc(v)) if v.is_default => "default-vpc".to_string(),
        (None, Details::Subnet(s)) if s.default_for_az => {
            format!("default-subnet-{}", s.availability_zone)
        }
        (None, _) => r.id.clone(),
    };
    format!("{account}/{}/{name}", r.region)
}

fn vpc_key(v: &Resource, tokens: &[String]) -> String {
    match (&v.name, &v.details) {
        (Some(n), _) => strip_env(n, tokens),
        (None, Details::Vpc(d)) if d.is_default => "default-vpc".to_string(),
        _ => v.id.clone(),
    }
}

fn strip_env(name: &str, tokens: &[String]) -> String {
    let name = name.to_lowercase();
    name.split(['-', '_', '.', ' '])
        .map(|part| {
            if tokens.iter().any(|t| t == part) {
                "*"
            } else {
                part
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

fn fields(
    r: &Resource,
    sg_names: &std::collections::HashMap<&str, &str>,
    opts: &CompareOptions,
) -> BTreeMap<String, String> {
    let mut f = BTreeMap::new();
    match &r.details {
        Details::Instance(i) => {
            f.insert("instance_type".into(), i.instance_type.clone());
            f.insert("state".into(), i.state.clone());
            f.insert("platform".into(), i.platform.clone().unwrap_or_default());
        }
        Details::Vpc(v) => {
            f.insert("cidr_block".into(), v.cidr_block.clone());
        }
        Details::Subnet(s) => {
            f.insert("public".into(), s.public.to_string());
        }
        Details::SecurityGroup(g) => {
            // Peers that are groups differ by id between accounts; compare
            // them by group name.
            let rules = |rs: &[crate::model::SgRule]| {
                let mut v: Vec<String> = rs
                    .iter()
                    .map(|x| {
                        let mut x = x.clone();
                        x.description = None;
                        if let crate::model::RulePeer::SecurityGroup(id) = &x.peer {
                            let id = id.rsplit('/').next().unwrap_or(id);
                            if let Some(n) = sg_names.get(id) {
                                x.peer = crate::model::RulePeer::SecurityGroup(strip_env(
                                    n,
                                    &opts.env_tokens,
                                ));
                            }
                        }
                        x.to_string()
                    })
                    .collect();
                v.sort();
                v.join(", ")
            };
            f.insert("ingress".into(), rules(&g.ingress));
            f.insert("egress".into(), rules(&g.egress));
        }
        Details::Volume(v) => {
            f.insert("size_gib".into(), v.size_gib.to_string());
            f.insert("volume_type".into(), v.volume_type.clone());
            f.insert("encrypted".into(), v.encrypted.to_string());
        }
    }
    for (k, v) in &r.tags {
        if k == "Name" || opts.ignore_tags.iter().any(|i| i == k) {
            continue;
        }
        let v = if opts.env_tokens.iter().any(|t| t.eq_ignore_ascii_case(v)) {
            "<env>".to_string()
        } else {
            v.clone()
        };
        f.insert(format!("tag:{k}"), v);
    }
    f
}

/// True when `account`'s environment twins on the other side (same name
/// once environment tokens are taken out) exist and none of them was
/// collected in `region`.
fn twin_not_collected(
    from: &Estate,
    account: &str,
    region: &str,
    other: &Estate,
    other_accounts: &[String],
    tokens: &[String],
) -> bool {
    let Some(a) = from.account(account) else {
        return false;
    };
    let key = strip_env(&a.name, tokens);
    let twins: Vec<&String> = other_accounts
        .iter()
        .filter(|id| {
            other
                .account(id)
                .is_some_and(|t| strip_env(&t.name, tokens) == key)
        })
        .collect();
    !twins.is_empty() && twins.iter().all(|t| !other.region_collected(t, region))
}

/// Compare two sets of rows (indices into each estate's resources);
/// `lacc`/`racc` are the accounts each side's scope covers.
pub fn compare(
    (left, lidx, lacc): (&Estate, &[usize], &[String]),
    (right, ridx, racc): (&Estate, &[usize], &[String]),
    opts: &CompareOptions,
) -> DiffReport {
    let index = |e: &Estate, idx: &[usize]| {
        let vpcs: std::collections::HashMap<&str, String> = e
            .resources
            .iter()
            .filter(|r| r.resource_type() == ResourceType::Vpc)
            .map(|r| (r.id.as_str(), vpc_key(r, &opts.env_tokens)))
            .collect();
        let mut m: BTreeMap<(ResourceType, String), usize> = BTreeMap::new();
        for &i in idx {
            let r = &e.resources[i];
            m.entry((r.resource_type(), match_key(e, &vpcs, r, &opts.env_tokens)))
                .or_insert(i);
        }
        m
    };
    fn sg_names(e: &Estate) -> std::collections::HashMap<&str, &str> {
        e.resources
            .iter()
            .filter_map(|r| match &r.details {
                Details::SecurityGroup(g) => Some((r.id.as_str(), g.group_name.as_str())),
                _ => None,
            })
            .collect()
    }
    let (lsg, rsg) = (sg_names(left), sg_names(right));
    let l = index(left, lidx);
    let r = index(right, ridx);
    let mut keys: Vec<&(ResourceType, String)> = l.keys().chain(r.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut report = DiffReport::default();
    for k in keys {
        let (li, ri) = (l.get(k).copied(), r.get(k).copied());
        let mut changes = Vec::new();
        let status = match (li, ri) {
            (Some(a), Some(b)) => {
                let fa = fields(&left.resources[a], &lsg, opts);
                let fb = fields(&right.resources[b], &rsg, opts);
                let names: BTreeSet<&String> = fa.keys().chain(fb.keys()).collect();
                for name in names {
                    let (va, vb) = (fa.get(name), fb.get(name));
                    if va != vb {
                        changes.push(FieldChange {
                            field: name.clone(),
                            left: va.cloned().unwrap_or_else(|| "—".into()),
                            right: vb.cloned().unwrap_or_else(|| "—".into()),
                        });
                    }
                }
                if changes.is_empty() {
                    EntryStatus::Same
                } else {
                    EntryStatus::Changed
                }
            }
            (Some(a), None) => {
                let r = &left.resources[a];
                if twin_not_collected(
                    left,
                    &r.account_id,
                    &r.region,
                    right,
                    racc,
                    &opts.env_tokens,
                ) {
                    EntryStatus::NotCollected
                } else {
                    EntryStatus::OnlyLeft
                }
            }
            (None, Some(b)) => {
                let r = &right.resources[b];
                if twin_not_collected(
                    right,
                    &r.account_id,
                    &r.region,
                    left,
                    lacc,
                    &opts.env_tokens,
                ) {
                    EntryStatus::NotCollected
                } else {
                    EntryStatus::OnlyRight
                }
            }
            (None, None) => continue,
        };
        let slot = match status {
            EntryStatus::OnlyLeft => 0,
            EntryStatus::OnlyRight => 1,
            EntryStatus::Changed => 2,
            EntryStatus::Same => 3,
            EntryStatus::NotCollected => 4,
        };
        report.per_type.entry(k.0).or_default()[slot] += 1;
        report.entries.push(DiffEntry {
            rtype: k.0,
            key: k.1.clone(),
            status,
            left: li,
            right: ri,
            changes,
        });
    }
    // What needs attention first: changes, then what is missing.
    let rank = |s: EntryStatus| match s {
        EntryStatus::Changed => 0,
        EntryStatus::OnlyLeft => 1,
        EntryStatus::OnlyRight => 2,
        EntryStatus::NotCollected => 3,
        EntryStatus::Same => 4,
    };
    report
        .entries
        .sort_by(|a, b| (rank(a.status), a.rtype, &a.key).cmp(&(rank(b.status), b.rtype, &b.key)));
    report
}
