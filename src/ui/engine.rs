//! The one seam between the app and the query/compare engine: parsing a
//! pane's filter, computing a pane's visible row indices, formatting cells,
//! and comparing two panes. Everything the drawing code shows about rows
//! comes from here, so the engine behind it can change in one place.
//!
//! Filtering, sorting and completion are `orgscope::query`'s; this module
//! maps the app's persisted column choice onto it and keeps the per-frame
//! cell lookups cheap. Comparing lives in `compare`.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::model::{Details, Estate, Resource, ResourceType};
use crate::query;

/// A table column, persisted with the pane's settings.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ColumnKey {
    Type,
    Id,
    Name,
    Account,
    Ou,
    Region,
    Vpc,
    State,
    InstanceType,
    Cidr,
    Az,
    Tag(String),
}

impl ColumnKey {
    pub fn title(&self) -> String {
        match self {
            ColumnKey::Type => "Type".into(),
            ColumnKey::Id => "ID".into(),
            ColumnKey::Name => "Name".into(),
            ColumnKey::Account => "Account".into(),
            ColumnKey::Ou => "OU".into(),
            ColumnKey::Region => "Region".into(),
            ColumnKey::Vpc => "VPC".into(),
            ColumnKey::State => "State".into(),
            ColumnKey::InstanceType => "Instance type".into(),
            ColumnKey::Cidr => "CIDR".into(),
            ColumnKey::Az => "AZ".into(),
            ColumnKey::Tag(k) => format!("tag:{k}"),
        }
    }

    /// The columns a pane shows for a resource type before the user adds
    /// tag columns.
    pub fn defaults(rtype: Option<ResourceType>) -> Vec<ColumnKey> {
        use ColumnKey::*;
        match rtype {
            None => vec![Type, Name, Id, Account, Region, State],
            Some(ResourceType::Instance) => {
                vec![Name, Id, Account, Region, InstanceType, State, Vpc, Az]
            }
            Some(ResourceType::Vpc) => vec![Name, Id, Account, Region, Cidr, State],
            Some(ResourceType::Subnet) => vec![Name, Id, Account, Region, Vpc, Cidr, Az],
            Some(ResourceType::SecurityGroup) => vec![Name, Id, Account, Region, Vpc],
            Some(ResourceType::Volume) => vec![Name, Id, Account, Region, State, Az],
        }
    }
}

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

impl ColumnKey {
    pub fn to_query(&self) -> query::Column {
        match self {
            ColumnKey::Type => query::Column::Type,
            ColumnKey::Id => query::Column::Id,
            ColumnKey::Name => query::Column::Name,
            ColumnKey::Account => query::Column::Account,
            ColumnKey::Ou => query::Column::Ou,
            ColumnKey::Region => query::Column::Region,
            ColumnKey::Vpc => query::Column::Vpc,
            ColumnKey::State => query::Column::State,
            ColumnKey::InstanceType => query::Column::InstanceType,
            ColumnKey::Cidr => query::Column::Cidr,
            ColumnKey::Az => query::Column::Az,
            ColumnKey::Tag(k) => query::Column::Tag(k.clone()),
        }
    }
}

/// Per-estate lookups the drawing code needs every frame, built once when
/// the estate is loaded (the query engine's own context indexes every
/// resource and is only built when rows are recomputed).
#[derive(Debug, Default)]
pub struct Lookups {
    account_names: HashMap<String, String>,
    account_ous: HashMap<String, String>,
    vpc_names: HashMap<String, String>,
}

impl Lookups {
    pub fn new(estate: &Estate) -> Lookups {
        Lookups {
            account_names: estate
                .accounts
                .iter()
                .map(|a| (a.id.clone(), a.name.clone()))
                .collect(),
            account_ous: estate
                .accounts
                .iter()
                .map(|a| (a.id.clone(), a.ou_path.join("/")))
                .collect(),
            vpc_names: estate
                .resources
                .iter()
                .filter(|r| r.resource_type() == ResourceType::Vpc)
                .filter_map(|r| Some((r.id.clone(), r.name.clone()?)))
                .collect(),
        }
    }
}

/// What drawing code needs to turn a resource into cells.
pub struct Context<'a> {
    pub estate: &'a Estate,
    pub lookups: &'a Lookups,
}

impl<'a> Context<'a> {
    pub fn new(estate: &'a Estate, lookups: &'a Lookups) -> Context<'a> {
        Context { estate, lookups }
    }
}

/// Which accounts and regions a pane reads; `None` means all.
pub struct ScopeSet<'a> {
    pub accounts: Option<HashSet<&'a str>>,
    pub regions: Option<HashSet<&'a str>>,
}

/// The rows a pane shows: in scope, passing the filter, of the chosen type,
/// sorted. Also returns the per-type counts before the type restriction so
/// the type selector can show them.
///
/// `sort` is the sort column's ranks ([`sort_ranks`], cached per estate)
/// and whether it is descending.
pub fn visible_rows(
    qctx: &query::Context,
    scope: &ScopeSet,
    filter: &Filter,
    rtype: Option<ResourceType>,
    sort: Option<(&[u32], bool)>,
) -> (Vec<usize>, [usize; 5]) {
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
    let mut per_type = [0usize; 5];
    let mut out = Vec::with_capacity(matched.len());
    for i in matched {
        let t = resources[i].resource_type();
        per_type[type_slot(t)] += 1;
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
pub fn sort_ranks(qctx: &query::Context, col: &ColumnKey) -> Vec<u32> {
    let resources = &qctx.estate().resources;
    let col = col.to_query();
    let mut order: Vec<usize> = (0..resources.len()).collect();
    query::sort(qctx, &mut order, &col, false);
    let mut ranks = vec![u32::MAX; resources.len()];
    let mut rank = 0u32;
    let mut prev: Option<std::borrow::Cow<'_, str>> = None;
    for i in order {
        let key = query::cell_str(qctx, &resources[i], &col);
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

pub fn type_slot(t: ResourceType) -> usize {
    ResourceType::ALL.iter().position(|x| *x == t).unwrap_or(0)
}

/// The text of one cell, as `query::cell` would give it.
pub fn cell(ctx: &Context, r: &Resource, col: &ColumnKey) -> String {
    let opt = |o: Option<&str>| o.unwrap_or("").to_string();
    let lk = ctx.lookups;
    match col {
        ColumnKey::Type => r.resource_type().as_str().to_string(),
        ColumnKey::Id => r.id.clone(),
        ColumnKey::Name => opt(r.name.as_deref()),
        ColumnKey::Account => lk
            .account_names
            .get(&r.account_id)
            .cloned()
            .unwrap_or_else(|| r.account_id.clone()),
        ColumnKey::Ou => lk
            .account_ous
            .get(&r.account_id)
            .cloned()
            .unwrap_or_default(),
        ColumnKey::Region => r.region.clone(),
        ColumnKey::Vpc => match r.vpc_id() {
            Some(id) => lk
                .vpc_names
                .get(id)
                .cloned()
                .unwrap_or_else(|| id.to_string()),
            None => String::new(),
        },
        ColumnKey::State => match &r.details {
            Details::Instance(i) => i.state.clone(),
            Details::Vpc(v) => v.state.clone(),
            Details::Subnet(s) => s.state.clone(),
            Details::Volume(v) => v.state.clone(),
            Details::SecurityGroup(_) => String::new(),
        },
        ColumnKey::InstanceType => match &r.details {
            Details::Instance(i) => i.instance_type.clone(),
            _ => String::new(),
        },
        ColumnKey::Cidr => match &r.details {
            Details::Vpc(v) => v.cidr_block.clone(),
            Details::Subnet(s) => s.cidr_block.clone(),
            _ => String::new(),
        },
        ColumnKey::Az => match &r.details {
            Details::Instance(i) => opt(i.availability_zone.as_deref()),
            Details::Subnet(s) => s.availability_zone.clone(),
            Details::Volume(v) => v.availability_zone.clone(),
            _ => String::new(),
        },
        ColumnKey::Tag(k) => r.tags.get(k).cloned().unwrap_or_default(),
    }
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
            ColumnKey::Name,
            ColumnKey::Type,
            ColumnKey::Account,
            ColumnKey::InstanceType,
            ColumnKey::Cidr,
            ColumnKey::Tag("owner".into()),
        ];
        for col in &cols {
            let ranks = sort_ranks(&qctx, col);
            for desc in [false, true] {
                let mut want = subset.clone();
                query::sort(&qctx, &mut want, &col.to_query(), desc);
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
