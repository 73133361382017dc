//! The desktop app driven through egui_kittest, headless, on the demo
//! estate: the org tree sets a pane's scope, the filter bar changes rows
//! and reports errors inline, split panes get their own scopes, Compare
//! finds the demo's deliberate prod/test drift, and a snapshot written by
//! `orgscope demo` opens through the worker.

use crate::support::runtime;
use std::path::Path;
use std::time::Duration;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use orgscope::demo::demo_estate;
use orgscope::ui::{OrgscopeApp, Origin, Settings, Start, ThemeChoice};

/// The app with default settings, as `build` configures it before the
/// first frame (also `ui_config`'s).
pub(crate) fn harness<'a>(
    rt: &tokio::runtime::Runtime,
    build: impl FnOnce(OrgscopeApp) -> OrgscopeApp + 'a,
) -> Harness<'a, OrgscopeApp> {
    let handle = rt.handle().clone();
    let mut h = Harness::builder()
        .with_size([1400.0, 900.0])
        .with_max_steps(64)
        .build_eframe(move |cc| {
            build(OrgscopeApp::with_settings(
                &cc.egui_ctx,
                Settings::default(),
                handle,
            ))
        });
    h.run();
    h
}

fn demo_harness(rt: &tokio::runtime::Runtime) -> Harness<'_, OrgscopeApp> {
    harness(rt, |mut app| {
        app.load_estate(demo_estate(orgscope::demo::DEFAULT_ACCOUNTS), Origin::Demo);
        app
    })
}

fn tick(h: &mut Harness<'_, OrgscopeApp>, name: &str) {
    h.get_by_role_and_label(Role::CheckBox, name).click();
    h.run();
}

fn expand(h: &mut Harness<'_, OrgscopeApp>, name: &str) {
    h.get_by_label(&format!("Expand {name}")).click();
    h.run();
}

fn type_filter(h: &mut Harness<'_, OrgscopeApp>, text: &str) {
    h.get_by_label("Filter").focus();
    h.run();
    h.get_by_label("Filter").type_text(text);
    h.run();
}

/// Step frames until `done` holds, waiting on the app's worker channel in
/// between (not sleeping): file work happens off the UI thread.
fn run_until(h: &mut Harness<'_, OrgscopeApp>, done: impl Fn(&OrgscopeApp) -> bool) {
    for _ in 0..20 {
        h.run();
        if done(h.state()) {
            return;
        }
        assert!(
            h.state_mut().wait_for_worker(Duration::from_secs(30)),
            "no worker result within 30 s"
        );
    }
    panic!("the app never reached the expected state");
}

#[test]
fn expanding_the_tree_and_ticking_an_ou_scopes_the_pane() {
    let rt = runtime();
    let mut h = demo_harness(&rt);
    let all = h.state().pane_row_counts()[0];
    assert!(all > 0, "the demo pane starts on the whole estate");
    assert!(h.query_by_role_and_label(Role::CheckBox, "Prod").is_none());
    expand(&mut h, "Workloads");
    tick(&mut h, "Prod");
    expand(&mut h, "Prod");
    let scoped = h.state().pane_row_counts()[0];
    assert!(scoped > 0 && scoped < all, "{scoped} of {all}");
    let scope = h.state().focused_scope().cloned().unwrap_or_default();
    assert_eq!(scope.ous.len(), 1);
    // The accounts below the OU are listed, ticked through it.
    assert!(
        h.query_by_role_and_label(Role::CheckBox, "payments-prod")
            .is_some()
    );
}

#[test]
fn typing_a_filter_changes_the_row_count() {
    let rt = runtime();
    let mut h = demo_harness(&rt);
    let all = h.state().pane_row_counts()[0];
    type_filter(&mut h, "env=prod");
    let prod = h.state().pane_row_counts()[0];
    assert!(prod > 0 && prod < all, "{prod} of {all}");
    type_filter(&mut h, " type:instance");
    let inst = h.state().pane_row_counts()[0];
    assert!(inst > 0 && inst < prod, "{inst} of {prod}");
    assert!(
        h.query_by_label(&format!("{inst} resources")).is_some(),
        "the table header shows the count"
    );
}

#[test]
fn a_bad_filter_shows_an_inline_error() {
    let rt = runtime();
    let mut h = demo_harness(&rt);
    type_filter(&mut h, "type:bogus");
    assert!(h.query_by_label_contains("Column 6").is_some());
    assert!(h.query_by_label_contains("bogus").is_some());
}

#[test]
fn ctrl_f_focuses_the_filter() {
    let rt = runtime();
    let mut h = demo_harness(&rt);
    assert!(!h.get_by_label("Filter").is_focused());
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    h.run();
    assert!(h.get_by_label("Filter").is_focused());
}

#[test]
fn split_prod_and_test_then_compare_finds_the_drift() {
    let rt = runtime();
    let mut h = demo_harness(&rt);
    expand(&mut h, "Workloads");
    tick(&mut h, "Prod");
    h.get_by_role_and_label(Role::Button, "Split").click();
    h.run();
    // The new pane is focused and starts on the whole estate.
    assert_eq!(h.state().pane_row_counts().len(), 2);
    assert!(h.state().focused_scope().is_some_and(|s| s.is_everything()));
    tick(&mut h, "Test");
    let counts = h.state().pane_row_counts();
    assert!(counts[0] > 0 && counts[1] > 0, "{counts:?}");
    h.get_by_role_and_label(Role::Button, "Compare").click();
    h.run();
    let summary = h.state().compare_summary();
    let [only_left, _only_right, changed, same, not_collected] = summary.unwrap_or_default();
    assert!(
        not_collected > 0,
        "the denied test account's twins are not collected, not missing"
    );
    assert!(
        only_left > 0,
        "the instance missing in test shows as only-left"
    );
    assert!(
        changed > 0,
        "instance type / SG rule / owner tag drift shows as changed"
    );
    assert!(
        same > changed,
        "most resources match across environments: {summary:?}"
    );
    let entries = h.state().compare_entries();
    let has = |status: &str, key_part: &str, field: Option<&str>| {
        entries.iter().any(|(s, _, k, f)| {
            s == status && k.contains(key_part) && field.is_none_or(|x| f.iter().any(|y| y == x))
        })
    };
    assert!(
        has("changed", "payments-app-1", Some("instance_type")),
        "{entries:#?}"
    );
    assert!(
        has("changed", "payments-web-2", Some("tag:owner")),
        "{entries:#?}"
    );
    assert!(
        has("changed", "payments-vpc/payments-db", Some("ingress")),
        "{entries:#?}"
    );
    assert!(has("only left", "payments-worker-4", None), "{entries:#?}");
    // On screen: the first changed entry's field. (The report now also
    // lists the wiring drift, so later entries, the owner tag among them,
    // are below the fold; the model assertions above cover them.)
    assert!(h.query_by_label_contains("instance_type:").is_some());
}

#[test]
fn compare_settings_typed_above_the_diff_are_applied() {
    let rt = runtime();
    let mut h = demo_harness(&rt);
    expand(&mut h, "Workloads");
    tick(&mut h, "Prod");
    h.get_by_role_and_label(Role::Button, "Split").click();
    h.run();
    tick(&mut h, "Test");
    h.get_by_role_and_label(Role::Button, "Compare").click();
    h.run();
    assert!(h.state().compare_summary().is_some());
    h.get_by_label("Keys").focus();
    h.run();
    h.get_by_label("Keys").type_text("instance=bogus");
    h.run();
    assert!(
        h.query_by_label_contains("bad key 'instance=bogus'")
            .is_some(),
        "the diff was recomputed with the typed keys"
    );
}

#[test]
fn the_tree_search_narrows_the_org_tree() {
    let rt = runtime();
    let mut h = demo_harness(&rt);
    assert!(h.query_by_label("Expand Workloads").is_some());
    h.get_by_label("Search").focus();
    h.run();
    h.get_by_label("Search").type_text("security");
    h.run();
    assert!(
        h.query_by_label("Expand Workloads").is_none(),
        "no OU or account below Workloads matches"
    );
    assert!(
        h.query_by_role_and_label(Role::CheckBox, "Security")
            .is_some()
    );
}

#[test]
fn opens_a_snapshot_written_by_orgscope_demo() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let path = dir.path().join("demo.json");
    write_demo_with_cli(&path);
    let rt = runtime();
    let handle = rt.handle().clone();
    let p = path.clone();
    let mut h = Harness::builder()
        .with_size([1400.0, 900.0])
        .with_max_steps(64)
        .build_eframe(move |cc| OrgscopeApp::new(cc, Start::Open(p), handle));
    run_until(&mut h, |app| app.estate().is_some());
    let accounts = h.state().estate().map_or(0, |e| e.accounts.len());
    assert!(accounts >= 25, "{accounts} accounts");
    assert!(h.query_all_by_label_contains("demo.json").next().is_some());
    assert_eq!(h.state().settings().recent.first(), Some(&path));
}

#[test]
fn a_broken_snapshot_is_reported_in_the_log() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let path = dir.path().join("broken.json");
    std::fs::write(&path, b"{\"format\": \"something-else\"}")
        .unwrap_or_else(|e| panic!("write: {e}"));
    let rt = runtime();
    let handle = rt.handle().clone();
    let p = path.clone();
    let mut h = Harness::builder()
        .with_size([1400.0, 900.0])
        .with_max_steps(64)
        .build_eframe(move |cc| OrgscopeApp::new(cc, Start::Open(p), handle));
    run_until(&mut h, |app| !app.log_lines().is_empty());
    assert!(h.state().estate().is_none());
    let log = h.state().log_lines().join("\n");
    assert!(log.contains("not an orgscope estate file"), "{log}");
    assert!(
        h.query_all_by_label_contains("not an orgscope estate file")
            .next()
            .is_some()
    );
}

#[test]
fn settings_round_trip_keeps_panes_and_filters() {
    let rt = runtime();
    let mut h = demo_harness(&rt);
    type_filter(&mut h, "has:owner");
    h.get_by_role_and_label(Role::Button, "Split").click();
    h.run();
    let json =
        serde_json::to_string(h.state().settings()).unwrap_or_else(|e| panic!("serialize: {e}"));
    let back: Settings = serde_json::from_str(&json).unwrap_or_else(|e| panic!("parse: {e}"));
    let rt2 = runtime();
    let mut h2 = harness(&rt2, move |app| {
        let mut app = OrgscopeApp::with_settings(app.context(), back, app.runtime());
        app.load_estate(demo_estate(orgscope::demo::DEFAULT_ACCOUNTS), Origin::Demo);
        app
    });
    h2.run();
    assert_eq!(h2.state().pane_row_counts().len(), 2);
    assert_eq!(
        h2.state().pane_row_counts()[0],
        h.state().pane_row_counts()[0],
        "the restored filter gives the same rows"
    );
}

fn write_demo_with_cli(path: &Path) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_orgscope"))
        .args(["demo", "--out"])
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("run orgscope demo: {e}"));
    assert!(
        out.status.success(),
        "orgscope demo failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_welcome_screen_opens_the_demo() {
    let rt = runtime();
    let mut h = harness(&rt, |app| app);
    assert!(h.state().estate().is_none());
    h.get_by_role_and_label(Role::Button, "Open demo estate")
        .click();
    h.run();
    assert!(h.state().estate().is_some_and(|e| e.accounts.len() >= 25));
    assert!(h.query_by_label("Expand Workloads").is_some());
}

#[test]
fn ctrl_s_saves_back_to_the_opened_snapshot_off_the_ui_thread() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let path = dir.path().join("estate.json");
    write_demo_with_cli(&path);
    let rt = runtime();
    let handle = rt.handle().clone();
    let p = path.clone();
    let mut h = Harness::builder()
        .with_size([1400.0, 900.0])
        .with_max_steps(64)
        .build_eframe(move |cc| OrgscopeApp::new(cc, Start::Open(p), handle));
    run_until(&mut h, |app| app.estate().is_some());
    std::fs::remove_file(&path).unwrap_or_else(|e| panic!("remove: {e}"));
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    run_until(&mut h, |app| {
        app.log_lines().iter().any(|l| l.starts_with("Saved"))
    });
    let back = orgscope::snapshot::read(&path).unwrap_or_else(|e| panic!("read back: {e}"));
    assert_eq!(Some(&back), h.state().estate());
}

#[test]
fn a_pane_switches_to_the_network_diagram_of_its_rows() {
    let rt = runtime();
    let mut h = demo_harness(&rt);
    expand(&mut h, "Workloads");
    tick(&mut h, "Prod");
    h.get_by_role_and_label(Role::Button, "Diagram").click();
    h.run();
    assert!(
        h.query_by_label("Fit").is_some(),
        "the diagram widget is shown"
    );
    h.get_by_role_and_label(Role::Button, "Table").click();
    h.run();
    assert!(h.query_by_label("Fit").is_none());
}

#[test]
fn the_connect_form_warns_about_the_admin_role() {
    let rt = runtime();
    let mut h = harness(&rt, |app| app);
    assert_eq!(
        h.state().settings().connection.role_name,
        "OrganizationAccountAccessRole"
    );
    // One label says why and what to do instead.
    h.get_by_label_contains("is an administrator role. orgscope only reads: deploy the least-privilege orgscope-reader role (template in docs/iam/)");
    // Naming another role makes it go away.
    h.get_by_label("Role to assume").focus();
    h.run();
    h.get_by_label("Role to assume").type_text("-x");
    h.run();
    assert!(
        h.query_by_label_contains("orgscope-reader role").is_none(),
        "no warning for a non-admin role"
    );
}

/// A connection whose run asks for an MFA code before any network call:
/// the base config comes from hooks (so nothing is loaded or signed) and
/// the device is named explicitly. The run is started from the connect
/// form, as a user does: only us-east-1 ticked, then Connect.
fn mfa_harness(rt: &tokio::runtime::Runtime) -> Harness<'_, OrgscopeApp> {
    let mut h = harness(rt, |app| {
        app.with_collect_hooks(orgscope::collect::Hooks {
            base_config: Some(aws_config::SdkConfig::builder().build()),
            interceptors: Vec::new(),
        })
        .with_mfa_serial(Some("arn:aws:iam::123456789012:mfa/alice".into()))
    });
    tick(&mut h, "eu-west-1");
    assert_eq!(
        h.state().settings().connection.regions,
        std::collections::BTreeSet::from(["us-east-1".to_string()]),
        "the form now asks for us-east-1 only"
    );
    press_connect(&mut h);
    run_until(&mut h, |app| app.mfa_pending().is_some());
    assert!(h.state().is_collecting(), "the run waits for the code");
    assert_eq!(
        h.state().mfa_pending(),
        Some("arn:aws:iam::123456789012:mfa/alice")
    );
    assert!(
        h.query_by_label_contains(
            "needs a code from MFA device arn:aws:iam::123456789012:mfa/alice"
        )
        .is_some(),
        "the dialog names the device"
    );
    h
}

#[test]
fn the_mfa_dialog_hands_the_typed_code_to_the_waiting_run() {
    let rt = runtime();
    let mut h = mfa_harness(&rt);
    h.get_by_label("Code").focus();
    h.run();
    // Five digits: collect rejects it before any call, which proves the
    // text typed in the dialog reached the collection thread.
    h.get_by_label("Code").type_text("12345");
    h.run();
    h.get_by_role_and_label(Role::Button, "OK").click();
    run_until(&mut h, |app| !app.is_collecting());
    assert!(h.state().mfa_pending().is_none(), "the dialog closed");
    assert!(
        h.state()
            .log_lines()
            .iter()
            .any(|l| l.contains("an MFA code is 6 digits; got 5 characters")),
        "{:?}",
        h.state().log_lines()
    );
    assert!(h.state().estate().is_none());
}

#[test]
fn cancelling_the_mfa_dialog_ends_the_run_cleanly() {
    let rt = runtime();
    let mut h = mfa_harness(&rt);
    h.get_by_role_and_label(Role::Button, "Cancel sign-in")
        .click();
    run_until(&mut h, |app| !app.is_collecting());
    assert!(h.state().mfa_pending().is_none(), "the dialog closed");
    assert!(
        h.state()
            .log_lines()
            .iter()
            .any(|l| l.contains("no MFA code was entered")),
        "{:?}",
        h.state().log_lines()
    );
    assert!(h.state().estate().is_none(), "nothing half-collected");
    // A new run can start from the same form and asks again.
    press_connect(&mut h);
    run_until(&mut h, |app| app.mfa_pending().is_some());
    h.get_by_role_and_label(Role::Button, "Cancel sign-in")
        .click();
    run_until(&mut h, |app| !app.is_collecting());
}

fn press_connect(h: &mut Harness<'_, OrgscopeApp>) {
    h.get_by_role_and_label(Role::Button, "Connect and collect")
        .click();
    h.run();
}

/// The details panel lists a resource's relations both ways, and a click on
/// one selects its far end: an address, then the instance it is attached
/// to, whose panel lists what is attached to it.
#[test]
fn details_list_relations_both_ways_and_navigate_along_them() {
    let rt = runtime();
    let mut h = demo_harness(&rt);
    type_filter(&mut h, "name:payments-prod-bastion-1-eip");
    assert_eq!(h.state().pane_row_counts()[0], 1);
    h.get_by_label("payments-prod-bastion-1-eip").click();
    h.run();
    // The address's own edge, to its instance, as a link.
    assert!(h.query_by_label("attached to").is_some(), "outgoing edge");
    let link = h.get_by_label("Instance · payments-prod-bastion-1");
    link.click();
    h.run();
    // Now the instance: its VPC, subnet and group going out; its volumes
    // and its address coming in.
    for label in ["in VPC", "in subnet", "member of"] {
        assert!(h.query_by_label(label).is_some(), "{label}");
    }
    assert!(
        h.query_all_by_label("has attached").count() >= 2,
        "root volume and address"
    );
    assert!(
        h.query_by_label("Elastic IP · payments-prod-bastion-1-eip")
            .is_some(),
        "the address links back"
    );
    assert!(
        h.query_by_label("Volume · payments-prod-bastion-1-root")
            .is_some()
    );
}

/// Tag values and names in Chinese, Japanese or Korean drew as boxes in the
/// tables (issue 17, item 9). egui_kittest refuses to draw a glyph no font
/// has (`MissingGlyphPolicy::Panic`), so before the app had the bundled CJK
/// fallback this test ended in a panic on the first frame that showed one.
#[test]
fn cjk_names_and_tag_values_draw_as_text_in_the_table_and_details() {
    let rt = runtime();
    let mut h = harness(&rt, |mut app| {
        let mut estate = demo_estate(orgscope::demo::DEFAULT_ACCOUNTS);
        let instance = estate
            .resources
            .iter_mut()
            .find(|r| r.kind.def().name == "instance")
            .unwrap_or_else(|| panic!("the demo has instances"));
        instance.name = Some("決済-web-1".to_string());
        instance
            .tags
            .insert("team".to_string(), "본사 데이터팀".to_string());
        instance
            .tags
            .insert("owner".to_string(), "支付团队".to_string());
        app.load_estate(estate, Origin::Demo);
        app
    });
    type_filter(&mut h, "team=\"본사 데이터팀\"");
    assert_eq!(h.state().pane_row_counts()[0], 1);
    h.get_by_label("決済-web-1").click();
    h.run();
    assert!(h.query_all_by_label_contains("支付团队").next().is_some());
}

/// The theme menu switches the whole app to light (nobody had looked at it
/// in light mode: with no system theme egui picks dark), and the choice
/// persists with the settings.
#[test]
fn the_theme_menu_switches_to_light_and_the_choice_persists() {
    let rt = runtime();
    let mut h = demo_harness(&rt);
    assert_eq!(h.state().settings().theme, ThemeChoice::System);
    h.get_by_role_and_label(Role::Button, "Theme").click();
    h.run();
    h.get_by_label("Light").click();
    h.run();
    assert_eq!(h.state().settings().theme, ThemeChoice::Light);
    assert!(
        !h.ctx.global_style().visuals.dark_mode,
        "light visuals after the pick"
    );
    let json =
        serde_json::to_string(h.state().settings()).unwrap_or_else(|e| panic!("serialize: {e}"));
    let back: Settings = serde_json::from_str(&json).unwrap_or_else(|e| panic!("parse: {e}"));
    assert_eq!(back.theme, ThemeChoice::Light);
    // A settings file from before the theme existed still loads.
    let old: Settings = serde_json::from_str("{\"show_log\": true}")
        .unwrap_or_else(|e| panic!("old settings: {e}"));
    assert_eq!(old.theme, ThemeChoice::System);
    // A new start with the saved settings comes up light. (The harness
    // sets its own theme after building an app, so the app is built here
    // on the context of a running harness, as eframe builds it on its own.)
    let rt2 = runtime();
    let mut h2 = harness(&rt2, |app| app);
    assert!(
        h2.ctx.global_style().visuals.dark_mode,
        "the harness starts dark"
    );
    let ctx = h2.ctx.clone();
    let _restarted = OrgscopeApp::with_settings(&ctx, back, rt2.handle().clone());
    h2.run();
    assert!(
        !h2.ctx.global_style().visuals.dark_mode,
        "light from the saved settings"
    );
}
