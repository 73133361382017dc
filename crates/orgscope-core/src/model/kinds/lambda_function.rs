//! Lambda functions: the serverless compute of an app. What drifts between
//! environments and causes incidents is the runtime (a test function left
//! on an end-of-life Python), its memory and timeout, and its architecture;
//! what places it on the network is its VPC configuration (subnets and
//! security groups); what it may do is its execution role (`RunsAs`, to
//! the `iam_role` whose id is the role ARN's resource part, possibly in
//! another account).
//!
//! The id is the function name (unique per account-region), so the ARN
//! rebuilds from it; the name is the function name too, which is how
//! twins pair (`payments-prod-api` ≈ `payments-test-api`). The cell is
//! `lambda:ListFunctions`; the tags come from `lambda:ListTags` per
//! function under the same cell (`ListFunctions` does not return them).

use crate::model::kind::{Draw, FieldDef, KeyDef, KindDef, RelationDef, Scope, ValueType};
use crate::model::relation::Rel;

pub(super) static DEF: KindDef = KindDef {
    name: "lambda_function",
    aliases: &["lambda", "function", "functions", "lambda_functions"],
    label: "Lambda functions",
    service: "lambda",
    api: "lambda:ListFunctions",
    scope: Scope::Regional,
    arn: "arn:{partition}:lambda:{region}:{account}:function:{id}",
    fields: &[
        // `python3.12`, `nodejs20.x`, …; absent for container images.
        FieldDef::text("runtime", "Runtime")
            .column()
            .compared()
            .facet(),
        FieldDef::text("memory", "Memory (MB)")
            .key("memory_size")
            .typed(ValueType::Number)
            .aliases(&["memory-mb"])
            .column()
            .compared(),
        FieldDef::text("timeout", "Timeout (s)")
            .typed(ValueType::Number)
            .compared(),
        // `x86_64` or `arm64`.
        FieldDef::text("architecture", "Architecture")
            .aliases(&["arch"])
            .column()
            .compared()
            .facet(),
        // `Zip` or `Image`.
        FieldDef::text("package_type", "Package type")
            .aliases(&["package"])
            .facet(),
        FieldDef::text("handler", "Handler"),
        // Changes with every deployment: never drift.
        FieldDef::text("last_modified", "Last modified").typed(ValueType::Time),
        FieldDef::text("code_size", "Code size (bytes)").typed(ValueType::Number),
        // `Active`, `Pending`, `Inactive`, `Failed`: when Lambda reports it.
        FieldDef::text("state", "State").facet(),
        // Something about the function that could not be read, said once.
        FieldDef::text("note", "Note"),
    ],
    key: KeyDef::Name,
    relations: &[
        RelationDef::to(Rel::InVpc, &["vpc"]),
        RelationDef::to(Rel::InSubnet, &["subnet"]),
        RelationDef::to(Rel::MemberOf, &["security_group"]).compared("security_groups"),
        // Roles pair by their normalised names (`payments-prod-lambda` ≈
        // `payments-test-lambda`): a function running as another role is
        // drift.
        RelationDef::to(Rel::RunsAs, &["iam_role"]).compared("execution_role"),
    ],
    draw: Draw::Node {
        glyph: "FN",
        label: "runtime",
    },
    counted: None,
};
