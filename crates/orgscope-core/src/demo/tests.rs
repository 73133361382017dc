//! Unit tests of the demo estate: determinism, the documented shape, the
//! staged flaws, and realism (ids, nesting addresses, edges that resolve),
//! then its wiring: the counts each account's role implies, the Transit
//! Gateway hub, the peerings, the route orgscope cannot follow, and the
//! wiring drift a prod/test diff reports.

use std::collections::{HashMap, HashSet};

use super::*;
use crate::diff::{DiffEntry, DiffOptions, DiffReport, EntryStatus, diff};
use crate::model::{Kind, Rel, Resource, RulePeer, Value, kinds};
use crate::query::{self, Context};

fn by_name<'e>(estate: &'e Estate, account: &str, name: &str) -> Option<&'e Resource> {
    let id = &estate.accounts.iter().find(|a| a.name == account)?.id;
    estate
        .resources
        .iter()
        .find(|r| &r.account_id == id && r.name.as_deref() == Some(name))
}

/// The id of the account named `name`.
fn account_id<'e>(estate: &'e Estate, name: &str) -> &'e str {
    match estate.accounts.iter().find(|a| a.name == name) {
        Some(a) => &a.id,
        None => panic!("no account {name}"),
    }
}

fn rows(ctx: &Context, q: &str) -> Vec<usize> {
    query::filter(ctx, &query::parse(q).expect("query parses"), None)
}

/// A route table's routes as `(destination, target kind, target id, state)`.
fn routes(r: &Resource) -> Vec<(&str, Option<Kind>, &str, &str)> {
    r.edges(Rel::RoutesTo)
        .map(|e| {
            (
                e.attrs.get("destination").map_or("", String::as_str),
                e.kind,
                e.to.as_str(),
                e.attrs.get("state").map_or("", String::as_str),
            )
        })
        .collect()
}

/// Where `dest` goes in route table `r`: the target's kind.
fn target_of(r: &Resource, dest: &str) -> Option<Kind> {
    routes(r)
        .into_iter()
        .find(|(d, ..)| *d == dest)
        .and_then(|(_, k, ..)| k)
}

/// The OU:Prod against OU:Test diff the drift tests read.
fn prod_vs_test(e: &Estate) -> DiffReport {
    let ctx = Context::new(e);
    diff(
        e,
        &rows(&ctx, "ou:Prod"),
        e,
        &rows(&ctx, "ou:Test"),
        &DiffOptions::default(),
    )
}

/// The reported entries of `kind` that are not `Same`.
fn differences(rep: &DiffReport, kind: Kind) -> Vec<&DiffEntry> {
    rep.entries
        .iter()
        .filter(|x| x.rtype == kind && x.status != EntryStatus::Same)
        .collect()
}

#[test]
fn same_input_gives_identical_estates() {
    let a = demo_estate(DEFAULT_ACCOUNTS);
    let b = demo_estate(DEFAULT_ACCOUNTS);
    assert_eq!(a, b);
    assert_eq!(
        crate::snapshot::to_vec(&a).expect("serializes"),
        crate::snapshot::to_vec(&b).expect("serializes")
    );
    assert_ne!(a, demo_estate(DEFAULT_ACCOUNTS + 3));
}

#[test]
fn default_estate_has_the_documented_shape() {
    let e = demo_estate(DEFAULT_ACCOUNTS);
    assert_eq!(e.accounts.len(), DEFAULT_ACCOUNTS);
    assert_eq!(e.regions.len(), 3);
    let mut paths = Vec::new();
    e.tree.walk(&mut |_, path| paths.push(path.join("/")));
    for want in [
        "Workloads/Prod",
        "Workloads/Test",
        "Workloads/Dev",
        "Sandbox",
        "Security",
        "Infrastructure",
    ] {
        assert!(paths.iter().any(|p| p == want), "missing OU {want}");
    }
    assert!(e.tree.children.iter().all(|ou| !ou.scps.is_empty()));
    let mgmt: Vec<_> = e.accounts.iter().filter(|a| a.is_management).collect();
    assert_eq!(mgmt.len(), 1);
    assert_eq!(mgmt[0].id, MANAGEMENT_ACCOUNT_ID);
    // Every account sits where the tree says it does.
    for a in &e.accounts {
        let parent = e.tree.find(&a.parent_id).expect("parent exists");
        assert!(
            parent.accounts.contains(&a.id),
            "{} not under its parent",
            a.name
        );
    }
    assert_eq!(e.tree.account_ids_below().len(), e.accounts.len());
    for name in [
        "payments-prod",
        "payments-test",
        "payments-dev",
        "catalog-test",
    ] {
        assert!(e.accounts.iter().any(|a| a.name == name), "no {name}");
    }
    let network = e.accounts.iter().find(|a| a.name == "network");
    assert_eq!(
        network.map(|a| a.ou_path.clone()),
        Some(vec!["Infrastructure".to_string()])
    );
}

#[test]
fn denied_and_suspended_accounts_exist_with_their_coverage() {
    let e = demo_estate(DEFAULT_ACCOUNTS);
    let denied = e
        .accounts
        .iter()
        .find(|a| a.name == "catalog-test")
        .expect("denied");
    let cells: Vec<_> = e
        .coverage
        .iter()
        .filter(|c| c.account_id == denied.id)
        .collect();
    assert_eq!(
        cells.len(),
        1 + crate::model::account_apis().count()
            + REGIONS.len() * crate::model::regional_apis().count()
    );
    assert!(cells.iter().all(|c| c.status == CoverageStatus::Denied));
    assert!(
        cells
            .iter()
            .any(|c| c.api == Api::ASSUME_ROLE && c.code.as_deref() == Some("AccessDenied"))
    );
    assert!(!e.resources.iter().any(|r| r.account_id == denied.id));

    let suspended: Vec<_> = e
        .accounts
        .iter()
        .filter(|a| a.status == AccountStatus::Suspended)
        .collect();
    assert_eq!(suspended.len(), 1);
    assert!(
        e.coverage
            .iter()
            .filter(|c| c.account_id == suspended[0].id)
            .all(|c| c.status == CoverageStatus::Suspended)
    );
    assert!(e.is_partial());
    // Everybody else is fully ok.
    let bad: HashSet<_> = e.failed_cells().map(|c| c.account_id.as_str()).collect();
    assert_eq!(bad, HashSet::from([denied.id.as_str()]));
}

#[test]
fn every_readable_account_region_has_every_cell() {
    let e = demo_estate(DEFAULT_ACCOUNTS);
    let cells: HashSet<CellKey> = e.coverage.iter().map(Coverage::key).collect();
    for a in &e.accounts {
        for region in REGIONS {
            for api in crate::model::regional_apis() {
                assert!(
                    cells.contains(&CellKey::new(&a.id, region, api)),
                    "{} {region} {api}",
                    a.name
                );
            }
        }
    }
}

#[test]
fn prod_and_test_drift_exactly_as_staged() {
    let e = demo_estate(DEFAULT_ACCOUNTS);
    // Missing instance.
    assert!(by_name(&e, "payments-prod", "payments-prod-worker-4").is_some());
    assert!(by_name(&e, "payments-test", "payments-test-worker-4").is_none());
    // Different instance type.
    let itype = |acct: &str, name: &str| match by_name(&e, acct, name) {
        Some(r) if r.kind == kinds::INSTANCE => r.text("instance_type").map(str::to_string),
        other => panic!("{name}: {other:?}"),
    };
    let some = |s: &str| Some(s.to_string());
    assert_eq!(
        itype("payments-prod", "payments-prod-app-1"),
        some("m5.xlarge")
    );
    assert_eq!(
        itype("payments-test", "payments-test-app-1"),
        some("m5.large")
    );
    assert_eq!(
        itype("payments-test", "payments-test-app-2"),
        some("m5.xlarge")
    );
    // Extra open SG rule.
    let open = |acct: &str, name: &str| match by_name(&e, acct, name) {
        Some(r) if r.kind == kinds::SECURITY_GROUP => r
            .get("ingress")
            .map_or(&[][..], Value::as_rules)
            .iter()
            .filter(|r| r.is_open_to_world())
            .count(),
        other => panic!("{name}: {other:?}"),
    };
    assert_eq!(open("payments-prod", "payments-prod-db"), 0);
    assert_eq!(open("payments-test", "payments-test-db"), 1);
    // Missing owner tag.
    let has_owner =
        |acct: &str, name: &str| by_name(&e, acct, name).map(|r| r.tags.contains_key("owner"));
    assert_eq!(
        has_owner("payments-prod", "payments-prod-web-2"),
        Some(true)
    );
    assert_eq!(
        has_owner("payments-test", "payments-test-web-2"),
        Some(false)
    );
    // An undrifted app's twins match name for name.
    let names = |acct: &str| -> Vec<String> {
        let id = &e.accounts.iter().find(|a| a.name == acct).expect("acct").id;
        let mut v: Vec<_> = e
            .resources
            .iter()
            .filter(|r| &r.account_id == id)
            .filter_map(|r| {
                r.name
                    .as_ref()
                    .map(|n| n.replace("-prod", "").replace("-test", ""))
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(names("orders-prod"), names("orders-test"));

    // Wiring. (1) The private route table's default route: through the
    // NAT gateway in prod, straight to the internet gateway in test.
    let rtb = |acct: &str, name: &str| match by_name(&e, acct, name) {
        Some(r) if r.kind == kinds::ROUTE_TABLE => r,
        other => panic!("{name}: {other:?}"),
    };
    let prod_rtb = rtb("payments-prod", "payments-prod-private-rtb");
    let test_rtb = rtb("payments-test", "payments-test-private-rtb");
    assert_eq!(target_of(prod_rtb, "0.0.0.0/0"), Some(kinds::NAT_GATEWAY));
    assert_eq!(
        target_of(test_rtb, "0.0.0.0/0"),
        Some(kinds::INTERNET_GATEWAY)
    );
    // Test still has its NAT gateway, just unused.
    assert!(by_name(&e, "payments-test", "payments-test-nat-a").is_some());
    // (2) The peering with security-audit, and the route to it, in prod only.
    let peering = |acct: &str| {
        let id = account_id(&e, acct);
        e.resources
            .iter()
            .filter(|r| r.account_id == id && r.kind == kinds::VPC_PEERING_CONNECTION)
            .count()
    };
    assert_eq!((peering("payments-prod"), peering("payments-test")), (1, 0));
    assert_eq!(
        target_of(prod_rtb, "10.250.0.0/17"),
        Some(kinds::VPC_PEERING_CONNECTION)
    );
    assert_eq!(target_of(test_rtb, "10.250.0.0/17"), None);
    // (3) The load balancer: internal in prod, internet-facing in test.
    // (Its security group has the same name: look by the field.)
    let field = |acct: &str, name: &str, f: &str| {
        let id = account_id(&e, acct);
        e.resources
            .iter()
            .filter(|r| r.account_id == id && r.name.as_deref() == Some(name))
            .find_map(|r| r.text(f))
            .map(str::to_string)
    };
    assert_eq!(
        field("payments-prod", "payments-prod-alb", "scheme"),
        some("internal")
    );
    assert_eq!(
        field("payments-test", "payments-test-alb", "scheme"),
        some("internet-facing")
    );
    // (4) The target group's health check path.
    assert_eq!(
        field("payments-prod", "payments-prod-web", "health_check_path"),
        some("/healthz")
    );
    assert_eq!(
        field("payments-test", "payments-test-web", "health_check_path"),
        some("/")
    );
    // An undrifted app's wiring is the same: orders' private tables route
    // alike.
    let kinds_of = |r: &Resource| -> Vec<(String, Option<Kind>)> {
        routes(r)
            .into_iter()
            .map(|(d, k, ..)| (d.to_string(), k))
            .collect()
    };
    assert_eq!(
        kinds_of(rtb("orders-prod", "orders-prod-private-rtb")),
        kinds_of(rtb("orders-test", "orders-test-private-rtb"))
    );
}

#[test]
fn wiring_counts_follow_the_accounts() {
    // Each count from the accounts' roles (see `network` and `balancers`):
    // a failure says which rule changed.
    let e = demo_estate(DEFAULT_ACCOUNTS);
    let count = |k: Kind| e.resources.iter().filter(|r| r.kind == k).count();
    let unread: HashSet<&str> = e.failed_cells().map(|c| c.account_id.as_str()).collect();
    let unread = |a: &&Account| unread.contains(a.id.as_str()) || a.status != AccountStatus::Active;
    let readable = e.accounts.iter().filter(|a| !unread(a)).count();
    let workloads: Vec<&Account> = e
        .accounts
        .iter()
        .filter(|a| a.ou_path.first().map(String::as_str) == Some("Workloads"))
        .collect();
    let all_workloads = workloads.len();
    let workloads: Vec<&Account> = workloads.into_iter().filter(|a| !unread(a)).collect();
    let w = workloads.len();
    let prod_test = workloads
        .iter()
        .filter(|a| a.ou_path.last().map(String::as_str) != Some("Dev"))
        .count();
    let facing = workloads
        .iter()
        .filter(|a| {
            let app = a.tags.get("app").expect("app tag");
            let no = APP_NAMES.iter().position(|n| n == app).expect("a base app");
            balancers::web_facing(no)
        })
        .count();
    assert_eq!(
        (readable, all_workloads, w, prod_test, facing),
        (24, 20, 19, 13, 11)
    );
    // Default VPCs in 3 regions; an app and a DR VPC per workload; the two
    // security VPCs; a lab with no internet gateway.
    assert_eq!(count(kinds::INTERNET_GATEWAY), 3 * readable + 2 * w + 2);
    assert_eq!(count(kinds::EGRESS_ONLY_INTERNET_GATEWAY), 1);
    assert_eq!(count(kinds::NAT_GATEWAY), w + 2);
    // Bastions' addresses, then the NAT gateways'.
    assert_eq!(count(kinds::ELASTIC_IP), w + (w + 2));
    // Main tables of default VPCs; main, public and private of app and DR
    // VPCs and of the security VPCs; the lab's main table.
    assert_eq!(count(kinds::ROUTE_TABLE), 3 * readable + 6 * w + 3 * 2 + 1);
    // S3 everywhere there is a NAT; Secrets Manager in prod and test.
    assert_eq!(count(kinds::VPC_ENDPOINT), (w + 2) + prod_test);
    // security-audit with payments-prod (both list it), log-archive with
    // the vendor.
    assert_eq!(count(kinds::VPC_PEERING_CONNECTION), 3);
    assert_eq!(count(kinds::TRANSIT_GATEWAY), 2);
    assert_eq!(count(kinds::TRANSIT_GATEWAY_ROUTE_TABLE), 2 * 3);
    // Each VPC owner lists its attachments; the hub lists them all,
    // the unreadable catalog-test's included.
    assert_eq!(
        count(kinds::TRANSIT_GATEWAY_ATTACHMENT),
        (2 * w + 2) + (2 * all_workloads + 2)
    );
    assert_eq!(count(kinds::LOAD_BALANCER), w);
    assert_eq!(count(kinds::TARGET_GROUP), w);
    assert_eq!(count(kinds::LISTENER), w + facing);
}

#[test]
fn every_app_vpc_attaches_to_the_hub_in_both_accounts() {
    let e = demo_estate(DEFAULT_ACCOUNTS);
    let ctx = Context::new(&e);
    let network = account_id(&e, "network");
    let denied = account_id(&e, "catalog-test");
    let hubs: HashMap<&str, &Resource> = e
        .resources
        .iter()
        .filter(|r| r.kind == kinds::TRANSIT_GATEWAY)
        .map(|r| (r.region.as_str(), r))
        .collect();
    assert_eq!(hubs.len(), 2);
    for (region, tgw) in &hubs {
        assert_eq!(tgw.account_id, network);
        assert_eq!(
            tgw.name.as_deref(),
            Some(format!("network-tgw-{region}").as_str())
        );
    }
    // Attachments by id: who lists each.
    let mut listed: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, r) in e.resources.iter().enumerate() {
        if r.kind == kinds::TRANSIT_GATEWAY_ATTACHMENT {
            listed.entry(r.id.as_str()).or_default().push(i);
        }
    }
    // Every named VPC but the sandbox lab is attached.
    let app_vpcs: Vec<(usize, &Resource)> = e
        .resources
        .iter()
        .enumerate()
        .filter(|(_, r)| r.kind == kinds::VPC && r.name.is_some())
        .filter(|(_, r)| r.name.as_deref() != Some("alice-lab-vpc"))
        .collect();
    assert_eq!(app_vpcs.len(), 2 * 19 + 2);
    for (v, vpc) in &app_vpcs {
        // The VPC's owner lists one attachment of its VPC...
        let own: Vec<_> = ctx
            .incoming(*v)
            .filter(|l| e.resources[l.near].kind == kinds::TRANSIT_GATEWAY_ATTACHMENT)
            .collect();
        assert_eq!(own.len(), 2, "{:?}: its owner's and the hub's", vpc.name);
        let mine = own
            .iter()
            .map(|l| &e.resources[l.near])
            .find(|a| a.account_id == vpc.account_id)
            .expect("the owner's listing");
        let tgw = mine
            .edges(Rel::AttachedTo)
            .next()
            .expect("attached to the hub");
        assert_eq!(tgw.account_id.as_deref(), Some(network));
        let far = ctx.resolve(mine, tgw).map(|f| &e.resources[f]);
        assert_eq!(
            far.map(|t| t.id.as_str()),
            Some(hubs[vpc.region.as_str()].id.as_str())
        );
        assert_eq!(mine.text("resource_owner"), Some(vpc.account_id.as_str()));
        assert_eq!(mine.text("tgw_owner"), Some(network));
        // ...and the hub lists the same attachment, naming the VPC's owner.
        let both = &listed[mine.id.as_str()];
        assert_eq!(both.len(), 2);
        let hub_side = both
            .iter()
            .map(|&i| &e.resources[i])
            .find(|a| a.account_id == network)
            .expect("the hub's listing");
        let to_vpc = hub_side.edges(Rel::InVpc).next().expect("in a vpc");
        assert_eq!(to_vpc.account_id.as_deref(), Some(vpc.account_id.as_str()));
        assert_eq!(
            hub_side.first(Rel::AttachedTo),
            Some(hubs[vpc.region.as_str()].id.as_str())
        );
        assert_eq!(hub_side.fields, mine.fields);
    }
    // The denied account's VPCs are attached too: the hub's listing is all
    // the estate knows of them.
    let unread: Vec<&Resource> = e
        .resources
        .iter()
        .filter(|r| r.kind == kinds::TRANSIT_GATEWAY_ATTACHMENT)
        .filter(|r| r.text("resource_owner") == Some(denied))
        .collect();
    assert_eq!(unread.len(), 2);
    for a in unread {
        assert_eq!(a.account_id, network);
        assert_eq!(listed[a.id.as_str()].len(), 1);
        let to_vpc = a.edges(Rel::InVpc).next().expect("in a vpc");
        assert_eq!(ctx.resolve(a, to_vpc), None, "outside the collected estate");
    }
    // Private tables send the rest of 10/8 to the hub, DR tables everything.
    let ctx_rows = |q: &str| rows(&ctx, q).len();
    assert_eq!(ctx_rows("type:rtb name:*-dr-private-rtb"), 19);
    for r in e.resources.iter().filter(|r| r.kind == kinds::ROUTE_TABLE) {
        let name = r.name.as_deref().unwrap_or("");
        let hub = if name.ends_with("-dr-private-rtb") {
            "0.0.0.0/0"
        } else if name.ends_with("-private-rtb") {
            "10.0.0.0/8"
        } else {
            continue;
        };
        assert_eq!(target_of(r, hub), Some(kinds::TRANSIT_GATEWAY), "{name}");
    }
}

#[test]
fn the_cross_account_peering_is_listed_by_both_accounts() {
    let e = demo_estate(DEFAULT_ACCOUNTS);
    let ctx = Context::new(&e);
    let audit = account_id(&e, "security-audit");
    let prod = account_id(&e, "payments-prod");
    let pcx: Vec<&Resource> = e
        .resources
        .iter()
        .filter(|r| r.kind == kinds::VPC_PEERING_CONNECTION)
        .filter(|r| r.account_id == audit || r.account_id == prod)
        .collect();
    assert_eq!(pcx.len(), 2);
    assert_eq!(pcx[0].id, pcx[1].id);
    let vpc = |acct: &str, name: &str| by_name(&e, acct, name).expect("vpc").id.clone();
    let audit_vpc = vpc("security-audit", "security-audit-vpc");
    let prod_vpc = vpc("payments-prod", "payments-prod-vpc");
    for p in &pcx {
        let (side, other) = if p.account_id == audit {
            ("requester", prod)
        } else {
            ("accepter", audit)
        };
        assert_eq!(p.text("side"), Some(side));
        assert_eq!(p.text("status"), Some("active"));
        assert_eq!(p.text("requester_account"), Some(audit));
        assert_eq!(p.text("accepter_account"), Some(prod));
        assert_eq!(p.text("requester_vpc"), Some(audit_vpc.as_str()));
        assert_eq!(p.text("accepter_vpc"), Some(prod_vpc.as_str()));
        // Both ends resolve, the far one in the other account.
        let ends: Vec<(&str, &str, Option<&str>)> = p
            .edges(Rel::PeersWith)
            .map(|edge| {
                let far = ctx.resolve(p, edge).map(|f| e.resources[f].id.as_str());
                (
                    edge.attrs.get("side").map_or("", String::as_str),
                    far.unwrap_or("outside"),
                    edge.account_id.as_deref(),
                )
            })
            .collect();
        let (r_acct, a_acct) = if side == "requester" {
            (None, Some(other))
        } else {
            (Some(other), None)
        };
        assert_eq!(
            ends,
            [
                ("requester", audit_vpc.as_str(), r_acct),
                ("accepter", prod_vpc.as_str(), a_acct)
            ]
        );
    }
    // Each side routes the other's CIDR through it.
    for (acct, name, dest) in [
        (
            "security-audit",
            "security-audit-private-rtb",
            "10.10.0.0/17",
        ),
        (
            "payments-prod",
            "payments-prod-private-rtb",
            "10.250.0.0/17",
        ),
    ] {
        let r = by_name(&e, acct, name).expect("table");
        assert!(
            routes(r).iter().any(|(d, k, to, _)| *d == dest
                && *k == Some(kinds::VPC_PEERING_CONNECTION)
                && *to == pcx[0].id),
            "{name}"
        );
    }
    assert_eq!(
        rows(&ctx, "type:pcx side:accepter account:payments-prod").len(),
        1
    );
}

#[test]
fn the_vendor_peering_ends_outside_the_estate() {
    let e = demo_estate(MIN_ACCOUNTS);
    let ctx = Context::new(&e);
    assert!(e.account(network::VENDOR_ACCOUNT_ID).is_none());
    let log = account_id(&e, "log-archive");
    let pcx: Vec<&Resource> = e
        .resources
        .iter()
        .filter(|r| r.kind == kinds::VPC_PEERING_CONNECTION && r.account_id == log)
        .collect();
    assert_eq!(pcx.len(), 1);
    let p = pcx[0];
    assert_eq!(p.text("side"), Some("requester"));
    assert_eq!(p.text("accepter_account"), Some(network::VENDOR_ACCOUNT_ID));
    assert_eq!(p.text("accepter_region"), Some("us-east-1"));
    assert_eq!(p.region, "eu-west-1");
    let accepter = p
        .edges(Rel::PeersWith)
        .find(|x| x.attrs.get("side").map(String::as_str) == Some("accepter"))
        .expect("accepter end");
    // Named by its account and region, kept, resolving to nothing.
    assert_eq!(
        accepter.account_id.as_deref(),
        Some(network::VENDOR_ACCOUNT_ID)
    );
    assert_eq!(accepter.region.as_deref(), Some("us-east-1"));
    assert_eq!(ctx.resolve(p, accepter), None);
    // The requester end is log-archive's own VPC.
    let requester = p
        .edges(Rel::PeersWith)
        .find(|x| x.attrs.get("side").map(String::as_str) == Some("requester"))
        .expect("requester end");
    let own = ctx.resolve(p, requester).map(|f| &e.resources[f]);
    assert_eq!(own.and_then(|v| v.name.as_deref()), Some("log-archive-vpc"));
}

#[test]
fn a_route_to_an_uncollected_target_is_kept() {
    let e = demo_estate(MIN_ACCOUNTS);
    let r = by_name(&e, "security-audit", "security-audit-private-rtb").expect("table");
    let unknown: Vec<_> = routes(r)
        .into_iter()
        .filter(|(_, k, ..)| k.is_none())
        .collect();
    assert_eq!(unknown.len(), 1);
    let (dest, _, to, state) = unknown[0];
    assert_eq!((dest, state), ("192.168.0.0/16", "active"));
    assert!(to.starts_with("vgw-"), "{to}");
    // And a route to a peering deleted long ago, blackholed.
    let dead: Vec<_> = routes(r)
        .into_iter()
        .filter(|(.., state)| *state == "blackhole")
        .collect();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].1, Some(kinds::VPC_PEERING_CONNECTION));
    assert!(!e.resources.iter().any(|x| x.id == dead[0].2));
    // Both survive a snapshot round trip, the unknown target with no kind.
    let json = serde_json::to_value(r).expect("serialize");
    let vgw = json["relations"]
        .as_array()
        .expect("relations")
        .iter()
        .find(|x| x["to"].as_str().is_some_and(|t| t.starts_with("vgw-")))
        .expect("the vgw route");
    assert!(vgw.get("kind").is_none(), "{vgw}");
    let back: Resource = serde_json::from_value(json).expect("read back");
    assert_eq!(&back, r);
}

#[test]
fn prod_and_test_wiring_drift_exactly_as_staged() {
    let e = demo_estate(DEFAULT_ACCOUNTS);
    let rep = prod_vs_test(&e);
    let entry = |kind: Kind| {
        let d = differences(&rep, kind);
        d.iter()
            .map(|x| (x.key.clone(), x.status))
            .collect::<Vec<_>>()
    };
    let none: Vec<(String, EntryStatus)> = Vec::new();
    // catalog-test was not read: its prod twin's wiring is "not collected".
    let collected = |kind: Kind| -> Vec<(String, EntryStatus)> {
        entry(kind)
            .into_iter()
            .filter(|(_, s)| *s != EntryStatus::NotCollected)
            .collect()
    };
    for kind in [
        kinds::INTERNET_GATEWAY,
        kinds::EGRESS_ONLY_INTERNET_GATEWAY,
        kinds::NAT_GATEWAY,
        kinds::VPC_ENDPOINT,
        kinds::TRANSIT_GATEWAY,
        kinds::TRANSIT_GATEWAY_ATTACHMENT,
        kinds::TRANSIT_GATEWAY_ROUTE_TABLE,
        kinds::LISTENER,
        kinds::ELASTIC_IP,
    ] {
        if kind == kinds::ELASTIC_IP {
            // The bastion's idle address, the older drift.
            assert_eq!(collected(kind).len(), 1, "{kind}");
            continue;
        }
        assert_eq!(collected(kind), none, "{kind}");
    }
    // (2) The peering exists in prod only.
    assert_eq!(
        collected(kinds::VPC_PEERING_CONNECTION),
        [(
            "payments/eu-west-1/security-audit-payments-peering".to_string(),
            EntryStatus::OnlyLeft
        )]
    );
    // (3) The load balancer's scheme (and, once derived, whether the
    // internet reaches it: nothing else).
    let lb = differences(&rep, kinds::LOAD_BALANCER);
    let lb: Vec<_> = lb
        .iter()
        .filter(|x| x.status != EntryStatus::NotCollected)
        .collect();
    assert_eq!(lb.len(), 1);
    assert_eq!(
        (lb[0].key.as_str(), lb[0].status),
        ("payments/eu-west-1/payments-alb", EntryStatus::Changed)
    );
    let scheme = lb[0]
        .changes
        .iter()
        .find(|c| c.field == "scheme")
        .expect("scheme differs");
    assert_eq!(
        (scheme.left.as_deref(), scheme.right.as_deref()),
        (Some("internal"), Some("internet-facing"))
    );
    assert!(
        lb[0]
            .changes
            .iter()
            .all(|c| c.field == "scheme" || c.field == "internet"),
        "{:?}",
        lb[0].changes
    );
    // (4) The target group's health check path, and nothing else.
    let tg = differences(&rep, kinds::TARGET_GROUP);
    let tg: Vec<_> = tg
        .iter()
        .filter(|x| x.status != EntryStatus::NotCollected)
        .collect();
    assert_eq!(tg.len(), 1);
    assert_eq!(tg[0].key, "payments/eu-west-1/payments-web");
    let changes: Vec<_> = tg[0]
        .changes
        .iter()
        .map(|c| (c.field.as_str(), c.left.as_deref(), c.right.as_deref()))
        .collect();
    assert_eq!(
        changes,
        [("health_check_path", Some("/healthz"), Some("/"))]
    );
}

/// Routes compare per destination as `destination → target kind name`
/// (the keyed route compare), so each differing destination is a change of
/// its own under `routes`.
#[test]
fn prod_and_test_route_drift_is_the_default_route() {
    let e = demo_estate(DEFAULT_ACCOUNTS);
    let rep = prod_vs_test(&e);
    let rtb: Vec<_> = differences(&rep, kinds::ROUTE_TABLE)
        .into_iter()
        .filter(|x| x.status != EntryStatus::NotCollected)
        .collect();
    // (1) One table differs: payments' private one.
    let keys: Vec<&str> = rtb.iter().map(|x| x.key.as_str()).collect();
    assert_eq!(
        keys,
        ["payments/eu-west-1/payments-vpc/payments-private-rtb"]
    );
    assert_eq!(rtb[0].status, EntryStatus::Changed);
    let routes: Vec<(&str, &str)> = rtb[0]
        .changes
        .iter()
        .filter(|c| c.field == "routes")
        .map(|c| {
            (
                c.left.as_deref().unwrap_or(""),
                c.right.as_deref().unwrap_or(""),
            )
        })
        .collect();
    // The default route through the NAT in prod, straight out in test;
    // the peering's route is prod's only.
    assert_eq!(
        routes,
        [
            (
                "0.0.0.0/0 → nat_gateway payments-nat-a",
                "0.0.0.0/0 → internet_gateway payments-igw"
            ),
            (
                "10.250.0.0/17 → vpc_peering_connection security-audit-payments-peering",
                ""
            )
        ],
        "{:?}",
        rtb[0].changes
    );
}

#[test]
fn ids_are_unique_and_look_like_aws() {
    let e = demo_estate(60);
    let mut seen = HashSet::new();
    let mut holders: HashMap<&str, Vec<(&str, Kind)>> = HashMap::new();
    let hex = |s: &str, len: usize| s.len() == len && s.chars().all(|c| c.is_ascii_hexdigit());
    for r in &e.resources {
        // A table's name is unique in its account-region only.
        let region = if r.kind == kinds::DYNAMODB_TABLE {
            r.region.as_str()
        } else {
            ""
        };
        assert!(
            seen.insert((r.account_id.as_str(), region, r.id.as_str())),
            "duplicate id {} in {}",
            r.id,
            r.account_id
        );
        holders
            .entry(r.id.as_str())
            .or_default()
            .push((r.account_id.as_str(), r.kind));
        let parts: Vec<&str> = r.id.split('/').collect();
        let name = r.name.as_deref().unwrap_or("");
        // Load balancing ids are the ARN's resource part.
        match r.kind {
            kinds::LOAD_BALANCER => {
                assert!(
                    matches!(parts[..], ["app", n, h] if n == name && hex(h, 16)),
                    "{}",
                    r.id
                );
                continue;
            }
            kinds::LISTENER => {
                assert!(
                    matches!(parts[..], ["app", _, a, b] if hex(a, 16) && hex(b, 16)),
                    "{}",
                    r.id
                );
                continue;
            }
            kinds::TARGET_GROUP => {
                assert!(
                    matches!(parts[..], [n, h] if n == name && hex(h, 16)),
                    "{}",
                    r.id
                );
                continue;
            }
            // A function or a cluster is named by its id, as AWS names it.
            kinds::LAMBDA_FUNCTION | kinds::EKS_CLUSTER => {
                assert_eq!(Some(r.id.as_str()), r.name.as_deref());
                continue;
            }
            // A tagged resource's id is its ARN, in its account and
            // region, of a service no other kind models.
            kinds::TAGGED_RESOURCE => {
                let arn = crate::model::arn::Arn::parse(&r.id);
                let arn = arn.unwrap_or_else(|| panic!("not an ARN: {}", r.id));
                assert_eq!(
                    (arn.account, arn.region),
                    (r.account_id.as_str(), r.region.as_str())
                );
                assert_eq!(crate::model::arn::modelled_kind(&arn), None, "{}", r.id);
                continue;
            }
            // RDS ids are the identifiers RDS shows as names: a letter,
            // then letters, digits and single hyphens, at most 63.
            kinds::DB_INSTANCE | kinds::DB_CLUSTER => {
                assert_eq!(Some(r.id.as_str()), r.name.as_deref());
                assert!(
                    r.id.len() <= 63
                        && r.id.starts_with(|c: char| c.is_ascii_lowercase())
                        && !r.id.ends_with('-')
                        && !r.id.contains("--")
                        && r.id
                            .bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                    "{}",
                    r.id
                );
                continue;
            }
            // A bucket and a table are named by their id; a table's
            // repeats in each region its global table is replicated to.
            kinds::S3_BUCKET | kinds::DYNAMODB_TABLE => {
                holders.remove(r.id.as_str());
                assert_eq!(r.name.as_deref(), Some(r.id.as_str()));
                continue;
            }
            // IAM ids are the ARN's resource part (the path is `/`), and
            // the unique id says the kind by its prefix. Names repeat in
            // every account.
            kinds::IAM_ROLE | kinds::IAM_USER | kinds::IAM_GROUP | kinds::IAM_POLICY => {
                holders.remove(r.id.as_str());
                assert_eq!(parts.get(1).copied(), r.name.as_deref(), "{}", r.id);
                let (field, prefix) = match r.kind {
                    kinds::IAM_ROLE => ("role_id", "AROA"),
                    kinds::IAM_USER => ("user_id", "AIDA"),
                    kinds::IAM_GROUP => ("group_id", "AGPA"),
                    _ => ("policy_id", "ANPA"),
                };
                assert_eq!(parts.first().copied(), Some(&field[..field.len() - 3]));
                let unique = r.text(field).expect("unique id");
                assert!(unique.starts_with(prefix) && unique.len() == 21, "{unique}");
                continue;
            }
            _ => {}
        }
        let (prefix, digits) = r.id.rsplit_once('-').expect("prefixed id");
        let want = [
            (kinds::INSTANCE, "i"),
            (kinds::VPC, "vpc"),
            (kinds::SUBNET, "subnet"),
            (kinds::SECURITY_GROUP, "sg"),
            (kinds::VOLUME, "vol"),
            (kinds::ELASTIC_IP, "eipalloc"),
            (kinds::INTERNET_GATEWAY, "igw"),
            (kinds::EGRESS_ONLY_INTERNET_GATEWAY, "eigw"),
            (kinds::NAT_GATEWAY, "nat"),
            (kinds::ROUTE_TABLE, "rtb"),
            (kinds::VPC_ENDPOINT, "vpce"),
            (kinds::VPC_PEERING_CONNECTION, "pcx"),
            (kinds::TRANSIT_GATEWAY, "tgw"),
            (kinds::TRANSIT_GATEWAY_ATTACHMENT, "tgw-attach"),
            (kinds::TRANSIT_GATEWAY_ROUTE_TABLE, "tgw-rtb"),
        ]
        .into_iter()
        .find(|(k, _)| *k == r.kind)
        .map(|(_, p)| p);
        assert_eq!(Some(prefix), want, "{}", r.id);
        assert!(hex(digits, 17), "{}", r.id);
    }
    // An id repeats only where AWS lists one thing in two accounts: a
    // Transit Gateway attachment (the VPC's owner and the hub's) and the
    // cross-account peering (both ends).
    for (id, held) in &holders {
        if held.len() > 1 {
            assert_eq!(held.len(), 2, "{id}: {held:?}");
            assert_ne!(held[0].0, held[1].0, "{id}");
            assert_eq!(held[0].1, held[1].1, "{id}");
            assert!(
                [
                    kinds::TRANSIT_GATEWAY_ATTACHMENT,
                    kinds::VPC_PEERING_CONNECTION
                ]
                .contains(&held[0].1),
                "{id}: {held:?}"
            );
        }
    }
    let ids: HashSet<_> = e.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids.len(), e.accounts.len());
    assert!(
        ids.iter()
            .all(|id| id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()))
    );
    assert!(!ids.contains(network::VENDOR_ACCOUNT_ID));
}

#[test]
fn addresses_nest_and_references_resolve() {
    let e = demo_estate(DEFAULT_ACCOUNTS);
    // Ids repeat across accounts only for one thing two accounts list
    // (checked above); these lookups are of kinds whose ids do not.
    let by_id: HashMap<_, _> = e.resources.iter().map(|r| (r.id.as_str(), r)).collect();
    let net = |s: &str| s.parse::<ipnet::Ipv4Net>().expect("cidr");
    let text = |r: &Resource, f: &str| r.text(f).map(str::to_string).expect(f);
    let ctx = Context::new(&e);
    let denied = account_id(&e, "catalog-test");
    // Every edge of the demo lands on a resource of its declared kind, in
    // the account and region the edge names (its holder's unless it says
    // otherwise, and it says so only when they differ) — except the ends
    // that are truly outside the collected estate.
    let mut outside: HashMap<&str, usize> = HashMap::new();
    for (i, r) in e.resources.iter().enumerate() {
        for link in ctx.edges_of(i) {
            let edge = link.edge;
            assert_ne!(edge.account_id.as_ref(), Some(&r.account_id), "{}", r.id);
            assert_ne!(edge.region.as_ref(), Some(&r.region), "{}", r.id);
            let Some(f) = link.far else {
                let why = match (edge.rel, edge.kind, edge.account_id.as_deref()) {
                    (Rel::PeersWith, Some(kinds::VPC), Some(network::VENDOR_ACCOUNT_ID)) => {
                        "vendor vpc"
                    }
                    (Rel::RoutesTo, None, None) if edge.to.starts_with("vgw-") => "vgw route",
                    (Rel::RoutesTo, Some(kinds::VPC_PEERING_CONNECTION), None)
                        if edge.attrs.get("state").map(String::as_str) == Some("blackhole") =>
                    {
                        "blackhole route"
                    }
                    (Rel::InVpc, Some(kinds::VPC), Some(a)) if a == denied => "denied vpc",
                    (Rel::Uses, Some(kinds::IAM_POLICY), Some("aws")) => "aws managed policy",
                    _ => panic!("dangling {} edge {} -> {}", edge.rel, r.id, edge.to),
                };
                *outside.entry(why).or_default() += 1;
                continue;
            };
            let far = &e.resources[f];
            assert_eq!(Some(far.kind), edge.kind, "{} -> {}", r.id, edge.to);
            assert_eq!(
                (&far.account_id, &far.region),
                (
                    edge.account_id.as_ref().unwrap_or(&r.account_id),
                    edge.region.as_ref().unwrap_or(&r.region)
                ),
                "{} -> {}",
                r.id,
                edge.to
            );
        }
    }
    // catalog-test's two VPCs, listed by the hub it attaches to.
    assert_eq!(
        outside,
        HashMap::from([
            ("vendor vpc", 1),
            ("vgw route", 1),
            ("blackhole route", 1),
            ("denied vpc", 2),
            // Roles and the management user's group use AWS's policies:
            // 76, then a Lambda execution role in each of the 19 readable
            // workload accounts and an EKS service role in the 8 with a
            // cluster (demo/compute.rs), one AWS policy each.
            ("aws managed policy", 76 + 19 + 8),
        ])
    );
    for r in &e.resources {
        match r.kind {
            kinds::SUBNET => {
                let vpc = r
                    .vpc_id()
                    .and_then(|v| by_id.get(v))
                    .expect("subnet in a vpc");
                assert_eq!(vpc.kind, kinds::VPC);
                assert!(
                    net(&text(vpc, "cidr")).contains(&net(&text(r, "cidr"))),
                    "{}",
                    r.id
                );
            }
            kinds::INSTANCE => {
                let subnet = r
                    .first(Rel::InSubnet)
                    .and_then(|s| by_id.get(s))
                    .expect("subnet");
                assert_eq!(subnet.kind, kinds::SUBNET);
                let ip: std::net::Ipv4Addr = text(r, "private_ip").parse().expect("ip");
                let cidr = text(subnet, "cidr");
                assert!(net(&cidr).contains(&ip), "{} {ip} not in {cidr}", r.id);
                assert_eq!(r.vpc_id(), subnet.vpc_id());
                let groups: Vec<_> = r.edges(Rel::MemberOf).collect();
                assert_eq!(groups.len(), 1, "{}", r.id);
                // The name the instance knows its group by is the group's.
                assert_eq!(groups[0].name, by_id[groups[0].to.as_str()].name);
            }
            kinds::VOLUME => {
                let atts: Vec<_> = r.edges(Rel::AttachedTo).collect();
                assert_eq!(atts.len(), 1, "{}", r.id);
                assert_eq!(
                    atts[0].attrs.get("state").map(String::as_str),
                    Some("attached")
                );
                assert!(atts[0].attrs.contains_key("device"));
            }
            kinds::SECURITY_GROUP => {
                assert!(r.vpc_id().is_some());
                let rules = |f| r.get(f).map_or(&[][..], Value::as_rules);
                for rule in rules("ingress").iter().chain(rules("egress")) {
                    if let RulePeer::SecurityGroup(id) = &rule.peer {
                        assert!(
                            by_id.contains_key(id.as_str()),
                            "dangling peer {id} in {}",
                            r.id
                        );
                    }
                }
            }
            kinds::NAT_GATEWAY => {
                let subnet = by_id[r.first(Rel::InSubnet).expect("subnet")];
                assert_eq!(r.vpc_id(), subnet.vpc_id());
                assert!(
                    subnet
                        .name
                        .as_deref()
                        .is_some_and(|n| n.contains("-public-"))
                );
                let ip: std::net::Ipv4Addr = text(r, "private_ip").parse().expect("ip");
                assert!(net(&text(subnet, "cidr")).contains(&ip), "{}", r.id);
                let eip = by_id[r.first(Rel::AttachedTo).expect("eip")];
                assert_eq!(eip.get("public_ip"), r.get("public_ip"));
                assert_eq!(eip.get("private_ip"), r.get("private_ip"));
            }
            // What a route table serves and a load balancer or an
            // interface endpoint sits in is in its own VPC.
            kinds::ROUTE_TABLE | kinds::LOAD_BALANCER | kinds::VPC_ENDPOINT => {
                for rel in [Rel::Serves, Rel::InSubnet] {
                    for edge in r.edges(rel) {
                        assert_eq!(by_id[edge.to.as_str()].vpc_id(), r.vpc_id(), "{}", r.id);
                    }
                }
                if r.kind == kinds::ROUTE_TABLE {
                    let n = r.edges(Rel::RoutesTo).count() as i64;
                    assert_eq!(r.get("route_count"), Some(&Value::Number(n)), "{}", r.id);
                    // The `local` route: the VPC's own CIDR to itself.
                    let vpc = by_id[r.vpc_id().expect("vpc")];
                    let local = routes(r)
                        .into_iter()
                        .find(|(_, k, ..)| *k == Some(kinds::VPC));
                    assert_eq!(
                        local.map(|l| (l.0, l.2)),
                        Some((&*text(vpc, "cidr"), &*vpc.id))
                    );
                }
            }
            kinds::TARGET_GROUP => {
                let targets: Vec<_> = r.edges(Rel::Targets).collect();
                assert!(!targets.is_empty(), "{}", r.id);
                for t in &targets {
                    assert_eq!(by_id[t.to.as_str()].vpc_id(), r.vpc_id(), "{}", r.id);
                }
                let healthy = targets
                    .iter()
                    .filter(|t| t.attrs.get("health").map(String::as_str) == Some("healthy"))
                    .count() as i64;
                assert_eq!(r.get("healthy"), Some(&Value::Number(healthy)), "{}", r.id);
            }
            _ => {}
        }
    }
    // Every VPC has one main route table; a subnet is associated with at
    // most one table.
    let mut mains: HashMap<&str, usize> = HashMap::new();
    let mut served: HashMap<&str, usize> = HashMap::new();
    for r in e.resources.iter().filter(|r| r.kind == kinds::ROUTE_TABLE) {
        if r.get("main") == Some(&Value::Bool(true)) {
            *mains.entry(r.vpc_id().expect("vpc")).or_default() += 1;
        }
        for s in r.edges(Rel::Serves) {
            *served.entry(s.to.as_str()).or_default() += 1;
        }
    }
    let vpcs: Vec<&str> = e
        .resources
        .iter()
        .filter(|r| r.kind == kinds::VPC)
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(mains.len(), vpcs.len());
    assert!(vpcs.iter().all(|v| mains.get(v) == Some(&1)));
    assert!(served.values().all(|&n| n == 1));
    // Consistent tags on every app resource.
    for r in e.resources.iter().filter(|r| r.tags.contains_key("app")) {
        if r.tags.get("app").map(String::as_str) == Some("sandbox") {
            continue;
        }
        // Queues, topics and log groups are named by their ARN,
        // functions and clusters by themselves, buckets and tables by
        // their id: no `Name` tag.
        if [
            kinds::TAGGED_RESOURCE,
            kinds::LAMBDA_FUNCTION,
            kinds::EKS_CLUSTER,
            kinds::S3_BUCKET,
            kinds::DYNAMODB_TABLE,
        ]
        .contains(&r.kind)
        {
            continue;
        }
        // EC2 names a resource by its `Name` tag; the other services
        // (IAM, load balancers, databases, …) by their own name.
        let named_by_tag = r.kind.def().service == "ec2";
        for key in ["Name", "env", "cost-center"] {
            if key == "Name" && !named_by_tag {
                continue;
            }
            assert!(r.tags.contains_key(key), "{} lacks {key}", r.id);
        }
    }
}

#[test]
fn scales_to_about_a_hundred_resources_per_account() {
    let e = demo_estate(200);
    assert_eq!(e.accounts.len(), 200);
    let n = e.resources.len();
    // About 135 per workload account since the wiring (gateways, route
    // tables, endpoints, attachments, a load balancer) and the tagged
    // resources (14 per workload account): about 26,500, up from about
    // 18,900 before the wiring.
    assert!(
        (24_000..=29_500).contains(&n),
        "{n} resources for 200 accounts"
    );
    // Tiny requests still get every feature.
    let small = demo_estate(1);
    assert_eq!(small.accounts.len(), MIN_ACCOUNTS);
    assert!(
        small
            .failed_cells()
            .any(|c| c.status == CoverageStatus::Denied)
    );
    assert!(
        small
            .accounts
            .iter()
            .any(|a| a.status == AccountStatus::Suspended)
    );
}

#[test]
fn every_kind_is_in_the_demo_with_its_fields_set() {
    // The demo is where a new kind shows up first: every kind of the
    // registry has resources, and each field the kind declares is set on
    // at least one of them (else the descriptor, or the demo, is wrong).
    let e = demo_estate(MIN_ACCOUNTS);
    for kind in Kind::all() {
        let of_kind: Vec<_> = e.resources.iter().filter(|r| r.kind == kind).collect();
        assert!(!of_kind.is_empty(), "no {kind} in the demo");
        for (i, f) in kind.def().fields.iter().enumerate() {
            // Linux instances have no platform, as EC2 reports them; IAM
            // returns well-formed documents (it validates them on write),
            // so no IAM resource has a note on a malformed one.
            if (kind == kinds::INSTANCE && f.name == "platform")
                || (kind.def().service == "iam" && f.name == "note")
            {
                continue;
            }
            // Every ARN the demo lists is readable: no tagged resource,
            // function or cluster needs a note. Nor does any bucket or
            // table: the demo's reads all answer and its bucket policies
            // are well-formed.
            if [
                kinds::TAGGED_RESOURCE,
                kinds::LAMBDA_FUNCTION,
                kinds::EKS_CLUSTER,
                kinds::S3_BUCKET,
                kinds::DYNAMODB_TABLE,
            ]
            .contains(&kind)
                && matches!(f.name, "note" | "policy_error")
            {
                continue;
            }
            // Every demo cluster has members, so its subnets are known.
            if kind == kinds::DB_CLUSTER && f.name == "note" {
                continue;
            }
            assert!(
                of_kind.iter().any(|r| !r.fields[i].is_null()),
                "{kind}.{} is never set",
                f.name
            );
        }
        assert!(
            of_kind
                .iter()
                .all(|r| r.fields.len() == kind.def().fields.len())
        );
    }
}

/// The bill's story (see `costs.rs`): every month's tag view and service
/// view sum to the same total, payments-test costs more than
/// payments-prod, and orders-prod's CloudWatch jumps in October.
#[test]
fn demo_costs_tell_their_story() {
    use crate::cost::{Decimal, Month};
    let estate = demo_estate(DEFAULT_ACCOUNTS);
    let costs = estate.costs.as_ref().expect("the demo has costs");
    assert_eq!(costs.unit, "USD");
    let oct = Month::parse("2026-10").unwrap();
    let sep = Month::parse("2026-09").unwrap();
    assert_eq!(
        costs.default_month(),
        Some(oct),
        "November is the month to date"
    );
    for span in &costs.months {
        let by_account = Decimal::sum(costs.by_account(span.month).unwrap().values()).unwrap();
        let by_tag = Decimal::sum(costs.by_tag("app", span.month).unwrap().values()).unwrap();
        assert_eq!(by_account, by_tag, "{}", span.month);
    }
    let per = costs.by_account(oct).unwrap();
    let cost = |name: &str| {
        per.get(account_id(&estate, name))
            .copied()
            .unwrap_or_default()
    };
    assert!(cost("payments-test") > cost("payments-prod"));
    assert!(
        cost("orders-test") < cost("orders-prod"),
        "only payments is upside down"
    );
    // The denied account's bill is still known: Cost Explorer is read from
    // the management account, not through its role.
    assert!(cost("catalog-test") > Decimal::ZERO);
    let orders = account_id(&estate, "orders-prod");
    let cloudwatch = |m| {
        costs
            .by_service(m, |a| a == orders)
            .unwrap()
            .get("AmazonCloudWatch")
            .copied()
            .unwrap()
    };
    let (before, after) = (cloudwatch(sep), cloudwatch(oct));
    assert!(
        after.approx_f64() > 10.0 * before.approx_f64(),
        "{before} → {after}"
    );
    // Ten decimal places, as AWS writes amounts.
    assert!(costs.by_service.iter().all(|l| l.amount.scale() == 10));
    assert_eq!(
        demo_estate(DEFAULT_ACCOUNTS).costs,
        estate.costs,
        "deterministic"
    );
}
