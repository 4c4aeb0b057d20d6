//! Which database the store runs on, and the few things SQLite and PostgreSQL do
//! differently: how to connect, which schema files, how a writer takes the write lock, and
//! the typed pool the session store needs. Every query elsewhere is the same text on both
//! (sqlx's Any driver; `$1` parameters, which SQLite reads as well as PostgreSQL).

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::SqliteSynchronous;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use sqlx::{Any, AnyPool, Connection, Executor, Transaction};
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

/// Where the data lives: `--db PATH` (an SQLite file, made if missing) or
/// `--db postgres://...` (a PostgreSQL database that exists; its tables are made).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Db {
    Sqlite(PathBuf),
    Postgres(String),
}

/// The kind of database, for the few places that differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Db {
    /// A `postgres://` or `postgresql://` URL, else a file path. Never fails: any text is
    /// a path, and a path that will not open is reported by `Store::open`.
    pub fn parse(s: &str) -> Db {
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            Db::Postgres(s.to_owned())
        } else {
            Db::Sqlite(PathBuf::from(s))
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }
}

impl From<&Path> for Db {
    fn from(p: &Path) -> Db {
        Db::Sqlite(p.to_owned())
    }
}

impl From<&PathBuf> for Db {
    fn from(p: &PathBuf) -> Db {
        Db::Sqlite(p.clone())
    }
}

impl From<PathBuf> for Db {
    fn from(p: PathBuf) -> Db {
        Db::Sqlite(p)
    }
}

impl From<&Db> for Db {
    fn from(d: &Db) -> Db {
        d.clone()
    }
}

impl FromStr for Db {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Db, Self::Err> {
        Ok(Db::parse(s))
    }
}

/// The path, or the URL without its password: messages and logs name the database, never
/// the secret that opens it.
impl fmt::Display for Db {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Db::Sqlite(p) => write!(f, "{}", p.display()),
            Db::Postgres(url) => f.write_str(&redacted(url)),
        }
    }
}

/// `postgres://user:secret@host/db?password=secret` as
/// `postgres://user:***@host/db?password=***`: the user-info's password and the
/// `password` parameter (both forms libpq and sqlx read) hidden.
fn redacted(url: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let mut out = match base.find("://").map(|i| i + 3) {
        Some(start) => {
            let end = base[start..].find('/').map_or(base.len(), |i| start + i);
            let authority = &base[start..end];
            match authority.rfind('@').and_then(|at| {
                authority[..at]
                    .find(':')
                    .map(|c| (start + c + 1, start + at))
            }) {
                Some((from, to)) => format!("{}***{}", &base[..from], &base[to..]),
                None => base.to_owned(),
            }
        }
        None => base.to_owned(),
    };
    if let Some(q) = query {
        let pairs: Vec<String> = q
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, _)) if k == "password" => format!("{k}=***"),
                _ => pair.to_owned(),
            })
            .collect();
        out.push('?');
        out.push_str(&pairs.join("&"));
    }
    out
}

/// Both pools on one SQLite file wait this long for the write lock before failing (the
/// query pool's `PRAGMA busy_timeout` below says the same in milliseconds).
const SQLITE_BUSY: Duration = Duration::from_secs(10);
const POOL_SIZE: u32 = 8;

/// The key of the PostgreSQL advisory lock every writer takes: one per database, as SQLite
/// has one write lock per file.
const PG_WRITE_LOCK: i64 = 0x726f_7374_6572; // "roster"

/// Connects the query pool. SQLite: WAL, and `synchronous = FULL` so a commit is on disk
/// before the request is acknowledged (issue 15.4); set on every connection because the
/// Any driver's URL carries no such options.
pub(super) async fn connect(db: &Db) -> Result<AnyPool, sqlx::Error> {
    sqlx::any::install_default_drivers();
    // One connection first: a pool retries a refused connection until its acquire
    // timeout and then reports only that it timed out; this says why, at once.
    let opts = any_options(db)?;
    sqlx::AnyConnection::connect_with(&opts)
        .await?
        .close()
        .await?;
    let pool = AnyPoolOptions::new().max_connections(POOL_SIZE);
    let pool = match db {
        // The settings `native_pool` gives its SQLite connections, as statements.
        Db::Sqlite(_) => pool.after_connect(|conn, _| {
            Box::pin(async move {
                let pragmas = format!(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = {}",
                    SQLITE_BUSY.as_millis()
                );
                conn.execute(pragmas.as_str()).await?;
                Ok(())
            })
        }),
        Db::Postgres(_) => pool,
    };
    pool.connect_with(opts).await
}

fn any_options(db: &Db) -> Result<AnyConnectOptions, sqlx::Error> {
    match db {
        Db::Sqlite(path) => {
            AnyConnectOptions::from_str(&format!("sqlite:{}?mode=rwc", url_path(path)))
        }
        Db::Postgres(url) => AnyConnectOptions::from_str(url),
    }
}

/// A file path as the path of an `sqlite:` URL: every byte but letters, digits and
/// `/._-` percent-encoded (SQLite's URL parser decodes them again).
fn url_path(path: &Path) -> String {
    let mut out = String::new();
    for &b in path.as_os_str().as_encoded_bytes() {
        if b.is_ascii_alphanumeric() || b"/._-".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Brings the schema up to date: each database has its own migrations, alike but for
/// how ids are made.
pub(super) async fn migrate(
    pool: &AnyPool,
    backend: Backend,
) -> Result<(), sqlx::migrate::MigrateError> {
    match backend {
        Backend::Sqlite => sqlx::migrate!("./migrations/sqlite").run(pool).await,
        Backend::Postgres => sqlx::migrate!("./migrations/postgres").run(pool).await,
    }
}

/// A transaction holding the database's write lock from its first statement, so reads
/// inside it see the state the write is based on and a second writer — in this process or
/// another server's — waits instead of failing half-way. The one place that says how each
/// database takes that lock:
/// - SQLite: `BEGIN IMMEDIATE` (the file's single write lock).
/// - PostgreSQL: an advisory lock held to the end of the transaction. READ COMMITTED,
///   whatever the server's default, so each statement after the lock sees every write
///   committed before it was granted (a snapshot taken earlier would not).
pub(super) async fn begin_write(
    pool: &AnyPool,
    backend: Backend,
) -> Result<Transaction<'static, Any>, sqlx::Error> {
    match backend {
        Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await,
        Backend::Postgres => {
            let mut tx = pool
                .begin_with("BEGIN ISOLATION LEVEL READ COMMITTED")
                .await?;
            sqlx::query("SELECT 1 FROM pg_advisory_xact_lock($1)")
                .bind(PG_WRITE_LOCK)
                .execute(&mut *tx)
                .await?;
            Ok(tx)
        }
    }
}

/// The typed pool tower-sessions' stores take (they do not speak Any).
#[derive(Clone, Debug)]
pub enum NativePool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A small second pool on the same database, for the session store.
pub(super) async fn native_pool(db: &Db) -> Result<NativePool, sqlx::Error> {
    match db {
        Db::Sqlite(path) => {
            let opts = SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(SQLITE_BUSY);
            let pool = SqlitePoolOptions::new()
                .max_connections(2)
                .connect_with(opts)
                .await?;
            Ok(NativePool::Sqlite(pool))
        }
        Db::Postgres(url) => {
            let pool = PgPoolOptions::new()
                .max_connections(2)
                .connect_with(PgConnectOptions::from_str(url)?)
                .await?;
            Ok(NativePool::Postgres(pool))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_postgres_and_anything_else_a_path() {
        assert_eq!(Db::parse("postgresql://h/db").backend(), Backend::Postgres);
        assert_eq!(
            Db::parse("postgres:///db?host=/run").backend(),
            Backend::Postgres
        );
        assert_eq!(Db::parse("roster.db"), Db::Sqlite("roster.db".into()));
        assert_eq!(Db::parse("postgres.db").backend(), Backend::Sqlite);
    }

    #[test]
    fn a_password_is_never_shown() {
        let shown = Db::parse("postgres://ops:p@ss:w0rd@db.example:5432/roster").to_string();
        assert_eq!(shown, "postgres://ops:***@db.example:5432/roster");
        assert_eq!(
            Db::parse("postgres:///r?host=/run&password=pw&user=u").to_string(),
            "postgres:///r?host=/run&password=***&user=u"
        );
        let plain = "postgres:///roster?host=/var/run/postgresql";
        assert_eq!(Db::parse(plain).to_string(), plain);
        assert_eq!(
            Db::parse("postgres://ops@h/r").to_string(),
            "postgres://ops@h/r"
        );
    }

    #[test]
    fn odd_file_names_survive_the_url() {
        assert_eq!(
            url_path(Path::new("/tmp/a b?#%.db")),
            "/tmp/a%20b%3F%23%25.db"
        );
    }
}
