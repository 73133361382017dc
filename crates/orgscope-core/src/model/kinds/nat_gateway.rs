//! NAT gateways: how a private subnet reaches the internet without being
//! reachable from it. A public NAT sits in a public subnet with an Elastic
//! IP; a private one translates into another network.

use crate::model::kind::{Draw, FieldDef, KeyDef, KindDef, RelationDef, Scope, ValueType};
use crate::model::relation::Rel;

pub(super) static DEF: KindDef = KindDef {
    name: "nat_gateway",
    aliases: &["nat", "natgw", "nat_gateways"],
    label: "NAT gateways",
    service: "ec2",
    api: "ec2:DescribeNatGateways",
    scope: Scope::Regional,
    arn: "arn:{partition}:ec2:{region}:{account}:natgateway/{id}",
    fields: &[
        // `public` or `private`.
        FieldDef::text("connectivity", "Connectivity")
            .key("connectivity_type")
            .column()
            .compared()
            .facet(),
        // `pending`, `available`, `deleting`, `deleted`, `failed`.
        FieldDef::text("state", "State").column().compared().facet(),
        // The primary address's public and private IPs.
        FieldDef::text("public_ip", "Public IP")
            .typed(ValueType::Ip)
            .column(),
        FieldDef::text("private_ip", "Private IP").typed(ValueType::Ip),
    ],
    key: KeyDef::Under { rel: Rel::InSubnet },
    relations: &[
        RelationDef::to(Rel::InVpc, &["vpc"]),
        RelationDef::to(Rel::InSubnet, &["subnet"]),
        // Its Elastic IPs, by allocation id.
        RelationDef::to(Rel::AttachedTo, &["elastic_ip"]),
    ],
    draw: Draw::Node {
        glyph: "NAT",
        label: "connectivity",
    },
    counted: None,
};

/// The kind on the demo estate, through the generic layers only.
#[cfg(test)]
mod tests {
    use crate::demo::{DEFAULT_ACCOUNTS, demo_estate};
    use crate::diff::{DiffOptions, EntryStatus, diff};
    use crate::model::{Rel, kinds};
    use crate::query::{self, Context};

    fn rows(ctx: &Context, q: &str) -> Vec<usize> {
        query::filter(ctx, &query::parse(q).expect("query parses"), None)
    }

    #[test]
    fn in_a_public_subnet_with_its_address_and_routed_to() {
        let e = demo_estate(DEFAULT_ACCOUNTS);
        let ctx = Context::new(&e);
        let all = rows(&ctx, "type:nat_gateway");
        assert!(!all.is_empty());
        assert_eq!(
            rows(&ctx, "type:nat connectivity:public state:available"),
            all
        );
        assert_eq!(rows(&ctx, "type:natgw subnet:*-public-a"), all);
        assert_eq!(rows(&ctx, "type:nat attached-to:*-nat-a-eip"), all);
        for &i in &all {
            let nat = &e.resources[i];
            let eip = nat
                .edges(Rel::AttachedTo)
                .next()
                .and_then(|x| ctx.resolve(nat, x))
                .map(|f| &e.resources[f])
                .expect("its Elastic IP is in the estate");
            assert_eq!(eip.kind, kinds::ELASTIC_IP);
            assert_eq!(eip.get("public_ip"), nat.get("public_ip"));
        }
        // `cidr:` reads the kind's first address, the public IP.
        assert_eq!(rows(&ctx, "type:nat cidr:52.0.0.0/8"), all);
        // Every private table but the drifted twin's goes out through one.
        let private = rows(&ctx, "type:rtb name:*-private-rtb -name:*-dr-*");
        let via_nat = rows(&ctx, "type:rtb routes-to:nat");
        assert_eq!(via_nat.len(), private.len() - 1);
        assert_eq!(all.len(), private.len());
    }

    #[test]
    fn twins_nat_gateways_pair_by_subnet_and_match() {
        let e = demo_estate(DEFAULT_ACCOUNTS);
        let ctx = Context::new(&e);
        let rep = diff(
            &e,
            &rows(&ctx, "ou:Prod type:nat"),
            &e,
            &rows(&ctx, "ou:Test type:nat"),
            &DiffOptions {
                include_same: true,
                ..DiffOptions::default()
            },
        );
        let same: Vec<_> = rep
            .entries
            .iter()
            .filter(|x| x.status == EntryStatus::Same)
            .map(|x| x.key.as_str())
            .collect();
        assert!(
            same.contains(&"payments/eu-west-1/payments-public-a/payments-nat-a"),
            "{same:?}"
        );
        assert!(
            rep.entries
                .iter()
                .all(|x| matches!(x.status, EntryStatus::Same | EntryStatus::NotCollected)),
            "{:?}",
            rep.entries
        );
    }
}
