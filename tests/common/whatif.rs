//! Shared by the whatif_* tests: small scenarios built inline and rosters written by hand.
#![allow(dead_code)]

use roster::model::{Assignment, Roster, Scenario, Swap};
use std::path::Path;

/// A scenario where only the per-person rules bite: no demand, no lead or grade minimums,
/// no load bounds. Staff: S01 and S02 senior team leads, S03 intermediate, S04 senior,
/// S05 senior QA. S02 has approved leave on 2026-12-20; 2026-12-25 is a holiday.
pub const FREE: &str = r#"
name = "free"
month = "2026-12"
[rules]
leads_per_shift = 0
max_swaps_per_month = 2
[calendar]
holidays = ["2026-12-25"]
[[shift]]
code = "D"
name = "日班"
start = "08:00"
end = "16:00"
[[shift]]
code = "N"
name = "夜班"
start = "22:00"
end = "08:00"
[[seat]]
code = "189"
min_grade = "junior"
[[team]]
code = "A"
lead = "S01"
[[team]]
code = "B"
lead = "S02"
[[staff]]
id = "S01"
name = "王芳"
grade = "senior"
team = "A"
[[staff]]
id = "S02"
name = "李强"
grade = "senior"
team = "B"
[[staff]]
id = "S03"
name = "张伟"
grade = "intermediate"
team = "A"
[[staff]]
id = "S04"
name = "刘洋"
grade = "senior"
team = "B"
[[staff]]
id = "S05"
name = "陈静"
grade = "senior"
team = "A"
job = "qa"
[[mix]]
shift = "*"
grade = "junior"
min = 0
[[leave]]
id = "L1"
staff = "S02"
from = "2026-12-20"
to = "2026-12-20"
kind = "annual"
requested_at = "2026-11-01T09:00"
approved_by = "dept_head"
"#;

pub fn scenario(text: &str) -> Scenario {
    Scenario::from_toml(text, Path::new("test.toml")).expect("valid scenario")
}

pub fn free() -> Scenario {
    scenario(FREE)
}

/// `("S01", "2026-12-10", "D")` triples, all at seat 189.
pub fn roster(month: &str, duties: &[(&str, &str, &str)]) -> Roster {
    Roster {
        month: month.into(),
        assignments: duties
            .iter()
            .map(|&(s, d, k)| Assignment {
                staff: s.into(),
                date: d.parse().expect("date"),
                shift: k.into(),
                seat: "189".into(),
            })
            .collect(),
        swaps: Vec::new(),
        leave: Vec::new(),
        solver: None,
    }
}

pub fn swap(a: &str, b: &str, date: &str, shift: &str) -> Swap {
    Swap {
        a: a.into(),
        b: b.into(),
        date: date.parse().expect("date"),
        shift: shift.into(),
        return_date: None,
        return_shift: None,
    }
}

pub fn date(s: &str) -> chrono::NaiveDate {
    s.parse().expect("date")
}

pub fn tiny_path() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/whatif/leads-and-juniors.toml")
}

pub fn tiny() -> Scenario {
    Scenario::load(&tiny_path()).expect("tiny scenario")
}

/// The tiny scenario's optimal roster, solved once per test binary.
pub fn tiny_roster() -> &'static Roster {
    static R: std::sync::OnceLock<Roster> = std::sync::OnceLock::new();
    R.get_or_init(|| {
        let sc = tiny();
        let opts = roster::solve::SolveOptions {
            time_limit: 60.0,
            ..Default::default()
        };
        roster::solve::solve(&sc, &opts)
            .expect("tiny solves")
            .roster
    })
}
