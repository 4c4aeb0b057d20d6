//! Months and their roster versions. A month holds its scenario (the TOML as imported); every
//! roster the month has had is a numbered version, never overwritten: a solve adds a draft,
//! the head publishes it, and each applied swap or leave adds the next version on top of
//! the one it was judged on.

use super::{Result, Store, StoreError, User, audit, corrupt, now_text};
use crate::model::{Month, Roster, Scenario};
use serde::Serialize;
use sqlx::{Any, Row, Transaction};
use std::path::Path;

/// A month as the requests see it: the scenario with the roster's granted leave in it,
/// the current roster and its version.
#[derive(Debug, Clone)]
pub struct MonthState {
    pub month: String,
    pub scenario: Scenario,
    pub roster: Roster,
    pub version: i64,
    pub published: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VersionInfo {
    pub version: i64,
    pub published: bool,
    pub parent: Option<i64>,
    pub reason: String,
    pub created_by: String,
    pub created_at: String,
}

/// Checks a `YYYY-MM` given by a client.
pub fn month_key(s: &str) -> Result<String> {
    Month::parse(s)
        .map(|m| m.to_string())
        .filter(|m| m == s)
        .ok_or_else(|| StoreError::BadRequest(format!("`{s}` is not a month (expected YYYY-MM)")))
}

fn scenario_of(month: &str, toml: &str) -> Result<Scenario> {
    Scenario::from_toml(toml, Path::new(&format!("db:months/{month}")))
        .map_err(|e| corrupt(format!("scenario of {month}"), e))
}

fn roster_of(month: &str, version: i64, json: &str, sc: &Scenario) -> Result<Roster> {
    let what = format!("roster {month} version {version}");
    let roster: Roster = serde_json::from_str(json).map_err(|e| corrupt(&what, e))?;
    roster
        .validate(Path::new(&format!("db:{what}")), sc)
        .map_err(|e| corrupt(&what, e))?;
    Ok(roster)
}

impl Store {
    /// Stores a month's scenario. `source` names where it came from (a file path).
    pub async fn import_month(&self, toml: &str, source: &str, actor: &str) -> Result<String> {
        let sc = Scenario::from_toml(toml, Path::new(source))
            .map_err(|e| StoreError::BadRequest(e.to_string()))?;
        let month = sc.month.to_string();
        let mut tx = self.begin_write().await?;
        let exists = sqlx::query("SELECT 1 FROM months WHERE month = $1")
            .bind(&month)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_some() {
            return Err(StoreError::Conflict(format!(
                "month {month} exists already"
            )));
        }
        sqlx::query(
            "INSERT INTO months (month, scenario_toml, source, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&month)
        .bind(toml)
        .bind(source)
        .bind(now_text())
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            actor,
            "month_import",
            Some(&month),
            None,
            &format!("scenario from {source}"),
        )
        .await?;
        tx.commit().await?;
        Ok(month)
    }

    pub async fn months(&self) -> Result<Vec<String>> {
        Ok(
            sqlx::query_scalar("SELECT month FROM months ORDER BY month")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    pub async fn scenario(&self, month: &str) -> Result<Scenario> {
        let toml: Option<String> =
            sqlx::query_scalar("SELECT scenario_toml FROM months WHERE month = $1")
                .bind(month)
                .fetch_optional(&self.pool)
                .await?;
        let toml = toml.ok_or_else(|| StoreError::NotFound(format!("no month {month}")))?;
        scenario_of(month, &toml)
    }

    /// Adds a draft roster made by a solve; returns its version.
    pub async fn add_draft(
        &self,
        month: &str,
        roster: &Roster,
        actor: &str,
        reason: &str,
    ) -> Result<i64> {
        let sc = self.scenario(month).await?;
        roster
            .validate(Path::new("draft roster"), &sc)
            .map_err(|e| StoreError::BadRequest(e.to_string()))?;
        let mut tx = self.begin_write().await?;
        let version = next_version(&mut tx, month).await?;
        insert_version(&mut tx, month, version, roster, false, None, reason, actor).await?;
        audit::record(&mut tx, actor, "draft", Some(month), Some(version), reason).await?;
        tx.commit().await?;
        Ok(version)
    }

    /// Publishes a version: from then on it is the month's roster. Only the head publishes.
    pub async fn publish(&self, month: &str, version: i64, actor: &User) -> Result<()> {
        if actor.role != super::Role::Head {
            return Err(StoreError::Forbidden(format!(
                "only the department head publishes a month; {} is a {}",
                actor.login,
                actor.role.name()
            )));
        }
        let mut tx = self.begin_write().await?;
        let published: Option<i64> = sqlx::query_scalar(
            "SELECT published FROM roster_versions WHERE month = $1 AND version = $2",
        )
        .bind(month)
        .bind(version)
        .fetch_optional(&mut *tx)
        .await?;
        match published {
            None => {
                return Err(StoreError::NotFound(format!(
                    "no version {version} of {month}"
                )));
            }
            Some(1) => {
                return Err(StoreError::Conflict(format!(
                    "version {version} of {month} is published already"
                )));
            }
            Some(_) => {}
        }
        let newer: Option<i64> = sqlx::query_scalar(
            "SELECT MAX(version) FROM roster_versions WHERE month = $1 AND published = 1",
        )
        .bind(month)
        .fetch_one(&mut *tx)
        .await?;
        if let Some(n) = newer.filter(|&n| n > version) {
            return Err(StoreError::Conflict(format!(
                "version {n} of {month} is published and newer than {version}"
            )));
        }
        sqlx::query("UPDATE roster_versions SET published = 1 WHERE month = $1 AND version = $2")
            .bind(month)
            .bind(version)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            &actor.login,
            "publish",
            Some(month),
            Some(version),
            &format!("published version {version}"),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The month's published roster, newest version.
    pub async fn current(&self, month: &str) -> Result<MonthState> {
        let mut conn = self.pool.acquire().await?;
        current_in(&mut conn, month).await
    }

    pub async fn versions(&self, month: &str) -> Result<Vec<VersionInfo>> {
        let rows = sqlx::query(
            "SELECT version, published, parent, reason, created_by, created_at \
             FROM roster_versions WHERE month = $1 ORDER BY version",
        )
        .bind(month)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(VersionInfo {
                    version: row.try_get("version")?,
                    // A 0/1 INTEGER on both databases: the Any driver reads no bool from it.
                    published: row.try_get::<i64, _>("published")? == 1,
                    parent: row.try_get("parent")?,
                    reason: row.try_get("reason")?,
                    created_by: row.try_get("created_by")?,
                    created_at: row.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// One version's roster, published or not.
    pub async fn roster_version(&self, month: &str, version: i64) -> Result<Roster> {
        let sc = self.scenario(month).await?;
        let json: Option<String> = sqlx::query_scalar(
            "SELECT roster_json FROM roster_versions WHERE month = $1 AND version = $2",
        )
        .bind(month)
        .bind(version)
        .fetch_optional(&self.pool)
        .await?;
        let json =
            json.ok_or_else(|| StoreError::NotFound(format!("no version {version} of {month}")))?;
        roster_of(month, version, &json, &sc)
    }
}

/// The published state read inside a connection or transaction, so a writer judges the
/// same version it then replaces.
pub(crate) async fn current_in(conn: &mut sqlx::AnyConnection, month: &str) -> Result<MonthState> {
    let toml: Option<String> =
        sqlx::query_scalar("SELECT scenario_toml FROM months WHERE month = $1")
            .bind(month)
            .fetch_optional(&mut *conn)
            .await?;
    let toml = toml.ok_or_else(|| StoreError::NotFound(format!("no month {month}")))?;
    let row = sqlx::query(
        "SELECT version, roster_json FROM roster_versions WHERE month = $1 AND published = 1 \
         ORDER BY version DESC LIMIT 1",
    )
    .bind(month)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| StoreError::Conflict(format!("{month} has no published roster yet")))?;
    let version: i64 = row.try_get("version")?;
    let mut scenario = scenario_of(month, &toml)?;
    let roster = roster_of(
        month,
        version,
        &row.try_get::<String, _>("roster_json")?,
        &scenario,
    )?;
    roster.grant_leave_to(&mut scenario);
    Ok(MonthState {
        month: month.to_owned(),
        scenario,
        roster,
        version,
        published: true,
    })
}

async fn next_version(tx: &mut Transaction<'static, Any>, month: &str) -> Result<i64> {
    let max: Option<i64> =
        sqlx::query_scalar("SELECT MAX(version) FROM roster_versions WHERE month = $1")
            .bind(month)
            .fetch_one(&mut **tx)
            .await?;
    Ok(max.unwrap_or(0) + 1)
}

/// Adds the version after `parent`, published: the roster with a swap or leave applied.
/// The (month, version) key makes a second writer deriving the same version fail instead of
/// overwriting.
pub(crate) async fn insert_successor(
    tx: &mut Transaction<'static, Any>,
    month: &str,
    parent: i64,
    roster: &Roster,
    reason: &str,
    actor: &str,
) -> Result<i64> {
    let version = next_version(tx, month).await?;
    insert_version(
        tx,
        month,
        version,
        roster,
        true,
        Some(parent),
        reason,
        actor,
    )
    .await?;
    Ok(version)
}

#[allow(clippy::too_many_arguments)]
async fn insert_version(
    tx: &mut Transaction<'static, Any>,
    month: &str,
    version: i64,
    roster: &Roster,
    published: bool,
    parent: Option<i64>,
    reason: &str,
    actor: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO roster_versions (month, version, roster_json, published, parent, reason, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(month)
    .bind(version)
    .bind(roster.to_json())
    .bind(i64::from(published))
    .bind(parent)
    .bind(reason)
    .bind(actor)
    .bind(now_text())
    .execute(&mut **tx)
    .await?;
    Ok(())
}
