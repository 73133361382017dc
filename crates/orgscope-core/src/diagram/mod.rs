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

pub mod connectivity;
pub mod drawio;
mod layout;
pub mod network;
pub mod org;
pub mod png;
pub mod svg;
pub mod text;

pub use connectivity::{ConnectivityOptions, connectivity_scene};
pub use drawio::to_drawio;
pub use network::{NetworkOptions, network_scene};
pub use org::{OrgOptions, org_scene};
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
    Instance,
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
        }
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

/// A connector drawn under the boxes: an orthogonal polyline.
#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub points: Vec<Point>,
}

impl Edge {
    /// A plain connector from node id `from` to node id `to` along `points`.
    pub fn new(from: impl Into<String>, to: impl Into<String>, points: Vec<Point>) -> Edge {
        Edge {
            from: from.into(),
            to: to.into(),
            points,
        }
    }
}

/// One entry of the legend: a swatch and its meaning, already positioned.
#[derive(Debug, Clone, PartialEq)]
pub struct LegendItem {
    pub swatch: Rect,
    pub style: Style,
    pub label: Label,
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
}
