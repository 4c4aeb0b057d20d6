//! `roster serve` and `roster user add`: the command-line side of the server (issue 15).
//! Self-contained: each command prints its own one-line error and returns its exit status.

use roster::server;
use roster::store::{Role, Store, StoreError};
use std::io::BufRead;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct ServeArgs {
    /// The database (SQLite; created on first start).
    #[arg(long, default_value = "roster.db")]
    db: PathBuf,
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
    #[arg(long, default_value = "roster.db")]
    db: PathBuf,
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))
}

/// Exit status 2 for what the user can fix (input, a database that will not open), else 1.
fn fail(code: u8, message: impl std::fmt::Display) -> u8 {
    eprintln!("error: {message}");
    code
}

fn store_code(e: &StoreError) -> u8 {
    match e {
        StoreError::Db(_)
        | StoreError::Corrupt { .. }
        | StoreError::Hash(_)
        | StoreError::Solve(_) => 1,
        _ => 2,
    }
}

pub fn cmd_serve(a: ServeArgs) -> u8 {
    let addr: SocketAddr = match a.addr.parse() {
        Ok(x) => x,
        Err(_) => {
            return fail(
                2,
                format!(
                    "--addr: `{}` is not an address and port (like 127.0.0.1:8080)",
                    a.addr
                ),
            );
        }
    };
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(m) => return fail(1, m),
    };
    rt.block_on(async {
        let store = match Store::open(&a.db).await {
            Ok(s) => s,
            Err(e) => return fail(2, format!("--db {}: {e}", a.db.display())),
        };
        if a.demo {
            match server::demo::seed(&store, &a.demo_scenario).await {
                Ok(Some(logins)) => {
                    println!("demo accounts (passwords shown once; the database keeps only argon2 hashes):");
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
                Ok(None) => eprintln!("demo: {} has data already; --demo leaves it as it is", a.db.display()),
                Err(e) => return fail(2, format!("--demo: {e:#}")),
            }
        }
        match server::serve(store, addr).await {
            Ok(()) => 0,
            Err(e) => fail(2, format!("{e:#}")),
        }
    })
}

pub fn cmd_user(a: UserArgs) -> u8 {
    let UserCommand::Add(a) = a.command;
    let Some(role) = Role::parse(&a.role) else {
        return fail(
            2,
            format!(
                "--role: unknown role `{}` (head, lead, agent or planner)",
                a.role
            ),
        );
    };
    let mut line = String::new();
    if let Err(e) = std::io::stdin().lock().read_line(&mut line) {
        return fail(2, format!("standard input: cannot read the password: {e}"));
    }
    let password = line.trim_end_matches(['\n', '\r']);
    if password.is_empty() {
        return fail(2, "standard input: no password (give it on the first line)");
    }
    let rt = match runtime() {
        Ok(rt) => rt,
        Err(m) => return fail(1, m),
    };
    rt.block_on(async {
        let store = match Store::open(&a.db).await {
            Ok(s) => s,
            Err(e) => return fail(2, format!("--db {}: {e}", a.db.display())),
        };
        let staff = match staff_of(&store, &a.id).await {
            Ok(s) => s,
            Err(e) => return fail(store_code(&e), format!("--db {}: {e}", a.db.display())),
        };
        if matches!(role, Role::Lead | Role::Agent) && staff.is_none() {
            return fail(
                2,
                format!(
                    "ID: `{}` is no staff ID of any month in {}; a {} account is a person's",
                    a.id,
                    a.db.display(),
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
                0
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
