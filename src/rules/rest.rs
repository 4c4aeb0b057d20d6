use super::{RosterView, Rule, RuleId, Violation};
use chrono::NaiveDate;

/// ROSTER-REST: no back-to-back shifts (连班). From the end of one shift to the report time
/// (start minus handover) of the next there are at least `min_rest_hours`, across the month
/// boundary too.
pub struct RosterRest;

impl Rule for RosterRest {
    fn id(&self) -> RuleId {
        RuleId::RosterRest
    }
    fn summary(&self) -> &'static str {
        "minimum rest between shifts, handover included"
    }
    fn check(&self, v: &RosterView) -> Vec<Violation> {
        let sc = v.sc;
        let mut out = Vec::new();
        for (staff, duties) in v.by_staff.iter().enumerate() {
            // The previous month's last shifts come first, then this month's in order.
            let mut seq: Vec<(NaiveDate, usize, bool)> = sc
                .history
                .iter()
                .filter(|h| h.staff == staff)
                .map(|h| (h.date, h.shift, false))
                .collect();
            seq.sort_by_key(|&(d, k, _)| sc.shift_window(d, k).0);
            seq.extend(duties.iter().map(|d| (sc.date(d.day), d.shift, true)));
            for pair in seq.windows(2) {
                let (a, b) = (pair[0], pair[1]);
                if !b.2 || a.0 == b.0 {
                    continue; // same-day pairs are ROSTER-ONE's
                }
                if sc.too_little_rest((a.0, a.1), (b.0, b.1)) {
                    let rest = sc.report_time(b.0, b.1) - sc.shift_window(a.0, a.1).1;
                    out.push(v.violation(
                        self.id(),
                        Some(staff),
                        sc.month.day_index(b.0),
                        Some(b.1),
                        format!(
                            "{} would work {} {} then {} {} with {} h rest (needs {} h)",
                            v.who(staff),
                            sc.shifts[a.1].label(),
                            a.0,
                            sc.shifts[b.1].label(),
                            b.0,
                            fmt_hours(rest),
                            sc.rules.min_rest_hours
                        ),
                    ));
                }
            }
        }
        out
    }
}

fn fmt_hours(minutes: i64) -> String {
    let h = minutes.max(0) as f64 / 60.0;
    if (h - h.round()).abs() < 1e-9 {
        format!("{}", h.round())
    } else {
        format!("{h:.1}")
    }
}
