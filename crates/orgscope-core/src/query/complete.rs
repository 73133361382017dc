//! Completion for the filter bar: given the text and the cursor, what could
//! the word under the cursor become — tag keys, tag values of the key being
//! compared, field names (built-ins, relations and every descriptor field),
//! resource kinds from the registry, account names after `account:` and
//! `peer-account:` — tag keys and values ranked by how common they are.

use std::ops::Range;

use crate::model::{Kind, Rel, ValueType};

use super::fields::{catalog, field_names};
use super::group::{AccountChoice, TagCatalog};

/// One suggestion: replace the characters `replace` (char indices) with
/// `insert`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// What the list shows (`env`, `prod`, `type:`).
    pub label: String,
    /// Extra text for the list (`412 resources`).
    pub detail: String,
    pub replace: Range<usize>,
    pub insert: String,
}

const MAX: usize = 50;

fn needs_quotes(s: &str) -> bool {
    s.is_empty()
        || s.chars()
            .any(|c| c.is_whitespace() || matches!(c, '(' | ')' | '=' | ',' | '"' | '!' | ':'))
}

fn quote(s: &str) -> String {
    if needs_quotes(s) {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        s.to_string()
    }
}

fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len()
        && s.is_char_boundary(prefix.len())
        && s[..prefix.len()].eq_ignore_ascii_case(prefix)
}

/// The kinds whose name starts with `prefix`, in registry order.
fn kinds(prefix: &str, replace: Range<usize>, out: &mut Vec<Completion>) {
    for k in Kind::all() {
        if starts_with_ci(k.as_str(), prefix) {
            out.push(Completion {
                label: k.as_str().to_string(),
                detail: k.label().to_string(),
                replace: replace.clone(),
                insert: k.as_str().to_string(),
            });
        }
    }
}

/// The accounts whose name or id starts with `prefix`; `outside`: offer
/// the accounts outside the estate too (a peering's far end).
fn accounts(
    list: &[AccountChoice],
    prefix: &str,
    outside: bool,
    replace: Range<usize>,
    out: &mut Vec<Completion>,
) {
    for a in list {
        if out.len() >= MAX {
            break;
        }
        if (outside || !a.outside)
            && (starts_with_ci(&a.name, prefix) || starts_with_ci(&a.id, prefix))
        {
            out.push(Completion {
                label: a.name.clone(),
                detail: if a.outside {
                    "account outside the estate".to_string()
                } else {
                    format!("account {}", a.id)
                },
                replace: replace.clone(),
                insert: quote(&a.name),
            });
        }
    }
}

/// The values a descriptor field declares (see `FieldDef::values`) that
/// start with `prefix`, across the kinds that have the field: `true` and
/// `false` for a boolean, `account:{account}` once per account of the
/// estate.
fn field_values(
    field: &str,
    prefix: &str,
    accounts: &[AccountChoice],
    replace: Range<usize>,
    out: &mut Vec<Completion>,
) {
    let Some(info) = catalog().lookup(field).and_then(|n| catalog().get(n)) else {
        return;
    };
    let mut values: Vec<String> = Vec::new();
    for def in Kind::all().flat_map(|k| k.def().fields.iter()) {
        if def.name != info.name {
            continue;
        }
        if def.ty == ValueType::Bool {
            values.extend(["true".to_string(), "false".to_string()]);
        }
        for v in def.values {
            match v.split_once("{account}") {
                Some((before, after)) => values.extend(
                    accounts
                        .iter()
                        .filter(|a| !a.outside)
                        .map(|a| format!("{before}{}{after}", a.name)),
                ),
                None => values.push(v.to_string()),
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    for v in values {
        if out.len() >= MAX {
            break;
        }
        if starts_with_ci(&v, prefix) && seen.insert(v.clone()) {
            out.push(Completion {
                label: v.clone(),
                detail: info.label.to_string(),
                replace: replace.clone(),
                insert: quote(&v),
            });
        }
    }
}

/// Suggestions for the word that ends at `cursor_char` (a char index).
pub fn completions(src: &str, cursor_char: usize, catalog: &TagCatalog) -> Vec<Completion> {
    let chars: Vec<char> = src.chars().collect();
    let cursor = cursor_char.min(chars.len());
    // The word under the cursor: back to whitespace or a parenthesis
    // (quoted words with spaces are not completed mid-way).
    let mut start = cursor;
    while start > 0 && !chars[start - 1].is_whitespace() && !matches!(chars[start - 1], '(' | ')') {
        start -= 1;
    }
    if chars.get(start) == Some(&'-') {
        start += 1;
    }
    let word: String = chars[start..cursor].iter().collect();
    let unquote = |s: &str| s.trim_matches('"').to_string();
    let mut out = Vec::new();

    // key=va| or key!=a,b| : values of that key.
    if let Some(eq) = word.find('=') {
        let key = unquote(word[..eq].trim_end_matches('!'));
        let after = &word[eq + 1..];
        let last_comma = after.rfind(',').map(|i| i + 1).unwrap_or(0);
        let prefix = unquote(&after[last_comma..]);
        let vstart = start + word[..eq + 1 + last_comma].chars().count();
        if let Some(stats) = catalog.keys.get(&key) {
            let mut values: Vec<_> = stats
                .values
                .iter()
                .filter(|(v, _)| starts_with_ci(v, &prefix))
                .collect();
            values.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
            for (v, n) in values.into_iter().take(MAX) {
                out.push(Completion {
                    label: v.clone(),
                    detail: format!("{n} resources"),
                    replace: vstart..cursor,
                    insert: quote(v),
                });
            }
        }
        return out;
    }

    if let Some((field, prefix)) = word.split_once(':') {
        let vstart = start + field.chars().count() + 1;
        let prefix = unquote(prefix);
        match field.to_ascii_lowercase().as_str() {
            "has" => {
                for (k, n) in catalog.keys_by_count() {
                    if starts_with_ci(k, &prefix) && out.len() < MAX {
                        out.push(Completion {
                            label: k.to_string(),
                            detail: format!("{n} resources"),
                            replace: vstart..cursor,
                            insert: quote(k),
                        });
                    }
                }
            }
            "type" => kinds(&prefix, vstart..cursor, &mut out),
            "account" => accounts(&catalog.accounts, &prefix, false, vstart..cursor, &mut out),
            "peer-account" | "peer_account" => {
                accounts(&catalog.accounts, &prefix, true, vstart..cursor, &mut out)
            }
            // A relation's far end may be named by its kind
            // (`attached-to:instance`).
            f if Rel::parse_filter(f).is_some_and(|r| r != Rel::InVpc) => {
                kinds(&prefix, vstart..cursor, &mut out)
            }
            f => field_values(f, &prefix, &catalog.accounts, vstart..cursor, &mut out),
        }
        return out;
    }

    let prefix = unquote(&word);
    for f in field_names() {
        if starts_with_ci(f, &prefix) {
            out.push(Completion {
                label: format!("{f}:"),
                detail: "field".to_string(),
                replace: start..cursor,
                insert: format!("{f}:"),
            });
        }
    }
    for (k, n) in catalog.keys_by_count() {
        if out.len() >= MAX {
            break;
        }
        if starts_with_ci(k, &prefix) {
            out.push(Completion {
                label: format!("{k}="),
                detail: format!("tag, {n} resources"),
                replace: start..cursor,
                insert: format!("{}=", quote(k)),
            });
        }
    }
    out
}
