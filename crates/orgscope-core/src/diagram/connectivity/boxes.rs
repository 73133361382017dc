//! The boxes of the connectivity picture, each built at the origin with its
//! labels measured and fitted: VPCs, Transit Gateway hubs, stub VPCs nobody
//! collected, the summary boxes of folded VPCs and accounts, account boxes
//! stacking their VPCs, and the OU / organization / outside regions.

use super::super::layout::{self, Block, MUTED, PAD, TEXT};
use super::super::{Color, Label, Node, NodeKind, Rect, Style, text};

/// Width of every item of a column (an account, a summary box): one width
/// keeps the columns aligned and the picture deliberate.
pub const COL_W: f32 = 264.0;
/// Width of a box inside an account.
pub const INNER_W: f32 = COL_W - 2.0 * PAD;
const CHILD_GAP: f32 = 8.0;

/// One header or body line: text, size, bold, colour.
pub type Line = (String, f32, bool, Color);

pub const ROOT: (Color, Color) = (Color(0xf8, 0xfa, 0xfc), Color(0x33, 0x41, 0x55));
/// OU regions alternate two tints by depth, so nested OUs stay apart.
pub const OU: [(Color, Color); 2] = [
    (Color(0xee, 0xf2, 0xff), Color(0x63, 0x66, 0xf1)),
    (Color(0xe0, 0xe7, 0xff), Color(0x63, 0x66, 0xf1)),
];
pub const OUTSIDE: (Color, Color) = (Color(0xfa, 0xfa, 0xf9), Color(0x78, 0x71, 0x6c));
pub const ACCOUNT: (Color, Color) = (Color(0xff, 0xff, 0xff), Color(0xe7, 0x15, 0x7b));
pub const FOREIGN: (Color, Color) = (Color(0xff, 0xff, 0xff), Color(0x78, 0x71, 0x6c));
pub const VPC: (Color, Color) = (Color(0xfa, 0xf7, 0xff), Color(0x8c, 0x4f, 0xff));
pub const STUB: (Color, Color) = (Color(0xf8, 0xfa, 0xfc), Color(0x94, 0xa3, 0xb8));
pub const HUB: (Color, Color) = (Color(0x8c, 0x4f, 0xff), Color(0x5b, 0x21, 0xb6));
pub const HUB_TEXT: Color = Color(0xff, 0xff, 0xff);
pub const HUB_MUTED: Color = Color(0xed, 0xe9, 0xfe);
pub const FOLD: (Color, Color) = (Color(0xfd, 0xf2, 0xf8), Color(0xe7, 0x15, 0x7b));
pub const QUIET: (Color, Color) = (Color(0xf8, 0xfa, 0xfc), Color(0x94, 0xa3, 0xb8));

pub fn style((fill, stroke): (Color, Color), width: f32, dashed: bool, radius: f32) -> Style {
    Style {
        fill,
        stroke,
        stroke_width: width,
        dashed,
        radius,
    }
}

pub fn line(text: impl Into<String>, size: f32, bold: bool, color: Color) -> Line {
    (text.into(), size, bold, color)
}

/// A box of width `w` with `lines` stacked inside, at the origin.
pub fn leaf(
    id: String,
    kind: NodeKind,
    style: Style,
    lines: &[Line],
    details: Vec<String>,
    w: f32,
) -> Node {
    let inner = w - 2.0 * PAD;
    let mut labels: Vec<Label> = lines
        .iter()
        .map(|(t, s, b, c)| Label::fitted(t, *s, *b, *c, inner))
        .collect();
    let bottom = layout::stack(&mut labels, PAD, PAD - 2.0);
    Node {
        id,
        kind,
        rect: Rect::new(0.0, 0.0, w, (bottom + PAD - 2.0).ceil()),
        style,
        labels,
        parent: None,
        details,
    }
}

/// An item of a column: a box with header lines and leaf boxes stacked
/// under them.
pub fn stacked(
    id: String,
    kind: NodeKind,
    style: Style,
    lines: &[Line],
    details: Vec<String>,
    children: Vec<Node>,
) -> Block {
    let mut top = leaf(id, kind, style, lines, details, COL_W);
    let mut inner = Block::default();
    let mut y = 0.0;
    for c in children {
        let h = c.rect.h;
        inner.absorb(
            Block {
                nodes: vec![c],
                ..Block::default()
            },
            0.0,
            y,
            None,
        );
        y += h + CHILD_GAP;
    }
    let header = top.rect.h;
    let h = if inner.nodes.is_empty() {
        header
    } else {
        header + 2.0 + y - CHILD_GAP + PAD
    };
    top.rect.h = h.ceil();
    let mut block = Block {
        w: COL_W,
        h: top.rect.h,
        nodes: vec![top],
        ..Block::default()
    };
    block.absorb(inner, PAD, header + 2.0, Some(0));
    block
}

/// A region (OU, the organization, the outside group) around `inner`,
/// which is laid out already at its own origin.
pub fn region(
    id: String,
    kind: NodeKind,
    style: Style,
    lines: &[Line],
    details: Vec<String>,
    inner: Block,
) -> Block {
    let natural = lines
        .iter()
        .map(|(t, s, b, _)| text::text_width(t, *s, *b))
        .fold(0.0, f32::max);
    // Headers widen a region up to a point; past it they are ellipsized
    // (the details keep the full text).
    let inner_w = inner.w.max(natural.min(360.0)).max(200.0).ceil();
    let mut labels: Vec<Label> = lines
        .iter()
        .map(|(t, s, b, c)| Label::fitted(t, *s, *b, *c, inner_w))
        .collect();
    let top = layout::stack(&mut labels, PAD, PAD - 2.0) + 6.0;
    let w = inner_w + 2.0 * PAD;
    let h = (top + inner.h + PAD).ceil();
    let mut block = Block {
        w,
        h,
        nodes: vec![Node {
            id,
            kind,
            rect: Rect::new(0.0, 0.0, w, h),
            style,
            labels,
            parent: None,
            details,
        }],
        ..Block::default()
    };
    block.absorb(inner, PAD, top, Some(0));
    block
}

/// `a, b, c +4 more` from a sorted list of names, the first `n` named.
pub fn some_names(names: &[&str], n: usize) -> String {
    let mut s = names.iter().take(n).copied().collect::<Vec<_>>().join(", ");
    if names.len() > n {
        s.push_str(&format!(" +{} more", names.len() - n));
    }
    s
}

/// `1 VPC` / `3 VPCs`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub fn text_colour() -> (Color, Color) {
    (TEXT, MUTED)
}
