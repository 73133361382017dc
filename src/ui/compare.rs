//! Comparing two panes with `orgscope::diff`: the options the compare view
//! edits (environment tokens, ignored tags, per-type match keys) are parsed
//! here, and the engine's own [`DiffReport`] is reordered for reading
//! (changes first, then what is missing, then what could not be known).
//! The view shows the report as the engine made it: one definition, the
//! same the CLI prints.

use std::collections::{BTreeMap, BTreeSet};

use crate::diff::{self, DiffOptions};
use crate::model::{Estate, Kind};

pub use crate::diff::{DiffEntry, DiffReport, EntryStatus, TypeCounts};

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

/// A side of a field change as the view shows it: an em dash for "absent".
pub fn side_text(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("—")
}

/// The counts of one kind in the order the summary grid shows them.
pub fn counts_row(c: &TypeCounts) -> [usize; 5] {
    [
        c.only_left,
        c.only_right,
        c.changed,
        c.same,
        c.not_collected,
    ]
}

/// What the compare view lets the user change, as typed.
#[derive(Debug, Clone)]
pub struct CompareOptions {
    pub env_tokens: Vec<String>,
    pub ignore_tags: Vec<String>,
    /// `TYPE=KEY` overrides (`instance=tag:role`), already parsed.
    pub keys: BTreeMap<Kind, diff::MatchKey>,
}

/// Parse the key overrides field: `instance=tag:role, vpc=cidr`.
pub fn parse_keys(src: &str) -> Result<BTreeMap<Kind, diff::MatchKey>, String> {
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
    let mut report = diff::diff(left, lidx, right, ridx, &options);
    // What needs attention first: changes, then what is missing.
    let rank = |s: EntryStatus| match s {
        EntryStatus::Changed => 0,
        EntryStatus::OnlyLeft => 1,
        EntryStatus::OnlyRight => 2,
        EntryStatus::NotCollected => 3,
        EntryStatus::Same => 4,
    };
    report
        .entries
        .sort_by(|a, b| (rank(a.status), a.rtype, &a.key).cmp(&(rank(b.status), b.rtype, &b.key)));
    report
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
