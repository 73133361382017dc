//! Credentials in the app: the calm warning shown wherever a run would
//! assume the administrator role `OrganizationAccountAccessRole`, and the
//! MFA code dialog. The collection thread asks for the code through the
//! worker channel ([`WorkerEvent::MfaRequest`]) and awaits a oneshot
//! answer, so the UI thread only ever draws the dialog and never waits.
//! `logic` opens and answers the dialog (through `live`); drawing it only
//! reads it and emits [`Command::SetMfaCode`] and [`Command::MfaAnswer`].

use egui::{RichText, TextEdit};
use tokio::sync::oneshot;

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
}

impl MfaDialog {
    pub fn new(request: MfaRequest, reply: oneshot::Sender<Option<String>>) -> MfaDialog {
        MfaDialog {
            request,
            code: String::new(),
            reply: Some(reply),
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

/// The code field's id, so `logic` can give it the keyboard focus.
pub fn mfa_code_id() -> egui::Id {
    egui::Id::unique("mfa-code")
}

/// The modal dialog (Escape = Cancel sign-in); its buttons push [`Command::MfaAnswer`].
pub fn mfa_dialog_ui(dialog: Option<&MfaDialog>, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    let Some(dialog) = dialog else {
        return;
    };
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
        let mut code = dialog.code.clone();
        let field = ui
            .add(
                TextEdit::singleline(&mut code)
                    .id(mfa_code_id())
                    .hint_text("6 digits")
                    .desired_width(120.0),
            )
            .labelled_by(label.id);
        if field.changed() {
            commands.push(Command::SetMfaCode(code.clone()));
        }
        let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            // What is in the field now, including this frame's typing.
            let ready = !code.trim().is_empty();
            if ui.add_enabled(ready, egui::Button::new("OK")).clicked() || (entered && ready) {
                commands.push(Command::MfaAnswer(Some(code.trim().to_string())));
            }
            let escape = ui.input(|i| i.key_pressed(egui::Key::Escape));
            if ui.button("Cancel sign-in").clicked() || escape {
                commands.push(Command::MfaAnswer(None));
            }
        });
    });
}
