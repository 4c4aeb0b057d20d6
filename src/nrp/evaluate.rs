//! The independent evaluator: every hard constraint of the benchmark checked on a roster,
//! and the objective computed from its definition. It shares no code with the MIP, so a
//! roster the model returns is judged by a second reading of the rules.

use super::instance::{Assignment, Instance, Staff};
use serde::Serialize;

/// Which hard constraint, numbered as in the benchmark's description.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HardRule {
    /// 1: at most one shift per person per day (a grid holds one by construction; a roster
    /// of the wrong shape breaks it).
    Shape,
    /// 2: a shift followed the next day by one it forbids.
    Succession,
    /// 3: more shifts of one type than the contract allows.
    MaxShifts,
    /// 4: total minutes above the maximum.
    MaxMinutes,
    /// 4: total minutes below the minimum.
    MinMinutes,
    /// 5: a working block longer than MaxConsecutiveShifts.
    MaxConsecutiveShifts,
    /// 6: a working block shorter than MinConsecutiveShifts, not touching an edge.
    MinConsecutiveShifts,
    /// 7: an off block shorter than MinConsecutiveDaysOff, not touching an edge.
    MinConsecutiveDaysOff,
    /// 8: more worked weekends than MaxWeekends.
    MaxWeekends,
    /// 9: a shift on one of the person's days off.
    DayOff,
}

/// One broken hard constraint: who, from which day (when it has one), what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    pub rule: HardRule,
    pub staff: String,
    pub day: Option<usize>,
    pub detail: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.day {
            Some(d) => write!(
                f,
                "{} day {d}: {:?}: {}",
                self.staff, self.rule, self.detail
            ),
            None => write!(f, "{}: {:?}: {}", self.staff, self.rule, self.detail),
        }
    }
}

/// The objective, by term.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Breakdown {
    /// Weights of shift-on requests not granted.
    pub shift_on_requests: u64,
    /// Weights of shift-off requests not granted (the shift is worked).
    pub shift_off_requests: u64,
    pub under_cover: u64,
    pub over_cover: u64,
}

impl Breakdown {
    pub fn total(&self) -> u64 {
        self.shift_on_requests + self.shift_off_requests + self.under_cover + self.over_cover
    }
}

/// Every hard constraint the roster breaks; empty when it is feasible. Numbers in the
/// comments are the hard constraints of the benchmark's SOURCE.md.
pub fn check(inst: &Instance, roster: &Assignment) -> Vec<Violation> {
    let mut out = Vec::new();
    if roster.len() != inst.staff.len() {
        out.push(Violation {
            rule: HardRule::Shape,
            staff: String::new(),
            day: None,
            detail: format!("{} rows for {} staff", roster.len(), inst.staff.len()),
        });
        return out;
    }
    for (e, row) in roster.iter().enumerate() {
        out.extend(check_person(inst, e, row));
    }
    out
}

/// Every hard constraint person `e`'s schedule `row` breaks: each rule is about one person,
/// so a roster is feasible exactly when every person's schedule is.
pub fn check_person(inst: &Instance, e: usize, row: &[Option<usize>]) -> Vec<Violation> {
    let (h, s) = (inst.horizon, &inst.staff[e]);
    let mut found = Found::new();
    if row.len() != h || row.iter().flatten().any(|&k| k >= inst.shifts.len()) {
        found.push((
            HardRule::Shape,
            None,
            format!(
                "{} days for a horizon of {h}, or an unknown shift",
                row.len()
            ),
        ));
    } else {
        successions(inst, row, &mut found);
        totals(inst, s, row, &mut found);
        runs(s, row, &mut found);
        weekends_and_days_off(inst, e, s, row, &mut found);
    }
    found
        .into_iter()
        .map(|(rule, day, detail)| Violation {
            rule,
            staff: s.id.clone(),
            day,
            detail,
        })
        .collect()
}

/// One person's broken rules: the rule, the day it starts (if one), what is wrong.
type Found = Vec<(HardRule, Option<usize>, String)>;

/// 2: the day after the horizon is off, so only pairs inside it are checked.
fn successions(inst: &Instance, row: &[Option<usize>], found: &mut Found) {
    for d in 0..inst.horizon.saturating_sub(1) {
        if let (Some(a), Some(b)) = (row[d], row[d + 1])
            && inst.shifts[a].forbidden_next.contains(&b)
        {
            found.push((
                HardRule::Succession,
                Some(d),
                format!("{} followed by {}", inst.shifts[a].id, inst.shifts[b].id),
            ));
        }
    }
}

/// 3 and 4: shifts of each type, and minutes in all.
fn totals(inst: &Instance, s: &Staff, row: &[Option<usize>], found: &mut Found) {
    for (k, shift) in inst.shifts.iter().enumerate() {
        let n = row.iter().filter(|&&x| x == Some(k)).count() as u64;
        if n > u64::from(s.max_shifts[k]) {
            found.push((
                HardRule::MaxShifts,
                None,
                format!("{n} {} shifts, at most {}", shift.id, s.max_shifts[k]),
            ));
        }
    }
    let minutes: u64 = row
        .iter()
        .flatten()
        .map(|&k| u64::from(inst.shifts[k].minutes))
        .sum();
    if minutes > u64::from(s.max_total_minutes) {
        found.push((
            HardRule::MaxMinutes,
            None,
            format!("{minutes} minutes, at most {}", s.max_total_minutes),
        ));
    }
    if minutes < u64::from(s.min_total_minutes) {
        found.push((
            HardRule::MinMinutes,
            None,
            format!("{minutes} minutes, at least {}", s.min_total_minutes),
        ));
    }
}

/// 5, 6, 7: blocks of equal working state.
fn runs(s: &Staff, row: &[Option<usize>], found: &mut Found) {
    let h = row.len();
    let mut start = 0;
    while start < h {
        let working = row[start].is_some();
        let mut end = start;
        while end + 1 < h && row[end + 1].is_some() == working {
            end += 1;
        }
        let len = (end - start + 1) as u32;
        // Outside the horizon: days off for the maximum, unlimited work or rest for the
        // minimums, so a block touching an edge is never too short.
        let inner = start > 0 && end + 1 < h;
        if working {
            if len > s.max_consecutive_shifts {
                found.push((
                    HardRule::MaxConsecutiveShifts,
                    Some(start),
                    format!(
                        "{len} working days in a row, at most {}",
                        s.max_consecutive_shifts
                    ),
                ));
            }
            if inner && len < s.min_consecutive_shifts {
                found.push((
                    HardRule::MinConsecutiveShifts,
                    Some(start),
                    format!(
                        "{len} working days in a row, at least {}",
                        s.min_consecutive_shifts
                    ),
                ));
            }
        } else if inner && len < s.min_consecutive_days_off {
            found.push((
                HardRule::MinConsecutiveDaysOff,
                Some(start),
                format!(
                    "{len} days off in a row, at least {}",
                    s.min_consecutive_days_off
                ),
            ));
        }
        start = end + 1;
    }
}

/// 8: a weekend is worked when either of its days is; 9: days off.
fn weekends_and_days_off(
    inst: &Instance,
    e: usize,
    s: &Staff,
    row: &[Option<usize>],
    found: &mut Found,
) {
    let h = inst.horizon;
    let weekends = (0..h.div_ceil(7))
        .filter(|w| {
            [7 * w + 5, 7 * w + 6]
                .iter()
                .any(|&d| d < h && row[d].is_some())
        })
        .count() as u64;
    if weekends > u64::from(s.max_weekends) {
        found.push((
            HardRule::MaxWeekends,
            None,
            format!("{weekends} weekends worked, at most {}", s.max_weekends),
        ));
    }
    for (d, off) in inst.days_off[e].iter().enumerate() {
        if *off && row[d].is_some() {
            found.push((HardRule::DayOff, Some(d), "works on a day off".into()));
        }
    }
}

/// The objective of a roster of the right shape (see `check`), by term.
pub fn objective(inst: &Instance, roster: &Assignment) -> Breakdown {
    let works = |e: usize, d: usize, k: usize| roster[e][d] == Some(k);
    let mut b = Breakdown::default();
    for r in &inst.shift_on {
        if !works(r.staff, r.day, r.shift) {
            b.shift_on_requests += u64::from(r.weight);
        }
    }
    for r in &inst.shift_off {
        if works(r.staff, r.day, r.shift) {
            b.shift_off_requests += u64::from(r.weight);
        }
    }
    for c in &inst.cover {
        let n = (0..inst.staff.len())
            .filter(|&e| works(e, c.day, c.shift))
            .count() as u64;
        let req = u64::from(c.requirement);
        b.under_cover += u64::from(c.under_weight) * req.saturating_sub(n);
        b.over_cover += u64::from(c.over_weight) * n.saturating_sub(req);
    }
    b
}
