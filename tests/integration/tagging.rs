//! The Tagging API (`tag:GetResources`) against moto: SQS queues and SNS
//! topics seeded with tags in two member accounts (through AssumeRole, as
//! the collector reaches them) and an EC2 instance beside them. Collected
//! back as `tagged_resource`s with their ARNs, services, types and tags —
//! paged one resource at a time, as moto honours `ResourcesPerPage` — and
//! the instance only as an instance, never twice. A proxy denying
//! `tag:GetResources` in one account makes exactly one `denied` cell; the
//! rest of that account is still collected.
//!
//! SQS and SNS are seeded with plain query-protocol requests rather than
//! their SDK crates, which orgscope does not otherwise need: moto routes a
//! request by the access key in its `Authorization` header and checks no
//! signature.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use aws_config::SdkConfig;
use aws_credential_types::Credentials;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use orgscope::collect::{self, CollectOptions, Hooks, Regions};
use orgscope::model::{CoverageStatus, Estate, Tags, kinds};
use tokio_util::sync::CancellationToken;

use crate::support::moto::{self, MANAGEMENT_ACCOUNT, Moto};
use crate::support::proxy::{Fault, FaultProxy, Match, Rule, Rules};
use crate::support::{runtime, seed};

const REGION: &str = moto::REGION;

/// What one member account was seeded with: ARN → tags.
type Seeded = BTreeMap<String, Tags>;

fn tags(pairs: &[(&str, &str)]) -> Tags {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// `account_id`'s credentials: the base ones for the management account,
/// AssumeRole's for a member.
async fn credentials(conf: &SdkConfig, account_id: &str) -> Credentials {
    if account_id == MANAGEMENT_ACCOUNT {
        return Credentials::new(moto::ACCESS_KEY, moto::ACCESS_KEY, None, None, "moto");
    }
    let out = aws_sdk_sts::Client::new(conf)
        .assume_role()
        .role_arn(format!(
            "arn:aws:iam::{account_id}:role/OrganizationAccountAccessRole"
        ))
        .role_session_name("seed")
        .send()
        .await
        .unwrap_or_else(|e| panic!("assume_role {account_id}: {e:?}"));
    let c = out.credentials().expect("credentials");
    Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_string()),
        None,
        "seed",
    )
}

fn form_encode(params: &[(&str, &str)]) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    char::from(b).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    params
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// One query-protocol call to moto as `creds`, panicking unless it answers 200.
async fn query(moto: &Moto, creds: &Credentials, service: &str, params: &[(&str, &str)]) {
    let auth = format!(
        "AWS4-HMAC-SHA256 Credential={}/20260101/{REGION}/{service}/aws4_request, \
         SignedHeaders=host;x-amz-date, Signature=00",
        creds.access_key_id()
    );
    let mut req = http::Request::post(format!("{}/", moto.endpoint()))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-amz-date", "20260101T000000Z")
        .header("authorization", auth);
    if let Some(token) = creds.session_token() {
        req = req.header("x-amz-security-token", token);
    }
    let body = form_encode(params);
    let req = req
        .body(Full::new(bytes::Bytes::from(body)))
        .expect("request");
    let client = Client::builder(TokioExecutor::new()).build_http();
    let resp = client.request(req).await.expect("moto answers");
    let status = resp.status();
    let text = resp.into_body().collect().await.expect("body").to_bytes();
    assert!(
        status.is_success(),
        "{service} {params:?}: {status} {}",
        String::from_utf8_lossy(&text)
    );
}

/// A queue and a topic in `account_id`, tagged; returns ARN → tags.
async fn seed_queue_and_topic(
    moto: &Moto,
    conf: &SdkConfig,
    account_id: &str,
    prefix: &str,
    queue_tags: &Tags,
    topic_tags: &Tags,
) -> Seeded {
    let creds = credentials(conf, account_id).await;
    let queue = format!("{prefix}-orders");
    let mut params = vec![
        ("Action".to_string(), "CreateQueue".to_string()),
        ("Version".to_string(), "2012-11-05".to_string()),
        ("QueueName".to_string(), queue.clone()),
    ];
    for (i, (k, v)) in queue_tags.iter().enumerate() {
        params.push((format!("Tag.{}.Key", i + 1), k.clone()));
        params.push((format!("Tag.{}.Value", i + 1), v.clone()));
    }
    let borrowed: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    query(moto, &creds, "sqs", &borrowed).await;

    let topic = format!("{prefix}-alerts");
    let mut params = vec![
        ("Action".to_string(), "CreateTopic".to_string()),
        ("Version".to_string(), "2010-03-31".to_string()),
        ("Name".to_string(), topic.clone()),
    ];
    for (i, (k, v)) in topic_tags.iter().enumerate() {
        params.push((format!("Tags.member.{}.Key", i + 1), k.clone()));
        params.push((format!("Tags.member.{}.Value", i + 1), v.clone()));
    }
    let borrowed: Vec<(&str, &str)> = params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    query(moto, &creds, "sns", &borrowed).await;

    [
        (
            format!("arn:aws:sqs:{REGION}:{account_id}:{queue}"),
            queue_tags.clone(),
        ),
        (
            format!("arn:aws:sns:{REGION}:{account_id}:{topic}"),
            topic_tags.clone(),
        ),
    ]
    .into()
}

/// A tagged EC2 instance in `account_id`; returns its id.
async fn seed_instance(conf: &SdkConfig, account_id: &str, name: &str) -> String {
    let ec2 = seed::ec2_client(conf, account_id, REGION).await;
    let out = ec2
        .run_instances()
        .image_id("ami-12c6146b")
        .instance_type(aws_sdk_ec2::types::InstanceType::T3Micro)
        .min_count(1)
        .max_count(1)
        .tag_specifications(seed::tag_spec(
            aws_sdk_ec2::types::ResourceType::Instance,
            &[("Name", name), ("owner", "team-shop"), ("env", "prod")],
        ))
        .send()
        .await
        .unwrap_or_else(|e| panic!("run_instances {account_id}: {e:?}"));
    out.instances()
        .first()
        .and_then(|i| i.instance_id())
        .expect("instance id")
        .to_string()
}

/// moto with an org of two members, each seeded with a queue, a topic and
/// an instance; the members' ids and what the Tagging API should list.
async fn seeded_org(moto: &Moto) -> (Vec<String>, BTreeMap<String, Seeded>, Vec<String>) {
    let conf = moto.sdk_config().await;
    let mut org_seed = seed::empty_org(&conf).await;
    let org = aws_sdk_organizations::Client::new(&conf);
    let mut members = Vec::new();
    for name in ["shop-prod", "shop-test"] {
        members.push(
            seed::create_account(&org, &mut org_seed, name, "Workloads", BTreeMap::new()).await,
        );
    }
    let mut want = BTreeMap::new();
    let mut instances = Vec::new();
    for (i, (account, env)) in members.iter().zip(["prod", "test"]).enumerate() {
        // The test twin's queue lost its owner, as in the demo's story.
        let queue_tags = if i == 0 {
            tags(&[("owner", "team-shop"), ("env", env), ("app", "shop")])
        } else {
            tags(&[("env", env), ("app", "shop")])
        };
        let topic_tags = tags(&[
            ("owner", "team-shop"),
            ("env", env),
            ("cost-center", "CC 1"),
        ]);
        let prefix = format!("shop-{env}");
        let seeded =
            seed_queue_and_topic(moto, &conf, account, &prefix, &queue_tags, &topic_tags).await;
        want.insert(account.clone(), seeded);
        instances.push(seed_instance(&conf, account, &format!("{prefix}-web")).await);
    }
    (members, want, instances)
}

fn options(base: SdkConfig) -> CollectOptions {
    CollectOptions {
        regions: Regions::List(vec![REGION.to_string()]),
        // One resource per GetResources page: moto honours it, so the
        // collector's paging is exercised on the wire.
        page_size: 1,
        initial_backoff: Duration::from_millis(1),
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

/// The tagged resources of `account`: ARN → (service, type, tags).
fn tagged(e: &Estate, account: &str) -> BTreeMap<String, (String, String, Tags)> {
    e.resources
        .iter()
        .filter(|r| r.account_id == account && r.kind == kinds::TAGGED_RESOURCE)
        .map(|r| {
            (
                r.id.clone(),
                (
                    r.text("service").unwrap_or_default().to_string(),
                    r.text("resource_type").unwrap_or_default().to_string(),
                    r.tags.clone(),
                ),
            )
        })
        .collect()
}

fn cell(e: &Estate, account: &str) -> Option<CoverageStatus> {
    e.coverage
        .iter()
        .find(|c| {
            c.account_id == account && c.region == REGION && c.api.as_str() == "tag:GetResources"
        })
        .map(|c| c.status)
}

#[test]
fn tagged_queues_and_topics_of_two_accounts_are_collected_and_instances_once() {
    let rt = runtime();
    rt.block_on(async {
        let moto = Moto::start();
        let (members, want, instances) = seeded_org(&moto).await;
        let e = run(options(moto.sdk_config().await)).await;
        assert!(
            !e.is_partial(),
            "{:?}",
            e.failed_cells().collect::<Vec<_>>()
        );

        for (account, seeded) in &want {
            let got = tagged(&e, account);
            let expected: BTreeMap<String, (String, String, Tags)> = seeded
                .iter()
                .map(|(arn, t)| {
                    let (service, ty) = if arn.contains(":sqs:") {
                        ("sqs", "queue")
                    } else {
                        ("sns", "topic")
                    };
                    (arn.clone(), (service.into(), ty.into(), t.clone()))
                })
                .collect();
            assert_eq!(got, expected, "{account}");
            assert_eq!(cell(&e, account), Some(CoverageStatus::Ok));
            // Everything listed lives where it was listed.
            assert!(
                e.resources
                    .iter()
                    .filter(|r| r.kind == kinds::TAGGED_RESOURCE)
                    .all(|r| {
                        r.region == REGION && r.id.contains(&format!(":{}:", r.account_id))
                    })
            );
        }
        // The caller's own account is asked too, and has nothing tagged.
        assert_eq!(cell(&e, MANAGEMENT_ACCOUNT), Some(CoverageStatus::Ok));
        assert!(tagged(&e, MANAGEMENT_ACCOUNT).is_empty());

        // Each instance once, as an instance with its tags: GetResources
        // lists it too (asked here directly, so the check is not vacuous),
        // and it was left to its own kind.
        let conf = moto.sdk_config().await;
        for (account, id) in members.iter().zip(&instances) {
            let creds = credentials(&conf, account).await;
            let client = aws_sdk_resourcegroupstagging::Client::from_conf(
                aws_sdk_resourcegroupstagging::config::Builder::from(&conf)
                    .credentials_provider(creds)
                    .build(),
            );
            let listed = client.get_resources().send().await.expect("GetResources");
            let arns: Vec<&str> = listed
                .resource_tag_mapping_list()
                .iter()
                .filter_map(|m| m.resource_arn())
                .collect();
            let instance_arn = format!("arn:aws:ec2:{REGION}:{account}:instance/{id}");
            assert!(arns.contains(&instance_arn.as_str()), "{arns:?}");
        }
        for (account, id) in members.iter().zip(&instances) {
            let of_id: Vec<_> = e
                .resources
                .iter()
                .filter(|r| r.id.ends_with(id.as_str()))
                .collect();
            assert_eq!(of_id.len(), 1, "{account} {id}: {of_id:?}");
            assert_eq!(of_id[0].kind, kinds::INSTANCE);
            assert_eq!(
                of_id[0].tags.get("owner").map(String::as_str),
                Some("team-shop")
            );
        }
        let services: BTreeSet<String> = e
            .resources
            .iter()
            .filter_map(|r| r.text("service").map(str::to_string))
            .collect();
        assert!(
            !services.contains("ec2"),
            "no EC2 ARN became a tagged resource: {services:?}"
        );

        // Tag filters and compliance reach them.
        let ctx = orgscope::query::Context::new(&e);
        let q = orgscope::query::parse("type:tagged -has:owner").expect("parses");
        let ownerless = orgscope::query::filter(&ctx, &q, None);
        let arns: Vec<&str> = ownerless
            .iter()
            .map(|&i| e.resources[i].id.as_str())
            .collect();
        assert_eq!(
            arns,
            [format!(
                "arn:aws:sqs:{REGION}:{}:shop-test-orders",
                members[1]
            )]
        );
    });
}

#[test]
fn a_denied_tagging_api_is_one_denied_cell_and_the_rest_is_collected() {
    let rt = runtime();
    rt.block_on(async {
        let moto = Moto::start();
        let (members, want, instances) = seeded_org(&moto).await;
        let denied = &members[1];
        let rules = Rules::none().with(Rule::new(
            Match::any().action("tag:GetResources").account(denied),
            Fault::Error {
                status: 400,
                code: "AccessDeniedException".into(),
                message: format!(
                    "User: arn:aws:sts::{denied}:assumed-role/OrganizationAccountAccessRole/orgscope \
                     is not authorized to perform: tag:GetResources"
                ),
            },
        ));
        let proxy = FaultProxy::start(&moto.endpoint(), rules)
            .await
            .expect("proxy");
        let base = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .endpoint_url(proxy.endpoint())
            .region(aws_config::Region::new(REGION))
            .credentials_provider(Credentials::new(
                moto::ACCESS_KEY,
                moto::ACCESS_KEY,
                None,
                None,
                "test",
            ))
            .load()
            .await;
        let e = run(options(base)).await;

        let failed: Vec<_> = e.failed_cells().collect();
        assert_eq!(failed.len(), 1, "{failed:?}");
        let f = failed[0];
        assert_eq!(
            (f.account_id.as_str(), f.region.as_str(), f.api.as_str(), f.status),
            (denied.as_str(), REGION, "tag:GetResources", CoverageStatus::Denied)
        );
        assert_eq!(f.code.as_deref(), Some("AccessDeniedException"));
        // The denied account's EC2 is still there; the other account's
        // tagged resources too.
        assert!(tagged(&e, denied).is_empty());
        assert!(e.resources.iter().any(|r| r.account_id == *denied && r.id == instances[1]));
        assert_eq!(tagged(&e, &members[0]).len(), want[&members[0]].len());
        assert!(proxy.seen("tag:GetResources") >= 3, "the three accounts were asked");

        // Compliance names the cell rather than calling the account clean.
        let keys = orgscope::compliance::RequiredTags::parse("owner").expect("keys");
        let report = orgscope::compliance::compliance(&e, &keys, 0..e.resources.len());
        let row = report.account(denied).expect("row");
        assert!(row.tally.is_partial());
        assert!(row.tally.share_text(0).ends_with('*'));
    });
}
