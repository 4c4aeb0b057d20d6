//! Dantzig-Wolfe by person: the bound and a roster from whole schedules (columns), as the
//! branch-and-price methods on this benchmark do (Burke & Curtois 2014). Every hard
//! constraint is about one person, so the master only has to choose one schedule per
//! person (a convexity row each) and price the cover (one row per cover row, with under-
//! and over-cover slack). Its LP over all schedules is each person's convex hull: far
//! stronger than the compact model's LP where the run rules are tight (instance 9).
//!
//! The master LP is solved over the schedules found so far; each person's pricing problem
//! (`pricing`) looks for a schedule with negative reduced cost under the master's duals
//! (smoothed towards those of the best bound so far). At every round, the cover
//! requirements priced at those duals plus every person's cheapest schedule under them is
//! a valid lower bound (the Lagrangian bound), so the best of them is reported even when
//! the generation stops before it converges. It stops on work done: no negative column, a
//! bound whose rounding the master value cannot beat, a round cap (a lower one when some
//! person's pricing was not exact), or the clock.

use super::evaluate;
use super::instance::{Assignment, Instance};
use super::pricing::{self, Schedule};
use super::search::{NrpSolveError, left};
use crate::solve::{Hints, SolveOptions, run_backend, solve_lp};
use good_lp::{Constraint, Expression, ProblemVariables, Solution, Variable, constraint, variable};
use std::time::Instant;

/// Pricing rounds at most; each prices every person once.
const MAX_ROUNDS: usize = 150;
/// Rounds at most when some person's pricing was a beam (its bound a relaxation's): such a
/// generation cannot converge, and its rounds take the time the roster's stages need
/// (instance 19: 17 s a round, all of 600 s spent in the generation, the roster still the
/// greedy one).
const INEXACT_ROUNDS: usize = 10;
/// The weight of the best bound's duals in the duals priced (Wentges smoothing).
const SMOOTHING: f64 = 0.5;
/// Below this a reduced cost is zero (the LP's own tolerance is about 1e-7 per row).
const NEGATIVE: f64 = -1e-6;

/// The schedules found so far, per person, with what each one's requests cost; a person
/// fixed to one schedule (a dive's, `dive`) has only that one and is not priced.
#[derive(Clone)]
pub(super) struct Pool {
    schedules: Vec<Vec<Schedule>>,
    cost: Vec<Vec<u64>>,
    fixed: Vec<bool>,
}

impl Pool {
    /// A pool holding each person's schedule in `roster`.
    pub(super) fn new(inst: &Instance, roster: &Assignment) -> Pool {
        let mut pool = Pool {
            schedules: vec![Vec::new(); inst.staff.len()],
            cost: vec![Vec::new(); inst.staff.len()],
            fixed: vec![false; inst.staff.len()],
        };
        pool.add_roster(inst, roster);
        pool
    }

    pub(super) fn add_roster(&mut self, inst: &Instance, roster: &Assignment) {
        for (e, row) in roster.iter().enumerate() {
            self.add(inst, e, row.clone());
        }
    }

    /// Every schedule of `other`'s people into this pool (a dive's columns kept for
    /// price-and-branch).
    pub(super) fn absorb(&mut self, inst: &Instance, other: &Pool) {
        for (e, schedules) in other.schedules.iter().enumerate() {
            for s in schedules {
                self.add(inst, e, s.clone());
            }
        }
    }

    /// Person `e` keeps only `schedule` from now on, and is no longer priced.
    pub(super) fn fix(&mut self, inst: &Instance, e: usize, schedule: Schedule) {
        self.cost[e] = vec![pricing::request_penalty(inst, e, &schedule)];
        self.schedules[e] = vec![schedule];
        self.fixed[e] = true;
    }

    pub(super) fn is_fixed(&self, e: usize) -> bool {
        self.fixed[e]
    }

    /// Adds the schedule unless the person has it already or is fixed; says whether it
    /// was new.
    fn add(&mut self, inst: &Instance, e: usize, schedule: Schedule) -> bool {
        if self.fixed[e] || self.schedules[e].contains(&schedule) {
            return false;
        }
        self.cost[e].push(pricing::request_penalty(inst, e, &schedule));
        self.schedules[e].push(schedule);
        true
    }

    pub(super) fn len(&self) -> usize {
        self.schedules.iter().map(Vec::len).sum()
    }
}

/// The restricted master: one λ per pooled schedule, the cover slack, the rows (each
/// person's convexity row first, in staff order, then one per cover row).
struct Master {
    vars: ProblemVariables,
    lambda: Vec<Vec<Variable>>,
    slack: Vec<(Variable, Variable)>,
    rows: Vec<Constraint>,
    /// Per row, in the rows' order: its dual probe (see `solve_lp`).
    probes: Vec<Variable>,
    objective: Expression,
}

impl Master {
    fn build(inst: &Instance, pool: &Pool, integer: bool) -> Master {
        let mut vars = ProblemVariables::new();
        let lambda: Vec<Vec<Variable>> = pool
            .schedules
            .iter()
            .map(|s| {
                s.iter()
                    .map(|_| {
                        let v = variable().min(0);
                        vars.add(if integer { v.binary() } else { v })
                    })
                    .collect()
            })
            .collect();
        let mut objective = Expression::default();
        let mut rows = Vec::new();
        let mut probes = Vec::new();
        let mut probe = |vars: &mut ProblemVariables| {
            let p = vars.add(variable().min(0).max(0));
            probes.push(p);
            p
        };
        for (e, ls) in lambda.iter().enumerate() {
            for (c, &l) in ls.iter().enumerate() {
                objective += pool.cost[e][c] as f64 * l;
            }
            let all: Expression = ls.iter().copied().sum();
            let p = if integer {
                None
            } else {
                Some(probe(&mut vars))
            };
            rows.push(match p {
                Some(p) => constraint!(all + p == 1),
                None => constraint!(all == 1),
            });
        }
        let mut slack = Vec::new();
        for c in &inst.cover {
            let (under, over) = (vars.add(variable().min(0)), vars.add(variable().min(0)));
            let mut n = Expression::default();
            for (e, ls) in lambda.iter().enumerate() {
                for (s, &l) in pool.schedules[e].iter().zip(ls) {
                    if s[c.day] == Some(c.shift) {
                        n += l;
                    }
                }
            }
            if !integer {
                n += probe(&mut vars);
            }
            rows.push(constraint!(n + under - over == c.requirement));
            objective += f64::from(c.under_weight) * under + f64::from(c.over_weight) * over;
            slack.push((under, over));
        }
        Master {
            vars,
            lambda,
            slack,
            rows,
            probes,
            objective,
        }
    }
}

/// What the column generation proved and how far it went.
#[derive(Debug, Clone)]
pub(super) struct Generation {
    /// The best Lagrangian bound of any round (not rounded).
    pub(super) bound: f64,
    /// The last restricted master's LP value.
    pub(super) master_value: f64,
    pub(super) rounds: usize,
    /// No person had a negative column: the bound is the master LP's optimum.
    pub(super) converged: bool,
    /// Every person was priced exactly and the generation ended on its bound: converged,
    /// or a bound whose rounding the master value cannot beat (not a round cap or the clock).
    pub(super) settled: bool,
    /// The last master LP's roster rounded: each person's schedule of largest weight.
    pub(super) rounded: Option<Assignment>,
    /// Per person, that schedule's weight in the last master LP.
    pub(super) weights: Vec<f64>,
    /// The last master LP's cells: per person, day and type, the weight of the schedules
    /// that work it.
    pub(super) cells: Option<Vec<Vec<Vec<f64>>>>,
}

/// Column generation from the pool (see the module comment); `report` hears each round's
/// master value and best bound. Every schedule it adds goes into the pool.
pub(super) fn generate(
    inst: &Instance,
    pool: &mut Pool,
    opts: &SolveOptions,
    started: Instant,
    report: &dyn Fn(usize, f64, f64),
) -> Result<Generation, NrpSolveError> {
    let requests = pricing::request_prices(inst);
    let n = inst.staff.len();
    let mut out = Generation {
        bound: f64::NEG_INFINITY,
        master_value: f64::NAN,
        rounds: 0,
        converged: false,
        settled: false,
        rounded: None,
        weights: Vec::new(),
        cells: None,
    };
    // Wentges smoothing: price at a mix of the master's duals and those of the best bound
    // so far, which damps the duals' swings; a round that finds no column at the mix
    // (a mispricing) prices the master's own duals next.
    let mut center: Option<Vec<f64>> = None;
    let mut mix = SMOOTHING;
    let mut inexact_rounds = 0;
    while out.rounds < MAX_ROUNDS {
        let m = Master::build(inst, pool, false);
        let lp = match solve_lp(m.vars, m.objective, m.rows, &m.probes, &left(opts, started)) {
            Ok(lp) => lp,
            Err(crate::solve::SolveError::NoSolutionInTime(..)) => return Ok(out),
            Err(e) => return Err(e.into()),
        };
        let (rounded, weights) = largest_weights(pool, &m.lambda, |v| lp.value_of(v));
        (out.rounded, out.weights) = (Some(rounded), weights);
        out.cells = Some(cell_weights(inst, pool, &m.lambda, |v| lp.value_of(v)));
        out.rounds += 1;
        out.master_value = lp.value;
        let master_mu = &lp.duals[n..];
        let at_master = center.is_none() || mix == 0.0;
        let mu: Vec<f64> = inst
            .cover
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let y = match &center {
                    Some(z) => mix * z[i] + (1.0 - mix) * master_mu[i],
                    None => master_mu[i],
                };
                // Inside the slack columns' dual box, so the bound below stays valid.
                y.clamp(-f64::from(c.over_weight), f64::from(c.under_weight))
            })
            .collect();
        let (cover, master_cover) = (cover_duals(inst, &mu), cover_duals(inst, master_mu));
        // The Lagrangian bound at mu: the cover rows' right-hand sides priced at mu, plus
        // each person's cheapest schedule under mu.
        let mut lagrangian: f64 = inst
            .cover
            .iter()
            .zip(&mu)
            .map(|(c, y)| f64::from(c.requirement) * y)
            .sum();
        let mut added = 0;
        // Every person priced exactly: only then does no column mean none exists.
        let mut exact = true;
        for (e, person) in requests.iter().enumerate() {
            if pool.fixed[e] {
                // Its one schedule is its cheapest: its price at mu.
                let s = &pool.schedules[e][0];
                lagrangian += pool.cost[e][0] as f64 - pricing::priced(&cover, s);
                continue;
            }
            let p = match pricing::cheapest_schedule(
                inst,
                e,
                &less(person, &cover),
                &left(opts, started),
            ) {
                Ok(p) => p,
                Err(NrpSolveError::NoSolutionInTime(_)) => return Ok(out),
                Err(err) => return Err(err),
            };
            lagrangian += pricing::request_constant(inst, e) + p.lower;
            exact &= p.lower >= p.price - 1e-9;
            // The column enters when its reduced cost at the master's own duals is negative.
            let reduced = pricing::request_penalty(inst, e, &p.schedule) as f64
                - pricing::priced(&master_cover, &p.schedule)
                - lp.duals[e];
            if reduced < NEGATIVE && pool.add(inst, e, p.schedule) {
                added += 1;
            }
        }
        if lagrangian > out.bound {
            out.bound = lagrangian;
            center = Some(mu);
        }
        report(out.rounds, out.master_value, out.bound);
        if added == 0 && at_master {
            // A beam that found no column proves nothing: the generation ends unconverged.
            if exact {
                out.converged = true;
                out.settled = true;
                out.bound = out.bound.max(lp.value);
            }
            return Ok(out);
        }
        inexact_rounds += usize::from(!exact);
        if inexact_rounds >= INEXACT_ROUNDS {
            return Ok(out);
        }
        mix = if added == 0 { 0.0 } else { SMOOTHING };
        // The bound is an integer's: once its rounding reaches the master's, no later
        // round can raise it (the LP optimum lies between the two).
        if (out.bound - 1e-6).ceil() >= (lp.value - 1e-6).ceil() {
            out.settled = exact;
            return Ok(out);
        }
    }
    Ok(out)
}

/// Per person, day and type: the weight of the person's schedules that work the cell.
fn cell_weights(
    inst: &Instance,
    pool: &Pool,
    lambda: &[Vec<Variable>],
    value: impl Fn(Variable) -> f64,
) -> Vec<Vec<Vec<f64>>> {
    let mut cells = vec![vec![vec![0.0; inst.shifts.len()]; inst.horizon]; inst.staff.len()];
    for (e, ls) in lambda.iter().enumerate() {
        for (schedule, &l) in pool.schedules[e].iter().zip(ls) {
            let w = value(l);
            for (d, t) in schedule.iter().enumerate() {
                if let Some(t) = t {
                    cells[e][d][*t] += w;
                }
            }
        }
    }
    cells
}

/// Per day and type: the request price less the cover dual.
fn less(requests: &[Vec<f64>], cover: &[Vec<f64>]) -> Vec<Vec<f64>> {
    requests
        .iter()
        .zip(cover)
        .map(|(r, mu)| r.iter().zip(mu).map(|(r, mu)| r - mu).collect())
        .collect()
}

/// Each person's pooled schedule of largest weight (the first on a tie), and its weight.
fn largest_weights(
    pool: &Pool,
    lambda: &[Vec<Variable>],
    value: impl Fn(Variable) -> f64,
) -> (Assignment, Vec<f64>) {
    lambda
        .iter()
        .zip(&pool.schedules)
        .map(|(ls, schedules)| {
            let mut best = 0;
            for (c, &l) in ls.iter().enumerate() {
                if value(l) > value(ls[best]) + 1e-9 {
                    best = c;
                }
            }
            (schedules[best].clone(), value(ls[best]))
        })
        .unzip()
}

/// Per day and shift type: the cover row's dual, 0 where the cell has no cover row.
fn cover_duals(inst: &Instance, duals: &[f64]) -> Vec<Vec<f64>> {
    let mut mu = vec![vec![0.0; inst.shifts.len()]; inst.horizon];
    for (c, &y) in inst.cover.iter().zip(duals) {
        mu[c.day][c.shift] = y;
    }
    mu
}

/// Price-and-branch: the master over the pooled schedules as a MIP (one schedule per
/// person), from `start` (whose schedules the pool must hold), for at most `nodes` nodes.
/// The roster it finds, with the evaluator's objective; `None` when it kept the start.
pub(super) fn price_and_branch(
    inst: &Instance,
    pool: &Pool,
    start: &Assignment,
    nodes: u32,
    opts: &SolveOptions,
) -> Result<Option<(Assignment, u64)>, NrpSolveError> {
    let m = Master::build(inst, pool, true);
    let mut values = Vec::new();
    for (e, ls) in m.lambda.iter().enumerate() {
        for (s, &l) in pool.schedules[e].iter().zip(ls) {
            values.push((l, if *s == start[e] { 1.0 } else { 0.0 }));
        }
    }
    for (c, &(under, over)) in inst.cover.iter().zip(&m.slack) {
        let n = start.iter().filter(|r| r[c.day] == Some(c.shift)).count() as f64;
        values.push((under, (f64::from(c.requirement) - n).max(0.0)));
        values.push((over, (n - f64::from(c.requirement)).max(0.0)));
    }
    let hints = Hints {
        start: values,
        node_limit: Some(nodes),
        child: super::search::hard_stopped(opts),
        ..Hints::default()
    };
    let result = match run_backend(m.vars, m.objective, m.rows, opts, hints) {
        Ok(Some(r)) => r,
        Ok(None) | Err(crate::solve::SolveError::NoSolutionInTime(..)) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let sol = &result.solution;
    let mut roster = Vec::with_capacity(inst.staff.len());
    for (e, ls) in m.lambda.iter().enumerate() {
        // Values that are not one schedule per person are CBC's LP values, not a roster.
        let chosen: Vec<usize> = (0..ls.len()).filter(|&c| sol.value(ls[c]) > 0.5).collect();
        match chosen.as_slice() {
            [c] => roster.push(pool.schedules[e][*c].clone()),
            _ => return Ok(None),
        }
    }
    if !evaluate::check(inst, &roster).is_empty() {
        return Err(NrpSolveError::Unchecked(
            "a pooled schedule breaks a hard constraint".into(),
        ));
    }
    let value = evaluate::objective(inst, &roster).total();
    Ok(Some((roster, value)))
}

#[cfg(test)]
mod tests {
    use crate::solve::{SolveOptions, solve_lp};
    use good_lp::{ProblemVariables, constraint, variable};

    /// The sign of CBC's row prices, which the pricing relies on: for a minimisation, the
    /// dual of a row is the optimum's rise per unit its right-hand side rises.
    #[test]
    fn nrp_lp_duals_are_the_rise_per_unit_of_right_hand_side() {
        let solve = |rhs: f64| {
            let mut vars = ProblemVariables::new();
            let x = vars.add(variable().min(0));
            let y = vars.add(variable().min(0));
            let p = [0; 2].map(|_| vars.add(variable().min(0).max(0)));
            let rows = vec![
                constraint!(x + y + p[0] == rhs),
                constraint!(x - y + p[1] <= 0.5),
            ];
            solve_lp(vars, 3 * x + 5 * y, rows, &p, &SolveOptions::default()).unwrap()
        };
        let lp = solve(2.0);
        // x = 1.25, y = 0.75: value 7.5; the equality row is worth 4, the <= row -1.
        assert!((lp.value - 7.5).abs() < 1e-6, "{}", lp.value);
        assert!((lp.duals[0] - 4.0).abs() < 1e-6, "{:?}", lp.duals);
        assert!((lp.duals[1] + 1.0).abs() < 1e-6, "{:?}", lp.duals);
        let more = solve(3.0);
        assert!((more.value - lp.value - lp.duals[0]).abs() < 1e-6);
    }
}
