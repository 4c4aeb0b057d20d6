//! The staged search for a benchmark instance, in the manner of `solve`'s: the root node
//! (a first roster and the bound), fix-and-optimise by week and by person (each
//! neighbourhood a small MIP warm-started from the best roster), then branch and bound over
//! the whole model from the best roster for the time that is left. Each stage ends on work
//! done (node limits, rounds without improvement), never on a share of the clock, so the
//! same instance gives the same roster on a busy machine as on an idle one unless the time
//! limit itself cuts the search short.

use super::evaluate::{self, Breakdown};
use super::instance::{Assignment, Instance};
use super::model::NrpModel;
use crate::solve::{
    Backend, Hints, ModelSize, SolveError, SolveOptions, Status, relative_gap, run_backend,
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
/// Nodes for a first roster when the root node finds none.
const FIRST_ROSTER_NODES: u32 = 500;

/// The best roster so far and what is proven.
struct Best {
    roster: Assignment,
    objective: u64,
    /// The best lower bound on the whole instance (NaN: none yet).
    bound: f64,
    status: Status,
    found_at: f64,
    /// The clock stopped a run: no later stage may start.
    out_of_time: bool,
}

/// What one run of the solver on a (possibly restricted) model gave.
struct Run {
    /// The roster and its objective; `None` when the run kept its MIP start.
    found: Option<(Assignment, u64)>,
    /// The run's bound with the objective's constant, rounded up; NaN when unknown.
    bound: f64,
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
    let mut best = first_roster(inst, opts, started)?;
    let finished = |b: &Best| b.status != Status::TimeLimit || b.out_of_time;
    if !finished(&best) {
        improve(inst, opts, started, &mut best)?;
    }
    if !finished(&best) && best.objective as f64 > best.bound {
        opts.progress.report_figures(
            "proving (branch and bound from the best roster)",
            Some(best.objective as f64),
            Some(best.bound),
        );
        let model = NrpModel::build(inst, |_, _| None);
        let start = model.values_of(inst, &best.roster);
        let hints = Hints {
            start,
            ..Hints::default()
        };
        if let Some(run) = run(inst, model, &left(opts, started), hints)? {
            best.out_of_time = run.out_of_time;
            best.bound = best.bound.max(run.bound);
            if run.status != Status::TimeLimit {
                best.status = run.status;
            }
            take_if_better(&mut best, run, started);
        }
    }
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
    Ok(NrpSolved {
        status,
        objective: best.objective,
        breakdown: evaluate::objective(inst, &best.roster),
        bound,
        gap: relative_gap(best.objective as f64, bound),
        seconds: started.elapsed().as_secs_f64(),
        seconds_to_best: best.found_at,
        size,
        roster: best.roster,
    })
}

/// The root node (for small instances, the proof), then a short search if the root's
/// heuristics found no roster, then the whole time.
fn first_roster(
    inst: &Instance,
    opts: &SolveOptions,
    started: Instant,
) -> Result<Best, NrpSolveError> {
    for (stage, nodes) in [
        ("first roster and bound (root node)", Some(0)),
        ("searching for a first roster", Some(FIRST_ROSTER_NODES)),
        ("searching for a first roster (branch and bound)", None),
    ] {
        opts.progress.report_figures(stage, None, None);
        let hints = Hints {
            node_limit: nodes,
            ..Hints::default()
        };
        match run(
            inst,
            NrpModel::build(inst, |_, _| None),
            &left(opts, started),
            hints,
        ) {
            Ok(Some(Run {
                found: Some((roster, objective)),
                bound,
                status,
                out_of_time,
            })) => {
                return Ok(Best {
                    roster,
                    objective,
                    bound,
                    status,
                    found_at: started.elapsed().as_secs_f64(),
                    out_of_time,
                });
            }
            // Only a run from a start keeps it; these have none.
            Ok(Some(Run { found: None, .. })) => {
                return Err(NrpSolveError::Solver(
                    "a run without a start kept none".into(),
                ));
            }
            Ok(None) => return Err(NrpSolveError::Infeasible),
            // A node limit without a roster: the next, longer search; a clock: the end.
            Err(NrpSolveError::NoSolutionInTime(_)) if left(opts, started).time_limit > 0.0 => {}
            Err(NrpSolveError::NoSolutionInTime(_)) => {
                return Err(NrpSolveError::NoSolutionInTime(opts.time_limit));
            }
            Err(e) => return Err(e),
        }
    }
    Err(NrpSolveError::NoSolutionInTime(opts.time_limit))
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
            if best.out_of_time || best.objective as f64 <= best.bound {
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
                    take_if_better(best, run, started);
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

fn take_if_better(best: &mut Best, run: Run, started: Instant) {
    if let Some((roster, objective)) = run.found
        && objective < best.objective
    {
        best.objective = objective;
        best.roster = roster;
        best.found_at = started.elapsed().as_secs_f64();
    }
}

/// The cells a fix-and-optimise step frees.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Neighbourhood {
    /// Every person on days `from..to`.
    Days { from: usize, to: usize },
    /// These people on every day.
    Staff(Vec<usize>),
}

impl Neighbourhood {
    fn frees(&self, e: usize, d: usize) -> bool {
        match self {
            Neighbourhood::Days { from, to } => (*from..*to).contains(&d),
            Neighbourhood::Staff(who) => who.contains(&e),
        }
    }
}

/// People freed together: enough to swap shifts between them, few enough to solve fast.
const STAFF_GROUP: usize = 3;

/// The neighbourhoods of one round, in a fixed order: windows of days (two weeks, one on
/// horizons of four weeks or less), then groups of staff, neighbours in the file and then
/// people far apart in it. None is the whole problem: that is the last stage's.
pub(super) fn neighbourhoods(inst: &Instance) -> Vec<(String, Neighbourhood)> {
    let (h, n) = (inst.horizon, inst.staff.len());
    let mut out = Vec::new();
    // Windows half overlapping; a window of the whole horizon would be the whole problem.
    let width = if h > 28 { 14 } else { 7 };
    let mut from = 0;
    while from < h && width < h {
        let to = (from + width).min(h);
        out.push((
            format!("days {from}-{}", to - 1),
            Neighbourhood::Days { from, to },
        ));
        if to == h {
            break;
        }
        from += width / 2;
    }
    // Two partitions into groups of up to STAFF_GROUP: neighbours in the file, then
    // people a third of the file apart.
    let stride = n.div_ceil(STAFF_GROUP).max(1);
    let consecutive = (0..n)
        .step_by(STAFF_GROUP)
        .map(|f| (f..(f + STAFF_GROUP).min(n)).collect::<Vec<usize>>());
    let interleaved = (0..stride).map(|f| (f..n).step_by(stride).collect());
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for group in consecutive.chain(interleaved) {
        if group.len() < n && !groups.contains(&group) {
            groups.push(group);
        }
    }
    for group in groups {
        let ids: Vec<&str> = group.iter().map(|&e| inst.staff[e].id.as_str()).collect();
        out.push((
            format!("staff {}", ids.join(",")),
            Neighbourhood::Staff(group),
        ));
    }
    out
}

/// What is left of the time limit.
fn left(opts: &SolveOptions, started: Instant) -> SolveOptions {
    SolveOptions {
        time_limit: (opts.time_limit - started.elapsed().as_secs_f64()).max(0.0),
        ..opts.clone()
    }
}

/// One solver run; `Ok(None)` only when the solver proved the model has no roster. The
/// roster is re-checked by the evaluator, and the model's objective must equal its.
///
/// A run from a MIP start that finds nothing better may hand back CBC's last LP values
/// rather than the start (seen with node limits: fractional or row-breaking values); such
/// a run keeps the start, and only its bound counts. Without a start, values that fail the
/// evaluator are a fault in the model and an error.
fn run(
    inst: &Instance,
    model: NrpModel,
    opts: &SolveOptions,
    hints: Hints,
) -> Result<Option<Run>, NrpSolveError> {
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
