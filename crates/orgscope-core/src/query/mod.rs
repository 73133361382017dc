//! The query engine shared by the GUI panes and the CLI: the filter
//! language (parse once into a validated AST, evaluate against precomputed
//! per-estate tables), table cells and sorting, grouping with counts, the
//! tag catalog, filter-bar completion, and the relation index (each edge's
//! far end resolved, and what points at a resource). Pure: no egui, tokio
//! or AWS SDK. Kinds, fields and relations are read from the descriptors
//! (`model::kinds`), never matched by hand, so a new kind is filterable,
//! groupable and shown in columns as soon as it is registered. Everything
//! works on index vectors into `estate.resources`, so the table never
//! copies resources.

mod bound;
mod columns;
mod complete;
mod context;
mod eval;
mod fields;
mod group;
mod links;
mod parse;
mod table;

pub use columns::{Column, cell, cell_str, natural_cmp, sort};
pub use complete::{Completion, completions};
pub use context::{Context, Link};
pub use eval::filter;
pub use fields::field_names;
pub use group::{
    AccountChoice, Group, GroupKey, GroupKeyError, TagCatalog, TagStats, group_by, parse_group_key,
    tag_catalog, vcpus,
};
pub use parse::{MAX_DEPTH, ParseError, Query, parse};

#[cfg(test)]
mod access_tests;
#[cfg(test)]
mod depth_tests;
#[cfg(test)]
mod descriptor_tests;
#[cfg(test)]
mod fast_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod wiring_tests;
