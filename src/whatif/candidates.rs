//! "Who could take my shift?": everyone for whom the swap passes every SWAP-* rule but the
//! approval (which the leads give after choosing), with the return dates that would pass
//! too, ranked by least disruption: the smallest change of the fairness terms of the
//! objective, then the widest rest margin around the moved shifts.

use super::swap::{SwapPlan, violations};
use super::{BadRequest, RequestField};
use crate::model::{Roster, Scenario};
use crate::rules::{Duty, RosterView};
use chrono::NaiveDate;
use rayon::prelude::*;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct ReturnOption {
    pub date: NaiveDate,
    pub shift: String,
    /// Change of fair_nights + fair_weekends (weighted) if this swap and return happen.
    pub fairness_drift: f64,
    /// Hours of rest beyond the minimum around the moved shifts; None when no neighbour.
    pub rest_margin_hours: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    pub staff: String,
    pub name: String,
    /// The one-way swap (return still to agree) passes on its own.
    pub one_way: bool,
    /// Of the best accepted option (one-way or a return).
    pub fairness_drift: f64,
    pub rest_margin_hours: Option<f64>,
    pub returns: Vec<ReturnOption>,
}

/// Candidates to take `a`'s shift on `date`, best first.
pub fn candidates(
    sc: &Scenario,
    roster: &Roster,
    a: usize,
    date: NaiveDate,
) -> Result<Vec<Candidate>, BadRequest> {
    let granted = roster.granted_scenario(sc);
    let sc = granted.as_ref();
    let idx = RosterView::new(sc, roster);
    let shift = idx.shift_on(a, date).ok_or_else(|| {
        BadRequest::in_field(
            RequestField::Date,
            format!("{} has no shift on {date} to give away", sc.who(a)),
        )
    })?;
    let fair = Fairness::new(sc, &idx);
    let mut out: Vec<Candidate> = (0..sc.staff.len())
        .into_par_iter()
        .filter(|&b| b != a)
        .filter_map(|b| {
            let one = SwapPlan {
                a,
                b,
                date,
                shift,
                return_date: None,
                return_shift: None,
                approved: true,
            };
            let ok = |p: SwapPlan| violations(&idx, p, true).is_empty();
            // SWAP-SKILL and SWAP-LIMIT do not depend on the return: skip the person early.
            if !super::swap::person_may_swap(&idx, &one) {
                return None;
            }
            let one_way = ok(one);
            let mut returns: Vec<ReturnOption> = idx.by_staff[b]
                .iter()
                .filter_map(|duty| {
                    let (d2, k2) = (duty.day, duty.shift);
                    let p = SwapPlan {
                        return_date: Some(sc.date(d2)),
                        return_shift: Some(k2),
                        ..one
                    };
                    ok(p).then(|| ReturnOption {
                        date: sc.date(d2),
                        shift: sc.shifts[k2].code.clone(),
                        fairness_drift: fair.drift(&p),
                        rest_margin_hours: rest_margin(sc, &idx, &p),
                    })
                })
                .collect();
            // A lead reads return dates as a calendar: in date order. The candidate's own
            // rank is that of their best option.
            returns.sort_by_key(|r| (r.date, sc.shift_by_code(&r.shift)));
            let mut best: Option<(f64, Option<f64>)> = returns
                .iter()
                .map(|r| (r.fairness_drift, r.rest_margin_hours))
                .min_by(|x, y| rank(x.0, x.1).partial_cmp(&rank(y.0, y.1)).expect("finite"));
            if one_way {
                let o = (fair.drift(&one), rest_margin(sc, &idx, &one));
                if best.is_none_or(|b| rank(o.0, o.1) < rank(b.0, b.1)) {
                    best = Some(o);
                }
            }
            let (fairness_drift, rest_margin_hours) = best?;
            Some(Candidate {
                staff: sc.staff[b].id.clone(),
                name: sc.staff[b].name.clone(),
                one_way,
                fairness_drift,
                rest_margin_hours,
                returns,
            })
        })
        .collect();
    out.sort_by(|x, y| {
        rank(x.fairness_drift, x.rest_margin_hours)
            .partial_cmp(&rank(y.fairness_drift, y.rest_margin_hours))
            .expect("finite")
            .then_with(|| sc.staff_by_id(&x.staff).cmp(&sc.staff_by_id(&y.staff)))
    });
    Ok(out)
}

/// Sort key: least drift, then most rest (no neighbouring shift is the most rest).
fn rank(drift: f64, margin: Option<f64>) -> (f64, f64) {
    (drift, -margin.unwrap_or(1e6))
}

/// Night and weekend counts per person, to price a swap's effect on the fairness ranges.
struct Fairness<'a> {
    sc: &'a Scenario,
    nights: Vec<i64>,
    weekends: Vec<i64>,
}

impl<'a> Fairness<'a> {
    fn new(sc: &'a Scenario, idx: &RosterView) -> Self {
        let mut nights = vec![0; sc.staff.len()];
        let mut weekends = vec![0; sc.staff.len()];
        for &Duty {
            staff: i,
            day: d,
            shift: k,
            ..
        } in &idx.duties
        {
            if sc.shifts[k].night {
                nights[i] += 1;
            }
            if sc.is_weekend_or_holiday(sc.date(d)) {
                weekends[i] += 1;
            }
        }
        Fairness {
            sc,
            nights,
            weekends,
        }
    }

    /// Weighted change of the night and weekend ranges of A's and B's job types.
    fn drift(&self, p: &SwapPlan) -> f64 {
        let sc = self.sc;
        let (mut n, mut w) = (self.nights.clone(), self.weekends.clone());
        for (d, k, giver, taker) in p.moves() {
            let (dn, dw) = (
                sc.shifts[k].night as i64,
                sc.is_weekend_or_holiday(d) as i64,
            );
            n[giver] -= dn;
            n[taker] += dn;
            w[giver] -= dw;
            w[taker] += dw;
        }
        let mut jobs = vec![&sc.staff[p.a].job, &sc.staff[p.b].job];
        jobs.dedup();
        let range = |v: &[i64], job: &str| {
            let it = || {
                (0..sc.staff.len())
                    .filter(|&i| sc.staff[i].job == job)
                    .map(|i| v[i])
            };
            it().max().unwrap_or(0) - it().min().unwrap_or(0)
        };
        jobs.iter()
            .map(|job| {
                sc.weights.fair_nights * (range(&n, job) - range(&self.nights, job)) as f64
                    + sc.weights.fair_weekends
                        * (range(&w, job) - range(&self.weekends, job)) as f64
            })
            .sum()
    }
}

/// The least rest beyond `min_rest_hours`, in hours, between each moved shift and its
/// taker's neighbouring shifts after the swap (history counted).
fn rest_margin(sc: &Scenario, idx: &RosterView, p: &SwapPlan) -> Option<f64> {
    let moves = p.moves();
    let mut best: Option<i64> = None;
    for &(d, k, _, taker) in &moves {
        let mut seq: Vec<(NaiveDate, usize)> = sc
            .history
            .iter()
            .filter(|h| h.staff == taker)
            .map(|h| (h.date, h.shift))
            .collect();
        seq.extend(
            idx.by_staff[taker]
                .iter()
                .map(|duty| (sc.date(duty.day), duty.shift))
                .filter(|&(d2, k2)| !moves.iter().any(|m| m.2 == taker && m.0 == d2 && m.1 == k2)),
        );
        seq.sort_by_key(|&(d, k)| sc.shift_window(d, k).0);
        let start = sc.shift_window(d, k).0;
        let prev = seq
            .iter()
            .rev()
            .find(|&&(d2, k2)| sc.shift_window(d2, k2).0 < start);
        let next = seq
            .iter()
            .find(|&&(d2, k2)| sc.shift_window(d2, k2).0 > start);
        let min_rest = sc.rules.min_rest_minutes();
        let gaps = [
            prev.map(|&(d2, k2)| sc.report_time(d, k) - sc.shift_window(d2, k2).1),
            next.map(|&(d2, k2)| sc.report_time(d2, k2) - sc.shift_window(d, k).1),
        ];
        for g in gaps.into_iter().flatten() {
            let m = g - min_rest;
            best = Some(best.map_or(m, |b| b.min(m)));
        }
    }
    best.map(|m| (m as f64 / 60.0 * 100.0).round() / 100.0)
}
