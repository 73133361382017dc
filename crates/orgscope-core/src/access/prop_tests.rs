//! Property tests of the policy reader and the trust classifier.
//!
//! Round trip: a generated [`Policy`] is written as JSON in the varied
//! forms AWS accepts (a single string or a list, a single statement or a
//! list, element names in any case, booleans and numbers as condition
//! values, the whole document URL-encoded or not) and must read back as
//! itself. Hostile input (arbitrary bytes, arbitrary JSON, deep nesting,
//! huge lists) must give a result or an error, never a panic.

use proptest::prelude::*;
use serde_json::{Map, Value as Json, json};

use super::policy::{
    Condition, Effect, Names, Policy, Principal, Principals, Statement, from_json, parse,
};
use super::trust::{Org, Truster, classify};

/// How one document is spelled: choices drawn once per document and
/// consumed element by element.
#[derive(Debug, Clone)]
struct Spelling {
    /// One bit per choice point: list or single string, case of a name…
    bits: Vec<bool>,
    next: usize,
}

impl Spelling {
    fn pick(&mut self) -> bool {
        let b = self.bits.get(self.next % self.bits.len().max(1)).copied();
        self.next += 1;
        b.unwrap_or(false)
    }

    /// `name` as written, lowercased or uppercased.
    fn name(&mut self, name: &str) -> String {
        match (self.pick(), self.pick()) {
            (true, true) => name.to_ascii_lowercase(),
            (true, false) => name.to_ascii_uppercase(),
            _ => name.to_string(),
        }
    }

    /// A list of strings: a single string when it has one item and the
    /// spelling says so.
    fn strings(&mut self, items: &[String]) -> Json {
        if items.len() == 1 && self.pick() {
            json!(items[0])
        } else {
            json!(items)
        }
    }
}

fn ident() -> impl Strategy<Value = String> {
    "[A-Za-z0-9]{1,8}"
}

fn action() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("*".to_string()),
        "[a-z0-9]{1,6}:[A-Za-z*?]{1,10}",
        Just("sts:AssumeRole".to_string()),
    ]
}

fn resource() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("*".to_string()),
        "arn:aws:s3:::[a-z0-9-]{1,10}(/[*a-z]{0,5})?",
        "arn:aws:iam::[0-9]{12}:role/[a-z]{1,8}",
    ]
}

fn account() -> impl Strategy<Value = String> {
    "[0-9]{12}"
}

fn principal() -> impl Strategy<Value = Principal> {
    prop_oneof![
        account().prop_map(Principal::Aws),
        account().prop_map(|a| Principal::Aws(format!("arn:aws:iam::{a}:root"))),
        (account(), ident())
            .prop_map(|(a, n)| Principal::Aws(format!("arn:aws-us-gov:iam::{a}:role/{n}"))),
        Just(Principal::Aws("*".to_string())),
        "[a-z]{2,10}\\.amazonaws\\.com".prop_map(Principal::Service),
        (account(), ident())
            .prop_map(|(a, n)| Principal::Federated(format!("arn:aws:iam::{a}:saml-provider/{n}"))),
        "[0-9a-f]{16}".prop_map(Principal::CanonicalUser),
    ]
}

fn principals() -> impl Strategy<Value = Option<Principals>> {
    prop_oneof![
        Just(None),
        Just(Some(Principals {
            negated: false,
            items: vec![Principal::Any]
        })),
        (any::<bool>(), prop::collection::vec(principal(), 1..4))
            .prop_map(|(negated, items)| Some(Principals { negated, items })),
    ]
}

fn names(item: BoxedStrategy<String>) -> impl Strategy<Value = Names> {
    (any::<bool>(), prop::collection::vec(item, 1..4))
        .prop_map(|(negated, items)| Names { negated, items })
}

/// Conditions with unique (operator, key) pairs; values are text, some of
/// which read as a JSON boolean or number when written.
fn conditions() -> impl Strategy<Value = Vec<Condition>> {
    let op = prop::sample::select(vec![
        "StringEquals",
        "StringLike",
        "Bool",
        "NumericLessThan",
        "ArnLike",
        "ForAnyValue:StringEquals",
    ]);
    let key = prop::sample::select(vec![
        "sts:ExternalId",
        "aws:PrincipalOrgID",
        "aws:SourceAccount",
        "aws:SourceArn",
        "aws:MultiFactorAuthPresent",
        "aws:SourceIp",
    ]);
    let value = prop_oneof![
        "[a-z0-9:/*-]{0,12}",
        Just("true".to_string()),
        Just("false".to_string()),
        (0u32..100_000).prop_map(|n| n.to_string()),
    ];
    prop::collection::btree_map((op, key), prop::collection::vec(value, 1..3), 0..4).prop_map(|m| {
        m.into_iter()
            .map(|((operator, key), values)| Condition {
                operator: operator.to_string(),
                key: key.to_string(),
                values,
            })
            .collect()
    })
}

fn statement() -> impl Strategy<Value = Statement> {
    (
        prop::option::of(ident()),
        any::<bool>(),
        principals(),
        names(action().boxed()),
        prop::option::of(names(resource().boxed())),
        conditions(),
    )
        .prop_map(
            |(sid, allow, principal, action, resource, conditions)| Statement {
                sid,
                effect: if allow { Effect::Allow } else { Effect::Deny },
                principal,
                action,
                resource,
                conditions,
            },
        )
}

fn policy() -> impl Strategy<Value = Policy> {
    (
        prop::option::of(prop::sample::select(vec!["2012-10-17", "2008-10-17"])),
        prop::option::of(ident()),
        prop::collection::vec(statement(), 1..4),
    )
        .prop_map(|(version, id, statements)| Policy {
            version: version.map(str::to_string),
            id,
            statements,
        })
}

fn write_principals(p: &Principals, sp: &mut Spelling) -> Json {
    if p.items == [Principal::Any] {
        return json!("*");
    }
    let mut by_type: Vec<(&str, Vec<String>)> = Vec::new();
    for item in &p.items {
        let ty = item.type_name();
        match by_type.iter_mut().find(|(t, _)| *t == ty) {
            Some((_, v)) => v.push(item.value().to_string()),
            None => by_type.push((ty, vec![item.value().to_string()])),
        }
    }
    let mut m = Map::new();
    for (ty, values) in by_type {
        let key = sp.name(ty);
        m.insert(key, sp.strings(&values));
    }
    Json::Object(m)
}

fn write_value(v: &str, sp: &mut Spelling) -> Json {
    if sp.pick() {
        if let Ok(b) = v.parse::<bool>() {
            return json!(b);
        }
        if let Ok(n) = v.parse::<u32>()
            && n.to_string() == v
        {
            return json!(n);
        }
    }
    json!(v)
}

fn write_statement(s: &Statement, sp: &mut Spelling) -> Json {
    let mut m = Map::new();
    if let Some(sid) = &s.sid {
        m.insert(sp.name("Sid"), json!(sid));
    }
    let effect = sp.name(s.effect.as_str());
    m.insert(sp.name("Effect"), json!(effect));
    if let Some(p) = &s.principal {
        let key = if p.negated {
            "NotPrincipal"
        } else {
            "Principal"
        };
        let value = write_principals(p, sp);
        m.insert(sp.name(key), value);
    }
    let key = if s.action.negated {
        "NotAction"
    } else {
        "Action"
    };
    let value = sp.strings(&s.action.items);
    m.insert(sp.name(key), value);
    if let Some(r) = &s.resource {
        let key = if r.negated { "NotResource" } else { "Resource" };
        let value = sp.strings(&r.items);
        m.insert(sp.name(key), value);
    }
    if !s.conditions.is_empty() {
        let mut ops = Map::new();
        for c in &s.conditions {
            let values: Vec<Json> = c.values.iter().map(|v| write_value(v, sp)).collect();
            let value = if values.len() == 1 && sp.pick() {
                values[0].clone()
            } else {
                Json::Array(values)
            };
            let keys = ops
                .entry(c.operator.clone())
                .or_insert_with(|| Json::Object(Map::new()));
            if let Json::Object(keys) = keys {
                keys.insert(c.key.clone(), value);
            }
        }
        m.insert(sp.name("Condition"), Json::Object(ops));
    }
    Json::Object(m)
}

fn write(p: &Policy, sp: &mut Spelling) -> String {
    let mut m = Map::new();
    if let Some(v) = &p.version {
        m.insert(sp.name("Version"), json!(v));
    }
    if let Some(id) = &p.id {
        m.insert(sp.name("Id"), json!(id));
    }
    let statements: Vec<Json> = p
        .statements
        .iter()
        .map(|s| write_statement(s, sp))
        .collect();
    let value = if statements.len() == 1 && sp.pick() {
        statements[0].clone()
    } else {
        Json::Array(statements)
    };
    m.insert(sp.name("Statement"), value);
    let text = if sp.pick() {
        serde_json::to_string_pretty(&Json::Object(m))
    } else {
        serde_json::to_string(&Json::Object(m))
    }
    .unwrap_or_default();
    if sp.pick() { encode(&text) } else { text }
}

/// IAM's URL encoding: everything but unreserved characters escaped.
fn encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// What reading must give back: principal and condition order is the
/// JSON object's, which a map does not keep.
fn normalised(mut p: Policy) -> Policy {
    for s in &mut p.statements {
        if let Some(pr) = &mut s.principal {
            pr.items.sort();
        }
        s.conditions.sort();
    }
    p
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn a_policy_written_in_any_accepted_form_reads_back_as_itself(
        p in policy(),
        bits in prop::collection::vec(any::<bool>(), 1..64),
    ) {
        let mut sp = Spelling { bits, next: 0 };
        let text = write(&p, &mut sp);
        let back = parse(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(normalised(back.clone()), normalised(p.clone()), "{}", text);
        prop_assert_eq!(back.canonical_lines(), p.canonical_lines());
    }

    #[test]
    fn canonical_lines_do_not_depend_on_list_order(
        p in policy(),
        seed in any::<u64>(),
    ) {
        let mut shuffled = p.clone();
        let mut x = seed | 1;
        let mut next = || { x ^= x << 13; x ^= x >> 7; x ^= x << 17; x };
        let mut shuffle = |v: &mut Vec<String>| {
            for i in (1..v.len()).rev() {
                let j = (next() % (i as u64 + 1)) as usize;
                v.swap(i, j);
            }
        };
        for s in &mut shuffled.statements {
            shuffle(&mut s.action.items);
            if let Some(r) = &mut s.resource { shuffle(&mut r.items); }
            for c in &mut s.conditions { shuffle(&mut c.values); }
            s.conditions.reverse();
            if let Some(pr) = &mut s.principal { pr.items.reverse(); }
            s.sid = None;
        }
        prop_assert_eq!(shuffled.canonical_lines(), p.canonical_lines());
    }

    #[test]
    fn an_account_principal_in_any_spelling_is_classified_by_membership(
        id in account(),
        in_org in any::<bool>(),
        form in 0usize..4,
    ) {
        let principal = match form {
            0 => id.clone(),
            1 => format!("arn:aws:iam::{id}:root"),
            2 => format!("arn:aws-us-gov:iam::{id}:role/x"),
            _ => format!("arn:aws:sts::{id}:assumed-role/r/s"),
        };
        let doc = json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": principal},
            "Action": "sts:AssumeRole"}]}).to_string();
        let p = parse(&doc).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let names = if in_org { vec![(id.as_str(), "member")] } else { vec![] };
        let org = Org::new(names);
        let entries = classify(&p, "000000000000", &org);
        prop_assert_eq!(entries.len(), 1);
        let want = if id == "000000000000" {
            "same-account"
        } else if in_org {
            "org"
        } else {
            "outside"
        };
        prop_assert_eq!(entries[0].truster.class(), want);
        prop_assert_eq!(entries[0].truster.account_id(), Some(id.as_str()));
    }

    #[test]
    fn classification_of_any_policy_is_sorted_unique_and_never_panics(p in policy()) {
        let org = Org::new([("111111111111", "a")]);
        let entries = classify(&p, "111111111111", &org);
        prop_assert!(entries.windows(2).all(|w| w[0] < w[1]));
        // Nothing is trusted by a policy without an assume-capable Allow.
        let assumable = p.statements.iter().any(|s| {
            s.effect == Effect::Allow
                && s.principal.is_some()
                && ["sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity"]
                    .iter()
                    .any(|a| s.covers_action(a))
        });
        if !assumable {
            prop_assert!(entries.is_empty());
        }
        for e in &entries {
            prop_assert!(!e.label().is_empty());
            if e.truster == Truster::Anyone {
                prop_assert_eq!(e.is_public(), !e.guards.fences_public());
            }
        }
    }

    #[test]
    fn arbitrary_bytes_are_read_or_refused_without_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(p) = parse(&text) {
            let _ = p.canonical_lines();
        }
        let encoded = encode(&text);
        let direct = parse(&text).map_err(|e| e.to_string());
        let through = parse(&encoded).map_err(|e| e.to_string());
        // Encoding changes nothing for text that is not itself encoded.
        if !text.trim_start().starts_with('%') {
            prop_assert_eq!(direct.is_ok(), through.is_ok());
        }
    }

    #[test]
    fn arbitrary_json_is_read_or_refused_without_panic(v in arbitrary_json()) {
        match from_json(&v) {
            Ok(p) => {
                let lines = p.canonical_lines();
                prop_assert_eq!(lines.len(), p.statements.len());
                let _ = classify(&p, "111111111111", &Org::default());
            }
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
        // Wrapped as a statement, the same value exercises every element.
        for key in ["Principal", "Action", "Resource", "Condition", "Effect"] {
            let doc = json!({"Statement": {"Effect": "Allow", "Action": "*", key: v.clone()}});
            if let Ok(p) = from_json(&doc) {
                let _ = classify(&p, "111111111111", &Org::default());
                let _ = p.canonical_lines();
            }
        }
    }
}

fn arbitrary_json() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>().prop_map(|f| json!(f)),
        prop::sample::select(vec![
            "*",
            "Allow",
            "Deny",
            "AWS",
            "Statement",
            "Effect",
            "Action",
            "sts:AssumeRole",
            "arn:aws:iam::111111111111:root",
            "Principal",
            "NotPrincipal",
            "Condition",
        ])
        .prop_map(|s| json!(s)),
        ".{0,12}".prop_map(Json::String),
    ];
    leaf.prop_recursive(6, 64, 6, |inner| {
        let key = prop_oneof![
            prop::sample::select(vec![
                "Version",
                "Statement",
                "Effect",
                "Principal",
                "NotPrincipal",
                "Action",
                "NotAction",
                "Resource",
                "NotResource",
                "Condition",
                "AWS",
                "Service",
                "Federated",
                "StringEquals",
                "sts:ExternalId",
                "Sid",
            ])
            .prop_map(str::to_string),
            "[a-zA-Z]{0,6}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Json::Array),
            prop::collection::btree_map(key, inner, 0..6)
                .prop_map(|m| Json::Object(m.into_iter().collect())),
        ]
    })
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    for depth in [200, 10_000, 200_000] {
        let doc = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        assert!(parse(&doc).is_err(), "depth {depth}");
        let inner = format!(
            r#"{{"Statement":{{"Effect":"Allow","Action":{}"a"{}}}}}"#,
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let e = parse(&inner).expect_err("nested action");
        assert!(
            e.to_string().contains("not JSON") || e.to_string().contains("Action"),
            "{e}"
        );
        let objects = format!(
            r#"{{"Statement":{{"Effect":"Allow","Action":"a","Condition":{}1{}}}}}"#,
            r#"{"a":"#.repeat(depth),
            "}".repeat(depth)
        );
        assert!(parse(&objects).is_err(), "depth {depth}");
    }
    // A document inside a string inside a string…: each level is half as
    // long, so the recursion is bounded by the input's length.
    let mut doc = r#"{"Statement":{"Effect":"Allow","Action":"a"}}"#.to_string();
    for _ in 0..12 {
        doc = serde_json::to_string(&doc).unwrap_or_default();
    }
    assert!(
        parse(&doc).is_ok(),
        "a JSON string holding a document is read"
    );
}

#[test]
fn huge_lists_are_read_whole() {
    let actions: Vec<String> = (0..100_000).map(|i| format!("svc:Action{i}")).collect();
    let principals: Vec<String> = (0..20_000)
        .map(|i| format!("arn:aws:iam::{:012}:root", i))
        .collect();
    let doc = json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": principals},
        "Action": actions, "Resource": "*"}]})
    .to_string();
    let p = parse(&doc).expect("reads");
    assert_eq!(p.statements[0].action.items.len(), 100_000);
    let line = &p.canonical_lines()[0];
    assert_eq!(line.matches("svc:Action").count(), 100_000);
    // None of these can assume (their actions do not), so nobody is in.
    assert!(classify(&p, "000000000000", &Org::default()).is_empty());
    let assume = json!({"Statement": [{"Effect": "Allow",
        "Principal": {"AWS": (0..20_000).map(|i| format!("{:012}", i)).collect::<Vec<_>>()},
        "Action": "sts:AssumeRole"}]})
    .to_string();
    let p = parse(&assume).expect("reads");
    let entries = classify(&p, "000000000000", &Org::default());
    assert_eq!(entries.len(), 20_000);
    assert_eq!(entries[0].truster.class(), "same-account");
    assert!(entries[1..].iter().all(|e| e.truster.class() == "outside"));
}
