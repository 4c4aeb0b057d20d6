//! One solve of the month's model: the model built from every rule family, the extra rows a
//! stage of the search adds (`Fixes`), and the roster read back from the solver's values.

use super::backend::{Hints, Outcome, run_solver};
use super::constraints::{self, Elastic};
use super::objective;
use super::seating;
use super::variables::{Neighbourhood, ShiftVars};
use super::{ModelSize, SolveError, SolveOptions, Solved, Status, relative_gap};
use crate::model::{Roster, Scenario, SolverInfo};
use crate::rules::objective::{Measure, SpreadFacts, counts_of, over_cover_cost, spread_facts};
use good_lp::{Constraint, Expression, ProblemVariables, Solution, constraint};
use std::collections::BTreeMap;
use std::time::Instant;

/// The model of one month: shift variables, rows by rule family, and the objective.
pub(super) struct MonthModel {
    pub(super) vars: ProblemVariables,
    pub(super) x: ShiftVars,
    pub(super) rows: Vec<Constraint>,
    pub(super) objective: objective::Objective,
    pub(super) elastic: Elastic,
}

impl MonthModel {
    /// `around`: only the neighbourhood's free people choose; the rest keep the incumbent.
    pub(super) fn build(
        sc: &Scenario,
        elastic: bool,
        around: Option<&Neighbourhood>,
    ) -> MonthModel {
        let mut vars = ProblemVariables::new();
        let x = ShiftVars::new(sc, &mut vars, around);
        let mut el = Elastic {
            enabled: elastic,
            ..Default::default()
        };
        let mut rows = Vec::new();
        rows.extend(constraints::roster_one(sc, &x));
        rows.extend(constraints::roster_rest(sc, &x));
        rows.extend(constraints::roster_cover(sc, &x, &mut vars, &mut el));
        rows.extend(constraints::roster_lead(sc, &x, &mut vars, &mut el));
        rows.extend(constraints::roster_grade(sc, &x, &mut vars, &mut el));
        rows.extend(constraints::roster_consec(sc, &x));
        rows.extend(constraints::roster_load(sc, &x, &mut vars, &mut el));
        // ROSTER-LEAVE and ROSTER-EVENT: no variable exists where they forbid work.
        let mut objective = objective::Objective::new(sc, &x, &mut vars);
        rows.append(&mut objective.rows);
        if !elastic {
            rows.extend(objective.rounding_cuts(sc, &x));
        }
        MonthModel {
            vars,
            x,
            rows,
            objective,
            elastic: el,
        }
    }

    pub(super) fn size(&self) -> ModelSize {
        let (n, d, k) = self.x.dims();
        ModelSize {
            variables: self.vars.len(),
            shift_variables: (0..n)
                .flat_map(|i| (0..d).flat_map(move |d| (0..k).map(move |k| (i, d, k))))
                .filter(|&(i, d, k)| self.x.get(i, d, k).is_some())
                .count(),
            constraints: self.rows.len(),
        }
    }
}

/// `opts` with what is left of its time limit, for the next solver run.
pub(super) fn left(opts: &SolveOptions, started: Instant) -> SolveOptions {
    SolveOptions {
        time_limit: (opts.time_limit - started.elapsed().as_secs_f64()).max(0.0),
        ..opts.clone()
    }
}

/// Extra rows for one solve: fairness cases already settled, or the one being probed.
#[derive(Debug, Clone, Default)]
pub(super) struct Fixes {
    /// (job, measure, s): the spread is at least s in any roster better than the best.
    pub(super) spread_at_least: Vec<(String, Measure, u32)>,
    /// Probe: this spread's counts all lie in one window.
    pub(super) spread_case: Option<SpreadCase>,
    /// Only rosters with an objective below this are wanted.
    pub(super) cutoff: Option<f64>,
    /// Fix-and-optimise: only these people change.
    pub(super) around: Option<Neighbourhood>,
    /// A roster to start the search from.
    pub(super) start: Option<Roster>,
    /// Search for a proof, not for rosters (see `Hints::prove_only`).
    pub(super) prove_only: bool,
    /// See `Hints::node_limit`.
    pub(super) node_limit: Option<u32>,
    /// See `Hints::light_root`.
    pub(super) light_root: bool,
    /// See `Hints::child`.
    pub(super) child: Option<super::cbc_process::ChildRun>,
    /// Fix-and-optimise on a plateau: each count beyond the band costs a little.
    pub(super) band: Option<Band>,
}

impl Fixes {
    /// What the solver is told beyond the model, with `start` as the values of the
    /// roster to start from.
    fn hints(&self, start: Vec<(good_lp::Variable, f64)>) -> Hints {
        Hints {
            cutoff: self.cutoff,
            start,
            prove_only: self.prove_only,
            node_limit: self.node_limit,
            light_root: self.light_root,
            child: self.child.clone(),
        }
    }
}

/// One case of a fairness spread: every member of the job type works between `low` and
/// `low + spread` of the measure's shifts (all exactly `low` when the spread is 0).
#[derive(Debug, Clone)]
pub(super) struct SpreadCase {
    pub(super) job: String,
    pub(super) measure: Measure,
    pub(super) spread: u32,
    pub(super) low: u32,
}

/// A weighed fairness spread that is not zero in a roster: each member's count, and the
/// largest and smallest.
pub(super) struct UnevenSpread {
    pub(super) facts: SpreadFacts,
    pub(super) counts: BTreeMap<usize, u32>,
    pub(super) max: u32,
    pub(super) min: u32,
}

impl UnevenSpread {
    /// The members at a count of `level`.
    fn at(&self, level: u32) -> Vec<usize> {
        self.counts
            .iter()
            .filter(|&(_, &c)| c == level)
            .map(|(&i, _)| i)
            .collect()
    }

    /// The members at the top and at the bottom of the spread.
    pub(super) fn ends(&self) -> (Vec<usize>, Vec<usize>) {
        (self.at(self.max), self.at(self.min))
    }

    /// Whether the top has no more members than the bottom: the end to move, since the
    /// spread drops once all its members have moved.
    pub(super) fn top_is_fewer(&self) -> bool {
        let members_at = |level: u32| self.counts.values().filter(|&&c| c == level).count();
        members_at(self.max) <= members_at(self.min)
    }

    /// The members of the end to move (`top_is_fewer`).
    pub(super) fn fewer_end(&self) -> Vec<usize> {
        self.at(if self.top_is_fewer() {
            self.max
        } else {
            self.min
        })
    }
}

/// The spreads the roster pays for.
pub(super) fn uneven_spreads(sc: &Scenario, roster: &Roster) -> Vec<UnevenSpread> {
    spread_facts(sc)
        .into_iter()
        .filter(|facts| facts.weight > 0.0)
        .filter_map(|facts| {
            let counts = counts_of(sc, roster, &facts.job, facts.measure);
            let max = *counts.values().max()?;
            let min = *counts.values().min()?;
            (max > min).then_some(UnevenSpread {
                facts,
                counts,
                max,
                min,
            })
        })
        .collect()
}

/// One end of each fairness spread that is not zero, to be emptied: its members' counts
/// are to come one step inside it. A spread over hundreds of people drops only when the
/// whole end has moved, which no part of the staff can do at once; so on a plateau a
/// sub-model may also return a roster of the same objective with fewer counts beyond the
/// band (`excess`), each weighed at `per_step`, and the next part moves its own share.
#[derive(Debug, Clone)]
pub(super) struct Band {
    ends: Vec<BandEnd>,
    /// A count beyond the band costs this much: together less than half a step of an
    /// integral objective for rosters within three times the incumbent's excess, so no
    /// roster of a worse objective can pass the cutoff.
    per_step: f64,
    /// The incumbent's counts beyond the band.
    excess: u32,
}

#[derive(Debug, Clone)]
struct BandEnd {
    job: String,
    measure: Measure,
    /// Every member's count at most this (the top end) or at least this (the bottom end).
    level: u32,
    top: bool,
}

impl BandEnd {
    /// The members' counts beyond this end's level, summed.
    fn beyond(&self, counts: &BTreeMap<usize, u32>) -> u32 {
        counts
            .values()
            .map(|&c| {
                if self.top {
                    c.saturating_sub(self.level)
                } else {
                    self.level.saturating_sub(c)
                }
            })
            .sum()
    }
}

impl Band {
    /// The band around `roster`: for each weighed spread above zero, the end with fewer
    /// people (the top on a tie), one step in. None when every spread is zero.
    pub(super) fn around(sc: &Scenario, roster: &Roster) -> Option<Band> {
        let mut ends = Vec::new();
        let mut excess = 0;
        for sp in uneven_spreads(sc, roster) {
            let top = sp.top_is_fewer();
            let end = BandEnd {
                job: sp.facts.job,
                measure: sp.facts.measure,
                level: if top { sp.max - 1 } else { sp.min + 1 },
                top,
            };
            excess += end.beyond(&sp.counts);
            ends.push(end);
        }
        if ends.is_empty() {
            return None;
        }
        Some(Band {
            ends,
            per_step: 1.0 / (2.0 * (excess as f64 + 1.0)),
            excess,
        })
    }

    /// Counts beyond the band in `roster`, summed over its ends and their members.
    pub(super) fn excess_of(&self, sc: &Scenario, roster: &Roster) -> u32 {
        self.ends
            .iter()
            .map(|e| e.beyond(&counts_of(sc, roster, &e.job, e.measure)))
            .sum()
    }

    #[cfg(test)]
    pub(super) fn per_step(&self) -> f64 {
        self.per_step
    }

    /// The cutoff for rosters better than the incumbent's `objective` (an integer): a lower
    /// objective, or the same with fewer counts beyond the band.
    pub(super) fn cutoff(&self, objective: f64) -> f64 {
        objective + self.per_step * (self.excess as f64 - 0.5)
    }

    /// Whether `candidate` (objective, roster) is better than the incumbent this band was
    /// drawn around.
    pub(super) fn improves(&self, sc: &Scenario, incumbent: f64, candidate: &Solved) -> bool {
        candidate.objective < incumbent - 1e-6
            || (candidate.objective < incumbent + 1e-6
                && self.excess_of(sc, &candidate.roster) < self.excess)
    }

    /// The weighed counts beyond the band, as an expression for the solver's objective,
    /// and the rows that define them.
    fn penalty(
        &self,
        spreads: &[objective::Spread],
        vars: &mut ProblemVariables,
    ) -> (Expression, Vec<Constraint>) {
        let mut penalty = Expression::from(0.0);
        let mut rows = Vec::new();
        for e in &self.ends {
            let Some(sp) = spreads
                .iter()
                .find(|sp| sp.facts.job == e.job && sp.facts.measure == e.measure)
            else {
                continue;
            };
            let level = e.level as f64;
            for (_, count) in &sp.counts {
                let beyond = vars.add(good_lp::variable().min(0.0));
                rows.push(if e.top {
                    constraint!(beyond >= count.clone() - level)
                } else {
                    constraint!(beyond >= level - count.clone())
                });
                penalty += self.per_step * beyond;
            }
        }
        (penalty, rows)
    }
}

/// The cutoff that admits only rosters better than `objective`. With integral weights every
/// roster's objective is an integer, so a better one is at most `objective - 1`: the cutoff
/// sits just above that, and CBC prunes every node whose LP bound is above it (a bound of
/// 40.2 under a best of 41 already proves the node holds nothing better).
pub(super) fn just_below(sc: &Scenario, objective: f64) -> f64 {
    if integral_weights(sc) {
        objective - 1.0 + 1e-4
    } else {
        objective - 1e-6 * objective.abs().max(1.0)
    }
}

impl Solved {
    /// This roster with a bound proven elsewhere (never above its own objective), and the
    /// status, gap and time that follow.
    pub(super) fn with_bound(
        mut self,
        bound: f64,
        opts: &SolveOptions,
        started: Instant,
    ) -> Solved {
        self.bound = if bound.is_nan() {
            bound
        } else {
            bound.min(self.objective)
        };
        self.gap = relative_gap(self.objective, self.bound);
        self.status = Status::of(self.objective, self.bound, opts.gap);
        self.seconds = started.elapsed().as_secs_f64();
        if let Some(info) = self.roster.solver.as_mut() {
            info.status = self.status.name().to_string();
            info.bound = self.bound;
            info.gap = Some(self.gap);
            info.seconds = (self.seconds * 100.0).round() / 100.0;
        }
        self
    }

    /// A roster from a sub-model or one case of the month, in place of `earlier`: the
    /// model size reported stays that of the whole month.
    pub(super) fn instead_of(mut self, earlier: &Solved) -> Solved {
        self.size = earlier.size.clone();
        self.out_of_time |= earlier.out_of_time;
        self
    }
}

/// One solve of the month with `fixes`, within `opts.time_limit`.
pub(super) fn solve_once(
    sc: &Scenario,
    opts: &SolveOptions,
    fixes: &Fixes,
    started: Instant,
) -> Result<Outcome<Solved>, SolveError> {
    let model = MonthModel::build(sc, false, fixes.around.as_ref());
    let size = model.size();
    let MonthModel {
        mut vars,
        x,
        mut rows,
        objective,
        ..
    } = model;
    for sp in &objective.spreads {
        let of_this =
            |job: &str, measure: Measure| job == sp.facts.job && measure == sp.facts.measure;
        for (job, measure, at_least) in &fixes.spread_at_least {
            if of_this(job, *measure) {
                rows.push(constraint!(sp.equal <= 0));
                if *at_least > objective::spread_seen_at_root(sc, &sp.facts) {
                    rows.push(constraint!(sp.max - sp.min >= *at_least as f64));
                }
            }
        }
        if let Some(case) = &fixes.spread_case
            && of_this(&case.job, case.measure)
        {
            let low = case.low as f64;
            if case.spread == 0 {
                rows.push(constraint!(sp.equal >= 1));
                rows.push(constraint!(sp.common == low));
            } else {
                rows.push(constraint!(sp.min >= low));
                rows.push(constraint!(sp.max <= low + case.spread as f64));
            }
        }
    }
    let mut start = Vec::new();
    if let Some(r) = &fixes.start {
        start.extend(x.values_for(sc, r));
        start.extend(objective.values_for(sc, r));
    }
    let hints = fixes.hints(start);
    let total = objective.total();
    // The solver weighs the band's excess too; the roster's objective stays `total`.
    let mut searched = total.clone();
    if let Some(band) = &fixes.band {
        let (penalty, band_rows) = band.penalty(&objective.spreads, &mut vars);
        searched += penalty;
        rows.extend(band_rows);
    }
    let result = match run_solver(vars, searched, rows, opts, hints)? {
        Outcome::Found(result) => result,
        Outcome::ProvenNone => return Ok(Outcome::ProvenNone),
        Outcome::Unfinished { clock } => return Ok(Outcome::Unfinished { clock }),
    };
    let sol = &result.solution;
    let value = |e: &Expression| e.eval_with(sol);
    let obj = value(&total);
    // Objective terms are integer multiples of the weights; snap float noise.
    let objective_value = (obj * 1e6).round() / 1e6;
    // A backend that reports no bound proves nothing beyond its own status.
    let reported = match (result.bound, result.status) {
        (Some((b, own)), _) => b + (obj - own),
        (None, Status::Optimal) => obj,
        (None, _) => f64::NAN,
    };
    // f64::min and max would quietly replace an unknown (NaN) bound by the other side.
    let mut bound = if reported.is_nan() {
        reported
    } else {
        reported.min(obj)
    };
    // With integral weights every roster's objective is an integer, so the bound rounds up.
    if integral_weights(sc) {
        bound = (bound - 1e-6).ceil();
    }
    let status = if bound >= objective_value - 1e-6 {
        Status::Optimal
    } else {
        result.status
    };
    let bound = if status == Status::Optimal {
        objective_value
    } else {
        (bound * 1e6).round() / 1e6
    };
    let gap = relative_gap(objective_value, bound);
    let seconds = started.elapsed().as_secs_f64();

    let roster = build_roster(
        sc,
        &x,
        sol,
        Some(SolverInfo {
            status: status.name().to_string(),
            objective: objective_value,
            bound,
            seconds: (seconds * 100.0).round() / 100.0,
            gap: Some(gap),
            backend: Some(opts.backend.name().to_string()),
        }),
    );
    let breakdown = objective
        .breakdown(|e| (value(e) * 1e6).round() / 1e6)
        .with_spreads_of(sc, &roster);
    Ok(Outcome::Found(Solved {
        status,
        objective: objective_value,
        bound,
        gap,
        seconds,
        breakdown,
        size,
        roster,
        out_of_time: result.out_of_time && status != Status::Optimal,
    }))
}

pub(super) fn integral_weights(sc: &Scenario) -> bool {
    let w = &sc.weights;
    let integral = |v: f64| (v - v.round()).abs() < 1e-9;
    [w.request, w.fair_nights, w.fair_weekends, w.over_cover]
        .into_iter()
        .all(integral)
        && (0..sc.days()).all(|d| (0..sc.shifts.len()).all(|k| integral(over_cover_cost(sc, d, k))))
        && sc.requests.iter().all(|r| integral(r.weight * w.request))
}

pub(super) fn build_roster(
    sc: &Scenario,
    x: &ShiftVars,
    sol: &impl Solution,
    info: Option<SolverInfo>,
) -> Roster {
    let (n, _, _) = x.dims();
    let crew = |d: usize, k: usize| -> Vec<usize> {
        (0..n)
            .filter(|&i| x.get(i, d, k).is_some_and(|v| sol.value(v) > 0.5))
            .collect()
    };
    seating::seated_roster(sc, crew, info)
}
