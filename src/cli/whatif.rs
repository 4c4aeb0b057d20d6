//! `roster swap` and `roster leave`: what-if questions on a roster, and the roster updated
//! (in place by default, under a lock) when the answer is yes.

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveDateTime};
use roster::model::{
    InputError, LeaveRequest, OutputTarget, Roster, Scenario, UpdateLock, check_outputs,
    lock_for_update, parse_date, parse_datetime, write_all,
};
use roster::report;
use roster::rules::{RuleId, Violation};
use roster::solve::{Diagnosis, SolveOptions};
use roster::whatif::{self, BadRequest, Candidate, LeaveOutcome, Repair, RepairError, SwapOutcome};
use serde::Serialize;

use super::args::{ApproverArg, JsonFlag, LeaveKindArg, RosterInputs};
use super::{CliError, ExitStatus, cbc_parameters, load_scenario, say_json};

#[derive(clap::Args)]
pub struct SwapArgs {
    #[command(flatten)]
    inputs: RosterInputs,
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
    #[command(flatten)]
    update: RosterUpdate,
    #[command(flatten)]
    json: JsonFlag,
}

#[derive(clap::Args)]
pub struct LeaveArgs {
    #[command(flatten)]
    inputs: RosterInputs,
    #[arg(long)]
    staff: String,
    /// First day of leave (YYYY-MM-DD).
    #[arg(long)]
    from: String,
    /// Last day of leave (YYYY-MM-DD).
    #[arg(long)]
    to: String,
    #[arg(long, value_enum)]
    kind: LeaveKindArg,
    /// When the request was made (YYYY-MM-DDTHH:MM).
    #[arg(long)]
    requested_at: String,
    /// The time the repair is made (YYYY-MM-DDTHH:MM) [default: --requested-at]. Shifts
    /// reporting before it, or before the request, are kept as rostered.
    #[arg(long)]
    now: Option<String>,
    #[arg(long, value_enum)]
    approved_by: ApproverArg,
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
    #[command(flatten)]
    update: RosterUpdate,
    #[command(flatten)]
    json: JsonFlag,
}

/// Where a swap or a leave repair writes the roster it changed.
#[derive(clap::Args)]
struct RosterUpdate {
    /// Where to write the changed roster [default: ROSTER, updated in place].
    #[arg(long)]
    out: Option<PathBuf>,
}

impl RosterUpdate {
    /// The file the changed roster goes to.
    fn path(&self, roster: &Path) -> PathBuf {
        self.out.clone().unwrap_or_else(|| roster.to_path_buf())
    }

    /// Checks the output and locks ROSTER, when `writes`: held until the command ends, after
    /// the write, so a concurrent update of the same roster waits and then judges the roster
    /// with this change in it, never losing either.
    fn hold(
        &self,
        writes: bool,
        scenario: &Path,
        roster: &Path,
    ) -> Result<Option<UpdateLock>, CliError> {
        if !writes {
            return Ok(None);
        }
        let target = match &self.out {
            Some(out) => OutputTarget::new("--out", out),
            None => OutputTarget::new("ROSTER (updated in place)", roster),
        };
        check_outputs(&[target], &[scenario])?;
        lock_roster(roster).map(Some)
    }
}

/// What `swap --candidates --json` prints.
#[derive(Serialize)]
struct CandidatesDoc<'a> {
    staff: &'a str,
    date: NaiveDate,
    candidates: &'a [Candidate],
}

/// What `swap --json` prints: the verdict, and where the roster went when accepted.
#[derive(Serialize)]
struct SwapDoc<'a> {
    #[serde(flatten)]
    outcome: &'a SwapOutcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    out: Option<&'a Path>,
}

/// What `leave --json` prints: the verdict, and the repair when one was asked for and the
/// leave accepted.
#[derive(Serialize)]
struct LeaveDoc<'a> {
    #[serde(flatten)]
    outcome: &'a LeaveOutcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    repair: Option<RepairDoc<'a>>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum RepairDoc<'a> {
    Repaired {
        #[serde(flatten)]
        repair: &'a Repair,
        out: &'a Path,
    },
    Blocked {
        status: &'static str,
        diagnosis: &'a Diagnosis,
    },
}

pub fn run_swap(a: SwapArgs) -> Result<ExitStatus, CliError> {
    let RosterInputs { scenario, roster } = &a.inputs;
    let mut sc = load_scenario(scenario, a.json.json)?;
    let out = a.update.path(roster);
    let _lock = a.update.hold(!a.candidates, scenario, roster)?;
    let base = Roster::load(roster, &sc)?;
    base.grant_leave_to(&mut sc);
    let staff = whatif::staff_arg(&sc, "--staff", &a.staff)?;
    let date = whatif::date_in_month(&sc, "--date", &a.date)?;
    if a.candidates {
        let list = whatif::candidates(&sc, &base, staff, date)?;
        if a.json.json {
            say_json(&CandidatesDoc {
                staff: &a.staff,
                date,
                candidates: &list,
            })?;
        } else {
            say!("{}", report::candidates_table(&sc, &a.staff, date, &list));
        }
        return Ok(ExitStatus::Ok);
    }
    let with = a.with.as_deref().unwrap_or_default();
    let req = whatif::SwapRequest {
        a: staff,
        date,
        b: whatif::staff_arg(&sc, "--with", with)?,
        return_date: a
            .return_date
            .as_deref()
            .map(|d| whatif::date_in_month(&sc, "--return-date", d))
            .transpose()?,
        approved: a.approved,
    };
    let outcome = whatif::check_swap(&sc, &base, &req)?;
    if let Some(r) = &outcome.roster {
        write_all(&[(&out, r.to_json().as_bytes())])?;
    }
    if a.json.json {
        say_json(&SwapDoc {
            outcome: &outcome,
            out: outcome.accepted.then_some(out.as_path()),
        })?;
    } else {
        say!("{}", report::swap_text(&sc, &outcome));
        if let Some(hint) = flag_hint(&outcome.violations) {
            say!("{hint}");
        }
        if outcome.accepted {
            say!("wrote {}", out.display());
        }
    }
    Ok(verdict(outcome.accepted))
}

pub fn run_leave(a: LeaveArgs) -> Result<ExitStatus, CliError> {
    let RosterInputs { scenario, roster } = &a.inputs;
    let mut sc = load_scenario(scenario, a.json.json)?;
    let out = a.update.path(roster);
    // Only a repair writes.
    let _lock = a.update.hold(a.repair, scenario, roster)?;
    let base = Roster::load(roster, &sc)?;
    base.grant_leave_to(&mut sc);
    let (req, now) = leave_request(&sc, &base, &a)?;
    let outcome = whatif::check_leave(&sc, &base, &req);
    if !a.json.json {
        say!("{}", report::leave_text(&sc, &outcome).trim_end());
        if let Some(hint) = flag_hint(&outcome.violations) {
            say!("{hint}");
        }
    }
    let mut status = verdict(outcome.accepted);
    let repaired = if a.repair && outcome.accepted {
        let opts = SolveOptions {
            time_limit: a.time_limit,
            cbc_parameters: cbc_parameters(),
            ..SolveOptions::default()
        };
        match whatif::repair_leave_at(&sc, &base, &req, now, &opts) {
            Ok(rep) => {
                write_all(&[(&out, rep.roster.to_json().as_bytes())])?;
                if !a.json.json {
                    say!("{}", report::repair_text(&rep));
                    say!("wrote {}", out.display());
                }
                Some(Ok(rep))
            }
            Err(RepairError::Blocked(d)) => {
                status = ExitStatus::Violations;
                if !a.json.json {
                    say!("No repair exists: with this leave granted, no roster meets every rule.");
                    say!("{}", report::diagnosis_text(&d));
                }
                Some(Err(d))
            }
            Err(RepairError::Solve(e)) => return Err(CliError::Solve(e)),
        }
    } else {
        None
    };
    if a.json.json {
        let repair = repaired.as_ref().map(|r| match r {
            Ok(repair) => RepairDoc::Repaired { repair, out: &out },
            Err(diagnosis) => RepairDoc::Blocked {
                status: "infeasible",
                diagnosis,
            },
        });
        say_json(&LeaveDoc {
            outcome: &outcome,
            repair,
        })?;
    }
    Ok(status)
}

/// The leave the flags describe, checked against the scenario's month, and `--now`.
fn leave_request(
    sc: &Scenario,
    base: &Roster,
    a: &LeaveArgs,
) -> Result<(LeaveRequest, Option<NaiveDateTime>), CliError> {
    let staff = whatif::staff_arg(sc, "--staff", &a.staff)?;
    let (from, to) = (date_flag("--from", &a.from)?, date_flag("--to", &a.to)?);
    if to < from {
        return Err(BadRequest::new(
            "--to",
            format!("leave ends ({to}) before it starts ({from})"),
        )
        .into());
    }
    if !sc.month.dates().any(|d| from <= d && d <= to) {
        return Err(BadRequest::new(
            "--from",
            format!("{from}..{to} has no day in the month {}", sc.month),
        )
        .into());
    }
    let requested_at = datetime_flag("--requested-at", &a.requested_at)?;
    let now = a
        .now
        .as_deref()
        .map(|t| datetime_flag("--now", t))
        .transpose()?;
    if a.repair && (a.time_limit.is_nan() || a.time_limit <= 0.0) {
        return Err(BadRequest::new("--time-limit", "must be a positive number of seconds").into());
    }
    let filed_by_id = a.filed_by.clone().unwrap_or_else(|| a.staff.clone());
    let req = LeaveRequest {
        id: format!("granted-{}", base.leave.len() + 1),
        staff,
        from,
        to,
        kind: a.kind.into(),
        requested_at: Some(requested_at),
        filed_by: sc.staff_by_id(&filed_by_id),
        filed_by_id,
        approved_by: a.approved_by.into(),
        certificate: a.certificate,
        emergency: a.emergency,
    };
    Ok((req, now))
}

/// The flag that answers a violation a person can clear by saying so: the rule's verdict
/// names the missing approval or certificate, the command line names its flag.
fn flag_hint(violations: &[Violation]) -> Option<&'static str> {
    violations.iter().find_map(|v| match v.rule {
        RuleId::SwapApproval => Some("pass --approved once the approval is given"),
        RuleId::LeaveCert => Some(
            "pass --certificate when a medical certificate is given, or --emergency in an emergency",
        ),
        _ => None,
    })
}

fn date_flag(flag: &'static str, s: &str) -> Result<NaiveDate, BadRequest> {
    parse_date(s)
        .ok_or_else(|| BadRequest::new(flag, format!("`{s}` is not a date (expected YYYY-MM-DD)")))
}

fn datetime_flag(flag: &'static str, s: &str) -> Result<NaiveDateTime, BadRequest> {
    parse_datetime(s).ok_or_else(|| {
        BadRequest::new(
            flag,
            format!("`{s}` is not a date-time (expected YYYY-MM-DDTHH:MM)"),
        )
    })
}

/// A request judged: accepted, or rejected under some rule.
fn verdict(accepted: bool) -> ExitStatus {
    if accepted {
        ExitStatus::Ok
    } else {
        ExitStatus::Violations
    }
}

/// Locks the roster file for a read-change-write; a file that cannot be opened is reported
/// as the roster loader reports it.
fn lock_roster(path: &Path) -> Result<UpdateLock, CliError> {
    lock_for_update(path)
        .map_err(|e| InputError::new(path, "", format!("cannot read the roster: {e}")).into())
}
