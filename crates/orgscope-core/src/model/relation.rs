//! Relations: typed edges from one resource to another — in a VPC, in a
//! subnet, member of a security group, attached to, routes to, peers with,
//! targets, serves. An edge names its far end by id, and by owner account and
//! region when they differ from the near end's, so a peering into another
//! account, or a route to a gateway that was never collected, is kept as
//! what it is: the far end is resolved against the estate when it is read
//! ([`crate::query::Context`]), and an edge whose far end is not there is
//! shown as *outside the collected estate*, never dropped.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::Tags;
use super::kind::Kind;

/// The type of an edge. The file name of each is its snake_case form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rel {
    InVpc,
    InSubnet,
    /// Member of a security group.
    MemberOf,
    /// A volume attached to an instance, an address to an instance.
    AttachedTo,
    /// A route table (or route) to its target.
    RoutesTo,
    PeersWith,
    /// A load balancer or target group to what it sends traffic to.
    Targets,
    /// A route table to the subnets it is associated with.
    Serves,
    /// An IAM role, user or group to a managed policy attached to it.
    Uses,
    /// An IAM user to the groups it belongs to.
    InGroup,
    /// A read replica (a DB instance or cluster) to its source, which may
    /// be in another region or account.
    ReplicaOf,
    /// A DB instance to the Aurora cluster it is a member of.
    InCluster,
    /// A function or cluster to the IAM role it runs as (a Lambda's
    /// execution role, an EKS cluster's service role).
    RunsAs,
}

impl Rel {
    pub const ALL: [Rel; 13] = [
        Rel::InVpc,
        Rel::InSubnet,
        Rel::MemberOf,
        Rel::AttachedTo,
        Rel::RoutesTo,
        Rel::PeersWith,
        Rel::Targets,
        Rel::Serves,
        Rel::Uses,
        Rel::InGroup,
        Rel::ReplicaOf,
        Rel::InCluster,
        Rel::RunsAs,
    ];

    /// The file name (`in_vpc`).
    pub fn as_str(self) -> &'static str {
        match self {
            Rel::InVpc => "in_vpc",
            Rel::InSubnet => "in_subnet",
            Rel::MemberOf => "member_of",
            Rel::AttachedTo => "attached_to",
            Rel::RoutesTo => "routes_to",
            Rel::PeersWith => "peers_with",
            Rel::Targets => "targets",
            Rel::Serves => "serves",
            Rel::Uses => "uses",
            Rel::InGroup => "in_group",
            Rel::ReplicaOf => "replica_of",
            Rel::InCluster => "in_cluster",
            Rel::RunsAs => "runs_as",
        }
    }

    /// The filter field that follows this edge forwards (`sg:web`).
    pub fn filter_name(self) -> &'static str {
        match self {
            Rel::InVpc => "vpc",
            Rel::InSubnet => "subnet",
            Rel::MemberOf => "sg",
            Rel::AttachedTo => "attached-to",
            Rel::RoutesTo => "routes-to",
            Rel::PeersWith => "peers-with",
            Rel::Targets => "targets",
            Rel::Serves => "serves",
            Rel::Uses => "policy",
            Rel::InGroup => "group",
            Rel::ReplicaOf => "replica-of",
            Rel::InCluster => "cluster",
            Rel::RunsAs => "role",
        }
    }

    /// Other names the filter accepts.
    pub fn filter_aliases(self) -> &'static [&'static str] {
        match self {
            Rel::InVpc => &["in-vpc"],
            Rel::InSubnet => &["in-subnet"],
            Rel::MemberOf => &["member-of", "security-group"],
            Rel::AttachedTo => &["attached"],
            Rel::RoutesTo => &["route-to"],
            Rel::PeersWith => &["peer", "peers"],
            Rel::Targets => &["target"],
            Rel::Serves => &["associated-with"],
            Rel::Uses => &["uses", "attached-policy"],
            Rel::InGroup => &["in-group"],
            Rel::ReplicaOf => &["source", "replicates"],
            Rel::InCluster => &["in-cluster", "db-cluster"],
            Rel::RunsAs => &["runs-as", "execution-role"],
        }
    }

    /// How the edge reads from its near end (`in VPC`).
    pub fn label(self) -> &'static str {
        match self {
            Rel::InVpc => "in VPC",
            Rel::InSubnet => "in subnet",
            Rel::MemberOf => "member of",
            Rel::AttachedTo => "attached to",
            Rel::RoutesTo => "routes to",
            Rel::PeersWith => "peers with",
            Rel::Targets => "targets",
            Rel::Serves => "serves",
            Rel::Uses => "uses",
            Rel::InGroup => "in group",
            Rel::ReplicaOf => "replica of",
            Rel::InCluster => "in cluster",
            Rel::RunsAs => "runs as",
        }
    }

    /// How the edge reads from its far end (`contains`).
    pub fn inverse_label(self) -> &'static str {
        match self {
            Rel::InVpc => "contains",
            Rel::InSubnet => "contains",
            Rel::MemberOf => "has member",
            Rel::AttachedTo => "has attached",
            Rel::RoutesTo => "routed to from",
            Rel::PeersWith => "peers with",
            Rel::Targets => "targeted by",
            Rel::Serves => "served by",
            Rel::Uses => "used by",
            Rel::InGroup => "has member",
            Rel::ReplicaOf => "replicated by",
            Rel::InCluster => "has member",
            Rel::RunsAs => "assumed by",
        }
    }

    /// Parse a filter name or alias.
    pub fn parse_filter(s: &str) -> Option<Rel> {
        let s = s.to_ascii_lowercase().replace('_', "-");
        Rel::ALL
            .into_iter()
            .find(|r| r.filter_name() == s || r.filter_aliases().contains(&s.as_str()))
    }
}

impl fmt::Display for Rel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One edge from the resource that holds it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Edge {
    pub rel: Rel,
    /// The far end's id (`vpc-0abc`, `sg-1`, a peering's accepter VPC).
    pub to: String,
    /// The far end's kind, when the near end knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Kind>,
    /// The far end's owner account, when not the near end's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// The far end's region, when not the near end's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The far end's name as the near end reports it (an instance knows its
    /// security groups' names): shown when the far end is not collected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Facts about the edge itself (a volume's `device`, a route's
    /// `destination`).
    #[serde(default, skip_serializing_if = "EdgeAttrs::is_empty")]
    pub attrs: EdgeAttrs,
}

/// An edge's attributes: a few `key → value` pairs, sorted by key, written
/// as a JSON object. Kept like [`Tags`] (an exactly-sized sorted list, not
/// a `BTreeMap`, whose first entry alone allocates ~0.5 KB: at 100,000
/// resources, where every attached volume has two attributes, that was
/// 15 MB of the app's memory for two short strings each).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EdgeAttrs(Tags);

impl EdgeAttrs {
    pub fn get(&self, key: &str) -> Option<&String> {
        self.0.get(key)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.0.contains_key(key)
    }

    /// Set `key`, replacing an earlier value.
    pub fn insert(&mut self, key: String, value: String) {
        self.0.insert(key, value);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// `(key, value)` in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.0.iter()
    }
}

impl Edge {
    /// An edge to `to` in the near end's account and region.
    pub fn new(rel: Rel, kind: Kind, to: impl Into<String>) -> Edge {
        Edge {
            rel,
            to: to.into(),
            kind: Some(kind),
            account_id: None,
            region: None,
            name: None,
            attrs: EdgeAttrs::default(),
        }
    }

    pub fn named(mut self, name: impl Into<String>) -> Edge {
        self.name = Some(name.into());
        self
    }

    pub fn attr(mut self, key: &str, value: impl Into<String>) -> Edge {
        self.attrs.insert(key.to_string(), value.into());
        self
    }

    pub fn in_account(mut self, account_id: impl Into<String>) -> Edge {
        self.account_id = Some(account_id.into());
        self
    }

    pub fn in_region(mut self, region: impl Into<String>) -> Edge {
        self.region = Some(region.into());
        self
    }
}
