//! The audit log: who did what, when, and on which roster version. Rows are written in the
//! same transaction as the change they describe, so the log and the state never disagree.

use super::{Result, Store, now_text};
use serde::Serialize;
use sqlx::{Any, Transaction};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub month: Option<String>,
    /// The roster version the action was taken on.
    pub version: Option<i64>,
    pub detail: String,
}

pub(crate) async fn record(
    tx: &mut Transaction<'static, Any>,
    actor: &str,
    action: &str,
    month: Option<&str>,
    version: Option<i64>,
    detail: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit (at, actor, action, month, version, detail) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(now_text())
    .bind(actor)
    .bind(action)
    .bind(month)
    .bind(version)
    .bind(detail)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// The log, oldest first; only one month's entries when `month` is given.
    pub async fn audit(&self, month: Option<&str>) -> Result<Vec<AuditEntry>> {
        Ok(sqlx::query_as(
            "SELECT id, at, actor, action, month, version, detail FROM audit \
             WHERE $1 IS NULL OR month = $2 ORDER BY id",
        )
        .bind(month)
        .bind(month)
        .fetch_all(&self.pool)
        .await?)
    }
}
