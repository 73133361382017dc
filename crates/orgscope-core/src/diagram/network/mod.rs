//! The network topology diagram for a scope of resources: account → region
//! → VPC (name, CIDR) → subnet (name, CIDR, AZ, public/private) → instances,
//! as nested containers with instances as small glyphs. Which kind is which
//! comes from the descriptors ([`Draw`]): the network container (VPC), the
//! subnet container, and nodes (instances today; any kind drawn as a node
//! is placed the same way, by its `in_subnet` and `in_vpc` edges). Large
//! scopes stay readable by aggregation: past
//! [`NetworkOptions::aggregate_above`] a subnet lists "42 × t3.micro" lines
//! instead of glyphs, and a VPC past [`NetworkOptions::collapse_above`]
//! instances (or named in [`NetworkOptions::collapsed`]) becomes a one-box
//! summary. Security groups are listed per instance in the hover details,
//! never drawn as edges.
//!
//! Colours follow the AWS architecture-diagram conventions architects know:
//! pink account, dashed teal region, purple VPC, green public and teal
//! private subnets, orange compute.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::layout::{self, Block, MUTED, PAD, TEXT};
use super::{Color, Label, Node, NodeKind, Rect, Scene, Style};
use crate::model::{Draw, Estate, Kind, Rel, Resource, Value};

mod subnet;
use subnet::{NodeFields, aggregate, subnet_block, subnet_public};

/// How much detail the network diagram keeps.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkOptions {
    /// A subnet with more instances than this lists instance types with
    /// counts instead of one glyph per instance.
    pub aggregate_above: usize,
    /// A VPC with more instances than this is drawn as a summary box.
    pub collapse_above: usize,
    /// VPC ids always drawn as a summary box.
    pub collapsed: BTreeSet<String>,
}

impl Default for NetworkOptions {
    fn default() -> Self {
        NetworkOptions {
            aggregate_above: 12,
            collapse_above: 400,
            collapsed: BTreeSet::new(),
        }
    }
}

const ACCOUNT: (Color, Color) = (Color(0xff, 0xff, 0xff), Color(0xe7, 0x15, 0x7b));
const REGION: (Color, Color) = (Color(0xff, 0xff, 0xff), Color(0x00, 0x7f, 0x86));
const VPC: (Color, Color) = (Color(0xfa, 0xf7, 0xff), Color(0x8c, 0x4f, 0xff));
const PUBLIC: (Color, Color) = (Color(0xf2, 0xf6, 0xe8), Color(0x5b, 0x84, 0x0e));
const PRIVATE: (Color, Color) = (Color(0xe6, 0xf6, 0xf7), Color(0x00, 0x7f, 0x86));
const RUNNING: (Color, Color) = (Color(0xff, 0xff, 0xff), Color(0xed, 0x71, 0x00));
const STOPPED: (Color, Color) = (Color(0xf8, 0xfa, 0xfc), Color(0x94, 0xa3, 0xb8));

const GAP: f32 = 12.0;
const GLYPH_W: f32 = 168.0;
const GLYPH_COLS: usize = 3;

fn style((fill, stroke): (Color, Color), width: f32, dashed: bool) -> Style {
    Style {
        fill,
        stroke,
        stroke_width: width,
        dashed,
        radius: 4.0,
    }
}

#[derive(Default)]
struct SubnetG<'a> {
    instances: Vec<&'a Resource>,
}

#[derive(Default)]
struct VpcG<'a> {
    /// Subnet id → group; "" holds instances with no (known) subnet.
    subnets: BTreeMap<&'a str, SubnetG<'a>>,
}

/// account id → region → VPC id ("" = no VPC) → group.
type Tree<'a> = BTreeMap<&'a str, BTreeMap<&'a str, BTreeMap<&'a str, VpcG<'a>>>>;

struct Ctx<'a> {
    /// (account, id) → VPC, subnet or node record, looked up even when the
    /// record itself is outside the scope: a selected instance still needs
    /// its VPC's name and CIDR drawn around it, and an address attached to
    /// an instance is drawn where that instance is.
    records: HashMap<(&'a str, &'a str), &'a Resource>,
    /// Per kind (by [`Kind::index`]): the fields a node's glyph shows,
    /// resolved once per scene rather than by name per node.
    nodes: Vec<NodeFields>,
    opts: &'a NetworkOptions,
}

/// Field `name` of a container record, `Null` when its kind has none.
fn field<'r>(r: &'r Resource, name: &str) -> &'r Value {
    r.get(name).unwrap_or(&Value::Null)
}

/// Where a node is drawn: in its own subnet or VPC, or — when it has
/// neither (an Elastic IP) — where the node it is attached to is.
fn home<'a>(ctx: &Ctx<'a>, r: &'a Resource) -> &'a Resource {
    if r.vpc_id().is_some() || r.first(Rel::InSubnet).is_some() {
        return r;
    }
    r.edges(Rel::AttachedTo)
        .find_map(|e| {
            let account = e.account_id.as_deref().unwrap_or(&r.account_id);
            ctx.records
                .get(&(account, e.to.as_str()))
                .filter(|far| far.kind.def().draw.boxed().is_some())
        })
        .copied()
        .unwrap_or(r)
}

/// `17 instances, 1 elastic IPs`: the drawn nodes per kind (the first node
/// kind's zero when none is drawn).
fn node_counts(per_kind: &[usize]) -> String {
    let mut parts: Vec<String> = Kind::all()
        .filter(|k| per_kind.get(k.index()).is_some_and(|&n| n > 0))
        .map(|k| format!("{} {}", per_kind[k.index()], lower_first(k.label())))
        .collect();
    if parts.is_empty() {
        parts.extend(
            Kind::all()
                .find(|k| k.def().draw.boxed().is_some())
                .map(|k| format!("0 {}", lower_first(k.label()))),
        );
    }
    parts.join(", ")
}

/// A kind's label in the singular, for the legend (`VPCs` → `VPC`).
fn singular(kind: Kind) -> &'static str {
    kind.singular()
}

/// `Subnet` → `subnet`, for a legend entry with a qualifier in front.
fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Lay out the network of the resources at `resource_indices` in
/// `estate.resources` (indices out of range are ignored). Instances, VPCs
/// and subnets in the scope are drawn with the containers around them.
pub fn network_scene(estate: &Estate, resource_indices: &[usize], opts: &NetworkOptions) -> Scene {
    let draws: Vec<Draw> = Kind::all().map(|k| k.def().draw).collect();
    let mut records = HashMap::new();
    for r in &estate.resources {
        if !matches!(draws[r.kind.index()], Draw::Hidden) {
            records.insert((r.account_id.as_str(), r.id.as_str()), r);
        }
    }
    let ctx = Ctx {
        records,
        nodes: Kind::all().map(NodeFields::of).collect(),
        opts,
    };

    let mut tree: Tree = BTreeMap::new();
    let mut per_node_kind = vec![0usize; Kind::count()];
    for &i in resource_indices {
        let Some(r) = estate.resources.get(i) else {
            continue;
        };
        let region = tree
            .entry(r.account_id.as_str())
            .or_default()
            .entry(r.region.as_str())
            .or_default();
        match draws[r.kind.index()] {
            Draw::Node { .. } | Draw::Gateway { .. } | Draw::Hub { .. } => {
                per_node_kind[r.kind.index()] += 1;
                let home = home(&ctx, r);
                let vpc = home.vpc_id().unwrap_or("");
                let subnet = home.first(Rel::InSubnet).unwrap_or("");
                let subnet = if ctx.records.contains_key(&(r.account_id.as_str(), subnet)) {
                    subnet
                } else {
                    ""
                };
                region
                    .entry(vpc)
                    .or_default()
                    .subnets
                    .entry(subnet)
                    .or_default()
                    .instances
                    .push(r);
            }
            Draw::Network => {
                region.entry(r.id.as_str()).or_default();
            }
            Draw::Subnet => {
                region
                    .entry(r.vpc_id().unwrap_or(""))
                    .or_default()
                    .subnets
                    .entry(r.id.as_str())
                    .or_default();
            }
            // Security groups show in instance details; volumes are not
            // network topology. Only their account and region frame shows.
            Draw::Hidden | Draw::Link => {}
        }
    }

    let n_vpcs: usize = tree
        .values()
        .flat_map(|regions| regions.values())
        .map(|vpcs| vpcs.keys().filter(|k| !k.is_empty()).count())
        .sum();
    // Accounts in org order (OU path, then name), as the org tree shows them,
    // rather than by their meaningless numeric ids.
    let mut order: Vec<(Vec<&str>, &str, &str)> = tree
        .keys()
        .map(|id| match estate.account(id) {
            Some(a) => (
                a.ou_path.iter().map(String::as_str).collect(),
                a.name.as_str(),
                *id,
            ),
            None => (Vec::new(), *id, *id),
        })
        .collect();
    order.sort();
    let accounts: Vec<Block> = order
        .iter()
        .filter_map(|(_, _, id)| {
            let regions = tree.get(id)?;
            Some(account_block(&ctx, estate, id, regions))
        })
        .collect();
    let body = layout::best_of(&[1200.0, 1800.0, 2700.0, 4000.0, 6000.0, 9000.0], |limit| {
        let mut top = Block::default();
        let widths: Vec<f32> = accounts.iter().map(|b| b.w).collect();
        let mut y = 0.0;
        for row in layout::wrap_rows(&widths, limit, 2.0 * GAP) {
            let mut x = 0.0;
            let mut row_h: f32 = 0.0;
            for b in &accounts[row] {
                top.absorb(b.clone(), x, y, None);
                x += b.w + 2.0 * GAP;
                row_h = row_h.max(b.h);
                top.w = top.w.max(x - 2.0 * GAP);
            }
            y += row_h + 2.0 * GAP;
        }
        top.h = (y - 2.0 * GAP).max(0.0);
        top
    });

    let subtitle = format!(
        "{} · {} in {} VPCs across {} accounts · collected {}",
        estate.source.label,
        node_counts(&per_node_kind),
        n_vpcs,
        tree.len(),
        estate.collected_at
    );
    let legend = legend(&per_node_kind);
    let mut scene = layout::frame(body, "Network topology", &subtitle, legend);
    if scene.nodes.is_empty() {
        let note = Label::fitted(
            "Nothing to draw: the scope holds no instances, VPCs or subnets.",
            13.0,
            false,
            MUTED,
            600.0,
        );
        let y = scene.height;
        scene.texts.push(note.at(layout::MARGIN, y));
        scene.height += 30.0;
    }
    scene
}

/// The legend: the frames, the container kinds, then the node kinds this
/// scene draws (the first node kind when it draws none, so an empty picture
/// still says what a box would be), each named by its descriptor's label.
fn legend(per_node_kind: &[usize]) -> Vec<(Style, String)> {
    let mut legend = vec![
        (style(ACCOUNT, 2.0, false), "Account".to_string()),
        (style(REGION, 1.5, true), "Region".to_string()),
    ];
    let drawn = |want: fn(Draw) -> bool| Kind::all().filter(move |k| want(k.def().draw));
    for k in drawn(|d| d == Draw::Network) {
        let name = singular(k);
        legend.push((style(VPC, 1.5, false), name.to_string()));
        legend.push((style(VPC, 1.5, true), format!("{name} (collapsed summary)")));
    }
    for k in drawn(|d| d == Draw::Subnet) {
        let name = lower_first(singular(k));
        legend.push((style(PUBLIC, 1.2, false), format!("Public {name}")));
        legend.push((style(PRIVATE, 1.2, false), format!("Private {name}")));
    }
    let nodes: Vec<Kind> = drawn(|d| d.boxed().is_some()).collect();
    let present: Vec<Kind> = nodes
        .iter()
        .copied()
        .filter(|k| per_node_kind.get(k.index()).is_some_and(|&n| n > 0))
        .collect();
    let shown = if present.is_empty() {
        nodes.into_iter().take(1).collect()
    } else {
        present
    };
    for k in shown {
        let name = singular(k);
        if k.def().field_index("state").is_some() {
            legend.push((style(RUNNING, 1.2, false), format!("{name} (running)")));
            legend.push((style(STOPPED, 1.2, true), format!("{name} (not running)")));
        } else {
            legend.push((style(RUNNING, 1.2, false), name.to_string()));
        }
    }
    legend
}

/// Header lines: (text, size, bold, colour).
type Line = (String, f32, bool, Color);

/// A box with header lines on top and child blocks below in row groups, each
/// group wrapped at `row_limit`.
#[allow(clippy::too_many_arguments)]
fn container(
    id: String,
    kind: NodeKind,
    style: Style,
    lines: Vec<Line>,
    details: Vec<String>,
    groups: Vec<Vec<Block>>,
    row_limit: f32,
    min_w: f32,
) -> Block {
    // Place children first: their extent decides the box width.
    let mut inner = Block::default();
    let mut y = 0.0;
    for group in groups {
        let widths: Vec<f32> = group.iter().map(|b| b.w).collect();
        let rows = layout::wrap_rows(&widths, row_limit, GAP);
        let mut items = group.into_iter();
        for row in rows {
            let mut x = 0.0;
            let mut row_h: f32 = 0.0;
            for _ in row {
                let Some(b) = items.next() else { break };
                row_h = row_h.max(b.h);
                let w = b.w;
                inner.absorb(b, x, y, None);
                x += w + GAP;
            }
            inner.w = inner.w.max(x - GAP);
            y += row_h + GAP;
        }
    }
    inner.h = (y - GAP).max(0.0);

    let natural = lines
        .iter()
        .map(|(t, s, b, _)| super::text::text_width(t, *s, *b))
        .fold(0.0, f32::max);
    // Headers may widen a box up to a point; past that they are ellipsized
    // (the full text stays in the details).
    let inner_w = inner
        .w
        .max(min_w - 2.0 * PAD)
        .max(natural.min(420.0))
        .ceil();
    let mut labels: Vec<Label> = lines
        .iter()
        .map(|(t, s, b, c)| Label::fitted(t, *s, *b, *c, inner_w))
        .collect();
    let header_bottom = layout::stack(&mut labels, PAD, PAD - 2.0);
    let top = header_bottom + if inner.nodes.is_empty() { 0.0 } else { 6.0 };
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

fn account_block(
    ctx: &Ctx,
    estate: &Estate,
    account_id: &str,
    regions: &BTreeMap<&str, BTreeMap<&str, VpcG>>,
) -> Block {
    let account = estate.account(account_id);
    let name = account.map(|a| a.name.as_str()).unwrap_or(account_id);
    let mut second = format!("Account {account_id}");
    if let Some(a) = account {
        if !a.ou_path.is_empty() {
            second.push_str(&format!(" · /{}", a.ou_path.join("/")));
        }
        if !a.is_active() {
            second.push_str(&format!(" · {}", a.status));
        }
    }
    let regions: Vec<Block> = regions
        .iter()
        .map(|(region, vpcs)| region_block(ctx, account_id, region, vpcs))
        .collect();
    container(
        account_id.to_string(),
        NodeKind::Account,
        style(ACCOUNT, 2.0, false),
        vec![
            (name.to_string(), 14.0, true, TEXT),
            (second.clone(), 11.0, false, MUTED),
        ],
        vec![name.to_string(), second],
        vec![regions],
        3600.0,
        220.0,
    )
}

fn region_block(ctx: &Ctx, account_id: &str, region: &str, vpcs: &BTreeMap<&str, VpcG>) -> Block {
    let blocks: Vec<Block> = vpcs
        .iter()
        .map(|(vpc_id, g)| vpc_block(ctx, account_id, region, vpc_id, g))
        .collect();
    container(
        format!("{account_id}/{region}"),
        NodeKind::Region,
        style(REGION, 1.5, true),
        vec![(format!("Region {region}"), 12.0, true, REGION.1)],
        vec![format!("Region {region} of account {account_id}")],
        vec![blocks],
        2400.0,
        200.0,
    )
}

fn vpc_block(ctx: &Ctx, account_id: &str, region: &str, vpc_id: &str, g: &VpcG) -> Block {
    let record = ctx.records.get(&(account_id, vpc_id)).copied();
    let (title, cidr, default) = match record {
        Some(r) if r.kind.def().draw == Draw::Network => (
            r.display_name().to_string(),
            field(r, "cidr_blocks").as_list().join(", "),
            field(r, "is_default").as_bool().unwrap_or(false),
        ),
        Some(r) => (r.display_name().to_string(), String::new(), false),
        None if vpc_id.is_empty() => ("No VPC".to_string(), String::new(), false),
        None => (vpc_id.to_string(), "not collected".to_string(), false),
    };
    let id = if vpc_id.is_empty() {
        format!("{account_id}/{region}/no-vpc")
    } else {
        vpc_id.to_string()
    };
    let mut second = if vpc_id.is_empty() {
        "outside any VPC".to_string()
    } else {
        format!("{vpc_id} · {cidr}")
    };
    if default {
        second.push_str(" · default VPC");
    }
    let instances: Vec<&Resource> = g
        .subnets
        .values()
        .flat_map(|s| s.instances.iter().copied())
        .collect();
    let mut details = vec![title.clone(), second.clone()];
    // An untouched default VPC (three empty default subnets per region) is
    // noise in a topology: it shrinks to its summary like a collapsed one.
    let collapse = ctx.opts.collapsed.contains(vpc_id)
        || instances.len() > ctx.opts.collapse_above
        || (default && instances.is_empty());
    if collapse {
        let public = g
            .subnets
            .keys()
            .filter(|s| subnet_public(ctx, account_id, s) == Some(true))
            .count();
        let named = g.subnets.keys().filter(|s| !s.is_empty()).count();
        let mut lines: Vec<Line> = vec![
            (title, 12.5, true, TEXT),
            (second, 10.5, false, MUTED),
            (
                format!(
                    "Summary: {named} subnets ({public} public, {} private) · {}",
                    named - public,
                    match instances.len() {
                        0 => "no instances".to_string(),
                        1 => "1 instance".to_string(),
                        n => format!("{n} instances"),
                    }
                ),
                11.0,
                false,
                TEXT,
            ),
        ];
        let (types, states) = aggregate(ctx, &instances);
        details.extend(types.iter().cloned());
        if !states.is_empty() {
            details.push(states.clone());
        }
        for t in types.iter().take(4) {
            lines.push((t.clone(), 11.0, false, TEXT));
        }
        if types.len() > 4 {
            lines.push((
                format!("+ {} more types", types.len() - 4),
                10.5,
                false,
                MUTED,
            ));
        }
        if !states.is_empty() {
            lines.push((states, 10.5, false, MUTED));
        }
        return container(
            id,
            NodeKind::Vpc,
            style(VPC, 1.5, true),
            lines,
            details,
            Vec::new(),
            0.0,
            260.0,
        );
    }

    // Public tier on top, private below, each ordered by AZ: the way
    // architects draw a VPC.
    let mut tiers: [Vec<(String, &str)>; 3] = Default::default();
    for subnet_id in g.subnets.keys() {
        let (tier, az) = match ctx.records.get(&(account_id, *subnet_id)) {
            Some(r) if r.kind.def().draw == Draw::Subnet => (
                usize::from(!field(r, "public").as_bool().unwrap_or(false)),
                field(r, "az").text().into_owned(),
            ),
            _ => (2, String::new()),
        };
        tiers[tier].push((az, subnet_id));
    }
    let groups: Vec<Vec<Block>> = tiers
        .iter_mut()
        .filter(|t| !t.is_empty())
        .map(|t| {
            t.sort();
            t.iter()
                .filter_map(|(_, s)| {
                    let sg = g.subnets.get(s)?;
                    Some(subnet_block(ctx, account_id, vpc_id, s, sg))
                })
                .collect()
        })
        .collect();
    container(
        id,
        NodeKind::Vpc,
        style(VPC, 1.5, false),
        vec![(title, 12.5, true, TEXT), (second, 10.5, false, MUTED)],
        details,
        groups,
        // Room for three AZs of three-glyph-wide subnets side by side.
        1800.0,
        240.0,
    )
}

#[cfg(test)]
mod tests;
