//! Keys and comparison as the kind descriptors drive them — field order,
//! numbers and booleans as text, refining fields, relations compared by
//! name, `Within` and `Via` keys whose far end is missing — on small
//! estates of one account (`shop-prod` on the left, `shop-test` on the
//! right).

use super::tests::{mini, sg};
use super::*;
use crate::model::{Compare, Edge, Estate, KeyDef, Rel, Resource, kinds};

fn res(kind: Kind, id: &str, name: Option<&str>) -> Resource {
    let mut r = Resource::new(kind, "111111111111", "eu-west-1", id);
    r.name = name.map(str::to_string);
    r
}

fn shop(left: Vec<Resource>, right: Vec<Resource>, opts: &DiffOptions) -> DiffReport {
    let left = mini(left);
    let mut right = mini(right);
    right.accounts[0].name = "shop-test".into();
    let all = |e: &Estate| (0..e.resources.len()).collect::<Vec<_>>();
    diff(&left, &all(&left), &right, &all(&right), opts)
}

/// The keys of `resources`, each paired with itself.
fn keys_of(resources: Vec<Resource>, opts: &DiffOptions) -> Vec<String> {
    let e = mini(resources);
    let all: Vec<usize> = (0..e.resources.len()).collect();
    let opts = DiffOptions {
        include_same: true,
        ..opts.clone()
    };
    let rep = diff(&e, &all, &e, &all, &opts);
    rep.entries.iter().map(|x| x.key.clone()).collect()
}

type Change = (String, Option<String>, Option<String>);

fn changes_of(rep: &DiffReport, key: &str) -> Vec<Change> {
    let entry = rep
        .entries
        .iter()
        .find(|x| x.key == key)
        .unwrap_or_else(|| panic!("no entry {key} in {:?}", rep.entries));
    entry
        .changes
        .iter()
        .map(|c| (c.field.clone(), c.left.clone(), c.right.clone()))
        .collect()
}

fn change(field: &str, l: Option<&str>, r: Option<&str>) -> Change {
    (
        field.to_string(),
        l.map(str::to_string),
        r.map(str::to_string),
    )
}

#[test]
fn the_descriptors_compare_what_the_report_always_listed() {
    // Field names and order of the report, per kind, as before kinds
    // became data: compared fields in order, then compared relations.
    let listed = |k: Kind| -> Vec<&str> {
        let d = k.def();
        d.fields
            .iter()
            .filter(|f| f.compare != Compare::No)
            .map(|f| f.name)
            .chain(d.relations.iter().filter_map(|r| r.compare_as))
            .collect()
    };
    assert_eq!(
        listed(kinds::INSTANCE),
        [
            "instance_type",
            "image_id",
            "state",
            "platform",
            "internet",
            "security_groups"
        ]
    );
    assert_eq!(listed(kinds::VPC), ["cidr", "cidr_blocks"]);
    assert_eq!(listed(kinds::SUBNET), ["cidr", "public", "routing"]);
    assert_eq!(listed(kinds::SECURITY_GROUP), ["ingress", "egress"]);
    assert_eq!(
        listed(kinds::VOLUME),
        ["size_gib", "volume_type", "iops", "encrypted"]
    );
    // Every key names a field the kind has and a relation it declares,
    // towards kinds the registry knows: otherwise keys silently degrade.
    for k in Kind::all() {
        let d = k.def();
        let (field, rel) = match d.key {
            KeyDef::Name => (None, None),
            KeyDef::NameElse(f) => (Some(f), None),
            KeyDef::Within { rel, field } => (Some(field), Some(rel)),
            KeyDef::Via { rel, .. } | KeyDef::Under { rel } => (None, Some(rel)),
        };
        if let Some(f) = field {
            assert!(d.field_index(f).is_some(), "{k}: key field {f}");
        }
        if let Some(rel) = rel {
            let r = d
                .relation(rel)
                .unwrap_or_else(|| panic!("{k}: key relation {rel}"));
            assert!(r.to.iter().all(|t| Kind::all().any(|x| x.as_str() == *t)));
        }
        for r in d.relations.iter().filter(|r| r.compare_as.is_some()) {
            assert!(r.to.iter().all(|t| Kind::all().any(|x| x.as_str() == *t)));
        }
    }
}

#[test]
fn an_instance_reports_its_fields_then_its_groups_then_tags() {
    let left = res(kinds::INSTANCE, "i-1", Some("shop-prod-web-1"))
        .with("instance_type", "m5.large")
        .with("image_id", "ami-1")
        .with("state", "running")
        .with("private_ip", "10.0.0.1")
        .with_edge(Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, "sg-1").named("shop-prod-web"));
    let mut right = res(kinds::INSTANCE, "i-9", Some("shop-test-web-1"))
        .with("instance_type", "m5.xlarge")
        .with("image_id", "ami-2")
        .with("state", "stopped")
        .with("platform", "windows")
        .with("private_ip", "10.0.0.2")
        .with_edge(Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, "sg-9").named("shop-test-app"));
    right.tags.insert("owner".into(), "ops".into());
    let rep = shop(vec![left], vec![right], &DiffOptions::default());
    assert_eq!(
        changes_of(&rep, "shop/eu-west-1/shop-web-1"),
        [
            change("instance_type", Some("m5.large"), Some("m5.xlarge")),
            change("image_id", Some("ami-1"), Some("ami-2")),
            change("state", Some("running"), Some("stopped")),
            change("platform", None, Some("windows")),
            change("security_groups", Some("shop-web"), Some("shop-app")),
            change("tag:owner", None, Some("ops")),
        ]
    );
}

#[test]
fn compared_relations_name_far_ends_outside_the_estate_from_the_edge() {
    let member = |id: &str, name: Option<&str>| {
        let e = Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, id);
        match name {
            Some(n) => e.named(n),
            None => e,
        }
    };
    // No group is collected on either side: the names come from the
    // edges, and an edge without one reads as its far end's id.
    let left = res(kinds::INSTANCE, "i-1", Some("shop-prod-web-1"))
        .with_edge(member("sg-1", Some("shop-prod-web")))
        .with_edge(member("sg-2", Some("shop-prod-ssh")));
    let right = res(kinds::INSTANCE, "i-9", Some("shop-test-web-1"))
        .with_edge(member("sg-9", Some("shop-test-web")))
        .with_edge(member("sg-7", None));
    let rep = shop(vec![left], vec![right], &DiffOptions::default());
    assert_eq!(
        changes_of(&rep, "shop/eu-west-1/shop-web-1"),
        [change(
            "security_groups",
            Some("shop-ssh, shop-web"),
            Some("sg-7, shop-web")
        )]
    );
    // Different raw names, equal once normalised, in another order; a far
    // end named by no edge but collected reads as its group name, not its
    // Name tag.
    let db = sg("sg-3", "shop-prod-db", vec![]);
    let mut db_tagged = db.clone();
    db_tagged.name = Some("database".into());
    let left = res(kinds::INSTANCE, "i-1", Some("shop-prod-web-1"))
        .with_edge(member("sg-3", None))
        .with_edge(member("sg-1", Some("shop-prod-web")));
    let right = res(kinds::INSTANCE, "i-9", Some("shop-test-web-1"))
        .with_edge(member("sg-9", Some("shop-test-web")))
        .with_edge(member("sg-8", Some("shop-test-db")));
    let mut right_db = sg("sg-8", "shop-test-db", vec![]);
    right_db.tags.insert("env".into(), "test".into());
    let rep = shop(
        vec![left, db_tagged],
        vec![right, right_db],
        &DiffOptions::default(),
    );
    assert!(
        rep.entries.iter().all(|x| x.rtype != kinds::INSTANCE),
        "{:?}",
        rep.entries
    );
}

#[test]
fn a_via_key_falls_back_to_the_far_id_when_the_far_end_is_missing() {
    let attached = |to: &str, device: &str| {
        Edge::new(Rel::AttachedTo, kinds::INSTANCE, to)
            .attr("device", device)
            .attr("state", "attached")
    };
    let resources = vec![
        res(kinds::INSTANCE, "i-1", Some("shop-prod-app-1")),
        res(kinds::VOLUME, "vol-1", None).with_edge(attached("i-gone", "/dev/sdf")),
        res(kinds::VOLUME, "vol-2", Some("ignored")).with_edge(attached("i-1", "/dev/xvda")),
        res(kinds::VOLUME, "vol-3", None),
        res(kinds::VOLUME, "vol-4", Some("shop-prod-scratch")),
    ];
    assert_eq!(
        keys_of(resources.clone(), &DiffOptions::default()),
        [
            "shop/eu-west-1/shop-app-1",
            "shop/eu-west-1/i-gone:/dev/sdf",
            "shop/eu-west-1/id:vol-3",
            "shop/eu-west-1/shop-app-1:/dev/xvda",
            "shop/eu-west-1/shop-scratch",
        ]
    );
    // The far end's key is the one the user chose for its kind.
    let by_id = DiffOptions {
        keys: [(kinds::INSTANCE, MatchKey::Id)].into_iter().collect(),
        ..DiffOptions::default()
    };
    assert_eq!(
        keys_of(resources, &by_id),
        [
            "shop/eu-west-1/i-1",
            "shop/eu-west-1/i-1:/dev/xvda",
            "shop/eu-west-1/i-gone:/dev/sdf",
            "shop/eu-west-1/id:vol-3",
            "shop/eu-west-1/shop-scratch",
        ]
    );
}

#[test]
fn a_within_key_keeps_its_slash_when_the_vpc_is_absent() {
    let in_vpc = |to: &str| Edge::new(Rel::InVpc, kinds::VPC, to);
    let resources = vec![
        res(kinds::VPC, "vpc-1", None).with("cidr", "10.0.0.0/16"),
        sg("sg-1", "shop-prod-web", vec![]).with_edge(in_vpc("vpc-gone")),
        sg("sg-2", "default", vec![]).with_edge(in_vpc("vpc-1")),
        sg("sg-3", "shop-prod-lone", vec![]),
    ];
    assert_eq!(
        keys_of(resources.clone(), &DiffOptions::default()),
        [
            "shop/eu-west-1/cidr:10.0.0.0/16",
            "shop/eu-west-1//shop-lone",
            "shop/eu-west-1//shop-web",
            "shop/eu-west-1/cidr:10.0.0.0/16/default",
        ]
    );
    // The VPC part is the VPC's default key whatever key VPCs get.
    let vpc_by_id = DiffOptions {
        keys: [(kinds::VPC, MatchKey::Id)].into_iter().collect(),
        ..DiffOptions::default()
    };
    assert_eq!(
        keys_of(resources, &vpc_by_id),
        [
            "shop/eu-west-1/vpc-1",
            "shop/eu-west-1//shop-lone",
            "shop/eu-west-1//shop-web",
            "shop/eu-west-1/cidr:10.0.0.0/16/default",
        ]
    );
}

#[test]
fn numbers_and_booleans_are_reported_as_text() {
    let vol = |id: &str, name: &str, size: i64, iops: Option<i64>, enc: bool| {
        res(kinds::VOLUME, id, Some(name))
            .with("size_gib", size)
            .with("volume_type", "gp3")
            .with("iops", iops)
            .with("encrypted", enc)
    };
    let net = |id: &str, name: &str, public: bool, free: i64| {
        res(kinds::SUBNET, id, Some(name))
            .with("cidr", "10.0.1.0/24")
            .with("public", public)
            .with("available_ips", free)
    };
    let rep = shop(
        vec![
            vol("vol-1", "shop-prod-data", 100, None, true),
            net("subnet-1", "shop-prod-a", true, 250),
        ],
        vec![
            vol("vol-9", "shop-test-data", 200, Some(3000), false),
            net("subnet-9", "shop-test-a", false, 12),
        ],
        &DiffOptions::default(),
    );
    assert_eq!(
        changes_of(&rep, "shop/eu-west-1/shop-data"),
        [
            change("size_gib", Some("100"), Some("200")),
            change("iops", None, Some("3000")),
            change("encrypted", Some("true"), Some("false")),
        ]
    );
    // Free IPs are volatile: not compared.
    assert_eq!(
        changes_of(&rep, "shop/eu-west-1/shop-a"),
        [change("public", Some("true"), Some("false"))]
    );
}

#[test]
fn a_refining_field_is_reported_only_when_the_one_before_agrees() {
    let vpc = |id: &str, name: &str, cidr: &str, blocks: Option<Vec<&str>>| {
        let r = res(kinds::VPC, id, Some(name)).with("cidr", cidr);
        match blocks {
            Some(b) => r.with(
                "cidr_blocks",
                b.into_iter().map(str::to_string).collect::<Vec<_>>(),
            ),
            None => r,
        }
    };
    let rep = shop(
        vec![
            vpc(
                "vpc-1",
                "shop-prod-main",
                "10.0.0.0/16",
                Some(vec!["10.0.0.0/16", "10.1.0.0/16"]),
            ),
            vpc(
                "vpc-2",
                "shop-prod-edge",
                "10.2.0.0/16",
                Some(vec!["10.2.0.0/16"]),
            ),
            vpc("vpc-3", "shop-prod-old", "10.3.0.0/16", None),
        ],
        vec![
            vpc(
                "vpc-7",
                "shop-test-main",
                "10.0.0.0/16",
                Some(vec!["10.0.0.0/16"]),
            ),
            vpc(
                "vpc-8",
                "shop-test-edge",
                "10.4.0.0/16",
                Some(vec!["10.4.0.0/16"]),
            ),
            // No list and an empty list are the same list.
            vpc("vpc-9", "shop-test-old", "10.3.0.0/16", Some(vec![])),
        ],
        &DiffOptions::default(),
    );
    assert_eq!(
        changes_of(&rep, "shop/eu-west-1/shop-main"),
        [change(
            "cidr_blocks",
            Some("10.0.0.0/16, 10.1.0.0/16"),
            Some("10.0.0.0/16")
        )]
    );
    // The primary differs: the list's difference would say it again.
    assert_eq!(
        changes_of(&rep, "shop/eu-west-1/shop-edge"),
        [change("cidr", Some("10.2.0.0/16"), Some("10.4.0.0/16"))]
    );
    assert_eq!(rep.totals().changed, 2, "{:?}", rep.entries);
}

#[test]
fn a_compared_relation_with_no_edge_on_one_side_is_absent_not_empty() {
    let left = res(kinds::INSTANCE, "i-1", Some("shop-prod-web-1"))
        .with_edge(Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, "sg-1").named("shop-prod-web"));
    let right = res(kinds::INSTANCE, "i-9", Some("shop-test-web-1"));
    let rep = shop(vec![left], vec![right], &DiffOptions::default());
    assert_eq!(
        changes_of(&rep, "shop/eu-west-1/shop-web-1"),
        [change("security_groups", Some("shop-web"), None)]
    );
}

#[test]
fn a_normalised_list_compares_env_masked_items_and_reports_only_the_odd_ones() {
    let role = |id: &str, trust: &[&str], statements: &[&str]| {
        let list = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        res(kinds::IAM_ROLE, id, Some("ci-deploy"))
            .with("trust", list(trust))
            .with("statements", list(statements))
    };
    let same = "deploy: Allow ecs:UpdateService on *";
    let rep = shop(
        vec![role(
            "role/ci-deploy",
            &["account:network", "account:shop-prod"],
            &[
                same,
                "deploy: Allow s3:PutObject on arn:aws:s3:::shop-prod-artifacts/*",
            ],
        )],
        vec![role(
            "role/ci-deploy",
            // The twin account by its own name is the same principal; the
            // sandbox is new.
            &[
                "account:shop-test",
                "account:network",
                "account:sandbox-alice",
            ],
            &[
                "deploy: Allow s3:* on arn:aws:s3:::shop-test-artifacts/*",
                same,
            ],
        )],
        &DiffOptions::default(),
    );
    assert_eq!(
        changes_of(&rep, "shop/eu-west-1/ci-deploy"),
        [
            change("trust", None, Some("account:sandbox-alice")),
            change(
                "statements",
                Some("deploy: Allow s3:PutObject on arn:aws:s3:::shop-prod-artifacts/*"),
                Some("deploy: Allow s3:* on arn:aws:s3:::shop-test-artifacts/*")
            ),
        ]
    );
    // Case and punctuation are kept: `s3:getobject` is not `s3:GetObject`
    // once masked, but only the environment word is masked.
    let e = DiffOptions::default();
    let norm = keys::Normalizer::new(&e.env_tokens);
    assert_eq!(
        norm.mask("arn:aws:s3:::Shop-PROD-x/*"),
        "arn:aws:s3:::Shop-~-x/*"
    );
    assert_eq!(norm.mask("product-prod"), "product-~");
}

#[test]
fn a_test_role_trusting_an_outside_account_prod_does_not_is_drift() {
    let role = |trust: &[&str]| {
        res(kinds::IAM_ROLE, "role/vendor", Some("vendor")).with(
            "trust",
            trust.iter().map(|t| t.to_string()).collect::<Vec<_>>(),
        )
    };
    let rep = shop(
        vec![role(&["outside:730385160221 [ExternalId]"])],
        vec![role(&[
            "outside:730385160221 [ExternalId]",
            "outside:999988887777 [no ExternalId]",
        ])],
        &DiffOptions::default(),
    );
    assert_eq!(
        changes_of(&rep, "shop/eu-west-1/vendor"),
        [change(
            "trust",
            None,
            Some("outside:999988887777 [no ExternalId]")
        )]
    );
    // The same vendor without its ExternalId in test is drift too.
    let rep = shop(
        vec![role(&["outside:730385160221 [ExternalId]"])],
        vec![role(&["outside:730385160221 [no ExternalId]"])],
        &DiffOptions::default(),
    );
    assert_eq!(
        changes_of(&rep, "shop/eu-west-1/vendor"),
        [change(
            "trust",
            Some("outside:730385160221 [ExternalId]"),
            Some("outside:730385160221 [no ExternalId]")
        )]
    );
}
