//! Transit Gateway route tables: `DescribeTransitGatewayRouteTables`
//! paged to the end, and the conversion of a table into a resource
//! attached to its Transit Gateway. Only the gateway's owner lists them.

use aws_sdk_ec2::types as sdk;

use super::{Collector, Listed, Where, drain, flag, id_of, opt};
use orgscope_core::model::{Edge, Rel, Resource, kinds};

pub(super) const COLLECTOR: Collector = Collector {
    kind: kinds::TRANSIT_GATEWAY_ROUTE_TABLE,
    describe: |client, at, page| Box::pin(describe(client, at, page)),
};

async fn describe(client: &aws_sdk_ec2::Client, at: Where<'_>, page: i32) -> Listed {
    let pages = client
        .describe_transit_gateway_route_tables()
        .max_results(page)
        .into_paginator()
        .send();
    drain(pages, |p, out| {
        out.extend(
            p.transit_gateway_route_tables()
                .iter()
                .filter_map(|t| route_table(&at, t)),
        )
    })
    .await
}

fn route_table(at: &Where<'_>, t: &sdk::TransitGatewayRouteTable) -> Option<Resource> {
    let id = id_of(
        at,
        kinds::TRANSIT_GATEWAY_ROUTE_TABLE,
        t.transit_gateway_route_table_id(),
    )?;
    let mut r = at
        .resource(kinds::TRANSIT_GATEWAY_ROUTE_TABLE, &id, t.tags(), None)
        .with("state", t.state().map(|s| s.as_str().to_string()))
        .with(
            "default_association",
            flag(t.default_association_route_table()),
        )
        .with(
            "default_propagation",
            flag(t.default_propagation_route_table()),
        );
    if let Some(tgw) = opt(t.transit_gateway_id()) {
        r.relations
            .push(Edge::new(Rel::AttachedTo, kinds::TRANSIT_GATEWAY, tgw));
    }
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::super::TEST_AT as AT;
    use super::*;
    use orgscope_core::model::Value;

    #[test]
    fn a_route_table_is_attached_to_its_gateway() {
        let t = sdk::TransitGatewayRouteTable::builder()
            .transit_gateway_route_table_id("tgw-rtb-1")
            .transit_gateway_id("tgw-1")
            .state(sdk::TransitGatewayRouteTableState::Available)
            .default_association_route_table(true)
            .default_propagation_route_table(false)
            .tags(sdk::Tag::builder().key("Name").value("shared").build())
            .build();
        let r = route_table(&AT, &t).expect("named");
        assert_eq!(
            (r.kind, r.id.as_str()),
            (kinds::TRANSIT_GATEWAY_ROUTE_TABLE, "tgw-rtb-1")
        );
        assert_eq!(r.name.as_deref(), Some("shared"));
        assert_eq!(r.text("state"), Some("available"));
        assert_eq!(r.get("default_association"), Some(&Value::Bool(true)));
        assert_eq!(r.get("default_propagation"), Some(&Value::Bool(false)));
        assert_eq!(
            r.relations,
            vec![Edge::new(Rel::AttachedTo, kinds::TRANSIT_GATEWAY, "tgw-1")]
        );
    }

    #[test]
    fn missing_flags_are_null_and_a_nameless_table_is_skipped() {
        let t = sdk::TransitGatewayRouteTable::builder()
            .transit_gateway_route_table_id("tgw-rtb-2")
            .build();
        let r = route_table(&AT, &t).expect("named");
        assert_eq!(r.get("default_association"), Some(&Value::Null));
        assert!(r.relations.is_empty());
        assert!(route_table(&AT, &sdk::TransitGatewayRouteTable::builder().build()).is_none());
    }
}
