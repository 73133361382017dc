//! Seeding the wiring of two member accounts in moto, through the APIs a
//! real estate is built with, and keeping every id created so the tests
//! compare the collection with facts.
//!
//! Each of the two accounts gets, in `us-east-1`, a VPC with a public and
//! a private subnet, an internet gateway attached, an egress-only gateway,
//! a public NAT gateway (with an Elastic IP, in the public subnet) and a
//! private one (no address of its own to the internet), a public route
//! table (default route to the internet gateway) serving the public
//! subnet and a private one (default route to the NAT, `::/0` to the
//! egress-only gateway) serving the private subnet, an S3 gateway
//! endpoint on the private table and an SSM interface endpoint in the
//! private subnet. Account A also holds a Transit Gateway with a route
//! table of its own and its VPC attached, and routes to it, to the
//! peering, and to two targets orgscope does not collect (a virtual
//! private gateway and a network interface). Between them: an active
//! peering A → B, a pending cross-region one A (us-east-1) → B
//! (eu-west-1), and a deleted one whose accepter VPC in B was deleted too.

use aws_config::SdkConfig;
use aws_sdk_ec2::types as ec2t;

use crate::support::seed::{Counts, Seeded, ec2_client, tag_spec};

pub const HOME: &str = "us-east-1";
/// Where the pending peering's accepter VPC lives.
pub const FAR: &str = "eu-west-1";
/// The Transit Gateway's Amazon-side ASN (not moto's default 64512).
pub const ASN: i64 = 64600;
/// A destination routed to the Transit Gateway.
pub const TGW_CIDR: &str = "10.200.0.0/16";
/// Destinations routed to targets orgscope does not collect.
pub const ENI_CIDR: &str = "192.168.0.0/16";
pub const VGW_CIDR: &str = "172.16.0.0/12";

/// What one account's network is made of.
#[derive(Debug, Clone, Default)]
pub struct Net {
    pub account: String,
    pub vpc: String,
    pub cidr: String,
    pub public_subnet: String,
    pub private_subnet: String,
    pub igw: String,
    pub eigw: String,
    /// The public NAT and its Elastic IP (allocation id, public IP).
    pub nat: String,
    pub nat_eip: (String, String),
    /// The private NAT: no Elastic IP, no public address.
    pub private_nat: String,
    pub public_rtb: String,
    pub private_rtb: String,
    pub s3_endpoint: String,
    pub ssm_endpoint: String,
    /// The interface endpoint's security group (id, name).
    pub endpoint_sg: (String, String),
}

/// Everything seeded, by role.
#[derive(Debug, Clone, Default)]
pub struct Wiring {
    pub a: Net,
    pub b: Net,
    /// A (requester) ↔ B (accepter), accepted.
    pub pcx_active: String,
    /// A in HOME (requester) → B in FAR (accepter), never accepted.
    pub pcx_pending: String,
    pub far_vpc: String,
    /// A → a VPC of B, then the peering deleted and that VPC deleted.
    pub pcx_deleted: String,
    pub deleted_vpc: String,
    pub tgw: String,
    /// The Transit Gateway's own default route table, and the one added.
    pub tgw_default_rtb: String,
    pub tgw_rtb: String,
    pub tgw_attachment: String,
    pub vgw: String,
    pub eni: String,
}

fn created<'a>(seeded: &'a mut Seeded, account: &str, region: &str) -> &'a mut Counts {
    seeded
        .created
        .entry((account.to_string(), region.to_string()))
        .or_default()
}

fn named(kind: ec2t::ResourceType, name: &str) -> ec2t::TagSpecification {
    tag_spec(kind, &[("Name", name)])
}

/// Seed the wiring of accounts `a` and `b` (see the module doc).
pub async fn wiring(conf: &SdkConfig, seeded: &mut Seeded, a: &str, b: &str) -> Wiring {
    let ec2_a = ec2_client(conf, a, HOME).await;
    let ec2_b = ec2_client(conf, b, HOME).await;
    let mut w = Wiring {
        a: network(&ec2_a, seeded, a, 10).await,
        b: network(&ec2_b, seeded, b, 20).await,
        ..Wiring::default()
    };

    // Peering A → B in the same region, accepted by B.
    w.pcx_active = peer(&ec2_a, &w.a.vpc, &w.b.vpc, b, None, "a-to-b").await;
    ec2_b
        .accept_vpc_peering_connection()
        .vpc_peering_connection_id(&w.pcx_active)
        .send()
        .await
        .unwrap_or_else(|e| panic!("accept peering: {e:?}"));
    created(seeded, a, HOME).vpc_peering_connections += 1;
    created(seeded, b, HOME).vpc_peering_connections += 1;

    // Peering A → B's VPC in another region, left pending.
    let ec2_b_far = ec2_client(conf, b, FAR).await;
    w.far_vpc = vpc(&ec2_b_far, "10.21.0.0/16", "far").await;
    created(seeded, b, FAR).vpcs += 1;
    w.pcx_pending = peer(&ec2_a, &w.a.vpc, &w.far_vpc, b, Some(FAR), "a-to-far").await;
    created(seeded, a, HOME).vpc_peering_connections += 1;
    created(seeded, b, FAR).vpc_peering_connections += 1;

    // Peering A → a VPC of B that is then deleted, with the peering: EC2
    // still lists the peering, as deleted, on both sides.
    w.deleted_vpc = vpc(&ec2_b, "10.30.0.0/16", "gone").await;
    w.pcx_deleted = peer(&ec2_a, &w.a.vpc, &w.deleted_vpc, b, None, "a-to-gone").await;
    ec2_a
        .delete_vpc_peering_connection()
        .vpc_peering_connection_id(&w.pcx_deleted)
        .send()
        .await
        .unwrap_or_else(|e| panic!("delete peering: {e:?}"));
    ec2_b
        .delete_vpc()
        .vpc_id(&w.deleted_vpc)
        .send()
        .await
        .unwrap_or_else(|e| panic!("delete vpc: {e:?}"));
    created(seeded, a, HOME).vpc_peering_connections += 1;
    created(seeded, b, HOME).vpc_peering_connections += 1;

    // Each private table routes the other VPC's CIDR through the peering.
    route(&ec2_a, &w.a.private_rtb, &w.b.cidr, |r| {
        r.vpc_peering_connection_id(&w.pcx_active)
    })
    .await;
    route(&ec2_b, &w.b.private_rtb, &w.a.cidr, |r| {
        r.vpc_peering_connection_id(&w.pcx_active)
    })
    .await;

    transit_gateway(&ec2_a, seeded, a, &mut w).await;
    unknown_targets(&ec2_a, &mut w).await;
    w
}

async fn vpc(ec2: &aws_sdk_ec2::Client, cidr: &str, name: &str) -> String {
    ec2.create_vpc()
        .cidr_block(cidr)
        .tag_specifications(named(ec2t::ResourceType::Vpc, name))
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_vpc {name}: {e:?}"))
        .vpc()
        .and_then(|v| v.vpc_id())
        .expect("vpc id")
        .to_string()
}

async fn subnet(ec2: &aws_sdk_ec2::Client, vpc: &str, cidr: &str, az: &str, name: &str) -> String {
    ec2.create_subnet()
        .vpc_id(vpc)
        .cidr_block(cidr)
        .availability_zone(az)
        .tag_specifications(named(ec2t::ResourceType::Subnet, name))
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_subnet {name}: {e:?}"))
        .subnet()
        .and_then(|s| s.subnet_id())
        .expect("subnet id")
        .to_string()
}

pub(crate) async fn route_table(
    ec2: &aws_sdk_ec2::Client,
    vpc: &str,
    subnet: &str,
    name: &str,
) -> String {
    let id = ec2
        .create_route_table()
        .vpc_id(vpc)
        .tag_specifications(named(ec2t::ResourceType::RouteTable, name))
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_route_table {name}: {e:?}"))
        .route_table()
        .and_then(|t| t.route_table_id())
        .expect("route table id")
        .to_string();
    ec2.associate_route_table()
        .route_table_id(&id)
        .subnet_id(subnet)
        .send()
        .await
        .unwrap_or_else(|e| panic!("associate_route_table {name}: {e:?}"));
    id
}

/// Add a route to `table`; `target` names where it goes.
pub(crate) async fn route(
    ec2: &aws_sdk_ec2::Client,
    table: &str,
    destination: &str,
    target: impl FnOnce(
        aws_sdk_ec2::operation::create_route::builders::CreateRouteFluentBuilder,
    ) -> aws_sdk_ec2::operation::create_route::builders::CreateRouteFluentBuilder,
) {
    let req = ec2.create_route().route_table_id(table);
    let req = if destination.contains(':') {
        req.destination_ipv6_cidr_block(destination)
    } else {
        req.destination_cidr_block(destination)
    };
    target(req)
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_route {destination} in {table}: {e:?}"));
}

/// One account's network (see the module doc); `n` picks its CIDRs.
async fn network(ec2: &aws_sdk_ec2::Client, seeded: &mut Seeded, account: &str, n: u8) -> Net {
    let cidr = format!("10.{n}.0.0/16");
    let vpc = vpc(ec2, &cidr, &format!("wired-{n}")).await;
    let public_subnet = subnet(ec2, &vpc, &format!("10.{n}.0.0/24"), "us-east-1a", "public").await;
    let private_subnet = subnet(
        ec2,
        &vpc,
        &format!("10.{n}.1.0/24"),
        "us-east-1b",
        "private",
    )
    .await;

    let igw = ec2
        .create_internet_gateway()
        .tag_specifications(named(ec2t::ResourceType::InternetGateway, "igw"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_internet_gateway: {e:?}"))
        .internet_gateway()
        .and_then(|g| g.internet_gateway_id())
        .expect("igw id")
        .to_string();
    ec2.attach_internet_gateway()
        .internet_gateway_id(&igw)
        .vpc_id(&vpc)
        .send()
        .await
        .unwrap_or_else(|e| panic!("attach_internet_gateway: {e:?}"));

    let eigw = ec2
        .create_egress_only_internet_gateway()
        .vpc_id(&vpc)
        .tag_specifications(named(ec2t::ResourceType::EgressOnlyInternetGateway, "eigw"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_egress_only_internet_gateway: {e:?}"))
        .egress_only_internet_gateway()
        .and_then(|g| g.egress_only_internet_gateway_id())
        .expect("eigw id")
        .to_string();

    let eip = ec2
        .allocate_address()
        .domain(ec2t::DomainType::Vpc)
        .tag_specifications(named(ec2t::ResourceType::ElasticIp, "nat-eip"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("allocate_address: {e:?}"));
    let nat_eip = (
        eip.allocation_id().expect("allocation id").to_string(),
        eip.public_ip().expect("public ip").to_string(),
    );
    let nat = nat_gateway(ec2, &public_subnet, Some(&nat_eip.0), "nat-public").await;
    let private_nat = nat_gateway(ec2, &private_subnet, None, "nat-private").await;

    let public_rtb = route_table(ec2, &vpc, &public_subnet, "public").await;
    route(ec2, &public_rtb, "0.0.0.0/0", |r| r.gateway_id(&igw)).await;
    let private_rtb = route_table(ec2, &vpc, &private_subnet, "private").await;
    route(ec2, &private_rtb, "0.0.0.0/0", |r| r.nat_gateway_id(&nat)).await;
    route(ec2, &private_rtb, "::/0", |r| {
        r.egress_only_internet_gateway_id(&eigw)
    })
    .await;

    let s3_endpoint = ec2
        .create_vpc_endpoint()
        .vpc_id(&vpc)
        .vpc_endpoint_type(ec2t::VpcEndpointType::Gateway)
        .service_name("com.amazonaws.us-east-1.s3")
        .route_table_ids(&private_rtb)
        .tag_specifications(named(ec2t::ResourceType::VpcEndpoint, "s3"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_vpc_endpoint s3: {e:?}"))
        .vpc_endpoint()
        .and_then(|e| e.vpc_endpoint_id())
        .expect("vpce id")
        .to_string();
    let sg_name = "endpoints".to_string();
    let sg = ec2
        .create_security_group()
        .group_name(&sg_name)
        .description("interface endpoints")
        .vpc_id(&vpc)
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_security_group: {e:?}"))
        .group_id()
        .expect("sg id")
        .to_string();
    let ssm_endpoint = ec2
        .create_vpc_endpoint()
        .vpc_id(&vpc)
        .vpc_endpoint_type(ec2t::VpcEndpointType::Interface)
        .service_name("com.amazonaws.us-east-1.ssm")
        .subnet_ids(&private_subnet)
        .security_group_ids(&sg)
        .private_dns_enabled(true)
        .tag_specifications(named(ec2t::ResourceType::VpcEndpoint, "ssm"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_vpc_endpoint ssm: {e:?}"))
        .vpc_endpoint()
        .and_then(|e| e.vpc_endpoint_id())
        .expect("vpce id")
        .to_string();

    let c = created(seeded, account, HOME);
    c.vpcs += 1;
    c.subnets += 2;
    c.security_groups += 1;
    c.elastic_ips += 1;
    c.internet_gateways += 1;
    c.egress_only_internet_gateways += 1;
    c.nat_gateways += 2;
    c.route_tables += 2;
    c.vpc_endpoints += 2;
    Net {
        account: account.to_string(),
        vpc,
        cidr,
        public_subnet,
        private_subnet,
        igw,
        eigw,
        nat,
        nat_eip,
        private_nat,
        public_rtb,
        private_rtb,
        s3_endpoint,
        ssm_endpoint,
        endpoint_sg: (sg, sg_name),
    }
}

/// A NAT gateway in `subnet`: public with the Elastic IP `eip`, private
/// without one.
async fn nat_gateway(
    ec2: &aws_sdk_ec2::Client,
    subnet: &str,
    eip: Option<&str>,
    name: &str,
) -> String {
    let mut req = ec2
        .create_nat_gateway()
        .subnet_id(subnet)
        .tag_specifications(named(ec2t::ResourceType::Natgateway, name));
    req = match eip {
        Some(alloc) => req
            .allocation_id(alloc)
            .connectivity_type(ec2t::ConnectivityType::Public),
        None => req.connectivity_type(ec2t::ConnectivityType::Private),
    };
    req.send()
        .await
        .unwrap_or_else(|e| panic!("create_nat_gateway {name}: {e:?}"))
        .nat_gateway()
        .and_then(|g| g.nat_gateway_id())
        .expect("nat id")
        .to_string()
}

/// A peering requested from `ec2`'s account to `peer_vpc` of `peer_owner`
/// (in `peer_region` when given).
async fn peer(
    ec2: &aws_sdk_ec2::Client,
    vpc: &str,
    peer_vpc: &str,
    peer_owner: &str,
    peer_region: Option<&str>,
    name: &str,
) -> String {
    ec2.create_vpc_peering_connection()
        .vpc_id(vpc)
        .peer_vpc_id(peer_vpc)
        .peer_owner_id(peer_owner)
        .set_peer_region(peer_region.map(str::to_string))
        .tag_specifications(named(ec2t::ResourceType::VpcPeeringConnection, name))
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_vpc_peering_connection {name}: {e:?}"))
        .vpc_peering_connection()
        .and_then(|p| p.vpc_peering_connection_id())
        .expect("pcx id")
        .to_string()
}

/// A's Transit Gateway (with its default route table and one more), A's
/// VPC attached to it, and a route from A's private table to it.
async fn transit_gateway(ec2: &aws_sdk_ec2::Client, seeded: &mut Seeded, a: &str, w: &mut Wiring) {
    let tgw = ec2
        .create_transit_gateway()
        .description("hub")
        .options(
            ec2t::TransitGatewayRequestOptions::builder()
                .amazon_side_asn(ASN)
                .build(),
        )
        .tag_specifications(named(ec2t::ResourceType::TransitGateway, "hub"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_transit_gateway: {e:?}"))
        .transit_gateway()
        .cloned()
        .expect("transit gateway");
    w.tgw = tgw.transit_gateway_id().expect("tgw id").to_string();
    w.tgw_default_rtb = tgw
        .options()
        .and_then(|o| o.association_default_route_table_id())
        .expect("default route table")
        .to_string();
    w.tgw_rtb = ec2
        .create_transit_gateway_route_table()
        .transit_gateway_id(&w.tgw)
        .tag_specifications(named(
            ec2t::ResourceType::TransitGatewayRouteTable,
            "segment",
        ))
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_transit_gateway_route_table: {e:?}"))
        .transit_gateway_route_table()
        .and_then(|t| t.transit_gateway_route_table_id())
        .expect("tgw rtb id")
        .to_string();
    w.tgw_attachment = ec2
        .create_transit_gateway_vpc_attachment()
        .transit_gateway_id(&w.tgw)
        .vpc_id(&w.a.vpc)
        .subnet_ids(&w.a.private_subnet)
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_transit_gateway_vpc_attachment: {e:?}"))
        .transit_gateway_vpc_attachment()
        .and_then(|x| x.transit_gateway_attachment_id())
        .expect("attachment id")
        .to_string();
    // Tagged afterwards: moto 5.2.5 reads this call's tag specification
    // under the route-table resource type and drops it.
    ec2.create_tags()
        .resources(&w.tgw_attachment)
        .tags(ec2t::Tag::builder().key("Name").value("spoke-a").build())
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_tags on the attachment: {e:?}"));
    let tgw_id = w.tgw.clone();
    route(ec2, &w.a.private_rtb, TGW_CIDR, |r| {
        r.transit_gateway_id(&tgw_id)
    })
    .await;
    let c = created(seeded, a, HOME);
    c.transit_gateways += 1;
    c.transit_gateway_attachments += 1;
    c.transit_gateway_route_tables += 2;
}

/// Routes from A's private table to a virtual private gateway and to a
/// network interface: targets orgscope does not collect.
async fn unknown_targets(ec2: &aws_sdk_ec2::Client, w: &mut Wiring) {
    w.vgw = ec2
        .create_vpn_gateway()
        .r#type(ec2t::GatewayType::Ipsec1)
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_vpn_gateway: {e:?}"))
        .vpn_gateway()
        .and_then(|g| g.vpn_gateway_id())
        .expect("vgw id")
        .to_string();
    ec2.attach_vpn_gateway()
        .vpn_gateway_id(&w.vgw)
        .vpc_id(&w.a.vpc)
        .send()
        .await
        .unwrap_or_else(|e| panic!("attach_vpn_gateway: {e:?}"));
    w.eni = ec2
        .create_network_interface()
        .subnet_id(&w.a.private_subnet)
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_network_interface: {e:?}"))
        .network_interface()
        .and_then(|n| n.network_interface_id())
        .expect("eni id")
        .to_string();
    let (vgw, eni) = (w.vgw.clone(), w.eni.clone());
    route(ec2, &w.a.private_rtb, VGW_CIDR, |r| r.gateway_id(&vgw)).await;
    route(ec2, &w.a.private_rtb, ENI_CIDR, |r| {
        r.network_interface_id(&eni)
    })
    .await;
}
