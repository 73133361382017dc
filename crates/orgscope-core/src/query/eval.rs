//! Evaluating a parsed [`Query`] against resources. [`filter`] binds the
//! query to the context's interned tables first ([`Bound`]); the direct AST
//! evaluation here answers [`Query::matches`] for any resource, including
//! ones from outside the estate, and is the reference the fast path is
//! tested against. Nothing here allocates per resource, except the text of
//! a number field a term compares.

use crate::model::{Edge, Kind, Rel, Resource, kinds};

use super::bound::Bound;
use super::context::{Context, ResMeta};
use super::fields::{catalog, value_matches};
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
        Term::Type(kinds) => kinds.contains(r.kind),
        Term::Cidr(nets) => m
            .net
            .is_some_and(|n| nets.iter().any(|net| net.contains(&n))),
        Term::Text(needle) => m.haystack.contains(needle.as_str()),
        Term::Rel(rel, values) => rel_matches(ctx, r, *rel, values),
        Term::PeerAccount(values) => peer_accounts(r).any(|a| {
            any(values, a)
                || ctx
                    .account_index(a)
                    .and_then(|i| ctx.estate().accounts.get(i))
                    .is_some_and(|acct| any(values, &acct.name))
        }),
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
            Field::Vpc => r.vpc_id().is_some_and(|id| {
                any(values, id) || ctx.vpc_name(id).is_some_and(|n| any(values, n))
            }),
            Field::Name => r.name.as_deref().is_some_and(|n| any(values, n)),
            Field::Id => any(values, &r.id),
            Field::Data(n) => catalog()
                .get(*n)
                .and_then(|f| f.value(r))
                .is_some_and(|v| value_matches(values, v)),
        },
    }
}

/// The owner accounts, other than `r`'s own, of the far ends of `r`'s
/// peering edges (`PeersWith`, on a peering connection) and Transit
/// Gateway edges (a Transit Gateway attachment's `AttachedTo` its gateway
/// and `InVpc` its VPC): what `peer-account:` matches. An edge names its
/// far end's account only when it is not the near end's, so an edge
/// without one stays in the account.
pub(crate) fn peer_accounts(r: &Resource) -> impl Iterator<Item = &str> {
    let attachment = r.kind == kinds::TRANSIT_GATEWAY_ATTACHMENT;
    r.relations
        .iter()
        .filter(move |e| {
            e.rel == Rel::PeersWith || (attachment && matches!(e.rel, Rel::AttachedTo | Rel::InVpc))
        })
        .filter_map(|e| e.account_id.as_deref())
        .filter(|a| *a != r.account_id)
}

/// Does `r` have an edge of `rel` whose far end matches `values`?
fn rel_matches(ctx: &Context, r: &Resource, rel: Rel, values: &[Pattern]) -> bool {
    let resources = &ctx.estate().resources;
    r.edges(rel).any(|e| {
        let far = ctx.resolve(r, e).and_then(|i| resources.get(i));
        far_matches(values, e, far)
    })
}

/// Does the far end of `e` — the resource `far` when the estate has it —
/// match `values` by id, by name (the resource's, else the one the edge
/// carries) or by kind name or alias (`routes-to:nat_gateway`)?
pub(crate) fn far_matches(values: &[Pattern], e: &Edge, far: Option<&Resource>) -> bool {
    if any(values, &e.to) {
        return true;
    }
    let name = far.and_then(|f| f.name.as_deref()).or(e.name.as_deref());
    if name.is_some_and(|n| any(values, n)) {
        return true;
    }
    far.map(|f| f.kind)
        .or(e.kind)
        .is_some_and(|k| kind_matches(values, k))
}

/// Does `k`'s name or an alias match one of `values` (a literal value may
/// also be any spelling [`Kind::parse`] accepts)?
pub(crate) fn kind_matches(values: &[Pattern], k: Kind) -> bool {
    let d = k.def();
    values.iter().any(|p| {
        p.matches(d.name)
            || d.aliases.iter().any(|a| p.matches(a))
            || matches!(p, Pattern::Exact(v) if Kind::parse(v) == Some(k))
    })
}
