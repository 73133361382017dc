//! Field-level comparison of two matched resources, as their kind's
//! descriptor says: each field marked compared, in the descriptor's order
//! (text raw, numbers and booleans as their text, lists joined with ", ",
//! rules as order-independent sets with group references resolved to
//! env-normalised group names and descriptions ignored); a field that
//! refines the one before it (a VPC's CIDR list after its primary CIDR) only
//! when that one agrees; then each relation compared as the set of its far
//! ends' env-normalised names (an instance's security groups), or, for a
//! relation keyed by an edge attribute (a route table's routes, by
//! destination), per attribute value as the far ends' kind and name (see
//! [`Comparer::target`] for what an unnamed far end reads as); then every
//! tag except the ignored (environment) ones, values compared after env
//! normalization so `Name=payments-prod-web-1` equals
//! `Name=payments-test-web-1`. Volatile fields (ids, IPs, launch times, free
//! IP counts) are never compared: their descriptors say so.
//!
//! Most matched pairs are equal, so each comparison first checks the raw
//! values and only normalizes, formats or builds sets when they differ:
//! raw-equal values always normalize equal.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Compare, Edge, FieldDef, Resource, RulePeer, SgRule, Value, ValueType};

use super::FieldChange;
use super::keys::Normalizer;
use super::side::{ComparedRel, Side};

pub(crate) struct Comparer<'a> {
    pub left: &'a Side<'a>,
    pub right: &'a Side<'a>,
    pub norm: &'a Normalizer,
    /// Lowercased tag keys to skip.
    pub ignore: &'a [String],
}

fn push(out: &mut Vec<FieldChange>, field: &str, l: Option<&str>, r: Option<&str>) {
    if l != r {
        out.push(FieldChange {
            field: field.to_string(),
            left: l.map(str::to_string),
            right: r.map(str::to_string),
        });
    }
}

/// Field `i` of `r`; null when the resource has fewer fields than its kind.
fn value_of(r: &Resource, i: usize) -> &Value {
    const NULL: &Value = &Value::Null;
    r.fields.get(i).unwrap_or(NULL)
}

/// A value as reported: absent when null.
fn shown(v: &Value) -> Option<Cow<'_, str>> {
    match v {
        Value::Null => None,
        v => Some(v.text()),
    }
}

/// The `account/sg-id` of a cross-account reference names group `sg-id`.
fn bare(id: &str) -> &str {
    id.rsplit('/').next().unwrap_or(id)
}

impl<'a> Comparer<'a> {
    pub(crate) fn changes(&self, l: &'a Resource, r: &'a Resource) -> Vec<FieldChange> {
        let mut out = Vec::new();
        // Keys include the kind, so a matched pair is of one kind.
        if l.kind == r.kind {
            let def = l.kind.def();
            for (i, f) in def.fields.iter().enumerate() {
                let compared = match f.compare {
                    Compare::No => false,
                    Compare::Yes => true,
                    Compare::Refines => i == 0 || value_of(l, i - 1) == value_of(r, i - 1),
                };
                if compared {
                    self.field(&mut out, f, value_of(l, i), value_of(r, i));
                }
            }
            for c in &self.left.plan.compared[l.kind.index()] {
                self.relation(&mut out, c, l, r);
            }
        }
        self.tags(&mut out, l, r);
        out
    }

    fn field(&self, out: &mut Vec<FieldChange>, f: &FieldDef, a: &Value, b: &Value) {
        if f.normalised && a != b {
            return self.masked(out, f, a, b);
        }
        match f.ty {
            ValueType::Rules => {
                let (a, b) = (a.as_rules(), b.as_rules());
                if !self.same_rules(a, b) {
                    self.rules(out, f.name, a, b);
                }
            }
            // A missing list is an empty one, reported as "".
            ValueType::List => {
                let (a, b) = (a.as_list(), b.as_list());
                if a != b {
                    push(out, f.name, Some(&a.join(", ")), Some(&b.join(", ")));
                }
            }
            _ => {
                if a != b {
                    push(out, f.name, shown(a).as_deref(), shown(b).as_deref());
                }
            }
        }
    }

    /// A field that names things (see `FieldDef::normalised`): compared
    /// with environment tokens masked, a list as a set, and reported as the
    /// items each side has that the other lacks — one changed statement of
    /// twenty reads as that statement, not as both lists.
    fn masked(&self, out: &mut Vec<FieldChange>, f: &FieldDef, a: &Value, b: &Value) {
        let items = |v: &Value| -> Vec<String> {
            match v {
                Value::Null => Vec::new(),
                Value::List(items) => items.to_vec(),
                v => vec![v.text().into_owned()],
            }
        };
        let (a, b) = (items(a), items(b));
        let set =
            |xs: &[String]| -> BTreeSet<String> { xs.iter().map(|x| self.norm.mask(x)).collect() };
        let (ma, mb) = (set(&a), set(&b));
        if ma == mb {
            return;
        }
        let only = |xs: &[String], other: &BTreeSet<String>| -> Option<String> {
            let kept: Vec<&str> = xs
                .iter()
                .filter(|x| !other.contains(&self.norm.mask(x)))
                .map(String::as_str)
                .collect();
            (!kept.is_empty()).then(|| kept.join(", "))
        };
        push(
            out,
            f.name,
            only(&a, &mb).as_deref(),
            only(&b, &ma).as_deref(),
        );
    }

    /// The far ends' names as sets: raw names in the same order are the
    /// same set; otherwise the sorted, deduplicated normalised names are
    /// compared and reported comma-joined, and a side with no edge as
    /// absent.
    fn relation(
        &self,
        out: &mut Vec<FieldChange>,
        c: &ComparedRel,
        l: &'a Resource,
        r: &'a Resource,
    ) {
        if let Some(attr) = c.keyed_by {
            return self.keyed(out, c, attr, l, r);
        }
        let (mut x, mut y) = (l.edges(c.rel), r.edges(c.rel));
        let same = loop {
            match (x.next(), y.next()) {
                (None, None) => break true,
                (Some(p), Some(q)) if self.left.edge_name(p, c) == self.right.edge_name(q, c) => {}
                _ => break false,
            }
        };
        if same {
            return;
        }
        let names = |side: &Side<'a>, res: &'a Resource| {
            let set: BTreeSet<String> = res
                .edges(c.rel)
                .map(|e| self.norm.normalize(side.edge_name(e, c)))
                .collect();
            set.into_iter().collect::<Vec<_>>().join(", ")
        };
        // No edge at all is "none", not an empty name: an address attached
        // in prod and idle in test reads `instance: web-1 → —`.
        let (na, nb) = (names(self.left, l), names(self.right, r));
        let shown = |s: &str| (!s.is_empty()).then(|| s.to_string());
        push(out, c.name, shown(&na).as_deref(), shown(&nb).as_deref());
    }

    /// A keyed relation (a route table's routes): per value of the edge
    /// attribute `attr` (the destination), the set of its far ends as
    /// [`Comparer::target`] writes them. A value on both sides whose
    /// targets differ is one change (`0.0.0.0/0 → nat_gateway shop-nat-a`
    /// on the left, `0.0.0.0/0 → internet_gateway` on the right); a value
    /// on one side only is reported with the other side absent.
    fn keyed(
        &self,
        out: &mut Vec<FieldChange>,
        c: &ComparedRel,
        attr: &str,
        l: &'a Resource,
        r: &'a Resource,
    ) {
        let by_value = |side: &Side<'a>, res: &'a Resource| {
            let mut m: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
            for e in res.edges(c.rel) {
                let v = e.attrs.get(attr).map_or("?", String::as_str);
                m.entry(v).or_default().insert(self.target(side, res, e, c));
            }
            m
        };
        let (a, b) = (by_value(self.left, l), by_value(self.right, r));
        if a == b {
            return;
        }
        let shown = |v: &str, set: Option<&BTreeSet<String>>| {
            set.map(|s| {
                let targets: Vec<&str> = s.iter().map(String::as_str).collect();
                format!("{v} → {}", targets.join(", "))
            })
        };
        let values: BTreeSet<&str> = a.keys().chain(b.keys()).copied().collect();
        for v in values {
            let (x, y) = (a.get(v), b.get(v));
            if x != y {
                push(out, c.name, shown(v, x).as_deref(), shown(v, y).as_deref());
            }
        }
    }

    /// A far end of a keyed relation as compared across environments: its
    /// kind name (`?` when neither the estate nor the edge knows it) and
    /// its env-normalised name. Ids differ between environments by nature,
    /// so an unnamed far end reads as its kind alone — prod's and test's
    /// unnamed internet gateways are the same target — and one of no
    /// known kind as `?` and its id's prefix (`? vgw`). The near end's own
    /// VPC (a route table's `local` route) reads as `vpc`: it is the same
    /// place on both sides whatever the VPCs are called.
    fn target(&self, side: &Side<'a>, near: &Resource, e: &Edge, c: &ComparedRel) -> String {
        let (kind, name) = side.far_end(e, c);
        let kind_text = kind.map_or("?", |k| k.as_str());
        if near.first(crate::model::Rel::InVpc) == Some(e.to.as_str()) {
            return kind_text.to_string();
        }
        let name = name
            .map(|n| self.norm.normalize(n))
            .filter(|n| !n.is_empty());
        match (kind, name) {
            (_, Some(n)) => format!("{kind_text} {n}"),
            (Some(_), None) => kind_text.to_string(),
            (None, None) => {
                let prefix = e.to.split_once('-').map_or(e.to.as_str(), |(p, _)| p);
                format!("? {prefix}")
            }
        }
    }

    /// Walk both tag maps in key order (what a set of the union of keys
    /// would give) without collecting the keys.
    fn tags(&self, out: &mut Vec<FieldChange>, l: &Resource, r: &Resource) {
        let ignored = |k: &str| self.ignore.iter().any(|i| i.eq_ignore_ascii_case(k));
        let (mut x, mut y) = (l.tags.iter().peekable(), r.tags.iter().peekable());
        loop {
            let (k, a, b) = match (x.peek().copied(), y.peek().copied()) {
                (None, None) => break,
                (Some((ka, va)), Some((kb, vb))) => match ka.cmp(kb) {
                    std::cmp::Ordering::Equal => {
                        x.next();
                        y.next();
                        (ka, Some(va), Some(vb))
                    }
                    std::cmp::Ordering::Less => {
                        x.next();
                        (ka, Some(va), None)
                    }
                    std::cmp::Ordering::Greater => {
                        y.next();
                        (kb, None, Some(vb))
                    }
                },
                (Some((ka, va)), None) => {
                    x.next();
                    (ka, Some(va), None)
                }
                (None, Some((kb, vb))) => {
                    y.next();
                    (kb, None, Some(vb))
                }
            };
            if ignored(k) {
                continue;
            }
            let same = match (a, b) {
                // A value that is nothing but an env token (`env=prod`)
                // normalizes to "" and is compared raw.
                (Some(a), Some(b)) => a == b || self.norm.same_nonempty(a, b),
                _ => false,
            };
            if !same {
                out.push(FieldChange {
                    field: format!("tag:{k}"),
                    left: a.cloned(),
                    right: b.cloned(),
                });
            }
        }
    }

    /// Raw-equal rule lists whose group references name the same groups
    /// on both sides give equal rule texts, so nothing to report.
    fn same_rules(&self, a: &[SgRule], b: &[SgRule]) -> bool {
        a == b
            && a.iter().all(|rule| match &rule.peer {
                RulePeer::SecurityGroup(id) => {
                    self.left.group_name(bare(id)) == self.right.group_name(bare(id))
                }
                _ => true,
            })
    }

    fn rule_text(&self, side: &Side, rule: &SgRule) -> String {
        let mut r = rule.clone();
        r.description = None;
        if let RulePeer::SecurityGroup(id) = &rule.peer
            && let Some(name) = side.group_name(bare(id))
        {
            r.peer = RulePeer::SecurityGroup(format!("sg:{}", self.norm.normalize(name)));
        }
        r.to_string()
    }

    fn rules(&self, out: &mut Vec<FieldChange>, field: &str, a: &[SgRule], b: &[SgRule]) {
        let sa: BTreeSet<String> = a.iter().map(|x| self.rule_text(self.left, x)).collect();
        let sb: BTreeSet<String> = b.iter().map(|x| self.rule_text(self.right, x)).collect();
        for only in sa.difference(&sb) {
            push(out, field, Some(only), None);
        }
        for only in sb.difference(&sa) {
            push(out, field, None, Some(only));
        }
    }
}
