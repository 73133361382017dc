//! Transit Gateway route tables: the routing domains of a Transit Gateway.

use crate::model::kind::{Draw, FieldDef, KeyDef, KindDef, RelationDef, Scope, ValueType};
use crate::model::relation::Rel;

pub(super) static DEF: KindDef = KindDef {
    name: "transit_gateway_route_table",
    aliases: &["tgw_route_table", "tgw_rtb", "transit_gateway_route_tables"],
    label: "Transit Gateway route tables",
    service: "ec2",
    api: "ec2:DescribeTransitGatewayRouteTables",
    scope: Scope::Regional,
    arn: "arn:{partition}:ec2:{region}:{account}:transit-gateway-route-table/{id}",
    fields: &[
        FieldDef::text("state", "State").column().facet(),
        FieldDef::text("default_association", "Default association")
            .key("default_association_route_table")
            .typed(ValueType::Bool)
            .column()
            .compared(),
        FieldDef::text("default_propagation", "Default propagation")
            .key("default_propagation_route_table")
            .typed(ValueType::Bool)
            .compared(),
    ],
    key: KeyDef::Under {
        rel: Rel::AttachedTo,
    },
    relations: &[RelationDef::to(Rel::AttachedTo, &["transit_gateway"])],
    draw: Draw::Hidden,
    counted: None,
};

/// The kind on the demo estate, through the generic layers only.
#[cfg(test)]
mod tests {
    use crate::demo::{MIN_ACCOUNTS, demo_estate};
    use crate::model::kinds;
    use crate::query::{self, Context};

    fn rows(ctx: &Context, q: &str) -> Vec<usize> {
        query::filter(ctx, &query::parse(q).expect("query parses"), None)
    }

    #[test]
    fn three_routing_domains_per_hub_one_the_default() {
        let e = demo_estate(MIN_ACCOUNTS);
        let ctx = Context::new(&e);
        let all = rows(&ctx, "type:transit_gateway_route_table");
        assert_eq!(rows(&ctx, "type:tgw_rtb state:available"), all);
        assert_eq!(all.len(), 6);
        let defaults = rows(&ctx, "type:tgw_rtb default_association:true");
        assert_eq!(
            defaults,
            rows(&ctx, "type:tgw_rtb default_propagation:true")
        );
        assert_eq!(defaults, rows(&ctx, "type:tgw_rtb name:*-shared"));
        assert_eq!(defaults.len(), 2);
        for &i in &all {
            let far: Vec<_> = ctx.edges_of(i).filter_map(|l| l.far).collect();
            assert_eq!(far.len(), 1);
            let (t, tgw) = (&e.resources[i], &e.resources[far[0]]);
            assert_eq!(tgw.kind, kinds::TRANSIT_GATEWAY);
            assert_eq!((&t.account_id, &t.region), (&tgw.account_id, &tgw.region));
        }
        let t = &e.resources[all[0]];
        assert!(
            t.arn()
                .ends_with(&format!(":transit-gateway-route-table/{}", t.id))
        );
    }
}
