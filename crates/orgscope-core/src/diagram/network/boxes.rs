//! The wiring's boxes: gateways straddling their VPC's top border, hubs in
//! their region, and the stubs of the "Outside this scope" group. Small
//! fixed-width boxes of two or three lines, like the instance glyphs of
//! `subnet.rs`, whose private helpers they share.
//!
//! A border box is centred on the VPC's top edge: the VPC's block grows by
//! half a box above the VPC, so the upper half lies in the region's inner
//! area (never on the region's header or a neighbour) and the lower half
//! beside the VPC's header, whose text is fitted to leave that corner free.

use super::super::layout::{self, Block, MUTED, TEXT};
use super::super::{Label, Node, NodeKind, Rect};
use super::plan::Tag;
use super::subnet::{is_up, short_label};
use super::*;

/// Widest box on a VPC's border (narrower when its text is short: a VPC
/// with a gateway, an endpoint and a tag should not double in width).
const BORDER_W: f32 = 140.0;
const BORDER_MIN_W: f32 = 72.0;
/// Text sizes on a border box.
const BORDER_SIZES: (f32, f32) = (10.5, 9.5);
/// Width of a hub.
const HUB_W: f32 = 230.0;
/// Width of a stub.
const STUB_W: f32 = 220.0;
/// Inner padding of the small boxes.
const INSET: f32 = 6.0;

/// The width of one border box: its text's, within bounds.
fn tag_width(t: &Tag) -> f32 {
    let text = t
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let (size, bold) = if i == 0 {
                (BORDER_SIZES.0, true)
            } else {
                (BORDER_SIZES.1, false)
            };
            super::super::text::text_width(l, size, bold)
        })
        .fold(0.0, f32::max);
    (text + 2.0 * INSET).ceil().clamp(BORDER_MIN_W, BORDER_W)
}

/// The width `tags` take side by side on a border, `None` for none.
pub(super) fn border_width(tags: &[Tag]) -> Option<f32> {
    (!tags.is_empty())
        .then(|| tags.iter().map(tag_width).sum::<f32>() + (tags.len() - 1) as f32 * GAP)
}

/// A gateway's (or gateway endpoint's) border box: glyph and name, then
/// its label field and state.
pub(super) fn border_tag(ctx: &Ctx, r: &Resource) -> Tag {
    let glyph = r.kind.def().draw.boxed().map_or("", |(g, _)| g);
    let label_field = r.kind.def().draw.boxed().map_or("", |(_, l)| l);
    let label = field(r, label_field).text().into_owned();
    let state = field(r, "state").text().into_owned();
    let mut facts: Vec<&str> = Vec::new();
    // An endpoint says which service; a gateway's label is its state.
    if label_field != "state" && !label.is_empty() {
        facts.push(short_label(&label));
    }
    if !state.is_empty() {
        facts.push(&state);
    }
    let mut details = vec![
        r.display_name().to_string(),
        format!("{} {}", r.kind.singular(), r.id),
    ];
    if !label.is_empty() && label_field != "state" {
        details.push(label.clone());
    }
    if !state.is_empty() {
        details.push(format!("State {state}"));
    }
    if let Some(notes) = ctx.plan.notes.get(&r.id) {
        details.extend(notes.iter().cloned());
    }
    Tag {
        id: r.id.clone(),
        lines: vec![format!("{glyph} {}", r.display_name()), facts.join(" · ")],
        details,
        up: state.is_empty() || is_up(&state),
    }
}

/// A small box of `tag`'s lines (the first bold), `w` wide.
fn small_block(
    tag: &Tag,
    kind: NodeKind,
    w: f32,
    style: Style,
    sizes: (f32, f32),
    pad_y: f32,
) -> Block {
    let inner = w - 2.0 * INSET;
    let mut labels: Vec<Label> = tag
        .lines
        .iter()
        .enumerate()
        .filter(|(_, t)| !t.is_empty())
        .map(|(i, t)| {
            if i == 0 {
                Label::fitted(t, sizes.0, true, TEXT, inner)
            } else {
                Label::fitted(t, sizes.1, false, MUTED, inner)
            }
        })
        .collect();
    let bottom = layout::stack(&mut labels, INSET, pad_y);
    let h = (bottom + pad_y).ceil();
    Block {
        w,
        h,
        nodes: vec![Node {
            id: tag.id.clone(),
            kind,
            rect: Rect::new(0.0, 0.0, w, h),
            style,
            labels,
            parent: None,
            details: tag.details.clone(),
        }],
        ..Block::default()
    }
}

/// `vpc` (a VPC's block, its box first) with `tags` on its top border,
/// right-aligned: the block grows by half a border box above the VPC, each
/// tag's vertical centre on the VPC's top edge. The tags' parent is the VPC.
pub(super) fn with_border(ctx: &Ctx, vpc: Block, tags: &[Tag]) -> Block {
    let Some(total) = border_width(tags) else {
        return vpc;
    };
    let blocks: Vec<Block> = tags
        .iter()
        .map(|t| {
            let s = if t.up {
                style(NETWORK, 1.5, false)
            } else {
                style(STOPPED, 1.2, true)
            };
            if !t.up {
                ctx.down.set(true);
            }
            small_block(t, NodeKind::Gateway, tag_width(t), s, BORDER_SIZES, 4.0)
        })
        .collect();
    let band = (blocks.iter().map(|b| b.h).fold(0.0, f32::max) / 2.0).ceil();
    let mut out = Block {
        w: vpc.w,
        h: vpc.h + band,
        ..Block::default()
    };
    let w = vpc.w;
    out.absorb(vpc, 0.0, band, None);
    let mut x = w - PAD - total;
    for b in blocks {
        let bw = b.w;
        let y = band - b.h / 2.0;
        out.absorb(b, x, y, Some(0));
        x += bw + GAP;
    }
    out
}

/// A hub's box: glyph and name, id and label field (ASN), then what the
/// plan says of its spokes (how many, folded or not).
pub(super) fn hub_block(ctx: &Ctx, r: &Resource) -> Block {
    let (glyph, label_field) = r.kind.def().draw.boxed().unwrap_or(("", ""));
    let label = field(r, label_field).text().into_owned();
    let state = field(r, "state").text().into_owned();
    let name_of = |f: &str| {
        r.kind
            .def()
            .field_index(f)
            .map(|i| r.kind.def().fields[i].label)
    };
    let mut second = r.id.clone();
    if !label.is_empty() {
        second.push_str(&format!(
            " · {} {label}",
            name_of(label_field).unwrap_or("")
        ));
    }
    let mut lines = vec![format!("{glyph} {}", r.display_name()), second.clone()];
    let mut details = vec![r.display_name().to_string(), second];
    let owner = field(r, "owner").text().into_owned();
    if !owner.is_empty() && owner != r.account_id {
        lines.push(format!("owned by {owner}"));
    }
    if !state.is_empty() {
        details.push(format!("State {state}"));
    }
    if let Some(extra) = ctx.plan.hub_lines.get(&r.id) {
        lines.extend(extra.iter().cloned());
    }
    if let Some(notes) = ctx.plan.notes.get(&r.id) {
        details.extend(notes.iter().cloned());
    }
    let up = state.is_empty() || is_up(&state);
    if !up {
        ctx.down.set(true);
    }
    let s = if up {
        style(HUB, 2.0, false)
    } else {
        style(STOPPED, 1.5, true)
    };
    let tag = Tag {
        id: r.id.clone(),
        lines,
        details,
        up,
    };
    // More room around the text than a glyph: a hub is the centre of its
    // spokes and should read as a place.
    small_block(&tag, NodeKind::Hub, HUB_W, s, (12.0, 10.0), 8.0)
}

/// The "Outside this scope" group: one stub per far end the scope does not
/// draw, ordered by owner account.
pub(super) fn outside_block(ctx: &Ctx) -> Block {
    let stubs: Vec<Block> = ctx
        .plan
        .stubs
        .values()
        .map(|t| {
            let s = style(OUTSIDE, 1.2, true);
            small_block(t, NodeKind::External, STUB_W, s, (11.0, 10.0), 5.0)
        })
        .collect();
    let n = stubs.len();
    container(
        "outside".to_string(),
        NodeKind::Outside,
        style(OUTSIDE, 1.5, true),
        vec![
            ("Outside this scope".to_string(), 14.0, true, TEXT),
            (
                "far ends of peerings and attachments".to_string(),
                11.0,
                false,
                MUTED,
            ),
        ],
        vec![
            "Outside this scope".to_string(),
            format!(
                "{n} far ends of peerings and Transit Gateway attachments that the scope does not draw"
            ),
        ],
        vec![stubs],
        // Two stubs a row: the group stays a column beside the accounts.
        2.0 * STUB_W + GAP,
        220.0,
        0.0,
    )
}
