//! The application icon: one SVG in `assets/`, rendered with resvg for the
//! window icon and for the hicolor PNG sizes the Linux package installs, so
//! every size comes from the same drawing.

use resvg::{tiny_skia, usvg};

/// The icon as drawn, compiled into the binary.
pub const ICON_SVG: &str = include_str!("../assets/orgscope.svg");

/// Sizes installed under `share/icons/hicolor/<n>x<n>/apps/`.
pub const HICOLOR_SIZES: [u32; 7] = [16, 24, 32, 48, 64, 128, 256];

#[derive(Debug, thiserror::Error)]
pub enum IconError {
    #[error("the built-in icon SVG is invalid: {0}")]
    Svg(#[from] usvg::Error),
    #[error("cannot render an icon of {0}x{0} pixels")]
    Size(u32),
    #[error("cannot encode the icon as PNG: {0}")]
    Png(String),
}

/// Render the icon to a square premultiplied-free RGBA buffer of `size`².
pub fn render_rgba(size: u32) -> Result<Vec<u8>, IconError> {
    let pixmap = render(size)?;
    // tiny-skia stores premultiplied alpha; window icons want straight alpha.
    Ok(pixmap
        .pixels()
        .iter()
        .flat_map(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue(), c.alpha()]
        })
        .collect())
}

/// Render the icon to PNG bytes of `size`².
pub fn render_png(size: u32) -> Result<Vec<u8>, IconError> {
    render(size)?
        .encode_png()
        .map_err(|e| IconError::Png(e.to_string()))
}

fn render(size: u32) -> Result<tiny_skia::Pixmap, IconError> {
    let tree = usvg::Tree::from_str(ICON_SVG, &usvg::Options::default())?;
    let mut pixmap = tiny_skia::Pixmap::new(size, size).ok_or(IconError::Size(size))?;
    let scale = size as f32 / tree.size().width().max(tree.size().height());
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    Ok(pixmap)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_every_size_with_visible_pixels() {
        for size in HICOLOR_SIZES {
            let rgba = render_rgba(size).expect("render");
            assert_eq!(rgba.len(), (size * size * 4) as usize);
            let opaque = rgba.chunks(4).filter(|p| p[3] > 200).count();
            // The rounded square covers most of the canvas.
            assert!(opaque > (size * size) as usize / 2, "size {size}: {opaque}");
        }
        let png = render_png(32).expect("png");
        assert_eq!(&png[1..4], b"PNG");
    }
}
