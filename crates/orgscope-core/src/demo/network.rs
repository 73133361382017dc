//! How the demo's networks are wired: internet gateways, NAT gateways and
//! their Elastic IPs, route tables (main, public, private) with the routes
//! a real estate has, VPC endpoints, the `network` account's Transit
//! Gateway hub and the peerings. It owns which account holds what and which
//! id both ends of a cross-account link share, so the estate looks as a
//! collection of every account would see it:
//!
//! - The `network` account (Infrastructure OU) runs one Transit Gateway per
//!   region that holds app VPCs (`network-tgw-eu-west-1`,
//!   `network-tgw-us-east-1`), each with a `shared`, a `prod` and a
//!   `nonprod` route table. Every app, DR and security VPC attaches: the
//!   attachment is listed by the VPC's owner (`AttachedTo` the Transit
//!   Gateway in the network account) and, under the same id, by the network
//!   account (`InVpc` the VPC in its owner's account) — the denied
//!   account's too, whose own inventory could not be read.
//! - An app VPC has an internet gateway, a NAT gateway in its first public
//!   subnet, a public route table (`0.0.0.0/0` → the internet gateway), a
//!   private one (`0.0.0.0/0` → the NAT, `10.0.0.0/8` → the Transit
//!   Gateway), the S3 gateway endpoint on both (its prefix list as the
//!   destination), and the untouched main table with the `local` route
//!   only. Prod and test also have a Secrets Manager interface endpoint.
//!   A DR VPC has no NAT: its private table sends everything to the
//!   Transit Gateway. The sandbox lab has no internet gateway at all (its SCP
//!   denies them). Default VPCs keep the internet gateway and main table
//!   AWS gives them.
//! - `security-audit` requests a peering with `payments-prod`'s VPC, which
//!   accepts: both accounts list it under one id. `log-archive` peers with a
//!   SIEM vendor's VPC in an account outside the organization, in another
//!   region, and sends IPv6 out through an egress-only internet gateway.
//!   `security-audit` routes the office network to a virtual private
//!   gateway (a `vgw-`, which orgscope does not collect: the route is kept
//!   with no known kind) and keeps a blackholed route to a peering deleted
//!   long ago.
//!
//! Wiring drift of a drifted test twin (every eighth app, `payments-test`
//! in the default estate), each told once in a prod/test diff: its private
//! route table sends `0.0.0.0/0` straight to the internet gateway where
//! prod's goes through the NAT gateway; and `payments-prod` alone peers
//! with `security-audit` (the peering, and the route to it, exist in prod
//! only). The load balancer's drift is in [`super::balancers`].

use crate::model::{Edge, Kind, Rel, Resource, Tags, kinds};

use super::resources::{Built, Part, Stack, cost_center_of, in_vpc, owner_of, stacks};
use super::{Plan, REGIONS, Role, ec2_id, hash64};

/// The regions the network account runs a Transit Gateway in: every app's
/// primary region is one of the first two and its DR copy the other.
pub(super) const HUB_REGIONS: [&str; 2] = [REGIONS[0], REGIONS[1]];

/// The SIEM vendor `log-archive` peers with: an account outside the
/// organization, so the far end of that peering is outside the estate.
pub const VENDOR_ACCOUNT_ID: &str = "730385160221";
const VENDOR_REGION: &str = "us-east-1";
const VENDOR_CIDR: &str = "172.20.0.0/16";

/// The office network behind the virtual private gateway.
const OFFICE_CIDR: &str = "192.168.0.0/16";

/// The accounts other accounts' wiring points at, found once per estate so
/// generating stays linear in the account count.
pub(crate) struct Org<'p> {
    plans: &'p [Plan],
    network: Option<&'p Plan>,
    /// `security-audit`'s peering with the first app's prod VPC.
    audit_peering: Option<Peering>,
}

impl<'p> Org<'p> {
    pub(crate) fn new(plans: &'p [Plan]) -> Org<'p> {
        let find = |role: Role| plans.iter().find(|p| p.role == role);
        Org {
            plans,
            network: find(Role::Network),
            audit_peering: Self::audit_peering(
                find(Role::SecurityAudit),
                find(Role::Workload { app: 0, env: 0 }),
            ),
        }
    }

    /// The Transit Gateway of `region` as `(its id, the owner account)`,
    /// when the network account runs one there.
    fn hub(&self, region: &str) -> Option<(String, &'p str)> {
        let network = self.network?;
        HUB_REGIONS
            .contains(&region)
            .then(|| (tgw_id(&network.id, region), network.id.as_str()))
    }

    /// The `security-audit` ↔ `payments-prod` peering.
    fn audit_peering(audit: Option<&Plan>, peer: Option<&Plan>) -> Option<Peering> {
        let audit = stacks(audit?).into_iter().next()?;
        let peer = stacks(peer?).into_iter().next()?;
        let (requester, accepter) = (End::of(&audit), End::of(&peer));
        Some(Peering {
            id: ec2_id("pcx", &[&requester.account, &accepter.account, "audit"]),
            name: format!("{}-{}-peering", audit.prefix, peer.prefix),
            requester,
            accepter,
        })
    }
}

fn tgw_name(region: &str) -> String {
    format!("network-tgw-{region}")
}

fn tgw_id(network: &str, region: &str) -> String {
    ec2_id("tgw", &[network, region, &tgw_name(region)])
}

fn attachment_id(stack: &Stack) -> String {
    ec2_id(
        "tgw-attach",
        &[&stack.plan.id, stack.region, &stack.vpc_name()],
    )
}

/// One end of a peering: the VPC, its owner account, region and CIDR.
struct End {
    account: String,
    vpc: String,
    region: &'static str,
    cidr: String,
}

impl End {
    fn of(stack: &Stack) -> End {
        End {
            account: stack.plan.id.clone(),
            vpc: stack.vpc_id(),
            region: stack.region,
            cidr: stack.vpc_cidr(),
        }
    }
}

struct Peering {
    id: String,
    name: String,
    requester: End,
    accepter: End,
}

impl Peering {
    /// The peering as the account holding `side` lists it: both ends as
    /// `PeersWith` edges, the far one naming its account and region when
    /// they are not the holder's.
    fn listed_by(&self, stack: &Stack, side: &str) -> Resource {
        let edge = |end: &End, which: &str| {
            let mut e = Edge::new(Rel::PeersWith, kinds::VPC, end.vpc.clone()).attr("side", which);
            if end.account != stack.plan.id {
                e = e.in_account(end.account.clone());
            }
            if end.region != stack.region {
                e = e.in_region(end.region);
            }
            e
        };
        let (r, a) = (&self.requester, &self.accepter);
        stack
            .resource(
                kinds::VPC_PEERING_CONNECTION,
                stack.region,
                self.id.clone(),
                &self.name,
                stack.tags(&self.name),
            )
            .with_edge(edge(r, "requester"))
            .with_edge(edge(a, "accepter"))
            .with("status", "active")
            .with("side", side)
            .with("requester_vpc", r.vpc.clone())
            .with("requester_account", r.account.clone())
            .with("requester_region", r.region)
            .with("requester_cidr", r.cidr.clone())
            .with("accepter_vpc", a.vpc.clone())
            .with("accepter_account", a.account.clone())
            .with("accepter_region", a.region)
            .with("accepter_cidr", a.cidr.clone())
    }
}

/// A route: an edge to its target with the destination and state.
fn route(destination: &str, kind: Option<Kind>, to: &str) -> Edge {
    let mut e = Edge::new(Rel::RoutesTo, kinds::VPC, to)
        .attr("destination", destination)
        .attr("state", "active");
    e.kind = kind;
    e
}

/// The VPC's own `local` route.
fn local(vpc_id: &str, cidr: &str) -> Edge {
    route(cidr, Some(kinds::VPC), vpc_id)
}

/// A route table: its routes, the subnets it serves by association.
fn route_table(
    r: Resource,
    vpc_id: &str,
    main: bool,
    routes: Vec<Edge>,
    serves: &[(String, usize, String)],
) -> Resource {
    let count = routes.len() as i64;
    let mut r = r
        .with_edge(in_vpc(vpc_id))
        .with("main", main)
        .with("route_count", count);
    r.relations.extend(routes);
    r.relations.extend(
        serves
            .iter()
            .map(|(id, ..)| Edge::new(Rel::Serves, kinds::SUBNET, id.clone())),
    );
    r
}

/// The S3 prefix list of a region (`pl-6da54004` in real eu-west-1): the
/// destination of every route to an S3 gateway endpoint there.
fn s3_prefix_list(region: &str) -> String {
    format!("pl-{:08x}", hash64(&["prefix-list", region, "s3"]) as u32)
}

/// An address in 52.0.0.0/8 from `parts`.
fn public_ip(parts: &[&str]) -> String {
    let h = hash64(parts);
    format!(
        "52.{}.{}.{}",
        16 + h % 100,
        (h >> 8) % 256,
        1 + (h >> 16) % 254
    )
}

/// The internet gateway and main route table of a default VPC, as AWS
/// creates them: unnamed, the main table routing everything out.
pub(super) fn default_vpc_wiring(
    acct: &str,
    region: &str,
    vpc_id: &str,
    cidr: &str,
    out: &mut Vec<Resource>,
) {
    let igw = ec2_id("igw", &[acct, region, "default"]);
    out.push(
        Resource::new(kinds::INTERNET_GATEWAY, acct, region, igw.clone())
            .with_edge(in_vpc(vpc_id))
            .with("state", "available"),
    );
    let rtb = ec2_id("rtb", &[acct, region, "default", "main"]);
    out.push(route_table(
        Resource::new(kinds::ROUTE_TABLE, acct, region, rtb),
        vpc_id,
        true,
        vec![
            local(vpc_id, cidr),
            route("0.0.0.0/0", Some(kinds::INTERNET_GATEWAY), &igw),
        ],
        &[],
    ));
}

/// Wire the VPC `stack` built (see the module doc for what each part gets).
pub(super) fn wire(stack: &Stack, built: &Built, org: &Org, out: &mut Vec<Resource>) {
    let (acct, region, p) = (stack.plan.id.as_str(), stack.region, &stack.prefix);
    let vpc = built.vpc_id.as_str();
    let vpc_name = stack.vpc_name();
    let cidr = stack.vpc_cidr();
    let id = |prefix: &str, what: &str| ec2_id(prefix, &[acct, region, &vpc_name, what]);
    let named = |kind: Kind, id: String, name: &str| {
        stack.resource(kind, region, id, name, stack.tags(name))
    };

    // The main table of every VPC, left as AWS made it.
    out.push(route_table(
        Resource::new(kinds::ROUTE_TABLE, acct, region, id("rtb", "main")),
        vpc,
        true,
        vec![local(vpc, &cidr)],
        &[],
    ));
    if stack.part == Part::Lab {
        return;
    }

    let igw = id("igw", "");
    out.push(
        named(kinds::INTERNET_GATEWAY, igw.clone(), &format!("{p}-igw"))
            .with_edge(in_vpc(vpc))
            .with("state", "available"),
    );
    let to_igw = |dest: &str| route(dest, Some(kinds::INTERNET_GATEWAY), &igw);

    let hub = org.hub(region);
    let to_hub = |dest: &str| {
        hub.as_ref().map(|(tgw, owner)| {
            let e = route(dest, Some(kinds::TRANSIT_GATEWAY), tgw);
            if *owner == acct {
                e
            } else {
                e.in_account(*owner)
            }
        })
    };
    if let Some((tgw, owner)) = &hub {
        out.push(attachment(
            stack,
            tgw,
            owner,
            &stack.tags(&attachment_name(stack)),
        ));
    }

    let public_rtb = |extra: Vec<Edge>| {
        let name = format!("{p}-public-rtb");
        let mut routes = vec![local(vpc, &cidr), to_igw("0.0.0.0/0")];
        routes.extend(extra);
        route_table(
            named(kinds::ROUTE_TABLE, id("rtb", "public"), &name),
            vpc,
            false,
            routes,
            &built.public_subnets,
        )
    };

    if stack.part == Part::Dr {
        // No NAT of its own: the DR copy leaves through the hub.
        out.push(public_rtb(Vec::new()));
        let mut routes = vec![local(vpc, &cidr)];
        routes.extend(to_hub("0.0.0.0/0"));
        let name = format!("{p}-private-rtb");
        out.push(route_table(
            named(kinds::ROUTE_TABLE, id("rtb", "private"), &name),
            vpc,
            false,
            routes,
            &built.private_subnets,
        ));
        return;
    }

    // An app or shared VPC: one NAT gateway in the first public subnet.
    let (nat_subnet, third, _) = &built.public_subnets[0];
    let nat_name = format!("{p}-nat-a");
    let nat = id("nat", "a");
    let eip_name = format!("{nat_name}-eip");
    let eip = ec2_id("eipalloc", &[acct, region, &eip_name]);
    let nat_public = public_ip(&[acct, region, &nat_name]);
    let nat_private = format!("10.{}.{third}.250", stack.octet);
    out.push(
        named(kinds::ELASTIC_IP, eip.clone(), &eip_name)
            .with("public_ip", nat_public.clone())
            .with("domain", "vpc")
            .with(
                "association_id",
                ec2_id("eipassoc", &[acct, region, &eip_name]),
            )
            .with("private_ip", nat_private.clone())
            .with(
                "network_interface_id",
                ec2_id("eni", &[acct, region, &nat_name]),
            )
            .with("network_border_group", region)
            .with("public_ipv4_pool", "amazon"),
    );
    out.push(
        named(kinds::NAT_GATEWAY, nat.clone(), &nat_name)
            .with_edge(in_vpc(vpc))
            .with_edge(Edge::new(Rel::InSubnet, kinds::SUBNET, nat_subnet.clone()))
            .with_edge(Edge::new(Rel::AttachedTo, kinds::ELASTIC_IP, eip))
            .with("connectivity", "public")
            .with("state", "available")
            .with("public_ip", nat_public)
            .with("private_ip", nat_private),
    );

    // The S3 gateway endpoint, reached through both route tables.
    let s3 = id("vpce", "s3");
    out.push(
        named(kinds::VPC_ENDPOINT, s3.clone(), &format!("{p}-s3"))
            .with_edge(in_vpc(vpc))
            .with("service_name", format!("com.amazonaws.{region}.s3"))
            .with("endpoint_type", "Gateway")
            .with("state", "available")
            .with("private_dns", false),
    );
    let to_s3 = || route(&s3_prefix_list(region), Some(kinds::VPC_ENDPOINT), &s3);
    if stack.part == Part::App && stack.env_index < 2 {
        let mut e = named(
            kinds::VPC_ENDPOINT,
            id("vpce", "secretsmanager"),
            &format!("{p}-secretsmanager"),
        )
        .with_edge(in_vpc(vpc))
        .with(
            "service_name",
            format!("com.amazonaws.{region}.secretsmanager"),
        )
        .with("endpoint_type", "Interface")
        .with("state", "available")
        .with("private_dns", true);
        for (subnet, ..) in &built.private_subnets {
            e = e.with_edge(Edge::new(Rel::InSubnet, kinds::SUBNET, subnet.clone()));
        }
        out.push(
            e.with_edge(
                Edge::new(
                    Rel::MemberOf,
                    kinds::SECURITY_GROUP,
                    built.default_sg.clone(),
                )
                .named("default"),
            ),
        );
    }

    out.push(public_rtb(vec![to_s3()]));

    // The private table: out through the NAT (straight to the internet
    // gateway in a drifted test twin), the rest of 10/8 through the hub.
    let mut routes = vec![
        local(vpc, &cidr),
        if stack.drift {
            to_igw("0.0.0.0/0")
        } else {
            route("0.0.0.0/0", Some(kinds::NAT_GATEWAY), &nat)
        },
    ];
    routes.extend(to_hub("10.0.0.0/8"));
    routes.push(to_s3());

    let audit_peering = org.audit_peering.as_ref();
    match stack.plan.role {
        Role::SecurityAudit => {
            if let Some(pcx) = audit_peering {
                out.push(pcx.listed_by(stack, "requester"));
                routes.push(route(
                    &pcx.accepter.cidr,
                    Some(kinds::VPC_PEERING_CONNECTION),
                    &pcx.id,
                ));
            }
            // The office, over a VPN orgscope does not collect.
            let vgw = ec2_id("vgw", &[acct, region, "office"]);
            routes.push(route(OFFICE_CIDR, None, &vgw));
            // A peering deleted long ago: the route stays, blackholed.
            let gone = ec2_id("pcx", &[acct, region, "retired-scanner"]);
            let mut dead = route("10.99.0.0/16", Some(kinds::VPC_PEERING_CONNECTION), &gone);
            dead.attrs
                .insert("state".to_string(), "blackhole".to_string());
            routes.push(dead);
        }
        Role::LogArchive => {
            let pcx = Peering {
                id: ec2_id("pcx", &[acct, VENDOR_ACCOUNT_ID, "siem"]),
                name: format!("{p}-siem-vendor-peering"),
                requester: End::of(stack),
                accepter: End {
                    account: VENDOR_ACCOUNT_ID.to_string(),
                    vpc: ec2_id("vpc", &[VENDOR_ACCOUNT_ID, VENDOR_REGION, "siem"]),
                    region: VENDOR_REGION,
                    cidr: VENDOR_CIDR.to_string(),
                },
            };
            out.push(pcx.listed_by(stack, "requester"));
            routes.push(route(
                VENDOR_CIDR,
                Some(kinds::VPC_PEERING_CONNECTION),
                &pcx.id,
            ));
            let eigw = id("eigw", "");
            out.push(
                named(
                    kinds::EGRESS_ONLY_INTERNET_GATEWAY,
                    eigw.clone(),
                    &format!("{p}-eigw"),
                )
                .with_edge(in_vpc(vpc))
                .with("state", "attached"),
            );
            routes.push(route(
                "::/0",
                Some(kinds::EGRESS_ONLY_INTERNET_GATEWAY),
                &eigw,
            ));
        }
        _ => {
            if let Some(pcx) = audit_peering.filter(|pcx| pcx.accepter.vpc == vpc) {
                out.push(pcx.listed_by(stack, "accepter"));
                routes.push(route(
                    &pcx.requester.cidr,
                    Some(kinds::VPC_PEERING_CONNECTION),
                    &pcx.id,
                ));
            }
        }
    }
    out.push(route_table(
        named(
            kinds::ROUTE_TABLE,
            id("rtb", "private"),
            &format!("{p}-private-rtb"),
        ),
        vpc,
        false,
        routes,
        &built.private_subnets,
    ));
}

fn attachment_name(stack: &Stack) -> String {
    format!("{}-tgw-attach", stack.prefix)
}

/// A VPC's attachment to the hub `tgw` of `tgw_owner`, as the account
/// `holder` lists it (the VPC's owner or the hub's owner: same id).
fn attachment_as(stack: &Stack, holder: &str, tgw: &str, tgw_owner: &str, tags: &Tags) -> Resource {
    let vpc_owner = stack.plan.id.as_str();
    let mut r = Resource::new(
        kinds::TRANSIT_GATEWAY_ATTACHMENT,
        holder,
        stack.region,
        attachment_id(stack),
    );
    r.name = Some(attachment_name(stack));
    r.tags = tags.clone();
    let mut to_tgw = Edge::new(Rel::AttachedTo, kinds::TRANSIT_GATEWAY, tgw);
    if tgw_owner != holder {
        to_tgw = to_tgw.in_account(tgw_owner);
    }
    let mut to_vpc = in_vpc(&stack.vpc_id());
    if vpc_owner != holder {
        to_vpc = to_vpc.in_account(vpc_owner);
    }
    r.with_edge(to_tgw)
        .with_edge(to_vpc)
        .with("resource_type", "vpc")
        .with("state", "available")
        .with("resource_id", stack.vpc_id())
        .with("resource_owner", vpc_owner)
        .with("tgw_owner", tgw_owner)
        .with("association_state", "associated")
}

/// The attachment as the VPC's owner lists it.
fn attachment(stack: &Stack, tgw: &str, tgw_owner: &str, tags: &Tags) -> Resource {
    attachment_as(stack, &stack.plan.id, tgw, tgw_owner, tags)
}

/// The network account's hub: a Transit Gateway per hub region with its
/// route tables, and every attachment to it, whoever owns the VPC.
pub(super) fn hub(plan: &Plan, org: &Org, out: &mut Vec<Resource>) {
    let acct = plan.id.as_str();
    let tags = |name: &str| {
        let mut t = Tags::new();
        t.insert("Name".to_string(), name.to_string());
        t.insert("env".to_string(), "shared".to_string());
        t.insert("app".to_string(), "network".to_string());
        t.insert("owner".to_string(), owner_of("network"));
        t.insert("cost-center".to_string(), cost_center_of("network"));
        t
    };
    let named = |kind: Kind, region: &str, id: String, name: &str| {
        let mut r = Resource::new(kind, acct, region, id);
        r.name = Some(name.to_string());
        r.tags = tags(name);
        r
    };
    for (i, region) in HUB_REGIONS.iter().enumerate() {
        let name = tgw_name(region);
        let tgw = tgw_id(acct, region);
        out.push(
            named(kinds::TRANSIT_GATEWAY, region, tgw.clone(), &name)
                .with("state", "available")
                .with("asn", 64512 + i as i64)
                .with("owner", acct)
                .with("default_association", "enable")
                .with("default_propagation", "enable")
                .with("auto_accept", "enable"),
        );
        // Routing domains: shared services see everything (the default
        // table); prod and non-prod apps, whose twins reuse one CIDR, each
        // see their own and the shared ones.
        for domain in ["shared", "prod", "nonprod"] {
            let rt_name = format!("{name}-{domain}");
            let default = domain == "shared";
            out.push(
                named(
                    kinds::TRANSIT_GATEWAY_ROUTE_TABLE,
                    region,
                    ec2_id("tgw-rtb", &[acct, region, domain]),
                    &rt_name,
                )
                .with_edge(Edge::new(
                    Rel::AttachedTo,
                    kinds::TRANSIT_GATEWAY,
                    tgw.clone(),
                ))
                .with("state", "available")
                .with("default_association", default)
                .with("default_propagation", default),
            );
        }
    }
    // Every attachment, in account order: one pass over the plans.
    for other in org.plans {
        for stack in stacks(other) {
            if stack.part == Part::Lab || !HUB_REGIONS.contains(&stack.region) {
                continue;
            }
            let tgw = tgw_id(acct, stack.region);
            let name = attachment_name(&stack);
            out.push(attachment_as(&stack, acct, &tgw, acct, &tags(&name)));
        }
    }
}
