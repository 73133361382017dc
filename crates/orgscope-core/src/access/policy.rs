//! IAM policy documents parsed once into a checked [`Policy`] ("parse,
//! don't validate"): trust policies, inline and managed policies all go
//! through [`parse`], and everything after it (trust classification,
//! administrator power, the canonical statements the diff compares) reads
//! typed statements instead of poking at JSON.
//!
//! Real documents are irregular, and the reader takes what AWS itself
//! accepts: a single string or a list wherever a list may be; a single
//! statement object instead of a list; the principal `"*"` or a map of
//! principal types, each a string or a list; condition values as strings,
//! booleans or numbers, one or a list. Element names are matched without
//! regard to ASCII case (`"effect"` reads as `"Effect"`): orgscope reads
//! documents AWS has already accepted, so leniency costs nothing and a
//! reviewer is not shown a spurious error. Documents that come from
//! `GetAccountAuthorizationDetails` are URL-encoded (`%7B%22Version…`);
//! both forms are read.
//!
//! Anything else is a [`PolicyError`] whose message says where
//! (`Statement[1].Effect`) and what was found — never a panic, whatever
//! the input: the depth of nesting is bounded by `serde_json`'s recursion
//! limit, and nothing here recurses on the input itself.
//!
//! The canonical one-line rendering of a statement lives in `canonical.rs`.

use std::fmt;

use serde_json::{Map, Value as Json};

/// A document that cannot be read as a policy, with a message for a person.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PolicyError(pub String);

impl PolicyError {
    fn at(path: &str, message: impl fmt::Display) -> PolicyError {
        PolicyError(format!("{path}: {message}"))
    }
}

/// A parsed policy document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// `2012-10-17` (or the older `2008-10-17`) when given.
    pub version: Option<String>,
    pub id: Option<String>,
    pub statements: Vec<Statement>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Effect {
    Allow,
    Deny,
}

impl Effect {
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

/// One principal of a `Principal` or `NotPrincipal` element.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Principal {
    /// The bare `"*"`: everyone, signed in or anonymous.
    Any,
    /// `{"AWS": …}`: an account id, an ARN or `*`.
    Aws(String),
    /// `{"Service": …}`: `ec2.amazonaws.com`.
    Service(String),
    /// `{"Federated": …}`: a SAML or OIDC provider ARN or a web identity
    /// provider (`accounts.google.com`).
    Federated(String),
    /// `{"CanonicalUser": …}` (S3 only).
    CanonicalUser(String),
}

impl Principal {
    /// The principal type as AWS spells it (`*` for [`Principal::Any`]).
    pub fn type_name(&self) -> &'static str {
        match self {
            Principal::Any => "*",
            Principal::Aws(_) => "AWS",
            Principal::Service(_) => "Service",
            Principal::Federated(_) => "Federated",
            Principal::CanonicalUser(_) => "CanonicalUser",
        }
    }

    pub fn value(&self) -> &str {
        match self {
            Principal::Any => "*",
            Principal::Aws(v)
            | Principal::Service(v)
            | Principal::Federated(v)
            | Principal::CanonicalUser(v) => v,
        }
    }
}

impl fmt::Display for Principal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Principal::Any => f.write_str("*"),
            p => write!(f, "{}:{}", p.type_name(), p.value()),
        }
    }
}

/// A `Principal` (or, `negated`, a `NotPrincipal`) element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principals {
    pub negated: bool,
    pub items: Vec<Principal>,
}

/// `Action`/`NotAction` or `Resource`/`NotResource`: a list of names or
/// patterns, or (`negated`) everything but them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Names {
    pub negated: bool,
    pub items: Vec<String>,
}

impl Names {
    /// Does a pattern of the list match `name` (IAM's `*` and `?`, ASCII
    /// case-insensitive as action names are), negation applied?
    pub fn covers(&self, name: &str) -> bool {
        let hit = self.items.iter().any(|p| {
            if p.contains(['*', '?']) {
                wildmatch::WildMatch::new_case_insensitive(p).matches(name)
            } else {
                p.eq_ignore_ascii_case(name)
            }
        });
        hit != self.negated
    }

    /// Is the list exactly "everything" (`*`, or an action `*:*`)?
    pub fn is_everything(&self) -> bool {
        !self.negated && self.items.iter().any(|s| s == "*" || s == "*:*")
    }
}

/// One condition: `operator` (`StringEquals`, `Bool`, …) on `key`
/// (`aws:PrincipalOrgID`) with its values as text (a JSON boolean or
/// number as it reads: `true`, `3600`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Condition {
    pub operator: String,
    pub key: String,
    pub values: Vec<String>,
}

impl Condition {
    /// Is the key `key` (condition keys are case-insensitive)?
    pub fn is_key(&self, key: &str) -> bool {
        self.key.eq_ignore_ascii_case(key)
    }
}

/// One statement of a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    pub principal: Option<Principals>,
    pub action: Names,
    pub resource: Option<Names>,
    pub conditions: Vec<Condition>,
}

/// Parse a policy document: JSON text, or that text URL-encoded.
pub fn parse(text: &str) -> Result<Policy, PolicyError> {
    from_json(&read_json(text)?)
}

/// Read JSON text, or that text URL-encoded as IAM returns it.
pub fn read_json(text: &str) -> Result<Json, PolicyError> {
    let decoded;
    let text = if looks_encoded(text) {
        decoded = percent_decode(text)?;
        decoded.as_str()
    } else {
        text
    };
    serde_json::from_str(text).map_err(|e| PolicyError(format!("not JSON: {e}")))
}

/// Parse a policy already read as JSON (an inline policy inside the
/// collector's object of name → document). A JSON string is read as a
/// document's text.
pub fn from_json(json: &Json) -> Result<Policy, PolicyError> {
    let doc = match json {
        Json::Object(m) => m,
        Json::String(s) => return parse(s),
        other => {
            return Err(PolicyError(format!(
                "a policy document is a JSON object, found {}",
                kind_of(other)
            )));
        }
    };
    let mut version = None;
    let mut id = None;
    let mut statements = None;
    for (k, v) in doc {
        match canonical_key(k, &["Version", "Id", "Statement"]) {
            Some("Version") => version = Some(string(v, "Version")?),
            Some("Id") => id = Some(string(v, "Id")?),
            Some(_) => statements = Some(statement_list(v)?),
            None => {
                return Err(PolicyError(format!(
                    "unknown policy element \"{}\" (expected Version, Id, Statement)",
                    clip(k)
                )));
            }
        }
    }
    let statements =
        statements.ok_or_else(|| PolicyError("the document has no Statement".to_string()))?;
    Ok(Policy {
        version,
        id,
        statements,
    })
}

/// Encoded text never starts with a JSON opening: `%7B` is `{`.
fn looks_encoded(text: &str) -> bool {
    let t = text.trim_start();
    t.starts_with('%')
}

/// RFC 3986 percent-decoding (IAM's encoding; `+` stays a plus: it is
/// literal in ARNs and conditions).
fn percent_decode(text: &str) -> Result<String, PolicyError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| {
                    PolicyError(format!("URL-encoded document has a bad escape at byte {i}"))
                })?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out)
        .map_err(|_| PolicyError("URL-encoded document is not UTF-8 once decoded".to_string()))
}

/// Which of `names` `key` is, ASCII case aside.
fn canonical_key(key: &str, names: &[&'static str]) -> Option<&'static str> {
    names.iter().copied().find(|n| n.eq_ignore_ascii_case(key))
}

fn kind_of(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "a list",
        Json::Object(_) => "an object",
    }
}

/// A value for a message: at most 60 characters.
fn clip(s: &str) -> String {
    match s.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

fn string(v: &Json, path: &str) -> Result<String, PolicyError> {
    match v {
        Json::String(s) => Ok(s.clone()),
        other => Err(PolicyError::at(
            path,
            format_args!("expected a string, found {}", kind_of(other)),
        )),
    }
}

/// A string or a list of strings. The path of an item is formatted only
/// for an error: a list of a thousand actions allocates nothing else.
fn strings(v: &Json, path: &str) -> Result<Vec<String>, PolicyError> {
    match v {
        Json::String(s) => Ok(vec![s.clone()]),
        Json::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                Json::String(s) => Ok(s.clone()),
                other => string(other, &format!("{path}[{i}]")),
            })
            .collect(),
        other => Err(PolicyError::at(
            path,
            format_args!(
                "expected a string or a list of strings, found {}",
                kind_of(other)
            ),
        )),
    }
}

fn statement_list(v: &Json) -> Result<Vec<Statement>, PolicyError> {
    match v {
        Json::Object(m) => Ok(vec![statement(m, "Statement")?]),
        Json::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let path = format!("Statement[{i}]");
                match item {
                    Json::Object(m) => statement(m, &path),
                    other => Err(PolicyError::at(
                        &path,
                        format_args!("expected a statement object, found {}", kind_of(other)),
                    )),
                }
            })
            .collect(),
        other => Err(PolicyError::at(
            "Statement",
            format_args!(
                "expected a statement or a list of statements, found {}",
                kind_of(other)
            ),
        )),
    }
}

const STATEMENT_KEYS: [&str; 10] = [
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
    // Not AWS's, but harmless where it appears: ignored.
    "Comment",
];

fn statement(m: &Map<String, Json>, path: &str) -> Result<Statement, PolicyError> {
    let mut sid = None;
    let mut effect = None;
    let mut principal: Option<Principals> = None;
    let mut action: Option<Names> = None;
    let mut resource: Option<Names> = None;
    let mut conditions = Vec::new();
    let both = |what: &str| {
        PolicyError::at(
            path,
            format_args!("has both {what} and Not{what}; a statement takes one"),
        )
    };
    for (k, v) in m {
        let Some(key) = canonical_key(k, &STATEMENT_KEYS) else {
            return Err(PolicyError::at(
                path,
                format_args!(
                    "unknown element \"{}\" (expected Sid, Effect, Principal, NotPrincipal, \
                     Action, NotAction, Resource, NotResource, Condition)",
                    clip(k)
                ),
            ));
        };
        let at = format!("{path}.{key}");
        match key {
            "Sid" => sid = Some(string(v, &at)?),
            "Effect" => {
                let s = string(v, &at)?;
                effect = Some(match s.to_ascii_lowercase().as_str() {
                    "allow" => Effect::Allow,
                    "deny" => Effect::Deny,
                    _ => {
                        return Err(PolicyError::at(
                            &at,
                            format_args!("expected \"Allow\" or \"Deny\", found \"{}\"", clip(&s)),
                        ));
                    }
                });
            }
            "Principal" | "NotPrincipal" => {
                if principal.is_some() {
                    return Err(both("Principal"));
                }
                principal = Some(Principals {
                    negated: key == "NotPrincipal",
                    items: principals(v, &at)?,
                });
            }
            "Action" | "NotAction" => {
                if action.is_some() {
                    return Err(both("Action"));
                }
                action = Some(Names {
                    negated: key == "NotAction",
                    items: strings(v, &at)?,
                });
            }
            "Resource" | "NotResource" => {
                if resource.is_some() {
                    return Err(both("Resource"));
                }
                resource = Some(Names {
                    negated: key == "NotResource",
                    items: strings(v, &at)?,
                });
            }
            "Condition" => conditions = condition_block(v, &at)?,
            _ => {}
        }
    }
    Ok(Statement {
        sid,
        effect: effect.ok_or_else(|| PolicyError::at(path, "has no Effect"))?,
        principal,
        action: action.ok_or_else(|| PolicyError::at(path, "has neither Action nor NotAction"))?,
        resource,
        conditions,
    })
}

fn principals(v: &Json, path: &str) -> Result<Vec<Principal>, PolicyError> {
    match v {
        Json::String(s) if s == "*" => Ok(vec![Principal::Any]),
        Json::Object(m) => {
            let mut out = Vec::new();
            for (k, v) in m {
                let Some(ty) = canonical_key(k, &["AWS", "Service", "Federated", "CanonicalUser"])
                else {
                    return Err(PolicyError::at(
                        path,
                        format_args!(
                            "unknown principal type \"{}\" (expected AWS, Service, Federated, \
                             CanonicalUser)",
                            clip(k)
                        ),
                    ));
                };
                let at = format!("{path}.{ty}");
                for s in strings(v, &at)? {
                    out.push(match ty {
                        "AWS" => Principal::Aws(s),
                        "Service" => Principal::Service(s),
                        "Federated" => Principal::Federated(s),
                        _ => Principal::CanonicalUser(s),
                    });
                }
            }
            Ok(out)
        }
        Json::String(s) => Err(PolicyError::at(
            path,
            format_args!(
                "a principal string must be \"*\", found \"{}\"; write {{\"AWS\": \"…\"}}",
                clip(s)
            ),
        )),
        other => Err(PolicyError::at(
            path,
            format_args!(
                "expected \"*\" or an object of principals, found {}",
                kind_of(other)
            ),
        )),
    }
}

/// A condition value: a string, a boolean or a number (AWS compares them
/// as text), or a list of them.
fn condition_values(v: &Json, path: &str) -> Result<Vec<String>, PolicyError> {
    let one = |v: &Json, path: &dyn Fn() -> String| match v {
        Json::String(s) => Ok(s.clone()),
        Json::Bool(b) => Ok(b.to_string()),
        Json::Number(n) => Ok(n.to_string()),
        other => Err(PolicyError::at(
            &path(),
            format_args!(
                "expected a string, boolean or number, found {}",
                kind_of(other)
            ),
        )),
    };
    match v {
        Json::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| one(item, &|| format!("{path}[{i}]")))
            .collect(),
        other => Ok(vec![one(other, &|| path.to_string())?]),
    }
}

fn condition_block(v: &Json, path: &str) -> Result<Vec<Condition>, PolicyError> {
    let Json::Object(ops) = v else {
        return Err(PolicyError::at(
            path,
            format_args!("expected an object of operators, found {}", kind_of(v)),
        ));
    };
    let mut out = Vec::new();
    for (op, keys) in ops {
        let at = format!("{path}.{}", clip(op));
        let Json::Object(keys) = keys else {
            return Err(PolicyError::at(
                &at,
                format_args!(
                    "expected an object of condition keys, found {}",
                    kind_of(keys)
                ),
            ));
        };
        for (key, values) in keys {
            out.push(Condition {
                operator: op.clone(),
                key: key.clone(),
                values: condition_values(values, &format!("{at}.{}", clip(key)))?,
            });
        }
    }
    Ok(out)
}

impl Statement {
    /// Does the statement's action list cover `action`?
    pub fn covers_action(&self, action: &str) -> bool {
        self.action.covers(action)
    }

    /// Does it allow every action on every resource (administrator power),
    /// whatever its conditions?
    pub fn allows_everything(&self) -> bool {
        self.effect == Effect::Allow
            && self.action.is_everything()
            && self.resource.as_ref().is_some_and(Names::is_everything)
    }
}

impl Policy {
    /// Does some statement allow `*` on `*`?
    pub fn allows_everything(&self) -> bool {
        self.statements.iter().any(Statement::allows_everything)
    }
}
