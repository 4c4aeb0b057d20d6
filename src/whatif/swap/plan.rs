//! A swap resolved against the roster (`SwapPlan`): the shifts that change hands, and how
//! they move in a list of assignments.

use super::SwapRequest;
use crate::model::{Assignment, Scenario, Swap};
use crate::rules::RosterView;
use crate::whatif::{BadRequest, RequestField};
use chrono::NaiveDate;

/// A swap resolved against the roster: the shifts that change hands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SwapPlan {
    pub a: usize,
    pub b: usize,
    pub date: NaiveDate,
    pub shift: usize,
    pub return_date: Option<NaiveDate>,
    pub return_shift: Option<usize>,
    pub approved: bool,
}

impl SwapPlan {
    /// Finds the shifts: A must work on `date` and B on `return_date`, else the request is
    /// malformed (nothing to swap), not a rule violation.
    pub fn resolve(
        sc: &Scenario,
        idx: &RosterView,
        req: &SwapRequest,
    ) -> Result<SwapPlan, BadRequest> {
        if req.a == req.b {
            return Err(BadRequest::in_field(
                RequestField::Partner,
                format!("{} cannot swap with themselves", sc.who(req.a)),
            ));
        }
        let shift = idx.shift_on(req.a, req.date).ok_or_else(|| {
            BadRequest::in_field(
                RequestField::Date,
                format!("{} has no shift on {} to swap", sc.who(req.a), req.date),
            )
        })?;
        let return_shift = match req.return_date {
            None => None,
            Some(d2) => Some(idx.shift_on(req.b, d2).ok_or_else(|| {
                BadRequest::in_field(
                    RequestField::ReturnDate,
                    format!("{} has no shift on {d2} to return", sc.who(req.b)),
                )
            })?),
        };
        Ok(SwapPlan {
            a: req.a,
            b: req.b,
            date: req.date,
            shift,
            return_date: req.return_date,
            return_shift,
            approved: req.approved,
        })
    }

    /// The shifts that change hands: (date, shift, giver, taker).
    pub fn moves(&self) -> Vec<(NaiveDate, usize, usize, usize)> {
        let mut v = vec![(self.date, self.shift, self.a, self.b)];
        if let (Some(d2), Some(k2)) = (self.return_date, self.return_shift) {
            v.push((d2, k2, self.b, self.a));
        }
        v
    }

    pub fn record(&self, sc: &Scenario) -> Swap {
        Swap {
            a: sc.staff[self.a].id.clone(),
            b: sc.staff[self.b].id.clone(),
            date: self.date,
            shift: sc.shifts[self.shift].code.clone(),
            return_date: self.return_date,
            return_shift: self.return_shift.map(|k| sc.shifts[k].code.clone()),
        }
    }
}

/// Applies the moves to a list of assignments. The taker sits at the giver's seat when
/// qualified for it; otherwise (a grade gap allowed by `swap_grade_gap`) the whole shift
/// is re-seated so demand stays met where it can be.
pub fn apply(sc: &Scenario, plan: &SwapPlan, assignments: &mut Vec<Assignment>) {
    for (date, k, giver, taker) in plan.moves() {
        let code = &sc.shifts[k].code;
        let gid = &sc.staff[giver].id;
        let Some(pos) = assignments
            .iter()
            .position(|a| a.date == date && &a.shift == code && &a.staff == gid)
        else {
            continue;
        };
        assignments[pos].staff = sc.staff[taker].id.clone();
        let seat_ok = sc
            .seat_by_code(&assignments[pos].seat)
            .is_some_and(|s| sc.qualifies(taker, s));
        if !seat_ok {
            reseat(sc, date, k, assignments);
        }
    }
}

fn reseat(sc: &Scenario, date: NaiveDate, k: usize, assignments: &mut Vec<Assignment>) {
    let code = &sc.shifts[k].code;
    let mut on: Vec<usize> = assignments
        .iter()
        .filter(|a| a.date == date && &a.shift == code)
        .filter_map(|a| sc.staff_by_id(&a.staff))
        .collect();
    on.sort_unstable();
    assignments.retain(|a| !(a.date == date && &a.shift == code));
    let day = sc.month.day_index(date).expect("in month");
    assignments.extend(crate::solve::seat_shift(sc, day, k, &on));
}

/// The assignments a swap can affect: both people's and everyone's on the moved shifts.
pub(super) fn local(view: &RosterView, plan: &SwapPlan) -> Vec<Assignment> {
    let mut picked: Vec<usize> = view.by_staff[plan.a]
        .iter()
        .chain(&view.by_staff[plan.b])
        .map(|d| d.assignment)
        .collect();
    for (d, k, _, _) in plan.moves() {
        if let Some(day) = view.sc.month.day_index(d) {
            picked.extend(view.on(day, k).map(|d| d.assignment));
        }
    }
    picked.sort_unstable();
    picked.dedup();
    picked
        .into_iter()
        .map(|n| view.roster.assignments[n].clone())
        .collect()
}
