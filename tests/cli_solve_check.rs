//! The solve and check commands end to end, as a department head would run them.

use assert_cmd::Command;
use serde_json::Value;

const FIXTURE: &str = "tests/fixtures/rules/mutation.toml";

fn roster() -> Command {
    Command::cargo_bin("roster").unwrap()
}

fn solve_to(
    dir: &std::path::Path,
    scenario: &str,
    extra: &[&str],
) -> (std::process::Output, std::path::PathBuf) {
    let out = dir.join("roster.json");
    let res = roster()
        .arg("solve")
        .arg(scenario)
        .arg("--out")
        .arg(&out)
        .args(extra)
        .output()
        .unwrap();
    (res, out)
}

#[test]
fn solve_writes_a_roster_that_check_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("roster.csv");
    let (res, out) = solve_to(dir.path(), FIXTURE, &["--csv", csv.to_str().unwrap()]);
    let stdout = String::from_utf8(res.stdout).unwrap();
    assert_eq!(res.status.code(), Some(0), "{stdout}");
    for want in [
        "optimal",
        "objective",
        "best bound",
        "gap",
        "night fairness",
        "over-cover",
        "王芳",
        "wrote",
    ] {
        assert!(stdout.contains(want), "missing {want:?} in\n{stdout}");
    }
    let r: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(r["month"], "2026-12");
    assert_eq!(r["solver"]["status"], "optimal");
    assert_eq!(r["solver"]["objective"], r["solver"]["bound"]);
    let a = r["assignments"].as_array().unwrap();
    assert!(!a.is_empty());
    assert!(a.iter().all(|x| x["seat"].is_string()));
    let csv_text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(csv_text.lines().count(), a.len() + 1);

    let res = roster()
        .arg("check")
        .arg(FIXTURE)
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(res.status.code(), Some(0));
    let res = roster()
        .arg("check")
        .arg(FIXTURE)
        .arg(&out)
        .arg("--json")
        .output()
        .unwrap();
    let v: Value =
        serde_json::from_slice(&res.stdout).expect("check --json prints one JSON document");
    assert_eq!(v["ok"], true);
    // The checker's own evaluation of the objective agrees with the solver's account.
    assert_eq!(v["objective"], r["solver"]["objective"]);
}

#[test]
fn same_scenario_same_roster() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let (ra, pa) = solve_to(a.path(), FIXTURE, &["--json"]);
    let (rb, pb) = solve_to(b.path(), FIXTURE, &["--json"]);
    assert_eq!(ra.status.code(), Some(0));
    assert_eq!(rb.status.code(), Some(0));
    let read = |p: &std::path::Path| -> Value {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
        v["assignments"].clone()
    };
    assert_eq!(read(&pa), read(&pb));
    let ja: Value = serde_json::from_slice(&ra.stdout).unwrap();
    let jb: Value = serde_json::from_slice(&rb.stdout).unwrap();
    assert_eq!(ja["objective"], jb["objective"]);
    assert_eq!(ja["breakdown"], jb["breakdown"]);
}

#[test]
fn check_names_each_violation() {
    let dir = tempfile::tempdir().unwrap();
    let (_, out) = solve_to(dir.path(), FIXTURE, &[]);
    let mut r: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    // S05 works on the first day of their approved leave.
    r["assignments"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!(
        {"staff": "S05", "date": "2026-12-08", "shift": "E", "seat": "189"}));
    std::fs::write(&out, r.to_string()).unwrap();
    let res = roster()
        .arg("check")
        .arg(FIXTURE)
        .arg(&out)
        .arg("--json")
        .output()
        .unwrap();
    assert_eq!(res.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&res.stdout).unwrap();
    let leave = v["violations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["rule"] == "ROSTER-LEAVE")
        .expect("ROSTER-LEAVE reported");
    assert_eq!(leave["staff"], "S05");
    assert_eq!(leave["date"], "2026-12-08");
    assert_eq!(leave["shift"], "E");
    let res = roster()
        .arg("check")
        .arg(FIXTURE)
        .arg(&out)
        .output()
        .unwrap();
    let text = String::from_utf8(res.stdout).unwrap();
    assert!(
        text.contains("ROSTER-LEAVE") && text.contains("陈静"),
        "{text}"
    );
}

#[test]
fn infeasible_month_exits_3_and_names_rule_day_and_cause() {
    let dir = tempfile::tempdir().unwrap();
    // Every lead on leave on Christmas Day.
    let mut text = std::fs::read_to_string(FIXTURE).unwrap();
    for (i, id) in ["S01", "S02", "S03", "S04"].iter().enumerate() {
        text.push_str(&format!(
            "\n[[leave]]\nid = \"X{i}\"\nstaff = \"{id}\"\nfrom = \"2026-12-25\"\nto = \"2026-12-25\"\nkind = \"annual\"\napproved_by = \"dept_head\"\n"
        ));
    }
    let path = dir.path().join("xmas.toml");
    std::fs::write(&path, text).unwrap();
    let out = dir.path().join("r.json");
    let res = roster()
        .arg("solve")
        .arg(&path)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stdout = String::from_utf8(res.stdout).unwrap();
    assert_eq!(res.status.code(), Some(3), "{stdout}");
    assert!(!out.exists(), "no roster file when none exists");
    for want in ["ROSTER-LEAD", "2026-12-25", "4 of 4 leads on leave", "王芳"] {
        assert!(stdout.contains(want), "missing {want:?} in\n{stdout}");
    }
    let res = roster()
        .arg("solve")
        .arg(&path)
        .arg("--out")
        .arg(&out)
        .arg("--json")
        .output()
        .unwrap();
    assert_eq!(res.status.code(), Some(3));
    let v: Value = serde_json::from_slice(&res.stdout).unwrap();
    assert_eq!(v["status"], "infeasible");
    let c = v["diagnosis"]["conflicts"].as_array().unwrap();
    // Three shifts on the 25th, each one lead short; nothing else has to give.
    let leads: Vec<&Value> = c.iter().filter(|x| x["rule"] == "ROSTER-LEAD").collect();
    assert_eq!(leads.len(), 3, "{c:#?}");
    assert!(
        leads
            .iter()
            .all(|x| x["date"] == "2026-12-25" && x["short"] == 1)
    );
}

#[test]
fn grid_aligns_chinese_names() {
    let dir = tempfile::tempdir().unwrap();
    let (res, _) = solve_to(dir.path(), FIXTURE, &[]);
    let stdout = String::from_utf8(res.stdout).unwrap();
    let rows: Vec<&str> = stdout
        .lines()
        .filter(|l| l.contains(" S0") || l.contains(" S1"))
        .collect();
    assert!(rows.len() >= 13, "{stdout}");
    let widths: Vec<usize> = rows.iter().map(|l| roster::report::width(l)).collect();
    assert!(
        widths.windows(2).all(|w| w[0] == w[1]),
        "rows differ in display width: {widths:?}\n{}",
        rows.join("\n")
    );
}
