//! Security groups: `DescribeSecurityGroups` paged to the end, and the
//! conversion of a group into a resource named by its group name, lying in
//! its VPC, whose rules are normalised ([`normalize_rules`]) so groups with
//! the same effect compare equal.

use aws_sdk_ec2::types as sdk;

use super::{Collector, Listed, Where, drain, id_of, opt};
use orgscope_core::model::{self, Edge, Permission, PermissionPeer, Rel, Resource, SgRule, kinds};

pub(super) const COLLECTOR: Collector = Collector {
    kind: kinds::SECURITY_GROUP,
    describe: |client, at, page| Box::pin(describe(client, at, page)),
};

async fn describe(client: &aws_sdk_ec2::Client, at: Where<'_>, page: i32) -> Listed {
    let pages = client
        .describe_security_groups()
        .max_results(page)
        .into_paginator()
        .send();
    drain(pages, |p, out| {
        out.extend(
            p.security_groups()
                .iter()
                .filter_map(|x| security_group(&at, x)),
        )
    })
    .await
}

fn security_group(at: &Where<'_>, g: &sdk::SecurityGroup) -> Option<Resource> {
    let id = id_of(at, kinds::SECURITY_GROUP, g.group_id())?;
    let owner = g.owner_id().unwrap_or(at.account_id);
    let mut r = at
        .resource(kinds::SECURITY_GROUP, &id, g.tags(), g.group_name())
        .with("group_name", g.group_name().unwrap_or_default())
        .with("description", g.description().unwrap_or_default())
        .with("ingress", normalize_rules(g.ip_permissions(), owner))
        .with("egress", normalize_rules(g.ip_permissions_egress(), owner));
    // EC2-Classic groups had no VPC.
    if let Some(vpc) = opt(g.vpc_id()) {
        r.relations.push(Edge::new(Rel::InVpc, kinds::VPC, vpc));
    }
    Some(r)
}

/// One rule per (protocol, ports, peer), sorted and deduplicated, so two
/// groups with the same effect compare equal whatever way AWS grouped them:
/// the core's [`model::normalize_rules`], which an AWS Config item's
/// permissions go through too, of the SDK's permissions.
pub fn normalize_rules(perms: &[sdk::IpPermission], owner: &str) -> Vec<SgRule> {
    let perms: Vec<Permission> = perms.iter().map(permission).collect();
    model::normalize_rules(&perms, owner)
}

/// An SDK permission as the core reads one. A peer without its id or
/// range names nothing and is left out.
fn permission(p: &sdk::IpPermission) -> Permission {
    let described = |peer, d: Option<&str>| (peer, d.map(str::to_string));
    let mut peers = Vec::new();
    peers.extend(p.ip_ranges().iter().filter_map(|r| {
        Some(described(
            PermissionPeer::Cidr(r.cidr_ip()?.to_string()),
            r.description(),
        ))
    }));
    peers.extend(p.ipv6_ranges().iter().filter_map(|r| {
        Some(described(
            PermissionPeer::Ipv6Cidr(r.cidr_ipv6()?.to_string()),
            r.description(),
        ))
    }));
    peers.extend(p.user_id_group_pairs().iter().filter_map(|g| {
        Some(described(
            PermissionPeer::Group {
                user_id: g.user_id().map(str::to_string),
                group_id: g.group_id()?.to_string(),
            },
            g.description(),
        ))
    }));
    peers.extend(p.prefix_list_ids().iter().filter_map(|l| {
        Some(described(
            PermissionPeer::PrefixList(l.prefix_list_id()?.to_string()),
            l.description(),
        ))
    }));
    Permission {
        protocol: p.ip_protocol().map(str::to_string),
        from_port: p.from_port(),
        to_port: p.to_port(),
        peers,
    }
}

#[cfg(test)]
mod tests {
    use super::super::TEST_AT as AT;
    use super::*;
    use orgscope_core::model::Value;

    #[test]
    fn a_security_group_is_named_by_its_group_name_and_lies_in_its_vpc() {
        let peer = sdk::IpPermission::builder()
            .ip_protocol("tcp")
            .from_port(5432)
            .to_port(5432)
            .user_id_group_pairs(
                sdk::UserIdGroupPair::builder()
                    .group_id("sg-far")
                    .user_id("999999999999")
                    .build(),
            )
            .build();
        let g = sdk::SecurityGroup::builder()
            .group_id("sg-1")
            .group_name("db")
            .description("database")
            .vpc_id("vpc-1")
            .owner_id("111111111111")
            .ip_permissions(peer)
            .build();
        let r = security_group(&AT, &g).expect("has an id");
        assert_eq!(r.kind, kinds::SECURITY_GROUP);
        assert_eq!(r.name.as_deref(), Some("db"));
        assert_eq!(r.text("group_name"), Some("db"));
        assert_eq!(r.text("description"), Some("database"));
        let ingress = r.get("ingress").map(Value::as_rules).unwrap_or_default();
        assert_eq!(
            ingress.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["tcp/5432 from 999999999999/sg-far"]
        );
        // No egress rules is an empty rule set, not a missing value.
        assert_eq!(r.get("egress"), Some(&Value::Rules(Box::default())));
        assert_eq!(
            r.relations,
            vec![Edge::new(Rel::InVpc, kinds::VPC, "vpc-1")]
        );
    }

    #[test]
    fn rules_are_split_per_peer_sorted_and_deduplicated() {
        let perm = sdk::IpPermission::builder()
            .ip_protocol("6")
            .from_port(443)
            .to_port(443)
            .ip_ranges(sdk::IpRange::builder().cidr_ip("10.0.0.0/8").build())
            .ip_ranges(sdk::IpRange::builder().cidr_ip("0.0.0.0/0").build())
            .user_id_group_pairs(
                sdk::UserIdGroupPair::builder()
                    .group_id("sg-other")
                    .user_id("999999999999")
                    .build(),
            )
            .build();
        let all = sdk::IpPermission::builder()
            .ip_protocol("-1")
            .from_port(-1)
            .to_port(-1)
            .ipv6_ranges(sdk::Ipv6Range::builder().cidr_ipv6("::/0").build())
            .build();
        let rules = normalize_rules(&[perm.clone(), perm, all], "111111111111");
        let shown: Vec<String> = rules.iter().map(|r| r.to_string()).collect();
        assert_eq!(
            shown,
            vec![
                "all/all from ::/0",
                "tcp/443 from 0.0.0.0/0",
                "tcp/443 from 10.0.0.0/8",
                "tcp/443 from 999999999999/sg-other",
            ]
        );
        assert!(rules[0].is_open_to_world());
        assert_eq!(rules[0].from_port, None);
    }
}
