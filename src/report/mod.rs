//! What people read: terminal tables with CJK text aligned, the roster grid, and the
//! summaries of solve and check. JSON output is the serde form of the library's types.

mod grid;
pub mod html;
mod nrp;
mod text;
pub mod traffic;
mod whatif;

pub use grid::roster_grid;
pub use nrp::nrp_summary;
pub use text::{pad, width};
pub use whatif::{candidates_table, leave_text, repair_text, swap_text};

pub use crate::model::display::{person_label, staff_order};

use crate::rules::Violation;
use crate::solve::{Diagnosis, Solved};
use comfy_table::{ContentArrangement, Table};

/// The solve summary: status, objective by term, proof, time and model size.
pub fn solve_summary(s: &Solved) -> String {
    let b = &s.breakdown;
    let mut t = Table::new();
    t.set_content_arrangement(ContentArrangement::Dynamic);
    t.set_header(vec!["", "value"]);
    t.add_row(vec!["status".to_string(), s.status.name().to_string()]);
    t.add_row(vec!["objective".to_string(), num(s.objective)]);
    t.add_row(vec!["  requests not met".to_string(), num(b.requests)]);
    // The spread and its weighted cost on separate rows: one number for both read as a
    // spread of 20 nights where the spread is 4 and the weight 5.
    t.add_row(vec![
        "  night fairness, weighted cost".to_string(),
        num(b.fair_nights),
    ]);
    t.add_row(vec![
        "    spread (max-min nights per person)".to_string(),
        b.night_spread.to_string(),
    ]);
    t.add_row(vec![
        "  weekend fairness, weighted cost".to_string(),
        num(b.fair_weekends),
    ]);
    t.add_row(vec![
        "    spread (max-min weekend/holiday shifts)".to_string(),
        b.weekend_spread.to_string(),
    ]);
    t.add_row(vec!["  over-cover".to_string(), num(b.over_cover)]);
    t.add_row(vec!["best bound".to_string(), num(s.bound)]);
    let gap = if s.gap.is_nan() {
        "unknown (the backend reports no bound)".to_string()
    } else {
        format!("{:.2} %", s.gap * 100.0)
    };
    t.add_row(vec!["gap".to_string(), gap]);
    t.add_row(vec!["seconds".to_string(), format!("{:.2}", s.seconds)]);
    t.add_row(vec![
        "model".to_string(),
        format!(
            "{} variables ({} shift), {} constraints",
            s.size.variables, s.size.shift_variables, s.size.constraints
        ),
    ]);
    t.to_string()
}

pub fn violations_table(v: &[Violation]) -> String {
    let mut t = Table::new();
    t.set_content_arrangement(ContentArrangement::Dynamic);
    t.set_header(vec!["rule", "staff", "date", "shift", "what is wrong"]);
    for x in v {
        t.add_row(vec![
            x.rule.to_string(),
            x.staff.clone().unwrap_or_default(),
            x.date.map(|d| d.to_string()).unwrap_or_default(),
            x.shift.clone().unwrap_or_default(),
            x.message.clone(),
        ]);
    }
    t.to_string()
}

pub fn diagnosis_text(d: &Diagnosis) -> String {
    let mut out = format!(
        "No roster satisfies every rule. The least that must give is {} (shortfalls below):\n",
        d.total_short
    );
    for n in &d.notes {
        out.push_str(n);
        out.push('\n');
    }
    let mut t = Table::new();
    t.set_content_arrangement(ContentArrangement::Dynamic);
    t.set_header(vec!["rule", "date", "shift", "staff", "short", "why"]);
    for c in &d.conflicts {
        t.add_row(vec![
            c.rule.to_string(),
            c.date.map(|d| d.to_string()).unwrap_or_default(),
            c.shift.clone().unwrap_or_default(),
            c.staff.clone().unwrap_or_default(),
            c.short.to_string(),
            c.message.clone(),
        ]);
    }
    out.push_str(&t.to_string());
    out
}

/// One line for a progress display: what the solve is doing, its best and its bound.
pub fn progress_line(p: &crate::solve::Progress) -> String {
    let mut line = p.stage.clone();
    if let Some(best) = p.best {
        line += &format!(" · best {}", num(best));
    }
    if let Some(bound) = p.bound {
        line += &format!(", bound {}", num(bound));
    }
    line
}

pub fn num(v: f64) -> String {
    if v.is_nan() {
        return "unknown".into();
    }
    if (v - v.round()).abs() < 1e-9 {
        format!("{}", v.round() as i64)
    } else {
        format!("{v:.3}")
    }
}
