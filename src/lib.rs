//! roster: rostering optimiser and call-load simulator for telecom customer-service centres.
//!
//! Data flows one way, scenario -> model -> rules / solve / traffic / whatif -> report / plot
//! -> the command line (docs/modules.md has the map):
//!
//! - [`model`]: the scenario and roster as validated plain data, and atomic output writes.
//! - [`rules`]: checks a roster against every rule of docs/rules.md by its [`rules::RuleId`],
//!   and prices any roster by the objective.
//! - [`solve`]: builds and solves the month as a MIP (good_lp, CBC or HiGHS), and repairs one.
//! - [`traffic`]: Erlang formulas, the call simulator and seat advice per interval.
//! - [`whatif`]: leave and swap requests judged against a roster, swap candidates, repair.
//! - [`cycle`]: month to month: next month's scenario from a roster as worked, and a
//!   scenario from a staff sheet.
//! - [`export`]: a month as JSON, CSV, a printable workbook and iCalendar.
//! - [`nrp`]: the nurse-rostering benchmark instances, solved on the same backend.
//! - [`report`]: terminal tables, the roster grid and the HTML report.
//! - [`plot`]: the charts (coverage, roster, service level, fairness) as SVG and PNG.
//! - [`store`] and [`server`], beside the command line: the database of `roster serve`
//!   (requests, roster versions, audit log) and the web application over it.

// Link CBC, built from source by cbc-src, into every binary that uses the library.
extern crate cbc_src;

pub mod cycle;
pub mod export;
pub mod model;
pub mod nrp;
pub mod plot;
pub mod report;
pub mod rules;
pub mod server;
pub mod solve;
pub mod store;
pub mod traffic;
pub mod whatif;
