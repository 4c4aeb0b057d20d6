//! What a replication needs from the input, worked out once: when agents are available,
//! who may help which queue, and each queue's handle-time law.

use super::*;

pub(super) struct Plan {
    /// Times at which availability may change (interval boundaries, session starts/ends).
    pub(super) changes: Vec<f64>,
    /// For each change point, the agents available from it to the next.
    pub(super) available: Vec<Vec<u32>>,
    /// Staffed (available) seconds per cell, by the agents' seat type.
    pub(super) staffed_s: Vec<f64>,
    /// For each queue, the seat types whose agents may help it (higher seats, lowest first,
    /// then lower seats, highest first); an agent helps only a queue its grade qualifies for.
    pub(super) helpers: Vec<Vec<usize>>,
    /// For each seat type, the other queues its agents may help (any order; oldest call wins).
    pub(super) others: Vec<Vec<usize>>,
    /// Grades 0..grades occur; idle agents are kept per (seat type, grade).
    pub(super) grades: usize,
    pub(super) handle: Vec<Handle>,
    pub(super) horizon: f64,
}

#[derive(Clone, Copy)]
pub(super) enum Handle {
    Exp(f64),
    LogN { mu: f64, sigma: f64 },
}

impl Handle {
    #[inline]
    pub(super) fn sample(&self, rng: &mut ChaCha8Rng) -> f64 {
        match *self {
            Handle::Exp(mean) => mean * <Exp1 as Distribution<f64>>::sample(&Exp1, rng),
            Handle::LogN { mu, sigma } => {
                let z: f64 = StandardNormal.sample(rng);
                (mu + sigma * z).exp()
            }
        }
    }
}

pub(super) fn plan(input: &SimInput) -> Plan {
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
    // Time off the phones: per agent, windows [from, to) within its session.
    let breaks = if input.shrinkage > 0.0 {
        let breaks = breaks(input, horizon);
        for w in breaks.iter().flatten() {
            for t in [w.0, w.1] {
                if t > 0.0 && t < horizon {
                    changes.push(t);
                }
            }
        }
        changes.sort_by(f64::total_cmp);
        changes.dedup();
        breaks
    } else {
        vec![Vec::new(); input.agents.len()]
    };
    let (available, staffed_s) = availability(input, &changes, &breaks, horizon);
    let (helpers, others) = routing(input);
    let grades = input
        .agents
        .iter()
        .map(|a| a.grade)
        .chain(input.queues.iter().map(|q| q.min_grade))
        .max()
        .map_or(1, |g| g as usize + 1);
    Plan {
        changes,
        available,
        staffed_s,
        helpers,
        others,
        grades,
        handle: handle_laws(input),
        horizon,
    }
}

fn interval_of(input: &SimInput, t: f64) -> usize {
    ((t / input.interval_s) as usize).min(input.n_intervals - 1)
}

/// Each agent's windows [from, to) off the phones, within its session.
fn breaks(input: &SimInput, horizon: f64) -> Vec<Vec<(f64, f64)>> {
    let nq = input.queues.len();
    let interval_of = |t: f64| interval_of(input, t);
    let mut breaks: Vec<Vec<(f64, f64)>> = vec![Vec::new(); input.agents.len()];
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
    breaks
}

/// For each change point, the agents available from it to the next; and the staffed
/// seconds per cell, by the agents' seat type.
fn availability(
    input: &SimInput,
    changes: &[f64],
    breaks: &[Vec<(f64, f64)>],
    horizon: f64,
) -> (Vec<Vec<u32>>, Vec<f64>) {
    let nq = input.queues.len();
    let mut available = Vec::with_capacity(changes.len());
    let mut staffed_s = vec![0.0; input.n_intervals * nq];
    for (ci, &t) in changes.iter().enumerate() {
        let i = interval_of(input, t);
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
    (available, staffed_s)
}

/// For each queue the seat types that may help it, and for each seat type the other
/// queues its agents may help (see `Plan::helpers` and `Plan::others`).
fn routing(input: &SimInput) -> (Vec<Vec<usize>>, Vec<Vec<usize>>) {
    let nq = input.queues.len();
    let mut order: Vec<usize> = (0..nq).collect();
    order.sort_by_key(|&q| input.queues[q].min_grade);
    let helpers: Vec<Vec<usize>> = (0..nq)
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
    let others: Vec<Vec<usize>> = (0..nq)
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
    (helpers, others)
}

/// Each queue's handle-time law, with the lognormal's parameters worked out once.
fn handle_laws(input: &SimInput) -> Vec<Handle> {
    input
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
        .collect()
}
