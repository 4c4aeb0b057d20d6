//! `roster plot` and `roster report`: a chart, or the whole HTML page, of one roster.

use std::path::{Path, PathBuf};

use roster::model::{OutputTarget, Roster, Scenario, check_outputs, parse_date, write_all};
use roster::plot::{self, Format, Kind, PlotError};
use roster::report;
use roster::traffic::ServiceSeries;

use super::args::{ChartKind, RosterInputs, ServiceSource};
use super::{CliError, ExitStatus, bad_flag, inputs, load_scenario};

#[derive(clap::Args)]
pub struct PlotArgs {
    #[command(flatten)]
    inputs: RosterInputs,
    /// The chart file; its extension (.svg or .png) picks the format.
    #[arg(long)]
    out: PathBuf,
    /// Which chart.
    #[arg(long, value_enum, default_value_t = ChartKind::Coverage)]
    kind: ChartKind,
    /// Coverage of one day (YYYY-MM-DD) instead of the whole month.
    #[arg(long)]
    date: Option<String>,
    #[command(flatten)]
    service: ServiceSource,
}

#[derive(clap::Args)]
pub struct ReportArgs {
    #[command(flatten)]
    inputs: RosterInputs,
    /// The HTML file to write.
    #[arg(long)]
    out: PathBuf,
    #[command(flatten)]
    service: ServiceSource,
}

pub fn run_plot(a: PlotArgs) -> Result<ExitStatus, CliError> {
    let RosterInputs { scenario, roster } = &a.inputs;
    // Flags first, so a typo costs no file reading.
    check_outputs(
        &[OutputTarget::new("--out", &a.out)],
        &inputs(&[scenario, roster], &a.service.service),
    )?;
    let format = Format::from_path(&a.out).map_err(|e| bad_flag(format!("--out {e}")))?;
    let kind = Kind::from(a.kind);
    let mut sc = load_scenario(scenario, false)?;
    let date = match &a.date {
        None => None,
        Some(s) => match parse_date(s) {
            Some(d) if sc.month.contains(d) => Some(d),
            Some(d) => {
                return Err(bad_flag(format!(
                    "--date {d} is outside the month {}",
                    sc.month
                )));
            }
            None => return Err(bad_flag(format!("--date `{s}` is not a date (YYYY-MM-DD)"))),
        },
    };
    if date.is_some() && kind != Kind::Coverage {
        return Err(bad_flag("--date applies only to --kind coverage"));
    }
    let loaded = Roster::load(roster, &sc)?;
    loaded.grant_leave_to(&mut sc);
    let simulate_here = kind == Kind::Service;
    let service = service_levels(&a.service, scenario, &sc, &loaded, simulate_here)?;
    let bytes = match plot::plot(&sc, &loaded, kind, date, service.as_deref(), format) {
        Ok(b) => b,
        Err(PlotError::NoServiceLevels) => {
            return Err(bad_flag(
                "--kind service needs the simulator's output (service level per interval); \
                 this build has no simulator yet; give its output with --service FILE.json, \
                 or plot coverage, roster or fairness",
            ));
        }
        Err(e) => return Err(CliError::Plot(e)),
    };
    write_all(&[(&a.out, &bytes)])?;
    say!("wrote {} ({} chart)", a.out.display(), kind.name());
    Ok(ExitStatus::Ok)
}

pub fn run_report(a: ReportArgs) -> Result<ExitStatus, CliError> {
    let RosterInputs { scenario, roster } = &a.inputs;
    check_outputs(
        &[OutputTarget::new("--out", &a.out)],
        &inputs(&[scenario, roster], &a.service.service),
    )?;
    let mut sc = load_scenario(scenario, false)?;
    let loaded = Roster::load(roster, &sc)?;
    loaded.grant_leave_to(&mut sc);
    let simulate_here = sc.traffic.is_some();
    let service = service_levels(&a.service, scenario, &sc, &loaded, simulate_here)?;
    let html =
        report::html::report_html(&sc, &loaded, service.as_deref()).map_err(CliError::Plot)?;
    write_all(&[(&a.out, html.as_bytes())])?;
    say!("wrote {}", a.out.display());
    Ok(ExitStatus::Ok)
}

/// The service levels to draw: read from `--service`, else simulated here when
/// `simulate_here`, else none.
fn service_levels(
    source: &ServiceSource,
    scenario: &Path,
    sc: &Scenario,
    roster: &Roster,
    simulate_here: bool,
) -> Result<Option<Vec<ServiceSeries>>, CliError> {
    match &source.service {
        Some(path) => load_service(path).map(Some),
        None if simulate_here => {
            let run = &source.simulation;
            if run.replications == 0 {
                return Err(bad_flag("--replications must be at least 1"));
            }
            roster::traffic::adapt::simulated_service(sc, roster, run.replications, run.seed)
                .map(Some)
                .map_err(|fault| CliError::Traffic {
                    scenario: scenario.to_path_buf(),
                    fault,
                })
        }
        None => Ok(None),
    }
}

/// Reads `--service FILE`: the simulator's per-interval service level as JSON.
fn load_service(path: &Path) -> Result<Vec<ServiceSeries>, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| bad_flag(format!("--service {}: cannot read: {e}", path.display())))?;
    serde_json::from_str(&text).map_err(|e| {
        bad_flag(format!(
            "--service {}: line {}, column {}: not a list of service series: {e}",
            path.display(),
            e.line(),
            e.column()
        ))
    })
}
