//! Route tables: `DescribeRouteTables` paged to the end (its `MaxResults`
//! stops at 100), and the conversion of a table into a resource in its
//! VPC that serves its explicitly associated subnets and routes each
//! destination to a target.
//!
//! Each route becomes one `routes_to` edge with the route's `destination`
//! (IPv4 CIDR, IPv6 CIDR or prefix-list id) and `state` as attributes. The
//! target's kind is read from which id field EC2 filled in: the VPC's own
//! `local` route points at the VPC, a gateway id at the internet gateway
//! (`igw-`) or gateway endpoint (`vpce-`) it names. A target orgscope does
//! not collect (a virtual private gateway, a network interface, a carrier
//! or local gateway, a Cloud WAN core network...) is kept as an edge with
//! no kind and its id: a route is never dropped.

use aws_sdk_ec2::types as sdk;

use super::{Collector, Listed, Where, drain, id_of, opt, other_account};
use orgscope_core::model::{Edge, Kind, Rel, Resource, kinds};

pub(super) const COLLECTOR: Collector = Collector {
    kind: kinds::ROUTE_TABLE,
    describe: |client, at, page| Box::pin(describe(client, at, page)),
};

/// The API's own limit on `MaxResults` (EC2's model: 5..=100).
const MAX_PAGE: i32 = 100;

async fn describe(client: &aws_sdk_ec2::Client, at: Where<'_>, page: i32) -> Listed {
    let pages = client
        .describe_route_tables()
        .max_results(page.min(MAX_PAGE))
        .into_paginator()
        .send();
    drain(pages, |p, out| {
        out.extend(p.route_tables().iter().filter_map(|t| route_table(&at, t)))
    })
    .await
}

fn route_table(at: &Where<'_>, t: &sdk::RouteTable) -> Option<Resource> {
    let id = id_of(at, kinds::ROUTE_TABLE, t.route_table_id())?;
    let vpc = opt(t.vpc_id());
    // An association being torn down (or that failed) no longer routes
    // its subnet through this table.
    let live = |a: &&sdk::RouteTableAssociation| {
        !matches!(
            a.association_state().and_then(|s| s.state()),
            Some(
                sdk::RouteTableAssociationStateCode::Disassociated
                    | sdk::RouteTableAssociationStateCode::Failed
            )
        )
    };
    let associations: Vec<&sdk::RouteTableAssociation> =
        t.associations().iter().filter(live).collect();
    let main = associations.iter().any(|a| a.main() == Some(true));
    let mut subnets: Vec<String> = associations
        .iter()
        .filter_map(|a| opt(a.subnet_id()))
        .collect();
    subnets.sort();
    subnets.dedup();
    // By destination, so a table's edges do not depend on EC2's order.
    let mut routes: Vec<Edge> = t
        .routes()
        .iter()
        .map(|x| route(at, &id, vpc.as_deref(), x))
        .collect();
    routes.sort_by(|a, b| {
        (a.attrs.get("destination"), &a.to).cmp(&(b.attrs.get("destination"), &b.to))
    });

    let mut r = at
        .resource(kinds::ROUTE_TABLE, &id, t.tags(), None)
        .with("main", main)
        .with("route_count", i64::try_from(t.routes().len()).ok());
    if let Some(vpc) = vpc {
        r.relations.push(Edge::new(Rel::InVpc, kinds::VPC, vpc));
    }
    r.relations.extend(
        subnets
            .into_iter()
            .map(|s| Edge::new(Rel::Serves, kinds::SUBNET, s)),
    );
    r.relations.extend(routes);
    Some(r)
}

/// One route as an edge to its target (see the module doc).
fn route(at: &Where<'_>, table: &str, vpc: Option<&str>, x: &sdk::Route) -> Edge {
    let (kind, to) = target(vpc, x).unwrap_or_else(|| {
        // Nothing names the target (a route server's next hop names only
        // an IP, and a future target field would be unknown here): the
        // route is kept, with what there is.
        tracing::warn!(
            "{} {}: a route of {table} names no target orgscope knows",
            at.account_id,
            at.region
        );
        (None, opt(x.ip_address()).unwrap_or_default())
    });
    let mut e = Edge::new(Rel::RoutesTo, kinds::VPC, to);
    e.kind = kind;
    // A NAT instance in another account (a shared VPC) is named with it.
    if kind == Some(kinds::INSTANCE)
        && let Some(owner) = other_account(at, x.instance_owner_id())
    {
        e = e.in_account(owner);
    }
    let destination = opt(x.destination_cidr_block())
        .or_else(|| opt(x.destination_ipv6_cidr_block()))
        .or_else(|| opt(x.destination_prefix_list_id()));
    match destination {
        Some(d) => e = e.attr("destination", d),
        None => tracing::warn!(
            "{} {}: a route of {table} has no destination",
            at.account_id,
            at.region
        ),
    }
    if let Some(state) = x.state() {
        e = e.attr("state", state.as_str());
    }
    e
}

/// The route's target: its kind when orgscope collects it, and its id.
fn target(vpc: Option<&str>, x: &sdk::Route) -> Option<(Option<Kind>, String)> {
    let known = |kind: Kind, id: String| Some((Some(kind), id));
    if let Some(g) = opt(x.gateway_id()) {
        return match g.as_str() {
            // The VPC's own CIDR stays inside it. Without the table's VPC
            // id there is no VPC to point at: kept as the word EC2 gave.
            "local" => match vpc {
                Some(v) => known(kinds::VPC, v.to_string()),
                None => Some((None, g)),
            },
            _ if g.starts_with("igw-") => known(kinds::INTERNET_GATEWAY, g),
            _ if g.starts_with("vpce-") => known(kinds::VPC_ENDPOINT, g),
            // A virtual private gateway (vgw-) and anything newer.
            _ => Some((None, g)),
        };
    }
    if let Some(id) = opt(x.egress_only_internet_gateway_id()) {
        return known(kinds::EGRESS_ONLY_INTERNET_GATEWAY, id);
    }
    if let Some(id) = opt(x.nat_gateway_id()) {
        return known(kinds::NAT_GATEWAY, id);
    }
    if let Some(id) = opt(x.vpc_peering_connection_id()) {
        return known(kinds::VPC_PEERING_CONNECTION, id);
    }
    if let Some(id) = opt(x.transit_gateway_id()) {
        return known(kinds::TRANSIT_GATEWAY, id);
    }
    // A NAT instance's route names its instance and its network
    // interface: the instance is the target orgscope knows.
    if let Some(id) = opt(x.instance_id()) {
        return known(kinds::INSTANCE, id);
    }
    [
        x.network_interface_id(),
        x.carrier_gateway_id(),
        x.local_gateway_id(),
        x.core_network_arn(),
        x.odb_network_arn(),
    ]
    .into_iter()
    .find_map(opt)
    .map(|id| (None, id))
}

#[cfg(test)]
mod tests {
    use super::super::TEST_AT as AT;
    use super::*;
    use orgscope_core::model::Value;

    fn route_to(dest: &str) -> aws_sdk_ec2::types::builders::RouteBuilder {
        sdk::Route::builder()
            .destination_cidr_block(dest)
            .state(sdk::RouteState::Active)
    }

    fn association(subnet: Option<&str>, main: bool) -> sdk::RouteTableAssociation {
        sdk::RouteTableAssociation::builder()
            .route_table_association_id("rtbassoc-1")
            .route_table_id("rtb-1")
            .set_subnet_id(subnet.map(str::to_string))
            .main(main)
            .association_state(
                sdk::RouteTableAssociationState::builder()
                    .state(sdk::RouteTableAssociationStateCode::Associated)
                    .build(),
            )
            .build()
    }

    /// (destination, kind, to, state) of each route edge.
    fn routes(r: &Resource) -> Vec<(String, Option<Kind>, String, String)> {
        r.edges(Rel::RoutesTo)
            .map(|e| {
                (
                    e.attrs.get("destination").cloned().unwrap_or_default(),
                    e.kind,
                    e.to.clone(),
                    e.attrs.get("state").cloned().unwrap_or_default(),
                )
            })
            .collect()
    }

    #[test]
    fn a_public_table_serves_its_subnets_and_routes_out_through_the_igw() {
        let t = sdk::RouteTable::builder()
            .route_table_id("rtb-1")
            .vpc_id("vpc-1")
            .associations(association(Some("subnet-b"), false))
            .associations(association(Some("subnet-a"), false))
            .routes(route_to("10.0.0.0/16").gateway_id("local").build())
            .routes(route_to("0.0.0.0/0").gateway_id("igw-1").build())
            .routes(
                sdk::Route::builder()
                    .destination_ipv6_cidr_block("::/0")
                    .egress_only_internet_gateway_id("eigw-1")
                    .state(sdk::RouteState::Active)
                    .build(),
            )
            .tags(sdk::Tag::builder().key("Name").value("public").build())
            .build();
        let r = route_table(&AT, &t).expect("named");
        assert_eq!((r.kind, r.id.as_str()), (kinds::ROUTE_TABLE, "rtb-1"));
        assert_eq!(r.name.as_deref(), Some("public"));
        assert_eq!(r.get("main"), Some(&Value::Bool(false)));
        assert_eq!(r.get("route_count"), Some(&Value::Number(3)));
        assert_eq!(r.first(Rel::InVpc), Some("vpc-1"));
        let served: Vec<_> = r
            .edges(Rel::Serves)
            .map(|e| (e.to.as_str(), e.kind))
            .collect();
        assert_eq!(
            served,
            [
                ("subnet-a", Some(kinds::SUBNET)),
                ("subnet-b", Some(kinds::SUBNET))
            ]
        );
        let s = |x: &str| x.to_string();
        assert_eq!(
            routes(&r),
            vec![
                (
                    s("0.0.0.0/0"),
                    Some(kinds::INTERNET_GATEWAY),
                    s("igw-1"),
                    s("active")
                ),
                (s("10.0.0.0/16"), Some(kinds::VPC), s("vpc-1"), s("active")),
                (
                    s("::/0"),
                    Some(kinds::EGRESS_ONLY_INTERNET_GATEWAY),
                    s("eigw-1"),
                    s("active")
                ),
            ]
        );
    }

    #[test]
    fn every_target_field_gives_its_kind_and_unknown_targets_are_kept() {
        let t = sdk::RouteTable::builder()
            .route_table_id("rtb-2")
            .vpc_id("vpc-1")
            .associations(association(None, true))
            .routes(route_to("0.0.0.0/0").nat_gateway_id("nat-1").build())
            .routes(
                route_to("10.1.0.0/16")
                    .vpc_peering_connection_id("pcx-1")
                    .build(),
            )
            .routes(route_to("10.2.0.0/16").transit_gateway_id("tgw-1").build())
            .routes(
                sdk::Route::builder()
                    .destination_prefix_list_id("pl-63a5400a")
                    .gateway_id("vpce-1")
                    .state(sdk::RouteState::Active)
                    .build(),
            )
            .routes(
                route_to("10.3.0.0/16")
                    .instance_id("i-1")
                    .instance_owner_id("111111111111")
                    .network_interface_id("eni-9")
                    .build(),
            )
            .routes(
                route_to("10.4.0.0/16")
                    .instance_id("i-2")
                    .instance_owner_id("222222222222")
                    .build(),
            )
            .routes(route_to("10.5.0.0/16").gateway_id("vgw-1").build())
            .routes(
                route_to("10.6.0.0/16")
                    .network_interface_id("eni-1")
                    .build(),
            )
            .routes(route_to("10.7.0.0/16").carrier_gateway_id("cagw-1").build())
            .routes(route_to("10.8.0.0/16").local_gateway_id("lgw-1").build())
            .routes(
                route_to("10.9.0.0/16")
                    .core_network_arn("arn:aws:networkmanager::1:core-network/core-1")
                    .build(),
            )
            .routes(
                sdk::Route::builder()
                    .destination_cidr_block("192.168.0.0/16")
                    .nat_gateway_id("nat-gone")
                    .state(sdk::RouteState::Blackhole)
                    .build(),
            )
            .build();
        let r = route_table(&AT, &t).expect("named");
        assert_eq!(r.get("main"), Some(&Value::Bool(true)));
        assert_eq!(r.get("route_count"), Some(&Value::Number(12)));
        assert_eq!(
            r.edges(Rel::Serves).count(),
            0,
            "the main table's are implicit"
        );
        let got: Vec<(String, Option<Kind>, String)> = routes(&r)
            .into_iter()
            .map(|(d, k, to, _)| (d, k, to))
            .collect();
        let s = |x: &str| x.to_string();
        assert_eq!(
            got,
            vec![
                (s("0.0.0.0/0"), Some(kinds::NAT_GATEWAY), s("nat-1")),
                (
                    s("10.1.0.0/16"),
                    Some(kinds::VPC_PEERING_CONNECTION),
                    s("pcx-1")
                ),
                (s("10.2.0.0/16"), Some(kinds::TRANSIT_GATEWAY), s("tgw-1")),
                (s("10.3.0.0/16"), Some(kinds::INSTANCE), s("i-1")),
                (s("10.4.0.0/16"), Some(kinds::INSTANCE), s("i-2")),
                (s("10.5.0.0/16"), None, s("vgw-1")),
                (s("10.6.0.0/16"), None, s("eni-1")),
                (s("10.7.0.0/16"), None, s("cagw-1")),
                (s("10.8.0.0/16"), None, s("lgw-1")),
                (
                    s("10.9.0.0/16"),
                    None,
                    s("arn:aws:networkmanager::1:core-network/core-1")
                ),
                (s("192.168.0.0/16"), Some(kinds::NAT_GATEWAY), s("nat-gone")),
                (s("pl-63a5400a"), Some(kinds::VPC_ENDPOINT), s("vpce-1")),
            ]
        );
        let edge = |to: &str| {
            r.edges(Rel::RoutesTo)
                .find(|e| e.to == to)
                .unwrap_or_else(|| panic!("no route to {to}"))
        };
        // The blackholed route says so; the other account's instance is
        // named with its account, this account's is not.
        assert_eq!(
            edge("nat-gone").attrs.get("state").map(String::as_str),
            Some("blackhole")
        );
        assert_eq!(edge("i-2").account_id.as_deref(), Some("222222222222"));
        assert_eq!(edge("i-1").account_id, None);
    }

    #[test]
    fn a_route_without_a_target_or_destination_is_kept_as_it_came() {
        let t = sdk::RouteTable::builder()
            .route_table_id("rtb-3")
            .routes(sdk::Route::builder().gateway_id("local").build())
            .routes(
                sdk::Route::builder()
                    .destination_cidr_block("10.0.0.0/8")
                    .ip_address("10.0.0.1")
                    .build(),
            )
            .build();
        let r = route_table(&AT, &t).expect("named");
        // No VPC id: no in_vpc edge, and `local` stays a word.
        assert_eq!(r.first(Rel::InVpc), None);
        let got: Vec<_> = r
            .edges(Rel::RoutesTo)
            .map(|e| {
                (
                    e.attrs.get("destination").map(String::as_str),
                    e.kind,
                    e.to.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (None, None, "local"),
                (Some("10.0.0.0/8"), None, "10.0.0.1")
            ]
        );
    }

    #[test]
    fn a_disassociated_subnet_is_no_longer_served_and_a_nameless_table_is_skipped() {
        let gone = sdk::RouteTableAssociation::builder()
            .subnet_id("subnet-old")
            .main(false)
            .association_state(
                sdk::RouteTableAssociationState::builder()
                    .state(sdk::RouteTableAssociationStateCode::Disassociated)
                    .build(),
            )
            .build();
        let t = sdk::RouteTable::builder()
            .route_table_id("rtb-4")
            .vpc_id("vpc-1")
            .associations(gone)
            .associations(association(Some("subnet-new"), false))
            .build();
        let r = route_table(&AT, &t).expect("named");
        assert_eq!(r.first(Rel::Serves), Some("subnet-new"));
        assert_eq!(r.edges(Rel::Serves).count(), 1);
        assert_eq!(r.get("route_count"), Some(&Value::Number(0)));
        assert!(route_table(&AT, &sdk::RouteTable::builder().vpc_id("vpc-1").build()).is_none());
    }
}
