//! Closed-form queueing for one interval of calls: Erlang B, Erlang C (M/M/n) and
//! Erlang A (M/M/n+M, exponential patience), and the staffing search on top of them.
//!
//! Everything is numerically stable at any size: Erlang B uses the recursion
//! `B_k = A·B_(k−1) / (k + A·B_(k−1))` (no `A^n/n!`), and Erlang A sums its birth–death
//! chain in log space before normalising.

use serde::Serialize;

use super::TrafficError;

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
        check_pos("handle time", aht_s)?;
        if let Some(p) = patience_s {
            check_pos("patience", p)?;
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
    if n == 0 {
        return Err(TrafficError::Invalid("agents must be at least 1".into()));
    }
    check_nonneg("target answer time", t_s)?;
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

/// Erlang A by its birth–death chain: states k < n (no queue) have weight A^k/k!,
/// state n + j has weight (A^n/n!)·Π_(i=1..j) λ/(nμ + iθ). An arrival finding n + j in
/// the system has j calls ahead; its offered wait V is a sum of exponentials with rates
/// nμ + iθ, i = j..0 (service completions or abandonments ahead), and it is answered iff
/// V is below its own Exp(θ) patience. Means come from a one-pass recursion; the
/// distribution at t from its closed form (incomplete gamma functions).
fn erlang_a_metrics(
    q: &QueueSpec,
    n: u32,
    t_s: f64,
    patience_s: f64,
    b: f64,
) -> Result<Metrics, TrafficError> {
    let a = q.offered_load;
    let mu = 1.0 / q.aht_s;
    let lam = a * mu;
    let theta = 1.0 / patience_s;
    let nmu = n as f64 * mu;
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
    // log weights of states 0..=n
    let ln_a = a.ln();
    let mut lw = Vec::with_capacity(n as usize + 1);
    lw.push(0.0f64);
    for k in 1..=n {
        let prev = lw[k as usize - 1];
        lw.push(prev + ln_a - (k as f64).ln());
    }
    let mut max_lw = lw.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    // log weights of the queue states n+1, n+2, ... until negligible and falling.
    let ln_lam = lam.ln();
    let mut lq: Vec<f64> = Vec::new();
    let mut cur = lw[n as usize];
    const MAX_QUEUE: usize = 5_000_000;
    loop {
        let j = lq.len() + 1;
        let rate = nmu + j as f64 * theta;
        cur += ln_lam - rate.ln();
        lq.push(cur);
        if cur > max_lw {
            max_lw = cur;
        }
        if rate > lam && cur < max_lw - 60.0 {
            break;
        }
        if lq.len() >= MAX_QUEUE {
            return Err(TrafficError::Invalid(format!(
                "Erlang A queue does not settle (load {a:.1} erlangs on {n} agents with patience {patience_s} s)"
            )));
        }
    }
    let z: f64 = lw.iter().chain(lq.iter()).map(|x| (x - max_lw).exp()).sum();
    let ln_z = z.ln() + max_lw;
    let p_free: f64 = lw[..n as usize].iter().map(|x| (x - ln_z).exp()).sum();
    // waiting[j] = P(an arrival finds j calls ahead of it in the queue)
    let mut waiting = Vec::with_capacity(lq.len() + 1);
    waiting.push((lw[n as usize] - ln_z).exp());
    waiting.extend(lq.iter().map(|x| (x - ln_z).exp()));
    let p_wait: f64 = waiting.iter().sum();
    let mean_queue: f64 = waiting.iter().enumerate().map(|(j, p)| j as f64 * p).sum();
    let p_abandon = (theta * mean_queue / lam).min(1.0);
    let mean_wait_all = mean_queue / lam;

    // E[V·1{answered}] by recursion over the calls ahead.
    let mut ans_prev = 1.0;
    let mut m_prev = 0.0;
    let mut e_wait_answered = 0.0;
    for (j, p) in waiting.iter().enumerate() {
        let r = nmu + j as f64 * theta;
        let total = r + theta;
        let ans = r / total * ans_prev;
        let m = r / total * (ans_prev / total + m_prev);
        e_wait_answered += p * m;
        ans_prev = ans;
        m_prev = m;
    }
    let answered = 1.0 - p_abandon;
    let asa_answered = if answered > 0.0 {
        e_wait_answered / answered
    } else {
        0.0
    };

    let ln_pi_n = lw[n as usize] - ln_z;
    let served_by_t = waited_and_answered_by(ln_pi_n, nmu, lam, theta, t_s, true);
    let reached_by_t = waited_and_answered_by(ln_pi_n, nmu, lam, theta, t_s, false);
    let sl = (p_free + served_by_t).min(1.0);
    let sl_virtual = (p_free + reached_by_t).min(1.0);
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

/// ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; relative error about 1e-15).
fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // reflection
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = C[0];
    for (i, c) in C.iter().enumerate().skip(1) {
        sum += c / (x + i as f64);
    }
    let t = x + G + 0.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

/// Regularised lower incomplete gamma P(a, x) (series below a + 1, continued fraction above).
fn gamma_p(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    let log_front = -x + a * x.ln() - ln_gamma(a);
    if x < a + 1.0 {
        let mut ap = a;
        let mut del = 1.0 / a;
        let mut sum = del;
        for _ in 0..1_000_000 {
            ap += 1.0;
            del *= x / ap;
            sum += del;
            if del.abs() < sum.abs() * 1e-17 {
                break;
            }
        }
        (sum.ln() + log_front).exp().min(1.0)
    } else {
        // Lentz's continued fraction for Q(a, x)
        let tiny = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / tiny;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..1_000_000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < tiny {
                d = tiny;
            }
            c = b + an / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            let del = d * c;
            h *= del;
            if (del - 1.0).abs() < 1e-17 {
                break;
            }
        }
        (1.0 - (h.ln() + log_front).exp()).max(0.0)
    }
}

/// Probability that an arrival waits and then reaches an agent within `t` (and, with
/// `own_patience`, before hanging up itself). Mixing the offered wait of a call with j
/// ahead over the arrival distribution gives the defective density
/// `f(v) = π_n·nμ·e^x·exp(−nμ·v − x·e^(−θv))`, x = λ/θ, whose integrals are incomplete
/// gamma functions with a = nμ/θ:
/// virtual: `π_n·a·e^x·x^(−a)·[γ(a, x) − γ(a, x·e^(−θt))]`; with the caller's own
/// Exp(θ) patience the same with a + 1 and x^(−a−1).
fn waited_and_answered_by(ln_pi_n: f64, nmu: f64, lam: f64, theta: f64, t: f64, own: bool) -> f64 {
    if t <= 0.0 {
        return 0.0;
    }
    let a = nmu / theta;
    let x = lam / theta;
    let b = if own { a + 1.0 } else { a };
    let ln_front = ln_pi_n + a.ln() + x - b * x.ln() + ln_gamma(b);
    let diff = gamma_p(b, x) - gamma_p(b, x * (-theta * t).exp());
    (ln_front.exp() * diff).clamp(0.0, 1.0)
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
pub fn staff(q: &QueueSpec, targets: &Targets) -> Result<Staffing, TrafficError> {
    targets.validate()?;
    let a = q.offered_load;
    let zero = |model| Staffing {
        required_agents: 0,
        scheduled_agents: 0,
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
    let n = match q.patience_s {
        None => {
            // Walk n upward from 1 carrying Erlang B along (O(n) in all); SL and
            // occupancy only improve with n, so the first n meeting all targets is it.
            let mut b = 1.0;
            let mut n = 0u32;
            loop {
                n += 1;
                b = a * b / (n as f64 + a * b);
                if (n as f64) <= a || a / (n as f64) > targets.max_occupancy + 1e-12 {
                    continue;
                }
                let m = erlang_c_metrics(q, n, targets.answer_s, b);
                if meets(&m, targets) {
                    break n;
                }
                if n == u32::MAX - 1 {
                    return Err(TrafficError::Invalid(
                        "no staffing meets the targets".into(),
                    ));
                }
            }
        }
        Some(_) => {
            // Erlang A can need fewer than A agents when callers are impatient, so the search
            // starts at 1. Service level rises and abandonment and occupancy fall with n:
            // gallop to a feasible n, then bisect.
            let ok = |n: u32| -> Result<bool, TrafficError> {
                Ok(meets(&metrics(q, n, targets.answer_s)?, targets))
            };
            // Calls answered within t are at most the served load, n/A of the offered
            // calls, so any n below A·SL is infeasible: start just under that.
            let mut lo = ((a * targets.service_level).ceil() as u32).saturating_sub(1);
            let mut step = 1u32;
            let mut hi = lo + 1;
            while !ok(hi)? {
                lo = hi;
                hi = hi
                    .checked_add(step)
                    .ok_or_else(|| TrafficError::Invalid("no staffing meets the targets".into()))?;
                step = step.saturating_mul(2);
            }
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if ok(mid)? {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            hi
        }
    };
    Ok(Staffing {
        required_agents: n,
        scheduled_agents: scheduled_agents(n, targets.shrinkage),
        metrics: metrics(q, n, targets.answer_s)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erlang_b_huge_load_is_finite() {
        let b = erlang_b(12345.0, 12421);
        assert!(b.is_finite() && b > 0.0 && b < 1.0);
        let c = erlang_c(12345.0, 12421);
        assert!(c.is_finite() && c > b && c < 1.0);
    }

    #[test]
    fn scheduled_rounding_is_exact() {
        assert_eq!(scheduled_agents(14, 0.3), 20);
        assert_eq!(scheduled_agents(15, 0.3), 22);
        assert_eq!(scheduled_agents(10, 0.0), 10);
    }
}
