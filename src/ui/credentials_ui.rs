//! Credentials in the app: the calm warning shown wherever a run would
//! assume the administrator role `OrganizationAccountAccessRole`, and the
//! MFA code dialog. The collection thread asks for the code through the
//! worker channel ([`WorkerEvent::MfaRequest`]) and awaits a oneshot
//! answer, so the UI thread only ever draws the dialog and never waits.

use egui::{RichText, TextEdit};
use tokio::sync::oneshot;

use super::app::OrgscopeApp;
use super::command::{Command, WorkerEvent};
use super::workers::Outbox;
use crate::collect::DEFAULT_ROLE_NAME;
use crate::collect::mfa::{MfaPrompt, MfaRequest};

/// Shown next to the role whenever it is the admin role.
pub const ADMIN_ROLE_WARNING: &str = "OrganizationAccountAccessRole is an administrator role. \
     orgscope only reads: deploy the least-privilege orgscope-reader role \
     (template in docs/iam/) and enter its name here.";

/// True when a run with this role would assume the admin role.
pub fn is_admin_role(role_name: &str) -> bool {
    role_name.trim() == DEFAULT_ROLE_NAME
}

/// The warning, drawn only for the admin role.
pub fn admin_role_warning_ui(ui: &mut egui::Ui, role_name: &str) {
    if !is_admin_role(role_name) {
        return;
    }
    let color = ui.visuals().warn_fg_color;
    ui.add(egui::Label::new(RichText::new(ADMIN_ROLE_WARNING).color(color)).wrap());
}

/// An MFA code request waiting for the user.
#[derive(Debug)]
pub struct MfaDialog {
    pub request: MfaRequest,
    pub code: String,
    reply: Option<oneshot::Sender<Option<String>>>,
    focused: bool,
}

impl MfaDialog {
    pub fn new(request: MfaRequest, reply: oneshot::Sender<Option<String>>) -> MfaDialog {
        MfaDialog {
            request,
            code: String::new(),
            reply: Some(reply),
            focused: false,
        }
    }

    /// Hand the answer to the waiting run; `None` cancels it.
    pub fn answer(mut self, code: Option<String>) {
        if let Some(tx) = self.reply.take() {
            // The run may already be gone (cancelled): nothing to tell.
            let _ = tx.send(code);
        }
    }
}

/// The prompt given to every live run: asks the UI through the worker
/// channel and waits, off the UI thread, for the dialog's answer. A dialog
/// dropped unanswered (app closing) reads as "no code".
pub fn gui_prompt(out: Outbox) -> MfaPrompt {
    MfaPrompt::new(move |request: MfaRequest| {
        let out = out.clone();
        async move {
            let (reply, answer) = oneshot::channel();
            out.send(WorkerEvent::MfaRequest { request, reply });
            answer.await.ok().flatten()
        }
    })
}

/// A new request replaces any older one, which is answered "no code".
pub fn on_request(
    app: &mut OrgscopeApp,
    request: MfaRequest,
    reply: oneshot::Sender<Option<String>>,
) {
    if let Some(old) = app.mfa.take() {
        old.answer(None);
    }
    app.status = "Waiting for the MFA code…".into();
    app.mfa = Some(MfaDialog::new(request, reply));
}

pub fn on_answer(app: &mut OrgscopeApp, code: Option<String>) {
    if let Some(dialog) = app.mfa.take() {
        app.status = if code.is_some() {
            "Signing in…".into()
        } else {
            "MFA cancelled".into()
        };
        dialog.answer(code);
    }
}

/// The modal dialog (Escape = Cancel sign-in); its buttons push [`Command::MfaAnswer`].
pub fn mfa_dialog_ui(app: &mut OrgscopeApp, ui: &mut egui::Ui) {
    let Some(dialog) = &mut app.mfa else {
        return;
    };
    let commands = &mut app.commands;
    // Only Escape or Cancel give up: a stray click beside the dialog must
    // not cancel the run.
    egui::Modal::new(egui::Id::unique("mfa-dialog")).show(ui.ctx(), |ui| {
        ui.set_width(380.0);
        ui.heading("MFA code");
        ui.add_space(4.0);
        let profile = dialog.request.profile.as_deref().unwrap_or("default");
        ui.label(format!(
            "Profile {profile} needs a code from MFA device {}. It is asked once for this run.",
            dialog.request.serial
        ));
        ui.add_space(6.0);
        let label = ui.label("Code");
        let field = ui
            .add(
                TextEdit::singleline(&mut dialog.code)
                    .hint_text("6 digits")
                    .desired_width(120.0),
            )
            .labelled_by(label.id);
        if !dialog.focused {
            field.request_focus();
            dialog.focused = true;
        }
        let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            let ready = !dialog.code.trim().is_empty();
            if ui.add_enabled(ready, egui::Button::new("OK")).clicked() || (entered && ready) {
                commands.push(Command::MfaAnswer(Some(dialog.code.trim().to_string())));
            }
            let escape = ui.input(|i| i.key_pressed(egui::Key::Escape));
            if ui.button("Cancel sign-in").clicked() || escape {
                commands.push(Command::MfaAnswer(None));
            }
        });
    });
}
