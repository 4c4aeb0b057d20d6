//! The solve summary names what each number is: the night and weekend spreads (max − min
//! per person) on their own rows, beside the weighted cost the objective adds, in the text
//! table and in --json. It printed "night fairness (max-min) 20" for a spread of 4 at
//! weight 5.

use crate::common;

use assert_cmd::Command;
use serde_json::Value;

fn solve(extra: &[&str]) -> (String, std::path::PathBuf, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.json");
    let res = Command::cargo_bin("roster")
        .unwrap()
        .arg("solve")
        .arg(common::root().join("scenarios/seed-2026-12.toml"))
        .arg("--out")
        .arg(&out)
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(
        res.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    (String::from_utf8(res.stdout).unwrap(), out, dir)
}

/// The value in the summary row whose label starts with `label`.
fn row<'a>(text: &'a str, label: &str) -> &'a str {
    text.lines()
        .find_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (cells.len() > 2 && cells[1].starts_with(label)).then(|| cells[2])
        })
        .unwrap_or_else(|| panic!("no row {label:?} in\n{text}"))
}

#[test]
fn the_summary_prints_each_spread_beside_its_weighted_cost() {
    let (json, _, _dir) = solve(&["--json"]);
    let v: Value = serde_json::from_str(&json).unwrap();
    let b = &v["breakdown"];
    let sc = common::load("scenarios/seed-2026-12.toml");
    let night_spread = b["night_spread"].as_u64().unwrap();
    let weekend_spread = b["weekend_spread"].as_u64().unwrap();
    assert_eq!(
        b["fair_nights"].as_f64().unwrap(),
        sc.weights.fair_nights * night_spread as f64
    );
    assert_eq!(
        b["fair_weekends"].as_f64().unwrap(),
        sc.weights.fair_weekends * weekend_spread as f64
    );

    let (text, _, _dir) = solve(&[]);
    assert_eq!(
        row(&text, "night fairness, weighted cost"),
        b["fair_nights"].as_f64().unwrap().to_string()
    );
    assert_eq!(
        row(&text, "spread (max-min nights"),
        night_spread.to_string()
    );
    assert_eq!(
        row(&text, "weekend fairness, weighted cost"),
        b["fair_weekends"].as_f64().unwrap().to_string()
    );
    assert_eq!(
        row(&text, "spread (max-min weekend"),
        weekend_spread.to_string()
    );
}
