//! Elastic IP addresses: `DescribeAddresses` (one call: the API has no
//! paging and no `MaxResults`, an account holds a few dozen at most), and
//! the conversion of an address into a resource attached to its instance.

use aws_sdk_ec2::types as sdk;

use super::{Collector, Listed, Where, classify, opt};
use orgscope_core::model::{Edge, Rel, Resource, kinds};

pub(super) const COLLECTOR: Collector = Collector {
    kind: kinds::ELASTIC_IP,
    describe: |client, at, _page| Box::pin(describe(client, at)),
};

async fn describe(client: &aws_sdk_ec2::Client, at: Where<'_>) -> Listed {
    let out = client
        .describe_addresses()
        .send()
        .await
        .map_err(|e| classify(&e))?;
    Ok(out
        .addresses()
        .iter()
        .filter_map(|a| address(&at, a))
        .collect())
}

/// An address by its allocation id (its public IP for an EC2-Classic
/// leftover, which has none). One with neither cannot be named and is
/// logged, not invented.
fn address(at: &Where<'_>, a: &sdk::Address) -> Option<Resource> {
    let Some(id) = opt(a.allocation_id()).or_else(|| opt(a.public_ip())) else {
        tracing::warn!(
            "{} {}: an address without allocation id or public IP was skipped",
            at.account_id,
            at.region
        );
        return None;
    };
    let mut r = at
        .resource(kinds::ELASTIC_IP, &id, a.tags(), None)
        .with("public_ip", opt(a.public_ip()))
        .with("domain", a.domain().map(|d| d.as_str().to_string()))
        .with("association_id", opt(a.association_id()))
        .with("private_ip", opt(a.private_ip_address()))
        .with("network_interface_id", opt(a.network_interface_id()))
        .with("network_border_group", opt(a.network_border_group()))
        .with("public_ipv4_pool", opt(a.public_ipv4_pool()));
    if let Some(instance) = opt(a.instance_id()) {
        r = r.with_edge(Edge::new(Rel::AttachedTo, kinds::INSTANCE, instance));
    }
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::super::TEST_AT as AT;
    use super::*;
    use orgscope_core::model::Value;

    #[test]
    fn an_attached_address_points_at_its_instance() {
        let a = sdk::Address::builder()
            .allocation_id("eipalloc-1")
            .public_ip("52.1.2.3")
            .domain(sdk::DomainType::Vpc)
            .association_id("eipassoc-1")
            .private_ip_address("10.0.0.5")
            .network_interface_id("eni-1")
            .network_border_group("eu-west-1")
            .public_ipv4_pool("amazon")
            .instance_id("i-1")
            .tags(sdk::Tag::builder().key("Name").value("web-eip").build())
            .build();
        let r = address(&AT, &a).expect("named");
        assert_eq!((r.kind, r.id.as_str()), (kinds::ELASTIC_IP, "eipalloc-1"));
        assert_eq!(r.name.as_deref(), Some("web-eip"));
        assert_eq!(r.text("public_ip"), Some("52.1.2.3"));
        assert_eq!(r.text("domain"), Some("vpc"));
        assert_eq!(r.text("association_id"), Some("eipassoc-1"));
        assert_eq!(r.text("private_ip"), Some("10.0.0.5"));
        assert_eq!(r.text("network_interface_id"), Some("eni-1"));
        assert_eq!(r.text("network_border_group"), Some("eu-west-1"));
        assert_eq!(r.text("public_ipv4_pool"), Some("amazon"));
        let e: Vec<_> = r.edges(Rel::AttachedTo).collect();
        assert_eq!(e.len(), 1);
        assert_eq!(
            (e[0].to.as_str(), e[0].kind),
            ("i-1", Some(kinds::INSTANCE))
        );
    }

    #[test]
    fn an_idle_address_has_no_edge_and_null_association() {
        let a = sdk::Address::builder()
            .allocation_id("eipalloc-2")
            .public_ip("52.1.2.4")
            .domain(sdk::DomainType::Vpc)
            .build();
        let r = address(&AT, &a).expect("named");
        assert!(r.relations.is_empty());
        assert_eq!(r.get("association_id"), Some(&Value::Null));
        assert_eq!(r.get("private_ip"), Some(&Value::Null));
    }

    #[test]
    fn a_classic_address_is_named_by_its_ip_and_a_nameless_one_skipped() {
        let classic = sdk::Address::builder()
            .public_ip("54.0.0.1")
            .domain(sdk::DomainType::Standard)
            .build();
        let r = address(&AT, &classic).expect("named by ip");
        assert_eq!(r.id, "54.0.0.1");
        assert_eq!(r.text("domain"), Some("standard"));
        assert!(address(&AT, &sdk::Address::builder().build()).is_none());
    }
}
