//! How the diff sees wiring drift, on small estates of one account
//! (`shop-prod` on the left, `shop-test` on the right): routes compared by
//! destination and by the kind and normalised name of their target, never
//! by id; gateways keyed under their VPC; a peering on one side only; a
//! load balancer's scheme; a listener's port; a target group's health
//! check.

use super::tests::mini;
use super::*;
use crate::model::{Edge, Estate, Rel, Resource, kinds, wiring};

fn res(kind: Kind, id: &str, name: Option<&str>) -> Resource {
    let mut r = Resource::new(kind, "111111111111", "eu-west-1", id);
    r.name = name.map(str::to_string);
    r
}

fn shop(left: Vec<Resource>, right: Vec<Resource>) -> DiffReport {
    let (left, right) = estates(left, right);
    diff_all(&left, &right)
}

fn estates(left: Vec<Resource>, right: Vec<Resource>) -> (Estate, Estate) {
    let left = mini(left);
    let mut right = mini(right);
    right.accounts[0].name = "shop-test".into();
    (left, right)
}

fn diff_all(left: &Estate, right: &Estate) -> DiffReport {
    let all = |e: &Estate| (0..e.resources.len()).collect::<Vec<_>>();
    diff(
        left,
        &all(left),
        right,
        &all(right),
        &DiffOptions::default(),
    )
}

type Change = (String, Option<String>, Option<String>);

fn change(field: &str, l: Option<&str>, r: Option<&str>) -> Change {
    (
        field.to_string(),
        l.map(str::to_string),
        r.map(str::to_string),
    )
}

/// `(kind, key, status, changes)` of every reported entry.
fn entries(rep: &DiffReport) -> Vec<(Kind, String, EntryStatus, Vec<Change>)> {
    rep.entries
        .iter()
        .map(|x| {
            let changes = x
                .changes
                .iter()
                .map(|c| (c.field.clone(), c.left.clone(), c.right.clone()))
                .collect();
            (x.rtype, x.key.clone(), x.status, changes)
        })
        .collect()
}

fn vpc(id: &str, name: &str) -> Resource {
    res(kinds::VPC, id, Some(name)).with("cidr", "10.0.0.0/16")
}

fn in_vpc(id: &str) -> Edge {
    Edge::new(Rel::InVpc, kinds::VPC, id)
}

fn route(kind: Option<Kind>, to: &str, dest: &str) -> Edge {
    let mut e = Edge::new(Rel::RoutesTo, kinds::VPC, to)
        .attr("destination", dest)
        .attr("state", "active");
    e.kind = kind;
    e
}

fn table(id: &str, name: &str, vpc: &str, routes: Vec<Edge>) -> Resource {
    let mut r = res(kinds::ROUTE_TABLE, id, Some(name))
        .with("main", false)
        .with_edge(in_vpc(vpc));
    r.relations.extend(routes);
    r
}

#[test]
fn a_route_through_a_nat_in_prod_and_an_internet_gateway_in_test_is_a_routes_change() {
    let left = vec![
        vpc("vpc-1", "shop-prod-vpc"),
        res(kinds::NAT_GATEWAY, "nat-1", Some("shop-prod-nat-a")).with_edge(in_vpc("vpc-1")),
        res(kinds::INTERNET_GATEWAY, "igw-1", None).with_edge(in_vpc("vpc-1")),
        table(
            "rtb-1",
            "shop-prod-private",
            "vpc-1",
            vec![
                route(Some(kinds::VPC), "vpc-1", "10.0.0.0/16"),
                route(Some(kinds::NAT_GATEWAY), "nat-1", "0.0.0.0/0"),
                route(None, "vgw-1", "192.168.0.0/16"),
                route(Some(kinds::TRANSIT_GATEWAY), "tgw-1", "10.8.0.0/13"),
            ],
        ),
        // Routes that agree in all but ids: the same.
        table(
            "rtb-2",
            "shop-prod-public",
            "vpc-1",
            vec![
                route(Some(kinds::VPC), "vpc-1", "10.0.0.0/16"),
                route(Some(kinds::INTERNET_GATEWAY), "igw-1", "0.0.0.0/0"),
                route(None, "vgw-1", "192.168.0.0/16"),
            ],
        ),
    ];
    let right = vec![
        // The VPCs' names normalise apart: the local route still agrees.
        vpc("vpc-9", "shop-test-vpc"),
        res(kinds::INTERNET_GATEWAY, "igw-9", None).with_edge(in_vpc("vpc-9")),
        table(
            "rtb-9",
            "shop-test-private",
            "vpc-9",
            vec![
                route(Some(kinds::VPC), "vpc-9", "10.0.0.0/16"),
                route(Some(kinds::INTERNET_GATEWAY), "igw-9", "0.0.0.0/0"),
                route(None, "vgw-9", "192.168.0.0/16"),
            ],
        ),
        table(
            "rtb-8",
            "shop-test-public",
            "vpc-9",
            vec![
                route(Some(kinds::VPC), "vpc-9", "10.0.0.0/16"),
                route(Some(kinds::INTERNET_GATEWAY), "igw-9", "0.0.0.0/0"),
                route(None, "vgw-9", "192.168.0.0/16"),
            ],
        ),
    ];
    let rep = shop(left, right);
    assert_eq!(
        entries(&rep),
        [
            // Prod's NAT gateway has no twin in test.
            (
                kinds::NAT_GATEWAY,
                "shop/eu-west-1/-/shop-nat-a".to_string(),
                EntryStatus::OnlyLeft,
                vec![]
            ),
            (
                kinds::ROUTE_TABLE,
                "shop/eu-west-1/shop-vpc/shop-private".to_string(),
                EntryStatus::Changed,
                vec![
                    change(
                        "routes",
                        Some("0.0.0.0/0 → nat_gateway shop-nat-a"),
                        Some("0.0.0.0/0 → internet_gateway")
                    ),
                    change("routes", Some("10.8.0.0/13 → transit_gateway"), None),
                ]
            ),
        ]
    );
}

#[test]
fn a_route_target_reads_as_its_name_when_it_has_one() {
    // The edge's name, else the collected far end's, normalised; an
    // unknown kind is `?` with its id's prefix.
    let left = vec![
        vpc("vpc-1", "shop-prod-vpc"),
        res(kinds::NAT_GATEWAY, "nat-1", Some("shop-prod-nat-a")).with_edge(in_vpc("vpc-1")),
        table(
            "rtb-1",
            "shop-prod-private",
            "vpc-1",
            vec![
                route(Some(kinds::NAT_GATEWAY), "nat-1", "0.0.0.0/0"),
                route(None, "eni-1", "10.5.0.0/16"),
            ],
        ),
    ];
    let right = vec![
        vpc("vpc-9", "shop-test-vpc"),
        table(
            "rtb-9",
            "shop-test-private",
            "vpc-9",
            vec![
                route(Some(kinds::NAT_GATEWAY), "nat-9", "0.0.0.0/0").named("shop-test-nat-b"),
                route(None, "vgw-9", "10.5.0.0/16"),
            ],
        ),
    ];
    let rep = shop(left, right);
    let table = rep
        .entries
        .iter()
        .find(|x| x.rtype == kinds::ROUTE_TABLE)
        .expect("the table");
    let got: Vec<Change> = table
        .changes
        .iter()
        .map(|c| (c.field.clone(), c.left.clone(), c.right.clone()))
        .collect();
    assert_eq!(
        got,
        [
            change(
                "routes",
                Some("0.0.0.0/0 → nat_gateway shop-nat-a"),
                Some("0.0.0.0/0 → nat_gateway shop-nat-b")
            ),
            change(
                "routes",
                Some("10.5.0.0/16 → ? eni"),
                Some("10.5.0.0/16 → ? vgw")
            ),
        ]
    );
}

#[test]
fn unnamed_gateways_pair_under_their_twin_vpcs_and_a_missing_vpc_keys_by_id() {
    let igw = |id: &str, vpc: Option<&str>, state: &str| {
        let r = res(kinds::INTERNET_GATEWAY, id, None).with("state", state);
        match vpc {
            Some(v) => r.with_edge(in_vpc(v)),
            None => r,
        }
    };
    let rep = shop(
        vec![
            vpc("vpc-1", "shop-prod-vpc"),
            igw("igw-1", Some("vpc-1"), "attached"),
            igw("igw-2", Some("vpc-gone"), "attached"),
            igw("igw-3", None, "detached"),
        ],
        vec![
            vpc("vpc-9", "shop-test-vpc"),
            igw("igw-9", Some("vpc-9"), "detaching"),
            igw("igw-8", None, "detached"),
        ],
    );
    // Twins pair by their VPCs' keys; a gateway whose VPC is not in the
    // estate is keyed by the VPC's id (and pairs with nothing); two with
    // no VPC at all (`-`) pair and agree.
    assert_eq!(
        entries(&rep),
        [
            (
                kinds::INTERNET_GATEWAY,
                "shop/eu-west-1/shop-vpc/".to_string(),
                EntryStatus::Changed,
                vec![change("state", Some("attached"), Some("detaching"))]
            ),
            (
                kinds::INTERNET_GATEWAY,
                "shop/eu-west-1/vpc-gone/".to_string(),
                EntryStatus::OnlyLeft,
                vec![]
            ),
        ]
    );
    assert_eq!(rep.per_type[&kinds::INTERNET_GATEWAY].same, 1);
}

fn peering(id: &str, name: &str, own_vpc: &str, far_vpc: &str, far_account: &str) -> Resource {
    res(kinds::VPC_PEERING_CONNECTION, id, Some(name))
        .with("status", "active")
        .with_edge(Edge::new(Rel::PeersWith, kinds::VPC, own_vpc).attr("side", "requester"))
        .with_edge(
            Edge::new(Rel::PeersWith, kinds::VPC, far_vpc)
                .in_account(far_account)
                .named("audit-vpc")
                .attr("side", "accepter"),
        )
}

#[test]
fn a_peering_on_one_side_only_is_reported_as_such() {
    let rep = shop(
        vec![
            vpc("vpc-1", "shop-prod-vpc"),
            peering(
                "pcx-1",
                "shop-prod-to-audit",
                "vpc-1",
                "vpc-a",
                "222222222222",
            ),
        ],
        vec![vpc("vpc-9", "shop-test-vpc")],
    );
    assert_eq!(
        entries(&rep),
        [(
            kinds::VPC_PEERING_CONNECTION,
            "shop/eu-west-1/shop-to-audit".to_string(),
            EntryStatus::OnlyLeft,
            vec![]
        )]
    );
    // Present on both sides, the same once names are normalised (the far
    // VPC, outside both estates, by the name its edge carries).
    let rep = shop(
        vec![
            vpc("vpc-1", "shop-prod-vpc"),
            peering(
                "pcx-1",
                "shop-prod-to-audit",
                "vpc-1",
                "vpc-a",
                "222222222222",
            ),
        ],
        vec![
            vpc("vpc-9", "shop-test-vpc"),
            peering(
                "pcx-9",
                "shop-test-to-audit",
                "vpc-9",
                "vpc-a",
                "222222222222",
            ),
        ],
    );
    assert!(!rep.has_differences(), "{:?}", rep.entries);
}

fn alb(id: &str, name: &str, scheme: &str) -> Resource {
    res(kinds::LOAD_BALANCER, id, Some(name))
        .with("lb_type", "application")
        .with("scheme", scheme)
        .with("state", "active")
}

#[test]
fn a_load_balancer_internet_facing_in_test_and_internal_in_prod_differs_in_scheme_and_reach() {
    let (mut left, mut right) = estates(
        vec![alb("app/shop-prod-alb/1", "shop-prod-alb", "internal")],
        vec![alb(
            "app/shop-test-alb/9",
            "shop-test-alb",
            "internet-facing",
        )],
    );
    wiring::derive(&mut left);
    wiring::derive(&mut right);
    let rep = diff_all(&left, &right);
    assert_eq!(
        entries(&rep),
        [(
            kinds::LOAD_BALANCER,
            "shop/eu-west-1/shop-alb".to_string(),
            EntryStatus::Changed,
            vec![
                change("scheme", Some("internal"), Some("internet-facing")),
                change("internet", Some("unreachable"), Some("reachable")),
            ]
        )]
    );
}

fn listener(lb: &str, n: u32, protocol: &str, port: i64) -> Resource {
    Resource::new(
        kinds::LISTENER,
        "111111111111",
        "eu-west-1",
        format!("{lb}/l{n}"),
    )
    .with("protocol", protocol)
    .with("port", port)
    .with("action", "forward")
    .with_edge(Edge::new(Rel::AttachedTo, kinds::LOAD_BALANCER, lb).attr("port", port.to_string()))
}

#[test]
fn a_listener_whose_port_differs_is_one_changed_listener() {
    let (pl, tl) = ("app/shop-prod-alb/1", "app/shop-test-alb/9");
    let rep = shop(
        vec![
            alb(pl, "shop-prod-alb", "internal"),
            listener(pl, 1, "HTTP", 80),
            listener(pl, 2, "HTTPS", 443),
        ],
        vec![
            alb(tl, "shop-test-alb", "internal"),
            listener(tl, 1, "HTTP", 80),
            listener(tl, 2, "HTTPS", 8443),
        ],
    );
    assert_eq!(
        entries(&rep),
        [(
            kinds::LISTENER,
            "shop/eu-west-1/shop-alb:443".to_string(),
            EntryStatus::Changed,
            vec![change("port", Some("443"), Some("8443"))]
        )]
    );
    let changed = &rep.entries[0];
    assert_eq!(
        (changed.left, changed.right),
        (Some(2), Some(2)),
        "the two lone listeners, paired"
    );
    // Two candidates on one side: no guess, one removed and two added.
    let rep = shop(
        vec![
            alb(pl, "shop-prod-alb", "internal"),
            listener(pl, 2, "HTTPS", 443),
        ],
        vec![
            alb(tl, "shop-test-alb", "internal"),
            listener(tl, 2, "HTTPS", 8443),
            listener(tl, 3, "HTTPS", 9443),
        ],
    );
    let got: Vec<(String, EntryStatus)> = rep
        .entries
        .iter()
        .map(|x| (x.key.clone(), x.status))
        .collect();
    assert_eq!(
        got,
        [
            (
                "shop/eu-west-1/shop-alb:443".to_string(),
                EntryStatus::OnlyLeft
            ),
            (
                "shop/eu-west-1/shop-alb:8443".to_string(),
                EntryStatus::OnlyRight
            ),
            (
                "shop/eu-west-1/shop-alb:9443".to_string(),
                EntryStatus::OnlyRight
            ),
        ]
    );
    // Listeners of different load balancers never pair.
    let rep = shop(
        vec![
            alb(pl, "shop-prod-alb", "internal"),
            listener(pl, 2, "HTTPS", 443),
        ],
        vec![
            alb(tl, "shop-test-api", "internal"),
            listener(tl, 2, "HTTPS", 8443),
        ],
    );
    assert!(
        rep.entries
            .iter()
            .filter(|x| x.rtype == kinds::LISTENER)
            .all(|x| x.status != EntryStatus::Changed),
        "{:?}",
        rep.entries
    );
}

#[test]
fn a_volume_on_another_device_is_still_removed_and_added() {
    // A device is no compared field: the lone pairing leaves volumes be.
    let attached = |to: &str, device: &str| {
        Edge::new(Rel::AttachedTo, kinds::INSTANCE, to)
            .attr("device", device)
            .attr("state", "attached")
    };
    let rep = shop(
        vec![
            res(kinds::INSTANCE, "i-1", Some("shop-prod-db-1")),
            res(kinds::VOLUME, "vol-1", None).with_edge(attached("i-1", "/dev/sdf")),
        ],
        vec![
            res(kinds::INSTANCE, "i-9", Some("shop-test-db-1")),
            res(kinds::VOLUME, "vol-9", None).with_edge(attached("i-9", "/dev/sdg")),
        ],
    );
    let got: Vec<EntryStatus> = rep.entries.iter().map(|x| x.status).collect();
    assert_eq!(got, [EntryStatus::OnlyLeft, EntryStatus::OnlyRight]);
}

#[test]
fn a_target_groups_health_check_path_is_compared() {
    let tg = |id: &str, name: &str, path: &str| {
        res(kinds::TARGET_GROUP, id, Some(name))
            .with("protocol", "HTTP")
            .with("port", 8080i64)
            .with("target_type", "instance")
            .with("health_check_path", path)
            // Health counts are volatile: never compared.
            .with("healthy", if path == "/" { 0i64 } else { 2 })
    };
    let rep = shop(
        vec![tg("shop-prod-tg/1", "shop-prod-tg", "/health")],
        vec![tg("shop-test-tg/9", "shop-test-tg", "/")],
    );
    assert_eq!(
        entries(&rep),
        [(
            kinds::TARGET_GROUP,
            "shop/eu-west-1/shop-tg".to_string(),
            EntryStatus::Changed,
            vec![change("health_check_path", Some("/health"), Some("/"))]
        )]
    );
}
