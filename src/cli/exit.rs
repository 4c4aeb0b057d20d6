//! How a command ends: the exit statuses of docs/contract.md, and the one error type every
//! command returns, each case mapped to its status by one exhaustive `match`.

use std::path::PathBuf;
use std::process::ExitCode;

use roster::model::{InputError, OutputError};
use roster::nrp::{NrpError, NrpSolveError};
use roster::plot::PlotError;
use roster::solve::SolveError;
use roster::traffic::TrafficError;
use roster::whatif::{BadRequest, RequestField};

/// The exit statuses of docs/contract.md; the only place their numbers are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum ExitStatus {
    /// Done.
    Ok = 0,
    /// A rule is broken, or a request is rejected.
    Violations = 1,
    /// A malformed file, an unknown ID, a date outside the month, a bad flag, or an output
    /// that cannot be written or would replace an input.
    BadInput = 2,
    /// Proven infeasible: no roster can keep every rule.
    Infeasible = 3,
    /// No result: the time limit ran out first, or the solver or a renderer failed.
    NoResult = 4,
    /// Interrupted by Ctrl-C (128 + SIGINT, as shells report it).
    Interrupted = 130,
}

impl ExitStatus {
    pub fn code(self) -> u8 {
        self as u8
    }

    /// Ends the process at once with this status (a reader that went away, where there is
    /// nobody left to tell).
    pub fn exit_now(self) -> ! {
        std::process::exit(i32::from(self.code()))
    }
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> ExitCode {
        ExitCode::from(status.code())
    }
}

/// Why a command stopped without its result. Each case keeps the library's typed error, so
/// its exit status is decided by what went wrong, not by where.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Input(#[from] InputError),
    #[error(transparent)]
    Output(#[from] OutputError),
    /// Rendered here, not as the library's text: it names the flag (and is no error
    /// source, so the message is printed once).
    #[error("{}: {}", request_flag(.0), .0.message)]
    Request(BadRequest),
    #[error(transparent)]
    Instance(#[from] NrpError),
    /// A flag's value, or the file a flag names, refused by the command line itself; the
    /// message names the flag.
    #[error("{0}")]
    Flag(String),
    /// The scenario cannot be simulated as it stands (`[traffic]` missing or inconsistent).
    #[error("{}: {fault}", scenario.display())]
    Traffic {
        scenario: PathBuf,
        fault: TrafficError,
    },
    /// `--solver` names a backend this build was compiled without.
    #[error("--solver {backend}: this build has no {backend}; rebuild with `{rebuild}`")]
    NoBackend {
        backend: &'static str,
        rebuild: String,
    },
    #[error("{}", solve_failure(.0))]
    Solve(SolveError),
    #[error(transparent)]
    Nrp(NrpSolveError),
    #[error(transparent)]
    Plot(PlotError),
    /// The independent checker disagrees with the solver: a bug, never the user's input.
    #[error("internal error: the solver's roster breaks rules:\n{0}")]
    UncheckedRoster(String),
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// The workbook writer failed on data that loaded and checked: not the user's input.
    #[error("cannot build the workbook: {0}")]
    Workbook(String),
}

impl From<BadRequest> for CliError {
    fn from(e: BadRequest) -> CliError {
        CliError::Request(e)
    }
}

/// The flag that gave the value a request error is about: the library names what it found
/// wrong by meaning, the command line by its flag.
fn request_flag(e: &BadRequest) -> &'static str {
    match e.field {
        None => e.flag,
        Some(RequestField::Partner) => "--with",
        Some(RequestField::Date) => "--date",
        Some(RequestField::ReturnDate) => "--return-date",
    }
}

/// A solver error as the command line says it: running out of time names the flag that
/// gives more.
fn solve_failure(e: &SolveError) -> String {
    match e {
        SolveError::NoSolutionInTime(..) => format!("{e} with --time-limit"),
        other => other.to_string(),
    }
}

impl CliError {
    pub fn exit_status(&self) -> ExitStatus {
        use ExitStatus::{BadInput, Infeasible, NoResult};
        match self {
            CliError::Input(_)
            | CliError::Output(_)
            | CliError::Request(_)
            | CliError::Instance(_)
            | CliError::Flag(_)
            | CliError::Traffic { .. }
            | CliError::NoBackend { .. } => BadInput,
            CliError::Solve(e) => match e {
                SolveError::Infeasible(_) => Infeasible,
                SolveError::BackendMissing(_) => BadInput,
                SolveError::NoSolutionInTime(..)
                | SolveError::Solver(_)
                | SolveError::RulesBroken(_) => NoResult,
            },
            CliError::Nrp(e) => match e {
                NrpSolveError::Infeasible => Infeasible,
                NrpSolveError::BackendMissing(_) => BadInput,
                NrpSolveError::NoSolutionInTime(_)
                | NrpSolveError::Solver(_)
                | NrpSolveError::Unchecked(_) => NoResult,
            },
            CliError::Plot(e) => match e {
                PlotError::Format(_) | PlotError::NoServiceLevels => BadInput,
                PlotError::Draw(_) | PlotError::Encode(_) => NoResult,
            },
            CliError::UncheckedRoster(_) | CliError::Json(_) | CliError::Workbook(_) => NoResult,
        }
    }

    /// Prints the error and its causes on one line of stderr; returns its exit status.
    pub fn report(self) -> ExitStatus {
        let status = self.exit_status();
        eprintln!("error: {:#}", anyhow::Error::new(self));
        status
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// "Cannot write --out" is bad input in every command: whichever way an output fails,
    /// the status is 2, never the 4 of a failed solve.
    #[test]
    fn every_unwritable_output_is_bad_input() {
        let path = PathBuf::from("out.json");
        let errors = [
            OutputError::Unwritable {
                flag: "--out".into(),
                path: path.clone(),
                reason: "the file is read-only".into(),
            },
            OutputError::ReplacesInput {
                flag: "--out".into(),
                path: path.clone(),
                input: path.clone(),
            },
            OutputError::NamedTwice {
                flag: "--csv".into(),
                path: path.clone(),
                other: "--out".into(),
            },
            OutputError::Write {
                path: path.clone(),
                source: std::io::Error::from(std::io::ErrorKind::PermissionDenied),
            },
        ];
        for e in errors {
            let shown = e.to_string();
            assert_eq!(
                CliError::from(e).exit_status(),
                ExitStatus::BadInput,
                "{shown}"
            );
        }
    }

    #[test]
    fn statuses_are_the_contracts_numbers() {
        let codes = [
            (ExitStatus::Ok, 0),
            (ExitStatus::Violations, 1),
            (ExitStatus::BadInput, 2),
            (ExitStatus::Infeasible, 3),
            (ExitStatus::NoResult, 4),
            (ExitStatus::Interrupted, 130),
        ];
        for (status, code) in codes {
            assert_eq!(status.code(), code, "{status:?}");
        }
    }
}
