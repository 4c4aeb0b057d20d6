//! One small hand-made roster per rule: the rule fires where it should, and stays quiet at
//! the edges the regulations allow (touching ends, exactly the limit, make-up workdays).

use crate::common;
use common::*;
use roster::model::DayType;

/// No demand, no lead or mix requirement: only the rule under test can fire.
fn quiet(extra_rules: &str, extra: &str) -> roster::model::Scenario {
    let extra_rules = if extra_rules.contains("leads_per_shift") {
        extra_rules.to_string()
    } else {
        format!("leads_per_shift = 0\n{extra_rules}")
    };
    scenario(&format!(
        r#"
month = "2026-12"
[rules]
{extra_rules}
[calendar]
holidays = ["2026-12-25"]
workdays = ["2026-12-26"]
[[shift]]
code = "D"
name = "日班"
start = "08:00"
end = "16:00"
[[shift]]
code = "E"
name = "中班"
start = "16:00"
end = "24:00"
[[shift]]
code = "N"
name = "夜班"
start = "00:00"
end = "08:00"
[[seat]]
code = "189"
min_grade = "junior"
[[seat]]
code = "96123"
min_grade = "senior"
[[staff]]
id = "A"
name = "王芳"
grade = "senior"
lead = true
[[staff]]
id = "B"
name = "李娜"
grade = "junior"
[[mix]]
shift = "*"
grade = "senior"
min = 0
{extra}
"#
    ))
}

fn d(day: u32) -> chrono::NaiveDate {
    date(&format!("2026-12-{day:02}"))
}

#[test]
fn roster_one_two_shifts_a_day() {
    let sc = quiet("", "");
    let r = roster(
        &sc,
        vec![assign("B", d(3), "D", "189"), assign("B", d(3), "E", "189")],
    );
    let v = roster::rules::check_roster(&sc, &r);
    assert_eq!(v.len(), 1);
    assert_eq!(
        (
            v[0].rule.as_str(),
            v[0].staff.as_deref(),
            v[0].date,
            v[0].shift.as_deref()
        ),
        ("ROSTER-ONE", Some("B"), Some(d(3)), Some("E"))
    );
}

#[test]
fn roster_rest_counts_handover_and_crosses_the_month() {
    let sc = quiet(
        "",
        "[[history]]\nstaff = \"B\"\ndate = \"2026-11-30\"\nshift = \"E\"",
    );
    // E ends 24:00 on 11-30; N starts 00:00 on 12-01: no rest at all.
    let r = roster(&sc, vec![assign("B", d(1), "N", "189")]);
    let v = roster::rules::check_roster(&sc, &r);
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(v[0].rule.as_str(), "ROSTER-REST");
    assert!(v[0].message.contains("0 h rest"), "{}", v[0].message);
    // E then E next day: 16 h minus the 10 min handover is plenty.
    let r = roster(
        &sc,
        vec![assign("B", d(1), "E", "189"), assign("B", d(2), "E", "189")],
    );
    assert!(rules_broken(&sc, &r).is_empty());
    // D 08-16 then N 00:00 next day: 8 h - 10 min of rest.
    let r = roster(
        &sc,
        vec![assign("B", d(5), "D", "189"), assign("B", d(6), "N", "189")],
    );
    assert_eq!(
        rules_broken(&sc, &r).into_iter().collect::<Vec<_>>(),
        ["ROSTER-REST"]
    );
}

#[test]
fn roster_rest_exactly_the_minimum_is_allowed() {
    // N 00-08 then E 16:00 next... same day is ONE; use min_rest 7h50: D ends 16:00, N
    // report is 23:50 → exactly 7 h 50 min.
    let sc = quiet("min_rest_hours = 7.8333333333", "");
    let r = roster(
        &sc,
        vec![assign("B", d(5), "D", "189"), assign("B", d(6), "N", "189")],
    );
    assert!(rules_broken(&sc, &r).is_empty());
}

#[test]
fn roster_cover_needs_qualified_people_at_each_seat() {
    let sc = quiet(
        "",
        "[[demand]]\nshift = \"D\"\nseat = \"96123\"\nweekday = 1\nweekend = 0\nholiday = 0",
    );
    // 2026-12-01 is a Tuesday: one senior seat to fill; a junior there does not count.
    let r = roster(&sc, vec![assign("B", d(1), "D", "96123")]);
    let v: Vec<_> = roster::rules::check_roster(&sc, &r)
        .into_iter()
        .filter(|v| v.date == Some(d(1)))
        .collect();
    assert_eq!(v.len(), 2, "{v:?}");
    assert!(v.iter().all(|v| v.rule.as_str() == "ROSTER-COVER"));
    assert!(v.iter().any(|v| v.staff.as_deref() == Some("B")));
    assert!(v.iter().any(|v| v.message.contains("0 of 1")));
    let r = roster(&sc, vec![assign("A", d(1), "D", "96123")]);
    assert!(
        !roster::rules::check_roster(&sc, &r)
            .iter()
            .any(|v| v.date == Some(d(1)))
    );
}

#[test]
fn roster_lead_on_every_shift() {
    let sc = quiet("leads_per_shift = 1", "");
    let r = roster(&sc, vec![assign("B", d(1), "D", "189")]);
    let v = roster::rules::check_roster(&sc, &r);
    // Three shifts × 31 days, none with a lead.
    assert_eq!(
        v.iter()
            .filter(|v| v.rule.as_str() == "ROSTER-LEAD")
            .count(),
        93
    );
    assert!(v.iter().all(|v| v.rule.as_str() == "ROSTER-LEAD"));
}

#[test]
fn roster_grade_mix_counts_people_at_or_above() {
    let sc = quiet("", "[[mix]]\nshift = \"D\"\ngrade = \"senior\"\nmin = 1");
    let r = roster(&sc, vec![assign("B", d(1), "D", "189")]);
    let v = roster::rules::check_roster(&sc, &r);
    assert!(
        v.iter()
            .all(|v| v.rule.as_str() == "ROSTER-GRADE" && v.shift.as_deref() == Some("D"))
    );
    assert_eq!(v.len(), 31);
    assert!(
        v[0].message.contains("0 of 1 people at senior or above"),
        "{}",
        v[0].message
    );
    // With no [[mix]] at all, one senior per shift is the default.
    let mut text =
        std::fs::read_to_string(root().join("tests/fixtures/rules/mutation.toml")).unwrap();
    let start = text.find("[[mix]]").unwrap();
    let end = text.find("[[leave]]").unwrap();
    text.replace_range(start..end, "");
    assert_eq!(
        scenario(&text).mix_minimums(0),
        vec![(roster::model::Grade::Senior, 1)]
    );
}

#[test]
fn roster_leave_blocks_the_days_of_approved_leave_only() {
    let leave = "[[leave]]\nstaff = \"B\"\nfrom = \"2026-12-10\"\nto = \"2026-12-11\"\nkind = \"annual\"\napproved_by = \"centre_director\"\n[[leave]]\nstaff = \"B\"\nfrom = \"2026-12-20\"\nto = \"2026-12-20\"\nkind = \"personal\"\napproved_by = \"none\"";
    let sc = quiet("", leave);
    let r = roster(
        &sc,
        vec![
            assign("B", d(11), "D", "189"),
            assign("B", d(20), "D", "189"),
            assign("B", d(12), "D", "189"),
        ],
    );
    let v = roster::rules::check_roster(&sc, &r);
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(
        (v[0].rule.as_str(), v[0].date),
        ("ROSTER-LEAVE", Some(d(11)))
    );
}

#[test]
fn roster_consec_days_nights_and_history() {
    let sc = quiet("", "");
    let seven: Vec<_> = (1..=7).map(|k| assign("B", d(k), "E", "189")).collect();
    let v = roster::rules::check_roster(&sc, &roster(&sc, seven.clone()));
    assert_eq!(v.len(), 1);
    assert_eq!(
        (v[0].rule.as_str(), v[0].date),
        ("ROSTER-CONSEC", Some(d(7)))
    );
    assert!(roster::rules::check_roster(&sc, &roster(&sc, seven[..6].to_vec())).is_empty());

    let nights: Vec<_> = (1..=4).map(|k| assign("B", d(k), "N", "189")).collect();
    let v = roster::rules::check_roster(&sc, &roster(&sc, nights));
    assert_eq!(v.len(), 1);
    assert!(
        v[0].message.contains("4 night shifts in a row"),
        "{}",
        v[0].message
    );

    // Three November days plus four December days make seven in a row.
    let hist: String = (28..=30)
        .map(|k| format!("[[history]]\nstaff = \"B\"\ndate = \"2026-11-{k}\"\nshift = \"E\"\n"))
        .collect();
    let sc = quiet("", &hist);
    let v = roster::rules::check_roster(&sc, &roster(&sc, seven[..4].to_vec()));
    assert_eq!(v.len(), 1, "{v:?}");
    assert_eq!(
        (v[0].rule.as_str(), v[0].date),
        ("ROSTER-CONSEC", Some(d(4)))
    );
}

#[test]
fn roster_consec_a_day_off_in_seven_whatever_the_parameter() {
    let sc = quiet("max_consecutive_days = 10", "");
    let seven: Vec<_> = (1..=7).map(|k| assign("B", d(k), "E", "189")).collect();
    assert_eq!(
        rules_broken(&sc, &roster(&sc, seven))
            .into_iter()
            .collect::<Vec<_>>(),
        ["ROSTER-CONSEC"]
    );
}

#[test]
fn roster_load_bounds_per_person() {
    let sc = quiet("min_shifts = 1\nmax_shifts = 2", "");
    let r = roster(
        &sc,
        vec![
            assign("B", d(1), "D", "189"),
            assign("B", d(3), "D", "189"),
            assign("B", d(5), "D", "189"),
        ],
    );
    let v = roster::rules::check_roster(&sc, &r);
    assert_eq!(v.len(), 2, "{v:?}");
    assert!(
        v.iter()
            .any(|v| v.staff.as_deref() == Some("A") && v.message.contains("at least 1"))
    );
    assert!(
        v.iter()
            .any(|v| v.staff.as_deref() == Some("B") && v.message.contains("at most 2"))
    );
}

#[test]
fn roster_event_overlap_but_touching_ends_are_fine() {
    let sc = quiet(
        "",
        "[[event]]\nname = \"班务会\"\ndate = \"2026-12-07\"\nstart = \"16:00\"\nend = \"17:00\"\nattendees = \"leads\"",
    );
    let ok = roster(&sc, vec![assign("A", d(7), "D", "96123")]);
    assert!(rules_broken(&sc, &ok).is_empty());
    let bad = roster(&sc, vec![assign("A", d(7), "E", "96123")]);
    let v = roster::rules::check_roster(&sc, &bad);
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].rule.as_str(), "ROSTER-EVENT");
    assert!(v[0].message.contains("班务会"));
    // The junior is not a lead, so not at the meeting.
    assert!(rules_broken(&sc, &roster(&sc, vec![assign("B", d(7), "E", "189")])).is_empty());
}

#[test]
fn day_types_follow_precedence() {
    let sc = quiet("", "");
    assert_eq!(sc.day_type(d(25)), DayType::Holiday); // a Friday, but a holiday
    assert_eq!(sc.day_type(d(26)), DayType::Weekday); // Saturday, a make-up workday
    assert_eq!(sc.day_type(d(27)), DayType::Weekend);
    assert_eq!(sc.day_type(d(28)), DayType::Weekday);
    assert!(!sc.is_weekend_or_holiday(d(26)));
}

#[test]
fn night_shift_by_default_covers_00_to_05() {
    let sc = quiet("", "");
    let night: Vec<bool> = sc.shifts.iter().map(|s| s.night).collect();
    assert_eq!(night, [false, false, true]);
}
