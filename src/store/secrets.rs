//! Secrets the server keeps in its database, so that every `roster serve` process on one
//! database (a restart, or several behind a proxy) signs and checks with the same key.
//! Created on first use: a random value, never shown, never logged.

use super::{Result, Store};
use argon2::password_hash::rand_core::{OsRng, RngCore};

impl Store {
    /// The secret called `name`, `len` random bytes made the first time it is asked for.
    /// A second process racing to make it keeps the first one's (ON CONFLICT DO NOTHING).
    /// The table is made by the migrations (BLOB on SQLite, BYTEA on PostgreSQL).
    pub async fn server_secret(&self, name: &str, len: usize) -> Result<Vec<u8>> {
        let mut fresh = vec![0u8; len];
        OsRng.fill_bytes(&mut fresh);
        sqlx::query(
            "INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(&fresh)
        .execute(&self.pool)
        .await?;
        let value: Vec<u8> = sqlx::query_scalar("SELECT value FROM server_secrets WHERE name = $1")
            .bind(name)
            .fetch_one(&self.pool)
            .await?;
        Ok(value)
    }
}
