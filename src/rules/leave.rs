use super::{RosterView, Rule, RuleId, Violation};

/// ROSTER-LEAVE: nobody is rostered on a day of their approved leave.
pub struct RosterLeave;

impl Rule for RosterLeave {
    fn id(&self) -> RuleId {
        RuleId::RosterLeave
    }
    fn summary(&self) -> &'static str {
        "nobody rostered on approved leave"
    }
    fn check(&self, v: &RosterView) -> Vec<Violation> {
        v.per_duty(self.id(), |d| {
            let leave = v.sc.approved_leave_on(d.staff, v.sc.date(d.day))?;
            Some(format!(
                "{} is rostered on {} during approved {} leave {} ({} to {})",
                v.who(d.staff),
                v.when(d.day, d.shift),
                leave.kind.name(),
                leave.id,
                leave.from,
                leave.to
            ))
        })
    }
}
