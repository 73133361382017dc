//! The policy reader on the shapes real documents take, and the messages
//! it gives for those it refuses.

use super::policy::{Condition, Effect, Names, Principal, parse};

#[test]
fn a_list_of_statements_with_lists_everywhere_reads_as_written() {
    let p = parse(
        r#"{"Version":"2012-10-17","Id":"p1","Statement":[
            {"Sid":"Read","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],
             "Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]},
            {"Effect":"Deny","NotAction":"iam:*","NotResource":"arn:aws:iam::*:role/x"}
        ]}"#,
    )
    .expect("reads");
    assert_eq!(p.version.as_deref(), Some("2012-10-17"));
    assert_eq!(p.id.as_deref(), Some("p1"));
    assert_eq!(p.statements.len(), 2);
    let s = &p.statements[0];
    assert_eq!(s.sid.as_deref(), Some("Read"));
    assert_eq!(s.effect, Effect::Allow);
    assert_eq!(
        s.action,
        Names {
            negated: false,
            items: vec!["s3:GetObject".into(), "s3:ListBucket".into()]
        }
    );
    let d = &p.statements[1];
    assert_eq!(d.effect, Effect::Deny);
    assert!(d.action.negated);
    assert!(d.resource.as_ref().is_some_and(|r| r.negated));
}

#[test]
fn a_single_statement_object_and_single_strings_are_lists_of_one() {
    let p = parse(
        r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},
            "Action":"sts:AssumeRole"}}"#,
    )
    .expect("reads");
    assert_eq!(p.version, None);
    assert_eq!(p.statements.len(), 1);
    let s = &p.statements[0];
    assert_eq!(s.action.items, vec!["sts:AssumeRole".to_string()]);
    let principal = s.principal.as_ref().expect("principal");
    assert!(!principal.negated);
    assert_eq!(
        principal.items,
        vec![Principal::Service("ec2.amazonaws.com".into())]
    );
    assert!(s.resource.is_none());
}

#[test]
fn every_principal_form_reads() {
    let p = parse(
        r#"{"Statement":[
            {"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"},
            {"Effect":"Allow","Principal":{"AWS":["111111111111","arn:aws:iam::222222222222:root"],
              "Service":["a.amazonaws.com"],"Federated":"arn:aws:iam::1:saml-provider/Okta",
              "CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},
             "Action":"sts:AssumeRole"},
            {"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::1:root"},"Action":"sts:AssumeRole"}
        ]}"#,
    )
    .expect("reads");
    assert_eq!(
        p.statements[0].principal.as_ref().map(|p| &p.items),
        Some(&vec![Principal::Any])
    );
    let items = &p.statements[1].principal.as_ref().expect("principal").items;
    assert!(items.contains(&Principal::Aws("111111111111".into())));
    assert!(items.contains(&Principal::Aws("arn:aws:iam::222222222222:root".into())));
    assert!(items.contains(&Principal::Service("a.amazonaws.com".into())));
    assert!(items.contains(&Principal::Federated(
        "arn:aws:iam::1:saml-provider/Okta".into()
    )));
    assert!(
        items
            .iter()
            .any(|p| matches!(p, Principal::CanonicalUser(_)))
    );
    assert_eq!(items.len(), 5);
    assert!(
        p.statements[2]
            .principal
            .as_ref()
            .is_some_and(|p| p.negated)
    );
}

#[test]
fn condition_values_may_be_strings_booleans_numbers_or_lists() {
    let p = parse(
        r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{
            "Bool":{"aws:MultiFactorAuthPresent":true},
            "NumericLessThan":{"aws:MultiFactorAuthAge":3600},
            "StringEquals":{"sts:ExternalId":["a","b"],"aws:PrincipalOrgID":"o-1"}}}}"#,
    )
    .expect("reads");
    let mut c = p.statements[0].conditions.clone();
    c.sort();
    let want = |op: &str, key: &str, values: &[&str]| Condition {
        operator: op.into(),
        key: key.into(),
        values: values.iter().map(|s| s.to_string()).collect(),
    };
    assert_eq!(
        c,
        vec![
            want("Bool", "aws:MultiFactorAuthPresent", &["true"]),
            want("NumericLessThan", "aws:MultiFactorAuthAge", &["3600"]),
            want("StringEquals", "aws:PrincipalOrgID", &["o-1"]),
            want("StringEquals", "sts:ExternalId", &["a", "b"]),
        ]
    );
}

#[test]
fn element_names_are_read_whatever_their_case() {
    let p = parse(
        r#"{"version":"2012-10-17","STATEMENT":[{"effect":"allow","principal":{"aws":"*"},
            "action":"sts:AssumeRole"}]}"#,
    )
    .expect("reads");
    let s = &p.statements[0];
    assert_eq!(s.effect, Effect::Allow);
    assert_eq!(
        s.principal.as_ref().map(|p| &p.items),
        Some(&vec![Principal::Aws("*".into())])
    );
}

#[test]
fn url_encoded_documents_read_as_their_decoded_text() {
    let plain = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"a+b c"}}}]}"#;
    let mut encoded = String::new();
    for b in plain.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~+".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    assert!(encoded.starts_with("%7B%22Version"));
    let a = parse(plain).expect("plain reads");
    let b = parse(&encoded).expect("encoded reads");
    assert_eq!(a, b);
    // `+` is literal in IAM's encoding, not a space.
    assert_eq!(
        b.statements[0].conditions[0].values,
        vec!["a+b c".to_string()]
    );
}

#[test]
fn malformed_documents_are_errors_that_say_where_and_what() {
    let cases: &[(&str, &str)] = &[
        ("", "not JSON"),
        ("{", "not JSON"),
        ("[]", "a policy document is a JSON object, found a list"),
        ("{}", "no Statement"),
        (
            r#"{"Statement":3}"#,
            "Statement: expected a statement or a list",
        ),
        (
            r#"{"Statement":[3]}"#,
            "Statement[0]: expected a statement object, found a number",
        ),
        (
            r#"{"Statement":[{"Action":"s3:*"}]}"#,
            "Statement[0]: has no Effect",
        ),
        (
            r#"{"Statement":[{"Effect":"Permit","Action":"s3:*"}]}"#,
            "Statement[0].Effect: expected \"Allow\" or \"Deny\", found \"Permit\"",
        ),
        (
            r#"{"Statement":[{"Effect":"Allow"}]}"#,
            "Statement[0]: has neither Action nor NotAction",
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","Action":"a","NotAction":"b"}]}"#,
            "has both Action and NotAction",
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","Action":["a",1]}]}"#,
            "Statement[0].Action[1]: expected a string, found a number",
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","Action":"a","Principal":"arn:aws:iam::1:root"}]}"#,
            "a principal string must be \"*\"",
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","Action":"a","Principal":{"Robot":"x"}}]}"#,
            "unknown principal type \"Robot\"",
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","Action":"a","Condition":{"Bool":true}}]}"#,
            "Statement[0].Condition.Bool: expected an object of condition keys",
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","Action":"a","Condition":{"Bool":{"k":null}}}]}"#,
            "Statement[0].Condition.Bool.k: expected a string, boolean or number, found null",
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","Action":"a","Pricipal":"*"}]}"#,
            "unknown element \"Pricipal\"",
        ),
        (
            r#"{"Version":7,"Statement":[]}"#,
            "Version: expected a string",
        ),
        ("%7B%2", "bad escape"),
        ("%FF%FE", "not UTF-8"),
    ];
    for (doc, want) in cases {
        match parse(doc) {
            Ok(p) => panic!("{doc:?} read as {p:?}"),
            Err(e) => assert!(
                e.to_string().contains(want),
                "{doc:?}: {e} does not say {want:?}"
            ),
        }
    }
}

#[test]
fn canonical_lines_sort_and_deduplicate_every_list() {
    let a = parse(
        r#"{"Statement":{"Effect":"Allow","Action":["s3:PutObject","s3:GetObject","s3:GetObject"],
            "Resource":"arn:aws:s3:::bucket/*",
            "Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}}}"#,
    )
    .expect("reads");
    assert_eq!(
        a.canonical_lines(),
        vec![
            "Allow s3:GetObject,s3:PutObject on arn:aws:s3:::bucket/* if StringEquals aws:PrincipalOrgID=o-1"
                .to_string()
        ]
    );
    let b = parse(
        r#"{"Statement":[{"Sid":"other","Condition":{"StringEquals":{"aws:PrincipalOrgID":["o-1"]}},
            "Resource":["arn:aws:s3:::bucket/*"],"Action":["s3:GetObject","s3:PutObject"],"Effect":"Allow"}]}"#,
    )
    .expect("reads");
    assert_eq!(a.canonical_lines(), b.canonical_lines());
    let c = parse(
        r#"{"Statement":{"Effect":"Deny","NotPrincipal":{"AWS":["b","a"]},"NotAction":"iam:*",
            "NotResource":"*","Condition":{"Bool":{"aws:SecureTransport":false},"IpAddress":{"aws:SourceIp":["10.0.0.0/8","1.2.3.4/32"]}}}}"#,
    )
    .expect("reads");
    assert_eq!(
        c.canonical_lines(),
        vec![
            "Deny by all but AWS:a,AWS:b not iam:* not on * if Bool aws:SecureTransport=false and IpAddress aws:SourceIp=1.2.3.4/32|10.0.0.0/8"
                .to_string()
        ]
    );
}

#[test]
fn allow_star_on_star_is_everything_and_narrower_is_not() {
    let admin = |doc: &str| parse(doc).expect("reads").allows_everything();
    assert!(admin(
        r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#
    ));
    assert!(admin(
        r#"{"Statement":{"Effect":"Allow","Action":["*:*"],"Resource":["*"]}}"#
    ));
    assert!(!admin(
        r#"{"Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}"#
    ));
    assert!(!admin(
        r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#
    ));
    assert!(!admin(
        r#"{"Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}}"#
    ));
    assert!(!admin(
        r#"{"Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b"}}"#
    ));
}

#[test]
fn actions_match_iam_wildcards_without_regard_to_case() {
    let p = parse(r#"{"Statement":{"Effect":"Allow","Action":["sts:Assume*","s3:?etObject"]}}"#)
        .expect("reads");
    let s = &p.statements[0];
    assert!(s.covers_action("sts:AssumeRole"));
    assert!(s.covers_action("STS:assumerolewithsaml"));
    assert!(s.covers_action("s3:GetObject"));
    assert!(!s.covers_action("sts:TagSession"));
    let n = parse(r#"{"Statement":{"Effect":"Allow","NotAction":"sts:*"}}"#).expect("reads");
    assert!(!n.statements[0].covers_action("sts:AssumeRole"));
    assert!(n.statements[0].covers_action("s3:GetObject"));
}
