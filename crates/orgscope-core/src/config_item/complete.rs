//! What one configuration item cannot say alone, completed from the others
//! once all are read — the facts the crawl gets by reading one API's
//! answer as a whole:
//!
//! - an Aurora cluster's VPC and subnets: the crawl takes them from a
//!   member instance's subnet group; Config's cluster item names only the
//!   group, but each member instance's item holds the whole group, so
//!   [`Completion::note`] keeps it and [`Completion::apply`] gives it to
//!   the cluster (and drops the mapper's "unknown" note);
//! - an IAM user's groups: Config's user item lists group *names*, while a
//!   group's id carries its path (`group/people/deployers`); the account's
//!   group items say which path each name has.
//!
//! Nothing here guesses: a cluster with no member item keeps its note, a
//! group name no group item has keeps the path-less id the mapper gave.

use std::collections::HashMap;

use super::ConfigItem;
use super::read::Reader;
use crate::model::{Edge, Rel, Resource, Value, kinds};

/// The note the cluster mapper leaves when only a member can tell.
pub(super) const CLUSTER_NETWORK_UNKNOWN: &str =
    "subnets and VPC unknown: AWS Config's item of a cluster names only its subnet group";

/// (account, region, cluster id).
type ClusterKey = (String, String, String);
/// A cluster's VPC and subnets, from a member's subnet group.
type Network = (Option<String>, Vec<String>);

/// Facts gathered from items for other resources.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Completion {
    /// (account, region, cluster id) → (VPC, subnets) of a member's group.
    clusters: HashMap<ClusterKey, Network>,
}

impl Completion {
    /// Keep what `item` says of other resources. Unreadable parts are
    /// left out: the item's own mapping reports them.
    pub fn note(&mut self, item: &ConfigItem) {
        if item.resource_type != "AWS::RDS::DBInstance" {
            return;
        }
        let c = Reader::new(item);
        let (Ok(Some(cluster)), Ok(Some(group))) =
            (c.text("dBClusterIdentifier"), c.object("dBSubnetGroup"))
        else {
            return;
        };
        let key = (item.account_id.clone(), item.region.clone(), cluster);
        if self.clusters.contains_key(&key) {
            return;
        }
        let mut subnets: Vec<String> = group
            .objects("subnets")
            .unwrap_or_default()
            .iter()
            .filter_map(|s| s.text("subnetIdentifier").ok().flatten())
            .collect();
        subnets.sort_unstable();
        subnets.dedup();
        let vpc = group.text("vpcId").ok().flatten();
        self.clusters.insert(key, (vpc, subnets));
    }

    /// Another run's facts (queries run apart).
    pub fn extend(&mut self, other: Completion) {
        for (k, v) in other.clusters {
            self.clusters.entry(k).or_insert(v);
        }
    }

    /// Complete `resources` (all of one read) with what was noted.
    pub fn apply(&self, resources: &mut [Resource]) {
        // Group names to ids, per account.
        let groups: HashMap<(String, String), String> = resources
            .iter()
            .filter(|r| r.kind == kinds::IAM_GROUP)
            .filter_map(|r| Some(((r.account_id.clone(), r.name.clone()?), r.id.clone())))
            .collect();
        for r in resources.iter_mut() {
            if r.kind == kinds::DB_CLUSTER {
                self.cluster(r);
            } else if r.kind == kinds::IAM_USER {
                for e in r.relations.iter_mut().filter(|e| e.rel == Rel::InGroup) {
                    let Some(name) = e.name.clone() else { continue };
                    if let Some(id) = groups.get(&(r.account_id.clone(), name)) {
                        e.to = id.clone();
                    }
                }
            }
        }
    }

    fn cluster(&self, r: &mut Resource) {
        if r.text("note") != Some(CLUSTER_NETWORK_UNKNOWN) {
            return;
        }
        let key = (r.account_id.clone(), r.region.clone(), r.id.clone());
        let Some((vpc, subnets)) = self.clusters.get(&key) else {
            return;
        };
        // The crawl's order: VPC, subnets, then the rest.
        let mut edges: Vec<Edge> = Vec::new();
        if let Some(vpc) = vpc {
            edges.push(Edge::new(Rel::InVpc, kinds::VPC, vpc.clone()));
        }
        edges.extend(
            subnets
                .iter()
                .map(|s| Edge::new(Rel::InSubnet, kinds::SUBNET, s.clone())),
        );
        edges.append(&mut r.relations);
        r.relations = edges;
        r.set("note", Value::Null);
    }
}
