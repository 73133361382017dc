//! VPC peering connections. Both accounts of a cross-account peering list
//! it (same id), each from its own side; its two `PeersWith` edges name
//! the requester and accepter VPCs with their owner account and region, so
//! an end outside the collected estate is still named by its account.

use crate::model::kind::{Draw, FieldDef, KeyDef, KindDef, RelationDef, Scope, ValueType};
use crate::model::relation::Rel;

pub(super) static DEF: KindDef = KindDef {
    name: "vpc_peering_connection",
    aliases: &["pcx", "peering", "peerings", "vpc_peering"],
    label: "VPC peering connections",
    service: "ec2",
    api: "ec2:DescribeVpcPeeringConnections",
    scope: Scope::Regional,
    arn: "arn:{partition}:ec2:{region}:{account}:vpc-peering-connection/{id}",
    fields: &[
        // `active`, `pending-acceptance`, `rejected`, `deleted`...
        FieldDef::text("status", "Status")
            .aliases(&["state"])
            .column()
            .compared()
            .facet(),
        // Which end this account holds: `requester`, `accepter` or `both`.
        FieldDef::text("side", "Side").column().facet(),
        FieldDef::text("requester_vpc", "Requester VPC"),
        FieldDef::text("requester_account", "Requester account"),
        FieldDef::text("requester_region", "Requester region").facet(),
        FieldDef::text("requester_cidr", "Requester CIDR").typed(ValueType::Cidr),
        FieldDef::text("accepter_vpc", "Accepter VPC"),
        FieldDef::text("accepter_account", "Accepter account"),
        FieldDef::text("accepter_region", "Accepter region").facet(),
        FieldDef::text("accepter_cidr", "Accepter CIDR").typed(ValueType::Cidr),
    ],
    key: KeyDef::Name,
    relations: &[RelationDef::to(Rel::PeersWith, &["vpc"]).compared("peers")],
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
    fn listed_from_each_side_and_followed_across_accounts() {
        let e = demo_estate(DEFAULT_ACCOUNTS);
        let ctx = Context::new(&e);
        let all = rows(&ctx, "type:vpc_peering_connection");
        assert_eq!(rows(&ctx, "type:pcx"), all, "alias");
        assert_eq!(rows(&ctx, "type:peering status:active"), all);
        assert_eq!(all.len(), 3);
        assert_eq!(rows(&ctx, "type:pcx side:requester").len(), 2);
        assert_eq!(rows(&ctx, "type:pcx side:accepter").len(), 1);
        // `peers-with:` follows either end, into another account too: both
        // listings of the audit peering reach payments-prod's VPC.
        let to_prod = rows(&ctx, "type:pcx peers-with:payments-prod-vpc");
        assert_eq!(to_prod.len(), 2);
        assert_ne!(
            e.resources[to_prod[0]].account_id,
            e.resources[to_prod[1]].account_id
        );
        assert_eq!(e.resources[to_prod[0]].id, e.resources[to_prod[1]].id);
        // The vendor's end is outside the estate, still named by its id.
        let vendor = rows(&ctx, "type:pcx account:log-archive");
        assert_eq!(vendor.len(), 1);
        let outside: Vec<_> = ctx
            .edges_of(vendor[0])
            .filter(|l| l.edge.rel == Rel::PeersWith && l.far.is_none())
            .collect();
        assert_eq!(outside.len(), 1);
        let accepter = e.resources[vendor[0]].text("accepter_vpc");
        assert_eq!(Some(outside[0].edge.to.as_str()), accepter);
        assert_eq!(
            rows(&ctx, &format!("type:pcx peers-with:{}", outside[0].edge.to)),
            vendor
        );
        // `cidr:` reads the requester's CIDR.
        assert_eq!(rows(&ctx, "type:pcx cidr:10.250.0.0/16").len(), 2);
    }

    #[test]
    fn prod_alone_has_the_peering() {
        let e = demo_estate(DEFAULT_ACCOUNTS);
        let ctx = Context::new(&e);
        let rep = diff(
            &e,
            &rows(&ctx, "ou:Prod type:pcx"),
            &e,
            &rows(&ctx, "ou:Test type:pcx"),
            &DiffOptions::default(),
        );
        let keys: Vec<_> = rep
            .entries
            .iter()
            .map(|x| (x.key.as_str(), x.status))
            .collect();
        assert_eq!(
            keys,
            [(
                "payments/eu-west-1/security-audit-payments-peering",
                EntryStatus::OnlyLeft
            )]
        );
    }
}
