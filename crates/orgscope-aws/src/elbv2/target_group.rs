//! Target groups: `DescribeTargetGroups` paged to the end, then
//! `DescribeTargetHealth` once per group, and the conversion of a group
//! into a resource in its VPC, attached to its load balancers and
//! targeting each registered target with the target's port and health.
//!
//! Targets are part of the cell: a group shown without its targets would
//! read as "nothing registered", so if `DescribeTargetHealth` fails for any
//! group, the target group cell is that failure (and none of its groups
//! are kept), never a complete-looking list with holes. A group deleted
//! between the two calls (`TargetGroupNotFound`) is gone, and is skipped
//! with a warning.
//!
//! A target is whatever the health check reports, as AWS reports it: an
//! instance that was terminated is deregistered by ELB, shown `draining`
//! (reason `Target.DeregistrationInProgress`) for the deregistration delay
//! and then no longer listed at all, so the group stops targeting it; a
//! stopped instance stays registered as `unused` (`Target.InvalidState`).
//! The `reason` attribute carries that code whenever AWS gives one.

use aws_sdk_elasticloadbalancingv2::types as sdk;
use futures::{StreamExt, TryStreamExt, stream};

use super::{Collector, Listed, PER_RESOURCE_AT_ONCE, Region, Where, classify, drain, opt};
use orgscope_core::model::{Edge, Rel, Resource, Tags, kinds};

pub(super) const COLLECTOR: Collector = Collector {
    kind: kinds::TARGET_GROUP,
    describe: |r| Box::pin(describe(r)),
};

/// The error code of a target group deleted between the region's
/// `DescribeTargetGroups` and its `DescribeTargetHealth`.
const GONE: &str = "TargetGroupNotFound";

async fn describe(r: &Region<'_>) -> Listed {
    let pages = r
        .client
        .describe_target_groups()
        .page_size(r.page)
        .into_paginator()
        .send();
    let groups: Vec<sdk::TargetGroup> = drain(pages, |p, out| {
        out.extend_from_slice(p.target_groups());
    })
    .await?;
    // Owned groups: a stream closure taking a reference would make this
    // future not `Send` (rustc cannot prove it for every lifetime).
    let converted: Vec<Option<Resource>> = stream::iter(groups)
        .map(|g| with_health(r, g))
        .buffered(PER_RESOURCE_AT_ONCE)
        .try_collect()
        .await?;
    Ok(converted.into_iter().flatten().collect())
}

/// One group with its targets' health; `None` for a group that cannot be
/// named or is gone.
async fn with_health(
    r: &Region<'_>,
    g: sdk::TargetGroup,
) -> Result<Option<Resource>, super::Failure> {
    let Some(arn) = g.target_group_arn().filter(|a| !a.is_empty()) else {
        // `target_group` logs it; without an ARN there is nothing to ask.
        return Ok(target_group(&r.at, &g, &[]));
    };
    match r
        .client
        .describe_target_health()
        .target_group_arn(arn)
        .send()
        .await
    {
        Ok(out) => Ok(target_group(&r.at, &g, out.target_health_descriptions())),
        Err(e) => {
            let f = classify(&e);
            if f.code.as_deref() == Some(GONE) {
                tracing::warn!(
                    "{} {}: target group {arn} was deleted while its targets were read",
                    r.at.account_id,
                    r.at.region
                );
                return Ok(None);
            }
            Err(f)
        }
    }
}

/// A target group named by its ARN's resource part (`NAME/HEX`) with its
/// targets; one without a usable ARN is logged and skipped.
fn target_group(
    at: &Where<'_>,
    g: &sdk::TargetGroup,
    health: &[sdk::TargetHealthDescription],
) -> Option<Resource> {
    let arn = at.parse(g.target_group_arn(), "targetgroup", "a target group")?;
    let instances = matches!(g.target_type(), Some(sdk::TargetTypeEnum::Instance));
    let targets: Vec<Edge> = health.iter().filter_map(|h| target(instances, h)).collect();
    let healthy = targets
        .iter()
        .filter(|e| e.attrs.get("health").is_some_and(|h| h == "healthy"))
        .count();
    let mut r = at
        .resource(
            kinds::TARGET_GROUP,
            arn.id,
            Tags::new(),
            g.target_group_name(),
        )
        .with("protocol", g.protocol().map(|p| p.as_str().to_string()))
        .with("port", g.port().map(i64::from))
        .with(
            "target_type",
            g.target_type().map(|t| t.as_str().to_string()),
        )
        .with(
            "health_check_protocol",
            g.health_check_protocol().map(|p| p.as_str().to_string()),
        )
        .with("health_check_port", opt(g.health_check_port()))
        .with("health_check_path", opt(g.health_check_path()))
        .with("healthy", i64::try_from(healthy).ok());
    if let Some(vpc) = opt(g.vpc_id()) {
        r.relations.push(Edge::new(Rel::InVpc, kinds::VPC, vpc));
    }
    let mut lbs: Vec<&str> = g.load_balancer_arns().iter().map(String::as_str).collect();
    lbs.sort_unstable();
    lbs.dedup();
    r.relations.extend(lbs.into_iter().filter_map(|lb| {
        let lb = at.parse(Some(lb), "loadbalancer", "a target group's load balancer")?;
        Some(at.edge_to(Rel::AttachedTo, kinds::LOAD_BALANCER, &lb))
    }));
    let mut targets = targets;
    targets.sort();
    r.relations.extend(targets);
    Some(r)
}

/// One registered target as an edge: to the instance for an `instance`
/// group, else (an IP address, a Lambda function, an ALB) to its id with no
/// kind orgscope collects. Attributes `port`, `health` and `reason` as the
/// health check reports them; a target without an id is logged and
/// skipped.
fn target(instances: bool, h: &sdk::TargetHealthDescription) -> Option<Edge> {
    let Some(id) = h.target().and_then(|t| opt(t.id())) else {
        tracing::warn!("a registered target without an id was skipped");
        return None;
    };
    let mut e = Edge::new(Rel::Targets, kinds::INSTANCE, id);
    if !instances {
        e.kind = None;
    }
    if let Some(port) = h.target().and_then(|t| t.port()) {
        e = e.attr("port", port.to_string());
    }
    if let Some(state) = h.target_health().and_then(|t| t.state()) {
        e = e.attr("health", state.as_str());
    }
    if let Some(reason) = h.target_health().and_then(|t| t.reason()) {
        e = e.attr("reason", reason.as_str());
    }
    Some(e)
}

#[cfg(test)]
mod tests {
    use super::super::TEST_AT as AT;
    use super::*;
    use orgscope_core::model::Value;

    const PREFIX: &str = "arn:aws:elasticloadbalancing:eu-west-1:111111111111";

    fn health(
        id: &str,
        port: i32,
        state: sdk::TargetHealthStateEnum,
        reason: Option<sdk::TargetHealthReasonEnum>,
    ) -> sdk::TargetHealthDescription {
        let mut th = sdk::TargetHealth::builder().state(state);
        if let Some(r) = reason {
            th = th.reason(r);
        }
        sdk::TargetHealthDescription::builder()
            .target(sdk::TargetDescription::builder().id(id).port(port).build())
            .target_health(th.build())
            .build()
    }

    fn group(target_type: sdk::TargetTypeEnum) -> sdk::TargetGroup {
        sdk::TargetGroup::builder()
            .target_group_arn(format!("{PREFIX}:targetgroup/web/6d0e"))
            .target_group_name("web")
            .protocol(sdk::ProtocolEnum::Http)
            .port(8080)
            .vpc_id("vpc-1")
            .target_type(target_type)
            .health_check_protocol(sdk::ProtocolEnum::Http)
            .health_check_port("traffic-port")
            .health_check_path("/health")
            .load_balancer_arns(format!("{PREFIX}:loadbalancer/app/web/1a"))
            .build()
    }

    #[test]
    fn an_instance_group_targets_its_instances_with_port_and_health() {
        use sdk::{TargetHealthReasonEnum as Why, TargetHealthStateEnum as State};
        let h = [
            health("i-2", 8080, State::Unused, Some(Why::InvalidState)),
            health("i-1", 8080, State::Healthy, None),
            health(
                "i-3",
                8080,
                State::Draining,
                Some(Why::DeregistrationInProgress),
            ),
            health("i-4", 8081, State::Healthy, None),
        ];
        let r = target_group(&AT, &group(sdk::TargetTypeEnum::Instance), &h).expect("converted");
        assert_eq!((r.kind, r.id.as_str()), (kinds::TARGET_GROUP, "web/6d0e"));
        assert_eq!(r.arn(), format!("{PREFIX}:targetgroup/web/6d0e"));
        assert_eq!(r.name.as_deref(), Some("web"));
        assert_eq!(r.text("protocol"), Some("HTTP"));
        assert_eq!(r.get("port"), Some(&Value::Number(8080)));
        assert_eq!(r.text("target_type"), Some("instance"));
        assert_eq!(r.text("health_check_protocol"), Some("HTTP"));
        assert_eq!(r.text("health_check_port"), Some("traffic-port"));
        assert_eq!(r.text("health_check_path"), Some("/health"));
        assert_eq!(r.get("healthy"), Some(&Value::Number(2)));
        let target = |id: &str, port: &str, health: &str| {
            Edge::new(Rel::Targets, kinds::INSTANCE, id)
                .attr("port", port)
                .attr("health", health)
        };
        assert_eq!(
            r.relations,
            vec![
                Edge::new(Rel::InVpc, kinds::VPC, "vpc-1"),
                Edge::new(Rel::AttachedTo, kinds::LOAD_BALANCER, "app/web/1a"),
                target("i-1", "8080", "healthy"),
                target("i-2", "8080", "unused").attr("reason", "Target.InvalidState"),
                target("i-3", "8080", "draining").attr("reason", "Target.DeregistrationInProgress"),
                target("i-4", "8081", "healthy"),
            ]
        );
    }

    #[test]
    fn ip_and_lambda_targets_have_no_kind() {
        let h = [health(
            "10.0.1.7",
            443,
            sdk::TargetHealthStateEnum::Unhealthy,
            Some(sdk::TargetHealthReasonEnum::Timeout),
        )];
        let r = target_group(&AT, &group(sdk::TargetTypeEnum::Ip), &h).expect("converted");
        let t: Vec<&Edge> = r.edges(Rel::Targets).collect();
        assert_eq!(t.len(), 1);
        assert_eq!((t[0].to.as_str(), t[0].kind), ("10.0.1.7", None));
        assert_eq!(
            t[0].attrs.get("health").map(String::as_str),
            Some("unhealthy")
        );
        assert_eq!(r.get("healthy"), Some(&Value::Number(0)));

        let lambda = sdk::TargetGroup::builder()
            .target_group_arn(format!("{PREFIX}:targetgroup/fn/7a"))
            .target_group_name("fn")
            .target_type(sdk::TargetTypeEnum::Lambda)
            .build();
        let fn_arn = "arn:aws:lambda:eu-west-1:111111111111:function:api";
        let h = sdk::TargetHealthDescription::builder()
            .target(sdk::TargetDescription::builder().id(fn_arn).build())
            .target_health(
                sdk::TargetHealth::builder()
                    .state(sdk::TargetHealthStateEnum::Unavailable)
                    .build(),
            )
            .build();
        let r = target_group(&AT, &lambda, &[h]).expect("converted");
        // No VPC, no port, no load balancer: only the function.
        assert_eq!(r.get("port"), Some(&Value::Null));
        assert_eq!(r.relations.len(), 1);
        let e = &r.relations[0];
        assert_eq!((e.to.as_str(), e.kind), (fn_arn, None));
        assert_eq!(e.attrs.get("port"), None);
        assert_eq!(
            e.attrs.get("health").map(String::as_str),
            Some("unavailable")
        );
    }

    #[test]
    fn an_empty_group_counts_zero_healthy_and_nameless_targets_or_groups_are_skipped() {
        let r = target_group(&AT, &group(sdk::TargetTypeEnum::Instance), &[]).expect("converted");
        assert_eq!(r.get("healthy"), Some(&Value::Number(0)));
        assert_eq!(r.edges(Rel::Targets).count(), 0);
        let nameless = sdk::TargetHealthDescription::builder()
            .target_health(
                sdk::TargetHealth::builder()
                    .state(sdk::TargetHealthStateEnum::Healthy)
                    .build(),
            )
            .build();
        assert!(target(true, &nameless).is_none());
        let no_arn = sdk::TargetGroup::builder().target_group_name("web").build();
        assert!(target_group(&AT, &no_arn, &[]).is_none());
    }
}
