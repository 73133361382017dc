//! The connectivity diagram: how the accounts of an estate are wired to
//! each other. Accounts are boxes holding their VPCs (name, id, region,
//! CIDR, endpoints); VPC peerings are edges between VPCs, and a Transit
//! Gateway is a hub box in its owner's account with one spoke per VPC
//! attachment (TGW peerings join hubs). The org's OUs are regions of the
//! picture, nested as in the tree; accounts that are not members of the
//! organization (the far end of a peering into a partner's account, a TGW
//! shared from outside) stand in their own region, "Outside the
//! organization", with a stub box per VPC nobody collected.
//!
//! Reading the model is [`graph`] (both accounts of a peering or attachment
//! list it under one id: one edge per id), folding for scale is [`fold`]
//! (why a 300-spoke TGW stays readable), placement and routing is
//! [`place`], and the boxes are [`boxes`]. Like every layout here it is a
//! pure, deterministic function of the estate, the scope and the options.
//!
//! VPC endpoints are listed on their VPC's box (`Endpoints: s3, ecr.api`),
//! not drawn as edges: the model has no edge from an endpoint to the
//! account serving it (an interface endpoint names a service, not its
//! owner), so a "shared endpoint" edge could only be guessed.

pub(super) mod boxes;
pub(super) mod fold;
mod graph;
pub(super) mod place;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use super::layout::{self, Block, MUTED, TEXT};
use super::{Color, Label, Node, NodeKind, Scene, Style};
use crate::model::{Estate, OrgUnit};
use boxes::{COL_W, INNER_W, Line, count, leaf, line, some_names, stacked, style};
use fold::{Folded, OUTSIDE};
use graph::{Graph, Hub, LinkKind, Vpc};
use place::Group;

/// How much the connectivity diagram folds.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectivityOptions {
    /// More than this many accounts of one OU (or VPCs of one account)
    /// with exactly the same connections fold into one box.
    pub fold_above: usize,
    /// A drawn account shows up to this many of its VPCs without any
    /// connection; the rest (and default VPCs) are counted on one line.
    pub idle_vpcs: usize,
}

impl Default for ConnectivityOptions {
    fn default() -> Self {
        ConnectivityOptions {
            fold_above: 12,
            idle_vpcs: 3,
        }
    }
}

/// Candidate column heights; [`layout::best_of`] keeps the best aspect.
const LIMITS: [f32; 8] = [500.0, 800.0, 1200.0, 1800.0, 2700.0, 4000.0, 6000.0, 9000.0];

/// Lay out the connectivity of the resources at `indices` in
/// `estate.resources` (out-of-range indices are ignored). Far ends outside
/// the scope are drawn too, looked up in the whole estate. When the scope
/// is the whole estate, every account of the organization is placed, the
/// unconnected ones counted per OU.
pub fn connectivity_scene(estate: &Estate, indices: &[usize], opts: &ConnectivityOptions) -> Scene {
    let mut g = Graph::read(estate, indices);
    if indices.len() >= estate.resources.len() {
        g.accounts
            .extend(estate.accounts.iter().map(|a| a.id.clone()));
    }
    let f = fold::fold(estate, &g, opts.fold_above);
    let mut items = items(estate, &g, &f, opts);

    let mut groups = Vec::new();
    let root = fold::root_id(estate);
    if let Some(org) = group(estate, &estate.tree, root, 0, &mut items) {
        groups.push(org);
    }
    if let Some(outside) = items.remove(OUTSIDE) {
        let n = outside.iter().filter(|(k, _)| k.0 < 3).count();
        let header = vec![
            line("Outside the organization", 13.0, true, TEXT),
            line(
                format!(
                    "{} not {} of {}",
                    count(n, "account", "accounts"),
                    if n == 1 { "a member" } else { "members" },
                    org_name(estate)
                ),
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
        layout::best_of(&LIMITS, |limit| place::layout(&groups, &f.edges, limit))
    };
    let mut scene = layout::frame(body, "Connectivity", &subtitle(estate, &g, &f), legend(&f));
    scene.edge_color = Color(0x47, 0x55, 0x69);
    if scene.nodes.is_empty() {
        let note = Label::fitted(
            "Nothing to draw: the scope holds no accounts, VPCs, peerings or Transit Gateways.",
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

/// The "Outside the organization" region around `items`, under `header`.
pub(super) fn outside_group(header: Vec<Line>, items: Vec<Keyed>) -> Group {
    let details: Vec<String> = header.iter().map(|l| l.0.clone()).collect();
    Group {
        make: Box::new(move |inner| {
            boxes::region(
                OUTSIDE.to_string(),
                NodeKind::OrgUnit,
                style(boxes::OUTSIDE, 1.5, true, 8.0),
                &header,
                details.clone(),
                inner,
            )
        }),
        items: sorted(items),
        children: Vec::new(),
    }
}

pub(super) fn org_name(estate: &Estate) -> String {
    match &estate.organization {
        Some(o) => o.id.clone(),
        None => "the organization".to_string(),
    }
}

fn subtitle(estate: &Estate, g: &Graph, f: &Folded) -> String {
    let peerings = g
        .links
        .iter()
        .filter(|l| l.kind == LinkKind::Peering)
        .count();
    let spokes = g
        .links
        .iter()
        .filter(|l| l.kind == LinkKind::Attachment)
        .count();
    let mut s = format!(
        "{} · {} in {} · {} · {}, {} · collected {}",
        estate.source.label,
        count(g.vpcs.len(), "VPC", "VPCs"),
        count(g.accounts.len(), "account", "accounts"),
        count(peerings, "peering", "peerings"),
        count(g.hubs.len(), "Transit Gateway", "Transit Gateways"),
        count(spokes, "VPC attachment", "VPC attachments"),
        estate.collected_at
    );
    let folded: usize = f.account_folds.values().map(|a| a.accounts.len()).sum();
    if folded > 0 {
        s.push_str(&format!(
            " · {} with the same connections folded into {}",
            count(folded, "account", "accounts"),
            count(f.account_folds.len(), "box", "boxes")
        ));
    }
    if g.inactive > 0 {
        s.push_str(&format!(
            " · {} deleted, rejected or failed not drawn",
            count(g.inactive, "link", "links")
        ));
    }
    if g.incomplete > 0 {
        s.push_str(&format!(
            " · {} naming too few ends not drawn",
            count(g.incomplete, "link", "links")
        ));
    }
    s
}

fn legend(f: &Folded) -> Vec<(Style, String)> {
    let mut l = vec![
        (
            style(boxes::OU[0], 1.5, false, 3.0),
            "Organizational unit".to_string(),
        ),
        (
            style(boxes::ACCOUNT, 1.5, false, 3.0),
            "Account".to_string(),
        ),
        (style(boxes::VPC, 1.2, false, 3.0), "VPC".to_string()),
        (
            style(boxes::HUB, 1.2, false, 3.0),
            "Transit Gateway: spokes are VPC attachments".to_string(),
        ),
        (
            style(boxes::STUB, 1.2, true, 3.0),
            "VPC not collected".to_string(),
        ),
    ];
    if !f.account_folds.is_empty() || !f.vpc_folds.is_empty() {
        l.push((
            style(boxes::FOLD, 1.2, true, 3.0),
            "Folded: same connections".to_string(),
        ));
    }
    l.push((
        style(boxes::QUIET, 1.2, true, 3.0),
        "No peering or Transit Gateway".to_string(),
    ));
    if f.group_of.values().any(|g| g == OUTSIDE) {
        l.push((
            style(boxes::OUTSIDE, 1.5, true, 3.0),
            "Outside the organization".to_string(),
        ));
    }
    l
}

/// Items per group, with a sort key: (rank, name). Rank 0 accounts owning
/// a hub (the hub on top), 1 other accounts, 2 folded accounts, 3 the
/// unconnected line.
pub(super) type Keyed = ((u8, String), Block);

pub(super) fn sorted(mut items: Vec<Keyed>) -> Vec<Block> {
    items.sort_by(|a, b| a.0.cmp(&b.0));
    items.into_iter().map(|(_, b)| b).collect()
}

fn items(
    estate: &Estate,
    g: &Graph,
    f: &Folded,
    opts: &ConnectivityOptions,
) -> BTreeMap<String, Vec<Keyed>> {
    let mut vpcs_of: BTreeMap<&str, Vec<&Vpc>> = BTreeMap::new();
    for v in g.vpcs.values() {
        vpcs_of.entry(&v.account).or_default().push(v);
    }
    let mut hubs_of: BTreeMap<&str, Vec<&Hub>> = BTreeMap::new();
    for h in g.hubs.values() {
        hubs_of.entry(&h.owner).or_default().push(h);
    }
    let folded: BTreeSet<&str> = f
        .account_folds
        .values()
        .flat_map(|a| a.accounts.iter().map(String::as_str))
        .collect();
    let mut out: BTreeMap<String, Vec<Keyed>> = BTreeMap::new();
    let mut idle: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (account, group) in &f.group_of {
        if folded.contains(account.as_str()) {
            continue;
        }
        let vpcs = vpcs_of.get(account.as_str()).cloned().unwrap_or_default();
        let hubs = hubs_of.get(account.as_str()).cloned().unwrap_or_default();
        if hubs.is_empty() && !vpcs.iter().any(|v| f.connected.contains(&v.id)) {
            idle.entry(group).or_default().push(account);
            continue;
        }
        let name = account_name(estate, account);
        let rank = if hubs.is_empty() { 1 } else { 0 };
        let item = account_item(estate, g, f, opts, account, &vpcs, &hubs);
        out.entry(group.clone())
            .or_default()
            .push(((rank, name), item));
    }
    for (id, af) in &f.account_folds {
        let item = account_fold_item(estate, g, f, id, af);
        out.entry(af.group.clone())
            .or_default()
            .push(((2, id.clone()), item));
    }
    for (group, accounts) in idle {
        let item = idle_item(estate, group, &accounts, &vpcs_of);
        out.entry(group.to_string())
            .or_default()
            .push(((3, String::new()), item));
    }
    out
}

fn account_name(estate: &Estate, id: &str) -> String {
    estate
        .account(id)
        .map_or_else(|| format!("Account {id}"), |a| a.name.clone())
}

/// The OU tree as nested groups, keeping only the OUs with something to
/// draw below them (the access diagram's too).
pub(super) fn group(
    estate: &Estate,
    u: &OrgUnit,
    id: &str,
    depth: usize,
    items: &mut BTreeMap<String, Vec<Keyed>>,
) -> Option<Group> {
    let own = items.remove(id).unwrap_or_default();
    let mut children: Vec<&OrgUnit> = u.children.iter().collect();
    children.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
    let children: Vec<Group> = children
        .into_iter()
        .filter_map(|c| group(estate, c, &c.id, depth + 1, items))
        .collect();
    if own.is_empty() && children.is_empty() {
        return None;
    }
    let below = u.account_ids_below().len();
    let (lines, region_style, kind) = if depth == 0 {
        let title = match &estate.organization {
            Some(o) => format!("Organization {}", o.id),
            None => "Accounts".to_string(),
        };
        let sub = if u.id.is_empty() {
            count(estate.accounts.len(), "account", "accounts")
        } else {
            format!("Root {} · {}", u.id, count(below, "account", "accounts"))
        };
        (
            vec![line(title, 14.0, true, TEXT), line(sub, 11.0, false, MUTED)],
            style(boxes::ROOT, 1.5, false, 8.0),
            NodeKind::Root,
        )
    } else {
        (
            vec![
                line(u.name.clone(), 13.0, true, TEXT),
                line(
                    format!("OU {} · {}", u.id, count(below, "account", "accounts")),
                    11.0,
                    false,
                    MUTED,
                ),
            ],
            style(boxes::OU[depth % 2], 1.5, false, 6.0),
            NodeKind::OrgUnit,
        )
    };
    let details: Vec<String> = lines.iter().map(|l| l.0.clone()).collect();
    let node_id = id.to_string();
    Some(Group {
        make: Box::new(move |inner| {
            boxes::region(
                node_id.clone(),
                kind,
                region_style,
                &lines,
                details.clone(),
                inner,
            )
        }),
        items: sorted(own),
        children,
    })
}

/// Everything a VPC's edges say about it, for its hover details.
fn connections(g: &Graph, id: &str) -> Vec<String> {
    let name_of = |n: &str| -> String {
        if let Some(v) = g.vpcs.get(n) {
            format!(
                "{} ({}, account {}, {})",
                v.name(),
                v.id,
                v.account,
                v.region
            )
        } else if let Some(h) = g.hubs.get(n) {
            format!(
                "Transit Gateway {} ({}, account {})",
                h.name(),
                h.id,
                h.owner
            )
        } else {
            n.to_string()
        }
    };
    g.links
        .iter()
        .filter_map(|l| {
            let other = if l.from == id {
                &l.to
            } else if l.to == id {
                &l.from
            } else {
                return None;
            };
            let how = match l.kind {
                LinkKind::Peering => "peers with",
                LinkKind::Attachment if l.from == id => "attached to",
                LinkKind::Attachment => "has attached",
                LinkKind::HubPeering => "peers with",
            };
            Some(format!("{how} {} · {} {}", name_of(other), l.id, l.status))
        })
        .collect()
}

fn vpc_box(g: &Graph, v: &Vpc) -> Node {
    let (main, muted) = boxes::text_colour();
    let named = v.name() != v.id;
    let mut lines: Vec<Line> = vec![line(v.name(), 12.0, true, main)];
    lines.push(line(
        if named {
            format!("{} · {}", v.id, v.region)
        } else {
            v.region.clone()
        },
        10.5,
        false,
        muted,
    ));
    let (st, cidr) = match v.record {
        Some(_) if v.is_default() => (boxes::VPC, format!("default VPC · {}", v.cidrs())),
        Some(_) => (boxes::VPC, v.cidrs()),
        None => (boxes::STUB, "not collected".to_string()),
    };
    lines.push(line(cidr.clone(), 10.5, false, muted));
    if !v.endpoints.is_empty() {
        let names: Vec<&str> = v.endpoints.iter().map(String::as_str).collect();
        lines.push(line(
            format!("Endpoints: {}", some_names(&names, 3)),
            10.5,
            false,
            muted,
        ));
    }
    let mut details = vec![
        v.name().to_string(),
        format!("VPC {} · account {} · {}", v.id, v.account, v.region),
        cidr,
    ];
    if !v.endpoints.is_empty() {
        details.push(format!("Endpoints: {}", v.endpoints.join(", ")));
    }
    details.extend(connections(g, &v.id));
    leaf(
        v.id.clone(),
        NodeKind::Vpc,
        style(st, 1.2, v.record.is_none(), 4.0),
        &lines,
        details,
        INNER_W,
    )
}

fn hub_box(g: &Graph, h: &Hub) -> Node {
    let spokes = g
        .links
        .iter()
        .filter(|l| l.kind == LinkKind::Attachment && l.to == h.id)
        .count();
    let mut third = count(spokes, "VPC attachment", "VPC attachments");
    if let Some(asn) = h.record.and_then(|r| r.get("asn")).filter(|v| !v.is_null()) {
        third = format!("ASN {} · {third}", asn.text());
    }
    for (what, n) in &h.others {
        third.push_str(&format!(" · {n} {what}"));
    }
    let named = h.name() != h.id;
    let lines = vec![
        line(
            if named {
                format!("TGW {}", h.name())
            } else {
                "Transit Gateway".to_string()
            },
            12.0,
            true,
            boxes::HUB_TEXT,
        ),
        line(
            format!("{} · {}", h.id, h.region),
            10.5,
            false,
            boxes::HUB_MUTED,
        ),
        line(third.clone(), 10.5, false, boxes::HUB_MUTED),
    ];
    let mut details = vec![
        format!("Transit Gateway {}", h.name()),
        format!("{} · owner {} · {}", h.id, h.owner, h.region),
        third,
    ];
    if h.record.is_none() {
        details.push("not collected: known from its attachments".to_string());
    }
    let mut conns = connections(g, &h.id);
    if conns.len() > 40 {
        let more = conns.len() - 40;
        conns.truncate(40);
        conns.push(format!("… and {more} more"));
    }
    details.extend(conns);
    leaf(
        h.id.clone(),
        NodeKind::Instance,
        style(boxes::HUB, 1.5, h.record.is_none(), 6.0),
        &lines,
        details,
        INNER_W,
    )
}

fn account_item(
    estate: &Estate,
    g: &Graph,
    f: &Folded,
    opts: &ConnectivityOptions,
    id: &str,
    vpcs: &[&Vpc],
    hubs: &[&Hub],
) -> Block {
    let account = estate.account(id);
    let (main, muted) = boxes::text_colour();
    let name = account_name(estate, id);
    let mut second = match account {
        Some(_) => format!("Account {id}"),
        None => "Not collected: known from its links".to_string(),
    };
    if let Some(a) = account {
        if a.is_management {
            second.push_str(" · management");
        }
        if !a.is_active() {
            second.push_str(&format!(" · {}", a.status));
        }
    }
    let mut children: Vec<Node> = Vec::new();
    let mut hubs = hubs.to_vec();
    hubs.sort_by(|a, b| (&a.region, &a.id).cmp(&(&b.region, &b.id)));
    children.extend(hubs.iter().map(|h| hub_box(g, h)));

    let order = |v: &&Vpc| (v.region.clone(), v.name().to_string(), v.id.clone());
    let mut linked: Vec<&Vpc> = vpcs
        .iter()
        .copied()
        .filter(|v| f.connected.contains(&v.id) && f.drawn_id(&v.id) == v.id)
        .collect();
    linked.sort_by_key(order);
    children.extend(linked.iter().map(|v| vpc_box(g, v)));
    for (fid, vf) in &f.vpc_folds {
        if vf.account == id {
            children.push(vpc_fold_box(g, f, fid, &vf.vpcs));
        }
    }
    let mut quiet: Vec<&Vpc> = vpcs
        .iter()
        .copied()
        .filter(|v| !f.connected.contains(&v.id))
        .collect();
    quiet.sort_by_key(order);
    let (shown, rest): (Vec<&Vpc>, Vec<&Vpc>) = {
        let mut shown = Vec::new();
        let mut rest = Vec::new();
        for v in quiet {
            if !v.is_default() && shown.len() < opts.idle_vpcs {
                shown.push(v);
            } else {
                rest.push(v);
            }
        }
        (shown, rest)
    };
    children.extend(shown.iter().map(|v| vpc_box(g, v)));
    let outside = account.is_none();
    let mut details = vec![name.clone(), second.clone()];
    if let Some(a) = account {
        details.push(format!("OU /{}", a.ou_path.join("/")));
    }
    let mut header = vec![
        line(name, 12.5, true, main),
        line(second, 10.5, false, muted),
    ];
    // The VPCs not drawn are one header line, not a box: in a real estate
    // every account has a default VPC per region, and a box each would be
    // most of the picture.
    if !rest.is_empty() {
        let n = rest.len();
        let defaults = rest.iter().filter(|v| v.is_default()).count();
        let what = if defaults == n {
            format!("+{}", count(n, "default VPC", "default VPCs"))
        } else if defaults > 0 {
            format!("+{} ({defaults} default)", count(n, "VPC", "VPCs"))
        } else {
            format!("+{}", count(n, "VPC", "VPCs"))
        };
        let text = format!("{what}, no peering or TGW");
        details.push(text.clone());
        details.extend(
            rest.iter()
                .map(|v| format!("  {} ({}, {}) {}", v.name(), v.id, v.region, v.cidrs())),
        );
        header.push(line(text, 10.5, false, muted));
    }
    stacked(
        id.to_string(),
        NodeKind::Account,
        style(
            if outside {
                boxes::FOREIGN
            } else {
                boxes::ACCOUNT
            },
            1.5,
            outside,
            4.0,
        ),
        &header,
        details,
        children,
    )
}

/// What a folded box is connected to, in words: `TGW core (tgw-1)`.
fn far_ends(g: &Graph, f: &Folded, id: &str) -> Vec<String> {
    let mut out: Vec<String> = f
        .edges
        .iter()
        .filter_map(|e| {
            let other = if e.from == id {
                &e.to
            } else if e.to == id {
                &e.from
            } else {
                return None;
            };
            Some(if let Some(h) = g.hubs.get(other) {
                format!("attached to TGW {}", h.name())
            } else if let Some(v) = g.vpcs.get(other) {
                format!("peered with {}", v.name())
            } else {
                format!("linked to {other}")
            })
        })
        .collect();
    out.sort();
    out
}

fn vpc_fold_box(g: &Graph, f: &Folded, id: &str, vpcs: &[String]) -> Node {
    let (main, muted) = boxes::text_colour();
    let far = far_ends(g, f, id);
    let names: Vec<&str> = vpcs
        .iter()
        .map(|v| g.vpcs.get(v).map_or(v.as_str(), |v| v.name()))
        .collect();
    let regions: BTreeSet<&str> = vpcs
        .iter()
        .filter_map(|v| g.vpcs.get(v).map(|v| v.region.as_str()))
        .collect();
    let lines = vec![
        line(
            format!("{}, same connections", count(vpcs.len(), "VPC", "VPCs")),
            11.5,
            true,
            main,
        ),
        line(
            format!(
                "{}, each {}",
                regions.into_iter().collect::<Vec<_>>().join(", "),
                far.join(", ")
            ),
            10.5,
            false,
            muted,
        ),
        line(some_names(&names, 2), 10.5, false, muted),
    ];
    let mut details = vec![lines[0].0.clone(), lines[1].0.clone()];
    details.extend(vpcs.iter().map(|v| match g.vpcs.get(v) {
        Some(x) => format!("{} ({}, {}) {}", x.name(), x.id, x.region, x.cidrs()),
        None => v.clone(),
    }));
    leaf(
        id.to_string(),
        NodeKind::Vpc,
        style(boxes::FOLD, 1.2, true, 4.0),
        &lines,
        details,
        INNER_W,
    )
}

fn account_fold_item(
    estate: &Estate,
    g: &Graph,
    f: &Folded,
    id: &str,
    af: &fold::AccountFold,
) -> Block {
    let (main, muted) = boxes::text_colour();
    let mut names: Vec<String> = af
        .accounts
        .iter()
        .map(|a| account_name(estate, a))
        .collect();
    names.sort();
    let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let far = far_ends(g, f, id);
    let far_line = match far.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [one, rest @ ..] => format!("{one} +{} more", rest.len()),
    };
    let lines = vec![
        line(
            format!(
                "{}, same connections",
                count(af.accounts.len(), "account", "accounts")
            ),
            12.0,
            true,
            main,
        ),
        line(
            format!("{}, each {far_line}", count(af.vpcs.len(), "VPC", "VPCs")),
            10.5,
            false,
            muted,
        ),
        line(some_names(&name_refs, 3), 10.5, false, muted),
    ];
    let mut details = vec![lines[0].0.clone(), lines[1].0.clone()];
    details.extend(far.iter().skip(1).cloned());
    details.extend(af.accounts.iter().map(|a| {
        let vs = af
            .vpcs
            .iter()
            .filter(|v| g.vpcs.get(*v).is_some_and(|x| &x.account == a))
            .count();
        format!(
            "{} ({a}): {}",
            account_name(estate, a),
            count(vs, "VPC", "VPCs")
        )
    }));
    let node = leaf(
        id.to_string(),
        NodeKind::Account,
        style(boxes::FOLD, 1.5, true, 4.0),
        &lines,
        details,
        COL_W,
    );
    Block {
        w: node.rect.w,
        h: node.rect.h,
        nodes: vec![node],
        ..Block::default()
    }
}

fn idle_item(
    estate: &Estate,
    group: &str,
    accounts: &[&str],
    vpcs_of: &BTreeMap<&str, Vec<&Vpc>>,
) -> Block {
    let (main, muted) = boxes::text_colour();
    let mut names: Vec<String> = accounts.iter().map(|a| account_name(estate, a)).collect();
    names.sort();
    let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let vpcs: Vec<&Vpc> = accounts
        .iter()
        .flat_map(|a| vpcs_of.get(a).cloned().unwrap_or_default())
        .collect();
    let defaults = vpcs.iter().filter(|v| v.is_default()).count();
    let mut second = count(vpcs.len(), "VPC", "VPCs");
    if defaults > 0 {
        second.push_str(&format!(", {defaults} of them default"));
    }
    let lines = vec![
        line(
            format!(
                "{}, no peering or TGW",
                count(accounts.len(), "account", "accounts")
            ),
            12.0,
            true,
            main,
        ),
        line(second.clone(), 10.5, false, muted),
        line(some_names(&name_refs, 3), 10.5, false, muted),
    ];
    let mut details = vec![lines[0].0.clone(), second];
    details.extend(accounts.iter().map(|a| {
        let n = vpcs_of.get(a).map_or(0, Vec::len);
        format!(
            "{} ({a}): {}",
            account_name(estate, a),
            count(n, "VPC", "VPCs")
        )
    }));
    let node = leaf(
        format!("{group}/unconnected"),
        NodeKind::Account,
        style(boxes::QUIET, 1.2, true, 4.0),
        &lines,
        details,
        COL_W,
    );
    Block {
        w: node.rect.w,
        h: node.rect.h,
        nodes: vec![node],
        ..Block::default()
    }
}
