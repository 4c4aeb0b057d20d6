//! Shared test helpers: load fixtures, solve them once, and look things up in a roster.
#![allow(dead_code)]

use chrono::NaiveDate;
use roster::model::{Assignment, Roster, Scenario};
use roster::rules::check_roster;
use roster::solve::{SolveOptions, solve};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn load(rel: &str) -> Scenario {
    Scenario::load(&root().join(rel)).unwrap_or_else(|e| panic!("{e}"))
}

pub fn scenario(toml: &str) -> Scenario {
    Scenario::from_toml(toml, Path::new("inline.toml")).unwrap_or_else(|e| panic!("{e}"))
}

pub fn solved(sc: &Scenario) -> Roster {
    let s = solve(sc, &SolveOptions::default()).unwrap_or_else(|e| panic!("solve failed: {e}"));
    let v = check_roster(sc, &s.roster);
    assert!(v.is_empty(), "solver roster breaks rules: {v:#?}");
    s.roster
}

pub fn rules_broken(sc: &Scenario, r: &Roster) -> BTreeSet<&'static str> {
    check_roster(sc, r)
        .into_iter()
        .map(|v| v.rule.as_str())
        .collect()
}

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The shift code a person works on a date, if any.
pub fn shift_on(r: &Roster, staff: &str, date: NaiveDate) -> Option<String> {
    r.assignments
        .iter()
        .find(|a| a.staff == staff && a.date == date)
        .map(|a| a.shift.clone())
}

pub fn assign(staff: &str, date: NaiveDate, shift: &str, seat: &str) -> Assignment {
    Assignment {
        staff: staff.into(),
        date,
        shift: shift.into(),
        seat: seat.into(),
    }
}

pub fn roster(sc: &Scenario, a: Vec<Assignment>) -> Roster {
    Roster {
        month: sc.month.to_string(),
        assignments: a,
        swaps: vec![],
        leave: Vec::new(),
        solver: None,
    }
}

/// `roster check SCENARIO ROSTER` on files a command wrote must pass (exit 0).
pub fn assert_check_passes(scenario: &Path, roster: &Path) {
    let check = std::process::Command::new(env!("CARGO_BIN_EXE_roster"))
        .arg("check")
        .arg(scenario)
        .arg(roster)
        .output()
        .unwrap();
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
}
#[path = "../../benches/support/cookies.rs"]
pub mod cookies;
pub mod plot;
pub mod serve;
pub mod whatif;
