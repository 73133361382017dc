//! EKS clusters: the Kubernetes control planes of the estate. What drifts
//! and matters is the Kubernetes version (a test cluster a minor behind
//! prod is an upgrade not yet rehearsed) and who can reach the API
//! endpoint: private only, or public — and from where
//! (`public_access_cidrs`). The cluster sits in its VPC's subnets with
//! its security groups (the one EKS creates for the cluster and any
//! added), and runs as its service role (`RunsAs`).
//!
//! The id is the cluster name (unique per account-region), which rebuilds
//! the ARN (`cluster/NAME`) and pairs twins (`payments-prod-eks` ≈
//! `payments-test-eks`). The cell is `eks:ListClusters`; each cluster's
//! details and tags come from `eks:DescribeCluster` under the same cell.
//!
//! Not `cluster` as an alias: Aurora's `db_cluster` is a cluster too.

use crate::model::kind::{Draw, FieldDef, KeyDef, KindDef, RelationDef, Scope, ValueType};
use crate::model::relation::Rel;

pub(super) static DEF: KindDef = KindDef {
    name: "eks_cluster",
    aliases: &["eks", "k8s", "kubernetes", "eks_clusters"],
    label: "EKS clusters",
    service: "eks",
    api: "eks:ListClusters",
    scope: Scope::Regional,
    arn: "arn:{partition}:eks:{region}:{account}:cluster/{id}",
    fields: &[
        // The Kubernetes version, `1.30`.
        FieldDef::text("version", "Version")
            .aliases(&["k8s-version"])
            .column()
            .compared()
            .facet(),
        // `eks.8`: moves with AWS's patching, not drift.
        FieldDef::text("platform_version", "Platform version").facet(),
        // `ACTIVE`, `CREATING`, `UPDATING`, `DELETING`, `FAILED`. Answers
        // to `state` too, which is what the network diagram draws up or
        // down by.
        FieldDef::text("status", "Status")
            .aliases(&["state"])
            .column()
            .facet(),
        FieldDef::text("endpoint_public_access", "Public endpoint")
            .typed(ValueType::Bool)
            .aliases(&["public-endpoint"])
            .column()
            .compared(),
        FieldDef::text("endpoint_private_access", "Private endpoint")
            .typed(ValueType::Bool)
            .aliases(&["private-endpoint"])
            .compared(),
        // Where the public endpoint may be reached from (AWS keeps the
        // list, `0.0.0.0/0` by default, even while the endpoint is off).
        FieldDef::text("public_access_cidrs", "Public access CIDRs")
            .typed(ValueType::List)
            .aliases(&["public-cidrs"])
            .compared(),
        FieldDef::text("endpoint", "Endpoint"),
        // Something about the cluster that could not be read, said once.
        FieldDef::text("note", "Note"),
    ],
    key: KeyDef::Name,
    relations: &[
        RelationDef::to(Rel::InVpc, &["vpc"]),
        RelationDef::to(Rel::InSubnet, &["subnet"]),
        RelationDef::to(Rel::MemberOf, &["security_group"]).compared("security_groups"),
        RelationDef::to(Rel::RunsAs, &["iam_role"]).compared("service_role"),
    ],
    draw: Draw::Node {
        glyph: "EKS",
        label: "version",
    },
    counted: None,
};

/// The kind on the demo estate, through the generic layers only.
#[cfg(test)]
mod tests {
    use crate::demo::{DEFAULT_ACCOUNTS, demo_estate};
    use crate::diff::{DiffOptions, EntryStatus, diff};
    use crate::model::arn::{Arn, modelled_kind};
    use crate::model::{Rel, kinds};
    use crate::query::{self, Context};

    fn rows(ctx: &Context, q: &str) -> Vec<usize> {
        query::filter(ctx, &query::parse(q).expect("query parses"), None)
    }

    #[test]
    fn fields_and_relations_filter_and_every_edge_lands_in_the_estate() {
        let e = demo_estate(DEFAULT_ACCOUNTS);
        let ctx = Context::new(&e);
        let all = rows(&ctx, "type:eks_cluster");
        // payments, identity and billing: prod, test and (but billing) dev.
        assert_eq!(all.len(), 3 + 3 + 2);
        assert_eq!(
            rows(&ctx, "type:k8s state:ACTIVE private-endpoint:true"),
            all
        );
        let public = rows(&ctx, "type:eks endpoint-public-access:true");
        assert_eq!(public.len(), 1);
        let open = &e.resources[public[0]];
        assert_eq!(open.name.as_deref(), Some("payments-test-eks"));
        assert_eq!(rows(&ctx, "type:eks public-cidrs:0.0.0.0/0"), public);
        assert_eq!(rows(&ctx, "type:eks version:1.29"), public);
        assert_eq!(rows(&ctx, "type:kubernetes role:*-eks-cluster"), all);
        assert_eq!(rows(&ctx, "type:eks subnet:*-private-* sg:*-app"), all);
        for &i in &all {
            let c = &e.resources[i];
            for edge in &c.relations {
                assert!(ctx.resolve(c, edge).is_some(), "{} {edge:?}", c.id);
            }
            assert_eq!(c.edges(Rel::InSubnet).count(), 3);
        }
        let arn = open.arn();
        assert_eq!(
            arn,
            format!(
                "arn:aws:eks:eu-west-1:{}:cluster/payments-test-eks",
                open.account_id
            )
        );
        assert_eq!(
            Arn::parse(&arn).and_then(|a| modelled_kind(&a)),
            Some(kinds::EKS_CLUSTER)
        );
    }

    #[test]
    fn prod_vs_test_reports_the_version_and_the_open_endpoint() {
        let e = demo_estate(DEFAULT_ACCOUNTS);
        let ctx = Context::new(&e);
        let rep = diff(
            &e,
            &rows(&ctx, "ou:Prod type:eks"),
            &e,
            &rows(&ctx, "ou:Test type:eks"),
            &DiffOptions::default(),
        );
        let changed: Vec<_> = rep
            .entries
            .iter()
            .filter(|x| x.status != EntryStatus::NotCollected)
            .collect();
        assert_eq!(changed.len(), 1, "{changed:?}");
        assert_eq!(changed[0].key, "payments/eu-west-1/payments-eks");
        let got: Vec<(&str, Option<&str>, Option<&str>)> = changed[0]
            .changes
            .iter()
            .map(|c| (c.field.as_str(), c.left.as_deref(), c.right.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("version", Some("1.30"), Some("1.29")),
                ("endpoint_public_access", Some("false"), Some("true")),
                (
                    "public_access_cidrs",
                    Some("203.0.113.0/24"),
                    Some("0.0.0.0/0")
                ),
            ]
        );
    }
}
