//! IAM roles: who may assume them (the trust policy) and what they may do
//! (attached managed policies, inline policies). Global: one coverage cell
//! per account, for `iam:GetAccountAuthorizationDetails`, which returns
//! roles, users, groups and customer-managed policies in one paginated
//! call. The id is the ARN's resource part — `role/` then the path
//! (without its leading `/`) and name, `role/service-role/ci-deploy` — so
//! the ARN rebuilds from it, and a role, a user and a group of the same
//! name (IAM allows it) stay distinct resources of their account.
//!
//! No description or maximum session: `GetAccountAuthorizationDetails`
//! does not return them, and a field that is never collected would read
//! as empty in every real snapshot (`iam:ListRoles` would be a fourth
//! read for little).
//!
//! The collector stores the documents as AWS returns them (URL-decoded
//! JSON): `trust_policy` and `inline_policies` (an object of name →
//! document). Everything a reviewer filters and compares by is derived
//! from them after a collection (`access::derive`): the classified trust
//! (`trust`, `trusted_by`), the inline statements in a canonical form,
//! administrator power, days unused and the flags.

use crate::model::kind::{FieldDef, KeyDef, KindDef, RelationDef, Scope, ValueType};
use crate::model::relation::Rel;

/// What completion offers for a number of days (`unused:90d`: at least
/// 90 days).
pub(super) const DAYS: &[&str] = &["30d", "90d", "180d", "365d"];

pub(super) static DEF: KindDef = KindDef {
    name: "iam_role",
    aliases: &["role", "roles", "iam-role", "iam_roles"],
    label: "IAM roles",
    service: "iam",
    api: "iam:GetAccountAuthorizationDetails",
    scope: Scope::Global,
    arn: "arn:{partition}:iam::{account}:{id}",
    fields: &[
        FieldDef::text("path", "Path"),
        // The unique id (`AROA…`): changes when a role is re-created.
        FieldDef::text("role_id", "Role id"),
        FieldDef::text("created", "Created").typed(ValueType::Time),
        FieldDef::text("last_used", "Last used")
            .typed(ValueType::Time)
            .column(),
        FieldDef::text("last_used_region", "Last used in"),
        // The documents as collected (JSON text).
        FieldDef::text("trust_policy", "Trust policy"),
        FieldDef::text("inline_policies", "Inline policies"),
        // Derived (`access::derive`). Who may assume it: one entry per
        // principal, an organization account by name
        // (`account:payments-prod`), else `outside:ID`, `service:NAME`,
        // `federated:PROVIDER`, `anyone`, with the conditions that matter
        // in brackets.
        FieldDef::text("trust", "Trusted by")
            .typed(ValueType::List)
            .column()
            .compared()
            .normalised()
            // The issue spells the filter `trusts:account:payments-prod`.
            .aliases(&["trusts"])
            .values(&["account:{account}", "anyone"]),
        // The classes of `trust`: `same-account`, `org`, `outside`,
        // `service`, `federated`, `public`.
        FieldDef::text("trusted_by", "Trust classes")
            .typed(ValueType::List)
            .aliases(&["trusted-by", "trust-class"])
            .values(&[
                "same-account",
                "org",
                "outside",
                "service",
                "federated",
                "public",
                "unknown",
            ]),
        FieldDef::text("admin", "Admin")
            .typed(ValueType::Bool)
            .column()
            .compared(),
        // The inline policies' statements, one canonical line each.
        FieldDef::text("statements", "Statements")
            .typed(ValueType::List)
            .compared()
            .normalised(),
        // Whole days since last use (since creation when never used),
        // counted to the collection time. `unused:90d` is "at least 90".
        FieldDef::text("unused", "Unused (days)")
            .typed(ValueType::Number)
            .aliases(&["unused_days", "idle"])
            .values(DAYS),
        FieldDef::text("flags", "Flags")
            .typed(ValueType::List)
            .column()
            .aliases(&["flag"])
            .values(&[
                "admin-trusted-from-other-account",
                "external-without-external-id",
                "public-trust",
                "unused-90d",
            ]),
        // A document that could not be read, said once.
        FieldDef::text("note", "Note"),
    ],
    key: KeyDef::Name,
    relations: &[RelationDef::to(Rel::Uses, &["iam_policy"]).compared("policies")],
    draw: crate::model::kind::Draw::Hidden,
    counted: None,
};
