//! The filter language on the derived IAM fields (issue #14): list
//! fields match any item (its bracketed conditions optional), `unused:90d`
//! and `key-age:90d` mean "at least 90 days", and completion offers the
//! values the descriptors declare. Both evaluation paths (the bound fast
//! path and the reference evaluator) must agree.

use crate::access::derive;
use crate::access::tests::{PROD, reviewed};
use crate::model::{Estate, Resource, Value, kinds};

use super::{Context, completions, filter, parse, tag_catalog};

fn derived() -> Estate {
    let mut e = reviewed();
    e.resources.push(
        Resource::new(kinds::IAM_USER, PROD, "global", "old-key").with(
            "access_keys",
            Value::from(vec![
                "ABCD Active 2025-01-02T00:00:00Z 2026-05-30T00:00:00Z".to_string(),
            ]),
        ),
    );
    e.resources.push(
        Resource::new(kinds::IAM_USER, PROD, "global", "new-key").with(
            "access_keys",
            Value::from(vec!["EFGH Active 2026-05-02T00:00:00Z never".to_string()]),
        ),
    );
    derive(&mut e);
    e
}

/// `account/id` of what `q` keeps, by both evaluators (asserted equal).
fn hits(e: &Estate, q: &str) -> Vec<String> {
    let ctx = Context::new(e);
    let query = parse(q).unwrap_or_else(|err| panic!("{q}: {err}"));
    let fast = filter(&ctx, &query, None);
    let slow: Vec<usize> = (0..e.resources.len())
        .filter(|&i| query.matches(&ctx, &e.resources[i]))
        .collect();
    assert_eq!(fast, slow, "{q}: the two evaluators disagree");
    let name = |acct: &str| e.account(acct).map_or(acct.to_string(), |a| a.name.clone());
    fast.iter()
        .map(|&i| format!("{}/{}", name(&e.resources[i].account_id), e.resources[i].id))
        .collect()
}

#[test]
fn trust_filters_match_any_item_with_or_without_its_conditions() {
    let e = derived();
    assert_eq!(
        hits(&e, "type:iam_role trusts:account:tooling"),
        vec!["payments-prod/ci-deploy"]
    );
    assert_eq!(
        hits(&e, "trust:account:security"),
        vec![
            "payments-prod/security-audit",
            "payments-test/security-audit",
            "tooling/security-audit"
        ]
    );
    // `outside:ID` matches the entry with or without its ExternalId note;
    // the full text matches only its own.
    assert_eq!(
        hits(&e, "trust:outside:999999999999"),
        vec!["payments-prod/vendor", "payments-test/vendor"]
    );
    assert_eq!(
        hits(&e, r#"trust:"outside:999999999999 [no ExternalId]""#),
        vec!["payments-prod/vendor"]
    );
    assert_eq!(
        hits(&e, "trusted-by:outside"),
        vec!["payments-prod/vendor", "payments-test/vendor"]
    );
    assert_eq!(hits(&e, "trusted-by:public"), vec!["payments-test/open"]);
    assert_eq!(
        hits(&e, "admin:true type:role"),
        vec!["payments-prod/ci-deploy"]
    );
    assert_eq!(hits(&e, "flag:public-trust"), vec!["payments-test/open"]);
    assert!(hits(&e, "trusts:account:payments-prod").is_empty());
}

#[test]
fn days_filters_mean_at_least_that_many_days() {
    let e = derived();
    // The roles were used a day ago but old-lambda (516 days unused); the
    // user old-key used its key 2 days ago, new-key never (30 days old).
    assert_eq!(hits(&e, "unused:90d"), vec!["payments-test/old-lambda"]);
    assert_eq!(hits(&e, "unused:516d"), vec!["payments-test/old-lambda"]);
    assert!(hits(&e, "unused:517d").is_empty());
    assert_eq!(
        hits(&e, "type:user unused:30d"),
        vec!["payments-prod/new-key"]
    );
    assert_eq!(
        hits(&e, "unused:516"),
        vec!["payments-test/old-lambda"],
        "a bare number is exact"
    );
    assert_eq!(hits(&e, "key-age:90d"), vec!["payments-prod/old-key"]);
    assert_eq!(
        hits(&e, "idle:2d type:user"),
        vec!["payments-prod/old-key", "payments-prod/new-key"]
    );
    assert_eq!(hits(&e, "-unused:90d type:role").len(), 7);
}

#[test]
fn completion_offers_the_declared_values_of_iam_fields() {
    let e = derived();
    let ctx = Context::new(&e);
    let all: Vec<usize> = (0..e.resources.len()).collect();
    let catalog = tag_catalog(&ctx, &all);
    let offered = |src: &str| -> Vec<String> {
        completions(src, src.chars().count(), &catalog)
            .into_iter()
            .map(|c| c.label)
            .collect()
    };
    assert_eq!(offered("trusted-by:o"), vec!["org", "outside"]);
    assert_eq!(
        offered("trust:account:pay"),
        vec!["account:payments-prod", "account:payments-test"]
    );
    assert!(offered("trusts:").contains(&"anyone".to_string()));
    assert_eq!(offered("admin:"), vec!["true", "false"]);
    assert_eq!(offered("unused:9"), vec!["90d"]);
    assert_eq!(offered("key-age:3"), vec!["30d", "365d"]);
    assert_eq!(
        offered("flags:key"),
        vec!["key-older-90d", "key-unused-90d"]
    );
    // A bucket's flags are offered beside a role's.
    assert_eq!(offered("flags:pub"), vec!["public-policy", "public-trust"]);
    // A value with a ':' is inserted quoted, and the quoted term parses.
    let c = completions("trust:account:too", 17, &catalog);
    assert_eq!(c[0].insert, "\"account:tooling\"");
    assert_eq!(
        hits(&e, &format!("trust:{}", c[0].insert)),
        vec!["payments-prod/ci-deploy"]
    );
}
