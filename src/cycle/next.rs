//! `roster next`: next month's scenario. Everything that describes the centre (staff,
//! teams, shifts, seats, demand, mix, rules, weights, traffic) is carried as written; what
//! is dated is kept only where it falls in the new month; `[[history]]` is the end of the
//! roster as worked (its assignments already have the swaps applied); `[[prior]]` adds the
//! roster's night, weekend and holiday counts to the rows the scenario had.

use crate::model::{DayType, InputError, Month, Roster, Scenario, parse_date};
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::path::Path;
use toml::{Table, Value};

/// Why `next` cannot build the month.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NextError {
    /// The month asked for is not the one after the roster's; the caller names where it was
    /// asked (the CLI's `--month`).
    #[error(
        "{month} is not the month after the roster's {roster_month}; `next` carries one month into the one that follows"
    )]
    NotNextMonth { month: Month, roster_month: Month },
    /// The scenario's text, or the month built from it, does not load.
    #[error(transparent)]
    Input(#[from] InputError),
}

/// The new month's scenario: its text, the same text loaded, and what was carried.
#[derive(Debug)]
pub struct NextMonth {
    pub text: String,
    pub scenario: Scenario,
    pub carried: Carried,
}

/// What `next` took over, for the message that says so.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Carried {
    /// Days before the new month that `[[history]]` covers.
    pub history_days: u32,
    pub history_shifts: usize,
    pub leave: usize,
    pub requests: usize,
    pub events: usize,
    pub demand_overrides: usize,
    pub prior_rows: usize,
    /// The new month starts a new year: `[[prior]]` starts again from nothing.
    pub prior_reset: bool,
}

impl std::fmt::Display for Carried {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} history shifts (last {} days), {} leave, {} requests, {} events, {} demand overrides, ",
            self.history_shifts,
            self.history_days,
            self.leave,
            self.requests,
            self.events,
            self.demand_overrides
        )?;
        if self.prior_reset {
            write!(f, "no [[prior]] (a new year starts)")
        } else {
            write!(f, "{} [[prior]] rows", self.prior_rows)
        }
    }
}

/// The month after `month`.
pub fn month_after(month: Month) -> Month {
    let (year, m) = if month.month == 12 {
        (month.year + 1, 1)
    } else {
        (month.year, month.month + 1)
    };
    Month::parse(&format!("{year:04}-{m:02}")).expect("a real month")
}

/// Builds next month's scenario from the scenario's text (`source`, at `source_path`), the
/// same scenario loaded, and its roster as worked. `out_path` names the new file in any
/// message about it. The roster's rule violations are the caller's to judge.
pub fn next_month(
    source: &str,
    source_path: &Path,
    sc: &Scenario,
    roster: &Roster,
    month: Month,
    out_path: &Path,
) -> Result<NextMonth, NextError> {
    if month != month_after(sc.month) {
        return Err(NextError::NotNextMonth {
            month,
            roster_month: sc.month,
        });
    }
    let mut table: Table = toml::from_str(source).map_err(|e| {
        InputError::new(
            source_path,
            "",
            format!("cannot read the scenario as TOML: {e}"),
        )
    })?;
    let mut carried = Carried::default();
    table.insert("month".into(), Value::String(month.to_string()));
    if let Some(Value::String(name)) = table.get("name") {
        let renamed = rename_for(name, sc.month, month);
        table.insert("name".into(), Value::String(renamed));
    }
    carry_calendar(&mut table, month);
    carried.demand_overrides = keep_dated(&mut table, "demand_override", "date", month);
    carried.requests = keep_dated(&mut table, "request", "date", month);
    carried.events = keep_dated(&mut table, "event", "date", month);
    carried.leave = carry_leave(&mut table, roster, month);
    let (days, history) = history_rows(sc, roster);
    carried.history_days = days;
    carried.history_shifts = history.len();
    table.insert("history".into(), Value::Array(history));
    if month.year == sc.month.year {
        let prior = prior_rows(sc, roster);
        carried.prior_rows = prior.len();
        table.insert("prior".into(), Value::Array(prior));
    } else {
        carried.prior_reset = true;
        table.remove("prior");
    }
    let body = toml::to_string(&table).map_err(|e| {
        InputError::new(
            out_path,
            "",
            format!("cannot write the scenario as TOML: {e}"),
        )
    })?;
    let text = format!(
        "# {month}, written by `roster next` from {} and its roster.\n# Carried: {carried}.\n\n{body}",
        source_path.display()
    );
    let scenario = Scenario::from_toml(&text, out_path)?;
    Ok(NextMonth {
        text,
        scenario,
        carried,
    })
}

/// "客服部 2026年12月" becomes "客服部 2027年1月"; a name without the month stays.
pub(super) fn rename_for(name: &str, old: Month, new: Month) -> String {
    name.replace(
        &format!("{}年{}月", old.year, old.month),
        &format!("{}年{}月", new.year, new.month),
    )
    .replace(&old.to_string(), &new.to_string())
}

/// Keeps the scenario's own holidays and workdays that fall in the new month, and asks for
/// the built-in calendar (CN) unless the scenario named one.
pub(super) fn carry_calendar(table: &mut Table, month: Month) {
    let calendar = table
        .entry("calendar")
        .or_insert_with(|| Value::Table(Table::new()));
    let Value::Table(calendar) = calendar else {
        return;
    };
    for key in ["holidays", "workdays"] {
        if let Some(Value::Array(dates)) = calendar.get_mut(key) {
            dates.retain(|d| {
                d.as_str()
                    .and_then(parse_date)
                    .is_some_and(|d| month.contains(d))
            });
        }
    }
    calendar
        .entry("country")
        .or_insert_with(|| Value::String("CN".into()));
}

/// Keeps the rows of `[[key]]` whose `field` is a date in the month; returns how many.
pub(super) fn keep_dated(table: &mut Table, key: &str, field: &str, month: Month) -> usize {
    let Some(Value::Array(rows)) = table.get_mut(key) else {
        return 0;
    };
    rows.retain(|row| {
        row.get(field)
            .and_then(Value::as_str)
            .and_then(parse_date)
            .is_some_and(|d| month.contains(d))
    });
    rows.len()
}

/// Leave that reaches into the new month: the scenario's, and that granted since the
/// roster was made.
fn carry_leave(table: &mut Table, roster: &Roster, month: Month) -> usize {
    let granted = roster
        .leave
        .iter()
        .map(|g| Value::try_from(g).expect("granted leave is plain data"))
        .collect();
    keep_leave(table, granted, month)
}

/// `[[leave]]` and `extra` rows (skipped where the id repeats one) that reach into the
/// month, as written: the loader takes leave that overlaps its month, and the LEAVE rules
/// judge a leave by its whole length. Returns how many.
pub(super) fn keep_leave(table: &mut Table, extra: Vec<Value>, month: Month) -> usize {
    let mut rows = match table.remove("leave") {
        Some(Value::Array(rows)) => rows,
        _ => Vec::new(),
    };
    for row in extra {
        if !rows.iter().any(|r| r.get("id") == row.get("id")) {
            rows.push(row);
        }
    }
    let (first, last) = (month.first_day(), month.date(month.days() - 1));
    rows.retain(|row| {
        let date = |k: &str| row.get(k).and_then(Value::as_str).and_then(parse_date);
        matches!((date("from"), date("to")), (Some(from), Some(to)) if to >= first && from <= last)
    });
    let n = rows.len();
    if n > 0 {
        table.insert("leave".into(), Value::Array(rows));
    }
    n
}

/// How far back the rules look over the month boundary: the longest run of working days or
/// nights, and the rest after a shift that may end days later.
pub fn history_reach_days(sc: &Scenario) -> u32 {
    let latest_end = sc.shifts.iter().map(|s| s.end as i64).max().unwrap_or(0);
    let rest_days = ((latest_end + sc.rules.min_rest_minutes()) as f64 / 1440.0).ceil() as u32;
    sc.rules
        .effective_max_consecutive_days()
        .max(sc.rules.max_consecutive_nights)
        .max(rest_days)
        .clamp(1, crate::model::MAX_HISTORY_DAYS as u32)
}

/// `[[history]]` rows: the roster's assignments in its last `history_reach_days` days.
fn history_rows(sc: &Scenario, roster: &Roster) -> (u32, Vec<Value>) {
    let days = history_reach_days(sc).min(sc.days() as u32);
    let from = sc.date(sc.days() - days as usize);
    let mut rows: Vec<(NaiveDate, &str, &str)> = roster
        .assignments
        .iter()
        .filter(|a| a.date >= from && sc.month.contains(a.date))
        .map(|a| (a.date, a.staff.as_str(), a.shift.as_str()))
        .collect();
    rows.sort();
    let rows = rows
        .into_iter()
        .map(|(date, staff, shift)| {
            let mut t = Table::new();
            t.insert("staff".into(), Value::String(staff.into()));
            t.insert("date".into(), Value::String(date.to_string()));
            t.insert("shift".into(), Value::String(shift.into()));
            Value::Table(t)
        })
        .collect();
    (days, rows)
}

/// The year so far: the roster's night, weekend and holiday shifts plus the scenario's own
/// `[[prior]]`, one row per person on the staff list.
fn prior_rows(sc: &Scenario, roster: &Roster) -> Vec<Value> {
    let mut counts: BTreeMap<usize, [u32; 3]> = (0..sc.staff.len()).map(|i| (i, [0; 3])).collect();
    for p in &sc.prior {
        counts.insert(p.staff, [p.nights, p.weekends, p.holidays]);
    }
    for a in &roster.assignments {
        let (Some(i), Some(k)) = (sc.staff_by_id(&a.staff), sc.shift_by_code(&a.shift)) else {
            continue;
        };
        let c = counts.get_mut(&i).expect("every person has a row");
        if sc.shifts[k].night {
            c[0] += 1;
        }
        match sc.day_type(a.date) {
            DayType::Weekend => c[1] += 1,
            DayType::Holiday => c[2] += 1,
            DayType::Weekday => {}
        }
    }
    counts
        .into_iter()
        .map(|(i, [nights, weekends, holidays])| {
            let mut t = Table::new();
            t.insert("staff".into(), Value::String(sc.staff[i].id.clone()));
            t.insert("nights".into(), Value::Integer(nights.into()));
            t.insert("weekends".into(), Value::Integer(weekends.into()));
            t.insert("holidays".into(), Value::Integer(holidays.into()));
            Value::Table(t)
        })
        .collect()
}
