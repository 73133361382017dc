//! The app's look: a calm, dense style for both light and dark themes
//! (egui follows the system theme), and the few semantic colours the app
//! uses beyond egui's own (diff statuses, coverage badges).

use egui::{Color32, FontFamily, FontId, TextStyle, Visuals};

use super::diagram_view;

pub fn apply(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    // Hack (bundled for monospace) has the arrows and triangles the UI
    // uses; Ubuntu-Light alone does not.
    if let Some(list) = fonts.families.get_mut(&FontFamily::Proportional)
        && !list.iter().any(|f| f == "Hack")
    {
        list.push("Hack".to_string());
    }
    // Tag values, names and OU names in Chinese, Japanese or Korean drew as
    // boxes in the tables: the diagrams' bundled fallback font goes behind
    // every family, so text the exports draw the app draws too.
    diagram_view::add_bundled_fonts(&mut fonts);
    ctx.set_fonts(fonts);
    ctx.all_styles_mut(|style| {
        style.text_styles = [
            (
                TextStyle::Heading,
                FontId::new(17.0, FontFamily::Proportional),
            ),
            (TextStyle::Body, FontId::new(13.0, FontFamily::Proportional)),
            (
                TextStyle::Button,
                FontId::new(13.0, FontFamily::Proportional),
            ),
            (
                TextStyle::Small,
                FontId::new(11.0, FontFamily::Proportional),
            ),
            (
                TextStyle::Monospace,
                FontId::new(12.5, FontFamily::Monospace),
            ),
        ]
        .into();
        let s = &mut style.spacing;
        s.item_spacing = egui::vec2(8.0, 5.0);
        s.button_padding = egui::vec2(8.0, 3.0);
        s.interact_size.y = 22.0;
        s.indent = 16.0;
        style.visuals.window_corner_radius = egui::CornerRadius::same(6);
        style.visuals.menu_corner_radius = egui::CornerRadius::same(5);
        style.visuals.widgets.noninteractive.corner_radius = egui::CornerRadius::same(4);
        style.visuals.widgets.inactive.corner_radius = egui::CornerRadius::same(4);
        style.visuals.widgets.hovered.corner_radius = egui::CornerRadius::same(4);
        style.visuals.widgets.active.corner_radius = egui::CornerRadius::same(4);
    });
}

/// The gutter between panes. Left unfilled it showed the window's clear
/// colour: near black, which in the light theme framed every pane in a
/// heavy black band.
pub fn gutter(v: &Visuals) -> Color32 {
    if v.dark_mode {
        v.extreme_bg_color
    } else {
        Color32::from_gray(222)
    }
}

/// Colour for "only in the left pane".
pub fn only_left(v: &Visuals) -> Color32 {
    if v.dark_mode {
        Color32::from_rgb(240, 120, 110)
    } else {
        Color32::from_rgb(180, 40, 30)
    }
}

/// Colour for "only in the right pane".
pub fn only_right(v: &Visuals) -> Color32 {
    if v.dark_mode {
        Color32::from_rgb(110, 200, 130)
    } else {
        Color32::from_rgb(20, 120, 50)
    }
}

/// Colour for "changed".
pub fn changed(v: &Visuals) -> Color32 {
    v.warn_fg_color
}

/// Soft background for a highlighted (changed) cell.
pub fn changed_bg(v: &Visuals) -> Color32 {
    let c = v.warn_fg_color;
    Color32::from_rgba_unmultiplied(c.r(), c.g(), c.b(), if v.dark_mode { 40 } else { 50 })
}

/// Text that should recede (counts, ids next to names).
pub fn muted(v: &Visuals) -> Color32 {
    v.weak_text_color()
}

/// A small rounded label, used for statuses and badges.
pub fn chip(ui: &mut egui::Ui, text: &str, color: Color32) -> egui::Response {
    let bg = Color32::from_rgba_unmultiplied(color.r(), color.g(), color.b(), 36);
    egui::Frame::new()
        .fill(bg)
        .corner_radius(egui::CornerRadius::same(3))
        .inner_margin(egui::Margin::symmetric(5, 0))
        .show(ui, |ui| {
            ui.label(egui::RichText::new(text).small().color(color))
        })
        .inner
}

/// Thousands separators for counts.
pub fn count(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_group_thousands() {
        assert_eq!(super::count(0), "0");
        assert_eq!(super::count(1234), "1,234");
        assert_eq!(super::count(100000), "100,000");
    }
}
