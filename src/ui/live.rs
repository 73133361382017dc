//! Live collection from inside the app: builds `CollectOptions` from the
//! connection form (or a pane's scope for a partial refresh), runs
//! `collect::collect` on the runtime, forwards its progress events in
//! order, and folds them into the loaded estate as they arrive so the tree
//! and panes fill in while the run goes on; opens and answers the MFA
//! dialog a run asks for. Logic-side: every function here that changes
//! state is called only by `logic` (applying a command or a worker event,
//! or in its per-frame pass), never by drawing code.

use std::sync::Arc;

use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;

use super::app::OrgscopeApp;
use super::command::WorkerEvent;
use super::logic::{install_estate, log};
use super::state::{AccessMode, CollectProgress, Connection, Loaded, LogLevel, Origin, SourceMode};
use super::workers::Outbox;
use crate::collect::mfa::MfaRequest;
use crate::collect::{self, CollectEvent, CollectOptions, Regions};
use crate::model::{Estate, Source, SourceKind};

/// Which part of the estate a run replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunKind {
    /// A new estate from scratch.
    Full,
    /// Some accounts of the loaded estate; the rest stays.
    Partial,
}

pub fn options(conn: &Connection, hooks: &collect::Hooks) -> CollectOptions {
    CollectOptions {
        profile: conn.profile.clone(),
        regions: if conn.all_regions {
            Regions::AllEnabled
        } else {
            Regions::List(conn.regions.iter().cloned().collect())
        },
        access: match conn.access {
            AccessMode::Role => collect::Access::AssumeRole,
            AccessMode::PermissionSet => {
                collect::Access::PermissionSet(conn.permission_set.trim().to_string())
            }
        },
        role_name: conn.role_name.clone(),
        external_id: (!conn.external_id.trim().is_empty())
            .then(|| conn.external_id.trim().to_string()),
        cost: conn.cost.then(collect::cost::CostOptions::default),
        source: match conn.source {
            SourceMode::Crawl => collect::Source::Crawl,
            SourceMode::ConfigAggregator => {
                let mut agg = collect::config::AggregatorOptions::new(conn.aggregator.trim());
                agg.region =
                    Some(conn.aggregator_region.trim().to_string()).filter(|r| !r.is_empty());
                collect::Source::ConfigAggregator(agg)
            }
        },
        hooks: hooks.clone(),
        ..Default::default()
    }
}

/// Start a run; its events arrive as [`WorkerEvent::Collect`] in the order
/// collect sent them, then one [`WorkerEvent::CollectDone`].
pub fn start(app: &mut OrgscopeApp, mut opts: CollectOptions, kind: RunKind) {
    if app.progress.is_some() {
        log(
            app,
            LogLevel::Warn,
            "A collection is already running".into(),
        );
        return;
    }
    // A partial run keeps the loaded estate's costs: asking Cost Explorer
    // again would be billed and its answer dropped. It crawls the chosen
    // accounts live whatever the form's source: on an estate read from an
    // aggregator, that is mixed mode (each cell says where it came from).
    if kind == RunKind::Partial {
        opts.cost = None;
        opts.source = collect::Source::Crawl;
    }
    let token = CancellationToken::new();
    let out: Outbox = app.outbox();
    // A profile with `mfa_serial` asks for the code in a dialog, once.
    opts.mfa = collect::mfa::Mfa {
        serial: app.mfa_serial.clone().or(opts.mfa.serial),
        prompt: Some(super::credentials_ui::gui_prompt(out.clone())),
    };
    let cancel = token.clone();
    app.rt.spawn(async move {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let forward = async {
            // Ends when `collect` returns and drops its sender, so Done can
            // never overtake an event.
            while let Some(ev) = rx.recv().await {
                out.send(WorkerEvent::Collect(Box::new(ev)));
            }
        };
        let (result, ()) = tokio::join!(collect::collect(opts, tx, cancel), forward);
        out.send(WorkerEvent::CollectDone(
            result
                .map(Box::new)
                .map_err(|e| super::sign_in::SignInProblem::from(&e)),
        ));
    });
    app.progress = Some(CollectProgress {
        cancel: Some(token),
        kind_partial: kind == RunKind::Partial,
        ..Default::default()
    });
    app.status = "Signing in…".into();
}

fn estate_mut(app: &mut OrgscopeApp) -> Option<&mut Estate> {
    app.loaded.as_mut().map(Loaded::estate_mut)
}

pub fn on_event(app: &mut OrgscopeApp, ev: CollectEvent) {
    let partial = app.progress.as_ref().is_some_and(|p| p.kind_partial);
    match ev {
        CollectEvent::Identity(caller) => {
            app.status = format!("Signed in as {}", caller.arn);
            if !partial {
                let conn = &app.settings.connection;
                let profile = conn.profile.clone();
                // What the run will say of itself when it ends; until then
                // the header must not call an aggregator's estate live.
                let source = match conn.source {
                    SourceMode::Crawl => Source {
                        aggregator: None,
                        kind: SourceKind::Live,
                        profile: profile.clone(),
                        label: format!(
                            "live ({})",
                            profile.as_deref().unwrap_or("default credentials")
                        ),
                    },
                    SourceMode::ConfigAggregator => Source {
                        aggregator: None,
                        kind: SourceKind::ConfigAggregator,
                        profile: profile.clone(),
                        label: format!("AWS Config aggregator {}", conn.aggregator.trim()),
                    },
                };
                let estate = Estate::new(String::new(), source, caller);
                install_estate(app, Arc::new(estate), Origin::Live { profile });
            }
        }
        CollectEvent::AccountsListed {
            organization,
            tree,
            accounts,
        } => {
            // Every listed account ends in one `AccountFinished`, suspended
            // ones included, so all of them count towards the total.
            if let Some(p) = &mut app.progress {
                p.total += accounts.len();
            }
            if !partial && let Some(e) = estate_mut(app) {
                e.organization = organization;
                e.tree = tree;
                e.accounts.extend(accounts);
            }
            refresh_lookups(app);
        }
        CollectEvent::Tree { organization, tree } => {
            // The walk has ended: the complete tree (OUs without accounts
            // and every OU's SCPs included). The accounts are all listed.
            if !partial && let Some(e) = estate_mut(app) {
                e.organization = organization;
                e.tree = tree;
            }
            refresh_lookups(app);
        }
        CollectEvent::AccountStarted { account_id } => {
            if let Some(p) = &mut app.progress {
                p.current.insert(account_id);
            }
        }
        CollectEvent::AccountDetails { account } => {
            // Now with its tags and SCPs.
            if let Some(e) = estate_mut(app)
                && let Some(slot) = e.accounts.iter_mut().find(|a| a.id == account.id)
            {
                *slot = account;
            }
            refresh_lookups(app);
        }
        CollectEvent::AccountFinished {
            account_id,
            resources,
            coverage,
        } => {
            if let Some(p) = &mut app.progress {
                p.current.remove(&account_id);
                p.done += 1;
            }
            if let Some(e) = estate_mut(app) {
                // A partial refresh replaces what the account had.
                e.resources.retain(|r| r.account_id != account_id);
                e.coverage.retain(|c| c.account_id != account_id);
                e.resources.extend(resources);
                e.coverage.extend(coverage);
            }
            refresh_lookups(app);
        }
        CollectEvent::Warning(w) => log(app, LogLevel::Warn, w),
    }
}

/// Collect again: everything (a new estate), a pane's scope or one
/// account (folded into the loaded estate).
pub fn refresh(app: &mut OrgscopeApp, scope: super::command::RefreshScope) {
    use super::command::RefreshScope;
    let mut opts = options(&app.settings.connection, &app.collect_hooks);
    let kind = match scope {
        RefreshScope::All => RunKind::Full,
        RefreshScope::Pane(id) => {
            let Some(super::state::Pane::Inventory(p)) = app.settings.panes.get(&id) else {
                return;
            };
            if p.cfg.scope.ous.is_empty() && p.cfg.scope.accounts.is_empty() {
                RunKind::Full
            } else {
                opts.ous = p.cfg.scope.ous.iter().cloned().collect();
                opts.accounts = p.cfg.scope.accounts.iter().cloned().collect();
                RunKind::Partial
            }
        }
        RefreshScope::Account(id) => {
            opts.accounts = vec![id];
            RunKind::Partial
        }
    };
    start(app, opts, kind);
}

pub fn on_done(app: &mut OrgscopeApp, result: Result<Box<Estate>, super::sign_in::SignInProblem>) {
    let partial = app.progress.take().is_some_and(|p| p.kind_partial);
    match result {
        Ok(estate) => {
            let failed = estate.failed_cells().count();
            let msg = format!(
                "Collected {} accounts, {} resources{}",
                estate.accounts.len(),
                estate.resources.len(),
                if failed > 0 {
                    format!(" — partial: {failed} cells incomplete (see the badges in the tree)")
                } else {
                    String::new()
                }
            );
            if !partial {
                let origin = app
                    .loaded
                    .as_ref()
                    .map_or(Origin::Live { profile: None }, |l| l.origin.clone());
                install_estate(app, Arc::new(*estate), origin);
            }
            if let Some(l) = &mut app.loaded {
                l.dirty = true;
            }
            log(
                app,
                if failed > 0 {
                    LogLevel::Warn
                } else {
                    LogLevel::Info
                },
                msg,
            );
        }
        Err(problem) => {
            log(app, LogLevel::Error, problem.message.clone());
            // The welcome screen shows it with its next steps.
            app.sign_in_problem = Some(problem);
        }
    }
}

/// A run asks for an MFA code: open the dialog. A new request replaces
/// any older one, which is answered "no code".
pub fn on_mfa_request(
    app: &mut OrgscopeApp,
    request: MfaRequest,
    reply: oneshot::Sender<Option<String>>,
) {
    if let Some(old) = app.mfa.take() {
        old.answer(None);
    }
    app.status = "Waiting for the MFA code…".into();
    app.mfa = Some(super::credentials_ui::MfaDialog::new(request, reply));
    // Keyboard focus is egui's: the code field has it when the dialog opens.
    app.ctx
        .memory_mut(|m| m.request_focus(super::credentials_ui::mfa_code_id()));
}

/// The dialog's OK (`Some`) or Cancel (`None`): hand it to the waiting run.
pub fn on_mfa_answer(app: &mut OrgscopeApp, code: Option<String>) {
    if let Some(dialog) = app.mfa.take() {
        app.status = if code.is_some() {
            "Signing in…".into()
        } else {
            "MFA cancelled".into()
        };
        dialog.answer(code);
    }
}

/// Note that collected data arrived; [`fold_in`] shows it.
fn refresh_lookups(app: &mut OrgscopeApp) {
    app.live_dirty = true;
}

/// How often streamed results are folded into the tree and panes: often
/// enough to watch, rarely enough that a 1,000-account run does not spend
/// its frames re-filtering.
const FOLD_EVERY: std::time::Duration = std::time::Duration::from_millis(300);

/// Recompute tree counts and badges and mark panes for recomputation when
/// new data arrived (at most every [`FOLD_EVERY`] while a run goes on).
pub fn fold_in(app: &mut OrgscopeApp) {
    if !app.live_dirty {
        return;
    }
    let now = std::time::Instant::now();
    if app.progress.is_some()
        && app
            .last_live_refresh
            .is_some_and(|t| now.duration_since(t) < FOLD_EVERY)
    {
        app.ctx.request_repaint_after(FOLD_EVERY);
        return;
    }
    app.live_dirty = false;
    app.last_live_refresh = Some(now);
    if let Some(l) = &mut app.loaded {
        let dirty = l.dirty;
        // The tree's cost month survives an account's refresh.
        let month = l.cost.as_ref().map(|c| c.month);
        *l = Loaded::new(l.estate.clone(), l.origin.clone());
        l.dirty = dirty;
        if month.is_some() {
            l.cost = super::cost::CostView::new(&l.estate, month);
        }
    }
    for pane in app.settings.panes.values_mut() {
        match pane {
            super::state::Pane::Inventory(p) => p.derived.stale = true,
            super::state::Pane::Compare(c) => c.stale = true,
        }
    }
}
