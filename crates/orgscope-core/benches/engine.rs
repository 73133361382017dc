//! Criterion benchmarks of the query and diff engine on synthetic estates
//! of the size the brief targets: filter and group over ~100,000 resources,
//! diff of ~50,000 against ~50,000. Targets (docs/performance.md): filter
//! < 10 ms, group < 20 ms, diff < 150 ms.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use orgscope_core::demo::demo_estate;
use orgscope_core::diff::{DiffOptions, diff};
use orgscope_core::model::kinds;
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

criterion_group!(benches, bench_query, bench_diff);
criterion_main!(benches);
