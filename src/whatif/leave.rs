//! 请假: whether a leave request deserves approval, by every LEAVE-* rule of RULES.md. The
//! request is a `model::LeaveRequest`, the same type a scenario's `[[leave]]` holds, so an
//! accepted request can be added to the scenario as it is.
//!
//! Leave is in whole days (the contract's `--from`/`--to` are dates), so sick leave always
//! counts as "a full day or more" for LEAVE-CERT.

use crate::model::{Approver, LeaveKind, LeaveRequest, Roster, Scenario};
use crate::rules::{RosterView, RuleId, Violation};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::Serialize;

/// Everything a LEAVE-* rule may look at.
pub struct LeaveCtx<'a> {
    pub sc: &'a Scenario,
    pub roster: &'a Roster,
    pub req: &'a LeaveRequest,
    /// The person's rostered shifts during the leave, in order of start.
    pub affected: Vec<(NaiveDate, usize)>,
}

impl LeaveCtx<'_> {
    fn violation(
        &self,
        rule: RuleId,
        at: Option<(NaiveDate, usize)>,
        message: String,
    ) -> Violation {
        Violation {
            rule,
            staff: Some(self.sc.staff[self.req.staff].id.clone()),
            date: Some(at.map(|(d, _)| d).unwrap_or(self.req.from)),
            shift: at.map(|(_, k)| self.sc.shifts[k].code.clone()),
            message,
        }
    }

    fn person(&self) -> String {
        self.sc.who(self.req.staff)
    }

    /// Minutes from the start of the month, the clock `Scenario::report_time` uses.
    fn minutes(&self, t: NaiveDateTime) -> i64 {
        (t - self.sc.month.first_day().and_time(NaiveTime::MIN)).num_minutes()
    }

    fn first_affected(&self) -> Option<(NaiveDate, usize)> {
        self.affected.first().copied()
    }
}

pub trait LeaveRule {
    /// The stable ID of RULES.md, e.g. `LEAVE-NOTICE`.
    fn id(&self) -> RuleId;
    fn summary(&self) -> &'static str;
    fn check(&self, ctx: &LeaveCtx) -> Vec<Violation>;
}

/// LEAVE-NOTICE: personal 24 h, special 1 h before the report time of the first affected
/// shift; sick leave before that report time.
pub struct LeaveNotice;
/// LEAVE-APPROVER: ≤ 1 day by the department head or above; more by the centre director.
pub struct LeaveApprover;
/// LEAVE-PROXY: only sick leave may be filed by someone else.
pub struct LeaveProxy;
/// LEAVE-CERT: sick leave of a full day or more carries a certificate, unless an emergency.
pub struct LeaveCert;
/// LEAVE-NIGHT: no leave on a rostered night shift unless special, asked before 12:00 that
/// day and approved by management.
pub struct LeaveNight;
/// LEAVE-HOLIDAY: no leave on a public holiday unless special, asked 2 days ahead and
/// approved by management.
pub struct LeaveHoliday;
/// LEAVE-SWAPPED: no leave on a shift taken or returned in a swap, nor on a holiday one is
/// rostered for.
pub struct LeaveSwapped;

pub fn leave_rules() -> Vec<Box<dyn LeaveRule + Sync>> {
    vec![
        Box::new(LeaveNotice),
        Box::new(LeaveApprover),
        Box::new(LeaveProxy),
        Box::new(LeaveCert),
        Box::new(LeaveNight),
        Box::new(LeaveHoliday),
        Box::new(LeaveSwapped),
    ]
}

fn hours(minutes: i64) -> String {
    let h = minutes as f64 / 60.0;
    if (h - h.round()).abs() < 1e-9 {
        format!("{}", h.round())
    } else {
        format!("{h:.1}")
    }
}

impl LeaveRule for LeaveNotice {
    fn id(&self) -> RuleId {
        RuleId::LeaveNotice
    }
    fn summary(&self) -> &'static str {
        "requested early enough before the first affected shift"
    }
    fn check(&self, c: &LeaveCtx) -> Vec<Violation> {
        // Nothing rostered during the leave: nobody has to be found, so no notice is due.
        let Some(first) = c.first_affected() else {
            return Vec::new();
        };
        let report = c.sc.report_time(first.0, first.1);
        let Some(at) = c.req.requested_at else {
            return vec![c.violation(
                self.id(),
                Some(first),
                format!("{}'s request has no time it was made", c.person()),
            )];
        };
        let ahead = report - c.minutes(at);
        let (needed, what) = match c.req.kind {
            LeaveKind::Sick => (1, "sick leave must be asked before the report time"),
            LeaveKind::Special => (60, "special leave needs 1 h notice"),
            LeaveKind::Personal | LeaveKind::Annual => {
                (24 * 60, "personal leave needs 24 h notice")
            }
        };
        if ahead >= needed {
            return Vec::new();
        }
        let report_at =
            c.sc.month.first_day().and_time(NaiveTime::MIN) + chrono::Duration::minutes(report);
        let gap = if ahead >= 0 {
            format!("{} h before", hours(ahead))
        } else {
            format!("{} h after", hours(-ahead))
        };
        vec![c.violation(
            self.id(),
            Some(first),
            format!(
                "{} asked for {} leave at {}, {gap} reporting at {} for {}; {}",
                c.person(),
                c.req.kind.name(),
                at.format("%Y-%m-%d %H:%M"),
                report_at.format("%Y-%m-%d %H:%M"),
                c.sc.when(first.0, first.1),
                what
            ),
        )]
    }
}

impl LeaveRule for LeaveApprover {
    fn id(&self) -> RuleId {
        RuleId::LeaveApprover
    }
    fn summary(&self) -> &'static str {
        "approved at the right level for its length"
    }
    fn check(&self, c: &LeaveCtx) -> Vec<Violation> {
        let days = c.req.days();
        let (needed, title) = if days <= 1 {
            (
                Approver::DeptHead,
                "the department head (dept_head) or above",
            )
        } else {
            (
                Approver::CentreDirector,
                "the centre director (centre_director) or above",
            )
        };
        if c.req.approved_by >= needed {
            return Vec::new();
        }
        vec![c.violation(
            self.id(),
            c.first_affected(),
            format!(
                "{} day(s) of leave for {} need approval by {}; approved by: {}",
                days,
                c.person(),
                title,
                c.req.approved_by.name()
            ),
        )]
    }
}

impl LeaveRule for LeaveProxy {
    fn id(&self) -> RuleId {
        RuleId::LeaveProxy
    }
    fn summary(&self) -> &'static str {
        "only sick leave may be filed by someone else"
    }
    fn check(&self, c: &LeaveCtx) -> Vec<Violation> {
        let own = c.sc.staff[c.req.staff].id == c.req.filed_by_id;
        if own || c.req.kind == LeaveKind::Sick {
            return Vec::new();
        }
        let filer = match c.req.filed_by {
            Some(i) => c.sc.who(i),
            None => c.req.filed_by_id.clone(),
        };
        vec![c.violation(
            self.id(),
            c.first_affected(),
            format!(
                "{} filed {} leave for {}; only sick leave may be filed by someone else",
                filer,
                c.req.kind.name(),
                c.person()
            ),
        )]
    }
}

impl LeaveRule for LeaveCert {
    fn id(&self) -> RuleId {
        RuleId::LeaveCert
    }
    fn summary(&self) -> &'static str {
        "sick leave of a day or more has a medical certificate"
    }
    fn check(&self, c: &LeaveCtx) -> Vec<Violation> {
        if c.req.kind != LeaveKind::Sick || c.req.certificate || c.req.emergency {
            return Vec::new();
        }
        vec![c.violation(
            self.id(),
            c.first_affected(),
            format!(
                "{} asks for {} day(s) of sick leave without a medical certificate, and it is not an emergency",
                c.person(),
                c.req.days()
            ),
        )]
    }
}

impl LeaveRule for LeaveNight {
    fn id(&self) -> RuleId {
        RuleId::LeaveNight
    }
    fn summary(&self) -> &'static str {
        "night shifts only with special leave asked before noon, approved by management"
    }
    fn check(&self, c: &LeaveCtx) -> Vec<Violation> {
        let sc = c.sc;
        c.affected
            .iter()
            .filter(|&&(_, k)| sc.shifts[k].night)
            .filter_map(|&(d, k)| {
                let noon = d.and_time(NaiveTime::from_hms_opt(12, 0, 0).expect("noon"));
                let mut missing = Vec::new();
                if c.req.kind != LeaveKind::Special {
                    missing.push(format!("it is {} leave, not special", c.req.kind.name()));
                }
                match c.req.requested_at {
                    Some(t) if t < noon => {}
                    _ => missing.push(format!("it was not asked before 12:00 on {d}")),
                }
                if c.req.approved_by < Approver::Management {
                    missing.push(format!(
                        "it is approved by {}, not management",
                        c.req.approved_by.name()
                    ));
                }
                (!missing.is_empty()).then(|| {
                    c.violation(
                        self.id(),
                        Some((d, k)),
                        format!(
                            "{} is rostered on {}; leave on a night shift needs special leave asked before 12:00 that day and approved by management, but {}",
                            c.person(),
                            sc.when(d, k),
                            missing.join(", ")
                        ),
                    )
                })
            })
            .collect()
    }
}

impl LeaveRule for LeaveHoliday {
    fn id(&self) -> RuleId {
        RuleId::LeaveHoliday
    }
    fn summary(&self) -> &'static str {
        "public holidays only with special leave asked 2 days ahead, approved by management"
    }
    fn check(&self, c: &LeaveCtx) -> Vec<Violation> {
        let sc = c.sc;
        sc.holidays
            .range(c.req.from..=c.req.to)
            .filter_map(|&h| {
                let deadline = h.and_time(NaiveTime::MIN) - chrono::Duration::days(2);
                let mut missing = Vec::new();
                if c.req.kind != LeaveKind::Special {
                    missing.push(format!("it is {} leave, not special", c.req.kind.name()));
                }
                match c.req.requested_at {
                    Some(t) if t <= deadline => {}
                    _ => missing.push(format!(
                        "it was not asked by {}",
                        deadline.format("%Y-%m-%d %H:%M")
                    )),
                }
                if c.req.approved_by < Approver::Management {
                    missing.push(format!(
                        "it is approved by {}, not management",
                        c.req.approved_by.name()
                    ));
                }
                let shift = c.affected.iter().find(|&&(d, _)| d == h).copied();
                (!missing.is_empty()).then(|| {
                    c.violation(
                        self.id(),
                        shift,
                        format!(
                            "{} asks for leave on the public holiday {h}; that needs special leave asked 2 days ahead and approved by management, but {}",
                            c.person(),
                            missing.join(", ")
                        ),
                    )
                })
            })
            .collect()
    }
}

impl LeaveRule for LeaveSwapped {
    fn id(&self) -> RuleId {
        RuleId::LeaveSwapped
    }
    fn summary(&self) -> &'static str {
        "no leave on a swapped shift or a rostered holiday"
    }
    fn check(&self, c: &LeaveCtx) -> Vec<Violation> {
        let sc = c.sc;
        let id = sc.staff[c.req.staff].id.as_str();
        let mut out = Vec::new();
        for s in &c.roster.swaps {
            let got = if s.b == id && c.req.covers(s.date) {
                Some((s.date, s.shift.as_str(), "took", s.a.as_str()))
            } else if s.a == id
                && let (Some(d), Some(k)) = (s.return_date, s.return_shift.as_deref())
                && c.req.covers(d)
            {
                Some((d, k, "got back", s.b.as_str()))
            } else {
                None
            };
            if let Some((d, code, how, other)) = got {
                let k = sc.shift_by_code(code);
                let label = k
                    .map(|k| sc.when(d, k))
                    .unwrap_or_else(|| format!("{code} {d}"));
                out.push(c.violation(
                    self.id(),
                    k.map(|k| (d, k)),
                    format!(
                        "{} {how} {label} in a swap with {other}; no leave on a swapped shift",
                        c.person()
                    ),
                ));
            }
        }
        for &(d, k) in &c.affected {
            if sc.holidays.contains(&d) {
                out.push(c.violation(
                    self.id(),
                    Some((d, k)),
                    format!(
                        "{} is rostered on {} on a public holiday; no leave for the holiday one is rostered on",
                        c.person(),
                        sc.when(d, k)
                    ),
                ));
            }
        }
        out
    }
}

/// The verdict on a leave request.
#[derive(Debug, Clone, Serialize)]
pub struct LeaveOutcome {
    pub accepted: bool,
    pub staff: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub kind: LeaveKind,
    pub days: i64,
    /// Rostered shifts the leave takes the person off.
    pub affected: Vec<AffectedShift>,
    pub violations: Vec<Violation>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AffectedShift {
    pub date: NaiveDate,
    pub shift: String,
}

/// Judges a leave request against every LEAVE-* rule.
pub fn check_leave(sc: &Scenario, roster: &Roster, req: &LeaveRequest) -> LeaveOutcome {
    let granted = roster.granted_scenario(sc);
    let sc = granted.as_ref();
    let idx = RosterView::new(sc, roster);
    let mut affected: Vec<(NaiveDate, usize)> = idx.by_staff[req.staff]
        .iter()
        .map(|duty| (sc.date(duty.day), duty.shift))
        .filter(|&(d, _)| req.covers(d))
        .collect();
    affected.sort_by_key(|&(d, k)| sc.shift_window(d, k).0);
    let ctx = LeaveCtx {
        sc,
        roster,
        req,
        affected,
    };
    let violations: Vec<Violation> = leave_rules().iter().flat_map(|r| r.check(&ctx)).collect();
    LeaveOutcome {
        accepted: violations.is_empty(),
        staff: sc.staff[req.staff].id.clone(),
        from: req.from,
        to: req.to,
        kind: req.kind,
        days: req.days(),
        affected: ctx
            .affected
            .iter()
            .map(|&(date, k)| AffectedShift {
                date,
                shift: sc.shifts[k].code.clone(),
            })
            .collect(),
        violations,
    }
}
