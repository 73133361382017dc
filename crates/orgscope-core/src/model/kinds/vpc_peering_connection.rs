//! VPC peering connections. Both accounts of a cross-account peering list
//! it (same id), each from its own side; its two `PeersWith` edges name
//! the requester and accepter VPCs with their owner account and region, so
//! an end outside the collected estate is still named by its account.

use crate::model::kind::{Draw, FieldDef, KeyDef, KindDef, RelationDef, Scope, ValueType};
use crate::model::relation::Rel;

pub(super) static DEF: KindDef = KindDef {
    name: "vpc_peering_connection",
    aliases: &["pcx", "peering", "peerings", "vpc_peering"],
    label: "VPC peering connections",
    service: "ec2",
    api: "ec2:DescribeVpcPeeringConnections",
    scope: Scope::Regional,
    arn: "arn:{partition}:ec2:{region}:{account}:vpc-peering-connection/{id}",
    fields: &[
        // `active`, `pending-acceptance`, `rejected`, `deleted`...
        FieldDef::text("status", "Status")
            .aliases(&["state"])
            .column()
            .compared()
            .facet(),
        // Which end this account holds: `requester`, `accepter` or `both`.
        FieldDef::text("side", "Side").column().facet(),
        FieldDef::text("requester_vpc", "Requester VPC"),
        FieldDef::text("requester_account", "Requester account"),
        FieldDef::text("requester_region", "Requester region").facet(),
        FieldDef::text("requester_cidr", "Requester CIDR").typed(ValueType::Cidr),
        FieldDef::text("accepter_vpc", "Accepter VPC"),
        FieldDef::text("accepter_account", "Accepter account"),
        FieldDef::text("accepter_region", "Accepter region").facet(),
        FieldDef::text("accepter_cidr", "Accepter CIDR").typed(ValueType::Cidr),
    ],
    key: KeyDef::Name,
    relations: &[RelationDef::to(Rel::PeersWith, &["vpc"]).compared("peers")],
    draw: Draw::Link,
    counted: None,
};
