//! Unit tests of the demo estate: determinism, the documented shape, the
//! staged flaws, and realism (ids, nesting addresses, edges that resolve).

use std::collections::{HashMap, HashSet};

use super::*;
use crate::model::{Kind, Rel, Resource, RulePeer, Value, kinds};

fn by_name<'e>(estate: &'e Estate, account: &str, name: &str) -> Option<&'e Resource> {
    let id = &estate.accounts.iter().find(|a| a.name == account)?.id;
    estate
        .resources
        .iter()
        .find(|r| &r.account_id == id && r.name.as_deref() == Some(name))
}

#[test]
fn same_input_gives_identical_estates() {
    let a = demo_estate(DEFAULT_ACCOUNTS);
    let b = demo_estate(DEFAULT_ACCOUNTS);
    assert_eq!(a, b);
    assert_eq!(crate::snapshot::to_vec(&a), crate::snapshot::to_vec(&b));
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
        1 + REGIONS.len() * crate::model::regional_apis().count()
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
}

#[test]
fn ids_are_unique_and_look_like_aws() {
    let e = demo_estate(60);
    let mut seen = HashSet::new();
    for r in &e.resources {
        assert!(seen.insert(r.id.clone()), "duplicate id {}", r.id);
        let (prefix, hex) = r.id.split_once('-').expect("prefixed id");
        let want = [
            (kinds::INSTANCE, "i"),
            (kinds::VPC, "vpc"),
            (kinds::SUBNET, "subnet"),
            (kinds::SECURITY_GROUP, "sg"),
            (kinds::VOLUME, "vol"),
            (kinds::ELASTIC_IP, "eipalloc"),
        ]
        .into_iter()
        .find(|(k, _)| *k == r.kind)
        .map(|(_, p)| p);
        assert_eq!(Some(prefix), want, "{}", r.id);
        assert_eq!(hex.len(), 17);
        assert!(hex.chars().all(|c| c.is_ascii_hexdigit()));
    }
    let ids: HashSet<_> = e.accounts.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids.len(), e.accounts.len());
    assert!(
        ids.iter()
            .all(|id| id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()))
    );
}

#[test]
fn addresses_nest_and_references_resolve() {
    let e = demo_estate(DEFAULT_ACCOUNTS);
    let by_id: HashMap<_, _> = e.resources.iter().map(|r| (r.id.as_str(), r)).collect();
    let net = |s: &str| s.parse::<ipnet::Ipv4Net>().expect("cidr");
    let text = |r: &Resource, f: &str| r.text(f).map(str::to_string).expect(f);
    // Every edge of the demo lands on a resource of its declared kind, in
    // the same account and region.
    for r in &e.resources {
        for edge in &r.relations {
            let far = by_id
                .get(edge.to.as_str())
                .unwrap_or_else(|| panic!("dangling {} edge {} -> {}", edge.rel, r.id, edge.to));
            assert_eq!(Some(far.kind), edge.kind, "{} -> {}", r.id, edge.to);
            assert_eq!((&far.account_id, &far.region), (&r.account_id, &r.region));
            assert!(edge.account_id.is_none() && edge.region.is_none());
        }
    }
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
            _ => {}
        }
    }
    // Consistent tags on every app resource.
    for r in e.resources.iter().filter(|r| r.tags.contains_key("app")) {
        if r.tags.get("app").map(String::as_str) == Some("sandbox") {
            continue;
        }
        for key in ["Name", "env", "cost-center"] {
            assert!(r.tags.contains_key(key), "{} lacks {key}", r.id);
        }
    }
}

#[test]
fn scales_to_about_a_hundred_resources_per_account() {
    let e = demo_estate(200);
    assert_eq!(e.accounts.len(), 200);
    let n = e.resources.len();
    assert!(
        (17_000..=22_000).contains(&n),
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
            // Linux instances have no platform, as EC2 reports them.
            if kind == kinds::INSTANCE && f.name == "platform" {
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
