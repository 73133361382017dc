//! Elastic Load Balancing v2 inventory of one account-region (application,
//! network and gateway load balancers, their listeners and their target
//! groups), as a table of per-kind collectors like the EC2 one: one
//! collector per kind, named in coverage cells by its kind's
//! [`KindDef::api`](orgscope_core::model::KindDef::api), each converting
//! its SDK shapes into [`Resource`]s once (SDK types stop here) and
//! classifying its errors with [`classify`].
//!
//! Unlike EC2, these collectors depend on each other: listeners can only be
//! listed per load balancer (`DescribeListeners` needs a load balancer
//! ARN), so the listener collector needs the region's load balancers. A
//! region's run lists them once ([`Region::load_balancers`]) and both the
//! load balancer and the listener collectors read that one answer; a
//! collector run alone ([`describe_one`], e.g. to redo an expired call)
//! lists them itself. Coverage stays one cell per API: if
//! `DescribeLoadBalancers` fails, both cells carry its failure (the
//! listener cell says it could not look), never an empty success.
//!
//! Calls made per resource (listeners per load balancer, target health
//! per target group, tags per 20 load balancers) go
//! [`PER_RESOURCE_AT_ONCE`] at a time: ELB's `Describe*` calls share one
//! token bucket per account-region (40 tokens, refilled at 10 per second),
//! far smaller than EC2's, so a region with hundreds of load balancers is
//! throttled whatever we do, and the client's retry policy (see
//! `auth::Clients::elbv2`) waits it out rather than failing the cell.

use std::sync::Arc;

use aws_sdk_elasticloadbalancingv2 as elb;
use aws_smithy_async::future::pagination_stream::PaginationStream;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use elb::types as sdk;
use futures::future::{BoxFuture, join_all};
use tokio::sync::OnceCell;

use super::classify::{Failure, classify};
use orgscope_core::model::{self, Edge, Kind, Rel, Resource, Tags};

mod listener;
mod load_balancer;
mod target_group;

/// What one kind's collector lists in one account-region.
type Listed = Result<Vec<Resource>, Failure>;

/// One kind's collector: its kind (which names its API) and the call that
/// lists every resource of it in a region.
struct Collector {
    kind: Kind,
    describe: for<'a> fn(&'a Region<'a>) -> BoxFuture<'a, Listed>,
}

impl Collector {
    fn api(&self) -> &'static str {
        self.kind.def().api
    }
}

/// Every ELBv2 collector, in registry order (the order of a region's
/// results and so of its coverage cells).
static COLLECTORS: &[Collector] = &[
    load_balancer::COLLECTOR,
    listener::COLLECTOR,
    target_group::COLLECTOR,
];

/// Calls of one collector per account-region in flight at once, for the
/// calls made once per resource (see the module doc).
pub const PER_RESOURCE_AT_ONCE: usize = 8;

/// The ELBv2 APIs collected per account-region, as named in coverage
/// cells, in the order [`describe_region`] returns them.
pub fn apis() -> impl Iterator<Item = &'static str> {
    COLLECTORS.iter().map(Collector::api)
}

/// The ELBv2 limits: `PageSize` must be within 1..=400.
pub fn clamp_page_size(page_size: i32) -> i32 {
    page_size.clamp(1, 400)
}

/// Run every collector of one account-region concurrently (sharing one
/// `DescribeLoadBalancers`); one result per [`apis`] entry, in that order.
pub async fn describe_region(
    client: &elb::Client,
    account_id: &str,
    region: &str,
    page_size: i32,
) -> Vec<(&'static str, Listed)> {
    let r = Region::new(client, Where { account_id, region }, page_size);
    let results = join_all(COLLECTORS.iter().map(|c| (c.describe)(&r))).await;
    apis().zip(results).collect()
}

/// One of [`apis`] in one account-region, e.g. to redo a call that failed.
/// Listeners list the load balancers again: nothing is shared with an
/// earlier run, whose answer may be what failed.
pub async fn describe_one(
    client: &elb::Client,
    account_id: &str,
    region: &str,
    page_size: i32,
    api: &str,
) -> Listed {
    let r = Region::new(client, Where { account_id, region }, page_size);
    match COLLECTORS.iter().find(|c| c.api() == api) {
        Some(c) => (c.describe)(&r).await,
        None => Err(Failure::new(
            model::CoverageStatus::Error,
            "UnknownApi",
            format!("orgscope does not collect {api}"),
        )),
    }
}

/// One account-region being described, and what its collectors share.
struct Region<'a> {
    client: &'a elb::Client,
    at: Where<'a>,
    page: i32,
    /// `DescribeLoadBalancers` paged to the end, made by whichever
    /// collector asks first. An `Arc` so each reader gets the failure as
    /// its own value.
    load_balancers: OnceCell<Result<Arc<[sdk::LoadBalancer]>, Failure>>,
}

impl<'a> Region<'a> {
    fn new(client: &'a elb::Client, at: Where<'a>, page_size: i32) -> Region<'a> {
        Region {
            client,
            at,
            page: clamp_page_size(page_size),
            load_balancers: OnceCell::new(),
        }
    }

    /// Every load balancer of the region, listed once however many
    /// collectors ask.
    async fn load_balancers(&self) -> Result<Arc<[sdk::LoadBalancer]>, Failure> {
        self.load_balancers
            .get_or_init(|| async {
                let pages = self
                    .client
                    .describe_load_balancers()
                    .page_size(self.page)
                    .into_paginator()
                    .send();
                drain(pages, |p, out| {
                    out.extend_from_slice(p.load_balancers());
                })
                .await
                .map(Arc::from)
            })
            .await
            .clone()
    }
}

/// Every page of a describe, each converted by `convert`: the one paging
/// loop of the ELBv2 collectors (the SDK's paginator follows `Marker`; the
/// first failed page fails the call).
async fn drain<O, E, T>(
    mut pages: PaginationStream<Result<O, SdkError<E, Response>>>,
    mut convert: impl FnMut(&O, &mut Vec<T>),
) -> Result<Vec<T>, Failure>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let mut out = Vec::new();
    while let Some(page) = pages.next().await {
        convert(&page.map_err(|e| classify(&e))?, &mut out);
    }
    Ok(out)
}

/// The account-region a collector is describing.
#[derive(Clone, Copy)]
struct Where<'a> {
    account_id: &'a str,
    region: &'a str,
}

impl Where<'_> {
    /// A resource of `kind` with its tags and name (the `Name` tag, else
    /// `natural`, the name ELB gave it); the caller adds fields and edges.
    fn resource(&self, kind: Kind, id: &str, tags: Tags, natural: Option<&str>) -> Resource {
        let mut r = Resource::new(kind, self.account_id, self.region, id);
        r.name = tags
            .get("Name")
            .filter(|n| !n.is_empty())
            .cloned()
            .or_else(|| opt(natural));
        r.tags = tags;
        r
    }

    /// An edge to the resource an ARN names, in its own account and region
    /// when they are not this one's.
    fn edge_to(&self, rel: Rel, kind: Kind, arn: &Arn<'_>) -> Edge {
        let mut e = Edge::new(rel, kind, arn.id);
        if arn.account != self.account_id {
            e = e.in_account(arn.account);
        }
        if arn.region != self.region {
            e = e.in_region(arn.region);
        }
        e
    }

    /// `arn` parsed as a `resource_type` ARN; one that does not parse is
    /// logged (naming `what` it was for) and `None`.
    fn parse<'s>(&self, arn: Option<&'s str>, resource_type: &str, what: &str) -> Option<Arn<'s>> {
        let parsed = arn.and_then(|a| Arn::parse(a, resource_type));
        if parsed.is_none() {
            tracing::warn!(
                "{} {}: {what} with an unusable {resource_type} ARN {:?} was skipped",
                self.account_id,
                self.region,
                arn.unwrap_or_default()
            );
        }
        parsed
    }
}

/// The parts of an ELBv2 ARN orgscope keeps:
/// `arn:PARTITION:elasticloadbalancing:REGION:ACCOUNT:TYPE/ID`. The id is
/// what the kind's ARN template puts back after `TYPE/`, so
/// [`Resource::arn`] rebuilds the real ARN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Arn<'a> {
    region: &'a str,
    account: &'a str,
    id: &'a str,
}

impl<'a> Arn<'a> {
    fn parse(arn: &'a str, resource_type: &str) -> Option<Arn<'a>> {
        // The resource part holds `/` but never `:`, so six parts exactly.
        let mut parts = arn.splitn(6, ':');
        let (Some("arn"), Some(partition), Some("elasticloadbalancing")) =
            (parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let (region, account, resource) = (parts.next()?, parts.next()?, parts.next()?);
        let id = resource.strip_prefix(resource_type)?.strip_prefix('/')?;
        let well_formed = !partition.is_empty()
            && !region.is_empty()
            && account.len() == 12
            && account.bytes().all(|b| b.is_ascii_digit())
            && !id.is_empty()
            && !id.contains(':');
        well_formed.then_some(Arn {
            region,
            account,
            id,
        })
    }
}

fn tags_of(tags: &[sdk::Tag]) -> Tags {
    tags.iter()
        .filter_map(|t| {
            Some((
                t.key()?.to_string(),
                t.value().unwrap_or_default().to_string(),
            ))
        })
        .collect()
}

fn opt(s: Option<&str>) -> Option<String> {
    s.filter(|s| !s.is_empty()).map(str::to_string)
}

/// Where the conversion tests put their resources.
#[cfg(test)]
const TEST_AT: Where<'static> = Where {
    account_id: "111111111111",
    region: "eu-west-1",
};

#[cfg(test)]
mod tests {
    use super::*;
    use orgscope_core::model::{Scope, kinds};

    #[test]
    fn every_regional_elb_kind_has_one_collector_in_registry_order() {
        let kinds: Vec<Kind> = COLLECTORS.iter().map(|c| c.kind).collect();
        let registered: Vec<Kind> = Kind::all()
            .filter(|k| {
                k.def().scope == Scope::Regional && k.def().service == "elasticloadbalancing"
            })
            .collect();
        assert_eq!(kinds, registered);
        assert_eq!(
            kinds,
            [kinds::LOAD_BALANCER, kinds::LISTENER, kinds::TARGET_GROUP]
        );
        let registered_apis: Vec<&str> = model::regional_apis()
            .filter(|a| a.starts_with("elasticloadbalancing:"))
            .collect();
        assert_eq!(apis().collect::<Vec<_>>(), registered_apis);
    }

    fn offline_client() -> elb::Client {
        let conf = elb::Config::builder()
            .behavior_version(elb::config::BehaviorVersion::latest())
            .region(elb::config::Region::new("eu-west-1"))
            .build();
        elb::Client::from_conf(conf)
    }

    #[tokio::test]
    async fn describing_an_api_without_a_collector_is_unknown() {
        // Never sends a request: the name is refused before any call.
        let r = describe_one(
            &offline_client(),
            "111111111111",
            "eu-west-1",
            400,
            "elasticloadbalancing:DescribeRules",
        )
        .await;
        let f = r.err();
        assert_eq!(
            f.as_ref().map(|f| (f.status, f.code.as_deref())),
            Some((model::CoverageStatus::Error, Some("UnknownApi")))
        );
    }

    #[test]
    fn page_size_is_clamped_to_elb_limits() {
        assert_eq!(clamp_page_size(0), 1);
        assert_eq!(clamp_page_size(400), 400);
        // orgscope's default page size is EC2's 1000.
        assert_eq!(clamp_page_size(1000), 400);
    }

    #[test]
    fn arns_give_the_id_after_their_type_and_where_they_live() {
        let lb = "arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/web/50dc6c495c0c9188";
        assert_eq!(
            Arn::parse(lb, "loadbalancer"),
            Some(Arn {
                region: "eu-west-1",
                account: "111111111111",
                id: "app/web/50dc6c495c0c9188",
            })
        );
        let listener =
            "arn:aws-cn:elasticloadbalancing:cn-north-1:222222222222:listener/net/edge/1a2b/3c4d";
        assert_eq!(
            Arn::parse(listener, "listener").map(|a| (a.account, a.id)),
            Some(("222222222222", "net/edge/1a2b/3c4d"))
        );
        let tg =
            "arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/web/6d0ecf831eec9f09";
        assert_eq!(
            Arn::parse(tg, "targetgroup").map(|a| a.id),
            Some("web/6d0ecf831eec9f09")
        );
        // The wrong type, service, account or shape: not an id.
        for bad in [
            "",
            "web",
            "arn:aws:elasticloadbalancing:eu-west-1:111111111111:targetgroup/web/1",
            "arn:aws:ec2:eu-west-1:111111111111:loadbalancer/app/web/1",
            "arn:aws:elasticloadbalancing:eu-west-1:1111:loadbalancer/app/web/1",
            "arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/",
            "arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancerx/app/web/1",
            "arn:aws:elasticloadbalancing::111111111111:loadbalancer/app/web/1",
        ] {
            assert_eq!(Arn::parse(bad, "loadbalancer"), None, "{bad:?}");
        }
    }

    #[test]
    fn an_edge_to_an_arn_elsewhere_names_its_account_and_region() {
        let here = Arn {
            region: "eu-west-1",
            account: "111111111111",
            id: "app/web/1",
        };
        let e = TEST_AT.edge_to(Rel::AttachedTo, kinds::LOAD_BALANCER, &here);
        assert_eq!(
            e,
            Edge::new(Rel::AttachedTo, kinds::LOAD_BALANCER, "app/web/1")
        );
        let there = Arn {
            region: "us-east-1",
            account: "222222222222",
            ..here
        };
        let e = TEST_AT.edge_to(Rel::AttachedTo, kinds::LOAD_BALANCER, &there);
        assert_eq!(
            (e.account_id.as_deref(), e.region.as_deref()),
            (Some("222222222222"), Some("us-east-1"))
        );
    }

    #[test]
    fn the_name_tag_wins_over_the_natural_name_unless_empty() {
        let tagged: Tags = [("Name".to_string(), "front door".to_string())].into();
        let r = TEST_AT.resource(kinds::LOAD_BALANCER, "app/web/1", tagged, Some("web"));
        assert_eq!(r.name.as_deref(), Some("front door"));
        let empty: Tags = [("Name".to_string(), String::new())].into();
        let r = TEST_AT.resource(kinds::LOAD_BALANCER, "app/web/1", empty, Some("web"));
        assert_eq!(r.name.as_deref(), Some("web"));
        assert_eq!(r.tags.get("Name").map(String::as_str), Some(""));
    }
}
