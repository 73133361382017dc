//! The first screen: connect to AWS (profile; a role to assume, or an IAM
//! Identity Center permission set; regions, external ID), open a snapshot,
//! open the demo estate, or reopen a recent file. The form edits a copy of
//! the connection and emits it as a command. A failed sign-in stays on the
//! screen with its next steps as buttons.

use egui::{RichText, TextEdit};

use super::command::Command;
use super::sign_in::{PermissionSets, SignInProblem};
use super::state::{AccessMode, Connection, Settings, SourceMode};
use super::theme;
use crate::collect::sign_in::NextStep;

/// What the connect card shows besides the form.
#[derive(Clone, Copy)]
pub struct SignIn<'a> {
    pub problem: Option<&'a SignInProblem>,
    pub permission_sets: &'a PermissionSets,
    /// A collection is running.
    pub busy: bool,
}

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
    sign_in: SignIn<'_>,
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
                    connect_ui(ui, &settings.connection, profiles, sign_in, commands);
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
    sign_in: SignIn<'_>,
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
            ui.label("Read from");
            ui.horizontal(|ui| {
                ui.radio_value(&mut c.source, SourceMode::Crawl, "Every account (crawl)")
                    .on_hover_text("Enter each account and read its APIs: current data, a role in every account");
                ui.radio_value(
                    &mut c.source,
                    SourceMode::ConfigAggregator,
                    "An AWS Config aggregator",
                )
                .on_hover_text(
                    "Read the organization's Config aggregator from the signed-in account: no role in \
                     the members, fast at thousands of accounts, data as old as Config's last capture. \
                     Refreshing an account then reads it live (mixed).",
                );
            });
            ui.end_row();
            if c.source == SourceMode::ConfigAggregator {
                let label = ui.label("Aggregator");
                ui.add(
                    TextEdit::singleline(&mut c.aggregator)
                        .hint_text("e.g. org-aggregator")
                        .desired_width(260.0),
                )
                .labelled_by(label.id);
                ui.end_row();
                let label = ui.label("Aggregator region");
                ui.add(
                    TextEdit::singleline(&mut c.aggregator_region)
                        .hint_text("the profile's region")
                        .desired_width(260.0),
                )
                .labelled_by(label.id);
                ui.end_row();
            }
            ui.label(if c.source == SourceMode::Crawl {
                "Access"
            } else {
                "Live refresh"
            });
            ui.horizontal(|ui| {
                ui.radio_value(
                    &mut c.access,
                    AccessMode::Role,
                    "Assume a role in each account",
                );
                ui.radio_value(
                    &mut c.access,
                    AccessMode::PermissionSet,
                    "IAM Identity Center permission set",
                )
                .on_hover_text(
                    "Use your SSO sign-in (aws sso login) and a permission set such as \
                     ReadOnlyAccess in every account: no role to deploy",
                );
            });
            ui.end_row();
            match c.access {
                AccessMode::Role => {
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
                }
                AccessMode::PermissionSet => {
                    let label = ui.label("Permission set");
                    ui.vertical(|ui| {
                        permission_set_ui(ui, c, sign_in.permission_sets, label.id, commands);
                    });
                    ui.end_row();
                }
            }
            ui.label("Regions");
            ui.vertical(|ui| {
                let all = if c.source == SourceMode::Crawl {
                    "All regions enabled in each account"
                } else {
                    "All regions the aggregator has sources in"
                };
                ui.checkbox(&mut c.all_regions, all);
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
            ui.label("Costs");
            ui.checkbox(&mut c.cost, "Collect costs (Cost Explorer, $0.01 per request)")
                .on_hover_text(
                    "Monthly cost per account and service for the last three full months and the month to date, \
                     read once from the signed-in (management) account. A few requests per run.",
                );
            ui.end_row();
        });
    // Before Connect, so a click in the same frame runs with this form.
    if edited != *connection {
        commands.push(Command::SetConnection(Box::new(edited.clone())));
    }
    let c = &edited;
    if let Some(problem) = sign_in.problem {
        ui.add_space(6.0);
        problem_ui(ui, problem, commands);
    }
    ui.add_space(6.0);
    let missing = if !c.all_regions && c.regions.is_empty() {
        Some("Choose at least one region")
    } else if c.source == SourceMode::ConfigAggregator && c.aggregator.trim().is_empty() {
        Some("Enter the aggregator's name")
    } else if c.access == AccessMode::PermissionSet && c.permission_set.trim().is_empty() {
        Some("Choose a permission set")
    } else if sign_in.busy {
        Some("A collection is running")
    } else {
        None
    };
    if ui
        .add_enabled(
            missing.is_none(),
            egui::Button::new(RichText::new("Connect and collect").strong()),
        )
        .on_disabled_hover_text(missing.unwrap_or_default())
        .clicked()
    {
        commands.push(Command::Connect);
    }
}

/// The permission set: picked from the listed ones, or typed; the listing
/// runs on demand (it reads every account's assignments).
fn permission_set_ui(
    ui: &mut egui::Ui,
    c: &mut Connection,
    listed: &PermissionSets,
    label: egui::Id,
    commands: &mut Vec<Command>,
) {
    ui.horizontal(|ui| {
        match listed {
            PermissionSets::Listed { profile, sets }
                if *profile == c.profile && !sets.is_empty() =>
            {
                let shown = if c.permission_set.is_empty() {
                    "choose…".to_string()
                } else {
                    c.permission_set.clone()
                };
                egui::ComboBox::from_id_salt("permission_set")
                    .selected_text(shown)
                    .width(260.0)
                    .show_ui(ui, |ui| {
                        for s in sets {
                            let text = format!("{} ({} accounts)", s.name, s.accounts.len());
                            ui.selectable_value(&mut c.permission_set, s.name.clone(), text);
                        }
                    })
                    .response
                    .labelled_by(label);
            }
            _ => {
                ui.add(
                    TextEdit::singleline(&mut c.permission_set)
                        .hint_text("e.g. ReadOnlyAccess")
                        .desired_width(260.0),
                )
                .labelled_by(label);
            }
        }
        let listing = *listed == PermissionSets::Listing;
        if ui
            .add_enabled(!listing, egui::Button::new("List permission sets"))
            .on_hover_text("Ask IAM Identity Center which permission sets your sign-in holds")
            .clicked()
        {
            commands.push(Command::ListPermissionSets);
        }
        if listing {
            ui.spinner();
        }
    });
    match listed {
        PermissionSets::Listed { profile, sets } if *profile == c.profile => {
            if let Some(s) = sets.iter().find(|s| s.name == c.permission_set) {
                let mut names = s.accounts.iter().take(4).cloned().collect::<Vec<_>>();
                if s.accounts.len() > names.len() {
                    names.push(format!("and {} more", s.accounts.len() - names.len()));
                }
                ui.label(
                    RichText::new(format!("Held in {}", names.join(", ")))
                        .small()
                        .color(theme::muted(ui.visuals())),
                );
            } else if sets.is_empty() {
                ui.label(
                    RichText::new("Your sign-in holds no permission set")
                        .small()
                        .color(ui.visuals().warn_fg_color),
                );
            }
        }
        PermissionSets::Failed(problem) => problem_ui(ui, problem, commands),
        _ => {}
    }
    ui.label(
        RichText::new("Uses the profile's IAM Identity Center sign-in (aws sso login)")
            .small()
            .color(theme::muted(ui.visuals())),
    );
}

/// A failed sign-in: what happened, and the next step as a button where
/// there is one.
fn problem_ui(ui: &mut egui::Ui, problem: &SignInProblem, commands: &mut Vec<Command>) {
    let visuals = ui.visuals();
    egui::Frame::new()
        .stroke(egui::Stroke::new(1.0, visuals.error_fg_color))
        .inner_margin(egui::Margin::same(10))
        .corner_radius(egui::CornerRadius::same(4))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(RichText::new(&problem.message).color(ui.visuals().error_fg_color));
            if problem.next.is_empty() {
                return;
            }
            ui.add_space(4.0);
            ui.horizontal_wrapped(|ui| {
                for step in &problem.next {
                    let (text, hover, command) = match step {
                        NextStep::SsoLogin { profile } => (
                            "Sign in with IAM Identity Center",
                            format!("Runs `aws sso login --profile {profile}` (opens the browser), then tries again"),
                            Command::SsoLogin(profile.clone()),
                        ),
                        NextStep::TryDemo => (
                            "Open the demo estate",
                            "Explore a generated estate; no AWS account needed".to_string(),
                            Command::OpenDemo,
                        ),
                        NextStep::Retry => (
                            "Try again",
                            "Connect again with the same settings".to_string(),
                            Command::Connect,
                        ),
                    };
                    if ui.button(text).on_hover_text(hover).clicked() {
                        commands.push(command);
                    }
                }
            });
        });
}
