//! Text measurement with the fonts the project ships in `assets/fonts`: the
//! layouts size every box from these widths, and `png` hands the very same
//! font bytes to resvg, so a label that fits here fits in every export.
//!
//! Widths are the sum of horizontal advances (no kerning): shaping with
//! kerning only ever makes Latin text narrower, so a measured width is a
//! safe upper bound for what resvg draws. Characters the main font lacks
//! (CJK) are measured with the fallback font, as resvg falls back to it.

use std::borrow::Cow;
use std::sync::OnceLock;

/// DejaVu Sans regular: the diagram face.
pub static REGULAR: &[u8] = include_bytes!("../../../../assets/fonts/DejaVuSans.ttf");
/// DejaVu Sans bold: titles and names.
pub static BOLD: &[u8] = include_bytes!("../../../../assets/fonts/DejaVuSans-Bold.ttf");
/// Droid Sans Fallback: CJK and whatever else DejaVu lacks.
pub static FALLBACK: &[u8] = include_bytes!("../../../../assets/fonts/DroidSansFallback.ttf");

/// The `font-family` written into SVGs: the bundled face first, its fallback
/// second, so viewers without our fonts still pick something sensible.
pub const FONT_FAMILY: &str = "DejaVu Sans";
pub const FALLBACK_FAMILY: &str = "Droid Sans Fallback";

/// The ellipsis appended to labels cut to fit their box.
pub const ELLIPSIS: char = '…';

struct Face {
    face: ttf_parser::Face<'static>,
    /// 1 / units-per-em, so widths come out in ems.
    scale: f32,
    /// Advances of printable ASCII in ems: almost every label is ASCII, and
    /// a table lookup keeps the 2,000-account layout cheap.
    ascii: [f32; 128],
}

impl Face {
    fn load(data: &'static [u8]) -> Option<Face> {
        let face = ttf_parser::Face::parse(data, 0).ok()?;
        let scale = 1.0 / f32::from(face.units_per_em().max(1));
        let mut ascii = [0.0; 128];
        for (i, slot) in ascii.iter_mut().enumerate() {
            let c = char::from(i as u8);
            if let Some(g) = face.glyph_index(c) {
                *slot = f32::from(face.glyph_hor_advance(g).unwrap_or(0)) * scale;
            }
        }
        Some(Face { face, scale, ascii })
    }

    /// Advance in ems, or `None` when the face has no glyph for `c`.
    fn advance(&self, c: char) -> Option<f32> {
        if c.is_ascii() && !c.is_ascii_control() {
            return Some(self.ascii[c as usize]);
        }
        let g = self.face.glyph_index(c)?;
        Some(f32::from(self.face.glyph_hor_advance(g)?) * self.scale)
    }
}

struct Faces {
    regular: Face,
    bold: Face,
    fallback: Face,
}

fn faces() -> Option<&'static Faces> {
    static FACES: OnceLock<Option<Faces>> = OnceLock::new();
    FACES
        .get_or_init(|| {
            Some(Faces {
                regular: Face::load(REGULAR)?,
                bold: Face::load(BOLD)?,
                fallback: Face::load(FALLBACK)?,
            })
        })
        .as_ref()
}

/// Width in pixels of `text` set at `size` pixels, regular or bold.
pub fn text_width(text: &str, size: f32, bold: bool) -> f32 {
    let Some(f) = faces() else {
        // The fonts are compiled in, so this is unreachable in practice; a
        // generous estimate keeps layouts usable rather than panicking.
        return text.chars().count() as f32 * size * 0.7;
    };
    let main = if bold { &f.bold } else { &f.regular };
    let ems: f32 = text
        .chars()
        .map(|c| {
            main.advance(c)
                .or_else(|| f.fallback.advance(c))
                // A character no font has is drawn as a box about 0.6 em wide.
                .unwrap_or(0.6)
        })
        .sum();
    ems * size
}

/// `text` itself when it fits in `max_width`, otherwise its longest prefix
/// that fits with an ellipsis appended.
pub fn ellipsize(text: &str, size: f32, bold: bool, max_width: f32) -> Cow<'_, str> {
    if text_width(text, size, bold) <= max_width {
        return Cow::Borrowed(text);
    }
    let budget = max_width - text_width("…", size, bold);
    let mut width = 0.0;
    let mut end = 0;
    for (i, c) in text.char_indices() {
        let w = text_width(c.encode_utf8(&mut [0; 4]), size, bold);
        if width + w > budget {
            break;
        }
        width += w;
        end = i + c.len_utf8();
    }
    let mut out = text[..end].trim_end().to_string();
    out.push(ELLIPSIS);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_grow_with_text_size_and_weight() {
        let w = text_width("prod-payments", 12.0, false);
        assert!(w > 50.0 && w < 120.0, "{w}");
        assert!(text_width("prod-payments", 24.0, false) > w * 1.9);
        assert!(text_width("prod-payments", 12.0, true) > w);
        // CJK comes from the fallback font: about one em per character.
        let cjk = text_width("本番環境", 12.0, false);
        assert!(cjk > 40.0 && cjk < 56.0, "{cjk}");
    }

    #[test]
    fn ellipsize_cuts_to_fit() {
        let long = "a-very-long-account-name-that-will-not-fit";
        let cut = ellipsize(long, 12.0, false, 100.0);
        assert!(cut.ends_with(ELLIPSIS));
        assert!(text_width(&cut, 12.0, false) <= 100.0);
        assert_eq!(ellipsize("short", 12.0, false, 100.0), "short");
    }
}
