//! `orgscope compliance`: how many resources of each account, OU and the
//! estate lack each required tag, from a snapshot (optionally a filtered
//! part of it). The report is built by the engine (`compliance`); this
//! module only parses arguments and writes. Exit code 0 even when tags are
//! missing: the report is the answer, and a script reads its CSV or JSON.

use std::path::PathBuf;

use anyhow::anyhow;
use clap::{Args, ValueEnum};

use crate::compliance::{RequiredTags, compliance};
use crate::query::{self, Context};
use crate::snapshot;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ComplianceFormat {
    /// Aligned columns, the tree indented, `N (S%)` per key.
    Table,
    /// One row per account, OU and the estate: counts and percentages.
    Csv,
    Json,
}

#[derive(Debug, Args)]
pub struct ComplianceArgs {
    /// The estate snapshot to read.
    pub snapshot: PathBuf,
    /// The tag keys every resource must carry, comma-separated
    /// (case-sensitive, as in AWS).
    #[arg(long, value_name = "KEYS", default_value = "owner,env,app")]
    pub require_tags: String,
    /// Count only the resources this filter selects (see docs/filter-language.md).
    #[arg(long, short, default_value = "")]
    pub filter: String,
    #[arg(long, value_enum, default_value_t = ComplianceFormat::Table)]
    pub format: ComplianceFormat,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

/// `--require-tags` as the engine wants it, with the option named in the
/// error (shared with `list`).
pub(crate) fn required(text: &str) -> anyhow::Result<RequiredTags> {
    RequiredTags::parse(text).map_err(|e| anyhow!("invalid --require-tags: {e}"))
}

pub fn run(args: &ComplianceArgs) -> anyhow::Result<super::Outcome> {
    let keys = required(&args.require_tags)?;
    let q = query::parse(&args.filter).map_err(|e| {
        anyhow!(
            "invalid --filter {}: {e}",
            super::quoted_filter(&args.filter)
        )
    })?;
    let estate = snapshot::read(&args.snapshot)?;
    let ctx = Context::new(&estate);
    let idx = query::filter(&ctx, &q, None);
    let report = compliance(&estate, &keys, idx);
    let text = match args.format {
        ComplianceFormat::Table => report.to_text(),
        ComplianceFormat::Csv => report.to_csv(),
        ComplianceFormat::Json => report.to_json()?,
    };
    super::list::emit(args.out.as_ref(), &text)?;
    Ok(super::Outcome(super::exit::OK))
}
