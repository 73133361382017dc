//! Criterion benchmarks of the query and diff engine on synthetic estates
//! of the size the brief targets: filter and group over ~100,000 resources,
//! diff of ~50,000 against ~50,000; and the IAM access fields and map of
//! 300 accounts with 100 roles each. Targets (docs/performance.md): filter
//! < 10 ms, group < 20 ms, diff < 150 ms.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use orgscope_core::access;
use orgscope_core::demo::demo_estate;
use orgscope_core::diff::{DiffOptions, diff};
use orgscope_core::model::{
    Account, AccountStatus, CallerIdentity, Edge, Estate, Rel, Resource, Source, SourceKind, Value,
    kinds,
};
use orgscope_core::query::{self, Context, GroupKey};

/// Accounts giving just over 100,000 resources.
const ACCOUNTS_100K: usize = 825;
/// Accounts giving about 50,000 resources.
const ACCOUNTS_50K: usize = 420;

fn bench_query(c: &mut Criterion) {
    let estate = demo_estate(ACCOUNTS_100K);
    assert!(
        estate.resources.len() >= 100_000,
        "{}",
        estate.resources.len()
    );
    let mut g = c.benchmark_group("query_100k");
    g.sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    g.bench_function("context_build", |b| {
        b.iter(|| black_box(Context::new(&estate)))
    });
    let ctx = Context::new(&estate);
    g.bench_function("parse_filter_typical", |b| {
        b.iter(|| {
            let q = query::parse(black_box(
                "env=prod type:instance -has:owner OR itype:m5.* region:eu-*",
            ))
            .expect("parses");
            black_box(query::filter(&ctx, &q, None))
        })
    });
    g.bench_function("parse_filter_free_text", |b| {
        b.iter(|| {
            let q = query::parse(black_box("worker")).expect("parses");
            black_box(query::filter(&ctx, &q, None))
        })
    });
    let all: Vec<usize> = (0..estate.resources.len()).collect();
    g.bench_function("group_by_tag_app", |b| {
        b.iter(|| black_box(query::group_by(&ctx, &all, &GroupKey::Tag("app".into()))))
    });
    g.bench_function("tag_catalog", |b| {
        b.iter(|| black_box(query::tag_catalog(&ctx, &all)))
    });
    g.bench_function("sort_by_name", |b| {
        b.iter(|| {
            let mut idx = all.clone();
            query::sort(&ctx, &mut idx, &query::Column::Name, false);
            black_box(idx)
        })
    });
    g.finish();
}

fn bench_diff(c: &mut Criterion) {
    let before = demo_estate(ACCOUNTS_50K);
    // A later snapshot with drift: some resources gone, some instances resized.
    let mut after = before.clone();
    let mut n = 0usize;
    after.resources.retain(|_| {
        n += 1;
        !n.is_multiple_of(100)
    });
    for (i, r) in after.resources.iter_mut().enumerate() {
        if r.kind == kinds::INSTANCE && i.is_multiple_of(37) {
            r.set("instance_type", "m6i.large");
        }
    }
    let (li, ri): (Vec<usize>, Vec<usize>) = (
        (0..before.resources.len()).collect(),
        (0..after.resources.len()).collect(),
    );
    assert!(
        li.len() >= 50_000 && ri.len() >= 49_000,
        "{} {}",
        li.len(),
        ri.len()
    );
    let opts = DiffOptions::default();
    let mut g = c.benchmark_group("diff_50k");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    g.bench_function("two_snapshots_50k_vs_50k", |b| {
        b.iter(|| black_box(diff(&before, &li, &after, &ri, &opts)))
    });
    let big = demo_estate(ACCOUNTS_100K);
    let ctx = Context::new(&big);
    let prod = query::filter(&ctx, &query::parse("ou:Prod").expect("q"), None);
    let test = query::filter(&ctx, &query::parse("ou:Test").expect("q"), None);
    g.bench_function("prod_vs_test_ous_of_100k", |b| {
        b.iter(|| black_box(diff(&big, &prod, &big, &test, &opts)))
    });
    g.finish();
}

/// An organization of `accounts` accounts, each with 100 roles (trusted by
/// the security account, another org account, an outside account, a
/// service or anyone fenced to the organization; every role with a
/// three-statement inline policy, every tenth with AdministratorAccess) and
/// 20 users with two access keys: the IAM of a large estate.
fn iam_estate(accounts: usize) -> Estate {
    let mut e = Estate::new(
        "2026-06-01T00:00:00Z".into(),
        Source {
            aggregator: None,
            kind: SourceKind::Demo,
            profile: None,
            label: "access bench".into(),
        },
        CallerIdentity {
            account_id: "100000000000".into(),
            arn: String::new(),
            user_id: String::new(),
        },
    );
    let id = |i: usize| format!("{:012}", 100_000_000_000 + i);
    for a in 0..accounts {
        e.accounts.push(Account {
            id: id(a),
            name: format!("app{a}-{}", if a % 2 == 0 { "prod" } else { "test" }),
            email: String::new(),
            status: AccountStatus::Active,
            ou_path: vec!["Workloads".into()],
            parent_id: String::new(),
            tags: Default::default(),
            scps: Vec::new(),
            is_management: a == 0,
        });
    }
    let inline = |acct: &str| {
        format!(
            r#"{{"app":{{"Version":"2012-10-17","Statement":[
            {{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::b-{acct}/*"}},
            {{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::{acct}:role/x"}},
            {{"Effect":"Deny","NotAction":"iam:*","Resource":"*","Condition":{{"Bool":{{"aws:SecureTransport":false}}}}}}]}}}}"#
        )
    };
    for a in 0..accounts {
        let acct = id(a);
        for r in 0..100 {
            let principal = match r % 5 {
                0 => format!(r#"{{"AWS":"arn:aws:iam::{}:root"}}"#, id(0)),
                1 => format!(
                    r#"{{"AWS":"arn:aws:iam::{}:role/ci"}}"#,
                    id((a + 1) % accounts)
                ),
                2 => r#"{"AWS":"999999999999"}"#.to_string(),
                3 => r#"{"Service":"lambda.amazonaws.com"}"#.to_string(),
                _ => r#""*""#.to_string(),
            };
            let condition = if r % 5 == 4 {
                r#","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}"#
            } else {
                ""
            };
            let mut role = Resource::new(kinds::IAM_ROLE, acct.clone(), "global", format!("role-{r}"))
                .with(
                    "trust_policy",
                    format!(
                        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{principal},"Action":"sts:AssumeRole"{condition}}}]}}"#
                    ),
                )
                .with("inline_policies", inline(&acct))
                .with("created", "2025-01-01T00:00:00Z")
                .with("last_used", "2026-05-01T00:00:00Z");
            if r % 10 == 0 {
                role = role.with_edge(
                    Edge::new(Rel::Uses, kinds::IAM_POLICY, "AdministratorAccess")
                        .in_account("aws")
                        .named("AdministratorAccess"),
                );
            }
            e.resources.push(role);
        }
        for u in 0..20 {
            e.resources.push(
                Resource::new(kinds::IAM_USER, acct.clone(), "global", format!("user-{u}")).with(
                    "access_keys",
                    Value::from(vec![
                        "ABCD Active 2025-01-02T00:00:00Z 2026-05-30T00:00:00Z".to_string(),
                        "EFGH Active 2026-02-02T00:00:00Z never".to_string(),
                    ]),
                ),
            );
        }
    }
    e
}

fn bench_access(c: &mut Criterion) {
    let mut estate = iam_estate(300);
    let mut g = c.benchmark_group("access_300_accounts");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    g.bench_function("derive_30k_roles_6k_users", |b| {
        b.iter(|| access::derive(black_box(&mut estate)))
    });
    g.bench_function("access_map_30k_roles", |b| {
        b.iter(|| black_box(access::access_map(&estate)))
    });
    g.finish();
}

criterion_group!(benches, bench_query, bench_diff, bench_access);
criterion_main!(benches);
