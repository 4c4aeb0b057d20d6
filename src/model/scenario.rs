//! The validated scenario: every reference resolved to an index, every default applied.

use super::build::{Builder, toml_error};
use super::clock::{DayType, Month};
use super::error::{InputError, read_text, text_of};
use super::raw::RawScenario;
use super::traffic::Traffic;
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
    pub(super) staff_index: HashMap<String, usize>,
    #[serde(skip)]
    pub(super) shift_index: HashMap<String, usize>,
    #[serde(skip)]
    pub(super) seat_index: HashMap<String, usize>,
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
