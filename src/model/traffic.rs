//! The `[traffic]` table: expected calls per interval and seat type, and the service
//! targets that `simulate`, `advise` and `erlang` work to.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Traffic {
    #[serde(default = "default_interval")]
    pub interval_minutes: u32,
    #[serde(default = "default_service_level")]
    pub service_level: f64,
    #[serde(default = "default_answer")]
    pub answer_seconds: f64,
    #[serde(default = "default_shrinkage")]
    pub shrinkage: f64,
    #[serde(default = "default_occupancy")]
    pub max_occupancy: f64,
    /// Largest acceptable share of abandoned calls, for Erlang A staffing.
    #[serde(default)]
    pub max_abandon: Option<f64>,
    #[serde(default, rename = "queue")]
    pub queues: Vec<TrafficQueue>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrafficQueue {
    pub seat: String,
    pub aht_seconds: f64,
    /// Mean patience; absent means callers never hang up (Erlang C).
    #[serde(default)]
    pub patience_seconds: Option<f64>,
    pub weekday: Vec<f64>,
    #[serde(default)]
    pub weekend: Option<Vec<f64>>,
    #[serde(default)]
    pub holiday: Option<Vec<f64>>,
}

impl TrafficQueue {
    /// Calls per interval for a day type; a missing day type uses weekend, then weekday.
    pub fn calls(&self, day: super::DayType) -> &[f64] {
        use super::DayType::*;
        match day {
            Weekday => &self.weekday,
            Weekend => self.weekend.as_deref().unwrap_or(&self.weekday),
            Holiday => self
                .holiday
                .as_deref()
                .or(self.weekend.as_deref())
                .unwrap_or(&self.weekday),
        }
    }
}

fn default_interval() -> u32 {
    30
}
fn default_service_level() -> f64 {
    0.8
}
fn default_answer() -> f64 {
    20.0
}
fn default_shrinkage() -> f64 {
    0.15
}
fn default_occupancy() -> f64 {
    0.85
}
