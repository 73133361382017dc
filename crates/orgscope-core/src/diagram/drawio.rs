//! draw.io export: a [`Scene`] as an uncompressed diagrams.net file
//! (mxGraph XML), so a person can open the picture in draw.io, move boxes
//! and have the connectors follow. Works for every diagram kind, since it
//! reads only the scene.
//!
//! Every scene node becomes one vertex cell whose geometry is relative to
//! its container's cell, as draw.io expects of `parent=`; containers are
//! `container=1` cells, so dragging an OU drags its accounts. Every scene
//! edge becomes one edge cell whose `source` and `target` are the cells of
//! the boxes it joins (when both are drawn), with the scene's route as
//! waypoints and the exit/entry points pinned where the scene has them. The
//! title, subtitle and legend become free text and swatch cells.
//!
//! Labels are plain text (`html=0`): names are whatever people typed, and
//! with HTML labels a name such as `<img src=x onerror=…>` would be markup
//! in draw.io. Every attribute goes through [`escape`]: XML's five
//! characters, line breaks and tabs as character references (an attribute
//! value's raw newline would be read back as a space), and characters XML
//! 1.0 forbids as U+FFFD — the SVG writer's rules.

use std::collections::HashMap;
use std::fmt::Write;

use super::text::FONT_FAMILY;
use super::{Label, Point, Rect, Scene, Style};

/// Text made safe for an XML attribute value, line breaks kept.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#xa;"),
            '\r' => out.push_str("&#xd;"),
            '\t' => out.push_str("&#x9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

/// At most one decimal: short, and identical on every run.
fn num(v: f32) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

fn geometry(out: &mut String, x: f32, y: f32, w: f32, h: f32) {
    let _ = write!(
        out,
        "<mxGeometry x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" as=\"geometry\"/>",
        num(x),
        num(y),
        num(w),
        num(h)
    );
}

fn shape_style(s: &Style) -> String {
    let mut st = String::new();
    if s.radius > 0.0 {
        let _ = write!(
            st,
            "rounded=1;absoluteArcSize=1;arcSize={};",
            num(s.radius * 2.0)
        );
    } else {
        st.push_str("rounded=0;");
    }
    let _ = write!(
        st,
        "fillColor={};strokeColor={};strokeWidth={};",
        s.fill.hex(),
        s.stroke.hex(),
        num(s.stroke_width)
    );
    if s.dashed {
        st.push_str("dashed=1;dashPattern=5 3;");
    }
    st
}

/// A free text cell for one scene label.
fn text_cell(out: &mut String, id: &str, l: &Label) {
    let style = format!(
        "text;html=0;whiteSpace=nowrap;align=left;verticalAlign=top;spacing=0;fontFamily={FONT_FAMILY};fontSize={};fontStyle={};fontColor={};",
        num(l.size),
        u8::from(l.bold),
        l.color.hex()
    );
    cell_open(out, id, &l.text, &style, "1");
    geometry(
        out,
        l.x,
        l.y - l.size * 0.95,
        l.width + l.size * 0.5,
        (l.size * 1.3).round(),
    );
    out.push_str("</mxCell>\n");
}

fn cell_open(out: &mut String, id: &str, value: &str, style: &str, parent: &str) {
    out.push_str("<mxCell id=\"");
    escape_into(out, id);
    out.push_str("\" value=\"");
    escape_into(out, value);
    out.push_str("\" style=\"");
    escape_into(out, style);
    out.push_str("\" vertex=\"1\" parent=\"");
    escape_into(out, parent);
    out.push_str("\">");
}

/// Where `p` lies on `r`, as draw.io's fractional exit/entry point.
fn anchor(r: &Rect, p: Point) -> (f32, f32) {
    let fx = if r.w > 0.0 { (p.x - r.x) / r.w } else { 0.5 };
    let fy = if r.h > 0.0 { (p.y - r.y) / r.h } else { 0.5 };
    (fx.clamp(0.0, 1.0), fy.clamp(0.0, 1.0))
}

fn point(out: &mut String, p: Point, role: Option<&str>) {
    let _ = write!(out, "<mxPoint x=\"{}\" y=\"{}\"", num(p.x), num(p.y));
    if let Some(r) = role {
        let _ = write!(out, " as=\"{r}\"");
    }
    out.push_str("/>");
}

/// The scene as a draw.io (diagrams.net) file.
pub fn to_drawio(scene: &Scene) -> String {
    let mut out = String::with_capacity(4096 + scene.nodes.len() * 600 + scene.edges.len() * 400);
    let name = scene.texts.first().map_or("orgscope", |t| t.text.as_str());
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<mxfile host=\"orgscope\" type=\"device\">\n<diagram id=\"orgscope\" name=\"");
    escape_into(&mut out, name);
    let _ = writeln!(
        out,
        "\">\n<mxGraphModel dx=\"0\" dy=\"0\" grid=\"0\" gridSize=\"10\" guides=\"1\" tooltips=\"1\" connect=\"1\" arrows=\"1\" fold=\"1\" page=\"0\" pageScale=\"1\" pageWidth=\"{}\" pageHeight=\"{}\" background=\"{}\" math=\"0\" shadow=\"0\">",
        num(scene.width),
        num(scene.height),
        scene.background.hex()
    );
    out.push_str("<root>\n<mxCell id=\"0\"/>\n<mxCell id=\"1\" parent=\"0\"/>\n");

    for (i, t) in scene.texts.iter().enumerate() {
        text_cell(&mut out, &format!("t{i}"), t);
    }
    for (i, item) in scene.legend.iter().enumerate() {
        let mut s = item.style;
        s.radius = s.radius.min(3.0);
        cell_open(&mut out, &format!("s{i}"), "", &shape_style(&s), "1");
        let r = item.swatch;
        geometry(&mut out, r.x, r.y, r.w, r.h);
        out.push_str("</mxCell>\n");
        text_cell(&mut out, &format!("l{i}"), &item.label);
    }

    // Which nodes are containers: they get `container=1` so their
    // contents move with them.
    let mut is_parent = vec![false; scene.nodes.len()];
    for n in &scene.nodes {
        if let Some(p) = n.parent.and_then(|p| is_parent.get_mut(p)) {
            *p = true;
        }
    }
    let mut cell_of: HashMap<&str, usize> = HashMap::new();
    for (i, n) in scene.nodes.iter().enumerate() {
        cell_of.entry(n.id.as_str()).or_insert(i);
        // Containers come before their contents; a parent index that does
        // not (a malformed scene) is drawn at the top level instead.
        let parent = n.parent.filter(|&p| p < i);
        let (px, py, parent_id) = match parent.and_then(|p| scene.nodes.get(p).map(|q| (p, q))) {
            Some((p, q)) => (q.rect.x, q.rect.y, format!("n{p}")),
            None => (0.0, 0.0, "1".to_string()),
        };
        let value: Vec<&str> = n.labels.iter().map(|l| l.text.as_str()).collect();
        let first = n.labels.first();
        let mut style = shape_style(&n.style);
        let (left, top) = first.map_or((8.0, 6.0), |l| {
            (l.x - n.rect.x, (l.y - l.size * 0.95 - n.rect.y).max(0.0))
        });
        let _ = write!(
            style,
            "whiteSpace=wrap;html=0;align=left;verticalAlign=top;spacing=0;spacingLeft={};spacingTop={};fontFamily={FONT_FAMILY};fontSize={};fontColor={};",
            num(left),
            num(top),
            num(first.map_or(12.0, |l| l.size)),
            first.map_or(n.style.stroke, |l| l.color).hex()
        );
        if is_parent[i] {
            style.push_str("container=1;collapsible=0;recursiveResize=0;");
        }
        cell_open(
            &mut out,
            &format!("n{i}"),
            &value.join("\n"),
            &style,
            &parent_id,
        );
        geometry(&mut out, n.rect.x - px, n.rect.y - py, n.rect.w, n.rect.h);
        out.push_str("</mxCell>\n");
    }

    for (i, e) in scene.edges.iter().enumerate() {
        let source = cell_of.get(e.from.as_str()).copied();
        let target = cell_of.get(e.to.as_str()).copied();
        // Stroked as the SVG and the screen stroke it (colour, width, dash,
        // arrow), from the scene's one resolution of the edge's kind.
        let stroke = scene.stroke(e);
        let mut style = format!(
            "edgeStyle=orthogonalEdgeStyle;rounded=0;html=0;startArrow=none;endArrow={};strokeColor={};strokeWidth={};",
            if stroke.arrow { "block" } else { "none" },
            stroke.color.hex(),
            num(stroke.width)
        );
        if let Some((dash, gap)) = stroke.dash {
            let _ = write!(style, "dashed=1;dashPattern={} {};", num(dash), num(gap));
        }
        let (first, last) = (e.points.first().copied(), e.points.last().copied());
        if let (Some(s), Some(p)) = (source.and_then(|s| scene.nodes.get(s)), first) {
            let (x, y) = anchor(&s.rect, p);
            let _ = write!(
                style,
                "exitX={};exitY={};exitDx=0;exitDy=0;",
                fraction(x),
                fraction(y)
            );
        }
        if let (Some(t), Some(p)) = (target.and_then(|t| scene.nodes.get(t)), last) {
            let (x, y) = anchor(&t.rect, p);
            let _ = write!(
                style,
                "entryX={};entryY={};entryDx=0;entryDy=0;",
                fraction(x),
                fraction(y)
            );
        }
        let _ = write!(out, "<mxCell id=\"e{i}\" value=\"");
        if let Some(l) = &e.label {
            escape_into(&mut out, &l.text);
        }
        out.push_str("\" style=\"");
        escape_into(&mut out, &style);
        out.push_str("\" edge=\"1\" parent=\"1\"");
        if let Some(s) = source {
            let _ = write!(out, " source=\"n{s}\"");
        }
        if let Some(t) = target {
            let _ = write!(out, " target=\"n{t}\"");
        }
        out.push_str("><mxGeometry relative=\"1\" as=\"geometry\">");
        if let Some(p) = first {
            point(&mut out, p, Some("sourcePoint"));
        }
        if let Some(p) = last {
            point(&mut out, p, Some("targetPoint"));
        }
        if e.points.len() > 2 {
            out.push_str("<Array as=\"points\">");
            for p in &e.points[1..e.points.len() - 1] {
                point(&mut out, *p, None);
            }
            out.push_str("</Array>");
        }
        out.push_str("</mxGeometry></mxCell>\n");
    }
    out.push_str("</root>\n</mxGraphModel>\n</diagram>\n</mxfile>\n");
    out
}

/// A fraction with three decimals at most.
fn fraction(v: f32) -> String {
    let r = (v * 1000.0).round() / 1000.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        let s = format!("{r:.3}");
        s.trim_end_matches('0').to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagram::{Color, Edge, Node, NodeKind};

    const HOSTILE: &str = "<&>\"' R&D\t\"core\" <script>\u{1}";

    fn style(fill: Color) -> Style {
        Style {
            fill,
            stroke: Color(1, 2, 3),
            stroke_width: 1.5,
            dashed: true,
            radius: 4.0,
        }
    }

    fn node(id: &str, rect: Rect, parent: Option<usize>, lines: &[&str]) -> Node {
        let labels = lines
            .iter()
            .enumerate()
            .map(|(i, t)| Label {
                text: t.to_string(),
                x: rect.x + 8.0,
                y: rect.y + 18.0 + 14.0 * i as f32,
                size: 12.0,
                bold: i == 0,
                color: Color(0x0f, 0x17, 0x2a),
                width: 50.0,
            })
            .collect();
        Node {
            id: id.into(),
            kind: NodeKind::Account,
            rect,
            style: style(Color::WHITE),
            labels,
            parent,
            details: vec![],
        }
    }

    fn scene() -> Scene {
        // Title and legend from the shared frame, so the test builds its
        // scene the way layouts do.
        let legend = vec![(style(Color(9, 9, 9)), "legend \"one\" & <two>".to_string())];
        let mut s = super::super::layout::frame(
            super::super::layout::Block::default(),
            HOSTILE,
            "subtitle",
            legend,
        );
        s.nodes = vec![
            node(
                "ou-1",
                Rect::new(20.0, 100.0, 500.0, 400.0),
                None,
                &[HOSTILE, "OU ou-1"],
            ),
            node(
                "111",
                Rect::new(40.0, 150.0, 200.0, 100.0),
                Some(0),
                &["a < b", "x"],
            ),
            node(
                "vpc-1",
                Rect::new(50.0, 190.0, 150.0, 40.0),
                Some(1),
                &["vpc & co"],
            ),
            node(
                "222",
                Rect::new(600.0, 150.0, 150.0, 80.0),
                None,
                &["'quoted'"],
            ),
        ];
        s.edges = vec![
            Edge::new(
                "vpc-1",
                "222",
                vec![
                    Point::new(200.0, 210.0),
                    Point::new(560.0, 210.0),
                    Point::new(560.0, 190.0),
                    Point::new(600.0, 190.0),
                ],
            ),
            // A far end that is not drawn: kept as a free connector.
            Edge::new(
                "ou-1",
                "gone",
                vec![Point::new(20.0, 100.0), Point::new(10.0, 90.0)],
            ),
        ];
        s
    }

    fn num_attr(n: roxmltree::Node, name: &str) -> f32 {
        n.attribute(name)
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no numeric {name} on {n:?}"))
    }

    #[test]
    fn every_box_and_connector_reads_back_with_its_text_and_ends() {
        let s = scene();
        let xml = to_drawio(&s);
        let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "mxfile");
        let model = root
            .descendants()
            .find(|n| n.has_tag_name("mxGraphModel"))
            .expect("a graph model");
        let cells: Vec<roxmltree::Node> = model
            .descendants()
            .filter(|n| n.has_tag_name("mxCell"))
            .collect();
        assert_eq!(cells[0].attribute("id"), Some("0"));
        assert_eq!(cells[1].attribute("id"), Some("1"));
        assert_eq!(cells[1].attribute("parent"), Some("0"));
        let by_id = |id: &str| {
            cells
                .iter()
                .find(|c| c.attribute("id") == Some(id))
                .copied()
                .unwrap_or_else(|| panic!("no cell {id}"))
        };
        // Text: the original, control character replaced, newline kept.
        let ou = by_id("n0");
        let want = format!("{}\nOU ou-1", HOSTILE.replace('\u{1}', "\u{FFFD}"));
        assert_eq!(ou.attribute("value"), Some(want.as_str()));
        assert!(
            ou.attribute("style")
                .is_some_and(|st| st.contains("container=1"))
        );
        assert!(
            ou.attribute("style")
                .is_some_and(|st| st.contains("dashed=1"))
        );
        assert_eq!(ou.attribute("vertex"), Some("1"));
        assert_eq!(ou.attribute("parent"), Some("1"));
        // Nested boxes: parent cell and geometry relative to it.
        let vpc = by_id("n2");
        assert_eq!(vpc.attribute("parent"), Some("n1"));
        assert_eq!(vpc.attribute("value"), Some("vpc & co"));
        let g = vpc.first_element_child().expect("geometry");
        assert_eq!((num_attr(g, "x"), num_attr(g, "y")), (10.0, 40.0));
        assert_eq!((num_attr(g, "width"), num_attr(g, "height")), (150.0, 40.0));
        assert!(
            by_id("n1")
                .attribute("style")
                .is_some_and(|st| st.contains("container=1"))
        );
        assert!(
            !by_id("n3")
                .attribute("style")
                .is_some_and(|st| st.contains("container=1"))
        );
        let vertices = cells.iter().filter(|c| c.attribute("vertex") == Some("1"));
        // Four boxes, title and subtitle, one legend swatch and its text.
        assert_eq!(vertices.count(), 4 + 2 + 2);
        let texts: Vec<&str> = cells
            .iter()
            .filter(|c| c.attribute("style").is_some_and(|s| s.starts_with("text;")))
            .filter_map(|c| c.attribute("value"))
            .collect();
        assert!(texts.contains(&"legend \"one\" & <two>"), "{texts:?}");
        assert!(
            texts.iter().any(|t| t.starts_with("<&>\"' R&D\t")),
            "{texts:?}"
        );

        let edges: Vec<&roxmltree::Node> = cells
            .iter()
            .filter(|c| c.attribute("edge") == Some("1"))
            .collect();
        assert_eq!(edges.len(), 2);
        assert_eq!(edges[0].attribute("source"), Some("n2"));
        assert_eq!(edges[0].attribute("target"), Some("n3"));
        let style = edges[0].attribute("style").unwrap_or("");
        assert!(style.contains("exitX=1;exitY=0.5;"), "{style}");
        assert!(style.contains("entryX=0;entryY=0.5;"), "{style}");
        let waypoints: Vec<(f32, f32)> = edges[0]
            .descendants()
            .filter(|n| n.has_tag_name("mxPoint") && n.attribute("as").is_none())
            .map(|p| (num_attr(p, "x"), num_attr(p, "y")))
            .collect();
        assert_eq!(waypoints, [(560.0, 210.0), (560.0, 190.0)]);
        // The connector to a box that is not drawn keeps its drawn end.
        assert_eq!(edges[1].attribute("source"), Some("n0"));
        assert_eq!(edges[1].attribute("target"), None);
        assert!(
            edges[1]
                .descendants()
                .any(|n| n.attribute("as") == Some("targetPoint"))
        );
    }

    #[test]
    fn output_is_stable_and_escapes_what_xml_forbids() {
        let s = scene();
        assert_eq!(to_drawio(&s), to_drawio(&s));
        assert_eq!(
            escape("a<b & \"c\" 'd'>\n\t\u{1}é"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;&#xa;&#x9;\u{FFFD}é"
        );
        assert!(!to_drawio(&s).contains("<script>"));
    }
}
