//! The first roster, before any MIP over the whole staff: people in file order, each given
//! the schedule that is best for the objective given everyone before (requests, plus the
//! cover still missing: each needed cell worked saves its under-cover weight, each cell
//! past its requirement costs its over-cover weight). Then rounds in which each person in
//! turn is re-planned against everyone else's schedules, while a round improves anything.
//! Every step is a schedule of good price for one person (`pricing::good_schedule`: the
//! person's cheapest where the table's states fit its beam, else the beam's best) that
//! meets every hard rule, so the roster does too; and the order is fixed, so the roster
//! is the same on every run.

use super::instance::{Assignment, Instance};
use super::pricing;
use super::search::{NrpSolveError, left};
use crate::solve::SolveOptions;
use std::time::Instant;

/// Rounds of re-planning each person against the others at most: each prices every person
/// once (milliseconds each by the table), and the rounds stop earlier when one changes
/// nothing.
const REPLAN_ROUNDS: usize = 10;

/// How many people each (day, shift type) cell has so far, and what one more costs.
pub(super) struct CoverCount {
    /// Per day, per type: the cover row's index, if the cell has one.
    row_of: Vec<Vec<Option<usize>>>,
    /// Per cover row: people working it.
    count: Vec<u32>,
}

impl CoverCount {
    pub(super) fn new(inst: &Instance) -> Self {
        let mut row_of = vec![vec![None; inst.shifts.len()]; inst.horizon];
        for (i, c) in inst.cover.iter().enumerate() {
            row_of[c.day][c.shift] = Some(i);
        }
        CoverCount {
            row_of,
            count: vec![0; inst.cover.len()],
        }
    }

    fn change(&mut self, row: &[Option<usize>], by: i64) {
        for (d, t) in row.iter().enumerate() {
            if let Some(i) = t.and_then(|t| self.row_of[d][t]) {
                self.count[i] = (i64::from(self.count[i]) + by) as u32;
            }
        }
    }

    pub(super) fn add(&mut self, row: &[Option<usize>]) {
        self.change(row, 1);
    }

    pub(super) fn remove(&mut self, row: &[Option<usize>]) {
        self.change(row, -1);
    }

    /// Per day and type: what one more person on the cell adds to the cover terms (the
    /// under-cover weight saved where the need is not met, the over-cover weight past it).
    pub(super) fn marginal(&self, inst: &Instance) -> Vec<Vec<f64>> {
        self.row_of
            .iter()
            .map(|types| {
                types
                    .iter()
                    .map(|row| match row {
                        Some(i) => {
                            let c = &inst.cover[*i];
                            if self.count[*i] < c.requirement {
                                -f64::from(c.under_weight)
                            } else {
                                f64::from(c.over_weight)
                            }
                        }
                        None => 0.0,
                    })
                    .collect()
            })
            .collect()
    }
}

/// Person `e`'s cell prices: requests plus one more person's cover cost.
fn prices(inst: &Instance, requests: &[Vec<f64>], cover: &CoverCount) -> Vec<Vec<f64>> {
    let marginal = cover.marginal(inst);
    requests
        .iter()
        .zip(marginal)
        .map(|(r, m)| r.iter().zip(m).map(|(a, b)| a + b).collect())
        .collect()
}

/// The greedy roster and its re-planning rounds (see the module comment). Stops early only
/// when the clock runs out, with the roster so far when every person has a schedule.
pub(super) fn greedy_roster(
    inst: &Instance,
    opts: &SolveOptions,
    started: Instant,
) -> Result<Assignment, NrpSolveError> {
    let requests = pricing::request_prices(inst);
    let mut cover = CoverCount::new(inst);
    let mut roster: Assignment = Vec::with_capacity(inst.staff.len());
    for (e, person) in requests.iter().enumerate() {
        let price = prices(inst, person, &cover);
        let (schedule, _) = pricing::good_schedule(inst, e, &price, &left(opts, started))?;
        cover.add(&schedule);
        roster.push(schedule);
    }
    replan(inst, roster, opts, started)
}

/// Rounds in which each person in turn takes the best schedule given everyone else's,
/// while a round improves anything (at most `REPLAN_ROUNDS`). Each step keeps the person's
/// schedule unless another is strictly better, so the objective never rises.
pub(super) fn replan(
    inst: &Instance,
    mut roster: Assignment,
    opts: &SolveOptions,
    started: Instant,
) -> Result<Assignment, NrpSolveError> {
    let requests = pricing::request_prices(inst);
    let mut cover = CoverCount::new(inst);
    for row in &roster {
        cover.add(row);
    }
    for _ in 0..REPLAN_ROUNDS {
        let mut improved = false;
        for (e, person) in requests.iter().enumerate() {
            if left(opts, started).time_limit <= 0.0 {
                return Ok(roster);
            }
            cover.remove(&roster[e]);
            let price = prices(inst, person, &cover);
            let now = pricing::priced(&price, &roster[e]);
            let best = match pricing::good_schedule(inst, e, &price, &left(opts, started)) {
                Ok(p) => p,
                Err(NrpSolveError::NoSolutionInTime(_)) => {
                    cover.add(&roster[e]);
                    return Ok(roster);
                }
                Err(err) => return Err(err),
            };
            // Strictly better only, so the rounds end.
            if best.1 < now - 1e-6 {
                roster[e] = best.0;
                improved = true;
            }
            cover.add(&roster[e]);
        }
        if !improved {
            break;
        }
    }
    Ok(roster)
}
