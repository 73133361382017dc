//! Load balancers: the region's `DescribeLoadBalancers` (shared with the
//! listener collector), their tags from `DescribeTags` (at most 20 ARNs a
//! call), and the conversion of a load balancer into a resource in its
//! VPC, in one subnet per availability zone and member of its security
//! groups.
//!
//! Tags are part of the cell: a load balancer without its tags would slip
//! out of every tag filter (`env:prod`) while looking complete, so if any
//! `DescribeTags` call fails, the load balancer cell is that failure (and
//! its resources are not kept), as for a failed page. The name is the
//! `Name` tag when there is one, else the load balancer's own name.

use std::collections::HashMap;

use aws_sdk_elasticloadbalancingv2 as elb;
use elb::types as sdk;
use futures::{StreamExt, TryStreamExt, stream};

use super::{Collector, Listed, PER_RESOURCE_AT_ONCE, Region, Where, classify, opt, tags_of};
use orgscope_core::model::{Edge, Rel, Resource, Tags, kinds};

pub(super) const COLLECTOR: Collector = Collector {
    kind: kinds::LOAD_BALANCER,
    describe: |r| Box::pin(describe(r)),
};

/// `DescribeTags` takes at most 20 resource ARNs per call.
const TAGS_PER_CALL: usize = 20;

async fn describe(r: &Region<'_>) -> Listed {
    let lbs = r.load_balancers().await?;
    let arns: Vec<&str> = lbs.iter().filter_map(|lb| lb.load_balancer_arn()).collect();
    let mut tags = tags_by_arn(r.client, &arns).await?;
    Ok(lbs
        .iter()
        .filter_map(|lb| {
            let t = lb
                .load_balancer_arn()
                .and_then(|a| tags.remove(a))
                .unwrap_or_default();
            load_balancer(&r.at, lb, t)
        })
        .collect())
}

/// Tags of every ARN, [`TAGS_PER_CALL`] ARNs a call; the first failed call
/// fails them all (see the module doc). An ARN ELB says nothing about has
/// no tags.
async fn tags_by_arn(
    client: &elb::Client,
    arns: &[&str],
) -> Result<HashMap<String, Tags>, super::Failure> {
    // Owned batches: a stream closure taking a reference would make this
    // future not `Send` (rustc cannot prove it for every lifetime).
    let owned: Vec<Vec<String>> = arns
        .chunks(TAGS_PER_CALL)
        .map(|batch| batch.iter().map(|a| a.to_string()).collect())
        .collect();
    let batches: Vec<Vec<sdk::TagDescription>> = stream::iter(owned)
        .map(|batch| async move {
            let out = client
                .describe_tags()
                .set_resource_arns(Some(batch))
                .send()
                .await
                .map_err(|e| classify(&e))?;
            Ok::<_, super::Failure>(out.tag_descriptions().to_vec())
        })
        .buffered(PER_RESOURCE_AT_ONCE)
        .try_collect()
        .await?;
    Ok(batches
        .iter()
        .flatten()
        .filter_map(|d| Some((d.resource_arn()?.to_string(), tags_of(d.tags()))))
        .collect())
}

/// A load balancer named by its ARN's resource part (`app/NAME/HEX`); one
/// without a usable ARN is logged and skipped.
fn load_balancer(at: &Where<'_>, lb: &sdk::LoadBalancer, tags: Tags) -> Option<Resource> {
    let arn = at.parse(lb.load_balancer_arn(), "loadbalancer", "a load balancer")?;
    let mut r = at
        .resource(kinds::LOAD_BALANCER, arn.id, tags, lb.load_balancer_name())
        .with("lb_type", lb.r#type().map(|t| t.as_str().to_string()))
        .with("scheme", lb.scheme().map(|s| s.as_str().to_string()))
        .with(
            "state",
            lb.state()
                .and_then(|s| s.code())
                .map(|c| c.as_str().to_string()),
        )
        .with("dns_name", opt(lb.dns_name()))
        .with(
            "ip_address_type",
            lb.ip_address_type().map(|t| t.as_str().to_string()),
        );
    if let Some(vpc) = opt(lb.vpc_id()) {
        r.relations.push(Edge::new(Rel::InVpc, kinds::VPC, vpc));
    }
    // Sorted, so a resource's edges do not depend on the order ELB listed
    // its zones and groups.
    let mut subnets: Vec<&str> = lb
        .availability_zones()
        .iter()
        .filter_map(|z| z.subnet_id())
        .filter(|s| !s.is_empty())
        .collect();
    subnets.sort_unstable();
    subnets.dedup();
    r.relations.extend(
        subnets
            .into_iter()
            .map(|s| Edge::new(Rel::InSubnet, kinds::SUBNET, s)),
    );
    let mut groups: Vec<&str> = lb
        .security_groups()
        .iter()
        .map(String::as_str)
        .filter(|g| !g.is_empty())
        .collect();
    groups.sort_unstable();
    groups.dedup();
    r.relations.extend(
        groups
            .into_iter()
            .map(|g| Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, g)),
    );
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::super::TEST_AT as AT;
    use super::*;
    use orgscope_core::model::Value;

    const ARN: &str =
        "arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/web/50dc6c495c0c9188";

    fn zone(name: &str, subnet: &str) -> sdk::AvailabilityZone {
        sdk::AvailabilityZone::builder()
            .zone_name(name)
            .subnet_id(subnet)
            .build()
    }

    #[test]
    fn a_load_balancer_keeps_its_fields_and_its_network_becomes_edges() {
        let lb = sdk::LoadBalancer::builder()
            .load_balancer_arn(ARN)
            .load_balancer_name("web")
            .r#type(sdk::LoadBalancerTypeEnum::Application)
            .scheme(sdk::LoadBalancerSchemeEnum::InternetFacing)
            .state(
                sdk::LoadBalancerState::builder()
                    .code(sdk::LoadBalancerStateEnum::Active)
                    .build(),
            )
            .dns_name("web-1.eu-west-1.elb.amazonaws.com")
            .ip_address_type(sdk::IpAddressType::Dualstack)
            .vpc_id("vpc-1")
            .availability_zones(zone("eu-west-1b", "subnet-b"))
            .availability_zones(zone("eu-west-1a", "subnet-a"))
            .security_groups("sg-2")
            .security_groups("sg-1")
            .build();
        let tags: Tags = [("env".to_string(), "prod".to_string())].into();
        let r = load_balancer(&AT, &lb, tags).expect("converted");
        assert_eq!(r.kind, kinds::LOAD_BALANCER);
        assert_eq!(r.id, "app/web/50dc6c495c0c9188");
        assert_eq!(r.arn(), ARN);
        assert_eq!(r.name.as_deref(), Some("web"));
        assert_eq!(r.tags.get("env").map(String::as_str), Some("prod"));
        assert_eq!(r.text("lb_type"), Some("application"));
        assert_eq!(r.text("scheme"), Some("internet-facing"));
        assert_eq!(r.text("state"), Some("active"));
        assert_eq!(
            r.text("dns_name"),
            Some("web-1.eu-west-1.elb.amazonaws.com")
        );
        assert_eq!(r.text("ip_address_type"), Some("dualstack"));
        // Derived later by model::wiring, never by the collector.
        assert_eq!(r.get("internet"), Some(&Value::Null));
        assert_eq!(
            r.relations,
            vec![
                Edge::new(Rel::InVpc, kinds::VPC, "vpc-1"),
                Edge::new(Rel::InSubnet, kinds::SUBNET, "subnet-a"),
                Edge::new(Rel::InSubnet, kinds::SUBNET, "subnet-b"),
                Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, "sg-1"),
                Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, "sg-2"),
            ]
        );
    }

    #[test]
    fn a_gateway_load_balancer_without_groups_or_dns_has_only_what_it_has() {
        let lb = sdk::LoadBalancer::builder()
            .load_balancer_arn(
                "arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/gwy/inspect/1",
            )
            .load_balancer_name("inspect")
            .r#type(sdk::LoadBalancerTypeEnum::Gateway)
            .vpc_id("vpc-1")
            .availability_zones(zone("eu-west-1a", "subnet-a"))
            .build();
        let r = load_balancer(&AT, &lb, Tags::new()).expect("converted");
        assert_eq!(r.text("lb_type"), Some("gateway"));
        assert_eq!(r.get("scheme"), Some(&Value::Null));
        assert_eq!(r.get("dns_name"), Some(&Value::Null));
        assert_eq!(r.edges(Rel::MemberOf).count(), 0);
        assert_eq!(r.first(Rel::InSubnet), Some("subnet-a"));
    }

    #[test]
    fn a_name_tag_names_it_and_a_load_balancer_without_arn_is_skipped() {
        let lb = sdk::LoadBalancer::builder()
            .load_balancer_arn(ARN)
            .load_balancer_name("web")
            .build();
        let tags: Tags = [("Name".to_string(), "front door".to_string())].into();
        let r = load_balancer(&AT, &lb, tags).expect("converted");
        assert_eq!(r.name.as_deref(), Some("front door"));
        assert!(r.relations.is_empty());
        let nameless = sdk::LoadBalancer::builder()
            .load_balancer_name("web")
            .build();
        assert!(load_balancer(&AT, &nameless, Tags::new()).is_none());
        let garbled = sdk::LoadBalancer::builder()
            .load_balancer_arn("arn:aws:elasticloadbalancing:eu-west-1:111111111111:web")
            .build();
        assert!(load_balancer(&AT, &garbled, Tags::new()).is_none());
    }
}
