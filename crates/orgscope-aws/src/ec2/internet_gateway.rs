//! Internet gateways: `DescribeInternetGateways` paged to the end, and the
//! conversion of a gateway into a resource that lies in the VPC it is
//! attached to. The attachment also gives its `state`; the egress-only
//! gateway shares that reading ([`attachment`]).

use aws_sdk_ec2::types as sdk;

use super::{Collector, Listed, Where, drain, id_of, opt};
use orgscope_core::model::{Edge, Rel, Resource, kinds};

pub(super) const COLLECTOR: Collector = Collector {
    kind: kinds::INTERNET_GATEWAY,
    describe: |client, at, page| Box::pin(describe(client, at, page)),
};

async fn describe(client: &aws_sdk_ec2::Client, at: Where<'_>, page: i32) -> Listed {
    let pages = client
        .describe_internet_gateways()
        .max_results(page)
        .into_paginator()
        .send();
    drain(pages, |p, out| {
        out.extend(
            p.internet_gateways()
                .iter()
                .filter_map(|g| internet_gateway(&at, g)),
        )
    })
    .await
}

fn internet_gateway(at: &Where<'_>, g: &sdk::InternetGateway) -> Option<Resource> {
    let id = id_of(at, kinds::INTERNET_GATEWAY, g.internet_gateway_id())?;
    let (state, edges) = attachment(g.attachments());
    // EC2 reports an internet gateway attached to a VPC as `available`
    // (its API reference: "the state is available when attached to a
    // VPC"), where every other attachment says `attached`: one word for
    // one fact, so filters and comparisons need not know the exception.
    let state = if state == "available" {
        "attached".to_string()
    } else {
        state
    };
    let mut r = at
        .resource(kinds::INTERNET_GATEWAY, &id, g.tags(), None)
        .with("state", state);
    r.relations = edges;
    Some(r)
}

/// A gateway's state and `in_vpc` edges from its attachments: the first
/// attachment's state (a gateway has one VPC at most), `detached` when it
/// has none; one edge per attachment that names its VPC.
pub(super) fn attachment(attachments: &[sdk::InternetGatewayAttachment]) -> (String, Vec<Edge>) {
    let state = attachments
        .first()
        .map(|a| {
            a.state()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default()
        })
        .unwrap_or_else(|| "detached".to_string());
    let edges = attachments
        .iter()
        .filter_map(|a| opt(a.vpc_id()))
        .map(|vpc| Edge::new(Rel::InVpc, kinds::VPC, vpc))
        .collect();
    (state, edges)
}

#[cfg(test)]
mod tests {
    use super::super::TEST_AT as AT;
    use super::*;

    #[test]
    fn an_attached_gateway_lies_in_its_vpc_and_says_attached() {
        let g = sdk::InternetGateway::builder()
            .internet_gateway_id("igw-1")
            .owner_id("111111111111")
            .attachments(
                sdk::InternetGatewayAttachment::builder()
                    .vpc_id("vpc-1")
                    .state(sdk::AttachmentStatus::from("available"))
                    .build(),
            )
            .tags(sdk::Tag::builder().key("Name").value("edge").build())
            .build();
        let r = internet_gateway(&AT, &g).expect("named");
        assert_eq!((r.kind, r.id.as_str()), (kinds::INTERNET_GATEWAY, "igw-1"));
        assert_eq!(r.name.as_deref(), Some("edge"));
        assert_eq!(r.text("state"), Some("attached"));
        assert_eq!(
            r.relations,
            vec![Edge::new(Rel::InVpc, kinds::VPC, "vpc-1")]
        );
    }

    #[test]
    fn a_detaching_gateway_keeps_its_state_and_an_unattached_one_is_detached() {
        let g = sdk::InternetGateway::builder()
            .internet_gateway_id("igw-2")
            .attachments(
                sdk::InternetGatewayAttachment::builder()
                    .vpc_id("vpc-1")
                    .state(sdk::AttachmentStatus::Detaching)
                    .build(),
            )
            .build();
        let r = internet_gateway(&AT, &g).expect("named");
        assert_eq!(r.text("state"), Some("detaching"));
        assert_eq!(r.first(Rel::InVpc), Some("vpc-1"));

        let lone = sdk::InternetGateway::builder()
            .internet_gateway_id("igw-3")
            .build();
        let r = internet_gateway(&AT, &lone).expect("named");
        assert_eq!(r.text("state"), Some("detached"));
        assert!(r.relations.is_empty());
    }

    #[test]
    fn a_gateway_without_an_id_is_skipped() {
        let g = sdk::InternetGateway::builder()
            .attachments(
                sdk::InternetGatewayAttachment::builder()
                    .vpc_id("vpc-1")
                    .build(),
            )
            .build();
        assert!(internet_gateway(&AT, &g).is_none());
        let empty = sdk::InternetGateway::builder()
            .internet_gateway_id("")
            .build();
        assert!(internet_gateway(&AT, &empty).is_none());
    }
}
