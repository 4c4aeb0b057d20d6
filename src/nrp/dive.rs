//! The column generation's dive: a roster built by rounding the master LP one step at a
//! time, re-solving it by column generation after every step, as the branch-and-price
//! methods on this benchmark find their first good rosters (a depth-first descent of the
//! branching tree without backtracking). Each step fixes every person whose heaviest
//! schedule carries the whole of their weight, or else the one person whose heaviest
//! schedule is heaviest (the first in the file on a tie), to that schedule; the others are
//! priced again under the new duals, so the later steps repair what the fixed schedules
//! leave uncovered. The dive gives up when the LP under its fixings cannot beat the best
//! roster. Every step is work done (a converged generation, a person fixed), never a share
//! of the clock, so the roster is the same on every run.

use super::columns::{self, Pool};
use super::evaluate;
use super::instance::{Assignment, Instance};
use super::search::{NrpSolveError, left};
use crate::solve::SolveOptions;
use std::time::Instant;

/// Below this a schedule's weight is not the whole of its person's.
const WHOLE: f64 = 1.0 - 1e-6;
/// Pricing rounds for the dive in all, per person: enough for instances 9 and 12 (6-8 a
/// person), a cap where re-pricing after each step is slow.
const ROUNDS_PER_PERSON: usize = 20;

/// How a dive ended.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Dived {
    /// Every person fixed: the roster and its objective (the evaluator's).
    Roster(Assignment, u64),
    /// The LP under the fixings could not beat `incumbent`, after this many people fixed.
    Pruned(usize),
    /// The dive's pricing rounds reached their cap, after this many people fixed.
    Capped(usize),
    /// The clock ran out.
    OutOfTime,
}

/// One dive from the pool's master (see the module comment), for at most `rounds` pricing
/// rounds in all; every column it generates goes into `pool` too, for price-and-branch.
/// `report` hears the people fixed so far, the rounds so far and the master LP's value
/// under the fixings.
pub(super) fn dive(
    inst: &Instance,
    pool: &mut Pool,
    (incumbent, rounds): (u64, usize),
    opts: &SolveOptions,
    started: Instant,
    report: &dyn Fn(usize, usize, f64),
) -> Result<Dived, NrpSolveError> {
    let n = inst.staff.len();
    let mut work = pool.clone();
    let (mut fixed, mut used) = (0, 0);
    loop {
        let g = columns::generate(inst, &mut work, opts, started, &|_, _, _| {})?;
        pool.absorb(inst, &work);
        let Some(rounded) = g.rounded.filter(|_| left(opts, started).time_limit > 0.0) else {
            return Ok(Dived::OutOfTime);
        };
        used += g.rounds;
        report(fixed, used, g.master_value);
        // Every objective is an integer: a bound (under the fixings) whose rounding reaches
        // the incumbent leaves nothing better below this point.
        let bound = if g.converged { g.master_value } else { g.bound };
        if (bound - 1e-6).ceil() >= incumbent as f64 {
            return Ok(Dived::Pruned(fixed));
        }
        let open: Vec<usize> = (0..n).filter(|&e| !work.is_fixed(e)).collect();
        let mut chosen: Vec<usize> = open
            .iter()
            .copied()
            .filter(|&e| g.weights[e] >= WHOLE)
            .collect();
        if chosen.is_empty() {
            // The heaviest, the first in the file on a tie.
            let heaviest = open
                .iter()
                .copied()
                .fold(None::<usize>, |acc, e| match acc {
                    Some(b) if g.weights[b] >= g.weights[e] => acc,
                    _ => Some(e),
                });
            chosen.extend(heaviest);
        }
        for &e in &chosen {
            work.fix(inst, e, rounded[e].clone());
        }
        fixed += chosen.len();
        if fixed == n {
            let value = evaluate::objective(inst, &rounded).total();
            return Ok(Dived::Roster(rounded, value));
        }
        if used >= rounds {
            return Ok(Dived::Capped(fixed));
        }
    }
}

/// The dive as a stage of the search: reported as it goes, its roster when it reaches one
/// (`None` when pruned or out of time). `best` is the incumbent objective and bound.
pub(super) fn dive_stage(
    inst: &Instance,
    pool: &mut Pool,
    (incumbent, bound): (u64, f64),
    opts: &SolveOptions,
    started: Instant,
) -> Result<Option<(Assignment, u64)>, NrpSolveError> {
    let report = |fixed: usize, used: usize, master: f64| {
        opts.progress.report_figures(
            format!(
                "improving the roster (dive: {fixed} people fixed, {used} rounds, \
                 master LP {master:.1})"
            ),
            Some(incumbent as f64),
            Some(bound),
        );
    };
    let rounds = ROUNDS_PER_PERSON * inst.staff.len();
    Ok(
        match dive(inst, pool, (incumbent, rounds), opts, started, &report)? {
            Dived::Roster(roster, value) => Some((roster, value)),
            Dived::Pruned(_) | Dived::Capped(_) | Dived::OutOfTime => None,
        },
    )
}
