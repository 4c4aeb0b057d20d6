//! `roster erlang`, `roster simulate` and `roster advise` end to end.

use assert_cmd::Command;
use serde_json::Value;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/traffic.toml");

fn roster() -> Command {
    Command::cargo_bin("roster").unwrap()
}

fn json(args: &[&str]) -> Value {
    let out = roster().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON document on stdout")
}

#[test]
fn erlang_calculator_matches_a_reference_vector() {
    let base = [
        "erlang",
        "--calls",
        "100",
        "--interval-s",
        "1800",
        "--aht-s",
        "180",
    ];
    let v = json(&[&base[..], &["--answer-s", "20", "--agents", "14", "--json"]].concat());
    assert!((v["p_wait"].as_f64().unwrap() - 0.174131933595).abs() < 1e-9);
    assert!((v["service_level"].as_f64().unwrap() - 0.888350019179).abs() < 1e-9);
    assert!((v["asa_s"].as_f64().unwrap() - 7.835937012).abs() < 1e-6);
    let v = json(
        &[
            &base[..],
            &[
                "--answer-s",
                "19.8",
                "--target",
                "0.8",
                "--max-occupancy",
                "0.85",
            ],
            &["--shrinkage", "0.3", "--json"],
        ]
        .concat(),
    );
    assert_eq!(v["required_agents"], 14);
    assert_eq!(v["scheduled_agents"], 20);
    let v = json(
        &[
            &base[..],
            &["--answer-s", "20", "--patience-s", "300", "--target", "0.8"],
            &["--max-occupancy", "0.85", "--max-abandon", "0.05", "--json"],
        ]
        .concat(),
    );
    assert_eq!(v["required_agents"], 13);
    assert!((v["p_abandon"].as_f64().unwrap() - 0.024963304).abs() < 1e-6);
}

#[test]
fn bad_flags_exit_2_with_one_message() {
    for args in [
        &[
            "erlang",
            "--calls",
            "100",
            "--interval-s",
            "0",
            "--aht-s",
            "180",
            "--answer-s",
            "20",
            "--agents",
            "3",
        ][..],
        &[
            "erlang",
            "--calls",
            "100",
            "--interval-s",
            "1800",
            "--aht-s",
            "180",
            "--answer-s",
            "20",
            "--target",
            "1.5",
        ],
        &[
            "erlang",
            "--calls",
            "100",
            "--interval-s",
            "1800",
            "--aht-s",
            "180",
            "--answer-s",
            "20",
        ],
        &["simulate", FIXTURE, "--replications", "0"],
        &["simulate", FIXTURE, "--roster", "/nonexistent/roster.json"],
        &["simulate", "/nonexistent/scenario.toml"],
        &["advise", FIXTURE, "--escalate", "2"],
    ] {
        let out = roster().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
}

#[test]
fn scenario_without_traffic_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.toml");
    let text = std::fs::read_to_string(FIXTURE).unwrap();
    std::fs::write(&path, &text[..text.find("[traffic]").unwrap()]).unwrap();
    let out = roster()
        .args(["simulate", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("[traffic]"));
}

#[test]
fn simulate_reports_every_interval_with_confidence_intervals() {
    let v = json(&[
        "simulate",
        FIXTURE,
        "--replications",
        "4",
        "--seed",
        "3",
        "--json",
    ]);
    assert_eq!(v["replications"], 4);
    let cells = v["cells"].as_array().unwrap();
    assert!(cells.len() > 31 * 48);
    let c = cells
        .iter()
        .find(|c| c["time"] == "10:00" && c["seat"] == "189")
        .unwrap();
    let sl = &c["service_level"];
    assert!(sl["lo"].as_f64().unwrap() <= sl["mean"].as_f64().unwrap());
    assert!(c["below_target"].is_boolean());
    assert_eq!(v["totals"].as_array().unwrap().len(), 3);
    // same seed, same answer
    let again = json(&[
        "simulate",
        FIXTURE,
        "--replications",
        "4",
        "--seed",
        "3",
        "--json",
    ]);
    assert_eq!(v, again);
}

#[test]
fn advise_writes_demand_rows_the_scenario_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let demand = dir.path().join("demand.toml");
    let v = json(&[
        "advise",
        FIXTURE,
        "--replications",
        "20",
        "--json",
        "--write-demand",
        demand.to_str().unwrap(),
    ]);
    let intervals = v["intervals"].as_array().unwrap();
    assert_eq!(intervals.len(), 3 * 3 * 48);
    for i in intervals {
        assert!(i["seats"].as_u64() >= i["erlang_seats"].as_u64(), "{i}");
    }
    let rows = v["demand"].as_array().unwrap();
    assert!(rows.iter().any(|r| r["shift"] == "D" && r["seat"] == "189"));
    // replace the fixture's demand with the advice: still a valid scenario, and its
    // simulated service level is at the target overall
    let text = std::fs::read_to_string(FIXTURE).unwrap();
    let head = &text[..text.find("[[demand]]").unwrap()];
    let tail = &text[text.find("[traffic]").unwrap()..];
    let written = std::fs::read_to_string(&demand).unwrap();
    let scenario = dir.path().join("advised.toml");
    std::fs::write(&scenario, format!("{head}{written}\n{tail}")).unwrap();
    let s = json(&[
        "simulate",
        scenario.to_str().unwrap(),
        "--replications",
        "4",
        "--json",
    ]);
    for t in s["totals"].as_array().unwrap() {
        assert!(t["service_level"]["mean"].as_f64().unwrap() > 0.8, "{t}");
    }
}

#[test]
fn simulate_seats_the_roster_when_given() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.json");
    std::fs::write(
        &path,
        r#"{"month": "2026-12", "assignments": [
            {"staff": "S02", "date": "2026-12-01", "shift": "D", "seat": "189"},
            {"staff": "S01", "date": "2026-12-01", "shift": "D", "seat": "96123"}]}"#,
    )
    .unwrap();
    let v = json(&[
        "simulate",
        FIXTURE,
        "--roster",
        path.to_str().unwrap(),
        "--replications",
        "3",
        "--json",
    ]);
    assert_eq!(v["source"], "roster");
    let cells = v["cells"].as_array().unwrap();
    let at = |date: &str, time: &str, seat: &str| {
        cells
            .iter()
            .find(|c| c["date"] == date && c["time"] == time && c["seat"] == seat)
            .cloned()
            .unwrap()
    };
    // one junior on the 189 line at 10:00 on the 1st: busy, below target
    let c = at("2026-12-01", "10:00", "189");
    assert!(c["occupancy"]["mean"].as_f64().unwrap() > 0.5, "{c}");
    assert_eq!(c["below_target"], true);
    // nobody on the 2nd: nothing answered
    let c = at("2026-12-02", "10:00", "189");
    assert_eq!(c["service_level"]["mean"], 0.0);
    assert!(c["occupancy"].is_null());
}

#[test]
fn simulated_service_level_feeds_the_service_chart() {
    let dir = tempfile::tempdir().unwrap();
    let roster_path = dir.path().join("r.json");
    std::fs::write(
        &roster_path,
        r#"{"month": "2026-12", "assignments": [
            {"staff": "S02", "date": "2026-12-01", "shift": "D", "seat": "189"}]}"#,
    )
    .unwrap();
    let series = dir.path().join("service.json");
    let out = roster()
        .args([
            "simulate",
            FIXTURE,
            "--roster",
            roster_path.to_str().unwrap(),
        ])
        .args([
            "--replications",
            "2",
            "--service-out",
            series.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&series).unwrap()).unwrap();
    let panels = v.as_array().unwrap();
    assert!(
        panels
            .iter()
            .any(|p| p["label"].as_str().unwrap().starts_with("189"))
    );
    // intervals where no call came in any replication have no service level to show
    let points = |p: &Value| p["points"].as_array().unwrap().len();
    assert!(panels.iter().all(|p| (1..=48).contains(&points(p))));
    assert!(panels.iter().any(|p| points(p) == 48));
    let svg = dir.path().join("service.svg");
    let out = roster()
        .args([
            "plot",
            FIXTURE,
            roster_path.to_str().unwrap(),
            "--kind",
            "service",
        ])
        .args([
            "--service",
            series.to_str().unwrap(),
            "--out",
            svg.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::fs::metadata(&svg).unwrap().len() > 1000);
}
