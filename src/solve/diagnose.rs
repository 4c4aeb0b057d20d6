//! Why no roster exists, in the department head's terms. The model is solved again with
//! every demand-side row (cover, lead, grade mix, minimum load) given a shortfall variable,
//! minimising the total shortfall; what remains short is what cannot be had, and for each
//! we say who was unavailable and why.

use super::backend::{Hints, run_backend};
use super::constraints::Shortfall;
use super::month::MonthModel;
use super::variables::{Unavailable, unavailability};
use super::{SolveError, SolveOptions};
use crate::model::{Grade, Scenario};
use crate::rules::RuleId;
use good_lp::{Expression, Solution, constraint};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Conflict {
    pub rule: RuleId,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<chrono::NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shift: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub staff: Option<String>,
    /// People (or shifts, for ROSTER-LOAD) short.
    pub short: u32,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Diagnosis {
    /// The smallest total shortfall any roster must accept.
    pub total_short: u32,
    pub conflicts: Vec<Conflict>,
    /// Month-level arithmetic that already shows the problem, when it does.
    pub notes: Vec<String>,
}

impl std::fmt::Display for Diagnosis {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for n in &self.notes {
            writeln!(f, "{n}")?;
        }
        for c in &self.conflicts {
            writeln!(f, "{}: {}", c.rule, c.message)?;
        }
        Ok(())
    }
}

pub fn diagnose(sc: &Scenario, opts: &SolveOptions) -> Result<Diagnosis, SolveError> {
    diagnose_fixed(sc, opts, &[])
}

/// As `diagnose`, with some (person, day, shift) cells held at a value: what a repair that
/// may not touch the past cannot have.
pub(crate) fn diagnose_fixed(
    sc: &Scenario,
    opts: &SolveOptions,
    fixed: &[((usize, usize, usize), bool)],
) -> Result<Diagnosis, SolveError> {
    let model = MonthModel::build(sc, true, None);
    let MonthModel {
        vars,
        mut rows,
        elastic,
        x,
        ..
    } = model;
    for &((i, d, k), on) in fixed {
        if let Some(v) = x.get(i, d, k) {
            let value = if on { 1.0 } else { 0.0 };
            rows.push(constraint!(v == value));
        }
    }
    let total: Expression = elastic.shortfalls.iter().map(|s| s.slack()).sum();
    let Some(result) = run_backend(vars, total, rows, opts, Hints::default())? else {
        // Only ≤ rows remain hard, and the empty roster meets them all.
        return Err(SolveError::Solver(
            "the elastic model is infeasible; please report this scenario".into(),
        ));
    };
    // What is short is a proof only when the solver finished, or its bound already shows a
    // shortfall; a search the clock stopped at zero proves nothing.
    let proven_short = result.bound.is_some_and(|(b, _)| b > 1e-6);
    if result.status != super::Status::Optimal && !proven_short {
        return Err(SolveError::NoSolutionInTime(
            opts.time_limit,
            "explaining why no roster exists",
        ));
    }
    let mut conflicts = Vec::new();
    let mut total_short = 0;
    for s in &elastic.shortfalls {
        let short = result.solution.value(s.slack()).round() as u32;
        if short == 0 {
            continue;
        }
        total_short += short;
        conflicts.push(explain(sc, s, short));
    }
    conflicts.sort_by(|a, b| {
        (a.date, a.rule, &a.shift, &a.staff).cmp(&(b.date, b.rule, &b.shift, &b.staff))
    });
    Ok(Diagnosis {
        total_short,
        conflicts,
        notes: capacity_notes(sc),
    })
}

fn people(n: u32, what: &str) -> String {
    let word = match n {
        1 => "one",
        2 => "two",
        3 => "three",
        _ => return format!("{n} {what}s"),
    };
    format!("{word} {what}{}", if n == 1 { "" } else { "s" })
}

/// "3 of 6 leads on leave, 1 at 新业务培训"
fn availability(sc: &Scenario, d: usize, k: usize, group: &[usize], noun: &str) -> String {
    let mut leave = Vec::new();
    let mut event = Vec::new();
    let mut rest = Vec::new();
    for &i in group {
        match unavailability(sc, i, d, k) {
            Some(Unavailable::Leave) => leave.push(sc.staff[i].label()),
            Some(Unavailable::Event) => event.push(sc.staff[i].label()),
            Some(Unavailable::HistoryRest) => rest.push(sc.staff[i].label()),
            _ => {}
        }
    }
    let mut parts = Vec::new();
    let n = group.len();
    if !leave.is_empty() {
        parts.push(format!(
            "{} of {n} {noun} on leave ({})",
            leave.len(),
            leave.join(", ")
        ));
    }
    if !event.is_empty() {
        parts.push(format!(
            "{} of {n} {noun} at an event ({})",
            event.len(),
            event.join(", ")
        ));
    }
    if !rest.is_empty() {
        parts.push(format!(
            "{} of {n} {noun} resting after last month's shifts ({})",
            rest.len(),
            rest.join(", ")
        ));
    }
    if parts.is_empty() {
        format!("all {n} {noun} are needed on other shifts (rest, consecutive-day and load limits)")
    } else {
        parts.join("; ")
    }
}

fn explain(sc: &Scenario, s: &Shortfall, short: u32) -> Conflict {
    let at_or_above = |g: Grade| -> Vec<usize> {
        (0..sc.staff.len())
            .filter(|&i| sc.staff[i].grade >= g)
            .collect()
    };
    let when = |d: usize, k: usize| format!("{} {}", sc.date(d), sc.shifts[k].label());
    let (day_shift, staff, message) = match *s {
        Shortfall::Lead {
            day: d, shift: k, ..
        } => {
            let leads: Vec<usize> = sc.leads().collect();
            let message = format!(
                "{}: {} short; {}",
                when(d, k),
                people(short, "lead"),
                availability(sc, d, k, &leads, "leads")
            );
            (Some((d, k)), None, message)
        }
        Shortfall::Cover {
            day: d,
            shift: k,
            grade: g,
            ..
        } => {
            let seats: Vec<&str> = sc
                .seats
                .iter()
                .filter(|x| x.min_grade >= g)
                .map(|x| x.code.as_str())
                .collect();
            let message = format!(
                "{}: {} short for seats {} ({} or above); {}",
                when(d, k),
                people(short, "person").replace("persons", "people"),
                seats.join("/"),
                g.name(),
                availability(sc, d, k, &at_or_above(g), &format!("{} staff", g.name()))
            );
            (Some((d, k)), None, message)
        }
        Shortfall::Grade {
            day: d,
            shift: k,
            grade: g,
            ..
        } => {
            let message = format!(
                "{}: {} short at {} or above for the grade mix; {}",
                when(d, k),
                people(short, "person").replace("persons", "people"),
                g.name(),
                availability(sc, d, k, &at_or_above(g), &format!("{} staff", g.name()))
            );
            (Some((d, k)), None, message)
        }
        Shortfall::Load { staff: i, .. } => {
            let p = &sc.staff[i];
            let due = sc.min_shifts_due(i);
            let leave_days = (0..sc.days())
                .filter(|&d| sc.approved_leave_on(i, sc.date(d)).is_some())
                .count();
            let message = format!(
                "{} ({}) can work only {} of the {} shifts min_shifts asks for ({leave_days} days of leave already counted)",
                p.label(),
                p.id,
                due - short.min(due),
                due
            );
            (None, Some(i), message)
        }
    };
    Conflict {
        rule: s.rule(),
        date: day_shift.map(|(d, _)| sc.date(d)),
        shift: day_shift.map(|(_, k)| sc.shifts[k].code.clone()),
        staff: staff.map(|i| sc.staff[i].id.clone()),
        short,
        message,
    }
}

/// Shifts a person could work at most this month: their max_shifts, the days they are not
/// on leave, and one day off after every longest allowed run.
fn capacity(sc: &Scenario, i: usize) -> u32 {
    let free = (0..sc.days())
        .filter(|&d| sc.approved_leave_on(i, sc.date(d)).is_none())
        .count() as u32;
    let run = sc.rules.effective_max_consecutive_days();
    let by_runs = free - free / (run + 1);
    sc.staff[i].max_shifts.min(by_runs)
}

/// Whole-month counts that cannot add up: lead shifts, and seats at each grade level.
fn capacity_notes(sc: &Scenario) -> Vec<String> {
    let mut notes = Vec::new();
    let shifts = (sc.days() * sc.shifts.len()) as u32;
    let leads: Vec<usize> = sc.leads().collect();
    let need = shifts * sc.rules.leads_per_shift;
    let can: u32 = leads.iter().map(|&i| capacity(sc, i)).sum();
    if can < need {
        notes.push(format!(
            "{}: {shifts} shifts need {need} lead-shifts, but the {} leads can work at most {can} (max_shifts, leave, days off)",
            RuleId::RosterLead,
            leads.len()
        ));
    }
    let mut levels: Vec<Grade> = sc.seats.iter().map(|s| s.min_grade).collect();
    levels.sort();
    levels.dedup();
    for g in levels {
        let need: u32 = (0..sc.days())
            .flat_map(|d| (0..sc.shifts.len()).map(move |k| (d, k)))
            .map(|(d, k)| {
                (0..sc.seats.len())
                    .filter(|&s| sc.seats[s].min_grade >= g)
                    .map(|s| sc.demand(sc.date(d), k, s))
                    .sum::<u32>()
            })
            .sum();
        let can: u32 = (0..sc.staff.len())
            .filter(|&i| sc.staff[i].grade >= g)
            .map(|i| capacity(sc, i))
            .sum();
        if can < need {
            notes.push(format!(
                "{}: seats for {} or above need {need} person-shifts this month, but those staff can work at most {can}",
                RuleId::RosterCover,
                g.name()
            ));
        }
    }
    notes
}
