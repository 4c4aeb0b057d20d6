use super::{RosterView, Rule, RuleId, Violation};

/// ROSTER-ONE: at most one shift per person per calendar day.
pub struct RosterOne;

impl Rule for RosterOne {
    fn id(&self) -> RuleId {
        RuleId::RosterOne
    }
    fn summary(&self) -> &'static str {
        "at most one shift per person per day"
    }
    fn check(&self, v: &RosterView) -> Vec<Violation> {
        let mut out = Vec::new();
        for (staff, duties) in v.by_staff.iter().enumerate() {
            for pair in duties.windows(2) {
                if pair[0].day == pair[1].day {
                    out.push(v.violation(
                        self.id(),
                        Some(staff),
                        Some(pair[1].day),
                        Some(pair[1].shift),
                        format!(
                            "{} works {} and {} on the same day",
                            v.who(staff),
                            v.sc.shifts[pair[0].shift].label(),
                            v.sc.shifts[pair[1].shift].label()
                        ),
                    ));
                }
            }
        }
        out
    }
}
