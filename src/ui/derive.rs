//! Derived data: the rows each inventory pane shows and the diff each
//! compare pane shows, recomputed only when something they depend on
//! changed (filter, scope, type, sort, estate). Logic-side: called only by
//! `logic`, once per frame after the commands, before drawing.

use super::app::OrgscopeApp;
use super::compare::{self, CompareOptions};
use super::engine::{self, ScopeSet};
use super::state::{Pane, PaneId};
use crate::model::Estate;

/// Recompute rows of stale panes, then stale diffs (which read those rows).
pub fn refresh(app: &mut OrgscopeApp) {
    let Some(loaded) = &app.loaded else { return };
    let estate = loaded.estate.clone();
    for pane in app.settings.panes.values_mut() {
        let Pane::Inventory(p) = pane else { continue };
        if !p.derived.stale {
            continue;
        }
        p.derived.stale = false;
        let started = std::time::Instant::now();
        // Built once per estate (the first time a pane needs it).
        let ctx = loaded.query();
        match engine::parse_filter(&p.cfg.filter) {
            Ok(filter) => {
                p.derived.error = None;
                let accounts = p.cfg.scope.account_ids(&estate);
                let scope = ScopeSet {
                    accounts: accounts.map(|a| a.into_iter().collect()),
                    regions: if p.cfg.scope.regions.is_empty() {
                        None
                    } else {
                        Some(p.cfg.scope.regions.iter().map(String::as_str).collect())
                    },
                };
                let ranks = p
                    .cfg
                    .sort
                    .as_ref()
                    .map(|(col, desc)| (loaded.sort_ranks(col), *desc));
                let sort = ranks.as_ref().map(|(r, desc)| (r.as_slice(), *desc));
                let (rows, per_type) =
                    engine::visible_rows(ctx, &scope, &filter, p.cfg.rtype, sort);
                p.derived.rows = rows;
                p.derived.per_type = per_type;
            }
            Err(e) => p.derived.error = Some(e),
        }
        if p.derived.completions_for.as_deref() != Some(p.cfg.filter.as_str()) {
            p.derived.completions = engine::completions(loaded.tag_catalog(), &p.cfg.filter);
            p.derived.completions_for = Some(p.cfg.filter.clone());
        }
        p.derived.generation += 1;
        tracing::debug!(
            "pane rows: {} of {} in {:.2} ms",
            p.derived.rows.len(),
            estate.resources.len(),
            started.elapsed().as_secs_f64() * 1000.0
        );
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
