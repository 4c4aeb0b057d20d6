//! The JSON API (docs/api.md). Every route that changes state takes the session's user and
//! passes through the CSRF guard; the role checks are the store's.

use super::AppState;
use super::auth::{CurrentUser, csrf_token, end_session, start_session};
use super::error::ApiError;
use crate::store::months::month_key;
use crate::store::{LeaveInput, Role, StoreError, SwapInput};
use crate::whatif;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_csrf::CsrfToken;
use serde::Deserialize;
use serde_json::{Value, json};
use tower_sessions::Session;

type ApiResult = Result<Json<Value>, ApiError>;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/login", post(login))
        .route("/api/logout", post(logout))
        .route("/api/session", get(session_info))
        .route("/api/months", get(months))
        .route("/api/months/{month}/roster", get(roster))
        .route("/api/months/{month}/versions", get(versions))
        .route("/api/months/{month}/publish", post(publish))
        .route("/api/months/{month}/candidates", get(candidates))
        .route(
            "/api/months/{month}/swaps",
            get(list_swaps).post(propose_swap),
        )
        .route("/api/swaps/{id}", get(swap))
        .route("/api/swaps/{id}/accept", post(accept_swap))
        .route("/api/swaps/{id}/approve", post(approve_swap))
        .route(
            "/api/months/{month}/leave",
            get(list_leave).post(propose_leave),
        )
        .route("/api/leave/{id}/preview", get(preview_leave))
        .route("/api/leave/{id}/approve", post(approve_leave))
        .route("/api/audit", get(audit))
}

fn to_json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).expect("serialisable")
}

/// A JSON body that does not parse is the client's fault: 400 with serde's words.
fn body<T>(b: Result<Json<T>, axum::extract::rejection::JsonRejection>) -> Result<T, ApiError> {
    b.map(|Json(v)| v)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, e.body_text()))
}

#[derive(Deserialize)]
struct Login {
    user: String,
    password: String,
}

async fn login(
    State(st): State<AppState>,
    session: Session,
    token: CsrfToken,
    b: Result<Json<Login>, axum::extract::rejection::JsonRejection>,
) -> Result<(CsrfToken, Json<Value>), ApiError> {
    let b = body(b)?;
    let user =
        st.store.login(&b.user, &b.password).await?.ok_or_else(|| {
            ApiError::new(StatusCode::UNAUTHORIZED, "unknown user or wrong password")
        })?;
    start_session(&session, &user).await?;
    let csrf = csrf_token(&token)?;
    Ok((
        token,
        Json(
            json!({"user": user.login, "role": user.role, "staff_id": user.staff_id, "csrf": csrf}),
        ),
    ))
}

async fn logout(CurrentUser(_): CurrentUser, session: Session) -> ApiResult {
    end_session(&session).await?;
    Ok(Json(json!({"message": "logged out"})))
}

async fn session_info(
    CurrentUser(u): CurrentUser,
    token: CsrfToken,
) -> Result<(CsrfToken, Json<Value>), ApiError> {
    let csrf = csrf_token(&token)?;
    Ok((
        token,
        Json(json!({"user": u.login, "role": u.role, "staff_id": u.staff_id, "csrf": csrf})),
    ))
}

async fn months(State(st): State<AppState>, CurrentUser(_): CurrentUser) -> ApiResult {
    Ok(Json(json!({"months": st.store.months().await?})))
}

async fn roster(
    State(st): State<AppState>,
    CurrentUser(_): CurrentUser,
    Path(month): Path<String>,
) -> ApiResult {
    let m = st.store.current(&month_key(&month)?).await?;
    let mut v = to_json(&m.roster);
    v["version"] = json!(m.version);
    Ok(Json(v))
}

async fn versions(
    State(st): State<AppState>,
    CurrentUser(_): CurrentUser,
    Path(month): Path<String>,
) -> ApiResult {
    Ok(Json(
        json!({"versions": st.store.versions(&month_key(&month)?).await?}),
    ))
}

#[derive(Deserialize)]
struct Publish {
    version: i64,
}

async fn publish(
    State(st): State<AppState>,
    CurrentUser(u): CurrentUser,
    Path(month): Path<String>,
    b: Result<Json<Publish>, axum::extract::rejection::JsonRejection>,
) -> ApiResult {
    let b = body(b)?;
    let month = month_key(&month)?;
    st.store.publish(&month, b.version, &u).await?;
    Ok(Json(
        json!({"month": month, "version": b.version, "published": true}),
    ))
}

#[derive(Deserialize)]
struct CandidatesQuery {
    staff: String,
    date: String,
}

async fn candidates(
    State(st): State<AppState>,
    CurrentUser(_): CurrentUser,
    Path(month): Path<String>,
    Query(q): Query<CandidatesQuery>,
) -> ApiResult {
    let m = st.store.current(&month_key(&month)?).await?;
    let (_, d, list) = candidates_of(&m, &q.staff, &q.date)?;
    Ok(Json(
        json!({"staff": q.staff, "date": d, "version": m.version, "candidates": list}),
    ))
}

/// Who could take `staff`'s shift on `date` (`roster swap --candidates`), least disruption
/// first, with the person's index and the date parsed; the API and the cell page share it.
pub(super) fn candidates_of(
    m: &crate::store::MonthState,
    staff: &str,
    date: &str,
) -> Result<(usize, chrono::NaiveDate, Vec<whatif::Candidate>), ApiError> {
    let bad = |e: whatif::BadRequest| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("{}: {}", e.flag, e.message),
        )
    };
    let a = whatif::staff_arg(&m.scenario, "staff", staff).map_err(bad)?;
    let d = whatif::date_in_month(&m.scenario, "date", date).map_err(bad)?;
    let list = whatif::candidates(&m.scenario, &m.roster, a, d).map_err(bad)?;
    Ok((a, d, list))
}

async fn list_swaps(
    State(st): State<AppState>,
    CurrentUser(_): CurrentUser,
    Path(month): Path<String>,
) -> ApiResult {
    Ok(Json(
        json!({"swaps": st.store.swaps(&month_key(&month)?).await?}),
    ))
}

async fn propose_swap(
    State(st): State<AppState>,
    CurrentUser(u): CurrentUser,
    Path(month): Path<String>,
    b: Result<Json<SwapInput>, axum::extract::rejection::JsonRejection>,
) -> ApiResult {
    let b = body(b)?;
    let r = st.store.propose_swap(&month_key(&month)?, &u, &b).await?;
    Ok(Json(to_json(&r)))
}

async fn swap(
    State(st): State<AppState>,
    CurrentUser(_): CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult {
    Ok(Json(to_json(&st.store.swap(id).await?)))
}

async fn accept_swap(
    State(st): State<AppState>,
    CurrentUser(u): CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult {
    Ok(Json(to_json(&st.store.accept_swap(id, &u).await?)))
}

async fn approve_swap(
    State(st): State<AppState>,
    CurrentUser(u): CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult {
    Ok(Json(to_json(&st.store.approve_swap(id, &u).await?)))
}

async fn list_leave(
    State(st): State<AppState>,
    CurrentUser(_): CurrentUser,
    Path(month): Path<String>,
) -> ApiResult {
    Ok(Json(
        json!({"leave": st.store.leave_requests(&month_key(&month)?).await?}),
    ))
}

async fn propose_leave(
    State(st): State<AppState>,
    CurrentUser(u): CurrentUser,
    Path(month): Path<String>,
    b: Result<Json<LeaveInput>, axum::extract::rejection::JsonRejection>,
) -> ApiResult {
    let b = body(b)?;
    let (record, outcome) = st.store.propose_leave(&month_key(&month)?, &u, &b).await?;
    let mut v = to_json(&record);
    v["affected"] = to_json(&outcome.affected);
    Ok(Json(v))
}

async fn approve_leave(
    State(st): State<AppState>,
    CurrentUser(u): CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult {
    let opts = super::pages::repair_options();
    Ok(Json(to_json(&st.store.approve_leave(id, &u, &opts).await?)))
}

/// What approving would do now: the verdict on the current version and the repaired
/// roster's changes. For the approver only (it is a solve, and only they act on it).
async fn preview_leave(
    State(st): State<AppState>,
    CurrentUser(u): CurrentUser,
    Path(id): Path<i64>,
) -> ApiResult {
    let r = st.store.leave_request(id).await?;
    if !super::pages::leave::signs(&r, &u) {
        return Err(StoreError::Forbidden(format!(
            "the repair preview of leave #{id} is for its approver ({}) while it is proposed; {} is a {} and the leave is {}",
            r.approver,
            u.login,
            u.role.name(),
            r.state.name()
        ))
        .into());
    }
    let p = st
        .store
        .preview_leave(id, &super::pages::repair_options())
        .await?;
    let repair = match &p.repair {
        Some(Ok(rep)) => {
            json!({"ok": true, "status": rep.status, "changed_cells": rep.changed_cells,
            "bound": rep.bound, "frozen_before": rep.frozen_before, "changes": rep.changes})
        }
        Some(Err(e)) => json!({"ok": false, "message": e.to_string()}),
        None => Value::Null,
    };
    Ok(Json(
        json!({"id": id, "version": p.state.version, "accepted": p.outcome.accepted,
        "violations": p.outcome.violations, "repair": repair}),
    ))
}

#[derive(Deserialize)]
struct AuditQuery {
    month: Option<String>,
}

async fn audit(
    State(st): State<AppState>,
    CurrentUser(u): CurrentUser,
    Query(q): Query<AuditQuery>,
) -> ApiResult {
    if u.role == Role::Agent {
        return Err(StoreError::Forbidden(format!(
            "the audit log is for the head, leads and planners; {} is an agent",
            u.login
        ))
        .into());
    }
    let month = q.month.as_deref().map(month_key).transpose()?;
    Ok(Json(
        json!({"entries": st.store.audit(month.as_deref()).await?}),
    ))
}
