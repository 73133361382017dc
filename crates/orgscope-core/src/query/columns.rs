//! Table columns: what a cell shows for a resource (the same text in the
//! GUI table, CSV/JSON export and the CLI), sorting by it, and the default
//! columns of a kind, read from its descriptor. A column is a built-in
//! (type, id, name, account, OU, region, VPC), any descriptor field by name
//! (`state`, `instance_type`, `image_id`, ...), the far ends of a relation,
//! or a tag. Its stable name (the CSV header, `--columns`, the app's saved
//! settings) is [`Column::header`].

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::model::{Kind, Rel, Resource};

use super::context::Context;
use super::fields::{FieldInfo, catalog, same_name};

/// A column of the resource table.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Column {
    /// The kind's name (`instance`).
    Type,
    Id,
    Name,
    /// Account name (the id when the name is unknown).
    Account,
    AccountId,
    /// The account's OU path, `Workloads/Prod`.
    Ou,
    Region,
    /// The VPC's Name tag, else its id (a VPC shows itself).
    Vpc,
    /// A descriptor field by canonical name (`state`, `instance_type`):
    /// the value of the resource's kind's field of that name.
    Field(&'static str),
    /// The names (else ids) of the far ends of this relation's edges.
    Rel(Rel),
    Tag(String),
}

impl Column {
    /// The default columns of `orgscope list`.
    pub const DEFAULT: [Column; 8] = [
        Column::Type,
        Column::Name,
        Column::Id,
        Column::Account,
        Column::Region,
        Column::Vpc,
        Column::Field("state"),
        Column::Field("instance_type"),
    ];

    /// Header text (also the CSV header, the JSON key and the name
    /// [`Column::parse`] reads back).
    pub fn header(&self) -> Cow<'_, str> {
        Cow::Borrowed(match self {
            Column::Type => "type",
            Column::Id => "id",
            Column::Name => "name",
            Column::Account => "account",
            Column::AccountId => "account_id",
            Column::Ou => "ou",
            Column::Region => "region",
            Column::Vpc => "vpc",
            Column::Field(name) => name,
            Column::Rel(rel) => rel.as_str(),
            Column::Tag(k) => return Cow::Owned(format!("tag:{k}")),
        })
    }

    /// Human header for the app's table: "Account ID", the field's label
    /// ("Instance type"), "tag:env".
    pub fn title(&self) -> Cow<'_, str> {
        Cow::Borrowed(match self {
            Column::Type => "Type",
            Column::Id => "ID",
            Column::Name => "Name",
            Column::Account => "Account",
            Column::AccountId => "Account ID",
            Column::Ou => "OU",
            Column::Region => "Region",
            Column::Vpc => "VPC",
            Column::Field(name) => catalog()
                .index(name)
                .and_then(|n| catalog().get(n))
                .map_or(name, |f| f.label),
            Column::Rel(rel) => {
                let l = rel.label();
                let mut s = String::with_capacity(l.len());
                let mut chars = l.chars();
                s.extend(chars.next().map(|c| c.to_ascii_uppercase()));
                s.extend(chars);
                return Cow::Owned(s);
            }
            Column::Tag(k) => return Cow::Owned(format!("tag:{k}")),
        })
    }

    /// Parse a column name as [`Column::header`] writes it (`tag:KEY` for
    /// tags), or any name or alias of a descriptor field (`itype`, `ip`,
    /// `volume-type`) or relation filter (`sg`, `subnet`).
    pub fn parse(s: &str) -> Option<Column> {
        if let Some(key) = s.strip_prefix("tag:") {
            return (!key.is_empty()).then(|| Column::Tag(key.to_string()));
        }
        let builtin = [
            ("type", Column::Type),
            ("id", Column::Id),
            ("name", Column::Name),
            ("account", Column::Account),
            ("account_id", Column::AccountId),
            ("ou", Column::Ou),
            ("region", Column::Region),
            ("vpc", Column::Vpc),
        ];
        if let Some((_, c)) = builtin.into_iter().find(|(n, _)| same_name(n, s)) {
            return Some(c);
        }
        let cat = catalog();
        if let Some(f) = cat.lookup(s).and_then(|n| cat.get(n)) {
            return Some(Column::Field(f.name));
        }
        let rel = Rel::parse_filter(s)
            .or_else(|| Rel::ALL.into_iter().find(|r| same_name(r.as_str(), s)))?;
        // A resource's VPC already has its column (and a VPC is in itself).
        Some(if rel == Rel::InVpc {
            Column::Vpc
        } else {
            Column::Rel(rel)
        })
    }

    /// The default columns of a table of `kind`: name, id, account, region,
    /// the fields its descriptor marks as columns, then its VPC if it
    /// lives in one. For all kinds (`None`): type, name, id, account,
    /// region and the column field most kinds share (`state`).
    pub fn defaults(kind: Option<Kind>) -> Vec<Column> {
        let Some(kind) = kind else {
            let mut cols = vec![
                Column::Type,
                Column::Name,
                Column::Id,
                Column::Account,
                Column::Region,
            ];
            cols.extend(most_shared_column().map(Column::Field));
            return cols;
        };
        let def = kind.def();
        let mut cols = vec![Column::Name, Column::Id, Column::Account, Column::Region];
        cols.extend(
            def.fields
                .iter()
                .filter(|f| f.column)
                .map(|f| Column::Field(f.name)),
        );
        if def.relation(Rel::InVpc).is_some() {
            cols.push(Column::Vpc);
        }
        cols
    }
}

/// The field most kinds show as a column (ties: registry order).
fn most_shared_column() -> Option<&'static str> {
    let mut best: Option<(&'static str, usize)> = None;
    for info in &catalog().fields {
        let n = Kind::all()
            .filter(|&k| info.slot(k).is_some_and(|s| k.def().fields[s].column))
            .count();
        if n > 1 && best.is_none_or(|(_, b)| n > b) {
            best = Some((info.name, n));
        }
    }
    best.map(|(name, _)| name)
}

impl fmt::Display for Column {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.header())
    }
}

/// Saved as its header (`"state"`, `"tag:env"`): stable across releases
/// and readable by [`Column::parse`].
impl Serialize for Column {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.header())
    }
}

/// Reads a header, and the app's earlier saved form (`"InstanceType"`,
/// `{"Tag": "env"}`) so saved settings survive the upgrade.
impl<'de> Deserialize<'de> for Column {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Column, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Saved {
            Name(String),
            Tagged {
                #[serde(rename = "Tag")]
                tag: String,
            },
        }
        match Saved::deserialize(d)? {
            Saved::Tagged { tag } if !tag.is_empty() => Ok(Column::Tag(tag)),
            Saved::Tagged { .. } => Err(serde::de::Error::custom("empty tag column")),
            Saved::Name(s) => Column::parse(&s)
                .or_else(|| Column::parse(&snake_case(&s)))
                .ok_or_else(|| serde::de::Error::custom(format_args!("unknown column '{s}'"))),
        }
    }
}

/// `InstanceType` → `instance_type`.
fn snake_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for (i, c) in s.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// A column resolved for reading many rows: a field's per-kind index is
/// looked up once, not per row.
pub(crate) enum Reader<'c> {
    Col(&'c Column),
    Field(Option<&'static FieldInfo>),
}

impl<'c> Reader<'c> {
    pub(crate) fn new(col: &'c Column) -> Reader<'c> {
        match col {
            Column::Field(name) => {
                let cat = catalog();
                Reader::Field(cat.index(name).and_then(|n| cat.get(n)))
            }
            _ => Reader::Col(col),
        }
    }

    pub(crate) fn read<'a>(&self, ctx: &'a Context, r: &'a Resource) -> Cow<'a, str> {
        let s: &str = match self {
            Reader::Field(f) => {
                return f
                    .and_then(|f| f.value(r))
                    .map_or(Cow::Borrowed(""), |v| v.text());
            }
            Reader::Col(col) => match col {
                Column::Type => r.kind.as_str(),
                Column::Id => &r.id,
                Column::Name => r.name.as_deref().unwrap_or(""),
                Column::Account => ctx.account_name(&r.account_id),
                Column::AccountId => &r.account_id,
                Column::Ou => ctx.ou_path(&r.account_id),
                Column::Region => &r.region,
                Column::Vpc => match r.vpc_id() {
                    Some(id) => ctx.vpc_name(id).unwrap_or(id),
                    None => "",
                },
                Column::Rel(rel) => return far_names(ctx, r, *rel),
                Column::Tag(k) => r.tags.get(k).map(String::as_str).unwrap_or(""),
                // Read through `Reader::Field`; kept total.
                Column::Field(_) => return Reader::new(col).read(ctx, r),
            },
        };
        Cow::Borrowed(s)
    }
}

/// The far ends of `r`'s `rel` edges by name (the resource's, else the
/// edge's), else id, joined with ", ".
fn far_names<'a>(ctx: &'a Context, r: &'a Resource, rel: Rel) -> Cow<'a, str> {
    let resources = &ctx.estate().resources;
    let name = |e: &'a crate::model::Edge| -> &'a str {
        ctx.resolve(r, e)
            .and_then(|i| resources.get(i))
            .and_then(|f| f.name.as_deref())
            .or(e.name.as_deref())
            .unwrap_or(&e.to)
    };
    let mut edges = r.edges(rel);
    let Some(first) = edges.next() else {
        return Cow::Borrowed("");
    };
    let first = name(first);
    let mut rest = edges.peekable();
    if rest.peek().is_none() {
        return Cow::Borrowed(first);
    }
    let mut s = first.to_string();
    for e in rest {
        s.push_str(", ");
        s.push_str(name(e));
    }
    Cow::Owned(s)
}

/// The cell text, borrowed where possible (grouping and sorting use this
/// to avoid allocating per row). Missing values are "".
pub fn cell_str<'a>(ctx: &'a Context, r: &'a Resource, col: &Column) -> Cow<'a, str> {
    Reader::new(col).read(ctx, r)
}

/// The cell text for tables, CSV and sorting. Missing values are "".
pub fn cell(ctx: &Context, r: &Resource, col: &Column) -> String {
    cell_str(ctx, r, col).into_owned()
}

/// Sort `indices` by a column: case-insensitive, numbers inside text in
/// numeric order (`web-2` before `web-10`), empty cells last either way,
/// stable so a previous sort breaks ties.
pub fn sort(ctx: &Context, indices: &mut [usize], col: &Column, descending: bool) {
    let resources = &ctx.estate().resources;
    let reader = Reader::new(col);
    // Each cell's [`natural_key`] goes into one shared buffer, so the sort
    // compares bytes instead of re-walking digit runs on every comparison.
    let mut buf: Vec<u8> = Vec::with_capacity(indices.len() * 24);
    let mut keyed: Vec<(std::ops::Range<usize>, Cow<'_, str>, usize)> = indices
        .iter()
        .map(|&i| {
            let cell = resources
                .get(i)
                .map(|r| reader.read(ctx, r))
                .unwrap_or(Cow::Borrowed(""));
            let start = buf.len();
            natural_key(&cell, &mut buf);
            (start..buf.len(), cell, i)
        })
        .collect();
    keyed.sort_by(
        |(ka, a, _), (kb, b, _)| match (a.is_empty(), b.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            _ => {
                let o = buf[ka.clone()].cmp(&buf[kb.clone()]).then_with(|| a.cmp(b));
                if descending { o.reverse() } else { o }
            }
        },
    );
    for (slot, (_, _, i)) in indices.iter_mut().zip(keyed) {
        *slot = i;
    }
}

/// Append a key of `s` whose byte order is [`natural_cmp`]'s order, up to
/// its final tie-break on the raw strings: bytes ASCII-lowercased, and each
/// digit run as `'0'`, its length without leading zeros (4 bytes, big
/// endian), then those digits. The `'0'` marker sorts against a non-digit
/// exactly as any digit would, and length-then-digits is the numeric order.
pub(crate) fn natural_key(s: &str, out: &mut Vec<u8>) {
    let mut x = s.as_bytes();
    while let Some(&c) = x.first() {
        if c.is_ascii_digit() {
            let n = x.iter().take_while(|c| c.is_ascii_digit()).count();
            let d = trim_zeros(&x[..n]);
            out.push(b'0');
            out.extend_from_slice(&u32::try_from(d.len()).unwrap_or(u32::MAX).to_be_bytes());
            out.extend_from_slice(d);
            x = &x[n..];
        } else {
            out.push(c.to_ascii_lowercase());
            x = &x[1..];
        }
    }
}

/// Case-insensitive comparison treating digit runs as numbers.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.as_bytes(), b.as_bytes());
    loop {
        match (x.first(), y.first()) {
            (None, None) => return a.cmp(b),
            (None, _) => return Ordering::Less,
            (_, None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let n = x.iter().take_while(|c| c.is_ascii_digit()).count();
                let m = y.iter().take_while(|c| c.is_ascii_digit()).count();
                let (dx, dy) = (trim_zeros(&x[..n]), trim_zeros(&y[..m]));
                let o = dx.len().cmp(&dy.len()).then_with(|| dx.cmp(dy));
                if o != Ordering::Equal {
                    return o;
                }
                x = &x[n..];
                y = &y[m..];
            }
            (Some(c), Some(d)) => {
                let o = c.to_ascii_lowercase().cmp(&d.to_ascii_lowercase());
                if o != Ordering::Equal {
                    return o;
                }
                x = &x[1..];
                y = &y[1..];
            }
        }
    }
}

fn trim_zeros(d: &[u8]) -> &[u8] {
    let z = d.iter().take_while(|&&c| c == b'0').count();
    &d[z.min(d.len().saturating_sub(1))..]
}
