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
                    let have = v
                        .on(day, k)
                        .filter(|d| sc.staff[d.staff].grade >= grade)
                        .count() as u32;
                    if have < min {
                        out.push(v.violation(
                            self.id(),
                            None,
                            Some(day),
                            Some(k),
                            format!(
                                "{}: {have} of {min} people at {} or above",
                                v.when(day, k),
                                grade.name()
                            ),
                        ));
                    }
                }
            }
        }
        out
    }
}
