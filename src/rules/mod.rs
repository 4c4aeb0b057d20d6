//! Every roster rule of RULES.md, one file per rule family. Each rule knows its ID, checks a
//! roster on its own terms (independently of how the solver encodes it) and says what went
//! wrong in a sentence a team lead understands.

mod consec;
mod cover;
mod event;
mod grade;
mod id;
mod lead;
mod leave;
mod load;
pub mod objective;
mod one;
mod rest;

use crate::model::{Roster, Scenario};
use chrono::NaiveDate;
use serde::Serialize;

pub use consec::RosterConsec;
pub use cover::RosterCover;
pub use event::RosterEvent;
pub use grade::RosterGrade;
pub use id::RuleId;
pub use lead::RosterLead;
pub use leave::RosterLeave;
pub use load::RosterLoad;
pub use objective::{Breakdown, Measure, evaluate};
pub use one::RosterOne;
pub use rest::RosterRest;

/// One broken rule at one place: who, when, which shift, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Violation {
    pub rule: RuleId,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub staff: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shift: Option<String>,
    pub message: String,
}

pub trait Rule {
    /// The stable ID of RULES.md, e.g. `ROSTER-REST`.
    fn id(&self) -> RuleId;
    fn summary(&self) -> &'static str;
    fn check(&self, view: &RosterView) -> Vec<Violation>;
}

/// Every roster rule, in the order of RULES.md.
pub fn roster_rules() -> Vec<Box<dyn Rule + Sync>> {
    vec![
        Box::new(RosterOne),
        Box::new(RosterRest),
        Box::new(RosterCover),
        Box::new(RosterLead),
        Box::new(RosterGrade),
        Box::new(RosterLeave),
        Box::new(RosterConsec),
        Box::new(RosterLoad),
        Box::new(RosterEvent),
    ]
}

/// All violations of every roster rule, sorted by date, rule, staff. Leave granted in the
/// roster file counts as the scenario's own (ROSTER-LEAVE, ROSTER-LOAD).
pub fn check_roster(sc: &Scenario, roster: &Roster) -> Vec<Violation> {
    let granted = roster.granted_scenario(sc);
    let sc = granted.as_ref();
    let view = RosterView::new(sc, roster);
    let mut out: Vec<Violation> = roster_rules().iter().flat_map(|r| r.check(&view)).collect();
    out.sort_by(|a, b| {
        (a.date, a.rule, &a.staff, &a.shift).cmp(&(b.date, b.rule, &b.staff, &b.shift))
    });
    out
}

/// One assignment with its references resolved to scenario indices.
#[derive(Debug, Clone, Copy)]
pub struct Duty {
    pub staff: usize,
    pub day: usize,
    pub shift: usize,
    pub seat: usize,
    /// Its place in the roster's `assignments`.
    pub assignment: usize,
}

/// A roster as the rules (and the what-if checks) see it: the one index of a roster, built
/// once. Assignments that do not resolve were already refused by `Roster::validate`, and
/// are skipped here.
pub struct RosterView<'a> {
    pub sc: &'a Scenario,
    pub roster: &'a Roster,
    pub duties: Vec<Duty>,
    /// Per person, their duties sorted by start.
    pub by_staff: Vec<Vec<Duty>>,
    /// Per day and shift (`day * shifts + shift`), positions in `duties`, in roster order.
    by_slot: Vec<Vec<usize>>,
}

impl<'a> RosterView<'a> {
    pub fn new(sc: &'a Scenario, roster: &'a Roster) -> Self {
        let duties: Vec<Duty> = roster
            .assignments
            .iter()
            .enumerate()
            .filter_map(|(n, a)| {
                Some(Duty {
                    staff: sc.staff_by_id(&a.staff)?,
                    day: sc.month.day_index(a.date)?,
                    shift: sc.shift_by_code(&a.shift)?,
                    seat: sc.seat_by_code(&a.seat)?,
                    assignment: n,
                })
            })
            .collect();
        let mut by_staff = vec![Vec::new(); sc.staff.len()];
        let mut by_slot = vec![Vec::new(); sc.days() * sc.shifts.len()];
        for (n, d) in duties.iter().enumerate() {
            by_staff[d.staff].push(*d);
            by_slot[d.day * sc.shifts.len() + d.shift].push(n);
        }
        for v in &mut by_staff {
            v.sort_by_key(|d| (d.day, sc.shifts[d.shift].start, d.shift));
        }
        RosterView {
            sc,
            roster,
            duties,
            by_staff,
            by_slot,
        }
    }

    /// Duties on a day and shift, in roster order.
    pub fn on(&self, day: usize, shift: usize) -> impl Iterator<Item = &Duty> {
        self.by_slot[day * self.sc.shifts.len() + shift]
            .iter()
            .map(|&n| &self.duties[n])
    }

    /// The person's (first) shift starting on a date.
    pub fn shift_on(&self, staff: usize, date: NaiveDate) -> Option<usize> {
        let day = self.sc.month.day_index(date)?;
        self.by_staff[staff]
            .iter()
            .find(|d| d.day == day)
            .map(|d| d.shift)
    }

    pub fn violation(
        &self,
        rule: RuleId,
        staff: Option<usize>,
        day: Option<usize>,
        shift: Option<usize>,
        message: String,
    ) -> Violation {
        Violation {
            rule,
            staff: staff.map(|s| self.sc.staff[s].id.clone()),
            date: day.map(|d| self.sc.date(d)),
            shift: shift.map(|k| self.sc.shifts[k].code.clone()),
            message,
        }
    }

    /// One violation per duty that breaks `rule`: `fault` says what is wrong with the duty,
    /// or `None` when it is fine.
    pub fn per_duty(
        &self,
        rule: RuleId,
        fault: impl Fn(&Duty) -> Option<String>,
    ) -> Vec<Violation> {
        self.duties
            .iter()
            .filter_map(|d| {
                let message = fault(d)?;
                Some(self.violation(rule, Some(d.staff), Some(d.day), Some(d.shift), message))
            })
            .collect()
    }

    /// The violation of `rule` when fewer than `need` people on duty on `day`'s shift `k`
    /// count (`counts`); `message` is given how many do.
    pub fn short_on_shift(
        &self,
        rule: RuleId,
        (day, k): (usize, usize),
        need: u32,
        counts: impl Fn(&Duty) -> bool,
        message: impl FnOnce(u32) -> String,
    ) -> Option<Violation> {
        let have = self.on(day, k).filter(|d| counts(d)).count() as u32;
        (have < need).then(|| self.violation(rule, None, Some(day), Some(k), message(have)))
    }

    /// "王芳 (S01)"
    pub fn who(&self, staff: usize) -> String {
        self.sc.who(staff)
    }

    /// "夜班 2026-12-12"
    pub fn when(&self, day: usize, shift: usize) -> String {
        self.sc.when(self.sc.date(day), shift)
    }
}
