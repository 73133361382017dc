//! The aggregator source's own logic, without AWS: its sources' states as
//! cells, paging and skipped items over recorded pages, and SDK statuses
//! converted. The whole run against a Config responder is an integration
//! test (`tests/integration/config_source.rs`).

use std::sync::Mutex;

use aws_sdk_config::types::{
    AggregatedSourceStatus, AggregatedSourceStatusType, AggregatedSourceType,
};

use super::*;
use crate::recorded::{block_on, recorded, recorded_results};

const A: &str = "111111111111";
const B: &str = "222222222222";

fn regions() -> Vec<String> {
    vec!["eu-west-1".to_string(), "us-east-1".to_string()]
}

fn status(account: Option<&str>, region: &str, state: SourceState) -> SourceStatus {
    SourceStatus {
        account: account.map(str::to_string),
        region: region.to_string(),
        state,
    }
}

fn failed_state(code: &str) -> SourceState {
    SourceState {
        status: CoverageStatus::Error,
        code: Some(code.to_string()),
        message: Some("the aggregator's source failed: AccessDenied".to_string()),
    }
}

fn cell<'a>(cells: &'a [Coverage], region: &str, api: &str) -> &'a Coverage {
    cells
        .iter()
        .find(|c| c.region.as_str() == region && c.api.as_str() == api)
        .unwrap_or_else(|| panic!("no cell {region} {api} in {cells:#?}"))
}

#[test]
fn an_account_source_wins_over_its_regions_organization_source() {
    let s = Sources::new(vec![
        status(None, "eu-west-1", SourceState::ok()),
        status(Some(B), "eu-west-1", failed_state("AccessDenied")),
    ]);
    assert_eq!(s.state(A, "eu-west-1"), SourceState::ok());
    assert_eq!(
        s.state(B, "eu-west-1").code.as_deref(),
        Some("AccessDenied")
    );
    // No source at all: not aggregated, which is not collected.
    let none = s.state(A, "us-east-1");
    assert_eq!(none.status, CoverageStatus::Error);
    assert_eq!(none.code.as_deref(), Some("NotAggregated"));
    assert!(none.message.unwrap().contains(A));
    assert_eq!(s.regions().into_iter().collect::<Vec<_>>(), ["eu-west-1"]);
}

#[test]
fn every_kind_read_gets_a_cell_from_the_aggregator_in_every_region() {
    let s = Sources::new(vec![
        status(Some(A), "eu-west-1", SourceState::ok()),
        status(Some(A), "us-east-1", SourceState::ok()),
    ]);
    let cells = cells(A, &regions(), &s, &HashMap::new(), &HashSet::new());
    // The crawl's cells, each kind's read in each region, and the
    // account-wide reads once.
    for api in model::regional_apis() {
        for r in regions() {
            cell(&cells, &r, api);
        }
    }
    for api in model::account_apis() {
        cell(&cells, GLOBAL, api);
    }
    assert!(
        cells
            .iter()
            .all(|c| c.source.as_deref() == Some(CONFIG_SOURCE))
    );
    assert!(cells.iter().all(|c| c.account_id == A));
    // Kinds no mapper reads are not recorded, never ok (never "absent").
    for k in config_item::not_recorded() {
        if k.def().scope == Scope::Regional {
            let c = cell(&cells, "eu-west-1", k.def().api);
            assert_eq!(c.status, CoverageStatus::NotRecorded, "{k}");
            assert!(
                c.message
                    .as_deref()
                    .unwrap_or("")
                    .contains("does not record")
            );
        }
    }
    for k in Kind::all().filter(|k| config_item::resource_type_of(*k).is_some()) {
        if k.def().scope == Scope::Regional {
            assert_eq!(
                cell(&cells, "us-east-1", k.def().api).status,
                CoverageStatus::Ok
            );
        }
    }
    let keys = cell(&cells, GLOBAL, Api::LIST_ACCESS_KEYS.as_str());
    assert_eq!(keys.status, CoverageStatus::NotRecorded);
}

#[test]
fn a_failing_or_outdated_source_and_a_failed_query_mark_their_cells() {
    let outdated = SourceState {
        status: CoverageStatus::Outdated,
        code: Some("OUTDATED".to_string()),
        message: Some("outdated".to_string()),
    };
    let s = Sources::new(vec![
        status(Some(A), "eu-west-1", failed_state("AccessDenied")),
        status(Some(A), "us-east-1", outdated.clone()),
    ]);
    let mut failed = HashMap::new();
    let instance_type = config_item::resource_type_of(model::kinds::INSTANCE);
    if let Some(t) = instance_type {
        failed.insert(
            (t, "us-east-1".to_string()),
            Failure::new(
                CoverageStatus::Throttled,
                "ThrottlingException",
                "slow down",
            ),
        );
    }
    let cells = cells(A, &regions(), &s, &failed, &HashSet::new());
    for k in Kind::all().filter(|k| config_item::resource_type_of(*k).is_some()) {
        if k.def().scope != Scope::Regional {
            continue;
        }
        let eu = cell(&cells, "eu-west-1", k.def().api);
        assert_eq!(eu.status, CoverageStatus::Error, "{k}");
        assert_eq!(eu.code.as_deref(), Some("AccessDenied"));
        let us = cell(&cells, "us-east-1", k.def().api);
        if k == model::kinds::INSTANCE {
            assert_eq!(us.status, CoverageStatus::Throttled);
        } else {
            assert_eq!(us.status, CoverageStatus::Outdated, "{k}");
        }
    }
}

#[test]
fn account_wide_kinds_are_vouched_for_by_any_current_region() {
    let s = Sources::new(vec![
        status(Some(A), "eu-west-1", failed_state("AccessDenied")),
        status(Some(A), "us-east-1", SourceState::ok()),
    ]);
    assert_eq!(s.global_state(A, &regions()), SourceState::ok());
    assert_eq!(
        s.global_state(B, &regions()).code.as_deref(),
        Some("NotAggregated")
    );
}

#[test]
fn a_cancelled_query_marks_its_cells_cancelled() {
    let Some(t) = config_item::resource_type_of(model::kinds::VPC) else {
        return; // no mapper yet: nothing is queried
    };
    let s = Sources::new(vec![status(None, "eu-west-1", SourceState::ok())]);
    let not_done = HashSet::from([(t, "eu-west-1".to_string())]);
    let cells = cells(A, &regions()[..1], &s, &HashMap::new(), &not_done);
    let c = cell(&cells, "eu-west-1", model::kinds::VPC.def().api);
    assert_eq!(c.code.as_deref(), Some(crate::CANCELLED_CODE));
}

fn row(resource_type: &str, id: &str, status: &str) -> String {
    serde_json::json!({
        "accountId": A, "awsRegion": "eu-west-1", "resourceType": resource_type,
        "resourceId": id, "configurationItemStatus": status,
        "configurationItemCaptureTime": "2026-12-01T10:00:00.000Z",
        "tags": [], "relationships": [], "configuration": {}, "supplementaryConfiguration": {}
    })
    .to_string()
}

#[test]
fn pages_are_followed_to_the_end_and_bad_items_skipped_with_why() {
    let asked = Mutex::new(Vec::new());
    let pages = vec![
        (
            vec![
                row("AWS::Example::Thing", "x-1", "OK"),
                "{not json".to_string(),
            ],
            Some("t1".to_string()),
        ),
        (
            vec![row("AWS::Example::Thing", "x-2", "ResourceDeleted")],
            None,
        ),
    ];
    let out = block_on(read_pages(
        "AWS::Example::Thing",
        "eu-west-1",
        recorded(pages, &asked),
    ))
    .unwrap_or_else(|f| panic!("{f}"));
    assert_eq!(out.pages, 2);
    assert_eq!(*asked.lock().unwrap(), [None, Some("t1".to_string())]);
    assert!(out.resources.is_empty());
    // The unmapped type and the broken row are named; the deleted item is
    // simply not in the estate.
    assert_eq!(out.skipped.len(), 2, "{:?}", out.skipped);
    assert!(out.skipped.iter().any(|s| s.contains("not a JSON object")));
}

#[test]
fn a_repeated_token_or_a_failed_page_fails_the_query() {
    let asked = Mutex::new(Vec::new());
    let pages = vec![
        (vec![], Some("t".to_string())),
        (vec![], Some("t".to_string())),
    ];
    let e = block_on(read_pages("T", "eu-west-1", recorded(pages, &asked))).err();
    assert_eq!(e.and_then(|f| f.code).as_deref(), Some("RepeatedPageToken"));

    let asked = Mutex::new(Vec::new());
    let pages = vec![
        Ok((vec![], Some("t".to_string()))),
        Err(Failure::new(
            CoverageStatus::Denied,
            "AccessDeniedException",
            "no",
        )),
    ];
    let e = block_on(read_pages(
        "T",
        "eu-west-1",
        recorded_results(pages, &asked),
    ))
    .err();
    assert_eq!(e.map(|f| f.status), Some(CoverageStatus::Denied));
}

#[test]
fn sdk_statuses_become_states_with_the_aggregators_words() {
    let at = aws_smithy_types::DateTime::from_secs(1_764_000_000);
    let ok = AggregatedSourceStatus::builder()
        .source_id(A)
        .source_type(AggregatedSourceType::Account)
        .aws_region("eu-west-1")
        .last_update_status(AggregatedSourceStatusType::Succeeded)
        .last_update_time(at)
        .build();
    let s = source_status(&ok).expect("a region");
    assert_eq!(s.account.as_deref(), Some(A));
    assert_eq!(s.state, SourceState::ok());

    let org = AggregatedSourceStatus::builder()
        .source_id("o-exampleorgid")
        .source_type(AggregatedSourceType::Organization)
        .aws_region("us-east-1")
        .last_update_status(AggregatedSourceStatusType::Failed)
        .last_error_code("AccessDeniedException")
        .last_error_message("the aggregator's role cannot read the organization")
        .last_update_time(at)
        .build();
    let s = source_status(&org).expect("a region");
    assert_eq!(
        s.account, None,
        "an organization source speaks for its region"
    );
    assert_eq!(s.state.status, CoverageStatus::Error);
    assert_eq!(s.state.code.as_deref(), Some("AccessDeniedException"));
    let m = s.state.message.unwrap_or_default();
    assert!(
        m.contains("cannot read the organization") && m.contains("last updated"),
        "{m}"
    );

    let old = AggregatedSourceStatus::builder()
        .source_id(B)
        .source_type(AggregatedSourceType::Account)
        .aws_region("eu-west-1")
        .last_update_status(AggregatedSourceStatusType::Outdated)
        .build();
    assert_eq!(
        source_status(&old).map(|s| s.state.status),
        Some(CoverageStatus::Outdated)
    );

    let nowhere = AggregatedSourceStatus::builder().source_id(B).build();
    assert_eq!(source_status(&nowhere), None);
}
