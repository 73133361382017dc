//! Tag compliance: given the tag keys an organisation requires (`owner`,
//! `env`, `app`), how many resources lack each one — per account, per OU
//! (everything below it, computed from the tree, never stored) and for the
//! whole estate. Resources of every kind count, the modelled EC2 and ELB
//! kinds as much as the `tagged_resource`s the Tagging API adds, since a
//! policy "every resource has an owner" does not care which API listed it.
//!
//! What was not collected is never compliant: an account whose role was
//! refused has no resources, which would read as "nothing missing". So
//! every tally carries the account-regions whose collection did not
//! complete ([`Tally::not_collected`]), every view shows them, and a scope
//! with nothing collected shows no share at all rather than 0 %.
//!
//! Pure: the CLI (`orgscope compliance`) and the app's compliance window
//! both render this [`Report`].

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::Serialize;

use crate::export::csv_field;
use crate::model::{Estate, OrgUnit};

/// The tag keys a resource must carry, as given (`owner,env,app`):
/// trimmed, deduplicated, in the order written. Keys are case-sensitive,
/// as AWS's are.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RequiredTags(Vec<String>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequiredTagsError {
    #[error("no tag keys given: name at least one, e.g. owner,env,app")]
    Empty,
    #[error("tag key {0:?} is longer than AWS allows (128 characters)")]
    TooLong(String),
}

impl RequiredTags {
    /// Parse a comma-separated list; empty items are skipped, a list with
    /// none left is an error.
    pub fn parse(text: &str) -> Result<RequiredTags, RequiredTagsError> {
        RequiredTags::from_keys(text.split(','))
    }

    /// The keys given one by one (a persisted setting, a CLI list).
    pub fn from_keys<S: AsRef<str>>(
        keys: impl IntoIterator<Item = S>,
    ) -> Result<RequiredTags, RequiredTagsError> {
        let mut out: Vec<String> = Vec::new();
        for k in keys {
            let k = k.as_ref().trim();
            if k.is_empty() || out.iter().any(|o| o == k) {
                continue;
            }
            if k.chars().count() > 128 {
                return Err(RequiredTagsError::TooLong(k.chars().take(40).collect()));
            }
            out.push(k.to_string());
        }
        if out.is_empty() {
            return Err(RequiredTagsError::Empty);
        }
        Ok(RequiredTags(out))
    }

    pub fn keys(&self) -> &[String] {
        &self.0
    }

    /// `owner,env,app`, as parsed.
    pub fn to_text(&self) -> String {
        self.0.join(",")
    }
}

/// What one scope (an account, an OU, the estate) holds.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Tally {
    /// Resources counted (every kind, after the filter).
    pub resources: usize,
    /// Per required key, in the report's key order: resources without it.
    pub missing: Vec<usize>,
    /// `ACCOUNT-NAME REGION` (or `ACCOUNT-NAME global` when the account
    /// could not be entered) of every account-region whose collection did
    /// not complete: what is there is unknown, not compliant.
    pub not_collected: Vec<String>,
}

impl Tally {
    fn new(keys: usize) -> Tally {
        Tally {
            resources: 0,
            missing: vec![0; keys],
            not_collected: Vec::new(),
        }
    }

    fn add(&mut self, other: &Tally) {
        self.resources += other.resources;
        for (m, o) in self.missing.iter_mut().zip(&other.missing) {
            *m += o;
        }
        self.not_collected
            .extend(other.not_collected.iter().cloned());
    }

    /// The share of resources missing key `k`, in tenths of a percent,
    /// or `None` when nothing was counted (no share to speak of).
    pub fn permille_missing(&self, k: usize) -> Option<usize> {
        let missing = *self.missing.get(k)?;
        (self.resources > 0).then(|| (missing * 1000 + self.resources / 2) / self.resources)
    }

    /// Whether anything in this scope was not collected.
    pub fn is_partial(&self) -> bool {
        !self.not_collected.is_empty()
    }

    /// `12.5%` missing key `k`; `n/a` when nothing was counted and
    /// `not collected` when nothing could be; a partial scope's share is
    /// marked `*` (only part of it was read).
    pub fn share_text(&self, k: usize) -> String {
        match self.permille_missing(k) {
            Some(p) => {
                let mark = if self.is_partial() { "*" } else { "" };
                format!("{}.{}%{mark}", p / 10, p % 10)
            }
            None if self.is_partial() => "not collected".to_string(),
            None => "n/a".to_string(),
        }
    }
}

/// Which scope a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Estate,
    Ou,
    Account,
}

/// One row of the report: the estate, an OU (with everything below it) or
/// an account, in tree order (an OU, then its accounts, then its child
/// OUs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub level: Level,
    /// Indentation: 0 for the estate.
    pub depth: usize,
    /// The OU's path (`Workloads/Prod`), the account's name, or `estate`.
    pub name: String,
    /// The OU's or account's id; empty for the estate.
    pub id: String,
    pub tally: Tally,
}

/// Tag compliance of an estate for some required keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub keys: Vec<String>,
    pub rows: Vec<Row>,
}

/// The report for `estate`, counting the resources at `indices` (all of
/// them, or a filter's result).
pub fn compliance(
    estate: &Estate,
    required: &RequiredTags,
    indices: impl IntoIterator<Item = usize>,
) -> Report {
    let keys = required.keys();
    let mut per_account: HashMap<&str, Tally> = estate
        .accounts
        .iter()
        .map(|a| (a.id.as_str(), Tally::new(keys.len())))
        .collect();
    for i in indices {
        let Some(r) = estate.resources.get(i) else {
            continue;
        };
        let t = per_account
            .entry(r.account_id.as_str())
            .or_insert_with(|| Tally::new(keys.len()));
        t.resources += 1;
        for (m, k) in t.missing.iter_mut().zip(keys) {
            if !r.tags.contains_key(k) {
                *m += 1;
            }
        }
    }
    for (account, places) in not_collected(estate) {
        let name = estate.account(account).map_or(account, |a| a.name.as_str());
        if let Some(t) = per_account.get_mut(account) {
            t.not_collected
                .extend(places.into_iter().map(|p| format!("{name} {p}")));
        }
    }

    let mut rows = vec![Row {
        level: Level::Estate,
        depth: 0,
        name: "estate".to_string(),
        id: String::new(),
        tally: Tally::new(keys.len()),
    }];
    let mut seen: HashSet<&str> = HashSet::new();
    let account_row = |id: &str, depth: usize, per_account: &HashMap<&str, Tally>| Row {
        level: Level::Account,
        depth,
        name: estate
            .account(id)
            .map_or_else(|| id.to_string(), |a| a.name.clone()),
        id: id.to_string(),
        tally: per_account
            .get(id)
            .cloned()
            .unwrap_or_else(|| Tally::new(keys.len())),
    };
    // The root is the estate: its own accounts (the management account)
    // come first, then each OU.
    for id in &estate.tree.accounts {
        seen.insert(id);
        rows.push(account_row(id, 1, &per_account));
    }
    fn ou_rows<'e>(
        node: &'e OrgUnit,
        path: &str,
        depth: usize,
        rows: &mut Vec<Row>,
        seen: &mut HashSet<&'e str>,
        account_row: &dyn Fn(&str, usize) -> Row,
        keys: usize,
    ) {
        let at = rows.len();
        rows.push(Row {
            level: Level::Ou,
            depth,
            name: path.to_string(),
            id: node.id.clone(),
            tally: Tally::new(keys),
        });
        let mut total = Tally::new(keys);
        for id in &node.accounts {
            seen.insert(id);
            let row = account_row(id, depth + 1);
            total.add(&row.tally);
            rows.push(row);
        }
        for child in &node.children {
            let child_at = rows.len();
            ou_rows(
                child,
                &format!("{path}/{}", child.name),
                depth + 1,
                rows,
                seen,
                account_row,
                keys,
            );
            let child_total = rows[child_at].tally.clone();
            total.add(&child_total);
        }
        rows[at].tally = total;
    }
    let by_id = |id: &str, depth: usize| account_row(id, depth, &per_account);
    for child in &estate.tree.children {
        ou_rows(
            child,
            &child.name,
            1,
            &mut rows,
            &mut seen,
            &by_id,
            keys.len(),
        );
    }
    // Accounts the tree does not place (a collection of one account
    // without Organizations access) still count.
    for a in &estate.accounts {
        if !seen.contains(a.id.as_str()) {
            rows.push(account_row(&a.id, 1, &per_account));
        }
    }
    // The estate is every account once, whatever the tree says.
    let mut estate_total = Tally::new(keys.len());
    for row in rows.iter().filter(|r| r.level == Level::Account) {
        estate_total.add(&row.tally);
    }
    rows[0].tally = estate_total;
    Report {
        keys: keys.to_vec(),
        rows,
    }
}

/// Per account, the places (a region, or `global` for the whole account)
/// whose resources were not completely read: any cell there that did not
/// complete, except Cost Explorer's (it says nothing about resources),
/// and every place of an account that has no cell at all (outside the
/// run's scope). Sorted, so reports are stable.
fn not_collected(estate: &Estate) -> HashMap<&str, BTreeSet<String>> {
    let mut out: HashMap<&str, BTreeSet<String>> = HashMap::new();
    let mut with_cells: HashSet<&str> = HashSet::new();
    for c in &estate.coverage {
        if c.api.is_cost() {
            continue;
        }
        with_cells.insert(c.account_id.as_str());
        if !c.status.is_complete() {
            out.entry(c.account_id.as_str())
                .or_default()
                .insert(c.region.as_str().to_string());
        }
    }
    for a in &estate.accounts {
        if !with_cells.contains(a.id.as_str()) {
            out.entry(a.id.as_str())
                .or_default()
                .insert("global".to_string());
        }
    }
    out
}

impl Report {
    fn headers(&self) -> Vec<String> {
        let mut h = vec!["scope".to_string(), "resources".to_string()];
        h.extend(self.keys.iter().map(|k| format!("missing {k}")));
        h.push("not collected".to_string());
        h
    }

    /// Aligned text: a row per scope, indented by depth, `N (S%)` per key,
    /// and what was not collected; a footnote explains the marks.
    pub fn to_text(&self) -> String {
        let mut rows = vec![self.headers()];
        for r in &self.rows {
            let mut cells = vec![
                format!("{}{}", "  ".repeat(r.depth), r.name),
                r.tally.resources.to_string(),
            ];
            for k in 0..self.keys.len() {
                let n = r.tally.missing.get(k).copied().unwrap_or(0);
                cells.push(format!("{n} ({})", r.tally.share_text(k)));
            }
            cells.push(not_collected_text(&r.tally));
            rows.push(cells);
        }
        let n = rows.iter().map(Vec::len).max().unwrap_or(0);
        let mut widths = vec![0; n];
        for r in &rows {
            for (w, c) in widths.iter_mut().zip(r) {
                *w = (*w).max(c.chars().count());
            }
        }
        let mut out = String::new();
        for r in &rows {
            let mut line = String::new();
            for (i, (c, w)) in r.iter().zip(&widths).enumerate() {
                if i > 0 {
                    line.push_str("  ");
                }
                let pad = " ".repeat(w - c.chars().count());
                // Scope and "not collected" read left to right; counts align right.
                if i == 0 || i + 1 == r.len() {
                    line.push_str(c);
                    line.push_str(&pad);
                } else {
                    line.push_str(&pad);
                    line.push_str(c);
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        if self.rows.iter().any(|r| r.tally.is_partial()) {
            out.push_str(
                "* partial: some account-regions of this scope were not collected (listed); \
                 their resources are unknown, not compliant\n",
            );
        }
        out
    }

    /// RFC 4180 CSV, one row per scope: counts and shares (percent, one
    /// decimal; empty when nothing was counted) per key, and the
    /// account-regions not collected separated by `;`.
    pub fn to_csv(&self) -> String {
        let mut headers = vec![
            "level".to_string(),
            "path".to_string(),
            "id".to_string(),
            "resources".to_string(),
        ];
        for k in &self.keys {
            headers.push(format!("missing {k}"));
            headers.push(format!("missing {k} %"));
        }
        headers.push("not collected".to_string());
        let mut out = String::new();
        let line = |out: &mut String, cells: &[String]| {
            let cells: Vec<String> = cells.iter().map(|c| csv_field(c).into_owned()).collect();
            out.push_str(&cells.join(","));
            out.push_str("\r\n");
        };
        line(&mut out, &headers);
        for r in &self.rows {
            let level = match r.level {
                Level::Estate => "estate",
                Level::Ou => "ou",
                Level::Account => "account",
            };
            let mut cells = vec![
                level.to_string(),
                r.name.clone(),
                r.id.clone(),
                r.tally.resources.to_string(),
            ];
            for k in 0..self.keys.len() {
                cells.push(r.tally.missing.get(k).copied().unwrap_or(0).to_string());
                cells.push(
                    r.tally
                        .permille_missing(k)
                        .map(|p| format!("{}.{}", p / 10, p % 10))
                        .unwrap_or_default(),
                );
            }
            cells.push(r.tally.not_collected.join(";"));
            line(&mut out, &cells);
        }
        out
    }

    /// The report as JSON (keys, then rows with their tallies).
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        let mut out = serde_json::to_string_pretty(self)?;
        out.push('\n');
        Ok(out)
    }

    /// The row of account `id`.
    pub fn account(&self, id: &str) -> Option<&Row> {
        self.rows
            .iter()
            .find(|r| r.level == Level::Account && r.id == id)
    }
}

/// The filter that lists what a compliance cell counted as missing:
/// `account:ACCOUNT -has:KEY`, each quoted when the filter language would
/// otherwise read it differently (spaces, parentheses, `=`, globs).
pub fn missing_filter(account: &str, key: &str) -> String {
    format!("account:{} -has:{}", filter_word(account), filter_word(key))
}

/// `s` as one value of the filter language: bare when it is a plain word,
/// else quoted with `"` and `\` escaped.
fn filter_word(s: &str) -> String {
    let plain = !s.is_empty()
        && !s.starts_with('-')
        && !s
            .chars()
            .any(|c| c.is_whitespace() || "()=,\"!*?\\".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// What a scope's "not collected" cell says: the places, at most three
/// named, then how many more.
fn not_collected_text(t: &Tally) -> String {
    const SHOWN: usize = 3;
    let n = t.not_collected.len();
    let mut text = t
        .not_collected
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if n > SHOWN {
        text.push_str(&format!(" and {} more", n - SHOWN));
    }
    text
}

#[cfg(test)]
mod tests;
