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
    /// Draw a chart of a roster: coverage, the month as a heat map, service level, fairness.
    Plot(PlotArgs),
    /// Write one self-contained HTML page: summary, rule check, charts, each person's month.
    Report(ReportArgs),
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

#[derive(clap::Args)]
struct PlotArgs {
    scenario: PathBuf,
    roster: PathBuf,
    /// The chart file; its extension (.svg or .png) picks the format.
    #[arg(long)]
    out: PathBuf,
    /// Which chart: coverage, roster, service or fairness.
    #[arg(long, default_value = "coverage", value_parser = ["coverage", "roster", "service", "fairness"])]
    kind: String,
    /// Coverage of one day (YYYY-MM-DD) instead of the whole month.
    #[arg(long)]
    date: Option<String>,
    /// Service level per interval as JSON (a list of series, see `roster::plot::ServiceSeries`),
    /// for `--kind service` until the simulator is built in.
    #[arg(long)]
    service: Option<PathBuf>,
}

#[derive(clap::Args)]
struct ReportArgs {
    scenario: PathBuf,
    roster: PathBuf,
    /// The HTML file to write.
    #[arg(long)]
    out: PathBuf,
    /// Service level per interval as JSON, to include the service chart.
    #[arg(long)]
    service: Option<PathBuf>,
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
        Command::Plot(a) => cmd_plot(a),
        Command::Report(a) => cmd_report(a),
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

fn bad(msg: String) -> Exit {
    Exit(2, anyhow::anyhow!(msg))
}

/// Reads `--service FILE`: the simulator's per-interval service level as JSON.
fn load_service(path: &Path) -> Result<Vec<roster::plot::ServiceSeries>, Exit> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| bad(format!("--service {}: cannot read: {e}", path.display())))?;
    serde_json::from_str(&text).map_err(|e| {
        bad(format!(
            "--service {}: line {}, column {}: not a list of service series: {e}",
            path.display(),
            e.line(),
            e.column()
        ))
    })
}

fn cmd_plot(a: PlotArgs) -> Result<u8, Exit> {
    use roster::plot::{self, Format, Kind, PlotError};
    // Flags first, so a typo costs no file reading.
    let format = Format::from_path(&a.out).map_err(|e| bad(format!("--out {e}")))?;
    let kind = Kind::parse(&a.kind).expect("clap allows only known kinds");
    let sc = load_scenario(&a.scenario, false)?;
    let date = match &a.date {
        None => None,
        Some(s) => match roster::model::parse_date(s) {
            Some(d) if sc.month.contains(d) => Some(d),
            Some(d) => return Err(bad(format!("--date {d} is outside the month {}", sc.month))),
            None => return Err(bad(format!("--date `{s}` is not a date (YYYY-MM-DD)"))),
        },
    };
    if date.is_some() && kind != Kind::Coverage {
        return Err(bad("--date applies only to --kind coverage".into()));
    }
    let roster = Roster::load(&a.roster, &sc)?;
    let service = a.service.as_deref().map(load_service).transpose()?;
    let bytes = match plot::plot(&sc, &roster, kind, date, service.as_deref(), format) {
        Ok(b) => b,
        Err(PlotError::NoData(msg)) => {
            return Err(bad(format!(
                "{msg}; give its output with --service FILE.json, or plot coverage, roster or fairness"
            )));
        }
        Err(e) => return Err(Exit(4, e.into())),
    };
    write_atomically(&a.out, &bytes)
        .with_context(|| format!("cannot write {}", a.out.display()))?;
    say!("wrote {} ({} chart)", a.out.display(), kind.name());
    Ok(0)
}

fn cmd_report(a: ReportArgs) -> Result<u8, Exit> {
    let sc = load_scenario(&a.scenario, false)?;
    let roster = Roster::load(&a.roster, &sc)?;
    let service = a.service.as_deref().map(load_service).transpose()?;
    let html = report::html::report_html(&sc, &roster, service.as_deref())
        .map_err(|e| Exit(4, e.into()))?;
    write_atomically(&a.out, html.as_bytes())
        .with_context(|| format!("cannot write {}", a.out.display()))?;
    say!("wrote {}", a.out.display());
    Ok(0)
}
