//! EC2 inventory of one account-region, as a table of per-kind collectors.
//! This module owns what they share: where a resource was found
//! ([`Where`]), tags and names, the page-size limits, the enabled regions,
//! and the runner that calls every collector of a region concurrently (or
//! one again, by its API name). Each kind's file owns its `Describe*` call
//! — sending `MaxResults` (unpaginated calls land in a smaller throttling
//! bucket) and paged to the end — and the one-time conversion of its SDK
//! shape into a [`Resource`]: SDK types stop there.
//!
//! A collector's API name, as coverage cells name it, is its kind's
//! [`KindDef::api`](orgscope_core::model::KindDef::api); there is no list
//! of names here. Adding a kind's collector is one file (`NAME.rs`, with
//! its `describe`, its conversion, its tests and a `COLLECTOR` const naming
//! its kind) and one line in [`COLLECTORS`]; a test checks the table
//! against the registry's EC2 kinds.

use aws_sdk_ec2::types as sdk;
use aws_smithy_async::future::pagination_stream::PaginationStream;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use futures::future::{BoxFuture, join_all};

use super::classify::{Failure, classify};
use orgscope_core::model::{self, Kind, Resource, Tags};

mod egress_only_internet_gateway;
mod elastic_ip;
mod instance;
mod internet_gateway;
mod nat_gateway;
mod route_table;
mod security_group;
mod subnet;
mod transit_gateway;
mod transit_gateway_attachment;
mod transit_gateway_route_table;
mod volume;
mod vpc;
mod vpc_endpoint;
mod vpc_peering_connection;

pub use security_group::normalize_rules;

/// What one kind's collector lists in one account-region.
type Listed = Result<Vec<Resource>, Failure>;

/// One kind's collector: its kind (which names its API) and the call that
/// lists every resource of it in an account-region, given the page size.
struct Collector {
    kind: Kind,
    describe: for<'a> fn(&'a aws_sdk_ec2::Client, Where<'a>, i32) -> BoxFuture<'a, Listed>,
}

impl Collector {
    fn api(&self) -> &'static str {
        self.kind.def().api
    }
}

/// Every EC2 collector, in registry order (the order of a region's
/// results and so of its coverage cells).
static COLLECTORS: &[Collector] = &[
    instance::COLLECTOR,
    vpc::COLLECTOR,
    subnet::COLLECTOR,
    security_group::COLLECTOR,
    volume::COLLECTOR,
    elastic_ip::COLLECTOR,
    internet_gateway::COLLECTOR,
    egress_only_internet_gateway::COLLECTOR,
    nat_gateway::COLLECTOR,
    route_table::COLLECTOR,
    vpc_endpoint::COLLECTOR,
    vpc_peering_connection::COLLECTOR,
    transit_gateway::COLLECTOR,
    transit_gateway_attachment::COLLECTOR,
    transit_gateway_route_table::COLLECTOR,
];

/// The EC2 APIs collected per account-region, as named in coverage cells,
/// in the order [`describe_region`] returns them.
pub fn apis() -> impl Iterator<Item = &'static str> {
    COLLECTORS.iter().map(Collector::api)
}

/// The EC2 limits: MaxResults must be within 5..=1000.
pub fn clamp_page_size(page_size: i32) -> i32 {
    page_size.clamp(5, 1000)
}

/// Run every collector of one account-region concurrently; one result per
/// [`apis`] entry, in that order.
pub async fn describe_region(
    client: &aws_sdk_ec2::Client,
    account_id: &str,
    region: &str,
    page_size: i32,
) -> Vec<(&'static str, Listed)> {
    let at = Where { account_id, region };
    let page = clamp_page_size(page_size);
    let results = join_all(COLLECTORS.iter().map(|c| (c.describe)(client, at, page))).await;
    apis().zip(results).collect()
}

/// One of [`apis`] in one account-region, e.g. to redo a call that failed.
pub async fn describe_one(
    client: &aws_sdk_ec2::Client,
    account_id: &str,
    region: &str,
    page_size: i32,
    api: &str,
) -> Listed {
    let at = Where { account_id, region };
    let page = clamp_page_size(page_size);
    match COLLECTORS.iter().find(|c| c.api() == api) {
        Some(c) => (c.describe)(client, at, page).await,
        None => Err(Failure::new(
            model::CoverageStatus::Error,
            "UnknownApi",
            format!("orgscope does not collect {api}"),
        )),
    }
}

/// Every page of a describe, each converted by `convert` into resources:
/// the one paging loop of every paged EC2 collector (the SDK's paginator
/// follows `NextToken`; the first failed page fails the call).
async fn drain<O, E>(
    mut pages: PaginationStream<Result<O, SdkError<E, Response>>>,
    mut convert: impl FnMut(&O, &mut Vec<Resource>),
) -> Listed
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let mut out = Vec::new();
    while let Some(page) = pages.next().await {
        convert(&page.map_err(|e| classify(&e))?, &mut out);
    }
    Ok(out)
}

/// Regions enabled for the account (`DescribeRegions` without
/// `AllRegions` lists exactly those).
pub async fn enabled_regions(client: &aws_sdk_ec2::Client) -> Result<Vec<String>, Failure> {
    let out = client
        .describe_regions()
        .send()
        .await
        .map_err(|e| classify(&e))?;
    let mut regions: Vec<String> = out
        .regions()
        .iter()
        .filter(|r| {
            // Without AllRegions only enabled regions come back, but be
            // explicit in case a caller-side default changes.
            !matches!(r.opt_in_status(), Some("not-opted-in"))
        })
        .filter_map(|r| r.region_name().map(str::to_string))
        .collect();
    regions.sort();
    regions.dedup();
    Ok(regions)
}

/// Regions the account has not enabled: `DescribeRegions` with
/// `AllRegions` lists every region with its opt-in status, and
/// `not-opted-in` is the one that makes EC2 refuse calls there.
pub async fn regions_not_opted_in(
    client: &aws_sdk_ec2::Client,
) -> Result<std::collections::BTreeSet<String>, Failure> {
    let out = client
        .describe_regions()
        .all_regions(true)
        .send()
        .await
        .map_err(|e| classify(&e))?;
    Ok(out
        .regions()
        .iter()
        .filter(|r| r.opt_in_status() == Some("not-opted-in"))
        .filter_map(|r| r.region_name().map(str::to_string))
        .collect())
}

/// The account-region a collector is describing.
#[derive(Clone, Copy)]
struct Where<'a> {
    account_id: &'a str,
    region: &'a str,
}

impl Where<'_> {
    /// A resource of `kind` with its tags and name (the `Name` tag, else
    /// `fallback`); the caller adds fields and edges.
    fn resource(
        &self,
        kind: Kind,
        id: &str,
        tags: &[sdk::Tag],
        fallback: Option<&str>,
    ) -> Resource {
        let mut r = Resource::new(kind, self.account_id, self.region, id);
        r.tags = tags_of(tags);
        r.name = r
            .tags
            .get("Name")
            .cloned()
            .or_else(|| fallback.map(str::to_string));
        r
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

/// A yes/no EC2 may leave out: null when it did, not a guessed `false`.
fn flag(b: Option<bool>) -> model::Value {
    b.map_or(model::Value::Null, model::Value::Bool)
}

/// The id of a resource of `kind`, or `None` (logged) when EC2 left it
/// out: a resource that cannot be named is skipped, never invented.
fn id_of(at: &Where<'_>, kind: Kind, id: Option<&str>) -> Option<String> {
    let id = opt(id);
    if id.is_none() {
        tracing::warn!(
            "{} {}: a {} without an id was skipped",
            at.account_id,
            at.region,
            kind.def().name
        );
    }
    id
}

/// Another account's id as an edge's far-end account: `None` when it is
/// the collecting account's own (an edge's account is only set when it
/// differs) or unknown.
fn other_account(at: &Where<'_>, owner: Option<&str>) -> Option<String> {
    opt(owner).filter(|o| o != at.account_id)
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
    use orgscope_core::model::Scope;

    #[test]
    fn every_regional_ec2_kind_has_one_collector_in_registry_order() {
        let kinds: Vec<Kind> = COLLECTORS.iter().map(|c| c.kind).collect();
        let registered: Vec<Kind> = Kind::all()
            .filter(|k| k.def().scope == Scope::Regional && k.def().service == "ec2")
            .collect();
        assert_eq!(kinds, registered);
        let registered_apis: Vec<&str> = registered.iter().map(|k| k.def().api).collect();
        assert_eq!(apis().collect::<Vec<_>>(), registered_apis);
    }

    #[tokio::test]
    async fn describing_an_api_without_a_collector_is_unknown() {
        // Never sends a request: the name is refused before any call.
        let conf = aws_sdk_ec2::Config::builder()
            .behavior_version(aws_sdk_ec2::config::BehaviorVersion::latest())
            .region(aws_sdk_ec2::config::Region::new("eu-west-1"))
            .build();
        let client = aws_sdk_ec2::Client::from_conf(conf);
        let r = describe_one(
            &client,
            "111111111111",
            "eu-west-1",
            1000,
            "ec2:DescribeImages",
        )
        .await;
        let f = r.err();
        assert_eq!(
            f.as_ref().map(|f| (f.status, f.code.as_deref())),
            Some((model::CoverageStatus::Error, Some("UnknownApi")))
        );
        assert_eq!(
            f.and_then(|f| f.message),
            Some("orgscope does not collect ec2:DescribeImages".to_string())
        );
    }

    #[test]
    fn page_size_is_clamped_to_ec2_limits() {
        assert_eq!(clamp_page_size(1), 5);
        assert_eq!(clamp_page_size(1000), 1000);
        assert_eq!(clamp_page_size(5000), 1000);
    }
}
