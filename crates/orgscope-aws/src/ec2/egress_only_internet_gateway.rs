//! Egress-only internet gateways: `DescribeEgressOnlyInternetGateways`
//! paged to the end (its `MaxResults` stops at 255, lower than EC2's
//! usual 1000), and the conversion of a gateway into a resource that lies
//! in its VPC, read as an internet gateway's attachment is.

use aws_sdk_ec2::types as sdk;

use super::internet_gateway::attachment;
use super::{Collector, Listed, Where, drain, id_of};
use orgscope_core::model::{Resource, kinds};

pub(super) const COLLECTOR: Collector = Collector {
    kind: kinds::EGRESS_ONLY_INTERNET_GATEWAY,
    describe: |client, at, page| Box::pin(describe(client, at, page)),
};

/// The API's own limit on `MaxResults` (EC2's model: 5..=255).
const MAX_PAGE: i32 = 255;

async fn describe(client: &aws_sdk_ec2::Client, at: Where<'_>, page: i32) -> Listed {
    let pages = client
        .describe_egress_only_internet_gateways()
        .max_results(page.min(MAX_PAGE))
        .into_paginator()
        .send();
    drain(pages, |p, out| {
        out.extend(
            p.egress_only_internet_gateways()
                .iter()
                .filter_map(|g| egress_only_internet_gateway(&at, g)),
        )
    })
    .await
}

fn egress_only_internet_gateway(
    at: &Where<'_>,
    g: &sdk::EgressOnlyInternetGateway,
) -> Option<Resource> {
    let id = id_of(
        at,
        kinds::EGRESS_ONLY_INTERNET_GATEWAY,
        g.egress_only_internet_gateway_id(),
    )?;
    let (state, edges) = attachment(g.attachments());
    let mut r = at
        .resource(kinds::EGRESS_ONLY_INTERNET_GATEWAY, &id, g.tags(), None)
        .with("state", state);
    r.relations = edges;
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::super::TEST_AT as AT;
    use super::*;
    use orgscope_core::model::{Edge, Rel};

    #[test]
    fn an_egress_only_gateway_lies_in_its_vpc() {
        let g = sdk::EgressOnlyInternetGateway::builder()
            .egress_only_internet_gateway_id("eigw-1")
            .attachments(
                sdk::InternetGatewayAttachment::builder()
                    .vpc_id("vpc-1")
                    .state(sdk::AttachmentStatus::Attached)
                    .build(),
            )
            .tags(sdk::Tag::builder().key("Name").value("v6-out").build())
            .build();
        let r = egress_only_internet_gateway(&AT, &g).expect("named");
        assert_eq!(
            (r.kind, r.id.as_str()),
            (kinds::EGRESS_ONLY_INTERNET_GATEWAY, "eigw-1")
        );
        assert_eq!(r.name.as_deref(), Some("v6-out"));
        assert_eq!(r.text("state"), Some("attached"));
        assert_eq!(
            r.relations,
            vec![Edge::new(Rel::InVpc, kinds::VPC, "vpc-1")]
        );
    }

    #[test]
    fn an_unattached_one_is_detached_and_a_nameless_one_skipped() {
        let g = sdk::EgressOnlyInternetGateway::builder()
            .egress_only_internet_gateway_id("eigw-2")
            .build();
        let r = egress_only_internet_gateway(&AT, &g).expect("named");
        assert_eq!(r.text("state"), Some("detached"));
        assert!(r.relations.is_empty());
        let nameless = sdk::EgressOnlyInternetGateway::builder().build();
        assert!(egress_only_internet_gateway(&AT, &nameless).is_none());
    }
}
