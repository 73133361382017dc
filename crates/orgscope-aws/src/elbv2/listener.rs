//! Listeners: `DescribeListeners` once per load balancer of the region
//! (the API lists one load balancer's listeners at a time; the load
//! balancers come from the region's shared `DescribeLoadBalancers`), and
//! the conversion of a listener into a resource attached to its load
//! balancer (the edge carries the port, which with the load balancer's key
//! is how a listener is matched across environments) and targeting the
//! target groups its default actions forward to.
//!
//! Rules beyond the default action (`DescribeRules`) are not collected:
//! they would be one more call per listener.

use aws_sdk_elasticloadbalancingv2::types as sdk;
use futures::{StreamExt, TryStreamExt, stream};

use super::{Collector, Failure, Listed, PER_RESOURCE_AT_ONCE, Region, Where, drain, opt};
use orgscope_core::model::{Rel, Resource, Tags, kinds};

pub(super) const COLLECTOR: Collector = Collector {
    kind: kinds::LISTENER,
    describe: |r| Box::pin(describe(r)),
};

/// The error code of a load balancer deleted between the region's
/// `DescribeLoadBalancers` and its `DescribeListeners`.
const GONE: &str = "LoadBalancerNotFound";

async fn describe(r: &Region<'_>) -> Listed {
    let lbs = r.load_balancers().await.map_err(unlisted)?;
    // Owned ARNs: a stream closure taking a reference would make this
    // future not `Send` (rustc cannot prove it for every lifetime). A load
    // balancer without a usable ARN is skipped (and logged) by the load
    // balancer collector; its listeners cannot be asked for.
    let arns: Vec<String> = lbs
        .iter()
        .filter_map(|lb| lb.load_balancer_arn())
        .filter(|a| !a.is_empty())
        .map(str::to_string)
        .collect();
    let per_lb: Vec<Vec<Resource>> = stream::iter(arns)
        .map(|arn| listeners_of(r, arn))
        .buffered(PER_RESOURCE_AT_ONCE)
        .try_collect()
        .await?;
    Ok(per_lb.into_iter().flatten().collect())
}

/// The listener cell when the load balancers could not be listed: the
/// same failure (status and code, so an expired session is still renewed
/// and the call redone), saying why no listener was asked for.
fn unlisted(f: Failure) -> Failure {
    Failure {
        message: Some(format!(
            "the load balancers could not be listed, so neither could their listeners: {}",
            f.message.as_deref().unwrap_or("no message")
        )),
        ..f
    }
}

async fn listeners_of(r: &Region<'_>, lb_arn: String) -> Listed {
    let pages = r
        .client
        .describe_listeners()
        .load_balancer_arn(&lb_arn)
        .page_size(r.page)
        .into_paginator()
        .send();
    match drain(pages, |p, out| {
        out.extend(p.listeners().iter().filter_map(|l| listener(&r.at, l)));
    })
    .await
    {
        Err(f) if f.code.as_deref() == Some(GONE) => {
            // Deleted since it was listed: it has no listeners now, and the
            // load balancer cell shows it as it was.
            tracing::warn!(
                "{} {}: load balancer {lb_arn} was deleted while its listeners were listed",
                r.at.account_id,
                r.at.region
            );
            Ok(Vec::new())
        }
        other => other,
    }
}

/// A listener named by its ARN's resource part (`app/LB/LBHEX/HEX`); one
/// without a usable ARN is logged and skipped.
fn listener(at: &Where<'_>, l: &sdk::Listener) -> Option<Resource> {
    let arn = at.parse(l.listener_arn(), "listener", "a listener")?;
    let protocol = l.protocol().map(|p| p.as_str().to_string());
    let port = l.port();
    // `HTTPS:443`, as the console names a listener; gateway load
    // balancers' listeners have neither, and no name.
    let name = match (&protocol, port) {
        (Some(p), Some(n)) => Some(format!("{p}:{n}")),
        _ => None,
    };
    let mut r = at
        .resource(kinds::LISTENER, arn.id, Tags::new(), name.as_deref())
        .with("protocol", protocol)
        .with("port", port.map(i64::from))
        .with("ssl_policy", opt(l.ssl_policy()))
        .with(
            "action",
            terminal_action(l.default_actions())
                .and_then(|a| a.r#type())
                .map(|t| t.as_str().to_string()),
        );
    if let Some(lb) = at.parse(
        l.load_balancer_arn(),
        "loadbalancer",
        "the load balancer of a listener",
    ) {
        let mut e = at.edge_to(Rel::AttachedTo, kinds::LOAD_BALANCER, &lb);
        if let Some(p) = port {
            e = e.attr("port", p.to_string());
        }
        r.relations.push(e);
    }
    let mut groups: Vec<&str> = forwarded_to(l.default_actions()).collect();
    groups.sort_unstable();
    groups.dedup();
    r.relations.extend(groups.into_iter().filter_map(|g| {
        let tg = at.parse(Some(g), "targetgroup", "a listener's target group")?;
        Some(at.edge_to(Rel::Targets, kinds::TARGET_GROUP, &tg))
    }));
    Some(r)
}

/// The action that decides where traffic goes: the last by `Order` (an
/// authenticate action runs first, then `forward`, `redirect` or
/// `fixed-response` ends the chain); the last listed when none has an
/// order.
fn terminal_action(actions: &[sdk::Action]) -> Option<&sdk::Action> {
    actions
        .iter()
        .enumerate()
        .max_by_key(|(i, a)| (a.order().unwrap_or(i32::MIN), *i))
        .map(|(_, a)| a)
}

/// Target group ARNs the actions forward to: a `forward` action names one
/// (`TargetGroupArn`) or several with weights (`ForwardConfig`).
fn forwarded_to(actions: &[sdk::Action]) -> impl Iterator<Item = &str> {
    actions.iter().flat_map(|a| {
        let weighted = a
            .forward_config()
            .map(|f| f.target_groups())
            .unwrap_or_default()
            .iter()
            .filter_map(|t| t.target_group_arn());
        a.target_group_arn().into_iter().chain(weighted)
    })
}

#[cfg(test)]
mod tests {
    use super::super::TEST_AT as AT;
    use super::*;
    use orgscope_core::model::{CoverageStatus, Edge, Value};

    const PREFIX: &str = "arn:aws:elasticloadbalancing:eu-west-1:111111111111";

    fn forward(tg: &str) -> sdk::Action {
        sdk::Action::builder()
            .r#type(sdk::ActionTypeEnum::Forward)
            .target_group_arn(format!("{PREFIX}:targetgroup/{tg}"))
            .build()
    }

    #[test]
    fn an_https_listener_is_attached_at_its_port_and_targets_its_group() {
        let l = sdk::Listener::builder()
            .listener_arn(format!("{PREFIX}:listener/app/web/1a/2b"))
            .load_balancer_arn(format!("{PREFIX}:loadbalancer/app/web/1a"))
            .protocol(sdk::ProtocolEnum::Https)
            .port(443)
            .ssl_policy("ELBSecurityPolicy-TLS13-1-2-2021-06")
            .default_actions(forward("web/3c"))
            .build();
        let r = listener(&AT, &l).expect("converted");
        assert_eq!((r.kind, r.id.as_str()), (kinds::LISTENER, "app/web/1a/2b"));
        assert_eq!(r.arn(), format!("{PREFIX}:listener/app/web/1a/2b"));
        assert_eq!(r.name.as_deref(), Some("HTTPS:443"));
        assert_eq!(r.text("protocol"), Some("HTTPS"));
        assert_eq!(r.get("port"), Some(&Value::Number(443)));
        assert_eq!(
            r.text("ssl_policy"),
            Some("ELBSecurityPolicy-TLS13-1-2-2021-06")
        );
        assert_eq!(r.text("action"), Some("forward"));
        assert_eq!(
            r.relations,
            vec![
                Edge::new(Rel::AttachedTo, kinds::LOAD_BALANCER, "app/web/1a").attr("port", "443"),
                Edge::new(Rel::Targets, kinds::TARGET_GROUP, "web/3c"),
            ]
        );
    }

    #[test]
    fn a_redirect_listener_targets_nothing() {
        let redirect = sdk::Action::builder()
            .r#type(sdk::ActionTypeEnum::Redirect)
            .redirect_config(
                sdk::RedirectActionConfig::builder()
                    .protocol("HTTPS")
                    .port("443")
                    .status_code(sdk::RedirectActionStatusCodeEnum::Http301)
                    .build(),
            )
            .build();
        let l = sdk::Listener::builder()
            .listener_arn(format!("{PREFIX}:listener/app/web/1a/4d"))
            .load_balancer_arn(format!("{PREFIX}:loadbalancer/app/web/1a"))
            .protocol(sdk::ProtocolEnum::Http)
            .port(80)
            .default_actions(redirect)
            .build();
        let r = listener(&AT, &l).expect("converted");
        assert_eq!(r.text("action"), Some("redirect"));
        assert_eq!(r.get("ssl_policy"), Some(&Value::Null));
        assert_eq!(r.edges(Rel::Targets).count(), 0);
        assert_eq!(r.first(Rel::AttachedTo), Some("app/web/1a"));
    }

    #[test]
    fn weighted_forwards_target_every_group_once_and_the_terminal_action_names_it() {
        let tuple = |tg: &str| {
            sdk::TargetGroupTuple::builder()
                .target_group_arn(format!("{PREFIX}:targetgroup/{tg}"))
                .weight(50)
                .build()
        };
        let weighted = sdk::Action::builder()
            .r#type(sdk::ActionTypeEnum::Forward)
            .order(2)
            .forward_config(
                sdk::ForwardActionConfig::builder()
                    .target_groups(tuple("blue/1"))
                    .target_groups(tuple("green/2"))
                    .target_groups(tuple("blue/1"))
                    .build(),
            )
            .build();
        let auth = sdk::Action::builder()
            .r#type(sdk::ActionTypeEnum::AuthenticateOidc)
            .order(1)
            .build();
        let l = sdk::Listener::builder()
            .listener_arn(format!("{PREFIX}:listener/app/web/1a/5e"))
            .load_balancer_arn(format!("{PREFIX}:loadbalancer/app/web/1a"))
            .protocol(sdk::ProtocolEnum::Https)
            .port(443)
            // Listed out of order: the order decides, not the position.
            .default_actions(weighted)
            .default_actions(auth)
            .build();
        let r = listener(&AT, &l).expect("converted");
        assert_eq!(r.text("action"), Some("forward"));
        let groups: Vec<&str> = r.edges(Rel::Targets).map(|e| e.to.as_str()).collect();
        assert_eq!(groups, ["blue/1", "green/2"]);
    }

    #[test]
    fn a_gateway_listener_has_no_port_and_a_listener_without_arn_is_skipped() {
        let l = sdk::Listener::builder()
            .listener_arn(format!("{PREFIX}:listener/gwy/inspect/1a/6f"))
            .load_balancer_arn(format!("{PREFIX}:loadbalancer/gwy/inspect/1a"))
            .default_actions(forward("inspect/7a"))
            .build();
        let r = listener(&AT, &l).expect("converted");
        assert_eq!(r.name, None);
        assert_eq!(r.get("port"), Some(&Value::Null));
        let attached: Vec<&Edge> = r.edges(Rel::AttachedTo).collect();
        assert_eq!(attached.len(), 1);
        assert!(attached[0].attrs.is_empty(), "no port, no port attribute");
        // An unusable target group ARN is skipped, not invented.
        let odd = sdk::Listener::builder()
            .listener_arn(format!("{PREFIX}:listener/app/web/1a/8b"))
            .default_actions(
                sdk::Action::builder()
                    .r#type(sdk::ActionTypeEnum::Forward)
                    .target_group_arn("not-an-arn")
                    .build(),
            )
            .build();
        let r = listener(&AT, &odd).expect("converted");
        assert!(r.relations.is_empty());
        assert!(listener(&AT, &sdk::Listener::builder().port(80).build()).is_none());
    }

    #[test]
    fn listeners_unlisted_for_want_of_load_balancers_carry_that_failure() {
        let f = unlisted(Failure::new(
            CoverageStatus::Denied,
            "AccessDenied",
            "not authorized to perform: elasticloadbalancing:DescribeLoadBalancers",
        ));
        assert_eq!(f.status, CoverageStatus::Denied);
        assert_eq!(f.code.as_deref(), Some("AccessDenied"));
        let msg = f.message.unwrap_or_default();
        assert!(
            msg.starts_with("the load balancers could not be listed"),
            "{msg}"
        );
        assert!(
            msg.ends_with("elasticloadbalancing:DescribeLoadBalancers"),
            "{msg}"
        );
    }

    #[test]
    fn no_actions_no_terminal_action() {
        assert!(terminal_action(&[]).is_none());
        let a = [forward("a/1"), forward("b/2")];
        assert_eq!(
            terminal_action(&a).and_then(|a| a.target_group_arn()),
            Some(format!("{PREFIX}:targetgroup/b/2").as_str())
        );
    }
}
