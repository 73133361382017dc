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

/// The kind on the demo estate, through the generic layers only.
#[cfg(test)]
mod tests {
    use crate::demo::{DEFAULT_ACCOUNTS, demo_estate};
    use crate::diff::{DiffOptions, EntryStatus, diff};
    use crate::model::Rel;
    use crate::query::{self, Context};

    fn rows(ctx: &Context, q: &str) -> Vec<usize> {
        query::filter(ctx, &query::parse(q).expect("query parses"), None)
    }

    #[test]
    fn schemes_decide_the_subnets_and_the_id_rebuilds_the_arn() {
        let e = demo_estate(DEFAULT_ACCOUNTS);
        let ctx = Context::new(&e);
        let all = rows(&ctx, "type:load_balancer");
        assert_eq!(rows(&ctx, "type:alb lb-type:application state:active"), all);
        let facing = rows(&ctx, "type:lb scheme:internet-facing");
        let internal = rows(&ctx, "type:lb scheme:internal");
        assert_eq!(facing.len() + internal.len(), all.len());
        // Internet-facing ones in the public subnets, internal ones in the
        // private subnets, one per AZ, in their app's ALB group.
        assert!(rows(&ctx, "type:lb scheme:internet-facing subnet:*-private-*").is_empty());
        assert!(rows(&ctx, "type:lb scheme:internal subnet:*-public-*").is_empty());
        assert!(
            all.iter()
                .all(|&i| e.resources[i].edges(Rel::InSubnet).count() == 3)
        );
        assert_eq!(rows(&ctx, "type:lb sg:*-alb"), all);
        assert_eq!(
            rows(&ctx, "type:lb scheme:internal dns:internal-*"),
            internal
        );
        // The drifted test twin's is the one internet-facing payments ALB.
        let payments = rows(&ctx, "type:lb scheme:internet-facing name:payments-*");
        assert_eq!(payments.len(), 1);
        assert_eq!(
            e.resources[payments[0]].name.as_deref(),
            Some("payments-test-alb")
        );
        let lb = &e.resources[all[0]];
        let name = lb.name.as_deref().expect("named");
        assert!(lb.id.starts_with(&format!("app/{name}/")), "{}", lb.id);
        assert_eq!(
            lb.arn(),
            format!(
                "arn:aws:elasticloadbalancing:{}:{}:loadbalancer/{}",
                lb.region, lb.account_id, lb.id
            )
        );
    }

    #[test]
    fn prod_vs_test_reports_the_scheme() {
        let e = demo_estate(DEFAULT_ACCOUNTS);
        let ctx = Context::new(&e);
        let rep = diff(
            &e,
            &rows(&ctx, "ou:Prod type:lb"),
            &e,
            &rows(&ctx, "ou:Test type:lb"),
            &DiffOptions::default(),
        );
        let changed: Vec<_> = rep
            .entries
            .iter()
            .filter(|x| x.status != EntryStatus::NotCollected)
            .collect();
        assert_eq!(changed.len(), 1, "{changed:?}");
        assert_eq!(changed[0].key, "payments/eu-west-1/payments-alb");
        let scheme = changed[0]
            .changes
            .iter()
            .find(|c| c.field == "scheme")
            .expect("scheme");
        assert_eq!(scheme.left.as_deref(), Some("internal"));
        assert_eq!(scheme.right.as_deref(), Some("internet-facing"));
    }
}
