//! File descriptors for the fan-out. Every call in flight holds a socket,
//! and a run's first wave is the product of accounts at once, regions per
//! account and calls per region: 32 × 4 × 48 ≈ 6,100 at the defaults since
//! the compute kinds (15 EC2 describes, up to 24 ELBv2 calls, one
//! `GetResources`, and four Lambda `ListTags` and four EKS
//! `DescribeCluster` calls per region), and a few more per account for
//! IAM, which is global. A desktop shell's soft limit is far lower (1,024 on most
//! Linux desktops, 256 on macOS), and past it `connect` fails with
//! `EMFILE`: cells would fail as dispatch errors that no permission or
//! retry fixes.
//!
//! So a run first raises its soft limit towards the hard one (as Go's
//! runtime does for every Go program; systemd desktops give a hard limit
//! of 524,288, macOS an unlimited one), and if the limit it ends up with
//! still cannot hold the first wave, it takes fewer accounts at once and
//! says so, rather than failing cells. The arithmetic is a pure function
//! ([`accounts_at_once`]) so it is tested without touching the process.

use super::{ec2, eks, elbv2, iam, lambda, tagging};

/// Descriptors kept for everything that is not a describe call: the
/// runtime, the log, Organizations and STS calls, the app's own files.
pub const RESERVE: u64 = 256;

/// How far the soft limit is raised at most: enough for the defaults
/// several times over, and within macOS's `OPEN_MAX` (10,240), above
/// which its `setrlimit` refuses.
pub const CEILING: u64 = 10_240;

/// Calls one account-region has in flight at most: every EC2 describe at
/// once, and ELBv2's three kinds of per-resource calls (tags, listeners,
/// target health), each [`elbv2::PER_RESOURCE_AT_ONCE`] at a time, which
/// is more than its two listings in flight beside them, the Tagging
/// API's one paged call, and Lambda's and EKS's per-resource reads
/// (`ListTags`, `DescribeCluster`), which follow their one listing.
pub fn calls_per_region() -> usize {
    ec2::apis().count()
        + 3 * elbv2::PER_RESOURCE_AT_ONCE
        + tagging::apis().count()
        + lambda::TAG_CALLS_AT_ONCE
        + eks::DESCRIBE_CALLS_AT_ONCE
}

/// Calls one account has in flight beside its regions': IAM's, which
/// is global (its entities' listing, then [`iam::KEY_CALLS_AT_ONCE`]
/// users' keys at a time, one call each).
pub fn calls_per_account() -> usize {
    iam::KEY_CALLS_AT_ONCE
}

/// Accounts to collect at once so that the first wave fits in `limit`
/// descriptors (less [`RESERVE`]): `wanted` when it fits (or the limit is
/// unknown), otherwise as many as fit, and never fewer than one. An
/// account holds `per_region` for each region at once, and `per_account`
/// beside them.
pub fn accounts_at_once(
    wanted: usize,
    regions_at_once: usize,
    per_region: usize,
    per_account: usize,
    limit: Option<u64>,
) -> usize {
    let Some(limit) = limit else {
        return wanted;
    };
    let per_account = (regions_at_once.max(1) as u64)
        .saturating_mul(per_region.max(1) as u64)
        .saturating_add(per_account as u64);
    let fit = limit.saturating_sub(RESERVE) / per_account;
    let fit = usize::try_from(fit).unwrap_or(usize::MAX);
    wanted.min(fit).max(1)
}

/// Raise this process's soft limit on open files towards its hard limit
/// (at most [`CEILING`]) and return the soft limit in force afterwards;
/// `None` where there is none (unlimited, or no such limit on this
/// platform).
#[cfg(unix)]
pub fn raise_open_files_limit() -> Option<u64> {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let now = getrlimit(Resource::Nofile);
    let soft = now.current?;
    // `None` is unlimited.
    let target = now.maximum.unwrap_or(CEILING).min(CEILING);
    if target > soft {
        let raised = rustix::process::Rlimit {
            current: Some(target),
            maximum: now.maximum,
        };
        if setrlimit(Resource::Nofile, raised).is_ok() {
            return Some(target);
        }
        tracing::debug!("could not raise the open files limit from {soft} to {target}");
    }
    Some(soft)
}

#[cfg(not(unix))]
pub fn raise_open_files_limit() -> Option<u64> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_fit_a_raised_limit_whole() {
        // 32 accounts × 4 regions × 32 calls = 4,096 + the reserve.
        assert_eq!(accounts_at_once(32, 4, 32, 0, Some(CEILING)), 32);
        assert_eq!(accounts_at_once(32, 4, 32, 0, Some(4_096 + RESERVE)), 32);
        assert_eq!(accounts_at_once(32, 4, 32, 0, None), 32);
    }

    #[test]
    fn a_low_limit_takes_fewer_accounts_at_once_but_never_none() {
        // Linux's usual 1,024: (1,024 - 256) / 128 = 6 accounts.
        assert_eq!(accounts_at_once(32, 4, 32, 0, Some(1_024)), 6);
        // Just under one more account's worth.
        assert_eq!(
            accounts_at_once(32, 4, 32, 0, Some(4_096 + RESERVE - 1)),
            31
        );
        // macOS's 256 leaves nothing after the reserve: still one account.
        assert_eq!(accounts_at_once(32, 4, 32, 0, Some(256)), 1);
        assert_eq!(accounts_at_once(32, 4, 32, 0, Some(0)), 1);
    }

    #[test]
    fn account_wide_calls_count_once_per_account() {
        // (1,024 - 256) / (4 × 32 + 4) = 5 accounts, not 6.
        assert_eq!(accounts_at_once(32, 4, 32, 4, Some(1_024)), 5);
        assert_eq!(calls_per_account(), iam::KEY_CALLS_AT_ONCE);
    }

    #[test]
    fn odd_options_do_not_divide_by_zero() {
        assert_eq!(accounts_at_once(8, 0, 0, 0, Some(1_024)), 8);
        assert_eq!(accounts_at_once(0, 4, 32, 0, Some(1_024)), 1);
    }

    #[test]
    fn a_region_counts_every_ec2_describe_and_the_elb_peak() {
        // The defaults' first wave fits under the ceiling once raised.
        let wave = 32 * (4 * calls_per_region() + calls_per_account()) as u64;
        assert!(wave + RESERVE <= CEILING, "{wave}");
        assert!(calls_per_region() >= orgscope_core::model::regional_apis().count());
    }

    #[cfg(unix)]
    #[test]
    fn raising_never_lowers_the_limit() {
        let before = rustix::process::getrlimit(rustix::process::Resource::Nofile).current;
        let after = raise_open_files_limit();
        // `None` is unlimited, before and after alike.
        assert!(after >= before, "{before:?} -> {after:?}");
    }
}
