//! A lower bound on the objective by counting alone, with no model. A large month's root
//! LP takes minutes (1,000 staff: more than 380 s on one core, after fix-and-optimise),
//! while this takes milliseconds; on the generated months of issue 14 it is as strong as
//! the root's bound or stronger, so fix-and-optimise can stop at a roster it proves.
//!
//! Over-cover: everyone works at least their due minimum (`min_shifts_due`) and every
//! shift's demand is met, so each shift worked beyond the month's demand is a person beyond
//! the demand somewhere, at the cheapest over-cover at least.
//!
//! A fairness spread of 0: everyone of the job type has one count c (prior included), so
//! the members' month shifts of the measure are exactly `lift_to(c)`. With the most the
//! other job types can take, they cover the measure's demand, which sets the least c; what
//! they work beyond that demand is over-cover on the measure's shifts (nights, weekends),
//! which cost more than the cheapest. With every job type's spread of a measure at 0, the
//! common counts together must cover its demand, and what the best of them leaves over
//! costs the same way. A roster pays, for each spread, its weight or that over-cover.

use crate::model::Scenario;
use crate::rules::objective::{
    Measure, SpreadFacts, cheapest_over_cover, over_cover_cost, spread_facts,
};

/// The least objective any roster that keeps every roster rule can have, by counting.
pub fn bound(sc: &Scenario) -> f64 {
    let cheapest = cheapest_over_cover(sc);
    let beyond = (due_shifts(sc) - demand_in(sc, |_, _| true)).max(0.0);
    let spreads: Vec<SpreadFacts> = spread_facts(sc)
        .into_iter()
        .filter(|f| f.weight > 0.0 && f.members() > 0)
        .collect();
    let measures = Measure::BOTH.map(|m| (m, MeasureCells::of(sc, m)));
    let cells_of = |m: Measure| &measures.iter().find(|(of, _)| *of == m).expect("both").1;
    let singles: Vec<Even> = spreads
        .iter()
        .map(|f| Even {
            measure: f.measure,
            weight: f.weight,
            over: cells_of(f.measure).over_if_even(sc, f, beyond, cheapest),
        })
        .collect();
    let groups: Vec<(Measure, f64)> = measures
        .iter()
        .filter(|(m, _)| spreads.iter().any(|f| f.measure == *m))
        .map(|(m, cells)| {
            let within: Vec<&SpreadFacts> = spreads.iter().filter(|f| f.measure == *m).collect();
            (*m, cells.over_if_all_even(sc, &within, beyond, cheapest))
        })
        .collect();
    least_paid(cheapest * beyond, &singles, &groups)
}

/// One weighted spread: what a roster pays when it is not 0 (its weight, at least), and
/// the least over-cover of a roster in which it is.
#[derive(Debug, Clone, Copy)]
struct Even {
    measure: Measure,
    weight: f64,
    over: f64,
}

/// The least objective over every set Z of spreads at 0 (the rest pay their weight): the
/// over-cover is at least `base`, each `over` of Z, and each group's (a measure with all
/// its spreads in Z), and the spreads outside Z pay their weights.
///
/// Minimised exactly without trying every Z: for the Z at the minimum, with t its
/// over-cover, take every spread whose `over` is at most t, less the lightest of each
/// measure whose group costs more than t. That set costs no more than Z (it leaves out
/// no more weight and its over-cover is at most t), so trying each `over` as t finds it.
fn least_paid(base: f64, singles: &[Even], groups: &[(Measure, f64)]) -> f64 {
    let mut levels: Vec<f64> = std::iter::once(base)
        .chain(singles.iter().map(|e| e.over))
        .chain(groups.iter().map(|g| g.1))
        .filter(|t| t.is_finite() && *t >= base)
        .collect();
    levels.sort_by(f64::total_cmp);
    levels.dedup();
    let mut least = f64::INFINITY;
    for t in levels {
        let mut zero: Vec<bool> = singles.iter().map(|e| e.over <= t).collect();
        let mut over = base;
        for &(measure, group) in groups {
            let of: Vec<usize> = (0..singles.len())
                .filter(|&j| singles[j].measure == measure)
                .collect();
            if !of.iter().all(|&j| zero[j]) {
                continue;
            }
            if group <= t {
                over = over.max(group);
            } else if let Some(&lightest) = of
                .iter()
                .min_by(|&&a, &&b| singles[a].weight.total_cmp(&singles[b].weight))
            {
                zero[lightest] = false;
            }
        }
        let mut paid = 0.0;
        for (e, &z) in singles.iter().zip(&zero) {
            if z {
                over = over.max(e.over);
            } else {
                paid += e.weight;
            }
        }
        least = least.min(over + paid);
    }
    least
}

/// What over-cover costs at least on the (day, shift) cells a measure counts, and the
/// most of them one person can work (one shift a day, ROSTER-ONE). The measure's demand
/// is its spreads' (`SpreadFacts::demand`).
struct MeasureCells {
    /// None when the month has no cell of the measure.
    dearer: Option<f64>,
    days_with: u32,
}

impl MeasureCells {
    fn of(sc: &Scenario, measure: Measure) -> MeasureCells {
        let counts = |d: usize, k: usize| measure.counts_at(sc, d, k);
        MeasureCells {
            dearer: cells(sc, counts)
                .map(|(d, k)| over_cover_cost(sc, d, k))
                .reduce(f64::min),
            days_with: (0..sc.days())
                .filter(|&d| (0..sc.shifts.len()).any(|k| counts(d, k)))
                .count() as u32,
        }
    }

    /// The highest count each member of the job type can reach: their prior and at most
    /// a shift a day, within their maximum for the month.
    fn reach<'a>(&self, sc: &'a Scenario, f: &'a SpreadFacts) -> impl Iterator<Item = u32> + 'a {
        let days_with = self.days_with;
        sc.staff
            .iter()
            .filter(|p| p.job == f.job)
            .zip(&f.priors)
            .map(move |(p, &prior)| prior + days_with.min(p.max_shifts))
    }

    /// The least over-cover of a roster in which spread `f` is 0 (infinite when none can
    /// be): at least `beyond` people, of whom the members' shifts beyond the measure's
    /// demand are on its dearer cells.
    fn over_if_even(&self, sc: &Scenario, f: &SpreadFacts, beyond: f64, cheapest: f64) -> f64 {
        let Some(dearer) = self.dearer else {
            // No cell of the measure: the counts are the priors, and nothing is spent.
            return cheapest * beyond;
        };
        let most = self.reach(sc, f).min().unwrap_or(0);
        least_cost_if_even(f, most, beyond, cheapest, dearer)
    }

    /// The least over-cover of a roster in which every spread of `within` (one measure's)
    /// is 0: each job type at a common count, together covering the measure's demand with
    /// what job types outside `within` can take.
    fn over_if_all_even(
        &self,
        sc: &Scenario,
        within: &[&SpreadFacts],
        beyond: f64,
        cheapest: f64,
    ) -> f64 {
        let Some(dearer) = self.dearer else {
            return cheapest * beyond;
        };
        let others: f64 = sc
            .staff
            .iter()
            .filter(|p| within.iter().all(|f| f.job != p.job))
            .map(|p| f64::from(self.days_with.min(p.max_shifts)))
            .sum();
        // Each job type's month totals at a common count it can reach.
        let totals: Vec<Vec<u32>> = within
            .iter()
            .map(|f| {
                let most = self.reach(sc, f).min().unwrap_or(0);
                (f.prior_most()..=most)
                    .map(|c| f.lift_to(c) as u32)
                    .collect()
            })
            .collect();
        // Every spread of one measure has the measure's demand.
        let demand = within.first().map_or(0.0, |f| f.demand);
        match least_total_from(&totals, (demand - others).max(0.0) as u32) {
            Some(total) => over_cover_with(f64::from(total) - demand, beyond, cheapest, dearer),
            None => f64::INFINITY,
        }
    }
}

/// The least sum of one total from each list that reaches `need`; None when none does.
fn least_total_from(totals: &[Vec<u32>], need: u32) -> Option<u32> {
    let most: usize = totals
        .iter()
        .map(|t| t.iter().copied().max().unwrap_or(0) as usize)
        .sum();
    let mut reachable = vec![false; most + 1];
    reachable[0] = true;
    for choices in totals {
        let mut next = vec![false; most + 1];
        for (sum, _) in reachable.iter().enumerate().filter(|(_, r)| **r) {
            for &c in choices {
                next[sum + c as usize] = true;
            }
        }
        reachable = next;
    }
    (need as usize..=most)
        .find(|&s| reachable[s])
        .map(|s| s as u32)
}

/// The shifts everyone must work at least, over the staff.
fn due_shifts(sc: &Scenario) -> f64 {
    (0..sc.staff.len())
        .map(|i| f64::from(sc.min_shifts_due(i)))
        .sum()
}

/// Seats demanded on the month's (day, shift) cells that `within` keeps.
fn demand_in(sc: &Scenario, within: impl Fn(usize, usize) -> bool) -> f64 {
    cells(sc, within)
        .map(|(d, k)| {
            (0..sc.seats.len())
                .map(|s| f64::from(sc.demand(sc.date(d), k, s)))
                .sum::<f64>()
        })
        .sum()
}

fn cells(
    sc: &Scenario,
    within: impl Fn(usize, usize) -> bool,
) -> impl Iterator<Item = (usize, usize)> {
    (0..sc.days())
        .flat_map(|d| (0..sc.shifts.len()).map(move |k| (d, k)))
        .filter(move |&(d, k)| within(d, k))
}

/// The least over-cover of a roster in which every member's count is the same c, at most
/// `most`: the members work `lift_to(c)` of the measure's shifts and, with at most
/// `others_capacity` from the others, cover its demand; what they work beyond it costs
/// `dearer` a person, and the rest of the `beyond` people `cheapest`.
fn least_cost_if_even(f: &SpreadFacts, most: u32, beyond: f64, cheapest: f64, dearer: f64) -> f64 {
    let from_members = f.demand - f.others_capacity;
    let Some(common) = (f.prior_most()..=most).find(|&c| f.lift_to(c) >= from_members) else {
        return f64::INFINITY;
    };
    // A higher common count works more shifts beyond the demand: the least costs the least.
    over_cover_with(f.lift_to(common) - f.demand, beyond, cheapest, dearer)
}

/// The least over-cover with `on_dearer` people (at least 0) beyond the measure's demand
/// on its cells, at `dearer` each, and `beyond` people in all at `cheapest` at least.
fn over_cover_with(on_dearer: f64, beyond: f64, cheapest: f64, dearer: f64) -> f64 {
    let on_dearer = on_dearer.max(0.0);
    cheapest * beyond.max(on_dearer) + (dearer - cheapest) * on_dearer
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every set of spreads at 0, tried one by one.
    fn least_paid_by_trying_every_set(
        base: f64,
        singles: &[Even],
        groups: &[(Measure, f64)],
    ) -> f64 {
        let mut least = f64::INFINITY;
        for mask in 0u32..(1 << singles.len()) {
            let zero = |j: usize| mask & (1 << j) != 0;
            let mut over = base;
            let mut paid = 0.0;
            for (j, e) in singles.iter().enumerate() {
                if zero(j) {
                    over = over.max(e.over);
                } else {
                    paid += e.weight;
                }
            }
            for &(m, group) in groups {
                if (0..singles.len())
                    .filter(|&j| singles[j].measure == m)
                    .all(zero)
                {
                    over = over.max(group);
                }
            }
            least = least.min(over + paid);
        }
        least
    }

    fn even() -> impl Strategy<Value = Even> {
        (any::<bool>(), 1u32..4, prop::option::of(0u32..40)).prop_map(|(night, w, over)| Even {
            measure: if night {
                Measure::Nights
            } else {
                Measure::Weekends
            },
            weight: f64::from(w),
            over: over.map_or(f64::INFINITY, |o| 20.0 + f64::from(o)),
        })
    }

    proptest! {
        /// The minimum over every set of spreads at 0 is found without trying them all.
        #[test]
        fn the_least_paid_is_the_least_over_every_set_of_even_spreads(
            singles in prop::collection::vec(even(), 0..7),
            group_nights in prop::option::of(0u32..50),
            group_weekends in prop::option::of(0u32..50),
        ) {
            let base = 20.0;
            let groups: Vec<(Measure, f64)> = [(Measure::Nights, group_nights), (Measure::Weekends, group_weekends)]
                .into_iter()
                .filter(|&(m, _)| singles.iter().any(|e| e.measure == m))
                .map(|(m, g)| (m, g.map_or(f64::INFINITY, |g| 20.0 + f64::from(g))))
                .collect();
            prop_assert_eq!(
                least_paid(base, &singles, &groups),
                least_paid_by_trying_every_set(base, &singles, &groups)
            );
        }

        /// The least total that reaches the need, as by trying every choice.
        #[test]
        fn the_least_total_is_the_least_of_every_choice(
            totals in prop::collection::vec(prop::collection::vec(0u32..30, 1..4), 0..4),
            need in 0u32..80,
        ) {
            let mut sums = vec![0u32];
            for choices in &totals {
                sums = sums.iter().flat_map(|s| choices.iter().map(move |c| s + c)).collect();
            }
            let tried = sums.into_iter().filter(|&s| s >= need).min();
            prop_assert_eq!(least_total_from(&totals, need), tried);
        }

        /// Soundness: any even split (everyone at count c, prior included, within `most`)
        /// that covers the demand with what others take costs at least the least cost,
        /// whatever over-cover it has on the measure's shifts and elsewhere.
        #[test]
        fn no_even_split_costs_less_than_the_least_cost(
            priors in prop::collection::vec(0u32..6, 1..8),
            above in 0u32..5,
            room in 0u32..5,
            others in 0u32..20,
            others_capacity_extra in 0u32..10,
            over_measure in 0u32..15,
            over_elsewhere in 0u32..15,
            beyond in 0u32..30,
            cheapest in 1u32..3,
            dearer_extra in 0u32..3,
        ) {
            let common = priors.iter().copied().max().unwrap() + above;
            let month: u32 = priors.iter().map(|p| common - p).sum();
            let on_duty = month + others;
            prop_assume!(over_measure <= on_duty);
            // The over-cover in the roster is at least the `beyond` people in all.
            prop_assume!(over_measure + over_elsewhere >= beyond);
            let f = SpreadFacts {
                job: "agent".into(),
                measure: Measure::Nights,
                weight: 5.0,
                demand: f64::from(on_duty - over_measure),
                others_capacity: f64::from(others + others_capacity_extra),
                priors,
            };
            let (cheapest, dearer) = (f64::from(cheapest), f64::from(cheapest + dearer_extra));
            let paid = dearer * f64::from(over_measure) + cheapest * f64::from(over_elsewhere);
            let least = least_cost_if_even(&f, common + room, f64::from(beyond), cheapest, dearer);
            prop_assert!(paid >= least, "paid {paid}, least {least}");
        }

        /// With no room for a common count (the busiest prior above what anyone can reach),
        /// no even split exists.
        #[test]
        fn no_common_count_above_the_reach_is_infinitely_dear(
            priors in prop::collection::vec(0u32..6, 1..8),
            short in 1u32..4,
        ) {
            let most = priors.iter().copied().max().unwrap();
            prop_assume!(most >= short);
            let f = SpreadFacts {
                job: "agent".into(),
                measure: Measure::Weekends,
                weight: 5.0,
                demand: 0.0,
                others_capacity: 0.0,
                priors,
            };
            prop_assert!(least_cost_if_even(&f, most - short, 0.0, 1.0, 2.0).is_infinite());
        }
    }
}
