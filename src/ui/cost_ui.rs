//! Drawing costs: the month picker above the tree, the right-aligned cost
//! column of every tree row (amount, and the change against the month
//! before, coloured by direction), and the cost section of an account's
//! details (its top services). Reads the [`CostView`] `logic` derived;
//! changes nothing but emits commands.

use egui::RichText;

use super::command::Command;
use super::cost::CostView;
use super::theme;
use crate::cost::{Change, money};

/// Width of the tree's cost column, so amounts line up row under row.
pub const COLUMN_WIDTH: f32 = 104.0;

/// How many services an account's details list.
const TOP_SERVICES: usize = 6;

/// "Cost for [2026-10 ▾] vs 2026-09", above the tree.
pub fn cost_month_ui(
    ui: &mut egui::Ui,
    view: &CostView,
    sort_by_cost: bool,
    commands: &mut Vec<Command>,
) {
    ui.horizontal(|ui| {
        let label = ui
            .label(
                RichText::new(format!("Cost ({})", view.unit))
                    .small()
                    .color(theme::muted(ui.visuals())),
            )
            .on_hover_text(if view.requests == 0 {
                "Monthly unblended cost per account (the demo's: not read from Cost Explorer)"
                    .to_string()
            } else {
                format!(
                    "Monthly unblended cost per account, as Cost Explorer reported it ({} request(s) at $0.01)",
                    view.requests
                )
            });
        let mut chosen = view.month;
        egui::ComboBox::from_id_salt("cost-month")
            .selected_text(month_text(view, view.month))
            .show_ui(ui, |ui| {
                for m in view.months.iter().rev() {
                    ui.selectable_value(&mut chosen, *m, month_text(view, *m));
                }
            })
            .response
            .labelled_by(label.id);
        if chosen != view.month {
            commands.push(Command::SetCostMonth(chosen));
        }
        if let Some(p) = view.previous {
            ui.label(
                RichText::new(format!("vs {p}"))
                    .small()
                    .color(theme::muted(ui.visuals())),
            );
        }
        let mut sort = sort_by_cost;
        if ui
            .checkbox(&mut sort, "Sort by cost")
            .on_hover_text("Most expensive OUs and accounts first")
            .changed()
        {
            commands.push(Command::SortTreeByCost(sort));
        }
    });
    if view.partial {
        ui.label(
            RichText::new("Month to date: not over, so lower than a full month")
                .small()
                .color(ui.visuals().warn_fg_color),
        );
    }
    if let Some(e) = &view.error {
        ui.colored_label(ui.visuals().error_fg_color, e);
    }
}

fn month_text(view: &CostView, m: crate::cost::Month) -> String {
    if view.to_date == Some(m) {
        format!("{m} (to date)")
    } else {
        m.to_string()
    }
}

/// One tree row's cost, right-aligned in a fixed-width column: the amount
/// in whole units and the change, with the exact figures on hover.
pub fn cost_cell_ui(ui: &mut egui::Ui, view: &CostView, change: Option<&Change>) {
    let (rect, resp) = ui.allocate_exact_size(
        egui::vec2(COLUMN_WIDTH, ui.spacing().interact_size.y),
        egui::Sense::hover(),
    );
    let Some(change) = change else {
        return;
    };
    let mut child = ui.new_child(
        egui::UiBuilder::new()
            .max_rect(rect)
            .layout(egui::Layout::right_to_left(egui::Align::Center)),
    );
    if let Some(p) = change.percent() {
        child.label(
            RichText::new(&p)
                .small()
                .color(direction_color(child.visuals(), &p)),
        );
    }
    child.label(RichText::new(money(change.amount, &view.unit, 0)).small());
    resp.on_hover_ui(|ui| change_ui(ui, view, change));
}

/// Rising costs in the warning colour, falling ones muted: the eye goes
/// to what grew.
fn direction_color(v: &egui::Visuals, percent: &str) -> egui::Color32 {
    if percent.starts_with('+') || percent == "new" {
        v.warn_fg_color
    } else {
        theme::muted(v)
    }
}

fn change_ui(ui: &mut egui::Ui, view: &CostView, change: &Change) {
    ui.label(format!(
        "{}: {}",
        view.month,
        money(change.amount, &view.unit, 2)
    ));
    if let (Some(p), Some(before)) = (view.previous, change.previous) {
        ui.label(format!("{p}: {}", money(before, &view.unit, 2)));
        if let (Some(delta), Some(pct)) = (change.delta(), change.percent()) {
            ui.label(format!("Change: {} ({pct})", money(delta, &view.unit, 2)));
        }
    }
    if view.partial {
        ui.label("Month to date");
    }
}

/// An account's cost section: the month's amount and change, then its
/// top services.
pub fn account_cost_ui(ui: &mut egui::Ui, view: &CostView, account_id: &str) {
    ui.label(RichText::new(format!("Cost ({})", view.unit)).strong());
    match view.accounts.get(account_id) {
        Some(change) => change_ui(ui, view, change),
        None => {
            ui.label("No cost reported");
            return;
        }
    }
    let Some(services) = view.services.get(account_id) else {
        return;
    };
    egui::Grid::new(("acct-services", account_id))
        .num_columns(2)
        .show(ui, |ui| {
            for (service, amount) in services.iter().take(TOP_SERVICES) {
                ui.label(RichText::new(service).color(theme::muted(ui.visuals())));
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.label(money(*amount, &view.unit, 2));
                });
                ui.end_row();
            }
        });
    if services.len() > TOP_SERVICES {
        ui.label(
            RichText::new(format!(
                "…and {} more services",
                services.len() - TOP_SERVICES
            ))
            .small()
            .color(theme::muted(ui.visuals())),
        );
    }
}

/// Rows of each comparison table: the largest differences.
const COMPARE_ROWS: usize = 8;

/// The cost part of a comparison: both sides' totals, then the largest
/// differences by service and by account paired across environments.
pub fn cost_compare_ui(
    ui: &mut egui::Ui,
    id: u64,
    cost: &Result<crate::cost::compare::CostComparison, String>,
) {
    let c = match cost {
        Ok(c) => c,
        Err(e) => {
            ui.colored_label(ui.visuals().error_fg_color, format!("Cost: {e}"));
            return;
        }
    };
    let v = ui.visuals().clone();
    let title = format!(
        "Cost in {}: left {} · right {}",
        c.month,
        money(c.left_total, &c.unit, 0),
        money(c.right_total, &c.unit, 0)
    );
    egui::CollapsingHeader::new(RichText::new(title).strong())
        .id_salt(("cost-compare", id))
        .default_open(true)
        .show(ui, |ui| {
            ui.horizontal_top(|ui| {
                for (heading, rows) in [
                    ("Service", &c.by_service),
                    ("Account, environment words ignored", &c.by_account),
                ] {
                    ui.vertical(|ui| {
                        egui::Grid::new(("cost-compare-grid", id, heading))
                            .num_columns(4)
                            .spacing([14.0, 2.0])
                            .show(ui, |ui| {
                                ui.label(RichText::new(heading).strong());
                                ui.label(
                                    RichText::new("Left").strong().color(theme::only_left(&v)),
                                );
                                ui.label(
                                    RichText::new("Right").strong().color(theme::only_right(&v)),
                                );
                                ui.label(RichText::new("Right − left").strong());
                                ui.end_row();
                                for r in rows.iter().take(COMPARE_ROWS) {
                                    ui.label(&r.key);
                                    ui.label(money(r.left, &c.unit, 0));
                                    ui.label(money(r.right, &c.unit, 0));
                                    let delta = r.delta().unwrap_or_default();
                                    let colour = if delta.is_negative() || delta.is_zero() {
                                        theme::muted(&v)
                                    } else {
                                        v.warn_fg_color
                                    };
                                    let sign = if delta.is_negative() || delta.is_zero() {
                                        ""
                                    } else {
                                        "+"
                                    };
                                    ui.label(
                                        RichText::new(format!(
                                            "{sign}{}",
                                            money(delta, &c.unit, 0)
                                        ))
                                        .color(colour),
                                    );
                                    ui.end_row();
                                }
                            });
                    });
                    ui.add_space(24.0);
                }
            });
        });
}
