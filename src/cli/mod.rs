//! The `roster` command line: the `Cli`/`Command` types, parsing, and dispatch to one module
//! per command family. The library does the work and `roster::report` formats every table;
//! a command here reads its flags, calls them, prints, and says how it ended (`ExitStatus`).

/// Prints a line on stdout; a reader that went away (`roster solve ... | head`) ends the
/// program quietly instead of panicking.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write;
        if writeln!(std::io::stdout().lock(), $($arg)*).is_err() {
            $crate::cli::ExitStatus::Ok.exit_now();
        }
    }};
}

mod args;
mod check;
mod cycle;
mod exit;
mod interrupt;
mod nrp;
mod output;
mod serve;
mod solve;
mod traffic;
mod whatif;

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};
use roster::model::Scenario;

pub use exit::{CliError, ExitStatus};

#[derive(Parser)]
#[command(
    name = "roster",
    version,
    about = "Rostering optimiser and call-load simulator for telecom customer-service centres"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build and solve the month: an optimal roster, with its proof and objective breakdown.
    Solve(solve::SolveArgs),
    /// Check a roster against every roster rule.
    Check(check::CheckArgs),
    /// May A give a shift to B (换班), and take B's back on another day (还班)? Or, with
    /// --candidates, who could take it.
    Swap(whatif::SwapArgs),
    /// May this leave be granted (LEAVE-*)? With --repair, re-roster with the fewest changes.
    Leave(whatif::LeaveArgs),
    /// Draw a chart of a roster: coverage, the month as a heat map, service level, fairness.
    Plot(output::PlotArgs),
    /// Write one self-contained HTML page: summary, rule check, charts, each person's month.
    Report(output::ReportArgs),
    /// One interval's queue by Erlang C (or Erlang A with --patience-s): performance for
    /// --agents, or the agents needed for --target.
    Erlang(traffic::ErlangArgs),
    /// Simulate the month's calls against a roster (or the demand), per interval and seat.
    Simulate(traffic::SimulateArgs),
    /// Seats needed per interval and seat type, and the per-shift demand that follows.
    Advise(traffic::AdviseArgs),
    /// Solve a Curtois & Qu shift-scheduling benchmark instance (InstanceN.txt).
    Nrp(nrp::NrpArgs),
    /// Next month's scenario from this month's roster as worked: history, prior counts,
    /// leave and requests that fall in the new month, the calendar filled.
    Next(cycle::NextArgs),
    /// A scenario from a staff sheet (xlsx or csv), the rest from --from or defaults.
    New(cycle::NewArgs),
    /// Write a roster as JSON, CSV, a printable workbook (xlsx) and calendars (ics).
    Export(cycle::ExportArgs),
    /// Serve the rota in a browser: month grid, swaps, leave, approvals (docs/api.md).
    Serve(serve::ServeArgs),
    /// Accounts of the server's database: `user add ID --role R`, password on stdin.
    User(serve::UserArgs),
    /// Internal: one CBC run for a solve in another process (the model on stdin, how it
    /// ended to --out), so that a solve can use a second core.
    #[command(hide = true)]
    CbcRun {
        #[arg(long)]
        out: PathBuf,
    },
}

impl Cli {
    /// Parses the command line. A flag error is one line naming the flag and the fault
    /// (bad input), like every other bad input; --help and --version print as usual.
    /// Negative numbers parse as values, so `--time-limit -1` is refused for its sign by the
    /// command, not reported as an unknown argument `-1`.
    pub fn parse_flags() -> Result<Cli, ExitStatus> {
        use clap::error::ErrorKind;
        use clap::{CommandFactory, FromArgMatches};
        let cmd = Cli::command().mut_subcommands(|sub| {
            sub.mut_args(|arg| {
                let takes_values = arg.get_action().takes_values();
                arg.allow_negative_numbers(takes_values)
            })
        });
        match cmd
            .try_get_matches()
            .and_then(|m| Cli::from_arg_matches(&m))
        {
            Ok(cli) => Ok(cli),
            Err(e) => match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                    let _ = e.print();
                    Err(ExitStatus::Ok)
                }
                // `roster` alone: the overview is the most useful answer, but still a usage
                // error.
                ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                    let _ = e.print();
                    Err(ExitStatus::BadInput)
                }
                _ => {
                    eprintln!("{}", flag_error_line(&e));
                    Err(ExitStatus::BadInput)
                }
            },
        }
    }

    /// Runs the command. `Ok` carries the status of a command that did its work (a check
    /// that found violations included); `Err`, why it could not.
    pub fn exec(self) -> Result<ExitStatus, CliError> {
        match self.command {
            Command::Solve(a) => solve::run(a),
            Command::Check(a) => check::run(a),
            Command::Swap(a) => whatif::run_swap(a),
            Command::Leave(a) => whatif::run_leave(a),
            Command::Plot(a) => output::run_plot(a),
            Command::Report(a) => output::run_report(a),
            Command::Erlang(a) => traffic::run_erlang(a),
            Command::Simulate(a) => traffic::run_simulate(a),
            Command::Advise(a) => traffic::run_advise(a),
            Command::Nrp(a) => nrp::run(a),
            Command::Next(a) => cycle::run_next(a),
            Command::New(a) => cycle::run_new(a),
            Command::Export(a) => cycle::run_export(a),
            Command::Serve(a) => serve::run_serve(a),
            Command::User(a) => serve::run_user(a),
            Command::CbcRun { out } => {
                roster::solve::serve_cbc_run(std::io::stdin().lock(), &out)
                    .map_err(CliError::Solve)?;
                Ok(ExitStatus::Ok)
            }
        }
    }
}

/// clap's message on one line: the error (with any list it continues into, such as the
/// missing flags) and its tips, without the usage block.
fn flag_error_line(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let mut blocks = text.split("\n\n");
    let head: Vec<&str> = blocks
        .next()
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let tips: Vec<&str> = blocks
        .flat_map(str::lines)
        .map(str::trim)
        .filter(|l| l.starts_with("tip:"))
        .collect();
    let mut line = head.join(" ");
    if !tips.is_empty() {
        line.push_str(&format!(" ({})", tips.join("; ")));
    }
    line
}

/// Loads the scenario and prints its warnings on stderr, unless `quiet` (under `--json`,
/// where a script reads only stdout's one document and warnings would be noise).
fn load_scenario(path: &Path, quiet: bool) -> Result<Scenario, CliError> {
    let sc = Scenario::load(path)?;
    if !quiet {
        for w in &sc.warnings {
            eprintln!("warning: {}: {w}", path.display());
        }
    }
    Ok(sc)
}

/// A command's input files: the given ones and an optional one.
fn inputs<'a>(given: &[&'a Path], optional: &'a Option<PathBuf>) -> Vec<&'a Path> {
    let mut v = given.to_vec();
    v.extend(optional.as_deref());
    v
}

/// Prints one JSON document on stdout. It goes through `serde_json::Value`, whose objects
/// keep their keys sorted, so the document reads the same on every run and release.
fn say_json(doc: &impl serde::Serialize) -> Result<(), CliError> {
    say!("{}", serde_json::to_value(doc)?);
    Ok(())
}

/// A bad flag: the message names it.
fn bad_flag(msg: impl std::fmt::Display) -> CliError {
    CliError::Flag(msg.to_string())
}

/// Expert knob for tuning: ROSTER_CBC_OPTIONS="strong=5 cuts=root" passes parameters
/// straight to CBC in every command that solves (solve, leave --repair, nrp).
fn cbc_parameters() -> Vec<(String, String)> {
    roster::solve::parse_cbc_parameters(&std::env::var("ROSTER_CBC_OPTIONS").unwrap_or_default())
}

/// A spinner on stderr with `heading` and the time so far, for a solve that may take
/// minutes; the solve's progress callback updates its message.
fn progress_spinner(heading: &str) -> indicatif::ProgressBar {
    let spinner = indicatif::ProgressBar::new_spinner();
    spinner.set_message(heading.to_string());
    spinner.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} {elapsed}")
            .expect("valid template"),
    );
    spinner.enable_steady_tick(std::time::Duration::from_millis(200));
    spinner
}

/// Prints a text that ends its own lines, as it is.
fn say_text(text: &str) {
    use std::io::Write;
    if std::io::stdout().lock().write_all(text.as_bytes()).is_err() {
        ExitStatus::Ok.exit_now();
    }
}
