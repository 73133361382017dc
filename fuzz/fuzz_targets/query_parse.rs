//! The filter language: any text typed into the filter box parses or gives
//! an error whose column points inside the input (plus one for "at the
//! end"), never a panic.
//!
//! Inputs starting with the byte 0xFF (never valid UTF-8, so no text input
//! is lost to it) build a long, deeply nested filter instead: the next two
//! bytes are how many levels (up to 65,535), the fourth picks the opener
//! (`(`, `-`, `NOT `, or `(-`), the rest is the text in the middle. Random
//! bytes almost never nest that deep, and depth is what overflowed the
//! stack before the parser had a limit: past `query::MAX_DEPTH` it must
//! refuse.
#![no_main]

use libfuzzer_sys::fuzz_target;
use orgscope_core::query;

/// `levels` of `style`'s opener around `inner`, closed where it opens a
/// group; returns the filter and how deep its openers nest.
fn nested(levels: usize, style: u8, inner: &str) -> (String, usize) {
    match style % 4 {
        0 => (
            format!("{}{inner}{}", "(".repeat(levels), ")".repeat(levels)),
            levels,
        ),
        1 => (format!("{}{inner}", "-".repeat(levels)), levels),
        2 => (format!("{}{inner}", "NOT ".repeat(levels)), levels),
        _ => (
            format!("{}{inner}{}", "(-".repeat(levels), ")".repeat(levels)),
            2 * levels,
        ),
    }
}

fuzz_target!(|data: &[u8]| {
    let (text, depth) = match data {
        [0xFF, lo, hi, style, rest @ ..] => {
            let Ok(inner) = std::str::from_utf8(rest) else {
                return;
            };
            nested(usize::from(u16::from_le_bytes([*lo, *hi])), *style, inner)
        }
        _ => {
            let Ok(text) = std::str::from_utf8(data) else {
                return;
            };
            (text.to_string(), 0)
        }
    };
    match query::parse(&text) {
        Ok(_) => assert!(depth <= query::MAX_DEPTH, "{depth} levels parsed: {text:?}"),
        Err(e) => assert!(
            e.col >= 1 && e.col <= text.chars().count() + 1,
            "{e:?} for {text:?}"
        ),
    }
});
