//! Load balancer listeners: a protocol and port on a load balancer and
//! where its default action sends the traffic. Matched across
//! environments by their load balancer and port.

use crate::model::kind::{Draw, FieldDef, KeyDef, KindDef, RelationDef, Scope, ValueType};
use crate::model::relation::Rel;

pub(super) static DEF: KindDef = KindDef {
    name: "listener",
    aliases: &["listeners", "lb_listener"],
    label: "Listeners",
    service: "elasticloadbalancing",
    api: "elasticloadbalancing:DescribeListeners",
    scope: Scope::Regional,
    arn: "arn:{partition}:elasticloadbalancing:{region}:{account}:listener/{id}",
    fields: &[
        FieldDef::text("protocol", "Protocol")
            .column()
            .compared()
            .facet(),
        FieldDef::text("port", "Port")
            .typed(ValueType::Number)
            .column()
            .compared(),
        FieldDef::text("ssl_policy", "SSL policy")
            .compared()
            .facet(),
        // The default action's type: `forward`, `redirect`, `fixed-response`...
        FieldDef::text("action", "Default action")
            .key("default_action")
            .column()
            .compared()
            .facet(),
    ],
    // The load balancer's key and the port (carried on the edge).
    key: KeyDef::Via {
        rel: Rel::AttachedTo,
        attr: "port",
    },
    relations: &[
        RelationDef::to(Rel::AttachedTo, &["load_balancer"]),
        RelationDef::to(Rel::Targets, &["target_group"]).compared("target_groups"),
    ],
    draw: Draw::Hidden,
    counted: None,
};
