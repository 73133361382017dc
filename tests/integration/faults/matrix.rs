//! The fault matrix of issue 6: a seeded estate in moto, collected through
//! the fault proxy once without faults (the baseline) and once with one
//! row's faults. Each test asserts the exact coverage of the cells the
//! fault hits and that every other cell is `ok` with the same resources as
//! the baseline. Times are bounded by the run's own timeouts and attempt
//! limits, never by sleeping.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use aws_config::SdkConfig;
use orgscope::collect::{self, CollectEvent, CollectOptions, Hooks, Regions};
use orgscope::model::{Api, CellKey, CoverageStatus, Estate, Place};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::support::moto::Moto;
use crate::support::proxy::{Expiry, Fault, FaultProxy, Match, Rate, Rule, Rules};

const MANAGEMENT: &str = "123456789012";
const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];
const MAX_ATTEMPTS: u32 = 4;

/// moto + proxy + a small organization: the management account and four
/// members, two of them in an OU.
struct Fixture {
    _moto: Moto,
    proxy: FaultProxy,
    members: Vec<String>,
    baseline: Estate,
}

impl Fixture {
    async fn new() -> Fixture {
        let moto = Moto::start();
        let proxy = FaultProxy::start(&moto.endpoint(), Rules::none())
            .await
            .expect("proxy");
        let members = seed(&sdk_config(&moto.endpoint()).await).await;
        let mut fx = Fixture {
            _moto: moto,
            proxy,
            members,
            baseline: empty_estate(),
        };
        // Fault-free run through the same proxy: the reference for "the
        // cells a fault did not hit are complete". It also makes moto create
        // every default VPC now, so later runs are quick to answer.
        fx.baseline = fx.run(options(&fx.proxy).await).await;
        assert!(
            fx.baseline
                .coverage
                .iter()
                .all(|c| c.status == CoverageStatus::Ok),
            "baseline must be clean: {:?}",
            fx.baseline.coverage
        );
        assert!(!fx.baseline.resources.is_empty());
        fx.proxy.reset_counters();
        fx
    }

    fn member(&self, i: usize) -> &str {
        &self.members[i]
    }

    async fn run(&self, opts: CollectOptions) -> Estate {
        let (tx, _rx) = mpsc::unbounded_channel();
        collect::collect(opts, tx, CancellationToken::new())
            .await
            .expect("collection runs to the end")
    }

    async fn run_with(&self, rules: Rules) -> Estate {
        self.proxy.set_rules(rules);
        self.run(options(&self.proxy).await).await
    }

    /// Every baseline cell for which `hit` is false is `ok` in `estate`
    /// too, and every account-region with no hit cell has exactly the
    /// baseline's resources.
    fn assert_rest_complete(&self, estate: &Estate, hit: impl Fn(&CellKey) -> bool) {
        let got = cells(estate);
        let mut hit_places = BTreeSet::new();
        for (cell, (status, code)) in cells(&self.baseline) {
            if hit(&cell) {
                hit_places.insert((cell.account_id.clone(), cell.region.clone()));
                continue;
            }
            assert_eq!(
                got.get(&cell),
                Some(&(status, code)),
                "cell {cell:?} should be untouched"
            );
        }
        let want = resources(&self.baseline);
        let have = resources(estate);
        for (place, ids) in &want {
            let account_hit = hit_places.contains(&(place.0.clone(), Place::from(&place.1)))
                || hit_places.contains(&(place.0.clone(), Place::Global));
            if !account_hit {
                assert_eq!(have.get(place), Some(ids), "resources of {place:?}");
            }
        }
        assert_eq!(estate.accounts, self.baseline.accounts, "accounts");
        assert_eq!(estate.tree, self.baseline.tree, "org tree");
    }
}

fn empty_estate() -> Estate {
    Estate::new(
        String::new(),
        orgscope::model::Source {
            aggregator: None,
            kind: orgscope::model::SourceKind::Live,
            profile: None,
            label: String::new(),
        },
        orgscope::model::CallerIdentity {
            account_id: String::new(),
            arn: String::new(),
            user_id: String::new(),
        },
    )
}

async fn sdk_config(endpoint: &str) -> SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(endpoint)
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(aws_credential_types::Credentials::for_tests())
        .load()
        .await
}

/// Run options for tests: quick backoff, generous timeouts (a row that
/// needs short ones sets them), through the proxy.
async fn options(proxy: &FaultProxy) -> CollectOptions {
    CollectOptions {
        regions: Regions::List(REGIONS.iter().map(|r| r.to_string()).collect()),
        role_name: "orgscope-reader".into(),
        concurrency: 4,
        region_concurrency: 2,
        max_attempts: MAX_ATTEMPTS,
        initial_backoff: Duration::from_millis(1),
        attempt_timeout: Duration::from_secs(30),
        operation_timeout: Duration::from_secs(90),
        hooks: Hooks {
            base_config: Some(sdk_config(&proxy.endpoint()).await),
            interceptors: Vec::new(),
        },
        ..CollectOptions::default()
    }
}

/// Create the organization and four members (two under `Workloads`).
async fn seed(conf: &SdkConfig) -> Vec<String> {
    let org = aws_sdk_organizations::Client::new(conf);
    org.create_organization()
        .feature_set(aws_sdk_organizations::types::OrganizationFeatureSet::All)
        .send()
        .await
        .expect("create organization");
    let root = org.list_roots().send().await.expect("roots").roots()[0]
        .id()
        .expect("root id")
        .to_string();
    let ou = org
        .create_organizational_unit()
        .parent_id(&root)
        .name("Workloads")
        .send()
        .await
        .expect("ou")
        .organizational_unit()
        .and_then(|o| o.id())
        .expect("ou id")
        .to_string();
    let mut members = Vec::new();
    for i in 0..4 {
        let name = format!("member-{i}");
        let id = org
            .create_account()
            .account_name(&name)
            .email(format!("{name}@example.com"))
            .send()
            .await
            .expect("create account")
            .create_account_status()
            .and_then(|s| s.account_id())
            .expect("account id")
            .to_string();
        if i < 2 {
            org.move_account()
                .account_id(&id)
                .source_parent_id(&root)
                .destination_parent_id(&ou)
                .send()
                .await
                .expect("move account");
        }
        members.push(id);
    }
    members
}

fn cells(e: &Estate) -> BTreeMap<CellKey, (CoverageStatus, Option<String>)> {
    e.coverage
        .iter()
        .map(|c| (c.key(), (c.status, c.code.clone())))
        .collect()
}

fn resources(e: &Estate) -> BTreeMap<(String, String), BTreeSet<String>> {
    let mut out: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for r in &e.resources {
        out.entry((r.account_id.clone(), r.region.clone()))
            .or_default()
            .insert(r.id.clone());
    }
    out
}

/// The cells of `estate` that are not `ok`, as (account, region, api) →
/// (status, code).
fn failed(e: &Estate) -> BTreeMap<CellKey, (CoverageStatus, Option<String>)> {
    cells(e)
        .into_iter()
        .filter(|(_, (s, _))| *s != CoverageStatus::Ok)
        .collect()
}

fn ec2_apis() -> Vec<String> {
    collect::ec2::apis().map(str::to_string).collect()
}

#[tokio::test]
async fn two_accounts_deny_assume_role() {
    let fx = Fixture::new().await;
    let (a, b) = (fx.member(0).to_string(), fx.member(2).to_string());
    let e = fx
        .run_with(
            Rules::none()
                .with(Rule::deny_assume_role(&a))
                .with(Rule::deny_assume_role(&b)),
        )
        .await;
    let want: BTreeMap<_, _> = [&a, &b]
        .into_iter()
        .map(|id| {
            (
                CellKey::new(id.clone(), Place::Global, Api::ASSUME_ROLE),
                (CoverageStatus::Denied, Some("AccessDenied".into())),
            )
        })
        .collect();
    assert_eq!(failed(&e), want);
    // A denied account has no other cells and no resources.
    assert!(
        e.coverage
            .iter()
            .all(|c| (c.account_id != a && c.account_id != b) || c.api == Api::ASSUME_ROLE)
    );
    assert!(
        e.resources
            .iter()
            .all(|r| r.account_id != a && r.account_id != b)
    );
    fx.assert_rest_complete(&e, |c| c.account_id == a || c.account_id == b);
    // Not retried: AccessDenied is final.
    assert_eq!(fx.proxy.seen_for(&a, "sts:AssumeRole"), 1);
}

#[tokio::test]
async fn one_disabled_opt_in_region_in_one_account() {
    let fx = Fixture::new().await;
    let acct = fx.member(1).to_string();
    let e = fx
        .run_with(Rules::none().with(Rule::opt_in_required(&acct, "eu-west-1")))
        .await;
    let want: BTreeMap<_, _> = ec2_apis()
        .into_iter()
        .map(|api| {
            (
                CellKey::new(acct.clone(), "eu-west-1", api),
                (CoverageStatus::RegionDisabled, Some("OptInRequired".into())),
            )
        })
        .collect();
    assert_eq!(failed(&e), want);
    fx.assert_rest_complete(&e, |c| c.account_id == acct && c.region == "eu-west-1");
}

/// `DescribeRegions` with `AllRegions`, as AWS documents its answer
/// (EC2 API reference, DescribeRegions, example 2): every region with its
/// opt-in status; `off` is the one not enabled.
fn all_regions_answer(off: Option<&str>) -> String {
    let items: String = REGIONS
        .iter()
        .chain(&["ap-east-1"])
        .map(|r| {
            let status = if Some(*r) == off || *r == "ap-east-1" {
                "not-opted-in"
            } else {
                "opt-in-not-required"
            };
            format!(
                "<item><regionName>{r}</regionName>\
                 <regionEndpoint>ec2.{r}.amazonaws.com</regionEndpoint>\
                 <optInStatus>{status}</optInStatus></item>"
            )
        })
        .collect();
    format!(
        "<DescribeRegionsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\
         <requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>\
         <regionInfo>{items}</regionInfo></DescribeRegionsResponse>"
    )
}

#[tokio::test]
async fn auth_failure_in_a_region_the_account_has_not_enabled_is_region_disabled() {
    let fx = Fixture::new().await;
    // In eu-west-1, EC2 answers AuthFailure to both accounts; only `off`
    // has not enabled the region, so only its cells are region_disabled.
    let (off, on) = (fx.member(1).to_string(), fx.member(2).to_string());
    let auth_failure = || {
        Fault::error(
            401,
            "AuthFailure",
            "AWS was not able to validate the provided access credentials",
        )
    };
    let rules = Rules::none()
        .with(Rule::new(
            Match::any()
                .service("ec2")
                .account(&off)
                .region("eu-west-1"),
            auth_failure(),
        ))
        .with(Rule::new(
            Match::any().service("ec2").account(&on).region("eu-west-1"),
            auth_failure(),
        ))
        .with(Rule::new(
            Match::any().action("ec2:DescribeRegions").account(&off),
            Fault::respond(&all_regions_answer(Some("eu-west-1"))),
        ))
        .with(Rule::new(
            Match::any().action("ec2:DescribeRegions").account(&on),
            Fault::respond(&all_regions_answer(None)),
        ));
    let e = fx.run_with(rules).await;
    let mut want = BTreeMap::new();
    for api in ec2_apis() {
        let code = Some("AuthFailure".to_string());
        let off_cell = CellKey::new(off.clone(), "eu-west-1", api.clone());
        want.insert(off_cell, (CoverageStatus::RegionDisabled, code.clone()));
        let on_cell = CellKey::new(on.clone(), "eu-west-1", api);
        want.insert(on_cell, (CoverageStatus::Denied, code));
    }
    assert_eq!(failed(&e), want);
    // The refiled cell says what to do, not "fix the role".
    let disabled = e
        .coverage
        .iter()
        .find(|c| c.account_id == off && c.status == CoverageStatus::RegionDisabled);
    let message = disabled.and_then(|c| c.message.as_deref()).unwrap_or("");
    assert!(message.contains("eu-west-1 is not enabled"), "{message}");
    // One opt-in check per account that saw AuthFailure, none elsewhere.
    assert_eq!(fx.proxy.seen_for(&off, "ec2:DescribeRegions"), 1);
    assert_eq!(fx.proxy.seen_for(&on, "ec2:DescribeRegions"), 1);
    assert_eq!(fx.proxy.seen_for(fx.member(0), "ec2:DescribeRegions"), 0);
    fx.assert_rest_complete(&e, |c| {
        (c.account_id == off || c.account_id == on) && c.region == "eu-west-1"
    });
}

#[tokio::test]
async fn scp_blocked_region_is_denied_without_retrying() {
    let fx = Fixture::new().await;
    let e = fx
        .run_with(Rules::none().with(Rule::unauthorized_region("eu-west-1")))
        .await;
    let all_accounts: Vec<String> = std::iter::once(MANAGEMENT.to_string())
        .chain(fx.members.iter().cloned())
        .collect();
    let mut want = BTreeMap::new();
    for a in &all_accounts {
        for api in ec2_apis() {
            want.insert(
                CellKey::new(a.clone(), "eu-west-1", api),
                (
                    CoverageStatus::Denied,
                    Some("UnauthorizedOperation".to_string()),
                ),
            );
        }
    }
    assert_eq!(failed(&e), want);
    // One attempt per cell: denied is final, never retried.
    let cells = (all_accounts.len() * ec2_apis().len()) as u64;
    assert_eq!(
        fx.proxy.injected().get("UnauthorizedOperation"),
        Some(&cells)
    );
    fx.assert_rest_complete(&e, |c| c.region == "eu-west-1");
}

#[tokio::test]
async fn thirty_percent_of_ec2_throttled_still_completes_with_bounded_retries() {
    let fx = Fixture::new().await;
    let e = fx
        .run_with(
            Rules::none()
                .with(Rule::throttle(Match::any().service("ec2")).rate(Rate { num: 3, den: 10 })),
        )
        .await;
    assert_eq!(failed(&e), BTreeMap::new());
    fx.assert_rest_complete(&e, |_| false);
    let ec2_seen: u64 = fx
        .proxy
        .seen_all()
        .iter()
        .filter(|(k, _)| k.starts_with("ec2:"))
        .map(|(_, n)| n)
        .sum();
    let throttled = fx
        .proxy
        .injected()
        .get("RequestLimitExceeded")
        .copied()
        .unwrap_or(0);
    // 30% of first attempts were throttled, and each throttle cost exactly
    // one more request: the SDK retried it and the retry went through.
    let cells = ((fx.members.len() + 1) * REGIONS.len() * ec2_apis().len()) as u64;
    assert!(throttled > 0);
    assert_eq!(ec2_seen, cells + throttled);
    assert_eq!(throttled, cells * 3 / 10);
}

#[tokio::test]
async fn one_account_always_throttled_does_not_starve_the_others() {
    let fx = Fixture::new().await;
    let acct = fx.member(3).to_string();
    let e = fx
        .run_with(Rules::none().with(Rule::throttle(Match::any().service("ec2").account(&acct))))
        .await;
    let mut want = BTreeMap::new();
    for region in REGIONS {
        for api in ec2_apis() {
            want.insert(
                CellKey::new(acct.clone(), region, api),
                (
                    CoverageStatus::Throttled,
                    Some("RequestLimitExceeded".to_string()),
                ),
            );
        }
    }
    assert_eq!(failed(&e), want);
    fx.assert_rest_complete(&e, |c| c.account_id == acct && !c.region.is_global());
    // Bounded: each throttled cell made exactly MAX_ATTEMPTS attempts.
    for api in ec2_apis() {
        assert_eq!(
            fx.proxy.seen_for(&acct, &api),
            u64::from(MAX_ATTEMPTS) * REGIONS.len() as u64,
            "{api}"
        );
    }
}

#[tokio::test]
async fn organizations_throttled_on_list_accounts_still_gives_the_whole_tree() {
    let fx = Fixture::new().await;
    // Five throttles in a row, then every other call: more patience than
    // EC2 gets, as Organizations' rate limit is shared org-wide.
    let e = fx
        .run_with(
            Rules::none()
                .with(
                    Rule::throttle(Match::any().action("organizations:ListAccountsForParent"))
                        .limit(5),
                )
                .with(
                    Rule::throttle(Match::any().action("organizations:ListAccountsForParent"))
                        .rate(Rate { num: 1, den: 2 }),
                ),
        )
        .await;
    assert_eq!(failed(&e), BTreeMap::new());
    fx.assert_rest_complete(&e, |_| false);
    assert!(
        fx.proxy
            .injected()
            .get("TooManyRequestsException")
            .is_some_and(|n| *n >= 5)
    );
}

#[tokio::test]
async fn one_region_hangs_gives_timeout_there_in_bounded_time() {
    let fx = Fixture::new().await;
    let acct = fx.member(0).to_string();
    fx.proxy.set_rules(
        Rules::none().with(Rule::new(
            Match::any()
                .service("ec2")
                .account(&acct)
                .region("eu-west-1"),
            Fault::Hang,
        )),
    );
    let mut opts = options(&fx.proxy).await;
    // Bounded by construction: 2 attempts of 2 s, 5 s per call at most.
    // One account and one region at a time, so no more than one region's
    // 18 calls wait on moto (~150 answers/s) at once: at the fixture's
    // 4 x 2 regions, 144 calls in flight queued past a short attempt
    // timeout on a loaded machine and timed out where nothing hung.
    opts.concurrency = 1;
    opts.region_concurrency = 1;
    opts.attempt_timeout = Duration::from_secs(2);
    opts.operation_timeout = Duration::from_secs(5);
    opts.max_attempts = 2;
    let e = fx.run(opts).await;
    let failed = failed(&e);
    let want: BTreeSet<CellKey> = ec2_apis()
        .into_iter()
        .map(|api| CellKey::new(acct.clone(), "eu-west-1", api))
        .collect();
    assert_eq!(failed.keys().cloned().collect::<BTreeSet<_>>(), want);
    assert!(
        failed.values().all(|(s, _)| *s == CoverageStatus::Timeout),
        "{failed:?}"
    );
    fx.assert_rest_complete(&e, |c| c.account_id == acct && c.region == "eu-west-1");
}

#[tokio::test]
async fn iam_denied_in_one_account_is_one_denied_cell_and_its_ec2_is_collected() {
    let fx = Fixture::new().await;
    let acct = fx.member(3).to_string();
    let details = collect::iam::details_api();
    let e = fx
        .run_with(Rules::none().with(Rule::new(
            Match::any().action(details).account(&acct),
            Fault::error(
                403,
                "AccessDenied",
                &format!(
                    "User: arn:aws:sts::{acct}:assumed-role/orgscope-reader/x is not \
                     authorized to perform: {details} with an explicit deny in a service \
                     control policy"
                ),
            ),
        )))
        .await;
    let iam_cell = CellKey::new(acct.clone(), Place::Global, details);
    let want: BTreeMap<_, _> = [(
        iam_cell.clone(),
        (CoverageStatus::Denied, Some("AccessDenied".to_string())),
    )]
    .into();
    assert_eq!(failed(&e), want);
    // No users were read, so no access keys were asked about: no cell.
    let keys = CellKey::new(acct.clone(), Place::Global, Api::LIST_ACCESS_KEYS);
    assert!(!cells(&e).contains_key(&keys));
    assert!(cells(&fx.baseline).contains_key(&keys));
    // Denied once, never retried.
    assert_eq!(fx.proxy.seen_for(&acct, details), 1);
    // The account's regions are all there, resource for resource.
    let (want, have) = (resources(&fx.baseline), resources(&e));
    for region in REGIONS {
        let place = (acct.clone(), region.to_string());
        assert!(
            want.get(&place).is_some_and(|ids| !ids.is_empty()),
            "{place:?}"
        );
        assert_eq!(have.get(&place), want.get(&place), "{place:?}");
    }
    // And none of its IAM (the baseline's roles were read).
    let iam_of = |e: &Estate| {
        e.resources
            .iter()
            .filter(|r| r.account_id == acct && r.kind.def().service == "iam")
            .count()
    };
    assert!(iam_of(&fx.baseline) > 0);
    assert_eq!(iam_of(&e), 0);
    fx.assert_rest_complete(&e, |c| c == &iam_cell || c == &keys);
}

#[tokio::test]
async fn expired_session_credentials_are_renewed_and_nothing_is_lost() {
    let fx = Fixture::new().await;
    // Every member session dies after 12 requests. Each account makes one
    // call per EC2 API and region (2 x 15 = 30), so its first session
    // dies mid-run, at least once. 12, not fewer: a region redoes its
    // expired calls with a new session at most three times, and the two
    // regions share the account's session, so the four sessions of a run
    // must hold its 30 calls (4 x 6 = 24 could not, and lost 6 cells per
    // account when the wiring kinds came).
    let e = fx
        .run_with(Rules::none().expire(Expiry {
            after_requests: Some(12),
            ..Expiry::default()
        }))
        .await;
    assert!(fx.proxy.injected().contains_key("RequestExpired"));
    assert_eq!(failed(&e), BTreeMap::new());
    fx.assert_rest_complete(&e, |_| false);
    // Renewed in every account: assumed again after the first session died.
    for m in &fx.members {
        assert!(fx.proxy.seen_for(m, "sts:AssumeRole") >= 2, "{m}");
    }
}

#[tokio::test]
async fn cancel_mid_run_keeps_finished_accounts_and_marks_the_rest() {
    let fx = Fixture::new().await;
    let stuck = fx.member(2).to_string();
    fx.proxy.set_rules(Rules::none().with(Rule::new(
        Match::any().service("ec2").account(&stuck),
        Fault::Hang,
    )));
    let (tx, mut rx) = mpsc::unbounded_channel();
    let cancel = CancellationToken::new();
    let opts = options(&fx.proxy).await;
    // Cancel once every other account has finished and the stuck one's
    // tags and SCPs are in: it can only end by cancellation (its EC2 calls
    // hang for the 30 s attempt timeout), and it must keep those details.
    // Members minus the stuck one, plus the management account.
    let others = fx.members.len();
    let watch = async {
        let mut finished = BTreeSet::new();
        let mut stuck_details = false;
        while finished.len() < others || !stuck_details {
            match rx.recv().await {
                Some(CollectEvent::AccountFinished { account_id, .. }) => {
                    assert_ne!(account_id, stuck);
                    finished.insert(account_id);
                }
                Some(CollectEvent::AccountDetails { account }) => {
                    stuck_details |= account.id == stuck;
                }
                Some(_) => {}
                None => panic!("the run ended before it was cancelled"),
            }
        }
        cancel.cancel();
    };
    // Driven side by side in this task (the watcher must see events while
    // the run is in flight).
    let (run, ()) = tokio::join!(collect::collect(opts, tx, cancel.clone()), watch);
    let e = run.expect("a cancelled run still returns its estate");
    let want: BTreeMap<_, _> = [(
        CellKey::new(stuck.clone(), Place::Global, Api::COLLECT),
        (
            CoverageStatus::Error,
            Some(collect::CANCELLED_CODE.to_string()),
        ),
    )]
    .into_iter()
    .collect();
    assert_eq!(failed(&e), want);
    assert!(e.resources.iter().all(|r| r.account_id != stuck));
    fx.assert_rest_complete(&e, |c| c.account_id == stuck);
}
