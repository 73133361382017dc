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
