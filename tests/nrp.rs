//! `roster nrp` on the Curtois & Qu benchmark: the evaluator against the published optima
//! and against each hard constraint broken on purpose, and the solver end to end.

use proptest::prelude::*;
use roster::nrp::{Assignment, HardRule, Instance, check, objective};
use std::path::{Path, PathBuf};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/curtois")
        .join(name)
}

fn instance(n: u32) -> Instance {
    Instance::load(&data(&format!("Instance{n}.txt"))).expect("the instance loads")
}

fn solution(inst: &Instance, file: &str) -> Assignment {
    let path = data(&format!("solutions/{file}"));
    let text = std::fs::read_to_string(&path).unwrap();
    inst.parse_grid(&text, &path).expect("the roster reads")
}

/// The three reference rosters and the published optima they reach.
fn references() -> Vec<(Instance, Assignment, u64)> {
    [
        (1, "Instance1.607.tsv", 607),
        (2, "Instance2.828.tsv", 828),
        (3, "Instance3.1001.tsv", 1001),
    ]
    .into_iter()
    .map(|(n, f, v)| {
        let inst = instance(n);
        let r = solution(&inst, f);
        (inst, r, v)
    })
    .collect()
}

#[test]
fn evaluator_reproduces_the_published_optima() {
    for (inst, roster, value) in references() {
        assert_eq!(
            check(&inst, &roster),
            vec![],
            "reference roster of value {value}"
        );
        assert_eq!(objective(&inst, &roster).total(), value);
    }
    // Instance 1's optimum is 600 of under-cover and 7 of requests (SOURCE.md).
    let (inst, roster, _) = &references()[0];
    let b = objective(inst, roster);
    assert_eq!(b.under_cover, 600);
    assert_eq!(b.shift_on_requests + b.shift_off_requests + b.over_cover, 7);
}

/// Working blocks (start, length) of one person's row.
fn work_blocks(row: &[Option<usize>]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut d = 0;
    while d < row.len() {
        if row[d].is_some() {
            let s = d;
            while d < row.len() && row[d].is_some() {
                d += 1;
            }
            out.push((s, d - s));
        } else {
            d += 1;
        }
    }
    out
}

fn rules(inst: &Instance, r: &Assignment) -> Vec<HardRule> {
    let mut v: Vec<HardRule> = check(inst, r).into_iter().map(|v| v.rule).collect();
    v.dedup();
    v
}

/// Each hard constraint broken on purpose, one mutation each, on Instance 3's optimal
/// roster: the contract or the roster changed so that exactly that constraint fails.
#[test]
fn evaluator_catches_each_hard_constraint_broken() {
    let inst = instance(3);
    let roster = solution(&inst, "Instance3.1001.tsv");
    let e = 0; // person A
    let row = &roster[e];
    let worked: Vec<usize> = (0..inst.horizon).filter(|&d| row[d].is_some()).collect();
    let minutes: u32 = row.iter().flatten().map(|&k| inst.shifts[k].minutes).sum();
    let mutate = |f: &dyn Fn(&mut Instance)| {
        let mut i = inst.clone();
        f(&mut i);
        rules(&i, &roster)
    };

    // 1: a row of the wrong length.
    let mut short = roster.clone();
    short[e].pop();
    assert_eq!(rules(&inst, &short), vec![HardRule::Shape]);
    // 2: a pair of days it works, made forbidden.
    let d = (0..inst.horizon - 1)
        .find(|&d| row[d].is_some() && row[d + 1].is_some())
        .unwrap();
    let (a, b) = (row[d].unwrap(), row[d + 1].unwrap());
    assert_eq!(
        mutate(&|i| i.shifts[a].forbidden_next.push(b)),
        vec![HardRule::Succession]
    );
    // 3: one shift type too many.
    let k = row[worked[0]].unwrap();
    let n = row.iter().filter(|&&x| x == Some(k)).count() as u32;
    assert_eq!(
        mutate(&|i| i.staff[e].max_shifts[k] = n - 1),
        vec![HardRule::MaxShifts]
    );
    // 4: minutes above the maximum, below the minimum.
    assert_eq!(
        mutate(&|i| {
            i.staff[e].max_total_minutes = minutes - 1;
            i.staff[e].min_total_minutes = 0;
        }),
        vec![HardRule::MaxMinutes]
    );
    assert_eq!(
        mutate(&|i| i.staff[e].min_total_minutes = minutes + 1),
        vec![HardRule::MinMinutes]
    );
    // 5: the longest block, one over the limit.
    let longest = work_blocks(row).iter().map(|b| b.1).max().unwrap() as u32;
    assert_eq!(
        mutate(&|i| i.staff[e].max_consecutive_shifts = longest - 1),
        vec![HardRule::MaxConsecutiveShifts]
    );
    // 6: an inner block, one short of the minimum.
    let inner = work_blocks(row)
        .into_iter()
        .filter(|&(s, l)| s > 0 && s + l < inst.horizon)
        .map(|b| b.1)
        .min()
        .unwrap() as u32;
    assert_eq!(
        mutate(&|i| {
            i.staff[e].min_consecutive_shifts = inner + 1;
            i.staff[e].max_consecutive_shifts = 99;
        }),
        vec![HardRule::MinConsecutiveShifts]
    );
    // 7: rest: A's shortest inner off block, one short.
    let off: Vec<Option<usize>> = row
        .iter()
        .map(|x| if x.is_some() { None } else { Some(0) })
        .collect();
    let inner_off = work_blocks(&off)
        .into_iter()
        .filter(|&(s, l)| s > 0 && s + l < inst.horizon)
        .map(|b| b.1)
        .min()
        .unwrap() as u32;
    assert_eq!(
        mutate(&|i| i.staff[e].min_consecutive_days_off = inner_off + 1),
        vec![HardRule::MinConsecutiveDaysOff]
    );
    // 8: one weekend fewer than it works.
    let weekends = (0..inst.horizon / 7)
        .filter(|w| row[7 * w + 5].is_some() || row[7 * w + 6].is_some())
        .count() as u32;
    assert!(weekends > 0);
    assert_eq!(
        mutate(&|i| i.staff[e].max_weekends = weekends - 1),
        vec![HardRule::MaxWeekends]
    );
    // 9: a day it works, made a day off.
    assert_eq!(
        mutate(&|i| i.days_off[e][worked[0]] = true),
        vec![HardRule::DayOff]
    );
}

/// A one-type instance with one person and a free contract but for the consecutive rules;
/// rosters of it are generated below.
fn one_person(h: usize, max_c: u32, min_c: u32, min_off: u32) -> Instance {
    let text = format!(
        "SECTION_HORIZON\n{h}\n\nSECTION_SHIFTS\nD,480,\n\nSECTION_STAFF\n\
         A,D={h},100000,0,{max_c},{min_c},{min_off},{h}\n\nSECTION_COVER\n0,D,1,100,1\n"
    );
    Instance::parse(&text, Path::new("gen.txt")).unwrap()
}

proptest! {
    /// The horizon edges as the benchmark reads them: a block touching day 0 or the last
    /// day is never too short, but always counts its in-horizon length against the maximum.
    #[test]
    fn evaluator_reads_the_horizon_edges(
        days in proptest::collection::vec(any::<bool>(), 7..22),
        max_c in 1u32..6,
        min_c in 1u32..4,
        min_off in 1u32..4,
    ) {
        let inst = one_person(days.len(), max_c, min_c, min_off);
        let roster = vec![days.iter().map(|&w| w.then_some(0)).collect::<Vec<_>>()];
        let found = rules(&inst, &roster);
        let h = days.len();
        let mut expect = Vec::new();
        let mut d = 0;
        while d < h {
            let s = d;
            while d < h && days[d] == days[s] {
                d += 1;
            }
            let (len, edge) = ((d - s) as u32, s == 0 || d == h);
            if days[s] {
                if len > max_c { expect.push(HardRule::MaxConsecutiveShifts); }
                if !edge && len < min_c { expect.push(HardRule::MinConsecutiveShifts); }
            } else if !edge && len < min_off {
                expect.push(HardRule::MinConsecutiveDaysOff);
            }
        }
        let mut found_sorted = found.clone();
        found_sorted.sort_by_key(|r| format!("{r:?}"));
        found_sorted.dedup();
        expect.sort_by_key(|r| format!("{r:?}"));
        expect.dedup();
        prop_assert_eq!(found_sorted, expect);
    }
}

// ---- The solver ----

use assert_cmd::Command;
use roster::nrp::{NrpSolveError, solve};
use roster::solve::{SolveOptions, Status};

fn roster_cmd() -> Command {
    Command::cargo_bin("roster").unwrap()
}

#[test]
fn nrp_solves_instance1_to_its_optimum_and_the_evaluator_agrees() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("i1.tsv");
    let run = roster_cmd()
        .args(["nrp", "--time-limit", "600", "--json", "--out"])
        .arg(&out)
        .arg(data("Instance1.txt"))
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(v["status"], "optimal");
    assert_eq!(v["objective"], 607);
    assert_eq!(v["bound"], 607.0);
    let inst = instance(1);
    let text = std::fs::read_to_string(&out).unwrap();
    let roster = inst.parse_grid(&text, &out).unwrap();
    assert_eq!(check(&inst, &roster), vec![]);
    let b = objective(&inst, &roster);
    assert_eq!(v["objective"], b.total());
    let printed = &v["objective_breakdown"];
    assert_eq!(printed["shift_on_requests"], b.shift_on_requests);
    assert_eq!(printed["shift_off_requests"], b.shift_off_requests);
    assert_eq!(printed["under_cover"], b.under_cover);
    assert_eq!(printed["over_cover"], b.over_cover);
    assert!(v["size"]["shift_variables"].as_u64().unwrap() > 0);
}

/// Instance 2 through every stage (its neighbourhoods are smaller than the instance): the
/// published optimum, proven, and a roster the evaluator accepts at the value printed.
#[test]
fn nrp_staged_search_proves_instance2_optimum() {
    let inst = instance(2);
    let opts = SolveOptions {
        time_limit: 600.0,
        ..SolveOptions::default()
    };
    let s = solve(&inst, &opts).expect("a roster");
    assert_eq!(s.status, Status::Optimal);
    assert_eq!(s.objective, 828);
    assert_eq!(s.bound, 828.0);
    assert!(check(&inst, &s.roster).is_empty());
    assert_eq!(objective(&inst, &s.roster).total(), 828);
    assert!(s.seconds_to_best <= s.seconds);
}

#[test]
fn nrp_text_output_names_every_figure() {
    let run = roster_cmd()
        .args(["nrp", "--time-limit", "600"])
        .arg(data("Instance1.txt"))
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0));
    let text = String::from_utf8(run.stdout).unwrap();
    for word in [
        "status      optimal",
        "objective   607",
        "shift-on requests",
        "shift-off requests",
        "under-cover         600",
        "over-cover",
        "bound       607",
        "gap",
        "seconds",
        "model",
    ] {
        assert!(text.contains(word), "{word} missing from\n{text}");
    }
}

#[test]
fn nrp_bad_input_exits_2_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.txt");
    let text = std::fs::read_to_string(data("Instance1.txt"))
        .unwrap()
        .replacen("0,D,5,100,1", "0,D,five,100,1", 1);
    std::fs::write(&bad, text).unwrap();
    let out = dir.path().join("never.tsv");
    let run = roster_cmd()
        .args(["nrp", "--out"])
        .arg(&out)
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    let err = String::from_utf8(run.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("bad.txt: line 67: Requirement"), "{err}");
    assert!(!out.exists());
}

#[test]
fn nrp_out_never_replaces_the_instance() {
    let dir = tempfile::tempdir().unwrap();
    let inst = dir.path().join("Instance1.txt");
    std::fs::copy(data("Instance1.txt"), &inst).unwrap();
    let before = std::fs::read(&inst).unwrap();
    let run = roster_cmd()
        .args(["nrp", "--out"])
        .arg(&inst)
        .arg(&inst)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("never replaces an input"));
    assert_eq!(std::fs::read(&inst).unwrap(), before);
}

#[test]
fn nrp_proven_infeasible_exits_3() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tight.txt");
    // Five shifts in a row at most, but at least 13 of the 14 days' minutes.
    let text = std::fs::read_to_string(data("Instance1.txt"))
        .unwrap()
        .replace("4320,3360,5,2,2,1", "7000,6240,5,2,2,1");
    std::fs::write(&path, text).unwrap();
    let run = roster_cmd().arg("nrp").arg(&path).output().unwrap();
    assert_eq!(
        run.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
}

/// A small generated instance: `people` staff, `types` shift types, 7 days.
fn generated(
    people: usize,
    types: usize,
    contract: &[u32],
    forbidden: bool,
    requests: &[(usize, usize, usize, u32, bool)],
    cover: &[u32],
) -> Instance {
    let h = 7;
    let ids = ["E", "L"];
    let mut t = format!("SECTION_HORIZON\n{h}\n\nSECTION_SHIFTS\n");
    for (k, id) in ids.iter().enumerate().take(types) {
        // L forbids E the next day.
        let f = if forbidden && k == 1 { "E" } else { "" };
        t += &format!("{id},{},{f}\n", 300 + 60 * k);
    }
    t += "\nSECTION_STAFF\n";
    for p in 0..people {
        let max_shifts: Vec<String> = (0..types)
            .map(|k| format!("{}={}", ids[k], contract[0] + k as u32))
            .collect();
        t += &format!(
            "P{p},{},{},{},{},{},{},{}\n",
            max_shifts.join("|"),
            contract[1],
            contract[2],
            contract[3],
            contract[4],
            contract[5],
            contract[6]
        );
    }
    t += "\nSECTION_DAYS_OFF\nP0,3\n\nSECTION_SHIFT_ON_REQUESTS\n";
    for &(p, d, k, w, on) in requests {
        if on {
            t += &format!("P{},{d},{},{w}\n", p % people, ids[k % types]);
        }
    }
    t += "\nSECTION_SHIFT_OFF_REQUESTS\n";
    for &(p, d, k, w, on) in requests {
        if !on {
            t += &format!("P{},{d},{},{w}\n", p % people, ids[k % types]);
        }
    }
    t += "\nSECTION_COVER\n";
    for d in 0..h {
        for (k, id) in ids.iter().enumerate().take(types) {
            t += &format!("{d},{id},{},100,1\n", cover[(d * types + k) % cover.len()]);
        }
    }
    Instance::parse(&t, Path::new("gen.txt")).unwrap()
}

/// The best objective over every roster the evaluator accepts, by enumeration.
fn brute_force(inst: &Instance) -> Option<u64> {
    let (p, h, t) = (inst.staff.len(), inst.horizon, inst.shifts.len());
    let cells = p * h;
    let mut best: Option<u64> = None;
    let mut code = vec![0usize; cells];
    loop {
        let roster: Assignment = (0..p)
            .map(|e| (0..h).map(|d| code[e * h + d].checked_sub(1)).collect())
            .collect();
        if check(inst, &roster).is_empty() {
            let v = objective(inst, &roster).total();
            best = Some(best.map_or(v, |b| b.min(v)));
        }
        let mut i = 0;
        loop {
            if i == cells {
                return best;
            }
            code[i] += 1;
            if code[i] <= t {
                break;
            }
            code[i] = 0;
            i += 1;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]
    /// The MIP finds the true optimum of small generated instances (every roster enumerated
    /// and judged by the evaluator), and proves infeasibility exactly when no roster exists.
    #[test]
    fn nrp_model_matches_enumeration(
        shape in prop_oneof![Just((1usize, 2usize)), Just((2, 1))],
        max_each in 2u32..7,
        max_min in 1200u32..3000,
        min_min in 0u32..1500,
        max_c in 2u32..6,
        min_c in 1u32..5,
        min_off in 1u32..5,
        max_w in 0u32..2,
        forbidden in any::<bool>(),
        requests in proptest::collection::vec((0usize..2, 0usize..7, 0usize..2, 1u32..4, any::<bool>()), 0..6),
        cover in proptest::collection::vec(0u32..3, 1..8),
    ) {
        let (people, types) = shape;
        let inst = generated(
            people,
            types,
            &[max_each, max_min, min_min.min(max_min), max_c, min_c, min_off, max_w],
            forbidden,
            &requests,
            &cover,
        );
        let expected = brute_force(&inst);
        let opts = SolveOptions { time_limit: 600.0, ..SolveOptions::default() };
        match (solve(&inst, &opts), expected) {
            (Ok(s), Some(best)) => {
                prop_assert_eq!(s.status, Status::Optimal);
                prop_assert_eq!(s.objective, best);
                prop_assert!(check(&inst, &s.roster).is_empty());
            }
            (Err(NrpSolveError::Infeasible), None) => {}
            (got, want) => prop_assert!(false, "solver {:?}, enumeration {:?}", got.map(|s| s.objective), want),
        }
    }
}

#[cfg(not(feature = "highs"))]
#[test]
fn nrp_solver_highs_without_the_feature_exits_2() {
    let run = roster_cmd()
        .args(["nrp", "--solver", "highs"])
        .arg(data("Instance1.txt"))
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("--features highs"));
}
