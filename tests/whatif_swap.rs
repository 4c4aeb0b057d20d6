//! SWAP-* rules: for each, a swap where only that rule fails; plus the property that every
//! accepted swap leaves a roster that passes `check`, and that every listed candidate is
//! accepted when asked.

use crate::common::whatif as common;

use common::*;
use proptest::prelude::*;
use roster::model::{Roster, Scenario};
use roster::rules::check_roster;
use roster::whatif::{RequestField, SwapRequest, candidates, check_swap, swap_rules};
use std::collections::BTreeSet;

fn ask(sc: &Scenario, a: &str, d: &str, b: &str, ret: Option<&str>) -> SwapRequest {
    SwapRequest {
        a: sc.staff_by_id(a).unwrap(),
        date: date(d),
        b: sc.staff_by_id(b).unwrap(),
        return_date: ret.map(date),
        approved: true,
    }
}

/// The rule IDs a swap breaks.
fn broken(sc: &Scenario, r: &Roster, req: &SwapRequest) -> BTreeSet<&'static str> {
    check_swap(sc, r, req)
        .expect("well-formed request")
        .violations
        .iter()
        .map(|v| v.rule.as_str())
        .collect()
}

fn only(rule: &str) -> BTreeSet<&str> {
    BTreeSet::from([rule])
}

/// S01 works D on the 10th, S04 D on the 12th: a clean exchange.
fn base() -> Roster {
    roster(
        "2026-12",
        &[("S01", "2026-12-10", "D"), ("S04", "2026-12-12", "D")],
    )
}

#[test]
fn every_swap_rule_has_its_id() {
    let ids: Vec<&str> = swap_rules().iter().map(|r| r.id().as_str()).collect();
    for id in [
        "SWAP-NOOP",
        "SWAP-SKILL",
        "SWAP-APPROVAL",
        "SWAP-LIMIT",
        "SWAP-CONSEC",
        "SWAP-REST",
        "SWAP-LEAVE",
        "SWAP-HOLIDAY",
        "SWAP-ROSTER",
    ] {
        assert!(ids.contains(&id), "{id} missing");
    }
}

#[test]
fn clean_swap_and_return_is_accepted_and_recorded() {
    let sc = free();
    let out = check_swap(
        &sc,
        &base(),
        &ask(&sc, "S01", "2026-12-10", "S04", Some("2026-12-12")),
    )
    .unwrap();
    assert!(out.accepted, "{:?}", out.violations);
    let r = out.roster.unwrap();
    assert_eq!(r.swaps.len(), 1);
    assert_eq!(r.swaps[0].return_date, Some(date("2026-12-12")));
    let has = |s: &str, d: &str| {
        r.assignments
            .iter()
            .any(|a| a.staff == s && a.date == date(d))
    };
    assert!(has("S04", "2026-12-10") && has("S01", "2026-12-12"));
    assert!(!has("S01", "2026-12-10") && !has("S04", "2026-12-12"));
    assert!(check_roster(&sc, &r).is_empty());
}

#[test]
fn only_skill_fails_for_another_job_type() {
    let sc = free();
    let r = base();
    assert_eq!(
        broken(&sc, &r, &ask(&sc, "S01", "2026-12-10", "S05", None)),
        only("SWAP-SKILL")
    );
}

#[test]
fn only_skill_fails_for_a_grade_gap() {
    let sc = free();
    let r = base();
    assert_eq!(
        broken(&sc, &r, &ask(&sc, "S01", "2026-12-10", "S03", None)),
        only("SWAP-SKILL")
    );
}

#[test]
fn only_approval_fails_without_the_leads() {
    let sc = free();
    let mut req = ask(&sc, "S01", "2026-12-10", "S04", Some("2026-12-12"));
    req.approved = false;
    assert_eq!(broken(&sc, &base(), &req), only("SWAP-APPROVAL"));
}

#[test]
fn only_limit_fails_on_the_third_swap() {
    let sc = free();
    let mut r = base();
    r.swaps = vec![
        swap("S01", "S02", "2026-12-01", "N"),
        swap("S02", "S01", "2026-12-20", "D"),
    ];
    assert_eq!(
        broken(
            &sc,
            &r,
            &ask(&sc, "S01", "2026-12-10", "S04", Some("2026-12-12"))
        ),
        only("SWAP-LIMIT")
    );
}

#[test]
fn only_consec_fails_next_to_an_earlier_swap() {
    let sc = free();
    let mut r = base();
    r.swaps = vec![swap("S04", "S02", "2026-12-11", "N")];
    assert_eq!(
        broken(&sc, &r, &ask(&sc, "S01", "2026-12-10", "S04", None)),
        only("SWAP-CONSEC")
    );
}

#[test]
fn only_consec_fails_for_a_shift_obtained_in_a_swap() {
    let sc = free();
    let mut r = base();
    // S01 got D on the 10th from S02; it may not pass on.
    r.swaps = vec![swap("S02", "S01", "2026-12-10", "D")];
    let out = check_swap(&sc, &r, &ask(&sc, "S01", "2026-12-10", "S04", None)).unwrap();
    let rules: BTreeSet<_> = out.violations.iter().map(|v| v.rule.as_str()).collect();
    assert_eq!(rules, only("SWAP-CONSEC"));
    assert!(
        out.violations
            .iter()
            .any(|v| v.message.contains("obtained"))
    );
}

#[test]
fn only_rest_fails_after_a_night() {
    let sc = free();
    let mut r = base();
    r.assignments
        .push(roster("2026-12", &[("S04", "2026-12-09", "N")]).assignments[0].clone());
    let out = check_swap(&sc, &r, &ask(&sc, "S01", "2026-12-10", "S04", None)).unwrap();
    let rules: BTreeSet<_> = out.violations.iter().map(|v| v.rule.as_str()).collect();
    assert_eq!(rules, only("SWAP-REST"));
    let msg = &out.violations[0].message;
    assert!(
        msg.contains("刘洋") && msg.contains("ROSTER-REST") && msg.contains("0 h rest"),
        "{msg}"
    );
}

#[test]
fn only_rest_fails_for_two_shifts_a_day() {
    let sc = free();
    let r = roster(
        "2026-12",
        &[("S01", "2026-12-10", "N"), ("S04", "2026-12-10", "D")],
    );
    assert_eq!(
        broken(&sc, &r, &ask(&sc, "S01", "2026-12-10", "S04", None)),
        only("SWAP-REST")
    );
}

#[test]
fn only_leave_fails_when_the_taker_is_on_leave() {
    let sc = free();
    let r = roster("2026-12", &[("S01", "2026-12-20", "D")]);
    assert_eq!(
        broken(&sc, &r, &ask(&sc, "S01", "2026-12-20", "S02", None)),
        only("SWAP-LEAVE")
    );
}

#[test]
fn only_holiday_fails_on_a_public_holiday() {
    let sc = free();
    let r = roster("2026-12", &[("S01", "2026-12-25", "D")]);
    assert_eq!(
        broken(&sc, &r, &ask(&sc, "S01", "2026-12-25", "S04", None)),
        only("SWAP-HOLIDAY")
    );
}

#[test]
fn only_roster_fails_for_a_seventh_day_in_a_row() {
    let sc = free();
    let mut duties = vec![("S01", "2026-12-10", "D")];
    let days = [
        "2026-12-04",
        "2026-12-05",
        "2026-12-06",
        "2026-12-07",
        "2026-12-08",
        "2026-12-09",
    ];
    duties.extend(days.iter().map(|d| ("S04", *d, "D")));
    let r = roster("2026-12", &duties);
    let out = check_swap(&sc, &r, &ask(&sc, "S01", "2026-12-10", "S04", None)).unwrap();
    let rules: BTreeSet<_> = out.violations.iter().map(|v| v.rule.as_str()).collect();
    assert_eq!(rules, only("SWAP-ROSTER"));
    assert!(out.violations[0].message.ends_with("ROSTER-CONSEC"));
}

#[test]
fn roster_violations_already_there_do_not_block_a_swap() {
    let sc = free();
    let mut r = base();
    // S03 already works back to back; that is not this swap's doing.
    r.assignments.extend(
        roster(
            "2026-12",
            &[("S03", "2026-12-10", "N"), ("S03", "2026-12-11", "D")],
        )
        .assignments,
    );
    assert!(!check_roster(&sc, &r).is_empty());
    assert!(
        broken(
            &sc,
            &r,
            &ask(&sc, "S01", "2026-12-10", "S04", Some("2026-12-12"))
        )
        .is_empty()
    );
}

#[test]
fn a_date_without_a_shift_is_bad_input() {
    let sc = free();
    let err = check_swap(&sc, &base(), &ask(&sc, "S01", "2026-12-11", "S04", None)).unwrap_err();
    assert_eq!(err.field, Some(RequestField::Date));
    let err = check_swap(
        &sc,
        &base(),
        &ask(&sc, "S01", "2026-12-10", "S04", Some("2026-12-13")),
    )
    .unwrap_err();
    assert_eq!(err.field, Some(RequestField::ReturnDate));
}

#[test]
fn every_candidate_and_return_is_accepted_when_asked() {
    let sc = tiny();
    let r = tiny_roster();
    let a = sc.staff_by_id("S01").unwrap();
    let d = r
        .assignments
        .iter()
        .find(|x| x.staff == "S01")
        .unwrap()
        .date;
    let list = candidates(&sc, r, a, d).unwrap();
    assert!(!list.is_empty());
    for c in &list {
        let b = sc.staff_by_id(&c.staff).unwrap();
        let req = |ret| SwapRequest {
            a,
            date: d,
            b,
            return_date: ret,
            approved: true,
        };
        assert_eq!(check_swap(&sc, r, &req(None)).unwrap().accepted, c.one_way);
        for o in &c.returns {
            let out = check_swap(&sc, r, &req(Some(o.date))).unwrap();
            assert!(
                out.accepted,
                "{} return {}: {:?}",
                c.staff, o.date, out.violations
            );
            assert!(check_roster(&sc, &out.roster.unwrap()).is_empty());
        }
    }
    // Best first: drift never decreases down the list.
    assert!(
        list.windows(2)
            .all(|w| w[0].fairness_drift <= w[1].fairness_drift)
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    /// Whatever the swap, if every SWAP-* rule accepts it, the new roster passes `check`;
    /// if not, every violation names a person, a date and a shift.
    #[test]
    fn accepted_swaps_pass_check(a in 0usize..8, b in 0usize..8, pick in 0usize..200, ret in proptest::option::of(0usize..200)) {
        let sc = tiny();
        let r = tiny_roster();
        prop_assume!(a != b);
        let id = |i: usize| sc.staff[i].id.clone();
        let days_of = |i: usize| -> Vec<_> { r.assignments.iter().filter(|x| x.staff == id(i)).map(|x| x.date).collect() };
        let (da, db) = (days_of(a), days_of(b));
        prop_assume!(!da.is_empty() && !db.is_empty());
        let req = SwapRequest {
            a, b,
            date: da[pick % da.len()],
            return_date: ret.map(|n| db[n % db.len()]),
            approved: true,
        };
        let out = check_swap(&sc, r, &req).unwrap();
        for v in &out.violations {
            prop_assert!(v.staff.is_some() && v.date.is_some() && v.shift.is_some(), "{:?}", v);
        }
        if out.accepted {
            let new = out.roster.unwrap();
            let v = check_roster(&sc, &new);
            prop_assert!(v.is_empty(), "{:?}", v);
        }
    }
}

#[test]
fn a_return_of_the_same_shift_on_the_same_day_changes_nothing_and_is_rejected() {
    let sc = free();
    let r = roster(
        "2026-12",
        &[("S01", "2026-12-10", "D"), ("S04", "2026-12-10", "D")],
    );
    let out = check_swap(
        &sc,
        &r,
        &ask(&sc, "S01", "2026-12-10", "S04", Some("2026-12-10")),
    )
    .unwrap();
    assert!(!out.accepted);
    let rules: BTreeSet<_> = out.violations.iter().map(|v| v.rule.as_str()).collect();
    assert_eq!(rules, only("SWAP-NOOP"));
    assert!(
        out.violations[0].message.contains("nothing changes hands"),
        "{:?}",
        out.violations
    );
    assert!(out.roster.is_none());
    // A same-day exchange of different shifts does change hands.
    let r = roster(
        "2026-12",
        &[("S01", "2026-12-10", "D"), ("S04", "2026-12-10", "N")],
    );
    assert!(
        broken(
            &sc,
            &r,
            &ask(&sc, "S01", "2026-12-10", "S04", Some("2026-12-10"))
        )
        .is_empty()
    );
}

/// (staff, date, shift) of A and B.
fn cells_of(r: &Roster, ids: [&str; 2]) -> BTreeSet<(String, chrono::NaiveDate, String)> {
    r.assignments
        .iter()
        .filter(|a| ids.contains(&a.staff.as_str()))
        .map(|a| (a.staff.clone(), a.date, a.shift.clone()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    /// Issues 9.4 and 9.5: every swap --candidates lists changes somebody's shifts, is
    /// accepted when asked with --approved, leaves a roster that passes the whole checker,
    /// and each candidate's return dates are in calendar order.
    #[test]
    fn every_listed_swap_changes_something_and_is_accepted(a in 0usize..8, pick in 0usize..40) {
        let sc = tiny();
        let r = tiny_roster();
        let id = sc.staff[a].id.clone();
        let days: Vec<_> = r.assignments.iter().filter(|x| x.staff == id).map(|x| x.date).collect();
        let d = days[pick % days.len()];
        for c in candidates(&sc, r, a, d).unwrap() {
            let b = sc.staff_by_id(&c.staff).unwrap();
            prop_assert!(c.returns.windows(2).all(|w| w[0].date <= w[1].date), "{:?}", c.returns);
            let mut asks: Vec<Option<chrono::NaiveDate>> = c.returns.iter().map(|o| Some(o.date)).collect();
            if c.one_way {
                asks.push(None);
            }
            for ret in asks {
                let req = SwapRequest { a, date: d, b, return_date: ret, approved: true };
                let out = check_swap(&sc, r, &req).unwrap();
                prop_assert!(out.accepted, "{} return {:?}: {:?}", c.staff, ret, out.violations);
                let after = out.roster.unwrap();
                prop_assert_ne!(cells_of(r, [&id, &c.staff]), cells_of(&after, [&id, &c.staff]));
                let v = check_roster(&sc, &after);
                prop_assert!(v.is_empty(), "{:?}", v);
            }
        }
    }

    /// Issue 10.4: whatever the roster (hand-edited ones with two shifts a day included),
    /// an accepted swap leaves neither person with two shifts a day or too little rest.
    #[test]
    fn accepted_swaps_leave_both_people_rested(
        duties in proptest::collection::vec((0usize..4, 0usize..6, 0usize..2), 1..24),
        a in 0usize..4, b in 0usize..4, pick in 0usize..24, ret in proptest::option::of(0usize..24),
    ) {
        prop_assume!(a != b);
        let sc = free();
        let ids = ["S01", "S02", "S03", "S04"];
        let days = ["2026-12-07", "2026-12-08", "2026-12-09", "2026-12-10", "2026-12-11", "2026-12-12"];
        let list: Vec<(&str, &str, &str)> = duties.iter().map(|&(i, d, k)| (ids[i], days[d], ["D", "N"][k])).collect();
        let r = roster("2026-12", &list);
        let of = |i: usize| -> Vec<_> { r.assignments.iter().filter(|x| x.staff == ids[i]).map(|x| x.date).collect() };
        let (da, db) = (of(a), of(b));
        prop_assume!(!da.is_empty() && !db.is_empty());
        let req = SwapRequest {
            a: sc.staff_by_id(ids[a]).unwrap(),
            date: da[pick % da.len()],
            b: sc.staff_by_id(ids[b]).unwrap(),
            return_date: ret.map(|n| db[n % db.len()]),
            approved: true,
        };
        let out = check_swap(&sc, &r, &req).unwrap();
        if out.accepted {
            let v: Vec<_> = check_roster(&sc, &out.roster.unwrap())
                .into_iter()
                .filter(|v| matches!(v.rule.as_str(), "ROSTER-ONE" | "ROSTER-REST"))
                .filter(|v| v.staff.as_deref() == Some(ids[a]) || v.staff.as_deref() == Some(ids[b]))
                .collect();
            prop_assert!(v.is_empty(), "{:?}", v);
        }
    }
}

#[test]
fn a_swap_is_rejected_when_a_would_keep_two_shifts_on_a_day() {
    let sc = free();
    // S01 already holds D and N on the 10th (a hand-edit). She gives D to S04 and takes
    // S04's N of the same day: she would still hold two shifts that day.
    let r = roster(
        "2026-12",
        &[
            ("S01", "2026-12-10", "D"),
            ("S01", "2026-12-10", "N"),
            ("S04", "2026-12-10", "N"),
        ],
    );
    let out = check_swap(
        &sc,
        &r,
        &ask(&sc, "S01", "2026-12-10", "S04", Some("2026-12-10")),
    )
    .unwrap();
    assert!(!out.accepted, "{:?}", out.weeks);
    assert!(
        out.violations
            .iter()
            .any(|v| v.rule.as_str() == "SWAP-REST"),
        "{:?}",
        out.violations
    );
}

/// The seed month (45 staff, Chinese names) and its solved roster, kept as a fixture because
/// solving it takes a minute in a debug build.
fn seed() -> (Scenario, Roster) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let sc = Scenario::load(&root.join("scenarios/seed-2026-12.toml")).expect("seed scenario");
    let r = Roster::load(
        &root.join("tests/fixtures/seed/seed-2026-12.roster.json"),
        &sc,
    )
    .expect("seed roster fixture");
    (sc, r)
}

fn widest(text: &str) -> usize {
    use unicode_width::UnicodeWidthStr;
    text.lines().map(|l| l.width()).max().unwrap_or(0)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 60, ..ProptestConfig::default() })]

    /// Issue 9.5: the swap verdict with both people's weeks, before and after, fits 100
    /// columns whatever the swap (returns in another week included), CJK names counted
    /// two columns a character.
    #[test]
    fn swap_text_fits_100_columns(a in 0usize..45, b in 0usize..45, pick in 0usize..31, ret in proptest::option::of(0usize..31)) {
        prop_assume!(a != b);
        let (sc, r) = seed();
        let of = |i: usize| -> Vec<_> { r.assignments.iter().filter(|x| x.staff == sc.staff[i].id).map(|x| x.date).collect() };
        let (da, db) = (of(a), of(b));
        prop_assume!(!da.is_empty() && !db.is_empty());
        let req = SwapRequest { a, b, date: da[pick % da.len()], return_date: ret.map(|n| db[n % db.len()]), approved: false };
        let text = roster::report::swap_text(&sc, &check_swap(&sc, &r, &req).unwrap());
        prop_assert!(widest(&text) <= 100, "{}", text);
    }
}

#[test]
fn candidate_lists_of_the_seed_month_fit_100_columns() {
    let (sc, r) = seed();
    for (a, d) in [
        ("S06", "2026-12-02"),
        ("S03", "2026-12-15"),
        ("S01", "2026-12-01"),
    ] {
        let i = sc.staff_by_id(a).unwrap();
        let Some(day) = r
            .assignments
            .iter()
            .filter(|x| x.staff == a)
            .map(|x| x.date)
            .find(|&x| x >= date(d))
        else {
            continue;
        };
        let list = candidates(&sc, &r, i, day).unwrap();
        assert!(!list.is_empty());
        let text = roster::report::candidates_table(&sc, a, day, &list);
        assert!(widest(&text) <= 100, "{text}");
    }
}
