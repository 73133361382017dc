//! Transit Gateways: `DescribeTransitGateways` paged to the end, and the
//! conversion of a gateway into a resource with its state, Amazon-side
//! ASN, owner and route-table options. A gateway shared through RAM is
//! listed by the accounts it is shared with too, under its owner's id:
//! `owner` says whose it is.

use aws_sdk_ec2::types as sdk;

use super::{Collector, Listed, Where, drain, id_of, opt};
use orgscope_core::model::{Resource, kinds};

pub(super) const COLLECTOR: Collector = Collector {
    kind: kinds::TRANSIT_GATEWAY,
    describe: |client, at, page| Box::pin(describe(client, at, page)),
};

async fn describe(client: &aws_sdk_ec2::Client, at: Where<'_>, page: i32) -> Listed {
    let pages = client
        .describe_transit_gateways()
        .max_results(page)
        .into_paginator()
        .send();
    drain(pages, |p, out| {
        out.extend(
            p.transit_gateways()
                .iter()
                .filter_map(|g| transit_gateway(&at, g)),
        )
    })
    .await
}

fn transit_gateway(at: &Where<'_>, g: &sdk::TransitGateway) -> Option<Resource> {
    let id = id_of(at, kinds::TRANSIT_GATEWAY, g.transit_gateway_id())?;
    let o = g.options();
    Some(
        at.resource(kinds::TRANSIT_GATEWAY, &id, g.tags(), None)
            .with("state", g.state().map(|s| s.as_str().to_string()))
            .with("asn", o.and_then(|o| o.amazon_side_asn()))
            .with("owner", opt(g.owner_id()))
            .with(
                "default_association",
                o.and_then(|o| o.default_route_table_association())
                    .map(|v| v.as_str().to_string()),
            )
            .with(
                "default_propagation",
                o.and_then(|o| o.default_route_table_propagation())
                    .map(|v| v.as_str().to_string()),
            )
            .with(
                "auto_accept",
                o.and_then(|o| o.auto_accept_shared_attachments())
                    .map(|v| v.as_str().to_string()),
            ),
    )
}

#[cfg(test)]
mod tests {
    use super::super::TEST_AT as AT;
    use super::*;
    use orgscope_core::model::Value;

    #[test]
    fn a_transit_gateway_keeps_its_asn_owner_and_options() {
        let g = sdk::TransitGateway::builder()
            .transit_gateway_id("tgw-1")
            .owner_id("999999999999")
            .state(sdk::TransitGatewayState::Available)
            .description("hub")
            .options(
                sdk::TransitGatewayOptions::builder()
                    .amazon_side_asn(64512)
                    .default_route_table_association(sdk::DefaultRouteTableAssociationValue::Enable)
                    .default_route_table_propagation(
                        sdk::DefaultRouteTablePropagationValue::Disable,
                    )
                    .auto_accept_shared_attachments(sdk::AutoAcceptSharedAttachmentsValue::Enable)
                    .build(),
            )
            .tags(sdk::Tag::builder().key("Name").value("core").build())
            .build();
        let r = transit_gateway(&AT, &g).expect("named");
        assert_eq!((r.kind, r.id.as_str()), (kinds::TRANSIT_GATEWAY, "tgw-1"));
        assert_eq!(r.name.as_deref(), Some("core"));
        assert_eq!(r.text("state"), Some("available"));
        assert_eq!(r.get("asn"), Some(&Value::Number(64512)));
        assert_eq!(r.get("amazon_side_asn"), Some(&Value::Number(64512)));
        // Shared from another account: listed here, owned there.
        assert_eq!(r.text("owner"), Some("999999999999"));
        assert_eq!(r.text("default_association"), Some("enable"));
        assert_eq!(r.text("default_propagation"), Some("disable"));
        assert_eq!(r.text("auto_accept"), Some("enable"));
        assert!(r.relations.is_empty());
    }

    #[test]
    fn a_gateway_without_options_has_null_fields_and_a_nameless_one_is_skipped() {
        let g = sdk::TransitGateway::builder()
            .transit_gateway_id("tgw-2")
            .build();
        let r = transit_gateway(&AT, &g).expect("named");
        assert_eq!(r.get("asn"), Some(&Value::Null));
        assert_eq!(r.get("default_association"), Some(&Value::Null));
        assert!(transit_gateway(&AT, &sdk::TransitGateway::builder().build()).is_none());
    }
}
