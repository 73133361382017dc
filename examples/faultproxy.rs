//! `faultproxy`: the integration tests' fault-injecting proxy as a dev tool,
//! for the collection benchmark (fixed added latency in front of moto) and
//! for trying orgscope by hand against misbehaving "AWS". It includes the
//! very module the tests use, so the two never drift apart.
//!
//! ```text
//! cargo run --example faultproxy -- --upstream http://127.0.0.1:5000 \
//!     --latency-ms 20 --deny-assume-role 222222222222 --throttle ec2=30
//! AWS_ENDPOINT_URL=http://127.0.0.1:PORT orgscope collect ...
//! ```
//!
//! It prints `listening on http://127.0.0.1:PORT` on stdout, then serves
//! until killed; with `--stats` it prints request counters on Ctrl-C.

#[path = "../tests/integration/support/proxy.rs"]
mod proxy;

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::Parser;
use proxy::{Expiry, Fault, FaultProxy, Match, Rate, Rule, Rules};

#[derive(Debug, Parser)]
#[command(about = "Fault-injecting AWS proxy in front of moto (dev tool)")]
struct Args {
    /// Where moto listens.
    #[arg(long)]
    upstream: String,
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// Latency added to every request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Answer AccessDenied to AssumeRole into ACCOUNT (repeatable).
    #[arg(long, value_name = "ACCOUNT")]
    deny_assume_role: Vec<String>,
    /// EC2 in ACCOUNT:REGION answers AuthFailure (a disabled opt-in region).
    #[arg(long, value_name = "ACCOUNT:REGION")]
    auth_failure: Vec<String>,
    /// EC2 in ACCOUNT:REGION answers OptInRequired.
    #[arg(long, value_name = "ACCOUNT:REGION")]
    opt_in_required: Vec<String>,
    /// EC2 in REGION answers UnauthorizedOperation (an SCP deny).
    #[arg(long, value_name = "REGION")]
    unauthorized_region: Vec<String>,
    /// Throttle SERVICE[/ACCOUNT]=PERCENT (e.g. `ec2=30`, `ec2/111111111111=100`).
    #[arg(long, value_name = "SPEC")]
    throttle: Vec<String>,
    /// EC2 requests in REGION never get an answer.
    #[arg(long, value_name = "REGION")]
    hang_region: Vec<String>,
    /// EC2 requests in REGION get their connection closed.
    #[arg(long, value_name = "REGION")]
    drop_region: Vec<String>,
    /// Session keys from AssumeRole/GetSessionToken expire after N requests.
    #[arg(long, value_name = "N")]
    expire_after_requests: Option<u64>,
    /// Session keys expire this many seconds after they were issued.
    #[arg(long, value_name = "SECONDS")]
    expire_after_secs: Option<u64>,
    /// Print request counters when stopped with Ctrl-C.
    #[arg(long)]
    stats: bool,
}

fn split_pair(s: &str) -> anyhow::Result<(&str, &str)> {
    s.split_once(':')
        .with_context(|| format!("expected ACCOUNT:REGION, got {s:?}"))
}

fn rules(args: &Args) -> anyhow::Result<Rules> {
    let mut rules = Rules::none().latency(Duration::from_millis(args.latency_ms));
    for a in &args.deny_assume_role {
        rules = rules.with(Rule::deny_assume_role(a));
    }
    for s in &args.auth_failure {
        let (a, r) = split_pair(s)?;
        rules = rules.with(Rule::auth_failure(a, r));
    }
    for s in &args.opt_in_required {
        let (a, r) = split_pair(s)?;
        rules = rules.with(Rule::opt_in_required(a, r));
    }
    for r in &args.unauthorized_region {
        rules = rules.with(Rule::unauthorized_region(r));
    }
    for spec in &args.throttle {
        let (target, pct) = spec
            .split_once('=')
            .with_context(|| format!("expected SERVICE[/ACCOUNT]=PERCENT, got {spec:?}"))?;
        let pct: u64 = pct
            .parse()
            .with_context(|| format!("bad percentage in {spec:?}"))?;
        if pct > 100 {
            bail!("percentage above 100 in {spec:?}");
        }
        let when = match target.split_once('/') {
            Some((service, account)) => Match::any().service(service).account(account),
            None => Match::any().service(target),
        };
        rules = rules.with(Rule::throttle(when).rate(Rate::percent(pct)));
    }
    for r in &args.hang_region {
        rules = rules.with(Rule::new(
            Match::any().service("ec2").region(r),
            Fault::Hang,
        ));
    }
    for r in &args.drop_region {
        rules = rules.with(Rule::new(
            Match::any().service("ec2").region(r),
            Fault::Drop,
        ));
    }
    if args.expire_after_requests.is_some() || args.expire_after_secs.is_some() {
        rules = rules.expire(Expiry {
            after_requests: args.expire_after_requests,
            after: args.expire_after_secs.map(Duration::from_secs),
            account: None,
        });
    }
    Ok(rules)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let rules = rules(&args)?;
    let proxy = FaultProxy::start_on(args.listen, &args.upstream, rules)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    println!("listening on {}", proxy.endpoint());
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C")?;
    if args.stats {
        for (action, n) in proxy.seen_all() {
            println!("seen {action} {n}");
        }
        for (code, n) in proxy.injected() {
            println!("injected {code} {n}");
        }
    }
    Ok(())
}
