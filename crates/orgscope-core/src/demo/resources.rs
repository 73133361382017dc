//! The EC2 inventory of one demo account: the default VPC every region has,
//! then what the account's role calls for — a three-tier app (ALB, web, app,
//! workers, databases, a bastion) in its primary region with a smaller
//! disaster-recovery copy in the secondary one, a lab in a sandbox, a few
//! security tools. It owns the realism rules: CIDRs that nest, private IPs
//! inside their subnet, volumes attached to real instances, and consistent
//! `Name`/`env`/`app`/`owner`/`cost-center` tags. Resources are built as a
//! collector would build them: fields by their descriptor names, references
//! (VPC, subnet, security groups, attachments) as edges. Each VPC built here
//! is then wired ([`super::network`]) and, for an app, given its load
//! balancer ([`super::balancers`]).
//!
//! Twins (an app's prod, test and dev accounts) reuse the app's CIDRs, AMIs
//! and instance types — a common pattern for isolated accounts — so a diff
//! of prod against test shows only the deliberate drift of every eighth app's
//! test account: `worker-4` missing, `app-1` on a smaller instance type, an
//! extra `0.0.0.0/0` rule on the `db` security group, no `owner` tag on
//! `web-2`, and its bastion's Elastic IP left idle instead of attached —
//! then its wiring drift, told in [`super::network`] (the default route
//! and, for `payments`, the peering) and [`super::balancers`] (the load
//! balancer's scheme and the health check path). Dev uses smaller instance
//! types, as dev accounts do.

use crate::model::{Edge, Kind, Rel, Resource, RulePeer, SgRule, Tags, kinds};

use super::network::Org;
use super::{ENVS, Plan, REGIONS, Role, app_name, balancers, ec2_id, hash64, network};

pub(super) const AZ_LETTERS: [&str; 3] = ["a", "b", "c"];

/// `(tier, count, prod/test type, dev type, data volume GiB)`.
type Tier = (&'static str, usize, &'static str, &'static str, i64);

const TIERS: [Tier; 5] = [
    ("bastion", 1, "t3.micro", "t3.micro", 0),
    ("web", 4, "t3.medium", "t3.small", 0),
    ("app", 6, "m5.xlarge", "m5.large", 0),
    ("worker", 4, "c5.xlarge", "c5.large", 100),
    ("db", 2, "r5.xlarge", "r5.large", 500),
];

/// The disaster-recovery copy: fewer tiers, fewer instances.
const DR_TIERS: [Tier; 2] = [
    ("web", 4, "t3.medium", "t3.small", 0),
    ("app", 4, "m5.xlarge", "m5.large", 0),
];

/// The security tooling of `security-audit` and `log-archive`.
const COLLECTOR_TIERS: [Tier; 1] = [("collector", 2, "m5.large", "m5.large", 200)];

/// A sandbox lab.
const SCRATCH_TIERS: [Tier; 1] = [("scratch", 3, "t3.large", "t3.large", 50)];

/// What part a VPC plays, which decides how it is wired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Part {
    /// An app's VPC in its primary region: NAT, endpoints, load balancer.
    App,
    /// The disaster-recovery copy: out through the Transit Gateway.
    Dr,
    /// The tooling VPC of `security-audit` or `log-archive`.
    Shared,
    /// A sandbox lab: no internet gateway (an SCP denies them), no hub.
    Lab,
}

pub(crate) fn owner_of(app: &str) -> String {
    format!("{app}-team@example.com")
}

pub(crate) fn cost_center_of(app: &str) -> String {
    format!("CC-{}", 1000 + hash64(&["cc", app]) % 9000)
}

/// Push every resource of one (active, readable) account.
pub(crate) fn account_resources(plan: &Plan, org: &Org, out: &mut Vec<Resource>) {
    for region in REGIONS {
        default_vpc(plan, region, out);
    }
    for stack in stacks(plan) {
        let built = stack.build(out);
        network::wire(&stack, &built, org, out);
        if stack.part == Part::App {
            balancers::app_load_balancer(&stack, &built, out);
        }
    }
    if plan.role == Role::Network {
        network::hub(plan, org, out);
    }
}

/// The VPCs an account's role calls for, each as the stack that builds it.
/// The network account's hub reads this too, to list every VPC attached
/// to it — the denied account's included, whose own inventory is unread.
pub(super) fn stacks(plan: &Plan) -> Vec<Stack<'_>> {
    match plan.role {
        Role::Workload { app, env } => {
            let stack = Stack::new(plan, app, env);
            // Drift is staged in the primary region only, so each flaw
            // shows up exactly once in a prod/test diff.
            let dr = Stack {
                drift: false,
                prefix: format!("{}-dr", stack.prefix),
                region: REGIONS[1 - app % 2],
                base: 128,
                tiers: &DR_TIERS,
                part: Part::Dr,
                ..stack.clone()
            };
            vec![stack, dr]
        }
        Role::SecurityAudit | Role::LogArchive => {
            let mut stack = Stack::new(plan, 0, 0);
            stack.app = "security".to_string();
            stack.env = "shared".to_string();
            stack.prefix = plan.name.clone();
            stack.octet = if plan.role == Role::SecurityAudit {
                250
            } else {
                251
            };
            stack.region = REGIONS[0];
            stack.tiers = &COLLECTOR_TIERS;
            stack.part = Part::Shared;
            vec![stack]
        }
        Role::Sandbox => {
            let mut stack = Stack::new(plan, 0, 2);
            stack.app = "sandbox".to_string();
            stack.env = "sandbox".to_string();
            stack.prefix = "alice-lab".to_string();
            stack.octet = 200;
            // Sandboxes are where tagging discipline goes to die.
            stack.untidy = true;
            stack.region = REGIONS[0];
            stack.tiers = &SCRATCH_TIERS;
            stack.part = Part::Lab;
            vec![stack]
        }
        Role::Management | Role::Network | Role::SandboxSuspended => Vec::new(),
    }
}

/// The default VPC, subnets and security group AWS creates in every region.
fn default_vpc(plan: &Plan, region: &str, out: &mut Vec<Resource>) {
    let vpc_id = ec2_id("vpc", &[&plan.id, region, "default"]);
    let cidr = "172.31.0.0/16";
    out.push(vpc(
        Resource::new(kinds::VPC, &plan.id, region, &vpc_id),
        cidr,
        true,
    ));
    for (i, az) in AZ_LETTERS.iter().enumerate() {
        let id = ec2_id("subnet", &[&plan.id, region, "default", az]);
        out.push(
            Resource::new(kinds::SUBNET, &plan.id, region, id)
                .with_edge(in_vpc(&vpc_id))
                .with("cidr", format!("172.31.{}.0/20", i * 16))
                .with("az", format!("{region}{az}"))
                .with("public", true)
                .with("default_for_az", true)
                .with("available_ips", 4091_i64)
                .with("state", "available"),
        );
    }
    let sg_id = ec2_id("sg", &[&plan.id, region, "default"]);
    out.push(default_sg(
        Resource::new(kinds::SECURITY_GROUP, &plan.id, region, &sg_id),
        &vpc_id,
    ));
    network::default_vpc_wiring(&plan.id, region, &vpc_id, cidr, out);
}

pub(super) fn in_vpc(vpc_id: &str) -> Edge {
    Edge::new(Rel::InVpc, kinds::VPC, vpc_id)
}

/// Fill in a VPC with one IPv4 CIDR.
fn vpc(r: Resource, cidr: &str, is_default: bool) -> Resource {
    r.with("cidr", cidr)
        .with("cidr_blocks", vec![cidr.to_string()])
        .with("is_default", is_default)
        .with("state", "available")
}

/// Fill in the `default` group of a VPC: it lets its own members in.
fn default_sg(mut r: Resource, vpc_id: &str) -> Resource {
    let ingress = vec![rule(
        "all",
        None,
        None,
        RulePeer::SecurityGroup(r.id.clone()),
        None,
    )];
    r.name = Some("default".to_string());
    r.with_edge(in_vpc(vpc_id))
        .with("group_name", "default")
        .with("description", "default VPC security group")
        .with("ingress", ingress)
        .with("egress", vec![egress_all()])
}

fn rule(
    protocol: &str,
    from: Option<i32>,
    to: Option<i32>,
    peer: RulePeer,
    description: Option<&str>,
) -> SgRule {
    SgRule {
        protocol: protocol.to_string(),
        from_port: from,
        to_port: to,
        peer,
        description: description.map(str::to_string),
    }
}

fn tcp(port: i32, peer: RulePeer, description: &str) -> SgRule {
    rule("tcp", Some(port), Some(port), peer, Some(description))
}

fn egress_all() -> SgRule {
    rule(
        "all",
        None,
        None,
        RulePeer::Cidr("0.0.0.0/0".to_string()),
        None,
    )
}

/// One application VPC with its subnets, security groups, instances and
/// volumes, named `{prefix}-...` (`payments-prod-web-1`).
#[derive(Clone)]
pub(super) struct Stack<'p> {
    pub plan: &'p Plan,
    /// The app number of a workload stack (0 for the others).
    pub app_no: usize,
    pub app: String,
    pub env: String,
    pub env_index: usize,
    /// `payments-prod`: the stem of every Name tag.
    pub prefix: String,
    /// Second octet of the `10.x.0.0/16` the app's accounts share.
    pub octet: usize,
    /// Drop `cost-center` on some resources and `owner` on others.
    pub untidy: bool,
    /// This account is a drifted test twin (see the module docs).
    pub drift: bool,
    pub region: &'static str,
    /// Third octet the VPC's `/17` starts at.
    pub base: usize,
    pub tiers: &'static [Tier],
    pub part: Part,
}

/// What [`Stack::build`] made that the wiring and the load balancer refer
/// to.
pub(super) struct Built {
    pub vpc_id: String,
    /// `(subnet id, third octet, AZ)`, one per AZ.
    pub public_subnets: Vec<(String, usize, String)>,
    pub private_subnets: Vec<(String, usize, String)>,
    /// The VPC's `default` security group.
    pub default_sg: String,
    /// The `{prefix}-alb` security group.
    pub alb_sg: String,
    /// `(instance id, name, running)` of the web tier, in order.
    pub web: Vec<(String, String, bool)>,
}

impl<'p> Stack<'p> {
    fn new(plan: &'p Plan, app: usize, env: usize) -> Stack<'p> {
        let app_s = app_name(app);
        Stack {
            plan,
            app_no: app,
            prefix: format!("{app_s}-{}", ENVS[env]),
            app: app_s,
            env: ENVS[env].to_string(),
            env_index: env,
            octet: 10 + app % 240,
            untidy: false,
            drift: env == 1 && app.is_multiple_of(8),
            region: REGIONS[app % 2],
            base: 0,
            tiers: &TIERS,
            part: Part::App,
        }
    }

    /// The VPC's Name tag.
    pub fn vpc_name(&self) -> String {
        format!("{}-vpc", self.prefix)
    }

    pub fn vpc_id(&self) -> String {
        ec2_id("vpc", &[&self.plan.id, self.region, &self.vpc_name()])
    }

    pub fn vpc_cidr(&self) -> String {
        format!("10.{}.{}.0/17", self.octet, self.base)
    }

    pub fn tags(&self, name: &str) -> Tags {
        let mut t = Tags::new();
        t.insert("Name".to_string(), name.to_string());
        t.insert("env".to_string(), self.env.clone());
        t.insert("app".to_string(), self.app.clone());
        t.insert("owner".to_string(), owner_of(&self.app));
        t.insert("cost-center".to_string(), cost_center_of(&self.app));
        t
    }

    /// A named, tagged resource of this stack's account.
    pub fn resource(
        &self,
        kind: Kind,
        region: &str,
        id: String,
        name: &str,
        tags: Tags,
    ) -> Resource {
        let mut r = Resource::new(kind, &self.plan.id, region, id);
        r.name = Some(name.to_string());
        r.tags = tags;
        r
    }

    /// The Elastic IP of a public host (`payments-prod-bastion-1-eip`),
    /// attached to it — except in a drifted test twin, where the address
    /// was re-allocated and left idle (still billed, reaching nothing).
    fn elastic_ip(
        &self,
        region: &str,
        host: &str,
        instance_id: &str,
        public_ip: &str,
        private_ip: &str,
    ) -> Resource {
        let acct = &self.plan.id;
        let name = format!("{host}-eip");
        let id = ec2_id("eipalloc", &[acct, region, &name]);
        let eip = self
            .resource(kinds::ELASTIC_IP, region, id, &name, self.tags(&name))
            .with("public_ip", public_ip)
            .with("domain", "vpc")
            .with("network_border_group", region)
            .with("public_ipv4_pool", "amazon");
        if self.drift {
            return eip;
        }
        eip.with_edge(Edge::new(Rel::AttachedTo, kinds::INSTANCE, instance_id))
            .with("association_id", ec2_id("eipassoc", &[acct, region, &name]))
            .with("private_ip", private_ip)
            .with("network_interface_id", ec2_id("eni", &[acct, region, host]))
    }

    /// Build the VPC in the stack's region using `10.{octet}.{base}.0/17`.
    fn build(&self, out: &mut Vec<Resource>) -> Built {
        let (region, base, tiers) = (self.region, self.base, self.tiers);
        let acct = self.plan.id.as_str();
        let o = self.octet;
        let vpc_name = self.vpc_name();
        let vpc_id = self.vpc_id();
        let vpc_cidr = self.vpc_cidr();
        out.push(vpc(
            self.resource(
                kinds::VPC,
                region,
                vpc_id.clone(),
                &vpc_name,
                self.tags(&vpc_name),
            ),
            &vpc_cidr,
            false,
        ));

        // Public subnets x.{base+0..3}, private x.{base+10..13}.
        let mut private_subnets = Vec::new();
        let mut public_subnets = Vec::new();
        for (public, third) in [(true, base), (false, base + 10)] {
            for (i, az) in AZ_LETTERS.iter().enumerate() {
                let kind = if public { "public" } else { "private" };
                let name = format!("{}-{kind}-{az}", self.prefix);
                let id = ec2_id("subnet", &[acct, region, &name]);
                let third = third + i;
                let entry = (id.clone(), third, format!("{region}{az}"));
                if public {
                    public_subnets.push(entry);
                } else {
                    private_subnets.push(entry);
                }
                out.push(
                    self.resource(kinds::SUBNET, region, id, &name, self.tags(&name))
                        .with_edge(in_vpc(&vpc_id))
                        .with("cidr", format!("10.{o}.{third}.0/24"))
                        .with("az", format!("{region}{az}"))
                        .with("public", public)
                        .with("default_for_az", false)
                        .with("available_ips", 240 - (hash64(&[&name, acct]) % 40) as i64)
                        .with("state", "available"),
                );
            }
        }

        // Security groups: the VPC's default, the load balancer, one per tier.
        let sg = |n: &str| ec2_id("sg", &[acct, region, &vpc_name, n]);
        let default_id = sg("default");
        out.push(default_sg(
            Resource::new(kinds::SECURITY_GROUP, acct, region, default_id.clone()),
            &vpc_id,
        ));
        let has_bastion = tiers.iter().any(|t| t.0 == "bastion");
        let world = || RulePeer::Cidr("0.0.0.0/0".to_string());
        let from_sg = |n: &str| RulePeer::SecurityGroup(sg(n));
        let mut groups: Vec<(&str, Vec<SgRule>)> = vec![(
            "alb",
            vec![
                tcp(443, world(), "HTTPS"),
                tcp(80, world(), "HTTP redirect"),
            ],
        )];
        for (tier, ..) in tiers {
            let ingress = match *tier {
                "bastion" => vec![tcp(
                    22,
                    RulePeer::Cidr("203.0.113.0/24".to_string()),
                    "office VPN",
                )],
                "web" if has_bastion => vec![
                    tcp(8080, from_sg("alb"), "from ALB"),
                    tcp(22, from_sg("bastion"), "ssh from bastion"),
                ],
                "web" => vec![tcp(8080, from_sg("alb"), "from ALB")],
                "app" => vec![tcp(8443, from_sg("web"), "from web tier")],
                "worker" => vec![tcp(9090, from_sg("app"), "metrics scrape")],
                "db" => {
                    let mut rules = vec![tcp(5432, from_sg("app"), "postgres from app")];
                    if self.drift {
                        rules.push(tcp(5432, world(), "temporary debug access"));
                    }
                    rules
                }
                _ => vec![tcp(
                    22,
                    RulePeer::Cidr("203.0.113.0/24".to_string()),
                    "office VPN",
                )],
            };
            groups.push((tier, ingress));
        }
        for (tier, mut ingress) in groups {
            ingress.sort();
            let group_name = format!("{}-{tier}", self.prefix);
            let id = sg(tier);
            out.push(
                self.resource(
                    kinds::SECURITY_GROUP,
                    region,
                    id,
                    &group_name,
                    self.tags(&group_name),
                )
                .with_edge(in_vpc(&vpc_id))
                .with("group_name", group_name.clone())
                .with("description", format!("{tier} tier of {}", self.prefix))
                .with("ingress", ingress)
                .with("egress", vec![egress_all()]),
            );
        }

        // Instances, spread over the AZs, each with its root volume and, for
        // stateful tiers, a data volume.
        let ami = ec2_id("ami", &[&self.app, region]);
        let mut web = Vec::new();
        for (tier_no, (tier, count, big, small, data_gib)) in tiers.iter().enumerate() {
            for n in 1..=*count {
                let name = format!("{}-{tier}-{n}", self.prefix);
                if self.drift && *tier == "worker" && n == 4 {
                    continue;
                }
                let mut itype = if self.env_index == 2 { *small } else { *big };
                if self.drift && *tier == "app" && n == 1 {
                    itype = "m5.large";
                }
                let mut tags = self.tags(&name);
                tags.insert("role".to_string(), tier.to_string());
                if self.drift && *tier == "web" && n == 2 {
                    tags.remove("owner");
                }
                if self.untidy {
                    if n % 2 == 0 {
                        tags.remove("owner");
                    } else {
                        tags.remove("cost-center");
                    }
                }
                let az_i = (n - 1) % AZ_LETTERS.len();
                let (subnet_id, third, az) = if *tier == "bastion" {
                    public_subnets[az_i].clone()
                } else {
                    private_subnets[az_i].clone()
                };
                let host = 10 + tier_no * 20 + n;
                let id = ec2_id("i", &[acct, region, &name]);
                let h = hash64(&[acct, &name, "launch"]);
                let stopped =
                    (self.env_index == 2 && *tier == "worker" && n == 4) || (self.untidy && n == 3);
                let public_ip = (*tier == "bastion").then(|| {
                    format!(
                        "52.{}.{}.{}",
                        16 + h % 100,
                        (h >> 8) % 256,
                        1 + (h >> 16) % 254
                    )
                });
                let private_ip = format!("10.{o}.{third}.{host}");
                if let Some(ip) = &public_ip {
                    out.push(self.elastic_ip(region, &name, &id, ip, &private_ip));
                }
                if *tier == "web" {
                    web.push((id.clone(), name.clone(), !stopped));
                }
                // Linux: `platform` stays null, as EC2 reports it.
                out.push(
                    self.resource(kinds::INSTANCE, region, id.clone(), &name, tags)
                        .with_edge(in_vpc(&vpc_id))
                        .with_edge(Edge::new(Rel::InSubnet, kinds::SUBNET, subnet_id))
                        .with_edge(
                            Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, sg(tier))
                                .named(format!("{}-{tier}", self.prefix)),
                        )
                        .with("instance_type", itype)
                        .with("state", if stopped { "stopped" } else { "running" })
                        .with("image_id", ami.clone())
                        .with("architecture", "x86_64")
                        .with("private_ip", private_ip)
                        .with("public_ip", public_ip)
                        .with("az", az.clone())
                        .with(
                            "launch_time",
                            format!(
                                "2026-{:02}-{:02}T{:02}:{:02}:00Z",
                                1 + h % 10,
                                1 + (h >> 4) % 28,
                                (h >> 12) % 24,
                                (h >> 20) % 60
                            ),
                        )
                        .with("key_name", format!("{}-ops", self.prefix)),
                );
                let mut volumes = vec![("root", "/dev/xvda", 20)];
                if *data_gib > 0 {
                    volumes.push(("data", "/dev/sdf", *data_gib));
                }
                for (kind, device, size) in volumes {
                    let vname = format!("{name}-{kind}");
                    let mut vtags = self.tags(&vname);
                    if self.untidy {
                        vtags.remove("owner");
                    }
                    let vol_id = ec2_id("vol", &[acct, region, &vname]);
                    out.push(
                        self.resource(kinds::VOLUME, region, vol_id, &vname, vtags)
                            .with_edge(
                                Edge::new(Rel::AttachedTo, kinds::INSTANCE, id.clone())
                                    .attr("device", device)
                                    .attr("state", "attached"),
                            )
                            .with("size_gib", size)
                            .with("volume_type", "gp3")
                            .with("state", "in-use")
                            .with("az", az.clone())
                            .with("encrypted", !self.untidy)
                            .with("iops", 3000_i64),
                    );
                }
            }
        }
        Built {
            vpc_id,
            public_subnets,
            private_subnets,
            default_sg: default_id,
            alb_sg: sg("alb"),
            web,
        }
    }
}
