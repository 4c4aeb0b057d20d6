use super::{RosterView, Rule, RuleId, Violation};
use crate::model::Scenario;
use chrono::NaiveDate;
use std::collections::BTreeSet;

/// ROSTER-CONSEC: at most `max_consecutive_days` working days and `max_consecutive_nights`
/// nights in a row, counting the previous month's `[history]`; and, whatever the parameter,
/// a day off in every seven (labour law, art. 38).
pub struct RosterConsec;

impl Rule for RosterConsec {
    fn id(&self) -> RuleId {
        RuleId::RosterConsec
    }
    fn summary(&self) -> &'static str {
        "consecutive working days and nights"
    }
    fn check(&self, v: &RosterView) -> Vec<Violation> {
        let sc = v.sc;
        let max_days = sc.rules.effective_max_consecutive_days();
        let max_nights = sc.rules.max_consecutive_nights;
        let mut out = Vec::new();
        for staff in 0..sc.staff.len() {
            let (days, nights) = worked_dates(sc, v, staff);
            for (dates, max, what) in [
                (&days, max_days, "working days"),
                (&nights, max_nights, "night shifts"),
            ] {
                for (end, run) in runs_over(dates, max, |d| sc.month.contains(d)) {
                    let day = sc.month.day_index(end).expect("in month");
                    let shift = v.by_staff[staff]
                        .iter()
                        .find(|d| d.day == day)
                        .map(|d| d.shift);
                    out.push(v.violation(
                        self.id(),
                        Some(staff),
                        Some(day),
                        shift,
                        format!(
                            "{} would work {run} {what} in a row up to {end} (at most {max})",
                            v.who(staff)
                        ),
                    ));
                }
            }
        }
        out
    }
}

/// Dates worked and dates with a night shift, history included.
fn worked_dates(
    sc: &Scenario,
    v: &RosterView,
    staff: usize,
) -> (BTreeSet<NaiveDate>, BTreeSet<NaiveDate>) {
    let mut days = BTreeSet::new();
    let mut nights = BTreeSet::new();
    let history = sc
        .history
        .iter()
        .filter(|h| h.staff == staff)
        .map(|h| (h.date, h.shift));
    let month = v.by_staff[staff].iter().map(|d| (sc.date(d.day), d.shift));
    for (date, shift) in history.chain(month) {
        days.insert(date);
        if sc.shifts[shift].night {
            nights.insert(date);
        }
    }
    (days, nights)
}

/// For each run of consecutive dates longer than `max`, the first date of it that counts
/// (`counts`: inside the month, since history alone is not this roster's fault) on which
/// the run is too long, with the run's length there.
fn runs_over(
    dates: &BTreeSet<NaiveDate>,
    max: u32,
    counts: impl Fn(NaiveDate) -> bool,
) -> Vec<(NaiveDate, u32)> {
    let mut out = Vec::new();
    let mut run = 0u32;
    let mut reported = false;
    let mut prev: Option<NaiveDate> = None;
    for &d in dates {
        if !matches!(prev, Some(p) if (d - p).num_days() == 1) {
            run = 0;
            reported = false;
        }
        run += 1;
        if run > max && !reported && counts(d) {
            out.push((d, run));
            reported = true;
        }
        prev = Some(d);
    }
    out
}
