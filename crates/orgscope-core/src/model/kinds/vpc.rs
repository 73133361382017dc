//! VPCs: the network container of the network diagram.

use crate::model::kind::{Counted, Draw, FieldDef, KeyDef, KindDef, Scope, ValueType};

pub(super) static DEF: KindDef = KindDef {
    name: "vpc",
    aliases: &["vpcs"],
    label: "VPCs",
    service: "ec2",
    api: "ec2:DescribeVpcs",
    scope: Scope::Regional,
    arn: "arn:{partition}:ec2:{region}:{account}:vpc/{id}",
    fields: &[
        // The primary IPv4 CIDR.
        FieldDef::text("cidr", "CIDR")
            .key("cidr_block")
            .typed(ValueType::Cidr)
            .column()
            .compared(),
        // Every associated IPv4 CIDR, the primary included: reported only
        // when the primary agrees, so one change is not told twice.
        FieldDef::text("cidr_blocks", "CIDR blocks")
            .typed(ValueType::List)
            .refines(),
        FieldDef::text("is_default", "Default VPC").typed(ValueType::Bool),
        FieldDef::text("state", "State").column().facet(),
    ],
    key: KeyDef::NameElse("cidr"),
    relations: &[],
    draw: Draw::Network,
    counted: Some(Counted {
        short: "VPC",
        plural: "",
    }),
};
