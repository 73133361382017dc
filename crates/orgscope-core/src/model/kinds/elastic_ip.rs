//! Elastic IP addresses: public IPv4 addresses an account holds, attached to
//! an instance (or a network interface) or idle — an idle one still costs
//! money, and a test twin whose address is idle where prod's is attached is
//! drift worth seeing.

use crate::model::kind::{Draw, FieldDef, KeyDef, KindDef, RelationDef, Scope, ValueType};
use crate::model::relation::Rel;

pub(super) static DEF: KindDef = KindDef {
    name: "elastic_ip",
    aliases: &["eip", "address", "addresses"],
    label: "Elastic IPs",
    service: "ec2",
    api: "ec2:DescribeAddresses",
    scope: Scope::Regional,
    arn: "arn:{partition}:ec2:{region}:{account}:elastic-ip/{id}",
    fields: &[
        FieldDef::text("public_ip", "Public IP")
            .typed(ValueType::Ip)
            .column(),
        // `vpc` (or `standard` for EC2-Classic leftovers).
        FieldDef::text("domain", "Domain")
            .column()
            .compared()
            .facet(),
        FieldDef::text("association_id", "Association"),
        FieldDef::text("private_ip", "Private IP").typed(ValueType::Ip),
        FieldDef::text("network_interface_id", "Network interface"),
        FieldDef::text("network_border_group", "Border group").facet(),
        FieldDef::text("public_ipv4_pool", "IPv4 pool"),
    ],
    key: KeyDef::Name,
    relations: &[RelationDef::to(Rel::AttachedTo, &["instance"]).compared("instance")],
    draw: Draw::Node {
        glyph: "EIP",
        label: "public_ip",
    },
    counted: None,
};

/// The kind end to end on the demo estate, through the generic layers
/// only: nothing in query, diff, export, snapshot or diagram names it.
#[cfg(test)]
mod tests {
    use crate::demo::{DEFAULT_ACCOUNTS, demo_estate};
    use crate::diff::{DiffOptions, EntryStatus, diff};
    use crate::model::{Estate, Rel, Value, kinds};
    use crate::query::{self, Column, Context, GroupKey};

    fn rows(ctx: &Context, q: &str) -> Vec<usize> {
        query::filter(ctx, &query::parse(q).expect("query parses"), None)
    }

    fn demo() -> Estate {
        demo_estate(DEFAULT_ACCOUNTS)
    }

    #[test]
    fn filtered_by_type_alias_field_relation_and_address() {
        let e = demo();
        let ctx = Context::new(&e);
        let all = rows(&ctx, "type:elastic_ip");
        // One per bastion (each workload account's primary region) and
        // one per NAT gateway.
        let bastions = rows(&ctx, "type:instance name:*-bastion-1");
        let nats = rows(&ctx, "type:nat");
        assert!(!all.is_empty() && !nats.is_empty());
        assert_eq!(all.len(), bastions.len() + nats.len());
        assert_eq!(rows(&ctx, "type:eip"), all, "alias");
        assert_eq!(rows(&ctx, "type:eip domain:vpc"), all, "facet field");
        // Attached ones follow their edge to the bastion; a NAT's address
        // is named by the NAT's edge, not its own, but is associated; the
        // drifted test twin's idle address is neither.
        let attached = rows(&ctx, "type:eip attached-to:*-bastion-1");
        let for_nat = rows(&ctx, "type:eip -attached-to:* association_id:*");
        let idle = rows(&ctx, "type:eip -association_id:*");
        assert_eq!(for_nat.len(), nats.len());
        assert_eq!(attached.len() + for_nat.len() + idle.len(), all.len());
        assert_eq!(idle.len(), 1);
        assert_eq!(
            e.resources[idle[0]].name.as_deref(),
            Some("payments-test-bastion-1-eip")
        );
        // `cidr:` reads the kind's first address field, the public IP.
        assert_eq!(rows(&ctx, "type:eip cidr:52.0.0.0/8"), all);
        assert!(rows(&ctx, "type:eip cidr:10.0.0.0/8").is_empty());
    }

    #[test]
    fn grouped_sorted_listed_and_exported() {
        let e = demo();
        let ctx = Context::new(&e);
        let all = rows(&ctx, "type:eip");
        let groups = query::group_by(&ctx, &all, &GroupKey::Field(Column::Field("domain")));
        assert_eq!(groups.len(), 1);
        assert_eq!(
            (groups[0].key.as_str(), groups[0].count),
            ("vpc", all.len())
        );
        let by_type = query::group_by(&ctx, &rows(&ctx, ""), &GroupKey::Field(Column::Type));
        let eips = by_type
            .iter()
            .find(|g| g.key == "elastic_ip")
            .expect("group");
        assert_eq!(eips.count, all.len());

        let mut sorted = all.clone();
        query::sort(&ctx, &mut sorted, &Column::Field("public_ip"), false);
        let ips: Vec<&str> = sorted
            .iter()
            .filter_map(|&i| e.resources[i].text("public_ip"))
            .collect();
        assert_eq!(ips.len(), all.len());
        assert!(
            ips.windows(2)
                .all(|w| query::natural_cmp(w[0], w[1]).is_le())
        );

        // The kind's default columns come from its descriptor.
        let cols = Column::defaults(Some(kinds::ELASTIC_IP));
        let headers: Vec<String> = cols.iter().map(|c| c.header().into_owned()).collect();
        assert_eq!(
            headers,
            ["name", "id", "account", "region", "public_ip", "domain"]
        );
        let csv = crate::export::resources_csv(&ctx, &sorted, &cols);
        let mut lines = csv.lines();
        assert_eq!(
            lines.next(),
            Some("name,id,account,region,public_ip,domain")
        );
        let first = &e.resources[sorted[0]];
        let line = lines.next().expect("a row");
        assert!(line.starts_with(&format!("{},{},", first.display_name(), first.id)));
        assert!(line.ends_with(&format!(",{},vpc", ips[0])), "{line}");
        assert_eq!(lines.count(), all.len() - 1);
        let json: serde_json::Value =
            serde_json::from_str(&crate::export::resources_json(&ctx, &sorted, &cols))
                .expect("json");
        assert_eq!(json[0]["public_ip"], ips[0]);
    }

    #[test]
    fn prod_vs_test_reports_the_idle_address() {
        let e = demo();
        let ctx = Context::new(&e);
        let rep = diff(
            &e,
            &rows(&ctx, "ou:Prod type:eip"),
            &e,
            &rows(&ctx, "ou:Test type:eip"),
            &DiffOptions::default(),
        );
        let changed: Vec<_> = rep
            .entries
            .iter()
            .filter(|x| x.status == EntryStatus::Changed)
            .collect();
        assert_eq!(changed.len(), 1, "{changed:?}");
        assert_eq!(changed[0].rtype, kinds::ELASTIC_IP);
        assert_eq!(changed[0].key, "payments/eu-west-1/payments-bastion-1-eip");
        let c = &changed[0].changes;
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].field, "instance");
        assert_eq!(c[0].left.as_deref(), Some("payments-bastion-1"));
        assert_eq!(c[0].right, None);
        assert_eq!(rep.per_type[&kinds::ELASTIC_IP].changed, 1);
    }

    #[test]
    fn snapshot_round_trip_keeps_fields_and_edges() {
        let e = demo();
        let eip = e
            .resources
            .iter()
            .find(|r| r.kind == kinds::ELASTIC_IP && r.first(Rel::AttachedTo).is_some())
            .expect("an attached address");
        let json = serde_json::to_value(eip).expect("serialize");
        assert_eq!(json["type"], "elastic_ip");
        assert_eq!(json["relations"][0]["rel"], "attached_to");
        assert_eq!(json["relations"][0]["kind"], "instance");
        assert!(json["public_ip"].is_string() && json["association_id"].is_string());
        let back: crate::model::Resource = serde_json::from_value(json).expect("read back");
        assert_eq!(&back, eip);
        assert!(eip.arn().starts_with("arn:aws:ec2:eu-west-1:"));
        assert!(eip.arn().ends_with(&format!(":elastic-ip/{}", eip.id)));
        assert_eq!(eip.get("domain"), Some(&Value::Text("vpc".into())));
    }

    #[test]
    fn drawn_as_a_node_with_its_address_and_a_plain_legend_entry() {
        let e = demo();
        let ctx = Context::new(&e);
        let scope = rows(&ctx, "account:payments-prod region:eu-west-1");
        let scene = crate::diagram::network_scene(&e, &scope, &Default::default());
        let eip = e
            .resources
            .iter()
            .find(|r| {
                r.kind == kinds::ELASTIC_IP
                    && r.name.as_deref() == Some("payments-prod-bastion-1-eip")
            })
            .expect("prod's address");
        let node = scene.find(&eip.id).expect("drawn");
        let ip = eip.text("public_ip").expect("ip");
        assert!(
            node.labels.iter().any(|l| l.text == ip),
            "{:?}",
            node.labels
        );
        assert!(!node.style.dashed, "no state: drawn plain, not as stopped");
        let legend: Vec<&str> = scene.legend.iter().map(|l| l.label.text.as_str()).collect();
        assert!(legend.contains(&"EIP: Elastic IP"), "{legend:?}");
        let svg = crate::diagram::to_svg(&scene);
        assert!(svg.contains(ip));
    }
}
