//! Every taggable resource of an account-region that the Resource Groups
//! Tagging API (`GetResources`) returns and no other kind models: SQS
//! queues, SNS topics, KMS keys, log groups, secrets, RDS databases … one
//! generic kind, so tag filters (`-has:owner`, `env=prod`), grouping by
//! tag and tag compliance reach the whole estate, not only the kinds
//! orgscope describes field by field.
//!
//! The id is the ARN itself (the template is `{id}`, so "copy ARN" gives
//! it back); `service` and `resource_type` are read from it
//! ([`model::arn`](crate::model::arn), which also says why the EC2 and
//! ELBv2 resources the API returns are left to their own kinds). The name
//! is the `Name` tag. Unnamed resources pair across environments by their
//! resource part (`queue/payments-prod-orders` ≈ `queue/payments-test-orders`,
//! normalised); only their tags are compared, as for every kind: the API
//! says nothing else about them.
//!
//! Regional: the cell is `tag:GetResources` per account-region. Global
//! resources the API reports from one region (CloudFront, Route 53) are
//! filed under the region that listed them.

use crate::model::kind::{Draw, FieldDef, KeyDef, KindDef, Scope};

pub(super) static DEF: KindDef = KindDef {
    name: "tagged_resource",
    aliases: &["tagged", "tagged-resource", "tagged_resources"],
    label: "Tagged resources",
    service: "tag",
    api: "tag:GetResources",
    scope: Scope::Regional,
    arn: "{id}",
    fields: &[
        FieldDef::text("service", "Service").column().facet(),
        FieldDef::text("resource_type", "Resource type")
            .aliases(&["rtype", "resource-type"])
            .column()
            .facet(),
        // The diff key of unnamed ones (see the module doc).
        FieldDef::text("resource", "Resource").normalised(),
        // Why an ARN could not be read; absent when it could.
        FieldDef::text("note", "Note"),
    ],
    key: KeyDef::NameElse("resource"),
    relations: &[],
    draw: Draw::Hidden,
    counted: None,
};
