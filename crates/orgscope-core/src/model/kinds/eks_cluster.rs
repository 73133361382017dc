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
