//! `orgscope list` (to be written).

use clap::Args;

#[derive(Debug, Args)]
pub struct ListArgs {}

pub fn run(_args: &ListArgs) -> anyhow::Result<super::Outcome> {
    anyhow::bail!("`orgscope list` is not implemented yet")
}
