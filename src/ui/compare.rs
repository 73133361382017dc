//! Comparing two panes with `orgscope::diff`: the options the compare view
//! edits (environment tokens, ignored tags, per-type match keys) are parsed
//! here, and the report is reordered for reading (changes first, then what
//! is missing, then what could not be known).

use std::collections::{BTreeMap, BTreeSet};

use crate::diff::{self, DiffOptions};
use crate::model::{Estate, ResourceType};

pub use crate::diff::EntryStatus;

/// A human label for a status chip.
pub fn status_label(s: EntryStatus) -> &'static str {
    match s {
        EntryStatus::OnlyLeft => "only left",
        EntryStatus::OnlyRight => "only right",
        EntryStatus::Changed => "changed",
        EntryStatus::Same => "same",
        EntryStatus::NotCollected => "not collected",
    }
}

/// One row of the diff view; indices point into the (single) estate.
#[derive(Debug, Clone)]
pub struct DiffEntry {
    pub rtype: ResourceType,
    pub key: String,
    pub status: EntryStatus,
    pub left: Option<usize>,
    pub right: Option<usize>,
    pub changes: Vec<FieldChange>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: String,
    pub left: String,
    pub right: String,
}

/// Per type: only left, only right, changed, same, not collected.
pub type TypeSummary = BTreeMap<ResourceType, [usize; 5]>;

#[derive(Debug, Clone, Default)]
pub struct DiffReport {
    pub entries: Vec<DiffEntry>,
    pub per_type: TypeSummary,
}

/// What the compare view lets the user change, as typed.
#[derive(Debug, Clone)]
pub struct CompareOptions {
    pub env_tokens: Vec<String>,
    pub ignore_tags: Vec<String>,
    /// `TYPE=KEY` overrides (`instance=tag:role`), already parsed.
    pub keys: BTreeMap<ResourceType, diff::MatchKey>,
}

/// Parse the key overrides field: `instance=tag:role, vpc=cidr`.
pub fn parse_keys(src: &str) -> Result<BTreeMap<ResourceType, diff::MatchKey>, String> {
    let mut out = BTreeMap::new();
    for part in src.split([',', ' ']).filter(|p| !p.trim().is_empty()) {
        let (t, k) = diff::parse_key(part.trim()).map_err(|e| e.to_string())?;
        out.insert(t, k);
    }
    Ok(out)
}

/// Compare two sets of rows (indices into each estate's resources);
/// `lacc`/`racc` are the accounts each side's scope covers, so a twin
/// account that was not collected reads as "not collected", not missing.
pub fn compare(
    (left, lidx, lacc): (&Estate, &[usize], &[String]),
    (right, ridx, racc): (&Estate, &[usize], &[String]),
    opts: &CompareOptions,
) -> DiffReport {
    let options = DiffOptions {
        keys: opts.keys.clone(),
        env_tokens: opts.env_tokens.clone(),
        ignore_tags: opts.ignore_tags.clone(),
        include_same: true,
        left_accounts: Some(lacc.iter().cloned().collect::<BTreeSet<_>>()),
        right_accounts: Some(racc.iter().cloned().collect::<BTreeSet<_>>()),
        ..Default::default()
    };
    let report = diff::diff(left, lidx, right, ridx, &options);
    let per_type = report
        .per_type
        .iter()
        .map(|(t, c)| {
            (
                *t,
                [
                    c.only_left,
                    c.only_right,
                    c.changed,
                    c.same,
                    c.not_collected,
                ],
            )
        })
        .collect();
    let none = || "—".to_string();
    let mut entries: Vec<DiffEntry> = report
        .entries
        .into_iter()
        .map(|e| DiffEntry {
            rtype: e.rtype,
            key: e.key,
            status: e.status,
            left: e.left,
            right: e.right,
            changes: e
                .changes
                .into_iter()
                .map(|c| FieldChange {
                    field: c.field,
                    left: c.left.unwrap_or_else(none),
                    right: c.right.unwrap_or_else(none),
                })
                .collect(),
        })
        .collect();
    // What needs attention first: changes, then what is missing.
    let rank = |s: EntryStatus| match s {
        EntryStatus::Changed => 0,
        EntryStatus::OnlyLeft => 1,
        EntryStatus::OnlyRight => 2,
        EntryStatus::NotCollected => 3,
        EntryStatus::Same => 4,
    };
    entries
        .sort_by(|a, b| (rank(a.status), a.rtype, &a.key).cmp(&(rank(b.status), b.rtype, &b.key)));
    DiffReport { entries, per_type }
}

#[cfg(test)]
mod tests {
    #[test]
    fn key_overrides_parse_and_report_errors() {
        let keys = super::parse_keys("instance=tag:role, vpc=cidr").unwrap_or_default();
        assert_eq!(keys.len(), 2);
        assert!(super::parse_keys("instance=bogus").is_err());
        assert!(super::parse_keys("").is_ok_and(|k| k.is_empty()));
    }
}
