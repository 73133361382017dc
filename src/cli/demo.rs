//! `orgscope demo`: write the built-in demo estate as a snapshot file (or to
//! stdout), optionally scaled up for benchmarks and large-estate trials.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;

use crate::{demo, snapshot};

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where to write the snapshot; stdout when absent.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    /// Number of accounts (about 100 resources each; at least 11).
    #[arg(long, default_value_t = demo::DEFAULT_ACCOUNTS)]
    pub accounts: usize,
}

pub fn run(args: &DemoArgs) -> anyhow::Result<super::Outcome> {
    let estate = demo::demo_estate(args.accounts);
    let bytes = snapshot::to_vec(&estate)?;
    match &args.out {
        Some(path) => snapshot::write_atomic(path, &bytes)?,
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(&bytes).and_then(|()| out.flush()) {
                // `orgscope demo | head` closing the pipe early is not an error.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                other => other.context("cannot write the estate to stdout")?,
            }
        }
    }
    Ok(super::Outcome(super::exit::OK))
}
