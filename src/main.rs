//! The `roster` command line: parse the flags, run the command, exit with its status
//! (docs/contract.md, "Exit codes"). Everything else lives in `cli/`.

mod cli;

use std::process::ExitCode;

use cli::Cli;

fn main() -> ExitCode {
    let status = match Cli::parse_flags() {
        Ok(cli) => cli.exec().unwrap_or_else(cli::CliError::report),
        Err(status) => status,
    };
    status.into()
}
