//! Transit Gateway attachments: a VPC (or VPN, Direct Connect gateway,
//! peering) attached to a Transit Gateway. The Transit Gateway's owner
//! lists the attachments of every account; the VPC's owner lists its own.
//! The `AttachedTo` edge names the Transit Gateway and, when another
//! account owns it, that account.

use crate::model::kind::{Draw, FieldDef, KeyDef, KindDef, RelationDef, Scope};
use crate::model::relation::Rel;

pub(super) static DEF: KindDef = KindDef {
    name: "transit_gateway_attachment",
    aliases: &["tgw_attachment", "tgwa", "transit_gateway_attachments"],
    label: "Transit Gateway attachments",
    service: "ec2",
    api: "ec2:DescribeTransitGatewayAttachments",
    scope: Scope::Regional,
    arn: "arn:{partition}:ec2:{region}:{account}:transit-gateway-attachment/{id}",
    fields: &[
        // `vpc`, `vpn`, `direct-connect-gateway`, `peering`, `connect`...
        FieldDef::text("resource_type", "Attached")
            .column()
            .compared()
            .facet(),
        FieldDef::text("state", "State").column().compared().facet(),
        FieldDef::text("resource_id", "Resource"),
        FieldDef::text("resource_owner", "Resource owner"),
        FieldDef::text("tgw_owner", "TGW owner").key("transit_gateway_owner"),
        FieldDef::text("association_state", "Association").facet(),
    ],
    key: KeyDef::Under { rel: Rel::InVpc },
    relations: &[
        RelationDef::to(Rel::AttachedTo, &["transit_gateway"]).compared("transit_gateway"),
        RelationDef::to(Rel::InVpc, &["vpc"]),
    ],
    draw: Draw::Link,
    counted: None,
};
