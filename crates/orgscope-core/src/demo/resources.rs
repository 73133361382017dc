//! The EC2 inventory of one demo account: the default VPC every region has,
//! then what the account's role calls for — a three-tier app (ALB, web, app,
//! workers, databases, a bastion) in its primary region with a smaller
//! disaster-recovery copy in the secondary one, a lab in a sandbox, a few
//! security tools. It owns the realism rules: CIDRs that nest, private IPs
//! inside their subnet, volumes attached to real instances, and consistent
//! `Name`/`env`/`app`/`owner`/`cost-center` tags.
//!
//! Twins (an app's prod, test and dev accounts) reuse the app's CIDRs, AMIs
//! and instance types — a common pattern for isolated accounts — so a diff
//! of prod against test shows only the deliberate drift of every eighth app's
//! test account: `worker-4` missing, `app-1` on a smaller instance type, an
//! extra `0.0.0.0/0` rule on the `db` security group, and no `owner` tag on
//! `web-2`. Dev uses smaller instance types, as dev accounts do.

use crate::model::{
    Details, GroupRef, Instance, Resource, RulePeer, SecurityGroup, SgRule, Subnet, Tags, Volume,
    VolumeAttachment, Vpc,
};

use super::{ENVS, Plan, REGIONS, Role, app_name, ec2_id, hash64};

const AZ_LETTERS: [&str; 3] = ["a", "b", "c"];

/// `(tier, count, prod/test type, dev type, data volume GiB)`.
const TIERS: [(&str, usize, &str, &str, i64); 5] = [
    ("bastion", 1, "t3.micro", "t3.micro", 0),
    ("web", 4, "t3.medium", "t3.small", 0),
    ("app", 6, "m5.xlarge", "m5.large", 0),
    ("worker", 4, "c5.xlarge", "c5.large", 100),
    ("db", 2, "r5.xlarge", "r5.large", 500),
];

/// The disaster-recovery copy: fewer tiers, fewer instances.
const DR_TIERS: [(&str, usize, &str, &str, i64); 2] = [
    ("web", 4, "t3.medium", "t3.small", 0),
    ("app", 4, "m5.xlarge", "m5.large", 0),
];

pub(crate) fn owner_of(app: &str) -> String {
    format!("{app}-team@example.com")
}

pub(crate) fn cost_center_of(app: &str) -> String {
    format!("CC-{}", 1000 + hash64(&["cc", app]) % 9000)
}

/// Push every resource of one (active, readable) account.
pub(crate) fn account_resources(plan: &Plan, out: &mut Vec<Resource>) {
    for region in REGIONS {
        default_vpc(plan, region, out);
    }
    match plan.role {
        Role::Workload { app, env } => {
            let primary = REGIONS[app % 2];
            let secondary = REGIONS[1 - app % 2];
            let stack = Stack::new(plan, app, env);
            stack.build(primary, 0, &TIERS, out);
            // Drift is staged in the primary region only, so each flaw
            // shows up exactly once in a prod/test diff.
            Stack {
                drift: false,
                prefix: format!("{}-dr", stack.prefix),
                ..stack
            }
            .build(secondary, 128, &DR_TIERS, out);
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
            stack.build(
                REGIONS[0],
                0,
                &[("collector", 2, "m5.large", "m5.large", 200)],
                out,
            );
        }
        Role::Sandbox => {
            let mut stack = Stack::new(plan, 0, 2);
            stack.app = "sandbox".to_string();
            stack.env = "sandbox".to_string();
            stack.prefix = "alice-lab".to_string();
            stack.octet = 200;
            // Sandboxes are where tagging discipline goes to die.
            stack.untidy = true;
            stack.build(
                REGIONS[0],
                0,
                &[("scratch", 3, "t3.large", "t3.large", 50)],
                out,
            );
        }
        Role::Management | Role::SandboxSuspended => {}
    }
}

/// The default VPC, subnets and security group AWS creates in every region.
fn default_vpc(plan: &Plan, region: &str, out: &mut Vec<Resource>) {
    let vpc_id = ec2_id("vpc", &[&plan.id, region, "default"]);
    let cidr = "172.31.0.0/16".to_string();
    out.push(Resource {
        account_id: plan.id.clone(),
        region: region.to_string(),
        id: vpc_id.clone(),
        name: None,
        tags: Tags::new(),
        details: Details::Vpc(Vpc {
            cidr_block: cidr.clone(),
            cidr_blocks: vec![cidr],
            is_default: true,
            state: "available".to_string(),
        }),
    });
    for (i, az) in AZ_LETTERS.iter().enumerate() {
        out.push(Resource {
            account_id: plan.id.clone(),
            region: region.to_string(),
            id: ec2_id("subnet", &[&plan.id, region, "default", az]),
            name: None,
            tags: Tags::new(),
            details: Details::Subnet(Subnet {
                vpc_id: vpc_id.clone(),
                cidr_block: format!("172.31.{}.0/20", i * 16),
                availability_zone: format!("{region}{az}"),
                public: true,
                default_for_az: true,
                available_ips: Some(4091),
                state: "available".to_string(),
            }),
        });
    }
    let sg_id = ec2_id("sg", &[&plan.id, region, "default"]);
    out.push(Resource {
        account_id: plan.id.clone(),
        region: region.to_string(),
        id: sg_id.clone(),
        name: Some("default".to_string()),
        tags: Tags::new(),
        details: Details::SecurityGroup(default_sg(&sg_id, &vpc_id)),
    });
}

fn default_sg(sg_id: &str, vpc_id: &str) -> SecurityGroup {
    SecurityGroup {
        group_name: "default".to_string(),
        description: "default VPC security group".to_string(),
        vpc_id: Some(vpc_id.to_string()),
        ingress: vec![rule(
            "all",
            None,
            None,
            RulePeer::SecurityGroup(sg_id.to_string()),
            None,
        )],
        egress: vec![egress_all()],
    }
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
struct Stack<'p> {
    plan: &'p Plan,
    app: String,
    env: String,
    env_index: usize,
    /// `payments-prod`: the stem of every Name tag.
    prefix: String,
    /// Second octet of the `10.x.0.0/16` the app's accounts share.
    octet: usize,
    /// Drop `cost-center` on some resources and `owner` on others.
    untidy: bool,
    /// This account is a drifted test twin (see the module docs).
    drift: bool,
}

impl<'p> Stack<'p> {
    fn new(plan: &'p Plan, app: usize, env: usize) -> Stack<'p> {
        let app_s = app_name(app);
        Stack {
            plan,
            prefix: format!("{app_s}-{}", ENVS[env]),
            app: app_s,
            env: ENVS[env].to_string(),
            env_index: env,
            octet: 10 + app % 240,
            untidy: false,
            drift: env == 1 && app.is_multiple_of(8),
        }
    }

    fn tags(&self, name: &str) -> Tags {
        let mut t = Tags::new();
        t.insert("Name".to_string(), name.to_string());
        t.insert("env".to_string(), self.env.clone());
        t.insert("app".to_string(), self.app.clone());
        t.insert("owner".to_string(), owner_of(&self.app));
        t.insert("cost-center".to_string(), cost_center_of(&self.app));
        t
    }

    fn resource(&self, region: &str, id: String, name: &str, tags: Tags, d: Details) -> Resource {
        Resource {
            account_id: self.plan.id.clone(),
            region: region.to_string(),
            id,
            name: Some(name.to_string()),
            tags,
            details: d,
        }
    }

    /// Build the VPC in `region` using `10.{octet}.{base}.0/17`.
    fn build(
        &self,
        region: &str,
        base: usize,
        tiers: &[(&str, usize, &str, &str, i64)],
        out: &mut Vec<Resource>,
    ) {
        let acct = self.plan.id.as_str();
        let o = self.octet;
        let vpc_name = format!("{}-vpc", self.prefix);
        let vpc_id = ec2_id("vpc", &[acct, region, &vpc_name]);
        let vpc_cidr = format!("10.{o}.{base}.0/17");
        out.push(self.resource(
            region,
            vpc_id.clone(),
            &vpc_name,
            self.tags(&vpc_name),
            Details::Vpc(Vpc {
                cidr_block: vpc_cidr.clone(),
                cidr_blocks: vec![vpc_cidr],
                is_default: false,
                state: "available".to_string(),
            }),
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
                out.push(self.resource(
                    region,
                    id,
                    &name,
                    self.tags(&name),
                    Details::Subnet(Subnet {
                        vpc_id: vpc_id.clone(),
                        cidr_block: format!("10.{o}.{third}.0/24"),
                        availability_zone: format!("{region}{az}"),
                        public,
                        default_for_az: false,
                        available_ips: Some(240 - (hash64(&[&name, acct]) % 40) as i64),
                        state: "available".to_string(),
                    }),
                ));
            }
        }

        // Security groups: the VPC's default, the load balancer, one per tier.
        let sg = |n: &str| ec2_id("sg", &[acct, region, &vpc_name, n]);
        let default_id = sg("default");
        out.push(Resource {
            account_id: acct.to_string(),
            region: region.to_string(),
            id: default_id.clone(),
            name: Some("default".to_string()),
            tags: Tags::new(),
            details: Details::SecurityGroup(default_sg(&default_id, &vpc_id)),
        });
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
            out.push(self.resource(
                region,
                id,
                &group_name,
                self.tags(&group_name),
                Details::SecurityGroup(SecurityGroup {
                    group_name: group_name.clone(),
                    description: format!("{tier} tier of {}", self.prefix),
                    vpc_id: Some(vpc_id.clone()),
                    ingress,
                    egress: vec![egress_all()],
                }),
            ));
        }

        // Instances, spread over the AZs, each with its root volume and, for
        // stateful tiers, a data volume.
        let ami = ec2_id("ami", &[&self.app, region]);
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
                out.push(self.resource(
                    region,
                    id.clone(),
                    &name,
                    tags,
                    Details::Instance(Instance {
                        instance_type: itype.to_string(),
                        state: if stopped { "stopped" } else { "running" }.to_string(),
                        image_id: Some(ami.clone()),
                        platform: None,
                        architecture: Some("x86_64".to_string()),
                        private_ip: Some(format!("10.{o}.{third}.{host}")),
                        public_ip,
                        vpc_id: Some(vpc_id.clone()),
                        subnet_id: Some(subnet_id),
                        availability_zone: Some(az.clone()),
                        launch_time: Some(format!(
                            "2026-{:02}-{:02}T{:02}:{:02}:00Z",
                            1 + h % 10,
                            1 + (h >> 4) % 28,
                            (h >> 12) % 24,
                            (h >> 20) % 60
                        )),
                        key_name: Some(format!("{}-ops", self.prefix)),
                        security_groups: vec![GroupRef {
                            id: sg(tier),
                            name: format!("{}-{tier}", self.prefix),
                        }],
                    }),
                ));
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
                    out.push(self.resource(
                        region,
                        ec2_id("vol", &[acct, region, &vname]),
                        &vname,
                        vtags,
                        Details::Volume(Volume {
                            size_gib: size,
                            volume_type: "gp3".to_string(),
                            state: "in-use".to_string(),
                            availability_zone: az.clone(),
                            encrypted: !self.untidy,
                            iops: Some(3000),
                            attachments: vec![VolumeAttachment {
                                instance_id: id.clone(),
                                device: device.to_string(),
                                state: "attached".to_string(),
                            }],
                        }),
                    ));
                }
            }
        }
    }
}
