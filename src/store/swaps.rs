//! Swap requests (换班 and 还班) and their way through the department's rules: a person
//! proposes, the partner accepts, the lead of each person's team signs (换班制度), and the
//! swap is applied to the roster — judged again on the version it is applied to, never
//! applied blind.

use super::months::{MonthState, current_in, insert_successor};
use super::requests::{load_month, load_one, rules_broken};
use super::{Result, Role, Store, StoreError, User, audit, now_text};
use crate::whatif::{self, BadRequest, SwapOutcome, SwapRequest};
use serde::{Deserialize, Serialize};
use sqlx::{Any, Row, Transaction};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SwapState {
    Proposed,
    AcceptedByPartner,
    /// The lead of A's team signed; B's lead has not yet.
    ApprovedByLeadA,
    ApprovedByLeadB,
    Rejected,
    Applied,
}

impl SwapState {
    const ALL: [SwapState; 6] = [
        SwapState::Proposed,
        SwapState::AcceptedByPartner,
        SwapState::ApprovedByLeadA,
        SwapState::ApprovedByLeadB,
        SwapState::Rejected,
        SwapState::Applied,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SwapState::Proposed => "proposed",
            SwapState::AcceptedByPartner => "accepted_by_partner",
            SwapState::ApprovedByLeadA => "approved_by_lead_a",
            SwapState::ApprovedByLeadB => "approved_by_lead_b",
            SwapState::Rejected => "rejected",
            SwapState::Applied => "applied",
        }
    }

    pub fn parse(s: &str) -> Option<SwapState> {
        SwapState::ALL.into_iter().find(|st| st.name() == s)
    }

    pub fn is_final(self) -> bool {
        matches!(self, SwapState::Rejected | SwapState::Applied)
    }
}

/// A swap as a client asks for it: staff IDs and dates as text, checked against the month.
#[derive(Debug, Clone, Deserialize)]
pub struct SwapInput {
    /// A, who gives the shift on `date` away.
    pub staff: String,
    pub date: String,
    /// B, who takes it.
    pub with: String,
    /// The date of B's shift that A takes in return (还班).
    #[serde(default)]
    pub return_date: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SwapRecord {
    pub id: i64,
    pub month: String,
    pub staff: String,
    pub date: String,
    pub with: String,
    pub return_date: Option<String>,
    pub state: SwapState,
    /// The roster version of the last verdict.
    pub judged_version: i64,
    /// Every SWAP-* rule the swap breaks (SWAP-APPROVAL aside: the signatures are this
    /// record's state), as `{rule, staff?, date?, shift?, message}`.
    pub violations: serde_json::Value,
    pub lead_a_signed: Option<String>,
    pub lead_b_signed: Option<String>,
    pub applied_version: Option<i64>,
    /// Why it was rejected, in words.
    pub reason: Option<String>,
    pub proposed_by: String,
}

impl SwapRecord {
    fn input(&self) -> SwapInput {
        SwapInput {
            staff: self.staff.clone(),
            date: self.date.clone(),
            with: self.with.clone(),
            return_date: self.return_date.clone(),
        }
    }
}

/// The whatif layer names CLI flags (`--return-date`); the API's fields are `return_date`.
fn bad_field(e: BadRequest) -> StoreError {
    let field = e.flag.trim_start_matches('-').replace('-', "_");
    StoreError::BadRequest(format!("{field}: {}", e.message))
}

/// The verdict on the swap as if both leads had signed: SWAP-APPROVAL is the state
/// machine's business, every other SWAP-* rule is judged now.
fn judge(state: &MonthState, input: &SwapInput) -> Result<SwapOutcome> {
    let sc = &state.scenario;
    let req = SwapRequest {
        a: whatif::staff_arg(sc, "staff", &input.staff).map_err(bad_field)?,
        date: whatif::date_in_month(sc, "date", &input.date).map_err(bad_field)?,
        b: whatif::staff_arg(sc, "with", &input.with).map_err(bad_field)?,
        return_date: input
            .return_date
            .as_deref()
            .filter(|d| !d.is_empty())
            .map(|d| whatif::date_in_month(sc, "return_date", d))
            .transpose()
            .map_err(bad_field)?,
        approved: true,
    };
    whatif::check_swap(sc, &state.roster, &req).map_err(bad_field)
}

fn team_of(state: &MonthState, staff: &str) -> Option<usize> {
    let sc = &state.scenario;
    sc.staff_by_id(staff).and_then(|i| sc.staff[i].team)
}

fn team_name(state: &MonthState, team: Option<usize>) -> String {
    team.map(|t| state.scenario.teams[t].code.clone())
        .unwrap_or_else(|| "none".into())
}

fn record_of(row: &sqlx::any::AnyRow) -> Result<SwapRecord> {
    let state: String = row.try_get("state")?;
    let violations: String = row.try_get("violations_json")?;
    Ok(SwapRecord {
        id: row.try_get("id")?,
        month: row.try_get("month")?,
        staff: row.try_get("staff")?,
        date: row.try_get("date")?,
        with: row.try_get("with_staff")?,
        return_date: row.try_get("return_date")?,
        state: SwapState::parse(&state).ok_or_else(|| super::corrupt("swap state", &state))?,
        judged_version: row.try_get("judged_version")?,
        violations: serde_json::from_str(&violations)
            .map_err(|e| super::corrupt("swap violations", e))?,
        lead_a_signed: row.try_get("lead_a_signed")?,
        lead_b_signed: row.try_get("lead_b_signed")?,
        applied_version: row.try_get("applied_version")?,
        reason: row.try_get("reason")?,
        proposed_by: row.try_get("proposed_by")?,
    })
}

const SWAP_COLUMNS: &str = "id, month, staff, date, with_staff, return_date, state, judged_version, \
     violations_json, lead_a_signed, lead_b_signed, applied_version, reason, proposed_by";

async fn load(conn: &mut sqlx::AnyConnection, id: i64) -> Result<SwapRecord> {
    load_one(conn, "swap_requests", SWAP_COLUMNS, id, record_of, || {
        format!("no swap request #{id}")
    })
    .await
}

/// Writes the record's new state, only if it still has `from`: a second writer that read
/// the same old state changes nothing and learns it lost.
async fn save(conn: &mut sqlx::AnyConnection, r: &SwapRecord, from: SwapState) -> Result<()> {
    let done = sqlx::query(
        "UPDATE swap_requests SET state = $1, judged_version = $2, violations_json = $3, \
         lead_a_signed = $4, lead_b_signed = $5, applied_version = $6, reason = $7, updated_at = $8 \
         WHERE id = $9 AND state = $10",
    )
    .bind(r.state.name())
    .bind(r.judged_version)
    .bind(r.violations.to_string())
    .bind(&r.lead_a_signed)
    .bind(&r.lead_b_signed)
    .bind(r.applied_version)
    .bind(&r.reason)
    .bind(now_text())
    .bind(r.id)
    .bind(from.name())
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() != 1 {
        return Err(StoreError::Conflict(format!(
            "swap request #{} changed while this request was judged; reload it",
            r.id
        )));
    }
    Ok(())
}

impl Store {
    /// Files a swap and judges it on the current published roster. A swap some rule
    /// rejects is stored as rejected, with the violations, so the verdict is on record.
    pub async fn propose_swap(
        &self,
        month: &str,
        actor: &User,
        input: &SwapInput,
    ) -> Result<SwapRecord> {
        let mut tx = self.begin_write().await?;
        let state = current_in(&mut tx, month).await?;
        let me = actor.staff_id.as_deref();
        let may = match actor.role {
            Role::Agent => me == Some(input.staff.as_str()) || me == Some(input.with.as_str()),
            Role::Lead => {
                let mine = actor.lead_teams(&state.scenario);
                [&input.staff, &input.with]
                    .iter()
                    .any(|s| team_of(&state, s).is_some_and(|t| mine.contains(&t)))
                    || me == Some(input.staff.as_str())
                    || me == Some(input.with.as_str())
            }
            Role::Head | Role::Planner => false,
        };
        if !may {
            return Err(StoreError::Forbidden(match actor.role {
                Role::Agent => format!(
                    "an agent proposes swaps of their own shifts only; {} is not {} or {}",
                    actor.login, input.staff, input.with
                ),
                Role::Lead => format!(
                    "{} leads no team of {} or {}",
                    actor.login, input.staff, input.with
                ),
                _ => format!("a {} does not propose swaps", actor.role.name()),
            }));
        }
        let outcome = judge(&state, input)?;
        // The partner's word: B filing it, or a lead filing the 换班申请 with both people.
        let st = if !outcome.accepted {
            SwapState::Rejected
        } else if me == Some(input.with.as_str()) || actor.role == Role::Lead {
            SwapState::AcceptedByPartner
        } else {
            SwapState::Proposed
        };
        let violations = serde_json::to_value(&outcome.violations).expect("serialisable");
        let reason = (!outcome.accepted).then(|| rules_broken(&outcome.violations));
        let now = now_text();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO swap_requests (month, staff, date, with_staff, return_date, state, \
             judged_version, violations_json, reason, proposed_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(month)
        .bind(&input.staff)
        .bind(&input.date)
        .bind(&input.with)
        .bind(input.return_date.as_deref().filter(|d| !d.is_empty()))
        .bind(st.name())
        .bind(state.version)
        .bind(violations.to_string())
        .bind(&reason)
        .bind(&actor.login)
        .bind(&now)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?;
        let detail = format!(
            "swap #{id}: {} gives {} to {}{}: {}",
            input.staff,
            input.date,
            input.with,
            input
                .return_date
                .as_deref()
                .map(|d| format!(", back on {d}"))
                .unwrap_or_default(),
            reason.as_deref().unwrap_or(st.name())
        );
        audit::record(
            &mut tx,
            &actor.login,
            "swap_propose",
            Some(month),
            Some(state.version),
            &detail,
        )
        .await?;
        let record = load(&mut tx, id).await?;
        tx.commit().await?;
        Ok(record)
    }

    /// The partner (B) agrees to take the shift.
    pub async fn accept_swap(&self, id: i64, actor: &User) -> Result<SwapRecord> {
        let mut tx = self.begin_write().await?;
        let mut r = load(&mut tx, id).await?;
        if actor.staff_id.as_deref() != Some(r.with.as_str()) {
            return Err(StoreError::Forbidden(format!(
                "only {} accepts swap #{id}; {} is not them",
                r.with, actor.login
            )));
        }
        if r.state != SwapState::Proposed {
            return Err(StoreError::Conflict(format!(
                "swap #{id} is {} already",
                r.state.name()
            )));
        }
        r.state = SwapState::AcceptedByPartner;
        save(&mut tx, &r, SwapState::Proposed).await?;
        audit::record(
            &mut tx,
            &actor.login,
            "swap_accept",
            Some(&r.month),
            Some(r.judged_version),
            &format!("swap #{id} accepted by the partner"),
        )
        .await?;
        tx.commit().await?;
        Ok(r)
    }

    /// A lead signs for the side(s) of the swap in their team(s). The second signature
    /// applies the swap to the current roster, after judging it again there; if that
    /// verdict fails (the roster changed since), the swap is rejected and the caller gets
    /// a conflict naming why.
    pub async fn approve_swap(&self, id: i64, actor: &User) -> Result<SwapRecord> {
        let mut tx = self.begin_write().await?;
        let mut r = load(&mut tx, id).await?;
        let state = current_in(&mut tx, &r.month).await?;
        let from = r.state;
        sign(&mut r, &state, actor)?;
        let conflict = if r.lead_a_signed.is_some() && r.lead_b_signed.is_some() {
            apply_signed(&mut tx, &mut r, &state, actor).await?
        } else {
            r.state = if r.lead_a_signed.is_some() {
                SwapState::ApprovedByLeadA
            } else {
                SwapState::ApprovedByLeadB
            };
            None
        };
        save(&mut tx, &r, from).await?;
        let detail = match (&r.state, &r.reason) {
            (SwapState::Applied, _) => format!(
                "swap #{id} signed and applied: version {} -> {}",
                state.version,
                r.applied_version.unwrap_or_default()
            ),
            (_, Some(why)) => format!("swap #{id} signed, then rejected: {why}"),
            (st, None) => format!("swap #{id} signed: {}", st.name()),
        };
        audit::record(
            &mut tx,
            &actor.login,
            "swap_approve",
            Some(&r.month),
            Some(state.version),
            &detail,
        )
        .await?;
        tx.commit().await?;
        match conflict {
            Some(m) => Err(StoreError::Conflict(m)),
            None => Ok(r),
        }
    }

    pub async fn swap(&self, id: i64) -> Result<SwapRecord> {
        let mut conn = self.pool.acquire().await?;
        load(&mut conn, id).await
    }

    /// A month's swap requests, newest first.
    pub async fn swaps(&self, month: &str) -> Result<Vec<SwapRecord>> {
        load_month(&self.pool, "swap_requests", SWAP_COLUMNS, month, record_of).await
    }
}

/// Adds `actor`'s signature for the side(s) of the swap in their team(s), after checking
/// they lead one of them and the swap waits for it.
fn sign(r: &mut SwapRecord, state: &MonthState, actor: &User) -> Result<()> {
    let id = r.id;
    if actor.role != Role::Lead {
        return Err(StoreError::Forbidden(format!(
            "only team leads approve swaps; {} is a {}",
            actor.login,
            actor.role.name()
        )));
    }
    let (ta, tb) = (team_of(state, &r.staff), team_of(state, &r.with));
    let mine = actor.lead_teams(&state.scenario);
    let signs_a = ta.is_some_and(|t| mine.contains(&t));
    let signs_b = tb.is_some_and(|t| mine.contains(&t));
    if !signs_a && !signs_b {
        return Err(StoreError::Forbidden(format!(
            "{} leads no team of this swap: {} is in team {}, {} in team {}",
            actor.login,
            r.staff,
            team_name(state, ta),
            r.with,
            team_name(state, tb)
        )));
    }
    match r.state {
        SwapState::Proposed => {
            return Err(StoreError::Conflict(format!(
                "swap #{id} waits for {} to accept it",
                r.with
            )));
        }
        SwapState::Rejected | SwapState::Applied => {
            return Err(StoreError::Conflict(format!(
                "swap #{id} is {} already",
                r.state.name()
            )));
        }
        _ => {}
    }
    let newly_a = signs_a && r.lead_a_signed.is_none();
    let newly_b = signs_b && r.lead_b_signed.is_none();
    if !newly_a && !newly_b {
        return Err(StoreError::Conflict(format!(
            "{} has signed swap #{id} already",
            actor.login
        )));
    }
    if newly_a {
        r.lead_a_signed = Some(actor.login.clone());
    }
    if newly_b {
        r.lead_b_signed = Some(actor.login.clone());
    }
    Ok(())
}

/// Both leads have signed: judges the swap again on the current version and, if every
/// rule still holds, stores the swapped roster as the next version. Returns the conflict
/// to answer when the new verdict rejects it (the record then says why).
async fn apply_signed(
    tx: &mut Transaction<'static, Any>,
    r: &mut SwapRecord,
    state: &MonthState,
    actor: &User,
) -> Result<Option<String>> {
    let id = r.id;
    let changed = if state.version != r.judged_version {
        format!(
            " (judged on version {}, the roster is now version {})",
            r.judged_version, state.version
        )
    } else {
        String::new()
    };
    r.judged_version = state.version;
    let why = match judge(state, &r.input()) {
        Ok(outcome) if outcome.accepted => {
            let after = outcome.roster.expect("an accepted swap carries its roster");
            let v = insert_successor(
                tx,
                &r.month,
                state.version,
                &after,
                &format!("swap #{id}"),
                &actor.login,
            )
            .await?;
            r.state = SwapState::Applied;
            r.applied_version = Some(v);
            r.violations = serde_json::json!([]);
            return Ok(None);
        }
        Ok(outcome) => {
            r.violations = serde_json::to_value(&outcome.violations).expect("serialisable");
            format!(
                "{} on version {}{changed}",
                rules_broken(&outcome.violations),
                state.version
            )
        }
        Err(StoreError::BadRequest(m)) => format!("{m}{changed}"),
        Err(e) => return Err(e),
    };
    r.state = SwapState::Rejected;
    r.reason = Some(why.clone());
    Ok(Some(format!("swap #{id} cannot be applied: {why}")))
}
