//! `roster erlang`, `roster simulate` and `roster advise`: the call-load commands. The
//! library (`roster::traffic`) does the work and `roster::report::traffic` the tables.

use std::path::{Path, PathBuf};

use roster::model::{OutputTarget, Roster, check_outputs, write_atomically};
use roster::report::traffic as tables;
use roster::traffic::adapt::{self, SimSettings};
use roster::traffic::advise::{self, AdviseOptions};
use roster::traffic::erlang::{self, QueueSpec, Targets};
use roster::traffic::sim::{self, SimOptions};

use super::args::{JsonFlag, SimulationRun};
use super::{CliError, ExitStatus, bad_flag, inputs, load_scenario, say_text};

#[derive(clap::Args)]
pub struct ErlangArgs {
    /// Calls offered in the interval.
    #[arg(long)]
    calls: f64,
    /// Interval length in seconds.
    #[arg(long)]
    interval_s: f64,
    /// Mean handle time in seconds.
    #[arg(long)]
    aht_s: f64,
    /// The t of "answered within t" in seconds.
    #[arg(long)]
    answer_s: f64,
    /// Productive agents: report this staffing's performance.
    #[arg(long, conflicts_with = "target", required_unless_present = "target")]
    agents: Option<u32>,
    /// Service-level target: find the agents needed.
    #[arg(long)]
    target: Option<f64>,
    /// Mean patience in seconds (Erlang A); without it callers never hang up (Erlang C).
    #[arg(long)]
    patience_s: Option<f64>,
    /// Share of paid time off the phones (staffing search).
    #[arg(long, default_value_t = 0.0)]
    shrinkage: f64,
    /// Largest occupancy (staffing search).
    #[arg(long, default_value_t = 1.0)]
    max_occupancy: f64,
    /// Largest share of abandoned calls (staffing search, Erlang A).
    #[arg(long)]
    max_abandon: Option<f64>,
    #[command(flatten)]
    json: JsonFlag,
}

/// Simulation settings the scenario does not carry.
#[derive(clap::Args)]
pub struct SimFlags {
    /// Lognormal handle times with this coefficient of variation (default: exponential).
    #[arg(long)]
    handle_cv: Option<f64>,
    /// Nobody takes another seat type's calls (overrides `[traffic] cross_answer`).
    #[arg(long)]
    no_overflow: bool,
    /// Share of calls answered at lower seats that are escalated to the senior seat type.
    #[arg(long, default_value_t = 0.0)]
    escalate: f64,
}

#[derive(clap::Args)]
pub struct SimulateArgs {
    scenario: PathBuf,
    /// The roster to simulate; without it, the scenario's demand is seated.
    #[arg(long)]
    roster: Option<PathBuf>,
    #[command(flatten)]
    run: SimulationRun,
    #[command(flatten)]
    sim: SimFlags,
    /// Also write the service level per interval for `roster plot --kind service --service`.
    #[arg(long)]
    service_out: Option<PathBuf>,
    #[command(flatten)]
    json: JsonFlag,
}

/// `--replications` here counts the replications of each day type in the simulation check.
#[derive(clap::Args)]
#[command(mut_arg("replications", |a| a.default_value("200")))]
pub struct AdviseArgs {
    scenario: PathBuf,
    /// Write the per-shift demand as `[[demand]]` rows (TOML) to this file.
    #[arg(long)]
    write_demand: Option<PathBuf>,
    #[command(flatten)]
    run: SimulationRun,
    #[command(flatten)]
    sim: SimFlags,
    #[command(flatten)]
    json: JsonFlag,
}

fn check(flag: &str, v: f64, ok: bool, what: &str) -> Result<(), CliError> {
    // NaN and infinities never pass, whatever `ok` says

    if ok && v.is_finite() {
        Ok(())
    } else {
        Err(bad_flag(format!("{flag} must be {what}, got {v}")))
    }
}

fn settings(f: &SimFlags) -> Result<SimSettings, CliError> {
    if let Some(cv) = f.handle_cv {
        check(
            "--handle-cv",
            cv,
            cv > 0.0 && cv <= sim::MAX_HANDLE_CV,
            &format!("above 0 and at most {}", sim::MAX_HANDLE_CV),
        )?;
    }
    check(
        "--escalate",
        f.escalate,
        (0.0..=1.0).contains(&f.escalate),
        "a share from 0 to 1",
    )?;
    Ok(SimSettings {
        handle_cv: f.handle_cv,
        overflow: !f.no_overflow,
        escalate: f.escalate,
    })
}

/// The Erlang flags within the ranges the formulas hold in; the first one outside is named.
fn check_erlang_flags(a: &ErlangArgs) -> Result<(), CliError> {
    let day = erlang::MAX_SECONDS;
    check("--calls", a.calls, a.calls >= 0.0, "0 or more")?;
    check(
        "--interval-s",
        a.interval_s,
        a.interval_s > 0.0 && a.interval_s <= day,
        &format!("above 0 and at most {day}"),
    )?;
    check(
        "--aht-s",
        a.aht_s,
        a.aht_s > 0.0 && a.aht_s <= day,
        &format!("above 0 and at most {day}"),
    )?;
    check(
        "--answer-s",
        a.answer_s,
        (0.0..=day).contains(&a.answer_s),
        &format!("0 to {day}"),
    )?;
    if let Some(p) = a.patience_s {
        check(
            "--patience-s",
            p,
            p > 0.0 && p <= erlang::MAX_PATIENCE_S,
            &format!("above 0 and at most {:e}", erlang::MAX_PATIENCE_S),
        )?;
    }
    check(
        "--shrinkage",
        a.shrinkage,
        (0.0..1.0).contains(&a.shrinkage),
        "in [0, 1)",
    )?;
    check(
        "--max-occupancy",
        a.max_occupancy,
        a.max_occupancy > 0.0 && a.max_occupancy <= 1.0,
        "in (0, 1]",
    )?;
    if let Some(m) = a.max_abandon {
        check("--max-abandon", m, (0.0..=1.0).contains(&m), "in [0, 1]")?;
    }
    let load = a.calls / a.interval_s * a.aht_s;
    if load.is_nan() || load > erlang::MAX_OFFERED_LOAD {
        return Err(bad_flag(format!(
            "--calls × --aht-s ÷ --interval-s is the offered load, at most {} erlangs; got {load:e}",
            erlang::MAX_OFFERED_LOAD
        )));
    }
    if let Some(n) = a.agents
        && !(1..=erlang::MAX_AGENTS).contains(&n)
    {
        return Err(bad_flag(format!(
            "--agents must be 1 to {}, got {n}",
            erlang::MAX_AGENTS
        )));
    }
    Ok(())
}

pub fn run_erlang(a: ErlangArgs) -> Result<ExitStatus, CliError> {
    check_erlang_flags(&a)?;
    let q = QueueSpec::from_calls(a.calls, a.interval_s, a.aht_s, a.patience_s)
        .map_err(|e| bad_flag(e.to_string()))?;
    let figures = match (a.agents, a.target) {
        (Some(n), _) => {
            let m = erlang::metrics(&q, n, a.answer_s).map_err(|e| bad_flag(e.to_string()))?;
            if let Some(w) = tables::overload_warning(n, q.offered_load, a.patience_s.is_some()) {
                eprintln!("warning: {w}");
            }
            serde_json::to_value(&m)?
        }
        (None, Some(sl)) => {
            check(
                "--target",
                sl,
                (0.0..=1.0).contains(&sl),
                "a share from 0 to 1",
            )?;
            let t = Targets {
                service_level: sl,
                answer_s: a.answer_s,
                max_occupancy: a.max_occupancy,
                max_abandon: a.max_abandon,
                shrinkage: a.shrinkage,
            };
            let s = erlang::staff(&q, &t).map_err(|e| bad_flag(e.to_string()))?;
            serde_json::to_value(&s)?
        }
        (None, None) => return Err(bad_flag("give --agents N or --target SL")),
    };
    if a.json.json {
        say!("{figures}");
    } else if let Some(named) = figures.as_object() {
        say_text(&tables::erlang_table(named, a.answer_s));
    }
    Ok(ExitStatus::Ok)
}

pub fn run_simulate(a: SimulateArgs) -> Result<ExitStatus, CliError> {
    if let Some(path) = &a.service_out {
        check_outputs(
            &[OutputTarget::new("--service-out", path)],
            &inputs(&[&a.scenario], &a.roster),
        )?;
    }
    let sc = load_scenario(&a.scenario, a.json.json)?;
    let roster = match &a.roster {
        Some(p) => Some(Roster::load(p, &sc)?),
        None => None,
    };
    check_replications(a.run.replications)?;
    let settings = settings(&a.sim)?;
    let unsimulable = |fault| CliError::Traffic {
        scenario: a.scenario.clone(),
        fault,
    };
    let input = adapt::month_input(&sc, roster.as_ref(), &settings).map_err(unsimulable)?;
    sim::check_size(&input, a.run.replications)
        .map_err(|e| bad_flag(format!("--replications {}: {e}", a.run.replications)))?;
    let opts = SimOptions {
        replications: a.run.replications,
        seed: a.run.seed,
        ..SimOptions::default()
    };
    let start = std::time::Instant::now();
    let result = sim::simulate(&input, &opts).map_err(unsimulable)?;
    let seconds = start.elapsed().as_secs_f64();
    let mut report = adapt::label(&sc, roster.is_some(), result);
    adapt::explain_unstaffed(&sc, &input, &mut report);
    if let Some(path) = &a.service_out {
        let series = adapt::service_series(&sc, &report);
        write_flag_output(
            "--service-out",
            path,
            serde_json::to_string_pretty(&series)?.as_bytes(),
        )?;
    }
    if a.json.json {
        say!("{}", serde_json::to_string(&report)?);
    } else {
        let month = sc.month.first_day().format("%Y-%m").to_string();
        let text = tables::simulation_text(&report, &month, seconds, "--json lists every interval");
        say_text(&text);
    }
    Ok(ExitStatus::Ok)
}

fn check_replications(n: u32) -> Result<(), CliError> {
    if (1..=sim::MAX_REPLICATIONS).contains(&n) {
        Ok(())
    } else {
        Err(bad_flag(format!(
            "--replications must be 1 to {}, got {n}",
            sim::MAX_REPLICATIONS
        )))
    }
}

pub fn run_advise(a: AdviseArgs) -> Result<ExitStatus, CliError> {
    if let Some(path) = &a.write_demand {
        check_outputs(&[OutputTarget::new("--write-demand", path)], &[&a.scenario])?;
    }
    let sc = load_scenario(&a.scenario, a.json.json)?;
    check_replications(a.run.replications)?;
    let opts = AdviseOptions {
        replications: a.run.replications,
        seed: a.run.seed,
        settings: settings(&a.sim)?,
        ..AdviseOptions::default()
    };
    advise::check_size(&sc, &opts)
        .map_err(|e| bad_flag(format!("--replications {}: {e}", a.run.replications)))?;
    let advice = advise::advise(&sc, &opts).map_err(|fault| CliError::Traffic {
        scenario: a.scenario.clone(),
        fault,
    })?;
    // before anything is written: a planner pasting the advice in must know first
    for w in &advice.warnings {
        eprintln!("warning: {w}");
    }
    if let Some(path) = &a.write_demand {
        write_flag_output(
            "--write-demand",
            path,
            advise::demand_toml(&advice).as_bytes(),
        )?;
    }
    if a.json.json {
        say!("{}", serde_json::to_string(&advice)?);
        return Ok(ExitStatus::Ok);
    }
    say_text(&tables::advice_text(&advice));
    if let Some(p) = &a.write_demand {
        say!(
            "wrote {} [[demand]] rows to {}",
            advice.demand.len(),
            p.display()
        );
    }
    Ok(ExitStatus::Ok)
}

/// Writes the file an output flag names; a path that cannot be written is a bad flag.
fn write_flag_output(flag: &str, path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    write_atomically(path, bytes)
        .map_err(|e| bad_flag(format!("{flag} {}: cannot write: {e}", path.display())))
}
