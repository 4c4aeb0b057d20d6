//! A month's scenario as it was imported (web helper's addition): the text, so that the
//! next month can be carried from it exactly as `roster next` carries a file.

use super::{Result, Store, StoreError};

impl Store {
    /// The scenario TOML of `month` and where it came from.
    pub async fn scenario_source(&self, month: &str) -> Result<(String, String)> {
        let row: Option<(String, String)> =
            sqlx::query_as("SELECT scenario_toml, source FROM months WHERE month = $1")
                .bind(month)
                .fetch_optional(&self.pool)
                .await?;
        row.ok_or_else(|| StoreError::NotFound(format!("no month {month}")))
    }
}
