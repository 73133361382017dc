//! What the network diagram connects, decided before layout because some of
//! it becomes boxes: peerings and Transit Gateway attachments
//! ([`Draw::Link`]) resolved to their two ends, each end a drawn box (a VPC,
//! a hub) or — when the scope does not draw it — a stub in the "outside"
//! group, so a connector is kept and never dropped; the folding of a hub's
//! spokes at scale (see the module doc of `network` for the rule and its
//! numbers); and a load balancer's targets, reached through the estate's
//! listeners and target groups (hidden kinds, never boxes).
//!
//! Both accounts of a cross-account peering or attachment list it under the
//! same id: connectors are keyed by that id, so each is drawn once.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::super::EdgeKind;
use super::{Tree, field};
use crate::model::{Estate, Rel, Resource, kinds};

/// A hub draws at most this many connector lines to the boxes of the scope
/// (one per attached VPC, or per region box once folded); past it, each
/// attached VPC wears a tag naming the hub instead. See the module doc of
/// `network` for how the number was chosen.
pub(super) const MAX_SPOKES: usize = 12;
/// A hub (or VPC) draws at most this many stubs for far ends outside the
/// scope, one per far VPC; past it, one per far account, and past that
/// again, one for all of them.
pub(super) const MAX_STUBS: usize = 8;

/// A resource on the far side of an edge: its owner account, region, id
/// and the name the near end knows it by.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Far {
    pub account: String,
    pub region: String,
    pub id: String,
    pub name: Option<String>,
}

impl Far {
    /// The far end of edge `e` of `r`.
    pub fn of(r: &Resource, e: &crate::model::Edge) -> Far {
        Far {
            account: e.account_id.clone().unwrap_or_else(|| r.account_id.clone()),
            region: e.region.clone().unwrap_or_else(|| r.region.clone()),
            id: e.to.clone(),
            name: e.name.clone(),
        }
    }
}

/// A connector to draw between two boxes (by node id) once they are placed.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Line {
    pub from: String,
    pub to: String,
    pub kind: EdgeKind,
    pub label: Option<String>,
    /// Where along the line its label sits (0 = `from`).
    pub label_at: f32,
}

/// A small box: a stub outside the scope, or a box on a VPC's border.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Tag {
    pub id: String,
    /// Header lines: the first bold.
    pub lines: Vec<String>,
    pub details: Vec<String>,
    /// Drawn up (solid) or not (dashed grey).
    pub up: bool,
}

/// A load balancer's path to one target instance.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Target {
    pub lb: String,
    pub account: String,
    pub instance: String,
    /// `HTTPS:443`, and the health when not healthy.
    pub label: String,
}

/// Everything the layout and the router need from the wiring.
#[derive(Debug, Default)]
pub(super) struct Plan {
    pub lines: Vec<Line>,
    /// Stubs of the outside group, by id (sorted: the group lists them by
    /// account, since ids of one account's stubs share its prefix only by
    /// chance, the key is `account/id`).
    pub stubs: BTreeMap<String, Tag>,
    /// Attachment tags on VPC borders, by (account, VPC id).
    pub tags: BTreeMap<(String, String), Vec<Tag>>,
    /// Extra hover lines for a box, by node id (VPCs, hubs, load balancers).
    pub notes: HashMap<String, Vec<String>>,
    /// An extra header line for a hub box, by hub id.
    pub hub_lines: HashMap<String, Vec<String>>,
    pub targets: Vec<Target>,
    /// Connectors (peerings, attachments) drawn, by kind index, deduplicated
    /// by id: for the subtitle.
    pub links: BTreeMap<crate::model::Kind, usize>,
}

/// Listeners and target groups by the load balancer they serve, read from
/// the whole estate (they are hidden kinds, never in a drawn scope).
#[derive(Debug, Default)]
pub(super) struct Elb<'a> {
    listeners: HashMap<(&'a str, &'a str), Vec<&'a Resource>>,
    groups: HashMap<(&'a str, &'a str), &'a Resource>,
    groups_of: HashMap<(&'a str, &'a str), Vec<&'a Resource>>,
}

impl<'a> Elb<'a> {
    pub fn index(&mut self, r: &'a Resource) {
        if r.kind == kinds::LISTENER {
            for e in r.edges(Rel::AttachedTo) {
                let account = e.account_id.as_deref().unwrap_or(&r.account_id);
                self.listeners.entry((account, &e.to)).or_default().push(r);
            }
        } else if r.kind == kinds::TARGET_GROUP {
            self.groups.insert((&r.account_id, &r.id), r);
            for e in r.edges(Rel::AttachedTo) {
                let account = e.account_id.as_deref().unwrap_or(&r.account_id);
                self.groups_of.entry((account, &e.to)).or_default().push(r);
            }
        }
    }
}

/// How the diagram names an account it may not draw: `name (id)` when the
/// estate knows it, else `account ID`.
pub(super) fn account_name(estate: &Estate, id: &str) -> String {
    match estate.account(id) {
        Some(a) if a.name != id => format!("{} ({id})", a.name),
        _ => format!("account {id}"),
    }
}

/// Whether account `id` is outside the organization (when the estate
/// knows the organization's accounts at all).
fn outside_org(estate: &Estate, id: &str) -> bool {
    !estate.accounts.is_empty() && estate.account(id).is_none()
}

/// The inputs of [`plan`].
pub(super) struct Wiring<'a, 'e> {
    pub estate: &'e Estate,
    pub records: &'a HashMap<(&'e str, &'e str), &'e Resource>,
    pub tree: &'a Tree<'e>,
    /// Hub id → its record, for the hubs drawn.
    pub hubs: &'a BTreeMap<&'e str, &'e Resource>,
    pub links: &'a [&'e Resource],
    pub lbs: &'a [&'e Resource],
    pub elb: &'a Elb<'e>,
}

/// One attachment, merged from every account's copy of it.
struct Attachment {
    id: String,
    hub: Far,
    vpc: Option<Far>,
    state: String,
    resource_type: String,
}

pub(super) fn plan(w: &Wiring) -> Plan {
    let mut p = Plan::default();
    let drawn: HashSet<&str> = w
        .tree
        .values()
        .flat_map(|regions| regions.values())
        .flat_map(|g| g.vpcs.keys().copied())
        .filter(|k| !k.is_empty())
        .collect();

    // Each link id once, with every copy of it (both accounts list a
    // cross-account one).
    let mut by_id: BTreeMap<&str, Vec<&Resource>> = BTreeMap::new();
    for r in w.links {
        by_id.entry(&r.id).or_default().push(r);
    }
    let mut attachments = Vec::new();
    for (id, copies) in &by_id {
        let Some(first) = copies.first() else {
            continue;
        };
        *p.links.entry(first.kind).or_insert(0) += 1;
        if copies
            .iter()
            .any(|r| r.edges(Rel::PeersWith).next().is_some())
        {
            peering(w, &mut p, &drawn, copies);
        } else if let Some(hub) = copies
            .iter()
            .find_map(|r| r.edges(Rel::AttachedTo).next().map(|e| Far::of(r, e)))
        {
            attachments.push(Attachment {
                id: id.to_string(),
                hub,
                vpc: copies
                    .iter()
                    .find_map(|r| r.edges(Rel::InVpc).next().map(|e| Far::of(r, e))),
                state: field(first, "state").text().into_owned(),
                resource_type: field(first, "resource_type").text().into_owned(),
            });
        }
        // A link with neither edge names nothing to connect: it stays in
        // the tables and the subtitle's count.
    }
    spokes(w, &mut p, &drawn, attachments);
    targets(w, &mut p);
    p
}

/// A stub for far VPC `far` (id = the VPC's id), saying why it is a stub.
fn vpc_stub(w: &Wiring, far: &Far) -> (String, Tag) {
    let record = w.records.get(&(far.account.as_str(), far.id.as_str()));
    let title = match (record, &far.name) {
        (Some(r), _) if r.name.is_some() => format!("{} · {}", r.display_name(), far.id),
        (_, Some(name)) => format!("{name} · {}", far.id),
        _ => far.id.clone(),
    };
    let mut why = if record.is_some() {
        "VPC not in this scope".to_string()
    } else {
        "VPC not collected".to_string()
    };
    if outside_org(w.estate, &far.account) {
        why.push_str(" · not in the org");
    }
    let owner = account_name(w.estate, &far.account);
    (
        format!("{}/{}", far.account, far.id),
        Tag {
            id: far.id.clone(),
            lines: vec![
                title.clone(),
                format!("{owner} · {}", far.region),
                why.clone(),
            ],
            details: vec![
                title,
                format!("Owner {owner}"),
                format!("Region {}", far.region),
                why,
            ],
            up: true,
        },
    )
}

fn peering(w: &Wiring, p: &mut Plan, drawn: &HashSet<&str>, copies: &[&Resource]) {
    let Some(r) = copies
        .iter()
        .find(|r| r.edges(Rel::PeersWith).count() >= 2)
        .or(copies.first())
    else {
        return;
    };
    let ends: Vec<Far> = r.edges(Rel::PeersWith).map(|e| Far::of(r, e)).collect();
    let status = field(r, "status").text().into_owned();
    for (i, end) in ends.iter().enumerate() {
        let others: Vec<String> = ends
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, o)| format!("{} ({})", o.id, account_name(w.estate, &o.account)))
            .collect();
        p.notes.entry(end.id.clone()).or_default().push(format!(
            "Peering {} with {} · {status}",
            r.display_name(),
            others.join(", ")
        ));
    }
    let [a, b] = ends.as_slice() else {
        // One end only: the other was deleted or never reported. The near
        // VPC's hover says so; there is nothing to connect it to.
        return;
    };
    for end in [a, b] {
        if !drawn.contains(end.id.as_str()) {
            let (key, tag) = vpc_stub(w, end);
            p.stubs.entry(key).or_insert(tag);
        }
    }
    let mut label: Vec<&str> = Vec::new();
    if let Some(name) = &r.name {
        label.push(name);
    }
    if !status.is_empty() && status != "active" {
        label.push(&status);
    }
    p.lines.push(Line {
        from: a.id.clone(),
        to: b.id.clone(),
        kind: EdgeKind::Peering,
        label: (!label.is_empty()).then(|| label.join(" · ")),
        label_at: 0.5,
    });
}

/// The node id a hub's spokes end at: the hub's own box, or its stub.
fn hub_end(w: &Wiring, p: &mut Plan, hub: &Far) -> (String, String) {
    if let Some(r) = w.hubs.get(hub.id.as_str()) {
        return (hub.id.clone(), r.display_name().to_string());
    }
    let record = w.records.get(&(hub.account.as_str(), hub.id.as_str()));
    let name = record.map_or(hub.id.as_str(), |r| r.display_name());
    let owner = account_name(w.estate, &hub.account);
    let mut why = if record.is_some() {
        "Transit Gateway not in this scope".to_string()
    } else {
        "Transit Gateway not collected".to_string()
    };
    if outside_org(w.estate, &hub.account) {
        why.push_str(" · not in the org");
    }
    p.stubs
        .entry(format!("{}/{}", hub.account, hub.id))
        .or_insert_with(|| Tag {
            id: hub.id.clone(),
            lines: vec![
                format!("TGW {name}"),
                format!("{owner} · {}", hub.region),
                why.clone(),
            ],
            details: vec![
                format!("Transit Gateway {}", hub.id),
                format!("Owner {owner}"),
                format!("Region {}", hub.region),
                why,
            ],
            up: true,
        });
    (hub.id.clone(), name.to_string())
}

/// Spokes from VPCs to hubs, folded per hub (see the `network` module doc).
fn spokes(w: &Wiring, p: &mut Plan, drawn: &HashSet<&str>, attachments: Vec<Attachment>) {
    // Hub node id → (hub name, its hub record's place, attachments).
    let mut per_hub: BTreeMap<String, (String, Far, Vec<Attachment>)> = BTreeMap::new();
    for a in attachments {
        let (end, name) = hub_end(w, p, &a.hub);
        per_hub
            .entry(end)
            .or_insert_with(|| (name, a.hub.clone(), Vec::new()))
            .2
            .push(a);
    }
    for (hub_id, (hub_name, hub, atts)) in per_hub {
        let mut others: BTreeMap<String, usize> = BTreeMap::new();
        let mut inside: Vec<(Attachment, Far)> = Vec::new();
        let mut outside: Vec<(Attachment, Far)> = Vec::new();
        for mut a in atts {
            match a.vpc.take() {
                Some(v) if drawn.contains(v.id.as_str()) => inside.push((a, v)),
                Some(v) => outside.push((a, v)),
                None => {
                    let t = if a.resource_type.is_empty() {
                        "unknown".to_string()
                    } else {
                        a.resource_type.clone()
                    };
                    *others.entry(t).or_insert(0) += 1;
                }
            }
        }
        for (a, v) in inside.iter().chain(&outside) {
            p.notes.entry(v.id.clone()).or_default().push(format!(
                "Transit Gateway attachment {} to {hub_name} ({}) · {}",
                a.id, hub.id, a.state
            ));
        }
        let mut summary = vec![format!(
            "{} VPC attachment{}",
            inside.len() + outside.len(),
            if inside.len() + outside.len() == 1 {
                ""
            } else {
                "s"
            }
        )];
        summary.extend(others.iter().map(|(t, n)| format!("{n} × {t}")));
        let mut header = vec![summary.join(" · ")];
        let folded = spokes_inside(w, p, &hub_id, &hub_name, &hub, inside);
        header.extend(folded);
        spokes_outside(w, p, &hub_id, outside);
        let notes = p.notes.entry(hub_id.clone()).or_default();
        notes.push(format!("Attachments: {}", summary.join(", ")));
        p.hub_lines.entry(hub_id).or_default().extend(header);
    }
}

/// A spoke's label: nothing when it is up, its state when not.
fn state_label(state: &str) -> Option<String> {
    (!state.is_empty() && state != "available").then(|| state.to_string())
}

/// Spokes to VPCs drawn in the scope. Returns the hub's extra header line
/// when they are folded.
fn spokes_inside(
    w: &Wiring,
    p: &mut Plan,
    hub_id: &str,
    hub_name: &str,
    hub: &Far,
    inside: Vec<(Attachment, Far)>,
) -> Option<String> {
    if inside.len() <= MAX_SPOKES {
        for (a, v) in inside {
            p.lines.push(Line {
                from: v.id,
                to: hub_id.to_string(),
                kind: EdgeKind::Spoke,
                label: state_label(&a.state),
                label_at: 0.3,
            });
        }
        return None;
    }
    // Fold per region box. The hub's own region box holds the hub: a
    // bundle from it would start inside its end, so its VPCs stay single.
    // (Where the hub is drawn: its owner's record, or a sharer's copy when
    // the owner's was not collected.)
    let own = match w.hubs.get(hub_id) {
        Some(r) => (r.account_id.clone(), r.region.clone()),
        None => (hub.account.clone(), hub.region.clone()),
    };
    let mut groups: BTreeMap<(String, String), Vec<(Attachment, Far)>> = BTreeMap::new();
    let mut singles = Vec::new();
    for (a, v) in inside {
        if (v.account.clone(), v.region.clone()) == own {
            singles.push((a, v));
        } else {
            groups
                .entry((v.account.clone(), v.region.clone()))
                .or_default()
                .push((a, v));
        }
    }
    let lines = singles.len() + groups.len();
    let tag = |p: &mut Plan, a: &Attachment, v: &Far| {
        p.tags
            .entry((v.account.clone(), v.id.clone()))
            .or_default()
            .push(Tag {
                id: a.id.clone(),
                lines: vec![format!("TGW {hub_name}"), a.state.clone()],
                details: vec![
                    format!("Transit Gateway attachment {}", a.id),
                    format!("to {hub_name} ({hub_id}), owner {}", hub.account),
                    format!("State {}", a.state),
                ],
                up: a.state.is_empty() || a.state == "available",
            });
    };
    if lines > MAX_SPOKES {
        let n = singles.len() + groups.values().map(Vec::len).sum::<usize>();
        for (a, v) in singles.iter().chain(groups.values().flatten()) {
            tag(p, a, v);
        }
        return Some(format!("{n} spokes folded: VPCs tagged"));
    }
    for (a, v) in singles {
        p.lines.push(Line {
            from: v.id,
            to: hub_id.to_string(),
            kind: EdgeKind::Spoke,
            label: state_label(&a.state),
            label_at: 0.3,
        });
    }
    for ((account, region), members) in groups {
        if let [(a, v)] = members.as_slice() {
            p.lines.push(Line {
                from: v.id.clone(),
                to: hub_id.to_string(),
                kind: EdgeKind::Spoke,
                label: state_label(&a.state),
                label_at: 0.3,
            });
            continue;
        }
        // The bundle lands on the region box: say whether it stands for
        // all of the box's VPCs or for some (which ones: their hover).
        let n = members.len();
        let of = w
            .tree
            .get(account.as_str())
            .and_then(|r| r.get(region.as_str()))
            .map_or(n, |g| g.vpcs.keys().filter(|k| !k.is_empty()).count());
        p.lines.push(Line {
            from: format!("{account}/{region}"),
            to: hub_id.to_string(),
            kind: EdgeKind::Bundle,
            label: Some(if of > n {
                format!("× {n} of {of} VPCs")
            } else {
                format!("× {n} VPCs")
            }),
            label_at: 0.15,
        });
    }
    Some("spokes folded per account".to_string())
}

/// Spokes to VPCs outside the scope: one stub each, or folded per account,
/// or one stub for all.
fn spokes_outside(w: &Wiring, p: &mut Plan, hub_id: &str, outside: Vec<(Attachment, Far)>) {
    if outside.len() <= MAX_STUBS {
        for (a, v) in outside {
            let (key, stub) = vpc_stub(w, &v);
            p.stubs.entry(key).or_insert(stub);
            p.lines.push(Line {
                from: v.id,
                to: hub_id.to_string(),
                kind: EdgeKind::Spoke,
                label: state_label(&a.state),
                label_at: 0.3,
            });
        }
        return;
    }
    let mut per_account: BTreeMap<String, Vec<Far>> = BTreeMap::new();
    for (_, v) in outside {
        per_account.entry(v.account.clone()).or_default().push(v);
    }
    let list = |vpcs: &[Far]| -> Vec<String> {
        let mut out: Vec<String> = vpcs
            .iter()
            .take(20)
            .map(|v| format!("{} ({})", v.id, v.region))
            .collect();
        if vpcs.len() > 20 {
            out.push(format!("+ {} more", vpcs.len() - 20));
        }
        out
    };
    if per_account.len() <= MAX_STUBS {
        for (account, vpcs) in per_account {
            let owner = account_name(w.estate, &account);
            let id = format!("{hub_id}/outside/{account}");
            let n = vpcs.len();
            let mut details = vec![
                format!("{n} VPCs of {owner} attached to {hub_id}"),
                "outside this scope".to_string(),
            ];
            details.extend(list(&vpcs));
            p.stubs.insert(
                format!("{account}/{id}"),
                Tag {
                    id: id.clone(),
                    lines: vec![
                        format!("{n} VPC{}", if n == 1 { "" } else { "s" }),
                        owner,
                        "outside this scope".into(),
                    ],
                    details,
                    up: true,
                },
            );
            p.lines.push(Line {
                from: id,
                to: hub_id.to_string(),
                kind: if n == 1 {
                    EdgeKind::Spoke
                } else {
                    EdgeKind::Bundle
                },
                label: (n > 1).then(|| format!("× {n} VPCs")),
                label_at: 0.15,
            });
        }
        return;
    }
    let n: usize = per_account.values().map(Vec::len).sum();
    let m = per_account.len();
    let id = format!("{hub_id}/outside");
    let mut details = vec![
        format!("{n} VPCs in {m} accounts attached to {hub_id}"),
        "outside this scope".to_string(),
    ];
    for (account, vpcs) in per_account.iter().take(30) {
        details.push(format!(
            "{}: {} VPCs",
            account_name(w.estate, account),
            vpcs.len()
        ));
    }
    if m > 30 {
        details.push(format!("+ {} more accounts", m - 30));
    }
    p.stubs.insert(
        format!("~/{id}"),
        Tag {
            id: id.clone(),
            lines: vec![
                format!("{n} VPCs in {m} accounts"),
                format!("attached to {hub_id}"),
                "outside this scope".into(),
            ],
            details,
            up: true,
        },
    );
    p.lines.push(Line {
        from: id,
        to: hub_id.to_string(),
        kind: EdgeKind::Bundle,
        label: Some(format!("× {n} VPCs")),
        label_at: 0.15,
    });
}

/// Each load balancer's targets, through its listeners (and target groups
/// attached to it by rules): one [`Target`] per target instance, labelled
/// by the listeners that reach it, and hover notes listing every target
/// (addresses and Lambda functions too, which are not boxes).
fn targets(w: &Wiring, p: &mut Plan) {
    for lb in w.lbs {
        let key = (lb.account_id.as_str(), lb.id.as_str());
        // Target group (account, id) → the listeners reaching it.
        let mut groups: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
        let mut listeners = Vec::new();
        for l in w.elb.listeners.get(&key).into_iter().flatten() {
            let proto = field(l, "protocol").text().into_owned();
            let port = field(l, "port").text().into_owned();
            let name = match (proto.is_empty(), port.is_empty()) {
                (false, false) => format!("{proto}:{port}"),
                (false, true) => proto,
                (true, false) => format!(":{port}"),
                (true, true) => l.id.clone(),
            };
            let mut to = Vec::new();
            for e in l.edges(Rel::Targets) {
                let account = e.account_id.clone().unwrap_or_else(|| l.account_id.clone());
                groups
                    .entry((account, e.to.clone()))
                    .or_default()
                    .insert(name.clone());
                to.push(e.name.clone().unwrap_or_else(|| e.to.clone()));
            }
            let action = field(l, "action").text().into_owned();
            listeners.push(match (to.is_empty(), action.is_empty()) {
                (false, _) => format!("{name} → {}", to.join(", ")),
                (true, false) => format!("{name} → {action}"),
                (true, true) => name,
            });
        }
        for g in w.elb.groups_of.get(&key).into_iter().flatten() {
            groups
                .entry((g.account_id.clone(), g.id.clone()))
                .or_default();
        }
        let mut notes = Vec::new();
        if !listeners.is_empty() {
            notes.push(format!("Listeners: {}", listeners.join("; ")));
        }
        // Instance (account, id) → (listener names, health).
        let mut reached: BTreeMap<(String, String), (BTreeSet<String>, BTreeSet<String>)> =
            BTreeMap::new();
        let mut listed = Vec::new();
        for ((account, tg_id), via) in &groups {
            let Some(tg) = w.elb.groups.get(&(account.as_str(), tg_id.as_str())) else {
                notes.push(format!("Target group {tg_id}: not collected"));
                continue;
            };
            for e in tg.edges(Rel::Targets) {
                let health = e.attrs.get("health").cloned().unwrap_or_default();
                let port = e.attrs.get("port").cloned().unwrap_or_default();
                let what = if port.is_empty() {
                    e.to.clone()
                } else {
                    format!("{}:{port}", e.to)
                };
                listed.push(if health.is_empty() {
                    what
                } else {
                    format!("{what} ({health})")
                });
                if e.kind == Some(kinds::INSTANCE) {
                    let far = e
                        .account_id
                        .clone()
                        .unwrap_or_else(|| tg.account_id.clone());
                    let slot = reached.entry((far, e.to.clone())).or_default();
                    slot.0.extend(via.iter().cloned());
                    if !health.is_empty() {
                        slot.1.insert(health);
                    }
                }
            }
        }
        if !listed.is_empty() {
            let n = listed.len();
            let mut shown: Vec<String> = listed.into_iter().take(12).collect();
            if n > 12 {
                shown.push(format!("+ {} more", n - 12));
            }
            notes.push(format!("Targets: {}", shown.join(", ")));
        }
        let subnets: Vec<&str> = lb.edges(Rel::InSubnet).map(|e| e.to.as_str()).collect();
        if subnets.len() > 1 {
            notes.push(format!("Subnets: {}", subnets.join(", ")));
        }
        if !notes.is_empty() {
            p.notes.entry(lb.id.clone()).or_default().extend(notes);
        }
        for ((account, instance), (via, health)) in reached {
            let mut label: Vec<String> = vec![via.into_iter().collect::<Vec<_>>().join(", ")];
            let sick: Vec<String> = health.into_iter().filter(|h| h != "healthy").collect();
            label.extend(sick);
            label.retain(|s| !s.is_empty());
            p.targets.push(Target {
                lb: lb.id.clone(),
                account,
                instance,
                label: label.join(" · "),
            });
        }
    }
}
