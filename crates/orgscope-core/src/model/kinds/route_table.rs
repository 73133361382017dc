//! Route tables: which subnets they serve and where each destination goes.
//! Each route is an edge to its target (gateway, NAT, peering, Transit
//! Gateway, endpoint, instance or network interface) with its destination
//! as the edge's `destination` attribute; a route to a target orgscope
//! does not collect is kept as an edge with no known kind, and a
//! blackholed one says so in its `state` attribute. The VPC's own `local`
//! route is an edge to the VPC.

use crate::model::kind::{Draw, FieldDef, KeyDef, KindDef, RelationDef, Scope, ValueType};
use crate::model::relation::Rel;

pub(super) static DEF: KindDef = KindDef {
    name: "route_table",
    aliases: &["rtb", "route_tables", "routes"],
    label: "Route tables",
    service: "ec2",
    api: "ec2:DescribeRouteTables",
    scope: Scope::Regional,
    arn: "arn:{partition}:ec2:{region}:{account}:route-table/{id}",
    fields: &[
        // The VPC's main table: it serves every subnet with no explicit
        // association.
        FieldDef::text("main", "Main")
            .typed(ValueType::Bool)
            .column()
            .compared(),
        FieldDef::text("route_count", "Routes")
            .typed(ValueType::Number)
            .column(),
    ],
    key: KeyDef::Under { rel: Rel::InVpc },
    relations: &[
        RelationDef::to(Rel::InVpc, &["vpc"]),
        RelationDef::to(Rel::Serves, &["subnet"]),
        RelationDef::to(
            Rel::RoutesTo,
            &[
                "internet_gateway",
                "egress_only_internet_gateway",
                "nat_gateway",
                "vpc_peering_connection",
                "transit_gateway",
                "vpc_endpoint",
                "instance",
                "vpc",
            ],
        )
        .compared("routes")
        .keyed_by("destination"),
    ],
    draw: Draw::Hidden,
    counted: None,
};

/// The kind on the demo estate, through the generic layers only.
#[cfg(test)]
mod tests {
    use crate::demo::{DEFAULT_ACCOUNTS, MIN_ACCOUNTS, demo_estate};
    use crate::model::{Rel, Resource, Value, kinds};
    use crate::query::{self, Context};

    fn rows(ctx: &Context, q: &str) -> Vec<usize> {
        query::filter(ctx, &query::parse(q).expect("query parses"), None)
    }

    #[test]
    fn one_main_table_per_vpc_and_every_subnet_served_once_at_most() {
        let e = demo_estate(DEFAULT_ACCOUNTS);
        let ctx = Context::new(&e);
        let all = rows(&ctx, "type:route_table");
        assert_eq!(rows(&ctx, "type:rtb"), all, "alias");
        let mains = rows(&ctx, "type:rtb main:true");
        assert_eq!(mains.len(), rows(&ctx, "type:vpc").len());
        // Explicit associations: app subnets (public and private); default
        // VPC and lab subnets are the main table's, implicitly.
        let serving = rows(&ctx, "type:rtb serves:*");
        assert!(serving.iter().all(|i| !mains.contains(i)));
        let served: Vec<usize> = serving
            .iter()
            .flat_map(|&i| ctx.edges_of(i).filter(|l| l.edge.rel == Rel::Serves))
            .map(|l| l.far.expect("a served subnet is in the estate"))
            .collect();
        let mut unique = served.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), served.len(), "a subnet served twice");
        let named_subnets = rows(&ctx, "type:subnet name:* -vpc:alice-lab-vpc");
        assert_eq!(served.len(), named_subnets.len());
        // A filter along the routes: by target kind, by target name.
        let via_tgw = rows(&ctx, "type:rtb routes-to:tgw");
        assert_eq!(
            via_tgw,
            rows(&ctx, "type:rtb routes-to:network-tgw-*"),
            "kind alias and far name agree"
        );
        assert_eq!(via_tgw, rows(&ctx, "type:rtb name:*-private-rtb"));
        // `route_count` counts the routes.
        for &i in &all {
            let r = &e.resources[i];
            let n = r.edges(Rel::RoutesTo).count() as i64;
            assert_eq!(r.get("route_count"), Some(&Value::Number(n)));
        }
        assert_eq!(
            rows(&ctx, "type:rtb route_count:1").len(),
            mains.len() - rows(&ctx, "type:vpc is_default:true").len()
        );
    }

    #[test]
    fn every_kind_of_route_round_trips_and_keeps_what_it_cannot_follow() {
        let e = demo_estate(MIN_ACCOUNTS);
        let ctx = Context::new(&e);
        let hit = rows(&ctx, "type:rtb name:security-audit-private-rtb");
        assert_eq!(hit.len(), 1);
        let table: &Resource = &e.resources[hit[0]];
        // Destination → target kind (None: not a kind orgscope collects),
        // where the far end is (resolved, or outside the estate) and the
        // account the edge names.
        let mut seen: Vec<(String, Option<&str>, bool, bool)> = ctx
            .edges_of(hit[0])
            .filter(|l| l.edge.rel == Rel::RoutesTo)
            .map(|l| {
                (
                    l.edge.attrs.get("destination").cloned().unwrap_or_default(),
                    l.edge.kind.map(|k| k.as_str()),
                    l.far.is_some(),
                    l.edge.account_id.is_some(),
                )
            })
            .collect();
        seen.sort();
        let s3 = seen
            .iter()
            .find(|r| r.0.starts_with("pl-"))
            .map(|r| r.0.clone())
            .expect("the S3 route");
        let want: Vec<(String, Option<&str>, bool, bool)> = vec![
            ("0.0.0.0/0".into(), Some("nat_gateway"), true, false),
            ("10.0.0.0/8".into(), Some("transit_gateway"), true, true),
            (
                "10.10.0.0/17".into(),
                Some("vpc_peering_connection"),
                true,
                false,
            ),
            // The VPC's own `local` route.
            ("10.250.0.0/17".into(), Some("vpc"), true, false),
            // Blackholed: the peering is long gone.
            (
                "10.99.0.0/16".into(),
                Some("vpc_peering_connection"),
                false,
                false,
            ),
            // The office's virtual private gateway, not collected.
            ("192.168.0.0/16".into(), None, false, false),
            (s3, Some("vpc_endpoint"), true, false),
        ];
        let mut want = want;
        want.sort();
        assert_eq!(seen, want);
        let blackholed: Vec<_> = table
            .edges(Rel::RoutesTo)
            .filter(|x| x.attrs.get("state").map(String::as_str) == Some("blackhole"))
            .map(|x| x.attrs.get("destination").cloned())
            .collect();
        assert_eq!(blackholed, [Some("10.99.0.0/16".to_string())]);
        // The snapshot keeps every edge as it was, the unknown kind absent.
        let json = serde_json::to_value(table).expect("serialize");
        assert_eq!(json["type"], "route_table");
        let back: Resource = serde_json::from_value(json).expect("read back");
        assert_eq!(&back, table);
        assert!(table.arn().ends_with(&format!(":route-table/{}", table.id)));
        assert_eq!(table.kind, kinds::ROUTE_TABLE);
    }
}
