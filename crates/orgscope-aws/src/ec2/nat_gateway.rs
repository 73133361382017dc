//! NAT gateways: `DescribeNatGateways` paged to the end, and the
//! conversion of a gateway into a resource in its VPC and subnet, attached
//! to the Elastic IP of each of its addresses, with its primary address's
//! public and private IPs as fields.

use aws_sdk_ec2::types as sdk;

use super::{Collector, Listed, Where, drain, id_of, opt};
use orgscope_core::model::{Edge, Rel, Resource, kinds};

pub(super) const COLLECTOR: Collector = Collector {
    kind: kinds::NAT_GATEWAY,
    describe: |client, at, page| Box::pin(describe(client, at, page)),
};

async fn describe(client: &aws_sdk_ec2::Client, at: Where<'_>, page: i32) -> Listed {
    let pages = client
        .describe_nat_gateways()
        .max_results(page)
        .into_paginator()
        .send();
    drain(pages, |p, out| {
        out.extend(p.nat_gateways().iter().filter_map(|g| nat_gateway(&at, g)))
    })
    .await
}

fn nat_gateway(at: &Where<'_>, g: &sdk::NatGateway) -> Option<Resource> {
    let id = id_of(at, kinds::NAT_GATEWAY, g.nat_gateway_id())?;
    let addresses = g.nat_gateway_addresses();
    // The primary address, else the first: EC2 marks one primary when a
    // gateway has several, and older answers (and moto) mark none.
    let primary = addresses
        .iter()
        .find(|a| a.is_primary() == Some(true))
        .or_else(|| addresses.first());
    let mut r = at
        .resource(kinds::NAT_GATEWAY, &id, g.tags(), None)
        .with(
            "connectivity",
            g.connectivity_type().map(|c| c.as_str().to_string()),
        )
        .with("state", g.state().map(|s| s.as_str().to_string()))
        .with("public_ip", primary.and_then(|a| opt(a.public_ip())))
        .with("private_ip", primary.and_then(|a| opt(a.private_ip())));
    if let Some(vpc) = opt(g.vpc_id()) {
        r.relations.push(Edge::new(Rel::InVpc, kinds::VPC, vpc));
    }
    if let Some(subnet) = opt(g.subnet_id()) {
        r.relations
            .push(Edge::new(Rel::InSubnet, kinds::SUBNET, subnet));
    }
    // One edge per Elastic IP, in allocation id order; a private gateway's
    // addresses have none.
    let mut eips: Vec<String> = addresses
        .iter()
        .filter_map(|a| opt(a.allocation_id()))
        .collect();
    eips.sort();
    eips.dedup();
    r.relations.extend(
        eips.into_iter()
            .map(|eip| Edge::new(Rel::AttachedTo, kinds::ELASTIC_IP, eip)),
    );
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::super::TEST_AT as AT;
    use super::*;
    use orgscope_core::model::Value;

    fn address(
        alloc: &str,
        public: &str,
        private: &str,
        primary: Option<bool>,
    ) -> sdk::NatGatewayAddress {
        sdk::NatGatewayAddress::builder()
            .allocation_id(alloc)
            .public_ip(public)
            .private_ip(private)
            .network_interface_id("eni-1")
            .set_is_primary(primary)
            .build()
    }

    #[test]
    fn a_public_gateway_lies_in_its_subnet_and_is_attached_to_its_eips() {
        let g = sdk::NatGateway::builder()
            .nat_gateway_id("nat-1")
            .vpc_id("vpc-1")
            .subnet_id("subnet-pub")
            .state(sdk::NatGatewayState::Available)
            .connectivity_type(sdk::ConnectivityType::Public)
            .nat_gateway_addresses(address("eipalloc-2", "52.0.0.2", "10.0.0.9", Some(false)))
            .nat_gateway_addresses(address("eipalloc-1", "52.0.0.1", "10.0.0.8", Some(true)))
            .tags(sdk::Tag::builder().key("Name").value("egress").build())
            .build();
        let r = nat_gateway(&AT, &g).expect("named");
        assert_eq!((r.kind, r.id.as_str()), (kinds::NAT_GATEWAY, "nat-1"));
        assert_eq!(r.name.as_deref(), Some("egress"));
        assert_eq!(r.text("connectivity"), Some("public"));
        assert_eq!(r.text("connectivity_type"), Some("public"));
        assert_eq!(r.text("state"), Some("available"));
        // The primary address, not the first listed.
        assert_eq!(r.text("public_ip"), Some("52.0.0.1"));
        assert_eq!(r.text("private_ip"), Some("10.0.0.8"));
        assert_eq!(
            r.relations,
            vec![
                Edge::new(Rel::InVpc, kinds::VPC, "vpc-1"),
                Edge::new(Rel::InSubnet, kinds::SUBNET, "subnet-pub"),
                Edge::new(Rel::AttachedTo, kinds::ELASTIC_IP, "eipalloc-1"),
                Edge::new(Rel::AttachedTo, kinds::ELASTIC_IP, "eipalloc-2"),
            ]
        );
    }

    #[test]
    fn with_no_primary_marked_the_first_address_is_read() {
        let g = sdk::NatGateway::builder()
            .nat_gateway_id("nat-3")
            .nat_gateway_addresses(address("eipalloc-9", "52.0.0.9", "10.0.0.9", None))
            .build();
        let r = nat_gateway(&AT, &g).expect("named");
        assert_eq!(r.text("public_ip"), Some("52.0.0.9"));
    }

    #[test]
    fn a_private_gateway_has_no_public_ip_and_no_eip_edge() {
        let g = sdk::NatGateway::builder()
            .nat_gateway_id("nat-2")
            .vpc_id("vpc-1")
            .subnet_id("subnet-priv")
            .connectivity_type(sdk::ConnectivityType::Private)
            .nat_gateway_addresses(
                sdk::NatGatewayAddress::builder()
                    .private_ip("10.0.1.7")
                    .network_interface_id("eni-2")
                    .build(),
            )
            .build();
        let r = nat_gateway(&AT, &g).expect("named");
        assert_eq!(r.text("connectivity"), Some("private"));
        assert_eq!(r.get("public_ip"), Some(&Value::Null));
        assert_eq!(r.text("private_ip"), Some("10.0.1.7"));
        assert_eq!(r.edges(Rel::AttachedTo).count(), 0);
    }

    #[test]
    fn a_gateway_with_no_address_is_kept_with_null_ips() {
        // A failed or deleted gateway can come back with no address at all.
        let g = sdk::NatGateway::builder()
            .nat_gateway_id("nat-4")
            .subnet_id("subnet-1")
            .state(sdk::NatGatewayState::Failed)
            .build();
        let r = nat_gateway(&AT, &g).expect("named");
        assert_eq!(r.text("state"), Some("failed"));
        assert_eq!(r.get("public_ip"), Some(&Value::Null));
        assert_eq!(r.get("private_ip"), Some(&Value::Null));
        assert_eq!(r.get("connectivity"), Some(&Value::Null));
        assert_eq!(
            r.relations,
            vec![Edge::new(Rel::InSubnet, kinds::SUBNET, "subnet-1")]
        );
        assert!(nat_gateway(&AT, &sdk::NatGateway::builder().build()).is_none());
    }
}
