//! Fix-and-optimise around the best roster. On large centres CBC finds a first roster
//! quickly but then stalls: its heuristics move single variables, while making a fairness
//! spread smaller means handing shifts from the people at its top to the people at its
//! bottom, across the whole month. So we free exactly those people (and the owners of unmet
//! requests, and those whose shifts make avoidable over-cover), keep everyone else's shifts
//! as they are, and let the MIP re-roster the free ones with a cutoff just below the best.
//! The sub-model is small and solves in seconds; when it proves nothing better exists
//! there, the neighbourhood widens. A poor first roster is poor everywhere, so the search
//! also frees everyone for one week at a time. And a spread's end can hand its shifts to
//! another job type only if all of that type take them alike, so on a large month (with
//! the root node beside) the other job types are freed whole beside the end
//! (`Neighbourhood::shares`).

use super::backend::Outcome;
use super::month::{
    Band, Fixes, UnevenSpread, integral_weights, just_below, left, solve_once, uneven_spreads,
};
use super::variables::Neighbourhood;
use super::{SolveError, SolveOptions, Solved, Status};
use crate::model::{Roster, Scenario};
use crate::rules::objective::{beyond_demand, request_met};
use std::collections::BTreeMap;
use std::time::Instant;

/// The kinds of neighbourhood the search cycles through.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// The people who set the objective, with this many more.
    People { widen: usize },
    /// Everyone, during these days.
    Days { from: usize, to: usize },
    /// Every job type but the largest, whole, with the fewer end of each uneven spread:
    /// how a spread's shifts are shared between job types.
    Shares,
    /// One of `of` parts of the staff, for the whole month: the parts are drawn anew each
    /// round (`cycle`), so that people fixed together once are free together later.
    Staff {
        part: usize,
        of: usize,
        cycle: usize,
    },
}

impl Neighbourhood {
    fn new(sc: &Scenario, roster: &Roster, kind: Kind) -> Option<Neighbourhood> {
        match kind {
            Kind::People { widen } => Neighbourhood::around(sc, roster, widen),
            Kind::Shares => Neighbourhood::shares(sc, roster),
            Kind::Days { from, to } => Some(Neighbourhood {
                free: vec![true; sc.staff.len()],
                days: from..to,
                shift: roster.shift_grid(sc),
            }),
            Kind::Staff { part, of, cycle } => Some(Neighbourhood {
                free: staff_parts(sc.staff.len(), of, cycle)
                    .into_iter()
                    .map(|p| p == part)
                    .collect(),
                days: 0..sc.days(),
                shift: roster.shift_grid(sc),
            }),
        }
    }

    /// The people who make the objective what it is: those at the top or bottom of each
    /// spread that is not zero, those whose request is not met, and those above their
    /// minimum on an over-covered shift. `widen` more people, spaced evenly through the
    /// staff list, join them. None when nobody is chosen, or more than half the staff (the
    /// sub-model would be no quicker than the month), or everyone after widening.
    pub fn around(sc: &Scenario, roster: &Roster, widen: usize) -> Option<Neighbourhood> {
        let n = sc.staff.len();
        let shift = roster.shift_grid(sc);
        let mut free = vec![false; n];
        for sp in uneven_spreads(sc, roster) {
            let (top, bottom) = sp.ends();
            // With a spread of 1 the two ends are everyone; the fewer of them must move.
            let movers = if 2 * (top.len() + bottom.len()) <= sp.counts.len() {
                [top, bottom].concat()
            } else if sp.top_is_fewer() {
                top
            } else {
                bottom
            };
            for i in movers {
                free[i] = true;
            }
        }
        for r in &sc.requests {
            free[r.staff] |= !request_met(sc, r, &shift);
        }
        if sc.weights.over_cover > 0.0 {
            // Over-cover that the minimums do not force: someone above their minimum on a
            // shift with more people than demand could have stayed at home.
            let beyond = beyond_demand(sc, &shift);
            for (i, days) in shift.iter().enumerate() {
                let worked = days.iter().filter(|k| k.is_some()).count() as u32;
                let over = days
                    .iter()
                    .enumerate()
                    .any(|(d, k)| k.is_some_and(|k| beyond[d][k] > 0));
                free[i] |= worked > sc.staff[i].min_shifts && over;
            }
        }
        // Half the staff or more is no longer a quick sub-model; the weeks do better then.
        // Nor is a whole month for more people than a large month has cells
        // (`search::is_large`): that sub-model's root alone would take minutes.
        let chosen = free.iter().filter(|&&f| f).count();
        if chosen == 0 || chosen > n / 2 || !super::search::fits_a_sub_model(sc, chosen) {
            return None;
        }
        let fixed: Vec<usize> = (0..n).filter(|&i| !free[i]).collect();
        let widen = widen.min(fixed.len());
        for t in 0..widen {
            free[fixed[t * fixed.len() / widen]] = true;
        }
        (free.contains(&false)).then_some(Neighbourhood {
            free,
            days: 0..sc.days(),
            shift,
        })
    }

    /// The job types other than the largest, every member of them, with the fewer end of
    /// each spread that is not zero, for the whole month. A spread's end cannot hand its
    /// nights or weekends to others of its own job type without becoming theirs; the
    /// other job types can take them, but only all their members alike, or their own
    /// spread opens. So they are freed whole: at 300 staff (289 agents, 9 quality
    /// inspectors, 2 trainers) the equal split needed the inspectors on 9 nights each
    /// instead of 2, which no part of the staff and no set of agents could reach. The
    /// ends join smallest first while the people stay within half the staff and a quick
    /// sub-model (`fits_a_sub_model`). None without an uneven spread, with a single job
    /// type, or when no end fits.
    pub fn shares(sc: &Scenario, roster: &Roster) -> Option<Neighbourhood> {
        let n = sc.staff.len();
        let uneven = uneven_spreads(sc, roster);
        if uneven.is_empty() {
            return None;
        }
        let mut members: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, person) in sc.staff.iter().enumerate() {
            members.entry(person.job.as_str()).or_default().push(i);
        }
        // The largest job type (the first by name on a tie) stays fixed but for its ends.
        let largest = members
            .iter()
            .max_by_key(|&(job, people)| (people.len(), std::cmp::Reverse(*job)))
            .map(|(&job, _)| job)?;
        if members.len() < 2 {
            return None;
        }
        let mut free = vec![false; n];
        for i in members
            .iter()
            .filter(|&(&job, _)| job != largest)
            .flat_map(|(_, people)| people)
        {
            free[*i] = true;
        }
        let fits = |free: &[bool]| {
            let chosen = free.iter().filter(|&&f| f).count();
            chosen <= n / 2 && super::search::fits_a_sub_model(sc, chosen)
        };
        if !fits(&free) {
            return None;
        }
        // The smallest ends first, each whole or not at all, while the sub-model stays
        // quick: at 600 staff the weekends' end is some 200 agents, too many beside the
        // others, while the nights' 20 at 3 could drop to 2 if the 20 quality inspectors
        // and trainers took one night more each.
        let mut ends: Vec<Vec<usize>> = uneven.iter().map(UnevenSpread::fewer_end).collect();
        ends.sort_by_key(Vec::len);
        let mut freed_an_end = false;
        for end in ends {
            let mut wider = free.clone();
            for i in end {
                wider[i] = true;
            }
            if fits(&wider) {
                free = wider;
                freed_an_end = true;
            }
        }
        if !freed_an_end {
            return None;
        }
        Some(Neighbourhood {
            free,
            days: 0..sc.days(),
            shift: roster.shift_grid(sc),
        })
    }
}

/// Improves `best` by fix-and-optimise until it is known optimal, or until a whole round
/// of neighbourhoods holds nothing better, or after `MAX_ROUNDS` rounds. Each sub-model
/// may search `SUB_NODES` nodes: the stage ends on work done, not on the clock, so that the
/// same scenario gives the same roster whatever the machine's load. Only the time limit
/// may stop it earlier, and then the roster says so (`out_of_time`). The bound stays the
/// one `best` came with: a sub-model's bound speaks only of its neighbourhood. On a large
/// month whose spreads are not all zero, a second phase of the same kind then evens them
/// out part by part (`Band`).
pub(super) fn improve(
    sc: &Scenario,
    opts: &SolveOptions,
    mut best: Solved,
    started: Instant,
    mut beside: Option<&mut RootBeside>,
) -> Result<Solved, SolveError> {
    let bound = best.bound;
    if let Some(b) = beside.as_deref_mut() {
        b.levels.push(best.clone());
    }
    // Each time the people's neighbourhood holds nothing better, a tenth of the staff joins.
    let step = sc.staff.len().div_ceil(10);
    let mut widen = 0;
    let parts = staff_parts_of(sc);
    // A large month's plateau: no part of the staff holds a better roster while a spread
    // could still drop, if the people at one of its ends all moved at once (300/2 stopped
    // at 495 against 480, 300/1 at 487 against 481: spreads of 2 over some 200 agents).
    // Then a second phase moves the end part by part (`Band`), on integral objectives only,
    // whose rosters differ by whole steps. (A third phase on the other end of each spread
    // found nothing on 600/2 and 600/3, where the second stops at a night spread of 2.)
    let may_band = parts > 0 && integral_weights(sc);
    // The job types' shares only where the root node runs beside on the other core. On
    // one process (1,000 staff) the root comes after fix-and-optimise and needs some 220-
    // 370 s of the 600: with the shares, fix-and-optimise found better rosters (1,000/1:
    // 1071 instead of 1076, the optimum) but ran 110 s longer, and neither 1,000/1 nor
    // 1,000/2 then had a bound by 600 s.
    let shares = parts > 0 && beside.is_some();
    let plan_of = |cycle: usize, widen: usize, banding: bool| {
        phase_plan(sc.days(), cycle, widen, parts, shares, banding)
    };
    let mut banding = false;
    'phases: loop {
        let mut plan: Vec<Kind> = Vec::new();
        let mut cycle = 0;
        // As many neighbourhoods in a row as a round has, none better: give up.
        let round = plan_of(0, 0, banding).len();
        let mut fruitless = 0;
        let mut tried = 0;
        let rounds = if banding { BAND_ROUNDS } else { MAX_ROUNDS };
        while fruitless < round && tried < rounds * round {
            // Optimal, or within the gap asked for: done.
            if best.status != Status::TimeLimit {
                break 'phases;
            }
            if beside
                .as_deref()
                .is_some_and(|b| b.proves(best.objective, opts))
            {
                break 'phases;
            }
            if plan.is_empty() {
                plan = plan_of(cycle, widen, banding);
                cycle += 1;
            }
            let kind = plan[0];
            let Some(around) = Neighbourhood::new(sc, &best.roster, kind) else {
                fruitless += 1;
                plan.remove(0);
                continue;
            };
            tried += 1;
            let sub = SolveOptions {
                gap: 0.0,
                ..left(opts, started)
            };
            let band = banding.then(|| Band::around(sc, &best.roster)).flatten();
            let cutoff = match &band {
                Some(band) => band.cutoff(best.objective),
                None => just_below(sc, best.objective),
            };
            let improves = |s: &Solved| match &band {
                Some(band) => band.improves(sc, best.objective, s),
                None => s.objective < best.objective - 1e-6,
            };
            let fixes = Fixes {
                around: Some(around),
                cutoff: Some(cutoff),
                node_limit: Some(SUB_NODES),
                band: band.clone(),
                // Beside the root node, the people at a large month's spread ends (as in
                // the job types' shares) are some 150 people over the whole month, whose
                // root CBC's heuristics and cut passes kept busy for 30 s proving nothing
                // better was there (300/2); the light root settles it in 1 s and still
                // finds the improvements (550 -> 505 -> 490 in 7 s). Not on one process
                // (1,000 staff), where it made fix-and-optimise end at 254 s instead of
                // 183.5 s, too late for the root that follows to give its bound by 600 s
                // (1,000/2).
                light_root: beside.is_some() && matches!(kind, Kind::People { .. } | Kind::Shares),
                ..Fixes::default()
            };
            match solve_once(sc, &sub, &fixes, started)? {
                Outcome::Found(better) if improves(&better) => {
                    let out_of_time = better.out_of_time;
                    // The people's neighbourhood is chosen anew around the better roster,
                    // so it stays. Days or a part of the staff are the same cells again:
                    // after a proof they hold nothing better (a 300-staff week searched
                    // again for 49 s to find that out), and one that needed the whole node
                    // limit is too large to be worth it now (27-51 s again for nothing on
                    // 300/2); the next round comes back to them.
                    if !matches!(kind, Kind::People { .. } | Kind::Shares) {
                        plan.remove(0);
                    }
                    let stage = if better.objective < best.objective - 1e-6 {
                        "improving the roster (fix-and-optimise)"
                    } else {
                        "evening out a fairness spread (fix-and-optimise)"
                    };
                    let lower = better.objective < best.objective - 1e-6;
                    best = better.instead_of(&best).with_bound(bound, opts, started);
                    if let Some(b) = beside.as_deref_mut().filter(|_| lower) {
                        b.levels.push(best.clone());
                    }
                    opts.progress.report(stage, Some(&best));
                    fruitless = 0;
                    if out_of_time {
                        break 'phases;
                    }
                }
                Outcome::Unfinished { clock: true } => {
                    best.out_of_time = true;
                    break 'phases;
                }
                Outcome::Found(s) if s.out_of_time => {
                    best.out_of_time = true;
                    break 'phases;
                }
                // Nothing better here (or not within the node limit): the next one.
                Outcome::Found(_) | Outcome::ProvenNone | Outcome::Unfinished { clock: false } => {
                    fruitless += 1;
                    plan.remove(0);
                    if matches!(kind, Kind::People { .. }) {
                        widen += step;
                    }
                }
            }
        }
        if banding || !may_band || uneven_spreads(sc, &best.roster).is_empty() {
            break;
        }
        banding = true;
        opts.progress.report(
            "evening out the fairness spreads (fix-and-optimise)",
            Some(&best),
        );
    }
    if shares
        && best.status == Status::TimeLimit
        && !best.out_of_time
        && !beside
            .as_deref()
            .is_some_and(|b| b.proves(best.objective, opts))
    {
        best = share_deeper(sc, opts, best, bound, started, beside)?;
    }
    Ok(best)
}

/// The job types' shares once more at the plateau, with `DEEP_SHARES_NODES` nodes instead
/// of `SUB_NODES`. Where a spread's end must trade its shifts with two other job types at
/// once, CBC's dives find the trade only after many nodes: 600/3 stopped at 223 (a night
/// spread of 2, a weekend spread of 1) against a bound of 214, and this neighbourhood of
/// 85 people held 214 at node 1,716 (47 s), nothing by node 200. Once, after both phases,
/// and only beside the root node (as the shares in the rounds): the 3,000 nodes take one
/// to two minutes at 600 staff (70 s on 600/3, 124 s on 600/1, which they took from 673 to
/// 670), which every round would spend again where nothing is left.
fn share_deeper(
    sc: &Scenario,
    opts: &SolveOptions,
    best: Solved,
    bound: f64,
    started: Instant,
    beside: Option<&mut RootBeside>,
) -> Result<Solved, SolveError> {
    let Some(around) = Neighbourhood::shares(sc, &best.roster) else {
        return Ok(best);
    };
    opts.progress.report(
        "sharing shifts between job types, searched deeper (fix-and-optimise)",
        Some(&best),
    );
    let fixes = Fixes {
        around: Some(around),
        cutoff: Some(just_below(sc, best.objective)),
        node_limit: Some(DEEP_SHARES_NODES),
        light_root: true,
        ..Fixes::default()
    };
    let sub = SolveOptions {
        gap: 0.0,
        ..left(opts, started)
    };
    Ok(match solve_once(sc, &sub, &fixes, started)? {
        Outcome::Found(better) if better.objective < best.objective - 1e-6 => {
            let better = better.instead_of(&best).with_bound(bound, opts, started);
            if let Some(b) = beside {
                b.levels.push(better.clone());
            }
            opts.progress
                .report("improving the roster (fix-and-optimise)", Some(&better));
            better
        }
        Outcome::Found(s) if s.out_of_time => Solved {
            out_of_time: true,
            ..best
        },
        Outcome::Unfinished { clock: true } => Solved {
            out_of_time: true,
            ..best
        },
        Outcome::Found(_) | Outcome::ProvenNone | Outcome::Unfinished { clock: false } => best,
    })
}

/// The root node's bound, computed in a second process while fix-and-optimise runs
/// (`search::on_two_cores`), and the rosters fix-and-optimise went through.
///
/// Fix-and-optimise stops once the bound, when the root has ended, proves its roster: the
/// rest of its rounds could find nothing better. When the root ends depends on the
/// machine, so that stop may come earlier or later along the same path, after more or
/// fewer rosters of the same objective (the band's moves). The result is therefore the
/// first roster of that objective on the path (`first_proven`), which is the same however
/// late the stop came, or whether it came at all.
pub(super) struct RootBeside<'a> {
    /// Set by the root's thread when it ends with a bound.
    bound: &'a std::sync::OnceLock<f64>,
    /// The first roster at each objective fix-and-optimise reached, in order (each lower
    /// than the one before).
    levels: Vec<Solved>,
}

impl<'a> RootBeside<'a> {
    pub fn new(bound: &'a std::sync::OnceLock<f64>) -> RootBeside<'a> {
        RootBeside {
            bound,
            levels: Vec::new(),
        }
    }

    /// Whether the root has ended with a bound that proves `objective` (optimal, or within
    /// the gap asked for).
    fn proves(&self, objective: f64, opts: &SolveOptions) -> bool {
        self.bound
            .get()
            .is_some_and(|&b| Status::of(objective, b, opts.gap) != Status::TimeLimit)
    }

    /// The first roster on the path that `bound` proves, if any.
    pub fn first_proven(self, bound: f64, opts: &SolveOptions) -> Option<Solved> {
        self.levels
            .into_iter()
            .find(|s| Status::of(s.objective, bound, opts.gap) != Status::TimeLimit)
    }
}

/// Branch-and-bound nodes one sub-model may search. Sub-models of the shipped months
/// prove or improve at their root or within a few dozen nodes; one that needs more is too
/// large to be worth it, and the search moves on to the next.
const SUB_NODES: u32 = 200;

/// Nodes for the job types' shares searched once more at the plateau (`share_deeper`).
const DEEP_SHARES_NODES: u32 = 3_000;

/// Rounds of neighbourhoods at most, however many of them improve the roster.
const MAX_ROUNDS: usize = 4;

/// Rounds of the parts of the staff at most while evening out the spreads: each part moves
/// its own share of a spread's end, so one step of one spread takes a round.
const BAND_ROUNDS: usize = 12;

/// Into how many parts a large month's staff is split for whole-month neighbourhoods
/// (`Kind::Staff`): parts of at most `PART_CELLS` cells. None (0) below a large month,
/// whose people's neighbourhood and weeks suffice. Weeks alone leave a large month where
/// no week holds anything better while the month's night and weekend counts could still
/// be traded between people (300/2 stopped at 507 against a bound of 480).
fn staff_parts_of(sc: &Scenario) -> usize {
    if !super::search::is_large(sc) {
        return 0;
    }
    let cells = sc.staff.len() * sc.days() * sc.shifts.len();
    cells.div_ceil(PART_CELLS).max(2)
}

/// Cells of one part of the staff over the whole month: the size of a 150-staff month
/// (13,950 cells), which CBC proves optimal at its root in seconds.
const PART_CELLS: usize = 14_000;

/// Each person's part (0..of) in round `cycle`: the staff in an order mixed by the round
/// (a fixed hash of person and round, so every run draws the same parts), cut into `of`
/// parts of near-equal size.
fn staff_parts(n: usize, of: usize, cycle: usize) -> Vec<usize> {
    let mix = |i: usize| {
        // SplitMix64's finaliser: consecutive people land far apart.
        let mut z = (i as u64) ^ ((cycle as u64) << 32);
        z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| (mix(i), i));
    let mut part = vec![0; n];
    for (rank, &i) in order.iter().enumerate() {
        part[i] = rank * of / n.max(1);
    }
    part
}

/// One round of a phase: `cycle_plan`, or its shares and parts of the staff alone when
/// `banding`. A week holds none of the month's counts whole, and the people's
/// neighbourhood at a large month's plateau is some 150 people who ran out their node
/// limit for nothing (55-83 s at 300 staff); with the band's finer objective neither ends
/// on its bound.
fn phase_plan(
    days: usize,
    cycle: usize,
    widen: usize,
    parts: usize,
    shares: bool,
    banding: bool,
) -> Vec<Kind> {
    let mut plan = cycle_plan(days, cycle, widen, parts, shares);
    if banding {
        plan.retain(|k| matches!(k, Kind::Staff { .. } | Kind::Shares));
    }
    plan
}

/// One round of neighbourhoods: the people who set the objective, the job types' shares
/// (when `shares`), every week of the month, then (large months) each part of the staff
/// for the whole month. Each round shifts the weeks by three days, so that no boundary
/// stays fixed.
fn cycle_plan(days: usize, cycle: usize, widen: usize, parts: usize, shares: bool) -> Vec<Kind> {
    let offset = (cycle * 3) % 7;
    let mut plan = vec![Kind::People { widen }];
    if shares {
        plan.push(Kind::Shares);
    }
    if offset > 0 {
        plan.push(Kind::Days {
            from: 0,
            to: offset.min(days),
        });
    }
    plan.extend((offset..days).step_by(7).map(|from| Kind::Days {
        from,
        to: (from + 7).min(days),
    }));
    plan.extend((0..parts).map(|part| Kind::Staff {
        part,
        of: parts,
        cycle,
    }));
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::check_roster;
    use crate::rules::objective::{counts_of, spread_facts};
    use crate::solve::{Breakdown, ModelSize, evaluate, solve};

    /// A valid roster that ignores fairness: the month solved with the spreads weighing 0.
    fn unfair_start(sc: &Scenario) -> Solved {
        let mut careless = sc.clone();
        careless.weights.fair_nights = 0.0;
        careless.weights.fair_weekends = 0.0;
        let roster = solve(&careless, &SolveOptions::default()).unwrap().roster;
        let breakdown: Breakdown = evaluate(sc, &roster);
        Solved {
            status: Status::TimeLimit,
            objective: breakdown.total(),
            bound: 0.0,
            gap: 1.0,
            seconds: 0.0,
            breakdown,
            size: ModelSize::default(),
            roster,
            out_of_time: false,
        }
    }

    /// However late the root's bound arrives, the roster taken is the first on the path
    /// that it proves (optimal, or within the gap asked for), and none when it proves none;
    /// fix-and-optimise may stop only once the root has ended with such a bound.
    #[test]
    fn the_root_beside_takes_the_first_roster_its_bound_proves() {
        let sc = crate::solve::test_fixture();
        let start = unfair_start(&sc);
        let cell = std::sync::OnceLock::new();
        let path = |cell| {
            let mut beside = RootBeside::new(cell);
            for objective in [550.0, 502.0, 491.0, 490.0] {
                beside.levels.push(Solved {
                    objective,
                    ..start.clone()
                });
            }
            beside
        };
        let exact = SolveOptions::default();
        let loose = SolveOptions {
            gap: 0.05,
            ..SolveOptions::default()
        };
        let first = |bound: f64, opts: &SolveOptions| {
            path(&cell).first_proven(bound, opts).map(|s| s.objective)
        };
        assert_eq!(first(480.0, &exact), None);
        assert_eq!(first(490.5, &exact), Some(490.0));
        assert_eq!(first(491.0, &exact), Some(491.0));
        assert_eq!(first(480.0, &loose), Some(502.0));

        let beside = path(&cell);
        assert!(!beside.proves(490.0, &exact), "no bound yet");
        cell.set(490.0).unwrap();
        assert!(beside.proves(490.0, &exact));
        assert!(!beside.proves(491.0, &exact));
        assert!(beside.proves(491.0, &loose));
    }

    #[test]
    fn fix_and_optimise_makes_an_unfair_roster_fairer_and_keeps_every_rule() {
        let sc = crate::solve::test_fixture();
        let start = unfair_start(&sc);
        let optimum = solve(&sc, &SolveOptions::default()).unwrap().objective;
        assert!(
            start.objective > optimum,
            "the start must leave room to improve: {} vs optimum {optimum}",
            start.objective
        );
        let opts = SolveOptions::default();
        let better = improve(&sc, &opts, start.clone(), Instant::now(), None).unwrap();
        assert!(better.objective < start.objective);
        assert!(better.objective >= optimum);
        assert_eq!(check_roster(&sc, &better.roster), vec![]);
        assert_eq!(evaluate(&sc, &better.roster).total(), better.objective);
        // The bound is still the one the start came with: a sub-model proves nothing more.
        assert_eq!(better.bound, 0.0);
    }

    #[test]
    fn a_neighbourhood_frees_the_people_at_the_ends_of_a_spread_and_keeps_the_rest() {
        let sc = crate::solve::test_fixture();
        let start = unfair_start(&sc);
        let around = Neighbourhood::around(&sc, &start.roster, 0).expect("an unfair roster");
        let shifts = start.roster.shift_grid(&sc);
        for (i, days) in shifts.iter().enumerate() {
            for (d, &shift) in days.iter().enumerate() {
                match around.kept(i, d) {
                    Some(kept) => assert_eq!(kept, shift),
                    None => assert!(around.free[i]),
                }
            }
        }
        // Someone at an end of every unequal spread is free.
        for sp in spread_facts(&sc) {
            let counts = counts_of(&sc, &start.roster, &sp.job, sp.measure);
            let (max, min) = (counts.values().max(), counts.values().min());
            if max != min {
                assert!(
                    counts
                        .iter()
                        .any(|(&i, c)| around.free[i] && (Some(c) == max || Some(c) == min))
                );
            }
        }
        assert!(around.free.contains(&false), "not the whole month again");
    }

    #[test]
    fn the_shares_free_every_other_job_type_whole_and_the_fewer_end_of_each_spread() {
        let mut sc = crate::solve::test_fixture();
        let start = unfair_start(&sc);
        assert!(
            Neighbourhood::shares(&sc, &start.roster).is_none(),
            "one job type has no one to share with"
        );
        // Two of the staff inspect quality; the roster is the same, its spreads now per job.
        for i in [1, 4] {
            sc.staff[i].job = "qa".into();
        }
        let shares = Neighbourhood::shares(&sc, &start.roster).expect("an unfair roster");
        let n = sc.staff.len();
        let chosen = shares.free.iter().filter(|&&f| f).count();
        assert!(
            shares.free[1] && shares.free[4],
            "the other job type, whole"
        );
        assert!(chosen <= n / 2);
        let ends: Vec<Vec<usize>> = uneven_spreads(&sc, &start.roster)
            .iter()
            .map(|sp| {
                let (top, bottom) = sp.ends();
                let fewer = sp.fewer_end();
                assert!(fewer == top || fewer == bottom);
                assert!(fewer.len() <= top.len().min(bottom.len()));
                fewer
            })
            .collect();
        // Each end is free whole, or there was no room for it; nobody else is free.
        assert!(ends.iter().any(|end| end.iter().all(|&i| shares.free[i])));
        for end in &ends {
            let missing = end.iter().filter(|&&i| !shares.free[i]).count();
            assert!(missing == 0 || chosen + missing > n / 2, "{end:?} had room");
        }
        for i in (0..n).filter(|&i| shares.free[i] && sc.staff[i].job != "qa") {
            assert!(ends.iter().any(|end| end.contains(&i)), "{i} is at no end");
        }
        assert_eq!(shares.days, 0..sc.days());
        let shifts = start.roster.shift_grid(&sc);
        for (i, days) in shifts.iter().enumerate() {
            for (d, &shift) in days.iter().enumerate() {
                if let Some(kept) = shares.kept(i, d) {
                    assert_eq!(kept, shift);
                }
            }
        }

        // Spreads the objective does not weigh leave nothing to share.
        sc.weights.fair_nights = 0.0;
        sc.weights.fair_weekends = 0.0;
        assert!(Neighbourhood::shares(&sc, &start.roster).is_none());
    }

    #[test]
    fn the_shares_searched_deeper_keep_every_rule_and_everyone_outside_them() {
        let mut sc = crate::solve::test_fixture();
        let start = unfair_start(&sc);
        for i in [1, 4] {
            sc.staff[i].job = "qa".into();
        }
        let start = Solved {
            objective: evaluate(&sc, &start.roster).total(),
            ..start
        };
        let shares = Neighbourhood::shares(&sc, &start.roster).expect("an unfair roster");
        let opts = SolveOptions::default();
        let bound = 1.0;
        let deeper = share_deeper(&sc, &opts, start.clone(), bound, Instant::now(), None).unwrap();
        assert!(
            deeper.objective < start.objective,
            "the shares of an unfair roster hold a fairer one"
        );
        assert_eq!(check_roster(&sc, &deeper.roster), vec![]);
        assert_eq!(evaluate(&sc, &deeper.roster).total(), deeper.objective);
        // The bound it came with, not the sub-model's, which speaks only of the shares.
        assert_eq!(deeper.bound, bound);
        let before = start.roster.shift_grid(&sc);
        let after = deeper.roster.shift_grid(&sc);
        for (i, days) in before.iter().enumerate().filter(|&(i, _)| !shares.free[i]) {
            assert_eq!(&after[i], days, "staff {i} is outside the shares");
        }
    }

    #[test]
    fn the_band_admits_a_lower_objective_or_the_same_with_less_excess_and_nothing_else() {
        let sc = crate::solve::test_fixture();
        let start = unfair_start(&sc);
        let band = Band::around(&sc, &start.roster).expect("an unfair roster has a spread");
        let excess = band.excess_of(&sc, &start.roster);
        assert!(excess > 0, "the incumbent lies beyond its own band");
        let a = start.objective;
        let cutoff = band.cutoff(a);
        let passes =
            |objective: f64, excess: u32| objective + band.per_step() * f64::from(excess) < cutoff;
        for b in 0..=3 * excess + 1 {
            assert_eq!(passes(a, b), b < excess, "same objective, excess {b}");
            assert!(passes(a - 1.0, b), "a lower objective, excess {b}");
            assert!(
                !passes(a + 1.0, b.min(excess)),
                "a higher objective, excess {b}"
            );
        }
    }

    #[test]
    fn a_sub_model_with_the_band_keeps_every_rule_and_moves_the_end_inward() {
        let sc = crate::solve::test_fixture();
        let start = unfair_start(&sc);
        let band = Band::around(&sc, &start.roster).unwrap();
        let fixes = Fixes {
            around: Neighbourhood::new(
                &sc,
                &start.roster,
                Kind::Staff {
                    part: 0,
                    of: 1,
                    cycle: 0,
                },
            ),
            cutoff: Some(band.cutoff(start.objective)),
            node_limit: Some(SUB_NODES),
            band: Some(band.clone()),
            ..Fixes::default()
        };
        let opts = SolveOptions::default();
        let Outcome::Found(better) = solve_once(&sc, &opts, &fixes, Instant::now()).unwrap() else {
            panic!("the whole staff can even out an unfair roster");
        };
        assert!(band.improves(&sc, start.objective, &better));
        assert!(better.objective <= start.objective);
        assert_eq!(check_roster(&sc, &better.roster), vec![]);
        // The roster's objective is the month's, without the band's weights.
        assert_eq!(evaluate(&sc, &better.roster).total(), better.objective);
    }

    #[test]
    fn weeks_cover_the_month_and_shift_from_round_to_round() {
        let days_of = |plan: &[Kind]| -> Vec<usize> {
            plan.iter()
                .flat_map(|k| match *k {
                    Kind::Days { from, to } => from..to,
                    Kind::People { .. } | Kind::Shares | Kind::Staff { .. } => 0..0,
                })
                .collect()
        };
        for cycle in 0..3 {
            let plan = cycle_plan(31, cycle, 0, 0, false);
            assert_eq!(plan[0], Kind::People { widen: 0 });
            assert_eq!(days_of(&plan), (0..31).collect::<Vec<_>>());
        }
        assert_ne!(
            cycle_plan(31, 0, 0, 0, false),
            cycle_plan(31, 1, 0, 0, false)
        );
        // A large month with the root beside shares out its spreads after the people's
        // neighbourhood, and only shares and parts are left while evening out.
        assert!(!cycle_plan(31, 0, 0, 2, false).contains(&Kind::Shares));
        assert_eq!(cycle_plan(31, 0, 0, 2, true)[1], Kind::Shares);
        let evening = phase_plan(31, 0, 0, 2, true, true);
        assert_eq!(evening[0], Kind::Shares);
        assert_eq!(evening.len(), 3);
    }

    #[test]
    fn staff_parts_are_near_equal_and_drawn_anew_each_round() {
        for (n, of) in [(300, 2), (301, 4), (7, 3)] {
            let parts = staff_parts(n, of, 0);
            let sizes: Vec<usize> = (0..of)
                .map(|p| parts.iter().filter(|&&q| q == p).count())
                .collect();
            assert_eq!(sizes.iter().sum::<usize>(), n);
            assert!(sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1);
            assert_eq!(parts, staff_parts(n, of, 0), "the same parts on every run");
            assert_ne!(parts, staff_parts(n, of, 1), "new parts next round");
        }
        // People next to each other in the staff list (often one team) are spread out.
        let parts = staff_parts(300, 2, 0);
        assert!(parts[..30].contains(&0) && parts[..30].contains(&1));
    }
}
