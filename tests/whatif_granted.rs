//! Granted leave is remembered (issue 9.2) and counts toward min_shifts (issue 9.3): the
//! roster file carries the leave a repair granted, and check, swap, candidates, plot and
//! report honour it when they read the roster with its scenario.

use crate::common::whatif as common;

use assert_cmd::Command;
use common::*;
use proptest::prelude::*;
use roster::model::{
    Approver, Assignment, GrantedLeave, LeaveKind, LeaveRequest, Roster, Scenario, parse_datetime,
};
use roster::rules::check_roster;
use roster::solve::SolveOptions;
use roster::whatif::{SwapRequest, candidates, check_swap, repair_leave};

fn opts() -> SolveOptions {
    SolveOptions {
        time_limit: 60.0,
        ..Default::default()
    }
}

fn sick(sc: &Scenario, who: usize, from: usize, len: usize) -> LeaveRequest {
    let last = (from + len - 1).min(sc.days() - 1);
    LeaveRequest {
        id: "granted-1".into(),
        staff: who,
        from: sc.date(from),
        to: sc.date(last),
        kind: LeaveKind::Sick,
        requested_at: parse_datetime("2026-11-20T09:00"),
        filed_by: Some(who),
        filed_by_id: sc.staff[who].id.clone(),
        approved_by: Approver::CentreDirector,
        certificate: true,
        emergency: false,
    }
}

/// The roster after a repaired leave, as written to disk and read back with the scenario
/// as the head wrote it (without the leave).
fn after_leave(sc: &Scenario, req: &LeaveRequest) -> Option<Roster> {
    let rep = repair_leave(sc, tiny_roster(), req, &opts()).ok()?;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.json");
    rep.roster.save(&path).unwrap();
    Some(Roster::load(&path, sc).expect("the written roster loads"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// After any accepted leave, no candidate list offers the person on leave a shift on a
    /// leave day, no accepted swap puts them there, and check flags a hand-edit that does.
    #[test]
    fn granted_leave_is_honoured_everywhere(who in 0usize..8, from in 0usize..29, len in 1usize..4) {
        let sc = tiny();
        let req = sick(&sc, who, from, len);
        let Some(r) = after_leave(&sc, &req) else { return Ok(()); };
        prop_assert_eq!(r.leave.len(), 1);
        prop_assert!(check_roster(&sc, &r).is_empty());
        let id = sc.staff[who].id.clone();
        // Every shift of every other person of the same job on a leave day: who could take it?
        for a in r.assignments.iter().filter(|a| req.covers(a.date) && a.staff != id) {
            let giver = sc.staff_by_id(&a.staff).unwrap();
            let list = candidates(&sc, &r, giver, a.date).unwrap();
            prop_assert!(list.iter().all(|c| c.staff != id), "{id} offered {} {}", a.shift, a.date);
            let req = SwapRequest { a: giver, date: a.date, b: who, return_date: None, approved: true };
            let out = check_swap(&sc, &r, &req).unwrap();
            prop_assert!(!out.accepted);
            prop_assert!(out.violations.iter().any(|v| v.rule.as_str() == "SWAP-LEAVE"), "{:?}", out.violations);
        }
        // The person on leave giving a shift away: no return on a leave day.
        for a in r.assignments.iter().filter(|a| a.staff == id) {
            for c in candidates(&sc, &r, who, a.date).unwrap() {
                prop_assert!(c.returns.iter().all(|o| !req.covers(o.date)), "{:?}", c.returns);
            }
        }
        // A hand-edit that puts them back to work on a leave day is a ROSTER-LEAVE violation.
        let mut edited = r.clone();
        let slot = r.assignments.iter().find(|a| req.covers(a.date)).unwrap().clone();
        edited.assignments.push(Assignment { staff: id.clone(), ..slot });
        let v = check_roster(&sc, &edited);
        prop_assert!(v.iter().any(|v| v.rule.as_str() == "ROSTER-LEAVE" && v.staff.as_deref() == Some(&id)), "{:?}", v);
    }
}

#[test]
fn a_roster_file_without_leave_still_loads_and_one_with_leave_round_trips() {
    let sc = tiny();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.json");
    std::fs::write(
        &path,
        r#"{"month": "2026-12", "assignments": [{"staff": "S01", "date": "2026-12-01", "shift": "D", "seat": "189"}], "swaps": []}"#,
    )
    .unwrap();
    let r = Roster::load(&path, &sc).unwrap();
    assert!(r.leave.is_empty());
    // An old roster is written back without a `leave` key.
    r.save(&path).unwrap();
    assert!(
        !std::fs::read_to_string(&path)
            .unwrap()
            .contains("\"leave\"")
    );

    let mut r = r;
    r.leave
        .push(GrantedLeave::from_request(&sc, &sick(&sc, 0, 3, 2)));
    r.save(&path).unwrap();
    let back = Roster::load(&path, &sc).unwrap();
    assert_eq!(back.leave, r.leave);
    assert_eq!(
        back.leave[0].to_request(&sc).unwrap().to,
        date("2026-12-05")
    );
}

#[test]
fn bad_granted_leave_is_bad_input_naming_the_place() {
    let sc = tiny();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.json");
    for (leave, needle) in [
        (
            r#"{"id": "g", "staff": "S99", "from": "2026-12-01", "to": "2026-12-01", "kind": "sick", "approved_by": "lead"}"#,
            "unknown staff id `S99`",
        ),
        (
            r#"{"id": "g", "staff": "S01", "from": "2026-12-03", "to": "2026-12-01", "kind": "sick", "approved_by": "lead"}"#,
            "before it starts",
        ),
        (
            r#"{"id": "g", "staff": "S01", "from": "2027-01-03", "to": "2027-01-04", "kind": "sick", "approved_by": "lead"}"#,
            "no day in the month",
        ),
        (
            r#"{"id": "g", "staff": "S01", "from": "2026-12-01", "to": "2026-12-01", "kind": "sick", "approved_by": "none"}"#,
            "approved_by",
        ),
        (
            r#"{"id": "g", "staff": "S01", "from": "2026-12-01", "to": "2026-12-01", "kind": "sick", "approved_by": "lead", "requested_at": "soon"}"#,
            "requested_at",
        ),
        (
            r#"{"id": "g", "staff": "S01", "from": "2026-12-01", "to": "2026-12-01", "kind": "holiday", "approved_by": "lead"}"#,
            "unknown variant",
        ),
    ] {
        std::fs::write(
            &path,
            format!(r#"{{"month": "2026-12", "assignments": [], "leave": [{leave}]}}"#),
        )
        .unwrap();
        let err = Roster::load(&path, &sc).unwrap_err().to_string();
        assert!(err.contains(needle), "{err}");
        assert!(err.contains("r.json"), "{err}");
        assert!(!err.contains('\n'), "{err}");
    }
}

/// ROSTER-LOAD counts leave days toward min_shifts: the tiny month's minimum is 12.
#[test]
fn leave_days_count_toward_min_shifts_in_the_checker() {
    let mut sc = tiny();
    let ten: Vec<(&str, String, &str)> = (1..=20)
        .step_by(2)
        .map(|d| ("S05", format!("2026-12-{d:02}"), "D"))
        .collect();
    let duties: Vec<(&str, &str, &str)> =
        ten.iter().map(|(s, d, k)| (*s, d.as_str(), *k)).collect();
    let r = roster("2026-12", &duties);
    let load = |sc: &Scenario| -> Vec<String> {
        check_roster(sc, &r)
            .into_iter()
            .filter(|v| v.rule.as_str() == "ROSTER-LOAD" && v.staff.as_deref() == Some("S05"))
            .map(|v| v.message)
            .collect()
    };
    assert_eq!(load(&sc).len(), 1, "10 shifts < 12");
    let s05 = sc.staff_by_id("S05").unwrap();
    // One day of leave: 11 due, still short; the message says why the minimum is 11.
    sc.leave.push(sick(&sc, s05, 25, 1));
    let msg = load(&sc);
    assert!(
        msg[0].contains("at least 11 (min_shifts 12 less 1 day(s) of leave)"),
        "{msg:?}"
    );
    // Two days: 10 due, met.
    sc.leave[0].to = date("2026-12-27");
    assert!(load(&sc).is_empty());
    assert_eq!(sc.min_shifts_due(s05), 10);
}

fn roster_cmd() -> Command {
    Command::cargo_bin("roster").unwrap()
}

/// End to end: leave --repair writes the leave into the roster; check, candidates, plot
/// and report read it back with the unchanged scenario and show it as leave (假).
#[test]
fn the_cli_remembers_granted_leave() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.json");
    tiny_roster().save(&path).unwrap();
    let scen = tiny_path().display().to_string();
    let p = path.display().to_string();
    let leave_of = |who: &str| {
        roster_cmd()
            .args([
                "leave",
                &scen,
                &p,
                "--staff",
                who,
                "--from",
                "2026-12-14",
                "--to",
                "2026-12-16",
                "--kind",
                "sick",
                "--certificate",
                "--requested-at",
                "2026-12-01T09:00",
                "--approved-by",
                "centre_director",
                "--repair",
            ])
            .assert()
            .code(0);
    };
    leave_of("S06");
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(r["leave"][0]["staff"], "S06");
    assert_eq!(r["leave"][0]["approved_by"], "centre_director");
    roster_cmd().args(["check", &scen, &p]).assert().code(0);

    // Nobody offers S06 a shift on the 15th.
    let sc = tiny();
    let roster = Roster::load(&path, &sc).unwrap();
    for a in roster
        .assignments
        .iter()
        .filter(|a| a.date == date("2026-12-15"))
    {
        let res = roster_cmd()
            .args([
                "swap",
                &scen,
                &p,
                "--staff",
                &a.staff,
                "--date",
                "2026-12-15",
                "--candidates",
                "--json",
            ])
            .assert()
            .code(0);
        let doc: serde_json::Value = serde_json::from_slice(&res.get_output().stdout).unwrap();
        for c in doc["candidates"].as_array().unwrap() {
            assert_ne!(c["staff"], "S06");
        }
    }

    // Report and plot mark her three days as leave.
    let html = dir.path().join("r.html");
    roster_cmd()
        .args(["report", &scen, &p, "--out", &html.display().to_string()])
        .assert()
        .code(0);
    let text = std::fs::read_to_string(&html).unwrap();
    assert_eq!(text.matches("<td class=\"leave\">假</td>").count(), 3);
    // Her minimum is the tiny month's 12 less her 3 days of leave.
    assert_eq!(text.matches("<small>(9–20)</small>").count(), 1);
    let svg = dir.path().join("r.svg");
    roster_cmd()
        .args([
            "plot",
            &scen,
            &p,
            "--kind",
            "roster",
            "--out",
            &svg.display().to_string(),
        ])
        .assert()
        .code(0);
    // One 假 cell per leave day (the legend's "假 approved leave" is another text).
    let cells = std::fs::read_to_string(&svg)
        .unwrap()
        .lines()
        .filter(|l| l.trim() == "假")
        .count();
    assert_eq!(cells, 3);

    // A hand-edit that puts her back on the 15th breaks ROSTER-LEAVE.
    let mut edited = roster.clone();
    let slot = edited
        .assignments
        .iter()
        .find(|a| a.date == date("2026-12-15"))
        .unwrap()
        .clone();
    edited.assignments.push(Assignment {
        staff: "S06".into(),
        ..slot
    });
    edited.save(&path).unwrap();
    let res = roster_cmd()
        .args(["check", &scen, &p, "--json"])
        .assert()
        .code(1);
    let doc: serde_json::Value = serde_json::from_slice(&res.get_output().stdout).unwrap();
    assert!(
        doc["violations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v["rule"] == "ROSTER-LEAVE" && v["staff"] == "S06")
    );
}
