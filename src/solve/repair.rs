//! Minimal-change repair: the month's model with every roster rule hard, and the objective
//! replaced by the number of (person, day, shift) cells that differ from a base roster. Used
//! after late leave, when a published roster must change as little as possible.

use super::backend::{Hints, run_backend};
use super::month::MonthModel;
use super::variables::ShiftVars;
use super::{ModelSize, SolveError, SolveOptions, Status, diagnose, seating};
use crate::model::{Assignment, Roster, Scenario, SolverInfo};
use good_lp::{Expression, Solution, constraint};
use serde::Serialize;
use std::time::Instant;

#[derive(Debug, Clone, Serialize)]
pub struct Repaired {
    pub status: Status,
    /// Cells changed: a person taken off a shift or put on one counts one each.
    pub changes: u32,
    pub bound: f64,
    pub seconds: f64,
    pub size: ModelSize,
    #[serde(skip)]
    pub roster: Roster,
}

/// The roster closest to `base` (fewest changed cells) that satisfies every roster rule of
/// `sc`. Shifts whose crew is unchanged keep their seats; changed shifts are re-seated.
///
/// `frozen_before` (minutes from the start of the month, the clock of
/// `Scenario::report_time`): every (person, day, shift) whose report time is before it keeps
/// its value in `base`, because the past cannot be re-rostered. Only a shift the scenario
/// now forbids outright (leave, an event) may still leave it.
pub fn repair(
    sc: &Scenario,
    base: &Roster,
    frozen_before: Option<i64>,
    opts: &SolveOptions,
) -> Result<Repaired, SolveError> {
    let started = Instant::now();
    let model = MonthModel::build(sc, false, None);
    let size = model.size();
    let MonthModel {
        vars, x, mut rows, ..
    } = model;
    let base_on = BaseCells::of(sc, base, &x);
    let changes = change_count(&x, &base_on);
    let (preference, most) = added_shift_preference(sc, &x, &base_on);
    let per_change = most + 1.0;
    let fixed = match frozen_before {
        Some(cutoff) => frozen_cells(sc, &x, &base_on, cutoff),
        None => Vec::new(),
    };
    for &((i, d, k), on) in &fixed {
        if let Some(v) = x.get(i, d, k) {
            let value = if on { 1.0 } else { 0.0 };
            rows.push(constraint!(v == value));
        }
    }
    let objective = changes.clone() * per_change + preference;
    let Some(result) = run_backend(vars, objective.clone(), rows, opts, Hints::default())? else {
        let diagnosis = match diagnose::diagnose_fixed(sc, opts, &fixed) {
            // The kept past itself breaks a rule only the past could mend (a hand-edited
            // roster): say what the month as a whole cannot have.
            Err(SolveError::Solver(_)) if !fixed.is_empty() => diagnose::diagnose(sc, opts)?,
            other => other?,
        };
        return Err(SolveError::Infeasible(diagnosis));
    };
    let sol = &result.solution;
    let count = changes.eval_with(sol).round();
    let total = objective.eval_with(sol).round();
    let bound = match result.status {
        Status::Optimal => count,
        // The solver's bound lacks the constant term (the forced changes); add it back. A
        // repair of c changes scores c·per_change plus less than per_change, so the bound
        // on the score bounds the changes by its whole multiples of per_change.
        _ => (result.bound.map_or(total, |(b, own)| b + (total - own)) / per_change + 1e-6)
            .floor()
            .clamp(0.0, count),
    };

    let assignments = reseat_changed(sc, base, &x, sol);
    let seconds = started.elapsed().as_secs_f64();
    let mut roster = Roster {
        month: sc.month.to_string(),
        assignments,
        swaps: base.swaps.clone(),
        leave: base.leave.clone(),
        solver: Some(SolverInfo {
            status: result.status.name().to_string(),
            objective: count,
            bound,
            seconds: (seconds * 100.0).round() / 100.0,
            gap: None,
            backend: Some(opts.backend.name().to_string()),
        }),
    };
    roster.sort(sc);
    Ok(Repaired {
        status: result.status,
        changes: count as u32,
        bound,
        seconds,
        size,
        roster,
    })
}

/// Which (person, day, shift) cells the base roster fills.
struct BaseCells {
    on: Vec<bool>,
    days: usize,
    shifts: usize,
}

impl BaseCells {
    fn of(sc: &Scenario, base: &Roster, x: &ShiftVars) -> BaseCells {
        let (n, days, shifts) = x.dims();
        let mut cells = BaseCells {
            on: vec![false; n * days * shifts],
            days,
            shifts,
        };
        for a in &base.assignments {
            if let (Some(i), Some(d), Some(k)) = (
                sc.staff_by_id(&a.staff),
                sc.month.day_index(a.date),
                sc.shift_by_code(&a.shift),
            ) {
                let at = cells.at(i, d, k);
                cells.on[at] = true;
            }
        }
        cells
    }

    fn at(&self, i: usize, d: usize, k: usize) -> usize {
        (i * self.days + d) * self.shifts + k
    }

    fn on(&self, i: usize, d: usize, k: usize) -> bool {
        self.on[self.at(i, d, k)]
    }
}

/// The number of cells that differ from the base. A base shift with no variable (now on
/// leave, at an event) must go: a fixed cost.
fn change_count(x: &ShiftVars, base_on: &BaseCells) -> Expression {
    let (n, days, shifts) = x.dims();
    let mut forced = 0.0;
    let mut changes = Expression::from(0.0);
    for i in 0..n {
        for d in 0..days {
            for k in 0..shifts {
                match (base_on.on(i, d, k), x.get(i, d, k)) {
                    (true, Some(v)) => {
                        changes += 1.0;
                        changes -= v;
                    }
                    (true, None) => forced += 1.0,
                    (false, Some(v)) => changes += v,
                    (false, None) => {}
                }
            }
        }
    }
    changes + forced
}

/// Among repairs with the fewest changes, prefer those that add the fewest shifts, and
/// fewest of all to people with leave this month: nobody on leave is handed a make-up
/// shift elsewhere when another repair as small needs none. Returns the preference and its
/// largest value, so the caller can weigh it below one change and the count of changes
/// stays what is minimised first.
fn added_shift_preference(sc: &Scenario, x: &ShiftVars, base_on: &BaseCells) -> (Expression, f64) {
    let (n, days, shifts) = x.dims();
    let mut preference = Expression::from(0.0);
    let mut most = 0.0;
    for i in 0..n {
        let on_leave = (0..days).any(|d| sc.approved_leave_on(i, sc.date(d)).is_some());
        let weight = if on_leave { 2.0 } else { 1.0 };
        for d in 0..days {
            for k in 0..shifts {
                if let (false, Some(v)) = (base_on.on(i, d, k), x.get(i, d, k)) {
                    preference += weight * v;
                    most += weight;
                }
            }
        }
    }
    (preference, most)
}

/// The cells whose report time is before `cutoff`, with their value in the base: the past
/// cannot be re-rostered.
fn frozen_cells(
    sc: &Scenario,
    x: &ShiftVars,
    base_on: &BaseCells,
    cutoff: i64,
) -> Vec<((usize, usize, usize), bool)> {
    let (n, days, shifts) = x.dims();
    let mut fixed = Vec::new();
    for i in 0..n {
        for d in 0..days {
            for k in 0..shifts {
                if sc.report_time(sc.date(d), k) < cutoff && x.get(i, d, k).is_some() {
                    fixed.push(((i, d, k), base_on.on(i, d, k)));
                }
            }
        }
    }
    fixed
}

/// The repaired month's assignments: a shift whose crew is the base roster's keeps its
/// seats as they were; a shift whose crew changed is seated afresh.
fn reseat_changed(
    sc: &Scenario,
    base: &Roster,
    x: &ShiftVars,
    sol: &impl Solution,
) -> Vec<Assignment> {
    let (n, days, shifts) = x.dims();
    let mut assignments = Vec::new();
    for d in 0..days {
        let date = sc.date(d);
        for k in 0..shifts {
            let on: Vec<usize> = (0..n)
                .filter(|&i| x.get(i, d, k).is_some_and(|v| sol.value(v) > 0.5))
                .collect();
            let code = &sc.shifts[k].code;
            let kept: Vec<_> = base
                .assignments
                .iter()
                .filter(|a| a.date == date && &a.shift == code)
                .cloned()
                .collect();
            let mut base_crew: Vec<usize> = kept
                .iter()
                .filter_map(|a| sc.staff_by_id(&a.staff))
                .collect();
            base_crew.sort_unstable();
            if base_crew == on && kept.len() == on.len() {
                assignments.extend(kept);
            } else {
                assignments.extend(seating::seat(sc, d, k, &on));
            }
        }
    }
    assignments
}
