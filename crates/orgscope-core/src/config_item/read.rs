//! Reading a configuration item's JSON the way the crawl reads an API's
//! answer: a key that is absent or `null` is a value AWS left out (`None`,
//! a null field, exactly as a live read that lacked it); a key of the
//! wrong type is an [`ItemError::Malformed`] naming the item and the key,
//! so a malformed item is reported rather than read as empty.
//!
//! Config writes the same facts in more than one spelling across resource
//! types and over the years: numbers and yes/no as JSON or as text, times
//! as RFC 3339 with or without milliseconds or as epoch milliseconds, tags
//! as `[{key, value}]` or `{key: value}`. Each accessor takes every
//! spelling Config is documented to use and normalises it to the crawl's
//! (times: [`time`]); anything else is an error.

use serde_json::Value as Json;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{ConfigItem, ItemError};
use crate::model::{Kind, Resource, Tags};

/// Reads keys of one JSON object of an item (its `configuration`, its
/// `supplementaryConfiguration`, or an object nested in either).
#[derive(Clone, Copy)]
pub struct Reader<'a> {
    item: &'a ConfigItem,
    root: &'a Json,
}

impl<'a> Reader<'a> {
    /// The item's `configuration`.
    pub fn new(item: &'a ConfigItem) -> Reader<'a> {
        Reader {
            item,
            root: &item.configuration,
        }
    }

    /// The item's `supplementaryConfiguration`.
    pub fn supplementary(item: &'a ConfigItem) -> Reader<'a> {
        Reader {
            item,
            root: &item.supplementary,
        }
    }

    /// A reader of `root`, a JSON value the caller holds (an object
    /// [`Reader::embedded`] read out of a text), errors naming `item`.
    pub fn over(item: &'a ConfigItem, root: &'a Json) -> Reader<'a> {
        Reader { item, root }
    }

    /// The value at a dotted path of keys (`placement.availabilityZone`),
    /// `None` when any step is absent or `null`.
    pub fn get(&self, path: &str) -> Option<&'a Json> {
        let mut v = self.root;
        for key in path.split('.') {
            v = v.get(key)?;
        }
        (!v.is_null()).then_some(v)
    }

    /// The object at `path`, read the same way (`None` when absent).
    pub fn object(&self, path: &str) -> Result<Option<Reader<'a>>, ItemError> {
        match self.get(path) {
            None => Ok(None),
            Some(v @ Json::Object(_)) => Ok(Some(Reader {
                item: self.item,
                root: v,
            })),
            Some(_) => Err(self.malformed(path, "is not an object")),
        }
    }

    /// Each object of the list at `path` (empty when absent).
    pub fn objects(&self, path: &str) -> Result<Vec<Reader<'a>>, ItemError> {
        match self.get(path) {
            None => Ok(Vec::new()),
            Some(Json::Array(a)) => a
                .iter()
                .filter(|v| !v.is_null())
                .map(|v| match v {
                    Json::Object(_) => Ok(Reader {
                        item: self.item,
                        root: v,
                    }),
                    _ => Err(self.malformed(path, "holds an entry that is not an object")),
                })
                .collect(),
            Some(_) => Err(self.malformed(path, "is not a list")),
        }
    }

    /// The object at `path` as an owned value, whether the item holds it
    /// as an object or as JSON text of one: configuration history and
    /// snapshot files write each `supplementaryConfiguration` entry (an S3
    /// bucket's versioning, policy, ...) as text. `None` when absent;
    /// empty text is absent too. Read it with [`Reader::over`].
    pub fn embedded(&self, path: &str) -> Result<Option<Json>, ItemError> {
        match self.get(path) {
            None => Ok(None),
            Some(v @ Json::Object(_)) => Ok(Some(v.clone())),
            Some(Json::String(s)) if s.is_empty() => Ok(None),
            Some(Json::String(s)) => match serde_json::from_str::<Json>(s) {
                Ok(v @ Json::Object(_)) => Ok(Some(v)),
                Ok(Json::Null) => Ok(None),
                _ => Err(self.malformed(path, "is text that is not a JSON object")),
            },
            Some(_) => Err(self.malformed(path, "is not an object")),
        }
    }

    /// Text at `path` written either bare or wrapped as `{"value": text}`:
    /// Config serialises some of the SDK's enums (a Lambda function's
    /// `state`) as an object holding the text, and the schema lists such
    /// keys as `path.value`.
    pub fn text_or_value(&self, path: &str) -> Result<Option<String>, ItemError> {
        match self.get(path) {
            Some(Json::Object(_)) => self.text(&format!("{path}.value")),
            _ => self.text(path),
        }
    }

    /// Text at `path`; empty text is `None`, as the crawl's `opt` makes it.
    pub fn text(&self, path: &str) -> Result<Option<String>, ItemError> {
        match self.get(path) {
            None => Ok(None),
            Some(Json::String(s)) => Ok((!s.is_empty()).then(|| s.clone())),
            Some(_) => Err(self.malformed(path, "is not text")),
        }
    }

    /// Text at `path`, or at `path.key` when `path` holds an object. AWS
    /// Config writes some of the SDK's enums as text in one item and as an
    /// object in another (a volume's `"state": "in-use"` in older items,
    /// `"state": {"value": "in-use"}` — its schema's `state.value` — in
    /// newer ones; a peering's `status` as `{"code": …}`).
    pub fn text_in(&self, path: &str, key: &str) -> Result<Option<String>, ItemError> {
        match self.get(path) {
            Some(Json::Object(_)) => self.text(&format!("{path}.{key}")),
            _ => self.text(path),
        }
    }

    /// A whole number at `path`, as a JSON number or its text.
    pub fn number(&self, path: &str) -> Result<Option<i64>, ItemError> {
        match self.get(path) {
            None => Ok(None),
            Some(Json::Number(n)) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| self.malformed(path, "is not a whole number")),
            Some(Json::String(s)) if s.is_empty() => Ok(None),
            Some(Json::String(s)) => s
                .parse()
                .map(Some)
                .map_err(|_| self.malformed(path, "is not a whole number")),
            Some(_) => Err(self.malformed(path, "is not a number")),
        }
    }

    /// A yes/no at `path`, as a JSON boolean or the text `true`/`false`.
    pub fn flag(&self, path: &str) -> Result<Option<bool>, ItemError> {
        match self.get(path) {
            None => Ok(None),
            Some(Json::Bool(b)) => Ok(Some(*b)),
            Some(Json::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(Json::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(_) => Err(self.malformed(path, "is not true or false")),
        }
    }

    /// A list of texts at `path` (`None` when absent; empty texts dropped).
    pub fn texts(&self, path: &str) -> Result<Option<Vec<String>>, ItemError> {
        match self.get(path) {
            None => Ok(None),
            Some(Json::Array(a)) => a
                .iter()
                .filter(|v| !v.is_null())
                .map(|v| match v {
                    Json::String(s) => Ok(s.clone()),
                    _ => Err(self.malformed(path, "holds an entry that is not text")),
                })
                .filter(|s| s.as_ref().map_or(true, |s| !s.is_empty()))
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(_) => Err(self.malformed(path, "is not a list")),
        }
    }

    /// A time at `path`, normalised by [`time`] (or [`millis`] for a
    /// number).
    pub fn time(&self, path: &str) -> Result<Option<String>, ItemError> {
        match self.get(path) {
            None => Ok(None),
            Some(Json::String(s)) if s.is_empty() => Ok(None),
            Some(Json::String(s)) => time(s)
                .map(Some)
                .ok_or_else(|| self.malformed(path, "is not an RFC 3339 time")),
            Some(Json::Number(n)) => n
                .as_i64()
                .and_then(millis)
                .map(Some)
                .ok_or_else(|| self.malformed(path, "is not a time in epoch milliseconds")),
            Some(_) => Err(self.malformed(path, "is not a time")),
        }
    }

    /// Text at `path` that the item must have: its absence is an error.
    pub fn required(&self, path: &str) -> Result<String, ItemError> {
        self.text(path)?
            .ok_or_else(|| self.malformed(path, "is missing"))
    }

    /// An error about `key` of this item.
    pub fn malformed(&self, key: &str, why: &str) -> ItemError {
        ItemError::Malformed {
            resource_type: self.item.resource_type.clone(),
            resource_id: self.item.resource_id.clone(),
            key: key.to_string(),
            why: why.to_string(),
        }
    }
}

/// A resource of `kind` for `item`, id `id`, in the item's account and
/// region, with the item's tags and its name the `Name` tag (else
/// `fallback`): what the crawl's `resource` helpers make before fields.
pub fn resource(item: &ConfigItem, kind: Kind, id: &str, fallback: Option<&str>) -> Resource {
    let mut r = Resource::new(kind, &item.account_id, &item.region, id);
    r.tags = item.tags.clone();
    r.name = r
        .tags
        .get("Name")
        .cloned()
        .or_else(|| fallback.map(str::to_string));
    r
}

/// An RFC 3339 time (`2017-02-28T17:32:09.000Z`, `…+00:00`) in the form
/// the crawl writes (the SDK's: UTC, whole seconds, a fraction only when
/// non-zero and without trailing zeros, at most microseconds).
pub fn time(s: &str) -> Option<String> {
    let t = OffsetDateTime::parse(s, &Rfc3339).ok()?;
    format(t.to_offset(time::UtcOffset::UTC))
}

/// Epoch milliseconds (as some Config types write times) in the crawl's
/// form.
pub fn millis(ms: i64) -> Option<String> {
    let t = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()?;
    format(t)
}

fn format(t: OffsetDateTime) -> Option<String> {
    if !(1..=9999).contains(&t.year()) {
        return None;
    }
    let mut out = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    let micros = t.microsecond();
    if micros > 0 {
        let frac = format!("{micros:06}");
        out.push('.');
        out.push_str(frac.trim_end_matches('0'));
    }
    out.push('Z');
    Some(out)
}

/// Tags as Config writes them: `[{"key": k, "value": v}]` (advanced query,
/// and most types' `configuration.tags`, sometimes `Key`/`Value`) or
/// `{k: v}` (the item's `tags` in history and snapshot files).
pub fn tags(v: &Json) -> Result<Tags, &'static str> {
    match v {
        Json::Null => Ok(Tags::new()),
        Json::Object(o) => o
            .iter()
            .map(|(k, v)| match v {
                Json::String(s) => Ok((k.clone(), s.clone())),
                Json::Null => Ok((k.clone(), String::new())),
                _ => Err("holds a value that is not text"),
            })
            .collect(),
        Json::Array(a) => a
            .iter()
            .map(|t| {
                let key = t
                    .get("key")
                    .or_else(|| t.get("Key"))
                    .and_then(Json::as_str)
                    .ok_or("holds a tag without a key")?;
                let value = match t.get("value").or_else(|| t.get("Value")) {
                    None | Some(Json::Null) => "",
                    Some(Json::String(s)) => s,
                    Some(_) => return Err("holds a tag value that is not text"),
                };
                Ok((key.to_string(), value.to_string()))
            })
            .collect(),
        _ => Err("is neither a list of tags nor an object"),
    }
}
