//! Egress-only internet gateways: IPv6 traffic out of a VPC, none in.

use crate::model::kind::{Draw, FieldDef, KeyDef, KindDef, RelationDef, Scope};
use crate::model::relation::Rel;

pub(super) static DEF: KindDef = KindDef {
    name: "egress_only_internet_gateway",
    aliases: &["eigw", "egress_only_igw"],
    label: "Egress-only internet gateways",
    service: "ec2",
    api: "ec2:DescribeEgressOnlyInternetGateways",
    scope: Scope::Regional,
    arn: "arn:{partition}:ec2:{region}:{account}:egress-only-internet-gateway/{id}",
    fields: &[FieldDef::text("state", "State").column().compared().facet()],
    key: KeyDef::Under { rel: Rel::InVpc },
    relations: &[RelationDef::to(Rel::InVpc, &["vpc"])],
    draw: Draw::Gateway {
        glyph: "EIGW",
        label: "state",
    },
    counted: None,
};

/// The kind on the demo estate, through the generic layers only.
#[cfg(test)]
mod tests {
    use crate::demo::{MIN_ACCOUNTS, demo_estate};
    use crate::query::{self, Context};

    fn rows(ctx: &Context, q: &str) -> Vec<usize> {
        query::filter(ctx, &query::parse(q).expect("query parses"), None)
    }

    #[test]
    fn log_archive_sends_ipv6_out_through_its_one() {
        let e = demo_estate(MIN_ACCOUNTS);
        let ctx = Context::new(&e);
        let all = rows(&ctx, "type:egress_only_internet_gateway");
        assert_eq!(rows(&ctx, "type:eigw state:attached"), all);
        assert_eq!(all.len(), 1);
        let eigw = &e.resources[all[0]];
        assert_eq!(rows(&ctx, "type:eigw vpc:log-archive-vpc"), all);
        // Routed to from the private table, for IPv6's default route only.
        let tables = rows(&ctx, "type:rtb routes-to:eigw");
        assert_eq!(tables.len(), 1);
        let table = &e.resources[tables[0]];
        assert_eq!(table.name.as_deref(), Some("log-archive-private-rtb"));
        let dests: Vec<_> = ctx
            .edges_of(tables[0])
            .filter(|l| l.far == Some(all[0]))
            .filter_map(|l| l.edge.attrs.get("destination").cloned())
            .collect();
        assert_eq!(dests, ["::/0"]);
        assert!(eigw.arn().ends_with(&format!(
            ":{}:egress-only-internet-gateway/{}",
            eigw.account_id, eigw.id
        )));
    }
}
