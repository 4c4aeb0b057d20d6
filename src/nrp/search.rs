//! The staged search for a benchmark instance: a greedy first roster (person by person,
//! each the best schedule given the others), the column generation's bound (each person's
//! convex hull) and price-and-branch over its schedules, CBC's root node on the compact
//! model from the best roster, fix-and-optimise by days and by staff (each neighbourhood a
//! small MIP warm-started from the best roster), RINS (the cells where the roster and the
//! master LP agree fixed), then branch and bound over the whole compact model for the time
//! that is left. Each stage ends on work done (node limits, round caps, rounds without
//! improvement), never on a share of the clock, so the same instance gives the same roster
//! on a busy machine as on an idle one unless the time limit itself cuts the search short.

use super::columns::{self, Pool};
use super::dive;
use super::evaluate::{self, Breakdown};
use super::greedy;
use super::instance::{Assignment, Instance};
use super::model::NrpModel;
use super::neighbourhood::neighbourhoods;
use crate::solve::{
    Backend, ChildRun, Hints, ModelSize, SolveError, SolveOptions, Status, relative_gap,
    run_backend,
};
use good_lp::Solution;
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
    /// When the roster returned was found, seconds from the start.
    pub seconds_to_best: f64,
    /// Which stage found the roster returned.
    pub found_by: Stage,
    /// Where the bound comes from.
    pub bound_by: BoundSource,
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

/// Branch-and-bound nodes a neighbourhood may use: enough to finish the small ones, few
/// enough that one hard neighbourhood does not eat the time of the rest.
const NEIGHBOURHOOD_NODES: u32 = 200;
/// Rows above which the whole compact model (root node, final branch and bound) is not
/// run: CBC's first LP of instance 13 (226,184 rows) ran past a 600 s limit (CBC does not
/// watch the clock inside it). Instance 19 (38,097 rows) keeps its root (bound 3143).
const WHOLE_MODEL_ROWS: usize = 100_000;
/// Nodes for the price-and-branch MIP over the pooled schedules.
const PRICE_AND_BRANCH_NODES: u32 = 500;

/// The stage of the search that found a roster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Person by person, each the best schedule given the others (`greedy`).
    Greedy,
    /// The column generation's last master LP, each person's heaviest schedule, then
    /// re-planned person by person.
    LpRounding,
    /// The column generation's dive: people fixed to their heaviest schedules step by step.
    Dive,
    /// The master MIP over the column generation's schedules.
    PriceAndBranch,
    /// The compact model with the cells where the master LP and the roster agree fixed.
    Rins,
    /// CBC's root node on the compact model.
    RootNode,
    FixAndOptimise,
    BranchAndBound,
}

/// Where the proven bound comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BoundSource {
    /// No bound was proven.
    None,
    /// The Lagrangian bound of the column generation (each person's convex hull).
    ColumnGeneration,
    /// CBC's bound on the compact model (root node or branch and bound).
    CompactModel,
}

/// The best roster so far and what is proven.
struct Best {
    roster: Assignment,
    objective: u64,
    /// The best lower bound on the whole instance (NaN: none yet).
    bound: f64,
    status: Status,
    found_at: f64,
    found_by: Stage,
    bound_by: BoundSource,
    /// The clock stopped a run: no later stage may start.
    out_of_time: bool,
}

impl Best {
    fn raise_bound(&mut self, bound: f64, source: BoundSource) {
        // Every weight is non-negative, so no objective is below 0; a Lagrangian bound
        // from a generation cut short can be (instance 14 at 120 s: -7521).
        let bound = if bound.is_nan() {
            bound
        } else {
            bound.max(0.0)
        };
        if bound > self.bound || (self.bound.is_nan() && !bound.is_nan()) {
            self.bound = bound;
            self.bound_by = source;
        }
    }

    fn proven(&self) -> bool {
        self.objective as f64 <= self.bound
    }
}

/// What one run of the solver on a (possibly restricted) model gave.
pub(super) struct Run {
    /// The roster and its objective; `None` when the run kept its MIP start.
    found: Option<(Assignment, u64)>,
    /// The run's bound with the objective's constant, rounded up; NaN when unknown.
    pub(super) bound: f64,
    status: Status,
    out_of_time: bool,
}

/// Solves an instance. The roster returned has passed the evaluator, and its objective is
/// the evaluator's.
pub fn solve(inst: &Instance, opts: &SolveOptions) -> Result<NrpSolved, NrpSolveError> {
    let started = Instant::now();
    if opts.backend == Backend::Highs && !Backend::available().contains(&Backend::Highs) {
        return Err(NrpSolveError::BackendMissing("highs"));
    }
    let size = NrpModel::build(inst, |_, _| None).size();
    opts.progress
        .report_figures("first roster (greedy, person by person)", None, None);
    // Out of time here is out of the user's whole limit, which the error names.
    let roster = greedy::greedy_roster(inst, opts, started).map_err(|e| match e {
        NrpSolveError::NoSolutionInTime(_) => NrpSolveError::NoSolutionInTime(opts.time_limit),
        e => e,
    })?;
    let mut best = Best {
        objective: evaluate::objective(inst, &roster).total(),
        roster,
        bound: f64::NAN,
        status: Status::TimeLimit,
        found_at: started.elapsed().as_secs_f64(),
        found_by: Stage::Greedy,
        bound_by: BoundSource::None,
        out_of_time: false,
    };
    // RINS waits for fix-and-optimise: straight after the generation the roster and the LP
    // differ on so many cells that its sub-MIP is the whole problem (9 and 12 at 120 s).
    let (converged, cells) = by_columns(inst, opts, started, &mut best)?;
    // The root's cuts rarely beat a converged column generation's bound, and on the large
    // instances its LP and heuristics take minutes (instance 11: over 70 s, no roster).
    let whole = size.constraints <= WHOLE_MODEL_ROWS;
    if whole && !best.proven() && !converged {
        root_node(inst, opts, started, &mut best)?;
    }
    let finished = |b: &Best| b.status != Status::TimeLimit || b.out_of_time || b.proven();
    if !finished(&best) {
        improve(inst, opts, started, &mut best)?;
    }
    if let Some(cells) = cells.as_ref().filter(|_| !finished(&best)) {
        rins(inst, opts, started, &mut best, cells)?;
    }
    if whole && !finished(&best) {
        prove(inst, opts, started, &mut best)?;
    }
    Ok(solved(inst, best, size, started))
}

/// The column generation's bound, then the rounded master LP and price-and-branch over
/// its schedules. Says whether the generation converged, and hands back the last master
/// LP's cell weights.
fn by_columns(
    inst: &Instance,
    opts: &SolveOptions,
    started: Instant,
    best: &mut Best,
) -> Result<(bool, Option<Cells>), NrpSolveError> {
    let mut pool = Pool::new(inst, &best.roster);
    let incumbent = best.objective as f64;
    let report = |round: usize, master: f64, bound: f64| {
        opts.progress.report_figures(
            format!("bound (column generation: round {round}, master LP {master:.1})"),
            Some(incumbent),
            Some(bound),
        );
    };
    let generation = columns::generate(inst, &mut pool, opts, started, &report)?;
    if generation.bound.is_finite() {
        best.raise_bound(
            (generation.bound - 1e-6).ceil(),
            BoundSource::ColumnGeneration,
        );
    }
    if best.proven() || left(opts, started).time_limit <= 0.0 {
        return Ok((generation.converged, generation.cells));
    }
    if let Some(rounded) = generation.rounded.clone() {
        opts.progress.report_figures(
            "improving the roster (the master LP rounded, then re-planned person by person)",
            Some(best.objective as f64),
            Some(best.bound),
        );
        let roster = greedy::replan(inst, rounded, opts, started)?;
        pool.add_roster(inst, &roster);
        let value = evaluate::objective(inst, &roster).total();
        take_if_better(best, Some((roster, value)), Stage::LpRounding, started);
    }
    if best.proven() || left(opts, started).time_limit <= 0.0 {
        return Ok((generation.converged, generation.cells));
    }
    if generation.settled {
        let found = dive::dive_stage(inst, &mut pool, (best.objective, best.bound), opts, started)?;
        take_if_better(best, found, Stage::Dive, started);
    }
    let incumbent = best.objective as f64;
    opts.progress.report_figures(
        format!(
            "improving the roster (price-and-branch over {} schedules)",
            pool.len()
        ),
        Some(incumbent),
        Some(best.bound),
    );
    let found = columns::price_and_branch(
        inst,
        &pool,
        &best.roster,
        PRICE_AND_BRANCH_NODES,
        &left(opts, started),
    )?;
    take_if_better(best, found, Stage::PriceAndBranch, started);
    Ok((generation.converged, generation.cells))
}

/// Per person, day and type: the master LP's weight on the cell.
type Cells = Vec<Vec<Vec<f64>>>;

/// Nodes for the RINS neighbourhood.
const RINS_NODES: u32 = 1000;

/// RINS (relaxation induced neighbourhood search): the compact model with every cell fixed
/// where the best roster and the master LP agree (the LP integral there), the rest free,
/// from the best roster.
fn rins(
    inst: &Instance,
    opts: &SolveOptions,
    started: Instant,
    best: &mut Best,
    cells: &Cells,
) -> Result<(), NrpSolveError> {
    if best.proven() || best.out_of_time {
        return Ok(());
    }
    let agree = |e: usize, d: usize| match best.roster[e][d] {
        Some(t) => cells[e][d][t] > 1.0 - 1e-6,
        None => cells[e][d].iter().sum::<f64>() < 1e-6,
    };
    let free = (0..inst.staff.len())
        .flat_map(|e| (0..inst.horizon).map(move |d| (e, d)))
        .filter(|&(e, d)| !agree(e, d))
        .count();
    opts.progress.report_figures(
        format!("improving the roster (RINS: {free} cells where the master LP differs)"),
        Some(best.objective as f64),
        Some(best.bound),
    );
    let model = NrpModel::build(inst, |e, d| agree(e, d).then(|| best.roster[e][d]));
    let hints = Hints {
        start: model.values_of(inst, &best.roster),
        node_limit: Some(RINS_NODES),
        ..Hints::default()
    };
    match run(inst, model, &left(opts, started), hints) {
        Ok(Some(run)) => {
            best.out_of_time = run.out_of_time;
            take_if_better(best, run.found, Stage::Rins, started);
            Ok(())
        }
        Ok(None) | Err(NrpSolveError::NoSolutionInTime(_)) => {
            best.out_of_time = left(opts, started).time_limit <= 0.0;
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// CBC's root node on the compact model from the best roster: its cuts' bound, and its
/// heuristics' roster (for small instances, the proof).
fn root_node(
    inst: &Instance,
    opts: &SolveOptions,
    started: Instant,
    best: &mut Best,
) -> Result<(), NrpSolveError> {
    let label = "bound (compact model, root node)";
    whole_model(inst, opts, started, best, (label, Some(0), Stage::RootNode))
}

/// Branch and bound over the whole compact model from the best roster, for the time left.
fn prove(
    inst: &Instance,
    opts: &SolveOptions,
    started: Instant,
    best: &mut Best,
) -> Result<(), NrpSolveError> {
    let label = "proving (branch and bound from the best roster)";
    whole_model(
        inst,
        opts,
        started,
        best,
        (label, None, Stage::BranchAndBound),
    )
}

/// One run of the whole compact model from the best roster, under a node limit (`None`:
/// the time left), reported as `label`; its roster is credited to `stage`.
fn whole_model(
    inst: &Instance,
    opts: &SolveOptions,
    started: Instant,
    best: &mut Best,
    (label, node_limit, stage): (&str, Option<u32>, Stage),
) -> Result<(), NrpSolveError> {
    opts.progress
        .report_figures(label, Some(best.objective as f64), Some(best.bound));
    let model = NrpModel::build(inst, |_, _| None);
    let hints = Hints {
        start: model.values_of(inst, &best.roster),
        node_limit,
        ..Hints::default()
    };
    match run(inst, model, &left(opts, started), hints) {
        Ok(Some(run)) => {
            best.out_of_time = run.out_of_time;
            best.raise_bound(run.bound, BoundSource::CompactModel);
            if run.status != Status::TimeLimit {
                best.status = run.status;
            }
            take_if_better(best, run.found, stage, started);
            Ok(())
        }
        // From a start, no roster means the clock: the best roster stands, never an error
        // that would throw it away.
        Ok(None) | Err(NrpSolveError::NoSolutionInTime(_)) => {
            best.out_of_time = true;
            Ok(())
        }
        Err(e) => Err(e),
    }
}

/// The answer from the best roster and bound.
fn solved(inst: &Instance, best: Best, size: ModelSize, started: Instant) -> NrpSolved {
    let bound = if best.bound.is_nan() {
        best.bound
    } else {
        best.bound.min(best.objective as f64)
    };
    let status = if bound >= best.objective as f64 {
        Status::Optimal
    } else {
        best.status
    };
    NrpSolved {
        status,
        objective: best.objective,
        breakdown: evaluate::objective(inst, &best.roster),
        bound,
        gap: relative_gap(best.objective as f64, bound),
        seconds: started.elapsed().as_secs_f64(),
        seconds_to_best: best.found_at,
        found_by: best.found_by,
        bound_by: best.bound_by,
        size,
        roster: best.roster,
    }
}

/// Fix-and-optimise: rounds over every neighbourhood (each week with its neighbours, then
/// small groups of staff), each a MIP over the free cells warm-started from the best
/// roster, until a round improves nothing or the time is out.
fn improve(
    inst: &Instance,
    opts: &SolveOptions,
    started: Instant,
    best: &mut Best,
) -> Result<(), NrpSolveError> {
    let hoods = neighbourhoods(inst);
    loop {
        let before = best.objective;
        for (name, hood) in &hoods {
            if best.out_of_time || best.proven() {
                return Ok(());
            }
            opts.progress.report_figures(
                format!("improving the roster (fix-and-optimise: {name})"),
                Some(best.objective as f64),
                Some(best.bound),
            );
            let model =
                NrpModel::build(inst, |e, d| (!hood.frees(e, d)).then(|| best.roster[e][d]));
            let hints = Hints {
                start: model.values_of(inst, &best.roster),
                node_limit: Some(NEIGHBOURHOOD_NODES),
                ..Hints::default()
            };
            match run(inst, model, &left(opts, started), hints) {
                Ok(Some(run)) => {
                    best.out_of_time = run.out_of_time;
                    take_if_better(best, run.found, Stage::FixAndOptimise, started);
                }
                // The fixed cells come from a roster, so the neighbourhood has one; none
                // found means the clock or the node limit, and the next one goes on.
                Ok(None) | Err(NrpSolveError::NoSolutionInTime(_)) => {
                    best.out_of_time = left(opts, started).time_limit <= 0.0;
                }
                Err(e) => return Err(e),
            }
        }
        if best.objective == before {
            return Ok(());
        }
    }
}

fn take_if_better(
    best: &mut Best,
    found: Option<(Assignment, u64)>,
    stage: Stage,
    started: Instant,
) {
    if let Some((roster, objective)) = found
        && objective < best.objective
    {
        best.objective = objective;
        best.roster = roster;
        best.found_at = started.elapsed().as_secs_f64();
        best.found_by = stage;
    }
}

/// Every CBC run of the search in a process of its own, killed when CBC overruns the limit
/// (see `ChildRun::hard_stopped`), where the caller names the executable for it.
pub(super) fn hard_stopped(opts: &SolveOptions) -> Option<ChildRun> {
    opts.cbc_process.clone().map(ChildRun::hard_stopped)
}

/// What is left of the time limit.
pub(super) fn left(opts: &SolveOptions, started: Instant) -> SolveOptions {
    SolveOptions {
        time_limit: (opts.time_limit - started.elapsed().as_secs_f64()).max(0.0),
        ..opts.clone()
    }
}

/// One solver run; `Ok(None)` only when the solver proved the model has no roster. The
/// roster is re-checked by the evaluator, and the model's objective must equal its. A run
/// from a MIP start that finds nothing better may hand back CBC's last LP values rather
/// than the start (seen with node limits: fractional or row-breaking values); such a run
/// keeps the start, and only its bound counts. Without a start, values that fail the
/// evaluator are a fault in the model and an error.
pub(super) fn run(
    inst: &Instance,
    model: NrpModel,
    opts: &SolveOptions,
    hints: Hints,
) -> Result<Option<Run>, NrpSolveError> {
    let hints = Hints {
        child: hard_stopped(opts),
        ..hints
    };
    let mut model = model;
    let from_start = !hints.start.is_empty();
    let (vars, rows, objective) = model.take_problem();
    let Some(result) = run_backend(vars, objective.clone(), rows, opts, hints)? else {
        return Ok(None);
    };
    let sol = &result.solution;
    let roster = model.roster(|v| sol.value(v));
    let violations = evaluate::check(inst, &roster);
    let value = evaluate::objective(inst, &roster).total();
    let model_value = objective.eval_with(sol);
    let fault = if !violations.is_empty() {
        let list: Vec<String> = violations.iter().map(|v| v.to_string()).collect();
        Some(list.join("; "))
    } else if (model_value - value as f64).abs() > 1e-4 {
        Some(format!(
            "the model's objective {model_value} is not the evaluator's {value}"
        ))
    } else {
        None
    };
    let found = match fault {
        None => Some((roster, value)),
        Some(_) if from_start => None,
        Some(fault) => return Err(NrpSolveError::Unchecked(fault)),
    };
    // Solvers drop the objective's constant (the shift-on weights); their bound is shifted
    // back by it. Every objective is an integer, so the bound rounds up.
    let constant: f64 = inst.shift_on.iter().map(|r| f64::from(r.weight)).sum();
    let bound = match (result.bound, result.status, &found) {
        (Some((b, _)), _, _) => (b + constant - 1e-6).ceil(),
        (None, Status::Optimal, Some(_)) => model_value,
        (None, _, _) => f64::NAN,
    };
    Ok(Some(Run {
        found,
        bound,
        status: result.status,
        out_of_time: result.out_of_time,
    }))
}
