//! `roster check`: every roster rule against a roster.

use roster::model::Roster;
use roster::report;
use roster::rules::{self, Breakdown, Violation};
use serde::Serialize;

use super::args::{JsonFlag, RosterInputs};
use super::{CliError, ExitStatus, load_scenario, say_json};

#[derive(clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    inputs: RosterInputs,
    #[command(flatten)]
    json: JsonFlag,
}

/// What `check --json` prints: the verdict, each violation, and the roster's objective.
#[derive(Serialize)]
struct CheckDoc<'a> {
    ok: bool,
    violations: &'a [Violation],
    objective: f64,
    breakdown: &'a Breakdown,
}

pub fn run(a: CheckArgs) -> Result<ExitStatus, CliError> {
    let RosterInputs { scenario, roster } = &a.inputs;
    let mut sc = load_scenario(scenario, a.json.json)?;
    let loaded = Roster::load(roster, &sc)?;
    loaded.grant_leave_to(&mut sc);
    let violations = rules::check_roster(&sc, &loaded);
    if a.json.json {
        let breakdown = rules::evaluate(&sc, &loaded);
        say_json(&CheckDoc {
            ok: violations.is_empty(),
            violations: &violations,
            objective: breakdown.total(),
            breakdown: &breakdown,
        })?;
    } else if violations.is_empty() {
        say!(
            "{}: no rule is broken ({} assignments checked against {} rules)",
            roster.display(),
            loaded.assignments.len(),
            rules::roster_rules().len()
        );
    } else {
        say!("{}", report::violations_table(&violations));
        say!("{} violation(s)", violations.len());
    }
    Ok(if violations.is_empty() {
        ExitStatus::Ok
    } else {
        ExitStatus::Violations
    })
}
