//! Sign-in from the welcome screen, headless (egui_kittest, the real app):
//! a failed sign-in stays on the screen with its next step as a button,
//! and the button does it — opens the demo estate when there are no
//! credentials, runs `aws sso login --profile P` (a stand-in that records
//! its arguments) and connects again when the IAM Identity Center sign-in
//! expired. The permission-set mode of the form asks for a name before it
//! connects and says what is wrong without a profile.

use crate::support::runtime;
use std::path::Path;
use std::time::Duration;

use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, future};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable};
use orgscope::collect::Hooks;
use orgscope::ui::state::Connection;
use orgscope::ui::{OrgscopeApp, Settings};

/// Credentials that fail the way the chain fails: none anywhere, or a
/// provider (SSO) that cannot give them.
#[derive(Debug)]
struct Failing {
    nothing_found: bool,
}

impl ProvideCredentials for Failing {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::ready(Err(if self.nothing_found {
            CredentialsError::not_loaded("no providers in chain provided credentials")
        } else {
            CredentialsError::provider_error("the SSO token has expired and cannot be refreshed")
        }))
    }
}

/// The real app whose sign-in fails as `failing` does; nothing is listening
/// at its endpoint, and no request gets that far.
fn app(
    rt: &tokio::runtime::Runtime,
    failing: Failing,
    connection: Connection,
    aws_cli: &Path,
) -> Harness<'static, OrgscopeApp> {
    let conf = rt.block_on(
        aws_config::defaults(aws_config::BehaviorVersion::latest())
            .endpoint_url("http://127.0.0.1:9")
            .region(aws_config::Region::new("us-east-1"))
            .credentials_provider(failing)
            .load(),
    );
    let handle = rt.handle().clone();
    let aws_cli = aws_cli.to_path_buf();
    Harness::builder()
        .with_size([1400.0, 1000.0])
        .with_max_steps(64)
        .build_eframe(move |cc| {
            let settings = Settings {
                connection,
                ..Settings::default()
            };
            OrgscopeApp::with_settings(&cc.egui_ctx, settings, handle)
                .with_collect_hooks(Hooks {
                    base_config: Some(conf),
                    interceptors: Vec::new(),
                })
                .with_aws_cli(aws_cli)
        })
}

/// Step frames until the app has no background work left (a run or a
/// login), waiting on its worker channel.
fn settle(h: &mut Harness<'static, OrgscopeApp>) {
    for _ in 0..50 {
        h.run();
        if !h.state().is_collecting() && !h.state_mut().wait_for_worker(Duration::from_millis(200))
        {
            break;
        }
    }
    h.run();
}

/// The app on a machine with no AWS credentials and no AWS CLI.
fn without_credentials(rt: &tokio::runtime::Runtime) -> Harness<'static, OrgscopeApp> {
    app(
        rt,
        Failing {
            nothing_found: true,
        },
        connection(),
        Path::new("/nonexistent/aws"),
    )
}

fn connection() -> Connection {
    Connection {
        regions: ["us-east-1".to_string()].into(),
        ..Connection::default()
    }
}

#[test]
fn without_credentials_the_welcome_screen_offers_the_demo() {
    let rt = runtime();
    let mut h = without_credentials(&rt);
    h.run();
    h.get_by_role_and_label(Role::Button, "Connect and collect")
        .click();
    settle(&mut h);
    let said = h.state().sign_in_problem().unwrap_or_default().to_string();
    assert!(said.contains("no AWS credentials found"), "{said}");
    assert!(h.state().estate().is_none(), "still on the welcome screen");
    // The message is on the screen (the card, and the log), with its button.
    assert!(
        h.query_all_by_label_contains("no AWS credentials found")
            .next()
            .is_some()
    );
    h.get_by_role_and_label(Role::Button, "Open the demo estate")
        .click();
    h.run();
    h.run();
    assert!(h.state().estate().is_some(), "the demo estate opened");
}

#[test]
fn an_expired_sso_sign_in_is_renewed_by_its_button_and_the_run_goes_again() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let record = dir.path().join("args");
    // The AWS CLI's stand-in: records how it was called, succeeds.
    let script = dir.path().join("aws");
    std::fs::write(
        &script,
        format!("#!/bin/sh\necho \"$@\" >> '{}'\n", record.display()),
    )
    .expect("script");
    std::process::Command::new("chmod")
        .arg("+x")
        .arg(&script)
        .status()
        .expect("chmod");
    let mut h = app(
        &rt,
        Failing {
            nothing_found: false,
        },
        Connection {
            profile: Some("corp".into()),
            ..connection()
        },
        &script,
    );
    h.run();
    h.get_by_role_and_label(Role::Button, "Connect and collect")
        .click();
    settle(&mut h);
    let said = h.state().sign_in_problem().unwrap_or_default().to_string();
    assert!(said.contains("aws sso login --profile corp"), "{said}");
    assert!(
        h.query_by_role_and_label(Role::Button, "Open the demo estate")
            .is_none(),
        "credentials exist; the demo is not the answer"
    );
    h.get_by_role_and_label(Role::Button, "Sign in with IAM Identity Center")
        .click();
    settle(&mut h);
    let called = std::fs::read_to_string(&record).unwrap_or_default();
    assert_eq!(called.trim(), "sso login --profile corp");
    // The login "succeeded" and the run went again: it failed the same
    // way (the stand-in renews nothing), so the problem is back, logged
    // twice.
    assert!(h.state().sign_in_problem().is_some());
    let failures = h
        .state()
        .log_lines()
        .iter()
        .filter(|l| l.contains("cannot sign in"))
        .count();
    assert_eq!(failures, 2, "{:?}", h.state().log_lines());
    assert!(
        h.state()
            .log_lines()
            .iter()
            .any(|l| l.contains("Signed in to IAM Identity Center with profile corp")),
        "{:?}",
        h.state().log_lines()
    );
}

#[test]
fn the_permission_set_mode_needs_a_name_and_an_sso_profile() {
    let rt = runtime();
    let mut h = without_credentials(&rt);
    h.run();
    h.get_by_role_and_label(Role::RadioButton, "IAM Identity Center permission set")
        .click();
    h.run();
    // No name yet: Connect waits for one.
    assert!(
        h.get_by_role_and_label(Role::Button, "Connect and collect")
            .accesskit_node()
            .is_disabled()
    );
    h.get_by_label("Permission set").focus();
    h.run();
    h.get_by_label("Permission set").type_text("ReadOnlyAccess");
    h.run();
    assert_eq!(
        h.state().settings().connection.permission_set,
        "ReadOnlyAccess"
    );
    h.get_by_role_and_label(Role::Button, "List permission sets")
        .click();
    settle(&mut h);
    // "default credentials" is no IAM Identity Center profile: the listing
    // says so in the log and on the form.
    assert!(
        h.state()
            .log_lines()
            .iter()
            .any(|l| l.contains("choose one (--profile on the command line")),
        "{:?}",
        h.state().log_lines()
    );
    assert!(
        h.query_all_by_label_contains("sign-in of an IAM Identity Center profile")
            .next()
            .is_some(),
        "the form shows why"
    );
}
