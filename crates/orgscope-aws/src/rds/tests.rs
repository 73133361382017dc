//! Conversion and paging against recorded response shapes built with the
//! SDK's builders (the moto test in `tests/integration/rds.rs` covers the
//! wire), including what moto cannot serve: a replica of a database in
//! another account, and answers with fields left out.

use super::convert::Where;
use super::*;
use crate::paging::pages;
use crate::recorded::{block_on, recorded, recorded_results};
use orgscope_core::model::CoverageStatus;
use orgscope_core::model::{Edge, Rel, Value};
use rds::types::{
    AvailabilityZone, DbCluster, DbClusterMember, DbInstance, DbSubnetGroup, Endpoint, Subnet, Tag,
    VpcSecurityGroupMembership,
};

const ACCT: &str = "111111111111";
const AT: Where<'static> = Where {
    account_id: ACCT,
    region: "eu-west-1",
};

fn group(vpc: &str, subnets: &[(&str, &str)]) -> DbSubnetGroup {
    let mut g = DbSubnetGroup::builder()
        .db_subnet_group_name("grp")
        .vpc_id(vpc);
    for (id, az) in subnets {
        g = g.subnets(
            Subnet::builder()
                .subnet_identifier(*id)
                .subnet_availability_zone(AvailabilityZone::builder().name(*az).build())
                .build(),
        );
    }
    g.build()
}

fn sg(id: &str) -> VpcSecurityGroupMembership {
    VpcSecurityGroupMembership::builder()
        .vpc_security_group_id(id)
        .status("active")
        .build()
}

fn tag(k: &str, v: &str) -> Tag {
    Tag::builder().key(k).value(v).build()
}

/// A Multi-AZ Postgres primary with everything RDS returns.
fn primary(id: &str) -> DbInstance {
    DbInstance::builder()
        .db_instance_identifier(id)
        .engine("postgres")
        .engine_version("15.7")
        .db_instance_class("db.r6g.xlarge")
        .multi_az(true)
        .storage_type("gp3")
        .allocated_storage(500)
        .storage_encrypted(true)
        .publicly_accessible(false)
        .db_instance_status("available")
        .endpoint(
            Endpoint::builder()
                .address(format!("{id}.c1.eu-west-1.rds.amazonaws.com"))
                .port(5432)
                .build(),
        )
        .availability_zone("eu-west-1b")
        .backup_retention_period(14)
        .deletion_protection(true)
        .instance_create_time(aws_smithy_types::DateTime::from_secs(1_700_000_000))
        .db_subnet_group(group(
            "vpc-1",
            &[
                ("subnet-a", "eu-west-1a"),
                ("subnet-b", "eu-west-1b"),
                ("subnet-c", "eu-west-1c"),
            ],
        ))
        .vpc_security_groups(sg("sg-2"))
        .vpc_security_groups(sg("sg-1"))
        .tag_list(tag("env", "prod"))
        .tag_list(tag("owner", "team-a"))
        .build()
}

fn instances_page(list: Vec<DbInstance>, marker: Option<&str>) -> DescribeDbInstancesOutput {
    DescribeDbInstancesOutput::builder()
        .set_db_instances(Some(list))
        .set_marker(marker.map(str::to_string))
        .build()
}

fn clusters_page(list: Vec<DbCluster>) -> DescribeDbClustersOutput {
    DescribeDbClustersOutput::builder()
        .set_db_clusters(Some(list))
        .build()
}

fn edges(r: &Resource, rel: Rel) -> Vec<&Edge> {
    r.edges(rel).collect()
}

#[test]
fn the_apis_are_the_kinds_in_registry_order() {
    assert_eq!(
        apis().collect::<Vec<_>>(),
        ["rds:DescribeDBInstances", "rds:DescribeDBClusters"]
    );
    let registered: Vec<&str> = orgscope_core::model::regional_apis()
        .filter(|a| a.starts_with("rds:"))
        .collect();
    assert_eq!(apis().collect::<Vec<_>>(), registered);
}

#[test]
fn page_size_is_clamped_to_the_rds_limits() {
    // MaxRecords must be 20..=100: below is refused by RDS, not shrunk.
    assert_eq!(clamp_page_size(1), 20);
    assert_eq!(clamp_page_size(20), 20);
    assert_eq!(clamp_page_size(50), 50);
    // orgscope's default page size is EC2's 1000.
    assert_eq!(clamp_page_size(1000), 100);
}

#[test]
fn an_instance_converts_with_its_fields_tags_subnet_and_groups() {
    let got = AT.instances(&[instances_page(vec![primary("orders-db")], None)]);
    assert_eq!(got.len(), 1);
    let r = &got[0];
    assert_eq!((r.kind, r.id.as_str()), (kinds::DB_INSTANCE, "orders-db"));
    assert_eq!(r.name.as_deref(), Some("orders-db"), "its identifier");
    assert_eq!(r.arn(), "arn:aws:rds:eu-west-1:111111111111:db:orders-db");
    assert_eq!(r.tags.get("owner").map(String::as_str), Some("team-a"));
    for (f, v) in [
        ("engine", Value::from("postgres")),
        ("engine_version", "15.7".into()),
        ("instance_class", "db.r6g.xlarge".into()),
        ("multi_az", true.into()),
        ("storage_type", "gp3".into()),
        ("allocated_storage", 500_i64.into()),
        ("storage_encrypted", true.into()),
        ("publicly_accessible", false.into()),
        ("status", "available".into()),
        (
            "endpoint",
            "orders-db.c1.eu-west-1.rds.amazonaws.com".into(),
        ),
        ("port", 5432_i64.into()),
        ("az", "eu-west-1b".into()),
        ("backup_retention", 14_i64.into()),
        ("deletion_protection", true.into()),
        ("created", "2023-11-14T22:13:20Z".into()),
    ] {
        assert_eq!(r.get(f), Some(&v), "{f}");
    }
    // The subnet of its group in its zone; its groups sorted.
    let to = |rel| -> Vec<&str> { r.edges(rel).map(|e| e.to.as_str()).collect() };
    assert_eq!(to(Rel::InVpc), ["vpc-1"]);
    assert_eq!(to(Rel::InSubnet), ["subnet-b"]);
    assert_eq!(to(Rel::MemberOf), ["sg-1", "sg-2"]);
    assert!(to(Rel::ReplicaOf).is_empty() && to(Rel::InCluster).is_empty());
}

#[test]
fn missing_fields_stay_empty_and_an_unknown_zone_means_every_subnet() {
    let bare = DbInstance::builder()
        .db_instance_identifier("bare")
        .db_subnet_group(group(
            "vpc-1",
            &[("subnet-b", "eu-west-1b"), ("subnet-a", "eu-west-1a")],
        ))
        .build();
    let named = DbInstance::builder()
        .db_instance_identifier("tagged")
        .tag_list(tag("Name", "orders database"))
        .build();
    let nameless = DbInstance::builder().engine("mysql").build();
    let got = AT.instances(&[instances_page(vec![bare, nameless, named], None)]);
    assert_eq!(got.len(), 2, "the one without an identifier is skipped");
    let r = &got[0];
    for f in [
        "engine",
        "multi_az",
        "storage_encrypted",
        "publicly_accessible",
        "allocated_storage",
        "port",
        "deletion_protection",
        "created",
    ] {
        assert_eq!(r.get(f), Some(&Value::Null), "{f} is not defaulted");
    }
    let subnets: Vec<&str> = r.edges(Rel::InSubnet).map(|e| e.to.as_str()).collect();
    assert_eq!(subnets, ["subnet-a", "subnet-b"]);
    assert_eq!(got[1].name.as_deref(), Some("orders database"));
}

#[test]
fn replicas_name_their_source_here_in_another_region_or_another_account() {
    let replica = |id: &str, source: &str| {
        DbInstance::builder()
            .db_instance_identifier(id)
            .read_replica_source_db_instance_identifier(source)
            .build()
    };
    let got = AT.instances(&[instances_page(
        vec![
            // Same region: an identifier (its source may be gone; it
            // still shows by name).
            replica("local", "orders-db"),
            // Another region: an ARN.
            replica("dr", "arn:aws:rds:us-east-1:111111111111:db:orders-db"),
            // Another account and region (moto cannot create this one).
            replica(
                "shared",
                "arn:aws:rds:us-east-1:222222222222:db:payments-db",
            ),
            // A Multi-AZ DB cluster's replica names a cluster.
            replica(
                "from-cluster",
                "arn:aws:rds:eu-west-1:111111111111:cluster:big",
            ),
            replica("odd", "arn:aws:s3:::not-a-db"),
        ],
        None,
    )]);
    let source = |i: usize| edges(&got[i], Rel::ReplicaOf)[0].clone();
    assert_eq!(
        source(0),
        Edge::new(Rel::ReplicaOf, kinds::DB_INSTANCE, "orders-db").named("orders-db")
    );
    assert_eq!(
        source(1),
        Edge::new(Rel::ReplicaOf, kinds::DB_INSTANCE, "orders-db")
            .named("orders-db")
            .in_region("us-east-1")
    );
    assert_eq!(
        source(2),
        Edge::new(Rel::ReplicaOf, kinds::DB_INSTANCE, "payments-db")
            .named("payments-db")
            .in_account("222222222222")
            .in_region("us-east-1")
    );
    assert_eq!(
        source(3),
        Edge::new(Rel::ReplicaOf, kinds::DB_CLUSTER, "big").named("big")
    );
    // Not an RDS ARN: kept as it is, never dropped.
    assert_eq!(source(4).to, "arn:aws:s3:::not-a-db");
}

#[test]
fn a_cluster_takes_its_subnets_from_a_member_and_names_its_writer() {
    let member = |id: &str, writer: bool| {
        DbClusterMember::builder()
            .db_instance_identifier(id)
            .is_cluster_writer(writer)
            .build()
    };
    let cluster = DbCluster::builder()
        .db_cluster_identifier("orders")
        .engine("aurora-postgresql")
        .engine_version("15.4")
        .engine_mode("provisioned")
        .multi_az(true)
        .storage_encrypted(true)
        .status("available")
        .endpoint("orders.cluster-c1.eu-west-1.rds.amazonaws.com")
        .reader_endpoint("orders.cluster-ro-c1.eu-west-1.rds.amazonaws.com")
        .port(5432)
        .db_cluster_members(member("orders-2", false))
        .db_cluster_members(member("orders-1", true))
        .vpc_security_groups(sg("sg-1"))
        .replication_source_identifier("arn:aws:rds:us-east-1:111111111111:cluster:orders-main")
        .tag_list(tag("env", "prod"))
        .build();
    let orphan = DbCluster::builder()
        .db_cluster_identifier("headless")
        .build();
    let member_instance = DbInstance::builder()
        .db_instance_identifier("orders-1")
        .db_cluster_identifier("orders")
        .availability_zone("eu-west-1a")
        .db_subnet_group(group(
            "vpc-1",
            &[("subnet-b", "eu-west-1b"), ("subnet-a", "eu-west-1a")],
        ))
        .build();
    let instances = [instances_page(vec![member_instance], None)];
    let got = AT.clusters(
        &[clusters_page(vec![cluster.clone(), orphan])],
        Ok(&instances),
    );
    let c = &got[0];
    assert_eq!(c.arn(), "arn:aws:rds:eu-west-1:111111111111:cluster:orders");
    assert_eq!(c.get("members"), Some(&Value::from(2_i64)));
    assert_eq!(c.text("writer"), Some("orders-1"));
    assert_eq!(c.text("engine_mode"), Some("provisioned"));
    assert_eq!(c.get("multi_az"), Some(&Value::from(true)));
    assert_eq!(c.text("note"), None);
    let to = |r: &Resource, rel| -> Vec<String> { r.edges(rel).map(|e| e.to.clone()).collect() };
    assert_eq!(to(c, Rel::InVpc), ["vpc-1"]);
    assert_eq!(to(c, Rel::InSubnet), ["subnet-a", "subnet-b"]);
    assert_eq!(to(c, Rel::MemberOf), ["sg-1"]);
    assert_eq!(
        edges(c, Rel::ReplicaOf)[0].region.as_deref(),
        Some("us-east-1")
    );
    // The member's own conversion has its cluster edge.
    let i = AT.instances(&instances);
    assert_eq!(to(&i[0], Rel::InCluster), ["orders"]);
    assert_eq!(to(&i[0], Rel::InSubnet), ["subnet-a"]);

    let headless = &got[1];
    assert!(headless.relations.is_empty());
    assert!(
        headless
            .text("note")
            .unwrap_or_default()
            .contains("no member instances"),
        "{:?}",
        headless.text("note")
    );
    // The instances could not be listed: the cluster is still listed,
    // saying why its network is unknown.
    let denied = Failure::new(CoverageStatus::Denied, "AccessDenied", "no");
    let got = AT.clusters(&[clusters_page(vec![cluster])], Err(&denied));
    assert_eq!(got.len(), 1);
    assert!(edges(&got[0], Rel::InSubnet).is_empty());
    assert!(
        got[0]
            .text("note")
            .unwrap_or_default()
            .contains("DescribeDBInstances failed (AccessDenied)")
    );
}

#[test]
fn paging_follows_markers_to_the_end_and_keeps_each_instance_once() {
    let asked = std::sync::Mutex::new(Vec::new());
    let served = vec![
        instances_page(vec![primary("a")], Some("m1")),
        instances_page(vec![primary("b"), primary("a")], Some("m2")),
        instances_page(vec![primary("c")], Some("")),
    ];
    let got = block_on(pages(
        "DescribeDBInstances",
        Page::marker,
        recorded(served, &asked),
    ))
    .unwrap();
    assert_eq!(got.len(), 3, "an empty marker ends the listing");
    assert_eq!(
        *asked.lock().unwrap(),
        [None, Some("m1".into()), Some("m2".into())]
    );
    let ids: Vec<String> = AT.instances(&got).into_iter().map(|r| r.id).collect();
    assert_eq!(ids, ["a", "b", "c"]);
}

#[test]
fn a_repeated_marker_or_a_failed_page_fails_the_cell() {
    let asked = std::sync::Mutex::new(Vec::new());
    let looping = vec![
        instances_page(vec![], Some("x")),
        instances_page(vec![], Some("x")),
    ];
    let f = block_on(pages(
        "DescribeDBInstances",
        Page::marker,
        recorded(looping, &asked),
    ))
    .unwrap_err();
    assert_eq!(f.code.as_deref(), Some("RepeatedPageToken"));
    // A later page refused: the first page is not passed off as the
    // whole account-region.
    let first_has_marker = vec![
        Ok(DescribeDbClustersOutput::builder().marker("m").build()),
        Err(Failure::new(
            CoverageStatus::Throttled,
            "Throttling",
            "slow down",
        )),
    ];
    let f = block_on(pages(
        "DescribeDBClusters",
        Page::marker,
        recorded_results(first_has_marker, &asked),
    ))
    .unwrap_err();
    assert_eq!(f.status, CoverageStatus::Throttled);
}

fn offline_client() -> rds::Client {
    let conf = rds::Config::builder()
        .behavior_version(rds::config::BehaviorVersion::latest())
        .region(rds::config::Region::new("eu-west-1"))
        .build();
    rds::Client::from_conf(conf)
}

#[test]
fn describing_an_api_without_a_collector_is_unknown() {
    // Never sends a request: the name is refused before any call.
    let r = block_on(describe_one(
        &offline_client(),
        ACCT,
        "eu-west-1",
        100,
        "rds:DescribeDBSnapshots",
    ));
    assert_eq!(
        r.err().map(|f| (f.status, f.code)),
        Some((CoverageStatus::Error, Some("UnknownApi".to_string())))
    );
}
