//! Interned per-resource columns, built once per estate inside the
//! [`Context`](super::Context): every region, account id, state, VPC id,
//! instance type, availability zone, tag key and (per key) tag value gets a
//! dense id, and every resource a compact [`Row`] of those ids plus a slice
//! of `(key, value)` id pairs. Regions, types, accounts and tag values are
//! few compared with resources, so a filter term or a grouping can be
//! evaluated once per distinct value and then looked up per resource by id,
//! instead of re-running a case-insensitive glob or a `String`-keyed map
//! lookup 100,000 times.

use rustc_hash::FxHashMap;

use crate::model::{Details, Resource, ResourceType};

use super::eval::{az, state};

/// The id of an absent value (a volume's instance type, a tag not carried).
pub(crate) const NONE: u32 = u32::MAX;

/// The distinct strings of one column, each with a dense id (first seen,
/// first numbered).
#[derive(Default)]
pub(crate) struct Interner<'e> {
    ids: FxHashMap<&'e str, u32>,
    values: Vec<&'e str>,
    /// The last value interned: resources come in runs of one account,
    /// region and VPC, so a string compare often saves the hash lookup.
    last: Option<(&'e str, u32)>,
}

impl<'e> Interner<'e> {
    fn intern(&mut self, s: &'e str) -> u32 {
        if let Some((v, id)) = self.last
            && v == s
        {
            return id;
        }
        let id = self.intern_new(s);
        self.last = Some((s, id));
        id
    }

    fn intern_new(&mut self, s: &'e str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        // More than 4 billion distinct values cannot come from one estate
        // that fits in memory; saturate rather than wrap if it ever did.
        let id = u32::try_from(self.values.len()).unwrap_or(NONE - 1);
        self.ids.insert(s, id);
        self.values.push(s);
        id
    }

    fn intern_opt(&mut self, s: Option<&'e str>) -> u32 {
        s.map_or(NONE, |s| self.intern(s))
    }

    /// The id of `s`, if any resource has it (exact, case-sensitive).
    pub(crate) fn get(&self, s: &str) -> Option<u32> {
        self.ids.get(s).copied()
    }

    /// Every distinct value, indexed by id.
    pub(crate) fn values(&self) -> &[&'e str] {
        &self.values
    }

    pub(crate) fn len(&self) -> usize {
        self.values.len()
    }
}

/// A resource as ids. `NONE` where the resource has no such value.
#[derive(Clone, Copy)]
pub(crate) struct Row {
    pub region: u32,
    /// The resource's own `account_id` string (known to the estate or not).
    pub account: u32,
    pub state: u32,
    pub vpc: u32,
    pub itype: u32,
    pub az: u32,
    pub rtype: ResourceType,
    tags_start: u32,
    tags_len: u32,
}

/// Every resource of one estate as interned ids.
#[derive(Default)]
pub(crate) struct Table<'e> {
    pub region: Interner<'e>,
    pub account: Interner<'e>,
    pub state: Interner<'e>,
    pub vpc: Interner<'e>,
    pub itype: Interner<'e>,
    pub az: Interner<'e>,
    pub tag_keys: Interner<'e>,
    /// Per tag key id, that key's distinct values.
    pub tag_values: Vec<Interner<'e>>,
    pub rows: Vec<Row>,
    /// `(key id, value id)` of every resource's tags, back to back.
    tags: Vec<(u32, u32)>,
}

impl<'e> Table<'e> {
    pub(crate) fn new(resources: &'e [Resource]) -> Table<'e> {
        let mut t = Table {
            rows: Vec::with_capacity(resources.len()),
            tags: Vec::with_capacity(resources.len() * 6),
            ..Table::default()
        };
        // The previous resource's tag keys by position: most resources
        // carry the same keys, so comparing beats hashing each key again.
        let mut prev_keys: Vec<(&str, u32)> = Vec::new();
        for r in resources {
            let tags_start = u32::try_from(t.tags.len()).unwrap_or(u32::MAX);
            for (j, (k, v)) in r.tags.iter().enumerate() {
                let key = match prev_keys.get(j) {
                    Some(&(pk, id)) if pk == k => id,
                    _ => {
                        let id = t.tag_keys.intern(k);
                        prev_keys.truncate(j);
                        prev_keys.push((k, id));
                        id
                    }
                };
                if key as usize == t.tag_values.len() {
                    t.tag_values.push(Interner::default());
                }
                let value = t.tag_values[key as usize].intern(v);
                t.tags.push((key, value));
            }
            let itype = match &r.details {
                Details::Instance(i) => Some(i.instance_type.as_str()),
                _ => None,
            };
            let row = Row {
                region: t.region.intern(&r.region),
                account: t.account.intern(&r.account_id),
                state: t.state.intern_opt(state(r)),
                vpc: t.vpc.intern_opt(r.vpc_id()),
                itype: t.itype.intern_opt(itype),
                az: t.az.intern_opt(az(r)),
                rtype: r.resource_type(),
                tags_start,
                tags_len: u32::try_from(r.tags.len()).unwrap_or(0),
            };
            t.rows.push(row);
        }
        t
    }

    /// The `(key id, value id)` pairs of resource `i`'s tags.
    pub(crate) fn tags_of(&self, i: usize) -> &[(u32, u32)] {
        let Some(row) = self.rows.get(i) else {
            return &[];
        };
        let start = row.tags_start as usize;
        self.tags
            .get(start..start + row.tags_len as usize)
            .unwrap_or(&[])
    }

    /// The value id of tag `key` on resource `i` (a handful of tags: a
    /// linear scan of ids beats any map).
    pub(crate) fn tag(&self, i: usize, key: u32) -> Option<u32> {
        self.tags_of(i)
            .iter()
            .find(|&&(k, _)| k == key)
            .map(|&(_, v)| v)
    }
}
