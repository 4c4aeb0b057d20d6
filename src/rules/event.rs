use super::{RosterView, Rule, RuleId, Violation};
use crate::model::format_clock;

/// ROSTER-EVENT: someone due at a meeting or training is not on a shift overlapping it.
pub struct RosterEvent;

impl Rule for RosterEvent {
    fn id(&self) -> RuleId {
        RuleId::RosterEvent
    }
    fn summary(&self) -> &'static str {
        "no shift overlapping an event the person attends"
    }
    fn check(&self, v: &RosterView) -> Vec<Violation> {
        v.per_duty(self.id(), |d| {
            let ev = v.sc.blocking_event(d.staff, v.sc.date(d.day), d.shift)?;
            Some(format!(
                "{} is rostered on {} but attends {} on {} {}-{}",
                v.who(d.staff),
                v.when(d.day, d.shift),
                ev.name,
                ev.date,
                format_clock(ev.start),
                format_clock(ev.end % 1440)
            ))
        })
    }
}
