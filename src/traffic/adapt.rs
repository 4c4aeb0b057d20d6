//! From the scenario (and optionally a roster) to the simulator's plain inputs, and the
//! simulator's cells back to dates, times and seat codes.
//!
//! Presence: an agent takes calls from the shift's start to its end at the seat the roster
//! gives. The handover (`handover_minutes`) is spent before the start (RULES.md: everyone
//! reports that long before the shift), so it adds presence, not phone time. Shrinkage
//! takes that share of each crew's intervals off the phones, where its seat type has the
//! most slack (see `sim`).

use chrono::NaiveDate;
use serde::Serialize;

use super::TrafficError;
use super::sim::{
    CellResult, CrossAnswer, HandleTime, QueueTotal, SimAgent, SimInput, SimQueue, SimResult,
};
use crate::model::{DayType, Roster, Scenario, Traffic, format_clock};

/// Most agent sessions (person-shifts) a month's simulation seats.
pub const MAX_SESSIONS: u64 = 1_000_000;

/// Simulation settings the scenario does not carry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimSettings {
    /// Coefficient of variation of a lognormal handle time; `None`: exponential.
    pub handle_cv: Option<f64>,
    /// Agents may take other seat types' calls as the scenario's `cross_answer` says;
    /// `false` (`--no-overflow`): only their own seat type's.
    pub overflow: bool,
    /// Share of calls answered at lower seats that are escalated to the senior seat type.
    pub escalate: f64,
}

impl Default for SimSettings {
    fn default() -> Self {
        SimSettings {
            handle_cv: None,
            overflow: true,
            escalate: 0.0,
        }
    }
}

pub fn traffic(sc: &Scenario) -> Result<&Traffic, TrafficError> {
    sc.traffic
        .as_ref()
        .ok_or_else(|| TrafficError::Invalid("the scenario has no [traffic] table".into()))
}

pub fn handle_time(aht: f64, settings: &SimSettings) -> HandleTime {
    match settings.handle_cv {
        Some(cv) => HandleTime::Lognormal { mean_s: aht, cv },
        None => HandleTime::Exponential { mean_s: aht },
    }
}

/// The seat type calls are escalated to: the one with the highest minimum grade.
pub fn senior_seat(sc: &Scenario) -> Option<usize> {
    (0..sc.seats.len()).max_by_key(|&s| (sc.seats[s].min_grade.rank(), std::cmp::Reverse(s)))
}

/// One queue per seat type (seat types without a `[[traffic.queue]]` row get no calls, but
/// their agents can still help lower seats), over every interval of the month.
pub fn month_input(
    sc: &Scenario,
    roster: Option<&Roster>,
    settings: &SimSettings,
) -> Result<SimInput, TrafficError> {
    let t = traffic(sc)?;
    let per_day = (1440 / t.interval_minutes) as usize;
    let days = sc.days();
    let n_intervals = per_day * days;
    let interval_s = t.interval_minutes as f64 * 60.0;
    let horizon = n_intervals as f64 * interval_s;
    let mut queues = Vec::with_capacity(sc.seats.len());
    for (s, seat) in sc.seats.iter().enumerate() {
        let row = t.queues.iter().find(|q| q.seat == seat.code);
        let mut calls = Vec::with_capacity(n_intervals);
        for day in 0..days {
            match row {
                Some(q) => {
                    let day_calls = q.calls(sc.day_type(sc.date(day)));
                    if day_calls.len() != per_day {
                        return Err(TrafficError::Invalid(format!(
                            "[[traffic.queue]] seat {}: {} values for {} intervals a day",
                            seat.code,
                            day_calls.len(),
                            per_day
                        )));
                    }
                    calls.extend_from_slice(day_calls);
                }
                None => calls.extend(std::iter::repeat_n(0.0, per_day)),
            }
        }
        queues.push(SimQueue {
            name: seat.code.clone(),
            min_grade: seat.min_grade.rank() as u8,
            calls,
            handle: handle_time(row.map_or(300.0, |q| q.aht_seconds), settings),
            patience_s: row.and_then(|q| q.patience_seconds),
            escalate: if Some(s) == senior_seat(sc) {
                0.0
            } else {
                settings.escalate
            },
        });
    }
    let mut agents = Vec::new();
    let mut push = |date: NaiveDate, shift: usize, seat: usize, grade: u8| {
        let (start, end) = sc.shift_window(date, shift);
        let (start_s, end_s) = ((start * 60) as f64, ((end * 60) as f64).min(horizon));
        if end_s > start_s.max(0.0) {
            agents.push(SimAgent {
                seat,
                grade,
                start_s: start_s.max(0.0),
                end_s,
            });
        }
    };
    match roster {
        Some(r) => {
            for a in &r.assignments {
                let (Some(st), Some(sh), Some(se)) = (
                    sc.staff_by_id(&a.staff),
                    sc.shift_by_code(&a.shift),
                    sc.seat_by_code(&a.seat),
                ) else {
                    return Err(TrafficError::Invalid(format!(
                        "roster assignment {} {} {} {} names something the scenario lacks",
                        a.staff, a.date, a.shift, a.seat
                    )));
                };
                push(a.date, sh, se, sc.staff[st].grade.rank() as u8);
            }
        }
        None => {
            let mut sessions = 0u64;
            for day in 0..days {
                for sh in 0..sc.shifts.len() {
                    for se in 0..sc.seats.len() {
                        sessions += sc.demand(sc.date(day), sh, se) as u64;
                    }
                }
            }
            if sessions > MAX_SESSIONS {
                return Err(TrafficError::Invalid(format!(
                    "the demand seats {sessions} person-shifts in the month; simulation takes at most {MAX_SESSIONS}"
                )));
            }
            for day in 0..days {
                let date = sc.date(day);
                for sh in 0..sc.shifts.len() {
                    for se in 0..sc.seats.len() {
                        for _ in 0..sc.demand(date, sh, se) {
                            push(date, sh, se, sc.seats[se].min_grade.rank() as u8);
                        }
                    }
                }
            }
        }
    }
    Ok(SimInput {
        interval_s,
        n_intervals,
        queues,
        agents,
        answer_s: t.answer_seconds,
        sl_target: t.service_level,
        shrinkage: t.shrinkage,
        cross: if settings.overflow {
            t.cross_answer
        } else {
            CrossAnswer::None
        },
        escalate_to: if settings.escalate > 0.0 {
            senior_seat(sc)
        } else {
            None
        },
    })
}

/// A simulated cell with its date, time and seat code.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelledCell {
    pub date: NaiveDate,
    pub time: String,
    pub seat: String,
    /// Calls are expected here and nobody on duty may answer them (see `unstaffed`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unstaffed: bool,
    #[serde(flatten)]
    pub cell: CellResult,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimReport {
    pub source: &'static str,
    pub replications: u32,
    pub seed: u64,
    pub service_level_target: f64,
    pub answer_seconds: f64,
    pub events: u64,
    pub calls: u64,
    pub totals: Vec<QueueTotal>,
    pub below_target: usize,
    /// Calls nobody on duty may answer, grouped by seat type, shift and cause.
    pub unstaffed: Vec<Unstaffed>,
    pub cells: Vec<LabelledCell>,
}

/// Intervals with calls for a seat type and nobody on duty allowed to answer them: the
/// service level there is 0 % by construction, and `reason` names the staffing rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unstaffed {
    pub seat: String,
    /// The shift whose hours hold these intervals; `None`: no shift covers them.
    pub shift: Option<String>,
    pub dates: usize,
    pub intervals: usize,
    /// Expected calls in those intervals.
    pub calls: f64,
    pub reason: String,
}

/// Fills `report.unstaffed` and marks its cells: every interval and seat type with
/// expected calls that no agent on duty may answer under the cross-answer rule of
/// `input`, grouped with its cause. `report` must come from `input`.
pub fn explain_unstaffed(sc: &Scenario, input: &SimInput, report: &mut SimReport) {
    let (capable, _) = answerable(input);
    let nq = input.queues.len();
    for c in &mut report.cells {
        let k = c.cell.interval * nq + c.cell.queue;
        c.unstaffed = input.queues[c.cell.queue].calls[c.cell.interval] > 0.0 && !capable[k];
    }
    report.unstaffed = unstaffed(sc, report.source == "roster", input);
}

/// Per cell (interval × queue): may some agent on duty answer it, and is some agent on
/// duty qualified for it at all (whatever their seat).
fn answerable(input: &SimInput) -> (Vec<bool>, Vec<bool>) {
    let nq = input.queues.len();
    let n = input.n_intervals;
    let interval_of = |t: f64| ((t / input.interval_s) as usize).min(n.saturating_sub(1));
    // may[seat][queue]: agents seated at `seat` may take calls of `queue` (grade aside)
    let may = |seat: usize, q: usize| {
        seat == q
            || match input.cross {
                CrossAnswer::None => false,
                CrossAnswer::Lower => input.queues[q].min_grade < input.queues[seat].min_grade,
                CrossAnswer::Qualified => true,
            }
    };
    let mut capable = vec![false; n * nq];
    // qualified[i*nq+q]: someone on duty whose grade qualifies for q, whatever their seat
    let mut qualified = vec![false; n * nq];
    for a in &input.agents {
        if a.end_s <= a.start_s || n == 0 {
            continue;
        }
        let (first, last) = (interval_of(a.start_s), interval_of(a.end_s - 1e-9));
        for i in first..=last {
            for q in 0..nq {
                if a.grade >= input.queues[q].min_grade {
                    qualified[i * nq + q] = true;
                    if may(a.seat, q) {
                        capable[i * nq + q] = true;
                    }
                }
            }
        }
    }
    (capable, qualified)
}

/// The calls nobody on duty may answer, grouped by seat type, shift and cause.
/// `roster_given`: the agents are a roster's (else the demand's).
pub fn unstaffed(sc: &Scenario, roster_given: bool, input: &SimInput) -> Vec<Unstaffed> {
    use std::collections::{BTreeMap, BTreeSet};
    let nq = input.queues.len();
    let n = input.n_intervals;
    let (capable, qualified) = answerable(input);
    let minutes = (input.interval_s / 60.0).round() as i64;
    let shift_at = |i: usize| -> Option<(usize, NaiveDate)> {
        let m = i as i64 * minutes;
        let day = m.div_euclid(1440) as usize;
        (0..sc.shifts.len()).find_map(|sh| {
            [day.checked_sub(1), Some(day)]
                .into_iter()
                .flatten()
                .filter(|&d| d < sc.days())
                .map(|d| sc.date(d))
                .find(|&date| {
                    let (start, end) = sc.shift_window(date, sh);
                    start <= m && m < end
                })
                .map(|date| (sh, date))
        })
    };
    // (queue, shift, someone qualified on duty) -> (dates, day types, intervals, calls)
    type Group = (BTreeSet<NaiveDate>, BTreeSet<&'static str>, usize, f64);
    let mut groups: BTreeMap<(usize, Option<usize>, bool), Group> = BTreeMap::new();
    for i in 0..n {
        for q in 0..nq {
            let calls = input.queues[q].calls[i];
            if calls <= 0.0 || capable[i * nq + q] {
                continue;
            }
            let at = shift_at(i);
            let date = at.map_or_else(|| sc.date((i as i64 * minutes / 1440) as usize), |a| a.1);
            let g = groups
                .entry((q, at.map(|a| a.0), qualified[i * nq + q]))
                .or_default();
            g.0.insert(date);
            g.1.insert(sc.day_type(date).name());
            g.2 += 1;
            g.3 += calls;
        }
    }
    let rule = input.cross.name();
    groups
        .into_iter()
        .map(|((q, sh, someone), (dates, day_types, intervals, calls))| {
            let seat = &input.queues[q].name;
            let reason = match sh {
                None => {
                    // early hours of the month's first day belong to a shift that starts
                    // the day before, in the previous month, which is not simulated
                    let overnight: Vec<&str> = sc
                        .shifts
                        .iter()
                        .filter(|s| s.end > 1440)
                        .map(|s| s.code.as_str())
                        .collect();
                    if dates.len() == 1
                        && dates.first() == Some(&sc.date(0))
                        && !overnight.is_empty()
                    {
                        format!(
                            "these hours of the first day belong to the previous month's {} \
                             shift, which this month's simulation does not seat",
                            overnight.join("/")
                        )
                    } else {
                        format!("no shift covers these hours of the day, so nobody answers {seat}")
                    }
                }
                Some(sh) => {
                    let code = &sc.shifts[sh].code;
                    let why = if roster_given {
                        format!("nobody sits at {seat} on shift {code} in the roster")
                    } else {
                        format!(
                            "no seat of {seat} on shift {code}: demand for {seat} on {code} is 0 ({} days)",
                            day_types.iter().copied().collect::<Vec<_>>().join(", ")
                        )
                    };
                    let others = if someone {
                        format!(
                            "; staff qualified for {seat} are on duty at other seat types, but \
                             [traffic] cross_answer = \"{rule}\" keeps them off its calls \
                             (\"qualified\" lets them answer when idle)"
                        )
                    } else if roster_given {
                        format!("; nobody on duty is qualified for {seat}")
                    } else {
                        format!(
                            "; the demand seats each seat type at its minimum grade, so nobody \
                             else on duty is qualified for {seat} (simulate a roster with \
                             cross_answer = \"qualified\" to let seniors seated elsewhere answer)"
                        )
                    };
                    format!("{why}{others}")
                }
            };
            Unstaffed {
                seat: seat.clone(),
                shift: sh.map(|sh| sc.shifts[sh].code.clone()),
                dates: dates.len(),
                intervals,
                calls,
                reason,
            }
        })
        .collect()
}

pub fn label(sc: &Scenario, roster_given: bool, result: SimResult) -> SimReport {
    let t = sc.traffic.as_ref();
    let minutes = t.map_or(30, |t| t.interval_minutes) as usize;
    let per_day = 1440 / minutes;
    let cells: Vec<LabelledCell> = result
        .cells
        .into_iter()
        .filter(|c| c.offered > 0.0 || c.occupancy.is_some())
        .map(|c| LabelledCell {
            date: sc.date(c.interval / per_day),
            time: format_clock(((c.interval % per_day) * minutes) as u32),
            seat: sc.seats[c.queue].code.clone(),
            unstaffed: false,
            cell: c,
        })
        .collect();
    SimReport {
        source: if roster_given { "roster" } else { "demand" },
        replications: result.replications,
        seed: result.seed,
        service_level_target: t.map_or(0.8, |t| t.service_level),
        answer_seconds: t.map_or(20.0, |t| t.answer_seconds),
        events: result.events,
        calls: result.calls,
        totals: result
            .totals
            .into_iter()
            .filter(|q| q.offered > 0.0)
            .collect(),
        below_target: cells.iter().filter(|c| c.cell.below_target).count(),
        unstaffed: Vec::new(),
        cells,
    }
}

/// The simulated service level as the plot module's series (`roster plot --kind service
/// --service FILE`): one panel per seat type and day type present in the month, each
/// interval of the day averaged over the month's days of that type (the band is the average
/// of those days' 95 % confidence intervals).
pub fn service_series(sc: &Scenario, report: &SimReport) -> Vec<crate::traffic::ServiceSeries> {
    use std::collections::BTreeMap;
    let minutes = sc.traffic.as_ref().map_or(30, |t| t.interval_minutes);
    let mut out = Vec::new();
    for day_type in [DayType::Weekday, DayType::Weekend, DayType::Holiday] {
        for seat in &sc.seats {
            // start minute -> (sum mean, sum lo, sum hi, n)
            let mut acc: BTreeMap<u32, (f64, f64, f64, u32)> = BTreeMap::new();
            for c in &report.cells {
                if c.seat != seat.code || sc.day_type(c.date) != day_type {
                    continue;
                }
                let Some(e) = c.cell.service_level else {
                    continue;
                };
                let Some(start) = crate::model::parse_clock(&c.time) else {
                    continue;
                };
                let a = acc.entry(start).or_insert((0.0, 0.0, 0.0, 0));
                a.0 += e.mean;
                a.1 += e.lo.max(0.0);
                a.2 += e.hi.min(1.0);
                a.3 += 1;
            }
            if acc.is_empty() {
                continue;
            }
            out.push(crate::traffic::ServiceSeries {
                label: format!("{} {}, {}", seat.code, seat.name, day_type.name()),
                target: report.service_level_target,
                answer_seconds: Some(report.answer_seconds),
                interval_minutes: minutes,
                confidence: Some(0.95),
                points: acc
                    .into_iter()
                    .map(|(start, (m, lo, hi, n))| crate::traffic::ServicePoint {
                        start_minute: start,
                        mean: m / n as f64,
                        low: lo / n as f64,
                        high: hi / n as f64,
                    })
                    .collect(),
            });
        }
    }
    out
}

/// Simulates the month's calls against a roster with default settings and returns the
/// service-level series the charts draw: what `roster plot --kind service` and the report
/// show when no simulation output is given.
pub fn simulated_service(
    sc: &Scenario,
    roster: &Roster,
    replications: u32,
    seed: u64,
) -> Result<Vec<crate::traffic::ServiceSeries>, TrafficError> {
    let input = month_input(sc, Some(roster), &SimSettings::default())?;
    let opts = super::sim::SimOptions {
        replications,
        seed,
        ..super::sim::SimOptions::default()
    };
    let result = super::sim::simulate(&input, &opts)?;
    Ok(service_series(sc, &label(sc, true, result)))
}
