//! Re-rostering after late leave with the fewest changed assignments, and the changes as a
//! list a department head can act on ("王芳 2026-12-05: 日班 → off").

use crate::model::{GrantedLeave, LeaveRequest, Roster, Scenario};
use crate::rules::{Violation, check_roster};
use crate::solve::{self, Diagnosis, SolveError, SolveOptions, Status};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::Serialize;
use std::collections::BTreeMap;

/// One person's day that changes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub staff: String,
    pub name: String,
    pub date: NaiveDate,
    /// Shift codes before and after; empty is a day off.
    pub from: Vec<String>,
    pub to: Vec<String>,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Repair {
    pub status: Status,
    /// Changed (person, day, shift) cells, the quantity minimised.
    pub changed_cells: u32,
    /// Lower bound on the changes any repair needs (equals `changed_cells` when optimal).
    pub bound: f64,
    pub seconds: f64,
    /// What the leave breaks in the roster as it stands.
    pub broken: Vec<Violation>,
    pub changes: Vec<Change>,
    /// Shifts reporting before this time were kept as they were (the past).
    pub frozen_before: Option<NaiveDateTime>,
    #[serde(skip)]
    pub roster: Roster,
}

#[derive(Debug, thiserror::Error)]
pub enum RepairError {
    /// No roster satisfies every rule with the leave granted; the diagnosis names the rule.
    #[error("no roster satisfies every rule with this leave granted")]
    Blocked(Diagnosis),
    #[error(transparent)]
    Solve(SolveError),
}

/// Grants the leave (as approved) and finds the roster with the fewest changed cells that
/// satisfies every roster rule again, leaving alone every shift that reports before the
/// request was made. The repaired roster records the leave (`Roster::leave`).
pub fn repair_leave(
    sc: &Scenario,
    base: &Roster,
    req: &LeaveRequest,
    opts: &SolveOptions,
) -> Result<Repair, RepairError> {
    repair_leave_at(sc, base, req, None, opts)
}

/// As `repair_leave`, run at `now`: every shift reporting before `now` or before the request
/// was made is kept as the base roster has it, because the past is not re-rostered.
pub fn repair_leave_at(
    sc: &Scenario,
    base: &Roster,
    req: &LeaveRequest,
    now: Option<NaiveDateTime>,
    opts: &SolveOptions,
) -> Result<Repair, RepairError> {
    let mut granted = base.granted_scenario(sc).into_owned();
    let mut leave = req.clone();
    if !leave.is_approved() {
        // The repair plans for the leave being taken, whoever is yet to sign.
        leave.approved_by = crate::model::Approver::Management;
    }
    if granted.leave.iter().any(|l| l.id == leave.id) {
        // Each grant keeps its own id, so a message can tell them apart.
        leave.id = format!("{}-{}", leave.id, base.leave.len() + 1);
    }
    granted.leave.push(leave.clone());
    let cutoff = [now, req.requested_at].into_iter().flatten().max();
    let frozen_before =
        cutoff.map(|t| (t - sc.month.first_day().and_time(NaiveTime::MIN)).num_minutes());
    let broken = check_roster(&granted, base);
    let repaired = match solve::repair(&granted, base, frozen_before, opts) {
        Ok(r) => r,
        Err(SolveError::Infeasible(mut d)) => {
            if let Some(t) = cutoff {
                d.notes.push(format!(
                    "shifts reporting before {} are kept as rostered; only later ones may change",
                    t.format("%Y-%m-%d %H:%M")
                ));
            }
            return Err(RepairError::Blocked(d));
        }
        Err(e) => return Err(RepairError::Solve(e)),
    };
    let mut roster = repaired.roster;
    roster.leave.push(GrantedLeave::from_request(sc, &leave));
    // Trust, but verify: the independent checker must agree before anyone acts on it.
    let left = check_roster(&granted, &roster);
    if !left.is_empty() {
        return Err(RepairError::Solve(SolveError::Solver(format!(
            "internal error: the repaired roster still breaks {} rule(s), first: {}",
            left.len(),
            left[0].message
        ))));
    }
    Ok(Repair {
        status: repaired.status,
        changed_cells: repaired.changes,
        bound: repaired.bound,
        seconds: repaired.seconds,
        broken,
        // Against the granted month, so a day the leave empties reads "leave", not "off".
        changes: changes_between(&granted, base, &roster),
        frozen_before: cutoff,
        roster,
    })
}

/// Every (person, day) whose shifts differ between two rosters, in date then staff order.
/// A day without shifts reads "leave" where `sc` grants leave on it, else "off".
pub fn changes_between(sc: &Scenario, before: &Roster, after: &Roster) -> Vec<Change> {
    let mut cells: BTreeMap<(NaiveDate, usize), (Vec<String>, Vec<String>)> = BTreeMap::new();
    for (r, side) in [(before, 0), (after, 1)] {
        for a in &r.assignments {
            if let Some(i) = sc.staff_by_id(&a.staff) {
                let e = cells.entry((a.date, i)).or_default();
                if side == 0 { &mut e.0 } else { &mut e.1 }.push(a.shift.clone());
            }
        }
    }
    let label = |codes: &[String], i: usize, date: NaiveDate| -> String {
        if codes.is_empty() {
            match sc.approved_leave_on(i, date) {
                Some(_) => "leave".into(),
                None => "off".into(),
            }
        } else {
            codes
                .iter()
                .map(|c| {
                    sc.shift_by_code(c)
                        .map(|k| sc.shifts[k].label().to_string())
                        .unwrap_or_else(|| c.clone())
                })
                .collect::<Vec<_>>()
                .join("+")
        }
    };
    cells
        .into_iter()
        .filter_map(|((date, i), (mut from, mut to))| {
            from.sort();
            to.sort();
            (from != to).then(|| Change {
                staff: sc.staff[i].id.clone(),
                name: sc.staff[i].name.clone(),
                date,
                message: format!(
                    "{} {date}: {} → {}",
                    sc.who(i),
                    label(&from, i, date),
                    label(&to, i, date)
                ),
                from,
                to,
            })
        })
        .collect()
}

/// Changed (person, day, shift) cells between two rosters: the count repair minimises.
pub fn changed_cells(before: &Roster, after: &Roster) -> usize {
    use std::collections::HashSet;
    let cells = |r: &Roster| -> HashSet<(String, NaiveDate, String)> {
        r.assignments
            .iter()
            .map(|a| (a.staff.clone(), a.date, a.shift.clone()))
            .collect()
    };
    let (a, b) = (cells(before), cells(after));
    a.symmetric_difference(&b).count()
}
