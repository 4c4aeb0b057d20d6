//! The verdict on a swap: every SWAP-* rule's violations, the new roster when accepted,
//! and both people's weeks before and after.

use super::plan::{SwapPlan, apply};
use super::rules::{SwapCtx, SwapLimit, SwapRule, SwapSkill, swap_rules};
use super::{BadRequest, SwapRequest};
use crate::model::{Roster, Scenario, Swap};
use crate::rules::{RosterView, Violation};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

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
pub fn violations(idx: &RosterView, plan: SwapPlan, first_only: bool) -> Vec<Violation> {
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
    let idx = RosterView::new(sc, roster);
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
pub(crate) fn person_may_swap(idx: &RosterView, plan: &SwapPlan) -> bool {
    let ctx = SwapCtx::new(idx, *plan);
    SwapSkill.check(&ctx).is_empty() && SwapLimit.check(&ctx).is_empty()
}
