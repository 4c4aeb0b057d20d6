//! `roster solve`: the month solved in a watched worker thread (Ctrl-C and an overrunning
//! solver still end with the best roster found), checked, then written.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use roster::model::{OutputTarget, Roster, Scenario, check_outputs, write_all};
use roster::solve::{self, SolveError, SolveOptions, Solved};
use roster::{report, rules};
use serde::Serialize;

use super::args::{JsonFlag, SolveLimits};
use super::interrupt;
use super::{CliError, ExitStatus, cbc_parameters, load_scenario, progress_spinner, say_json};

#[derive(clap::Args)]
#[command(mut_arg("time_limit", |a| a.default_value("300")))]
pub struct SolveArgs {
    /// The scenario (TOML).
    scenario: PathBuf,
    /// Where to write the roster JSON [default: SCENARIO's name with .roster.json, here].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Also write the roster as CSV (staff, name, date, shift, seat).
    #[arg(long)]
    csv: Option<PathBuf>,
    #[command(flatten)]
    limits: SolveLimits,
    /// Solver threads (HiGHS; the bundled CBC is serial and deterministic).
    #[arg(long, default_value_t = 1)]
    threads: u32,
    #[command(flatten)]
    json: JsonFlag,
    /// Show the MIP solver's own log (on stdout), to see where a slow solve spends time.
    #[arg(long)]
    solver_log: bool,
    /// Print each stage and each better roster on stderr, one line each ("progress: ..."),
    /// for scripts and logs where no spinner shows.
    #[arg(long)]
    progress: bool,
}

/// What `solve --json` prints for a roster: the solve's figures, the roster, and where it
/// was written.
#[derive(Serialize)]
struct SolvedDoc<'a> {
    #[serde(flatten)]
    solved: &'a Solved,
    roster: &'a Roster,
    out: &'a Path,
}

/// What `--json` prints when no roster exists.
#[derive(Serialize)]
struct InfeasibleDoc<'a> {
    status: &'static str,
    diagnosis: &'a solve::Diagnosis,
}

pub fn run(a: SolveArgs) -> Result<ExitStatus, CliError> {
    let sc = load_scenario(&a.scenario, a.json.json)?;
    a.limits.check()?;
    let out = a.out.clone().unwrap_or_else(|| default_out(&a.scenario));
    let mut outputs = vec![OutputTarget::new("--out", &out)];
    outputs.extend(a.csv.iter().map(|c| OutputTarget::new("--csv", c)));
    // Before the solve, which may take minutes: a bad output path is known now.
    check_outputs(&outputs, &[&a.scenario])?;
    // Before any thread starts (the spinner's, the solver's): they inherit SIGINT blocked.
    let (tx, rx) = std::sync::mpsc::channel::<Ended>();
    let on_signal = tx.clone();
    // Without the Ctrl-C thread, Ctrl-C keeps its default: the process ends at once, which
    // writes nothing either.
    let _ = interrupt::on_ctrl_c(move || {
        let _ = on_signal.send(None);
    });
    let latest: Arc<Mutex<Latest>> = Arc::default();
    let heading = format!(
        "solving {} ({} staff, {} days; limit {} s)",
        sc.name,
        sc.staff.len(),
        sc.days(),
        a.limits.time_limit
    );
    let spinner = progress_spinner(&heading);
    let bar = spinner.clone();
    let sink = Arc::clone(&latest);
    let log_progress = a.progress;
    let opts = SolveOptions {
        backend: a.limits.solver.into(),
        time_limit: a.limits.time_limit,
        gap: a.limits.gap,
        threads: a.threads.max(1),
        solver_log: a.solver_log,
        cbc_parameters: cbc_parameters(),
        // This very program runs a large month's root node beside fix-and-optimise.
        cbc_process: std::env::current_exe().ok(),
        progress: solve::OnProgress::new(move |p| {
            sink.lock().unwrap_or_else(|e| e.into_inner()).record(p);
            if log_progress {
                bar.suspend(|| eprintln!("progress: {}", report::progress_line(p)));
            }
            bar.set_message(format!("{heading}: {}", report::progress_line(p)))
        }),
    };
    let watched = solve_watched(&sc, &opts, tx, rx);
    spinner.finish_and_clear();
    let result = match watched {
        Watched::Done(result) => *result,
        Watched::Interrupted | Watched::Overran => {
            let interrupted = matches!(watched, Watched::Interrupted);
            let latest = latest.lock().unwrap_or_else(|e| e.into_inner()).clone();
            let status = stop_early(&sc, &a, &out, latest, interrupted);
            // The solver thread is still inside CBC: end the process without running C++
            // static destructors under it (std::process::exit would run them).
            use std::io::Write;
            let _ = std::io::stdout().flush();
            let _ = std::io::stderr().flush();
            // SAFETY: _exit only ends the process; everything it leaves is flushed above.
            unsafe { libc::_exit(i32::from(status.code())) }
        }
    };
    let solved = match result {
        Ok(s) => s,
        Err(SolveError::Infeasible(d)) => {
            if a.json.json {
                say_json(&InfeasibleDoc {
                    status: "infeasible",
                    diagnosis: &d,
                })?;
            } else {
                say!("{}", report::diagnosis_text(&d));
            }
            return Ok(ExitStatus::Infeasible);
        }
        Err(SolveError::BackendMissing(backend)) => {
            return Err(CliError::NoBackend {
                backend,
                rebuild: format!("cargo build --release --features {backend}"),
            });
        }
        // solve() verified its roster with the independent checker before returning it.
        Err(SolveError::RulesBroken(violations)) => {
            return Err(CliError::UncheckedRoster(report::violations_table(
                &violations,
            )));
        }
        Err(e) => return Err(CliError::Solve(e)),
    };
    write_roster(&sc, &solved.roster, &out, a.csv.as_deref())?;
    if a.json.json {
        say_json(&SolvedDoc {
            solved: &solved,
            roster: &solved.roster,
            out: &out,
        })?;
    } else {
        say!("{}  {}", sc.name, sc.month);
        say!("{}", report::solve_summary(&solved));
        say!("{}", report::roster_grid(&sc, &solved.roster));
        say!("wrote {}", out.display());
        if let Some(csv) = &a.csv {
            say!("wrote {}", csv.display());
        }
    }
    Ok(ExitStatus::Ok)
}

/// `--out`'s default: the scenario's file name with `.roster.json`, in the working directory.
fn default_out(scenario: &Path) -> PathBuf {
    let stem = scenario
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or("roster".into());
    PathBuf::from(format!("{stem}.roster.json"))
}

/// Writes the roster JSON and, when asked for, its CSV: both or neither.
fn write_roster(
    sc: &Scenario,
    roster: &Roster,
    out: &Path,
    csv: Option<&Path>,
) -> Result<(), CliError> {
    let json = roster.to_json();
    let csv_text =
        csv.map(|_| roster::export::roster_csv(&roster::export::MonthRoster::new(sc, roster)));
    let mut files: Vec<(&Path, &[u8])> = vec![(out, json.as_bytes())];
    if let (Some(csv), Some(text)) = (csv, &csv_text) {
        files.push((csv, text.as_bytes()));
    }
    write_all(&files)?;
    Ok(())
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
/// `None` on the channel is Ctrl-C (`interrupt::on_ctrl_c`), `Some` the solver's result.
type Ended = Option<Result<solve::Solved, SolveError>>;

fn solve_watched(
    sc: &Scenario,
    opts: &SolveOptions,
    tx: std::sync::mpsc::Sender<Ended>,
    rx: std::sync::mpsc::Receiver<Ended>,
) -> Watched {
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
/// one and it passes the checker. Interrupted, that is `Interrupted` either way; out of time,
/// `Ok` with a roster written and `NoResult` without one. An output that cannot be written
/// by then is `BadInput`, as in every command.
fn stop_early(
    sc: &Scenario,
    a: &SolveArgs,
    out: &Path,
    latest: Latest,
    interrupted: bool,
) -> ExitStatus {
    let what = if interrupted {
        "interrupted".to_string()
    } else {
        format!("time limit of {} s reached", a.limits.time_limit)
    };
    let fail = if interrupted {
        ExitStatus::Interrupted
    } else {
        ExitStatus::NoResult
    };
    let stage = if latest.stage.is_empty() {
        "loading the model".to_string()
    } else {
        latest.stage.clone()
    };
    let json = |written: Option<&Path>, reached: Option<Reached>| {
        if a.json.json {
            let doc = StoppedDoc {
                status: if interrupted {
                    "interrupted"
                } else {
                    "time_limit"
                },
                stage: &stage,
                objective: reached.map(|r| r.objective),
                bound: reached.and_then(|r| r.bound),
                gap: reached.and_then(|r| r.gap),
                out: written,
            };
            // Nothing in the document can fail to serialise; the exit status says the rest.
            let _ = say_json(&doc);
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
    if let Err(e) = write_roster(sc, &best, out, a.csv.as_deref()) {
        eprintln!("{what}: {e}");
        json(None, None);
        return if interrupted { fail } else { e.exit_status() };
    }
    let reached = Reached::of(&best);
    json(Some(out), Some(reached));
    eprintln!(
        "{what} during {stage}: wrote the best roster found so far to {} ({}, not proven optimal)",
        out.display(),
        reached.describe()
    );
    if interrupted { fail } else { ExitStatus::Ok }
}

/// What `solve --json` prints when the solve was stopped early.
#[derive(Serialize)]
struct StoppedDoc<'a> {
    status: &'static str,
    stage: &'a str,
    objective: Option<f64>,
    /// The bound proven before the stop (null when none was): a roster stopped in the
    /// fairness proofs may already be known within a fraction of a percent.
    bound: Option<f64>,
    gap: Option<f64>,
    out: Option<&'a Path>,
}

/// The objective of the best roster when the solve was stopped, with the bound and gap
/// proven by then, if any.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Reached {
    objective: f64,
    bound: Option<f64>,
    gap: Option<f64>,
}

impl Reached {
    fn of(roster: &roster::model::Roster) -> Reached {
        let info = roster.solver.as_ref();
        let bound = info.map(|i| i.bound).filter(|b| b.is_finite());
        Reached {
            objective: info.map_or(f64::NAN, |i| i.objective),
            bound,
            gap: info
                .and_then(|i| i.gap)
                .filter(|g| g.is_finite() && bound.is_some()),
        }
    }

    fn describe(&self) -> String {
        let objective = report::num(self.objective);
        match (self.bound, self.gap) {
            (Some(b), Some(g)) => format!(
                "objective {objective}, bound {}, gap {:.2} %",
                report::num(b),
                g * 100.0
            ),
            _ => format!("objective {objective}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Reached;
    use roster::model::{Roster, SolverInfo};

    fn stopped_at(bound: f64, gap: Option<f64>) -> Roster {
        Roster {
            month: "2026-12".into(),
            assignments: Vec::new(),
            swaps: Vec::new(),
            leave: Vec::new(),
            solver: Some(SolverInfo {
                status: "time_limit".into(),
                objective: 1429.0,
                bound,
                seconds: 555.5,
                gap,
                backend: None,
            }),
        }
    }

    /// A solve stopped in the fairness proofs says how far from proven its roster is; one
    /// stopped before any bound says only its objective.
    #[test]
    fn a_stopped_solve_names_the_bound_it_had_proven() {
        let proven = Reached::of(&stopped_at(1419.0, Some(10.0 / 1429.0)));
        assert_eq!(proven.bound, Some(1419.0));
        assert_eq!(proven.describe(), "objective 1429, bound 1419, gap 0.70 %");
        let none = Reached::of(&stopped_at(f64::NAN, None));
        assert_eq!((none.bound, none.gap), (None, None));
        assert_eq!(none.describe(), "objective 1429");
    }
}
