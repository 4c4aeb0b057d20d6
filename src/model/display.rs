//! How a person and the staff list are shown, the same in every table and chart: the
//! report and the plots both import these, so neither depends on the other for them.

use super::Scenario;

/// A person as tables and charts name them: name and id, a star for team leads.
pub fn person_label(sc: &Scenario, i: usize) -> String {
    let p = &sc.staff[i];
    let star = if p.lead { "★" } else { "" };
    if p.name.is_empty() {
        format!("{star}{}", p.id)
    } else {
        format!("{star}{} {}", p.name, p.id)
    }
}

/// Staff in roster order: by team, leads first, then by grade (senior first).
pub fn staff_order(sc: &Scenario) -> Vec<usize> {
    let mut order: Vec<usize> = (0..sc.staff.len()).collect();
    order.sort_by_key(|&i| {
        (
            sc.staff[i].team.is_none(),
            sc.staff[i].team,
            !sc.staff[i].lead,
            std::cmp::Reverse(sc.staff[i].grade),
            i,
        )
    });
    order
}

impl super::Shift {
    /// The shift's hours as every table and chart shows them: `08:00–16:00` (a night shift
    /// ends on the clock of the next day).
    pub fn hours(&self) -> String {
        format!(
            "{}–{}",
            super::format_clock(self.start),
            super::format_clock(self.end % 1440)
        )
    }

    /// Code, name and hours: `D 白班 08:00–16:00`.
    pub fn caption(&self) -> String {
        format!("{} {} {}", self.code, self.label(), self.hours())
    }
}
