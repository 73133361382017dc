//! RDS against moto: DB instances and an Aurora cluster seeded in a member
//! account (through AssumeRole, as the collector reaches it) and in the
//! management account (base credentials), in two regions, collected back
//! with their fields, subnets, groups, cluster membership and replication
//! sources — in the same region, in another region, and one whose source
//! was deleted and still shows by its name. The management account holds
//! more instances than a page (`MaxRecords` 20), so the `Marker` paging is
//! exercised on the wire. A replica of a database in another account is
//! something RDS (and so moto) cannot create: the collector's unit tests
//! cover that ARN with recorded responses.
//!
//! A proxy denying RDS in the member account makes exactly its two cells
//! per region `denied`, and the rest of that account is still collected.

use std::time::Duration;

use aws_config::SdkConfig;
use aws_credential_types::Credentials;
use orgscope::collect::{self, CollectOptions, Hooks, Regions};
use orgscope::model::{CoverageStatus, Estate, Rel, Resource, Value, kinds};
use tokio_util::sync::CancellationToken;

use crate::support::moto::{self, MANAGEMENT_ACCOUNT, Moto};
use crate::support::proxy::{Fault, FaultProxy, Match, Rule, Rules};
use crate::support::{runtime, seed};

const REGION: &str = moto::REGION;
/// The disaster-recovery region of the seeded replicas.
const DR: &str = "eu-west-1";
/// Instances in the management account beyond its database: more than
/// one page of 20.
const BULK: usize = 21;

async fn rds_client(conf: &SdkConfig, account_id: &str, region: &str) -> aws_sdk_rds::Client {
    let mut b = aws_sdk_rds::config::Builder::from(conf)
        .region(aws_types::region::Region::new(region.to_string()));
    if let Some(c) = seed::member_credentials(conf, account_id).await {
        b = b.credentials_provider(c);
    }
    aws_sdk_rds::Client::from_conf(b.build())
}

fn tag(k: &str, v: &str) -> aws_sdk_rds::types::Tag {
    aws_sdk_rds::types::Tag::builder().key(k).value(v).build()
}

/// What the member's network looks like: its VPC, subnets (zone a, b)
/// and the database security group.
struct Net {
    vpc: String,
    subnets: [String; 2],
    sg: String,
}

async fn network(conf: &SdkConfig, account: &str) -> Net {
    let ec2 = seed::ec2_client(conf, account, REGION).await;
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.40.0.0/16")
        .send()
        .await
        .expect("create_vpc")
        .vpc()
        .and_then(|v| v.vpc_id())
        .expect("vpc id")
        .to_string();
    let mut subnets = Vec::new();
    for (i, az) in ["a", "b"].iter().enumerate() {
        let s = ec2
            .create_subnet()
            .vpc_id(&vpc)
            .cidr_block(format!("10.40.{i}.0/24"))
            .availability_zone(format!("{REGION}{az}"))
            .send()
            .await
            .expect("create_subnet");
        subnets.push(
            s.subnet()
                .and_then(|s| s.subnet_id())
                .expect("subnet id")
                .to_string(),
        );
    }
    let sg = ec2
        .create_security_group()
        .group_name("shop-db")
        .description("database")
        .vpc_id(&vpc)
        .send()
        .await
        .expect("create_security_group")
        .group_id()
        .expect("group id")
        .to_string();
    let [a, b] = <[String; 2]>::try_from(subnets).expect("two subnets");
    Net {
        vpc,
        subnets: [a, b],
        sg,
    }
}

/// The org: the management account and one member, `shop-prod`, seeded.
/// Returns the member's id and its network.
async fn seeded_org(moto: &Moto) -> (String, Net) {
    let conf = moto.sdk_config().await;
    let mut org_seed = seed::empty_org(&conf).await;
    let org = aws_sdk_organizations::Client::new(&conf);
    let member = seed::create_account(
        &org,
        &mut org_seed,
        "shop-prod",
        "Workloads",
        Default::default(),
    )
    .await;
    let net = network(&conf, &member).await;

    let rds = rds_client(&conf, &member, REGION).await;
    rds.create_db_subnet_group()
        .db_subnet_group_name("shop-db")
        .db_subnet_group_description("shop databases")
        .subnet_ids(&net.subnets[0])
        .subnet_ids(&net.subnets[1])
        .send()
        .await
        .expect("create_db_subnet_group");
    let postgres = |id: &str| {
        rds.create_db_instance()
            .db_instance_identifier(id)
            .db_instance_class("db.m5.large")
            .engine("postgres")
            .engine_version("15.7")
            .allocated_storage(100)
            .master_username("shop")
            .master_user_password("password1")
            .db_subnet_group_name("shop-db")
            .vpc_security_group_ids(&net.sg)
    };
    postgres("shop-db")
        .multi_az(true)
        .storage_encrypted(true)
        .publicly_accessible(false)
        .availability_zone(format!("{REGION}a"))
        .tags(tag("env", "prod"))
        .tags(tag("owner", "team-shop"))
        .send()
        .await
        .expect("create shop-db");
    rds.create_db_instance_read_replica()
        .db_instance_identifier("shop-db-replica")
        .source_db_instance_identifier("shop-db")
        .send()
        .await
        .expect("in-region replica");
    // A replica whose source is then deleted.
    postgres("old-db").send().await.expect("create old-db");
    rds.create_db_instance_read_replica()
        .db_instance_identifier("old-db-replica")
        .source_db_instance_identifier("old-db")
        .send()
        .await
        .expect("replica of old-db");
    rds.delete_db_instance()
        .db_instance_identifier("old-db")
        .skip_final_snapshot(true)
        .send()
        .await
        .expect("delete old-db");
    rds.create_db_cluster()
        .db_cluster_identifier("shop-aurora")
        .engine("aurora-postgresql")
        .engine_version("15.4")
        .master_username("shop")
        .master_user_password("password1")
        .db_subnet_group_name("shop-db")
        .vpc_security_group_ids(&net.sg)
        .storage_encrypted(true)
        .tags(tag("env", "prod"))
        .send()
        .await
        .expect("create_db_cluster");
    for n in 1..=2 {
        rds.create_db_instance()
            .db_instance_identifier(format!("shop-aurora-{n}"))
            .db_instance_class("db.r6g.large")
            .engine("aurora-postgresql")
            .db_cluster_identifier("shop-aurora")
            .db_subnet_group_name("shop-db")
            .send()
            .await
            .expect("cluster member");
    }

    // The DR region: a replica of each, named by ARN.
    let dr = rds_client(&conf, &member, DR).await;
    dr.create_db_instance_read_replica()
        .db_instance_identifier("shop-db-dr")
        .source_db_instance_identifier(format!("arn:aws:rds:{REGION}:{member}:db:shop-db"))
        .send()
        .await
        .expect("cross-region replica");
    dr.create_db_cluster()
        .db_cluster_identifier("shop-aurora-dr")
        .engine("aurora-postgresql")
        .master_username("shop")
        .master_user_password("password1")
        .replication_source_identifier(format!("arn:aws:rds:{REGION}:{member}:cluster:shop-aurora"))
        .send()
        .await
        .expect("secondary cluster");

    // The management account: a public single-AZ database and a page's
    // worth more.
    let mgmt = rds_client(&conf, MANAGEMENT_ACCOUNT, REGION).await;
    for i in 0..=BULK {
        let id = if i == 0 {
            "ops-db".to_string()
        } else {
            format!("bulk-{i:02}")
        };
        mgmt.create_db_instance()
            .db_instance_identifier(id)
            .db_instance_class("db.t3.micro")
            .engine("postgres")
            .engine_version("16.3")
            .allocated_storage(20)
            .master_username("ops")
            .master_user_password("password1")
            .multi_az(false)
            .publicly_accessible(i == 0)
            .send()
            .await
            .expect("management instance");
    }
    (member, net)
}

fn options(base: SdkConfig) -> CollectOptions {
    CollectOptions {
        regions: Regions::List(vec![REGION.to_string(), DR.to_string()]),
        // RDS's smallest page: the management account's 22 instances
        // take two.
        page_size: 20,
        initial_backoff: Duration::from_millis(1),
        hooks: Hooks {
            base_config: Some(base),
            interceptors: Vec::new(),
        },
        ..CollectOptions::default()
    }
}

async fn run(opts: CollectOptions) -> Estate {
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    collect::collect(opts, tx, CancellationToken::new())
        .await
        .expect("collect")
}

fn ids(e: &Estate, account: &str, region: &str, kind: orgscope::model::Kind) -> Vec<String> {
    let mut out: Vec<String> = e
        .resources
        .iter()
        .filter(|r| r.account_id == account && r.region == region && r.kind == kind)
        .map(|r| r.id.clone())
        .collect();
    out.sort();
    out
}

fn find<'e>(e: &'e Estate, account: &str, id: &str) -> &'e Resource {
    e.resources
        .iter()
        .find(|r| r.account_id == account && r.id == id)
        .unwrap_or_else(|| panic!("{id} in {account}"))
}

fn to(r: &Resource, rel: Rel) -> Vec<String> {
    let mut v: Vec<String> = r.edges(rel).map(|e| e.to.clone()).collect();
    v.sort();
    v
}

#[test]
fn instances_and_clusters_of_two_accounts_with_their_relations() {
    let rt = runtime();
    rt.block_on(async {
        let moto = Moto::start();
        let (member, net) = seeded_org(&moto).await;
        let e = run(options(moto.sdk_config().await)).await;
        assert!(
            !e.is_partial(),
            "{:?}",
            e.failed_cells().collect::<Vec<_>>()
        );
        for account in [member.as_str(), MANAGEMENT_ACCOUNT] {
            for region in [REGION, DR] {
                for api in ["rds:DescribeDBInstances", "rds:DescribeDBClusters"] {
                    let cell = e.coverage.iter().find(|c| {
                        c.account_id == account && c.region == region && c.api.as_str() == api
                    });
                    assert_eq!(
                        cell.map(|c| c.status),
                        Some(CoverageStatus::Ok),
                        "{account} {region} {api}"
                    );
                }
            }
        }

        // Counts: every seeded database once, where it was made.
        assert_eq!(
            ids(&e, &member, REGION, kinds::DB_INSTANCE),
            [
                "old-db-replica",
                "shop-aurora-1",
                "shop-aurora-2",
                "shop-db",
                "shop-db-replica"
            ]
        );
        assert_eq!(ids(&e, &member, REGION, kinds::DB_CLUSTER), ["shop-aurora"]);
        assert_eq!(ids(&e, &member, DR, kinds::DB_INSTANCE), ["shop-db-dr"]);
        assert_eq!(ids(&e, &member, DR, kinds::DB_CLUSTER), ["shop-aurora-dr"]);
        let mgmt = ids(&e, MANAGEMENT_ACCOUNT, REGION, kinds::DB_INSTANCE);
        assert_eq!(mgmt.len(), BULK + 1, "both pages of 20: {mgmt:?}");
        assert!(ids(&e, MANAGEMENT_ACCOUNT, REGION, kinds::DB_CLUSTER).is_empty());

        // Fields, subnet (its zone's), VPC, group and tags.
        let db = find(&e, &member, "shop-db");
        assert_eq!(
            db.arn(),
            format!("arn:aws:rds:{REGION}:{member}:db:shop-db")
        );
        for (f, v) in [
            ("engine", Value::from("postgres")),
            ("engine_version", "15.7".into()),
            ("instance_class", "db.m5.large".into()),
            ("multi_az", true.into()),
            ("storage_encrypted", true.into()),
            ("publicly_accessible", false.into()),
            ("allocated_storage", 100_i64.into()),
            ("status", "available".into()),
            ("port", 5432_i64.into()),
            ("az", format!("{REGION}a").into()),
        ] {
            assert_eq!(db.get(f), Some(&v), "shop-db {f}");
        }
        assert!(
            db.text("endpoint")
                .is_some_and(|a| a.starts_with("shop-db."))
        );
        assert_eq!(to(db, Rel::InVpc), [net.vpc.as_str()]);
        assert_eq!(to(db, Rel::InSubnet), [net.subnets[0].as_str()]);
        assert_eq!(to(db, Rel::MemberOf), [net.sg.as_str()]);
        assert_eq!(db.tags.get("owner").map(String::as_str), Some("team-shop"));
        let ops = find(&e, MANAGEMENT_ACCOUNT, "ops-db");
        assert_eq!(ops.get("publicly_accessible"), Some(&Value::from(true)));
        assert_eq!(ops.get("multi_az"), Some(&Value::from(false)));

        let ctx = orgscope::query::Context::new(&e);
        let resolved = |r: &Resource, rel: Rel| -> Vec<(String, String, String)> {
            r.edges(rel)
                .filter_map(|x| ctx.resolve(r, x))
                .map(|i| {
                    let f = &e.resources[i];
                    (f.account_id.clone(), f.region.clone(), f.id.clone())
                })
                .collect()
        };
        let here = |id: &str| (member.clone(), REGION.to_string(), id.to_string());

        // The cluster: its members in it, its network from theirs.
        let cluster = find(&e, &member, "shop-aurora");
        assert_eq!(cluster.get("members"), Some(&Value::from(2_i64)));
        assert_eq!(cluster.text("engine_mode"), Some("provisioned"));
        assert_eq!(cluster.get("storage_encrypted"), Some(&Value::from(true)));
        assert_eq!(cluster.text("note"), None);
        assert_eq!(to(cluster, Rel::InVpc), [net.vpc.as_str()]);
        let mut subnets = net.subnets.to_vec();
        subnets.sort();
        assert_eq!(to(cluster, Rel::InSubnet), subnets);
        assert_eq!(to(cluster, Rel::MemberOf), [net.sg.as_str()]);
        for m in ["shop-aurora-1", "shop-aurora-2"] {
            let r = find(&e, &member, m);
            assert_eq!(resolved(r, Rel::InCluster), [here("shop-aurora")], "{m}");
        }
        assert!(
            cluster
                .text("writer")
                .is_some_and(|w| w.starts_with("shop-aurora-"))
        );

        // Replicas: in the region, from another region (an ARN), and one
        // whose source is gone but still named.
        let replica = find(&e, &member, "shop-db-replica");
        assert_eq!(resolved(replica, Rel::ReplicaOf), [here("shop-db")]);
        let dr = find(&e, &member, "shop-db-dr");
        let edge = dr.edges(Rel::ReplicaOf).next().expect("a source");
        assert_eq!(
            (
                edge.to.as_str(),
                edge.region.as_deref(),
                edge.account_id.as_deref()
            ),
            ("shop-db", Some(REGION), None)
        );
        assert_eq!(resolved(dr, Rel::ReplicaOf), [here("shop-db")]);
        let dr_cluster = find(&e, &member, "shop-aurora-dr");
        assert_eq!(resolved(dr_cluster, Rel::ReplicaOf), [here("shop-aurora")]);
        assert_eq!(
            dr_cluster.edges(Rel::ReplicaOf).next().and_then(|x| x.kind),
            Some(kinds::DB_CLUSTER)
        );
        // Its members are not known (it has none): said, not invented.
        assert!(dr_cluster.edges(Rel::InSubnet).next().is_none());
        assert!(dr_cluster.text("note").is_some());
        let orphan = find(&e, &member, "old-db-replica");
        let edge = orphan.edges(Rel::ReplicaOf).next().expect("a source");
        assert_eq!(
            (edge.to.as_str(), edge.name.as_deref()),
            ("old-db", Some("old-db"))
        );
        assert!(
            resolved(orphan, Rel::ReplicaOf).is_empty(),
            "old-db is gone"
        );

        // The filters reach them, and no RDS ARN is a tagged resource too.
        let q = |s: &str| {
            let parsed = orgscope::query::parse(s).expect("parses");
            orgscope::query::filter(&ctx, &parsed, None).len()
        };
        assert_eq!(q("type:db replica-of:shop-db"), 2);
        assert_eq!(q("type:db cluster:shop-aurora"), 2);
        assert_eq!(q("type:rds public:true"), 1);
        assert!(
            e.resources
                .iter()
                .filter(|r| r.kind == kinds::TAGGED_RESOURCE)
                .all(|r| r.text("service") != Some("rds"))
        );
    });
}

#[test]
fn a_denied_rds_is_its_denied_cells_and_the_rest_is_collected() {
    let rt = runtime();
    rt.block_on(async {
        let moto = Moto::start();
        let (member, net) = seeded_org(&moto).await;
        let rules = Rules::none().with(Rule::new(
            Match::any().service("rds").account(&member),
            Fault::Error {
                status: 403,
                code: "AccessDenied".into(),
                message: format!(
                    "User: arn:aws:sts::{member}:assumed-role/OrganizationAccountAccessRole/orgscope \
                     is not authorized to perform: rds:DescribeDBInstances"
                ),
            },
        ));
        let proxy = FaultProxy::start(&moto.endpoint(), rules)
            .await
            .expect("proxy");
        let base = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .endpoint_url(proxy.endpoint())
            .region(aws_config::Region::new(REGION))
            .credentials_provider(Credentials::new(
                moto::ACCESS_KEY,
                moto::ACCESS_KEY,
                None,
                None,
                "test",
            ))
            .load()
            .await;
        let e = run(options(base)).await;

        let mut failed: Vec<(&str, &str, &str, CoverageStatus)> = e
            .failed_cells()
            .map(|c| {
                (
                    c.account_id.as_str(),
                    c.region.as_str(),
                    c.api.as_str(),
                    c.status,
                )
            })
            .collect();
        failed.sort();
        let m = member.as_str();
        assert_eq!(
            failed,
            [
                (m, DR, "rds:DescribeDBClusters", CoverageStatus::Denied),
                (m, DR, "rds:DescribeDBInstances", CoverageStatus::Denied),
                (m, REGION, "rds:DescribeDBClusters", CoverageStatus::Denied),
                (m, REGION, "rds:DescribeDBInstances", CoverageStatus::Denied),
            ]
        );
        assert!(
            e.failed_cells()
                .all(|c| c.code.as_deref() == Some("AccessDenied"))
        );
        // Nothing of the member's RDS; its EC2 still there, and the
        // management account's databases.
        assert!(
            e.resources
                .iter()
                .all(|r| r.account_id != member || r.kind.def().service != "rds")
        );
        assert!(e.resources.iter().any(|r| r.account_id == member && r.id == net.vpc));
        assert!(e.resources.iter().any(|r| r.account_id == member && r.id == net.sg));
        assert_eq!(
            ids(&e, MANAGEMENT_ACCOUNT, REGION, kinds::DB_INSTANCE).len(),
            BULK + 1
        );
        assert!(proxy.seen("rds:DescribeDBInstances") >= 4, "both accounts asked");
    });
}
