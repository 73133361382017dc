//! The IAM Identity Center access mode as a user runs it: the real binary,
//! an SSO profile and its cached sign-in in a scratch HOME, and the fault
//! proxy playing the SSO portal (moto has none) in front of moto. The
//! portal hands out real moto credentials per account, so what orgscope
//! collects through a permission set is what was seeded there.
//!
//! Covered: collection through a permission set (no `sts:AssumeRole` at
//! all), an account where the permission set is not assigned (one `denied`
//! cell, the rest collected), an expired or revoked sign-in (one line that
//! says to log in again), the permission-set listing with paging, and a
//! sign-in that cannot read Organizations (the portal's accounts instead).

use std::path::Path;

use orgscope::model::{Api, CoverageStatus, kinds};
use sha1::Digest as _;

use crate::support::moto::Moto;
use crate::support::proxy::{
    Fault, FaultProxy, MOTO_BASE_ACCOUNT, Match, PortalAccount, Rule, Rules, SsoPortal,
};
use crate::support::seed;

const TOKEN: &str = "sso-access-token-of-the-test";
const PROFILE: &str = "corp";
const SESSION: &str = "corp-sso";

/// `~/.aws/config` with an SSO profile, and the CLI's cached token for its
/// session (named by the SHA-1 of the session name, as the AWS CLI does).
fn sso_home(home: &Path, token: &str, expires_at: &str) {
    let aws = home.join(".aws");
    std::fs::create_dir_all(aws.join("sso").join("cache")).expect("mkdir");
    std::fs::write(
        aws.join("config"),
        format!(
            "[profile {PROFILE}]\nsso_session = {SESSION}\nsso_account_id = {}\n\
             sso_role_name = ReadOnlyAccess\nregion = us-east-1\n\n\
             [sso-session {SESSION}]\nsso_start_url = https://d-test.awsapps.com/start\n\
             sso_region = us-east-1\n",
            MOTO_BASE_ACCOUNT
        ),
    )
    .expect("config");
    let name = hex::encode(sha1::Sha1::digest(SESSION.as_bytes()));
    std::fs::write(
        aws.join("sso").join("cache").join(format!("{name}.json")),
        serde_json::json!({
            "startUrl": "https://d-test.awsapps.com/start",
            "region": "us-east-1",
            "accessToken": token,
            "expiresAt": expires_at,
        })
        .to_string(),
    )
    .expect("token cache");
}

fn orgscope(proxy: &FaultProxy, home: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_orgscope"));
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("AWS_CONFIG_FILE", home.join(".aws").join("config"))
        .env("AWS_ENDPOINT_URL", proxy.endpoint())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(std::process::Stdio::null());
    cmd
}

/// `orgscope collect --permission-set ReadOnlyAccess` in us-east-1: its
/// output and the snapshot's path.
fn collect_with_read_only(e: &Estate) -> (std::process::Output, std::path::PathBuf) {
    let out = e.home.path().join("estate.json");
    let run = orgscope(&e.proxy, e.home.path())
        .args([
            "collect",
            "--profile",
            PROFILE,
            "--permission-set",
            "ReadOnlyAccess",
            "--regions",
            "us-east-1",
            "--out",
        ])
        .arg(&out)
        .output()
        .expect("run orgscope");
    (run, out)
}

struct Estate {
    _moto: Moto,
    proxy: FaultProxy,
    home: tempfile::TempDir,
    member: String,
    outsider: String,
}

/// An org of three accounts: the management account and `member` hold
/// ReadOnlyAccess, `outsider` only AdministratorAccess. A VPC is seeded in
/// `member` to prove its calls land in its own account.
async fn estate() -> Estate {
    let moto = Moto::start();
    let conf = moto.sdk_config().await;
    let mut seeded = seed::empty_org(&conf).await;
    let org = aws_sdk_organizations::Client::new(&conf);
    let member =
        seed::create_account(&org, &mut seeded, "payments-prod", "", Default::default()).await;
    let outsider =
        seed::create_account(&org, &mut seeded, "security-audit", "", Default::default()).await;
    seed::ec2_client(&conf, &member, "us-east-1")
        .await
        .create_vpc()
        .cidr_block("10.42.0.0/16")
        .send()
        .await
        .expect("create_vpc in the member");
    let proxy = FaultProxy::start(&moto.endpoint(), Rules::none())
        .await
        .expect("proxy");
    let account = |id: &str, name: &str, sets: &[&str]| PortalAccount {
        id: id.to_string(),
        name: name.to_string(),
        permission_sets: sets.iter().map(|s| s.to_string()).collect(),
    };
    proxy.set_sso_portal(SsoPortal {
        tokens: vec![TOKEN.to_string()],
        accounts: vec![
            account(MOTO_BASE_ACCOUNT, "master", &["ReadOnlyAccess"]),
            account(
                &member,
                "payments-prod",
                &["AdministratorAccess", "ReadOnlyAccess"],
            ),
            account(&outsider, "security-audit", &["AdministratorAccess"]),
        ],
        page_size: 1,
    });
    let home = tempfile::tempdir().expect("tempdir");
    Estate {
        _moto: moto,
        proxy,
        home,
        member,
        outsider,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_permission_set_collects_every_account_it_is_assigned_in() {
    let e = estate().await;
    sso_home(e.home.path(), TOKEN, "2099-01-01T00:00:00Z");
    let (run, out) = collect_with_read_only(&e);
    let stderr = String::from_utf8_lossy(&run.stderr);
    // Partial: the outsider cannot be entered with ReadOnlyAccess.
    assert_eq!(run.status.code(), Some(3), "stderr: {stderr}");
    assert!(
        !stderr.contains("OrganizationAccountAccessRole"),
        "no role warning in this mode: {stderr}"
    );
    let estate = orgscope::snapshot::read(&out).expect("snapshot");
    assert_eq!(estate.accounts.len(), 3, "the organization's accounts");
    assert!(
        estate
            .source
            .label
            .contains("permission set ReadOnlyAccess"),
        "{}",
        estate.source.label
    );
    assert_eq!(estate.role_name.as_deref(), Some("ReadOnlyAccess"));

    let entry = |account: &str| {
        estate
            .coverage
            .iter()
            .find(|c| c.account_id == account && c.api == Api::GET_ROLE_CREDENTIALS)
            .unwrap_or_else(|| panic!("no GetRoleCredentials cell for {account}"))
    };
    assert_eq!(entry(&e.member).status, CoverageStatus::Ok);
    let denied = entry(&e.outsider);
    assert_eq!(denied.status, CoverageStatus::Denied);
    assert_eq!(denied.code.as_deref(), Some("ForbiddenException"));
    let said = denied.message.as_deref().unwrap_or_default();
    assert!(
        said.contains("permission set ReadOnlyAccess is not assigned to you"),
        "{said}"
    );
    // The outsider has that one cell; the member's EC2 cells are all there.
    assert_eq!(
        estate
            .coverage
            .iter()
            .filter(|c| c.account_id == e.outsider)
            .count(),
        1
    );
    assert!(
        estate
            .coverage
            .iter()
            .filter(|c| c.account_id == e.member)
            .all(|c| c.status == CoverageStatus::Ok),
        "member cells"
    );
    // The member's VPC, found in the member (moto routed the portal's
    // credentials there), and no role was assumed by orgscope.
    let vpcs: Vec<_> = estate
        .resources
        .iter()
        .filter(|r| r.kind == kinds::VPC && r.account_id == e.member)
        .filter_map(|r| r.text("cidr").map(str::to_string))
        .collect();
    assert!(vpcs.iter().any(|c| c == "10.42.0.0/16"), "{vpcs:?}");
    assert_eq!(
        e.proxy.seen("sts:AssumeRole"),
        0,
        "{:?}",
        e.proxy.seen_all()
    );
    assert!(e.proxy.seen("sso:/federation/credentials") >= 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_or_revoked_sign_in_says_to_log_in_again() {
    let e = estate().await;
    for (token, expires, why) in [
        (TOKEN, "2001-01-01T00:00:00Z", "expired in the cache"),
        (
            "revoked-token",
            "2099-01-01T00:00:00Z",
            "refused by the portal",
        ),
    ] {
        sso_home(e.home.path(), token, expires);
        for args in [
            &[
                "collect",
                "--profile",
                PROFILE,
                "--permission-set",
                "ReadOnlyAccess",
            ][..],
            &["permission-sets", "--profile", PROFILE][..],
        ] {
            let run = orgscope(&e.proxy, e.home.path())
                .args(args)
                .output()
                .expect("run orgscope");
            let stderr = String::from_utf8_lossy(&run.stderr);
            assert_eq!(run.status.code(), Some(1), "{why} {args:?}: {stderr}");
            assert!(
                stderr.contains(&format!("aws sso login --profile {PROFILE}")),
                "{why} {args:?}: {stderr}"
            );
            assert!(
                stderr.lines().count() <= 2,
                "{why} {args:?}: one line, not a dump: {stderr}"
            );
            assert!(run.stdout.is_empty());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_permission_sets_are_listed_with_their_accounts_across_pages() {
    let e = estate().await;
    sso_home(e.home.path(), TOKEN, "2099-01-01T00:00:00Z");
    let run = orgscope(&e.proxy, e.home.path())
        .args(["permission-sets", "--profile", PROFILE, "--format", "json"])
        .output()
        .expect("run orgscope");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(0), "{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&run.stdout).expect("json");
    let listed: Vec<(String, Vec<String>)> = json
        .as_array()
        .expect("array")
        .iter()
        .map(|s| {
            let name = s["permission_set"].as_str().unwrap_or_default().to_string();
            let accounts = s["accounts"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|a| a["name"].as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            (name, accounts)
        })
        .collect();
    assert_eq!(
        listed,
        vec![
            (
                "AdministratorAccess".to_string(),
                vec!["payments-prod".to_string(), "security-audit".to_string()]
            ),
            (
                "ReadOnlyAccess".to_string(),
                vec!["master".to_string(), "payments-prod".to_string()]
            ),
        ]
    );
    // One account per page: three pages of accounts, and the member's two
    // roles over two pages.
    assert_eq!(e.proxy.seen("sso:/assignment/accounts"), 3);
    assert_eq!(e.proxy.seen("sso:/assignment/roles"), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_organizations_the_portal_lists_the_accounts() {
    let e = estate().await;
    sso_home(e.home.path(), TOKEN, "2099-01-01T00:00:00Z");
    e.proxy.set_rules(Rules::none().with(Rule::new(
        Match::any().service("organizations"),
        Fault::error(
            400,
            "AccessDeniedException",
            "not authorized to describe the organization",
        ),
    )));
    let (run, out) = collect_with_read_only(&e);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(3), "stderr: {stderr}");
    assert!(stderr.contains("IAM Identity Center lists"), "{stderr}");
    let estate = orgscope::snapshot::read(&out).expect("snapshot");
    let mut names: Vec<_> = estate.accounts.iter().map(|a| a.name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["master", "payments-prod", "security-audit"]);
    assert!(estate.organization.is_none());
    assert!(
        estate
            .resources
            .iter()
            .any(|r| r.account_id == e.member && r.kind == kinds::VPC),
        "the member was collected"
    );
}
