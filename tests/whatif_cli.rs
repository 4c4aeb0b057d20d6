//! The swap and leave commands end to end: exit codes 0/1/2, JSON on stdout, and no output
//! file unless the request is accepted.

use crate::common::whatif as common;

use assert_cmd::Command;
use common::*;
use roster::model::Roster;
use std::path::{Path, PathBuf};

fn roster_cmd() -> Command {
    Command::cargo_bin("roster").unwrap()
}

/// The tiny month's roster, written into a fresh directory.
fn setup() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.json");
    tiny_roster().save(&path).unwrap();
    (dir, path)
}

fn json(out: &[u8]) -> serde_json::Value {
    serde_json::from_slice(out).expect("stdout is one JSON document")
}

fn args(path: &Path, rest: &[&str]) -> Vec<String> {
    let mut v = vec![
        tiny_path().display().to_string(),
        path.display().to_string(),
    ];
    v.extend(rest.iter().map(|s| s.to_string()));
    v
}

/// An accepted (person, date, taker, return date) from the candidate list.
fn accepted_swap() -> (String, String, String, String) {
    let sc = tiny();
    let r = tiny_roster();
    let a = &r.assignments[0];
    let list =
        roster::whatif::candidates(&sc, r, sc.staff_by_id(&a.staff).unwrap(), a.date).unwrap();
    let c = list
        .iter()
        .find(|c| !c.returns.is_empty())
        .expect("a candidate with a return");
    (
        a.staff.clone(),
        a.date.to_string(),
        c.staff.clone(),
        c.returns[0].date.to_string(),
    )
}

#[test]
fn swap_accepted_writes_the_roster_with_the_swap_and_it_passes_check() {
    let (dir, path) = setup();
    let (a, d, b, d2) = accepted_swap();
    let out = dir.path().join("after.json");
    let o = out.display().to_string();
    let mut cmd = roster_cmd();
    cmd.arg("swap").args(args(
        &path,
        &[
            "--staff",
            &a,
            "--date",
            &d,
            "--with",
            &b,
            "--return-date",
            &d2,
            "--approved",
            "--out",
            &o,
        ],
    ));
    let res = cmd.assert().code(0);
    let text = String::from_utf8_lossy(&res.get_output().stdout).into_owned();
    assert!(text.starts_with("accepted"), "{text}");
    assert!(text.contains("before") && text.contains("after"));
    let sc = tiny();
    let after = Roster::load(&out, &sc).unwrap();
    assert_eq!(after.swaps.len(), 1);
    roster_cmd()
        .args(["check", &tiny_path().display().to_string(), &o])
        .assert()
        .code(0);
}

#[test]
fn swap_rejected_exits_1_names_the_rules_and_writes_nothing() {
    let (dir, path) = setup();
    let (a, d, b, d2) = accepted_swap();
    let out = dir.path().join("after.json");
    let mut cmd = roster_cmd();
    cmd.arg("swap").args(args(
        &path,
        &[
            "--staff",
            &a,
            "--date",
            &d,
            "--with",
            &b,
            "--return-date",
            &d2,
            "--out",
            &out.display().to_string(),
            "--json",
        ],
    ));
    let res = cmd.assert().code(1);
    let v = json(&res.get_output().stdout);
    assert_eq!(v["accepted"], false);
    assert_eq!(v["violations"][0]["rule"], "SWAP-APPROVAL");
    assert!(!out.exists());
}

#[test]
fn candidates_json_lists_people_and_returns() {
    let (_dir, path) = setup();
    let a = &tiny_roster().assignments[0];
    let mut cmd = roster_cmd();
    cmd.arg("swap").args(args(
        &path,
        &[
            "--staff",
            &a.staff,
            "--date",
            &a.date.to_string(),
            "--candidates",
            "--json",
        ],
    ));
    let res = cmd.assert().code(0);
    let v = json(&res.get_output().stdout);
    assert!(v["candidates"].as_array().is_some_and(|c| !c.is_empty()));
    assert!(v["candidates"][0]["returns"].is_array());
}

#[test]
fn bad_swap_input_exits_2_with_one_message() {
    let (_dir, path) = setup();
    let a = &tiny_roster().assignments[0];
    let d = a.date.to_string();
    for (rest, needle) in [
        (
            vec!["--staff", "S99", "--date", &d, "--with", "S02"],
            "--staff",
        ),
        (
            vec!["--staff", &a.staff, "--date", "2027-01-03", "--with", "S02"],
            "outside the month",
        ),
        (
            vec!["--staff", &a.staff, "--date", "12/05", "--with", "S02"],
            "not a date",
        ),
        (
            vec!["--staff", &a.staff, "--date", &d, "--with", "S99"],
            "--with",
        ),
        (
            vec!["--staff", &a.staff, "--date", &d, "--with", &a.staff],
            "themselves",
        ),
    ] {
        let mut cmd = roster_cmd();
        cmd.arg("swap").args(args(&path, &rest));
        let res = cmd.assert().code(2);
        let err = String::from_utf8_lossy(&res.get_output().stderr).into_owned();
        assert!(err.contains(needle), "{err}");
        assert!(!err.contains("panicked"));
        assert!(res.get_output().stdout.is_empty());
    }
}

/// The faults the library finds in a request (no shift that day, no shift to return, a
/// swap with oneself) name the value; the command line prints each once, as one line
/// naming its flag.
#[test]
fn request_faults_the_library_finds_are_printed_once_naming_the_flag() {
    let (_dir, path) = setup();
    let r = tiny_roster();
    let sc = tiny();
    let a = &r.assignments[0];
    let free_day = |staff: &str| {
        sc.month_dates()
            .into_iter()
            .find(|d| {
                !r.assignments
                    .iter()
                    .any(|x| x.staff == staff && x.date == *d)
            })
            .expect("a day off")
            .to_string()
    };
    let b = r
        .assignments
        .iter()
        .find(|x| x.staff != a.staff)
        .unwrap()
        .staff
        .clone();
    let (d, off_a, off_b) = (a.date.to_string(), free_day(&a.staff), free_day(&b));
    for (rest, start) in [
        (vec!["--date", &off_a, "--with", &b], "error: --date: "),
        (
            vec!["--date", &d, "--with", &b, "--return-date", &off_b],
            "error: --return-date: ",
        ),
        (vec!["--date", &d, "--with", &a.staff], "error: --with: "),
    ] {
        let mut cmd = roster_cmd();
        cmd.arg("swap")
            .args(args(&path, &["--staff", &a.staff]))
            .args(&rest);
        let res = cmd.assert().code(2);
        let err = String::from_utf8_lossy(&res.get_output().stderr).into_owned();
        assert!(err.starts_with(start), "{err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        let message = &err[start.len()..];
        // Once: not followed by the library's own rendering of the same fault.
        for field in [": date:", ": with:", ": return_date:", "--"] {
            assert!(!message.contains(field), "{err}");
        }
    }
}

#[test]
fn leave_rejected_exits_1_accepted_with_repair_exits_0_and_passes_check() {
    let (dir, path) = setup();
    let a = &tiny_roster().assignments[0];
    let d = a.date.to_string();
    let base = |kind: &str, by: &str| {
        let mut v: Vec<String> = vec!["leave".into()];
        v.extend(args(
            &path,
            &[
                "--staff",
                &a.staff,
                "--from",
                &d,
                "--to",
                &d,
                "--kind",
                kind,
                "--requested-at",
                "2026-11-20T09:00",
                "--approved-by",
                by,
            ],
        ));
        v
    };
    roster_cmd().args(base("personal", "lead")).assert().code(1);
    let out = dir.path().join("repaired.json");
    let mut v = base("sick", "dept_head");
    v.extend(["--certificate", "--repair", "--json", "--out"].map(String::from));
    v.push(out.display().to_string());
    let res = roster_cmd().args(&v).assert().code(0);
    let doc = json(&res.get_output().stdout);
    assert_eq!(doc["accepted"], true);
    assert!(doc["repair"]["changed_cells"].as_u64().unwrap() >= 1);
    assert!(doc["repair"]["changes"].is_array());
    // The repaired roster passes check even without the leave in the scenario.
    roster_cmd()
        .args([
            "check",
            &tiny_path().display().to_string(),
            &out.display().to_string(),
        ])
        .assert()
        .code(0);
}

#[test]
fn bad_leave_input_exits_2() {
    let (_dir, path) = setup();
    let a = &tiny_roster().assignments[0];
    let d = a.date.to_string();
    for (kind, at, by, needle) in [
        ("holiday", "2026-11-20T09:00", "lead", "--kind"),
        ("sick", "yesterday", "lead", "--requested-at"),
        ("sick", "2026-11-20T09:00", "boss", "--approved-by"),
    ] {
        let mut cmd = roster_cmd();
        cmd.arg("leave").args(args(
            &path,
            &[
                "--staff",
                &a.staff,
                "--from",
                &d,
                "--to",
                &d,
                "--kind",
                kind,
                "--requested-at",
                at,
                "--approved-by",
                by,
            ],
        ));
        let res = cmd.assert().code(2);
        let err = String::from_utf8_lossy(&res.get_output().stderr).into_owned();
        assert!(err.contains(needle), "{err}");
    }
}

#[test]
fn leave_with_no_possible_repair_exits_1_names_the_rule_and_writes_nothing() {
    let (dir, path) = setup();
    let out = dir.path().join("repaired.json");
    // Sick leave for a day shift already worked by --now: the past keeps its roster, so
    // the shift cannot be covered again.
    let a = tiny_roster()
        .assignments
        .iter()
        .find(|a| a.date == date("2026-12-10") && a.shift == "D")
        .unwrap();
    let mut cmd = roster_cmd();
    cmd.arg("leave").args(args(
        &path,
        &[
            "--staff",
            &a.staff,
            "--from",
            "2026-12-10",
            "--to",
            "2026-12-10",
            "--kind",
            "sick",
            "--certificate",
            "--requested-at",
            "2026-12-09T20:00",
            "--now",
            "2026-12-11T12:00",
            "--approved-by",
            "dept_head",
            "--repair",
            "--json",
            "--out",
            &out.display().to_string(),
        ],
    ));
    let res = cmd.assert().code(1);
    let doc = json(&res.get_output().stdout);
    assert_eq!(doc["accepted"], true);
    assert_eq!(doc["repair"]["status"], "infeasible");
    let conflicts = doc["repair"]["diagnosis"]["conflicts"].as_array().unwrap();
    assert!(
        conflicts.iter().any(|c| c["date"] == "2026-12-10"),
        "{conflicts:?}"
    );
    assert!(!out.exists());
}

#[test]
fn a_bad_now_is_bad_input() {
    let (_dir, path) = setup();
    let mut cmd = roster_cmd();
    cmd.arg("leave").args(args(
        &path,
        &[
            "--staff",
            "S01",
            "--from",
            "2026-12-10",
            "--to",
            "2026-12-10",
            "--kind",
            "sick",
            "--requested-at",
            "2026-12-01T09:00",
            "--approved-by",
            "dept_head",
            "--repair",
            "--now",
            "tomorrow",
        ],
    ));
    let res = cmd.assert().code(2);
    let err = String::from_utf8_lossy(&res.get_output().stderr).into_owned();
    assert!(err.contains("--now") && err.lines().count() == 1, "{err}");
}
