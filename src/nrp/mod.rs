//! The Curtois & Qu shift-scheduling benchmark (`roster nrp`): its text format
//! (`instance`), an independent evaluator of rosters (`evaluate`), and the MIP that solves
//! it on the same backend as `solve` (`model`).

pub mod evaluate;
pub mod instance;
pub mod model;

pub use evaluate::{Breakdown, HardRule, Violation, check, objective};
pub use instance::{Assignment, Instance, NrpError};
pub use model::{NrpSolveError, NrpSolved, solve};
