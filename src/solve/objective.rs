//! The objective of docs/contract.md as expressions over the model's variables, term by
//! term; its arithmetic on a finished roster is domain code (`rules::objective`).

use super::variables::ShiftVars;
use crate::model::{Scenario, Wish};
use crate::rules::objective::{
    Breakdown, Measure, SpreadFacts, counts_of, over_cover_cost, prior_of, spread_facts,
};
use good_lp::{Constraint, Expression, ProblemVariables, constraint, variable};

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

/// A spread in a built model: its facts and the variables of its equal-split disjunction.
#[derive(Debug, Clone)]
pub struct Spread {
    pub facts: SpreadFacts,
    pub equal: good_lp::Variable,
    pub common: good_lp::Variable,
    pub max: good_lp::Variable,
    pub min: good_lp::Variable,
    /// Each member's count of the measure (prior counts included), by person.
    pub counts: Vec<(usize, Expression)>,
}

/// The weighted requests not met: a day off worked, or a wished shift not given.
fn unmet_requests(sc: &Scenario, x: &ShiftVars, one: good_lp::Variable) -> Expression {
    let mut requests = Expression::from(0.0);
    for r in &sc.requests {
        let d = sc.month.day_index(r.date).expect("validated date");
        let unmet = match r.wish {
            Wish::Off => x.works(r.staff, d),
            Wish::Shift(k) => one - x.sum([(r.staff, d, k)]),
        };
        requests += unmet * r.weight;
    }
    requests
}

/// Everyone on duty is seated; once demand is met, the excess over all seat types of a
/// shift is the number on duty minus the total demand, priced per shift.
fn over_cover(sc: &Scenario, x: &ShiftVars, one: good_lp::Variable) -> Expression {
    let (_, days, shifts) = x.dims();
    let mut over_cover = Expression::from(0.0);
    for d in 0..days {
        let date = sc.date(d);
        for k in 0..shifts {
            let demand: u32 = (0..sc.seats.len()).map(|s| sc.demand(date, k, s)).sum();
            over_cover +=
                (x.on_duty(d, k, |_| true) - demand as f64 * one) * over_cover_cost(sc, d, k);
        }
    }
    over_cover
}

impl Objective {
    pub fn new(sc: &Scenario, x: &ShiftVars, vars: &mut ProblemVariables) -> Objective {
        let w = &sc.weights;
        let (_, days, shifts) = x.dims();
        let mut rows = Vec::new();

        // Solvers drop an objective's constant term, and then measure their relative gap
        // against the wrong total; a column fixed at 1 carries the constant instead.
        let one = vars.add(variable().min(1.0).max(1.0));

        let requests = unmet_requests(sc, x, one);

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
                .flat_map(|&i| Measure::BOTH.map(|m| prior_of(sc, i, m)))
                .max()
                .unwrap_or(0);
            let bound = (days as u32 + prior_most) as f64;
            // When every lead has this job type, the leads alone must work every night (and
            // weekend) shift's lead quota, so the busiest of them works at least the rounded-up
            // share. The LP only knows the fractional share; this closes most of the
            // fairness gap at the root.
            // The floors reason about the month's counts alone: with prior counts they would
            // not bound the year's, so they are left out (0) and the bound stays valid.
            let month_only = !crate::model::counts_before_the_month(&sc.prior);
            let (night_floor, weekend_floor) = if month_only {
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
            let mut night_counts = Vec::with_capacity(members.len());
            let mut weekend_counts = Vec::with_capacity(members.len());
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
                let nights = nights + prior_of(sc, i, Measure::Nights) as f64 * one;
                let weekends = weekends + prior_of(sc, i, Measure::Weekends) as f64 * one;
                all_nights += nights.clone();
                all_weekends += weekends.clone();
                night_counts.push((i, nights.clone()));
                weekend_counts.push((i, weekends.clone()));
                rows.push(constraint!(nights.clone() <= n_max));
                rows.push(constraint!(nights >= n_min));
                rows.push(constraint!(weekends.clone() <= w_max));
                rows.push(constraint!(weekends >= w_min));
            }
            let m = members.len() as f64;
            for (total, max, min, counts) in [
                (all_nights, n_max, n_min, night_counts),
                (all_weekends, w_max, w_min, weekend_counts),
            ] {
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
                    counts,
                });
            }
            fair_nights += (n_max - n_min) * w.fair_nights;
            fair_weekends += (w_max - w_min) * w.fair_weekends;
        }

        let over_cover = over_cover(sc, x, one);

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

    /// Integer rounding of each fairness spread against the demand, for the month model
    /// whose cover is hard (not the elastic one, where cover may fall short). The LP shares
    /// the measure's demand D evenly over the job's m members, so its min and max sit at
    /// D/m and it sees a spread well below any integer roster's. With D = m·q + r: the min
    /// can pass q only if over-cover on the measure's shifts pays for it, at least m − r
    /// seats per step; the max stays above q unless other job types take at least r of
    /// the seats per step (mixed-integer rounding of m·min ≤ D + over-cover and
    /// m·max ≥ D − others). No integer roster is cut off; the root bound then counts the
    /// spread that leave and uneven availability cannot hide.
    ///
    /// None with prior counts above 0: the spreads are then over prior + month counts, which the
    /// month's demand does not bound this way.
    pub fn rounding_cuts(&self, sc: &Scenario, x: &ShiftVars) -> Vec<Constraint> {
        let (_, days, shifts) = x.dims();
        let mut rows = Vec::new();
        if crate::model::counts_before_the_month(&sc.prior) {
            return rows;
        }
        for sp in &self.spreads {
            let f = &sp.facts;
            let m = f.members as f64;
            if m == 0.0 {
                continue;
            }
            let cells: Vec<(usize, usize)> = (0..days)
                .flat_map(|d| (0..shifts).map(move |k| (d, k)))
                .filter(|&(d, k)| {
                    if f.measure == Measure::Nights {
                        sc.shifts[k].night
                    } else {
                        sc.is_weekend_or_holiday(sc.date(d))
                    }
                })
                .collect();
            let mut over = Expression::from(0.0);
            let mut others = Expression::from(0.0);
            for &(d, k) in &cells {
                let demand: u32 = (0..sc.seats.len())
                    .map(|s| sc.demand(sc.date(d), k, s))
                    .sum();
                over += x.on_duty(d, k, |_| true) - demand as f64 * self.one;
                others += x.on_duty(d, k, |i| sc.staff[i].job != f.job);
            }
            let (q, r) = even_split(f.demand, m);
            rows.push(constraint!(
                (m - r) * sp.min - (m - r) * q * self.one <= over
            ));
            if r > 0.0 {
                rows.push(constraint!(r * sp.max + others >= r * (q + 1.0) * self.one));
            }
        }
        rows
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
            let counts = counts_of(sc, roster, &sp.facts.job, sp.facts.measure);
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

/// D = m·q + r with 0 ≤ r < m: the even share q of a demand over m members and what is left.
fn even_split(demand: f64, members: f64) -> (f64, f64) {
    let q = (demand / members).floor();
    (q, demand - members * q)
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

/// The spread the root LP already shows when nothing is over-covered: the max reaches the
/// leads' share (`lead_share_floors`) and the rounded-up even share, the min stays at the
/// rounded-down one. A settled spread level at or below it adds nothing to the LP but a row
/// that steers CBC elsewhere.
pub(super) fn spread_seen_at_root(sc: &Scenario, f: &SpreadFacts) -> u32 {
    if f.members == 0 {
        return 0;
    }
    let weekend_days: Vec<usize> = (0..sc.days())
        .filter(|&d| sc.is_weekend_or_holiday(sc.date(d)))
        .collect();
    let (nights, weekends) = lead_share_floors(sc, &f.job, &weekend_days);
    let floor = if f.measure == Measure::Nights {
        nights
    } else {
        weekends
    };
    let m = f.members as f64;
    let min_at_most = (f.demand / m).floor();
    let max_at_least = floor.max(((f.demand - f.others_capacity).max(0.0) / m).ceil());
    (max_at_least - min_at_most).max(0.0) as u32
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

#[cfg(test)]
mod tests {
    use super::even_split;
    use proptest::prelude::*;

    proptest! {
        /// The rounding cuts of `Objective::rounding_cuts` hold for every integer split: any
        /// members' counts, any seats taken by other job types, any over-cover, with the
        /// demand what the people on duty cover beyond the over-cover.
        #[test]
        fn rounding_cuts_cut_off_no_integer_roster(
            counts in prop::collection::vec(0u32..12, 1..9),
            others in 0u32..25,
            over in 0u32..40,
        ) {
            let on_duty = counts.iter().sum::<u32>() + others;
            prop_assume!(over <= on_duty);
            let demand = f64::from(on_duty - over);
            let m = counts.len() as f64;
            let (q, r) = even_split(demand, m);
            let min = f64::from(*counts.iter().min().unwrap());
            let max = f64::from(*counts.iter().max().unwrap());
            prop_assert!((m - r) * (min - q) <= f64::from(over));
            if r > 0.0 {
                prop_assert!(r * (max - q - 1.0) + f64::from(others) >= 0.0);
            }
        }
    }
}
