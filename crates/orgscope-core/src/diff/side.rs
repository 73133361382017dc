//! One side of a diff: its estate, the chosen indices, and the lookups that
//! keying and comparing need (normalized account names; the resources, by
//! id, of the kinds that keys and comparisons reach through an edge or a
//! rule), plus the [`Plan`]: what the kind descriptors say about keys,
//! read once per diff, and each resource's key. What decides "not
//! collected" is in `scope.rs`.

use rustc_hash::FxHashMap as HashMap;

use crate::model::{Compare, Edge, Estate, KeyDef, Kind, KindSet, Rel, Resource, ValueType};

use super::keys::Normalizer;
use super::{DiffOptions, MatchKey, MatchScope};

/// How deep a key may reach through edges (a volume's key through its
/// instance's). The registry's keys reach one or two levels; the limit
/// only stops a cycle in hand-made data from recursing forever.
const KEY_DEPTH: u8 = 4;

/// A kind's default key with its names resolved to indices.
enum KeyPlan {
    Name,
    /// The name, else `label:` and field `field` (environment-normalised
    /// when the field is: a tagged resource's `queue/payments-prod-orders`
    /// pairs with its test twin as a name would).
    NameElse {
        field: Option<usize>,
        label: &'static str,
        normalised: bool,
    },
    /// The far end's default key, `/`, field `field` normalised.
    Within {
        rel: Rel,
        far: Vec<Kind>,
        field: Option<usize>,
    },
    /// The far end's key, `:`, the edge's attribute `attr`.
    Via {
        rel: Rel,
        far: Vec<Kind>,
        attr: &'static str,
        /// The kind's compared field of the attribute's name (a
        /// listener's `port`): a lone resource under one container on
        /// each side is then that field's change (see `pair`).
        field: bool,
    },
    /// The far end's default key, `/`, the name normalised (or nothing).
    Under {
        rel: Rel,
        far: Vec<Kind>,
    },
}

/// A relation compared as the set of its far ends' names.
pub(crate) struct ComparedRel {
    pub rel: Rel,
    /// The field name of the report (`security_groups`).
    pub name: &'static str,
    /// The kinds its far ends may be, for an edge that does not say.
    pub far: Vec<Kind>,
    /// Compared per value of this edge attribute, each as `kind name` of
    /// its far end (a route: `0.0.0.0/0 → nat_gateway shop-nat-a`).
    pub keyed_by: Option<&'static str>,
}

/// What the descriptors say about keying and resolving, read once per diff
/// so that no row looks a field or a kind up by name. Every per-kind vector
/// is indexed by [`Kind::index`].
pub(crate) struct Plan<'o> {
    keys: Vec<KeyPlan>,
    /// The user's key of each kind (`--key KIND=...`).
    user: Vec<&'o MatchKey>,
    /// Each kind's first CIDR field, what `--key KIND=cidr` pairs by.
    cidr: Vec<Option<usize>>,
    /// The field that names a resource within its container (the field of
    /// a `Within` key: a security group's group name): what a reference
    /// to it reads as, rather than a `Name` tag that may say otherwise.
    own_name: Vec<Option<usize>>,
    /// Per kind, its relations compared as sets of names.
    pub compared: Vec<Vec<ComparedRel>>,
    /// The kinds a rule's group reference may name: the kinds with rules.
    groups: Vec<Kind>,
    /// The kinds whose resources are looked up by id: far ends of `Within`
    /// and `Via` keys and of compared relations, and `groups`.
    lookup: KindSet,
}

/// The kinds named in a relation's `to`.
fn kinds_named(to: &[&str]) -> Vec<Kind> {
    Kind::all().filter(|k| to.contains(&k.as_str())).collect()
}

/// Does kind `k` have a CIDR field (`--key KIND=cidr`)?
pub(crate) fn has_cidr(k: Kind) -> bool {
    cidr_field(k).is_some()
}

fn cidr_field(k: Kind) -> Option<usize> {
    k.def().fields.iter().position(|f| f.ty == ValueType::Cidr)
}

impl<'o> Plan<'o> {
    pub(crate) fn new(opts: &'o DiffOptions) -> Plan<'o> {
        let n = Kind::count();
        let mut plan = Plan {
            keys: Vec::with_capacity(n),
            user: Vec::with_capacity(n),
            cidr: Vec::with_capacity(n),
            own_name: Vec::with_capacity(n),
            compared: Vec::with_capacity(n),
            groups: Vec::new(),
            lookup: KindSet::default(),
        };
        for k in Kind::all() {
            let def = k.def();
            let far_of = |rel: Rel| {
                def.relation(rel)
                    .map_or_else(Vec::new, |r| kinds_named(r.to))
            };
            let key = match def.key {
                KeyDef::Name => KeyPlan::Name,
                KeyDef::NameElse(f) => {
                    let field = def.field_index(f);
                    KeyPlan::NameElse {
                        field,
                        label: field.map_or(f, |i| def.fields[i].name),
                        normalised: field.is_some_and(|i| def.fields[i].normalised),
                    }
                }
                KeyDef::Within { rel, field } => KeyPlan::Within {
                    rel,
                    far: far_of(rel),
                    field: def.field_index(field),
                },
                KeyDef::Via { rel, attr } => KeyPlan::Via {
                    rel,
                    far: far_of(rel),
                    attr,
                    field: def
                        .fields
                        .iter()
                        .any(|f| f.name == attr && f.compare != Compare::No),
                },
                KeyDef::Under { rel } => KeyPlan::Under {
                    rel,
                    far: far_of(rel),
                },
            };
            if let KeyPlan::Within { far, .. }
            | KeyPlan::Via { far, .. }
            | KeyPlan::Under { far, .. } = &key
            {
                far.iter().for_each(|&f| plan.lookup.insert(f));
            }
            plan.own_name.push(match &key {
                KeyPlan::Within { field, .. } => *field,
                _ => None,
            });
            plan.keys.push(key);
            plan.user
                .push(opts.keys.get(&k).unwrap_or(&MatchKey::Default));
            plan.cidr.push(cidr_field(k));
            let compared: Vec<ComparedRel> = def
                .relations
                .iter()
                .filter_map(|r| {
                    r.compare_as.map(|name| ComparedRel {
                        rel: r.rel,
                        name,
                        far: kinds_named(r.to),
                        keyed_by: r.keyed_by,
                    })
                })
                .collect();
            for c in &compared {
                c.far.iter().for_each(|&f| plan.lookup.insert(f));
            }
            plan.compared.push(compared);
            if def.fields.iter().any(|f| f.ty == ValueType::Rules) {
                plan.groups.push(k);
                plan.lookup.insert(k);
            }
        }
        plan
    }
}

pub(crate) struct Side<'a> {
    pub estate: &'a Estate,
    pub idx: &'a [usize],
    pub norm: &'a Normalizer,
    pub plan: &'a Plan<'a>,
    opts: &'a DiffOptions,
    /// Account id → env-normalised account name.
    pub account_key: HashMap<&'a str, String>,
    /// Per kind, id → resource index; empty for kinds not in
    /// `plan.lookup`.
    by_id: Vec<HashMap<&'a str, usize>>,
}

impl<'a> Side<'a> {
    pub(crate) fn new(
        estate: &'a Estate,
        idx: &'a [usize],
        norm: &'a Normalizer,
        plan: &'a Plan<'a>,
        opts: &'a DiffOptions,
    ) -> Side<'a> {
        let account_key = estate
            .accounts
            .iter()
            .map(|a| (a.id.as_str(), norm.normalize(&a.name)))
            .collect();
        let mut by_id: Vec<HashMap<&'a str, usize>> =
            (0..Kind::count()).map(|_| HashMap::default()).collect();
        if !plan.lookup.is_empty() {
            for (i, r) in estate.resources.iter().enumerate() {
                if plan.lookup.contains(r.kind) {
                    by_id[r.kind.index()].insert(r.id.as_str(), i);
                }
            }
        }
        Side {
            estate,
            idx,
            norm,
            plan,
            opts,
            account_key,
            by_id,
        }
    }

    fn find(&self, kind: Kind, id: &str) -> Option<&'a Resource> {
        let i = *self.by_id.get(kind.index())?.get(id)?;
        self.estate.resources.get(i)
    }

    /// The far end of `e` in this side's estate: of the kind the edge
    /// names, else of one of the kinds the relation declares.
    fn far(&self, e: &Edge, far: &[Kind]) -> Option<&'a Resource> {
        match e.kind {
            Some(k) => self.find(k, &e.to),
            None => far.iter().find_map(|&k| self.find(k, &e.to)),
        }
    }

    /// What a reference to `r` reads as: its own name field (a group's
    /// name), else its name.
    fn ref_name(&self, r: &'a Resource) -> Option<&'a str> {
        self.plan.own_name[r.kind.index()]
            .and_then(|i| r.fields.get(i))
            .and_then(|v| v.as_str())
            .or(r.name.as_deref())
    }

    /// The name of the group a rule refers to by (bare) id, when the group
    /// is in this side's estate.
    pub(crate) fn group_name(&self, id: &str) -> Option<&'a str> {
        self.plan
            .groups
            .iter()
            .find_map(|&k| self.find(k, id))
            .and_then(|r| self.ref_name(r))
    }

    /// A far end's name as a compared relation reads it: the name the edge
    /// carries, else the far end's in this estate, else its id.
    pub(crate) fn edge_name<'e>(&self, e: &'e Edge, c: &ComparedRel) -> &'e str
    where
        'a: 'e,
    {
        match &e.name {
            Some(n) => n,
            None => self
                .far(e, &c.far)
                .and_then(|r| self.ref_name(r))
                .unwrap_or(&e.to),
        }
    }

    /// A far end as a keyed relation reads it: its kind (the collected
    /// resource's, else the edge's) and its name (the edge's, else the
    /// collected resource's), either possibly unknown.
    pub(crate) fn far_end<'e>(
        &self,
        e: &'e Edge,
        c: &ComparedRel,
    ) -> (Option<Kind>, Option<&'e str>)
    where
        'a: 'e,
    {
        let far = self.far(e, &c.far);
        let kind = far.map(|f| f.kind).or(e.kind);
        let name = e
            .name
            .as_deref()
            .or_else(|| far.and_then(|f| self.ref_name(f)));
        (kind, name)
    }

    fn name_key_into(&self, r: &Resource, out: &mut String) {
        match &r.name {
            Some(n) => self.norm.normalize_into(n, out),
            None => {
                out.push_str("id:");
                out.push_str(&r.id);
            }
        }
    }

    /// Append `label:` and the text of field `i`.
    fn field_key_into(r: &Resource, label: &str, i: usize, out: &mut String) {
        out.push_str(label);
        out.push(':');
        if let Some(v) = r.fields.get(i) {
            out.push_str(&v.text());
        }
    }

    /// Append the kind-specific part of the key (no account/region prefix)
    /// as the user chose it for `r`'s kind.
    fn own_key_into(&self, r: &Resource, out: &mut String, depth: u8) {
        let k = r.kind.index();
        match self.plan.user[k] {
            MatchKey::Id => out.push_str(&r.id),
            MatchKey::Tag(t) => match r.tags.get(t) {
                Some(v) => {
                    out.push_str(t);
                    out.push('=');
                    self.norm.normalize_into(v, out);
                }
                None => {
                    out.push_str("id:");
                    out.push_str(&r.id);
                }
            },
            MatchKey::Cidr => match self.plan.cidr[k] {
                Some(i) => Self::field_key_into(r, r.kind.def().fields[i].name, i, out),
                None => self.name_key_into(r, out),
            },
            MatchKey::Name => self.name_key_into(r, out),
            MatchKey::Default => self.default_key_into(r, out, depth),
        }
    }

    /// Append the key the kind's descriptor gives `r` ([`KeyDef`]).
    fn default_key_into(&self, r: &Resource, out: &mut String, depth: u8) {
        if depth > KEY_DEPTH {
            return self.name_key_into(r, out);
        }
        match &self.plan.keys[r.kind.index()] {
            KeyPlan::Name => self.name_key_into(r, out),
            KeyPlan::NameElse {
                field,
                label,
                normalised,
            } => match (&r.name, field) {
                (Some(n), _) => self.norm.normalize_into(n, out),
                (None, Some(i)) if *normalised => {
                    out.push_str(label);
                    out.push(':');
                    if let Some(v) = r.fields.get(*i) {
                        self.norm.normalize_into(&v.text(), out);
                    }
                }
                (None, Some(i)) => Self::field_key_into(r, label, *i, out),
                (None, None) => self.name_key_into(r, out),
            },
            KeyPlan::Within { rel, far, field } => {
                // The container by its default key, whatever key the user
                // chose for the container's own kind.
                if let Some(f) = r.edges(*rel).next().and_then(|e| self.far(e, far)) {
                    self.default_key_into(f, out, depth + 1);
                }
                out.push('/');
                if let Some(v) = field.and_then(|i| r.fields.get(i)) {
                    self.norm.normalize_into(&v.text(), out);
                }
            }
            KeyPlan::Via { rel, far, attr, .. } => match r.edges(*rel).next() {
                Some(e) => {
                    match self.far(e, far) {
                        Some(f) => self.own_key_into(f, out, depth + 1),
                        None => out.push_str(&e.to),
                    }
                    out.push(':');
                    out.push_str(e.attrs.get(attr).map_or("", String::as_str));
                }
                None => self.name_key_into(r, out),
            },
            KeyPlan::Under { rel, far } => {
                // A container that is not in this estate is named by its
                // id: the key then pairs with nothing, which is the truth.
                match r.edges(*rel).next() {
                    Some(e) => match self.far(e, far) {
                        Some(f) => self.default_key_into(f, out, depth + 1),
                        None => out.push_str(&e.to),
                    },
                    None => out.push('-'),
                }
                out.push('/');
                if let Some(n) = &r.name {
                    self.norm.normalize_into(n, out);
                }
            }
        }
    }

    /// The full key of every chosen resource, duplicates of a key numbered
    /// 2, 3... in index order (shown as `key#2`).
    pub(crate) fn keyed(&self) -> Keyed {
        // One buffer for all keys instead of a `String` per resource: the
        // keys are only borrowed for pairing, and only the few reported
        // entries get an owned copy.
        let mut arena = String::with_capacity(self.idx.len() * 48);
        let mut spans = Vec::with_capacity(self.idx.len());
        // (account id, its key) of the previous resource: runs of one account.
        let mut last: Option<(&str, &str)> = None;
        for &i in self.idx {
            let Some(r) = self.estate.resources.get(i) else {
                continue;
            };
            let start = arena.len();
            match self.opts.scope {
                MatchScope::AccountRegion => {
                    let acct = match last {
                        Some((id, k)) if id == r.account_id => k,
                        _ => {
                            let k = self
                                .account_key
                                .get(r.account_id.as_str())
                                .map(String::as_str)
                                .unwrap_or(&r.account_id);
                            last = Some((&r.account_id, k));
                            k
                        }
                    };
                    arena.push_str(acct);
                    arena.push('/');
                    arena.push_str(&r.region);
                    arena.push('/');
                }
                MatchScope::Region => {
                    arena.push_str(&r.region);
                    arena.push('/');
                }
                MatchScope::Anywhere => {}
            }
            let own = arena.len();
            self.own_key_into(r, &mut arena, 0);
            let split = self.container_end(r, &arena[own..]).map(|n| own + n);
            spans.push(Span {
                kind: r.kind,
                key: start..arena.len(),
                nth: 0,
                index: i,
                container: split.map(|end| start..end),
            });
        }
        let mut seen: HashMap<(Kind, &str), u32> = HashMap::default();
        seen.reserve(spans.len());
        for s in &mut spans {
            let n = seen.entry((s.kind, &arena[s.key.clone()])).or_insert(0);
            *n += 1;
            s.nth = *n;
        }
        drop(seen);
        Keyed { arena, spans }
    }

    /// Where the container part ends in `own`, `r`'s key without its
    /// scope prefix: for a default `Via` key whose attribute is a compared
    /// field (a listener: `LB-KEY:PORT`), the length of `LB-KEY`.
    fn container_end(&self, r: &Resource, own: &str) -> Option<usize> {
        let k = r.kind.index();
        let KeyPlan::Via {
            rel,
            attr,
            field: true,
            ..
        } = &self.plan.keys[k]
        else {
            return None;
        };
        if *self.plan.user[k] != MatchKey::Default {
            return None;
        }
        let value = r.edges(*rel).next()?.attrs.get(attr)?;
        own.len().checked_sub(value.len() + 1)
    }
}

/// One keyed resource: its kind, its key's span in the arena, which
/// duplicate of the key it is, its index, and the span of its container's
/// part of the key when a lone pair under one container is a change (see
/// `Side::container_end`).
struct Span {
    kind: Kind,
    key: std::ops::Range<usize>,
    nth: u32,
    index: usize,
    container: Option<std::ops::Range<usize>>,
}

/// The keys of one side, in one arena.
pub(crate) struct Keyed {
    arena: String,
    spans: Vec<Span>,
}

impl Keyed {
    pub(crate) fn len(&self) -> usize {
        self.spans.len()
    }

    /// The resource index of the `n`-th keyed resource.
    pub(crate) fn index(&self, n: usize) -> usize {
        self.spans[n].index
    }

    /// `(kind, key, nth, index)` of every keyed resource.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (Kind, &str, u32, usize)> {
        self.spans
            .iter()
            .map(|s| (s.kind, &self.arena[s.key.clone()], s.nth, s.index))
    }

    /// The container part of the `n`-th key, when it has one.
    pub(crate) fn container(&self, n: usize) -> Option<&str> {
        let s = self.spans.get(n)?;
        s.container.clone().map(|c| &self.arena[c])
    }
}

/// The key as reported: `key`, or `key#n` for the n-th duplicate.
pub(crate) fn key_text(key: &str, nth: u32) -> String {
    if nth > 1 {
        format!("{key}#{nth}")
    } else {
        key.to_string()
    }
}
