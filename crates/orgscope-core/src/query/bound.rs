//! A [`Query`] bound to one [`Context`]: the fast path of [`filter`](super::filter).
//! Every term over a column with few distinct values (tags, region, account,
//! OU, VPC, and every facet field such as state, instance type or AZ) is
//! evaluated once per distinct value of the estate into a table of hits
//! indexed by the value's id, so matching a resource is an id lookup. Globs
//! and case-insensitive comparisons run once per distinct value instead of
//! once per resource. Other descriptor fields resolve their index in each
//! kind once and compare per resource; a relation term reads the resolved
//! far ends and decides each far resource once; `peer-account:` decides
//! each account of the estate once and reads the few edges that can name
//! one. Terms on unique values (name, id, free text, CIDR) keep the
//! per-resource comparison. The answer is the same as [`Query::matches`], which evaluates the AST directly and
//! stays the reference (tests compare both).
//!
//! [`Query`]: super::Query
//! [`Query::matches`]: super::Query::matches

use std::cell::Cell;

use ipnet::Ipv4Net;

use crate::model::{Kind, KindSet, Rel};

use super::context::Context;
use super::eval::{any, far_matches, kind_matches, peer_accounts};
use super::fields::{FieldInfo, catalog, value_matches};
use super::links::OUTSIDE;
use super::parse::{Expr, Field, Pattern, Term};
use super::table::{Interner, NONE, Table};

/// Which interned column a [`Bound::Column`] reads.
#[derive(Clone, Copy)]
pub(crate) enum Col {
    Region,
    Account,
    Vpc,
    /// Index into [`Table::facets`].
    Facet(usize),
}

/// A far resource's answer, decided on first sight.
const UNKNOWN: u8 = 0;
const NO: u8 = 1;
const YES: u8 = 2;

pub(crate) enum Bound<'q> {
    Const(bool),
    And(Vec<Bound<'q>>),
    Or(Vec<Bound<'q>>),
    Not(Box<Bound<'q>>),
    /// Tag `key` carried with a value whose `hits[value id]` is set;
    /// `negated` flips the answer (a missing tag then matches).
    Tag {
        key: u32,
        hits: Vec<bool>,
        negated: bool,
    },
    Has(u32),
    Type(KindSet),
    /// The row's id in `col` has `hits[id]` set (`NONE` never matches).
    Column {
        col: Col,
        hits: Vec<bool>,
    },
    /// A descriptor field that is not a facet, read per resource.
    Data {
        field: &'static FieldInfo,
        values: &'q [Pattern],
    },
    /// An edge of `rel` to a far end matching `values`. `far_hit` memoises
    /// the answer per far resource (`UNKNOWN`, `NO`, `YES`): many near
    /// ends share a few far ones (instances and their security groups).
    Rel {
        rel: Rel,
        values: &'q [Pattern],
        kinds: KindSet,
        far_hit: Vec<Cell<u8>>,
    },
    /// A far end in another account: `hits[account index]` says whether
    /// an account of the estate matches by id or name, and an account the
    /// estate does not know matches by id alone.
    PeerAccount {
        values: &'q [Pattern],
        hits: Vec<bool>,
    },
    Cidr(&'q [Ipv4Net]),
    Text(&'q str),
    Name(&'q [Pattern]),
    Id(&'q [Pattern]),
}

/// `hits[id]` = does value `id` of `col` satisfy `pred`.
fn hits_of<V: std::ops::Deref<Target = str>>(
    col: &Interner<V>,
    pred: impl Fn(&str) -> bool,
) -> Vec<bool> {
    col.values().iter().map(|v| pred(v)).collect()
}

impl<'q> Bound<'q> {
    pub(crate) fn new(e: &'q Expr, ctx: &Context) -> Bound<'q> {
        match e {
            Expr::And(items) => Bound::And(items.iter().map(|x| Bound::new(x, ctx)).collect()),
            Expr::Or(items) => Bound::Or(items.iter().map(|x| Bound::new(x, ctx)).collect()),
            Expr::Not(x) => Bound::Not(Box::new(Bound::new(x, ctx))),
            Expr::Term(t) => Bound::term(t, ctx),
        }
    }

    fn term(t: &'q Term, ctx: &Context) -> Bound<'q> {
        let table = ctx.table();
        match t {
            Term::Tag {
                key,
                values,
                negated,
            } => match table.tag_keys.get(key) {
                // Nobody carries the key: it never equals, always differs.
                None => Bound::Const(*negated),
                Some(k) => Bound::Tag {
                    key: k,
                    hits: hits_of(&table.tag_values[k as usize], |v| any(values, v)),
                    negated: *negated,
                },
            },
            Term::Has(key) => match table.tag_keys.get(key) {
                None => Bound::Const(false),
                Some(k) => Bound::Has(k),
            },
            Term::Type(kinds) => Bound::Type(*kinds),
            Term::Cidr(nets) => Bound::Cidr(nets),
            Term::PeerAccount(values) => Bound::PeerAccount {
                values,
                hits: ctx
                    .estate()
                    .accounts
                    .iter()
                    .map(|a| any(values, &a.id) || any(values, &a.name))
                    .collect(),
            },
            Term::Text(needle) => Bound::Text(needle),
            Term::Rel(rel, values) => {
                // Built here, once, rather than on the first resource.
                ctx.links();
                Bound::Rel {
                    rel: *rel,
                    values,
                    kinds: Kind::all().filter(|&k| kind_matches(values, k)).collect(),
                    far_hit: (0..ctx.estate().resources.len())
                        .map(|_| Cell::new(UNKNOWN))
                        .collect(),
                }
            }
            Term::Field(field, values) => {
                let (col, hits) = match field {
                    Field::Name => return Bound::Name(values),
                    Field::Id => return Bound::Id(values),
                    Field::Data(n) => {
                        let Some(info) = catalog().get(*n) else {
                            return Bound::Const(false);
                        };
                        match table.facets.iter().position(|f| f.field == *n) {
                            Some(j) => (
                                Col::Facet(j),
                                hits_of(&table.facets[j].values, |v| any(values, v)),
                            ),
                            None => {
                                return Bound::Data {
                                    field: info,
                                    values,
                                };
                            }
                        }
                    }
                    Field::Region => (Col::Region, hits_of(&table.region, |v| any(values, v))),
                    Field::Vpc => (
                        Col::Vpc,
                        hits_of(&table.vpc, |id| {
                            any(values, id) || ctx.vpc_name(id).is_some_and(|n| any(values, n))
                        }),
                    ),
                    Field::Account => (
                        Col::Account,
                        hits_of(&table.account, |id| {
                            any(values, id)
                                || ctx
                                    .account_index(id)
                                    .and_then(|a| ctx.estate().accounts.get(a))
                                    .is_some_and(|a| any(values, &a.name))
                        }),
                    ),
                    Field::Ou => (
                        Col::Account,
                        hits_of(&table.account, |id| {
                            let a = ctx.account_index(id).unwrap_or(usize::MAX);
                            ctx.account_ou_terms(a).iter().any(|s| any(values, s))
                        }),
                    ),
                };
                Bound::Column { col, hits }
            }
        }
    }

    /// Does resource `i` of `ctx`'s estate match? `i` must be in range.
    pub(crate) fn matches(&self, ctx: &Context, table: &Table, i: usize) -> bool {
        match self {
            Bound::Const(b) => *b,
            Bound::And(items) => items.iter().all(|x| x.matches(ctx, table, i)),
            Bound::Or(items) => items.iter().any(|x| x.matches(ctx, table, i)),
            Bound::Not(x) => !x.matches(ctx, table, i),
            Bound::Tag { key, hits, negated } => {
                let hit = table
                    .tag(i, *key)
                    .is_some_and(|v| hits.get(v as usize).copied().unwrap_or(false));
                hit != *negated
            }
            Bound::Has(key) => table.tag(i, *key).is_some(),
            Bound::Type(kinds) => table.rows.get(i).is_some_and(|r| kinds.contains(r.kind)),
            Bound::Column { col, hits } => {
                let id = match col {
                    Col::Facet(j) => table.facets[*j].ids.get(i).copied().unwrap_or(NONE),
                    _ => {
                        let Some(r) = table.rows.get(i) else {
                            return false;
                        };
                        match col {
                            Col::Region => r.region,
                            Col::Account => r.account,
                            Col::Vpc => r.vpc,
                            Col::Facet(_) => NONE,
                        }
                    }
                };
                id != NONE && hits.get(id as usize).copied().unwrap_or(false)
            }
            Bound::Data { field, values } => field
                .value(&ctx.estate().resources[i])
                .is_some_and(|v| value_matches(values, v)),
            Bound::Rel {
                rel,
                values,
                kinds,
                far_hit,
            } => {
                let resources = &ctx.estate().resources;
                let r = &resources[i];
                let far = ctx.links().far(i);
                r.relations.iter().zip(far).any(|(e, &f)| {
                    if e.rel != *rel {
                        return false;
                    }
                    let Some(far_r) = resources.get(f as usize).filter(|_| f != OUTSIDE) else {
                        // Outside the estate: only the edge knows the far end.
                        return any(values, &e.to)
                            || e.name.as_deref().is_some_and(|n| any(values, n))
                            || e.kind.is_some_and(|k| kinds.contains(k));
                    };
                    if far_r.name.is_none() {
                        // The edge's name stands in: it depends on the edge.
                        return far_matches(values, e, Some(far_r));
                    }
                    let memo = &far_hit[f as usize];
                    match memo.get() {
                        YES => true,
                        NO => false,
                        _ => {
                            let hit = any(values, &far_r.id)
                                || far_r.name.as_deref().is_some_and(|n| any(values, n))
                                || kinds.contains(far_r.kind);
                            memo.set(if hit { YES } else { NO });
                            hit
                        }
                    }
                })
            }
            Bound::PeerAccount { values, hits } => {
                peer_accounts(&ctx.estate().resources[i]).any(|a| match ctx.account_index(a) {
                    Some(n) => hits.get(n).copied().unwrap_or(false),
                    None => any(values, a),
                })
            }
            Bound::Cidr(nets) => ctx.meta[i]
                .net
                .is_some_and(|n| nets.iter().any(|net| net.contains(&n))),
            Bound::Text(needle) => ctx.meta[i].haystack.contains(needle),
            Bound::Name(values) => ctx.estate().resources[i]
                .name
                .as_deref()
                .is_some_and(|n| any(values, n)),
            Bound::Id(values) => any(values, &ctx.estate().resources[i].id),
        }
    }
}
