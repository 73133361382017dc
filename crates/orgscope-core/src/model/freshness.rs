//! How old an estate's data is, per account: a crawl reads every account
//! at the run's time (`collected_at`), but an AWS Config aggregator hands
//! over what each account last reported, each resource with its own
//! capture time ([`Resource::captured_at`]), hours or days apart. The app
//! shows the oldest and newest capture per account, and in mixed mode
//! which accounts were read live, so a stale account is never taken for
//! a current one.

use std::collections::HashMap;

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{CONFIG_SOURCE, Estate};

/// Where one account's data came from, and when it was captured.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Freshness {
    /// Resources read from the aggregator, with a capture time.
    pub from_config: usize,
    /// Resources read live (at the estate's `collected_at`).
    pub live: usize,
    /// The oldest and newest capture times of the aggregator's resources.
    pub oldest: Option<String>,
    pub newest: Option<String>,
    /// Whether any of the account's cells came from the aggregator: an
    /// account with no resources still says where its "nothing" came from.
    pub config_cells: bool,
}

impl Freshness {
    /// Read from the aggregator (in whole or in part).
    pub fn is_from_config(&self) -> bool {
        self.from_config > 0 || self.config_cells
    }
}

/// Every account's [`Freshness`], by account id. Times are RFC 3339 UTC
/// in one form, so they order as text.
pub fn freshness(estate: &Estate) -> HashMap<&str, Freshness> {
    let mut out: HashMap<&str, Freshness> = HashMap::new();
    for r in &estate.resources {
        let f = out.entry(r.account_id.as_str()).or_default();
        match &r.captured_at {
            None => f.live += 1,
            Some(at) => {
                f.from_config += 1;
                if f.oldest.as_deref().is_none_or(|o| at.as_str() < o) {
                    f.oldest = Some(at.clone());
                }
                if f.newest.as_deref().is_none_or(|n| at.as_str() > n) {
                    f.newest = Some(at.clone());
                }
            }
        }
    }
    for c in &estate.coverage {
        if c.source.as_deref() == Some(CONFIG_SOURCE) {
            out.entry(c.account_id.as_str()).or_default().config_cells = true;
        }
    }
    out
}

/// How long ago `then` (RFC 3339) was at `now`, in the one unit that reads
/// best: `45 s`, `12 min`, `5 h`, `3 d`. `None` for a time that cannot be
/// read; a time in the future (a skewed clock) reads as `0 s`.
pub fn age(then: &str, now: OffsetDateTime) -> Option<String> {
    let t = OffsetDateTime::parse(then, &Rfc3339).ok()?;
    let secs = (now - t).whole_seconds().max(0);
    Some(match secs {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min", s / 60),
        s if s < 2 * 86_400 => format!("{} h", s / 3600),
        s => format!("{} d", s / 86_400),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Api, CallerIdentity, CellKey, Coverage, CoverageStatus, Resource, kinds};

    fn estate() -> Estate {
        let mut e = Estate::new(
            "2026-12-07T12:00:00Z".into(),
            crate::model::Source {
                kind: crate::model::SourceKind::ConfigAggregator,
                profile: None,
                label: "t".into(),
                aggregator: None,
            },
            CallerIdentity {
                account_id: "1".into(),
                arn: "a".into(),
                user_id: "u".into(),
            },
        );
        let at = |id: &str, acct: &str, when: Option<&str>| {
            let mut r = Resource::new(kinds::VPC, acct, "eu-west-1", id);
            r.captured_at = when.map(str::to_string);
            r
        };
        e.resources = vec![
            at("v1", "A", Some("2026-12-01T10:00:00Z")),
            at("v2", "A", Some("2026-12-06T09:30:00Z")),
            at("v3", "A", Some("2026-12-03T00:00:00Z")),
            at("v4", "B", None),
        ];
        e.coverage = vec![
            Coverage::new(
                CellKey::new("C", "eu-west-1", Api::of(kinds::VPC)),
                CoverageStatus::Ok,
                None,
                None,
            )
            .from_source(CONFIG_SOURCE),
        ];
        e
    }

    #[test]
    fn each_account_says_where_its_data_came_from_and_how_old_it_is() {
        let e = estate();
        let f = freshness(&e);
        let a = &f["A"];
        assert_eq!((a.from_config, a.live), (3, 0));
        assert_eq!(a.oldest.as_deref(), Some("2026-12-01T10:00:00Z"));
        assert_eq!(a.newest.as_deref(), Some("2026-12-06T09:30:00Z"));
        assert!(a.is_from_config());
        // Refreshed live in mixed mode: no capture times, no Config cells.
        assert_eq!((f["B"].from_config, f["B"].live), (0, 1));
        assert!(!f["B"].is_from_config());
        // No resources, but the aggregator answered for it.
        assert!(f["C"].is_from_config());
        assert_eq!(f["C"].oldest, None);
    }

    #[test]
    fn ages_read_in_one_unit() {
        let now = OffsetDateTime::parse("2026-12-07T12:00:00Z", &Rfc3339).unwrap();
        assert_eq!(age("2026-12-07T11:59:15Z", now).as_deref(), Some("45 s"));
        assert_eq!(age("2026-12-07T11:48:00Z", now).as_deref(), Some("12 min"));
        assert_eq!(age("2026-12-07T07:00:00Z", now).as_deref(), Some("5 h"));
        assert_eq!(age("2026-12-06T09:00:00Z", now).as_deref(), Some("27 h"));
        assert_eq!(age("2026-12-01T10:00:00Z", now).as_deref(), Some("6 d"));
        assert_eq!(age("2026-12-08T00:00:00Z", now).as_deref(), Some("0 s"));
        assert_eq!(age("last week", now), None);
    }
}
