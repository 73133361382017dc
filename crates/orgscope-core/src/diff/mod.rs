//! Comparing two resource sets — two panes, two OUs of one snapshot, or two
//! snapshots: resources of the same kind are matched by a key (by default
//! the one the kind's descriptor gives, [`KeyDef`]: the `Name` tag with
//! environment tokens stripped, a CIDR, a group name within its VPC, a
//! volume's attachment...), then reported as only-left, only-right, changed
//! (with field-level differences on the fields and relations the descriptor
//! marks compared) or same, with per-kind counts. A resource without a
//! counterpart is reported "not collected", not missing, when the other
//! side could not see where its counterpart would be (see [`scope`] for the
//! rule). Nothing here names a kind: a new kind's descriptor is all the
//! diff reads. Pure: no egui, tokio or AWS SDK.
//!
//! [`KeyDef`]: crate::model::KeyDef

mod compare;
mod keys;
mod scope;
mod side;

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::FxHashMap;

use serde::Serialize;

use crate::model::{Estate, Kind};

pub use keys::normalize;

/// Environment tokens stripped from names before matching.
pub const DEFAULT_ENV_TOKENS: [&str; 16] = [
    "prod",
    "production",
    "prd",
    "preprod",
    "staging",
    "stage",
    "stg",
    "test",
    "tst",
    "uat",
    "qa",
    "dev",
    "development",
    "nonprod",
    "sandbox",
    "sbx",
];

/// Tags never reported as differences by default: the environment marker
/// itself (keys compared case-insensitively).
pub const DEFAULT_IGNORE_TAGS: [&str; 3] = ["env", "environment", "stage"];

/// How resources of one kind are paired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MatchKey {
    /// The kind's default, from its descriptor ([`KeyDef`]): today
    /// instances by Name; VPCs and subnets by Name, else CIDR; security
    /// groups by VPC and group name; volumes by the attached instance's key
    /// and device, else Name.
    ///
    /// [`KeyDef`]: crate::model::KeyDef
    Default,
    /// The resource's name (Name tag or group name).
    Name,
    /// A tag's value (`tag:role`).
    Tag(String),
    /// The AWS id: only meaningful between two snapshots of the same estate.
    Id,
    /// The kind's first CIDR field (VPCs' and subnets' today).
    Cidr,
}

/// Which part of a resource's location must agree for two to match.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MatchScope {
    /// Same account (by env-normalised name) and same region.
    #[default]
    AccountRegion,
    Region,
    Anywhere,
}

#[derive(Debug, Clone)]
pub struct DiffOptions {
    /// Per-kind key; kinds not listed use [`MatchKey::Default`].
    pub keys: BTreeMap<Kind, MatchKey>,
    /// Tokens stripped when normalizing names, values and account names.
    pub env_tokens: Vec<String>,
    /// Tag keys never reported (case-insensitive).
    pub ignore_tags: Vec<String>,
    /// Keep `Same` entries in the report (always counted in `per_type`).
    pub include_same: bool,
    pub scope: MatchScope,
    /// Account ids each side covers when the caller knows them (a pane's
    /// scope); otherwise inferred, see [`scope`].
    pub left_accounts: Option<BTreeSet<String>>,
    pub right_accounts: Option<BTreeSet<String>>,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions {
            keys: BTreeMap::new(),
            env_tokens: DEFAULT_ENV_TOKENS.iter().map(|s| s.to_string()).collect(),
            ignore_tags: DEFAULT_IGNORE_TAGS.iter().map(|s| s.to_string()).collect(),
            include_same: false,
            scope: MatchScope::default(),
            left_accounts: None,
            right_accounts: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "bad key '{input}': {reason} (write TYPE=KEY, e.g. instance=tag:role; keys: default, name, tag:KEY, id, cidr)"
)]
pub struct KeyError {
    pub input: String,
    pub reason: String,
}

/// Parse `TYPE=KEY` (`instance=tag:role`, `vpc=cidr`, `sg=name`).
pub fn parse_key(s: &str) -> Result<(Kind, MatchKey), KeyError> {
    let fail = |reason: &str| KeyError {
        input: s.to_string(),
        reason: reason.to_string(),
    };
    let (t, k) = s.split_once('=').ok_or_else(|| fail("missing '='"))?;
    let rtype = Kind::parse(t.trim()).ok_or_else(|| fail("unknown resource type"))?;
    let k = k.trim();
    let key = match k.to_ascii_lowercase().as_str() {
        "default" => MatchKey::Default,
        "name" | "group_name" | "group-name" => MatchKey::Name,
        "id" => MatchKey::Id,
        "cidr" => MatchKey::Cidr,
        _ => match k.strip_prefix("tag:") {
            Some(tag) if !tag.is_empty() => MatchKey::Tag(tag.to_string()),
            _ => return Err(fail("unknown key")),
        },
    };
    if key == MatchKey::Cidr && !side::has_cidr(rtype) {
        return Err(fail(&only_cidr_kinds()));
    }
    Ok((rtype, key))
}

/// `only VPCs and subnets have a CIDR`, from the registry.
fn only_cidr_kinds() -> String {
    // Labels are headers (`Subnets`); mid-sentence they are lowercased,
    // except an acronym (`VPCs`).
    let in_sentence = |label: &str| {
        let mut c = label.chars();
        match (c.next(), c.next()) {
            (Some(a), Some(b)) if !(a.is_uppercase() && b.is_uppercase()) => {
                a.to_lowercase().chain(label.chars().skip(1)).collect()
            }
            _ => label.to_string(),
        }
    };
    let labels: Vec<String> = Kind::all()
        .filter(|&k| side::has_cidr(k))
        .map(|k| in_sentence(k.label()))
        .collect();
    match labels.as_slice() {
        [] => "no resource type has a CIDR".to_string(),
        [one] => format!("only {one} have a CIDR"),
        [init @ .., last] => format!("only {} and {last} have a CIDR", init.join(", ")),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryStatus {
    OnlyLeft,
    OnlyRight,
    Changed,
    Same,
    /// Present on one side; the other side's counterpart location was not
    /// collected (denied, throttled, region disabled...), so it is unknown.
    NotCollected,
}

impl EntryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryStatus::OnlyLeft => "only_left",
            EntryStatus::OnlyRight => "only_right",
            EntryStatus::Changed => "changed",
            EntryStatus::Same => "same",
            EntryStatus::NotCollected => "not_collected",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// `instance_type`, `tag:owner`, `ingress`...
    pub field: String,
    pub left: Option<String>,
    pub right: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffEntry {
    pub rtype: Kind,
    /// The normalized matching key (`payments/eu-west-1/payments-web-1`).
    pub key: String,
    pub status: EntryStatus,
    /// Index into the left estate's resources.
    pub left: Option<usize>,
    pub right: Option<usize>,
    pub changes: Vec<FieldChange>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TypeCounts {
    pub only_left: usize,
    pub only_right: usize,
    pub changed: usize,
    pub same: usize,
    pub not_collected: usize,
}

impl TypeCounts {
    fn add(&mut self, s: EntryStatus) {
        match s {
            EntryStatus::OnlyLeft => self.only_left += 1,
            EntryStatus::OnlyRight => self.only_right += 1,
            EntryStatus::Changed => self.changed += 1,
            EntryStatus::Same => self.same += 1,
            EntryStatus::NotCollected => self.not_collected += 1,
        }
    }

    /// Only-left, only-right and changed: what a drift gate fails on.
    pub fn differences(&self) -> usize {
        self.only_left + self.only_right + self.changed
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DiffReport {
    /// Sorted by kind (registry order), then key.
    pub entries: Vec<DiffEntry>,
    pub per_type: BTreeMap<Kind, TypeCounts>,
}

impl DiffReport {
    pub fn totals(&self) -> TypeCounts {
        let mut t = TypeCounts::default();
        for c in self.per_type.values() {
            t.only_left += c.only_left;
            t.only_right += c.only_right;
            t.changed += c.changed;
            t.same += c.same;
            t.not_collected += c.not_collected;
        }
        t
    }

    pub fn has_differences(&self) -> bool {
        self.totals().differences() > 0
    }
}

/// Compare `left_idx` of `left` with `right_idx` of `right` (indices into
/// each estate's resources; out-of-range indices are skipped).
pub fn diff(
    left: &Estate,
    left_idx: &[usize],
    right: &Estate,
    right_idx: &[usize],
    opts: &DiffOptions,
) -> DiffReport {
    let norm = keys::Normalizer::new(&opts.env_tokens);
    let plan = side::Plan::new(opts);
    let lside = side::Side::new(left, left_idx, &norm, &plan, opts);
    let rside = side::Side::new(right, right_idx, &norm, &plan, opts);
    let lkeys = lside.keyed();
    let rkeys = rside.keyed();
    // Keys are unique per side (duplicates are numbered), so the right side
    // is indexed once and the left walked in index order: resources are then
    // read roughly in memory order instead of in hash order.
    let mut right_of: FxHashMap<(Kind, &str, u32), usize> =
        FxHashMap::with_capacity_and_hasher(rkeys.len(), Default::default());
    for (n, (t, k, nth, _)) in rkeys.iter().enumerate() {
        right_of.insert((t, k, nth), n);
    }
    let mut right_matched = vec![false; rkeys.len()];
    let mut pairs = Vec::with_capacity(lkeys.len() + rkeys.len());
    // Unmatched resources whose key has a container part (a listener's
    // load balancer), by kind and container: `[left, right]` as (how many,
    // the last one's place in `pairs`).
    let mut lone: FxHashMap<(Kind, &str), [(u32, usize); 2]> = FxHashMap::default();
    for (n, (t, k, nth, li)) in lkeys.iter().enumerate() {
        let ri = right_of.get(&(t, k, nth)).map(|&n| {
            right_matched[n] = true;
            rkeys.index(n)
        });
        if ri.is_none()
            && nth == 1
            && let Some(c) = lkeys.container(n)
        {
            let slot = &mut lone.entry((t, c)).or_default()[0];
            *slot = (slot.0 + 1, pairs.len());
        }
        pairs.push((t, k, nth, Some(li), ri));
    }
    for (n, ((t, k, nth, ri), matched)) in rkeys.iter().zip(&right_matched).enumerate() {
        if !matched {
            if nth == 1
                && let Some(c) = rkeys.container(n)
            {
                let slot = &mut lone.entry((t, c)).or_default()[1];
                *slot = (slot.0 + 1, pairs.len());
            }
            pairs.push((t, k, nth, None, Some(ri)));
        }
    }
    // One left and one right alone under the same container differ only in
    // the attribute that ends their keys, itself a compared field: a
    // listener whose port is 443 in prod and 8443 in test is one listener
    // whose port changed, not one removed and one added. The pair is
    // reported under the left key; the field's change says the rest.
    for [(nl, pl), (nr, pr)] in lone.into_values() {
        if nl == 1 && nr == 1 {
            pairs[pl].4 = pairs[pr].4.take();
        }
    }
    let scopes = scope::Scopes::new(&lside, &rside, opts);
    let ignore: Vec<String> = opts.ignore_tags.iter().map(|t| t.to_lowercase()).collect();
    let cmp = compare::Comparer {
        left: &lside,
        right: &rside,
        norm: &norm,
        ignore: &ignore,
    };
    let mut report = DiffReport::default();
    let mut entries = Vec::new();
    for (rtype, key, nth, l, r) in pairs {
        let (status, changes) = match (l, r) {
            (Some(li), Some(ri)) => {
                let changes = cmp.changes(&left.resources[li], &right.resources[ri]);
                let s = if changes.is_empty() {
                    EntryStatus::Same
                } else {
                    EntryStatus::Changed
                };
                (s, changes)
            }
            (Some(li), None) => {
                let s = if scopes.counterpart_collected(&left.resources[li], true) {
                    EntryStatus::OnlyLeft
                } else {
                    EntryStatus::NotCollected
                };
                (s, Vec::new())
            }
            (None, Some(ri)) => {
                let s = if scopes.counterpart_collected(&right.resources[ri], false) {
                    EntryStatus::OnlyRight
                } else {
                    EntryStatus::NotCollected
                };
                (s, Vec::new())
            }
            (None, None) => continue,
        };
        report.per_type.entry(rtype).or_default().add(status);
        if status != EntryStatus::Same || opts.include_same {
            entries.push(DiffEntry {
                rtype,
                key: side::key_text(key, nth),
                status,
                left: l,
                right: r,
                changes,
            });
        }
    }
    entries.sort_unstable_by(|a, b| (a.rtype, &a.key).cmp(&(b.rtype, &b.key)));
    report.entries = entries;
    report
}

#[cfg(test)]
mod fast_tests;
#[cfg(test)]
mod kind_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod wiring_tests;
