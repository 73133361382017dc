//! The wiring rules on small hand-built estates of one account and region
//! (`shop-prod`, eu-west-1): which table serves a subnet, what makes it
//! public, each path from the internet to an instance, and what is left
//! unknown when a read call was not collected.

use super::derive;
use crate::model::{
    Account, AccountStatus, Api, CallerIdentity, CellKey, Coverage, CoverageStatus, Edge, Estate,
    Kind, Rel, Resource, RulePeer, SgRule, Source, SourceKind, Value, kinds, regional_apis,
};

const ACCT: &str = "111111111111";
const REGION: &str = "eu-west-1";

fn res(kind: Kind, id: &str, name: &str) -> Resource {
    let mut r = Resource::new(kind, ACCT, REGION, id);
    r.name = Some(name.to_string());
    r
}

/// An estate of `resources` whose every regional read call is `ok` in the
/// account-region, except the calls of `failed`.
fn estate(resources: Vec<Resource>, failed: &[&str]) -> Estate {
    let mut e = Estate::new(
        "2024-01-01T00:00:00Z".into(),
        Source {
            aggregator: None,
            kind: SourceKind::Demo,
            profile: None,
            label: "wiring test".into(),
        },
        CallerIdentity {
            account_id: ACCT.into(),
            arn: format!("arn:aws:iam::{ACCT}:user/t"),
            user_id: "AIDATEST".into(),
        },
    );
    e.accounts.push(Account {
        id: ACCT.into(),
        name: "shop-prod".into(),
        email: "shop@example.com".into(),
        status: AccountStatus::Active,
        parent_id: String::new(),
        ou_path: Vec::new(),
        tags: Default::default(),
        scps: Vec::new(),
        is_management: false,
    });
    for api in regional_apis() {
        let status = if failed.contains(&api) {
            CoverageStatus::Denied
        } else {
            CoverageStatus::Ok
        };
        e.coverage.push(Coverage::new(
            CellKey::new(ACCT, REGION, Api::from_static(api)),
            status,
            None,
            None,
        ));
    }
    e.resources = resources;
    e
}

fn in_vpc() -> Edge {
    Edge::new(Rel::InVpc, kinds::VPC, "vpc-1")
}

fn subnet(id: &str, name: &str) -> Resource {
    res(kinds::SUBNET, id, name).with_edge(in_vpc())
}

fn route(kind: Option<Kind>, to: &str, dest: &str, state: &str) -> Edge {
    let mut e = Edge::new(Rel::RoutesTo, kinds::VPC, to)
        .attr("destination", dest)
        .attr("state", state);
    e.kind = kind;
    e
}

fn local() -> Edge {
    route(Some(kinds::VPC), "vpc-1", "10.0.0.0/16", "active")
}

fn to_igw(dest: &str, state: &str) -> Edge {
    route(Some(kinds::INTERNET_GATEWAY), "igw-1", dest, state)
}

fn table(id: &str, main: bool, serves: &[&str], routes: Vec<Edge>) -> Resource {
    let mut r = Resource::new(kinds::ROUTE_TABLE, ACCT, REGION, id)
        .with("main", main)
        .with("route_count", routes.len() as i64)
        .with_edge(in_vpc());
    for s in serves {
        r = r.with_edge(Edge::new(Rel::Serves, kinds::SUBNET, *s));
    }
    r.relations.extend(routes);
    r
}

fn rule(port: i32, peer: RulePeer) -> SgRule {
    SgRule {
        protocol: "tcp".into(),
        from_port: Some(port),
        to_port: Some(port),
        peer,
        description: None,
    }
}

fn sg(id: &str, name: &str, ingress: Vec<SgRule>) -> Resource {
    res(kinds::SECURITY_GROUP, id, name)
        .with("group_name", name)
        .with("ingress", ingress)
        .with_edge(in_vpc())
}

fn world(port: i32) -> SgRule {
    rule(port, RulePeer::Cidr("0.0.0.0/0".into()))
}

fn instance(id: &str, subnet: &str, public_ip: Option<&str>, groups: &[&str]) -> Resource {
    let mut r = res(kinds::INSTANCE, id, id)
        .with("state", "running")
        .with("public_ip", public_ip.map(str::to_string))
        .with_edge(in_vpc())
        .with_edge(Edge::new(Rel::InSubnet, kinds::SUBNET, subnet));
    for g in groups {
        r = r.with_edge(Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, *g));
    }
    r
}

/// A VPC with an internet gateway, a public subnet `web-a` (explicit
/// table with the default route to the gateway), a private one `app-a`
/// (explicit table, default route to a NAT) and `data-a` served by the
/// main table (local route only); groups `web` (443 from anywhere) and
/// `internal` (443 from 10/8).
fn network() -> Vec<Resource> {
    vec![
        res(kinds::VPC, "vpc-1", "shop-prod-vpc").with("cidr", "10.0.0.0/16"),
        res(kinds::INTERNET_GATEWAY, "igw-1", "shop-prod-igw").with_edge(in_vpc()),
        res(kinds::NAT_GATEWAY, "nat-1", "shop-prod-nat-a").with_edge(in_vpc()),
        subnet("subnet-web", "web-a"),
        subnet("subnet-app", "app-a"),
        subnet("subnet-data", "data-a"),
        table(
            "rtb-web",
            false,
            &["subnet-web"],
            vec![local(), to_igw("0.0.0.0/0", "active")],
        ),
        table(
            "rtb-app",
            false,
            &["subnet-app"],
            vec![
                local(),
                route(Some(kinds::NAT_GATEWAY), "nat-1", "0.0.0.0/0", "active"),
            ],
        ),
        table("rtb-main", true, &[], vec![local()]),
        sg("sg-web", "web", vec![world(443)]),
        sg(
            "sg-internal",
            "internal",
            vec![rule(443, RulePeer::Cidr("10.0.0.0/8".into()))],
        ),
    ]
}

fn derived(resources: Vec<Resource>, failed: &[&str]) -> Estate {
    let mut e = estate(resources, failed);
    derive(&mut e);
    e
}

fn get<'e>(e: &'e Estate, id: &str) -> &'e Resource {
    e.resources
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("no resource {id}"))
}

fn text<'e>(e: &'e Estate, id: &str, field: &str) -> Option<&'e str> {
    get(e, id).text(field)
}

fn routing<'e>(e: &'e Estate, subnet: &str) -> Option<&'e str> {
    text(e, subnet, "routing")
}

/// `(internet, internet_why)` of resource `id`.
fn internet<'e>(e: &'e Estate, id: &str) -> (Option<&'e str>, Option<&'e str>) {
    (text(e, id, "internet"), text(e, id, "internet_why"))
}

fn replace(mut resources: Vec<Resource>, r: Resource) -> Vec<Resource> {
    resources.retain(|x| x.id != r.id);
    resources.push(r);
    resources
}

#[test]
fn a_subnet_is_public_through_its_own_table_private_through_a_nat_or_the_main_table() {
    let e = derived(network(), &[]);
    assert_eq!(routing(&e, "subnet-web"), Some("public"));
    assert_eq!(routing(&e, "subnet-app"), Some("private"));
    // No explicit association: the VPC's main table, local route only.
    assert_eq!(routing(&e, "subnet-data"), Some("private"));
}

#[test]
fn a_subnet_without_its_own_table_falls_back_to_a_public_main_table() {
    let resources = replace(
        network(),
        table(
            "rtb-main",
            true,
            &[],
            vec![local(), to_igw("::/0", "active")],
        ),
    );
    let e = derived(resources, &[]);
    assert_eq!(routing(&e, "subnet-data"), Some("public"), "IPv6 default");
    // An explicit association wins over the main table.
    assert_eq!(routing(&e, "subnet-app"), Some("private"));
}

#[test]
fn a_blackhole_default_route_or_a_narrow_one_is_not_public() {
    let resources = replace(
        network(),
        table(
            "rtb-web",
            false,
            &["subnet-web"],
            vec![
                local(),
                to_igw("0.0.0.0/0", "blackhole"),
                to_igw("203.0.113.0/24", "active"),
            ],
        ),
    );
    let e = derived(resources, &[]);
    assert_eq!(routing(&e, "subnet-web"), Some("private"));
}

#[test]
fn a_route_to_a_target_not_collected_is_kept_and_is_not_an_internet_route() {
    // A virtual private gateway orgscope does not collect: no kind.
    let resources = replace(
        network(),
        table(
            "rtb-app",
            false,
            &["subnet-app"],
            vec![local(), route(None, "vgw-1", "0.0.0.0/0", "active")],
        ),
    );
    // And an internet gateway the estate does not hold (its call failed):
    // the route names it, so the subnet is public, named by its id.
    let resources: Vec<Resource> = resources
        .into_iter()
        .filter(|r| r.kind != kinds::INTERNET_GATEWAY)
        .collect();
    let e = derived(
        resources,
        &[
            kinds::INTERNET_GATEWAY.def().api,
            kinds::NAT_GATEWAY.def().api,
        ],
    );
    assert_eq!(routing(&e, "subnet-app"), Some("private"));
    assert_eq!(routing(&e, "subnet-web"), Some("public"));
    assert_eq!(
        get(&e, "rtb-app").edges(Rel::RoutesTo).count(),
        2,
        "the uncollected target's route is kept"
    );
    let e = derived(
        replace(
            e.resources.clone(),
            instance("i-web", "subnet-web", Some("52.1.2.3"), &["sg-web"]),
        ),
        &[kinds::INTERNET_GATEWAY.def().api],
    );
    assert_eq!(
        internet(&e, "i-web"),
        (
            Some("reachable"),
            Some(
                "public subnet web-a (igw igw-1), public IP 52.1.2.3, sg web allows 0.0.0.0/0 tcp 443"
            )
        )
    );
}

#[test]
fn without_route_table_coverage_or_a_table_routing_is_unknown_not_private() {
    let e = derived(network(), &["ec2:DescribeRouteTables"]);
    for s in ["subnet-web", "subnet-app", "subnet-data"] {
        assert_eq!(routing(&e, s), None, "{s}");
    }
    // Collected, but no table serves it and the VPC has no main table.
    let resources: Vec<Resource> = network()
        .into_iter()
        .filter(|r| r.id != "rtb-main")
        .collect();
    let e = derived(resources, &[]);
    assert_eq!(routing(&e, "subnet-data"), None);
    assert_eq!(routing(&e, "subnet-web"), Some("public"));
    // A cell of the account-region in another region says nothing here.
    let mut e = estate(network(), &["ec2:DescribeRouteTables"]);
    e.coverage.push(Coverage::new(
        CellKey::new(ACCT, "us-east-1", "ec2:DescribeRouteTables"),
        CoverageStatus::Ok,
        None,
        None,
    ));
    derive(&mut e);
    assert_eq!(routing(&e, "subnet-web"), None);
}

#[test]
fn an_instance_is_reachable_through_a_public_subnet_a_public_ip_and_an_open_group() {
    let mut resources = network();
    resources.push(instance(
        "i-web",
        "subnet-web",
        Some("52.1.2.3"),
        &["sg-internal", "sg-web"],
    ));
    let e = derived(resources, &[]);
    assert_eq!(
        internet(&e, "i-web"),
        (
            Some("reachable"),
            Some(
                "public subnet web-a (igw shop-prod-igw), public IP 52.1.2.3, sg web allows 0.0.0.0/0 tcp 443"
            )
        )
    );
}

#[test]
fn an_elastic_ip_attached_to_the_instance_is_its_public_ip() {
    let mut resources = network();
    resources.push(instance("i-web", "subnet-web", None, &["sg-web"]));
    resources.push(
        res(kinds::ELASTIC_IP, "eipalloc-1", "shop-prod-web-eip")
            .with("public_ip", "52.9.9.9")
            .with_edge(Edge::new(Rel::AttachedTo, kinds::INSTANCE, "i-web")),
    );
    let e = derived(resources, &[]);
    let (inet, why) = internet(&e, "i-web");
    assert_eq!(inet, Some("reachable"));
    assert!(
        why.is_some_and(|w| w.contains("public IP 52.9.9.9")),
        "{why:?}"
    );
}

#[test]
fn each_missing_part_of_the_direct_path_is_named() {
    let mut resources = network();
    resources.extend([
        instance("i-closed", "subnet-web", Some("52.1.2.4"), &["sg-internal"]),
        instance("i-noip", "subnet-web", None, &["sg-web"]),
        instance("i-private", "subnet-app", Some("52.1.2.5"), &["sg-web"]),
        instance("i-all", "subnet-data", None, &[]),
    ]);
    let stopped =
        instance("i-stopped", "subnet-web", Some("52.1.2.6"), &["sg-web"]).with("state", "stopped");
    resources.push(stopped);
    let e = derived(resources, &[]);
    let unreachable = |why: &'static str| (Some("unreachable"), Some(why));
    assert_eq!(
        internet(&e, "i-closed"),
        unreachable("no security group open to the internet")
    );
    assert_eq!(internet(&e, "i-noip"), unreachable("no public IP"));
    assert_eq!(
        internet(&e, "i-private"),
        unreachable("private subnet app-a")
    );
    assert_eq!(
        internet(&e, "i-all"),
        unreachable("private subnet data-a, no public IP, no security group open to the internet")
    );
    assert_eq!(internet(&e, "i-stopped"), unreachable("instance stopped"));
}

/// An application load balancer `scheme`, its HTTPS:443 and HTTP:80
/// listeners forwarding to `shop-prod-tg`, which targets `targets` (and an
/// IP address, which is no instance).
fn load_balancer(scheme: &str, targets: &[&str]) -> Vec<Resource> {
    let lb = "app/shop-prod-alb/abc";
    let tg = "shop-prod-tg/def";
    let listener = |id: &str, protocol: &str, port: i64| {
        Resource::new(kinds::LISTENER, ACCT, REGION, id)
            .with("protocol", protocol)
            .with("port", port)
            .with_edge(
                Edge::new(Rel::AttachedTo, kinds::LOAD_BALANCER, lb).attr("port", port.to_string()),
            )
            .with_edge(Edge::new(Rel::Targets, kinds::TARGET_GROUP, tg))
    };
    let mut group = res(kinds::TARGET_GROUP, tg, "shop-prod-tg")
        .with_edge(in_vpc())
        .with_edge(Edge::new(Rel::AttachedTo, kinds::LOAD_BALANCER, lb));
    for t in targets {
        group = group.with_edge(
            Edge::new(Rel::Targets, kinds::INSTANCE, *t)
                .attr("port", "8080")
                .attr("health", "healthy"),
        );
    }
    let mut ip = Edge::new(Rel::Targets, kinds::INSTANCE, "10.0.1.9").attr("port", "8080");
    ip.kind = None;
    group = group.with_edge(ip);
    vec![
        res(kinds::LOAD_BALANCER, lb, "shop-prod-alb")
            .with("scheme", scheme)
            .with("state", "active")
            .with_edge(in_vpc()),
        listener("app/shop-prod-alb/abc/l1", "HTTPS", 443),
        listener("app/shop-prod-alb/abc/l2", "HTTP", 80),
        group,
    ]
}

#[test]
fn an_instance_behind_an_internet_facing_load_balancer_is_reachable_even_in_a_private_subnet() {
    let mut resources = network();
    resources.push(instance("i-app", "subnet-app", None, &["sg-internal"]));
    resources.extend(load_balancer("internet-facing", &["i-app"]));
    let e = derived(resources, &[]);
    assert_eq!(
        internet(&e, "i-app"),
        (
            Some("reachable"),
            Some(
                "target of shop-prod-tg via internet-facing shop-prod-alb HTTPS:443; \
                 target of shop-prod-tg via internet-facing shop-prod-alb HTTP:80"
            )
        )
    );
    assert_eq!(
        internet(&e, "app/shop-prod-alb/abc"),
        (
            Some("reachable"),
            Some("internet-facing, listeners HTTP:80, HTTPS:443")
        )
    );
}

#[test]
fn both_paths_are_listed_direct_first() {
    let mut resources = network();
    resources.push(instance(
        "i-web",
        "subnet-web",
        Some("52.1.2.3"),
        &["sg-web"],
    ));
    resources.extend(load_balancer("internet-facing", &["i-web"]));
    let e = derived(resources, &[]);
    let (inet, why) = internet(&e, "i-web");
    assert_eq!(inet, Some("reachable"));
    let why = why.expect("why");
    let parts: Vec<&str> = why.split("; ").collect();
    assert_eq!(parts.len(), 3, "{why}");
    assert!(parts[0].starts_with("public subnet web-a"), "{why}");
    assert!(parts[1].starts_with("target of shop-prod-tg"), "{why}");
}

#[test]
fn an_internal_load_balancer_opens_nothing() {
    let mut resources = network();
    resources.push(instance("i-app", "subnet-app", None, &["sg-internal"]));
    resources.extend(load_balancer("internal", &["i-app"]));
    let e = derived(resources, &[]);
    assert_eq!(
        internet(&e, "i-app"),
        (
            Some("unreachable"),
            Some("private subnet app-a, no public IP, no security group open to the internet")
        )
    );
    assert_eq!(
        internet(&e, "app/shop-prod-alb/abc"),
        (Some("unreachable"), Some("internal"))
    );
    // A failed internet-facing one neither.
    let mut resources = network();
    let mut lb = load_balancer("internet-facing", &[]);
    lb[0].set("state", "failed");
    resources.extend(lb);
    let e = derived(resources, &[]);
    assert_eq!(
        internet(&e, "app/shop-prod-alb/abc"),
        (Some("unreachable"), Some("failed"))
    );
}

#[test]
fn what_decides_it_not_collected_leaves_internet_unknown_with_the_reason() {
    let mut resources = network();
    resources.push(instance(
        "i-web",
        "subnet-web",
        Some("52.1.2.3"),
        &["sg-web"],
    ));
    resources.push(instance("i-noip", "subnet-web", None, &["sg-web"]));
    resources.push(instance(
        "i-far",
        "subnet-web",
        Some("52.1.2.7"),
        &["sg-gone"],
    ));
    let e = derived(resources.clone(), &["ec2:DescribeRouteTables"]);
    assert_eq!(
        internet(&e, "i-web"),
        (
            None,
            Some("not known: route tables not collected in eu-west-1")
        )
    );
    // Without a public IP the direct path is closed whatever the routes.
    assert_eq!(
        internet(&e, "i-noip"),
        (Some("unreachable"), Some("no public IP"))
    );
    // A group that is not in the estate may be the open one.
    let e = derived(resources.clone(), &[]);
    assert_eq!(
        internet(&e, "i-far"),
        (
            None,
            Some("not known: security group sg-gone not collected")
        )
    );
    // Load balancers not read: a closed direct path is not enough to say.
    let e = derived(resources, &["elasticloadbalancing:DescribeTargetGroups"]);
    assert_eq!(
        internet(&e, "i-noip"),
        (
            None,
            Some("not known: load balancers not collected in eu-west-1; no public IP")
        )
    );
    assert_eq!(internet(&e, "i-web").0, Some("reachable"));
}

#[test]
fn derive_is_idempotent_and_ignores_stale_derived_values() {
    let mut resources = network();
    resources.push(instance(
        "i-web",
        "subnet-web",
        Some("52.1.2.3"),
        &["sg-web"],
    ));
    resources.push(instance("i-app", "subnet-app", None, &["sg-internal"]));
    resources.extend(load_balancer("internet-facing", &["i-app"]));
    let once = derived(resources.clone(), &[]);
    let mut twice = once.clone();
    derive(&mut twice);
    assert_eq!(once, twice);
    // Stale values from an earlier derivation (or a hand-edited file) are
    // replaced, never read: the subnet says public, its tables say private.
    let mut stale = estate(resources, &["ec2:DescribeRouteTables"]);
    for r in &mut stale.resources {
        if r.kind == kinds::SUBNET {
            r.set("routing", "public");
        }
        if r.kind == kinds::INSTANCE {
            r.set("internet", "reachable");
            r.set("internet_why", "stale");
        }
    }
    derive(&mut stale);
    assert_eq!(routing(&stale, "subnet-web"), None);
    assert_eq!(text(&stale, "i-web", "internet"), None);
    assert_ne!(text(&stale, "i-web", "internet_why"), Some("stale"));
    assert_eq!(
        get(&stale, "i-app").get("internet"),
        Some(&Value::from("reachable"))
    );
}

/// Many copies of the little network, each its own VPC: every rule
/// decided at scale, each copy the same as one alone (no lookup crosses
/// VPCs or confuses ids of one account-region with another's).
#[test]
fn many_copies_of_a_network_are_each_decided_alone() {
    let copies = 2_000;
    let mut resources = Vec::new();
    let mut one = network();
    one.push(instance(
        "i-web",
        "subnet-web",
        Some("52.1.2.3"),
        &["sg-web"],
    ));
    one.push(instance("i-app", "subnet-app", None, &["sg-internal"]));
    one.extend(load_balancer("internet-facing", &["i-app"]));
    for n in 0..copies {
        for r in &one {
            let mut r = r.clone();
            // Every copy its own account, ids unchanged: keys must carry
            // the account.
            r.account_id = format!("{:012}", n);
            resources.push(r);
        }
    }
    let mut e = estate(resources, &[]);
    let cells = e.coverage.clone();
    for n in 0..copies {
        for c in &cells {
            let mut c = c.clone();
            c.account_id = format!("{:012}", n);
            e.coverage.push(c);
        }
    }
    derive(&mut e);
    let count = |field: &str, value: &str| {
        e.resources
            .iter()
            .filter(|r| r.text(field) == Some(value))
            .count()
    };
    assert_eq!(count("routing", "public"), copies);
    assert_eq!(count("routing", "private"), 2 * copies);
    // Per copy: both instances and the load balancer.
    assert_eq!(count("internet", "reachable"), 3 * copies);
}
