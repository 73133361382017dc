//! Trust classification: every principal form, the conditions that are
//! kept, which statements count, and what a Deny takes away.

use super::policy::parse;
use super::trust::{Org, TrustEntry, Truster, classify};

const OWN: &str = "111111111111";
const TOOLING: &str = "333333333333";
const OUTSIDE: &str = "999999999999";

fn org() -> Org<'static> {
    Org::new([
        (OWN, "payments-prod"),
        ("222222222222", "payments-test"),
        (TOOLING, "tooling"),
    ])
}

/// The `trust` labels of a trust policy of `statements` (JSON text of the
/// statement list), for a role in `OWN`.
fn labels(statements: &str) -> Vec<String> {
    entries(statements).iter().map(TrustEntry::label).collect()
}

fn entries(statements: &str) -> Vec<TrustEntry> {
    let doc = format!(r#"{{"Version":"2012-10-17","Statement":{statements}}}"#);
    let p = parse(&doc).unwrap_or_else(|e| panic!("{doc}: {e}"));
    classify(&p, OWN, &org())
}

fn allow(principal: &str) -> String {
    format!(r#"[{{"Effect":"Allow","Principal":{principal},"Action":"sts:AssumeRole"}}]"#)
}

#[test]
fn every_spelling_of_an_account_names_the_account() {
    for p in [
        format!(r#"{{"AWS":"{TOOLING}"}}"#),
        format!(r#"{{"AWS":"arn:aws:iam::{TOOLING}:root"}}"#),
        format!(r#"{{"AWS":"arn:aws:iam::{TOOLING}:role/ci/deployer"}}"#),
        format!(r#"{{"AWS":"arn:aws:iam::{TOOLING}:user/alice"}}"#),
        format!(r#"{{"AWS":"arn:aws:sts::{TOOLING}:assumed-role/x/session"}}"#),
        format!(r#"{{"AWS":"arn:aws-us-gov:iam::{TOOLING}:root"}}"#),
        format!(r#"{{"AWS":"arn:aws-cn:iam::{TOOLING}:role/x"}}"#),
        format!(r#"{{"AWS":["arn:aws:iam::{TOOLING}:root","{TOOLING}"]}}"#),
    ] {
        let e = entries(&allow(&p));
        assert_eq!(
            e.iter().map(|e| &e.truster).collect::<Vec<_>>(),
            vec![&Truster::Org {
                id: TOOLING.into(),
                name: "tooling".into()
            }],
            "{p}"
        );
        assert_eq!(e[0].label(), "account:tooling");
        assert_eq!(e[0].truster.class(), "org");
    }
}

#[test]
fn the_roles_own_account_is_same_account_by_name() {
    let e = entries(&allow(&format!(r#"{{"AWS":"arn:aws:iam::{OWN}:root"}}"#)));
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].truster.class(), "same-account");
    assert_eq!(e[0].label(), "account:payments-prod");
    assert!(!e[0].from_other_account());
}

#[test]
fn an_account_outside_the_organization_is_named_by_id_and_flagged_without_external_id() {
    let e = entries(&allow(&format!(
        r#"{{"AWS":"arn:aws:iam::{OUTSIDE}:root"}}"#
    )));
    assert_eq!(e[0].truster, Truster::Outside { id: OUTSIDE.into() });
    assert_eq!(e[0].truster.class(), "outside");
    assert_eq!(e[0].label(), "outside:999999999999 [no ExternalId]");
    assert!(e[0].external_without_external_id());

    let guarded = entries(&format!(
        r#"[{{"Effect":"Allow","Principal":{{"AWS":"{OUTSIDE}"}},"Action":"sts:AssumeRole",
            "Condition":{{"StringEquals":{{"sts:ExternalId":"vendor-123"}}}}}}]"#
    ));
    assert_eq!(guarded[0].label(), "outside:999999999999 [ExternalId]");
    assert!(!guarded[0].external_without_external_id());
}

#[test]
fn services_and_federated_providers_are_classified_by_name() {
    assert_eq!(
        labels(&allow(
            r#"{"Service":["lambda.amazonaws.com","ec2.amazonaws.com"]}"#
        )),
        vec!["service:ec2.amazonaws.com", "service:lambda.amazonaws.com"]
    );
    let fed = entries(&format!(
        r#"[{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::{OWN}:saml-provider/Okta"}},
              "Action":"sts:AssumeRoleWithSAML"}},
            {{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::{OWN}:oidc-provider/token.actions.githubusercontent.com"}},
              "Action":"sts:AssumeRoleWithWebIdentity",
              "Condition":{{"StringLike":{{"token.actions.githubusercontent.com:sub":"repo:o/r:*"}}}}}},
            {{"Effect":"Allow","Principal":{{"Federated":"accounts.google.com"}},
              "Action":"sts:AssumeRoleWithWebIdentity"}}]"#
    ));
    let got: Vec<String> = fed.iter().map(TrustEntry::label).collect();
    assert_eq!(
        got,
        vec![
            "federated:Okta",
            "federated:accounts.google.com",
            "federated:token.actions.githubusercontent.com [conditions]",
        ]
    );
    assert!(fed.iter().all(|e| e.truster.class() == "federated"));
}

#[test]
fn every_form_of_anyone_is_public() {
    for statements in [
        allow(r#""*""#),
        allow(r#"{"AWS":"*"}"#),
        allow(r#"{"AWS":"arn:aws:iam::*:root"}"#),
        allow(r#"{"AWS":"arn:aws:iam::12345678901?:root"}"#),
        r#"[{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}]"#.to_string(),
    ] {
        let e = entries(&statements);
        assert_eq!(e.len(), 1, "{statements}");
        assert_eq!(e[0].truster, Truster::Anyone, "{statements}");
        assert_eq!(e[0].label(), "anyone");
        assert_eq!(e[0].truster.class(), "public");
        assert!(e[0].is_public());
        assert!(e[0].from_other_account());
    }
}

#[test]
fn anyone_fenced_to_the_organization_is_recorded_but_not_public() {
    let e = entries(
        r#"[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole",
            "Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}}]"#,
    );
    assert_eq!(e[0].label(), "anyone [PrincipalOrgID]");
    assert!(!e[0].is_public());
    let e = entries(
        r#"[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole",
            "Condition":{"StringEquals":{"aws:SourceAccount":"111111111111"},
                         "ArnLike":{"aws:SourceArn":"arn:aws:sns:*:111111111111:t"}}}]"#,
    );
    assert_eq!(e[0].label(), "anyone [SourceAccount, SourceArn]");
    assert!(!e[0].is_public());
    let e = entries(
        r#"[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole",
            "Condition":{"StringEquals":{"aws:PrincipalAccount":["111111111111"]}}}]"#,
    );
    assert_eq!(e[0].label(), "anyone [PrincipalAccount]");
    assert!(!e[0].is_public());
    // Any other condition is recorded but fences nothing in.
    let e = entries(
        r#"[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole",
            "Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]"#,
    );
    assert_eq!(e[0].label(), "anyone [conditions]");
    assert!(e[0].is_public());
}

#[test]
fn the_conditions_that_matter_are_named_in_brackets() {
    let e = entries(&format!(
        r#"[{{"Effect":"Allow","Principal":{{"AWS":"{TOOLING}"}},"Action":"sts:AssumeRole",
            "Condition":{{"StringEquals":{{"sts:ExternalId":"x"}},
                         "Bool":{{"aws:MultiFactorAuthPresent":"true"}}}}}}]"#
    ));
    assert_eq!(e[0].label(), "account:tooling [ExternalId, MFA]");
    // MFA required false is no MFA guard, but it is a condition.
    let e = entries(&format!(
        r#"[{{"Effect":"Allow","Principal":{{"AWS":"{TOOLING}"}},"Action":"sts:AssumeRole",
            "Condition":{{"Bool":{{"aws:MultiFactorAuthPresent":false}}}}}}]"#
    ));
    assert_eq!(e[0].label(), "account:tooling [conditions]");
    let e = entries(&format!(
        r#"[{{"Effect":"Allow","Principal":{{"AWS":"{OUTSIDE}"}},"Action":"sts:AssumeRole",
            "Condition":{{"StringEquals":{{"aws:PrincipalOrgID":"o-1"}}}}}}]"#
    ));
    assert_eq!(
        e[0].label(),
        "outside:999999999999 [no ExternalId, PrincipalOrgID]"
    );
    // An outside account cannot be in the organization: fenced off.
    assert!(!e[0].external_without_external_id());
}

#[test]
fn only_statements_that_can_assume_the_role_count() {
    for (action, counts) in [
        (r#""sts:AssumeRole""#, true),
        (r#""sts:AssumeRoleWithSAML""#, true),
        (r#""sts:AssumeRoleWithWebIdentity""#, true),
        (r#""*""#, true),
        (r#""sts:*""#, true),
        (r#""sts:AssumeRole*""#, true),
        (r#""STS:assumerole""#, true),
        (r#"["sts:TagSession","sts:AssumeRole"]"#, true),
        (r#""sts:TagSession""#, false),
        (r#""sts:SetSourceIdentity""#, false),
        (r#""s3:GetObject""#, false),
    ] {
        let got = entries(&format!(
            r#"[{{"Effect":"Allow","Principal":{{"AWS":"{TOOLING}"}},"Action":{action}}}]"#
        ));
        assert_eq!(!got.is_empty(), counts, "{action}");
    }
    // NotAction counts unless it excludes every assume action.
    let na = |not: &str| {
        !entries(&format!(
            r#"[{{"Effect":"Allow","Principal":{{"AWS":"{TOOLING}"}},"NotAction":{not}}}]"#
        ))
        .is_empty()
    };
    assert!(na(r#""s3:*""#));
    assert!(na(r#""sts:AssumeRole""#), "the SAML form is still allowed");
    assert!(!na(r#""sts:*""#));
}

#[test]
fn an_unconditional_deny_removes_the_principals_it_names() {
    let e = labels(&format!(
        r#"[{{"Effect":"Allow","Principal":{{"AWS":["{TOOLING}","{OUTSIDE}"]}},"Action":"sts:AssumeRole"}},
            {{"Effect":"Deny","Principal":{{"AWS":"arn:aws:iam::{OUTSIDE}:root"}},"Action":"sts:AssumeRole"}}]"#
    ));
    assert_eq!(e, vec!["account:tooling"]);
    // A deny of the account covers each of its principals.
    let e = labels(&format!(
        r#"[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{TOOLING}:role/ci"}},"Action":"sts:AssumeRole"}},
            {{"Effect":"Deny","Principal":{{"AWS":"{TOOLING}"}},"Action":"*"}}]"#
    ));
    assert!(e.is_empty(), "{e:?}");
    // A deny of one role leaves the account's other roles.
    let e = labels(&format!(
        r#"[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{TOOLING}:role/ci"}},"Action":"sts:AssumeRole"}},
            {{"Effect":"Deny","Principal":{{"AWS":"arn:aws:iam::{TOOLING}:role/other"}},"Action":"sts:AssumeRole"}}]"#
    ));
    assert_eq!(e, vec!["account:tooling"]);
    // Deny of everyone removes everything; a conditional deny removes
    // nothing; a deny of other actions removes nothing.
    let e = labels(&format!(
        r#"[{{"Effect":"Allow","Principal":{{"AWS":"{TOOLING}"}},"Action":"sts:AssumeRole"}},
            {{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole"}}]"#
    ));
    assert!(e.is_empty());
    let e = labels(&format!(
        r#"[{{"Effect":"Allow","Principal":{{"AWS":"{TOOLING}"}},"Action":"sts:AssumeRole"}},
            {{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRole",
              "Condition":{{"Bool":{{"aws:MultiFactorAuthPresent":"false"}}}}}}]"#
    ));
    assert_eq!(e, vec!["account:tooling"]);
    let e = labels(&format!(
        r#"[{{"Effect":"Allow","Principal":{{"AWS":"{TOOLING}"}},"Action":"sts:AssumeRole"}},
            {{"Effect":"Deny","Principal":"*","Action":"sts:TagSession"}}]"#
    ));
    assert_eq!(e, vec!["account:tooling"]);
}

#[test]
fn a_deny_with_not_principal_spares_only_the_listed() {
    let e = labels(&format!(
        r#"[{{"Effect":"Allow","Principal":{{"AWS":["{TOOLING}","{OUTSIDE}"]}},"Action":"sts:AssumeRole"}},
            {{"Effect":"Deny","NotPrincipal":{{"AWS":"{TOOLING}"}},"Action":"sts:AssumeRole"}}]"#
    ));
    assert_eq!(e, vec!["account:tooling"]);
    // Anyone, less "deny all but tooling": tooling.
    let e = labels(&format!(
        r#"[{{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}},
            {{"Effect":"Deny","NotPrincipal":{{"AWS":"{TOOLING}"}},"Action":"sts:AssumeRole"}}]"#
    ));
    assert_eq!(e, vec!["account:tooling"]);
}

#[test]
fn principals_that_name_no_account_are_kept_as_unknown() {
    let e = entries(&allow(r#"{"AWS":"AROAEXAMPLEDELETEDROLE"}"#));
    assert_eq!(
        e[0].truster,
        Truster::Unknown {
            principal: "AROAEXAMPLEDELETEDROLE".into()
        }
    );
    assert_eq!(e[0].truster.class(), "unknown");
    assert!(!e[0].from_other_account());
}

#[test]
fn entries_are_sorted_and_unique_across_statements() {
    let e = labels(&format!(
        r#"[{{"Effect":"Allow","Principal":{{"AWS":"{TOOLING}","Service":"ec2.amazonaws.com"}},"Action":"sts:AssumeRole"}},
            {{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{TOOLING}:root"}},"Action":"sts:AssumeRole"}},
            {{"Effect":"Allow","Principal":{{"AWS":"{OWN}"}},"Action":"sts:AssumeRole"}}]"#
    ));
    assert_eq!(
        e,
        vec![
            "account:payments-prod",
            "account:tooling",
            "service:ec2.amazonaws.com"
        ]
    );
}
