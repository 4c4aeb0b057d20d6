//! The objective of docs/contract.md computed from a roster itself, term by term, so the
//! result can be explained as a sum; and the fairness measures it weighs. Plain domain
//! arithmetic: the solver builds the same terms as expressions (`solve::objective`) and
//! uses these functions to read a roster back, and `check` uses them to price any roster.

use crate::model::{Assignment, Request, Roster, Scenario, Wish};
use serde::Serialize;

/// What a fairness spread counts per person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Measure {
    /// Night shifts.
    Nights,
    /// Shifts starting on a weekend day or a holiday.
    Weekends,
}

impl Measure {
    /// Both measures, nights first, the order the objective lists them in.
    pub const BOTH: [Measure; 2] = [Measure::Nights, Measure::Weekends];

    pub fn name(self) -> &'static str {
        match self {
            Measure::Nights => "nights",
            Measure::Weekends => "weekends",
        }
    }

    /// Whether a shift `k` starting on day `d` of the month counts toward this measure.
    pub fn counts_at(self, sc: &Scenario, d: usize, k: usize) -> bool {
        match self {
            Measure::Nights => sc.shifts[k].night,
            Measure::Weekends => sc.is_weekend_or_holiday(sc.date(d)),
        }
    }

    /// Whether an assignment counts toward this measure.
    pub fn counts(self, sc: &Scenario, a: &Assignment) -> bool {
        match self {
            Measure::Nights => sc
                .shift_by_code(&a.shift)
                .is_some_and(|k| sc.shifts[k].night),
            Measure::Weekends => sc.is_weekend_or_holiday(a.date),
        }
    }
}

impl std::fmt::Display for Measure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A fairness spread (max − min of a count over one job type's staff): the arithmetic that
/// bounds the common count of an equal split. Needs no model, so the spread probes can
/// reason about it without building one.
#[derive(Debug, Clone)]
pub struct SpreadFacts {
    pub job: String,
    pub measure: Measure,
    pub weight: f64,
    /// Seats demanded on the measure's shifts over the month.
    pub demand: f64,
    /// The most of that demand the other job types could take.
    pub others_capacity: f64,
    /// Each member's count of the measure before the month (`[[prior]]`; 0 without a row),
    /// where their count in the spread starts: one entry per member of the job type.
    pub priors: Vec<u32>,
}

impl SpreadFacts {
    /// The job type's members, everyone of it counting in the spread.
    pub fn members(&self) -> usize {
        self.priors.len()
    }

    /// Shifts of the measure the month must give the members so that everyone's count,
    /// prior included, reaches `level`: Σ max(0, level − prior). Without priors, m·level.
    pub fn lift_to(&self, level: u32) -> f64 {
        self.priors
            .iter()
            .map(|&p| f64::from(level.saturating_sub(p)))
            .sum()
    }

    /// The highest level that everyone's count can reach with at most `shifts` of the
    /// month's: the largest L with `lift_to(L) ≤ shifts`. None without members, whose
    /// (empty) counts reach any level.
    pub fn highest_floor_within(&self, shifts: f64) -> Option<u32> {
        if self.priors.is_empty() {
            return None;
        }
        // lift_to grows by at least one per level past the smallest prior.
        let mut level = 0;
        while self.lift_to(level + 1) <= shifts {
            level += 1;
        }
        Some(level)
    }

    /// The members' prior counts, summed.
    pub fn prior_total(&self) -> f64 {
        self.priors.iter().map(|&p| f64::from(p)).sum()
    }

    /// The largest prior count among the members (0 without members).
    pub fn prior_most(&self) -> u32 {
        self.priors.iter().copied().max().unwrap_or(0)
    }

    /// The smallest prior count among the members (0 without members).
    pub fn prior_least(&self) -> u32 {
        self.priors.iter().copied().min().unwrap_or(0)
    }
}

/// Every fairness spread of the objective: per job type, nights then weekends.
pub fn spread_facts(sc: &Scenario) -> Vec<SpreadFacts> {
    let (days, shifts) = (sc.days(), sc.shifts.len());
    let w = &sc.weights;
    let weekend_days: Vec<usize> = (0..days)
        .filter(|&d| sc.is_weekend_or_holiday(sc.date(d)))
        .collect();
    let night_shifts: Vec<usize> = (0..shifts).filter(|&k| sc.shifts[k].night).collect();
    let demand_on = |cells: &mut dyn Iterator<Item = (usize, usize)>| -> f64 {
        cells
            .map(|(d, k)| {
                (0..sc.seats.len())
                    .map(|s| sc.demand(sc.date(d), k, s) as f64)
                    .sum::<f64>()
            })
            .sum()
    };
    let night_demand =
        demand_on(&mut (0..days).flat_map(|d| night_shifts.iter().map(move |&k| (d, k))));
    let weekend_demand = demand_on(
        &mut weekend_days
            .iter()
            .flat_map(|&d| (0..shifts).map(move |k| (d, k))),
    );
    let night_days = if night_shifts.is_empty() {
        0.0
    } else {
        days as f64
    };
    let mut out = Vec::new();
    for job in sc.job_types() {
        let members: Vec<usize> = (0..sc.staff.len())
            .filter(|&i| sc.staff[i].job == job)
            .collect();
        let others = |per_person: f64| -> f64 {
            sc.staff
                .iter()
                .filter(|p| p.job != job)
                .map(|p| per_person.min(p.max_shifts as f64))
                .sum()
        };
        for (measure, weight, demand, cap) in [
            (
                Measure::Nights,
                w.fair_nights,
                night_demand,
                others(night_days),
            ),
            (
                Measure::Weekends,
                w.fair_weekends,
                weekend_demand,
                others(weekend_days.len() as f64),
            ),
        ] {
            out.push(SpreadFacts {
                job: job.clone(),
                measure,
                weight,
                demand,
                others_capacity: cap,
                priors: members.iter().map(|&i| prior_of(sc, i, measure)).collect(),
            });
        }
    }
    out
}

/// The objective's value split into its weighted terms, with the fairness spreads they
/// weigh: `fair_nights` is `fair_nights` (the weight) × `night_spread`, and a reader who
/// sees only the product would take it for the spread.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Breakdown {
    pub requests: f64,
    pub fair_nights: f64,
    pub fair_weekends: f64,
    pub over_cover: f64,
    /// Σ over job types of max − min night shifts per person (unweighted).
    pub night_spread: u32,
    /// Σ over job types of max − min weekend and holiday shifts per person (unweighted).
    pub weekend_spread: u32,
}

impl Breakdown {
    pub fn total(&self) -> f64 {
        self.requests + self.fair_nights + self.fair_weekends + self.over_cover
    }

    /// The unweighted spreads of a roster, which the weighted terms cannot show when a
    /// weight is 0.
    pub fn with_spreads_of(mut self, sc: &Scenario, roster: &Roster) -> Self {
        self.night_spread = 0;
        self.weekend_spread = 0;
        for job in sc.job_types() {
            self.night_spread += spread_of(sc, roster, &job, Measure::Nights);
            self.weekend_spread += spread_of(sc, roster, &job, Measure::Weekends);
        }
        self
    }
}

/// Night shifts (or shifts starting on a weekend or holiday) of each of a job type's
/// staff in a roster, by staff index, plus their `[[prior]]` counts; people with none
/// count as 0.
pub fn counts_of(
    sc: &Scenario,
    roster: &Roster,
    job: &str,
    measure: Measure,
) -> std::collections::BTreeMap<usize, u32> {
    let mut counts: std::collections::BTreeMap<usize, u32> = (0..sc.staff.len())
        .filter(|&i| sc.staff[i].job == job)
        .map(|i| (i, 0))
        .collect();
    for a in &roster.assignments {
        let counts_here = measure.counts(sc, a);
        let person = sc.staff_by_id(&a.staff);
        if let (true, Some(c)) = (counts_here, person.and_then(|i| counts.get_mut(&i))) {
            *c += 1;
        }
    }
    for (&i, c) in counts.iter_mut() {
        *c += prior_of(sc, i, measure);
    }
    counts
}

/// What `[[prior]]` says a person worked earlier in the year on a measure: nights, or
/// weekend and holiday shifts (the weekend measure counts both); 0 without a row.
pub fn prior_of(sc: &Scenario, staff: usize, measure: Measure) -> u32 {
    sc.prior
        .iter()
        .find(|p| p.staff == staff)
        .map_or(0, |p| match measure {
            Measure::Nights => p.nights,
            Measure::Weekends => p.weekends_and_holidays(),
        })
}

/// Max − min, over a job type's staff, of night shifts (or of shifts starting on a weekend
/// or holiday) in a roster; people with none count as 0.
pub fn spread_of(sc: &Scenario, roster: &Roster, job: &str, measure: Measure) -> u32 {
    let counts = counts_of(sc, roster, job, measure);
    let max = counts.values().max().copied().unwrap_or(0);
    let min = counts.values().min().copied().unwrap_or(0);
    max - min
}

/// The objective of any roster, computed from the roster itself (used by `check` and the
/// tests to confirm the solver's own account).
pub fn evaluate(sc: &Scenario, roster: &Roster) -> Breakdown {
    let on = roster.shift_grid(sc);
    let w = &sc.weights;
    let mut b = Breakdown::default();
    for r in &sc.requests {
        if !request_met(sc, r, &on) {
            b.requests += r.weight * w.request;
        }
    }
    for job in sc.job_types() {
        b.fair_nights += spread_of(sc, roster, &job, Measure::Nights) as f64 * w.fair_nights;
        b.fair_weekends += spread_of(sc, roster, &job, Measure::Weekends) as f64 * w.fair_weekends;
    }
    for (d, row) in beyond_demand(sc, &on).into_iter().enumerate() {
        for (k, extra) in row.into_iter().enumerate() {
            b.over_cover += extra.max(0) as f64 * over_cover_cost(sc, d, k);
        }
    }
    b.with_spreads_of(sc, roster)
}

/// What one person beyond the demand costs on day `d`, shift `k`: more on holidays,
/// weekends and nights, so that surplus goes where it hurts least.
pub fn over_cover_cost(sc: &Scenario, d: usize, k: usize) -> f64 {
    sc.weights
        .over_cover_on(sc.day_type(sc.date(d)), sc.shifts[k].night)
}

/// The least one person beyond the demand costs anywhere in the month.
pub fn cheapest_over_cover(sc: &Scenario) -> f64 {
    (0..sc.days())
        .flat_map(|d| (0..sc.shifts.len()).map(move |k| over_cover_cost(sc, d, k)))
        .fold(f64::INFINITY, f64::min)
}

/// Whether a roster (as `Roster::shift_grid`) grants a request.
pub fn request_met(sc: &Scenario, r: &Request, on: &[Vec<Option<usize>>]) -> bool {
    let d = sc.month.day_index(r.date).expect("validated date");
    match r.wish {
        Wish::Off => on[r.staff][d].is_none(),
        Wish::Shift(k) => on[r.staff][d] == Some(k),
    }
}

/// Per day and shift, the people on duty minus the seats demanded (negative when short).
pub fn beyond_demand(sc: &Scenario, on: &[Vec<Option<usize>>]) -> Vec<Vec<i64>> {
    let mut heads: Vec<Vec<i64>> = (0..sc.days())
        .map(|d| {
            (0..sc.shifts.len())
                .map(|k| {
                    -(0..sc.seats.len())
                        .map(|s| sc.demand(sc.date(d), k, s) as i64)
                        .sum::<i64>()
                })
                .collect()
        })
        .collect();
    for days in on {
        for (d, k) in days.iter().enumerate() {
            if let Some(k) = *k {
                heads[d][k] += 1;
            }
        }
    }
    heads
}
