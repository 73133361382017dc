//! How an estate is wired, collected from moto: gateways, NAT gateways,
//! route tables and their routes, VPC endpoints, peerings across accounts
//! and regions, and a Transit Gateway with its route tables and an
//! attachment, seeded in two member accounts (see `wiring_ec2/seeding.rs`)
//! and checked kind by kind, field by field and edge by edge against what
//! was seeded, in both accounts.
//!
//! moto cannot serve a Transit Gateway attachment from another account.
//! That shape is covered twice: by the conversion's unit test
//! (`orgscope-aws`, `ec2/transit_gateway_attachment.rs`, with the gateway
//! owner, the VPC owner and the collecting account all different) and, end
//! to end, by [`a_cross_account_tgw_attachment_is_read_from_a_recorded_answer`]
//! here: the fault proxy answers `DescribeTransitGatewayAttachments` with
//! a recorded AWS-shaped XML response (written from the API reference's
//! response shape) naming the other account's gateway or VPC.

use std::collections::BTreeMap;

use orgscope::collect::{CollectOptions, Hooks, Regions};
use orgscope::model::{CoverageStatus, Edge, Estate, Kind, Rel, Resource, Value, kinds};

use crate::collect::{counts, options, run};
use crate::support::moto::{ACCESS_KEY, MANAGEMENT_ACCOUNT, Moto, REGION};
use crate::support::proxy::{Fault, FaultProxy, Match, Rule, Rules};
use crate::support::seed::{self, Seeded};

pub(crate) mod seeding;

use seeding::{ASN, ENI_CIDR, FAR, HOME, Net, TGW_CIDR, VGW_CIDR, Wiring};

/// The estate's resources in one account-region.
fn here<'a>(estate: &'a Estate, account: &str, region: &str) -> Vec<&'a Resource> {
    estate
        .resources
        .iter()
        .filter(|r| r.account_id == account && r.region == region)
        .collect()
}

/// The resource `id` of `kind` in an account-region, or a panic naming it.
fn find<'a>(estate: &'a Estate, account: &str, region: &str, kind: Kind, id: &str) -> &'a Resource {
    estate
        .resources
        .iter()
        .find(|r| r.account_id == account && r.region == region && r.kind == kind && r.id == id)
        .unwrap_or_else(|| panic!("{kind} {id} not collected in {account} {region}"))
}

/// (kind, to, account, region) of every edge of `rel`.
type End = (Option<Kind>, String, Option<String>, Option<String>);

fn ends(r: &Resource, rel: Rel) -> Vec<End> {
    r.edges(rel)
        .map(|e| (e.kind, e.to.clone(), e.account_id.clone(), e.region.clone()))
        .collect()
}

fn end(kind: Kind, to: &str) -> End {
    (Some(kind), to.to_string(), None, None)
}

/// (destination, kind, to, state) of every route of a table.
fn routes(r: &Resource) -> Vec<(String, Option<Kind>, String, String)> {
    let mut out: Vec<_> = r
        .edges(Rel::RoutesTo)
        .map(|e| {
            (
                e.attrs.get("destination").cloned().unwrap_or_default(),
                e.kind,
                e.to.clone(),
                e.attrs.get("state").cloned().unwrap_or_default(),
            )
        })
        .collect();
    out.sort();
    out
}

/// Does an edge's far end exist in the estate (kind, id, in the edge's
/// account and region or the near end's)?
fn resolves(estate: &Estate, near: &Resource, e: &Edge) -> bool {
    let account = e.account_id.as_deref().unwrap_or(&near.account_id);
    let region = e.region.as_deref().unwrap_or(&near.region);
    estate.resources.iter().any(|r| {
        Some(r.kind) == e.kind && r.id == e.to && r.account_id == account && r.region == region
    })
}

/// The kinds this test is about.
const WIRING: [Kind; 9] = [
    kinds::INTERNET_GATEWAY,
    kinds::EGRESS_ONLY_INTERNET_GATEWAY,
    kinds::NAT_GATEWAY,
    kinds::ROUTE_TABLE,
    kinds::VPC_ENDPOINT,
    kinds::VPC_PEERING_CONNECTION,
    kinds::TRANSIT_GATEWAY,
    kinds::TRANSIT_GATEWAY_ATTACHMENT,
    kinds::TRANSIT_GATEWAY_ROUTE_TABLE,
];

/// Seed an organization of the management account and two members
/// (`net-a`, `net-b`) wired as `wiring_ec2/seeding.rs` says.
async fn wired_org(conf: &aws_config::SdkConfig) -> (Seeded, Wiring) {
    let mut seeded = seed::empty_org(conf).await;
    let org = aws_sdk_organizations::Client::new(conf);
    let a = seed::create_account(&org, &mut seeded, "net-a", "Network", BTreeMap::new()).await;
    let b = seed::create_account(&org, &mut seeded, "net-b", "Network", BTreeMap::new()).await;
    let w = seeding::wiring(conf, &mut seeded, &a, &b).await;
    for region in [HOME, FAR] {
        seed::measure_default_subnets(conf, &mut seeded, region).await;
    }
    (seeded, w)
}

/// One account's network as seeded: gateways, NATs, tables, endpoints.
fn assert_network(estate: &Estate, net: &Net, peer: &Net, pcx: &str, w: &Wiring) {
    let acct = net.account.as_str();
    let get = |kind, id: &str| find(estate, acct, HOME, kind, id);
    let at = format!("{acct} {HOME}");

    let igw = get(kinds::INTERNET_GATEWAY, &net.igw);
    assert_eq!(igw.name.as_deref(), Some("igw"), "{at}");
    // EC2 (and moto) say `available` for an attached internet gateway.
    assert_eq!(igw.text("state"), Some("attached"), "{at}");
    assert_eq!(ends(igw, Rel::InVpc), [end(kinds::VPC, &net.vpc)], "{at}");

    let eigw = get(kinds::EGRESS_ONLY_INTERNET_GATEWAY, &net.eigw);
    assert_eq!(eigw.text("state"), Some("attached"), "{at}");
    assert_eq!(ends(eigw, Rel::InVpc), [end(kinds::VPC, &net.vpc)], "{at}");

    let nat = get(kinds::NAT_GATEWAY, &net.nat);
    assert_eq!(nat.name.as_deref(), Some("nat-public"), "{at}");
    assert_eq!(nat.text("connectivity"), Some("public"), "{at}");
    assert_eq!(nat.text("state"), Some("available"), "{at}");
    assert_eq!(nat.text("public_ip"), Some(net.nat_eip.1.as_str()), "{at}");
    assert!(
        nat.text("private_ip")
            .is_some_and(|ip| ip.parse::<std::net::Ipv4Addr>().is_ok())
    );
    assert_eq!(ends(nat, Rel::InVpc), [end(kinds::VPC, &net.vpc)], "{at}");
    assert_eq!(
        ends(nat, Rel::InSubnet),
        [end(kinds::SUBNET, &net.public_subnet)],
        "{at}"
    );
    assert_eq!(
        ends(nat, Rel::AttachedTo),
        [end(kinds::ELASTIC_IP, &net.nat_eip.0)],
        "{at}"
    );
    // The Elastic IP it holds is collected as itself, on no instance.
    let eip = get(kinds::ELASTIC_IP, &net.nat_eip.0);
    assert_eq!(eip.text("public_ip"), Some(net.nat_eip.1.as_str()), "{at}");
    assert_eq!(eip.first(Rel::AttachedTo), None, "{at}");

    // A private NAT: no public address, no Elastic IP.
    let private = get(kinds::NAT_GATEWAY, &net.private_nat);
    assert_eq!(private.text("connectivity"), Some("private"), "{at}");
    assert_eq!(private.get("public_ip"), Some(&Value::Null), "{at}");
    assert!(private.text("private_ip").is_some(), "{at}");
    assert_eq!(private.edges(Rel::AttachedTo).count(), 0, "{at}");
    assert_eq!(
        ends(private, Rel::InSubnet),
        [end(kinds::SUBNET, &net.private_subnet)]
    );

    // Route tables: the VPC's main one (created with it) serves no
    // subnet explicitly; the public and private ones serve theirs.
    let tables: Vec<&Resource> = here(estate, acct, HOME)
        .into_iter()
        .filter(|r| r.kind == kinds::ROUTE_TABLE && r.first(Rel::InVpc) == Some(net.vpc.as_str()))
        .collect();
    assert_eq!(tables.len(), 3, "{at}");
    let main: Vec<&&Resource> = tables
        .iter()
        .filter(|t| t.get("main") == Some(&Value::Bool(true)))
        .collect();
    assert_eq!(main.len(), 1, "{at}");
    assert_eq!(main[0].edges(Rel::Serves).count(), 0, "{at}");
    let s = |x: &str| x.to_string();
    let local = (
        net.cidr.clone(),
        Some(kinds::VPC),
        net.vpc.clone(),
        s("active"),
    );
    assert_eq!(routes(main[0]), std::slice::from_ref(&local), "{at}");

    let public = get(kinds::ROUTE_TABLE, &net.public_rtb);
    assert_eq!(public.name.as_deref(), Some("public"), "{at}");
    assert_eq!(public.get("main"), Some(&Value::Bool(false)), "{at}");
    assert_eq!(public.get("route_count"), Some(&Value::Number(2)), "{at}");
    assert_eq!(
        ends(public, Rel::Serves),
        [end(kinds::SUBNET, &net.public_subnet)],
        "{at}"
    );
    assert_eq!(
        routes(public),
        [
            (
                s("0.0.0.0/0"),
                Some(kinds::INTERNET_GATEWAY),
                net.igw.clone(),
                s("active")
            ),
            local.clone(),
        ],
        "{at}"
    );

    let private_rtb = get(kinds::ROUTE_TABLE, &net.private_rtb);
    assert_eq!(
        ends(private_rtb, Rel::Serves),
        [end(kinds::SUBNET, &net.private_subnet)]
    );
    // moto routes the S3 prefix list to the gateway endpoint, as EC2 does.
    let prefix_list = private_rtb
        .edges(Rel::RoutesTo)
        .find(|e| e.to == net.s3_endpoint)
        .and_then(|e| e.attrs.get("destination").cloned())
        .unwrap_or_else(|| panic!("{at}: no route to the S3 endpoint"));
    assert!(prefix_list.starts_with("pl-"), "{prefix_list}");
    let mut want = vec![
        (
            s("0.0.0.0/0"),
            Some(kinds::NAT_GATEWAY),
            net.nat.clone(),
            s("active"),
        ),
        (
            s("::/0"),
            Some(kinds::EGRESS_ONLY_INTERNET_GATEWAY),
            net.eigw.clone(),
            s("active"),
        ),
        (
            peer.cidr.clone(),
            Some(kinds::VPC_PEERING_CONNECTION),
            pcx.to_string(),
            s("active"),
        ),
        (
            prefix_list,
            Some(kinds::VPC_ENDPOINT),
            net.s3_endpoint.clone(),
            s("active"),
        ),
        local,
    ];
    if acct == w.a.account {
        want.extend([
            (
                s(TGW_CIDR),
                Some(kinds::TRANSIT_GATEWAY),
                w.tgw.clone(),
                s("active"),
            ),
            // Targets orgscope does not collect: kept, with no kind.
            (s(VGW_CIDR), None, w.vgw.clone(), s("active")),
            (s(ENI_CIDR), None, w.eni.clone(), s("active")),
        ]);
    }
    want.sort();
    assert_eq!(routes(private_rtb), want, "{at}");
    assert_eq!(
        private_rtb.get("route_count"),
        Some(&Value::Number(want.len() as i64)),
        "{at}"
    );

    let s3 = get(kinds::VPC_ENDPOINT, &net.s3_endpoint);
    assert_eq!(s3.name.as_deref(), Some("s3"), "{at}");
    assert_eq!(s3.text("endpoint_type"), Some("Gateway"), "{at}");
    assert_eq!(
        s3.text("service_name"),
        Some("com.amazonaws.us-east-1.s3"),
        "{at}"
    );
    assert_eq!(
        s3.relations,
        vec![Edge::new(Rel::InVpc, kinds::VPC, &net.vpc)],
        "{at}"
    );

    let ssm = get(kinds::VPC_ENDPOINT, &net.ssm_endpoint);
    assert_eq!(ssm.text("endpoint_type"), Some("Interface"), "{at}");
    assert_eq!(
        ssm.text("service_name"),
        Some("com.amazonaws.us-east-1.ssm"),
        "{at}"
    );
    assert_eq!(ssm.get("private_dns"), Some(&Value::Bool(true)), "{at}");
    assert_eq!(
        ssm.relations,
        vec![
            Edge::new(Rel::InVpc, kinds::VPC, &net.vpc),
            Edge::new(Rel::InSubnet, kinds::SUBNET, &net.private_subnet),
            Edge::new(Rel::MemberOf, kinds::SECURITY_GROUP, &net.endpoint_sg.0)
                .named(&net.endpoint_sg.1),
        ],
        "{at}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wiring_of_two_accounts_is_collected_as_seeded() {
    let moto = Moto::start();
    let conf = moto.sdk_config().await;
    let (seeded, w) = wired_org(&conf).await;
    let (a, b) = (w.a.account.clone(), w.b.account.clone());

    let (estate, _) = run(options(&moto, &[HOME, FAR]).await).await;

    // Every cell ok, one per account, region and API, the nine wiring
    // APIs among them.
    assert!(
        !estate.is_partial(),
        "{:?}",
        estate.failed_cells().collect::<Vec<_>>()
    );
    for acct in [MANAGEMENT_ACCOUNT, &a, &b] {
        for region in [HOME, FAR] {
            for kind in WIRING {
                let api = kind.def().api;
                let cells: Vec<_> = estate
                    .coverage
                    .iter()
                    .filter(|c| c.account_id == acct && c.region == region && c.api.as_str() == api)
                    .collect();
                assert_eq!(cells.len(), 1, "{acct} {region} {api}");
                assert_eq!(cells[0].status, CoverageStatus::Ok);
            }
        }
    }

    // Counts per kind: what was seeded plus moto's defaults (a main route
    // table per VPC), in every account-region.
    for acct in [MANAGEMENT_ACCOUNT, &a, &b] {
        for region in [HOME, FAR] {
            assert_eq!(
                counts(&estate, acct, region),
                seeded.expected(acct, region),
                "{acct} {region}"
            );
        }
    }

    assert_network(&estate, &w.a, &w.b, &w.pcx_active, &w);
    assert_network(&estate, &w.b, &w.a, &w.pcx_active, &w);

    // The active peering: both accounts list it under one id, each from
    // its side; the far end's VPC is named with its account.
    let in_a = find(
        &estate,
        &a,
        HOME,
        kinds::VPC_PEERING_CONNECTION,
        &w.pcx_active,
    );
    let in_b = find(
        &estate,
        &b,
        HOME,
        kinds::VPC_PEERING_CONNECTION,
        &w.pcx_active,
    );
    for (p, side) in [(in_a, "requester"), (in_b, "accepter")] {
        assert_eq!(p.text("status"), Some("active"), "{side}");
        assert_eq!(p.text("side"), Some(side));
        assert_eq!(p.text("requester_vpc"), Some(w.a.vpc.as_str()));
        assert_eq!(p.text("requester_account"), Some(a.as_str()));
        assert_eq!(p.text("requester_region"), Some(HOME));
        assert_eq!(p.text("requester_cidr"), Some(w.a.cidr.as_str()));
        assert_eq!(p.text("accepter_vpc"), Some(w.b.vpc.as_str()));
        assert_eq!(p.text("accepter_account"), Some(b.as_str()));
        assert_eq!(p.text("accepter_region"), Some(HOME));
        assert_eq!(p.text("accepter_cidr"), Some(w.b.cidr.as_str()));
    }
    assert_eq!(in_a.name.as_deref(), Some("a-to-b"));
    let peers = |p: &Resource| {
        p.edges(Rel::PeersWith)
            .map(|e| {
                (
                    e.attrs.get("side").cloned().unwrap_or_default(),
                    e.to.clone(),
                    e.account_id.clone(),
                    e.region.clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    let s = |x: &str| x.to_string();
    assert_eq!(
        peers(in_a),
        [
            (s("requester"), w.a.vpc.clone(), None, None),
            (s("accepter"), w.b.vpc.clone(), Some(b.clone()), None),
        ]
    );
    assert_eq!(
        peers(in_b),
        [
            (s("requester"), w.a.vpc.clone(), Some(a.clone()), None),
            (s("accepter"), w.b.vpc.clone(), None, None),
        ]
    );

    // The pending cross-region peering: the far end carries its region.
    let req = find(
        &estate,
        &a,
        HOME,
        kinds::VPC_PEERING_CONNECTION,
        &w.pcx_pending,
    );
    let acc = find(
        &estate,
        &b,
        FAR,
        kinds::VPC_PEERING_CONNECTION,
        &w.pcx_pending,
    );
    for p in [req, acc] {
        assert_eq!(p.text("status"), Some("pending-acceptance"));
        assert_eq!(p.text("accepter_region"), Some(FAR));
    }
    assert_eq!(req.text("side"), Some("requester"));
    assert_eq!(acc.text("side"), Some("accepter"));
    assert_eq!(
        peers(req),
        [
            (s("requester"), w.a.vpc.clone(), None, None),
            (
                s("accepter"),
                w.far_vpc.clone(),
                Some(b.clone()),
                Some(s(FAR))
            ),
        ]
    );
    assert_eq!(
        peers(acc),
        [
            (
                s("requester"),
                w.a.vpc.clone(),
                Some(a.clone()),
                Some(s(HOME))
            ),
            (s("accepter"), w.far_vpc.clone(), None, None),
        ]
    );

    // The deleted peering whose accepter VPC is gone: kept, as deleted,
    // on both sides, still naming the VPC no collection finds.
    for acct in [&a, &b] {
        let p = find(
            &estate,
            acct,
            HOME,
            kinds::VPC_PEERING_CONNECTION,
            &w.pcx_deleted,
        );
        assert_eq!(p.text("status"), Some("deleted"), "{acct}");
        assert_eq!(
            p.text("accepter_vpc"),
            Some(w.deleted_vpc.as_str()),
            "{acct}"
        );
        let gone = p
            .edges(Rel::PeersWith)
            .find(|e| e.to == w.deleted_vpc)
            .unwrap_or_else(|| panic!("{acct}: no edge to the deleted VPC"));
        assert!(
            !resolves(&estate, p, gone),
            "the deleted VPC is not collected"
        );
    }
    assert!(!estate.resources.iter().any(|r| r.id == w.deleted_vpc));

    // The Transit Gateway, its two route tables and A's attachment.
    let tgw = find(&estate, &a, HOME, kinds::TRANSIT_GATEWAY, &w.tgw);
    assert_eq!(tgw.name.as_deref(), Some("hub"));
    assert_eq!(tgw.text("state"), Some("available"));
    assert_eq!(tgw.get("asn"), Some(&Value::Number(ASN)));
    assert_eq!(tgw.text("owner"), Some(a.as_str()));
    assert_eq!(tgw.text("default_association"), Some("enable"));
    assert_eq!(tgw.text("default_propagation"), Some("enable"));
    assert_eq!(tgw.text("auto_accept"), Some("disable"));
    for (id, default) in [(&w.tgw_default_rtb, true), (&w.tgw_rtb, false)] {
        let t = find(&estate, &a, HOME, kinds::TRANSIT_GATEWAY_ROUTE_TABLE, id);
        assert_eq!(t.text("state"), Some("available"));
        assert_eq!(
            t.get("default_association"),
            Some(&Value::Bool(default)),
            "{id}"
        );
        assert_eq!(
            t.get("default_propagation"),
            Some(&Value::Bool(default)),
            "{id}"
        );
        assert_eq!(
            ends(t, Rel::AttachedTo),
            [end(kinds::TRANSIT_GATEWAY, &w.tgw)]
        );
    }
    let att = find(
        &estate,
        &a,
        HOME,
        kinds::TRANSIT_GATEWAY_ATTACHMENT,
        &w.tgw_attachment,
    );
    assert_eq!(att.name.as_deref(), Some("spoke-a"));
    assert_eq!(att.text("resource_type"), Some("vpc"));
    assert_eq!(att.text("resource_id"), Some(w.a.vpc.as_str()));
    assert_eq!(att.text("resource_owner"), Some(a.as_str()));
    assert_eq!(att.text("tgw_owner"), Some(a.as_str()));
    assert_eq!(att.text("state"), Some("available"));
    assert_eq!(att.text("association_state"), Some("associated"));
    assert_eq!(
        att.relations,
        vec![
            Edge::new(Rel::AttachedTo, kinds::TRANSIT_GATEWAY, &w.tgw),
            Edge::new(Rel::InVpc, kinds::VPC, &w.a.vpc),
        ]
    );

    // Every edge of a wiring resource whose kind orgscope knows leads to a
    // collected resource (in the account and region the edge names), but
    // for the deleted VPC; the ones with no kind are exactly the two
    // uncollected targets.
    let mut unknown = Vec::new();
    for r in estate.resources.iter().filter(|r| WIRING.contains(&r.kind)) {
        for e in &r.relations {
            if e.kind.is_none() {
                unknown.push(e.to.clone());
            } else if e.to != w.deleted_vpc {
                assert!(
                    resolves(&estate, r, e),
                    "{} {}: {e:?} leads nowhere",
                    r.kind,
                    r.id
                );
            }
        }
    }
    unknown.sort();
    let mut want = vec![w.vgw.clone(), w.eni.clone()];
    want.sort();
    assert_eq!(unknown, want);

    // The snapshot carries the new kinds through a round trip unchanged.
    let bytes = orgscope::snapshot::to_vec(&estate).expect("serializes");
    let back =
        orgscope::snapshot::from_slice(&bytes, std::path::Path::new("w.json")).expect("parse");
    assert_eq!(back, estate);
}

/// The recorded answer of `DescribeTransitGatewayAttachments`, in EC2's
/// query-protocol XML as its API reference gives the response: the
/// attachment of a spoke account's VPC to a hub account's Transit
/// Gateway. The hub sees its own tag on it and a VPN attachment besides;
/// the spoke sees the attachment without the hub's tags (tags are per
/// account).
fn recorded_attachments(
    hub: &str,
    spoke: &str,
    tgw: &str,
    vpc: &str,
    rtb: &str,
    hub_view: bool,
) -> String {
    let tags = if hub_view {
        "<tagSet><item><key>Name</key><value>spoke-b</value></item></tagSet>"
    } else {
        "<tagSet/>"
    };
    let vpn = if hub_view {
        format!(
            "<item>\
             <transitGatewayAttachmentId>tgw-attach-0f00000000000vpn</transitGatewayAttachmentId>\
             <transitGatewayId>{tgw}</transitGatewayId>\
             <transitGatewayOwnerId>{hub}</transitGatewayOwnerId>\
             <resourceOwnerId>{hub}</resourceOwnerId>\
             <resourceType>vpn</resourceType>\
             <resourceId>vpn-0123456789abcdef0</resourceId>\
             <state>available</state>\
             <creationTime>2024-03-05T10:21:00.000Z</creationTime>\
             <tagSet/>\
             </item>"
        )
    } else {
        String::new()
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<DescribeTransitGatewayAttachmentsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
    <requestId>2b5f4a0e-8f1b-4f3e-9e0c-1d2c3b4a5f60</requestId>
    <transitGatewayAttachments>
        <item>
            <transitGatewayAttachmentId>tgw-attach-0a1b2c3d4e5f60718</transitGatewayAttachmentId>
            <transitGatewayId>{tgw}</transitGatewayId>
            <transitGatewayOwnerId>{hub}</transitGatewayOwnerId>
            <resourceOwnerId>{spoke}</resourceOwnerId>
            <resourceType>vpc</resourceType>
            <resourceId>{vpc}</resourceId>
            <state>available</state>
            <association>
                <transitGatewayRouteTableId>{rtb}</transitGatewayRouteTableId>
                <state>associated</state>
            </association>
            <creationTime>2024-03-05T10:20:30.000Z</creationTime>
            {tags}
        </item>
        {vpn}
    </transitGatewayAttachments>
</DescribeTransitGatewayAttachmentsResponse>"#
    )
}

/// Collection options through `proxy` (moto's default credentials, the
/// proxy as every service's endpoint).
async fn through(proxy: &FaultProxy, accounts: &[&str]) -> CollectOptions {
    let base = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_types::region::Region::new(REGION))
        .credentials_provider(aws_credential_types::Credentials::new(
            ACCESS_KEY, ACCESS_KEY, None, None, "moto",
        ))
        .endpoint_url(proxy.endpoint())
        .load()
        .await;
    CollectOptions {
        regions: Regions::List(vec![HOME.to_string()]),
        accounts: accounts.iter().map(|a| a.to_string()).collect(),
        hooks: Hooks {
            base_config: Some(base),
            interceptors: Vec::new(),
        },
        ..CollectOptions::default()
    }
}

/// moto cannot attach one account's VPC to another's Transit Gateway, so
/// the proxy answers `DescribeTransitGatewayAttachments` for the hub and
/// the spoke with recorded responses naming the real (moto-seeded)
/// gateway and VPC. Each account's view names the other account's end.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cross_account_tgw_attachment_is_read_from_a_recorded_answer() {
    let moto = Moto::start();
    let conf = moto.sdk_config().await;
    let mut seeded = seed::empty_org(&conf).await;
    let org = aws_sdk_organizations::Client::new(&conf);
    let hub = seed::create_account(&org, &mut seeded, "hub", "Network", BTreeMap::new()).await;
    let spoke =
        seed::create_account(&org, &mut seeded, "spoke", "Workloads", BTreeMap::new()).await;
    let ec2_hub = seed::ec2_client(&conf, &hub, HOME).await;
    let tgw = ec2_hub
        .create_transit_gateway()
        .description("shared hub")
        .send()
        .await
        .expect("create tgw")
        .transit_gateway()
        .cloned()
        .expect("tgw");
    let tgw_id = tgw.transit_gateway_id().expect("tgw id").to_string();
    let rtb = tgw
        .options()
        .and_then(|o| o.association_default_route_table_id())
        .expect("default route table")
        .to_string();
    let ec2_spoke = seed::ec2_client(&conf, &spoke, HOME).await;
    let vpc = ec2_spoke
        .create_vpc()
        .cidr_block("10.50.0.0/16")
        .send()
        .await
        .expect("create vpc")
        .vpc()
        .and_then(|v| v.vpc_id())
        .expect("vpc id")
        .to_string();

    let rule = |account: &str, hub_view: bool| {
        Rule::new(
            Match::any()
                .action("ec2:DescribeTransitGatewayAttachments")
                .account(account)
                .region(HOME),
            Fault::respond(&recorded_attachments(
                &hub, &spoke, &tgw_id, &vpc, &rtb, hub_view,
            )),
        )
    };
    let proxy = FaultProxy::start(
        &moto.endpoint(),
        Rules::none()
            .with(rule(&hub, true))
            .with(rule(&spoke, false)),
    )
    .await
    .expect("proxy");

    let (estate, _) = run(through(&proxy, &["hub", "spoke"]).await).await;
    assert!(
        !estate.is_partial(),
        "{:?}",
        estate.failed_cells().collect::<Vec<_>>()
    );
    // Each account's call was answered from the recording, once.
    assert_eq!(proxy.injected().get("respond"), Some(&2));
    assert_eq!(
        proxy.seen_for(&hub, "ec2:DescribeTransitGatewayAttachments"),
        1
    );
    assert_eq!(
        proxy.seen_for(&spoke, "ec2:DescribeTransitGatewayAttachments"),
        1
    );

    let id = "tgw-attach-0a1b2c3d4e5f60718";
    // The hub's view: its own gateway, the spoke's VPC in the spoke's
    // account; and its VPN attachment, in no VPC.
    let from_hub = find(&estate, &hub, HOME, kinds::TRANSIT_GATEWAY_ATTACHMENT, id);
    assert_eq!(from_hub.name.as_deref(), Some("spoke-b"));
    assert_eq!(from_hub.text("tgw_owner"), Some(hub.as_str()));
    assert_eq!(from_hub.text("resource_owner"), Some(spoke.as_str()));
    assert_eq!(from_hub.text("association_state"), Some("associated"));
    assert_eq!(
        from_hub.relations,
        vec![
            Edge::new(Rel::AttachedTo, kinds::TRANSIT_GATEWAY, &tgw_id),
            Edge::new(Rel::InVpc, kinds::VPC, &vpc).in_account(&spoke),
        ]
    );
    let vpn = find(
        &estate,
        &hub,
        HOME,
        kinds::TRANSIT_GATEWAY_ATTACHMENT,
        "tgw-attach-0f00000000000vpn",
    );
    assert_eq!(vpn.text("resource_type"), Some("vpn"));
    assert_eq!(
        vpn.relations,
        vec![Edge::new(Rel::AttachedTo, kinds::TRANSIT_GATEWAY, &tgw_id)]
    );
    // The spoke's view of the same attachment: the hub's gateway in the
    // hub's account, its own VPC.
    let from_spoke = find(&estate, &spoke, HOME, kinds::TRANSIT_GATEWAY_ATTACHMENT, id);
    assert_eq!(from_spoke.name, None);
    assert_eq!(
        from_spoke.relations,
        vec![
            Edge::new(Rel::AttachedTo, kinds::TRANSIT_GATEWAY, &tgw_id).in_account(&hub),
            Edge::new(Rel::InVpc, kinds::VPC, &vpc),
        ]
    );
    // Both views' edges lead to what was collected: the gateway in the
    // hub, the VPC in the spoke.
    for r in [from_hub, from_spoke] {
        for e in &r.relations {
            assert!(
                resolves(&estate, r, e),
                "{} in {}: {e:?}",
                r.id,
                r.account_id
            );
        }
    }
    assert_eq!(
        here(&estate, &spoke, HOME)
            .iter()
            .filter(|r| r.kind == kinds::TRANSIT_GATEWAY)
            .count(),
        0,
        "the hub's gateway is not shared with the spoke here"
    );
}
