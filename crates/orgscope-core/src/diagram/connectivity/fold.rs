//! What the connectivity picture draws once it is folded for scale. Two
//! folds keep a thousand-account estate readable, both of the same kind:
//! boxes that would repeat the same picture become one box that says so.
//!
//! - **VPCs of one account with the same connections** (the same Transit
//!   Gateways, the same peer VPCs), past [`ConnectivityOptions::fold_above`],
//!   become one "N VPCs" box in that account.
//! - **Accounts of one OU with the same connections** (every workload
//!   account of `Prod` attached to the network account's TGW and to nothing
//!   else), past the same limit, become one "N accounts" box in that OU with
//!   one edge per shared far end. Accounts owning a Transit Gateway, or
//!   connected inside themselves, are never folded: they are the hubs.
//!
//! Accounts with no connection at all fold into one "N accounts without
//! peering or Transit Gateway" line per OU whatever their number: the
//! picture is about connections. So a TGW with 300 spokes from 300 accounts
//! in three OUs draws as one hub, three "100 accounts" boxes and three
//! edges; what stays unbounded is only what is genuinely distinct (300
//! accounts each peered with a *different* partner stay 300 boxes).
//!
//! [`ConnectivityOptions::fold_above`]: super::ConnectivityOptions::fold_above

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::graph::{Graph, LinkKind};
use crate::model::Estate;

/// Group id of accounts outside the organization.
pub(in crate::diagram) const OUTSIDE: &str = "outside-organization";

/// A box standing for several VPCs of one account.
#[derive(Debug, Clone)]
pub(super) struct VpcFold {
    pub account: String,
    pub vpcs: Vec<String>,
}

/// A box standing for several accounts of one group.
#[derive(Debug, Clone)]
pub(super) struct AccountFold {
    pub group: String,
    pub accounts: Vec<String>,
    /// Their connected VPCs.
    pub vpcs: Vec<String>,
}

/// What a drawn edge stands for: it decides which edges share lanes (a
/// hub's spokes), and is the connector style the edge is drawn in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(in crate::diagram) enum Wire {
    /// A VPC peering connection.
    Peering,
    /// One VPC attachment to a Transit Gateway.
    Spoke,
    /// Several VPC attachments folded into one edge.
    Bundle,
    /// A peering attachment between two Transit Gateways.
    HubPeering,
    /// Roles of the far account trust the near one (the access diagram):
    /// the arrows of one trusted account share lanes, a trunk per source.
    Trust,
    /// The same, with a finding among the roles.
    TrustRisk,
}

/// An edge of the picture between two drawn boxes, with the links it
/// stands for (one, unless folded).
#[derive(Debug, Clone)]
pub(in crate::diagram) struct DrawnEdge {
    pub from: String,
    pub to: String,
    pub wire: Wire,
    pub links: Vec<String>,
    /// Text on the connector, near its far end.
    pub label: Option<String>,
}

#[derive(Debug, Default)]
pub(super) struct Folded {
    /// Original node id → the summary box drawing it; absent = itself.
    pub drawn: HashMap<String, String>,
    pub vpc_folds: BTreeMap<String, VpcFold>,
    pub account_folds: BTreeMap<String, AccountFold>,
    pub edges: Vec<DrawnEdge>,
    /// Group (OU id, root id or [`OUTSIDE`]) of every account in the scope.
    pub group_of: BTreeMap<String, String>,
    /// Node ids with at least one link.
    pub connected: BTreeSet<String>,
}

impl Folded {
    pub fn drawn_id<'s>(&'s self, id: &'s str) -> &'s str {
        self.drawn.get(id).map_or(id, String::as_str)
    }
}

/// The root's group id: the tree's id, or a stand-in for estates with no
/// organization (a single account collected on its own).
pub(in crate::diagram) fn root_id(estate: &Estate) -> &str {
    if estate.tree.id.is_empty() {
        "organization-root"
    } else {
        &estate.tree.id
    }
}

pub(super) fn fold(estate: &Estate, g: &Graph, fold_above: usize) -> Folded {
    let mut f = Folded::default();
    let mut ou_of: HashMap<&str, &str> = HashMap::new();
    estate.tree.walk(&mut |u, _| {
        for a in &u.accounts {
            ou_of.insert(a.as_str(), u.id.as_str());
        }
    });
    let root = root_id(estate);
    let members: BTreeSet<&str> = estate.accounts.iter().map(|a| a.id.as_str()).collect();
    for a in &g.accounts {
        let group = match (members.contains(a.as_str()), ou_of.get(a.as_str())) {
            (true, Some(ou)) if !ou.is_empty() => ou.to_string(),
            (true, _) => root.to_string(),
            (false, _) => OUTSIDE.to_string(),
        };
        f.group_of.insert(a.clone(), group);
    }

    let mut adj: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for l in &g.links {
        adj.entry(&l.from).or_default().insert(&l.to);
        adj.entry(&l.to).or_default().insert(&l.from);
    }
    f.connected = adj.keys().map(|s| s.to_string()).collect();

    // Connected VPCs per account, in id order.
    let mut by_account: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (id, v) in &g.vpcs {
        if adj.contains_key(id.as_str()) {
            by_account.entry(&v.account).or_default().push(id);
        }
    }
    let hub_owners: BTreeSet<&str> = g.hubs.values().map(|h| h.owner.as_str()).collect();

    // VPCs of one account with the same neighbours.
    for (account, vpcs) in &by_account {
        let mut same: BTreeMap<Vec<&str>, Vec<&str>> = BTreeMap::new();
        for v in vpcs {
            let sig: Vec<&str> = adj.get(v).into_iter().flatten().copied().collect();
            same.entry(sig).or_default().push(v);
        }
        for group in same.into_values().filter(|g| g.len() > fold_above) {
            let id = format!("{account}/vpcs/{}", group[0]);
            for v in &group {
                f.drawn.insert(v.to_string(), id.clone());
            }
            f.vpc_folds.insert(
                id,
                VpcFold {
                    account: account.to_string(),
                    vpcs: group.iter().map(|s| s.to_string()).collect(),
                },
            );
        }
    }

    // Accounts of one group with the same far ends.
    let mut same: BTreeMap<(&str, Vec<&str>), Vec<&str>> = BTreeMap::new();
    for (account, vpcs) in &by_account {
        if hub_owners.contains(account) {
            continue;
        }
        let Some(group) = f.group_of.get(*account) else {
            continue;
        };
        let mut far: BTreeSet<&str> = BTreeSet::new();
        let mut inside = false;
        for v in vpcs {
            for n in adj.get(v).into_iter().flatten() {
                if g.owner(n) == Some(account) {
                    inside = true;
                }
                far.insert(n);
            }
        }
        if !inside {
            same.entry((group, far.into_iter().collect()))
                .or_default()
                .push(account);
        }
    }
    for ((group, _), accounts) in same {
        if accounts.len() <= fold_above {
            continue;
        }
        let id = format!("{group}/accounts/{}", accounts[0]);
        let mut vpcs = Vec::new();
        for a in &accounts {
            for v in by_account.get(a).into_iter().flatten() {
                f.drawn.insert(v.to_string(), id.clone());
                vpcs.push(v.to_string());
            }
        }
        // A VPC fold inside a folded account is folded again: drop it.
        f.vpc_folds
            .retain(|_, vf| !accounts.contains(&vf.account.as_str()));
        f.account_folds.insert(
            id,
            AccountFold {
                group: group.to_string(),
                accounts: accounts.iter().map(|s| s.to_string()).collect(),
                vpcs,
            },
        );
    }

    // One edge per pair of drawn boxes: a link listed by both its accounts
    // was already read once, and folded links share their box's edge.
    let mut index: BTreeMap<(String, String), usize> = BTreeMap::new();
    for l in &g.links {
        let (a, b) = (f.drawn_id(&l.from), f.drawn_id(&l.to));
        if a == b {
            continue;
        }
        let key = if a < b {
            (a.to_string(), b.to_string())
        } else {
            (b.to_string(), a.to_string())
        };
        match index.get(&key) {
            Some(&i) => {
                let e = &mut f.edges[i];
                e.links.push(l.id.clone());
                if e.wire == Wire::Spoke {
                    e.wire = Wire::Bundle;
                }
            }
            None => {
                index.insert(key, f.edges.len());
                f.edges.push(DrawnEdge {
                    from: a.to_string(),
                    to: b.to_string(),
                    wire: match l.kind {
                        LinkKind::Peering => Wire::Peering,
                        LinkKind::Attachment => Wire::Spoke,
                        LinkKind::HubPeering => Wire::HubPeering,
                    },
                    links: vec![l.id.clone()],
                    label: None,
                });
            }
        }
    }
    f
}
