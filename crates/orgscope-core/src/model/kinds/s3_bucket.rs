//! S3 buckets. `ListBuckets` is one global call per account (its coverage
//! cell is `s3:ListAllMyBuckets`, the IAM action behind it), yet every
//! bucket lives in a region, which it carries: the kind is
//! [`Scope::Listed`], so a failed listing leaves the account's buckets
//! unknown in every region (and nothing else), and the network diagram
//! draws each bucket in its own region beside the VPCs. The id is the
//! bucket's name (globally unique), which is also its name.
//!
//! Per bucket, read in its own region: versioning, default encryption,
//! the public access block (true only when all four settings are on), the
//! policy and the tags. A read that was refused or failed is named in
//! `note`, its field left empty: unknown, never "off".
//!
//! The policy is stored as AWS returns it; who it shares the bucket with
//! is derived from it after a collection (`access::bucket`): the
//! accounts its `Allow` statements grant — an organization account by
//! name (`account:analytics-prod`), an outside account by id
//! (`outside:999999999999`), `anyone` — with the conditions that fence
//! them in brackets, as a role's trust is written.

use crate::model::kind::{Draw, FieldDef, KeyDef, KindDef, Scope, ValueType};

pub(super) static DEF: KindDef = KindDef {
    name: "s3_bucket",
    aliases: &["s3", "bucket", "buckets", "s3_buckets"],
    label: "S3 buckets",
    service: "s3",
    api: "s3:ListAllMyBuckets",
    scope: Scope::Listed,
    arn: "arn:{partition}:s3:::{id}",
    fields: &[
        // `Enabled`, `Suspended`, or `Off` (never enabled).
        FieldDef::text("versioning", "Versioning")
            .column()
            .compared()
            .facet(),
        // The default encryption's algorithm (`AES256`, `aws:kms`,
        // `aws:kms:dsse`), or `none`.
        FieldDef::text("encryption", "Encryption")
            .aliases(&["sse"])
            .column()
            .compared()
            .facet(),
        FieldDef::text("kms_key", "KMS key"),
        // All four settings of the bucket's public access block on.
        FieldDef::text("public_access_block", "Public access block")
            .typed(ValueType::Bool)
            .aliases(&["pab", "block-public"])
            .column()
            .compared(),
        FieldDef::text("created", "Created").typed(ValueType::Time),
        // The bucket policy as collected (JSON text).
        // Named apart from its file key: `policy:` is the IAM relation's
        // filter (a role's attached policies).
        FieldDef::text("bucket_policy", "Bucket policy").key("policy"),
        // Derived (`access::derive`): who the policy shares the bucket
        // with, written as a role's trust is (`account:NAME`,
        // `outside:ID`, `service:NAME`, `anyone`, conditions in brackets).
        FieldDef::text("shared_with", "Shared with")
            .typed(ValueType::List)
            .column()
            .compared()
            .normalised()
            .values(&["account:{account}", "anyone"]),
        // The classes of `shared_with`: `org`, `outside`, `service`,
        // `public`, `unknown`.
        FieldDef::text("sharing", "Sharing")
            .typed(ValueType::List)
            .aliases(&["shared", "shared-class"])
            .values(&["org", "outside", "service", "public", "unknown"]),
        FieldDef::text("flags", "Flags")
            .typed(ValueType::List)
            .aliases(&["flag"])
            .values(&["shared-outside", "public-policy"]),
        // A policy that could not be read (derived).
        FieldDef::text("policy_error", "Policy error"),
        // The per-bucket reads that failed, said once.
        FieldDef::text("note", "Note"),
    ],
    key: KeyDef::Name,
    relations: &[],
    draw: Draw::Node {
        glyph: "S3",
        label: "versioning",
    },
    counted: None,
};

/// The kind on the demo estate, through the generic layers only.
#[cfg(test)]
mod tests {
    use crate::demo::{DEFAULT_ACCOUNTS, demo_estate};
    use crate::diff::{DiffOptions, EntryStatus, diff};
    use crate::model::arn::{Arn, modelled_kind};
    use crate::model::kinds;
    use crate::query::{self, Context};

    fn rows(ctx: &Context, q: &str) -> Vec<usize> {
        query::filter(ctx, &query::parse(q).expect("query parses"), None)
    }

    #[test]
    fn a_bucket_arn_is_this_kind_and_rebuilds_from_the_id() {
        let arn = Arn::parse("arn:aws:s3:::my-bucket").expect("parses");
        assert_eq!(modelled_kind(&arn), Some(kinds::S3_BUCKET));
        // An object is not a bucket.
        let object = Arn::parse("arn:aws:s3:::my-bucket/key").expect("parses");
        assert_eq!(modelled_kind(&object), None);
        let e = demo_estate(DEFAULT_ACCOUNTS);
        let b = e
            .resources
            .iter()
            .find(|r| r.kind == kinds::S3_BUCKET)
            .expect("a bucket");
        assert_eq!(b.arn(), format!("arn:aws:s3:::{}", b.id));
        assert_eq!(b.name.as_deref(), Some(b.id.as_str()));
        assert!(crate::demo::REGIONS.contains(&b.region.as_str()));
    }

    #[test]
    fn fields_filter_and_the_shares_are_named() {
        let e = demo_estate(DEFAULT_ACCOUNTS);
        let ctx = Context::new(&e);
        let all = rows(&ctx, "type:bucket");
        assert!(!all.is_empty());
        // The one unversioned, unblocked bucket is the drifted twin's.
        let off = rows(&ctx, "type:s3 versioning:Off");
        assert_eq!(off.len(), 1);
        assert_eq!(e.resources[off[0]].id.as_str(), "payments-test-artifacts");
        assert_eq!(rows(&ctx, "type:s3 public-access-block:false"), off);
        // The vendor's bucket is the one shared outside the organization.
        let outside = rows(&ctx, "type:bucket shared:outside");
        assert_eq!(outside.len(), 1);
        assert_eq!(rows(&ctx, "type:bucket flags:shared-outside"), outside);
        assert_eq!(rows(&ctx, "type:bucket shared-with:outside:*"), outside);
        // The central logs bucket names every organization account.
        let logs = rows(&ctx, "type:bucket name:org-central-logs-*");
        assert_eq!(logs.len(), 1);
        let shared = e.resources[logs[0]]
            .get("shared_with")
            .map(|v| v.as_list().to_vec())
            .unwrap_or_default();
        assert!(
            shared.contains(&"account:payments-prod".to_string()),
            "{shared:?}"
        );
        assert!(
            shared.contains(&"account:management".to_string()),
            "{shared:?}"
        );
        assert_eq!(
            rows(&ctx, "type:bucket shared-with:account:analytics-prod"),
            {
                let mut v = rows(&ctx, "type:bucket name:payments-prod-data");
                v.extend(logs.iter().copied());
                v.sort_unstable();
                v
            }
        );
        // Every bucket is encrypted by default (S3 has done so since 2023).
        assert!(rows(&ctx, "type:bucket encryption:none").is_empty());
    }

    #[test]
    fn prod_vs_test_reports_the_unversioned_bucket() {
        let e = demo_estate(DEFAULT_ACCOUNTS);
        let ctx = Context::new(&e);
        let rep = diff(
            &e,
            &rows(&ctx, "ou:Prod type:bucket"),
            &e,
            &rows(&ctx, "ou:Test type:bucket"),
            &DiffOptions::default(),
        );
        let changed: Vec<_> = rep
            .entries
            .iter()
            .filter(|x| x.status != EntryStatus::NotCollected)
            .collect();
        /// (field, left, right)
        type Change<'a> = (&'a str, Option<&'a str>, Option<&'a str>);
        let summary: Vec<(&str, Vec<Change>)> = changed
            .iter()
            .map(|x| {
                (
                    x.key.as_str(),
                    x.changes
                        .iter()
                        .map(|c| (c.field.as_str(), c.left.as_deref(), c.right.as_deref()))
                        .collect(),
                )
            })
            .collect();
        // The data buckets shared with analytics compare equal: each
        // environment's with its own analytics account.
        assert_eq!(
            summary,
            [(
                "payments/eu-west-1/payments-artifacts",
                vec![
                    ("versioning", Some("Enabled"), Some("Off")),
                    ("public_access_block", Some("true"), Some("false")),
                ]
            ),],
            "{changed:#?}"
        );
    }
}
