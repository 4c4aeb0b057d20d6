//! Call load: Erlang B/C/A for one interval, a discrete-event simulator of a roster's
//! calls, and seat advice per interval and shift.

pub mod adapt;
pub mod advise;
pub mod capacity;
pub mod erlang;
pub mod series;
pub mod sim;

pub use series::{ServicePoint, ServiceSeries};

use thiserror::Error;

#[derive(Debug, Error, PartialEq)]
pub enum TrafficError {
    #[error("{0}")]
    Invalid(String),
}
