//! `orgscope diff` (to be written).

use clap::Args;

#[derive(Debug, Args)]
pub struct DiffArgs {}

pub fn run(_args: &DiffArgs) -> anyhow::Result<super::Outcome> {
    anyhow::bail!("`orgscope diff` is not implemented yet")
}
