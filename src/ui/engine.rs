//! The one seam between the app and the query/compare engine: parsing a
//! pane's filter, computing a pane's visible row indices, formatting cells,
//! and comparing two panes. Everything the drawing code shows about rows
//! comes from here, so the engine behind it can change in one place.
//!
//! Interim: until `orgscope::query` lands, this module carries a small
//! filter language (`key=value`, `key!=value`, `has:key`, `type:name`,
//! `account:x`, `region:x`, free words). Comparing lives in `compare`.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::model::{Details, Estate, Resource, ResourceType};

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

#[derive(Debug, Clone)]
enum Term {
    TagEq(String, String, bool),
    Has(String),
    Type(ResourceType),
    Field(ColumnKey, String),
    Word(String),
}

/// A parsed filter; the empty filter matches everything.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    terms: Vec<Term>,
}

/// Parse the filter language; errors point at the offending column.
pub fn parse_filter(src: &str) -> Result<Filter, FilterError> {
    let mut terms = Vec::new();
    let mut col = 0usize;
    for word in src.split(' ') {
        let here = col;
        col += word.chars().count() + 1;
        if word.is_empty() {
            continue;
        }
        let err = |offset: usize, message: String| FilterError {
            col: here + offset,
            message,
        };
        if let Some((prefix, value)) = word.split_once(':') {
            if value.is_empty() {
                return Err(err(
                    word.chars().count(),
                    format!("expected a value after '{prefix}:'"),
                ));
            }
            let term = match prefix {
                "has" => Term::Has(value.to_string()),
                "type" => match ResourceType::parse(value) {
                    Some(t) => Term::Type(t),
                    None => {
                        return Err(err(
                            prefix.len() + 1,
                            format!("unknown type '{value}' (instance, vpc, subnet, sg, volume)"),
                        ));
                    }
                },
                "account" => Term::Field(ColumnKey::Account, value.to_lowercase()),
                "region" => Term::Field(ColumnKey::Region, value.to_lowercase()),
                "state" => Term::Field(ColumnKey::State, value.to_lowercase()),
                "vpc" => Term::Field(ColumnKey::Vpc, value.to_lowercase()),
                "ou" => Term::Field(ColumnKey::Ou, value.to_lowercase()),
                other => {
                    return Err(err(
                        0,
                        format!(
                            "unknown field '{other}:' (has, type, account, region, state, vpc, ou)"
                        ),
                    ));
                }
            };
            terms.push(term);
        } else if let Some((key, value)) = word.split_once('=') {
            let (key, negate) = match key.strip_suffix('!') {
                Some(k) => (k, true),
                None => (key, false),
            };
            if key.is_empty() {
                return Err(err(0, "expected a tag key before '='".into()));
            }
            terms.push(Term::TagEq(key.to_string(), value.to_string(), negate));
        } else {
            terms.push(Term::Word(word.to_lowercase()));
        }
    }
    Ok(Filter { terms })
}

/// Lookups that every row evaluation needs, built once per estate.
pub struct Context<'a> {
    pub estate: &'a Estate,
    account_names: BTreeMap<&'a str, &'a str>,
    account_ous: BTreeMap<&'a str, String>,
}

impl<'a> Context<'a> {
    pub fn new(estate: &'a Estate) -> Context<'a> {
        Context {
            estate,
            account_names: estate
                .accounts
                .iter()
                .map(|a| (a.id.as_str(), a.name.as_str()))
                .collect(),
            account_ous: estate
                .accounts
                .iter()
                .map(|a| (a.id.as_str(), a.ou_path.join("/")))
                .collect(),
        }
    }
}

fn matches(ctx: &Context, r: &Resource, f: &Filter) -> bool {
    f.terms.iter().all(|t| match t {
        Term::TagEq(k, v, negate) => (r.tags.get(k) == Some(v)) != *negate,
        Term::Has(k) => r.tags.contains_key(k),
        Term::Type(t) => r.resource_type() == *t,
        Term::Field(c, v) => cell(ctx, r, c).to_lowercase().contains(v.as_str()),
        Term::Word(w) => {
            r.id.to_lowercase().contains(w.as_str())
                || r.display_name().to_lowercase().contains(w.as_str())
        }
    })
}

/// Which accounts and regions a pane reads; `None` means all.
pub struct ScopeSet<'a> {
    pub accounts: Option<HashSet<&'a str>>,
    pub regions: Option<HashSet<&'a str>>,
}

/// The rows a pane shows: in scope, passing the filter, of the chosen type,
/// sorted. Also returns the per-type counts before the type restriction so
/// the type selector can show them.
pub fn visible_rows(
    ctx: &Context,
    scope: &ScopeSet,
    filter: &Filter,
    rtype: Option<ResourceType>,
    sort: Option<&(ColumnKey, bool)>,
) -> (Vec<usize>, [usize; 5]) {
    let mut per_type = [0usize; 5];
    let mut out = Vec::new();
    for (i, r) in ctx.estate.resources.iter().enumerate() {
        if let Some(a) = &scope.accounts
            && !a.contains(r.account_id.as_str())
        {
            continue;
        }
        if let Some(g) = &scope.regions
            && !g.contains(r.region.as_str())
        {
            continue;
        }
        if !matches(ctx, r, filter) {
            continue;
        }
        let t = r.resource_type();
        per_type[type_slot(t)] += 1;
        if rtype.is_none_or(|want| want == t) {
            out.push(i);
        }
    }
    if let Some((col, desc)) = sort {
        let keys: Vec<String> = out
            .iter()
            .map(|&i| cell(ctx, &ctx.estate.resources[i], col))
            .collect();
        let mut order: Vec<usize> = (0..out.len()).collect();
        order.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
        if *desc {
            order.reverse();
        }
        out = order.into_iter().map(|k| out[k]).collect();
    }
    (out, per_type)
}

pub fn type_slot(t: ResourceType) -> usize {
    ResourceType::ALL.iter().position(|x| *x == t).unwrap_or(0)
}

/// The text of one cell.
pub fn cell(ctx: &Context, r: &Resource, col: &ColumnKey) -> String {
    let opt = |o: Option<&str>| o.unwrap_or("").to_string();
    match col {
        ColumnKey::Type => r.resource_type().as_str().to_string(),
        ColumnKey::Id => r.id.clone(),
        ColumnKey::Name => opt(r.name.as_deref()),
        ColumnKey::Account => ctx
            .account_names
            .get(r.account_id.as_str())
            .map_or_else(|| r.account_id.clone(), |n| n.to_string()),
        ColumnKey::Ou => ctx
            .account_ous
            .get(r.account_id.as_str())
            .cloned()
            .unwrap_or_default(),
        ColumnKey::Region => r.region.clone(),
        ColumnKey::Vpc => opt(r.vpc_id()),
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

/// Suggestions for the word under the cursor (the last word): tag keys,
/// or values once the word has `key=`.
pub fn completions(estate: &Estate, rows: &[usize], src: &str) -> Vec<String> {
    let last = src.rsplit(' ').next().unwrap_or("");
    let mut out = std::collections::BTreeSet::new();
    if let Some((key, prefix)) = last.split_once('=') {
        let key = key.trim_end_matches('!');
        for &i in rows.iter().take(50_000) {
            if let Some(v) = estate.resources[i].tags.get(key)
                && v.starts_with(prefix)
                && v != prefix
            {
                out.insert(format!("{key}={v}"));
            }
        }
    } else if !last.contains(':') {
        for &i in rows.iter().take(50_000) {
            for k in estate.resources[i].tags.keys() {
                if k.starts_with(last) && k != last {
                    out.insert(format!("{k}="));
                }
            }
        }
    }
    out.into_iter().take(12).collect()
}

/// Replace the last word of `src` with a completion.
pub fn apply_completion(src: &str, completion: &str) -> String {
    match src.rfind(' ') {
        Some(p) => format!("{} {completion}", &src[..p]),
        None => completion.to_string(),
    }
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
    fn filter_errors_point_at_the_problem() {
        let e = parse_filter("env=prod type:bogus").unwrap_err();
        assert_eq!(e.col, 14);
        assert!(e.message.contains("bogus"));
        assert_eq!(parse_filter("has:").unwrap_err().col, 4);
        assert!(parse_filter("env=prod has:owner type:instance").is_ok());
    }

    #[test]
    fn completion_replaces_last_word() {
        assert_eq!(apply_completion("type:vpc ow", "owner="), "type:vpc owner=");
        assert_eq!(apply_completion("ow", "owner="), "owner=");
    }
}
