//! The wiring kinds through the filter language: `peer-account:` (a
//! built-in over a peering's or a Transit Gateway attachment's edges),
//! `routes-to:` and `serves:` over a route table's edges (far ends not
//! collected included), `internet:` as derived by `model::wiring`, and
//! their completion. Estates are the fast-path tests' awkward one (which
//! holds the wiring cases) or the demo with a public corner added.

use super::fast_tests::{awkward_estate_hand_wired as awkward_estate, demo_without_wiring};
use super::*;
use crate::model::{Edge, Estate, Rel, Resource, RulePeer, SgRule, kinds, wiring};

/// Ids of the resources matching `src`, asserting the fast path and the
/// reference evaluation agree.
fn ids(e: &Estate, src: &str) -> Vec<String> {
    let ctx = Context::new(e);
    let q = parse(src).unwrap_or_else(|err| panic!("{src}: {err}"));
    let got = filter(&ctx, &q, None);
    let direct: Vec<usize> = (0..e.resources.len())
        .filter(|&i| q.matches(&ctx, &e.resources[i]))
        .collect();
    assert_eq!(got, direct, "{src}");
    got.into_iter().map(|i| e.resources[i].id.clone()).collect()
}

fn audit_id(e: &Estate) -> String {
    e.accounts
        .iter()
        .find(|a| a.name == "security-audit")
        .map(|a| a.id.clone())
        .expect("audit account")
}

#[test]
fn peer_account_matches_far_ends_in_another_account_by_name_or_id() {
    let e = awkward_estate();
    assert_eq!(
        ids(&e, "peer-account:security-audit"),
        ["pcx-audit", "tgw-attach-1"]
    );
    assert_eq!(
        ids(&e, &format!("peer-account:{}", audit_id(&e))),
        ["pcx-audit", "tgw-attach-1"]
    );
    assert_eq!(
        ids(&e, "peer-account:SECURITY-*"),
        ["pcx-audit", "tgw-attach-1"]
    );
    // Outside the estate: by id only. An address attached into another
    // account is no peering; an edge into its own account is no peer.
    assert_eq!(
        ids(&e, "peer-account:888888888888"),
        ["pcx-outside", "tgw-attach-2"]
    );
    assert_eq!(
        ids(&e, "peer_account:7*"),
        ["pcx-outside"],
        "an untyped far end"
    );
    assert_eq!(
        ids(&e, "peer-account:*"),
        ["pcx-audit", "pcx-outside", "tgw-attach-1", "tgw-attach-2"]
    );
    let own = e
        .resources
        .iter()
        .find(|r| r.id == "pcx-self")
        .map(|r| r.account_id.clone())
        .expect("pcx-self");
    assert!(ids(&e, &format!("peer-account:{own}")).is_empty());
    // Composes like any term.
    assert_eq!(
        ids(&e, "type:pcx -peer-account:security-audit"),
        ["pcx-outside", "pcx-self"]
    );
    let err = parse("peer-account:").expect_err("no value");
    assert_eq!(err.message, "expected a value after 'peer-account:'");
}

#[test]
fn routes_to_and_serves_follow_a_route_tables_edges() {
    let e = awkward_estate();
    // By the far end's kind alias, the id of a Transit Gateway of another
    // account, a target of no known kind (by id), the gateway's name as
    // the route carries it, and the local route to the VPC itself.
    for src in [
        "routes-to:tgw",
        "routes-to:tgw*",
        "routes-to:tgw-0net",
        "routes-to:vgw-0dead",
        "routes-to:vgw-*",
        "routes-to:shop-igw",
        "routes-to:internet_gateway",
        "routes-to:igw",
        "routes-to:vpc",
        "serves:subnet-gone",
        "serves:subnet",
        "type:rtb main:true",
    ] {
        assert_eq!(ids(&e, src), ["rtb-w"], "{src}");
    }
    assert!(ids(&e, "routes-to:nat_gateway").is_empty());
    assert!(ids(&e, "routes-to:vgw-other").is_empty());
    // A gateway the estate holds matches by its own name too.
    let mut e2 = e.clone();
    let rtb = e2
        .resources
        .iter()
        .find(|r| r.id == "rtb-w")
        .expect("rtb-w")
        .clone();
    let mut igw = Resource::new(
        kinds::INTERNET_GATEWAY,
        rtb.account_id,
        rtb.region,
        "igw-0w",
    );
    igw.name = Some("payments-prod-igw".into());
    e2.resources.push(igw);
    assert_eq!(ids(&e2, "routes-to:payments-*-igw"), ["rtb-w"]);
}

/// The demo with a public corner: in a named subnet of some account-region,
/// a route table sending the default route to an internet gateway, an open
/// group and an instance with a public IP in that subnet.
fn demo_with_public_web() -> Estate {
    let mut e = demo_without_wiring(11);
    let subnet = e
        .resources
        .iter()
        .find(|r| r.kind == kinds::SUBNET && r.name.is_some())
        .expect("a named subnet")
        .clone();
    let vpc = subnet.first(Rel::InVpc).expect("its VPC").to_string();
    let here =
        |kind, id: &str| Resource::new(kind, subnet.account_id.clone(), subnet.region.clone(), id);
    let in_vpc = || Edge::new(Rel::InVpc, kinds::VPC, vpc.clone());
    let mut web = here(kinds::INSTANCE, "i-0public")
        .with("state", "running")
        .with("public_ip", "52.10.0.1")
        .with_edge(in_vpc())
        .with_edge(Edge::new(Rel::InSubnet, kinds::SUBNET, subnet.id.clone()))
        .with_edge(Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, "sg-0open"));
    web.name = Some("public-web-1".into());
    let open = SgRule {
        protocol: "tcp".into(),
        from_port: Some(443),
        to_port: Some(443),
        peer: RulePeer::Cidr("0.0.0.0/0".into()),
        description: None,
    };
    let mut sg = here(kinds::SECURITY_GROUP, "sg-0open")
        .with("group_name", "open-web")
        .with("ingress", vec![open])
        .with_edge(in_vpc());
    sg.name = Some("open-web".into());
    e.resources.extend([
        web,
        sg,
        here(kinds::ROUTE_TABLE, "rtb-0public")
            .with("main", false)
            .with_edge(in_vpc())
            .with_edge(Edge::new(Rel::Serves, kinds::SUBNET, subnet.id.clone()))
            .with_edge(
                Edge::new(Rel::RoutesTo, kinds::INTERNET_GATEWAY, "igw-0public")
                    .attr("destination", "0.0.0.0/0")
                    .attr("state", "active"),
            ),
    ]);
    wiring::derive(&mut e);
    e
}

#[test]
fn internet_reachable_is_one_filter_and_says_why() {
    let e = demo_with_public_web();
    let ctx = Context::new(&e);
    let reachable = filter(&ctx, &parse("internet:reachable").expect("parses"), None);
    let public = e
        .resources
        .iter()
        .position(|r| r.id == "i-0public")
        .expect("the public instance");
    assert!(reachable.contains(&public), "{reachable:?}");
    for &i in &reachable {
        let r = &e.resources[i];
        assert_eq!(r.text("internet"), Some("reachable"), "{}", r.id);
        assert!(
            r.text("internet_why").is_some_and(|w| !w.is_empty()),
            "{}",
            r.id
        );
    }
    assert_eq!(
        e.resources[public].text("internet_why"),
        Some(
            "public subnet ".to_string()
                + subnet_name(&e, public)
                + " (igw igw-0public), public IP 52.10.0.1, sg open-web allows 0.0.0.0/0 tcp 443"
        )
        .as_deref()
    );
    // The prod question: scoped, reachable, and the why filterable too.
    let prod = ids(&e, "internet:reachable why:*0.0.0.0/0*");
    assert!(prod.contains(&"i-0public".to_string()), "{prod:?}");
    assert!(!ids(&e, "-internet:reachable type:instance").contains(&"i-0public".to_string()));
    assert_eq!(ids(&e, "type:subnet routing:public").len(), 1);
}

fn subnet_name(e: &Estate, i: usize) -> &str {
    let sid = e.resources[i].first(Rel::InSubnet).expect("subnet");
    e.resources
        .iter()
        .find(|r| r.id == sid && r.kind == kinds::SUBNET)
        .map(|r| r.display_name())
        .expect("subnet resource")
}

#[test]
fn completion_offers_peer_account_and_account_names_after_it() {
    let e = awkward_estate();
    let ctx = Context::new(&e);
    let all: Vec<usize> = (0..e.resources.len()).collect();
    let cat = tag_catalog(&ctx, &all);
    let inserts = |src: &str| -> Vec<String> {
        completions(src, src.chars().count(), &cat)
            .into_iter()
            .map(|c| c.insert)
            .collect()
    };
    assert!(inserts("pee").contains(&"peer-account:".to_string()));
    assert_eq!(inserts("peer-account:sec"), ["security-audit"]);
    // By id as well as by name; outside accounts (seen on a far end) after
    // `peer-account:` only.
    let audit = audit_id(&e);
    assert_eq!(
        inserts(&format!("peer-account:{}", &audit[..4])),
        ["security-audit"]
    );
    assert_eq!(inserts("peer-account:88"), ["888888888888"]);
    assert!(inserts("account:88").is_empty());
    assert_eq!(inserts("account:sec"), ["security-audit"]);
    let c = completions("-peer-account:777", 17, &cat);
    assert_eq!(c.len(), 1, "{c:?}");
    assert_eq!(
        (c[0].label.as_str(), c[0].replace.clone()),
        ("777777777777", 14..17)
    );
    assert_eq!(c[0].detail, "account outside the estate");
    // Every account of the estate is offered, whatever the scope.
    let none = tag_catalog(&ctx, &[]);
    assert_eq!(
        none.accounts.iter().filter(|a| !a.outside).count(),
        e.accounts.len()
    );
    assert!(none.accounts.iter().all(|a| !a.outside));
}
