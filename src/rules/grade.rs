use super::{RosterView, Rule, RuleId, Violation};

/// ROSTER-GRADE: every shift has the `[[mix]]` minimum of people at or above each grade, so
/// harder calls can be escalated on the spot.
pub struct RosterGrade;

impl Rule for RosterGrade {
    fn id(&self) -> RuleId {
        RuleId::RosterGrade
    }
    fn summary(&self) -> &'static str {
        "grade mix on every shift"
    }
    fn check(&self, v: &RosterView) -> Vec<Violation> {
        let sc = v.sc;
        let mut out = Vec::new();
        for k in 0..sc.shifts.len() {
            let mins = sc.mix_minimums(k);
            for day in 0..sc.days() {
                for &(grade, min) in &mins {
                    out.extend(v.short_on_shift(
                        self.id(),
                        (day, k),
                        min,
                        |d| sc.staff[d.staff].grade >= grade,
                        |have| {
                            format!(
                                "{}: {have} of {min} people at {} or above",
                                v.when(day, k),
                                grade.name()
                            )
                        },
                    ));
                }
            }
        }
        out
    }
}
