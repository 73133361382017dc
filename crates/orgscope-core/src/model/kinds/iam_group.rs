//! IAM groups and their policies. Collected with roles (see `iam_role`);
//! the id is the ARN's resource part (`group/PATH/NAME`).

use crate::model::kind::{Draw, FieldDef, KeyDef, KindDef, RelationDef, Scope, ValueType};
use crate::model::relation::Rel;

pub(super) static DEF: KindDef = KindDef {
    name: "iam_group",
    aliases: &["group", "groups", "iam-group", "iam_groups"],
    label: "IAM groups",
    service: "iam",
    api: "iam:GetAccountAuthorizationDetails",
    scope: Scope::Global,
    arn: "arn:{partition}:iam::{account}:{id}",
    fields: &[
        FieldDef::text("path", "Path"),
        FieldDef::text("group_id", "Group id"),
        FieldDef::text("created", "Created").typed(ValueType::Time),
        FieldDef::text("inline_policies", "Inline policies"),
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
    relations: &[RelationDef::to(Rel::Uses, &["iam_policy"]).compared("policies")],
    draw: Draw::Hidden,
    counted: None,
};
