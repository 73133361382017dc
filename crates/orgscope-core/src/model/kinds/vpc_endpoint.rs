//! VPC endpoints: private paths from a VPC to an AWS service (gateway
//! endpoints for S3 and DynamoDB, reached through route tables; interface
//! endpoints, network interfaces in subnets).

use crate::model::kind::{Draw, FieldDef, KeyDef, KindDef, RelationDef, Scope, ValueType};
use crate::model::relation::Rel;

pub(super) static DEF: KindDef = KindDef {
    name: "vpc_endpoint",
    aliases: &["vpce", "endpoint", "endpoints"],
    label: "VPC endpoints",
    service: "ec2",
    api: "ec2:DescribeVpcEndpoints",
    scope: Scope::Regional,
    arn: "arn:{partition}:ec2:{region}:{account}:vpc-endpoint/{id}",
    fields: &[
        FieldDef::text("service_name", "Service")
            .aliases(&["service"])
            .column()
            .compared(),
        // `Gateway`, `Interface`, `GatewayLoadBalancer`.
        FieldDef::text("endpoint_type", "Endpoint type")
            .aliases(&["vpce-type"])
            .column()
            .compared()
            .facet(),
        FieldDef::text("state", "State").column().facet(),
        FieldDef::text("private_dns", "Private DNS")
            .typed(ValueType::Bool)
            .compared(),
    ],
    key: KeyDef::Within {
        rel: Rel::InVpc,
        field: "service_name",
    },
    relations: &[
        RelationDef::to(Rel::InVpc, &["vpc"]),
        RelationDef::to(Rel::InSubnet, &["subnet"]),
        RelationDef::to(Rel::MemberOf, &["security_group"]).compared("security_groups"),
    ],
    draw: Draw::Node {
        glyph: "VPCE",
        label: "service_name",
    },
    counted: None,
};
