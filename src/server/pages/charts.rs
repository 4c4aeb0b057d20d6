//! The planner's charts: coverage, fairness and the roster inline (SVG), and the service
//! level, which needs the call simulator: a Simulate button runs it in the background
//! with its progress streamed, then the page shows the service chart.

use super::layout::csrf_field;
use super::next::follow_script;
use super::{PageError, PageResult, render};
use crate::plot::{self, Format, Kind};
use crate::server::AppState;
use crate::server::auth::{PageUser, csrf_token};
use crate::server::error::ApiError;
use crate::server::jobs::{JobLog, Reporter, Step};
use crate::store::months::month_key;
use crate::store::{MonthState, Role, StoreError, User};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_csrf::CsrfToken;
use maud::{Markup, PreEscaped, html};

/// Replications of the month's calls: enough for a steady chart, few enough for a page.
const REPLICATIONS: u32 = 20;
/// The same seed every time: the same roster gives the same chart.
const SEED: u64 = 1;

fn job_key(month: &str) -> String {
    format!("simulate:{month}")
}

/// The chart belongs to a version: a new version needs a new simulation.
fn result_key(m: &MonthState) -> String {
    format!("service:{}:v{}", m.month, m.version)
}

/// Planners read the service level; the head too. Simulating is work the server does, so
/// it is a POST with its role checked like any change.
fn may_simulate(u: &User) -> Result<(), StoreError> {
    if matches!(u.role, Role::Planner | Role::Head) {
        Ok(())
    } else {
        Err(StoreError::Forbidden(format!(
            "only planners and the department head run the call simulator; {} is a {}",
            u.login,
            u.role.name()
        )))
    }
}

fn svg(
    m: &MonthState,
    kind: Kind,
    service: Option<&[crate::traffic::ServiceSeries]>,
) -> Result<String, ApiError> {
    let bytes =
        plot::plot(&m.scenario, &m.roster, kind, None, service, Format::Svg).map_err(|e| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("{} chart: {e}", kind.name()),
            )
        })?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

pub(super) async fn charts_page(
    State(st): State<AppState>,
    PageUser(u): PageUser,
    token: CsrfToken,
    Path(month): Path<String>,
) -> PageResult {
    let month = month_key(&month)?;
    let m = st.store.current(&month).await?;
    let mut svgs = Vec::new();
    for kind in [Kind::Coverage, Kind::Fairness, Kind::Roster] {
        svgs.push((kind.name(), svg(&m, kind, None)?));
    }
    let csrf = csrf_token(&token)?;
    let running = st.jobs.log(&job_key(&m.month)).await?;
    let chart = st.jobs.result(&result_key(&m)).await?;
    let body = html! {
        (service_section(&m, running, chart, &u, &csrf))
        div.charts {
            @for (name, svg) in &svgs { h2 { (name) } div id={ "chart-" (name) } { (PreEscaped(svg)) } }
        }
    };
    render(
        token,
        &u,
        &format!("Charts 图表 · {month}"),
        Some(&month),
        body,
    )
}

/// The service-level chart when simulated for this version; else the progress of a
/// running simulation, or the button that starts one.
fn service_section(
    m: &MonthState,
    running: Option<JobLog>,
    chart: Option<String>,
    u: &User,
    csrf: &str,
) -> Markup {
    let failed = running
        .as_ref()
        .and_then(|l| l.outcome.clone())
        .and_then(Result::err);
    html! {
        h2 { "service 服务水平" }
        @if let Some(chart) = chart {
            div.charts id="chart-service" { (PreEscaped(chart)) }
        } @else if running.as_ref().is_some_and(|l| l.outcome.is_none()) {
            p id="simulating" { "Simulating the month's calls 模拟话务中…" }
            table.verdict id="progress" {
                tr { th { "stage 阶段" } td id="stage" { (running.as_ref().and_then(|l| l.steps.last()).map(|s| s.stage.as_str()).unwrap_or("starting")) } }
                tr { th { "best" } td id="best" { "—" } }
                tr { th { "bound" } td id="bound" { "—" } }
            }
            (follow_script(&format!("/months/{}/simulate/events", m.month)))
        } @else {
            @if let Some(why) = failed { p.why { "The simulation failed 模拟失败: " (why) } }
            @if may_simulate(u).is_ok() {
                form method="post" action={ "/months/" (m.month) "/simulate" } {
                    (csrf_field(csrf))
                    button id="simulate" { "Simulate 模拟话务 (" (REPLICATIONS) " replications)" }
                }
            } @else {
                p { "Not simulated yet for version " (m.version) "; a planner runs it." }
            }
        }
    }
}

pub(super) async fn start_simulation(
    State(st): State<AppState>,
    PageUser(u): PageUser,
    Path(month): Path<String>,
) -> PageResult {
    may_simulate(&u)?;
    let month = month_key(&month)?;
    let m = st.store.current(&month).await?;
    if m.scenario.traffic.is_none() {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            format!("{month}'s scenario has no [traffic]: nothing to simulate"),
        )
        .into());
    }
    if let Some(reporter) = st.jobs.start(&job_key(&month)).await? {
        tokio::spawn(simulate_in_background(st.clone(), m, reporter));
    }
    Ok(Redirect::to(&format!("/months/{month}/charts")).into_response())
}

fn stage(r: &Reporter, text: String) {
    r.step(Step {
        stage: text,
        best: None,
        bound: None,
    });
}

async fn simulate_in_background(st: AppState, m: MonthState, reporter: Reporter) {
    // The simulator reports nothing while it runs, so the stages are the steps around it.
    stage(
        &reporter,
        format!(
            "simulating {REPLICATIONS} replications of {}'s calls 模拟中",
            m.month
        ),
    );
    let (sc, roster) = (m.scenario.clone(), m.roster.clone());
    let run = tokio::task::spawn_blocking(move || {
        crate::traffic::adapt::simulated_service(&sc, &roster, REPLICATIONS, SEED)
    })
    .await;
    let outcome = match run {
        Ok(Ok(series)) => {
            stage(&reporter, "drawing the service chart 绘图".into());
            match svg(&m, Kind::Service, Some(&series)) {
                Ok(chart) => match st.jobs.keep_result(&result_key(&m), chart).await {
                    Ok(()) => Ok(format!("simulated version {}", m.version)),
                    Err(e) => Err(e.to_string()),
                },
                Err(e) => Err(e.message),
            }
        }
        Ok(Err(e)) => Err(e.to_string()),
        Err(e) => Err(format!("the simulation stopped: {e}")),
    };
    reporter.finish(outcome).await;
}

pub(super) async fn simulation_events(
    State(st): State<AppState>,
    PageUser(u): PageUser,
    Path(month): Path<String>,
) -> Result<Response, PageError> {
    may_simulate(&u)?;
    let month = month_key(&month)?;
    match st.jobs.events(&job_key(&month)).await? {
        Some(sse) => Ok(sse.into_response()),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no simulation of {month} was started"),
        )
        .into()),
    }
}
