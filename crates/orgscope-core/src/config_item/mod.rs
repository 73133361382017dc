//! AWS Config configuration items, read into orgscope's kinds.
//!
//! An AWS Config aggregator holds, for every recorded resource of every
//! account and region it aggregates, a *configuration item*: the resource's
//! type (`AWS::EC2::Instance`), id, name, ARN, account, region, capture
//! time, tags and relationships, and its `configuration` — for most types
//! the service's own describe output with lower-camel-case keys
//! (`instanceId`, `dBInstanceIdentifier`), for some the CloudFormation
//! shape — plus a `supplementaryConfiguration` (an S3 bucket's versioning,
//! policy and public access block). `orgscope collect --source
//! config-aggregator` reads these with `SelectAggregateResourceConfig`
//! (`orgscope-aws`'s `config` module) and turns each into the same
//! [`Resource`] the crawl would have made from the service's API: the same
//! kind, id, name, tags, fields and edges. Everything downstream (query,
//! diff, diagrams, access, cost) then works unchanged, and the
//! differential integration test holds the two sources to identical
//! estates apart from provenance.
//!
//! Why this lives in the core: it is a pure function of JSON text, so it
//! is tested without the SDK, and a Config snapshot file delivered to S3
//! holds the same items.
//!
//! The mapping from a resource type to a kind is data ([`Mapper`]), one
//! table per group of services (`ec2`, `services`, `iam`). A kind without
//! a mapper is one Config does not record, or orgscope does not read from
//! it yet: [`not_recorded`] names them, so a run's summary says so and its
//! coverage marks them not collected, never silently empty. A field of a
//! mapped kind that Config's items do not carry is null, and named by
//! [`fields_not_recorded`]. Each mapper
//! reads its fields through [`read`]'s accessors, which tell a missing key
//! (a field the item does not carry: `Null`, as a live read that AWS left
//! out) from a key of the wrong type (an error naming the item and the
//! key: a malformed item is reported, never guessed at).

use std::fmt;

use serde_json::Value as Json;

use crate::model::{Kind, Resource, Tags};

pub use complete::Completion;

mod complete;
mod ec2;
mod iam;
pub mod read;
mod services;

/// One configuration item as the aggregator returns it (a row of
/// `SELECT *`), with what every mapper needs already read.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigItem {
    pub account_id: String,
    pub region: String,
    /// `AWS::Service::Type`.
    pub resource_type: String,
    pub resource_id: String,
    pub resource_name: Option<String>,
    pub arn: Option<String>,
    /// `configurationItemCaptureTime`, normalised to the crawl's RFC 3339
    /// form ([`read::time`]).
    pub captured_at: Option<String>,
    /// `configurationItemStatus`: `OK`, `ResourceDiscovered`,
    /// `ResourceNotRecorded`, `ResourceDeleted`, `ResourceDeletedNotRecorded`.
    pub status: Option<String>,
    pub tags: Tags,
    /// The resource's configuration (an object; `{}` when absent).
    pub configuration: Json,
    /// `supplementaryConfiguration` (an object; `{}` when absent).
    pub supplementary: Json,
    pub relationships: Vec<Relationship>,
}

/// One entry of an item's `relationships`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relationship {
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
    pub resource_name: Option<String>,
    /// e.g. `Is contained in Vpc`, `Is attached to Instance`.
    pub name: String,
}

/// Why an item could not be read or mapped. Each names the item, so a
/// run's summary says which resource of which account was skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemError {
    /// Not JSON, or not an object.
    NotJson(String),
    /// A key every item has (`resourceType`, `resourceId`, `accountId`,
    /// `awsRegion`) is missing or not text.
    Missing(&'static str),
    /// A mapper found a key of the wrong type, or a value it cannot read.
    Malformed {
        resource_type: String,
        resource_id: String,
        key: String,
        why: String,
    },
}

impl fmt::Display for ItemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ItemError::NotJson(e) => {
                write!(f, "a configuration item that is not a JSON object: {e}")
            }
            ItemError::Missing(key) => write!(f, "a configuration item without `{key}`"),
            ItemError::Malformed {
                resource_type,
                resource_id,
                key,
                why,
            } => write!(f, "{resource_type} {resource_id}: `{key}` {why}"),
        }
    }
}

impl std::error::Error for ItemError {}

/// How one resource type becomes one kind.
pub struct Mapper {
    /// The Config resource type, e.g. `AWS::EC2::Instance`.
    pub resource_type: &'static str,
    pub kind: Kind,
    /// The item's resource, exactly as the crawl would make it (its
    /// `captured_at` is set by [`to_resource`], not here).
    pub map: fn(&ConfigItem) -> Result<Resource, ItemError>,
}

/// Every mapper, in the order of the tables.
pub fn mappers() -> impl Iterator<Item = &'static Mapper> {
    ec2::MAPPERS
        .iter()
        .chain(services::MAPPERS)
        .chain(iam::MAPPERS)
}

/// The mapper of a Config resource type.
pub fn mapper(resource_type: &str) -> Option<&'static Mapper> {
    mappers().find(|m| m.resource_type == resource_type)
}

/// The Config resource type a kind is read from, if any.
pub fn resource_type_of(kind: Kind) -> Option<&'static str> {
    mappers().find(|m| m.kind == kind).map(|m| m.resource_type)
}

/// The kinds no mapper reads: not recorded by AWS Config, or not read from
/// it by orgscope. A Config-sourced estate marks them not collected.
pub fn not_recorded() -> Vec<Kind> {
    Kind::all()
        .filter(|k| resource_type_of(*k).is_none())
        .collect()
}

/// The `(kind, field)` pairs of kinds that *are* read from Config whose
/// field Config's items do not carry (a Transit Gateway's `state`): null in
/// every resource a mapper makes, where the crawl has a value. The
/// differential test leaves them out of its comparison, and a run's
/// summary can name them.
pub fn fields_not_recorded() -> impl Iterator<Item = (&'static str, &'static str)> {
    ec2::NOT_RECORDED
        .iter()
        .chain(services::NOT_RECORDED)
        .chain(iam::NOT_RECORDED)
        .copied()
}

/// What one item becomes.
#[derive(Debug, Clone, PartialEq)]
pub enum Mapped {
    Resource(Box<Resource>),
    /// Config keeps an item for a deleted resource
    /// (`ResourceDeleted`, `ResourceDeletedNotRecorded`): not in the estate.
    Deleted,
    /// A type no mapper reads (the query asked for it by mistake, or a
    /// future aggregator answers with more).
    Unmapped,
}

/// The resource an item describes, with its capture time.
pub fn to_resource(item: &ConfigItem) -> Result<Mapped, ItemError> {
    if matches!(
        item.status.as_deref(),
        Some("ResourceDeleted" | "ResourceDeletedNotRecorded")
    ) {
        return Ok(Mapped::Deleted);
    }
    let Some(m) = mapper(&item.resource_type) else {
        return Ok(Mapped::Unmapped);
    };
    let mut r = (m.map)(item)?;
    debug_assert_eq!(r.kind, m.kind, "{} mapped to another kind", m.resource_type);
    r.captured_at = item.captured_at.clone();
    Ok(Mapped::Resource(Box::new(r)))
}

impl ConfigItem {
    /// One row of `SelectAggregateResourceConfig`'s `Results` (a JSON
    /// text). `configuration` may be an object (advanced query) or a JSON
    /// text holding one (configuration history, snapshot files); `tags`
    /// the query's `[{key, value}]` or the history's `{key: value}`.
    pub fn parse(row: &str) -> Result<ConfigItem, ItemError> {
        let v: Json = serde_json::from_str(row).map_err(|e| ItemError::NotJson(e.to_string()))?;
        ConfigItem::from_json(&v)
    }

    /// [`ConfigItem::parse`] of an already parsed item.
    pub fn from_json(v: &Json) -> Result<ConfigItem, ItemError> {
        let Json::Object(o) = v else {
            return Err(ItemError::NotJson("not an object".into()));
        };
        let text = |key: &'static str| -> Result<String, ItemError> {
            match o.get(key) {
                Some(Json::String(s)) if !s.is_empty() => Ok(s.clone()),
                _ => Err(ItemError::Missing(key)),
            }
        };
        let opt_text = |key: &str| match o.get(key) {
            Some(Json::String(s)) if !s.is_empty() => Some(s.clone()),
            _ => None,
        };
        let resource_type = text("resourceType")?;
        let resource_id = text("resourceId")?;
        let malformed = |key: &str, why: &str| ItemError::Malformed {
            resource_type: resource_type.clone(),
            resource_id: resource_id.clone(),
            key: key.to_string(),
            why: why.to_string(),
        };
        let object = |key: &str| -> Result<Json, ItemError> {
            match o.get(key) {
                None | Some(Json::Null) => Ok(Json::Object(Default::default())),
                Some(Json::Object(_)) => Ok(o[key].clone()),
                // Configuration history and snapshot files hold it as text.
                Some(Json::String(s)) if s.is_empty() => Ok(Json::Object(Default::default())),
                Some(Json::String(s)) => match serde_json::from_str::<Json>(s) {
                    Ok(v @ Json::Object(_)) => Ok(v),
                    _ => Err(malformed(key, "is text that is not a JSON object")),
                },
                Some(_) => Err(malformed(key, "is not an object")),
            }
        };
        let configuration = object("configuration")?;
        let supplementary = object("supplementaryConfiguration")?;
        let tags = match o.get("tags") {
            None | Some(Json::Null) => Tags::new(),
            Some(v) => read::tags(v).map_err(|why| malformed("tags", why))?,
        };
        let relationships = match o.get("relationships") {
            None | Some(Json::Null) => Vec::new(),
            Some(Json::Array(a)) => a
                .iter()
                .map(|r| {
                    let s = |k: &str| r.get(k).and_then(Json::as_str).map(str::to_string);
                    Ok(Relationship {
                        resource_type: s("resourceType"),
                        resource_id: s("resourceId"),
                        resource_name: s("resourceName"),
                        // `relationshipName` in the advanced query and
                        // the API; `name` in snapshot files and rule
                        // events (the developer guide's examples).
                        name: s("relationshipName")
                            .or_else(|| s("name"))
                            .ok_or_else(|| malformed("relationships", "has one without a name"))?,
                    })
                })
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(malformed("relationships", "is not a list")),
        };
        let captured_at = match opt_text("configurationItemCaptureTime") {
            None => None,
            Some(t) => Some(read::time(&t).ok_or_else(|| {
                malformed("configurationItemCaptureTime", "is not an RFC 3339 time")
            })?),
        };
        Ok(ConfigItem {
            account_id: text("accountId")?,
            region: text("awsRegion")?,
            resource_type,
            resource_id,
            resource_name: opt_text("resourceName"),
            arn: opt_text("arn").or_else(|| opt_text("ARN")),
            captured_at,
            status: opt_text("configurationItemStatus"),
            tags,
            configuration,
            supplementary,
            relationships,
        })
    }
}

#[cfg(test)]
mod tests;
