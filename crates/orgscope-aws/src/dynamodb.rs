//! DynamoDB tables of one account-region: `ListTables` (paged by
//! `ExclusiveStartTableName`/`LastEvaluatedTableName`, `Limit` 1..=100),
//! then per table `DescribeTable` and `ListTagsOfResource`, a few tables at
//! a time. One coverage cell, `dynamodb:ListTables`, per account-region;
//! SDK types stop in this file.
//!
//! Only the listing's failure fails the cell. A table whose describe or
//! tags were refused is kept with the read named in its `note` and the
//! fields that read would give left empty; a table deleted between the
//! listing and its describe (`ResourceNotFoundException`) is gone, and
//! left out. What DynamoDB leaves out has a documented meaning, used as
//! such: no `BillingModeSummary` is a provisioned table (tables created
//! before on-demand existed), no `SSEDescription` is encryption with an
//! AWS owned key, no `StreamSpecification` is no stream.

use std::collections::HashSet;

use aws_sdk_dynamodb as ddb;
use aws_smithy_types::date_time::Format;
use ddb::operation::list_tags_of_resource::ListTagsOfResourceOutput;
use ddb::types::TableDescription;
use futures::{StreamExt, stream};

use super::classify::{Failure, classify};
use super::paging::{self, Listed, each_api, unknown_api};
use orgscope_core::model::{Resource, Tags, Value, kinds};

/// Tables described at once in one account-region.
pub const DETAIL_CONCURRENCY: usize = 4;

/// The API collected per account-region, as named in coverage cells.
pub fn apis() -> impl Iterator<Item = &'static str> {
    std::iter::once(kinds::DYNAMODB_TABLE.def().api)
}

/// `Limit` must be within 1..=100.
pub fn clamp_page_size(page_size: i32) -> i32 {
    page_size.clamp(1, 100)
}

/// The one collector of a region: one result per [`apis`] entry.
pub async fn describe_region(
    client: &ddb::Client,
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
    client: &ddb::Client,
    account_id: &str,
    region: &str,
    page_size: i32,
    api: &str,
) -> Listed {
    if !apis().any(|a| a == api) {
        return Err(unknown_api(api));
    }
    let limit = clamp_page_size(page_size);
    let names = table_names(|start| async move {
        let out = client
            .list_tables()
            .limit(limit)
            .set_exclusive_start_table_name(start)
            .send()
            .await
            .map_err(|e| classify(&e))?;
        Ok((
            out.table_names().to_vec(),
            out.last_evaluated_table_name().map(str::to_string),
        ))
    })
    .await?;
    let tables: Vec<Option<Resource>> = stream::iter(names)
        .map(|name| async move {
            let described = client
                .describe_table()
                .table_name(&name)
                .send()
                .await
                .map_err(|e| classify(&e))
                .map(|o| o.table().cloned());
            let tags = match &described {
                Ok(Some(t)) => match t.table_arn() {
                    Some(arn) => Some(tags_of(client, arn).await),
                    None => None,
                },
                _ => None,
            };
            table_resource(account_id, region, &name, described, tags)
        })
        .buffer_unordered(DETAIL_CONCURRENCY)
        .collect()
        .await;
    Ok(tables.into_iter().flatten().collect())
}

/// Every table name, following `LastEvaluatedTableName` to the end (an
/// empty or absent one ends it), each name once; `fetch` answers a page's
/// names and its last evaluated name.
async fn table_names<F, Fut>(fetch: F) -> Result<Vec<String>, Failure>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<(Vec<String>, Option<String>), Failure>>,
{
    let pages = paging::pages(
        "ListTables",
        |p: &(Vec<String>, Option<String>)| p.1.as_deref(),
        fetch,
    )
    .await?;
    let mut unique = HashSet::new();
    Ok(pages
        .into_iter()
        .flat_map(|(names, _)| names)
        .filter(|n| unique.insert(n.clone()))
        .collect())
}

/// The tags of a table, every page of them.
async fn tags_of(client: &ddb::Client, arn: &str) -> Result<Tags, Failure> {
    let pages = paging::pages(
        "ListTagsOfResource",
        |p: &ListTagsOfResourceOutput| p.next_token(),
        |token| async move {
            client
                .list_tags_of_resource()
                .resource_arn(arn)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| classify(&e))
        },
    )
    .await?;
    Ok(pages
        .iter()
        .flat_map(|p| p.tags())
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect())
}

/// `DescribeTable: AccessDeniedException (…)`: a failed read for the note.
fn failed(read: &str, f: &Failure) -> String {
    let code = f.code.as_deref().unwrap_or("error");
    match &f.message {
        Some(m) => format!("{read}: {code} ({m})"),
        None => format!("{read}: {code}"),
    }
}

/// The table `name` of the listing as a resource, from its describe and
/// tags (`None`: not asked, the describe having failed). `None` when the
/// table was deleted since it was listed.
fn table_resource(
    account_id: &str,
    region: &str,
    name: &str,
    described: Result<Option<TableDescription>, Failure>,
    tags: Option<Result<Tags, Failure>>,
) -> Option<Resource> {
    let mut r = Resource::new(kinds::DYNAMODB_TABLE, account_id, region, name);
    r.name = Some(name.to_string());
    let mut notes = Vec::new();
    match described {
        Err(f) if f.code.as_deref() == Some("ResourceNotFoundException") => {
            tracing::info!("{account_id} {region}: table {name} was deleted while being read");
            return None;
        }
        Err(f) => notes.push(failed("DescribeTable", &f)),
        Ok(None) => notes.push("DescribeTable: the answer described no table".to_string()),
        Ok(Some(t)) => describe_into(&mut r, &t, region),
    }
    match tags {
        Some(Ok(t)) => r.tags = t,
        Some(Err(f)) => notes.push(failed("ListTagsOfResource", &f)),
        None => {}
    }
    if !notes.is_empty() {
        r.set("note", notes.join("; "));
    }
    Some(r)
}

fn describe_into(r: &mut Resource, t: &TableDescription, region: &str) {
    let billing = match t.billing_mode_summary().and_then(|b| b.billing_mode()) {
        Some(m) => Some(m.as_str().to_string()),
        // Created provisioned before on-demand existed: AWS omits it.
        None if t.provisioned_throughput().is_some() => Some("PROVISIONED".to_string()),
        None => None,
    };
    r.set("billing_mode", billing);
    r.set("status", t.table_status().map(|s| s.as_str().to_string()));
    r.set("size_bytes", t.table_size_bytes());
    r.set("item_count", t.item_count());
    let mut replicas: Vec<String> = t
        .replicas()
        .iter()
        .filter_map(|x| x.region_name())
        .filter(|x| *x != region)
        .map(str::to_string)
        .collect();
    replicas.sort();
    replicas.dedup();
    if !replicas.is_empty() {
        r.set("replicas", replicas);
    }
    let stream = match t.stream_specification() {
        Some(s) if s.stream_enabled() => s
            .stream_view_type()
            .map_or_else(|| "on".to_string(), |v| v.as_str().to_string()),
        _ => "off".to_string(),
    };
    r.set("stream", stream);
    r.set(
        "deletion_protection",
        t.deletion_protection_enabled()
            .map(Value::Bool)
            .unwrap_or(Value::Null),
    );
    let (encryption, key) = match t.sse_description() {
        Some(s) if s.status().is_some_and(|st| st.as_str() != "DISABLED") => (
            s.sse_type()
                .map_or_else(|| "KMS".to_string(), |x| x.as_str().to_string()),
            s.kms_master_key_arn().map(str::to_string),
        ),
        _ => ("aws-owned".to_string(), None),
    };
    r.set("encryption", encryption);
    r.set("kms_key", key);
    r.set("created", t.creation_date_time().and_then(to_millisecond));
}

/// A DynamoDB time in the crawl's form, to the millisecond DynamoDB keeps:
/// it sends epoch seconds as a JSON number (`1765131651.849`), which the
/// SDK reads as a float into `.848999`; AWS Config writes the same moment
/// as `.849`, and the two sources must agree on it.
fn to_millisecond(d: &aws_smithy_types::DateTime) -> Option<String> {
    let ms = (d.as_nanos() + 500_000).div_euclid(1_000_000);
    aws_smithy_types::DateTime::from_millis(i64::try_from(ms).ok()?)
        .fmt(Format::DateTime)
        .ok()
}

#[cfg(test)]
mod tests {
    //! Conversion and paging against recorded response shapes (the moto
    //! test in `tests/integration/storage.rs` covers the wire).

    use super::*;
    use crate::recorded::{block_on, recorded};
    use ddb::types::{
        BillingMode, BillingModeSummary, ReplicaDescription, SseDescription, SseStatus, SseType,
        StreamSpecification, StreamViewType, TableStatus,
    };
    use orgscope_core::model::CoverageStatus;

    const ACCT: &str = "111111111111";
    const REGION: &str = "eu-west-1";

    #[test]
    fn the_one_api_is_the_kinds() {
        assert_eq!(apis().collect::<Vec<_>>(), ["dynamodb:ListTables"]);
        assert_eq!(clamp_page_size(0), 1);
        assert_eq!(clamp_page_size(1000), 100);
    }

    fn page(names: &[&str], last: Option<&str>) -> (Vec<String>, Option<String>) {
        (
            names.iter().map(|n| n.to_string()).collect(),
            last.map(str::to_string),
        )
    }

    #[test]
    fn paging_follows_the_last_name_to_the_end() {
        let asked = std::sync::Mutex::new(Vec::new());
        let served = vec![
            page(&["a", "b"], Some("b")),
            page(&["c"], Some("c")),
            page(&["d"], None),
        ];
        let got = block_on(table_names(recorded(served, &asked))).unwrap();
        assert_eq!(got, ["a", "b", "c", "d"]);
        assert_eq!(
            *asked.lock().unwrap(),
            [None, Some("b".into()), Some("c".into())]
        );
    }

    #[test]
    fn a_repeated_last_name_or_a_missing_page_fails_the_cell() {
        let asked = std::sync::Mutex::new(Vec::new());
        let looping = vec![page(&["a"], Some("a")), page(&["a"], Some("a"))];
        let f = block_on(table_names(recorded(looping, &asked))).unwrap_err();
        assert_eq!(f.code.as_deref(), Some("RepeatedPageToken"));
        let f = block_on(table_names(recorded(vec![page(&["a"], Some("a"))], &asked))).unwrap_err();
        assert_eq!(f.code.as_deref(), Some("NoMorePages"));
    }

    fn global_table() -> TableDescription {
        TableDescription::builder()
            .table_name("sessions")
            .table_arn(format!("arn:aws:dynamodb:{REGION}:{ACCT}:table/sessions"))
            .table_status(TableStatus::Active)
            .billing_mode_summary(
                BillingModeSummary::builder()
                    .billing_mode(BillingMode::PayPerRequest)
                    .build(),
            )
            .table_size_bytes(2048)
            .item_count(7)
            .replicas(
                ReplicaDescription::builder()
                    .region_name("us-east-1")
                    .build(),
            )
            .replicas(ReplicaDescription::builder().region_name(REGION).build())
            .stream_specification(
                StreamSpecification::builder()
                    .stream_enabled(true)
                    .stream_view_type(StreamViewType::NewAndOldImages)
                    .build()
                    .expect("stream_enabled is set"),
            )
            .deletion_protection_enabled(true)
            .sse_description(
                SseDescription::builder()
                    .status(SseStatus::Enabled)
                    .sse_type(SseType::Kms)
                    .kms_master_key_arn("arn:aws:kms:eu-west-1:111111111111:key/k")
                    .build(),
            )
            .creation_date_time(aws_smithy_types::DateTime::from_secs(1_700_000_000))
            .build()
    }

    #[test]
    fn a_described_table_becomes_its_fields() {
        let tags: Tags = [("env".to_string(), "prod".to_string())].into();
        let r = table_resource(
            ACCT,
            REGION,
            "sessions",
            Ok(Some(global_table())),
            Some(Ok(tags)),
        )
        .expect("kept");
        assert_eq!(r.text("billing_mode"), Some("PAY_PER_REQUEST"));
        assert_eq!(r.text("status"), Some("ACTIVE"));
        assert_eq!(r.get("size_bytes"), Some(&Value::Number(2048)));
        assert_eq!(r.get("item_count"), Some(&Value::Number(7)));
        // The other replicas' regions, not its own.
        assert_eq!(
            r.get("replicas").map(|v| v.as_list().to_vec()),
            Some(vec!["us-east-1".to_string()])
        );
        assert_eq!(r.text("stream"), Some("NEW_AND_OLD_IMAGES"));
        assert_eq!(r.get("deletion_protection"), Some(&Value::Bool(true)));
        assert_eq!(r.text("encryption"), Some("KMS"));
        assert_eq!(r.text("created"), Some("2023-11-14T22:13:20Z"));
        // A float's error is rounded away, to DynamoDB's milliseconds.
        let d = aws_smithy_types::DateTime::from_nanos(1_765_131_651_848_999_000).unwrap();
        assert_eq!(
            to_millisecond(&d).as_deref(),
            Some("2025-12-07T18:20:51.849Z")
        );
        assert_eq!(r.tags.get("env").map(String::as_str), Some("prod"));
        assert_eq!(r.name.as_deref(), Some("sessions"));
        assert_eq!(r.text("note"), None);
    }

    #[test]
    fn what_dynamodb_leaves_out_means_what_aws_documents_and_nothing_is_invented() {
        let bare = TableDescription::builder()
            .table_name("old")
            .provisioned_throughput(
                ddb::types::ProvisionedThroughputDescription::builder()
                    .read_capacity_units(5)
                    .build(),
            )
            .build();
        let r = table_resource(ACCT, REGION, "old", Ok(Some(bare)), None).expect("kept");
        assert_eq!(r.text("billing_mode"), Some("PROVISIONED"));
        assert_eq!(r.text("encryption"), Some("aws-owned"));
        assert_eq!(r.text("stream"), Some("off"));
        // Not in the answer: left out.
        for f in [
            "status",
            "size_bytes",
            "replicas",
            "deletion_protection",
            "created",
        ] {
            assert_eq!(r.get(f), Some(&Value::Null), "{f}");
        }
        // Neither summary nor throughput: the mode is unknown.
        let r = table_resource(
            ACCT,
            REGION,
            "x",
            Ok(Some(TableDescription::builder().build())),
            None,
        )
        .expect("kept");
        assert_eq!(r.get("billing_mode"), Some(&Value::Null));
    }

    #[test]
    fn a_denied_read_keeps_the_table_with_a_note_and_a_deleted_one_is_gone() {
        let denied = Failure::new(
            CoverageStatus::Denied,
            "AccessDeniedException",
            "not authorized",
        );
        let r = table_resource(ACCT, REGION, "t", Err(denied.clone()), None).expect("kept");
        assert_eq!(
            r.text("note"),
            Some("DescribeTable: AccessDeniedException (not authorized)")
        );
        assert_eq!(r.get("billing_mode"), Some(&Value::Null));
        let r = table_resource(
            ACCT,
            REGION,
            "t",
            Ok(Some(global_table())),
            Some(Err(denied)),
        )
        .expect("kept");
        assert!(
            r.text("note")
                .is_some_and(|n| n.starts_with("ListTagsOfResource: AccessDeniedException")),
        );
        assert_eq!(r.text("billing_mode"), Some("PAY_PER_REQUEST"));
        let gone = Failure::new(CoverageStatus::Error, "ResourceNotFoundException", "gone");
        assert!(table_resource(ACCT, REGION, "t", Err(gone), None).is_none());
    }
}
