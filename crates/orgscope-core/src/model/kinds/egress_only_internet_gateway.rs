//! Egress-only internet gateways: IPv6 traffic out of a VPC, none in.

use crate::model::kind::{Draw, FieldDef, KeyDef, KindDef, RelationDef, Scope};
use crate::model::relation::Rel;

pub(super) static DEF: KindDef = KindDef {
    name: "egress_only_internet_gateway",
    aliases: &["eigw", "egress_only_igw"],
    label: "Egress-only internet gateways",
    service: "ec2",
    api: "ec2:DescribeEgressOnlyInternetGateways",
    scope: Scope::Regional,
    arn: "arn:{partition}:ec2:{region}:{account}:egress-only-internet-gateway/{id}",
    fields: &[FieldDef::text("state", "State").column().compared().facet()],
    key: KeyDef::Under { rel: Rel::InVpc },
    relations: &[RelationDef::to(Rel::InVpc, &["vpc"])],
    draw: Draw::Gateway {
        glyph: "EIGW",
        label: "state",
    },
    counted: None,
};
