//! The benchmark as a MIP on the same backend call as `solve` (`solve::run_backend`):
//! x[e,d,t] binaries where the person may work type t on day d (no variable on a day off or
//! for a type the contract bars), one row family per hard constraint, and cover slack.
//!
//! Consecutive-day rules: the maximum by sliding windows of MaxConsecutiveShifts + 1 days
//! inside the horizon (days outside it are off); the minimums by run starts: a block of
//! work (or rest) that starts on day d > 0 continues for the next c - 1 days inside the
//! horizon, since work and rest before and after it are unlimited.

use super::evaluate::{self, Breakdown};
use super::instance::{Assignment, Instance};
use crate::solve::{
    Backend, Hints, ModelSize, SolveError, SolveOptions, Status, relative_gap, run_backend,
};
use good_lp::{Constraint, Expression, ProblemVariables, Solution, Variable, constraint, variable};
use serde::Serialize;
use std::time::Instant;

/// A solved instance: the roster, its objective as the evaluator computes it, the proof.
#[derive(Debug, Clone, Serialize)]
pub struct NrpSolved {
    pub status: Status,
    pub objective: u64,
    pub breakdown: Breakdown,
    /// The best bound proven on the objective (rounded up: every objective is an integer).
    pub bound: f64,
    pub gap: f64,
    pub seconds: f64,
    pub size: ModelSize,
    #[serde(skip)]
    pub roster: Assignment,
}

#[derive(Debug, thiserror::Error)]
pub enum NrpSolveError {
    #[error("no roster satisfies the hard constraints (proven)")]
    Infeasible,
    #[error(
        "no roster was found within the time limit of {0} s; allow more time with --time-limit"
    )]
    NoSolutionInTime(f64),
    #[error("the {0} backend is not compiled in; rebuild with `--features {0}`")]
    BackendMissing(&'static str),
    #[error("the solver failed: {0}")]
    Solver(String),
    /// The model's roster fails the independent evaluator: a bug in the model.
    #[error("internal error: the model's roster breaks hard constraints: {0}")]
    Unchecked(String),
}

impl From<SolveError> for NrpSolveError {
    fn from(e: SolveError) -> Self {
        match e {
            SolveError::NoSolutionInTime(t, _) => NrpSolveError::NoSolutionInTime(t),
            SolveError::BackendMissing(b) => NrpSolveError::BackendMissing(b),
            SolveError::Solver(s) => NrpSolveError::Solver(s),
            SolveError::Infeasible(_) => NrpSolveError::Infeasible,
            // run_backend never checks a roster; only solve() does.
            e @ SolveError::RulesBroken(_) => NrpSolveError::Unchecked(e.to_string()),
        }
    }
}

/// The model: variables, rows, and the objective (with its constant: the weights of
/// shift-on requests the model can never grant, and of those it grants by working).
struct NrpModel {
    vars: ProblemVariables,
    /// x[e][d][t]: `None` where the person may not work t on d.
    x: Vec<Vec<Vec<Option<Variable>>>>,
    rows: Vec<Constraint>,
    objective: Expression,
}

impl NrpModel {
    fn build(inst: &Instance) -> NrpModel {
        let h = inst.horizon;
        let types = inst.shifts.len();
        let mut vars = ProblemVariables::new();
        let x: Vec<Vec<Vec<Option<Variable>>>> = inst
            .staff
            .iter()
            .enumerate()
            .map(|(e, s)| {
                (0..h)
                    .map(|d| {
                        (0..types)
                            .map(|t| {
                                (!inst.days_off[e][d] && s.max_shifts[t] > 0)
                                    .then(|| vars.add(variable().binary()))
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect();
        let work = |e: usize, d: usize| -> Expression { x[e][d].iter().flatten().sum() };
        let mut rows = Vec::new();
        for (e, s) in inst.staff.iter().enumerate() {
            // 1: one shift a day.
            for (d, types_of_day) in x[e].iter().enumerate() {
                if types_of_day.iter().flatten().count() > 1 {
                    rows.push(constraint!(work(e, d) <= 1));
                }
            }
            // 2: forbidden successions, inside the horizon.
            for d in 0..h.saturating_sub(1) {
                for (a, shift) in inst.shifts.iter().enumerate() {
                    for &b in &shift.forbidden_next {
                        if let (Some(va), Some(vb)) = (x[e][d][a], x[e][d + 1][b]) {
                            rows.push(constraint!(va + vb <= 1));
                        }
                    }
                }
            }
            // 3: shifts per type.
            for (t, &limit) in s.max_shifts.iter().enumerate() {
                let n: Expression = (0..h).filter_map(|d| x[e][d][t]).sum();
                if (limit as usize) < h {
                    rows.push(constraint!(n <= limit));
                }
            }
            // 4: total minutes.
            let minutes: Expression = (0..h)
                .flat_map(|d| {
                    let x = &x;
                    (0..types).filter_map(move |t| x[e][d][t].map(|v| (v, inst.shifts[t].minutes)))
                })
                .map(|(v, m)| f64::from(m) * v)
                .sum();
            rows.push(constraint!(minutes.clone() <= s.max_total_minutes));
            rows.push(constraint!(minutes >= f64::from(s.min_total_minutes)));
            // 5: at most c working days in any c + 1 days.
            let c = s.max_consecutive_shifts as usize;
            if c < h {
                for d in 0..h - c {
                    let window: Expression = (d..=d + c).map(|j| work(e, j)).sum();
                    rows.push(constraint!(window <= c as f64));
                }
            }
            // 6: a working block starting on day d > 0 lasts min-consecutive days, or to the end.
            let c = s.min_consecutive_shifts as usize;
            for d in 1..h {
                for j in 1..c {
                    if d + j < h {
                        rows.push(constraint!(work(e, d) - work(e, d - 1) <= work(e, d + j)));
                    }
                }
            }
            // 7: the same for blocks of days off.
            let c = s.min_consecutive_days_off as usize;
            for d in 1..h {
                for j in 1..c {
                    if d + j < h {
                        rows.push(constraint!(
                            work(e, d - 1) - work(e, d) + work(e, d + j) <= 1
                        ));
                    }
                }
            }
            // 8: a weekend variable at least each of its days' work.
            let mut weekends = Expression::default();
            for w in 0..h.div_ceil(7) {
                let days: Vec<usize> = [7 * w + 5, 7 * w + 6]
                    .into_iter()
                    .filter(|&d| d < h)
                    .collect();
                if days.is_empty() {
                    continue;
                }
                let y = vars.add(variable().binary());
                for &d in &days {
                    rows.push(constraint!(work(e, d) <= y));
                }
                let both: Expression = days.iter().map(|&d| work(e, d)).sum();
                rows.push(constraint!(y <= both));
                weekends += y;
            }
            if (s.max_weekends as usize) < h.div_ceil(7) {
                rows.push(constraint!(weekends <= s.max_weekends));
            }
            // 9: no variable exists on a day off.
        }
        // Objective.
        let mut objective = Expression::default();
        for r in &inst.shift_on {
            objective += f64::from(r.weight);
            if let Some(v) = x[r.staff][r.day][r.shift] {
                objective -= f64::from(r.weight) * v;
            }
        }
        for r in &inst.shift_off {
            if let Some(v) = x[r.staff][r.day][r.shift] {
                objective += f64::from(r.weight) * v;
            }
        }
        for c in &inst.cover {
            let under = vars.add(variable().min(0));
            let over = vars.add(variable().min(0));
            let n: Expression = (0..inst.staff.len())
                .filter_map(|e| x[e][c.day][c.shift])
                .sum();
            rows.push(constraint!(n + under - over == c.requirement));
            objective += f64::from(c.under_weight) * under + f64::from(c.over_weight) * over;
        }
        NrpModel {
            vars,
            x,
            rows,
            objective,
        }
    }

    fn size(&self) -> ModelSize {
        ModelSize {
            variables: self.vars.len(),
            shift_variables: self.x.iter().flatten().flatten().flatten().count(),
            constraints: self.rows.len(),
        }
    }
}

/// Solves an instance. The roster returned has passed the evaluator, and its objective is
/// the evaluator's.
pub fn solve(inst: &Instance, opts: &SolveOptions) -> Result<NrpSolved, NrpSolveError> {
    let started = Instant::now();
    if opts.backend == Backend::Highs && !Backend::available().contains(&Backend::Highs) {
        return Err(NrpSolveError::BackendMissing("highs"));
    }
    let model = NrpModel::build(inst);
    let size = model.size();
    let NrpModel {
        vars,
        x,
        rows,
        objective,
    } = model;
    opts.progress.report("solving the MIP", None);
    let Some(result) = run_backend(vars, objective.clone(), rows, opts, Hints::default())? else {
        return Err(NrpSolveError::Infeasible);
    };
    let sol = &result.solution;
    let roster: Assignment = x
        .iter()
        .map(|days| {
            days.iter()
                .map(|types| {
                    types
                        .iter()
                        .position(|v| v.is_some_and(|v| sol.value(v) > 0.5))
                })
                .collect()
        })
        .collect();
    let violations = evaluate::check(inst, &roster);
    if !violations.is_empty() {
        let list: Vec<String> = violations.iter().map(|v| v.to_string()).collect();
        return Err(NrpSolveError::Unchecked(list.join("; ")));
    }
    let breakdown = evaluate::objective(inst, &roster);
    let value = breakdown.total();
    let model_value = objective.eval_with(sol);
    if (model_value - value as f64).abs() > 1e-4 {
        return Err(NrpSolveError::Unchecked(format!(
            "the model's objective {model_value} is not the evaluator's {value}"
        )));
    }
    // Solvers drop the objective's constant; their bound is shifted back by it.
    let bound = match (result.bound, result.status) {
        (Some((b, own)), _) => b + (model_value - own),
        (None, Status::Optimal) => model_value,
        (None, _) => f64::NAN,
    };
    let bound = if bound.is_nan() {
        bound
    } else {
        // Every objective is an integer, so the bound rounds up.
        (bound - 1e-6).ceil().min(value as f64)
    };
    let status = if bound >= value as f64 {
        Status::Optimal
    } else {
        result.status
    };
    Ok(NrpSolved {
        status,
        objective: value,
        breakdown,
        bound,
        gap: relative_gap(value as f64, bound),
        seconds: started.elapsed().as_secs_f64(),
        size,
        roster,
    })
}
