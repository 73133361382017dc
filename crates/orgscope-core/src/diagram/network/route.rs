//! The geometry of the network diagram's connectors, once every box is
//! placed: the plan's lines between box ids become polylines between the
//! boxes' borders, and each load balancer gets an arrow to each target
//! drawn.
//!
//! Peerings and spokes are shallow arcs (quadratic curves, sampled into the
//! polyline every renderer already draws) bowing to the upper side of
//! their chord: connectors from one box to several boxes of the same row
//! would be straight lines lying almost on top of each other; as arcs of
//! different lengths they bow by different heights and stay apart. A load
//! balancer's arrows are short and straight. Every connector starts where
//! it leaves its first box and ends where it enters its second, so none is
//! drawn across the boxes it connects, and control points are kept inside
//! the picture so no arc leaves it.

use std::collections::{BTreeMap, HashMap};

use super::super::{Edge, Point};
use super::*;

/// How far an arc bows out from its chord, as a share of the chord.
const BOW: f32 = 0.12;
/// Points an arc is sampled into.
const SAMPLES: usize = 24;

/// Add the connectors of `ctx.plan` to `body`, whose boxes are placed.
pub(super) fn connect(ctx: &Ctx, body: &mut Block) {
    let edges = {
        let mut index: HashMap<&str, usize> = HashMap::new();
        for (i, n) in body.nodes.iter().enumerate() {
            index.entry(n.id.as_str()).or_insert(i);
        }
        let bounds = Rect::new(0.0, 0.0, body.w, body.h);
        let rect = |i: usize| &body.nodes[i].rect;
        let mut edges = Vec::new();
        for line in &ctx.plan.lines {
            // Both ends are drawn by construction (a VPC of the tree, a
            // hub, a region box or a stub); a line to a box that is not
            // there would be a bug, and drawing nothing is its symptom.
            let (Some(&a), Some(&b)) = (index.get(line.from.as_str()), index.get(line.to.as_str()))
            else {
                continue;
            };
            let points = curve(rect(a), rect(b), &bounds, BOW);
            if points.len() < 2 {
                continue;
            }
            let mut e = Edge::new(&line.from, &line.to, points).styled(line.kind);
            if let Some(l) = &line.label {
                e = e.labeled_at(l, line.label_at);
            }
            edges.push(e);
        }
        edges.extend(targets(ctx, &index, body, &bounds));
        edges
    };
    body.edges.extend(edges);
}

/// The load balancers' arrows: to each target instance drawn, or — when
/// its subnet lists instances by type instead of drawing them — one arrow
/// to that subnet per load balancer, labelled with how many targets it
/// holds. A label (`HTTPS:443`) is written once per load balancer and
/// label, on its shortest arrow: ten arrows fanning out of one box with
/// the same words on each would bury the picture in text.
fn targets(ctx: &Ctx, index: &HashMap<&str, usize>, body: &Block, bounds: &Rect) -> Vec<Edge> {
    // (lb node, target node) → label; a subnet target counts its instances.
    let mut to_nodes: BTreeMap<(usize, usize), (String, usize)> = BTreeMap::new();
    for t in &ctx.plan.targets {
        let Some(&lb) = index.get(t.lb.as_str()) else {
            continue;
        };
        let node = index
            .get(t.instance.as_str())
            .copied()
            .filter(|&i| body.nodes[i].kind == NodeKind::Instance);
        match node {
            Some(i) => {
                to_nodes.insert((lb, i), (t.label.clone(), 0));
            }
            None => {
                let subnet = ctx
                    .records
                    .get(&(t.account.as_str(), t.instance.as_str()))
                    .and_then(|r| r.first(Rel::InSubnet))
                    .and_then(|s| index.get(s).copied())
                    .filter(|&i| body.nodes[i].kind == NodeKind::Subnet);
                if let Some(s) = subnet {
                    to_nodes.entry((lb, s)).or_insert((String::new(), 0)).1 += 1;
                }
            }
        }
    }
    let mut drawn: Vec<(usize, String, f32, Edge)> = Vec::new();
    for ((lb, to), (label, n)) in to_nodes {
        let (a, b) = (&body.nodes[lb].rect, &body.nodes[to].rect);
        let points = curve(a, b, bounds, 0.0);
        if points.len() < 2 {
            continue;
        }
        let len = (points[0].x - points[1].x).hypot(points[0].y - points[1].y);
        let label = if n > 0 {
            format!("× {n} target{}", if n == 1 { "" } else { "s" })
        } else {
            label
        };
        let e = Edge::new(&body.nodes[lb].id, &body.nodes[to].id, points).styled(EdgeKind::Target);
        drawn.push((lb, label, len, e));
    }
    // The shortest arrow of each (load balancer, label) carries the label.
    let mut best: HashMap<(usize, &str), (f32, usize)> = HashMap::new();
    for (i, (lb, label, len, _)) in drawn.iter().enumerate() {
        if label.is_empty() {
            continue;
        }
        let slot = best.entry((*lb, label.as_str())).or_insert((*len, i));
        if *len < slot.0 {
            *slot = (*len, i);
        }
    }
    let labelled: HashMap<usize, String> = best
        .into_iter()
        .map(|((_, label), (_, i))| (i, label.to_string()))
        .collect();
    drawn
        .into_iter()
        .enumerate()
        .map(|(i, (_, _, _, e))| match labelled.get(&i) {
            Some(l) => e.labeled_at(l, 0.55),
            None => e,
        })
        .collect()
}

/// The point where the curve `at` (over t in 0..1), inside `r` at `from`,
/// leaves it going toward `to`: scanned in steps, then bisected.
fn leave(at: &impl Fn(f32) -> Point, r: &Rect, from: f32, to: f32) -> f32 {
    let steps = 4 * SAMPLES;
    let mut inside = from;
    for k in 1..=steps {
        let t = from + (to - from) * k as f32 / steps as f32;
        if !r.contains(at(t)) {
            let mut outside = t;
            for _ in 0..24 {
                let mid = (inside + outside) / 2.0;
                if r.contains(at(mid)) {
                    inside = mid;
                } else {
                    outside = mid;
                }
            }
            return outside;
        }
        inside = t;
    }
    to
}

/// A connector from box `a` to box `b`: a quadratic arc bowing by `bow` ×
/// its chord to the upper side (straight when `bow` is 0), from where it
/// leaves `a` to where it enters `b`. Empty when the boxes overlap so much
/// that nothing of it would show.
fn curve(a: &Rect, b: &Rect, bounds: &Rect, bow: f32) -> Vec<Point> {
    let (p0, p2) = (a.center(), b.center());
    let (dx, dy) = (p2.x - p0.x, p2.y - p0.y);
    let len = dx.hypot(dy);
    if len < 1.0 || a.contains(p2) || b.contains(p0) {
        return Vec::new();
    }
    // The chord's normal pointing up (y grows down), or right when the
    // chord is vertical.
    let (mut nx, mut ny) = (dy / len, -dx / len);
    if ny > 0.0 || (ny.abs() < 1e-3 && nx < 0.0) {
        (nx, ny) = (-nx, -ny);
    }
    let c = Point::new(
        ((p0.x + p2.x) / 2.0 + nx * bow * len).clamp(bounds.x, bounds.right()),
        ((p0.y + p2.y) / 2.0 + ny * bow * len).clamp(bounds.y, bounds.bottom()),
    );
    let at = |t: f32| {
        let u = 1.0 - t;
        Point::new(
            u * u * p0.x + 2.0 * u * t * c.x + t * t * p2.x,
            u * u * p0.y + 2.0 * u * t * c.y + t * t * p2.y,
        )
    };
    let t0 = leave(&at, a, 0.0, 1.0);
    let t1 = leave(&at, b, 1.0, 0.0);
    if t1 <= t0 {
        return Vec::new();
    }
    if bow == 0.0 {
        return vec![at(t0), at(t1)];
    }
    (0..=SAMPLES)
        .map(|k| at(t0 + (t1 - t0) * k as f32 / SAMPLES as f32))
        .collect()
}
