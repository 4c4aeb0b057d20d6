//! The Curtois & Qu shift-scheduling benchmark (`roster nrp`): its text format
//! (`instance`), an independent evaluator of rosters (`evaluate`), the compact MIP that
//! solves it on the same backend as `solve` (`model`), one person's cheapest schedule
//! (`pricing`, by a table in `schedule_dp` or by the model's rows), the greedy first roster
//! (`greedy`), the column generation over whole schedules (`columns`), and the staged
//! search over them all (`search`); `bounds` runs stages alone for tests and benches.

mod bounds;
mod columns;
mod dive;
pub mod evaluate;
mod greedy;
pub mod instance;
mod model;
mod neighbourhood;
mod pricing;
mod schedule_dp;
pub mod search;

pub use bounds::{
    ColumnBound, column_generation_bound, compact_lp_bound, dive_roster, greedy_roster,
};
pub use evaluate::{Breakdown, HardRule, Violation, check, check_person, objective};
pub use instance::{Assignment, Instance, NrpError};
pub use search::{BoundSource, NrpSolveError, NrpSolved, Stage, solve};
