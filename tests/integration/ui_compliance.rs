//! The tag compliance window driven through egui_kittest on the demo
//! estate: Ctrl+Shift+T opens it, it shows the engine's numbers for the
//! estate and for accounts (a refused account as "not collected", never
//! compliant), a click on an account's missing count lists exactly those
//! resources in the focused pane, the "Tags" menu opens it, and the keys
//! are editable there.

use crate::support::runtime;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use orgscope::compliance::{Report, RequiredTags, compliance};
use orgscope::demo::{DEFAULT_ACCOUNTS, demo_estate};
use orgscope::model::Estate;
use orgscope::ui::{OrgscopeApp, Origin, Settings};

fn harness(rt: &tokio::runtime::Runtime, estate: Estate) -> Harness<'_, OrgscopeApp> {
    let handle = rt.handle().clone();
    let mut h = Harness::builder()
        .with_size([1400.0, 900.0])
        .with_max_steps(64)
        .build_eframe(move |cc| {
            let mut app = OrgscopeApp::with_settings(&cc.egui_ctx, Settings::default(), handle);
            app.load_estate(estate, Origin::Demo);
            app
        });
    h.run();
    h
}

fn report(e: &Estate, keys: &str) -> Report {
    let keys = RequiredTags::parse(keys).expect("keys parse");
    compliance(e, &keys, 0..e.resources.len())
}

fn account_id(e: &Estate, name: &str) -> String {
    e.accounts
        .iter()
        .find(|a| a.name == name)
        .map(|a| a.id.clone())
        .expect("demo account")
}

/// Empty the focused text field, as a user would.
fn clear(h: &mut Harness<'_, OrgscopeApp>) {
    h.key_press(Key::End);
    h.run();
    for _ in 0..40 {
        h.key_press(Key::Backspace);
    }
    h.run();
}

/// The accessible label of a scope's cell for `key`, as the window draws it.
fn cell(r: &Report, name: &str, k: usize) -> String {
    let row = r.rows.iter().find(|row| row.name == name).expect("row");
    format!(
        "{name}: {} missing {} ({})",
        row.tally.missing[k],
        r.keys[k],
        row.tally.share_text(k)
    )
}

#[test]
fn the_window_shows_the_engines_numbers_and_a_click_lists_what_is_missing() {
    let rt = runtime();
    let e = demo_estate(DEFAULT_ACCOUNTS);
    let want = report(&e, "owner,env,app");
    let mut h = harness(&rt, e.clone());

    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::T);
    h.run();
    assert!(
        h.state().settings().show_compliance,
        "Ctrl+Shift+T opens it"
    );
    assert_eq!(h.state().compliance_report(), Some(&want));

    // The estate, an OU and accounts, per key, as the engine counts them.
    for k in 0..3 {
        h.get_by_label(&cell(&want, "estate", k));
        h.get_by_label(&cell(&want, "Workloads/Test", k));
    }
    let owner_cell = cell(&want, "payments-test", 0);
    assert!(owner_cell.ends_with("%)"), "{owner_cell}");
    // The refused account is not collected, not compliant.
    h.get_by_label("catalog-test: 0 missing owner (not collected)");

    // A click lists exactly what the cell counted, in the focused pane.
    h.get_by_label(&owner_cell).click();
    h.run();
    assert_eq!(
        h.state().focused_filter(),
        Some("account:payments-test -has:owner")
    );
    let id = account_id(&e, "payments-test");
    let missing = want.account(&id).map(|r| r.tally.missing[0]);
    assert_eq!(h.state().pane_row_counts().first().copied(), missing);
    assert!(missing.is_some_and(|n| n > 0));
}

#[test]
fn the_tags_menu_opens_it_and_the_required_keys_are_edited_there() {
    let rt = runtime();
    let e = demo_estate(DEFAULT_ACCOUNTS);
    let mut h = harness(&rt, e.clone());
    h.get_by_label("Tags").click();
    h.run();
    // The menu item's label carries its shortcut's text after the name.
    h.get_by_label_contains("Tag compliance").click();
    h.run();
    assert!(h.state().settings().show_compliance);

    h.get_by_label("Required tags").focus();
    h.run();
    clear(&mut h);
    h.get_by_label("Required tags").type_text("cost-center");
    h.run();
    h.run();
    assert_eq!(h.state().settings().required_tags.0, "cost-center");
    let want = report(&e, "cost-center");
    assert_eq!(h.state().compliance_report(), Some(&want));
    h.get_by_label(&cell(&want, "estate", 0));

    // An empty list says what to do instead of showing a report.
    clear(&mut h);
    h.run();
    assert_eq!(h.state().compliance_report(), None);
    h.get_by_label_contains("no tag keys given");

    // The shortcut closes what the menu opened.
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::T);
    h.run();
    assert!(!h.state().settings().show_compliance);
}
