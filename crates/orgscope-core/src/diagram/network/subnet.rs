//! The innermost level of the network diagram: a subnet's box with its
//! nodes (instances), drawn one glyph per node or, past the aggregation
//! threshold, summarized as "N × type" lines. Split from the container
//! layout in `mod.rs`, whose private types (`Ctx`, `SubnetG`, the colours)
//! it uses as a child module.
//!
//! What a glyph says comes from its kind's descriptor: the `label` field of
//! its `Draw::Node` (an instance's type) is its second line and what
//! aggregation counts by, and its `state` field, when the kind has one,
//! says whether it is up; a kind without one is drawn plain. Compute
//! (instances) is orange; every other node kind is networking (NAT, load
//! balancer, endpoint, address): purple, its name prefixed with its glyph
//! (`NAT nat-0abc`), since they share a colour.

use std::borrow::Cow;

use super::super::layout::{self, Block, MUTED, TEXT};
use super::super::{Label, Node, NodeKind, Rect};
use super::*;
use crate::model::{Kind, Rel, Resource, Value};

/// The field a node's running state is read from.
const STATE: &str = "state";
/// The states drawn as up, across the node kinds' vocabularies: an
/// instance runs, a NAT gateway or endpoint is available, a load balancer
/// is active, an internet gateway attached. Anything else (stopped,
/// pending, failed, deleting, detached...) is drawn dashed grey.
const UP_STATES: [&str; 4] = ["running", "available", "active", "attached"];

/// Is `state` one of [`UP_STATES`]?
pub(super) fn is_up(state: &str) -> bool {
    UP_STATES.iter().any(|s| state.eq_ignore_ascii_case(s))
}

/// Compute, drawn orange without a glyph prefix; every other node kind is
/// networking.
pub(super) fn is_compute(kind: Kind) -> bool {
    kind == crate::model::kinds::INSTANCE
}

/// A label value as a glyph shows it: an AWS service name loses its
/// `com.amazonaws.REGION.` prefix (`s3`, `ssm`), which every endpoint
/// shares and which would push the part that differs out of the box.
pub(super) fn short_label(text: &str) -> &str {
    match text.strip_prefix("com.amazonaws.") {
        Some(rest) => rest.split_once('.').map_or(rest, |(_, service)| service),
        None => text,
    }
}
/// Fields listed, with their descriptor labels, in a node's hover details:
/// where it sits on the network. A kind without one of them skips it.
const HOVER_FIELDS: [&str; 3] = ["private_ip", "public_ip", "az"];

/// Where a node kind's glyph reads its text, resolved once per scene.
#[derive(Debug, Default)]
pub(super) struct NodeFields {
    /// The descriptor's label field (`instance_type`).
    label: Option<usize>,
    state: Option<usize>,
    /// (field index, label) of each of [`HOVER_FIELDS`] the kind has.
    hover: Vec<(usize, &'static str)>,
}

impl NodeFields {
    pub(super) fn of(kind: Kind) -> NodeFields {
        let def = kind.def();
        let state = def.field_index(STATE);
        NodeFields {
            label: def
                .draw
                .boxed()
                .and_then(|(_, label)| def.field_index(label)),
            state,
            hover: HOVER_FIELDS
                .iter()
                .filter_map(|n| def.field_index(n).map(|i| (i, def.fields[i].label)))
                .collect(),
        }
    }
}

fn value(r: &Resource, i: Option<usize>) -> &Value {
    i.and_then(|i| r.fields.get(i)).unwrap_or(&Value::Null)
}

/// A node's label (its type) and state values.
fn label_and_state<'r>(ctx: &Ctx, r: &'r Resource) -> (&'r Value, &'r Value) {
    let f = &ctx.nodes[r.kind.index()];
    (value(r, f.label), value(r, f.state))
}

pub(super) fn subnet_public(ctx: &Ctx, account_id: &str, subnet_id: &str) -> Option<bool> {
    match ctx.records.get(&(account_id, subnet_id)) {
        Some(r) if r.kind.def().draw == Draw::Subnet => {
            Some(field(r, "public").as_bool().unwrap_or(false))
        }
        _ => None,
    }
}

/// "42 × t3.micro" lines (most common first) and a state summary line.
/// When nodes of several kinds share the scope, each line names its kind's
/// glyph, so two kinds' equal labels are not added up.
pub(super) fn aggregate(ctx: &Ctx, nodes: &[&Resource]) -> (Vec<String>, String) {
    let mut types: BTreeMap<(Kind, Cow<str>), usize> = BTreeMap::new();
    let mut states: BTreeMap<Cow<str>, usize> = BTreeMap::new();
    for r in nodes {
        let (label, state) = label_and_state(ctx, r);
        *types.entry((r.kind, label.text())).or_insert(0) += 1;
        // A kind without a state says nothing; an empty state (EC2 did not
        // say) is counted, as it always was.
        if !state.is_null() {
            *states.entry(state.text()).or_insert(0) += 1;
        }
    }
    let mixed = types
        .keys()
        .any(|(k, _)| Some(*k) != nodes.first().map(|r| r.kind));
    let mut types: Vec<((Kind, Cow<str>), usize)> = types.into_iter().collect();
    types.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let lines = types
        .into_iter()
        .map(|((k, t), n)| {
            let t = short_label(&t);
            match k.def().draw.boxed() {
                Some((glyph, _)) if mixed => format!("{n} × {glyph} {t}"),
                _ => format!("{n} × {t}"),
            }
        })
        .collect();
    let states: Vec<String> = states
        .into_iter()
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    (lines, states.join(" · "))
}

pub(super) fn subnet_block(
    ctx: &Ctx,
    account_id: &str,
    vpc_id: &str,
    subnet_id: &str,
    g: &SubnetG,
) -> Block {
    let record = ctx.records.get(&(account_id, subnet_id)).copied();
    let (title, second, colours) = match record {
        Some(r) if r.kind.def().draw == Draw::Subnet => {
            let public = field(r, "public").as_bool().unwrap_or(false);
            (
                r.display_name().to_string(),
                format!(
                    "{} · {} · {}",
                    field(r, "cidr").text(),
                    field(r, "az").text(),
                    if public { "public" } else { "private" }
                ),
                if public { PUBLIC } else { PRIVATE },
            )
        }
        _ => (
            "(no subnet)".to_string(),
            "without a known subnet".to_string(),
            PRIVATE,
        ),
    };
    let id = if subnet_id.is_empty() {
        format!("{vpc_id}/no-subnet")
    } else {
        subnet_id.to_string()
    };
    let mut details = vec![title.clone(), format!("{subnet_id} · {second}")];
    let mut lines: Vec<Line> = vec![(title, 11.5, true, TEXT), (second, 10.0, false, MUTED)];
    let mut glyphs = Vec::new();
    if g.instances.len() > ctx.opts.aggregate_above {
        let (types, states) = aggregate(ctx, &g.instances);
        lines.push((
            format!("{} instances", g.instances.len()),
            11.0,
            true,
            RUNNING.1,
        ));
        for t in types.iter().take(5) {
            lines.push((t.clone(), 11.0, false, TEXT));
        }
        if types.len() > 5 {
            lines.push((
                format!("+ {} more types", types.len() - 5),
                10.0,
                false,
                MUTED,
            ));
        }
        lines.push((states.clone(), 10.0, false, MUTED));
        details.extend(types);
        details.push(states);
    } else {
        let mut instances = g.instances.clone();
        instances.sort_by(|a, b| (a.display_name(), &a.id).cmp(&(b.display_name(), &b.id)));
        glyphs = instances
            .into_iter()
            .map(|r| instance_block(ctx, r))
            .collect();
    }
    let limit = GLYPH_COLS as f32 * (GLYPH_W + GAP);
    let s = style(colours, 1.2, false);
    container(
        id,
        NodeKind::Subnet,
        s,
        lines,
        details,
        vec![glyphs],
        limit,
        200.0,
        0.0,
    )
}

/// One node's glyph: name, then label and state; the hover details add
/// its network facts and the groups it is a member of.
pub(super) fn instance_block(ctx: &Ctx, r: &Resource) -> Block {
    let stateful = ctx.nodes[r.kind.index()].state.is_some();
    let (label, state) = label_and_state(ctx, r);
    let (label, state) = (label.text(), state.text());
    let label = short_label(&label);
    // A kind without a state (an address) is drawn as running would be:
    // solid, nothing to warn about.
    let running = !stateful || is_up(&state);
    let compute = is_compute(r.kind);
    if !running && !compute {
        ctx.down.set(true);
    }
    let colours = match (running, compute) {
        (false, _) => STOPPED,
        (true, true) => RUNNING,
        (true, false) => NETWORK,
    };
    let facts = match (stateful, label.is_empty()) {
        (true, false) => format!("{label} · {state}"),
        (true, true) => state.to_string(),
        (false, _) => label.to_string(),
    };
    let name = match r.kind.def().draw.boxed() {
        Some((glyph, _)) if !compute => format!("{glyph} {}", r.display_name()),
        _ => r.display_name().to_string(),
    };
    let inner = GLYPH_W - 2.0 * 6.0;
    let mut labels = vec![
        Label::fitted(&name, 11.0, true, TEXT, inner),
        Label::fitted(
            &facts,
            10.0,
            false,
            if running { MUTED } else { STOPPED.1 },
            inner,
        ),
    ];
    let bottom = layout::stack(&mut labels, 6.0, 5.0);
    let mut details = vec![r.display_name().to_string(), format!("{} · {facts}", r.id)];
    for &(i, name) in &ctx.nodes[r.kind.index()].hover {
        if let Some(v) = r.fields.get(i).filter(|v| !v.is_null()) {
            details.push(format!("{name} {}", v.text()));
        }
    }
    // Membership edges grouped by the far end's kind, each under its label
    // ("Security groups: sg-1 (web)").
    let mut groups: BTreeMap<Option<Kind>, Vec<String>> = BTreeMap::new();
    for e in r.edges(Rel::MemberOf) {
        groups.entry(e.kind).or_default().push(match &e.name {
            Some(name) => format!("{} ({name})", e.to),
            None => e.to.clone(),
        });
    }
    for (kind, members) in groups {
        let title = kind.map_or("Member of", Kind::label);
        details.push(format!("{title}: {}", members.join(", ")));
    }
    if let Some(notes) = ctx.plan.notes.get(&r.id) {
        details.extend(notes.iter().cloned());
    }
    let h = (bottom + 5.0).ceil();
    Block {
        w: GLYPH_W,
        h,
        nodes: vec![Node {
            id: r.id.clone(),
            kind: NodeKind::Instance,
            rect: Rect::new(0.0, 0.0, GLYPH_W, h),
            style: style(colours, 1.2, !running),
            labels,
            parent: None,
            details,
        }],
        ..Block::default()
    }
}
