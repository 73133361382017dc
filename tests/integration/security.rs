//! Credentials handled like aws-vault would: MFA asked once and its
//! session used for every AssumeRole; only the calls the shipped reader
//! policy allows; and no secret key, session token or MFA code in anything
//! orgscope writes (snapshot, exports, logs at `-vvv`, stdout).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use aws_config::SdkConfig;
use orgscope::collect::mfa::{Mfa, MfaPrompt};
use orgscope::collect::{self, CollectOptions, Hooks, Regions};
use orgscope::model::{CoverageStatus, Estate};
use orgscope::snapshot;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::support::moto::{self, Moto};
use crate::support::proxy::{FaultProxy, Rules};
use crate::support::seed;

/// A base secret no other string in a run could contain by chance.
const BASE_SECRET: &str = "orgscope-base-secret-7f3a9c2e41d8";
const MFA_SERIAL: &str = "arn:aws:iam::123456789012:mfa/alice";
const MFA_CODE: &str = "902714";

/// moto with an org of the management account and two members, and the
/// proxy in front of it (which records every secret STS hands out).
async fn estate_behind_proxy() -> (Moto, FaultProxy, Vec<String>) {
    let moto = Moto::start();
    let conf = moto.sdk_config().await;
    let mut seeded = seed::empty_org(&conf).await;
    let org = aws_sdk_organizations::Client::new(&conf);
    let mut members = Vec::new();
    for name in ["sec-prod", "sec-test"] {
        members.push(
            seed::create_account(&org, &mut seeded, name, "Workloads", BTreeMap::new()).await,
        );
    }
    let proxy = FaultProxy::start(&moto.endpoint(), Rules::none())
        .await
        .expect("proxy");
    (moto, proxy, members)
}

async fn base_config(proxy: &FaultProxy) -> SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(proxy.endpoint())
        .region(aws_config::Region::new(moto::REGION))
        .credentials_provider(aws_credential_types::Credentials::new(
            moto::ACCESS_KEY,
            BASE_SECRET,
            None,
            None,
            "test",
        ))
        .load()
        .await
}

fn options(base: SdkConfig, mfa: Mfa) -> CollectOptions {
    CollectOptions {
        regions: Regions::List(vec!["us-east-1".into(), "eu-west-1".into()]),
        role_name: "orgscope-reader".into(),
        initial_backoff: Duration::from_millis(1),
        mfa,
        hooks: Hooks {
            base_config: Some(base),
            interceptors: Vec::new(),
        },
        ..CollectOptions::default()
    }
}

async fn run(opts: CollectOptions) -> Estate {
    let (tx, _rx) = mpsc::unbounded_channel();
    collect::collect(opts, tx, CancellationToken::new())
        .await
        .expect("collection")
}

fn counting_prompt(asked: Arc<AtomicUsize>) -> MfaPrompt {
    MfaPrompt::new(move |req| {
        assert_eq!(req.serial, MFA_SERIAL);
        asked.fetch_add(1, Ordering::SeqCst);
        async { Some(MFA_CODE.to_string()) }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mfa_is_asked_once_and_signs_every_assume_role() {
    let (_moto, proxy, members) = estate_behind_proxy().await;
    let asked = Arc::new(AtomicUsize::new(0));
    let mfa = Mfa {
        serial: Some(MFA_SERIAL.into()),
        prompt: Some(counting_prompt(asked.clone())),
    };
    let estate = run(options(base_config(&proxy).await, mfa)).await;
    assert!(
        estate
            .coverage
            .iter()
            .all(|c| c.status == CoverageStatus::Ok),
        "{:?}",
        estate.coverage
    );
    assert_eq!(asked.load(Ordering::SeqCst), 1, "one prompt per run");
    assert_eq!(proxy.seen("sts:GetSessionToken"), 1);
    // Every AssumeRole (one per member) was signed by the MFA session,
    // none by the long-term base key.
    let assumes = proxy.seen("sts:AssumeRole");
    assert_eq!(assumes, members.len() as u64);
    assert_eq!(
        proxy.seen_signed_by("sts:GetSessionToken", "sts:AssumeRole"),
        assumes
    );
    assert_eq!(proxy.seen_signed_by("base", "sts:AssumeRole"), 0);
    // After GetSessionToken, the base key signs nothing at all.
    let base_total: u64 = proxy
        .seen_all()
        .keys()
        .filter(|a| *a != "sts:GetSessionToken")
        .map(|a| proxy.seen_signed_by("base", a))
        .sum();
    assert_eq!(base_total, 0);
}

/// Actions of a policy document's Allow statements.
fn policy_actions(doc: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    for st in doc["Statement"].as_array().into_iter().flatten() {
        match &st["Action"] {
            serde_json::Value::String(a) => out.push(a.clone()),
            serde_json::Value::Array(list) => {
                out.extend(list.iter().filter_map(|a| a.as_str().map(String::from)))
            }
            _ => {}
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_run_uses_only_the_reader_policy() {
    let (moto, proxy, members) = estate_behind_proxy().await;
    // A load balancer with listeners and a target group in a member, so
    // the calls made per load balancer and per target group (tags,
    // listeners, target health) are made too. Seeded straight into moto,
    // not through the proxy, whose counts are the collector's alone.
    let conf = moto.sdk_config().await;
    let mut seeded = seed::Seeded::default();
    crate::wiring_elb::seed_alb(
        &conf,
        &mut seeded,
        &members[0],
        moto::REGION,
        aws_sdk_elasticloadbalancingv2::types::LoadBalancerSchemeEnum::Internal,
        1,
    )
    .await;
    // A user with an access key in a member, so the per-user and per-key
    // IAM calls (`ListAccessKeys`, `GetAccessKeyLastUsed`) are made too.
    let iam = seed::iam_client(&conf, &members[0]).await;
    iam.create_user()
        .user_name("ci")
        .send()
        .await
        .expect("create_user");
    iam.create_access_key()
        .user_name("ci")
        .send()
        .await
        .expect("create_access_key");
    // A function and a cluster in a member, so the per-function and
    // per-cluster reads (`ListTags`, `DescribeCluster`) are made too.
    crate::compute::seed_function_and_cluster(&conf, &members[0]).await;
    // Buckets (one with every setting) and tables, so every per-bucket
    // and per-table read is made too.
    crate::storage::seed_storage(&conf, &members[0], &members[1]).await;
    // With costs, so Cost Explorer's one call is checked against the
    // policy too (moto answers it with an empty result).
    let mut opts = options(base_config(&proxy).await, Mfa::default());
    opts.cost = Some(collect::cost::CostOptions::default());
    let estate = run(opts).await;
    assert!(!estate.is_partial());
    // Costs are read once, with the caller's own credentials: the policy
    // grants it, the member StackSet role does not.
    assert_eq!(proxy.seen("ce:GetCostAndUsage"), 1);
    assert_eq!(
        proxy.seen_signed_by("sts:AssumeRole", "ce:GetCostAndUsage"),
        0
    );
    let root = env!("CARGO_MANIFEST_DIR");
    let policy: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{root}/docs/iam/orgscope-reader-policy.json"))
            .expect("policy file"),
    )
    .expect("policy JSON");
    let caller_allowed = policy_actions(&policy);
    let stackset =
        std::fs::read_to_string(format!("{root}/docs/iam/orgscope-reader-stackset.yaml"))
            .expect("stackset file");
    let seen = proxy.seen_all();
    for action in seen.keys() {
        // GetCallerIdentity needs no permission.
        if action == "sts:GetCallerIdentity" {
            continue;
        }
        assert!(
            caller_allowed.contains(action),
            "{action} is called but not in orgscope-reader-policy.json"
        );
        // What member accounts see must be granted by the StackSet role.
        if proxy.seen_signed_by("sts:AssumeRole", action) > 0 {
            assert!(
                stackset.contains(&format!("- {action}\n")),
                "{action} is called in member accounts but the StackSet role lacks it"
            );
        }
    }
    for action in [
        "ec2:DescribeInstances",
        "elasticloadbalancing:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeTags",
        "elasticloadbalancing:DescribeListeners",
        "elasticloadbalancing:DescribeTargetGroups",
        "elasticloadbalancing:DescribeTargetHealth",
        "rds:DescribeDBInstances",
        "rds:DescribeDBClusters",
        "iam:GetAccountAuthorizationDetails",
        "iam:ListAccessKeys",
        "iam:GetAccessKeyLastUsed",
        "tag:GetResources",
        "lambda:ListFunctions",
        "lambda:ListTags",
        "eks:ListClusters",
        "eks:DescribeCluster",
        "s3:ListAllMyBuckets",
        "s3:GetBucketLocation",
        "s3:GetBucketVersioning",
        "s3:GetEncryptionConfiguration",
        "s3:GetBucketPublicAccessBlock",
        "s3:GetBucketPolicy",
        "s3:GetBucketTagging",
        "dynamodb:ListTables",
        "dynamodb:DescribeTable",
        "dynamodb:ListTagsOfResource",
    ] {
        assert!(
            proxy.seen_signed_by("sts:AssumeRole", action) > 0,
            "{action} was never called in a member account"
        );
    }
    // And nothing more: every granted action is called by this run, or is
    // the API of a kind orgscope collects in every region, or is
    // DescribeRegions (called only when every enabled region is asked).
    let regional: Vec<&str> = orgscope::model::regional_apis().collect();
    for action in &caller_allowed {
        assert!(
            seen.contains_key(action)
                || regional.contains(&action.as_str())
                || action == "ec2:DescribeRegions",
            "{action} is granted but orgscope never calls it"
        );
    }
}

/// (output name, secret prefix) for every secret found in an output.
fn leaks<'a>(secrets: &[String], outputs: &'a [(String, Vec<u8>)]) -> Vec<(&'a str, String)> {
    let mut found = Vec::new();
    for (name, bytes) in outputs {
        let text = String::from_utf8_lossy(bytes);
        for s in secrets {
            if text.contains(s.as_str()) {
                found.push((name.as_str(), s.chars().take(12).collect()));
            }
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_written_contains_a_secret() {
    let (moto, proxy, _members) = estate_behind_proxy().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let snap = dir.path().join("estate.json");

    // The binary, as a user runs it, at the most verbose log level.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_orgscope"))
        .env_remove("AWS_PROFILE")
        .env_remove("RUST_LOG")
        .envs(moto.env())
        .env("AWS_ENDPOINT_URL", proxy.endpoint())
        .env("AWS_SECRET_ACCESS_KEY", BASE_SECRET)
        .stdin(std::process::Stdio::null())
        .args(["-vvv", "collect", "--regions", "us-east-1,eu-west-1"])
        .args(["--role-name", "orgscope-reader", "-o"])
        .arg(&snap)
        .output()
        .expect("run orgscope");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stderr.len() > 10_000, "-vvv must actually log");
    let svg = dir.path().join("org.svg");
    let diagram = std::process::Command::new(env!("CARGO_BIN_EXE_orgscope"))
        .arg("diagram")
        .arg(&snap)
        .args(["--kind", "org", "--out"])
        .arg(&svg)
        .output()
        .expect("run orgscope diagram");
    assert!(
        diagram.status.success(),
        "{}",
        String::from_utf8_lossy(&diagram.stderr)
    );

    for format in ["csv", "json"] {
        let path = dir.path().join(format!("list.{format}"));
        let list = std::process::Command::new(env!("CARGO_BIN_EXE_orgscope"))
            .arg("list")
            .arg(&snap)
            .args(["--format", format, "--out"])
            .arg(&path)
            .output()
            .expect("run orgscope list");
        assert!(
            list.status.success(),
            "{}",
            String::from_utf8_lossy(&list.stderr)
        );
    }

    // The library with MFA: its snapshot holds no trace of the session.
    let asked = Arc::new(AtomicUsize::new(0));
    let mfa = Mfa {
        serial: Some(MFA_SERIAL.into()),
        prompt: Some(counting_prompt(asked)),
    };
    let estate = run(options(base_config(&proxy).await, mfa)).await;
    let mfa_snap = dir.path().join("mfa.json");
    snapshot::write(&mfa_snap, &estate).expect("write");

    let mut secrets = proxy.issued_secrets();
    // Member sessions from both runs, and the MFA session.
    assert!(secrets.len() >= 2 * 5, "{} secrets seen", secrets.len());
    secrets.push(BASE_SECRET.to_string());
    let mut outputs = vec![
        ("stderr (-vvv)".to_string(), out.stderr.clone()),
        ("stdout".to_string(), out.stdout.clone()),
        ("diagram stderr".to_string(), diagram.stderr.clone()),
    ];
    for entry in std::fs::read_dir(dir.path()).expect("ls") {
        let path = entry.expect("entry").path();
        outputs.push((
            path.display().to_string(),
            std::fs::read(&path).expect("read output"),
        ));
    }
    // estate.json, org.svg, list.csv, list.json, mfa.json + 3 streams.
    assert!(outputs.len() >= 8, "every output file is scanned");
    // The scan itself finds a secret where there is one.
    let probe = vec![("probe".to_string(), secrets[0].clone().into_bytes())];
    assert_eq!(leaks(&secrets, &probe).len(), 1);
    assert_eq!(leaks(&secrets, &outputs), Vec::<(&str, String)>::new());
    // The MFA code is not in the MFA run's snapshot either.
    let mfa_text = std::fs::read_to_string(&mfa_snap).expect("read");
    assert!(!mfa_text.contains(MFA_CODE));
    assert!(!mfa_text.contains(MFA_SERIAL));
}
