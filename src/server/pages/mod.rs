//! Pages rendered on the server (maud), plain HTML forms, no JavaScript. Each handler calls
//! the same store operations as the API; refusals come back as the store's words.

pub mod charts;
pub mod downloads;
pub mod grid;
pub mod layout;
pub mod leave;
pub mod next;
pub mod requests;

use super::AppState;
use super::auth::{PageUser, csrf_token, end_session, start_session};
use super::error::{ApiError, PageError};
use crate::model::{Roster, Scenario};
use crate::solve::SolveOptions;
use crate::store::months::month_key;
use crate::store::{MonthState, SwapInput, User};
use crate::whatif::{self, SwapRequest};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_csrf::CsrfToken;
use maud::{Markup, html};
use serde::Deserialize;
use tower_sessions::Session;

type PageResult = Result<Response, PageError>;

pub fn routes() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/", get(home))
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/months/{month}", get(month_page))
        .route("/months/{month}/people/{staff}", get(person_page))
        .route("/months/{month}/cell", get(cell_page))
        .route("/months/{month}/swaps", post(propose_swap))
        .route("/months/{month}/leave", post(leave::propose_leave))
        .route("/months/{month}/requests", get(requests_page))
        .route("/months/{month}/charts", get(charts::charts_page))
        .route("/months/{month}/simulate", post(charts::start_simulation))
        .route(
            "/months/{month}/simulate/events",
            get(charts::simulation_events),
        )
        .route("/months/{month}/download/{file}", get(downloads::download))
        .route(
            "/months/{month}/next",
            get(next::next_page).post(next::start_next),
        )
        .route("/months/{month}/solve", get(next::solve_page))
        .route("/months/{month}/solve/events", get(next::solve_events))
        .route("/months/{month}/publish", post(next::publish))
        .route("/swaps/{id}", get(swap_page))
        .route("/swaps/{id}/accept", post(accept_swap))
        .route("/swaps/{id}/approve", post(approve_swap))
        .route("/leave/{id}", get(leave::leave_page))
        .route("/leave/{id}/approve", post(leave::approve_leave))
}

/// The repair run when the head approves leave: bounded, so a page answers in time.
pub fn repair_options() -> SolveOptions {
    SolveOptions {
        time_limit: 30.0,
        ..SolveOptions::default()
    }
}

fn html_page(m: Markup) -> Response {
    Html(m.into_string()).into_response()
}

/// A page for a logged-in user; the response (re)sets the CSRF cookie its forms rely on.
fn render(
    token: CsrfToken,
    user: &User,
    title: &str,
    month: Option<&str>,
    body: Markup,
) -> PageResult {
    let csrf = csrf_token(&token)?;
    Ok((
        token,
        html_page(layout::page(title, user, month, &csrf, body)),
    )
        .into_response())
}

async fn home(State(st): State<AppState>, session: Session) -> PageResult {
    if session
        .get::<i64>("user_id")
        .await
        .map_err(ApiError::from)?
        .is_none()
    {
        return Ok(Redirect::to("/login").into_response());
    }
    match st.store.months().await?.last() {
        Some(m) => Ok(Redirect::to(&format!("/months/{m}")).into_response()),
        None => Err(PageError(ApiError::new(
            StatusCode::NOT_FOUND,
            "no month in the database yet",
        ))),
    }
}

fn login_form(message: Option<&str>) -> Markup {
    layout::bare(
        "Log in 登录",
        html! {
            h1 { "排班 roster · Log in 登录" }
            @if let Some(m) = message { p.why { (m) } }
            form method="post" action="/login" id="login" {
                p { label { "User 用户 " input name="user" id="user" autocomplete="username" required; } }
                p { label { "Password 密码 " input type="password" name="password" id="password" autocomplete="current-password" required; } }
                button type="submit" id="login-submit" { "Log in 登录" }
            }
        },
    )
}

async fn login_page() -> Response {
    html_page(login_form(None))
}

#[derive(Deserialize)]
struct LoginForm {
    user: String,
    password: String,
}

async fn login(
    State(st): State<AppState>,
    session: Session,
    Form(f): Form<LoginForm>,
) -> PageResult {
    match st.store.login(&f.user, &f.password).await? {
        Some(u) => {
            start_session(&session, &u).await?;
            Ok(Redirect::to("/").into_response())
        }
        None => Ok((
            StatusCode::UNAUTHORIZED,
            html_page(login_form(Some(
                "Unknown user or wrong password 用户名或密码错误",
            ))),
        )
            .into_response()),
    }
}

async fn logout(session: Session) -> PageResult {
    end_session(&session).await?;
    Ok(Redirect::to("/login").into_response())
}

#[derive(Deserialize)]
struct GridQuery {
    team: Option<String>,
}

async fn month_page(
    State(st): State<AppState>,
    PageUser(u): PageUser,
    token: CsrfToken,
    Path(month): Path<String>,
    Query(q): Query<GridQuery>,
) -> PageResult {
    let month = month_key(&month)?;
    let m = st.store.current(&month).await?;
    let team = q.team.as_deref().filter(|t| !t.is_empty());
    let marked = last_swap_cells(&st, &m).await?;
    let body = html! {
        form method="get" id="team-filter" {
            label { "Team 班组 " select name="team" {
                option value="" { "all 全部" }
                @for t in &m.scenario.teams { option value=(t.code) selected[team == Some(t.code.as_str())] { (t.code) " " (t.name) } }
            } }
            button type="submit" { "Filter 筛选" }
            " · version 版本 " span id="version" { (m.version) }
        }
        (grid::month_grid(&m, team, &marked))
        (downloads::links(&month))
    };
    render(
        token,
        &u,
        &format!("{} {}", m.scenario.name, month),
        Some(&month),
        body,
    )
}

/// The cells the latest applied swap changed, marked on the grid so a lead sees it land.
async fn last_swap_cells(
    st: &AppState,
    m: &MonthState,
) -> Result<Vec<(String, chrono::NaiveDate)>, PageError> {
    let swaps = st.store.swaps(&m.month).await?;
    let Some(s) = swaps.iter().find(|s| s.applied_version == Some(m.version)) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (who, d) in [
        (&s.staff, Some(&s.date)),
        (&s.with, Some(&s.date)),
        (&s.staff, s.return_date.as_ref()),
        (&s.with, s.return_date.as_ref()),
    ] {
        if let Some(date) = d.and_then(|d| crate::model::parse_date(d)) {
            out.push((who.clone(), date));
        }
    }
    Ok(out)
}

async fn person_page(
    State(st): State<AppState>,
    PageUser(u): PageUser,
    token: CsrfToken,
    Path((month, staff)): Path<(String, String)>,
) -> PageResult {
    let month = month_key(&month)?;
    let m = st.store.current(&month).await?;
    let i = m.scenario.staff_by_id(&staff).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no staff {staff} in {month}"),
        )
    })?;
    let csrf = csrf_token(&token)?;
    let body = html! {
        (grid::person_month(&m, i))
        (requests::leave_form(&m, &staff, &csrf))
    };
    render(
        token,
        &u,
        &format!("{} {} · {month}", m.scenario.staff[i].label(), staff),
        Some(&month),
        body,
    )
}

#[derive(Deserialize)]
struct CellQuery {
    staff: String,
    date: String,
}

async fn cell_page(
    State(st): State<AppState>,
    PageUser(u): PageUser,
    token: CsrfToken,
    Path(month): Path<String>,
    Query(q): Query<CellQuery>,
) -> PageResult {
    let month = month_key(&month)?;
    let m = st.store.current(&month).await?;
    let (a, d, list) = super::api::candidates_of(&m, &q.staff, &q.date)?;
    let csrf = csrf_token(&token)?;
    let body = requests::candidates(&m, &q.staff, d, &list, &csrf);
    render(
        token,
        &u,
        &format!("{} {} · swap 换班", m.scenario.staff[a].label(), d),
        Some(&month),
        body,
    )
}

#[derive(Deserialize)]
struct SwapForm {
    staff: String,
    date: String,
    with: String,
    #[serde(default)]
    return_date: Option<String>,
}

async fn propose_swap(
    State(st): State<AppState>,
    PageUser(u): PageUser,
    Path(month): Path<String>,
    Form(f): Form<SwapForm>,
) -> PageResult {
    let input = SwapInput {
        staff: f.staff,
        date: f.date,
        with: f.with,
        return_date: f.return_date.filter(|d| !d.is_empty()),
    };
    let r = st
        .store
        .propose_swap(&month_key(&month)?, &u, &input)
        .await?;
    Ok(Redirect::to(&format!("/swaps/{}", r.id)).into_response())
}

/// The swap as it would be judged now, for the weeks before and after.
fn judge_now(m: &MonthState, r: &crate::store::SwapRecord) -> Option<whatif::SwapOutcome> {
    let sc: &Scenario = &m.scenario;
    let req = SwapRequest {
        a: sc.staff_by_id(&r.staff)?,
        date: crate::model::parse_date(&r.date)?,
        b: sc.staff_by_id(&r.with)?,
        return_date: r.return_date.as_deref().and_then(crate::model::parse_date),
        approved: true,
    };
    let base: Roster = if r.applied_version.is_some() {
        return None;
    } else {
        m.roster.clone()
    };
    whatif::check_swap(sc, &base, &req).ok()
}

async fn swap_page(
    State(st): State<AppState>,
    PageUser(u): PageUser,
    token: CsrfToken,
    Path(id): Path<i64>,
) -> PageResult {
    let r = st.store.swap(id).await?;
    let m = st.store.current(&r.month).await?;
    let csrf = csrf_token(&token)?;
    let now = judge_now(&m, &r);
    let body = requests::swap_page(&m, &r, now.as_ref(), &u, &csrf);
    render(
        token,
        &u,
        &format!("Swap 换班 #{id}"),
        Some(&r.month.clone()),
        body,
    )
}

async fn accept_swap(
    State(st): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<i64>,
) -> PageResult {
    st.store.accept_swap(id, &u).await?;
    Ok(Redirect::to(&format!("/swaps/{id}")).into_response())
}

async fn approve_swap(
    State(st): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<i64>,
) -> PageResult {
    let r = st.store.approve_swap(id, &u).await?;
    if r.applied_version.is_some() {
        return Ok(Redirect::to(&format!("/months/{}", r.month)).into_response());
    }
    Ok(Redirect::to(&format!("/swaps/{id}")).into_response())
}

async fn requests_page(
    State(st): State<AppState>,
    PageUser(u): PageUser,
    token: CsrfToken,
    Path(month): Path<String>,
) -> PageResult {
    let month = month_key(&month)?;
    let swaps = st.store.swaps(&month).await?;
    let leave = st.store.leave_requests(&month).await?;
    let body = requests::request_lists(&month, &swaps, &leave);
    render(
        token,
        &u,
        &format!("Requests 申请 · {month}"),
        Some(&month),
        body,
    )
}
