//! Export of a pane: its table (the rows and columns the user sees, in the
//! order shown) to CSV or JSON through `orgscope::export`, the CLI's
//! formatter, or a diagram (the network topology, the connectivity or the
//! cross-account access of those rows, or the org tree, on the heat scale of the tree's cost month
//! when the estate has costs) to SVG, PNG or draw.io through
//! `orgscope::diagram`, the same scene the diagram views draw. The rows are
//! snapshotted on the UI thread (an index vector copy); layout, formatting
//! and writing happen on a worker.

use super::app::OrgscopeApp;
use super::command::{DiagramFile, DiagramKind, ExportFormat};
use super::state::Pane;
use super::state::PaneId;
use super::workers;
use crate::query::Column;

/// The columns a pane shows, tag columns included.
pub fn pane_columns(cfg: &super::state::InventoryConfig) -> Vec<Column> {
    let mut cols = Column::defaults(cfg.rtype);
    cols.extend(cfg.tag_columns.iter().cloned().map(Column::Tag));
    cols
}

pub fn start(app: &OrgscopeApp, id: PaneId, format: ExportFormat) {
    let (Some(loaded), Some(Pane::Inventory(p))) = (&app.loaded, app.settings.panes.get(&id))
    else {
        return;
    };
    let estate = loaded.estate.clone();
    // The org tree is coloured by the cost of the month the tree shows,
    // when the estate has costs.
    let cost_month = loaded.cost.as_ref().map(|c| c.month);
    let rows = p.derived.rows.clone();
    let cols = pane_columns(&p.cfg);
    let name = if p.cfg.title.is_empty() {
        "orgscope-export".to_string()
    } else {
        p.cfg.title.to_lowercase().replace(' ', "-")
    };
    let render = Box::new(move || {
        if let ExportFormat::Diagram { kind, file } = format {
            return render_diagram(&estate, &rows, kind, cost_month, file);
        }
        // The same safe CSV / JSON as `orgscope list`, built off the UI
        // thread (the query context indexes every resource).
        let ctx = crate::query::Context::new(&estate);
        let text = match format {
            ExportFormat::Json => crate::export::resources_json(&ctx, &rows, &cols),
            _ => crate::export::resources_csv(&ctx, &rows, &cols),
        };
        Ok((text.into_bytes(), rows.len()))
    });
    workers::export_dialog(&app.rt, app.outbox(), format, name, render);
}

/// The scene of one diagram kind for the pane's rows (the org tree is
/// always the whole organization, on the heat scale of `cost_month`'s
/// costs when there is one): what the diagram views show and what exports
/// write.
pub fn scene(
    estate: &crate::model::Estate,
    rows: &[usize],
    kind: DiagramKind,
    cost_month: Option<crate::cost::Month>,
) -> crate::diagram::Scene {
    match kind {
        DiagramKind::Network => crate::diagram::network_scene(estate, rows, &Default::default()),
        DiagramKind::Connectivity => {
            crate::diagram::connectivity_scene(estate, rows, &Default::default())
        }
        DiagramKind::Access => crate::diagram::access_scene(estate, rows, &Default::default()),
        DiagramKind::Org => crate::diagram::org_scene(
            estate,
            &crate::diagram::org::OrgOptions {
                cost: cost_month.map(|m| crate::diagram::org::CostColours { month: Some(m) }),
                ..Default::default()
            },
        ),
    }
}

/// Lay out and encode a diagram; the count is the number of boxes drawn.
pub fn render_diagram(
    estate: &crate::model::Estate,
    rows: &[usize],
    kind: DiagramKind,
    cost_month: Option<crate::cost::Month>,
    file: DiagramFile,
) -> Result<(Vec<u8>, usize), String> {
    let scene = scene(estate, rows, kind, cost_month);
    let bytes = match file {
        DiagramFile::Svg => crate::diagram::to_svg(&scene).into_bytes(),
        DiagramFile::Drawio => crate::diagram::to_drawio(&scene).into_bytes(),
        DiagramFile::Png(scale) => crate::diagram::to_png(&scene, f32::from(scale))
            .map_err(|e| format!("cannot export the diagram: {e}"))?,
    };
    Ok((bytes, scene.nodes.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagram_exports_are_the_scene_as_svg_or_png_and_failures_say_why() {
        let estate = crate::demo::demo_estate(crate::demo::DEFAULT_ACCOUNTS);
        let rows: Vec<usize> = (0..estate.resources.len()).collect();

        let (svg, boxes) =
            render_diagram(&estate, &rows, DiagramKind::Network, None, DiagramFile::Svg)
                .expect("network svg");
        let text = String::from_utf8(svg).expect("utf-8");
        assert!(text.starts_with("<?xml"), "{}", &text[..40]);
        assert!(boxes > estate.accounts.len(), "{boxes} boxes");

        let (png, org_boxes) =
            render_diagram(&estate, &rows, DiagramKind::Org, None, DiagramFile::Png(1))
                .expect("org png");
        assert_eq!(&png[1..4], b"PNG");
        // Root + OUs + every account.
        assert!(org_boxes > estate.accounts.len(), "{org_boxes} boxes");

        // The org tree in the month the tree shows: on the cost heat scale.
        let month = crate::cost::Month::parse("2026-09").expect("month");
        let svg = |month| {
            let (svg, _) =
                render_diagram(&estate, &rows, DiagramKind::Org, month, DiagramFile::Svg)
                    .expect("org svg");
            String::from_utf8(svg).expect("utf-8")
        };
        assert!(svg(Some(month)).contains("coloured by cost in 2026-09"));
        assert!(!svg(None).contains("coloured by cost"));

        let err = render_diagram(&estate, &rows, DiagramKind::Org, None, DiagramFile::Png(0))
            .expect_err("scale 0");
        assert!(err.contains("cannot export the diagram"), "{err}");

        // draw.io of every kind: one vertex cell per box.
        for kind in [
            DiagramKind::Network,
            DiagramKind::Connectivity,
            DiagramKind::Access,
            DiagramKind::Org,
        ] {
            let (xml, boxes) =
                render_diagram(&estate, &rows, kind, None, DiagramFile::Drawio).expect("draw.io");
            let text = String::from_utf8(xml).expect("utf-8");
            let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
            let cells = doc
                .descendants()
                .filter(|n| {
                    n.has_tag_name("mxCell")
                        && n.attribute("vertex") == Some("1")
                        && n.attribute("id").is_some_and(|id| id.starts_with('n'))
                })
                .count();
            assert_eq!(cells, boxes, "{kind:?}");
            assert!(boxes > 0, "{kind:?}");
        }
    }
}
