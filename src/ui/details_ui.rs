//! The selected resource, in full: identity with copy buttons, the fields
//! of its type, every tag, security-group rules (world-open ones marked),
//! volume attachments and instance security groups.

use egui::{Grid, RichText};

use super::command::Command;
use super::engine::Context;
use super::state::PaneId;
use super::theme;
use crate::model::{Details, Resource, SgRule};

fn row(ui: &mut egui::Ui, key: &str, value: impl Into<String>) {
    let value = value.into();
    if value.is_empty() {
        return;
    }
    ui.label(RichText::new(key).color(theme::muted(ui.visuals())));
    ui.add(egui::Label::new(value).truncate());
    ui.end_row();
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

pub fn details_ui(
    ui: &mut egui::Ui,
    pane: PaneId,
    ectx: &Context,
    r: &Resource,
    commands: &mut Vec<Command>,
) {
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
                    row(ui, "Type", r.resource_type().label());
                    let account = ectx.estate.account(&r.account_id).map_or_else(
                        || r.account_id.clone(),
                        |a| format!("{} ({})", a.name, a.id),
                    );
                    row(ui, "Account", account);
                    row(ui, "Region", r.region.clone());
                    fields_ui(ui, &r.details);
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
            match &r.details {
                Details::SecurityGroup(g) => {
                    rules_ui(ui, "Inbound rules", &g.ingress);
                    rules_ui(ui, "Outbound rules", &g.egress);
                }
                Details::Instance(i) => {
                    section(ui, "Security groups");
                    for g in &i.security_groups {
                        ui.label(format!("{} · {}", g.name, g.id));
                    }
                }
                Details::Volume(v) => {
                    section(ui, "Attachments");
                    if v.attachments.is_empty() {
                        ui.label(RichText::new("Not attached").color(theme::muted(ui.visuals())));
                    }
                    for a in &v.attachments {
                        ui.label(format!("{} on {} ({})", a.device, a.instance_id, a.state));
                    }
                }
                _ => {}
            }
        });
}

fn section(ui: &mut egui::Ui, title: &str) {
    ui.add_space(8.0);
    ui.label(RichText::new(title).strong());
    ui.add_space(2.0);
}

fn fields_ui(ui: &mut egui::Ui, d: &Details) {
    match d {
        Details::Instance(i) => {
            row(ui, "Instance type", i.instance_type.clone());
            row(ui, "State", i.state.clone());
            row(ui, "Image", opt(&i.image_id));
            row(
                ui,
                "Platform",
                i.platform.clone().unwrap_or_else(|| "linux".into()),
            );
            row(ui, "Architecture", opt(&i.architecture));
            row(ui, "Private IP", opt(&i.private_ip));
            row(ui, "Public IP", opt(&i.public_ip));
            row(ui, "VPC", opt(&i.vpc_id));
            row(ui, "Subnet", opt(&i.subnet_id));
            row(ui, "AZ", opt(&i.availability_zone));
            row(ui, "Launched", opt(&i.launch_time));
            row(ui, "Key pair", opt(&i.key_name));
        }
        Details::Vpc(v) => {
            row(ui, "CIDR", v.cidr_blocks.join(", "));
            row(ui, "Default VPC", if v.is_default { "yes" } else { "no" });
            row(ui, "State", v.state.clone());
        }
        Details::Subnet(s) => {
            row(ui, "VPC", s.vpc_id.clone());
            row(ui, "CIDR", s.cidr_block.clone());
            row(ui, "AZ", s.availability_zone.clone());
            row(
                ui,
                "Public",
                if s.public {
                    "yes (maps public IPs)"
                } else {
                    "no"
                },
            );
            row(
                ui,
                "Default for AZ",
                if s.default_for_az { "yes" } else { "no" },
            );
            row(
                ui,
                "Free IPs",
                s.available_ips.map(|n| n.to_string()).unwrap_or_default(),
            );
            row(ui, "State", s.state.clone());
        }
        Details::SecurityGroup(g) => {
            row(ui, "Group name", g.group_name.clone());
            row(ui, "Description", g.description.clone());
            row(ui, "VPC", opt(&g.vpc_id));
        }
        Details::Volume(v) => {
            row(ui, "Size", format!("{} GiB", v.size_gib));
            row(ui, "Volume type", v.volume_type.clone());
            row(
                ui,
                "IOPS",
                v.iops.map(|n| n.to_string()).unwrap_or_default(),
            );
            row(ui, "Encrypted", if v.encrypted { "yes" } else { "no" });
            row(ui, "State", v.state.clone());
            row(ui, "AZ", v.availability_zone.clone());
        }
    }
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
