//! DynamoDB tables, per account-region (`ListTables`, then `DescribeTable`
//! and `ListTagsOfResource` per table). The id is the table's name, unique
//! within its account-region; the ARN rebuilds from it.
//!
//! A global table is one table per region, each naming the others as its
//! `replicas` (their regions): a prod table replicated to its DR region
//! and a test twin that is not differ by that list. Compared: the billing
//! mode, the replicas, deletion protection and the encryption; never the
//! size or item count, which DynamoDB refreshes every six hours and which
//! differ between any two environments.

use crate::model::kind::{Draw, FieldDef, KeyDef, KindDef, Scope, ValueType};

pub(super) static DEF: KindDef = KindDef {
    name: "dynamodb_table",
    aliases: &["dynamodb", "ddb", "table", "tables", "dynamodb_tables"],
    label: "DynamoDB tables",
    service: "dynamodb",
    api: "dynamodb:ListTables",
    scope: Scope::Regional,
    arn: "arn:{partition}:dynamodb:{region}:{account}:table/{id}",
    fields: &[
        // `PAY_PER_REQUEST` or `PROVISIONED`.
        FieldDef::text("billing_mode", "Billing mode")
            .aliases(&["billing"])
            .column()
            .compared()
            .facet(),
        // `ACTIVE`, `CREATING`, `UPDATING`, `DELETING`, `ARCHIVED` …
        FieldDef::text("status", "Status").column().facet(),
        FieldDef::text("size_bytes", "Size (bytes)")
            .typed(ValueType::Number)
            .aliases(&["size"])
            .column(),
        FieldDef::text("item_count", "Items")
            .typed(ValueType::Number)
            .aliases(&["items"]),
        // The regions of the global table's other replicas.
        FieldDef::text("replicas", "Replicas")
            .typed(ValueType::List)
            .aliases(&["replica"])
            .column()
            .compared(),
        // The stream's view type (`NEW_AND_OLD_IMAGES` …), or `off`.
        FieldDef::text("stream", "Stream").facet(),
        FieldDef::text("deletion_protection", "Deletion protection")
            .typed(ValueType::Bool)
            .aliases(&["deletion-protection"])
            .compared(),
        // `KMS` (a customer or AWS managed key) or `aws-owned` (the
        // default: DynamoDB then describes no SSE at all).
        FieldDef::text("encryption", "Encryption")
            .aliases(&["sse"])
            .compared()
            .facet(),
        FieldDef::text("kms_key", "KMS key"),
        FieldDef::text("created", "Created").typed(ValueType::Time),
        // The reads that failed for this table, said once.
        FieldDef::text("note", "Note"),
    ],
    key: KeyDef::Name,
    relations: &[],
    draw: Draw::Node {
        glyph: "DDB",
        label: "billing_mode",
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
    fn a_table_arn_is_this_kind_and_rebuilds_from_the_id() {
        let arn =
            Arn::parse("arn:aws:dynamodb:eu-west-1:111111111111:table/sessions").expect("parses");
        assert_eq!(modelled_kind(&arn), Some(kinds::DYNAMODB_TABLE));
        let e = demo_estate(DEFAULT_ACCOUNTS);
        let t = e
            .resources
            .iter()
            .find(|r| r.kind == kinds::DYNAMODB_TABLE)
            .expect("a table");
        assert_eq!(
            t.arn(),
            format!(
                "arn:aws:dynamodb:{}:{}:table/{}",
                t.region, t.account_id, t.id
            )
        );
    }

    #[test]
    fn fields_filter() {
        let e = demo_estate(DEFAULT_ACCOUNTS);
        let ctx = Context::new(&e);
        let all = rows(&ctx, "type:ddb");
        assert!(!all.is_empty());
        let provisioned = rows(&ctx, "type:table billing-mode:PROVISIONED");
        assert_eq!(provisioned.len(), 1);
        assert_eq!(
            e.resources[provisioned[0]].account_id,
            e.accounts
                .iter()
                .find(|a| a.name == "payments-test")
                .map(|a| a.id.clone())
                .unwrap_or_default()
        );
        // A prod table and its replica name each other's regions.
        let prod = rows(&ctx, "type:dynamodb name:payments-prod-sessions");
        let regions: Vec<(&str, Vec<String>)> = prod
            .iter()
            .map(|&i| {
                let r = &e.resources[i];
                (
                    r.region.as_str(),
                    r.get("replicas")
                        .map(|v| v.as_list().to_vec())
                        .unwrap_or_default(),
                )
            })
            .collect();
        assert_eq!(
            regions,
            [
                ("eu-west-1", vec!["us-east-1".to_string()]),
                ("us-east-1", vec!["eu-west-1".to_string()]),
            ]
        );
        assert_eq!(
            rows(
                &ctx,
                "type:ddb status:ACTIVE deletion-protection:true ou:Prod"
            )
            .len(),
            rows(&ctx, "type:ddb ou:Prod").len()
        );
        assert!(rows(&ctx, "type:ddb size:*").len() == all.len());
    }

    #[test]
    fn prod_vs_test_reports_the_billing_mode_and_the_missing_replica() {
        let e = demo_estate(DEFAULT_ACCOUNTS);
        let ctx = Context::new(&e);
        let rep = diff(
            &e,
            &rows(&ctx, "ou:Prod type:ddb"),
            &e,
            &rows(&ctx, "ou:Test type:ddb"),
            &DiffOptions::default(),
        );
        let changed: Vec<_> = rep
            .entries
            .iter()
            .filter(|x| x.status != EntryStatus::NotCollected)
            .collect();
        /// (field, left, right)
        type Change<'a> = (&'a str, Option<&'a str>, Option<&'a str>);
        let summary: Vec<(&str, EntryStatus, Vec<Change>)> = changed
            .iter()
            .map(|x| {
                (
                    x.key.as_str(),
                    x.status,
                    x.changes
                        .iter()
                        .map(|c| (c.field.as_str(), c.left.as_deref(), c.right.as_deref()))
                        .collect(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (
                    "payments/eu-west-1/payments-sessions",
                    EntryStatus::Changed,
                    vec![
                        ("billing_mode", Some("PAY_PER_REQUEST"), Some("PROVISIONED")),
                        // A list's absence reads as empty.
                        ("replicas", Some("us-east-1"), Some("")),
                        ("tag:owner", Some("payments-team@example.com"), None),
                    ]
                ),
                (
                    "payments/us-east-1/payments-sessions",
                    EntryStatus::OnlyLeft,
                    vec![]
                ),
            ],
            "{changed:#?}"
        );
    }
}
