//! The collection engine against a real AWS emulator (moto): each test
//! seeds its own organization, collects it through the public `collect`
//! API (or the real binary) and compares the estate with what was seeded:
//! counts per kind, fields, and the relations between what was seeded.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::{Intercept, SharedInterceptor};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use orgscope::collect::{self, CollectEvent, CollectOptions, Hooks, Regions};
use orgscope::model::{Api, CoverageStatus, Estate, Place, Rel, Resource, Value, kinds};
use tokio_util::sync::CancellationToken;

use crate::support::moto::{MANAGEMENT_ACCOUNT, Moto};
use crate::support::seed::{self, Counts, ODD_TAG_KEY, ODD_TAG_VALUE, Seeded};

/// One operation the collector sent: (service, operation, role ARN for
/// AssumeRole).
type Call = (String, String, Option<String>);

/// Every operation the collector sends.
#[derive(Debug, Default, Clone)]
struct Recorder(Arc<Mutex<Vec<Call>>>);

impl Intercept for Recorder {
    fn name(&self) -> &'static str {
        "orgscope-test-recorder"
    }

    // Not `read_before_execution`: client-level interceptors run that hook
    // before the operation's metadata is in the config bag.
    fn read_before_serialization(
        &self,
        ctx: &BeforeSerializationInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let (service, op) = cfg
            .load::<Metadata>()
            .map(|m| (m.service().to_string(), m.name().to_string()))
            .unwrap_or_default();
        let role = ctx
            .input()
            .downcast_ref::<aws_sdk_sts::operation::assume_role::AssumeRoleInput>()
            .and_then(|i| i.role_arn().map(str::to_string));
        if let Ok(mut calls) = self.0.lock() {
            calls.push((service, op, role));
        }
        Ok(())
    }
}

impl Recorder {
    fn calls(&self) -> Vec<Call> {
        self.0.lock().map(|c| c.clone()).unwrap_or_default()
    }
}

pub(crate) async fn options(moto: &Moto, regions: &[&str]) -> CollectOptions {
    CollectOptions {
        regions: Regions::List(regions.iter().map(|r| r.to_string()).collect()),
        hooks: Hooks {
            base_config: Some(moto.sdk_config().await),
            interceptors: Vec::new(),
        },
        ..CollectOptions::default()
    }
}

pub(crate) async fn run(opts: CollectOptions) -> (Estate, Vec<CollectEvent>) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let estate = collect::collect(opts, tx, CancellationToken::new())
        .await
        .expect("collect");
    let mut events = Vec::new();
    while let Ok(e) = rx.try_recv() {
        events.push(e);
    }
    (estate, events)
}

pub(crate) fn counts(estate: &Estate, account: &str, region: &str) -> Counts {
    let mut c = Counts::default();
    for r in estate
        .resources
        .iter()
        .filter(|r| r.account_id == account && r.region == region)
    {
        // A kind the collector gains must be counted (and expected) here.
        match r.kind {
            k if k == kinds::INSTANCE => c.instances += 1,
            k if k == kinds::VPC => c.vpcs += 1,
            k if k == kinds::SUBNET => c.subnets += 1,
            k if k == kinds::SECURITY_GROUP => c.security_groups += 1,
            k if k == kinds::VOLUME => c.volumes += 1,
            k if k == kinds::ELASTIC_IP => c.elastic_ips += 1,
            k if k == kinds::INTERNET_GATEWAY => c.internet_gateways += 1,
            k if k == kinds::EGRESS_ONLY_INTERNET_GATEWAY => c.egress_only_internet_gateways += 1,
            k if k == kinds::NAT_GATEWAY => c.nat_gateways += 1,
            k if k == kinds::ROUTE_TABLE => c.route_tables += 1,
            k if k == kinds::VPC_ENDPOINT => c.vpc_endpoints += 1,
            k if k == kinds::VPC_PEERING_CONNECTION => c.vpc_peering_connections += 1,
            k if k == kinds::TRANSIT_GATEWAY => c.transit_gateways += 1,
            k if k == kinds::TRANSIT_GATEWAY_ATTACHMENT => c.transit_gateway_attachments += 1,
            k if k == kinds::TRANSIT_GATEWAY_ROUTE_TABLE => c.transit_gateway_route_tables += 1,
            other => panic!("{other} is collected but not counted by this test"),
        }
    }
    c
}

/// Every seeded network as collected: the VPC and its main route table
/// (its one route, `local`, to the VPC), its subnets and its group with
/// the fields they were created with and an `in_vpc` edge to the VPC;
/// every instance there with its type, image and zone, `in_vpc`,
/// `in_subnet` and `member_of` edges to what it was launched in (the group
/// by id, with its name), and its root volume `attached_to` it at moto's
/// root device; the unattached data volumes with no edge.
fn assert_seeded_networks(estate: &Estate, seeded: &Seeded) {
    assert!(!seeded.networks.is_empty());
    for ((account, region), net) in &seeded.networks {
        let at = format!("{account} {region}");
        let here: Vec<&Resource> = estate
            .resources
            .iter()
            .filter(|r| &r.account_id == account && &r.region == region)
            .collect();
        let find = |id: &str| {
            here.iter()
                .copied()
                .find(|r| r.id == id)
                .unwrap_or_else(|| panic!("{id} not collected in {at}"))
        };
        let in_vpc = |r: &Resource| {
            r.edges(Rel::InVpc)
                .map(|e| (e.to.clone(), e.kind))
                .collect::<Vec<_>>()
        };
        let want_vpc = vec![(net.vpc_id.clone(), Some(kinds::VPC))];

        let vpc = find(&net.vpc_id);
        assert_eq!(vpc.kind, kinds::VPC, "{at}");
        assert_eq!(vpc.name.as_deref(), Some("main"), "{at}");
        assert_eq!(vpc.text("cidr"), Some(net.vpc_cidr.as_str()), "{at}");
        assert!(vpc.relations.is_empty(), "{at}: {:?}", vpc.relations);
        // Its main route table, created with it: it serves every subnet
        // implicitly (no edge), and its one route keeps the VPC's own
        // CIDR inside the VPC.
        let tables: Vec<&Resource> = here
            .iter()
            .copied()
            .filter(|r| r.kind == kinds::ROUTE_TABLE)
            .filter(|r| r.first(Rel::InVpc) == Some(net.vpc_id.as_str()))
            .collect();
        assert_eq!(tables.len(), 1, "{at}");
        assert_eq!(tables[0].get("main"), Some(&Value::Bool(true)), "{at}");
        assert_eq!(
            tables[0].get("route_count"),
            Some(&Value::Number(1)),
            "{at}"
        );
        assert_eq!(tables[0].edges(Rel::Serves).count(), 0, "{at}");
        let routes: Vec<_> = tables[0]
            .edges(Rel::RoutesTo)
            .map(|e| {
                (
                    e.attrs.get("destination").map(String::as_str),
                    e.kind,
                    e.to.as_str(),
                    e.attrs.get("state").map(String::as_str),
                )
            })
            .collect();
        assert_eq!(
            routes,
            [(
                Some(net.vpc_cidr.as_str()),
                Some(kinds::VPC),
                net.vpc_id.as_str(),
                Some("active")
            )],
            "{at}"
        );

        for (id, cidr, az) in &net.subnets {
            let s = find(id);
            assert_eq!(s.kind, kinds::SUBNET, "{at}");
            assert_eq!(s.text("cidr"), Some(cidr.as_str()), "{at}");
            assert_eq!(s.text("az"), Some(az.as_str()), "{at}");
            assert_eq!(in_vpc(s), want_vpc, "subnet {id} in {at}");
        }

        let sg = find(&net.sg_id);
        assert_eq!(sg.kind, kinds::SECURITY_GROUP, "{at}");
        assert_eq!(sg.text("group_name"), Some(seed::SG_NAME), "{at}");
        assert_eq!(sg.name.as_deref(), Some(seed::SG_NAME), "{at}");
        let ingress: Vec<String> = sg
            .get("ingress")
            .map(|v| v.as_rules().iter().map(ToString::to_string).collect())
            .unwrap_or_default();
        assert_eq!(ingress, ["tcp/443 from 0.0.0.0/0"], "{at}");
        assert_eq!(in_vpc(sg), want_vpc, "group in {at}");

        let (subnet_id, _, subnet_az) = &net.subnets[0];
        let instances: Vec<&Resource> = here
            .iter()
            .copied()
            .filter(|r| r.kind == kinds::INSTANCE)
            .collect();
        assert_eq!(
            instances.len(),
            seeded.created[&(account.clone(), region.clone())].instances,
            "{at}"
        );
        let volumes: Vec<&Resource> = here
            .iter()
            .copied()
            .filter(|r| r.kind == kinds::VOLUME)
            .collect();
        for i in &instances {
            assert_eq!(i.text("instance_type"), Some("t3.micro"), "{at}");
            assert_eq!(i.text("image_id"), Some(seed::IMAGE_ID), "{at}");
            assert_eq!(i.text("az"), Some(subnet_az.as_str()), "{at}");
            assert_eq!(i.first(Rel::InVpc), Some(net.vpc_id.as_str()), "{at}");
            assert_eq!(in_vpc(i), want_vpc, "instance {} in {at}", i.id);
            let subnets: Vec<_> = i
                .edges(Rel::InSubnet)
                .map(|e| (e.to.as_str(), e.kind))
                .collect();
            assert_eq!(
                subnets,
                [(subnet_id.as_str(), Some(kinds::SUBNET))],
                "instance {} in {at}",
                i.id
            );
            let groups: Vec<_> = i
                .edges(Rel::MemberOf)
                .map(|e| (e.to.as_str(), e.name.as_deref(), e.kind))
                .collect();
            assert_eq!(
                groups,
                [(
                    net.sg_id.as_str(),
                    Some(seed::SG_NAME),
                    Some(kinds::SECURITY_GROUP)
                )],
                "instance {} in {at}",
                i.id
            );
            // Exactly one volume is attached to it: its root volume.
            let attached: Vec<_> = volumes
                .iter()
                .flat_map(|v| v.edges(Rel::AttachedTo).map(move |e| (v, e)))
                .filter(|(_, e)| e.to == i.id)
                .map(|(v, e)| {
                    (
                        v.get("size_gib").and_then(|s| s.as_number()),
                        e.kind,
                        e.attrs.get("device").map(String::as_str),
                        e.attrs.get("state").map(String::as_str),
                    )
                })
                .collect();
            assert_eq!(
                attached,
                [(
                    Some(8),
                    Some(kinds::INSTANCE),
                    Some(seed::ROOT_DEVICE),
                    Some("attached")
                )],
                "volumes of instance {} in {at}",
                i.id
            );
        }
        // The seeded data volumes are attached to nothing.
        let data: Vec<&&Resource> = volumes
            .iter()
            .filter(|v| v.name.as_deref() == Some("data"))
            .collect();
        assert_eq!(
            data.len(),
            seeded.created[&(account.clone(), region.clone())].volumes,
            "{at}"
        );
        for v in data {
            assert_eq!(v.get("size_gib").and_then(|s| s.as_number()), Some(20));
            assert_eq!(v.text("volume_type"), Some("gp3"));
            assert_eq!(v.first(Rel::AttachedTo), None, "{at}");
        }

        // The network's addresses: the attached one points at its
        // instance (one of the collected ones) with its association, the
        // idle one has no edge and no association.
        assert!(!net.addresses.is_empty(), "{at}");
        for (id, ip, instance) in &net.addresses {
            let a = find(id);
            assert_eq!(a.kind, kinds::ELASTIC_IP, "{at}");
            assert_eq!(a.text("public_ip"), Some(ip.as_str()), "{at}");
            assert_eq!(a.text("domain"), Some("vpc"), "{at}");
            let edges: Vec<_> = a
                .edges(Rel::AttachedTo)
                .map(|e| (e.to.as_str(), e.kind))
                .collect();
            match instance {
                Some(i) => {
                    assert_eq!(a.name.as_deref(), Some("web-eip"), "{at}");
                    assert_eq!(edges, [(i.as_str(), Some(kinds::INSTANCE))], "{at}");
                    assert!(instances.iter().any(|r| &r.id == i), "{at}");
                    assert!(a.text("association_id").is_some(), "{at}");
                }
                None => {
                    assert_eq!(a.name.as_deref(), Some("spare-eip"), "{at}");
                    assert!(edges.is_empty(), "{at}: {edges:?}");
                    assert_eq!(a.text("association_id"), None, "{at}");
                }
            }
        }
    }
}

/// Read actions only: the collector must never change an estate.
fn is_read_action(op: &str) -> bool {
    ["List", "Describe", "Get"]
        .iter()
        .any(|p| op.starts_with(p))
        || op == "AssumeRole"
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn whole_org_is_collected_as_seeded_with_read_actions_only() {
    let moto = Moto::start();
    let conf = moto.sdk_config().await;
    let seeded = seed::standard_org(&conf).await;

    let recorder = Recorder::default();
    let mut opts = options(&moto, &seed::REGIONS).await;
    opts.hooks.interceptors = vec![SharedInterceptor::new(recorder.clone())];
    let (estate, events) = run(opts).await;

    // Identity and organization.
    assert_eq!(estate.caller.account_id, MANAGEMENT_ACCOUNT);
    let org = estate.organization.as_ref().expect("organization");
    assert_eq!(org.management_account_id, MANAGEMENT_ACCOUNT);
    assert_eq!(estate.tree.id, seeded.root_id);
    assert_eq!(estate.regions, seed::REGIONS.map(String::from).to_vec());

    // Accounts: all eleven, with OU paths, tags (odd ones byte for byte),
    // status and SCPs.
    assert_eq!(estate.accounts.len(), seeded.accounts.len());
    assert_eq!(estate.accounts.len(), 11);
    for s in &seeded.accounts {
        let a = estate
            .account(&s.id)
            .unwrap_or_else(|| panic!("{} missing", s.name));
        assert_eq!(a.name, s.name);
        assert_eq!(a.ou_path, s.ou_path, "{}", s.name);
        assert_eq!(
            a.tags.iter().collect::<Vec<_>>(),
            s.tags.iter().collect::<Vec<_>>(),
            "{}",
            s.name
        );
        // Organizations attaches FullAWSAccess to every target by default.
        let mut want = s.scps.clone();
        want.insert(0, "FullAWSAccess".to_string());
        assert_eq!(a.scps, want, "{}", s.name);
        assert_eq!(a.is_active(), s.active, "{}", s.name);
        assert_eq!(a.is_management, s.id == MANAGEMENT_ACCOUNT);
    }
    assert_eq!(
        estate
            .account(&seeded.account("app1-prod").id)
            .and_then(|a| a.tags.get(ODD_TAG_KEY))
            .map(String::as_str),
        Some(ODD_TAG_VALUE)
    );
    // OUs nested three deep, SCP names on the root and on an OU.
    let critical = estate
        .tree
        .find(&seeded.ous["Workloads/Prod/Critical"])
        .expect("Critical OU");
    assert_eq!(
        critical.accounts,
        vec![seeded.account("payments-prod").id.clone()]
    );
    assert_eq!(
        estate.tree.scps,
        vec!["FullAWSAccess", "DenyLeaveOrganization"]
    );
    let prod = estate
        .tree
        .find(&seeded.ous["Workloads/Prod"])
        .expect("Prod");
    assert_eq!(prod.scps, vec!["FullAWSAccess", "ProdGuardrails"]);
    assert_eq!(prod.children.len(), 1);

    // Resources: every (account, region) exactly as seeded plus moto's
    // defaults; the suspended account has none.
    for s in &seeded.accounts {
        for region in seed::REGIONS {
            assert_eq!(
                counts(&estate, &s.id, region),
                seeded.expected(&s.id, region),
                "{} in {region}",
                s.name
            );
        }
    }
    let mgmt_instances = counts(&estate, MANAGEMENT_ACCOUNT, "us-east-1").instances;
    assert_eq!(mgmt_instances, 2, "management account's own instances");

    // The odd tag survives on an EC2 resource too.
    let (acct, region, id) = seeded.odd_tagged_instance.clone().expect("odd instance");
    let inst = estate
        .resources
        .iter()
        .find(|r| r.id == id && r.account_id == acct && r.region == region)
        .expect("odd-tagged instance collected");
    assert_eq!(
        inst.tags.get(ODD_TAG_KEY).map(String::as_str),
        Some(ODD_TAG_VALUE)
    );
    assert_eq!(inst.name.as_deref(), Some("app"));

    // What was seeded, field by field and edge by edge.
    assert_seeded_networks(&estate, &seeded);

    // Coverage: every cell ok except the suspended account's.
    let closed = seeded.account("sandbox-closed").id.clone();
    for c in &estate.coverage {
        if c.account_id == closed {
            assert_eq!(c.status, CoverageStatus::Suspended, "{c:?}");
            assert_eq!(c.region, Place::Global);
        } else {
            assert_eq!(c.status, CoverageStatus::Ok, "{c:?}");
        }
    }
    assert!(!estate.is_partial());
    // 10 active accounts x 3 regions x one call per collected regional
    // kind, + 10 x IAM's two global cells (entities, access keys) and
    // S3's one (the bucket listing) + 9 AssumeRole + 1 suspended.
    let apis = orgscope::model::regional_apis().count();
    let iam = orgscope::collect::iam::apis().count();
    let s3 = orgscope::collect::s3::apis().count();
    assert_eq!(
        estate.coverage.len(),
        10 * 3 * apis + 10 * (iam + s3) + 9 + 1
    );

    // Read-only, the management account with base credentials, and the
    // suspended account never assumed into.
    let calls = recorder.calls();
    assert!(calls.len() > 100, "recorder saw {} calls", calls.len());
    for (service, op, _) in &calls {
        assert!(is_read_action(op), "{service}:{op} is not a read action");
    }
    let assumed: Vec<&str> = calls.iter().filter_map(|c| c.2.as_deref()).collect();
    assert_eq!(assumed.len(), 9);
    assert!(!assumed.iter().any(|a| a.contains(MANAGEMENT_ACCOUNT)));
    assert!(!assumed.iter().any(|a| a.contains(&closed)));
    assert!(
        assumed
            .iter()
            .all(|a| a.ends_with(":role/OrganizationAccountAccessRole"))
    );

    // Events: identity first; then the accounts page by page, each named
    // by an `AccountsListed` before its `AccountStarted` (accounts start
    // while the walk goes on, so starts may come before the `Tree`); one
    // `Tree` when the walk has ended, the estate's; one start and one
    // finish per account.
    assert!(matches!(events.first(), Some(CollectEvent::Identity(_))));
    let mut listed: Vec<&str> = Vec::new();
    let mut started = 0;
    let mut trees = Vec::new();
    for e in &events {
        match e {
            CollectEvent::AccountsListed { accounts, tree, .. } => {
                assert!(!accounts.is_empty(), "a listing without accounts");
                listed.extend(accounts.iter().map(|a| a.id.as_str()));
                for a in accounts {
                    assert!(
                        tree.account_ids_below().contains(&a.id.as_str()),
                        "{} listed but not in the tree so far",
                        a.name
                    );
                }
            }
            CollectEvent::AccountStarted { account_id } => {
                assert!(
                    listed.contains(&account_id.as_str()),
                    "{account_id} started before it was listed"
                );
                started += 1;
            }
            CollectEvent::Tree { tree, .. } => trees.push(tree),
            _ => {}
        }
    }
    assert_eq!(trees, vec![&estate.tree], "one complete tree, the estate's");
    listed.sort();
    let mut in_estate: Vec<&str> = estate.accounts.iter().map(|a| a.id.as_str()).collect();
    in_estate.sort();
    assert_eq!(listed, in_estate, "each account listed once");
    assert_eq!(listed.len(), 11);
    assert_eq!(started, 11);
    let finished = events
        .iter()
        .filter(|e| matches!(e, CollectEvent::AccountFinished { .. }))
        .count();
    assert_eq!(finished, 11);

    // The snapshot round-trips through serde unchanged.
    let bytes = orgscope::snapshot::to_vec(&estate).expect("serializes");
    let back =
        orgscope::snapshot::from_slice(&bytes, std::path::Path::new("e.json")).expect("parse back");
    assert_eq!(back, estate);
    assert_eq!(
        orgscope::snapshot::to_vec(&back).expect("serializes"),
        bytes
    );
    let json: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
    assert_eq!(json["format"], "orgscope-estate");
    assert_eq!(json["version"], 2);
    // References are written as edges, not as fields of the near end.
    let odd = json["resources"]
        .as_array()
        .and_then(|rs| rs.iter().find(|r| r["id"] == id.as_str()))
        .expect("odd-tagged instance in the file");
    assert_eq!(odd["relations"][0]["rel"], "in_vpc");
    assert!(odd.get("vpc_id").is_none(), "{odd}");
    let raw = String::from_utf8(bytes).expect("utf-8");
    // Non-ASCII is written as UTF-8, not \u escapes; only `"` is escaped.
    assert!(
        raw.contains(r#""値 = <\"välue\"> 🚀""#),
        "tag value as raw UTF-8"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ou_and_account_scoping_collect_only_what_was_asked() {
    let moto = Moto::start();
    let conf = moto.sdk_config().await;
    let seeded = seed::standard_org(&conf).await;

    let mut opts = options(&moto, &["eu-west-1"]).await;
    opts.ous = vec!["Prod".into()];
    opts.accounts = vec!["network".into(), seeded.account("app1-test").id.clone()];
    let (estate, events) = run(opts).await;
    // Only accounts in scope are listed (and so started), each once.
    let mut listed: Vec<&str> = events
        .iter()
        .filter_map(|e| match e {
            CollectEvent::AccountsListed { accounts, .. } => Some(accounts),
            _ => None,
        })
        .flatten()
        .map(|a| a.id.as_str())
        .collect();
    listed.sort();
    let mut in_estate: Vec<&str> = estate.accounts.iter().map(|a| a.id.as_str()).collect();
    in_estate.sort();
    assert_eq!(listed, in_estate);

    let mut got: Vec<&str> = estate.accounts.iter().map(|a| a.name.as_str()).collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            "app1-prod",
            "app1-test",
            "app2-prod",
            "network",
            "payments-prod"
        ]
    );
    let mut in_resources: Vec<&str> = estate
        .resources
        .iter()
        .map(|r| r.account_id.as_str())
        .collect();
    in_resources.sort();
    in_resources.dedup();
    assert_eq!(in_resources.len(), 5);
    assert!(estate.tree.find(&seeded.ous["Sandbox"]).is_none());
    assert!(
        estate
            .tree
            .find(&seeded.ous["Workloads/Prod/Critical"])
            .is_some()
    );
    for a in &estate.accounts {
        assert_eq!(
            counts(&estate, &a.id, "eu-west-1"),
            seeded.expected(&a.id, "eu-west-1")
        );
    }

    // `all` regions: the account's enabled regions from DescribeRegions.
    let mut opts = options(&moto, &["eu-west-1"]).await;
    opts.regions = Regions::AllEnabled;
    opts.accounts = vec!["logging".into()];
    let (estate, _) = run(opts).await;
    assert!(estate.regions.len() > 3, "{:?}", estate.regions);
    assert!(estate.regions.iter().any(|r| r == "ap-southeast-2"));
    assert!(!estate.is_partial());
    let logging = &seeded.account("logging").id;
    assert!(estate.coverage.iter().any(|c| c.account_id == *logging
        && c.api == Api::DESCRIBE_REGIONS
        && c.status == CoverageStatus::Ok));
    let regions_with_vpcs: std::collections::BTreeSet<&str> = estate
        .resources
        .iter()
        .filter(|r| r.kind == kinds::VPC)
        .map(|r| r.region.as_str())
        .collect();
    assert_eq!(
        regions_with_vpcs.len(),
        estate.regions.len(),
        "a default VPC per region"
    );

    // An OU below nested OUs, by its path or by its id: exactly its
    // accounts, under the chain of OUs that leads to it.
    for wanted in [
        "Workloads/Prod/Critical".to_string(),
        seeded.ous["Workloads/Prod/Critical"].clone(),
    ] {
        let mut opts = options(&moto, &["eu-west-1"]).await;
        opts.ous = vec![wanted.clone()];
        let (estate, _) = run(opts).await;
        let got: Vec<&str> = estate.accounts.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(got, vec!["payments-prod"], "--ou {wanted}");
        assert_eq!(
            estate.accounts[0].ou_path,
            vec!["Workloads", "Prod", "Critical"]
        );
        assert!(estate.tree.find(&seeded.ous["Workloads/Prod"]).is_some());
        assert!(estate.tree.find(&seeded.ous["Workloads/Test"]).is_none());
    }

    // An unknown name is an error, not an empty estate; also when another
    // name matched and its accounts had already started (the walk can
    // only tell once it has ended).
    for ous in [vec!["NoSuchOu"], vec!["Prod", "NoSuchOu"]] {
        let mut opts = options(&moto, &["eu-west-1"]).await;
        opts.ous = ous.iter().map(|s| s.to_string()).collect();
        let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
        let err = collect::collect(opts, tx, CancellationToken::new())
            .await
            .expect_err("unknown OU");
        assert!(
            matches!(&err, collect::CollectError::UnknownOu(n) if n == "NoSuchOu"),
            "{err}"
        );
    }
    let mut opts = options(&moto, &["eu-west-1"]).await;
    opts.accounts = vec!["network".into(), "no-such-account".into()];
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    let err = collect::collect(opts, tx, CancellationToken::new())
        .await
        .expect_err("unknown account");
    assert!(
        matches!(&err, collect::CollectError::UnknownAccount(n) if n == "no-such-account"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_than_a_thousand_instances_are_paged_to_the_end() {
    let moto = Moto::start();
    let conf = moto.sdk_config().await;
    let mut seeded = seed::empty_org(&conf).await;
    let org = aws_sdk_organizations::Client::new(&conf);
    let big = seed::create_account(&org, &mut seeded, "big", "Workloads", BTreeMap::new()).await;
    // 11 reservations of 100: more reservations than the page size of 5
    // (moto pages DescribeInstances by reservation), 1,100 instances.
    let content = seed::Content {
        reservations: 11,
        instances_per_reservation: 100,
        network: false,
        volumes: 0,
    };
    seed::seed_region(&conf, &mut seeded, &big, "us-east-1", content, 1, false).await;
    seed::measure_default_subnets(&conf, &mut seeded, "us-east-1").await;

    let recorder = Recorder::default();
    let mut opts = options(&moto, &["us-east-1"]).await;
    opts.accounts = vec!["big".into()];
    opts.page_size = 5;
    opts.hooks.interceptors = vec![SharedInterceptor::new(recorder.clone())];
    let (estate, _) = run(opts).await;

    let got = counts(&estate, &big, "us-east-1");
    assert_eq!(got, seeded.expected(&big, "us-east-1"));
    assert_eq!(got.instances, 1100);
    let mut ids: Vec<&str> = estate
        .resources
        .iter()
        .filter(|r| r.kind == kinds::INSTANCE)
        .map(|r| r.id.as_str())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 1100, "no instance twice");
    let pages = recorder
        .calls()
        .iter()
        .filter(|c| c.1 == "DescribeInstances")
        .count();
    assert_eq!(pages, 3, "11 reservations at 5 per page");
    assert!(!estate.is_partial());
}

/// Cancels the run the moment the first EC2 describe is sent, so the test
/// knows cancellation struck mid-account without relying on timing.
#[derive(Debug, Clone)]
struct CancelOnFirstDescribe(CancellationToken);

impl Intercept for CancelOnFirstDescribe {
    fn name(&self) -> &'static str {
        "orgscope-test-cancel"
    }

    fn read_before_serialization(
        &self,
        _ctx: &BeforeSerializationInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if cfg
            .load::<Metadata>()
            .is_some_and(|m| m.name() == "DescribeInstances")
        {
            self.0.cancel();
        }
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancellation_returns_a_visibly_partial_estate() {
    let moto = Moto::start();
    let conf = moto.sdk_config().await;
    let seeded = seed::standard_org(&conf).await;

    let cancel = CancellationToken::new();
    let mut opts = options(&moto, &["us-east-1"]).await;
    opts.concurrency = 1;
    opts.hooks.interceptors = vec![SharedInterceptor::new(CancelOnFirstDescribe(
        cancel.clone(),
    ))];
    // A dropped receiver must not fail the run either.
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    drop(rx);
    let estate = collect::collect(opts, tx, cancel)
        .await
        .expect("a cancelled run still returns its estate");

    assert!(estate.is_partial());
    // Accounts start while the organization is walked, so the cancel may
    // strike before the walk has ended: the estate then holds the
    // accounts listed by then, and says the listing was cut short.
    let listing_cut_short = estate.coverage.iter().any(|c| {
        c.account_id == MANAGEMENT_ACCOUNT
            && c.api == Api::LIST_ACCOUNTS_FOR_PARENT
            && c.code.as_deref() == Some(collect::CANCELLED_CODE)
    });
    if listing_cut_short {
        assert!(estate.accounts.len() <= seeded.accounts.len());
    } else {
        assert_eq!(estate.accounts.len(), seeded.accounts.len());
    }
    assert!(
        !estate.accounts.is_empty(),
        "the run was cancelled mid-account"
    );
    for a in &estate.accounts {
        assert!(
            seeded.accounts.iter().any(|s| s.id == a.id),
            "{} was not seeded",
            a.name
        );
    }
    let cancelled: Vec<&str> = estate
        .coverage
        .iter()
        .filter(|c| c.code.as_deref() == Some(collect::CANCELLED_CODE))
        .filter(|c| c.api != Api::LIST_ACCOUNTS_FOR_PARENT)
        .map(|c| {
            assert_eq!(c.api, Api::COLLECT);
            assert_eq!(c.status, CoverageStatus::Error);
            c.account_id.as_str()
        })
        .collect();
    assert!(!cancelled.is_empty());
    // Every account is either finished (with its cells) or marked cancelled.
    for a in &estate.accounts {
        let has_cells = estate
            .coverage
            .iter()
            .any(|c| c.account_id == a.id && c.code.as_deref() != Some(collect::CANCELLED_CODE));
        assert!(
            has_cells != cancelled.contains(&a.id.as_str()),
            "{} must be either finished or cancelled",
            a.name
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn role_sessions_are_reused_and_renewed_before_they_expire() {
    use orgscope::collect::auth::{Clients, RoleSession};

    let moto = Moto::start();
    let recorder = Recorder::default();
    let mut opts = options(&moto, &["us-east-1"]).await;
    opts.hooks.interceptors = vec![SharedInterceptor::new(recorder.clone())];
    let clients = Clients::new(moto.sdk_config().await, &opts);
    let account = "111122223333";
    let arn = format!("arn:aws:iam::{account}:role/ReadOnly");
    let assumes = || {
        recorder
            .calls()
            .iter()
            .filter(|c| c.1 == "AssumeRole")
            .count()
    };

    // A one-hour session is assumed once and reused.
    let s = RoleSession::new(
        clients.sts(None, account),
        arn.clone(),
        "orgscope-t".into(),
        &opts,
    );
    let a = s.credentials().await.expect("assume");
    let b = s.credentials().await.expect("cached");
    assert_eq!(a.access_key_id(), b.access_key_id());
    assert_eq!(assumes(), 1);

    // A session already inside the renewal margin is renewed before each
    // use, including when an SDK client asks through the provider.
    opts.session_duration = Some(std::time::Duration::from_secs(60));
    let s = RoleSession::new(clients.sts(None, account), arn, "orgscope-t".into(), &opts);
    let c = s.credentials().await.expect("assume");
    let d = s.credentials().await.expect("renew");
    assert_ne!(c.access_key_id(), d.access_key_id());
    assert_eq!(assumes(), 3);
    let ec2 = clients.ec2(account, "us-east-1", Some(s.provider()));
    for _ in 0..2 {
        ec2.describe_vpcs()
            .send()
            .await
            .expect("describe with renewed credentials");
    }
    assert_eq!(assumes(), 5);
}
