//! The `roster` command line: parses arguments, calls the library, prints. Exit status:
//! 0 success, 1 rule violations or a rejected request, 2 bad input, 3 no roster exists,
//! 4 no roster found within the time limit or a solver failure.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use roster::model::{InputError, Roster, Scenario, write_atomically};
use roster::solve::{Backend, SolveError, SolveOptions};
use roster::{report, rules, solve};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "roster",
    version,
    about = "Rostering optimiser and call-load simulator for telecom customer-service centres"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build and solve the month: an optimal roster, with its proof and objective breakdown.
    Solve(SolveArgs),
    /// Check a roster against every roster rule.
    Check(CheckArgs),
    /// One interval's queue by Erlang C (or Erlang A with --patience-s): performance for
    /// --agents, or the agents needed for --target.
    Erlang(traffic_cli::ErlangArgs),
    /// Simulate the month's calls against a roster (or the demand), per interval and seat.
    Simulate(traffic_cli::SimulateArgs),
    /// Seats needed per interval and seat type, and the per-shift demand that follows.
    Advise(traffic_cli::AdviseArgs),
}

#[derive(clap::Args)]
struct SolveArgs {
    /// The scenario (TOML).
    scenario: PathBuf,
    /// Where to write the roster JSON [default: SCENARIO's name with .roster.json, here].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Also write the roster as CSV (staff, name, date, shift, seat).
    #[arg(long)]
    csv: Option<PathBuf>,
    /// Stop after this many seconds with the best roster found.
    #[arg(long, default_value_t = 300.0)]
    time_limit: f64,
    /// Accept a roster within this relative gap of the bound (0.01 = 1 %); 0 proves optimality.
    #[arg(long, default_value_t = 0.0)]
    gap: f64,
    /// Solver threads (HiGHS; the bundled CBC is serial and deterministic).
    #[arg(long, default_value_t = 1)]
    threads: u32,
    /// MIP solver: cbc (bundled) or highs (with `--features highs`).
    #[arg(long, default_value = "cbc", value_parser = ["cbc", "highs"])]
    solver: String,
    /// Print one JSON document on stdout instead of tables.
    #[arg(long)]
    json: bool,
    /// Show the MIP solver's own log (on stdout), to see where a slow solve spends time.
    #[arg(long)]
    solver_log: bool,
}

#[derive(clap::Args)]
struct CheckArgs {
    scenario: PathBuf,
    roster: PathBuf,
    #[arg(long)]
    json: bool,
}

/// Prints a line on stdout; a reader that went away (`roster solve ... | head`) ends the
/// program quietly instead of panicking.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write;
        if writeln!(std::io::stdout().lock(), $($arg)*).is_err() {
            std::process::exit(0);
        }
    }};
}

mod traffic_cli;

/// An error with the exit status it deserves.
struct Exit(u8, anyhow::Error);

impl<E: Into<anyhow::Error>> From<E> for Exit {
    fn from(e: E) -> Self {
        let e = e.into();
        let code = if e.downcast_ref::<InputError>().is_some() {
            2
        } else {
            4
        };
        Exit(code, e)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Solve(a) => cmd_solve(a),
        Command::Check(a) => cmd_check(a),
        Command::Erlang(a) => traffic_cli::cmd_erlang(a),
        Command::Simulate(a) => traffic_cli::cmd_simulate(a),
        Command::Advise(a) => traffic_cli::cmd_advise(a),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(Exit(code, e)) => {
            eprintln!("error: {e:#}");
            ExitCode::from(code)
        }
    }
}

fn load_scenario(path: &Path, quiet: bool) -> Result<Scenario, Exit> {
    let sc = Scenario::load(path)?;
    if !quiet {
        for w in &sc.warnings {
            eprintln!("warning: {}: {w}", path.display());
        }
    }
    Ok(sc)
}

fn cmd_solve(a: SolveArgs) -> Result<u8, Exit> {
    let sc = load_scenario(&a.scenario, a.json)?;
    if !(a.time_limit > 0.0) {
        return Err(Exit(
            2,
            anyhow::anyhow!("--time-limit must be a positive number of seconds"),
        ));
    }
    if !(0.0..1.0).contains(&a.gap) {
        return Err(Exit(
            2,
            anyhow::anyhow!("--gap must be a fraction in [0, 1), e.g. 0.01 for 1 %"),
        ));
    }
    let backend = if a.solver == "highs" {
        Backend::Highs
    } else {
        Backend::Cbc
    };
    let opts = SolveOptions {
        backend,
        time_limit: a.time_limit,
        gap: a.gap,
        threads: a.threads.max(1),
        solver_log: a.solver_log,
    };
    let out = a.out.clone().unwrap_or_else(|| {
        let stem = a
            .scenario
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or("roster".into());
        PathBuf::from(format!("{stem}.roster.json"))
    });

    let spinner = indicatif::ProgressBar::new_spinner();
    spinner.set_message(format!(
        "solving {} ({} staff, {} days; limit {} s)",
        sc.name,
        sc.staff.len(),
        sc.days(),
        a.time_limit
    ));
    spinner.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} {elapsed}")
            .expect("valid template"),
    );
    spinner.enable_steady_tick(Duration::from_millis(200));
    let result = solve::solve(&sc, &opts);
    spinner.finish_and_clear();

    let solved = match result {
        Ok(s) => s,
        Err(SolveError::Infeasible(d)) => {
            if a.json {
                say!(
                    "{}",
                    serde_json::json!({"status": "infeasible", "diagnosis": d})
                );
            } else {
                say!("{}", report::diagnosis_text(&d));
            }
            return Ok(3);
        }
        Err(SolveError::BackendMissing(b)) => {
            return Err(Exit(
                2,
                anyhow::anyhow!(
                    "--solver {b}: this build has no {b}; rebuild with `cargo build --release --features {b}`"
                ),
            ));
        }
        Err(e) => return Err(Exit(4, e.into())),
    };
    // Trust, but verify: the independent checker must agree before anything is written.
    let violations = rules::check_roster(&sc, &solved.roster);
    if !violations.is_empty() {
        return Err(Exit(
            4,
            anyhow::anyhow!(
                "internal error: the solver's roster breaks rules:\n{}",
                report::violations_table(&violations)
            ),
        ));
    }
    solved
        .roster
        .save(&out)
        .with_context(|| format!("cannot write {}", out.display()))?;
    if let Some(csv) = &a.csv {
        write_atomically(csv, roster_csv(&sc, &solved.roster).as_bytes())
            .with_context(|| format!("cannot write {}", csv.display()))?;
    }
    if a.json {
        let mut v = serde_json::to_value(&solved).expect("serialisable");
        v["roster"] = serde_json::to_value(&solved.roster).expect("serialisable");
        v["out"] = serde_json::json!(out);
        say!("{v}");
    } else {
        say!("{}  {}", sc.name, sc.month);
        say!("{}", report::solve_summary(&solved));
        say!("{}", report::roster_grid(&sc, &solved.roster));
        say!("wrote {}", out.display());
        if let Some(csv) = &a.csv {
            say!("wrote {}", csv.display());
        }
    }
    Ok(0)
}

fn roster_csv(sc: &Scenario, r: &Roster) -> String {
    let mut s = String::from("staff,name,date,shift,seat\n");
    for a in &r.assignments {
        let name = sc
            .staff_by_id(&a.staff)
            .map(|i| sc.staff[i].name.as_str())
            .unwrap_or("");
        s.push_str(&format!(
            "{},{},{},{},{}\n",
            a.staff, name, a.date, a.shift, a.seat
        ));
    }
    s
}

fn cmd_check(a: CheckArgs) -> Result<u8, Exit> {
    let sc = load_scenario(&a.scenario, a.json)?;
    let roster = Roster::load(&a.roster, &sc)?;
    let violations = rules::check_roster(&sc, &roster);
    if a.json {
        let objective = solve::evaluate(&sc, &roster);
        say!(
            "{}",
            serde_json::json!({"ok": violations.is_empty(), "violations": violations, "objective": objective.total(), "breakdown": objective})
        );
    } else if violations.is_empty() {
        say!(
            "{}: no rule is broken ({} assignments checked against {} rules)",
            a.roster.display(),
            roster.assignments.len(),
            rules::roster_rules().len()
        );
    } else {
        say!("{}", report::violations_table(&violations));
        say!("{} violation(s)", violations.len());
    }
    Ok(if violations.is_empty() { 0 } else { 1 })
}
