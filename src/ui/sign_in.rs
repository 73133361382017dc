//! Sign-in from the welcome screen, logic side: a failed sign-in kept with
//! its next steps (shown as buttons beside the message, issue 17), the
//! IAM Identity Center login run for the user (`aws sso login`, which
//! opens the browser; then the same collection again), and the listing of
//! the permission sets a profile's sign-in holds. Each job runs off the UI
//! thread and reports one [`WorkerEvent`]; only `logic` calls these.

use super::app::OrgscopeApp;
use super::command::WorkerEvent;
use super::logic::log;
use super::state::LogLevel;
use crate::collect::sign_in::NextStep;
use crate::collect::{self, CollectError};

/// A failed sign-in as the welcome screen shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInProblem {
    pub message: String,
    pub next: Vec<NextStep>,
}

impl From<&CollectError> for SignInProblem {
    fn from(e: &CollectError) -> SignInProblem {
        SignInProblem {
            message: e.to_string(),
            next: e.next_steps(),
        }
    }
}

/// A permission set as the connect form offers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermissionSetChoice {
    pub name: String,
    /// Names of the accounts where the user holds it.
    pub accounts: Vec<String>,
}

/// Where the permission-set listing of the connect form stands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum PermissionSets {
    #[default]
    NotListed,
    Listing,
    Listed {
        profile: Option<String>,
        sets: Vec<PermissionSetChoice>,
    },
    Failed(SignInProblem),
}

/// List the permission sets of the connection's profile, in the background.
pub fn list_permission_sets(app: &mut OrgscopeApp) {
    if app.permission_sets == PermissionSets::Listing {
        return;
    }
    let profile = app.settings.connection.profile.clone();
    let opts = collect::CollectOptions {
        profile: profile.clone(),
        hooks: app.collect_hooks.clone(),
        ..Default::default()
    };
    let out = app.outbox();
    app.rt.spawn(async move {
        let result = collect::permission_sets(&opts)
            .await
            .map(|sets| {
                sets.into_iter()
                    .map(|s| PermissionSetChoice {
                        name: s.name,
                        accounts: s.accounts.into_iter().map(|a| a.name).collect(),
                    })
                    .collect()
            })
            .map_err(|e| SignInProblem::from(&e));
        out.send(WorkerEvent::PermissionSets { profile, result });
    });
    app.permission_sets = PermissionSets::Listing;
    app.status = "Listing the permission sets…".into();
}

pub fn on_permission_sets(
    app: &mut OrgscopeApp,
    profile: Option<String>,
    result: Result<Vec<PermissionSetChoice>, SignInProblem>,
) {
    app.permission_sets = match result {
        Ok(sets) => {
            app.status = format!("{} permission set(s) found", sets.len());
            // Pick the only one, or keep a choice that is still offered.
            let conn = &mut app.settings.connection;
            if !sets.iter().any(|s| s.name == conn.permission_set)
                && let [only] = sets.as_slice()
            {
                conn.permission_set = only.name.clone();
            }
            PermissionSets::Listed { profile, sets }
        }
        Err(problem) => {
            log(app, LogLevel::Error, problem.message.clone());
            PermissionSets::Failed(problem)
        }
    };
}

/// Run `aws sso login --profile P` (the AWS CLI opens the browser and
/// caches the token where orgscope reads it), then connect again.
pub fn sso_login(app: &mut OrgscopeApp, profile: String) {
    let program = app.aws_cli.clone();
    let out = app.outbox();
    let shown = format!("aws sso login --profile {profile}");
    app.status = format!("Waiting for `{shown}` (finish the sign-in in the browser)…");
    app.rt.spawn_blocking(move || {
        let result = std::process::Command::new(&program)
            .args(["sso", "login", "--profile", &profile])
            .stdin(std::process::Stdio::null())
            .output()
            .map_err(|e| {
                format!(
                    "cannot run `{shown}` ({e}): install the AWS CLI v2, or run it in a \
                     terminal, then connect again"
                )
            })
            .and_then(|o| {
                if o.status.success() {
                    Ok(())
                } else {
                    let said = String::from_utf8_lossy(&o.stderr);
                    let said = said.lines().rev().find(|l| !l.trim().is_empty());
                    Err(format!(
                        "`{shown}` failed ({}){}",
                        o.status,
                        said.map(|l| format!(": {}", l.trim())).unwrap_or_default()
                    ))
                }
            });
        out.send(WorkerEvent::SsoLoginDone { profile, result });
    });
}

pub fn on_sso_login_done(app: &mut OrgscopeApp, profile: String, result: Result<(), String>) {
    match result {
        Ok(()) => {
            log(
                app,
                LogLevel::Info,
                format!("Signed in to IAM Identity Center with profile {profile}"),
            );
            app.sign_in_problem = None;
            // What the user was doing: listing permission sets, or connecting.
            if matches!(app.permission_sets, PermissionSets::Failed(_)) {
                list_permission_sets(app);
            } else {
                connect(app);
            }
        }
        Err(e) => log(app, LogLevel::Error, e),
    }
}

/// Start a full collection with the connection form.
pub fn connect(app: &mut OrgscopeApp) {
    app.sign_in_problem = None;
    let opts = super::live::options(&app.settings.connection, &app.collect_hooks);
    super::live::start(app, opts, super::live::RunKind::Full);
}
