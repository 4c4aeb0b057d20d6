//! A first roster without the LP: the start of fix-and-optimise on large months (about 215
//! staff and more), whose root LP takes tens of seconds or outlasts the limit. Day by day
//! and shift by shift in time order, it puts on duty the leads each shift needs, then fills
//! each seat type's demand, most demanding first, then the grade mix. Among those who may
//! take a shift it prefers, in order: people who did not ask for the day off, people who
//! asked for this shift, the people furthest behind their minimum, and then those with the
//! fewest of the shift's kind (nights, weekend days) so far, prior counts included. A
//! second pass tops up anyone still below their minimum, where a person beyond the demand
//! costs least. Every choice respects rest, one shift a day, consecutive days and nights,
//! leave, events and the maximum, so the roster usually passes `check` as built; it is
//! returned only when the independent checker agrees. It is a start the search improves
//! on, and the roster a user gets when the clock runs out before anything better: the
//! closer it is to the objective, the less of the clock fix-and-optimise spends undoing it.

use super::month::MonthModel;
use super::seating;
use super::variables::unavailability;
use super::{ModelSize, Solved, Status};
use crate::model::{Roster, Scenario, SolverInfo, Wish};
use crate::rules::objective::{Measure, beyond_demand, evaluate, over_cover_cost, prior_of};
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
    let mut tally = Tally::new(sc);
    let wishes = Wishes::new(sc);
    for d in 0..days {
        for &k in &order {
            let on = staff_shift(sc, &grid, &due, &tally, &wishes, d, k)?;
            for i in on {
                grid[i][d] = Some(k);
                tally.add(sc, i, d, k);
            }
        }
    }
    top_up_minimums(sc, &mut grid, &due, &wishes);
    let roster = to_roster(sc, &grid);
    crate::rules::check_roster(sc, &roster)
        .is_empty()
        .then_some(roster)
}

/// Each person's shifts so far, and of them the ones the fairness spreads count: nights
/// and weekend (or holiday) shifts, each starting from the person's prior count.
struct Tally {
    worked: Vec<u32>,
    nights: Vec<u32>,
    weekends: Vec<u32>,
}

impl Tally {
    fn new(sc: &Scenario) -> Tally {
        let n = sc.staff.len();
        Tally {
            worked: vec![0; n],
            nights: (0..n).map(|i| prior_of(sc, i, Measure::Nights)).collect(),
            weekends: (0..n).map(|i| prior_of(sc, i, Measure::Weekends)).collect(),
        }
    }

    fn add(&mut self, sc: &Scenario, i: usize, d: usize, k: usize) {
        self.worked[i] += 1;
        self.nights[i] += u32::from(sc.shifts[k].night);
        self.weekends[i] += u32::from(sc.is_weekend_or_holiday(sc.date(d)));
    }

    /// How many of the kinds of shift that (d, k) is the person has worked already.
    fn of_this_kind(&self, sc: &Scenario, i: usize, d: usize, k: usize) -> u32 {
        let night = if sc.shifts[k].night {
            self.nights[i]
        } else {
            0
        };
        let weekend = if sc.is_weekend_or_holiday(sc.date(d)) {
            self.weekends[i]
        } else {
            0
        };
        night + weekend
    }
}

/// Each person's requests, as (day, wish, weight).
struct Wishes(Vec<Vec<(usize, Wish, f64)>>);

impl Wishes {
    fn new(sc: &Scenario) -> Wishes {
        let mut by_staff = vec![Vec::new(); sc.staff.len()];
        for r in &sc.requests {
            let d = sc.month.day_index(r.date).expect("validated date");
            by_staff[r.staff].push((d, r.wish, r.weight));
        }
        Wishes(by_staff)
    }

    /// The weight of person `i`'s wishes for day `d` off, and for shift `k` that day.
    fn on(&self, i: usize, d: usize, k: usize) -> (f64, f64) {
        let (mut off, mut this) = (0.0, 0.0);
        for &(_, wish, weight) in self.0[i].iter().filter(|w| w.0 == d) {
            match wish {
                Wish::Off => off += weight,
                Wish::Shift(w) if w == k => this += weight,
                Wish::Shift(_) => {}
            }
        }
        (off, this)
    }
}

/// The people on duty for day `d`, shift `k`: leads, then seats, then the grade mix.
fn staff_shift(
    sc: &Scenario,
    grid: &Grid,
    due: &[u32],
    tally: &Tally,
    wishes: &Wishes,
    d: usize,
    k: usize,
) -> Option<Vec<usize>> {
    let date = sc.date(d);
    // Not asked off first, then asked for this shift, then most behind their minimum for
    // the days left; of those equally in need, the fewest shifts of this kind, then the
    // fewest shifts so far.
    let left = (sc.days() - d) as u32;
    let need = |i: usize| {
        let behind = due[i].saturating_sub(tally.worked[i]);
        let (off, this) = wishes.on(i, d, k);
        (off > 0.0, this == 0.0, Reverse(behind * 1000 / left.max(1)))
    };
    let urgency = |i: usize| (need(i), tally.of_this_kind(sc, i, d, k), tally.worked[i], i);
    let mut pool: Vec<usize> = (0..sc.staff.len())
        .filter(|&i| can_work(sc, grid, i, d, k))
        .collect();
    pool.sort_by_cached_key(|&i| urgency(i));
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
    let mix = sc.mix_minimums(k);
    let lacking = |on: &[usize]| {
        mix.iter()
            .filter(|&&(g, min)| {
                (on.iter().filter(|&&i| sc.staff[i].grade >= g).count() as u32) < min
            })
            .map(|&(g, _)| g)
            .max()
    };
    while let Some(short) = short_seat(&on) {
        // The lowest grade that qualifies, so higher grades stay free for their seats; but
        // at least the grade the mix still lacks, if someone of it qualifies: in a seat that
        // needs someone anyway they cost nothing, beside the seats they cost over-cover.
        let floor = lacking(&on).filter(|&g| {
            pool.iter()
                .any(|&i| sc.qualifies(i, short) && sc.staff[i].grade >= g)
        });
        let fits =
            |i: usize| sc.qualifies(i, short) && floor.is_none_or(|g| sc.staff[i].grade >= g);
        // The most in need of a shift; of those equally so, the lowest grade, so that higher
        // grades stay free for their seats. Need comes first: everyone has a minimum to
        // reach, and a senior who reaches it only by top-ups beside the seats costs
        // over-cover for every junior who took a seat past their own.
        let pos = pool
            .iter()
            .enumerate()
            .filter(|&(_, &i)| fits(i))
            .min_by_key(|&(p, &i)| (need(i), sc.staff[i].grade, p))
            .map(|(p, _)| p)?;
        on.push(pool.remove(pos));
    }
    for (grade, min) in mix {
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

/// Gives anyone below their minimum extra shifts where every rule allows one: one shift a
/// person at a time, round after round, each where a person beyond the demand costs least
/// (weekdays before weekends and holidays, days before nights), a shift the person asked
/// for before one they did not, never on a day they asked off while another fits, and on
/// the least over-covered of equal shifts, so the surplus spreads over the month.
fn top_up_minimums(sc: &Scenario, grid: &mut Grid, due: &[u32], wishes: &Wishes) {
    let (days, shifts) = (sc.days(), sc.shifts.len());
    let mut beyond = beyond_demand(sc, grid);
    let mut topped = true;
    while topped {
        topped = false;
        for (i, &need) in due.iter().enumerate() {
            if grid[i].iter().flatten().count() as u32 >= need {
                continue;
            }
            let cost = |d: usize, k: usize| {
                let (off, this) = wishes.on(i, d, k);
                over_cover_cost(sc, d, k) + sc.weights.request * (off - this)
            };
            let best = (0..days)
                .flat_map(|d| (0..shifts).map(move |k| (d, k)))
                .filter(|&(d, k)| can_work(sc, grid, i, d, k))
                .min_by(|&(a, b), &(c, e)| {
                    cost(a, b)
                        .total_cmp(&cost(c, e))
                        .then(beyond[a][b].cmp(&beyond[c][e]))
                        .then((a, b).cmp(&(c, e)))
                });
            if let Some((d, k)) = best {
                grid[i][d] = Some(k);
                beyond[d][k] += 1;
                topped = true;
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
    use crate::rules::objective::{beyond_demand, over_cover_cost};
    use std::path::Path;

    fn shipped(name: &str) -> Scenario {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("scenarios")
            .join(format!("{name}.toml"));
        Scenario::load(&path).unwrap()
    }

    /// Where the minimums add up to more than the seats, every shift past someone's
    /// minimum is over-cover, and the cheapest roster has nobody past theirs. The greedy
    /// roster of the 150-staff centre has nobody past theirs either: whoever is most
    /// behind their minimum takes a seat, whatever their grade (it once filled the junior
    /// seats with juniors and topped the seniors up beside them), and every shift of
    /// over-cover is on the cheapest day type and shift the rules allowed.
    #[test]
    fn the_greedy_start_spends_the_minimums_on_seats_before_over_cover() {
        let sc = shipped("large-150");
        let roster = first_roster(&sc).expect("a greedy roster");
        let grid = roster.shift_grid(&sc);
        let due: u32 = (0..sc.staff.len()).map(|i| sc.min_shifts_due(i)).sum();
        let seats: u32 = (0..sc.days())
            .flat_map(|d| (0..sc.shifts.len()).map(move |k| (d, k)))
            .map(|(d, k)| {
                (0..sc.seats.len())
                    .map(|s| sc.demand(sc.date(d), k, s))
                    .sum::<u32>()
            })
            .sum();
        assert!(
            due > seats,
            "the fixture's minimums ({due}) exceed its seats ({seats})"
        );
        for (i, days) in grid.iter().enumerate() {
            let worked = days.iter().flatten().count() as u32;
            assert!(
                worked <= sc.min_shifts_due(i),
                "{} works {worked}, past their minimum {}",
                sc.staff[i].id,
                sc.min_shifts_due(i)
            );
        }
        let beyond = beyond_demand(&sc, &grid);
        let cheapest = crate::rules::objective::cheapest_over_cover(&sc);
        let dear: i64 = (0..sc.days())
            .flat_map(|d| (0..sc.shifts.len()).map(move |k| (d, k)))
            .filter(|&(d, k)| over_cover_cost(&sc, d, k) > cheapest)
            .map(|(d, k)| beyond[d][k].max(0))
            .sum();
        assert_eq!(dear, 0, "over-cover on dearer day types or shifts");
    }

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
