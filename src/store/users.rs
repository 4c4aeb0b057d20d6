//! Accounts: a login, a role and, for the staff, their staff ID. Passwords are kept only as
//! argon2 hashes (PHC strings with their own salt).

use super::{Result, Store, StoreError, audit, now_text};
use crate::model::Scenario;
use argon2::password_hash::{SaltString, rand_core::OsRng};
use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use serde::Serialize;
use sqlx::Row;

/// What a person may do (issue 15.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The department head: publishes months, approves leave up to a day (LEAVE-APPROVER).
    Head,
    /// A team lead (班长) or deputy: approves swaps touching their team.
    Lead,
    /// Sees the month and their own page, proposes swaps and leave for themselves.
    Agent,
    /// Reads the month and the charts.
    Planner,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Head, Role::Lead, Role::Agent, Role::Planner];

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == s)
    }

    pub fn name(self) -> &'static str {
        match self {
            Role::Head => "head",
            Role::Lead => "lead",
            Role::Agent => "agent",
            Role::Planner => "planner",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: i64,
    pub login: String,
    pub role: Role,
    pub staff_id: Option<String>,
}

impl User {
    /// The teams whose swaps this person signs for: the teams they lead, and a deputy
    /// lead's own team. Empty for everyone but leads.
    pub fn lead_teams(&self, sc: &Scenario) -> Vec<usize> {
        if self.role != Role::Lead {
            return Vec::new();
        }
        let Some(me) = self.staff_id.as_deref().and_then(|id| sc.staff_by_id(id)) else {
            return Vec::new();
        };
        let mut teams: Vec<usize> = (0..sc.teams.len())
            .filter(|&t| sc.teams[t].lead == Some(me))
            .collect();
        if let Some(t) = sc.staff[me].team.filter(|_| sc.staff[me].lead)
            && !teams.contains(&t)
        {
            teams.push(t);
        }
        teams
    }
}

/// The shortest password `user add` accepts.
pub const MIN_PASSWORD_CHARS: usize = 8;

fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StoreError::Hash(e.to_string()))
}

fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

fn user_of(row: &sqlx::any::AnyRow) -> Result<User> {
    let role: String = row.try_get("role")?;
    Ok(User {
        id: row.try_get("id")?,
        login: row.try_get("login")?,
        role: Role::parse(&role).ok_or_else(|| super::corrupt("user role", &role))?,
        staff_id: row.try_get("staff_id")?,
    })
}

impl Store {
    /// Creates an account. `actor` is who did it, for the audit log.
    pub async fn add_user(
        &self,
        login: &str,
        role: Role,
        staff_id: Option<&str>,
        password: &str,
        actor: &str,
    ) -> Result<User> {
        let login = login.trim();
        if login.is_empty() || login.chars().any(char::is_whitespace) {
            return Err(StoreError::BadRequest(format!(
                "login `{login}` must be one word"
            )));
        }
        if password.chars().count() < MIN_PASSWORD_CHARS {
            return Err(StoreError::BadRequest(format!(
                "the password must have at least {MIN_PASSWORD_CHARS} characters"
            )));
        }
        let owned = password.to_owned();
        // argon2 is deliberately slow: keep it off the async workers.
        let hash = tokio::task::spawn_blocking(move || hash_password(&owned))
            .await
            .map_err(|e| StoreError::Hash(e.to_string()))??;
        let mut tx = self.begin_write().await?;
        let taken = sqlx::query("SELECT 1 FROM users WHERE login = $1")
            .bind(login)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(StoreError::Conflict(format!(
                "login `{login}` exists already"
            )));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (login, role, staff_id, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(login)
        .bind(role.name())
        .bind(staff_id)
        .bind(&hash)
        .bind(now_text())
        .fetch_one(&mut *tx)
        .await?;
        let detail = format!(
            "account {login} ({}{})",
            role.name(),
            staff_id.map(|s| format!(", staff {s}")).unwrap_or_default()
        );
        audit::record(&mut tx, actor, "user_add", None, None, &detail).await?;
        tx.commit().await?;
        Ok(User {
            id,
            login: login.to_owned(),
            role,
            staff_id: staff_id.map(str::to_owned),
        })
    }

    /// The account whose password matches, or None (unknown login and wrong password alike).
    pub async fn login(&self, login: &str, password: &str) -> Result<Option<User>> {
        let row = sqlx::query(
            "SELECT id, login, role, staff_id, password_hash FROM users WHERE login = $1",
        )
        .bind(login)
        .fetch_optional(&self.pool)
        .await?;
        let (user, phc) = match &row {
            Some(r) => (Some(user_of(r)?), r.try_get::<String, _>("password_hash")?),
            // Verify against a throwaway hash so an unknown login takes as long as a known one.
            None => (None, DUMMY_HASH.to_owned()),
        };
        let owned = password.to_owned();
        let ok = tokio::task::spawn_blocking(move || verify_password(&owned, &phc))
            .await
            .map_err(|e| StoreError::Hash(e.to_string()))?;
        Ok(user.filter(|_| ok))
    }

    pub async fn user(&self, id: i64) -> Result<Option<User>> {
        let row = sqlx::query("SELECT id, login, role, staff_id FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(user_of).transpose()
    }

    pub async fn user_count(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await?)
    }
}

/// An argon2 hash of a random string nobody knows.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Vf6dEz4V7cc6X2KtOIcPGfHsz3ftXq8Y6l3y3e4s5uk";
