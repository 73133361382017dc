//! Unit tests of the network layout's reading of the model: what is drawn
//! where follows the descriptors' `draw` and the resources' edges, and the
//! texts come from fields and labels.

use super::*;
use crate::model::{CallerIdentity, Edge, Rel, Source, SourceKind, kinds};

const ACCT: &str = "100000000000";
const REGION: &str = "eu-west-1";

fn estate(resources: Vec<Resource>) -> Estate {
    let mut e = Estate::new(
        "2026-11-27T12:00:00Z".into(),
        Source {
            aggregator: None,
            kind: SourceKind::Demo,
            profile: None,
            label: "test".into(),
        },
        CallerIdentity {
            account_id: ACCT.into(),
            arn: "arn".into(),
            user_id: "x".into(),
        },
    );
    e.resources = resources;
    e
}

fn vpc(id: &str) -> Resource {
    Resource::new(kinds::VPC, ACCT, REGION, id)
        .with("cidr", "10.0.0.0/16")
        .with(
            "cidr_blocks",
            vec!["10.0.0.0/16".to_string(), "10.1.0.0/16".into()],
        )
        .with("is_default", false)
}

fn subnet(id: &str, vpc_id: &str, az: &str, public: bool) -> Resource {
    Resource::new(kinds::SUBNET, ACCT, REGION, id)
        .with_edge(Edge::new(Rel::InVpc, kinds::VPC, vpc_id))
        .with("cidr", "10.0.1.0/24")
        .with("az", az)
        .with("public", public)
}

fn instance(id: &str, vpc_id: Option<&str>, subnet_id: Option<&str>, itype: &str) -> Resource {
    let mut r = Resource::new(kinds::INSTANCE, ACCT, REGION, id)
        .with("instance_type", itype)
        .with("state", "running")
        .with("private_ip", "10.0.1.10")
        .with("az", "eu-west-1a")
        .with_edge(Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, "sg-1").named("web"));
    if let Some(v) = vpc_id {
        r = r.with_edge(Edge::new(Rel::InVpc, kinds::VPC, v));
    }
    if let Some(s) = subnet_id {
        r = r.with_edge(Edge::new(Rel::InSubnet, kinds::SUBNET, s));
    }
    r
}

fn scene(e: &Estate, opts: &NetworkOptions) -> Scene {
    let all: Vec<usize> = (0..e.resources.len()).collect();
    network_scene(e, &all, opts)
}

/// The id of the box drawn around the box with id `id`.
fn parent_of<'s>(s: &'s Scene, id: &str) -> &'s str {
    let n = s.find(id).unwrap_or_else(|| panic!("{id} not drawn"));
    let p = n.parent.unwrap_or_else(|| panic!("{id} has no parent"));
    &s.nodes[p].id
}

#[test]
fn account_wide_resources_show_their_account_and_no_global_region() {
    let role = Resource::new(kinds::IAM_ROLE, ACCT, "global", "role/r");
    let e = estate(vec![vpc("vpc-1"), role.clone()]);
    let s = scene(&e, &NetworkOptions::default());
    assert!(s.find(&format!("{ACCT}/{REGION}")).is_some());
    assert!(s.find(&format!("{ACCT}/global")).is_none());
    // A role alone still frames its account.
    let e = estate(vec![role]);
    let s = scene(&e, &NetworkOptions::default());
    assert!(s.find(&format!("{ACCT}/global")).is_none());
    assert!(
        s.nodes.iter().any(|n| n.id.contains(ACCT)),
        "{:?}",
        s.nodes.iter().map(|n| &n.id).collect::<Vec<_>>()
    );
}

#[test]
fn nodes_sit_in_their_subnet_else_their_vpc_else_their_region() {
    let e = estate(vec![
        vpc("vpc-1"),
        subnet("subnet-pub", "vpc-1", "eu-west-1b", true),
        subnet("subnet-priv", "vpc-1", "eu-west-1a", false),
        instance("i-in", Some("vpc-1"), Some("subnet-priv"), "t3.micro"),
        // Its subnet was not collected: the VPC's "(no subnet)" box.
        instance("i-lost", Some("vpc-1"), Some("subnet-gone"), "t3.micro"),
        instance("i-bare", None, None, "t3.micro"),
        Resource::new(kinds::VOLUME, ACCT, REGION, "vol-1").with_edge(Edge::new(
            Rel::AttachedTo,
            kinds::INSTANCE,
            "i-in",
        )),
        Resource::new(kinds::SECURITY_GROUP, ACCT, REGION, "sg-1").with_edge(Edge::new(
            Rel::InVpc,
            kinds::VPC,
            "vpc-1",
        )),
    ]);
    let s = scene(&e, &NetworkOptions::default());
    assert_eq!(parent_of(&s, "i-in"), "subnet-priv");
    assert_eq!(parent_of(&s, "i-lost"), "vpc-1/no-subnet");
    assert_eq!(parent_of(&s, "vpc-1/no-subnet"), "vpc-1");
    // (The synthetic subnet of "no VPC" is `/no-subnet`, as it always was.)
    assert_eq!(parent_of(&s, "i-bare"), "/no-subnet");
    assert_eq!(parent_of(&s, "/no-subnet"), "100000000000/eu-west-1/no-vpc");
    assert_eq!(parent_of(&s, "subnet-pub"), "vpc-1");
    assert_eq!(parent_of(&s, "vpc-1"), "100000000000/eu-west-1");
    // Hidden kinds are not boxes.
    assert!(s.find("vol-1").is_none() && s.find("sg-1").is_none());
    let kind_of = |id: &str| s.find(id).map(|n| n.kind);
    assert_eq!(kind_of("vpc-1"), Some(NodeKind::Vpc));
    assert_eq!(kind_of("subnet-pub"), Some(NodeKind::Subnet));
    assert_eq!(kind_of("i-in"), Some(NodeKind::Instance));

    // Public tier first: the public subnet is drawn before the private one
    // although its AZ sorts later.
    let at = |id: &str| s.nodes.iter().position(|n| n.id == id).expect(id);
    assert!(at("subnet-pub") < at("subnet-priv"));
    let texts = |id: &str| -> Vec<String> {
        s.find(id)
            .expect(id)
            .labels
            .iter()
            .map(|l| l.text.clone())
            .collect()
    };
    assert_eq!(texts("subnet-pub")[1], "10.0.1.0/24 · eu-west-1b · public");
    assert_eq!(
        texts("subnet-priv")[1],
        "10.0.1.0/24 · eu-west-1a · private"
    );
    assert_eq!(texts("vpc-1")[1], "vpc-1 · 10.0.0.0/16, 10.1.0.0/16");
}

#[test]
fn a_glyph_reads_its_fields_and_edges() {
    let e = estate(vec![
        vpc("vpc-1"),
        subnet("subnet-1", "vpc-1", "eu-west-1a", false),
        instance("i-1", Some("vpc-1"), Some("subnet-1"), "m5.large"),
    ]);
    let s = scene(&e, &NetworkOptions::default());
    let n = s.find("i-1").expect("drawn");
    assert_eq!(n.labels[1].text, "m5.large · running");
    assert_eq!(
        n.details,
        [
            "i-1",
            "i-1 · m5.large · running",
            "Private IP 10.0.1.10",
            "AZ eu-west-1a",
            "Security groups: sg-1 (web)",
        ]
    );
    assert!(!n.style.dashed, "running is drawn solid");
}

#[test]
fn a_crowded_subnet_counts_nodes_by_their_first_facet() {
    let mut resources = vec![
        vpc("vpc-1"),
        subnet("subnet-1", "vpc-1", "eu-west-1a", false),
    ];
    for (i, itype) in ["t3.micro", "m5.large", "t3.micro"].iter().enumerate() {
        resources.push(instance(
            &format!("i-{i}"),
            Some("vpc-1"),
            Some("subnet-1"),
            itype,
        ));
    }
    let e = estate(resources);
    let opts = NetworkOptions {
        aggregate_above: 2,
        ..NetworkOptions::default()
    };
    let s = scene(&e, &opts);
    assert!(s.find("i-0").is_none(), "aggregated, not drawn one by one");
    let texts: Vec<&str> = s
        .find("subnet-1")
        .expect("subnet")
        .labels
        .iter()
        .map(|l| l.text.as_str())
        .collect();
    assert_eq!(
        texts[2..],
        ["3 instances", "2 × t3.micro", "1 × m5.large", "3 running"]
    );
}

#[test]
fn the_legend_names_the_drawn_kinds_by_their_labels() {
    let s = scene(&estate(vec![]), &NetworkOptions::default());
    let legend: Vec<&str> = s.legend.iter().map(|l| l.label.text.as_str()).collect();
    assert_eq!(
        legend,
        [
            "Account",
            "Region",
            "VPC",
            "VPC (collapsed summary)",
            "Public subnet",
            "Private subnet",
            "Instance (running)",
            "Instance (not running)",
        ]
    );
}

#[test]
fn a_node_without_a_network_sits_with_what_it_is_attached_to() {
    let e = estate(vec![
        vpc("vpc-1"),
        subnet("subnet-pub", "vpc-1", "eu-west-1b", true),
        instance("i-host", Some("vpc-1"), Some("subnet-pub"), "t3.micro"),
        // No VPC or subnet of its own, attached to i-host: drawn beside it.
        instance("i-rider", None, None, "t3.nano").with_edge(Edge::new(
            Rel::AttachedTo,
            kinds::INSTANCE,
            "i-host",
        )),
        // Attached to something that was not collected: the region's
        // "no VPC" box, as any node without a network.
        instance("i-stray", None, None, "t3.nano").with_edge(Edge::new(
            Rel::AttachedTo,
            kinds::INSTANCE,
            "i-gone",
        )),
    ]);
    let s = scene(&e, &NetworkOptions::default());
    assert_eq!(parent_of(&s, "i-rider"), "subnet-pub");
    assert_eq!(parent_of(&s, "i-stray"), "/no-subnet");
    let subtitle = &s.texts[1].text;
    assert!(subtitle.contains("3 instances in 1 VPCs"), "{subtitle}");
}

// ---------------------------------------------------------------------------
// The wiring: gateways, NAT, load balancers, peering, Transit Gateways.

use crate::model::{Account, AccountStatus, Tags};

const NET: &str = "200000000000";
const FAR: &str = "999999999999";

fn account(id: &str, name: &str) -> Account {
    Account {
        id: id.into(),
        name: name.into(),
        email: format!("{name}@example.com"),
        status: AccountStatus::Active,
        ou_path: vec![],
        parent_id: "r-1".into(),
        tags: Tags::new(),
        scps: vec![],
        is_management: false,
    }
}

fn vpc_in(account: &str, id: &str) -> Resource {
    let mut r = vpc(id);
    r.account_id = account.into();
    r
}

fn in_vpc(r: Resource, vpc_id: &str) -> Resource {
    r.with_edge(Edge::new(Rel::InVpc, kinds::VPC, vpc_id))
}

fn in_subnet(r: Resource, subnet_id: &str) -> Resource {
    r.with_edge(Edge::new(Rel::InSubnet, kinds::SUBNET, subnet_id))
}

fn named(mut r: Resource, name: &str) -> Resource {
    r.name = Some(name.into());
    r
}

/// A VPC with an internet and an egress-only gateway, an S3 gateway
/// endpoint, an interface endpoint, a NAT gateway, and an application load
/// balancer in two public subnets forwarding HTTPS:443 to two instances
/// (one unhealthy) and an IP target.
fn wired_vpc() -> Vec<Resource> {
    vec![
        named(vpc("vpc-1"), "shop"),
        subnet("subnet-pub-a", "vpc-1", "eu-west-1a", true),
        subnet("subnet-pub-b", "vpc-1", "eu-west-1b", true),
        subnet("subnet-app", "vpc-1", "eu-west-1a", false),
        instance("i-web1", Some("vpc-1"), Some("subnet-app"), "t3.small"),
        instance("i-web2", Some("vpc-1"), Some("subnet-app"), "t3.small"),
        instance("i-lonely", Some("vpc-1"), Some("subnet-app"), "t3.small"),
        named(
            in_vpc(
                Resource::new(kinds::INTERNET_GATEWAY, ACCT, REGION, "igw-1"),
                "vpc-1",
            )
            .with("state", "attached"),
            "shop-igw",
        ),
        in_vpc(
            Resource::new(kinds::EGRESS_ONLY_INTERNET_GATEWAY, ACCT, REGION, "eigw-1"),
            "vpc-1",
        )
        .with("state", "attached"),
        in_vpc(
            Resource::new(kinds::VPC_ENDPOINT, ACCT, REGION, "vpce-s3"),
            "vpc-1",
        )
        .with("service_name", "com.amazonaws.eu-west-1.s3")
        .with("endpoint_type", "Gateway")
        .with("state", "available"),
        in_subnet(
            in_vpc(
                Resource::new(kinds::VPC_ENDPOINT, ACCT, REGION, "vpce-ssm"),
                "vpc-1",
            ),
            "subnet-app",
        )
        .with("service_name", "com.amazonaws.eu-west-1.ssm")
        .with("endpoint_type", "Interface")
        .with("state", "available"),
        in_subnet(
            in_vpc(
                Resource::new(kinds::NAT_GATEWAY, ACCT, REGION, "nat-1"),
                "vpc-1",
            ),
            "subnet-pub-a",
        )
        .with("connectivity", "public")
        .with("state", "available")
        .with("public_ip", "52.0.0.1"),
        named(
            in_subnet(
                in_subnet(
                    in_vpc(
                        Resource::new(kinds::LOAD_BALANCER, ACCT, REGION, "app/web/abc"),
                        "vpc-1",
                    ),
                    "subnet-pub-a",
                ),
                "subnet-pub-b",
            )
            .with("lb_type", "application")
            .with("scheme", "internet-facing")
            .with("state", "active"),
            "web",
        ),
        Resource::new(kinds::LISTENER, ACCT, REGION, "app/web/abc/l1")
            .with("protocol", "HTTPS")
            .with("port", "443")
            .with("action", "forward")
            .with_edge(
                Edge::new(Rel::AttachedTo, kinds::LOAD_BALANCER, "app/web/abc").attr("port", "443"),
            )
            .with_edge(Edge::new(Rel::Targets, kinds::TARGET_GROUP, "web-tg/1").named("web-tg")),
        in_vpc(
            Resource::new(kinds::TARGET_GROUP, ACCT, REGION, "web-tg/1"),
            "vpc-1",
        )
        .with("protocol", "HTTP")
        .with("port", "80")
        .with_edge(Edge::new(
            Rel::AttachedTo,
            kinds::LOAD_BALANCER,
            "app/web/abc",
        ))
        .with_edge(
            Edge::new(Rel::Targets, kinds::INSTANCE, "i-web1")
                .attr("port", "80")
                .attr("health", "healthy"),
        )
        .with_edge(
            Edge::new(Rel::Targets, kinds::INSTANCE, "i-web2")
                .attr("port", "80")
                .attr("health", "unhealthy"),
        )
        .with_edge(Edge {
            kind: None,
            ..Edge::new(Rel::Targets, kinds::INSTANCE, "10.0.9.9")
                .attr("port", "80")
                .attr("health", "healthy")
        }),
    ]
}

fn peering(account: &str, id: &str, requester: (&str, &str), accepter: (&str, &str)) -> Resource {
    let end = |(acct, vpc_id): (&str, &str), side: &str| {
        let e = Edge::new(Rel::PeersWith, kinds::VPC, vpc_id).attr("side", side);
        if acct == account {
            e
        } else {
            e.in_account(acct).in_region("us-east-1")
        }
    };
    Resource::new(kinds::VPC_PEERING_CONNECTION, account, REGION, id)
        .with("status", "active")
        .with_edge(end(requester, "requester"))
        .with_edge(end(accepter, "accepter"))
}

fn tgw(account: &str, id: &str, owner: &str) -> Resource {
    named(
        Resource::new(kinds::TRANSIT_GATEWAY, account, REGION, id)
            .with("state", "available")
            .with("asn", "64512")
            .with("owner", owner),
        "core",
    )
}

/// An attachment of `vpc_id` (owned by `vpc_owner`) to `tgw_id` (owned by
/// `tgw_owner`), as account `listed_by` lists it.
fn attachment(
    listed_by: &str,
    id: &str,
    tgw_id: &str,
    tgw_owner: &str,
    vpc_id: &str,
    vpc_owner: &str,
) -> Resource {
    let mut to_tgw = Edge::new(Rel::AttachedTo, kinds::TRANSIT_GATEWAY, tgw_id);
    if tgw_owner != listed_by {
        to_tgw = to_tgw.in_account(tgw_owner);
    }
    let mut to_vpc = Edge::new(Rel::InVpc, kinds::VPC, vpc_id);
    if vpc_owner != listed_by {
        to_vpc = to_vpc.in_account(vpc_owner);
    }
    Resource::new(kinds::TRANSIT_GATEWAY_ATTACHMENT, listed_by, REGION, id)
        .with("resource_type", "vpc")
        .with("state", "available")
        .with("resource_id", vpc_id)
        .with_edge(to_tgw)
        .with_edge(to_vpc)
}

/// Index of the box with id `id`.
fn at(s: &Scene, id: &str) -> usize {
    s.nodes
        .iter()
        .position(|n| n.id == id)
        .unwrap_or_else(|| panic!("{id} not drawn"))
}

fn ancestors(s: &Scene, mut i: usize) -> Vec<usize> {
    let mut out = vec![];
    while let Some(p) = s.nodes[i].parent {
        out.push(p);
        i = p;
    }
    out
}

/// The layout's guarantees, for every box of `s`: no two boxes overlap
/// unless one contains the other; every box lies inside its parent, except
/// a gateway, which straddles its VPC's top edge (its centre on the edge,
/// within the VPC's width, clear of the VPC's header text) and lies inside
/// the VPC's own parent; every label fits its box; every styled connector
/// starts on its first box's border and ends on its second's, inside the
/// picture.
fn assert_tidy(s: &Scene) {
    let anc: Vec<Vec<usize>> = (0..s.nodes.len()).map(|i| ancestors(s, i)).collect();
    for i in 0..s.nodes.len() {
        for j in i + 1..s.nodes.len() {
            let related = anc[i].contains(&j) || anc[j].contains(&i);
            let (a, b) = (&s.nodes[i], &s.nodes[j]);
            assert!(
                related || !a.rect.overlaps(&b.rect),
                "{} {:?} overlaps {} {:?}",
                a.id,
                a.rect,
                b.id,
                b.rect
            );
        }
    }
    for n in &s.nodes {
        let Some(p) = n.parent else { continue };
        let parent = &s.nodes[p];
        if n.kind == NodeKind::Gateway {
            assert_eq!(parent.kind, NodeKind::Vpc, "{} is on a VPC", n.id);
            assert!(
                (n.rect.center().y - parent.rect.y).abs() < 0.6,
                "{} {:?} straddles {:?}",
                n.id,
                n.rect,
                parent.rect
            );
            assert!(n.rect.x >= parent.rect.x && n.rect.right() <= parent.rect.right());
            let grand = parent.parent.expect("a VPC has a region");
            assert!(
                s.nodes[grand].rect.contains_rect(&n.rect),
                "{} in region",
                n.id
            );
            for l in &parent.labels {
                assert!(
                    !l.backdrop().overlaps(&n.rect),
                    "{} covers {:?} of {}",
                    n.id,
                    l.text,
                    parent.id
                );
            }
        } else {
            assert!(
                parent.rect.contains_rect(&n.rect),
                "{} {:?} not inside {} {:?}",
                n.id,
                n.rect,
                parent.id,
                parent.rect
            );
        }
    }
    for n in &s.nodes {
        for l in &n.labels {
            assert!(
                l.x >= n.rect.x && l.x + l.width <= n.rect.right() + 0.01,
                "{:?} wider than {}",
                l.text,
                n.id
            );
            assert!(
                l.y - l.size * 0.8 >= n.rect.y && l.y <= n.rect.bottom(),
                "{:?} outside {} vertically",
                l.text,
                n.id
            );
        }
    }
    let on_border = |p: &super::super::Point, r: &Rect| {
        let near = |a: f32, b: f32| (a - b).abs() < 0.6;
        let within = |v: f32, lo: f32, hi: f32| v >= lo - 0.6 && v <= hi + 0.6;
        (within(p.x, r.x, r.right()) && (near(p.y, r.y) || near(p.y, r.bottom())))
            || (within(p.y, r.y, r.bottom()) && (near(p.x, r.x) || near(p.x, r.right())))
    };
    for e in s.edges.iter().filter(|e| e.kind.is_styled()) {
        let (Some(first), Some(last)) = (e.points.first(), e.points.last()) else {
            panic!("edge {} → {} has no points", e.from, e.to);
        };
        let from = s.find(&e.from).expect("from is drawn");
        let to = s.find(&e.to).expect("to is drawn");
        assert!(
            on_border(first, &from.rect),
            "{} starts on {}",
            e.to,
            e.from
        );
        assert!(on_border(last, &to.rect), "{} ends on {}", e.from, e.to);
        for p in &e.points {
            assert!(p.x >= 0.0 && p.x <= s.width && p.y >= 0.0 && p.y <= s.height);
        }
    }
}

fn edges_of(s: &Scene, kind: EdgeKind) -> Vec<&super::super::Edge> {
    s.edges.iter().filter(|e| e.kind == kind).collect()
}

fn labels(s: &Scene, id: &str) -> Vec<String> {
    s.nodes[at(s, id)]
        .labels
        .iter()
        .map(|l| l.text.clone())
        .collect()
}

#[test]
fn gateways_straddle_their_vpc_and_nat_endpoints_and_load_balancers_sit_in_subnets() {
    let e = estate(wired_vpc());
    let s = scene(&e, &NetworkOptions::default());
    assert_tidy(&s);
    for gw in ["igw-1", "eigw-1", "vpce-s3"] {
        let n = &s.nodes[at(&s, gw)];
        assert_eq!(n.kind, NodeKind::Gateway, "{gw}");
        assert_eq!(parent_of(&s, gw), "vpc-1");
    }
    assert_eq!(labels(&s, "igw-1"), ["IGW shop-igw", "attached"]);
    assert_eq!(labels(&s, "vpce-s3"), ["VPCE vpce-s3", "s3 · available"]);
    assert_eq!(parent_of(&s, "nat-1"), "subnet-pub-a");
    assert_eq!(labels(&s, "nat-1"), ["NAT nat-1", "public · available"]);
    assert!(!s.nodes[at(&s, "nat-1")].style.dashed, "available is up");
    assert_eq!(parent_of(&s, "vpce-ssm"), "subnet-app");
    assert_eq!(labels(&s, "vpce-ssm")[1], "ssm · available");
    // A load balancer in several subnets sits in its first; the others
    // are in its details with its listeners and every target.
    assert_eq!(parent_of(&s, "app/web/abc"), "subnet-pub-a");
    let lb = &s.nodes[at(&s, "app/web/abc")].details;
    assert!(
        lb.contains(&"Subnets: subnet-pub-a, subnet-pub-b".to_string()),
        "{lb:?}"
    );
    assert!(
        lb.contains(&"Listeners: HTTPS:443 → web-tg".to_string()),
        "{lb:?}"
    );
    assert!(
        lb.iter()
            .any(|d| d.starts_with("Targets:") && d.contains("10.0.9.9:80 (healthy)")),
        "{lb:?}"
    );

    // An arrow to each target instance, none to the unregistered one;
    // the listener labels one arrow, the unhealthy target says so.
    let arrows = edges_of(&s, EdgeKind::Target);
    let mut to: Vec<&str> = arrows.iter().map(|e| e.to.as_str()).collect();
    to.sort();
    assert_eq!(to, ["i-web1", "i-web2"]);
    assert!(arrows.iter().all(|e| e.from == "app/web/abc"));
    let texts: Vec<&str> = arrows
        .iter()
        .filter_map(|e| e.label.as_ref().map(|l| l.text.as_str()))
        .collect();
    assert!(texts.contains(&"HTTPS:443"), "{texts:?}");
    assert!(texts.contains(&"HTTPS:443 · unhealthy"), "{texts:?}");

    let legend: Vec<&str> = s.legend.iter().map(|l| l.label.text.as_str()).collect();
    for want in [
        "IGW: Internet gateway (on its VPC's border)",
        "NAT: NAT gateway",
        "ELB: Load balancer",
        "VPCE: VPC endpoint",
        "Load balancer → target",
    ] {
        assert!(legend.contains(&want), "{want} in {legend:?}");
    }
    let line = s
        .legend
        .iter()
        .find(|l| l.label.text == "Load balancer → target")
        .expect("legend");
    assert_eq!(line.line, Some(EdgeKind::Target));
}

#[test]
fn a_target_in_an_aggregated_subnet_gets_one_arrow_to_its_subnet() {
    let e = estate(wired_vpc());
    let opts = NetworkOptions {
        aggregate_above: 2,
        ..NetworkOptions::default()
    };
    let s = scene(&e, &opts);
    let arrows = edges_of(&s, EdgeKind::Target);
    assert_eq!(arrows.len(), 1, "{arrows:?}");
    assert_eq!(arrows[0].to, "subnet-app");
    assert_eq!(
        arrows[0].label.as_ref().map(|l| l.text.as_str()),
        Some("× 2 targets")
    );
    assert_tidy(&s);
}

#[test]
fn a_peering_to_a_vpc_outside_the_scope_keeps_its_far_end_as_a_stub() {
    let mut resources = vec![
        vpc("vpc-1"),
        named(
            peering(ACCT, "pcx-1", (ACCT, "vpc-1"), (FAR, "vpc-far")),
            "to-vendor",
        ),
    ];
    resources.push(peering(ACCT, "pcx-2", (ACCT, "vpc-1"), (ACCT, "vpc-2")));
    resources.push(vpc("vpc-2"));
    let mut e = estate(resources);
    e.accounts = vec![account(ACCT, "shop")];
    let s = scene(&e, &NetworkOptions::default());
    assert_tidy(&s);
    let stub = &s.nodes[at(&s, "vpc-far")];
    assert_eq!(stub.kind, NodeKind::External);
    assert_eq!(parent_of(&s, "vpc-far"), "outside");
    assert_eq!(
        labels(&s, "vpc-far"),
        [
            "vpc-far",
            "account 999999999999 · us-east-1",
            "VPC not collected · not in the org"
        ]
    );
    let peerings = edges_of(&s, EdgeKind::Peering);
    assert_eq!(peerings.len(), 2);
    assert!(peerings.iter().any(|e| e.from == "vpc-1"
        && e.to == "vpc-far"
        && e.label.as_ref().map(|l| l.text.as_str()) == Some("to-vendor")));
    assert!(
        peerings
            .iter()
            .any(|e| e.from == "vpc-1" && e.to == "vpc-2")
    );
    let details = &s.nodes[at(&s, "vpc-1")].details;
    assert!(
        details
            .iter()
            .any(|d| d.starts_with("Peering to-vendor with vpc-far")),
        "{details:?}"
    );

    // Scoped to a peering alone: it brings its account's VPCs.
    let pcx = e
        .resources
        .iter()
        .position(|r| r.id == "pcx-2")
        .expect("pcx-2");
    let s = network_scene(&e, &[pcx], &NetworkOptions::default());
    assert!(s.find("vpc-1").is_some_and(|n| n.kind == NodeKind::Vpc));
    assert!(s.find("vpc-2").is_some_and(|n| n.kind == NodeKind::Vpc));
    assert_eq!(edges_of(&s, EdgeKind::Peering).len(), 1);
}

#[test]
fn a_cross_account_peering_listed_by_both_accounts_is_drawn_once() {
    let mut far_vpc = vpc_in(NET, "vpc-b");
    far_vpc.region = "us-east-1".into();
    let mut far_side = peering(NET, "pcx-x", (ACCT, "vpc-a"), (NET, "vpc-b"));
    far_side.region = "us-east-1".into();
    let e = estate(vec![
        vpc("vpc-a"),
        far_vpc,
        peering(ACCT, "pcx-x", (ACCT, "vpc-a"), (NET, "vpc-b")),
        far_side,
    ]);
    let s = scene(&e, &NetworkOptions::default());
    assert_tidy(&s);
    let peerings = edges_of(&s, EdgeKind::Peering);
    assert_eq!(peerings.len(), 1, "{peerings:?}");
    assert!(s.find("outside").is_none(), "both ends are drawn");
    // Across accounts and regions.
    assert_eq!(parent_of(&s, "vpc-b"), "200000000000/us-east-1");

    // Scoped to the first account: the far VPC, collected but outside the
    // scope, is a stub that says so.
    let scope: Vec<usize> = (0..e.resources.len())
        .filter(|&i| e.resources[i].account_id == ACCT)
        .collect();
    let s = network_scene(&e, &scope, &NetworkOptions::default());
    assert_tidy(&s);
    assert_eq!(s.nodes[at(&s, "vpc-b")].kind, NodeKind::External);
    assert_eq!(
        labels(&s, "vpc-b")[1..],
        ["account 200000000000 · us-east-1", "VPC not in this scope"]
    );
    assert_eq!(edges_of(&s, EdgeKind::Peering).len(), 1);
}

/// A network account owning a Transit Gateway shared with a workload
/// account whose two VPCs attach to it; both accounts list both
/// attachments, and the workload account lists the shared gateway too.
fn hub_and_spokes() -> Estate {
    let mut resources = vec![
        tgw(NET, "tgw-1", NET),
        tgw(ACCT, "tgw-1", NET),
        vpc_in(NET, "vpc-inspect"),
        attachment(NET, "tgw-attach-0", "tgw-1", NET, "vpc-inspect", NET),
    ];
    for (i, v) in ["vpc-a", "vpc-b"].iter().enumerate() {
        resources.push(vpc(v));
        for listed_by in [ACCT, NET] {
            resources.push(attachment(
                listed_by,
                &format!("tgw-attach-{}", i + 1),
                "tgw-1",
                NET,
                v,
                ACCT,
            ));
        }
    }
    let mut e = estate(resources);
    e.accounts = vec![account(ACCT, "workload"), account(NET, "network")];
    e
}

#[test]
fn a_transit_gateway_is_a_hub_in_its_owner_account_with_one_spoke_per_attachment() {
    let e = hub_and_spokes();
    let s = scene(&e, &NetworkOptions::default());
    assert_tidy(&s);
    let hubs: Vec<&Node> = s.nodes.iter().filter(|n| n.kind == NodeKind::Hub).collect();
    assert_eq!(hubs.len(), 1, "the shared copy is the same hub");
    assert_eq!(parent_of(&s, "tgw-1"), "200000000000/eu-west-1");
    assert_eq!(
        labels(&s, "tgw-1"),
        ["TGW core", "tgw-1 · ASN 64512", "3 VPC attachments"]
    );
    let spokes = edges_of(&s, EdgeKind::Spoke);
    let mut from: Vec<&str> = spokes.iter().map(|e| e.from.as_str()).collect();
    from.sort();
    assert_eq!(
        from,
        ["vpc-a", "vpc-b", "vpc-inspect"],
        "one spoke per attachment id"
    );
    assert!(spokes.iter().all(|e| e.to == "tgw-1"));
    // The workload's spokes cross from its account box into the network's.
    let account_of = |id: &str| {
        let i = at(&s, id);
        ancestors(&s, i)
            .into_iter()
            .map(|a| s.nodes[a].id.clone())
            .next_back()
            .expect("in an account")
    };
    assert_eq!(account_of("vpc-a"), ACCT);
    assert_eq!(account_of("tgw-1"), NET);
    assert!(
        s.nodes[at(&s, "vpc-a")]
            .details
            .iter()
            .any(|d| d == "Transit Gateway attachment tgw-attach-1 to core (tgw-1) · available"),
        "{:?}",
        s.nodes[at(&s, "vpc-a")].details
    );
    let legend: Vec<&str> = s.legend.iter().map(|l| l.label.text.as_str()).collect();
    assert!(legend.contains(&"TGW: Transit Gateway"), "{legend:?}");
    assert!(legend.contains(&"Transit Gateway attachment"), "{legend:?}");

    // Scoped to the workload account alone: its attachments bring the
    // hub from the network account.
    let scope: Vec<usize> = (0..e.resources.len())
        .filter(|&i| e.resources[i].account_id == ACCT)
        .collect();
    let s = network_scene(&e, &scope, &NetworkOptions::default());
    assert_tidy(&s);
    assert_eq!(parent_of(&s, "tgw-1"), "200000000000/eu-west-1");
    assert_eq!(edges_of(&s, EdgeKind::Spoke).len(), 2);
}

#[test]
fn a_transit_gateway_outside_the_estate_gets_a_stub() {
    let e = estate(vec![
        vpc("vpc-a"),
        attachment(ACCT, "tgw-attach-1", "tgw-far", FAR, "vpc-a", ACCT),
    ]);
    let s = scene(&e, &NetworkOptions::default());
    assert_tidy(&s);
    let stub = &s.nodes[at(&s, "tgw-far")];
    assert_eq!(stub.kind, NodeKind::External);
    assert_eq!(stub.labels[0].text, "TGW tgw-far");
    assert_eq!(stub.labels[2].text, "Transit Gateway not collected");
    let spokes = edges_of(&s, EdgeKind::Spoke);
    assert_eq!(spokes.len(), 1);
    assert_eq!(
        (spokes[0].from.as_str(), spokes[0].to.as_str()),
        ("vpc-a", "tgw-far")
    );
}

/// One Transit Gateway in the network account and `accounts × per` VPCs
/// attached to it, each attachment listed by both accounts.
fn big_hub(accounts: usize, per: usize) -> Estate {
    let mut resources = vec![tgw(NET, "tgw-1", NET)];
    let mut list = vec![account(NET, "network")];
    for a in 0..accounts {
        let acct = format!("3{a:011}");
        list.push(account(&acct, &format!("workload-{a:03}")));
        for v in 0..per {
            let vpc_id = format!("vpc-{a:03}-{v:02}");
            let att = format!("tgw-attach-{a:03}-{v:02}");
            resources.push(vpc_in(&acct, &vpc_id));
            resources.push(attachment(&acct, &att, "tgw-1", NET, &vpc_id, &acct));
            resources.push(attachment(NET, &att, "tgw-1", NET, &vpc_id, &acct));
        }
    }
    let mut e = estate(resources);
    e.accounts = list;
    e
}

fn spokes_drawn(s: &Scene) -> usize {
    s.edges
        .iter()
        .filter(|e| matches!(e.kind, EdgeKind::Spoke | EdgeKind::Bundle))
        .count()
}

#[test]
fn a_hub_draws_twelve_spokes_one_by_one_and_folds_the_thirteenth() {
    let s = scene(&big_hub(plan::MAX_SPOKES, 1), &NetworkOptions::default());
    assert_eq!(edges_of(&s, EdgeKind::Spoke).len(), plan::MAX_SPOKES);
    assert!(!s.nodes.iter().any(|n| n.kind == NodeKind::Gateway));
    assert_tidy(&s);
    // One more, each in its own account: folding per account would not
    // shorten the list, so every VPC is tagged instead.
    let s = scene(
        &big_hub(plan::MAX_SPOKES + 1, 1),
        &NetworkOptions::default(),
    );
    assert_eq!(spokes_drawn(&s), 0);
    let tags = s
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Gateway)
        .count();
    assert_eq!(tags, plan::MAX_SPOKES + 1);
    assert_tidy(&s);
}

#[test]
fn three_hundred_attachments_fold_into_one_spoke_per_account() {
    // 12 accounts of 25 VPCs: 300 spokes would be 12 bundles.
    let e = big_hub(12, 25);
    let s = scene(&e, &NetworkOptions::default());
    assert_tidy(&s);
    let bundles = edges_of(&s, EdgeKind::Bundle);
    assert_eq!(bundles.len(), 12);
    assert_eq!(spokes_drawn(&s), 12);
    assert!(bundles.iter().all(|e| e.to == "tgw-1"
        && e.from.ends_with("/eu-west-1")
        && e.label.as_ref().map(|l| l.text.as_str()) == Some("× 25 VPCs")));
    // A bundle stands for all its region box's VPCs: no tags needed.
    assert!(!s.nodes.iter().any(|n| n.kind == NodeKind::Gateway));
    assert_eq!(
        labels(&s, "tgw-1")[2..],
        ["300 VPC attachments", "spokes folded per account"]
    );
    // Which VPCs a bundle stands for: each VPC's hover says.
    assert!(
        s.nodes[at(&s, "vpc-003-07")]
            .details
            .iter()
            .any(|d| d.starts_with("Transit Gateway attachment tgw-attach-003-07 to core"))
    );
    // 300 VPC boxes (each ≥ 264 × 60) need room, but the page stays one a
    // PNG can hold, near the 16:9 the layout aims for.
    assert!(
        s.width < 12_000.0 && s.height < 8_000.0,
        "{} × {}",
        s.width,
        s.height
    );
}

#[test]
fn three_hundred_accounts_of_one_vpc_each_tag_every_vpc_instead_of_300_spokes() {
    let e = big_hub(300, 1);
    let s = scene(&e, &NetworkOptions::default());
    assert_eq!(spokes_drawn(&s), 0);
    let tags = s
        .nodes
        .iter()
        .filter(|n| n.kind == NodeKind::Gateway)
        .count();
    assert_eq!(tags, 300);
    assert_eq!(
        labels(&s, "tgw-1")[2..],
        ["300 VPC attachments", "300 spokes folded: VPCs tagged"]
    );
    assert_eq!(labels(&s, "tgw-attach-000-00"), ["TGW core", "available"]);
    assert!(
        s.width < 16_000.0 && s.height < 16_000.0,
        "{} × {}",
        s.width,
        s.height
    );
    assert_tidy(&s);
}

#[test]
fn three_hundred_attachments_outside_the_scope_fold_into_few_stubs() {
    // Scoped to the network account: its TGW and the 300 attachments it
    // lists, whose VPCs are in other accounts, outside the scope.
    for (accounts, per, stubs) in [(4, 2, 8), (6, 50, 6), (30, 10, 1)] {
        let e = big_hub(accounts, per);
        let scope: Vec<usize> = (0..e.resources.len())
            .filter(|&i| e.resources[i].account_id == NET)
            .collect();
        let s = network_scene(&e, &scope, &NetworkOptions::default());
        assert_tidy(&s);
        let drawn = s
            .nodes
            .iter()
            .filter(|n| n.kind == NodeKind::External)
            .count();
        assert_eq!(drawn, stubs, "{accounts} × {per}");
        assert_eq!(spokes_drawn(&s), stubs);
        assert!(
            s.width < 3_000.0 && s.height < 2_000.0,
            "{} × {}",
            s.width,
            s.height
        );
    }
    let e = big_hub(30, 10);
    let scope: Vec<usize> = (0..e.resources.len())
        .filter(|&i| e.resources[i].account_id == NET)
        .collect();
    let s = network_scene(&e, &scope, &NetworkOptions::default());
    assert_eq!(labels(&s, "tgw-1/outside")[0], "300 VPCs in 30 accounts");
    assert_eq!(
        edges_of(&s, EdgeKind::Bundle)[0]
            .label
            .as_ref()
            .map(|l| l.text.as_str()),
        Some("× 300 VPCs")
    );
}

#[test]
fn the_svg_draws_connectors_with_their_labels_escaped() {
    let mut resources = wired_vpc();
    resources.push(named(
        peering(ACCT, "pcx-1", (ACCT, "vpc-1"), (FAR, "vpc-<&>")),
        "<&> peer",
    ));
    if let Some(igw) = resources.iter_mut().find(|r| r.id == "igw-1") {
        igw.name = Some("gw <&> \"x\"".into());
    }
    let e = estate(resources);
    let s = scene(&e, &NetworkOptions::default());
    let svg = crate::diagram::to_svg(&s);
    assert!(svg.contains("&lt;&amp;&gt; peer"), "escaped edge label");
    assert!(!svg.contains("<&>"));
    let doc = roxmltree::Document::parse(&svg).expect("well-formed");
    let texts: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect();
    for want in [
        "<&> peer",
        "IGW gw <&> \"x\"",
        "HTTPS:443",
        "NAT nat-1",
        "VPCE vpce-s3",
    ] {
        assert!(texts.contains(&want), "{want} in the SVG");
    }
    let edge = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("edge peering"))
        .expect("a peering group");
    assert_eq!(edge.attribute("data-to"), Some("vpc-<&>"));
    let line = edge
        .children()
        .find(|c| c.has_tag_name("polyline"))
        .expect("its line");
    assert_eq!(line.attribute("stroke-dasharray"), Some("6 4"));
    let arrow = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("edge target"))
        .and_then(|g| g.children().find(|c| c.has_tag_name("polygon")));
    assert!(arrow.is_some(), "a target has an arrowhead");
    // Containers come before the connectors, resources after them.
    let order: Vec<&str> = doc
        .root_element()
        .children()
        .filter_map(|n| n.attribute("class"))
        .collect();
    let first_edge = order
        .iter()
        .position(|c| c.starts_with("edge "))
        .expect("edges");
    let last_container = order
        .iter()
        .rposition(|c| {
            matches!(
                *c,
                "node vpc" | "node subnet" | "node region" | "node account"
            )
        })
        .expect("containers");
    let first_resource = order
        .iter()
        .position(|c| matches!(*c, "node instance" | "node gateway"))
        .expect("resources");
    assert!(
        last_container < first_edge && first_edge < first_resource,
        "{order:?}"
    );
    // And the PNG renders it.
    let png = crate::diagram::to_png(&s, 1.0).expect("renders");
    assert!(png.len() > 1000);
}

#[test]
fn a_scene_without_connectors_keeps_every_box_in_scene_order() {
    let e = estate(vec![
        vpc("vpc-1"),
        subnet("subnet-1", "vpc-1", "eu-west-1a", false),
        instance("i-1", Some("vpc-1"), Some("subnet-1"), "m5.large"),
    ]);
    let s = scene(&e, &NetworkOptions::default());
    let (under, over) = s.box_layers();
    assert_eq!(under, (0..s.nodes.len()).collect::<Vec<_>>());
    assert!(over.is_empty());
}

/// Not a check: with `ORGSCOPE_KEEP_DIAGRAMS=DIR`, writes PNGs of the
/// wiring scenes for a person to look at.
#[test]
fn keep_pictures_for_a_look() {
    let Ok(dir) = std::env::var("ORGSCOPE_KEEP_DIAGRAMS") else {
        return;
    };
    let mut wired = wired_vpc();
    wired.push(named(
        peering(ACCT, "pcx-1", (ACCT, "vpc-1"), (FAR, "vpc-far")),
        "to-vendor",
    ));
    let mut hub = hub_and_spokes();
    hub.resources.extend(wired);
    let all = |e: &Estate| (0..e.resources.len()).collect::<Vec<_>>();
    let mut scenes = vec![(
        "net-wired".to_string(),
        network_scene(&hub, &all(&hub), &NetworkOptions::default()),
    )];
    // Hubs with n spokes, one VPC per account (the worst case: every spoke
    // to another box), and the folds; ORGSCOPE_KEEP_ONLY=text keeps the
    // names containing it.
    let only = std::env::var("ORGSCOPE_KEEP_ONLY").unwrap_or_default();
    for (accounts, per) in [
        (8, 1),
        (12, 1),
        (16, 1),
        (24, 1),
        (13, 1),
        (12, 25),
        (300, 1),
    ] {
        let name = format!("net-hub-{accounts}x{per}");
        if name.contains(&only) {
            let s = scene(&big_hub(accounts, per), &NetworkOptions::default());
            scenes.push((name, s));
        }
    }
    for (name, s) in scenes {
        let png = crate::diagram::to_png(&s, 1.0).expect("renders");
        std::fs::write(format!("{dir}/{name}.png"), png).expect("write");
        std::fs::write(format!("{dir}/{name}.svg"), crate::diagram::to_svg(&s)).expect("write");
    }
}

#[test]
fn a_bundle_says_when_it_stands_for_some_of_its_boxes_vpcs() {
    let mut e = big_hub(10, 2);
    // One more VPC in the first workload account, not attached.
    e.resources.push(vpc_in("300000000000", "vpc-spare"));
    let s = scene(&e, &NetworkOptions::default());
    let bundles = edges_of(&s, EdgeKind::Bundle);
    assert_eq!(bundles.len(), 10);
    let label = |from: &str| {
        bundles
            .iter()
            .find(|e| e.from == from)
            .and_then(|e| e.label.as_ref())
            .map(|l| l.text.clone())
    };
    assert_eq!(
        label("300000000000/eu-west-1").as_deref(),
        Some("× 2 of 3 VPCs")
    );
    assert_eq!(label("300000000001/eu-west-1").as_deref(), Some("× 2 VPCs"));
}
