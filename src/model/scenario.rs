//! The validated scenario: every reference resolved to an index, every default applied.

use super::clock::{
    CLOCK_FORMAT, DATE_FORMAT, DATETIME_FORMAT, DayType, Month, parse_clock, parse_date,
    parse_datetime,
};
use super::error::{InputError, read_text, text_of};
use super::raw::*;
use super::traffic::Traffic;
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::ops::RangeInclusive;
use std::path::Path;

// The documented range of every numeric key (docs/contract.md, "Ranges and formats"). A
// value outside is refused with its key, the value and the range: nothing is wrapped or
// silently capped, except the two run limits, which mean "no limit" at and beyond the
// horizon and are clamped to it so no model or check builds windows longer than the data.

/// Seats of one seat type on one shift (demand, overrides), people in a grade mix, leads
/// per shift: far above any centre, far below where sums of them could overflow.
pub const MAX_HEADS: i64 = 10_000;
/// Shifts of one person in a month (min_shifts, max_shifts): a month has at most 31 days.
pub const MAX_SHIFTS_PER_MONTH: i64 = 31;
/// max_consecutive_days and max_consecutive_nights are accepted up to this and then
/// clamped to the horizon (days of the month + `MAX_HISTORY_DAYS`).
pub const MAX_RUN_LIMIT: i64 = 1_000_000_000;
/// Handover before a shift, minutes.
pub const MAX_HANDOVER_MINUTES: i64 = 240;
/// Rest between shifts, hours.
pub const MAX_REST_HOURS: f64 = 48.0;
/// Swaps per person and month: at most one a day.
pub const MAX_SWAPS_PER_MONTH: i64 = 31;
/// Grade steps between swap partners: junior to senior is 2.
pub const MAX_SWAP_GRADE_GAP: i64 = 2;
/// Objective weights and request weights: finite and at most 1e6, so the objective's
/// coefficients stay where the MIP solver's tolerances can still tell a roster apart.
pub const MAX_WEIGHT: f64 = 1e6;
/// `[[history]]` reaches at most this many days before the month.
pub const MAX_HISTORY_DAYS: i64 = 31;

/// 初级工 < 中级工 < 高级工. A person may sit at any seat whose minimum grade is at or
/// below theirs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Grade {
    Junior,
    Intermediate,
    Senior,
}

impl Grade {
    pub const ALL: [Grade; 3] = [Grade::Junior, Grade::Intermediate, Grade::Senior];

    pub fn parse(s: &str) -> Option<Grade> {
        match s.trim() {
            "junior" => Some(Grade::Junior),
            "intermediate" => Some(Grade::Intermediate),
            "senior" => Some(Grade::Senior),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Grade::Junior => "junior",
            Grade::Intermediate => "intermediate",
            Grade::Senior => "senior",
        }
    }
    pub fn rank(self) -> i64 {
        self as i64
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Rules {
    pub min_rest_hours: f64,
    pub handover_minutes: u32,
    /// At most the horizon (days of the month + MAX_HISTORY_DAYS): a longer limit can
    /// never bind, and clamping keeps every window of the model and the checker small.
    pub max_consecutive_days: u32,
    /// Clamped to the horizon like `max_consecutive_days`.
    pub max_consecutive_nights: u32,
    pub leads_per_shift: u32,
    pub max_swaps_per_month: u32,
    pub swap_grade_gap: u32,
    /// Labour law, art. 38: one day off in every seven, whatever the scenario says.
    pub days_off_window: u32,
}

impl Rules {
    /// The longest run of working days allowed by both the parameter and the
    /// one-day-off-in-seven rule.
    pub fn effective_max_consecutive_days(&self) -> u32 {
        self.max_consecutive_days.min(self.days_off_window - 1)
    }
    pub fn min_rest_minutes(&self) -> i64 {
        (self.min_rest_hours * 60.0).round() as i64
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Shift {
    pub code: String,
    pub name: String,
    /// Minutes after midnight of the day the shift starts.
    pub start: u32,
    /// Minutes after midnight of the start day; above 1440 when it ends the next day.
    pub end: u32,
    pub night: bool,
}

impl Shift {
    pub fn label(&self) -> &str {
        if self.name.is_empty() {
            &self.code
        } else {
            &self.name
        }
    }
    pub fn duration_minutes(&self) -> u32 {
        self.end - self.start
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SeatType {
    pub code: String,
    pub name: String,
    pub min_grade: Grade,
}

#[derive(Debug, Clone, Serialize)]
pub struct Team {
    pub code: String,
    pub name: String,
    /// Index into `Scenario::staff`.
    pub lead: Option<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Staff {
    pub id: String,
    pub name: String,
    pub grade: Grade,
    pub team: Option<usize>,
    pub lead: bool,
    pub job: String,
    pub min_shifts: u32,
    pub max_shifts: u32,
}

impl Staff {
    pub fn label(&self) -> &str {
        if self.name.is_empty() {
            &self.id
        } else {
            &self.name
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Demand {
    pub shift: usize,
    pub seat: usize,
    pub weekday: u32,
    pub weekend: u32,
    pub holiday: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct DemandOverride {
    pub date: NaiveDate,
    pub shift: usize,
    pub seat: usize,
    pub heads: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct MixRule {
    /// None for every shift (`shift = "*"`).
    pub shift: Option<usize>,
    pub grade: Grade,
    pub min: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeaveKind {
    Personal,
    Special,
    Sick,
    Annual,
}

impl LeaveKind {
    pub fn parse(s: &str) -> Option<LeaveKind> {
        match s.trim() {
            "personal" => Some(LeaveKind::Personal),
            "special" => Some(LeaveKind::Special),
            "sick" => Some(LeaveKind::Sick),
            "annual" => Some(LeaveKind::Annual),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            LeaveKind::Personal => "personal",
            LeaveKind::Special => "special",
            LeaveKind::Sick => "sick",
            LeaveKind::Annual => "annual",
        }
    }
}

/// Who signed the leave, in order of authority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Approver {
    None,
    Lead,
    DeptHead,
    CentreDirector,
    Management,
}

impl Approver {
    pub fn parse(s: &str) -> Option<Approver> {
        match s.trim() {
            "none" => Some(Approver::None),
            "lead" => Some(Approver::Lead),
            "dept_head" => Some(Approver::DeptHead),
            "centre_director" => Some(Approver::CentreDirector),
            "management" => Some(Approver::Management),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Approver::None => "none",
            Approver::Lead => "lead",
            Approver::DeptHead => "dept_head",
            Approver::CentreDirector => "centre_director",
            Approver::Management => "management",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct LeaveRequest {
    pub id: String,
    pub staff: usize,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub kind: LeaveKind,
    pub requested_at: Option<NaiveDateTime>,
    /// Index of the person who filed it; None when filed by someone not on the staff list.
    pub filed_by: Option<usize>,
    pub filed_by_id: String,
    pub approved_by: Approver,
    pub certificate: bool,
    pub emergency: bool,
}

impl LeaveRequest {
    /// Leave with an approver other than `none` blocks the roster (CONTRACT.md).
    pub fn is_approved(&self) -> bool {
        self.approved_by != Approver::None
    }
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }
}

#[derive(Debug, Clone, Serialize)]
pub enum Wish {
    Off,
    Shift(usize),
}

#[derive(Debug, Clone, Serialize)]
pub struct Request {
    pub staff: usize,
    pub date: NaiveDate,
    pub wish: Wish,
    pub weight: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub name: String,
    pub date: NaiveDate,
    pub start: u32,
    pub end: u32,
    /// Everyone who must attend; `all` is every person.
    pub attendees: Vec<usize>,
    pub everyone: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct HistoryShift {
    pub staff: usize,
    pub date: NaiveDate,
    pub shift: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Weights {
    pub request: f64,
    pub fair_nights: f64,
    pub fair_weekends: f64,
    pub over_cover: f64,
    /// Over-cover on a weekend day costs `over_cover` times this (a make-up day is a
    /// weekday); surplus staff are better placed where fewer people want to be off.
    pub over_cover_weekend: f64,
    /// Likewise on a public holiday (holiday precedes weekend).
    pub over_cover_holiday: f64,
    /// Likewise on a night shift, on top of the day's multiplier.
    pub over_cover_night: f64,
}

impl Weights {
    /// What one person beyond the demand costs on a day of this type and this shift.
    pub fn over_cover_on(&self, day: DayType, night: bool) -> f64 {
        let day = match day {
            DayType::Holiday => self.over_cover_holiday,
            DayType::Weekend => self.over_cover_weekend,
            DayType::Weekday => 1.0,
        };
        self.over_cover * day * if night { self.over_cover_night } else { 1.0 }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Scenario {
    pub name: String,
    pub month: Month,
    pub rules: Rules,
    pub holidays: BTreeSet<NaiveDate>,
    pub workdays: BTreeSet<NaiveDate>,
    pub shifts: Vec<Shift>,
    pub seats: Vec<SeatType>,
    pub teams: Vec<Team>,
    pub staff: Vec<Staff>,
    pub demand: Vec<Demand>,
    pub demand_overrides: Vec<DemandOverride>,
    pub mix: Vec<MixRule>,
    pub leave: Vec<LeaveRequest>,
    pub requests: Vec<Request>,
    pub events: Vec<Event>,
    pub history: Vec<HistoryShift>,
    /// Counts worked earlier in the year (`[[prior]]`); empty: fairness is the month's.
    pub prior: Vec<super::PriorCounts>,
    pub weights: Weights,
    pub traffic: Option<Traffic>,
    /// Things that are legal but probably not what the author meant.
    pub warnings: Vec<String>,
    #[serde(skip)]
    staff_index: HashMap<String, usize>,
    #[serde(skip)]
    shift_index: HashMap<String, usize>,
    #[serde(skip)]
    seat_index: HashMap<String, usize>,
}

impl Scenario {
    pub fn load(path: &Path) -> Result<Scenario, InputError> {
        let text = read_text(path, "scenario")?;
        Scenario::from_toml(&text, path)
    }

    /// The file's bytes, which need not be UTF-8; `path` only names the file in messages.
    pub fn from_bytes(bytes: Vec<u8>, path: &Path) -> Result<Scenario, InputError> {
        Scenario::from_toml(&text_of(bytes, path)?, path)
    }

    /// Parses and validates; `path` only names the file in messages.
    pub fn from_toml(text: &str, path: &Path) -> Result<Scenario, InputError> {
        let raw: RawScenario = toml::from_str(text).map_err(|e| toml_error(path, text, &e))?;
        Builder { path, raw: &raw }.build()
    }

    pub fn staff_by_id(&self, id: &str) -> Option<usize> {
        self.staff_index.get(id).copied()
    }
    pub fn shift_by_code(&self, code: &str) -> Option<usize> {
        self.shift_index.get(code).copied()
    }
    pub fn seat_by_code(&self, code: &str) -> Option<usize> {
        self.seat_index.get(code).copied()
    }

    pub fn days(&self) -> usize {
        self.month.days()
    }
    pub fn date(&self, day: usize) -> NaiveDate {
        self.month.date(day)
    }

    pub fn day_type(&self, date: NaiveDate) -> DayType {
        use chrono::Datelike;
        if self.holidays.contains(&date) {
            DayType::Holiday
        } else if date.weekday().number_from_monday() >= 6 && !self.workdays.contains(&date) {
            DayType::Weekend
        } else {
            DayType::Weekday
        }
    }

    /// Weekend or public holiday starts count for weekend fairness; make-up days do not.
    pub fn is_weekend_or_holiday(&self, date: NaiveDate) -> bool {
        self.day_type(date) != DayType::Weekday
    }

    /// Seats to fill on a date, shift and seat type: the override if one exists, else the
    /// day type's demand (the loader allows one row per shift and seat type).
    pub fn demand(&self, date: NaiveDate, shift: usize, seat: usize) -> u32 {
        if let Some(o) = self
            .demand_overrides
            .iter()
            .rev()
            .find(|o| o.date == date && o.shift == shift && o.seat == seat)
        {
            return o.heads;
        }
        let dt = self.day_type(date);
        self.demand
            .iter()
            .filter(|d| d.shift == shift && d.seat == seat)
            .map(|d| match dt {
                DayType::Weekday => d.weekday,
                DayType::Weekend => d.weekend,
                DayType::Holiday => d.holiday,
            })
            .sum()
    }

    /// Minimum heads at or above each grade, for a shift (ROSTER-GRADE).
    pub fn mix_minimums(&self, shift: usize) -> Vec<(Grade, u32)> {
        if self.mix.is_empty() {
            return vec![(Grade::Senior, 1)];
        }
        let mut out: Vec<(Grade, u32)> = Vec::new();
        for m in self
            .mix
            .iter()
            .filter(|m| m.shift.is_none_or(|s| s == shift))
        {
            match out.iter_mut().find(|(g, _)| *g == m.grade) {
                Some((_, n)) => *n = (*n).max(m.min),
                None => out.push((m.grade, m.min)),
            }
        }
        out.sort();
        out
    }

    /// Can this person sit at this seat type?
    pub fn qualifies(&self, staff: usize, seat: usize) -> bool {
        self.staff[staff].grade >= self.seats[seat].min_grade
    }

    pub fn approved_leave_on(&self, staff: usize, date: NaiveDate) -> Option<&LeaveRequest> {
        self.leave
            .iter()
            .find(|l| l.staff == staff && l.is_approved() && l.covers(date))
    }

    /// Days of the month this person is on approved leave (overlapping leave counted once).
    pub fn leave_days_in_month(&self, staff: usize) -> u32 {
        self.month
            .dates()
            .filter(|&d| self.approved_leave_on(staff, d).is_some())
            .count() as u32
    }

    /// The shifts this person must work (ROSTER-LOAD): `min_shifts`, less one for every day
    /// of approved leave in the month, because leave is paid time, not a debt to work off.
    pub fn min_shifts_due(&self, staff: usize) -> u32 {
        self.staff[staff]
            .min_shifts
            .saturating_sub(self.leave_days_in_month(staff))
    }

    /// Duty window of a shift starting on `date`, in minutes from the start of the month
    /// (negative before it). `report` adds the handover before the start.
    pub fn shift_window(&self, date: NaiveDate, shift: usize) -> (i64, i64) {
        let day = (date - self.month.first_day()).num_days();
        let s = &self.shifts[shift];
        (day * 1440 + s.start as i64, day * 1440 + s.end as i64)
    }

    pub fn report_time(&self, date: NaiveDate, shift: usize) -> i64 {
        self.shift_window(date, shift).0 - self.rules.handover_minutes as i64
    }

    /// Would a person working `a` then `b` (b starting after a) get too little rest?
    /// Rest runs from the end of one shift to the report time of the next (ROSTER-REST).
    pub fn too_little_rest(&self, a: (NaiveDate, usize), b: (NaiveDate, usize)) -> bool {
        let (start_a, end_a) = self.shift_window(a.0, a.1);
        let (start_b, _) = self.shift_window(b.0, b.1);
        start_b > start_a && self.report_time(b.0, b.1) - end_a < self.rules.min_rest_minutes()
    }

    /// Events that keep this person off this shift (ROSTER-EVENT).
    pub fn blocking_event(&self, staff: usize, date: NaiveDate, shift: usize) -> Option<&Event> {
        let (s, e) = self.shift_window(date, shift);
        self.events.iter().find(|ev| {
            (ev.everyone || ev.attendees.contains(&staff)) && {
                let day = (ev.date - self.month.first_day()).num_days();
                let (es, ee) = (day * 1440 + ev.start as i64, day * 1440 + ev.end as i64);
                es < e && s < ee
            }
        })
    }

    pub fn leads(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.staff.len()).filter(|&i| self.staff[i].lead)
    }

    pub fn job_types(&self) -> Vec<String> {
        let mut jobs: Vec<String> = self.staff.iter().map(|s| s.job.clone()).collect();
        jobs.sort();
        jobs.dedup();
        jobs
    }

    /// "王芳 (S01)", or the id alone when the scenario gives no name.
    pub fn who(&self, staff: usize) -> String {
        let s = &self.staff[staff];
        if s.name.is_empty() {
            s.id.clone()
        } else {
            format!("{} ({})", s.name, s.id)
        }
    }

    /// "夜班 2026-12-12"
    pub fn when(&self, date: NaiveDate, shift: usize) -> String {
        format!("{} {}", self.shifts[shift].label(), date)
    }

    pub fn month_dates(&self) -> Vec<NaiveDate> {
        self.month.dates().collect()
    }
}

/// TOML syntax and type errors, with the line they point at and, where that line sets a
/// key, the key path (`line 12 ([[demand]] #3 weekday)`).
fn toml_error(path: &Path, text: &str, e: &toml::de::Error) -> InputError {
    let place = match e.span() {
        Some(span) => {
            let at = span.start.min(text.len());
            let line = text.as_bytes()[..at]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            match key_on_line(text, line) {
                Some(key) => format!("line {line} ({key})"),
                None => format!("line {line}"),
            }
        }
        None => String::new(),
    };
    // serde names Rust types; a department head reads TOML.
    let msg = e
        .message()
        .trim()
        .replace('\n', " ")
        .replace("expected i64", "expected a whole number")
        .replace("expected u32", "expected a whole number")
        .replace("expected f64", "expected a number");
    InputError::new(path, place, format!("invalid scenario: {msg}"))
}

/// The key path set on a line (1-based), from the table headers above it. A best effort for
/// messages: lines inside multi-line values name nothing.
fn key_on_line(text: &str, line: usize) -> Option<String> {
    let mut table = String::new();
    let mut rows: HashMap<&str, usize> = HashMap::new();
    for (i, l) in text.lines().enumerate() {
        let t = l.trim();
        if let Some(rest) = t.strip_prefix("[[") {
            if let Some(end) = rest.find("]]") {
                let name = rest[..end].trim();
                let n = rows.entry(name).or_insert(0);
                *n += 1;
                table = format!("[[{name}]] #{n}");
            }
        } else if let Some(rest) = t.strip_prefix('[')
            && let Some(end) = rest.find(']')
        {
            table = format!("[{}]", rest[..end].trim());
        }
        if i + 1 == line {
            let (key, _) = t.split_once('=')?;
            let key = key.trim();
            let plain = |c: char| c.is_alphanumeric() || "_-.\"' ".contains(c);
            if key.is_empty() || !key.chars().all(plain) {
                return None;
            }
            return Some(if table.is_empty() {
                key.to_string()
            } else {
                format!("{table} {key}")
            });
        }
    }
    None
}

/// A number for messages: as written where it is a whole number a person would type out
/// (`4294967296`), in exponent form where it is huge or fractional and huge (`1e18`).
fn show(v: f64) -> String {
    if v.is_finite() && v.abs() >= 1e6 && (v.fract() != 0.0 || v.abs() >= 1e15) {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// A range bound for messages: `1e6` reads better than `1000000`.
fn show_bound(v: f64) -> String {
    if v.abs() >= 1e6 {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

struct Builder<'a> {
    path: &'a Path,
    raw: &'a RawScenario,
}

impl Builder<'_> {
    fn err(&self, place: impl Into<String>, message: impl Into<String>) -> InputError {
        InputError::new(self.path, place, message)
    }

    /// A whole-number key within its documented range.
    fn count(
        &self,
        place: &str,
        v: i64,
        range: RangeInclusive<i64>,
        unit: &str,
    ) -> Result<u32, InputError> {
        if range.contains(&v) {
            return Ok(u32::try_from(v).expect("ranges lie within u32"));
        }
        let (lo, hi) = (range.start(), range.end());
        Err(self.err(
            place,
            if v < 0 && *lo >= 0 {
                format!("{v} cannot be negative: expected {lo} to {hi} {unit}")
            } else {
                format!("{v} is out of range: expected {lo} to {hi} {unit}")
            },
        ))
    }

    /// A real-number key: finite and within its documented range.
    fn real(
        &self,
        place: &str,
        v: f64,
        range: RangeInclusive<f64>,
        what: &str,
    ) -> Result<f64, InputError> {
        if v.is_finite() && range.contains(&v) {
            return Ok(v);
        }
        Err(self.err(
            place,
            format!(
                "{} is out of range: {what} must be a finite number from {} to {}",
                show(v),
                show_bound(*range.start()),
                show_bound(*range.end())
            ),
        ))
    }

    fn build(self) -> Result<Scenario, InputError> {
        let raw = self.raw;
        let month = Month::parse(&raw.month).ok_or_else(|| {
            self.err(
                "month",
                format!(
                    "`{}` is not a month (expected YYYY-MM, e.g. 2026-12)",
                    raw.month
                ),
            )
        })?;
        let mut warnings = Vec::new();
        let rules = self.rules(month)?;
        let (mut holidays, mut workdays) = self.calendar()?;
        warnings.extend(self.official_calendar(month, &mut holidays, &mut workdays)?);
        let shifts = self.shifts()?;
        let shift_index = index(&shifts, |s| &s.code);
        let seats = self.seats()?;
        let seat_index = index(&seats, |s| &s.code);

        // Staff: duplicates, grades, teams (teams resolved after they are read).
        let team_codes: HashMap<&str, usize> = {
            let mut m = HashMap::new();
            for (i, t) in raw.teams.iter().enumerate() {
                if t.code.trim().is_empty() {
                    return Err(self.err(format!("[[team]] #{}", i + 1), "team code is empty"));
                }
                if m.insert(t.code.as_str(), i).is_some() {
                    return Err(self.err(
                        format!("[[team]] #{} (code \"{}\")", i + 1, t.code),
                        "duplicate team code",
                    ));
                }
            }
            m
        };
        let mut staff = Vec::new();
        let mut staff_index = HashMap::new();
        for (i, s) in raw.staff.iter().enumerate() {
            let place = format!("[[staff]] #{} (id \"{}\")", i + 1, s.id);
            if s.id.trim().is_empty() {
                return Err(self.err(place, "staff id is empty"));
            }
            if staff_index.insert(s.id.clone(), i).is_some() {
                return Err(self.err(place, "duplicate staff id"));
            }
            let grade = Grade::parse(&s.grade).ok_or_else(|| {
                self.err(
                    format!("{place} grade"),
                    format!(
                        "unknown grade `{}` (junior, intermediate or senior)",
                        s.grade
                    ),
                )
            })?;
            let team = match &s.team {
                None => None,
                Some(t) => Some(*team_codes.get(t.as_str()).ok_or_else(|| {
                    self.err(
                        format!("{place} team"),
                        format!("no [[team]] has code `{t}`"),
                    )
                })?),
            };
            let (min, max) = self.shift_bounds(
                &place,
                s.min_shifts.unwrap_or(rules.1 as i64),
                s.max_shifts.unwrap_or(rules.2 as i64),
            )?;
            if min as usize > month.days() {
                return Err(self.err(
                    format!("{place} min_shifts"),
                    format!(
                        "{min} shifts cannot fit in a month of {} days",
                        month.days()
                    ),
                ));
            }
            staff.push(Staff {
                id: s.id.clone(),
                name: s.name.clone().unwrap_or_default(),
                grade,
                team,
                lead: s.lead,
                job: s.job.clone().unwrap_or_else(|| "agent".into()),
                min_shifts: min,
                max_shifts: max,
            });
        }
        let lookup_staff = |id: &str, place: &str| -> Result<usize, InputError> {
            staff_index.get(id).copied().ok_or_else(|| {
                self.err(
                    place,
                    format!("unknown staff id `{id}` (not in any [[staff]])"),
                )
            })
        };

        let mut teams = Vec::new();
        for (i, t) in raw.teams.iter().enumerate() {
            let place = format!("[[team]] #{} (code \"{}\")", i + 1, t.code);
            let lead = match &t.lead {
                Some(id) => Some(lookup_staff(id, &format!("{place} lead"))?),
                None => None,
            };
            teams.push(Team {
                code: t.code.clone(),
                name: t.name.clone().unwrap_or_default(),
                lead,
            });
        }
        for t in &teams {
            if let Some(l) = t.lead {
                staff[l].lead = true;
            }
        }
        for (i, s) in staff.iter().enumerate() {
            if s.lead && s.grade != Grade::Senior {
                return Err(self.err(
                    format!("[[staff]] #{} (id \"{}\")", i + 1, s.id),
                    format!(
                        "{} is a team lead but grade {}; a lead must be senior",
                        s.id,
                        s.grade.name()
                    ),
                ));
            }
        }
        for (ti, t) in teams.iter().enumerate() {
            let has_lead = t.lead.is_some() || staff.iter().any(|s| s.team == Some(ti) && s.lead);
            if !has_lead {
                return Err(self.err(
                    format!("[[team]] #{} (code \"{}\")", ti + 1, t.code),
                    "team has no lead: set `lead = \"ID\"` or mark a senior member `lead = true`",
                ));
            }
        }

        let shift_of = |code: &str, place: &str| -> Result<usize, InputError> {
            shift_index.get(code).copied().ok_or_else(|| {
                self.err(
                    place,
                    format!("unknown shift `{code}` (not in any [[shift]])"),
                )
            })
        };
        let seat_of = |code: &str, place: &str| -> Result<usize, InputError> {
            seat_index.get(code).copied().ok_or_else(|| {
                self.err(
                    place,
                    format!("unknown seat type `{code}` (not in any [[seat]])"),
                )
            })
        };
        let date_in_month = |s: &str, place: &str| -> Result<NaiveDate, InputError> {
            let d = parse_date(s).ok_or_else(|| {
                self.err(
                    place,
                    format!("`{s}` is not a date (expected {DATE_FORMAT})"),
                )
            })?;
            if !month.contains(d) {
                return Err(self.err(place, format!("{d} is outside the month {month}")));
            }
            Ok(d)
        };
        let heads = |v: i64, place: &str| self.count(place, v, 0..=MAX_HEADS, "heads");

        let mut demand: Vec<Demand> = Vec::new();
        for (i, d) in raw.demand.iter().enumerate() {
            let place = format!(
                "[[demand]] #{} (shift \"{}\", seat \"{}\")",
                i + 1,
                d.shift,
                d.seat
            );
            let weekday = heads(d.weekday.unwrap_or(0), &format!("{place} weekday"))?;
            let weekend = heads(
                d.weekend.unwrap_or(weekday as i64),
                &format!("{place} weekend"),
            )?;
            let holiday = heads(
                d.holiday.unwrap_or(weekend as i64),
                &format!("{place} holiday"),
            )?;
            let shift = shift_of(&d.shift, &format!("{place} shift"))?;
            let seat = seat_of(&d.seat, &format!("{place} seat"))?;
            // Two rows for one shift and seat type are a copy-paste slip far more often than
            // an intended sum: refuse them, naming both.
            if let Some(j) = demand
                .iter()
                .position(|d| d.shift == shift && d.seat == seat)
            {
                return Err(self.err(
                    place,
                    format!(
                        "duplicate of [[demand]] #{} (same shift and seat type); give each shift and seat type one row",
                        j + 1
                    ),
                ));
            }
            demand.push(Demand {
                shift,
                seat,
                weekday,
                weekend,
                holiday,
            });
        }
        let mut demand_overrides: Vec<DemandOverride> = Vec::new();
        for (i, o) in raw.demand_override.iter().enumerate() {
            let place = format!("[[demand_override]] #{}", i + 1);
            let row = DemandOverride {
                date: date_in_month(&o.date, &format!("{place} date"))?,
                shift: shift_of(&o.shift, &format!("{place} shift"))?,
                seat: seat_of(&o.seat, &format!("{place} seat"))?,
                heads: heads(o.heads, &format!("{place} heads"))?,
            };
            if let Some(j) = demand_overrides
                .iter()
                .position(|o| (o.date, o.shift, o.seat) == (row.date, row.shift, row.seat))
            {
                return Err(self.err(
                    place,
                    format!(
                        "duplicate of [[demand_override]] #{} (same date, shift and seat type: {} {} {})",
                        j + 1,
                        row.date,
                        o.shift,
                        o.seat
                    ),
                ));
            }
            demand_overrides.push(row);
        }

        let mut mix = Vec::new();
        for (i, m) in raw.mix.iter().enumerate() {
            let place = format!("[[mix]] #{}", i + 1);
            let shift = if m.shift == "*" {
                None
            } else {
                Some(shift_of(&m.shift, &format!("{place} shift"))?)
            };
            let grade = Grade::parse(&m.grade).ok_or_else(|| {
                self.err(
                    format!("{place} grade"),
                    format!("unknown grade `{}`", m.grade),
                )
            })?;
            let min = self.count(&format!("{place} min"), m.min, 0..=MAX_HEADS, "people")?;
            mix.push(MixRule { shift, grade, min });
        }

        let mut leave = Vec::new();
        let mut leave_ids = HashSet::new();
        for (i, l) in raw.leave.iter().enumerate() {
            let id = l.id.clone().unwrap_or_else(|| format!("L{}", i + 1));
            let place = format!("[[leave]] #{} (id \"{}\")", i + 1, id);
            if !leave_ids.insert(id.clone()) {
                return Err(self.err(place, "duplicate leave id"));
            }
            let who = lookup_staff(&l.staff, &format!("{place} staff"))?;
            let from = parse_date(&l.from).ok_or_else(|| {
                self.err(
                    format!("{place} from"),
                    format!("`{}` is not a date (expected {DATE_FORMAT})", l.from),
                )
            })?;
            let to = parse_date(&l.to).ok_or_else(|| {
                self.err(
                    format!("{place} to"),
                    format!("`{}` is not a date (expected {DATE_FORMAT})", l.to),
                )
            })?;
            if to < from {
                return Err(self.err(
                    place,
                    format!("leave ends ({to}) before it starts ({from})"),
                ));
            }
            if to < month.first_day() || from > month.date(month.days() - 1) {
                return Err(self.err(place, format!("{from}..{to} is outside the month {month}")));
            }
            let kind = LeaveKind::parse(&l.kind).ok_or_else(|| {
                self.err(
                    format!("{place} kind"),
                    format!(
                        "unknown leave kind `{}` (personal, special, sick or annual)",
                        l.kind
                    ),
                )
            })?;
            let requested_at = match &l.requested_at {
                Some(s) => Some(parse_datetime(s).ok_or_else(|| {
                    self.err(
                        format!("{place} requested_at"),
                        format!("`{s}` is not a date-time (expected {DATETIME_FORMAT})"),
                    )
                })?),
                None => None,
            };
            let filed_by_id = l.filed_by.clone().unwrap_or_else(|| l.staff.clone());
            let approved_by = match &l.approved_by {
                Some(a) => Approver::parse(a).ok_or_else(|| {
                    self.err(format!("{place} approved_by"), format!("unknown approver `{a}` (lead, dept_head, centre_director, management or none)"))
                })?,
                None => Approver::None,
            };
            leave.push(LeaveRequest {
                id,
                staff: who,
                from,
                to,
                kind,
                requested_at,
                filed_by: staff_index.get(&filed_by_id).copied(),
                filed_by_id,
                approved_by,
                certificate: l.certificate,
                emergency: l.emergency,
            });
        }

        let mut requests = Vec::new();
        for (i, r) in raw.request.iter().enumerate() {
            let place = format!("[[request]] #{}", i + 1);
            let who = lookup_staff(&r.staff, &format!("{place} staff"))?;
            let date = date_in_month(&r.date, &format!("{place} date"))?;
            let wish = match (&r.shift, r.off) {
                (Some(_), true) => {
                    return Err(self.err(
                        place,
                        "a request is either `off = true` or `shift = \"...\"`, not both",
                    ));
                }
                (Some(code), false) => Wish::Shift(shift_of(code, &format!("{place} shift"))?),
                (None, true) => Wish::Off,
                (None, false) => {
                    return Err(
                        self.err(place, "a request needs `off = true` or `shift = \"CODE\"`")
                    );
                }
            };
            let weight = self.real(
                &format!("{place} weight"),
                r.weight.unwrap_or(1.0),
                0.0..=MAX_WEIGHT,
                "a request's weight",
            )?;
            requests.push(Request {
                staff: who,
                date,
                wish,
                weight,
            });
        }

        let mut events = Vec::new();
        for (i, e) in raw.event.iter().enumerate() {
            let place = format!("[[event]] #{} (\"{}\")", i + 1, e.name);
            let date = date_in_month(&e.date, &format!("{place} date"))?;
            // 24:00 ends a day; as a start it would be the next day's 00:00.
            let start = parse_clock(&e.start).filter(|&m| m < 1440).ok_or_else(|| {
                self.err(
                    format!("{place} start"),
                    format!("`{}` is not a time (expected {CLOCK_FORMAT})", e.start),
                )
            })?;
            let mut end = parse_clock(&e.end).ok_or_else(|| {
                self.err(
                    format!("{place} end"),
                    format!("`{}` is not a time (expected {CLOCK_FORMAT})", e.end),
                )
            })?;
            if end <= start {
                end += 1440;
            }
            let (attendees, everyone) = match &e.attendees {
                RawAttendees::Group(g) if g == "all" => ((0..staff.len()).collect(), true),
                RawAttendees::Group(g) if g == "leads" => {
                    ((0..staff.len()).filter(|&s| staff[s].lead).collect(), false)
                }
                RawAttendees::Group(g) => {
                    return Err(self.err(
                        format!("{place} attendees"),
                        format!("`{g}`: attendees are a list of ids, \"leads\" or \"all\""),
                    ));
                }
                RawAttendees::Ids(ids) => {
                    let mut v = Vec::new();
                    for id in ids {
                        v.push(lookup_staff(id, &format!("{place} attendees"))?);
                    }
                    (v, false)
                }
            };
            events.push(Event {
                name: e.name.clone(),
                date,
                start,
                end,
                attendees,
                everyone,
            });
        }

        let mut history = Vec::new();
        for (i, h) in raw.history.iter().enumerate() {
            let place = format!("[[history]] #{}", i + 1);
            let who = lookup_staff(&h.staff, &format!("{place} staff"))?;
            let date = parse_date(&h.date).ok_or_else(|| {
                self.err(
                    format!("{place} date"),
                    format!("`{}` is not a date (expected {DATE_FORMAT})", h.date),
                )
            })?;
            if date >= month.first_day() {
                return Err(self.err(format!("{place} date"), format!("{date} is not before the month {month}; history is the previous month's shifts")));
            }
            if (month.first_day() - date).num_days() > MAX_HISTORY_DAYS {
                return Err(self.err(
                    format!("{place} date"),
                    format!("{date} is more than {MAX_HISTORY_DAYS} days before {month}"),
                ));
            }
            let shift = shift_of(&h.shift, &format!("{place} shift"))?;
            if history
                .iter()
                .any(|x: &HistoryShift| x.staff == who && x.date == date)
            {
                return Err(self.err(
                    place,
                    format!("{} has two history shifts on {date}", h.staff),
                ));
            }
            history.push(HistoryShift {
                staff: who,
                date,
                shift,
            });
        }
        let prior = super::prior::prior_counts(&raw.prior, &staff_index, |p, m| self.err(p, m))?;

        let w = &raw.weights;
        let weight = |key: &str, v: Option<f64>, default: f64| {
            self.real(
                &format!("[weights] {key}"),
                v.unwrap_or(default),
                0.0..=MAX_WEIGHT,
                "a weight",
            )
        };
        let weights = Weights {
            request: weight("request", w.request, 1.0)?,
            fair_nights: weight("fair_nights", w.fair_nights, 5.0)?,
            fair_weekends: weight("fair_weekends", w.fair_weekends, 5.0)?,
            over_cover: weight("over_cover", w.over_cover, 1.0)?,
            over_cover_weekend: weight("over_cover_weekend", w.over_cover_weekend, 2.0)?,
            over_cover_holiday: weight("over_cover_holiday", w.over_cover_holiday, 3.0)?,
            over_cover_night: weight("over_cover_night", w.over_cover_night, 2.0)?,
        };

        let traffic = match &raw.traffic {
            None => None,
            Some(v) => Some(self.traffic(v.clone(), &seat_index)?),
        };

        let leads = staff.iter().filter(|s| s.lead).count() as u32;
        if rules.0.leads_per_shift > leads {
            return Err(self.err(
                "[rules] leads_per_shift",
                format!(
                    "{} leads per shift, but the scenario has only {leads} leads",
                    rules.0.leads_per_shift
                ),
            ));
        }

        let mut scenario = Scenario {
            name: raw
                .name
                .clone()
                .unwrap_or_else(|| format!("roster {month}")),
            month,
            rules: rules.0,
            holidays,
            workdays,
            shifts,
            seats,
            teams,
            staff,
            demand,
            demand_overrides,
            mix,
            leave,
            requests,
            events,
            history,
            prior,
            weights,
            traffic,
            warnings: Vec::new(),
            staff_index,
            shift_index,
            seat_index,
        };
        warnings.extend(history_warnings(&scenario));
        scenario.warnings = warnings;
        Ok(scenario)
    }

    /// Returns the rules and the scenario-wide min/max shifts defaults.
    fn rules(&self, month: Month) -> Result<(Rules, u32, u32), InputError> {
        let r = &self.raw.rules;
        let key = |k: &str| format!("[rules] {k}");
        let min_rest_hours = self.real(
            &key("min_rest_hours"),
            r.min_rest_hours.unwrap_or(12.0),
            0.0..=MAX_REST_HOURS,
            "rest in hours",
        )?;
        if r.max_consecutive_days == Some(0) {
            return Err(self.err(
                key("max_consecutive_days"),
                "0 consecutive days would forbid all work",
            ));
        }
        // Limits beyond the horizon cannot bind; clamping keeps every window finite.
        let horizon = month.days() as u32 + MAX_HISTORY_DAYS as u32;
        let run = |k: &str, v: Option<i64>, default: i64, lo: i64, unit: &str| {
            self.count(&key(k), v.unwrap_or(default), lo..=MAX_RUN_LIMIT, unit)
                .map(|n| n.min(horizon))
        };
        let rules = Rules {
            min_rest_hours,
            handover_minutes: self.count(
                &key("handover_minutes"),
                r.handover_minutes.unwrap_or(10),
                0..=MAX_HANDOVER_MINUTES,
                "minutes",
            )?,
            max_consecutive_days: run(
                "max_consecutive_days",
                r.max_consecutive_days,
                6,
                1,
                "days",
            )?,
            max_consecutive_nights: run(
                "max_consecutive_nights",
                r.max_consecutive_nights,
                3,
                0,
                "nights",
            )?,
            leads_per_shift: self.count(
                &key("leads_per_shift"),
                r.leads_per_shift.unwrap_or(1),
                0..=MAX_HEADS,
                "leads",
            )?,
            max_swaps_per_month: self.count(
                &key("max_swaps_per_month"),
                r.max_swaps_per_month.unwrap_or(2),
                0..=MAX_SWAPS_PER_MONTH,
                "swaps",
            )?,
            swap_grade_gap: self.count(
                &key("swap_grade_gap"),
                r.swap_grade_gap.unwrap_or(0),
                0..=MAX_SWAP_GRADE_GAP,
                "grade steps (junior to senior is 2)",
            )?,
            days_off_window: 7,
        };
        let days = month.days() as i64;
        let (min, max) = self.shift_bounds(
            "[rules]",
            r.min_shifts.unwrap_or(0),
            r.max_shifts.unwrap_or(days),
        )?;
        Ok((rules, min, max))
    }

    /// min_shifts and max_shifts of `place` (`[rules]` or a person): each in range, and
    /// in order. Order is checked before the upper bound so that `min_shifts = 32` against
    /// `max_shifts = 31` is named as the contradiction it is.
    fn shift_bounds(&self, place: &str, min: i64, max: i64) -> Result<(u32, u32), InputError> {
        let key = |k: &str| format!("{place} {k}");
        let range = 0..=MAX_SHIFTS_PER_MONTH;
        for (k, v) in [("min_shifts", min), ("max_shifts", max)] {
            if v < 0 {
                self.count(&key(k), v, range.clone(), "shifts")?;
            }
        }
        if min > max {
            return Err(self.err(place, format!("min_shifts {min} is above max_shifts {max}")));
        }
        Ok((
            self.count(&key("min_shifts"), min, range.clone(), "shifts")?,
            self.count(&key("max_shifts"), max, range, "shifts")?,
        ))
    }

    fn calendar(&self) -> Result<(BTreeSet<NaiveDate>, BTreeSet<NaiveDate>), InputError> {
        let parse_all = |v: &[String], key: &str| -> Result<BTreeSet<NaiveDate>, InputError> {
            v.iter()
                .enumerate()
                .map(|(i, s)| {
                    parse_date(s).ok_or_else(|| {
                        self.err(
                            format!("[calendar] {key}[{i}]"),
                            format!("`{s}` is not a date (expected {DATE_FORMAT})"),
                        )
                    })
                })
                .collect()
        };
        let holidays = parse_all(&self.raw.calendar.holidays, "holidays")?;
        let workdays = parse_all(&self.raw.calendar.workdays, "workdays")?;
        if let Some(d) = holidays.intersection(&workdays).next() {
            return Err(self.err(
                "[calendar]",
                format!("{d} is both a holiday and a make-up workday"),
            ));
        }
        Ok((holidays, workdays))
    }

    /// `[calendar] country`: fills the built-in official calendar around the scenario's
    /// own dates; a warning when the month's year has no notice built in.
    fn official_calendar(
        &self,
        month: Month,
        holidays: &mut BTreeSet<NaiveDate>,
        workdays: &mut BTreeSet<NaiveDate>,
    ) -> Result<Option<String>, InputError> {
        let Some(code) = &self.raw.calendar.country else {
            return Ok(None);
        };
        let country = super::Country::parse(code).ok_or_else(|| {
            self.err(
                "[calendar] country",
                format!("no built-in calendar for `{code}` (the built-in one is \"CN\")"),
            )
        })?;
        Ok(super::calendar_cn::fill(country, month, holidays, workdays))
    }

    fn shifts(&self) -> Result<Vec<Shift>, InputError> {
        let mut out: Vec<Shift> = Vec::new();
        if self.raw.shifts.is_empty() {
            return Err(self.err("[[shift]]", "the scenario defines no shifts"));
        }
        for (i, s) in self.raw.shifts.iter().enumerate() {
            let place = format!("[[shift]] #{} (code \"{}\")", i + 1, s.code);
            if s.code.trim().is_empty() {
                return Err(self.err(place, "shift code is empty"));
            }
            if out.iter().any(|o| o.code == s.code) {
                return Err(self.err(place, "duplicate shift code"));
            }
            let start = parse_clock(&s.start).filter(|&m| m < 1440).ok_or_else(|| {
                self.err(
                    format!("{place} start"),
                    format!("`{}` is not a time (expected {CLOCK_FORMAT})", s.start),
                )
            })?;
            let mut end = parse_clock(&s.end).ok_or_else(|| {
                self.err(
                    format!("{place} end"),
                    format!("`{}` is not a time (expected {CLOCK_FORMAT})", s.end),
                )
            })?;
            if end <= start {
                end += 1440;
            }
            // Overlap with 00:00-05:00 of either calendar day the shift touches.
            let overlaps_night = [0u32, 1440]
                .iter()
                .any(|&m| start.max(m) < end.min(m + 300));
            out.push(Shift {
                code: s.code.clone(),
                name: s.name.clone().unwrap_or_default(),
                start,
                end,
                night: s.night.unwrap_or(overlaps_night),
            });
        }
        Ok(out)
    }

    fn seats(&self) -> Result<Vec<SeatType>, InputError> {
        let mut out: Vec<SeatType> = Vec::new();
        if self.raw.seats.is_empty() {
            return Err(self.err("[[seat]]", "the scenario defines no seat types"));
        }
        for (i, s) in self.raw.seats.iter().enumerate() {
            let place = format!("[[seat]] #{} (code \"{}\")", i + 1, s.code);
            if out.iter().any(|o| o.code == s.code) {
                return Err(self.err(place, "duplicate seat code"));
            }
            let min_grade = Grade::parse(&s.min_grade).ok_or_else(|| {
                self.err(
                    format!("{place} min_grade"),
                    format!(
                        "unknown grade `{}` (junior, intermediate or senior)",
                        s.min_grade
                    ),
                )
            })?;
            out.push(SeatType {
                code: s.code.clone(),
                name: s.name.clone().unwrap_or_default(),
                min_grade,
            });
        }
        Ok(out)
    }

    fn traffic(
        &self,
        v: toml::Value,
        seats: &HashMap<String, usize>,
    ) -> Result<Traffic, InputError> {
        Traffic::from_toml(&v, |code| seats.contains_key(code))
            .map_err(|f| self.err(f.place, f.message))
    }
}

fn index<T>(items: &[T], key: impl Fn(&T) -> &String) -> HashMap<String, usize> {
    items
        .iter()
        .enumerate()
        .map(|(i, t)| (key(t).clone(), i))
        .collect()
}

/// History that leaves a shift of day 1 with nobody allowed to take a lead's place is legal
/// but almost certainly a mistake: say so before the solver reports infeasibility.
fn history_warnings(sc: &Scenario) -> Vec<String> {
    let mut out = Vec::new();
    let day1 = sc.month.first_day();
    for k in 0..sc.shifts.len() {
        let leads: Vec<usize> = sc.leads().collect();
        if leads.is_empty() || sc.rules.leads_per_shift == 0 {
            continue;
        }
        let free = leads
            .iter()
            .filter(|&&l| {
                !sc.history
                    .iter()
                    .any(|h| h.staff == l && sc.too_little_rest((h.date, h.shift), (day1, k)))
            })
            .count() as u32;
        if free < sc.rules.leads_per_shift {
            out.push(format!(
                "[[history]]: after the last shifts of the previous month only {free} of {} leads may work {} on {day1}; the shift needs {}",
                leads.len(),
                sc.shifts[k].label(),
                sc.rules.leads_per_shift
            ));
        }
    }
    out
}
