//! Derived data: the rows each inventory pane shows and the diff each
//! compare pane shows, recomputed only when something they depend on
//! changed (filter, scope, type, sort, estate). Logic-side: called only by
//! `logic`, once per frame after the commands, before drawing.

use super::app::OrgscopeApp;
use super::command::WorkerEvent;
use super::compare::{self, CompareOptions};
use super::engine::{self, ScopeSet};
use super::state::{Indexes, Pane, PaneId};
use crate::model::Estate;

/// Above this many resources a pane's rows are derived on a worker, not in
/// the frame: at a million resources a filter and sort take ~70 ms, four
/// frames' worth. Below it the frame does it (4 ms at 100,000), so small
/// estates show new rows in the very frame of the keystroke.
pub const ASYNC_ROWS_AT: usize = 150_000;

/// Recompute rows of stale panes, then stale diffs (which read those rows).
pub fn refresh(app: &mut OrgscopeApp) {
    let Some(loaded) = &app.loaded else { return };
    let estate = loaded.estate.clone();
    let off_thread = estate.resources.len() >= app.rows_async_at;
    let outbox = app.outbox();
    for (&id, pane) in app.settings.panes.iter_mut() {
        let Pane::Inventory(p) = pane else { continue };
        if !p.derived.stale {
            continue;
        }
        p.derived.stale = false;
        let started = std::time::Instant::now();
        match engine::parse_filter(&p.cfg.filter) {
            Ok(filter) => {
                p.derived.error = None;
                let job = RowsJob {
                    accounts: p
                        .cfg
                        .scope
                        .account_ids(&estate)
                        .map(|a| a.into_iter().map(str::to_string).collect()),
                    regions: p.cfg.scope.regions.iter().cloned().collect(),
                    filter,
                    rtype: p.cfg.rtype,
                    sort: p.cfg.sort.clone(),
                };
                if off_thread {
                    app.rows_tickets += 1;
                    app.rows_jobs += 1;
                    let ticket = app.rows_tickets;
                    p.derived.pending = Some(ticket);
                    let indexes = loaded.indexes().clone();
                    let out = outbox.clone();
                    app.rt.spawn_blocking(move || {
                        let (rows, per_type) = job.run(&indexes);
                        out.send(WorkerEvent::Rows {
                            pane: id,
                            ticket,
                            rows,
                            per_type,
                            millis: started.elapsed().as_secs_f64() * 1000.0,
                        });
                    });
                } else {
                    let (rows, per_type) = job.run(loaded.indexes());
                    let millis = started.elapsed().as_secs_f64() * 1000.0;
                    set_rows(p, rows, per_type, estate.resources.len(), millis);
                }
            }
            Err(e) => {
                // The rows stay those of the last filter that parsed; a job
                // for an earlier text must not replace them now.
                p.derived.pending = None;
                p.derived.error = Some(e);
                p.derived.generation += 1;
            }
        }
        if p.derived.completions_for.as_deref() != Some(p.cfg.filter.as_str()) {
            p.derived.completions = engine::completions(loaded.tag_catalog(), &p.cfg.filter);
            p.derived.completions_for = Some(p.cfg.filter.clone());
        }
    }
    // Diagrams are built only for panes that show one, once per new rows.
    for pane in app.settings.panes.values_mut() {
        let Pane::Inventory(p) = pane else { continue };
        let d = &mut p.derived;
        if let Some(kind) = p.cfg.view.diagram()
            && d.scene.as_ref().is_none_or(|(g, _)| *g != d.generation)
        {
            // Pane diagrams are network, connectivity and access views: no
            // costs.
            let scene = super::export::scene(&estate, &d.rows, kind, None);
            d.scene = Some((d.generation, std::sync::Arc::new(scene)));
        }
        if p.cfg.view == super::state::PaneView::Matrix
            && d.access.as_ref().is_none_or(|(g, _)| *g != d.generation)
        {
            let matrix = super::access_ui::Matrix::new(&estate, &d.rows, &p.cfg.scope);
            d.access = Some((d.generation, std::sync::Arc::new(matrix)));
        }
    }
    let app_scopes: std::collections::BTreeMap<PaneId, super::state::Scope> = app
        .settings
        .panes
        .iter()
        .filter_map(|(id, p)| match p {
            Pane::Inventory(p) => Some((*id, p.cfg.scope.clone())),
            Pane::Compare(_) => None,
        })
        .collect();
    // Comparisons show costs of the month the tree shows.
    let cost_month = app
        .loaded
        .as_ref()
        .and_then(|l| l.cost.as_ref())
        .map(|c| c.month);
    let ids: Vec<PaneId> = app.settings.panes.keys().copied().collect();
    for id in ids {
        let Some(Pane::Compare(c)) = app.settings.panes.get(&id) else {
            continue;
        };
        let (left, right) = (c.left, c.right);
        let rows = |id: PaneId| match app.settings.panes.get(&id) {
            Some(Pane::Inventory(p)) => Some((p.derived.generation, &p.derived.rows)),
            _ => None,
        };
        let (Some((lgen, lrows)), Some((rgen, rrows))) = (rows(left), rows(right)) else {
            continue;
        };
        let inputs = (lgen, rgen);
        if !c.stale && c.report.is_some() && c.last_inputs == inputs {
            continue;
        }
        let (lrows, rrows) = (lrows.clone(), rrows.clone());
        let Some(Pane::Compare(c)) = app.settings.panes.get_mut(&id) else {
            continue;
        };
        let split_list = |s: &str| -> Vec<String> {
            s.split([',', ' '])
                .filter(|t| !t.is_empty())
                .map(|t| t.to_lowercase())
                .collect()
        };
        let keys = match compare::parse_keys(&c.keys) {
            Ok(k) => {
                c.keys_error = None;
                k
            }
            Err(e) => {
                c.keys_error = Some(e);
                Default::default()
            }
        };
        let opts = CompareOptions {
            env_tokens: split_list(&c.env_tokens),
            ignore_tags: split_list(&c.ignore_tags),
            keys,
        };
        let lacc = scope_accounts(&app_scopes, left, &estate);
        let racc = scope_accounts(&app_scopes, right, &estate);
        c.cost = estate.costs.as_ref().map(|costs| {
            let names = estate
                .accounts
                .iter()
                .map(|a| (a.id.as_str(), a.name.as_str()))
                .collect();
            let left: std::collections::HashSet<&str> = lacc.iter().map(String::as_str).collect();
            let right: std::collections::HashSet<&str> = racc.iter().map(String::as_str).collect();
            crate::cost::compare::compare(
                costs,
                cost_month,
                (&left, &right),
                &names,
                &opts.env_tokens,
            )
            .map_err(|e| e.to_string())
        });
        c.report = Some(compare::compare(
            (&estate, &lrows, &lacc),
            (&estate, &rrows, &racc),
            &opts,
        ));
        c.last_inputs = inputs;
        c.stale = false;
    }
}

/// Account ids a pane's scope covers (every account for an empty scope).
fn scope_accounts(
    scopes: &std::collections::BTreeMap<PaneId, super::state::Scope>,
    id: PaneId,
    estate: &Estate,
) -> Vec<String> {
    match scopes.get(&id).and_then(|s| s.account_ids(estate)) {
        Some(ids) => ids.into_iter().map(String::from).collect(),
        None => estate.accounts.iter().map(|a| a.id.clone()).collect(),
    }
}

/// What a pane's rows depend on, owned, so a worker can derive them.
struct RowsJob {
    accounts: Option<Vec<String>>,
    regions: Vec<String>,
    filter: engine::Filter,
    rtype: Option<crate::model::Kind>,
    sort: Option<(crate::query::Column, bool)>,
}

impl RowsJob {
    fn run(&self, indexes: &Indexes) -> (Vec<usize>, Vec<usize>) {
        let scope = ScopeSet {
            accounts: self
                .accounts
                .as_ref()
                .map(|a| a.iter().map(String::as_str).collect()),
            regions: if self.regions.is_empty() {
                None
            } else {
                Some(self.regions.iter().map(String::as_str).collect())
            },
        };
        let ranks = self
            .sort
            .as_ref()
            .map(|(col, desc)| (indexes.sort_ranks(col), *desc));
        let sort = ranks.as_ref().map(|(r, desc)| (r.as_slice(), *desc));
        engine::visible_rows(indexes.query(), &scope, &self.filter, self.rtype, sort)
    }
}

/// New rows for a pane, from the frame or from a worker (`millis` from
/// the request to now; `run.py` reads the log line).
fn set_rows(
    p: &mut super::state::InventoryPane,
    rows: Vec<usize>,
    per_type: Vec<usize>,
    total: usize,
    millis: f64,
) {
    p.derived.pending = None;
    p.derived.rows = rows;
    p.derived.per_type = per_type;
    p.derived.generation += 1;
    tracing::debug!(
        "pane rows: {} of {} in {:.2} ms",
        p.derived.rows.len(),
        total,
        millis
    );
}

/// Rows derived on a worker: kept only when `ticket` is still the pane's
/// newest request (a later keystroke, or a new estate, supersedes it).
pub fn rows_arrived(
    app: &mut OrgscopeApp,
    pane: PaneId,
    ticket: u64,
    rows: Vec<usize>,
    per_type: Vec<usize>,
    millis: f64,
) {
    app.rows_jobs = app.rows_jobs.saturating_sub(1);
    let total = app.loaded.as_ref().map_or(0, |l| l.estate.resources.len());
    if let Some(Pane::Inventory(p)) = app.settings.panes.get_mut(&pane)
        && p.derived.pending == Some(ticket)
    {
        set_rows(p, rows, per_type, total, millis);
    }
}
