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
use super::{Backend, Fixes, Outcome, SolveError, SolveOptions, Solved, Status, solve_once};
use crate::model::Scenario;
use std::time::Instant;

/// Only worth it, and only sound, where the objective is integral and over-cover costs
/// something (the cost bounds the common count), with CBC (which takes a cutoff). Not with
/// `[[prior]]`: the common count's arithmetic is the month's demand, not the year's.
pub(super) fn can_probe(sc: &Scenario, opts: &SolveOptions) -> bool {
    sc.prior.is_empty()
        && opts.backend == Backend::Cbc
        && super::integral_weights(sc)
        && super::objective::cheapest_over_cover(sc) > 0.0
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
            opts.progress.report(
                format!(
                    "proving fairness: can every {} work {c} {}?",
                    sp.job, sp.measure
                ),
                Some(&best),
            );
            let probe_opts = SolveOptions {
                gap: 0.0,
                ..super::left(opts, started)
            };
            let fixes = Fixes {
                equal_at: Some((sp.job.clone(), sp.measure, c as f64)),
                cutoff: Some(super::just_below(sc, best.objective)),
                // A probe is a proof: the fix-and-optimise before it has done the finding,
                // and CBC's heuristics would spend half the probe looking under the cutoff.
                prove_only: true,
                node_limit: Some(PROBE_NODES),
                ..Fixes::default()
            };
            match solve_once(sc, &probe_opts, &fixes, started)? {
                Outcome::Unfinished { clock: true } => {
                    best.out_of_time = true;
                    return Ok(best);
                }
                Outcome::Unfinished { clock: false } => all_settled = false,
                // Nothing better than the best exists in this case.
                Outcome::ProvenNone => {}
                Outcome::Found(s) => {
                    let out_of_time = s.out_of_time;
                    all_settled &= s.status == Status::Optimal;
                    if s.objective < best.objective - 1e-6 {
                        best = s.instead_of(&best).with_bound(bound, opts, started);
                    }
                    if out_of_time {
                        best.out_of_time = true;
                        return Ok(best);
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
    opts.progress
        .report("searching the rest of the month for better", Some(&best));
    // The best roster starts the search when it lies in the rest (its spreads are not 0).
    let fixes = Fixes {
        no_equal: settled,
        start: Some(best.roster.clone()),
        ..Fixes::default()
    };
    Ok(
        match solve_once(sc, &super::left(opts, started), &fixes, started)? {
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

/// Branch-and-bound nodes one probe may search. The shipped months' probes close at their
/// root (the cutoff one unit below the best prunes the rest); a probe that needs more is
/// left unsettled, and the final search covers its case.
const PROBE_NODES: u32 = 1000;

/// The common counts an equal split could have in a roster no worse than `best`: the
/// members' total m·c must cover the demand others cannot take, and what it adds beyond the
/// demand is over-cover, which costs. None when more than three values remain.
fn common_counts(sc: &Scenario, sp: &SpreadFacts, best: f64) -> Option<Vec<u32>> {
    let m = sp.members as f64;
    if m == 0.0 {
        return None;
    }
    let lo = ((sp.demand - sp.others_capacity) / m).ceil().max(0.0);
    // Each person beyond the demand costs at least the cheapest over-cover.
    let hi = ((sp.demand + best / super::objective::cheapest_over_cover(sc)) / m)
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
