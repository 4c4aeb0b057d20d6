//! The search's stages one at a time, for tests and benchmarks that compare them: the
//! greedy first roster, the column generation's bound from it, the dive's roster, and the
//! compact model's LP bound (CBC's root without cuts) from the same roster.

use super::columns::{self, Pool};
use super::dive;
use super::greedy;
use super::instance::{Assignment, Instance};
use super::model::NrpModel;
use super::search::{NrpSolveError, run};
use crate::solve::{Hints, SolveOptions};
use serde::Serialize;
use std::time::Instant;

/// What the column generation reached from the greedy roster.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ColumnBound {
    /// The best Lagrangian bound, rounded up (every objective is an integer).
    pub bound: f64,
    /// The last restricted master LP's value.
    pub master_value: f64,
    pub rounds: usize,
    /// No person had a negative reduced cost: the bound is the master LP's optimum.
    pub converged: bool,
    /// The greedy roster's objective.
    pub greedy: u64,
}

/// The greedy first roster (person by person, then re-planning rounds); every schedule in
/// it meets the person's hard constraints, so the roster meets every one.
pub fn greedy_roster(inst: &Instance, opts: &SolveOptions) -> Result<Assignment, NrpSolveError> {
    greedy::greedy_roster(inst, opts, Instant::now())
}

/// The column generation's bound, from the greedy roster's schedules.
pub fn column_generation_bound(
    inst: &Instance,
    opts: &SolveOptions,
) -> Result<ColumnBound, NrpSolveError> {
    let started = Instant::now();
    let roster = greedy::greedy_roster(inst, opts, started)?;
    let mut pool = Pool::new(inst, &roster);
    let g = columns::generate(inst, &mut pool, opts, started, &|_, _, _| {})?;
    Ok(ColumnBound {
        bound: (g.bound - 1e-6).ceil(),
        master_value: g.master_value,
        rounds: g.rounds,
        converged: g.converged,
        greedy: super::evaluate::objective(inst, &roster).total(),
    })
}

/// The compact model's LP bound: CBC's root from `start` with no preprocessing, cuts or
/// heuristics, so its bound is the LP relaxation's (rounded up).
pub fn compact_lp_bound(
    inst: &Instance,
    start: &Assignment,
    opts: &SolveOptions,
) -> Result<f64, NrpSolveError> {
    let model = NrpModel::build(inst, |_, _| None);
    let hints = Hints {
        start: model.values_of(inst, start),
        node_limit: Some(0),
        prove_only: true,
        ..Hints::default()
    };
    let lp_only = SolveOptions {
        cbc_parameters: [("preprocess", "off"), ("cuts", "off")]
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .into(),
        ..opts.clone()
    };
    match run(inst, model, &lp_only, hints)? {
        Some(r) => Ok(r.bound),
        None => Err(NrpSolveError::Infeasible),
    }
}

/// The column generation's dive (`dive`) from the greedy roster's generation, with no
/// incumbent to prune against: its roster and objective, or `None` when its round cap or
/// the clock stopped it.
pub fn dive_roster(
    inst: &Instance,
    opts: &SolveOptions,
) -> Result<Option<(Assignment, u64)>, NrpSolveError> {
    let started = Instant::now();
    let roster = greedy::greedy_roster(inst, opts, started)?;
    let mut pool = Pool::new(inst, &roster);
    columns::generate(inst, &mut pool, opts, started, &|_, _, _| {})?;
    dive::dive_stage(inst, &mut pool, (u64::MAX, f64::NAN), opts, started)
}
