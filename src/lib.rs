//! orgscope: one place to see an AWS Organizations estate. The library holds
//! every capability (collection, the estate model, filtering, diffing,
//! diagrams, the desktop app) so that the GUI and the headless CLI in
//! `main.rs` are two thin faces over the same functions.
//!
//! Data flows one way: `collect` → [`model::Estate`] → `query` / `diff` →
//! `ui`, with `diagram` drawing from the same estate and `snapshot` storing
//! it. The pure modules (`model`, `query`, `diff`, `diagram`) know nothing
//! of egui, tokio or the AWS SDK.

pub mod cli;
pub mod collect;
pub mod demo;
pub mod diagram;
pub mod diff;
pub mod export;
pub mod icon;
pub mod model;
pub mod query;
pub mod snapshot;
pub mod ui;
