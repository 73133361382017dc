//! `orgscope collect`: run a collection from the command line and write the
//! snapshot to `--out` (atomically) or stdout. A progress bar goes to
//! stderr only when stderr is a terminal; scripts get silence, the
//! snapshot, and an exit code: 0 complete, 3 partial (failed cells
//! summarized on stderr), 1 fatal (nothing written), 2 usage.
//!
//! Ctrl-C cancels the run; nothing is written, so an existing `--out` file
//! stays as it was.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tokio_util::sync::CancellationToken;

use super::{Outcome, exit};
use crate::collect::{self, CollectEvent, CollectOptions, DEFAULT_ROLE_NAME, Regions};
use crate::model::Estate;
use crate::snapshot;

#[derive(Debug, Args)]
pub struct CollectArgs {
    /// AWS profile to sign in with. Without it the standard chain applies:
    /// AWS_PROFILE, AWS_ACCESS_KEY_ID/..., SSO, credential_process. Use the
    /// management account or a delegated administrator of Organizations.
    #[arg(long, value_name = "PROFILE")]
    pub profile: Option<String>,

    /// Regions to collect in every account, comma-separated
    /// (eu-west-1,us-east-1), or `all` for each account's enabled regions.
    #[arg(long, value_name = "REGIONS", default_value = "all", value_parser = parse_regions)]
    pub regions: RegionsArg,

    /// Role assumed in each member account. The default exists everywhere
    /// but is an admin role; a read-only role is better.
    #[arg(long, value_name = "ROLE", default_value = DEFAULT_ROLE_NAME)]
    pub role_name: String,

    /// Get into each account through this IAM Identity Center permission
    /// set (e.g. ReadOnlyAccess) instead of assuming a role: uses the
    /// sign-in of the --profile (an SSO profile; `aws sso login` first).
    /// `orgscope permission-sets --profile P` lists the ones you hold.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["role_name", "external_id", "session_duration"])]
    pub permission_set: Option<String>,

    /// External ID required by the role's trust policy, if any.
    #[arg(long, value_name = "ID")]
    pub external_id: Option<String>,

    /// Length of each role session: seconds, or with a unit (45m, 2h);
    /// 15m to 12h. Sessions are renewed before they expire either way.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub session_duration: Option<Duration>,

    /// Collect only accounts below this OU (name, path like Workloads/Prod,
    /// or ou-... id). Repeatable; combines with --account.
    #[arg(long = "ou", value_name = "NAME_OR_ID")]
    pub ous: Vec<String>,

    /// Collect only this account (12-digit id or account name). Repeatable.
    #[arg(long = "account", value_name = "ID")]
    pub accounts: Vec<String>,

    /// Accounts collected at the same time.
    #[arg(long, value_name = "N", default_value_t = 32,
          value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,

    /// Accounts whose tags and SCPs are read from Organizations at the same
    /// time (two calls each; Organizations throttles org-wide).
    #[arg(long, value_name = "N", default_value_t = 16,
          value_parser = clap::value_parser!(u16).range(1..=64))]
    pub org_concurrency: u16,

    /// Write the snapshot to this file (atomically) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Read costs from Cost Explorer too: per account and service for the
    /// last three full months and the month to date. Cost Explorer bills
    /// $0.01 per request; a run makes a few (the count is printed).
    #[arg(long)]
    pub cost: bool,

    /// Group costs by this cost-allocation tag as well (e.g. app); implies
    /// --cost and takes one more series of requests.
    #[arg(long, value_name = "KEY", value_parser = clap::builder::NonEmptyStringValueParser::new())]
    pub cost_tag: Option<String>,

    /// Where to read the estate: `crawl` assumes a role in every account;
    /// `config-aggregator` reads an AWS Config aggregator in the signed-in
    /// account (--aggregator), with no role in the others.
    #[arg(long, value_enum, default_value = "crawl")]
    pub source: SourceArg,

    /// The AWS Config aggregator to read (with --source config-aggregator).
    #[arg(
        long,
        value_name = "NAME",
        required_if_eq("source", "config-aggregator")
    )]
    pub aggregator: Option<String>,

    /// The region the aggregator lives in (default: the profile's region).
    #[arg(long, value_name = "REGION", requires = "aggregator")]
    pub aggregator_region: Option<String>,

    /// With --source config-aggregator: crawl this account live (id or
    /// name) through --role-name instead of reading it from the
    /// aggregator. Repeatable.
    #[arg(long = "refresh", value_name = "ACCOUNT", requires = "aggregator")]
    pub refresh: Vec<String>,

    /// MaxResults of EC2 describe calls (5-1000); for tests.
    #[arg(long, hide = true, default_value_t = 1000,
          value_parser = clap::value_parser!(i32).range(5..=1000))]
    pub page_size: i32,
}

/// `--source`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SourceArg {
    Crawl,
    ConfigAggregator,
}

/// `--regions`, parsed once into the form `collect` takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionsArg(pub Regions);

fn parse_regions(s: &str) -> Result<RegionsArg, String> {
    if s.trim() == "all" {
        return Ok(RegionsArg(Regions::AllEnabled));
    }
    let mut list = Vec::new();
    for r in s.split(',').map(str::trim).filter(|r| !r.is_empty()) {
        if !collect::valid_region_name(r) {
            return Err(format!(
                "{r:?} is not a region name (expected e.g. eu-west-1, or `all`)"
            ));
        }
        if !list.iter().any(|x| x == r) {
            list.push(r.to_string());
        }
    }
    if list.is_empty() {
        return Err("no region given".to_string());
    }
    Ok(RegionsArg(Regions::List(list)))
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => s.split_at(i),
        None => (s, "s"),
    };
    let n: u64 = num
        .parse()
        .map_err(|_| format!("{s:?} is not a duration (e.g. 3600, 45m, 2h)"))?;
    let secs = match unit {
        "s" => n,
        "m" => n.saturating_mul(60),
        "h" => n.saturating_mul(3600),
        _ => return Err(format!("{s:?}: unknown unit {unit:?} (use s, m or h)")),
    };
    if !(900..=43_200).contains(&secs) {
        return Err("a role session lasts between 15m and 12h".to_string());
    }
    Ok(Duration::from_secs(secs))
}

pub fn run(args: &CollectArgs, rt: &tokio::runtime::Handle) -> anyhow::Result<Outcome> {
    let opts = CollectOptions {
        profile: args.profile.clone(),
        regions: args.regions.0.clone(),
        access: match &args.permission_set {
            Some(set) => collect::Access::PermissionSet(set.clone()),
            None => collect::Access::AssumeRole,
        },
        role_name: args.role_name.clone(),
        external_id: args.external_id.clone(),
        session_duration: args.session_duration,
        ous: args.ous.clone(),
        accounts: args.accounts.clone(),
        concurrency: usize::from(args.concurrency),
        org_concurrency: usize::from(args.org_concurrency),
        page_size: args.page_size,
        cost: (args.cost || args.cost_tag.is_some()).then(|| collect::cost::CostOptions {
            tag_key: args.cost_tag.clone(),
            today: None,
        }),
        // Asked once on the terminal if the profile has an mfa_serial.
        mfa: collect::mfa::Mfa {
            serial: None,
            prompt: Some(collect::mfa::tty_prompt()),
        },
        source: match (args.source, &args.aggregator) {
            (SourceArg::ConfigAggregator, Some(name)) => {
                let mut agg = collect::config::AggregatorOptions::new(name.clone());
                agg.region = args.aggregator_region.clone();
                agg.refresh = args.refresh.clone();
                collect::Source::ConfigAggregator(agg)
            }
            (SourceArg::ConfigAggregator, None) => {
                anyhow::bail!("--source config-aggregator needs --aggregator NAME")
            }
            (SourceArg::Crawl, Some(_)) => {
                anyhow::bail!("--aggregator is read only with --source config-aggregator")
            }
            (SourceArg::Crawl, None) => collect::Source::Crawl,
        },
        ..CollectOptions::default()
    };
    let crawls = matches!(opts.source, collect::Source::Crawl) || !args.refresh.is_empty();
    // `-q` (or a RUST_LOG above warn) silences warnings, this one included.
    if crawls
        && opts.access == collect::Access::AssumeRole
        && opts.role_name == DEFAULT_ROLE_NAME
        && tracing::enabled!(tracing::Level::WARN)
    {
        eprintln!(
            "warning: assuming {DEFAULT_ROLE_NAME}, an administrator role, in every member account; \
             deploy the least-privilege orgscope-reader role (template in docs/iam/) and use it: --role-name orgscope-reader"
        );
    }

    let tty = std::io::stderr().is_terminal();
    let bar = ProgressBar::hidden();
    let cancel = CancellationToken::new();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();

    let started = std::time::Instant::now();
    let result = rt.block_on(async {
        let ctrl_c = {
            let cancel = cancel.clone();
            tokio::spawn(async move {
                if tokio::signal::ctrl_c().await.is_ok() {
                    cancel.cancel();
                }
            })
        };
        let progress = tokio::spawn(show_progress(rx, bar.clone(), tty));
        let result = collect::collect(opts, tx, cancel.clone()).await;
        ctrl_c.abort();
        // The sender is gone once collect returns, so this ends.
        let _ = progress.await;
        result
    });

    if cancel.is_cancelled() {
        bar.abandon_with_message("cancelled");
        anyhow::bail!("cancelled by Ctrl-C; no snapshot written");
    }
    let estate = match result {
        Ok(e) => e,
        Err(e) => {
            bar.finish_and_clear();
            return Err(e.into());
        }
    };
    bar.finish_and_clear();
    tracing::info!(
        "collected {} accounts, {} resources in {:.2} s",
        estate.accounts.len(),
        estate.resources.len(),
        started.elapsed().as_secs_f64()
    );

    let writing = std::time::Instant::now();
    let bytes = snapshot::to_vec(&estate)?;
    let serialized = writing.elapsed();
    match &args.out {
        Some(path) => snapshot::write_atomic(path, &bytes)?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes)
                .and_then(|_| out.flush())
                .context("cannot write the snapshot to stdout")?;
        }
    }
    tracing::info!(
        "snapshot of {:.1} MB serialized in {} ms, written in {} ms",
        bytes.len() as f64 / 1e6,
        serialized.as_millis(),
        (writing.elapsed() - serialized).as_millis()
    );

    if tty {
        eprintln!("{}", summary_line(&estate, args.out.as_deref()));
    }
    if estate.is_partial() {
        eprint!("{}", failure_summary(&estate));
        return Ok(Outcome(exit::PARTIAL));
    }
    Ok(Outcome(exit::OK))
}

/// Drive the bar from events. It stays hidden until sign-in is done, so an
/// MFA prompt on the same terminal is never drawn over.
async fn show_progress(
    mut rx: tokio::sync::mpsc::UnboundedReceiver<CollectEvent>,
    bar: ProgressBar,
    tty: bool,
) {
    let mut failed = 0usize;
    let mut names = std::collections::HashMap::new();
    while let Some(event) = rx.recv().await {
        match event {
            CollectEvent::Identity(id) => {
                if tty {
                    bar.set_draw_target(ProgressDrawTarget::stderr());
                    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}") {
                        bar.set_style(style);
                    }
                    bar.enable_steady_tick(Duration::from_millis(120));
                }
                bar.set_message(format!(
                    "signed in as {}; reading the organization…",
                    id.arn
                ));
            }
            // The bar grows as pages of accounts arrive: accounts start
            // while the organization is still being walked.
            CollectEvent::AccountsListed { accounts, .. } => {
                if names.is_empty() {
                    bar.set_length(0);
                    bar.set_position(0);
                    if let Ok(style) = ProgressStyle::with_template(
                        "{spinner} [{elapsed_precise}] {bar:30.cyan/blue} {pos}/{len} accounts {msg}",
                    ) {
                        bar.set_style(style.progress_chars("=> "));
                    }
                    bar.set_message(String::new());
                }
                bar.inc_length(accounts.len() as u64);
                names.extend(accounts.into_iter().map(|a| (a.id, a.name)));
            }
            CollectEvent::Tree { .. }
            | CollectEvent::AccountStarted { .. }
            | CollectEvent::AccountDetails { .. } => {}
            CollectEvent::AccountFinished {
                account_id,
                coverage,
                ..
            } => {
                failed += coverage.iter().filter(|c| !c.status.is_complete()).count();
                bar.inc(1);
                let tail = if failed > 0 {
                    format!(" ({failed} cells failed)")
                } else {
                    String::new()
                };
                let name = names.get(&account_id).unwrap_or(&account_id);
                bar.set_message(format!("{name}{tail}"));
            }
            CollectEvent::Warning(w) => bar.suspend(|| eprintln!("warning: {w}")),
        }
    }
}

fn summary_line(estate: &Estate, out: Option<&std::path::Path>) -> String {
    let regions: std::collections::BTreeSet<&str> =
        estate.resources.iter().map(|r| r.region.as_str()).collect();
    let dest = match out {
        Some(p) => format!("wrote {}", p.display()),
        None => "snapshot on stdout".to_string(),
    };
    format!(
        "collected {} accounts, {} resources in {} regions ({} coverage cells, {} failed); {dest}",
        estate.accounts.len(),
        estate.resources.len(),
        regions.len(),
        estate.coverage.len(),
        estate.failed_cells().count(),
    )
}

/// Failed cells grouped by (status, code), each with a count and the first
/// example, so a thousand denied regions read as one line, not a thousand.
pub fn failure_summary(estate: &Estate) -> String {
    let mut groups: BTreeMap<(String, String), (usize, String)> = BTreeMap::new();
    for c in estate.failed_cells() {
        let key = (
            c.status.to_string(),
            c.code.clone().unwrap_or_else(|| "-".to_string()),
        );
        let example = format!(
            "{} {} {}: {}",
            c.account_id,
            c.region,
            c.api,
            c.message.as_deref().unwrap_or("")
        );
        groups.entry(key).or_insert((0, example)).0 += 1;
    }
    let total: usize = groups.values().map(|g| g.0).sum();
    let mut s = format!(
        "partial snapshot: {total} of {} cells did not complete\n",
        estate.coverage.len()
    );
    for ((status, code), (n, example)) in groups {
        s.push_str(&format!(
            "  {status} ({code}): {n} cell(s), e.g. {example}\n"
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_and_durations_parse() {
        assert_eq!(parse_regions("all"), Ok(RegionsArg(Regions::AllEnabled)));
        assert_eq!(
            parse_regions("eu-west-1, us-east-1,eu-west-1"),
            Ok(RegionsArg(Regions::List(vec![
                "eu-west-1".into(),
                "us-east-1".into()
            ])))
        );
        assert!(parse_regions("eu west").is_err());
        assert!(parse_regions(",").is_err());
        assert_eq!(parse_duration("3600"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("45m"), Ok(Duration::from_secs(2700)));
        assert_eq!(parse_duration("2h"), Ok(Duration::from_secs(7200)));
        assert!(parse_duration("1m").is_err());
        assert!(parse_duration("1d").is_err());
        assert!(parse_duration("x").is_err());
    }
}

#[derive(Debug, Args)]
pub struct PermissionSetsArgs {
    /// The IAM Identity Center (SSO) profile whose sign-in is listed.
    #[arg(long, value_name = "PROFILE")]
    pub profile: Option<String>,

    /// `table` for people, `json` for scripts.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ListFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

/// `orgscope permission-sets`: what `--permission-set` can be, each with
/// the accounts where the user holds it.
pub fn permission_sets(
    args: &PermissionSetsArgs,
    rt: &tokio::runtime::Handle,
) -> anyhow::Result<Outcome> {
    let opts = CollectOptions {
        profile: args.profile.clone(),
        ..CollectOptions::default()
    };
    let sets = rt.block_on(collect::permission_sets(&opts))?;
    let mut out = std::io::stdout().lock();
    match args.format {
        ListFormat::Json => {
            let json: Vec<_> = sets
                .iter()
                .map(|s| {
                    serde_json::json!({
                        "permission_set": s.name,
                        "accounts": s.accounts.iter().map(|a| serde_json::json!({
                            "id": a.id, "name": a.name,
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            writeln!(out, "{}", serde_json::to_string_pretty(&json)?)?;
        }
        ListFormat::Table => {
            if sets.is_empty() {
                writeln!(out, "no permission set is assigned to this sign-in")?;
            }
            for s in &sets {
                let names: Vec<&str> = s.accounts.iter().map(|a| a.name.as_str()).collect();
                writeln!(
                    out,
                    "{}\t{} account(s)\t{}",
                    s.name,
                    s.accounts.len(),
                    names.join(", ")
                )?;
            }
        }
    }
    Ok(Outcome(exit::OK))
}
