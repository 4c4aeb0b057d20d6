//! The benchmark as a MIP: x[e,d,t] binaries where the person may work type t on day d (no
//! variable on a day off or for a type the contract bars), one row family per hard
//! constraint, and cover slack.
//!
//! The consecutive-day rules use run starts, the strong (convex-hull) view of minimum up and
//! down times from unit commitment (Rajan & Takriti 2005; Lee, Leung & Margot 2004), rather
//! than one row per (start, day) pair: u[e,d] (d >= 1) is 1 exactly when a working block
//! starts on day d, and
//! - min working days k: the starts in the k days up to d are at most w[d], so a block that
//!   starts inside the horizon covers its next k - 1 days or runs to the end;
//! - min days off l: the starts in the l days up to d are at most 1 - w[d - l], so a block
//!   of rest that started in the horizon (work on the day before) lasts l days or runs to
//!   the end, read through u because a rest block ends exactly where a start is;
//! - max working days c: windows of c + 1 days hold at most c working days, and work on day
//!   d >= c needs a start in the c days up to d.
//!
//! Horizon edges as SOURCE.md reads them: day 0 is never a start (unlimited work or rest
//! lies before it for the minimums), blocks touching the last day are cut by the horizon,
//! and for the maximum the day before day 0 is off, so a block from day 0 counts from day 0.

use super::instance::{Assignment, Instance};
use crate::solve::ModelSize;
use good_lp::{Constraint, Expression, ProblemVariables, Variable, constraint, variable};

/// The model: variables, rows, the objective (with its constant: the weights of shift-on
/// requests, offset by those the roster grants), and the variables a roster gives values to.
pub(super) struct NrpModel {
    vars: ProblemVariables,
    /// x[e][d][t]: `None` where the person may not work t on d.
    x: Vec<Vec<Vec<Option<Variable>>>>,
    /// starts[e][d]: a working block starts on day d (`None` on day 0 and where no rule
    /// needs it).
    starts: Vec<Vec<Option<Variable>>>,
    /// weekends[e]: (weekend index, indicator) for each weekend with a day in the horizon.
    weekends: Vec<Vec<(usize, Variable)>>,
    /// Per cover row: (under, over) slack.
    cover_slack: Vec<(Variable, Variable)>,
    rows: Vec<Constraint>,
    objective: Expression,
}

/// The days of weekend `w` inside a horizon of `h` days.
fn weekend_days(w: usize, h: usize) -> impl Iterator<Item = usize> {
    [7 * w + 5, 7 * w + 6].into_iter().filter(move |&d| d < h)
}

impl NrpModel {
    /// The model over the cells `kept` leaves free: where it gives `Some(shift)`, the cell
    /// keeps that shift (a variable fixed at 1 by its bound, or no variable for a day off),
    /// as in `solve`'s fix-and-optimise.
    pub(super) fn build(
        inst: &Instance,
        kept: impl Fn(usize, usize) -> Option<Option<usize>>,
    ) -> NrpModel {
        let h = inst.horizon;
        let mut vars = ProblemVariables::new();
        let x: Vec<Vec<Vec<Option<Variable>>>> =
            inst.staff
                .iter()
                .enumerate()
                .map(|(e, s)| {
                    (0..h)
                        .map(|d| {
                            (0..inst.shifts.len())
                                .map(|t| match kept(e, d) {
                                    Some(k) => (k == Some(t))
                                        .then(|| vars.add(variable().binary().min(1.0))),
                                    None => (!inst.days_off[e][d] && s.max_shifts[t] > 0)
                                        .then(|| vars.add(variable().binary())),
                                })
                                .collect()
                        })
                        .collect()
                })
                .collect();
        let mut model = NrpModel::over(inst, vars, x);
        for e in 0..inst.staff.len() {
            model.person_rows(inst, e);
        }
        model.objective_and_cover(inst);
        model
    }

    /// One person's schedules alone: the same hard-constraint rows as `build` for person
    /// `e`, no one else's cells, no cover, and the objective sum of `cell_cost(d, t)` over
    /// the cells worked. The pricing problem of the column generation, and the greedy
    /// roster's step.
    pub(super) fn person(
        inst: &Instance,
        e: usize,
        cell_cost: impl Fn(usize, usize) -> f64,
    ) -> NrpModel {
        let (h, s) = (inst.horizon, &inst.staff[e]);
        let mut vars = ProblemVariables::new();
        let x: Vec<Vec<Vec<Option<Variable>>>> = (0..inst.staff.len())
            .map(|who| {
                (0..h)
                    .map(|d| {
                        (0..inst.shifts.len())
                            .map(|t| {
                                (who == e && !inst.days_off[e][d] && s.max_shifts[t] > 0)
                                    .then(|| vars.add(variable().binary()))
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect();
        let mut model = NrpModel::over(inst, vars, x);
        model.person_rows(inst, e);
        for (d, types) in model.x[e].iter().enumerate() {
            for (t, v) in types.iter().enumerate() {
                if let Some(v) = v {
                    model.objective += cell_cost(d, t) * *v;
                }
            }
        }
        model
    }

    /// A model over these cell variables with no rows yet.
    fn over(inst: &Instance, vars: ProblemVariables, x: Vec<Vec<Vec<Option<Variable>>>>) -> Self {
        NrpModel {
            vars,
            x,
            starts: vec![vec![None; inst.horizon]; inst.staff.len()],
            weekends: vec![Vec::new(); inst.staff.len()],
            cover_slack: Vec::new(),
            rows: Vec::new(),
            objective: Expression::default(),
        }
    }

    /// Every hard constraint of person `e`: each is a rule about one person alone.
    fn person_rows(&mut self, inst: &Instance, e: usize) {
        self.contract_rows(inst, e);
        self.run_rows(inst, e);
        self.weekend_rows(inst, e);
    }

    /// Whether person e works on day d, as an expression.
    fn work(&self, e: usize, d: usize) -> Expression {
        self.x[e][d].iter().flatten().sum()
    }

    /// Rules 1-4: one shift a day, successions, shifts per type, total minutes.
    fn contract_rows(&mut self, inst: &Instance, e: usize) {
        let (h, s) = (inst.horizon, &inst.staff[e]);
        let x = &self.x[e];
        for (d, types_of_day) in x.iter().enumerate() {
            if types_of_day.iter().flatten().count() > 1 {
                self.rows.push(constraint!(self.work(e, d) <= 1));
            }
        }
        // The day after the horizon is off: only pairs inside it.
        for d in 0..h.saturating_sub(1) {
            for (a, shift) in inst.shifts.iter().enumerate() {
                for &b in &shift.forbidden_next {
                    if let (Some(va), Some(vb)) = (x[d][a], x[d + 1][b]) {
                        self.rows.push(constraint!(va + vb <= 1));
                    }
                }
            }
        }
        for (t, &limit) in s.max_shifts.iter().enumerate() {
            let n: Expression = (0..h).filter_map(|d| x[d][t]).sum();
            if (limit as usize) < h {
                self.rows.push(constraint!(n <= limit));
            }
        }
        let minutes: Expression = (0..h)
            .flat_map(|d| (0..inst.shifts.len()).filter_map(move |t| x[d][t].map(|v| (v, t))))
            .map(|(v, t)| f64::from(inst.shifts[t].minutes) * v)
            .sum();
        self.rows
            .push(constraint!(minutes.clone() <= s.max_total_minutes));
        self.rows
            .push(constraint!(minutes >= f64::from(s.min_total_minutes)));
    }

    /// Rules 5-7 by run starts (see the module comment for the edges).
    fn run_rows(&mut self, inst: &Instance, e: usize) {
        let (h, s) = (inst.horizon, &inst.staff[e]);
        let max_c = s.max_consecutive_shifts as usize;
        let min_c = s.min_consecutive_shifts as usize;
        let min_off = s.min_consecutive_days_off as usize;
        let needs_starts = max_c < h || min_c > 1 || min_off > 1;
        let mut u: Vec<Option<Variable>> = vec![None; h];
        if needs_starts {
            for (d, slot) in u.iter_mut().enumerate().skip(1) {
                let v = self.vars.add(variable().min(0).max(1));
                // u is the start indicator exactly: at least the rise, at most either side.
                let (now, before) = (self.work(e, d), self.work(e, d - 1));
                self.rows
                    .push(constraint!(v >= now.clone() - before.clone()));
                self.rows.push(constraint!(v <= now));
                self.rows.push(constraint!(v + before <= 1));
                *slot = Some(v);
            }
        }
        let starts_in = |from: usize, to: usize| -> Expression {
            (from.max(1)..=to).filter_map(|i| u[i]).sum()
        };
        // 6: the starts of the last min_c days (those with 2 or more: one is u <= w above).
        if min_c > 1 {
            for d in 2..h {
                let from = (d + 1).saturating_sub(min_c).max(1);
                if from < d {
                    self.rows
                        .push(constraint!(starts_in(from, d) <= self.work(e, d)));
                }
            }
        }
        // 7: a start in the last min_off days means no work just before them.
        if min_off > 1 {
            for d in 2..h {
                let from = (d + 1).saturating_sub(min_off).max(1);
                if from < d {
                    let before = self.work(e, from - 1);
                    self.rows
                        .push(constraint!(starts_in(from, d) + before <= 1));
                }
            }
        }
        // 5: windows, and a start in the last max_c days of any working day.
        if max_c < h {
            for d in 0..h - max_c {
                let window: Expression = (d..=d + max_c).map(|j| self.work(e, j)).sum();
                self.rows.push(constraint!(window <= max_c as f64));
            }
            for d in max_c.max(1)..h {
                let recent = starts_in(d + 1 - max_c, d);
                self.rows.push(constraint!(self.work(e, d) <= recent));
            }
        }
        self.starts[e] = u;
    }

    /// Rule 8: a weekend indicator between the larger and the sum of its days' work (the
    /// convex hull of "either day worked").
    fn weekend_rows(&mut self, inst: &Instance, e: usize) {
        let h = inst.horizon;
        let mut indicators = Vec::new();
        let mut total = Expression::default();
        for w in 0..h.div_ceil(7) {
            let days: Vec<usize> = weekend_days(w, h).collect();
            if days.is_empty() {
                continue;
            }
            let y = self.vars.add(variable().binary());
            for &d in &days {
                self.rows.push(constraint!(self.work(e, d) <= y));
            }
            let both: Expression = days.iter().map(|&d| self.work(e, d)).sum();
            self.rows.push(constraint!(y <= both));
            total += y;
            indicators.push((w, y));
        }
        if (inst.staff[e].max_weekends as usize) < indicators.len() {
            self.rows
                .push(constraint!(total <= inst.staff[e].max_weekends));
        }
        self.weekends[e] = indicators;
    }

    fn objective_and_cover(&mut self, inst: &Instance) {
        let x = &self.x;
        for r in &inst.shift_on {
            self.objective += f64::from(r.weight);
            if let Some(v) = x[r.staff][r.day][r.shift] {
                self.objective -= f64::from(r.weight) * v;
            }
        }
        for r in &inst.shift_off {
            if let Some(v) = x[r.staff][r.day][r.shift] {
                self.objective += f64::from(r.weight) * v;
            }
        }
        for c in &inst.cover {
            let under = self.vars.add(variable().min(0));
            let over = self.vars.add(variable().min(0));
            let n: Expression = (0..inst.staff.len())
                .filter_map(|e| x[e][c.day][c.shift])
                .sum();
            self.rows
                .push(constraint!(n + under - over == c.requirement));
            self.objective += f64::from(c.under_weight) * under + f64::from(c.over_weight) * over;
            self.cover_slack.push((under, over));
        }
    }

    pub(super) fn size(&self) -> ModelSize {
        ModelSize {
            variables: self.vars.len(),
            shift_variables: self.x.iter().flatten().flatten().flatten().count(),
            constraints: self.rows.len(),
        }
    }

    /// A value for every variable from a roster that passes the evaluator: a MIP start.
    pub(super) fn values_of(&self, inst: &Instance, roster: &Assignment) -> Vec<(Variable, f64)> {
        let bit = |b: bool| if b { 1.0 } else { 0.0 };
        let mut out = Vec::new();
        for (e, row) in roster.iter().enumerate() {
            for (d, types) in self.x[e].iter().enumerate() {
                for (t, v) in types.iter().enumerate() {
                    if let Some(v) = v {
                        out.push((*v, bit(row[d] == Some(t))));
                    }
                }
                if let Some(u) = self.starts[e][d] {
                    out.push((u, bit(row[d].is_some() && row[d - 1].is_none())));
                }
            }
            for &(w, y) in &self.weekends[e] {
                let worked = weekend_days(w, inst.horizon).any(|d| row[d].is_some());
                out.push((y, bit(worked)));
            }
        }
        for (c, &(under, over)) in inst.cover.iter().zip(&self.cover_slack) {
            let n = roster.iter().filter(|r| r[c.day] == Some(c.shift)).count() as f64;
            let need = f64::from(c.requirement);
            out.push((under, (need - n).max(0.0)));
            out.push((over, (n - need).max(0.0)));
        }
        out
    }

    /// The variables, rows and objective for the solver, leaving the variable map here to
    /// read its values back.
    pub(super) fn take_problem(&mut self) -> (ProblemVariables, Vec<Constraint>, Expression) {
        (
            std::mem::replace(&mut self.vars, ProblemVariables::new()),
            std::mem::take(&mut self.rows),
            std::mem::take(&mut self.objective),
        )
    }

    /// The roster in the solver's values.
    pub(super) fn roster(&self, value: impl Fn(Variable) -> f64) -> Assignment {
        self.x
            .iter()
            .map(|days| {
                days.iter()
                    .map(|types| types.iter().position(|v| v.is_some_and(|v| value(v) > 0.5)))
                    .collect()
            })
            .collect()
    }
}
