//! The access views of the app on the demo estate: the Access button draws
//! the access diagram of the pane's rows (the vendor's arrow red, its box
//! in the outside region), the Matrix button shows the grid with the
//! accounts whose IAM was not read named above it, and a click on a cell
//! filters the pane to that cell's roles in the table.

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use orgscope::demo::{DEFAULT_ACCOUNTS, VENDOR_ACCOUNT_ID, demo_estate};
use orgscope::diagram::EdgeKind;
use orgscope::model::kinds;
use orgscope::ui::state::{InventoryPane, Pane, PaneView};
use orgscope::ui::{OrgscopeApp, Origin, Settings};

fn pane(app: &OrgscopeApp) -> InventoryPane {
    app.settings()
        .panes
        .values()
        .find_map(|p| match p {
            Pane::Inventory(p) => Some(p.clone()),
            Pane::Compare(_) => None,
        })
        .expect("an inventory pane")
}

#[test]
fn the_access_views_draw_the_trust_and_drill_down_to_the_roles() {
    let rt = crate::support::runtime();
    let estate = demo_estate(DEFAULT_ACCOUNTS);
    let logs = estate
        .accounts
        .iter()
        .find(|a| a.name == "log-archive")
        .expect("log-archive")
        .id
        .clone();
    let handle = rt.handle().clone();
    let mut h = egui_kittest::Harness::builder()
        .with_size([1400.0, 900.0])
        .with_max_steps(64)
        .build_eframe(move |cc| {
            let mut app = OrgscopeApp::with_settings(&cc.egui_ctx, Settings::default(), handle);
            app.load_estate(estate, Origin::Demo);
            app
        });
    h.run();

    h.get_by_role_and_label(Role::Button, "Access").click();
    h.run();
    let p = pane(h.state());
    assert_eq!(p.cfg.view, PaneView::Access);
    let (_, scene) = p.derived.scene.clone().expect("the access scene is built");
    let vendor = format!("outside:{VENDOR_ACCOUNT_ID}");
    let arrow = scene
        .edges
        .iter()
        .find(|e| e.from == vendor && e.to == logs)
        .expect("the vendor's arrow into log-archive");
    assert_eq!(arrow.kind, EdgeKind::TrustRisk);
    assert!(scene.find(&vendor).is_some());

    h.get_by_role_and_label(Role::Button, "Matrix").click();
    h.run();
    let p = pane(h.state());
    assert_eq!(p.cfg.view, PaneView::Matrix);
    let (_, matrix) = p.derived.access.clone().expect("the matrix is built");
    assert_eq!(matrix.unread, ["catalog-test", "sandbox-legacy"]);
    assert!(
        h.query_by_label_contains("IAM not collected in 2 accounts")
            .is_some()
    );
    // The vendor's row has one cell: log-archive, through one role.
    let row = matrix
        .map
        .rows
        .iter()
        .position(|r| r.id == VENDOR_ACCOUNT_ID)
        .expect("the vendor's row");
    assert_eq!(matrix.map.rows[row].cells.len(), 1);
    // A click on the cell (below the fold of the grid: scrolled to
    // first) shows its role in the table.
    let cell = format!("outside:{VENDOR_ACCOUNT_ID} into log-archive: 1 role");
    h.get_by_role_and_label(Role::Button, &cell).scroll_to_me();
    h.run();
    h.get_by_role_and_label(Role::Button, &cell).click();
    h.run();
    let p = pane(h.state());
    assert_eq!(p.cfg.view, PaneView::Table);
    assert_eq!(
        p.cfg.filter,
        format!("type:iam_role account:{logs} trust:outside:{VENDOR_ACCOUNT_ID}*")
    );
    assert!(p.derived.error.is_none(), "{:?}", p.derived.error);
    let estate = h.state().estate().expect("loaded");
    let names: Vec<&str> = p
        .derived
        .rows
        .iter()
        .map(|&i| estate.resources[i].display_name())
        .collect();
    assert_eq!(names, ["siem-vendor-reader"]);
    assert!(
        p.derived
            .rows
            .iter()
            .all(|&i| estate.resources[i].kind == kinds::IAM_ROLE)
    );
}
