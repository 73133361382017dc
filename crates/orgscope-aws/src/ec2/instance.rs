//! EC2 instances: `DescribeInstances` paged to the end (its pages count
//! reservations, not instances), and the conversion of an instance into a
//! resource whose VPC, subnet and security groups become edges.

use aws_sdk_ec2::types as sdk;
use aws_smithy_types::date_time::Format;

use super::{Collector, Listed, Where, drain, id_of, opt};
use orgscope_core::model::{Edge, Rel, Resource, kinds};

pub(super) const COLLECTOR: Collector = Collector {
    kind: kinds::INSTANCE,
    describe: |client, at, page| Box::pin(describe(client, at, page)),
};

async fn describe(client: &aws_sdk_ec2::Client, at: Where<'_>, page: i32) -> Listed {
    let pages = client
        .describe_instances()
        .max_results(page)
        .into_paginator()
        .send();
    // MaxResults counts reservations; each holds one or more instances.
    drain(pages, |p, out| {
        let instances = p.reservations().iter().flat_map(|r| r.instances());
        out.extend(instances.filter_map(|i| instance(&at, i)));
    })
    .await
}

fn instance(at: &Where<'_>, i: &sdk::Instance) -> Option<Resource> {
    let id = id_of(at, kinds::INSTANCE, i.instance_id())?;
    // Sorted by (id, name) so a resource's edges do not depend on the
    // order EC2 listed its groups. A group without an id has no far end to
    // point at: no edge, rather than an edge to "".
    let mut groups: Vec<(String, Option<String>)> = i
        .security_groups()
        .iter()
        .filter_map(|g| Some((opt(g.group_id())?, opt(g.group_name()))))
        .collect();
    groups.sort();
    let mut r = at
        .resource(kinds::INSTANCE, &id, i.tags(), None)
        .with(
            "instance_type",
            i.instance_type()
                .map(|t| t.as_str().to_string())
                .unwrap_or_default(),
        )
        .with("image_id", opt(i.image_id()))
        .with(
            "state",
            i.state()
                .and_then(|s| s.name())
                .map(|n| n.as_str().to_string())
                .unwrap_or_default(),
        )
        .with("platform", i.platform().map(|p| p.as_str().to_string()))
        .with(
            "architecture",
            i.architecture().map(|a| a.as_str().to_string()),
        )
        .with("private_ip", opt(i.private_ip_address()))
        .with("public_ip", opt(i.public_ip_address()))
        .with("az", opt(i.placement().and_then(|p| p.availability_zone())))
        .with(
            "launch_time",
            i.launch_time().and_then(|t| t.fmt(Format::DateTime).ok()),
        )
        .with("key_name", opt(i.key_name()));
    if let Some(vpc) = opt(i.vpc_id()) {
        r.relations.push(Edge::new(Rel::InVpc, kinds::VPC, vpc));
    }
    if let Some(subnet) = opt(i.subnet_id()) {
        r.relations
            .push(Edge::new(Rel::InSubnet, kinds::SUBNET, subnet));
    }
    r.relations.extend(groups.into_iter().map(|(id, name)| {
        let edge = Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, id);
        match name {
            Some(name) => edge.named(name),
            None => edge,
        }
    }));
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::super::TEST_AT as AT;
    use super::*;
    use orgscope_core::model::Value;

    #[test]
    fn an_instance_keeps_its_fields_and_references_become_edges() {
        let i = sdk::Instance::builder()
            .instance_id("i-1")
            .instance_type(sdk::InstanceType::T3Micro)
            .state(
                sdk::InstanceState::builder()
                    .name(sdk::InstanceStateName::Running)
                    .build(),
            )
            .private_ip_address("10.0.1.5")
            .public_ip_address("")
            .vpc_id("vpc-1")
            .subnet_id("subnet-1")
            .placement(
                sdk::Placement::builder()
                    .availability_zone("eu-west-1a")
                    .build(),
            )
            .security_groups(
                sdk::GroupIdentifier::builder()
                    .group_id("sg-b")
                    .group_name("web")
                    .build(),
            )
            .security_groups(
                sdk::GroupIdentifier::builder()
                    .group_id("sg-a")
                    .group_name("db")
                    .build(),
            )
            .tags(sdk::Tag::builder().key("Name").value("web-1").build())
            .build();
        let r = instance(&AT, &i).expect("has an id");
        assert_eq!(r.kind, kinds::INSTANCE);
        assert_eq!(
            (r.account_id.as_str(), r.region.as_str(), r.id.as_str()),
            ("111111111111", "eu-west-1", "i-1")
        );
        assert_eq!(r.name.as_deref(), Some("web-1"));
        assert_eq!(r.text("instance_type"), Some("t3.micro"));
        assert_eq!(r.text("state"), Some("running"));
        assert_eq!(r.text("private_ip"), Some("10.0.1.5"));
        assert_eq!(r.text("az"), Some("eu-west-1a"));
        // Absent, or empty as EC2 sometimes sends it: no value.
        assert_eq!(r.get("public_ip"), Some(&Value::Null));
        assert_eq!(r.get("image_id"), Some(&Value::Null));
        assert_eq!(
            r.relations,
            vec![
                Edge::new(Rel::InVpc, kinds::VPC, "vpc-1"),
                Edge::new(Rel::InSubnet, kinds::SUBNET, "subnet-1"),
                Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, "sg-a").named("db"),
                Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, "sg-b").named("web"),
            ]
        );
    }

    #[test]
    fn an_instance_without_a_network_has_no_edges_and_empty_required_text() {
        let r =
            instance(&AT, &sdk::Instance::builder().instance_id("i-2").build()).expect("has an id");
        assert!(r.relations.is_empty());
        // The typed model held "" for these two; the values keep it.
        assert_eq!(r.text("instance_type"), Some(""));
        assert_eq!(r.text("state"), Some(""));
        assert_eq!(r.name, None);
    }

    /// Missing ids became "": a resource nobody can name, and an edge to
    /// nothing (issue #17). The instance is skipped; a group without an
    /// id gives no edge.
    #[test]
    fn an_instance_without_an_id_is_skipped_and_a_group_without_one_has_no_edge() {
        assert!(instance(&AT, &sdk::Instance::builder().build()).is_none());
        assert!(instance(&AT, &sdk::Instance::builder().instance_id("").build()).is_none());
        let i = sdk::Instance::builder()
            .instance_id("i-3")
            .security_groups(sdk::GroupIdentifier::builder().group_name("web").build())
            .security_groups(sdk::GroupIdentifier::builder().group_id("sg-1").build())
            .build();
        let r = instance(&AT, &i).expect("has an id");
        assert_eq!(
            r.relations,
            vec![Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, "sg-1")]
        );
    }
}
