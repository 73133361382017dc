//! The SVG writer: a standalone SVG 1.1 document from a [`Scene`], with no
//! script and no external reference. Every piece of text goes through
//! [`escape`], since account names and tag values are whatever people typed.
//! Boxes are `<g class="node KIND" data-id=.. data-parent=..>` groups with a
//! `<title>` (the unabridged details, shown as a tooltip by browsers), so
//! the file stays inspectable and testable by parsing it as XML.

use std::fmt::Write;

use super::text::{FALLBACK_FAMILY, FONT_FAMILY};
use super::{Label, Scene, Style};

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
    out.push_str("<text");
    attr(out, "x", l.x);
    attr(out, "y", l.y);
    attr(out, "font-size", l.size);
    if l.bold {
        out.push_str(" font-weight=\"bold\"");
    }
    let _ = write!(out, " fill=\"{}\">", l.color.hex());
    escape_into(out, &l.text);
    out.push_str("</text>\n");
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
            out.push_str("<rect");
            attr(&mut out, "x", item.swatch.x);
            attr(&mut out, "y", item.swatch.y);
            attr(&mut out, "width", item.swatch.w);
            attr(&mut out, "height", item.swatch.h);
            let mut s = item.style;
            s.radius = s.radius.min(3.0);
            style_attrs(&mut out, &s);
            out.push_str("/>\n");
            label(&mut out, &item.label);
        }
        out.push_str("</g>\n");
    }

    if !scene.edges.is_empty() {
        let _ = writeln!(
            out,
            "<g class=\"edges\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.2\" stroke-linejoin=\"round\">",
            scene.edge_color.hex()
        );
        for e in &scene.edges {
            out.push_str("<polyline points=\"");
            for (i, p) in e.points.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                num(&mut out, p.x);
                out.push(',');
                num(&mut out, p.y);
            }
            out.push_str("\"/>\n");
        }
        out.push_str("</g>\n");
    }

    for (i, n) in scene.nodes.iter().enumerate() {
        let _ = write!(
            out,
            "<g class=\"node {}\" id=\"n{i}\" data-id=\"",
            n.kind.as_str()
        );
        escape_into(&mut out, &n.id);
        out.push('"');
        if let Some(p) = n.parent {
            let _ = write!(out, " data-parent=\"n{p}\"");
        }
        out.push_str(">\n<title>");
        escape_into(&mut out, &n.details.join("\n"));
        out.push_str("</title>\n<rect");
        attr(&mut out, "x", n.rect.x);
        attr(&mut out, "y", n.rect.y);
        attr(&mut out, "width", n.rect.w);
        attr(&mut out, "height", n.rect.h);
        style_attrs(&mut out, &n.style);
        out.push_str("/>\n");
        for l in &n.labels {
            label(&mut out, l);
        }
        out.push_str("</g>\n");
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
