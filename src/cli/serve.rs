//! `roster serve` and `roster user add`: the command-line side of the server (issue 15).
//! Self-contained: each command prints its own one-line error and returns its exit status.

use super::{CliError, ExitStatus};
use roster::model::{Roster, Scenario};
use roster::server;
use roster::store::{Db, Role, Store, StoreError, months::month_key};
use std::io::BufRead;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct ServeArgs {
    /// The database: an SQLite file (created on first start) or a PostgreSQL URL,
    /// postgres://USER@HOST/DB, shared by every server process behind one proxy.
    #[arg(long, default_value = "roster.db")]
    db: Db,
    /// Where to listen. The default serves this machine only.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: String,
    /// On an empty database: import the demo scenario, solve and publish it, create one
    /// account per role and print their logins.
    #[arg(long)]
    demo: bool,
    /// The scenario --demo imports.
    #[arg(long, default_value = "scenarios/seed-2026-12.toml")]
    demo_scenario: PathBuf,
}

#[derive(clap::Args)]
pub struct UserArgs {
    #[command(subcommand)]
    command: UserCommand,
}

#[derive(clap::Subcommand)]
enum UserCommand {
    /// Create an account; the password is read from the first line of standard input.
    Add(UserAddArgs),
}

#[derive(clap::Args)]
struct UserAddArgs {
    /// The login: a staff ID for leads and agents (their account is that person's).
    id: String,
    /// head, lead, agent or planner.
    #[arg(long)]
    role: String,
    /// The database: an SQLite file or a postgres:// URL, as `serve --db`.
    #[arg(long, default_value = "roster.db")]
    db: Db,
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))
}

/// Bad input (2) for what the user can fix (input, a database that will not open), else the
/// failure status (4).
fn fail(status: ExitStatus, message: impl std::fmt::Display) -> ExitStatus {
    eprintln!("error: {message}");
    status
}

/// Runs `work` on the database `db` (created if missing) in a fresh runtime; a runtime
/// that will not start fails (4), a database that will not open is the user's to fix (2).
fn on_store(db: &Db, work: impl AsyncFnOnce(Store) -> ExitStatus) -> ExitStatus {
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(m) => return fail(ExitStatus::NoResult, m),
    };
    rt.block_on(async {
        match Store::open(db).await {
            Ok(store) => work(store).await,
            Err(e) => fail(ExitStatus::BadInput, format!("--db {db}: {e}")),
        }
    })
}

fn store_code(e: &StoreError) -> ExitStatus {
    match e {
        StoreError::Db(_)
        | StoreError::Corrupt { .. }
        | StoreError::Hash(_)
        | StoreError::Solve(_) => ExitStatus::NoResult,
        _ => ExitStatus::BadInput,
    }
}

pub fn run_serve(a: ServeArgs) -> Result<ExitStatus, CliError> {
    Ok(serve(a))
}

fn serve(a: ServeArgs) -> ExitStatus {
    let addr: SocketAddr = match a.addr.parse() {
        Ok(x) => x,
        Err(_) => {
            return fail(
                ExitStatus::BadInput,
                format!(
                    "--addr: `{}` is not an address and port (like 127.0.0.1:8080)",
                    a.addr
                ),
            );
        }
    };
    on_store(&a.db, async |store| {
        if a.demo {
            match server::demo::seed(&store, &a.demo_scenario).await {
                Ok(Some(logins)) => {
                    println!(
                        "demo accounts (passwords shown once; the database keeps only argon2 hashes):"
                    );
                    for l in &logins {
                        println!(
                            "  {:<8} {:<10} {:<8} password {}",
                            l.role.name(),
                            l.login,
                            l.name.as_deref().unwrap_or(""),
                            l.password
                        );
                    }
                }
                Ok(None) => eprintln!("demo: {} has data already; --demo leaves it as it is", a.db),
                Err(e) => return fail(ExitStatus::BadInput, format!("--demo: {e:#}")),
            }
        }
        match server::serve(store, addr).await {
            Ok(()) => ExitStatus::Ok,
            Err(e) => fail(ExitStatus::BadInput, format!("{e:#}")),
        }
    })
}

pub fn run_user(a: UserArgs) -> Result<ExitStatus, CliError> {
    Ok(user(a))
}

fn user(a: UserArgs) -> ExitStatus {
    let UserCommand::Add(a) = a.command;
    let Some(role) = Role::parse(&a.role) else {
        return fail(
            ExitStatus::BadInput,
            format!(
                "--role: unknown role `{}` (head, lead, agent or planner)",
                a.role
            ),
        );
    };
    let mut line = String::new();
    if let Err(e) = std::io::stdin().lock().read_line(&mut line) {
        return fail(
            ExitStatus::BadInput,
            format!("standard input: cannot read the password: {e}"),
        );
    }
    let password = line.trim_end_matches(['\n', '\r']);
    if password.is_empty() {
        return fail(
            ExitStatus::BadInput,
            "standard input: no password (give it on the first line)",
        );
    }
    on_store(&a.db, async |store| {
        let staff = match staff_of(&store, &a.id).await {
            Ok(s) => s,
            Err(e) => return fail(store_code(&e), format!("--db {}: {e}", a.db)),
        };
        if matches!(role, Role::Lead | Role::Agent) && staff.is_none() {
            return fail(
                ExitStatus::BadInput,
                format!(
                    "ID: `{}` is no staff ID of any month in {}; a {} account is a person's",
                    a.id,
                    a.db,
                    role.name()
                ),
            );
        }
        match store
            .add_user(&a.id, role, staff.as_deref(), password, "roster user add")
            .await
        {
            Ok(u) => {
                println!(
                    "added {} ({}{})",
                    u.login,
                    u.role.name(),
                    u.staff_id
                        .map(|s| format!(", staff {s}"))
                        .unwrap_or_default()
                );
                ExitStatus::Ok
            }
            Err(e) => fail(store_code(&e), format!("ID `{}`: {e}", a.id)),
        }
    })
}

/// The staff ID `id` names in any stored month, if it is one.
async fn staff_of(store: &Store, id: &str) -> Result<Option<String>, StoreError> {
    for m in store.months().await? {
        if store.scenario(&m).await?.staff_by_id(id).is_some() {
            return Ok(Some(id.to_owned()));
        }
    }
    Ok(None)
}

/// The month's current published roster in `db`, with the scenario its leave is granted in:
/// `roster export --db DB --month M`. A database that is not there is refused rather than
/// created, so a mistyped path says so instead of exporting nothing.
pub(super) fn published_month(db: &Db, month: &str) -> Result<(Scenario, Roster), CliError> {
    let month = month_key(month).map_err(|e| CliError::Flag(format!("--month: {e}")))?;
    if let Db::Sqlite(path) = db
        && !path.is_file()
    {
        return Err(CliError::Flag(format!(
            "--db {db}: no such database (`roster serve --db` creates one)"
        )));
    }
    let rt = runtime().map_err(CliError::Flag)?;
    rt.block_on(async {
        let store = Store::open(db)
            .await
            .map_err(|e| CliError::Flag(format!("--db {db}: {e}")))?;
        let state = store
            .current(&month)
            .await
            .map_err(|e| CliError::Flag(format!("--db {db} --month {month}: {e}")))?;
        Ok((state.scenario, state.roster))
    })
}
