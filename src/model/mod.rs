//! The scenario and the roster as plain data: parsed, defaulted and validated here so the
//! rules, the solver and the simulator can trust every index.

mod clock;
mod error;
mod raw;
mod roster;
mod scenario;
mod traffic;

pub use clock::{DayType, Month, format_clock, parse_clock, parse_date, parse_datetime};
pub use error::InputError;
pub use roster::{Assignment, GrantedLeave, Roster, SolverInfo, Swap, write_atomically};
pub use scenario::*;
pub use traffic::{Traffic, TrafficQueue};
