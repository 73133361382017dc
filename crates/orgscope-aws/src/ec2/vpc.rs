//! VPCs: `DescribeVpcs` paged to the end, and the conversion of a VPC
//! into a resource with its primary CIDR and every associated one.

use aws_sdk_ec2::types as sdk;

use super::{Collector, Listed, Where, drain, id_of};
use orgscope_core::model::{Resource, kinds};

pub(super) const COLLECTOR: Collector = Collector {
    kind: kinds::VPC,
    describe: |client, at, page| Box::pin(describe(client, at, page)),
};

async fn describe(client: &aws_sdk_ec2::Client, at: Where<'_>, page: i32) -> Listed {
    let pages = client
        .describe_vpcs()
        .max_results(page)
        .into_paginator()
        .send();
    drain(pages, |p, out| {
        out.extend(p.vpcs().iter().filter_map(|x| vpc(&at, x)))
    })
    .await
}

fn vpc(at: &Where<'_>, v: &sdk::Vpc) -> Option<Resource> {
    let id = id_of(at, kinds::VPC, v.vpc_id())?;
    let primary = v.cidr_block().unwrap_or_default().to_string();
    let mut cidrs: Vec<String> = v
        .cidr_block_association_set()
        .iter()
        .filter(|a| {
            a.cidr_block_state()
                .and_then(|s| s.state())
                .is_none_or(|s| s.as_str() == "associated")
        })
        .filter_map(|a| a.cidr_block().map(str::to_string))
        .collect();
    if !primary.is_empty() && !cidrs.contains(&primary) {
        cidrs.insert(0, primary.clone());
    }
    let r = at
        .resource(kinds::VPC, &id, v.tags(), None)
        .with("cidr", primary)
        .with("cidr_blocks", cidrs)
        .with("is_default", v.is_default().unwrap_or(false))
        .with(
            "state",
            v.state()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
        );
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::super::TEST_AT as AT;
    use super::*;
    use orgscope_core::model::Value;

    #[test]
    fn a_vpc_lists_its_primary_cidr() {
        let v = sdk::Vpc::builder()
            .vpc_id("vpc-1")
            .cidr_block("10.0.0.0/16")
            .cidr_block_association_set(
                sdk::VpcCidrBlockAssociation::builder()
                    .cidr_block("10.1.0.0/16")
                    .build(),
            )
            .build();
        let r = vpc(&AT, &v).expect("has an id");
        assert_eq!(r.kind, kinds::VPC);
        assert_eq!(r.text("cidr"), Some("10.0.0.0/16"));
        assert_eq!(
            r.get("cidr_blocks"),
            Some(&Value::from(vec![
                "10.0.0.0/16".to_string(),
                "10.1.0.0/16".to_string()
            ]))
        );
        assert_eq!(r.get("is_default"), Some(&Value::Bool(false)));
        assert!(r.relations.is_empty());
    }

    #[test]
    fn a_vpc_without_an_id_is_skipped() {
        let v = sdk::Vpc::builder().cidr_block("10.0.0.0/16").build();
        assert!(vpc(&AT, &v).is_none());
    }
}
