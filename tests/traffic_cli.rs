//! `roster erlang`, `roster simulate` and `roster advise` end to end.

use assert_cmd::Command;
use serde_json::Value;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/traffic/three-seat-types.toml"
);

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
        assert!(i["agents"].as_u64() >= i["erlang_agents"].as_u64(), "{i}");
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

/// Runs the binary and expects exit 2 with one stderr line containing `needle`.
fn refused(args: &[&str], needle: &str) {
    let start = std::time::Instant::now();
    let out = roster().args(args).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert!(out.stdout.is_empty(), "{args:?}");
    assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
    assert!(err.contains(needle), "{args:?}: {err}");
    assert!(!err.contains("{ "), "debug text in {err}");
    // refused up front, not after running (a bound on work, not a timing figure)
    assert!(start.elapsed().as_secs() < 60, "{args:?}");
}

#[test]
fn absurd_sizes_are_refused_up_front_naming_the_flag_or_key() {
    let erlang = |calls: &str| {
        [
            "erlang",
            "--calls",
            calls,
            "--interval-s",
            "1800",
            "--aht-s",
            "180",
            "--answer-s",
            "20",
            "--target",
            "0.8",
        ]
        .map(String::from)
    };
    for calls in ["1e11", "1e308"] {
        let args = erlang(calls);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        refused(&args, "--calls");
    }
    refused(
        &[
            "erlang",
            "--calls",
            "10",
            "--interval-s",
            "1800",
            "--aht-s",
            "180",
            "--answer-s",
            "20",
            "--agents",
            "4294967295",
        ],
        "--agents",
    );
    refused(
        &["simulate", FIXTURE, "--replications", "4294967295"],
        "--replications",
    );
    // within the flag's range, but beyond the calls a run may simulate
    refused(
        &["simulate", FIXTURE, "--replications", "90000"],
        "--replications",
    );
    refused(
        &["advise", FIXTURE, "--replications", "4294967295"],
        "--replications",
    );
    refused(
        &["simulate", FIXTURE, "--handle-cv", "1e300"],
        "--handle-cv",
    );

    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(FIXTURE).unwrap();
    for (from, to, key) in [
        ("aht_seconds = 180", "aht_seconds = 1e18", "aht_seconds"),
        ("aht_seconds = 180", "aht_seconds = inf", "aht_seconds"),
        ("aht_seconds = 180", "aht_seconds = 0", "aht_seconds"),
        ("shrinkage = 0.15", "shrinkage = 1.0", "shrinkage"),
        (
            "answer_seconds = 20",
            "answer_seconds = -1",
            "answer_seconds",
        ),
        (
            "patience_seconds = 120",
            "patience_seconds = nan",
            "patience_seconds",
        ),
        ("weekday = [4, 3,", "weekday = [1e7, 3,", "weekday[0]"),
        ("weekday = [4, 3,", "weekday = [3,", "weekday"),
        ("seat = \"189\"\naht", "seat = \"999\"\naht", "999"),
    ] {
        let path = dir.path().join("bad.toml");
        assert!(text.contains(from), "{from}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
        for cmd in ["simulate", "advise"] {
            refused(&[cmd, path.to_str().unwrap()], key);
        }
    }
    // a million calls an interval is a valid load, but more than a run may simulate:
    // refused up front, naming the flag that sizes the run
    let path = dir.path().join("busy.toml");
    std::fs::write(
        &path,
        text.replacen("weekday = [4, 3,", "weekday = [1e6, 3,", 1),
    )
    .unwrap();
    for cmd in ["simulate", "advise"] {
        refused(&[cmd, path.to_str().unwrap()], "--replications");
    }
}

#[test]
fn erlang_labels_its_service_levels_and_warns_of_an_unstable_queue() {
    let base = [
        "erlang",
        "--calls",
        "100",
        "--interval-s",
        "1800",
        "--aht-s",
        "180",
        "--answer-s",
        "20",
    ];
    let run = |extra: &[&str]| {
        let out = roster().args([&base[..], extra].concat()).output().unwrap();
        assert!(out.status.success());
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (text, err) = run(&["--agents", "12", "--patience-s", "300"]);
    for (key, label) in [
        ("service_level", "÷ all offered calls"),
        ("sl_answered", "÷ answered calls"),
        ("sl_virtual", "as if nobody hung up"),
    ] {
        let line = text
            .lines()
            .find(|l| l.starts_with(key))
            .unwrap_or_else(|| panic!("{key} in {text}"));
        assert!(line.contains(label), "{line}");
    }
    assert!(err.is_empty(), "{err}");
    // 10 erlangs offered: 10 agents or fewer cannot keep up
    for agents in ["10", "7"] {
        let (_, err) = run(&["--agents", agents]);
        assert!(
            err.starts_with("warning:") && err.contains("no steady state"),
            "{err}"
        );
        let (_, err) = run(&["--agents", agents, "--patience-s", "300"]);
        assert!(err.starts_with("warning:"), "{err}");
    }
    let (_, err) = run(&["--agents", "11"]);
    assert!(err.is_empty(), "{err}");
    // --json: stdout stays one document, the warning goes to stderr
    let out = roster()
        .args([&base[..], &["--agents", "9", "--json"]].concat())
        .output()
        .unwrap();
    serde_json::from_slice::<Value>(&out.stdout).unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("warning"));
}

#[test]
fn outputs_into_a_missing_directory_exit_2_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no/such/dir/out.json");
    for (cmd, flag) in [("simulate", "--service-out"), ("advise", "--write-demand")] {
        refused(
            &[
                cmd,
                FIXTURE,
                "--replications",
                "2",
                flag,
                missing.to_str().unwrap(),
            ],
            flag,
        );
        assert!(!missing.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}

#[test]
fn simulate_explains_unanswerable_calls_and_lists_the_worst_first() {
    // without the fixture's 96123 night seat, nobody may answer 96123 at night
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.toml");
    let text = std::fs::read_to_string(FIXTURE).unwrap();
    let row = "shift = \"N\"\nseat = \"96123\"\nweekday = 1\nweekend = 1\nholiday = 1";
    assert!(text.contains(row));
    let no_night = row.replace(" = 1", " = 0");
    std::fs::write(&path, text.replace(row, &no_night)).unwrap();
    let scenario = path.to_str().unwrap();
    let out = roster()
        .args(["simulate", scenario, "--replications", "4"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("no seat of 96123 on shift N: demand for 96123 on N is 0"),
        "{text}"
    );
    // the list of intervals below target runs from the worst service level up
    let levels: Vec<f64> = text
        .lines()
        .skip_while(|l| !l.contains("worst first"))
        .skip(2)
        .take_while(|l| l.starts_with('!'))
        .map(|l| {
            let pct = l.split('%').next().unwrap();
            pct.rsplit(' ').next().unwrap().parse().unwrap()
        })
        .collect();
    assert!(!levels.is_empty(), "{text}");
    assert!(levels.windows(2).all(|w| w[0] <= w[1]), "{levels:?}");
    // --json flags the cells
    let v = json(&["simulate", scenario, "--replications", "2", "--json"]);
    assert!(v["unstaffed"].as_array().is_some_and(|u| !u.is_empty()));
    assert!(
        v["cells"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["unstaffed"] == true && c["seat"] == "96123")
    );
}

#[test]
fn advise_warns_before_writing_demand_the_staff_cannot_work() {
    // two people cannot work the advised month
    let dir = tempfile::tempdir().unwrap();
    let demand = dir.path().join("demand.toml");
    let out = roster()
        .args([
            "advise",
            FIXTURE,
            "--replications",
            "2",
            "--write-demand",
            demand.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("warning: the advised demand needs") && err.contains("sum of max_shifts"),
        "{err}"
    );
    assert!(demand.exists());
}
