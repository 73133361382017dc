//! Route tables: which subnets they serve and where each destination goes.
//! Each route is an edge to its target (gateway, NAT, peering, Transit
//! Gateway, endpoint, instance or network interface) with its destination
//! as the edge's `destination` attribute; a route to a target orgscope
//! does not collect is kept as an edge with no known kind, and a
//! blackholed one says so in its `state` attribute. The VPC's own `local`
//! route is an edge to the VPC.

use crate::model::kind::{Draw, FieldDef, KeyDef, KindDef, RelationDef, Scope, ValueType};
use crate::model::relation::Rel;

pub(super) static DEF: KindDef = KindDef {
    name: "route_table",
    aliases: &["rtb", "route_tables", "routes"],
    label: "Route tables",
    service: "ec2",
    api: "ec2:DescribeRouteTables",
    scope: Scope::Regional,
    arn: "arn:{partition}:ec2:{region}:{account}:route-table/{id}",
    fields: &[
        // The VPC's main table: it serves every subnet with no explicit
        // association.
        FieldDef::text("main", "Main")
            .typed(ValueType::Bool)
            .column()
            .compared(),
        FieldDef::text("route_count", "Routes")
            .typed(ValueType::Number)
            .column(),
    ],
    key: KeyDef::Under { rel: Rel::InVpc },
    relations: &[
        RelationDef::to(Rel::InVpc, &["vpc"]),
        RelationDef::to(Rel::Serves, &["subnet"]),
        RelationDef::to(
            Rel::RoutesTo,
            &[
                "internet_gateway",
                "egress_only_internet_gateway",
                "nat_gateway",
                "vpc_peering_connection",
                "transit_gateway",
                "vpc_endpoint",
                "instance",
                "vpc",
            ],
        )
        .compared("routes")
        .keyed_by("destination"),
    ],
    draw: Draw::Hidden,
    counted: None,
};
