//! The innermost level of the network diagram: a subnet's box with its
//! instances, drawn one glyph per instance or, past the aggregation
//! threshold, summarized as "N × type" lines. Split from the container
//! layout in `mod.rs`, whose private types (`Ctx`, `SubnetG`, the colours)
//! it uses as a child module.

use super::super::layout::{self, Block, MUTED, TEXT};
use super::super::{Label, Node, NodeKind, Rect};
use super::*;
use crate::model::{Details, Resource};

pub(super) fn subnet_public(ctx: &Ctx, account_id: &str, subnet_id: &str) -> Option<bool> {
    match ctx
        .records
        .get(&(account_id, subnet_id))
        .map(|r| &r.details)
    {
        Some(Details::Subnet(s)) => Some(s.public),
        _ => None,
    }
}

/// "42 × t3.micro" lines (most common first) and a state summary line.
pub(super) fn aggregate(instances: &[&Resource]) -> (Vec<String>, String) {
    let mut types: BTreeMap<&str, usize> = BTreeMap::new();
    let mut states: BTreeMap<&str, usize> = BTreeMap::new();
    for r in instances {
        if let Details::Instance(i) = &r.details {
            *types.entry(i.instance_type.as_str()).or_insert(0) += 1;
            *states.entry(i.state.as_str()).or_insert(0) += 1;
        }
    }
    let mut types: Vec<(&str, usize)> = types.into_iter().collect();
    types.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let lines = types
        .into_iter()
        .map(|(t, n)| format!("{n} × {t}"))
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
    let (title, second, colours) = match record.map(|r| (r, &r.details)) {
        Some((r, Details::Subnet(s))) => (
            r.display_name().to_string(),
            format!(
                "{} · {} · {}",
                s.cidr_block,
                s.availability_zone,
                if s.public { "public" } else { "private" }
            ),
            if s.public { PUBLIC } else { PRIVATE },
        ),
        _ => (
            "(no subnet)".to_string(),
            "instances without a known subnet".to_string(),
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
        let (types, states) = aggregate(&g.instances);
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
        glyphs = instances.into_iter().map(instance_block).collect();
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
    )
}

pub(super) fn instance_block(r: &Resource) -> Block {
    let Details::Instance(i) = &r.details else {
        return Block::default();
    };
    let running = i.state == "running";
    let colours = if running { RUNNING } else { STOPPED };
    let inner = GLYPH_W - 2.0 * 6.0;
    let mut labels = vec![
        Label::fitted(r.display_name(), 11.0, true, TEXT, inner),
        Label::fitted(
            &format!("{} · {}", i.instance_type, i.state),
            10.0,
            false,
            if running { MUTED } else { STOPPED.1 },
            inner,
        ),
    ];
    let bottom = layout::stack(&mut labels, 6.0, 5.0);
    let mut details = vec![
        r.display_name().to_string(),
        format!("{} · {} · {}", r.id, i.instance_type, i.state),
    ];
    if let Some(ip) = &i.private_ip {
        details.push(format!("Private IP {ip}"));
    }
    if let Some(ip) = &i.public_ip {
        details.push(format!("Public IP {ip}"));
    }
    if let Some(az) = &i.availability_zone {
        details.push(format!("AZ {az}"));
    }
    if !i.security_groups.is_empty() {
        let sgs: Vec<String> = i
            .security_groups
            .iter()
            .map(|g| format!("{} ({})", g.id, g.name))
            .collect();
        details.push(format!("Security groups: {}", sgs.join(", ")));
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
