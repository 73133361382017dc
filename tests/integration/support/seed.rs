//! Seeding moto with an estate worth collecting, through the same APIs a
//! real estate is built with (Organizations in the management account, EC2
//! through AssumeRole into each member), and returning what was seeded so
//! tests compare the collector's output with facts rather than with itself.
//!
//! moto creates a default VPC, one default subnet per availability zone, a
//! default security group and a main route table the first time any EC2
//! call touches an account-region (every VPC gets its main route table and
//! default group), and a root EBS volume for every instance. [`Seeded::expected`]
//! accounts for all of that; [`Seeded::networks`] keeps the ids of the
//! network seeded in each account-region, so a test can check that what was
//! collected points at it (instance → VPC, subnet, security group; subnet
//! and group → VPC).

use std::collections::BTreeMap;

use aws_config::SdkConfig;
use aws_credential_types::Credentials;
use aws_sdk_ec2::types as ec2t;
use aws_sdk_organizations::types as orgt;

use super::moto::MANAGEMENT_ACCOUNT;

/// Name of the management account in moto.
pub const MANAGEMENT_NAME: &str = "master";
/// The tag that must survive byte for byte (non-ASCII, `=`, `<`, `"`).
pub const ODD_TAG_KEY: &str = "Ünïcødé=<\"key\">";
pub const ODD_TAG_VALUE: &str = "値 = <\"välue\"> 🚀";
/// The image every seeded instance is launched from.
pub const IMAGE_ID: &str = "ami-12c6146b";
/// The name of the security group seeded with each network.
pub const SG_NAME: &str = "web";
/// moto attaches every instance's 8 GiB root volume at this device.
pub const ROOT_DEVICE: &str = "/dev/sda1";

/// Per account-region resource counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub instances: usize,
    pub vpcs: usize,
    pub subnets: usize,
    pub security_groups: usize,
    pub volumes: usize,
    pub elastic_ips: usize,
    pub internet_gateways: usize,
    pub egress_only_internet_gateways: usize,
    pub nat_gateways: usize,
    pub route_tables: usize,
    pub vpc_endpoints: usize,
    pub vpc_peering_connections: usize,
    pub transit_gateways: usize,
    pub transit_gateway_attachments: usize,
    pub transit_gateway_route_tables: usize,
}

impl Counts {
    pub fn total(&self) -> usize {
        self.instances
            + self.vpcs
            + self.subnets
            + self.security_groups
            + self.volumes
            + self.elastic_ips
            + self.internet_gateways
            + self.egress_only_internet_gateways
            + self.nat_gateways
            + self.route_tables
            + self.vpc_endpoints
            + self.vpc_peering_connections
            + self.transit_gateways
            + self.transit_gateway_attachments
            + self.transit_gateway_route_tables
    }
}

#[derive(Debug, Clone)]
pub struct SeededAccount {
    pub id: String,
    pub name: String,
    /// OU names from the root, root excluded.
    pub ou_path: Vec<String>,
    pub tags: BTreeMap<String, String>,
    pub active: bool,
    pub scps: Vec<String>,
}

/// The network seeded in one account-region ([`Content::network`]).
#[derive(Debug, Clone, Default)]
pub struct SeededNetwork {
    pub vpc_id: String,
    pub vpc_cidr: String,
    /// (id, CIDR, availability zone) of each subnet; instances are launched
    /// in the first.
    pub subnets: Vec<(String, String, String)>,
    /// The [`SG_NAME`] group, every instance's only group.
    pub sg_id: String,
    /// (allocation id, public IP, instance id) of the network's addresses:
    /// one associated with the first instance (when there is one), one
    /// idle.
    pub addresses: Vec<(String, String, Option<String>)>,
}

#[derive(Debug, Default)]
pub struct Seeded {
    pub root_id: String,
    /// OU path ("Workloads/Prod") → OU id.
    pub ous: BTreeMap<String, String>,
    /// OU path → SCP names attached to it.
    pub ou_scps: BTreeMap<String, Vec<String>>,
    /// Every account, the management account first.
    pub accounts: Vec<SeededAccount>,
    /// What was created per (account id, region), defaults excluded.
    pub created: BTreeMap<(String, String), Counts>,
    /// The network seeded per (account id, region), where there is one.
    pub networks: BTreeMap<(String, String), SeededNetwork>,
    /// Default subnets moto creates per region (one per AZ).
    pub default_subnets: BTreeMap<String, usize>,
    /// (account, region, instance id) of the instance with [`ODD_TAG_KEY`].
    pub odd_tagged_instance: Option<(String, String, String)>,
}

impl Seeded {
    pub fn account(&self, name: &str) -> &SeededAccount {
        self.accounts
            .iter()
            .find(|a| a.name == name)
            .unwrap_or_else(|| panic!("no seeded account {name}"))
    }

    pub fn suspended(&self) -> impl Iterator<Item = &SeededAccount> {
        self.accounts.iter().filter(|a| !a.active)
    }

    /// What a collection of (account, region) must find: moto's defaults
    /// (touching the region creates them) plus what was seeded. Suspended
    /// accounts are never touched.
    pub fn expected(&self, account_id: &str, region: &str) -> Counts {
        let active = self.accounts.iter().any(|a| a.id == account_id && a.active);
        if !active {
            return Counts::default();
        }
        let created = self
            .created
            .get(&(account_id.to_string(), region.to_string()))
            .copied()
            .unwrap_or_default();
        let default_subnets = *self
            .default_subnets
            .get(region)
            .unwrap_or_else(|| panic!("default subnets of {region} were not measured"));
        Counts {
            instances: created.instances,
            vpcs: 1 + created.vpcs,
            subnets: default_subnets + created.subnets,
            // Every VPC, default or not, comes with its default group.
            security_groups: 1 + created.vpcs + created.security_groups,
            // moto gives each instance an 8 GiB root volume.
            volumes: created.instances + created.volumes,
            elastic_ips: created.elastic_ips,
            // Every VPC, default or not, comes with its main route table;
            // `created.route_tables` counts the others.
            route_tables: 1 + created.vpcs + created.route_tables,
            // moto gives the default VPC no internet gateway (AWS does):
            // every gateway is one a test created.
            internet_gateways: created.internet_gateways,
            egress_only_internet_gateways: created.egress_only_internet_gateways,
            nat_gateways: created.nat_gateways,
            vpc_endpoints: created.vpc_endpoints,
            vpc_peering_connections: created.vpc_peering_connections,
            transit_gateways: created.transit_gateways,
            transit_gateway_attachments: created.transit_gateway_attachments,
            // Counts every table, the one each gateway is created with
            // included (the seeding knows it).
            transit_gateway_route_tables: created.transit_gateway_route_tables,
        }
    }

    /// IAM resources (global) a collection finds in an account that no
    /// test seeded: moto's Organizations gives every account it creates
    /// an `OrganizationAccountAccessRole`, as AWS does; the management
    /// account has none. Suspended accounts are never read.
    pub fn expected_global(&self, account_id: &str) -> usize {
        let active = self.accounts.iter().any(|a| a.id == account_id && a.active);
        usize::from(active && account_id != MANAGEMENT_ACCOUNT)
    }
}

/// What to put in one account-region.
#[derive(Debug, Clone, Copy)]
pub struct Content {
    /// `run_instances` calls (one reservation each).
    pub reservations: usize,
    pub instances_per_reservation: usize,
    /// A VPC with two subnets and one extra security group.
    pub network: bool,
    /// Unattached volumes.
    pub volumes: usize,
}

pub const SMALL: Content = Content {
    reservations: 1,
    instances_per_reservation: 2,
    network: true,
    volumes: 1,
};

/// The standard estate: 10 member accounts + the management account, OUs
/// nested three deep (`Workloads/Prod/Critical`), tags and SCPs, one closed
/// (suspended) account, and EC2 content in three regions including the
/// management account's own.
pub const REGIONS: [&str; 3] = ["us-east-1", "eu-west-1", "ap-southeast-2"];

pub async fn standard_org(conf: &SdkConfig) -> Seeded {
    let mut seeded = Seeded::default();
    let org = aws_sdk_organizations::Client::new(conf);
    create_org(&org, &mut seeded).await;

    let layout: [(&str, &str); 10] = [
        ("app1-prod", "Workloads/Prod"),
        ("app2-prod", "Workloads/Prod"),
        ("payments-prod", "Workloads/Prod/Critical"),
        ("app1-test", "Workloads/Test"),
        ("app2-test", "Workloads/Test"),
        ("sandbox-1", "Sandbox"),
        ("sandbox-2", "Sandbox"),
        ("sandbox-closed", "Sandbox"),
        ("network", "Shared"),
        ("logging", "Shared"),
    ];
    for (name, path) in layout {
        let env = if name.ends_with("-prod") {
            "prod"
        } else if name.ends_with("-test") {
            "test"
        } else {
            "shared"
        };
        let mut tags = BTreeMap::from([
            ("env".to_string(), env.to_string()),
            ("owner".to_string(), format!("team-{name}")),
        ]);
        if name == "app1-prod" {
            tags.insert(ODD_TAG_KEY.to_string(), ODD_TAG_VALUE.to_string());
        }
        create_account(&org, &mut seeded, name, path, tags).await;
    }

    // SCPs on the root, an OU and an account.
    let guard = create_scp(&org, "DenyLeaveOrganization").await;
    let prod = create_scp(&org, "ProdGuardrails").await;
    attach(&org, &guard, &seeded.root_id.clone()).await;
    seeded
        .ou_scps
        .entry(String::new())
        .or_default()
        .push("DenyLeaveOrganization".into());
    let prod_ou = seeded.ous["Workloads/Prod"].clone();
    attach(&org, &prod, &prod_ou).await;
    seeded
        .ou_scps
        .entry("Workloads/Prod".into())
        .or_default()
        .push("ProdGuardrails".into());
    let payments = seeded.account("payments-prod").id.clone();
    attach(&org, &prod, &payments).await;
    if let Some(a) = seeded.accounts.iter_mut().find(|a| a.id == payments) {
        a.scps.push("ProdGuardrails".into());
    }

    let closed = seeded.account("sandbox-closed").id.clone();
    org.close_account()
        .account_id(&closed)
        .send()
        .await
        .unwrap_or_else(|e| panic!("close_account: {e:?}"));
    if let Some(a) = seeded.accounts.iter_mut().find(|a| a.id == closed) {
        a.active = false;
    }

    // EC2 content: the management account directly, members through
    // AssumeRole, spread over the three regions.
    let plan: [(&str, &str); 8] = [
        (MANAGEMENT_NAME, "us-east-1"),
        ("app1-prod", "us-east-1"),
        ("app1-prod", "eu-west-1"),
        ("app2-prod", "ap-southeast-2"),
        ("payments-prod", "eu-west-1"),
        ("app1-test", "us-east-1"),
        ("app1-test", "eu-west-1"),
        ("network", "ap-southeast-2"),
    ];
    for (i, (name, region)) in plan.iter().enumerate() {
        let id = seeded.account(name).id.clone();
        let odd = *name == "app1-prod" && *region == "us-east-1";
        seed_region(conf, &mut seeded, &id, region, SMALL, i as u8, odd).await;
    }
    for region in REGIONS {
        measure_default_subnets(conf, &mut seeded, region).await;
    }
    seeded
}

/// An organization with the management account only; callers add what
/// they need with [`create_account`] and [`seed_region`].
pub async fn empty_org(conf: &SdkConfig) -> Seeded {
    let mut seeded = Seeded::default();
    let org = aws_sdk_organizations::Client::new(conf);
    create_org(&org, &mut seeded).await;
    seeded
}

async fn create_org(org: &aws_sdk_organizations::Client, seeded: &mut Seeded) {
    org.create_organization()
        .feature_set(orgt::OrganizationFeatureSet::All)
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_organization: {e:?}"));
    let roots = org
        .list_roots()
        .send()
        .await
        .unwrap_or_else(|e| panic!("list_roots: {e:?}"));
    seeded.root_id = roots
        .roots()
        .first()
        .and_then(|r| r.id())
        .expect("moto returned no root")
        .to_string();
    seeded.accounts.push(SeededAccount {
        id: MANAGEMENT_ACCOUNT.to_string(),
        name: MANAGEMENT_NAME.to_string(),
        ou_path: vec![],
        tags: BTreeMap::new(),
        active: true,
        scps: vec![],
    });
}

/// Create the OU path (each level once) and return its id.
async fn ensure_ou(org: &aws_sdk_organizations::Client, seeded: &mut Seeded, path: &str) -> String {
    if path.is_empty() {
        return seeded.root_id.clone();
    }
    if let Some(id) = seeded.ous.get(path) {
        return id.clone();
    }
    let (parent_path, name) = match path.rsplit_once('/') {
        Some((p, n)) => (p, n),
        None => ("", path),
    };
    let parent = Box::pin(ensure_ou(org, seeded, parent_path)).await;
    let out = org
        .create_organizational_unit()
        .parent_id(parent)
        .name(name)
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_organizational_unit {path}: {e:?}"));
    let id = out
        .organizational_unit()
        .and_then(|o| o.id())
        .expect("OU without id")
        .to_string();
    seeded.ous.insert(path.to_string(), id.clone());
    id
}

pub async fn create_account(
    org: &aws_sdk_organizations::Client,
    seeded: &mut Seeded,
    name: &str,
    ou_path: &str,
    tags: BTreeMap<String, String>,
) -> String {
    let ou = ensure_ou(org, seeded, ou_path).await;
    let mut req = org
        .create_account()
        .account_name(name)
        .email(format!("{name}@example.com"));
    for (k, v) in &tags {
        req = req.tags(orgt::Tag::builder().key(k).value(v).build().expect("tag"));
    }
    let out = req
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_account {name}: {e:?}"));
    let id = out
        .create_account_status()
        .and_then(|s| s.account_id())
        .expect("moto creates accounts synchronously")
        .to_string();
    org.move_account()
        .account_id(&id)
        .source_parent_id(&seeded.root_id)
        .destination_parent_id(&ou)
        .send()
        .await
        .unwrap_or_else(|e| panic!("move_account {name}: {e:?}"));
    seeded.accounts.push(SeededAccount {
        id: id.clone(),
        name: name.to_string(),
        ou_path: ou_path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        tags,
        active: true,
        scps: vec![],
    });
    id
}

async fn create_scp(org: &aws_sdk_organizations::Client, name: &str) -> String {
    let content = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}"#;
    org.create_policy()
        .name(name)
        .description(name)
        .content(content)
        .r#type(orgt::PolicyType::ServiceControlPolicy)
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_policy: {e:?}"))
        .policy()
        .and_then(|p| p.policy_summary())
        .and_then(|s| s.id())
        .expect("policy id")
        .to_string()
}

async fn attach(org: &aws_sdk_organizations::Client, policy: &str, target: &str) {
    org.attach_policy()
        .policy_id(policy)
        .target_id(target)
        .send()
        .await
        .unwrap_or_else(|e| panic!("attach_policy {target}: {e:?}"));
}

/// Credentials for `account_id`: `None` (the base ones) for the
/// management account, AssumeRole credentials for members (moto routes
/// calls by the access key STS handed out).
pub async fn member_credentials(conf: &SdkConfig, account_id: &str) -> Option<Credentials> {
    if account_id == MANAGEMENT_ACCOUNT {
        return None;
    }
    let sts = aws_sdk_sts::Client::new(conf);
    let out = sts
        .assume_role()
        .role_arn(format!(
            "arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole"
        ))
        .role_session_name("seed")
        .send()
        .await
        .unwrap_or_else(|e| panic!("assume_role {account_id}: {e:?}"));
    let c = out.credentials().expect("credentials");
    Some(Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_string()),
        None,
        "seed",
    ))
}

/// An EC2 client in `account_id`/`region` (see [`member_credentials`]).
pub async fn ec2_client(conf: &SdkConfig, account_id: &str, region: &str) -> aws_sdk_ec2::Client {
    let mut b = aws_sdk_ec2::config::Builder::from(conf)
        .region(aws_types::region::Region::new(region.to_string()));
    if let Some(c) = member_credentials(conf, account_id).await {
        b = b.credentials_provider(c);
    }
    aws_sdk_ec2::Client::from_conf(b.build())
}

/// An IAM client in `account_id` (see [`member_credentials`]).
pub async fn iam_client(conf: &SdkConfig, account_id: &str) -> aws_sdk_iam::Client {
    let mut b = aws_sdk_iam::config::Builder::from(conf);
    if let Some(c) = member_credentials(conf, account_id).await {
        b = b.credentials_provider(c);
    }
    aws_sdk_iam::Client::from_conf(b.build())
}

pub fn tag_spec(kind: ec2t::ResourceType, tags: &[(&str, &str)]) -> ec2t::TagSpecification {
    let mut spec = ec2t::TagSpecification::builder().resource_type(kind);
    for (k, v) in tags {
        spec = spec.tags(ec2t::Tag::builder().key(*k).value(*v).build());
    }
    spec.build()
}

/// Seed one account-region; `n` varies CIDRs so regions look different.
pub async fn seed_region(
    conf: &SdkConfig,
    seeded: &mut Seeded,
    account_id: &str,
    region: &str,
    content: Content,
    n: u8,
    odd_tag: bool,
) {
    let ec2 = ec2_client(conf, account_id, region).await;
    let mut counts = seeded
        .created
        .get(&(account_id.to_string(), region.to_string()))
        .copied()
        .unwrap_or_default();
    let mut subnet_id: Option<String> = None;
    let mut sg_id: Option<String> = None;
    if content.network {
        let vpc_cidr = format!("10.{n}.0.0/16");
        let vpc = ec2
            .create_vpc()
            .cidr_block(&vpc_cidr)
            .tag_specifications(tag_spec(
                ec2t::ResourceType::Vpc,
                &[("Name", "main"), ("env", "seed")],
            ))
            .send()
            .await
            .unwrap_or_else(|e| panic!("create_vpc: {e:?}"))
            .vpc()
            .and_then(|v| v.vpc_id())
            .expect("vpc id")
            .to_string();
        let mut subnets = Vec::new();
        for (i, az) in ["a", "b"].iter().enumerate() {
            let cidr = format!("10.{n}.{i}.0/24");
            let az = format!("{region}{az}");
            let out = ec2
                .create_subnet()
                .vpc_id(&vpc)
                .cidr_block(&cidr)
                .availability_zone(&az)
                .tag_specifications(tag_spec(
                    ec2t::ResourceType::Subnet,
                    &[("Name", if i == 0 { "private-a" } else { "private-b" })],
                ))
                .send()
                .await
                .unwrap_or_else(|e| panic!("create_subnet: {e:?}"));
            let id = out
                .subnet()
                .and_then(|s| s.subnet_id())
                .expect("subnet id")
                .to_string();
            if i == 0 {
                subnet_id = Some(id.clone());
            }
            subnets.push((id, cidr, az));
        }
        let sg = ec2
            .create_security_group()
            .group_name(SG_NAME)
            .description("web tier")
            .vpc_id(&vpc)
            .send()
            .await
            .unwrap_or_else(|e| panic!("create_security_group: {e:?}"))
            .group_id()
            .expect("sg id")
            .to_string();
        ec2.authorize_security_group_ingress()
            .group_id(&sg)
            .ip_permissions(
                ec2t::IpPermission::builder()
                    .ip_protocol("tcp")
                    .from_port(443)
                    .to_port(443)
                    .ip_ranges(ec2t::IpRange::builder().cidr_ip("0.0.0.0/0").build())
                    .build(),
            )
            .send()
            .await
            .unwrap_or_else(|e| panic!("authorize ingress: {e:?}"));
        seeded.networks.insert(
            (account_id.to_string(), region.to_string()),
            SeededNetwork {
                vpc_id: vpc,
                vpc_cidr,
                subnets,
                sg_id: sg.clone(),
                addresses: Vec::new(),
            },
        );
        sg_id = Some(sg);
        counts.vpcs += 1;
        counts.subnets += 2;
        counts.security_groups += 1;
    }
    for r in 0..content.reservations {
        let mut tags: Vec<(&str, &str)> = vec![("Name", "app"), ("env", "seed")];
        if odd_tag && r == 0 {
            tags.push((ODD_TAG_KEY, ODD_TAG_VALUE));
        }
        let count = i32::try_from(content.instances_per_reservation).expect("count");
        let mut req = ec2
            .run_instances()
            .image_id(IMAGE_ID)
            .instance_type(ec2t::InstanceType::T3Micro)
            .min_count(count)
            .max_count(count)
            .tag_specifications(tag_spec(ec2t::ResourceType::Instance, &tags));
        if let (Some(subnet), Some(sg)) = (&subnet_id, &sg_id) {
            req = req.subnet_id(subnet).security_group_ids(sg);
        }
        let out = req
            .send()
            .await
            .unwrap_or_else(|e| panic!("run_instances: {e:?}"));
        if odd_tag && r == 0 {
            let id = out
                .instances()
                .first()
                .and_then(|i| i.instance_id())
                .expect("instance id")
                .to_string();
            seeded.odd_tagged_instance = Some((account_id.into(), region.into(), id));
        }
        counts.instances += content.instances_per_reservation;
        if r == 0
            && let Some(net) = seeded
                .networks
                .get_mut(&(account_id.to_string(), region.to_string()))
        {
            let first = out
                .instances()
                .first()
                .and_then(|i| i.instance_id())
                .expect("instance id")
                .to_string();
            net.addresses
                .push(allocate_address(&ec2, "web-eip", Some(&first)).await);
            counts.elastic_ips += 1;
        }
    }
    if let Some(net) = seeded
        .networks
        .get_mut(&(account_id.to_string(), region.to_string()))
    {
        net.addresses
            .push(allocate_address(&ec2, "spare-eip", None).await);
        counts.elastic_ips += 1;
    }
    for _ in 0..content.volumes {
        ec2.create_volume()
            .availability_zone(format!("{region}a"))
            .size(20)
            .volume_type(ec2t::VolumeType::Gp3)
            .tag_specifications(tag_spec(ec2t::ResourceType::Volume, &[("Name", "data")]))
            .send()
            .await
            .unwrap_or_else(|e| panic!("create_volume: {e:?}"));
        counts.volumes += 1;
    }
    seeded
        .created
        .insert((account_id.to_string(), region.to_string()), counts);
}

/// Allocate a VPC address named `name`, associated with `instance` when
/// given: (allocation id, public IP, instance id).
async fn allocate_address(
    ec2: &aws_sdk_ec2::Client,
    name: &str,
    instance: Option<&str>,
) -> (String, String, Option<String>) {
    let out = ec2
        .allocate_address()
        .domain(ec2t::DomainType::Vpc)
        .tag_specifications(tag_spec(ec2t::ResourceType::ElasticIp, &[("Name", name)]))
        .send()
        .await
        .unwrap_or_else(|e| panic!("allocate_address: {e:?}"));
    let id = out.allocation_id().expect("allocation id").to_string();
    let ip = out.public_ip().expect("public ip").to_string();
    if let Some(i) = instance {
        ec2.associate_address()
            .allocation_id(&id)
            .instance_id(i)
            .send()
            .await
            .unwrap_or_else(|e| panic!("associate_address: {e:?}"));
    }
    (id, ip, instance.map(str::to_string))
}

/// One default subnet per availability zone: ask moto how many zones the
/// region has (in the management account, which is collected anyway).
pub async fn measure_default_subnets(conf: &SdkConfig, seeded: &mut Seeded, region: &str) {
    let ec2 = ec2_client(conf, MANAGEMENT_ACCOUNT, region).await;
    let zones = ec2
        .describe_availability_zones()
        .send()
        .await
        .unwrap_or_else(|e| panic!("describe_availability_zones: {e:?}"));
    seeded
        .default_subnets
        .insert(region.to_string(), zones.availability_zones().len());
}
