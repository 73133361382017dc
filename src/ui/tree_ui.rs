//! The org tree panel: root → OUs → accounts with checkboxes that set the
//! focused pane's scope, resource counts, coverage badges (hover for the
//! failing cells and AWS errors), suspended accounts shown as such, and a
//! search box that narrows the tree.

use egui::collapsing_header::CollapsingState;
use egui::{RichText, Role, WidgetInfo};

use super::command::Command;
use super::cost::CostView;
use super::cost_ui::{account_cost_ui, cost_cell_ui};
use super::state::{Loaded, Scope};
use super::theme;
use crate::cost::Change;
use crate::model::freshness::{Freshness, age};
use crate::model::{Account, CellKey, OrgUnit};

pub struct TreeCtx<'a> {
    pub loaded: &'a Loaded,
    /// Offer "refresh this account" (live estates, no run in progress).
    pub can_refresh: bool,
    pub scope: Option<&'a Scope>,
    pub search: &'a str,
    /// Children and accounts in the cost view's order (when it has one).
    pub sort_by_cost: bool,
    pub commands: &'a mut Vec<Command>,
}

/// Everything below a node that the header summarizes.
#[derive(Default)]
struct Totals {
    resources: usize,
    issues: usize,
    accounts: usize,
}

fn totals(t: &TreeCtx, node: &OrgUnit) -> Totals {
    let mut out = Totals::default();
    for id in node.account_ids_below() {
        out.accounts += 1;
        if let Some(h) = t.loaded.health.get(id) {
            out.resources += h.resources;
            out.issues += h.issues.len();
        }
    }
    out
}

fn account_matches(a: &Account, q: &str) -> bool {
    q.is_empty() || a.name.to_lowercase().contains(q) || a.id.contains(q)
}

fn node_matches(t: &TreeCtx, node: &OrgUnit, q: &str) -> bool {
    if q.is_empty() || node.name.to_lowercase().contains(q) {
        return true;
    }
    node.accounts
        .iter()
        .filter_map(|id| t.loaded.account(id))
        .any(|a| account_matches(a, q))
        || node.children.iter().any(|c| node_matches(t, c, q))
}

pub fn tree_ui(t: &mut TreeCtx, ui: &mut egui::Ui) {
    let q = t.search.to_lowercase();
    let estate = t.loaded.estate.clone();
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ou_ui(t, ui, &estate.tree, &q, false, 0);
        });
}

fn ou_ui(
    t: &mut TreeCtx,
    ui: &mut egui::Ui,
    node: &OrgUnit,
    q: &str,
    inherited: bool,
    depth: usize,
) {
    if !node_matches(t, node, q) {
        return;
    }
    let id = ui.make_persistent_id(("ou", &node.id));
    let mut state = CollapsingState::load_with_default_open(ui.ctx(), id, depth == 0);
    if !q.is_empty() {
        state.set_open(true);
    }
    let ticked_here = t.scope.is_some_and(|s| s.ous.contains(&node.id));
    let sum = totals(t, node);
    let name = if depth == 0 {
        "Organization root"
    } else {
        node.name.as_str()
    };
    let (toggle, _, _) = state
        .show_header(ui, |ui| {
            let mut checked = ticked_here || inherited;
            let resp = ui
                .add_enabled(
                    !inherited && t.scope.is_some(),
                    egui::Checkbox::new(&mut checked, RichText::new(name).strong()),
                )
                .on_hover_ui(|ui| {
                    ui.label(RichText::new(&node.name).strong());
                    ui.label(RichText::new(&node.id).monospace());
                    ui.label(format!(
                        "{} accounts · {} resources",
                        sum.accounts,
                        theme::count(sum.resources)
                    ));
                    if !node.scps.is_empty() {
                        ui.label(format!("SCPs: {}", node.scps.join(", ")));
                    }
                    if inherited {
                        ui.label("Included through a parent OU");
                    }
                });
            if resp.changed() {
                t.commands.push(Command::ScopeOu(node.id.clone(), checked));
            }
            let cost = t.loaded.cost.as_ref().map(|v| (v, v.ous.get(&node.id)));
            counts_ui(ui, sum.resources, sum.issues, None, cost);
        })
        .body(|ui| {
            let inherited = inherited || ticked_here;
            // The cost order when asked for; else Organizations' own.
            // `loaded` outlives the `&mut t` the rows take, so the order
            // is borrowed, not copied, each frame.
            let loaded = t.loaded;
            let order = loaded
                .cost
                .as_ref()
                .filter(|_| t.sort_by_cost)
                .and_then(|v| v.order.get(&node.id));
            let children: Box<dyn Iterator<Item = &OrgUnit>> = match order {
                Some((sorted, _)) => Box::new(sorted.iter().filter_map(|i| node.children.get(*i))),
                None => Box::new(node.children.iter()),
            };
            for child in children {
                ou_ui(t, ui, child, q, inherited, depth + 1);
            }
            let accounts = order.map_or(&node.accounts, |(_, sorted)| sorted);
            for acc_id in accounts {
                if let Some(a) = t.loaded.account(acc_id)
                    && (account_matches(a, q) || node.name.to_lowercase().contains(q))
                {
                    account_ui(t, ui, a, inherited);
                }
            }
        });
    let verb = if state_is_open(ui, id, depth == 0) {
        "Collapse"
    } else {
        "Expand"
    };
    let label = format!("{verb} {name}");
    toggle.widget_info(|| WidgetInfo::labeled(Role::Button, true, label.clone()));
}

fn state_is_open(ui: &egui::Ui, id: egui::Id, default: bool) -> bool {
    CollapsingState::load_with_default_open(ui.ctx(), id, default).is_open()
}

/// A row's right-hand side: its cost column (when the estate has costs),
/// its resource count and its issues badge, right to left.
fn counts_ui(
    ui: &mut egui::Ui,
    resources: usize,
    issues: usize,
    issue_text: Option<&str>,
    cost: Option<(&CostView, Option<&Change>)>,
) {
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
        ui.add_space(4.0);
        if let Some((view, change)) = cost {
            cost_cell_ui(ui, view, change);
        }
        ui.label(
            RichText::new(theme::count(resources))
                .small()
                .color(theme::muted(ui.visuals())),
        );
        if issues > 0 {
            let color = ui.visuals().warn_fg_color;
            let text = issue_text.map_or_else(|| format!("{issues} issues"), str::to_string);
            theme::chip(ui, &text, color)
                .on_hover_text(format!("{issues} collection cells did not complete"));
        }
    });
}

fn account_ui(t: &mut TreeCtx, ui: &mut egui::Ui, a: &Account, inherited: bool) {
    let health = t.loaded.health.get(&a.id);
    let resources = health.map_or(0, |h| h.resources);
    let issues = health.map_or(&[][..], |h| h.issues.as_slice());
    ui.horizontal(|ui| {
        // Line up with OU checkboxes, which sit after the expand arrow.
        ui.add_space(ui.spacing().indent);
        let ticked = t.scope.is_some_and(|s| s.accounts.contains(&a.id));
        let mut checked = ticked || inherited;
        let mut text = RichText::new(&a.name);
        if !a.is_active() {
            text = text.color(theme::muted(ui.visuals())).italics();
        }
        let resp = ui.add_enabled(
            !inherited && t.scope.is_some(),
            egui::Checkbox::new(&mut checked, text),
        );
        let cost = t.loaded.cost.as_ref();
        let fresh = health.map(|h| &h.freshness);
        let resp = resp.on_hover_ui(|ui| account_tooltip_ui(ui, a, issues, cost, fresh));
        resp.context_menu(|ui| {
            if ui.button("Copy account ID").clicked() {
                t.commands.push(Command::Copy(a.id.clone()));
                ui.close();
            }
            if t.can_refresh && ui.button("Refresh this account").clicked() {
                t.commands
                    .push(Command::Refresh(super::command::RefreshScope::Account(
                        a.id.clone(),
                    )));
                ui.close();
            }
        });
        if resp.changed() {
            t.commands
                .push(Command::ScopeAccount(a.id.clone(), checked));
        }
        if !a.is_active() {
            theme::chip(
                ui,
                &a.status.as_str().to_lowercase(),
                theme::muted(ui.visuals()),
            );
        }
        if let Some(h) = health {
            freshness_chip_ui(ui, &h.freshness);
        }
        let worst = issues.iter().map(|i| i.1).max();
        let label = worst.map(|s| s.as_str().replace('_', " "));
        let resp = ui
            .scope(|ui| {
                let cost = cost.map(|v| (v, v.accounts.get(&a.id)));
                counts_ui(ui, resources, issues.len(), label.as_deref(), cost)
            })
            .response;
        if !issues.is_empty() {
            resp.on_hover_ui(|ui| issues_ui(ui, issues));
        }
    });
}

fn account_tooltip_ui(
    ui: &mut egui::Ui,
    a: &Account,
    issues: &[(CellKey, crate::model::CoverageStatus, String)],
    cost: Option<&CostView>,
    fresh: Option<&Freshness>,
) {
    ui.label(RichText::new(&a.name).strong());
    egui::Grid::new("acct-tip").num_columns(2).show(ui, |ui| {
        ui.label("Account");
        ui.label(RichText::new(&a.id).monospace());
        ui.end_row();
        ui.label("Email");
        ui.label(&a.email);
        ui.end_row();
        ui.label("Status");
        ui.label(a.status.as_str());
        ui.end_row();
        ui.label("OU");
        ui.label(a.ou_path.join(" / "));
        ui.end_row();
        if !a.scps.is_empty() {
            ui.label("SCPs");
            ui.label(a.scps.join(", "));
            ui.end_row();
        }
        for (k, v) in &a.tags {
            ui.label(RichText::new(k).color(theme::muted(ui.visuals())));
            ui.label(v);
            ui.end_row();
        }
        if let Some(f) = fresh.filter(|f| f.is_from_config()) {
            ui.label("Data");
            ui.label(freshness_text(f));
            ui.end_row();
        }
    });
    if let Some(view) = cost {
        ui.separator();
        account_cost_ui(ui, view, &a.id);
    }
    if !issues.is_empty() {
        ui.separator();
        issues_ui(ui, issues);
    }
}

fn issues_ui(ui: &mut egui::Ui, issues: &[(CellKey, crate::model::CoverageStatus, String)]) {
    ui.label(RichText::new("Incomplete collection").strong());
    for (cell, status, detail) in issues.iter().take(20) {
        ui.label(format!("{} · {}: {status} {detail}", cell.region, cell.api));
    }
    if issues.len() > 20 {
        ui.label(format!("…and {} more", issues.len() - 20));
    }
}

/// An account read from an AWS Config aggregator carries the age of its
/// oldest capture, so stale accounts stand out in the tree; in a mixed
/// estate, one refreshed live says so.
fn freshness_chip_ui(ui: &mut egui::Ui, f: &Freshness) {
    let now = time::OffsetDateTime::now_utc();
    if f.is_from_config() {
        let text = match f.oldest.as_deref().and_then(|o| age(o, now)) {
            Some(a) => format!("Config · {a}"),
            None => "Config".to_string(),
        };
        theme::chip(ui, &text, theme::muted(ui.visuals())).on_hover_text(freshness_text(f));
    } else if f.live > 0 {
        theme::chip(ui, "live", theme::muted(ui.visuals()))
            .on_hover_text("Read live from the account's APIs in this run");
    }
}

/// Where an account's data came from and how old it is, in words.
fn freshness_text(f: &Freshness) -> String {
    let now = time::OffsetDateTime::now_utc();
    let mut text = match (&f.oldest, &f.newest) {
        (Some(o), Some(n)) if o == n => format!(
            "From the AWS Config aggregator, captured {o} ({} ago)",
            age(o, now).unwrap_or_default()
        ),
        (Some(o), Some(n)) => format!(
            "From the AWS Config aggregator, captured between {o} ({} ago) and {n}",
            age(o, now).unwrap_or_default()
        ),
        _ => "From the AWS Config aggregator (no resources recorded)".to_string(),
    };
    if f.live > 0 {
        text.push_str(&format!("; {} resources read live", f.live));
    }
    text
}
