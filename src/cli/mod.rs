//! The command line: one clap definition for every subcommand, each of which
//! calls the same library functions the desktop app uses. `main.rs` parses,
//! dispatches here, and turns the returned [`Outcome`] into a process exit
//! code; nothing below prints an error itself.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

pub mod access;
pub mod collect;
pub mod compliance;
pub mod cost;
pub mod demo;
pub mod diagram;
pub mod diff;
pub mod list;
pub mod package;

/// A filter as an error message quotes it: whole when short, else its
/// start and its length. A pasted 40,000-character filter made a 40 KB
/// error line that buried the reason after it.
pub(crate) fn quoted_filter(expr: &str) -> String {
    const SHOWN: usize = 60;
    let chars = expr.chars().count();
    if chars <= SHOWN + 20 {
        return format!("{expr:?}");
    }
    let start: String = expr.chars().take(SHOWN).collect();
    format!("{start:?}… ({chars} characters)")
}

/// Process exit codes, documented in one place (README "Exit codes").
pub mod exit {
    /// Success: every cell collected, no drift, file written.
    pub const OK: u8 = 0;
    /// A fatal error; a one-line message on stderr and no file written.
    pub const FATAL: u8 = 1;
    /// Bad usage (clap's own convention).
    pub const USAGE: u8 = 2;
    /// The snapshot was written but some cells failed (partial estate).
    pub const PARTIAL: u8 = 3;
    /// `diff` found differences.
    pub const DRIFT: u8 = 4;
}

#[derive(Debug, Parser)]
#[command(
    name = "orgscope",
    version,
    about = "Explore an AWS Organizations estate: org tree, cross-account network and compute inventory, tag filters, prod-vs-test diff and diagrams",
    long_about = "orgscope signs in once, walks the AWS Organizations tree, assumes a read-only role into each member account and collects its inventory across accounts and regions: IAM roles, users, groups and policies, instances, VPCs, subnets, security groups, volumes, Elastic IPs, gateways, route tables, endpoints, peerings, Transit Gateways, load balancers, RDS databases and Aurora clusters, Lambda functions, EKS clusters, S3 buckets and DynamoDB tables, and every other tagged resource the Resource Groups Tagging API lists (for tag filters and tag compliance).\n\nWith no subcommand it opens the desktop app. Every subcommand runs headless, for scripts and CI."
)]
pub struct Cli {
    /// Open the desktop app on the built-in demo estate (no AWS account needed).
    #[arg(long, global = false)]
    pub demo: bool,

    #[command(flatten)]
    pub log: LogArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args, Clone)]
pub struct LogArgs {
    /// More log output on stderr (-v info, -vv debug, -vvv trace); RUST_LOG overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// Only errors on stderr.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Collect the estate from AWS and write a snapshot.
    #[command(after_help = "Examples:
  orgscope collect --profile mgmt --role-name orgscope-reader --regions eu-west-1,us-east-1 --out estate.json
  orgscope collect --ou Workloads/Prod --regions all --out prod.json
  orgscope collect --account 111122223333 | jq '.resources | length'
  orgscope collect --profile corp-sso --permission-set ReadOnlyAccess --out estate.json

Exit codes: 0 complete, 3 written but partial (failed cells on stderr), 1 fatal (nothing written), 2 usage.")]
    Collect(collect::CollectArgs),
    /// List the IAM Identity Center permission sets your SSO sign-in holds, and where.
    #[command(after_help = "Examples:
  aws sso login --profile corp
  orgscope permission-sets --profile corp
  orgscope collect --profile corp --permission-set ReadOnlyAccess --out estate.json")]
    PermissionSets(collect::PermissionSetsArgs),
    /// List resources of a snapshot, filtered and grouped.
    #[command(after_help = "Examples:
  orgscope list estate.json --filter 'type:instance env=prod -has:owner'
  orgscope list estate.json --filter 'ou:Prod state:running' --group-by tag:app
  orgscope list estate.json --filter 'cidr:10.1.0.0/16' --format csv --out vpcs.csv
  orgscope list estate.json --format json | jq '.[] | .id'")]
    List(list::ListArgs),
    /// What accounts, OUs, services or tag values cost in a month (from `collect --cost`).
    #[command(after_help = "Examples:
  orgscope collect --profile mgmt --cost --cost-tag app --out estate.json
  orgscope cost estate.json --group-by ou
  orgscope cost estate.json --group-by service --month 2026-10
  orgscope cost estate.json --group-by tag:app --format csv --out costs.csv

Amounts are in the currency AWS reports (USD), exact in CSV and JSON, rounded to cents in the table.")]
    Cost(cost::CostArgs),
    /// Who can get into which account: the roles each account, outside account or anyone can assume.
    #[command(after_help = "Examples:
  orgscope access estate.json
  orgscope access estate.json --filter 'trusted-by:outside,public'
  orgscope access estate.json --filter 'account:payments-prod admin:true' --format csv --out access.csv
  orgscope access estate.json --format json | jq '.rows[] | select(.kind == \"outside\")'

Flags: admin-trusted-from-other-account, external-without-external-id, public-trust, unused-90d.")]
    Access(access::AccessArgs),
    /// How many resources of each account and OU lack each required tag.
    #[command(after_help = "Examples:
  orgscope compliance estate.json --require-tags owner,env,app
  orgscope compliance estate.json --require-tags owner --filter 'ou:Prod'
  orgscope compliance estate.json --require-tags owner,app --format csv --out tags.csv
  orgscope list estate.json --require-tags owner,env,app     # the resources to fix

Every kind of resource counts. Account-regions that were not collected are named on every row they belong to and never read as compliant (a share marked * is partial).")]
    Compliance(compliance::ComplianceArgs),
    /// Compare two scopes of a snapshot, or two snapshots.
    #[command(after_help = "Examples:
  orgscope diff estate.json --left ou:Prod --right ou:Test
  orgscope diff estate.json --left account:payments-prod --right account:payments-test --key instance=tag:role
  orgscope diff monday.json friday.json --format json | jq '.per_type'

Exit codes: 0 no differences, 4 differences found, 1 error, 2 usage.")]
    Diff(diff::DiffArgs),
    /// Draw the org tree, the network topology, the connectivity or who can get into which account,
    /// as SVG, PNG or draw.io.
    #[command(after_help = "Examples:
  orgscope diagram estate.json --kind org --color-by env --out org.svg
  orgscope diagram estate.json --kind network --filter 'app=payments' --out network.png --scale 2
  orgscope diagram estate.json --kind connectivity --out wiring.drawio")]
    Diagram(diagram::DiagramArgs),
    /// Write the built-in demo estate as a snapshot.
    #[command(after_help = "Examples:
  orgscope demo --out demo.json
  orgscope demo --accounts 1000 --out big.json     # about 100,000 resources, for benchmarks")]
    Demo(demo::DemoArgs),
    /// Open a snapshot in the desktop app.
    #[command(after_help = "Examples:\n  orgscope open estate.json\n  orgscope --demo")]
    Open {
        /// The snapshot file to open.
        file: PathBuf,
    },
    /// Print shell completions (bash, zsh, fish, elvish, powershell).
    Completions(package::CompletionsArgs),
    /// Write man pages, completions and icons for packaging.
    #[command(hide = true)]
    PackageFiles(package::PackageFilesArgs),
}

/// What a subcommand asks `main` to exit with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome(pub u8);

#[cfg(test)]
mod tests {
    use super::quoted_filter;

    #[test]
    fn a_short_filter_is_quoted_whole_and_a_long_one_by_its_start() {
        assert_eq!(quoted_filter("env=prod"), "\"env=prod\"");
        let long = "本".repeat(100);
        let quoted = quoted_filter(&long);
        assert!(quoted.ends_with("… (100 characters)"), "{quoted}");
        assert_eq!(quoted.chars().filter(|c| *c == '本').count(), 60);
    }
}
