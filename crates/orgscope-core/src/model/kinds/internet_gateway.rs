//! Internet gateways: a VPC's door to the internet. A subnet whose route
//! table sends the default route to one is public.

use crate::model::kind::{Draw, FieldDef, KeyDef, KindDef, RelationDef, Scope};
use crate::model::relation::Rel;

pub(super) static DEF: KindDef = KindDef {
    name: "internet_gateway",
    aliases: &["igw", "internet_gateways"],
    label: "Internet gateways",
    service: "ec2",
    api: "ec2:DescribeInternetGateways",
    scope: Scope::Regional,
    arn: "arn:{partition}:ec2:{region}:{account}:internet-gateway/{id}",
    fields: &[
        // The attachment's state (`attached`, `detaching`...), or
        // `detached` for a gateway attached to no VPC.
        FieldDef::text("state", "State").column().compared().facet(),
    ],
    key: KeyDef::Under { rel: Rel::InVpc },
    relations: &[RelationDef::to(Rel::InVpc, &["vpc"])],
    draw: Draw::Gateway {
        glyph: "IGW",
        label: "state",
    },
    counted: None,
};
