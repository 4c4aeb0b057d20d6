//! The `roster` command line: parses arguments, calls the library, prints. Exit status:
//! 0 success, 1 rule violations or a rejected request, 2 bad input, 3 no roster exists,
//! 4 no roster found within the time limit or a solver failure.

use anyhow::Result;
use clap::{Parser, Subcommand};
use roster::model::{
    InputError, OutputError, OutputTarget, Roster, Scenario, check_outputs, lock_for_update,
    write_all,
};
use roster::solve::{Backend, SolveError, SolveOptions};
use roster::{report, rules, solve};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
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
    /// May A give a shift to B (换班), and take B's back on another day (还班)? Or, with
    /// --candidates, who could take it.
    Swap(SwapArgs),
    /// May this leave be granted (LEAVE-*)? With --repair, re-roster with the fewest changes.
    Leave(LeaveArgs),
    /// Draw a chart of a roster: coverage, the month as a heat map, service level, fairness.
    Plot(PlotArgs),
    /// Write one self-contained HTML page: summary, rule check, charts, each person's month.
    Report(ReportArgs),
    /// One interval's queue by Erlang C (or Erlang A with --patience-s): performance for
    /// --agents, or the agents needed for --target.
    Erlang(traffic_cli::ErlangArgs),
    /// Simulate the month's calls against a roster (or the demand), per interval and seat.
    Simulate(traffic_cli::SimulateArgs),
    /// Seats needed per interval and seat type, and the per-shift demand that follows.
    Advise(traffic_cli::AdviseArgs),
    /// Solve a Curtois & Qu shift-scheduling benchmark instance (InstanceN.txt).
    Nrp(NrpArgs),
    /// Serve the rota in a browser: month grid, swaps, leave, approvals (docs/api.md).
    Serve(cli_serve::ServeArgs),
    /// Accounts of the server's database: `user add ID --role R`, password on stdin.
    User(cli_serve::UserArgs),
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
    /// Print each stage and each better roster on stderr, one line each ("progress: ..."),
    /// for scripts and logs where no spinner shows.
    #[arg(long)]
    progress: bool,
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
    /// Service level per interval as JSON (`roster simulate --service-out`); without it,
    /// `--kind service` simulates the roster here.
    #[arg(long)]
    service: Option<PathBuf>,
    /// Replications when the service chart simulates the roster itself.
    #[arg(long, default_value_t = 100)]
    replications: u32,
    /// Seed of that simulation; the same seed gives the same chart.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

#[derive(clap::Args)]
struct ReportArgs {
    scenario: PathBuf,
    roster: PathBuf,
    /// The HTML file to write.
    #[arg(long)]
    out: PathBuf,
    /// Service level per interval as JSON (`roster simulate --service-out`); without it the
    /// roster is simulated here when the scenario has a `[traffic]` table.
    #[arg(long)]
    service: Option<PathBuf>,
    /// Replications of that simulation.
    #[arg(long, default_value_t = 100)]
    replications: u32,
    /// Seed of that simulation.
    #[arg(long, default_value_t = 1)]
    seed: u64,
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

mod cli_serve;
mod traffic_cli;

/// An error with the exit status it deserves.
struct Exit(u8, anyhow::Error);

impl<E: Into<anyhow::Error>> From<E> for Exit {
    fn from(e: E) -> Self {
        let e = e.into();
        let code = if e.downcast_ref::<InputError>().is_some()
            || e.downcast_ref::<OutputError>().is_some()
        {
            2
        } else {
            4
        };
        Exit(code, e)
    }
}

fn main() -> ExitCode {
    let cli = match parse_flags() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    let result = match cli.command {
        Command::Solve(a) => cmd_solve(a),
        Command::Check(a) => cmd_check(a),
        Command::Swap(a) => cmd_swap(a),
        Command::Leave(a) => cmd_leave(a),
        Command::Plot(a) => cmd_plot(a),
        Command::Report(a) => cmd_report(a),
        Command::Erlang(a) => traffic_cli::cmd_erlang(a),
        Command::Simulate(a) => traffic_cli::cmd_simulate(a),
        Command::Advise(a) => traffic_cli::cmd_advise(a),
        Command::Nrp(a) => cmd_nrp(a),
        Command::Serve(a) => Ok(cli_serve::cmd_serve(a)),
        Command::User(a) => Ok(cli_serve::cmd_user(a)),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(Exit(code, e)) => {
            eprintln!("error: {e:#}");
            ExitCode::from(code)
        }
    }
}

/// Parses the command line. A flag error is one line naming the flag and the fault (exit
/// 2), like every other bad input; --help and --version print as usual (exit 0). Negative
/// numbers parse as values, so `--time-limit -1` is refused for its sign by the command,
/// not reported as an unknown argument `-1`.
fn parse_flags() -> Result<Cli, ExitCode> {
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
                Err(ExitCode::SUCCESS)
            }
            // `roster` alone: the overview is the most useful answer, but still a usage error.
            ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
                let _ = e.print();
                Err(ExitCode::from(2))
            }
            _ => {
                eprintln!("{}", flag_error_line(&e));
                Err(ExitCode::from(2))
            }
        },
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
    if a.time_limit.is_nan() || a.time_limit <= 0.0 {
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
    let out = a.out.clone().unwrap_or_else(|| {
        let stem = a
            .scenario
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or("roster".into());
        PathBuf::from(format!("{stem}.roster.json"))
    });
    let mut outputs = vec![OutputTarget::new("--out", &out)];
    outputs.extend(a.csv.iter().map(|c| OutputTarget::new("--csv", c)));
    // Before the solve, which may take minutes: a bad output path is known now.
    check_outputs(&outputs, &[&a.scenario])?;
    let backend = if a.solver == "highs" {
        Backend::Highs
    } else {
        Backend::Cbc
    };
    let latest: Arc<Mutex<Latest>> = Arc::default();
    let spinner = indicatif::ProgressBar::new_spinner();
    let heading = format!(
        "solving {} ({} staff, {} days; limit {} s)",
        sc.name,
        sc.staff.len(),
        sc.days(),
        a.time_limit
    );
    spinner.set_message(heading.clone());
    let bar = spinner.clone();
    let sink = Arc::clone(&latest);
    let log_progress = a.progress;
    let opts = SolveOptions {
        backend,
        time_limit: a.time_limit,
        gap: a.gap,
        threads: a.threads.max(1),
        solver_log: a.solver_log,
        cbc_parameters: cbc_parameters(),
        progress: solve::OnProgress::new(move |p| {
            sink.lock().unwrap_or_else(|e| e.into_inner()).record(p);
            if log_progress {
                bar.suspend(|| eprintln!("progress: {}", report::progress_line(p)));
            }
            bar.set_message(format!("{heading}: {}", report::progress_line(p)))
        }),
    };
    spinner.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} {elapsed}")
            .expect("valid template"),
    );
    spinner.enable_steady_tick(Duration::from_millis(200));
    let watched = solve_watched(&sc, &opts);
    spinner.finish_and_clear();
    let result = match watched {
        Watched::Done(result) => *result,
        Watched::Interrupted | Watched::Overran => {
            let interrupted = matches!(watched, Watched::Interrupted);
            let latest = latest.lock().unwrap_or_else(|e| e.into_inner()).clone();
            let code = stop_early(&sc, &a, &out, latest, interrupted);
            // The solver thread is still inside CBC: end the process without running C++
            // static destructors under it (std::process::exit would run them).
            use std::io::Write;
            let _ = std::io::stdout().flush();
            let _ = std::io::stderr().flush();
            // SAFETY: _exit only ends the process; everything it leaves is flushed above.
            unsafe { libc::_exit(code) }
        }
    };

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
        // solve() verified its roster with the independent checker before returning it.
        Err(SolveError::RulesBroken(violations)) => {
            return Err(Exit(
                4,
                anyhow::anyhow!(
                    "internal error: the solver's roster breaks rules:\n{}",
                    report::violations_table(&violations)
                ),
            ));
        }
        Err(e) => return Err(Exit(4, solve_failure(e))),
    };
    let json = solved.roster.to_json();
    let csv_text = a.csv.as_ref().map(|_| roster_csv(&sc, &solved.roster));
    let mut files: Vec<(&Path, &[u8])> = vec![(&out, json.as_bytes())];
    if let (Some(csv), Some(text)) = (&a.csv, &csv_text) {
        files.push((csv, text.as_bytes()));
    }
    write_all(&files)?;
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

/// Where a solve was when last heard of: its stage, and the best roster so far.
#[derive(Default, Clone)]
struct Latest {
    stage: String,
    roster: Option<Arc<Roster>>,
}

impl Latest {
    fn record(&mut self, p: &solve::Progress) {
        self.stage.clone_from(&p.stage);
        if p.roster.is_some() {
            self.roster.clone_from(&p.roster);
        }
    }
}

/// How a solve watched by `solve_watched` ended.
enum Watched {
    Done(Box<Result<solve::Solved, SolveError>>),
    /// SIGINT (Ctrl-C).
    Interrupted,
    /// The solver overran the time limit by more than `OVERRUN_GRACE`.
    Overran,
}

/// How long past its limit a solve may run before the watchdog ends it. CBC checks its
/// clock between nodes and heuristics, not inside every LP, so it may overrun a little.
const OVERRUN_GRACE: f64 = 2.0;

/// The solver thread's stack: what the main thread has on Linux (8 MiB), many times over.
const SOLVER_STACK: usize = 64 << 20;

/// Solves in a worker thread while this thread waits for the result, Ctrl-C or the time
/// limit (plus a grace), whichever comes first: CBC cannot be interrupted from outside.
/// A solver error as the command line says it: running out of time names the flag that
/// gives more.
fn solve_failure(e: SolveError) -> anyhow::Error {
    match e {
        SolveError::NoSolutionInTime(..) => anyhow::anyhow!("{e} with --time-limit"),
        other => other.into(),
    }
}

/// Expert knob for tuning: ROSTER_CBC_OPTIONS="strong=5 cuts=root" passes parameters
/// straight to CBC in every command that solves.
fn cbc_parameters() -> Vec<(String, String)> {
    solve::parse_cbc_parameters(&std::env::var("ROSTER_CBC_OPTIONS").unwrap_or_default())
}

fn solve_watched(sc: &Scenario, opts: &SolveOptions) -> Watched {
    let (tx, rx) = std::sync::mpsc::channel::<Option<Result<solve::Solved, SolveError>>>();
    let on_signal = tx.clone();
    // Without a handler (one is installed already) Ctrl-C keeps its default: the process
    // ends at once, which writes nothing either.
    let _ = ctrlc::set_handler(move || {
        let _ = on_signal.send(None);
    });
    let limit = opts.time_limit;
    let (sc, opts) = (sc.clone(), opts.clone());
    // CBC recurses deeply in preprocessing and search; a spawned thread's default 2 MiB
    // stack is a quarter of what it had on the main thread, and an overflow in C++ is a
    // segfault, not a Rust panic.
    let worker = std::thread::Builder::new()
        .name("solver".into())
        .stack_size(SOLVER_STACK)
        .spawn(move || {
            let result =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| solve::solve(&sc, &opts)))
                    .unwrap_or_else(|_| Err(SolveError::Solver("the solver panicked".into())));
            let _ = tx.send(Some(result));
        });
    if let Err(e) = worker {
        return Watched::Done(Box::new(Err(SolveError::Solver(format!(
            "cannot start the solver thread: {e}"
        )))));
    }
    let received = match Duration::try_from_secs_f64(limit + OVERRUN_GRACE) {
        Ok(wait) => rx.recv_timeout(wait).ok(),
        Err(_) => rx.recv().ok(),
    };
    match received {
        Some(Some(result)) => Watched::Done(Box::new(result)),
        Some(None) => Watched::Interrupted,
        None => Watched::Overran,
    }
}

/// Ends a solve that was interrupted or overran: writes the best roster found, if there is
/// one and it passes the checker, and returns the exit status (130 interrupted; 0 roster
/// written, 4 none, when out of time).
fn stop_early(sc: &Scenario, a: &SolveArgs, out: &Path, latest: Latest, interrupted: bool) -> i32 {
    let what = if interrupted {
        "interrupted".to_string()
    } else {
        format!("time limit of {} s reached", a.time_limit)
    };
    let fail = if interrupted { 130 } else { 4 };
    let stage = if latest.stage.is_empty() {
        "loading the model".to_string()
    } else {
        latest.stage.clone()
    };
    let json = |written: Option<&Path>, objective: Option<f64>| {
        if a.json {
            say!(
                "{}",
                serde_json::json!({
                    "status": if interrupted { "interrupted" } else { "time_limit" },
                    "stage": stage,
                    "objective": objective,
                    "out": written,
                })
            );
        }
    };
    let Some(best) = latest.roster else {
        eprintln!("{what} during {stage}: no roster found yet; nothing written");
        json(None, None);
        return fail;
    };
    let mut best = (*best).clone();
    if !rules::check_roster(sc, &best).is_empty() {
        eprintln!("{what} during {stage}: the best roster so far breaks rules; nothing written");
        json(None, None);
        return fail;
    }
    if let Some(info) = best.solver.as_mut() {
        info.status = if interrupted {
            "interrupted"
        } else {
            "time_limit"
        }
        .into();
    }
    // Every output or none, as in a finished solve.
    let json_text = best.to_json();
    let csv_text = a.csv.as_ref().map(|_| roster_csv(sc, &best));
    let mut files: Vec<(&Path, &[u8])> = vec![(out, json_text.as_bytes())];
    if let (Some(csv), Some(text)) = (&a.csv, &csv_text) {
        files.push((csv, text.as_bytes()));
    }
    if let Err(e) = write_all(&files) {
        eprintln!("{what}: {e}");
        json(None, None);
        return fail;
    }
    let objective = best.solver.as_ref().map_or(f64::NAN, |i| i.objective);
    json(Some(out), Some(objective));
    eprintln!(
        "{what} during {stage}: wrote the best roster found so far to {} (objective {}, not proven optimal)",
        out.display(),
        report::num(objective)
    );
    if interrupted { 130 } else { 0 }
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
    let mut sc = load_scenario(&a.scenario, a.json)?;
    let roster = Roster::load(&a.roster, &sc)?;
    roster.grant_leave_to(&mut sc);
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

#[derive(clap::Args)]
struct SwapArgs {
    scenario: PathBuf,
    roster: PathBuf,
    /// Who gives their shift away (A).
    #[arg(long)]
    staff: String,
    /// The date of A's shift (YYYY-MM-DD).
    #[arg(long)]
    date: String,
    /// Who takes it (B).
    #[arg(long, required_unless_present = "candidates")]
    with: Option<String>,
    /// The date of B's shift that A takes in return; without it the return is pending.
    #[arg(long, conflicts_with = "candidates")]
    return_date: Option<String>,
    /// Both people's team leads have approved (SWAP-APPROVAL); without it the swap is
    /// judged but rejected under SWAP-APPROVAL.
    #[arg(long)]
    approved: bool,
    /// List everyone who could take the shift, with the return dates that would pass.
    #[arg(long, conflicts_with = "with")]
    candidates: bool,
    /// Where to write the roster after an accepted swap [default: ROSTER, updated in place].
    #[arg(long)]
    out: Option<PathBuf>,
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
struct LeaveArgs {
    scenario: PathBuf,
    roster: PathBuf,
    #[arg(long)]
    staff: String,
    /// First day of leave (YYYY-MM-DD).
    #[arg(long)]
    from: String,
    /// Last day of leave (YYYY-MM-DD).
    #[arg(long)]
    to: String,
    /// personal, special, sick or annual.
    #[arg(long)]
    kind: String,
    /// When the request was made (YYYY-MM-DDTHH:MM).
    #[arg(long)]
    requested_at: String,
    /// The time the repair is made (YYYY-MM-DDTHH:MM) [default: --requested-at]. Shifts
    /// reporting before it, or before the request, are kept as rostered.
    #[arg(long)]
    now: Option<String>,
    /// lead, dept_head, centre_director, management or none.
    #[arg(long)]
    approved_by: String,
    /// Who filed it [default: the person on leave]; any id or name.
    #[arg(long)]
    filed_by: Option<String>,
    /// A medical certificate is attached (LEAVE-CERT).
    #[arg(long)]
    certificate: bool,
    /// An emergency (LEAVE-CERT waives the certificate).
    #[arg(long)]
    emergency: bool,
    /// Re-roster with the fewest changed assignments so every roster rule holds again.
    #[arg(long)]
    repair: bool,
    /// Time limit for the repair, seconds.
    #[arg(long, default_value_t = 60.0)]
    time_limit: f64,
    /// Where to write the repaired roster [default: ROSTER, updated in place].
    #[arg(long)]
    out: Option<PathBuf>,
    #[arg(long)]
    json: bool,
}

fn cmd_swap(a: SwapArgs) -> Result<u8, Exit> {
    use roster::whatif;
    let mut sc = load_scenario(&a.scenario, a.json)?;
    let out = a.out.clone().unwrap_or_else(|| a.roster.clone());
    // Held until this command ends, after the write: a concurrent swap on the same roster
    // waits and then judges the roster with this swap in it.
    let _lock = if a.candidates {
        None
    } else {
        check_outputs(&[output_of_update(&a.out, &out)], &[&a.scenario])?;
        Some(lock_roster(&a.roster)?)
    };
    let base = Roster::load(&a.roster, &sc)?;
    base.grant_leave_to(&mut sc);
    let staff = whatif::staff_arg(&sc, "--staff", &a.staff).map_err(bad)?;
    let date = whatif::date_in_month(&sc, "--date", &a.date).map_err(bad)?;
    if a.candidates {
        let list = whatif::candidates(&sc, &base, staff, date).map_err(bad)?;
        if a.json {
            say!(
                "{}",
                serde_json::json!({"staff": a.staff, "date": date, "candidates": list})
            );
        } else {
            say!("{}", report::candidates_table(&sc, &a.staff, date, &list));
        }
        return Ok(0);
    }
    let with = a.with.as_deref().unwrap_or_default();
    let req = whatif::SwapRequest {
        a: staff,
        date,
        b: whatif::staff_arg(&sc, "--with", with).map_err(bad)?,
        return_date: a
            .return_date
            .as_deref()
            .map(|d| whatif::date_in_month(&sc, "--return-date", d))
            .transpose()
            .map_err(bad)?,
        approved: a.approved,
    };
    let outcome = whatif::check_swap(&sc, &base, &req).map_err(bad)?;
    if let Some(r) = &outcome.roster {
        write_all(&[(&out, r.to_json().as_bytes())])?;
    }
    if a.json {
        let mut v = serde_json::to_value(&outcome).expect("serialisable");
        if outcome.accepted {
            v["out"] = serde_json::json!(out);
        }
        say!("{v}");
    } else {
        say!("{}", report::swap_text(&sc, &outcome));
        if outcome.accepted {
            say!("wrote {}", out.display());
        }
    }
    Ok(if outcome.accepted { 0 } else { 1 })
}

fn cmd_leave(a: LeaveArgs) -> Result<u8, Exit> {
    use roster::model::{Approver, LeaveKind, LeaveRequest, parse_date, parse_datetime};
    use roster::whatif::{self, BadRequest, RepairError};
    let mut sc = load_scenario(&a.scenario, a.json)?;
    let out = a.out.clone().unwrap_or_else(|| a.roster.clone());
    // Only a repair writes; it holds the roster from reading to writing, as a swap does.
    let _lock = if a.repair {
        check_outputs(&[output_of_update(&a.out, &out)], &[&a.scenario])?;
        Some(lock_roster(&a.roster)?)
    } else {
        None
    };
    let base = Roster::load(&a.roster, &sc)?;
    base.grant_leave_to(&mut sc);
    let staff = whatif::staff_arg(&sc, "--staff", &a.staff).map_err(bad)?;
    let date = |flag: &'static str, s: &str| {
        parse_date(s).ok_or_else(|| {
            bad(BadRequest::new(
                flag,
                format!("`{s}` is not a date (expected YYYY-MM-DD)"),
            ))
        })
    };
    let (from, to) = (date("--from", &a.from)?, date("--to", &a.to)?);
    if to < from {
        return Err(bad(BadRequest::new(
            "--to",
            format!("leave ends ({to}) before it starts ({from})"),
        )));
    }
    if !sc.month.dates().any(|d| from <= d && d <= to) {
        return Err(bad(BadRequest::new(
            "--from",
            format!("{from}..{to} has no day in the month {}", sc.month),
        )));
    }
    let kind = LeaveKind::parse(&a.kind).ok_or_else(|| {
        bad(BadRequest::new(
            "--kind",
            format!(
                "unknown leave kind `{}` (personal, special, sick or annual)",
                a.kind
            ),
        ))
    })?;
    let requested_at = parse_datetime(&a.requested_at).ok_or_else(|| {
        bad(BadRequest::new(
            "--requested-at",
            format!(
                "`{}` is not a date-time (expected YYYY-MM-DDTHH:MM)",
                a.requested_at
            ),
        ))
    })?;
    let now = a
        .now
        .as_deref()
        .map(|t| {
            parse_datetime(t).ok_or_else(|| {
                bad(BadRequest::new(
                    "--now",
                    format!("`{t}` is not a date-time (expected YYYY-MM-DDTHH:MM)"),
                ))
            })
        })
        .transpose()?;
    let approved_by = Approver::parse(&a.approved_by).ok_or_else(|| {
        bad(BadRequest::new(
            "--approved-by",
            format!(
                "unknown approver `{}` (lead, dept_head, centre_director, management or none)",
                a.approved_by
            ),
        ))
    })?;
    if a.repair && (a.time_limit.is_nan() || a.time_limit <= 0.0) {
        return Err(bad(BadRequest::new(
            "--time-limit",
            "must be a positive number of seconds",
        )));
    }
    let filed_by_id = a.filed_by.clone().unwrap_or_else(|| a.staff.clone());
    let req = LeaveRequest {
        id: format!("granted-{}", base.leave.len() + 1),
        staff,
        from,
        to,
        kind,
        requested_at: Some(requested_at),
        filed_by: sc.staff_by_id(&filed_by_id),
        filed_by_id,
        approved_by,
        certificate: a.certificate,
        emergency: a.emergency,
    };
    let outcome = whatif::check_leave(&sc, &base, &req);
    let mut doc = serde_json::to_value(&outcome).expect("serialisable");
    if !a.json {
        say!("{}", report::leave_text(&sc, &outcome).trim_end());
    }
    let mut code = if outcome.accepted { 0 } else { 1 };
    if a.repair && outcome.accepted {
        let opts = SolveOptions {
            time_limit: a.time_limit,
            cbc_parameters: cbc_parameters(),
            ..SolveOptions::default()
        };
        match whatif::repair_leave_at(&sc, &base, &req, now, &opts) {
            Ok(rep) => {
                write_all(&[(&out, rep.roster.to_json().as_bytes())])?;
                if a.json {
                    doc["repair"] = serde_json::to_value(&rep).expect("serialisable");
                    doc["repair"]["out"] = serde_json::json!(out);
                } else {
                    say!("{}", report::repair_text(&rep));
                    say!("wrote {}", out.display());
                }
            }
            Err(RepairError::Blocked(d)) => {
                code = 1;
                if a.json {
                    doc["repair"] = serde_json::json!({"status": "infeasible", "diagnosis": d});
                } else {
                    say!("No repair exists: with this leave granted, no roster meets every rule.");
                    say!("{}", report::diagnosis_text(&d));
                }
            }
            Err(RepairError::Solve(e)) => return Err(Exit(4, solve_failure(e))),
        }
    }
    if a.json {
        say!("{doc}");
    }
    Ok(code)
}

/// The output of a swap or a leave repair: `--out`, or ROSTER itself, updated in place.
fn output_of_update(flag: &Option<PathBuf>, out: &Path) -> OutputTarget {
    OutputTarget::new(
        if flag.is_some() {
            "--out"
        } else {
            "ROSTER (updated in place)"
        },
        out,
    )
}

/// Locks the roster file for a read-change-write; a file that cannot be opened is reported
/// as the roster loader reports it.
fn lock_roster(path: &Path) -> Result<roster::model::UpdateLock, Exit> {
    lock_for_update(path).map_err(|e| {
        Exit(
            2,
            InputError::new(path, "", format!("cannot read the roster: {e}")).into(),
        )
    })
}

/// A bad flag or request: exit 2 with the one message.
fn bad(msg: impl std::fmt::Display) -> Exit {
    Exit(2, anyhow::anyhow!("{msg}"))
}

/// Runs the call simulator on the roster for the service chart.
fn simulate_service(
    path: &Path,
    sc: &Scenario,
    roster: &Roster,
    replications: u32,
    seed: u64,
) -> Result<Vec<roster::plot::ServiceSeries>, Exit> {
    if replications == 0 {
        return Err(bad("--replications must be at least 1"));
    }
    roster::traffic::adapt::simulated_service(sc, roster, replications, seed)
        .map_err(|e| bad(format!("{}: {e}", path.display())))
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
    check_outputs(
        &[OutputTarget::new("--out", &a.out)],
        &inputs(&[&a.scenario, &a.roster], &a.service),
    )?;
    let format = Format::from_path(&a.out).map_err(|e| bad(format!("--out {e}")))?;
    let kind = Kind::parse(&a.kind).expect("clap allows only known kinds");
    let mut sc = load_scenario(&a.scenario, false)?;
    let date = match &a.date {
        None => None,
        Some(s) => match roster::model::parse_date(s) {
            Some(d) if sc.month.contains(d) => Some(d),
            Some(d) => return Err(bad(format!("--date {d} is outside the month {}", sc.month))),
            None => return Err(bad(format!("--date `{s}` is not a date (YYYY-MM-DD)"))),
        },
    };
    if date.is_some() && kind != Kind::Coverage {
        return Err(bad("--date applies only to --kind coverage"));
    }
    let roster = Roster::load(&a.roster, &sc)?;
    roster.grant_leave_to(&mut sc);
    let service = match &a.service {
        Some(p) => Some(load_service(p)?),
        None if kind == Kind::Service => Some(simulate_service(
            &a.scenario,
            &sc,
            &roster,
            a.replications,
            a.seed,
        )?),
        None => None,
    };
    let bytes = match plot::plot(&sc, &roster, kind, date, service.as_deref(), format) {
        Ok(b) => b,
        Err(PlotError::NoData(msg)) => {
            return Err(bad(format!(
                "{msg}; give its output with --service FILE.json, or plot coverage, roster or fairness"
            )));
        }
        Err(e) => return Err(Exit(4, e.into())),
    };
    write_all(&[(&a.out, &bytes)])?;
    say!("wrote {} ({} chart)", a.out.display(), kind.name());
    Ok(0)
}

fn cmd_report(a: ReportArgs) -> Result<u8, Exit> {
    check_outputs(
        &[OutputTarget::new("--out", &a.out)],
        &inputs(&[&a.scenario, &a.roster], &a.service),
    )?;
    let mut sc = load_scenario(&a.scenario, false)?;
    let roster = Roster::load(&a.roster, &sc)?;
    roster.grant_leave_to(&mut sc);
    let service = match &a.service {
        Some(p) => Some(load_service(p)?),
        None if sc.traffic.is_some() => Some(simulate_service(
            &a.scenario,
            &sc,
            &roster,
            a.replications,
            a.seed,
        )?),
        None => None,
    };
    let html = report::html::report_html(&sc, &roster, service.as_deref())
        .map_err(|e| Exit(4, e.into()))?;
    write_all(&[(&a.out, html.as_bytes())])?;
    say!("wrote {}", a.out.display());
    Ok(0)
}

/// A command's input files: the given ones and an optional one.
fn inputs<'a>(given: &[&'a Path], optional: &'a Option<PathBuf>) -> Vec<&'a Path> {
    let mut v = given.to_vec();
    v.extend(optional.as_deref());
    v
}

#[derive(clap::Args)]
struct NrpArgs {
    /// The instance, in the benchmark's text format.
    instance: PathBuf,
    /// Stop after this many seconds with the best roster found.
    #[arg(long, default_value_t = 600.0)]
    time_limit: f64,
    /// Accept a roster within this relative gap of the bound; 0 proves optimality.
    #[arg(long, default_value_t = 0.0)]
    gap: f64,
    /// Write the roster as a TAB grid: one line per staff ID, one field per day.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Print one JSON document on stdout instead of text.
    #[arg(long)]
    json: bool,
    /// MIP solver: cbc (bundled) or highs (with `--features highs`).
    #[arg(long, default_value = "cbc", value_parser = ["cbc", "highs"])]
    solver: String,
}

/// `roster nrp`: the benchmark instance solved by the MIP, the roster re-checked by the
/// independent evaluator before anything is written.
fn cmd_nrp(a: NrpArgs) -> Result<u8, Exit> {
    use roster::nrp::{self, NrpSolveError};
    if a.time_limit.is_nan() || a.time_limit <= 0.0 {
        return Err(bad("--time-limit must be a positive number of seconds"));
    }
    if !(0.0..1.0).contains(&a.gap) {
        return Err(bad("--gap must be a fraction in [0, 1), e.g. 0.01 for 1 %"));
    }
    let inst = nrp::Instance::load(&a.instance).map_err(|e| Exit(2, e.into()))?;
    if let Some(out) = &a.out {
        check_outputs(&[OutputTarget::new("--out", out)], &[&a.instance])?;
    }
    let spinner = indicatif::ProgressBar::new_spinner();
    let heading = format!(
        "solving {} ({} staff, {} days, {} shift types; limit {} s)",
        a.instance.display(),
        inst.staff.len(),
        inst.horizon,
        inst.shifts.len(),
        a.time_limit
    );
    spinner.set_message(heading.clone());
    let bar = spinner.clone();
    let opts = SolveOptions {
        backend: if a.solver == "highs" {
            Backend::Highs
        } else {
            Backend::Cbc
        },
        time_limit: a.time_limit,
        gap: a.gap,
        cbc_parameters: cbc_parameters(),
        progress: solve::OnProgress::new(move |p| {
            bar.set_message(format!("{heading}: {}", report::progress_line(p)))
        }),
        ..SolveOptions::default()
    };
    spinner.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} {elapsed}")
            .expect("valid template"),
    );
    spinner.enable_steady_tick(Duration::from_millis(200));
    let result = nrp::solve(&inst, &opts);
    spinner.finish_and_clear();
    let solved = match result {
        Ok(s) => s,
        Err(NrpSolveError::Infeasible) => {
            if a.json {
                say!("{}", serde_json::json!({"status": "infeasible"}));
            } else {
                say!("status      infeasible (proven: no roster meets the hard constraints)");
            }
            return Ok(3);
        }
        Err(NrpSolveError::BackendMissing(b)) => {
            return Err(bad(format!(
                "--solver {b}: this build has no {b}; rebuild with `cargo build --features {b}`"
            )));
        }
        Err(e) => return Err(Exit(4, e.into())),
    };
    if let Some(out) = &a.out {
        write_all(&[(out, inst.grid(&solved.roster).as_bytes())])?;
    }
    if a.json {
        let mut v = serde_json::to_value(&solved).expect("serialisable");
        v["objective_breakdown"] = v["breakdown"].take();
        if let Some(obj) = v.as_object_mut() {
            obj.remove("breakdown");
        }
        v["out"] = serde_json::json!(a.out);
        say!("{v}");
    } else {
        let b = &solved.breakdown;
        say!("status      {}", solved.status.name());
        say!("objective   {}", solved.objective);
        say!("  shift-on requests   {}", b.shift_on_requests);
        say!("  shift-off requests  {}", b.shift_off_requests);
        say!("  under-cover         {}", b.under_cover);
        say!("  over-cover          {}", b.over_cover);
        say!("bound       {}", solved.bound);
        say!("gap         {:.2} %", solved.gap * 100.0);
        say!("seconds     {:.2}", solved.seconds);
        say!(
            "model       {} variables ({} shift), {} constraints",
            solved.size.variables,
            solved.size.shift_variables,
            solved.size.constraints
        );
        if let Some(out) = &a.out {
            say!("wrote {}", out.display());
        }
    }
    Ok(0)
}
