//! The solver backends good_lp drives, one section each (CBC, HiGHS): one run takes a
//! model and its hints and hands back the solver's values and what it proved. Nothing
//! outside this file talks to a backend directly.

use super::{Backend, SolveError, SolveOptions, Status};
use good_lp::{
    Constraint, Expression, ProblemVariables, Solution, SolverModel, WithInitialSolution,
};
use std::time::Instant;

/// What one run of the solver ends with.
pub(super) enum Outcome<T> {
    /// A roster (or the solver's values for one).
    Found(T),
    /// The search finished and proved that no roster exists (below the cutoff, if any).
    ProvenNone,
    /// Stopped before finding a roster or proving there is none: by the clock, or (when
    /// `clock` is false) by a node limit.
    Unfinished { clock: bool },
}

/// What a backend hands back: variable values through `good_lp::Solution`, plus the proof.
pub(crate) struct RawResult<S: Solution> {
    pub(crate) solution: S,
    pub(crate) status: Status,
    /// The solver's best bound and its own objective value for the incumbent, both
    /// without the objective's constant term (solvers drop it).
    pub(crate) bound: Option<(f64, f64)>,
    /// The time limit, not a node limit or a proof, ended the search.
    pub(crate) out_of_time: bool,
}

/// What one solve knows beyond the model: a roster to start from, an objective that only
/// better rosters may reach, and whether it is there to prove rather than to find.
#[derive(Default)]
pub(crate) struct Hints {
    /// Only rosters with an objective below this are wanted: none proves the rest.
    pub(crate) cutoff: Option<f64>,
    /// A known roster, as a value for every variable (a MIP start).
    pub(crate) start: Vec<(good_lp::Variable, f64)>,
    /// Skip the primal heuristics: a cutoff from a good roster leaves little to find.
    pub(crate) prove_only: bool,
    /// Stop after this many branch-and-bound nodes (0: the root only).
    pub(crate) node_limit: Option<u32>,
    /// No feasibility pump: on a large month each of its passes is a full LP (10-30 s at
    /// 300 staff) and it took 75 s of the root to find worse than CBC's dives.
    pub(crate) no_pump: bool,
}

/// One solve for callers that need no stage logic (diagnosis, repair): `Ok(None)` only when
/// the solver proved that no solution exists; running out of time is an error.
pub(crate) fn run_backend(
    vars: ProblemVariables,
    objective: Expression,
    rows: Vec<Constraint>,
    opts: &SolveOptions,
    hints: Hints,
) -> Result<Option<RawResult<Box<dyn SolutionValues>>>, SolveError> {
    match run_solver(vars, objective, rows, opts, hints)? {
        Outcome::Found(r) => Ok(Some(r)),
        Outcome::ProvenNone => Ok(None),
        Outcome::Unfinished { .. } => Err(SolveError::NoSolutionInTime(
            opts.time_limit,
            "the branch-and-bound search",
        )),
    }
}

/// A linear program's optimum: its value (without the objective's constant), each
/// variable's value, and the dual price of each probed row.
pub(crate) struct LpOptimum {
    pub(crate) value: f64,
    values: ColumnValues,
    /// Per probe: how much the optimum rises per unit its row's right-hand side rises.
    pub(crate) duals: Vec<f64>,
}

impl LpOptimum {
    pub(crate) fn value_of(&self, v: good_lp::Variable) -> f64 {
        self.values.value(v)
    }
}

/// Solves a linear program (every variable continuous) with CBC (Clp underneath) and hands
/// back row duals as well as its values: what a column generation's master needs. The same
/// engine as every MIP here; HiGHS is not asked.
///
/// CBC 2.10's C interface has no row prices, only reduced costs, so a row's dual is read
/// through a probe: a variable fixed at 0 (it changes nothing) with coefficient +1 in that
/// row alone and no cost, whose reduced cost 0 - dual gives the dual.
pub(crate) fn solve_lp(
    vars: ProblemVariables,
    objective: Expression,
    rows: Vec<Constraint>,
    probes: &[good_lp::Variable],
    opts: &SolveOptions,
) -> Result<LpOptimum, SolveError> {
    if opts.time_limit.is_nan() || opts.time_limit < NO_TIME {
        return Err(SolveError::NoSolutionInTime(
            opts.time_limit,
            "a linear program",
        ));
    }
    let columns: std::collections::HashMap<good_lp::Variable, usize> = vars
        .iter_variables_with_def()
        .enumerate()
        .map(|(col, (v, _))| (v, col))
        .collect();
    let mut problem = vars.minimise(objective).using(good_lp::coin_cbc);
    let log = if opts.solver_log { "1" } else { "0" };
    problem.set_parameter("log", log);
    problem.set_parameter("slogLevel", log);
    problem.set_parameter("timeMode", "elapsed");
    for r in rows {
        problem.add_constraint(r);
    }
    problem.set_parameter("sec", &format!("{:.3}", opts.time_limit));
    let sol = problem.as_inner_mut().solve();
    let raw = sol.raw();
    if !raw.is_proven_optimal() {
        return Err(if raw.is_proven_infeasible() {
            SolveError::Solver("the linear program has no solution".into())
        } else {
            SolveError::NoSolutionInTime(opts.time_limit, "a linear program")
        });
    }
    let reduced = raw.reduced_cost();
    Ok(LpOptimum {
        value: raw.obj_value(),
        duals: probes.iter().map(|p| -reduced[columns[p]]).collect(),
        values: ColumnValues {
            columns,
            values: raw.col_solution().to_vec(),
        },
    })
}

/// Below this many seconds left, no solver run starts: it could not even read the model.
const NO_TIME: f64 = 0.01;

pub(super) fn run_solver(
    vars: ProblemVariables,
    objective: Expression,
    rows: Vec<Constraint>,
    opts: &SolveOptions,
    hints: Hints,
) -> Result<Outcome<RawResult<Box<dyn SolutionValues>>>, SolveError> {
    if opts.time_limit.is_nan() || opts.time_limit < NO_TIME {
        return Ok(Outcome::Unfinished { clock: true });
    }
    match opts.backend {
        Backend::Cbc => {
            // good_lp adds one CBC column per variable, in order.
            let columns: std::collections::HashMap<good_lp::Variable, usize> = vars
                .iter_variables_with_def()
                .enumerate()
                .map(|(col, (v, _))| (v, col))
                .collect();
            let mut problem = vars.minimise(objective).using(good_lp::coin_cbc);
            cbc_parameters(&mut problem, opts, &hints);
            for r in rows {
                problem.add_constraint(r);
            }
            let mut problem = problem.with_initial_solution(hints.start);
            // In seconds with a fraction: good_lp's with_time_limit rounds up to whole
            // seconds, which lets a stage with 0.2 s left run for a full second.
            problem.set_parameter("sec", &format!("{:.3}", opts.time_limit));
            // Straight to CBC rather than through good_lp's solve(), which turns a search
            // stopped by a node limit into an error and drops the roster it found.
            let ran = Instant::now();
            let sol = problem.as_inner_mut().solve();
            // CBC passes what is left of its limit to Clp for the first LP, and an LP the
            // clock stops there comes back "infeasible". No proof can come from a run that
            // used up its time.
            let used_its_time = ran.elapsed().as_secs_f64() >= opts.time_limit;
            let raw = sol.raw();
            if raw.is_continuous_unbounded() {
                return Err(SolveError::Solver("the model is unbounded".into()));
            }
            use coin_cbc::raw::{SecondaryStatus, Status as Cbc};
            // CBC installs its own SIGINT handler while it runs and stops "on a user event"
            // when one arrives, leaving whatever it held: not a roster to trust. The CLI keeps
            // SIGINT away from it (blocked in every thread, taken by sigwait); this is the
            // guard for any other host.
            if raw.secondary_status() == SecondaryStatus::StoppedOnUserEvent {
                return Ok(Outcome::Unfinished { clock: true });
            }
            let has_solution = raw.obj_value().is_finite() && raw.obj_value() < 1e49;
            let out_of_time = raw.secondary_status() == SecondaryStatus::StoppedOnTime
                || raw.is_seconds_limit_reached()
                || used_its_time;
            let status = match (raw.status(), has_solution) {
                (Cbc::Finished | Cbc::Unlaunched, true) if !out_of_time => {
                    match raw.secondary_status() {
                        SecondaryStatus::StoppedOnGap => Status::GapLimit,
                        _ => Status::Optimal,
                    }
                }
                // Finished without a roster: none exists (below the cutoff, if any) only when
                // CBC says it proved so. A clock that stops CBC in its preprocessing or first
                // LP also "finishes" without a roster, and that proves nothing.
                (Cbc::Finished | Cbc::Unlaunched, false) => {
                    return Ok(if raw.is_proven_infeasible() && !out_of_time {
                        Outcome::ProvenNone
                    } else {
                        Outcome::Unfinished { clock: true }
                    });
                }
                // Stopped by the time or node limit.
                (Cbc::Finished | Cbc::Unlaunched | Cbc::Stopped, true) => Status::TimeLimit,
                (Cbc::Stopped, false) => {
                    return Ok(Outcome::Unfinished { clock: out_of_time });
                }
                (other, _) => return Err(SolveError::Solver(format!("CBC stopped: {other:?}"))),
            };
            let values = ColumnValues {
                columns,
                values: sol.raw().col_solution().to_vec(),
            };
            Ok(Outcome::Found(RawResult {
                status,
                bound: Some((raw.best_possible_value(), raw.obj_value())),
                solution: Box::new(values),
                out_of_time,
            }))
        }
        Backend::Highs => Ok(match highs_backend(vars, objective, rows, opts)? {
            Some(r) => Outcome::Found(r),
            None => Outcome::ProvenNone,
        }),
    }
}

/// What every CBC run is given so a time limit cannot crash it: one major pass of
/// preprocessing (format aabbcccc: aa = 01, CBC's default bits 6 kept). Cgl 0.60.9's
/// CglPreProcess::preProcessNonDefault leaves its pass loop when the time limit runs out
/// but keeps the count of passes it did not run; postProcess then walks those passes and
/// calls a method on a null model: a SIGSEGV (issue 10.8) in every run with a roster to map
/// back (our MIP starts) whose clock expires between two passes. With one pass there is
/// none to skip. Public so a test can run CBC exactly as `solve` does.
pub const CBC_CLOCK_SAFE: &[(&str, &str)] = &[("tunePreProcess", "1000006")];

/// CBC's parameters for one run: the hints, the log, the clock, preprocessing, the user's
/// own options, then the limits (the time limit itself is set last, just before the run).
fn cbc_parameters(
    problem: &mut good_lp::solvers::coin_cbc::CoinCbcProblem,
    opts: &SolveOptions,
    hints: &Hints,
) {
    if let Some(c) = hints.cutoff {
        problem.set_parameter("cutoff", &c.to_string());
    }
    if hints.prove_only {
        problem.set_parameter("heuristicsOnOff", "off");
    }
    if hints.no_pump {
        problem.set_parameter("feasibilityPump", "off");
    }
    let log = if opts.solver_log { "1" } else { "0" };
    problem.set_parameter("log", log);
    problem.set_parameter("slogLevel", log);
    // The time limit is the user's wall clock, not CPU time.
    problem.set_parameter("timeMode", "elapsed");
    // Ahead of the user's options, so an expert may still choose otherwise.
    for (k, v) in CBC_CLOCK_SAFE {
        problem.set_parameter(k, v);
    }
    for (k, v) in &opts.cbc_parameters {
        problem.set_parameter(k, v);
    }
    if opts.threads > 1 {
        problem.set_parameter("threads", &opts.threads.to_string());
    }
    if let Some(n) = hints.node_limit {
        problem.set_parameter("maxNodes", &n.to_string());
    }
    // good_lp's own solve() would pass the gap; run_solver calls CBC directly.
    problem.set_parameter("ratioGap", &opts.gap.to_string());
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
    use good_lp::{WithMipGap, WithTimeLimit};
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
        out_of_time: status == Status::TimeLimit,
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

/// CBC's column values, by good_lp variable.
struct ColumnValues {
    columns: std::collections::HashMap<good_lp::Variable, usize>,
    values: Vec<f64>,
}

impl Solution for ColumnValues {
    fn status(&self) -> good_lp::solvers::SolutionStatus {
        good_lp::solvers::SolutionStatus::Optimal
    }
    fn value(&self, v: good_lp::Variable) -> f64 {
        self.columns.get(&v).map_or(0.0, |&c| self.values[c])
    }
}

/// Object-safe view of a solution: the value of one variable.
pub(crate) trait SolutionValues {
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
#[cfg(feature = "highs")]
fn map_resolution_error<T>(e: good_lp::ResolutionError) -> Result<Option<T>, SolveError> {
    match e {
        good_lp::ResolutionError::Infeasible => Ok(None),
        other => Err(SolveError::Solver(other.to_string())),
    }
}
