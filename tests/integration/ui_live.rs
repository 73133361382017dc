//! Live collection inside the desktop app, headless: the app collects an
//! organization seeded in moto through the fault proxy, which denies
//! AssumeRole into one account. Accounts and resources must appear in the
//! org tree and the pane, and the denied account must carry its badge.
//! With an MFA device, the code typed in the app's dialog becomes the
//! session every AssumeRole is signed with.

use crate::support::runtime;
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use orgscope::collect::Hooks;
use orgscope::model::CoverageStatus;
use orgscope::ui::state::Connection;
use orgscope::ui::{OrgscopeApp, Settings};

use crate::support::moto::Moto;
use crate::support::proxy::{FaultProxy, Rule, Rules};
use crate::support::seed;

#[test]
fn live_collection_fills_the_tree_and_badges_the_denied_account() {
    let rt = runtime();
    let moto = Moto::start();
    let (seeded, allowed, denied) = rt.block_on(async {
        let conf = moto.sdk_config().await;
        let mut seeded = seed::empty_org(&conf).await;
        let org = aws_sdk_organizations::Client::new(&conf);
        let tags = |env: &str| BTreeMap::from([("env".to_string(), env.to_string())]);
        let allowed = seed::create_account(
            &org,
            &mut seeded,
            "shop-prod",
            "Workloads/Prod",
            tags("prod"),
        )
        .await;
        let denied = seed::create_account(
            &org,
            &mut seeded,
            "shop-test",
            "Workloads/Test",
            tags("test"),
        )
        .await;
        seed::seed_region(
            &conf,
            &mut seeded,
            &allowed,
            "us-east-1",
            seed::SMALL,
            1,
            false,
        )
        .await;
        seed::measure_default_subnets(&conf, &mut seeded, "us-east-1").await;
        (seeded, allowed, denied)
    });
    let proxy = rt
        .block_on(FaultProxy::start(
            &moto.endpoint(),
            Rules::none().with(Rule::deny_assume_role(&denied)),
        ))
        .unwrap_or_else(|e| panic!("fault proxy: {e}"));
    let mut h = app_behind(&rt, &proxy, |app| app);
    connect_us_east_1(&mut h);
    // One frame applies Connect; its results can only be applied by later
    // frames. (`h.run()` steps until the app is idle, by which time two
    // small accounts may well be collected.)
    h.step();
    assert!(h.state().is_collecting(), "Connect starts a run");
    // Events arrive one by one through the worker channel; wait on it.
    run_to_the_end(&mut h);

    let estate = h
        .state()
        .estate()
        .cloned()
        .unwrap_or_else(|| panic!("no estate"));
    assert_eq!(estate.accounts.len(), seeded.accounts.len());
    let expected =
        seeded.expected(&allowed, "us-east-1").total() + seeded.expected_global(&allowed);
    let got = estate
        .resources
        .iter()
        .filter(|r| r.account_id == allowed)
        .count();
    assert_eq!(got, expected, "shop-prod's resources were collected");
    assert!(
        estate
            .coverage
            .iter()
            .any(|c| c.account_id == denied && c.status == CoverageStatus::Denied),
        "the proxy's denial is recorded as coverage"
    );
    assert!(h.state().pane_row_counts()[0] >= expected);

    // The tree shows the accounts; the denied one carries its badge.
    h.get_by_label("Expand Workloads").click();
    h.run();
    h.get_by_label("Expand Prod").click();
    h.run();
    h.get_by_label("Expand Test").click();
    h.run();
    assert!(
        h.query_by_role_and_label(Role::CheckBox, "shop-prod")
            .is_some()
    );
    assert!(
        h.query_by_role_and_label(Role::CheckBox, "shop-test")
            .is_some()
    );
    assert!(
        h.query_all_by_label("denied").next().is_some(),
        "the denied account's badge"
    );
    assert!(proxy.seen_for(&denied, "sts:AssumeRole") >= 1);
}

#[test]
fn the_mfa_code_typed_in_the_dialog_signs_the_whole_run() {
    let rt = runtime();
    let moto = Moto::start();
    let seeded = rt.block_on(async {
        let conf = moto.sdk_config().await;
        let mut seeded = seed::empty_org(&conf).await;
        let org = aws_sdk_organizations::Client::new(&conf);
        seed::create_account(&org, &mut seeded, "shop-prod", "Prod", BTreeMap::new()).await;
        seeded
    });
    let proxy = rt
        .block_on(FaultProxy::start(&moto.endpoint(), Rules::none()))
        .unwrap_or_else(|e| panic!("fault proxy: {e}"));
    let mut h = app_behind(&rt, &proxy, |app| {
        app.with_mfa_serial(Some("arn:aws:iam::123456789012:mfa/alice".into()))
    });
    connect_us_east_1(&mut h);
    for _ in 0..20 {
        h.run();
        if h.state().mfa_pending().is_some() {
            break;
        }
        assert!(
            h.state_mut().wait_for_worker(Duration::from_secs(60)),
            "no MFA request within 60 s"
        );
    }
    assert!(h.state().mfa_pending().is_some(), "the dialog is open");
    assert_eq!(proxy.seen("sts:GetCallerIdentity"), 0, "nothing signed yet");
    h.get_by_label("Code").focus();
    h.run();
    h.get_by_label("Code").type_text("123456");
    h.run();
    h.get_by_role_and_label(Role::Button, "OK").click();
    run_to_the_end(&mut h);
    assert!(h.state().mfa_pending().is_none(), "asked once, then closed");
    let estate = h
        .state()
        .estate()
        .cloned()
        .unwrap_or_else(|| panic!("no estate: {:?}", h.state().log_lines()));
    assert_eq!(estate.accounts.len(), seeded.accounts.len());
    assert_eq!(
        proxy.seen("sts:GetSessionToken"),
        1,
        "one code, one session"
    );
    assert!(
        proxy.seen_signed_by("sts:GetSessionToken", "sts:AssumeRole") >= 1,
        "member roles are assumed with the MFA session: {:?}",
        proxy.seen_all()
    );
    assert_eq!(proxy.seen_signed_by("base", "sts:AssumeRole"), 0);
}

/// Cancel in the middle of a live run (issue 6's cancel row, in the GUI):
/// one account hangs in DescribeInstances, the user presses Cancel, and the
/// app keeps what it had collected — the finished account's resources —
/// with the estate marked partial and the cut-short account saying so.
#[test]
fn cancel_keeps_what_was_collected_and_marks_the_estate_partial() {
    use crate::support::proxy::{Fault, Match};

    let rt = runtime();
    let moto = Moto::start();
    let (seeded, done, stuck) = rt.block_on(async {
        let conf = moto.sdk_config().await;
        let mut seeded = seed::empty_org(&conf).await;
        let org = aws_sdk_organizations::Client::new(&conf);
        let done =
            seed::create_account(&org, &mut seeded, "shop-prod", "Prod", BTreeMap::new()).await;
        let stuck =
            seed::create_account(&org, &mut seeded, "shop-test", "Test", BTreeMap::new()).await;
        seed::seed_region(
            &conf,
            &mut seeded,
            &done,
            "us-east-1",
            seed::SMALL,
            1,
            false,
        )
        .await;
        seed::measure_default_subnets(&conf, &mut seeded, "us-east-1").await;
        (seeded, done, stuck)
    });
    let proxy = rt
        .block_on(FaultProxy::start(
            &moto.endpoint(),
            Rules::none().with(Rule::new(
                Match::any().action("ec2:DescribeInstances").account(&stuck),
                Fault::Hang,
            )),
        ))
        .unwrap_or_else(|e| panic!("fault proxy: {e}"));
    let mut h = app_behind(&rt, &proxy, |app| app);
    connect_us_east_1(&mut h);
    h.run();
    assert!(h.state().is_collecting(), "Connect starts a run");

    // Wait (bounded) until shop-prod has streamed in and shop-test is stuck.
    let expected = seeded.expected(&done, "us-east-1").total() + seeded.expected_global(&done);
    let streamed = |h: &Harness<'_, OrgscopeApp>| {
        h.state().estate().map_or(0, |e| {
            e.resources.iter().filter(|r| r.account_id == done).count()
        })
    };
    for _ in 0..600 {
        h.run();
        if streamed(&h) == expected && proxy.seen_for(&stuck, "ec2:DescribeInstances") > 0 {
            break;
        }
        h.state_mut().wait_for_worker(Duration::from_millis(200));
    }
    assert_eq!(
        streamed(&h),
        expected,
        "shop-prod streamed in before Cancel"
    );
    assert!(h.state().is_collecting(), "shop-test is still hanging");

    cancel(&mut h);

    let estate = h
        .state()
        .estate()
        .cloned()
        .unwrap_or_else(|| panic!("the collected estate was kept"));
    assert_eq!(
        estate
            .resources
            .iter()
            .filter(|r| r.account_id == done)
            .count(),
        expected
    );
    assert!(estate.is_partial(), "a cancelled run is partial");
    assert!(
        estate.coverage.iter().any(|c| c.account_id == stuck
            && c.code.as_deref() == Some(orgscope::collect::CANCELLED_CODE)),
        "the cut-short account says it was cancelled: {:?}",
        estate
            .coverage
            .iter()
            .filter(|c| c.account_id == stuck)
            .collect::<Vec<_>>()
    );
}

/// Accounts start while the organization is still being walked (issue
/// #17): the tree shows them as their page arrives, not when the walk has
/// ended. Here the walk never ends (the proxy never answers the SCP
/// listings, of OUs and of accounts alike), yet the account appears in the
/// tree; Cancel then keeps it, in an estate that says the listing was cut
/// short.
#[test]
fn the_tree_shows_accounts_while_the_organization_is_still_being_walked() {
    use crate::support::proxy::{Fault, Match};

    let rt = runtime();
    let moto = Moto::start();
    let listed = rt.block_on(async {
        let conf = moto.sdk_config().await;
        let mut seeded = seed::empty_org(&conf).await;
        let org = aws_sdk_organizations::Client::new(&conf);
        seed::create_account(&org, &mut seeded, "shop-prod", "Prod", BTreeMap::new()).await
    });
    let proxy = rt
        .block_on(FaultProxy::start(
            &moto.endpoint(),
            Rules::none().with(Rule::new(
                Match::any().action("organizations:ListPoliciesForTarget"),
                Fault::Hang,
            )),
        ))
        .unwrap_or_else(|e| panic!("fault proxy: {e}"));
    let mut h = app_behind(&rt, &proxy, |app| app);
    connect_us_east_1(&mut h);
    h.run();
    assert!(h.state().is_collecting(), "Connect starts a run");

    // Wait (bounded) until the account's page has arrived: the OU that
    // holds it may be in the tree before it (the root's page brings the
    // tree as far as it is known).
    let has_account = |h: &Harness<'_, OrgscopeApp>| {
        h.state()
            .estate()
            .is_some_and(|e| e.accounts.iter().any(|a| a.id == listed))
    };
    for _ in 0..600 {
        h.run();
        if has_account(&h) {
            break;
        }
        h.state_mut().wait_for_worker(Duration::from_millis(200));
    }
    assert!(has_account(&h), "the account's page never arrived");
    // Then until the tree shows it (new data is folded in every 300 ms).
    for _ in 0..100 {
        if let Some(expand) = h.query_by_label("Expand Prod") {
            expand.click();
        }
        h.run();
        if h.query_by_role_and_label(Role::CheckBox, "shop-prod")
            .is_some()
        {
            break;
        }
        h.state_mut().wait_for_worker(Duration::from_millis(100));
    }
    assert!(
        h.query_by_role_and_label(Role::CheckBox, "shop-prod")
            .is_some(),
        "the account is in the tree"
    );
    assert!(h.state().is_collecting(), "while the walk is still hanging");
    assert!(proxy.seen("organizations:ListPoliciesForTarget") >= 1);

    cancel(&mut h);
    let estate = h
        .state()
        .estate()
        .cloned()
        .unwrap_or_else(|| panic!("the listed accounts were kept"));
    assert!(estate.accounts.iter().any(|a| a.id == listed));
    assert!(estate.is_partial());
    assert!(
        estate
            .coverage
            .iter()
            .any(|c| c.api == orgscope::model::Api::LIST_ACCOUNTS_FOR_PARENT
                && c.code.as_deref() == Some(orgscope::collect::CANCELLED_CODE)),
        "the estate says the listing was cut short"
    );
}

/// The real app, headless, whose live collections go through `proxy` with
/// test credentials; `setup` configures it before the first frame.
fn app_behind(
    rt: &tokio::runtime::Runtime,
    proxy: &FaultProxy,
    setup: impl FnOnce(OrgscopeApp) -> OrgscopeApp + 'static,
) -> Harness<'static, OrgscopeApp> {
    let conf = rt.block_on(
        aws_config::defaults(aws_config::BehaviorVersion::latest())
            .endpoint_url(proxy.endpoint())
            .region(aws_config::Region::new("us-east-1"))
            .credentials_provider(aws_credential_types::Credentials::for_tests())
            .load(),
    );
    let handle = rt.handle().clone();
    Harness::builder()
        .with_size([1400.0, 900.0])
        .with_max_steps(64)
        .build_eframe(move |cc| {
            setup(
                OrgscopeApp::with_settings(&cc.egui_ctx, Settings::default(), handle)
                    .with_collect_hooks(Hooks {
                        base_config: Some(conf),
                        interceptors: Vec::new(),
                    }),
            )
        })
}

/// Start a live collection of us-east-1 from the welcome screen's form, as
/// a user does: untick the other default region, press Connect. Returns
/// after the frame that saw the click, which queues the run to start on
/// the next one.
fn connect_us_east_1(h: &mut Harness<'static, OrgscopeApp>) {
    h.run();
    h.get_by_role_and_label(Role::CheckBox, "eu-west-1").click();
    h.run();
    assert_eq!(
        h.state().settings().connection,
        Connection {
            regions: BTreeSet::from(["us-east-1".to_string()]),
            ..Connection::default()
        }
    );
    h.get_by_role_and_label(Role::Button, "Connect and collect")
        .click();
    h.step();
}

/// Press Cancel and step frames until the run has ended.
fn cancel(h: &mut Harness<'static, OrgscopeApp>) {
    h.get_by_label("Cancel").click();
    for _ in 0..500 {
        h.run();
        if !h.state().is_collecting() {
            break;
        }
        h.state_mut().wait_for_worker(Duration::from_secs(5));
    }
    h.run();
    assert!(!h.state().is_collecting(), "Cancel ends the run");
}

/// Step frames as worker events arrive until the run has finished.
fn run_to_the_end(h: &mut Harness<'static, OrgscopeApp>) {
    for _ in 0..500 {
        h.run();
        if !h.state().is_collecting() {
            break;
        }
        assert!(
            h.state_mut().wait_for_worker(Duration::from_secs(60)),
            "no collection progress within 60 s"
        );
    }
    h.run();
    assert!(!h.state().is_collecting(), "the run finished");
}
