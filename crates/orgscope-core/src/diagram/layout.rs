//! Building blocks shared by the org and network layouts: a [`Block`] is a
//! laid-out piece of diagram in its own coordinates that a parent can move
//! and absorb; rows wrap at a width limit; the scene frame adds the title and
//! legend; and the overall width limit is picked among a few candidates for
//! the most screen- and page-like aspect ratio.

use std::ops::Range;

use super::{Color, Edge, EdgeKind, Label, LegendItem, Node, Point, Rect, Scene, Style, text};

pub const TEXT: Color = Color(0x0f, 0x17, 0x2a);
pub const MUTED: Color = Color(0x47, 0x55, 0x69);
pub const EDGE: Color = Color(0x94, 0xa3, 0xb8);
pub const MARGIN: f32 = 24.0;
/// Inner padding of every box.
pub const PAD: f32 = 8.0;

/// Aspect ratio (width / height) layouts aim for: a 16:9 screen or slide,
/// where these diagrams are mostly shown.
const TARGET_ASPECT: f32 = 16.0 / 9.0;

/// A path into a block for a parent's connector: starts on the block's top
/// edge (y = 0) and ends at the box it connects to.
#[derive(Debug, Clone)]
pub struct Entry {
    pub to: String,
    pub path: Vec<Point>,
}

/// A laid-out piece of diagram with its origin at its top left.
#[derive(Debug, Clone, Default)]
pub struct Block {
    pub w: f32,
    pub h: f32,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    pub entries: Vec<Entry>,
}

impl Block {
    /// Move everything of `child` by (dx, dy) into this block. Parent indices
    /// of the child's nodes are rebased; its top-level boxes get `parent`.
    pub fn absorb(&mut self, child: Block, dx: f32, dy: f32, parent: Option<usize>) {
        let base = self.nodes.len();
        for mut n in child.nodes {
            n.rect.translate(dx, dy);
            for l in &mut n.labels {
                l.x += dx;
                l.y += dy;
            }
            n.parent = match n.parent {
                Some(p) => Some(p + base),
                None => parent,
            };
            self.nodes.push(n);
        }
        for mut e in child.edges {
            for p in &mut e.points {
                p.x += dx;
                p.y += dy;
            }
            if let Some(l) = &mut e.label {
                l.x += dx;
                l.y += dy;
            }
            self.edges.push(e);
        }
    }
}

/// Greedy rows: items go left to right until the next would pass `max_w`
/// (a row always takes at least one item).
pub fn wrap_rows(widths: &[f32], max_w: f32, gap: f32) -> Vec<Range<usize>> {
    let mut rows = Vec::new();
    let mut start = 0;
    let mut w = 0.0;
    for (i, &iw) in widths.iter().enumerate() {
        if i > start && w + gap + iw > max_w {
            rows.push(start..i);
            start = i;
            w = iw;
        } else {
            w += if i > start { gap + iw } else { iw };
        }
    }
    if start < widths.len() {
        rows.push(start..widths.len());
    }
    rows
}

/// Lay out with each candidate width limit and keep the block whose aspect
/// ratio is closest to [`TARGET_ASPECT`] (ties: the narrower limit). Layout
/// is cheap next to drawing, so trying a handful is affordable.
pub fn best_of(candidates: &[f32], layout: impl Fn(f32) -> Block) -> Block {
    let mut best: Option<(f32, Block)> = None;
    for &limit in candidates {
        let b = layout(limit);
        let aspect = (b.w.max(1.0) / b.h.max(1.0)).ln();
        let score = (aspect - TARGET_ASPECT.ln()).abs();
        let better = best.as_ref().is_none_or(|(s, _)| score < *s - 1e-3);
        if better {
            best = Some((score, b));
        }
        // Once everything fits on one row, wider limits change nothing.
    }
    best.map(|(_, b)| b).unwrap_or_default()
}

/// Stack lines top-down from `top` at `x`, returning the y below the last.
pub fn stack(lines: &mut [Label], x: f32, top: f32) -> f32 {
    let mut y = top;
    for l in lines.iter_mut() {
        let line_h = (l.size * 1.3).round();
        l.x = x;
        // DejaVu's ascent is ~0.93 em; centre the glyphs in the line box.
        l.y = y + (line_h + l.size * 0.7) / 2.0;
        y += line_h;
    }
    y
}

/// Height of a stack of lines (what [`stack`] would advance).
pub fn stack_height(sizes: &[f32]) -> f32 {
    sizes.iter().map(|s| (s * 1.3).round()).sum()
}

/// A horizontal orthogonal route helper: drop duplicate consecutive points
/// so polylines stay minimal.
pub fn dedup(points: Vec<Point>) -> Vec<Point> {
    let mut out: Vec<Point> = Vec::with_capacity(points.len());
    for p in points {
        if out
            .last()
            .is_none_or(|q| (q.x - p.x).abs() > 0.01 || (q.y - p.y).abs() > 0.01)
        {
            out.push(p);
        }
    }
    out
}

/// Put a title, a subtitle and the legend above `body` and return the scene.
pub fn frame(body: Block, title: &str, subtitle: &str, legend: Vec<(Style, String)>) -> Scene {
    frame_with_lines(body, title, subtitle, legend, Vec::new())
}

/// [`frame`] with connector kinds in the legend too, after the boxes: a
/// short stretch of each connector and its meaning.
pub fn frame_with_lines(
    body: Block,
    title: &str,
    subtitle: &str,
    legend: Vec<(Style, String)>,
    lines: Vec<(EdgeKind, String)>,
) -> Scene {
    let min_w = 640.0;
    let inner_w = body.w.max(min_w);
    let mut texts = vec![Label::fitted(title, 18.0, true, TEXT, inner_w)];
    texts.extend(
        wrap_at_dots(subtitle, 12.0, inner_w, 3)
            .iter()
            .map(|line| Label::fitted(line, 12.0, false, MUTED, inner_w)),
    );
    let mut y = stack(&mut texts, MARGIN, MARGIN);

    // Legend: one row of swatches, wrapped at the body width.
    let sw = 14.0;
    // A connector's swatch is longer: a dash pattern needs room to show.
    let line_w = 28.0;
    let size = 11.0;
    let gap = 18.0;
    // The style of a line's entry is what a box swatch would be, unused by
    // renderers (they draw the line): white with the line's colour.
    let line_style = |kind: EdgeKind| Style {
        fill: Color::WHITE,
        stroke: kind.stroke(EDGE).color,
        stroke_width: kind.stroke(EDGE).width,
        dashed: kind.stroke(EDGE).dash.is_some(),
        radius: 0.0,
    };
    let items: Vec<(Style, Option<EdgeKind>, Label)> = legend
        .into_iter()
        .map(|(style, text)| (style, None, text))
        .chain(
            lines
                .into_iter()
                .map(|(kind, text)| (line_style(kind), Some(kind), text)),
        )
        .map(|(style, line, text)| (style, line, Label::fitted(&text, size, false, TEXT, 320.0)))
        .collect();
    let swatch_w = |line: &Option<EdgeKind>| if line.is_some() { line_w } else { sw };
    let widths: Vec<f32> = items
        .iter()
        .map(|(_, line, l)| swatch_w(line) + 6.0 + l.width)
        .collect();
    let mut legend_items = Vec::new();
    if !items.is_empty() {
        y += 8.0;
        let rows = wrap_rows(&widths, inner_w, gap);
        let mut items = items.into_iter();
        for row in rows {
            let mut x = MARGIN;
            for i in row {
                let Some((style, line, label)) = items.next() else {
                    break;
                };
                let w = swatch_w(&line);
                let swatch = Rect::new(x, y, w, sw);
                let label = label.at(x + w + 6.0, y + sw / 2.0 + size * 0.35);
                legend_items.push(LegendItem {
                    swatch,
                    style,
                    label,
                    line,
                });
                x += widths[i] + gap;
            }
            y += sw + 8.0;
        }
    }
    let top = y + 16.0;
    let mut scene_block = Block::default();
    let body_w = body.w;
    let body_h = body.h;
    scene_block.absorb(body, MARGIN, top, None);
    Scene {
        width: (MARGIN * 2.0 + inner_w.max(body_w)).ceil(),
        height: (top + body_h + MARGIN).ceil(),
        background: Color::WHITE,
        edge_color: EDGE,
        texts,
        nodes: scene_block.nodes,
        edges: scene_block.edges,
        legend: legend_items,
    }
}

/// `text` broken into at most `max_lines` lines of `width`, between its
/// ` · `-separated parts (a subtitle of counts reads best broken there);
/// the last line is ellipsized by its label if it still does not fit.
fn wrap_at_dots(text: &str, size: f32, width: f32, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for part in text.split(" · ") {
        let joined = if current.is_empty() {
            part.to_string()
        } else {
            format!("{current} · {part}")
        };
        if current.is_empty()
            || lines.len() + 1 >= max_lines
            || text::text_width(&joined, size, false) <= width
        {
            current = joined;
        } else {
            lines.push(std::mem::replace(&mut current, part.to_string()));
        }
    }
    lines.push(current);
    lines
}

/// Widest of the given measured strings, for sizing boxes to their content.
pub fn widest<'a>(items: impl IntoIterator<Item = (&'a str, f32, bool)>) -> f32 {
    items
        .into_iter()
        .map(|(t, size, bold)| text::text_width(t, size, bold))
        .fold(0.0, f32::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_subtitle_breaks_between_its_parts() {
        let short = "test · 2 instances in 1 VPCs · collected now";
        assert_eq!(wrap_at_dots(short, 12.0, 640.0, 3), [short]);
        let w = text::text_width("aaaa · bbbb", 12.0, false) + 1.0;
        assert_eq!(
            wrap_at_dots("aaaa · bbbb · cccc · dddd · eeee", 12.0, w, 2),
            ["aaaa · bbbb", "cccc · dddd · eeee"]
        );
    }

    #[test]
    fn rows_wrap_at_the_limit_and_never_come_out_empty() {
        assert_eq!(wrap_rows(&[10.0, 10.0, 10.0], 25.0, 2.0), vec![0..2, 2..3]);
        assert_eq!(wrap_rows(&[50.0, 10.0], 25.0, 2.0), vec![0..1, 1..2]);
        assert!(wrap_rows(&[], 25.0, 2.0).is_empty());
    }
}
