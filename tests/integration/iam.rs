//! IAM against moto: roles trusted by every kind of principal (the same
//! account, another account of the organization, an account outside it, a
//! service, anyone), a customer-managed policy with two versions attached
//! to a role and a group, inline policies, AWS-managed attachments, and a
//! user in a group with an access key, seeded in two accounts (the
//! management account with its own credentials, a member through
//! AssumeRole). A collection must find exactly that, field by field and
//! edge by edge, under one `ok` cell per account for the entities and one
//! for the access keys; and a denied `ListAccessKeys` must lose the keys
//! only. No snapshot may hold a whole access key id or its secret.
//! `recorded` replays AWS's own answers where moto cannot give them: a
//! paged answer, every document encoded, a key's last use with a region.
//!
//! moto (measured, 5.2.5): `GetAccountAuthorizationDetails` URL-encodes
//! inline and managed policy documents, as AWS does, but returns trust
//! policies as plain JSON; it ignores `MaxItems` and never pages (paging is
//! unit-tested against recorded answers in `orgscope-aws`). Its policy
//! details leave out `PolicyName` and `PolicyId` (AWS sends both: the name
//! is read from the ARN). It knows AWS-managed policies only when started
//! with `MOTO_IAM_LOAD_MANAGED_POLICIES=true`. Organizations'
//! `CreateAccount` gives each member an `OrganizationAccountAccessRole`
//! (trusting the management account), and using the role's session marks
//! the role used (no region). A request signed with a user's key marks the
//! key used. Times carry microseconds.

use std::collections::{BTreeMap, BTreeSet};

use aws_config::SdkConfig;
use aws_credential_types::Credentials;
use orgscope::collect::{self, CollectOptions, Hooks, Regions};
use orgscope::model::{
    Api, CoverageStatus, Edge, Estate, Kind, Place, Rel, Resource, Value, kinds,
};
use tokio_util::sync::CancellationToken;

use crate::support::moto::{self, MANAGEMENT_ACCOUNT, Moto};
use crate::support::proxy::{Fault, FaultProxy, Match, Rule, Rules};
use crate::support::seed;

mod recorded;

/// An account outside the organization.
const OUTSIDE: &str = "999999999999";
const DETAILS: &str = "iam:GetAccountAuthorizationDetails";
const V1: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}"#;
/// The default version: spaces, a `+`, a `%` and non-ASCII, all of which
/// travel URL-encoded.
const V2: &str = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "Deploy", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::builds+artifacts/50%/été/*"}]}"#;
const LOGS: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}]}"#;
const GROUP_INLINE: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "codebuild:StartBuild", "Resource": "*"}]}"#;
const USER_INLINE: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}"#;

/// A trust policy letting `principal` (a `Principal` value) assume the
/// role, pretty-printed as people write them.
fn trust(principal: serde_json::Value, condition: Option<serde_json::Value>) -> String {
    let mut statement = serde_json::json!({
        "Effect": "Allow",
        "Principal": principal,
        "Action": "sts:AssumeRole",
    });
    if let Some(c) = condition {
        statement["Condition"] = c;
    }
    serde_json::to_string_pretty(&serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [statement],
    }))
    .expect("trust JSON")
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

/// A seeded role: (id, trust policy, role id as IAM gave it).
#[derive(Debug, Clone)]
struct SeededRole {
    id: String,
    trust: String,
    role_id: String,
    created: String,
}

/// What was seeded in one account.
#[derive(Debug, Default)]
pub(crate) struct SeededIam {
    /// By name.
    roles: BTreeMap<String, SeededRole>,
    /// Name → id.
    users: BTreeMap<String, String>,
    groups: BTreeMap<String, String>,
    policies: BTreeMap<String, String>,
    /// alice's key: (id, secret, created).
    key: Option<(String, String, String)>,
}

fn rfc3339(t: Option<&aws_smithy_types::DateTime>) -> String {
    t.and_then(|t| t.fmt(aws_smithy_types::date_time::Format::DateTime).ok())
        .expect("a time")
}

async fn create_role(
    iam: &aws_sdk_iam::Client,
    seeded: &mut SeededIam,
    path: &str,
    name: &str,
    trust: String,
) {
    let out = iam
        .create_role()
        .path(path)
        .role_name(name)
        .assume_role_policy_document(&trust)
        .max_session_duration(7200)
        .description("seeded")
        .send()
        .await
        .unwrap_or_else(|e| panic!("create_role {name}: {e:?}"));
    let role = out.role().expect("role");
    seeded.roles.insert(
        name.to_string(),
        SeededRole {
            id: format!("{}{name}", path.trim_start_matches('/')),
            trust,
            role_id: role.role_id().to_string(),
            created: rfc3339(Some(role.create_date())),
        },
    );
}

/// The member's IAM: every kind of trust, a two-version customer-managed
/// policy attached to a role and a group, inline policies on a role, a
/// group and a user, an AWS-managed attachment, and alice (in the group,
/// with a key she has used) beside bob (no key).
pub(crate) async fn seed_member(
    conf: &SdkConfig,
    member: &str,
    tooling: &str,
    aws_managed: bool,
) -> SeededIam {
    let iam = seed::iam_client(conf, member).await;
    let mut s = SeededIam::default();
    let aws = |arn: String| serde_json::json!({ "AWS": arn });
    create_role(
        &iam,
        &mut s,
        "/",
        "same-account",
        trust(aws(format!("arn:aws:iam::{member}:root")), None),
    )
    .await;
    create_role(
        &iam,
        &mut s,
        "/service-role/",
        "ci-deploy",
        trust(aws(format!("arn:aws:iam::{tooling}:role/ci")), None),
    )
    .await;
    create_role(
        &iam,
        &mut s,
        "/",
        "vendor",
        trust(
            aws(format!("arn:aws:iam::{OUTSIDE}:root")),
            Some(serde_json::json!({"StringEquals": {"sts:ExternalId": "vendor-42"}})),
        ),
    )
    .await;
    create_role(
        &iam,
        &mut s,
        "/service-role/",
        "lambda-exec",
        trust(serde_json::json!({"Service": "lambda.amazonaws.com"}), None),
    )
    .await;
    create_role(
        &iam,
        &mut s,
        "/",
        "public",
        trust(serde_json::json!("*"), None),
    )
    .await;
    iam.put_role_policy()
        .role_name("lambda-exec")
        .policy_name("write-logs")
        .policy_document(LOGS)
        .send()
        .await
        .expect("put_role_policy");

    let policy_arn = iam
        .create_policy()
        .path("/team/")
        .policy_name("deploy")
        .policy_document(V1)
        .send()
        .await
        .expect("create_policy")
        .policy()
        .and_then(|p| p.arn())
        .expect("policy arn")
        .to_string();
    iam.create_policy_version()
        .policy_arn(&policy_arn)
        .policy_document(V2)
        .set_as_default(true)
        .send()
        .await
        .expect("create_policy_version");
    s.policies.insert("deploy".into(), "team/deploy".into());
    iam.attach_role_policy()
        .role_name("ci-deploy")
        .policy_arn(&policy_arn)
        .send()
        .await
        .expect("attach to role");
    if aws_managed {
        iam.attach_role_policy()
            .role_name("vendor")
            .policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
            .send()
            .await
            .expect("attach AWS-managed");
    }

    iam.create_group()
        .path("/people/")
        .group_name("deployers")
        .send()
        .await
        .expect("create_group");
    s.groups
        .insert("deployers".into(), "people/deployers".into());
    iam.put_group_policy()
        .group_name("deployers")
        .policy_name("build")
        .policy_document(GROUP_INLINE)
        .send()
        .await
        .expect("put_group_policy");
    iam.attach_group_policy()
        .group_name("deployers")
        .policy_arn(&policy_arn)
        .send()
        .await
        .expect("attach to group");

    for (path, name) in [("/", "alice"), ("/ops/", "bob")] {
        iam.create_user()
            .path(path)
            .user_name(name)
            .send()
            .await
            .unwrap_or_else(|e| panic!("create_user {name}: {e:?}"));
        s.users.insert(
            name.into(),
            format!("{}{name}", path.trim_start_matches('/')),
        );
    }
    iam.add_user_to_group()
        .group_name("deployers")
        .user_name("alice")
        .send()
        .await
        .expect("add_user_to_group");
    iam.put_user_policy()
        .user_name("bob")
        .policy_name("deny-all")
        .policy_document(USER_INLINE)
        .send()
        .await
        .expect("put_user_policy");
    let key = iam
        .create_access_key()
        .user_name("alice")
        .send()
        .await
        .expect("create_access_key");
    let key = key.access_key().expect("access key");
    s.key = Some((
        key.access_key_id().to_string(),
        key.secret_access_key().to_string(),
        rfc3339(key.create_date()),
    ));
    // alice uses her key once: moto records it as the key's last use.
    let as_alice = aws_sdk_sts::config::Builder::from(conf)
        .credentials_provider(Credentials::new(
            key.access_key_id(),
            key.secret_access_key(),
            None,
            None,
            "alice",
        ))
        .build();
    aws_sdk_sts::Client::from_conf(as_alice)
        .get_caller_identity()
        .send()
        .await
        .expect("alice signs a request");
    s
}

/// The management account's IAM: a role trusted by another account of
/// the organization, one trusted by the account itself.
async fn seed_management(conf: &SdkConfig, tooling: &str) -> SeededIam {
    let iam = seed::iam_client(conf, MANAGEMENT_ACCOUNT).await;
    let mut s = SeededIam::default();
    create_role(
        &iam,
        &mut s,
        "/",
        "org-audit",
        trust(
            serde_json::json!({"AWS": [format!("arn:aws:iam::{tooling}:root")]}),
            None,
        ),
    )
    .await;
    create_role(
        &iam,
        &mut s,
        "/admin/",
        "break-glass",
        trust(
            serde_json::json!({"AWS": format!("arn:aws:iam::{MANAGEMENT_ACCOUNT}:root")}),
            Some(serde_json::json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}})),
        ),
    )
    .await;
    s
}

/// moto with an organization of the management account and two members,
/// `prod` (seeded with IAM) and `tooling` (the trusted account, nothing of
/// its own but the role Organizations gives every member).
struct Fixture {
    moto: Moto,
    prod: String,
    tooling: String,
    management: SeededIam,
    member: SeededIam,
}

/// `aws_managed`: attach an AWS-managed policy to a role too, as in a real
/// account; moto then loads them into every account's IAM, which costs
/// seconds each.
async fn fixture(aws_managed: bool) -> Fixture {
    // moto knows AWS's managed policies only when told so at start.
    let moto = if aws_managed {
        Moto::start_with(&[("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")])
    } else {
        Moto::start()
    };
    let conf = moto.sdk_config().await;
    let mut org = seed::empty_org(&conf).await;
    let client = aws_sdk_organizations::Client::new(&conf);
    let prod =
        seed::create_account(&client, &mut org, "iam-prod", "Workloads", BTreeMap::new()).await;
    let tooling =
        seed::create_account(&client, &mut org, "tooling", "Shared", BTreeMap::new()).await;
    let management = seed_management(&conf, &tooling).await;
    let member = seed_member(&conf, &prod, &tooling, aws_managed).await;
    Fixture {
        moto,
        prod,
        tooling,
        management,
        member,
    }
}

fn options(base: SdkConfig) -> CollectOptions {
    CollectOptions {
        regions: Regions::List(vec!["us-east-1".into()]),
        // moto ignores it for this call; a real account would page.
        page_size: 2,
        initial_backoff: std::time::Duration::from_millis(1),
        hooks: Hooks {
            base_config: Some(base),
            interceptors: Vec::new(),
        },
        ..CollectOptions::default()
    }
}

async fn collect(opts: CollectOptions) -> Estate {
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    collect::collect(opts, tx, CancellationToken::new())
        .await
        .expect("collection")
}

/// The resources of `kind` in `account` by path and name: each id is the
/// ARN's resource part, the kind's word first (`role/service-role/x`),
/// which this checks and strips.
fn of_kind<'a>(e: &'a Estate, account: &str, kind: Kind) -> BTreeMap<&'a str, &'a Resource> {
    let word = match kind {
        kinds::IAM_ROLE => "role/",
        kinds::IAM_USER => "user/",
        kinds::IAM_GROUP => "group/",
        _ => "policy/",
    };
    e.resources
        .iter()
        .filter(|r| r.account_id == account && r.kind == kind)
        .map(|r| {
            let id =
                r.id.strip_prefix(word)
                    .unwrap_or_else(|| panic!("{} id {} without {word}", kind.def().name, r.id));
            (id, r)
        })
        .collect()
}

fn text<'a>(r: &'a Resource, field: &str) -> Option<&'a str> {
    r.text(field)
}

fn list(r: &Resource, field: &str) -> Option<Vec<String>> {
    match r.get(field) {
        Some(Value::List(l)) => Some(l.to_vec()),
        Some(Value::Null) | None => None,
        Some(other) => panic!("{field} is not a list: {other:?}"),
    }
}

fn status(e: &Estate, account: &str, api: &str) -> Option<(CoverageStatus, Option<String>)> {
    e.coverage
        .iter()
        .find(|c| c.account_id == account && c.region == Place::Global && c.api.as_str() == api)
        .map(|c| (c.status, c.code.clone()))
}

/// The role Organizations gives every member, as moto makes it.
const ORG_ROLE: &str = "OrganizationAccountAccessRole";

#[test]
fn iam_of_two_accounts_is_collected_as_seeded() {
    let rt = crate::support::runtime();
    rt.block_on(async {
        let fx = fixture(true).await;
        let estate = collect(options(fx.moto.sdk_config().await)).await;
        assert!(
            !estate.is_partial(),
            "{:?}",
            estate.failed_cells().collect::<Vec<_>>()
        );

        // One ok cell per active account for the entities and one for the
        // keys, all global.
        for account in [MANAGEMENT_ACCOUNT, &fx.prod, &fx.tooling] {
            for api in [DETAILS, Api::LIST_ACCESS_KEYS.as_str()] {
                assert_eq!(
                    status(&estate, account, api),
                    Some((CoverageStatus::Ok, None)),
                    "{account} {api}"
                );
            }
        }
        let iam_cells = estate
            .coverage
            .iter()
            .filter(|c| c.api.as_str().starts_with("iam:"))
            .count();
        assert_eq!(iam_cells, 3 * 2);
        for r in estate
            .resources
            .iter()
            .filter(|r| r.kind.def().service == "iam")
        {
            assert_eq!(r.region, "global", "{r:?}");
        }

        // Management account: its two roles, nothing else.
        let roles = of_kind(&estate, MANAGEMENT_ACCOUNT, kinds::IAM_ROLE);
        assert_eq!(
            roles.keys().copied().collect::<Vec<_>>(),
            ["admin/break-glass", "org-audit"]
        );
        check_roles(&roles, &fx.management);
        for kind in [kinds::IAM_USER, kinds::IAM_GROUP, kinds::IAM_POLICY] {
            assert!(of_kind(&estate, MANAGEMENT_ACCOUNT, kind).is_empty());
        }
        // The trusted member: only the role Organizations created, used by
        // this very collection's session.
        let tooling_roles = of_kind(&estate, &fx.tooling, kinds::IAM_ROLE);
        assert_eq!(
            tooling_roles.keys().copied().collect::<Vec<_>>(),
            [ORG_ROLE]
        );
        let org_role = tooling_roles[ORG_ROLE];
        // Created with the path "", listed with "/".
        assert_eq!(text(org_role, "path"), Some("/"));
        assert!(text(org_role, "last_used").is_some_and(|t| t.ends_with('Z')));
        let org_trust = json(text(org_role, "trust_policy").expect("trust"));
        assert_eq!(
            org_trust["Statement"][0]["Principal"]["AWS"],
            format!("arn:aws:iam::{MANAGEMENT_ACCOUNT}:root")
        );

        // The member: every seeded role, plus Organizations' own.
        let roles = of_kind(&estate, &fx.prod, kinds::IAM_ROLE);
        let mut want: BTreeSet<&str> = fx.member.roles.values().map(|r| r.id.as_str()).collect();
        want.insert(ORG_ROLE);
        assert_eq!(roles.keys().copied().collect::<BTreeSet<_>>(), want);
        check_roles(&roles, &fx.member);
        let lambda = roles["service-role/lambda-exec"];
        assert_eq!(
            json(text(lambda, "inline_policies").expect("inline")),
            serde_json::json!({ "write-logs": json(LOGS) })
        );
        assert_eq!(text(roles["vendor"], "inline_policies"), Some("{}"));
        assert_eq!(
            roles["service-role/ci-deploy"].relations,
            [Edge::new(Rel::Uses, kinds::IAM_POLICY, "policy/team/deploy").named("deploy")]
        );
        assert_eq!(
            roles["vendor"].relations,
            [
                Edge::new(Rel::Uses, kinds::IAM_POLICY, "policy/ReadOnlyAccess")
                    .named("ReadOnlyAccess")
                    .in_account("aws")
            ]
        );
        assert!(roles["public"].relations.is_empty());

        let policies = of_kind(&estate, &fx.prod, kinds::IAM_POLICY);
        assert_eq!(
            policies.keys().copied().collect::<Vec<_>>(),
            ["team/deploy"]
        );
        let deploy = policies["team/deploy"];
        assert_eq!(deploy.name.as_deref(), Some("deploy"));
        assert_eq!(text(deploy, "path"), Some("/team/"));
        // moto leaves `PolicyId` (and `PolicyName`) out, AWS sends them:
        // the name comes from the ARN, the id stays unknown.
        assert!(
            deploy.get("policy_id") == Some(&Value::Null)
                || text(deploy, "policy_id").is_some_and(|id| id.starts_with("ANPA"))
        );
        assert_eq!(text(deploy, "default_version"), Some("v2"));
        assert_eq!(deploy.get("attachments"), Some(&Value::Number(2)));
        // The default version's document, decoded byte for byte.
        assert_eq!(text(deploy, "document"), Some(V2));
        assert!(text(deploy, "created").is_some() && text(deploy, "updated").is_some());
        assert_eq!(
            deploy.arn(),
            format!("arn:aws:iam::{}:policy/team/deploy", fx.prod)
        );

        let groups = of_kind(&estate, &fx.prod, kinds::IAM_GROUP);
        assert_eq!(
            groups.keys().copied().collect::<Vec<_>>(),
            ["people/deployers"]
        );
        let deployers = groups["people/deployers"];
        assert_eq!(text(deployers, "path"), Some("/people/"));
        assert!(text(deployers, "group_id").is_some_and(|id| !id.is_empty()));
        assert_eq!(
            json(text(deployers, "inline_policies").expect("inline")),
            serde_json::json!({ "build": json(GROUP_INLINE) })
        );
        assert_eq!(
            deployers.relations,
            [Edge::new(Rel::Uses, kinds::IAM_POLICY, "policy/team/deploy").named("deploy")]
        );

        let users = of_kind(&estate, &fx.prod, kinds::IAM_USER);
        assert_eq!(
            users.keys().copied().collect::<Vec<_>>(),
            ["alice", "ops/bob"]
        );
        let (alice, bob) = (users["alice"], users["ops/bob"]);
        assert_eq!(
            alice.relations,
            [
                Edge::new(Rel::InGroup, kinds::IAM_GROUP, "group/people/deployers")
                    .named("deployers")
            ]
        );
        assert!(text(alice, "user_id").is_some_and(|id| !id.is_empty()));
        assert_eq!(text(alice, "inline_policies"), Some("{}"));
        let (key_id, _, key_created) = fx.member.key.clone().expect("seeded key");
        let keys = list(alice, "access_keys").expect("alice's keys were read");
        assert_eq!(keys.len(), 1, "{keys:?}");
        let parts: Vec<&str> = keys[0].split(' ').collect();
        assert_eq!(parts.len(), 4, "{keys:?}");
        assert_eq!(parts[0], &key_id[key_id.len() - 4..]);
        assert_eq!(parts[1], "Active");
        assert_eq!(parts[2], key_created);
        assert!(
            parts[3].ends_with('Z') && parts[3] >= parts[2],
            "used: {keys:?}"
        );
        assert_eq!(list(bob, "access_keys"), Some(Vec::new()));
        assert_eq!(text(bob, "path"), Some("/ops/"));
        assert_eq!(
            json(text(bob, "inline_policies").expect("inline")),
            serde_json::json!({ "deny-all": json(USER_INLINE) })
        );
        assert!(bob.relations.is_empty());

        // The snapshot holds neither the whole key id nor its secret.
        assert_no_key_in_snapshot(&estate, &fx.member);
    });
}

/// Each seeded role as collected: id, name, raw fields; the trust policy
/// is the document seeded (moto sends it as it was given).
fn check_roles(roles: &BTreeMap<&str, &Resource>, seeded: &SeededIam) {
    for (name, s) in &seeded.roles {
        let r = roles
            .get(s.id.as_str())
            .unwrap_or_else(|| panic!("role {} not collected", s.id));
        assert_eq!(r.name.as_deref(), Some(name.as_str()));
        let path = format!("/{}", s.id.strip_suffix(name.as_str()).unwrap_or_default());
        assert_eq!(text(r, "path"), Some(path.as_str()), "{name}");
        assert_eq!(text(r, "role_id"), Some(s.role_id.as_str()), "{name}");
        assert_eq!(text(r, "created"), Some(s.created.as_str()), "{name}");
        assert_eq!(
            json(text(r, "trust_policy").expect("trust policy")),
            json(&s.trust),
            "{name}"
        );
        // Never used (moto sets no last use without a session).
        assert_eq!(r.get("last_used"), Some(&Value::Null), "{name}");
        // Not in GetAccountAuthorizationDetails' answer: not fields.
        assert_eq!(r.get("max_session"), None, "{name}");
        assert_eq!(r.get("description"), None, "{name}");
        assert_eq!(
            r.arn(),
            format!("arn:aws:iam::{}:role/{}", r.account_id, s.id)
        );
    }
}

fn assert_no_key_in_snapshot(estate: &Estate, member: &SeededIam) {
    let (key_id, secret, _) = member.key.clone().expect("seeded key");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("estate.json");
    orgscope::snapshot::write(&path, estate).expect("write snapshot");
    let text = std::fs::read_to_string(&path).expect("read snapshot");
    assert!(
        text.contains(&key_id[key_id.len() - 4..]),
        "the key's tail is kept"
    );
    assert!(
        !text.contains(&key_id),
        "the whole access key id is in the snapshot"
    );
    assert!(
        !text.contains(&key_id[..key_id.len() - 4]),
        "the key id's head is in the snapshot"
    );
    assert!(!text.contains(&secret), "the secret is in the snapshot");
}

#[test]
fn a_denied_list_access_keys_loses_the_keys_not_the_roles() {
    let rt = crate::support::runtime();
    rt.block_on(async {
        let fx = fixture(false).await;
        let rules = Rules::none().with(Rule::new(
            Match::any().action("iam:ListAccessKeys").account(&fx.prod),
            Fault::error(
                403,
                "AccessDenied",
                "User: arn:aws:sts::111111111111:assumed-role/orgscope/x is not authorized \
                 to perform: iam:ListAccessKeys",
            ),
        ));
        let proxy = FaultProxy::start(&fx.moto.endpoint(), rules)
            .await
            .expect("proxy");
        let base = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .endpoint_url(proxy.endpoint())
            .region(aws_config::Region::new("us-east-1"))
            .credentials_provider(Credentials::new(
                moto::ACCESS_KEY,
                moto::ACCESS_KEY,
                None,
                None,
                "test",
            ))
            .load()
            .await;
        let estate = collect(options(base)).await;
        let failed: Vec<_> = estate
            .failed_cells()
            .map(|c| {
                (
                    c.account_id.clone(),
                    c.region.clone(),
                    c.api.to_string(),
                    c.status,
                )
            })
            .collect();
        assert_eq!(
            failed,
            [(
                fx.prod.clone(),
                Place::Global,
                "iam:ListAccessKeys".to_string(),
                CoverageStatus::Denied
            )]
        );
        let message = estate
            .coverage
            .iter()
            .find(|c| c.status == CoverageStatus::Denied)
            .and_then(|c| c.message.clone())
            .unwrap_or_default();
        assert!(message.contains("of 2 users were not read"), "{message}");
        assert_eq!(
            status(&estate, &fx.prod, DETAILS),
            Some((CoverageStatus::Ok, None))
        );
        // Roles, groups, policies and users are all there; the keys are
        // unknown (null), not "none".
        let roles = of_kind(&estate, &fx.prod, kinds::IAM_ROLE);
        assert_eq!(roles.len(), fx.member.roles.len() + 1);
        let users = of_kind(&estate, &fx.prod, kinds::IAM_USER);
        assert_eq!(users.len(), 2);
        for user in users.values() {
            assert_eq!(user.get("access_keys"), Some(&Value::Null));
        }
        assert_eq!(of_kind(&estate, &fx.prod, kinds::IAM_POLICY).len(), 1);
        // Never retried: AccessDenied is final, and each user was asked once.
        assert_eq!(proxy.seen_for(&fx.prod, "iam:ListAccessKeys"), 2);
        assert_eq!(proxy.seen_for(&fx.prod, "iam:GetAccessKeyLastUsed"), 0);
    });
}
