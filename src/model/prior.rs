//! `[[prior]]`: what each person worked earlier in the year, so that the fairness spreads
//! can be over the year rather than the month (issue 12).

use super::error::InputError;
use super::raw::RawPrior;
use serde::Serialize;
use std::collections::HashMap;

/// Night, weekend and holiday shifts a person worked earlier this year. `weekends` are
/// shifts starting on a weekend day that is not a public holiday, `holidays` those starting
/// on a public holiday: the weekend fairness spread counts both, as it does within a month.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PriorCounts {
    pub staff: usize,
    pub nights: u32,
    pub weekends: u32,
    pub holidays: u32,
}

impl PriorCounts {
    /// What the weekend fairness measure counts: weekend and holiday starts alike.
    pub fn weekends_and_holidays(&self) -> u32 {
        self.weekends + self.holidays
    }
}

/// More shifts of a kind than days in a year cannot have been worked.
const MAX_PRIOR_COUNT: i64 = 366;

/// Validates the rows: known staff, one row per person, counts in 0..=366.
pub(super) fn prior_counts(
    rows: &[RawPrior],
    staff_index: &HashMap<String, usize>,
    err: impl Fn(String, String) -> InputError,
) -> Result<Vec<PriorCounts>, InputError> {
    let mut out: Vec<PriorCounts> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let place = format!("[[prior]] #{}", i + 1);
        let Some(&staff) = staff_index.get(&row.staff) else {
            return Err(err(
                format!("{place} staff"),
                format!("unknown staff id `{}`", row.staff),
            ));
        };
        if out.iter().any(|p| p.staff == staff) {
            return Err(err(place, format!("{} has two [[prior]] rows", row.staff)));
        }
        let count = |key: &str, v: i64| -> Result<u32, InputError> {
            if (0..=MAX_PRIOR_COUNT).contains(&v) {
                Ok(v as u32)
            } else {
                Err(err(
                    format!("{place} {key}"),
                    format!("{v} is out of range: shifts so far this year, 0 to {MAX_PRIOR_COUNT}"),
                ))
            }
        };
        out.push(PriorCounts {
            staff,
            nights: count("nights", row.nights)?,
            weekends: count("weekends", row.weekends)?,
            holidays: count("holidays", row.holidays)?,
        });
    }
    Ok(out)
}
