//! The estate read from an AWS Config aggregator instead of crawled.
//!
//! Fanning out from one desktop takes a role in every account and is
//! bound by round trips; an organization of thousands of accounts, or one
//! that allows no role in its members, already runs AWS's own distributed
//! inventory: an organization-wide Config aggregator, usually in a
//! delegated administrator account, holding every recorded resource of
//! every account and region. This source reads it with the caller's own
//! credentials, in the one account that holds it:
//!
//! 1. the organization tree from Organizations, as the crawl reads it
//!    (without access to Organizations: the accounts the aggregator
//!    names, with no OUs);
//! 2. the aggregator's sources (`DescribeConfigurationAggregatorSourcesStatus`):
//!    per account and region — or per region for an organization source —
//!    whether Config's data there is current (`SUCCEEDED`), stale
//!    (`OUTDATED`) or failing (`FAILED`, with the aggregator's code and
//!    message);
//! 3. each kind orgscope reads from Config, by `SelectAggregateResourceConfig`
//!    `SELECT * WHERE resourceType = … AND awsRegion = …`, one query per
//!    (type, region), [`AggregatorOptions::concurrency`] at once, 100 rows
//!    a page; each row is mapped by the core's `config_item` into the same
//!    kind, fields and edges the crawl makes.
//!
//! Coverage keeps the crawl's cells — each account × region × kind read,
//! the IAM and S3 account-wide ones — so the diff's "not collected" rule,
//! compliance and the app read a Config estate unchanged; each cell says
//! it came from the aggregator ([`CONFIG_SOURCE`]). Its status is the
//! source's (`ok`, `outdated`, `error` with the aggregator's message, or
//! `error`/`NotAggregated` for an account-region the aggregator has no
//! source for), or the query's failure, or `not_recorded` for a kind
//! Config does not record. What Config lacks is named in the run's
//! warnings, never left silently empty.
//!
//! Mixed mode ([`AggregatorOptions::refresh`]) is done by the caller
//! (`lib.rs`): the accounts named are then crawled live and replace what
//! the aggregator said of them, cell for cell.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use futures::future::BoxFuture;
use futures::{FutureExt, StreamExt};
use tokio_util::sync::CancellationToken;

use orgscope_core::config_item::{self, ConfigItem, Mapped};
use orgscope_core::model::{
    self, Account, AccountStatus, Api, CONFIG_SOURCE, CallerIdentity, CellKey, Coverage,
    CoverageStatus, Estate, GLOBAL, Kind, Place, Resource, Scope,
};

use crate::auth::Clients;
use crate::classify::{Failure, classify};
use crate::{CollectError, CollectEvent, CollectOptions, Regions, org, paging, scope};

/// Rows of one `SelectAggregateResourceConfig` page: the API's most.
pub const PAGE_SIZE: i32 = 100;

/// Queries in flight at once. Config's query API is rate-limited per
/// account (a few requests a second, shared with everyone querying the
/// aggregator); the SDK's retries absorb the throttling beyond that.
pub const DEFAULT_QUERIES_AT_ONCE: usize = 8;

/// Most pages of one (type, region) query: 1,000,000 items, beyond any
/// region of any organization (5,000 accounts × 200 instances).
const MAX_PAGES: usize = 10_000;

/// Which aggregator a run reads, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AggregatorOptions {
    pub name: String,
    /// The region the aggregator lives in; `None` = the profile's region.
    pub region: Option<String>,
    /// Queries in flight at once.
    pub concurrency: usize,
    /// Accounts (ids or names) crawled live instead, through the run's
    /// role, replacing what the aggregator holds for them: mixed mode.
    pub refresh: Vec<String>,
}

impl AggregatorOptions {
    pub fn new(name: impl Into<String>) -> AggregatorOptions {
        AggregatorOptions {
            name: name.into(),
            region: None,
            concurrency: DEFAULT_QUERIES_AT_ONCE,
            refresh: Vec::new(),
        }
    }
}

/// An aggregator that cannot be read at all: the run fails with what to
/// check.
#[derive(Debug, thiserror::Error)]
#[error(
    "cannot read AWS Config aggregator {name} in {region} ({api} failed: {failure}); check its \
     name and region (`aws configservice describe-configuration-aggregators --region {region}`) \
     and that the caller may call config:{op}",
    op = api.as_str().trim_start_matches("config:")
)]
pub struct AggregatorError {
    pub name: String,
    pub region: String,
    pub api: Api,
    pub failure: Failure,
}

/// What the aggregator says of one (account, region), as a cell's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SourceState {
    status: CoverageStatus,
    code: Option<String>,
    message: Option<String>,
    /// The source's `LastUpdateTime`: how current its data is.
    as_of: Option<String>,
}

impl SourceState {
    fn ok() -> SourceState {
        SourceState {
            status: CoverageStatus::Ok,
            code: None,
            message: None,
            as_of: None,
        }
    }
}

/// One entry of `AggregatedSourceStatusList`, SDK types gone.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SourceStatus {
    /// An account id for an `ACCOUNT` source; `None` for an organization
    /// source, which speaks for every account of its region.
    account: Option<String>,
    region: String,
    state: SourceState,
}

/// The aggregator's sources, indexed.
#[derive(Debug, Default)]
struct Sources {
    by_account: HashMap<(String, String), SourceState>,
    by_region: HashMap<String, SourceState>,
}

impl Sources {
    fn new(list: Vec<SourceStatus>) -> Sources {
        let mut s = Sources::default();
        for st in list {
            match st.account {
                Some(a) => s.by_account.insert((a, st.region), st.state),
                None => s.by_region.insert(st.region, st.state),
            };
        }
        s
    }

    /// The state of an account-region: its own source, else its region's
    /// organization source, else none — not aggregated, so not collected.
    fn state(&self, account: &str, region: &str) -> SourceState {
        self.by_account
            .get(&(account.to_string(), region.to_string()))
            .or_else(|| self.by_region.get(region))
            .cloned()
            .unwrap_or_else(|| SourceState {
                status: CoverageStatus::Error,
                code: Some("NotAggregated".to_string()),
                message: Some(format!(
                    "the aggregator has no source for account {account} in {region}: add it \
                     to the aggregator, or refresh this account live"
                )),
                as_of: None,
            })
    }

    /// The state of an account's account-wide kinds (IAM, the S3 listing):
    /// Config records global resources in one region of the account's
    /// choosing, so any current region vouches for them; with none, the
    /// first region's state says why.
    fn global_state(&self, account: &str, regions: &[String]) -> SourceState {
        let states: Vec<SourceState> = regions.iter().map(|r| self.state(account, r)).collect();
        states
            .iter()
            .find(|s| s.status == CoverageStatus::Ok)
            .or(states.first())
            .cloned()
            .unwrap_or_else(SourceState::ok)
    }

    fn accounts(&self) -> BTreeSet<&str> {
        self.by_account.keys().map(|(a, _)| a.as_str()).collect()
    }

    fn regions(&self) -> BTreeSet<&str> {
        self.by_account
            .keys()
            .map(|(_, r)| r.as_str())
            .chain(self.by_region.keys().map(String::as_str))
            .filter(|r| !model::is_global(r))
            .collect()
    }
}

/// One query's outcome: the rows it mapped, or why it failed.
struct Query {
    resource_type: &'static str,
    region: String,
    result: Result<QueryRows, Failure>,
}

#[derive(Default)]
struct QueryRows {
    resources: Vec<Resource>,
    pages: usize,
    /// Items that could not be read or mapped, with why.
    skipped: Vec<String>,
    /// What the items said of other resources (a member's subnet group).
    completion: config_item::Completion,
}

/// Read the estate from the aggregator into `estate` (its caller and
/// start time set). Events as the crawl's: the tree, then every account
/// started, then each finished with its resources and cells.
pub(crate) async fn collect(
    opts: &CollectOptions,
    agg: &AggregatorOptions,
    clients: &Clients,
    caller: &CallerIdentity,
    mut estate: Estate,
    emit: &(dyn Fn(CollectEvent) + Sync),
    cancel: &CancellationToken,
) -> Result<Estate, CollectError> {
    let region = agg
        .region
        .clone()
        .unwrap_or_else(|| clients.home_region.clone());
    let config = clients.config(&region);
    estate.source = model::Source {
        kind: model::SourceKind::ConfigAggregator,
        profile: opts.profile.clone(),
        label: format!("AWS Config aggregator {} ({region})", agg.name),
        aggregator: Some(model::Aggregator {
            name: agg.name.clone(),
            region: region.clone(),
            account_id: caller.account_id.clone(),
        }),
    };
    estate.role_name = None;

    // The tree and the sources are independent reads: both at once.
    let orgs = clients.organizations();
    let run_scope = scope::Scope::new(&opts.ous, &opts.accounts);
    let tree = async {
        let mut kept = HashSet::new();
        let mut crawl = org::crawl(&orgs, caller, None, |page| {
            for a in page
                .accounts
                .iter()
                .filter(|a| run_scope.admits(a, &page.chain))
            {
                kept.insert(a.id.clone());
            }
        })
        .await
        .map_err(|e| CollectError::Organizations {
            api: e.api,
            failure: e.failure,
        })?;
        run_scope.finish(&mut crawl, &kept, &caller.account_id)?;
        Ok::<_, CollectError>(crawl)
    };
    let sources = sources_status(&config, &agg.name);
    let (crawl, sources) = tokio::select! {
        _ = cancel.cancelled() => return Err(CollectError::Cancelled),
        r = async { tokio::join!(tree, sources) } => r,
    };
    let mut crawl = crawl?;
    let sources = Sources::new(sources.map_err(|failure| {
        CollectError::Aggregator(Box::new(AggregatorError {
            name: agg.name.clone(),
            region: region.clone(),
            api: Api::AGGREGATOR_SOURCES_STATUS,
            failure,
        }))
    })?);
    for w in &crawl.warnings {
        emit(CollectEvent::Warning(w.clone()));
    }

    let regions: Vec<String> = match &opts.regions {
        Regions::List(list) => list.clone(),
        Regions::AllEnabled => sources.regions().into_iter().map(str::to_string).collect(),
    };
    if regions.is_empty() {
        return Err(CollectError::Aggregator(Box::new(AggregatorError {
            name: agg.name.clone(),
            region,
            api: Api::AGGREGATOR_SOURCES_STATUS,
            failure: Failure::new(
                CoverageStatus::Error,
                "NoSources",
                "the aggregator has no source in any region yet: check its sources in the \
                 AWS Config console, or name the regions with --regions",
            ),
        })));
    }
    estate.regions = regions.clone();

    // Queries: every mapped type in every region (global types once).
    let mut jobs: Vec<(&'static config_item::Mapper, String)> = Vec::new();
    for m in config_item::mappers() {
        if m.kind.def().scope == Scope::Global {
            jobs.push((m, GLOBAL.to_string()));
        } else {
            jobs.extend(regions.iter().map(|r| (m, r.clone())));
        }
    }
    let queries = jobs.len();
    let config = &config;
    // Futures built up front and boxed as `Send`: a closure returning an
    // async block that borrows trips the compiler's higher-ranked `Send`
    // check when the whole run is spawned.
    let name = agg.name.as_str();
    let futures: Vec<BoxFuture<'_, Query>> = jobs
        .into_iter()
        .map(|(m, r)| {
            async move {
                let result = query(config, name, m.resource_type, &r).await;
                Query {
                    resource_type: m.resource_type,
                    region: r,
                    result,
                }
            }
            .boxed()
        })
        .collect();
    let mut stream = futures::stream::iter(futures).buffer_unordered(agg.concurrency.max(1));
    let mut done: Vec<Query> = Vec::with_capacity(queries);
    loop {
        tokio::select! {
            _ = cancel.cancelled() => break,
            q = stream.next() => match q {
                Some(q) => done.push(q),
                None => break,
            },
        }
    }
    let cancelled = done.len() < queries;

    // Without an organization, the accounts are those the aggregator
    // names: its account sources and the items' owners.
    let in_org = crawl.organization.is_some();
    if !in_org {
        let mut known: HashSet<String> = crawl.accounts.iter().map(|a| a.id.clone()).collect();
        let mut named: BTreeSet<String> =
            sources.accounts().into_iter().map(str::to_string).collect();
        for q in &done {
            if let Ok(rows) = &q.result {
                named.extend(rows.resources.iter().map(|r| r.account_id.clone()));
            }
        }
        let added: Vec<String> = named
            .into_iter()
            .filter(|a| known.insert(a.clone()))
            .collect();
        if !added.is_empty() {
            emit(CollectEvent::Warning(format!(
                "the organization cannot be read, so there are no OUs: the {} account(s) the \
                 aggregator names are listed by id",
                added.len()
            )));
        }
        for id in added {
            crawl.tree.accounts.push(id.clone());
            crawl.accounts.push(bare_account(&id));
        }
    }
    emit(CollectEvent::AccountsListed {
        organization: crawl.organization.clone(),
        tree: crawl.tree.clone(),
        accounts: crawl.accounts.clone(),
    });
    emit(CollectEvent::Tree {
        organization: crawl.organization.clone(),
        tree: crawl.tree.clone(),
    });

    // Resources by account, for the accounts in scope only.
    let in_scope: HashSet<&str> = crawl.accounts.iter().map(|a| a.id.as_str()).collect();
    let mut by_account: HashMap<String, Vec<Resource>> = HashMap::new();
    let mut failed: HashMap<(&'static str, String), Failure> = HashMap::new();
    let mut skipped: Vec<String> = Vec::new();
    let mut outside: BTreeSet<String> = BTreeSet::new();
    let mut pages = 0;
    let mut all: Vec<Resource> = Vec::new();
    let mut completion = config_item::Completion::default();
    for q in done.iter_mut() {
        match &mut q.result {
            Ok(rows) => {
                pages += rows.pages;
                skipped.append(&mut rows.skipped);
                all.append(&mut rows.resources);
                completion.extend(std::mem::take(&mut rows.completion));
            }
            Err(f) => {
                failed.insert((q.resource_type, q.region.clone()), f.clone());
            }
        }
    }
    // What one item could not say alone (a cluster's subnets, a user's
    // groups' paths), from the others.
    completion.apply(&mut all);
    for r in all {
        if in_scope.contains(r.account_id.as_str()) {
            by_account.entry(r.account_id.clone()).or_default().push(r);
        } else if in_org && opts.ous.is_empty() && opts.accounts.is_empty() {
            outside.insert(r.account_id.clone());
        }
    }
    let not_done: HashSet<(&'static str, String)> = if cancelled {
        let finished: HashSet<(&str, &str)> = done
            .iter()
            .map(|q| (q.resource_type, q.region.as_str()))
            .collect();
        config_item::mappers()
            .flat_map(|m| {
                let rs: Vec<String> = if m.kind.def().scope == Scope::Global {
                    vec![GLOBAL.to_string()]
                } else {
                    regions.clone()
                };
                rs.into_iter().map(move |r| (m.resource_type, r))
            })
            .filter(|(t, r)| !finished.contains(&(*t, r.as_str())))
            .collect()
    } else {
        HashSet::new()
    };

    let org_limit = tokio::sync::Semaphore::new(opts.org_concurrency.max(1));
    let accounts = std::mem::take(&mut crawl.accounts);
    let mut with_details: Vec<(Account, Vec<Coverage>)> = Vec::with_capacity(accounts.len());
    {
        let (orgs, org_limit) = (&orgs, &org_limit);
        let futures: Vec<BoxFuture<'_, (Account, Vec<Coverage>)>> = accounts
            .into_iter()
            .map(|mut a| {
                async move {
                    emit(CollectEvent::AccountStarted {
                        account_id: a.id.clone(),
                    });
                    let cells = if in_org {
                        let cells = org::account_details(orgs, org_limit, &mut a).await;
                        emit(CollectEvent::AccountDetails { account: a.clone() });
                        cells
                    } else {
                        Vec::new()
                    };
                    (a, cells)
                }
                .boxed()
            })
            .collect();
        let mut details =
            futures::stream::iter(futures).buffer_unordered(opts.org_concurrency.max(1));
        loop {
            tokio::select! {
                _ = cancel.cancelled() => break,
                d = details.next() => match d {
                    Some(d) => with_details.push(d),
                    None => break,
                },
            }
        }
    }

    for (account, detail_cells) in with_details {
        let resources = by_account.remove(&account.id).unwrap_or_default();
        let mut coverage = cells(&account.id, &regions, &sources, &failed, &not_done);
        coverage.extend(detail_cells.iter().cloned());
        emit(CollectEvent::AccountFinished {
            account_id: account.id.clone(),
            resources: resources.clone(),
            coverage: coverage.clone(),
        });
        estate.resources.extend(resources);
        estate.coverage.extend(coverage);
        estate.accounts.push(account);
    }
    estate.organization = crawl.organization;
    estate.tree = crawl.tree;
    estate.coverage.extend(crawl.coverage);

    let mut lines = summary(
        &agg.name, &region, &estate, queries, pages, &failed, &skipped, &outside,
    );
    // The first line reports, the others warn.
    if !lines.is_empty() {
        tracing::info!("{}", lines.remove(0));
    }
    for line in lines {
        emit(CollectEvent::Warning(line));
    }
    Ok(estate)
}

/// The cells of one account: every kind's read in every region (and the
/// account-wide ones), each saying it came from the aggregator.
fn cells(
    account: &str,
    regions: &[String],
    sources: &Sources,
    failed: &HashMap<(&'static str, String), Failure>,
    not_done: &HashSet<(&'static str, String)>,
) -> Vec<Coverage> {
    let mut out = Vec::new();
    // Each kind's read names one cell; kinds sharing a read (IAM's four)
    // share its cell, decided by every type behind it.
    let mut by_api: BTreeMap<&'static str, Vec<Kind>> = BTreeMap::new();
    for k in Kind::all() {
        by_api.entry(k.def().api).or_default().push(k);
    }
    let cell = |place: Place, api: Api, state: SourceState| {
        let mut c = Coverage::new(
            CellKey::new(account, place, api),
            state.status,
            state.code,
            state.message,
        )
        .from_source(CONFIG_SOURCE);
        c.as_of = state.as_of;
        c
    };
    let outcome = |kinds: &[Kind], region: &str, source: SourceState| -> SourceState {
        let types: Vec<&'static str> = kinds
            .iter()
            .filter_map(|k| config_item::resource_type_of(*k))
            .collect();
        if types.is_empty() {
            return not_recorded(kinds);
        }
        for t in &types {
            if let Some(f) = failed.get(&(*t, region.to_string())) {
                return SourceState {
                    status: f.status,
                    code: f.code.clone(),
                    message: f.message.clone(),
                    as_of: source.as_of,
                };
            }
            if not_done.contains(&(*t, region.to_string())) {
                return SourceState {
                    status: CoverageStatus::Error,
                    code: Some(crate::CANCELLED_CODE.to_string()),
                    message: Some("collection was cancelled before this was read".to_string()),
                    as_of: source.as_of,
                };
            }
        }
        source
    };
    for (api, kinds) in &by_api {
        let scope = kinds[0].def().scope;
        match scope {
            Scope::Regional => {
                for r in regions {
                    let state = outcome(kinds, r, sources.state(account, r));
                    out.push(cell(Place::Region(r.clone()), Api::from_static(api), state));
                }
            }
            Scope::Global => {
                let state = outcome(kinds, GLOBAL, sources.global_state(account, regions));
                out.push(cell(Place::Global, Api::from_static(api), state));
            }
            // A listed kind (S3) is read per region from Config but has one
            // account-wide cell: the worst of its regions speaks for it.
            Scope::Listed => {
                let state = regions
                    .iter()
                    .map(|r| outcome(kinds, r, sources.state(account, r)))
                    .find(|s| s.status != CoverageStatus::Ok)
                    .unwrap_or_else(SourceState::ok);
                out.push(cell(Place::Global, Api::from_static(api), state));
            }
        }
    }
    // The users' access keys come from IAM calls Config has no item for.
    out.push(cell(
        Place::Global,
        Api::LIST_ACCESS_KEYS,
        SourceState {
            status: CoverageStatus::NotRecorded,
            code: Some("NotRecordedByConfig".to_string()),
            message: Some(
                "AWS Config does not record IAM access keys: refresh the account live to read \
                 them"
                    .to_string(),
            ),
            as_of: None,
        },
    ));
    out
}

/// The outcome of kinds no mapper reads.
fn not_recorded(kinds: &[Kind]) -> SourceState {
    let labels: Vec<String> = kinds.iter().map(|k| k.label_in_text()).collect();
    SourceState {
        status: CoverageStatus::NotRecorded,
        code: Some("NotRecordedByConfig".to_string()),
        message: Some(format!(
            "AWS Config does not record {}: refresh the account live to read them",
            labels.join(", ")
        )),
        as_of: None,
    }
}

/// An account the aggregator names but Organizations could not: its id is
/// all that is known.
fn bare_account(id: &str) -> Account {
    Account {
        id: id.to_string(),
        name: id.to_string(),
        email: String::new(),
        status: AccountStatus::Active,
        ou_path: Vec::new(),
        parent_id: String::new(),
        tags: model::Tags::new(),
        scps: Vec::new(),
        is_management: false,
    }
}

/// Every source of the aggregator, paged to the end.
async fn sources_status(
    client: &aws_sdk_config::Client,
    name: &str,
) -> Result<Vec<SourceStatus>, Failure> {
    let pages = paging::pages(
        "DescribeConfigurationAggregatorSourcesStatus",
        |p: &aws_sdk_config::operation::describe_configuration_aggregator_sources_status::DescribeConfigurationAggregatorSourcesStatusOutput| p.next_token(),
        |token| async move {
            client
                .describe_configuration_aggregator_sources_status()
                .configuration_aggregator_name(name)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| classify(&e))
        },
    )
    .await?;
    let mut out = Vec::new();
    for p in pages {
        for s in p.aggregated_source_status_list() {
            if let Some(st) = source_status(s) {
                out.push(st);
            }
        }
    }
    Ok(out)
}

/// One source's status, SDK types gone. A source without a region says
/// nothing usable and is dropped (logged).
fn source_status(s: &aws_sdk_config::types::AggregatedSourceStatus) -> Option<SourceStatus> {
    use aws_sdk_config::types::{AggregatedSourceStatusType as U, AggregatedSourceType as T};
    let Some(region) = s.aws_region().filter(|r| !r.is_empty()) else {
        tracing::warn!("an aggregator source without a region was ignored: {s:?}");
        return None;
    };
    let account = match s.source_type() {
        Some(T::Organization) => None,
        _ => s.source_id().filter(|a| !a.is_empty()).map(str::to_string),
    };
    let as_of = s
        .last_update_time()
        .and_then(|t| t.fmt(aws_smithy_types::date_time::Format::DateTime).ok());
    let since = as_of
        .as_deref()
        .map(|t| format!(" (last updated {t})"))
        .unwrap_or_default();
    let state = match s.last_update_status() {
        Some(U::Succeeded) => SourceState {
            as_of,
            ..SourceState::ok()
        },
        Some(U::Outdated) => SourceState {
            status: CoverageStatus::Outdated,
            code: Some("OUTDATED".to_string()),
            message: Some(format!(
                "the aggregator's data for this source is outdated{since}: what it holds is \
                 shown, but may be old; refresh the account live for current data"
            )),
            as_of,
        },
        other => {
            let code = s
                .last_error_code()
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .or_else(|| other.map(|o| o.as_str().to_string()));
            SourceState {
                status: CoverageStatus::Error,
                code,
                message: Some(format!(
                    "the aggregator's source failed{since}: {}",
                    s.last_error_message().unwrap_or("no message given")
                )),
                as_of,
            }
        }
    };
    Some(SourceStatus {
        account,
        region: region.to_string(),
        state,
    })
}

/// One (type, region) query, paged to the end, its rows mapped.
async fn query(
    client: &aws_sdk_config::Client,
    aggregator: &str,
    resource_type: &str,
    region: &str,
) -> Result<QueryRows, Failure> {
    // Both are ours (a mapper's type, a validated region name), never the
    // user's text: nothing to quote.
    let expression =
        format!("SELECT * WHERE resourceType = '{resource_type}' AND awsRegion = '{region}'");
    let expression = expression.as_str();
    read_pages(resource_type, region, |token| async move {
        client
            .select_aggregate_resource_config()
            .configuration_aggregator_name(aggregator)
            .expression(expression)
            .max_results(PAGE_SIZE)
            .set_next_token(token)
            .send()
            .await
            .map(|p| (p.results.unwrap_or_default(), p.next_token))
            .map_err(|e| classify(&e))
    })
    .await
}

/// The pages `fetch` serves (rows, next token), followed to the end and
/// mapped: a token seen twice or more than [`MAX_PAGES`] pages fail the
/// query rather than loop; an item that cannot be read is skipped with
/// why, never guessed at.
async fn read_pages<F, Fut>(
    resource_type: &str,
    region: &str,
    mut fetch: F,
) -> Result<QueryRows, Failure>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<(Vec<String>, Option<String>), Failure>>,
{
    let mut out = QueryRows::default();
    let mut token: Option<String> = None;
    let mut seen = HashSet::new();
    loop {
        if out.pages >= MAX_PAGES {
            return Err(Failure::new(
                CoverageStatus::Error,
                "TooManyPages",
                format!(
                    "the query for {resource_type} in {region} was still paging after \
                     {MAX_PAGES} pages"
                ),
            ));
        }
        let (rows, next) = fetch(token.take()).await?;
        out.pages += 1;
        for row in &rows {
            let mapped = ConfigItem::parse(row).and_then(|item| {
                out.completion.note(&item);
                config_item::to_resource(&item)
            });
            match mapped {
                Ok(Mapped::Resource(r)) => out.resources.push(*r),
                Ok(Mapped::Deleted) => {}
                Ok(Mapped::Unmapped) => out.skipped.push(format!(
                    "an item of another type answered the query for {resource_type}"
                )),
                Err(e) => out.skipped.push(e.to_string()),
            }
        }
        match next.filter(|t| !t.is_empty()) {
            None => return Ok(out),
            Some(t) if !seen.insert(t.clone()) => {
                return Err(Failure::new(
                    CoverageStatus::Error,
                    "RepeatedPageToken",
                    format!(
                        "the query for {resource_type} in {region} returned the page token \
                         {t:?} twice"
                    ),
                ));
            }
            Some(t) => token = Some(t),
        }
    }
}

/// The run's summary lines: what was read, what Config does not record,
/// what failed, what was skipped.
#[allow(clippy::too_many_arguments)]
fn summary(
    name: &str,
    region: &str,
    estate: &Estate,
    queries: usize,
    pages: usize,
    failed: &HashMap<(&'static str, String), Failure>,
    skipped: &[String],
    outside: &BTreeSet<String>,
) -> Vec<String> {
    let mut out = vec![format!(
        "read {} resources of {} accounts from AWS Config aggregator {name} ({region}): {queries} \
         queries, {pages} pages",
        estate.resources.len(),
        estate.accounts.len()
    )];
    let missing: Vec<String> = config_item::not_recorded()
        .into_iter()
        .map(|k| k.label_in_text())
        .collect();
    if !missing.is_empty() {
        out.push(format!(
            "AWS Config does not record {}: they are marked not recorded; refresh accounts live \
             to read them",
            missing.join(", ")
        ));
    }
    let fields: Vec<String> = config_item::fields_not_recorded()
        .map(|(kind, field)| format!("{kind}.{field}"))
        .collect();
    if !fields.is_empty() {
        out.push(format!(
            "AWS Config's items do not hold these fields, left empty: {}",
            fields.join(", ")
        ));
    }
    let mut failures: Vec<String> = failed
        .iter()
        .map(|((t, r), f)| format!("{t} in {r}: {f}"))
        .collect();
    failures.sort();
    if !failures.is_empty() {
        out.push(format!(
            "{} queries failed (their cells say so): {}",
            failures.len(),
            failures.join("; ")
        ));
    }
    if !skipped.is_empty() {
        let shown: Vec<&str> = skipped.iter().take(5).map(String::as_str).collect();
        out.push(format!(
            "{} configuration items could not be read and were skipped, e.g. {}",
            skipped.len(),
            shown.join("; ")
        ));
    }
    if !outside.is_empty() {
        out.push(format!(
            "the aggregator holds {} account(s) that are not in the organization (ignored): {}",
            outside.len(),
            outside.iter().cloned().collect::<Vec<_>>().join(", ")
        ));
    }
    out
}

#[cfg(test)]
mod tests;
