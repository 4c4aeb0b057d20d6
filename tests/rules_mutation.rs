//! Mutation tests: take a roster the solver proved optimal, break exactly one rule by hand,
//! and `check` must name exactly that rule. Each mutation is chosen by simple conditions
//! that keep every other rule intact, stated next to it.

use crate::common;
use common::*;
use roster::model::{Roster, Scenario};
use std::collections::BTreeSet;
use std::sync::OnceLock;

const FIXTURE: &str = "tests/fixtures/rules/mutation.toml";

fn base() -> &'static (Scenario, Roster) {
    static BASE: OnceLock<(Scenario, Roster)> = OnceLock::new();
    BASE.get_or_init(|| {
        let sc = load(FIXTURE);
        let r = solved(&sc);
        (sc, r)
    })
}

fn only(rule: &'static str) -> BTreeSet<&'static str> {
    [rule].into_iter().collect()
}

/// Length of the run of worked days through `day` if `day` were worked too.
fn run_through(r: &Roster, sc: &Scenario, staff: &str, day: usize) -> usize {
    let worked = |d: usize| shift_on(r, staff, sc.date(d)).is_some();
    let before = (0..day).rev().take_while(|&d| worked(d)).count();
    let after = (day + 1..sc.days()).take_while(|&d| worked(d)).count();
    before + 1 + after
}

fn free_of_events_and_leave(sc: &Scenario, staff: &str, day: usize, shift: &str) -> bool {
    let i = sc.staff_by_id(staff).unwrap();
    let k = sc.shift_by_code(shift).unwrap();
    let d = sc.date(day);
    sc.approved_leave_on(i, d).is_none() && sc.blocking_event(i, d, k).is_none()
}

#[test]
fn solved_fixture_passes_check() {
    let (sc, r) = base();
    assert!(rules_broken(sc, r).is_empty());
}

#[test]
fn second_shift_on_a_day_is_roster_one() {
    let (sc, r) = base();
    // D 08-16 plus E 16-24 the same day; the next day off or E keeps rest intact.
    let mut hit = 0;
    for a in r.assignments.iter().filter(|a| a.shift == "D") {
        let day = sc.month.day_index(a.date).unwrap();
        if day + 1 >= sc.days() || !free_of_events_and_leave(sc, &a.staff, day, "E") {
            continue;
        }
        let next = shift_on(r, &a.staff, sc.date(day + 1));
        if !matches!(next.as_deref(), None | Some("E")) {
            continue;
        }
        let mut m = r.clone();
        m.assignments.push(assign(&a.staff, a.date, "E", "189"));
        assert_eq!(
            rules_broken(sc, &m),
            only("ROSTER-ONE"),
            "{} on {}",
            a.staff,
            a.date
        );
        hit += 1;
    }
    assert!(hit > 0, "no place to inject ROSTER-ONE");
}

#[test]
fn day_shift_after_evening_shift_is_roster_rest() {
    let (sc, r) = base();
    // E ends at 24:00; D the next day has 7 h 50 to its report time.
    let mut hit = 0;
    for a in r.assignments.iter().filter(|a| a.shift == "E") {
        let day = sc.month.day_index(a.date).unwrap();
        if day + 1 >= sc.days() || shift_on(r, &a.staff, sc.date(day + 1)).is_some() {
            continue;
        }
        if !free_of_events_and_leave(sc, &a.staff, day + 1, "D")
            || run_through(r, sc, &a.staff, day + 1) > 6
        {
            continue;
        }
        let mut m = r.clone();
        m.assignments
            .push(assign(&a.staff, sc.date(day + 1), "D", "189"));
        assert_eq!(
            rules_broken(sc, &m),
            only("ROSTER-REST"),
            "{} on {}",
            a.staff,
            a.date
        );
        hit += 1;
    }
    assert!(hit > 0, "no place to inject ROSTER-REST");
}

#[test]
fn unqualified_seat_is_roster_cover() {
    let (sc, r) = base();
    // A junior moved to the senior seat: seated unqualified, and the 189 seat may go short.
    let i = r
        .assignments
        .iter()
        .position(|a| {
            sc.staff[sc.staff_by_id(&a.staff).unwrap()].grade == roster::model::Grade::Junior
        })
        .unwrap();
    let mut m = r.clone();
    m.assignments[i].seat = "96123".into();
    assert_eq!(rules_broken(sc, &m), only("ROSTER-COVER"));
}

#[test]
fn removing_a_needed_junior_is_roster_cover() {
    let (sc, r) = base();
    // A junior on a shift whose 189 seats are exactly at demand: removing them leaves the
    // lead and grade mix untouched (juniors count for neither), load min is 0.
    let mut hit = 0;
    for (i, a) in r.assignments.iter().enumerate() {
        let p = sc.staff_by_id(&a.staff).unwrap();
        if sc.staff[p].grade != roster::model::Grade::Junior {
            continue;
        }
        let k = sc.shift_by_code(&a.shift).unwrap();
        let seat = sc.seat_by_code(&a.seat).unwrap();
        let at_seat = r
            .assignments
            .iter()
            .filter(|b| b.date == a.date && b.shift == a.shift && b.seat == a.seat)
            .count();
        if at_seat as u32 != sc.demand(a.date, k, seat) {
            continue;
        }
        let mut m = r.clone();
        m.assignments.remove(i);
        assert_eq!(rules_broken(sc, &m), only("ROSTER-COVER"), "{a:?}");
        hit += 1;
    }
    assert!(hit > 0, "no place to inject ROSTER-COVER");
}

/// Replace `a` by `who` (same seat), where `who` is off the day before, the day and the day
/// after (so ONE, REST and CONSEC cannot change) and free of leave and events.
fn replace(sc: &Scenario, r: &Roster, idx: usize, who: &str) -> Option<Roster> {
    let a = &r.assignments[idx];
    let day = sc.month.day_index(a.date).unwrap();
    let lo = day.saturating_sub(1);
    let hi = (day + 1).min(sc.days() - 1);
    if (lo..=hi).any(|d| shift_on(r, who, sc.date(d)).is_some())
        || !free_of_events_and_leave(sc, who, day, &a.shift)
    {
        return None;
    }
    // History reaches into day 0; keep clear of it.
    if day == 0 && sc.history.iter().any(|h| sc.staff[h.staff].id == who) {
        return None;
    }
    let mut m = r.clone();
    m.assignments[idx].staff = who.to_string();
    Some(m)
}

#[test]
fn replacing_the_only_lead_by_a_senior_is_roster_lead() {
    let (sc, r) = base();
    // S13 is senior but no lead: same grade and seat, so only the lead count changes.
    let mut hit = 0;
    for (idx, a) in r.assignments.iter().enumerate() {
        let p = &sc.staff[sc.staff_by_id(&a.staff).unwrap()];
        let leads_on = r
            .assignments
            .iter()
            .filter(|b| b.date == a.date && b.shift == a.shift)
            .filter(|b| sc.staff[sc.staff_by_id(&b.staff).unwrap()].lead)
            .count();
        if !p.lead || leads_on != 1 {
            continue;
        }
        if let Some(m) = replace(sc, r, idx, "S13") {
            assert_eq!(rules_broken(sc, &m), only("ROSTER-LEAD"), "{a:?}");
            hit += 1;
        }
    }
    assert!(hit > 0, "no place to inject ROSTER-LEAD");
}

#[test]
fn stricter_grade_mix_is_roster_grade() {
    // The same roster against a mix one above the best D shift it has breaks only the mix.
    let (sc, r) = base();
    use roster::model::Grade;
    let best = r
        .assignments
        .iter()
        .map(|a| a.date)
        .map(|d| {
            r.assignments
                .iter()
                .filter(|b| b.date == d && b.shift == "D")
                .filter(|b| {
                    sc.staff[sc.staff_by_id(&b.staff).unwrap()].grade >= Grade::Intermediate
                })
                .count()
        })
        .max()
        .unwrap();
    let text = std::fs::read_to_string(root().join(FIXTURE)).unwrap();
    let stricter = text.replace(
        "shift = \"D\"\ngrade = \"intermediate\"\nmin = 2",
        &format!(
            "shift = \"D\"\ngrade = \"intermediate\"\nmin = {}",
            best + 1
        ),
    );
    assert_ne!(stricter, text);
    assert_eq!(rules_broken(&scenario(&stricter), r), only("ROSTER-GRADE"));
}

#[test]
fn working_on_approved_leave_is_roster_leave() {
    let (sc, r) = base();
    // S05 is on leave 12-08..12-10 and so off 12-07..12-11 neighbours decide rest: put a D
    // shift on 12-09, the middle day, with the 189 seat.
    let mut m = r.clone();
    m.assignments
        .push(assign("S05", date("2026-12-09"), "D", "189"));
    let prev = shift_on(r, "S05", date("2026-12-07"));
    assert!(
        !matches!(prev.as_deref(), Some("E")),
        "fixture changed: check the rest around the leave"
    );
    assert_eq!(rules_broken(sc, &m), only("ROSTER-LEAVE"));
}

/// Longest run of consecutive worked days (or nights) of anyone in the roster.
fn longest_run(sc: &Scenario, r: &Roster, nights: bool) -> usize {
    let mut best = 0;
    for p in &sc.staff {
        let mut run = 0;
        for d in 0..sc.days() {
            let k = shift_on(r, &p.id, sc.date(d));
            let counts =
                k.is_some_and(|k| !nights || sc.shifts[sc.shift_by_code(&k).unwrap()].night);
            run = if counts { run + 1 } else { 0 };
            best = best.max(run);
        }
    }
    best
}

#[test]
fn longer_runs_than_allowed_are_roster_consec() {
    // The same roster against limits one below its longest runs breaks only CONSEC.
    let (sc, r) = base();
    let text = std::fs::read_to_string(root().join(FIXTURE)).unwrap();
    let days = longest_run(sc, r, false);
    let nights = longest_run(sc, r, true);
    assert!(
        days >= 2 && nights >= 2,
        "fixture has too short runs to test"
    );
    for rule in [
        format!("max_consecutive_days = {}", days - 1),
        format!("max_consecutive_nights = {}", nights - 1),
    ] {
        let tighter = scenario(&text.replace("[rules]\n", &format!("[rules]\n{rule}\n")));
        assert_eq!(rules_broken(&tighter, r), only("ROSTER-CONSEC"), "{rule}");
    }
}

#[test]
fn too_many_shifts_is_roster_load() {
    // The fixture allows 31 shifts; the same roster against a tighter max breaks only LOAD.
    let (sc, r) = base();
    let most = sc
        .staff
        .iter()
        .map(|p| r.assignments.iter().filter(|a| a.staff == p.id).count())
        .max()
        .unwrap();
    let text = std::fs::read_to_string(root().join(FIXTURE)).unwrap();
    let tighter = scenario(&text.replace("max_shifts = 31", &format!("max_shifts = {}", most - 1)));
    assert_eq!(rules_broken(&tighter, r), only("ROSTER-LOAD"));
}

#[test]
fn shift_during_training_is_roster_event() {
    let (sc, r) = base();
    // Training 12-16 14:00-16:00 for S06 and S08 overlaps D 08-16 but not E (touching ends).
    for who in ["S06", "S08"] {
        let d = date("2026-12-16");
        if shift_on(r, who, d).is_some() {
            continue;
        }
        let day = sc.month.day_index(d).unwrap();
        let prev = shift_on(r, who, sc.date(day - 1));
        if matches!(prev.as_deref(), Some("E")) || run_through(r, sc, who, day) > 6 {
            continue;
        }
        let mut m = r.clone();
        m.assignments.push(assign(who, d, "D", "189"));
        assert_eq!(rules_broken(sc, &m), only("ROSTER-EVENT"));
        return;
    }
    panic!("both attendees work on the training day; fixture needs a look");
}
