//! The scenario and the roster as plain data: parsed, defaulted and validated here so the
//! rules, the solver and the simulator can trust every index.

mod build;
mod calendar_cn;
mod clock;
pub mod display;
mod error;
mod output;
mod prior;
mod raw;
mod roster;
mod scenario;
mod traffic;

pub use calendar_cn::{Country, OfficialDay, official_days};
pub use clock::{DayType, Month, format_clock, parse_clock, parse_date, parse_datetime};
pub use error::InputError;
pub use output::{
    OutputError, OutputTarget, UpdateLock, check_outputs, lock_for_update, write_all,
    write_atomically,
};
pub use prior::PriorCounts;
pub use roster::{Assignment, GrantedLeave, Roster, SolverInfo, Swap};
pub use scenario::*;
pub use traffic::{CrossAnswer, Traffic, TrafficQueue};
