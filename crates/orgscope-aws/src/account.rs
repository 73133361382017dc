//! One account's share of a run: decide how to get in (base credentials for
//! the caller's own account, a role session or an IAM Identity Center
//! permission set for members, nothing at all for suspended ones), find its regions, and describe every region,
//! turning each (region, api) into exactly one coverage cell.
//!
//! A region's work is one task per service (EC2, ELBv2, RDS, the Tagging API),
//! run at once: each renews an expired role session and redoes the calls
//! it refused on its own, and a panic in one service's task fails that service's cells of
//! the region (`InternalError`) without losing the other's.
//!
//! IAM is global: one task per account, started with the regions' work
//! and independent of it (a denied IAM is its cells, never the EC2 of the
//! account; a failed `DescribeRegions` never loses the IAM), with global
//! cells for its entities and its users' access keys (`iam/`). S3 is a
//! task of its own the same way: one `ListBuckets` per account (one global
//! cell), each bucket then read in its own region (`s3`).
//!
//! When a region answers `AuthFailure`, one `DescribeRegions` with
//! `AllRegions` tells a region the account has not enabled
//! (`region_disabled`: enable it or leave it out) from a real denial.

use futures::{StreamExt, stream};

use std::sync::Arc;

use aws_credential_types::provider::SharedCredentialsProvider;

use super::auth::{Clients, RoleSession};
use super::classify::Failure;
use super::sso::SsoAccess;
use super::{
    Access, CollectOptions, Regions, dynamodb, ec2, eks, elbv2, iam, lambda, rds, s3, tagging,
};
use orgscope_core::model::{Account, Api, CellKey, Coverage, CoverageStatus, Place, Resource};

/// What one service's collectors found in a region: one result per API.
type PerApi = Vec<(&'static str, Result<Vec<Resource>, Failure>)>;

pub(super) struct Ctx<'a> {
    pub clients: &'a Clients,
    /// The signed-in portal when the run uses a permission set.
    pub sso: Option<&'a std::sync::Arc<SsoAccess>>,
    pub opts: &'a CollectOptions,
    pub caller_account: &'a str,
    pub session_name: String,
}

#[derive(Debug, Default)]
pub(super) struct Outcome {
    pub resources: Vec<Resource>,
    pub coverage: Vec<Coverage>,
    /// Regions actually visited (for `Regions::AllEnabled`).
    pub regions: Vec<String>,
}

impl Outcome {
    fn cell(&mut self, key: CellKey, r: Result<(), Failure>) {
        let (status, code, message) = match r {
            Ok(()) => (CoverageStatus::Ok, None, None),
            Err(f) => (f.status, f.code, f.message),
        };
        let cell = Coverage::new(key, status, code, message);
        self.coverage.push(cell);
    }
}

pub(super) async fn collect_account(ctx: &Ctx<'_>, account: &Account) -> Outcome {
    let mut out = Outcome::default();
    let id = account.id.as_str();
    if !account.is_active() {
        out.cell(
            CellKey::new(id, Place::Global, Api::ASSUME_ROLE),
            Err(Failure::new(
                CoverageStatus::Suspended,
                account.status.as_str(),
                format!("account is {}: not assumed into", account.status),
            )),
        );
        return out;
    }

    let session = if id == ctx.caller_account {
        None
    } else {
        let session = match (&ctx.opts.access, ctx.sso) {
            (Access::PermissionSet(set), Some(sso)) => {
                RoleSession::identity_center(sso.clone(), id, set)
            }
            _ => RoleSession::new(
                ctx.clients.sts(None, id),
                format!("arn:aws:iam::{id}:role/{}", ctx.opts.role_name),
                ctx.session_name.clone(),
                ctx.opts,
            ),
        };
        let key = CellKey::new(id, Place::Global, session.api());
        match session.credentials().await {
            Ok(_) => out.cell(key, Ok(())),
            Err(f) => {
                out.cell(key, Err(f));
                return out;
            }
        }
        Some(session)
    };
    let creds = session.as_ref().map(|s| s.provider());

    // IAM is account-wide: its own task, beside the regions (which may
    // not even be listed when `DescribeRegions` fails).
    let iam_work = {
        let client = ctx.clients.iam(id, creds.clone());
        let session = session.clone();
        let (account, page_size) = (id.to_string(), ctx.opts.page_size);
        async move { collect_iam(session.as_deref(), &client, &account, page_size).await }
    };
    // S3 lists every bucket of the account at once: one task too, each
    // bucket then read in its own region.
    let s3_work = {
        let clients = ctx.clients.clone();
        let (session, creds) = (session.clone(), creds.clone());
        let (account, page_size) = (id.to_string(), ctx.opts.page_size);
        async move {
            let home = clients.s3(&account, &clients.home_region, creds.clone());
            let client_in = |region: &str| clients.s3(&account, region, creds.clone());
            let list = || s3::list_account(&home, client_in, &account, page_size);
            describe_renewing(session.as_deref(), list, |api| {
                let listed = list();
                async move {
                    listed
                        .await
                        .into_iter()
                        .find(|(a, _)| *a == api)
                        .map_or_else(
                            || {
                                Err(Failure::new(
                                    CoverageStatus::Error,
                                    "UnknownApi",
                                    format!("orgscope does not collect {api}"),
                                ))
                            },
                            |(_, r)| r,
                        )
                }
            })
            .await
        }
    };
    let (iam, s3, ()) = futures::join!(
        service(on_worker(iam_work), iam::apis()),
        service(on_worker(s3_work), s3::apis()),
        describe_regions(ctx, id, session.as_ref(), creds, &mut out),
    );
    for (api, r) in iam.into_iter().chain(s3) {
        let key = CellKey::new(id, Place::Global, api);
        match r {
            Ok(resources) => {
                out.resources.extend(resources);
                out.cell(key, Ok(()));
            }
            Err(f) => out.cell(key, Err(f)),
        }
    }
    out
}

/// One service's collectors of a region (`$module`: its `apis`,
/// `describe_region` and `describe_one`, over the client
/// `ctx.clients.$client(…)`) as their own worker task, boxed so a region
/// lists its services in one `Vec`. Decoding describe responses is most
/// of a run's CPU time: polled inside the account's task, every region's
/// decoding would share one worker thread; a task per region and service
/// spreads it over all of them.
macro_rules! regional {
    ($ctx:expr, $session:expr, $creds:expr, $id:expr, $region:expr, $page_size:expr,
     $client:ident, $module:ident) => {{
        let client = $ctx.clients.$client($id, $region, $creds.clone());
        let session = $session.cloned();
        let (id, region, page_size) = ($id.to_string(), $region.to_string(), $page_size);
        let work = async move {
            let (id, region) = (id.as_str(), region.as_str());
            describe_renewing(
                session.as_deref(),
                || $module::describe_region(&client, id, region, page_size),
                |api| $module::describe_one(&client, id, region, page_size, api),
            )
            .await
        };
        futures::FutureExt::boxed(service(on_worker(work), $module::apis()))
    }};
}

/// Every region of the account (listed first when the run asks for every
/// enabled one), each service (EC2, ELBv2, the Tagging API, …) as a task
/// of its own per region, into `out`.
async fn describe_regions(
    ctx: &Ctx<'_>,
    id: &str,
    session: Option<&Arc<RoleSession>>,
    creds: Option<SharedCredentialsProvider>,
    out: &mut Outcome,
) {
    let regions = match &ctx.opts.regions {
        Regions::List(list) => list.clone(),
        Regions::AllEnabled => {
            let client = ctx.clients.ec2(id, &ctx.clients.home_region, creds.clone());
            let key = CellKey::new(id, Place::Global, Api::DESCRIBE_REGIONS);
            match ec2::enabled_regions(&client).await {
                Ok(r) => {
                    out.cell(key, Ok(()));
                    r
                }
                Err(f) => {
                    out.cell(key, Err(f));
                    return;
                }
            }
        }
    };
    out.regions = regions.clone();

    let page_size = ctx.opts.page_size;
    let mut results: Vec<(String, PerApi)> = stream::iter(regions)
        .map(|region| {
            // Every service of the region at once, each its own task: a
            // slow or denied service never holds up another's cells.
            let services: Vec<futures::future::BoxFuture<'static, PerApi>> = vec![
                regional!(ctx, session, creds, id, &region, page_size, ec2, ec2),
                regional!(ctx, session, creds, id, &region, page_size, elbv2, elbv2),
                regional!(ctx, session, creds, id, &region, page_size, rds, rds),
                regional!(ctx, session, creds, id, &region, page_size, lambda, lambda),
                regional!(ctx, session, creds, id, &region, page_size, eks, eks),
                regional!(
                    ctx, session, creds, id, &region, page_size, dynamodb, dynamodb
                ),
                regional!(
                    ctx, session, creds, id, &region, page_size, tagging, tagging
                ),
            ];
            async move {
                let per_api = futures::future::join_all(services)
                    .await
                    .into_iter()
                    .flatten()
                    .collect();
                (region, per_api)
            }
        })
        .buffer_unordered(ctx.opts.region_concurrency)
        .collect()
        .await;
    if results.iter().any(|(_, per_api)| has_auth_failure(per_api)) {
        let client = ctx.clients.ec2(id, &ctx.clients.home_region, creds.clone());
        let not_opted_in = ec2::regions_not_opted_in(&client).await;
        refile_not_opted_in(&mut results, &not_opted_in);
    }
    for (region, per_api) in results {
        for (api, r) in per_api {
            let key = CellKey::new(id, &region, api);
            match r {
                Ok(resources) => {
                    out.resources.extend(resources);
                    out.cell(key, Ok(()));
                }
                Err(f) => out.cell(key, Err(f)),
            }
        }
    }
}

/// The account's IAM: its entities, then its users' access keys (only
/// when the entities were read: without users there is nothing to ask,
/// and the one failed cell says why). Calls refused because the session
/// expired are redone after renewing it, three rounds at most, as
/// [`describe_renewing`] does for a region; for the keys, only the users
/// refused are asked again.
async fn collect_iam(
    session: Option<&RoleSession>,
    client: &aws_sdk_iam::Client,
    account_id: &str,
    page_size: i32,
) -> PerApi {
    // The generation of the credentials a call is about to use, read just
    // before it: the regions share the session and may renew it first.
    let now = || session.map(RoleSession::generation).unwrap_or(0);
    let mut generation = now();
    let mut details = iam::details(client, account_id, page_size).await;
    if let Some(session) = session {
        for _ in 0..3 {
            if !is_expired(&details) {
                break;
            }
            session.expired(generation).await;
            generation = now();
            details = iam::details(client, account_id, page_size).await;
        }
    }
    let mut resources = match details {
        Ok(r) => r,
        Err(f) => return vec![(iam::details_api(), Err(f))],
    };
    generation = now();
    let mut read = iam::read_keys(client, &iam::user_names(&resources)).await;
    if let Some(session) = session {
        for _ in 0..3 {
            let expired: Vec<String> = read
                .iter()
                .filter(|(_, r)| is_expired(r))
                .map(|(user, _)| user.clone())
                .collect();
            if expired.is_empty() {
                break;
            }
            session.expired(generation).await;
            generation = now();
            let again = iam::read_keys(client, &expired).await;
            for (user, r) in again {
                if let Some(slot) = read.iter_mut().find(|(u, _)| *u == user) {
                    slot.1 = r;
                }
            }
        }
    }
    let keys = iam::with_keys(&mut resources, read);
    vec![
        (iam::details_api(), Ok(resources)),
        (iam::keys_api(), keys.map(|()| Vec::new())),
    ]
}

/// EC2 answers `AuthFailure` both to credentials it rejects and to any
/// call in a region the account has not enabled, so the code alone would
/// send a user to fix a role that is fine.
fn has_auth_failure(per_api: &PerApi) -> bool {
    per_api
        .iter()
        .any(|(_, r)| matches!(r, Err(f) if f.code.as_deref() == Some("AuthFailure")))
}

/// Refile the denials of regions the account has not opted in to as
/// `region_disabled`, saying what to do; the AWS code is kept, so the cell
/// still shows what AWS answered. When the opt-in status could not be
/// read, the denials stay denials and say why they could not be told apart.
fn refile_not_opted_in(
    results: &mut [(String, PerApi)],
    not_opted_in: &Result<std::collections::BTreeSet<String>, Failure>,
) {
    for (region, per_api) in results.iter_mut() {
        for (_, r) in per_api.iter_mut() {
            let Err(f) = r else { continue };
            if f.status != CoverageStatus::Denied {
                continue;
            }
            match not_opted_in {
                Ok(regions) if regions.contains(region.as_str()) => {
                    f.status = CoverageStatus::RegionDisabled;
                    f.message = Some(format!(
                        "{region} is not enabled in this account (opt-in status: not-opted-in), \
                         so AWS refused the call. Enable the region in the account's settings \
                         (Account > AWS Regions), or leave it out of --regions."
                    ));
                }
                Ok(_) => {}
                Err(check) if f.code.as_deref() == Some("AuthFailure") => {
                    let said = f.message.as_deref().unwrap_or("AWS gave no message");
                    f.message = Some(format!(
                        "{said} (AuthFailure may also mean the region is not enabled; \
                         orgscope could not read the account's regions to tell: {check})"
                    ));
                }
                Err(_) => {}
            }
        }
    }
}

/// One service's results in a region, or, if its task panicked (a bug in
/// the SDK or in a conversion: only a panic fails the join), the same
/// `InternalError` for each of its `apis` rather than a lost run.
async fn service(
    work: impl Future<Output = Result<PerApi, tokio::task::JoinError>>,
    apis: impl Iterator<Item = &'static str>,
) -> PerApi {
    work.await.unwrap_or_else(|e| {
        let f = Failure::new(
            CoverageStatus::Error,
            "InternalError",
            format!("orgscope failed while describing the region: {e}"),
        );
        apis.map(|api| (api, Err(f.clone()))).collect()
    })
}

/// Run `work` as its own task on the runtime's worker threads. Dropping the
/// returned future (a cancelled run) aborts the task, so nothing outlives
/// the run that started it.
async fn on_worker<T: Send + 'static>(
    work: impl Future<Output = T> + Send + 'static,
) -> Result<T, tokio::task::JoinError> {
    tokio_util::task::AbortOnDropHandle::new(tokio::spawn(work)).await
}

/// Error codes meaning "these credentials are no longer valid" although
/// they had not reached their stated expiry.
const EXPIRED_CODES: [&str; 3] = ["ExpiredToken", "ExpiredTokenException", "RequestExpired"];

fn is_expired<T>(r: &Result<T, Failure>) -> bool {
    matches!(r, Err(f) if f.code.as_deref().is_some_and(|c| EXPIRED_CODES.contains(&c)))
}

/// Describe a region with one service's collectors (`all`); calls refused
/// because the role session expired are redone one by one (`one`, by API
/// name), each round with the session dropped and assumed again, keeping
/// every answer that had succeeded. It gives up after three rounds in a
/// row that redo nothing: a fixed number of rounds was not enough once a
/// region ran six services at once, all spending the same fresh session
/// (the fault tests expire it after a few requests), and a round that
/// makes progress is never the one to give up on. Each round either
/// settles a call or counts towards the three, so it ends.
async fn describe_renewing<All, One>(
    session: Option<&RoleSession>,
    all: impl FnOnce() -> All,
    one: impl Fn(&'static str) -> One,
) -> PerApi
where
    All: Future<Output = PerApi>,
    One: Future<Output = Result<Vec<Resource>, Failure>>,
{
    let mut generation = session.map(RoleSession::generation).unwrap_or(0);
    let mut per_api = all().await;
    let Some(session) = session else {
        return per_api;
    };
    let mut stalled = 0;
    while stalled < 3 && per_api.iter().any(|(_, r)| is_expired(r)) {
        session.expired(generation).await;
        generation = session.generation();
        let mut settled = false;
        for (api, r) in per_api.iter_mut() {
            if is_expired(r) {
                *r = one(api).await;
                settled |= !is_expired(r);
            }
        }
        stalled = if settled { 0 } else { stalled + 1 };
    }
    per_api
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn dropping_a_worker_future_aborts_its_task() {
        let (alive, gone) = tokio::sync::oneshot::channel::<()>();
        let mut run = Box::pin(on_worker(async move {
            let _alive = alive;
            std::future::pending::<()>().await
        }));
        // One poll spawns the task; then the run is dropped, as on cancel.
        assert!(futures::poll!(&mut run).is_pending());
        drop(run);
        // The sender dies with the task: the receiver sees the channel closed.
        let closed = tokio::time::timeout(Duration::from_secs(10), gone).await;
        assert!(matches!(closed, Ok(Err(_))), "the task outlived its run");
    }

    #[tokio::test]
    async fn a_panicking_worker_is_an_error_not_a_crash() {
        let r = on_worker(async { panic!("conversion bug") }).await;
        assert!(r.is_err_and(|e| e.is_panic()));
    }

    #[tokio::test]
    async fn a_panicking_service_fails_each_of_its_cells_and_only_those() {
        let panicked = service(on_worker(async { panic!("conversion bug") }), elbv2::apis()).await;
        let apis: Vec<&str> = panicked.iter().map(|(api, _)| *api).collect();
        assert_eq!(apis, elbv2::apis().collect::<Vec<_>>());
        for (api, r) in &panicked {
            let f = r.as_ref().err();
            assert_eq!(
                f.map(|f| (f.status, f.code.as_deref())),
                Some((CoverageStatus::Error, Some("InternalError"))),
                "{api}"
            );
        }
        // The other service's task is untouched by it.
        let fine = service(
            on_worker(async { vec![("ec2:DescribeVpcs", Ok(Vec::new()))] }),
            ec2::apis(),
        )
        .await;
        assert_eq!(fine, vec![("ec2:DescribeVpcs", Ok(Vec::new()))]);
    }

    #[test]
    fn every_regional_api_of_the_registry_is_described_in_each_region() {
        // The cells a region gets, in order: EC2's, ELBv2's, RDS's,
        // Lambda's, EKS's, DynamoDB's, then the Tagging API's, which is
        // registry order of the regional kinds. S3's is the account's
        // (`s3::apis`, a listed kind).
        let dispatched: Vec<&str> = ec2::apis()
            .chain(elbv2::apis())
            .chain(rds::apis())
            .chain(lambda::apis())
            .chain(eks::apis())
            .chain(dynamodb::apis())
            .chain(tagging::apis())
            .collect();
        let registered: Vec<&str> = orgscope_core::model::regional_apis().collect();
        assert_eq!(dispatched, registered);
    }

    fn auth_failure() -> Result<Vec<Resource>, Failure> {
        Err(Failure::new(
            CoverageStatus::Denied,
            "AuthFailure",
            "AWS was not able to validate the provided access credentials",
        ))
    }

    fn statuses(results: &[(String, PerApi)]) -> Vec<(&str, &str, CoverageStatus)> {
        let mut out = Vec::new();
        for (region, per_api) in results {
            for (api, r) in per_api {
                let status = r.as_ref().map_or_else(|f| f.status, |_| CoverageStatus::Ok);
                out.push((region.as_str(), *api, status));
            }
        }
        out
    }

    fn auth_failed_in_two_regions() -> Vec<(String, PerApi)> {
        vec![
            (
                "ap-east-1".to_string(),
                vec![
                    ("ec2:DescribeVpcs", auth_failure()),
                    ("ec2:DescribeSubnets", auth_failure()),
                ],
            ),
            (
                "eu-west-1".to_string(),
                vec![
                    ("ec2:DescribeVpcs", auth_failure()),
                    ("ec2:DescribeSubnets", Ok(Vec::new())),
                ],
            ),
        ]
    }

    #[test]
    fn auth_failure_in_a_region_not_opted_in_is_region_disabled_and_elsewhere_denied() {
        let mut results = auth_failed_in_two_regions();
        assert!(results.iter().all(|(_, p)| has_auth_failure(p)));
        let not_opted_in = Ok(["ap-east-1".to_string(), "me-south-1".to_string()].into());
        refile_not_opted_in(&mut results, &not_opted_in);
        use CoverageStatus::{Denied, Ok as Fine, RegionDisabled};
        assert_eq!(
            statuses(&results),
            [
                ("ap-east-1", "ec2:DescribeVpcs", RegionDisabled),
                ("ap-east-1", "ec2:DescribeSubnets", RegionDisabled),
                ("eu-west-1", "ec2:DescribeVpcs", Denied),
                ("eu-west-1", "ec2:DescribeSubnets", Fine),
            ]
        );
        let refiled = results[0].1[0].1.as_ref().err();
        assert_eq!(refiled.and_then(|f| f.code.as_deref()), Some("AuthFailure"));
        let message = refiled.and_then(|f| f.message.as_deref()).unwrap_or("");
        assert!(message.contains("ap-east-1 is not enabled"), "{message}");
        assert!(message.contains("--regions"), "{message}");
    }

    #[test]
    fn auth_failure_stays_denied_and_says_so_when_the_opt_in_status_is_unreadable() {
        let mut results = auth_failed_in_two_regions();
        let unreadable = Err(Failure::new(
            CoverageStatus::Denied,
            "UnauthorizedOperation",
            "not allowed: ec2:DescribeRegions",
        ));
        refile_not_opted_in(&mut results, &unreadable);
        let failed: Vec<_> = statuses(&results)
            .into_iter()
            .filter(|(_, _, s)| *s != CoverageStatus::Ok)
            .collect();
        assert!(
            failed.iter().all(|(_, _, s)| *s == CoverageStatus::Denied),
            "{failed:?}"
        );
        let message = results[0].1[0]
            .1
            .as_ref()
            .err()
            .and_then(|f| f.message.clone());
        let message = message.unwrap_or_default();
        assert!(
            message.contains("could not read the account's regions"),
            "{message}"
        );
        assert!(message.contains("ec2:DescribeRegions"), "{message}");
    }

    #[test]
    fn other_denials_do_not_trigger_the_opt_in_check() {
        let scp = Err(Failure::new(
            CoverageStatus::Denied,
            "UnauthorizedOperation",
            "explicit deny",
        ));
        assert!(!has_auth_failure(&vec![("ec2:DescribeVpcs", scp)]));
    }

    fn expired() -> Result<Vec<Resource>, Failure> {
        Err(Failure::new(
            CoverageStatus::Error,
            "ExpiredToken",
            "The security token included in the request is expired",
        ))
    }

    #[tokio::test]
    async fn expired_calls_are_redone_after_renewal_and_the_rest_kept() {
        let session = session();
        let redone = std::sync::Mutex::new(Vec::new());
        let log = &redone;
        let per_api = describe_renewing(
            Some(session.as_ref()),
            || async {
                vec![
                    ("a:One", Ok(Vec::new())),
                    ("a:Two", expired()),
                    ("a:Three", expired()),
                ]
            },
            |api| {
                log.lock().map(|mut r| r.push(api)).ok();
                async move {
                    // `a:Three` is refused once more, then answers.
                    let again = log
                        .lock()
                        .map(|r| r.iter().filter(|a| **a == api).count())
                        .unwrap_or(0);
                    if api == "a:Three" && again < 2 {
                        expired()
                    } else {
                        Ok(Vec::new())
                    }
                }
            },
        )
        .await;
        assert!(per_api.iter().all(|(_, r)| r.is_ok()), "{per_api:?}");
        let redone = redone.into_inner().unwrap_or_default();
        assert_eq!(redone, ["a:Two", "a:Three", "a:Three"]);
        assert_eq!(session.generation(), 2, "renewed once per round");
    }

    /// A session whose STS is never called: `expired` only drops the
    /// cache and bumps the generation, and nothing here asks for
    /// credentials.
    fn session() -> Arc<RoleSession> {
        let conf = aws_sdk_sts::Config::builder()
            .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
            .region(aws_sdk_sts::config::Region::new("us-east-1"))
            .build();
        RoleSession::new(
            aws_sdk_sts::Client::from_conf(conf),
            "arn:aws:iam::111111111111:role/r".into(),
            "s".into(),
            &crate::CollectOptions::default(),
        )
    }

    /// Call `k` of `apis` is refused `k` more times before it answers,
    /// or forever when `k` is past `answers`: what a session shared by
    /// many services at once (each spending the renewed session) can
    /// look like.
    async fn renew_until(apis: &[&'static str], answers: usize) -> (PerApi, u64) {
        let session = session();
        let tries = std::sync::Mutex::new(Vec::<&'static str>::new());
        let tries = &tries;
        let per_api = describe_renewing(
            Some(session.as_ref()),
            || async { apis.iter().map(|a| (*a, expired())).collect() },
            |api| async move {
                let k = apis.iter().position(|a| *a == api).unwrap_or(usize::MAX);
                let n = tries
                    .lock()
                    .map(|mut t| {
                        t.push(api);
                        t.iter().filter(|a| **a == api).count()
                    })
                    .unwrap_or(0);
                if k < answers && n > k {
                    Ok(Vec::new())
                } else {
                    expired()
                }
            },
        )
        .await;
        (per_api, session.generation())
    }

    #[tokio::test]
    async fn renewal_goes_on_while_each_round_settles_a_call() {
        // Six calls settling one per round: a fixed three rounds would
        // have left three refused.
        let apis = ["a:1", "a:2", "a:3", "a:4", "a:5", "a:6"];
        let (per_api, renewals) = renew_until(&apis, apis.len()).await;
        assert!(per_api.iter().all(|(_, r)| r.is_ok()), "{per_api:?}");
        assert_eq!(renewals, 6);
    }

    #[tokio::test]
    async fn renewal_gives_up_after_three_rounds_that_settle_nothing() {
        // The first call answers on its first redo; the second never.
        let (per_api, renewals) = renew_until(&["a:1", "a:2"], 1).await;
        assert!(per_api[0].1.is_ok());
        assert!(is_expired(&per_api[1].1), "{per_api:?}");
        // One round that settled a:1, then three that settled nothing.
        assert_eq!(renewals, 4);
    }
}
