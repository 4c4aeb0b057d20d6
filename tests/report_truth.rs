//! The report states what is true of the roster it shows: the solver's words only while they
//! still hold (9.8), and a summary that leads with what fails, worst first, green only when
//! nothing fails (9.9). Properties over rosters edited at random from a solved one.

use crate::common::whatif as common;

use common::{tiny, tiny_roster};
use proptest::prelude::*;
use roster::model::{Roster, Scenario, Swap};
use roster::plot::{ServicePoint, ServiceSeries};
use roster::report::html::report_html;

/// One hand edit of a roster, as a planner might make it after solving.
#[derive(Debug, Clone)]
enum Edit {
    Remove(usize),
    OtherShift(usize),
    NextDay(usize),
    RecordSwap,
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        any::<usize>().prop_map(Edit::Remove),
        any::<usize>().prop_map(Edit::OtherShift),
        any::<usize>().prop_map(Edit::NextDay),
        Just(Edit::RecordSwap),
    ]
}

fn apply(sc: &Scenario, r: &mut Roster, e: &Edit) {
    let n = r.assignments.len();
    match *e {
        Edit::Remove(i) => {
            r.assignments.remove(i % n);
        }
        Edit::OtherShift(i) => {
            let a = &mut r.assignments[i % n];
            let k = sc.shift_by_code(&a.shift).unwrap();
            a.shift = sc.shifts[(k + 1) % sc.shifts.len()].code.clone();
        }
        Edit::NextDay(i) => {
            let a = &mut r.assignments[i % n];
            if let Some(d) = a.date.succ_opt().filter(|d| sc.month.contains(*d)) {
                a.date = d;
            }
        }
        Edit::RecordSwap => {
            let a = r.assignments[0].clone();
            r.swaps.push(Swap {
                a: a.staff.clone(),
                b: sc
                    .staff
                    .iter()
                    .find(|p| p.id != a.staff)
                    .unwrap()
                    .id
                    .clone(),
                date: a.date,
                shift: a.shift,
                return_date: None,
                return_shift: None,
            });
        }
    }
}

/// A number as the report prints it: whole numbers without decimals.
fn num(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.3}")
    }
}

/// The summary section of a report page.
fn summary(html: &str) -> &str {
    let start = html.find("<section id=\"summary\">").expect("a summary");
    let end = start + html[start..].find("</section>").unwrap();
    &html[start..end]
}

fn series() -> impl Strategy<Value = Vec<ServiceSeries>> {
    prop::collection::vec(
        (
            prop::collection::vec(0.0f64..=1.0, 1..8),
            prop_oneof![Just(0.8), Just(0.5)],
        )
            .prop_map(|(means, target)| ServiceSeries {
                label: "189 业务受理, weekday".into(),
                target,
                answer_seconds: Some(20.0),
                interval_minutes: 30,
                confidence: Some(0.95),
                points: means
                    .iter()
                    .enumerate()
                    .map(|(i, &m)| ServicePoint {
                        start_minute: 30 * i as u32,
                        mean: m,
                        low: (m - 0.05).max(0.0),
                        high: (m + 0.05).min(1.0),
                    })
                    .collect(),
            }),
        0..3,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// 9.8: whatever was edited after solving, the report never shows the solver's status
    /// beside an objective that is not this roster's, and says when the roster changed.
    #[test]
    fn the_report_never_shows_stale_solver_words(edits in prop::collection::vec(edit(), 0..4)) {
        let sc = tiny();
        let mut r = tiny_roster().clone();
        let saved = r.solver.clone().expect("a solved roster carries its solver block");
        prop_assert_eq!(saved.status.as_str(), "optimal");
        for e in &edits {
            apply(&sc, &mut r, e);
        }
        let html = report_html(&sc, &r, None).unwrap();
        let s = summary(&html);
        let now = roster::solve::evaluate(&sc, &r).total();
        let broken = !roster::rules::check_roster(&sc, &r).is_empty();
        let still_true = !broken && r.swaps.is_empty() && (now - saved.objective).abs() < 1e-6;
        if s.contains("optimal") {
            prop_assert!(still_true, "shows `optimal` for a changed roster (objective now {}): {}", now, s);
            prop_assert!(s.contains("solver (as solved)"), "{}", s);
        }
        if still_true {
            prop_assert!(s.contains("solver (as solved)"), "{}", s);
        } else {
            prop_assert!(s.contains("changed after solving"), "{}", s);
            prop_assert!(!s.contains("as solved"), "{}", s);
            let shown = format!("this roster's objective is {}", num(now));
            prop_assert!(s.contains(&shown), "no recomputed {} in {}", now, s);
        }
    }

    /// 9.9: a roster that breaks a rule, leaves a seat empty or simulates below target never
    /// gets a green summary; the failures come worst first (rules, then service, then
    /// under-cover; within each, the largest count first); green when nothing fails.
    #[test]
    fn the_summary_leads_with_what_fails_worst_first(
        edits in prop::collection::vec(edit(), 0..3),
        service in series(),
    ) {
        let sc = tiny();
        let mut r = tiny_roster().clone();
        for e in &edits {
            apply(&sc, &mut r, e);
        }
        let html = report_html(&sc, &r, Some(&service)).unwrap();
        let s = summary(&html);
        let broken = !roster::rules::check_roster(&sc, &r).is_empty();
        let below = service.iter().any(|x| x.points.iter().any(|p| p.mean < x.target));
        let short = roster::plot::CoverageChart::new(&sc, &r, None)
            .cells()
            .iter()
            .any(|c| c.short() > 0);
        let items: Vec<(usize, usize)> = s
            .match_indices("data-kind=\"")
            .map(|(i, _)| {
                let rest = &s[i + 11..];
                let kind = &rest[..rest.find('"').unwrap()];
                let c = &rest[rest.find("data-count=\"").unwrap() + 12..];
                let count: usize = c[..c.find('"').unwrap()].parse().unwrap();
                let rank = ["rule", "service", "cover"].iter().position(|k| *k == kind).unwrap();
                (rank, count)
            })
            .collect();
        if broken || below || short {
            prop_assert!(!s.contains("Nothing fails"), "green over failures: {}", s);
            prop_assert!(s.contains("What fails, worst first"), "{}", s);
            // Leads with what fails: the verdict comes before the facts table.
            prop_assert!(s.find("id=\"verdict\"").unwrap() < s.find("class=\"kv\"").unwrap());
            let first = items.first().map(|i| i.0);
            if broken {
                prop_assert_eq!(first, Some(0));
            } else if below {
                prop_assert_eq!(first, Some(1));
            } else {
                prop_assert_eq!(first, Some(2));
            }
            for w in items.windows(2) {
                prop_assert!(
                    w[0].0 < w[1].0 || (w[0].0 == w[1].0 && w[0].1 >= w[1].1),
                    "not worst first: {:?}",
                    items
                );
            }
        } else {
            prop_assert!(s.contains("Nothing fails"), "{}", s);
            prop_assert!(items.is_empty());
            prop_assert!(!s.contains("class=\"bad\""), "{}", s);
        }
    }
}
