//! Export of a pane's table (the rows and columns the user sees, in the
//! order shown) to CSV or JSON. The rows are snapshotted on the UI thread
//! (an index vector copy); formatting and writing happen on a worker.

use super::app::OrgscopeApp;
use super::command::ExportFormat;
use super::engine::{self, ColumnKey, Context};
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
        let lookups = engine::Lookups::new(&estate);
        let ctx = Context::new(&estate, &lookups);
        let table: Vec<Vec<String>> = rows
            .iter()
            .map(|&i| {
                cols.iter()
                    .map(|c| engine::cell(&ctx, &estate.resources[i], c))
                    .collect()
            })
            .collect();
        let headers: Vec<String> = cols.iter().map(ColumnKey::title).collect();
        let bytes = match format {
            ExportFormat::Csv => to_csv(&headers, &table),
            ExportFormat::Json => to_json(&headers, &table),
        };
        (bytes, table.len())
    });
    workers::export_dialog(&app.rt, app.outbox(), format, name, render);
}

/// CSV that spreadsheets cannot be tricked into evaluating: cells that
/// start like a formula get a leading apostrophe.
pub fn to_csv(headers: &[String], rows: &[Vec<String>]) -> Vec<u8> {
    fn field(s: &str) -> String {
        let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            format!("'{s}")
        } else {
            s.to_string()
        };
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s
        }
    }
    let mut out = String::new();
    for line in std::iter::once(headers).chain(rows.iter().map(Vec::as_slice)) {
        let cells: Vec<String> = line.iter().map(|c| field(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

pub fn to_json(headers: &[String], rows: &[Vec<String>]) -> Vec<u8> {
    let objects: Vec<serde_json::Map<String, serde_json::Value>> = rows
        .iter()
        .map(|r| {
            headers
                .iter()
                .cloned()
                .zip(r.iter().cloned().map(serde_json::Value::String))
                .collect()
        })
        .collect();
    serde_json::to_vec_pretty(&objects).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_defuses_formulas_and_quotes() {
        let out = to_csv(
            &["a".into(), "b".into()],
            &[vec!["=1+1".into(), "x,\"y\"".into()]],
        );
        let text = String::from_utf8(out).unwrap_or_default();
        assert_eq!(text, "a,b\r\n'=1+1,\"x,\"\"y\"\"\"\r\n");
    }
}
