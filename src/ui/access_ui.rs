//! The access matrix of a pane: who (rows: accounts of the organization,
//! accounts outside it, anyone, services, identity providers) can enter
//! which account (columns) through how many roles. A cell is coloured
//! when it holds a way in and red when one of its roles is a finding; its
//! hover names every role, how it is trusted and its flags, and a click
//! filters the pane to those roles and shows them in the table — the
//! drill-down from "payments-test trusts sandbox-alice?" to the role.
//! Drawing only: the map is built in `derive` when the view is shown.

use egui::{Color32, RichText};

use super::command::Command;
use super::state::Scope;
use super::state::{PaneId, PaneView};
use super::theme;
use crate::access::{AccessMap, Cell, FINDINGS, Row};
use crate::model::Estate;

/// What the matrix view shows: the map, and the accounts of the scope
/// whose IAM was not read — a blank column there means unknown, not
/// "nobody can get in", and the view says so.
#[derive(Debug, Clone)]
pub struct Matrix {
    pub map: AccessMap,
    pub unread: Vec<String>,
}

impl Matrix {
    pub fn new(estate: &Estate, rows: &[usize], scope: &Scope) -> Matrix {
        let within = scope.account_ids(estate);
        let mut unread: Vec<String> = estate
            .global_unread()
            .into_iter()
            .filter(|id| within.as_ref().is_none_or(|w| w.contains(id)))
            .map(|id| {
                estate
                    .account(id)
                    .map_or(id, |a| a.name.as_str())
                    .to_string()
            })
            .collect();
        unread.sort();
        Matrix {
            map: crate::access::access_map_of(estate, Some(rows)),
            unread,
        }
    }
}

/// The filter that shows a cell's roles in the table.
pub fn cell_filter(row: &Row, cell: &Cell) -> String {
    // Accounts by id (names may hold spaces); the trust item by the row's
    // label, which every item of that row starts with, as a glob — so a
    // character a bare word cannot hold (an account name's space) becomes
    // `?`, which matches it.
    let label: String = row
        .label
        .chars()
        .map(|c| {
            if c.is_whitespace() || "()=,\"!".contains(c) {
                '?'
            } else {
                c
            }
        })
        .collect();
    format!("type:iam_role account:{} trust:{label}*", cell.account_id)
}

fn is_finding(cell: &Cell) -> bool {
    cell.roles
        .iter()
        .any(|r| r.flags.iter().any(|f| FINDINGS.contains(&f.as_str())))
}

pub fn matrix_ui(ui: &mut egui::Ui, id: PaneId, matrix: &Matrix, commands: &mut Vec<Command>) {
    let map = &matrix.map;
    if !matrix.unread.is_empty() {
        ui.label(
            RichText::new(format!(
                "IAM not collected in {}: who can get in there is unknown ({})",
                if matrix.unread.len() == 1 {
                    "1 account".to_string()
                } else {
                    format!("{} accounts", matrix.unread.len())
                },
                matrix.unread.join(", ")
            ))
            .small()
            .color(ui.visuals().warn_fg_color),
        );
    }
    let rows: Vec<&Row> = map.rows.iter().filter(|r| !r.cells.is_empty()).collect();
    if rows.is_empty() {
        ui.add_space(12.0);
        ui.label(
            RichText::new(
                "No IAM role in these rows is trusted by anyone: widen the filter, or collect IAM \
                 (the reader policy's iam:GetAccountAuthorizationDetails).",
            )
            .color(theme::muted(ui.visuals())),
        );
        return;
    }
    let ways: usize = rows
        .iter()
        .flat_map(|r| &r.cells)
        .map(|c| c.roles.len())
        .sum();
    ui.label(
        RichText::new(format!(
            "{} trusters × {} accounts with roles · {} ways in · click a cell for its roles",
            rows.len(),
            map.columns.len(),
            theme::count(ways)
        ))
        .small()
        .color(theme::muted(ui.visuals())),
    );
    let visuals = ui.visuals().clone();
    let way = if visuals.dark_mode {
        Color32::from_rgb(0x31, 0x2e, 0x81)
    } else {
        Color32::from_rgb(0xe0, 0xe7, 0xff)
    };
    let risk = if visuals.dark_mode {
        Color32::from_rgb(0x7f, 0x1d, 0x1d)
    } else {
        Color32::from_rgb(0xfe, 0xca, 0xca)
    };
    egui::ScrollArea::both()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            egui::Grid::new(("access-matrix", id.0))
                .striped(true)
                .spacing([4.0, 2.0])
                .show(ui, |ui| {
                    ui.label(RichText::new("from ↓  into →").small().strong());
                    for c in &map.columns {
                        ui.label(RichText::new(short(&c.name)).small().strong())
                            .on_hover_text(format!("{} ({}) · {}", c.name, c.id, c.ou));
                    }
                    ui.end_row();
                    for row in rows {
                        ui.label(RichText::new(short(&row.label)).small())
                            .on_hover_text(&row.label);
                        let mut at = row.cells.iter().peekable();
                        for col in 0..map.columns.len() {
                            let cell = match at.peek() {
                                Some(c) if c.column == col => at.next(),
                                _ => None,
                            };
                            let Some(cell) = cell else {
                                ui.label("");
                                continue;
                            };
                            let fill = if is_finding(cell) { risk } else { way };
                            let text = RichText::new(cell.roles.len().to_string()).small();
                            let resp = ui
                                .add(
                                    egui::Button::new(text)
                                        .fill(fill)
                                        .min_size([28.0, 0.0].into()),
                                )
                                .on_hover_ui(|ui| hover_ui(ui, row, cell));
                            // A screen reader (and a UI test) reads the
                            // cell as what it says, not as a bare number.
                            resp.widget_info(|| {
                                egui::WidgetInfo::labeled(
                                    egui::Role::Button,
                                    true,
                                    format!(
                                        "{} into {}: {} {}",
                                        row.label,
                                        cell.account,
                                        cell.roles.len(),
                                        if cell.roles.len() == 1 {
                                            "role"
                                        } else {
                                            "roles"
                                        }
                                    ),
                                )
                            });
                            if resp.clicked() {
                                commands.push(Command::SetFilter(id, cell_filter(row, cell)));
                                commands.push(Command::SetView(id, PaneView::Table));
                            }
                        }
                        ui.end_row();
                    }
                });
        });
}

fn hover_ui(ui: &mut egui::Ui, row: &Row, cell: &Cell) {
    ui.label(RichText::new(format!("{} → {}", row.label, cell.account)).strong());
    for r in &cell.roles {
        let flags = if r.flags.is_empty() {
            String::new()
        } else {
            format!("  ⚠ {}", r.flags.join(", "))
        };
        ui.label(format!("{} · {}{flags}", r.name, r.via.join("; ")));
    }
}

/// A header that fits a narrow column; the hover has the whole name.
fn short(s: &str) -> String {
    const MAX: usize = 16;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(MAX - 1).collect();
        t.push('…');
        t
    }
}
