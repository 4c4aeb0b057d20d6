use super::{RosterView, Rule, RuleId, Violation};

/// ROSTER-LEAD: every shift of every day has `leads_per_shift` team leads on duty (值班长).
pub struct RosterLead;

impl Rule for RosterLead {
    fn id(&self) -> RuleId {
        RuleId::RosterLead
    }
    fn summary(&self) -> &'static str {
        "a team lead on every shift"
    }
    fn check(&self, v: &RosterView) -> Vec<Violation> {
        let sc = v.sc;
        let need = sc.rules.leads_per_shift;
        let mut out = Vec::new();
        for day in 0..sc.days() {
            for k in 0..sc.shifts.len() {
                out.extend(v.short_on_shift(
                    self.id(),
                    (day, k),
                    need,
                    |d| sc.staff[d.staff].lead,
                    |have| format!("{}: {have} of {need} team leads on duty", v.when(day, k)),
                ));
            }
        }
        out
    }
}
