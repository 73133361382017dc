//! Cross-account access: who can get into which account, from where, with
//! what power (issue #14). The collector stores IAM documents as AWS
//! returns them; this module reads them once into checked types
//! ([`policy`]), classifies each role's trust against the organization
//! ([`trust`]: same account, another org account by name, an outside
//! account by id, a service, a federated provider, anyone — with the
//! conditions that matter), derives the fields reviewers filter and diff by
//! ([`derive`](fn@derive): `trust`, `trusted_by`, `admin`, `statements`,
//! `unused`, `key_age`, `flags`, `note`) and lays the trust out as an
//! accounts × accounts map ([`access_map`]) with table, CSV and JSON
//! renderers for `orgscope access`.
//!
//! Pure like the rest of the core: no egui, tokio or AWS SDK, and no
//! `unwrap` on a document — every malformed one is a [`PolicyError`] with a
//! message a person reads, shown as the resource's `note`.

pub mod bucket;
mod canonical;
mod derive;
mod matrix;
pub mod policy;
pub mod trust;

/// The flags a reviewer acts on (the others — unused roles and keys, the
/// Organizations role — are facts to tidy): red in the matrix and the
/// access diagram.
pub const FINDINGS: [&str; 3] = [
    "admin-trusted-from-other-account",
    "external-without-external-id",
    "public-trust",
];

pub use derive::{STALE_DAYS, derive, names_for_ids, role_trust};
pub use matrix::{
    AccessMap, AccountRef, Cell, RoleAccess, Row, RowKind, access_map, access_map_of, account_order,
};
pub use policy::{Policy, PolicyError};
pub use trust::{Guards, Org, TrustEntry, Truster};

#[cfg(test)]
mod policy_tests;
#[cfg(test)]
mod prop_tests;
#[cfg(test)]
pub(crate) mod tests;
#[cfg(test)]
mod trust_tests;
