//! NAT gateways: how a private subnet reaches the internet without being
//! reachable from it. A public NAT sits in a public subnet with an Elastic
//! IP; a private one translates into another network.

use crate::model::kind::{Draw, FieldDef, KeyDef, KindDef, RelationDef, Scope, ValueType};
use crate::model::relation::Rel;

pub(super) static DEF: KindDef = KindDef {
    name: "nat_gateway",
    aliases: &["nat", "natgw", "nat_gateways"],
    label: "NAT gateways",
    service: "ec2",
    api: "ec2:DescribeNatGateways",
    scope: Scope::Regional,
    arn: "arn:{partition}:ec2:{region}:{account}:natgateway/{id}",
    fields: &[
        // `public` or `private`.
        FieldDef::text("connectivity", "Connectivity")
            .key("connectivity_type")
            .column()
            .compared()
            .facet(),
        // `pending`, `available`, `deleting`, `deleted`, `failed`.
        FieldDef::text("state", "State").column().compared().facet(),
        // The primary address's public and private IPs.
        FieldDef::text("public_ip", "Public IP")
            .typed(ValueType::Ip)
            .column(),
        FieldDef::text("private_ip", "Private IP").typed(ValueType::Ip),
    ],
    key: KeyDef::Under { rel: Rel::InSubnet },
    relations: &[
        RelationDef::to(Rel::InVpc, &["vpc"]),
        RelationDef::to(Rel::InSubnet, &["subnet"]),
        // Its Elastic IPs, by allocation id.
        RelationDef::to(Rel::AttachedTo, &["elastic_ip"]),
    ],
    draw: Draw::Node {
        glyph: "NAT",
        label: "connectivity",
    },
    counted: None,
};
