//! IAM users: their groups, policies and access keys. orgscope reads no
//! secret from IAM: an access key is stored as the last four characters of
//! its id, its status, creation and last use. Collected with roles (see
//! `iam_role`); the id is the ARN's resource part (`user/PATH/NAME`).

use crate::model::kind::{Draw, FieldDef, KeyDef, KindDef, RelationDef, Scope, ValueType};
use crate::model::relation::Rel;

pub(super) static DEF: KindDef = KindDef {
    name: "iam_user",
    aliases: &["user", "users", "iam-user", "iam_users"],
    label: "IAM users",
    service: "iam",
    api: "iam:GetAccountAuthorizationDetails",
    scope: Scope::Global,
    arn: "arn:{partition}:iam::{account}:{id}",
    fields: &[
        FieldDef::text("path", "Path"),
        FieldDef::text("user_id", "User id"),
        FieldDef::text("created", "Created").typed(ValueType::Time),
        FieldDef::text("inline_policies", "Inline policies"),
        // One entry per key: `ABCD Active CREATED LAST_USED` (`never` when
        // unused), the times RFC 3339. Never the whole id, never a secret.
        FieldDef::text("access_keys", "Access keys")
            .typed(ValueType::List)
            .aliases(&["keys"]),
        // Derived (`access::derive`).
        FieldDef::text("statements", "Statements")
            .typed(ValueType::List)
            .compared()
            .normalised(),
        FieldDef::text("admin", "Admin")
            .typed(ValueType::Bool)
            .column()
            .compared(),
        // Age in days of the oldest active key.
        FieldDef::text("key_age", "Oldest key (days)")
            .typed(ValueType::Number)
            .column()
            .values(super::iam_role::DAYS),
        // Days since any active key was last used (since creation when
        // never used).
        FieldDef::text("unused", "Unused (days)")
            .typed(ValueType::Number)
            .aliases(&["unused_days", "idle"])
            .values(super::iam_role::DAYS),
        FieldDef::text("flags", "Flags")
            .typed(ValueType::List)
            .column()
            .aliases(&["flag"])
            .values(&["key-older-90d", "key-unused-90d"]),
        FieldDef::text("note", "Note"),
    ],
    key: KeyDef::Name,
    relations: &[
        RelationDef::to(Rel::InGroup, &["iam_group"]).compared("groups"),
        RelationDef::to(Rel::Uses, &["iam_policy"]).compared("policies"),
    ],
    draw: Draw::Hidden,
    counted: None,
};
