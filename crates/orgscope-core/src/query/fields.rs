//! The descriptor fields as the query engine sees them: every distinct
//! field *name* of the registry (`state` is one field shared by instances,
//! VPCs, subnets and volumes), with its index in each kind's `fields`,
//! whether any kind makes it a facet, and the names the filter language
//! and the column parser accept. Built once per process from the static
//! registry, so a filter term, a column or a grouping resolves a name to
//! per-kind indices once and then reads `Resource::fields` by index.

use std::sync::LazyLock;

use rustc_hash::FxHashMap;

use crate::model::{Kind, Rel, Resource, Value};

use super::eval::any;
use super::parse::Pattern;

/// "This kind has no such field" in a per-kind slot table.
pub(crate) const NO_SLOT: u16 = u16::MAX;

/// Filter fields the engine answers itself, not from descriptors. `cidr`
/// tests containment against each kind's network field; `vpc` keeps its
/// "a VPC is in itself" meaning; `peer-account` reads the owner accounts
/// of a peering's or a Transit Gateway attachment's far ends.
pub(crate) const BUILTIN_FILTERS: [&str; 10] = [
    "type",
    "region",
    "account",
    "peer-account",
    "ou",
    "vpc",
    "cidr",
    "name",
    "id",
    "has",
];

/// One field name across the kinds that have it.
pub(crate) struct FieldInfo {
    /// The canonical name (`instance_type`, `az`).
    pub name: &'static str,
    /// Human label of the first kind declaring it.
    pub label: &'static str,
    /// Some kind declares it a facet: the query table interns it.
    pub facet: bool,
    /// Per kind (by [`Kind::index`]), the field's index in that kind's
    /// `fields`, or [`NO_SLOT`].
    slots: Box<[u16]>,
}

impl FieldInfo {
    /// The field's index in `kind`'s fields.
    pub(crate) fn slot(&self, kind: Kind) -> Option<usize> {
        match self.slots.get(kind.index()) {
            Some(&s) if s != NO_SLOT => Some(usize::from(s)),
            _ => None,
        }
    }

    /// `r`'s value of this field; `None` when its kind lacks the field or
    /// the value is null (both read as "no value" by filters and cells).
    pub(crate) fn value<'r>(&self, r: &'r Resource) -> Option<&'r Value> {
        self.slot(r.kind)
            .and_then(|s| r.fields.get(s))
            .filter(|v| !v.is_null())
    }
}

/// Every field name of the registry.
pub(crate) struct Catalog {
    pub fields: Vec<FieldInfo>,
    by_name: FxHashMap<&'static str, usize>,
    /// Per kind, the index of its network (CIDR or IP) field, or [`NO_SLOT`].
    net: Box<[u16]>,
    /// Every `field:` name, for error messages and completion.
    filter_names: Vec<&'static str>,
}

static CATALOG: LazyLock<Catalog> = LazyLock::new(Catalog::build);

/// The process-wide catalog of the registry's fields.
pub(crate) fn catalog() -> &'static Catalog {
    &CATALOG
}

fn slot(i: Option<usize>) -> u16 {
    i.and_then(|i| u16::try_from(i).ok()).unwrap_or(NO_SLOT)
}

/// ASCII case-insensitive, `-` and `_` alike: how every name is compared.
pub(crate) fn same_name(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes().zip(b.bytes()).all(|(x, y)| {
            x.eq_ignore_ascii_case(&y) || (matches!(x, b'-' | b'_') && matches!(y, b'-' | b'_'))
        })
}

impl Catalog {
    fn build() -> Catalog {
        let mut fields: Vec<FieldInfo> = Vec::new();
        let mut by_name: FxHashMap<&'static str, usize> = FxHashMap::default();
        for kind in Kind::all() {
            for f in kind.def().fields {
                let n = *by_name.entry(f.name).or_insert_with(|| {
                    fields.push(FieldInfo {
                        name: f.name,
                        label: f.label,
                        facet: false,
                        slots: vec![NO_SLOT; Kind::count()].into_boxed_slice(),
                    });
                    fields.len() - 1
                });
                let info = &mut fields[n];
                info.facet |= f.facet;
                // The first field of that name wins if a kind repeats one.
                if info.slots[kind.index()] == NO_SLOT {
                    info.slots[kind.index()] =
                        slot(kind.def().fields.iter().position(|g| g.name == f.name));
                }
            }
        }
        // A name means, in each kind, the field that answers to it: where
        // one kind's alias is another kind's field name (a VPC endpoint's
        // `service` for its `service_name`, a tagged resource's `service`),
        // `service:` reads each kind's own field rather than dropping the
        // kinds whose field only has it as an alias.
        for kind in Kind::all() {
            for (i, f) in kind.def().fields.iter().enumerate() {
                for alias in f.aliases {
                    if let Some(&n) = by_name.get(alias) {
                        let info = &mut fields[n];
                        if info.slots[kind.index()] == NO_SLOT {
                            info.slots[kind.index()] = slot(Some(i));
                        }
                    }
                }
            }
        }
        let net = Kind::all().map(|k| slot(k.def().net_field())).collect();
        let mut filter_names: Vec<&'static str> = BUILTIN_FILTERS.to_vec();
        // Relations some kind declares (the parser accepts every one).
        for rel in Rel::ALL {
            let declared = Kind::all().any(|k| k.def().relation(rel).is_some());
            if declared && !filter_names.contains(&rel.filter_name()) {
                filter_names.push(rel.filter_name());
            }
        }
        for f in &fields {
            if !filter_names.contains(&f.name) {
                filter_names.push(f.name);
            }
        }
        Catalog {
            fields,
            by_name,
            net,
            filter_names,
        }
    }

    /// The field whose canonical name is exactly `name`.
    pub(crate) fn index(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    pub(crate) fn get(&self, n: usize) -> Option<&FieldInfo> {
        self.fields.get(n)
    }

    /// The field a user's word names: a field's own name first (any
    /// kind), then a file key or alias (`itype`, `availability_zone`), in
    /// registry order. Case-insensitive, `-` and `_` alike.
    pub(crate) fn lookup(&self, word: &str) -> Option<usize> {
        if let Some(n) = self.fields.iter().position(|f| same_name(f.name, word)) {
            return Some(n);
        }
        Kind::all()
            .flat_map(|k| k.def().fields.iter())
            .find(|f| f.answers_to(word))
            .and_then(|f| self.index(f.name))
    }

    /// Index of `kind`'s network field (what `cidr:` tests).
    pub(crate) fn net_slot(&self, kind: Kind) -> Option<usize> {
        match self.net.get(kind.index()) {
            Some(&s) if s != NO_SLOT => Some(usize::from(s)),
            _ => None,
        }
    }

    /// Every `field:` name the filter language knows, built-ins first, then
    /// relations, then descriptor fields in registry order.
    pub(crate) fn filter_names(&self) -> &[&'static str] {
        &self.filter_names
    }
}

/// Every `field:` name the filter language accepts, for completion and
/// help: built-ins (`type`, `region`, ...), the relations kinds declare
/// (`subnet`, `sg`, ...), then every descriptor field (`state`,
/// `instance_type`, `image_id`, ...). Aliases (`itype`) are accepted too
/// but not listed.
pub fn field_names() -> &'static [&'static str] {
    catalog().filter_names()
}

/// Does a non-null `v` match any of `values`? Compared as its cell text,
/// except that a list also matches when one of its items does
/// (`trusted-by:outside` on `org, outside`), and a number matched with a
/// count of days (`unused:90d`) matches when it is at least that.
pub(crate) fn value_matches(values: &[Pattern], v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::List(items) => {
            items.iter().any(|s| any(values, s) || any(values, bare(s)))
                || (items.len() > 1 && any(values, &v.text()))
        }
        Value::Number(n) => values.iter().any(|p| match at_least_days(p) {
            Some(min) => *n >= min,
            None => p.matches(&n.to_string()),
        }),
        _ => any(values, &v.text()),
    }
}

/// A list item without its trailing annotation in brackets: a role's
/// `account:tooling [ExternalId]` is matched by `trust:account:tooling`.
fn bare(item: &str) -> &str {
    match item.rfind(" [") {
        Some(i) if item.ends_with(']') => &item[..i],
        _ => item,
    }
}

/// `90d` (a literal): at least 90 days.
fn at_least_days(p: &Pattern) -> Option<i64> {
    match p {
        Pattern::Exact(s) => s
            .strip_suffix(['d', 'D'])
            .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|n| n.parse().ok()),
        Pattern::Glob(_) => None,
    }
}
