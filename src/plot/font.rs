//! The one font every chart uses, carried inside the program so that PNG text (Chinese names
//! included) never depends on the fonts of the machine that draws it.
//!
//! WenQuanYi Micro Hei (assets/fonts/, Apache-2.0) covers Latin and CJK in one file, which
//! matters because plotters draws each string with a single font and has no fallback chain.

use plotters::style::{FontStyle, register_font};
use std::sync::Once;

/// The family name charts ask for. It is also what the SVG backend writes as `font-family`,
/// so browsers showing an SVG use their own sans-serif font with its CJK fallbacks.
pub const FAMILY: &str = "sans-serif";

static FONT: &[u8] = include_bytes!("../../assets/fonts/wqy-microhei.ttc");
static REGISTER: Once = Once::new();

/// Registers the embedded font with plotters (once per process). Drawing text with an
/// unregistered family fails, so every renderer calls this first.
pub fn register() {
    REGISTER.call_once(|| {
        // The bytes are fixed at compile time and the unit test below proves they parse, so a
        // failure here is a build defect, not a runtime condition.
        if register_font(FAMILY, FontStyle::Normal, FONT).is_err() {
            panic!("the embedded font assets/fonts/wqy-microhei.ttc does not parse");
        }
        for style in [FontStyle::Bold, FontStyle::Italic, FontStyle::Oblique] {
            let _ = register_font(FAMILY, style, FONT);
        }
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn embedded_font_parses() {
        super::register();
    }
}
