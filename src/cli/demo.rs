//! `orgscope demo` (to be written).

use clap::Args;

#[derive(Debug, Args)]
pub struct DemoArgs {}

pub fn run(_args: &DemoArgs) -> anyhow::Result<super::Outcome> {
    anyhow::bail!("`orgscope demo` is not implemented yet")
}
