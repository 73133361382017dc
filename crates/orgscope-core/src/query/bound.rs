//! A [`Query`] bound to one [`Context`]: the fast path of [`filter`](super::filter).
//! Every term over a column with few distinct values (tags, region, account,
//! OU, state, VPC, instance type, AZ) is evaluated once per distinct value of
//! the estate into a table of hits indexed by the value's id, so matching a
//! resource is an id lookup. Globs and case-insensitive comparisons run once
//! per distinct value instead of once per resource. Terms on unique values
//! (name, id, free text, CIDR) keep the per-resource comparison. The answer
//! is the same as [`Query::matches`], which evaluates the AST directly and
//! stays the reference (tests compare both).

use ipnet::Ipv4Net;

use crate::model::ResourceType;

use super::context::Context;
use super::eval::any;
use super::parse::{Expr, Field, Pattern, Term};
use super::table::{Interner, NONE, Table};

/// Which interned column a [`Bound::Column`] reads.
#[derive(Clone, Copy)]
pub(crate) enum Col {
    Region,
    Account,
    State,
    Vpc,
    Itype,
    Az,
}

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
    /// Bit `1 << type as u8` set for each accepted type.
    Type(u8),
    /// The row's id in `col` has `hits[id]` set (`NONE` never matches).
    Column {
        col: Col,
        hits: Vec<bool>,
    },
    Cidr(&'q [Ipv4Net]),
    Text(&'q str),
    Name(&'q [Pattern]),
    Id(&'q [Pattern]),
}

fn type_bit(t: ResourceType) -> u8 {
    1 << (t as u8)
}

/// `hits[id]` = does value `id` of `col` satisfy `pred`.
fn hits_of(col: &Interner, pred: impl Fn(&str) -> bool) -> Vec<bool> {
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
            Term::Type(types) => Bound::Type(types.iter().fold(0, |m, &t| m | type_bit(t))),
            Term::Cidr(nets) => Bound::Cidr(nets),
            Term::Text(needle) => Bound::Text(needle),
            Term::Field(Field::Name, values) => Bound::Name(values),
            Term::Field(Field::Id, values) => Bound::Id(values),
            Term::Field(field, values) => {
                let (col, hits) = match field {
                    Field::Region => (Col::Region, hits_of(&table.region, |v| any(values, v))),
                    Field::State => (Col::State, hits_of(&table.state, |v| any(values, v))),
                    Field::InstanceType => (Col::Itype, hits_of(&table.itype, |v| any(values, v))),
                    Field::Az => (Col::Az, hits_of(&table.az, |v| any(values, v))),
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
                    // Handled above; kept total so a new field cannot panic.
                    Field::Name => return Bound::Name(values),
                    Field::Id => return Bound::Id(values),
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
            Bound::Type(mask) => table
                .rows
                .get(i)
                .is_some_and(|r| mask & type_bit(r.rtype) != 0),
            Bound::Column { col, hits } => {
                let Some(r) = table.rows.get(i) else {
                    return false;
                };
                let id = match col {
                    Col::Region => r.region,
                    Col::Account => r.account,
                    Col::State => r.state,
                    Col::Vpc => r.vpc,
                    Col::Itype => r.itype,
                    Col::Az => r.az,
                };
                id != NONE && hits.get(id as usize).copied().unwrap_or(false)
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
