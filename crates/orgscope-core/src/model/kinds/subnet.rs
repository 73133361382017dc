//! Subnets: the container inside a VPC where instances sit.

use crate::model::kind::{Counted, Draw, FieldDef, KeyDef, KindDef, RelationDef, Scope, ValueType};
use crate::model::relation::Rel;

pub(super) static DEF: KindDef = KindDef {
    name: "subnet",
    aliases: &["subnets"],
    label: "Subnets",
    service: "ec2",
    api: "ec2:DescribeSubnets",
    scope: Scope::Regional,
    arn: "arn:{partition}:ec2:{region}:{account}:subnet/{id}",
    fields: &[
        FieldDef::text("cidr", "CIDR")
            .key("cidr_block")
            .typed(ValueType::Cidr)
            .column()
            .compared(),
        FieldDef::text("az", "AZ")
            .key("availability_zone")
            .column()
            .facet(),
        // `MapPublicIpOnLaunch`: the usual marker of a public subnet.
        FieldDef::text("public", "Public")
            .typed(ValueType::Bool)
            .compared(),
        FieldDef::text("default_for_az", "Default for AZ").typed(ValueType::Bool),
        FieldDef::text("available_ips", "Free IPs").typed(ValueType::Number),
        FieldDef::text("state", "State").facet(),
        // Derived from the route tables (`model::wiring`): `public` when
        // the subnet's table sends 0.0.0.0/0 or ::/0 to an internet
        // gateway, `private` otherwise; absent when the region's route
        // tables were not collected.
        FieldDef::text("routing", "Routing")
            .aliases(&["exposure"])
            .compared()
            .facet(),
    ],
    key: KeyDef::NameElse("cidr"),
    relations: &[RelationDef::to(Rel::InVpc, &["vpc"])],
    draw: Draw::Subnet,
    counted: Some(Counted {
        short: "subnet",
        plural: "s",
    }),
};
