//! The network topology diagram for a scope of resources: account → region
//! → VPC (name, CIDR) → subnet (name, CIDR, AZ, public/private) → instances,
//! as nested containers with instances as small glyphs, and the wiring
//! between them. Which kind is which comes from the descriptors ([`Draw`]):
//! the network container (VPC), the subnet container, nodes (instances,
//! NAT gateways, load balancers, interface endpoints: placed by their
//! `in_subnet` and `in_vpc` edges), gateways (internet and egress-only
//! gateways, and gateway endpoints, which are route-table targets rather
//! than interfaces in a subnet: boxes straddling their VPC's top border,
//! where traffic enters and leaves it), hubs (Transit Gateways: a box in
//! their owner account's region) and links (peerings and Transit Gateway
//! attachments: connectors, not boxes). A load balancer sits in its first
//! subnet (its others are in its hover details) with an arrow to each
//! target instance drawn, labelled by the listeners that reach it
//! (`HTTPS:443`), resolved through the estate's listeners and target
//! groups. Large scopes stay readable by aggregation: past
//! [`NetworkOptions::aggregate_above`] a subnet lists "42 × t3.micro" lines
//! instead of glyphs, and a VPC past [`NetworkOptions::collapse_above`]
//! instances (or named in [`NetworkOptions::collapsed`]) becomes a one-box
//! summary. Security groups are listed per instance in the hover details,
//! never drawn as edges.
//!
//! Connectors ([`EdgeKind`]) are drawn after layout between the placed
//! boxes: a peering (dashed) between two VPCs, a spoke from a VPC to its
//! hub, across accounts and regions, each as a gentle arc (so connectors
//! from one box to several boxes of the same row do not lie on top of each
//! other). A peering or attachment is drawn once per id although both
//! accounts list it. An end the scope does not draw — a peered VPC of
//! another account, a Transit Gateway shared from outside — becomes a stub
//! in an "Outside this scope" group (id = the far resource's id, labelled
//! with its owner account), so the connector is kept, never dropped.
//!
//! Folding spokes. One Transit Gateway with 300 attached VPCs would draw
//! 300 arcs converging on one box. How many a picture holds was decided by
//! looking at hubs with 8, 12, 16 and 24 spokes to accounts of one VPC each
//! (the worst case: every spoke to another box; the tests write these
//! pictures when `ORGSCOPE_KEEP_DIAGRAMS` is set). With 8 and 12, on the
//! 1,200 px-wide page the layout picks for them, every spoke can be
//! followed from the hub to its VPC. With 16 the spokes leave the hub's
//! side about 6 px apart and those into the column below the hub braid
//! for 150 px; with 24, on an 1,800 px page, ten spokes leave the hub
//! within 40 px and those to the hub's own row merge into one band — the
//! picture says "everything attaches", no longer what attaches where. So a
//! hub draws at most [`plan::MAX_SPOKES`] (12) lines to the scope's VPCs:
//! up to 12 attached VPCs, one spoke each; more, and the VPCs of each
//! other region box fold into one thick spoke from that box labelled
//! `× 25 VPCs` (or `× 3 of 5 VPCs` when not all of its VPCs attach); if
//! that still leaves more than 12 lines (300 accounts of one VPC each), no
//! spokes are drawn: each attached VPC wears a small tag on its border
//! naming the hub, and the hub says how many it folded. Far ends outside
//! the scope fold the same way into at most [`plan::MAX_STUBS`] (8) stubs
//! per hub: one per VPC, else one per far account (`12 VPCs`), else one
//! for all (`300 VPCs in 40 accounts`). Whatever is folded, the hover
//! details of each VPC and of the hub list its attachments. Peerings are
//! not folded: a VPC has at most 125, and an estate that peers at that
//! scale is what Transit Gateways replaced.
//!
//! Colours follow the AWS architecture-diagram conventions architects know:
//! pink account, dashed teal region, purple VPC, green public and teal
//! private subnets, orange compute, purple networking (gateways, NAT, load
//! balancers, endpoints, hubs).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::layout::{self, Block, MUTED, PAD, TEXT};
use super::{Color, EdgeKind, Label, Node, NodeKind, Rect, Scene, Style};
use crate::model::{Draw, Estate, GLOBAL, Kind, Rel, Resource, Value, kinds};

mod boxes;
mod plan;
mod route;
mod subnet;
use boxes::{border_tag, hub_block, outside_block, with_border};
use plan::{Elb, Plan, Wiring};
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
/// Networking resources (NAT, load balancers, endpoints, gateways).
const NETWORK: (Color, Color) = (Color(0xff, 0xff, 0xff), Color(0x8c, 0x4f, 0xff));
/// A hub: filled, so it reads as the centre of its spokes.
const HUB: (Color, Color) = (Color(0xed, 0xe4, 0xff), Color(0x6b, 0x2f, 0xd6));
/// The outside group and its stubs: grey and dashed, like anything this
/// picture knows of but does not draw in full.
const OUTSIDE: (Color, Color) = (Color(0xf8, 0xfa, 0xfc), Color(0x64, 0x74, 0x8b));

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
    /// Gateways drawn on the VPC's border.
    border: Vec<&'a Resource>,
}

#[derive(Default)]
struct RegionG<'a> {
    /// VPC id ("" = no VPC) → group.
    vpcs: BTreeMap<&'a str, VpcG<'a>>,
    /// Hubs owned by the account in this region.
    hubs: Vec<&'a Resource>,
}

/// account id → region → group.
type Tree<'a> = BTreeMap<&'a str, BTreeMap<&'a str, RegionG<'a>>>;

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
    /// The wiring: stubs, tags and notes the boxes need.
    plan: Plan,
    /// Set when a networking box is drawn down (not available), so the
    /// legend explains the dashed grey.
    down: std::cell::Cell<bool>,
}

/// Field `name` of a container record, `Null` when its kind has none.
fn field<'r>(r: &'r Resource, name: &str) -> &'r Value {
    r.get(name).unwrap_or(&Value::Null)
}

/// Where a node is drawn: in its own subnet or VPC, or — when it has
/// neither (an Elastic IP) — where the node it is attached to is.
fn home<'a>(records: &HashMap<(&'a str, &'a str), &'a Resource>, r: &'a Resource) -> &'a Resource {
    if r.vpc_id().is_some() || r.first(Rel::InSubnet).is_some() {
        return r;
    }
    r.edges(Rel::AttachedTo)
        .find_map(|e| {
            let account = e.account_id.as_deref().unwrap_or(&r.account_id);
            records
                .get(&(account, e.to.as_str()))
                .filter(|far| far.kind.def().draw.boxed().is_some())
        })
        .copied()
        .unwrap_or(r)
}

/// Drawn on its VPC's border rather than inside: a gateway kind, or a
/// gateway endpoint (S3, DynamoDB: reached through route tables, with no
/// interface in a subnet). One with no VPC (a detached internet gateway)
/// is placed like any node.
fn on_border(r: &Resource) -> bool {
    if r.vpc_id().is_none() {
        return false;
    }
    match r.kind.def().draw {
        Draw::Gateway { .. } => true,
        _ => {
            r.kind == kinds::VPC_ENDPOINT
                && field(r, "endpoint_type")
                    .as_str()
                    .is_some_and(|t| t.eq_ignore_ascii_case("gateway"))
        }
    }
}

/// The record a hub is drawn from: its owner's, when the estate has it (a
/// shared Transit Gateway is listed by every account it is shared with).
fn owner_record<'a>(
    records: &HashMap<(&'a str, &'a str), &'a Resource>,
    r: &'a Resource,
) -> &'a Resource {
    match field(r, "owner").as_str() {
        Some(owner) if !owner.is_empty() && owner != r.account_id => {
            records.get(&(owner, r.id.as_str())).copied().unwrap_or(r)
        }
        _ => r,
    }
}

/// `17 instances, 1 NAT gateway`: the drawn nodes per kind (the first node
/// kind's zero when none is drawn); the wiring (gateways, hubs and links)
/// separately, `None` when there is none.
fn node_counts(per_kind: &[usize]) -> (String, Option<String>) {
    let count = |k: Kind| {
        let n = per_kind.get(k.index()).copied().unwrap_or(0);
        let label = if n == 1 { k.singular() } else { k.label() };
        // Gateways read as common nouns; a Transit Gateway or a VPC peering
        // connection keeps its capitals, as AWS writes it.
        let text = match k.def().draw {
            Draw::Hub { .. } | Draw::Link => label.to_string(),
            _ => in_text(label),
        };
        (n > 0).then(|| format!("{n} {text}"))
    };
    let nodes: Vec<Kind> = Kind::all()
        .filter(|k| matches!(k.def().draw, Draw::Node { .. }))
        .collect();
    let mut parts: Vec<String> = nodes.iter().filter_map(|&k| count(k)).collect();
    if parts.is_empty() {
        parts.extend(nodes.first().map(|k| format!("0 {}", k.label_in_text())));
    }
    let wiring: Vec<String> = Kind::all()
        .filter(|k| {
            matches!(
                k.def().draw,
                Draw::Gateway { .. } | Draw::Hub { .. } | Draw::Link
            )
        })
        .filter_map(count)
        .collect();
    (
        parts.join(", "),
        (!wiring.is_empty()).then(|| wiring.join(", ")),
    )
}

/// A label inside a sentence: the first letter lowered unless the first
/// word is an acronym (`NAT gateways`), as [`Kind::label_in_text`] does.
fn in_text(label: &str) -> String {
    let first = label.split(' ').next().unwrap_or(label);
    if first.chars().filter(char::is_ascii_uppercase).count() > 1 {
        label.to_string()
    } else {
        lower_first(label)
    }
}

/// A kind's label in the singular, for the legend (`VPCs` → `VPC`).
fn singular(kind: Kind) -> &'static str {
    kind.singular()
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Lay out the network of the resources at `resource_indices` in
/// `estate.resources` (indices out of range are ignored). Instances, VPCs
/// and subnets in the scope are drawn with the containers around them; a
/// peering or attachment in the scope brings its own account's VPC and its
/// hub, and connects to the far end wherever the scope draws it (else to a
/// stub).
pub fn network_scene(estate: &Estate, resource_indices: &[usize], opts: &NetworkOptions) -> Scene {
    let draws: Vec<Draw> = Kind::all().map(|k| k.def().draw).collect();
    let mut records = HashMap::new();
    let mut elb = Elb::default();
    for r in &estate.resources {
        if matches!(draws[r.kind.index()], Draw::Hidden) {
            elb.index(r);
        } else {
            records.insert((r.account_id.as_str(), r.id.as_str()), r);
        }
    }

    let mut tree: Tree = BTreeMap::new();
    let mut per_node_kind = vec![0usize; Kind::count()];
    let mut links: Vec<&Resource> = Vec::new();
    let mut lbs: Vec<&Resource> = Vec::new();
    // Hub id → the record it is drawn from.
    let mut hubs: BTreeMap<&str, &Resource> = BTreeMap::new();
    for &i in resource_indices {
        let Some(r) = estate.resources.get(i) else {
            continue;
        };
        // An account-wide resource the picture does not draw (an IAM
        // role) shows its account's frame, never a "Region global" box:
        // there is no such region.
        if r.region == GLOBAL && matches!(draws[r.kind.index()], Draw::Hidden) {
            tree.entry(r.account_id.as_str()).or_default();
            continue;
        }
        let region = tree
            .entry(r.account_id.as_str())
            .or_default()
            .entry(r.region.as_str())
            .or_default();
        match draws[r.kind.index()] {
            Draw::Node { .. } | Draw::Gateway { .. } if on_border(r) => {
                per_node_kind[r.kind.index()] += 1;
                let vpc = r.vpc_id().unwrap_or("");
                region.vpcs.entry(vpc).or_default().border.push(r);
            }
            Draw::Node { .. } | Draw::Gateway { .. } => {
                per_node_kind[r.kind.index()] += 1;
                if r.kind == kinds::LOAD_BALANCER {
                    lbs.push(r);
                }
                let home = home(&records, r);
                let vpc = home.vpc_id().unwrap_or("");
                let subnet = home.first(Rel::InSubnet).unwrap_or("");
                let subnet = if records.contains_key(&(r.account_id.as_str(), subnet)) {
                    subnet
                } else {
                    ""
                };
                region
                    .vpcs
                    .entry(vpc)
                    .or_default()
                    .subnets
                    .entry(subnet)
                    .or_default()
                    .instances
                    .push(r);
            }
            Draw::Hub { .. } => {
                let drawn = owner_record(&records, r);
                hubs.entry(drawn.id.as_str()).or_insert(drawn);
            }
            Draw::Network => {
                region.vpcs.entry(r.id.as_str()).or_default();
            }
            Draw::Subnet => {
                region
                    .vpcs
                    .entry(r.vpc_id().unwrap_or(""))
                    .or_default()
                    .subnets
                    .entry(r.id.as_str())
                    .or_default();
            }
            Draw::Link => links.push(r),
            // Security groups show in instance details; volumes are not
            // network topology. Only their account and region frame shows.
            Draw::Hidden => {}
        }
    }
    pull_in(&records, &links, &mut tree, &mut hubs);
    for hub in hubs.values() {
        per_node_kind[hub.kind.index()] += 1;
        tree.entry(hub.account_id.as_str())
            .or_default()
            .entry(hub.region.as_str())
            .or_default()
            .hubs
            .push(hub);
    }

    let plan = plan::plan(&Wiring {
        estate,
        records: &records,
        tree: &tree,
        hubs: &hubs,
        links: &links,
        lbs: &lbs,
        elb: &elb,
    });
    for (kind, n) in &plan.links {
        per_node_kind[kind.index()] += n;
    }
    let ctx = Ctx {
        records,
        nodes: Kind::all().map(NodeFields::of).collect(),
        opts,
        plan,
        down: std::cell::Cell::new(false),
    };

    let n_vpcs: usize = tree
        .values()
        .flat_map(|regions| regions.values())
        .map(|g| g.vpcs.keys().filter(|k| !k.is_empty()).count())
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
    let mut accounts: Vec<Block> = order
        .iter()
        .filter_map(|(_, _, id)| {
            let regions = tree.get(id)?;
            Some(account_block(&ctx, estate, id, regions))
        })
        .collect();
    if !ctx.plan.stubs.is_empty() {
        accounts.push(outside_block(&ctx));
    }
    let mut body = layout::best_of(&[1200.0, 1800.0, 2700.0, 4000.0, 6000.0, 9000.0], |limit| {
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
    route::connect(&ctx, &mut body);

    let (nodes, wiring) = node_counts(&per_node_kind);
    let wiring = wiring.map(|w| format!(" · {w}")).unwrap_or_default();
    let subtitle = format!(
        "{} · {nodes} in {n_vpcs} VPCs across {} accounts{wiring} · collected {}",
        estate.source.label,
        tree.len(),
        estate.collected_at
    );
    let (boxes, lines) = legend(
        &per_node_kind,
        &body,
        !ctx.plan.tags.is_empty(),
        ctx.down.get(),
    );
    let mut scene = layout::frame_with_lines(body, "Network topology", &subtitle, boxes, lines);
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

/// Bring into the picture what a link in the scope needs: the VPC of its
/// own account (a peering's side, an attachment's VPC), and the hub an
/// attachment attaches to, when the estate holds it (drawn in its owner's
/// account). A far end of another account is drawn only if the scope
/// draws it; otherwise the plan gives it a stub.
fn pull_in<'a>(
    records: &HashMap<(&'a str, &'a str), &'a Resource>,
    links: &[&'a Resource],
    tree: &mut Tree<'a>,
    hubs: &mut BTreeMap<&'a str, &'a Resource>,
) {
    for r in links {
        for e in r.edges(Rel::PeersWith).chain(r.edges(Rel::InVpc)) {
            if e.account_id.as_deref().is_none_or(|a| a == r.account_id) {
                tree.entry(r.account_id.as_str())
                    .or_default()
                    .entry(e.region.as_deref().unwrap_or(&r.region))
                    .or_default()
                    .vpcs
                    .entry(e.to.as_str())
                    .or_default();
            }
        }
        for e in r.edges(Rel::AttachedTo) {
            let account = e.account_id.as_deref().unwrap_or(&r.account_id);
            let found = records
                .get(&(account, e.to.as_str()))
                .or_else(|| records.get(&(r.account_id.as_str(), e.to.as_str())))
                .filter(|h| matches!(h.kind.def().draw, Draw::Hub { .. }));
            if let Some(h) = found {
                let drawn = owner_record(records, h);
                hubs.entry(drawn.id.as_str()).or_insert(drawn);
            }
        }
    }
}

/// The legend's box entries and connector entries.
type Legend = (Vec<(Style, String)>, Vec<(EdgeKind, String)>);

/// The legend: the frames, the container kinds, then the node kinds this
/// scene draws (the first node kind when it draws none, so an empty picture
/// still says what a box would be), each named by its descriptor's label
/// (networking boxes by their glyph too, which their boxes show), then the
/// stubs and the connector kinds drawn.
fn legend(per_node_kind: &[usize], body: &Block, tagged: bool, down: bool) -> Legend {
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
        match k.def().draw {
            Draw::Hub { glyph, .. } => {
                legend.push((style(HUB, 2.0, false), format!("{glyph}: {name}")))
            }
            Draw::Gateway { glyph, .. } => legend.push((
                style(NETWORK, 1.2, false),
                format!("{glyph}: {name} (on its VPC's border)"),
            )),
            Draw::Node { glyph, .. } if !subnet::is_compute(k) => {
                legend.push((style(NETWORK, 1.2, false), format!("{glyph}: {name}")));
            }
            _ if k.def().field_index("state").is_some() => {
                legend.push((style(RUNNING, 1.2, false), format!("{name} (running)")));
                legend.push((style(STOPPED, 1.2, true), format!("{name} (not running)")));
            }
            _ => legend.push((style(RUNNING, 1.2, false), name.to_string())),
        }
    }
    if down {
        legend.push((style(STOPPED, 1.2, true), "Not available".to_string()));
    }
    let kinds_of = |k: NodeKind| body.nodes.iter().any(|n| n.kind == k);
    if kinds_of(NodeKind::External) {
        legend.push((style(OUTSIDE, 1.2, true), "Outside this scope".to_string()));
    }
    let mut lines = Vec::new();
    let has = |k: EdgeKind| body.edges.iter().any(|e| e.kind == k);
    for (k, text) in [
        (EdgeKind::Peering, "VPC peering"),
        (EdgeKind::Spoke, "Transit Gateway attachment"),
        (EdgeKind::Bundle, "Attachments folded (× n VPCs)"),
        (EdgeKind::Target, "Load balancer → target"),
    ] {
        if has(k) {
            lines.push((k, text.to_string()));
        }
    }
    if tagged {
        legend.push((
            style(NETWORK, 1.2, false),
            "TGW tag: attachment whose spoke is folded".to_string(),
        ));
    }
    (legend, lines)
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
    reserve: f32,
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
    // (the full text stays in the details). `reserve` keeps the header's
    // right end free for the boxes on the border.
    let inner_w = inner
        .w
        .max(min_w - 2.0 * PAD)
        .max(natural.min(420.0) + reserve)
        .ceil();
    let mut labels: Vec<Label> = lines
        .iter()
        .map(|(t, s, b, c)| Label::fitted(t, *s, *b, *c, inner_w - reserve))
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
    regions: &BTreeMap<&str, RegionG>,
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
        .map(|(region, g)| region_block(ctx, account_id, region, g))
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
        0.0,
    )
}

/// A region's box: its hubs on the first row (the centre their spokes
/// converge on), then its VPCs.
fn region_block(ctx: &Ctx, account_id: &str, region: &str, g: &RegionG) -> Block {
    let hubs: Vec<Block> = g.hubs.iter().map(|r| hub_block(ctx, r)).collect();
    let blocks: Vec<Block> = g
        .vpcs
        .iter()
        .map(|(vpc_id, g)| vpc_block(ctx, account_id, region, vpc_id, g))
        .collect();
    container(
        format!("{account_id}/{region}"),
        NodeKind::Region,
        style(REGION, 1.5, true),
        vec![(format!("Region {region}"), 12.0, true, REGION.1)],
        vec![format!("Region {region} of account {account_id}")],
        vec![hubs, blocks],
        2400.0,
        200.0,
        0.0,
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
    if let Some(notes) = ctx.plan.notes.get(vpc_id).filter(|_| !vpc_id.is_empty()) {
        details.extend(notes.iter().cloned());
    }
    // Gateways, then the tags of folded attachments, on the top border;
    // the header keeps its right end free for them.
    // Internet first, then egress-only, then endpoints: the order traffic
    // leaving for the internet, then for AWS services, meets them.
    let rank = |r: &Resource| match r.kind {
        k if k == kinds::INTERNET_GATEWAY => 0,
        k if k == kinds::EGRESS_ONLY_INTERNET_GATEWAY => 1,
        k if k == kinds::VPC_ENDPOINT => 3,
        _ => 2,
    };
    let mut border = g.border.clone();
    border.sort_by(|a, b| {
        (rank(a), a.display_name(), &a.id).cmp(&(rank(b), b.display_name(), &b.id))
    });
    let mut tags: Vec<_> = border.iter().map(|r| border_tag(ctx, r)).collect();
    if let Some(folded) = ctx
        .plan
        .tags
        .get(&(account_id.to_string(), vpc_id.to_string()))
    {
        tags.extend(folded.iter().cloned());
    }
    let reserve = boxes::border_width(&tags).map_or(0.0, |w| w + GAP);
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
        let vpc = container(
            id,
            NodeKind::Vpc,
            style(VPC, 1.5, true),
            lines,
            details,
            Vec::new(),
            0.0,
            260.0,
            reserve,
        );
        return with_border(ctx, vpc, &tags);
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
    let vpc = container(
        id,
        NodeKind::Vpc,
        style(VPC, 1.5, false),
        vec![(title, 12.5, true, TEXT), (second, 10.5, false, MUTED)],
        details,
        groups,
        // Room for three AZs of three-glyph-wide subnets side by side.
        1800.0,
        240.0,
        reserve,
    );
    with_border(ctx, vpc, &tags)
}

#[cfg(test)]
mod tests;
