//! The month as a mixed-integer programme (good_lp), solved to proven optimality where time
//! allows. Rules are hard constraints (one function per rule family in `constraints`), the
//! CONTRACT objective is minimised (`objective`), and seats are assigned after (`seating`).
//! When no roster exists, `diagnose` re-solves with the demand-side rules made elastic and
//! names the smallest set of shortfalls.

mod constraints;
mod diagnose;
mod fairness;
mod neighbourhood;
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
    Constraint, Expression, ProblemVariables, Solution, SolverModel, WithInitialSolution,
    constraint,
};
use neighbourhood::Neighbourhood;
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
    /// Told where a long solve is: each stage, and each better roster.
    pub progress: OnProgress,
}

/// Where a solve is, for a progress display.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// What the solver is doing now, in a user's words.
    pub stage: String,
    /// The best roster's objective so far.
    pub best: Option<f64>,
    /// The best bound proven for the whole month so far.
    pub bound: Option<f64>,
    /// The best roster so far (it satisfies every rule), for a caller that must stop early
    /// and keep it: Ctrl-C, or a time limit the solver itself overran.
    pub roster: Option<std::sync::Arc<Roster>>,
}

/// A callback for `Progress`; by default nobody listens.
#[derive(Clone, Default)]
pub struct OnProgress(Option<std::sync::Arc<ProgressFn>>);

type ProgressFn = dyn Fn(&Progress) + Send + Sync;

impl OnProgress {
    pub fn new(f: impl Fn(&Progress) + Send + Sync + 'static) -> Self {
        OnProgress(Some(std::sync::Arc::new(f)))
    }

    pub(crate) fn report(&self, stage: impl Into<String>, best: Option<&Solved>) {
        if let Some(f) = &self.0 {
            f(&Progress {
                stage: stage.into(),
                best: best.map(|s| s.objective),
                bound: best.map(|s| s.bound).filter(|b| !b.is_nan()),
                roster: best.map(|s| std::sync::Arc::new(s.roster.clone())),
            });
        }
    }
}

impl std::fmt::Debug for OnProgress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "OnProgress(..)"
        } else {
            "OnProgress(none)"
        })
    }
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            backend: Backend::Cbc,
            time_limit: 300.0,
            gap: 0.0,
            threads: 1,
            solver_log: false,
            progress: OnProgress::default(),
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
    /// The clock (the time limit) stopped the search that gave this roster, so no later
    /// stage may run: every stage boundary is otherwise a count of work, never a time.
    #[serde(skip)]
    pub out_of_time: bool,
}

/// What one run of the solver ends with.
enum Outcome<T> {
    /// A roster (or the solver's values for one).
    Found(T),
    /// The search finished and proved that no roster exists (below the cutoff, if any).
    ProvenNone,
    /// Stopped before finding a roster or proving there is none: by the clock, or (when
    /// `clock` is false) by a node limit.
    Unfinished { clock: bool },
}

#[derive(Debug, thiserror::Error)]
pub enum SolveError {
    #[error("no roster satisfies the rules")]
    Infeasible(Diagnosis),
    /// The time limit ran out before any roster was found; the second field says how far
    /// the search got. Not a proof that none exists.
    #[error("no roster found within {0} s (stopped during {1}); allow more time with --time-limit")]
    NoSolutionInTime(f64, &'static str),
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
    /// `around`: only the neighbourhood's free people choose; the rest keep the incumbent.
    fn build(sc: &Scenario, elastic: bool, around: Option<&Neighbourhood>) -> MonthModel {
        let mut vars = ProblemVariables::new();
        let x = ShiftVars::new(sc, &mut vars, around);
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
    cutoff: Option<f64>,
    /// A known roster, as a value for every variable (a MIP start).
    start: Vec<(good_lp::Variable, f64)>,
    /// Skip the primal heuristics: a cutoff from a good roster leaves little to find.
    prove_only: bool,
    /// Stop after this many branch-and-bound nodes (0: the root only).
    node_limit: Option<u32>,
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

/// Below this many seconds left, no solver run starts: it could not even read the model.
const NO_TIME: f64 = 0.01;

fn run_solver(
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
            if let Some(c) = hints.cutoff {
                problem.set_parameter("cutoff", &c.to_string());
            }
            if hints.prove_only {
                problem.set_parameter("heuristicsOnOff", "off");
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
            if let Some(n) = hints.node_limit {
                problem.set_parameter("maxNodes", &n.to_string());
            }
            // good_lp's own solve() would pass the gap; we call CBC directly (below).
            problem.set_parameter("ratioGap", &opts.gap.to_string());
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

/// Solves the month. Every roster returned satisfies every roster rule; the caller can
/// confirm with `rules::check_roster`.
///
/// With CBC and an integral objective the search is staged, because large centres defeat
/// a single branch-and-bound: the root node gives a first roster and a bound (and on small
/// months the proof); fix-and-optimise (`neighbourhood`) improves the roster; then the
/// fairness spreads are proven case by case and the rest of the month searched with the
/// best roster as its start (`fairness`). Each stage ends on work done (the root node, node
/// limits, rounds of neighbourhoods), never on a share of the clock, so the same scenario
/// gives the same roster and the same proof on a busy machine as on an idle one. Only the
/// time limit itself may cut the search short; the result then says `time_limit`.
pub fn solve(sc: &Scenario, opts: &SolveOptions) -> Result<Solved, SolveError> {
    let started = Instant::now();
    let cut_short = |stage| SolveError::NoSolutionInTime(opts.time_limit, stage);
    // Plain branch-and-bound over the whole month, for what is left of the time.
    let plain_search = |stage: &'static str| -> Result<Solved, SolveError> {
        match solve_once(sc, &left(opts, started), &Fixes::default(), started)? {
            Outcome::Found(solved) => Ok(solved),
            Outcome::ProvenNone => Err(infeasible(sc, opts, started, stage)?),
            Outcome::Unfinished { .. } => Err(cut_short(stage)),
        }
    };
    if !fairness::can_probe(sc, opts) {
        return plain_search("the branch-and-bound search");
    }
    let root_only = Fixes {
        node_limit: Some(0),
        ..Fixes::default()
    };
    opts.progress
        .report("first roster and bound (root node)", None);
    let solved = match solve_once(sc, &left(opts, started), &root_only, started)? {
        Outcome::Found(solved) => solved,
        Outcome::ProvenNone => return Err(infeasible(sc, opts, started, "the root node")?),
        Outcome::Unfinished { clock: true } => return Err(cut_short("the root node")),
        // No roster at the root: the plain search gets the rest of the time.
        Outcome::Unfinished { clock: false } => {
            opts.progress
                .report("searching for a first roster (branch and bound)", None);
            return plain_search("the branch-and-bound search after the root node");
        }
    };
    if solved.status != Status::TimeLimit || solved.out_of_time {
        return Ok(solved);
    }
    opts.progress
        .report("improving the roster (fix-and-optimise)", Some(&solved));
    let improved = neighbourhood::improve(sc, opts, solved, started)?;
    if improved.status != Status::TimeLimit || improved.out_of_time {
        return Ok(improved);
    }
    let proven = fairness::prove_spreads(sc, opts, improved, started)?;
    // The time taken is the whole solve's, whichever stage found the roster.
    let bound = proven.bound;
    Ok(proven.with_bound(bound, opts, started))
}

/// `opts` with what is left of its time limit, for the next solver run.
fn left(opts: &SolveOptions, started: Instant) -> SolveOptions {
    SolveOptions {
        time_limit: (opts.time_limit - started.elapsed().as_secs_f64()).max(0.0),
        ..opts.clone()
    }
}

/// The solver proved the month has no roster: explain it with the time that is left. The
/// explanation is the proof the user sees, so an unfinished one is reported as running out
/// of time, never as "no roster exists" with nothing to show for it.
fn infeasible(
    sc: &Scenario,
    opts: &SolveOptions,
    started: Instant,
    stage: &'static str,
) -> Result<SolveError, SolveError> {
    let why = diagnose::diagnose(sc, &left(opts, started)).map_err(|e| match e {
        SolveError::NoSolutionInTime(..) => SolveError::NoSolutionInTime(opts.time_limit, stage),
        other => other,
    })?;
    // CBC stopped inside its first LP by the clock reports that LP, and so the month, as
    // infeasible. The elastic model tells a real conflict (a shortfall) from that.
    if why.total_short == 0 {
        return Err(SolveError::NoSolutionInTime(opts.time_limit, stage));
    }
    Ok(SolveError::Infeasible(why))
}

/// Extra rows for one solve: fairness cases already settled, or the one being probed.
#[derive(Debug, Clone, Default)]
struct Fixes {
    /// (job, measure) spreads known to be at least 1 in any roster better than the best.
    no_equal: Vec<(String, &'static str)>,
    /// Probe: this spread is 0 with this common count.
    equal_at: Option<(String, &'static str, f64)>,
    /// Only rosters with an objective below this are wanted.
    cutoff: Option<f64>,
    /// Fix-and-optimise: only these people change.
    around: Option<Neighbourhood>,
    /// A roster to start the search from.
    start: Option<Roster>,
    /// Search for a proof, not for rosters (see `Hints::prove_only`).
    prove_only: bool,
    /// See `Hints::node_limit`.
    node_limit: Option<u32>,
}

/// The cutoff that admits only rosters better than `objective`. With integral weights every
/// roster's objective is an integer, so a better one is at most `objective - 1`: the cutoff
/// sits just above that, and CBC prunes every node whose LP bound is above it (a bound of
/// 40.2 under a best of 41 already proves the node holds nothing better).
fn just_below(sc: &Scenario, objective: f64) -> f64 {
    if integral_weights(sc) {
        objective - 1.0 + 1e-4
    } else {
        objective - 1e-6 * objective.abs().max(1.0)
    }
}

impl Solved {
    /// This roster with a bound proven elsewhere (never above its own objective), and the
    /// status, gap and time that follow.
    fn with_bound(mut self, bound: f64, opts: &SolveOptions, started: Instant) -> Solved {
        self.bound = if bound.is_nan() {
            bound
        } else {
            bound.min(self.objective)
        };
        self.gap = relative_gap(self.objective, self.bound);
        self.status = if self.bound >= self.objective - 1e-6 {
            Status::Optimal
        } else if self.gap <= opts.gap {
            Status::GapLimit
        } else {
            Status::TimeLimit
        };
        self.seconds = started.elapsed().as_secs_f64();
        if let Some(info) = self.roster.solver.as_mut() {
            info.status = self.status.name().to_string();
            info.bound = self.bound;
            info.gap = Some(self.gap);
            info.seconds = (self.seconds * 100.0).round() / 100.0;
        }
        self
    }

    /// A roster from a sub-model or one case of the month, in place of `earlier`: the
    /// model size reported stays that of the whole month.
    fn instead_of(mut self, earlier: &Solved) -> Solved {
        self.size = earlier.size.clone();
        self.out_of_time |= earlier.out_of_time;
        self
    }
}

/// One solve of the month with `fixes`, within `opts.time_limit`.
fn solve_once(
    sc: &Scenario,
    opts: &SolveOptions,
    fixes: &Fixes,
    started: Instant,
) -> Result<Outcome<Solved>, SolveError> {
    let model = MonthModel::build(sc, false, fixes.around.as_ref());
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
        if let Some((job, measure, c)) = &fixes.equal_at
            && *job == sp.facts.job
            && *measure == sp.facts.measure
        {
            rows.push(constraint!(sp.equal >= 1));
            rows.push(constraint!(sp.common == *c));
        }
    }
    let cutoff = fixes.cutoff;
    let mut start = Vec::new();
    if let Some(r) = &fixes.start {
        start.extend(x.values_for(sc, r));
        start.extend(objective.values_for(sc, r));
    }
    let hints = Hints {
        cutoff,
        start,
        prove_only: fixes.prove_only,
        node_limit: fixes.node_limit,
    };
    let total = objective.total();
    let result = match run_solver(vars, total.clone(), rows, opts, hints)? {
        Outcome::Found(result) => result,
        Outcome::ProvenNone => return Ok(Outcome::ProvenNone),
        Outcome::Unfinished { clock } => return Ok(Outcome::Unfinished { clock }),
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
    let gap = relative_gap(objective_value, bound);
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
    let breakdown = objective
        .breakdown(|e| (value(e) * 1e6).round() / 1e6)
        .with_spreads_of(sc, &roster);
    Ok(Outcome::Found(Solved {
        status,
        objective: objective_value,
        bound,
        gap,
        seconds,
        breakdown,
        size,
        roster,
        out_of_time: result.out_of_time && status != Status::Optimal,
    }))
}

/// (objective − bound) / |objective|: unknown (NaN) with an unknown bound, 0 at objective 0.
pub(crate) fn relative_gap(objective: f64, bound: f64) -> f64 {
    if bound.is_nan() {
        f64::NAN
    } else if objective.abs() < 1e-9 {
        0.0
    } else {
        ((objective - bound) / objective.abs()).max(0.0)
    }
}

/// The rules fixture (tests/data/mutation.toml) that the solver's unit tests share.
#[cfg(test)]
fn test_fixture() -> Scenario {
    Scenario::from_toml(
        include_str!("../../tests/data/mutation.toml"),
        std::path::Path::new("mutation.toml"),
    )
    .expect("the fixture loads")
}

fn integral_weights(sc: &Scenario) -> bool {
    let w = &sc.weights;
    let integral = |v: f64| (v - v.round()).abs() < 1e-9;
    [w.request, w.fair_nights, w.fair_weekends, w.over_cover]
        .into_iter()
        .all(integral)
        && (0..sc.days())
            .all(|d| (0..sc.shifts.len()).all(|k| integral(objective::over_cover_cost(sc, d, k))))
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
        leave: Vec::new(),
        solver: info,
    };
    roster.sort(sc);
    roster
}
