use super::{RosterView, Rule, RuleId, Violation};

/// ROSTER-COVER: everyone on duty sits at a seat their grade qualifies for, and every day,
/// shift and seat type has at least its demand of qualified people seated.
pub struct RosterCover;

impl Rule for RosterCover {
    fn id(&self) -> RuleId {
        RuleId::RosterCover
    }
    fn summary(&self) -> &'static str {
        "qualified seating and demand met per day, shift and seat type"
    }
    fn check(&self, v: &RosterView) -> Vec<Violation> {
        let sc = v.sc;
        let mut out = v.per_duty(self.id(), |d| {
            let seat = &sc.seats[d.seat];
            (!sc.qualifies(d.staff, d.seat)).then(|| {
                format!(
                    "{} ({}) is seated at {} which needs {}",
                    v.who(d.staff),
                    sc.staff[d.staff].grade.name(),
                    seat.code,
                    seat.min_grade.name()
                )
            })
        });
        for day in 0..sc.days() {
            let date = sc.date(day);
            for k in 0..sc.shifts.len() {
                for (s, seat) in sc.seats.iter().enumerate() {
                    out.extend(v.short_on_shift(
                        self.id(),
                        (day, k),
                        sc.demand(date, k, s),
                        |d| d.seat == s && sc.qualifies(d.staff, s),
                        |have| {
                            format!(
                                "{}: seat {} has {have} of {} required",
                                v.when(day, k),
                                seat.code,
                                sc.demand(date, k, s)
                            )
                        },
                    ));
                }
            }
        }
        out
    }
}
