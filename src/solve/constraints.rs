//! One function per rule family; each returns the rows that encode it. Names follow the
//! rule IDs of RULES.md. In elastic mode (used only to explain infeasibility) the demand
//! side rules get a shortfall variable each, recorded in `Elastic`.

use super::variables::ShiftVars;
use crate::model::{Grade, Scenario};
use crate::rules::RuleId;
use good_lp::{Constraint, Expression, ProblemVariables, Variable, constraint, variable};

/// Where an elastic row may fall short, one kind per demand-side rule, with its slack.
#[derive(Debug, Clone, Copy)]
pub enum Shortfall {
    /// ROSTER-COVER: people at `grade` or above (the cumulative count) on a day and shift.
    Cover {
        day: usize,
        shift: usize,
        grade: Grade,
        slack: Variable,
    },
    /// ROSTER-LEAD: leads on a day and shift.
    Lead {
        day: usize,
        shift: usize,
        slack: Variable,
    },
    /// ROSTER-GRADE: the `[[mix]]` minimum at `grade` or above on a day and shift.
    Grade {
        day: usize,
        shift: usize,
        grade: Grade,
        slack: Variable,
    },
    /// ROSTER-LOAD: a person's minimum shifts.
    Load { staff: usize, slack: Variable },
}

impl Shortfall {
    pub fn rule(&self) -> RuleId {
        match self {
            Shortfall::Cover { .. } => RuleId::RosterCover,
            Shortfall::Lead { .. } => RuleId::RosterLead,
            Shortfall::Grade { .. } => RuleId::RosterGrade,
            Shortfall::Load { .. } => RuleId::RosterLoad,
        }
    }

    pub fn slack(&self) -> Variable {
        match *self {
            Shortfall::Cover { slack, .. }
            | Shortfall::Lead { slack, .. }
            | Shortfall::Grade { slack, .. }
            | Shortfall::Load { slack, .. } => slack,
        }
    }
}

#[derive(Default)]
pub struct Elastic {
    pub enabled: bool,
    pub shortfalls: Vec<Shortfall>,
}

impl Elastic {
    /// The row `have ≥ need`, every demand-side rule's shape: hard, or when elastic with a
    /// slack on the ≥ side that may fall short, recorded as `sf(slack)`.
    fn at_least(
        &mut self,
        vars: &mut ProblemVariables,
        have: Expression,
        need: f64,
        sf: impl FnOnce(Variable) -> Shortfall,
    ) -> Constraint {
        if !self.enabled {
            return constraint!(have >= need);
        }
        let v = vars.add(variable().min(0.0));
        self.shortfalls.push(sf(v));
        constraint!(have + v >= need)
    }
}

/// ROSTER-ONE: at most one shift per person per day.
pub fn roster_one(sc: &Scenario, x: &ShiftVars) -> Vec<Constraint> {
    let (n, days, _) = x.dims();
    let mut rows = Vec::new();
    for i in 0..n {
        for d in 0..days {
            if sc.shifts.len() > 1 {
                rows.push(constraint!(x.works(i, d) <= 1));
            }
        }
    }
    rows
}

/// ROSTER-REST: a shift excludes every later shift that would start too soon after it.
/// The later shifts of one day exclude each other already (ROSTER-ONE), so one row per
/// shift and following day is the strong (clique) form.
pub fn roster_rest(sc: &Scenario, x: &ShiftVars) -> Vec<Constraint> {
    let (n, days, shifts) = x.dims();
    let reach = reach_days(sc);
    let mut rows = Vec::new();
    for i in 0..n {
        for d in 0..days {
            for k in 0..shifts {
                let Some(first) = x.get(i, d, k) else {
                    continue;
                };
                for d2 in d + 1..(d + 1 + reach).min(days) {
                    let clash: Vec<usize> = (0..shifts)
                        .filter(|&k2| sc.too_little_rest((sc.date(d), k), (sc.date(d2), k2)))
                        .collect();
                    let later = x.sum(clash.iter().map(|&k2| (i, d2, k2)));
                    if clash.iter().any(|&k2| x.get(i, d2, k2).is_some()) {
                        rows.push(constraint!(first + later <= 1));
                    }
                }
            }
        }
    }
    rows
}

/// How many days ahead a shift can clash with: its length past midnight plus the rest.
fn reach_days(sc: &Scenario) -> usize {
    let longest_end = sc.shifts.iter().map(|s| s.end as i64).max().unwrap_or(1440);
    let span = longest_end + sc.rules.min_rest_minutes() + sc.rules.handover_minutes as i64;
    (span / 1440 + 1) as usize
}

/// ROSTER-COVER. Grades nest, so a seating that meets demand exists exactly when, for every
/// seat grade level g, the people on duty at grade ≥ g are at least the demand of the seat
/// types that need ≥ g (Hall's condition on a nested family). Seats are assigned afterwards.
pub fn roster_cover(
    sc: &Scenario,
    x: &ShiftVars,
    vars: &mut ProblemVariables,
    el: &mut Elastic,
) -> Vec<Constraint> {
    let (_, days, shifts) = x.dims();
    let mut levels: Vec<Grade> = sc.seats.iter().map(|s| s.min_grade).collect();
    levels.sort();
    levels.dedup();
    let mut rows = Vec::new();
    for d in 0..days {
        let date = sc.date(d);
        for k in 0..shifts {
            for &g in &levels {
                let need: u32 = (0..sc.seats.len())
                    .filter(|&s| sc.seats[s].min_grade >= g)
                    .map(|s| sc.demand(date, k, s))
                    .sum();
                if need == 0 {
                    continue;
                }
                let have = x.on_duty(d, k, |i| sc.staff[i].grade >= g);
                rows.push(
                    el.at_least(vars, have, need as f64, |slack| Shortfall::Cover {
                        day: d,
                        shift: k,
                        grade: g,
                        slack,
                    }),
                );
            }
        }
    }
    rows
}

/// ROSTER-LEAD: `leads_per_shift` leads on every shift of every day.
pub fn roster_lead(
    sc: &Scenario,
    x: &ShiftVars,
    vars: &mut ProblemVariables,
    el: &mut Elastic,
) -> Vec<Constraint> {
    let (_, days, shifts) = x.dims();
    let need = sc.rules.leads_per_shift as f64;
    let mut rows = Vec::new();
    if need == 0.0 {
        return rows;
    }
    for d in 0..days {
        for k in 0..shifts {
            let leads = x.on_duty(d, k, |i| sc.staff[i].lead);
            rows.push(el.at_least(vars, leads, need, |slack| Shortfall::Lead {
                day: d,
                shift: k,
                slack,
            }));
        }
    }
    rows
}

/// ROSTER-GRADE: the `[[mix]]` minimum of people at or above each grade on every shift.
pub fn roster_grade(
    sc: &Scenario,
    x: &ShiftVars,
    vars: &mut ProblemVariables,
    el: &mut Elastic,
) -> Vec<Constraint> {
    let (_, days, shifts) = x.dims();
    let mut rows = Vec::new();
    for k in 0..shifts {
        for (g, min) in sc.mix_minimums(k) {
            if min == 0 {
                continue;
            }
            for d in 0..days {
                let have = x.on_duty(d, k, |i| sc.staff[i].grade >= g);
                rows.push(
                    el.at_least(vars, have, min as f64, |slack| Shortfall::Grade {
                        day: d,
                        shift: k,
                        grade: g,
                        slack,
                    }),
                );
            }
        }
    }
    rows
}

/// ROSTER-CONSEC: every window of (max + 1) consecutive days holds at most max working days
/// (nights: night shifts), counting the previous month's history at the start.
pub fn roster_consec(sc: &Scenario, x: &ShiftVars) -> Vec<Constraint> {
    let (n, days, shifts) = x.dims();
    let max_days = sc.rules.effective_max_consecutive_days() as i64;
    let max_nights = sc.rules.max_consecutive_nights as i64;
    let night_shifts: Vec<usize> = (0..shifts).filter(|&k| sc.shifts[k].night).collect();
    let all_shifts: Vec<usize> = (0..shifts).collect();
    let mut rows = Vec::new();
    for i in 0..n {
        for (max, which, nights) in [
            (max_days, &all_shifts, false),
            (max_nights, &night_shifts, true),
        ] {
            // A window longer than the month and this person's history together can never
            // hold more than `max` shifts: the rule is vacuous. Skipping it also keeps a
            // limit of a billion from becoming a billion windows to build.
            let history_days = sc.history.iter().filter(|h| h.staff == i).count() as i64;
            if which.is_empty() || max >= days as i64 + history_days {
                continue;
            }
            // Windows [start, start + max], start may lie up to `max` days before day 0.
            for start in -max..days as i64 - max {
                let window = start..=start + max;
                let before = sc
                    .history
                    .iter()
                    .filter(|h| h.staff == i && (!nights || sc.shifts[h.shift].night))
                    .filter(|h| window.contains(&(h.date - sc.month.first_day()).num_days()))
                    .count() as f64;
                let in_month: Vec<(usize, usize, usize)> = window
                    .clone()
                    .filter(|&d| d >= 0 && d < days as i64)
                    .flat_map(|d| which.iter().map(move |&k| (i, d as usize, k)))
                    .collect();
                if in_month.iter().all(|&(i, d, k)| x.get(i, d, k).is_none()) {
                    continue;
                }
                let worked = x.sum(in_month);
                rows.push(constraint!(worked + before <= max as f64));
            }
        }
    }
    rows
}

/// ROSTER-LOAD: min_shifts ≤ shifts worked ≤ max_shifts.
pub fn roster_load(
    sc: &Scenario,
    x: &ShiftVars,
    vars: &mut ProblemVariables,
    el: &mut Elastic,
) -> Vec<Constraint> {
    let (n, days, shifts) = x.dims();
    let mut rows = Vec::new();
    for (i, p) in sc.staff.iter().enumerate() {
        let total = x.sum((0..days).flat_map(|d| (0..shifts).map(move |k| (i, d, k))));
        if (p.max_shifts as usize) < days {
            rows.push(constraint!(total.clone() <= p.max_shifts as f64));
        }
        // Leave days count toward the minimum (ROSTER-LOAD), so leave never forces make-up shifts.
        let min = sc.min_shifts_due(i);
        if min > 0 {
            rows.push(
                el.at_least(vars, total, min as f64, |slack| Shortfall::Load {
                    staff: i,
                    slack,
                }),
            );
        }
    }
    let _ = n;
    rows
}
