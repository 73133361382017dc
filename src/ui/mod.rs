//! The desktop app (to be written).

pub mod diagram_view;

use std::path::PathBuf;

/// What the app shows first.
#[derive(Debug, Clone)]
pub enum Start {
    /// The welcome screen (connect, open a snapshot, open the demo).
    Welcome,
    /// Straight into the built-in demo estate.
    Demo,
    /// Straight into a snapshot file.
    Open(PathBuf),
}

/// Open the main window and run until it closes. `rt` runs all network and
/// file work so the UI thread never blocks.
pub fn run(_start: Start, _rt: tokio::runtime::Handle) -> anyhow::Result<()> {
    anyhow::bail!("the desktop app is not implemented yet")
}
