//! What swap and leave requests share: reading one by id or a month's list through its
//! row mapper, and the verdict in words when rules reject a request.

use super::{Result, StoreError};
use crate::rules::Violation;
use sqlx::any::AnyRow;

/// "rejected by SWAP-REST, SWAP-SKILL": the rules broken, each named once in a row.
pub(super) fn rules_broken(violations: &[Violation]) -> String {
    let mut ids: Vec<&str> = violations.iter().map(|v| v.rule.as_str()).collect();
    ids.dedup();
    format!("rejected by {}", ids.join(", "))
}

/// The request `id` from `table` (a constant of the calling module, never client text).
pub(super) async fn load_one<T>(
    conn: &mut sqlx::AnyConnection,
    table: &str,
    columns: &str,
    id: i64,
    record_of: fn(&AnyRow) -> Result<T>,
    missing: impl FnOnce() -> String,
) -> Result<T> {
    let row = sqlx::query(&format!("SELECT {columns} FROM {table} WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::NotFound(missing()))?;
    record_of(&row)
}

/// A month's requests from `table`, newest first.
pub(super) async fn load_month<T>(
    pool: &sqlx::AnyPool,
    table: &str,
    columns: &str,
    month: &str,
    record_of: fn(&AnyRow) -> Result<T>,
) -> Result<Vec<T>> {
    let rows = sqlx::query(&format!(
        "SELECT {columns} FROM {table} WHERE month = $1 ORDER BY id DESC"
    ))
    .bind(month)
    .fetch_all(pool)
    .await?;
    rows.iter().map(record_of).collect()
}
