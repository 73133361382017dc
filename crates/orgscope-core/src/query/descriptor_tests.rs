//! The descriptor-driven parts of the engine on a small hand-built estate:
//! filters on any descriptor field, relation filters (far ends inside and
//! outside the estate), kind aliases, columns parsed from field names and
//! their serialized form, default columns, and the relation index.

use std::collections::BTreeMap;

use super::*;
use crate::model::{
    Account, AccountStatus, CallerIdentity, Edge, Estate, Kind, Rel, Resource, Source, SourceKind,
    Tags, kinds,
};

const A: &str = "111111111111";
const R: &str = "eu-west-1";

fn named(mut r: Resource, name: &str) -> Resource {
    r.name = Some(name.to_string());
    r
}

/// 0 vpc, 1 subnet, 2-3 security groups, 4-5 instances, 6-7 volumes. The
/// web instance is also in a group of another account; the second volume
/// is attached to an instance that was never collected.
fn estate() -> Estate {
    let mut e = Estate::new(
        "2026-01-01T00:00:00Z".into(),
        Source {
            aggregator: None,
            kind: SourceKind::Demo,
            profile: None,
            label: "test".into(),
        },
        CallerIdentity {
            account_id: A.into(),
            arn: "arn:aws:iam::111111111111:root".into(),
            user_id: "u".into(),
        },
    );
    e.accounts = vec![Account {
        id: A.into(),
        name: "shop-prod".into(),
        email: "shop@example.com".into(),
        status: AccountStatus::Active,
        ou_path: vec![],
        parent_id: String::new(),
        tags: Tags::new(),
        scps: vec![],
        is_management: true,
    }];
    let in_vpc = || Edge::new(Rel::InVpc, kinds::VPC, "vpc-1");
    e.resources = vec![
        named(
            Resource::new(kinds::VPC, A, R, "vpc-1")
                .with("cidr", "10.0.0.0/16")
                .with("state", "available"),
            "shop-vpc",
        ),
        named(
            Resource::new(kinds::SUBNET, A, R, "subnet-1")
                .with("cidr", "10.0.1.0/24")
                .with("az", "eu-west-1a")
                .with("public", true)
                .with_edge(in_vpc()),
            "shop-public-a",
        ),
        named(
            Resource::new(kinds::SECURITY_GROUP, A, R, "sg-1")
                .with("group_name", "web")
                .with_edge(in_vpc()),
            "web",
        ),
        named(
            Resource::new(kinds::SECURITY_GROUP, A, R, "sg-2").with("group_name", "db"),
            "db",
        ),
        named(
            Resource::new(kinds::INSTANCE, A, R, "i-1")
                .with("instance_type", "m5.large")
                .with("image_id", "ami-123")
                .with("state", "running")
                .with("private_ip", "10.0.1.10")
                .with("az", "eu-west-1a")
                .with_edge(in_vpc())
                .with_edge(Edge::new(Rel::InSubnet, kinds::SUBNET, "subnet-1"))
                .with_edge(Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, "sg-1").named("web"))
                .with_edge(
                    Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, "sg-ext")
                        .in_account("222222222222")
                        .named("shared-monitoring"),
                ),
            "web-1",
        ),
        named(
            Resource::new(kinds::INSTANCE, A, R, "i-2")
                .with("instance_type", "r5.large")
                .with("image_id", "img-9")
                .with("state", "stopped")
                .with_edge(in_vpc())
                .with_edge(Edge::new(Rel::InSubnet, kinds::SUBNET, "subnet-1"))
                .with_edge(Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, "sg-2").named("db")),
            "db-1",
        ),
        Resource::new(kinds::VOLUME, A, R, "vol-1")
            .with("size_gib", 20i64)
            .with("volume_type", "gp3")
            .with("encrypted", true)
            .with("state", "in-use")
            .with_edge(
                Edge::new(Rel::AttachedTo, kinds::INSTANCE, "i-1").attr("device", "/dev/xvda"),
            ),
        Resource::new(kinds::VOLUME, A, R, "vol-2")
            .with("size_gib", 500i64)
            .with("encrypted", false)
            .with_edge(Edge::new(Rel::AttachedTo, kinds::INSTANCE, "i-gone").named("old-box")),
    ];
    e
}

/// The indices `src` selects; the fast path and the reference agree.
fn hits(e: &Estate, src: &str) -> Vec<usize> {
    let ctx = Context::new(e);
    let q = parse(src).unwrap_or_else(|err| panic!("{src}: {err}"));
    let got = filter(&ctx, &q, None);
    let direct: Vec<usize> = (0..e.resources.len())
        .filter(|&i| q.matches(&ctx, &e.resources[i].clone()))
        .collect();
    assert_eq!(got, direct, "{src}: fast path and reference differ");
    got
}

#[test]
fn any_descriptor_field_filters() {
    let e = estate();
    assert_eq!(hits(&e, "image_id:ami-*"), [4]);
    assert_eq!(hits(&e, "image-id:IMG-9"), [5]);
    assert_eq!(hits(&e, "encrypted:true"), [6]);
    assert_eq!(hits(&e, "encrypted:false"), [7]);
    assert_eq!(hits(&e, "size_gib:500"), [7]);
    assert_eq!(hits(&e, "size_gib:5*"), [7]);
    assert_eq!(hits(&e, "volume_type:gp3"), [6]);
    assert_eq!(hits(&e, "group_name:web"), [2]);
    assert_eq!(hits(&e, "public:true"), [1]);
    // Facets (interned) and aliases, across kinds.
    assert_eq!(hits(&e, "az:eu-west-1a"), [1, 4]);
    assert_eq!(hits(&e, "availability_zone:eu-west-1a"), [1, 4]);
    assert_eq!(hits(&e, "state:running,in-use"), [4, 6]);
    assert_eq!(hits(&e, "itype:m5.*"), [4]);
    assert_eq!(hits(&e, "ip:10.0.1.10"), [4]);
    // A null value never matches, not even the empty string.
    assert_eq!(hits(&e, "volume_type:\"\""), Vec::<usize>::new());
    assert_eq!(hits(&e, "-has:x volume_type:*"), [6]);
    assert_eq!(hits(&e, "cidr:10.0.0.0/8"), [0, 1, 4]);
}

#[test]
fn relation_filters_follow_edges_forwards() {
    let e = estate();
    // By the far end's name, id, or kind.
    assert_eq!(hits(&e, "sg:web"), [4]);
    assert_eq!(hits(&e, "sg:sg-2"), [5]);
    assert_eq!(hits(&e, "member-of:security_group"), [4, 5]);
    assert_eq!(hits(&e, "subnet:subnet-1"), [4, 5]);
    assert_eq!(hits(&e, "subnet:shop-public-*"), [4, 5]);
    assert_eq!(hits(&e, "attached-to:web-1"), [6]);
    assert_eq!(hits(&e, "attached-to:instance"), [6, 7]);
    assert_eq!(hits(&e, "attached:i-*"), [6, 7]);
    // Far ends outside the estate still match by id and by the edge's name.
    assert_eq!(hits(&e, "sg:sg-ext"), [4]);
    assert_eq!(hits(&e, "sg:shared-*"), [4]);
    assert_eq!(hits(&e, "attached-to:i-gone"), [7]);
    assert_eq!(hits(&e, "attached-to:old-box"), [7]);
    // Kinds without the relation never match; a subnet is not in itself.
    assert_eq!(
        hits(&e, "subnet:shop-public-a type:subnet"),
        Vec::<usize>::new()
    );
    assert_eq!(hits(&e, "routes-to:*"), Vec::<usize>::new());
    // `vpc:` keeps its meaning: a VPC is in itself.
    assert_eq!(hits(&e, "vpc:shop-vpc"), [0, 1, 2, 4, 5]);
    assert_eq!(hits(&e, "in-vpc:vpc-1"), [0, 1, 2, 4, 5]);
}

#[test]
fn type_takes_kind_names_and_aliases() {
    let e = estate();
    assert_eq!(hits(&e, "type:ebs"), [6, 7]);
    assert_eq!(hits(&e, "type:sgs"), [2, 3]);
    assert_eq!(hits(&e, "type:Security-Group,vpcs"), [0, 2, 3]);
    let err = parse("type:bogus").expect_err("unknown kind");
    assert_eq!(err.col, 6);
    for k in Kind::all() {
        assert!(err.message.contains(k.as_str()), "{err}");
    }
    let err = parse("colour:red").expect_err("unknown field");
    assert_eq!(err.col, 1);
    for f in [
        "type",
        "image_id",
        "volume_type",
        "sg",
        "subnet",
        "attached-to",
        "state",
    ] {
        assert!(err.message.contains(f), "{f}: {err}");
        assert!(field_names().contains(&f), "{f}");
    }
}

#[test]
fn columns_parse_descriptor_fields_and_relations() {
    use Column::*;
    for (s, want) in [
        ("image_id", Field("image_id")),
        ("itype", Field("instance_type")),
        ("instance-type", Field("instance_type")),
        ("INSTANCE_TYPE", Field("instance_type")),
        ("ip", Field("private_ip")),
        ("Volume-Type", Field("volume_type")),
        ("availability_zone", Field("az")),
        ("cidr", Field("cidr")),
        ("state", Field("state")),
        ("account-id", AccountId),
        ("sg", Rel(crate::model::Rel::MemberOf)),
        ("member_of", Rel(crate::model::Rel::MemberOf)),
        ("subnet", Rel(crate::model::Rel::InSubnet)),
        ("in_vpc", Vpc),
        ("tag:env", Tag("env".into())),
    ] {
        assert_eq!(Column::parse(s), Some(want.clone()), "{s}");
        // The header reads back as the same column.
        assert_eq!(Column::parse(&want.header()), Some(want), "{s}");
    }
    assert_eq!(Column::parse("colour"), None);
    assert_eq!(Column::parse("tag:"), None);
    let headers: Vec<_> = Column::DEFAULT.iter().map(|c| c.header()).collect();
    assert_eq!(
        headers.join(" "),
        "type name id account region vpc state instance_type"
    );
    assert_eq!(Field("instance_type").title(), "Instance type");
    assert_eq!(Field("az").title(), "AZ");
    assert_eq!(AccountId.title(), "Account ID");
    assert_eq!(Tag("env".into()).title(), "tag:env");
    assert_eq!(Rel(crate::model::Rel::MemberOf).title(), "Member of");
}

#[test]
fn cells_read_descriptor_fields_and_far_ends() {
    use Column::*;
    let e = estate();
    let ctx = Context::new(&e);
    let c = |i: usize, col: Column| cell(&ctx, &e.resources[i], &col);
    assert_eq!(c(4, Field("image_id")), "ami-123");
    assert_eq!(c(4, Field("instance_type")), "m5.large");
    assert_eq!(c(6, Field("instance_type")), "");
    assert_eq!(c(7, Field("size_gib")), "500");
    assert_eq!(c(6, Field("encrypted")), "true");
    assert_eq!(c(7, Field("volume_type")), "");
    assert_eq!(c(1, Field("cidr")), "10.0.1.0/24");
    assert_eq!(c(4, Vpc), "shop-vpc");
    assert_eq!(c(0, Vpc), "shop-vpc");
    assert_eq!(
        c(4, Rel(crate::model::Rel::MemberOf)),
        "web, shared-monitoring"
    );
    assert_eq!(c(4, Rel(crate::model::Rel::InSubnet)), "shop-public-a");
    assert_eq!(c(7, Rel(crate::model::Rel::AttachedTo)), "old-box");
    assert_eq!(c(6, Rel(crate::model::Rel::AttachedTo)), "web-1");
    // Sorting by a number field is natural, empty last.
    let mut idx: Vec<usize> = (0..e.resources.len()).collect();
    sort(&ctx, &mut idx, &Field("size_gib"), true);
    assert_eq!(&idx[..2], [7, 6]);
}

#[test]
fn columns_serialize_as_their_header_and_read_older_settings() {
    use Column::*;
    let cols = vec![
        Type,
        AccountId,
        Field("instance_type"),
        Rel(crate::model::Rel::MemberOf),
        Tag("cost center".into()),
    ];
    let json = serde_json::to_string(&cols).expect("serialize");
    assert_eq!(
        json,
        r#"["type","account_id","instance_type","member_of","tag:cost center"]"#
    );
    let back: Vec<Column> = serde_json::from_str(&json).expect("deserialize");
    assert_eq!(back, cols);
    // The app's earlier `ColumnKey` as serde derived it.
    let old: Vec<Column> = serde_json::from_str(
        r#"["Type","Id","Name","Account","Ou","Region","Vpc","State","InstanceType","Cidr","Az",{"Tag":"env"}]"#,
    )
    .expect("older settings");
    assert_eq!(
        old,
        [
            Type,
            Id,
            Name,
            Account,
            Ou,
            Region,
            Vpc,
            Field("state"),
            Field("instance_type"),
            Field("cidr"),
            Field("az"),
            Tag("env".into())
        ]
    );
    assert!(serde_json::from_str::<Column>(r#""colour""#).is_err());
}

#[test]
fn default_columns_come_from_descriptors() {
    use Column::*;
    assert_eq!(
        Column::defaults(Some(kinds::INSTANCE)),
        [
            Name,
            Id,
            Account,
            Region,
            Field("instance_type"),
            Field("state"),
            Field("az"),
            Vpc
        ]
    );
    assert_eq!(
        Column::defaults(Some(kinds::SUBNET)),
        [Name, Id, Account, Region, Field("cidr"), Field("az"), Vpc]
    );
    assert_eq!(
        Column::defaults(Some(kinds::VOLUME)),
        [Name, Id, Account, Region, Field("state"), Field("az")]
    );
    assert_eq!(
        Column::defaults(None),
        [Type, Name, Id, Account, Region, Field("state")]
    );
    for k in Kind::all() {
        for c in Column::defaults(Some(k)) {
            assert_eq!(Column::parse(&c.header()), Some(c.clone()), "{k}");
        }
    }
}

#[test]
fn relation_index_resolves_far_ends_and_reverses_edges() {
    let e = estate();
    let ctx = Context::new(&e);
    let far: Vec<_> = ctx
        .edges_of(4)
        .map(|l| (l.edge.to.as_str(), l.far))
        .collect();
    assert_eq!(
        far,
        [
            ("vpc-1", Some(0)),
            ("subnet-1", Some(1)),
            ("sg-1", Some(2)),
            ("sg-ext", None)
        ]
    );
    assert!(ctx.edges_of(4).all(|l| l.near == 4));
    let into_vpc: Vec<_> = ctx.incoming(0).map(|l| (l.near, l.edge.rel)).collect();
    assert_eq!(
        into_vpc,
        [
            (1, crate::model::Rel::InVpc),
            (2, crate::model::Rel::InVpc),
            (4, crate::model::Rel::InVpc),
            (5, crate::model::Rel::InVpc)
        ]
    );
    assert!(ctx.incoming(0).all(|l| l.far == Some(0)));
    let into_web: Vec<_> = ctx.incoming(4).map(|l| l.near).collect();
    assert_eq!(into_web, [6]);
    assert_eq!(ctx.incoming(7).count(), 0);
    assert_eq!(ctx.edges_of(99).count() + ctx.incoming(99).count(), 0);
    // A clone (a resource from elsewhere) resolves the same way.
    let r = e.resources[6].clone();
    assert_eq!(ctx.resolve(&r, &r.relations[0]), Some(4));
    let r = e.resources[7].clone();
    assert_eq!(ctx.resolve(&r, &r.relations[0]), None);
    // Another account's id is not this account's resource.
    let stranger = Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, "sg-1").in_account("2");
    assert_eq!(ctx.resolve(&e.resources[4], &stranger), None);
}

#[test]
fn grouping_by_any_field_and_by_kind() {
    let e = estate();
    let ctx = Context::new(&e);
    let all: Vec<usize> = (0..e.resources.len()).collect();
    let size = group_by(&ctx, &all, &parse_group_key("size_gib").expect("key"));
    let keys: Vec<_> = size.iter().map(|g| (g.key.as_str(), g.count)).collect();
    assert_eq!(keys, [("20", 1), ("500", 1), ("", 6)]);
    assert!(size[2].missing);
    let state = group_by(&ctx, &all, &parse_group_key("state").expect("key"));
    assert_eq!(state.iter().map(|g| g.count).sum::<usize>(), all.len());
    let running = state.iter().find(|g| g.key == "running").expect("running");
    assert_eq!(
        running.instance_types,
        BTreeMap::from([("m5.large".to_string(), 1)])
    );
    assert_eq!(running.vcpus, 2);
    // Ties on count go by name: instance, security_group, volume.
    let by_type = group_by(&ctx, &all, &parse_group_key("type").expect("key"));
    let json = serde_json::to_value(&by_type[0]).expect("json");
    assert_eq!(json["key"], "instance");
    assert_eq!(json["by_type"], serde_json::json!({"instance": 2}));
    let err = parse_group_key("colour").expect_err("unknown").to_string();
    assert!(err.contains("volume_type"), "{err}");
}

#[test]
fn completion_offers_descriptor_fields_relations_and_kinds() {
    let e = estate();
    let ctx = Context::new(&e);
    let cat = tag_catalog(&ctx, &[]);
    let inserts = |src: &str| -> Vec<String> {
        completions(src, src.chars().count(), &cat)
            .into_iter()
            .map(|c| c.insert)
            .collect()
    };
    assert!(inserts("im").contains(&"image_id:".to_string()));
    assert!(inserts("s").contains(&"sg:".to_string()));
    assert!(inserts("vol").contains(&"volume_type:".to_string()));
    assert!(inserts("att").contains(&"attached-to:".to_string()));
    assert_eq!(inserts("attached-to:ins"), ["instance"]);
    assert_eq!(
        inserts("type:v"),
        ["vpc", "volume", "vpc_endpoint", "vpc_peering_connection"]
    );
}

/// A filter word means one field in each kind (`Catalog::build`): a
/// kind's alias that is another kind's field name reads each kind's own
/// field (`service:`), but a word that is only an alias, in two kinds of
/// fields named differently, reaches the first kind's field alone — a
/// filter on the other kind would silently match nothing. Nor may a field
/// answer to a relation's filter name, which the parser takes first.
#[test]
fn every_field_word_means_one_field_in_each_kind() {
    use std::collections::BTreeMap;
    let norm = |w: &str| w.to_ascii_lowercase().replace('-', "_");
    let names: Vec<String> = Kind::all()
        .flat_map(|k| k.def().fields.iter().map(|f| norm(f.name)))
        .collect();
    let relations: Vec<String> = Rel::ALL
        .iter()
        .flat_map(|r| std::iter::once(r.filter_name()).chain(r.filter_aliases().iter().copied()))
        .map(norm)
        .collect();
    let mut alias_of: BTreeMap<String, (&str, &str)> = BTreeMap::new();
    let mut clashes = Vec::new();
    for k in Kind::all() {
        for f in k.def().fields {
            for w in [f.name, f.key].iter().chain(f.aliases) {
                let (kind, w) = (k.def().name, norm(w));
                // A file key may be a relation's name (a bucket's
                // `policy`): the field is reached by its own name.
                if relations.contains(&w) && w != norm(f.key) {
                    clashes.push(format!("{kind}.{}: {w} is a relation's filter", f.name));
                }
                if names.contains(&w) {
                    continue;
                }
                match alias_of.get(&w) {
                    Some(&(other, name)) if name != f.name => {
                        clashes.push(format!("{w}: {other}.{name} and {kind}.{}", f.name));
                    }
                    Some(_) => {}
                    None => {
                        alias_of.insert(w, (kind, f.name));
                    }
                }
            }
        }
    }
    assert!(clashes.is_empty(), "{clashes:#?}");
}
