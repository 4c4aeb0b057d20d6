//! `roster nrp`: a Curtois & Qu benchmark instance solved by the MIP, the roster re-checked
//! by the independent evaluator (inside `nrp::solve`) before anything is written.

use std::path::{Path, PathBuf};

use roster::model::{OutputTarget, check_outputs, write_all};
use roster::nrp::{self, BoundSource, Breakdown, NrpSolveError, NrpSolved, Stage};
use roster::report;
use roster::solve::{self, ModelSize, SolveOptions, Status};
use serde::Serialize;

use super::args::{JsonFlag, SolveLimits};
use super::{CliError, ExitStatus, cbc_parameters, progress_spinner, say_json};

#[derive(clap::Args)]
#[command(mut_arg("time_limit", |a| a.default_value("600")))]
pub struct NrpArgs {
    /// The instance, in the benchmark's text format.
    instance: PathBuf,
    #[command(flatten)]
    limits: SolveLimits,
    /// Write the roster as a TAB grid: one line per staff ID, one field per day.
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    json: JsonFlag,
    /// Print each stage and each better roster on stderr, one line each with the seconds
    /// since the start ("progress: 12.3 s: ..."), to see where a solve spends its time.
    #[arg(long)]
    progress: bool,
}

/// What `nrp --json` prints: the solve's figures, its objective by term, and where the grid
/// was written (null when it was not asked for).
#[derive(Serialize)]
struct NrpDoc<'a> {
    status: Status,
    objective: u64,
    objective_breakdown: &'a Breakdown,
    bound: f64,
    gap: f64,
    seconds: f64,
    seconds_to_best: f64,
    found_by: Stage,
    bound_by: BoundSource,
    size: &'a ModelSize,
    out: Option<&'a Path>,
}

impl<'a> NrpDoc<'a> {
    fn new(s: &'a NrpSolved, out: Option<&'a Path>) -> Self {
        NrpDoc {
            status: s.status,
            objective: s.objective,
            objective_breakdown: &s.breakdown,
            bound: s.bound,
            gap: s.gap,
            seconds: s.seconds,
            seconds_to_best: s.seconds_to_best,
            found_by: s.found_by,
            bound_by: s.bound_by,
            size: &s.size,
            out,
        }
    }
}

/// What `--json` prints when the hard constraints admit no roster.
#[derive(Serialize)]
struct InfeasibleDoc {
    status: &'static str,
}

pub fn run(a: NrpArgs) -> Result<ExitStatus, CliError> {
    a.limits.check()?;
    let inst = nrp::Instance::load(&a.instance)?;
    if let Some(out) = &a.out {
        check_outputs(&[OutputTarget::new("--out", out)], &[&a.instance])?;
    }
    let heading = format!(
        "solving {} ({} staff, {} days, {} shift types; limit {} s)",
        a.instance.display(),
        inst.staff.len(),
        inst.horizon,
        inst.shifts.len(),
        a.limits.time_limit
    );
    let spinner = progress_spinner(&heading);
    let bar = spinner.clone();
    let log_progress = a.progress;
    let started = std::time::Instant::now();
    let opts = SolveOptions {
        backend: a.limits.solver.into(),
        time_limit: a.limits.time_limit,
        gap: a.limits.gap,
        cbc_parameters: cbc_parameters(),
        // RINS and the whole model's runs go to a CBC process of this program, killed if CBC
        // overruns the limit.
        cbc_process: std::env::current_exe().ok(),
        progress: solve::OnProgress::new(move |p| {
            if log_progress {
                let at = started.elapsed().as_secs_f64();
                bar.suspend(|| eprintln!("progress: {at:.1} s: {}", report::progress_line(p)));
            }
            bar.set_message(format!("{heading}: {}", report::progress_line(p)))
        }),
        ..SolveOptions::default()
    };
    let result = nrp::solve(&inst, &opts);
    spinner.finish_and_clear();
    let solved = match result {
        Ok(s) => s,
        Err(NrpSolveError::Infeasible) => {
            if a.json.json {
                say_json(&InfeasibleDoc {
                    status: "infeasible",
                })?;
            } else {
                say!("status      infeasible (proven: no roster meets the hard constraints)");
            }
            return Ok(ExitStatus::Infeasible);
        }
        Err(NrpSolveError::BackendMissing(backend)) => {
            return Err(CliError::NoBackend {
                backend,
                rebuild: format!("cargo build --features {backend}"),
            });
        }
        Err(e) => return Err(CliError::Nrp(e)),
    };
    if let Some(out) = &a.out {
        write_all(&[(out, inst.grid(&solved.roster).as_bytes())])?;
    }
    if a.json.json {
        say_json(&NrpDoc::new(&solved, a.out.as_deref()))?;
    } else {
        say!("{}", report::nrp_summary(&solved));
        if let Some(out) = &a.out {
            say!("wrote {}", out.display());
        }
    }
    Ok(ExitStatus::Ok)
}
