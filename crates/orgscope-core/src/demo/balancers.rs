//! The demo apps' application load balancers: one per app VPC, in front of
//! the web tier, in the `{prefix}-alb` security group (HTTPS and HTTP from
//! anywhere). Web-facing apps (orders, catalog, identity, search, checkout,
//! shipping) put theirs on the internet, in the public subnets, with an
//! HTTPS:443 listener forwarding to the `{prefix}-web` target group and an
//! HTTP:80 one redirecting to it; the others (payments, analytics,
//! billing...) keep theirs internal, in the private subnets, reached over
//! the Transit Gateway, with the HTTPS listener only. The target group
//! sends to the web instances on 8080 and checks `/healthz`; a dev
//! account's `web-4` fails its check.
//!
//! Ids are the ARN's resource parts, as the collector stores them:
//! `app/NAME/HEX` for the load balancer, `app/NAME/HEX/HEX` for a listener,
//! `NAME/HEX` for a target group.
//!
//! Drift of a drifted test twin (`payments-test` in the default estate):
//! its load balancer has the other scheme — `payments-test-alb` is
//! internet-facing, in the public subnets, where `payments-prod-alb` is
//! internal — and its target group checks `/` instead of `/healthz`.

use crate::model::{Edge, Rel, Resource, kinds};

use super::resources::{Built, Stack, in_vpc};
use super::{APP_NAMES, hash64};

/// The apps whose load balancer faces the internet (by base name, so
/// `orders2` is web-facing too).
const WEB_FACING: [&str; 6] = [
    "orders", "catalog", "identity", "search", "checkout", "shipping",
];

const TLS_POLICY: &str = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/// Is app number `app` web-facing?
pub(super) fn web_facing(app: usize) -> bool {
    WEB_FACING.contains(&APP_NAMES[app % APP_NAMES.len()])
}

fn hex(parts: &[&str]) -> String {
    format!("{:016x}", hash64(parts))
}

/// Push the load balancer of an app's primary VPC, its listeners and its
/// target group.
pub(super) fn app_load_balancer(stack: &Stack, built: &Built, out: &mut Vec<Resource>) {
    let (acct, region, p) = (stack.plan.id.as_str(), stack.region, &stack.prefix);
    let facing = web_facing(stack.app_no);
    // The drifted twin got the other scheme.
    let internet = facing != stack.drift;

    let lb_name = format!("{p}-alb");
    let lb_hex = hex(&[acct, region, &lb_name]);
    let lb = format!("app/{lb_name}/{lb_hex}");
    let dns_no = hash64(&[acct, region, &lb_name, "dns"]) % 9_000_000_000 + 1_000_000_000;
    let (scheme, subnets, dns) = if internet {
        (
            "internet-facing",
            &built.public_subnets,
            format!("{lb_name}-{dns_no}.{region}.elb.amazonaws.com"),
        )
    } else {
        (
            "internal",
            &built.private_subnets,
            format!("internal-{lb_name}-{dns_no}.{region}.elb.amazonaws.com"),
        )
    };
    let mut r = stack
        .resource(
            kinds::LOAD_BALANCER,
            region,
            lb.clone(),
            &lb_name,
            stack.tags(&lb_name),
        )
        .with_edge(in_vpc(&built.vpc_id));
    for (subnet, ..) in subnets {
        r = r.with_edge(Edge::new(Rel::InSubnet, kinds::SUBNET, subnet.clone()));
    }
    out.push(
        r.with_edge(
            Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, built.alb_sg.clone())
                .named(format!("{p}-alb")),
        )
        .with("lb_type", "application")
        .with("scheme", scheme)
        .with("state", "active")
        .with("dns_name", dns)
        .with("ip_address_type", "ipv4"),
    );

    // The web tier's target group.
    let tg_name = format!("{p}-web");
    let tg = format!("{tg_name}/{}", hex(&[acct, region, &tg_name]));
    let mut r = stack
        .resource(
            kinds::TARGET_GROUP,
            region,
            tg.clone(),
            &tg_name,
            stack.tags(&tg_name),
        )
        .with_edge(in_vpc(&built.vpc_id))
        .with_edge(Edge::new(Rel::AttachedTo, kinds::LOAD_BALANCER, lb.clone()));
    let mut healthy = 0_i64;
    for (n, (id, _, running)) in built.web.iter().enumerate() {
        let health = if !running {
            "unused"
        } else if stack.env_index == 2 && n == 3 {
            "unhealthy"
        } else {
            healthy += 1;
            "healthy"
        };
        r = r.with_edge(
            Edge::new(Rel::Targets, kinds::INSTANCE, id.clone())
                .attr("port", "8080")
                .attr("health", health),
        );
    }
    out.push(
        r.with("protocol", "HTTP")
            .with("port", 8080_i64)
            .with("target_type", "instance")
            .with("health_check_protocol", "HTTP")
            .with("health_check_port", "traffic-port")
            .with(
                "health_check_path",
                if stack.drift { "/" } else { "/healthz" },
            )
            .with("healthy", healthy),
    );

    // HTTPS forwards to the web tier; a web-facing app also redirects
    // plain HTTP to it.
    let listener = |port: i64| {
        let id = format!("{lb}/{}", hex(&[acct, region, &lb_name, &port.to_string()]));
        Resource::new(kinds::LISTENER, acct, region, id).with_edge(
            Edge::new(Rel::AttachedTo, kinds::LOAD_BALANCER, lb.clone())
                .attr("port", port.to_string()),
        )
    };
    out.push(
        listener(443)
            .with_edge(Edge::new(Rel::Targets, kinds::TARGET_GROUP, tg))
            .with("protocol", "HTTPS")
            .with("port", 443_i64)
            .with("ssl_policy", TLS_POLICY)
            .with("action", "forward"),
    );
    if facing {
        out.push(
            listener(80)
                .with("protocol", "HTTP")
                .with("port", 80_i64)
                .with("action", "redirect"),
        );
    }
}
