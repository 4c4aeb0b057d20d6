//! `roster nrp`'s person-by-person stages on the Curtois & Qu instances: the greedy first
//! roster meets every hard constraint, and the column generation's bound lies between the
//! compact model's LP bound and the proven optimum.

use roster::nrp::{
    Instance, check, column_generation_bound, compact_lp_bound, dive_roster, greedy_roster,
    objective, solve,
};
use roster::solve::{SolveOptions, Status};
use std::path::Path;

fn instance(n: u32) -> Instance {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/curtois")
        .join(format!("Instance{n}.txt"));
    Instance::load(&path).expect("the instance loads")
}

/// The published optimum of instance `n` (tests/data/curtois/best_known.csv).
fn optimum(n: u32) -> f64 {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/curtois/best_known.csv");
    let text = std::fs::read_to_string(path).unwrap();
    let row = text
        .lines()
        .find(|l| l.starts_with(&format!("Instance{n},")))
        .expect("a row for the instance");
    row.split(',').nth(5).unwrap().parse().unwrap()
}

/// Every instance with a proven optimum in the test data, each with its own contracts,
/// shift types, successions and requests: the greedy roster passes the evaluator on all.
#[test]
fn nrp_greedy_roster_meets_every_hard_constraint_on_instances_1_to_12() {
    for n in 1..=12 {
        let inst = instance(n);
        let roster = greedy_roster(&inst, &SolveOptions::default()).expect("a greedy roster");
        let broken = check(&inst, &roster);
        assert!(broken.is_empty(), "instance {n}: {broken:?}");
    }
}

/// The column generation's bound is valid (at most the optimum) and no weaker than the
/// compact model's LP bound, whose person rows it convexifies.
#[test]
fn nrp_column_generation_bound_lies_between_the_compact_lp_and_the_optimum() {
    for n in 1..=4 {
        let inst = instance(n);
        let opts = SolveOptions::default();
        let cg = column_generation_bound(&inst, &opts).expect("a bound");
        let start = greedy_roster(&inst, &opts).unwrap();
        let lp = compact_lp_bound(&inst, &start, &opts).expect("an LP bound");
        assert!(
            cg.bound <= optimum(n),
            "instance {n}: {cg:?} above the optimum"
        );
        assert!(
            cg.bound >= lp,
            "instance {n}: {cg:?} below the compact LP's {lp}"
        );
        assert!(cg.greedy as f64 >= cg.bound, "instance {n}: {cg:?}");
    }
}

/// The dive (people fixed to their heaviest schedules step by step, the rest re-priced
/// under the fixings) reaches a roster that meets every hard constraint, whose objective is
/// the evaluator's and no better than the optimum, and the same roster on a second run.
#[test]
fn nrp_dive_roster_is_feasible_and_the_same_on_every_run() {
    for n in 1..=5 {
        let inst = instance(n);
        let opts = SolveOptions::default();
        let (roster, value) = dive_roster(&inst, &opts)
            .expect("no solver error")
            .expect("the dive reaches a roster");
        let broken = check(&inst, &roster);
        assert!(broken.is_empty(), "instance {n}: {broken:?}");
        assert_eq!(value, objective(&inst, &roster).total(), "instance {n}");
        assert!(value as f64 >= optimum(n), "instance {n}: {value}");
        let again = dive_roster(&inst, &opts).unwrap().expect("a roster again");
        assert_eq!(again.0, roster, "instance {n}: a different roster");
    }
}

/// A limit shorter than the search (instance 12's column generation alone takes longer in
/// a debug build) still gives the best roster so far: it passes the evaluator, its
/// objective is the evaluator's, and the status says the clock stopped the run. Before the
/// pricing watched the clock inside one person, a run could only stop between people.
#[test]
fn nrp_short_limit_returns_the_best_roster_so_far() {
    let inst = instance(12);
    let opts = SolveOptions {
        time_limit: 30.0,
        ..SolveOptions::default()
    };
    let solved = solve(&inst, &opts).expect("a roster within the limit");
    assert_eq!(solved.status, Status::TimeLimit);
    let broken = check(&inst, &solved.roster);
    assert!(broken.is_empty(), "{broken:?}");
    assert_eq!(solved.objective, objective(&inst, &solved.roster).total());
    assert!(solved.objective as f64 >= optimum(12));
}
