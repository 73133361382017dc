//! Who a bucket policy shares an S3 bucket with: the principals its
//! `Allow` statements grant, classified against the organization as a
//! role's trust is ([`trust`](super::trust)): an organization account by
//! name (`account:analytics-prod`), an account outside it by id
//! (`outside:999999999999`), an AWS service (`service:NAME`), anyone
//! (`anyone`), with the conditions that fence them in brackets
//! (`anyone [PrincipalOrgID]`). The bucket's own account is left out:
//! a bucket is not "shared" with the account that owns it.
//!
//! Every `Allow` counts (a bucket policy grants only S3 actions, and any
//! of them is access); a `Deny` takes a principal away only when it
//! denies reading, writing and listing alike and unconditionally — a
//! policy denying everyone `s3:DeleteBucket` still shares the bucket.
//!
//! The derived fields: `shared_with` (those entries), `sharing` (their
//! classes: `org`, `outside`, `service`, `public`, `fenced` for anyone
//! fenced in by a condition, `unknown`), `flags` (`shared-outside`: an
//! account outside the organization that no `aws:PrincipalOrgID` fences
//! out; `public-policy`: anyone, unfenced) and `policy_error` for a
//! policy that cannot be read. Written by [`derive`](fn@super::derive),
//! after every collection and in the demo.

use super::policy::{self, Statement};
use super::trust::{self, Org, TrustEntry, Truster};
use crate::model::{Resource, Value};

/// What denying takes all of a bucket's access away: all three.
const CORE_ACTIONS: [&str; 3] = ["s3:GetObject", "s3:PutObject", "s3:ListBucket"];

fn denies_all(s: &Statement) -> bool {
    CORE_ACTIONS.iter().all(|a| s.covers_action(a))
}

/// The entries a bucket policy in account `own` grants, the own account
/// left out; sorted and unique.
pub fn shares(text: &str, own: &str, org: &Org) -> Result<Vec<TrustEntry>, policy::PolicyError> {
    let p = policy::parse(text)?;
    let mut entries = trust::classify_by(&p, own, org, |_| true, denies_all);
    entries.retain(|e| !matches!(e.truster, Truster::SameAccount { .. }));
    Ok(entries)
}

/// `shared_with`'s item: the truster's label, the guards in brackets.
pub fn label(e: &TrustEntry) -> String {
    let mut out = e.truster.label();
    let names = e.guards.names();
    if !names.is_empty() {
        out.push_str(" [");
        out.push_str(&names.join(", "));
        out.push(']');
    }
    out
}

/// `sharing`'s item for an entry.
pub fn class(e: &TrustEntry) -> &'static str {
    match e.truster {
        Truster::Anyone if !e.is_public() => "fenced",
        _ => e.truster.class(),
    }
}

/// Shared with an account outside the organization that the statement
/// does not fence out (`aws:PrincipalOrgID` cannot be met from outside).
pub fn shared_outside(e: &TrustEntry) -> bool {
    matches!(e.truster, Truster::Outside { .. }) && !e.guards.principal_org
}

/// The derived fields of one bucket, by name: `shared_with`, `sharing`,
/// `flags` and `policy_error`. A bucket without a policy (or whose
/// policy was not read) shares nothing known: all empty.
pub(super) fn facts(r: &Resource, org: &Org) -> Vec<(&'static str, Value)> {
    let list = |v: Vec<String>| {
        if v.is_empty() {
            Value::Null
        } else {
            Value::from(v)
        }
    };
    let (entries, error) = match r.text("policy") {
        None => (Vec::new(), Value::Null),
        Some(text) => match shares(text, &r.account_id, org) {
            Ok(e) => (e, Value::Null),
            Err(e) => (Vec::new(), Value::from(e.to_string())),
        },
    };
    let mut classes: Vec<String> = entries.iter().map(|e| class(e).to_string()).collect();
    classes.sort();
    classes.dedup();
    let mut flags = Vec::new();
    if entries.iter().any(shared_outside) {
        flags.push("shared-outside".to_string());
    }
    if entries.iter().any(TrustEntry::is_public) {
        flags.push("public-policy".to_string());
    }
    vec![
        ("shared_with", list(entries.iter().map(label).collect())),
        ("sharing", list(classes)),
        ("flags", list(flags)),
        ("policy_error", error),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    const OWN: &str = "111111111111";
    const ANALYTICS: &str = "222222222222";
    const VENDOR: &str = "999999999999";

    fn org() -> Org<'static> {
        Org::new([(OWN, "payments-prod"), (ANALYTICS, "analytics-prod")])
    }

    fn labels(doc: serde_json::Value) -> Vec<String> {
        shares(&doc.to_string(), OWN, &org())
            .expect("reads")
            .iter()
            .map(label)
            .collect()
    }

    #[test]
    fn org_accounts_by_name_outside_by_id_and_the_owner_left_out() {
        let doc = serde_json::json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": [
                format!("arn:aws:iam::{ANALYTICS}:root"),
                format!("arn:aws:iam::{OWN}:role/app"),
                VENDOR]},
             "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
            {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*",
             "Condition": {"StringEquals": {"aws:SourceAccount": OWN}}}
        ]});
        assert_eq!(
            labels(doc),
            [
                "account:analytics-prod",
                "outside:999999999999",
                "service:cloudtrail.amazonaws.com [SourceAccount]",
            ]
        );
    }

    #[test]
    fn anyone_is_public_unless_fenced_to_the_organization() {
        let open = serde_json::json!({"Statement": {"Effect": "Allow", "Principal": "*",
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}});
        let r = Resource::new(crate::model::kinds::S3_BUCKET, OWN, "eu-west-1", "b")
            .with("policy", open.to_string());
        let f = facts(&r, &org());
        assert_eq!(
            f[0],
            ("shared_with", Value::from(vec!["anyone".to_string()]))
        );
        assert_eq!(f[1], ("sharing", Value::from(vec!["public".to_string()])));
        assert_eq!(
            f[2],
            ("flags", Value::from(vec!["public-policy".to_string()]))
        );
        let fenced = serde_json::json!({"Statement": {"Effect": "Allow", "Principal": "*",
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*",
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}}});
        let r = r.with("policy", fenced.to_string());
        let f = facts(&r, &org());
        assert_eq!(
            f[0],
            (
                "shared_with",
                Value::from(vec!["anyone [PrincipalOrgID]".to_string()])
            )
        );
        assert_eq!(f[1], ("sharing", Value::from(vec!["fenced".to_string()])));
        assert_eq!(f[2], ("flags", Value::Null));
    }

    #[test]
    fn an_outside_account_is_a_finding_unless_the_org_fences_it_out() {
        let doc = |cond: serde_json::Value| {
            serde_json::json!({"Statement": {"Effect": "Allow",
                "Principal": {"AWS": VENDOR}, "Action": "s3:*",
                "Resource": "arn:aws:s3:::b/*", "Condition": cond}})
        };
        let r = |d: serde_json::Value| {
            Resource::new(crate::model::kinds::S3_BUCKET, OWN, "eu-west-1", "b")
                .with("policy", d.to_string())
        };
        let f = facts(&r(doc(serde_json::json!({}))), &org());
        assert_eq!(
            f[2],
            ("flags", Value::from(vec!["shared-outside".to_string()]))
        );
        let fenced = doc(serde_json::json!({"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}));
        assert_eq!(facts(&r(fenced), &org())[2], ("flags", Value::Null));
    }

    #[test]
    fn a_full_unconditional_deny_unshares_and_a_narrow_one_does_not() {
        let allow = serde_json::json!({"Effect": "Allow", "Principal": {"AWS": ANALYTICS},
            "Action": "s3:*", "Resource": "*"});
        let narrow = serde_json::json!({"Effect": "Deny", "Principal": "*",
            "Action": "s3:DeleteBucket", "Resource": "*"});
        let full = serde_json::json!({"Effect": "Deny", "Principal": {"AWS": ANALYTICS},
            "Action": "s3:*", "Resource": "*"});
        assert_eq!(
            labels(serde_json::json!({"Statement": [allow, narrow]})),
            ["account:analytics-prod"]
        );
        assert!(labels(serde_json::json!({"Statement": [allow, full]})).is_empty());
    }

    #[test]
    fn no_policy_shares_nothing_and_a_broken_one_says_why() {
        let r = Resource::new(crate::model::kinds::S3_BUCKET, OWN, "eu-west-1", "b");
        assert!(facts(&r, &org()).iter().all(|(_, v)| v.is_null()));
        let r = r.with("policy", "{not json");
        let f = facts(&r, &org());
        assert_eq!(f[0].1, Value::Null);
        assert!(
            f[3].1.as_str().is_some_and(|m| m.contains("not JSON")),
            "{:?}",
            f[3]
        );
    }
}
