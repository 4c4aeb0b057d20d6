//! The staged search for the month's best roster: the root node, fix-and-optimise, then the
//! fairness proofs, each stage ending on work done and never on a share of the clock.

use super::backend::Outcome;
use super::cbc_process::ChildRun;
use super::month::{Fixes, left, solve_once};
use super::neighbourhood::RootBeside;
use super::{
    SolveError, SolveOptions, Solved, Status, counting, diagnose, fairness, greedy, neighbourhood,
};
use crate::model::Scenario;
use crate::rules::check_roster;
use std::time::Instant;

/// Solves the month. Every roster returned satisfies every roster rule: the independent
/// checker confirms it before the roster leaves here (`SolveError::RulesBroken` if not).
pub fn solve(sc: &Scenario, opts: &SolveOptions) -> Result<Solved, SolveError> {
    let solved = search(sc, opts)?;
    let broken = check_roster(sc, &solved.roster);
    if broken.is_empty() {
        Ok(solved)
    } else {
        Err(SolveError::RulesBroken(broken))
    }
}

/// The staged search behind `solve`.
///
/// With CBC and an integral objective the search is staged, because large centres defeat
/// a single branch-and-bound: the root node gives a first roster and a bound (and on small
/// months the proof); fix-and-optimise (`neighbourhood`) improves the roster; then the
/// fairness spreads are proven case by case and the rest of the month searched with the
/// best roster as its start (`fairness`). Each stage ends on work done (the root node, node
/// limits, rounds of neighbourhoods), never on a share of the clock, so the same scenario
/// gives the same roster and the same proof on a busy machine as on an idle one. Only the
/// time limit itself may cut the search short; the result then says `time_limit`.
///
/// The counting bound (`counting`) holds from the start: the greedy roster carries it, so
/// fix-and-optimise stops at a roster it proves, and the result's bound is never below it.
fn search(sc: &Scenario, opts: &SolveOptions) -> Result<Solved, SolveError> {
    let started = Instant::now();
    let counted = counting::bound(sc);
    let solved = staged(sc, opts, started, counted)?;
    Ok(at_least(solved, counted, opts, started))
}

/// `solved` with the counting bound where its own is lower or unknown. A bound of 0 proves
/// nothing a user could not see: a roster without a bound keeps none then.
fn at_least(solved: Solved, counted: f64, opts: &SolveOptions, started: Instant) -> Solved {
    if counted > 0.0 && (solved.bound.is_nan() || solved.bound < counted) {
        solved.with_bound(counted, opts, started)
    } else {
        solved
    }
}

fn staged(
    sc: &Scenario,
    opts: &SolveOptions,
    started: Instant,
    counted: f64,
) -> Result<Solved, SolveError> {
    let cut_short = |stage| SolveError::NoSolutionInTime(opts.time_limit, stage);
    if !fairness::can_probe(sc, opts) {
        return plain_search(sc, opts, started, None, "the branch-and-bound search");
    }
    // A roster before the root node, for the month whose root LP outlasts the limit: the
    // user then gets it (and Ctrl-C writes it) instead of nothing.
    let mut greedy = greedy::first_roster(sc)
        .map(|r| at_least(greedy::as_solved(sc, r, started), counted, opts, started));
    let large = is_large(sc);
    let beside = large && cells(sc, sc.staff.len()) <= ROOT_BESIDE_CELLS;
    if let (true, Some(exe), Some(g)) = (beside, &opts.cbc_process, &greedy) {
        return on_two_cores(sc, opts, g.clone(), exe, started, counted);
    }
    // A very large month's root LP outlasts a 300 s limit (600 staff: 219 s of CPU and
    // unfinished), so the greedy roster is improved week by week before the root is tried.
    if let Some(mut g) = greedy.take_if(|_| is_very_large(sc)) {
        // A start here, not a result the clock left behind.
        g.out_of_time = false;
        opts.progress
            .report("improving the greedy roster (fix-and-optimise)", Some(&g));
        let improved = neighbourhood::improve(sc, opts, g, started, None)?;
        // Out of time, or proven by the counting bound: the root has nothing to add.
        if improved.out_of_time || improved.status != Status::TimeLimit {
            return Ok(improved.with_model_size(sc, started));
        }
        greedy = Some(improved);
    }
    // On a large month the greedy roster is also the MIP start, so that the root, which is
    // then one long LP, always ends with a roster and a bound for the next stage (a
    // 300-staff month's root found none in 77 s). Not below that: the root finds better on
    // every such month it finishes, and its path stays what it was.
    let root_only = root_node(greedy.as_ref().filter(|_| large));
    opts.progress
        .report("first roster and bound (root node)", greedy.as_ref());
    let solved = match solve_once(sc, &left(opts, started), &root_only, started)? {
        Outcome::Found(solved) => at_least(solved, counted, opts, started),
        Outcome::ProvenNone => return Err(infeasible(sc, opts, started, "the root node")?),
        Outcome::Unfinished { clock: true } => {
            return greedy
                .map(|g| g.with_model_size(sc, started))
                .ok_or_else(|| cut_short("the root node"));
        }
        // No roster at the root: the plain search gets the rest of the time.
        Outcome::Unfinished { clock: false } => {
            opts.progress
                .report("searching for a first roster (branch and bound)", None);
            return plain_search(
                sc,
                opts,
                started,
                greedy,
                "the branch-and-bound search after the root node",
            );
        }
    };
    improve_and_prove(sc, opts, solved, true, started)
}

/// The root node's run: the root only, from `start` if any. A start means a large month,
/// whose root is there for the bound: its heuristics cost about half of it, and
/// fix-and-optimise from the greedy roster does their work in sub-models.
fn root_node(start: Option<&Solved>) -> Fixes {
    Fixes {
        node_limit: Some(0),
        start: start.map(|g| g.roster.clone()),
        light_root: start.is_some(),
        ..Fixes::default()
    }
}

/// Fix-and-optimise (unless `improve` is false: it already ran from this roster), then the
/// fairness proofs, for a roster that is neither proven nor out of time.
fn improve_and_prove(
    sc: &Scenario,
    opts: &SolveOptions,
    solved: Solved,
    improve: bool,
    started: Instant,
) -> Result<Solved, SolveError> {
    if solved.status != Status::TimeLimit || solved.out_of_time {
        return Ok(solved);
    }
    let improved = if improve {
        opts.progress
            .report("improving the roster (fix-and-optimise)", Some(&solved));
        neighbourhood::improve(sc, opts, solved, started, None)?
    } else {
        solved
    };
    if improved.status != Status::TimeLimit || improved.out_of_time {
        return Ok(improved);
    }
    let proven = fairness::prove_spreads(sc, opts, improved, started)?;
    // The time taken is the whole solve's, whichever stage found the roster.
    let bound = proven.bound;
    Ok(proven.with_bound(bound, opts, started))
}

/// A large month on both cores: the root node, for the bound, in a CBC process of its own
/// (`exe`, see `cbc_process`), while fix-and-optimise improves the greedy roster in this
/// one. Each ends on its own work done, neither waits on nor stops the other, so the
/// merge is the same on every run: the better roster (the root's on a tie) with the
/// root's bound, then the fairness proofs as on one core.
fn on_two_cores(
    sc: &Scenario,
    opts: &SolveOptions,
    mut greedy: Solved,
    exe: &std::path::Path,
    started: Instant,
    counted: f64,
) -> Result<Solved, SolveError> {
    // A start here, not a result the clock left behind.
    greedy.out_of_time = false;
    let (job_built, built) = std::sync::mpsc::channel();
    // Raised when fix-and-optimise reaches a roster the counting bound proves optimal: the
    // root could add nothing, and its process is stopped rather than waited for. Not for a
    // roster merely within the gap asked for: the root's bound may prove one earlier on the
    // path, which is then the result (`first_proven`), on every run.
    let stop_root = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let root_only = Fixes {
        child: Some(ChildRun {
            exe: exe.to_path_buf(),
            job_built,
            hard_stop: false,
            stop: Some(stop_root.clone()),
        }),
        ..root_node(Some(&greedy))
    };
    opts.progress.report(
        "first bound (root node) beside fix-and-optimise from the greedy roster",
        Some(&greedy),
    );
    let root_bound = std::sync::OnceLock::new();
    let mut beside = RootBeside::new(&root_bound);
    let (root, improved) = std::thread::scope(|s| {
        let root = s.spawn(|| {
            let root = solve_once(sc, &left(opts, started), &root_only, started);
            if let Ok(Outcome::Found(r)) = &root {
                let _ = root_bound.set(r.bound);
            }
            root
        });
        // Either way on: built, or the root ended before (its sender is gone then).
        let _ = built.recv();
        let improved = neighbourhood::improve(sc, opts, greedy, started, Some(&mut beside));
        if improved
            .as_ref()
            .is_ok_and(|s| Status::of(s.objective, counted, 0.0) == Status::Optimal)
        {
            stop_root.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        let root = root.join().expect("the root node's thread does not panic");
        (root, improved)
    });
    let improved = improved?;
    let root = match root {
        Ok(Outcome::Found(root)) => root,
        // The second process failed (it could not start, say): the roster found beside it
        // is still the user's, said to be without a bound rather than lost.
        Err(e) => {
            opts.progress.report(
                format!("the root node's process failed ({e}): no bound"),
                Some(&improved),
            );
            return Ok(improved.with_model_size(sc, started));
        }
        Ok(Outcome::ProvenNone) => {
            return Err(infeasible(sc, opts, started, "the root node")?);
        }
        // No bound (the clock, or a root without even the start): the improved roster.
        Ok(Outcome::Unfinished { .. }) => return Ok(improved.with_model_size(sc, started)),
    };
    let bound = root.bound.max(counted);
    // Whether or not fix-and-optimise stopped at the proof, the roster is the first on its
    // path that the bound proves (`RootBeside`).
    let improved = match beside.first_proven(bound, opts) {
        Some(first) => first,
        None => improved,
    };
    // Fix-and-optimise already ran to its end unless the root's roster beat its result.
    let root_better = root.objective < improved.objective - 1e-6;
    let best = if improved.objective < root.objective - 1e-6 {
        improved.instead_of(&root).with_bound(bound, opts, started)
    } else {
        root
    };
    opts.progress
        .report("merged the root node and fix-and-optimise", Some(&best));
    improve_and_prove(sc, opts, best, root_better, started)
}

/// Plain branch-and-bound over the whole month, for what is left of the time. When it
/// ends without a roster, the greedy start (if any) is the result, as at the root: the
/// user never loses a roster the search already had.
fn plain_search(
    sc: &Scenario,
    opts: &SolveOptions,
    started: Instant,
    greedy: Option<Solved>,
    stage: &'static str,
) -> Result<Solved, SolveError> {
    match solve_once(sc, &left(opts, started), &Fixes::default(), started)? {
        Outcome::Found(solved) => Ok(solved),
        Outcome::ProvenNone => Err(infeasible(sc, opts, started, stage)?),
        Outcome::Unfinished { .. } => greedy
            .map(|g| g.with_model_size(sc, started))
            .ok_or(SolveError::NoSolutionInTime(opts.time_limit, stage)),
    }
}

/// Person-day-shift cells above which a month counts as large (about 215 staff on three
/// shifts): its root LP alone takes tens of seconds, so the root starts from the greedy
/// roster and skips the feasibility pump. The seed months and `large-150` stay below it.
const LARGE_CELLS: usize = 20_000;

/// Person-day-shift cells of a whole-month model for `people`.
fn cells(sc: &Scenario, people: usize) -> usize {
    people * sc.days() * sc.shifts.len()
}

pub(super) fn is_large(sc: &Scenario) -> bool {
    !fits_a_sub_model(sc, sc.staff.len())
}

/// Whether a whole-month sub-model for `people` is small enough to solve quickly: no more
/// cells than a month that counts as large.
pub(super) fn fits_a_sub_model(sc: &Scenario, people: usize) -> bool {
    cells(sc, people) <= LARGE_CELLS
}

/// Cells above which the greedy roster is improved before the root node (about 540 staff
/// on three shifts).
const VERY_LARGE_CELLS: usize = 50_000;

/// Cells above which the root node is not run beside fix-and-optimise (about 800 staff on
/// three shifts): there it cannot end in time, and it only slows fix-and-optimise down.
/// 600 staff (55,800 cells): the root in its own process ended at 266 s with the first
/// bound at that size. 1,000 staff (93,000 cells): its first LP alone took 281 s, the root
/// had not ended at 600 s, and fix-and-optimise beside it reached 2071 at 327 s, a roster
/// it reaches at 119 s alone (BENCHMARKS.md, issue 14).
const ROOT_BESIDE_CELLS: usize = 75_000;

fn is_very_large(sc: &Scenario) -> bool {
    cells(sc, sc.staff.len()) > VERY_LARGE_CELLS
}

/// The solver proved the month has no roster: explain it with the time that is left. The
/// explanation is the proof the user sees, so an unfinished one is reported as running out
/// of time, never as "no roster exists" with nothing to show for it.
fn infeasible(
    sc: &Scenario,
    opts: &SolveOptions,
    started: Instant,
    stage: &'static str,
) -> Result<SolveError, SolveError> {
    let why = diagnose::diagnose(sc, &left(opts, started)).map_err(|e| match e {
        SolveError::NoSolutionInTime(..) => SolveError::NoSolutionInTime(opts.time_limit, stage),
        other => other,
    })?;
    // CBC stopped inside its first LP by the clock reports that LP, and so the month, as
    // infeasible. The elastic model tells a real conflict (a shortfall) from that.
    if why.total_short == 0 {
        return Err(SolveError::NoSolutionInTime(opts.time_limit, stage));
    }
    Ok(SolveError::Infeasible(why))
}
