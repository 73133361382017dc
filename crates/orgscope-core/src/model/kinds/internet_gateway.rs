//! Internet gateways: a VPC's door to the internet. A subnet whose route
//! table sends the default route to one is public.

use crate::model::kind::{Draw, FieldDef, KeyDef, KindDef, RelationDef, Scope};
use crate::model::relation::Rel;

pub(super) static DEF: KindDef = KindDef {
    name: "internet_gateway",
    aliases: &["igw", "internet_gateways"],
    label: "Internet gateways",
    service: "ec2",
    api: "ec2:DescribeInternetGateways",
    scope: Scope::Regional,
    arn: "arn:{partition}:ec2:{region}:{account}:internet-gateway/{id}",
    fields: &[
        // The attachment's state (`attached`, `detaching`...), or
        // `detached` for a gateway attached to no VPC.
        FieldDef::text("state", "State").column().compared().facet(),
    ],
    key: KeyDef::Under { rel: Rel::InVpc },
    relations: &[RelationDef::to(Rel::InVpc, &["vpc"])],
    draw: Draw::Gateway {
        glyph: "IGW",
        label: "state",
    },
    counted: None,
};

/// The kind on the demo estate, through the generic layers only.
#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use crate::demo::{DEFAULT_ACCOUNTS, demo_estate};
    use crate::model::{Rel, kinds};
    use crate::query::{self, Context};

    fn rows(ctx: &Context, q: &str) -> Vec<usize> {
        query::filter(ctx, &query::parse(q).expect("query parses"), None)
    }

    #[test]
    fn one_per_vpc_but_the_lab_and_where_default_routes_go() {
        let e = demo_estate(DEFAULT_ACCOUNTS);
        let ctx = Context::new(&e);
        let all = rows(&ctx, "type:internet_gateway");
        assert_eq!(rows(&ctx, "type:igw"), all, "alias");
        assert_eq!(rows(&ctx, "type:igw state:available"), all, "facet field");
        // Every VPC has one, in it, but the sandbox lab (its SCP denies
        // internet gateways).
        let mut vpcs = HashSet::new();
        for &i in &all {
            let r = &e.resources[i];
            assert!(vpcs.insert((&r.account_id, r.vpc_id().expect("in a vpc"))));
        }
        assert_eq!(all.len(), rows(&ctx, "type:vpc").len() - 1);
        assert!(rows(&ctx, "type:igw vpc:alice-lab-vpc").is_empty());
        // Who sends the default route to one: public tables, default VPCs'
        // main tables, and the drifted test twin's private table.
        let to_igw = rows(&ctx, "type:rtb routes-to:igw");
        let public = rows(&ctx, "type:rtb name:*-public-rtb");
        let default_vpcs = rows(&ctx, "type:vpc is_default:true");
        let drifted = rows(&ctx, "type:rtb routes-to:igw name:*-private-rtb");
        assert_eq!(drifted.len(), 1);
        assert_eq!(
            e.resources[drifted[0]].name.as_deref(),
            Some("payments-test-private-rtb")
        );
        assert_eq!(to_igw.len(), public.len() + default_vpcs.len() + 1);
        for &t in &to_igw {
            let table = &e.resources[t];
            let igw = table
                .edges(Rel::RoutesTo)
                .find(|x| x.kind == Some(kinds::INTERNET_GATEWAY))
                .and_then(|x| ctx.resolve(table, x))
                .map(|i| &e.resources[i])
                .expect("resolves");
            // To its own VPC's gateway.
            assert_eq!(igw.vpc_id(), table.vpc_id());
            assert_eq!(igw.account_id, table.account_id);
        }
        let igw = &e.resources[all[0]];
        assert_eq!(
            igw.arn(),
            format!(
                "arn:aws:ec2:{}:{}:internet-gateway/{}",
                igw.region, igw.account_id, igw.id
            )
        );
    }
}
