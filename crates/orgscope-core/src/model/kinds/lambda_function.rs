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

/// The kind on the demo estate, through the generic layers only.
#[cfg(test)]
mod tests {
    use crate::demo::{DEFAULT_ACCOUNTS, demo_estate};
    use crate::diff::{DiffOptions, EntryStatus, diff};
    use crate::model::arn::{Arn, modelled_kind};
    use crate::model::{Rel, kinds};
    use crate::query::{self, Context};

    fn rows(ctx: &Context, q: &str) -> Vec<usize> {
        query::filter(ctx, &query::parse(q).expect("query parses"), None)
    }

    #[test]
    fn fields_and_relations_filter_and_every_edge_lands_in_the_estate() {
        let e = demo_estate(DEFAULT_ACCOUNTS);
        let ctx = Context::new(&e);
        let all = rows(&ctx, "type:lambda_function");
        // Three per readable workload account (19 of the 20).
        assert_eq!(all.len(), 3 * 19);
        assert_eq!(
            rows(&ctx, "type:function state:Active package-type:Zip"),
            all
        );
        // The drifted twin's api is the one function on Python 3.9.
        let old = rows(&ctx, "type:lambda runtime:python3.9");
        assert_eq!(old.len(), 1);
        assert_eq!(
            e.resources[old[0]].name.as_deref(),
            Some("payments-test-api")
        );
        assert_eq!(
            rows(&ctx, "type:lambda memory:512 name:*-worker").len(),
            1,
            "payments-test-worker has half the memory"
        );
        assert_eq!(
            rows(&ctx, "type:lambda arch:x86_64").len(),
            rows(&ctx, "type:lambda name:*-dr-failover").len()
        );
        assert_eq!(rows(&ctx, "type:lambda subnet:*-private-*"), all);
        assert_eq!(rows(&ctx, "type:lambda sg:*-app"), all);
        assert_eq!(rows(&ctx, "type:lambda role:*-lambda"), all);
        assert_eq!(rows(&ctx, "type:lambda -has:owner").len(), 1);
        for &i in &all {
            let f = &e.resources[i];
            assert_eq!(f.edges(Rel::InSubnet).count(), 3);
            for edge in &f.relations {
                let far = ctx.resolve(f, edge).map(|x| &e.resources[x]);
                let far = far.unwrap_or_else(|| panic!("{} {edge:?} is in the estate", f.id));
                if edge.rel == Rel::RunsAs {
                    assert_eq!(far.kind, kinds::IAM_ROLE);
                    assert!(
                        far.text("trust_policy")
                            .unwrap_or_default()
                            .contains("lambda.amazonaws.com")
                    );
                }
            }
        }
        // The Tagging API would list the functions too: they are this
        // kind's, never `tagged_resource`s.
        let f = &e.resources[all[0]];
        let arn = f.arn();
        assert_eq!(
            arn,
            format!(
                "arn:aws:lambda:{}:{}:function:{}",
                f.region, f.account_id, f.id
            )
        );
        assert_eq!(
            Arn::parse(&arn).and_then(|a| modelled_kind(&a)),
            Some(kinds::LAMBDA_FUNCTION)
        );
    }

    #[test]
    fn prod_vs_test_reports_the_runtime_the_memory_and_the_lost_owner() {
        let e = demo_estate(DEFAULT_ACCOUNTS);
        let ctx = Context::new(&e);
        let rep = diff(
            &e,
            &rows(&ctx, "ou:Prod type:lambda"),
            &e,
            &rows(&ctx, "ou:Test type:lambda"),
            &DiffOptions::default(),
        );
        let changed: Vec<_> = rep
            .entries
            .iter()
            .filter(|x| x.status != EntryStatus::NotCollected)
            .collect();
        /// A changed field: name, prod's value, test's.
        type Change<'a> = (&'a str, Option<&'a str>, Option<&'a str>);
        let summary: Vec<(&str, Vec<Change>)> = changed
            .iter()
            .map(|x| {
                let c = x
                    .changes
                    .iter()
                    .map(|c| (c.field.as_str(), c.left.as_deref(), c.right.as_deref()))
                    .collect();
                (x.key.as_str(), c)
            })
            .collect();
        assert_eq!(
            summary,
            [
                (
                    "payments/eu-west-1/payments-api",
                    vec![("runtime", Some("python3.12"), Some("python3.9"))]
                ),
                (
                    "payments/eu-west-1/payments-worker",
                    vec![
                        ("memory", Some("1024"), Some("512")),
                        ("tag:owner", Some("payments-team@example.com"), None)
                    ]
                ),
            ]
        );
    }
}
