use super::{RosterView, Rule, RuleId, Violation};

/// ROSTER-LOAD: each person works between their `min_shifts` and `max_shifts` in the month;
/// each day of approved leave counts toward `min_shifts` (`Scenario::min_shifts_due`).
pub struct RosterLoad;

impl Rule for RosterLoad {
    fn id(&self) -> RuleId {
        RuleId::RosterLoad
    }
    fn summary(&self) -> &'static str {
        "shifts per person within min_shifts..max_shifts"
    }
    fn check(&self, v: &RosterView) -> Vec<Violation> {
        let mut out = Vec::new();
        for (i, p) in v.sc.staff.iter().enumerate() {
            let n = v.by_staff[i].len() as u32;
            let due = v.sc.min_shifts_due(i);
            let bound = if n < due {
                Some(if due < p.min_shifts {
                    format!(
                        "at least {due} (min_shifts {} less {} day(s) of leave)",
                        p.min_shifts,
                        p.min_shifts - due
                    )
                } else {
                    format!("at least {due}")
                })
            } else if n > p.max_shifts {
                Some(format!("at most {}", p.max_shifts))
            } else {
                None
            };
            if let Some(bound) = bound {
                out.push(v.violation(
                    self.id(),
                    Some(i),
                    None,
                    None,
                    format!(
                        "{} works {n} shifts this month; must work {bound}",
                        v.who(i)
                    ),
                ));
            }
        }
        out
    }
}
