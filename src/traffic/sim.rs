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

// ---------------------------------------------------------------------------------------
// The shared, replication-independent plan: staffing change points and routing tables.

struct Plan {
    /// Times at which availability may change (interval boundaries, session starts/ends).
    changes: Vec<f64>,
    /// For each change point, the agents available from it to the next.
    available: Vec<Vec<u32>>,
    /// Staffed (available) seconds per cell, by the agents' seat type.
    staffed_s: Vec<f64>,
    /// For each queue, the seat types whose agents may help it (higher seats, lowest first,
    /// then lower seats, highest first); an agent helps only a queue its grade qualifies for.
    helpers: Vec<Vec<usize>>,
    /// For each seat type, the other queues its agents may help (any order; oldest call wins).
    others: Vec<Vec<usize>>,
    /// Grades 0..grades occur; idle agents are kept per (seat type, grade).
    grades: usize,
    handle: Vec<Handle>,
    horizon: f64,
}

#[derive(Clone, Copy)]
enum Handle {
    Exp(f64),
    LogN { mu: f64, sigma: f64 },
}

impl Handle {
    #[inline]
    fn sample(&self, rng: &mut ChaCha8Rng) -> f64 {
        match *self {
            Handle::Exp(mean) => mean * <Exp1 as Distribution<f64>>::sample(&Exp1, rng),
            Handle::LogN { mu, sigma } => {
                let z: f64 = StandardNormal.sample(rng);
                (mu + sigma * z).exp()
            }
        }
    }
}

fn plan(input: &SimInput) -> Plan {
    let nq = input.queues.len();
    let horizon = input.n_intervals as f64 * input.interval_s;
    let mut changes: Vec<f64> = (0..input.n_intervals)
        .map(|i| i as f64 * input.interval_s)
        .collect();
    for a in &input.agents {
        for t in [a.start_s, a.end_s] {
            if t > 0.0 && t < horizon {
                changes.push(t);
            }
        }
    }
    changes.sort_by(f64::total_cmp);
    changes.dedup();
    let interval_of = |t: f64| ((t / input.interval_s) as usize).min(input.n_intervals - 1);
    // Time off the phones: per agent, windows [from, to) within its session.
    let mut breaks: Vec<Vec<(f64, f64)>> = vec![Vec::new(); input.agents.len()];
    if input.shrinkage > 0.0 {
        let mut present = vec![0usize; input.n_intervals * nq];
        for a in &input.agents {
            if a.end_s <= a.start_s {
                continue;
            }
            let first = interval_of(a.start_s.max(0.0));
            let last = interval_of((a.end_s - 1e-9).min(horizon - 1e-9).max(0.0));
            for i in first..=last {
                present[i * nq + a.seat] += 1;
            }
        }
        // A crew (one seat type, one session) owes `shrinkage` of its paid time off the
        // phones, in pieces of a third of an interval, taken where its seat type has the
        // most slack (heads present beyond the offered load), as planners place breaks
        // and training off-peak. A member takes at most one piece per interval, and the
        // pieces of one interval fall in different thirds, so a lone agent is away for
        // ten minutes of a quiet half-hour, not for the whole of it.
        const PIECES: usize = 3;
        let piece_s = input.interval_s / PIECES as f64;
        let mut crews: std::collections::BTreeMap<(usize, u64, u64), Vec<usize>> =
            std::collections::BTreeMap::new();
        for (id, a) in input.agents.iter().enumerate() {
            if a.end_s > a.start_s {
                crews
                    .entry((a.seat, a.start_s.max(0.0).to_bits(), a.end_s.to_bits()))
                    .or_default()
                    .push(id);
            }
        }
        let load = |i: usize, q: usize| {
            input.queues[q].calls[i] * input.queues[q].handle.mean_s() / input.interval_s
        };
        let mut away = vec![0.0f64; input.n_intervals * nq];
        for ((seat, start, end), ids) in &crews {
            let (start, end) = (f64::from_bits(*start), f64::from_bits(*end));
            let first = interval_of(start);
            let last = interval_of((end - 1e-9).min(horizon - 1e-9).max(0.0));
            let (n, span) = (ids.len(), last - first + 1);
            let pieces = (n as f64 * span as f64 * PIECES as f64 * input.shrinkage).round();
            let mut k = vec![0usize; span];
            for _ in 0..pieces as usize {
                let slack = |j: usize| {
                    let c = (first + j) * nq + seat;
                    present[c] as f64 - away[c] - load(first + j, *seat)
                };
                let Some(j) = (0..span)
                    .filter(|&j| k[j] < n)
                    .max_by(|&x, &y| slack(x).total_cmp(&slack(y)).then(y.cmp(&x)))
                else {
                    break;
                };
                k[j] += 1;
                away[(first + j) * nq + seat] += 1.0 / PIECES as f64;
            }
            for (j, &kj) in k.iter().enumerate() {
                let i = first + j;
                for p in 0..kj {
                    let third = (p + i) % PIECES;
                    let from = i as f64 * input.interval_s + third as f64 * piece_s;
                    let (from, to) = (from.max(start), (from + piece_s).min(end));
                    if to > from {
                        breaks[ids[(p + i) % n]].push((from, to));
                    }
                }
            }
        }
        for w in breaks.iter().flatten() {
            for t in [w.0, w.1] {
                if t > 0.0 && t < horizon {
                    changes.push(t);
                }
            }
        }
        changes.sort_by(f64::total_cmp);
        changes.dedup();
    }
    let mut available = Vec::with_capacity(changes.len());
    let mut staffed_s = vec![0.0; input.n_intervals * nq];
    for (ci, &t) in changes.iter().enumerate() {
        let i = interval_of(t);
        let end = changes.get(ci + 1).copied().unwrap_or(horizon);
        let list: Vec<u32> = input
            .agents
            .iter()
            .enumerate()
            .filter(|(id, a)| {
                a.start_s <= t
                    && t < a.end_s
                    && !breaks[*id].iter().any(|&(from, to)| from <= t && t < to)
            })
            .map(|(id, _)| id as u32)
            .collect();
        for id in &list {
            staffed_s[i * nq + input.agents[*id as usize].seat] += end - t;
        }
        available.push(list);
    }
    let mut order: Vec<usize> = (0..nq).collect();
    order.sort_by_key(|&q| input.queues[q].min_grade);
    let helpers = (0..nq)
        .map(|q| {
            let grade = input.queues[q].min_grade;
            let higher = order
                .iter()
                .copied()
                .filter(|&s| input.queues[s].min_grade > grade);
            let lower = order
                .iter()
                .rev()
                .copied()
                .filter(|&s| s != q && input.queues[s].min_grade <= grade);
            match input.cross {
                CrossAnswer::None => Vec::new(),
                CrossAnswer::Lower => higher.collect(),
                CrossAnswer::Qualified => higher.chain(lower).collect(),
            }
        })
        .collect();
    let others = (0..nq)
        .map(|s| {
            let grade = input.queues[s].min_grade;
            order
                .iter()
                .copied()
                .filter(|&q| match input.cross {
                    CrossAnswer::None => false,
                    CrossAnswer::Lower => input.queues[q].min_grade < grade,
                    CrossAnswer::Qualified => q != s,
                })
                .collect()
        })
        .collect();
    let grades = input
        .agents
        .iter()
        .map(|a| a.grade)
        .chain(input.queues.iter().map(|q| q.min_grade))
        .max()
        .map_or(1, |g| g as usize + 1);
    let handle = input
        .queues
        .iter()
        .map(|q| match q.handle {
            HandleTime::Exponential { mean_s } => Handle::Exp(mean_s),
            HandleTime::Lognormal { mean_s, cv } => {
                let s2 = (1.0 + cv * cv).ln();
                Handle::LogN {
                    mu: mean_s.ln() - s2 / 2.0,
                    sigma: s2.sqrt(),
                }
            }
        })
        .collect();
    Plan {
        changes,
        available,
        staffed_s,
        helpers,
        others,
        grades,
        handle,
        horizon,
    }
}

// ---------------------------------------------------------------------------------------
// One replication.

#[derive(Clone, Copy)]
struct Call {
    arrival: f64,
    deadline: f64,
    cell: u32,
    escalated: bool,
}

#[derive(Clone, Default)]
struct CellCount {
    offered: u32,
    answered: u32,
    within: u32,
    abandoned: u32,
    waited: u32,
    wait_sum: f64,
    busy_s: f64,
}

struct Rep<'a> {
    input: &'a SimInput,
    plan: &'a Plan,
    rng: ChaCha8Rng,
    nq: usize,
    queues: Vec<VecDeque<Call>>,
    idle: Vec<Vec<u32>>,
    busy: Vec<bool>,
    avail: Vec<bool>,
    /// The call each busy agent is serving: (queue, escalated).
    serving: Vec<(u16, bool)>,
    done: BinaryHeap<Reverse<(u64, u32)>>,
    cells: Vec<CellCount>,
    events: u64,
    calls: u64,
}

/// Splitmix64: decorrelates nearby seeds.
fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The seed of replication `rep` of a run with seed `seed`.
pub fn replication_seed(seed: u64, rep: u32) -> u64 {
    splitmix(splitmix(seed) ^ (rep as u64).wrapping_mul(0xd1b5_4a32_d192_ed03))
}

impl<'a> Rep<'a> {
    fn new(input: &'a SimInput, plan: &'a Plan, seed: u64) -> Self {
        let nq = input.queues.len();
        let na = input.agents.len();
        Rep {
            input,
            plan,
            rng: ChaCha8Rng::seed_from_u64(seed),
            nq,
            queues: vec![VecDeque::new(); nq],
            idle: vec![Vec::new(); nq * plan.grades],
            busy: vec![false; na],
            avail: vec![false; na],
            serving: vec![(0, false); na],
            done: BinaryHeap::new(),
            cells: vec![CellCount::default(); input.n_intervals * nq],
            events: 0,
            calls: 0,
        }
    }

    #[inline]
    fn exp1(&mut self) -> f64 {
        <Exp1 as Distribution<f64>>::sample(&Exp1, &mut self.rng)
    }

    #[inline]
    fn interval_of(&self, t: f64) -> usize {
        ((t / self.input.interval_s) as usize).min(self.input.n_intervals - 1)
    }

    /// The next arrival of queue `q` after time `t`: invert the piecewise-linear
    /// integrated rate at an Exp(1) draw.
    fn next_arrival(&mut self, q: usize, t: f64) -> f64 {
        let mut need = self.exp1();
        let len = self.input.interval_s;
        let mut i = (t / len) as usize;
        let mut now = t;
        let calls = &self.input.queues[q].calls;
        while i < calls.len() {
            let rate = calls[i] / len;
            let end = (i + 1) as f64 * len;
            let mass = rate * (end - now);
            if need < mass {
                return now + need / rate;
            }
            need -= mass;
            now = end;
            i += 1;
        }
        f64::INFINITY
    }

    fn add_busy(&mut self, seat: usize, start: f64, dur: f64) {
        let len = self.input.interval_s;
        let end = (start + dur).min(self.plan.horizon);
        let mut t = start;
        while t < end {
            let i = self.interval_of(t);
            let stop = ((i + 1) as f64 * len).min(end);
            self.cells[i * self.nq + seat].busy_s += stop - t;
            if stop <= t {
                break;
            }
            t = stop;
        }
    }

    /// Where agent `a` waits when idle: its seat type and grade.
    fn idle_slot(&self, a: u32) -> usize {
        let agent = &self.input.agents[a as usize];
        agent.seat * self.plan.grades + agent.grade as usize
    }

    /// Agent `a` starts a call of queue `q` at `t`.
    fn serve(&mut self, a: u32, q: usize, call: Call, t: f64) {
        let wait = t - call.arrival;
        let c = &mut self.cells[call.cell as usize];
        c.answered += 1;
        c.wait_sum += wait;
        if wait <= self.input.answer_s {
            c.within += 1;
        }
        if wait > 0.0 {
            c.waited += 1;
        }
        let dur = self.plan.handle[q].sample(&mut self.rng);
        let seat = self.input.agents[a as usize].seat;
        self.add_busy(seat, t, dur);
        self.busy[a as usize] = true;
        self.serving[a as usize] = (q as u16, call.escalated);
        self.done.push(Reverse(((t + dur).to_bits(), a)));
        self.events += 1;
    }

    /// Drop the abandoned calls at the head of queue `q` (deadline passed by `t`).
    #[inline]
    fn purge(&mut self, q: usize, t: f64) {
        while let Some(c) = self.queues[q].front() {
            if c.deadline < t {
                let cell = c.cell as usize;
                self.cells[cell].abandoned += 1;
                self.cells[cell].waited += 1;
                self.events += 1;
                self.queues[q].pop_front();
            } else {
                break;
            }
        }
    }

    /// A free, available agent looks for work: its own queue first, then the oldest call
    /// waiting at another seat type it may help. Returns whether it took a call.
    fn take_work(&mut self, a: u32, t: f64) -> bool {
        let seat = self.input.agents[a as usize].seat;
        self.purge(seat, t);
        if let Some(call) = self.queues[seat].pop_front() {
            self.serve(a, seat, call, t);
            return true;
        }
        let grade = self.input.agents[a as usize].grade;
        let mut best: Option<(usize, f64)> = None;
        for k in 0..self.plan.others[seat].len() {
            let q = self.plan.others[seat][k];
            if self.input.queues[q].min_grade > grade {
                continue;
            }
            self.purge(q, t);
            if let Some(c) = self.queues[q].front()
                && best.is_none_or(|(_, at)| c.arrival < at)
            {
                best = Some((q, c.arrival));
            }
        }
        if let Some((q, _)) = best {
            let call = self.queues[q].pop_front().expect("head checked");
            self.serve(a, q, call, t);
            return true;
        }
        false
    }

    fn arrive(&mut self, q: usize, t: f64, escalated: bool) {
        self.events += 1;
        self.calls += 1;
        let cell = (self.interval_of(t) * self.nq + q) as u32;
        self.cells[cell as usize].offered += 1;
        let grades = self.plan.grades;
        let need = self.input.queues[q].min_grade as usize;
        // own seat type first (lowest grade first, to keep seniors free), then helpers
        let agent = (0..grades)
            .find_map(|g| self.idle[q * grades + g].pop())
            .or_else(|| {
                for k in 0..self.plan.helpers[q].len() {
                    let s = self.plan.helpers[q][k];
                    for g in need..grades {
                        if let Some(a) = self.idle[s * grades + g].pop() {
                            return Some(a);
                        }
                    }
                }
                None
            });
        let patience = self.input.queues[q].patience_s;
        let deadline = match patience {
            Some(p) if agent.is_none() => t + p * self.exp1(),
            _ => f64::INFINITY,
        };
        let call = Call {
            arrival: t,
            deadline,
            cell,
            escalated,
        };
        match agent {
            Some(a) => self.serve(a, q, call, t),
            None => self.queues[q].push_back(call),
        }
    }

    fn complete(&mut self, a: u32, t: f64) {
        self.events += 1;
        self.busy[a as usize] = false;
        let (q, escalated) = self.serving[a as usize];
        let q = q as usize;
        if !escalated && let Some(to) = self.input.escalate_to {
            let share = self.input.queues[q].escalate;
            if share > 0.0 && rand::RngExt::random::<f64>(&mut self.rng) < share {
                self.arrive(to, t, true);
            }
        }
        if self.avail[a as usize] && !self.take_work(a, t) {
            let slot = self.idle_slot(a);
            self.idle[slot].push(a);
        }
    }

    /// Availability changes at change point `ci`: only the agents whose availability
    /// differs from the previous point are touched (an idle agent never coexists with a
    /// call it may take, so the others have nothing new to do).
    fn change(&mut self, ci: usize, t: f64) {
        self.events += 1;
        let plan = self.plan;
        let now = &plan.available[ci];
        if ci > 0 {
            for &a in &plan.available[ci - 1] {
                if now.binary_search(&a).is_err() {
                    self.avail[a as usize] = false;
                    let slot = self.idle_slot(a);
                    if let Some(k) = self.idle[slot].iter().position(|&x| x == a) {
                        self.idle[slot].remove(k);
                    }
                }
            }
        }
        for &a in now {
            if self.avail[a as usize] {
                continue;
            }
            self.avail[a as usize] = true;
            if !self.busy[a as usize] && !self.take_work(a, t) {
                let slot = self.idle_slot(a);
                self.idle[slot].push(a);
            }
        }
    }

    fn run(mut self) -> (Vec<CellCount>, u64, u64) {
        let nq = self.nq;
        let mut next: Vec<f64> = (0..nq).map(|q| self.next_arrival(q, 0.0)).collect();
        let mut ci = 0usize;
        loop {
            let (qa, ta) =
                next.iter()
                    .enumerate()
                    .fold((usize::MAX, f64::INFINITY), |best, (q, &t)| {
                        if t < best.1 { (q, t) } else { best }
                    });
            let td = self
                .done
                .peek()
                .map(|Reverse((bits, _))| f64::from_bits(*bits))
                .unwrap_or(f64::INFINITY);
            let tc = self.plan.changes.get(ci).copied().unwrap_or(f64::INFINITY);
            if tc <= ta && tc <= td {
                if tc >= self.plan.horizon {
                    break;
                }
                self.change(ci, tc);
                ci += 1;
            } else if td <= ta {
                if td >= self.plan.horizon {
                    break;
                }
                let Reverse((_, a)) = self.done.pop().expect("peeked");
                self.complete(a, td);
            } else {
                if ta >= self.plan.horizon {
                    break;
                }
                self.arrive(qa, ta, false);
                next[qa] = self.next_arrival(qa, ta);
            }
        }
        // The centre closes at the horizon: calls still waiting count as abandoned.
        for q in 0..nq {
            while let Some(c) = self.queues[q].pop_front() {
                self.cells[c.cell as usize].abandoned += 1;
                self.cells[c.cell as usize].waited += 1;
            }
        }
        (self.cells, self.events, self.calls)
    }
}

// ---------------------------------------------------------------------------------------
// Aggregation over replications.

#[derive(Clone, Copy, Default)]
struct Moments {
    n: u32,
    sum: f64,
    sumsq: f64,
}

impl Moments {
    #[inline]
    fn add(&mut self, x: f64) {
        self.n += 1;
        self.sum += x;
        self.sumsq += x * x;
    }
    fn merge(&mut self, o: &Moments) {
        self.n += o.n;
        self.sum += o.sum;
        self.sumsq += o.sumsq;
    }
    fn estimate(&self) -> Option<Estimate> {
        if self.n == 0 {
            return None;
        }
        let n = self.n as f64;
        let mean = self.sum / n;
        let half = if self.n > 1 {
            let var = ((self.sumsq - n * mean * mean) / (n - 1.0)).max(0.0);
            t975(self.n - 1) * (var / n).sqrt()
        } else {
            f64::INFINITY
        };
        Some(Estimate {
            mean,
            lo: mean - half,
            hi: mean + half,
            n: self.n,
        })
    }
}

/// Two-sided 95 % Student t quantile.
pub fn t975(df: u32) -> f64 {
    const T: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => f64::INFINITY,
        1..=30 => T[df as usize - 1],
        // Cornish–Fisher: z + (z³ + z) / (4·df)
        _ => 1.959964 + 2.372 / df as f64,
    }
}

const METRICS: usize = 5; // sl, asa, abandon, occupancy, p_wait

#[derive(Clone)]
struct Acc {
    cells: Vec<[Moments; METRICS]>,
    offered: Vec<f64>,
    totals: Vec<[Moments; METRICS]>,
    total_offered: Vec<f64>,
    events: u64,
    calls: u64,
}

impl Acc {
    fn new(ncells: usize, nq: usize) -> Self {
        Acc {
            cells: vec![[Moments::default(); METRICS]; ncells],
            offered: vec![0.0; ncells],
            totals: vec![[Moments::default(); METRICS]; nq],
            total_offered: vec![0.0; nq],
            events: 0,
            calls: 0,
        }
    }

    fn add_rep(&mut self, counts: &[CellCount], staffed: &[f64], nq: usize, range: (usize, usize)) {
        let metrics = |c: &CellCount, staffed: f64| -> [Option<f64>; METRICS] {
            let off = c.offered as f64;
            [
                (c.offered > 0).then(|| c.within as f64 / off),
                (c.answered > 0).then(|| c.wait_sum / c.answered as f64),
                (c.offered > 0).then(|| c.abandoned as f64 / off),
                (staffed > 0.0).then(|| c.busy_s / staffed),
                (c.offered > 0).then(|| c.waited as f64 / off),
            ]
        };
        for (i, c) in counts.iter().enumerate() {
            self.offered[i] += c.offered as f64;
            for (m, v) in self.cells[i].iter_mut().zip(metrics(c, staffed[i])) {
                if let Some(v) = v {
                    m.add(v);
                }
            }
        }
        for q in 0..nq {
            let mut sum = CellCount::default();
            let mut st = 0.0;
            for i in range.0..range.1 {
                let c = &counts[i * nq + q];
                sum.offered += c.offered;
                sum.answered += c.answered;
                sum.within += c.within;
                sum.abandoned += c.abandoned;
                sum.waited += c.waited;
                sum.wait_sum += c.wait_sum;
                sum.busy_s += c.busy_s;
                st += staffed[i * nq + q];
            }
            self.total_offered[q] += sum.offered as f64;
            for (m, v) in self.totals[q].iter_mut().zip(metrics(&sum, st)) {
                if let Some(v) = v {
                    m.add(v);
                }
            }
        }
    }

    fn merge(&mut self, o: &Acc) {
        for (a, b) in self.cells.iter_mut().zip(&o.cells) {
            for (x, y) in a.iter_mut().zip(b) {
                x.merge(y);
            }
        }
        for (a, b) in self.offered.iter_mut().zip(&o.offered) {
            *a += b;
        }
        for (a, b) in self.totals.iter_mut().zip(&o.totals) {
            for (x, y) in a.iter_mut().zip(b) {
                x.merge(y);
            }
        }
        for (a, b) in self.total_offered.iter_mut().zip(&o.total_offered) {
            *a += b;
        }
        self.events += o.events;
        self.calls += o.calls;
    }
}

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
