//! The built-in CN calendar (issue 12.2): `country = "CN"` reproduces every 2026 holiday
//! and make-up workday of the data, month by month; the scenario's own dates win; a year
//! without a notice warns; and the filled dates reach the report's holiday marks.

use crate::common;

use chrono::NaiveDate;
use common::*;
use roster::model::{DayType, Scenario};
use std::collections::BTreeSet;
use std::path::Path;

/// tiny.toml moved to `month`, with `calendar` in place of its empty one.
fn tiny_in(month: &str, calendar: &str) -> Scenario {
    let text = std::fs::read_to_string(root().join("scenarios/tiny.toml")).unwrap();
    let text = text
        .replace("month = \"2026-12\"", &format!("month = \"{month}\""))
        .replace("holidays = []\nworkdays = []", calendar);
    // Dated rows of December would fall outside another month.
    let cut = text.find("# Approved leave").unwrap();
    let rest = &text[text.find("[weights]").unwrap()..];
    let text = format!("{}{rest}", &text[..cut]);
    Scenario::from_toml(&text, Path::new("tiny-cn.toml")).unwrap_or_else(|e| panic!("{e}"))
}

/// The 2026 data read straight from the JSON, not through the library.
fn official_2026() -> (BTreeSet<NaiveDate>, BTreeSet<NaiveDate>) {
    let text = std::fs::read_to_string(root().join("data/holidays-cn/2026.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let (mut off, mut on) = (BTreeSet::new(), BTreeSet::new());
    for d in v["days"].as_array().unwrap() {
        let date = date(d["date"].as_str().unwrap());
        if d["isOffDay"].as_bool().unwrap() {
            off.insert(date);
        } else {
            on.insert(date);
        }
    }
    (off, on)
}

#[test]
fn country_cn_reproduces_every_2026_holiday_and_make_up_workday() {
    let (off, on) = official_2026();
    assert!(
        off.len() >= 30 && on.len() >= 5,
        "the data is the full year"
    );
    for m in 1..=12 {
        let month = format!("2026-{m:02}");
        let sc = tiny_in(&month, "country = \"CN\"");
        assert!(sc.warnings.is_empty(), "{month}: {:?}", sc.warnings);
        let in_month = |s: &BTreeSet<NaiveDate>| -> BTreeSet<NaiveDate> {
            s.iter()
                .copied()
                .filter(|d| sc.month.contains(*d))
                .collect()
        };
        assert_eq!(sc.holidays, in_month(&off), "{month} holidays");
        assert_eq!(sc.workdays, in_month(&on), "{month} make-up workdays");
        for d in sc.month_dates() {
            if on.contains(&d) {
                assert_eq!(sc.day_type(d), DayType::Weekday, "{d} is worked");
            }
            if off.contains(&d) {
                assert_eq!(sc.day_type(d), DayType::Holiday, "{d} is off");
            }
        }
    }
}

#[test]
fn the_scenarios_own_dates_add_to_and_override_the_notice() {
    let sc = tiny_in(
        "2026-10",
        "country = \"CN\"\nholidays = [\"2026-10-10\", \"2026-10-20\"]\nworkdays = [\"2026-10-07\"]",
    );
    assert!(sc.holidays.contains(&date("2026-10-01")), "from the notice");
    assert!(sc.holidays.contains(&date("2026-10-20")), "added");
    assert!(
        sc.holidays.contains(&date("2026-10-10")),
        "a notice workday made a holiday"
    );
    assert!(!sc.workdays.contains(&date("2026-10-10")));
    assert!(
        sc.workdays.contains(&date("2026-10-07")),
        "a notice holiday made a workday"
    );
    assert!(!sc.holidays.contains(&date("2026-10-07")));
}

#[test]
fn a_2027_month_warns_naming_the_year() {
    let sc = tiny_in("2027-01", "country = \"CN\"");
    assert_eq!(sc.warnings.len(), 1, "{:?}", sc.warnings);
    assert!(sc.warnings[0].contains("2027"), "{}", sc.warnings[0]);
    assert!(sc.holidays.is_empty());
}

#[test]
fn an_unknown_country_is_bad_input_naming_the_key() {
    let text = std::fs::read_to_string(root().join("scenarios/tiny.toml"))
        .unwrap()
        .replace("holidays = []", "holidays = []\ncountry = \"FR\"");
    let e = Scenario::from_toml(&text, Path::new("t.toml")).unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("[calendar] country") && msg.contains("FR"),
        "{msg}"
    );
}

#[test]
fn the_filled_holidays_reach_the_report_grid() {
    let sc = tiny_in("2026-10", "country = \"CN\"");
    let r = roster(&sc, Vec::new());
    let grid = roster::report::roster_grid(&sc, &r);
    let marks = grid.lines().nth(1).unwrap();
    // 1-7 October are the National Day holiday, each marked 节.
    assert!(marks.matches('节').count() >= 7, "{marks}");
    let plain = tiny_in("2026-10", "");
    let grid = roster::report::roster_grid(&plain, &roster(&plain, Vec::new()));
    assert_eq!(grid.lines().nth(1).unwrap().matches('节').count(), 0);
}
