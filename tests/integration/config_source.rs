//! The AWS Config aggregator source against the crawl: an estate with
//! every kind orgscope reads from Config, seeded in moto in two member
//! accounts and two regions (and the management account's defaults), is
//! crawled as today, exported as Config configuration items by
//! `support/config_export.py` (written from AWS's published format, not
//! from orgscope's mappers), served by the fault proxy's Config responder
//! (`support/proxy_config.rs`), and collected again with
//! `--source config-aggregator`. The two estates must be identical apart
//! from provenance — the estate's source and time, each resource's capture
//! time, each cell's source — and from what Config does not record: the
//! kinds `config_item::not_recorded()` names and the fields
//! `config_item::fields_not_recorded()` names, nulled on the crawl's side
//! and required null on the aggregator's. A failure prints every
//! difference, resource by resource and field by field.
//!
//! Around it: throttled queries still give the whole estate; a source
//! that FAILED or is OUTDATED shows as its account-region's cells; more
//! than a page (100) of one type is paged to the end; a kind Config does
//! not record gets `not_recorded` cells; an unknown aggregator fails the
//! run; and the exporter's items have the shape of AWS's own examples.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use aws_config::SdkConfig;
use aws_sdk_elasticloadbalancingv2::types::LoadBalancerSchemeEnum;
use orgscope::collect::config::AggregatorOptions;
use orgscope::collect::{self, CollectOptions, Hooks, Regions, Source};
use orgscope::model::{CONFIG_SOURCE, CoverageStatus, Estate, Kind, Resource, Value, kinds};
use orgscope_core::config_item;
use serde_json::Value as Json;
use tokio_util::sync::CancellationToken;

use crate::support::moto::{self, MANAGEMENT_ACCOUNT, Moto};
use crate::support::proxy::{ConfigAggregator, FaultProxy, Match, Rule, Rules, SourceStatus};
use crate::support::seed::{self, SMALL, Seeded};
use crate::wiring_ec2::seeding::{self as wiring, FAR, HOME};

const AGGREGATOR: &str = "org-aggregator";
const SELECT: &str = "config:SelectAggregateResourceConfig";
const SOURCES: &str = "config:DescribeConfigurationAggregatorSourcesStatus";

// --- running the exporter ---------------------------------------------------

fn exporter() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/integration/support/config_export.py")
}

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/integration/fixtures/config")
}

/// A file path of this test's own under the system's temporary directory.
fn scratch(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "orgscope-config-{}-{name}.json",
        std::process::id()
    ))
}

/// Run the exporter against moto; `check` also compares its shape with
/// AWS's examples. Returns the items, or panics with its stderr.
fn export(moto: &Moto, accounts: &[String], regions: &[&str], check: Option<&Path>) -> Vec<Json> {
    let out = scratch(&format!("{}", moto.port()));
    let mut cmd = std::process::Command::new(moto::venv_python());
    cmd.arg(exporter())
        .arg("--endpoint")
        .arg(moto.endpoint())
        .arg("--out")
        .arg(&out);
    for a in accounts {
        cmd.arg("--account").arg(a);
    }
    for r in regions {
        cmd.arg("--region").arg(r);
    }
    if let Some(dir) = check {
        cmd.arg("--check-fixtures").arg(dir);
    }
    let run = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run the exporter: {e}"));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "config_export.py failed:\n{stderr}");
    let text = std::fs::read_to_string(&out).unwrap_or_else(|e| panic!("no export: {e}"));
    let _ = std::fs::remove_file(&out);
    match serde_json::from_str(&text) {
        Ok(Json::Array(items)) => items,
        _ => panic!("the export is not a JSON list"),
    }
}

// --- collecting -------------------------------------------------------------

fn options(base: SdkConfig, regions: &[&str], source: Source) -> CollectOptions {
    CollectOptions {
        regions: Regions::List(regions.iter().map(|r| r.to_string()).collect()),
        initial_backoff: Duration::from_millis(1),
        source,
        hooks: Hooks {
            base_config: Some(base),
            interceptors: Vec::new(),
        },
        ..CollectOptions::default()
    }
}

fn aggregator() -> Source {
    let mut a = AggregatorOptions::new(AGGREGATOR);
    a.region = Some(moto::REGION.to_string());
    Source::ConfigAggregator(a)
}

async fn run(opts: CollectOptions) -> Result<Estate, String> {
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    collect::collect(opts, tx, CancellationToken::new())
        .await
        .map_err(|e| e.to_string())
}

async fn through(proxy: &FaultProxy) -> SdkConfig {
    proxy_config(proxy.endpoint()).await
}

async fn proxy_config(endpoint: String) -> SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_types::region::Region::new(moto::REGION))
        .credentials_provider(aws_credential_types::Credentials::new(
            moto::ACCESS_KEY,
            moto::ACCESS_KEY,
            None,
            None,
            "moto",
        ))
        .endpoint_url(endpoint)
        .load()
        .await
}

/// Every source of `accounts` × `regions` reporting fine.
fn all_succeeded(accounts: &[String], regions: &[&str]) -> Vec<SourceStatus> {
    accounts
        .iter()
        .flat_map(|a| regions.iter().map(move |r| SourceStatus::succeeded(a, r)))
        .collect()
}

fn active_accounts(seeded: &Seeded) -> Vec<String> {
    seeded
        .accounts
        .iter()
        .filter(|a| a.active)
        .map(|a| a.id.clone())
        .collect()
}

// --- comparing ----------------------------------------------------------------

/// The fields Config does not record, by kind.
fn unrecorded_fields() -> BTreeMap<Kind, BTreeSet<&'static str>> {
    let mut out: BTreeMap<Kind, BTreeSet<&'static str>> = BTreeMap::new();
    for (kind, field) in config_item::fields_not_recorded() {
        let k =
            Kind::parse(kind).unwrap_or_else(|| panic!("fields_not_recorded names kind {kind}"));
        assert!(
            k.def().fields.iter().any(|f| f.name == field),
            "fields_not_recorded names {kind}.{field}, which is no field of it"
        );
        out.entry(k).or_default().insert(field);
    }
    out
}

type Key = (Kind, String, String, String);

fn key(r: &Resource) -> Key {
    (r.kind, r.account_id.clone(), r.region.clone(), r.id.clone())
}

/// What both sources must agree on: resources of the kinds Config
/// records, with the unrecorded fields nulled, provenance removed.
fn comparable(e: &Estate, unrecorded: &BTreeMap<Kind, BTreeSet<&str>>) -> BTreeMap<Key, Resource> {
    let skipped = config_item::not_recorded();
    e.resources
        .iter()
        .filter(|r| !skipped.contains(&r.kind))
        .map(|r| {
            let mut r = r.clone();
            r.captured_at = None;
            if let Some(fields) = unrecorded.get(&r.kind) {
                for (i, def) in r.kind.def().fields.iter().enumerate() {
                    if fields.contains(def.name) {
                        r.fields[i] = Value::Null;
                    }
                }
            }
            r.relations.sort();
            (key(&r), r)
        })
        .collect()
}

/// Fields the crawl cannot read from moto 5.2.5, whose answers there are
/// not AWS's, while the exporter writes them as AWS Config does: the two
/// sides cannot agree against moto, so these are compared only when the
/// crawl has a value. Each names why; none is a gap of Config's.
const MOTO_GAPS: &[(&str, &str, &str)] = &[
    (
        "s3_bucket",
        "versioning",
        "moto answers GetBucketVersioning with the root GetBucketVersioningResponse, which the \
         SDK refuses (storage.rs); the crawl keeps it unknown",
    ),
    (
        "s3_bucket",
        "note",
        "the crawl's note names that refused read",
    ),
    (
        "iam_policy",
        "policy_id",
        "moto's GetAccountAuthorizationDetails leaves PolicyId out",
    ),
    (
        "eks_cluster",
        "endpoint_public_access",
        "moto's DescribeCluster leaves endpointPublicAccess out, which the SDK reads as false",
    ),
    (
        "eks_cluster",
        "endpoint_private_access",
        "moto's DescribeCluster leaves endpointPrivateAccess out, which the SDK reads as false",
    ),
];

/// Whether `field` of `r` is one the two sources cannot agree on here: a
/// moto gap with nothing crawled, or the last use of the role the test
/// itself assumes between the two reads.
fn volatile(r: &Resource, field: &str) -> bool {
    let gap = MOTO_GAPS
        .iter()
        .any(|(k, f, _)| *k == r.kind.as_str() && *f == field);
    let harness_role = r.kind == kinds::IAM_ROLE
        && r.id == format!("role/{}", orgscope::collect::DEFAULT_ROLE_NAME)
        && field == "last_used";
    gap || harness_role
}

/// Every difference between the two sources, one line each:
/// `kind account region id field: crawl … config …`.
fn differences(crawl: &Estate, config: &Estate) -> Vec<String> {
    let unrecorded = unrecorded_fields();
    let a = comparable(crawl, &unrecorded);
    let b = comparable(config, &unrecorded);
    let mut out = Vec::new();
    for (k, r) in &a {
        let at = format!("{} {} {} {}", k.0, k.1, k.2, k.3);
        let Some(s) = b.get(k) else {
            out.push(format!("{at}: crawled, not in the Config estate"));
            continue;
        };
        if r.name != s.name {
            out.push(format!("{at} name: crawl {:?} config {:?}", r.name, s.name));
        }
        if r.tags != s.tags {
            out.push(format!("{at} tags: crawl {:?} config {:?}", r.tags, s.tags));
        }
        for (i, def) in r.kind.def().fields.iter().enumerate() {
            let unread = r.fields[i] == Value::Null || def.name == "note";
            if volatile(r, def.name) && (unread || def.name == "last_used") {
                continue;
            }
            if r.fields[i] != s.fields[i] {
                out.push(format!(
                    "{at} {}: crawl {:?} config {:?}",
                    def.name, r.fields[i], s.fields[i]
                ));
            }
        }
        if r.relations != s.relations {
            let only = |x: &Resource, y: &Resource| -> Vec<String> {
                x.relations
                    .iter()
                    .filter(|e| !y.relations.contains(e))
                    .map(|e| format!("{e:?}"))
                    .collect()
            };
            out.push(format!(
                "{at} relations: crawl only {:?} config only {:?}",
                only(r, s),
                only(s, r)
            ));
        }
    }
    for k in b.keys().filter(|k| !a.contains_key(*k)) {
        out.push(format!(
            "{} {} {} {}: in the Config estate, not crawled",
            k.0, k.1, k.2, k.3
        ));
    }
    // The organization is read from Organizations by both.
    if crawl.accounts != config.accounts {
        out.push("accounts: the two sources read different accounts".to_string());
    }
    if crawl.tree != config.tree {
        out.push("tree: the two sources read different organization trees".to_string());
    }
    out
}

/// Cells (account, region, api) → status, of the kinds Config records,
/// provenance removed.
fn cells(e: &Estate) -> BTreeMap<(String, String, String), CoverageStatus> {
    let skipped: BTreeSet<String> = config_item::not_recorded()
        .into_iter()
        .map(|k| k.def().api.to_string())
        .collect();
    e.coverage
        .iter()
        .filter(|c| !skipped.contains(c.api.as_str()))
        .filter(|c| !c.api.as_str().starts_with("config:"))
        .map(|c| {
            (
                (
                    c.account_id.clone(),
                    c.region.to_string(),
                    c.api.to_string(),
                ),
                c.status,
            )
        })
        .collect()
}

// --- seeding ------------------------------------------------------------------

/// A DB instance and an Aurora cluster with one member, in `account`'s
/// wiring VPC: every RDS kind once.
async fn seed_rds(conf: &SdkConfig, account: &str, subnets: [&str; 2]) {
    let mut b = aws_sdk_rds::config::Builder::from(conf);
    if let Some(c) = seed::member_credentials(conf, account).await {
        b = b.credentials_provider(c);
    }
    let rds = aws_sdk_rds::Client::from_conf(b.build());
    rds.create_db_subnet_group()
        .db_subnet_group_name("cfg-db")
        .db_subnet_group_description("config source")
        .subnet_ids(subnets[0])
        .subnet_ids(subnets[1])
        .send()
        .await
        .expect("create_db_subnet_group");
    rds.create_db_cluster()
        .db_cluster_identifier("cfg-aurora")
        .engine("aurora-postgresql")
        .master_username("admin")
        .master_user_password("not-a-secret-1")
        .db_subnet_group_name("cfg-db")
        .storage_encrypted(true)
        .send()
        .await
        .expect("create_db_cluster");
    for (id, cluster) in [("cfg-aurora-1", Some("cfg-aurora")), ("cfg-pg", None)] {
        let mut req = rds
            .create_db_instance()
            .db_instance_identifier(id)
            .db_instance_class("db.t3.micro")
            .db_subnet_group_name("cfg-db")
            .tags(
                aws_sdk_rds::types::Tag::builder()
                    .key("env")
                    .value("seed")
                    .build(),
            );
        req = match cluster {
            Some(c) => req.engine("aurora-postgresql").db_cluster_identifier(c),
            None => req
                .engine("postgres")
                .allocated_storage(20)
                .master_username("admin")
                .master_user_password("not-a-secret-1"),
        };
        req.send().await.expect("create_db_instance");
    }
}

/// The whole estate: two members `cfg-a` and `cfg-b` with the wiring
/// seeding (every EC2 network kind), instances and volumes, an ALB with
/// its listeners, a function and a cluster, buckets and tables, IAM of
/// every kind, and RDS, spread over HOME and FAR.
async fn seed_everything(conf: &SdkConfig) -> Seeded {
    let mut seeded = seed::empty_org(conf).await;
    let org = aws_sdk_organizations::Client::new(conf);
    let a = seed::create_account(&org, &mut seeded, "cfg-a", "Workloads", BTreeMap::new()).await;
    let b = seed::create_account(&org, &mut seeded, "cfg-b", "Workloads", BTreeMap::new()).await;
    let w = wiring::wiring(conf, &mut seeded, &a, &b).await;
    seed::seed_region(conf, &mut seeded, &a, FAR, SMALL, 31, true).await;
    seed::seed_region(conf, &mut seeded, &b, HOME, SMALL, 32, false).await;
    crate::wiring_elb::seed_alb(
        conf,
        &mut seeded,
        &a,
        HOME,
        LoadBalancerSchemeEnum::InternetFacing,
        33,
    )
    .await;
    crate::compute::seed_function_and_cluster(conf, &b).await;
    crate::storage::seed_storage(conf, &a, &b).await;
    crate::iam::seed_member(conf, &a, &b, false).await;
    seed_rds(conf, &a, [&w.a.public_subnet, &w.a.private_subnet]).await;
    seeded
}

// --- the differential test ------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_aggregator_reads_the_same_estate_as_the_crawl() {
    let moto = Moto::start();
    let conf = moto.sdk_config().await;
    let seeded = seed_everything(&conf).await;
    let regions = [HOME, FAR];
    let accounts = active_accounts(&seeded);

    let crawl = run(options(conf.clone(), &regions, Source::Crawl))
        .await
        .expect("the crawl");

    let items = export(&moto, &accounts, &regions, None);
    let proxy = FaultProxy::start(&moto.endpoint(), Rules::none())
        .await
        .expect("proxy");
    proxy.set_config_aggregator(ConfigAggregator::new(
        AGGREGATOR,
        all_succeeded(&accounts, &regions),
        items.clone(),
    ));
    let config = run(options(through(&proxy).await, &regions, aggregator()))
        .await
        .expect("the aggregator source");

    // Every kind with a mapper was exported, so the comparison is not
    // vacuous for any of them.
    let exported: BTreeSet<&str> = items
        .iter()
        .filter_map(|i| i["resourceType"].as_str())
        .collect();
    for m in config_item::mappers() {
        assert!(
            exported.contains(m.resource_type),
            "the seeded estate has no {} to compare",
            m.resource_type
        );
    }
    assert!(proxy.seen(SELECT) > 0 && proxy.seen(SOURCES) > 0);

    let diff = differences(&crawl, &config);
    assert!(
        diff.is_empty(),
        "{} differences between the crawl and the aggregator:\n{}",
        diff.len(),
        diff.join("\n")
    );

    // What Config does not record is null on the aggregator's side.
    let unrecorded = unrecorded_fields();
    for r in &config.resources {
        for (i, def) in r.kind.def().fields.iter().enumerate() {
            if unrecorded
                .get(&r.kind)
                .is_some_and(|f| f.contains(def.name))
            {
                assert_eq!(
                    r.fields[i],
                    Value::Null,
                    "{} {} {}: Config does not record it",
                    r.kind,
                    r.id,
                    def.name
                );
            }
        }
        assert!(
            !config_item::not_recorded().contains(&r.kind),
            "{} {}: a kind Config does not record",
            r.kind,
            r.id
        );
        assert!(
            r.captured_at.is_some(),
            "{} {} has no capture time",
            r.kind,
            r.id
        );
    }

    // Same cells, same outcomes; every aggregator cell says where it came from.
    let (c, g) = (cells(&crawl), cells(&config));
    let cell_diff: Vec<String> = c
        .iter()
        .filter(|(k, s)| g.get(*k) != Some(*s))
        .map(|(k, s)| format!("{k:?}: crawl {s:?} config {:?}", g.get(k)))
        .chain(
            g.keys()
                .filter(|k| !c.contains_key(*k))
                .map(|k| format!("{k:?}: only in the Config estate")),
        )
        .collect();
    assert!(
        cell_diff.is_empty(),
        "coverage differs:\n{}",
        cell_diff.join("\n")
    );
    assert!(
        config
            .coverage
            .iter()
            .filter(|c| !c.api.as_str().starts_with("organizations:"))
            .all(|c| c.source.as_deref() == Some(CONFIG_SOURCE)),
        "a Config cell without its source"
    );
}

// --- the smaller cases ------------------------------------------------------------

/// The management account and one member with a small network in HOME
/// and FAR, exported: (moto, member, accounts, items).
async fn small_estate() -> (Moto, String, Vec<String>, Vec<Json>) {
    let moto = Moto::start();
    let conf = moto.sdk_config().await;
    let mut seeded = seed::empty_org(&conf).await;
    let org = aws_sdk_organizations::Client::new(&conf);
    let m =
        seed::create_account(&org, &mut seeded, "cfg-small", "Workloads", BTreeMap::new()).await;
    seed::seed_region(&conf, &mut seeded, &m, HOME, SMALL, 41, false).await;
    seed::seed_region(&conf, &mut seeded, &m, FAR, SMALL, 42, false).await;
    let accounts = active_accounts(&seeded);
    let items = export(&moto, &accounts, &[HOME, FAR], None);
    (moto, m, accounts, items)
}

fn count(e: &Estate, kind: Kind) -> usize {
    e.resources.iter().filter(|r| r.kind == kind).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttled_queries_still_give_the_whole_estate() {
    let (moto, _, accounts, items) = small_estate().await;
    let proxy = FaultProxy::start(&moto.endpoint(), Rules::none())
        .await
        .expect("proxy");
    proxy.set_config_aggregator(ConfigAggregator::new(
        AGGREGATOR,
        all_succeeded(&accounts, &[HOME, FAR]),
        items,
    ));
    let conf = through(&proxy).await;
    let calm = run(options(conf.clone(), &[HOME, FAR], aggregator()))
        .await
        .expect("unthrottled");
    proxy.set_rules(Rules::none().with(Rule::throttle(Match::any().action(SELECT)).percent(40)));
    let throttled = run(options(conf, &[HOME, FAR], aggregator()))
        .await
        .expect("throttled");
    assert!(proxy.rules().rules[0].fired() > 0, "nothing was throttled");
    let keys = |e: &Estate| e.resources.iter().map(key).collect::<BTreeSet<_>>();
    assert!(!calm.resources.is_empty());
    assert_eq!(keys(&calm), keys(&throttled));
    assert!(
        throttled
            .coverage
            .iter()
            .all(|c| !matches!(c.status, CoverageStatus::Throttled | CoverageStatus::Error)),
        "a throttled query was not retried: {:?}",
        throttled
            .coverage
            .iter()
            .filter(|c| c.status != CoverageStatus::Ok)
            .collect::<Vec<_>>()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_and_outdated_sources_are_their_cells() {
    let (moto, member, accounts, items) = small_estate().await;
    let mut sources = all_succeeded(&accounts, &[HOME]);
    let message = "The source account is not authorized to share its data with the aggregator";
    sources.push(SourceStatus::failed(
        &member,
        FAR,
        "AccessDeniedException",
        message,
    ));
    sources.push(SourceStatus::outdated(MANAGEMENT_ACCOUNT, FAR));
    let proxy = FaultProxy::start(&moto.endpoint(), Rules::none())
        .await
        .expect("proxy");
    proxy.set_config_aggregator(ConfigAggregator::new(AGGREGATOR, sources, items));
    let e = run(options(through(&proxy).await, &[HOME, FAR], aggregator()))
        .await
        .expect("collect");
    // Four sources at two a page: two pages.
    assert!(proxy.seen(SOURCES) >= 2);

    let recorded: BTreeSet<String> = config_item::mappers()
        .map(|m| m.kind.def().api.to_string())
        .collect();
    assert!(
        recorded.iter().any(|a| a.starts_with("ec2:")),
        "no EC2 kind is read from Config"
    );
    let cell = |account: &str, region: &str, api: &str| {
        e.coverage
            .iter()
            .find(|c| c.account_id == account && c.region == region && c.api.as_str() == api)
            .unwrap_or_else(|| panic!("no cell {account} {region} {api}"))
    };
    for api in recorded.iter().filter(|a| a.starts_with("ec2:")) {
        let failed = cell(&member, FAR, api);
        assert_eq!(failed.status, CoverageStatus::Error, "{api}");
        assert_eq!(failed.code.as_deref(), Some("AccessDeniedException"));
        assert_eq!(failed.message.as_deref(), Some(message));
        assert_eq!(failed.source.as_deref(), Some(CONFIG_SOURCE));
        let outdated = cell(MANAGEMENT_ACCOUNT, FAR, api);
        assert_eq!(outdated.status, CoverageStatus::Outdated, "{api}");
        assert_eq!(outdated.source.as_deref(), Some(CONFIG_SOURCE));
        let fine = cell(&member, HOME, api);
        assert_eq!(fine.status, CoverageStatus::Ok, "{api}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_than_a_page_of_one_type_is_paged_to_the_end() {
    let (moto, member, accounts, mut items) = small_estate().await;
    // 130 more VPCs in the member's HOME: copies of one exported VPC under
    // new ids, as an aggregator of a large estate holds them.
    let vpc = items
        .iter()
        .find(|i| {
            i["resourceType"] == "AWS::EC2::VPC"
                && i["accountId"] == member.as_str()
                && i["awsRegion"] == HOME
        })
        .cloned()
        .expect("an exported VPC");
    for n in 0..130 {
        let id = format!("vpc-0c0f{n:013x}");
        let mut v = vpc.clone();
        v["resourceId"] = id.clone().into();
        v["arn"] = format!("arn:aws:ec2:{HOME}:{member}:vpc/{id}").into();
        v["configuration"]["vpcId"] = id.into();
        v["configuration"]["isDefault"] = false.into();
        items.push(v);
    }
    let expected = items
        .iter()
        .filter(|i| i["resourceType"] == "AWS::EC2::VPC" && i["awsRegion"] == HOME)
        .count();
    assert!(expected > 130);
    let proxy = FaultProxy::start(&moto.endpoint(), Rules::none())
        .await
        .expect("proxy");
    proxy.set_config_aggregator(ConfigAggregator::new(
        AGGREGATOR,
        all_succeeded(&accounts, &[HOME, FAR]),
        items,
    ));
    let e = run(options(through(&proxy).await, &[HOME], aggregator()))
        .await
        .expect("collect");
    assert_eq!(count(&e, orgscope::model::kinds::VPC), expected);
    let ids: BTreeSet<&str> = e
        .resources
        .iter()
        .filter(|r| r.kind == orgscope::model::kinds::VPC)
        .map(|r| r.id.as_str())
        .collect();
    assert!(
        ids.contains("vpc-0c0f0000000000081"),
        "the last copy was read"
    );
    // At most 100 a page: the VPCs alone took two queries or more.
    assert!(proxy.seen(SELECT) > config_item::mappers().count() as u64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kind_config_does_not_record_gets_not_recorded_cells() {
    let skipped = config_item::not_recorded();
    assert!(
        skipped.contains(&orgscope::model::kinds::TARGET_GROUP),
        "AWS Config has no AWS::ElasticLoadBalancingV2::TargetGroup (awslabs/aws-config-resource-schema)"
    );
    let (moto, member, accounts, items) = small_estate().await;
    let proxy = FaultProxy::start(&moto.endpoint(), Rules::none())
        .await
        .expect("proxy");
    proxy.set_config_aggregator(ConfigAggregator::new(
        AGGREGATOR,
        all_succeeded(&accounts, &[HOME, FAR]),
        items,
    ));
    let e = run(options(through(&proxy).await, &[HOME, FAR], aggregator()))
        .await
        .expect("collect");
    for kind in &skipped {
        let api = kind.def().api;
        let mine: Vec<_> = e
            .coverage
            .iter()
            .filter(|c| c.account_id == member && c.api.as_str() == api)
            .collect();
        assert!(!mine.is_empty(), "no cell for {kind} ({api})");
        for c in mine {
            assert_eq!(c.status, CoverageStatus::NotRecorded, "{kind} {}", c.region);
            assert_eq!(c.source.as_deref(), Some(CONFIG_SOURCE));
        }
        assert_eq!(count(&e, *kind), 0, "{kind} read from Config");
    }
    // Nothing was asked for a kind without a mapper.
    assert!(proxy.seen(SELECT) > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_aggregator_fails_the_run_with_its_name() {
    let (moto, _, accounts, items) = small_estate().await;
    let proxy = FaultProxy::start(&moto.endpoint(), Rules::none())
        .await
        .expect("proxy");
    proxy.set_config_aggregator(ConfigAggregator::new(
        "another-aggregator",
        all_succeeded(&accounts, &[HOME]),
        items,
    ));
    let err = run(options(through(&proxy).await, &[HOME], aggregator()))
        .await
        .expect_err("an aggregator that does not exist");
    assert!(
        err.contains(AGGREGATOR) && err.contains("NoSuchConfigurationAggregator"),
        "the error should name the aggregator and AWS's code: {err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_exporters_items_have_the_shape_of_aws_examples() {
    let moto = Moto::start();
    let conf = moto.sdk_config().await;
    let mut seeded = seed::empty_org(&conf).await;
    seed::seed_region(
        &conf,
        &mut seeded,
        MANAGEMENT_ACCOUNT,
        HOME,
        SMALL,
        51,
        false,
    )
    .await;
    let items = export(
        &moto,
        &[MANAGEMENT_ACCOUNT.to_string()],
        &[HOME],
        Some(&fixtures()),
    );
    // The exporter exits non-zero on any shape problem (checked in
    // `export`); here, what every item carries at the top, as the
    // schema repository's AWS.properties.json lists it for `SELECT *`.
    let top = [
        "version",
        "accountId",
        "configurationItemCaptureTime",
        "configurationItemStatus",
        "configurationStateId",
        "arn",
        "resourceType",
        "resourceId",
        "resourceName",
        "awsRegion",
        "availabilityZone",
        "resourceCreationTime",
        "tags",
        "relationships",
        "configuration",
        "supplementaryConfiguration",
    ];
    assert!(!items.is_empty());
    for i in &items {
        for k in top {
            assert!(i.get(k).is_some(), "{} lacks {k}", i["resourceId"]);
        }
        let t = i["configurationItemCaptureTime"]
            .as_str()
            .unwrap_or_default();
        assert!(
            time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).is_ok(),
            "capture time {t}"
        );
        assert!(
            i["tags"]
                .as_array()
                .is_some_and(|t| t.iter().all(|t| t.get("key").is_some()))
        );
    }
    let n_fixtures = std::fs::read_dir(fixtures())
        .expect("fixtures")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "json"))
        })
        .count();
    assert!(
        n_fixtures >= 2,
        "AWS's examples are in {}",
        fixtures().display()
    );
}
