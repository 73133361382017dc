//! orgscope's engine, pure by construction: this crate's `Cargo.toml` has no
//! tokio, no AWS SDK and no egui, so nothing here can await, call AWS or
//! draw a widget. It owns the estate model and its resource kinds
//! (`model`), reading and writing snapshot files (`snapshot`), the filter
//! language, columns, sorting and grouping (`query`), the environment-
//! normalised diff (`diff`), the diagram scene and its SVG/PNG writers
//! (`diagram`), the built-in demo estate (`demo`), table exports
//! (`export`), what the estate costs (`cost`: an exact decimal, rollups
//! per account, OU, service and tag), its tag compliance (`compliance`)
//! and cross-account access (`access`: IAM policies parsed, trust
//! classified, the access map). Collection (`orgscope-aws`) produces an
//! [`model::Estate`]; the app and the CLI (`orgscope`) read it through
//! these modules.

pub mod access;
pub mod compliance;
pub mod config_item;
pub mod cost;
pub mod demo;
pub mod diagram;
pub mod diff;
pub mod export;
pub mod model;
pub mod query;
pub mod snapshot;
