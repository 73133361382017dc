//! Unit tests of the estate model: tree walking, the kind registry and its
//! descriptors, and the resource's file shape — round trips of every kind,
//! key order, strict reading, and version 1 references read as edges.

use std::fmt;

use serde::de::{self, IgnoredAny, MapAccess, Visitor};

use super::*;

fn unit(id: &str, name: &str, accounts: &[&str], children: Vec<OrgUnit>) -> OrgUnit {
    OrgUnit {
        id: id.into(),
        name: name.into(),
        scps: vec![],
        accounts: accounts.iter().map(|s| s.to_string()).collect(),
        children,
    }
}

#[test]
fn walk_gives_paths_without_root() {
    let tree = unit(
        "r-1",
        "Root",
        &["1"],
        vec![unit(
            "ou-a",
            "Workloads",
            &[],
            vec![unit("ou-b", "Prod", &["2", "3"], vec![])],
        )],
    );
    let mut seen = Vec::new();
    tree.walk(&mut |n, path| seen.push((n.id.clone(), path.join("/"))));
    assert_eq!(
        seen,
        vec![
            ("r-1".to_string(), "".to_string()),
            ("ou-a".to_string(), "Workloads".to_string()),
            ("ou-b".to_string(), "Workloads/Prod".to_string()),
        ]
    );
    assert_eq!(tree.account_ids_below(), vec!["1", "2", "3"]);
    assert_eq!(tree.find("ou-b").map(|n| n.name.as_str()), Some("Prod"));
}

const ACCT: &str = "111111111111";
const REGION: &str = "eu-west-1";

fn rule(peer: RulePeer) -> SgRule {
    SgRule {
        protocol: "tcp".into(),
        from_port: Some(443),
        to_port: Some(443),
        peer,
        description: Some("https".into()),
    }
}

/// A resource of `kind` with every field set to a value of its type and
/// one edge of every relation the kind declares.
fn full(kind: Kind) -> Resource {
    let def = kind.def();
    let mut r = Resource::new(kind, ACCT, REGION, format!("{kind}-1"));
    r.name = Some(format!("{kind}-name"));
    r.tags.insert("env".into(), "prod".into());
    r.tags.insert("empty".into(), String::new());
    for f in def.fields {
        let v = match f.ty {
            ValueType::Text => Value::from(format!("{}-value", f.name)),
            ValueType::Cidr => Value::Text("10.1.0.0/16".into()),
            ValueType::Ip => Value::Text("10.1.2.3".into()),
            ValueType::Time => Value::Text("2026-01-02T03:04:05Z".into()),
            ValueType::Number => Value::Number(42),
            ValueType::Bool => Value::Bool(true),
            ValueType::List => Value::from(vec!["a".to_string(), "b".into()]),
            ValueType::Rules => Value::from(vec![
                rule(RulePeer::Cidr("0.0.0.0/0".into())),
                rule(RulePeer::SecurityGroup("sg-2".into())),
            ]),
        };
        r.set(f.name, v);
    }
    for rel in def.relations {
        let to = Kind::parse(rel.to[0]).expect("relation names a kind");
        r = r.with_edge(
            Edge::new(rel.rel, to, format!("{to}-far"))
                .named("far-name")
                .attr("device", "/dev/sdf"),
        );
    }
    r
}

/// The top-level keys of a JSON object, in file order.
fn keys(json: &str) -> Vec<String> {
    struct Keys;
    impl<'de> Visitor<'de> for Keys {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<String>, A::Error> {
            let mut out = Vec::new();
            while let Some(k) = map.next_key::<String>()? {
                map.next_value::<IgnoredAny>()?;
                out.push(k);
            }
            Ok(out)
        }
    }
    let mut d = serde_json::Deserializer::from_str(json);
    de::Deserializer::deserialize_map(&mut d, Keys).expect("an object")
}

#[test]
fn every_kind_round_trips_through_json() {
    for kind in Kind::all() {
        let r = full(kind);
        assert!(r.fields.iter().all(|v| !v.is_null()), "{kind}");
        let json = serde_json::to_string(&r).expect("serialize");
        let back: Resource = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back, r, "{kind}: {json}");

        // Null fields and no edges leave no keys behind, and read back.
        let bare = Resource::new(kind, ACCT, REGION, "x-1");
        let json = serde_json::to_string(&bare).expect("serialize");
        assert_eq!(
            keys(&json),
            ["account_id", "region", "type", "id", "name", "tags"]
        );
        let back: Resource = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back, bare);
    }
}

#[test]
fn resource_keys_follow_the_descriptor_order() {
    for kind in Kind::all() {
        let json = serde_json::to_string(&full(kind)).expect("serialize");
        let mut want: Vec<&str> = vec!["account_id", "region", "type", "id", "name", "tags"];
        want.extend(kind.def().fields.iter().map(|f| f.key));
        if !kind.def().relations.is_empty() {
            want.push("relations");
        }
        assert_eq!(keys(&json), want, "{kind}");
    }
}

#[test]
fn resource_serializes_flat_with_its_type_and_file_keys() {
    let r = Resource::new(kinds::SECURITY_GROUP, ACCT, REGION, "sg-1")
        .with("group_name", "web")
        .with("description", "d")
        .with("ingress", Vec::<SgRule>::new())
        .with_edge(Edge::new(Rel::InVpc, kinds::VPC, "vpc-1"));
    let v = serde_json::to_value(&r).expect("serialize");
    assert_eq!(v["type"], "security_group");
    assert_eq!(v["group_name"], "web");
    assert_eq!(v["ingress"], serde_json::json!([]));
    assert!(v.get("egress").is_none(), "null fields are left out");
    assert_eq!(
        v["relations"],
        serde_json::json!([{"rel": "in_vpc", "to": "vpc-1", "kind": "vpc"}])
    );
    // Read back from text: a `serde_json::Value` holds its keys sorted, which
    // puts fields before `type`, and the reader wants `type` first.
    let json = serde_json::to_string(&r).expect("serialize");
    let back: Resource = serde_json::from_str(&json).expect("deserialize");
    assert_eq!(back, r);

    // A field is written under its file key, read by any of its names.
    let i = Resource::new(kinds::INSTANCE, ACCT, REGION, "i-1").with("itype", "t3.micro");
    let i = i.with("az", "eu-west-1a");
    let v = serde_json::to_value(&i).expect("serialize");
    assert_eq!(v["instance_type"], "t3.micro");
    assert_eq!(v["availability_zone"], "eu-west-1a");
    assert!(v.get("az").is_none());
    assert_eq!(i.text("instance-type"), Some("t3.micro"));
    assert_eq!(i.text("availability_zone"), Some("eu-west-1a"));
    assert_eq!(i.get("no_such_field"), None);
}

fn read(json: &str) -> Result<Resource, String> {
    serde_json::from_str(json).map_err(|e| e.to_string())
}

#[test]
fn reading_is_strict() {
    let ok = r#"{"account_id":"1","region":"r","type":"vpc","id":"vpc-1","name":null,"tags":{}}"#;
    assert!(read(ok).is_ok());

    let err = read(r#"{"account_id":"1","region":"r","type":"vpc","id":"v","tags":{},"bogus":1}"#)
        .expect_err("unknown field");
    assert!(err.contains("unknown field 'bogus'"), "{err}");
    assert!(err.contains("vpc"), "{err}");
    // A key of another kind is just as unknown.
    let err =
        read(r#"{"account_id":"1","region":"r","type":"vpc","id":"v","tags":{},"size_gib":1}"#)
            .expect_err("another kind's field");
    assert!(err.contains("size_gib"), "{err}");

    let err = read(r#"{"account_id":"1","region":"r","id":"v","tags":{}}"#).expect_err("no type");
    assert!(err.contains("missing field `type`"), "{err}");
    // A field before `type` (a hand-edited file, or a `serde_json::Value`,
    // whose keys are sorted) is held until the type is known, then read and
    // checked the same way.
    let early = read(
        r#"{"account_id":"1","cidr_block":"10.0.0.0/16","id":"v","region":"r","tags":{},"type":"vpc"}"#,
    )
    .expect("field before type");
    assert_eq!(early.text("cidr"), Some("10.0.0.0/16"));
    let err = read(r#"{"account_id":"1","bogus":1,"id":"v","region":"r","tags":{},"type":"vpc"}"#)
        .expect_err("unknown early field");
    assert!(err.contains("unknown field 'bogus'"), "{err}");
    let err =
        read(r#"{"account_id":"1","cidr_block":7,"id":"v","region":"r","tags":{},"type":"vpc"}"#)
            .expect_err("mistyped early field");
    assert!(err.contains("invalid type"), "{err}");
    let from_value: Resource =
        serde_json::from_value(serde_json::to_value(&early).expect("to value"))
            .expect("from value");
    assert_eq!(from_value, early);
    let err = read(r#"{"account_id":"1","region":"r","type":"router","id":"v","tags":{}}"#)
        .expect_err("unknown kind");
    assert!(err.contains("unknown resource type 'router'"), "{err}");
    // Files hold names, never aliases.
    assert!(read(r#"{"account_id":"1","region":"r","type":"sg","id":"v","tags":{}}"#).is_err());
    // Values are typed by the descriptor.
    let err = read(
        r#"{"account_id":"1","region":"r","type":"vpc","id":"v","tags":{},"is_default":"yes"}"#,
    )
    .expect_err("wrong type");
    assert!(err.contains("line 1"), "{err}");
    let err =
        read(r#"{"account_id":"1","region":"r","type":"vpc","id":"v"}"#).expect_err("no tags");
    assert!(err.contains("missing field `tags`"), "{err}");
}

#[test]
fn kind_parse_accepts_names_and_aliases() {
    for (s, want) in [
        ("instance", kinds::INSTANCE),
        ("Instances", kinds::INSTANCE),
        ("ec2", kinds::INSTANCE),
        ("vpc", kinds::VPC),
        ("VPCS", kinds::VPC),
        ("subnet", kinds::SUBNET),
        ("subnets", kinds::SUBNET),
        ("security_group", kinds::SECURITY_GROUP),
        ("security-group", kinds::SECURITY_GROUP),
        ("Security-Groups", kinds::SECURITY_GROUP),
        ("sg", kinds::SECURITY_GROUP),
        ("SGs", kinds::SECURITY_GROUP),
        ("volume", kinds::VOLUME),
        ("ebs", kinds::VOLUME),
    ] {
        assert_eq!(Kind::parse(s), Some(want), "{s}");
    }
    for s in ["", "s", "instancez", "router", "vpc endpoint"] {
        assert_eq!(Kind::parse(s), None, "{s}");
    }
}

#[test]
fn descriptors_are_consistent() {
    assert_eq!(Kind::count(), kinds::ALL.len());
    let mut names = std::collections::HashSet::new();
    for (i, kind) in Kind::all().enumerate() {
        let def = kind.def();
        assert_eq!(kind.index(), i);
        assert_eq!(kind.as_str(), def.name);
        assert_eq!(kind.to_string(), def.name);
        assert_eq!(serde_json::to_value(kind).expect("kind"), def.name);
        // Every name a kind answers to is its own and nobody else's.
        for n in std::iter::once(def.name).chain(def.aliases.iter().copied()) {
            assert!(names.insert(n), "{n} names two kinds");
            assert_eq!(Kind::parse(n), Some(kind), "{n}");
        }
        for (j, f) in def.fields.iter().enumerate() {
            for n in [f.name, f.key].iter().chain(f.aliases) {
                assert_eq!(def.field_index(n), Some(j), "{kind}.{n}");
            }
            assert_eq!(def.field_by_key(f.key), Some(j), "{kind}.{}", f.key);
            // The query engine interns facets as borrowed text.
            if f.facet {
                assert!(
                    matches!(
                        f.ty,
                        ValueType::Text | ValueType::Cidr | ValueType::Ip | ValueType::Time
                    ),
                    "{kind}.{}: a facet must hold text",
                    f.name
                );
            }
        }
        if def
            .fields
            .first()
            .is_some_and(|f| f.compare == Compare::Refines)
        {
            panic!("{kind}: a refinement needs a field before it");
        }
        for r in def.relations {
            assert!(!r.to.is_empty(), "{kind} {}", r.rel);
            for to in r.to {
                assert!(Kind::all().any(|k| k.as_str() == *to), "{kind} -> {to}");
            }
        }
        match def.key {
            KeyDef::Name => {}
            KeyDef::NameElse(f) => assert!(def.field_index(f).is_some(), "{kind} key {f}"),
            KeyDef::Within { rel, field } => {
                assert!(def.field_index(field).is_some(), "{kind} key {field}");
                assert!(def.relation(rel).is_some(), "{kind} key via {rel}");
            }
            KeyDef::Via { rel, .. } | KeyDef::Under { rel } => {
                assert!(def.relation(rel).is_some(), "{kind} {rel}")
            }
        }
    }
    // Kinds order as the registry does.
    let mut all: Vec<Kind> = Kind::all().collect();
    all.reverse();
    all.sort();
    assert_eq!(all, Kind::all().collect::<Vec<_>>());
}

#[test]
fn arn_follows_the_kind_template() {
    let arn = |kind, id: &str| Resource::new(kind, ACCT, REGION, id).arn();
    assert_eq!(
        arn(kinds::INSTANCE, "i-1"),
        "arn:aws:ec2:eu-west-1:111111111111:instance/i-1"
    );
    assert_eq!(
        arn(kinds::SECURITY_GROUP, "sg-1"),
        "arn:aws:ec2:eu-west-1:111111111111:security-group/sg-1"
    );
    assert_eq!(
        arn(kinds::VPC, "vpc-1"),
        "arn:aws:ec2:eu-west-1:111111111111:vpc/vpc-1"
    );
    assert_eq!(
        arn(kinds::SUBNET, "subnet-1"),
        "arn:aws:ec2:eu-west-1:111111111111:subnet/subnet-1"
    );
    assert_eq!(
        arn(kinds::VOLUME, "vol-1"),
        "arn:aws:ec2:eu-west-1:111111111111:volume/vol-1"
    );
    // A tagged resource's id is its ARN, which its template gives back.
    let queue = "arn:aws:sqs:eu-west-1:111111111111:orders";
    assert_eq!(arn(kinds::TAGGED_RESOURCE, queue), queue);
    // A bucket's ARN names neither its account nor its region.
    assert_eq!(arn(kinds::S3_BUCKET, "logs"), "arn:aws:s3:::logs");
    for kind in Kind::all().filter(|k| ![kinds::TAGGED_RESOURCE, kinds::S3_BUCKET].contains(k)) {
        let a = arn(kind, "x-1");
        assert!(!a.contains('{'), "{kind}: {a}");
        assert!(
            a.starts_with("arn:aws:") && a.contains(ACCT) && a.ends_with("x-1"),
            "{a}"
        );
    }
}

#[test]
fn vpc_id_is_the_vpc_itself_or_the_in_vpc_edge() {
    let vpc = Resource::new(kinds::VPC, ACCT, REGION, "vpc-1");
    assert_eq!(vpc.vpc_id(), Some("vpc-1"));
    let i = Resource::new(kinds::INSTANCE, ACCT, REGION, "i-1")
        .with_edge(Edge::new(Rel::InSubnet, kinds::SUBNET, "subnet-1"))
        .with_edge(Edge::new(Rel::InVpc, kinds::VPC, "vpc-1"));
    assert_eq!(i.vpc_id(), Some("vpc-1"));
    assert_eq!(i.first(Rel::InSubnet), Some("subnet-1"));
    assert_eq!(i.first(Rel::MemberOf), None);
    assert_eq!(
        Resource::new(kinds::VOLUME, ACCT, REGION, "v").vpc_id(),
        None
    );
    assert_eq!(i.display_name(), "i-1");
}

/// An instance as version 1 wrote it (from the demo estate of that build).
const V1_INSTANCE: &str = r#"{
    "account_id": "111111111111", "region": "eu-west-1", "id": "i-1", "name": "web-1",
    "tags": {"Name": "web-1"},
    "type": "instance", "instance_type": "t3.medium", "state": "running",
    "image_id": "ami-1", "platform": null, "architecture": "x86_64",
    "private_ip": "10.1.0.11", "public_ip": null, "vpc_id": "vpc-1",
    "subnet_id": "subnet-1", "availability_zone": "eu-west-1a",
    "launch_time": "2026-01-02T03:04:00Z", "key_name": "ops",
    "security_groups": [{"id": "sg-1", "name": "web"}, {"id": "sg-2", "name": "ssh"}]
}"#;

#[test]
fn v1_instance_references_become_edges() {
    let r: Resource = serde_json::from_str(V1_INSTANCE).expect("v1 instance");
    let want = Resource {
        name: Some("web-1".into()),
        tags: [("Name".to_string(), "web-1".to_string())].into(),
        ..Resource::new(kinds::INSTANCE, ACCT, REGION, "i-1")
    }
    .with_edge(Edge::new(Rel::InVpc, kinds::VPC, "vpc-1"))
    .with_edge(Edge::new(Rel::InSubnet, kinds::SUBNET, "subnet-1"))
    .with_edge(Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, "sg-1").named("web"))
    .with_edge(Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, "sg-2").named("ssh"))
    .with("instance_type", "t3.medium")
    .with("state", "running")
    .with("image_id", "ami-1")
    .with("architecture", "x86_64")
    .with("private_ip", "10.1.0.11")
    .with("az", "eu-west-1a")
    .with("launch_time", "2026-01-02T03:04:00Z")
    .with("key_name", "ops");
    assert_eq!(r, want);
    assert!(r.get("platform").is_some_and(Value::is_null));
    assert_eq!(r.vpc_id(), Some("vpc-1"));

    // Written back, it is a version 2 resource: references under `relations`.
    let v = serde_json::to_value(&r).expect("serialize");
    assert!(v.get("vpc_id").is_none() && v.get("security_groups").is_none());
    assert_eq!(v["relations"][2]["name"], "web");
    let json = serde_json::to_string(&r).expect("serialize");
    let again: Resource = serde_json::from_str(&json).expect("v2");
    assert_eq!(again, r);

    // Null references and an empty group list leave no edges.
    let none = V1_INSTANCE
        .replace(r#""vpc-1""#, "null")
        .replace(r#""subnet-1""#, "null")
        .replace(
            r#"[{"id": "sg-1", "name": "web"}, {"id": "sg-2", "name": "ssh"}]"#,
            "[]",
        );
    let r: Resource = serde_json::from_str(&none).expect("v1 instance");
    assert!(r.relations.is_empty(), "{:?}", r.relations);
    assert_eq!(r.vpc_id(), None);
}

#[test]
fn v1_subnet_group_and_volume_references_become_edges() {
    let subnet: Resource = serde_json::from_str(
        r#"{"account_id": "111111111111", "region": "eu-west-1", "id": "subnet-1",
            "name": null, "tags": {}, "type": "subnet", "vpc_id": "vpc-1",
            "cidr_block": "10.1.0.0/24", "availability_zone": "eu-west-1a", "public": true,
            "default_for_az": false, "available_ips": 250, "state": "available"}"#,
    )
    .expect("v1 subnet");
    assert_eq!(
        subnet.relations,
        [Edge::new(Rel::InVpc, kinds::VPC, "vpc-1")]
    );
    assert_eq!(subnet.get("public"), Some(&Value::Bool(true)));
    assert_eq!(subnet.get("available_ips"), Some(&Value::Number(250)));
    assert_eq!(subnet.text("cidr"), Some("10.1.0.0/24"));

    let group: Resource = serde_json::from_str(
        r#"{"account_id": "111111111111", "region": "eu-west-1", "id": "sg-1", "name": "web",
            "tags": {}, "type": "security_group", "group_name": "web", "description": "d",
            "vpc_id": null, "ingress": [{"protocol": "tcp", "from_port": 443, "to_port": 443,
            "peer": {"kind": "cidr", "value": "0.0.0.0/0"}, "description": null}],
            "egress": []}"#,
    )
    .expect("v1 group");
    assert!(group.relations.is_empty());
    let ingress = group.get("ingress").map(Value::as_rules).expect("ingress");
    assert_eq!(ingress.len(), 1);
    assert!(ingress[0].is_open_to_world());

    let volume: Resource = serde_json::from_str(
        r#"{"account_id": "111111111111", "region": "eu-west-1", "id": "vol-1", "name": null,
            "tags": {}, "type": "volume", "size_gib": 20, "volume_type": "gp3",
            "state": "in-use", "availability_zone": "eu-west-1a", "encrypted": true,
            "iops": null, "attachments": [
                {"instance_id": "i-1", "device": "/dev/xvda", "state": "attached"},
                {"instance_id": "i-2", "device": "/dev/sdf", "state": "detaching"}]}"#,
    )
    .expect("v1 volume");
    assert_eq!(
        volume.relations,
        [
            Edge::new(Rel::AttachedTo, kinds::INSTANCE, "i-1")
                .attr("device", "/dev/xvda")
                .attr("state", "attached"),
            Edge::new(Rel::AttachedTo, kinds::INSTANCE, "i-2")
                .attr("device", "/dev/sdf")
                .attr("state", "detaching"),
        ]
    );
    assert_eq!(volume.get("iops"), Some(&Value::Null));
    assert_eq!(volume.get("encrypted"), Some(&Value::Bool(true)));

    // Version 1 references are read only where version 1 had them.
    let err = read(
        r#"{"account_id": "1", "region": "r", "id": "vol-1", "tags": {}, "type": "volume",
            "vpc_id": "vpc-1"}"#,
    )
    .expect_err("volumes had no vpc_id");
    assert!(err.contains("unknown field 'vpc_id'"), "{err}");
}

#[test]
fn labels_read_in_the_singular_and_inside_a_sentence() {
    use super::kinds;
    assert_eq!(kinds::ELASTIC_IP.singular(), "Elastic IP");
    assert_eq!(kinds::SECURITY_GROUP.singular(), "Security group");
    assert_eq!(kinds::ELASTIC_IP.label_in_text(), "elastic IPs");
    assert_eq!(kinds::VPC.label_in_text(), "VPCs");
    assert_eq!(kinds::INSTANCE.label_in_text(), "instances");
    assert_eq!(kinds::S3_BUCKET.label_in_text(), "S3 buckets");
    assert_eq!(kinds::DB_INSTANCE.label_in_text(), "DB instances");
    assert_eq!(kinds::DYNAMODB_TABLE.label_in_text(), "DynamoDB tables");
}

/// IAM's global cells say whether an account's IAM was read and nothing
/// about its regions; a refused AssumeRole says nothing was read.
#[test]
fn global_cells_cover_what_they_read() {
    let caller = CallerIdentity {
        account_id: "1".into(),
        arn: "arn:aws:iam::1:root".into(),
        user_id: "u".into(),
    };
    let source = Source {
        aggregator: None,
        kind: SourceKind::Demo,
        profile: None,
        label: "t".into(),
    };
    let mut e = Estate::new("2026-11-20T09:00:00Z".into(), source, caller);
    let ok = CoverageStatus::Ok;
    let denied = CoverageStatus::Denied;
    let details = Api::from("iam:GetAccountAuthorizationDetails");
    let keys = Api::from("iam:ListAccessKeys");
    let ec2 = Api::from("ec2:DescribeInstances");
    let cells: [(&str, Place, Api, CoverageStatus); 10] = [
        // a: everything read.
        ("a", Place::Global, details.clone(), ok),
        ("a", Place::from("eu-west-1"), ec2.clone(), ok),
        // b: AssumeRole refused.
        ("b", Place::Global, Api::ASSUME_ROLE, denied),
        ("b", Place::Global, details.clone(), denied),
        // c: IAM denied, EC2 read.
        ("c", Place::Global, details.clone(), denied),
        ("c", Place::from("eu-west-1"), ec2.clone(), ok),
        // d: only the access keys denied.
        ("d", Place::Global, details.clone(), ok),
        ("d", Place::Global, keys, denied),
        ("d", Place::from("eu-west-1"), ec2.clone(), ok),
        // e: collected before orgscope read IAM.
        ("e", Place::from("eu-west-1"), ec2, ok),
    ];
    for (acct, place, api, status) in cells {
        e.coverage.push(Coverage::new(
            CellKey::new(acct, place, api),
            status,
            None,
            None,
        ));
    }
    for id in ["a", "b", "c", "d", "e"] {
        e.accounts.push(Account {
            id: id.into(),
            name: id.into(),
            email: String::new(),
            status: AccountStatus::Active,
            ou_path: Vec::new(),
            parent_id: String::new(),
            tags: Tags::new(),
            scps: Vec::new(),
            is_management: false,
        });
    }
    let unread: Vec<&str> = e.global_unread().into_iter().collect();
    assert_eq!(unread, ["b", "c", "e"]);
    assert!(e.region_collected("c", "eu-west-1"));
    assert!(e.region_collected("d", "eu-west-1"));
    assert!(!e.region_collected("b", "eu-west-1"));
    assert!(!e.region_collected("c", GLOBAL));
    assert!(e.region_collected("a", GLOBAL));
}
