//! A small department for the chart tests: two teams with Chinese names, three shifts, a
//! public holiday, approved leave, one swap and one deliberate shortfall. The roster is
//! written by hand so the tests need no solver.
#![allow(dead_code)]

use roster::model::{Assignment, Roster, Scenario, Swap};
use std::path::Path;

pub const SCENARIO: &str = r#"
name = "客服部 测试"
month = "2026-12"
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
name = "业务受理"
min_grade = "junior"
[[seat]]
code = "96123"
name = "疑难处理"
min_grade = "senior"
[[team]]
code = "A"
name = "一班"
lead = "S01"
[[team]]
code = "B"
name = "二班"
lead = "S04"
[[staff]]
id = "S01"
name = "王芳"
grade = "senior"
team = "A"
[[staff]]
id = "S02"
name = "李娜"
grade = "junior"
team = "A"
[[staff]]
id = "S03"
name = "张伟"
grade = "junior"
team = "A"
[[staff]]
id = "S04"
name = "刘洋"
grade = "senior"
team = "B"
[[staff]]
id = "S05"
name = "陈静"
grade = "junior"
team = "B"
[[staff]]
id = "S06"
name = "杨敏"
grade = "junior"
team = "B"
[[demand]]
shift = "D"
seat = "189"
weekday = 1
weekend = 1
holiday = 1
[[demand]]
shift = "N"
seat = "189"
weekday = 1
weekend = 1
holiday = 1
[[leave]]
id = "L1"
staff = "S03"
from = "2026-12-08"
to = "2026-12-09"
kind = "annual"
requested_at = "2026-11-20T10:00"
filed_by = "S03"
approved_by = "centre_director"
"#;

pub const NAMES: [&str; 6] = ["王芳", "李娜", "张伟", "刘洋", "陈静", "杨敏"];

pub fn scenario() -> Scenario {
    Scenario::from_toml(SCENARIO, Path::new("test.toml")).expect("fixture scenario is valid")
}

/// Every day: a D shift and an N shift at seat 189, by rotation, and a lead at 96123 on
/// the day shift, except 2026-12-10 whose N shift is left empty (one seat short). S02 and
/// S05 swapped the D shift of the 12th (returned on the 14th).
pub fn roster() -> Roster {
    let sc = scenario();
    let mut assignments = Vec::new();
    let juniors = ["S02", "S03", "S05", "S06"];
    for d in 0..sc.days() {
        let date = sc.date(d);
        let lead = if d % 2 == 0 { "S01" } else { "S04" };
        let other_lead = if d % 2 == 0 { "S04" } else { "S01" };
        assignments.push(Assignment {
            staff: lead.into(),
            date,
            shift: "D".into(),
            seat: "96123".into(),
        });
        let mut free = juniors
            .iter()
            .copied()
            .filter(|&s| {
                sc.approved_leave_on(sc.staff_by_id(s).unwrap(), date)
                    .is_none()
            })
            .cycle()
            .skip(d % 3);
        let day = free.next().unwrap();
        let night = free.next().unwrap();
        assignments.push(Assignment {
            staff: day.into(),
            date,
            shift: "D".into(),
            seat: "189".into(),
        });
        if d + 1 != 10 {
            assignments.push(Assignment {
                staff: night.into(),
                date,
                shift: "N".into(),
                seat: "189".into(),
            });
            if d % 4 == 0 {
                assignments.push(Assignment {
                    staff: other_lead.into(),
                    date,
                    shift: "N".into(),
                    seat: "96123".into(),
                });
            }
        }
    }
    Roster {
        month: "2026-12".into(),
        assignments,
        swaps: vec![Swap {
            a: "S02".into(),
            b: "S05".into(),
            date: sc.date(11),
            shift: "D".into(),
            return_date: Some(sc.date(13)),
            return_shift: Some("D".into()),
        }],
        leave: Vec::new(),
        solver: None,
    }
}

/// Service level for two seat types over four intervals, two of 189's below target.
pub const SERVICE_JSON: &str = r#"[
 {"label": "189 业务受理, weekday", "target": 0.8, "answer_seconds": 20, "interval_minutes": 30, "confidence": 0.95,
  "points": [
   {"start_minute": 480, "mean": 0.85, "low": 0.80, "high": 0.90},
   {"start_minute": 510, "mean": 0.70, "low": 0.62, "high": 0.78},
   {"start_minute": 540, "mean": 0.75, "low": 0.70, "high": 0.81},
   {"start_minute": 570, "mean": 0.90, "low": 0.86, "high": 0.94}]},
 {"label": "96123 疑难处理, weekday", "target": 0.8, "interval_minutes": 30,
  "points": [
   {"start_minute": 480, "mean": 0.95, "low": 0.90, "high": 0.99},
   {"start_minute": 510, "mean": 0.92, "low": 0.88, "high": 0.96}]}
]"#;

/// Every `<text>` of an SVG, after checking that the SVG is well-formed XML.
pub fn svg_texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).expect("SVG is well-formed XML");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect()
}

pub fn has_text(texts: &[String], needle: &str) -> bool {
    texts.iter().any(|t| t.contains(needle))
}
