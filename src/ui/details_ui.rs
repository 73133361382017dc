//! The selected resource, in full: identity with copy buttons, every field
//! its kind's descriptor declares (in the descriptor's order and labels),
//! every tag, rule lists (world-open rules marked), and its relations both
//! ways — what it points at and what points at it — each a link that
//! selects the far end. A far end outside the collected estate is listed
//! as such, with the account that owns it when the edge says so.

use egui::{Grid, RichText};

use super::command::Command;
use super::engine::Context;
use super::state::PaneId;
use super::theme;
use crate::model::{Edge, Resource, SgRule, Value, ValueType};
use crate::query;

fn row(ui: &mut egui::Ui, key: &str, value: impl Into<String>) {
    let value = value.into();
    if value.is_empty() {
        return;
    }
    ui.label(RichText::new(key).color(theme::muted(ui.visuals())));
    ui.add(egui::Label::new(value).truncate());
    ui.end_row();
}

/// A field as the details panel says it: booleans as yes/no, rule lists
/// in their own section (empty here).
fn field_text(v: &Value) -> String {
    match v {
        Value::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
        Value::Rules(_) => String::new(),
        other => other.text().into_owned(),
    }
}

pub fn details_ui(
    ui: &mut egui::Ui,
    pane: PaneId,
    (ectx, qctx): (&Context, &query::Context),
    cost: Option<&super::cost::CostView>,
    index: usize,
    commands: &mut Vec<Command>,
) {
    let Some(r) = ectx.estate.resources.get(index) else {
        return;
    };
    ui.horizontal(|ui| {
        ui.add(egui::Label::new(RichText::new(r.display_name()).heading()).truncate());
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .add(egui::Button::new("×").frame(false))
                .on_hover_text("Close details")
                .clicked()
            {
                commands.push(Command::Select(pane, None));
            }
        });
    });
    ui.horizontal(|ui| {
        ui.label(RichText::new(&r.id).monospace());
        if ui.small_button("Copy ID").clicked() {
            commands.push(Command::Copy(r.id.clone()));
        }
        if ui.small_button("Copy ARN").clicked() {
            commands.push(Command::Copy(r.arn()));
        }
    });
    ui.separator();
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            Grid::new(("details-grid", pane.0))
                .num_columns(2)
                .spacing([12.0, 4.0])
                .show(ui, |ui| {
                    row(ui, "Type", r.kind.singular());
                    let account = ectx.estate.account(&r.account_id).map_or_else(
                        || r.account_id.clone(),
                        |a| format!("{} ({})", a.name, a.id),
                    );
                    row(ui, "Account", account);
                    row(ui, "Region", r.region.clone());
                    // Read from an aggregator, a resource is as old as
                    // Config's last capture of it, not the run.
                    if let Some(at) = &r.captured_at {
                        let ago = crate::model::freshness::age(at, time::OffsetDateTime::now_utc())
                            .map(|a| format!(" ({a} ago)"))
                            .unwrap_or_default();
                        row(ui, "Captured", format!("{at}{ago} by AWS Config"));
                    }
                    for (f, v) in r.kind.def().fields.iter().zip(&r.fields) {
                        row(ui, f.label, field_text(v));
                    }
                });
            section(ui, &format!("Tags ({})", r.tags.len()));
            if r.tags.is_empty() {
                ui.label(RichText::new("No tags").color(theme::muted(ui.visuals())));
            }
            Grid::new(("tags-grid", pane.0))
                .num_columns(2)
                .spacing([12.0, 4.0])
                .striped(true)
                .show(ui, |ui| {
                    for (k, v) in &r.tags {
                        row(
                            ui,
                            k,
                            if v.is_empty() {
                                "(empty)".into()
                            } else {
                                v.clone()
                            },
                        );
                    }
                });
            for (f, v) in r.kind.def().fields.iter().zip(&r.fields) {
                if f.ty == ValueType::Rules {
                    rules_ui(ui, f.label, v.as_rules());
                }
            }
            relations_ui(ui, pane, qctx, index, r, commands);
            // What the resource's account costs: the bill is per account
            // (Cost Explorer is not asked per resource).
            if let Some(view) = cost {
                let name = ectx
                    .estate
                    .account(&r.account_id)
                    .map_or(r.account_id.as_str(), |a| a.name.as_str());
                section(ui, &format!("Account {name}"));
                super::cost_ui::account_cost_ui(ui, view, &r.account_id);
            }
        });
}

/// Outgoing edges, then incoming ones, each far end a link when it is in
/// the estate.
fn relations_ui(
    ui: &mut egui::Ui,
    pane: PaneId,
    qctx: &query::Context,
    index: usize,
    r: &Resource,
    commands: &mut Vec<Command>,
) {
    let outgoing: Vec<query::Link> = qctx.edges_of(index).collect();
    let incoming: Vec<query::Link> = qctx.incoming(index).collect();
    if outgoing.is_empty() && incoming.is_empty() {
        return;
    }
    section(
        ui,
        &format!("Relations ({})", outgoing.len() + incoming.len()),
    );
    let resources = &qctx.estate().resources;
    Grid::new(("relations-grid", pane.0))
        .num_columns(2)
        .spacing([12.0, 4.0])
        .striped(true)
        .show(ui, |ui| {
            for l in &outgoing {
                ui.label(RichText::new(l.edge.rel.label()).color(theme::muted(ui.visuals())));
                match l.far.and_then(|f| resources.get(f).map(|r| (f, r))) {
                    Some((far, fr)) => link_ui(ui, pane, far, fr, l.edge, commands),
                    None => outside_ui(ui, r, l.edge),
                }
                ui.end_row();
            }
            for l in &incoming {
                let Some(near) = resources.get(l.near) else {
                    continue;
                };
                ui.label(
                    RichText::new(l.edge.rel.inverse_label()).color(theme::muted(ui.visuals())),
                );
                link_ui(ui, pane, l.near, near, l.edge, commands);
                ui.end_row();
            }
        });
}

fn edge_attrs(e: &Edge) -> String {
    e.attrs
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn link_ui(
    ui: &mut egui::Ui,
    pane: PaneId,
    target: usize,
    far: &Resource,
    e: &Edge,
    commands: &mut Vec<Command>,
) {
    ui.horizontal(|ui| {
        let text = format!("{} · {}", far.kind.singular(), far.display_name());
        if ui
            .link(text)
            .on_hover_text(format!("{} in {} {}", far.id, far.account_id, far.region))
            .clicked()
        {
            commands.push(Command::Select(pane, Some(target)));
        }
        let attrs = edge_attrs(e);
        if !attrs.is_empty() {
            ui.label(RichText::new(attrs).color(theme::muted(ui.visuals())));
        }
    });
}

/// A far end that is not in the estate: by id, with its name and owner
/// account when the edge knows them.
fn outside_ui(ui: &mut egui::Ui, near: &Resource, e: &Edge) {
    let mut text = match &e.name {
        Some(n) => format!("{n} · {}", e.to),
        None => e.to.clone(),
    };
    if let Some(a) = e.account_id.as_deref().filter(|a| *a != near.account_id) {
        text.push_str(&format!(" (account {a})"));
    }
    let attrs = edge_attrs(e);
    if !attrs.is_empty() {
        text.push_str(&format!(" · {attrs}"));
    }
    ui.horizontal(|ui| {
        ui.label(text);
        theme::chip(ui, "not collected", theme::muted(ui.visuals()));
    })
    .response
    .on_hover_text("The far end is outside the collected estate (another account, region, or a resource that was not collected).");
}

fn section(ui: &mut egui::Ui, title: &str) {
    ui.add_space(8.0);
    ui.label(RichText::new(title).strong());
    ui.add_space(2.0);
}

fn rules_ui(ui: &mut egui::Ui, title: &str, rules: &[SgRule]) {
    section(ui, &format!("{title} ({})", rules.len()));
    for rule in rules {
        ui.horizontal(|ui| {
            ui.label(RichText::new(rule.to_string()).monospace());
            if rule.is_open_to_world() {
                theme::chip(ui, "open to the internet", ui.visuals().warn_fg_color);
            }
        })
        .response
        .on_hover_text(rule.description.clone().unwrap_or_default());
    }
}
