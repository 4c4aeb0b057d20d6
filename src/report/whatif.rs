//! Text for the what-if commands: swap verdicts with both people's weeks, candidate lists,
//! leave verdicts and repair change lists.

use crate::model::Scenario;
use crate::whatif::{Candidate, LeaveOutcome, Repair, SwapOutcome};
use chrono::{Datelike, NaiveDate};
use comfy_table::{ContentArrangement, Table};
use unicode_width::UnicodeWidthStr;

/// The widest line the what-if text prints, in display columns (a CJK character takes two):
/// readable in a 100-column terminal or a pasted chat message.
pub const TEXT_WIDTH: usize = 100;

fn table() -> Table {
    let mut t = Table::new();
    t.set_content_arrangement(ContentArrangement::Dynamic);
    t.set_width(TEXT_WIDTH as u16);
    t
}

/// Breaks text at spaces so no line is wider than `TEXT_WIDTH` display columns; continued
/// lines start with `indent`. A word wider than a line is broken where it must be.
fn wrap(text: &str, indent: &str) -> String {
    use unicode_width::UnicodeWidthChar;
    let mut lines = Vec::new();
    for line in text.lines() {
        let lead = line.len() - line.trim_start_matches(' ').len();
        let mut cur = line[..lead].to_string();
        // `cur` holds only indentation: the next word goes on it whatever its width.
        let mut fresh = true;
        for word in line[lead..].split(' ').filter(|w| !w.is_empty()) {
            if !fresh && cur.width() + 1 + word.width() > TEXT_WIDTH {
                lines.push(std::mem::replace(&mut cur, indent.to_string()));
                fresh = true;
            }
            if !fresh {
                cur.push(' ');
            }
            for ch in word.chars() {
                if !fresh && cur.width() + ch.width().unwrap_or(0) > TEXT_WIDTH {
                    lines.push(std::mem::replace(&mut cur, indent.to_string()));
                }
                cur.push(ch);
                fresh = false;
            }
        }
        lines.push(cur);
    }
    lines.join("\n")
}

fn who(sc: &Scenario, id: &str) -> String {
    sc.staff_by_id(id)
        .map_or_else(|| id.to_string(), |i| sc.who(i))
}

fn shift_label(sc: &Scenario, code: &str) -> String {
    sc.shift_by_code(code)
        .map(|k| sc.shifts[k].label().to_string())
        .unwrap_or_else(|| code.to_string())
}

pub fn swap_text(sc: &Scenario, o: &SwapOutcome) -> String {
    let s = &o.swap;
    let mut out = format!(
        "{}: {} gives {} {} to {}",
        if o.accepted { "accepted" } else { "rejected" },
        who(sc, &s.a),
        shift_label(sc, &s.shift),
        s.date,
        who(sc, &s.b)
    );
    match (s.return_date, &s.return_shift) {
        (Some(d), Some(k)) => out.push_str(&format!(
            "; {} returns {} {d}",
            who(sc, &s.b),
            shift_label(sc, k)
        )),
        _ => out.push_str("; the return is pending"),
    }
    let mut out = wrap(&out, "  ");
    out.push('\n');
    if !o.violations.is_empty() {
        out.push_str(&bullets(&o.violations));
    }
    // One table per Monday-to-Sunday week, so two weeks never make a line too wide.
    let dates = o.weeks.first().map(|w| w.dates.clone()).unwrap_or_default();
    let mut weeks: Vec<Vec<usize>> = Vec::new();
    for (n, d) in dates.iter().enumerate() {
        match weeks.last_mut() {
            Some(w) if d.iso_week() == dates[w[0]].iso_week() => w.push(n),
            _ => weeks.push(vec![n]),
        }
    }
    let tables: Vec<String> = weeks
        .iter()
        .map(|cols| {
            let mut t = table();
            let mut header = vec![if o.accepted { "" } else { "(if it went ahead)" }.to_string()];
            header.extend(cols.iter().map(|&n| day_header(&dates[n])));
            t.set_header(header);
            for w in &o.weeks {
                let name = if w.name.is_empty() { &w.staff } else { &w.name };
                for (tag, cells) in [("before", &w.before), ("after", &w.after)] {
                    let mut row = vec![format!("{name} {tag}")];
                    row.extend(cols.iter().map(|&n| cells[n].clone()));
                    t.add_row(row);
                }
            }
            t.to_string()
        })
        .collect();
    out.push_str(&tables.join("\n"));
    out
}

fn day_header(d: &NaiveDate) -> String {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    format!(
        "{:02}-{:02} {}",
        d.month(),
        d.day(),
        DAYS[d.weekday().num_days_from_monday() as usize]
    )
}

pub fn candidates_table(sc: &Scenario, staff: &str, date: NaiveDate, list: &[Candidate]) -> String {
    if list.is_empty() {
        return format!(
            "nobody can take the shift of {} on {date} under the swap rules",
            who(sc, staff)
        );
    }
    let mut t = table();
    t.set_header(vec![
        "#",
        "who",
        "one-way",
        "fairness drift",
        "rest margin h",
        "return dates accepted",
    ]);
    for (n, c) in list.iter().enumerate() {
        let returns: Vec<String> = c
            .returns
            .iter()
            // A no-break space keeps "12-21 D" together when the column wraps.
            .map(|r| format!("{}\u{a0}{}", &r.date.to_string()[5..], r.shift))
            .collect();
        t.add_row(vec![
            (n + 1).to_string(),
            who(sc, &c.staff),
            if c.one_way { "yes" } else { "no" }.into(),
            format!("{:+}", c.fairness_drift),
            c.rest_margin_hours
                .map(|h| format!("{h:.1}"))
                .unwrap_or_else(|| "-".into()),
            if returns.is_empty() {
                "none".into()
            } else {
                returns.join(", ")
            },
        ]);
    }
    format!(
        "who could take the shift of {} on {date} (best first):\n{t}",
        who(sc, staff)
    )
}

pub fn leave_text(sc: &Scenario, o: &LeaveOutcome) -> String {
    let affected: Vec<String> = o
        .affected
        .iter()
        .map(|a| format!("{} {}", shift_label(sc, &a.shift), a.date))
        .collect();
    let head = format!(
        "{}: {} leave for {} from {} to {} ({} day(s)); rostered shifts affected: {}",
        if o.accepted { "accepted" } else { "rejected" },
        o.kind.name(),
        who(sc, &o.staff),
        o.from,
        o.to,
        o.days,
        if affected.is_empty() {
            "none".into()
        } else {
            affected.join(", ")
        }
    );
    let mut out = wrap(&head, "  ");
    out.push('\n');
    out.push_str(&bullets(&o.violations));
    out
}

/// One line per broken rule: ID, who, when, then the sentence.
fn bullets(vs: &[crate::rules::Violation]) -> String {
    let mut out = String::new();
    for v in vs {
        let at: Vec<String> = [
            v.staff.clone(),
            v.date.map(|d| d.to_string()),
            v.shift.clone(),
        ]
        .into_iter()
        .flatten()
        .collect();
        let line = format!("  {} [{}]: {}", v.rule, at.join(" "), v.message);
        out.push_str(&wrap(&line, "      "));
        out.push('\n');
    }
    out
}

pub fn repair_text(r: &Repair) -> String {
    let mut out = String::new();
    if !r.broken.is_empty() {
        let rules: std::collections::BTreeSet<&str> =
            r.broken.iter().map(|v| v.rule.as_str()).collect();
        out.push_str(&wrap(
            &format!(
                "with the leave granted the roster breaks {} rule(s) ({}); repair:",
                r.broken.len(),
                rules.into_iter().collect::<Vec<_>>().join(", ")
            ),
            "  ",
        ));
        out.push('\n');
    }
    if let Some(t) = r.frozen_before {
        out.push_str(&format!(
            "shifts reporting before {} are kept as rostered\n",
            t.format("%Y-%m-%d %H:%M")
        ));
    }
    out.push_str(&format!(
        "{} changed day(s), {} shift assignment(s) added or removed ({}, {:.2} s)",
        r.changes.len(),
        r.changed_cells,
        r.status.name(),
        r.seconds
    ));
    if r.changes.is_empty() {
        out.push_str(": none needed");
    }
    for c in &r.changes {
        out.push('\n');
        out.push_str(&wrap(&format!("  {}", c.message), "    "));
    }
    out
}
