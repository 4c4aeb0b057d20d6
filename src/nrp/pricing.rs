//! One person's best schedule under a price per (day, shift type) cell, subject to that
//! person's hard constraints alone. Every hard constraint of the benchmark is about one
//! person (cover is soft), so any choice of individually feasible schedules is a roster:
//! this is the step of the greedy first roster and the pricing problem of the column
//! generation. It is the compact model's own rows for one person (`NrpModel::person`),
//! solved by CBC, so the rules are written once.

use super::evaluate;
use super::instance::Instance;
use super::model::NrpModel;
use super::schedule_dp;
use super::search::NrpSolveError;
use crate::solve::{Hints, SolveOptions, run_backend};
use good_lp::Solution;
use std::time::{Duration, Instant};

/// One person's schedule: per day, the shift type worked or `None` for a day off.
pub(super) type Schedule = Vec<Option<usize>>;

/// Per person, day and shift type: what the person's requests add to the objective when
/// the cell is worked (a shift-off request's weight, less a shift-on request's), on top of
/// `request_constant`.
pub(super) fn request_prices(inst: &Instance) -> Vec<Vec<Vec<f64>>> {
    let mut price = vec![vec![vec![0.0; inst.shifts.len()]; inst.horizon]; inst.staff.len()];
    for r in &inst.shift_off {
        price[r.staff][r.day][r.shift] += f64::from(r.weight);
    }
    for r in &inst.shift_on {
        price[r.staff][r.day][r.shift] -= f64::from(r.weight);
    }
    price
}

/// Person `e`'s shift-on weights: what the requests cost when nothing is worked.
pub(super) fn request_constant(inst: &Instance, e: usize) -> f64 {
    inst.shift_on
        .iter()
        .filter(|r| r.staff == e)
        .map(|r| f64::from(r.weight))
        .sum()
}

/// What person `e`'s requests cost under this schedule (the evaluator's request terms for
/// one person).
pub(super) fn request_penalty(inst: &Instance, e: usize, row: &[Option<usize>]) -> u64 {
    let on: u64 = inst
        .shift_on
        .iter()
        .filter(|r| r.staff == e && row[r.day] != Some(r.shift))
        .map(|r| u64::from(r.weight))
        .sum();
    let off: u64 = inst
        .shift_off
        .iter()
        .filter(|r| r.staff == e && row[r.day] == Some(r.shift))
        .map(|r| u64::from(r.weight))
        .sum();
    on + off
}

/// The sum of `price[d][t]` over the cells the schedule works.
pub(super) fn priced(price: &[Vec<f64>], row: &[Option<usize>]) -> f64 {
    row.iter()
        .enumerate()
        .filter_map(|(d, t)| t.map(|t| price[d][t]))
        .sum()
}

/// A priced schedule: the schedule, its price, and a proven lower bound on the price of
/// every schedule of the person (equal to the price when the search finished).
pub(super) struct Priced {
    pub(super) schedule: Schedule,
    pub(super) price: f64,
    pub(super) lower: f64,
}

/// Steps (states times choices, summed over the days) the table may take for one person
/// when pricing for the column generation, a few seconds at most: the beam is this over
/// the horizon's days and choices. No day of any person of instances 1-12 is cut by it
/// (tested), so their pricing is exact.
const PRICING_STEPS: usize = 20_000_000;
/// The same for the greedy pass, which needs a good feasible schedule, not a proven
/// cheapest one, and prices every person about ten times (instance 13: 120 people, 18
/// shift types).
const GREEDY_STEPS: usize = 2_000_000;
/// How much wider the greedy's second try is.
const WIDER_BEAM: usize = 8;
/// The narrowest beam, however long the horizon or many the types.
const MIN_BEAM: usize = 500;

/// States a day of the table keeps for `steps` steps per person on this instance.
fn beam(inst: &Instance, steps: usize) -> usize {
    (steps / (inst.horizon * (inst.shifts.len() + 1)).max(1)).max(MIN_BEAM)
}

/// The column generation's beam (see `PRICING_STEPS`).
pub(super) fn pricing_beam(inst: &Instance) -> usize {
    beam(inst, PRICING_STEPS)
}

/// Person `e`'s cheapest schedule when working day d on type t costs `price[d][t]`, with a
/// proven lower bound on every schedule's price (the price itself when the table was not
/// cut; else the relaxation's, see `schedule_dp`). The schedule has passed the evaluator
/// for that person. A person with no schedule at all makes the instance infeasible
/// (proven). The user's clock (`opts.time_limit`) stops it inside the table too.
pub(super) fn cheapest_schedule(
    inst: &Instance,
    e: usize,
    price: &[Vec<f64>],
    opts: &SolveOptions,
) -> Result<Priced, NrpSolveError> {
    let deadline = deadline(opts);
    let out_of_time = |_| NrpSolveError::NoSolutionInTime(opts.time_limit);
    let tabled = schedule_dp::cheapest(inst, e, price, pricing_beam(inst), deadline);
    let Some(t) = tabled.map_err(out_of_time)? else {
        return cheapest_by_mip(inst, e, price, opts);
    };
    checked(inst, e, &t.schedule)?;
    let lower = if t.cut {
        let relaxed = schedule_dp::lower_bound(inst, e, price, deadline).map_err(out_of_time)?;
        relaxed
            .unwrap_or_else(|| trivial_bound(inst, e, price))
            .min(t.price)
    } else {
        t.price
    };
    Ok(Priced {
        schedule: t.schedule,
        price: t.price,
        lower,
    })
}

/// A schedule of good price for person `e` (the greedy pass's step): the table with a
/// narrower beam, so not always the cheapest, and the MIP where the table does not apply.
/// Passed the evaluator; stopped by the user's clock like `cheapest_schedule`.
pub(super) fn good_schedule(
    inst: &Instance,
    e: usize,
    price: &[Vec<f64>],
    opts: &SolveOptions,
) -> Result<(Schedule, f64), NrpSolveError> {
    // A beam that kept no schedule reaching the person's minimum minutes is widened before
    // the MIP, which can take a minute on one such person (instances 13 and 19).
    for widen in [1, WIDER_BEAM] {
        let states = beam(inst, GREEDY_STEPS) * widen;
        let tabled = schedule_dp::cheapest(inst, e, price, states, deadline(opts))
            .map_err(|_| NrpSolveError::NoSolutionInTime(opts.time_limit))?;
        if let Some(t) = tabled {
            checked(inst, e, &t.schedule)?;
            return Ok((t.schedule, t.price));
        }
    }
    cheapest_by_mip(inst, e, price, opts).map(|p| (p.schedule, p.price))
}

/// When the time left in `opts` runs out.
fn deadline(opts: &SolveOptions) -> Instant {
    let now = Instant::now();
    // A limit that is not a number leaves no time, as `left` reads it.
    let secs = if opts.time_limit.is_nan() {
        0.0
    } else {
        opts.time_limit.clamp(0.0, 1e9)
    };
    now.checked_add(Duration::from_secs_f64(secs))
        .unwrap_or(now)
}

/// Every day's cheapest choice alone (a day off costs 0): a lower bound on any schedule's
/// price, for when not even the relaxation fits.
fn trivial_bound(inst: &Instance, e: usize, price: &[Vec<f64>]) -> f64 {
    let staff = &inst.staff[e];
    price
        .iter()
        .map(|day| {
            (0..day.len())
                .filter(|&t| staff.max_shifts[t] > 0)
                .map(|t| day[t])
                .fold(0.0, f64::min)
        })
        .sum()
}

/// The same by the compact model's rows for the person, solved by CBC: the reference the
/// table is tested against, and the way for contracts the table does not take.
pub(super) fn cheapest_by_mip(
    inst: &Instance,
    e: usize,
    price: &[Vec<f64>],
    opts: &SolveOptions,
) -> Result<Priced, NrpSolveError> {
    let mut model = NrpModel::person(inst, e, |d, t| price[d][t]);
    let (vars, rows, objective) = model.take_problem();
    // The bound of a column generation needs the true minimum, not one within a gap.
    let exact = SolveOptions {
        gap: 0.0,
        ..opts.clone()
    };
    let Some(result) = run_backend(vars, objective, rows, &exact, Hints::default())? else {
        return Err(NrpSolveError::Infeasible);
    };
    let sol = &result.solution;
    let schedule = model.roster(|v| sol.value(v)).swap_remove(e);
    checked(inst, e, &schedule)?;
    let price_of = priced(price, &schedule);
    let lower = match result.bound {
        Some((b, _)) => b.min(price_of),
        None => price_of,
    };
    Ok(Priced {
        schedule,
        price: price_of,
        lower,
    })
}

/// The schedule passes the evaluator for its person, or the pricing has a bug.
fn checked(inst: &Instance, e: usize, schedule: &[Option<usize>]) -> Result<(), NrpSolveError> {
    let violations = evaluate::check_person(inst, e, schedule);
    if violations.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = violations.iter().map(|v| v.to_string()).collect();
    Err(NrpSolveError::Unchecked(list.join("; ")))
}
