//! Grouping a filtered set (by a field or a tag) with counts and instance
//! capacity, and the catalog of tag keys and values with their counts that
//! feeds the filter bar's completion.

use std::collections::{BTreeMap, HashMap};

use crate::model::{Details, ResourceType};

use super::columns::{Column, cell_str};
use super::context::Context;

/// What to group by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupKey {
    Field(Column),
    Tag(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown group key '{0}': use tag:KEY, or one of type, account, account_id, ou, region, vpc, state, instance_type, az"
)]
pub struct GroupKeyError(pub String);

/// `tag:app`, `account`, `ou`, `region`, `vpc`, `type`, `state`...
pub fn parse_group_key(s: &str) -> Result<GroupKey, GroupKeyError> {
    let s = s.trim();
    match Column::parse(s) {
        Some(Column::Tag(k)) => Ok(GroupKey::Tag(k)),
        Some(c) => Ok(GroupKey::Field(c)),
        None => Err(GroupKeyError(s.to_string())),
    }
}

/// One group of a [`group_by`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Group {
    /// The value shared by the group ("" when `missing`).
    pub key: String,
    /// The resources lack the field or tag.
    pub missing: bool,
    pub count: usize,
    pub by_type: BTreeMap<ResourceType, usize>,
    /// Instances per instance type.
    pub instance_types: BTreeMap<String, usize>,
    /// Approximate vCPUs of the group's instances (see [`vcpus`]).
    pub vcpus: u64,
    /// Indices into `estate.resources`, in input order.
    pub indices: Vec<usize>,
}

/// Group `indices` by `key`; groups sorted by count (descending), then key,
/// with the "missing" group last.
pub fn group_by(ctx: &Context, indices: &[usize], key: &GroupKey) -> Vec<Group> {
    let resources = &ctx.estate().resources;
    let mut slot: HashMap<&str, usize> = HashMap::new();
    let mut groups: Vec<Group> = Vec::new();
    let mut missing: Option<Group> = None;
    let new_group = |k: &str, missing: bool| Group {
        key: k.to_string(),
        missing,
        count: 0,
        by_type: BTreeMap::new(),
        instance_types: BTreeMap::new(),
        vcpus: 0,
        indices: Vec::new(),
    };
    for &i in indices {
        let Some(r) = resources.get(i) else { continue };
        let value: Option<&str> = match key {
            GroupKey::Tag(k) => r.tags.get(k).map(String::as_str),
            GroupKey::Field(c) => match cell_str(ctx, r, c) {
                std::borrow::Cow::Borrowed(s) if !s.is_empty() => Some(s),
                _ => None,
            },
        };
        let g = match value {
            Some(v) => {
                let n = *slot.entry(v).or_insert_with(|| {
                    groups.push(new_group(v, false));
                    groups.len() - 1
                });
                &mut groups[n]
            }
            None => missing.get_or_insert_with(|| new_group("", true)),
        };
        g.count += 1;
        *g.by_type.entry(r.resource_type()).or_insert(0) += 1;
        if let Details::Instance(inst) = &r.details {
            match g.instance_types.get_mut(&inst.instance_type) {
                Some(n) => *n += 1,
                None => {
                    g.instance_types.insert(inst.instance_type.clone(), 1);
                }
            }
            g.vcpus += u64::from(vcpus(&inst.instance_type));
        }
        g.indices.push(i);
    }
    groups.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| super::columns::natural_cmp(&a.key, &b.key))
    });
    groups.extend(missing);
    groups
}

/// vCPUs of an instance type from its size suffix (`m5.2xlarge` → 8): right
/// for the general-purpose families, "vCPU-ish" for the rest. Unknown sizes
/// count as 2.
pub fn vcpus(instance_type: &str) -> u32 {
    let size = instance_type.rsplit('.').next().unwrap_or("");
    match size {
        "nano" | "micro" | "small" | "medium" | "large" => 2,
        "xlarge" => 4,
        "metal" => 96,
        s => s
            .strip_suffix("xlarge")
            .and_then(|n| n.parse::<u32>().ok())
            .map(|n| n.saturating_mul(4))
            .unwrap_or(2),
    }
}

/// Distinct tag keys, each with how many resources carry it and the count
/// of each value.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct TagCatalog {
    pub keys: BTreeMap<String, TagStats>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct TagStats {
    pub count: usize,
    pub values: BTreeMap<String, usize>,
}

impl TagCatalog {
    /// Keys sorted by how many resources carry them, most first.
    pub fn keys_by_count(&self) -> Vec<(&str, usize)> {
        let mut v: Vec<_> = self
            .keys
            .iter()
            .map(|(k, s)| (k.as_str(), s.count))
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        v
    }
}

/// The tag catalog of `indices`.
pub fn tag_catalog(ctx: &Context, indices: &[usize]) -> TagCatalog {
    let resources = &ctx.estate().resources;
    let mut acc: HashMap<&str, (usize, HashMap<&str, usize>)> = HashMap::new();
    for &i in indices {
        let Some(r) = resources.get(i) else { continue };
        for (k, v) in &r.tags {
            let e = acc.entry(k.as_str()).or_default();
            e.0 += 1;
            *e.1.entry(v.as_str()).or_insert(0) += 1;
        }
    }
    TagCatalog {
        keys: acc
            .into_iter()
            .map(|(k, (count, values))| {
                let values = values
                    .into_iter()
                    .map(|(v, n)| (v.to_string(), n))
                    .collect();
                (k.to_string(), TagStats { count, values })
            })
            .collect(),
    }
}
