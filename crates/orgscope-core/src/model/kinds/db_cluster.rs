//! Aurora DB clusters (and Multi-AZ DB clusters): one storage volume, a
//! writer and readers that are DB instances of their own (each with an
//! `in_cluster` edge here). The id is the `DBClusterIdentifier`, which the
//! ARN (`…:cluster:ID`) ends with.
//!
//! `DescribeDBClusters` names the cluster's subnet group but not its
//! subnets or VPC: the collector reads them from its member instances'
//! subnet group (the same group, which Aurora requires), listed by the
//! region's `DescribeDBInstances`, so no third read action is needed. A
//! cluster whose members are not known (none, or the instances could not
//! be listed) has no subnet or VPC edge and a `note` that says why.
//!
//! Compared as for instances: engine, version, mode, Multi-AZ, encryption,
//! its security groups and replication source. Not compared: the member
//! count (test runs fewer readers by design; Multi-AZ already says whether
//! it survives a zone), the writer (an id that fails over), endpoints and
//! status. The diagram draws its members in their subnets; the cluster
//! itself would be one more box for the same database, so it is hidden
//! there (tables, details and the diff have it).

use crate::model::kind::{Draw, FieldDef, KeyDef, KindDef, RelationDef, Scope, ValueType};
use crate::model::relation::Rel;

pub(super) static DEF: KindDef = KindDef {
    name: "db_cluster",
    aliases: &[
        "aurora",
        "aurora_cluster",
        "aurora_clusters",
        "rds_cluster",
        "rds_clusters",
        "db_clusters",
    ],
    label: "DB clusters",
    service: "rds",
    api: "rds:DescribeDBClusters",
    scope: Scope::Regional,
    arn: "arn:{partition}:rds:{region}:{account}:cluster:{id}",
    fields: &[
        FieldDef::text("engine", "Engine")
            .column()
            .compared()
            .facet(),
        FieldDef::text("engine_version", "Engine version")
            .aliases(&["version"])
            .column()
            .compared()
            .facet(),
        // `provisioned`, `serverless`, `global`, `multimaster`, `parallelquery`.
        FieldDef::text("engine_mode", "Mode")
            .aliases(&["mode"])
            .column()
            .compared()
            .facet(),
        FieldDef::text("multi_az", "Multi-AZ")
            .typed(ValueType::Bool)
            .column()
            .compared(),
        FieldDef::text("storage_encrypted", "Encrypted")
            .typed(ValueType::Bool)
            .aliases(&["encrypted"])
            .compared(),
        FieldDef::text("members", "Members")
            .typed(ValueType::Number)
            .column(),
        // The writer instance's identifier.
        FieldDef::text("writer", "Writer"),
        FieldDef::text("status", "Status").column().facet(),
        FieldDef::text("endpoint", "Endpoint").aliases(&["address"]),
        FieldDef::text("reader_endpoint", "Reader endpoint"),
        FieldDef::text("port", "Port").typed(ValueType::Number),
        FieldDef::text("backup_retention", "Backup days")
            .typed(ValueType::Number)
            .aliases(&["backups"]),
        FieldDef::text("deletion_protection", "Deletion protection").typed(ValueType::Bool),
        FieldDef::text("created", "Created").typed(ValueType::Time),
        // Why an edge is missing (see the module doc).
        FieldDef::text("note", "Note"),
    ],
    key: KeyDef::Name,
    relations: &[
        RelationDef::to(Rel::InVpc, &["vpc"]),
        RelationDef::to(Rel::InSubnet, &["subnet"]),
        RelationDef::to(Rel::MemberOf, &["security_group"]).compared("security_groups"),
        RelationDef::to(Rel::ReplicaOf, &["db_cluster", "db_instance"]).compared("replica_of"),
    ],
    draw: Draw::Hidden,
    counted: None,
};

/// The kind on the demo estate, through the generic layers only.
#[cfg(test)]
mod tests {
    use crate::demo::{DEFAULT_ACCOUNTS, demo_estate};
    use crate::diff::{DiffOptions, EntryStatus, diff};
    use crate::model::{Rel, kinds};
    use crate::query::{self, Context};

    fn rows(ctx: &Context, q: &str) -> Vec<usize> {
        query::filter(ctx, &query::parse(q).expect("query parses"), None)
    }

    #[test]
    fn clusters_hold_their_members_and_secondaries_replicate() {
        let e = demo_estate(DEFAULT_ACCOUNTS);
        let ctx = Context::new(&e);
        let all = rows(&ctx, "type:db_cluster");
        assert!(!all.is_empty());
        assert_eq!(
            rows(
                &ctx,
                "type:aurora engine:aurora-postgresql mode:provisioned"
            ),
            all
        );
        for &i in &all {
            let c = &e.resources[i];
            // Its member count is the instances in it, the writer one of them.
            let members: Vec<&str> = e
                .resources
                .iter()
                .filter(|r| {
                    r.kind == kinds::DB_INSTANCE
                        && r.account_id == c.account_id
                        && r.edges(Rel::InCluster).any(|x| x.to == c.id)
                })
                .map(|r| r.id.as_str())
                .collect();
            assert_eq!(
                c.get("members").and_then(|v| v.as_number()),
                Some(members.len() as i64)
            );
            assert!(members.contains(&c.text("writer").expect("writer")));
            assert_eq!(
                c.get("multi_az").and_then(|v| v.as_bool()),
                Some(members.len() > 1)
            );
            // In all three private subnets of its VPC.
            assert_eq!(c.edges(Rel::InSubnet).count(), 3);
            for edge in &c.relations {
                assert!(ctx.resolve(c, edge).is_some(), "{} {edge:?}", c.id);
            }
        }
        let secondaries = rows(&ctx, "type:db_cluster replica-of:*-aurora");
        assert!(!secondaries.is_empty());
        assert!(
            secondaries
                .iter()
                .all(|&i| e.resources[i].id.contains("-dr-"))
        );
    }

    #[test]
    fn twins_clusters_match() {
        let e = demo_estate(DEFAULT_ACCOUNTS);
        let ctx = Context::new(&e);
        let rep = diff(
            &e,
            &rows(&ctx, "ou:Prod type:db_cluster"),
            &e,
            &rows(&ctx, "ou:Test type:db_cluster"),
            &DiffOptions {
                include_same: true,
                ..DiffOptions::default()
            },
        );
        assert!(
            rep.entries
                .iter()
                .any(|x| x.key == "orders/us-east-1/orders-aurora" && x.status == EntryStatus::Same),
            "{:?}",
            rep.entries
        );
        assert!(
            rep.entries
                .iter()
                .all(|x| matches!(x.status, EntryStatus::Same | EntryStatus::NotCollected)),
            "{:?}",
            rep.entries
        );
    }
}
