//! The scenario file exactly as written (CONTRACT.md). Plain serde; all cross-references
//! and ranges are checked in `scenario.rs`, where a message can name the place.

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub name: Option<String>,
    pub month: String,
    #[serde(default)]
    pub rules: RawRules,
    #[serde(default)]
    pub calendar: RawCalendar,
    #[serde(default, rename = "shift")]
    pub shifts: Vec<RawShift>,
    #[serde(default, rename = "seat")]
    pub seats: Vec<RawSeat>,
    #[serde(default, rename = "team")]
    pub teams: Vec<RawTeam>,
    #[serde(default)]
    pub staff: Vec<RawStaff>,
    #[serde(default)]
    pub demand: Vec<RawDemand>,
    #[serde(default)]
    pub demand_override: Vec<RawDemandOverride>,
    #[serde(default)]
    pub mix: Vec<RawMix>,
    #[serde(default)]
    pub leave: Vec<RawLeave>,
    #[serde(default)]
    pub request: Vec<RawRequest>,
    #[serde(default)]
    pub event: Vec<RawEvent>,
    #[serde(default)]
    pub history: Vec<RawHistory>,
    #[serde(default)]
    pub prior: Vec<RawPrior>,
    #[serde(default)]
    pub weights: RawWeights,
    pub traffic: Option<toml::Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRules {
    pub min_rest_hours: Option<f64>,
    pub handover_minutes: Option<i64>,
    pub max_consecutive_days: Option<i64>,
    pub max_consecutive_nights: Option<i64>,
    pub leads_per_shift: Option<i64>,
    pub max_swaps_per_month: Option<i64>,
    pub swap_grade_gap: Option<i64>,
    pub min_shifts: Option<i64>,
    pub max_shifts: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCalendar {
    #[serde(default)]
    pub holidays: Vec<String>,
    #[serde(default)]
    pub workdays: Vec<String>,
    /// A built-in official calendar to fill from ("CN").
    pub country: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawShift {
    pub code: String,
    pub name: Option<String>,
    pub start: String,
    pub end: String,
    pub night: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSeat {
    pub code: String,
    pub name: Option<String>,
    pub min_grade: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTeam {
    pub code: String,
    pub name: Option<String>,
    pub lead: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStaff {
    pub id: String,
    pub name: Option<String>,
    pub grade: String,
    pub team: Option<String>,
    #[serde(default)]
    pub lead: bool,
    pub job: Option<String>,
    pub min_shifts: Option<i64>,
    pub max_shifts: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDemand {
    pub shift: String,
    pub seat: String,
    pub weekday: Option<i64>,
    pub weekend: Option<i64>,
    pub holiday: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDemandOverride {
    pub date: String,
    pub shift: String,
    pub seat: String,
    pub heads: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMix {
    pub shift: String,
    pub grade: String,
    pub min: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLeave {
    pub id: Option<String>,
    pub staff: String,
    pub from: String,
    pub to: String,
    pub kind: String,
    pub requested_at: Option<String>,
    pub filed_by: Option<String>,
    pub approved_by: Option<String>,
    #[serde(default)]
    pub certificate: bool,
    #[serde(default)]
    pub emergency: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRequest {
    pub staff: String,
    pub date: String,
    #[serde(default)]
    pub off: bool,
    pub shift: Option<String>,
    pub weight: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    pub name: String,
    pub date: String,
    pub start: String,
    pub end: String,
    pub attendees: RawAttendees,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum RawAttendees {
    Group(String),
    Ids(Vec<String>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHistory {
    pub staff: String,
    pub date: String,
    pub shift: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWeights {
    pub request: Option<f64>,
    pub fair_nights: Option<f64>,
    pub fair_weekends: Option<f64>,
    pub over_cover: Option<f64>,
    pub over_cover_weekend: Option<f64>,
    pub over_cover_holiday: Option<f64>,
    pub over_cover_night: Option<f64>,
}

/// Counts worked earlier in the year, for fairness over the year (issue 12).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPrior {
    pub staff: String,
    #[serde(default)]
    pub nights: i64,
    #[serde(default)]
    pub weekends: i64,
    #[serde(default)]
    pub holidays: i64,
}
