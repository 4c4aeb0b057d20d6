//! Surplus goes where it hurts least. When the staff's minimum loads add up to more than
//! the demand, some shifts must carry people beyond it; one more person on a 春节 night
//! costs someone their holiday, one more on a weekday morning costs nothing much. The
//! objective charges over-cover `over_cover` × a day-type multiplier (weekend 2, holiday 3
//! by default) × a night multiplier (2), in the MIP and in `evaluate` alike.

use crate::common;

use roster::model::{DayType, Roster, Scenario};
use roster::rules::check_roster;
use roster::solve::{SolveOptions, Status, evaluate, solve};

/// People beyond the demand per day type, night shifts apart: (weekday day, weekday night,
/// weekend, holiday).
fn surplus_by_kind(sc: &Scenario, r: &Roster) -> [u32; 4] {
    let grid = r.shift_grid(sc);
    let mut out = [0; 4];
    for d in 0..sc.days() {
        let date = sc.date(d);
        for k in 0..sc.shifts.len() {
            let on = grid.iter().filter(|days| days[d] == Some(k)).count() as i64;
            let demand: i64 = (0..sc.seats.len())
                .map(|s| i64::from(sc.demand(date, k, s)))
                .sum();
            let extra = (on - demand).max(0) as u32;
            let kind = match sc.day_type(date) {
                DayType::Holiday => 3,
                DayType::Weekend => 2,
                DayType::Weekday if sc.shifts[k].night => 1,
                DayType::Weekday => 0,
            };
            out[kind] += extra;
        }
    }
    out
}

#[test]
fn the_spring_festival_month_puts_its_surplus_on_weekdays_not_on_the_holidays() {
    // Leave days count toward the minimum (ROSTER-LOAD), so the month as published needs no
    // surplus; a default minimum of 15 instead of 13 forces some, as the old reading did.
    let text = std::fs::read_to_string(common::root().join("scenarios/holiday-2027-02.toml"))
        .expect("the holiday month");
    assert!(text.contains("\nmin_shifts = 13\n"));
    let sc = common::scenario(&text.replace("\nmin_shifts = 13\n", "\nmin_shifts = 15\n"));
    let solved = solve(&sc, &SolveOptions::default()).expect("the month has a roster");
    assert_eq!(check_roster(&sc, &solved.roster), vec![]);
    assert_eq!(solved.status, Status::Optimal);
    let [weekday, weekday_night, weekend, holiday] = surplus_by_kind(&sc, &solved.roster);
    // The minimum loads force surplus somewhere (before pricing: all on holidays and weekends).
    assert!(weekday + weekday_night + weekend + holiday > 0);
    assert_eq!(
        holiday, 0,
        "surplus on a holiday while weekdays are free: {weekday} weekday, {weekday_night} weekday night, {weekend} weekend, {holiday} holiday"
    );
    // The independent evaluation charges the same multipliers the solver minimised.
    let own = evaluate(&sc, &solved.roster);
    assert_eq!(own.total(), solved.objective);
    assert_eq!(own.over_cover, solved.breakdown.over_cover);
}

#[test]
fn one_person_beyond_the_demand_costs_more_on_weekends_holidays_and_nights() {
    let sc = common::load("tests/fixtures/rules/mutation.toml");
    let w = &sc.weights;
    assert_eq!(w.over_cover_on(DayType::Weekday, false), w.over_cover);
    assert_eq!(w.over_cover_on(DayType::Weekend, false), 2.0 * w.over_cover);
    assert_eq!(w.over_cover_on(DayType::Holiday, false), 3.0 * w.over_cover);
    assert_eq!(w.over_cover_on(DayType::Weekday, true), 2.0 * w.over_cover);
    assert_eq!(w.over_cover_on(DayType::Holiday, true), 6.0 * w.over_cover);

    // The keys are documented [weights] entries: a scenario may set them, 1 turns them off.
    let text =
        std::fs::read_to_string(common::root().join("tests/fixtures/rules/mutation.toml")).unwrap();
    assert!(!text.contains("[weights]"));
    let flat = format!(
        "{text}\n[weights]\nover_cover_weekend = 1\nover_cover_holiday = 1\nover_cover_night = 1\n"
    );
    let flat = common::scenario(&flat);
    assert_eq!(
        flat.weights.over_cover_on(DayType::Holiday, true),
        flat.weights.over_cover
    );
}
