//! Evaluating a parsed [`Query`] against resources. [`filter`] binds the
//! query to the context's interned tables first ([`Bound`]); the direct AST
//! evaluation here answers [`Query::matches`] for any resource, including
//! ones from outside the estate, and is the reference the fast path is
//! tested against. Nothing here allocates per resource.

use crate::model::{Details, Resource};

use super::bound::Bound;
use super::context::{Context, ResMeta};
use super::parse::{Expr, Field, Pattern, Query, Term};

impl Query {
    /// Does `r` (a resource of `ctx`'s estate, or any other) match?
    pub fn matches(&self, ctx: &Context, r: &Resource) -> bool {
        match &self.root {
            None => true,
            Some(e) => eval(e, ctx, r, &ctx.meta_for(r)),
        }
    }
}

/// Indices (into `estate.resources`) of the resources matching `q`, among
/// `candidates` when given (e.g. a pane's scope), else among all, in order.
pub fn filter(ctx: &Context, q: &Query, candidates: Option<&[usize]>) -> Vec<usize> {
    let resources = &ctx.estate().resources;
    let Some(root) = &q.root else {
        return match candidates {
            Some(c) => c.iter().copied().filter(|&i| i < resources.len()).collect(),
            None => (0..resources.len()).collect(),
        };
    };
    let bound = Bound::new(root, ctx);
    let table = ctx.table();
    let test = |i: usize| bound.matches(ctx, table, i);
    match candidates {
        Some(c) => c
            .iter()
            .copied()
            .filter(|&i| i < resources.len() && test(i))
            .collect(),
        None => (0..resources.len()).filter(|&i| test(i)).collect(),
    }
}

fn eval(e: &Expr, ctx: &Context, r: &Resource, m: &ResMeta) -> bool {
    match e {
        Expr::And(items) => items.iter().all(|x| eval(x, ctx, r, m)),
        Expr::Or(items) => items.iter().any(|x| eval(x, ctx, r, m)),
        Expr::Not(x) => !eval(x, ctx, r, m),
        Expr::Term(t) => term(t, ctx, r, m),
    }
}

pub(crate) fn any(values: &[Pattern], s: &str) -> bool {
    values.iter().any(|p| p.matches(s))
}

fn term(t: &Term, ctx: &Context, r: &Resource, m: &ResMeta) -> bool {
    match t {
        Term::Tag {
            key,
            values,
            negated,
        } => {
            let hit = r.tags.get(key).is_some_and(|v| any(values, v));
            hit != *negated
        }
        Term::Has(key) => r.tags.contains_key(key),
        Term::Type(types) => types.contains(&r.resource_type()),
        Term::Cidr(nets) => m
            .net
            .is_some_and(|n| nets.iter().any(|net| net.contains(&n))),
        Term::Text(needle) => m.haystack.contains(needle.as_str()),
        Term::Field(field, values) => match field {
            Field::Region => any(values, &r.region),
            Field::Account => {
                any(values, &r.account_id)
                    || ctx
                        .estate()
                        .accounts
                        .get(m.account)
                        .is_some_and(|a| any(values, &a.name))
            }
            Field::Ou => ctx
                .account_ou_terms(m.account)
                .iter()
                .any(|s| any(values, s)),
            Field::State => state(r).is_some_and(|s| any(values, s)),
            Field::Vpc => r.vpc_id().is_some_and(|id| {
                any(values, id) || ctx.vpc_name(id).is_some_and(|n| any(values, n))
            }),
            Field::InstanceType => match &r.details {
                Details::Instance(i) => any(values, &i.instance_type),
                _ => false,
            },
            Field::Az => az(r).is_some_and(|z| any(values, z)),
            Field::Name => r.name.as_deref().is_some_and(|n| any(values, n)),
            Field::Id => any(values, &r.id),
        },
    }
}

/// A resource's lifecycle state, where it has one.
pub(crate) fn state(r: &Resource) -> Option<&str> {
    match &r.details {
        Details::Instance(i) => Some(&i.state),
        Details::Vpc(v) => Some(&v.state),
        Details::Subnet(s) => Some(&s.state),
        Details::Volume(v) => Some(&v.state),
        Details::SecurityGroup(_) => None,
    }
}

/// A resource's availability zone, where it has one.
pub(crate) fn az(r: &Resource) -> Option<&str> {
    match &r.details {
        Details::Instance(i) => i.availability_zone.as_deref(),
        Details::Subnet(s) => Some(&s.availability_zone),
        Details::Volume(v) => Some(&v.availability_zone),
        _ => None,
    }
}
