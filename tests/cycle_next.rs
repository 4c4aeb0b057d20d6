//! `roster next` (issue 12.1/12.3): December solved, a swap applied, January written and
//! solved, and every rest and consecutive-day rule holds across the boundary when checked
//! against the December roster itself; history and prior as properties over rosters.

use crate::common;

use assert_cmd::Command;
use chrono::{NaiveDate, TimeDelta};
use common::*;
use proptest::prelude::*;
use roster::cycle::next::{history_reach_days, month_after};
use roster::cycle::next_month;
use roster::model::{DayType, Month, Roster, Scenario};
use roster::whatif::{SwapRequest, candidates, check_swap};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn roster_cmd() -> Command {
    Command::cargo_bin("roster").unwrap()
}

/// Every (date, shift) a person works in either roster, in date order.
fn worked(rosters: &[&Roster], staff: &str) -> Vec<(NaiveDate, String)> {
    let mut out: Vec<(NaiveDate, String)> = rosters
        .iter()
        .flat_map(|r| r.assignments.iter())
        .filter(|a| a.staff == staff)
        .map(|a| (a.date, a.shift.clone()))
        .collect();
    out.sort();
    out
}

/// The longest run of consecutive dates in `dates` that reaches into `month`.
fn longest_run_into(dates: &BTreeSet<NaiveDate>, month: Month) -> u32 {
    let (mut best, mut run, mut prev) = (0, 0, None::<NaiveDate>);
    for &d in dates {
        run = if prev == Some(d - TimeDelta::days(1)) {
            run + 1
        } else {
            1
        };
        prev = Some(d);
        if month.contains(d) {
            best = best.max(run);
        }
    }
    best
}

/// An accepted swap on one of December's last two days, applied.
fn swap_at_the_end(sc: &Scenario, dec: &Roster) -> (Roster, String, NaiveDate, String) {
    for day in ["2026-12-31", "2026-12-30"] {
        let d = date(day);
        for a in dec.assignments.iter().filter(|a| a.date == d) {
            let giver = sc.staff_by_id(&a.staff).unwrap();
            for c in candidates(sc, dec, giver, d).unwrap() {
                if !c.one_way {
                    continue;
                }
                let req = SwapRequest {
                    a: giver,
                    date: d,
                    b: sc.staff_by_id(&c.staff).unwrap(),
                    return_date: None,
                    approved: true,
                };
                let out = check_swap(sc, dec, &req).unwrap();
                if let (true, Some(r)) = (out.accepted, out.roster) {
                    return (r, c.staff.clone(), d, a.shift.clone());
                }
            }
        }
    }
    panic!("no one-way swap on the last two days of December");
}

#[test]
fn december_then_next_then_january_holds_every_rule_across_the_boundary() {
    let dir = tempfile::tempdir().unwrap();
    let dec_path = root().join("scenarios/seed-2026-12.toml");
    let dec_sc = Scenario::load(&dec_path).unwrap();
    let solved_dec = solved(&dec_sc);
    let (dec, taker, swap_date, swap_shift) = swap_at_the_end(&dec_sc, &solved_dec);
    assert!(dec.swaps.len() == 1 && rules_broken(&dec_sc, &dec).is_empty());
    let dec_file = dir.path().join("dec.roster.json");
    std::fs::write(&dec_file, dec.to_json()).unwrap();
    let jan_file = dir.path().join("jan.toml");

    let out = roster_cmd()
        .arg("next")
        .arg(&dec_path)
        .arg(&dec_file)
        .args(["--month", "2027-01", "--out"])
        .arg(&jan_file)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("2027"),
        "the 2027 calendar warning: {stderr}"
    );

    let jan_sc = Scenario::load(&jan_file).unwrap();
    assert_eq!(jan_sc.month.to_string(), "2027-01");
    assert!(
        jan_sc.prior.is_empty(),
        "a new year starts its counts afresh"
    );
    assert!(
        jan_sc.holidays.contains(&date("2027-01-01")),
        "the seed's own holiday"
    );
    // The swap's taker has the given shift in January's history.
    let k = jan_sc.shift_by_code(&swap_shift).unwrap();
    let t = jan_sc.staff_by_id(&taker).unwrap();
    assert!(
        jan_sc
            .history
            .iter()
            .any(|h| h.staff == t && h.date == swap_date && h.shift == k),
        "{taker} took {swap_shift} on {swap_date}"
    );
    // History is exactly December's last days as worked.
    let reach = history_reach_days(&dec_sc) as i64;
    let from = date("2027-01-01") - TimeDelta::days(reach);
    let expected: BTreeSet<(String, NaiveDate, String)> = dec
        .assignments
        .iter()
        .filter(|a| a.date >= from)
        .map(|a| (a.staff.clone(), a.date, a.shift.clone()))
        .collect();
    let history: BTreeSet<(String, NaiveDate, String)> = jan_sc
        .history
        .iter()
        .map(|h| {
            (
                jan_sc.staff[h.staff].id.clone(),
                h.date,
                jan_sc.shifts[h.shift].code.clone(),
            )
        })
        .collect();
    assert_eq!(history, expected);

    let jan = solved(&jan_sc);
    let month = jan_sc.month;
    let rules = &jan_sc.rules;
    for person in &jan_sc.staff {
        let shifts = worked(&[&dec, &jan], &person.id);
        for pair in shifts.windows(2) {
            let a = (pair[0].0, jan_sc.shift_by_code(&pair[0].1).unwrap());
            let b = (pair[1].0, jan_sc.shift_by_code(&pair[1].1).unwrap());
            if month.contains(b.0) {
                assert!(
                    !jan_sc.too_little_rest(a, b),
                    "{}: {:?} then {:?}",
                    person.id,
                    pair[0],
                    pair[1]
                );
            }
        }
        let days: BTreeSet<NaiveDate> = shifts.iter().map(|s| s.0).collect();
        let nights: BTreeSet<NaiveDate> = shifts
            .iter()
            .filter(|s| jan_sc.shifts[jan_sc.shift_by_code(&s.1).unwrap()].night)
            .map(|s| s.0)
            .collect();
        assert!(longest_run_into(&days, month) <= rules.effective_max_consecutive_days());
        assert!(longest_run_into(&nights, month) <= rules.max_consecutive_nights);
    }
}

#[test]
fn a_roster_that_breaks_rules_is_refused_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let sc_path = root().join("scenarios/tiny.toml");
    let sc = Scenario::load(&sc_path).unwrap();
    let empty = roster(&sc, Vec::new());
    let file = dir.path().join("empty.json");
    std::fs::write(&file, empty.to_json()).unwrap();
    let out_file = dir.path().join("jan.toml");
    let run = |force: bool| {
        let mut cmd = roster_cmd();
        cmd.arg("next")
            .arg(&sc_path)
            .arg(&file)
            .args(["--month", "2027-01", "--out"]);
        cmd.arg(&out_file);
        if force {
            cmd.arg("--force");
        }
        cmd.output().unwrap()
    };
    let refused = run(false);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("ROSTER-COVER"));
    assert!(!out_file.exists(), "nothing written");
    let forced = run(true);
    assert_eq!(
        forced.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&forced.stderr)
    );
    let said = String::from_utf8_lossy(&forced.stdout);
    assert!(
        said.contains("carried") && said.contains("history"),
        "{said}"
    );
    assert!(String::from_utf8_lossy(&forced.stderr).contains("--force"));
    assert!(Scenario::load(&out_file).is_ok());
}

#[test]
fn a_month_that_is_not_the_next_is_bad_input() {
    let sc_path = root().join("scenarios/tiny.toml");
    let out = roster_cmd()
        .arg("next")
        .arg(&sc_path)
        .arg(&sc_path)
        .args(["--month", "2027-03"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// tiny.toml in October 2026 with the CN calendar and some prior counts, requests and
/// leave spread over October and November.
fn tiny_october() -> (String, Scenario) {
    let text = std::fs::read_to_string(root().join("scenarios/tiny.toml"))
        .unwrap()
        .replace("month = \"2026-12\"", "month = \"2026-10\"")
        .replace("holidays = []\nworkdays = []", "country = \"CN\"")
        .replace("2026-12-", "2026-10-")
        .replace("2026-11-30", "2026-09-30")
        .replace("2026-11-20T", "2026-09-20T");
    let text = format!(
        "{text}\n[[prior]]\nstaff = \"S01\"\nnights = 12\nweekends = 3\nholidays = 2\n\n[[leave]]\nid = \"L9\"\nstaff = \"S03\"\nfrom = \"2026-10-30\"\nto = \"2026-10-31\"\nkind = \"annual\"\napproved_by = \"lead\"\n"
    );
    let sc =
        Scenario::from_toml(&text, Path::new("tiny-oct.toml")).unwrap_or_else(|e| panic!("{e}"));
    (text, sc)
}

fn arbitrary_roster(sc: &Scenario, cells: &[(usize, usize, usize)]) -> Roster {
    let mut seen = BTreeSet::new();
    let assignments = cells
        .iter()
        .filter(|(i, d, _)| seen.insert((*i, *d)))
        .map(|&(i, d, k)| {
            assign(
                &sc.staff[i].id,
                sc.date(d),
                &sc.shifts[k].code,
                &sc.seats[0].code,
            )
        })
        .collect();
    roster(sc, assignments)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// Whatever the roster, `next` writes exactly its last days as history and adds its
    /// night, weekend and holiday counts to the prior rows; dated rows outside the new
    /// month are gone.
    #[test]
    fn history_and_prior_are_the_rosters_own(
        cells in proptest::collection::vec((0usize..8, 0usize..31, 0usize..2), 0..120)
    ) {
        let (text, sc) = tiny_october();
        let r = arbitrary_roster(&sc, &cells);
        let nov = month_after(sc.month);
        let next = next_month(&text, Path::new("tiny-oct.toml"), &sc, &r, nov, Path::new("nov.toml")).unwrap();
        let n = &next.scenario;
        let reach = history_reach_days(&sc) as usize;
        let expected: BTreeSet<(String, NaiveDate, String)> = r
            .assignments
            .iter()
            .filter(|a| sc.month.day_index(a.date).unwrap() >= sc.days() - reach)
            .map(|a| (a.staff.clone(), a.date, a.shift.clone()))
            .collect();
        let history: BTreeSet<(String, NaiveDate, String)> = n
            .history
            .iter()
            .map(|h| (n.staff[h.staff].id.clone(), h.date, n.shifts[h.shift].code.clone()))
            .collect();
        prop_assert_eq!(history, expected);

        let mut counts: BTreeMap<String, [u32; 3]> = BTreeMap::new();
        counts.insert("S01".into(), [12, 3, 2]);
        for a in &r.assignments {
            let c = counts.entry(a.staff.clone()).or_default();
            if sc.shifts[sc.shift_by_code(&a.shift).unwrap()].night { c[0] += 1; }
            match sc.day_type(a.date) {
                DayType::Weekend => c[1] += 1,
                DayType::Holiday => c[2] += 1,
                DayType::Weekday => {}
            }
        }
        for p in &n.prior {
            let want = counts.get(&n.staff[p.staff].id).copied().unwrap_or_default();
            prop_assert_eq!([p.nights, p.weekends, p.holidays], want);
        }
        prop_assert_eq!(n.prior.len(), n.staff.len());
        prop_assert!(n.requests.is_empty(), "October's requests stay in October");
        prop_assert!(n.leave.iter().all(|l| l.to >= nov.first_day() && nov.contains(l.from.max(nov.first_day()))));
        prop_assert!(n.warnings.iter().all(|w| !w.contains("[calendar]")), "{:?}", n.warnings);
    }
}

#[test]
fn leave_reaching_into_the_new_month_is_carried_whole() {
    let (text, _) = tiny_october();
    let text = text.replace("to = \"2026-10-31\"", "to = \"2026-11-03\"");
    let sc = Scenario::from_toml(&text, Path::new("t.toml")).unwrap();
    let mut r = roster(&sc, Vec::new());
    r.leave.push(roster::model::GrantedLeave {
        id: "G1".into(),
        staff: "S04".into(),
        from: date("2026-10-29"),
        to: date("2026-11-02"),
        kind: roster::model::LeaveKind::Sick,
        requested_at: None,
        filed_by: None,
        approved_by: roster::model::Approver::Lead,
        certificate: true,
        emergency: false,
    });
    let next = next_month(
        &text,
        Path::new("t.toml"),
        &sc,
        &r,
        month_after(sc.month),
        Path::new("n.toml"),
    )
    .unwrap();
    let ids: Vec<(&str, NaiveDate, NaiveDate)> = next
        .scenario
        .leave
        .iter()
        .map(|l| (l.id.as_str(), l.from, l.to))
        .collect();
    assert_eq!(
        ids,
        [
            ("L9", date("2026-10-30"), date("2026-11-03")),
            ("G1", date("2026-10-29"), date("2026-11-02"))
        ],
        "October's own leave L1 stays behind"
    );
    assert_eq!(next.carried.leave, 2);
}
