//! Customer-managed IAM policies (AWS-managed ones are not resources of
//! the account: an edge to one stays outside the estate, named). The id is
//! the ARN's resource part (`policy/PATH/NAME`, as for an AWS-managed
//! one, whose edge names account `aws`); `document` is its default version's JSON.
//! Collected with roles (see `iam_role`).

use crate::model::kind::{Draw, FieldDef, KeyDef, KindDef, Scope, ValueType};

pub(super) static DEF: KindDef = KindDef {
    name: "iam_policy",
    aliases: &["policy", "policies", "iam-policy", "iam_policies"],
    label: "IAM policies",
    service: "iam",
    api: "iam:GetAccountAuthorizationDetails",
    scope: Scope::Global,
    arn: "arn:{partition}:iam::{account}:{id}",
    fields: &[
        FieldDef::text("path", "Path"),
        FieldDef::text("policy_id", "Policy id"),
        FieldDef::text("created", "Created").typed(ValueType::Time),
        FieldDef::text("updated", "Updated").typed(ValueType::Time),
        FieldDef::text("default_version", "Version"),
        FieldDef::text("attachments", "Attachments")
            .typed(ValueType::Number)
            .column(),
        FieldDef::text("document", "Document"),
        // Derived (`access::derive`).
        FieldDef::text("statements", "Statements")
            .typed(ValueType::List)
            .compared()
            .normalised(),
        FieldDef::text("admin", "Admin")
            .typed(ValueType::Bool)
            .column()
            .compared(),
        FieldDef::text("note", "Note"),
    ],
    key: KeyDef::Name,
    relations: &[],
    draw: Draw::Hidden,
    counted: None,
};
