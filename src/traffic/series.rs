//! Simulated service level per interval as plain data: what the simulator reports
//! (`adapt::service_series`) and what the service chart draws, without either depending
//! on how the other is built.

use serde::{Deserialize, Serialize};

/// One interval: the mean service level over the replications and its confidence interval,
/// all as fractions in [0, 1].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServicePoint {
    /// Minutes after midnight at which the interval starts.
    pub start_minute: u32,
    pub mean: f64,
    pub low: f64,
    pub high: f64,
}

/// A seat type's day of intervals against its target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceSeries {
    /// What the panel is about, e.g. "189 业务受理, weekday".
    pub label: String,
    /// Target service level as a fraction, e.g. 0.8.
    pub target: f64,
    /// Answer-time threshold of the target, shown in the axis title.
    #[serde(default)]
    pub answer_seconds: Option<f64>,
    pub interval_minutes: u32,
    /// Confidence level of the band, e.g. 0.95; shown in the legend when given.
    #[serde(default)]
    pub confidence: Option<f64>,
    pub points: Vec<ServicePoint>,
}

impl ServiceSeries {
    pub fn below_target(&self) -> usize {
        self.points.iter().filter(|p| p.mean < self.target).count()
    }
}
