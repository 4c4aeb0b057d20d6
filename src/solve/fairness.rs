//! Proving fairness spreads on large centres. The LP relaxation averages night and weekend
//! counts across interchangeable staff, so it sees little spread, and CBC rarely branches
//! on the variables that would show it. We branch ourselves, one spread level at a time: a
//! spread of s means everyone of the job type works between some c and c + s, and simple
//! arithmetic leaves a few possible values of c (the total must cover the demand that other
//! job types cannot take, and cannot exceed the demand by more than the objective allows as
//! over-cover). Each (s, c) case is solved with a cutoff at the best objective found; when
//! every case of level s is settled, no better roster has spread s, and the next level is
//! tried. The month is then solved again with each spread at least its settled level, now
//! with a bound that counts it.

use super::backend::Outcome;
use super::month::{Fixes, SpreadCase, integral_weights, just_below, left, solve_once};
use super::{Backend, SolveError, SolveOptions, Solved, Status};
use crate::model::Scenario;
use crate::rules::objective::{Measure, SpreadFacts, cheapest_over_cover, spread_facts, spread_of};
use std::time::Instant;

/// Only worth it, and only sound, where the objective is integral and over-cover costs
/// something (the cost bounds the common count), with CBC (which takes a cutoff).
pub(super) fn can_probe(sc: &Scenario, opts: &SolveOptions) -> bool {
    opts.backend == Backend::Cbc && integral_weights(sc) && cheapest_over_cover(sc) > 0.0
}

/// Probes each spread the best roster pays for, then searches the rest of the month. Each
/// probe may search `PROBE_NODES` nodes (work, not time, so the proof is the same on any
/// machine); the final search runs until it proves its case or the time limit stops it.
pub(super) fn prove_spreads(
    sc: &Scenario,
    opts: &SolveOptions,
    first: Solved,
    started: Instant,
) -> Result<Solved, SolveError> {
    let spreads = spread_facts(sc);
    // The first solve's bound holds for the whole month; a probe's speaks only of its case.
    let bound = first.bound;
    let mut best = first;
    let mut settled: Vec<(String, Measure, u32)> = Vec::new();
    for sp in &spreads {
        if sp.weight <= 0.0 {
            continue;
        }
        // Spreads below `level` hold nothing better than the best; a better roster, if any,
        // has a spread of at least `level`. Levels at or above the best roster's own spread
        // are left to the final search. A level the arithmetic alone settles (no common
        // count fits, as when prior counts lie far apart) costs no probe and no budget.
        let mut level = 0;
        let mut probed_levels = 0;
        while probed_levels < MAX_LEVELS && level < spread_of(sc, &best.roster, &sp.job, sp.measure)
        {
            let Some(values) = common_counts(sc, sp, best.objective, level) else {
                break;
            };
            if !values.is_empty() {
                probed_levels += 1;
            }
            let mut all_settled = true;
            for low in values {
                let case = SpreadCase {
                    job: sp.job.clone(),
                    measure: sp.measure,
                    spread: level,
                    low,
                };
                opts.progress.report(case.question(), Some(&best));
                let (found, closed) = match probe(sc, opts, started, case, &best)? {
                    Probe::OutOfTime(found) => {
                        if let Some(s) = found {
                            best = s.instead_of(&best).with_bound(bound, opts, started);
                        }
                        best.out_of_time = true;
                        return Ok(best);
                    }
                    Probe::Unsettled(found) => (found, false),
                    Probe::Settled(found) => (found, true),
                };
                all_settled &= closed;
                if let Some(s) = found {
                    best = s.instead_of(&best).with_bound(bound, opts, started);
                }
            }
            if !all_settled {
                break;
            }
            level += 1;
        }
        if level > 0 {
            settled.push((sp.job.clone(), sp.measure, level));
        }
    }
    // Every settled case is explored: the best roster in it is known. What remains is the
    // month with each settled spread at least its level (the whole month when none is).
    opts.progress
        .report("searching the rest of the month for better", Some(&best));
    // The best roster lies in the rest: no level passes its own spread.
    let fixes = Fixes {
        spread_at_least: settled,
        start: Some(best.roster.clone()),
        ..Fixes::default()
    };
    Ok(
        match solve_once(sc, &left(opts, started), &fixes, started)? {
            // The rest of the month was not even searched to a roster: nothing more is proven.
            Outcome::Unfinished { .. } => {
                best.out_of_time = true;
                best
            }
            // No roster at all in the rest: the best of the settled cases is optimal.
            Outcome::ProvenNone => {
                let proven = best.objective;
                best.with_bound(proven, opts, started)
            }
            Outcome::Found(r) if r.objective < best.objective - 1e-6 => {
                let proven = r.bound;
                r.instead_of(&best).with_bound(proven, opts, started)
            }
            Outcome::Found(r) => {
                best.out_of_time |= r.out_of_time;
                best.with_bound(r.bound, opts, started)
            }
        },
    )
}

/// What one probe of a spread case proved.
enum Probe {
    /// The case is explored: nothing in it beats the best, or this roster is its best.
    Settled(Option<Solved>),
    /// The node limit stopped it first, perhaps after finding a better roster; the final
    /// search covers the case.
    Unsettled(Option<Solved>),
    /// The clock ran out, perhaps after finding a better roster.
    OutOfTime(Option<Solved>),
}

/// Searches one spread case for a roster better than `best`, within `PROBE_NODES` nodes.
fn probe(
    sc: &Scenario,
    opts: &SolveOptions,
    started: Instant,
    case: SpreadCase,
    best: &Solved,
) -> Result<Probe, SolveError> {
    let probe_opts = SolveOptions {
        gap: 0.0,
        ..left(opts, started)
    };
    let fixes = Fixes {
        spread_case: Some(case),
        cutoff: Some(just_below(sc, best.objective)),
        // A probe is a proof: the fix-and-optimise before it has done the finding, and
        // CBC's heuristics would spend half the probe looking under the cutoff.
        prove_only: true,
        node_limit: Some(PROBE_NODES),
        ..Fixes::default()
    };
    Ok(match solve_once(sc, &probe_opts, &fixes, started)? {
        Outcome::Unfinished { clock: true } => Probe::OutOfTime(None),
        Outcome::Unfinished { clock: false } => Probe::Unsettled(None),
        Outcome::ProvenNone => Probe::Settled(None),
        Outcome::Found(s) => {
            let better = (s.objective < best.objective - 1e-6).then(|| s.clone());
            if s.out_of_time {
                Probe::OutOfTime(better)
            } else if s.status == Status::Optimal {
                Probe::Settled(better)
            } else {
                // A better roster found, but the case not closed: keep the roster.
                Probe::Unsettled(better)
            }
        }
    })
}

impl SpreadCase {
    fn question(&self) -> String {
        let (job, measure, low) = (&self.job, self.measure, self.low);
        if self.spread == 0 {
            format!("proving fairness: can every {job} work {low} {measure}?")
        } else {
            let high = low + self.spread;
            format!("proving fairness: can every {job} work {low} to {high} {measure}?")
        }
    }
}

/// Spread levels probed per job type and measure: each level is a handful of probes.
const MAX_LEVELS: u32 = 3;

/// Branch-and-bound nodes one probe may search. The shipped months' probes close at their
/// root (the cutoff one unit below the best prunes the rest); a probe that needs more is
/// left unsettled, and the final search covers its case.
const PROBE_NODES: u32 = 1000;

/// The lowest counts `low` a case of spread `level` could have in a roster no worse than
/// `best` (everyone's count, prior included, between `low` and `low + level`). The
/// members' month shifts must cover the demand others cannot take, so `m·(low + level)`
/// less their priors reaches it, and no count is below its prior, so `low + level` reaches
/// the largest. Lifting everyone to `low` takes `lift_to(low)` shifts, and what they add
/// beyond the demand is over-cover, which costs: so `lift_to(low)` stays within the demand
/// plus what the objective allows. A month adds at most a shift a day to anyone's count.
/// None when more than `3 + level` values remain.
fn common_counts(sc: &Scenario, sp: &SpreadFacts, best: f64, level: u32) -> Option<Vec<u32>> {
    let m = sp.members() as f64;
    if m == 0.0 {
        return None;
    }
    let level_f = f64::from(level);
    let lo = ((sp.demand - sp.others_capacity + sp.prior_total()) / m - level_f)
        .ceil()
        .max(f64::from(sp.prior_most()) - level_f)
        .max(0.0);
    let days = sc.days() as f64;
    // Each person beyond the demand costs at least the cheapest over-cover.
    let affordable = sp.demand + best / cheapest_over_cover(sc);
    let hi = f64::from(sp.highest_floor_within(affordable)?)
        .min(f64::from(sp.prior_least()) + days)
        .min(f64::from(sp.prior_most()) + days - level_f);
    if hi < lo {
        return Some(Vec::new());
    }
    (hi - lo < 3.0 + level_f).then(|| (lo as u32..=hi as u32).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spread(members: usize, demand: f64, others_capacity: f64) -> SpreadFacts {
        SpreadFacts {
            job: "agent".into(),
            measure: Measure::Nights,
            weight: 5.0,
            demand,
            others_capacity,
            priors: vec![0; members],
        }
    }

    #[test]
    fn an_equal_split_leaves_only_counts_that_cover_demand_without_costing_too_much() {
        let sc = crate::solve::test_fixture();
        // 145 agents, 278 night seats, others can take 115: 2 nights each (290) is the only
        // count that covers 163 without more than 65 of over-cover.
        assert_eq!(
            common_counts(&sc, &spread(145, 278.0, 115.0), 65.0, 0),
            Some(vec![2])
        );
        // Others cannot help: 278 / 145 rounds up to 2, and 3 would add 157 over-cover.
        assert_eq!(
            common_counts(&sc, &spread(145, 278.0, 0.0), 65.0, 0),
            Some(vec![2])
        );
        // A tiny job type leaves too many counts to probe.
        assert_eq!(common_counts(&sc, &spread(2, 10.0, 100.0), 65.0, 0), None);
        // No count fits at all: the spread is at least 1 in any roster this good.
        assert_eq!(
            common_counts(&sc, &spread(100, 150.0, 0.0), 20.0, 0),
            Some(vec![])
        );
        // Spread 1: everyone works 1 or 2 (some 2s cover 278), or 2 or 3 within the allowance.
        assert_eq!(
            common_counts(&sc, &spread(145, 278.0, 0.0), 65.0, 1),
            Some(vec![1, 2])
        );
    }

    #[test]
    fn prior_counts_far_apart_leave_no_common_count_at_a_small_spread() {
        let sc = crate::solve::test_fixture();
        // One of ten agents has worked 30 nights so far, the rest none: 40 night seats
        // this month cannot bring the others within 3 of the 30.
        let mut far = spread(10, 40.0, 0.0);
        far.priors[0] = 30;
        for level in 0..4 {
            assert_eq!(common_counts(&sc, &far, 20.0, level), Some(vec![]));
        }
        // The same demand over priors of 2 each: everyone at 6 (4 this month) is the one
        // equal split.
        let mut even = spread(10, 40.0, 0.0);
        even.priors = vec![2; 10];
        assert_eq!(common_counts(&sc, &even, 1.0, 0), Some(vec![6]));
    }

    proptest::proptest! {
        /// Soundness of the probes: any split of a job type's counts (prior included) with
        /// spread `level` that covers the demand (with what other job types take) and whose
        /// over-cover the best objective could afford has its lowest count among the probed
        /// ones.
        #[test]
        fn every_affordable_split_is_among_the_probed_counts(
            low in 0u32..6,
            level in 0u32..4,
            rest in proptest::collection::vec((0u32..=3, 0u32..30), 0..6),
            ends_prior in (0u32..30, 0u32..30),
            with_priors in proptest::bool::ANY,
            others_capacity in 0u32..12,
            others_share in 0.0f64..=1.0,
            over in 0u32..12,
        ) {
            let sc = crate::solve::test_fixture();
            let cheapest = crate::rules::objective::cheapest_over_cover(&sc);
            let mut split = vec![(low, ends_prior.0), (low + level, ends_prior.1)];
            split.extend(rest.iter().map(|&(r, p)| (low + r.min(level), p)));
            // Each count is its prior plus the month's shifts, so no prior passes it.
            let priors: Vec<u32> = split
                .iter()
                .map(|&(c, p)| if with_priors { p % (c + 1) } else { 0 })
                .collect();
            let month: u32 = split.iter().zip(&priors).map(|(&(c, _), p)| c - p).sum();
            let others = (others_share * f64::from(others_capacity)).floor();
            let total = f64::from(month) + others;
            proptest::prop_assume!(f64::from(over) <= total);
            let demand = total - f64::from(over);
            let best = f64::from(over) * cheapest + 1.0;
            let mut facts = spread(split.len(), demand, f64::from(others_capacity));
            facts.priors = priors;
            if let Some(values) = common_counts(&sc, &facts, best, level) {
                proptest::prop_assert!(values.contains(&low), "{values:?} misses {low}");
            }
        }
    }
}
