//! What a resource kind *is*, as data: a [`KindDef`] says everything the
//! layers need to know about one kind — its names, label, service, scope,
//! ARN, typed fields (shown as a column or not, compared by the diff or
//! not), default diff key, relations and how a diagram draws it. Query,
//! columns, export, the details panel, the tag catalog, the diff and the
//! diagram legend read descriptors instead of matching on kinds, so adding
//! a kind is its descriptor (`model/kinds/`), its collector and its part of
//! the demo estate.
//!
//! A [`Kind`] is a small `Copy` handle (an index into [`kinds::ALL`]) so a
//! resource, a row of the query table or a diff entry carries two bytes,
//! not a pointer; its order is the registry's order, which is the order of
//! every listing and report.
//!
//! [`kinds::ALL`]: super::kinds::ALL

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::kinds;
use super::relation::Rel;

/// The type of a field's values: how it is parsed from a file, compared,
/// sorted and filtered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    Text,
    /// A whole number (sizes, counts, ports).
    Number,
    Bool,
    /// A list of text values (CIDR lists, service names).
    List,
    /// An IPv4/IPv6 CIDR block; `cidr:` filters by containment.
    Cidr,
    /// One IP address; `cidr:` filters by containment.
    Ip,
    /// An RFC 3339 timestamp (sorts as text).
    Time,
    /// Security-group style rules ([`SgRule`](super::SgRule)), compared as
    /// sets with group references resolved to names.
    Rules,
}

/// Whether and how the diff compares a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compare {
    /// Volatile or identifying (ids, IPs, times): never compared.
    No,
    Yes,
    /// Compared only when the field just before it is equal: a refinement
    /// that would repeat the same drift otherwise (a VPC's CIDR list after
    /// its primary CIDR).
    Refines,
}

/// One typed field of a kind.
#[derive(Debug)]
pub struct FieldDef {
    /// The name in filters (`az:`), columns and diff reports (`az`).
    pub name: &'static str,
    /// The key in the snapshot file (`availability_zone`); usually `name`.
    pub key: &'static str,
    /// Other names a filter or column may use (`itype`).
    pub aliases: &'static [&'static str],
    /// Column header and details-panel label.
    pub label: &'static str,
    pub ty: ValueType,
    /// A default column of the kind's table.
    pub column: bool,
    pub compare: Compare,
    /// Few distinct values (state, instance type, zone): the query engine
    /// interns it so a filter term is decided once per value, and it can
    /// be grouped by. Only text-like fields can be facets (a test holds
    /// every descriptor to it): the interner borrows their text.
    pub facet: bool,
    /// The diff compares the value environment-normalised, item by item
    /// for a list (`account:payments-test` ≈ `account:payments-prod`): a
    /// field that names other resources or accounts by name.
    pub normalised: bool,
    /// The values filter completion offers after `FIELD:` when the field
    /// has a known vocabulary (`trusted_by`: `org`, `outside`, …). An item
    /// `account:{account}` is offered once per account of the estate
    /// (`account:payments-prod`). A `Bool` field offers `true` and `false`
    /// without saying so.
    pub values: &'static [&'static str],
}

impl FieldDef {
    /// A text field named `name` everywhere, not a column, not compared.
    pub const fn text(name: &'static str, label: &'static str) -> FieldDef {
        FieldDef {
            name,
            key: name,
            aliases: &[],
            label,
            ty: ValueType::Text,
            column: false,
            compare: Compare::No,
            facet: false,
            normalised: false,
            values: &[],
        }
    }

    pub const fn typed(self, ty: ValueType) -> FieldDef {
        FieldDef { ty, ..self }
    }
    pub const fn key(self, key: &'static str) -> FieldDef {
        FieldDef { key, ..self }
    }
    pub const fn aliases(self, aliases: &'static [&'static str]) -> FieldDef {
        FieldDef { aliases, ..self }
    }
    pub const fn column(self) -> FieldDef {
        FieldDef {
            column: true,
            ..self
        }
    }
    pub const fn compared(self) -> FieldDef {
        FieldDef {
            compare: Compare::Yes,
            ..self
        }
    }
    pub const fn refines(self) -> FieldDef {
        FieldDef {
            compare: Compare::Refines,
            ..self
        }
    }
    pub const fn normalised(self) -> FieldDef {
        FieldDef {
            normalised: true,
            ..self
        }
    }
    pub const fn values(self, values: &'static [&'static str]) -> FieldDef {
        FieldDef { values, ..self }
    }
    pub const fn facet(self) -> FieldDef {
        FieldDef {
            facet: true,
            ..self
        }
    }

    /// Does `s` name this field (name, file key or alias; ASCII
    /// case-insensitive, `-` and `_` alike)?
    pub fn answers_to(&self, s: &str) -> bool {
        let same = |n: &str| {
            n.len() == s.len()
                && n.bytes().zip(s.bytes()).all(|(a, b)| {
                    a.eq_ignore_ascii_case(&b)
                        || (matches!(a, b'-' | b'_') && matches!(b, b'-' | b'_'))
                })
        };
        same(self.name) || same(self.key) || self.aliases.iter().any(|a| same(a))
    }
}

/// Regional resources live in one region, listed per region; global ones
/// (IAM, Route 53) in the account, with region `global`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Regional,
    Global,
    /// Listed once per account by a global call, yet each resource lives
    /// in its own region (S3: `ListBuckets` returns every bucket of the
    /// account, each with its region). One account-wide coverage cell,
    /// which says whether the kind was read in *every* region of the
    /// account (never the `global` place the IAM kinds live in): a failed
    /// listing leaves the account's buckets unknown everywhere, and only
    /// them — the EC2 of the same regions stays collected.
    Listed,
}

/// How the diff pairs two resources of a kind by default. Every name is
/// environment-normalised (`payments-prod-web` ≈ `payments-test-web`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyDef {
    /// The resource's name; its id when it has none.
    Name,
    /// The name, else `field:` and this field's value (a VPC's CIDR).
    NameElse(&'static str),
    /// The key of the far end of `rel` (a security group's VPC), `/`, then
    /// this field normalised (the group name, which repeats per VPC).
    Within { rel: Rel, field: &'static str },
    /// The key of the far end of `rel` (a volume's instance), `:`, then the
    /// edge's attribute `attr` (the device); the name when there is no edge.
    Via { rel: Rel, attr: &'static str },
    /// The key of the far end of `rel` (its container), `/`, then the
    /// name normalised, or nothing when unnamed: for kinds that come one
    /// (or a few, named) per container and are rarely named — a VPC's
    /// internet gateway, its main route table.
    Under { rel: Rel },
}

/// A relation a kind declares: from resources of this kind, along `rel`,
/// to resources of the kinds named in `to`.
#[derive(Debug)]
pub struct RelationDef {
    pub rel: Rel,
    /// Kind names of the far end.
    pub to: &'static [&'static str],
    /// Compared by the diff as the set of far ends' normalised names,
    /// reported under this field name (`security_groups`).
    pub compare_as: Option<&'static str>,
    /// Compare each edge as `attr value → far kind far name` rather than
    /// the far name alone: a route is its destination and the kind and
    /// name of its target (`0.0.0.0/0 → nat_gateway payments-nat-a`), so
    /// a route through a NAT in prod and to an internet gateway in test is
    /// drift even when both are unnamed.
    pub keyed_by: Option<&'static str>,
}

impl RelationDef {
    /// A relation to the kinds `to`, not compared.
    pub const fn to(rel: Rel, to: &'static [&'static str]) -> RelationDef {
        RelationDef {
            rel,
            to,
            compare_as: None,
            keyed_by: None,
        }
    }

    /// Compared as the set of far ends, reported as `name`.
    pub const fn compared(self, name: &'static str) -> RelationDef {
        RelationDef {
            compare_as: Some(name),
            ..self
        }
    }

    /// Each edge compared with its attribute `attr` (see `keyed_by`).
    pub const fn keyed_by(self, attr: &'static str) -> RelationDef {
        RelationDef {
            keyed_by: Some(attr),
            ..self
        }
    }
}

/// How a diagram draws resources of a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Draw {
    /// Not in the network picture (still in tables and details).
    Hidden,
    /// The network container: a VPC.
    Network,
    /// The container inside a network: a subnet.
    Subnet,
    /// A box inside its subnet (else its network, else its region), with
    /// a short glyph for the legend and aggregated labels, and the field
    /// its box shows under its name (and counts by when a subnet holds too
    /// many to draw one by one). A node kind with a `state` field is drawn
    /// running or not; one without is drawn plain.
    Node {
        glyph: &'static str,
        label: &'static str,
    },
    /// A box on its network's border (an internet gateway): traffic in
    /// and out of the VPC passes through it.
    Gateway {
        glyph: &'static str,
        label: &'static str,
    },
    /// A hub between networks (a Transit Gateway), in its region, with a
    /// spoke to each network a [`Draw::Link`] attaches to it.
    Hub {
        glyph: &'static str,
        label: &'static str,
    },
    /// Not a box but a connector: between the networks its `PeersWith`
    /// edges name (a peering), or from its network to the hub its
    /// `AttachedTo` edge names (a Transit Gateway attachment).
    Link,
}

impl Draw {
    /// The glyph and label field of a kind drawn as a box of its own (a
    /// node, a gateway or a hub).
    pub fn boxed(self) -> Option<(&'static str, &'static str)> {
        match self {
            Draw::Node { glyph, label }
            | Draw::Gateway { glyph, label }
            | Draw::Hub { glyph, label } => Some((glyph, label)),
            Draw::Hidden | Draw::Network | Draw::Subnet | Draw::Link => None,
        }
    }
}

/// How an account's box in the org diagram counts a kind: a short name and
/// its plural ending (`12 EC2`, `6 subnets`).
#[derive(Debug)]
pub struct Counted {
    pub short: &'static str,
    pub plural: &'static str,
}

/// Everything about one resource kind.
#[derive(Debug)]
pub struct KindDef {
    /// File, filter and CLI name (`security_group`). Never changes once
    /// written to a snapshot.
    pub name: &'static str,
    /// Other names `type:` accepts (`sg`, `security-group`).
    pub aliases: &'static [&'static str],
    /// Plural label for headers and legends (`Security groups`).
    pub label: &'static str,
    /// The AWS service (`ec2`).
    pub service: &'static str,
    /// The read call that lists it, as coverage cells name it
    /// (`ec2:DescribeInstances`): one cell per account and region (or per
    /// account for a global kind) says whether this kind was collected.
    pub api: &'static str,
    pub scope: Scope,
    /// ARN template: `{partition}`, `{region}`, `{account}`, `{id}`.
    pub arn: &'static str,
    pub fields: &'static [FieldDef],
    pub key: KeyDef,
    pub relations: &'static [RelationDef],
    pub draw: Draw,
    /// Counted in an account's box of the org diagram, or not (a box has
    /// room for a few counts: security groups would drown them).
    pub counted: Option<Counted>,
}

impl KindDef {
    /// Index of the field `s` names (see [`FieldDef::answers_to`]).
    pub fn field_index(&self, s: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.answers_to(s))
    }

    /// Index of the field whose file key is exactly `key`.
    pub fn field_by_key(&self, key: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.key == key)
    }

    /// The first CIDR or IP field: what `cidr:` tests for containment.
    pub fn net_field(&self) -> Option<usize> {
        self.fields
            .iter()
            .position(|f| matches!(f.ty, ValueType::Cidr | ValueType::Ip))
    }

    pub fn relation(&self, rel: Rel) -> Option<&RelationDef> {
        self.relations.iter().find(|r| r.rel == rel)
    }
}

/// A resource kind: an index into [`kinds::ALL`]. `Ord` is registry order.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Kind(pub(super) u16);

impl Kind {
    /// The descriptor.
    pub fn def(self) -> &'static KindDef {
        kinds::ALL[usize::from(self.0)]
    }

    /// Every kind, in registry order.
    pub fn all() -> impl ExactSizeIterator<Item = Kind> + Clone {
        (0..kinds::ALL.len()).map(|i| Kind(i as u16))
    }

    /// How many kinds this build knows (sizes per-kind arrays).
    pub fn count() -> usize {
        kinds::ALL.len()
    }

    /// Dense index, for per-kind arrays and bit sets.
    pub fn index(self) -> usize {
        usize::from(self.0)
    }

    /// The name used in files, filters and the CLI.
    pub fn as_str(self) -> &'static str {
        self.def().name
    }

    /// Human label for headers and legends (plural: `Elastic IPs`).
    pub fn label(self) -> &'static str {
        self.def().label
    }

    /// The label of one (`Elastic IP`): labels are plurals in `s`.
    pub fn singular(self) -> &'static str {
        let label = self.label();
        label.strip_suffix('s').unwrap_or(label)
    }

    /// The label inside a sentence (`19 elastic IPs`, `3 VPCs`): the first
    /// letter lowered unless the first word is an acronym or a name that
    /// says so by its capitals (`S3 buckets`, `DB instances`, `DynamoDB
    /// tables`): a word without a lower-case letter, or with two capitals.
    pub fn label_in_text(self) -> String {
        let label = self.label();
        let first = label.split(' ').next().unwrap_or(label);
        let acronym = !first.chars().any(|c| c.is_ascii_lowercase())
            || first.chars().filter(char::is_ascii_uppercase).count() > 1;
        let mut chars = label.chars();
        match chars.next() {
            Some(c) if !acronym => c.to_lowercase().chain(chars).collect(),
            _ => label.to_string(),
        }
    }

    /// Parse a kind name or alias, case-insensitively (`-` and `_` alike,
    /// a trailing `s` accepted).
    pub fn parse(s: &str) -> Option<Kind> {
        let s = s.to_ascii_lowercase().replace('-', "_");
        let find = |s: &str| {
            Kind::all().find(|k| {
                let d = k.def();
                d.name == s || d.aliases.contains(&s)
            })
        };
        find(&s).or_else(|| s.strip_suffix('s').and_then(find))
    }
}

impl fmt::Debug for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Kind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Kind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Kind, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        // Exact names only: a file never holds an alias.
        Kind::all().find(|k| k.as_str() == s).ok_or_else(|| {
            serde::de::Error::custom(format_args!(
                "unknown resource type '{s}' (this build knows: {})",
                Kind::all().map(Kind::as_str).collect::<Vec<_>>().join(", ")
            ))
        })
    }
}

/// The read calls of every regional kind, in registry order: the coverage
/// cells each collected account-region has (the demo and the collector
/// both list them from here).
pub fn regional_apis() -> impl Iterator<Item = &'static str> + Clone {
    Kind::all()
        .filter(|k| k.def().scope == Scope::Regional)
        .map(|k| k.def().api)
}

/// The read calls of the global kinds, once each (the IAM kinds share
/// one): the account-wide coverage cells of a collected account. Listed
/// once per process: coverage rules ask it of every cell of an estate.
pub fn global_apis() -> impl Iterator<Item = &'static str> + Clone {
    static APIS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    APIS.get_or_init(|| {
        let mut seen: Vec<&'static str> = Vec::new();
        for k in Kind::all().filter(|k| k.def().scope == Scope::Global) {
            if !seen.contains(&k.def().api) {
                seen.push(k.def().api);
            }
        }
        seen
    })
    .iter()
    .copied()
}

/// The read calls of the [`Scope::Listed`] kinds, once each: account-wide
/// cells that say whether those kinds were read in every region.
pub fn listed_apis() -> impl Iterator<Item = &'static str> + Clone {
    static APIS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    APIS.get_or_init(|| {
        let mut seen: Vec<&'static str> = Vec::new();
        for k in Kind::all().filter(|k| k.def().scope == Scope::Listed) {
            if !seen.contains(&k.def().api) {
                seen.push(k.def().api);
            }
        }
        seen
    })
    .iter()
    .copied()
}

/// Every account-wide read of the kinds, in registry order: the global
/// kinds' ([`global_apis`]) then the listed ones' ([`listed_apis`]) — the
/// `global` cells of a collected account besides AssumeRole.
pub fn account_apis() -> impl Iterator<Item = &'static str> + Clone {
    global_apis().chain(listed_apis())
}

/// A set of kinds as bits (the registry is capped at 128 kinds).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct KindSet(u128);

impl KindSet {
    pub fn insert(&mut self, k: Kind) {
        self.0 |= 1u128 << k.index();
    }
    pub fn contains(self, k: Kind) -> bool {
        self.0 & (1u128 << k.index()) != 0
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

impl FromIterator<Kind> for KindSet {
    fn from_iter<I: IntoIterator<Item = Kind>>(iter: I) -> Self {
        let mut s = KindSet::default();
        for k in iter {
            s.insert(k);
        }
        s
    }
}
