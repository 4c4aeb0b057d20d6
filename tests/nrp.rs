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
