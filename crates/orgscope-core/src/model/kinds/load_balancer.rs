//! Elastic Load Balancing v2 load balancers (application, network,
//! gateway). The id is the ARN's resource part (`app/NAME/HEX`), which the
//! listeners and target groups name too.

use crate::model::kind::{Counted, Draw, FieldDef, KeyDef, KindDef, RelationDef, Scope};
use crate::model::relation::Rel;

pub(super) static DEF: KindDef = KindDef {
    name: "load_balancer",
    aliases: &["lb", "alb", "nlb", "elb", "elbv2", "load_balancers"],
    label: "Load balancers",
    service: "elasticloadbalancing",
    api: "elasticloadbalancing:DescribeLoadBalancers",
    scope: Scope::Regional,
    arn: "arn:{partition}:elasticloadbalancing:{region}:{account}:loadbalancer/{id}",
    fields: &[
        // `application`, `network`, `gateway`.
        FieldDef::text("lb_type", "Type")
            .aliases(&["lb-type"])
            .column()
            .compared()
            .facet(),
        // `internet-facing` or `internal`.
        FieldDef::text("scheme", "Scheme")
            .column()
            .compared()
            .facet(),
        FieldDef::text("state", "State").column().facet(),
        FieldDef::text("dns_name", "DNS name").aliases(&["dns"]),
        FieldDef::text("ip_address_type", "IP address type")
            .compared()
            .facet(),
        // Derived (`model::wiring`), as for instances.
        FieldDef::text("internet", "Internet").compared().facet(),
        FieldDef::text("internet_why", "Internet path").aliases(&["why"]),
    ],
    key: KeyDef::Name,
    relations: &[
        RelationDef::to(Rel::InVpc, &["vpc"]),
        RelationDef::to(Rel::InSubnet, &["subnet"]),
        RelationDef::to(Rel::MemberOf, &["security_group"]).compared("security_groups"),
    ],
    draw: Draw::Node {
        glyph: "ELB",
        label: "scheme",
    },
    counted: Some(Counted {
        short: "LB",
        plural: "s",
    }),
};
