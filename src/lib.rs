//! roster: rostering optimiser and call-load simulator for telecom customer-service centres.
//!
//! `model` holds the scenario and roster as validated plain data; `rules` checks a roster
//! against every rule of RULES.md by its ID; `solve` builds and solves the month as a MIP.

// Link CBC, built from source by cbc-src, into every binary that uses the library.
extern crate cbc_src;

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
