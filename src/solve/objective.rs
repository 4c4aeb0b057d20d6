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
            // share (of the quota plus the leads' prior counts). The LP only knows the
            // fractional share; this closes most of the fairness gap at the root.
            let (night_floor, weekend_floor) = lead_share_floors(sc, &job, &weekend_days);
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
    /// D/m and it sees a spread well below any integer roster's.
    ///
    /// The min: lifting everyone to a count L takes `lift_to(L)` = Σ max(0, L − prior) of
    /// the month's shifts, at most D + over-cover. With q the highest level D alone reaches
    /// (`highest_floor_within(D)`), the min can pass q only if over-cover pays for the
    /// next step, `lift_to(q + 1) − D` seats (m − r without priors, D = m·q + r), and each
    /// further step costs at least as much (lift_to is convex): so over-cover ≥ that many
    /// per step above q. The max: the counts sum to the demand others leave plus the priors,
    /// so m·max ≥ D + P − others, and with D + P = m·q' + r' the max stays above q' unless
    /// other job types take at least r' seats per step (mixed-integer rounding). No integer
    /// roster is cut off; the root bound then counts the spread that leave, uneven
    /// availability and uneven priors cannot hide.
    pub fn rounding_cuts(&self, sc: &Scenario, x: &ShiftVars) -> Vec<Constraint> {
        let (_, days, shifts) = x.dims();
        let mut rows = Vec::new();
        for sp in &self.spreads {
            let f = &sp.facts;
            let m = f.members() as f64;
            if m == 0.0 {
                continue;
            }
            let cells: Vec<(usize, usize)> = (0..days)
                .flat_map(|d| (0..shifts).map(move |k| (d, k)))
                .filter(|&(d, k)| f.measure.counts_at(sc, d, k))
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
            let (q, step) = min_rounding(f);
            rows.push(constraint!(step * sp.min - step * q * self.one <= over));
            let (q, r) = even_split(f.demand + f.prior_total(), m);
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

/// The min's rounding (see `rounding_cuts`): the highest level q that the demand alone
/// lifts everyone to, and the over-cover each step above it costs at least. For a spread
/// with members only.
fn min_rounding(f: &SpreadFacts) -> (f64, f64) {
    let q = f.highest_floor_within(f.demand).unwrap_or(0);
    (f64::from(q), f.lift_to(q + 1) - f.demand)
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
    if f.members() == 0 {
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
    let m = f.members() as f64;
    let min_at_most = min_rounding(f).0;
    let max_at_least = floor
        .max((((f.demand - f.others_capacity).max(0.0) + f.prior_total()) / m).ceil())
        .max(f64::from(f.prior_most()));
    (max_at_least - min_at_most).max(0.0) as u32
}

/// The least the busiest lead's counts (nights, weekends) can be: the leads' month counts
/// sum to at least the lead quota, so their counts, prior included, average at least the
/// quota plus their priors over their number.
fn lead_share_floors(sc: &Scenario, job: &str, weekend_days: &[usize]) -> (f64, f64) {
    let leads: Vec<usize> = sc.leads().collect();
    if leads.is_empty() || leads.iter().any(|&i| sc.staff[i].job != job) {
        return (0.0, 0.0);
    }
    let per_shift = sc.rules.leads_per_shift as f64;
    let nights = sc.shifts.iter().filter(|s| s.night).count() as f64;
    let n = leads.len() as f64;
    let prior = |m: Measure| -> f64 { leads.iter().map(|&i| f64::from(prior_of(sc, i, m))).sum() };
    let night_quota = per_shift * nights * sc.days() as f64 + prior(Measure::Nights);
    let weekend_quota =
        per_shift * sc.shifts.len() as f64 * weekend_days.len() as f64 + prior(Measure::Weekends);
    ((night_quota / n).ceil(), (weekend_quota / n).ceil())
}

#[cfg(test)]
mod tests {
    use super::{even_split, min_rounding};
    use crate::rules::objective::{Measure, SpreadFacts};
    use proptest::prelude::*;

    proptest! {
        /// The rounding cuts of `Objective::rounding_cuts` hold for every integer split: any
        /// members' month counts on top of any prior counts, any seats taken by other job
        /// types, any over-cover, with the demand what the people on duty cover beyond the
        /// over-cover.
        #[test]
        fn rounding_cuts_cut_off_no_integer_roster(
            split in prop::collection::vec((0u32..12, 0u32..20), 1..9),
            with_priors in any::<bool>(),
            others in 0u32..25,
            over in 0u32..40,
        ) {
            let month: Vec<u32> = split.iter().map(|s| s.0).collect();
            let priors: Vec<u32> =
                split.iter().map(|s| if with_priors { s.1 } else { 0 }).collect();
            let on_duty = month.iter().sum::<u32>() + others;
            prop_assume!(over <= on_duty);
            let demand = f64::from(on_duty - over);
            let facts = SpreadFacts {
                job: "agent".into(),
                measure: Measure::Nights,
                weight: 5.0,
                demand,
                others_capacity: f64::from(others),
                priors: priors.clone(),
            };
            let counts: Vec<u32> = month.iter().zip(&priors).map(|(y, p)| y + p).collect();
            let min = f64::from(*counts.iter().min().unwrap());
            let max = f64::from(*counts.iter().max().unwrap());
            let (q, step) = min_rounding(&facts);
            prop_assert!(step > 0.0);
            prop_assert!(step * (min - q) <= f64::from(over), "min {min}, q {q}, step {step}");
            let (q, r) = even_split(demand + facts.prior_total(), month.len() as f64);
            if r > 0.0 {
                prop_assert!(r * (max - q - 1.0) + f64::from(others) >= 0.0);
            }
        }
    }
}
