//! The SWAP-* rules, one type each with its ID, judged on a `SwapCtx`: the plan, the roster
//! index, and (computed once, when a rule asks) the roster rules broken after the swap on
//! the local roster.

use super::plan::{SwapPlan, apply, local};
use crate::model::{Assignment, Roster, Scenario, Swap};
use crate::rules::{RosterView, RuleId, Violation, check_roster};
use chrono::NaiveDate;
use std::cell::OnceCell;
use std::collections::HashSet;

/// Everything a SWAP-* rule may look at.
pub struct SwapCtx<'a> {
    pub sc: &'a Scenario,
    pub idx: &'a RosterView<'a>,
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
    pub fn new(idx: &'a RosterView<'a>, plan: SwapPlan) -> Self {
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
            let before = local(self.idx, &self.plan);
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
        let before = local(self.idx, &self.plan);
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

    /// One violation per shift that changes hands and breaks `rule`: `fault` is given the
    /// move (date, shift, giver, taker) and names the person the fault is about and what is
    /// wrong, or `None` when the move is fine.
    fn per_move(
        &self,
        rule: RuleId,
        fault: impl Fn(NaiveDate, usize, usize, usize) -> Option<(usize, String)>,
    ) -> Vec<Violation> {
        self.plan
            .moves()
            .into_iter()
            .filter_map(|(d, k, giver, taker)| {
                let (who, message) = fault(d, k, giver, taker)?;
                Some(self.violation(rule, who, d, k, message))
            })
            .collect()
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
                "{} and {} may swap only with the approval of {}, not yet given",
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
        c.per_move(self.id(), |d, k, _, taker| {
            let l = sc.approved_leave_on(taker, d)?;
            Some((
                taker,
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
        c.per_move(self.id(), |d, k, giver, _| {
            sc.holidays.contains(&d).then(|| {
                (
                    giver,
                    format!(
                        "{} of {} is on a public holiday; holiday shifts are not swapped",
                        sc.when(d, k),
                        sc.who(giver)
                    ),
                )
            })
        })
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
