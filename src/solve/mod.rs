//! The month as a mixed-integer programme (good_lp), solved to proven optimality where time
//! allows. Rules are hard constraints (one function per rule family in `constraints`), the
//! CONTRACT objective is minimised (`objective`), and seats are assigned after (`seating`).
//! When no roster exists, `diagnose` re-solves with the demand-side rules made elastic and
//! names the smallest set of shortfalls.

mod backend;
mod cbc_process;
mod constraints;
mod counting;
mod diagnose;
mod fairness;
mod greedy;
mod month;
mod neighbourhood;
mod objective;
mod repair;
mod search;
mod seating;
mod variables;

pub use crate::rules::objective::{Breakdown, evaluate};
pub use backend::CBC_CLOCK_SAFE;
pub(crate) use cbc_process::ChildRun;
pub use cbc_process::serve_cbc_run;
pub use counting::bound as counting_bound;
pub use diagnose::{Conflict, Diagnosis};
pub use repair::{Repaired, repair};
pub use search::solve;
pub use seating::seat as seat_shift;

pub(crate) use backend::{Hints, run_backend, solve_lp};

use crate::model::Roster;
#[cfg(test)]
use crate::model::Scenario;
use serde::Serialize;

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
    /// Expert knob for tuning: (name, value) parameters passed straight to CBC after the
    /// ones the search sets, e.g. from `parse_cbc_parameters("strong=5 cuts=root")`.
    pub cbc_parameters: Vec<(String, String)>,
    /// The `roster` executable, to run a large month's root node in a process of its own
    /// while fix-and-optimise runs in this one (`cbc_process`: CBC runs one solve at a time
    /// per process). None: every stage in this process, one after the other.
    pub cbc_process: Option<std::path::PathBuf>,
}

/// `name=value` pairs separated by white space; a word without `=` is ignored.
pub fn parse_cbc_parameters(text: &str) -> Vec<(String, String)> {
    text.split_whitespace()
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
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

impl OnProgress {
    /// A stage and its figures for a search whose roster is not a month's (`nrp`).
    pub(crate) fn report_figures(
        &self,
        stage: impl Into<String>,
        best: Option<f64>,
        bound: Option<f64>,
    ) {
        if let Some(f) = &self.0 {
            f(&Progress {
                stage: stage.into(),
                best,
                bound: bound.filter(|b| !b.is_nan()),
                roster: None,
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
            cbc_parameters: Vec::new(),
            cbc_process: None,
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

#[derive(Debug, thiserror::Error)]
pub enum SolveError {
    #[error("no roster satisfies the rules")]
    Infeasible(Diagnosis),
    /// The time limit ran out before any roster was found; the second field says how far
    /// the search got. Not a proof that none exists.
    #[error("no roster found within {0} s (stopped during {1}); allow more time")]
    NoSolutionInTime(f64, &'static str),
    #[error("the {0} backend is not compiled in; rebuild with `--features {0}`")]
    BackendMissing(&'static str),
    #[error("the solver failed: {0}")]
    Solver(String),
    /// The independent checker (`rules::check_roster`) found the solver's roster breaking
    /// rules: a fault in the model, never a property of the scenario.
    #[error("internal error: the solver's roster breaks {} rule(s), first: {}", .0.len(), .0[0].message)]
    RulesBroken(Vec<crate::rules::Violation>),
}

impl Status {
    /// What a bound proves of a roster's objective: optimal, within the gap asked for, or
    /// nothing yet.
    pub(crate) fn of(objective: f64, bound: f64, gap: f64) -> Status {
        if bound >= objective - 1e-6 {
            Status::Optimal
        } else if relative_gap(objective, bound) <= gap {
            Status::GapLimit
        } else {
            Status::TimeLimit
        }
    }
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

/// The rules fixture (tests/fixtures/rules/mutation.toml) that the solver's unit tests share.
#[cfg(test)]
fn test_fixture() -> Scenario {
    Scenario::from_toml(
        include_str!("../../tests/fixtures/rules/mutation.toml"),
        std::path::Path::new("mutation.toml"),
    )
    .expect("the fixture loads")
}
