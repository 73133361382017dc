//! `orgscope collect` (to be written).

use clap::Args;

#[derive(Debug, Args)]
pub struct CollectArgs {}

pub fn run(_args: &CollectArgs, _rt: &tokio::runtime::Handle) -> anyhow::Result<super::Outcome> {
    anyhow::bail!("`orgscope collect` is not implemented yet")
}
