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

/// Person `e`'s cheapest schedule when working day d on type t costs `price[d][t]`. The
/// schedule has passed the evaluator for that person. A person with no schedule at all
/// makes the instance infeasible (proven).
pub(super) fn cheapest_schedule(
    inst: &Instance,
    e: usize,
    price: &[Vec<f64>],
    opts: &SolveOptions,
) -> Result<Priced, NrpSolveError> {
    if let Some((schedule, price)) = schedule_dp::cheapest(inst, e, price) {
        checked(inst, e, &schedule)?;
        return Ok(Priced {
            schedule,
            price,
            lower: price,
        });
    }
    cheapest_by_mip(inst, e, price, opts)
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
