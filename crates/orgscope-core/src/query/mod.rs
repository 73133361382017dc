//! The query engine shared by the GUI panes and the CLI: the filter
//! language (parse once into a validated AST, evaluate against precomputed
//! per-estate tables), table cells and sorting, grouping with counts, the
//! tag catalog and filter-bar completion. Pure: no egui, tokio or AWS SDK.
//! Everything works on index vectors into `estate.resources`, so the table
//! never copies resources.

mod bound;
mod columns;
mod complete;
mod context;
mod eval;
mod group;
mod parse;
mod table;

pub use columns::{Column, cell, cell_str, natural_cmp, sort};
pub use complete::{Completion, completions};
pub use context::Context;
pub use eval::filter;
pub use group::{
    Group, GroupKey, GroupKeyError, TagCatalog, TagStats, group_by, parse_group_key, tag_catalog,
    vcpus,
};
pub use parse::{FIELD_NAMES, ParseError, Query, parse};

#[cfg(test)]
mod fast_tests;
#[cfg(test)]
mod tests;
