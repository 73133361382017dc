use std::collections::BTreeSet;

use proptest::prelude::*;

use super::*;
use crate::demo::{DEFAULT_ACCOUNTS, demo_estate};
use crate::model::{Estate, Resource, kinds};

fn estate() -> Estate {
    demo_estate(DEFAULT_ACCOUNTS)
}

/// Indices matching `src`, checked against a hand-written predicate.
fn check(e: &Estate, src: &str, want: impl Fn(&Resource) -> bool) -> Vec<usize> {
    let ctx = Context::new(e);
    let q = parse(src).unwrap_or_else(|err| panic!("{src}: {err}"));
    let got = filter(&ctx, &q, None);
    let expected: Vec<usize> = (0..e.resources.len())
        .filter(|&i| want(&e.resources[i]))
        .collect();
    assert_eq!(got, expected, "filter {src:?}");
    assert!(
        !got.is_empty() || src.contains("nomatch"),
        "{src:?} matched nothing"
    );
    got
}

fn tag<'a>(r: &'a Resource, k: &str) -> Option<&'a str> {
    r.tags.get(k).map(String::as_str)
}

fn err(src: &str) -> ParseError {
    match parse(src) {
        Ok(q) => panic!("{src:?} parsed: {q:?}"),
        Err(e) => e,
    }
}

#[test]
fn empty_filter_matches_everything() {
    let e = estate();
    for src in ["", "   ", "\t\n"] {
        let q = parse(src).expect("empty parses");
        assert!(q.is_empty());
        assert_eq!(filter(&Context::new(&e), &q, None).len(), e.resources.len());
    }
}

#[test]
fn tag_equality_inequality_any_of_and_globs() {
    let e = estate();
    check(&e, "env=prod", |r| tag(r, "env") == Some("prod"));
    check(&e, "env=PROD", |r| tag(r, "env") == Some("prod"));
    // Missing counts as different.
    check(&e, "env!=prod", |r| tag(r, "env") != Some("prod"));
    check(&e, "env=prod,test", |r| {
        matches!(tag(r, "env"), Some("prod" | "test"))
    });
    check(&e, "Name=payments-*-web-?", |r| {
        tag(r, "Name").is_some_and(|n| {
            n.starts_with("payments-") && n.len() > 6 && n[..n.len() - 1].ends_with("-web-")
        })
    });
    // Keys are case-sensitive.
    check(&e, "ENV=prod nomatch", |_| false);
}

#[test]
fn presence_absence_and_negation() {
    let e = estate();
    check(&e, "has:owner", |r| r.tags.contains_key("owner"));
    check(&e, "-has:owner", |r| !r.tags.contains_key("owner"));
    check(&e, "type:instance -has:owner", |r| {
        r.kind == kinds::INSTANCE && !r.tags.contains_key("owner")
    });
    check(&e, "NOT env=prod", |r| tag(r, "env") != Some("prod"));
    check(&e, "-(env=prod OR env=test)", |r| {
        !matches!(tag(r, "env"), Some("prod" | "test"))
    });
}

#[test]
fn fields() {
    let e = estate();
    let name_of = |id: &str| {
        e.accounts
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.name.clone())
    };
    check(&e, "type:instance", |r| r.kind == kinds::INSTANCE);
    check(&e, "type:sg,vpc", |r| {
        r.kind == kinds::SECURITY_GROUP || r.kind == kinds::VPC
    });
    check(&e, "region:eu-*", |r| r.region.starts_with("eu-"));
    check(&e, "account:payments-prod", |r| {
        name_of(&r.account_id).as_deref() == Some("payments-prod")
    });
    let id = e.accounts[3].id.clone();
    check(&e, &format!("account:{id}"), |r| r.account_id == id);
    // ou: matches the parent OU or any ancestor, by name, path or id.
    let ee = &e;
    let under = |ou: &'static str| {
        move |r: &Resource| {
            ee.accounts
                .iter()
                .find(|a| a.id == r.account_id)
                .is_some_and(|a| a.ou_path.iter().any(|p| p == ou))
        }
    };
    check(&e, "ou:Prod", under("Prod"));
    check(&e, "ou:workloads", under("Workloads"));
    check(&e, "ou:Workloads/Test", under("Test"));
    let prod_id = e.tree.children[0].children[0].id.clone();
    check(&e, &format!("ou:{prod_id}"), under("Prod"));
    // Only instances are ever stopped in the demo.
    check(&e, "state:stopped", |r| {
        r.kind == kinds::INSTANCE && r.text("state") == Some("stopped")
    });
    check(&e, "itype:m5.*", |r| {
        r.kind == kinds::INSTANCE
            && r.text("instance_type")
                .is_some_and(|t| t.starts_with("m5."))
    });
    check(&e, "instance_type:t3.micro", |r| {
        r.kind == kinds::INSTANCE && r.text("instance_type") == Some("t3.micro")
    });
    let vpc = e
        .resources
        .iter()
        .find(|r| r.name.as_deref() == Some("orders-prod-vpc"))
        .expect("vpc")
        .id
        .clone();
    check(&e, "vpc:orders-prod-vpc", |r| {
        r.vpc_id() == Some(vpc.as_str())
    });
    check(&e, &format!("vpc:{vpc}"), |r| {
        r.vpc_id() == Some(vpc.as_str())
    });
    check(&e, "az:eu-west-1a", |r| r.text("az") == Some("eu-west-1a"));
}

#[test]
fn ou_matches_every_ancestor_of_a_deeper_tree() {
    // Nest the whole tree one level deeper: Corp/Workloads/Prod...
    let mut e = estate();
    let children = std::mem::take(&mut e.tree.children);
    e.tree.children = vec![crate::model::OrgUnit {
        id: "ou-corp-00000001".into(),
        name: "Corp".into(),
        scps: vec![],
        accounts: vec![],
        children,
    }];
    let in_workloads = |r: &Resource| {
        e.accounts
            .iter()
            .find(|a| a.id == r.account_id)
            .is_some_and(|a| a.ou_path.first().map(String::as_str) == Some("Workloads"))
    };
    let a = check(&e, "ou:Corp/Workloads", in_workloads);
    assert_eq!(
        check(&e, "ou:ou-corp-00000001 ou:workloads", in_workloads),
        a
    );
    assert_eq!(check(&e, "ou:corp/workloads/*", in_workloads), a);
}

#[test]
fn cidr_containment() {
    let e = estate();
    let inside = |r: &Resource, net: &ipnet::Ipv4Net| {
        let own = if r.kind == kinds::VPC || r.kind == kinds::SUBNET {
            match r.text("cidr") {
                Some(c) => c.to_string(),
                None => return false,
            }
        } else if r.kind == kinds::INSTANCE {
            match r.text("private_ip") {
                Some(ip) => format!("{ip}/32"),
                None => return false,
            }
        } else {
            return false;
        };
        own.parse::<ipnet::Ipv4Net>()
            .is_ok_and(|o| net.contains(&o))
    };
    let net: ipnet::Ipv4Net = "10.11.0.0/16".parse().expect("net");
    let hits = check(&e, "cidr:10.11.0.0/16", |r| inside(r, &net));
    assert!(hits.iter().any(|&i| e.resources[i].kind == kinds::VPC));
    assert!(hits.iter().any(|&i| e.resources[i].kind == kinds::INSTANCE));
    let sub: ipnet::Ipv4Net = "10.11.10.0/24".parse().expect("net");
    check(&e, "cidr:10.11.10.0/24 type:instance", |r| {
        r.kind == kinds::INSTANCE && inside(r, &sub)
    });
}

#[test]
fn free_text_matches_id_name_and_tag_values() {
    let e = estate();
    check(&e, "WORKER", |r| {
        r.id.contains("worker")
            || r.name
                .as_deref()
                .is_some_and(|n| n.to_lowercase().contains("worker"))
            || r.tags.values().any(|v| v.to_lowercase().contains("worker"))
    });
    let id = e.resources[42].id.clone();
    check(&e, &id, |r| r.id == id);
    check(&e, "\"payments-team@example\"", |r| {
        r.tags.values().any(|v| v.contains("payments-team@example"))
    });
}

#[test]
fn and_or_parentheses_and_quoting() {
    let e = estate();
    check(&e, "env=prod type:instance", |r| {
        tag(r, "env") == Some("prod") && r.kind == kinds::INSTANCE
    });
    check(&e, "env=prod AND type:instance", |r| {
        tag(r, "env") == Some("prod") && r.kind == kinds::INSTANCE
    });
    check(&e, "type:vpc OR type:subnet env=dev", |r| {
        r.kind == kinds::VPC || (r.kind == kinds::SUBNET && tag(r, "env") == Some("dev"))
    });
    check(&e, "(type:vpc OR type:subnet) env=dev", |r| {
        (r.kind == kinds::VPC || r.kind == kinds::SUBNET) && tag(r, "env") == Some("dev")
    });
    // Quoted keys and values with spaces and special characters.
    let mut e2 = estate();
    e2.resources[0]
        .tags
        .insert("cost center".into(), "R&D (lab)".into());
    e2.resources[1]
        .tags
        .insert("cost center".into(), "ops".into());
    check(&e2, "\"cost center\"=\"R&D (lab)\"", |r| {
        tag(r, "cost center") == Some("R&D (lab)")
    });
    check(&e2, "has:\"cost center\"", |r| {
        r.tags.contains_key("cost center")
    });
    // A quoted glob character is literal.
    check(&e2, "\"cost center\"=\"R&D*\" nomatch", |_| false);
    // Tag keys with colons (aws:...) work before '='.
    e2.resources[2]
        .tags
        .insert("aws:cloudformation:stack-name".into(), "core".into());
    check(&e2, "aws:cloudformation:stack-name=core", |r| {
        tag(r, "aws:cloudformation:stack-name") == Some("core")
    });
}

#[test]
fn errors_name_the_column_and_what_was_expected() {
    let cases = [
        ("has:own env=", 13, "expected a value after '='"),
        ("env!=", 6, "expected a value after '!='"),
        ("env=a,", 7, "expected a value after ','"),
        ("type:", 6, "expected a value after 'type:'"),
        ("type:bogus", 6, "unknown resource type 'bogus'"),
        ("colour:red", 1, "unknown field 'colour:'"),
        ("(env=prod", 10, "expected ')' to close the '(' at col 1"),
        ("env=prod)", 9, "unexpected ')'"),
        ("=prod", 1, "expected a tag key before '='"),
        ("env=\"prod", 5, "unterminated quote"),
        ("cidr:10.0.0.0/33", 6, "is not an IPv4 CIDR"),
        ("env=prod OR", 12, "expected a term after 'OR'"),
        ("OR env=prod", 1, "expected a term before 'OR'"),
        ("- env=prod", 2, "expected a term right after '-'"),
        ("()", 2, "expected a term inside '()'"),
        ("has:", 5, "expected a value after 'has:'"),
    ];
    for (src, col, msg) in cases {
        let e = err(src);
        assert_eq!(e.col, col, "{src:?}: {e}");
        assert!(e.message.contains(msg), "{src:?}: {e}");
    }
    // Columns count characters, not bytes.
    assert_eq!(err("\"é\"=").col, 5);
    assert_eq!(
        err("has:own env=").to_string(),
        "col 13: expected a value after '='"
    );
}

#[test]
fn matches_agrees_with_filter_even_for_clones() {
    let e = estate();
    let ctx = Context::new(&e);
    let q = parse("env=test -has:owner OR WORKER-4").expect("parses");
    let hits: BTreeSet<usize> = filter(&ctx, &q, None).into_iter().collect();
    for (i, r) in e.resources.iter().enumerate() {
        assert_eq!(q.matches(&ctx, r), hits.contains(&i));
        assert_eq!(q.matches(&ctx, &r.clone()), hits.contains(&i));
    }
    // Candidates restrict and keep their order.
    let cands: Vec<usize> = (0..e.resources.len()).rev().step_by(3).collect();
    let got = filter(&ctx, &q, Some(&cands));
    let want: Vec<usize> = cands.iter().copied().filter(|i| hits.contains(i)).collect();
    assert_eq!(got, want);
}

#[test]
fn cells_and_sorting() {
    let e = estate();
    let ctx = Context::new(&e);
    let i = e
        .resources
        .iter()
        .position(|r| r.name.as_deref() == Some("payments-prod-web-1"))
        .expect("web-1");
    let r = &e.resources[i];
    assert_eq!(cell(&ctx, r, &Column::Type), "instance");
    assert_eq!(cell(&ctx, r, &Column::Account), "payments-prod");
    assert_eq!(cell(&ctx, r, &Column::Ou), "Workloads/Prod");
    assert_eq!(cell(&ctx, r, &Column::Vpc), "payments-prod-vpc");
    assert_eq!(cell(&ctx, r, &Column::Field("instance_type")), "t3.medium");
    assert_eq!(
        cell(&ctx, r, &Column::Tag("owner".into())),
        "payments-team@example.com"
    );
    assert_eq!(cell(&ctx, r, &Column::Field("cidr")), "");

    let q = parse("account:payments-prod type:instance region:eu-west-1").expect("q");
    let mut idx = filter(&ctx, &q, None);
    sort(&ctx, &mut idx, &Column::Name, false);
    let names: Vec<_> = idx
        .iter()
        .map(|&i| cell(&ctx, &e.resources[i], &Column::Name))
        .collect();
    let web: Vec<_> = names
        .iter()
        .filter(|n| n.contains("-web-"))
        .cloned()
        .collect();
    assert_eq!(
        web,
        [
            "payments-prod-web-1",
            "payments-prod-web-2",
            "payments-prod-web-3",
            "payments-prod-web-4"
        ]
    );
    sort(&ctx, &mut idx, &Column::Name, true);
    let desc: Vec<_> = idx
        .iter()
        .map(|&i| cell(&ctx, &e.resources[i], &Column::Name))
        .collect();
    let mut rev = names.clone();
    rev.reverse();
    assert_eq!(desc, rev);
    assert_eq!(natural_cmp("web-2", "web-10"), std::cmp::Ordering::Less);
    assert!(natural_cmp("Web-2", "web-2").is_ne());
    // Empty cells sort last in both directions.
    let mut all: Vec<usize> = (0..e.resources.len()).collect();
    for desc in [false, true] {
        let itype = Column::Field("instance_type");
        sort(&ctx, &mut all, &itype, desc);
        let first_empty = all
            .iter()
            .position(|&i| cell(&ctx, &e.resources[i], &itype).is_empty())
            .expect("some empty");
        assert!(
            all[first_empty..]
                .iter()
                .all(|&i| cell(&ctx, &e.resources[i], &itype).is_empty())
        );
    }
}

#[test]
fn grouping_counts_and_vcpus() {
    let e = estate();
    let ctx = Context::new(&e);
    let idx = filter(&ctx, &parse("type:instance").expect("q"), None);
    let groups = group_by(&ctx, &idx, &parse_group_key("tag:app").expect("key"));
    assert_eq!(groups.iter().map(|g| g.count).sum::<usize>(), idx.len());
    let payments = groups
        .iter()
        .find(|g| g.key == "payments")
        .expect("payments");
    let manual: Vec<usize> = idx
        .iter()
        .copied()
        .filter(|&i| tag(&e.resources[i], "app") == Some("payments"))
        .collect();
    assert_eq!(payments.indices, manual);
    let manual_vcpus: u64 = manual
        .iter()
        .map(|&i| match e.resources[i].text("instance_type") {
            Some(t) if e.resources[i].kind == kinds::INSTANCE => u64::from(vcpus(t)),
            _ => 0,
        })
        .sum();
    assert_eq!(payments.vcpus, manual_vcpus);
    assert_eq!(
        payments.instance_types.values().sum::<usize>(),
        payments.count
    );
    assert!(
        groups
            .windows(2)
            .all(|w| w[0].missing || w[1].missing || w[0].count >= w[1].count)
    );
    // Missing values form one group, last.
    let all: Vec<usize> = (0..e.resources.len()).collect();
    let by_owner = group_by(&ctx, &all, &GroupKey::Tag("owner".into()));
    let last = by_owner.last().expect("groups");
    assert!(last.missing);
    assert_eq!(
        last.count,
        e.resources
            .iter()
            .filter(|r| !r.tags.contains_key("owner"))
            .count()
    );
    for key in [
        "account",
        "ou",
        "region",
        "vpc",
        "type",
        "state",
        "instance_type",
    ] {
        let g = group_by(&ctx, &all, &parse_group_key(key).expect(key));
        assert_eq!(g.iter().map(|g| g.count).sum::<usize>(), all.len(), "{key}");
    }
    assert_eq!(
        group_by(&ctx, &all, &parse_group_key("ou").expect("ou"))
            .iter()
            .filter(|g| !g.missing)
            .count(),
        // The six OUs that hold accounts (Infrastructure came with the network account).
        6
    );
    assert!(parse_group_key("colour").is_err());
    assert_eq!(vcpus("m5.2xlarge"), 8);
    assert_eq!(vcpus("t3.micro"), 2);
    assert_eq!(vcpus("c5.xlarge"), 4);
}

#[test]
fn tag_catalog_and_completions() {
    let e = estate();
    let ctx = Context::new(&e);
    let all: Vec<usize> = (0..e.resources.len()).collect();
    let cat = tag_catalog(&ctx, &all);
    let env = cat.keys.get("env").expect("env");
    assert_eq!(
        env.count,
        e.resources
            .iter()
            .filter(|r| r.tags.contains_key("env"))
            .count()
    );
    assert_eq!(env.values.values().sum::<usize>(), env.count);
    assert!(env.values.contains_key("prod"));

    let c = completions("type:instance en", 16, &cat);
    assert!(
        c.iter()
            .any(|c| c.insert == "env=" && c.replace == (14..16)),
        "{c:?}"
    );
    let c = completions("env=pr", 6, &cat);
    assert_eq!(c.first().map(|c| c.insert.as_str()), Some("prod"));
    assert_eq!(c[0].replace, 4..6);
    let c = completions("env=prod,t", 10, &cat);
    assert!(c.iter().all(|c| c.replace == (9..10)) && c.iter().any(|c| c.insert == "test"));
    let c = completions("-has:ow", 7, &cat);
    assert_eq!(c.first().map(|c| c.insert.as_str()), Some("owner"));
    let c = completions("type:s", 6, &cat);
    let labels: Vec<_> = c.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels, ["subnet", "security_group", "s3_bucket"]);
    let c = completions("reg", 3, &cat);
    assert!(c.iter().any(|c| c.insert == "region:"));
    // A key with a space is inserted quoted.
    let mut e2 = estate();
    e2.resources[0]
        .tags
        .insert("cost center".into(), "x".into());
    let ctx2 = Context::new(&e2);
    let cat2 = tag_catalog(&ctx2, &[0]);
    let c = completions("co", 2, &cat2);
    assert!(c.iter().any(|c| c.insert == "\"cost center\"="), "{c:?}");
    // Out-of-range cursors are clamped, not a panic.
    assert!(
        completions("env=", 99, &cat)
            .iter()
            .any(|c| c.insert == "prod")
    );
}

fn arb_query() -> impl Strategy<Value = String> {
    let leaf = prop::sample::select(vec![
        "env=prod",
        "env=test",
        "env!=dev",
        "has:owner",
        "-has:owner",
        "type:instance",
        "type:vpc,subnet",
        "region:eu-*",
        "ou:Prod",
        "ou:Sandbox",
        "state:stopped",
        "itype:m5.*",
        "cidr:10.10.0.0/16",
        "worker",
        "Name=*-web-*",
        "app=payments,orders",
        "account:log-archive",
    ])
    .prop_map(str::to_string);
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} {b}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a} OR {b})")),
            inner.prop_map(|a| format!("-({a})")),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn parser_never_panics(src in "\\PC{0,40}") {
        let _ = parse(&src);
    }

    #[test]
    fn parser_never_panics_on_language_soup(
        parts in prop::collection::vec(prop::sample::select(vec![
            "(", ")", "-", "\"", "=", "!=", ",", ":", "OR", "AND", "NOT", " ", "has", "type", "env",
            "*", "é", "x", "10.0.0.0/8",
        ]), 0..16)
    ) {
        let src: String = parts.concat();
        if let Err(e) = parse(&src) {
            prop_assert!(e.col >= 1 && e.col <= src.chars().count() + 1, "{src:?}: {e}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn or_is_the_union_and_negation_the_complement(a in arb_query(), b in arb_query()) {
        let e = demo_estate(11);
        let ctx = Context::new(&e);
        let run = |s: &str| -> BTreeSet<usize> {
            filter(&ctx, &parse(s).expect("generated queries parse"), None).into_iter().collect()
        };
        let (sa, sb) = (run(&a), run(&b));
        let union: BTreeSet<usize> = sa.union(&sb).copied().collect();
        prop_assert_eq!(run(&format!("({a}) OR ({b})")), union);
        let inter: BTreeSet<usize> = sa.intersection(&sb).copied().collect();
        prop_assert_eq!(run(&format!("({a}) ({b})")), inter);
        prop_assert_eq!(run(&format!("-({a})")).len(), e.resources.len() - sa.len());
    }
}
