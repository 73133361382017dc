//! The Resource Groups Tagging API in one account-region: `GetResources`,
//! paged to the end, gives the ARN and tags of nearly every taggable
//! resource, which become `tagged_resource`s (one per ARN; see
//! `orgscope_core::model::arn` for how the ARN is read and why the EC2 and
//! ELBv2 resources it also returns are dropped here: their own collectors
//! list them with the same tags). One coverage cell, `tag:GetResources`,
//! per account-region; SDK types stop in this file.
//!
//! Paging follows `PaginationToken` until it comes back empty, with the
//! guards of `paging::pages`.

use std::collections::HashSet;

use aws_sdk_resourcegroupstagging as tagging;
use tagging::operation::get_resources::GetResourcesOutput;

use super::classify::{Failure, classify};
use super::paging::{self, Listed, each_api, unknown_api};
use orgscope_core::model::arn::{self, Tagged};
use orgscope_core::model::{Resource, Tags, kinds};

/// The API collected per account-region, as named in coverage cells.
pub fn apis() -> impl Iterator<Item = &'static str> {
    std::iter::once(kinds::TAGGED_RESOURCE.def().api)
}

/// `ResourcesPerPage` must be within 1..=100.
pub fn clamp_page_size(page_size: i32) -> i32 {
    page_size.clamp(1, 100)
}

/// The one collector of a region, as `ec2::describe_region` returns its
/// own: one result per [`apis`] entry.
pub async fn describe_region(
    client: &tagging::Client,
    account_id: &str,
    region: &str,
    page_size: i32,
) -> Vec<(&'static str, Listed)> {
    each_api(apis(), |api| {
        describe_one(client, account_id, region, page_size, api)
    })
    .await
}

/// One of [`apis`] in one account-region, e.g. to redo a call that failed.
pub async fn describe_one(
    client: &tagging::Client,
    account_id: &str,
    region: &str,
    page_size: i32,
    api: &str,
) -> Listed {
    if !apis().any(|a| a == api) {
        return Err(unknown_api(api));
    }
    let per_page = clamp_page_size(page_size);
    let all = pages(|token| async move {
        client
            .get_resources()
            .resources_per_page(per_page)
            .set_pagination_token(token)
            .send()
            .await
            .map_err(|e| classify(&e))
    })
    .await?;
    Ok(convert(account_id, region, &all))
}

/// Every page, following `PaginationToken` to the end.
async fn pages<F, Fut>(fetch: F) -> Result<Vec<GetResourcesOutput>, Failure>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<GetResourcesOutput, Failure>>,
{
    paging::pages(
        "GetResources",
        |p: &GetResourcesOutput| p.pagination_token(),
        fetch,
    )
    .await
}

/// The tagged resources of `pages`, each ARN once (in the order listed),
/// leaving out the ARNs a modelled kind covers. A mapping without an ARN
/// names nothing and is skipped, logged.
fn convert(account_id: &str, region: &str, pages: &[GetResourcesOutput]) -> Vec<Resource> {
    let mut out = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for m in pages.iter().flat_map(|p| p.resource_tag_mapping_list()) {
        let Some(arn) = m.resource_arn().filter(|a| !a.is_empty()) else {
            tracing::warn!("{account_id} {region}: GetResources listed a resource without an ARN");
            continue;
        };
        if !seen.insert(arn) {
            continue;
        }
        let tags: Tags = m
            .tags()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect();
        match arn::tagged_resource(account_id, region, arn, tags) {
            Tagged::Resource(r) => out.push(r),
            Tagged::Modelled(_) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    //! Conversion and paging against recorded response shapes (the moto
    //! test in `tests/integration/tagging.rs` covers the wire).

    use super::*;
    use crate::recorded::{block_on, recorded};
    use orgscope_core::model::CoverageStatus;
    use tagging::types::{ResourceTagMapping, Tag};

    const ACCT: &str = "111111111111";

    fn mapping(arn: Option<&str>, tags: &[(&str, &str)]) -> ResourceTagMapping {
        let mut m = ResourceTagMapping::builder().set_resource_arn(arn.map(str::to_string));
        for (k, v) in tags {
            // Key and value are required by the model: the builder cannot fail here.
            if let Ok(t) = Tag::builder().key(*k).value(*v).build() {
                m = m.tags(t);
            }
        }
        m.build()
    }

    fn page(mappings: Vec<ResourceTagMapping>, token: Option<&str>) -> GetResourcesOutput {
        GetResourcesOutput::builder()
            .set_resource_tag_mapping_list(Some(mappings))
            .set_pagination_token(token.map(str::to_string))
            .build()
    }

    #[test]
    fn the_one_api_is_the_kinds_and_ends_the_registry() {
        assert_eq!(apis().collect::<Vec<_>>(), ["tag:GetResources"]);
        assert_eq!(
            orgscope_core::model::regional_apis().last(),
            Some("tag:GetResources")
        );
    }

    #[test]
    fn page_size_is_clamped_to_the_tagging_limits() {
        assert_eq!(clamp_page_size(0), 1);
        assert_eq!(clamp_page_size(50), 50);
        // orgscope's default page size is EC2's 1000.
        assert_eq!(clamp_page_size(1000), 100);
    }

    #[test]
    fn paging_follows_tokens_to_the_end() {
        let asked = std::sync::Mutex::new(Vec::new());
        let served = vec![
            page(
                vec![mapping(Some("arn:aws:sqs:eu-west-1:111111111111:a"), &[])],
                Some("t1"),
            ),
            page(
                vec![mapping(Some("arn:aws:sqs:eu-west-1:111111111111:b"), &[])],
                Some("t2"),
            ),
            page(
                vec![mapping(Some("arn:aws:sqs:eu-west-1:111111111111:c"), &[])],
                Some(""),
            ),
        ];
        let got = block_on(pages(recorded(served, &asked))).unwrap();
        assert_eq!(got.len(), 3, "an empty token ends the listing");
        assert_eq!(
            *asked.lock().unwrap(),
            [None, Some("t1".into()), Some("t2".into())]
        );
        let names: Vec<String> = convert(ACCT, "eu-west-1", &got)
            .into_iter()
            .filter_map(|r| r.text("resource").map(str::to_string))
            .collect();
        assert_eq!(names, ["queue/a", "queue/b", "queue/c"]);
    }

    #[test]
    fn a_repeated_token_or_a_failed_page_fails_the_cell() {
        let asked = std::sync::Mutex::new(Vec::new());
        let looping = vec![page(vec![], Some("a")), page(vec![], Some("a"))];
        let f = block_on(pages(recorded(looping, &asked))).unwrap_err();
        assert_eq!(f.code.as_deref(), Some("RepeatedPageToken"));
        // The second page never comes: the first page's resources are not
        // passed off as the whole account-region.
        let f = block_on(pages(recorded(vec![page(vec![], Some("x"))], &asked))).unwrap_err();
        assert_eq!(f.code.as_deref(), Some("NoMorePages"));
    }

    #[test]
    fn conversion_keeps_tags_drops_modelled_kinds_and_repeats_and_notes_garbage() {
        let pages = [
            page(
                vec![
                    mapping(
                        Some("arn:aws:elasticache:eu-west-1:111111111111:cluster:orders"),
                        &[("owner", "team-a"), ("env", "prod"), ("Name", "orders db")],
                    ),
                    // Modelled by the instance kind: its collector has it.
                    mapping(
                        Some("arn:aws:ec2:eu-west-1:111111111111:instance/i-0abc"),
                        &[("owner", "team-a")],
                    ),
                    mapping(
                        Some(
                            "arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/web/1a2b",
                        ),
                        &[],
                    ),
                    // Modelled by the db_instance kind (`rds`).
                    mapping(
                        Some("arn:aws:rds:eu-west-1:111111111111:db:orders"),
                        &[("owner", "team-a")],
                    ),
                    mapping(None, &[("owner", "nobody")]),
                ],
                Some("t"),
            ),
            page(
                vec![
                    // A bucket is its own kind now: dropped as the EC2 ones.
                    mapping(Some("arn:aws:s3:::shop-artifacts"), &[("env", "")]),
                    mapping(
                        Some("arn:aws:sns:eu-west-1:111111111111:shop-alerts"),
                        &[("env", "")],
                    ),
                    // Listed again on a later page: once.
                    mapping(
                        Some("arn:aws:elasticache:eu-west-1:111111111111:cluster:orders"),
                        &[],
                    ),
                    mapping(Some("garbage"), &[("owner", "x")]),
                ],
                None,
            ),
        ];
        let got = convert(ACCT, "eu-west-1", &pages);
        /// Id, service, type and name of a converted resource.
        type Summary<'r> = (&'r str, Option<&'r str>, Option<&'r str>, Option<&'r str>);
        let summary: Vec<Summary> = got
            .iter()
            .map(|r| {
                (
                    r.id.as_str(),
                    r.text("service"),
                    r.text("resource_type"),
                    r.name.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (
                    "arn:aws:elasticache:eu-west-1:111111111111:cluster:orders",
                    Some("elasticache"),
                    Some("cluster"),
                    Some("orders db")
                ),
                (
                    "arn:aws:sns:eu-west-1:111111111111:shop-alerts",
                    Some("sns"),
                    Some("topic"),
                    None
                ),
                ("garbage", None, None, None),
            ]
        );
        let db = &got[0];
        assert_eq!(
            (db.account_id.as_str(), db.region.as_str(), db.kind),
            (ACCT, "eu-west-1", kinds::TAGGED_RESOURCE)
        );
        assert_eq!(db.tags.get("owner").map(String::as_str), Some("team-a"));
        assert_eq!(db.tags.len(), 3);
        // An empty value is a tag that is there.
        assert_eq!(got[1].tags.get("env").map(String::as_str), Some(""));
        let note = got[2].text("note").unwrap_or_default();
        assert!(note.contains("not an ARN"), "{note}");
    }

    fn offline_client() -> tagging::Client {
        let conf = tagging::Config::builder()
            .behavior_version(tagging::config::BehaviorVersion::latest())
            .region(tagging::config::Region::new("eu-west-1"))
            .build();
        tagging::Client::from_conf(conf)
    }

    #[test]
    fn describing_an_api_without_a_collector_is_unknown() {
        // Never sends a request: the name is refused before any call.
        let r = block_on(describe_one(
            &offline_client(),
            ACCT,
            "eu-west-1",
            100,
            "tag:GetTagKeys",
        ));
        assert_eq!(
            r.err().map(|f| (f.status, f.code)),
            Some((CoverageStatus::Error, Some("UnknownApi".to_string())))
        );
    }
}
