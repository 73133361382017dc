//! RDS DB instances: a standalone database (Postgres, MySQL …), a read
//! replica of one, or a member of an Aurora cluster. The id is the
//! `DBInstanceIdentifier`, which the ARN (`…:db:ID`) ends with and which
//! is the name RDS itself shows, so a replica's source and a cluster's
//! members name it the same way.
//!
//! What a prod/test compare reports is the configuration that decides how
//! the database behaves and fails: engine and version, class, Multi-AZ,
//! storage type, encryption and public access, its security groups, its
//! cluster and its replication source. Not compared: the endpoint, port
//! and status (addresses and moments, not configuration); the allocated
//! size, which storage autoscaling grows on its own in a busy prod; the
//! backup retention and deletion protection, which a test account lowers
//! on purpose and would flag on every pair.
//!
//! The status is a field named `status`, not `state`: the network diagram
//! draws a node kind with a `state` field as running only when it reads
//! `running`/`available`/…, and RDS has a score of statuses that are up
//! (`backing-up`, `modifying`, `storage-optimization` …) which it would
//! draw as down.

use crate::model::kind::{Draw, FieldDef, KeyDef, KindDef, RelationDef, Scope, ValueType};
use crate::model::relation::Rel;

pub(super) static DEF: KindDef = KindDef {
    name: "db_instance",
    aliases: &[
        "rds",
        "db",
        "rds_instance",
        "rds_instances",
        "db_instances",
        "database",
        "databases",
    ],
    label: "DB instances",
    service: "rds",
    api: "rds:DescribeDBInstances",
    scope: Scope::Regional,
    arn: "arn:{partition}:rds:{region}:{account}:db:{id}",
    // Compared fields are listed in the order a diff reports them.
    fields: &[
        // `postgres`, `mysql`, `aurora-postgresql` …
        FieldDef::text("engine", "Engine")
            .column()
            .compared()
            .facet(),
        FieldDef::text("engine_version", "Engine version")
            .aliases(&["version"])
            .column()
            .compared()
            .facet(),
        FieldDef::text("instance_class", "Class")
            .aliases(&["class", "db-class"])
            .column()
            .compared()
            .facet(),
        FieldDef::text("multi_az", "Multi-AZ")
            .typed(ValueType::Bool)
            .column()
            .compared(),
        // `gp3`, `io1`, `aurora` …
        FieldDef::text("storage_type", "Storage type")
            .compared()
            .facet(),
        FieldDef::text("storage_encrypted", "Encrypted")
            .typed(ValueType::Bool)
            .aliases(&["encrypted"])
            .compared(),
        FieldDef::text("publicly_accessible", "Public")
            .typed(ValueType::Bool)
            .aliases(&["public", "publicly-accessible"])
            .column()
            .compared(),
        // GiB; Aurora members report 1 (the cluster's volume grows apart).
        FieldDef::text("allocated_storage", "Storage GiB")
            .typed(ValueType::Number)
            .aliases(&["storage"]),
        // `available`, `backing-up`, `stopped`, `modifying` …
        FieldDef::text("status", "Status").column().facet(),
        FieldDef::text("endpoint", "Endpoint").aliases(&["address"]),
        FieldDef::text("port", "Port").typed(ValueType::Number),
        FieldDef::text("az", "AZ")
            .key("availability_zone")
            .column()
            .facet(),
        // Days; 0 is no automated backups.
        FieldDef::text("backup_retention", "Backup days")
            .typed(ValueType::Number)
            .aliases(&["backups"]),
        FieldDef::text("deletion_protection", "Deletion protection").typed(ValueType::Bool),
        FieldDef::text("created", "Created").typed(ValueType::Time),
    ],
    key: KeyDef::Name,
    relations: &[
        RelationDef::to(Rel::InVpc, &["vpc"]),
        RelationDef::to(Rel::InSubnet, &["subnet"]),
        RelationDef::to(Rel::MemberOf, &["security_group"]).compared("security_groups"),
        RelationDef::to(Rel::InCluster, &["db_cluster"]).compared("cluster"),
        RelationDef::to(Rel::ReplicaOf, &["db_instance", "db_cluster"]).compared("replica_of"),
    ],
    draw: Draw::Node {
        glyph: "RDS",
        label: "engine",
    },
    counted: None,
};

/// The kind on the demo estate, through the generic layers only.
#[cfg(test)]
mod tests {
    use crate::demo::{DEFAULT_ACCOUNTS, demo_estate};
    use crate::diff::{DiffOptions, EntryStatus, diff};
    use crate::model::arn::{self, Arn, Tagged};
    use crate::model::{Rel, Tags, kinds};
    use crate::query::{self, Context};

    fn rows(ctx: &Context, q: &str) -> Vec<usize> {
        query::filter(ctx, &query::parse(q).expect("query parses"), None)
    }

    #[test]
    fn fields_filter_and_the_drifted_twin_is_the_public_single_az_one() {
        let e = demo_estate(DEFAULT_ACCOUNTS);
        let ctx = Context::new(&e);
        let all = rows(&ctx, "type:db_instance");
        assert!(!all.is_empty());
        assert_eq!(rows(&ctx, "type:rds"), all);
        assert_eq!(rows(&ctx, "type:db status:available"), all);
        // The example: test runs 16, single-AZ, publicly
        // accessible; only it is public.
        let public = rows(&ctx, "type:db_instance publicly-accessible:true");
        let names: Vec<&str> = public
            .iter()
            .filter_map(|&i| e.resources[i].name.as_deref())
            .collect();
        assert_eq!(names, ["payments-test-db"]);
        assert_eq!(
            rows(
                &ctx,
                "type:db_instance engine:postgres version:16.3 multi-az:false public:true"
            ),
            public
        );
        let ownerless = rows(&ctx, "type:db -has:owner");
        assert_eq!(ownerless, public, "the drifted twin's DB lost its owner");
        // Every database is encrypted; the prod Postgres ones Multi-AZ.
        assert_eq!(rows(&ctx, "type:db encrypted:true"), all);
        assert!(!rows(&ctx, "type:db engine:postgres env=prod multi-az:true").is_empty());
        assert!(
            rows(
                &ctx,
                "type:db engine:postgres env=prod name:*-prod-db multi-az:false"
            )
            .is_empty()
        );
        // Aurora members sit in their cluster; in the `db` group or the DR
        // VPC's default one.
        let members = rows(&ctx, "type:db engine:aurora-postgresql");
        assert!(!members.is_empty());
        assert_eq!(rows(&ctx, "type:db cluster:*-aurora"), members);
        assert_eq!(
            rows(&ctx, "type:db sg:*-db").len() + rows(&ctx, "type:db sg:default").len(),
            all.len()
        );
        // In private subnets, except the drifted twin's.
        assert_eq!(rows(&ctx, "type:db subnet:*-public-*"), public);
        for &i in &all {
            let r = &e.resources[i];
            assert_eq!(r.edges(Rel::InSubnet).count(), 1, "{}", r.id);
            for edge in r.relations.iter().filter(|x| x.rel != Rel::ReplicaOf) {
                assert!(ctx.resolve(r, edge).is_some(), "{} {edge:?}", r.id);
            }
        }
    }

    #[test]
    fn replicas_reach_their_source_in_another_region() {
        let e = demo_estate(DEFAULT_ACCOUNTS);
        let ctx = Context::new(&e);
        let replicas = rows(&ctx, "type:db replica-of:*");
        // Prod's and test's DR replica for each Postgres app.
        assert!(replicas.len() >= 4, "{replicas:?}");
        for &i in &replicas {
            let r = &e.resources[i];
            let edge = r.edges(Rel::ReplicaOf).next().expect("a source");
            // Every source is in another region of the same account:
            // RDS makes no replica across accounts.
            assert!(edge.region.is_some(), "{edge:?}");
            assert_eq!(edge.account_id, None, "{edge:?}");
            let source = ctx
                .resolve(r, edge)
                .map(|s| &e.resources[s])
                .unwrap_or_else(|| panic!("{}'s source is in the estate", r.id));
            assert_eq!(source.kind, kinds::DB_INSTANCE);
            assert_eq!(Some(source.id.as_str()), edge.name.as_deref());
            assert_eq!(source.get("engine_version"), r.get("engine_version"));
            assert_eq!(source.account_id, r.account_id);
            assert_ne!(source.region, r.region);
        }
        let payments = rows(&ctx, "type:db replica-of:payments-prod-db");
        assert_eq!(payments.len(), 1);
        assert_eq!(
            e.resources[payments[0]].name.as_deref(),
            Some("payments-prod-dr-db")
        );
    }

    #[test]
    fn db_arns_are_this_kind_and_no_longer_tagged_resources() {
        let e = demo_estate(DEFAULT_ACCOUNTS);
        let db = e
            .resources
            .iter()
            .find(|r| r.kind == kinds::DB_INSTANCE)
            .expect("a DB");
        let arn = db.arn();
        assert_eq!(
            arn,
            format!("arn:aws:rds:{}:{}:db:{}", db.region, db.account_id, db.id)
        );
        let parsed = Arn::parse(&arn).expect("parses");
        assert_eq!(arn::modelled_kind(&parsed), Some(kinds::DB_INSTANCE));
        assert_eq!(
            arn::tagged_resource(&db.account_id, &db.region, &arn, Tags::new()),
            Tagged::Modelled(kinds::DB_INSTANCE)
        );
        let cluster = "arn:aws:rds:eu-west-1:111111111111:cluster:orders-prod-aurora";
        assert_eq!(
            arn::modelled_kind(&Arn::parse(cluster).expect("parses")),
            Some(kinds::DB_CLUSTER)
        );
    }

    #[test]
    fn prod_vs_test_reports_version_multi_az_and_public_access() {
        let e = demo_estate(DEFAULT_ACCOUNTS);
        let ctx = Context::new(&e);
        let rep = diff(
            &e,
            &rows(&ctx, "ou:Prod type:db_instance"),
            &e,
            &rows(&ctx, "ou:Test type:db_instance"),
            &DiffOptions::default(),
        );
        type Change = (String, Option<String>, Option<String>);
        let changed: Vec<(&str, Vec<Change>)> = rep
            .entries
            .iter()
            .filter(|x| x.status != EntryStatus::NotCollected)
            .map(|x| {
                (
                    x.key.as_str(),
                    x.changes
                        .iter()
                        .map(|c| (c.field.clone(), c.left.clone(), c.right.clone()))
                        .collect(),
                )
            })
            .collect();
        let c = |f: &str, l: &str, r: &str| -> Change {
            (
                f.to_string(),
                (!l.is_empty()).then(|| l.to_string()),
                (!r.is_empty()).then(|| r.to_string()),
            )
        };
        assert_eq!(
            changed,
            [
                (
                    "payments/eu-west-1/payments-db",
                    vec![
                        c("engine_version", "15.7", "16.3"),
                        c("multi_az", "true", "false"),
                        c("publicly_accessible", "false", "true"),
                        c("tag:owner", "payments-team@example.com", ""),
                    ]
                ),
                (
                    "payments/us-east-1/payments-dr-db",
                    vec![c("engine_version", "15.7", "16.3")]
                ),
            ]
        );
        // The allocated size differs on every pair (prod's autoscaled),
        // and is not reported; neither are backups or deletion protection.
        let sizes_differ = rows(&ctx, "ou:Prod type:db engine:postgres")
            .iter()
            .any(|&i| {
                e.resources[i]
                    .get("allocated_storage")
                    .and_then(|v| v.as_number())
                    != Some(500)
            });
        assert!(sizes_differ);
    }
}
