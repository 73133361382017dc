//! The tag compliance window (menu "Tags", Ctrl+Shift+T): the required
//! keys as an editable list, then the estate, each OU and each account
//! below it, with a bar and `N (S%)` per key for the resources missing
//! it. An account's cell with something missing is a button: it asks
//! `logic` to list those resources in the focused pane
//! (`account:NAME -has:KEY`). Scopes that were not fully collected say so
//! in their own column and their shares carry a `*`. Reads the report
//! `ui::compliance` derived; changes nothing but emits commands.

use egui::{Color32, RichText, Sense, Vec2};

use super::app::OrgscopeApp;
use super::command::Command;
use super::theme;
use crate::compliance::{Level, Report, Row};

const ROW_HEIGHT: f32 = 22.0;
const SCOPE_WIDTH: f32 = 200.0;
const COUNT_WIDTH: f32 = 70.0;
const KEY_WIDTH: f32 = 145.0;
const BAR_WIDTH: f32 = 44.0;

pub fn compliance_window_ui(app: &OrgscopeApp, ctx: &egui::Context, commands: &mut Vec<Command>) {
    if !app.settings.show_compliance || app.loaded.is_none() {
        return;
    }
    let mut open = true;
    egui::Window::new("Tag compliance")
        .open(&mut open)
        .default_size([860.0, 560.0])
        .resizable(true)
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                let label = ui.label("Required tags");
                let mut text = app.settings.required_tags.0.clone();
                let edit = ui
                    .add(
                        egui::TextEdit::singleline(&mut text)
                            .desired_width(260.0)
                            .hint_text("owner,env,app"),
                    )
                    .labelled_by(label.id)
                    .on_hover_text("Tag keys every resource must carry, comma-separated (case-sensitive, as in AWS)");
                if edit.changed() {
                    commands.push(Command::SetRequiredTags(text));
                }
            });
            ui.label(
                RichText::new(
                    "Resources of every kind missing each key. Click an account's count to list them.",
                )
                .small()
                .color(theme::muted(ui.visuals())),
            );
            ui.separator();
            match app.compliance.as_ref().map(|v| &v.report) {
                Some(Ok(report)) => report_ui(ui, report, commands),
                Some(Err(e)) => {
                    ui.colored_label(ui.visuals().error_fg_color, e);
                }
                None => {
                    ui.spinner();
                }
            }
        });
    if !open {
        commands.push(Command::ToggleCompliance);
    }
}

fn report_ui(ui: &mut egui::Ui, report: &Report, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        header(ui, "Scope", SCOPE_WIDTH);
        header(ui, "Resources", COUNT_WIDTH);
        for k in &report.keys {
            header(ui, &format!("missing {k}"), KEY_WIDTH);
        }
        ui.label(RichText::new("Not collected").strong());
    });
    // Only the visible rows are drawn: an estate of a thousand accounts
    // has a thousand rows.
    egui::ScrollArea::both()
        .auto_shrink([false, false])
        .show_rows(ui, ROW_HEIGHT, report.rows.len(), |ui, range| {
            for row in &report.rows[range] {
                ui.horizontal(|ui| {
                    ui.set_height(ROW_HEIGHT);
                    row_ui(ui, report, row, commands);
                });
            }
        });
    if report.rows.iter().any(|r| r.tally.is_partial()) {
        ui.label(
            RichText::new("* partial: some account-regions were not collected; their resources are unknown, not compliant")
                .small()
                .color(ui.visuals().warn_fg_color),
        );
    }
}

fn header(ui: &mut egui::Ui, text: &str, width: f32) {
    column(ui, width, |ui| {
        ui.add(egui::Label::new(RichText::new(text).strong()).truncate());
    });
}

/// A fixed-width column of a row, so every row lines up under the
/// headers whatever its contents' width.
fn column(ui: &mut egui::Ui, width: f32, add: impl FnOnce(&mut egui::Ui)) {
    ui.allocate_ui_with_layout(
        Vec2::new(width, ROW_HEIGHT),
        egui::Layout::left_to_right(egui::Align::Center),
        |ui| {
            ui.set_min_size(Vec2::new(width, ROW_HEIGHT));
            ui.set_max_width(width);
            add(ui);
        },
    );
}

fn row_ui(ui: &mut egui::Ui, report: &Report, row: &Row, commands: &mut Vec<Command>) {
    let indent = 14.0 * row.depth as f32;
    let name = match row.level {
        Level::Estate => RichText::new("Estate").strong(),
        Level::Ou => RichText::new(&row.name).strong(),
        Level::Account => RichText::new(&row.name),
    };
    let id = if row.id.is_empty() {
        "every account"
    } else {
        &row.id
    };
    column(ui, SCOPE_WIDTH, |ui| {
        ui.add_space(indent);
        ui.add(egui::Label::new(name).truncate()).on_hover_text(id);
    });
    column(ui, COUNT_WIDTH, |ui| {
        ui.label(theme::count(row.tally.resources));
    });
    for (k, key) in report.keys.iter().enumerate() {
        column(ui, KEY_WIDTH, |ui| key_cell_ui(ui, row, k, key, commands));
    }
    if row.tally.is_partial() {
        let n = row.tally.not_collected.len();
        ui.label(
            RichText::new(format!("{n} account-region(s)"))
                .small()
                .color(ui.visuals().warn_fg_color),
        )
        .on_hover_text(row.tally.not_collected.join("\n"));
    }
}

/// The bar and `N (S%)` of one key in one row; a button on an account
/// row with something missing.
fn key_cell_ui(ui: &mut egui::Ui, row: &Row, k: usize, key: &str, commands: &mut Vec<Command>) {
    let missing = row.tally.missing.get(k).copied().unwrap_or(0);
    let share = row.tally.permille_missing(k);
    let (rect, _) = ui.allocate_exact_size(Vec2::new(BAR_WIDTH, 8.0), Sense::hover());
    let v = ui.visuals();
    ui.painter().rect_filled(rect, 2.0, v.extreme_bg_color);
    if let Some(p) = share {
        let mut filled = rect;
        filled.set_width(rect.width() * p as f32 / 1000.0);
        let color = if p == 0 {
            Color32::TRANSPARENT
        } else if p < 500 {
            // Amber while most resources carry the key, red once half lack it.
            v.warn_fg_color
        } else {
            v.error_fg_color
        };
        ui.painter().rect_filled(filled, 2.0, color);
    }
    let share_text = row.tally.share_text(k);
    let text = format!("{missing} ({share_text})");
    // A label of its own for screen readers and tests: the visible text
    // repeats from row to row.
    let label = format!("{}: {missing} missing {key} ({share_text})", row.name);
    if row.level == Level::Account && missing > 0 {
        let r = ui
            .add(egui::Button::new(RichText::new(&text).small()).small())
            .on_hover_text(format!("List them: account:{} -has:{key}", row.name));
        r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label));
        if r.clicked() {
            commands.push(Command::ShowMissingTag {
                account_id: row.id.clone(),
                key: key.to_string(),
            });
        }
    } else {
        let r = ui.label(RichText::new(&text).small());
        r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &label));
    }
}
