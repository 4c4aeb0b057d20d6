//! The `erlang`, `simulate` and `advise` commands: argument structs and printing. The
//! library (`roster::traffic`) does the work.

use std::path::PathBuf;

use roster::model::{OutputTarget, Roster, check_outputs, write_atomically};
use roster::traffic::adapt::{self, SimSettings};
use roster::traffic::advise::{self, AdviseOptions};
use roster::traffic::erlang::{self, QueueSpec, Targets};
use roster::traffic::sim::{self, Estimate, SimOptions};

use super::{Exit, bad, load_scenario};

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
    #[arg(long)]
    json: bool,
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
    #[arg(long, default_value_t = 100)]
    replications: u32,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[command(flatten)]
    sim: SimFlags,
    /// Also write the service level per interval for `roster plot --kind service --service`.
    #[arg(long)]
    service_out: Option<PathBuf>,
    #[arg(long)]
    json: bool,
}

#[derive(clap::Args)]
pub struct AdviseArgs {
    scenario: PathBuf,
    /// Write the per-shift demand as `[[demand]]` rows (TOML) to this file.
    #[arg(long)]
    write_demand: Option<PathBuf>,
    /// Replications of each day type in the simulation check.
    #[arg(long, default_value_t = 200)]
    replications: u32,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[command(flatten)]
    sim: SimFlags,
    #[arg(long)]
    json: bool,
}

fn check(flag: &str, v: f64, ok: bool, what: &str) -> Result<(), Exit> {
    // NaN and infinities never pass, whatever `ok` says

    if ok && v.is_finite() {
        Ok(())
    } else {
        Err(bad(format!("{flag} must be {what}, got {v}")))
    }
}

fn settings(f: &SimFlags) -> Result<SimSettings, Exit> {
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

pub fn cmd_erlang(a: ErlangArgs) -> Result<u8, Exit> {
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
        return Err(bad(format!(
            "--calls × --aht-s ÷ --interval-s is the offered load, at most {} erlangs; got {load:e}",
            erlang::MAX_OFFERED_LOAD
        )));
    }
    if let Some(n) = a.agents
        && !(1..=erlang::MAX_AGENTS).contains(&n)
    {
        return Err(bad(format!(
            "--agents must be 1 to {}, got {n}",
            erlang::MAX_AGENTS
        )));
    }
    let q = QueueSpec::from_calls(a.calls, a.interval_s, a.aht_s, a.patience_s)
        .map_err(|e| bad(e.to_string()))?;
    let value = match (a.agents, a.target) {
        (Some(n), _) => {
            let m = erlang::metrics(&q, n, a.answer_s).map_err(|e| bad(e.to_string()))?;
            if let Some(w) = overload_warning(n, q.offered_load, a.patience_s.is_some()) {
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
            let s = erlang::staff(&q, &t).map_err(|e| bad(e.to_string()))?;
            serde_json::to_value(&s)?
        }
        (None, None) => return Err(bad("give --agents N or --target SL")),
    };
    if a.json {
        say!("{value}");
    } else {
        let obj = value.as_object().expect("an object");
        for (k, v) in obj {
            let text = match v {
                serde_json::Value::Number(n) => {
                    let f = n.as_f64().unwrap_or(0.0);
                    if n.is_u64() {
                        format!("{f}")
                    } else {
                        format!("{f:.6}")
                    }
                }
                serde_json::Value::Null => "infinite".into(),
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            match erlang_label(k, a.answer_s) {
                Some(label) => say!("{k:<22} {text:<12} {label}"),
                None => say!("{k:<22} {text}"),
            }
        }
    }
    Ok(0)
}

/// What each figure of `roster erlang` means, printed beside it: three of them are
/// service levels over different populations and must not be confused.
fn erlang_label(key: &str, answer_s: f64) -> Option<String> {
    Some(match key {
        "service_level" => {
            format!("answered within {answer_s} s ÷ all offered calls (abandoned ones miss)")
        }
        "sl_answered" => format!("answered within {answer_s} s ÷ answered calls"),
        "sl_virtual" => {
            format!("offered wait ≤ {answer_s} s, as if nobody hung up (callers' patience ignored)")
        }
        "p_wait" => "share of calls that wait (find every agent busy)".into(),
        "immediate_answer" => "share of calls answered at once".into(),
        "asa_s" => "average speed of answer, seconds".into(),
        "asa_answered_s" => "mean wait of answered calls, seconds".into(),
        "mean_wait_all_s" => "mean time in queue of all calls, seconds".into(),
        "p_abandon" => "share of calls that hang up before an answer".into(),
        "occupancy" => "served load ÷ agents".into(),
        "erlang_b" => "Erlang B blocking probability B(n, A)".into(),
        "offered_load_erlangs" => "calls × handle time ÷ interval".into(),
        "required_agents" => "productive agents meeting every target".into(),
        "scheduled_agents" => "heads to schedule: required ÷ (1 − shrinkage), rounded up".into(),
        _ => return None,
    })
}

/// A warning when `agents` cannot keep up with the offered load.
fn overload_warning(agents: u32, load: f64, patience: bool) -> Option<String> {
    if load < agents as f64 {
        return None;
    }
    Some(if patience {
        format!(
            "{agents} agents for {load:.2} erlangs offered: more calls than they can serve; \
             only callers hanging up keep the queue finite (without patience, Erlang C has no steady state)"
        )
    } else {
        format!(
            "{agents} agents for {load:.2} erlangs offered: the queue is unstable and Erlang C \
             has no steady state (service level 0 and an infinite ASA by convention)"
        )
    })
}

fn pct(e: &Option<Estimate>) -> String {
    match e {
        Some(e) => format!(
            "{:5.1}% ±{:.1}",
            e.mean * 100.0,
            (e.hi - e.lo) / 2.0 * 100.0
        ),
        None => "-".into(),
    }
}

fn secs(e: &Option<Estimate>) -> String {
    match e {
        Some(e) => format!("{:5.1}s ±{:.1}", e.mean, (e.hi - e.lo) / 2.0),
        None => "-".into(),
    }
}

pub fn cmd_simulate(a: SimulateArgs) -> Result<u8, Exit> {
    if let Some(path) = &a.service_out {
        check_outputs(
            &[OutputTarget::new("--service-out", path)],
            &super::inputs(&[&a.scenario], &a.roster),
        )?;
    }
    let sc = load_scenario(&a.scenario, a.json)?;
    let roster = match &a.roster {
        Some(p) => Some(Roster::load(p, &sc)?),
        None => None,
    };
    check_replications(a.replications)?;
    let settings = settings(&a.sim)?;
    let scen = a.scenario.display();
    let input = adapt::month_input(&sc, roster.as_ref(), &settings)
        .map_err(|e| bad(format!("{scen}: {e}")))?;
    sim::check_size(&input, a.replications)
        .map_err(|e| bad(format!("--replications {}: {e}", a.replications)))?;
    let opts = SimOptions {
        replications: a.replications,
        seed: a.seed,
        ..SimOptions::default()
    };
    let start = std::time::Instant::now();
    let result = sim::simulate(&input, &opts).map_err(|e| bad(format!("{scen}: {e}")))?;
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
    if a.json {
        say!("{}", serde_json::to_string(&report)?);
        return Ok(0);
    }
    say!(
        "{} replications (seed {}) of {} against the {}: {} calls, {} events in {:.2} s",
        report.replications,
        report.seed,
        sc.month.first_day().format("%Y-%m"),
        report.source,
        report.calls,
        report.events,
        seconds
    );
    say!(
        "target: {:.0}% answered within {} s; ± is the 95% confidence half-width",
        report.service_level_target * 100.0,
        report.answer_seconds
    );
    say!("");
    say!(
        "{:<8} {:>9} {:>16} {:>14} {:>14} {:>14}",
        "seat",
        "calls/rep",
        "service level",
        "ASA",
        "abandoned",
        "occupancy"
    );
    for t in &report.totals {
        say!(
            "{:<8} {:>9.0} {:>16} {:>14} {:>14} {:>14}",
            t.queue,
            t.offered,
            pct(&t.service_level),
            secs(&t.asa_s),
            pct(&t.abandon),
            pct(&t.occupancy)
        );
    }
    say!("");
    if !report.unstaffed.is_empty() {
        say!("calls nobody on duty may answer (0 % service there by the staffing, not by load):");
        for u in &report.unstaffed {
            say!(
                "  {} {}: {} intervals on {} days, {:.1} calls: {}",
                u.seat,
                u.shift.as_deref().unwrap_or("-"),
                u.intervals,
                u.dates,
                u.calls,
                u.reason
            );
        }
        say!("");
    }
    // worst first: lowest service level, then most abandonment, then time
    let mut below: Vec<_> = report
        .cells
        .iter()
        .filter(|c| c.cell.below_target && !c.unstaffed)
        .collect();
    let mean = |e: &Option<Estimate>| e.map_or(0.0, |e| e.mean);
    below.sort_by(|x, y| {
        mean(&x.cell.service_level)
            .total_cmp(&mean(&y.cell.service_level))
            .then(mean(&y.cell.abandon).total_cmp(&mean(&x.cell.abandon)))
            .then((x.date, &x.time, &x.seat).cmp(&(y.date, &y.time, &y.seat)))
    });
    if below.is_empty() {
        if report.unstaffed.is_empty() {
            say!("every interval meets the target");
        } else {
            say!("every interval somebody may answer meets the target");
        }
        return Ok(0);
    }
    say!(
        "{} intervals below target{}, worst first (!! = the whole confidence interval is below):",
        below.len(),
        if report.unstaffed.is_empty() {
            ""
        } else {
            " besides those nobody may answer"
        }
    );
    say!(
        "   {:<10} {:<5} {:<8} {:>7} {:>16} {:>14} {:>14} {:>14}",
        "date",
        "time",
        "seat",
        "calls",
        "service level",
        "ASA",
        "abandoned",
        "occupancy"
    );
    for c in below.iter().take(40) {
        let sure = c
            .cell
            .service_level
            .is_some_and(|e| e.hi < report.service_level_target);
        say!(
            "{} {:<10} {:<5} {:<8} {:>7.1} {:>16} {:>14} {:>14} {:>14}",
            if sure { "!!" } else { "! " },
            c.date,
            c.time,
            c.seat,
            c.cell.offered,
            pct(&c.cell.service_level),
            secs(&c.cell.asa_s),
            pct(&c.cell.abandon),
            pct(&c.cell.occupancy)
        );
    }
    if below.len() > 40 {
        say!(
            "   ... and {} more (--json lists every interval)",
            below.len() - 40
        );
    }
    Ok(0)
}

fn check_replications(n: u32) -> Result<(), Exit> {
    if (1..=sim::MAX_REPLICATIONS).contains(&n) {
        Ok(())
    } else {
        Err(bad(format!(
            "--replications must be 1 to {}, got {n}",
            sim::MAX_REPLICATIONS
        )))
    }
}

pub fn cmd_advise(a: AdviseArgs) -> Result<u8, Exit> {
    if let Some(path) = &a.write_demand {
        check_outputs(&[OutputTarget::new("--write-demand", path)], &[&a.scenario])?;
    }
    let sc = load_scenario(&a.scenario, a.json)?;
    check_replications(a.replications)?;
    let opts = AdviseOptions {
        replications: a.replications,
        seed: a.seed,
        settings: settings(&a.sim)?,
        ..AdviseOptions::default()
    };
    advise::check_size(&sc, &opts)
        .map_err(|e| bad(format!("--replications {}: {e}", a.replications)))?;
    let advice =
        advise::advise(&sc, &opts).map_err(|e| bad(format!("{}: {e}", a.scenario.display())))?;
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
    if a.json {
        say!("{}", serde_json::to_string(&advice)?);
        return Ok(0);
    }
    say!(
        "seats per interval for {:.0}% within {} s (Erlang, then simulation with {} replications):",
        advice.service_level * 100.0,
        advice.answer_seconds,
        advice.replications
    );
    let mut last = ("", String::new());
    for i in &advice.intervals {
        if (i.day_type, i.seat.clone()) != last {
            say!("");
            say!("{} / seat {}", i.day_type, i.seat);
            say!(
                "  {:<5} {:>6} {:>6} {:>6} {:>6} {:>8}",
                "time",
                "calls",
                "erlang",
                "agents",
                "heads",
                "sim SL"
            );
            last = (i.day_type, i.seat.clone());
        }
        if i.calls == 0.0 && i.agents == 0 {
            continue;
        }
        say!(
            "  {:<5} {:>6.1} {:>6} {:>6}{} {:>6.1} {:>7}",
            i.time,
            i.calls,
            i.erlang_agents,
            i.agents,
            if i.agents > i.erlang_agents { "+" } else { " " },
            i.seats,
            i.simulated_sl
                .map_or("-".into(), |s| format!("{:.1}%", s * 100.0))
        );
    }
    say!("");
    say!("agents: on the phones (+ = raised by the simulation); heads: agents ÷ (1 − shrinkage)");
    say!("per-shift demand (heads, rounded once per shift and seat type):");
    say!(
        "  {:<6} {:<8} {:>8} {:>8} {:>8}",
        "shift",
        "seat",
        "weekday",
        "weekend",
        "holiday"
    );
    for d in &advice.demand {
        say!(
            "  {:<6} {:<8} {:>8} {:>8} {:>8}",
            d.shift,
            d.seat,
            d.weekday,
            d.weekend,
            d.holiday
        );
    }
    say!("");
    say!("seat-shifts this month against what the staff can work (sum of max_shifts):");
    for l in &advice.capacity.levels {
        say!(
            "  {:<13} needed {:>6}  available {:>6}{}",
            format!("{} and up", l.grade),
            l.needed,
            l.available,
            if l.needed > l.available { "  !!" } else { "" }
        );
    }
    if let Some(p) = &a.write_demand {
        say!(
            "wrote {} [[demand]] rows to {}",
            advice.demand.len(),
            p.display()
        );
    }
    Ok(0)
}

/// Writes the file an output flag names; a path that cannot be written is a bad flag.
fn write_flag_output(flag: &str, path: &std::path::Path, bytes: &[u8]) -> Result<(), Exit> {
    write_atomically(path, bytes)
        .map_err(|e| bad(format!("{flag} {}: cannot write: {e}", path.display())))
}
