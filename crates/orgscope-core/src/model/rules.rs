//! Security-group rules as EC2 describes them ([`Permission`]: a protocol,
//! a port range and the peers it lets in or out), normalised into
//! [`SgRule`]s: one rule per (protocol, ports, peer), sorted and
//! deduplicated, so two groups with the same effect compare equal whatever
//! way AWS grouped their permissions.
//!
//! Why this lives in the core rather than beside the EC2 collector: two
//! sources describe the same permissions — the crawl's `DescribeSecurityGroups`
//! (SDK types, converted in `orgscope-aws`) and an AWS Config item's
//! `ipPermissions` (JSON, read in `config_item`) — and their rules must
//! come out identical, so both hand their permissions to this one function.

use super::value::{RulePeer, SgRule};

/// One permission (`IpPermission`) of a security group, as read from
/// either source, before normalisation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Permission {
    /// `ipProtocol`: a name (`tcp`), a number (`6`) or `-1` for all;
    /// absent is all.
    pub protocol: Option<String>,
    pub from_port: Option<i32>,
    pub to_port: Option<i32>,
    /// Every peer of the permission, each with its description.
    pub peers: Vec<(PermissionPeer, Option<String>)>,
}

/// A peer of a permission as EC2 names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PermissionPeer {
    Cidr(String),
    Ipv6Cidr(String),
    /// Another security group, with its owner account when EC2 gives one.
    Group {
        user_id: Option<String>,
        group_id: String,
    },
    PrefixList(String),
}

/// One rule per (protocol, ports, peer), sorted and deduplicated. `owner`
/// is the group's own account: a peer group in it is named by its id
/// alone, one in another account as `account/sg-id`.
pub fn normalize_rules(perms: &[Permission], owner: &str) -> Vec<SgRule> {
    let mut rules = Vec::new();
    for p in perms {
        let protocol = protocol_name(p.protocol.as_deref().unwrap_or("-1"));
        // "All traffic" has no ports, whatever EC2 wrote for them (`-1`).
        let (from_port, to_port) = if protocol == "all" {
            (None, None)
        } else {
            (p.from_port, p.to_port)
        };
        for (peer, description) in &p.peers {
            let peer = match peer {
                PermissionPeer::Cidr(c) => RulePeer::Cidr(c.clone()),
                PermissionPeer::Ipv6Cidr(c) => RulePeer::Ipv6Cidr(c.clone()),
                PermissionPeer::Group { user_id, group_id } => {
                    RulePeer::SecurityGroup(match user_id.as_deref() {
                        Some(user) if user != owner => format!("{user}/{group_id}"),
                        _ => group_id.clone(),
                    })
                }
                PermissionPeer::PrefixList(id) => RulePeer::PrefixList(id.clone()),
            };
            rules.push(SgRule {
                protocol: protocol.clone(),
                from_port,
                to_port,
                peer,
                description: description.clone().filter(|d| !d.is_empty()),
            });
        }
    }
    rules.sort();
    rules.dedup();
    rules
}

/// A protocol by its name whether EC2 gave the name or the number.
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

#[cfg(test)]
mod tests {
    use super::*;

    fn perm(protocol: &str, ports: Option<(i32, i32)>, peers: Vec<PermissionPeer>) -> Permission {
        Permission {
            protocol: Some(protocol.to_string()),
            from_port: ports.map(|p| p.0),
            to_port: ports.map(|p| p.1),
            peers: peers.into_iter().map(|p| (p, None)).collect(),
        }
    }

    #[test]
    fn rules_are_split_per_peer_sorted_and_deduplicated() {
        let https = perm(
            "6",
            Some((443, 443)),
            vec![
                PermissionPeer::Cidr("10.0.0.0/8".into()),
                PermissionPeer::Cidr("0.0.0.0/0".into()),
                PermissionPeer::Group {
                    user_id: Some("999999999999".into()),
                    group_id: "sg-other".into(),
                },
                PermissionPeer::Group {
                    user_id: Some("111111111111".into()),
                    group_id: "sg-own".into(),
                },
            ],
        );
        let all = perm(
            "-1",
            Some((-1, -1)),
            vec![PermissionPeer::Ipv6Cidr("::/0".into())],
        );
        let rules = normalize_rules(&[https.clone(), https, all], "111111111111");
        let shown: Vec<String> = rules.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "all/all from ::/0",
                "tcp/443 from 0.0.0.0/0",
                "tcp/443 from 10.0.0.0/8",
                "tcp/443 from 999999999999/sg-other",
                "tcp/443 from sg-own",
            ]
        );
        assert_eq!((rules[0].from_port, rules[0].to_port), (None, None));
    }

    #[test]
    fn an_absent_protocol_is_all_and_empty_descriptions_are_none() {
        let p = Permission {
            protocol: None,
            from_port: Some(0),
            to_port: Some(65535),
            peers: vec![
                (
                    PermissionPeer::PrefixList("pl-1".into()),
                    Some(String::new()),
                ),
                (
                    PermissionPeer::Cidr("10.0.0.0/8".into()),
                    Some("vpn".into()),
                ),
            ],
        };
        let rules = normalize_rules(&[p], "111111111111");
        assert_eq!(rules.len(), 2);
        assert!(
            rules
                .iter()
                .all(|r| r.protocol == "all" && r.from_port.is_none())
        );
        assert_eq!(rules[0].description.as_deref(), Some("vpn"));
        assert_eq!(rules[1].description, None);
        assert_eq!(protocol_name("UDP"), "udp");
        assert_eq!(protocol_name("50"), "50");
    }
}
