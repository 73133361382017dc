//! RDS shapes into resources, once: DB instances and clusters with their
//! tags (`TagList`, returned by the describe calls themselves), fields by
//! their descriptor names, and their edges — VPC and subnets from the
//! subnet group, security groups, cluster membership, and the replication
//! source, which RDS names by identifier in the same region and by ARN
//! elsewhere (another region or account): the ARN is read so the edge
//! says where its far end lives, and a source that is gone still shows by
//! its identifier. A field RDS leaves out stays empty, never defaulted.

use std::collections::HashSet;

use aws_sdk_rds::operation::describe_db_clusters::DescribeDbClustersOutput;
use aws_sdk_rds::operation::describe_db_instances::DescribeDbInstancesOutput;
use aws_sdk_rds::types as sdk;
use aws_smithy_types::DateTime;
use aws_smithy_types::date_time::Format;

use super::Failure;
use orgscope_core::model::aws;
use orgscope_core::model::{Edge, Kind, Rel, Resource, Tags, kinds};

/// The account-region being converted.
#[derive(Clone, Copy)]
pub(super) struct Where<'a> {
    pub account_id: &'a str,
    pub region: &'a str,
}

impl Where<'_> {
    /// The DB instances of `pages`, each identifier once (the first seen).
    pub(super) fn instances(&self, pages: &[DescribeDbInstancesOutput]) -> Vec<Resource> {
        let mut seen = HashSet::new();
        pages
            .iter()
            .flat_map(|p| p.db_instances())
            .filter_map(|i| {
                let id = self.identifier(i.db_instance_identifier(), "a DB instance")?;
                seen.insert(id).then(|| self.instance(id, i))
            })
            .collect()
    }

    /// The DB clusters of `pages`, each identifier once, their subnets and
    /// VPC read from `instances` (see the module doc of `rds`).
    pub(super) fn clusters(
        &self,
        pages: &[DescribeDbClustersOutput],
        instances: Result<&[DescribeDbInstancesOutput], &Failure>,
    ) -> Vec<Resource> {
        let mut seen = HashSet::new();
        pages
            .iter()
            .flat_map(|p| p.db_clusters())
            .filter_map(|c| {
                let id = self.identifier(c.db_cluster_identifier(), "a DB cluster")?;
                seen.insert(id).then(|| self.cluster(id, c, instances))
            })
            .collect()
    }

    /// A usable identifier, else `None`, logged.
    fn identifier<'s>(&self, id: Option<&'s str>, what: &str) -> Option<&'s str> {
        let id = id.filter(|s| !s.is_empty());
        if id.is_none() {
            tracing::warn!(
                "{} {}: RDS listed {what} without an identifier; skipped",
                self.account_id,
                self.region
            );
        }
        id
    }

    /// A resource named by its `Name` tag, else its identifier (the name
    /// RDS itself shows).
    fn resource(&self, kind: Kind, id: &str, tags: &[sdk::Tag]) -> Resource {
        let tags: Tags = tags
            .iter()
            .filter_map(|t| {
                Some((
                    t.key()?.to_string(),
                    t.value().unwrap_or_default().to_string(),
                ))
            })
            .collect();
        let mut r = Resource::new(kind, self.account_id, self.region, id);
        r.name = Some(
            tags.get("Name")
                .filter(|n| !n.is_empty())
                .cloned()
                .unwrap_or_else(|| id.to_string()),
        );
        r.tags = tags;
        r
    }

    fn instance(&self, id: &str, i: &sdk::DbInstance) -> Resource {
        let az = opt(i.availability_zone());
        let mut r = self
            .resource(kinds::DB_INSTANCE, id, i.tag_list())
            .with("engine", opt(i.engine()))
            .with("engine_version", opt(i.engine_version()))
            .with("instance_class", opt(i.db_instance_class()))
            .with("storage_type", opt(i.storage_type()))
            .with("allocated_storage", i.allocated_storage().map(i64::from))
            .with("status", opt(i.db_instance_status()))
            .with("endpoint", opt(i.endpoint().and_then(|e| e.address())))
            .with(
                "port",
                i.endpoint()
                    .and_then(|e| e.port())
                    .or(i.db_instance_port().filter(|p| *p > 0))
                    .map(i64::from),
            )
            .with("az", az.clone())
            .with(
                "backup_retention",
                i.backup_retention_period().map(i64::from),
            )
            .with("created", time(i.instance_create_time()));
        // Booleans RDS leaves out stay empty (unknown), never `false`.
        for (field, value) in [
            ("multi_az", i.multi_az()),
            ("storage_encrypted", i.storage_encrypted()),
            ("publicly_accessible", i.publicly_accessible()),
            ("deletion_protection", i.deletion_protection()),
        ] {
            if let Some(v) = value {
                r.set(field, v);
            }
        }
        if let Some(g) = i.db_subnet_group() {
            if let Some(vpc) = opt(g.vpc_id()) {
                r.relations.push(Edge::new(Rel::InVpc, kinds::VPC, vpc));
            }
            r.relations.extend(
                instance_subnets(g, az.as_deref())
                    .into_iter()
                    .map(|s| Edge::new(Rel::InSubnet, kinds::SUBNET, s)),
            );
        }
        r.relations.extend(groups(i.vpc_security_groups()));
        if let Some(c) = opt(i.db_cluster_identifier()) {
            r.relations
                .push(Edge::new(Rel::InCluster, kinds::DB_CLUSTER, c));
        }
        if let Some(s) = opt(i.read_replica_source_db_instance_identifier()) {
            r.relations.push(self.source(&s, kinds::DB_INSTANCE));
        }
        if let Some(s) = opt(i.read_replica_source_db_cluster_identifier()) {
            r.relations.push(self.source(&s, kinds::DB_CLUSTER));
        }
        r
    }

    fn cluster(
        &self,
        id: &str,
        c: &sdk::DbCluster,
        instances: Result<&[DescribeDbInstancesOutput], &Failure>,
    ) -> Resource {
        let members = c.db_cluster_members();
        let writer = members
            .iter()
            .find(|m| m.is_cluster_writer() == Some(true))
            .and_then(|m| opt(m.db_instance_identifier()));
        let mut r = self
            .resource(kinds::DB_CLUSTER, id, c.tag_list())
            .with("engine", opt(c.engine()))
            .with("engine_version", opt(c.engine_version()))
            .with("engine_mode", opt(c.engine_mode()))
            .with("members", members.len() as i64)
            .with("writer", writer)
            .with("status", opt(c.status()))
            .with("endpoint", opt(c.endpoint()))
            .with("reader_endpoint", opt(c.reader_endpoint()))
            .with("port", c.port().map(i64::from))
            .with(
                "backup_retention",
                c.backup_retention_period().map(i64::from),
            )
            .with("created", time(c.cluster_create_time()));
        for (field, value) in [
            ("multi_az", c.multi_az()),
            ("storage_encrypted", c.storage_encrypted()),
            ("deletion_protection", c.deletion_protection()),
        ] {
            if let Some(v) = value {
                r.set(field, v);
            }
        }
        match cluster_network(id, members, instances) {
            Ok((vpc, subnets)) => {
                if let Some(vpc) = vpc {
                    r.relations.push(Edge::new(Rel::InVpc, kinds::VPC, vpc));
                }
                r.relations.extend(
                    subnets
                        .into_iter()
                        .map(|s| Edge::new(Rel::InSubnet, kinds::SUBNET, s)),
                );
            }
            Err(note) => {
                r.set("note", note);
            }
        }
        r.relations.extend(groups(c.vpc_security_groups()));
        if let Some(s) = opt(c.replication_source_identifier()) {
            r.relations.push(self.source(&s, kinds::DB_CLUSTER));
        }
        r
    }

    /// The `replica_of` edge to `source` (`orgscope_core`'s reading,
    /// shared with the AWS Config reader); an ARN that is not RDS's is
    /// kept as it is, logged.
    fn source(&self, source: &str, kind: Kind) -> Edge {
        let (edge, readable) = aws::replica_source(self.account_id, self.region, source, kind);
        if !readable {
            tracing::warn!(
                "{} {}: a replication source {source:?} is not an RDS ARN; kept as it is",
                self.account_id,
                self.region
            );
        }
        edge
    }
}

/// An instance's subnet: the one of its subnet group in its zone when
/// known, else every subnet of the group (sorted: edges do not depend on
/// RDS's order).
fn instance_subnets(g: &sdk::DbSubnetGroup, az: Option<&str>) -> Vec<String> {
    let listed: Vec<(&str, Option<&str>)> = g
        .subnets()
        .iter()
        .filter_map(|s| {
            let id = s.subnet_identifier().filter(|id| !id.is_empty())?;
            Some((id, s.subnet_availability_zone().and_then(|z| z.name())))
        })
        .collect();
    let in_az: Vec<&str> = listed
        .iter()
        .filter(|(_, z)| az.is_some() && *z == az)
        .map(|(id, _)| *id)
        .collect();
    let mut out: Vec<String> = if in_az.is_empty() {
        listed.iter().map(|(id, _)| id.to_string()).collect()
    } else {
        in_az.into_iter().map(str::to_string).collect()
    };
    out.sort_unstable();
    out.dedup();
    out
}

/// A cluster's VPC and every subnet of its subnet group, from a member
/// instance's group; else the note saying why they are unknown.
fn cluster_network(
    id: &str,
    members: &[sdk::DbClusterMember],
    instances: Result<&[DescribeDbInstancesOutput], &Failure>,
) -> Result<(Option<String>, Vec<String>), String> {
    let instances = instances.map_err(|f| {
        format!(
            "subnets and VPC unknown: DescribeDBInstances failed ({})",
            f.code.as_deref().unwrap_or("error")
        )
    })?;
    if members.is_empty() {
        return Err("subnets and VPC unknown: the cluster has no member instances".to_string());
    }
    let member_ids: HashSet<&str> = members
        .iter()
        .filter_map(|m| m.db_instance_identifier())
        .collect();
    let group = instances
        .iter()
        .flat_map(|p| p.db_instances())
        .filter(|i| {
            i.db_cluster_identifier() == Some(id)
                || i.db_instance_identifier()
                    .is_some_and(|x| member_ids.contains(x))
        })
        .find_map(|i| i.db_subnet_group())
        .ok_or_else(|| {
            "subnets and VPC unknown: no member instance lists the cluster's subnet group"
                .to_string()
        })?;
    let mut subnets: Vec<String> = group
        .subnets()
        .iter()
        .filter_map(|s| opt(s.subnet_identifier()))
        .collect();
    subnets.sort_unstable();
    subnets.dedup();
    Ok((opt(group.vpc_id()), subnets))
}

/// Member of each VPC security group, sorted.
fn groups(memberships: &[sdk::VpcSecurityGroupMembership]) -> Vec<Edge> {
    let mut ids: Vec<&str> = memberships
        .iter()
        .filter_map(|g| g.vpc_security_group_id())
        .filter(|g| !g.is_empty())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids.into_iter()
        .map(|g| Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, g))
        .collect()
}

fn time(t: Option<&DateTime>) -> Option<String> {
    t.and_then(|t| t.fmt(Format::DateTime).ok())
}

fn opt(s: Option<&str>) -> Option<String> {
    s.filter(|s| !s.is_empty()).map(str::to_string)
}
