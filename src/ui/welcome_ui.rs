//! The first screen: connect to AWS (profile, role, regions, external ID),
//! open a snapshot, open the demo estate, or reopen a recent file. The
//! form edits a copy of the connection and emits it as a command.

use egui::{RichText, TextEdit};

use super::command::Command;
use super::state::{Connection, Settings};
use super::theme;

/// Regions offered as checkboxes; "all enabled" asks EC2 instead.
pub const KNOWN_REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-north-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "ap-south-1",
    "sa-east-1",
];

pub fn welcome_ui(
    ui: &mut egui::Ui,
    settings: &Settings,
    profiles: &[String],
    commands: &mut Vec<Command>,
) {
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.vertical_centered(|ui| {
            ui.add_space(40.0);
            ui.label(RichText::new("orgscope").size(28.0).strong());
            ui.label(
                RichText::new("Every account, OU and region of an AWS Organization in one window")
                    .color(theme::muted(ui.visuals())),
            );
            ui.add_space(24.0);
        });
        let width = ui.available_width().min(720.0);
        let margin = ((ui.available_width() - width) / 2.0).max(0.0);
        ui.horizontal_top(|ui| {
            ui.add_space(margin);
            ui.vertical(|ui| {
                ui.set_width(width);
                card(ui, "Connect", |ui| {
                    connect_ui(ui, &settings.connection, profiles, commands);
                });
                ui.add_space(12.0);
                card(ui, "Open", |ui| {
                    ui.horizontal(|ui| {
                        if ui.button("Open snapshot…").on_hover_text("Ctrl+O").clicked() {
                            commands.push(Command::OpenDialog);
                        }
                        if ui
                            .button("Open demo estate")
                            .on_hover_text(format!(
                                "A generated estate: {} accounts, {} regions, deliberate prod/test drift",
                                crate::demo::DEFAULT_ACCOUNTS,
                                crate::demo::REGIONS.len()
                            ))
                            .clicked()
                        {
                            commands.push(Command::OpenDemo);
                        }
                    });
                    if !settings.recent.is_empty() {
                        ui.add_space(6.0);
                        ui.label(RichText::new("Recent").small().color(theme::muted(ui.visuals())));
                        for p in settings.recent.clone() {
                            let name = p.file_name().map_or_else(
                                || p.display().to_string(),
                                |n| n.to_string_lossy().into_owned(),
                            );
                            let resp = ui
                                .add(egui::Button::new(name).frame(false).truncate())
                                .on_hover_text(p.display().to_string());
                            if resp.clicked() {
                                commands.push(Command::OpenFile(p));
                            }
                        }
                    }
                });
            });
        });
    });
}

fn card(ui: &mut egui::Ui, title: &str, add: impl FnOnce(&mut egui::Ui)) {
    egui::Frame::group(ui.style())
        .inner_margin(egui::Margin::same(14))
        .corner_radius(egui::CornerRadius::same(6))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(RichText::new(title).heading());
            ui.add_space(6.0);
            add(ui);
        });
}

fn connect_ui(
    ui: &mut egui::Ui,
    connection: &Connection,
    profiles: &[String],
    commands: &mut Vec<Command>,
) {
    let mut edited = connection.clone();
    let c = &mut edited;
    egui::Grid::new("connect")
        .num_columns(2)
        .spacing([12.0, 8.0])
        .show(ui, |ui| {
            let label = ui.label("Profile");
            let shown = c
                .profile
                .clone()
                .unwrap_or_else(|| "default credentials".into());
            egui::ComboBox::from_id_salt("profile")
                .selected_text(shown)
                .width(260.0)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut c.profile, None, "default credentials");
                    for p in profiles {
                        ui.selectable_value(&mut c.profile, Some(p.clone()), p);
                    }
                })
                .response
                .labelled_by(label.id);
            ui.end_row();
            let label = ui.label("Role to assume");
            ui.vertical(|ui| {
                ui.add(TextEdit::singleline(&mut c.role_name).desired_width(260.0))
                    .labelled_by(label.id);
                super::credentials_ui::admin_role_warning_ui(ui, &c.role_name);
            });
            ui.end_row();
            let label = ui.label("External ID");
            ui.add(
                TextEdit::singleline(&mut c.external_id)
                    .hint_text("optional")
                    .desired_width(260.0),
            )
            .labelled_by(label.id);
            ui.end_row();
            ui.label("Regions");
            ui.vertical(|ui| {
                ui.checkbox(&mut c.all_regions, "All regions enabled in each account");
                ui.add_enabled_ui(!c.all_regions, |ui| {
                    egui::Grid::new("regions").num_columns(4).show(ui, |ui| {
                        for (i, r) in KNOWN_REGIONS.iter().enumerate() {
                            let mut on = c.regions.contains(*r);
                            if ui.checkbox(&mut on, *r).changed() {
                                if on {
                                    c.regions.insert(r.to_string());
                                } else {
                                    c.regions.remove(*r);
                                }
                            }
                            if i % 4 == 3 {
                                ui.end_row();
                            }
                        }
                    });
                });
            });
            ui.end_row();
        });
    // Before Connect, so a click in the same frame runs with this form.
    if edited != *connection {
        commands.push(Command::SetConnection(Box::new(edited.clone())));
    }
    let c = &edited;
    ui.add_space(6.0);
    let ready = c.all_regions || !c.regions.is_empty();
    if ui
        .add_enabled(
            ready,
            egui::Button::new(RichText::new("Connect and collect").strong()),
        )
        .on_disabled_hover_text("Choose at least one region")
        .clicked()
    {
        commands.push(Command::Connect);
    }
}
