//! Load balancer target groups and their registered targets. A target is
//! a `Targets` edge to an instance (or, for `ip` groups, to an address
//! with no known kind) carrying its `port` and `health` as the target
//! health check last saw it.

use crate::model::kind::{Draw, FieldDef, KeyDef, KindDef, RelationDef, Scope, ValueType};
use crate::model::relation::Rel;

pub(super) static DEF: KindDef = KindDef {
    name: "target_group",
    aliases: &["tg", "target_groups"],
    label: "Target groups",
    service: "elasticloadbalancing",
    api: "elasticloadbalancing:DescribeTargetGroups",
    scope: Scope::Regional,
    arn: "arn:{partition}:elasticloadbalancing:{region}:{account}:targetgroup/{id}",
    fields: &[
        FieldDef::text("protocol", "Protocol")
            .column()
            .compared()
            .facet(),
        FieldDef::text("port", "Port")
            .typed(ValueType::Number)
            .column()
            .compared(),
        // `instance`, `ip`, `lambda`, `alb`.
        FieldDef::text("target_type", "Target type")
            .column()
            .compared()
            .facet(),
        FieldDef::text("health_check_protocol", "Health check protocol")
            .compared()
            .facet(),
        FieldDef::text("health_check_port", "Health check port").compared(),
        FieldDef::text("health_check_path", "Health check path").compared(),
        // How many registered targets the health check calls healthy.
        FieldDef::text("healthy", "Healthy")
            .typed(ValueType::Number)
            .column(),
    ],
    key: KeyDef::Name,
    relations: &[
        RelationDef::to(Rel::InVpc, &["vpc"]),
        RelationDef::to(Rel::AttachedTo, &["load_balancer"]),
        RelationDef::to(Rel::Targets, &["instance"]).compared("targets"),
    ],
    draw: Draw::Hidden,
    counted: None,
};

/// The kind on the demo estate, through the generic layers only.
#[cfg(test)]
mod tests {
    use crate::demo::{DEFAULT_ACCOUNTS, demo_estate};
    use crate::diff::{DiffOptions, EntryStatus, diff};
    use crate::model::{Rel, Value, kinds};
    use crate::query::{self, Context};

    fn rows(ctx: &Context, q: &str) -> Vec<usize> {
        query::filter(ctx, &query::parse(q).expect("query parses"), None)
    }

    #[test]
    fn targets_are_the_web_tier_with_their_health() {
        let e = demo_estate(DEFAULT_ACCOUNTS);
        let ctx = Context::new(&e);
        let all = rows(&ctx, "type:target_group");
        assert_eq!(
            rows(&ctx, "type:tg protocol:HTTP port:8080 target_type:instance"),
            all
        );
        assert_eq!(rows(&ctx, "type:tg targets:*-web-*"), all);
        assert_eq!(rows(&ctx, "type:tg attached-to:*-alb"), all);
        for &i in &all {
            let tg = &e.resources[i];
            let targets: Vec<_> = ctx
                .edges_of(i)
                .filter(|l| l.edge.rel == Rel::Targets)
                .collect();
            assert_eq!(targets.len(), 4, "{:?}", tg.name);
            let healthy = targets
                .iter()
                .filter(|l| l.edge.attrs.get("health").map(String::as_str) == Some("healthy"))
                .count() as i64;
            assert_eq!(tg.get("healthy"), Some(&Value::Number(healthy)));
            for l in &targets {
                let instance = &e.resources[l.far.expect("a target in the estate")];
                assert_eq!(instance.kind, kinds::INSTANCE);
                assert_eq!(l.edge.attrs.get("port").map(String::as_str), Some("8080"));
            }
        }
        // Dev's fourth web server fails its check.
        let dev = rows(&ctx, "type:tg ou:Dev");
        assert!(!dev.is_empty());
        assert!(
            dev.iter()
                .all(|&i| e.resources[i].get("healthy") == Some(&Value::Number(3)))
        );
        assert_eq!(rows(&ctx, "type:tg healthy:4").len(), all.len() - dev.len());
        let tg = &e.resources[all[0]];
        let name = tg.name.as_deref().expect("named");
        assert!(tg.id.starts_with(&format!("{name}/")));
        assert!(tg.arn().ends_with(&format!(":targetgroup/{}", tg.id)));
    }

    #[test]
    fn prod_vs_test_reports_the_health_check_path() {
        let e = demo_estate(DEFAULT_ACCOUNTS);
        let ctx = Context::new(&e);
        let rep = diff(
            &e,
            &rows(&ctx, "ou:Prod type:tg"),
            &e,
            &rows(&ctx, "ou:Test type:tg"),
            &DiffOptions::default(),
        );
        let changed: Vec<_> = rep
            .entries
            .iter()
            .filter(|x| x.status != EntryStatus::NotCollected)
            .collect();
        assert_eq!(changed.len(), 1, "{changed:?}");
        assert_eq!(changed[0].key, "payments/eu-west-1/payments-web");
        let c: Vec<_> = changed[0]
            .changes
            .iter()
            .map(|c| (c.field.as_str(), c.left.as_deref(), c.right.as_deref()))
            .collect();
        assert_eq!(c, [("health_check_path", Some("/healthz"), Some("/"))]);
    }
}
