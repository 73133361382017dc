//! Field values: the few shapes a [`FieldDef`](super::FieldDef) can hold,
//! and the security-group rule, the one structured value AWS has that the
//! diff must understand (compared as a set, group references resolved to
//! names). A value knows how to show itself as cell text, which is what
//! tables, CSV, filters and sorting all read.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

/// One field's value on one resource. `Null`: the resource has no value for
/// the field (AWS did not say, or the kind's field does not apply).
///
/// Boxed slices rather than `String`/`Vec`: values are never grown once
/// read, and without the capacity word a value is 24 bytes, not 32 (a
/// resource holds one per field of its kind, ~8 MB at 100,000 resources).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Value {
    #[default]
    Null,
    Text(Box<str>),
    Number(i64),
    Bool(bool),
    List(Box<[String]>),
    Rules(Box<[SgRule]>),
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The text of a text-like value (text, CIDR, IP, time).
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<i64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_list(&self) -> &[String] {
        match self {
            Value::List(l) => l,
            _ => &[],
        }
    }

    pub fn as_rules(&self) -> &[SgRule] {
        match self {
            Value::Rules(r) => r,
            _ => &[],
        }
    }

    /// The value as one line of text: what a table cell, a CSV field and a
    /// filter compare against. Borrowed for text (the common case).
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Value::Null => Cow::Borrowed(""),
            Value::Text(s) => Cow::Borrowed(s),
            Value::Number(n) => Cow::Owned(n.to_string()),
            Value::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
            Value::List(l) => match &**l {
                [one] => Cow::Borrowed(one),
                _ => Cow::Owned(l.join(", ")),
            },
            Value::Rules(r) => Cow::Owned(
                r.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        }
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Text(s.into_boxed_str())
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Text(s.into())
    }
}

impl From<Option<String>> for Value {
    fn from(s: Option<String>) -> Value {
        s.map_or(Value::Null, Value::from)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Value {
        Value::Number(n)
    }
}

impl From<Option<i64>> for Value {
    fn from(n: Option<i64>) -> Value {
        n.map_or(Value::Null, Value::Number)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<Vec<String>> for Value {
    fn from(l: Vec<String>) -> Value {
        Value::List(l.into_boxed_slice())
    }
}

impl From<Vec<SgRule>> for Value {
    fn from(r: Vec<SgRule>) -> Value {
        Value::Rules(r.into_boxed_slice())
    }
}

/// One normalized security-group rule: a protocol/port range and one peer.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SgRule {
    /// `tcp`, `udp`, `icmp`, `icmpv6`, a protocol number, or `all`.
    pub protocol: String,
    pub from_port: Option<i32>,
    pub to_port: Option<i32>,
    pub peer: RulePeer,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum RulePeer {
    Cidr(String),
    Ipv6Cidr(String),
    /// A security group id (possibly `account/sg-id` for cross-account refs).
    SecurityGroup(String),
    PrefixList(String),
}

impl SgRule {
    /// True when the rule lets the whole internet in.
    pub fn is_open_to_world(&self) -> bool {
        matches!(&self.peer, RulePeer::Cidr(c) if c == "0.0.0.0/0")
            || matches!(&self.peer, RulePeer::Ipv6Cidr(c) if c == "::/0")
    }
}

impl fmt::Display for SgRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ports = match (self.from_port, self.to_port) {
            (Some(a), Some(b)) if a == b => format!("{a}"),
            (Some(a), Some(b)) if a == -1 && b == -1 => "all".to_string(),
            (Some(a), Some(b)) => format!("{a}-{b}"),
            _ => "all".to_string(),
        };
        let peer = match &self.peer {
            RulePeer::Cidr(c) | RulePeer::Ipv6Cidr(c) => c.clone(),
            RulePeer::SecurityGroup(g) => g.clone(),
            RulePeer::PrefixList(p) => p.clone(),
        };
        write!(f, "{}/{} from {}", self.protocol, ports, peer)
    }
}
