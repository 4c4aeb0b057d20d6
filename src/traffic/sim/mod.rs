//! A discrete-event simulator of one roster's calls.
//!
//! Arrivals are Poisson with a rate that is constant within each interval and seat type
//! (exact inversion of the integrated rate, so queues and arrivals carry over interval
//! boundaries). Handle times are exponential or lognormal; patience is exponential and
//! handled lazily (a waiting call carries its deadline and is dropped as abandoned when
//! an agent reaches it too late, which is exact for first-come-first-served queues).
//! Agents work sessions (shift start to end) at one seat type; shrinkage takes each crew
//! (agents of one seat type with the same session) off the phones for that share of its
//! time, in ten-minute pieces where its seat type has the most slack. An agent whose own
//! queue is empty may take calls waiting at other seat types as `cross` allows: none, lower
//! seat types, or any seat type the agent's grade qualifies for. A fraction of
//! the calls answered at a seat type can be escalated to another (senior) seat type.
//!
//! Replications run in parallel (rayon) in fixed chunks; replication r draws from its own
//! ChaCha8 stream seeded from (run seed, r), and chunk results are combined in order, so
//! the output is the same for any number of threads.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Exp1, StandardNormal};
use rayon::prelude::*;
use serde::Serialize;

use super::TrafficError;
pub use crate::model::CrossAnswer;

/// Longest mean handle time, in seconds (a day).
pub const MAX_HANDLE_S: f64 = 86_400.0;
/// Largest coefficient of variation of a lognormal handle time.
pub const MAX_HANDLE_CV: f64 = 10.0;

/// Handle-time distribution.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum HandleTime {
    Exponential {
        mean_s: f64,
    },
    /// Lognormal with the given mean and coefficient of variation (sd ÷ mean).
    Lognormal {
        mean_s: f64,
        cv: f64,
    },
}

impl HandleTime {
    pub fn mean_s(&self) -> f64 {
        match *self {
            HandleTime::Exponential { mean_s } | HandleTime::Lognormal { mean_s, .. } => mean_s,
        }
    }
}

/// One seat type's calls.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimQueue {
    pub name: String,
    /// 0 junior, 1 intermediate, 2 senior: the lowest grade that may sit at this seat type.
    pub min_grade: u8,
    /// Expected calls in each interval of the horizon.
    pub calls: Vec<f64>,
    pub handle: HandleTime,
    /// Mean of an exponential patience; `None`: callers never hang up.
    pub patience_s: Option<f64>,
    /// Share of the calls answered here that are then escalated (to `SimInput::escalate_to`).
    pub escalate: f64,
}

/// One agent's session: seated at queue `seat` and taking calls in `[start_s, end_s)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SimAgent {
    pub seat: usize,
    pub grade: u8,
    pub start_s: f64,
    pub end_s: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimInput {
    pub interval_s: f64,
    pub n_intervals: usize,
    pub queues: Vec<SimQueue>,
    pub agents: Vec<SimAgent>,
    /// The t of "answered within t".
    pub answer_s: f64,
    /// Service-level target; intervals below it are flagged.
    pub sl_target: f64,
    /// Share of each crew's paid time off the phones, taken where there is most slack.
    pub shrinkage: f64,
    /// Which other seat types' calls an idle agent may take.
    pub cross: CrossAnswer,
    /// Where escalated calls go (a queue index), if anywhere.
    pub escalate_to: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimOptions {
    pub replications: u32,
    pub seed: u64,
    /// Totals pool intervals `summary_from..summary_to` (warm-up excluded).
    pub summary_from: usize,
    pub summary_to: Option<usize>,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions {
            replications: 100,
            seed: 1,
            summary_from: 0,
            summary_to: None,
        }
    }
}

/// A mean over replications with its 95 % confidence interval (Student t).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    pub mean: f64,
    pub lo: f64,
    pub hi: f64,
    /// Replications in which the figure is defined (e.g. some call was answered).
    pub n: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellResult {
    pub interval: usize,
    pub queue: usize,
    pub offered: f64,
    pub service_level: Option<Estimate>,
    pub asa_s: Option<Estimate>,
    pub abandon: Option<Estimate>,
    pub occupancy: Option<Estimate>,
    /// Mean service level below the target.
    pub below_target: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueueTotal {
    pub queue: String,
    pub offered: f64,
    pub service_level: Option<Estimate>,
    pub asa_s: Option<Estimate>,
    pub abandon: Option<Estimate>,
    pub p_wait: Option<Estimate>,
    pub occupancy: Option<Estimate>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimResult {
    pub replications: u32,
    pub seed: u64,
    /// Events processed over all replications (arrivals, answers, completions,
    /// abandonments, staffing changes).
    pub events: u64,
    pub calls: u64,
    pub cells: Vec<CellResult>,
    pub totals: Vec<QueueTotal>,
}

impl SimInput {
    pub fn validate(&self) -> Result<(), TrafficError> {
        let bad = |m: String| Err(TrafficError::Invalid(m));
        if !(self.interval_s.is_finite() && self.interval_s > 0.0) {
            return bad(format!(
                "interval must be positive, got {}",
                self.interval_s
            ));
        }
        if !(self.answer_s.is_finite() && self.answer_s >= 0.0) {
            return bad(format!(
                "answer time must be 0 or more, got {}",
                self.answer_s
            ));
        }
        if !(0.0..1.0).contains(&self.shrinkage) {
            return bad(format!(
                "shrinkage must be in [0, 1), got {}",
                self.shrinkage
            ));
        }
        if let Some(e) = self.escalate_to
            && e >= self.queues.len()
        {
            return bad(format!("escalation target {e} is not a queue"));
        }
        for q in &self.queues {
            if q.calls.len() != self.n_intervals {
                return bad(format!(
                    "queue {} has {} intervals of calls, the horizon has {}",
                    q.name,
                    q.calls.len(),
                    self.n_intervals
                ));
            }
            if q.calls.iter().any(|c| !(c.is_finite() && *c >= 0.0)) {
                return bad(format!("queue {}: calls must be 0 or more", q.name));
            }
            let mean_s = q.handle.mean_s();
            if !(mean_s > 0.0 && mean_s <= MAX_HANDLE_S) {
                return bad(format!(
                    "queue {}: mean handle time must be above 0 and at most {MAX_HANDLE_S} s, got {mean_s}",
                    q.name
                ));
            }
            if let HandleTime::Lognormal { cv, .. } = q.handle
                && !(cv > 0.0 && cv <= MAX_HANDLE_CV)
            {
                return bad(format!(
                    "queue {}: handle-time coefficient of variation must be above 0 and at most {MAX_HANDLE_CV}, got {cv}",
                    q.name
                ));
            }
            if let Some(p) = q.patience_s
                && !(p.is_finite() && p > 0.0)
            {
                return bad(format!("queue {}: patience must be positive", q.name));
            }
            if !(0.0..=1.0).contains(&q.escalate) {
                return bad(format!("queue {}: escalation share must be 0 to 1", q.name));
            }
        }
        for a in &self.agents {
            if a.seat >= self.queues.len()
                || a.start_s.is_nan()
                || a.end_s.is_nan()
                || a.start_s > a.end_s
            {
                return bad(format!("bad agent session {a:?}"));
            }
        }
        Ok(())
    }
}

mod plan;
mod replication;
mod stats;

use plan::*;
pub use replication::replication_seed;
use replication::*;
pub use stats::t975;
use stats::*;

/// Replications per parallel work item; fixed so results never depend on thread count.
const CHUNK: u32 = 2;
/// Work items in flight at once: their accumulators are merged (in order) batch by batch,
/// so memory does not grow with the number of replications.
const BATCH: u32 = 64;

/// Most replications of one run.
pub const MAX_REPLICATIONS: u32 = 100_000;
/// Most calls one run may simulate (expected calls of the horizon × replications): about
/// half a minute of work on one core of a release build.
pub const MAX_SIMULATED_CALLS: f64 = 1e8;

/// Checks a run's size before anything is allocated for it: the number of replications
/// and the calls they would simulate.
pub fn check_size(input: &SimInput, replications: u32) -> Result<(), TrafficError> {
    if !(1..=MAX_REPLICATIONS).contains(&replications) {
        return Err(TrafficError::Invalid(format!(
            "replications must be 1 to {MAX_REPLICATIONS}, got {replications}"
        )));
    }
    let calls: f64 = input.queues.iter().flat_map(|q| q.calls.iter()).sum();
    let work = calls * replications as f64;
    // NaN (an absurd total) is refused too
    if work.is_nan() || work > MAX_SIMULATED_CALLS {
        return Err(TrafficError::Invalid(format!(
            "{replications} replications of {calls:.0} expected calls would simulate {work:.3e} calls, \
             more than the {MAX_SIMULATED_CALLS:e} a run may; use fewer replications"
        )));
    }
    Ok(())
}

/// Simulate `opts.replications` independent replications of `input`.
pub fn simulate(input: &SimInput, opts: &SimOptions) -> Result<SimResult, TrafficError> {
    input.validate()?;
    check_size(input, opts.replications)?;
    let nq = input.queues.len();
    let ncells = input.n_intervals * nq;
    if input.n_intervals == 0 || nq == 0 {
        return Ok(SimResult {
            replications: opts.replications,
            seed: opts.seed,
            events: 0,
            calls: 0,
            cells: Vec::new(),
            totals: Vec::new(),
        });
    }
    let plan = plan(input);
    let to = opts
        .summary_to
        .unwrap_or(input.n_intervals)
        .min(input.n_intervals);
    let range = (opts.summary_from.min(to), to);
    let chunks = opts.replications.div_ceil(CHUNK);
    let mut acc = Acc::new(ncells, nq);
    for batch in (0..chunks).step_by(BATCH as usize) {
        let parts: Vec<Acc> = (batch..(batch + BATCH).min(chunks))
            .into_par_iter()
            .map(|c| {
                let mut acc = Acc::new(ncells, nq);
                let first = c * CHUNK;
                let last = ((c + 1) * CHUNK).min(opts.replications);
                for r in first..last {
                    let rep = Rep::new(input, &plan, replication_seed(opts.seed, r));
                    let (counts, events, calls) = rep.run();
                    acc.add_rep(&counts, &plan.staffed_s, nq, range);
                    acc.events += events;
                    acc.calls += calls;
                }
                acc
            })
            .collect();
        for p in &parts {
            acc.merge(p);
        }
    }
    let reps = opts.replications as f64;
    let cells = (0..ncells)
        .map(|i| {
            let m = &acc.cells[i];
            let sl = m[0].estimate();
            CellResult {
                interval: i / nq,
                queue: i % nq,
                offered: acc.offered[i] / reps,
                service_level: sl,
                asa_s: m[1].estimate(),
                abandon: m[2].estimate(),
                occupancy: m[3].estimate(),
                below_target: sl.is_some_and(|e| e.mean < input.sl_target),
            }
        })
        .collect();
    let totals = (0..nq)
        .map(|q| {
            let m = &acc.totals[q];
            QueueTotal {
                queue: input.queues[q].name.clone(),
                offered: acc.total_offered[q] / reps,
                service_level: m[0].estimate(),
                asa_s: m[1].estimate(),
                abandon: m[2].estimate(),
                occupancy: m[3].estimate(),
                p_wait: m[4].estimate(),
            }
        })
        .collect();
    Ok(SimResult {
        replications: opts.replications,
        seed: opts.seed,
        events: acc.events,
        calls: acc.calls,
        cells,
        totals,
    })
}
