//! The eframe application: owns the state, the worker channel and the
//! runtime handle; each frame it first runs `logic` (drain worker events,
//! apply last frame's commands, refresh derived rows) and then draws from
//! a shared borrow, collecting the commands the drawing emits. It can be
//! built without a window (tests pass an `egui::Context` through a kittest
//! `CreationContext`) and configured for tests when built (`with_*`); after
//! that, its methods read state or queue commands, like the user would.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

use super::command::{Command, WorkerEvent};
use super::state::{Loaded, Origin, Settings};
use super::workers::Outbox;
use super::{Start, logic, theme, view};
use crate::model::Estate;

/// Key of the persisted [`Settings`] in eframe's storage.
const SETTINGS_KEY: &str = "orgscope-settings";

pub struct OrgscopeApp {
    pub(crate) loaded: Option<Loaded>,
    pub(crate) settings: Settings,
    pub(crate) focused: Option<super::state::PaneId>,
    pub(crate) log: Vec<super::state::LogLine>,
    pub(crate) status: String,
    pub(crate) tree_search: String,
    /// List OUs and accounts most expensive first (when costs are shown).
    pub(crate) tree_sort_by_cost: bool,
    pub(crate) commands: Vec<Command>,
    pub(crate) progress: Option<super::state::CollectProgress>,
    pub(crate) rt: tokio::runtime::Handle,
    pub(crate) ctx: egui::Context,
    pub(crate) tx: Sender<WorkerEvent>,
    pub(crate) rx: Receiver<WorkerEvent>,
    /// Events taken off the channel by [`OrgscopeApp::wait_for_worker`],
    /// applied by the next `logic` pass.
    pub(crate) pending: Vec<WorkerEvent>,
    /// Profiles for the connect form, read off the UI thread at start.
    pub(crate) profiles: Vec<String>,
    /// Passed to every live collection (tests point it at an emulator).
    pub(crate) collect_hooks: crate::collect::Hooks,
    /// Estates of at least this many resources have panes' rows derived
    /// on a worker ([`super::derive::ASYNC_ROWS_AT`]; tests lower it).
    pub(crate) rows_async_at: usize,
    /// The last rows job ticket handed out (unique for the app's life).
    pub(crate) rows_tickets: u64,
    /// Rows jobs dispatched whose result has not come back yet (current or
    /// superseded).
    pub(crate) rows_jobs: usize,
    /// Collected data arrived since the tree and panes were last updated.
    pub(crate) live_dirty: bool,
    pub(crate) last_live_refresh: Option<std::time::Instant>,
    /// The MFA code dialog, while a run waits for it.
    pub(crate) mfa: Option<super::credentials_ui::MfaDialog>,
    /// MFA device used instead of the profile's `mfa_serial` (tests set
    /// it, since a base config from hooks has no profile to read).
    pub(crate) mfa_serial: Option<String>,
    /// The last failed sign-in, shown on the welcome screen with its next
    /// steps until the next attempt.
    pub(crate) sign_in_problem: Option<super::sign_in::SignInProblem>,
    /// The permission sets listed for the connect form.
    pub(crate) permission_sets: super::sign_in::PermissionSets,
    /// The AWS CLI run for `aws sso login` (tests put a stand-in here).
    pub(crate) aws_cli: std::ffi::OsString,
    /// The tag compliance window's report, while the window is open.
    pub(crate) compliance: Option<super::compliance::ComplianceView>,
    /// Frames drawn so far, and when the current one started: the start-up
    /// and slow-frame log lines `benches/app` reads.
    frames: u64,
    frame_started: Option<std::time::Instant>,
}

impl OrgscopeApp {
    /// Build the app for eframe (or for a kittest harness).
    pub fn new(
        cc: &eframe::CreationContext<'_>,
        start: Start,
        rt: tokio::runtime::Handle,
    ) -> OrgscopeApp {
        let settings = cc
            .storage
            .and_then(|s| eframe::get_value::<Settings>(s, SETTINGS_KEY))
            .unwrap_or_default();
        let mut app = OrgscopeApp::with_settings(&cc.egui_ctx, settings, rt);
        match start {
            Start::Welcome => {}
            Start::Demo => app.commands.push(Command::OpenDemo),
            Start::Open(path) => app.commands.push(Command::OpenFile(path)),
        }
        app
    }

    /// Build the app around a context with the given settings (tests use
    /// `Settings::default()` for a clean start).
    pub fn with_settings(
        ctx: &egui::Context,
        settings: Settings,
        rt: tokio::runtime::Handle,
    ) -> OrgscopeApp {
        theme::apply(ctx);
        ctx.set_theme(settings.theme.preference());
        let (tx, rx) = channel();
        let mut app = OrgscopeApp {
            loaded: None,
            settings,
            focused: None,
            log: Vec::new(),
            status: String::new(),
            tree_search: String::new(),
            tree_sort_by_cost: false,
            commands: Vec::new(),
            progress: None,
            rt,
            ctx: ctx.clone(),
            tx,
            rx,
            pending: Vec::new(),
            profiles: Vec::new(),
            collect_hooks: Default::default(),
            rows_async_at: super::derive::ASYNC_ROWS_AT,
            rows_tickets: 0,
            rows_jobs: 0,
            live_dirty: false,
            last_live_refresh: None,
            mfa: None,
            mfa_serial: None,
            sign_in_problem: None,
            permission_sets: Default::default(),
            aws_cli: "aws".into(),
            compliance: None,
            frames: 0,
            frame_started: None,
        };
        logic::ensure_layout(&mut app);
        super::workers::load_profiles(&app.rt, app.outbox());
        app
    }

    /// Use these hooks (e.g. an emulator's SDK config) for every live
    /// collection.
    pub fn with_collect_hooks(mut self, hooks: crate::collect::Hooks) -> OrgscopeApp {
        self.collect_hooks = hooks;
        self
    }

    /// Ask for an MFA code for this device on every run, as if the
    /// profile named it in `mfa_serial`.
    pub fn with_mfa_serial(mut self, serial: Option<String>) -> OrgscopeApp {
        self.mfa_serial = serial;
        self
    }

    /// Run this program as the AWS CLI for `aws sso login` (tests hand in
    /// a stand-in that records its arguments).
    pub fn with_aws_cli(mut self, program: impl Into<std::ffi::OsString>) -> OrgscopeApp {
        self.aws_cli = program.into();
        self
    }

    /// The failed sign-in the welcome screen shows, if any.
    pub fn sign_in_problem(&self) -> Option<&str> {
        self.sign_in_problem.as_ref().map(|p| p.message.as_str())
    }

    /// Show an estate, as if it had been opened (on the next frame).
    pub fn load_estate(&mut self, estate: Estate, origin: Origin) {
        self.queue(Command::LoadEstate(Arc::new(estate), origin));
    }

    /// Queue a command for the next frame, as a click would.
    fn queue(&mut self, command: Command) {
        self.commands.push(command);
        self.ctx.request_repaint();
    }

    pub fn estate(&self) -> Option<&Estate> {
        self.loaded.as_ref().map(|l| l.estate.as_ref())
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Block (for tests and the benchmark only) until one worker event
    /// arrives or `timeout` passes; true when one arrived. The event is
    /// applied on the next frame like any other.
    pub fn wait_for_worker(&mut self, timeout: Duration) -> bool {
        match self.rx.recv_timeout(timeout) {
            Ok(ev) => {
                self.pending.push(ev);
                self.ctx.request_repaint();
                true
            }
            Err(_) => false,
        }
    }

    /// Derive panes' rows on a worker from `resources` resources up (for
    /// tests and the benchmark: the default is
    /// [`super::derive::ASYNC_ROWS_AT`]).
    pub fn set_rows_off_thread_from(&mut self, resources: usize) {
        self.rows_async_at = resources;
    }

    /// Whether a rows job is still running on a worker (one whose rows
    /// will be shown, or one a later keystroke superseded).
    pub fn rows_jobs_running(&self) -> bool {
        self.rows_jobs > 0
    }

    /// Rows currently shown by each inventory pane, in layout order.
    pub fn pane_row_counts(&self) -> Vec<usize> {
        logic::inventory_panes_in_order(self)
            .into_iter()
            .filter_map(|id| match self.settings.panes.get(&id) {
                Some(super::state::Pane::Inventory(p)) => Some(p.derived.rows.len()),
                _ => None,
            })
            .collect()
    }

    /// The focused inventory pane's filter text.
    pub fn focused_filter(&self) -> Option<&str> {
        match self.settings.panes.get(&self.focused?) {
            Some(super::state::Pane::Inventory(p)) => Some(&p.cfg.filter),
            _ => None,
        }
    }

    /// The tag compliance window's report, when it is open and its keys
    /// parse.
    pub fn compliance_report(&self) -> Option<&crate::compliance::Report> {
        self.compliance
            .as_ref()
            .and_then(|v| v.report.as_ref().ok())
    }

    /// Scope of the focused inventory pane.
    pub fn focused_scope(&self) -> Option<&super::state::Scope> {
        match self.settings.panes.get(&self.focused?) {
            Some(super::state::Pane::Inventory(p)) => Some(&p.cfg.scope),
            _ => None,
        }
    }

    /// Totals of the first open comparison: only left, only right,
    /// changed, same, not collected.
    pub fn compare_summary(&self) -> Option<[usize; 5]> {
        self.settings.panes.values().find_map(|p| match p {
            super::state::Pane::Compare(c) => c.report.as_ref().map(|r| {
                r.per_type.values().fold([0; 5], |mut acc, n| {
                    for (a, b) in acc.iter_mut().zip(super::compare::counts_row(n)) {
                        *a += b;
                    }
                    acc
                })
            }),
            _ => None,
        })
    }

    /// Set the first inventory pane's filter, as typing it would
    /// (benchmarks drive keystrokes this way; applied on the next frame).
    pub fn set_first_pane_filter(&mut self, text: &str) {
        if let Some(&id) = logic::inventory_panes_in_order(self).first() {
            self.queue(Command::SetFilter(id, text.to_string()));
        }
    }

    /// Sort the first inventory pane by name (applied on the next frame).
    pub fn sort_first_pane_by_name(&mut self, descending: bool) {
        if let Some(&id) = logic::inventory_panes_in_order(self).first() {
            let sort = Some((crate::query::Column::Name, descending));
            self.queue(Command::SetSort(id, sort));
        }
    }

    /// Scroll the first inventory pane so `row` is in view on the next
    /// frame (benchmarks and tests drive scrolling this way).
    pub fn scroll_first_pane_to(&mut self, row: usize) {
        if let Some(&id) = logic::inventory_panes_in_order(self).first() {
            self.queue(Command::ScrollTo(id, row));
        }
    }

    /// The non-matching entries of the first comparison, as
    /// (status, type, key, changed fields), for tests.
    pub fn compare_entries(&self) -> Vec<(String, String, String, Vec<String>)> {
        self.settings
            .panes
            .values()
            .find_map(|p| match p {
                super::state::Pane::Compare(c) => c.report.as_ref(),
                _ => None,
            })
            .map(|r| {
                r.entries
                    .iter()
                    .filter(|e| e.status != super::compare::EntryStatus::Same)
                    .map(|e| {
                        (
                            super::compare::status_label(e.status).to_string(),
                            e.rtype.as_str().to_string(),
                            e.key.clone(),
                            e.changes.iter().map(|c| c.field.clone()).collect(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The device of the MFA code the dialog is asking for, if it is open.
    pub fn mfa_pending(&self) -> Option<&str> {
        self.mfa.as_ref().map(|d| d.request.serial.as_str())
    }

    /// True while a live collection runs.
    pub fn is_collecting(&self) -> bool {
        self.progress.is_some()
    }

    pub fn context(&self) -> &egui::Context {
        &self.ctx
    }

    pub fn runtime(&self) -> tokio::runtime::Handle {
        self.rt.clone()
    }

    /// The last log lines, newest last (tests read errors here).
    pub fn log_lines(&self) -> Vec<String> {
        self.log.iter().map(|l| l.text.clone()).collect()
    }

    pub(crate) fn outbox(&self) -> Outbox {
        Outbox {
            tx: self.tx.clone(),
            ctx: self.ctx.clone(),
        }
    }
}

/// Frames longer than this are logged (debug level): a frame this long is
/// a visible stutter.
const SLOW_FRAME: Duration = Duration::from_millis(50);

impl eframe::App for OrgscopeApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        if self.frames == 1 {
            // The first frame has been painted and presented by now.
            tracing::info!("first frame shown");
        }
        self.frames += 1;
        self.frame_started = Some(std::time::Instant::now());
        logic::run(self, ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        // `logic` has just applied every queued command; what the drawing
        // emits now is applied before the next frame is drawn.
        let mut commands = std::mem::take(&mut self.commands);
        view::app_ui(self, &mut commands, ui);
        if !commands.is_empty() {
            ui.ctx().request_repaint();
        }
        self.commands = commands;
        if self.frames == 1 {
            // Make sure there is a second frame to log "first frame shown".
            ui.ctx().request_repaint();
        }
        if let Some(t) = self.frame_started
            && t.elapsed() > SLOW_FRAME
        {
            tracing::debug!("slow frame: {} ms", t.elapsed().as_millis());
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, SETTINGS_KEY, &self.settings);
    }
}
