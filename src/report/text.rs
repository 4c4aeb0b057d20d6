use unicode_width::UnicodeWidthStr;

/// Display width in terminal columns: a CJK character takes two.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Pads on the right to `cols` display columns.
pub fn pad(s: &str, cols: usize) -> String {
    let w = width(s);
    let mut out = s.to_string();
    out.extend(std::iter::repeat_n(' ', cols.saturating_sub(w)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_counts_double() {
        assert_eq!(width("王芳"), 4);
        assert_eq!(pad("王芳", 6), "王芳  ");
        assert_eq!(width(&pad("S01", 6)), 6);
    }
}
