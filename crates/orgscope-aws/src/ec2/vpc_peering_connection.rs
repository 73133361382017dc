//! VPC peering connections: `DescribeVpcPeeringConnections` paged to the
//! end, and the conversion of a peering into a resource that peers with
//! its requester and accepter VPCs.
//!
//! Both accounts of a cross-account peering list it (same id), each from
//! its own side: `side` says which end(s) the collecting account holds,
//! and each `peers_with` edge names its VPC's owner account and region
//! when they are not the collecting account's and region, so an end
//! outside the collected estate is still named by its account. A peering
//! whose far end is gone (status `deleted`, `rejected`, `expired`...) is
//! kept with the status EC2 gives it and the VPC ids it still names.

use aws_sdk_ec2::types as sdk;

use super::{Collector, Listed, Where, drain, id_of, opt, other_account};
use orgscope_core::model::{Edge, Rel, Resource, kinds};

pub(super) const COLLECTOR: Collector = Collector {
    kind: kinds::VPC_PEERING_CONNECTION,
    describe: |client, at, page| Box::pin(describe(client, at, page)),
};

async fn describe(client: &aws_sdk_ec2::Client, at: Where<'_>, page: i32) -> Listed {
    let pages = client
        .describe_vpc_peering_connections()
        .max_results(page)
        .into_paginator()
        .send();
    drain(pages, |p, out| {
        out.extend(
            p.vpc_peering_connections()
                .iter()
                .filter_map(|x| peering(&at, x)),
        )
    })
    .await
}

fn peering(at: &Where<'_>, p: &sdk::VpcPeeringConnection) -> Option<Resource> {
    let id = id_of(
        at,
        kinds::VPC_PEERING_CONNECTION,
        p.vpc_peering_connection_id(),
    )?;
    let requester = p.requester_vpc_info();
    let accepter = p.accepter_vpc_info();
    let owner = |v: Option<&sdk::VpcPeeringConnectionVpcInfo>| v.and_then(|v| opt(v.owner_id()));
    let mine = |v| owner(v).is_some_and(|o| o == at.account_id);
    let side = match (mine(requester), mine(accepter)) {
        (true, true) => Some("both"),
        (true, false) => Some("requester"),
        (false, true) => Some("accepter"),
        // Neither owner is this account, or EC2 left the owners out:
        // unknown rather than guessed.
        (false, false) => None,
    };
    let mut r = at
        .resource(kinds::VPC_PEERING_CONNECTION, &id, p.tags(), None)
        .with(
            "status",
            p.status()
                .and_then(|s| s.code())
                .map(|c| c.as_str().to_string()),
        )
        .with("side", side.map(str::to_string));
    for (end, info) in [("requester", requester), ("accepter", accepter)] {
        r.set(&format!("{end}_vpc"), info.and_then(|v| opt(v.vpc_id())));
        r.set(&format!("{end}_account"), owner(info));
        r.set(&format!("{end}_region"), info.and_then(|v| opt(v.region())));
        r.set(
            &format!("{end}_cidr"),
            info.and_then(|v| opt(v.cidr_block())),
        );
        match info.and_then(|v| Some((v, opt(v.vpc_id())?))) {
            Some((v, vpc)) => r.relations.push(end_edge(at, end, v, vpc)),
            None => tracing::warn!(
                "{} {}: the {end} end of {id} names no VPC",
                at.account_id,
                at.region
            ),
        }
    }
    Some(r)
}

/// The `peers_with` edge to one end's VPC.
fn end_edge(at: &Where<'_>, side: &str, v: &sdk::VpcPeeringConnectionVpcInfo, vpc: String) -> Edge {
    let mut e = Edge::new(Rel::PeersWith, kinds::VPC, vpc).attr("side", side);
    if let Some(account) = other_account(at, v.owner_id()) {
        e = e.in_account(account);
    }
    if let Some(region) = opt(v.region()).filter(|r| r != at.region) {
        e = e.in_region(region);
    }
    e
}

#[cfg(test)]
mod tests {
    use super::super::TEST_AT as AT;
    use super::*;
    use orgscope_core::model::Value;

    fn info(vpc: &str, owner: &str, region: &str, cidr: &str) -> sdk::VpcPeeringConnectionVpcInfo {
        sdk::VpcPeeringConnectionVpcInfo::builder()
            .vpc_id(vpc)
            .owner_id(owner)
            .region(region)
            .cidr_block(cidr)
            .build()
    }

    fn status(
        code: sdk::VpcPeeringConnectionStateReasonCode,
    ) -> sdk::VpcPeeringConnectionStateReason {
        sdk::VpcPeeringConnectionStateReason::builder()
            .code(code)
            .message("m")
            .build()
    }

    #[test]
    fn a_cross_account_cross_region_peering_names_the_far_end() {
        // Collected in 111111111111 eu-west-1, the requester.
        let p = sdk::VpcPeeringConnection::builder()
            .vpc_peering_connection_id("pcx-1")
            .status(status(sdk::VpcPeeringConnectionStateReasonCode::Active))
            .requester_vpc_info(info("vpc-a", "111111111111", "eu-west-1", "10.0.0.0/16"))
            .accepter_vpc_info(info("vpc-b", "222222222222", "us-east-1", "10.1.0.0/16"))
            .tags(sdk::Tag::builder().key("Name").value("a-to-b").build())
            .build();
        let r = peering(&AT, &p).expect("named");
        assert_eq!(
            (r.kind, r.id.as_str()),
            (kinds::VPC_PEERING_CONNECTION, "pcx-1")
        );
        assert_eq!(r.name.as_deref(), Some("a-to-b"));
        assert_eq!(r.text("status"), Some("active"));
        assert_eq!(r.text("side"), Some("requester"));
        assert_eq!(r.text("requester_vpc"), Some("vpc-a"));
        assert_eq!(r.text("requester_account"), Some("111111111111"));
        assert_eq!(r.text("requester_region"), Some("eu-west-1"));
        assert_eq!(r.text("requester_cidr"), Some("10.0.0.0/16"));
        assert_eq!(r.text("accepter_vpc"), Some("vpc-b"));
        assert_eq!(r.text("accepter_account"), Some("222222222222"));
        assert_eq!(r.text("accepter_region"), Some("us-east-1"));
        assert_eq!(r.text("accepter_cidr"), Some("10.1.0.0/16"));
        assert_eq!(
            r.relations,
            vec![
                Edge::new(Rel::PeersWith, kinds::VPC, "vpc-a").attr("side", "requester"),
                Edge::new(Rel::PeersWith, kinds::VPC, "vpc-b")
                    .attr("side", "accepter")
                    .in_account("222222222222")
                    .in_region("us-east-1"),
            ]
        );
    }

    #[test]
    fn the_accepter_sees_the_requester_as_the_far_end() {
        let p = sdk::VpcPeeringConnection::builder()
            .vpc_peering_connection_id("pcx-2")
            .status(status(
                sdk::VpcPeeringConnectionStateReasonCode::PendingAcceptance,
            ))
            .requester_vpc_info(info("vpc-c", "333333333333", "eu-west-1", "10.2.0.0/16"))
            .accepter_vpc_info(info("vpc-a", "111111111111", "eu-west-1", "10.0.0.0/16"))
            .build();
        let r = peering(&AT, &p).expect("named");
        assert_eq!(r.text("side"), Some("accepter"));
        assert_eq!(r.text("status"), Some("pending-acceptance"));
        let ends: Vec<_> = r
            .edges(Rel::PeersWith)
            .map(|e| (e.to.as_str(), e.account_id.as_deref(), e.region.as_deref()))
            .collect();
        assert_eq!(
            ends,
            [("vpc-c", Some("333333333333"), None), ("vpc-a", None, None)]
        );
    }

    #[test]
    fn a_peering_within_the_account_is_held_on_both_sides() {
        let p = sdk::VpcPeeringConnection::builder()
            .vpc_peering_connection_id("pcx-3")
            .requester_vpc_info(info("vpc-a", "111111111111", "eu-west-1", "10.0.0.0/16"))
            .accepter_vpc_info(info("vpc-d", "111111111111", "eu-west-1", "10.3.0.0/16"))
            .build();
        let r = peering(&AT, &p).expect("named");
        assert_eq!(r.text("side"), Some("both"));
        assert!(r.edges(Rel::PeersWith).all(|e| e.account_id.is_none()));
    }

    #[test]
    fn a_deleted_peering_with_a_vanished_end_is_kept_as_it_is() {
        // The accepter's VPC was deleted: EC2 lists the peering as deleted
        // and may no longer describe that end beyond its owner.
        let p = sdk::VpcPeeringConnection::builder()
            .vpc_peering_connection_id("pcx-4")
            .status(status(sdk::VpcPeeringConnectionStateReasonCode::Deleted))
            .requester_vpc_info(info("vpc-a", "111111111111", "eu-west-1", "10.0.0.0/16"))
            .accepter_vpc_info(
                sdk::VpcPeeringConnectionVpcInfo::builder()
                    .owner_id("222222222222")
                    .build(),
            )
            .build();
        let r = peering(&AT, &p).expect("named");
        assert_eq!(r.text("status"), Some("deleted"));
        assert_eq!(r.text("side"), Some("requester"));
        assert_eq!(r.get("accepter_vpc"), Some(&Value::Null));
        assert_eq!(r.text("accepter_account"), Some("222222222222"));
        assert_eq!(
            r.relations,
            vec![Edge::new(Rel::PeersWith, kinds::VPC, "vpc-a").attr("side", "requester")]
        );
    }

    #[test]
    fn unknown_owners_leave_the_side_null_and_a_nameless_peering_is_skipped() {
        let p = sdk::VpcPeeringConnection::builder()
            .vpc_peering_connection_id("pcx-5")
            .build();
        let r = peering(&AT, &p).expect("named");
        assert_eq!(r.get("side"), Some(&Value::Null));
        assert_eq!(r.get("status"), Some(&Value::Null));
        assert!(r.relations.is_empty());
        assert!(peering(&AT, &sdk::VpcPeeringConnection::builder().build()).is_none());
    }
}
