//! Subnets: `DescribeSubnets` paged to the end, and the conversion of a
//! subnet into a resource that lies in its VPC (an edge).

use aws_sdk_ec2::types as sdk;

use super::{Collector, Listed, Where, drain, id_of, opt};
use orgscope_core::model::{Edge, Rel, Resource, kinds};

pub(super) const COLLECTOR: Collector = Collector {
    kind: kinds::SUBNET,
    describe: |client, at, page| Box::pin(describe(client, at, page)),
};

async fn describe(client: &aws_sdk_ec2::Client, at: Where<'_>, page: i32) -> Listed {
    let pages = client
        .describe_subnets()
        .max_results(page)
        .into_paginator()
        .send();
    drain(pages, |p, out| {
        out.extend(p.subnets().iter().filter_map(|x| subnet(&at, x)))
    })
    .await
}

fn subnet(at: &Where<'_>, s: &sdk::Subnet) -> Option<Resource> {
    let id = id_of(at, kinds::SUBNET, s.subnet_id())?;
    let mut r = at
        .resource(kinds::SUBNET, &id, s.tags(), None)
        .with("cidr", s.cidr_block().unwrap_or_default())
        .with("az", s.availability_zone().unwrap_or_default())
        .with("public", s.map_public_ip_on_launch().unwrap_or(false))
        .with("default_for_az", s.default_for_az().unwrap_or(false))
        .with(
            "available_ips",
            s.available_ip_address_count().map(i64::from),
        )
        .with(
            "state",
            s.state()
                .map(|x| x.as_str().to_string())
                .unwrap_or_default(),
        );
    // A subnet always lies in a VPC, but an edge to a VPC EC2 did not name
    // would point at "": one that resolves to nothing and, in the diff,
    // matches every other such subnet. No id, no edge.
    if let Some(vpc) = opt(s.vpc_id()) {
        r.relations.push(Edge::new(Rel::InVpc, kinds::VPC, vpc));
    }
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::super::TEST_AT as AT;
    use super::*;
    use orgscope_core::model::Value;

    #[test]
    fn a_subnet_lies_in_its_vpc() {
        let s = sdk::Subnet::builder()
            .subnet_id("subnet-1")
            .vpc_id("vpc-1")
            .cidr_block("10.0.1.0/24")
            .availability_zone("eu-west-1b")
            .map_public_ip_on_launch(true)
            .available_ip_address_count(250)
            .state(sdk::SubnetState::Available)
            .build();
        let r = subnet(&AT, &s).expect("has an id");
        assert_eq!(r.text("cidr"), Some("10.0.1.0/24"));
        assert_eq!(r.text("az"), Some("eu-west-1b"));
        assert_eq!(r.get("public"), Some(&Value::Bool(true)));
        assert_eq!(r.get("default_for_az"), Some(&Value::Bool(false)));
        assert_eq!(r.get("available_ips"), Some(&Value::Number(250)));
        assert_eq!(r.text("state"), Some("available"));
        assert_eq!(
            r.relations,
            vec![Edge::new(Rel::InVpc, kinds::VPC, "vpc-1")]
        );
    }

    #[test]
    fn a_subnet_without_an_id_is_skipped_and_without_a_vpc_has_no_edge() {
        assert!(subnet(&AT, &sdk::Subnet::builder().vpc_id("vpc-1").build()).is_none());
        let r =
            subnet(&AT, &sdk::Subnet::builder().subnet_id("subnet-2").build()).expect("has an id");
        assert!(r.relations.is_empty(), "{:?}", r.relations);
    }
}
