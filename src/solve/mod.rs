//! The month as a mixed-integer programme (good_lp), solved to proven optimality where time
//! allows. Rules are hard constraints (one function per rule family in `constraints`), the
//! CONTRACT objective is minimised (`objective`), and seats are assigned after (`seating`).
//! When no roster exists, `diagnose` re-solves with the demand-side rules made elastic and
//! names the smallest set of shortfalls.

mod constraints;
mod diagnose;
mod fairness;
mod objective;
mod repair;
mod seating;
mod variables;

pub use diagnose::{Conflict, Diagnosis};
pub use objective::{Breakdown, evaluate};
pub use repair::{Repaired, repair};
pub use seating::seat as seat_shift;

use crate::model::{Roster, Scenario, SolverInfo};
use constraints::Elastic;
use good_lp::{
    Constraint, Expression, ProblemVariables, Solution, SolverModel, WithMipGap, WithTimeLimit,
    constraint,
};
use serde::Serialize;
use std::time::Instant;
use variables::ShiftVars;

/// Which MIP solver good_lp drives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// COIN-OR CBC, compiled from source with the crate: the default, needs nothing installed.
    Cbc,
    /// HiGHS, with the `highs` cargo feature.
    Highs,
}

impl Backend {
    pub fn available() -> Vec<Backend> {
        let mut v = vec![Backend::Cbc];
        if cfg!(feature = "highs") {
            v.push(Backend::Highs);
        }
        v
    }
    pub fn name(self) -> &'static str {
        match self {
            Backend::Cbc => "cbc",
            Backend::Highs => "highs",
        }
    }
}

#[derive(Debug, Clone)]
pub struct SolveOptions {
    pub backend: Backend,
    /// Wall-clock limit for the solver, seconds.
    pub time_limit: f64,
    /// Relative gap at which a roster counts as good enough; 0 proves optimality.
    pub gap: f64,
    /// Solver threads (HiGHS; CBC built without threads ignores it). Results do not depend
    /// on it for CBC, which is deterministic serially.
    pub threads: u32,
    /// Let the solver print its own log (to stdout), for diagnosing slow solves.
    pub solver_log: bool,
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            backend: Backend::Cbc,
            time_limit: 300.0,
            gap: 0.0,
            threads: 1,
            solver_log: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Proven optimal (within the requested gap, 0 by default).
    Optimal,
    /// The requested relative gap was reached.
    GapLimit,
    /// The time limit ended the search; the roster is feasible, not proven optimal.
    TimeLimit,
}

impl From<good_lp::solvers::SolutionStatus> for Status {
    fn from(s: good_lp::solvers::SolutionStatus) -> Status {
        match s {
            good_lp::solvers::SolutionStatus::Optimal => Status::Optimal,
            good_lp::solvers::SolutionStatus::GapLimit => Status::GapLimit,
            good_lp::solvers::SolutionStatus::TimeLimit => Status::TimeLimit,
        }
    }
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Optimal => "optimal",
            Status::GapLimit => "gap_limit",
            Status::TimeLimit => "time_limit",
        }
    }
}

/// Size of the model, for the report and the benches.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ModelSize {
    pub variables: usize,
    pub shift_variables: usize,
    pub constraints: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Solved {
    pub status: Status,
    pub objective: f64,
    pub bound: f64,
    pub gap: f64,
    pub seconds: f64,
    pub breakdown: Breakdown,
    pub size: ModelSize,
    #[serde(skip)]
    pub roster: Roster,
}

#[derive(Debug, thiserror::Error)]
pub enum SolveError {
    #[error("no roster satisfies the rules")]
    Infeasible(Diagnosis),
    #[error(
        "no roster was found within the time limit of {0} s; allow more time with --time-limit"
    )]
    NoSolutionInTime(f64),
    #[error("the {0} backend is not compiled in; rebuild with `--features {0}`")]
    BackendMissing(&'static str),
    #[error("the solver failed: {0}")]
    Solver(String),
}

/// The model of one month: shift variables, rows by rule family, and the objective.
struct MonthModel {
    vars: ProblemVariables,
    x: ShiftVars,
    rows: Vec<Constraint>,
    objective: objective::Objective,
    elastic: Elastic,
}

impl MonthModel {
    fn build(sc: &Scenario, elastic: bool) -> MonthModel {
        let mut vars = ProblemVariables::new();
        let x = ShiftVars::new(sc, &mut vars);
        let mut el = Elastic {
            enabled: elastic,
            ..Default::default()
        };
        let mut rows = Vec::new();
        rows.extend(constraints::roster_one(sc, &x));
        rows.extend(constraints::roster_rest(sc, &x));
        rows.extend(constraints::roster_cover(sc, &x, &mut vars, &mut el));
        rows.extend(constraints::roster_lead(sc, &x, &mut vars, &mut el));
        rows.extend(constraints::roster_grade(sc, &x, &mut vars, &mut el));
        rows.extend(constraints::roster_consec(sc, &x));
        rows.extend(constraints::roster_load(sc, &x, &mut vars, &mut el));
        // ROSTER-LEAVE and ROSTER-EVENT: no variable exists where they forbid work.
        let mut objective = objective::Objective::new(sc, &x, &mut vars);
        rows.append(&mut objective.rows);
        MonthModel {
            vars,
            x,
            rows,
            objective,
            elastic: el,
        }
    }

    fn size(&self) -> ModelSize {
        let (n, d, k) = self.x.dims();
        ModelSize {
            variables: self.vars.len(),
            shift_variables: (0..n)
                .flat_map(|i| (0..d).flat_map(move |d| (0..k).map(move |k| (i, d, k))))
                .filter(|&(i, d, k)| self.x.get(i, d, k).is_some())
                .count(),
            constraints: self.rows.len(),
        }
    }
}

/// What a backend hands back: variable values through `good_lp::Solution`, plus the proof.
struct RawResult<S: Solution> {
    solution: S,
    status: Status,
    /// The solver's best bound and its own objective value for the incumbent, both
    /// without the objective's constant term (solvers drop it).
    bound: Option<(f64, f64)>,
}

fn run_backend(
    vars: ProblemVariables,
    objective: Expression,
    rows: Vec<Constraint>,
    opts: &SolveOptions,
    cutoff: Option<f64>,
) -> Result<Option<RawResult<Box<dyn SolutionValues>>>, SolveError> {
    match opts.backend {
        Backend::Cbc => {
            let mut problem = vars.minimise(objective).using(good_lp::coin_cbc);
            // Only rosters strictly better than this are wanted: none proves the rest.
            if let Some(c) = cutoff {
                problem.set_parameter("cutoff", &c.to_string());
            }
            let log = if opts.solver_log { "1" } else { "0" };
            problem.set_parameter("log", log);
            problem.set_parameter("slogLevel", log);
            // The time limit is the user's wall clock, not CPU time.
            problem.set_parameter("timeMode", "elapsed");
            // Expert knob for tuning: ROSTER_CBC_OPTIONS="strong=5 cuts=root" passes
            // parameters straight to CBC.
            if let Ok(extra) = std::env::var("ROSTER_CBC_OPTIONS") {
                for kv in extra.split_whitespace() {
                    if let Some((k, v)) = kv.split_once('=') {
                        problem.set_parameter(k, v);
                    }
                }
            }
            if opts.threads > 1 {
                problem.set_parameter("threads", &opts.threads.to_string());
            }
            for r in rows {
                problem.add_constraint(r);
            }
            let problem = problem
                .with_time_limit(opts.time_limit)
                .with_mip_gap(opts.gap as f32)
                .map_err(|e| SolveError::Solver(e.to_string()))?;
            let sol = match problem.solve() {
                Ok(sol) => sol,
                Err(e) => return map_resolution_error(e),
            };
            let raw = sol.model();
            let bound = raw.best_possible_value();
            let status = Status::from(sol.status());
            let has_solution = raw.obj_value().is_finite() && raw.obj_value() < 1e49;
            if status == Status::TimeLimit && !has_solution {
                return Err(SolveError::NoSolutionInTime(opts.time_limit));
            }
            Ok(Some(RawResult {
                status,
                bound: Some((bound, raw.obj_value())),
                solution: Box::new(sol),
            }))
        }
        Backend::Highs => highs_backend(vars, objective, rows, opts),
    }
}

#[cfg(feature = "highs")]
fn highs_backend(
    vars: ProblemVariables,
    objective: Expression,
    rows: Vec<Constraint>,
    opts: &SolveOptions,
) -> Result<Option<RawResult<Box<dyn SolutionValues>>>, SolveError> {
    let mut problem = vars.minimise(objective).using(good_lp::highs);
    for r in rows {
        problem.add_constraint(r);
    }
    problem.set_verbose(opts.solver_log);
    let problem = problem
        .set_threads(opts.threads)
        .set_option("random_seed", 0)
        .with_time_limit(opts.time_limit)
        .with_mip_gap(opts.gap as f32)
        .map_err(|e| SolveError::Solver(e.to_string()))?;
    let sol = match problem.solve() {
        Ok(sol) => sol,
        Err(e) => return map_resolution_error(e),
    };
    let status = Status::from(sol.status());
    Ok(Some(RawResult {
        status,
        bound: None,
        solution: Box::new(sol),
    }))
}

#[cfg(not(feature = "highs"))]
fn highs_backend(
    _: ProblemVariables,
    _: Expression,
    _: Vec<Constraint>,
    _: &SolveOptions,
) -> Result<Option<RawResult<Box<dyn SolutionValues>>>, SolveError> {
    Err(SolveError::BackendMissing("highs"))
}

/// Object-safe view of a solution: the value of one variable.
trait SolutionValues {
    fn get(&self, v: good_lp::Variable) -> f64;
}

impl<S: Solution> SolutionValues for S {
    fn get(&self, v: good_lp::Variable) -> f64 {
        self.value(v)
    }
}

impl Solution for Box<dyn SolutionValues> {
    fn status(&self) -> good_lp::solvers::SolutionStatus {
        good_lp::solvers::SolutionStatus::Optimal
    }
    fn value(&self, v: good_lp::Variable) -> f64 {
        // Through the box to the backend's own solution, not back into this impl.
        (**self).get(v)
    }
}

/// `Ok(None)`: the solver proved that no roster exists.
fn map_resolution_error<T>(e: good_lp::ResolutionError) -> Result<Option<T>, SolveError> {
    match e {
        good_lp::ResolutionError::Infeasible => Ok(None),
        other => Err(SolveError::Solver(other.to_string())),
    }
}

/// Solves the month. Every roster returned satisfies every roster rule; the caller can
/// confirm with `rules::check_roster`.
///
/// When the time limit would end the search short of a proof, the first part of the time
/// goes to the plain model and the rest to proving the fairness spreads (`fairness`),
/// which is where large centres lose their bound.
pub fn solve(sc: &Scenario, opts: &SolveOptions) -> Result<Solved, SolveError> {
    let started = Instant::now();
    let probe = fairness::can_probe(sc, opts);
    let first = SolveOptions {
        time_limit: if probe {
            opts.time_limit * FIRST_SHARE
        } else {
            opts.time_limit
        },
        ..opts.clone()
    };
    let outcome = solve_once(sc, &first, &Fixes::default(), started);
    if probe && matches!(outcome, Err(SolveError::NoSolutionInTime(_))) {
        // No roster yet: the plain model gets the rest of the time, and no probing.
        let left = (opts.time_limit - started.elapsed().as_secs_f64()).max(1.0);
        let rest = SolveOptions {
            time_limit: left,
            ..opts.clone()
        };
        return match solve_once(sc, &rest, &Fixes::default(), started) {
            Ok(Some(solved)) => Ok(solved),
            Ok(None) => Err(SolveError::Infeasible(diagnose::diagnose(sc, opts)?)),
            Err(SolveError::NoSolutionInTime(_)) => {
                Err(SolveError::NoSolutionInTime(opts.time_limit))
            }
            Err(e) => Err(e),
        };
    }
    let Some(solved) = outcome? else {
        return Err(SolveError::Infeasible(diagnose::diagnose(sc, opts)?));
    };
    if !probe || solved.status != Status::TimeLimit {
        return Ok(solved);
    }
    fairness::prove_spreads(sc, opts, solved, started)
}

/// Share of the time limit the plain model gets when the spreads may need proving. On the
/// 150-staff month a good roster comes within the first seconds; the proof takes the rest.
const FIRST_SHARE: f64 = 0.15;

/// Extra rows for one solve: fairness cases already settled, or the one being probed.
#[derive(Debug, Clone, Default)]
struct Fixes {
    /// (job, measure) spreads known to be at least 1 in any roster better than the best.
    no_equal: Vec<(String, &'static str)>,
    /// Probe: this spread is 0 with this common count.
    equal_at: Option<(String, &'static str, f64)>,
    /// Only rosters with an objective below this are wanted.
    cutoff: Option<f64>,
}

/// One solve of the month with `fixes`; `None` when no roster satisfies the rules and fixes.
fn solve_once(
    sc: &Scenario,
    opts: &SolveOptions,
    fixes: &Fixes,
    started: Instant,
) -> Result<Option<Solved>, SolveError> {
    let model = MonthModel::build(sc, false);
    let size = model.size();
    let MonthModel {
        vars,
        x,
        mut rows,
        objective,
        ..
    } = model;
    for sp in &objective.spreads {
        let key = (sp.facts.job.clone(), sp.facts.measure);
        if fixes.no_equal.contains(&key) {
            rows.push(constraint!(sp.equal <= 0));
        }
        if let Some((job, measure, c)) = &fixes.equal_at {
            if *job == sp.facts.job && *measure == sp.facts.measure {
                rows.push(constraint!(sp.equal >= 1));
                rows.push(constraint!(sp.common == *c));
            }
        }
    }
    let total = objective.total();
    let Some(result) = run_backend(vars, total.clone(), rows, opts, fixes.cutoff)? else {
        return Ok(None);
    };
    let sol = &result.solution;
    let value = |e: &Expression| e.eval_with(sol);
    let obj = value(&total);
    // Objective terms are integer multiples of the weights; snap float noise.
    let objective_value = (obj * 1e6).round() / 1e6;
    // A backend that reports no bound proves nothing beyond its own status.
    let reported = match (result.bound, result.status) {
        (Some((b, own)), _) => b + (obj - own),
        (None, Status::Optimal) => obj,
        (None, _) => f64::NAN,
    };
    // f64::min and max would quietly replace an unknown (NaN) bound by the other side.
    let mut bound = if reported.is_nan() {
        reported
    } else {
        reported.min(obj)
    };
    // With integral weights every roster's objective is an integer, so the bound rounds up.
    if integral_weights(sc) {
        bound = (bound - 1e-6).ceil();
    }
    let status = if bound >= objective_value - 1e-6 {
        Status::Optimal
    } else {
        result.status
    };
    let bound = if status == Status::Optimal {
        objective_value
    } else {
        (bound * 1e6).round() / 1e6
    };
    let gap = if bound.is_nan() {
        f64::NAN
    } else if objective_value.abs() < 1e-9 {
        0.0
    } else {
        ((objective_value - bound) / objective_value.abs()).max(0.0)
    };
    let breakdown = objective.breakdown(|e| (value(e) * 1e6).round() / 1e6);
    let seconds = started.elapsed().as_secs_f64();

    let roster = build_roster(
        sc,
        &x,
        sol,
        Some(SolverInfo {
            status: status.name().to_string(),
            objective: objective_value,
            bound,
            seconds: (seconds * 100.0).round() / 100.0,
            gap: Some(gap),
            backend: Some(opts.backend.name().to_string()),
        }),
    );
    Ok(Some(Solved {
        status,
        objective: objective_value,
        bound,
        gap,
        seconds,
        breakdown,
        size,
        roster,
    }))
}

fn integral_weights(sc: &Scenario) -> bool {
    let w = &sc.weights;
    let integral = |v: f64| (v - v.round()).abs() < 1e-9;
    [w.request, w.fair_nights, w.fair_weekends, w.over_cover]
        .into_iter()
        .all(integral)
        && sc.requests.iter().all(|r| integral(r.weight * w.request))
}

fn build_roster(
    sc: &Scenario,
    x: &ShiftVars,
    sol: &impl Solution,
    info: Option<SolverInfo>,
) -> Roster {
    let (n, days, shifts) = x.dims();
    let mut assignments = Vec::new();
    for d in 0..days {
        for k in 0..shifts {
            let on: Vec<usize> = (0..n)
                .filter(|&i| x.get(i, d, k).is_some_and(|v| sol.value(v) > 0.5))
                .collect();
            assignments.extend(seating::seat(sc, d, k, &on));
        }
    }
    let mut roster = Roster {
        month: sc.month.to_string(),
        assignments,
        swaps: Vec::new(),
        solver: info,
    };
    roster.sort(sc);
    roster
}
