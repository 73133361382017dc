//! VPC endpoints: private paths from a VPC to an AWS service (gateway
//! endpoints for S3 and DynamoDB, reached through route tables; interface
//! endpoints, network interfaces in subnets).

use crate::model::kind::{Draw, FieldDef, KeyDef, KindDef, RelationDef, Scope, ValueType};
use crate::model::relation::Rel;

pub(super) static DEF: KindDef = KindDef {
    name: "vpc_endpoint",
    aliases: &["vpce", "endpoint", "endpoints"],
    label: "VPC endpoints",
    service: "ec2",
    api: "ec2:DescribeVpcEndpoints",
    scope: Scope::Regional,
    arn: "arn:{partition}:ec2:{region}:{account}:vpc-endpoint/{id}",
    fields: &[
        FieldDef::text("service_name", "Service")
            .aliases(&["service"])
            .column()
            .compared(),
        // `Gateway`, `Interface`, `GatewayLoadBalancer`.
        FieldDef::text("endpoint_type", "Endpoint type")
            .aliases(&["vpce-type"])
            .column()
            .compared()
            .facet(),
        FieldDef::text("state", "State").column().facet(),
        FieldDef::text("private_dns", "Private DNS")
            .typed(ValueType::Bool)
            .compared(),
    ],
    key: KeyDef::Within {
        rel: Rel::InVpc,
        field: "service_name",
    },
    relations: &[
        RelationDef::to(Rel::InVpc, &["vpc"]),
        RelationDef::to(Rel::InSubnet, &["subnet"]),
        RelationDef::to(Rel::MemberOf, &["security_group"]).compared("security_groups"),
    ],
    draw: Draw::Node {
        glyph: "VPCE",
        label: "service_name",
    },
    counted: None,
};

/// The kind on the demo estate, through the generic layers only.
#[cfg(test)]
mod tests {
    use crate::demo::{DEFAULT_ACCOUNTS, demo_estate};
    use crate::model::Rel;
    use crate::query::{self, Context};

    fn rows(ctx: &Context, q: &str) -> Vec<usize> {
        query::filter(ctx, &query::parse(q).expect("query parses"), None)
    }

    #[test]
    fn s3_gateways_are_routed_to_and_interfaces_sit_in_subnets() {
        let e = demo_estate(DEFAULT_ACCOUNTS);
        let ctx = Context::new(&e);
        let all = rows(&ctx, "type:vpc_endpoint");
        assert_eq!(rows(&ctx, "type:vpce"), all, "alias");
        let gateways = rows(&ctx, "type:vpce endpoint_type:Gateway");
        let interfaces = rows(&ctx, "type:vpce vpce-type:Interface");
        assert_eq!(gateways.len() + interfaces.len(), all.len());
        // S3 wherever there is a NAT gateway; Secrets Manager in prod and
        // test app VPCs.
        assert_eq!(gateways, rows(&ctx, "type:vpce service:*.s3"));
        assert_eq!(gateways.len(), rows(&ctx, "type:nat").len());
        assert_eq!(
            interfaces,
            rows(&ctx, "type:vpce service:*.secretsmanager private_dns:true")
        );
        assert!(rows(&ctx, "type:vpce endpoint_type:Interface ou:Dev").is_empty());
        assert!(!rows(&ctx, "type:vpce endpoint_type:Interface ou:Prod").is_empty());
        // A gateway endpoint is reached through routes to its prefix list
        // (public and private table); an interface one through subnets.
        for &g in &gateways {
            let routes: Vec<_> = ctx
                .incoming(g)
                .filter(|l| l.edge.rel == Rel::RoutesTo)
                .collect();
            assert_eq!(routes.len(), 2);
            assert!(routes.iter().all(|l| {
                l.edge
                    .attrs
                    .get("destination")
                    .is_some_and(|d| d.starts_with("pl-"))
            }));
        }
        for &i in &interfaces {
            let r = &e.resources[i];
            assert_eq!(r.edges(Rel::InSubnet).count(), 3);
            assert_eq!(r.edges(Rel::MemberOf).count(), 1);
        }
        assert_eq!(
            rows(&ctx, "type:vpce subnet:*-private-*"),
            interfaces,
            "in the private subnets"
        );
        let s3 = &e.resources[gateways[0]];
        assert!(s3.arn().ends_with(&format!(":vpc-endpoint/{}", s3.id)));
    }
}
