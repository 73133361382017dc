//! The on-screen diagram: draws a [`Scene`] with egui's painter — the same
//! boxes, labels, edges and legend the SVG/PNG exports contain, set in the
//! same bundled font — with pan (drag, scroll), zoom (ctrl-scroll, pinch,
//! buttons), fit-to-view (button, double-click, and whenever a new scene
//! arrives), hover details and click-to-select. The host pane owns the
//! [`DiagramView`] state and the selection; this widget only reports clicks.

use egui::{
    Align2, Color32, CornerRadius, FontFamily, FontId, Pos2, Rect, Sense, Shape, Stroke,
    StrokeKind, Vec2,
};

use crate::diagram::{self, Point, Scene};

/// egui font families holding the diagram fonts (regular, bold), each with
/// the CJK fallback behind it.
const FAMILY: &str = "orgscope-diagram";
const FAMILY_BOLD: &str = "orgscope-diagram-bold";

const MIN_ZOOM: f32 = 0.02;
const MAX_ZOOM: f32 = 8.0;
/// Below this on-screen size text is unreadable: skip it and keep panning
/// a 2,000-account tree smooth.
const MIN_TEXT_PX: f32 = 4.0;
const SELECTED: Color32 = Color32::from_rgb(0x25, 0x63, 0xeb);
const HOVERED: Color32 = Color32::from_rgb(0x0e, 0xa5, 0xe9);

/// Zoom and pan of one diagram pane.
#[derive(Debug, Clone, PartialEq)]
pub struct DiagramView {
    /// Screen points per scene unit.
    pub zoom: f32,
    /// Where the scene origin is, relative to the canvas' top left.
    pub offset: Vec2,
    fit_pending: bool,
    /// Size of the scene last shown: a new scene is fitted to the view.
    scene_size: (f32, f32),
    /// Canvas rectangle of the last frame, for [`DiagramView::to_screen`].
    canvas: Rect,
}

impl Default for DiagramView {
    fn default() -> Self {
        DiagramView {
            zoom: 1.0,
            offset: Vec2::ZERO,
            fit_pending: true,
            scene_size: (0.0, 0.0),
            canvas: Rect::NOTHING,
        }
    }
}

impl DiagramView {
    /// Fit the whole scene into the canvas on the next frame.
    pub fn fit(&mut self) {
        self.fit_pending = true;
    }

    /// Where a scene point was drawn on screen in the last frame.
    pub fn to_screen(&self, p: Point) -> Pos2 {
        self.canvas.min + self.offset + Vec2::new(p.x, p.y) * self.zoom
    }

    /// The scene point under a screen position.
    pub fn to_scene(&self, p: Pos2) -> Point {
        let v = (p - self.canvas.min - self.offset) / self.zoom;
        Point::new(v.x, v.y)
    }

    fn zoom_about(&mut self, factor: f32, anchor: Pos2) {
        let before = self.to_scene(anchor);
        self.zoom = (self.zoom * factor).clamp(MIN_ZOOM, MAX_ZOOM);
        // Keep the scene point under the pointer where it was.
        self.offset = anchor - self.canvas.min - Vec2::new(before.x, before.y) * self.zoom;
    }

    fn apply_fit(&mut self, scene: &Scene) {
        let avail = self.canvas.size();
        if scene.width <= 0.0 || scene.height <= 0.0 || avail.x <= 0.0 || avail.y <= 0.0 {
            return;
        }
        let z = (avail.x / scene.width)
            .min(avail.y / scene.height)
            .clamp(MIN_ZOOM, 1.5);
        self.zoom = z;
        self.offset = (avail - Vec2::new(scene.width, scene.height) * z) / 2.0;
        self.fit_pending = false;
    }
}

/// Names of the bundled fonts in egui's font definitions.
const REGULAR_FONT: &str = "orgscope-dejavu-sans";
const BOLD_FONT: &str = "orgscope-dejavu-sans-bold";
const FALLBACK_FONT: &str = "orgscope-droid-sans-fallback";

/// Add the bundled diagram fonts to `fonts`: the diagram families (the
/// faces the layout measured, with the CJK fallback behind them), and the
/// fallback behind egui's own proportional and monospace families.
pub fn add_bundled_fonts(fonts: &mut egui::FontDefinitions) {
    use egui::FontData;
    use std::sync::Arc;
    let faces = [
        (REGULAR_FONT, diagram::text::REGULAR),
        (BOLD_FONT, diagram::text::BOLD),
        (FALLBACK_FONT, diagram::text::FALLBACK),
    ];
    for (name, bytes) in faces {
        let data = Arc::new(FontData::from_static(bytes));
        fonts.font_data.insert(name.to_string(), data);
    }
    let families = [
        (FontFamily::Name(FAMILY.into()), Some(REGULAR_FONT)),
        (FontFamily::Name(FAMILY_BOLD.into()), Some(BOLD_FONT)),
        (FontFamily::Proportional, None),
        (FontFamily::Monospace, None),
    ];
    for (family, first) in families {
        let list = fonts.families.entry(family).or_default();
        if let Some(face) = first
            && !list.iter().any(|f| f == face)
        {
            list.insert(0, face.to_string());
        }
        if !list.iter().any(|f| f == FALLBACK_FONT) {
            list.push(FALLBACK_FONT.to_string());
        }
    }
}

/// Register the bundled diagram fonts with egui (once; later calls are
/// cheap no-ops, as are all calls once the app's theme has installed them
/// by the same names), so the canvas uses the faces the layout measured.
pub fn install_fonts(ctx: &egui::Context) {
    use egui::{
        FontData,
        epaint::text::{FontInsert, FontPriority, InsertFontFamily},
    };
    let fam = |name: &str, priority| InsertFontFamily {
        family: FontFamily::Name(name.into()),
        priority,
    };
    ctx.add_font(FontInsert::new(
        REGULAR_FONT,
        FontData::from_static(diagram::text::REGULAR),
        vec![fam(FAMILY, FontPriority::Highest)],
    ));
    ctx.add_font(FontInsert::new(
        BOLD_FONT,
        FontData::from_static(diagram::text::BOLD),
        vec![fam(FAMILY_BOLD, FontPriority::Highest)],
    ));
    ctx.add_font(FontInsert::new(
        FALLBACK_FONT,
        FontData::from_static(diagram::text::FALLBACK),
        vec![
            fam(FAMILY, FontPriority::Lowest),
            fam(FAMILY_BOLD, FontPriority::Lowest),
        ],
    ));
}

fn color(c: diagram::Color) -> Color32 {
    Color32::from_rgb(c.0, c.1, c.2)
}

/// Draw `scene` with zoom/pan state `view`, outlining the node whose id is
/// `selected`. Returns the id of a node the user clicked this frame.
pub fn diagram_ui(
    ui: &mut egui::Ui,
    scene: &Scene,
    view: &mut DiagramView,
    selected: Option<&str>,
) -> Option<String> {
    install_fonts(ui.ctx());
    if view.scene_size != (scene.width, scene.height) {
        view.scene_size = (scene.width, scene.height);
        view.fit_pending = true;
    }

    ui.horizontal(|ui| {
        if ui
            .button("Fit")
            .on_hover_text("Show the whole diagram (double-click)")
            .clicked()
        {
            view.fit();
        }
        if ui.button("100%").clicked() {
            let c = view.canvas.center();
            view.zoom_about(1.0 / view.zoom, c);
        }
        if ui
            .button("−")
            .on_hover_text("Zoom out (ctrl-scroll)")
            .clicked()
        {
            let c = view.canvas.center();
            view.zoom_about(1.0 / 1.25, c);
        }
        if ui
            .button("+")
            .on_hover_text("Zoom in (ctrl-scroll)")
            .clicked()
        {
            let c = view.canvas.center();
            view.zoom_about(1.25, c);
        }
        ui.label(format!("{:.0}%", view.zoom * 100.0));
        ui.weak("drag or scroll to pan · ctrl-scroll to zoom · click to select");
    });

    let (rect, response) = ui.allocate_exact_size(ui.available_size(), Sense::click_and_drag());
    view.canvas = rect;
    if view.fit_pending || response.double_clicked() {
        view.apply_fit(scene);
    }
    if response.dragged() {
        view.offset += response.drag_delta();
    }
    if response.hovered() {
        let (zoom, scroll, pointer) = ui.input(|i| {
            (
                i.zoom_delta(),
                i.smooth_scroll_delta(),
                i.pointer.hover_pos(),
            )
        });
        if zoom != 1.0 {
            view.zoom_about(zoom, pointer.unwrap_or(rect.center()));
        } else if scroll != Vec2::ZERO {
            view.offset += scroll;
        }
    }

    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, CornerRadius::ZERO, color(scene.background));
    let has_fonts = ui.ctx().fonts(|f| {
        let families = f.families();
        families.contains(&FontFamily::Name(FAMILY.into()))
            && families.contains(&FontFamily::Name(FAMILY_BOLD.into()))
    });
    let font = |size: f32, bold: bool| {
        let family = match (has_fonts, bold) {
            (true, false) => FontFamily::Name(FAMILY.into()),
            (true, true) => FontFamily::Name(FAMILY_BOLD.into()),
            (false, _) => FontFamily::Proportional,
        };
        FontId::new(size, family)
    };
    let z = view.zoom;
    let to_screen = |p: Point| view.to_screen(p);
    let screen_rect = |r: &diagram::Rect| {
        Rect::from_min_size(to_screen(Point::new(r.x, r.y)), Vec2::new(r.w, r.h) * z)
    };
    let label = |l: &diagram::Label| {
        let px = l.size * z;
        if px < MIN_TEXT_PX {
            return;
        }
        // Labels are placed by baseline; egui places by top: DejaVu's
        // ascent is ~0.93 em.
        let pos = to_screen(Point::new(l.x, l.y - l.size * 0.93));
        painter.text(
            pos,
            Align2::LEFT_TOP,
            &l.text,
            font(px, l.bold),
            color(l.color),
        );
    };

    for t in &scene.texts {
        label(t);
    }
    // A connector as the SVG draws it: its stroke (colour, width, dashes),
    // arrowhead and label over a backdrop.
    let connector = |e: &diagram::Edge| {
        let stroke = scene.stroke(e);
        let pts: Vec<Pos2> = e.points.iter().map(|p| to_screen(*p)).collect();
        if !Rect::from_points(&pts).intersects(rect) {
            return;
        }
        let s = Stroke::new((stroke.width * z).max(0.5), color(stroke.color));
        match stroke.dash {
            Some((dash, gap)) => {
                painter.extend(Shape::dashed_line(&pts, s, dash * z, gap * z));
            }
            None => {
                painter.add(Shape::line(pts, s));
            }
        }
        if let Some(tip) = e.arrow(&stroke) {
            let tri = tip.iter().map(|p| to_screen(*p)).collect();
            painter.add(Shape::convex_polygon(
                tri,
                color(stroke.color),
                Stroke::NONE,
            ));
        }
        if let Some(l) = &e.label
            && l.size * z >= MIN_TEXT_PX
        {
            painter.rect_filled(
                screen_rect(&l.backdrop()),
                CornerRadius::same(2),
                color(scene.background).gamma_multiply(0.9),
            );
            label(l);
        }
    };
    for item in &scene.legend {
        let r = screen_rect(&item.swatch);
        if let Some(kind) = item.line {
            let y = item.swatch.y + item.swatch.h / 2.0;
            let e = diagram::Edge::new(
                "",
                "",
                vec![
                    Point::new(item.swatch.x, y),
                    Point::new(item.swatch.right(), y),
                ],
            )
            .styled(kind);
            connector(&e);
        } else {
            painter.rect(
                r,
                CornerRadius::same(2),
                color(item.style.fill),
                Stroke::new(
                    item.style.stroke_width * z.max(0.5),
                    color(item.style.stroke),
                ),
                StrokeKind::Inside,
            );
        }
        label(&item.label);
    }
    let edge_stroke = Stroke::new((1.2 * z).max(0.5), color(scene.edge_color));
    for e in scene.edges.iter().filter(|e| !e.kind.is_styled()) {
        let pts: Vec<Pos2> = e.points.iter().map(|p| to_screen(*p)).collect();
        let bounds = Rect::from_points(&pts);
        if bounds.intersects(rect) {
            painter.add(Shape::line(pts, edge_stroke));
        }
    }

    let hovered = response
        .hover_pos()
        .and_then(|p| scene.node_at(view.to_scene(p)));
    let draw_box = |i: usize, n: &diagram::Node| {
        let r = screen_rect(&n.rect);
        if !r.intersects(rect) {
            return;
        }
        let radius = CornerRadius::same((n.style.radius * z).clamp(0.0, 255.0) as u8);
        let stroke = Stroke::new((n.style.stroke_width * z).max(0.5), color(n.style.stroke));
        if n.style.dashed {
            painter.rect_filled(r, radius, color(n.style.fill));
            let corners = [
                r.left_top(),
                r.right_top(),
                r.right_bottom(),
                r.left_bottom(),
                r.left_top(),
            ];
            painter.extend(Shape::dashed_line(&corners, stroke, 5.0 * z, 3.0 * z));
        } else {
            painter.rect(r, radius, color(n.style.fill), stroke, StrokeKind::Inside);
        }
        let highlight = if selected == Some(n.id.as_str()) {
            Some(SELECTED)
        } else if hovered == Some(i) {
            Some(HOVERED)
        } else {
            None
        };
        if let Some(c) = highlight {
            painter.rect_stroke(r, radius, Stroke::new(2.5, c), StrokeKind::Outside);
        }
        for l in &n.labels {
            label(l);
        }
    };
    // The exports' order (`Scene::box_layers`): containers, then the
    // styled connectors that cross them, then the containers' names again
    // so a line never strikes one through, then the resource boxes.
    let (under, over) = scene.box_layers();
    for &i in &under {
        draw_box(i, &scene.nodes[i]);
    }
    if scene.has_links() {
        for e in scene.edges.iter().filter(|e| e.kind.is_styled()) {
            connector(e);
        }
        for &i in &under {
            let n = &scene.nodes[i];
            for l in &n.labels {
                if l.size * z >= MIN_TEXT_PX {
                    let b = screen_rect(&diagram::Rect::new(
                        l.x - 1.0,
                        l.y - l.size,
                        l.width + 2.0,
                        l.size * 1.25,
                    ));
                    if b.intersects(rect) {
                        painter.rect_filled(b, CornerRadius::ZERO, color(n.style.fill));
                        label(l);
                    }
                }
            }
        }
    }
    for &i in &over {
        draw_box(i, &scene.nodes[i]);
    }

    let mut clicked = None;
    if response.clicked()
        && let Some(p) = response.interact_pointer_pos()
        && let Some(i) = scene.node_at(view.to_scene(p))
    {
        clicked = scene.nodes.get(i).map(|n| n.id.clone());
    }
    if let Some(n) = hovered.and_then(|i| scene.nodes.get(i))
        && !response.dragged()
    {
        response.on_hover_ui_at_pointer(|ui| {
            let mut lines = n.details.iter();
            if let Some(first) = lines.next() {
                ui.strong(first);
            }
            for l in lines {
                ui.label(l);
            }
        });
    }
    clicked
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagram::{Color, Label, Node, NodeKind, Style};

    fn scene() -> Scene {
        let style = Style {
            fill: Color::WHITE,
            stroke: Color(0, 0, 0),
            stroke_width: 1.0,
            dashed: false,
            radius: 4.0,
        };
        let node = |id: &str, x: f32| Node {
            id: id.into(),
            kind: NodeKind::Account,
            rect: diagram::Rect::new(x, 100.0, 200.0, 80.0),
            style,
            labels: vec![Label::fitted(id, 12.0, true, Color(0, 0, 0), 180.0).at(x + 8.0, 120.0)],
            parent: None,
            details: vec![format!("{id} details")],
        };
        Scene {
            width: 600.0,
            height: 300.0,
            background: Color::WHITE,
            edge_color: Color(128, 128, 128),
            texts: vec![],
            nodes: vec![node("111111111111", 50.0), node("222222222222", 350.0)],
            edges: vec![],
            legend: vec![],
        }
    }

    struct State {
        scene: Scene,
        view: DiagramView,
        clicked: Vec<String>,
    }

    fn click(harness: &mut egui_kittest::Harness<'_, State>, pos: Pos2) {
        harness.hover_at(pos);
        harness.step();
        for pressed in [true, false] {
            harness.event(egui::Event::PointerButton {
                pos,
                button: egui::PointerButton::Primary,
                pressed,
                modifiers: egui::Modifiers::NONE,
            });
            harness.step();
        }
    }

    #[test]
    fn fits_the_scene_and_reports_the_clicked_box() {
        let state = State {
            scene: scene(),
            view: DiagramView::default(),
            clicked: vec![],
        };
        let mut harness = egui_kittest::Harness::builder()
            .with_size(Vec2::new(800.0, 500.0))
            .build_ui_state(
                |ui, s: &mut State| {
                    if let Some(id) = diagram_ui(ui, &s.scene, &mut s.view, Some("111111111111")) {
                        s.clicked.push(id);
                    }
                },
                state,
            );
        harness.run_steps(3);
        // Fitted: the whole scene is inside the canvas, and scaled up.
        let v = &harness.state().view;
        let canvas = v.canvas;
        assert!(canvas.contains(v.to_screen(Point::new(0.0, 0.0))));
        assert!(canvas.contains(v.to_screen(Point::new(600.0, 300.0))));
        assert!(v.zoom > 1.0, "zoom {}", v.zoom);

        let target = v.to_screen(Point::new(450.0, 140.0));
        click(&mut harness, target);
        assert_eq!(harness.state().clicked, ["222222222222"]);

        // A click on empty canvas selects nothing.
        let empty = harness.state().view.to_screen(Point::new(300.0, 20.0));
        click(&mut harness, empty);
        assert_eq!(harness.state().clicked.len(), 1);
    }
}
