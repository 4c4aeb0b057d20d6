//! The integration tests, one binary (ripgrep's `tests/tests.rs` shape): each module is
//! one area of the product, all sharing `common`. One binary links CBC once, where one
//! binary per file linked it some thirty times on a two-core machine.

mod common;

mod cli_bad_input;
mod cli_outputs;
mod cli_solve_check;
mod cycle_calendar;
mod cycle_export;
mod cycle_next;
mod cycle_prior;
mod docs_links;
mod house_layers;
mod nrp;
mod nrp_columns;
mod plot_charts;
mod plot_cli;
mod report_truth;
mod rules_mutation;
mod rules_unit;
mod scale_generated;
mod scenario_inputs;
mod serve_api;
mod serve_browser;
mod serve_cli;
mod serve_cluster;
mod serve_jobs;
mod solve_cbc_clock;
mod solve_limits;
mod solve_overcover;
mod solve_progress;
mod solve_property;
mod solve_signal;
mod solve_summary;
mod store_crash;
mod store_export;
mod store_leave;
mod store_swaps;
mod traffic_advise;
mod traffic_cli;
mod traffic_cross;
mod traffic_erlang;
mod traffic_scenario;
mod traffic_sim;
mod whatif_cli;
mod whatif_granted;
mod whatif_leave;
mod whatif_repair;
mod whatif_swap;
