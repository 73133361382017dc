//! One resource of any kind: where it is (account, region), what it is
//! (its [`Kind`]), its id, name and tags, its fields as typed [`Value`]s in
//! the order of the kind's descriptor, and its [`Edge`]s to other
//! resources. Reading a field by name goes through the descriptor once;
//! the hot paths (filter, sort, diff) resolve the index once per kind and
//! then index `fields` directly.
//!
//! In a snapshot a resource is one flat JSON object — `account_id`,
//! `region`, `type`, `id`, `name`, `tags`, then each non-null field under
//! its file key, then `relations` — so `jq '.resources[] | .instance_type'`
//! keeps working. Reading is strict (an unknown key is an error with its
//! line and column) and also accepts version 1 resources, whose
//! references (`vpc_id`, `subnet_id`, `security_groups`, `attachments`)
//! become edges.

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Tags;
use super::kind::{Kind, ValueType};
use super::kinds;
use super::relation::{Edge, Rel};
use super::value::{SgRule, Value};

/// One resource in one account-region.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub account_id: String,
    /// A region, or `global` for account-wide kinds.
    pub region: String,
    pub kind: Kind,
    pub id: String,
    /// The `Name` tag, or the natural name (a security group's group name).
    pub name: Option<String>,
    pub tags: Tags,
    /// One value per field of `kind.def().fields`, in that order.
    pub fields: Vec<Value>,
    pub relations: Vec<Edge>,
    /// When this resource's data was captured, RFC 3339 UTC, when it
    /// differs from the estate's `collected_at`: an AWS Config aggregator's
    /// `configurationItemCaptureTime`, which may be hours or days older
    /// than the run that read it. `None` for a live read, whose data is as
    /// old as the run. Written as `captured_at` only when set, so live
    /// snapshots do not change.
    pub captured_at: Option<String>,
}

impl Resource {
    /// A resource of `kind` with every field null and no tags or edges.
    pub fn new(
        kind: Kind,
        account_id: impl Into<String>,
        region: impl Into<String>,
        id: impl Into<String>,
    ) -> Resource {
        Resource {
            account_id: account_id.into(),
            region: region.into(),
            kind,
            id: id.into(),
            name: None,
            tags: Tags::new(),
            fields: vec![Value::Null; kind.def().fields.len()],
            relations: Vec::new(),
            captured_at: None,
        }
    }

    /// Set field `name` (a name, file key or alias of the kind's field).
    /// Naming a field the kind does not have is a bug in the caller, caught
    /// by the debug assertion and each kind's tests.
    pub fn set(&mut self, name: &str, value: impl Into<Value>) -> &mut Resource {
        match self.kind.def().field_index(name) {
            Some(i) => self.fields[i] = value.into(),
            None => debug_assert!(false, "kind {} has no field {name}", self.kind),
        }
        self
    }

    /// Builder form of [`Resource::set`].
    pub fn with(mut self, name: &str, value: impl Into<Value>) -> Resource {
        self.set(name, value);
        self
    }

    pub fn with_edge(mut self, edge: Edge) -> Resource {
        self.relations.push(edge);
        self
    }

    /// The value of field `name`, `None` when the kind has no such field.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.kind
            .def()
            .field_index(name)
            .and_then(|i| self.fields.get(i))
    }

    /// Text of field `name` when it holds text.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(Value::as_str)
    }

    /// Edges of one type.
    pub fn edges(&self, rel: Rel) -> impl Iterator<Item = &Edge> {
        self.relations.iter().filter(move |e| e.rel == rel)
    }

    /// The first edge of `rel`'s far-end id.
    pub fn first(&self, rel: Rel) -> Option<&str> {
        self.edges(rel).next().map(|e| e.to.as_str())
    }

    /// Is this resource a VPC (its own VPC)? Decided by kind alone, without
    /// reading the edges: indexes ask it of every resource.
    pub fn is_vpc(&self) -> bool {
        self.kind == kinds::VPC
    }

    /// The VPC this resource lives in: itself for a VPC, else its `in_vpc`
    /// edge.
    pub fn vpc_id(&self) -> Option<&str> {
        if self.is_vpc() {
            Some(&self.id)
        } else {
            self.first(Rel::InVpc)
        }
    }

    /// `Name` tag, falling back to the id, for display.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }

    /// The resource ARN (for "copy ARN"), from the kind's template.
    pub fn arn(&self) -> String {
        self.kind
            .def()
            .arn
            .replace("{partition}", "aws")
            .replace(
                "{region}",
                if super::is_global(&self.region) {
                    ""
                } else {
                    &self.region
                },
            )
            .replace("{account}", &self.account_id)
            .replace("{id}", &self.id)
    }
}

impl Serialize for Resource {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let def = self.kind.def();
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("account_id", &self.account_id)?;
        m.serialize_entry("region", &self.region)?;
        m.serialize_entry("type", &self.kind)?;
        m.serialize_entry("id", &self.id)?;
        m.serialize_entry("name", &self.name)?;
        m.serialize_entry("tags", &self.tags)?;
        for (f, v) in def.fields.iter().zip(&self.fields) {
            match v {
                Value::Null => {}
                Value::Text(t) => m.serialize_entry(f.key, t)?,
                Value::Number(n) => m.serialize_entry(f.key, n)?,
                Value::Bool(b) => m.serialize_entry(f.key, b)?,
                Value::List(l) => m.serialize_entry(f.key, l)?,
                Value::Rules(r) => m.serialize_entry(f.key, r)?,
            }
        }
        if !self.relations.is_empty() {
            m.serialize_entry("relations", &self.relations)?;
        }
        if let Some(at) = &self.captured_at {
            m.serialize_entry(CAPTURED_AT, at)?;
        }
        m.end()
    }
}

/// Reads one field's value as its descriptor types it; `null` is `Null`.
struct FieldSeed(ValueType);

impl<'de> DeserializeSeed<'de> for FieldSeed {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Ok(match self.0 {
            ValueType::Text | ValueType::Cidr | ValueType::Ip | ValueType::Time => {
                Option::<String>::deserialize(d)?.into()
            }
            ValueType::Number => Option::<i64>::deserialize(d)?.into(),
            ValueType::Bool => Option::<bool>::deserialize(d)?.map_or(Value::Null, Value::Bool),
            ValueType::List => {
                Option::<Vec<String>>::deserialize(d)?.map_or(Value::Null, Value::from)
            }
            ValueType::Rules => {
                Option::<Vec<SgRule>>::deserialize(d)?.map_or(Value::Null, Value::from)
            }
        })
    }
}

/// Version 1 references, which version 2 keeps as edges.
#[derive(Deserialize)]
struct V1GroupRef {
    id: String,
    name: String,
}

#[derive(Deserialize)]
struct V1Attachment {
    instance_id: String,
    device: String,
    state: String,
}

impl<'de> Deserialize<'de> for Resource {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Resource, D::Error> {
        d.deserialize_map(ResourceVisitor)
    }
}

struct ResourceVisitor;

impl<'de> Visitor<'de> for ResourceVisitor {
    type Value = Resource;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a resource object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Resource, A::Error> {
        let mut account_id = None;
        let mut region = None;
        let mut kind: Option<Kind> = None;
        let mut id = None;
        let mut name = None;
        let mut tags = None;
        let mut fields: Vec<Value> = Vec::new();
        let mut relations: Vec<Edge> = Vec::new();
        let mut captured_at = None;
        // Both versions write `type` before any field, so fields are read
        // straight into their typed values; a hand-edited file (or a
        // `serde_json::Value`, whose keys are sorted) that puts one first
        // has it buffered until the type is known.
        let mut early: Vec<(String, serde_json::Value)> = Vec::new();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "account_id" => account_id = Some(map.next_value()?),
                "region" => region = Some(map.next_value()?),
                "type" => {
                    let k: Kind = map.next_value()?;
                    fields = vec![Value::Null; k.def().fields.len()];
                    kind = Some(k);
                }
                "id" => id = Some(map.next_value()?),
                "name" => name = Some(map.next_value()?),
                "tags" => tags = Some(map.next_value()?),
                "relations" => relations.extend(map.next_value::<Vec<Edge>>()?),
                CAPTURED_AT => captured_at = map.next_value()?,
                other => match kind {
                    None => early.push((other.to_string(), map.next_value()?)),
                    Some(k) => match slot(k, other)? {
                        Slot::Field(i) => {
                            fields[i] = map.next_value_seed(FieldSeed(k.def().fields[i].ty))?
                        }
                        Slot::V1(r) => relations.extend(map.next_value_seed(r)?),
                    },
                },
            }
        }
        let kind = kind.ok_or_else(|| de::Error::missing_field("type"))?;
        for (key, value) in early {
            match slot(kind, &key)? {
                Slot::Field(i) => {
                    fields[i] = FieldSeed(kind.def().fields[i].ty)
                        .deserialize(value)
                        .map_err(de::Error::custom)?
                }
                Slot::V1(r) => relations.extend(r.deserialize(value).map_err(de::Error::custom)?),
            }
        }
        // A `Vec` read from JSON grows by doubling (four slots for the first
        // edge, ~0.5 KB); at a million resources the spare slots cost
        // ~0.3 GB, so each list keeps exactly its edges.
        relations.shrink_to_fit();
        Ok(Resource {
            account_id: account_id.ok_or_else(|| de::Error::missing_field("account_id"))?,
            region: region.ok_or_else(|| de::Error::missing_field("region"))?,
            kind,
            id: id.ok_or_else(|| de::Error::missing_field("id"))?,
            name: name.unwrap_or(None),
            tags: tags.ok_or_else(|| de::Error::missing_field("tags"))?,
            fields,
            relations,
            captured_at,
        })
    }
}

/// The file key of [`Resource::captured_at`]. No kind has a field of that
/// key (`model::tests` holds every descriptor to it).
pub const CAPTURED_AT: &str = "captured_at";

/// Where a key of a resource of `kind` goes.
enum Slot {
    Field(usize),
    V1(V1Ref),
}

fn slot<E: de::Error>(kind: Kind, key: &str) -> Result<Slot, E> {
    if let Some(i) = kind.def().field_by_key(key) {
        return Ok(Slot::Field(i));
    }
    v1_reference(kind, key).map(Slot::V1).ok_or_else(|| {
        E::custom(format_args!(
            "unknown field '{key}' for resource type {kind}"
        ))
    })
}

/// A version 1 reference, which version 2 keeps as edges.
#[derive(Clone, Copy)]
enum V1Ref {
    /// `vpc_id` or `subnet_id`: one id (or null).
    Id(Rel, Kind),
    /// An instance's `security_groups`: `[{id, name}]`.
    Groups,
    /// A volume's `attachments`: `[{instance_id, device, state}]`.
    Attachments,
}

/// The version 1 reference key `key` of `kind`, if it is one. Version 1
/// knew five kinds and is frozen, so this table never grows.
fn v1_reference(kind: Kind, key: &str) -> Option<V1Ref> {
    match key {
        "vpc_id" if [kinds::INSTANCE, kinds::SUBNET, kinds::SECURITY_GROUP].contains(&kind) => {
            Some(V1Ref::Id(Rel::InVpc, kinds::VPC))
        }
        "subnet_id" if kind == kinds::INSTANCE => Some(V1Ref::Id(Rel::InSubnet, kinds::SUBNET)),
        "security_groups" if kind == kinds::INSTANCE => Some(V1Ref::Groups),
        "attachments" if kind == kinds::VOLUME => Some(V1Ref::Attachments),
        _ => None,
    }
}

impl<'de> DeserializeSeed<'de> for V1Ref {
    type Value = Vec<Edge>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<Edge>, D::Error> {
        Ok(match self {
            V1Ref::Id(rel, to) => Option::<String>::deserialize(d)?
                .map(|id| Edge::new(rel, to, id))
                .into_iter()
                .collect(),
            V1Ref::Groups => Vec::<V1GroupRef>::deserialize(d)?
                .into_iter()
                .map(|g| Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, g.id).named(g.name))
                .collect(),
            V1Ref::Attachments => Vec::<V1Attachment>::deserialize(d)?
                .into_iter()
                .map(|a| {
                    Edge::new(Rel::AttachedTo, kinds::INSTANCE, a.instance_id)
                        .attr("device", a.device)
                        .attr("state", a.state)
                })
                .collect(),
        })
    }
}
