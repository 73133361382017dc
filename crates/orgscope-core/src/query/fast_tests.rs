//! The interned fast paths against the direct ones: [`filter`] (terms bound
//! to per-distinct-value tables) must select exactly what [`Query::matches`]
//! (the AST evaluated per resource) accepts, and [`group_by`] /
//! [`tag_catalog`] (counted by ids) must equal a plain string-keyed count.

use std::collections::{BTreeMap, HashMap};

use proptest::prelude::*;

use super::*;
use crate::demo::demo_estate;
use crate::model::{Edge, Estate, Rel, Resource, Value, kinds};

/// A small demo estate with the awkward cases added: mixed-case and empty
/// tag values, non-ASCII text, a resource of an account the estate does
/// not know, an instance without a VPC and with a null state, edges to far
/// ends outside the estate, a far end without a name whose edge names it,
/// an id repeated in two regions, and wiring (see [`add_wiring`]).
pub(super) fn awkward_estate() -> Estate {
    awkward_estate_from(demo_estate(11))
}

/// The demo without its own wiring kinds (gateways, routes, peerings,
/// Transit Gateways, load balancers — every kind registered from the
/// internet gateway on), for tests whose expectations name exactly the
/// wiring they add by hand.
pub(super) fn demo_without_wiring(accounts: usize) -> Estate {
    let mut e = demo_estate(accounts);
    e.resources.retain(|r| r.kind < kinds::INTERNET_GATEWAY);
    crate::model::wiring::derive(&mut e);
    e
}

/// [`awkward_estate`] on the demo without its own wiring.
pub(super) fn awkward_estate_hand_wired() -> Estate {
    awkward_estate_from(demo_without_wiring(11))
}

fn awkward_estate_from(mut e: Estate) -> Estate {
    let n = e.resources.len();
    for (i, r) in e.resources.iter_mut().enumerate() {
        match i % 7 {
            0 => {
                r.tags.insert("env".into(), "PROD".into());
            }
            1 => {
                r.tags.insert("note".into(), String::new());
            }
            2 => {
                r.tags.insert("Besitzer".into(), "Jürgen-ÉQUIPE".into());
            }
            _ => {}
        }
    }
    let i = (n / 2..n)
        .chain(0..n)
        .find(|&i| e.resources[i].kind == kinds::INSTANCE)
        .expect("an instance");
    let mut stray = e.resources[i].clone();
    stray.account_id = "999999999999".into();
    stray.region = "EU-West-9".into();
    stray.relations.retain(|x| x.rel != Rel::InVpc);
    stray.set("instance_type", "M5.Large");
    stray.set("state", Value::Null);
    // A group in another account, and one of a kind the edge does not say.
    stray.relations.push(
        Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, "sg-outside1")
            .in_account("888888888888")
            .named("Outside-Web"),
    );
    let mut anonymous = Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, "sg-unknown2");
    anonymous.kind = None;
    stray.relations.push(anonymous);
    e.resources.push(stray);
    // Name a nameless far end (a default subnet) only through the edge.
    let inst = e.resources[..n]
        .iter()
        .position(|r| r.kind == kinds::INSTANCE)
        .expect("an instance");
    let (acct, region) = {
        let r = &e.resources[inst];
        (r.account_id.clone(), r.region.clone())
    };
    let subnet = e
        .resources
        .iter()
        .position(|r| {
            r.kind == kinds::SUBNET
                && r.name.is_none()
                && r.account_id == acct
                && r.region == region
        })
        .expect("a default subnet");
    let sid = e.resources[subnet].id.clone();
    let r = &mut e.resources[inst];
    r.relations.retain(|x| x.rel != Rel::InSubnet);
    r.relations
        .push(Edge::new(Rel::InSubnet, kinds::SUBNET, sid.clone()).named("Edge-Subnet-Name"));
    // The same subnet id again in another region (ids are per account).
    let mut twin = e.resources[subnet].clone();
    twin.region = "ap-south-7".into();
    twin.name = Some("twin-subnet".into());
    e.resources.push(twin);
    e.resources.push(
        Resource::new(kinds::VOLUME, acct, "ap-south-7", "vol-twin")
            .with("size_gib", 7i64)
            .with("encrypted", false)
            .with_edge(Edge::new(Rel::AttachedTo, kinds::INSTANCE, "i-gone"))
            // Resolves to the twin, the subnet of that id in its region.
            .with_edge(Edge::new(Rel::InSubnet, kinds::SUBNET, sid)),
    );
    add_wiring(&mut e);
    e
}

/// Peerings and Transit Gateway attachments into another account of the
/// estate (`security-audit`), into an account outside it and inside their
/// own account (an edge naming its own account is no peer); a route table
/// whose routes go to a gateway, a Transit Gateway of another account and
/// a target of no known kind; derived `internet` values of every sort.
fn add_wiring(e: &mut Estate) {
    let audit = e
        .accounts
        .iter()
        .find(|a| a.name == "security-audit")
        .map(|a| a.id.clone())
        .expect("the demo's audit account");
    let vpc = e
        .resources
        .iter()
        .find(|r| r.is_vpc() && r.name.is_some() && r.account_id != audit)
        .expect("a named VPC outside the audit account")
        .clone();
    let (acct, region) = (vpc.account_id.clone(), vpc.region.clone());
    let here = |kind, id: &str| Resource::new(kind, acct.clone(), region.clone(), id);
    let own_vpc = || Edge::new(Rel::InVpc, kinds::VPC, vpc.id.clone());
    let peers = |to: &str| Edge::new(Rel::PeersWith, kinds::VPC, to);
    let mut untyped = peers("vpc-nokind").in_account("777777777777");
    untyped.kind = None;
    let mut vgw =
        Edge::new(Rel::RoutesTo, kinds::VPC, "vgw-0dead").attr("destination", "10.9.0.0/16");
    vgw.kind = None;
    e.resources.extend([
        here(kinds::VPC_PEERING_CONNECTION, "pcx-audit")
            .with("status", "active")
            .with_edge(peers(&vpc.id).attr("side", "requester"))
            .with_edge(
                peers("vpc-audit")
                    .in_account(audit.clone())
                    .in_region("us-east-1")
                    .attr("side", "accepter"),
            ),
        here(kinds::VPC_PEERING_CONNECTION, "pcx-outside")
            .with_edge(peers(&vpc.id))
            .with_edge(peers("vpc-far").in_account("888888888888"))
            .with_edge(untyped),
        here(kinds::VPC_PEERING_CONNECTION, "pcx-self")
            .with_edge(peers(&vpc.id))
            .with_edge(peers("vpc-twin").in_account(acct.clone())),
        here(kinds::TRANSIT_GATEWAY_ATTACHMENT, "tgw-attach-1")
            .with("resource_type", "vpc")
            .with_edge(
                Edge::new(Rel::AttachedTo, kinds::TRANSIT_GATEWAY, "tgw-0net").in_account(audit),
            )
            .with_edge(own_vpc()),
        // The TGW owner's view: the VPC is another account's.
        here(kinds::TRANSIT_GATEWAY_ATTACHMENT, "tgw-attach-2")
            .with_edge(Edge::new(
                Rel::AttachedTo,
                kinds::TRANSIT_GATEWAY,
                "tgw-0own",
            ))
            .with_edge(Edge::new(Rel::InVpc, kinds::VPC, "vpc-spoke").in_account("888888888888")),
        // Not an attachment: its `AttachedTo` into another account is no peer.
        here(kinds::ELASTIC_IP, "eipalloc-x").with_edge(
            Edge::new(Rel::AttachedTo, kinds::INSTANCE, "i-far").in_account("888888888888"),
        ),
        here(kinds::ROUTE_TABLE, "rtb-w")
            .with("main", true)
            .with_edge(own_vpc())
            .with_edge(Edge::new(Rel::Serves, kinds::SUBNET, "subnet-gone"))
            .with_edge(
                Edge::new(Rel::RoutesTo, kinds::INTERNET_GATEWAY, "igw-0w")
                    .attr("destination", "0.0.0.0/0")
                    .named("Shop-IGW"),
            )
            .with_edge(
                Edge::new(Rel::RoutesTo, kinds::TRANSIT_GATEWAY, "tgw-0net")
                    .in_account("888888888888")
                    .attr("destination", "10.0.0.0/8"),
            )
            .with_edge(vgw)
            .with_edge(
                Edge::new(Rel::RoutesTo, kinds::VPC, vpc.id.clone()).attr("destination", "local"),
            ),
    ]);
    let mut n = 0;
    for r in e.resources.iter_mut().filter(|r| r.kind == kinds::INSTANCE) {
        n += 1;
        match n % 3 {
            0 => {
                r.set("internet", "reachable");
                r.set("internet_why", "public subnet a, public IP 52.0.0.1");
            }
            1 => {
                r.set("internet", "unreachable");
                r.set("internet_why", "private subnet b");
            }
            _ => {}
        }
    }
}

/// Every kind of term, with the awkward values.
const LEAVES: &[&str] = &[
    "env=prod",
    "env=PROD",
    "env=pr*",
    "env!=prod,test",
    "\"env\"=\"pr*\"",
    "note=\"\"",
    "note!=x",
    "Besitzer=jürgen*",
    "nokey=x",
    "nokey!=x",
    "has:owner",
    "has:nokey",
    "-has:note",
    "type:instance",
    "type:vpc,subnet,sg",
    "region:eu-*",
    "region:EU-WEST-?",
    "region:us-east-1",
    "account:*prod*",
    "account:999999999999",
    "ou:Prod",
    "ou:Workloads/*",
    "state:running,stopped",
    "state:avail*",
    "vpc:*",
    "vpc:*-vpc",
    "itype:m5.*",
    "itype:t3.micro",
    "state:\"\"",
    "az:*a",
    "image_id:ami-*",
    "encrypted:true",
    "encrypted:FALSE",
    "size_gib:20,7",
    "volume_type:gp?",
    "group_name:*-db",
    "public:true",
    "sg:*-web",
    "sg:sg-*",
    "sg:outside-web",
    "sg:security_group",
    "sg:sgs",
    "subnet:edge-subnet-*",
    "subnet:*private*",
    "subnet:twin-subnet",
    "attached-to:i-*",
    "attached-to:instance",
    "attached-to:*-db-?",
    "type:ebs,sgs",
    "name:*web*",
    "id:i-*",
    "cidr:10.0.0.0/8",
    "worker",
    "\"jürgen\"",
    "Name=*-web-*",
    "app=payments,orders",
    "peer-account:*",
    "peer-account:security-audit",
    "peer-account:SECURITY-*",
    "peer-account:888888888888",
    "peer_account:7*",
    "peer-account:*prod*",
    "-peer-account:8*",
    "type:pcx peers-with:vpc-audit",
    "peers-with:vpc",
    "routes-to:tgw*",
    "routes-to:tgw",
    "routes-to:vgw-*",
    "routes-to:shop-igw",
    "routes-to:internet_gateway",
    "serves:*",
    "serves:subnet-gone",
    "internet:reachable",
    "internet:unreachable,reachable",
    "why:*public*",
];

fn arb_leaf() -> impl Strategy<Value = String> {
    prop::sample::select(LEAVES.to_vec()).prop_map(str::to_string)
}

#[test]
fn every_term_alone_agrees() {
    let e = awkward_estate();
    let ctx = Context::new(&e);
    for src in LEAVES {
        let q = parse(src).expect("leaves parse");
        let direct: Vec<usize> = (0..e.resources.len())
            .filter(|&i| q.matches(&ctx, &e.resources[i].clone()))
            .collect();
        assert_eq!(filter(&ctx, &q, None), direct, "{src}");
    }
}

fn arb_query() -> impl Strategy<Value = String> {
    arb_leaf().prop_recursive(3, 10, 3, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} {b}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} OR {b})")),
            inner.prop_map(|a| format!("-({a})")),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn bound_filter_equals_direct_evaluation(src in arb_query()) {
        let e = awkward_estate();
        let ctx = Context::new(&e);
        let q = parse(&src).expect("generated queries parse");
        let direct: Vec<usize> = (0..e.resources.len())
            .filter(|&i| q.matches(&ctx, &e.resources[i].clone()))
            .collect();
        prop_assert_eq!(filter(&ctx, &q, None), direct.clone(), "{}", src);
        // Candidates (a pane's scope) go through the same path.
        let odd: Vec<usize> = (0..e.resources.len() + 3).filter(|i| i % 2 == 1).collect();
        let want: Vec<usize> = direct.into_iter().filter(|i| i % 2 == 1).collect();
        prop_assert_eq!(filter(&ctx, &q, Some(&odd)), want, "{}", src);
    }
}

/// Grouping as a plain string-keyed count, the definition `group_by` keeps.
fn reference_groups(ctx: &Context, indices: &[usize], key: &GroupKey) -> Vec<Group> {
    let resources = &ctx.estate().resources;
    let mut by: HashMap<Option<String>, Group> = HashMap::new();
    for &i in indices {
        let Some(r) = resources.get(i) else { continue };
        let value = match key {
            GroupKey::Tag(k) => r.tags.get(k).cloned(),
            GroupKey::Field(c) => Some(cell(ctx, r, c)).filter(|s| !s.is_empty()),
        };
        let g = by.entry(value.clone()).or_insert_with(|| Group {
            key: value.clone().unwrap_or_default(),
            missing: value.is_none(),
            count: 0,
            by_type: BTreeMap::new(),
            instance_types: BTreeMap::new(),
            vcpus: 0,
            indices: Vec::new(),
        });
        g.count += 1;
        *g.by_type.entry(r.kind).or_insert(0) += 1;
        if r.kind == kinds::INSTANCE
            && let Some(t) = r.text("instance_type")
        {
            *g.instance_types.entry(t.to_string()).or_insert(0) += 1;
            g.vcpus += u64::from(vcpus(t));
        }
        g.indices.push(i);
    }
    let mut groups: Vec<Group> = by.into_values().collect();
    groups.sort_by(|a, b| {
        a.missing
            .cmp(&b.missing)
            .then(b.count.cmp(&a.count))
            .then_with(|| natural_cmp(&a.key, &b.key))
    });
    groups
}

#[test]
fn dense_grouping_equals_string_grouping_for_every_key() {
    let e = awkward_estate();
    let ctx = Context::new(&e);
    let all: Vec<usize> = (0..e.resources.len()).collect();
    let some: Vec<usize> = (0..e.resources.len() + 2).filter(|i| i % 3 != 0).collect();
    let mut keys: Vec<GroupKey> = [
        "type",
        "id",
        "name",
        "account",
        "account_id",
        "ou",
        "region",
        "vpc",
        "state",
        "instance_type",
        "cidr",
        "az",
        "private_ip",
        "public_ip",
        "image_id",
        "size_gib",
        "encrypted",
        "volume_type",
        "group_name",
        "sg",
        "subnet",
        "attached_to",
    ]
    .iter()
    .map(|k| parse_group_key(k).expect(k))
    .collect();
    for k in ["app", "env", "note", "Name", "Besitzer", "nokey"] {
        keys.push(GroupKey::Tag(k.into()));
    }
    for key in &keys {
        for idx in [&all, &some] {
            assert_eq!(
                group_by(&ctx, idx, key),
                reference_groups(&ctx, idx, key),
                "{key:?}"
            );
        }
    }
}

#[test]
fn catalog_by_ids_equals_string_count() {
    let e = awkward_estate();
    let ctx = Context::new(&e);
    let some: Vec<usize> = (0..e.resources.len() + 2).filter(|i| i % 3 != 0).collect();
    let mut want = TagCatalog::default();
    for r in some.iter().filter_map(|&i| e.resources.get(i)) {
        for (k, v) in &r.tags {
            let s = want.keys.entry(k.clone()).or_default();
            s.count += 1;
            *s.values.entry(v.clone()).or_insert(0) += 1;
        }
    }
    assert_eq!(tag_catalog(&ctx, &some).keys, want.keys);
    assert!(tag_catalog(&ctx, &[]).keys.is_empty());
}

fn natural_key_order(a: &str, b: &str) -> std::cmp::Ordering {
    let (mut ka, mut kb) = (Vec::new(), Vec::new());
    super::columns::natural_key(a, &mut ka);
    super::columns::natural_key(b, &mut kb);
    ka.cmp(&kb).then_with(|| a.cmp(b))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn natural_keys_order_as_natural_cmp(
        a in "[0-9a-zA-Z_./ -]{0,6}[0-9é]{0,12}[a-zA-Z0-9:]{0,3}",
        b in "[0-9a-zA-Z_./ -]{0,6}[0-9é]{0,12}[a-zA-Z0-9:]{0,3}",
    ) {
        prop_assert_eq!(natural_key_order(&a, &b), natural_cmp(&a, &b), "{:?} {:?}", a, b);
    }
}

#[test]
fn natural_keys_on_the_tricky_cases() {
    for (a, b) in [
        ("web-2", "web-10"),
        ("web-02", "web-2"),
        ("web-0", "web-000"),
        ("a1", "a"),
        ("a1", "a/"),
        ("a1", "a:"),
        ("A10b", "a10B"),
        ("x9", "x10y"),
        ("", "0"),
    ] {
        assert_eq!(natural_key_order(a, b), natural_cmp(a, b), "{a} {b}");
        assert_eq!(natural_key_order(b, a), natural_cmp(b, a), "{b} {a}");
    }
}
