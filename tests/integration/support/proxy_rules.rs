//! The fault proxy's rules: which requests a fault applies to ([`Match`]),
//! what happens to them ([`Fault`]), how often ([`Rate`], a deterministic
//! spread so retries are bounded by construction), session expiry, and the
//! classification of a request the rules are matched against. Kept apart
//! from the server in `proxy.rs` so the rules read as a small vocabulary.

use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// moto's account for the default (non-assumed) credentials.
pub const MOTO_BASE_ACCOUNT: &str = "123456789012";

/// Which requests a rule applies to; `None` matches anything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Match {
    /// SigV4 service name: `ec2`, `sts`, `organizations`.
    pub service: Option<String>,
    /// `service:Action`, e.g. `ec2:DescribeInstances`.
    pub action: Option<String>,
    pub account: Option<String>,
    pub region: Option<String>,
}

impl Match {
    pub fn any() -> Self {
        Self::default()
    }
    pub fn service(mut self, s: &str) -> Self {
        self.service = Some(s.to_string());
        self
    }
    pub fn action(mut self, a: &str) -> Self {
        self.action = Some(a.to_string());
        if self.service.is_none() {
            self.service = a.split_once(':').map(|(s, _)| s.to_string());
        }
        self
    }
    pub fn account(mut self, a: &str) -> Self {
        self.account = Some(a.to_string());
        self
    }
    pub fn region(mut self, r: &str) -> Self {
        self.region = Some(r.to_string());
        self
    }

    pub(super) fn matches(&self, req: &Classified) -> bool {
        fn ok(want: &Option<String>, have: &str) -> bool {
            want.as_deref().is_none_or(|w| w == have)
        }
        ok(&self.service, &req.service)
            && ok(&self.action, &req.action)
            && ok(&self.account, &req.account)
            && ok(&self.region, &req.region)
    }
}

/// What the proxy does instead of (or before) forwarding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// An AWS error with this HTTP status and code, shaped for the protocol.
    Error {
        status: u16,
        code: String,
        message: String,
    },
    /// The service's own throttling error: EC2 `RequestLimitExceeded`
    /// (503), STS `Throttling` (400), Organizations
    /// `TooManyRequestsException` (400).
    Throttle,
    /// Wait, then go on (later rules still apply, then forward).
    Delay(Duration),
    /// Never answer; the connection stays open until the proxy stops.
    Hang,
    /// Close the connection without any response.
    Drop,
    /// Answer with this status and body instead of forwarding: a recorded
    /// AWS response, for shapes the emulator cannot produce (moto has no
    /// Transit Gateway attachment from another account). The content type
    /// is the service's protocol's, as for [`Fault::Error`].
    Respond { status: u16, body: String },
}

/// A deterministic rate: of every `den` matching requests, `num` fire,
/// spread evenly (request n fires when `floor(n*num/den)` steps up).
///
/// The spread alone does not bound retries once callers run concurrently:
/// other calls' requests interleave, and one unlucky call's retries can keep
/// landing on firing slots (CI saw a cell throttled four times in a row). So
/// a rule with a partial rate also lets the retry of a request it fired on
/// through, uncounted — retries are recognised by [`Classified::fingerprint`].
/// Every throttled call then succeeds on its second attempt, and `num/den`
/// is exactly the share of first attempts that fire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub num: u64,
    pub den: u64,
}

impl Rate {
    pub const ALWAYS: Rate = Rate { num: 1, den: 1 };

    pub fn percent(p: u64) -> Rate {
        Rate {
            num: p.min(100),
            den: 100,
        }
    }

    pub(super) fn fires(self, n: u64) -> bool {
        if self.den == 0 || self.num == 0 {
            return false;
        }
        // n counts matching requests from 1.
        (n * self.num) / self.den > ((n - 1) * self.num) / self.den
    }
}

/// One rule: when a request matches, at the given rate, at most `limit` times.
#[derive(Debug)]
pub struct Rule {
    pub when: Match,
    pub fault: Fault,
    pub rate: Rate,
    pub limit: Option<u64>,
    pub(super) matched: AtomicU64,
    pub(super) fired: AtomicU64,
    /// Fingerprints of requests fired on whose retry has not come yet
    /// (partial rates only, see [`Rate`]).
    pub(super) awaiting_retry: Mutex<HashSet<u64>>,
}

impl Clone for Rule {
    fn clone(&self) -> Self {
        Rule::new(self.when.clone(), self.fault.clone())
            .rate(self.rate)
            .limit_opt(self.limit)
    }
}

impl Rule {
    pub fn new(when: Match, fault: Fault) -> Self {
        Rule {
            when,
            fault,
            rate: Rate::ALWAYS,
            limit: None,
            matched: AtomicU64::new(0),
            fired: AtomicU64::new(0),
            awaiting_retry: Mutex::new(HashSet::new()),
        }
    }

    /// Whether this request fires the rule's fault (counting it), given it
    /// already matches. A retry of a request a partial-rate rule fired on
    /// passes without being counted (see [`Rate`]).
    pub(super) fn fires_on(&self, req: &Classified) -> bool {
        let partial = self.rate != Rate::ALWAYS;
        if partial {
            let mut waiting = self
                .awaiting_retry
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            if waiting.remove(&req.fingerprint) {
                return false;
            }
        }
        let n = self.matched.fetch_add(1, Ordering::SeqCst) + 1;
        if !self.rate.fires(n) {
            return false;
        }
        if let Some(limit) = self.limit
            && self.fired.load(Ordering::SeqCst) >= limit
        {
            return false;
        }
        self.fired.fetch_add(1, Ordering::SeqCst);
        if partial {
            self.awaiting_retry
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .insert(req.fingerprint);
        }
        true
    }

    pub fn rate(mut self, rate: Rate) -> Self {
        self.rate = rate;
        self
    }

    /// Fire on `percent`% of matching requests (deterministic spread).
    pub fn percent(self, percent: u64) -> Self {
        self.rate(Rate::percent(percent))
    }

    pub fn limit(self, n: u64) -> Self {
        self.limit_opt(Some(n))
    }

    fn limit_opt(mut self, n: Option<u64>) -> Self {
        self.limit = n;
        self
    }

    /// How many times this rule has fired so far.
    pub fn fired(&self) -> u64 {
        self.fired.load(Ordering::SeqCst)
    }

    /// `sts:AssumeRole` into `account` answers 403 `AccessDenied`.
    pub fn deny_assume_role(account: &str) -> Self {
        let msg = format!(
            "User: arn:aws:iam::{MOTO_BASE_ACCOUNT}:user/moto is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::{account}:role/*"
        );
        Rule::new(
            Match::any().action("sts:AssumeRole").account(account),
            Fault::error(403, "AccessDenied", &msg),
        )
    }

    /// A disabled opt-in region as EC2 reports it: 401 `AuthFailure`.
    pub fn auth_failure(account: &str, region: &str) -> Self {
        Rule::new(
            Match::any().service("ec2").account(account).region(region),
            Fault::error(
                401,
                "AuthFailure",
                "AWS was not able to validate the provided access credentials",
            ),
        )
    }

    /// A region the account has not opted into: 403 `OptInRequired`.
    pub fn opt_in_required(account: &str, region: &str) -> Self {
        Rule::new(
            Match::any().service("ec2").account(account).region(region),
            Fault::error(
                403,
                "OptInRequired",
                "You are not subscribed to this service. Please go to http://aws.amazon.com to subscribe.",
            ),
        )
    }

    /// An SCP denying a whole region: every EC2 call there answers 403
    /// `UnauthorizedOperation`.
    pub fn unauthorized_region(region: &str) -> Self {
        Rule::new(
            Match::any().service("ec2").region(region),
            Fault::error(
                403,
                "UnauthorizedOperation",
                "You are not authorized to perform this operation. with an explicit deny in a service control policy",
            ),
        )
    }

    /// The service's throttling error for matching requests, always.
    pub fn throttle(when: Match) -> Self {
        Rule::new(when, Fault::Throttle)
    }
}

impl Fault {
    pub fn error(status: u16, code: &str, message: &str) -> Self {
        Fault::Error {
            status,
            code: code.to_string(),
            message: message.to_string(),
        }
    }

    /// A 200 answer with `body` (see [`Fault::Respond`]).
    pub fn respond(body: &str) -> Self {
        Fault::Respond {
            status: 200,
            body: body.to_string(),
        }
    }
}

/// Session credentials (keys the proxy saw issued by AssumeRole or
/// GetSessionToken) stop working after this many requests each, or this
/// long after they were issued; the base keys never expire.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expiry {
    pub after_requests: Option<u64>,
    pub after: Option<Duration>,
    /// Only keys of this account (any when `None`).
    pub account: Option<String>,
}

/// Everything the proxy does besides forwarding.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    /// Checked in order; the first firing rule that answers wins.
    pub rules: Vec<Rule>,
    pub expiry: Option<Expiry>,
    /// Added before every request is handled (benchmarks).
    pub latency: Duration,
}

impl Rules {
    pub fn none() -> Self {
        Self::default()
    }
    pub fn with(mut self, rule: Rule) -> Self {
        self.rules.push(rule);
        self
    }
    pub fn expire(mut self, expiry: Expiry) -> Self {
        self.expiry = Some(expiry);
        self
    }
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }
}

/// What the proxy made of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classified {
    pub service: String,
    /// `service:Action`.
    pub action: String,
    pub account: String,
    pub region: String,
    pub access_key: Option<String>,
    /// Hash of account, region, action and body: equal for a request and
    /// the SDK's retries of it (a retry is re-signed, but its body and
    /// target are the same), different for other calls.
    pub fingerprint: u64,
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn rate_spreads_evenly_and_never_fires_twice_in_a_row_at_30_percent() {
        let r = Rate::percent(30);
        let fired: Vec<bool> = (1..=100).map(|n| r.fires(n)).collect();
        assert_eq!(fired.iter().filter(|f| **f).count(), 30);
        assert!(!fired.windows(2).any(|w| w[0] && w[1]));
        assert!((1..=10).all(|n| Rate::ALWAYS.fires(n)));
        assert!(!(1..=10).any(|n| Rate::percent(0).fires(n)));
    }

    fn req(fingerprint: u64) -> Classified {
        Classified {
            service: "ec2".into(),
            action: "ec2:DescribeVpcs".into(),
            account: MOTO_BASE_ACCOUNT.into(),
            region: "us-east-1".into(),
            access_key: None,
            fingerprint,
        }
    }

    #[test]
    fn a_retry_passes_even_when_it_lands_on_a_firing_slot() {
        // 1/2 fires on every even count: without retry recognition, call 7
        // below would be throttled on each of its attempts, as other calls'
        // requests keep taking the odd slots in between.
        let rule = Rule::new(Match::any(), Fault::Throttle).rate(Rate { num: 1, den: 2 });
        assert!(!rule.fires_on(&req(1)));
        assert!(rule.fires_on(&req(7)));
        assert!(!rule.fires_on(&req(2)));
        assert!(!rule.fires_on(&req(7)), "the retry of 7 passes");
        assert!(rule.fires_on(&req(3)), "and is not counted");
        assert!(!rule.fires_on(&req(3)));
        assert_eq!(rule.fired(), 2);
        // An always-firing rule still fires on every retry.
        let always = Rule::new(Match::any(), Fault::Throttle);
        assert!((0..4).all(|_| always.fires_on(&req(7))));
    }
}
