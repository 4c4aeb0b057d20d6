//! Bad input exits 2 with one message naming the file, the place and the fault; never a
//! panic, never an output file.

use assert_cmd::Command;
use std::path::Path;

const BASE: &str = include_str!("fixtures/rules/mutation.toml");

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
        .args([
            "solve",
            "tests/fixtures/rules/mutation.toml",
            "--time-limit",
            "-3",
        ])
        .output()
        .unwrap();
    assert_eq!(res.status.code(), Some(2));
    let res = roster()
        .args([
            "solve",
            "tests/fixtures/rules/mutation.toml",
            "--solver",
            "gurobi",
        ])
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
            .args(["check", "tests/fixtures/rules/mutation.toml"])
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

// ---------------------------------------------------------------------------------------
// Issue 10: integers that wrapped, huge weights, bytes, duplicates, date shapes, flags.

const TINY: &str = include_str!("../scenarios/tiny.toml");

/// Runs `roster ARGS...` where `{S}` stands for a scenario file holding `bytes`; returns
/// the exit code and stderr, after checking the one-line, no-panic, no-stdout shape of a
/// refusal when the code is 2.
fn run_on(bytes: &[u8], args: &[&str]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("given.toml");
    std::fs::write(&path, bytes).unwrap();
    let out = dir.path().join("out.json");
    let args: Vec<String> = args
        .iter()
        .map(|a| a.replace("{S}", path.to_str().unwrap()))
        .map(|a| a.replace("{OUT}", out.to_str().unwrap()))
        .collect();
    let res = roster().args(&args).output().unwrap();
    let stderr = String::from_utf8(res.stderr).unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    if res.status.code() == Some(2) {
        assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
        assert!(res.stdout.is_empty(), "nothing on stdout");
        assert!(!out.exists(), "no output file on bad input");
    }
    (res.status.code(), stderr)
}

fn refused(text: &str, parts: &[&str]) {
    let (code, e) = run_on(text.as_bytes(), &["solve", "{S}", "--out", "{OUT}"]);
    assert_eq!(code, Some(2), "{e}");
    expect(&e, &["given.toml"]);
    expect(&e, parts);
}

#[test]
fn integers_that_would_wrap_are_refused() {
    // 2^32 read as u32 was 0: the month "solved" with no demand and `check` passed.
    let all = TINY
        .replace("weekday = 1", "weekday = 4294967296")
        .replace("weekend = 1", "weekend = 4294967296")
        .replace("holiday = 1", "holiday = 4294967296");
    refused(
        &all,
        &[
            "[[demand]] #1 (shift \"D\", seat \"189\") weekday",
            "4294967296",
            "0 to 10000 heads",
        ],
    );
    let handover = TINY.replacen("[rules]\n", "[rules]\nhandover_minutes = 4294967296\n", 1);
    refused(
        &handover,
        &["[rules] handover_minutes", "4294967296", "0 to 240 minutes"],
    );
    let staff = TINY.replacen(
        "id = \"S05\"\n",
        "id = \"S05\"\nmax_shifts = 4294967296\n",
        1,
    );
    refused(&staff, &["[[staff]] #5 (id \"S05\") max_shifts", "0 to 31"]);
}

#[test]
fn huge_weights_are_refused_naming_the_limit() {
    for (line, huge) in [
        ("request = 1\n", "request = 1e18\n"),
        ("fair_weekends = 5\n", "fair_weekends = 1e17\n"),
        ("over_cover = 1\n", "over_cover = 1e308\n"),
        ("fair_nights = 5\n", "fair_nights = nan\n"),
    ] {
        let key = line.split(" = ").next().unwrap();
        refused(
            &TINY.replacen(line, huge, 1),
            &[&format!("[weights] {key}"), "out of range", "from 0 to 1e6"],
        );
    }
    refused(
        &TINY.replacen("weight = 5", "weight = 1e9", 1),
        &["[[request]] #1 weight", "1000000000", "from 0 to 1e6"],
    );
}

#[test]
fn huge_run_limits_solve_within_the_limit() {
    // 1e9 is a legal way to say "no limit": clamped to the horizon, the month solves as
    // with any limit beyond it (it used to build 10^9 windows per person and never end).
    let text = TINY.replacen(
        "[rules]\n",
        "[rules]\nmax_consecutive_nights = 1000000000\nmax_consecutive_days = 1000000000\n",
        1,
    );
    let (code, e) = run_on(
        text.as_bytes(),
        &["solve", "{S}", "--out", "{OUT}", "--time-limit", "60"],
    );
    assert_eq!(code, Some(0), "{e}");
}

#[test]
fn invalid_utf8_names_the_line_and_byte() {
    // 张 in GBK, where the name's UTF-8 was.
    let text = TINY.replacen("name = \"赵敏\"", "name = \"@@\"", 1);
    let at = text.find("@@").unwrap();
    let line = text[..at].matches('\n').count() + 1;
    let column = at - text[..at].rfind('\n').unwrap();
    let mut bytes = text.into_bytes();
    bytes[at] = 0xD5;
    bytes[at + 1] = 0xC5;
    let (code, e) = run_on(&bytes, &["solve", "{S}", "--out", "{OUT}"]);
    assert_eq!(code, Some(2), "{e}");
    expect(
        &e,
        &[
            "given.toml",
            &format!("line {line}, byte {column}"),
            "invalid UTF-8",
            "0xD5",
        ],
    );

    let dir = tempfile::tempdir().unwrap();
    let roster_file = dir.path().join("r.json");
    let mut json = b"{\"month\": \"2026-12\",\n \"assignments\": [], \"x\": \"".to_vec();
    json.extend([0xFF, b'"', b'}']);
    std::fs::write(&roster_file, json).unwrap();
    let res = roster()
        .args(["check", "tests/fixtures/rules/mutation.toml"])
        .arg(&roster_file)
        .output()
        .unwrap();
    let e = String::from_utf8(res.stderr).unwrap();
    assert_eq!(res.status.code(), Some(2), "{e}");
    expect(&e, &["r.json", "line 2, byte 27", "invalid UTF-8"]);
}

#[test]
fn duplicate_demand_rows_are_refused_naming_both() {
    let row = "\n[[demand]]\nshift = \"N\"\nseat = \"189\"\nweekday = 2\n";
    refused(
        &format!("{TINY}{row}"),
        &["[[demand]] #5", "duplicate of [[demand]] #3"],
    );
    let o =
        "\n[[demand_override]]\ndate = \"2026-12-24\"\nshift = \"D\"\nseat = \"189\"\nheads = 2\n";
    let other = o.replace("2026-12-24", "2026-12-25");
    refused(
        &format!("{TINY}{o}{other}{o}"),
        &[
            "[[demand_override]] #3",
            "duplicate of [[demand_override]] #1",
            "2026-12-24 D 189",
        ],
    );
}

#[test]
fn dates_and_times_must_be_zero_padded_iso() {
    let e = solve_broken("date = \"2026-12-24\"", "date = \"2026-12-4\"");
    expect(&e, &["[[request]] #1 date", "`2026-12-4`", "YYYY-MM-DD"]);
    let e = solve_broken("start = \"08:00\"", "start = \"8:00\"");
    expect(&e, &["[[shift]] #1", "start", "`8:00`", "HH:MM"]);
    let e = solve_broken(
        "requested_at = \"2026-11-01T09:00\"",
        "requested_at = \"2026-11-1T9:00\"",
    );
    expect(&e, &["requested_at", "YYYY-MM-DDTHH:MM"]);

    // The roster file too: chrono alone reads `2026-12-1` as a date.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("r.json");
    std::fs::write(
        &p,
        r#"{"month":"2026-12","assignments":[{"staff":"S01","date":"2026-12-1","shift":"D","seat":"189"}]}"#,
    )
    .unwrap();
    let res = roster()
        .args(["check", "tests/fixtures/rules/mutation.toml"])
        .arg(&p)
        .output()
        .unwrap();
    let e = String::from_utf8(res.stderr).unwrap();
    assert_eq!(res.status.code(), Some(2), "{e}");
    expect(&e, &["r.json", "line 1", "`2026-12-1`", "YYYY-MM-DD"]);

    // Leave granted since the roster was made, likewise.
    std::fs::write(
        &p,
        r#"{"month":"2026-12","assignments":[],"leave":[{"id":"G1","staff":"S01","from":"2026-12-1","to":"2026-12-02","kind":"sick","approved_by":"lead"}]}"#,
    )
    .unwrap();
    let res = roster()
        .args(["check", "tests/fixtures/rules/mutation.toml"])
        .arg(&p)
        .output()
        .unwrap();
    let e = String::from_utf8(res.stderr).unwrap();
    assert_eq!(res.status.code(), Some(2), "{e}");
    expect(&e, &["r.json", "`2026-12-1`", "YYYY-MM-DD"]);
}

/// Flag errors are one line naming the flag and the fault, exit 2; help and version print
/// as usual and exit 0.
#[test]
fn flag_errors_are_one_line() {
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["solve", "{S}", "--time-limit", "-1"],
            &["--time-limit", "positive"],
        ),
        (&["solve", "{S}", "--gap", "-0.5"], &["--gap"]),
        (
            &["solve", "{S}", "--time-limit", "abc"],
            &["--time-limit", "'abc'"],
        ),
        (&["solve", "{S}", "--bogus"], &["'--bogus'"]),
        (
            &["solve", "{S}", "--solver", "gurobi"],
            &["--solver", "gurobi"],
        ),
        (&["sovle", "{S}"], &["'sovle'", "tip:", "solve"]),
        (&["check", "{S}"], &["<ROSTER>"]),
        (
            &[
                "swap",
                "{S}",
                "r.json",
                "--date",
                "2026-12-01",
                "--with",
                "S02",
            ],
            &["--staff"],
        ),
        (
            &["simulate", "{S}", "--replications", "-1"],
            &["--replications", "'-1'"],
        ),
    ];
    for (args, parts) in cases {
        let (code, e) = run_on(TINY.as_bytes(), args);
        assert_eq!(code, Some(2), "{args:?}: {e}");
        assert!(e.starts_with("error: "), "{e}");
        expect(&e, parts);
    }
    for args in [&["--help"][..], &["--version"], &["solve", "--help"]] {
        let res = roster().args(args).output().unwrap();
        assert_eq!(res.status.code(), Some(0), "{args:?}");
        assert!(!res.stdout.is_empty());
    }
}

#[test]
fn weights_at_their_limit_still_solve_and_check() {
    // The largest weights accepted give a roster that `check` passes: no "internal
    // error" table, no false "no roster exists".
    let text = TINY
        .replacen("request = 1\n", "request = 1e6\n", 1)
        .replacen("fair_nights = 5\n", "fair_nights = 1e6\n", 1)
        .replacen("fair_weekends = 5\n", "fair_weekends = 1e6\n", 1)
        .replacen("over_cover = 1\n", "over_cover = 1e6\n", 1)
        .replacen("weight = 5", "weight = 1e6", 1);
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("w.toml");
    let out = dir.path().join("w.json");
    std::fs::write(&scenario, text).unwrap();
    let res = roster()
        .arg("solve")
        .arg(&scenario)
        .arg("--out")
        .arg(&out)
        .args(["--time-limit", "60"])
        .output()
        .unwrap();
    let e = String::from_utf8_lossy(&res.stderr);
    assert_eq!(res.status.code(), Some(0), "{e}");
    let res = roster()
        .arg("check")
        .arg(&scenario)
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(res.status.code(), Some(0));
}

#[test]
fn date_flags_must_be_zero_padded_iso() {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path().join("r.json");
    std::fs::write(&r, r#"{"month":"2026-12","assignments":[]}"#).unwrap();
    let r = r.to_str().unwrap();
    let cases: &[(&[&str], &[&str])] = &[
        (
            &[
                "swap",
                "tests/fixtures/rules/mutation.toml",
                r,
                "--staff",
                "S01",
                "--date",
                "2026-12-1",
                "--with",
                "S02",
            ],
            &["--date", "`2026-12-1`", "YYYY-MM-DD"],
        ),
        (
            &[
                "leave",
                "tests/fixtures/rules/mutation.toml",
                r,
                "--staff",
                "S01",
                "--from",
                "2026-12-1",
                "--to",
                "2026-12-02",
                "--kind",
                "sick",
                "--requested-at",
                "2026-11-20T10:00",
                "--approved-by",
                "lead",
            ],
            &["--from", "`2026-12-1`", "YYYY-MM-DD"],
        ),
        (
            &[
                "leave",
                "tests/fixtures/rules/mutation.toml",
                r,
                "--staff",
                "S01",
                "--from",
                "2026-12-01",
                "--to",
                "2026-12-02",
                "--kind",
                "sick",
                "--requested-at",
                "2026-11-20T9:00",
                "--approved-by",
                "lead",
            ],
            &["--requested-at", "`2026-11-20T9:00`", "YYYY-MM-DDTHH:MM"],
        ),
    ];
    for (args, parts) in cases {
        let res = roster().args(*args).output().unwrap();
        let e = String::from_utf8(res.stderr).unwrap();
        assert_eq!(res.status.code(), Some(2), "{args:?}: {e}");
        assert_eq!(e.trim().lines().count(), 1, "{e}");
        expect(&e, parts);
    }
}
