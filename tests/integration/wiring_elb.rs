//! Load balancers, listeners and target groups against moto: two member
//! accounts each get an application load balancer (internet-facing in
//! one, internal in the other) in two subnets with a security group, an
//! HTTPS:443 listener forwarding to a target group and an HTTP:80 one
//! redirecting, and three registered instances of which one is then
//! stopped and one terminated; the first also gets a network load
//! balancer forwarding TCP:443 to an `ip` target group. A collection must
//! find exactly that, with its fields and edges, in both accounts, and a
//! failed ELB call must fail its own cell (never pass for complete) while
//! the others stay whole.
//!
//! moto on a terminated target (measured, moto 5.2.5): terminating an
//! instance deregisters it from every target group, and
//! `DescribeTargetHealth` (without a target list, as orgscope asks) no
//! longer lists it — what AWS does once the deregistration delay has
//! passed (during it, AWS lists it as `draining`, reason
//! `Target.DeregistrationInProgress`; the unit tests hold that shape). So
//! the group targets the two other instances and the terminated instance,
//! still listed by `DescribeInstances` as `terminated`, is targeted by
//! nothing. A stopped instance stays registered as `unused`, reason
//! `Target.InvalidState`.

use std::collections::BTreeMap;

use aws_config::SdkConfig;
use aws_credential_types::Credentials;
use aws_sdk_ec2::types as ec2t;
use aws_sdk_elasticloadbalancingv2 as elb;
use elb::types as elbt;
use orgscope::collect::{self, CollectOptions, Hooks, Regions};
use orgscope::model::{CoverageStatus, Edge, Estate, Kind, Rel, Resource, Value, kinds};
use tokio_util::sync::CancellationToken;

use crate::support::moto::{MANAGEMENT_ACCOUNT, Moto};
use crate::support::proxy::{Expiry, Fault, FaultProxy, Match, Rule, Rules};
use crate::support::seed::{self, Content, Seeded, SeededNetwork};

const REGION: &str = "us-east-1";
/// Collected too, with no load balancer: its ELB cells must be ok and empty.
const EMPTY_REGION: &str = "eu-west-1";
const TG_PORT: i32 = 8080;
/// The IAM server certificate of the HTTPS listeners (an IAM ARN: moto then
/// does not look for it in ACM).
const CERT: &str = "server-certificate/web";
const SSL_POLICY: &str = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/// One seeded application load balancer and what hangs off it.
#[derive(Debug, Clone)]
pub(crate) struct SeededAlb {
    pub account: String,
    pub net: SeededNetwork,
    /// Resource parts of the ARNs, as orgscope names them.
    pub lb_id: String,
    pub https_id: String,
    pub http_id: String,
    pub tg_id: String,
    /// Registered, running.
    pub healthy: String,
    /// Registered, then stopped.
    pub stopped: String,
    /// Registered, then terminated.
    pub terminated: String,
}

/// The network load balancer seeded beside the first ALB.
#[derive(Debug, Clone)]
pub(crate) struct SeededNlb {
    lb_id: String,
    listener_id: String,
    tg_id: String,
    target_ip: String,
}

/// Role credentials for a member (moto routes by the key STS handed out);
/// the management account keeps the base credentials.
async fn config_for(conf: &SdkConfig, account: &str) -> SdkConfig {
    if account == MANAGEMENT_ACCOUNT {
        return conf.clone();
    }
    let sts = aws_sdk_sts::Client::new(conf);
    let out = sts
        .assume_role()
        .role_arn(format!(
            "arn:aws:iam::{account}:role/OrganizationAccountAccessRole"
        ))
        .role_session_name("seed")
        .send()
        .await
        .unwrap_or_else(|e| panic!("assume_role {account}: {e:?}"));
    let c = out.credentials().expect("credentials");
    conf.to_builder()
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(Credentials::new(
                c.access_key_id(),
                c.secret_access_key(),
                Some(c.session_token().to_string()),
                None,
                "seed",
            )),
        )
        .build()
}

pub(crate) async fn elb_client(conf: &SdkConfig, account: &str, region: &str) -> elb::Client {
    let member = config_for(conf, account).await;
    let c = elb::config::Builder::from(&member)
        .region(elb::config::Region::new(region.to_string()))
        .build();
    elb::Client::from_conf(c)
}

/// The resource part of an ELB ARN after `TYPE/`.
fn id_of(arn: &str, resource_type: &str) -> String {
    arn.split_once(&format!(":{resource_type}/"))
        .map(|(_, id)| id.to_string())
        .unwrap_or_else(|| panic!("{arn} is not a {resource_type} ARN"))
}

/// Seed `account`/`region` with a VPC (two subnets, the `web` group) and
/// an application load balancer named `web` over it, `scheme`
/// `internet-facing` or `internal`: HTTPS:443 forwarding to target group
/// `web` (HTTP:8080, three instances registered; one then stopped, one
/// terminated), HTTP:80 redirecting to HTTPS. `n` varies the CIDRs.
pub(crate) async fn seed_alb(
    conf: &SdkConfig,
    seeded: &mut Seeded,
    account: &str,
    region: &str,
    scheme: elbt::LoadBalancerSchemeEnum,
    n: u8,
) -> SeededAlb {
    let network_only = Content {
        reservations: 0,
        instances_per_reservation: 0,
        network: true,
        volumes: 0,
    };
    seed::seed_region(conf, seeded, account, region, network_only, n, false).await;
    let net = seeded.networks[&(account.to_string(), region.to_string())].clone();
    let ec2 = seed::ec2_client(conf, account, region).await;
    let run = ec2
        .run_instances()
        .image_id(seed::IMAGE_ID)
        .instance_type(ec2t::InstanceType::T3Micro)
        .min_count(3)
        .max_count(3)
        .subnet_id(&net.subnets[0].0)
        .security_group_ids(&net.sg_id)
        .send()
        .await
        .unwrap_or_else(|e| panic!("run_instances: {e:?}"));
    let ids: Vec<String> = run
        .instances()
        .iter()
        .filter_map(|i| i.instance_id().map(str::to_string))
        .collect();
    assert_eq!(ids.len(), 3);

    let elb = elb_client(conf, account, region).await;
    let tg_arn = elb
        .create_target_group()
        .name("web")
        .protocol(elbt::ProtocolEnum::Http)
        .port(TG_PORT)
        .vpc_id(&net.vpc_id)
        .target_type(elbt::TargetTypeEnum::Instance)
        .health_check_protocol(elbt::ProtocolEnum::Http)
        .health_check_port("traffic-port")
        .health_check_path("/health")
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_target_group: {e:?}"))
        .target_groups()
        .first()
        .and_then(|g| g.target_group_arn())
        .expect("target group ARN")
        .to_string();
    let mut register = elb.register_targets().target_group_arn(&tg_arn);
    for id in &ids {
        register = register.targets(
            elbt::TargetDescription::builder()
                .id(id)
                .port(TG_PORT)
                .build(),
        );
    }
    register
        .send()
        .await
        .unwrap_or_else(|e| panic!("register_targets: {e:?}"));

    let env = if scheme == elbt::LoadBalancerSchemeEnum::Internal {
        "test"
    } else {
        "prod"
    };
    let lb_arn = elb
        .create_load_balancer()
        .name("web")
        .r#type(elbt::LoadBalancerTypeEnum::Application)
        .scheme(scheme)
        .subnets(&net.subnets[0].0)
        .subnets(&net.subnets[1].0)
        .security_groups(&net.sg_id)
        .tags(elbt::Tag::builder().key("env").value(env).build())
        .tags(elbt::Tag::builder().key("owner").value("team-web").build())
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_load_balancer: {e:?}"))
        .load_balancers()
        .first()
        .and_then(|l| l.load_balancer_arn())
        .expect("load balancer ARN")
        .to_string();
    let https = elb
        .create_listener()
        .load_balancer_arn(&lb_arn)
        .protocol(elbt::ProtocolEnum::Https)
        .port(443)
        .ssl_policy(SSL_POLICY)
        .certificates(
            elbt::Certificate::builder()
                .certificate_arn(format!("arn:aws:iam::{account}:{CERT}"))
                .build(),
        )
        .default_actions(
            elbt::Action::builder()
                .r#type(elbt::ActionTypeEnum::Forward)
                .target_group_arn(&tg_arn)
                .build(),
        )
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_listener 443: {e:?}"));
    let http = elb
        .create_listener()
        .load_balancer_arn(&lb_arn)
        .protocol(elbt::ProtocolEnum::Http)
        .port(80)
        .default_actions(
            elbt::Action::builder()
                .r#type(elbt::ActionTypeEnum::Redirect)
                .redirect_config(
                    elbt::RedirectActionConfig::builder()
                        .protocol("HTTPS")
                        .port("443")
                        .status_code(elbt::RedirectActionStatusCodeEnum::Http301)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_listener 80: {e:?}"));
    let listener_id = |out: &elb::operation::create_listener::CreateListenerOutput| {
        id_of(
            out.listeners()
                .first()
                .and_then(|l| l.listener_arn())
                .expect("listener ARN"),
            "listener",
        )
    };

    ec2.stop_instances()
        .instance_ids(&ids[1])
        .send()
        .await
        .unwrap_or_else(|e| panic!("stop_instances: {e:?}"));
    ec2.terminate_instances()
        .instance_ids(&ids[2])
        .send()
        .await
        .unwrap_or_else(|e| panic!("terminate_instances: {e:?}"));

    SeededAlb {
        account: account.to_string(),
        net,
        lb_id: id_of(&lb_arn, "loadbalancer"),
        https_id: listener_id(&https),
        http_id: listener_id(&http),
        tg_id: id_of(&tg_arn, "targetgroup"),
        healthy: ids[0].clone(),
        stopped: ids[1].clone(),
        terminated: ids[2].clone(),
    }
}

/// An internal network load balancer `edge` in the ALB's first subnet,
/// TCP:443 forwarding to target group `edge` of `ip` targets (one address
/// of that subnet).
async fn seed_nlb(conf: &SdkConfig, alb: &SeededAlb, region: &str) -> SeededNlb {
    let elb = elb_client(conf, &alb.account, region).await;
    let tg_arn = elb
        .create_target_group()
        .name("edge")
        .protocol(elbt::ProtocolEnum::Tcp)
        .port(443)
        .vpc_id(&alb.net.vpc_id)
        .target_type(elbt::TargetTypeEnum::Ip)
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_target_group edge: {e:?}"))
        .target_groups()
        .first()
        .and_then(|g| g.target_group_arn())
        .expect("target group ARN")
        .to_string();
    // An address in the first subnet (10.N.0.0/24).
    let target_ip = alb.net.subnets[0].1.replace(".0/24", ".10").to_string();
    elb.register_targets()
        .target_group_arn(&tg_arn)
        .targets(
            elbt::TargetDescription::builder()
                .id(&target_ip)
                .port(443)
                .build(),
        )
        .send()
        .await
        .unwrap_or_else(|e| panic!("register_targets edge: {e:?}"));
    let lb_arn = elb
        .create_load_balancer()
        .name("edge")
        .r#type(elbt::LoadBalancerTypeEnum::Network)
        .scheme(elbt::LoadBalancerSchemeEnum::Internal)
        .subnets(&alb.net.subnets[0].0)
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_load_balancer edge: {e:?}"))
        .load_balancers()
        .first()
        .and_then(|l| l.load_balancer_arn())
        .expect("load balancer ARN")
        .to_string();
    let listener = elb
        .create_listener()
        .load_balancer_arn(&lb_arn)
        .protocol(elbt::ProtocolEnum::Tcp)
        .port(443)
        .default_actions(
            elbt::Action::builder()
                .r#type(elbt::ActionTypeEnum::Forward)
                .target_group_arn(&tg_arn)
                .build(),
        )
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_listener edge: {e:?}"));
    SeededNlb {
        lb_id: id_of(&lb_arn, "loadbalancer"),
        listener_id: id_of(
            listener
                .listeners()
                .first()
                .and_then(|l| l.listener_arn())
                .expect("listener ARN"),
            "listener",
        ),
        tg_id: id_of(&tg_arn, "targetgroup"),
        target_ip,
    }
}

/// An organization with members `web-prod` (internet-facing ALB and the
/// NLB) and `web-test` (internal ALB).
pub(crate) async fn seeded_estate(conf: &SdkConfig) -> (Seeded, SeededAlb, SeededNlb, SeededAlb) {
    let mut seeded = seed::empty_org(conf).await;
    let org = aws_sdk_organizations::Client::new(conf);
    let mut members = Vec::new();
    for name in ["web-prod", "web-test"] {
        members.push(
            seed::create_account(&org, &mut seeded, name, "Workloads", BTreeMap::new()).await,
        );
    }
    let prod = seed_alb(
        conf,
        &mut seeded,
        &members[0],
        REGION,
        elbt::LoadBalancerSchemeEnum::InternetFacing,
        1,
    )
    .await;
    let nlb = seed_nlb(conf, &prod, REGION).await;
    let test = seed_alb(
        conf,
        &mut seeded,
        &members[1],
        REGION,
        elbt::LoadBalancerSchemeEnum::Internal,
        2,
    )
    .await;
    (seeded, prod, nlb, test)
}

fn options(base: SdkConfig) -> CollectOptions {
    CollectOptions {
        regions: Regions::List(vec![REGION.into(), EMPTY_REGION.into()]),
        initial_backoff: std::time::Duration::from_millis(1),
        hooks: Hooks {
            base_config: Some(base),
            interceptors: Vec::new(),
        },
        ..CollectOptions::default()
    }
}

async fn run(opts: CollectOptions) -> Estate {
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    collect::collect(opts, tx, CancellationToken::new())
        .await
        .expect("collect")
}

fn of_kind<'a>(estate: &'a Estate, account: &str, kind: Kind) -> Vec<&'a Resource> {
    estate
        .resources
        .iter()
        .filter(|r| r.account_id == account && r.kind == kind)
        .collect()
}

fn one<'a>(estate: &'a Estate, account: &str, kind: Kind, id: &str) -> &'a Resource {
    estate
        .resources
        .iter()
        .find(|r| r.account_id == account && r.kind == kind && r.id == id)
        .unwrap_or_else(|| panic!("no {kind} {id} in {account}"))
}

/// The ALB and its listeners and web target group as collected, against
/// what was seeded.
fn assert_alb(estate: &Estate, alb: &SeededAlb, scheme: &str) {
    let at = alb.account.as_str();
    let lb = one(estate, at, kinds::LOAD_BALANCER, &alb.lb_id);
    assert_eq!(lb.region, REGION);
    assert_eq!(lb.name.as_deref(), Some("web"));
    assert!(lb.id.starts_with("app/web/"), "{}", lb.id);
    assert!(
        lb.arn()
            .ends_with(&format!(":{at}:loadbalancer/{}", alb.lb_id))
    );
    assert_eq!(lb.text("lb_type"), Some("application"));
    assert_eq!(lb.text("scheme"), Some(scheme));
    assert_eq!(lb.text("state"), Some("active"));
    assert_eq!(lb.text("ip_address_type"), Some("ipv4"));
    assert!(
        lb.text("dns_name").is_some_and(|d| d.contains("web")),
        "{:?}",
        lb.get("dns_name")
    );
    let env = if scheme == "internal" { "test" } else { "prod" };
    assert_eq!(lb.tags.get("env").map(String::as_str), Some(env));
    assert_eq!(lb.tags.get("owner").map(String::as_str), Some("team-web"));
    let mut subnets: Vec<Edge> = alb
        .net
        .subnets
        .iter()
        .map(|(id, _, _)| Edge::new(Rel::InSubnet, kinds::SUBNET, id))
        .collect();
    subnets.sort();
    let mut want = vec![Edge::new(Rel::InVpc, kinds::VPC, &alb.net.vpc_id)];
    want.extend(subnets);
    want.push(Edge::new(
        Rel::MemberOf,
        kinds::SECURITY_GROUP,
        &alb.net.sg_id,
    ));
    assert_eq!(lb.relations, want, "{at}: load balancer edges");
    // The far ends are collected resources of the same account.
    for e in &lb.relations {
        one(estate, at, e.kind.expect("kind"), &e.to);
    }

    let https = one(estate, at, kinds::LISTENER, &alb.https_id);
    assert_eq!(https.name.as_deref(), Some("HTTPS:443"));
    assert_eq!(https.text("protocol"), Some("HTTPS"));
    assert_eq!(https.get("port"), Some(&Value::Number(443)));
    assert_eq!(https.text("ssl_policy"), Some(SSL_POLICY));
    assert_eq!(https.text("action"), Some("forward"));
    assert_eq!(
        https.relations,
        vec![
            Edge::new(Rel::AttachedTo, kinds::LOAD_BALANCER, &alb.lb_id).attr("port", "443"),
            Edge::new(Rel::Targets, kinds::TARGET_GROUP, &alb.tg_id),
        ],
        "{at}: HTTPS listener edges"
    );
    assert!(https.id.starts_with(&format!("{}/", alb.lb_id)));
    let http = one(estate, at, kinds::LISTENER, &alb.http_id);
    assert_eq!(http.text("protocol"), Some("HTTP"));
    assert_eq!(http.get("port"), Some(&Value::Number(80)));
    assert_eq!(http.text("action"), Some("redirect"));
    assert_eq!(
        http.relations,
        vec![Edge::new(Rel::AttachedTo, kinds::LOAD_BALANCER, &alb.lb_id).attr("port", "80")],
        "{at}: a redirect targets no group"
    );

    let tg = one(estate, at, kinds::TARGET_GROUP, &alb.tg_id);
    assert_eq!(tg.name.as_deref(), Some("web"));
    assert_eq!(tg.text("protocol"), Some("HTTP"));
    assert_eq!(tg.get("port"), Some(&Value::Number(i64::from(TG_PORT))));
    assert_eq!(tg.text("target_type"), Some("instance"));
    assert_eq!(tg.text("health_check_protocol"), Some("HTTP"));
    assert_eq!(tg.text("health_check_port"), Some("traffic-port"));
    assert_eq!(tg.text("health_check_path"), Some("/health"));
    assert_eq!(tg.get("healthy"), Some(&Value::Number(1)));
    let target = |id: &str, health: &str| {
        Edge::new(Rel::Targets, kinds::INSTANCE, id)
            .attr("port", TG_PORT.to_string())
            .attr("health", health)
    };
    let mut targets = vec![
        target(&alb.healthy, "healthy"),
        target(&alb.stopped, "unused").attr("reason", "Target.InvalidState"),
    ];
    targets.sort();
    let mut want = vec![
        Edge::new(Rel::InVpc, kinds::VPC, &alb.net.vpc_id),
        Edge::new(Rel::AttachedTo, kinds::LOAD_BALANCER, &alb.lb_id),
    ];
    want.extend(targets);
    assert_eq!(tg.relations, want, "{at}: target group edges");

    // The instances at the far ends, as they are now.
    let state = |id: &str| one(estate, at, kinds::INSTANCE, id).text("state");
    assert_eq!(state(&alb.healthy), Some("running"));
    assert_eq!(state(&alb.stopped), Some("stopped"));
    // The terminated instance is still listed, and nothing targets it.
    assert_eq!(state(&alb.terminated), Some("terminated"));
    let targeting_terminated = estate
        .resources
        .iter()
        .flat_map(|r| r.edges(Rel::Targets))
        .filter(|e| e.to == alb.terminated)
        .count();
    assert_eq!(targeting_terminated, 0);
}

fn elb_cells(
    estate: &Estate,
) -> BTreeMap<(String, String, String), (CoverageStatus, Option<String>)> {
    estate
        .coverage
        .iter()
        .filter(|c| c.api.as_str().starts_with("elasticloadbalancing:"))
        .map(|c| {
            (
                (
                    c.account_id.clone(),
                    c.region.as_str().to_string(),
                    c.api.as_str().to_string(),
                ),
                (c.status, c.code.clone()),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_balancers_listeners_and_target_groups_are_collected_and_wired() {
    let moto = Moto::start();
    let conf = moto.sdk_config().await;
    let (seeded, prod, nlb, test) = seeded_estate(&conf).await;
    let estate = run(options(conf.clone())).await;
    assert!(!estate.is_partial(), "{:?}", estate.coverage);

    // One ok cell per ELB API, account and region, the empty ones too.
    let cells = elb_cells(&estate);
    assert_eq!(cells.len(), seeded.accounts.len() * 2 * 3);
    assert!(
        cells.values().all(|(s, _)| *s == CoverageStatus::Ok),
        "{cells:?}"
    );

    let count = |account: &str, kind: Kind| of_kind(&estate, account, kind).len();
    for (alb, lbs, listeners, groups) in [(&prod, 2, 3, 2), (&test, 1, 2, 1)] {
        let a = alb.account.as_str();
        assert_eq!(count(a, kinds::LOAD_BALANCER), lbs, "{a}");
        assert_eq!(count(a, kinds::LISTENER), listeners, "{a}");
        assert_eq!(count(a, kinds::TARGET_GROUP), groups, "{a}");
        let elsewhere = estate
            .resources
            .iter()
            .filter(|r| r.account_id == a && r.region != REGION)
            .filter(|r| {
                [kinds::LOAD_BALANCER, kinds::LISTENER, kinds::TARGET_GROUP].contains(&r.kind)
            })
            .count();
        assert_eq!(elsewhere, 0, "{a}: nothing was seeded in {EMPTY_REGION}");
    }
    for kind in [kinds::LOAD_BALANCER, kinds::LISTENER, kinds::TARGET_GROUP] {
        assert_eq!(count(MANAGEMENT_ACCOUNT, kind), 0);
    }
    assert_alb(&estate, &prod, "internet-facing");
    assert_alb(&estate, &test, "internal");

    // The NLB: no security group, one subnet; its group targets an
    // address, which has no kind. (moto gives its TCP listener an SSL
    // policy, which AWS would not: not asserted.)
    let at = prod.account.as_str();
    let lb = one(&estate, at, kinds::LOAD_BALANCER, &nlb.lb_id);
    // moto writes `app/` into every load balancer's ARN (AWS: `net/` for a
    // network one); the id is whatever the ARN says.
    assert!(lb.id.contains("/edge/"), "{}", lb.id);
    assert_eq!(lb.text("lb_type"), Some("network"));
    assert_eq!(lb.text("scheme"), Some("internal"));
    assert_eq!(
        lb.relations,
        vec![
            Edge::new(Rel::InVpc, kinds::VPC, &prod.net.vpc_id),
            Edge::new(Rel::InSubnet, kinds::SUBNET, &prod.net.subnets[0].0),
        ]
    );
    let l = one(&estate, at, kinds::LISTENER, &nlb.listener_id);
    assert_eq!(l.text("protocol"), Some("TCP"));
    assert_eq!(l.get("port"), Some(&Value::Number(443)));
    assert_eq!(
        l.relations,
        vec![
            Edge::new(Rel::AttachedTo, kinds::LOAD_BALANCER, &nlb.lb_id).attr("port", "443"),
            Edge::new(Rel::Targets, kinds::TARGET_GROUP, &nlb.tg_id),
        ]
    );
    let tg = one(&estate, at, kinds::TARGET_GROUP, &nlb.tg_id);
    assert_eq!(tg.text("target_type"), Some("ip"));
    assert_eq!(tg.text("protocol"), Some("TCP"));
    let targets: Vec<&Edge> = tg.edges(Rel::Targets).collect();
    assert_eq!(targets.len(), 1);
    assert_eq!(
        (targets[0].to.as_str(), targets[0].kind),
        (nlb.target_ip.as_str(), None)
    );
    assert_eq!(
        targets[0].attrs.get("port").map(String::as_str),
        Some("443")
    );
    assert!(targets[0].attrs.contains_key("health"), "{:?}", targets[0]);
    assert_eq!(tg.first(Rel::AttachedTo), Some(nlb.lb_id.as_str()));

    // moto pages DescribeLoadBalancers by PageSize (with a Marker): one
    // load balancer a page must find exactly the same.
    let mut paged = options(conf.clone());
    paged.page_size = 1;
    let again = run(paged).await;
    assert!(!again.is_partial(), "{:?}", again.coverage);
    let elb_of = |e: &Estate| -> Vec<Resource> {
        let mut rs: Vec<Resource> = e
            .resources
            .iter()
            .filter(|r| {
                [kinds::LOAD_BALANCER, kinds::LISTENER, kinds::TARGET_GROUP].contains(&r.kind)
            })
            .cloned()
            .collect();
        rs.sort_by(|a, b| (&a.account_id, a.kind, &a.id).cmp(&(&b.account_id, b.kind, &b.id)));
        rs
    };
    assert_eq!(elb_of(&again), elb_of(&estate));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_elb_call_fails_its_own_cell_and_no_other() {
    let moto = Moto::start();
    let (_seeded, prod, _nlb, test) = seeded_estate(&moto.sdk_config().await).await;
    let proxy = FaultProxy::start(&moto.endpoint(), Rules::none())
        .await
        .expect("proxy");
    let base = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(proxy.endpoint())
        .region(aws_config::Region::new(REGION))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
        .load()
        .await;
    let baseline = run(options(base.clone())).await;
    assert!(!baseline.is_partial(), "{:?}", baseline.coverage);
    let denied = |action: &str| {
        Rule::new(
            Match::any()
                .action(&format!("elasticloadbalancing:{action}"))
                .account(&prod.account)
                .region(REGION),
            Fault::error(
                403,
                "AccessDenied",
                &format!("not authorized to perform: elasticloadbalancing:{action}"),
            ),
        )
    };
    // Which call fails in web-prod, and which of its us-east-1 cells that
    // must fail: the rest of the estate stays exactly as the baseline.
    let cases: [(&str, &[&str]); 4] = [
        // Target health is part of the target group cell.
        ("DescribeTargetHealth", &["DescribeTargetGroups"]),
        // Tags are part of the load balancer cell.
        ("DescribeTags", &["DescribeLoadBalancers"]),
        ("DescribeListeners", &["DescribeListeners"]),
        // Without load balancers, no listener can be asked for.
        (
            "DescribeLoadBalancers",
            &["DescribeLoadBalancers", "DescribeListeners"],
        ),
    ];
    for (action, failing) in cases {
        proxy.set_rules(Rules::none().with(denied(action)));
        let e = run(options(base.clone())).await;
        for ((account, region, api), (status, code)) in elb_cells(&e) {
            let api_name = api.trim_start_matches("elasticloadbalancing:");
            let hit = account == prod.account && region == REGION && failing.contains(&api_name);
            if hit {
                assert_eq!(
                    (status, code.as_deref()),
                    (CoverageStatus::Denied, Some("AccessDenied")),
                    "{action} denied: {api} of {account} must say so"
                );
            } else {
                assert_eq!(
                    status,
                    CoverageStatus::Ok,
                    "{action} denied: {account} {region} {api}"
                );
            }
        }
        // Nothing of a failed cell is kept; everything else is.
        let kept = |estate: &Estate, kind: Kind, account: &str| -> Vec<String> {
            let mut ids: Vec<String> = of_kind(estate, account, kind)
                .into_iter()
                .map(|r| r.id.clone())
                .collect();
            ids.sort();
            ids
        };
        for kind in [kinds::LOAD_BALANCER, kinds::LISTENER, kinds::TARGET_GROUP] {
            let api_name = kind.def().api.trim_start_matches("elasticloadbalancing:");
            let got = kept(&e, kind, &prod.account);
            if failing.contains(&api_name) {
                assert!(got.is_empty(), "{action} denied: {kind} kept {got:?}");
            } else {
                assert_eq!(
                    got,
                    kept(&baseline, kind, &prod.account),
                    "{action}: {kind}"
                );
            }
            assert_eq!(
                kept(&e, kind, &test.account),
                kept(&baseline, kind, &test.account),
                "{action} denied in web-prod touched web-test's {kind}"
            );
        }
        assert!(e.is_partial());
    }

    // Member sessions that expire after 8 requests, in one region: the
    // first requests of a region (EC2's describes, DescribeLoadBalancers,
    // DescribeTargetGroups) use them up, so the ELB calls that wait for
    // those answers (tags, listeners, target health) are refused as
    // expired, and must be redone with a fresh session, losing nothing.
    proxy.set_rules(Rules::none().expire(Expiry {
        after_requests: Some(8),
        ..Expiry::default()
    }));
    proxy.reset_counters();
    let mut opts = options(base.clone());
    opts.regions = Regions::List(vec![REGION.into()]);
    let e = run(opts).await;
    assert!(
        proxy.injected().contains_key("ExpiredToken"),
        "{:?}",
        proxy.injected()
    );
    assert!(!e.is_partial(), "{:?}", e.coverage);
    for account in [&prod.account, &test.account] {
        for kind in [kinds::LOAD_BALANCER, kinds::LISTENER, kinds::TARGET_GROUP] {
            assert_eq!(
                of_kind(&e, account, kind).len(),
                of_kind(&baseline, account, kind).len(),
                "{account} {kind} after renewals"
            );
        }
    }
}
