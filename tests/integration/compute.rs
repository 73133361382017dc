//! Lambda functions and EKS clusters against moto: seeded in the
//! management account (base credentials) and a member (through
//! AssumeRole, as the collector reaches it), each in a VPC's subnets with
//! a security group and running as a role; collected back with their
//! fields, tags (Lambda's through `ListTags`) and edges. A member's
//! cluster runs as a role of the management account (moto's EKS accepts a
//! role of another account; its Lambda refuses one,
//! `CrossAccountNotAllowed`, so the cross-account execution role is
//! covered by a recorded answer below and by `lambda/tests.rs`), and the
//! management account's cluster as a role that no longer exists.
//!
//! What moto answers differently from AWS, and the expectations derived
//! from it: Lambda's `VpcConfig.VpcId` is always `vpc-123abc` (a VPC that
//! exists nowhere, so the edge is kept, outside the estate); EKS echoes
//! the `resourcesVpcConfig` it was given, which has no `vpcId` and no
//! cluster security group (no `InVpc` edge, one group); moto ignores
//! Lambda's `MaxItems`, so a two-page `ListFunctions` is replayed by the
//! proxy. `CreateFunction` needs no docker (only invoking does).
//!
//! A proxy denying Lambda in one account gives exactly one `denied`
//! `lambda:ListFunctions` cell per region of that account, while its EKS
//! and EC2 are still collected.

use std::collections::BTreeSet;
use std::time::Duration;

use aws_config::SdkConfig;
use aws_credential_types::Credentials;
use aws_sdk_eks::types::VpcConfigRequest;
use aws_sdk_lambda::types::{Architecture, FunctionCode, Runtime, VpcConfig};
use orgscope::collect::{self, CollectOptions, Hooks, Regions};
use orgscope::model::{CoverageStatus, Estate, Rel, Resource, Tags, Value, kinds};
use orgscope::query::Context;
use tokio_util::sync::CancellationToken;

use crate::support::moto::{self, MANAGEMENT_ACCOUNT, Moto};
use crate::support::proxy::{Fault, FaultProxy, Match, Rule, Rules};
use crate::support::{runtime, seed};

mod recorded;

const REGION: &str = moto::REGION;
/// A second region for the fault test: one denied cell in each.
const OTHER_REGION: &str = "eu-west-1";
/// What the functions are deployed from: moto stores it, never runs it.
const CODE: &[u8] = b"PK\x05\x06not really a zip";
const TRUST_LAMBDA: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
const TRUST_EKS: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"eks.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

/// What one account was seeded with.
struct Seeded {
    account: String,
    env: &'static str,
    subnets: BTreeSet<String>,
    sg: String,
    /// The cluster's service role: `(account, iam_role id)`.
    cluster_role: (String, String),
}

fn tags(pairs: &[(&str, &str)]) -> Tags {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The tags every seeded function and cluster carries; the test twin's
/// api function lost `owner`.
fn seeded_tags(env: &str, owned: bool) -> Tags {
    let mut t = tags(&[("env", env), ("app", "shop"), ("owner", "team-shop")]);
    if !owned {
        t.remove("owner");
    }
    t
}

async fn creds_of(conf: &SdkConfig, account: &str) -> Option<Credentials> {
    seed::member_credentials(conf, account).await
}

async fn seed_account(
    conf: &SdkConfig,
    account: &str,
    env: &'static str,
    cluster_role: (String, String),
) -> Seeded {
    let ec2 = seed::ec2_client(conf, account, REGION).await;
    let vpc = ec2
        .create_vpc()
        .cidr_block("10.7.0.0/16")
        .send()
        .await
        .expect("create_vpc");
    let vpc = vpc.vpc().and_then(|v| v.vpc_id()).expect("vpc id");
    let mut subnets = BTreeSet::new();
    for (i, az) in ["a", "b"].iter().enumerate() {
        let s = ec2
            .create_subnet()
            .vpc_id(vpc)
            .cidr_block(format!("10.7.{i}.0/24"))
            .availability_zone(format!("{REGION}{az}"))
            .send()
            .await
            .expect("create_subnet");
        subnets.insert(
            s.subnet()
                .and_then(|s| s.subnet_id())
                .expect("id")
                .to_string(),
        );
    }
    let sg = ec2
        .create_security_group()
        .vpc_id(vpc)
        .group_name(format!("shop-{env}-app"))
        .description("app tier")
        .send()
        .await
        .expect("create_security_group");
    let sg = sg.group_id().expect("sg id").to_string();

    let iam = seed::iam_client(conf, account).await;
    let role = iam
        .create_role()
        .role_name(format!("shop-{env}-lambda"))
        .path("/service-role/")
        .assume_role_policy_document(TRUST_LAMBDA)
        .send()
        .await
        .expect("create_role");
    let role_arn = role.role().map(|r| r.arn()).expect("role arn").to_string();

    let mut lambda = aws_sdk_lambda::config::Builder::from(conf);
    let mut eks = aws_sdk_eks::config::Builder::from(conf);
    if let Some(c) = creds_of(conf, account).await {
        lambda = lambda.credentials_provider(c.clone());
        eks = eks.credentials_provider(c);
    }
    let lambda = aws_sdk_lambda::Client::from_conf(lambda.build());
    let eks = aws_sdk_eks::Client::from_conf(eks.build());
    let runtime = if env == "prod" {
        Runtime::Python312
    } else {
        Runtime::Python39
    };
    let vpc_config = VpcConfig::builder()
        .set_subnet_ids(Some(subnets.iter().cloned().collect()))
        .security_group_ids(sg.clone())
        .build();
    lambda
        .create_function()
        .function_name(format!("shop-{env}-api"))
        .runtime(runtime)
        .role(&role_arn)
        .handler("app.handler")
        .memory_size(512)
        .timeout(30)
        .architectures(Architecture::Arm64)
        .code(FunctionCode::builder().zip_file(CODE.into()).build())
        .vpc_config(vpc_config)
        .set_tags(Some(seeded_tags(env, env == "prod").into_iter().collect()))
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_function {account}: {e:?}"));
    // Outside any VPC, with moto's defaults for memory and timeout.
    lambda
        .create_function()
        .function_name(format!("shop-{env}-worker"))
        .runtime(Runtime::Nodejs20x)
        .role(&role_arn)
        .handler("index.handler")
        .code(FunctionCode::builder().zip_file(CODE.into()).build())
        .set_tags(Some(seeded_tags(env, true).into_iter().collect()))
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_function {account}: {e:?}"));

    let (role_account, role_id) = &cluster_role;
    let public = env == "test";
    eks.create_cluster()
        .name(format!("shop-{env}-eks"))
        .version(if public { "1.29" } else { "1.30" })
        .role_arn(format!("arn:aws:iam::{role_account}:{role_id}"))
        .resources_vpc_config(
            VpcConfigRequest::builder()
                .set_subnet_ids(Some(subnets.iter().cloned().collect()))
                .security_group_ids(sg.clone())
                .endpoint_public_access(public)
                .endpoint_private_access(true)
                .public_access_cidrs(if public {
                    "0.0.0.0/0"
                } else {
                    "203.0.113.0/24"
                })
                .build(),
        )
        .set_tags(Some(seeded_tags(env, true).into_iter().collect()))
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_cluster {account}: {e:?}"));
    Seeded {
        account: account.to_string(),
        env,
        subnets,
        sg,
        cluster_role,
    }
}

/// moto with the management account and one member, both seeded; the
/// member's cluster runs as a management role, the management's as a role
/// that was deleted.
async fn seeded_org(moto: &Moto) -> Vec<Seeded> {
    let conf = moto.sdk_config().await;
    let mut org_seed = seed::empty_org(&conf).await;
    let org = aws_sdk_organizations::Client::new(&conf);
    let member = seed::create_account(
        &org,
        &mut org_seed,
        "shop-test",
        "Workloads",
        Default::default(),
    )
    .await;
    seed::iam_client(&conf, MANAGEMENT_ACCOUNT)
        .await
        .create_role()
        .role_name("shared-eks-cluster")
        .assume_role_policy_document(TRUST_EKS)
        .send()
        .await
        .expect("create_role");
    let gone = (
        MANAGEMENT_ACCOUNT.to_string(),
        "role/deleted-eks-cluster".to_string(),
    );
    let shared = (
        MANAGEMENT_ACCOUNT.to_string(),
        "role/shared-eks-cluster".to_string(),
    );
    vec![
        seed_account(&conf, MANAGEMENT_ACCOUNT, "prod", gone).await,
        seed_account(&conf, &member, "test", shared).await,
    ]
}

pub(super) fn options(base: SdkConfig, regions: &[&str]) -> CollectOptions {
    CollectOptions {
        regions: Regions::List(regions.iter().map(|r| r.to_string()).collect()),
        // One cluster per ListClusters page: moto honours `maxResults`.
        page_size: 1,
        initial_backoff: Duration::from_millis(1),
        hooks: Hooks {
            base_config: Some(base),
            interceptors: Vec::new(),
        },
        ..CollectOptions::default()
    }
}

pub(super) async fn run(opts: CollectOptions) -> Estate {
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    collect::collect(opts, tx, CancellationToken::new())
        .await
        .expect("collect")
}

pub(super) fn of_kind<'e>(
    e: &'e Estate,
    account: &str,
    kind: orgscope::model::Kind,
) -> Vec<&'e Resource> {
    e.resources
        .iter()
        .filter(|r| r.account_id == account && r.kind == kind)
        .collect()
}

/// The far ends of `r`'s `rel` edges: `(id, resolved kind)`.
fn far_ends(ctx: &Context, e: &Estate, r: &Resource, rel: Rel) -> Vec<(String, Option<String>)> {
    r.edges(rel)
        .map(|edge| {
            let far = ctx
                .resolve(r, edge)
                .map(|i| e.resources[i].kind.to_string());
            (edge.to.clone(), far)
        })
        .collect()
}

fn number(n: i64) -> Option<Value> {
    Some(Value::Number(n))
}

fn check_account(e: &Estate, ctx: &Context, s: &Seeded) {
    let acct = s.account.as_str();
    let env = s.env;
    let functions = of_kind(e, acct, kinds::LAMBDA_FUNCTION);
    let names: BTreeSet<&str> = functions.iter().map(|r| r.id.as_str()).collect();
    let api_name = format!("shop-{env}-api");
    let worker_name = format!("shop-{env}-worker");
    assert_eq!(
        names,
        BTreeSet::from([api_name.as_str(), worker_name.as_str()]),
        "{acct}"
    );
    let api = functions.iter().find(|r| r.id == api_name).expect("api");
    let worker = functions.iter().find(|r| r.id == worker_name).expect("w");
    let runtime = if env == "prod" {
        "python3.12"
    } else {
        "python3.9"
    };
    assert_eq!(api.name.as_deref(), Some(api_name.as_str()));
    assert_eq!(api.text("runtime"), Some(runtime));
    assert_eq!(api.get("memory").cloned(), number(512));
    assert_eq!(api.get("timeout").cloned(), number(30));
    assert_eq!(api.text("architecture"), Some("arm64"));
    assert_eq!(api.text("handler"), Some("app.handler"));
    assert_eq!(api.text("package_type"), Some("Zip"));
    assert_eq!(api.get("code_size").cloned(), number(CODE.len() as i64));
    let modified = api.text("last_modified").expect("last modified");
    assert!(
        time::OffsetDateTime::parse(modified, &time::format_description::well_known::Rfc3339)
            .is_ok(),
        "{modified}"
    );
    assert_eq!(api.text("note"), None);
    assert_eq!(api.tags, seeded_tags(env, env == "prod"), "{acct}");
    assert_eq!(worker.tags, seeded_tags(env, true));
    assert_eq!(worker.text("runtime"), Some("nodejs20.x"));
    // moto's defaults, read back as they are, never made up by orgscope.
    assert_eq!(worker.get("memory").cloned(), number(128));
    assert_eq!(worker.get("timeout").cloned(), number(3));
    assert_eq!(worker.text("architecture"), Some("x86_64"));

    // Subnets and the group resolve to the EC2 resources of the account.
    let subnet = Some("subnet".to_string());
    let want: Vec<(String, Option<String>)> = s
        .subnets
        .iter()
        .map(|x| (x.clone(), subnet.clone()))
        .collect();
    let mut got = far_ends(ctx, e, api, Rel::InSubnet);
    got.sort();
    assert_eq!(got, want);
    let sg = vec![(s.sg.clone(), Some("security_group".to_string()))];
    assert_eq!(far_ends(ctx, e, api, Rel::MemberOf), sg);
    // moto's fake VPC id: kept, outside the estate.
    assert_eq!(
        far_ends(ctx, e, api, Rel::InVpc),
        [("vpc-123abc".to_string(), None)]
    );
    let role = format!("role/service-role/shop-{env}-lambda");
    for f in [api, worker] {
        let edge = f.edges(Rel::RunsAs).next().expect("runs as");
        assert_eq!(
            (edge.to.as_str(), edge.account_id.as_deref()),
            (role.as_str(), None)
        );
        let far = ctx.resolve(f, edge).map(|i| &e.resources[i]).expect("role");
        assert_eq!((far.kind, far.account_id.as_str()), (kinds::IAM_ROLE, acct));
    }
    assert!(worker.edges(Rel::InSubnet).next().is_none());
    assert!(worker.edges(Rel::InVpc).next().is_none());

    let clusters = of_kind(e, acct, kinds::EKS_CLUSTER);
    assert_eq!(clusters.len(), 1, "{acct}");
    let c = clusters[0];
    let public = env == "test";
    assert_eq!(c.id, format!("shop-{env}-eks"));
    assert_eq!(
        c.text("version"),
        Some(if public { "1.29" } else { "1.30" })
    );
    assert_eq!(c.text("status"), Some("ACTIVE"));
    assert!(c.text("platform_version").is_some());
    assert!(
        c.text("endpoint")
            .is_some_and(|x| x.starts_with("https://"))
    );
    assert_eq!(c.get("endpoint_public_access"), Some(&Value::Bool(public)));
    assert_eq!(c.get("endpoint_private_access"), Some(&Value::Bool(true)));
    let cidr = if public {
        "0.0.0.0/0"
    } else {
        "203.0.113.0/24"
    };
    assert_eq!(
        c.get("public_access_cidrs"),
        Some(&Value::from(vec![cidr.to_string()]))
    );
    assert_eq!(c.tags, seeded_tags(env, true));
    let mut got = far_ends(ctx, e, c, Rel::InSubnet);
    got.sort();
    assert_eq!(got, want);
    assert_eq!(far_ends(ctx, e, c, Rel::MemberOf), sg);
    assert!(c.edges(Rel::InVpc).next().is_none(), "moto echoes no vpcId");
    let edge = c.edges(Rel::RunsAs).next().expect("runs as");
    let (role_account, role_id) = &s.cluster_role;
    assert_eq!(edge.to, *role_id);
    let other = (role_account != acct).then_some(role_account.as_str());
    assert_eq!(edge.account_id.as_deref(), other);
    let far = ctx.resolve(c, edge).map(|i| &e.resources[i]);
    if role_id.contains("deleted") {
        assert!(far.is_none(), "a deleted role is outside the estate");
    } else {
        let far = far.expect("the management account's role");
        assert_eq!(
            (far.kind, far.account_id.as_str()),
            (kinds::IAM_ROLE, role_account.as_str())
        );
    }

    for api_name in ["lambda:ListFunctions", "eks:ListClusters"] {
        let cell = e
            .coverage
            .iter()
            .find(|x| x.account_id == acct && x.region == REGION && x.api.as_str() == api_name);
        assert_eq!(
            cell.map(|x| x.status),
            Some(CoverageStatus::Ok),
            "{acct} {api_name}"
        );
    }
}

#[test]
fn functions_and_clusters_of_two_accounts_are_collected_as_seeded() {
    let rt = runtime();
    rt.block_on(async {
        let moto = Moto::start();
        let seeded = seeded_org(&moto).await;
        let e = run(options(moto.sdk_config().await, &[REGION])).await;
        assert!(
            !e.is_partial(),
            "{:?}",
            e.failed_cells().collect::<Vec<_>>()
        );
        let ctx = Context::new(&e);
        for s in &seeded {
            check_account(&e, &ctx, s);
        }
        // Tag filters reach the functions: the test twin's api lost owner.
        let q = orgscope::query::parse("type:lambda -has:owner").expect("parses");
        let ownerless: Vec<&str> = orgscope::query::filter(&ctx, &q, None)
            .into_iter()
            .map(|i| e.resources[i].id.as_str())
            .collect();
        assert_eq!(ownerless, ["shop-test-api"]);
        // Neither is listed again as a tagged resource.
        assert!(e.resources.iter().all(|r| r.kind != kinds::TAGGED_RESOURCE
            || !(r.id.contains(":function:") || r.id.contains(":cluster/"))));
    });
}

pub(super) async fn proxied(proxy: &FaultProxy) -> SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
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
        .await
}

#[test]
fn a_denied_lambda_is_one_denied_cell_per_region_and_eks_and_ec2_are_collected() {
    let rt = runtime();
    rt.block_on(async {
        let moto = Moto::start();
        let seeded = seeded_org(&moto).await;
        let denied = seeded[1].account.clone();
        let rules = Rules::none().with(Rule::new(
            Match::any().service("lambda").account(&denied),
            Fault::error(
                403,
                "AccessDeniedException",
                &format!(
                    "User: arn:aws:sts::{denied}:assumed-role/OrganizationAccountAccessRole/orgscope \
                     is not authorized to perform: lambda:ListFunctions on resource: \
                     arn:aws:lambda:{REGION}:{denied}:function:*"
                ),
            ),
        ));
        let proxy = FaultProxy::start(&moto.endpoint(), rules)
            .await
            .expect("proxy");
        let e = run(options(proxied(&proxy).await, &[REGION, OTHER_REGION])).await;

        let mut failed: Vec<_> = e
            .failed_cells()
            .map(|f| (f.account_id.as_str(), f.region.as_str(), f.api.as_str(), f.status))
            .collect();
        failed.sort();
        let lambda = "lambda:ListFunctions";
        let mut want = vec![
            (denied.as_str(), REGION, lambda, CoverageStatus::Denied),
            (denied.as_str(), OTHER_REGION, lambda, CoverageStatus::Denied),
        ];
        want.sort();
        assert_eq!(failed, want);
        assert!(
            e.failed_cells()
                .all(|f| f.code.as_deref() == Some("AccessDeniedException"))
        );
        assert!(proxy.seen_for(&denied, lambda) >= 2, "named by the proxy");
        assert_eq!(proxy.seen_for(&denied, "lambda:ListTags"), 0);
        // The rest of the denied account: its cluster and its subnets.
        assert!(of_kind(&e, &denied, kinds::LAMBDA_FUNCTION).is_empty());
        assert_eq!(of_kind(&e, &denied, kinds::EKS_CLUSTER).len(), 1);
        let subnets: BTreeSet<&str> = of_kind(&e, &denied, kinds::SUBNET)
            .into_iter()
            .map(|r| r.id.as_str())
            .collect();
        assert!(seeded[1].subnets.iter().all(|s| subnets.contains(s.as_str())));
        // The other account's functions are all there.
        assert_eq!(of_kind(&e, MANAGEMENT_ACCOUNT, kinds::LAMBDA_FUNCTION).len(), 2);
    });
}

/// One function (outside any VPC) and one cluster in `account`, each
/// running as a role seeded there: what another test needs so that the
/// per-function and per-cluster reads are made.
pub(crate) async fn seed_function_and_cluster(conf: &SdkConfig, account: &str) {
    let iam = seed::iam_client(conf, account).await;
    let role = iam
        .create_role()
        .role_name("fn-exec")
        .assume_role_policy_document(TRUST_LAMBDA)
        .send()
        .await
        .expect("create_role");
    let role_arn = role.role().map(|r| r.arn()).expect("role arn").to_string();
    let creds = creds_of(conf, account).await;
    let mut lambda = aws_sdk_lambda::config::Builder::from(conf);
    let mut eks = aws_sdk_eks::config::Builder::from(conf);
    if let Some(c) = creds {
        lambda = lambda.credentials_provider(c.clone());
        eks = eks.credentials_provider(c);
    }
    aws_sdk_lambda::Client::from_conf(lambda.build())
        .create_function()
        .function_name("probe")
        .runtime(Runtime::Python312)
        .role(&role_arn)
        .handler("app.handler")
        .code(FunctionCode::builder().zip_file(CODE.into()).build())
        .send()
        .await
        .expect("create_function");
    aws_sdk_eks::Client::from_conf(eks.build())
        .create_cluster()
        .name("probe")
        .role_arn(&role_arn)
        .resources_vpc_config(VpcConfigRequest::builder().build())
        .send()
        .await
        .expect("create_cluster");
}
