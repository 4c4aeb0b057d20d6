//! `roster export` and `roster new` (issue 12.4): the workbook reads back (calamine) with
//! every assignment, in the grid and the list; the .ics files parse back with every shift
//! in Asia/Shanghai time; outputs are checked before anything is written; staff sheets in
//! either language build a scenario, and a bad row exits 2 naming sheet, row and column.

use crate::common;

use assert_cmd::Command;
use calamine::{Data, Reader, open_workbook_auto};
use chrono::{NaiveDateTime, TimeDelta};
use common::*;
use icalendar::{CalendarDateTime, Component, DatePerhapsTime};
use proptest::prelude::*;
use roster::export::{MonthRoster, ics, xlsx};
use roster::model::{Roster, Scenario};
use std::collections::BTreeSet;
use std::path::Path;

fn roster_cmd() -> Command {
    Command::cargo_bin("roster").unwrap()
}

fn tiny() -> Scenario {
    load("scenarios/tiny.toml")
}

fn arbitrary_roster(sc: &Scenario, cells: &[(usize, usize, usize, usize)]) -> Roster {
    let mut seen = BTreeSet::new();
    let assignments = cells
        .iter()
        .filter(|(i, d, _, _)| seen.insert((*i, *d)))
        .map(|&(i, d, k, s)| {
            assign(
                &sc.staff[i].id,
                sc.date(d),
                &sc.shifts[k].code,
                &sc.seats[s].code,
            )
        })
        .collect();
    roster(sc, assignments)
}

fn text(d: Option<&Data>) -> String {
    match d {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Float(f)) => format!("{f}"),
        Some(Data::Empty) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn read_back(sc: &Scenario, r: &Roster) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.xlsx");
    std::fs::write(&path, xlsx::workbook(&MonthRoster::new(sc, r)).unwrap()).unwrap();
    let mut book = open_workbook_auto(&path).unwrap();
    let names = book.sheet_names();
    assert_eq!(names.len(), 2 + sc.teams.len(), "{names:?}");
    let month = book.worksheet_range(xlsx::MONTH_SHEET).unwrap();
    let list = book.worksheet_range(xlsx::LIST_SHEET).unwrap();
    for (row, person) in sc.staff.iter().enumerate() {
        let row = xlsx::HEADER_ROWS + row as u32;
        assert_eq!(text(month.get_value((row, 0))), person.id);
        for (d, date) in sc.month_dates().into_iter().enumerate() {
            let cell = text(month.get_value((row, xlsx::column_of(date) as u32)));
            let shift = shift_on(r, &person.id, date);
            let want = match (&shift, sc.approved_leave_on(row as usize - 3, date)) {
                (Some(k), _) => k.clone(),
                (None, Some(_)) => "假".into(),
                (None, None) => String::new(),
            };
            assert_eq!(cell, want, "{} day {}", person.id, d + 1);
        }
    }
    let listed: BTreeSet<(String, String, String, String)> = (1..=r.assignments.len() as u32)
        .map(|row| {
            let c = |col| text(list.get_value((row, col)));
            (c(0), c(2), c(3), c(4))
        })
        .collect();
    let want: BTreeSet<(String, String, String, String)> = r
        .assignments
        .iter()
        .map(|a| {
            (
                a.staff.clone(),
                a.date.to_string(),
                a.shift.clone(),
                a.seat.clone(),
            )
        })
        .collect();
    assert_eq!(listed, want);
    // Each team's sheet lists that team's people.
    for (t, team) in sc.teams.iter().enumerate() {
        let name = names.iter().find(|n| n.starts_with(&team.code)).unwrap();
        let sheet = book.worksheet_range(name).unwrap();
        let ids: Vec<String> = (0..sc.staff.len() as u32)
            .map(|i| text(sheet.get_value((xlsx::HEADER_ROWS + i, 0))))
            .take_while(|s| !s.is_empty())
            .collect();
        let members: Vec<String> = sc
            .staff
            .iter()
            .filter(|p| p.team == Some(t))
            .map(|p| p.id.clone())
            .collect();
        assert_eq!(ids, members);
    }
}

fn parse_back(sc: &Scenario, r: &Roster) {
    let cals = ics::calendars(&MonthRoster::new(sc, r));
    assert_eq!(cals.len(), sc.staff.len());
    for cal in &cals {
        let parsed: icalendar::Calendar = cal.text.parse().unwrap();
        let mut got: BTreeSet<(NaiveDateTime, NaiveDateTime)> = BTreeSet::new();
        for e in parsed.events() {
            let at = |d: Option<DatePerhapsTime>| match d {
                Some(DatePerhapsTime::DateTime(CalendarDateTime::WithTimezone {
                    date_time,
                    tzid,
                })) => {
                    assert_eq!(tzid, "Asia/Shanghai");
                    date_time
                }
                other => panic!("not a TZID time: {other:?}"),
            };
            assert!(e.get_uid().is_some_and(|u| u.contains(&cal.staff)));
            got.insert((at(e.get_start()), at(e.get_end())));
        }
        let want: BTreeSet<(NaiveDateTime, NaiveDateTime)> = r
            .assignments
            .iter()
            .filter(|a| a.staff == cal.staff)
            .map(|a| {
                let s = &sc.shifts[sc.shift_by_code(&a.shift).unwrap()];
                let midnight = a.date.and_hms_opt(0, 0, 0).unwrap();
                (
                    midnight + TimeDelta::minutes(s.start as i64),
                    midnight + TimeDelta::minutes(s.end as i64),
                )
            })
            .collect();
        assert_eq!(got, want, "{}", cal.staff);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn workbook_and_calendars_hold_every_assignment(
        cells in proptest::collection::vec((0usize..8, 0usize..31, 0usize..2, 0usize..2), 0..150)
    ) {
        let sc = tiny();
        let r = arbitrary_roster(&sc, &cells);
        read_back(&sc, &r);
        parse_back(&sc, &r);
    }
}

#[test]
fn the_seed_month_reads_back_and_the_same_roster_gives_the_same_bytes() {
    let sc = load("scenarios/seed-2026-12.toml");
    let cells: Vec<(usize, usize, usize, usize)> = (0..45)
        .flat_map(|i| {
            (0..31)
                .filter(move |d| (i + d) % 3 != 0)
                .map(move |d| (i, d, (i + d) % 3, i % 3))
        })
        .collect();
    let r = arbitrary_roster(&sc, &cells);
    read_back(&sc, &r);
    parse_back(&sc, &r);
    let m = MonthRoster::new(&sc, &r);
    assert_eq!(xlsx::workbook(&m).unwrap(), xlsx::workbook(&m).unwrap());
    assert_eq!(ics::calendars(&m), ics::calendars(&m));
}

fn write_roster(dir: &Path, sc: &Scenario) -> std::path::PathBuf {
    let cells: Vec<(usize, usize, usize, usize)> = (0..8).map(|i| (i, i, i % 2, 0)).collect();
    let path = dir.join("r.json");
    std::fs::write(&path, arbitrary_roster(sc, &cells).to_json()).unwrap();
    path
}

#[test]
fn one_export_command_writes_every_output() {
    let dir = tempfile::tempdir().unwrap();
    let sc = tiny();
    let r = write_roster(dir.path(), &sc);
    let ics_dir = dir.path().join("ics");
    let out = roster_cmd()
        .arg("export")
        .arg(root().join("scenarios/tiny.toml"))
        .arg(&r)
        .arg("--json")
        .arg(dir.path().join("o.json"))
        .arg("--csv")
        .arg(dir.path().join("o.csv"))
        .arg("--xlsx")
        .arg(dir.path().join("o.xlsx"))
        .arg("--ics")
        .arg(&ics_dir)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = std::fs::read_to_string(dir.path().join("o.json")).unwrap();
    assert_eq!(json, std::fs::read_to_string(&r).unwrap());
    let csv = std::fs::read_to_string(dir.path().join("o.csv")).unwrap();
    assert_eq!(csv.lines().count(), 9);
    assert!(
        csv.starts_with("staff,name,date,shift,seat\nS01,赵敏,2026-12-01,D,189"),
        "{csv}"
    );
    assert_eq!(std::fs::read_dir(&ics_dir).unwrap().count(), 8);
    assert!(dir.path().join("o.xlsx").exists());
}

#[test]
fn an_unwritable_output_exits_2_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let sc = tiny();
    let r = write_roster(dir.path(), &sc);
    let out = roster_cmd()
        .arg("export")
        .arg(root().join("scenarios/tiny.toml"))
        .arg(&r)
        .arg("--xlsx")
        .arg(dir.path().join("o.xlsx"))
        .arg("--csv")
        .arg(dir.path().join("missing/o.csv"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--csv") && err.lines().count() == 1, "{err}");
    assert!(!dir.path().join("o.xlsx").exists(), "no partial output");
}

const CSV_ZH: &str = "工号,姓名,级别,班组,组长,岗位\nS01,赵敏,高级,A,是,agent\nS02,孙丽,senior,A,是,agent\nS03,周强,高级,B,是,\nS04,吴晓燕,高级,B,1,agent\nS05,郑洁,senior,A,否,agent\nS06,钱磊,senior,A,,agent\nS07,冯婷,初级,B,no,agent\nS09,新人,junior,B,,agent\n";

#[test]
fn a_csv_sheet_with_chinese_headers_builds_a_scenario_from_another() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("staff.csv");
    std::fs::write(&sheet, CSV_ZH).unwrap();
    let out_file = dir.path().join("jan.toml");
    let out = roster_cmd()
        .args(["new", "--staff"])
        .arg(&sheet)
        .args(["--month", "2027-01", "--from"])
        .arg(root().join("scenarios/tiny.toml"))
        .arg("--out")
        .arg(&out_file)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sc = Scenario::load(&out_file).unwrap();
    let ids: Vec<&str> = sc.staff.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        ["S01", "S02", "S03", "S04", "S05", "S06", "S07", "S09"]
    );
    assert_eq!(sc.staff[7].name, "新人");
    assert_eq!(sc.month.to_string(), "2027-01");
    assert!(sc.staff[3].lead && !sc.staff[5].lead);
    assert_eq!(sc.shifts.len(), 2, "shifts from --from");
    assert!(
        sc.requests.is_empty() && sc.history.is_empty(),
        "December's dated rows dropped"
    );
}

#[test]
fn an_xlsx_sheet_with_english_headers_builds_a_scenario_from_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("staff.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("Staff").unwrap();
    for (c, h) in ["ID", "Name", "Grade", "Team", "Lead", "Job"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for i in 0..10u32 {
        ws.write_number(i + 1, 0, 1001.0 + i as f64).unwrap();
        ws.write_string(i + 1, 1, format!("员工{i}")).unwrap();
        ws.write_string(i + 1, 2, if i < 4 { "senior" } else { "junior" })
            .unwrap();
        ws.write_string(i + 1, 3, if i % 2 == 0 { "A" } else { "B" })
            .unwrap();
        ws.write_string(i + 1, 4, if i < 4 { "yes" } else { "" })
            .unwrap();
    }
    book.save(&sheet).unwrap();
    let out_file = dir.path().join("new.toml");
    let out = roster_cmd()
        .args(["new", "--staff"])
        .arg(&sheet)
        .args(["--month", "2026-10", "--out"])
        .arg(&out_file)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sc = Scenario::load(&out_file).unwrap();
    assert_eq!(sc.staff.len(), 10);
    assert_eq!(sc.staff[0].id, "1001", "a numeric ID cell is its digits");
    assert_eq!(sc.teams.len(), 2);
    assert!(
        sc.holidays.contains(&date("2026-10-01")),
        "the CN calendar by default"
    );
    assert_eq!(sc.staff[9].job, "agent");
}

fn new_from_sheet(sheet: &Path) -> std::process::Output {
    roster_cmd()
        .args(["new", "--staff"])
        .arg(sheet)
        .args(["--month", "2027-01", "--out"])
        .arg(sheet.with_extension("toml"))
        .output()
        .unwrap()
}

#[test]
fn bad_staff_rows_exit_2_naming_sheet_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "S01,a,高级,A,是,agent\nS02,b,expert,A,否,agent\n",
            "row 3, column C (级别)",
            "expert",
        ),
        (
            "S01,a,高级,A,是,agent\nS01,b,初级,A,否,agent\n",
            "row 3, column A (工号)",
            "twice",
        ),
        (
            "S01,a,高级,A,maybe,agent\n",
            "row 2, column E (组长)",
            "maybe",
        ),
        (",a,高级,A,是,agent\n", "row 2, column A (工号)", "empty"),
    ];
    for (i, (rows, place, what)) in cases.iter().enumerate() {
        let sheet = dir.path().join(format!("bad{i}.csv"));
        std::fs::write(&sheet, format!("工号,姓名,级别,班组,组长,岗位\n{rows}")).unwrap();
        let out = new_from_sheet(&sheet);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains(&format!("sheet bad{i}.csv, {place}")) && err.contains(what),
            "{err}"
        );
        assert!(!sheet.with_extension("toml").exists());
    }
    // In a workbook: the sheet's own name.
    let sheet = dir.path().join("bad.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("员工").unwrap();
    for (c, h) in ["工号", "级别"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "S01").unwrap();
    ws.write_string(1, 1, "高级").unwrap();
    ws.write_string(2, 0, "S02").unwrap();
    ws.write_string(2, 1, "大师").unwrap();
    book.save(&sheet).unwrap();
    let out = new_from_sheet(&sheet);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("sheet 员工, row 3, column B (级别)"), "{err}");
}
