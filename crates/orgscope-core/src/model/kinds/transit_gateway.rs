//! Transit Gateways: a region's hub between VPCs, VPNs and other Transit
//! Gateways, often owned by a network account and shared (RAM) with the
//! workload accounts that attach to it.

use crate::model::kind::{Counted, Draw, FieldDef, KeyDef, KindDef, Scope, ValueType};

pub(super) static DEF: KindDef = KindDef {
    name: "transit_gateway",
    aliases: &["tgw", "transit_gateways"],
    label: "Transit Gateways",
    service: "ec2",
    api: "ec2:DescribeTransitGateways",
    scope: Scope::Regional,
    arn: "arn:{partition}:ec2:{region}:{account}:transit-gateway/{id}",
    fields: &[
        FieldDef::text("state", "State").column().facet(),
        FieldDef::text("asn", "ASN")
            .key("amazon_side_asn")
            .typed(ValueType::Number)
            .column()
            .compared(),
        // The owner: a shared Transit Gateway is listed by the accounts it
        // is shared with, too.
        FieldDef::text("owner", "Owner account").key("owner_id"),
        FieldDef::text("default_association", "Default association")
            .key("default_route_table_association")
            .compared(),
        FieldDef::text("default_propagation", "Default propagation")
            .key("default_route_table_propagation")
            .compared(),
        FieldDef::text("auto_accept", "Auto-accept shared")
            .key("auto_accept_shared_attachments")
            .compared(),
    ],
    key: KeyDef::Name,
    relations: &[],
    draw: Draw::Hub {
        glyph: "TGW",
        label: "asn",
    },
    counted: Some(Counted {
        short: "TGW",
        plural: "",
    }),
};
