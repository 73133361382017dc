//! Wiring drift between prod and test, planted in moto, collected by
//! orgscope and found by the diff: the drifts the wiring issue names, end
//! to end through the real collectors rather than on hand-built estates
//! (those are `orgscope-core`'s `diff/wiring_tests.rs`).
//!
//! `web-prod` and `web-test` each get the load balancer estate of
//! `wiring_elb.rs` (prod's ALB internet-facing, test's internal; prod also
//! has an NLB), then here an internet gateway each, a NAT gateway in prod
//! only, a `private` route table whose default route goes through the NAT
//! in prod and straight to the internet gateway in test, a peering in prod
//! only, and a health check path changed in test.

use aws_sdk_ec2::types as ec2t;
use orgscope::collect::{CollectOptions, Hooks, Regions};
use orgscope::diff::{DiffEntry, DiffOptions, EntryStatus, diff};
use orgscope::model::{Estate, Kind, kinds};

use crate::collect::run;
use crate::support::moto::Moto;
use crate::support::seed;
use crate::wiring_ec2::seeding::{route, route_table};
use crate::wiring_elb::{SeededAlb, elb_client, seeded_estate};

const REGION: &str = "us-east-1";

/// Plant the EC2 side of the drift in one account: an internet gateway,
/// and a `private` table whose default route goes through a new NAT
/// gateway (`nat`) or straight to the internet gateway. Returns the VPC
/// peering's id when `peer` asks for one (to the account's default VPC).
async fn wire(
    conf: &aws_config::SdkConfig,
    alb: &SeededAlb,
    nat: bool,
    peer: bool,
) -> Option<String> {
    let ec2 = seed::ec2_client(conf, &alb.account, REGION).await;
    let vpc = alb.net.vpc_id.as_str();
    let igw = ec2
        .create_internet_gateway()
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_internet_gateway: {e:?}"))
        .internet_gateway()
        .and_then(|g| g.internet_gateway_id())
        .expect("igw id")
        .to_string();
    ec2.attach_internet_gateway()
        .internet_gateway_id(&igw)
        .vpc_id(vpc)
        .send()
        .await
        .unwrap_or_else(|e| panic!("attach_internet_gateway: {e:?}"));
    // The private subnet's table: 0.0.0.0/0 through a NAT gateway in prod,
    // straight to the internet gateway in test.
    let table = route_table(&ec2, vpc, &alb.net.subnets[1].0, "private").await;
    let nat_id = if nat {
        let eip = ec2
            .allocate_address()
            .domain(ec2t::DomainType::Vpc)
            .send()
            .await
            .unwrap_or_else(|e| panic!("allocate_address: {e:?}"))
            .allocation_id()
            .expect("allocation id")
            .to_string();
        let nat_id = ec2
            .create_nat_gateway()
            .subnet_id(&alb.net.subnets[0].0)
            .allocation_id(eip)
            .tag_specifications(seed::tag_spec(
                ec2t::ResourceType::Natgateway,
                &[("Name", "web-prod-nat")],
            ))
            .send()
            .await
            .unwrap_or_else(|e| panic!("create_nat_gateway: {e:?}"))
            .nat_gateway()
            .and_then(|n| n.nat_gateway_id())
            .expect("nat id")
            .to_string();
        Some(nat_id)
    } else {
        None
    };
    route(&ec2, &table, "0.0.0.0/0", |r| match nat_id {
        Some(nat) => r.nat_gateway_id(nat),
        None => r.gateway_id(&igw),
    })
    .await;
    if !peer {
        return None;
    }
    let default_vpc = ec2
        .describe_vpcs()
        .filters(
            ec2t::Filter::builder()
                .name("is-default")
                .values("true")
                .build(),
        )
        .send()
        .await
        .unwrap_or_else(|e| panic!("describe_vpcs: {e:?}"))
        .vpcs()
        .first()
        .and_then(|v| v.vpc_id())
        .expect("moto's default VPC")
        .to_string();
    let pcx = ec2
        .create_vpc_peering_connection()
        .vpc_id(vpc)
        .peer_vpc_id(default_vpc)
        .tag_specifications(seed::tag_spec(
            ec2t::ResourceType::VpcPeeringConnection,
            &[("Name", "web-prod-to-shared")],
        ))
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_vpc_peering_connection: {e:?}"))
        .vpc_peering_connection()
        .and_then(|p| p.vpc_peering_connection_id())
        .expect("pcx id")
        .to_string();
    Some(pcx)
}

/// The one entry of `kind` whose key's last part (the resource's own,
/// normalised name) contains `name`.
fn entry<'a>(entries: &'a [&DiffEntry], kind: Kind, name: &str) -> &'a DiffEntry {
    let found: Vec<&&DiffEntry> = entries
        .iter()
        .filter(|e| e.rtype == kind)
        .filter(|e| {
            e.key
                .rsplit('/')
                .next()
                .is_some_and(|last| last.contains(name))
        })
        .collect();
    assert_eq!(found.len(), 1, "{kind} {name}: {entries:#?}");
    found[0]
}

fn change<'a>(e: &'a DiffEntry, field: &str) -> Vec<(Option<&'a str>, Option<&'a str>)> {
    e.changes
        .iter()
        .filter(|c| c.field == field)
        .map(|c| (c.left.as_deref(), c.right.as_deref()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prod_and_test_wiring_drift_planted_in_moto_is_reported() {
    let moto = Moto::start();
    let conf = moto.sdk_config().await;
    let (_seeded, prod, _nlb, test) = seeded_estate(&conf).await;
    let pcx = wire(&conf, &prod, true, true).await.expect("prod peering");
    wire(&conf, &test, false, false).await;
    let tg_arn = format!(
        "arn:aws:elasticloadbalancing:{REGION}:{}:targetgroup/{}",
        test.account, test.tg_id
    );
    elb_client(&conf, &test.account, REGION)
        .await
        .modify_target_group()
        .target_group_arn(tg_arn)
        .health_check_path("/healthz")
        .send()
        .await
        .unwrap_or_else(|e| panic!("modify_target_group: {e:?}"));

    let opts = CollectOptions {
        regions: Regions::List(vec![REGION.to_string()]),
        hooks: Hooks {
            base_config: Some(conf.clone()),
            interceptors: Vec::new(),
        },
        ..CollectOptions::default()
    };
    let (estate, _) = run(opts).await;
    assert!(!estate.is_partial(), "{:?}", estate.coverage);
    let side = |e: &Estate, account: &str| -> Vec<usize> {
        (0..e.resources.len())
            .filter(|&i| e.resources[i].account_id == account)
            .collect()
    };
    let rep = diff(
        &estate,
        &side(&estate, &prod.account),
        &estate,
        &side(&estate, &test.account),
        &DiffOptions::default(),
    );
    let drift: Vec<&DiffEntry> = rep
        .entries
        .iter()
        .filter(|e| e.status != EntryStatus::Same)
        .collect();

    // 1. The default route: through the NAT in prod, to the gateway in test.
    let table = entry(&drift, kinds::ROUTE_TABLE, "private");
    assert_eq!(table.status, EntryStatus::Changed);
    // The NAT reads by its normalised name (`web-prod-nat` → `web-nat`).
    // (The VPCs' CIDRs differ too, so their `local` routes do as well.)
    assert!(
        change(table, "routes").contains(&(
            Some("0.0.0.0/0 → nat_gateway web-nat"),
            Some("0.0.0.0/0 → internet_gateway")
        )),
        "{table:#?}"
    );
    // The NAT gateway itself exists in prod only.
    let nat = entry(&drift, kinds::NAT_GATEWAY, "nat");
    assert_eq!(nat.status, EntryStatus::OnlyLeft);

    // 2. The peering, in prod only.
    let peering = entry(&drift, kinds::VPC_PEERING_CONNECTION, "shared");
    assert_eq!(peering.status, EntryStatus::OnlyLeft);
    let left = peering.left.map(|i| estate.resources[i].id.as_str());
    assert_eq!(left, Some(pcx.as_str()));

    // 3. The ALB: internet-facing in prod, internal in test.
    let lb = entry(&drift, kinds::LOAD_BALANCER, "web");
    assert_eq!(lb.status, EntryStatus::Changed);
    assert_eq!(
        change(lb, "scheme"),
        [(Some("internet-facing"), Some("internal"))]
    );

    // 4. The target group's health check path.
    let tg = entry(&drift, kinds::TARGET_GROUP, "web");
    assert_eq!(
        change(tg, "health_check_path"),
        [(Some("/health"), Some("/healthz"))]
    );

    // Each side's internet gateway pairs with the other's (keyed under the
    // VPC, not by id): no drift there.
    assert!(
        !drift.iter().any(|e| e.rtype == kinds::INTERNET_GATEWAY),
        "{drift:#?}"
    );
}
