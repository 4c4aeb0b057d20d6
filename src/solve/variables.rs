//! The decision variables: x[person, day, shift] = 1 when the person works that shift.
//! A variable exists only where the person may work at all: not on approved leave
//! (ROSTER-LEAVE), not at an event (ROSTER-EVENT), qualified for some seat type, and rested
//! after the previous month's last shifts (ROSTER-REST across the boundary).

use crate::model::{Roster, Scenario};
use good_lp::{Expression, ProblemVariables, Variable, variable};

/// Who may change in a sub-model (fix-and-optimise, `neighbourhood` chooses them), and the
/// incumbent everyone else keeps: the people kept have their shifts fixed here.
#[derive(Debug, Clone)]
pub(super) struct Neighbourhood {
    pub(super) free: Vec<bool>,
    /// The free people choose on these days only.
    pub(super) days: std::ops::Range<usize>,
    /// Per person and day, the shift the incumbent gives them.
    pub(super) shift: Vec<Vec<Option<usize>>>,
}

impl Neighbourhood {
    /// The incumbent's shift (or day off) when the person keeps that day; None when the
    /// sub-model chooses it.
    pub fn kept(&self, i: usize, d: usize) -> Option<Option<usize>> {
        (!(self.free[i] && self.days.contains(&d))).then_some(self.shift[i][d])
    }
}

pub struct ShiftVars {
    staff: usize,
    days: usize,
    shifts: usize,
    x: Vec<Option<Variable>>,
}

/// Why a person cannot work a shift; used to explain infeasibility.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unavailable {
    Leave,
    Event,
    Unqualified,
    HistoryRest,
}

pub fn unavailability(sc: &Scenario, i: usize, d: usize, k: usize) -> Option<Unavailable> {
    let date = sc.date(d);
    if sc.approved_leave_on(i, date).is_some() {
        return Some(Unavailable::Leave);
    }
    if sc.blocking_event(i, date, k).is_some() {
        return Some(Unavailable::Event);
    }
    if !(0..sc.seats.len()).any(|s| sc.qualifies(i, s)) {
        return Some(Unavailable::Unqualified);
    }
    if sc
        .history
        .iter()
        .any(|h| h.staff == i && sc.too_little_rest((h.date, h.shift), (date, k)))
    {
        return Some(Unavailable::HistoryRest);
    }
    None
}

impl ShiftVars {
    /// With a neighbourhood, only its free people choose; everyone else keeps the shifts
    /// the incumbent gives them (a variable fixed at 1 where they work, none elsewhere).
    pub fn new(
        sc: &Scenario,
        vars: &mut ProblemVariables,
        around: Option<&Neighbourhood>,
    ) -> ShiftVars {
        let (n, days, shifts) = (sc.staff.len(), sc.days(), sc.shifts.len());
        let mut x = Vec::with_capacity(n * days * shifts);
        for i in 0..n {
            for d in 0..days {
                for k in 0..shifts {
                    let var = match around.and_then(|nb| nb.kept(i, d)) {
                        Some(kept) => {
                            (kept == Some(k)).then(|| vars.add(variable().binary().min(1.0)))
                        }
                        None => unavailability(sc, i, d, k)
                            .is_none()
                            .then(|| vars.add(variable().binary())),
                    };
                    x.push(var);
                }
            }
        }
        ShiftVars {
            staff: n,
            days,
            shifts,
            x,
        }
    }

    pub fn get(&self, i: usize, d: usize, k: usize) -> Option<Variable> {
        self.x[(i * self.days + d) * self.shifts + k]
    }

    /// Σ x over the given (person, day, shift) triples that have a variable.
    pub fn sum(&self, cells: impl IntoIterator<Item = (usize, usize, usize)>) -> Expression {
        cells
            .into_iter()
            .filter_map(|(i, d, k)| self.get(i, d, k))
            .fold(Expression::from(0.0), |e, v| e + v)
    }

    /// Σ_k x[i, d, k]: 1 when the person works that day.
    pub fn works(&self, i: usize, d: usize) -> Expression {
        self.sum((0..self.shifts).map(|k| (i, d, k)))
    }

    /// Everyone matching `who` on a day and shift.
    pub fn on_duty(&self, d: usize, k: usize, who: impl Fn(usize) -> bool) -> Expression {
        self.sum((0..self.staff).filter(|&i| who(i)).map(|i| (i, d, k)))
    }

    /// Each variable's value in a roster: 1 where it has the person on that shift.
    pub fn values_for(&self, sc: &Scenario, roster: &Roster) -> Vec<(Variable, f64)> {
        let grid = roster.shift_grid(sc);
        let mut values = Vec::new();
        for (i, days) in grid.iter().enumerate() {
            for (d, &on) in days.iter().enumerate() {
                for k in 0..self.shifts {
                    if let Some(v) = self.get(i, d, k) {
                        values.push((v, if on == Some(k) { 1.0 } else { 0.0 }));
                    }
                }
            }
        }
        values
    }

    pub fn dims(&self) -> (usize, usize, usize) {
        (self.staff, self.days, self.shifts)
    }
}
