//! The access diagram: who can get into which account. Accounts of the
//! organization are boxes in their OUs (the connectivity picture's regions
//! and router, [`super::connectivity`]); accounts outside the organization
//! and *anyone* stand in their own region. An arrow runs from the account
//! that is trusted to the account whose roles trust it, labelled with how
//! many roles let it in, and drawn red when one of them is a finding a
//! reviewer acts on: an administrator role open to another account, an
//! outside account trusted without an ExternalId, a role anyone may
//! assume. Same-account, service and identity-provider trust is not an
//! arrow (it does not cross accounts) but is counted in the account's box;
//! the hover details name every role and how it is trusted.
//!
//! **Why it stays readable at 300 accounts.** An organization's shared
//! roles — an audit role in every account trusted by the security
//! account, the Organizations role trusted by the management account, a
//! deploy role trusted by the pipelines — give every workload account the
//! same incoming arrows. Two things keep that a picture: the arrows of one
//! trusted account share lanes (one trunk per source, as the connectivity
//! diagram draws a hub's spokes), and accounts of one OU with exactly the
//! same incoming trust (same sources, same role names, same findings) and
//! no outgoing trust fold into one box when there are more than
//! [`AccessOptions::fold_above`] of them, its arrows labelled with the
//! account count. The odd accounts stay apart from their OU's fold: the
//! drifted test accounts that also trust a sandbox are their own box (or
//! their own fold, with the sandbox's arrow into it), which is what a
//! reviewer looks for. Measured on `demo_estate(300)` (298 accounts with
//! roles, 904 ways in across accounts): 293 accounts fold into 4 boxes,
//! and the picture is 22 boxes and 23 arrows on one 2,792 × 569 page.

use std::collections::{BTreeMap, BTreeSet};

use super::connectivity::boxes::{self, count, line, style};
use super::connectivity::fold::{DrawnEdge, OUTSIDE, Wire, root_id};
use super::connectivity::place;
use super::connectivity::{Keyed, group, org_name, outside_group};
use super::layout::{self, Block, MUTED, TEXT};
use super::{Color, EdgeKind, Label, Scene};
use crate::access::{AccessMap, RoleAccess, RowKind, access_map, access_map_of};
use crate::model::Estate;
use cards::{account_box, anyone_box, fold_box, idle_box};

/// How much the access diagram folds.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessOptions {
    /// More than this many accounts of one OU with exactly the same
    /// incoming trust (and none outgoing) fold into one box.
    pub fold_above: usize,
}

impl Default for AccessOptions {
    fn default() -> Self {
        AccessOptions { fold_above: 12 }
    }
}

/// Candidate column heights; [`layout::best_of`] keeps the best aspect.
const LIMITS: [f32; 7] = [400.0, 600.0, 900.0, 1400.0, 2100.0, 3200.0, 4800.0];

/// The node id of *anyone*.
const ANYONE: &str = "anyone";

const RISK_TEXT: Color = Color(0xb9, 0x1c, 0x1c);
const ACCOUNT_RISK: (Color, Color) = (Color(0xff, 0xf5, 0xf5), Color(0xdc, 0x26, 0x26));

/// Flags that make an arrow a finding, with the row kinds they concern.
fn is_risky(kind: RowKind, same_account: bool, role: &RoleAccess) -> bool {
    let has = |f: &str| role.flags.iter().any(|x| x == f);
    (!same_account && has("admin-trusted-from-other-account"))
        || (kind == RowKind::Outside && has("external-without-external-id"))
        || (kind == RowKind::Anyone && has("public-trust"))
}

/// An account's incoming trust: (from, role names, finding) per arrow,
/// sorted. Accounts of one group with equal signatures fold together.
type Signature = Vec<(String, String, bool)>;

/// One arrow before folding: from a trusted node into an account.
struct Arrow<'m> {
    from: String,
    to: String,
    roles: Vec<&'m RoleAccess>,
    risky: bool,
}

/// What an account's box says besides its arrows.
#[derive(Default)]
struct Inside<'m> {
    /// Roles of the account (in the map, so in the scope).
    roles: BTreeSet<&'m str>,
    own: usize,
    services: usize,
    federated: usize,
    risky: BTreeSet<&'m str>,
    /// Hover lines: `role ← truster (via)`.
    details: Vec<String>,
}

/// Lay out who can enter which account, for the roles among `indices` in
/// `estate.resources` (all of them when the scope is the whole estate,
/// which also places every account of the organization).
pub fn access_scene(estate: &Estate, indices: &[usize], opts: &AccessOptions) -> Scene {
    let whole = indices.len() >= estate.resources.len();
    let map = if whole {
        access_map(estate)
    } else {
        access_map_of(estate, Some(indices))
    };
    let (arrows, inside) = read(&map);

    // Groups of every account the picture names.
    let mut ou_of: BTreeMap<&str, &str> = BTreeMap::new();
    estate.tree.walk(&mut |u, _| {
        for a in &u.accounts {
            ou_of.insert(a.as_str(), u.id.as_str());
        }
    });
    let root = root_id(estate).to_string();
    let group_of = |id: &str| -> String {
        if estate.account(id).is_none() {
            OUTSIDE.to_string()
        } else {
            ou_of
                .get(id)
                .filter(|ou| !ou.is_empty())
                .map_or_else(|| root.clone(), |ou| ou.to_string())
        }
    };
    let mut accounts: BTreeSet<String> = arrows
        .iter()
        .flat_map(|a| [a.from.clone(), a.to.clone()])
        .filter(|id| id != ANYONE)
        .collect();
    accounts.extend(inside.keys().map(|s| s.to_string()));
    if whole {
        accounts.extend(estate.accounts.iter().map(|a| a.id.clone()));
    }

    // Fold: same group, same incoming signature, nothing outgoing.
    let sources: BTreeSet<&str> = arrows.iter().map(|a| a.from.as_str()).collect();
    let mut classes: BTreeMap<(String, Signature), Vec<String>> = BTreeMap::new();
    for id in &accounts {
        if sources.contains(id.as_str()) || estate.account(id).is_none() {
            continue;
        }
        let mut sig: Signature = arrows
            .iter()
            .filter(|a| &a.to == id)
            .map(|a| (a.from.clone(), role_names(&a.roles), a.risky))
            .collect();
        if sig.is_empty() {
            continue;
        }
        sig.sort();
        classes
            .entry((group_of(id), sig))
            .or_default()
            .push(id.clone());
    }
    let mut drawn: BTreeMap<String, String> = BTreeMap::new();
    let mut folds: Vec<(String, String, Vec<String>)> = Vec::new();
    for ((grp, _), members) in classes {
        if members.len() > opts.fold_above {
            let fid = format!("access-fold-{grp}-{}", folds.len());
            for m in &members {
                drawn.insert(m.clone(), fid.clone());
            }
            folds.push((fid, grp, members));
        }
    }

    // Edges: one per (from, drawn target), counting roles and accounts.
    let mut merged: BTreeMap<(String, String), (usize, BTreeSet<String>, bool)> = BTreeMap::new();
    for a in &arrows {
        let to = drawn.get(&a.to).cloned().unwrap_or_else(|| a.to.clone());
        let e = merged.entry((a.from.clone(), to)).or_default();
        e.0 += a.roles.len();
        e.1.insert(a.to.clone());
        e.2 |= a.risky;
    }
    let edges: Vec<DrawnEdge> = merged
        .into_iter()
        .map(|((from, to), (roles, into, risky))| {
            // One role through one arrow is the common case and goes
            // unlabelled (the boxes' hover names it): numbers only where
            // they say something, several roles or a fold's accounts.
            let per = roles / into.len().max(1);
            let label = match (into.len(), per) {
                (1, 1) => None,
                (1, n) => Some(count(n, "role", "roles")),
                (k, n) => Some(format!("{} × {k}", count(n, "role", "roles"))),
            };
            DrawnEdge {
                from,
                to,
                wire: if risky { Wire::TrustRisk } else { Wire::Trust },
                links: into.into_iter().collect(),
                label,
            }
        })
        .collect();

    // Items per group.
    let mut items: BTreeMap<String, Vec<Keyed>> = BTreeMap::new();
    // Accounts with nothing to draw, per group: those whose IAM was read
    // (no cross-account trust) apart from those whose IAM was not (denied,
    // suspended): "not collected" is never "no trust".
    let mut idle: BTreeMap<(String, bool), Vec<&str>> = BTreeMap::new();
    let unread = estate.global_unread();
    let touched: BTreeSet<&str> = edges
        .iter()
        .flat_map(|e| [e.from.as_str(), e.to.as_str()])
        .collect();
    for id in &accounts {
        if drawn.contains_key(id) {
            continue;
        }
        let grp = group_of(id);
        let name = estate.account(id).map_or(id.as_str(), |a| a.name.as_str());
        if !touched.contains(id.as_str())
            && inside.get(id.as_str()).is_none_or(|i| i.risky.is_empty())
        {
            let read = !unread.contains(id.as_str());
            idle.entry((grp, read)).or_default().push(name);
            continue;
        }
        let item = account_box(estate, id, inside.get(id.as_str()), &arrows);
        items
            .entry(grp)
            .or_default()
            .push(((1, name.to_string()), item));
    }
    if arrows.iter().any(|a| a.from == ANYONE) {
        items
            .entry(OUTSIDE.to_string())
            .or_default()
            .push(((0, String::new()), anyone_box(&arrows)));
    }
    for (fid, grp, members) in &folds {
        let item = fold_box(estate, fid, members, &arrows);
        items
            .entry(grp.clone())
            .or_default()
            .push(((2, fid.clone()), item));
    }
    for ((grp, read), mut names) in idle {
        names.sort_unstable();
        let (rank, block) = idle_box(&grp, read, &names);
        items
            .entry(grp)
            .or_default()
            .push(((rank, String::new()), block));
    }

    let mut groups = Vec::new();
    if let Some(org) = group(estate, &estate.tree, &root, 0, &mut items) {
        groups.push(org);
    }
    if let Some(outside) = items.remove(OUTSIDE) {
        let header = vec![
            line("Outside the organization", 13.0, true, TEXT),
            line(
                format!("trusted by roles of {}", org_name(estate)),
                11.0,
                false,
                MUTED,
            ),
        ];
        groups.push(outside_group(header, outside));
    }

    let body = if groups.is_empty() {
        Block::default()
    } else {
        layout::best_of(&LIMITS, |limit| place::layout(&groups, &edges, limit))
    };
    let subtitle = subtitle(estate, &map, &arrows, &folds);
    let mut lines = vec![(
        EdgeKind::Trust,
        "Trusted by: arrow into the trusting account (n roles when more than one)".to_string(),
    )];
    if edges.iter().any(|e| e.wire == Wire::TrustRisk) {
        lines.push((
            EdgeKind::TrustRisk,
            "Finding: admin role, no ExternalId, or anyone".to_string(),
        ));
    }
    let mut legend = vec![
        (
            style(boxes::OU[0], 1.5, false, 3.0),
            "Organizational unit".to_string(),
        ),
        (
            style(boxes::ACCOUNT, 1.5, false, 3.0),
            "Account".to_string(),
        ),
    ];
    if inside.values().any(|i| !i.risky.is_empty()) {
        legend.push((
            style(ACCOUNT_RISK, 1.5, false, 3.0),
            "Account with a finding".to_string(),
        ));
    }
    if !folds.is_empty() {
        legend.push((
            style(boxes::FOLD, 1.2, true, 3.0),
            "Folded: same trust".to_string(),
        ));
    }
    if items_had_outside(&arrows) {
        legend.push((
            style(boxes::OUTSIDE, 1.5, true, 3.0),
            "Outside the organization".to_string(),
        ));
    }
    let mut scene = layout::frame_with_lines(body, "Access", &subtitle, legend, lines);
    scene.edge_color = Color(0x47, 0x55, 0x69);
    if scene.nodes.is_empty() {
        let note = Label::fitted(
            "Nothing to draw: the scope holds no IAM roles (was IAM collected?).",
            13.0,
            false,
            MUTED,
            620.0,
        );
        let y = scene.height;
        scene.texts.push(note.at(layout::MARGIN, y));
        scene.height += 30.0;
    }
    scene
}

fn items_had_outside(arrows: &[Arrow]) -> bool {
    arrows
        .iter()
        .any(|a| a.from == ANYONE || a.from.starts_with("outside:"))
}

fn role_names(roles: &[&RoleAccess]) -> String {
    let mut names: Vec<&str> = roles.iter().map(|r| r.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    names.join(",")
}

/// The arrows and what each account's box says, from the map.
fn read(map: &AccessMap) -> (Vec<Arrow<'_>>, BTreeMap<&str, Inside<'_>>) {
    let mut arrows = Vec::new();
    let mut inside: BTreeMap<&str, Inside> = BTreeMap::new();
    for row in &map.rows {
        for cell in &row.cells {
            let at = inside.entry(cell.account_id.as_str()).or_default();
            let same = row.kind == RowKind::Account && row.id == cell.account_id;
            for r in &cell.roles {
                at.roles.insert(r.name.as_str());
                at.details
                    .push(format!("{} ← {} ({})", r.name, row.label, r.via.join("; ")));
            }
            let from = match row.kind {
                RowKind::Account if same => {
                    at.own += cell.roles.len();
                    continue;
                }
                RowKind::Account => row.id.clone(),
                RowKind::Outside => format!("outside:{}", row.id),
                RowKind::Anyone => ANYONE.to_string(),
                RowKind::Service => {
                    at.services += cell.roles.len();
                    continue;
                }
                RowKind::Federated | RowKind::Unknown => {
                    at.federated += cell.roles.len();
                    continue;
                }
            };
            let risky = cell.roles.iter().any(|r| is_risky(row.kind, same, r));
            if risky {
                for r in &cell.roles {
                    if is_risky(row.kind, same, r) {
                        at.risky.insert(r.name.as_str());
                    }
                }
            }
            arrows.push(Arrow {
                from,
                to: cell.account_id.clone(),
                roles: cell.roles.iter().collect(),
                risky,
            });
        }
    }
    (arrows, inside)
}

fn subtitle(
    estate: &Estate,
    map: &AccessMap,
    arrows: &[Arrow],
    folds: &[(String, String, Vec<String>)],
) -> String {
    let crossing: usize = arrows.iter().map(|a| a.roles.len()).sum();
    let outside: BTreeSet<&str> = arrows
        .iter()
        .filter_map(|a| a.from.strip_prefix("outside:"))
        .collect();
    let risky = arrows.iter().filter(|a| a.risky).count();
    let mut s = format!(
        "{} · {} · {} · {} from outside the organization · {} · collected {}",
        estate.source.label,
        count(
            map.columns.len(),
            "account with roles",
            "accounts with roles"
        ),
        count(
            crossing,
            "way in across accounts",
            "ways in across accounts"
        ),
        count(outside.len(), "account", "accounts"),
        count(risky, "finding", "findings"),
        estate.collected_at
    );
    let folded: usize = folds.iter().map(|f| f.2.len()).sum();
    if folded > 0 {
        s.push_str(&format!(
            " · {} with the same trust folded into {}",
            count(folded, "account", "accounts"),
            count(folds.len(), "box", "boxes")
        ));
    }
    s
}

mod cards;
#[cfg(test)]
mod tests;
