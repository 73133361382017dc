//! Placement and routing. The picture is one row of regions (the
//! organization with its OUs nested inside, then the outside group); inside
//! a region, its own items stand in columns, followed by its child regions,
//! side by side. Nothing is ever below anything else except within a
//! column, and every column has a free *channel* on its right. That makes
//! routing simple and clean: an edge leaves its box on the right, runs in
//! its column's channel down to a *bus* lane under the whole picture, along
//! it, and up the far column's channel into the far box (or straight along
//! the channel when both ends share a column). No line crosses a box that
//! is not a container of one of its ends, and no line runs over a region's
//! header.
//!
//! Lines of one *net* share lanes, so a Transit Gateway's spokes merge into
//! one trunk per column and one bus lane, as a hub is drawn on a whiteboard;
//! the same goes for a VPC peered with three or more others. Every other
//! edge gets lanes of its own. Lanes are 9 px apart, and the channels are
//! as wide as their lanes need.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;

use super::super::layout::{self, Block};
use super::super::{Edge, EdgeKind, Point, Rect};
use super::boxes::COL_W;
use super::fold::{DrawnEdge, Wire};

const LANE: f32 = 9.0;
const LANE_PAD: f32 = 10.0;
const ITEM_GAP: f32 = 12.0;
const GROUP_GAP: f32 = 16.0;
const BUS_GAP: f32 = 14.0;

/// A region before placement: its box (built by `boxes::region` around
/// whatever inner block it is given), its items in column order, and its
/// child regions.
pub struct Group {
    pub make: Box<dyn Fn(Block) -> Block>,
    pub items: Vec<Block>,
    pub children: Vec<Group>,
}

#[derive(Default)]
struct Columns {
    /// Node id → column, for every node of every item.
    col_of: HashMap<String, usize>,
    /// Per column, the id of its first item: its right edge is where the
    /// column's channel starts.
    first: Vec<String>,
}

/// Split item heights into columns no taller than `limit` (at least one
/// item each).
fn split(heights: &[f32], limit: f32) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut h = 0.0;
    for (i, &ih) in heights.iter().enumerate() {
        if i > start && h + ITEM_GAP + ih > limit {
            out.push(start..i);
            start = i;
            h = ih;
        } else {
            h += if i > start { ITEM_GAP + ih } else { ih };
        }
    }
    if start < heights.len() {
        out.push(start..heights.len());
    }
    out
}

fn place(g: &Group, limit: f32, chan: &[f32], cols: &mut Columns) -> Block {
    let mut inner = Block::default();
    let mut x = 0.0;
    let mut right: f32 = 0.0;
    let heights: Vec<f32> = g.items.iter().map(|b| b.h).collect();
    for range in split(&heights, limit) {
        let c = cols.first.len();
        let mut y = 0.0;
        for item in &g.items[range.clone()] {
            for n in &item.nodes {
                cols.col_of.insert(n.id.clone(), c);
            }
            inner.absorb(item.clone(), x, y, None);
            y += item.h + ITEM_GAP;
            inner.h = inner.h.max(y - ITEM_GAP);
        }
        let first = g.items[range.start]
            .nodes
            .first()
            .map(|n| n.id.clone())
            .unwrap_or_default();
        cols.first.push(first);
        x += COL_W + chan.get(c).copied().unwrap_or(2.0 * LANE_PAD);
        right = x;
    }
    for child in &g.children {
        let b = place(child, limit, chan, cols);
        let (w, h) = (b.w, b.h);
        inner.absorb(b, x, 0.0, None);
        inner.h = inner.h.max(h);
        right = x + w;
        x = right + GROUP_GAP;
    }
    inner.w = right;
    (g.make)(inner)
}

/// Lanes of one layout: which net each edge belongs to, each net's lane in
/// each column it touches, and its bus lane when it spans columns.
struct Lanes {
    net_of: Vec<usize>,
    lane: HashMap<(usize, usize), usize>,
    per_col: Vec<usize>,
    bus: HashMap<usize, usize>,
    n_bus: usize,
    /// (node, net) → port slot and slot count on the node's right side.
    port: HashMap<(String, usize), (usize, usize)>,
}

fn lanes(edges: &[DrawnEdge], cols: &Columns) -> Lanes {
    let mut deg: HashMap<&str, usize> = HashMap::new();
    for e in edges {
        *deg.entry(&e.from).or_default() += 1;
        *deg.entry(&e.to).or_default() += 1;
    }
    let d = |s: &str| deg.get(s).copied().unwrap_or(0);
    let mut keys: BTreeMap<String, usize> = BTreeMap::new();
    let mut net_of = Vec::with_capacity(edges.len());
    for (i, e) in edges.iter().enumerate() {
        let (a, b) = (e.from.as_str(), e.to.as_str());
        let key = match e.wire {
            // A spoke's far end is its hub.
            Wire::Spoke | Wire::Bundle => b.to_string(),
            Wire::HubPeering => format!("\u{0}edge {i}"),
            // Everything one account is trusted into leaves on one trunk.
            Wire::Trust | Wire::TrustRisk => format!("\u{0}from {a}"),
            Wire::Peering if d(a).max(d(b)) >= 3 => {
                let pick = if d(a) > d(b) || (d(a) == d(b) && a < b) {
                    a
                } else {
                    b
                };
                pick.to_string()
            }
            _ => format!("\u{0}edge {i}"),
        };
        let n = keys.len();
        net_of.push(*keys.entry(key).or_insert(n));
    }
    let n_nets = keys.len();
    let mut net_cols: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); n_nets];
    for (e, &net) in edges.iter().zip(&net_of) {
        for end in [&e.from, &e.to] {
            if let Some(&c) = cols.col_of.get(end) {
                net_cols[net].insert(c);
            }
        }
    }
    // Short spans nearest the picture: fewer crossings on the bus.
    let mut multi: Vec<usize> = (0..n_nets).filter(|&n| net_cols[n].len() > 1).collect();
    multi.sort_by_key(|&n| {
        let span =
            net_cols[n].last().copied().unwrap_or(0) - net_cols[n].first().copied().unwrap_or(0);
        (span, n)
    });
    let bus: HashMap<usize, usize> = multi.iter().enumerate().map(|(i, &n)| (n, i)).collect();
    let mut per_col = vec![0; cols.first.len()];
    let mut by_col: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (n, cs) in net_cols.iter().enumerate() {
        for &c in cs {
            by_col.entry(c).or_default().push(n);
        }
    }
    let mut lane = HashMap::new();
    for (c, mut nets) in by_col {
        // Nets that stay in the column hug it; the others are ordered as
        // their bus lanes, so inner lanes drop to inner bus lanes.
        nets.sort_by_key(|n| (bus.get(n).map_or(0, |b| b + 1), *n));
        if let Some(slot) = per_col.get_mut(c) {
            *slot = nets.len();
        }
        for (k, n) in nets.into_iter().enumerate() {
            lane.insert((c, n), k);
        }
    }
    let mut at_node: BTreeMap<&str, BTreeSet<(usize, usize)>> = BTreeMap::new();
    for (e, &net) in edges.iter().zip(&net_of) {
        for end in [&e.from, &e.to] {
            if let Some(&c) = cols.col_of.get(end) {
                let k = lane.get(&(c, net)).copied().unwrap_or(0);
                at_node.entry(end).or_default().insert((k, net));
            }
        }
    }
    let mut port = HashMap::new();
    for (node, nets) in at_node {
        let n = nets.len();
        for (slot, (_, net)) in nets.into_iter().enumerate() {
            port.insert((node.to_string(), net), (slot, n));
        }
    }
    Lanes {
        net_of,
        lane,
        per_col,
        bus,
        n_bus: multi.len(),
        port,
    }
}

/// The fraction of a route's length halfway along its last leg: where a
/// label names the connector nearest the box it points into, away from
/// the trunk it shares with its siblings.
fn last_leg(points: &[Point]) -> f32 {
    let seg = |a: &Point, b: &Point| ((b.x - a.x).powi(2) + (b.y - a.y).powi(2)).sqrt();
    let lens: Vec<f32> = points.windows(2).map(|w| seg(&w[0], &w[1])).collect();
    let total: f32 = lens.iter().sum();
    match lens.last() {
        Some(last) if total > 0.0 => (total - last / 2.0) / total,
        _ => 0.5,
    }
}

/// The regions side by side, then the routes under them.
fn row(groups: &[Group], limit: f32, chan: &[f32], cols: &mut Columns) -> Block {
    let mut body = Block::default();
    let mut x = 0.0;
    for g in groups {
        let b = place(g, limit, chan, cols);
        let (w, h) = (b.w, b.h);
        body.absorb(b, x, 0.0, None);
        body.w = x + w;
        body.h = body.h.max(h);
        x += w + 2.0 * GROUP_GAP;
    }
    body
}

/// Lay out `groups` with columns no taller than `limit` and route `edges`.
pub fn layout(groups: &[Group], edges: &[DrawnEdge], limit: f32) -> Block {
    // First pass: which column each box lands in (channel widths do not
    // change that), so the lanes can be counted; second pass: for real.
    let mut probe = Columns::default();
    let _ = row(groups, limit, &[], &mut probe);
    let lanes = lanes(edges, &probe);
    let chan: Vec<f32> = lanes
        .per_col
        .iter()
        .map(|&n| 2.0 * LANE_PAD + n as f32 * LANE)
        .collect();
    let mut cols = Columns::default();
    let mut body = row(groups, limit, &chan, &mut cols);

    let mut rects: HashMap<&str, Rect> = HashMap::new();
    for n in &body.nodes {
        rects.entry(n.id.as_str()).or_insert(n.rect);
    }
    let channel_x: Vec<f32> = cols
        .first
        .iter()
        .map(|id| rects.get(id.as_str()).map_or(0.0, |r| r.right()))
        .collect();
    let bus_top = body.h + BUS_GAP;
    let lane_x = |c: usize, net: usize| {
        let k = lanes.lane.get(&(c, net)).copied().unwrap_or(0);
        channel_x.get(c).copied().unwrap_or(0.0) + LANE_PAD + k as f32 * LANE + LANE / 2.0
    };
    let port = |id: &str, r: &Rect, net: usize| {
        let (slot, n) = lanes
            .port
            .get(&(id.to_string(), net))
            .copied()
            .unwrap_or((0, 1));
        Point::new(r.right(), r.y + r.h * (slot + 1) as f32 / (n + 1) as f32)
    };
    let mut routed = Vec::with_capacity(edges.len());
    for (e, &net) in edges.iter().zip(&lanes.net_of) {
        let (Some(ra), Some(rb)) = (rects.get(e.from.as_str()), rects.get(e.to.as_str())) else {
            continue;
        };
        let (Some(&ca), Some(&cb)) = (cols.col_of.get(&e.from), cols.col_of.get(&e.to)) else {
            continue;
        };
        let (pa, pb) = (port(&e.from, ra, net), port(&e.to, rb, net));
        let (xa, xb) = (lane_x(ca, net), lane_x(cb, net));
        let mut pts = vec![pa, Point::new(xa, pa.y)];
        if ca != cb {
            let y = bus_top + lanes.bus.get(&net).copied().unwrap_or(0) as f32 * LANE;
            pts.push(Point::new(xa, y));
            pts.push(Point::new(xb, y));
        }
        pts.push(Point::new(xb, pb.y));
        pts.push(pb);
        // Styled connectors are drawn over the OU and account boxes their
        // ends sit in (plain ones go under every box and would vanish).
        // Bundles are not labelled: the fold box already says how many.
        let kind = match e.wire {
            Wire::Peering | Wire::HubPeering => EdgeKind::Peering,
            Wire::Spoke => EdgeKind::Spoke,
            Wire::Bundle => EdgeKind::Bundle,
            Wire::Trust => EdgeKind::Trust,
            Wire::TrustRisk => EdgeKind::TrustRisk,
        };
        let pts = layout::dedup(pts);
        let at = last_leg(&pts);
        let edge = Edge::new(e.from.clone(), e.to.clone(), pts).styled(kind);
        routed.push(match &e.label {
            Some(text) => edge.labeled_at(text, at),
            None => edge,
        });
    }
    body.edges = routed;
    if lanes.n_bus > 0 {
        body.h = bus_top + (lanes.n_bus - 1) as f32 * LANE + 4.0;
    }
    body
}
