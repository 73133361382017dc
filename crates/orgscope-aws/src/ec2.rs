//! EC2 inventory of one account-region: the five `Describe*` calls, each
//! sending `MaxResults` (unpaginated calls land in a smaller throttling
//! bucket) and paged to the end, and the one-time conversion of SDK shapes
//! into [`orgscope_core::model`] resources. SDK `Option`s become our own types
//! here and nowhere else.

use aws_sdk_ec2::types as sdk;
use aws_smithy_types::date_time::Format;

use super::classify::{Failure, classify};
use orgscope_core::model::{self, Details, GroupRef, Resource, RulePeer, SgRule, Tags, VolumeAttachment};

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
    fn resource(
        &self,
        id: &str,
        tags: &[sdk::Tag],
        fallback: Option<&str>,
        d: Details,
    ) -> Resource {
        let tags = tags_of(tags);
        let name = tags
            .get("Name")
            .cloned()
            .or_else(|| fallback.map(str::to_string));
        Resource {
            account_id: self.account_id.to_string(),
            region: self.region.to_string(),
            id: id.to_string(),
            name,
            tags,
            details: d,
        }
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
    let mut groups: Vec<GroupRef> = i
        .security_groups()
        .iter()
        .map(|g| GroupRef {
            id: g.group_id().unwrap_or_default().to_string(),
            name: g.group_name().unwrap_or_default().to_string(),
        })
        .collect();
    groups.sort();
    let d = model::Instance {
        instance_type: i
            .instance_type()
            .map(|t| t.as_str().to_string())
            .unwrap_or_default(),
        state: i
            .state()
            .and_then(|s| s.name())
            .map(|n| n.as_str().to_string())
            .unwrap_or_default(),
        image_id: opt(i.image_id()),
        platform: i.platform().map(|p| p.as_str().to_string()),
        architecture: i.architecture().map(|a| a.as_str().to_string()),
        private_ip: opt(i.private_ip_address()),
        public_ip: opt(i.public_ip_address()),
        vpc_id: opt(i.vpc_id()),
        subnet_id: opt(i.subnet_id()),
        availability_zone: opt(i.placement().and_then(|p| p.availability_zone())),
        launch_time: i.launch_time().and_then(|t| t.fmt(Format::DateTime).ok()),
        key_name: opt(i.key_name()),
        security_groups: groups,
    };
    at.resource(
        i.instance_id().unwrap_or_default(),
        i.tags(),
        None,
        Details::Instance(d),
    )
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
            let d = model::Vpc {
                cidr_block: primary,
                cidr_blocks: cidrs,
                is_default: v.is_default().unwrap_or(false),
                state: v
                    .state()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
            };
            out.push(at.resource(
                v.vpc_id().unwrap_or_default(),
                v.tags(),
                None,
                Details::Vpc(d),
            ));
        }
    }
    Ok(out)
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
            let d = model::Subnet {
                vpc_id: s.vpc_id().unwrap_or_default().to_string(),
                cidr_block: s.cidr_block().unwrap_or_default().to_string(),
                availability_zone: s.availability_zone().unwrap_or_default().to_string(),
                public: s.map_public_ip_on_launch().unwrap_or(false),
                default_for_az: s.default_for_az().unwrap_or(false),
                available_ips: s.available_ip_address_count().map(i64::from),
                state: s
                    .state()
                    .map(|x| x.as_str().to_string())
                    .unwrap_or_default(),
            };
            out.push(at.resource(
                s.subnet_id().unwrap_or_default(),
                s.tags(),
                None,
                Details::Subnet(d),
            ));
        }
    }
    Ok(out)
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
            let owner = g.owner_id().unwrap_or(at.account_id);
            let d = model::SecurityGroup {
                group_name: g.group_name().unwrap_or_default().to_string(),
                description: g.description().unwrap_or_default().to_string(),
                vpc_id: opt(g.vpc_id()),
                ingress: normalize_rules(g.ip_permissions(), owner),
                egress: normalize_rules(g.ip_permissions_egress(), owner),
            };
            out.push(at.resource(
                g.group_id().unwrap_or_default(),
                g.tags(),
                g.group_name(),
                Details::SecurityGroup(d),
            ));
        }
    }
    Ok(out)
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
            let mut attachments: Vec<VolumeAttachment> = v
                .attachments()
                .iter()
                .map(|a| VolumeAttachment {
                    instance_id: a.instance_id().unwrap_or_default().to_string(),
                    device: a.device().unwrap_or_default().to_string(),
                    state: a
                        .state()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                })
                .collect();
            attachments.sort();
            let d = model::Volume {
                size_gib: v.size().map(i64::from).unwrap_or(0),
                volume_type: v
                    .volume_type()
                    .map(|t| t.as_str().to_string())
                    .unwrap_or_default(),
                state: v
                    .state()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                availability_zone: v.availability_zone().unwrap_or_default().to_string(),
                encrypted: v.encrypted().unwrap_or(false),
                iops: v.iops().map(i64::from),
                attachments,
            };
            out.push(at.resource(
                v.volume_id().unwrap_or_default(),
                v.tags(),
                None,
                Details::Volume(d),
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

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
