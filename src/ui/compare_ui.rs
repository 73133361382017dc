//! The diff view between two panes: the matching settings (environment
//! tokens, ignored tags), a per-type summary, then only-left, only-right
//! and changed rows with the differing fields highlighted. Edits to the
//! settings are emitted as [`Command::SetCompare`].

use egui::{Align, Layout, RichText, TextEdit};
use egui_extras::{Column, TableBuilder};

use super::command::{Command, CompareSetting};
use super::compare::{DiffEntry, EntryStatus, counts_row, side_text, status_label};
use super::engine::Context;
use super::state::{ComparePane, PaneId};
use super::theme;

fn status_color(v: &egui::Visuals, s: EntryStatus) -> egui::Color32 {
    match s {
        EntryStatus::OnlyLeft => theme::only_left(v),
        EntryStatus::OnlyRight => theme::only_right(v),
        EntryStatus::Changed => theme::changed(v),
        EntryStatus::Same | EntryStatus::NotCollected => theme::muted(v),
    }
}

pub fn compare_ui(
    ui: &mut egui::Ui,
    id: PaneId,
    c: &ComparePane,
    (left, right): (&str, &str),
    ectx: &Context,
    commands: &mut Vec<Command>,
) {
    ui.horizontal(|ui| {
        ui.label(RichText::new("Compare").heading().strong());
        ui.label(
            RichText::new(left)
                .strong()
                .color(theme::only_left(ui.visuals())),
        );
        ui.label("↔");
        ui.label(
            RichText::new(right)
                .strong()
                .color(theme::only_right(ui.visuals())),
        );
        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            if ui
                .add(egui::Button::new("×").frame(false))
                .on_hover_text("Close the comparison")
                .clicked()
            {
                commands.push(Command::Close(id));
            }
        });
    });
    ui.horizontal(|ui| {
        let muted = theme::muted(ui.visuals());
        let (mut env, mut ignore, mut keys, mut same) = (
            c.env_tokens.clone(),
            c.ignore_tags.clone(),
            c.keys.clone(),
            c.show_same,
        );
        let la = ui.label(RichText::new("Match by name, ignoring").color(muted));
        let a = ui
            .add(TextEdit::singleline(&mut env).desired_width(220.0))
            .labelled_by(la.id)
            .on_hover_text("Words in names that differ between environments, e.g. prod, test");
        let lb = ui.label(RichText::new("Ignore tags").color(muted));
        let b = ui
            .add(TextEdit::singleline(&mut ignore).desired_width(140.0))
            .labelled_by(lb.id);
        let lk = ui.label(RichText::new("Keys").color(muted));
        let k = ui
            .add(
                TextEdit::singleline(&mut keys)
                    .hint_text("instance=tag:role, vpc=cidr")
                    .desired_width(180.0),
            )
            .labelled_by(lk.id)
            .on_hover_text("How each type is matched: default, name, tag:KEY, id or cidr");
        let s = ui.checkbox(&mut same, "Show unchanged");
        for (changed, setting) in [
            (a.changed(), CompareSetting::EnvTokens(env)),
            (b.changed(), CompareSetting::IgnoreTags(ignore)),
            (k.changed(), CompareSetting::Keys(keys)),
            (s.changed(), CompareSetting::ShowSame(same)),
        ] {
            if changed {
                commands.push(Command::SetCompare(id, setting));
            }
        }
    });
    if let Some(err) = &c.keys_error {
        ui.label(
            RichText::new(err)
                .small()
                .color(ui.visuals().error_fg_color),
        );
    }
    if let Some(cost) = &c.cost {
        super::cost_ui::cost_compare_ui(ui, id.0, cost);
    }
    let Some(report) = &c.report else {
        ui.spinner();
        return;
    };
    ui.add_space(4.0);
    egui::Grid::new(("diff-summary", id.0))
        .num_columns(6)
        .spacing([18.0, 3.0])
        .show(ui, |ui| {
            let v = ui.visuals().clone();
            ui.label(RichText::new("Type").strong());
            ui.label(RichText::new("Only left").strong().color(theme::only_left(&v)));
            ui.label(RichText::new("Only right").strong().color(theme::only_right(&v)));
            ui.label(RichText::new("Changed").strong().color(theme::changed(&v)));
            ui.label(RichText::new("Same").strong().color(theme::muted(&v)));
            ui.label(RichText::new("Not collected").strong().color(theme::muted(&v)))
                .on_hover_text("The other side's twin account was not collected in that region (e.g. access denied): absence there proves nothing");
            ui.end_row();
            for (t, n) in &report.per_type {
                ui.label(t.label());
                for k in counts_row(n) {
                    ui.label(theme::count(k));
                }
                ui.end_row();
            }
        });
    let entries: Vec<&DiffEntry> = report
        .entries
        .iter()
        .filter(|e| c.show_same || e.status != EntryStatus::Same)
        .collect();
    ui.add_space(4.0);
    let not_collected = report
        .entries
        .iter()
        .filter(|e| e.status == EntryStatus::NotCollected)
        .count();
    if not_collected > 0 {
        ui.label(
            RichText::new(format!(
                "{} resources could not be compared: the other side was not collected (hover the badges in the tree)",
                theme::count(not_collected)
            ))
            .small()
            .color(theme::muted(ui.visuals())),
        );
    }
    ui.label(
        RichText::new(format!(
            "{} differences",
            theme::count(
                report
                    .entries
                    .iter()
                    .filter(|e| matches!(
                        e.status,
                        EntryStatus::OnlyLeft | EntryStatus::OnlyRight | EntryStatus::Changed
                    ))
                    .count()
            )
        ))
        .strong(),
    );
    let estate = ectx.estate;
    let row_h = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
    let name = |i: Option<usize>| {
        i.and_then(|i| estate.resources.get(i))
            .map_or((String::new(), String::new()), |r| {
                let acc = estate
                    .account(&r.account_id)
                    .map_or(r.account_id.as_str(), |a| a.name.as_str());
                (format!("{} · {acc}", r.display_name()), r.id.clone())
            })
    };
    TableBuilder::new(ui)
        .id_salt(("diff-table", id.0))
        .striped(true)
        .resizable(true)
        .auto_shrink([false, false])
        .cell_layout(Layout::left_to_right(Align::Center))
        .column(Column::initial(84.0).clip(true))
        .column(Column::initial(110.0).clip(true))
        .column(Column::initial(180.0).clip(true))
        .column(Column::initial(200.0).clip(true))
        .column(Column::initial(200.0).clip(true))
        .column(Column::remainder().at_least(120.0).clip(true))
        .header(row_h, |mut h| {
            for t in [
                "Status",
                "Type",
                "Match key",
                "Left",
                "Right",
                "Differences",
            ] {
                h.col(|ui| {
                    ui.label(RichText::new(t).strong());
                });
            }
        })
        .body(|body| {
            body.rows(row_h, entries.len(), |mut row| {
                let Some(e) = entries.get(row.index()) else {
                    return;
                };
                row.col(|ui| {
                    theme::chip(
                        ui,
                        status_label(e.status),
                        status_color(ui.visuals(), e.status),
                    );
                });
                row.col(|ui| {
                    ui.label(e.rtype.as_str());
                });
                row.col(|ui| {
                    ui.add(egui::Label::new(RichText::new(&e.key).monospace()).truncate());
                });
                for side in [e.left, e.right] {
                    row.col(|ui| {
                        let (text, id) = name(side);
                        if !text.is_empty() {
                            ui.add(egui::Label::new(text).truncate()).on_hover_text(id);
                        }
                    });
                }
                row.col(|ui| {
                    if e.changes.is_empty() {
                        return;
                    }
                    let bg = theme::changed_bg(ui.visuals());
                    let text = e
                        .changes
                        .iter()
                        .map(|f| {
                            format!(
                                "{}: {} → {}",
                                f.field,
                                side_text(&f.left),
                                side_text(&f.right)
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("   ");
                    ui.add(egui::Label::new(RichText::new(text).background_color(bg)).truncate());
                });
            });
        });
}
