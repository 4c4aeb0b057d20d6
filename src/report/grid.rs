use super::text::{pad, width};
use crate::model::{DayType, Roster, Scenario};
use chrono::Datelike;
use std::collections::HashMap;

/// The month as a person × day grid, grouped by team, each cell the shift code (`-` off,
/// `假` on approved leave). Names are CJK-aligned; a legend of shift codes follows.
pub fn roster_grid(sc: &Scenario, roster: &Roster) -> String {
    let days = sc.days();
    let mut cell: HashMap<(usize, usize), String> = HashMap::new();
    for a in &roster.assignments {
        if let (Some(i), Some(d)) = (sc.staff_by_id(&a.staff), sc.month.day_index(a.date)) {
            cell.insert((i, d), a.shift.clone());
        }
    }
    let code_w = sc
        .shifts
        .iter()
        .map(|s| width(&s.code))
        .max()
        .unwrap_or(1)
        .max(2);
    let name_w = (0..sc.staff.len())
        .map(|i| width(&super::person_label(sc, i)))
        .max()
        .unwrap_or(4)
        .max(4);

    let mut out = String::new();
    // Header: day of month, then weekday initials with weekends and holidays marked.
    out.push_str(&pad("", name_w));
    for d in 0..days {
        out.push(' ');
        out.push_str(&pad(&format!("{}", d + 1), code_w));
    }
    out.push_str("  n\n");
    out.push_str(&pad("", name_w));
    for d in 0..days {
        let date = sc.date(d);
        let mark = match sc.day_type(date) {
            DayType::Holiday => "节".to_string(),
            _ => ["一", "二", "三", "四", "五", "六", "日"]
                [date.weekday().num_days_from_monday() as usize]
                .to_string(),
        };
        out.push(' ');
        out.push_str(&pad(&mark, code_w));
    }
    out.push('\n');

    let order = super::staff_order(sc);
    let mut last_team = None;
    for i in order {
        let p = &sc.staff[i];
        if last_team != Some(p.team) {
            let team = p.team.map(|t| sc.teams[t].code.as_str()).unwrap_or("-");
            out.push_str(&format!("[{}]\n", team));
            last_team = Some(p.team);
        }
        out.push_str(&pad(&super::person_label(sc, i), name_w));
        let mut n = 0;
        for d in 0..days {
            out.push(' ');
            let c = match cell.get(&(i, d)) {
                Some(code) => {
                    n += 1;
                    code.clone()
                }
                None if sc.approved_leave_on(i, sc.date(d)).is_some() => "假".to_string(),
                None => "-".to_string(),
            };
            out.push_str(&pad(&c, code_w));
        }
        out.push_str(&format!(" {n:>2}\n"));
    }
    let legend: Vec<String> = sc
        .shifts
        .iter()
        .map(|s| {
            format!(
                "{}={} {}-{}",
                s.code,
                s.label(),
                crate::model::format_clock(s.start),
                crate::model::format_clock(s.end % 1440)
            )
        })
        .collect();
    out.push_str(&format!("{}  -=off  假=leave  ★=lead\n", legend.join("  ")));
    out
}
