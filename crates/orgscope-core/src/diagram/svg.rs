//! The SVG writer: a standalone SVG 1.1 document from a [`Scene`], with no
//! script and no external reference. Every piece of text goes through
//! [`escape`], since account names and tag values are whatever people typed.
//! Boxes are `<g class="node KIND" data-id=.. data-parent=..>` groups with a
//! `<title>` (the unabridged details, shown as a tooltip by browsers), so
//! the file stays inspectable and testable by parsing it as XML.
//! Connectors are polylines: plain ones (the org tree) in one `edges` group
//! under every box; styled ones (peering, spokes, load balancer targets) as
//! `<g class="edge KIND" data-from=.. data-to=..>` groups with their own
//! stroke, arrowhead and label, written between the container boxes and
//! the resource boxes ([`Scene::box_layers`]), followed by a copy of the
//! containers' names with a halo of their box's fill, so a connector
//! crossing a VPC never strikes its name through.

use std::fmt::Write;

use super::text::{FALLBACK_FAMILY, FONT_FAMILY};
use super::{Edge, Label, LegendItem, Node, Point, Scene, Style};

/// Text made safe for XML character data and attribute values. Characters
/// XML 1.0 forbids (most C0 controls) become U+FFFD rather than breaking the
/// document.
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
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

/// Write `v` with at most one decimal: short, and identical on every run.
fn num(out: &mut String, v: f32) {
    let r = (v * 10.0).round() / 10.0;
    if r == r.trunc() {
        let _ = write!(out, "{}", r as i64);
    } else {
        let _ = write!(out, "{r:.1}");
    }
}

fn attr(out: &mut String, name: &str, v: f32) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    num(out, v);
    out.push('"');
}

fn style_attrs(out: &mut String, s: &Style) {
    let _ = write!(
        out,
        " fill=\"{}\" stroke=\"{}\"",
        s.fill.hex(),
        s.stroke.hex()
    );
    attr(out, "stroke-width", s.stroke_width);
    if s.radius > 0.0 {
        attr(out, "rx", s.radius);
    }
    if s.dashed {
        out.push_str(" stroke-dasharray=\"5 3\"");
    }
}

fn label(out: &mut String, l: &Label) {
    text(out, l, None);
}

/// A label, with a halo (a stroke under the glyphs) of colour `halo`.
fn text(out: &mut String, l: &Label, halo: Option<super::Color>) {
    out.push_str("<text");
    attr(out, "x", l.x);
    attr(out, "y", l.y);
    attr(out, "font-size", l.size);
    if l.bold {
        out.push_str(" font-weight=\"bold\"");
    }
    let _ = write!(out, " fill=\"{}\"", l.color.hex());
    if let Some(h) = halo {
        let _ = write!(out, " stroke=\"{}\"", h.hex());
    }
    out.push('>');
    escape_into(out, &l.text);
    out.push_str("</text>\n");
}

fn points(out: &mut String, points: &[Point]) {
    for (i, p) in points.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        num(out, p.x);
        out.push(',');
        num(out, p.y);
    }
}

/// Stroke attributes of a connector or its legend swatch.
fn stroke_attrs(out: &mut String, stroke: &super::Stroke) {
    let _ = write!(out, " stroke=\"{}\"", stroke.color.hex());
    attr(out, "stroke-width", stroke.width);
    if let Some((dash, gap)) = stroke.dash {
        out.push_str(" stroke-dasharray=\"");
        num(out, dash);
        out.push(' ');
        num(out, gap);
        out.push('"');
    }
}

fn arrow(out: &mut String, tip: [Point; 3], stroke: &super::Stroke) {
    out.push_str("<polygon points=\"");
    points(out, &tip);
    let _ = writeln!(out, "\" fill=\"{}\" stroke=\"none\"/>", stroke.color.hex());
}

/// A box swatch, or a stretch of connector across the swatch's middle.
fn legend_swatch(out: &mut String, scene: &Scene, item: &LegendItem) {
    let r = &item.swatch;
    if let Some(kind) = item.line {
        let y = r.y + r.h / 2.0;
        let e = Edge::new("", "", vec![Point::new(r.x, y), Point::new(r.right(), y)]).styled(kind);
        let stroke = scene.stroke(&e);
        out.push_str("<polyline fill=\"none\" points=\"");
        points(out, &e.points);
        out.push('"');
        stroke_attrs(out, &stroke);
        out.push_str("/>\n");
        if let Some(tip) = e.arrow(&stroke) {
            arrow(out, tip, &stroke);
        }
        return;
    }
    out.push_str("<rect");
    attr(out, "x", r.x);
    attr(out, "y", r.y);
    attr(out, "width", r.w);
    attr(out, "height", r.h);
    let mut s = item.style;
    s.radius = s.radius.min(3.0);
    style_attrs(out, &s);
    out.push_str("/>\n");
}

/// A styled connector: its polyline, arrowhead and label over a white
/// backdrop, grouped with the ids of its two ends.
fn styled_edge(out: &mut String, scene: &Scene, e: &Edge) {
    let stroke = scene.stroke(e);
    let _ = write!(out, "<g class=\"edge {}\" data-from=\"", e.kind.as_str());
    escape_into(out, &e.from);
    out.push_str("\" data-to=\"");
    escape_into(out, &e.to);
    out.push_str("\">\n<polyline fill=\"none\" stroke-linejoin=\"round\" points=\"");
    points(out, &e.points);
    out.push('"');
    stroke_attrs(out, &stroke);
    out.push_str("/>\n");
    if let Some(tip) = e.arrow(&stroke) {
        arrow(out, tip, &stroke);
    }
    if let Some(l) = &e.label {
        backdrop(out, l, scene.background, 0.9);
        label(out, l);
    }
    out.push_str("</g>\n");
}

/// The backdrop of a connector's label.
fn backdrop(out: &mut String, l: &Label, fill: super::Color, opacity: f32) {
    let b = l.backdrop();
    out.push_str("<rect");
    attr(out, "x", b.x);
    attr(out, "y", b.y);
    attr(out, "width", b.w);
    attr(out, "height", b.h);
    let _ = write!(out, " rx=\"2\" fill=\"{}\"", fill.hex());
    if opacity < 1.0 {
        out.push_str(" fill-opacity=\"");
        num(out, opacity);
        out.push('"');
    }
    out.push_str("/>\n");
}

fn node(out: &mut String, i: usize, n: &Node) {
    let _ = write!(
        out,
        "<g class=\"node {}\" id=\"n{i}\" data-id=\"",
        n.kind.as_str()
    );
    escape_into(out, &n.id);
    out.push('"');
    if let Some(p) = n.parent {
        let _ = write!(out, " data-parent=\"n{p}\"");
    }
    out.push_str(">\n<title>");
    escape_into(out, &n.details.join("\n"));
    out.push_str("</title>\n<rect");
    attr(out, "x", n.rect.x);
    attr(out, "y", n.rect.y);
    attr(out, "width", n.rect.w);
    attr(out, "height", n.rect.h);
    style_attrs(out, &n.style);
    out.push_str("/>\n");
    for l in &n.labels {
        label(out, l);
    }
    out.push_str("</g>\n");
}

/// The scene as an SVG document.
pub fn to_svg(scene: &Scene) -> String {
    // ~400 bytes per box is a good first guess and saves regrowth.
    let mut out = String::with_capacity(2048 + scene.nodes.len() * 400 + scene.edges.len() * 120);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\"");
    attr(&mut out, "width", scene.width);
    attr(&mut out, "height", scene.height);
    out.push_str(" viewBox=\"0 0 ");
    num(&mut out, scene.width);
    out.push(' ');
    num(&mut out, scene.height);
    let _ = writeln!(
        out,
        "\" font-family=\"{FONT_FAMILY}, {FALLBACK_FAMILY}, sans-serif\">"
    );
    out.push_str("<rect x=\"0\" y=\"0\"");
    attr(&mut out, "width", scene.width);
    attr(&mut out, "height", scene.height);
    let _ = writeln!(out, " fill=\"{}\"/>", scene.background.hex());

    for t in &scene.texts {
        label(&mut out, t);
    }

    if !scene.legend.is_empty() {
        out.push_str("<g class=\"legend\">\n");
        for item in &scene.legend {
            legend_swatch(&mut out, scene, item);
            label(&mut out, &item.label);
        }
        out.push_str("</g>\n");
    }

    if scene.edges.iter().any(|e| !e.kind.is_styled()) {
        let _ = writeln!(
            out,
            "<g class=\"edges\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.2\" stroke-linejoin=\"round\">",
            scene.edge_color.hex()
        );
        for e in scene.edges.iter().filter(|e| !e.kind.is_styled()) {
            out.push_str("<polyline points=\"");
            points(&mut out, &e.points);
            out.push_str("\"/>\n");
        }
        out.push_str("</g>\n");
    }

    let (under, over) = scene.box_layers();
    for &i in &under {
        node(&mut out, i, &scene.nodes[i]);
    }
    if scene.has_links() {
        for e in scene.edges.iter().filter(|e| e.kind.is_styled()) {
            styled_edge(&mut out, scene, e);
        }
        // The containers' names again, over the connectors that cross them
        // (see `Scene::box_layers`), with a halo of their box's fill: a
        // crossing line breaks around the letters and stays visible
        // between the words.
        out.push_str(
            "<g class=\"names\" aria-hidden=\"true\" stroke-width=\"3\" stroke-linejoin=\"round\" paint-order=\"stroke\">\n",
        );
        for &i in &under {
            let n = &scene.nodes[i];
            for l in &n.labels {
                text(&mut out, l, Some(n.style.fill));
            }
        }
        out.push_str("</g>\n");
    }
    for &i in &over {
        node(&mut out, i, &scene.nodes[i]);
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_quotes_and_forbidden_controls() {
        assert_eq!(
            escape("a<b & \"c\" 'd'>\u{1}é"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;\u{FFFD}é"
        );
    }

    #[test]
    fn numbers_are_short_and_stable() {
        let mut s = String::new();
        num(&mut s, 12.0);
        s.push(' ');
        num(&mut s, 12.345);
        s.push(' ');
        num(&mut s, -0.04);
        assert_eq!(s, "12 12.3 0");
    }
}
