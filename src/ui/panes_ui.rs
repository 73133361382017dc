//! The centre of the window: egui_tiles hosts the panes. Each inventory
//! pane draws its header (title, scope, source), its type selector with
//! counts, its filter bar (inline errors, completions), and its table with
//! the selected row's details beside it; compare panes draw a diff. Panes
//! are read, never changed, here: edits become [`Command`]s.

use std::collections::BTreeMap;

use egui::{RichText, TextEdit};
use egui_tiles::{TileId, UiResponse};

use super::command::{Command, DiagramFile, DiagramKind, ExportFormat};
use super::engine::{self, Context};
use super::state::{InventoryPane, Loaded, Pane, PaneId, PaneView};
use super::{compare_ui, details_ui, table_ui, theme};
use crate::model::Kind;

pub struct PanesBehavior<'a> {
    pub panes: &'a BTreeMap<PaneId, Pane>,
    pub loaded: &'a Loaded,
    pub ectx: &'a Context<'a>,
    pub commands: &'a mut Vec<Command>,
    pub focused: Option<PaneId>,
    pub inventory_count: usize,
    pub titles: BTreeMap<PaneId, String>,
}

/// The filter bar's id, so `logic` can give it the keyboard focus (Ctrl+F).
pub fn filter_id(pane: PaneId) -> egui::Id {
    egui::Id::unique(("filter", pane.0))
}

impl egui_tiles::Behavior<PaneId> for PanesBehavior<'_> {
    fn pane_ui(&mut self, ui: &mut egui::Ui, _tile: TileId, id: &mut PaneId) -> UiResponse {
        let id = *id;
        let focused = self.focused == Some(id);
        let rect = ui.max_rect();
        let stroke = if focused {
            egui::Stroke::new(1.5, ui.visuals().selection.bg_fill)
        } else {
            egui::Stroke::new(1.0, ui.visuals().widgets.noninteractive.bg_stroke.color)
        };
        egui::Frame::new()
            .inner_margin(egui::Margin::same(8))
            .fill(ui.visuals().panel_fill)
            .show(ui, |ui| {
                ui.set_min_size(ui.available_size());
                match self.panes.get(&id) {
                    Some(Pane::Inventory(p)) => inventory_ui(self, ui, id, p),
                    Some(Pane::Compare(c)) => {
                        let left = self.titles.get(&c.left).cloned().unwrap_or_default();
                        let right = self.titles.get(&c.right).cloned().unwrap_or_default();
                        compare_ui::compare_ui(
                            ui,
                            id,
                            c,
                            (&left, &right),
                            self.ectx,
                            self.commands,
                        );
                    }
                    None => {
                        ui.label("This pane is gone.");
                    }
                }
            });
        ui.painter().rect_stroke(
            rect.shrink(1.0),
            egui::CornerRadius::same(4),
            stroke,
            egui::StrokeKind::Inside,
        );
        let clicked_inside =
            ui.input(|i| i.pointer.primary_pressed()) && ui.rect_contains_pointer(rect);
        if clicked_inside && !focused {
            self.commands.push(Command::Focus(id));
        }
        UiResponse::None
    }

    fn tab_title_for_pane(&mut self, id: &PaneId) -> egui::WidgetText {
        self.titles.get(id).cloned().unwrap_or_default().into()
    }

    fn simplification_options(&self) -> egui_tiles::SimplificationOptions {
        egui_tiles::SimplificationOptions {
            all_panes_must_have_tabs: false,
            ..Default::default()
        }
    }

    fn gap_width(&self, _style: &egui::Style) -> f32 {
        6.0
    }
}

fn inventory_ui(b: &mut PanesBehavior, ui: &mut egui::Ui, id: PaneId, p: &InventoryPane) {
    let estate = &b.loaded.estate;
    header_ui(b, ui, id, p);
    ui.add_space(2.0);
    type_selector_ui(b, ui, id, p);
    ui.add_space(2.0);
    filter_ui(b, ui, id, p);
    ui.add_space(4.0);
    if p.cfg.view == PaneView::Matrix {
        match p.derived.access.clone() {
            Some((_, matrix)) => super::access_ui::matrix_ui(ui, id, &matrix, b.commands),
            None => {
                ui.spinner();
            }
        }
        return;
    }
    if p.cfg.view.diagram().is_some() {
        match p.derived.scene.clone() {
            Some((_, scene)) => {
                // Selection is shared with the table: the selected row is
                // outlined here, and a clicked box selects its row (and
                // scrolls the table to it when the user switches back).
                let selected_id = p
                    .derived
                    .selected
                    .and_then(|i| estate.resources.get(i))
                    .map(|r| r.id.as_str());
                let mut view = p.derived.diagram.clone();
                let clicked = super::diagram_view::diagram_ui(ui, &scene, &mut view, selected_id);
                if view != p.derived.diagram {
                    b.commands.push(Command::SetDiagramView(id, Box::new(view)));
                }
                if let Some(node_id) = clicked {
                    let hit =
                        p.derived.rows.iter().enumerate().find(|(_, i)| {
                            estate.resources.get(**i).is_some_and(|r| r.id == node_id)
                        });
                    if let Some((pos, &ri)) = hit {
                        b.commands.push(Command::ScrollTo(id, pos));
                        b.commands.push(Command::Select(id, Some(ri)));
                    }
                }
            }
            None => {
                ui.spinner();
            }
        }
        return;
    }
    let selected = p
        .derived
        .selected
        .and_then(|i| estate.resources.get(i).map(|r| (i, r)));
    if let Some((ri, _)) = selected {
        egui::Panel::right(egui::Id::unique(("details", id.0)))
            .resizable(true)
            .default_size(320.0)
            .size_range(220.0..=640.0)
            .frame(egui::Frame::new().inner_margin(egui::Margin {
                left: 10,
                ..Default::default()
            }))
            .show(ui, |ui| {
                let cost = b.loaded.cost.as_ref();
                details_ui::details_ui(ui, id, (b.ectx, b.ectx.query), cost, ri, b.commands)
            });
    }
    egui::CentralPanel::no_frame().show(ui, |ui| {
        table_ui::table_ui(ui, id, p, b.ectx, b.commands);
    });
}

fn header_ui(b: &mut PanesBehavior, ui: &mut egui::Ui, id: PaneId, p: &InventoryPane) {
    let estate = &b.loaded.estate;
    ui.horizontal(|ui| {
        ui.label(RichText::new(&p.cfg.title).heading().strong());
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let close = ui.add_enabled(b.inventory_count > 1, egui::Button::new("×").frame(false));
            if close.on_hover_text("Close this pane").clicked() {
                b.commands.push(Command::Close(id));
            }
            if ui
                .button("Split")
                .on_hover_text("Open a second pane to the right, with its own scope")
                .clicked()
            {
                b.commands.push(Command::Split(id));
            }
            ui.menu_button("Export", |ui| {
                if ui.button("CSV…").clicked() {
                    b.commands.push(Command::Export(id, ExportFormat::Csv));
                }
                if ui.button("JSON…").clicked() {
                    b.commands.push(Command::Export(id, ExportFormat::Json));
                }
                ui.separator();
                for (name, kind) in [
                    ("Network diagram", DiagramKind::Network),
                    ("Connectivity diagram", DiagramKind::Connectivity),
                    ("Access diagram", DiagramKind::Access),
                    ("Org tree diagram", DiagramKind::Org),
                ] {
                    ui.separator();
                    for (format, file) in [
                        ("SVG", DiagramFile::Svg),
                        ("PNG 1×", DiagramFile::Png(1)),
                        ("PNG 2×", DiagramFile::Png(2)),
                        ("draw.io", DiagramFile::Drawio),
                    ] {
                        if ui.button(format!("{name} ({format})…")).clicked() {
                            b.commands
                                .push(Command::Export(id, ExportFormat::Diagram { kind, file }));
                        }
                    }
                }
            });
            let view = p.cfg.view;
            if ui
                .selectable_label(view == PaneView::Matrix, "Matrix")
                .on_hover_text(
                    "Access matrix of these rows' IAM roles: who (rows) can enter which account (columns), through how many roles",
                )
                .clicked()
            {
                b.commands.push(Command::SetView(id, PaneView::Matrix));
            }
            if ui
                .selectable_label(view == PaneView::Access, "Access")
                .on_hover_text(
                    "Who can get into these rows' accounts: arrows from trusted accounts into the accounts whose IAM roles trust them, red where a role is a finding",
                )
                .clicked()
            {
                b.commands.push(Command::SetView(id, PaneView::Access));
            }
            if ui
                .selectable_label(view == PaneView::Connectivity, "Connectivity")
                .on_hover_text(
                    "How these rows' accounts are wired: VPCs in their accounts and OUs, peerings, Transit Gateway hubs and spokes",
                )
                .clicked()
            {
                b.commands.push(Command::SetView(id, PaneView::Connectivity));
            }
            if ui
                .selectable_label(view == PaneView::Diagram, "Diagram")
                .on_hover_text(
                    "Network diagram of these rows: account → region → VPC → subnet → instances",
                )
                .clicked()
            {
                b.commands.push(Command::SetView(id, PaneView::Diagram));
            }
            if ui
                .selectable_label(view == PaneView::Table, "Table")
                .clicked()
            {
                b.commands.push(Command::SetView(id, PaneView::Table));
            }
            ui.menu_button("Columns", |ui| {
                ui.label(RichText::new("Tag columns").small().strong());
                let keys = engine::tag_keys(estate, &p.derived.rows);
                egui::ScrollArea::vertical()
                    .max_height(320.0)
                    .show(ui, |ui| {
                        for k in keys {
                            let mut on = p.cfg.tag_columns.contains(&k);
                            if ui.checkbox(&mut on, &k).changed() {
                                b.commands.push(Command::ToggleTagColumn(id, k.clone()));
                            }
                        }
                    });
            });
            ui.add(
                egui::Label::new(
                    RichText::new(p.cfg.scope.describe(Some(estate)))
                        .color(theme::muted(ui.visuals())),
                )
                .truncate(),
            );
        });
    });
    // An estate read from an aggregator says so: its data is Config's,
    // not the run's, whatever file it was saved to.
    let via = match &estate.source.aggregator {
        Some(a) => format!(" · from AWS Config aggregator {} ({})", a.name, a.region),
        None => String::new(),
    };
    let source = format!(
        "{}{via} · caller {} · collected {}",
        b.loaded.origin.label(),
        estate.caller.account_id,
        estate.collected_at
    );
    ui.add(
        egui::Label::new(
            RichText::new(source)
                .small()
                .color(theme::muted(ui.visuals())),
        )
        .truncate(),
    )
    .on_hover_text(&estate.caller.arn);
}

fn type_selector_ui(b: &mut PanesBehavior, ui: &mut egui::Ui, id: PaneId, p: &InventoryPane) {
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 4.0;
        let total: usize = p.derived.per_type.iter().sum();
        let all = format!("All {}", theme::count(total));
        if ui.selectable_label(p.cfg.rtype.is_none(), all).clicked() {
            b.commands.push(Command::SetType(id, None));
        }
        // Kinds the pane's rows have (and the chosen one, even when a
        // filter leaves none): with dozens of kinds, empty chips are noise.
        for t in Kind::all() {
            let n = p.derived.per_type.get(t.index()).copied().unwrap_or(0);
            if n == 0 && p.cfg.rtype != Some(t) {
                continue;
            }
            let text = format!("{} {}", t.label(), theme::count(n));
            if ui.selectable_label(p.cfg.rtype == Some(t), text).clicked() {
                b.commands.push(Command::SetType(id, Some(t)));
            }
        }
    });
}

fn filter_ui(b: &mut PanesBehavior, ui: &mut egui::Ui, id: PaneId, p: &InventoryPane) {
    let mut text = p.cfg.filter.clone();
    let resp = ui
        .horizontal(|ui| {
            let label = ui.label(RichText::new("Filter").color(theme::muted(ui.visuals())));
            let resp = ui.add(
                TextEdit::singleline(&mut text)
                    .id(filter_id(id))
                    .hint_text("env=prod has:owner type:instance   (Ctrl+F)")
                    .desired_width(f32::INFINITY)
                    .font(egui::TextStyle::Monospace),
            );
            resp.labelled_by(label.id)
        })
        .inner;
    if resp.changed() {
        b.commands.push(Command::SetFilter(id, text));
    }
    if let Some(err) = &p.derived.error {
        let color = ui.visuals().error_fg_color;
        ui.label(
            RichText::new(format!("Column {}: {}", err.col + 1, err.message))
                .color(color)
                .small(),
        );
    } else if !p.derived.completions.is_empty() && (resp.has_focus() || !p.cfg.filter.is_empty()) {
        ui.horizontal_wrapped(|ui| {
            ui.spacing_mut().item_spacing.x = 4.0;
            ui.label(
                RichText::new("Complete:")
                    .small()
                    .color(theme::muted(ui.visuals())),
            );
            for c in &p.derived.completions {
                let resp = ui.small_button(&c.label);
                let resp = if c.detail.is_empty() {
                    resp
                } else {
                    resp.on_hover_text(&c.detail)
                };
                if resp.clicked() {
                    let completed = engine::apply_completion(&p.cfg.filter, c);
                    b.commands.push(Command::SetFilter(id, completed));
                    resp.request_focus();
                }
            }
        });
    }
}
