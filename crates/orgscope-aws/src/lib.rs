//! Collection: sign in once, crawl the Organizations tree, assume a role
//! into each member account and describe the EC2, Elastic Load
//! Balancing, Lambda and EKS inventory of every chosen region and the account's IAM
//! (global), producing a
//! [`model::Estate`] in which every (account, region, api) cell has exactly
//! one coverage status. AWS SDK types never leave this module: submodules
//! convert them (`ec2`, `elbv2`, `lambda`, `eks`, `iam`, `org`) and classify their errors
//! (`classify`) at the boundary.
//!
//! The pipeline: the walk of the organization (`org`) hands out each page
//! of accounts as it arrives; each account in scope (`scope`) starts at
//! once, up to `concurrency` accounts at a time, while the walk goes on.
//! A large organization no longer waits for its whole tree before its
//! first AssumeRole (issue #17). What can only be known once the walk has
//! ended is decided then: a `--ou` or `--account` name that matches
//! nothing, or a tree that cannot be read, fails the run with the same
//! error as when the walk came first ([`CollectError::UnknownOu`],
//! [`CollectError::Organizations`]), and the accounts already started are
//! cancelled with it: an estate missing part of the organization would
//! look complete, and one that ignored a mistyped name would not be the
//! scope asked for.
//!
//! Progress streams out as [`CollectEvent`]s for the GUI and the CLI
//! progress bar; nothing here prints. A dropped event receiver is fine.
//!
//! Cancellation: [`collect`] returns promptly with what it has. Accounts
//! that had not finished get one global cell of [`Api::COLLECT`]
//! (`orgscope:Collect`) with status `error` and code [`CANCELLED_CODE`], so
//! a cancelled estate is always visibly partial. Cancelled before the walk
//! ended, the estate holds the accounts listed by then, and the caller's
//! account gets an [`Api::LIST_ACCOUNTS_FOR_PARENT`] cell with the same
//! status and code: the accounts not listed yet are missing.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use aws_config::SdkConfig;
use aws_smithy_runtime_api::client::interceptors::SharedInterceptor;
use futures::StreamExt;
use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use orgscope_core::model::{self, Api, CellKey, Coverage, CoverageStatus, Estate, Place};

mod account;
pub mod auth;
pub mod classify;
pub mod config;
pub mod cost;
pub mod dynamodb;
pub mod ec2;
pub mod eks;
pub mod elbv2;
pub mod fds;
pub mod iam;
pub mod lambda;
pub mod mfa;
pub mod org;
mod paging;
pub mod profiles;
pub mod rds;
pub mod s3;
mod scope;
pub mod sign_in;
pub mod sso;
pub mod tagging;

pub use classify::Failure;
pub use profiles::list_profiles;

/// Default role for cross-account access: exists in every account created
/// through Organizations, but it is an admin role.
pub const DEFAULT_ROLE_NAME: &str = "OrganizationAccountAccessRole";

/// `code` of the cell ([`Api::COLLECT`]) recorded for an account that a
/// cancellation cut short.
pub const CANCELLED_CODE: &str = "Cancelled";

/// Which regions to collect in every account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Regions {
    /// Exactly these regions.
    List(Vec<String>),
    /// Each account's enabled regions (`ec2:DescribeRegions`).
    AllEnabled,
}

/// How orgscope gets into each member account.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Access {
    /// `sts:AssumeRole` of [`CollectOptions::role_name`] in every account.
    #[default]
    AssumeRole,
    /// This IAM Identity Center permission set, through the sign-in of the
    /// run's (SSO) profile: `sso:GetRoleCredentials` per account.
    PermissionSet(String),
}

/// Where a run reads the estate from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Source {
    /// A role (or permission set) in every account, its APIs described.
    #[default]
    Crawl,
    /// An AWS Config aggregator in the caller's account ([`config`]).
    ConfigAggregator(config::AggregatorOptions),
}

/// Test and embedding hooks. Application code leaves these empty: the base
/// config then comes from the standard chain and no interceptor runs.
#[derive(Clone, Default)]
pub struct Hooks {
    /// Use this base configuration instead of loading the standard chain.
    pub base_config: Option<SdkConfig>,
    /// Interceptors added to every SDK client of the run (STS,
    /// Organizations and every per-account EC2, ELBv2 and IAM client).
    pub interceptors: Vec<SharedInterceptor>,
}

impl std::fmt::Debug for Hooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hooks")
            .field("base_config", &self.base_config.is_some())
            .field("interceptors", &self.interceptors.len())
            .finish()
    }
}

/// Everything a run needs to know.
#[derive(Debug, Clone)]
pub struct CollectOptions {
    /// AWS profile; `None` = the default chain (`AWS_PROFILE`, env, ...).
    pub profile: Option<String>,
    pub regions: Regions,
    /// How to get into member accounts.
    pub access: Access,
    /// Role assumed in member accounts ([`Access::AssumeRole`]).
    pub role_name: String,
    pub external_id: Option<String>,
    /// AssumeRole session length (`None` = STS default, one hour).
    pub session_duration: Option<Duration>,
    /// OU names or ids; collect only accounts below them. Empty = all.
    pub ous: Vec<String>,
    /// Account names or ids to collect. Empty = all.
    pub accounts: Vec<String>,
    /// Accounts collected at once.
    pub concurrency: usize,
    /// Accounts whose Organizations details (tags, SCPs) are read at once,
    /// two calls each: Organizations' rate limit is org-wide and low.
    pub org_concurrency: usize,
    /// Regions of one account collected at once.
    pub region_concurrency: usize,
    /// `MaxResults` of EC2 describe calls (clamped to 5..=1000), `PageSize`
    /// of ELBv2 ones (clamped to 1..=400), and `MaxItems` of IAM's
    /// `GetAccountAuthorizationDetails` (clamped to 1..=1000).
    pub page_size: i32,
    pub connect_timeout: Duration,
    /// Time limit of one HTTP attempt.
    pub attempt_timeout: Duration,
    /// Time limit of one call, retries included.
    pub operation_timeout: Duration,
    /// Attempts per call (1 = no retry); Organizations and ELBv2, whose
    /// rate limits are low, get twice as many.
    pub max_attempts: u32,
    pub initial_backoff: Duration,
    /// MFA for the base profile: asked once, then used for every AssumeRole.
    pub mfa: mfa::Mfa,
    /// Read costs from Cost Explorer too (billed per request, so opt-in).
    pub cost: Option<cost::CostOptions>,
    /// Crawl, or read an AWS Config aggregator.
    pub source: Source,
    pub hooks: Hooks,
}

impl Default for CollectOptions {
    fn default() -> Self {
        CollectOptions {
            profile: None,
            regions: Regions::AllEnabled,
            access: Access::AssumeRole,
            role_name: DEFAULT_ROLE_NAME.to_string(),
            external_id: None,
            session_duration: None,
            ous: Vec::new(),
            accounts: Vec::new(),
            // EC2's and ELB's request limits are per account and region, so
            // accounts in parallel do not throttle each other: 32 accounts
            // × 4 regions × 18 describes keeps ~2,300 calls in flight (up
            // to ~5,000 with ELB's per-resource calls), which hides a 100
            // ms round trip (2 waves for 100 accounts). The sockets that
            // takes are checked against the open files limit (`fds.rs`).
            concurrency: 32,
            org_concurrency: 16,
            region_concurrency: 4,
            page_size: 1000,
            connect_timeout: Duration::from_secs(10),
            attempt_timeout: Duration::from_secs(30),
            operation_timeout: Duration::from_secs(120),
            max_attempts: 5,
            initial_backoff: Duration::from_secs(1),
            mfa: mfa::Mfa::default(),
            cost: None,
            source: Source::Crawl,
            hooks: Hooks::default(),
        }
    }
}

/// Progress of a run, in order: `Identity`; then, while the organization is
/// walked, an `AccountsListed` for each page of accounts that brings some
/// in scope, and once the walk has ended one `Tree`, the complete tree.
/// Per account: `AccountStarted` (always after the `AccountsListed` that
/// named it, as the `concurrency` limit allows, possibly before the walk
/// has ended), `AccountDetails` (in an organization), then
/// `AccountFinished`. `Warning`s at any time. The accounts of every
/// `AccountsListed` together are the estate's accounts; a run that fails
/// (an unknown `--ou`, a tree that cannot be read) may have listed and
/// started some before it did.
#[derive(Debug, Clone)]
pub enum CollectEvent {
    Identity(model::CallerIdentity),
    /// A page of accounts arrived and its accounts in scope are about to
    /// start.
    AccountsListed {
        organization: Option<model::Organization>,
        /// The org tree as far as it has been walked, narrowed to the
        /// scope (OUs still being listed are missing, and so are OUs
        /// without accounts in scope so far): it replaces the previous
        /// one.
        tree: model::OrgUnit,
        /// The accounts this page added, tags and SCPs still empty: they
        /// add to the previous ones.
        accounts: Vec<model::Account>,
    },
    /// The walk has ended: the complete tree, narrowed to the scope, as
    /// the estate will have it. Every account is listed by then.
    Tree {
        organization: Option<model::Organization>,
        tree: model::OrgUnit,
    },
    AccountStarted {
        account_id: String,
    },
    /// The account record completed with its tags and SCPs (the
    /// `AccountsListed` event's copy has them empty); comes before its
    /// `AccountFinished`.
    AccountDetails {
        account: model::Account,
    },
    AccountFinished {
        account_id: String,
        resources: Vec<model::Resource>,
        coverage: Vec<model::Coverage>,
    },
    Warning(String),
}

/// Failures that leave no estate worth writing.
#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    /// `sts:GetCallerIdentity` of the caller failed; the message says what
    /// to do about it (see `sign_in`).
    #[error("cannot sign in: {}", sign_in::advice(.failure, .profile.as_deref()))]
    Identity {
        failure: Failure,
        profile: Option<String>,
    },
    #[error("cannot sign in: {0}")]
    UnknownProfile(String),
    /// The IAM Identity Center access mode cannot start (not an SSO
    /// profile, no sign-in); the message says what to do.
    #[error("cannot use IAM Identity Center: {message}")]
    IdentityCenter {
        message: String,
        /// The profile to log in again, when that is the fix.
        relogin: Option<String>,
    },
    #[error("cannot read the organization tree ({api} failed: {failure})")]
    Organizations { api: Api, failure: Failure },
    #[error("no OU named or with id {0:?} in the organization")]
    UnknownOu(String),
    #[error("no account named or with id {0:?} in the organization")]
    UnknownAccount(String),
    #[error("invalid options: {0}")]
    InvalidOptions(String),
    /// The aggregator cannot be read at all (no such name in that region,
    /// no permission): the message says what to check.
    #[error(transparent)]
    Aggregator(Box<config::AggregatorError>),
    #[error(transparent)]
    Mfa(#[from] mfa::MfaError),
    #[error("cancelled before the caller identity was known")]
    Cancelled,
}

impl CollectError {
    /// What the user can do next, for the sign-in failures that have an
    /// answer (the welcome screen shows them as buttons).
    pub fn next_steps(&self) -> Vec<sign_in::NextStep> {
        match self {
            CollectError::Identity { failure, profile } => {
                sign_in::next_steps(failure, profile.as_deref())
            }
            CollectError::IdentityCenter {
                relogin: Some(profile),
                ..
            } => vec![sign_in::NextStep::SsoLogin {
                profile: profile.clone(),
            }],
            _ => Vec::new(),
        }
    }
}

/// Collect the estate. See the module docs for events and cancellation.
pub async fn collect(
    opts: CollectOptions,
    events: UnboundedSender<CollectEvent>,
    cancel: CancellationToken,
) -> Result<Estate, CollectError> {
    validate(&opts)?;
    let emit = |e: CollectEvent| {
        // The receiver may be gone (window closed): the run goes on.
        let _ = events.send(e);
    };
    let started = now_rfc3339();
    check_profile(&opts).await?;
    let base = auth::load_base_config(&opts).await;
    let base = mfa::apply(base, &opts).await?;
    let clients = auth::Clients::new(base.clone(), &opts);
    let sso = match &opts.access {
        Access::AssumeRole => None,
        Access::PermissionSet(_) => Some(std::sync::Arc::new(
            identity_center(&opts, &clients, &base).await?,
        )),
    };

    let base_sts = clients.base_sts();
    let caller = tokio::select! {
        _ = cancel.cancelled() => return Err(CollectError::Cancelled),
        r = auth::caller_identity(&base_sts) => r.map_err(|failure| CollectError::Identity {
            failure,
            profile: opts.profile.clone(),
        })?,
    };
    emit(CollectEvent::Identity(caller.clone()));

    let mut estate = Estate::new(started, source(&opts), caller.clone());
    if let Source::ConfigAggregator(agg) = &opts.source {
        let mut estate =
            config::collect(&opts, agg, &clients, &caller, estate, &emit, &cancel).await?;
        if !agg.refresh.is_empty() && !cancel.is_cancelled() {
            let ctx = account::Ctx {
                clients: &clients,
                sso: sso.as_ref(),
                opts: &opts,
                caller_account: &caller.account_id,
                session_name: auth::session_name(&caller.arn),
            };
            refresh_live(&ctx, &mut estate, &agg.refresh, &emit, &cancel).await?;
        }
        return Ok(finish(estate, &opts, &clients, &caller, &emit, &cancel).await);
    }
    estate.role_name = Some(match &opts.access {
        Access::AssumeRole => opts.role_name.clone(),
        Access::PermissionSet(set) => set.clone(),
    });
    if let Regions::List(list) = &opts.regions {
        estate.regions = list.clone();
    }

    let orgs = clients.organizations();
    let scope = scope::Scope::new(&opts.ous, &opts.accounts);
    let ctx = account::Ctx {
        clients: &clients,
        sso: sso.as_ref(),
        opts: &opts,
        caller_account: &caller.account_id,
        session_name: auth::session_name(&caller.arn),
    };
    let accounts_at_once = fds::accounts_at_once(
        opts.concurrency,
        opts.region_concurrency,
        fds::calls_per_region(),
        fds::calls_per_account(),
        fds::raise_open_files_limit(),
    );
    if accounts_at_once < opts.concurrency {
        emit(CollectEvent::Warning(format!(
            "the open files limit leaves room for {accounts_at_once} accounts at once, not {}: \
             the run will be slower; raise it (`ulimit -n 8192`) and run again for full speed",
            opts.concurrency
        )));
    }
    let org_limit = tokio::sync::Semaphore::new(opts.org_concurrency);
    // What the walk has handed out so far: the estate of a run cancelled
    // before the walk ended is made of it.
    let listed = std::sync::Mutex::new(Listed::default());
    // Details land here as soon as they are read, so an account that a
    // cancellation cuts short still keeps the tags and SCPs it got.
    let details: std::sync::Mutex<HashMap<String, (model::Account, Vec<Coverage>)>> =
        std::sync::Mutex::default();
    // Accounts go from the walk to their runs through a channel drained by
    // `buffer_unordered`, rather than a task each behind a semaphore: an
    // account is taken off the channel only when a run slot is free, so
    // `AccountStarted` is sent when its work really starts, accounts start
    // in the order they were listed, and the walk never waits for a slot.
    // The sender lives in the walk, so the channel ends with it.
    let (start, to_start) = futures::channel::mpsc::unbounded::<(model::Account, bool)>();
    let on_page = {
        let (listed, emit) = (&listed, &emit);
        move |page: org::Page<'_>| {
            let admitted: Vec<model::Account> = page
                .accounts
                .iter()
                .filter(|a| scope.admits(a, &page.chain))
                .cloned()
                .collect();
            if admitted.is_empty() {
                return;
            }
            let mut tree = page.tree();
            {
                let mut l = lock(listed);
                l.ids.extend(admitted.iter().map(|a| a.id.clone()));
                l.accounts.extend(admitted.iter().cloned());
                scope.narrow(&mut tree, &l.ids);
                l.tree = Some(tree.clone());
                l.organization = page.organization.cloned();
            }
            // Before the accounts are queued: their `AccountStarted` must
            // come after the listing that names them.
            emit(CollectEvent::AccountsListed {
                organization: page.organization.cloned(),
                tree,
                accounts: admitted.clone(),
            });
            // A standalone account has no Organizations to ask about its
            // tags or SCPs.
            let in_org = page.organization.is_some();
            for a in admitted {
                // The receiver is gone only when the run is being dropped.
                let _ = start.unbounded_send((a, in_org));
            }
        }
    };

    let mut crawled: Option<org::Crawl> = None;
    let mut finished: HashSet<String> = HashSet::new();
    let mut all_regions: Vec<String> = Vec::new();
    {
        let (ctx, orgs, org_limit, details, emit) = (&ctx, &orgs, &org_limit, &details, &emit);
        let mut runs = to_start
            .map(|(a, in_org): (model::Account, bool)| {
                emit(CollectEvent::AccountStarted {
                    account_id: a.id.clone(),
                });
                async move {
                    // Tags and SCPs feed only the account record, so they
                    // are read while the EC2 work runs, not before it.
                    let read_details = async {
                        if !in_org {
                            return Vec::new();
                        }
                        let mut account = a.clone();
                        let cells = org::account_details(orgs, org_limit, &mut account).await;
                        emit(CollectEvent::AccountDetails {
                            account: account.clone(),
                        });
                        lock(details).insert(account.id.clone(), (account, cells.clone()));
                        cells
                    };
                    let (out, detail_cells) =
                        tokio::join!(account::collect_account(ctx, &a), read_details);
                    (a.id, out, detail_cells)
                }
            })
            .buffer_unordered(accounts_at_once);
        let mut walk = std::pin::pin!(org::crawl(orgs, &caller, sso.as_deref(), on_page));
        let mut runs_done = false;
        // Until the walk has ended and every account it listed has run.
        while crawled.is_none() || !runs_done {
            tokio::select! {
                biased;
                _ = cancel.cancelled() => break,
                r = &mut walk, if crawled.is_none() => {
                    // A walk that fails, or names that match nothing, fail
                    // the run as they did before accounts started early:
                    // returning drops `runs`, which cancels the accounts
                    // already started (their tasks abort on drop).
                    let mut c = r.map_err(|e| CollectError::Organizations {
                        api: e.api,
                        failure: e.failure,
                    })?;
                    let kept = lock(&listed).ids.clone();
                    scope.finish(&mut c, &kept, &caller.account_id)?;
                    for w in &c.warnings {
                        emit(CollectEvent::Warning(w.clone()));
                    }
                    emit(CollectEvent::Tree {
                        organization: c.organization.clone(),
                        tree: c.tree.clone(),
                    });
                    crawled = Some(c);
                }
                n = runs.next(), if !runs_done => {
                    let Some((id, out, detail_cells)) = n else {
                        runs_done = true;
                        continue;
                    };
                    all_regions.extend(out.regions);
                    let mut coverage = out.coverage.clone();
                    coverage.extend(detail_cells);
                    emit(CollectEvent::AccountFinished {
                        account_id: id.clone(),
                        resources: out.resources.clone(),
                        coverage,
                    });
                    finished.insert(id);
                    estate.resources.extend(out.resources);
                    // Detail cells join from `details` below, finished or not.
                    estate.coverage.extend(out.coverage);
                }
            }
        }
    }

    let accounts = match crawled {
        Some(c) => {
            estate.organization = c.organization;
            estate.tree = c.tree;
            estate.coverage.extend(c.coverage);
            c.accounts
        }
        // Cancelled during the walk: the accounts listed by then, and a
        // cell saying the listing was cut short (later accounts are
        // missing, not merely uncollected).
        None => {
            let l = listed.into_inner().unwrap_or_else(|p| p.into_inner());
            estate.organization = l.organization;
            if let Some(tree) = l.tree {
                estate.tree = tree;
            }
            estate.coverage.push(Coverage::new(
                CellKey::new(
                    &caller.account_id,
                    Place::Global,
                    Api::LIST_ACCOUNTS_FOR_PARENT,
                ),
                CoverageStatus::Error,
                Some(CANCELLED_CODE.to_string()),
                Some(
                    "collection was cancelled before the organization was fully listed: \
                     accounts not listed by then are missing"
                        .to_string(),
                ),
            ));
            l.accounts
        }
    };
    if opts.regions == Regions::AllEnabled {
        all_regions.sort();
        all_regions.dedup();
        estate.regions = all_regions;
    }
    // Accounts whose details never came keep the crawl's record.
    let mut details = details.into_inner().unwrap_or_else(|p| p.into_inner());
    for crawled in accounts {
        if !finished.contains(&crawled.id) {
            estate.coverage.push(cancelled_cell(&crawled.id));
        }
        let account = match details.remove(&crawled.id) {
            Some((account, cells)) => {
                estate.coverage.extend(cells);
                account
            }
            None => crawled,
        };
        estate.accounts.push(account);
    }
    Ok(finish(estate, &opts, &clients, &caller, &emit, &cancel).await)
}

/// What every source ends with: costs when asked, the canonical order,
/// then the facts derived over the whole estate.
async fn finish(
    mut estate: Estate,
    opts: &CollectOptions,
    clients: &auth::Clients,
    caller: &model::CallerIdentity,
    emit: &(dyn Fn(CollectEvent) + Sync),
    cancel: &CancellationToken,
) -> Estate {
    // Costs last: one cell of their own, never failing the run.
    if let Some(cost_opts) = &opts.cost
        && !cancel.is_cancelled()
    {
        tokio::select! {
            _ = cancel.cancelled() => {}
            out = cost::collect(clients, &caller.account_id, cost_opts) => {
                emit(CollectEvent::Warning(out.summary));
                estate.coverage.push(out.cell);
                estate.costs = out.costs;
            }
        }
    }
    estate.canonicalize();
    // Public subnets and what the internet reaches follow from the routes,
    // groups and load balancers of the whole estate, with every coverage
    // cell in place (what was not collected stays unknown).
    orgscope_core::model::wiring::derive(&mut estate);
    orgscope_core::access::derive(&mut estate);
    estate
}

/// Mixed mode: crawl the accounts named (ids or names) live, through the
/// run's role, and put what the crawl read in place of what the
/// aggregator held for them — resources and cells alike, so each cell
/// says where it came from. A name that is no account of the estate
/// fails the run, as `--account` does.
async fn refresh_live(
    ctx: &account::Ctx<'_>,
    estate: &mut Estate,
    names: &[String],
    emit: &(dyn Fn(CollectEvent) + Sync),
    cancel: &CancellationToken,
) -> Result<(), CollectError> {
    let mut chosen: Vec<model::Account> = Vec::new();
    for n in names {
        match estate.accounts.iter().find(|a| a.id == *n || a.name == *n) {
            Some(a) => chosen.push(a.clone()),
            None => return Err(CollectError::UnknownAccount(n.clone())),
        }
    }
    chosen.dedup_by(|a, b| a.id == b.id);
    // Boxed as `Send` up front, as in `config::collect`.
    let futures: Vec<futures::future::BoxFuture<'_, (String, account::Outcome)>> = chosen
        .into_iter()
        .map(|a| {
            futures::FutureExt::boxed(async move {
                emit(CollectEvent::AccountStarted {
                    account_id: a.id.clone(),
                });
                let out = account::collect_account(ctx, &a).await;
                (a.id, out)
            })
        })
        .collect();
    let mut runs = futures::stream::iter(futures).buffer_unordered(ctx.opts.concurrency.max(1));
    loop {
        let next = tokio::select! {
            _ = cancel.cancelled() => None,
            n = runs.next() => n,
        };
        let Some((id, out)) = next else { break };
        // The account's Organizations cells stay: only what it holds is
        // read again.
        estate.resources.retain(|r| r.account_id != id);
        estate
            .coverage
            .retain(|c| c.account_id != id || c.source.is_none());
        emit(CollectEvent::AccountFinished {
            account_id: id.clone(),
            resources: out.resources.clone(),
            coverage: out.coverage.clone(),
        });
        estate.resources.extend(out.resources);
        estate.coverage.extend(out.coverage);
    }
    Ok(())
}

/// The profile's IAM Identity Center portal, signed in. The profile is the
/// run's (`--profile`, else `AWS_PROFILE`): the access token is that
/// profile's sign-in.
async fn identity_center(
    opts: &CollectOptions,
    clients: &auth::Clients,
    base: &SdkConfig,
) -> Result<sso::SsoAccess, CollectError> {
    let profile = opts
        .profile
        .clone()
        .or_else(|| std::env::var("AWS_PROFILE").ok())
        .filter(|p| !p.is_empty())
        .ok_or_else(|| {
            identity_center_error(
                "a permission set is used through the sign-in of an IAM Identity Center \
                 profile: choose one (--profile on the command line; set one up with \
                 `aws configure sso`)",
            )
        })?;
    let set = profiles::load_profile_set()
        .await
        .map_err(|e| identity_center_error(format!("the AWS config files cannot be read: {e}")))?;
    let portal = sso::portal_of(&set, &profile).map_err(identity_center_error)?;
    Ok(sso::SsoAccess::new(&profile, &portal, clients.sso(&portal.region), base).await)
}

/// Every permission set the sign-in of `opts.profile` holds, with its
/// accounts: what the welcome screen and `orgscope permission-sets` offer.
pub async fn permission_sets(
    opts: &CollectOptions,
) -> Result<Vec<sso::PermissionSet>, CollectError> {
    check_profile(opts).await?;
    let base = auth::load_base_config(opts).await;
    let clients = auth::Clients::new(base.clone(), opts);
    let access = identity_center(opts, &clients, &base).await?;
    access.permission_sets().await.map_err(|f| {
        let relogin = matches!(
            f.code.as_deref(),
            Some(sso::SESSION_EXPIRED | "UnauthorizedException")
        )
        .then(|| access.profile().to_string());
        CollectError::IdentityCenter {
            message: f.message.clone().unwrap_or_else(|| f.to_string()),
            relogin,
        }
    })
}

/// A mistyped profile would otherwise fall through the whole credential
/// chain and fail on instance metadata, naming the wrong problem; and a
/// config file aws-config cannot parse would list no profile at all, so
/// it is named as the problem instead (with its file and line).
async fn check_profile(opts: &CollectOptions) -> Result<(), CollectError> {
    let (None, Some(name)) = (&opts.hooks.base_config, &opts.profile) else {
        return Ok(());
    };
    let set = profiles::load_profile_set().await.map_err(|e| {
        CollectError::UnknownProfile(format!(
            "the AWS config files cannot be read ({}); fix them or set AWS_CONFIG_FILE",
            aws_smithy_types::error::display::DisplayErrorContext(&e)
        ))
    })?;
    match sign_in::unknown_profile(name, &profiles::profile_names(&set)) {
        Some(said) => Err(CollectError::UnknownProfile(said)),
        None => Ok(()),
    }
}

fn identity_center_error(message: impl Into<String>) -> CollectError {
    CollectError::IdentityCenter {
        message: message.into(),
        relogin: None,
    }
}

/// What the walk has handed out so far.
#[derive(Default)]
struct Listed {
    organization: Option<model::Organization>,
    /// The tree as of the last page, narrowed to the scope.
    tree: Option<model::OrgUnit>,
    /// Accounts in scope, in the order they were listed.
    accounts: Vec<model::Account>,
    ids: HashSet<String>,
}

fn validate(opts: &CollectOptions) -> Result<(), CollectError> {
    let bad = |m: &str| Err(CollectError::InvalidOptions(m.to_string()));
    if opts.concurrency == 0 || opts.region_concurrency == 0 || opts.org_concurrency == 0 {
        return bad("concurrency must be at least 1");
    }
    if opts.role_name.trim().is_empty() {
        return bad("the role name is empty");
    }
    if let Access::PermissionSet(set) = &opts.access
        && set.trim().is_empty()
    {
        return bad("the permission set name is empty");
    }
    if let Regions::List(list) = &opts.regions {
        if list.is_empty() {
            return bad("no region given");
        }
        if let Some(r) = list.iter().find(|r| !valid_region_name(r)) {
            return Err(CollectError::InvalidOptions(format!(
                "{r:?} is not a region name (expected e.g. eu-west-1)"
            )));
        }
    }
    if let Source::ConfigAggregator(agg) = &opts.source {
        // Config's own pattern for the name, `[\w\-]+`, 1 to 256: it is
        // sent in every query, so it is checked before any call.
        if agg.name.is_empty()
            || agg.name.len() > 256
            || !agg
                .name
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        {
            return Err(CollectError::InvalidOptions(format!(
                "{:?} is not an aggregator name (letters, digits, _ and -)",
                agg.name
            )));
        }
        if let Some(r) = agg.region.as_ref().filter(|r| !valid_region_name(r)) {
            return Err(CollectError::InvalidOptions(format!(
                "{r:?} is not a region name (expected e.g. eu-west-1)"
            )));
        }
        if agg.concurrency == 0 {
            return bad("concurrency must be at least 1");
        }
    }
    if let Some(d) = opts.session_duration
        && !(900..=43_200).contains(&d.as_secs())
    {
        return bad("the session duration must be between 15 minutes and 12 hours");
    }
    Ok(())
}

/// Region names are lowercase letters, digits and dashes (`eu-west-1`,
/// `us-gov-west-1`); anything else would end up in an endpoint hostname.
pub fn valid_region_name(r: &str) -> bool {
    !r.is_empty()
        && r.len() <= 32
        && r.contains('-')
        && r.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn source(opts: &CollectOptions) -> model::Source {
    let mut label = match &opts.profile {
        Some(p) => format!("AWS profile {p}"),
        None => "default AWS credentials".to_string(),
    };
    if let Access::PermissionSet(set) = &opts.access {
        label.push_str(&format!(", IAM Identity Center permission set {set}"));
    }
    model::Source {
        aggregator: None,
        kind: model::SourceKind::Live,
        profile: opts.profile.clone(),
        label,
    }
}

/// A poisoned lock only means another account's task panicked; its data
/// (plain values) is still whole.
fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn cancelled_cell(account_id: &str) -> Coverage {
    Coverage::new(
        CellKey::new(account_id, Place::Global, Api::COLLECT),
        CoverageStatus::Error,
        Some(CANCELLED_CODE.to_string()),
        Some("collection was cancelled before this account finished".to_string()),
    )
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod recorded;
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_validated() {
        assert!(validate(&CollectOptions::default()).is_ok());
        let with = |f: fn(&mut CollectOptions)| {
            let mut o = CollectOptions::default();
            f(&mut o);
            validate(&o)
        };
        assert!(with(|o| o.concurrency = 0).is_err());
        assert!(with(|o| o.regions = Regions::List(vec![])).is_err());
        assert!(with(|o| o.regions = Regions::List(vec!["eu-west-1/../x".into()])).is_err());
        assert!(with(|o| o.regions = Regions::List(vec!["us-gov-west-1".into()])).is_ok());
        assert!(with(|o| o.session_duration = Some(Duration::from_secs(60))).is_err());
        assert!(with(|o| o.role_name = " ".into()).is_err());
        let agg = |name: &str, region: Option<&str>| {
            let mut a = config::AggregatorOptions::new(name);
            a.region = region.map(str::to_string);
            validate(&CollectOptions {
                source: Source::ConfigAggregator(a),
                ..CollectOptions::default()
            })
        };
        assert!(agg("org-aggregator_1", Some("eu-west-1")).is_ok());
        assert!(agg("", None).is_err());
        // Sent inside every query: nothing but Config's own characters.
        assert!(agg("x' OR '1'='1", None).is_err());
        assert!(agg("ok", Some("eu-west-1'")).is_err());
    }
}
