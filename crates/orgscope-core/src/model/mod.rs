//! The estate: everything orgscope knows about an AWS Organizations estate at
//! one moment — who collected it, the org tree, the accounts, the EC2
//! resources of every account-region, and the coverage status of every
//! (account, region, api) cell. These are plain serde types with no egui,
//! tokio or AWS SDK in sight: `collect` produces them, `snapshot` stores them,
//! and `query`, `diff`, `diagram` and `ui` only ever read them.
//!
//! The JSON shape is a public contract (scripts read `accounts[]`,
//! `resources[]` and `coverage[]`), so field names here are chosen for the
//! file, not for Rust, and changing one means bumping [`VERSION`].

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::{Deserialize, Serialize};

/// Value of the `format` field of every estate file.
pub const FORMAT: &str = "orgscope-estate";
/// The estate file version this build writes and the newest it reads.
pub const VERSION: u32 = 1;

/// Tags as AWS has them: keys are case-sensitive, values may be empty.
/// A `BTreeMap` keeps the file and every listing deterministic.
pub type Tags = BTreeMap<String, String>;

/// A whole estate, as collected (or generated for the demo).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Estate {
    /// Always [`FORMAT`].
    pub format: String,
    /// The file version, [`VERSION`] when written by this build.
    pub version: u32,
    /// When collection started, RFC 3339 UTC.
    pub collected_at: String,
    /// Where this estate came from (live profile, demo...).
    pub source: Source,
    /// `sts:GetCallerIdentity` of the base credentials.
    pub caller: CallerIdentity,
    /// The organization, when the caller could describe it.
    pub organization: Option<Organization>,
    /// Role assumed into member accounts (absent for the demo).
    pub role_name: Option<String>,
    /// Regions that were asked for (each account may have fewer enabled).
    pub regions: Vec<String>,
    /// The org tree: the root with its OUs nested to any depth.
    pub tree: OrgUnit,
    pub accounts: Vec<Account>,
    pub resources: Vec<Resource>,
    pub coverage: Vec<Coverage>,
}

/// How an estate was obtained; shown in pane headers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub kind: SourceKind,
    /// AWS profile name for live collections (`None` = default chain).
    pub profile: Option<String>,
    /// Free-form description, e.g. "demo estate (25 accounts)".
    pub label: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    Live,
    Demo,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallerIdentity {
    pub account_id: String,
    pub arn: String,
    pub user_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Organization {
    pub id: String,
    pub management_account_id: String,
    pub management_account_email: Option<String>,
}

/// A node of the org tree: the root or an organizational unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgUnit {
    /// `r-xxxx` for the root, `ou-xxxx-yyyyyyyy` for OUs.
    pub id: String,
    pub name: String,
    /// Names of the service control policies attached directly here.
    pub scps: Vec<String>,
    /// Ids of the accounts directly under this node, in crawl order.
    pub accounts: Vec<String>,
    pub children: Vec<OrgUnit>,
}

impl OrgUnit {
    /// Visit this node and all descendants, depth first, parents first,
    /// with the path of names from the root (root excluded) to each node.
    pub fn walk<'a>(&'a self, f: &mut impl FnMut(&'a OrgUnit, &[&'a str])) {
        fn go<'a>(
            node: &'a OrgUnit,
            path: &mut Vec<&'a str>,
            f: &mut impl FnMut(&'a OrgUnit, &[&'a str]),
        ) {
            f(node, path);
            for child in &node.children {
                path.push(&child.name);
                go(child, path, f);
                path.pop();
            }
        }
        go(self, &mut Vec::new(), f);
    }

    /// Find a node by id anywhere below (and including) this one.
    pub fn find(&self, id: &str) -> Option<&OrgUnit> {
        if self.id == id {
            return Some(self);
        }
        self.children.iter().find_map(|c| c.find(id))
    }

    /// Ids of every account at or below this node.
    pub fn account_ids_below(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.walk(&mut |node, _| out.extend(node.accounts.iter().map(String::as_str)));
        out
    }
}

/// A member (or the management) account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: String,
    pub name: String,
    pub email: String,
    /// As Organizations says: `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`.
    pub status: String,
    /// OU names from the root to the account's parent, root excluded.
    pub ou_path: Vec<String>,
    /// Id of the parent (root or OU).
    pub parent_id: String,
    pub tags: Tags,
    /// Names of SCPs attached directly to the account.
    pub scps: Vec<String>,
    /// True for the management account (collected with base credentials).
    pub is_management: bool,
}

impl Account {
    /// Suspended and pending-closure accounts cannot be assumed into.
    pub fn is_active(&self) -> bool {
        self.status == "ACTIVE"
    }
}

/// The five EC2 resource types orgscope collects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceType {
    Instance,
    Vpc,
    Subnet,
    SecurityGroup,
    Volume,
}

impl ResourceType {
    pub const ALL: [ResourceType; 5] = [
        ResourceType::Instance,
        ResourceType::Vpc,
        ResourceType::Subnet,
        ResourceType::SecurityGroup,
        ResourceType::Volume,
    ];

    /// The name used in files, filters and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceType::Instance => "instance",
            ResourceType::Vpc => "vpc",
            ResourceType::Subnet => "subnet",
            ResourceType::SecurityGroup => "security_group",
            ResourceType::Volume => "volume",
        }
    }

    /// Human label for headers and legends.
    pub fn label(self) -> &'static str {
        match self {
            ResourceType::Instance => "Instances",
            ResourceType::Vpc => "VPCs",
            ResourceType::Subnet => "Subnets",
            ResourceType::SecurityGroup => "Security groups",
            ResourceType::Volume => "Volumes",
        }
    }

    /// Parse a type name; accepts `sg` and `security-group` as aliases.
    pub fn parse(s: &str) -> Option<ResourceType> {
        match s.to_ascii_lowercase().as_str() {
            "instance" | "instances" | "ec2" => Some(ResourceType::Instance),
            "vpc" | "vpcs" => Some(ResourceType::Vpc),
            "subnet" | "subnets" => Some(ResourceType::Subnet),
            "security_group" | "security-group" | "sg" | "security_groups" => {
                Some(ResourceType::SecurityGroup)
            }
            "volume" | "volumes" | "ebs" => Some(ResourceType::Volume),
            _ => None,
        }
    }
}

impl fmt::Display for ResourceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One EC2 resource in one account-region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    pub account_id: String,
    pub region: String,
    pub id: String,
    /// The `Name` tag, or the natural name (a security group's group name).
    pub name: Option<String>,
    pub tags: Tags,
    /// Type-specific fields; serialized flat with a `type` discriminator.
    #[serde(flatten)]
    pub details: Details,
}

impl Resource {
    pub fn resource_type(&self) -> ResourceType {
        match self.details {
            Details::Instance(_) => ResourceType::Instance,
            Details::Vpc(_) => ResourceType::Vpc,
            Details::Subnet(_) => ResourceType::Subnet,
            Details::SecurityGroup(_) => ResourceType::SecurityGroup,
            Details::Volume(_) => ResourceType::Volume,
        }
    }

    /// The VPC this resource lives in, where it has one.
    pub fn vpc_id(&self) -> Option<&str> {
        match &self.details {
            Details::Instance(i) => i.vpc_id.as_deref(),
            Details::Vpc(_) => Some(&self.id),
            Details::Subnet(s) => Some(&s.vpc_id),
            Details::SecurityGroup(g) => g.vpc_id.as_deref(),
            Details::Volume(_) => None,
        }
    }

    /// `Name` tag, falling back to the id, for display.
    pub fn display_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }

    /// The resource ARN (for "copy ARN").
    pub fn arn(&self) -> String {
        let kind = match self.resource_type() {
            ResourceType::Instance => "instance",
            ResourceType::Vpc => "vpc",
            ResourceType::Subnet => "subnet",
            ResourceType::SecurityGroup => "security-group",
            ResourceType::Volume => "volume",
        };
        format!(
            "arn:aws:ec2:{}:{}:{}/{}",
            self.region, self.account_id, kind, self.id
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Details {
    Instance(Instance),
    Vpc(Vpc),
    Subnet(Subnet),
    SecurityGroup(SecurityGroup),
    Volume(Volume),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instance {
    pub instance_type: String,
    /// `pending`, `running`, `stopping`, `stopped`, `shutting-down`, `terminated`.
    pub state: String,
    pub image_id: Option<String>,
    /// `windows` or `None` (Linux/UNIX), as EC2 reports it.
    pub platform: Option<String>,
    pub architecture: Option<String>,
    pub private_ip: Option<String>,
    pub public_ip: Option<String>,
    pub vpc_id: Option<String>,
    pub subnet_id: Option<String>,
    pub availability_zone: Option<String>,
    pub launch_time: Option<String>,
    pub key_name: Option<String>,
    pub security_groups: Vec<GroupRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct GroupRef {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vpc {
    /// The primary IPv4 CIDR.
    pub cidr_block: String,
    /// Every associated IPv4 CIDR, the primary included.
    pub cidr_blocks: Vec<String>,
    pub is_default: bool,
    pub state: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subnet {
    pub vpc_id: String,
    pub cidr_block: String,
    pub availability_zone: String,
    /// `MapPublicIpOnLaunch`: the usual marker of a public subnet.
    pub public: bool,
    pub default_for_az: bool,
    pub available_ips: Option<i64>,
    pub state: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityGroup {
    pub group_name: String,
    pub description: String,
    pub vpc_id: Option<String>,
    /// Normalized: one rule per peer, sorted, so equal rule sets compare equal.
    pub ingress: Vec<SgRule>,
    pub egress: Vec<SgRule>,
}

/// One normalized security-group rule: a protocol/port range and one peer.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SgRule {
    /// `tcp`, `udp`, `icmp`, `icmpv6`, a protocol number, or `all`.
    pub protocol: String,
    pub from_port: Option<i32>,
    pub to_port: Option<i32>,
    pub peer: RulePeer,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum RulePeer {
    Cidr(String),
    Ipv6Cidr(String),
    /// A security group id (possibly `account/sg-id` for cross-account refs).
    SecurityGroup(String),
    PrefixList(String),
}

impl SgRule {
    /// True when the rule lets the whole internet in.
    pub fn is_open_to_world(&self) -> bool {
        matches!(&self.peer, RulePeer::Cidr(c) if c == "0.0.0.0/0")
            || matches!(&self.peer, RulePeer::Ipv6Cidr(c) if c == "::/0")
    }
}

impl fmt::Display for SgRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ports = match (self.from_port, self.to_port) {
            (Some(a), Some(b)) if a == b => format!("{a}"),
            (Some(a), Some(b)) if a == -1 && b == -1 => "all".to_string(),
            (Some(a), Some(b)) => format!("{a}-{b}"),
            _ => "all".to_string(),
        };
        let peer = match &self.peer {
            RulePeer::Cidr(c) | RulePeer::Ipv6Cidr(c) => c.clone(),
            RulePeer::SecurityGroup(g) => g.clone(),
            RulePeer::PrefixList(p) => p.clone(),
        };
        write!(f, "{}/{} from {}", self.protocol, ports, peer)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Volume {
    pub size_gib: i64,
    pub volume_type: String,
    pub state: String,
    pub availability_zone: String,
    pub encrypted: bool,
    pub iops: Option<i64>,
    pub attachments: Vec<VolumeAttachment>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct VolumeAttachment {
    pub instance_id: String,
    pub device: String,
    pub state: String,
}

/// The outcome of one (account, region, api) cell of a collection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    pub account_id: String,
    /// A region, or `global` for account-wide calls (STS, Organizations).
    pub region: String,
    /// `service:Operation`, e.g. `ec2:DescribeInstances`, `sts:AssumeRole`.
    pub api: String,
    pub status: CoverageStatus,
    /// The AWS error code, e.g. `AccessDenied`.
    pub code: Option<String>,
    pub message: Option<String>,
}

/// Region value used for coverage cells that are not regional.
pub const GLOBAL_REGION: &str = "global";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverageStatus {
    Ok,
    Denied,
    RegionDisabled,
    Suspended,
    Throttled,
    Timeout,
    Error,
}

impl CoverageStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CoverageStatus::Ok => "ok",
            CoverageStatus::Denied => "denied",
            CoverageStatus::RegionDisabled => "region_disabled",
            CoverageStatus::Suspended => "suspended",
            CoverageStatus::Throttled => "throttled",
            CoverageStatus::Timeout => "timeout",
            CoverageStatus::Error => "error",
        }
    }

    /// `ok` and `suspended` are complete outcomes; everything else means the
    /// estate is partial (what is missing is unknown, not absent).
    pub fn is_complete(self) -> bool {
        matches!(self, CoverageStatus::Ok | CoverageStatus::Suspended)
    }
}

impl fmt::Display for CoverageStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Estate {
    /// An empty estate with the given provenance; `collect` and the demo
    /// generator fill it in.
    pub fn new(collected_at: String, source: Source, caller: CallerIdentity) -> Estate {
        Estate {
            format: FORMAT.to_string(),
            version: VERSION,
            collected_at,
            source,
            caller,
            organization: None,
            role_name: None,
            regions: Vec::new(),
            tree: OrgUnit {
                id: String::new(),
                name: "Root".to_string(),
                scps: Vec::new(),
                accounts: Vec::new(),
                children: Vec::new(),
            },
            accounts: Vec::new(),
            resources: Vec::new(),
            coverage: Vec::new(),
        }
    }

    /// True when some cell did not complete: the estate is partial.
    pub fn is_partial(&self) -> bool {
        self.coverage.iter().any(|c| !c.status.is_complete())
    }

    /// Cells that did not complete, for summaries and badges.
    pub fn failed_cells(&self) -> impl Iterator<Item = &Coverage> {
        self.coverage.iter().filter(|c| !c.status.is_complete())
    }

    pub fn account(&self, id: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.id == id)
    }

    /// Map from account id to index in `accounts`, for repeated lookups.
    pub fn account_index(&self) -> HashMap<&str, usize> {
        self.accounts
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id.as_str(), i))
            .collect()
    }

    /// Resource counts per account id.
    pub fn resource_counts(&self) -> HashMap<&str, usize> {
        let mut counts = HashMap::new();
        for r in &self.resources {
            *counts.entry(r.account_id.as_str()).or_insert(0) += 1;
        }
        counts
    }

    /// The worst coverage status per account (ok < ... < error), so a tree
    /// badge can show the one that matters most.
    pub fn coverage_by_account(&self) -> HashMap<&str, Vec<&Coverage>> {
        let mut out: HashMap<&str, Vec<&Coverage>> = HashMap::new();
        for c in &self.coverage {
            out.entry(c.account_id.as_str()).or_default().push(c);
        }
        out
    }

    /// Whether the (account, region) was collected completely for all APIs:
    /// the diff uses this to say "not collected" rather than "missing".
    pub fn region_collected(&self, account_id: &str, region: &str) -> bool {
        let mut any = false;
        for c in &self.coverage {
            if c.account_id == account_id && (c.region == region || c.region == GLOBAL_REGION) {
                any = true;
                if c.status != CoverageStatus::Ok {
                    return false;
                }
            }
        }
        any
    }

    /// Put accounts, resources and coverage in a canonical order so that two
    /// collections of the same estate serialize identically.
    pub fn canonicalize(&mut self) {
        self.accounts.sort_by(|a, b| a.id.cmp(&b.id));
        self.resources.sort_by(|a, b| {
            (&a.account_id, &a.region, a.resource_type(), &a.id).cmp(&(
                &b.account_id,
                &b.region,
                b.resource_type(),
                &b.id,
            ))
        });
        self.coverage.sort_by(|a, b| {
            (&a.account_id, &a.region, &a.api).cmp(&(&b.account_id, &b.region, &b.api))
        });
    }
}

#[cfg(test)]
mod tests;
