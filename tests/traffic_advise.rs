//! `roster advise`: shrinkage rounded once per shift and seat type, and a warning whenever
//! the advised demand asks for more than the staff can work.

use std::path::Path;

use proptest::prelude::*;
use roster::model::Scenario;
use roster::traffic::advise::{self, AdviseOptions};
use roster::traffic::erlang;

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/traffic/three-seat-types.toml"
);

/// The fixture's shifts and seats with generated staff and hourly traffic.
fn scenario(staff: &[(u8, u32)], scale: f64, shrinkage: f64) -> Scenario {
    let text = std::fs::read_to_string(FIXTURE).unwrap();
    let head = &text[..text.find("[[staff]]").unwrap()];
    let grades = ["junior", "intermediate", "senior"];
    let mut out = head.to_string();
    for (i, (g, max)) in staff.iter().enumerate() {
        out.push_str(&format!(
            "[[staff]]\nid = \"P{i}\"\ngrade = \"{}\"\nlead = {}\nmin_shifts = 0\nmax_shifts = {max}\n",
            grades[*g as usize],
            i == 0
        ));
    }
    // a day profile peaking mid-morning, per seat type
    let profile: Vec<f64> = (0..24)
        .map(|h| {
            let x = (h as f64 - 10.0) / 5.0;
            0.3 + 30.0 * (-x * x).exp()
        })
        .collect();
    out.push_str(&format!(
        "[traffic]\ninterval_minutes = 60\nshrinkage = {shrinkage}\n"
    ));
    for (seat, aht, share) in [("189", 180, 1.0), ("180", 300, 0.4), ("96123", 420, 0.1)] {
        let calls: Vec<String> = profile
            .iter()
            .map(|c| format!("{:.2}", c * share * scale))
            .collect();
        out.push_str(&format!(
            "[[traffic.queue]]\nseat = \"{seat}\"\naht_seconds = {aht}\npatience_seconds = 200\nweekday = [{}]\n",
            calls.join(", ")
        ));
    }
    Scenario::from_toml(&out, Path::new("advise.toml")).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn advice_rounds_once_per_shift_and_warns_when_staff_cannot_work_it(
        staff in proptest::collection::vec((0u8..3, 1u32..24), 1..30),
        scale in 0.05f64..4.0,
        shrinkage in 0.0f64..0.6,
    ) {
        // the first person is the lead every scenario needs, so a senior
        let mut staff = staff;
        staff[0].0 = 2;
        let sc = scenario(&staff, scale, shrinkage);
        let opts = AdviseOptions { replications: 2, max_rounds: 1, ..AdviseOptions::default() };
        let advice = advise::advise(&sc, &opts).unwrap();
        // shifts of the fixture: N 00-08, D 08-16, E 16-24 (hourly intervals)
        let hours = |shift: &str| match shift {
            "N" => 0..8,
            "D" => 8..16,
            _ => 16..24,
        };
        for row in &advice.demand {
            for (d, day) in ["weekday", "weekend", "holiday"].iter().enumerate() {
                let heads = [row.weekday, row.weekend, row.holiday][d];
                // the shift-level need: its busiest hour's agents on the phones
                let need = advice
                    .intervals
                    .iter()
                    .filter(|i| i.day_type == *day && i.seat == row.seat)
                    .filter(|i| hours(&row.shift).contains(&i.time[..2].parse::<usize>().unwrap()))
                    .map(|i| i.agents)
                    .max()
                    .unwrap_or(0);
                prop_assert_eq!(row.agents[d], need);
                prop_assert!(heads >= need, "{:?}", row);
                prop_assert!(
                    heads <= erlang::scheduled_agents(need, shrinkage),
                    "{:?}: {} heads for {} agents at shrinkage {}", row, heads, need, shrinkage
                );
            }
        }
        // seat-shifts the month needs against what the staff can work, by grade level
        let mut needed = [0u64; 3];
        let mut busiest = 0u32;
        for day in 0..sc.days() {
            let d = match sc.day_type(sc.date(day)).name() {
                "weekday" => 0,
                "weekend" => 1,
                _ => 2,
            };
            let mut heads = 0;
            for row in &advice.demand {
                let h = [row.weekday, row.weekend, row.holiday][d];
                heads += h;
                let level = match row.seat.as_str() {
                    "189" => 0,
                    "180" => 1,
                    _ => 2,
                };
                for n in needed.iter_mut().take(level + 1) {
                    *n += h as u64;
                }
            }
            busiest = busiest.max(heads);
        }
        let short = (0..3).any(|g| {
            let available: u64 = staff
                .iter()
                .filter(|(grade, _)| *grade as usize >= g)
                .map(|(_, max)| *max as u64)
                .sum();
            needed[g] > available
        }) || busiest as usize > staff.len();
        prop_assert_eq!(
            !advice.warnings.iter().all(|w| !w.contains("seat-shifts") && !w.contains("heads on")),
            short,
            "{:?} needed {:?}", advice.warnings, needed
        );
    }
}

#[test]
fn heads_are_rounded_once_per_shift_from_the_summed_need() {
    // seats used to be rounded up per interval before the shift took its busiest one;
    // now the shift's summed need is divided by (1 − shrinkage) and rounded once
    let sc = scenario(&[(2, 23); 40], 1.0, 0.15);
    let opts = AdviseOptions {
        replications: 2,
        max_rounds: 1,
        ..AdviseOptions::default()
    };
    let advice = advise::advise(&sc, &opts).unwrap();
    for row in &advice.demand {
        let p = row.agents[0];
        assert!(row.weekday <= erlang::scheduled_agents(p, 0.15), "{row:?}");
    }
    // a peaked shift needs fewer heads than its peak ÷ (1 − shrinkage), since time off
    // goes to its quiet hours; a flat one needs the full ceil(peak ÷ (1 − shrinkage))
    assert_eq!(advise::shift_heads(3, 8 + 3 * 2, 8, 0.15), 3);
    assert_eq!(advise::shift_heads(1, 8, 8, 0.15), 2);
    assert_eq!(advise::shift_heads(2, 16, 8, 0.15), 3);
    assert_eq!(advise::shift_heads(0, 0, 8, 0.15), 0);
}
