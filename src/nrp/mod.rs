//! The Curtois & Qu shift-scheduling benchmark (`roster nrp`): its text format
//! (`instance`), an independent evaluator of rosters (`evaluate`), the MIP that solves
//! it on the same backend as `solve` (`model`), and the staged search over it (`search`).

pub mod evaluate;
pub mod instance;
mod model;
pub mod search;

pub use evaluate::{Breakdown, HardRule, Violation, check, objective};
pub use instance::{Assignment, Instance, NrpError};
pub use search::{NrpSolveError, NrpSolved, solve};
