//! The server's state (issue 15): accounts, months with their scenario, roster versions,
//! swap and leave requests and the audit log, in SQLite through sqlx.
//!
//! Every change runs in one write transaction together with its audit row, so a request
//! the server acknowledged is on disk (WAL, `synchronous = FULL`) and a kill at any moment
//! leaves either all of a change or none of it. Role checks live here, beside the state
//! they guard, so the server and the command line cannot disagree about who may do what.
//!
//! SQL is portable (bound `?` parameters only, no SQLite functions) except `begin_write`,
//! the one place that says how this database takes its write lock.

pub mod audit;
pub mod leave;
pub mod months;
mod requests;
pub mod secrets;
pub mod sources;
pub mod swaps;
pub mod users;

pub use audit::AuditEntry;
pub use leave::{LeaveInput, LeaveRecord, LeaveState};
pub use months::{MonthState, VersionInfo};
pub use swaps::{SwapInput, SwapRecord, SwapState};
pub use users::{Role, User};

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// What went wrong with a stored operation; the server maps each kind to its HTTP status.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database {path}: {source}")]
    Open {
        path: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("database schema: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Malformed or meaningless input: an unknown staff ID, a date outside the month.
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    NotFound(String),
    /// The actor's role does not allow the change; the message says why.
    #[error("{0}")]
    Forbidden(String),
    /// The state moved under the request (another approval won, the roster changed).
    #[error("{0}")]
    Conflict(String),
    /// Stored data that no longer parses: a bug or a hand-edited database.
    #[error("stored {what} is unreadable: {message}")]
    Corrupt { what: String, message: String },
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("{0}")]
    Solve(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A handle on the database; cheap to clone (a pool).
#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
}

impl Store {
    /// Opens (creating if missing) the database at `path` and brings its schema up to date.
    pub async fn open(path: &Path) -> Result<Store> {
        let opts = SqliteConnectOptions::from_str("sqlite:")
            .map_err(|e| StoreError::Open {
                path: path.display().to_string(),
                source: e,
            })?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a commit is on disk before the request is acknowledged (issue 15.4).
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(opts)
            .await
            .map_err(|e| StoreError::Open {
                path: path.display().to_string(),
                source: e,
            })?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Store { pool })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// A transaction that holds the write lock from its first statement: reads inside it
    /// see the state the write is based on, and a second writer waits instead of failing
    /// half-way. (SQLite's `BEGIN IMMEDIATE`; on PostgreSQL this would be SERIALIZABLE.)
    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }
}

/// The current time as stored: UTC, ISO-8601 to the second.
pub(crate) fn now_text() -> String {
    let now: chrono::DateTime<chrono::Utc> = std::time::SystemTime::now().into();
    now.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The time in the centre (China, UTC+8, no daylight saving): what LEAVE-NOTICE compares
/// a request with when the request does not say when it was made.
pub fn centre_now() -> chrono::NaiveDateTime {
    let now: chrono::DateTime<chrono::Utc> = std::time::SystemTime::now().into();
    (now + chrono::Duration::hours(8)).naive_utc()
}

fn corrupt(what: impl Into<String>, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt {
        what: what.into(),
        message: e.to_string(),
    }
}
