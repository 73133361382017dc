//! S3 buckets of one account: `ListBuckets` (one global call, its cell
//! `s3:ListAllMyBuckets`, paged by `MaxBuckets` and `ContinuationToken`),
//! then per bucket, in the bucket's own region, its versioning, default
//! encryption, public access block, policy and tags. SDK types stop in
//! this file.
//!
//! A bucket's region comes with the listing (`BucketRegion`); when an
//! endpoint leaves it out, `GetBucketLocation` asks (an empty location is
//! us-east-1, `EU` is eu-west-1: the API's two historic quirks). A bucket
//! whose region cannot be learnt is kept, in region `global`, with a note.
//!
//! Per-bucket reads run a few buckets at a time ([`DETAIL_CONCURRENCY`]),
//! so an account of a thousand buckets neither waits for them one by one
//! nor opens thousands of connections. The "not configured" answers
//! (`NoSuchBucketPolicy`, `NoSuchTagSet`,
//! `ServerSideEncryptionConfigurationNotFoundError`,
//! `NoSuchPublicAccessBlockConfiguration`) are facts: no policy, no tags,
//! no default encryption, no block. Any other failure leaves its field
//! empty and names the read in the bucket's `note`: a denied read is
//! unknown, never "off". Only the listing's failure fails the cell.

use std::collections::HashSet;

use aws_sdk_s3 as s3;
use aws_smithy_types::date_time::Format;
use futures::{StreamExt, stream};
use s3::operation::list_buckets::ListBucketsOutput;

use super::classify::{Failure, classify};
use super::paging;
use orgscope_core::model::{GLOBAL, Resource, Tags, Value, kinds};

/// What the collector lists in one account.
type Listed = Result<Vec<Resource>, Failure>;

/// Buckets whose details are read at once in one account.
pub const DETAIL_CONCURRENCY: usize = 8;

/// The API collected per account, as named in coverage cells.
pub fn apis() -> impl Iterator<Item = &'static str> {
    std::iter::once(kinds::S3_BUCKET.def().api)
}

/// `MaxBuckets` must be within 1..=10000.
pub fn clamp_page_size(page_size: i32) -> i32 {
    page_size.clamp(1, 10_000)
}

/// The buckets of one account: `home` lists them (and asks a bucket's
/// location when the listing omits it), `client_in(region)` reads each
/// bucket's details in its region. One result per [`apis`] entry.
pub async fn list_account(
    home: &s3::Client,
    client_in: impl Fn(&str) -> s3::Client,
    account_id: &str,
    page_size: i32,
) -> Vec<(&'static str, Listed)> {
    let per_page = clamp_page_size(page_size);
    let listed = pages(|token| async move {
        home.list_buckets()
            .max_buckets(per_page)
            .set_continuation_token(token)
            .send()
            .await
            .map_err(|e| classify(&e))
    })
    .await;
    let api = kinds::S3_BUCKET.def().api;
    let pages = match listed {
        Ok(p) => p,
        Err(f) => return vec![(api, Err(f))],
    };
    let listed = buckets(account_id, &pages);
    let client_in = &client_in;
    let out: Vec<Resource> = stream::iter(listed)
        .map(|b| async move {
            let region = match &b.region {
                Some(r) => Ok(r.clone()),
                None => location(home, &b.name).await,
            };
            let details = match &region {
                Ok(r) => Some(details(&client_in(r), &b.name).await),
                Err(_) => None,
            };
            bucket_resource(account_id, &b, region, details)
        })
        .buffer_unordered(DETAIL_CONCURRENCY)
        .collect()
        .await;
    vec![(api, Ok(out))]
}

/// Every page, following `ContinuationToken` to the end.
async fn pages<F, Fut>(fetch: F) -> Result<Vec<ListBucketsOutput>, Failure>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<ListBucketsOutput, Failure>>,
{
    paging::pages(
        "ListBuckets",
        |p: &ListBucketsOutput| p.continuation_token(),
        fetch,
    )
    .await
}

/// One listed bucket, before its details.
#[derive(Debug, Clone, PartialEq)]
struct Listing {
    name: String,
    region: Option<String>,
    created: Option<String>,
}

/// The buckets of `pages`, each name once. A bucket without a name names
/// nothing and is skipped, logged.
fn buckets(account_id: &str, pages: &[ListBucketsOutput]) -> Vec<Listing> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for b in pages.iter().flat_map(|p| p.buckets()) {
        let Some(name) = b.name().filter(|n| !n.is_empty()) else {
            tracing::warn!("{account_id}: ListBuckets listed a bucket without a name");
            continue;
        };
        if !seen.insert(name) {
            continue;
        }
        out.push(Listing {
            name: name.to_string(),
            region: b
                .bucket_region()
                .filter(|r| !r.is_empty())
                .map(str::to_string),
            created: b.creation_date().and_then(|t| t.fmt(Format::DateTime).ok()),
        });
    }
    out
}

/// `GetBucketLocation`'s answer as a region: none or empty is us-east-1,
/// `EU` is eu-west-1 (buckets created before regions had names).
fn region_of_location(constraint: Option<&str>) -> String {
    match constraint {
        None | Some("") => "us-east-1".to_string(),
        Some("EU") => "eu-west-1".to_string(),
        Some(r) => r.to_string(),
    }
}

async fn location(client: &s3::Client, bucket: &str) -> Result<String, Failure> {
    let out = client
        .get_bucket_location()
        .bucket(bucket)
        .send()
        .await
        .map_err(|e| classify(&e))?;
    Ok(region_of_location(
        out.location_constraint().map(|c| c.as_str()),
    ))
}

/// One read of a bucket: its value, or why it is unknown.
type Read<T> = Result<T, Failure>;

/// What the per-bucket reads found, as our types.
#[derive(Debug, Clone)]
struct Details {
    /// `Enabled`, `Suspended` or `Off`.
    versioning: Read<String>,
    /// The algorithm (or `none`) and the KMS key.
    encryption: Read<(String, Option<String>)>,
    public_access_block: Read<bool>,
    policy: Read<Option<String>>,
    tags: Read<Tags>,
}

/// A failure whose code says "not configured" becomes `none`.
fn absent_is<T>(r: Read<T>, code: &str, none: T) -> Read<T> {
    match r {
        Err(f) if f.code.as_deref() == Some(code) => Ok(none),
        other => other,
    }
}

async fn details(c: &s3::Client, bucket: &str) -> Details {
    let versioning = async {
        let out = c
            .get_bucket_versioning()
            .bucket(bucket)
            .send()
            .await
            .map_err(|e| classify(&e))?;
        // No status: versioning was never enabled.
        Ok(out
            .status()
            .map_or_else(|| "Off".to_string(), |s| s.as_str().to_string()))
    };
    let encryption = async {
        let out = c
            .get_bucket_encryption()
            .bucket(bucket)
            .send()
            .await
            .map_err(|e| classify(&e))?;
        let default = out.server_side_encryption_configuration().and_then(|conf| {
            conf.rules()
                .iter()
                .find_map(|r| r.apply_server_side_encryption_by_default())
        });
        Ok(match default {
            Some(d) => (
                d.sse_algorithm().as_str().to_string(),
                d.kms_master_key_id().map(str::to_string),
            ),
            None => ("none".to_string(), None),
        })
    };
    let block = async {
        let out = c
            .get_public_access_block()
            .bucket(bucket)
            .send()
            .await
            .map_err(|e| classify(&e))?;
        Ok(out.public_access_block_configuration().is_some_and(|p| {
            [
                p.block_public_acls(),
                p.ignore_public_acls(),
                p.block_public_policy(),
                p.restrict_public_buckets(),
            ]
            .iter()
            .all(|f| *f == Some(true))
        }))
    };
    let policy = async {
        let out = c
            .get_bucket_policy()
            .bucket(bucket)
            .send()
            .await
            .map_err(|e| classify(&e))?;
        Ok(out.policy().filter(|p| !p.is_empty()).map(str::to_string))
    };
    let tags = async {
        let out = c
            .get_bucket_tagging()
            .bucket(bucket)
            .send()
            .await
            .map_err(|e| classify(&e))?;
        Ok(out
            .tag_set()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect::<Tags>())
    };
    let (versioning, encryption, block, policy, tags) =
        futures::join!(versioning, encryption, block, policy, tags);
    Details {
        versioning,
        encryption: absent_is(
            encryption,
            "ServerSideEncryptionConfigurationNotFoundError",
            ("none".to_string(), None),
        ),
        public_access_block: absent_is(block, "NoSuchPublicAccessBlockConfiguration", false),
        policy: absent_is(policy, "NoSuchBucketPolicy", None),
        tags: absent_is(tags, "NoSuchTagSet", Tags::new()),
    }
}

/// `GetBucketVersioning: AccessDenied (…)`: a failed read for the note.
fn failed(read: &str, f: &Failure) -> String {
    let code = f.code.as_deref().unwrap_or("error");
    match &f.message {
        Some(m) => format!("{read}: {code} ({m})"),
        None => format!("{read}: {code}"),
    }
}

/// The bucket as a resource: its region (or why it is unknown) and the
/// details read there (`None` when the region was not learnt).
fn bucket_resource(
    account_id: &str,
    b: &Listing,
    region: Result<String, Failure>,
    details: Option<Details>,
) -> Resource {
    let mut notes = Vec::new();
    let region = match region {
        Ok(r) => r,
        Err(f) => {
            notes.push(failed("GetBucketLocation", &f));
            notes.push("its region is unknown, so its settings were not read".to_string());
            GLOBAL.to_string()
        }
    };
    let mut r = Resource::new(kinds::S3_BUCKET, account_id, region, b.name.as_str());
    r.name = Some(b.name.clone());
    r.set("created", b.created.clone());
    if let Some(d) = details {
        match d.versioning {
            Ok(v) => {
                r.set("versioning", v);
            }
            Err(f) => notes.push(failed("GetBucketVersioning", &f)),
        }
        match d.encryption {
            Ok((alg, key)) => {
                r.set("encryption", alg);
                r.set("kms_key", key);
            }
            Err(f) => notes.push(failed("GetBucketEncryption", &f)),
        }
        match d.public_access_block {
            Ok(on) => {
                r.set("public_access_block", Value::Bool(on));
            }
            Err(f) => notes.push(failed("GetPublicAccessBlock", &f)),
        }
        match d.policy {
            Ok(p) => {
                r.set("policy", p);
            }
            Err(f) => notes.push(failed("GetBucketPolicy", &f)),
        }
        match d.tags {
            Ok(t) => r.tags = t,
            Err(f) => notes.push(failed("GetBucketTagging", &f)),
        }
    }
    if !notes.is_empty() {
        r.set("note", notes.join("; "));
    }
    r
}

#[cfg(test)]
mod tests {
    //! Conversion and paging against recorded response shapes (the moto
    //! test in `tests/integration/storage.rs` covers the wire; moto answers
    //! `MaxBuckets` with a short page and no token, so it cannot test
    //! paging).

    use super::*;
    use crate::recorded::{block_on, recorded};
    use orgscope_core::model::CoverageStatus;
    use s3::types::Bucket;

    const ACCT: &str = "111111111111";

    fn page(names: &[(&str, Option<&str>)], token: Option<&str>) -> ListBucketsOutput {
        let buckets = names
            .iter()
            .map(|(n, region)| {
                Bucket::builder()
                    .name(*n)
                    .set_bucket_region(region.map(str::to_string))
                    .creation_date(aws_smithy_types::DateTime::from_secs(1_700_000_000))
                    .build()
            })
            .collect();
        ListBucketsOutput::builder()
            .set_buckets(Some(buckets))
            .set_continuation_token(token.map(str::to_string))
            .build()
    }

    #[test]
    fn the_one_api_is_the_kinds_and_the_page_size_is_clamped() {
        assert_eq!(apis().collect::<Vec<_>>(), ["s3:ListAllMyBuckets"]);
        assert_eq!(
            orgscope_core::model::listed_apis().collect::<Vec<_>>(),
            ["s3:ListAllMyBuckets"]
        );
        assert_eq!(clamp_page_size(0), 1);
        assert_eq!(clamp_page_size(1000), 1000);
        assert_eq!(clamp_page_size(50_000), 10_000);
    }

    #[test]
    fn paging_follows_continuation_tokens_to_the_end() {
        let asked = std::sync::Mutex::new(Vec::new());
        let served = vec![
            page(&[("a", Some("eu-west-1"))], Some("t1")),
            page(
                &[("b", Some("us-east-1")), ("a", Some("eu-west-1"))],
                Some("t2"),
            ),
            page(&[("c", None)], Some("")),
        ];
        let got = block_on(pages(recorded(served, &asked))).unwrap();
        assert_eq!(got.len(), 3, "an empty token ends the listing");
        assert_eq!(
            *asked.lock().unwrap(),
            [None, Some("t1".into()), Some("t2".into())]
        );
        let listed = buckets(ACCT, &got);
        let names: Vec<(&str, Option<&str>)> = listed
            .iter()
            .map(|b| (b.name.as_str(), b.region.as_deref()))
            .collect();
        // Each bucket once; the region when the listing gave one.
        assert_eq!(
            names,
            [
                ("a", Some("eu-west-1")),
                ("b", Some("us-east-1")),
                ("c", None)
            ]
        );
        assert_eq!(listed[0].created.as_deref(), Some("2023-11-14T22:13:20Z"));
    }

    #[test]
    fn a_repeated_token_or_a_missing_page_fails_the_cell() {
        let asked = std::sync::Mutex::new(Vec::new());
        let looping = vec![page(&[], Some("a")), page(&[], Some("a"))];
        let f = block_on(pages(recorded(looping, &asked))).unwrap_err();
        assert_eq!(f.code.as_deref(), Some("RepeatedPageToken"));
        // A token promises another page: the first is not the whole list.
        let f = block_on(pages(recorded(vec![page(&[], Some("x"))], &asked))).unwrap_err();
        assert_eq!(f.code.as_deref(), Some("NoMorePages"));
    }

    #[test]
    fn locations_follow_the_apis_quirks() {
        assert_eq!(region_of_location(None), "us-east-1");
        assert_eq!(region_of_location(Some("")), "us-east-1");
        assert_eq!(region_of_location(Some("EU")), "eu-west-1");
        assert_eq!(region_of_location(Some("eu-central-1")), "eu-central-1");
    }

    fn denied() -> Failure {
        Failure::new(CoverageStatus::Denied, "AccessDenied", "Access Denied")
    }

    fn listing() -> Listing {
        Listing {
            name: "shop-data".into(),
            region: Some("eu-west-1".into()),
            created: None,
        }
    }

    #[test]
    fn details_become_fields_and_not_configured_is_a_fact() {
        let d = Details {
            versioning: Ok("Suspended".into()),
            encryption: absent_is(
                Err(Failure::new(
                    CoverageStatus::Error,
                    "ServerSideEncryptionConfigurationNotFoundError",
                    "none",
                )),
                "ServerSideEncryptionConfigurationNotFoundError",
                ("none".to_string(), None),
            ),
            public_access_block: absent_is(
                Err(Failure::new(
                    CoverageStatus::Error,
                    "NoSuchPublicAccessBlockConfiguration",
                    "none",
                )),
                "NoSuchPublicAccessBlockConfiguration",
                false,
            ),
            policy: Ok(Some(r#"{"Statement":[]}"#.into())),
            tags: Ok([("env".to_string(), "prod".to_string())].into()),
        };
        let r = bucket_resource(ACCT, &listing(), Ok("eu-west-1".into()), Some(d));
        assert_eq!(
            (r.region.as_str(), r.id.as_str(), r.name.as_deref()),
            ("eu-west-1", "shop-data", Some("shop-data"))
        );
        assert_eq!(r.text("versioning"), Some("Suspended"));
        assert_eq!(r.text("encryption"), Some("none"));
        assert_eq!(r.get("public_access_block"), Some(&Value::Bool(false)));
        assert_eq!(r.text("policy"), Some(r#"{"Statement":[]}"#));
        assert_eq!(r.tags.get("env").map(String::as_str), Some("prod"));
        assert_eq!(r.text("note"), None);
        assert_eq!(r.text("created"), None, "not listed, not invented");
    }

    #[test]
    fn a_denied_read_keeps_the_bucket_with_a_note_and_the_field_empty() {
        let d = Details {
            versioning: Err(denied()),
            encryption: Ok(("aws:kms".into(), Some("key-1".into()))),
            public_access_block: Ok(true),
            policy: Err(denied()),
            tags: Err(denied()),
        };
        let r = bucket_resource(ACCT, &listing(), Ok("eu-west-1".into()), Some(d));
        assert_eq!(r.get("versioning"), Some(&Value::Null));
        assert_eq!(r.get("policy"), Some(&Value::Null));
        assert_eq!(r.text("encryption"), Some("aws:kms"));
        assert_eq!(r.text("kms_key"), Some("key-1"));
        let note = r.text("note").unwrap_or_default();
        assert_eq!(
            note,
            "GetBucketVersioning: AccessDenied (Access Denied); \
             GetBucketPolicy: AccessDenied (Access Denied); \
             GetBucketTagging: AccessDenied (Access Denied)"
        );
    }

    #[test]
    fn a_bucket_whose_region_is_unknown_is_kept_and_says_why() {
        let b = Listing {
            region: None,
            ..listing()
        };
        let r = bucket_resource(ACCT, &b, Err(denied()), None);
        assert_eq!(r.region, GLOBAL);
        let note = r.text("note").unwrap_or_default();
        assert!(
            note.starts_with("GetBucketLocation: AccessDenied"),
            "{note}"
        );
        assert_eq!(r.get("versioning"), Some(&Value::Null));
    }
}
