//! The serverless and container compute of a demo workload account: the
//! Lambda functions whose log groups the Tagging API already lists
//! ([`super::tagged`]) — `{app}-{env}-api` and `{app}-{env}-worker` in the
//! app's primary region, `{app}-{env}-dr-failover` in its
//! disaster-recovery region — and, for every third app (payments,
//! identity, billing …), an EKS cluster `{app}-{env}-eks` in the primary
//! region. Everything sits in its VPC's private subnets, in the app
//! tier's security group (`{prefix}-app`), and runs as a role of the
//! account that [`super::iam`] creates: `{account}-lambda` for the
//! functions, `{account}-eks-cluster` for a cluster.
//!
//! Ids are what the collector stores: the function name, the cluster
//! name. Subnet and group ids are derived as [`super::resources`] derives
//! them (a test holds every edge to a resource of the estate).
//!
//! Drift of the drifted test twin (`payments-test`), primary region only:
//! its `api` function still runs `python3.9` where prod moved to
//! `python3.12`, its `worker` has half prod's memory and lost its `owner`
//! tag, and its cluster is a Kubernetes minor behind (`1.29`) with its
//! API endpoint public to `0.0.0.0/0` — prod's is private, its public
//! access list kept at the office range from before it was closed.

use crate::model::{Edge, GLOBAL, Rel, Resource, Tags, kinds};

use super::resources::{AZ_LETTERS, Part, Stack, stacks};
use super::{Plan, Role, ec2_id, hash_upper, hash64};

/// Does app number `app` run an EKS cluster?
pub(super) fn has_eks(app: usize) -> bool {
    app.is_multiple_of(3)
}

/// The Kubernetes version of the clusters, and the one a drifted twin
/// kept.
const K8S: &str = "1.30";
const K8S_BEHIND: &str = "1.29";

/// `(function, runtime, memory MB, timeout s, architecture, handler)`.
type Function = (
    &'static str,
    &'static str,
    i64,
    i64,
    &'static str,
    &'static str,
);

const PRIMARY: [Function; 2] = [
    ("api", "python3.12", 512, 30, "arm64", "app.api.handler"),
    (
        "worker",
        "python3.12",
        1024,
        300,
        "arm64",
        "app.worker.handler",
    ),
];
const DR: [Function; 1] = [(
    "failover",
    "python3.12",
    256,
    60,
    "x86_64",
    "failover.handler",
)];

/// Push the functions and clusters of one (active, readable) account:
/// only workload accounts have any.
pub(super) fn account_compute(plan: &Plan, out: &mut Vec<Resource>) {
    let Role::Workload { app, .. } = plan.role else {
        return;
    };
    for stack in stacks(plan) {
        let net = Net::of(&stack);
        let functions: &[Function] = match stack.part {
            Part::App => &PRIMARY,
            Part::Dr => &DR,
            Part::Shared | Part::Lab => &[],
        };
        for f in functions {
            out.push(function(&stack, &net, *f));
        }
        if stack.part == Part::App && has_eks(app) {
            out.push(cluster(&stack, &net));
        }
    }
}

/// Where a stack's compute sits: the VPC, its private subnets and the app
/// tier's security group, by the ids `resources` gave them.
struct Net {
    vpc: String,
    private_subnets: Vec<String>,
    app_sg: String,
    app_sg_name: String,
}

impl Net {
    fn of(stack: &Stack) -> Net {
        let (acct, region) = (stack.plan.id.as_str(), stack.region);
        let private_subnets = AZ_LETTERS
            .iter()
            .map(|az| {
                let name = format!("{}-private-{az}", stack.prefix);
                ec2_id("subnet", &[acct, region, &name])
            })
            .collect();
        Net {
            vpc: stack.vpc_id(),
            private_subnets,
            app_sg: ec2_id("sg", &[acct, region, &stack.vpc_name(), "app"]),
            app_sg_name: format!("{}-app", stack.prefix),
        }
    }

    /// The edges every function and cluster of the stack has.
    fn place(&self, mut r: Resource) -> Resource {
        r = r.with_edge(Edge::new(Rel::InVpc, kinds::VPC, self.vpc.clone()));
        for s in &self.private_subnets {
            r = r.with_edge(Edge::new(Rel::InSubnet, kinds::SUBNET, s.clone()));
        }
        r.with_edge(
            Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, self.app_sg.clone())
                .named(self.app_sg_name.clone()),
        )
    }
}

/// The account's role `name`, as the collector's edge names it.
fn runs_as(name: String) -> Edge {
    Edge::new(Rel::RunsAs, kinds::IAM_ROLE, format!("role/{name}"))
        .named(name)
        .in_region(GLOBAL)
}

/// The stack's tags, less `Name`: functions and clusters are named by
/// themselves.
fn tags(stack: &Stack) -> Tags {
    let mut t = stack.tags("");
    t.remove("Name");
    t
}

fn function(stack: &Stack, net: &Net, f: Function) -> Resource {
    let (suffix, mut runtime, mut memory, timeout, arch, handler) = f;
    let (acct, region) = (stack.plan.id.as_str(), stack.region);
    let name = format!("{}-{suffix}", stack.prefix);
    let mut tags = tags(stack);
    if stack.drift {
        match suffix {
            "api" => runtime = "python3.9",
            "worker" => {
                memory /= 2;
                tags.remove("owner");
            }
            _ => {}
        }
    }
    let h = hash64(&["lambda", acct, region, &name]);
    let mut r = Resource::new(kinds::LAMBDA_FUNCTION, acct, region, &name);
    r.name = Some(name.clone());
    r.tags = tags;
    net.place(r)
        .with_edge(runs_as(format!("{}-lambda", stack.plan.name)))
        .with("runtime", runtime)
        .with("memory", memory)
        .with("timeout", timeout)
        .with("architecture", arch)
        .with("package_type", "Zip")
        .with("handler", handler)
        .with(
            "last_modified",
            format!(
                "2026-{:02}-{:02}T{:02}:{:02}:{:02}Z",
                1 + h % 11,
                1 + (h >> 8) % 28,
                (h >> 16) % 24,
                (h >> 24) % 60,
                (h >> 32) % 60
            ),
        )
        .with("code_size", 40_000 + (h >> 40) as i64 % 4_000_000)
        .with("state", "Active")
}

fn cluster(stack: &Stack, net: &Net) -> Resource {
    let (acct, region) = (stack.plan.id.as_str(), stack.region);
    let name = format!("{}-eks", stack.prefix);
    let mut r = Resource::new(kinds::EKS_CLUSTER, acct, region, &name);
    r.name = Some(name.clone());
    r.tags = tags(stack);
    let (version, platform, public, cidrs) = if stack.drift {
        (K8S_BEHIND, "eks.21", true, "0.0.0.0/0")
    } else {
        (K8S, "eks.9", false, "203.0.113.0/24")
    };
    let endpoint = format!(
        "https://{}.gr7.{region}.eks.amazonaws.com",
        hash_upper(&["eks", acct, region, &name], 32)
    );
    net.place(r)
        .with_edge(runs_as(format!("{}-eks-cluster", stack.plan.name)))
        .with("version", version)
        .with("platform_version", platform)
        .with("status", "ACTIVE")
        .with("endpoint_public_access", public)
        .with("endpoint_private_access", true)
        .with("public_access_cidrs", vec![cidrs.to_string()])
        .with("endpoint", endpoint)
}
