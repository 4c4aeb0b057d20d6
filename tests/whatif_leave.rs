//! LEAVE-* rules: a baseline request that passes, and for each rule a variant where only
//! that rule fails.

use crate::common::whatif as common;

use common::*;
use roster::model::{Approver, LeaveKind, LeaveRequest, Roster, Scenario, parse_datetime};
use roster::whatif::{check_leave, leave_rules};
use std::collections::BTreeSet;

/// S04 asks, five days ahead, for personal leave on the 15th, where they work the day shift.
fn request(sc: &Scenario) -> LeaveRequest {
    LeaveRequest {
        id: "request".into(),
        staff: sc.staff_by_id("S04").unwrap(),
        from: date("2026-12-15"),
        to: date("2026-12-15"),
        kind: LeaveKind::Personal,
        requested_at: parse_datetime("2026-12-10T09:00"),
        filed_by: sc.staff_by_id("S04"),
        filed_by_id: "S04".into(),
        approved_by: Approver::DeptHead,
        certificate: false,
        emergency: false,
    }
}

fn base() -> Roster {
    roster(
        "2026-12",
        &[("S04", "2026-12-15", "D"), ("S04", "2026-12-16", "D")],
    )
}

fn broken(sc: &Scenario, r: &Roster, req: &LeaveRequest) -> BTreeSet<&'static str> {
    check_leave(sc, r, req)
        .violations
        .iter()
        .map(|v| v.rule.as_str())
        .collect()
}

fn only(rule: &str) -> BTreeSet<&str> {
    BTreeSet::from([rule])
}

#[test]
fn every_leave_rule_has_its_id() {
    let ids: Vec<&str> = leave_rules().iter().map(|r| r.id().as_str()).collect();
    assert_eq!(
        ids,
        [
            "LEAVE-NOTICE",
            "LEAVE-APPROVER",
            "LEAVE-PROXY",
            "LEAVE-CERT",
            "LEAVE-NIGHT",
            "LEAVE-HOLIDAY",
            "LEAVE-SWAPPED"
        ]
    );
}

#[test]
fn baseline_is_accepted() {
    let sc = free();
    let out = check_leave(&sc, &base(), &request(&sc));
    assert!(out.accepted, "{:?}", out.violations);
    assert_eq!(out.affected.len(), 1);
}

#[test]
fn only_notice_fails_twelve_hours_ahead() {
    let sc = free();
    let mut q = request(&sc);
    q.requested_at = parse_datetime("2026-12-14T20:00");
    assert_eq!(broken(&sc, &base(), &q), only("LEAVE-NOTICE"));
}

#[test]
fn special_leave_needs_an_hour_and_sick_leave_the_report_time() {
    let sc = free();
    let mut q = request(&sc);
    q.kind = LeaveKind::Special;
    q.requested_at = parse_datetime("2026-12-15T07:00"); // 50 min before reporting at 07:50
    assert_eq!(broken(&sc, &base(), &q), only("LEAVE-NOTICE"));
    q.requested_at = parse_datetime("2026-12-15T06:50");
    assert!(broken(&sc, &base(), &q).is_empty());
    q.kind = LeaveKind::Sick;
    q.certificate = true;
    q.requested_at = parse_datetime("2026-12-15T07:49");
    assert!(broken(&sc, &base(), &q).is_empty());
    q.requested_at = parse_datetime("2026-12-15T07:50");
    assert_eq!(broken(&sc, &base(), &q), only("LEAVE-NOTICE"));
}

#[test]
fn only_approver_fails_for_a_lead_signature() {
    let sc = free();
    let mut q = request(&sc);
    q.approved_by = Approver::Lead;
    assert_eq!(broken(&sc, &base(), &q), only("LEAVE-APPROVER"));
}

#[test]
fn only_approver_fails_for_two_days_signed_by_the_dept_head() {
    let sc = free();
    let mut q = request(&sc);
    q.to = date("2026-12-16");
    assert_eq!(broken(&sc, &base(), &q), only("LEAVE-APPROVER"));
    q.approved_by = Approver::CentreDirector;
    assert!(broken(&sc, &base(), &q).is_empty());
}

#[test]
fn only_proxy_fails_for_personal_leave_filed_by_another() {
    let sc = free();
    let mut q = request(&sc);
    q.filed_by = sc.staff_by_id("S01");
    q.filed_by_id = "S01".into();
    assert_eq!(broken(&sc, &base(), &q), only("LEAVE-PROXY"));
    q.kind = LeaveKind::Sick;
    q.certificate = true;
    assert!(
        broken(&sc, &base(), &q).is_empty(),
        "sick leave may be filed by another"
    );
}

#[test]
fn only_cert_fails_for_sick_leave_without_a_certificate() {
    let sc = free();
    let mut q = request(&sc);
    q.kind = LeaveKind::Sick;
    assert_eq!(broken(&sc, &base(), &q), only("LEAVE-CERT"));
    q.emergency = true;
    assert!(
        broken(&sc, &base(), &q).is_empty(),
        "an emergency waives it"
    );
}

#[test]
fn only_night_fails_for_personal_leave_on_a_night_shift() {
    let sc = free();
    let r = roster("2026-12", &[("S04", "2026-12-15", "N")]);
    let mut q = request(&sc);
    assert_eq!(broken(&sc, &r, &q), only("LEAVE-NIGHT"));
    q.kind = LeaveKind::Special;
    q.approved_by = Approver::Management;
    assert!(broken(&sc, &r, &q).is_empty());
    q.requested_at = parse_datetime("2026-12-15T12:00");
    assert_eq!(
        broken(&sc, &r, &q),
        only("LEAVE-NIGHT"),
        "not before noon that day"
    );
}

#[test]
fn only_holiday_fails_for_personal_leave_on_a_public_holiday() {
    let sc = free();
    let mut q = request(&sc);
    q.from = date("2026-12-25");
    q.to = date("2026-12-25");
    q.requested_at = parse_datetime("2026-12-20T09:00");
    assert_eq!(broken(&sc, &base(), &q), only("LEAVE-HOLIDAY"));
    q.kind = LeaveKind::Special;
    q.approved_by = Approver::Management;
    assert!(broken(&sc, &base(), &q).is_empty());
    q.requested_at = parse_datetime("2026-12-23T00:01");
    assert_eq!(
        broken(&sc, &base(), &q),
        only("LEAVE-HOLIDAY"),
        "less than 2 days ahead"
    );
}

#[test]
fn only_swapped_fails_on_a_shift_taken_in_a_swap() {
    let sc = free();
    let mut r = base();
    r.swaps = vec![swap("S01", "S04", "2026-12-15", "D")];
    assert_eq!(broken(&sc, &r, &request(&sc)), only("LEAVE-SWAPPED"));
}

#[test]
fn only_swapped_fails_on_a_shift_returned_in_a_swap() {
    let sc = free();
    let mut r = base();
    let mut s = swap("S04", "S01", "2026-12-03", "D");
    s.return_date = Some(date("2026-12-15"));
    s.return_shift = Some("D".into());
    r.swaps = vec![s];
    assert_eq!(broken(&sc, &r, &request(&sc)), only("LEAVE-SWAPPED"));
}

#[test]
fn only_swapped_fails_for_the_holiday_one_is_rostered_on() {
    let sc = free();
    let r = roster("2026-12", &[("S04", "2026-12-25", "D")]);
    let mut q = request(&sc);
    q.from = date("2026-12-25");
    q.to = date("2026-12-25");
    q.kind = LeaveKind::Special;
    q.approved_by = Approver::Management;
    q.requested_at = parse_datetime("2026-12-20T09:00");
    assert_eq!(broken(&sc, &r, &q), only("LEAVE-SWAPPED"));
}

#[test]
fn violations_name_rule_staff_and_date() {
    let sc = free();
    let mut q = request(&sc);
    q.approved_by = Approver::None;
    let out = check_leave(&sc, &base(), &q);
    let v = &out.violations[0];
    assert_eq!(v.staff.as_deref(), Some("S04"));
    assert_eq!(v.date, Some(date("2026-12-15")));
    assert_eq!(v.shift.as_deref(), Some("D"));
    assert!(v.message.contains("刘洋"));
}

/// Issue 9.5: leave verdicts and repair lists of the seed month (Chinese names, long
/// sentences) fit 100 columns.
#[test]
fn leave_and_repair_text_of_the_seed_month_fit_100_columns() {
    use unicode_width::UnicodeWidthStr;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let sc = Scenario::load(&root.join("scenarios/seed-2026-12.toml")).unwrap();
    let r = Roster::load(
        &root.join("tests/fixtures/seed/seed-2026-12.roster.json"),
        &sc,
    )
    .unwrap();
    let widest = |t: &str| t.lines().map(|l| l.width()).max().unwrap_or(0);
    let s40 = sc.staff_by_id("S40").unwrap();
    let mut req = LeaveRequest {
        id: "request".into(),
        staff: s40,
        from: date("2026-12-03"),
        to: date("2026-12-28"),
        kind: LeaveKind::Personal,
        requested_at: parse_datetime("2026-12-20T09:00"),
        filed_by: Some(sc.staff_by_id("S01").unwrap()),
        filed_by_id: "S01".into(),
        approved_by: Approver::Lead,
        certificate: false,
        emergency: false,
    };
    let out = check_leave(&sc, &r, &req);
    assert!(out.violations.len() >= 3);
    let text = roster::report::leave_text(&sc, &out);
    assert!(widest(&text) <= 100, "{text}");
    req.from = date("2026-12-21");
    req.to = date("2026-12-22");
    req.filed_by_id = "S40".into();
    req.approved_by = Approver::CentreDirector;
    let rep = roster::whatif::repair_leave(&sc, &r, &req, &Default::default()).unwrap();
    let text = roster::report::repair_text(&rep);
    assert!(widest(&text) <= 100, "{text}");
}
