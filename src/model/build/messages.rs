//! Messages about the scenario file: where a TOML error points, and numbers as people
//! write them.

use crate::model::error::InputError;
use std::collections::HashMap;
use std::path::Path;

/// TOML syntax and type errors, with the line they point at and, where that line sets a
/// key, the key path (`line 12 ([[demand]] #3 weekday)`).
pub(in crate::model) fn toml_error(path: &Path, text: &str, e: &toml::de::Error) -> InputError {
    let place = match e.span() {
        Some(span) => {
            let at = span.start.min(text.len());
            let line = text.as_bytes()[..at]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            match key_on_line(text, line) {
                Some(key) => format!("line {line} ({key})"),
                None => format!("line {line}"),
            }
        }
        None => String::new(),
    };
    // serde names Rust types; a department head reads TOML.
    let msg = e
        .message()
        .trim()
        .replace('\n', " ")
        .replace("expected i64", "expected a whole number")
        .replace("expected u32", "expected a whole number")
        .replace("expected f64", "expected a number");
    InputError::new(path, place, format!("invalid scenario: {msg}"))
}

/// The key path set on a line (1-based), from the table headers above it. A best effort for
/// messages: lines inside multi-line values name nothing.
fn key_on_line(text: &str, line: usize) -> Option<String> {
    let mut table = String::new();
    let mut rows: HashMap<&str, usize> = HashMap::new();
    for (i, l) in text.lines().enumerate() {
        let t = l.trim();
        if let Some(rest) = t.strip_prefix("[[") {
            if let Some(end) = rest.find("]]") {
                let name = rest[..end].trim();
                let n = rows.entry(name).or_insert(0);
                *n += 1;
                table = format!("[[{name}]] #{n}");
            }
        } else if let Some(rest) = t.strip_prefix('[')
            && let Some(end) = rest.find(']')
        {
            table = format!("[{}]", rest[..end].trim());
        }
        if i + 1 == line {
            let (key, _) = t.split_once('=')?;
            let key = key.trim();
            let plain = |c: char| c.is_alphanumeric() || "_-.\"' ".contains(c);
            if key.is_empty() || !key.chars().all(plain) {
                return None;
            }
            return Some(if table.is_empty() {
                key.to_string()
            } else {
                format!("{table} {key}")
            });
        }
    }
    None
}

/// A number for messages: as written where it is a whole number a person would type out
/// (`4294967296`), in exponent form where it is huge or fractional and huge (`1e18`).
pub(super) fn show(v: f64) -> String {
    if v.is_finite() && v.abs() >= 1e6 && (v.fract() != 0.0 || v.abs() >= 1e15) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// A range bound for messages: `1e6` reads better than `1000000`.
pub(super) fn show_bound(v: f64) -> String {
    if v.abs() >= 1e6 {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}
