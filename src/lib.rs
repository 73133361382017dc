//! orgscope: the desktop app and the headless CLI over one engine. The
//! engine lives in two library crates whose boundaries the compiler keeps:
//! `orgscope-core` (model, snapshot, query, diff, diagram, demo, export —
//! no tokio, no AWS SDK, no egui) and `orgscope-aws` (collection). This
//! crate adds the eframe app (`ui`) and the CLI (`cli`), and re-exports the
//! engine's modules under their old paths so `orgscope::model` and
//! `crate::query` read the same everywhere.
//!
//! Data flows one way: `collect` → [`model::Estate`] → `query` / `diff` →
//! `ui`, with `diagram` drawing from the same estate and `snapshot` storing
//! it.

pub use orgscope_aws as collect;
pub use orgscope_core::{
    access, compliance, cost, demo, diagram, diff, export, model, query, snapshot,
};

pub mod cli;
pub mod icon;
pub mod ui;
