//! The inventory table: a virtualized egui_extras table over a pane's
//! precomputed row indices. Only visible rows are laid out; sorting and
//! filtering already happened in `logic`, so a frame costs the same with
//! 100 rows or 100,000. Headers sort; a row click selects; right click
//! copies the id or ARN.

use egui::{Align, Layout, RichText, Sense};
use egui_extras::{Column, TableBuilder};

use super::command::Command;
use super::engine::{self, Context};
use super::export::pane_columns;
use super::state::{InventoryPane, PaneId};
use super::theme;
use crate::model::{Kind, ValueType};
use crate::query;

/// The value type of the field `name` (the same in every kind that has it).
fn field_type(name: &str) -> Option<ValueType> {
    Kind::all().find_map(|k| {
        let def = k.def();
        def.field_index(name).map(|i| def.fields[i].ty)
    })
}

fn initial_width(c: &query::Column) -> f32 {
    use query::Column as C;
    match c {
        C::Type => 100.0,
        C::Name | C::Id => 200.0,
        C::Account => 160.0,
        C::AccountId | C::Ou => 140.0,
        C::Region => 95.0,
        C::Vpc | C::Rel(_) => 170.0,
        C::Field(name) => match field_type(name) {
            Some(ValueType::Bool | ValueType::Number) => 80.0,
            Some(ValueType::Cidr | ValueType::Ip) => 115.0,
            Some(ValueType::Time) => 160.0,
            _ => 95.0,
        },
        C::Tag(_) => 110.0,
    }
}

pub fn table_ui(
    ui: &mut egui::Ui,
    id: PaneId,
    p: &InventoryPane,
    ectx: &Context,
    commands: &mut Vec<Command>,
) {
    let scroll_to = p.derived.scroll_to;
    let estate = ectx.estate;
    let cols = pane_columns(&p.cfg);
    let rows = &p.derived.rows;
    ui.horizontal(|ui| {
        let what = p
            .cfg
            .rtype
            .map_or_else(|| "resources".to_string(), |t| t.label_in_text());
        ui.label(RichText::new(format!("{} {what}", theme::count(rows.len()))).strong());
        if p.derived.pending.is_some() {
            // A large estate's rows are being derived on a worker; the
            // rows shown are the previous filter's until they land.
            ui.add(egui::Spinner::new().size(12.0));
            ui.label(
                RichText::new("filtering…")
                    .small()
                    .color(theme::muted(ui.visuals())),
            );
        }
        if p.cfg.sort.is_none() {
            ui.label(
                RichText::new("· click a column header to sort")
                    .small()
                    .color(theme::muted(ui.visuals())),
            );
        }
    });
    if rows.is_empty() && p.derived.pending.is_some() {
        ui.add_space(24.0);
        ui.vertical_centered(|ui| {
            ui.label(
                RichText::new(format!(
                    "Filtering {} resources…",
                    theme::count(estate.resources.len())
                ))
                .color(theme::muted(ui.visuals())),
            );
        });
        return;
    }
    if rows.is_empty() {
        ui.add_space(24.0);
        ui.vertical_centered(|ui| {
            ui.label(RichText::new("No resources match").color(theme::muted(ui.visuals())));
            ui.label(
                RichText::new("Widen the scope in the org tree or loosen the filter.")
                    .small()
                    .color(theme::muted(ui.visuals())),
            );
        });
        return;
    }
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
    // Start every column at its natural width, shrunk together when the
    // pane is narrow (a split pane) so the last columns are not cut off.
    let natural: f32 = cols.iter().map(initial_width).sum();
    let fit = (ui.available_width() / natural).min(1.0);
    let mut table = TableBuilder::new(ui)
        .id_salt(("table", id.0))
        .striped(true)
        .resizable(true)
        .sense(Sense::click())
        .auto_shrink([false, false])
        .cell_layout(Layout::left_to_right(Align::Center));
    for (i, c) in cols.iter().enumerate() {
        let col = if i + 1 == cols.len() {
            Column::remainder().at_least(50.0)
        } else {
            Column::initial((initial_width(c) * fit).max(50.0)).at_least(40.0)
        };
        table = table.column(col.clip(true));
    }
    if let Some(row) = scroll_to {
        table = table.scroll_to_row(row, Some(Align::Center));
    }
    let selected = p.derived.selected;
    table
        .header(row_height + 2.0, |mut header| {
            for c in &cols {
                header.col(|ui| {
                    let arrow = match &p.cfg.sort {
                        Some((s, false)) if s == c => " ▲",
                        Some((s, true)) if s == c => " ▼",
                        _ => "",
                    };
                    let text = RichText::new(format!("{}{arrow}", c.title())).strong();
                    let resp = ui
                        .add(egui::Button::new(text).frame(false).truncate())
                        .on_hover_text("Sort (click again to reverse, a third time to clear)");
                    if resp.clicked() {
                        commands.push(Command::SortBy(id, c.clone()));
                    }
                });
            }
        })
        .body(|body| {
            body.rows(row_height, rows.len(), |mut row| {
                let Some(&ri) = rows.get(row.index()) else {
                    return;
                };
                let r = &estate.resources[ri];
                row.set_selected(selected == Some(ri));
                for c in &cols {
                    row.col(|ui| {
                        let text = engine::cell(ectx, r, c);
                        let mono = match c {
                            query::Column::Id | query::Column::Vpc => true,
                            query::Column::Field(name) => {
                                matches!(field_type(name), Some(ValueType::Cidr | ValueType::Ip))
                            }
                            _ => false,
                        };
                        let rich = if mono {
                            RichText::new(text).monospace()
                        } else {
                            RichText::new(text)
                        };
                        ui.add(egui::Label::new(rich).truncate().selectable(false));
                    });
                }
                let resp = row.response();
                if resp.clicked() {
                    let next = if selected == Some(ri) { None } else { Some(ri) };
                    commands.push(Command::Select(id, next));
                }
                resp.context_menu(|ui| {
                    if ui.button("Copy ID").clicked() {
                        commands.push(Command::Copy(r.id.clone()));
                        ui.close();
                    }
                    if ui.button("Copy ARN").clicked() {
                        commands.push(Command::Copy(r.arn()));
                        ui.close();
                    }
                    if ui.button("Show details").clicked() {
                        commands.push(Command::Select(id, Some(ri)));
                        ui.close();
                    }
                });
            });
        });
}
