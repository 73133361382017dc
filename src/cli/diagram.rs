//! `orgscope diagram` (to be written).

use clap::Args;

#[derive(Debug, Args)]
pub struct DiagramArgs {}

pub fn run(_args: &DiagramArgs) -> anyhow::Result<super::Outcome> {
    anyhow::bail!("`orgscope diagram` is not implemented yet")
}
