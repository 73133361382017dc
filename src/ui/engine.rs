//! The one seam between the app and the query/compare engine: parsing a
//! pane's filter, computing a pane's visible row indices, reading cells,
//! and comparing two panes. Everything the drawing code shows about rows
//! comes from here, so the engine behind it can change in one place.
//!
//! Columns, cells, filtering, sorting and completion are
//! `orgscope::query`'s — one definition for the table, the CSV export and
//! the CLI; this module adds what only the app needs: ranked sorting (a
//! sort of integers per keystroke), per-kind counts for the type chips,
//! and applying a completion to the filter text. Comparing lives in
//! `compare`.

use std::borrow::Cow;
use std::collections::HashSet;

use crate::model::{Estate, Kind, Resource};
use crate::query::{self, Column};

/// A filter that failed to parse: where (0-based char column) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    pub col: usize,
    pub message: String,
}

/// A parsed filter; the empty filter matches everything.
pub type Filter = query::Query;

/// Parse the filter language (`orgscope::query`); errors point at the
/// offending column.
pub fn parse_filter(src: &str) -> Result<Filter, FilterError> {
    query::parse(src).map_err(|e| FilterError {
        col: e.col.saturating_sub(1),
        message: e.message,
    })
}

/// What drawing code needs to turn a resource into cells: the estate and
/// its query index (built when the pane's rows were derived, before any
/// drawing).
pub struct Context<'a> {
    pub estate: &'a Estate,
    pub query: &'a query::Context<'a>,
}

impl<'a> Context<'a> {
    pub fn new(estate: &'a Estate, query: &'a query::Context<'a>) -> Context<'a> {
        Context { estate, query }
    }
}

/// Which accounts and regions a pane reads; `None` means all.
pub struct ScopeSet<'a> {
    pub accounts: Option<HashSet<&'a str>>,
    pub regions: Option<HashSet<&'a str>>,
}

/// The rows a pane shows: in scope, passing the filter, of the chosen kind,
/// sorted. Also returns the per-kind counts (indexed by [`Kind::index`])
/// before the kind restriction so the type chips can show them.
///
/// `sort` is the sort column's ranks ([`sort_ranks`], cached per estate)
/// and whether it is descending.
pub fn visible_rows(
    qctx: &query::Context,
    scope: &ScopeSet,
    filter: &Filter,
    rtype: Option<Kind>,
    sort: Option<(&[u32], bool)>,
) -> (Vec<usize>, Vec<usize>) {
    let resources = &qctx.estate().resources;
    let in_scope: Vec<usize> = resources
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            scope
                .accounts
                .as_ref()
                .is_none_or(|a| a.contains(r.account_id.as_str()))
                && scope
                    .regions
                    .as_ref()
                    .is_none_or(|g| g.contains(r.region.as_str()))
        })
        .map(|(i, _)| i)
        .collect();
    let matched = if filter.is_empty() {
        in_scope
    } else {
        query::filter(qctx, filter, Some(&in_scope))
    };
    let mut per_type = vec![0usize; Kind::count()];
    let mut out = Vec::with_capacity(matched.len());
    for i in matched {
        let t = resources[i].kind;
        per_type[t.index()] += 1;
        if rtype.is_none_or(|want| want == t) {
            out.push(i);
        }
    }
    if let Some((ranks, desc)) = sort {
        sort_by_ranks(&mut out, ranks, desc);
    }
    (out, per_type)
}

/// Rank of every resource of the estate in `query::sort` order by `col`,
/// ascending; equal keys share a rank and empty keys rank last
/// (`u32::MAX`), as `query::sort` keeps them last in both directions.
pub fn sort_ranks(qctx: &query::Context, col: &Column) -> Vec<u32> {
    let resources = &qctx.estate().resources;
    let mut order: Vec<usize> = (0..resources.len()).collect();
    query::sort(qctx, &mut order, col, false);
    let mut ranks = vec![u32::MAX; resources.len()];
    let mut rank = 0u32;
    let mut prev: Option<std::borrow::Cow<'_, str>> = None;
    for i in order {
        let key = query::cell_str(qctx, &resources[i], col);
        if key.is_empty() {
            continue;
        }
        if prev
            .as_ref()
            .is_some_and(|p| query::natural_cmp(p, &key) != std::cmp::Ordering::Equal)
        {
            rank += 1;
        }
        ranks[i] = rank;
        prev = Some(key);
    }
    ranks
}

/// Sort row indices the way `query::sort` would, from precomputed ranks:
/// stable, so equal keys keep their input order in both directions, and
/// empty keys (`u32::MAX`) last in both directions.
pub fn sort_by_ranks(rows: &mut [usize], ranks: &[u32], descending: bool) {
    let key = |i: usize| {
        let r = ranks.get(i).copied().unwrap_or(u32::MAX);
        if descending && r != u32::MAX {
            u32::MAX - 1 - r
        } else {
            r
        }
    };
    rows.sort_by_key(|&i| key(i));
}

/// The text of one cell, as the CSV export and the CLI show it.
pub fn cell<'a>(ctx: &'a Context, r: &'a Resource, col: &Column) -> Cow<'a, str> {
    query::cell_str(ctx.query, r, col)
}

/// One filter-bar suggestion: replace chars `replace` with `insert`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub label: String,
    pub detail: String,
    pub replace: std::ops::Range<usize>,
    pub insert: String,
}

/// Suggestions for the word at the end of the filter: tag keys, values
/// once the word has `key=`, field names (`orgscope::query` completion over
/// the estate's tag catalog: a catalog of the pane's rows would cost a
/// pass over every row on every keystroke).
pub fn completions(catalog: &query::TagCatalog, src: &str) -> Vec<Suggestion> {
    query::completions(src, src.chars().count(), catalog)
        .into_iter()
        .take(12)
        .map(|c| Suggestion {
            label: c.label,
            detail: c.detail,
            replace: c.replace,
            insert: c.insert,
        })
        .collect()
}

/// Apply a suggestion to the filter text (char indices).
pub fn apply_completion(src: &str, s: &Suggestion) -> String {
    let chars: Vec<char> = src.chars().collect();
    let start = s.replace.start.min(chars.len());
    let end = s.replace.end.clamp(start, chars.len());
    let mut out: String = chars[..start].iter().collect();
    out.push_str(&s.insert);
    out.extend(&chars[end..]);
    out
}

/// Tag keys present in the given rows, for the "add column" menu.
pub fn tag_keys(estate: &Estate, rows: &[usize]) -> Vec<String> {
    let mut keys = std::collections::BTreeSet::new();
    for &i in rows.iter().take(50_000) {
        keys.extend(estate.resources[i].tags.keys().cloned());
    }
    keys.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_errors_are_zero_based_for_the_ui() {
        let e = parse_filter("env=prod (").err();
        assert!(e.is_some_and(|e| e.col >= 9 && !e.message.is_empty()));
        assert!(parse_filter("env=prod has:owner type:instance").is_ok());
    }

    #[test]
    fn ranked_sort_orders_rows_exactly_as_query_sort() {
        let estate = crate::demo::demo_estate(4);
        let qctx = query::Context::new(&estate);
        // Every third row: a subset, as a filter would leave.
        let subset: Vec<usize> = (0..estate.resources.len()).step_by(3).collect();
        let cols = [
            Column::Name,
            Column::Type,
            Column::Account,
            Column::Field("instance_type"),
            Column::Field("cidr"),
            Column::Tag("owner".into()),
        ];
        for col in &cols {
            let ranks = sort_ranks(&qctx, col);
            for desc in [false, true] {
                let mut want = subset.clone();
                query::sort(&qctx, &mut want, col, desc);
                let mut got = subset.clone();
                sort_by_ranks(&mut got, &ranks, desc);
                assert_eq!(got, want, "{col:?} descending={desc}");
            }
        }
    }

    #[test]
    fn completion_replaces_the_given_range() {
        let s = Suggestion {
            label: "owner".into(),
            detail: String::new(),
            replace: 9..11,
            insert: "owner=".into(),
        };
        assert_eq!(apply_completion("type:vpc ow", &s), "type:vpc owner=");
    }
}
