//! Transit Gateway attachments: a VPC (or VPN, Direct Connect gateway,
//! peering) attached to a Transit Gateway. The Transit Gateway's owner
//! lists the attachments of every account; the VPC's owner lists its own.
//! The `AttachedTo` edge names the Transit Gateway and, when another
//! account owns it, that account.

use crate::model::kind::{Draw, FieldDef, KeyDef, KindDef, RelationDef, Scope};
use crate::model::relation::Rel;

pub(super) static DEF: KindDef = KindDef {
    name: "transit_gateway_attachment",
    aliases: &["tgw_attachment", "tgwa", "transit_gateway_attachments"],
    label: "Transit Gateway attachments",
    service: "ec2",
    api: "ec2:DescribeTransitGatewayAttachments",
    scope: Scope::Regional,
    arn: "arn:{partition}:ec2:{region}:{account}:transit-gateway-attachment/{id}",
    fields: &[
        // `vpc`, `vpn`, `direct-connect-gateway`, `peering`, `connect`...
        FieldDef::text("resource_type", "Attached")
            .column()
            .compared()
            .facet(),
        FieldDef::text("state", "State").column().compared().facet(),
        FieldDef::text("resource_id", "Resource"),
        FieldDef::text("resource_owner", "Resource owner"),
        FieldDef::text("tgw_owner", "TGW owner").key("transit_gateway_owner"),
        FieldDef::text("association_state", "Association").facet(),
    ],
    key: KeyDef::Under { rel: Rel::InVpc },
    relations: &[
        RelationDef::to(Rel::AttachedTo, &["transit_gateway"]).compared("transit_gateway"),
        RelationDef::to(Rel::InVpc, &["vpc"]),
    ],
    draw: Draw::Link,
    counted: None,
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
    fn the_vpc_owner_and_the_hub_owner_list_the_same_attachment() {
        let e = demo_estate(DEFAULT_ACCOUNTS);
        let ctx = Context::new(&e);
        let all = rows(&ctx, "type:transit_gateway_attachment");
        assert_eq!(
            rows(&ctx, "type:tgwa resource_type:vpc state:available"),
            all
        );
        let hub = rows(&ctx, "type:tgwa account:network");
        let owners = rows(&ctx, "type:tgwa -account:network");
        assert_eq!(hub.len(), owners.len() + 2, "catalog-test's two VPCs");
        // The owner's listing names the hub's account on its edge, and the
        // hub's listing the VPC's: both resolve across accounts.
        for &i in &all {
            let a = &e.resources[i];
            let holder_is_hub = hub.contains(&i);
            for l in ctx.edges_of(i) {
                let crosses = l.edge.account_id.is_some();
                match l.edge.rel {
                    Rel::AttachedTo => {
                        assert_eq!(crosses, !holder_is_hub);
                        assert!(l.far.is_some());
                    }
                    Rel::InVpc => {
                        assert_eq!(crosses, holder_is_hub);
                        let owner = a.text("resource_owner");
                        let far_owner = l.far.map(|f| e.resources[f].account_id.as_str());
                        // Resolved, unless its owner could not be read.
                        assert!(far_owner.is_none() || far_owner == owner);
                    }
                    other => panic!("unexpected {other}"),
                }
            }
        }
        // `vpc:` follows the owner's VPC from either listing.
        assert_eq!(rows(&ctx, "type:tgwa vpc:payments-prod-vpc").len(), 2);
        assert_eq!(
            rows(
                &ctx,
                "type:tgwa attached-to:network-tgw-us-east-1 account:payments-prod"
            )
            .len(),
            1,
            "the DR VPC's"
        );
    }

    #[test]
    fn twins_attachments_pair_under_their_vpc() {
        let e = demo_estate(DEFAULT_ACCOUNTS);
        let ctx = Context::new(&e);
        let rep = diff(
            &e,
            &rows(&ctx, "ou:Prod type:tgwa"),
            &e,
            &rows(&ctx, "ou:Test type:tgwa"),
            &DiffOptions {
                include_same: true,
                ..DiffOptions::default()
            },
        );
        let entry = rep
            .entries
            .iter()
            .find(|x| x.key == "payments/eu-west-1/payments-vpc/payments-tgw-attach")
            .expect("paired by VPC and name");
        assert_eq!(entry.status, EntryStatus::Same);
        assert!(
            rep.entries
                .iter()
                .all(|x| matches!(x.status, EntryStatus::Same | EntryStatus::NotCollected))
        );
    }
}
