//! Table columns: what a cell shows for a resource (the same text in the
//! GUI table, CSV/JSON export and the CLI) and sorting by it.

use std::borrow::Cow;
use std::cmp::Ordering;

use crate::model::{Details, Resource};

use super::context::Context;
use super::eval::{az, state};

/// A column of the resource table.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Column {
    Type,
    Id,
    Name,
    /// Account name (the id when the name is unknown).
    Account,
    AccountId,
    /// The account's OU path, `Workloads/Prod`.
    Ou,
    Region,
    /// The VPC's Name tag, else its id.
    Vpc,
    State,
    InstanceType,
    /// VPC/subnet CIDR.
    Cidr,
    Az,
    PrivateIp,
    PublicIp,
    Tag(String),
}

impl Column {
    /// The default table columns.
    pub const DEFAULT: [Column; 8] = [
        Column::Type,
        Column::Name,
        Column::Id,
        Column::Account,
        Column::Region,
        Column::Vpc,
        Column::State,
        Column::InstanceType,
    ];

    /// Header text (also the CSV header and JSON key).
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
            Column::State => "state",
            Column::InstanceType => "instance_type",
            Column::Cidr => "cidr",
            Column::Az => "az",
            Column::PrivateIp => "private_ip",
            Column::PublicIp => "public_ip",
            Column::Tag(k) => return Cow::Owned(format!("tag:{k}")),
        })
    }

    /// Parse a column name as [`Column::header`] writes it (`tag:KEY` for
    /// tags; a few aliases accepted).
    pub fn parse(s: &str) -> Option<Column> {
        if let Some(key) = s.strip_prefix("tag:") {
            return (!key.is_empty()).then(|| Column::Tag(key.to_string()));
        }
        Some(match s.to_ascii_lowercase().replace('-', "_").as_str() {
            "type" => Column::Type,
            "id" => Column::Id,
            "name" => Column::Name,
            "account" => Column::Account,
            "account_id" => Column::AccountId,
            "ou" => Column::Ou,
            "region" => Column::Region,
            "vpc" => Column::Vpc,
            "state" => Column::State,
            "instance_type" | "itype" => Column::InstanceType,
            "cidr" => Column::Cidr,
            "az" => Column::Az,
            "private_ip" | "ip" => Column::PrivateIp,
            "public_ip" => Column::PublicIp,
            _ => return None,
        })
    }
}

/// The cell text, borrowed where possible (grouping and sorting use this
/// to avoid allocating per row).
pub fn cell_str<'a>(ctx: &'a Context, r: &'a Resource, col: &Column) -> Cow<'a, str> {
    let s: &str = match col {
        Column::Type => r.resource_type().as_str(),
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
        Column::State => state(r).unwrap_or(""),
        Column::InstanceType => match &r.details {
            Details::Instance(i) => &i.instance_type,
            _ => "",
        },
        Column::Cidr => match &r.details {
            Details::Vpc(v) => &v.cidr_block,
            Details::Subnet(s) => &s.cidr_block,
            _ => "",
        },
        Column::Az => az(r).unwrap_or(""),
        Column::PrivateIp => match &r.details {
            Details::Instance(i) => i.private_ip.as_deref().unwrap_or(""),
            _ => "",
        },
        Column::PublicIp => match &r.details {
            Details::Instance(i) => i.public_ip.as_deref().unwrap_or(""),
            _ => "",
        },
        Column::Tag(k) => r.tags.get(k).map(String::as_str).unwrap_or(""),
    };
    Cow::Borrowed(s)
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
    // Each cell's [`natural_key`] goes into one shared buffer, so the sort
    // compares bytes instead of re-walking digit runs on every comparison.
    let mut buf: Vec<u8> = Vec::with_capacity(indices.len() * 24);
    let mut keyed: Vec<(std::ops::Range<usize>, Cow<'_, str>, usize)> = indices
        .iter()
        .map(|&i| {
            let cell = resources
                .get(i)
                .map(|r| cell_str(ctx, r, col))
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
