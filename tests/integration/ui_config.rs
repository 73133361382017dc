//! The app with an estate read from an AWS Config aggregator: the connect
//! form offers the aggregator and says what it needs, and an estate whose
//! accounts came from Config (in part refreshed live: mixed mode) shows
//! each account's source and age in the tree and each resource's capture
//! time in its details. The run itself is `config_source`'s.

use crate::support::runtime;
use crate::ui::harness;

use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT as _, Queryable};
use orgscope::demo::demo_estate;
use orgscope::model::{CONFIG_SOURCE, Estate};
use orgscope::ui::Origin;

#[test]
fn the_connect_form_reads_from_an_aggregator_by_name() {
    let rt = runtime();
    let mut h = harness(&rt, |app| app);
    assert!(h.query_by_label("Aggregator").is_none(), "crawl by default");
    h.get_by_role_and_label(Role::RadioButton, "An AWS Config aggregator")
        .click();
    h.run();
    // The role stays, for refreshing accounts live.
    assert!(h.query_by_label("Live refresh").is_some());
    // No name yet: Connect waits for one.
    assert!(
        h.get_by_role_and_label(Role::Button, "Connect and collect")
            .accesskit_node()
            .is_disabled()
    );
    h.get_by_label("Aggregator").focus();
    h.run();
    h.get_by_label("Aggregator").type_text("org-aggregator");
    h.run();
    assert!(
        !h.get_by_role_and_label(Role::Button, "Connect and collect")
            .accesskit_node()
            .is_disabled()
    );
    let c = &h.state().settings().connection;
    assert_eq!(c.source, orgscope::ui::SourceMode::ConfigAggregator);
    assert_eq!(c.aggregator, "org-aggregator");
}

/// The demo estate as if read from an aggregator, with `live` refreshed
/// live (its resources without capture times, its cells without source).
fn config_estate(live: &str) -> Estate {
    let mut e = demo_estate(orgscope::demo::DEFAULT_ACCOUNTS);
    let live_id = e
        .accounts
        .iter()
        .find(|a| a.name == live)
        .map(|a| a.id.clone())
        .unwrap_or_else(|| panic!("no account {live}"));
    for r in &mut e.resources {
        if r.account_id != live_id {
            r.captured_at = Some("2026-01-02T03:04:05Z".to_string());
        }
    }
    for c in &mut e.coverage {
        if c.account_id != live_id {
            c.source = Some(CONFIG_SOURCE.to_string());
            c.as_of = Some("2026-01-03T00:00:00Z".to_string());
        }
    }
    e.source.kind = orgscope::model::SourceKind::ConfigAggregator;
    e
}

#[test]
fn accounts_say_where_their_data_came_from_and_resources_when_captured() {
    let rt = runtime();
    let mut h = harness(&rt, |mut app| {
        app.load_estate(config_estate("payments-test"), Origin::Demo);
        app
    });
    h.get_by_label("Expand Workloads").click();
    h.run();
    h.get_by_label("Expand Prod").click();
    h.run();
    h.get_by_label("Expand Test").click();
    h.run();
    // Last heard from on 3 Jan 2026: months old whenever this runs. Chips are
    // labels; read every node's label or value, whichever egui set.
    let text = |n: &egui_kittest::kittest::AccessKitNode<'_>| {
        n.label().or_else(|| n.value()).unwrap_or_default()
    };
    let chips: Vec<String> = h
        .query_all_by(move |n| text(n).starts_with("Config · "))
        .map(|n| text(&n.accesskit_node()))
        .collect();
    assert!(
        chips.len() >= 2 && chips.iter().all(|c| c.ends_with(" d")),
        "{chips:?}"
    );
    assert!(
        h.query_all_by(move |n| text(n) == "live").next().is_some(),
        "the refreshed account"
    );

    h.get_by_label("Filter").focus();
    h.run();
    h.get_by_label("Filter")
        .type_text("name:payments-prod-bastion-1-eip");
    h.run();
    h.get_by_label("payments-prod-bastion-1-eip").click();
    h.run();
    assert!(
        h.query_by_label_contains("2026-01-02T03:04:05Z (")
            .is_some(),
        "the capture time in the details"
    );
}
