//! `roster plot` and `roster report` from the outside: files written, formats chosen by
//! extension, bad input refused with exit 2 and no output file, and a report that holds
//! every chart and opens offline.

use crate::common::plot as plot_fixture;

use assert_cmd::Command;
use plot_fixture::{NAMES, SCENARIO, SERVICE_JSON, roster};
use predicates::str::contains;
use std::path::{Path, PathBuf};

struct Files {
    dir: tempfile::TempDir,
    scenario: PathBuf,
    roster: PathBuf,
    service: PathBuf,
}

fn files() -> Files {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("dept.toml");
    let roster_path = dir.path().join("dept.roster.json");
    let service = dir.path().join("service.json");
    std::fs::write(&scenario, SCENARIO).unwrap();
    std::fs::write(&roster_path, serde_json::to_string(&roster()).unwrap()).unwrap();
    std::fs::write(&service, SERVICE_JSON).unwrap();
    Files {
        dir,
        scenario,
        roster: roster_path,
        service,
    }
}

fn roster_cmd() -> Command {
    Command::cargo_bin("roster").unwrap()
}

/// Only the inputs remain in the directory: nothing partial was written.
fn only_inputs(dir: &Path) {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["dept.roster.json", "dept.toml", "service.json"]);
}

#[test]
fn plot_writes_svg_and_png_by_extension() {
    let f = files();
    for kind in ["coverage", "roster", "fairness"] {
        let svg = f.dir.path().join(format!("{kind}.svg"));
        roster_cmd()
            .arg("plot")
            .args([&f.scenario, &f.roster])
            .args(["--kind", kind, "--out"])
            .arg(&svg)
            .assert()
            .success()
            .stdout(contains("wrote"));
        let text = std::fs::read_to_string(&svg).unwrap();
        roxmltree::Document::parse(&text).expect("well-formed SVG");
        assert!(
            text.contains("客服部 测试"),
            "{kind}: Chinese titles are UTF-8 text"
        );
        if kind != "coverage" {
            assert!(text.contains("王芳"), "{kind}: names are UTF-8 text");
        }

        let png = f.dir.path().join(format!("{kind}.png"));
        roster_cmd()
            .arg("plot")
            .args([&f.scenario, &f.roster])
            .args(["--kind", kind, "--out"])
            .arg(&png)
            .assert()
            .success();
        let img = image::open(&png).expect("PNG decodes").to_rgb8();
        assert!(img.width() >= 700 && img.height() >= 300);
        assert!(img.pixels().any(|p| p.0 != [255, 255, 255]));
    }
}

#[test]
fn coverage_is_the_default_and_takes_a_date() {
    let f = files();
    let out = f.dir.path().join("day.svg");
    roster_cmd()
        .arg("plot")
        .args([&f.scenario, &f.roster])
        .args(["--date", "2026-12-10", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(contains("coverage chart"));
    let svg = std::fs::read_to_string(&out).unwrap();
    assert!(svg.contains("Coverage") && svg.contains("2026-12-10"));
}

#[test]
fn service_simulates_the_roster_when_the_scenario_has_traffic() {
    let dir = tempfile::tempdir().unwrap();
    let roster = dir.path().join("tiny.json");
    roster_cmd()
        .args(["solve", "scenarios/tiny.toml", "--out"])
        .arg(&roster)
        .assert()
        .success();
    let out = dir.path().join("service.svg");
    roster_cmd()
        .args(["plot", "scenarios/tiny.toml"])
        .arg(&roster)
        .args(["--kind", "service", "--replications", "20", "--out"])
        .arg(&out)
        .assert()
        .success();
    let svg = std::fs::read_to_string(&out).unwrap();
    assert!(
        svg.contains("Service level") && svg.contains("target"),
        "{}",
        &svg[..svg.len().min(400)]
    );
}

#[test]
fn service_needs_traffic_or_the_simulators_output() {
    let f = files();
    let out = f.dir.path().join("service.svg");
    roster_cmd()
        .arg("plot")
        .args([&f.scenario, &f.roster])
        .args(["--kind", "service", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(contains("no [traffic] table"));
    only_inputs(f.dir.path());
    roster_cmd()
        .arg("plot")
        .args([&f.scenario, &f.roster])
        .args(["--kind", "service", "--service"])
        .arg(&f.service)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    assert!(std::fs::read_to_string(&out).unwrap().contains("业务受理"));
}

#[test]
fn bad_input_exits_2_naming_the_flag_and_writes_nothing() {
    let f = files();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (vec!["--out".into(), "chart.pdf".into()], "--out"),
        (
            vec![
                "--date".into(),
                "2027-01-03".into(),
                "--out".into(),
                "c.svg".into(),
            ],
            "outside the month",
        ),
        (
            vec![
                "--date".into(),
                "12/10".into(),
                "--out".into(),
                "c.svg".into(),
            ],
            "--date",
        ),
        (
            vec![
                "--kind".into(),
                "roster".into(),
                "--date".into(),
                "2026-12-10".into(),
                "--out".into(),
                "c.svg".into(),
            ],
            "only to --kind coverage",
        ),
        (
            vec![
                "--kind".into(),
                "service".into(),
                "--service".into(),
                f.scenario.display().to_string(),
                "--out".into(),
                "c.svg".into(),
            ],
            "--service",
        ),
    ];
    for (args, message) in cases {
        roster_cmd()
            .current_dir(f.dir.path())
            .arg("plot")
            .args([&f.scenario, &f.roster])
            .args(&args)
            .assert()
            .code(2)
            .stderr(contains(message));
        only_inputs(f.dir.path());
    }
    // A roster of another month is bad input too, named by its file.
    let other = f.dir.path().join("other.json");
    std::fs::write(&other, r#"{"month": "2027-01", "assignments": []}"#).unwrap();
    roster_cmd()
        .current_dir(f.dir.path())
        .arg("plot")
        .arg(&f.scenario)
        .arg(&other)
        .args(["--out", "c.svg"])
        .assert()
        .code(2)
        .stderr(contains("other.json"));
    assert!(!f.dir.path().join("c.svg").exists());
}

#[test]
fn report_is_one_offline_page_with_every_chart_and_person() {
    let f = files();
    let out = f.dir.path().join("report.html");
    roster_cmd()
        .arg("report")
        .args([&f.scenario, &f.roster])
        .arg("--service")
        .arg(&f.service)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<meta charset=\"utf-8\">"));
    for id in roster::report::html::CHART_IDS {
        assert!(html.contains(&format!("<figure id=\"{id}\">")), "no {id}");
    }
    // Every chart is inline SVG that parses on its own.
    let svgs: Vec<&str> = html
        .match_indices("<svg")
        .map(|(i, _)| {
            let end = html[i..].find("</svg>").unwrap() + i + "</svg>".len();
            &html[i..end]
        })
        .collect();
    assert_eq!(svgs.len(), 4);
    for svg in &svgs {
        roxmltree::Document::parse(svg).expect("inline SVG is well-formed");
    }
    for section in ["Summary", "Rule check", "Charts", "Each person's month"] {
        assert!(html.contains(&format!(">{section}</h2>")), "no {section}");
    }
    // The fixture leaves one night shift empty: the rule check says so.
    assert!(html.contains("ROSTER-COVER"));
    for name in NAMES {
        assert!(html.contains(name), "no {name}");
    }
    // Self-contained: nothing fetched from elsewhere.
    for external in ["src=\"http", "href=\"http", "<script", "<link", "url("] {
        assert!(!html.contains(external), "report loads `{external}`");
    }
}

#[test]
fn report_without_simulation_says_so_in_place_of_the_service_chart() {
    let f = files();
    let out = f.dir.path().join("report.html");
    roster_cmd()
        .arg("report")
        .args([&f.scenario, &f.roster])
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let html = std::fs::read_to_string(&out).unwrap();
    assert_eq!(html.matches("<svg").count(), 3);
    assert!(html.contains("needs the simulator"));
}
