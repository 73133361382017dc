//! Export of a pane's table (the rows and columns the user sees, in the
//! order shown) to CSV or JSON through `orgscope::export`, the CLI's
//! formatter. The rows are snapshotted on the UI thread (an index vector
//! copy); formatting and writing happen on a worker.

use super::app::OrgscopeApp;
use super::command::ExportFormat;
use super::engine::ColumnKey;
use super::state::Pane;
use super::state::PaneId;
use super::workers;

/// The columns a pane shows, tag columns included.
pub fn pane_columns(cfg: &super::state::InventoryConfig) -> Vec<ColumnKey> {
    let mut cols = ColumnKey::defaults(cfg.rtype);
    cols.extend(cfg.tag_columns.iter().cloned().map(ColumnKey::Tag));
    cols
}

pub fn start(app: &mut OrgscopeApp, id: PaneId, format: ExportFormat) {
    let (Some(loaded), Some(Pane::Inventory(p))) = (&app.loaded, app.settings.panes.get(&id))
    else {
        return;
    };
    let estate = loaded.estate.clone();
    let rows = p.derived.rows.clone();
    let cols = pane_columns(&p.cfg);
    let name = if p.cfg.title.is_empty() {
        "orgscope-export".to_string()
    } else {
        p.cfg.title.to_lowercase().replace(' ', "-")
    };
    let render = Box::new(move || {
        // The same safe CSV / JSON as `orgscope list`, built off the UI
        // thread (the query context indexes every resource).
        let ctx = crate::query::Context::new(&estate);
        let columns: Vec<crate::query::Column> = cols.iter().map(ColumnKey::to_query).collect();
        let text = match format {
            ExportFormat::Csv => crate::export::resources_csv(&ctx, &rows, &columns),
            ExportFormat::Json => crate::export::resources_json(&ctx, &rows, &columns),
        };
        (text.into_bytes(), rows.len())
    });
    workers::export_dialog(&app.rt, app.outbox(), format, name, render);
}
