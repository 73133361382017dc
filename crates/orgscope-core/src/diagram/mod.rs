//! Diagrams of an estate: the org tree and the network topology. Each
//! layout turns an [`Estate`](crate::model::Estate) into one [`Scene`] — a
//! flat list of positioned boxes, labels, edges and a legend in pixel units —
//! and everything else only draws a scene: [`to_svg`], [`to_png`] (resvg on
//! our own SVG) and the egui canvas in `ui::diagram_view`. That single scene
//! is why what you see is what you export.
//!
//! Pure: no egui, tokio or AWS SDK. Layouts are deterministic functions of
//! the estate and options (ordered maps, no hashing order, no clock), and
//! text is sized with the bundled fonts of [`text`].

pub mod access;
pub mod connectivity;
pub mod drawio;
mod layout;
pub mod network;
pub mod org;
pub mod png;
pub mod svg;
pub mod text;

pub use access::{AccessOptions, access_scene};
pub use connectivity::{ConnectivityOptions, connectivity_scene};
pub use drawio::to_drawio;
pub use network::{NetworkOptions, network_scene};
pub use org::{CostColours, OrgOptions, org_scene};
pub use png::{DiagramError, to_png};
pub use svg::to_svg;

/// A point in scene pixels (origin top left, y down).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub x: f32,
    pub y: f32,
}

impl Point {
    pub const fn new(x: f32, y: f32) -> Point {
        Point { x, y }
    }
}

/// An axis-aligned rectangle in scene pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl Rect {
    pub const fn new(x: f32, y: f32, w: f32, h: f32) -> Rect {
        Rect { x, y, w, h }
    }
    pub fn right(&self) -> f32 {
        self.x + self.w
    }
    pub fn bottom(&self) -> f32 {
        self.y + self.h
    }
    pub fn center(&self) -> Point {
        Point::new(self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
    pub fn contains(&self, p: Point) -> bool {
        p.x >= self.x && p.x <= self.right() && p.y >= self.y && p.y <= self.bottom()
    }
    /// True when `other` lies entirely inside (edges may touch).
    pub fn contains_rect(&self, other: &Rect) -> bool {
        const EPS: f32 = 0.01;
        other.x >= self.x - EPS
            && other.y >= self.y - EPS
            && other.right() <= self.right() + EPS
            && other.bottom() <= self.bottom() + EPS
    }
    /// True when the interiors overlap (touching edges do not count).
    pub fn overlaps(&self, other: &Rect) -> bool {
        const EPS: f32 = 0.01;
        self.x + EPS < other.right()
            && other.x + EPS < self.right()
            && self.y + EPS < other.bottom()
            && other.y + EPS < self.bottom()
    }
    pub fn translate(&mut self, dx: f32, dy: f32) {
        self.x += dx;
        self.y += dy;
    }
}

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Color(pub u8, pub u8, pub u8);

impl Color {
    pub const WHITE: Color = Color(255, 255, 255);
    /// `#rrggbb`, as SVG wants it.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// How a box is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    pub fill: Color,
    pub stroke: Color,
    pub stroke_width: f32,
    /// Dashed outline: used for suspended accounts and collapsed VPCs.
    pub dashed: bool,
    pub radius: f32,
}

/// One line of text, positioned by its left end on the baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub text: String,
    pub x: f32,
    /// Baseline.
    pub y: f32,
    /// Font size in pixels.
    pub size: f32,
    pub bold: bool,
    pub color: Color,
    /// Measured width with the bundled font; layouts guarantee it fits the box.
    pub width: f32,
}

impl Label {
    /// A label whose text is cut with an ellipsis to fit `max_width`.
    pub fn fitted(text: &str, size: f32, bold: bool, color: Color, max_width: f32) -> Label {
        let text = text::ellipsize(text, size, bold, max_width).into_owned();
        let width = text::text_width(&text, size, bold);
        Label {
            text,
            x: 0.0,
            y: 0.0,
            size,
            bold,
            color,
            width,
        }
    }
    pub fn at(mut self, x: f32, y: f32) -> Label {
        self.x = x;
        self.y = y;
        self
    }
}

/// What a box stands for; also its CSS class in the SVG.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeKind {
    Root,
    OrgUnit,
    Account,
    Region,
    Vpc,
    Subnet,
    /// A resource box inside its subnet (or VPC, or region): an instance,
    /// and any other kind drawn as a node (NAT gateway, load balancer,
    /// interface endpoint, address).
    Instance,
    /// A box on its VPC's top border, straddling it (half outside, half
    /// inside): an internet gateway, a gateway endpoint, or the tag of a
    /// Transit Gateway attachment whose spoke is folded. Its `parent` is the
    /// VPC although it is not inside it: containment checks test instead
    /// that it straddles the parent's top edge and lies inside the
    /// grandparent.
    Gateway,
    /// A hub between networks (a Transit Gateway), in its region's box.
    Hub,
    /// The far end of a connector that the scope does not draw (a peered
    /// VPC or a Transit Gateway in another account): a small stub so the
    /// connector is kept, inside the [`NodeKind::Outside`] group.
    External,
    /// The group holding the [`NodeKind::External`] stubs.
    Outside,
}

impl NodeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Root => "root",
            NodeKind::OrgUnit => "ou",
            NodeKind::Account => "account",
            NodeKind::Region => "region",
            NodeKind::Vpc => "vpc",
            NodeKind::Subnet => "subnet",
            NodeKind::Instance => "instance",
            NodeKind::Gateway => "gateway",
            NodeKind::Hub => "hub",
            NodeKind::External => "external",
            NodeKind::Outside => "outside",
        }
    }

    /// A box that holds other boxes (or stands in a tree): drawn under the
    /// styled connectors, which cross containers to reach their ends. The
    /// others (resources, gateways, hubs, stubs) are drawn over them, so a
    /// connector never hides a resource's name.
    pub fn is_container(self) -> bool {
        matches!(
            self,
            NodeKind::Root
                | NodeKind::OrgUnit
                | NodeKind::Account
                | NodeKind::Region
                | NodeKind::Vpc
                | NodeKind::Subnet
                | NodeKind::Outside
        )
    }
}

/// A box of the diagram.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Account id, OU id or resource id: the same ids the table uses, so a
    /// click in the diagram selects the row. Synthetic containers (a region,
    /// "no subnet") get ids that no row has.
    pub id: String,
    pub kind: NodeKind,
    pub rect: Rect,
    pub style: Style,
    pub labels: Vec<Label>,
    /// Index in [`Scene::nodes`] of the container this box is drawn inside
    /// (network diagrams); containers always come before their children.
    pub parent: Option<usize>,
    /// Full, unabridged text for hover details and the SVG `<title>`:
    /// labels may be ellipsized, this never is.
    pub details: Vec<String>,
}

/// What a connector stands for; also its CSS class in the SVG, and so how
/// it is drawn ([`EdgeKind::stroke`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum EdgeKind {
    /// A tree connector (the org chart): thin, solid, in the scene's edge
    /// colour, drawn under every box.
    #[default]
    Plain,
    /// A VPC peering connection between two VPCs: dashed blue.
    Peering,
    /// A Transit Gateway attachment: a spoke from a VPC to its hub.
    Spoke,
    /// Several attachments folded into one spoke (labelled `× n VPCs`):
    /// a thicker spoke.
    Bundle,
    /// A load balancer to a target it forwards to: orange, with an arrow.
    Target,
    /// A VPC endpoint or other service path shared between networks:
    /// dotted teal.
    Endpoint,
    /// Roles of the far account trust the near one (the access diagram):
    /// indigo, with an arrow into the trusting account.
    Trust,
    /// The same with a finding (admin role open to another account, no
    /// ExternalId, anyone): red, heavier.
    TrustRisk,
}

/// How a connector is stroked, resolved from its [`EdgeKind`] so the SVG
/// and the screen draw it the same way.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stroke {
    pub color: Color,
    pub width: f32,
    /// Dash and gap lengths, or solid.
    pub dash: Option<(f32, f32)>,
    /// An arrowhead at the last point ([`Edge::arrow`]).
    pub arrow: bool,
}

impl EdgeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Plain => "plain",
            EdgeKind::Peering => "peering",
            EdgeKind::Spoke => "spoke",
            EdgeKind::Bundle => "bundle",
            EdgeKind::Target => "target",
            EdgeKind::Endpoint => "endpoint",
            EdgeKind::Trust => "trust",
            EdgeKind::TrustRisk => "trust-risk",
        }
    }

    /// The stroke of a connector of this kind; `plain` is the scene's edge
    /// colour (see [`Scene::stroke`]).
    pub fn stroke(self, plain: Color) -> Stroke {
        let (color, width, dash, arrow) = match self {
            EdgeKind::Plain => (plain, 1.2, None, false),
            EdgeKind::Peering => (Color(0x1d, 0x6f, 0xd1), 1.6, Some((6.0, 4.0)), false),
            EdgeKind::Spoke => (Color(0x8c, 0x4f, 0xff), 1.5, None, false),
            EdgeKind::Bundle => (Color(0x8c, 0x4f, 0xff), 2.6, None, false),
            EdgeKind::Target => (Color(0xd0, 0x5c, 0x00), 1.3, None, true),
            EdgeKind::Endpoint => (Color(0x00, 0x7f, 0x86), 1.5, Some((2.0, 3.0)), false),
            EdgeKind::Trust => (Color(0x43, 0x38, 0xca), 1.3, None, true),
            EdgeKind::TrustRisk => (Color(0xdc, 0x26, 0x26), 1.8, None, true),
        };
        Stroke {
            color,
            width,
            dash,
            arrow,
        }
    }

    /// Drawn over the container boxes rather than under every box: the
    /// connectors between networks and resources, which cross containers.
    pub fn is_styled(self) -> bool {
        self != EdgeKind::Plain
    }
}

/// Size of the text on a connector.
pub const EDGE_LABEL_SIZE: f32 = 10.0;
/// Widest text on a connector before it is ellipsized.
const EDGE_LABEL_MAX: f32 = 240.0;

/// A connector: a polyline from a box to a box, plain (drawn under the
/// boxes, the org chart's tree) or styled (a peering, a spoke, a load
/// balancer's target: drawn over the containers and under the resource
/// boxes), with an optional label on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub points: Vec<Point>,
    pub kind: EdgeKind,
    /// Text on the connector, already positioned on it; renderers draw it
    /// over a backdrop ([`Label::backdrop`]) so a crossing line does not
    /// strike it through.
    pub label: Option<Label>,
}

impl Edge {
    /// A plain connector from node id `from` to node id `to` along `points`.
    pub fn new(from: impl Into<String>, to: impl Into<String>, points: Vec<Point>) -> Edge {
        Edge {
            from: from.into(),
            to: to.into(),
            points,
            kind: EdgeKind::Plain,
            label: None,
        }
    }

    /// The same connector drawn as `kind`.
    pub fn styled(mut self, kind: EdgeKind) -> Edge {
        self.kind = kind;
        self
    }

    /// The same connector with `text` centred halfway along it. Call after
    /// [`Edge::styled`]: the label takes the connector's colour.
    pub fn labeled(self, text: &str) -> Edge {
        self.labeled_at(text, 0.5)
    }

    /// The same connector with `text` centred at `fraction` (0 = its start,
    /// 1 = its end) of its length: several connectors meeting at one box
    /// keep their labels apart by labelling their far ends.
    pub fn labeled_at(mut self, text: &str, fraction: f32) -> Edge {
        let color = darker(self.kind.stroke(Color(0x47, 0x55, 0x69)).color);
        let label = Label::fitted(text, EDGE_LABEL_SIZE, false, color, EDGE_LABEL_MAX);
        let at = point_along(&self.points, fraction.clamp(0.0, 1.0));
        let (x, y) = (at.x - label.width / 2.0, at.y + EDGE_LABEL_SIZE * 0.35);
        self.label = Some(label.at(x, y));
        self
    }

    /// The arrowhead of a connector whose stroke has one: a triangle at the
    /// last point, along the last segment.
    pub fn arrow(&self, stroke: &Stroke) -> Option<[Point; 3]> {
        if !stroke.arrow {
            return None;
        }
        let n = self.points.len();
        let (tip, from) = (
            *self.points.get(n.checked_sub(1)?)?,
            *self.points.get(n.checked_sub(2)?)?,
        );
        let (dx, dy) = (tip.x - from.x, tip.y - from.y);
        let len = (dx * dx + dy * dy).sqrt();
        if len < 0.01 {
            return None;
        }
        let (ux, uy) = (dx / len, dy / len);
        let (long, half) = (4.0 + 2.5 * stroke.width, 1.5 + 1.5 * stroke.width);
        let base = Point::new(tip.x - ux * long, tip.y - uy * long);
        Some([
            tip,
            Point::new(base.x - uy * half, base.y + ux * half),
            Point::new(base.x + uy * half, base.y - ux * half),
        ])
    }
}

/// A colour darkened for text on white (a line colour is often too light
/// to read as text).
fn darker(c: Color) -> Color {
    let d = |v: u8| (f32::from(v) * 0.75) as u8;
    Color(d(c.0), d(c.1), d(c.2))
}

/// The point at `fraction` of a polyline's length.
fn point_along(points: &[Point], fraction: f32) -> Point {
    let seg = |a: &Point, b: &Point| ((b.x - a.x).powi(2) + (b.y - a.y).powi(2)).sqrt();
    let total: f32 = points.windows(2).map(|w| seg(&w[0], &w[1])).sum();
    let mut left = total * fraction;
    for w in points.windows(2) {
        let l = seg(&w[0], &w[1]);
        if l > 0.0 && left <= l {
            let t = left / l;
            return Point::new(
                w[0].x + (w[1].x - w[0].x) * t,
                w[0].y + (w[1].y - w[0].y) * t,
            );
        }
        left -= l;
    }
    points.last().copied().unwrap_or(Point::new(0.0, 0.0))
}

/// One entry of the legend: a swatch and its meaning, already positioned.
/// The swatch is a box in `style`, or — when `line` is set — a short
/// stretch of that kind of connector across the swatch's middle.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendItem {
    pub swatch: Rect,
    pub style: Style,
    pub label: Label,
    pub line: Option<EdgeKind>,
}

/// A laid-out diagram in pixels, ready to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct Scene {
    pub width: f32,
    pub height: f32,
    pub background: Color,
    pub edge_color: Color,
    /// Free text: the title and subtitle above the diagram.
    pub texts: Vec<Label>,
    /// Containers before their contents: drawing in order is correct.
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    pub legend: Vec<LegendItem>,
}

impl Scene {
    /// The innermost box under `p` (the last drawn wins), for hover and click.
    pub fn node_at(&self, p: Point) -> Option<usize> {
        self.nodes.iter().rposition(|n| n.rect.contains(p))
    }

    /// The box with this id, if drawn.
    pub fn find(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }

    /// How connector `e` is stroked in this scene.
    pub fn stroke(&self, e: &Edge) -> Stroke {
        e.kind.stroke(self.edge_color)
    }

    /// Does the scene have styled connectors (drawn in their own layer)?
    pub fn has_links(&self) -> bool {
        self.edges.iter().any(|e| e.kind.is_styled())
    }

    /// The drawing order every renderer follows: plain connectors, then
    /// the boxes of the first list (in scene order), then — when the scene
    /// [has links](Scene::has_links) — the styled connectors and the labels of the
    /// first list's boxes again, each with a halo of its box's fill (the
    /// line breaks around the letters), then the boxes of the second list. With styled connectors, the
    /// containers come first and the resource boxes last, so a peering
    /// crosses a VPC's box but never its name nor an instance; without
    /// them every box is in the first list, in scene order.
    pub fn box_layers(&self) -> (Vec<usize>, Vec<usize>) {
        let all = 0..self.nodes.len();
        if !self.has_links() {
            return (all.collect(), Vec::new());
        }
        all.partition(|&i| self.nodes[i].kind.is_container())
    }
}

impl Label {
    /// The rectangle a label's text occupies, padded: the backdrop drawn
    /// behind a connector's label.
    pub fn backdrop(&self) -> Rect {
        Rect::new(
            self.x - 3.0,
            self.y - self.size,
            self.width + 6.0,
            (self.size * 1.3).round(),
        )
    }
}
