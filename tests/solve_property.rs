//! Property: over generated scenarios, every roster the solver returns passes `check`, and
//! its reported objective equals the checker's own evaluation; when it says no roster
//! exists, it names at least one shortfall. Under any time limit, however short, it says
//! that only when it is true: running out of time is never "no roster exists".

use proptest::prelude::*;
use roster::model::Scenario;
use roster::rules::check_roster;
use roster::solve::{SolveError, SolveOptions, Status, counting_bound, evaluate, solve};
use std::fmt::Write;
use std::path::Path;

#[derive(Debug, Clone)]
struct Gen {
    grades: Vec<u8>,
    leads: usize,
    three_shifts: bool,
    demand: [u8; 3],
    min_shifts: u8,
    max_shifts: u8,
    leave: Vec<(usize, u8, u8)>,
    requests: Vec<(usize, u8, bool)>,
    history_night: Option<usize>,
}

fn scenarios() -> impl Strategy<Value = Gen> {
    (
        prop::collection::vec(0u8..3, 5..10),
        1usize..4,
        any::<bool>(),
        [0u8..3, 0u8..3, 0u8..2],
        0u8..10,
        18u8..31,
        prop::collection::vec((0usize..10, 1u8..29, 0u8..4), 0..4),
        prop::collection::vec((0usize..10, 1u8..32, any::<bool>()), 0..5),
        prop::option::of(0usize..5),
    )
        .prop_map(
            |(
                grades,
                leads,
                three_shifts,
                demand,
                min_shifts,
                max_shifts,
                leave,
                requests,
                history_night,
            )| Gen {
                grades,
                leads,
                three_shifts,
                demand,
                min_shifts,
                max_shifts,
                leave,
                requests,
                history_night,
            },
        )
}

fn to_toml(g: &Gen) -> String {
    let mut s = String::from("name = \"生成\"\nmonth = \"2026-12\"\n[rules]\n");
    writeln!(
        s,
        "min_shifts = {}\nmax_shifts = {}",
        g.min_shifts, g.max_shifts
    )
    .unwrap();
    s.push_str("[calendar]\nholidays = [\"2026-12-25\"]\n");
    let shifts: &[(&str, &str, &str)] = if g.three_shifts {
        &[
            ("D", "08:00", "16:00"),
            ("E", "16:00", "24:00"),
            ("N", "00:00", "08:00"),
        ]
    } else {
        &[("D", "08:00", "20:00"), ("N", "20:00", "08:00")]
    };
    for (c, a, b) in shifts {
        writeln!(
            s,
            "[[shift]]\ncode = \"{c}\"\nstart = \"{a}\"\nend = \"{b}\""
        )
        .unwrap();
    }
    s.push_str("[[seat]]\ncode = \"189\"\nmin_grade = \"junior\"\n[[seat]]\ncode = \"180\"\nmin_grade = \"intermediate\"\n[[seat]]\ncode = \"96123\"\nmin_grade = \"senior\"\n");
    s.push_str("[[team]]\ncode = \"A\"\nlead = \"L0\"\n");
    for l in 0..g.leads {
        writeln!(s, "[[staff]]\nid = \"L{l}\"\nname = \"班长{l}\"\ngrade = \"senior\"\nteam = \"A\"\nlead = true").unwrap();
    }
    let grade = ["junior", "intermediate", "senior"];
    for (i, gr) in g.grades.iter().enumerate() {
        writeln!(
            s,
            "[[staff]]\nid = \"P{i}\"\nname = \"员工{i}\"\ngrade = \"{}\"\nteam = \"A\"",
            grade[*gr as usize]
        )
        .unwrap();
    }
    let seats = ["189", "180", "96123"];
    for (k, _, _) in shifts {
        for (j, seat) in seats.iter().enumerate() {
            if g.demand[j] > 0 {
                writeln!(
                    s,
                    "[[demand]]\nshift = \"{k}\"\nseat = \"{seat}\"\nweekday = {}\nweekend = {}",
                    g.demand[j],
                    g.demand[j].saturating_sub(1)
                )
                .unwrap();
            }
        }
    }
    for (n, (who, from, len)) in g.leave.iter().enumerate() {
        let id = format!("P{}", who % g.grades.len());
        let to = (*from + *len).min(31);
        writeln!(s, "[[leave]]\nid = \"G{n}\"\nstaff = \"{id}\"\nfrom = \"2026-12-{from:02}\"\nto = \"2026-12-{to:02}\"\nkind = \"annual\"\napproved_by = \"centre_director\"").unwrap();
    }
    for (who, day, off) in &g.requests {
        let id = format!("P{}", who % g.grades.len());
        let wish = if *off {
            "off = true".to_string()
        } else {
            "shift = \"D\"".to_string()
        };
        writeln!(
            s,
            "[[request]]\nstaff = \"{id}\"\ndate = \"2026-12-{day:02}\"\n{wish}\nweight = 2"
        )
        .unwrap();
    }
    if let Some(who) = g.history_night {
        let id = format!("L{}", who % g.leads);
        let night = if g.three_shifts { "E" } else { "N" };
        writeln!(
            s,
            "[[history]]\nstaff = \"{id}\"\ndate = \"2026-11-30\"\nshift = \"{night}\""
        )
        .unwrap();
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn solved_rosters_pass_check(g in scenarios()) {
        let text = to_toml(&g);
        let sc = Scenario::from_toml(&text, Path::new("generated.toml")).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let opts = SolveOptions { time_limit: 60.0, ..SolveOptions::default() };
        match solve(&sc, &opts) {
            Ok(s) => {
                let v = check_roster(&sc, &s.roster);
                prop_assert!(v.is_empty(), "violations {v:#?}\n{text}");
                let own = evaluate(&sc, &s.roster);
                prop_assert!((own.total() - s.objective).abs() < 1e-6, "checker says {}, solver {}\n{text}", own.total(), s.objective);
                prop_assert!(s.bound <= s.objective + 1e-6);
                // The counting bound holds for every roster: never above a proven optimum
                // (the roster's bound is capped at its objective, so this is the check).
                if s.status == Status::Optimal {
                    let counted = counting_bound(&sc);
                    prop_assert!(counted <= s.objective + 1e-6, "counted {counted} above the optimum {}\n{text}", s.objective);
                }
                // The weighted terms are the weights times the spreads the summary prints.
                prop_assert_eq!(own.fair_nights, sc.weights.fair_nights * f64::from(own.night_spread));
                prop_assert_eq!(own.fair_weekends, sc.weights.fair_weekends * f64::from(own.weekend_spread));
                prop_assert_eq!(s.breakdown.night_spread, own.night_spread);
                prop_assert_eq!(s.breakdown.weekend_spread, own.weekend_spread);
            }
            Err(SolveError::Infeasible(d)) => {
                prop_assert!(d.total_short > 0 && !d.conflicts.is_empty(), "empty diagnosis\n{text}");
            }
            // The clock, on a loaded machine: no roster to judge, and no claim made.
            Err(SolveError::NoSolutionInTime(..)) => {}
            Err(e) => prop_assert!(false, "{e}\n{text}"),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: None, ..ProptestConfig::default() })]

    /// Exit 3 ("no roster exists") needs a proof: a diagnosis with a positive shortfall,
    /// and the month is really infeasible (a solve with all the time it needs agrees).
    /// A short limit may end in a roster or in "no roster within the limit", nothing else.
    #[test]
    fn a_short_time_limit_never_claims_that_no_roster_exists(
        g in scenarios(),
        limit in prop::sample::select(vec![0.001, 0.02, 0.1, 0.5]),
    ) {
        let text = to_toml(&g);
        let sc = Scenario::from_toml(&text, Path::new("generated.toml")).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let opts = SolveOptions { time_limit: limit, ..SolveOptions::default() };
        match solve(&sc, &opts) {
            Ok(s) => {
                let v = check_roster(&sc, &s.roster);
                prop_assert!(v.is_empty(), "violations {v:#?}\n{text}");
            }
            Err(SolveError::NoSolutionInTime(..)) => {}
            Err(SolveError::Infeasible(d)) => {
                prop_assert!(d.total_short > 0 && !d.conflicts.is_empty(), "empty diagnosis\n{text}");
                let patient = SolveOptions { time_limit: 120.0, ..SolveOptions::default() };
                prop_assert!(
                    matches!(solve(&sc, &patient), Err(SolveError::Infeasible(_))),
                    "said infeasible under {limit} s, but a roster exists\n{text}"
                );
            }
            Err(e) => prop_assert!(false, "{e}\n{text}"),
        }
    }
}
