//! The log of long work started from a page (a month's solve, a simulation), kept in the
//! database so every server on it can stream a job's progress and only one server runs a
//! given job at a time. The server's `jobs` module says what the steps mean; here they are
//! JSON text. Times are milliseconds since 1970 by the writer's clock.

use super::{Result, Store};
use sqlx::Row;

/// One job as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct JobRow {
    /// The steps so far, a JSON array.
    pub steps: String,
    /// `Some(Ok(message))` or `Some(Err(why))` once over; `None` while it runs.
    pub outcome: Option<Result<String, String>>,
    /// What a finished job made that is not stored elsewhere (a service chart).
    pub result: Option<String>,
    /// Which server process runs (or ran) it.
    pub owner: String,
    /// When its owner last said it was alive.
    pub heartbeat_ms: i64,
}

impl Store {
    /// Claims `key` for `owner` unless a job of that key is running and its owner was
    /// heard from at or after `alive_since_ms`. Under the write lock, so two servers
    /// claiming at once get one `true` and one `false`. A claimed job starts with no steps.
    pub async fn claim_job(
        &self,
        key: &str,
        owner: &str,
        now_ms: i64,
        alive_since_ms: i64,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let held = sqlx::query("SELECT outcome, heartbeat FROM jobs WHERE key = $1")
            .bind(key)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(row) = held {
            let outcome: Option<String> = row.try_get("outcome")?;
            let heartbeat: i64 = row.try_get("heartbeat")?;
            if outcome.is_none() && heartbeat >= alive_since_ms {
                tx.rollback().await?;
                return Ok(false);
            }
        }
        sqlx::query(
            "INSERT INTO jobs (key, steps, outcome, message, result, owner, heartbeat) \
             VALUES ($1, '[]', NULL, NULL, NULL, $2, $3) \
             ON CONFLICT (key) DO UPDATE SET steps = '[]', outcome = NULL, message = NULL, \
             result = NULL, owner = excluded.owner, heartbeat = excluded.heartbeat",
        )
        .bind(key)
        .bind(owner)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Records a running job's steps and that its owner is alive. Does nothing once the
    /// job is over or claimed by another owner, so a late write cannot undo an outcome.
    pub async fn job_progress(
        &self,
        key: &str,
        owner: &str,
        steps: &str,
        now_ms: i64,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE jobs SET steps = $1, heartbeat = $2 \
             WHERE key = $3 AND owner = $4 AND outcome IS NULL",
        )
        .bind(steps)
        .bind(now_ms)
        .bind(key)
        .bind(owner)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records how a job of `owner` ended, with all its steps.
    pub async fn finish_job(
        &self,
        key: &str,
        owner: &str,
        steps: &str,
        outcome: &Result<String, String>,
        now_ms: i64,
    ) -> Result<()> {
        let (word, message) = match outcome {
            Ok(m) => ("ok", m),
            Err(m) => ("failed", m),
        };
        sqlx::query(
            "UPDATE jobs SET steps = $1, outcome = $2, message = $3, heartbeat = $4 \
             WHERE key = $5 AND owner = $6 AND outcome IS NULL",
        )
        .bind(steps)
        .bind(word)
        .bind(message)
        .bind(now_ms)
        .bind(key)
        .bind(owner)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Keeps `result` under `key` (its own key, e.g. one per month and version), as a
    /// finished entry that any server can read back with `job`.
    pub async fn keep_job_result(&self, key: &str, result: &str, now_ms: i64) -> Result<()> {
        sqlx::query(
            "INSERT INTO jobs (key, steps, outcome, message, result, owner, heartbeat) \
             VALUES ($1, '[]', 'ok', '', $2, '', $3) \
             ON CONFLICT (key) DO UPDATE SET result = excluded.result",
        )
        .bind(key)
        .bind(result)
        .bind(now_ms)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The job stored under `key`, if any.
    pub async fn job(&self, key: &str) -> Result<Option<JobRow>> {
        let row = sqlx::query(
            "SELECT steps, outcome, message, result, owner, heartbeat FROM jobs WHERE key = $1",
        )
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let outcome: Option<String> = row.try_get("outcome")?;
        let message: Option<String> = row.try_get("message")?;
        let message = message.unwrap_or_default();
        Ok(Some(JobRow {
            steps: row.try_get("steps")?,
            outcome: outcome.map(|o| if o == "ok" { Ok(message) } else { Err(message) }),
            result: row.try_get("result")?,
            owner: row.try_get("owner")?,
            heartbeat_ms: row.try_get("heartbeat")?,
        }))
    }
}
