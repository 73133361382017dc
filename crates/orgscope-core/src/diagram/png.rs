//! PNG export: resvg renders our own SVG (no GPU, no display), with a font
//! database holding only the bundled fonts that [`text`](super::text)
//! measured with, so the PNG shows exactly what the SVG describes and no
//! system font can change a line break or a clipped label.

use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

use super::text::{self, FONT_FAMILY};
use super::{Scene, to_svg};

/// Why a diagram could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum DiagramError {
    #[error("scale must be a number between 0.1 and 8, got {0}")]
    InvalidScale(f32),
    #[error(
        "the diagram would be {width}×{height} pixels at this scale, over the {max}-pixel limit per side; export SVG, lower --scale, or narrow the scope with --filter"
    )]
    TooLarge { width: u32, height: u32, max: u32 },
    #[error("could not read the generated SVG: {0}")]
    Svg(String),
    #[error("could not encode the PNG: {0}")]
    Encode(String),
}

/// Largest PNG side we render: beyond this the pixel buffer alone would be
/// gigabytes, and no viewer opens it usefully.
pub const MAX_SIDE: u32 = 32_000;
/// Pixel budget (about 1 GiB of RGBA).
const MAX_PIXELS: u64 = 256_000_000;

fn fontdb() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(text::REGULAR.to_vec());
        db.load_font_data(text::BOLD.to_vec());
        db.load_font_data(text::FALLBACK.to_vec());
        db.set_sans_serif_family(FONT_FAMILY);
        Arc::new(db)
    })
    .clone()
}

/// Render the scene to PNG bytes at `scale` (1.0 = one pixel per scene unit).
pub fn to_png(scene: &Scene, scale: f32) -> Result<Vec<u8>, DiagramError> {
    if !scale.is_finite() || !(0.1..=8.0).contains(&scale) {
        return Err(DiagramError::InvalidScale(scale));
    }
    let width = (scene.width * scale).ceil().max(1.0) as u32;
    let height = (scene.height * scale).ceil().max(1.0) as u32;
    if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(DiagramError::TooLarge {
            width,
            height,
            max: MAX_SIDE,
        });
    }
    let svg = to_svg(scene);
    let opts = usvg::Options {
        font_family: FONT_FAMILY.to_string(),
        fontdb: fontdb(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(&svg, &opts).map_err(|e| DiagramError::Svg(e.to_string()))?;
    let mut pixmap = tiny_skia::Pixmap::new(width, height).ok_or(DiagramError::TooLarge {
        width,
        height,
        max: MAX_SIDE,
    })?;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| DiagramError::Encode(e.to_string()))
}
