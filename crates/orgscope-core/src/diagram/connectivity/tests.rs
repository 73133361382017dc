//! The connectivity layout on hand-built estates: two OUs under a parent,
//! a network account whose Transit Gateway has spokes from both, a
//! cross-account peering, a peering to an account outside the
//! organization, an attachment listed twice, an idle account; and a
//! thousand accounts with a 300-spoke TGW for the bound.

use std::collections::BTreeSet;

use super::*;
use crate::diagram::{Point, Rect};
use crate::model::{
    Account, AccountStatus, CallerIdentity, Edge, Organization, Rel, Resource, Source, SourceKind,
    Tags, kinds,
};

const NET: &str = "200000000001";
const P1: &str = "300000000001";
const P2: &str = "300000000002";
const T1: &str = "400000000001";
const T2: &str = "400000000002";
const T3: &str = "400000000003";
const EXT: &str = "999900000000";
const R: &str = "eu-west-1";

fn unit(id: &str, name: &str, accounts: &[&str], children: Vec<OrgUnit>) -> OrgUnit {
    OrgUnit {
        id: id.into(),
        name: name.into(),
        scps: vec![],
        accounts: accounts.iter().map(|s| s.to_string()).collect(),
        children,
    }
}

fn account(id: &str, name: &str, path: &[&str], parent: &str) -> Account {
    Account {
        id: id.into(),
        name: name.into(),
        email: format!("{name}@example.com"),
        status: AccountStatus::Active,
        ou_path: path.iter().map(|s| s.to_string()).collect(),
        parent_id: parent.into(),
        tags: Tags::new(),
        scps: vec![],
        is_management: false,
    }
}

fn empty() -> Estate {
    let mut e = Estate::new(
        "2026-11-27T12:00:00Z".into(),
        Source {
            aggregator: None,
            kind: SourceKind::Demo,
            profile: None,
            label: "test".into(),
        },
        CallerIdentity {
            account_id: NET.into(),
            arn: "arn".into(),
            user_id: "x".into(),
        },
    );
    e.organization = Some(Organization {
        id: "o-test".into(),
        management_account_id: NET.into(),
        management_account_email: None,
    });
    e
}

fn vpc(account: &str, id: &str, name: &str, cidr: &str) -> Resource {
    let mut r = Resource::new(kinds::VPC, account, R, id)
        .with("cidr", cidr)
        .with("cidr_blocks", vec![cidr.to_string()])
        .with("is_default", false);
    r.name = Some(name.into());
    r
}

fn tgw(account: &str, id: &str) -> Resource {
    let mut r = Resource::new(kinds::TRANSIT_GATEWAY, account, R, id)
        .with("owner", account)
        .with("asn", 64512i64)
        .with("state", "available");
    r.name = Some("core".into());
    r
}

/// An attachment as `holder` lists it: the TGW in `tgw_owner`, the VPC in
/// `vpc_owner`.
fn attachment(holder: &str, id: &str, tgw_owner: &str, vpc_owner: &str, vpc: &str) -> Resource {
    let mut to_tgw = Edge::new(Rel::AttachedTo, kinds::TRANSIT_GATEWAY, "tgw-1");
    if tgw_owner != holder {
        to_tgw = to_tgw.in_account(tgw_owner);
    }
    let mut to_vpc = Edge::new(Rel::InVpc, kinds::VPC, vpc);
    if vpc_owner != holder {
        to_vpc = to_vpc.in_account(vpc_owner);
    }
    Resource::new(kinds::TRANSIT_GATEWAY_ATTACHMENT, holder, R, id)
        .with("resource_type", "vpc")
        .with("state", "available")
        .with("resource_id", vpc)
        .with("resource_owner", vpc_owner)
        .with("tgw_owner", tgw_owner)
        .with_edge(to_tgw)
        .with_edge(to_vpc)
}

/// A peering as `holder` lists it.
fn peering(
    holder: &str,
    id: &str,
    requester: (&str, &str, &str),
    accepter: (&str, &str, &str),
) -> Resource {
    let end = |(account, region, vpc): (&str, &str, &str), side: &str| {
        let mut e = Edge::new(Rel::PeersWith, kinds::VPC, vpc).attr("side", side);
        if account != holder {
            e = e.in_account(account);
        }
        if region != R {
            e = e.in_region(region);
        }
        e
    };
    Resource::new(kinds::VPC_PEERING_CONNECTION, holder, R, id)
        .with("status", "active")
        .with_edge(end(requester, "requester"))
        .with_edge(end(accepter, "accepter"))
}

/// The estate of the module doc.
fn wired() -> Estate {
    let mut e = empty();
    e.tree = unit(
        "r-1",
        "Root",
        &[],
        vec![
            unit("ou-infra", "Infrastructure", &[NET], vec![]),
            unit(
                "ou-work",
                "Workloads",
                &[],
                vec![
                    unit("ou-prod", "Prod", &[P1, P2], vec![]),
                    unit("ou-test", "Test", &[T1, T2, T3], vec![]),
                ],
            ),
        ],
    );
    e.accounts = vec![
        account(NET, "network", &["Infrastructure"], "ou-infra"),
        account(P1, "payments-prod", &["Workloads", "Prod"], "ou-prod"),
        account(P2, "orders-prod", &["Workloads", "Prod"], "ou-prod"),
        account(T1, "payments-test", &["Workloads", "Test"], "ou-test"),
        account(T2, "orders-test", &["Workloads", "Test"], "ou-test"),
        account(T3, "idle-test", &["Workloads", "Test"], "ou-test"),
    ];
    e.resources = vec![
        tgw(NET, "tgw-1"),
        vpc(NET, "vpc-net", "inspection", "10.0.0.0/16"),
        vpc(P1, "vpc-p1", "payments", "10.1.0.0/16"),
        vpc(P2, "vpc-p2", "orders", "10.2.0.0/16"),
        vpc(T1, "vpc-t1", "payments", "10.11.0.0/16"),
        vpc(T2, "vpc-t2", "orders", "10.12.0.0/16"),
        vpc(T3, "vpc-t3", "idle", "10.13.0.0/16"),
        // The TGW owner lists every attachment...
        attachment(NET, "tgw-attach-net", NET, NET, "vpc-net"),
        attachment(NET, "tgw-attach-p1", NET, P1, "vpc-p1"),
        attachment(NET, "tgw-attach-p2", NET, P2, "vpc-p2"),
        attachment(NET, "tgw-attach-t1", NET, T1, "vpc-t1"),
        // ...and the VPC owner lists its own, under the same id.
        attachment(P1, "tgw-attach-p1", NET, P1, "vpc-p1"),
        // A cross-account, cross-OU peering, listed by both accounts.
        peering(P2, "pcx-1", (P2, R, "vpc-p2"), (T1, R, "vpc-t1")),
        peering(T1, "pcx-1", (P2, R, "vpc-p2"), (T1, R, "vpc-t1")),
        // A peering to a partner's account in another region.
        peering(
            T2,
            "pcx-ext",
            (T2, R, "vpc-t2"),
            (EXT, "us-east-1", "vpc-ext"),
        ),
    ];
    e
}

fn scene_of(e: &Estate) -> Scene {
    let all: Vec<usize> = (0..e.resources.len()).collect();
    connectivity_scene(e, &all, &ConnectivityOptions::default())
}

fn node<'s>(s: &'s Scene, id: &str) -> &'s Node {
    s.find(id).unwrap_or_else(|| panic!("{id} not drawn"))
}

fn parent<'s>(s: &'s Scene, id: &str) -> &'s str {
    let p = node(s, id)
        .parent
        .unwrap_or_else(|| panic!("{id} has no parent"));
    &s.nodes[p].id
}

fn pairs(s: &Scene) -> BTreeSet<(String, String)> {
    s.edges
        .iter()
        .map(|e| {
            let (a, b) = (e.from.clone(), e.to.clone());
            if a < b { (a, b) } else { (b, a) }
        })
        .collect()
}

fn pair(a: &str, b: &str) -> (String, String) {
    if a < b {
        (a.into(), b.into())
    } else {
        (b.into(), a.into())
    }
}

/// True when the segment p–q runs through the inside of `r` (touching its
/// border does not count).
fn crosses(r: &Rect, p: Point, q: Point) -> bool {
    const E: f32 = 0.5;
    let (x0, x1) = (p.x.min(q.x), p.x.max(q.x));
    let (y0, y1) = (p.y.min(q.y), p.y.max(q.y));
    x1 > r.x + E && x0 < r.right() - E && y1 > r.y + E && y0 < r.bottom() - E
}

#[test]
fn one_edge_per_peering_and_attachment_however_often_listed() {
    let s = scene_of(&wired());
    assert_eq!(s.edges.len(), 6, "{:?}", pairs(&s));
    let want: BTreeSet<_> = [
        pair("vpc-net", "tgw-1"),
        pair("vpc-p1", "tgw-1"),
        pair("vpc-p2", "tgw-1"),
        pair("vpc-t1", "tgw-1"),
        pair("vpc-p2", "vpc-t1"),
        pair("vpc-t2", "vpc-ext"),
    ]
    .into_iter()
    .collect();
    assert_eq!(pairs(&s), want);
    // Spokes run from the VPC to its hub; a peering from requester to accepter.
    assert!(
        s.edges
            .iter()
            .any(|e| e.from == "vpc-p1" && e.to == "tgw-1")
    );
    assert!(
        s.edges
            .iter()
            .any(|e| e.from == "vpc-p2" && e.to == "vpc-t1")
    );
}

#[test]
fn vpcs_sit_in_their_accounts_and_accounts_in_their_ous() {
    let s = scene_of(&wired());
    assert_eq!(parent(&s, "vpc-p1"), P1);
    assert_eq!(parent(&s, P1), "ou-prod");
    assert_eq!(parent(&s, "ou-prod"), "ou-work");
    assert_eq!(parent(&s, "ou-test"), "ou-work");
    assert_eq!(parent(&s, "ou-work"), "r-1");
    // The hub stands in its owner's account, in the Infrastructure OU.
    assert_eq!(parent(&s, "tgw-1"), NET);
    assert_eq!(parent(&s, NET), "ou-infra");
    assert_eq!(node(&s, "tgw-1").kind, NodeKind::Instance);
    for n in &s.nodes {
        if let Some(p) = n.parent {
            assert!(p < s.nodes.iter().position(|m| m.id == n.id).unwrap_or(0));
            assert!(
                s.nodes[p].rect.contains_rect(&n.rect),
                "{} {:?} not inside {} {:?}",
                n.id,
                n.rect,
                s.nodes[p].id,
                s.nodes[p].rect
            );
        }
    }
    let labels: Vec<&str> = node(&s, "vpc-p1")
        .labels
        .iter()
        .map(|l| l.text.as_str())
        .collect();
    assert_eq!(labels, ["payments", "vpc-p1 · eu-west-1", "10.1.0.0/16"]);
}

#[test]
fn accounts_outside_the_organization_have_their_own_group_with_stub_vpcs() {
    let s = scene_of(&wired());
    assert_eq!(parent(&s, EXT), fold::OUTSIDE);
    assert_eq!(node(&s, fold::OUTSIDE).parent, None);
    let stub = node(&s, "vpc-ext");
    assert_eq!(parent(&s, "vpc-ext"), EXT);
    assert!(stub.style.dashed, "a VPC nobody collected is a dashed stub");
    let text: Vec<&str> = stub.labels.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(text, ["vpc-ext", "us-east-1", "not collected"]);
    // The org and the outside group stand side by side.
    assert!(!node(&s, "r-1").rect.overlaps(&node(&s, fold::OUTSIDE).rect));
}

#[test]
fn idle_accounts_fold_into_one_line_per_ou() {
    let s = scene_of(&wired());
    assert!(
        s.find(T3).is_none(),
        "an account with no connection has no box"
    );
    let idle = node(&s, "ou-test/unconnected");
    assert_eq!(parent(&s, "ou-test/unconnected"), "ou-test");
    assert_eq!(
        idle.labels[0].text, "1 account, no peering or TGW",
        "{:?}",
        idle.labels
    );
    assert!(idle.labels[2].text.contains("idle-test"));
    // Prod has no idle account: no such line.
    assert!(s.find("ou-prod/unconnected").is_none());
}

#[test]
fn boxes_do_not_overlap_labels_fit_and_lines_miss_other_boxes() {
    let s = scene_of(&wired());
    let ancestors = |mut i: usize| {
        let mut out = vec![];
        while let Some(p) = s.nodes[i].parent {
            out.push(p);
            i = p;
        }
        out
    };
    for i in 0..s.nodes.len() {
        let ai = ancestors(i);
        for j in i + 1..s.nodes.len() {
            if ai.contains(&j) || ancestors(j).contains(&i) {
                continue;
            }
            assert!(
                !s.nodes[i].rect.overlaps(&s.nodes[j].rect),
                "{} overlaps {}",
                s.nodes[i].id,
                s.nodes[j].id
            );
        }
        let n = &s.nodes[i];
        for l in &n.labels {
            assert!(
                l.x >= n.rect.x && l.x + l.width <= n.rect.right() + 0.01,
                "{:?} overflows {}",
                l.text,
                n.id
            );
            assert!(l.y - l.size <= n.rect.bottom() && l.y <= n.rect.bottom());
        }
    }
    let is_container: Vec<bool> = (0..s.nodes.len())
        .map(|i| s.nodes.iter().any(|n| n.parent == Some(i)))
        .collect();
    for e in &s.edges {
        let from = node(&s, &e.from).rect;
        let to = node(&s, &e.to).rect;
        let (first, last) = (e.points[0], e.points[e.points.len() - 1]);
        assert!(
            (first.x - from.right()).abs() < 0.01,
            "{} leaves on the right",
            e.from
        );
        assert!(
            (last.x - to.right()).abs() < 0.01,
            "{} enters on the right",
            e.to
        );
        for w in e.points.windows(2) {
            assert!(
                w[0].x == w[1].x || w[0].y == w[1].y,
                "orthogonal segments only"
            );
            for (k, n) in s.nodes.iter().enumerate() {
                if is_container[k] {
                    continue;
                }
                assert!(
                    !crosses(&n.rect, w[0], w[1]),
                    "edge {}→{} runs through {}",
                    e.from,
                    e.to,
                    n.id
                );
            }
        }
    }
}

#[test]
fn the_same_estate_gives_the_same_scene_whatever_the_listing_order() {
    let e = wired();
    let s = scene_of(&e);
    assert_eq!(s, scene_of(&e));
    let mut reversed = e.clone();
    reversed.resources.reverse();
    assert_eq!(s, scene_of(&reversed));
}

#[test]
fn a_scope_draws_its_far_ends_from_the_whole_estate() {
    let e = wired();
    // Only payments-prod's resources: its VPC, and the attachment it lists.
    let scope: Vec<usize> = e
        .resources
        .iter()
        .enumerate()
        .filter(|(_, r)| r.account_id == P1)
        .map(|(i, _)| i)
        .collect();
    let s = connectivity_scene(&e, &scope, &ConnectivityOptions::default());
    assert_eq!(pairs(&s), [pair("vpc-p1", "tgw-1")].into_iter().collect());
    let hub = node(&s, "tgw-1");
    assert_eq!(hub.labels[0].text, "TGW core");
    assert_eq!(parent(&s, "tgw-1"), NET);
    // Accounts outside the scope are not listed as idle.
    assert!(s.find("ou-test/unconnected").is_none());
}

#[test]
fn dead_and_broken_links_are_counted_not_drawn() {
    let mut e = wired();
    e.resources.push(
        peering(T2, "pcx-old", (T2, R, "vpc-t2"), (P1, R, "vpc-p1")).with("status", "deleted"),
    );
    e.resources.push(
        Resource::new(kinds::VPC_PEERING_CONNECTION, T2, R, "pcx-half")
            .with("status", "active")
            .with_edge(Edge::new(Rel::PeersWith, kinds::VPC, "vpc-t2")),
    );
    let s = scene_of(&e);
    assert_eq!(s.edges.len(), 6);
    let sub = &s.texts[1].text;
    assert!(
        sub.contains("1 link deleted, rejected or failed not drawn"),
        "{sub}"
    );
    assert!(
        sub.contains("1 link naming too few ends not drawn"),
        "{sub}"
    );
}

/// A thousand accounts in four OUs; 300 of them, spread over three OUs,
/// attached to one TGW in the network account.
fn big() -> Estate {
    let mut e = empty();
    let ous = ["Prod", "Test", "Dev", "Sandbox"];
    let mut children = Vec::new();
    let mut accounts = vec![account(NET, "network", &["Infrastructure"], "ou-infra")];
    let mut resources = vec![tgw(NET, "tgw-1")];
    for (o, ou) in ous.iter().enumerate() {
        let ou_id = format!("ou-{}", ou.to_lowercase());
        let mut ids = Vec::new();
        for k in 0..250 {
            let id = format!("5{o}{k:010}");
            let vpc_id = format!("vpc-{o}-{k}");
            accounts.push(account(&id, &format!("{ou}-app-{k}"), &[ou], &ou_id));
            resources.push(vpc(&id, &vpc_id, "app", "10.0.0.0/16"));
            if o < 3 && k < 100 {
                resources.push(attachment(
                    NET,
                    &format!("tgw-attach-{o}-{k}"),
                    NET,
                    &id,
                    &vpc_id,
                ));
            }
            ids.push(id);
        }
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        children.push(unit(&ou_id, ou, &refs, vec![]));
    }
    children.push(unit("ou-infra", "Infrastructure", &[NET], vec![]));
    e.tree = unit("r-1", "Root", &[], children);
    e.accounts = accounts;
    e.resources = resources;
    e
}

#[test]
fn a_thousand_accounts_and_a_300_spoke_hub_stay_bounded() {
    let e = big();
    let s = scene_of(&e);
    // One hub, three "100 accounts" boxes with one spoke each, an idle line
    // per OU: a few dozen boxes, not thousands.
    assert!(s.nodes.len() < 30, "{} boxes", s.nodes.len());
    assert_eq!(s.edges.len(), 3, "{:?}", pairs(&s));
    for o in ["prod", "test", "dev"] {
        let fold = s
            .nodes
            .iter()
            .find(|n| n.id.starts_with(&format!("ou-{o}/accounts/")))
            .unwrap_or_else(|| panic!("no fold in {o}"));
        assert_eq!(fold.labels[0].text, "100 accounts, same connections");
        assert!(
            fold.labels[1].text.contains("attached to TGW core"),
            "{:?}",
            fold.labels
        );
        let idle = node(&s, &format!("ou-{o}/unconnected"));
        assert_eq!(idle.labels[0].text, "150 accounts, no peering or TGW");
    }
    assert_eq!(
        node(&s, "ou-sandbox/unconnected").labels[0].text,
        "250 accounts, no peering or TGW"
    );
    assert!(
        s.width < 3000.0 && s.height < 2000.0,
        "{} × {}",
        s.width,
        s.height
    );
    let hub = node(&s, "tgw-1");
    assert!(
        hub.labels[2].text.contains("300 VPC attachments"),
        "{:?}",
        hub.labels
    );
    assert!(
        s.texts[1]
            .text
            .contains("300 accounts with the same connections folded into 3 boxes")
    );
}

#[test]
fn below_the_limit_accounts_with_the_same_connections_stay_apart() {
    let e = wired();
    let s = connectivity_scene(
        &e,
        &(0..e.resources.len()).collect::<Vec<_>>(),
        &ConnectivityOptions {
            fold_above: 1,
            ..ConnectivityOptions::default()
        },
    );
    // Even with a limit of one, no two accounts of an OU share their
    // connections here (orders-prod also peers), so every account stays.
    assert!(s.find(P1).is_some() && s.find(P2).is_some());
    // A third Prod account attached like payments-prod: the two fold, with
    // one spoke for both.
    let mut e = wired();
    let p3 = "300000000003";
    e.accounts.push(account(
        p3,
        "search-prod",
        &["Workloads", "Prod"],
        "ou-prod",
    ));
    e.tree.children[1].children[0].accounts.push(p3.into());
    e.resources.push(vpc(p3, "vpc-p3", "search", "10.3.0.0/16"));
    e.resources
        .push(attachment(NET, "tgw-attach-p3", NET, p3, "vpc-p3"));
    let all: Vec<usize> = (0..e.resources.len()).collect();
    let opts = ConnectivityOptions {
        fold_above: 1,
        ..ConnectivityOptions::default()
    };
    let s = connectivity_scene(&e, &all, &opts);
    let fold = format!("ou-prod/accounts/{P1}");
    assert_eq!(parent(&s, &fold), "ou-prod");
    assert!(s.find(P1).is_none() && s.find(p3).is_none() && s.find(P2).is_some());
    assert_eq!(
        node(&s, &fold).labels[0].text,
        "2 accounts, same connections"
    );
    assert!(pairs(&s).contains(&pair(&fold, "tgw-1")));
    assert_eq!(s.edges.len(), 6, "two spokes became one: {:?}", pairs(&s));
    // Many VPCs of one account with the same connection fold in place.
    let mut e = wired();
    for k in 0..5 {
        let id = format!("vpc-extra-{k}");
        e.resources.push(vpc(P1, &id, "extra", "10.9.0.0/16"));
        e.resources
            .push(attachment(NET, &format!("tgw-attach-x{k}"), NET, P1, &id));
    }
    let s = connectivity_scene(
        &e,
        &(0..e.resources.len()).collect::<Vec<_>>(),
        &ConnectivityOptions {
            fold_above: 4,
            ..ConnectivityOptions::default()
        },
    );
    let folded = s
        .nodes
        .iter()
        .find(|n| n.id.starts_with(&format!("{P1}/vpcs/")))
        .expect("a VPC fold in payments-prod");
    assert_eq!(folded.labels[0].text, "6 VPCs, same connections");
    assert_eq!(s.nodes[folded.parent.unwrap_or(0)].id, P1);
    assert!(s.find("vpc-p1").is_none());
}

#[test]
fn an_empty_scope_says_so() {
    let e = wired();
    let s = connectivity_scene(&e, &[], &ConnectivityOptions::default());
    assert!(s.nodes.is_empty());
    assert!(
        s.texts
            .iter()
            .any(|t| t.text.starts_with("Nothing to draw"))
    );
}

/// With `ORGSCOPE_KEEP_DIAGRAMS=DIR`, the hand-built pictures are written
/// as PNG and SVG for a person to look at.
#[test]
fn pictures_for_a_person_to_look_at() {
    let Ok(dir) = std::env::var("ORGSCOPE_KEEP_DIAGRAMS") else {
        return;
    };
    for (name, e) in [("conn-wired", wired()), ("conn-big", big())] {
        let s = scene_of(&e);
        let png = crate::diagram::to_png(&s, 1.0).expect("renders");
        let _ = std::fs::write(format!("{dir}/{name}.png"), png);
        let _ = std::fs::write(format!("{dir}/{name}.svg"), crate::diagram::to_svg(&s));
    }
}
