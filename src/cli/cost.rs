//! `orgscope cost`: what the estate's accounts, OUs, services or tag values
//! cost in a month, against the month before, from the cost data a
//! `collect --cost` run stored in the snapshot. The table is built by the
//! engine (`cost::table`); this module only parses arguments and writes.

use std::path::PathBuf;

use anyhow::anyhow;
use clap::{Args, ValueEnum};

use crate::cost::Month;
use crate::cost::table::{CostGroup, cost_table};
use crate::snapshot;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CostFormat {
    /// Aligned columns, amounts rounded to cents.
    Table,
    /// Exact amounts, as AWS returned them.
    Csv,
    /// Exact amounts as strings.
    Json,
}

#[derive(Debug, Args)]
pub struct CostArgs {
    /// The estate snapshot to read (collected with `--cost`).
    pub snapshot: PathBuf,
    /// Rows: account, ou (each with everything below it), service, or
    /// tag:KEY (the tag collected with `--cost-tag KEY`).
    #[arg(long, short, default_value = "account", value_name = "GROUP")]
    pub group_by: String,
    /// The month to show, YYYY-MM; default the last full month.
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<String>,
    #[arg(long, value_enum, default_value_t = CostFormat::Table)]
    pub format: CostFormat,
    /// Write to this file (atomically) instead of stdout.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

pub fn run(args: &CostArgs) -> anyhow::Result<super::Outcome> {
    let group = CostGroup::parse(&args.group_by).map_err(|e| anyhow!("invalid --group-by: {e}"))?;
    let month = args
        .month
        .as_deref()
        .map(Month::parse)
        .transpose()
        .map_err(|e| anyhow!("invalid --month: {e}"))?;
    let estate = snapshot::read(&args.snapshot)?;
    let table = cost_table(&estate, &group, month)
        .map_err(|e| anyhow!("{}: {e}", args.snapshot.display()))?;
    let text = match args.format {
        CostFormat::Table => table.to_text(),
        CostFormat::Csv => table.to_csv(),
        CostFormat::Json => table.to_json()?,
    };
    super::list::emit(args.out.as_ref(), &text)?;
    Ok(super::Outcome(super::exit::OK))
}
