//! Transit Gateway route tables: the routing domains of a Transit Gateway.

use crate::model::kind::{Draw, FieldDef, KeyDef, KindDef, RelationDef, Scope, ValueType};
use crate::model::relation::Rel;

pub(super) static DEF: KindDef = KindDef {
    name: "transit_gateway_route_table",
    aliases: &["tgw_route_table", "tgw_rtb", "transit_gateway_route_tables"],
    label: "Transit Gateway route tables",
    service: "ec2",
    api: "ec2:DescribeTransitGatewayRouteTables",
    scope: Scope::Regional,
    arn: "arn:{partition}:ec2:{region}:{account}:transit-gateway-route-table/{id}",
    fields: &[
        FieldDef::text("state", "State").column().facet(),
        FieldDef::text("default_association", "Default association")
            .key("default_association_route_table")
            .typed(ValueType::Bool)
            .column()
            .compared(),
        FieldDef::text("default_propagation", "Default propagation")
            .key("default_propagation_route_table")
            .typed(ValueType::Bool)
            .compared(),
    ],
    key: KeyDef::Under {
        rel: Rel::AttachedTo,
    },
    relations: &[RelationDef::to(Rel::AttachedTo, &["transit_gateway"])],
    draw: Draw::Hidden,
    counted: None,
};
