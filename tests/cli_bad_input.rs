//! Bad input exits 2 with one message naming the file, the place and the fault; never a
//! panic, never an output file.

use assert_cmd::Command;
use std::path::Path;

const BASE: &str = include_str!("data/mutation.toml");

fn roster() -> Command {
    Command::cargo_bin("roster").unwrap()
}

/// Writes the scenario with `from` replaced by `to`, runs solve, and returns stderr.
fn solve_broken(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "fixture lacks {from:?}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.toml");
    std::fs::write(&path, BASE.replacen(from, to, 1)).unwrap();
    let out = dir.path().join("out.json");
    let res = roster()
        .arg("solve")
        .arg(&path)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8(res.stderr).unwrap();
    assert_eq!(res.status.code(), Some(2), "stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        stderr.trim().lines().count(),
        1,
        "one message, got: {stderr}"
    );
    assert!(stderr.contains("broken.toml"), "names the file: {stderr}");
    assert!(!Path::new(&out).exists(), "no output file on bad input");
    assert!(res.stdout.is_empty(), "nothing on stdout");
    stderr
}

fn expect(stderr: &str, parts: &[&str]) {
    for p in parts {
        assert!(stderr.contains(p), "expected {p:?} in: {stderr}");
    }
}

#[test]
fn invalid_toml_names_the_line() {
    let e = solve_broken("[rules]", "[rules");
    expect(&e, &["line ", "invalid scenario"]);
}

#[test]
fn wrong_type_names_the_line() {
    let e = solve_broken("min_shifts = 0", "min_shifts = \"none\"");
    expect(&e, &["line "]);
}

#[test]
fn unknown_key_is_refused() {
    let e = solve_broken("max_shifts = 31", "max_shift = 31");
    expect(&e, &["max_shift"]);
}

#[test]
fn unknown_staff_in_leave() {
    let e = solve_broken("staff = \"S05\"\nfrom", "staff = \"S99\"\nfrom");
    expect(&e, &["[[leave]] #1", "S99", "unknown staff"]);
}

#[test]
fn unknown_staff_in_event() {
    let e = solve_broken(
        "attendees = [\"S06\", \"S08\"]",
        "attendees = [\"S06\", \"X1\"]",
    );
    expect(&e, &["[[event]] #1", "X1"]);
}

#[test]
fn unknown_shift_in_demand() {
    let e = solve_broken(
        "shift = \"E\"\nseat = \"189\"",
        "shift = \"X\"\nseat = \"189\"",
    );
    expect(&e, &["[[demand]]", "unknown shift `X`"]);
}

#[test]
fn unknown_seat_in_demand() {
    let e = solve_broken("seat = \"180\"\nweekday = 1", "seat = \"181\"\nweekday = 1");
    expect(&e, &["[[demand]]", "unknown seat type `181`"]);
}

#[test]
fn lead_who_is_not_senior() {
    let e = solve_broken(
        "grade = \"senior\"\nteam = \"A\"\nlead = true",
        "grade = \"junior\"\nteam = \"A\"\nlead = true",
    );
    expect(&e, &["S03", "must be senior"]);
}

#[test]
fn team_without_a_lead() {
    let e = solve_broken(
        "[[team]]\ncode = \"B\"",
        "[[team]]\ncode = \"C\"\n[[team]]\ncode = \"B\"",
    );
    expect(&e, &["[[team]] #2 (code \"C\")", "no lead"]);
}

#[test]
fn date_outside_the_month() {
    let e = solve_broken("date = \"2026-12-24\"", "date = \"2027-01-24\"");
    expect(&e, &["[[request]] #1 date", "outside the month 2026-12"]);
}

#[test]
fn duplicate_staff_id() {
    let e = solve_broken("id = \"S02\"", "id = \"S01\"");
    expect(&e, &["[[staff]] #2", "duplicate staff id"]);
}

#[test]
fn duplicate_shift_code() {
    let e = solve_broken("code = \"E\"", "code = \"D\"");
    expect(&e, &["[[shift]] #2", "duplicate shift code"]);
}

#[test]
fn negative_demand() {
    let e = solve_broken("weekday = 2", "weekday = -2");
    expect(&e, &["[[demand]] #1", "negative"]);
}

#[test]
fn leave_ending_before_it_starts() {
    let e = solve_broken("to = \"2026-12-10\"", "to = \"2026-12-07\"");
    expect(
        &e,
        &[
            "[[leave]] #1",
            "ends (2026-12-07) before it starts (2026-12-08)",
        ],
    );
}

#[test]
fn contradictory_rule() {
    let e = solve_broken("max_shifts = 31", "max_shifts = 31\nmin_shifts = 40");
    expect(&e, &["duplicate key"]);
    let e = solve_broken("min_shifts = 0", "min_shifts = 32");
    expect(&e, &["min_shifts 32 is above max_shifts 31"]);
}

#[test]
fn bad_time() {
    let e = solve_broken("start = \"16:00\"", "start = \"16:70\"");
    expect(&e, &["[[shift]] #2", "start", "not a time"]);
}

#[test]
fn missing_file() {
    let res = roster()
        .args(["solve", "no/such/file.toml"])
        .output()
        .unwrap();
    assert_eq!(res.status.code(), Some(2));
    let e = String::from_utf8(res.stderr).unwrap();
    expect(&e, &["no/such/file.toml", "cannot read"]);
}

#[test]
fn bad_flag_value() {
    let res = roster()
        .args(["solve", "tests/data/mutation.toml", "--time-limit", "-3"])
        .output()
        .unwrap();
    assert_eq!(res.status.code(), Some(2));
    let res = roster()
        .args(["solve", "tests/data/mutation.toml", "--solver", "gurobi"])
        .output()
        .unwrap();
    assert_eq!(res.status.code(), Some(2));
}

/// Roster files: malformed JSON, unknown staff, a date outside the month.
#[test]
fn bad_roster_files() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("{\"month\": \"2026-12\", \"assignments\": [", "line 1"),
        (
            r#"{"month":"2026-12","assignments":[{"staff":"S77","date":"2026-12-01","shift":"D","seat":"189"}]}"#,
            "assignments[0]: unknown staff id `S77`",
        ),
        (
            r#"{"month":"2026-12","assignments":[{"staff":"S01","date":"2027-01-01","shift":"D","seat":"189"}]}"#,
            "assignments[0]: 2027-01-01 is outside the month 2026-12",
        ),
        (
            r#"{"month":"2026-11","assignments":[]}"#,
            "month: roster is for 2026-11",
        ),
    ];
    for (i, (json, want)) in cases.iter().enumerate() {
        let p = dir.path().join(format!("r{i}.json"));
        std::fs::write(&p, json).unwrap();
        let res = roster()
            .args(["check", "tests/data/mutation.toml"])
            .arg(&p)
            .output()
            .unwrap();
        let e = String::from_utf8(res.stderr).unwrap();
        assert_eq!(res.status.code(), Some(2), "{e}");
        assert!(
            e.contains(&format!("r{i}.json")) && e.contains(want),
            "want {want:?} in {e}"
        );
        assert!(!e.contains("panicked"));
    }
}
