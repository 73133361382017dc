//! The command line: one clap definition for every subcommand, each of which
//! calls the same library functions the desktop app uses. `main.rs` parses,
//! dispatches here, and turns the returned [`Outcome`] into a process exit
//! code; nothing below prints an error itself.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

pub mod collect;
pub mod demo;
pub mod diagram;
pub mod diff;
pub mod list;
pub mod package;

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
    about = "Explore an AWS Organizations estate: org tree, cross-account EC2 inventory, tag filters, prod-vs-test diff and diagrams",
    long_about = "orgscope signs in once, walks the AWS Organizations tree, assumes a read-only role into each member account and collects EC2 inventory across accounts and regions.\n\nWith no subcommand it opens the desktop app. Every subcommand runs headless, for scripts and CI."
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
    Collect(collect::CollectArgs),
    /// List resources of a snapshot, filtered and grouped.
    List(list::ListArgs),
    /// Compare two scopes of a snapshot, or two snapshots.
    Diff(diff::DiffArgs),
    /// Draw the org tree or the network topology as SVG or PNG.
    Diagram(diagram::DiagramArgs),
    /// Write the built-in demo estate as a snapshot.
    Demo(demo::DemoArgs),
    /// Open a snapshot in the desktop app.
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
