//! A first roster without the LP, for months whose root LP alone outlasts the time limit
//! (600 staff and more on two cores). Day by day and shift by shift in time order, it puts
//! on duty the leads each shift needs, then fills each seat type's demand, most demanding
//! first, then the grade mix, taking the people furthest behind their minimum first; a
//! second pass tops up anyone still below it. Every choice respects rest, one shift a day,
//! consecutive days and nights, leave, events and the maximum, so the roster usually passes
//! `check` as built; it is returned only when the independent checker agrees. It knows
//! nothing of requests, fairness or over-cover cost: it is a floor the search improves on,
//! and the roster a user gets when the clock runs out before anything better.

use super::month::MonthModel;
use super::seating;
use super::variables::unavailability;
use super::{ModelSize, Solved, Status};
use crate::model::{Roster, Scenario, SolverInfo};
use crate::rules::objective::evaluate;
use chrono::NaiveDate;
use std::cmp::Reverse;
use std::time::Instant;

/// Each person's shift per day of the month, or None.
type Grid = Vec<Vec<Option<usize>>>;

/// A roster that passes every roster rule, or None when the greedy choices ran into a dead
/// end (the MIP then has to find the first roster itself).
pub(super) fn first_roster(sc: &Scenario) -> Option<Roster> {
    let (n, days) = (sc.staff.len(), sc.days());
    let mut order: Vec<usize> = (0..sc.shifts.len()).collect();
    order.sort_by_key(|&k| (sc.shifts[k].start, k));
    let mut grid: Grid = vec![vec![None; days]; n];
    let due: Vec<u32> = (0..n).map(|i| sc.min_shifts_due(i)).collect();
    for d in 0..days {
        for &k in &order {
            let on = staff_shift(sc, &grid, &due, d, k)?;
            for i in on {
                grid[i][d] = Some(k);
            }
        }
    }
    top_up_minimums(sc, &mut grid, &due);
    let roster = to_roster(sc, &grid);
    crate::rules::check_roster(sc, &roster)
        .is_empty()
        .then_some(roster)
}

/// The people on duty for day `d`, shift `k`: leads, then seats, then the grade mix.
fn staff_shift(sc: &Scenario, grid: &Grid, due: &[u32], d: usize, k: usize) -> Option<Vec<usize>> {
    let date = sc.date(d);
    let worked: Vec<u32> = grid
        .iter()
        .map(|row| row.iter().flatten().count() as u32)
        .collect();
    // Most behind their minimum for the days left first, then the fewest shifts so far.
    let left = (sc.days() - d) as u32;
    let urgency = |i: usize| {
        let behind = due[i].saturating_sub(worked[i]);
        (Reverse(behind * 1000 / left.max(1)), worked[i], i)
    };
    let mut pool: Vec<usize> = (0..sc.staff.len())
        .filter(|&i| can_work(sc, grid, i, d, k))
        .collect();
    pool.sort_by_key(|&i| urgency(i));
    let mut on: Vec<usize> = Vec::new();
    let take = |on: &mut Vec<usize>, pool: &mut Vec<usize>, fits: &dyn Fn(usize) -> bool| {
        let pos = pool.iter().position(|&i| fits(i))?;
        on.push(pool.remove(pos));
        Some(())
    };
    for _ in 0..sc.rules.leads_per_shift {
        take(&mut on, &mut pool, &|i| sc.staff[i].lead)?;
    }
    let mut seats: Vec<usize> = (0..sc.seats.len()).collect();
    seats.sort_by_key(|&s| (Reverse(sc.seats[s].min_grade), s));
    let short_seat = |on: &[usize]| {
        seats
            .iter()
            .copied()
            .find(|&s| seated(sc, d, k, on, s) < sc.demand(date, k, s))
    };
    while let Some(short) = short_seat(&on) {
        // The lowest grade that qualifies, so higher grades stay free for their seats.
        let lowest = pool
            .iter()
            .filter(|&&i| sc.qualifies(i, short))
            .map(|&i| sc.staff[i].grade)
            .min()?;
        take(&mut on, &mut pool, &|i| {
            sc.qualifies(i, short) && sc.staff[i].grade == lowest
        })?;
    }
    for (grade, min) in sc.mix_minimums(k) {
        while (on.iter().filter(|&&i| sc.staff[i].grade >= grade).count() as u32) < min {
            take(&mut on, &mut pool, &|i| sc.staff[i].grade >= grade)?;
        }
    }
    on.sort_unstable();
    Some(on)
}

/// People the seating puts in seat type `s`.
fn seated(sc: &Scenario, d: usize, k: usize, on: &[usize], s: usize) -> u32 {
    let mut sorted = on.to_vec();
    sorted.sort_unstable();
    seating::seat(sc, d, k, &sorted)
        .iter()
        .filter(|a| a.seat == sc.seats[s].code)
        .count() as u32
}

/// Could person `i` take shift `k` on day `d`, given the rest of the grid (past and future)?
fn can_work(sc: &Scenario, grid: &Grid, i: usize, d: usize, k: usize) -> bool {
    if grid[i][d].is_some() || unavailability(sc, i, d, k).is_some() {
        return false;
    }
    let worked = grid[i].iter().flatten().count() as u32;
    if worked >= sc.staff[i].max_shifts {
        return false;
    }
    let here = (sc.date(d), k);
    let neighbours = [d.checked_sub(1), Some(d + 1)];
    for e in neighbours.into_iter().flatten().filter(|&e| e < sc.days()) {
        if let Some(other) = grid[i][e] {
            let there = (sc.date(e), other);
            let (a, b) = if e < d { (there, here) } else { (here, there) };
            if sc.too_little_rest(a, b) {
                return false;
            }
        }
    }
    runs_fit(sc, grid, i, d, k)
}

/// With (d, k) added, no run of working days or of nights (history included) is too long.
fn runs_fit(sc: &Scenario, grid: &Grid, i: usize, d: usize, k: usize) -> bool {
    let date = |e: usize| sc.date(e);
    let works = |day: NaiveDate| -> Option<usize> {
        if day == date(d) {
            return Some(k);
        }
        match sc.month.day_index(day) {
            Some(e) => grid[i][e],
            // History lies before the month: only the first days' runs look there.
            None if day < sc.month.first_day() => sc
                .history
                .iter()
                .find(|h| h.staff == i && h.date == day)
                .map(|h| h.shift),
            None => None,
        }
    };
    let run = |night_only: bool| -> u32 {
        let counts = |day: NaiveDate| works(day).is_some_and(|s| !night_only || sc.shifts[s].night);
        let mut len = 1;
        let mut back = date(d);
        while let Some(prev) = back.pred_opt().filter(|&p| counts(p)) {
            len += 1;
            back = prev;
        }
        let mut ahead = date(d);
        while let Some(next) = ahead
            .succ_opt()
            .filter(|&p| sc.month.contains(p) && counts(p))
        {
            len += 1;
            ahead = next;
        }
        len
    };
    run(false) <= sc.rules.effective_max_consecutive_days()
        && (!sc.shifts[k].night || run(true) <= sc.rules.max_consecutive_nights)
}

/// Gives anyone below their minimum extra shifts where every rule allows one, earliest
/// day and shift first.
fn top_up_minimums(sc: &Scenario, grid: &mut Grid, due: &[u32]) {
    for (i, &need) in due.iter().enumerate() {
        for d in 0..sc.days() {
            if grid[i].iter().flatten().count() as u32 >= need {
                break;
            }
            if let Some(k) = (0..sc.shifts.len()).find(|&k| can_work(sc, grid, i, d, k)) {
                grid[i][d] = Some(k);
            }
        }
    }
}

/// The greedy roster as the search's result when nothing better came in time: its
/// objective priced by the checker's own evaluation, no bound (nothing was proven), and the
/// model's size, which the user sees beside it.
pub(super) fn as_solved(sc: &Scenario, mut roster: Roster, started: Instant) -> Solved {
    let breakdown = evaluate(sc, &roster).with_spreads_of(sc, &roster);
    let objective = breakdown.total();
    let seconds = started.elapsed().as_secs_f64();
    roster.solver = Some(SolverInfo {
        status: Status::TimeLimit.name().to_string(),
        objective,
        bound: f64::NAN,
        seconds: (seconds * 100.0).round() / 100.0,
        gap: None,
        backend: None,
    });
    Solved {
        status: Status::TimeLimit,
        objective,
        bound: f64::NAN,
        gap: f64::NAN,
        seconds,
        breakdown,
        // Known once the model is built; `with_model_size` fills it in if this is the result.
        size: ModelSize::default(),
        roster,
        out_of_time: true,
    }
}

impl Solved {
    /// The month model's size, for a result no solver run reported.
    pub(super) fn with_model_size(mut self, sc: &Scenario, started: Instant) -> Solved {
        self.size = MonthModel::build(sc, false, None).size();
        self.seconds = started.elapsed().as_secs_f64();
        self
    }
}

fn to_roster(sc: &Scenario, grid: &Grid) -> Roster {
    let crew = |d: usize, k: usize| -> Vec<usize> {
        grid.iter()
            .enumerate()
            .filter(|(_, days)| days[d] == Some(k))
            .map(|(i, _)| i)
            .collect()
    };
    seating::seated_roster(sc, crew, None)
}

#[cfg(test)]
mod tests {
    use super::first_roster;
    use crate::model::Scenario;
    use std::path::Path;

    /// The greedy roster of each shipped month passes every rule (`first_roster` returns one
    /// only then), and exists for the months whose rules leave room: the seed month and the
    /// 150-staff centre.
    #[test]
    fn the_greedy_start_of_the_shipped_months_keeps_every_rule() {
        for name in ["seed-2026-12", "large-150"] {
            let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("scenarios")
                .join(format!("{name}.toml"));
            let sc = Scenario::load(&path).unwrap();
            let roster = first_roster(&sc);
            assert!(roster.is_some(), "{name}: no greedy roster");
            assert!(crate::rules::check_roster(&sc, &roster.unwrap()).is_empty());
        }
    }
}
