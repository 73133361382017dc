//! Mappers of the EC2 resource types: each reads one AWS Config item into
//! the resource `orgscope-aws`'s `ec2/<kind>.rs` converter makes from the
//! describe call, field by field and edge by edge, in the same order and
//! text forms. Each function below mirrors that converter; where they part
//! it says why.
//!
//! Config's `configuration` for twelve of these types is the EC2 describe
//! element with lower-camel-case keys (`instanceId`, `placement.
//! availabilityZone`), as AWS's published schema
//! (`awslabs/aws-config-resource-schema`, `config/properties/
//! resource-types/AWS::EC2::*.properties.json`) lists them; a few of its
//! enums are an object in newer items (`state.value`), read by
//! [`Reader::text_in`]. The three Transit Gateway types are recorded in the
//! CloudFormation shape instead (`Id`, `TransitGatewayId`, `VpcId`,
//! `AmazonSideAsn`), which lacks the state, the owners and the route
//! tables' default flags: those are read from the describe shape's keys
//! when an item has them, else left null and listed in [`NOT_RECORDED`].
//!
//! A missing id is an error (a resource the crawl would have skipped, and
//! that nothing can name); any other key that is absent gives a null
//! field, or no edge, never a guessed value.

use super::read::{self, Reader};
use super::{ConfigItem, ItemError, Mapper};
use crate::model::{
    Edge, Kind, Permission, PermissionPeer, Rel, Resource, Value, kinds, normalize_rules,
};

pub(super) const MAPPERS: &[Mapper] = &[
    Mapper {
        resource_type: "AWS::EC2::Instance",
        kind: kinds::INSTANCE,
        map: instance,
    },
    Mapper {
        resource_type: "AWS::EC2::VPC",
        kind: kinds::VPC,
        map: vpc,
    },
    Mapper {
        resource_type: "AWS::EC2::Subnet",
        kind: kinds::SUBNET,
        map: subnet,
    },
    Mapper {
        resource_type: "AWS::EC2::SecurityGroup",
        kind: kinds::SECURITY_GROUP,
        map: security_group,
    },
    Mapper {
        resource_type: "AWS::EC2::Volume",
        kind: kinds::VOLUME,
        map: volume,
    },
    Mapper {
        resource_type: "AWS::EC2::EIP",
        kind: kinds::ELASTIC_IP,
        map: elastic_ip,
    },
    Mapper {
        resource_type: "AWS::EC2::InternetGateway",
        kind: kinds::INTERNET_GATEWAY,
        map: internet_gateway,
    },
    Mapper {
        resource_type: "AWS::EC2::EgressOnlyInternetGateway",
        kind: kinds::EGRESS_ONLY_INTERNET_GATEWAY,
        map: egress_only_internet_gateway,
    },
    Mapper {
        resource_type: "AWS::EC2::NatGateway",
        kind: kinds::NAT_GATEWAY,
        map: nat_gateway,
    },
    Mapper {
        resource_type: "AWS::EC2::RouteTable",
        kind: kinds::ROUTE_TABLE,
        map: route_table,
    },
    Mapper {
        resource_type: "AWS::EC2::VPCEndpoint",
        kind: kinds::VPC_ENDPOINT,
        map: vpc_endpoint,
    },
    Mapper {
        resource_type: "AWS::EC2::VPCPeeringConnection",
        kind: kinds::VPC_PEERING_CONNECTION,
        map: vpc_peering_connection,
    },
    Mapper {
        resource_type: "AWS::EC2::TransitGateway",
        kind: kinds::TRANSIT_GATEWAY,
        map: transit_gateway,
    },
    Mapper {
        resource_type: "AWS::EC2::TransitGatewayAttachment",
        kind: kinds::TRANSIT_GATEWAY_ATTACHMENT,
        map: transit_gateway_attachment,
    },
    Mapper {
        resource_type: "AWS::EC2::TransitGatewayRouteTable",
        kind: kinds::TRANSIT_GATEWAY_ROUTE_TABLE,
        map: transit_gateway_route_table,
    },
];

/// (kind, field) the crawl fills and Config's items of these types do not
/// carry: always null in a Config-sourced estate. All come from the
/// CloudFormation shape of the Transit Gateway types (see the module doc).
/// The derived fields (`internet`, `routing`...) are not here: they are
/// computed over the estate after it is read, from either source.
pub(super) const NOT_RECORDED: &[(&str, &str)] = &[
    ("transit_gateway", "state"),
    ("transit_gateway", "owner"),
    ("transit_gateway_attachment", "state"),
    ("transit_gateway_attachment", "resource_owner"),
    ("transit_gateway_attachment", "tgw_owner"),
    ("transit_gateway_attachment", "association_state"),
    ("transit_gateway_route_table", "state"),
    ("transit_gateway_route_table", "default_association"),
    ("transit_gateway_route_table", "default_propagation"),
];

/// The crawl's `other_account`: another account's id as an edge's far-end
/// account, `None` when it is the item's own or unknown.
fn other_account(item: &ConfigItem, owner: Option<String>) -> Option<String> {
    owner.filter(|o| *o != item.account_id)
}

/// A yes/no Config may leave out: null when it did, as the crawl's `flag`.
fn flag(b: Option<bool>) -> Value {
    b.map_or(Value::Null, Value::Bool)
}

/// A port (`fromPort`, `toPort`): a whole number that fits EC2's `i32`.
fn port(r: &Reader<'_>, path: &str) -> Result<Option<i32>, ItemError> {
    r.number(path)?
        .map(|n| i32::try_from(n).map_err(|_| r.malformed(path, "is not a port number")))
        .transpose()
}

/// A `member_of` edge to a security group, named by the group name the
/// near end reports.
fn group_edge((id, name): (String, Option<String>)) -> Edge {
    let edge = Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, id);
    match name {
        Some(name) => edge.named(name),
        None => edge,
    }
}

/// The `(groupId, groupName)` of each group at `path`, sorted by (id,
/// name) as the crawl sorts them; a group without an id has no far end and
/// gives no edge.
fn groups(r: &Reader<'_>, path: &str) -> Result<Vec<(String, Option<String>)>, ItemError> {
    let mut out = Vec::new();
    for g in r.objects(path)? {
        if let Some(id) = g.text("groupId")? {
            out.push((id, g.text("groupName")?));
        }
    }
    out.sort();
    Ok(out)
}

fn instance(item: &ConfigItem) -> Result<Resource, ItemError> {
    let c = Reader::new(item);
    let id = c.required("instanceId")?;
    let groups = groups(&c, "securityGroups")?;
    let mut r = read::resource(item, kinds::INSTANCE, &id, None)
        .with("instance_type", c.text("instanceType")?)
        .with("image_id", c.text("imageId")?)
        // `{code, name}`, as in the describe output.
        .with("state", c.text_in("state", "name")?)
        .with("platform", c.text("platform")?)
        .with("architecture", c.text("architecture")?)
        .with("private_ip", c.text("privateIpAddress")?)
        .with("public_ip", c.text("publicIpAddress")?)
        .with("az", c.text("placement.availabilityZone")?)
        .with("launch_time", c.time("launchTime")?)
        .with("key_name", c.text("keyName")?);
    if let Some(vpc) = c.text("vpcId")? {
        r.relations.push(Edge::new(Rel::InVpc, kinds::VPC, vpc));
    }
    if let Some(subnet) = c.text("subnetId")? {
        r.relations
            .push(Edge::new(Rel::InSubnet, kinds::SUBNET, subnet));
    }
    r.relations.extend(groups.into_iter().map(group_edge));
    Ok(r)
}

fn vpc(item: &ConfigItem) -> Result<Resource, ItemError> {
    let c = Reader::new(item);
    let id = c.required("vpcId")?;
    let primary = c.text("cidrBlock")?;
    // Every associated CIDR (an association being added or removed is not
    // the VPC's yet, or any more), the primary first.
    let mut cidrs = Vec::new();
    for a in c.objects("cidrBlockAssociationSet")? {
        let state = a.text_in("cidrBlockState.state", "value")?;
        if state.as_deref().is_none_or(|s| s == "associated")
            && let Some(cidr) = a.text("cidrBlock")?
        {
            cidrs.push(cidr);
        }
    }
    if let Some(p) = &primary
        && !cidrs.contains(p)
    {
        cidrs.insert(0, p.clone());
    }
    Ok(read::resource(item, kinds::VPC, &id, None)
        .with("cidr", primary)
        .with("cidr_blocks", cidrs)
        .with("is_default", flag(c.flag("isDefault")?))
        .with("state", c.text_in("state", "value")?))
}

fn subnet(item: &ConfigItem) -> Result<Resource, ItemError> {
    let c = Reader::new(item);
    let id = c.required("subnetId")?;
    let mut r = read::resource(item, kinds::SUBNET, &id, None)
        .with("cidr", c.text("cidrBlock")?)
        .with("az", c.text("availabilityZone")?)
        .with("public", flag(c.flag("mapPublicIpOnLaunch")?))
        .with("default_for_az", flag(c.flag("defaultForAz")?))
        .with("available_ips", c.number("availableIpAddressCount")?)
        .with("state", c.text_in("state", "value")?);
    if let Some(vpc) = c.text("vpcId")? {
        r.relations.push(Edge::new(Rel::InVpc, kinds::VPC, vpc));
    }
    Ok(r)
}

fn security_group(item: &ConfigItem) -> Result<Resource, ItemError> {
    let c = Reader::new(item);
    let id = c.required("groupId")?;
    let name = c.text("groupName")?;
    // As the crawl: a group's own account, when EC2 does not say, is the
    // account it was listed in.
    let owner = c
        .text("ownerId")?
        .unwrap_or_else(|| item.account_id.clone());
    let ingress = permissions(&c, "ipPermissions")?;
    let egress = permissions(&c, "ipPermissionsEgress")?;
    let mut r = read::resource(item, kinds::SECURITY_GROUP, &id, name.as_deref())
        .with("group_name", name)
        .with("description", c.text("description")?)
        .with("ingress", normalize_rules(&ingress, &owner))
        .with("egress", normalize_rules(&egress, &owner));
    if let Some(vpc) = c.text("vpcId")? {
        r.relations.push(Edge::new(Rel::InVpc, kinds::VPC, vpc));
    }
    Ok(r)
}

/// The permissions at `path` as the core's [`normalize_rules`] reads them.
/// IPv4 ranges are `ipv4Ranges` (`{cidrIp, description}`) in current
/// items; items of the older form have only `ipRanges`, a list of CIDR
/// texts without descriptions, and current ones may carry both, the same
/// ranges twice: `ipRanges` is read only when `ipv4Ranges` is absent, so a
/// described range does not come out twice.
fn permissions(c: &Reader<'_>, path: &str) -> Result<Vec<Permission>, ItemError> {
    let mut out = Vec::new();
    for p in c.objects(path)? {
        let mut peers = Vec::new();
        if p.get("ipv4Ranges").is_some() {
            for r in p.objects("ipv4Ranges")? {
                if let Some(cidr) = r.text("cidrIp")? {
                    peers.push((PermissionPeer::Cidr(cidr), r.text("description")?));
                }
            }
        } else {
            for cidr in p.texts("ipRanges")?.unwrap_or_default() {
                peers.push((PermissionPeer::Cidr(cidr), None));
            }
        }
        for r in p.objects("ipv6Ranges")? {
            if let Some(cidr) = r.text("cidrIpv6")? {
                peers.push((PermissionPeer::Ipv6Cidr(cidr), r.text("description")?));
            }
        }
        for g in p.objects("userIdGroupPairs")? {
            if let Some(group_id) = g.text("groupId")? {
                let user_id = g.text("userId")?;
                peers.push((
                    PermissionPeer::Group { user_id, group_id },
                    g.text("description")?,
                ));
            }
        }
        for l in p.objects("prefixListIds")? {
            if let Some(id) = l.text("prefixListId")? {
                peers.push((PermissionPeer::PrefixList(id), l.text("description")?));
            }
        }
        out.push(Permission {
            protocol: p.text("ipProtocol")?,
            from_port: port(&p, "fromPort")?,
            to_port: port(&p, "toPort")?,
            peers,
        });
    }
    Ok(out)
}

fn volume(item: &ConfigItem) -> Result<Resource, ItemError> {
    let c = Reader::new(item);
    let id = c.required("volumeId")?;
    // Sorted by (instance, device, state) as the crawl sorts them. An
    // edge attribute has no null: a device or state Config left out is
    // empty, as the crawl writes one EC2 left out.
    let mut attachments = Vec::new();
    for a in c.objects("attachments")? {
        if let Some(instance) = a.text("instanceId")? {
            attachments.push((
                instance,
                a.text("device")?.unwrap_or_default(),
                a.text_in("state", "value")?.unwrap_or_default(),
            ));
        }
    }
    attachments.sort();
    let mut r = read::resource(item, kinds::VOLUME, &id, None)
        .with("size_gib", c.number("size")?)
        .with("volume_type", c.text("volumeType")?)
        .with("iops", c.number("iops")?)
        .with("encrypted", flag(c.flag("encrypted")?))
        .with("state", c.text_in("state", "value")?)
        .with("az", c.text("availabilityZone")?);
    r.relations
        .extend(attachments.into_iter().map(|(instance, device, state)| {
            Edge::new(Rel::AttachedTo, kinds::INSTANCE, instance)
                .attr("device", device)
                .attr("state", state)
        }));
    Ok(r)
}

/// An address by its allocation id, else its public IP (an EC2-Classic
/// leftover), as the crawl names it. The item's `resourceId` is the
/// allocation id too, but the configuration is what the crawl reads.
fn elastic_ip(item: &ConfigItem) -> Result<Resource, ItemError> {
    let c = Reader::new(item);
    let Some(id) = c.text("allocationId")?.or(c.text("publicIp")?) else {
        return Err(c.malformed("allocationId", "is missing, and so is publicIp"));
    };
    let mut r = read::resource(item, kinds::ELASTIC_IP, &id, None)
        .with("public_ip", c.text("publicIp")?)
        .with("domain", c.text("domain")?)
        .with("association_id", c.text("associationId")?)
        .with("private_ip", c.text("privateIpAddress")?)
        .with("network_interface_id", c.text("networkInterfaceId")?)
        .with("network_border_group", c.text("networkBorderGroup")?)
        .with("public_ipv4_pool", c.text("publicIpv4Pool")?);
    if let Some(instance) = c.text("instanceId")? {
        r = r.with_edge(Edge::new(Rel::AttachedTo, kinds::INSTANCE, instance));
    }
    Ok(r)
}

fn internet_gateway(item: &ConfigItem) -> Result<Resource, ItemError> {
    let c = Reader::new(item);
    let id = c.required("internetGatewayId")?;
    let (state, edges) = attachment(&c)?;
    // The crawl's one word for one fact: EC2 says `available` for an
    // internet gateway attached to a VPC, `attached` everywhere else.
    let state = state.map(|s| {
        if s == "available" {
            "attached".into()
        } else {
            s
        }
    });
    let mut r = read::resource(item, kinds::INTERNET_GATEWAY, &id, None).with("state", state);
    r.relations = edges;
    Ok(r)
}

fn egress_only_internet_gateway(item: &ConfigItem) -> Result<Resource, ItemError> {
    let c = Reader::new(item);
    let id = c.required("egressOnlyInternetGatewayId")?;
    let (state, edges) = attachment(&c)?;
    let mut r =
        read::resource(item, kinds::EGRESS_ONLY_INTERNET_GATEWAY, &id, None).with("state", state);
    r.relations = edges;
    Ok(r)
}

/// A gateway's state and `in_vpc` edges from its `attachments`, as the
/// crawl's `internet_gateway::attachment`: the first attachment's state,
/// `detached` when there is none; one edge per attachment naming a VPC.
fn attachment(c: &Reader<'_>) -> Result<(Option<String>, Vec<Edge>), ItemError> {
    let attachments = c.objects("attachments")?;
    let state = match attachments.first() {
        Some(a) => a.text_in("state", "value")?,
        None => Some("detached".to_string()),
    };
    let mut edges = Vec::new();
    for a in &attachments {
        if let Some(vpc) = a.text("vpcId")? {
            edges.push(Edge::new(Rel::InVpc, kinds::VPC, vpc));
        }
    }
    Ok((state, edges))
}

fn nat_gateway(item: &ConfigItem) -> Result<Resource, ItemError> {
    let c = Reader::new(item);
    let id = c.required("natGatewayId")?;
    let addresses = c.objects("natGatewayAddresses")?;
    // The primary address, else the first, as the crawl reads it. Config's
    // schema does not list `isPrimary`; an item without it reads the
    // first, which is the primary of every gateway with one address.
    let mut primary = addresses.first();
    for a in &addresses {
        if a.flag("isPrimary")? == Some(true) {
            primary = Some(a);
            break;
        }
    }
    let (public_ip, private_ip) = match primary {
        Some(a) => (a.text("publicIp")?, a.text("privateIp")?),
        None => (None, None),
    };
    let mut r = read::resource(item, kinds::NAT_GATEWAY, &id, None)
        .with("connectivity", c.text("connectivityType")?)
        .with("state", c.text_in("state", "value")?)
        .with("public_ip", public_ip)
        .with("private_ip", private_ip);
    if let Some(vpc) = c.text("vpcId")? {
        r.relations.push(Edge::new(Rel::InVpc, kinds::VPC, vpc));
    }
    if let Some(subnet) = c.text("subnetId")? {
        r.relations
            .push(Edge::new(Rel::InSubnet, kinds::SUBNET, subnet));
    }
    let mut eips = Vec::new();
    for a in &addresses {
        eips.extend(a.text("allocationId")?);
    }
    eips.sort();
    eips.dedup();
    r.relations.extend(
        eips.into_iter()
            .map(|eip| Edge::new(Rel::AttachedTo, kinds::ELASTIC_IP, eip)),
    );
    Ok(r)
}

/// A route table, as the crawl's `route_table`: whether it is its VPC's
/// main table and the subnets it serves come from its own `associations`
/// (the same facts the crawl reads: no join with other items), each route
/// an edge to its target.
fn route_table(item: &ConfigItem) -> Result<Resource, ItemError> {
    let c = Reader::new(item);
    let id = c.required("routeTableId")?;
    let vpc = c.text("vpcId")?;
    let mut main = false;
    let mut subnets = Vec::new();
    for a in c.objects("associations")? {
        // An association being torn down (or that failed) no longer
        // routes its subnet through this table.
        let state = a.text_in("associationState.state", "value")?;
        if matches!(state.as_deref(), Some("disassociated" | "failed")) {
            continue;
        }
        main |= a.flag("main")? == Some(true);
        subnets.extend(a.text("subnetId")?);
    }
    subnets.sort();
    subnets.dedup();
    let routes = c.objects("routes")?;
    let mut edges = Vec::new();
    for x in &routes {
        edges.push(route(item, vpc.as_deref(), x)?);
    }
    edges.sort_by(|a, b| {
        (a.attrs.get("destination"), &a.to).cmp(&(b.attrs.get("destination"), &b.to))
    });
    let mut r = read::resource(item, kinds::ROUTE_TABLE, &id, None)
        .with("main", main)
        .with("route_count", i64::try_from(routes.len()).ok());
    if let Some(vpc) = vpc {
        r.relations.push(Edge::new(Rel::InVpc, kinds::VPC, vpc));
    }
    r.relations.extend(
        subnets
            .into_iter()
            .map(|s| Edge::new(Rel::Serves, kinds::SUBNET, s)),
    );
    r.relations.extend(edges);
    Ok(r)
}

/// One route as an edge to its target, as the crawl's `route`.
fn route(item: &ConfigItem, vpc: Option<&str>, x: &Reader<'_>) -> Result<Edge, ItemError> {
    let (kind, to) = match target(vpc, x)? {
        Some(t) => t,
        // Nothing names the target: kept with what there is.
        None => (None, x.text("ipAddress")?.unwrap_or_default()),
    };
    let mut e = Edge::new(Rel::RoutesTo, kinds::VPC, to);
    e.kind = kind;
    // A NAT instance in another account (a shared VPC) is named with it.
    if kind == Some(kinds::INSTANCE)
        && let Some(owner) = other_account(item, x.text("instanceOwnerId")?)
    {
        e = e.in_account(owner);
    }
    let destination = match x.text("destinationCidrBlock")? {
        Some(d) => Some(d),
        None => match x.text("destinationIpv6CidrBlock")? {
            Some(d) => Some(d),
            None => x.text("destinationPrefixListId")?,
        },
    };
    if let Some(d) = destination {
        e = e.attr("destination", d);
    }
    if let Some(state) = x.text_in("state", "value")? {
        e = e.attr("state", state);
    }
    Ok(e)
}

/// The route's target, as the crawl's `target`: its kind when orgscope
/// collects it, and its id; the first target key the route has, in the
/// crawl's order.
fn target(vpc: Option<&str>, x: &Reader<'_>) -> Result<Option<(Option<Kind>, String)>, ItemError> {
    let known = |kind: Kind, id: String| Some((Some(kind), id));
    if let Some(g) = x.text("gatewayId")? {
        return Ok(match g.as_str() {
            "local" => match vpc {
                Some(v) => known(kinds::VPC, v.to_string()),
                None => Some((None, g)),
            },
            _ if g.starts_with("igw-") => known(kinds::INTERNET_GATEWAY, g),
            _ if g.starts_with("vpce-") => known(kinds::VPC_ENDPOINT, g),
            _ => Some((None, g)),
        });
    }
    let typed = [
        (
            "egressOnlyInternetGatewayId",
            kinds::EGRESS_ONLY_INTERNET_GATEWAY,
        ),
        ("natGatewayId", kinds::NAT_GATEWAY),
        ("vpcPeeringConnectionId", kinds::VPC_PEERING_CONNECTION),
        ("transitGatewayId", kinds::TRANSIT_GATEWAY),
        // A NAT instance's route names its instance and its network
        // interface: the instance is the target orgscope knows.
        ("instanceId", kinds::INSTANCE),
    ];
    for (key, kind) in typed {
        if let Some(id) = x.text(key)? {
            return Ok(known(kind, id));
        }
    }
    for key in [
        "networkInterfaceId",
        "carrierGatewayId",
        "localGatewayId",
        "coreNetworkArn",
        "odbNetworkArn",
    ] {
        if let Some(id) = x.text(key)? {
            return Ok(Some((None, id)));
        }
    }
    Ok(None)
}

fn vpc_endpoint(item: &ConfigItem) -> Result<Resource, ItemError> {
    let c = Reader::new(item);
    let id = c.required("vpcEndpointId")?;
    let mut subnets = c.texts("subnetIds")?.unwrap_or_default();
    subnets.sort();
    subnets.dedup();
    let mut groups = groups(&c, "groups")?;
    groups.dedup();
    let mut r = read::resource(item, kinds::VPC_ENDPOINT, &id, None)
        .with("service_name", c.text("serviceName")?)
        .with("endpoint_type", c.text("vpcEndpointType")?)
        .with("state", c.text_in("state", "value")?)
        .with("private_dns", flag(c.flag("privateDnsEnabled")?));
    if let Some(vpc) = c.text("vpcId")? {
        r.relations.push(Edge::new(Rel::InVpc, kinds::VPC, vpc));
    }
    r.relations.extend(
        subnets
            .into_iter()
            .map(|s| Edge::new(Rel::InSubnet, kinds::SUBNET, s)),
    );
    r.relations.extend(groups.into_iter().map(group_edge));
    Ok(r)
}

/// A peering, as the crawl's `peering`: `side` says which end(s) the
/// item's account holds (Config records the peering in each account that
/// holds an end, as EC2 lists it in each), each end's edge names its
/// owner and region when they are not the item's.
fn vpc_peering_connection(item: &ConfigItem) -> Result<Resource, ItemError> {
    let c = Reader::new(item);
    let id = c.required("vpcPeeringConnectionId")?;
    let requester = c.object("requesterVpcInfo")?;
    let accepter = c.object("accepterVpcInfo")?;
    let owner = |v: Option<Reader<'_>>| v.map(|v| v.text("ownerId")).transpose();
    let (req_owner, acc_owner) = (owner(requester)?.flatten(), owner(accepter)?.flatten());
    let mine = |o: &Option<String>| o.as_deref() == Some(item.account_id.as_str());
    let side = match (mine(&req_owner), mine(&acc_owner)) {
        (true, true) => Some("both"),
        (true, false) => Some("requester"),
        (false, true) => Some("accepter"),
        (false, false) => None,
    };
    let mut r = read::resource(item, kinds::VPC_PEERING_CONNECTION, &id, None)
        // `{code, message}` in the describe output; text in some items.
        .with("status", c.text_in("status", "code")?)
        .with("side", side.map(str::to_string));
    for (end, info, owner) in [
        ("requester", requester, req_owner),
        ("accepter", accepter, acc_owner),
    ] {
        let (vpc, region, cidr) = match info {
            Some(v) => (v.text("vpcId")?, v.text("region")?, v.text("cidrBlock")?),
            None => (None, None, None),
        };
        r.set(&format!("{end}_vpc"), vpc.clone());
        r.set(&format!("{end}_account"), owner.clone());
        r.set(&format!("{end}_region"), region.clone());
        r.set(&format!("{end}_cidr"), cidr);
        if let Some(vpc) = vpc {
            let mut e = Edge::new(Rel::PeersWith, kinds::VPC, vpc).attr("side", end);
            if let Some(account) = other_account(item, owner) {
                e = e.in_account(account);
            }
            if let Some(region) = region.filter(|r| *r != item.region) {
                e = e.in_region(region);
            }
            r.relations.push(e);
        }
    }
    Ok(r)
}

/// The text at the first of `paths` the item has: the CloudFormation key
/// of a Transit Gateway type, then its describe-shape key.
fn first_text(c: &Reader<'_>, paths: &[&str]) -> Result<Option<String>, ItemError> {
    for p in paths {
        if let Some(t) = c.text(p)? {
            return Ok(Some(t));
        }
    }
    Ok(None)
}

/// The first of `paths` the item has, as the id; its absence an error
/// naming the CloudFormation key.
fn first_id(c: &Reader<'_>, paths: &[&str]) -> Result<String, ItemError> {
    first_text(c, paths)?.ok_or_else(|| c.malformed(paths[0], "is missing"))
}

fn transit_gateway(item: &ConfigItem) -> Result<Resource, ItemError> {
    let c = Reader::new(item);
    let id = first_id(&c, &["Id", "transitGatewayId"])?;
    let asn = match c.number("AmazonSideAsn")? {
        Some(n) => Some(n),
        None => c.number("options.amazonSideAsn")?,
    };
    Ok(read::resource(item, kinds::TRANSIT_GATEWAY, &id, None)
        .with("state", c.text("state")?)
        .with("asn", asn)
        .with("owner", c.text("ownerId")?)
        .with(
            "default_association",
            first_text(
                &c,
                &[
                    "DefaultRouteTableAssociation",
                    "options.defaultRouteTableAssociation",
                ],
            )?,
        )
        .with(
            "default_propagation",
            first_text(
                &c,
                &[
                    "DefaultRouteTablePropagation",
                    "options.defaultRouteTablePropagation",
                ],
            )?,
        )
        .with(
            "auto_accept",
            first_text(
                &c,
                &[
                    "AutoAcceptSharedAttachments",
                    "options.autoAcceptSharedAttachments",
                ],
            )?,
        ))
}

/// An attachment, as the crawl's: `attached_to` its gateway and, for a
/// VPC attachment, `in_vpc` its VPC, each naming its owner when it is not
/// the item's account. CloudFormation's `AWS::EC2::TransitGatewayAttachment`
/// is a VPC attachment by definition (it has a `VpcId`, and other
/// attachments are other types), so its `VpcId` gives the crawl's
/// `resource_type` `vpc` and `resource_id`; it names neither owner, so
/// both edges then name none.
fn transit_gateway_attachment(item: &ConfigItem) -> Result<Resource, ItemError> {
    let c = Reader::new(item);
    let id = first_id(&c, &["Id", "transitGatewayAttachmentId"])?;
    let (resource_type, resource_id) = match c.text("VpcId")? {
        Some(vpc) => (Some("vpc".to_string()), Some(vpc)),
        None => (c.text("resourceType")?, c.text("resourceId")?),
    };
    let resource_owner = c.text("resourceOwnerId")?;
    let tgw_owner = c.text("transitGatewayOwnerId")?;
    let mut r = read::resource(item, kinds::TRANSIT_GATEWAY_ATTACHMENT, &id, None)
        .with("resource_type", resource_type.clone())
        .with("state", c.text("state")?)
        .with("resource_id", resource_id.clone())
        .with("resource_owner", resource_owner.clone())
        .with("tgw_owner", tgw_owner.clone())
        .with("association_state", c.text("association.state")?);
    if let Some(tgw) = first_text(&c, &["TransitGatewayId", "transitGatewayId"])? {
        let mut e = Edge::new(Rel::AttachedTo, kinds::TRANSIT_GATEWAY, tgw);
        if let Some(owner) = other_account(item, tgw_owner) {
            e = e.in_account(owner);
        }
        r.relations.push(e);
    }
    if resource_type.as_deref() == Some("vpc")
        && let Some(vpc) = resource_id
    {
        let mut e = Edge::new(Rel::InVpc, kinds::VPC, vpc);
        if let Some(owner) = other_account(item, resource_owner) {
            e = e.in_account(owner);
        }
        r.relations.push(e);
    }
    Ok(r)
}

fn transit_gateway_route_table(item: &ConfigItem) -> Result<Resource, ItemError> {
    let c = Reader::new(item);
    let id = first_id(&c, &["Id", "transitGatewayRouteTableId"])?;
    let mut r = read::resource(item, kinds::TRANSIT_GATEWAY_ROUTE_TABLE, &id, None)
        .with("state", c.text("state")?)
        .with(
            "default_association",
            flag(c.flag("defaultAssociationRouteTable")?),
        )
        .with(
            "default_propagation",
            flag(c.flag("defaultPropagationRouteTable")?),
        );
    if let Some(tgw) = first_text(&c, &["TransitGatewayId", "transitGatewayId"])? {
        r.relations
            .push(Edge::new(Rel::AttachedTo, kinds::TRANSIT_GATEWAY, tgw));
    }
    Ok(r)
}

#[cfg(test)]
#[path = "ec2_tests.rs"]
mod tests;
