//! The month-to-month commands (issue 12): `next` (next month's scenario from this month's
//! roster), `new` (a scenario from the staff sheet) and `export` (JSON, CSV, XLSX, ICS).

use std::path::{Path, PathBuf};

use roster::cycle::{self, NextError};
use roster::export::{self, MonthRoster};
use roster::model::{InputError, Month, OutputTarget, Roster, check_outputs, write_all};
use roster::store::Db;
use roster::{report, rules};

use super::{CliError, ExitStatus, load_scenario};

#[derive(clap::Args)]
pub struct NextArgs {
    /// This month's scenario (TOML).
    scenario: PathBuf,
    /// This month's roster as worked (JSON, swaps and granted leave included).
    roster: PathBuf,
    /// The month to write (YYYY-MM): the one after the roster's.
    #[arg(long)]
    month: String,
    /// Where to write next month's scenario [default: scenario-YYYY-MM.toml, here].
    #[arg(long)]
    out: Option<PathBuf>,
    /// Carry a roster that breaks rules (says what it carried).
    #[arg(long)]
    force: bool,
}

#[derive(clap::Args)]
pub struct NewArgs {
    /// The staff sheet: .xlsx (first sheet) or .csv, with a header row: ID/工号,
    /// name/姓名, grade/级别, team/班组, lead/组长, job/岗位.
    #[arg(long)]
    staff: PathBuf,
    /// The month (YYYY-MM).
    #[arg(long)]
    month: String,
    /// A scenario to take shifts, seats, demand, rules, weights and traffic from
    /// [default: three 8-hour shifts, one seat type, the CN calendar].
    #[arg(long)]
    from: Option<PathBuf>,
    /// Where to write the scenario.
    #[arg(long)]
    out: PathBuf,
}

/// One command, two sources: a scenario and its roster (files), or a month of the server's
/// database (its current published version), so the command line and the server agree.
#[derive(clap::Args)]
pub struct ExportArgs {
    /// The scenario (TOML); with ROSTER, the file source.
    #[arg(
        required_unless_present = "month",
        conflicts_with = "month",
        requires = "roster"
    )]
    scenario: Option<PathBuf>,
    /// Its roster (JSON).
    roster: Option<PathBuf>,
    /// The database source: this month's (YYYY-MM) current published roster in --db.
    #[arg(long)]
    month: Option<String>,
    /// The server's database, read with --month.
    /// An SQLite file or a postgres:// URL, as `serve --db`.
    #[arg(long, default_value = "roster.db")]
    db: Db,
    /// The roster JSON, as `solve` writes it.
    #[arg(long)]
    json: Option<PathBuf>,
    /// One line per assignment, as `solve --csv` writes it.
    #[arg(long)]
    csv: Option<PathBuf>,
    /// A workbook to print: the whole month, one sheet per team, every assignment.
    #[arg(long)]
    xlsx: Option<PathBuf>,
    /// A directory for one iCalendar file per person (ID.ics), made if missing.
    #[arg(long)]
    ics: Option<PathBuf>,
}

fn month_flag(text: &str) -> Result<Month, CliError> {
    Month::parse(text).ok_or_else(|| {
        CliError::Flag(format!(
            "--month `{text}` is not a month (expected YYYY-MM)"
        ))
    })
}

pub fn run_next(a: NextArgs) -> Result<ExitStatus, CliError> {
    let month = month_flag(&a.month)?;
    let mut sc = load_scenario(&a.scenario, false)?;
    let roster = Roster::load(&a.roster, &sc)?;
    roster.grant_leave_to(&mut sc);
    let out = a.out.clone().unwrap_or_else(|| {
        let stem = a
            .scenario
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or("scenario".into());
        PathBuf::from(format!("{stem}-{month}.toml"))
    });
    check_outputs(
        &[OutputTarget::new("--out", &out)],
        &[&a.scenario, &a.roster],
    )?;
    let violations = rules::check_roster(&sc, &roster);
    if !violations.is_empty() && !a.force {
        eprintln!("{}", report::violations_table(&violations));
        eprintln!(
            "error: {}: {} rule violation(s); nothing written. Fix the roster, or carry it as worked with --force",
            a.roster.display(),
            violations.len()
        );
        return Ok(ExitStatus::Violations);
    }
    let source = std::fs::read_to_string(&a.scenario)
        .map_err(|e| InputError::new(&a.scenario, "", format!("cannot read: {e}")))?;
    let next =
        cycle::next_month(&source, &a.scenario, &sc, &roster, month, &out).map_err(
            |e| match e {
                NextError::NotNextMonth { .. } => {
                    InputError::new(&a.scenario, "--month", e.to_string())
                }
                NextError::Input(e) => e,
            },
        )?;
    write_all(&[(&out, next.text.as_bytes())])?;
    for w in &next.scenario.warnings {
        eprintln!("warning: {}: {w}", out.display());
    }
    if !violations.is_empty() {
        eprintln!(
            "warning: {} breaks {} rule(s); carried as worked (--force)",
            a.roster.display(),
            violations.len()
        );
    }
    println!("carried {}", next.carried);
    println!("wrote {}", out.display());
    Ok(ExitStatus::Ok)
}

pub fn run_new(a: NewArgs) -> Result<ExitStatus, CliError> {
    let month = month_flag(&a.month)?;
    let mut inputs: Vec<&Path> = vec![&a.staff];
    if let Some(from) = &a.from {
        inputs.push(from);
    }
    check_outputs(&[OutputTarget::new("--out", &a.out)], &inputs)?;
    let staff = cycle::read_staff_sheet(&a.staff)?;
    let from_text = match &a.from {
        Some(path) => {
            // Loaded first so a broken --from is reported as the scenario loader says it.
            load_scenario(path, true)?;
            Some(
                std::fs::read_to_string(path)
                    .map_err(|e| InputError::new(path, "", format!("cannot read: {e}")))?,
            )
        }
        None => None,
    };
    let from_path = a.from.clone().unwrap_or_default();
    let table = cycle::new_scenario(&staff, month, from_text.as_deref(), &from_path)?;
    let body = toml::to_string(&table).map_err(|e| {
        CliError::Flag(format!("--out {}: cannot write TOML: {e}", a.out.display()))
    })?;
    let text = format!(
        "# {month}, written by `roster new` from {}{}.\n\n{body}",
        a.staff.display(),
        a.from
            .as_ref()
            .map(|f| format!(" and {}", f.display()))
            .unwrap_or_default()
    );
    // The sheet is held to every check a scenario written by hand is.
    let sc = roster::model::Scenario::from_toml(&text, &a.out)?;
    write_all(&[(&a.out, text.as_bytes())])?;
    for w in &sc.warnings {
        eprintln!("warning: {}: {w}", a.out.display());
    }
    println!(
        "{} staff in {} teams for {month}; wrote {}",
        sc.staff.len(),
        sc.teams.len(),
        a.out.display()
    );
    Ok(ExitStatus::Ok)
}

pub fn run_export(a: ExportArgs) -> Result<ExitStatus, CliError> {
    if a.json.is_none() && a.csv.is_none() && a.xlsx.is_none() && a.ics.is_none() {
        return Err(CliError::Flag(
            "export: name at least one output (--json, --csv, --xlsx or --ics DIR)".into(),
        ));
    }
    let (sc, roster, inputs): (_, _, Vec<&Path>) = match (&a.scenario, &a.roster, &a.month) {
        (Some(scenario), Some(roster_file), _) => {
            let mut sc = load_scenario(scenario, false)?;
            let roster = Roster::load(roster_file, &sc)?;
            roster.grant_leave_to(&mut sc);
            (sc, roster, vec![scenario, roster_file])
        }
        (_, _, Some(month)) => {
            let (sc, roster) = super::serve::published_month(&a.db, month)?;
            // An output must not overwrite the database it was read from.
            let inputs = match &a.db {
                Db::Sqlite(path) => vec![path.as_path()],
                Db::Postgres(_) => Vec::new(),
            };
            (sc, roster, inputs)
        }
        _ => {
            return Err(CliError::Flag(
                "export: give SCENARIO ROSTER, or --month YYYY-MM (with --db)".into(),
            ));
        }
    };
    let mut targets = Vec::new();
    for (flag, path) in [("--json", &a.json), ("--csv", &a.csv), ("--xlsx", &a.xlsx)] {
        if let Some(p) = path {
            targets.push(OutputTarget::new(flag, p));
        }
    }
    let month = MonthRoster::new(&sc, &roster);
    let calendars = a.ics.as_ref().map(|_| export::ics::calendars(&month));
    if let (Some(dir), Some(cals)) = (&a.ics, &calendars) {
        if dir.is_dir() {
            targets.extend(
                cals.iter()
                    .map(|c| OutputTarget::new("--ics", dir.join(&c.file_name))),
            );
        } else {
            // A directory to be made: its parent must take it.
            check_outputs(&[OutputTarget::new("--ics", dir)], &inputs)?;
        }
    }
    check_outputs(&targets, &inputs)?;
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    if let Some(p) = &a.json {
        files.push((p.clone(), export::roster_json(&month).into_bytes()));
    }
    if let Some(p) = &a.csv {
        files.push((p.clone(), export::roster_csv(&month).into_bytes()));
    }
    if let Some(p) = &a.xlsx {
        let bytes =
            export::xlsx::workbook(&month).map_err(|e| CliError::Workbook(e.to_string()))?;
        files.push((p.clone(), bytes));
    }
    if let (Some(dir), Some(cals)) = (&a.ics, calendars) {
        if !dir.is_dir() {
            std::fs::create_dir_all(dir).map_err(|e| {
                CliError::Flag(format!(
                    "--ics {}: cannot make the directory: {e}",
                    dir.display()
                ))
            })?;
        }
        files.extend(
            cals.into_iter()
                .map(|c| (dir.join(&c.file_name), c.text.into_bytes())),
        );
    }
    let refs: Vec<(&Path, &[u8])> = files
        .iter()
        .map(|(p, b)| (p.as_path(), b.as_slice()))
        .collect();
    write_all(&refs)?;
    let calendars_written = a.ics.as_ref().map_or(0, |_| sc.staff.len());
    for (p, _) in &files[..files.len() - calendars_written] {
        println!("wrote {}", p.display());
    }
    if let Some(dir) = &a.ics {
        println!(
            "wrote {calendars_written} calendars (one per person) in {}",
            dir.display()
        );
    }
    Ok(ExitStatus::Ok)
}
