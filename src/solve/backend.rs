//! The solver backends good_lp drives, one section each (CBC, HiGHS): one run takes a
//! model and its hints and hands back the solver's values and what it proved. Nothing
//! outside this file talks to a backend directly.

use super::cbc_process::{self, CbcEnd, CbcJob, ChildRun, RunStatus, StoppedOn};
use super::{Backend, SolveError, SolveOptions, Status};
use good_lp::{
    Constraint, Expression, ProblemVariables, Solution, SolverModel, WithInitialSolution,
};
use std::time::{Duration, Instant};

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
    /// The root node of a large month, run for its bound alone: no primal heuristics and
    /// two rounds of cuts (see `LIGHT_ROOT`).
    pub(crate) light_root: bool,
    /// Run CBC in a child process of this executable (`roster`, see `cbc_process`), so
    /// that this process's CBC stays free for another stage on the other core.
    pub(crate) child: Option<ChildRun>,
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
    let columns = cbc_columns(&vars);
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

/// Each variable's CBC column: good_lp adds one column per variable, in order.
fn cbc_columns(vars: &ProblemVariables) -> std::collections::HashMap<good_lp::Variable, usize> {
    vars.iter_variables_with_def()
        .enumerate()
        .map(|(col, (v, _))| (v, col))
        .collect()
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
        Backend::Cbc => run_cbc(vars, objective, rows, opts, hints),
        Backend::Highs => Ok(match highs_backend(vars, objective, rows, opts)? {
            Some(r) => Outcome::Found(r),
            None => Outcome::ProvenNone,
        }),
    }
}

fn run_cbc(
    vars: ProblemVariables,
    objective: Expression,
    rows: Vec<Constraint>,
    opts: &SolveOptions,
    hints: Hints,
) -> Result<Outcome<RawResult<Box<dyn SolutionValues>>>, SolveError> {
    let columns = cbc_columns(&vars);
    let mut problem = vars.minimise(objective).using(good_lp::coin_cbc);
    let mut parameters = cbc_parameters(opts, &hints);
    // In seconds with a fraction: good_lp's with_time_limit rounds up to whole seconds,
    // which lets a stage with 0.2 s left run for a full second.
    parameters.push(("sec".into(), format!("{:.3}", opts.time_limit)));
    for (k, v) in &parameters {
        problem.set_parameter(k, v);
    }
    for r in rows {
        problem.add_constraint(r);
    }
    let mut problem = problem.with_initial_solution(hints.start);
    // Straight to CBC rather than through good_lp's solve(), which turns a search stopped
    // by a node limit into an error and drops the roster it found.
    let ran = Instant::now();
    let end = match &hints.child {
        Some(child) => {
            let job = CbcJob::new(problem.as_inner(), parameters);
            drop(problem);
            // The job is built: this process's CBC lock is free for the other stage.
            let _ = child.job_built.send(());
            let deadline = Duration::try_from_secs_f64(opts.time_limit)
                .ok()
                .filter(|_| child.hard_stop)
                .and_then(|limit| ran.checked_add(limit + cbc_process::OVERRUN));
            let stop = child.stop.as_deref();
            match cbc_process::run_in_child(&child.exe, &job, opts.solver_log, deadline, stop)? {
                Some(end) => end,
                None => return Ok(Outcome::Unfinished { clock: true }),
            }
        }
        None => CbcEnd::of(problem.as_inner_mut().solve().raw()),
    };
    // CBC passes what is left of its limit to Clp for the first LP, and an LP the clock
    // stops there comes back "infeasible". No proof can come from a run that used up its
    // time.
    let used_its_time = ran.elapsed().as_secs_f64() >= opts.time_limit;
    cbc_outcome(end, used_its_time, columns)
}

/// What the search makes of how CBC ended.
fn cbc_outcome(
    end: CbcEnd,
    used_its_time: bool,
    columns: std::collections::HashMap<good_lp::Variable, usize>,
) -> Result<Outcome<RawResult<Box<dyn SolutionValues>>>, SolveError> {
    if end.unbounded {
        return Err(SolveError::Solver("the model is unbounded".into()));
    }
    // CBC installs its own SIGINT handler while it runs and stops "on a user event" when
    // one arrives, leaving whatever it held: not a roster to trust. The CLI keeps SIGINT
    // away from it (blocked in every thread, taken by sigwait); this is the guard for any
    // other host.
    if end.stopped_on == StoppedOn::UserEvent {
        return Ok(Outcome::Unfinished { clock: true });
    }
    let has_solution = end.objective.is_finite() && end.objective < 1e49;
    let out_of_time =
        end.stopped_on == StoppedOn::Time || end.seconds_limit_reached || used_its_time;
    let status = match (&end.status, has_solution) {
        (RunStatus::Finished, true) if !out_of_time => match end.stopped_on {
            StoppedOn::Gap => Status::GapLimit,
            _ => Status::Optimal,
        },
        // Finished without a roster: none exists (below the cutoff, if any) only when CBC
        // says it proved so. A clock that stops CBC in its preprocessing or first LP also
        // "finishes" without a roster, and that proves nothing.
        (RunStatus::Finished, false) => {
            return Ok(if end.proven_infeasible && !out_of_time {
                Outcome::ProvenNone
            } else {
                Outcome::Unfinished { clock: true }
            });
        }
        // Stopped by the time or node limit.
        (RunStatus::Finished | RunStatus::Stopped, true) => Status::TimeLimit,
        (RunStatus::Stopped, false) => return Ok(Outcome::Unfinished { clock: out_of_time }),
        (RunStatus::Failed(why), _) => {
            return Err(SolveError::Solver(format!("CBC stopped: {why}")));
        }
    };
    Ok(Outcome::Found(RawResult {
        status,
        bound: Some((end.best_possible, end.objective)),
        solution: Box::new(ColumnValues {
            columns,
            values: end.values,
        }),
        out_of_time,
    }))
}

/// What every CBC run is given so a time limit cannot crash it: one major pass of
/// preprocessing (format aabbcccc: aa = 01, CBC's default bits 6 kept). Cgl 0.60.9's
/// CglPreProcess::preProcessNonDefault leaves its pass loop when the time limit runs out
/// but keeps the count of passes it did not run; postProcess then walks those passes and
/// calls a method on a null model: a SIGSEGV (issue 10.8) in every run with a roster to map
/// back (our MIP starts) whose clock expires between two passes. With one pass there is
/// none to skip. Public so a test can run CBC exactly as `solve` does.
pub const CBC_CLOCK_SAFE: &[(&str, &str)] = &[("tunePreProcess", "1000006")];

/// The root node of a large month (300 staff: 46,000 rows, 27,500 columns after
/// preprocessing), asked for its bound only. Each primal heuristic there is a full LP or
/// more: the feasibility pump took 75 s to find 487, the dives 14-18 s before the cuts and
/// about 20 s after them, while fix-and-optimise from the greedy roster finds better
/// rosters in sub-models of seconds. The cuts move the bound at their second pass and never
/// after (479.52 to 481 on a 300-staff month, the same 481 after ten passes), so two passes
/// suffice. No strong branching: the root's node is never branched on (node limit 0).
/// Root node of 300/1 on the same machine: 70 s with CBC's defaults, 37 s with these,
/// the same bound.
const LIGHT_ROOT: &[(&str, &str)] = &[
    ("heuristicsOnOff", "off"),
    ("feasibilityPump", "off"),
    ("passCuts", "2"),
    ("strongBranching", "0"),
];

/// CBC's parameters for one run, in the order set (the last of a name wins): the hints,
/// the log, the clock, preprocessing, the user's own options, then the limits (the time
/// limit itself is added last, just before the run).
fn cbc_parameters(opts: &SolveOptions, hints: &Hints) -> Vec<(String, String)> {
    let mut p: Vec<(String, String)> = Vec::new();
    let mut set = |k: &str, v: &str| p.push((k.to_string(), v.to_string()));
    if let Some(c) = hints.cutoff {
        set("cutoff", &c.to_string());
    }
    if hints.prove_only {
        set("heuristicsOnOff", "off");
    }
    if hints.light_root {
        for (k, v) in LIGHT_ROOT {
            set(k, v);
        }
    }
    let log = if opts.solver_log { "1" } else { "0" };
    set("log", log);
    set("slogLevel", log);
    // The time limit is the user's wall clock, not CPU time.
    set("timeMode", "elapsed");
    // Ahead of the user's options, so an expert may still choose otherwise.
    for (k, v) in CBC_CLOCK_SAFE {
        set(k, v);
    }
    for (k, v) in &opts.cbc_parameters {
        set(k, v);
    }
    if opts.threads > 1 {
        set("threads", &opts.threads.to_string());
    }
    if let Some(n) = hints.node_limit {
        set("maxNodes", &n.to_string());
    }
    // good_lp's own solve() would pass the gap; run_solver calls CBC directly.
    set("ratioGap", &opts.gap.to_string());
    p
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
