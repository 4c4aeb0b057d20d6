//! Closed-form queueing for one interval of calls: Erlang B, Erlang C (M/M/n) and
//! Erlang A (M/M/n+M, exponential patience), and the staffing search on top of them.
//!
//! Everything is numerically stable at any size: Erlang B uses the recursion
//! `B_k = A·B_(k−1) / (k + A·B_(k−1))` (no `A^n/n!`), and Erlang A integrates the offered
//! wait's density in log space, so it tends to Erlang C as patience grows. Sizes are
//! bounded (`MAX_*` below) so every evaluation and search ends quickly.

use serde::Serialize;

use super::TrafficError;

/// Largest offered load (erlangs) one interval may carry: far above any call centre, and
/// small enough that Erlang B's O(n) recursion and the staffing search stay fast.
pub const MAX_OFFERED_LOAD: f64 = 100_000.0;
/// Largest number of agents an evaluation or a staffing search considers.
pub const MAX_AGENTS: u32 = 1_000_000;
/// Longest mean handle time or answer target, in seconds (a day).
pub const MAX_SECONDS: f64 = 86_400.0;
/// Longest mean patience, in seconds (about 32 years: "never hangs up" for any figure).
pub const MAX_PATIENCE_S: f64 = 1e9;

/// One interval's queue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QueueSpec {
    /// Offered load A in erlangs (arrival rate × mean handle time).
    pub offered_load: f64,
    /// Mean handle time in seconds (the unit of time for waits).
    pub aht_s: f64,
    /// Mean of an exponential patience in seconds; `None`: callers never hang up (Erlang C).
    pub patience_s: Option<f64>,
}

impl QueueSpec {
    /// From calls per interval, the interval length and the mean handle time.
    pub fn from_calls(
        calls: f64,
        interval_s: f64,
        aht_s: f64,
        patience_s: Option<f64>,
    ) -> Result<QueueSpec, TrafficError> {
        check_nonneg("calls", calls)?;
        check_pos("interval", interval_s)?;
        QueueSpec::new(calls / interval_s * aht_s, aht_s, patience_s)
    }

    pub fn new(
        offered_load: f64,
        aht_s: f64,
        patience_s: Option<f64>,
    ) -> Result<QueueSpec, TrafficError> {
        check_nonneg("offered load", offered_load)?;
        if offered_load > MAX_OFFERED_LOAD {
            return Err(TrafficError::Invalid(format!(
                "offered load must be at most {MAX_OFFERED_LOAD} erlangs, got {offered_load}"
            )));
        }
        check_pos("handle time", aht_s)?;
        check_at_most("handle time", aht_s, MAX_SECONDS)?;
        if let Some(p) = patience_s {
            check_pos("patience", p)?;
            check_at_most("patience", p, MAX_PATIENCE_S)?;
        }
        Ok(QueueSpec {
            offered_load,
            aht_s,
            patience_s,
        })
    }
}

fn check_pos(what: &str, v: f64) -> Result<(), TrafficError> {
    if v.is_finite() && v > 0.0 {
        Ok(())
    } else {
        Err(TrafficError::Invalid(format!(
            "{what} must be a positive number, got {v}"
        )))
    }
}

fn check_at_most(what: &str, v: f64, max: f64) -> Result<(), TrafficError> {
    if v <= max {
        Ok(())
    } else {
        Err(TrafficError::Invalid(format!(
            "{what} must be at most {max}, got {v}"
        )))
    }
}

fn check_nonneg(what: &str, v: f64) -> Result<(), TrafficError> {
    if v.is_finite() && v >= 0.0 {
        Ok(())
    } else {
        Err(TrafficError::Invalid(format!(
            "{what} must be zero or more, got {v}"
        )))
    }
}

fn check_fraction(what: &str, v: f64, allow_one: bool) -> Result<(), TrafficError> {
    let ok = v.is_finite() && v >= 0.0 && (if allow_one { v <= 1.0 } else { v < 1.0 });
    if ok {
        Ok(())
    } else {
        let range = if allow_one {
            "0 to 1"
        } else {
            "0 up to (not including) 1"
        };
        Err(TrafficError::Invalid(format!(
            "{what} must be {range}, got {v}"
        )))
    }
}

/// Erlang B blocking probability B(n, A).
pub fn erlang_b(a: f64, n: u32) -> f64 {
    let mut b = 1.0;
    for k in 1..=n {
        b = a * b / (k as f64 + a * b);
    }
    b
}

/// Erlang C probability of waiting from Erlang B: `C = n·B / (n − A·(1 − B))`; 1 when n ≤ A.
fn erlang_c_from_b(a: f64, n: u32, b: f64) -> f64 {
    let nf = n as f64;
    if nf <= a {
        1.0
    } else {
        (nf * b / (nf - a * (1.0 - b))).min(1.0)
    }
}

/// Erlang C probability of waiting C(n, A); 1 when n ≤ A (the queue is unstable).
pub fn erlang_c(a: f64, n: u32) -> f64 {
    erlang_c_from_b(a, n, erlang_b(a, n))
}

/// The performance of one interval with a given number of productive agents.
/// Field names are those of the reference vectors (and `roster erlang --json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metrics {
    pub model: &'static str,
    pub offered_load_erlangs: f64,
    pub agents: u32,
    /// Erlang C: C(n, A). Erlang A: P(an arriving call waits).
    pub p_wait: f64,
    pub immediate_answer: f64,
    /// B(n, A), the Erlang B building block.
    pub erlang_b: f64,
    /// Calls answered within the target time ÷ all offered calls (abandoned ones fail).
    pub service_level: f64,
    /// Average speed of answer: Erlang C, mean wait of all calls (∞, serialised as null,
    /// when n ≤ A); Erlang A, mean wait of the answered calls.
    pub asa_s: f64,
    /// Served load ÷ agents.
    pub occupancy: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p_abandon: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_wait_all_s: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asa_answered_s: Option<f64>,
    /// Answered within t ÷ answered calls.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sl_answered: Option<f64>,
    /// P(the offered wait, ignoring the caller's own patience, is at most t).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sl_virtual: Option<f64>,
}

/// Erlang C (no patience) or Erlang A (with patience) for `n` agents and target time `t_s`.
pub fn metrics(q: &QueueSpec, n: u32, t_s: f64) -> Result<Metrics, TrafficError> {
    if n == 0 || n > MAX_AGENTS {
        return Err(TrafficError::Invalid(format!(
            "agents must be 1 to {MAX_AGENTS}, got {n}"
        )));
    }
    check_nonneg("target answer time", t_s)?;
    check_at_most("target answer time", t_s, MAX_SECONDS)?;
    let b = erlang_b(q.offered_load, n);
    match q.patience_s {
        None => Ok(erlang_c_metrics(q, n, t_s, b)),
        Some(p) => erlang_a_metrics(q, n, t_s, p, b),
    }
}

fn erlang_c_metrics(q: &QueueSpec, n: u32, t_s: f64, b: f64) -> Metrics {
    let a = q.offered_load;
    let nf = n as f64;
    let c = erlang_c_from_b(a, n, b);
    let (sl, asa) = if nf <= a {
        (0.0, f64::INFINITY)
    } else {
        (
            1.0 - c * (-(nf - a) * t_s / q.aht_s).exp(),
            c * q.aht_s / (nf - a),
        )
    };
    Metrics {
        model: "erlang_c",
        offered_load_erlangs: a,
        agents: n,
        p_wait: c,
        immediate_answer: 1.0 - c,
        erlang_b: b,
        service_level: sl,
        asa_s: asa,
        occupancy: (a / nf).min(1.0),
        p_abandon: None,
        mean_wait_all_s: None,
        asa_answered_s: None,
        sl_answered: None,
        sl_virtual: None,
    }
}

/// Erlang A from the offered wait V of an arrival (the time until an agent would reach
/// it, ignoring its own patience). Its defective density on v > 0 is
/// `f(v) = π_n·nμ·exp(g(v))` with `g(v) = x·(1 − e^(−θv)) − nμ·v`, x = λ/θ (the mixture,
/// over the calls found ahead, of sums of exponentials with rates nμ + iθ), so every
/// figure is a one-dimensional integral of `exp(g)`:
/// P(wait) = π_n·nμ·∫f, answered within t = ∫_0^t f·e^(−θv), abandoned = ∫f·(1 − e^(−θv)).
/// `g` is concave and tends to `(λ − nμ)·v` as θ → 0, so the figures tend to Erlang C's as
/// patience grows; integrating `exp(g − max g)` piecewise keeps that limit exact in
/// floating point, where closed forms through incomplete gamma functions of order nμ/θ
/// cancel catastrophically once patience is long.
fn erlang_a_metrics(
    q: &QueueSpec,
    n: u32,
    t_s: f64,
    patience_s: f64,
    b: f64,
) -> Result<Metrics, TrafficError> {
    let a = q.offered_load;
    if a == 0.0 {
        return Ok(Metrics {
            model: "erlang_a",
            offered_load_erlangs: 0.0,
            agents: n,
            p_wait: 0.0,
            immediate_answer: 1.0,
            erlang_b: b,
            service_level: 1.0,
            asa_s: 0.0,
            occupancy: 0.0,
            p_abandon: Some(0.0),
            mean_wait_all_s: Some(0.0),
            asa_answered_s: Some(0.0),
            sl_answered: Some(1.0),
            sl_virtual: Some(1.0),
        });
    }
    let mu = 1.0 / q.aht_s;
    let shape = WaitShape::new(a * mu, n as f64 * mu, 1.0 / patience_s);
    let whole = shape.integrals(f64::INFINITY);
    let by_t = shape.integrals(t_s);
    // P(wait) = Q / (1 − B + Q) with Q = B·nμ·∫exp(g): the states with a queue against
    // those with a free agent, whose weights relative to π_n Erlang B gives.
    let p_wait = if b > 0.0 && whole.plain > 0.0 {
        let ln_q = b.ln() + shape.nmu.ln() + shape.g_max + whole.plain.ln();
        if ln_q > 0.0 {
            1.0 / (1.0 + (1.0 - b) * (-ln_q).exp())
        } else {
            let qv = ln_q.exp();
            qv / (1.0 - b + qv)
        }
    } else {
        0.0
    };
    let share = |x: f64| {
        if whole.plain > 0.0 {
            x / whole.plain
        } else {
            0.0
        }
    };
    let mean_wait_all = p_wait * share(whole.time_in_queue);
    let p_abandon = (shape.theta * mean_wait_all).clamp(0.0, 1.0);
    let answered = 1.0 - p_abandon;
    let asa_answered = if answered > 0.0 {
        p_wait * share(whole.answered_wait) / answered
    } else {
        0.0
    };
    let p_free = 1.0 - p_wait;
    let sl = (p_free + p_wait * share(by_t.answered)).clamp(0.0, 1.0);
    let sl_virtual = (p_free + p_wait * share(by_t.plain)).clamp(0.0, 1.0);
    Ok(Metrics {
        model: "erlang_a",
        offered_load_erlangs: a,
        agents: n,
        p_wait,
        immediate_answer: p_free,
        erlang_b: b,
        service_level: sl,
        asa_s: asa_answered,
        occupancy: (a * answered / n as f64).min(1.0),
        p_abandon: Some(p_abandon),
        mean_wait_all_s: Some(mean_wait_all),
        asa_answered_s: Some(asa_answered),
        sl_answered: Some(if answered > 0.0 {
            (sl / answered).min(1.0)
        } else {
            0.0
        }),
        sl_virtual: Some(sl_virtual),
    })
}

/// `g(v) = λ·E(v) − nμ·v` with `E(v) = (1 − e^(−θv))/θ`, the exponent of the offered
/// wait's density, and where it matters.
struct WaitShape {
    lam: f64,
    nmu: f64,
    theta: f64,
    /// g at its maximum.
    g_max: f64,
    /// Points where g falls by `LEVEL_STEP` more, from the lowest relevant v to the
    /// highest: outside them exp(g − g_max) is below e^(−LEVEL_DROP).
    breaks: Vec<f64>,
}

/// Integrals of exp(g − g_max) times 1, e^(−θv) (answered), v·e^(−θv) (wait of answered
/// calls) and E(v) (time in queue, answered or not).
#[derive(Debug, Default)]
struct WaitIntegrals {
    plain: f64,
    answered: f64,
    answered_wait: f64,
    time_in_queue: f64,
}

const LEVEL_STEP: f64 = 2.0;
const LEVEL_DROP: f64 = 50.0;

/// `(1 − e^(−θv))/θ`, which tends to v as θ → 0 without cancelling.
fn decay_integral(theta: f64, v: f64) -> f64 {
    let tv = theta * v;
    if tv == 0.0 {
        v
    } else {
        -(-tv).exp_m1() / theta
    }
}

impl WaitShape {
    fn new(lam: f64, nmu: f64, theta: f64) -> WaitShape {
        let mut s = WaitShape {
            lam,
            nmu,
            theta,
            g_max: 0.0,
            breaks: Vec::new(),
        };
        // g'(v) = λe^(−θv) − nμ vanishes at v* when λ > nμ; otherwise g falls from 0.
        let mode = if lam > nmu {
            (lam / nmu).ln() / theta
        } else {
            0.0
        };
        s.g_max = s.g(mode);
        let floor = s.g_max - LEVEL_DROP;
        // the far end: g falls at least linearly beyond the mode, so doubling finds it
        let mut reach = 1.0 / nmu;
        for _ in 0..2100 {
            if s.g(mode + reach) < floor {
                break;
            }
            reach *= 2.0;
        }
        let levels = (LEVEL_DROP / LEVEL_STEP) as usize;
        let mut below = Vec::new();
        if mode > 0.0 {
            for k in (1..=levels).rev() {
                let level = s.g_max - k as f64 * LEVEL_STEP;
                if s.g(0.0) < level {
                    below.push(s.crossing(0.0, mode, level, true));
                }
            }
            below.insert(0, 0.0);
            below.dedup();
        }
        let mut breaks = below;
        breaks.push(mode);
        for k in 1..=levels {
            let level = s.g_max - k as f64 * LEVEL_STEP;
            breaks.push(s.crossing(mode, mode + reach, level, false));
        }
        breaks.dedup();
        s.breaks = breaks;
        s
    }

    fn g(&self, v: f64) -> f64 {
        self.lam * decay_integral(self.theta, v) - self.nmu * v
    }

    /// The v in [lo, hi] where g crosses `level`, g rising on the interval if `rising`.
    fn crossing(&self, mut lo: f64, mut hi: f64, level: f64, rising: bool) -> f64 {
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if mid <= lo || mid >= hi {
                break;
            }
            if (self.g(mid) < level) == rising {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        0.5 * (lo + hi)
    }

    /// The integrals over [0, upto] (Gauss–Legendre on each piece between level points,
    /// where exp(g) changes by at most a factor e^LEVEL_STEP).
    fn integrals(&self, upto: f64) -> WaitIntegrals {
        const NODES: [(f64, f64); 4] = [
            (0.183_434_642_495_649_8, 0.362_683_783_378_362),
            (0.525_532_409_916_329, 0.313_706_645_877_887_3),
            (0.796_666_477_413_626_7, 0.222_381_034_453_374_5),
            (0.960_289_856_497_536_3, 0.101_228_536_290_376_26),
        ];
        let mut out = WaitIntegrals::default();
        for w in self.breaks.windows(2) {
            let (lo, hi) = (w[0], w[1].min(upto));
            if hi <= lo {
                continue;
            }
            let (mid, half) = (0.5 * (lo + hi), 0.5 * (hi - lo));
            for &(x, weight) in &NODES {
                for v in [mid - half * x, mid + half * x] {
                    let h = (self.g(v) - self.g_max).exp() * weight * half;
                    let keep = (-self.theta * v).exp();
                    out.plain += h;
                    out.answered += h * keep;
                    out.answered_wait += h * keep * v;
                    out.time_in_queue += h * decay_integral(self.theta, v);
                }
            }
        }
        out
    }
}

/// Targets of a staffing search.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Targets {
    /// Share of offered calls to answer within `answer_s`.
    pub service_level: f64,
    pub answer_s: f64,
    /// Largest occupancy (served load ÷ agents); 1 for no cap.
    pub max_occupancy: f64,
    /// Largest share of abandoned calls (Erlang A only).
    pub max_abandon: Option<f64>,
    /// Share of paid time not on the phones; scheduled = ceil(required / (1 − shrinkage)).
    pub shrinkage: f64,
}

impl Targets {
    pub fn validate(&self) -> Result<(), TrafficError> {
        check_fraction("service level target", self.service_level, true)?;
        check_nonneg("target answer time", self.answer_s)?;
        check_at_most("target answer time", self.answer_s, MAX_SECONDS)?;
        check_fraction("max occupancy", self.max_occupancy, true)?;
        if self.max_occupancy <= 0.0 {
            return Err(TrafficError::Invalid(
                "max occupancy must be above 0".into(),
            ));
        }
        if let Some(m) = self.max_abandon {
            check_fraction("max abandon", m, true)?;
        }
        check_fraction("shrinkage", self.shrinkage, false)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Staffing {
    /// Smallest number of productive agents meeting every target.
    pub required_agents: u32,
    /// `ceil(required / (1 − shrinkage))`: heads to schedule.
    pub scheduled_agents: u32,
    /// Erlang evaluations the search made (O(log n)); not part of the output.
    #[serde(skip)]
    pub evaluations: u32,
    /// The performance at `required_agents`.
    #[serde(flatten)]
    pub metrics: Metrics,
}

/// `ceil(required / (1 − shrinkage))`, robust to float noise (14 / 0.7 is 20, not 21).
pub fn scheduled_agents(required: u32, shrinkage: f64) -> u32 {
    let raw = required as f64 / (1.0 - shrinkage);
    (raw - 1e-9).ceil().max(required as f64) as u32
}

fn meets(m: &Metrics, t: &Targets) -> bool {
    const EPS: f64 = 1e-12;
    m.service_level + EPS >= t.service_level
        && m.occupancy <= t.max_occupancy + EPS
        && match (t.max_abandon, m.p_abandon) {
            (Some(cap), Some(p)) => p <= cap + EPS,
            _ => true,
        }
}

/// The smallest number of productive agents meeting every target, with the scheduled heads.
/// With no calls the answer is 0 agents.
///
/// Service level rises and abandonment and occupancy fall with n, so whether n meets the
/// targets is monotone in n: gallop up from a number known to fall short, then bisect.
/// That is O(log n) evaluations (each O(n) for Erlang B), never a walk over every n.
pub fn staff(q: &QueueSpec, targets: &Targets) -> Result<Staffing, TrafficError> {
    targets.validate()?;
    let a = q.offered_load;
    let zero = |model| Staffing {
        required_agents: 0,
        scheduled_agents: 0,
        evaluations: 0,
        metrics: Metrics {
            model,
            offered_load_erlangs: 0.0,
            agents: 0,
            p_wait: 0.0,
            immediate_answer: 1.0,
            erlang_b: 0.0,
            service_level: 1.0,
            asa_s: 0.0,
            occupancy: 0.0,
            p_abandon: None,
            mean_wait_all_s: None,
            asa_answered_s: None,
            sl_answered: None,
            sl_virtual: None,
        },
    };
    if a == 0.0 {
        return Ok(zero(if q.patience_s.is_some() {
            "erlang_a"
        } else {
            "erlang_c"
        }));
    }
    // A number of agents known to fall short (0 stands for "none").
    let short = match q.patience_s {
        // Erlang C has no steady state at n ≤ A, and its occupancy is A/n.
        None => (a.floor() as u32).max((a / targets.max_occupancy).ceil() as u32 - 1),
        // Erlang A can need fewer than A agents when callers are impatient, but calls
        // answered within t are at most the served load, n/A of the offered calls, so
        // any n below A·SL falls short.
        Some(_) => ((a * targets.service_level).ceil() as u32).saturating_sub(1),
    };
    let mut evaluations = 0u32;
    let mut meets_at = |n: u32| -> Result<bool, TrafficError> {
        if n > MAX_AGENTS {
            return Err(TrafficError::Invalid(format!(
                "no staffing up to {MAX_AGENTS} agents meets the targets"
            )));
        }
        evaluations += 1;
        Ok(meets(&metrics(q, n, targets.answer_s)?, targets))
    };
    let mut lo = short;
    let mut step = 1u32;
    let mut hi = lo + 1;
    while !meets_at(hi)? {
        lo = hi;
        hi = hi.saturating_add(step);
        step = step.saturating_mul(2);
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if meets_at(mid)? {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Ok(Staffing {
        required_agents: hi,
        scheduled_agents: scheduled_agents(hi, targets.shrinkage),
        evaluations,
        metrics: metrics(q, hi, targets.answer_s)?,
    })
}

#[cfg(test)]
mod tests;
