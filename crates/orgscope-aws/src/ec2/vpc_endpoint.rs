//! VPC endpoints: `DescribeVpcEndpoints` paged to the end, and the
//! conversion of an endpoint into a resource in its VPC, in each subnet
//! it has a network interface in (interface and Gateway Load Balancer
//! endpoints) and a member of its security groups. A gateway endpoint's
//! route tables are not edges here: each of those tables lists the
//! endpoint as a route target, which is where the route is drawn from.

use aws_sdk_ec2::types as sdk;

use super::{Collector, Listed, Where, drain, flag, id_of, opt};
use orgscope_core::model::{Edge, Rel, Resource, kinds};

pub(super) const COLLECTOR: Collector = Collector {
    kind: kinds::VPC_ENDPOINT,
    describe: |client, at, page| Box::pin(describe(client, at, page)),
};

async fn describe(client: &aws_sdk_ec2::Client, at: Where<'_>, page: i32) -> Listed {
    let pages = client
        .describe_vpc_endpoints()
        .max_results(page)
        .into_paginator()
        .send();
    drain(pages, |p, out| {
        out.extend(p.vpc_endpoints().iter().filter_map(|e| endpoint(&at, e)))
    })
    .await
}

fn endpoint(at: &Where<'_>, e: &sdk::VpcEndpoint) -> Option<Resource> {
    let id = id_of(at, kinds::VPC_ENDPOINT, e.vpc_endpoint_id())?;
    let mut subnets: Vec<String> = e
        .subnet_ids()
        .iter()
        .filter_map(|s| opt(Some(s.as_str())))
        .collect();
    subnets.sort();
    subnets.dedup();
    // Sorted by (id, name), as an instance's groups are.
    let mut groups: Vec<(String, Option<String>)> = e
        .groups()
        .iter()
        .filter_map(|g| Some((opt(g.group_id())?, opt(g.group_name()))))
        .collect();
    groups.sort();
    groups.dedup();
    let mut r = at
        .resource(kinds::VPC_ENDPOINT, &id, e.tags(), None)
        .with("service_name", opt(e.service_name()))
        .with(
            "endpoint_type",
            e.vpc_endpoint_type().map(|t| t.as_str().to_string()),
        )
        .with("state", e.state().map(|s| s.as_str().to_string()))
        .with("private_dns", flag(e.private_dns_enabled()));
    if let Some(vpc) = opt(e.vpc_id()) {
        r.relations.push(Edge::new(Rel::InVpc, kinds::VPC, vpc));
    }
    r.relations.extend(
        subnets
            .into_iter()
            .map(|s| Edge::new(Rel::InSubnet, kinds::SUBNET, s)),
    );
    r.relations.extend(groups.into_iter().map(|(id, name)| {
        let edge = Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, id);
        match name {
            Some(n) => edge.named(n),
            None => edge,
        }
    }));
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::super::TEST_AT as AT;
    use super::*;
    use orgscope_core::model::Value;

    #[test]
    fn an_interface_endpoint_lies_in_its_subnets_and_groups() {
        let e = sdk::VpcEndpoint::builder()
            .vpc_endpoint_id("vpce-1")
            .vpc_endpoint_type(sdk::VpcEndpointType::Interface)
            .vpc_id("vpc-1")
            .service_name("com.amazonaws.eu-west-1.ssm")
            .state(sdk::State::from("available"))
            .private_dns_enabled(true)
            .subnet_ids("subnet-b")
            .subnet_ids("subnet-a")
            .groups(
                sdk::SecurityGroupIdentifier::builder()
                    .group_id("sg-2")
                    .group_name("endpoints")
                    .build(),
            )
            .groups(
                sdk::SecurityGroupIdentifier::builder()
                    .group_id("sg-1")
                    .build(),
            )
            .network_interface_ids("eni-1")
            .tags(sdk::Tag::builder().key("Name").value("ssm").build())
            .build();
        let r = endpoint(&AT, &e).expect("named");
        assert_eq!((r.kind, r.id.as_str()), (kinds::VPC_ENDPOINT, "vpce-1"));
        assert_eq!(r.name.as_deref(), Some("ssm"));
        assert_eq!(r.text("service_name"), Some("com.amazonaws.eu-west-1.ssm"));
        assert_eq!(r.text("endpoint_type"), Some("Interface"));
        assert_eq!(r.text("state"), Some("available"));
        assert_eq!(r.get("private_dns"), Some(&Value::Bool(true)));
        assert_eq!(
            r.relations,
            vec![
                Edge::new(Rel::InVpc, kinds::VPC, "vpc-1"),
                Edge::new(Rel::InSubnet, kinds::SUBNET, "subnet-a"),
                Edge::new(Rel::InSubnet, kinds::SUBNET, "subnet-b"),
                Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, "sg-1"),
                Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, "sg-2").named("endpoints"),
            ]
        );
    }

    #[test]
    fn a_gateway_endpoint_lies_in_its_vpc_only() {
        let e = sdk::VpcEndpoint::builder()
            .vpc_endpoint_id("vpce-2")
            .vpc_endpoint_type(sdk::VpcEndpointType::Gateway)
            .vpc_id("vpc-1")
            .service_name("com.amazonaws.eu-west-1.s3")
            .route_table_ids("rtb-1")
            .build();
        let r = endpoint(&AT, &e).expect("named");
        assert_eq!(r.text("endpoint_type"), Some("Gateway"));
        assert_eq!(r.get("private_dns"), Some(&Value::Null));
        assert_eq!(
            r.relations,
            vec![Edge::new(Rel::InVpc, kinds::VPC, "vpc-1")]
        );
        assert!(endpoint(&AT, &sdk::VpcEndpoint::builder().vpc_id("vpc-1").build()).is_none());
    }
}
