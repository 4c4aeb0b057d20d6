//! 换班 and 还班: a swap moves A's shift k1 on d1 to B; the return moves B's shift k2 on d2
//! to A. Each SWAP-* rule is a type with its ID. The roster-level rules (SWAP-REST,
//! SWAP-ROSTER) are judged on a *local* roster — A's and B's duties plus everyone on the two
//! shifts that change hands — because nothing else can change; that keeps a check in the
//! microseconds so `--candidates` can try every person and every return date.

use super::BadRequest;
use crate::model::{Assignment, Roster, Scenario, Swap};
use crate::rules::{RuleId, Violation, check_roster};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::cell::OnceCell;
use std::collections::HashSet;

/// What the lead asks: may `a` give their shift on `date` to `b` (and take `b`'s shift on
/// `return_date` back)?
#[derive(Debug, Clone)]
pub struct SwapRequest {
    pub a: usize,
    pub date: NaiveDate,
    pub b: usize,
    pub return_date: Option<NaiveDate>,
    /// Both people's team leads have signed (SWAP-APPROVAL).
    pub approved: bool,
}

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
        idx: &RosterIndex,
        req: &SwapRequest,
    ) -> Result<SwapPlan, BadRequest> {
        if req.a == req.b {
            return Err(BadRequest::new(
                "--with",
                format!("{} cannot swap with themselves", sc.who(req.a)),
            ));
        }
        let shift = idx.shift_on(req.a, req.date).ok_or_else(|| {
            BadRequest::new(
                "--date",
                format!("{} has no shift on {} to swap", sc.who(req.a), req.date),
            )
        })?;
        let return_shift = match req.return_date {
            None => None,
            Some(d2) => Some(idx.shift_on(req.b, d2).ok_or_else(|| {
                BadRequest::new(
                    "--return-date",
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

/// The roster indexed by person and by (day, shift), built once per roster.
pub struct RosterIndex<'a> {
    pub sc: &'a Scenario,
    pub roster: &'a Roster,
    /// Per assignment: (staff, day, shift), None where it does not resolve.
    pub resolved: Vec<Option<(usize, usize, usize)>>,
    pub by_staff: Vec<Vec<usize>>,
    by_slot: Vec<Vec<usize>>,
}

impl<'a> RosterIndex<'a> {
    pub fn new(sc: &'a Scenario, roster: &'a Roster) -> Self {
        let k = sc.shifts.len();
        let mut by_staff = vec![Vec::new(); sc.staff.len()];
        let mut by_slot = vec![Vec::new(); sc.days() * k];
        let resolved: Vec<_> = roster
            .assignments
            .iter()
            .map(|a| {
                Some((
                    sc.staff_by_id(&a.staff)?,
                    sc.month.day_index(a.date)?,
                    sc.shift_by_code(&a.shift)?,
                ))
            })
            .collect();
        for (n, r) in resolved.iter().enumerate() {
            if let Some((i, d, s)) = *r {
                by_staff[i].push(n);
                by_slot[d * k + s].push(n);
            }
        }
        RosterIndex {
            sc,
            roster,
            resolved,
            by_staff,
            by_slot,
        }
    }

    /// The person's (first) shift starting on a date.
    pub fn shift_on(&self, staff: usize, date: NaiveDate) -> Option<usize> {
        let day = self.sc.month.day_index(date)?;
        self.by_staff[staff]
            .iter()
            .filter_map(|&n| self.resolved[n])
            .filter(|&(_, d, _)| d == day)
            .map(|(_, _, k)| k)
            .min_by_key(|&k| self.sc.shifts[k].start)
    }

    pub fn slot(&self, date: NaiveDate, shift: usize) -> &[usize] {
        match self.sc.month.day_index(date) {
            Some(d) => &self.by_slot[d * self.sc.shifts.len() + shift],
            None => &[],
        }
    }

    /// The assignments a swap can affect: both people's and everyone's on the moved shifts.
    fn local(&self, plan: &SwapPlan) -> Vec<Assignment> {
        let mut picked: Vec<usize> = self.by_staff[plan.a]
            .iter()
            .chain(&self.by_staff[plan.b])
            .copied()
            .collect();
        for (d, k, _, _) in plan.moves() {
            picked.extend_from_slice(self.slot(d, k));
        }
        picked.sort_unstable();
        picked.dedup();
        picked
            .into_iter()
            .map(|n| self.roster.assignments[n].clone())
            .collect()
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

/// Everything a SWAP-* rule may look at.
pub struct SwapCtx<'a> {
    pub sc: &'a Scenario,
    pub idx: &'a RosterIndex<'a>,
    pub plan: SwapPlan,
    effects: OnceCell<Effects>,
}

/// (staff, date, shift code): one person's shift on one day.
type Cell = (String, NaiveDate, String);

/// Roster-rule violations about A, B or the moved shifts, after the swap.
struct Effects {
    /// All of them, wherever they come from.
    after: Vec<Violation>,
    /// Those absent before: the swap's doing.
    introduced: Vec<Violation>,
}

impl<'a> SwapCtx<'a> {
    pub fn new(idx: &'a RosterIndex<'a>, plan: SwapPlan) -> Self {
        SwapCtx {
            sc: idx.sc,
            idx,
            plan,
            effects: OnceCell::new(),
        }
    }

    /// Roster-rule violations about A, B or the moved shifts that the swap brings in:
    /// present after, absent before. Ones already in the roster are not the swap's fault.
    pub fn introduced(&self) -> &[Violation] {
        &self.effects().introduced
    }

    /// Roster-rule violations about A, B or the moved shifts after the swap, including ones
    /// the roster had already.
    pub fn after(&self) -> &[Violation] {
        &self.effects().after
    }

    fn effects(&self) -> &Effects {
        self.effects.get_or_init(|| {
            let sc = self.sc;
            let before = self.idx.local(&self.plan);
            let mut after = before.clone();
            apply(sc, &self.plan, &mut after);
            let month = sc.month.to_string();
            let check = |assignments: Vec<Assignment>| {
                check_roster(
                    sc,
                    &Roster {
                        month: month.clone(),
                        assignments,
                        swaps: Vec::new(),
                        leave: Vec::new(),
                        solver: None,
                    },
                )
            };
            let people = [
                sc.staff[self.plan.a].id.as_str(),
                sc.staff[self.plan.b].id.as_str(),
            ];
            let slots: Vec<(NaiveDate, String)> = self
                .plan
                .moves()
                .iter()
                .map(|&(d, k, _, _)| (d, sc.shifts[k].code.clone()))
                .collect();
            let relevant = |v: &Violation| {
                v.staff.as_deref().is_some_and(|s| people.contains(&s))
                    || slots
                        .iter()
                        .any(|(d, k)| v.date == Some(*d) && v.shift.as_deref() == Some(k))
            };
            let key =
                |v: &Violation| -> (String, Option<String>, Option<NaiveDate>, Option<String>) {
                    (v.rule.to_string(), v.staff.clone(), v.date, v.shift.clone())
                };
            let before: HashSet<_> = check(before)
                .into_iter()
                .filter(relevant)
                .map(|v| key(&v))
                .collect();
            let after: Vec<Violation> = check(after).into_iter().filter(relevant).collect();
            let introduced = after
                .iter()
                .filter(|v| !before.contains(&key(v)))
                .cloned()
                .collect();
            Effects { after, introduced }
        })
    }

    /// A's and B's (staff, date, shift) cells before and after: equal when the swap changes
    /// no assignment.
    fn cells_before_after(&self) -> (Vec<Cell>, Vec<Cell>) {
        let people = [
            self.sc.staff[self.plan.a].id.as_str(),
            self.sc.staff[self.plan.b].id.as_str(),
        ];
        let cells = |assignments: &[Assignment]| {
            let mut v: Vec<Cell> = assignments
                .iter()
                .filter(|a| people.contains(&a.staff.as_str()))
                .map(|a| (a.staff.clone(), a.date, a.shift.clone()))
                .collect();
            v.sort();
            v
        };
        let before = self.idx.local(&self.plan);
        let mut after = before.clone();
        apply(self.sc, &self.plan, &mut after);
        (cells(&before), cells(&after))
    }

    fn violation(
        &self,
        rule: RuleId,
        staff: usize,
        date: NaiveDate,
        shift: usize,
        message: String,
    ) -> Violation {
        Violation {
            rule,
            staff: Some(self.sc.staff[staff].id.clone()),
            date: Some(date),
            shift: Some(self.sc.shifts[shift].code.clone()),
            message,
        }
    }

    /// Earlier swaps (from the roster file) that involve this person.
    fn earlier_swaps(&self, staff: usize) -> impl Iterator<Item = &'a Swap> + '_ {
        let id = self.sc.staff[staff].id.as_str();
        self.idx
            .roster
            .swaps
            .iter()
            .filter(move |s| s.a == id || s.b == id)
    }
}

pub trait SwapRule {
    /// The stable ID of RULES.md, e.g. `SWAP-SKILL`.
    fn id(&self) -> RuleId;
    fn summary(&self) -> &'static str;
    fn check(&self, ctx: &SwapCtx) -> Vec<Violation>;
}

/// SWAP-NOOP: the swap changes somebody's shifts (a return of the same shift on the same
/// day changes nothing, yet would count toward SWAP-LIMIT and SWAP-CONSEC).
pub struct SwapNoop;
/// SWAP-SKILL: same job type, grades at most `swap_grade_gap` apart (换班制度 4).
pub struct SwapSkill;
/// SWAP-APPROVAL: both people's team leads have approved (换班制度 2, 7).
pub struct SwapApproval;
/// SWAP-LIMIT: at most `max_swaps_per_month` swaps per person, this one included.
pub struct SwapLimit;
/// SWAP-CONSEC: no swaps on adjacent days, no re-swapping a shift obtained in a swap.
pub struct SwapConsec;
/// SWAP-REST: no two shifts a day, no back-to-back shifts for A or B after the swap.
pub struct SwapRest;
/// SWAP-LEAVE: nobody takes a shift on a day of their own leave.
pub struct SwapLeave;
/// SWAP-HOLIDAY: no shift on a public holiday changes hands.
pub struct SwapHoliday;
/// SWAP-ROSTER: every other roster rule still holds after the swap.
pub struct SwapRoster;

/// Every swap rule, cheapest first, in the order of RULES.md where cost allows.
pub fn swap_rules() -> Vec<Box<dyn SwapRule + Sync>> {
    vec![
        Box::new(SwapNoop),
        Box::new(SwapSkill),
        Box::new(SwapApproval),
        Box::new(SwapLimit),
        Box::new(SwapConsec),
        Box::new(SwapLeave),
        Box::new(SwapHoliday),
        Box::new(SwapRest),
        Box::new(SwapRoster),
    ]
}

impl SwapRule for SwapNoop {
    fn id(&self) -> RuleId {
        RuleId::SwapNoop
    }
    fn summary(&self) -> &'static str {
        "the swap changes somebody's shifts"
    }
    fn check(&self, c: &SwapCtx) -> Vec<Violation> {
        let (sc, p) = (c.sc, &c.plan);
        let (before, after) = c.cells_before_after();
        if before != after {
            return Vec::new();
        }
        let message = if p.return_date == Some(p.date) && p.return_shift == Some(p.shift) {
            format!(
                "{} would give {} to {}, who would return the same shift on the same day: nothing changes hands",
                sc.who(p.a),
                sc.when(p.date, p.shift),
                sc.who(p.b)
            )
        } else {
            format!(
                "the swap between {} and {} changes no assignment",
                sc.who(p.a),
                sc.who(p.b)
            )
        };
        vec![c.violation(self.id(), p.a, p.date, p.shift, message)]
    }
}

impl SwapRule for SwapSkill {
    fn id(&self) -> RuleId {
        RuleId::SwapSkill
    }
    fn summary(&self) -> &'static str {
        "same job type, grades within swap_grade_gap"
    }
    fn check(&self, c: &SwapCtx) -> Vec<Violation> {
        let (sc, p) = (c.sc, &c.plan);
        let (a, b) = (&sc.staff[p.a], &sc.staff[p.b]);
        let mut out = Vec::new();
        if a.job != b.job {
            out.push(c.violation(
                self.id(),
                p.b,
                p.date,
                p.shift,
                format!(
                    "{} is {} and {} is {}; only the same job type can swap",
                    sc.who(p.a),
                    a.job,
                    sc.who(p.b),
                    b.job
                ),
            ));
        }
        let gap = (a.grade.rank() - b.grade.rank()).unsigned_abs();
        if gap > sc.rules.swap_grade_gap as u64 {
            out.push(c.violation(
                self.id(),
                p.b,
                p.date,
                p.shift,
                format!(
                    "{} is {} and {} is {}; grades may differ by at most {}",
                    sc.who(p.a),
                    a.grade.name(),
                    sc.who(p.b),
                    b.grade.name(),
                    sc.rules.swap_grade_gap
                ),
            ));
        }
        out
    }
}

impl SwapRule for SwapApproval {
    fn id(&self) -> RuleId {
        RuleId::SwapApproval
    }
    fn summary(&self) -> &'static str {
        "both team leads have approved"
    }
    fn check(&self, c: &SwapCtx) -> Vec<Violation> {
        if c.plan.approved {
            return Vec::new();
        }
        let sc = c.sc;
        let lead_of = |i: usize| match sc.staff[i].team {
            Some(t) => match sc.teams[t].lead {
                Some(l) => format!("team {}'s lead {}", sc.teams[t].code, sc.who(l)),
                None => format!("team {}'s lead", sc.teams[t].code),
            },
            None => format!("the lead of {}", sc.who(i)),
        };
        let mut leads = vec![lead_of(c.plan.a), lead_of(c.plan.b)];
        leads.dedup();
        vec![c.violation(
            self.id(),
            c.plan.a,
            c.plan.date,
            c.plan.shift,
            format!(
                "{} and {} may swap only with the approval of {}; pass --approved once given",
                sc.who(c.plan.a),
                sc.who(c.plan.b),
                leads.join(" and ")
            ),
        )]
    }
}

impl SwapRule for SwapLimit {
    fn id(&self) -> RuleId {
        RuleId::SwapLimit
    }
    fn summary(&self) -> &'static str {
        "at most max_swaps_per_month swaps per person"
    }
    fn check(&self, c: &SwapCtx) -> Vec<Violation> {
        let max = c.sc.rules.max_swaps_per_month as usize;
        [c.plan.a, c.plan.b]
            .into_iter()
            .filter_map(|i| {
                let n = c.earlier_swaps(i).count() + 1;
                (n > max).then(|| {
                    c.violation(
                        self.id(),
                        i,
                        c.plan.date,
                        c.plan.shift,
                        format!(
                            "{} would be in {n} swaps this month (at most {max})",
                            c.sc.who(i)
                        ),
                    )
                })
            })
            .collect()
    }
}

impl SwapRule for SwapConsec {
    fn id(&self) -> RuleId {
        RuleId::SwapConsec
    }
    fn summary(&self) -> &'static str {
        "no swaps on adjacent days; an obtained shift is not swapped again"
    }
    fn check(&self, c: &SwapCtx) -> Vec<Violation> {
        let (sc, p) = (c.sc, &c.plan);
        let mut out = Vec::new();
        let new_dates: Vec<(NaiveDate, usize)> =
            p.moves().iter().map(|&(d, k, _, _)| (d, k)).collect();
        for person in [p.a, p.b] {
            for s in c.earlier_swaps(person) {
                for old in std::iter::once(s.date).chain(s.return_date) {
                    for &(d, k) in &new_dates {
                        if (d - old).num_days().abs() <= 1 {
                            out.push(c.violation(
                                self.id(),
                                person,
                                d,
                                k,
                                format!(
                                    "{} already swapped on {old} ({} with {}); a swap on {d} would make consecutive swaps",
                                    sc.who(person),
                                    s.a,
                                    s.b
                                ),
                            ));
                        }
                    }
                }
            }
        }
        // A shift obtained in an earlier swap (taken, or received back in the return).
        for (d, k, giver, _) in p.moves() {
            let code = sc.shifts[k].code.as_str();
            let id = sc.staff[giver].id.as_str();
            let obtained = c.idx.roster.swaps.iter().any(|s| {
                (s.b == id && s.date == d && s.shift == code)
                    || (s.a == id
                        && s.return_date == Some(d)
                        && s.return_shift.as_deref() == Some(code))
            });
            if obtained {
                out.push(c.violation(
                    self.id(),
                    giver,
                    d,
                    k,
                    format!(
                        "{} obtained {} in a swap; it cannot be swapped again",
                        sc.who(giver),
                        sc.when(d, k)
                    ),
                ));
            }
        }
        out.dedup();
        out
    }
}

impl SwapRule for SwapRest {
    fn id(&self) -> RuleId {
        RuleId::SwapRest
    }
    fn summary(&self) -> &'static str {
        "no two shifts a day and no back-to-back shifts for either person"
    }
    fn check(&self, c: &SwapCtx) -> Vec<Violation> {
        // Absolute for A and B, not only what the swap brings in: after it neither may hold
        // two shifts a day or work back to back, whatever the roster had before.
        let sc = c.sc;
        let people = [
            sc.staff[c.plan.a].id.as_str(),
            sc.staff[c.plan.b].id.as_str(),
        ];
        c.after()
            .iter()
            .filter(|v| matches!(v.rule, RuleId::RosterOne | RuleId::RosterRest))
            .filter(|v| {
                c.introduced().contains(v)
                    || v.staff.as_deref().is_some_and(|s| people.contains(&s))
            })
            .map(|v| wrap(self.id(), v, c))
            .collect()
    }
}

impl SwapRule for SwapLeave {
    fn id(&self) -> RuleId {
        RuleId::SwapLeave
    }
    fn summary(&self) -> &'static str {
        "nobody takes a shift during their own leave"
    }
    fn check(&self, c: &SwapCtx) -> Vec<Violation> {
        let sc = c.sc;
        c.plan
            .moves()
            .into_iter()
            .filter_map(|(d, k, _, taker)| {
                let l = sc.approved_leave_on(taker, d)?;
                Some(c.violation(
                    self.id(),
                    taker,
                    d,
                    k,
                    format!(
                        "{} would take {} during their {} leave {} ({} to {})",
                        sc.who(taker),
                        sc.when(d, k),
                        l.kind.name(),
                        l.id,
                        l.from,
                        l.to
                    ),
                ))
            })
            .collect()
    }
}

impl SwapRule for SwapHoliday {
    fn id(&self) -> RuleId {
        RuleId::SwapHoliday
    }
    fn summary(&self) -> &'static str {
        "no shift on a public holiday is swapped"
    }
    fn check(&self, c: &SwapCtx) -> Vec<Violation> {
        let sc = c.sc;
        c.plan
            .moves()
            .into_iter()
            .filter(|&(d, _, _, _)| sc.holidays.contains(&d))
            .map(|(d, k, giver, _)| {
                c.violation(
                    self.id(),
                    giver,
                    d,
                    k,
                    format!(
                        "{} of {} is on a public holiday; holiday shifts are not swapped",
                        sc.when(d, k),
                        sc.who(giver)
                    ),
                )
            })
            .collect()
    }
}

impl SwapRule for SwapRoster {
    fn id(&self) -> RuleId {
        RuleId::SwapRoster
    }
    fn summary(&self) -> &'static str {
        "every other roster rule still holds after the swap"
    }
    fn check(&self, c: &SwapCtx) -> Vec<Violation> {
        // ONE/REST are SWAP-REST's and leave is SWAP-LEAVE's: one cause, one report.
        c.introduced()
            .iter()
            .filter(|v| {
                !matches!(
                    v.rule,
                    RuleId::RosterOne | RuleId::RosterRest | RuleId::RosterLeave
                )
            })
            .map(|v| wrap(self.id(), v, c))
            .collect()
    }
}

/// A roster violation restated as the swap's: "after the swap, …: ROSTER-REST". Every
/// violation names a person, a date and a shift: a shift-level one (cover, lead) names
/// the person taking that shift; a month-level one (load) the shift the person moves.
fn wrap(rule: RuleId, v: &Violation, c: &SwapCtx) -> Violation {
    let sc = c.sc;
    let moves = c.plan.moves();
    let mut out = Violation {
        rule,
        staff: v.staff.clone(),
        date: v.date,
        shift: v.shift.clone(),
        message: format!("after the swap, {}: {}", v.message, v.rule),
    };
    if out.staff.is_none()
        && let Some(&(_, _, _, taker)) = moves
            .iter()
            .find(|m| Some(m.0) == v.date && v.shift.as_deref() == Some(&sc.shifts[m.1].code))
    {
        out.staff = Some(sc.staff[taker].id.clone());
    }
    if out.date.is_none()
        && let Some(&(d, k, _, _)) = moves.iter().find(|m| {
            let ids = [&sc.staff[m.2].id, &sc.staff[m.3].id];
            v.staff.as_ref().is_some_and(|s| ids.contains(&s))
        })
    {
        out.date = Some(d);
        out.shift = Some(sc.shifts[k].code.clone());
    }
    out
}

/// One person's week around the swap, before and after: shift codes, `-` for a day off.
#[derive(Debug, Clone, Serialize)]
pub struct WeekRow {
    pub staff: String,
    pub name: String,
    pub dates: Vec<NaiveDate>,
    pub before: Vec<String>,
    pub after: Vec<String>,
}

/// The verdict on a swap.
#[derive(Debug, Clone, Serialize)]
pub struct SwapOutcome {
    pub accepted: bool,
    pub swap: Swap,
    /// One-way swap whose return is still to be agreed.
    pub return_pending: bool,
    pub violations: Vec<Violation>,
    pub weeks: Vec<WeekRow>,
    /// The roster after the swap, with the swap recorded; only when accepted.
    #[serde(skip)]
    pub roster: Option<Roster>,
}

/// All violations of the plan; with `first_only`, stops at the first rule that fails
/// (what `--candidates` needs to know).
pub fn violations(idx: &RosterIndex, plan: SwapPlan, first_only: bool) -> Vec<Violation> {
    let ctx = SwapCtx::new(idx, plan);
    let mut out = Vec::new();
    for r in swap_rules() {
        out.extend(r.check(&ctx));
        if first_only && !out.is_empty() {
            break;
        }
    }
    out
}

/// Judges a swap against every SWAP-* rule; when accepted, builds the new roster.
pub fn check_swap(
    sc: &Scenario,
    roster: &Roster,
    req: &SwapRequest,
) -> Result<SwapOutcome, BadRequest> {
    let granted = roster.granted_scenario(sc);
    let sc = granted.as_ref();
    let idx = RosterIndex::new(sc, roster);
    let plan = SwapPlan::resolve(sc, &idx, req)?;
    let violations = violations(&idx, plan, false);
    let mut after = roster.clone();
    apply(sc, &plan, &mut after.assignments);
    after.sort(sc);
    after.swaps.push(plan.record(sc));
    let weeks = week_rows(sc, roster, &after, &plan);
    let accepted = violations.is_empty();
    Ok(SwapOutcome {
        accepted,
        swap: plan.record(sc),
        return_pending: plan.return_date.is_none(),
        violations,
        weeks,
        roster: accepted.then_some(after),
    })
}

/// Both people's Monday-to-Sunday weeks holding the moved shifts, clipped to the month.
fn week_rows(sc: &Scenario, before: &Roster, after: &Roster, plan: &SwapPlan) -> Vec<WeekRow> {
    let mut dates: Vec<NaiveDate> = Vec::new();
    for (d, _, _, _) in plan.moves() {
        let monday = d - chrono::Days::new(d.weekday().num_days_from_monday() as u64);
        for i in 0..7 {
            let day = monday + chrono::Days::new(i);
            if sc.month.contains(day) && !dates.contains(&day) {
                dates.push(day);
            }
        }
    }
    dates.sort();
    let cells = |r: &Roster, id: &str| -> Vec<String> {
        dates
            .iter()
            .map(|d| {
                let codes: Vec<&str> = r
                    .assignments
                    .iter()
                    .filter(|a| a.staff == id && a.date == *d)
                    .map(|a| a.shift.as_str())
                    .collect();
                if codes.is_empty() {
                    "-".into()
                } else {
                    codes.join("+")
                }
            })
            .collect()
    };
    [plan.a, plan.b]
        .into_iter()
        .map(|i| {
            let p = &sc.staff[i];
            WeekRow {
                staff: p.id.clone(),
                name: p.name.clone(),
                dates: dates.clone(),
                before: cells(before, &p.id),
                after: cells(after, &p.id),
            }
        })
        .collect()
}

/// SWAP-SKILL and SWAP-LIMIT hold for this pair whatever the dates: lets `--candidates`
/// drop a person before trying their return dates.
pub(crate) fn person_may_swap(idx: &RosterIndex, plan: &SwapPlan) -> bool {
    let ctx = SwapCtx::new(idx, *plan);
    SwapSkill.check(&ctx).is_empty() && SwapLimit.check(&ctx).is_empty()
}
