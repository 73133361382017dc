//! The demo apps' databases (RDS): each workload account's app has a
//! Postgres DB instance in its primary VPC's private subnets and `db`
//! security group — or, for the apps in [`AURORA`], an Aurora PostgreSQL
//! cluster with a writer and a reader in two zones (one member in dev).
//! Prod and test keep a cross-region read replica (an Aurora secondary
//! cluster for the Aurora apps) in the app's disaster-recovery region and
//! VPC, in that VPC's `default` group (the DR copy has no `db` tier of
//! its own): a `replica_of` edge into another region, which RDS names
//! with an ARN. No replica crosses accounts: RDS cannot make one (an app
//! that reads another account's data gets a snapshot or a pipeline, not a
//! replica).
//!
//! Built as the collector builds them: ids are the identifiers (the
//! ARN's last part), the subnet is the subnet group's subnet in the
//! instance's zone, replicas name their source by id with its account and
//! region when they differ. Subnet and group ids are derived the way
//! [`super::resources`] derives them (a test holds every edge to a
//! resource of the estate).
//!
//! Drift of a drifted test twin (`payments-test` in the default estate),
//! the issue's own example: its database runs Postgres 16 where prod runs
//! 15, single-AZ, publicly accessible — and its subnet group was switched
//! to the public subnets to reach it — and it lost its `owner` tag. Its
//! replicas follow it (a replica runs its source's version), so they
//! report the version too.

use crate::model::{Edge, Rel, Resource, kinds};

use super::resources::{Stack, stacks};
use super::{APP_NAMES, Plan, Role, ec2_id, hash64};

/// The apps (by base name) whose database is an Aurora cluster.
const AURORA: [&str; 3] = ["orders", "identity", "checkout"];

/// Postgres versions: prod's, and the one a drifted twin upgraded to.
const POSTGRES: &str = "15.7";
const POSTGRES_DRIFTED: &str = "16.3";
const AURORA_POSTGRES: &str = "15.4";

/// Push the databases of one (active, readable) account: only workload
/// accounts have any.
pub(super) fn account_databases(plan: &Plan, out: &mut Vec<Resource>) {
    let Role::Workload { app, env } = plan.role else {
        return;
    };
    let all = stacks(plan);
    let (Some(primary), dr) = (all.first(), all.get(1)) else {
        return;
    };
    let base = APP_NAMES[app % APP_NAMES.len()];
    // Dev keeps no disaster-recovery copy of its data.
    let dr = dr.filter(|_| env < 2);
    if AURORA.contains(&base) {
        aurora(primary, dr, out);
    } else {
        postgres(primary, dr, out);
    }
}

/// How a DB of `stack` looks, shared by its instances.
struct Db<'s> {
    stack: &'s Stack<'s>,
    id: String,
    engine: &'static str,
    version: &'static str,
    class: &'static str,
    multi_az: bool,
    public: bool,
}

impl Db<'_> {
    /// The instance in zone `az_i` of its stack's subnets (`public` ones
    /// or private), in security group `sg` (a tier of its VPC).
    fn instance(&self, az_i: usize, public_subnets: bool, sg: &str) -> Resource {
        let s = self.stack;
        let (acct, region) = (s.plan.id.as_str(), s.region);
        let az = super::resources::AZ_LETTERS[az_i];
        let subnet_name = format!(
            "{}-{}-{az}",
            s.prefix,
            if public_subnets { "public" } else { "private" }
        );
        let mut tags = s.tags(&self.id);
        if s.drift {
            tags.remove("owner");
        }
        let h = hash64(&[acct, region, &self.id]);
        let aurora = self.engine.starts_with("aurora");
        let (storage_type, gib) = if aurora {
            ("aurora", 1_i64)
        } else if s.env_index == 2 {
            ("gp3", 100)
        } else if s.env_index == 0 {
            // Storage autoscaling grew prod past the size it was made
            // with: why the size is not compared.
            ("gp3", 500 + (h % 8) as i64 * 20)
        } else {
            ("gp3", 500)
        };
        let mut r = s
            .resource(kinds::DB_INSTANCE, region, self.id.clone(), &self.id, tags)
            .with_edge(Edge::new(Rel::InVpc, kinds::VPC, s.vpc_id()))
            .with_edge(Edge::new(
                Rel::InSubnet,
                kinds::SUBNET,
                ec2_id("subnet", &[acct, region, &subnet_name]),
            ))
            .with("engine", self.engine)
            .with("engine_version", self.version)
            .with("instance_class", self.class)
            .with("multi_az", self.multi_az)
            .with("storage_type", storage_type)
            .with("storage_encrypted", true)
            .with("publicly_accessible", self.public)
            .with("allocated_storage", gib)
            .with("status", "available")
            .with(
                "endpoint",
                format!(
                    "{}.c{:010x}.{region}.rds.amazonaws.com",
                    self.id,
                    hash64(&[acct, region]) & 0xff_ffff_ffff
                ),
            )
            .with("port", 5432_i64)
            .with("az", format!("{region}{az}"))
            .with(
                "backup_retention",
                match s.env_index {
                    0 => 14_i64,
                    1 => 7,
                    _ => 1,
                },
            )
            .with("deletion_protection", s.env_index == 0)
            .with(
                "created",
                format!(
                    "2025-{:02}-{:02}T{:02}:{:02}:00Z",
                    1 + h % 12,
                    1 + (h >> 8) % 28,
                    (h >> 16) % 24,
                    (h >> 24) % 60
                ),
            );
        r = r.with_edge(security_group(s, sg));
        r
    }
}

/// The `tier` security group of `stack`'s VPC, named.
fn security_group(s: &Stack<'_>, tier: &str) -> Edge {
    let id = ec2_id("sg", &[&s.plan.id, s.region, &s.vpc_name(), tier]);
    let edge = Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, id);
    if tier == "default" {
        edge.named("default")
    } else {
        edge.named(format!("{}-{tier}", s.prefix))
    }
}

fn class_of(s: &Stack<'_>, big: &'static str) -> &'static str {
    if s.env_index == 2 {
        "db.t4g.medium"
    } else {
        big
    }
}

/// The app's Postgres instance and, in prod and test, its replica in the
/// DR region.
fn postgres(s: &Stack<'_>, dr: Option<&Stack<'_>>, out: &mut Vec<Resource>) {
    let version = if s.drift { POSTGRES_DRIFTED } else { POSTGRES };
    let db = Db {
        stack: s,
        id: format!("{}-db", s.prefix),
        engine: "postgres",
        version,
        class: class_of(s, "db.r6g.xlarge"),
        multi_az: s.env_index < 2 && !s.drift,
        public: s.drift,
    };
    out.push(db.instance(0, s.drift, "db"));
    if let Some(d) = dr {
        let replica = Db {
            stack: d,
            id: format!("{}-db", d.prefix),
            multi_az: false,
            public: false,
            ..db
        };
        out.push(
            replica
                .instance(1, false, "default")
                .with_edge(
                    Edge::new(Rel::ReplicaOf, kinds::DB_INSTANCE, db.id.clone())
                        .in_region(s.region)
                        .named(db.id.clone()),
                )
                .with("backup_retention", 0_i64),
        );
    }
}

/// The app's Aurora cluster with its members and, in prod and test, a
/// secondary cluster with one member in the DR region.
fn aurora(s: &Stack<'_>, dr: Option<&Stack<'_>>, out: &mut Vec<Resource>) {
    let id = format!("{}-aurora", s.prefix);
    let members = if s.env_index == 2 { 1 } else { 2 };
    out.extend(cluster(s, &id, members, "db", None));
    if let Some(d) = dr {
        let source = Edge::new(Rel::ReplicaOf, kinds::DB_CLUSTER, id.clone())
            .in_region(s.region)
            .named(id.clone());
        out.extend(cluster(
            d,
            &format!("{}-aurora", d.prefix),
            1,
            "default",
            Some(source),
        ));
    }
}

/// A cluster of `members` instances (`ID-1` the writer, in zone a, then
/// b …) in security group `sg`, replicating from `source` if any.
fn cluster(
    s: &Stack<'_>,
    id: &str,
    members: usize,
    sg: &str,
    source: Option<Edge>,
) -> Vec<Resource> {
    let (acct, region) = (s.plan.id.as_str(), s.region);
    let mut out = Vec::new();
    let subnets: Vec<String> = super::resources::AZ_LETTERS
        .iter()
        .map(|az| {
            ec2_id(
                "subnet",
                &[acct, region, &format!("{}-private-{az}", s.prefix)],
            )
        })
        .collect();
    let mut c = s
        .resource(kinds::DB_CLUSTER, region, id.to_string(), id, s.tags(id))
        .with_edge(Edge::new(Rel::InVpc, kinds::VPC, s.vpc_id()))
        .with_edge(security_group(s, sg))
        .with("engine", "aurora-postgresql")
        .with("engine_version", AURORA_POSTGRES)
        .with("engine_mode", "provisioned")
        .with("multi_az", members > 1)
        .with("storage_encrypted", true)
        .with("members", members as i64)
        .with("writer", format!("{id}-1"))
        .with("status", "available")
        .with(
            "endpoint",
            format!(
                "{id}.cluster-c{:010x}.{region}.rds.amazonaws.com",
                hash64(&[acct, region]) & 0xff_ffff_ffff
            ),
        )
        .with(
            "reader_endpoint",
            format!(
                "{id}.cluster-ro-c{:010x}.{region}.rds.amazonaws.com",
                hash64(&[acct, region]) & 0xff_ffff_ffff
            ),
        )
        .with("port", 5432_i64)
        .with(
            "backup_retention",
            if s.env_index == 0 { 14_i64 } else { 7 },
        )
        .with("deletion_protection", s.env_index == 0)
        .with("created", "2025-03-04T05:06:00Z");
    for subnet in subnets {
        c = c.with_edge(Edge::new(Rel::InSubnet, kinds::SUBNET, subnet));
    }
    if let Some(e) = &source {
        c = c.with_edge(e.clone());
    }
    out.push(c);
    for n in 0..members {
        let db = Db {
            stack: s,
            id: format!("{id}-{}", n + 1),
            engine: "aurora-postgresql",
            version: AURORA_POSTGRES,
            class: class_of(s, "db.r6g.large"),
            // Per instance, Aurora reports no Multi-AZ: the cluster has it.
            multi_az: false,
            public: false,
        };
        out.push(db.instance(n % 3, false, sg).with_edge(Edge::new(
            Rel::InCluster,
            kinds::DB_CLUSTER,
            id.to_string(),
        )));
    }
    out
}
