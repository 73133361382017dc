//! The org tree diagram: root, OUs and accounts as a tidy top-down tree.
//! Parents are centred over their children and no two boxes overlap. Wide
//! levels stay compact two ways: the accounts directly under a node are set
//! in columns hanging from spines (an OU of 300 accounts becomes a block of
//! ~12 columns, not a 70,000-pixel line), and when the children of a node
//! pass the width limit they wrap into rows fed by a spine on the left. The
//! limit itself is chosen for a page-like aspect ratio.

use std::collections::{BTreeSet, HashMap};

use super::layout::{self, Block, Entry, MUTED, PAD, TEXT};
use super::{Color, Edge, Label, Node, NodeKind, Point, Rect, Scene, Style};
use crate::cost::heat::{CLASSES, Heat, heat};
use crate::cost::{Month, money};
use crate::model::{Account, Estate, Kind, OrgUnit};

/// What to draw on the org tree.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrgOptions {
    /// Fill account boxes by the value of this account tag (e.g. `env`),
    /// with a legend of the values.
    pub color_by: Option<String>,
    /// Fill account boxes on a heat scale of their cost instead (and add
    /// a cost line to each), with a legend of the scale. Takes precedence
    /// over `color_by`.
    pub cost: Option<CostColours>,
}

/// Which month's costs colour the accounts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CostColours {
    /// `None`: the last full month.
    pub month: Option<Month>,
}

const H_GAP: f32 = 20.0;
const V_GAP: f32 = 36.0;
/// Room on the left of a wrapped block for the spine that feeds its rows.
const SPINE: f32 = 24.0;
/// Indent of an account box right of the spine of its column.
const INDENT: f32 = 18.0;
const ACC_GAP: f32 = 10.0;
const COL_GAP: f32 = 14.0;

const ROOT_FILL: Color = Color(0x1e, 0x29, 0x3b);
const OU_FILL: Color = Color(0xe0, 0xe7, 0xff);
const OU_STROKE: Color = Color(0x63, 0x66, 0xf1);
const ACC_FILL: Color = Color(0xff, 0xff, 0xff);
const ACC_STROKE: Color = Color(0x64, 0x74, 0x8b);
const SUSP_FILL: Color = Color(0xf1, 0xf5, 0xf9);
const SUSP_STROKE: Color = Color(0x94, 0xa3, 0xb8);
const SUSP_TEXT: Color = Color(0x64, 0x74, 0x8b);
const PARTIAL: Color = Color(0xc2, 0x41, 0x0c);

const NO_TAG_FILL: Color = Color(0xf8, 0xfa, 0xfc);

/// The cost heat scale, palest (cheapest) first: a sequential
/// yellow-orange-red ramp that reads as "more" in print and on screen,
/// with outlines a step darker so pale boxes keep an edge. Dark text stays
/// legible on every fill.
const HEAT: [(Color, Color); CLASSES] = [
    (Color(0xff, 0xf7, 0xbc), Color(0xca, 0xa5, 0x0a)),
    (Color(0xfe, 0xe3, 0x91), Color(0xd6, 0x9e, 0x00)),
    (Color(0xfe, 0xc4, 0x4f), Color(0xcc, 0x8a, 0x00)),
    (Color(0xfe, 0x99, 0x29), Color(0xc2, 0x57, 0x0c)),
    (Color(0xec, 0x70, 0x14), Color(0x9a, 0x34, 0x12)),
];

/// The grey of secondary lines, or a darker one on a dark fill: on the two
/// hottest cost classes the usual grey has a contrast of 2.3:1 and 3.6:1
/// (WCAG asks 4.5:1 for text); slate-800 gives 4.4:1 and 7:1 there, and the
/// paler fills keep the usual grey at 4.8:1 or more.
fn muted_on(fill: Color) -> Color {
    let channel = |c: u8| {
        let c = f32::from(c) / 255.0;
        if c <= 0.040_45 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance = 0.2126 * channel(fill.0) + 0.7152 * channel(fill.1) + 0.0722 * channel(fill.2);
    if luminance < 0.5 {
        Color(0x1e, 0x29, 0x3b)
    } else {
        MUTED
    }
}

/// Fills (and their outlines) for tag values, in legend order; values past
/// the palette share the last, "other" entry.
const PALETTE: [(Color, Color); 8] = [
    (Color(0xdb, 0xea, 0xfe), Color(0x3b, 0x82, 0xf6)),
    (Color(0xdc, 0xfc, 0xe7), Color(0x16, 0xa3, 0x4a)),
    (Color(0xfe, 0xf3, 0xc7), Color(0xd9, 0x77, 0x06)),
    (Color(0xfc, 0xe7, 0xf3), Color(0xdb, 0x27, 0x77)),
    (Color(0xed, 0xe9, 0xfe), Color(0x7c, 0x3a, 0xed)),
    (Color(0xcf, 0xfa, 0xfe), Color(0x08, 0x91, 0xb2)),
    (Color(0xff, 0xed, 0xd5), Color(0xea, 0x58, 0x0c)),
    (Color(0xe7, 0xe5, 0xe4), Color(0x78, 0x71, 0x6c)),
];

/// Candidate width limits; [`layout::best_of`] keeps the best aspect.
const LIMITS: [f32; 9] = [
    900.0, 1400.0, 2000.0, 2800.0, 4000.0, 5600.0, 8000.0, 11000.0, 16000.0,
];

struct Ctx<'a> {
    accounts: HashMap<&'a str, &'a Account>,
    /// Prebuilt account boxes at the origin, by account id.
    account_nodes: HashMap<&'a str, Node>,
    acc_w: f32,
    acc_h: f32,
    /// Prebuilt OU/root boxes at the origin, by node id.
    unit_nodes: HashMap<&'a str, Node>,
}

/// Lay out the org tree of `estate`.
pub fn org_scene(estate: &Estate, opts: &OrgOptions) -> Scene {
    let accounts: HashMap<&str, &Account> =
        estate.accounts.iter().map(|a| (a.id.as_str(), a)).collect();

    // Tag colouring: distinct values in sorted order, deterministic.
    let tag_values: Vec<&str> = match &opts.color_by {
        Some(key) => estate
            .accounts
            .iter()
            .filter_map(|a| a.tags.get(key).map(String::as_str))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
        None => Vec::new(),
    };
    // Cost colouring; an estate without costs (or without that month)
    // draws plain, and the subtitle says why.
    let heat: Option<Result<Heat, String>> = opts.cost.as_ref().map(|c| match &estate.costs {
        Some(costs) => heat(costs, c.month).map_err(|e| e.to_string()),
        None => Err("no cost data in this estate".to_string()),
    });
    let scale = heat.as_ref().and_then(|h| h.as_ref().ok());
    let colour_of = |a: &Account| -> (Color, Color) {
        if let Some(h) = scale {
            return match h.accounts.get(&a.id) {
                Some((class, _)) => HEAT[(*class).min(CLASSES - 1)],
                None => (NO_TAG_FILL, ACC_STROKE),
            };
        }
        let Some(key) = &opts.color_by else {
            return (ACC_FILL, ACC_STROKE);
        };
        match a.tags.get(key) {
            Some(v) => {
                let i = tag_values.binary_search(&v.as_str()).unwrap_or(0);
                PALETTE[i.min(PALETTE.len() - 1)]
            }
            None => (NO_TAG_FILL, ACC_STROKE),
        }
    };

    let cost_line = |a: &Account| -> Option<String> {
        let h = scale?;
        Some(match h.accounts.get(&a.id) {
            Some((_, change)) => {
                let amount = money(change.amount, &h.unit, 0);
                match change.percent() {
                    Some(p) => format!("{amount} in {} ({p})", h.month),
                    None => format!("{amount} in {}", h.month),
                }
            }
            None => format!("no cost in {}", h.month),
        })
    };
    let (acc_w, acc_h, account_nodes) = account_boxes(estate, &colour_of, &cost_line);
    let mut unit_nodes = HashMap::new();
    let root_id = estate.tree.id.as_str();
    estate.tree.walk(&mut |u, _| {
        unit_nodes.insert(u.id.as_str(), unit_box(estate, u, u.id == root_id));
    });
    let ctx = Ctx {
        accounts,
        account_nodes,
        acc_w,
        acc_h,
        unit_nodes,
    };

    let body = layout::best_of(&LIMITS, |limit| unit_block(&ctx, &estate.tree, limit));

    let title = match &estate.organization {
        Some(org) => format!("Organization {}", org.id),
        None => "Organization".to_string(),
    };
    let mut ou_count = 0;
    estate
        .tree
        .walk(&mut |_, path| ou_count += usize::from(!path.is_empty()));
    let mut subtitle = format!(
        "{} · {} accounts in {} OUs · collected {}",
        estate.source.label,
        estate.accounts.len(),
        ou_count,
        estate.collected_at
    );
    let mut legend = vec![
        (unit_style(false), "Organizational unit".to_string()),
        (
            Style {
                fill: ACC_FILL,
                ..account_style(ACC_STROKE, false, false)
            },
            "Account".to_string(),
        ),
        (
            account_style(ACC_STROKE, true, false),
            "Suspended / closing".to_string(),
        ),
        (
            account_style(ACC_STROKE, false, true),
            "⚠ Partial coverage".to_string(),
        ),
    ];
    if let Some(h) = &heat {
        match h {
            Ok(h) => {
                subtitle.push_str(&format!(" · coloured by cost in {} ({})", h.month, h.unit));
                let mut lower: Option<crate::cost::Decimal> = None;
                for (i, up) in h.upper.iter().enumerate() {
                    let (fill, stroke) = HEAT[i.min(CLASSES - 1)];
                    let label = match lower {
                        None => format!("cost ≤ {}", money(*up, &h.unit, 0)),
                        Some(lo) => {
                            format!("{} – {}", money(lo, &h.unit, 0), money(*up, &h.unit, 0))
                        }
                    };
                    legend.push((swatch(fill, stroke), label));
                    lower = Some(*up);
                }
                if estate
                    .accounts
                    .iter()
                    .any(|a| !h.accounts.contains_key(&a.id))
                {
                    legend.push((
                        swatch(NO_TAG_FILL, ACC_STROKE),
                        "no cost reported".to_string(),
                    ));
                }
            }
            Err(e) => subtitle.push_str(&format!(" · not coloured by cost: {e}")),
        }
    } else if let Some(key) = &opts.color_by {
        subtitle.push_str(&format!(" · coloured by tag {key}"));
        for (i, v) in tag_values.iter().enumerate().take(PALETTE.len() - 1) {
            let (fill, stroke) = PALETTE[i];
            let value = if v.is_empty() { "(empty)" } else { v };
            legend.push((swatch(fill, stroke), format!("{key} = {value}")));
        }
        if tag_values.len() >= PALETTE.len() {
            let (fill, stroke) = PALETTE[PALETTE.len() - 1];
            let label = if tag_values.len() == PALETTE.len() {
                format!("{key} = {}", tag_values[PALETTE.len() - 1])
            } else {
                format!("{key} = other values")
            };
            legend.push((swatch(fill, stroke), label));
        }
        if estate.accounts.iter().any(|a| !a.tags.contains_key(key)) {
            legend.push((swatch(NO_TAG_FILL, ACC_STROKE), format!("no {key} tag")));
        }
    }
    layout::frame(body, &title, &subtitle, legend)
}

fn swatch(fill: Color, stroke: Color) -> Style {
    Style {
        fill,
        stroke,
        stroke_width: 1.0,
        dashed: false,
        radius: 3.0,
    }
}

fn unit_style(root: bool) -> Style {
    if root {
        Style {
            fill: ROOT_FILL,
            stroke: ROOT_FILL,
            stroke_width: 1.0,
            dashed: false,
            radius: 6.0,
        }
    } else {
        Style {
            fill: OU_FILL,
            stroke: OU_STROKE,
            stroke_width: 1.5,
            dashed: false,
            radius: 6.0,
        }
    }
}

fn account_style(stroke: Color, suspended: bool, partial: bool) -> Style {
    Style {
        fill: if suspended { SUSP_FILL } else { ACC_FILL },
        stroke: if partial {
            PARTIAL
        } else if suspended {
            SUSP_STROKE
        } else {
            stroke
        },
        stroke_width: if partial { 2.5 } else { 1.2 },
        dashed: suspended,
        radius: 4.0,
    }
}

/// Per-account summary lines, measured once for every layout attempt.
fn account_boxes<'a>(
    estate: &'a Estate,
    colour_of: &dyn Fn(&Account) -> (Color, Color),
    cost_line: &dyn Fn(&Account) -> Option<String>,
) -> (f32, f32, HashMap<&'a str, Node>) {
    let mut counts: HashMap<&str, Vec<usize>> = HashMap::new();
    for r in &estate.resources {
        counts
            .entry(r.account_id.as_str())
            .or_insert_with(|| vec![0; Kind::count()])[r.kind.index()] += 1;
    }
    let mut problems: HashMap<&str, BTreeSet<&str>> = HashMap::new();
    for c in estate.failed_cells() {
        problems
            .entry(c.account_id.as_str())
            .or_default()
            .insert(c.status.as_str());
    }
    let mut coverage_lines: HashMap<&str, Vec<String>> = HashMap::new();
    for c in estate.failed_cells() {
        let mut line = format!("{} {} {}: {}", "⚠", c.region, c.api, c.status);
        if let Some(code) = &c.code {
            line.push_str(&format!(" ({code})"));
        }
        coverage_lines
            .entry(c.account_id.as_str())
            .or_default()
            .push(line);
    }

    struct Lines<'a> {
        account: &'a Account,
        name: &'a str,
        id: String,
        status: String,
        counts: String,
        cost: Option<String>,
        partial: bool,
    }
    let lines: Vec<Lines> = estate
        .accounts
        .iter()
        .map(|a| {
            let c = counts.get(a.id.as_str());
            let parts: Vec<String> = Kind::all()
                .filter_map(|kind| {
                    // Kinds whose descriptor says how to count them, in
                    // registry order: `12 EC2 · 2 VPC · 6 subnets · 14 EBS`.
                    let counted = kind.def().counted.as_ref()?;
                    let count = c.map_or(0, |c| c[kind.index()]);
                    let short = counted.short;
                    let plural = if count != 1 { counted.plural } else { "" };
                    (count > 0).then(|| format!("{count} {short}{plural}"))
                })
                .collect();
            let counts = if parts.is_empty() {
                "no resources".to_string()
            } else {
                parts.join(" · ")
            };
            let problem = problems.get(a.id.as_str());
            let mut status = a.status.to_string();
            if a.is_management {
                status.push_str(" · management");
            }
            if let Some(p) = problem {
                let list: Vec<&str> = p.iter().copied().collect();
                status.push_str(&format!(" · ⚠ partial: {}", list.join(", ")));
            }
            Lines {
                account: a,
                name: &a.name,
                id: a.id.clone(),
                status,
                counts,
                cost: cost_line(a),
                partial: problem.is_some(),
            }
        })
        .collect();

    let content_w = layout::widest(lines.iter().flat_map(|l| {
        [
            (l.name, 12.0, true),
            (l.id.as_str(), 11.0, false),
            (l.status.as_str(), 11.0, false),
            (l.counts.as_str(), 11.0, false),
            (l.cost.as_deref().unwrap_or(""), 11.0, true),
        ]
    }));
    let with_cost = lines.iter().any(|l| l.cost.is_some());
    let w = (content_w + 2.0 * PAD).clamp(190.0, 260.0).ceil();
    let sizes: &[f32] = if with_cost {
        &[12.0, 11.0, 11.0, 11.0, 11.0]
    } else {
        &[12.0, 11.0, 11.0, 11.0]
    };
    let h = (layout::stack_height(sizes) + 2.0 * PAD).ceil();
    let inner = w - 2.0 * PAD;

    let nodes = lines
        .into_iter()
        .map(|l| {
            let a = l.account;
            let suspended = !a.is_active();
            let (fill, stroke) = colour_of(a);
            let mut style = account_style(stroke, suspended, l.partial);
            if !suspended {
                style.fill = fill;
            }
            let (main, muted) = if suspended {
                (SUSP_TEXT, SUSP_TEXT)
            } else {
                (TEXT, muted_on(style.fill))
            };
            let status_colour = if l.partial { PARTIAL } else { muted };
            let mut labels = vec![
                Label::fitted(l.name, 12.0, true, main, inner),
                Label::fitted(&l.id, 11.0, false, muted, inner),
                Label::fitted(&l.status, 11.0, false, status_colour, inner),
                Label::fitted(&l.counts, 11.0, false, muted, inner),
            ];
            if let Some(cost) = &l.cost {
                labels.push(Label::fitted(cost, 11.0, true, main, inner));
            }
            layout::stack(&mut labels, PAD, PAD);
            let mut details = vec![
                a.name.clone(),
                format!("Account {} · {}", a.id, a.status),
                format!("Email {}", a.email),
                format!("OU /{}", a.ou_path.join("/")),
                format!("Resources: {}", l.counts),
            ];
            if let Some(cost) = &l.cost {
                details.push(format!("Cost: {cost}"));
            }
            if !a.scps.is_empty() {
                details.push(format!("SCPs: {}", a.scps.join(", ")));
            }
            if !a.tags.is_empty() {
                let tags: Vec<String> = a.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
                details.push(format!("Tags: {}", tags.join(", ")));
            }
            if let Some(cov) = coverage_lines.get_mut(a.id.as_str()) {
                details.append(cov);
            }
            let node = Node {
                id: a.id.clone(),
                kind: NodeKind::Account,
                rect: Rect::new(0.0, 0.0, w, h),
                style,
                labels,
                parent: None,
                details,
            };
            (a.id.as_str(), node)
        })
        .collect();
    (w, h, nodes)
}

fn unit_box(estate: &Estate, u: &OrgUnit, root: bool) -> Node {
    let n_accounts = u.account_ids_below().len();
    let name = if root { "Root" } else { u.name.as_str() };
    let kind_line = if root {
        let org = estate
            .organization
            .as_ref()
            .map(|o| format!(" · {}", o.id))
            .unwrap_or_default();
        format!("{}{org} · {n_accounts} accounts", u.id)
    } else {
        format!("OU {} · {n_accounts} accounts", u.id)
    };
    let scp_line = if u.scps.is_empty() {
        "SCPs: none attached".to_string()
    } else {
        format!("SCPs: {}", u.scps.join(", "))
    };
    let content_w = layout::widest([
        (name, 13.0, true),
        (kind_line.as_str(), 11.0, false),
        (scp_line.as_str(), 11.0, false),
    ]);
    let w = (content_w + 2.0 * PAD).clamp(180.0, 300.0).ceil();
    let h = (layout::stack_height(&[13.0, 11.0, 11.0]) + 2.0 * PAD).ceil();
    let inner = w - 2.0 * PAD;
    let (main, muted) = if root {
        (Color::WHITE, Color(0xcb, 0xd5, 0xe1))
    } else {
        (TEXT, MUTED)
    };
    let mut labels = vec![
        Label::fitted(name, 13.0, true, main, inner),
        Label::fitted(&kind_line, 11.0, false, muted, inner),
        Label::fitted(&scp_line, 11.0, false, muted, inner),
    ];
    layout::stack(&mut labels, PAD, PAD);
    Node {
        id: u.id.clone(),
        kind: if root {
            NodeKind::Root
        } else {
            NodeKind::OrgUnit
        },
        rect: Rect::new(0.0, 0.0, w, h),
        style: unit_style(root),
        labels,
        parent: None,
        details: vec![name.to_string(), kind_line, scp_line],
    }
}

/// The accounts directly under a node, in columns hanging from spines.
fn accounts_block(ctx: &Ctx, ids: &[String]) -> Option<Block> {
    let mut accounts: Vec<(&str, &str)> = ids
        .iter()
        .filter_map(|id| {
            let a = ctx.accounts.get(id.as_str())?;
            Some((a.name.as_str(), a.id.as_str()))
        })
        .collect();
    if accounts.is_empty() {
        return None;
    }
    accounts.sort();
    let n = accounts.len();
    // Up to six accounts hang in one column; beyond that the block tends
    // to a 1:2 grid, which keeps big OUs about as wide as they are tall.
    let rows_max = if n <= 6 {
        n
    } else {
        6usize.max((2.0 * n as f32).sqrt().ceil() as usize)
    };
    let cols = n.div_ceil(rows_max);
    let rows = n.div_ceil(cols);
    let col_w = INDENT + ctx.acc_w;
    let mut block = Block {
        w: cols as f32 * col_w + (cols - 1) as f32 * COL_GAP,
        h: ACC_GAP + rows as f32 * (ctx.acc_h + ACC_GAP) - ACC_GAP,
        ..Block::default()
    };
    for (i, (_, id)) in accounts.into_iter().enumerate() {
        let Some(node) = ctx.account_nodes.get(id) else {
            continue;
        };
        let (c, r) = (i / rows, i % rows);
        let col_x = c as f32 * (col_w + COL_GAP);
        let x = col_x + INDENT;
        let y = ACC_GAP + r as f32 * (ctx.acc_h + ACC_GAP);
        let spine = col_x + INDENT / 2.0;
        let mid = y + ctx.acc_h / 2.0;
        block.entries.push(Entry {
            to: id.to_string(),
            path: vec![
                Point::new(spine, 0.0),
                Point::new(spine, mid),
                Point::new(x, mid),
            ],
        });
        block.absorb(
            Block {
                nodes: vec![node.clone()],
                ..Block::default()
            },
            x,
            y,
            None,
        );
    }
    Some(block)
}

fn unit_block(ctx: &Ctx, u: &OrgUnit, limit: f32) -> Block {
    let Some(node) = ctx.unit_nodes.get(u.id.as_str()) else {
        return Block::default();
    };
    let (nw, nh) = (node.rect.w, node.rect.h);
    let mut items: Vec<Block> = Vec::new();
    items.extend(accounts_block(ctx, &u.accounts));
    let mut children: Vec<&OrgUnit> = u.children.iter().collect();
    children.sort_by(|a, b| (&a.name, &a.id).cmp(&(&b.name, &b.id)));
    items.extend(children.into_iter().map(|c| unit_block(ctx, c, limit)));

    let mut block = Block::default();
    if items.is_empty() {
        block.w = nw;
        block.h = nh;
        block.absorb(
            Block {
                nodes: vec![node.clone()],
                ..Block::default()
            },
            0.0,
            0.0,
            None,
        );
        block.entries.push(Entry {
            to: u.id.clone(),
            path: vec![Point::new(nw / 2.0, 0.0)],
        });
        return block;
    }

    let widths: Vec<f32> = items.iter().map(|b| b.w).collect();
    let rows = layout::wrap_rows(&widths, limit.max(nw), H_GAP);
    let multi = rows.len() > 1;
    let left = if multi { SPINE } else { 0.0 };
    let row_w = |r: &std::ops::Range<usize>| -> f32 {
        widths[r.clone()].iter().sum::<f32>() + H_GAP * (r.len() as f32 - 1.0)
    };
    let content_w = rows.iter().map(row_w).fold(0.0, f32::max);
    // Parent centred over the children; children centred under a wider parent.
    let ux = (left + (content_w - nw) / 2.0).max(0.0);
    let row_shift = if !multi && nw > content_w {
        (nw - content_w) / 2.0
    } else {
        0.0
    };
    block.w = (ux + nw).max(left + content_w);
    let ucx = ux + nw / 2.0;
    let spine_x = SPINE / 2.0;

    block.absorb(
        Block {
            nodes: vec![node.clone()],
            ..Block::default()
        },
        ux,
        0.0,
        None,
    );
    let bus0 = nh + V_GAP / 2.0;
    let mut y = nh + V_GAP;
    let mut items = items.into_iter();
    for (ri, row) in rows.iter().enumerate() {
        let mut x = left + row_shift;
        let bus = y - V_GAP / 2.0;
        let mut row_h: f32 = 0.0;
        for _ in row.clone() {
            let Some(item) = items.next() else { break };
            row_h = row_h.max(item.h);
            for e in &item.entries {
                let Some(first) = e.path.first() else {
                    continue;
                };
                let mut pts = vec![Point::new(ucx, nh), Point::new(ucx, bus0)];
                if ri > 0 {
                    pts.push(Point::new(spine_x, bus0));
                    pts.push(Point::new(spine_x, bus));
                }
                pts.push(Point::new(x + first.x, bus));
                pts.extend(e.path.iter().map(|p| Point::new(p.x + x, p.y + y)));
                block
                    .edges
                    .push(Edge::new(u.id.clone(), e.to.clone(), layout::dedup(pts)));
            }
            let w = item.w;
            block.absorb(item, x, y, None);
            x += w + H_GAP;
        }
        y += row_h + V_GAP;
    }
    block.h = y - V_GAP;
    block.entries.push(Entry {
        to: u.id.clone(),
        path: vec![Point::new(ucx, 0.0)],
    });
    block
}

#[cfg(test)]
mod cost_tests {
    //! Colouring by cost: classes on the demo's bill, the legend, and the
    //! plain drawing (with the reason) when there is nothing to colour by.

    use super::*;

    fn node<'s>(scene: &'s Scene, estate: &Estate, name: &str) -> &'s Node {
        let id = &estate.accounts.iter().find(|a| a.name == name).unwrap().id;
        scene.nodes.iter().find(|n| &n.id == id).unwrap()
    }

    #[test]
    fn secondary_text_darkens_on_the_hot_fills_only() {
        assert_eq!(muted_on(HEAT[0].0), MUTED);
        assert_eq!(muted_on(ACC_FILL), MUTED);
        assert_ne!(muted_on(HEAT[CLASSES - 1].0), MUTED);
        assert_ne!(muted_on(HEAT[CLASSES - 2].0), MUTED);
    }

    #[test]
    fn accounts_fill_on_the_heat_scale_with_a_cost_line_and_legend() {
        let estate = crate::demo::demo_estate(crate::demo::DEFAULT_ACCOUNTS);
        let opts = OrgOptions {
            cost: Some(CostColours::default()),
            ..OrgOptions::default()
        };
        let scene = org_scene(&estate, &opts);
        // The most expensive account is in the hottest class; the test
        // account that outspends its prod is hotter than its prod.
        assert_eq!(
            node(&scene, &estate, "orders-prod").style.fill,
            HEAT[CLASSES - 1].0
        );
        let class = |name: &str| {
            HEAT.iter()
                .position(|h| h.0 == node(&scene, &estate, name).style.fill)
        };
        assert!(class("payments-test") > class("payments-prod"));
        assert_eq!(class("management"), Some(0));
        let line = node(&scene, &estate, "orders-prod")
            .labels
            .last()
            .unwrap()
            .text
            .clone();
        assert_eq!(line, "$8,403 in 2026-10 (+24.3%)");
        let legend: Vec<&str> = scene.legend.iter().map(|l| l.label.text.as_str()).collect();
        assert!(
            legend.iter().any(|l| l.starts_with("cost ≤ $")),
            "{legend:?}"
        );
        assert!(
            legend.contains(&"no cost reported"),
            "the suspended account: {legend:?}"
        );
        assert!(
            scene
                .texts
                .iter()
                .any(|t| t.text.contains("coloured by cost in 2026-10 (USD)"))
        );
    }

    #[test]
    fn without_costs_the_diagram_is_plain_and_says_why() {
        let mut estate = crate::demo::demo_estate(crate::demo::MIN_ACCOUNTS);
        estate.costs = None;
        let opts = OrgOptions {
            cost: Some(CostColours::default()),
            ..OrgOptions::default()
        };
        let scene = org_scene(&estate, &opts);
        assert!(
            scene
                .nodes
                .iter()
                .all(|n| !HEAT.iter().any(|h| h.0 == n.style.fill))
        );
        assert!(
            scene
                .texts
                .iter()
                .any(|t| t.text.contains("not coloured by cost: no cost data"))
        );
    }
}
