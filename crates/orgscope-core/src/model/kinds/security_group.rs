//! Security groups: rule sets, compared as sets with group references
//! resolved to (normalised) group names.

use crate::model::kind::{Draw, FieldDef, KeyDef, KindDef, RelationDef, Scope, ValueType};
use crate::model::relation::Rel;

pub(super) static DEF: KindDef = KindDef {
    name: "security_group",
    aliases: &["sg", "security_groups", "sgs"],
    label: "Security groups",
    service: "ec2",
    api: "ec2:DescribeSecurityGroups",
    scope: Scope::Regional,
    arn: "arn:{partition}:ec2:{region}:{account}:security-group/{id}",
    fields: &[
        FieldDef::text("group_name", "Group name"),
        FieldDef::text("description", "Description"),
        // Normalized: one rule per peer, sorted, so equal rule sets compare equal.
        FieldDef::text("ingress", "Inbound rules")
            .typed(ValueType::Rules)
            .compared(),
        FieldDef::text("egress", "Outbound rules")
            .typed(ValueType::Rules)
            .compared(),
    ],
    // Group names repeat per VPC (`default`), so the VPC is part of the key.
    key: KeyDef::Within {
        rel: Rel::InVpc,
        field: "group_name",
    },
    relations: &[RelationDef::to(Rel::InVpc, &["vpc"])],
    draw: Draw::Hidden,
    counted: None,
};
