//! The objective of CONTRACT.md, term by term, so the result can be explained as a sum.

use super::variables::ShiftVars;
use crate::model::{Request, Scenario, Wish};
use good_lp::{Constraint, Expression, ProblemVariables, constraint, variable};
use serde::Serialize;

/// The objective's terms, built as expressions over the model's variables.
pub struct Objective {
    pub requests: Expression,
    pub fair_nights: Expression,
    pub fair_weekends: Expression,
    pub over_cover: Expression,
    /// The column fixed at 1 that carries the objective's constant.
    pub one: good_lp::Variable,
    pub rows: Vec<Constraint>,
    /// One fairness spread per job type and measure, for `fairness::probe`.
    pub spreads: Vec<Spread>,
}

/// A fairness spread (max − min of a count over one job type's staff): the arithmetic that
/// bounds the common count of an equal split. Needs no model, so the spread probes can
/// reason about it without building one.
#[derive(Debug, Clone)]
pub struct SpreadFacts {
    pub job: String,
    pub measure: &'static str,
    pub members: usize,
    pub weight: f64,
    /// Seats demanded on the measure's shifts over the month.
    pub demand: f64,
    /// The most of that demand the other job types could take.
    pub others_capacity: f64,
}

/// A spread in a built model: its facts and the variables of its equal-split disjunction.
#[derive(Debug, Clone)]
pub struct Spread {
    pub facts: SpreadFacts,
    pub equal: good_lp::Variable,
    pub common: good_lp::Variable,
    pub max: good_lp::Variable,
    pub min: good_lp::Variable,
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
        let members = sc.staff.iter().filter(|p| p.job == job).count();
        let others = |per_person: f64| -> f64 {
            sc.staff
                .iter()
                .filter(|p| p.job != job)
                .map(|p| per_person.min(p.max_shifts as f64))
                .sum()
        };
        for (measure, weight, demand, cap) in [
            ("nights", w.fair_nights, night_demand, others(night_days)),
            (
                "weekends",
                w.fair_weekends,
                weekend_demand,
                others(weekend_days.len() as f64),
            ),
        ] {
            out.push(SpreadFacts {
                job: job.clone(),
                measure,
                members,
                weight,
                demand,
                others_capacity: cap,
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
    pub(super) fn with_spreads_of(mut self, sc: &Scenario, roster: &crate::model::Roster) -> Self {
        self.night_spread = 0;
        self.weekend_spread = 0;
        for job in sc.job_types() {
            self.night_spread += spread_of(sc, roster, &job, true);
            self.weekend_spread += spread_of(sc, roster, &job, false);
        }
        self
    }
}

impl Objective {
    pub fn new(sc: &Scenario, x: &ShiftVars, vars: &mut ProblemVariables) -> Objective {
        let w = &sc.weights;
        let (_, days, shifts) = x.dims();
        let mut rows = Vec::new();

        // Solvers drop an objective's constant term, and then measure their relative gap
        // against the wrong total; a column fixed at 1 carries the constant instead.
        let one = vars.add(variable().min(1.0).max(1.0));

        let mut requests = Expression::from(0.0);
        for r in &sc.requests {
            let d = sc.month.day_index(r.date).expect("validated date");
            let unmet = match r.wish {
                Wish::Off => x.works(r.staff, d),
                Wish::Shift(k) => one - x.sum([(r.staff, d, k)]),
            };
            requests += unmet * r.weight;
        }

        // Fairness ranges per job type. The bounds are integer: shift counts are, and an
        // integer max/min lets the solver prove a range of 1 where the LP would average.
        let mut fair_nights = Expression::from(0.0);
        let mut fair_weekends = Expression::from(0.0);
        let weekend_days: Vec<usize> = (0..days)
            .filter(|&d| sc.is_weekend_or_holiday(sc.date(d)))
            .collect();
        let mut facts = spread_facts(sc).into_iter();
        let mut spreads = Vec::new();
        for job in sc.job_types() {
            let members: Vec<usize> = (0..sc.staff.len())
                .filter(|&i| sc.staff[i].job == job)
                .collect();
            // With [[prior]], each count starts at what the person worked earlier in the
            // year, so the range's variables reach past the month.
            let prior_most = members
                .iter()
                .map(|&i| prior_of(sc, i, true).max(prior_of(sc, i, false)))
                .max()
                .unwrap_or(0);
            let bound = (days as u32 + prior_most) as f64;
            // When every lead has this job type, the leads alone must work every night (and
            // weekend) shift's lead quota, so the busiest of them works at least the rounded-up
            // share. The LP only knows the fractional share; this closes most of the
            // fairness gap at the root.
            // The floors reason about the month's counts alone: with prior counts they would
            // not bound the year's, so they are left out (0) and the bound stays valid.
            let (night_floor, weekend_floor) = if sc.prior.is_empty() {
                lead_share_floors(sc, &job, &weekend_days)
            } else {
                (0.0, 0.0)
            };
            let n_max = vars.add(variable().integer().min(night_floor.min(bound)).max(bound));
            let n_min = vars.add(variable().integer().min(0.0).max(bound));
            let w_max = vars.add(
                variable()
                    .integer()
                    .min(weekend_floor.min(bound))
                    .max(bound),
            );
            let w_min = vars.add(variable().integer().min(0.0).max(bound));
            let mut all_nights = Expression::from(0.0);
            let mut all_weekends = Expression::from(0.0);
            for &i in &members {
                let nights = x.sum((0..days).flat_map(|d| {
                    (0..shifts)
                        .filter(|&k| sc.shifts[k].night)
                        .map(move |k| (i, d, k))
                }));
                let weekends = x.sum(
                    weekend_days
                        .iter()
                        .flat_map(|&d| (0..shifts).map(move |k| (i, d, k))),
                );
                let nights = nights + prior_of(sc, i, true) as f64 * one;
                let weekends = weekends + prior_of(sc, i, false) as f64 * one;
                all_nights += nights.clone();
                all_weekends += weekends.clone();
                rows.push(constraint!(nights.clone() <= n_max));
                rows.push(constraint!(nights >= n_min));
                rows.push(constraint!(weekends.clone() <= w_max));
                rows.push(constraint!(weekends >= w_min));
            }
            let m = members.len() as f64;
            for (total, max, min) in [(all_nights, n_max, n_min), (all_weekends, w_max, w_min)] {
                let facts = facts
                    .next()
                    .expect("two spreads per job type, in this order");
                let (r, equal, common) =
                    spread_is_zero_only_on_multiples(vars, total, max, min, m, bound);
                rows.extend(r);
                spreads.push(Spread {
                    facts,
                    equal,
                    common,
                    max,
                    min,
                });
            }
            fair_nights += (n_max - n_min) * w.fair_nights;
            fair_weekends += (w_max - w_min) * w.fair_weekends;
        }

        // Everyone on duty is seated; once demand is met, the excess over all seat types of a
        // shift is the number on duty minus the total demand.
        let mut over_cover = Expression::from(0.0);
        for d in 0..days {
            let date = sc.date(d);
            for k in 0..shifts {
                let demand: u32 = (0..sc.seats.len()).map(|s| sc.demand(date, k, s)).sum();
                over_cover +=
                    (x.on_duty(d, k, |_| true) - demand as f64 * one) * over_cover_cost(sc, d, k);
            }
        }

        Objective {
            requests: requests * w.request,
            fair_nights,
            fair_weekends,
            over_cover,
            one,
            rows,
            spreads,
        }
    }

    pub fn total(&self) -> Expression {
        self.requests.clone()
            + self.fair_nights.clone()
            + self.fair_weekends.clone()
            + self.over_cover.clone()
    }

    /// The auxiliary variables' values in a roster: the constant's column, and each
    /// spread's max, min and equal-split disjunction.
    pub fn values_for(
        &self,
        sc: &Scenario,
        roster: &crate::model::Roster,
    ) -> Vec<(good_lp::Variable, f64)> {
        let mut values = vec![(self.one, 1.0)];
        for sp in &self.spreads {
            let counts = counts_of(sc, roster, &sp.facts.job, sp.facts.measure == "nights");
            let max = counts.values().max().copied().unwrap_or(0) as f64;
            let min = counts.values().min().copied().unwrap_or(0) as f64;
            let equal = max == min;
            values.extend([
                (sp.max, max),
                (sp.min, min),
                (sp.equal, if equal { 1.0 } else { 0.0 }),
                // Any common count satisfies the disjunction's rows when equal is 0.
                (sp.common, if equal { max } else { 0.0 }),
            ]);
        }
        values
    }

    pub fn breakdown(&self, value: impl Fn(&Expression) -> f64) -> Breakdown {
        Breakdown {
            requests: value(&self.requests),
            fair_nights: value(&self.fair_nights),
            fair_weekends: value(&self.fair_weekends),
            over_cover: value(&self.over_cover),
            ..Breakdown::default()
        }
    }
}

/// A spread (max − min) of 0 means everyone has the same count c, so the total is m·c. The
/// LP relaxation averages fractional counts and sees no spread at all; one binary `equal`
/// and an integer `c` let the solver prove a spread of at least 1 with a branch or two,
/// instead of exploring many nodes. No integer roster is cut off: an equal split sets
/// equal = 1 and c to the common count, any other has spread ≥ 1.
fn spread_is_zero_only_on_multiples(
    vars: &mut ProblemVariables,
    total: Expression,
    max: good_lp::Variable,
    min: good_lp::Variable,
    members: f64,
    days: f64,
) -> (Vec<Constraint>, good_lp::Variable, good_lp::Variable) {
    let equal = vars.add(variable().binary());
    let c = vars.add(variable().integer().min(0.0).max(days));
    let big = members * days;
    let rows = vec![
        constraint!(max - min + equal >= 1),
        constraint!(total.clone() - members * c <= big - big * equal),
        constraint!(total - members * c >= big * equal - big),
    ];
    (rows, equal, c)
}

fn lead_share_floors(sc: &Scenario, job: &str, weekend_days: &[usize]) -> (f64, f64) {
    let leads: Vec<usize> = sc.leads().collect();
    if leads.is_empty() || leads.iter().any(|&i| sc.staff[i].job != job) {
        return (0.0, 0.0);
    }
    let per_shift = sc.rules.leads_per_shift as f64;
    let nights = sc.shifts.iter().filter(|s| s.night).count() as f64;
    let n = leads.len() as f64;
    let night_quota = per_shift * nights * sc.days() as f64;
    let weekend_quota = per_shift * sc.shifts.len() as f64 * weekend_days.len() as f64;
    ((night_quota / n).ceil(), (weekend_quota / n).ceil())
}

/// Night shifts (or shifts starting on a weekend or holiday) of each of a job type's
/// staff in a roster, by staff index, plus their `[[prior]]` counts; people with none
/// count as 0.
pub(super) fn counts_of(
    sc: &Scenario,
    roster: &crate::model::Roster,
    job: &str,
    nights: bool,
) -> std::collections::BTreeMap<usize, u32> {
    let mut counts: std::collections::BTreeMap<usize, u32> = (0..sc.staff.len())
        .filter(|&i| sc.staff[i].job == job)
        .map(|i| (i, 0))
        .collect();
    for a in &roster.assignments {
        let counts_here = if nights {
            sc.shift_by_code(&a.shift)
                .is_some_and(|k| sc.shifts[k].night)
        } else {
            sc.is_weekend_or_holiday(a.date)
        };
        let person = sc.staff_by_id(&a.staff);
        if let (true, Some(c)) = (counts_here, person.and_then(|i| counts.get_mut(&i))) {
            *c += 1;
        }
    }
    for (&i, c) in counts.iter_mut() {
        *c += prior_of(sc, i, nights);
    }
    counts
}

/// What `[[prior]]` says a person worked earlier in the year: nights, or weekend and
/// holiday shifts (the weekend measure counts both); 0 without a row.
pub(super) fn prior_of(sc: &Scenario, staff: usize, nights: bool) -> u32 {
    sc.prior
        .iter()
        .find(|p| p.staff == staff)
        .map_or(0, |p| {
            if nights {
                p.nights
            } else {
                p.weekends_and_holidays()
            }
        })
}

/// Max − min, over a job type's staff, of night shifts (or of shifts starting on a weekend
/// or holiday) in a roster; people with none count as 0.
pub(super) fn spread_of(
    sc: &Scenario,
    roster: &crate::model::Roster,
    job: &str,
    nights: bool,
) -> u32 {
    let counts = counts_of(sc, roster, job, nights);
    let max = counts.values().max().copied().unwrap_or(0);
    let min = counts.values().min().copied().unwrap_or(0);
    max - min
}

/// The objective of any roster, computed from the roster itself (used by `check` and the
/// tests to confirm the solver's own account).
pub fn evaluate(sc: &Scenario, roster: &crate::model::Roster) -> Breakdown {
    let on = roster.shift_grid(sc);
    let w = &sc.weights;
    let mut b = Breakdown::default();
    for r in &sc.requests {
        if !request_met(sc, r, &on) {
            b.requests += r.weight * w.request;
        }
    }
    for job in sc.job_types() {
        b.fair_nights += spread_of(sc, roster, &job, true) as f64 * w.fair_nights;
        b.fair_weekends += spread_of(sc, roster, &job, false) as f64 * w.fair_weekends;
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
pub(super) fn over_cover_cost(sc: &Scenario, d: usize, k: usize) -> f64 {
    sc.weights
        .over_cover_on(sc.day_type(sc.date(d)), sc.shifts[k].night)
}

/// The least one person beyond the demand costs anywhere in the month.
pub(super) fn cheapest_over_cover(sc: &Scenario) -> f64 {
    (0..sc.days())
        .flat_map(|d| (0..sc.shifts.len()).map(move |k| over_cover_cost(sc, d, k)))
        .fold(f64::INFINITY, f64::min)
}

/// Whether a roster (as `Roster::shift_grid`) grants a request.
pub(super) fn request_met(sc: &Scenario, r: &Request, on: &[Vec<Option<usize>>]) -> bool {
    let d = sc.month.day_index(r.date).expect("validated date");
    match r.wish {
        Wish::Off => on[r.staff][d].is_none(),
        Wish::Shift(k) => on[r.staff][d] == Some(k),
    }
}

/// Per day and shift, the people on duty minus the seats demanded (negative when short).
pub(super) fn beyond_demand(sc: &Scenario, on: &[Vec<Option<usize>>]) -> Vec<Vec<i64>> {
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
