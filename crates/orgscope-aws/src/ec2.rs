//! EC2 inventory of one account-region: the five `Describe*` calls, each
//! sending `MaxResults` (unpaginated calls land in a smaller throttling
//! bucket) and paged to the end, and the one-time conversion of SDK shapes
//! into [`orgscope_core::model`] resources of the EC2 kinds. SDK types stop
//! here: each described object becomes a [`Resource`] whose fields are set
//! by their descriptor names and whose references (VPC, subnet, security
//! groups, volume attachments) become [`Edge`]s.

use aws_sdk_ec2::types as sdk;
use aws_smithy_types::date_time::Format;

use super::classify::{Failure, classify};
use orgscope_core::model::{self, Edge, Kind, Rel, Resource, RulePeer, SgRule, Tags, kinds};

/// The EC2 APIs collected per account-region, as named in coverage cells.
pub const APIS: [&str; 5] = [
    "ec2:DescribeInstances",
    "ec2:DescribeVpcs",
    "ec2:DescribeSubnets",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeVolumes",
];

/// The EC2 limits: MaxResults must be within 5..=1000.
pub fn clamp_page_size(page_size: i32) -> i32 {
    page_size.clamp(5, 1000)
}

/// Run every describe of one account-region; one result per [`APIS`] entry.
pub async fn describe_region(
    client: &aws_sdk_ec2::Client,
    account_id: &str,
    region: &str,
    page_size: i32,
) -> Vec<(&'static str, Result<Vec<Resource>, Failure>)> {
    let at = Where { account_id, region };
    let page = clamp_page_size(page_size);
    let (instances, vpcs, subnets, groups, volumes) = tokio::join!(
        instances(client, &at, page),
        vpcs(client, &at, page),
        subnets(client, &at, page),
        security_groups(client, &at, page),
        volumes(client, &at, page),
    );
    vec![
        (APIS[0], instances),
        (APIS[1], vpcs),
        (APIS[2], subnets),
        (APIS[3], groups),
        (APIS[4], volumes),
    ]
}

/// One of [`APIS`] in one account-region, e.g. to redo a call that failed.
pub async fn describe_one(
    client: &aws_sdk_ec2::Client,
    account_id: &str,
    region: &str,
    page_size: i32,
    api: &str,
) -> Result<Vec<Resource>, Failure> {
    let at = Where { account_id, region };
    let page = clamp_page_size(page_size);
    match api {
        "ec2:DescribeInstances" => instances(client, &at, page).await,
        "ec2:DescribeVpcs" => vpcs(client, &at, page).await,
        "ec2:DescribeSubnets" => subnets(client, &at, page).await,
        "ec2:DescribeSecurityGroups" => security_groups(client, &at, page).await,
        "ec2:DescribeVolumes" => volumes(client, &at, page).await,
        other => Err(Failure::new(
            model::CoverageStatus::Error,
            "UnknownApi",
            format!("orgscope does not collect {other}"),
        )),
    }
}

/// Regions enabled for the account (`DescribeRegions` without
/// `AllRegions` lists exactly those).
pub async fn enabled_regions(client: &aws_sdk_ec2::Client) -> Result<Vec<String>, Failure> {
    let out = client
        .describe_regions()
        .send()
        .await
        .map_err(|e| classify(&e))?;
    let mut regions: Vec<String> = out
        .regions()
        .iter()
        .filter(|r| {
            // Without AllRegions only enabled regions come back, but be
            // explicit in case a caller-side default changes.
            !matches!(r.opt_in_status(), Some("not-opted-in"))
        })
        .filter_map(|r| r.region_name().map(str::to_string))
        .collect();
    regions.sort();
    regions.dedup();
    Ok(regions)
}

struct Where<'a> {
    account_id: &'a str,
    region: &'a str,
}

impl Where<'_> {
    /// A resource of `kind` with its tags and name (the `Name` tag, else
    /// `fallback`); the caller adds fields and edges.
    fn resource(
        &self,
        kind: Kind,
        id: &str,
        tags: &[sdk::Tag],
        fallback: Option<&str>,
    ) -> Resource {
        let mut r = Resource::new(kind, self.account_id, self.region, id);
        r.tags = tags_of(tags);
        r.name = r
            .tags
            .get("Name")
            .cloned()
            .or_else(|| fallback.map(str::to_string));
        r
    }
}

fn tags_of(tags: &[sdk::Tag]) -> Tags {
    tags.iter()
        .filter_map(|t| {
            Some((
                t.key()?.to_string(),
                t.value().unwrap_or_default().to_string(),
            ))
        })
        .collect()
}

fn opt(s: Option<&str>) -> Option<String> {
    s.filter(|s| !s.is_empty()).map(str::to_string)
}

async fn instances(
    client: &aws_sdk_ec2::Client,
    at: &Where<'_>,
    page: i32,
) -> Result<Vec<Resource>, Failure> {
    let mut pages = client
        .describe_instances()
        .max_results(page)
        .into_paginator()
        .send();
    let mut out = Vec::new();
    while let Some(p) = pages.next().await {
        let p = p.map_err(|e| classify(&e))?;
        for r in p.reservations() {
            for i in r.instances() {
                out.push(instance(at, i));
            }
        }
    }
    Ok(out)
}

fn instance(at: &Where<'_>, i: &sdk::Instance) -> Resource {
    // Sorted by (id, name) so a resource's edges do not depend on the
    // order EC2 listed its groups.
    let mut groups: Vec<(String, String)> = i
        .security_groups()
        .iter()
        .map(|g| {
            (
                g.group_id().unwrap_or_default().to_string(),
                g.group_name().unwrap_or_default().to_string(),
            )
        })
        .collect();
    groups.sort();
    let mut r = at
        .resource(
            kinds::INSTANCE,
            i.instance_id().unwrap_or_default(),
            i.tags(),
            None,
        )
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
    r.relations.extend(
        groups
            .into_iter()
            .map(|(id, name)| Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, id).named(name)),
    );
    r
}

async fn vpcs(
    client: &aws_sdk_ec2::Client,
    at: &Where<'_>,
    page: i32,
) -> Result<Vec<Resource>, Failure> {
    let mut pages = client
        .describe_vpcs()
        .max_results(page)
        .into_paginator()
        .send();
    let mut out = Vec::new();
    while let Some(p) = pages.next().await {
        let p = p.map_err(|e| classify(&e))?;
        for v in p.vpcs() {
            out.push(vpc(at, v));
        }
    }
    Ok(out)
}

fn vpc(at: &Where<'_>, v: &sdk::Vpc) -> Resource {
    let primary = v.cidr_block().unwrap_or_default().to_string();
    let mut cidrs: Vec<String> = v
        .cidr_block_association_set()
        .iter()
        .filter(|a| {
            a.cidr_block_state()
                .and_then(|s| s.state())
                .is_none_or(|s| s.as_str() == "associated")
        })
        .filter_map(|a| a.cidr_block().map(str::to_string))
        .collect();
    if !primary.is_empty() && !cidrs.contains(&primary) {
        cidrs.insert(0, primary.clone());
    }
    at.resource(kinds::VPC, v.vpc_id().unwrap_or_default(), v.tags(), None)
        .with("cidr", primary)
        .with("cidr_blocks", cidrs)
        .with("is_default", v.is_default().unwrap_or(false))
        .with(
            "state",
            v.state()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
        )
}

async fn subnets(
    client: &aws_sdk_ec2::Client,
    at: &Where<'_>,
    page: i32,
) -> Result<Vec<Resource>, Failure> {
    let mut pages = client
        .describe_subnets()
        .max_results(page)
        .into_paginator()
        .send();
    let mut out = Vec::new();
    while let Some(p) = pages.next().await {
        let p = p.map_err(|e| classify(&e))?;
        for s in p.subnets() {
            out.push(subnet(at, s));
        }
    }
    Ok(out)
}

fn subnet(at: &Where<'_>, s: &sdk::Subnet) -> Resource {
    at.resource(
        kinds::SUBNET,
        s.subnet_id().unwrap_or_default(),
        s.tags(),
        None,
    )
    .with("cidr", s.cidr_block().unwrap_or_default())
    .with("az", s.availability_zone().unwrap_or_default())
    .with("public", s.map_public_ip_on_launch().unwrap_or(false))
    .with("default_for_az", s.default_for_az().unwrap_or(false))
    .with(
        "available_ips",
        s.available_ip_address_count().map(i64::from),
    )
    .with(
        "state",
        s.state()
            .map(|x| x.as_str().to_string())
            .unwrap_or_default(),
    )
    // A subnet always lies in a VPC: the edge is kept even if EC2 left
    // the id out, as the typed model kept an empty id (and as a version 1
    // snapshot of it migrates).
    .with_edge(Edge::new(
        Rel::InVpc,
        kinds::VPC,
        s.vpc_id().unwrap_or_default(),
    ))
}

async fn security_groups(
    client: &aws_sdk_ec2::Client,
    at: &Where<'_>,
    page: i32,
) -> Result<Vec<Resource>, Failure> {
    let mut pages = client
        .describe_security_groups()
        .max_results(page)
        .into_paginator()
        .send();
    let mut out = Vec::new();
    while let Some(p) = pages.next().await {
        let p = p.map_err(|e| classify(&e))?;
        for g in p.security_groups() {
            out.push(security_group(at, g));
        }
    }
    Ok(out)
}

fn security_group(at: &Where<'_>, g: &sdk::SecurityGroup) -> Resource {
    let owner = g.owner_id().unwrap_or(at.account_id);
    let mut r = at
        .resource(
            kinds::SECURITY_GROUP,
            g.group_id().unwrap_or_default(),
            g.tags(),
            g.group_name(),
        )
        .with("group_name", g.group_name().unwrap_or_default())
        .with("description", g.description().unwrap_or_default())
        .with("ingress", normalize_rules(g.ip_permissions(), owner))
        .with("egress", normalize_rules(g.ip_permissions_egress(), owner));
    // EC2-Classic groups had no VPC.
    if let Some(vpc) = opt(g.vpc_id()) {
        r.relations.push(Edge::new(Rel::InVpc, kinds::VPC, vpc));
    }
    r
}

/// One rule per (protocol, ports, peer), sorted and deduplicated, so two
/// groups with the same effect compare equal whatever way AWS grouped them.
pub fn normalize_rules(perms: &[sdk::IpPermission], owner: &str) -> Vec<SgRule> {
    let mut rules = Vec::new();
    for p in perms {
        let protocol = protocol_name(p.ip_protocol().unwrap_or("-1"));
        let (from_port, to_port) = if protocol == "all" {
            (None, None)
        } else {
            (p.from_port(), p.to_port())
        };
        let mut push = |peer: RulePeer, description: Option<&str>| {
            rules.push(SgRule {
                protocol: protocol.clone(),
                from_port,
                to_port,
                peer,
                description: opt(description),
            });
        };
        for r in p.ip_ranges() {
            if let Some(c) = r.cidr_ip() {
                push(RulePeer::Cidr(c.to_string()), r.description());
            }
        }
        for r in p.ipv6_ranges() {
            if let Some(c) = r.cidr_ipv6() {
                push(RulePeer::Ipv6Cidr(c.to_string()), r.description());
            }
        }
        for g in p.user_id_group_pairs() {
            let Some(id) = g.group_id() else { continue };
            let peer = match g.user_id() {
                Some(user) if user != owner => format!("{user}/{id}"),
                _ => id.to_string(),
            };
            push(RulePeer::SecurityGroup(peer), g.description());
        }
        for l in p.prefix_list_ids() {
            if let Some(id) = l.prefix_list_id() {
                push(RulePeer::PrefixList(id.to_string()), l.description());
            }
        }
    }
    rules.sort();
    rules.dedup();
    rules
}

fn protocol_name(p: &str) -> String {
    match p.to_ascii_lowercase().as_str() {
        "-1" | "all" => "all".to_string(),
        "6" | "tcp" => "tcp".to_string(),
        "17" | "udp" => "udp".to_string(),
        "1" | "icmp" => "icmp".to_string(),
        "58" | "icmpv6" => "icmpv6".to_string(),
        other => other.to_string(),
    }
}

async fn volumes(
    client: &aws_sdk_ec2::Client,
    at: &Where<'_>,
    page: i32,
) -> Result<Vec<Resource>, Failure> {
    let mut pages = client
        .describe_volumes()
        .max_results(page)
        .into_paginator()
        .send();
    let mut out = Vec::new();
    while let Some(p) = pages.next().await {
        let p = p.map_err(|e| classify(&e))?;
        for v in p.volumes() {
            out.push(volume(at, v));
        }
    }
    Ok(out)
}

fn volume(at: &Where<'_>, v: &sdk::Volume) -> Resource {
    // Sorted by (instance, device, state) so the edges do not depend on the
    // order EC2 listed the attachments.
    let mut attachments: Vec<(String, String, String)> = v
        .attachments()
        .iter()
        .map(|a| {
            (
                a.instance_id().unwrap_or_default().to_string(),
                a.device().unwrap_or_default().to_string(),
                a.state()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
            )
        })
        .collect();
    attachments.sort();
    let mut r = at
        .resource(
            kinds::VOLUME,
            v.volume_id().unwrap_or_default(),
            v.tags(),
            None,
        )
        .with("size_gib", v.size().map(i64::from).unwrap_or(0))
        .with(
            "volume_type",
            v.volume_type()
                .map(|t| t.as_str().to_string())
                .unwrap_or_default(),
        )
        .with("iops", v.iops().map(i64::from))
        .with("encrypted", v.encrypted().unwrap_or(false))
        .with(
            "state",
            v.state()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
        )
        .with("az", v.availability_zone().unwrap_or_default());
    r.relations
        .extend(attachments.into_iter().map(|(instance, device, state)| {
            Edge::new(Rel::AttachedTo, kinds::INSTANCE, instance)
                .attr("device", device)
                .attr("state", state)
        }));
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use orgscope_core::model::Value;

    const AT: Where<'static> = Where {
        account_id: "111111111111",
        region: "eu-west-1",
    };

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
        let r = instance(&AT, &i);
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
        let r = instance(&AT, &sdk::Instance::builder().instance_id("i-2").build());
        assert!(r.relations.is_empty());
        // The typed model held "" for these two; the values keep it.
        assert_eq!(r.text("instance_type"), Some(""));
        assert_eq!(r.text("state"), Some(""));
        assert_eq!(r.name, None);
    }

    #[test]
    fn a_volume_is_attached_to_its_instances_with_device_and_state() {
        let v = sdk::Volume::builder()
            .volume_id("vol-1")
            .size(8)
            .volume_type(sdk::VolumeType::Gp3)
            .state(sdk::VolumeState::InUse)
            .availability_zone("eu-west-1a")
            .encrypted(true)
            .attachments(
                sdk::VolumeAttachment::builder()
                    .instance_id("i-2")
                    .device("/dev/sdf")
                    .state(sdk::VolumeAttachmentState::Attached)
                    .build(),
            )
            .attachments(
                sdk::VolumeAttachment::builder()
                    .instance_id("i-1")
                    .device("/dev/xvda")
                    .state(sdk::VolumeAttachmentState::Attaching)
                    .build(),
            )
            .build();
        let r = volume(&AT, &v);
        assert_eq!(r.kind, kinds::VOLUME);
        assert_eq!(r.get("size_gib"), Some(&Value::Number(8)));
        assert_eq!(r.text("volume_type"), Some("gp3"));
        assert_eq!(r.get("iops"), Some(&Value::Null));
        assert_eq!(r.get("encrypted"), Some(&Value::Bool(true)));
        assert_eq!(r.text("state"), Some("in-use"));
        assert_eq!(r.text("az"), Some("eu-west-1a"));
        assert_eq!(
            r.relations,
            vec![
                Edge::new(Rel::AttachedTo, kinds::INSTANCE, "i-1")
                    .attr("device", "/dev/xvda")
                    .attr("state", "attaching"),
                Edge::new(Rel::AttachedTo, kinds::INSTANCE, "i-2")
                    .attr("device", "/dev/sdf")
                    .attr("state", "attached"),
            ]
        );
    }

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
        let r = security_group(&AT, &g);
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
        assert_eq!(r.get("egress"), Some(&Value::Rules(Vec::new())));
        assert_eq!(
            r.relations,
            vec![Edge::new(Rel::InVpc, kinds::VPC, "vpc-1")]
        );
    }

    #[test]
    fn a_subnet_lies_in_its_vpc_and_a_vpc_lists_its_primary_cidr() {
        let s = sdk::Subnet::builder()
            .subnet_id("subnet-1")
            .vpc_id("vpc-1")
            .cidr_block("10.0.1.0/24")
            .availability_zone("eu-west-1b")
            .map_public_ip_on_launch(true)
            .available_ip_address_count(250)
            .state(sdk::SubnetState::Available)
            .build();
        let r = subnet(&AT, &s);
        assert_eq!(r.text("cidr"), Some("10.0.1.0/24"));
        assert_eq!(r.text("az"), Some("eu-west-1b"));
        assert_eq!(r.get("public"), Some(&Value::Bool(true)));
        assert_eq!(r.get("default_for_az"), Some(&Value::Bool(false)));
        assert_eq!(r.get("available_ips"), Some(&Value::Number(250)));
        assert_eq!(r.text("state"), Some("available"));
        assert_eq!(
            r.relations,
            vec![Edge::new(Rel::InVpc, kinds::VPC, "vpc-1")]
        );

        let v = sdk::Vpc::builder()
            .vpc_id("vpc-1")
            .cidr_block("10.0.0.0/16")
            .cidr_block_association_set(
                sdk::VpcCidrBlockAssociation::builder()
                    .cidr_block("10.1.0.0/16")
                    .build(),
            )
            .build();
        let r = vpc(&AT, &v);
        assert_eq!(r.kind, kinds::VPC);
        assert_eq!(r.text("cidr"), Some("10.0.0.0/16"));
        assert_eq!(
            r.get("cidr_blocks"),
            Some(&Value::List(vec![
                "10.0.0.0/16".to_string(),
                "10.1.0.0/16".to_string()
            ]))
        );
        assert_eq!(r.get("is_default"), Some(&Value::Bool(false)));
        assert!(r.relations.is_empty());
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

    #[test]
    fn page_size_is_clamped_to_ec2_limits() {
        assert_eq!(clamp_page_size(1), 5);
        assert_eq!(clamp_page_size(1000), 1000);
        assert_eq!(clamp_page_size(5000), 1000);
    }
}
