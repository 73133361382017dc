//! The desktop app (eframe + egui_tiles). Rerun-style split: [`app`] owns
//! state and the worker channel; `logic` is the only place state changes
//! (drains worker events, applies commands); the `*_ui` modules draw and
//! emit commands; `workers` run file and dialog work on the tokio runtime
//! handed in from `main`, so no frame blocks on I/O.

pub mod diagram_view;

use std::path::PathBuf;

mod access_ui;
mod app;
mod command;
mod compare;
mod compare_ui;
mod compliance;
mod compliance_ui;
mod cost;
mod cost_ui;
mod credentials_ui;
mod derive;
mod details_ui;
pub mod engine;
mod export;
mod live;
mod logic;
mod panes_ui;
mod sign_in;
pub mod state;
mod table_ui;
mod theme;
mod tree_ui;
mod view;
mod welcome_ui;
mod workers;

pub use app::OrgscopeApp;
pub use state::{Origin, Settings, SourceMode, ThemeChoice};

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
pub fn run(start: Start, rt: tokio::runtime::Handle) -> anyhow::Result<()> {
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("orgscope")
        .with_app_id("orgscope")
        .with_inner_size([1440.0, 900.0])
        .with_min_inner_size([800.0, 500.0]);
    // The same drawing as the packaged icons; a window without one is still
    // usable, so a render failure is logged, not fatal.
    const ICON_SIZE: u32 = 64;
    match crate::icon::render_rgba(ICON_SIZE) {
        Ok(rgba) => {
            viewport = viewport.with_icon(egui::IconData {
                rgba,
                width: ICON_SIZE,
                height: ICON_SIZE,
            });
        }
        Err(e) => tracing::warn!("no window icon: {e}"),
    }
    let options = eframe::NativeOptions {
        viewport,
        ..Default::default()
    };
    eframe::run_native(
        "orgscope",
        options,
        Box::new(move |cc| Ok(Box::new(OrgscopeApp::new(cc, start, rt)))),
    )
    .map_err(|e| anyhow::anyhow!("the window could not be opened: {e}"))
}
