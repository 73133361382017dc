//! The window's frame: top bar (file actions, layout actions, source),
//! org tree on the left, panes in the centre, status bar and log at the
//! bottom; or the welcome screen when no estate is loaded. Drawing only
//! reads the app (`&OrgscopeApp`) and pushes commands into the frame's
//! command list, which `logic` applies before the next frame is drawn.

use egui::RichText;

use super::app::OrgscopeApp;
use super::command::{Command, ExportFormat, RefreshScope};
use super::engine::Context;
use super::logic::inventory_panes_in_order;
use super::panes_ui::PanesBehavior;
use super::state::{LogLevel, Pane};
use super::tree_ui::{TreeCtx, tree_ui};
use super::{theme, welcome_ui};

pub fn app_ui(app: &OrgscopeApp, commands: &mut Vec<Command>, ui: &mut egui::Ui) {
    top_bar_ui(app, commands, ui);
    status_bar_ui(app, commands, ui);
    if app.settings.show_log {
        log_ui(app, ui);
    }
    if app.loaded.is_none() {
        egui::CentralPanel::default().show(ui, |ui| {
            welcome_ui::welcome_ui(
                ui,
                &app.settings,
                &app.profiles,
                welcome_ui::SignIn {
                    problem: app.sign_in_problem.as_ref(),
                    permission_sets: &app.permission_sets,
                    busy: app.progress.is_some(),
                },
                commands,
            );
        });
        super::credentials_ui::mfa_dialog_ui(app.mfa.as_ref(), ui, commands);
        return;
    }
    // The cost column needs room the plain tree does not: a separate id,
    // so the width remembered for one is not forced on the other.
    let has_cost = app.loaded.as_ref().is_some_and(|l| l.cost.is_some());
    let (panel_id, width) = if has_cost {
        ("org-tree-cost", 290.0 + super::cost_ui::COLUMN_WIDTH)
    } else {
        ("org-tree", 290.0)
    };
    egui::Panel::left(panel_id)
        .resizable(true)
        .default_size(width)
        .size_range(200.0..=640.0)
        .show(ui, |ui| org_panel_ui(app, commands, ui));
    egui::CentralPanel::default()
        .frame(
            egui::Frame::new()
                .inner_margin(egui::Margin::same(6))
                .fill(theme::gutter(ui.visuals())),
        )
        .show(ui, |ui| panes_ui(app, commands, ui));
    super::credentials_ui::mfa_dialog_ui(app.mfa.as_ref(), ui, commands);
    super::compliance_ui::compliance_window_ui(app, ui.ctx(), commands);
}

fn top_bar_ui(app: &OrgscopeApp, commands: &mut Vec<Command>, ui: &mut egui::Ui) {
    egui::Panel::top("top-bar")
        .frame(egui::Frame::side_top_panel(ui.style()).inner_margin(egui::Margin::symmetric(10, 6)))
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(RichText::new("orgscope").strong().size(15.0));
                ui.separator();
                if ui
                    .button("Open…")
                    .on_hover_text("Open a snapshot (Ctrl+O)")
                    .clicked()
                {
                    commands.push(Command::OpenDialog);
                }
                let loaded = app.loaded.is_some();
                if ui
                    .add_enabled(loaded, egui::Button::new("Save"))
                    .on_hover_text("Save the estate as a snapshot (Ctrl+S)")
                    .clicked()
                {
                    commands.push(Command::Save);
                }
                if ui
                    .add_enabled(loaded, egui::Button::new("Save as…"))
                    .clicked()
                {
                    commands.push(Command::SaveDialog);
                }
                let focused = app.focused;
                ui.add_enabled_ui(loaded && focused.is_some(), |ui| {
                    ui.menu_button("Export", |ui| {
                        if let Some(id) = focused {
                            if ui.button("Focused pane as CSV…").clicked() {
                                commands.push(Command::Export(id, ExportFormat::Csv));
                            }
                            if ui.button("Focused pane as JSON…").clicked() {
                                commands.push(Command::Export(id, ExportFormat::Json));
                            }
                        }
                    });
                });
                ui.separator();
                let live = app
                    .loaded
                    .as_ref()
                    .is_some_and(|l| matches!(l.origin, super::state::Origin::Live { .. }));
                if live {
                    ui.add_enabled_ui(app.progress.is_none(), |ui| {
                        ui.menu_button("Refresh", |ui| {
                            if super::credentials_ui::is_admin_role(
                                &app.settings.connection.role_name,
                            ) {
                                ui.set_max_width(320.0);
                                super::credentials_ui::admin_role_warning_ui(
                                    ui,
                                    &app.settings.connection.role_name,
                                );
                                ui.separator();
                            }
                            // Costs are billed per request, so Refresh asks
                            // for them only when ticked (the connect form's
                            // setting, shared).
                            let mut with_cost = app.settings.connection.cost;
                            if ui
                                .checkbox(&mut with_cost, "With costs (Cost Explorer, $0.01 per request)")
                                .on_hover_text("Read by a refresh of everything; a pane's or an account's refresh keeps the costs it has")
                                .changed()
                            {
                                let mut conn = app.settings.connection.clone();
                                conn.cost = with_cost;
                                commands.push(Command::SetConnection(Box::new(conn)));
                            }
                            if ui.button("Everything").clicked() {
                                commands.push(Command::Refresh(RefreshScope::All));
                            }
                            if let Some(id) = focused
                                && ui.button("The focused pane's scope").clicked()
                            {
                                commands.push(Command::Refresh(RefreshScope::Pane(id)));
                            }
                        });
                    });
                }
                ui.add_enabled_ui(loaded, |ui| {
                    ui.menu_button("Tags", |ui| {
                        let shortcut = ui.ctx().format_shortcut(&super::logic::COMPLIANCE_SHORTCUT);
                        let on = app.settings.show_compliance;
                        if ui
                            .add(egui::Button::selectable(on, "Tag compliance").shortcut_text(shortcut))
                            .on_hover_text("Per account and OU, the share of resources missing each required tag")
                            .clicked()
                        {
                            commands.push(Command::ToggleCompliance);
                        }
                    });
                });
                let panes = inventory_panes_in_order(app).len();
                if ui
                    .add_enabled(loaded && panes >= 2, egui::Button::new("Compare"))
                    .on_hover_text("Diff the focused pane with its neighbour")
                    .on_disabled_hover_text("Split into two panes first, then give each a scope")
                    .clicked()
                {
                    commands.push(Command::Compare);
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.menu_button("Theme", |ui| {
                        for choice in super::state::ThemeChoice::ALL {
                            let on = app.settings.theme == choice;
                            if ui.radio(on, choice.label()).clicked() && !on {
                                commands.push(Command::SetTheme(choice));
                            }
                        }
                    })
                    .response
                    .on_hover_text("Light, dark, or the system's theme");
                    if let Some(l) = &app.loaded {
                        if ui
                            .small_button("Close")
                            .on_hover_text("Back to the start screen")
                            .clicked()
                        {
                            commands.push(Command::CloseEstate);
                        }
                        let e = &l.estate;
                        let org = e
                            .organization
                            .as_ref()
                            .map_or_else(String::new, |o| format!("{} · ", o.id));
                        ui.add(
                            egui::Label::new(
                                RichText::new(format!("{org}{}", l.origin.label()))
                                    .color(theme::muted(ui.visuals())),
                            )
                            .truncate(),
                        )
                        .on_hover_text(format!(
                            "{}\ncaller {}\ncollected {}",
                            e.source.label, e.caller.arn, e.collected_at
                        ));
                    }
                });
            });
        });
}

fn status_bar_ui(app: &OrgscopeApp, commands: &mut Vec<Command>, ui: &mut egui::Ui) {
    egui::Panel::bottom("status-bar")
        .frame(egui::Frame::side_top_panel(ui.style()).inner_margin(egui::Margin::symmetric(10, 3)))
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                if let Some(l) = &app.loaded {
                    let e = &l.estate;
                    ui.label(
                        RichText::new(format!(
                            "{} accounts · {} regions · {} resources",
                            theme::count(e.accounts.len()),
                            e.regions.len(),
                            theme::count(e.resources.len())
                        ))
                        .small(),
                    );
                    let failed = e.failed_cells().count();
                    if failed > 0 {
                        theme::chip(
                            ui,
                            &format!("partial · {failed} cells incomplete"),
                            ui.visuals().warn_fg_color,
                        )
                        .on_hover_text("Some account-region cells were not collected; hover the amber badges in the tree for details");
                    }
                    ui.separator();
                }
                if let Some(p) = &app.progress {
                    let frac = if p.total == 0 {
                        0.0
                    } else {
                        p.done as f32 / p.total as f32
                    };
                    ui.add(
                        egui::ProgressBar::new(frac)
                            .desired_width(180.0)
                            .text(format!("{} / {} accounts", p.done, p.total)),
                    )
                    .on_hover_text(if p.current.is_empty() {
                        "Signing in and reading the organization…".to_string()
                    } else {
                        format!("Collecting: {}", p.current.iter().cloned().collect::<Vec<_>>().join(", "))
                    });
                    if ui.small_button("Cancel").clicked() {
                        commands.push(Command::CancelCollect);
                    }
                    if super::credentials_ui::is_admin_role(&app.settings.connection.role_name) {
                        theme::chip(ui, "admin role", ui.visuals().warn_fg_color)
                            .on_hover_text(super::credentials_ui::ADMIN_ROLE_WARNING);
                    }
                    ui.separator();
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    let errors = app.log.iter().filter(|l| l.level == LogLevel::Error).count();
                    let text = if errors > 0 {
                        format!("Log ({errors} errors)")
                    } else {
                        "Log".into()
                    };
                    if ui.selectable_label(app.settings.show_log, text).clicked() {
                        commands.push(Command::ToggleLog);
                    }
                    ui.add(
                        egui::Label::new(
                            RichText::new(&app.status).small().color(theme::muted(ui.visuals())),
                        )
                        .truncate(),
                    );
                });
            });
        });
}

fn log_ui(app: &OrgscopeApp, ui: &mut egui::Ui) {
    egui::Panel::bottom("log")
        .resizable(true)
        .default_size(120.0)
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .stick_to_bottom(true)
                .show(ui, |ui| {
                    if app.log.is_empty() {
                        ui.label(
                            RichText::new("Nothing logged yet").color(theme::muted(ui.visuals())),
                        );
                    }
                    for line in &app.log {
                        let color = match line.level {
                            LogLevel::Info => ui.visuals().text_color(),
                            LogLevel::Warn => ui.visuals().warn_fg_color,
                            LogLevel::Error => ui.visuals().error_fg_color,
                        };
                        ui.label(RichText::new(&line.text).small().color(color));
                    }
                });
        });
}

fn org_panel_ui(app: &OrgscopeApp, commands: &mut Vec<Command>, ui: &mut egui::Ui) {
    let Some(loaded) = &app.loaded else { return };
    ui.add_space(4.0);
    let focused = app
        .focused
        .and_then(|id| match app.settings.panes.get(&id) {
            Some(Pane::Inventory(p)) => Some(p),
            _ => None,
        });
    ui.horizontal(|ui| {
        ui.label(RichText::new("Organization").strong());
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if focused.is_some_and(|p| !p.cfg.scope.is_everything())
                && ui
                    .small_button("Clear")
                    .on_hover_text("Scope the focused pane to the whole estate")
                    .clicked()
            {
                commands.push(Command::ScopeAll);
            }
        });
    });
    if let Some(p) = focused {
        ui.label(
            RichText::new(format!("Ticks set the scope of “{}”", p.cfg.title))
                .small()
                .color(theme::muted(ui.visuals())),
        );
    }
    if let Some(view) = &loaded.cost {
        super::cost_ui::cost_month_ui(ui, view, app.tree_sort_by_cost, commands);
    }
    let label = ui.label(
        RichText::new("Search")
            .small()
            .color(theme::muted(ui.visuals())),
    );
    let mut search = app.tree_search.clone();
    if ui
        .add(
            egui::TextEdit::singleline(&mut search)
                .hint_text("accounts and OUs")
                .desired_width(f32::INFINITY),
        )
        .labelled_by(label.id)
        .changed()
    {
        commands.push(Command::SetTreeSearch(search.clone()));
    }
    ui.add_space(4.0);
    let mut t = TreeCtx {
        loaded,
        can_refresh: app.progress.is_none()
            && matches!(loaded.origin, super::state::Origin::Live { .. }),
        scope: focused.map(|p| &p.cfg.scope),
        // This frame's typing narrows the tree right away.
        search: &search,
        sort_by_cost: app.tree_sort_by_cost,
        commands,
    };
    tree_ui(&mut t, ui);
}

fn panes_ui(app: &OrgscopeApp, commands: &mut Vec<Command>, ui: &mut egui::Ui) {
    let Some(loaded) = &app.loaded else { return };
    let Some(layout) = &app.settings.layout else {
        return;
    };
    // egui_tiles resizes and rearranges the tree it draws: it draws a copy,
    // and a changed copy goes back to `logic` as a command.
    let mut tree = layout.clone();
    let estate = loaded.estate.clone();
    let ectx = Context::new(&estate, loaded.query());
    let inventory_count = inventory_panes_in_order(app).len();
    let titles = app
        .settings
        .panes
        .iter()
        .map(|(id, p)| {
            let t = match p {
                Pane::Inventory(p) => {
                    let scope = p.cfg.scope.describe(Some(&estate));
                    if p.cfg.scope.is_everything() {
                        p.cfg.title.clone()
                    } else {
                        scope
                    }
                }
                Pane::Compare(_) => "Compare".to_string(),
            };
            (*id, t)
        })
        .collect();
    let mut behavior = PanesBehavior {
        panes: &app.settings.panes,
        loaded,
        ectx: &ectx,
        commands,
        focused: app.focused,
        inventory_count,
        titles,
    };
    tree.ui(&mut behavior, ui);
    if tree != *layout {
        // First: every command of this frame was made against the tree as
        // drawn, so a split or close lands in the rearranged layout.
        commands.insert(0, Command::SetLayout(Box::new(tree)));
    }
}
