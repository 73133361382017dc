//! Transit Gateway attachments: `DescribeTransitGatewayAttachments` paged
//! to the end, and the conversion of an attachment into a resource
//! attached to its Transit Gateway and, for a VPC attachment, in its VPC.
//!
//! The Transit Gateway's owner lists the attachments of every account;
//! the attached VPC's owner lists its own. So either end can be another
//! account's: the `attached_to` edge names the gateway's owner when it is
//! not the collecting account (a shared gateway), and the `in_vpc` edge
//! names the VPC's owner when it is not (a spoke seen from the hub).

use aws_sdk_ec2::types as sdk;

use super::{Collector, Listed, Where, drain, id_of, opt, other_account};
use orgscope_core::model::{Edge, Rel, Resource, kinds};

pub(super) const COLLECTOR: Collector = Collector {
    kind: kinds::TRANSIT_GATEWAY_ATTACHMENT,
    describe: |client, at, page| Box::pin(describe(client, at, page)),
};

async fn describe(client: &aws_sdk_ec2::Client, at: Where<'_>, page: i32) -> Listed {
    let pages = client
        .describe_transit_gateway_attachments()
        .max_results(page)
        .into_paginator()
        .send();
    drain(pages, |p, out| {
        out.extend(
            p.transit_gateway_attachments()
                .iter()
                .filter_map(|a| attachment(&at, a)),
        )
    })
    .await
}

fn attachment(at: &Where<'_>, a: &sdk::TransitGatewayAttachment) -> Option<Resource> {
    let id = id_of(
        at,
        kinds::TRANSIT_GATEWAY_ATTACHMENT,
        a.transit_gateway_attachment_id(),
    )?;
    let resource_type = a.resource_type();
    let mut r = at
        .resource(kinds::TRANSIT_GATEWAY_ATTACHMENT, &id, a.tags(), None)
        .with(
            "resource_type",
            resource_type.map(|t| t.as_str().to_string()),
        )
        .with("state", a.state().map(|s| s.as_str().to_string()))
        .with("resource_id", opt(a.resource_id()))
        .with("resource_owner", opt(a.resource_owner_id()))
        .with("tgw_owner", opt(a.transit_gateway_owner_id()))
        .with(
            "association_state",
            a.association()
                .and_then(|x| x.state())
                .map(|s| s.as_str().to_string()),
        );
    if let Some(tgw) = opt(a.transit_gateway_id()) {
        let mut e = Edge::new(Rel::AttachedTo, kinds::TRANSIT_GATEWAY, tgw);
        if let Some(owner) = other_account(at, a.transit_gateway_owner_id()) {
            e = e.in_account(owner);
        }
        r.relations.push(e);
    }
    if resource_type == Some(&sdk::TransitGatewayAttachmentResourceType::Vpc)
        && let Some(vpc) = opt(a.resource_id())
    {
        let mut e = Edge::new(Rel::InVpc, kinds::VPC, vpc);
        if let Some(owner) = other_account(at, a.resource_owner_id()) {
            e = e.in_account(owner);
        }
        r.relations.push(e);
    }
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::super::TEST_AT as AT;
    use super::*;
    use orgscope_core::model::Value;

    fn vpc_attachment(tgw_owner: &str, vpc_owner: &str) -> sdk::TransitGatewayAttachment {
        sdk::TransitGatewayAttachment::builder()
            .transit_gateway_attachment_id("tgw-attach-1")
            .transit_gateway_id("tgw-1")
            .transit_gateway_owner_id(tgw_owner)
            .resource_owner_id(vpc_owner)
            .resource_type(sdk::TransitGatewayAttachmentResourceType::Vpc)
            .resource_id("vpc-1")
            .state(sdk::TransitGatewayAttachmentState::Available)
            .association(
                sdk::TransitGatewayAttachmentAssociation::builder()
                    .transit_gateway_route_table_id("tgw-rtb-1")
                    .state(sdk::TransitGatewayAssociationState::Associated)
                    .build(),
            )
            .tags(sdk::Tag::builder().key("Name").value("spoke").build())
            .build()
    }

    #[test]
    fn an_attachment_of_an_own_vpc_to_an_own_gateway_names_no_account() {
        let r = attachment(&AT, &vpc_attachment("111111111111", "111111111111")).expect("named");
        assert_eq!(
            (r.kind, r.id.as_str()),
            (kinds::TRANSIT_GATEWAY_ATTACHMENT, "tgw-attach-1")
        );
        assert_eq!(r.name.as_deref(), Some("spoke"));
        assert_eq!(r.text("resource_type"), Some("vpc"));
        assert_eq!(r.text("state"), Some("available"));
        assert_eq!(r.text("resource_id"), Some("vpc-1"));
        assert_eq!(r.text("resource_owner"), Some("111111111111"));
        assert_eq!(r.text("tgw_owner"), Some("111111111111"));
        assert_eq!(r.text("transit_gateway_owner"), Some("111111111111"));
        assert_eq!(r.text("association_state"), Some("associated"));
        assert_eq!(
            r.relations,
            vec![
                Edge::new(Rel::AttachedTo, kinds::TRANSIT_GATEWAY, "tgw-1"),
                Edge::new(Rel::InVpc, kinds::VPC, "vpc-1"),
            ]
        );
    }

    #[test]
    fn seen_from_a_third_account_both_ends_name_their_owners() {
        // The shape moto cannot serve: the gateway is 222…'s, the VPC
        // 333…'s, and neither is the collecting account 111….
        let r = attachment(&AT, &vpc_attachment("222222222222", "333333333333")).expect("named");
        assert_eq!(
            r.relations,
            vec![
                Edge::new(Rel::AttachedTo, kinds::TRANSIT_GATEWAY, "tgw-1")
                    .in_account("222222222222"),
                Edge::new(Rel::InVpc, kinds::VPC, "vpc-1").in_account("333333333333"),
            ]
        );
        assert_eq!(r.text("tgw_owner"), Some("222222222222"));
        assert_eq!(r.text("resource_owner"), Some("333333333333"));
    }

    #[test]
    fn from_the_hub_a_spoke_vpc_names_its_account_and_from_the_spoke_the_hub_does() {
        let hub = attachment(&AT, &vpc_attachment("111111111111", "333333333333")).expect("named");
        assert_eq!(hub.relations[0].account_id, None);
        assert_eq!(hub.relations[1].account_id.as_deref(), Some("333333333333"));
        let spoke =
            attachment(&AT, &vpc_attachment("222222222222", "111111111111")).expect("named");
        assert_eq!(
            spoke.relations[0].account_id.as_deref(),
            Some("222222222222")
        );
        assert_eq!(spoke.relations[1].account_id, None);
    }

    #[test]
    fn a_vpn_attachment_has_no_vpc_edge_and_a_nameless_one_is_skipped() {
        let a = sdk::TransitGatewayAttachment::builder()
            .transit_gateway_attachment_id("tgw-attach-2")
            .transit_gateway_id("tgw-1")
            .transit_gateway_owner_id("111111111111")
            .resource_type(sdk::TransitGatewayAttachmentResourceType::Vpn)
            .resource_id("vpn-1")
            .state(sdk::TransitGatewayAttachmentState::Available)
            .build();
        let r = attachment(&AT, &a).expect("named");
        assert_eq!(r.text("resource_type"), Some("vpn"));
        assert_eq!(r.text("resource_id"), Some("vpn-1"));
        assert_eq!(r.get("association_state"), Some(&Value::Null));
        assert_eq!(
            r.relations,
            vec![Edge::new(Rel::AttachedTo, kinds::TRANSIT_GATEWAY, "tgw-1")]
        );
        assert!(attachment(&AT, &sdk::TransitGatewayAttachment::builder().build()).is_none());
    }
}
