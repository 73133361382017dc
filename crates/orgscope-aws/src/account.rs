//! One account's share of a run: decide how to get in (base credentials for
//! the caller's own account, a role session for members, nothing at all
//! for suspended ones), find its regions, and describe every region,
//! turning each (region, api) into exactly one coverage cell.

use futures::{StreamExt, stream};

use super::auth::{Clients, RoleSession};
use super::classify::Failure;
use super::{CollectOptions, Regions, ec2};
use orgscope_core::model::{Account, Api, CellKey, Coverage, CoverageStatus, Place, Resource};

pub(super) struct Ctx<'a> {
    pub clients: &'a Clients,
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
        let role_arn = format!("arn:aws:iam::{id}:role/{}", ctx.opts.role_name);
        let session = RoleSession::new(
            ctx.clients.sts(None, id),
            role_arn,
            ctx.session_name.clone(),
            ctx.opts,
        );
        let key = CellKey::new(id, Place::Global, Api::ASSUME_ROLE);
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
                    return out;
                }
            }
        }
    };
    out.regions = regions.clone();

    let page_size = ctx.opts.page_size;
    let results: Vec<_> = stream::iter(regions)
        .map(|region| {
            let client = ctx.clients.ec2(id, &region, creds.clone());
            let session = session.clone();
            let task_id = id.to_string();
            let task_region = region.clone();
            async move {
                // Decoding describe responses is most of a run's CPU time.
                // Polled inside the caller's task, every account's decoding
                // would share one worker thread; a task per region spreads
                // it over all of them.
                let work = async move {
                    let session = session.as_deref();
                    describe_renewing(&client, session, &task_id, &task_region, page_size).await
                };
                // Only a panic in the SDK or in our conversion fails the
                // join: record it against the region rather than lose the run.
                let r = on_worker(work).await.unwrap_or_else(|e| {
                    let f = Failure::new(
                        CoverageStatus::Error,
                        "InternalError",
                        format!("orgscope failed while describing the region: {e}"),
                    );
                    ec2::apis().map(|api| (api, Err(f.clone()))).collect()
                });
                (region, r)
            }
        })
        .buffer_unordered(ctx.opts.region_concurrency)
        .collect()
        .await;
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
    out
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

/// Describe a region; calls refused because the role session expired are
/// redone, each with the session dropped and assumed again (three rounds at
/// most), keeping every answer that had succeeded.
async fn describe_renewing(
    client: &aws_sdk_ec2::Client,
    session: Option<&RoleSession>,
    id: &str,
    region: &str,
    page_size: i32,
) -> Vec<(&'static str, Result<Vec<Resource>, Failure>)> {
    let mut generation = session.map(RoleSession::generation).unwrap_or(0);
    let mut per_api = ec2::describe_region(client, id, region, page_size).await;
    let Some(session) = session else {
        return per_api;
    };
    for _ in 0..3 {
        if !per_api.iter().any(|(_, r)| is_expired(r)) {
            break;
        }
        session.expired(generation).await;
        generation = session.generation();
        for (api, r) in per_api.iter_mut() {
            if is_expired(r) {
                *r = ec2::describe_one(client, id, region, page_size, api).await;
            }
        }
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
}
