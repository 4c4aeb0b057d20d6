//! Seat advice: how many agents of each seat type every interval needs on the phones for
//! the service level, first by Erlang A (Erlang C where callers never hang up), then
//! checked by simulating a day of each day type and raised where the simulation falls
//! short; and the per-shift demand (`[[demand]]` rows) that covers them.
//!
//! Shrinkage is applied once, where the roster is built: per shift and seat type, to the
//! agent-intervals the shift must keep on the phones (`shift_heads`), rounded once.
//! Rounding every interval up first turned one agent into two seats in every interval
//! and inflated the month's demand far beyond what the staff can work.
//!
//! Readings: each day type is simulated as one day on its own, starting with empty queues
//! at midnight (night traffic is light, so the start barely matters). A shift covers an
//! interval it spans entirely; a shift running past midnight covers the early intervals of
//! the same day type. The per-shift heads come from a greedy cover of the interval needs.

use serde::Serialize;

use super::TrafficError;
use super::adapt::{SimSettings, handle_time, senior_seat, traffic};
pub use super::capacity::{Capacity, CapacityLevel, capacity};
use super::erlang::{self, QueueSpec, Targets};
use super::sim::{SimAgent, SimInput, SimOptions, SimQueue, SimResult, simulate};
use crate::model::{DayType, Scenario, Traffic, format_clock};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdviseOptions {
    pub replications: u32,
    pub seed: u64,
    /// Rounds of simulate-and-raise.
    pub max_rounds: u32,
    pub settings: SimSettings,
}

impl Default for AdviseOptions {
    fn default() -> Self {
        AdviseOptions {
            replications: 200,
            seed: 1,
            max_rounds: 8,
            settings: SimSettings::default(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IntervalAdvice {
    pub day_type: &'static str,
    pub time: String,
    pub seat: String,
    pub calls: f64,
    /// Productive agents Erlang A/C asks for.
    pub erlang_agents: u32,
    /// Productive agents after the simulation check (at least `erlang_agents`).
    pub agents: u32,
    /// Heads on duty the interval needs, `agents ÷ (1 − shrinkage)`; not rounded here
    /// (the per-shift demand rounds once).
    pub seats: f64,
    /// Simulated service level and abandonment with `agents` (mean over replications).
    pub simulated_sl: Option<f64>,
    pub simulated_abandon: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShiftDemand {
    pub shift: String,
    pub seat: String,
    /// Agents the shift keeps on the phones, by day type (before shrinkage).
    pub agents: [u32; 3],
    pub weekday: u32,
    pub weekend: u32,
    pub holiday: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Advice {
    pub service_level: f64,
    pub answer_seconds: f64,
    pub replications: u32,
    pub seed: u64,
    pub intervals: Vec<IntervalAdvice>,
    pub demand: Vec<ShiftDemand>,
    /// The advised demand against what the staff can work.
    pub capacity: Capacity,
    pub warnings: Vec<String>,
}

pub(super) const DAY_TYPES: [DayType; 3] = [DayType::Weekday, DayType::Weekend, DayType::Holiday];

pub fn advise(sc: &Scenario, opts: &AdviseOptions) -> Result<Advice, TrafficError> {
    let t = traffic(sc)?;
    let per_day = (1440 / t.interval_minutes) as usize;
    let nseats = sc.seats.len();
    let targets = Targets {
        service_level: t.service_level,
        answer_s: t.answer_seconds,
        max_occupancy: t.max_occupancy,
        max_abandon: t.max_abandon,
        shrinkage: t.shrinkage,
    };
    let mut intervals = Vec::new();
    check_size(sc, opts)?;
    // productive agents [day type][seat][interval]
    let mut agents_needed = vec![vec![vec![0u32; per_day]; nseats]; 3];
    for (d, &dt) in DAY_TYPES.iter().enumerate() {
        let calls = day_calls(sc, t, dt, opts)?;
        let erl = erlang_agents(sc, t, &calls, &targets)?;
        agents_needed[d] = erl.clone();
        let r = raise_until_met(sc, t, &calls, &mut agents_needed[d], opts)?;
        let row = |s: usize| t.queues.iter().find(|q| q.seat == sc.seats[s].code);
        for s in 0..nseats {
            if row(s).is_none() && calls[s].iter().all(|&c| c == 0.0) {
                continue;
            }
            for i in 0..per_day {
                let c = &r.cells[i * nseats + s];
                intervals.push(IntervalAdvice {
                    day_type: dt.name(),
                    time: format_clock((i * t.interval_minutes as usize) as u32),
                    seat: sc.seats[s].code.clone(),
                    calls: calls[s][i],
                    erlang_agents: erl[s][i],
                    agents: agents_needed[d][s][i],
                    seats: agents_needed[d][s][i] as f64 / (1.0 - t.shrinkage),
                    simulated_sl: c.service_level.map(|e| e.mean),
                    simulated_abandon: c.abandon.map(|e| e.mean),
                });
            }
        }
    }
    let mut warnings = Vec::new();
    let demand = shift_demand(sc, t, &agents_needed, &mut warnings);
    let capacity = capacity(sc, &demand);
    warnings.extend(capacity.warnings());
    Ok(Advice {
        service_level: t.service_level,
        answer_seconds: t.answer_seconds,
        replications: opts.replications,
        seed: opts.seed,
        intervals,
        demand,
        capacity,
        warnings,
    })
}

/// Calls per seat type and interval on a day of type `dt`, escalations added to the senior
/// seat type.
fn day_calls(
    sc: &Scenario,
    t: &Traffic,
    dt: DayType,
    opts: &AdviseOptions,
) -> Result<Vec<Vec<f64>>, TrafficError> {
    let per_day = (1440 / t.interval_minutes) as usize;
    let nseats = sc.seats.len();
    let mut calls = vec![vec![0.0; per_day]; nseats];
    for (s, seat) in sc.seats.iter().enumerate() {
        if let Some(q) = t.queues.iter().find(|q| q.seat == seat.code) {
            let c = q.calls(dt);
            if c.len() != per_day {
                return Err(TrafficError::Invalid(format!(
                    "[[traffic.queue]] seat {}: {} values for {} intervals a day",
                    seat.code,
                    c.len(),
                    per_day
                )));
            }
            calls[s].copy_from_slice(c);
        }
    }
    if let Some(sen) = senior_seat(sc).filter(|_| opts.settings.escalate > 0.0) {
        let extra: Vec<f64> = (0..per_day)
            .map(|i| (0..nseats).filter(|&s| s != sen).map(|s| calls[s][i]).sum())
            .collect();
        for (c, e) in calls[sen].iter_mut().zip(extra) {
            *c += opts.settings.escalate * e;
        }
    }
    Ok(calls)
}

/// Productive agents Erlang A (C) asks for, per seat type and interval.
fn erlang_agents(
    sc: &Scenario,
    t: &Traffic,
    calls: &[Vec<f64>],
    targets: &Targets,
) -> Result<Vec<Vec<u32>>, TrafficError> {
    let per_day = (1440 / t.interval_minutes) as usize;
    let interval_s = t.interval_minutes as f64 * 60.0;
    let nseats = sc.seats.len();
    let row = |s: usize| t.queues.iter().find(|q| q.seat == sc.seats[s].code);
    let mut erl = vec![vec![0u32; per_day]; nseats];
    for s in 0..nseats {
        // escalated calls to a senior seat without its own row use the average AHT
        let aht = row(s).map(|q| q.aht_seconds).or_else(|| {
            (!t.queues.is_empty()).then(|| {
                t.queues.iter().map(|q| q.aht_seconds).sum::<f64>() / t.queues.len() as f64
            })
        });
        let Some(aht) = aht else { continue };
        let patience = row(s).and_then(|q| q.patience_seconds);
        for i in 0..per_day {
            let q = QueueSpec::from_calls(calls[s][i], interval_s, aht, patience)?;
            erl[s][i] = erlang::staff(&q, targets)?.required_agents;
        }
    }
    Ok(erl)
}

/// Simulates the day and raises the seats where it falls short, until it meets the targets
/// or the rounds run out; returns the last simulation.
fn raise_until_met(
    sc: &Scenario,
    t: &Traffic,
    calls: &[Vec<f64>],
    agents: &mut [Vec<u32>],
    opts: &AdviseOptions,
) -> Result<SimResult, TrafficError> {
    let interval_s = t.interval_minutes as f64 * 60.0;
    let mut last = None;
    for _ in 0..opts.max_rounds.max(1) {
        let input = day_input(sc, calls, agents, interval_s, opts)?;
        let r = simulate(
            &input,
            &SimOptions {
                replications: opts.replications,
                seed: opts.seed,
                ..SimOptions::default()
            },
        )?;
        let mut raised = false;
        for c in &r.cells {
            let short_sl = c.service_level.is_some_and(|e| e.mean < t.service_level);
            let short_ab = match (t.max_abandon, c.abandon) {
                (Some(cap), Some(e)) => e.mean > cap,
                _ => false,
            };
            if short_sl || short_ab {
                agents[c.queue][c.interval] += 1;
                raised = true;
            }
        }
        last = Some(r);
        if !raised {
            break;
        }
    }
    Ok(last.expect("at least one round"))
}

/// The per-shift demand that covers `agents_needed` [day type][seat][interval]; a warning
/// for every interval no shift covers.
fn shift_demand(
    sc: &Scenario,
    t: &Traffic,
    agents_needed: &[Vec<Vec<u32>>],
    warnings: &mut Vec<String>,
) -> Vec<ShiftDemand> {
    let per_day = (1440 / t.interval_minutes) as usize;
    let cover: Vec<Vec<usize>> = sc
        .shifts
        .iter()
        .map(|sh| {
            let m = t.interval_minutes;
            (0..per_day * 2)
                .filter(|&k| {
                    let (a, b) = (k as u32 * m, (k as u32 + 1) * m);
                    sh.start <= a && b <= sh.end
                })
                .map(|k| k % per_day)
                .collect()
        })
        .collect();
    let mut demand = Vec::new();
    for s in 0..sc.seats.len() {
        let mut agents = vec![[0u32; 3]; sc.shifts.len()];
        for (d, needs) in agents_needed.iter().enumerate() {
            let need = &needs[s];
            let h = greedy_cover(need, &cover);
            for (sh, v) in h.iter().enumerate() {
                agents[sh][d] = *v;
            }
            let uncovered: Vec<String> = (0..per_day)
                .filter(|&i| need[i] > 0 && !cover.iter().any(|c| c.contains(&i)))
                .map(|i| format_clock((i * t.interval_minutes as usize) as u32))
                .collect();
            if !uncovered.is_empty() {
                warnings.push(format!(
                    "seat {} ({}): no shift covers {} (needs seats there)",
                    sc.seats[s].code,
                    DAY_TYPES[d].name(),
                    uncovered.join(", ")
                ));
            }
        }
        for (sh, p) in agents.iter().enumerate() {
            if p.iter().any(|&x| x > 0) {
                let mut h = [0u32; 3];
                for d in 0..3 {
                    let need = &agents_needed[d][s];
                    let served: u64 = cover[sh].iter().map(|&i| need[i].min(p[d]) as u64).sum();
                    h[d] = shift_heads(p[d], served, cover[sh].len(), t.shrinkage);
                }
                demand.push(ShiftDemand {
                    shift: sc.shifts[sh].code.clone(),
                    seat: sc.seats[s].code.clone(),
                    agents: *p,
                    weekday: h[0],
                    weekend: h[1],
                    holiday: h[2],
                });
            }
        }
    }
    demand
}

/// Heads a shift needs at one seat type: `peak` agents on the phones in its busiest
/// interval and `agent_intervals` on the phones over its `intervals`, while each head is
/// off the phones for `shrinkage` of the shift. Time off goes where fewer agents are
/// needed, so h heads suffice when h ≥ peak and h·intervals·(1 − shrinkage) ≥
/// agent_intervals: shrinkage is applied once, to the shift's summed need, and rounded
/// once. Never more than `ceil(peak ÷ (1 − shrinkage))`.
pub fn shift_heads(peak: u32, agent_intervals: u64, intervals: usize, shrinkage: f64) -> u32 {
    if intervals == 0 {
        return erlang::scheduled_agents(peak, shrinkage);
    }
    let spread = agent_intervals as f64 / (intervals as f64 * (1.0 - shrinkage));
    peak.max((spread - 1e-9).ceil() as u32)
}

/// Most calls the simulation check may simulate in all (a day's calls × replications ×
/// rounds × day types), the same budget as one `roster simulate` run.
pub fn check_size(sc: &Scenario, opts: &AdviseOptions) -> Result<(), TrafficError> {
    let t = traffic(sc)?;
    let mut work = 0.0;
    for dt in DAY_TYPES {
        let day: f64 = t.queues.iter().flat_map(|q| q.calls(dt).iter()).sum();
        work += day * opts.replications as f64 * opts.max_rounds.max(1) as f64;
    }
    if work <= super::sim::MAX_SIMULATED_CALLS {
        Ok(())
    } else {
        Err(TrafficError::Invalid(format!(
            "checking the advice by simulation ({} replications, up to {} rounds per day type) \
             would simulate {work:.3e} calls, more than the {:e} a run may; use fewer replications",
            opts.replications,
            opts.max_rounds.max(1),
            super::sim::MAX_SIMULATED_CALLS
        )))
    }
}

/// One day's simulation input: each seat type's k-th seat is one agent for every maximal
/// run of intervals needing at least k seats, so agents carry calls across boundaries.
fn day_input(
    sc: &Scenario,
    calls: &[Vec<f64>],
    seats: &[Vec<u32>],
    interval_s: f64,
    opts: &AdviseOptions,
) -> Result<SimInput, TrafficError> {
    let t = traffic(sc)?;
    let per_day = calls.first().map_or(0, Vec::len);
    let mut queues = Vec::new();
    let mut agents = Vec::new();
    for (s, seat) in sc.seats.iter().enumerate() {
        let row = t.queues.iter().find(|q| q.seat == seat.code);
        let aht = row.map(|q| q.aht_seconds).unwrap_or_else(|| {
            t.queues.iter().map(|q| q.aht_seconds).sum::<f64>() / t.queues.len().max(1) as f64
        });
        queues.push(SimQueue {
            name: seat.code.clone(),
            min_grade: seat.min_grade.rank() as u8,
            calls: calls[s].clone(),
            handle: handle_time(aht, &opts.settings),
            patience_s: row.and_then(|q| q.patience_seconds),
            // escalated load is already in the senior seat's calls
            escalate: 0.0,
        });
        agents.extend(seat_runs(
            s,
            seat.min_grade.rank() as u8,
            &seats[s],
            interval_s,
        ));
    }
    Ok(SimInput {
        interval_s,
        n_intervals: per_day,
        queues,
        agents,
        answer_s: t.answer_seconds,
        sl_target: t.service_level,
        // the agents simulated are those on the phones: shrinkage comes after, per shift
        shrinkage: 0.0,
        // advice is per seat type: every seat type must stand on its own
        cross: super::sim::CrossAnswer::None,
        escalate_to: None,
    })
}

/// Agents for a seat count per interval: the k-th seat is one agent for every maximal
/// run of intervals needing at least k seats, so agents carry calls across boundaries.
pub fn seat_runs(seat: usize, grade: u8, seats: &[u32], interval_s: f64) -> Vec<SimAgent> {
    let mut agents = Vec::new();
    let max = seats.iter().copied().max().unwrap_or(0);
    for k in 1..=max {
        let mut i = 0;
        while i < seats.len() {
            if seats[i] >= k {
                let start = i;
                while i < seats.len() && seats[i] >= k {
                    i += 1;
                }
                agents.push(SimAgent {
                    seat,
                    grade,
                    start_s: start as f64 * interval_s,
                    end_s: i as f64 * interval_s,
                });
            } else {
                i += 1;
            }
        }
    }
    agents
}

/// Heads per shift so that every interval's need is covered: repeatedly add one head to
/// the shift covering the most still-short intervals, among those covering the shortest.
fn greedy_cover(need: &[u32], cover: &[Vec<usize>]) -> Vec<u32> {
    let mut heads = vec![0u32; cover.len()];
    let mut have = vec![0u32; need.len()];
    loop {
        let worst = (0..need.len())
            .filter(|&i| have[i] < need[i] && cover.iter().any(|c| c.contains(&i)))
            .max_by_key(|&i| (need[i] - have[i], std::cmp::Reverse(i)));
        let Some(i) = worst else { break };
        let best = (0..cover.len())
            .filter(|&sh| cover[sh].contains(&i))
            .max_by_key(|&sh| {
                let gain = cover[sh].iter().filter(|&&j| have[j] < need[j]).count();
                (
                    gain,
                    std::cmp::Reverse(cover[sh].len()),
                    std::cmp::Reverse(sh),
                )
            })
            .expect("some shift covers it");
        heads[best] += 1;
        for &j in &cover[best] {
            have[j] += 1;
        }
    }
    heads
}

/// `[[demand]]` rows for the scenario file.
pub fn demand_toml(advice: &Advice) -> String {
    let mut out = String::from(
        "# Seats per shift and seat type from `roster advise` (Erlang A, checked by simulation).\n",
    );
    for d in &advice.demand {
        out.push_str(&format!(
            "\n[[demand]]\nshift = {:?}\nseat = {:?}\nweekday = {}\nweekend = {}\nholiday = {}\n",
            d.shift, d.seat, d.weekday, d.weekend, d.holiday
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn greedy_cover_meets_every_need_with_overlapping_shifts() {
        // 8 intervals; shifts cover 0..4, 2..6 and 4..8 (the last wraps nothing here)
        let cover = vec![vec![0, 1, 2, 3], vec![2, 3, 4, 5], vec![4, 5, 6, 7]];
        let need = [1, 1, 3, 3, 2, 2, 1, 0];
        let heads = greedy_cover(&need, &cover);
        for (i, &n) in need.iter().enumerate() {
            let have: u32 = cover
                .iter()
                .zip(&heads)
                .filter(|(c, _)| c.contains(&i))
                .map(|(_, h)| h)
                .sum();
            assert!(have >= n, "interval {i}: {have} < {n} with {heads:?}");
        }
        assert!(heads.iter().sum::<u32>() <= 5, "{heads:?}");
    }

    #[test]
    fn seat_runs_keep_agents_across_intervals() {
        let a = seat_runs(0, 0, &[1, 2, 2, 0, 1], 1800.0);
        assert_eq!(a.len(), 3);
        assert_eq!((a[0].start_s, a[0].end_s), (0.0, 3.0 * 1800.0));
        assert_eq!((a[1].start_s, a[1].end_s), (4.0 * 1800.0, 5.0 * 1800.0));
        assert_eq!((a[2].start_s, a[2].end_s), (1800.0, 3.0 * 1800.0));
    }
}
