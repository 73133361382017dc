//! Transit Gateways: a region's hub between VPCs, VPNs and other Transit
//! Gateways, often owned by a network account and shared (RAM) with the
//! workload accounts that attach to it.

use crate::model::kind::{Counted, Draw, FieldDef, KeyDef, KindDef, Scope, ValueType};

pub(super) static DEF: KindDef = KindDef {
    name: "transit_gateway",
    aliases: &["tgw", "transit_gateways"],
    label: "Transit Gateways",
    service: "ec2",
    api: "ec2:DescribeTransitGateways",
    scope: Scope::Regional,
    arn: "arn:{partition}:ec2:{region}:{account}:transit-gateway/{id}",
    fields: &[
        FieldDef::text("state", "State").column().facet(),
        FieldDef::text("asn", "ASN")
            .key("amazon_side_asn")
            .typed(ValueType::Number)
            .column()
            .compared(),
        // The owner: a shared Transit Gateway is listed by the accounts it
        // is shared with, too.
        FieldDef::text("owner", "Owner account").key("owner_id"),
        FieldDef::text("default_association", "Default association")
            .key("default_route_table_association")
            .compared(),
        FieldDef::text("default_propagation", "Default propagation")
            .key("default_route_table_propagation")
            .compared(),
        FieldDef::text("auto_accept", "Auto-accept shared")
            .key("auto_accept_shared_attachments")
            .compared(),
    ],
    key: KeyDef::Name,
    relations: &[],
    draw: Draw::Hub {
        glyph: "TGW",
        label: "asn",
    },
    counted: Some(Counted {
        short: "TGW",
        plural: "",
    }),
};

/// The kind on the demo estate, through the generic layers only.
#[cfg(test)]
mod tests {
    use crate::demo::{DEFAULT_ACCOUNTS, demo_estate};
    use crate::model::{Rel, Resource, Value, kinds};
    use crate::query::{self, Context};

    fn rows(ctx: &Context, q: &str) -> Vec<usize> {
        query::filter(ctx, &query::parse(q).expect("query parses"), None)
    }

    #[test]
    fn the_network_account_owns_one_hub_per_app_region() {
        let e = demo_estate(DEFAULT_ACCOUNTS);
        let ctx = Context::new(&e);
        let all = rows(&ctx, "type:transit_gateway");
        assert_eq!(rows(&ctx, "type:tgw account:network"), all);
        assert_eq!(
            rows(&ctx, "type:tgw ou:Infrastructure state:available"),
            all
        );
        let regions: Vec<&str> = all
            .iter()
            .map(|&i| e.resources[i].region.as_str())
            .collect();
        assert_eq!(regions, ["eu-west-1", "us-east-1"]);
        let network = &e.resources[all[0]].account_id;
        let asns: Vec<_> = all.iter().map(|&i| e.resources[i].get("asn")).collect();
        assert_eq!(
            asns,
            [Some(&Value::Number(64512)), Some(&Value::Number(64513))]
        );
        // The hub of each region: every attachment there points at it,
        // from the VPC owner's listing and from the network account's.
        for &t in &all {
            let tgw = &e.resources[t];
            assert_eq!(tgw.text("owner"), Some(network.as_str()));
            let attached: Vec<_> = ctx
                .incoming(t)
                .filter(|l| l.edge.rel == Rel::AttachedTo)
                .map(|l| &e.resources[l.near])
                .collect();
            let (tables, attachments): (Vec<&Resource>, Vec<&Resource>) = attached
                .into_iter()
                .partition(|r| r.kind == kinds::TRANSIT_GATEWAY_ROUTE_TABLE);
            assert_eq!(tables.len(), 3);
            let from_owners = attachments
                .iter()
                .filter(|a| &a.account_id != network)
                .count();
            let listed_by_hub = attachments.len() - from_owners;
            // The denied account's VPC: listed by the hub alone.
            assert_eq!(listed_by_hub, from_owners + 1, "{}", tgw.region);
            assert!(attachments.iter().all(|a| a.region == tgw.region));
        }
        // Routes reach the hub from the workload accounts.
        assert!(!rows(&ctx, "type:rtb routes-to:network-tgw-eu-west-1 ou:Prod").is_empty());
        let tgw = &e.resources[all[0]];
        assert_eq!(
            tgw.arn(),
            format!(
                "arn:aws:ec2:eu-west-1:{}:transit-gateway/{}",
                tgw.account_id, tgw.id
            )
        );
    }
}
