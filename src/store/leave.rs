//! Leave requests: filed by the person (or, for sick leave, for them), judged by every
//! LEAVE-* rule, sent to the approver LEAVE-APPROVER names, and on approval applied as a
//! repaired roster (fewest changed cells, the past kept) — re-judged on the version it is
//! applied to.

use super::months::{MonthState, current_in, insert_successor};
use super::requests::{load_month, load_one, rules_broken};
use super::{Result, Role, Store, StoreError, User, audit, now_text};
use crate::model::{Approver, LeaveKind, LeaveRequest, parse_date, parse_datetime};
use crate::solve::SolveOptions;
use crate::whatif::{self, LeaveOutcome, RepairError};
use serde::{Deserialize, Serialize};
use sqlx::{Any, Row, Transaction};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LeaveState {
    Proposed,
    Rejected,
    Applied,
}

impl LeaveState {
    pub fn name(self) -> &'static str {
        match self {
            LeaveState::Proposed => "proposed",
            LeaveState::Rejected => "rejected",
            LeaveState::Applied => "applied",
        }
    }
    fn parse(s: &str) -> Option<LeaveState> {
        [
            LeaveState::Proposed,
            LeaveState::Rejected,
            LeaveState::Applied,
        ]
        .into_iter()
        .find(|st| st.name() == s)
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct LeaveInput {
    pub staff: String,
    pub from: String,
    pub to: String,
    /// personal, special, sick or annual.
    pub kind: String,
    /// When it was asked (YYYY-MM-DDTHH:MM, the centre's time); default: now.
    #[serde(default)]
    pub requested_at: Option<String>,
    #[serde(default)]
    pub certificate: bool,
    #[serde(default)]
    pub emergency: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct LeaveRecord {
    pub id: i64,
    pub month: String,
    pub staff: String,
    pub from: String,
    pub to: String,
    pub kind: String,
    pub requested_at: String,
    pub certificate: bool,
    pub emergency: bool,
    /// Whom LEAVE-APPROVER sends it to: dept_head (up to a day) or centre_director.
    pub approver: String,
    pub state: LeaveState,
    pub judged_version: i64,
    pub violations: serde_json::Value,
    pub decided_by: Option<String>,
    pub applied_version: Option<i64>,
    pub reason: Option<String>,
    pub filed_by: String,
}

fn bad(field: &str, message: String) -> StoreError {
    StoreError::BadRequest(format!("{field}: {message}"))
}

/// The request as the whatif layer takes it, signed by `approved_by`.
fn request_of(
    state: &MonthState,
    r: &LeaveInput,
    filed_by: &str,
    approved_by: Approver,
) -> Result<LeaveRequest> {
    let sc = &state.scenario;
    let staff = whatif::staff_arg(sc, "staff", &r.staff).map_err(|e| bad("staff", e.message))?;
    let date = |field: &str, s: &str| {
        parse_date(s)
            .ok_or_else(|| bad(field, format!("`{s}` is not a date (expected YYYY-MM-DD)")))
    };
    let (from, to) = (date("from", &r.from)?, date("to", &r.to)?);
    if to < from {
        return Err(bad(
            "to",
            format!("leave ends ({to}) before it starts ({from})"),
        ));
    }
    if !sc.month.dates().any(|d| from <= d && d <= to) {
        return Err(bad(
            "from",
            format!("{from}..{to} has no day in the month {}", sc.month),
        ));
    }
    let kind = LeaveKind::parse(&r.kind).ok_or_else(|| {
        bad(
            "kind",
            format!(
                "unknown leave kind `{}` (personal, special, sick or annual)",
                r.kind
            ),
        )
    })?;
    let requested_at = match r.requested_at.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => parse_datetime(s).ok_or_else(|| {
            bad(
                "requested_at",
                format!("`{s}` is not a date-time (expected YYYY-MM-DDTHH:MM)"),
            )
        })?,
        None => super::centre_now(),
    };
    Ok(LeaveRequest {
        id: format!("granted-{}", state.roster.leave.len() + 1),
        staff,
        from,
        to,
        kind,
        requested_at: Some(requested_at),
        filed_by: sc.staff_by_id(filed_by),
        filed_by_id: filed_by.to_owned(),
        approved_by,
        certificate: r.certificate,
        emergency: r.emergency,
    })
}

/// Whom LEAVE-APPROVER names for leave of `days` days.
fn approver_for(days: i64) -> Approver {
    if days <= 1 {
        Approver::DeptHead
    } else {
        Approver::CentreDirector
    }
}

/// The role that signs for an approver; the centre director has no account here.
fn role_for(approver: Approver) -> Option<Role> {
    (approver == Approver::DeptHead).then_some(Role::Head)
}

const LEAVE_COLUMNS: &str = "id, month, staff, from_date, to_date, kind, requested_at, certificate, emergency, \
     approver, state, judged_version, violations_json, decided_by, applied_version, reason, filed_by";

fn record_of(row: &sqlx::any::AnyRow) -> Result<LeaveRecord> {
    let state: String = row.try_get("state")?;
    let violations: String = row.try_get("violations_json")?;
    Ok(LeaveRecord {
        id: row.try_get("id")?,
        month: row.try_get("month")?,
        staff: row.try_get("staff")?,
        from: row.try_get("from_date")?,
        to: row.try_get("to_date")?,
        kind: row.try_get("kind")?,
        requested_at: row.try_get("requested_at")?,
        certificate: row.try_get::<i64, _>("certificate")? == 1,
        emergency: row.try_get::<i64, _>("emergency")? == 1,
        approver: row.try_get("approver")?,
        state: LeaveState::parse(&state).ok_or_else(|| super::corrupt("leave state", &state))?,
        judged_version: row.try_get("judged_version")?,
        violations: serde_json::from_str(&violations)
            .map_err(|e| super::corrupt("leave violations", e))?,
        decided_by: row.try_get("decided_by")?,
        applied_version: row.try_get("applied_version")?,
        reason: row.try_get("reason")?,
        filed_by: row.try_get("filed_by")?,
    })
}

async fn load(conn: &mut sqlx::AnyConnection, id: i64) -> Result<LeaveRecord> {
    load_one(conn, "leave_requests", LEAVE_COLUMNS, id, record_of, || {
        format!("no leave request #{id}")
    })
    .await
}

impl LeaveRecord {
    fn input(&self) -> LeaveInput {
        LeaveInput {
            staff: self.staff.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            kind: self.kind.clone(),
            requested_at: Some(self.requested_at.clone()),
            certificate: self.certificate,
            emergency: self.emergency,
        }
    }
}

impl Store {
    /// Files leave and judges it by every LEAVE-* rule as if the approver LEAVE-APPROVER
    /// names had signed; a request some rule rejects is stored as rejected.
    pub async fn propose_leave(
        &self,
        month: &str,
        actor: &User,
        input: &LeaveInput,
    ) -> Result<(LeaveRecord, LeaveOutcome)> {
        let mut tx = self.begin_write().await?;
        let state = current_in(&mut tx, month).await?;
        let me = actor.staff_id.as_deref();
        let may = match actor.role {
            Role::Agent => me == Some(input.staff.as_str()) || input.kind == "sick",
            Role::Lead => {
                let mine = actor.lead_teams(&state.scenario);
                me == Some(input.staff.as_str())
                    || state
                        .scenario
                        .staff_by_id(&input.staff)
                        .and_then(|i| state.scenario.staff[i].team)
                        .is_some_and(|t| mine.contains(&t))
            }
            Role::Head | Role::Planner => false,
        };
        if !may {
            return Err(StoreError::Forbidden(format!(
                "{} ({}) may not file leave for {}: people file their own leave, leads for their team, anyone sick leave for a colleague",
                actor.login,
                actor.role.name(),
                input.staff
            )));
        }
        let filed_by = me.unwrap_or(&actor.login).to_owned();
        let probe = request_of(&state, input, &filed_by, Approver::DeptHead)?;
        let approver = approver_for(probe.days());
        let req = LeaveRequest {
            approved_by: approver,
            ..probe
        };
        let outcome = whatif::check_leave(&state.scenario, &state.roster, &req);
        let st = if outcome.accepted {
            LeaveState::Proposed
        } else {
            LeaveState::Rejected
        };
        let reason = (!outcome.accepted).then(|| rules_broken(&outcome.violations));
        let requested_at = req
            .requested_at
            .expect("set above")
            .format("%Y-%m-%dT%H:%M")
            .to_string();
        let now = now_text();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO leave_requests (month, staff, from_date, to_date, kind, requested_at, certificate, \
             emergency, approver, state, judged_version, violations_json, reason, filed_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id",
        )
        .bind(month)
        .bind(&input.staff)
        .bind(req.from.to_string())
        .bind(req.to.to_string())
        .bind(req.kind.name())
        .bind(&requested_at)
        .bind(i64::from(input.certificate))
        .bind(i64::from(input.emergency))
        .bind(approver.name())
        .bind(st.name())
        .bind(state.version)
        .bind(serde_json::to_string(&outcome.violations).expect("serialisable"))
        .bind(&reason)
        .bind(&filed_by)
        .bind(&now)
        .bind(&now)
        .fetch_one(&mut *tx)
        .await?;
        let detail = format!(
            "leave #{id}: {} {} {}..{}, to {}: {}",
            input.staff,
            req.kind.name(),
            req.from,
            req.to,
            approver.name(),
            reason.as_deref().unwrap_or(st.name())
        );
        audit::record(
            &mut tx,
            &actor.login,
            "leave_propose",
            Some(month),
            Some(state.version),
            &detail,
        )
        .await?;
        let record = load(&mut tx, id).await?;
        tx.commit().await?;
        Ok((record, outcome))
    }

    /// The approver LEAVE-APPROVER names signs: the leave is judged again on the current
    /// roster, the roster repaired around it (a MIP solve, outside the write lock), and the
    /// repair stored as the next version — unless the roster changed during the solve, in
    /// which case the whole judgement is made again on the new version.
    pub async fn approve_leave(
        &self,
        id: i64,
        actor: &User,
        opts: &SolveOptions,
    ) -> Result<LeaveRecord> {
        for _ in 0..3 {
            let (r, state) = self.with_current_month(id).await?;
            let approver = may_decide(&r, actor)?;
            let req = request_of(&state, &r.input(), &r.filed_by, approver)?;
            let outcome = whatif::check_leave(&state.scenario, &state.roster, &req);
            let repaired = if outcome.accepted {
                Some(repair(&state, &req, opts).await?)
            } else {
                None
            };
            let mut tx = self.begin_write().await?;
            let now_state = current_in(&mut tx, &r.month).await?;
            if now_state.version != state.version {
                continue; // the roster moved during the solve: judge again on the new one
            }
            let (done, conflict) = decide(&mut tx, r, &state, &outcome, repaired, actor).await?;
            tx.commit().await?;
            return match conflict {
                Some(m) => Err(StoreError::Conflict(m)),
                None => Ok(done),
            };
        }
        Err(StoreError::Conflict(format!(
            "leave #{id}: the roster kept changing during the repair; try again"
        )))
    }

    /// The request and its month's current version, as both the preview and the approval
    /// judge it.
    async fn with_current_month(&self, id: i64) -> Result<(LeaveRecord, MonthState)> {
        let mut conn = self.pool.acquire().await?;
        let r = load(&mut conn, id).await?;
        let state = current_in(&mut conn, &r.month).await?;
        Ok((r, state))
    }

    pub async fn leave_request(&self, id: i64) -> Result<LeaveRecord> {
        let mut conn = self.pool.acquire().await?;
        load(&mut conn, id).await
    }

    pub async fn leave_requests(&self, month: &str) -> Result<Vec<LeaveRecord>> {
        load_month(
            &self.pool,
            "leave_requests",
            LEAVE_COLUMNS,
            month,
            record_of,
        )
        .await
    }
}

/// Whether `actor` is the approver LEAVE-APPROVER names for `r`, and `r` still waits.
fn may_decide(r: &LeaveRecord, actor: &User) -> Result<Approver> {
    let id = r.id;
    let approver = Approver::parse(&r.approver)
        .ok_or_else(|| super::corrupt("leave approver", &r.approver))?;
    if role_for(approver) != Some(actor.role) {
        return Err(StoreError::Forbidden(format!(
            "leave #{id} ({} to {}) goes to the {} (LEAVE-APPROVER); {} is a {}",
            r.from,
            r.to,
            approver.name(),
            actor.login,
            actor.role.name()
        )));
    }
    if r.state != LeaveState::Proposed {
        return Err(StoreError::Conflict(format!(
            "leave #{id} is {} already",
            r.state.name()
        )));
    }
    Ok(approver)
}

/// The roster repaired around the leave: a MIP solve, on a blocking thread.
async fn repair(
    state: &MonthState,
    req: &LeaveRequest,
    opts: &SolveOptions,
) -> Result<std::result::Result<whatif::Repair, RepairError>> {
    let (sc, base, req, opts) = (
        state.scenario.clone(),
        state.roster.clone(),
        req.clone(),
        opts.clone(),
    );
    let now = super::centre_now();
    tokio::task::spawn_blocking(move || whatif::repair_leave_at(&sc, &base, &req, Some(now), &opts))
        .await
        .map_err(|e| StoreError::Solve(e.to_string()))
}

/// Inside the write lock, on the version the leave was judged on: stores the repair as the
/// next version (or the rejection and why), the request's new state and its audit row.
/// Returns the request and, when it could not be granted, the conflict to answer.
async fn decide(
    tx: &mut Transaction<'static, Any>,
    r: LeaveRecord,
    state: &MonthState,
    outcome: &LeaveOutcome,
    repaired: Option<std::result::Result<whatif::Repair, RepairError>>,
    actor: &User,
) -> Result<(LeaveRecord, Option<String>)> {
    let id = r.id;
    let mut done = r;
    done.decided_by = Some(actor.login.clone());
    done.judged_version = state.version;
    done.violations = serde_json::to_value(&outcome.violations).expect("serialisable");
    let refused = match repaired {
        None => Some(format!(
            "{} on version {}",
            rules_broken(&outcome.violations),
            state.version
        )),
        Some(Ok(rep)) => {
            let v = insert_successor(
                tx,
                &done.month,
                state.version,
                &rep.roster,
                &format!("leave #{id} ({} changed cells)", rep.changed_cells),
                &actor.login,
            )
            .await?;
            done.state = LeaveState::Applied;
            done.applied_version = Some(v);
            None
        }
        Some(Err(RepairError::Blocked(_))) => {
            Some("no roster keeps every rule with this leave granted".to_owned())
        }
        Some(Err(RepairError::Solve(e))) => return Err(StoreError::Solve(e.to_string())),
    };
    if let Some(why) = &refused {
        done.state = LeaveState::Rejected;
        done.reason = Some(why.clone());
    }
    let updated = sqlx::query(
        "UPDATE leave_requests SET state = $1, judged_version = $2, violations_json = $3, decided_by = $4, \
         applied_version = $5, reason = $6, updated_at = $7 WHERE id = $8 AND state = 'proposed'",
    )
    .bind(done.state.name())
    .bind(done.judged_version)
    .bind(done.violations.to_string())
    .bind(&done.decided_by)
    .bind(done.applied_version)
    .bind(&done.reason)
    .bind(now_text())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(StoreError::Conflict(format!(
            "leave #{id} was decided by someone else meanwhile"
        )));
    }
    let detail = format!(
        "leave #{id} {}{}",
        done.state.name(),
        done.reason
            .as_deref()
            .map(|w| format!(": {w}"))
            .unwrap_or_default()
    );
    audit::record(
        tx,
        &actor.login,
        "leave_approve",
        Some(&done.month),
        Some(state.version),
        &detail,
    )
    .await?;
    let conflict = refused.map(|why| format!("leave #{id} cannot be granted: {why}"));
    Ok((done, conflict))
}

/// What approving a leave request would do now, for the approver's page: the LEAVE-* verdict on the current version and, when it passes, the repaired
/// roster. Nothing is stored; approval solves again on whatever version is current then.
pub struct LeavePreview {
    pub state: MonthState,
    pub outcome: LeaveOutcome,
    /// None when a LEAVE-* rule rejects the leave (no repair is tried).
    pub repair: Option<std::result::Result<whatif::Repair, RepairError>>,
}

impl Store {
    pub async fn preview_leave(&self, id: i64, opts: &SolveOptions) -> Result<LeavePreview> {
        let (r, state) = self.with_current_month(id).await?;
        let approver = Approver::parse(&r.approver)
            .ok_or_else(|| super::corrupt("leave approver", &r.approver))?;
        let req = request_of(&state, &r.input(), &r.filed_by, approver)?;
        let outcome = whatif::check_leave(&state.scenario, &state.roster, &req);
        let repair = if outcome.accepted {
            Some(repair(&state, &req, opts).await?)
        } else {
            None
        };
        Ok(LeavePreview {
            state,
            outcome,
            repair,
        })
    }
}
