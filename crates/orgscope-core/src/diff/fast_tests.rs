//! The diff's allocation-free shortcuts against their definitions: ASCII
//! normalization and `same_nonempty` against lowercase-split-strip-join,
//! and raw-equal security-group rules that still differ once their group
//! references are resolved on each side.

use proptest::prelude::*;

use super::keys::Normalizer;
use super::*;
use crate::model::{Estate, Resource, RulePeer, SgRule, kinds};

/// Normalization as first written: the definition the fast path keeps.
fn reference(s: &str, tokens: &[String]) -> String {
    let tokens: Vec<String> = tokens.iter().map(|t| t.to_lowercase()).collect();
    s.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty() && !tokens.iter().any(|x| x == t))
        .collect::<Vec<_>>()
        .join("-")
}

fn tokens() -> Vec<String> {
    let mut t: Vec<String> = DEFAULT_ENV_TOKENS.iter().map(|s| s.to_string()).collect();
    // User-configured tokens may be upper-case or not ASCII at all.
    t.extend([
        "PRE".to_string(),
        "prüf".to_string(),
        "\u{212A}".to_string(),
    ]);
    t
}

fn arb_name() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec![
            "app", "Prod", "PRD", "test", "-", "_", ".", "/", " ", "web", "1", "01", "pre", "Prüf",
            "k", "K", "\u{212A}", "é", "Σ", "stg", "x",
        ]),
        0..8,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn normalize_and_same_nonempty_match_the_definition(a in arb_name(), b in arb_name()) {
        let t = tokens();
        let norm = Normalizer::new(&t);
        let (ra, rb) = (reference(&a, &t), reference(&b, &t));
        prop_assert_eq!(norm.normalize(&a), ra.clone());
        let mut into = String::from("prefix/");
        norm.normalize_into(&b, &mut into);
        prop_assert_eq!(into, format!("prefix/{rb}"));
        prop_assert_eq!(norm.same_nonempty(&a, &b), !ra.is_empty() && ra == rb);
        prop_assert_eq!(norm.same_nonempty(&a, &a), !ra.is_empty());
    }
}

fn sg(id: &str, name: &str, ingress: Vec<SgRule>) -> Resource {
    let mut r = Resource::new(kinds::SECURITY_GROUP, "111111111111", "eu-west-1", id)
        .with("group_name", name)
        .with("description", "d")
        .with("ingress", ingress)
        .with("egress", Vec::<SgRule>::new());
    r.name = Some(name.into());
    r
}

fn estate(resources: Vec<Resource>) -> Estate {
    let mut e = crate::demo::demo_estate(11);
    e.resources = resources;
    e
}

#[test]
fn raw_equal_rules_naming_different_groups_differ() {
    let from = |g: &str| SgRule {
        protocol: "tcp".into(),
        from_port: Some(22),
        to_port: Some(22),
        peer: RulePeer::SecurityGroup(g.into()),
        description: None,
    };
    // The same rule text `from sg-2` on both sides, but sg-2 is the bastion
    // on the left and the database on the right.
    let left = estate(vec![
        sg("sg-1", "app", vec![from("sg-2")]),
        sg("sg-2", "bastion", vec![]),
    ]);
    let right = estate(vec![
        sg("sg-1", "app", vec![from("sg-2")]),
        sg("sg-2", "db", vec![]),
    ]);
    let opts = DiffOptions {
        keys: [(kinds::SECURITY_GROUP, MatchKey::Id)]
            .into_iter()
            .collect(),
        ..DiffOptions::default()
    };
    let rep = diff(&left, &[0, 1], &right, &[0, 1], &opts);
    let app = rep
        .entries
        .iter()
        .find(|x| x.key.ends_with("sg-1"))
        .expect("sg-1 changed");
    let fields: Vec<(&str, Option<&str>, Option<&str>)> = app
        .changes
        .iter()
        .map(|c| (c.field.as_str(), c.left.as_deref(), c.right.as_deref()))
        .collect();
    assert_eq!(
        fields,
        [
            ("ingress", Some("tcp/22 from sg:bastion"), None),
            ("ingress", None, Some("tcp/22 from sg:db")),
        ]
    );
    // Resolving to the same names on both sides: the same.
    let rep = diff(&left, &[0, 1], &left.clone(), &[0, 1], &opts);
    assert!(!rep.has_differences(), "{:?}", rep.entries);
}

#[test]
fn tag_changes_come_in_key_order_from_both_sides() {
    let mut l = sg("sg-1", "app", vec![]);
    let mut r = l.clone();
    for (k, v) in [("b", "1"), ("d", "x-prod"), ("env", "prod"), ("a", "same")] {
        l.tags.insert(k.into(), v.into());
    }
    for (k, v) in [("c", "2"), ("d", "x-test"), ("env", "test"), ("a", "same")] {
        r.tags.insert(k.into(), v.into());
    }
    r.tags.insert("e".into(), "prod".into());
    l.tags.insert("e".into(), "test".into());
    let opts = DiffOptions {
        keys: [(kinds::SECURITY_GROUP, MatchKey::Id)]
            .into_iter()
            .collect(),
        ..DiffOptions::default()
    };
    let (left, right) = (estate(vec![l]), estate(vec![r]));
    let rep = diff(&left, &[0], &right, &[0], &opts);
    let fields: Vec<&str> = rep.entries[0]
        .changes
        .iter()
        .map(|c| c.field.as_str())
        .collect();
    // `d` differs only by the env token; `e` is nothing but an env token,
    // compared raw; `env` is ignored.
    assert_eq!(fields, ["tag:b", "tag:c", "tag:e"]);
}
