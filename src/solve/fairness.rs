//! Proving fairness spreads on large centres. The LP relaxation averages night and weekend
//! counts across interchangeable staff, so it sees no spread at all, and CBC rarely
//! branches on the one variable that would show it. We branch ourselves: a spread of 0
//! means everyone of the job type has the same count c, and simple arithmetic leaves one
//! or two possible values of c (the total must cover the demand that other job types
//! cannot take, and cannot exceed the demand by more than the objective allows as
//! over-cover). Each (spread, c) case is solved with a cutoff at the best objective found;
//! when every case is settled, the spread is fixed at ≥ 1 and the month solved again, now
//! with a bound that counts it.

use super::objective::{SpreadFacts, spread_facts};
use super::{Backend, Fixes, SolveError, SolveOptions, Solved, Status, solve_once};
use crate::model::Scenario;
use std::time::Instant;

/// Only worth it, and only sound, where the objective is integral and over-cover costs
/// something (the cost bounds the common count), with CBC (which takes a cutoff).
pub(super) fn can_probe(sc: &Scenario, opts: &SolveOptions) -> bool {
    opts.backend == Backend::Cbc && super::integral_weights(sc) && sc.weights.over_cover > 0.0
}

/// `least`: the shortest time worth giving a solve of the whole month; with less, its LP
/// alone would overrun the time limit.
pub(super) fn prove_spreads(
    sc: &Scenario,
    opts: &SolveOptions,
    first: Solved,
    started: Instant,
    least: f64,
) -> Result<Solved, SolveError> {
    let spreads = spread_facts(sc);
    let remaining =
        |share: f64| (opts.time_limit - started.elapsed().as_secs_f64()).max(0.0) * share;
    // The first solve's bound holds for the whole month; a probe's speaks only of its case.
    let bound = first.bound;
    let mut best = first;
    let mut settled: Vec<(String, &'static str)> = Vec::new();
    for sp in &spreads {
        if sp.weight <= 0.0
            || super::objective::spread_of(sc, &best.roster, &sp.job, sp.measure == "nights") == 0
        {
            continue;
        }
        let Some(values) = common_counts(sc, sp, best.objective) else {
            continue;
        };
        let mut all_settled = true;
        for c in values {
            let limit = remaining(0.75);
            if limit < least {
                all_settled = false;
                break;
            }
            opts.progress.report(
                format!(
                    "proving fairness: can every {} work {c} {}?",
                    sp.job, sp.measure
                ),
                Some(&best),
            );
            let probe_opts = SolveOptions {
                time_limit: limit,
                gap: 0.0,
                ..opts.clone()
            };
            let fixes = Fixes {
                equal_at: Some((sp.job.clone(), sp.measure, c as f64)),
                cutoff: Some(super::just_below(sc, best.objective)),
                // A probe is a proof: the fix-and-optimise before it has done the finding,
                // and CBC's heuristics would spend half the probe looking under the cutoff.
                prove_only: true,
                ..Fixes::default()
            };
            let outcome = solve_once(sc, &probe_opts, &fixes, started);
            match outcome {
                Err(SolveError::NoSolutionInTime(_)) => all_settled = false,
                Err(e) => return Err(e),
                // Nothing better than the best exists in this case.
                Ok(None) => {}
                Ok(Some(s)) => {
                    all_settled &= s.status == Status::Optimal;
                    if s.objective < best.objective - 1e-6 {
                        best = s.instead_of(&best).with_bound(bound, opts, started);
                    }
                }
            }
        }
        if all_settled {
            settled.push((sp.job.clone(), sp.measure));
        }
    }
    // Every settled case is explored: the best roster in it is known. What remains is the
    // month with those spreads at least 1 (the whole month when none is settled).
    if remaining(1.0) < least {
        return Ok(best);
    }
    let rest = SolveOptions {
        time_limit: remaining(1.0),
        ..opts.clone()
    };
    opts.progress
        .report("searching the rest of the month for better", Some(&best));
    // The best roster starts the search when it lies in the rest (its spreads are not 0).
    let fixes = Fixes {
        no_equal: settled,
        start: Some(best.roster.clone()),
        ..Fixes::default()
    };
    let rest = match solve_once(sc, &rest, &fixes, started) {
        // The rest of the month was not even searched to a roster: nothing more is proven.
        Err(SolveError::NoSolutionInTime(_)) => return Ok(best),
        other => other?,
    };
    Ok(match rest {
        // No roster at all in the rest: the best of the settled cases is optimal.
        None => {
            let proven = best.objective;
            best.with_bound(proven, opts, started)
        }
        Some(r) if r.objective < best.objective - 1e-6 => {
            let proven = r.bound;
            r.instead_of(&best).with_bound(proven, opts, started)
        }
        Some(r) => best.with_bound(r.bound, opts, started),
    })
}

/// The common counts an equal split could have in a roster no worse than `best`: the
/// members' total m·c must cover the demand others cannot take, and what it adds beyond the
/// demand is over-cover, which costs. None when more than three values remain.
fn common_counts(sc: &Scenario, sp: &SpreadFacts, best: f64) -> Option<Vec<u32>> {
    let m = sp.members as f64;
    if m == 0.0 {
        return None;
    }
    let lo = ((sp.demand - sp.others_capacity) / m).ceil().max(0.0);
    let hi = ((sp.demand + best / sc.weights.over_cover) / m)
        .floor()
        .min(sc.days() as f64);
    if hi < lo {
        return Some(Vec::new());
    }
    (hi - lo < 3.0).then(|| (lo as u32..=hi as u32).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spread(members: usize, demand: f64, others_capacity: f64) -> SpreadFacts {
        SpreadFacts {
            job: "agent".into(),
            measure: "nights",
            members,
            weight: 5.0,
            demand,
            others_capacity,
        }
    }

    #[test]
    fn an_equal_split_leaves_only_counts_that_cover_demand_without_costing_too_much() {
        let sc = crate::solve::test_fixture();
        // 145 agents, 278 night seats, others can take 115: 2 nights each (290) is the only
        // count that covers 163 without more than 65 of over-cover.
        assert_eq!(
            common_counts(&sc, &spread(145, 278.0, 115.0), 65.0),
            Some(vec![2])
        );
        // Others cannot help: 278 / 145 rounds up to 2, and 3 would add 157 over-cover.
        assert_eq!(
            common_counts(&sc, &spread(145, 278.0, 0.0), 65.0),
            Some(vec![2])
        );
        // A tiny job type leaves too many counts to probe.
        assert_eq!(common_counts(&sc, &spread(2, 10.0, 100.0), 65.0), None);
        // No count fits at all: the spread is at least 1 in any roster this good.
        assert_eq!(
            common_counts(&sc, &spread(100, 150.0, 0.0), 20.0),
            Some(vec![])
        );
    }
}
