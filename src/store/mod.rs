//! The server's state (issue 15): accounts, months with their scenario, roster versions,
//! swap and leave requests and the audit log, in SQLite through sqlx.
//!
//! Every change runs in one write transaction together with its audit row, so a request
//! the server acknowledged is on disk (WAL, `synchronous = FULL`) and a kill at any moment
//! leaves either all of a change or none of it. Role checks live here, beside the state
//! they guard, so the server and the command line cannot disagree about who may do what.
//!
//! The same code runs on SQLite (a file, the default) and PostgreSQL (`--db postgres://`,
//! several server processes on one database): SQL is portable (bound `$1` parameters only,
//! no database functions, ids by `RETURNING id`) and what differs — connecting, the schema's
//! auto-ids, the write lock — is in `db`.

pub mod audit;
mod db;
pub mod jobs;
pub mod leave;
pub mod months;
mod requests;
pub mod secrets;
pub mod sources;
pub mod swaps;
pub mod users;

pub use audit::AuditEntry;
pub use jobs::JobRow;
pub use leave::{LeaveInput, LeaveRecord, LeaveState};
pub use months::{MonthState, VersionInfo};
pub use swaps::{SwapInput, SwapRecord, SwapState};
pub use users::{Role, User};

pub use db::{Backend, Db, NativePool};

use sqlx::{Any, AnyPool, Transaction};

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
    pool: AnyPool,
    db: Db,
}

impl Store {
    /// Opens the database `db` — an SQLite file (made if missing) or a PostgreSQL URL —
    /// and brings its schema up to date.
    pub async fn open(db: impl Into<Db>) -> Result<Store> {
        let db = db.into();
        let pool = db::connect(&db).await.map_err(|e| StoreError::Open {
            path: db.to_string(),
            source: e,
        })?;
        db::migrate(&pool, db.backend()).await?;
        Ok(Store { pool, db })
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Where the data lives (a path, or the URL with its password hidden by Display).
    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn backend(&self) -> Backend {
        self.db.backend()
    }

    /// A second, typed pool on the same database for the session store, which does not
    /// speak sqlx's Any driver.
    pub async fn native_pool(&self) -> Result<NativePool> {
        db::native_pool(&self.db)
            .await
            .map_err(|e| StoreError::Open {
                path: self.db.to_string(),
                source: e,
            })
    }

    /// A transaction that holds the write lock from its first statement (see
    /// `db::begin_write` for how each database takes it).
    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Any>> {
        Ok(db::begin_write(&self.pool, self.backend()).await?)
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
