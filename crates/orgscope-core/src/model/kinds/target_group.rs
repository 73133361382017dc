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
