//! The head's "next month" page: carry the published month into the next (as `roster next`
//! does), solve it in the background with its progress streamed by SSE (stage, best,
//! bound), then show the objective breakdown and the grid with a Publish button.

use super::layout::csrf_field;
use super::{PageResult, grid, render};
use crate::cycle::next::month_after;
use crate::cycle::next_month;
use crate::rules::evaluate;
use crate::server::AppState;
use crate::server::auth::{PageUser, csrf_token};
use crate::server::error::ApiError;
use crate::server::jobs::{Reporter, Step};
use crate::solve::{self, OnProgress, SolveOptions};
use crate::store::months::month_key;
use crate::store::{MonthState, Role, Store, StoreError, User};
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_csrf::CsrfToken;
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;
use std::path::Path as FsPath;

/// A month's solve started from a page: bounded, so the page's stream ends.
fn solve_options() -> SolveOptions {
    SolveOptions {
        time_limit: 120.0,
        ..SolveOptions::default()
    }
}

fn job_key(month: &str) -> String {
    format!("solve:{month}")
}

/// Only the department head carries a month forward and publishes it.
fn head_only(u: &User, what: &str) -> Result<(), StoreError> {
    if u.role == Role::Head {
        Ok(())
    } else {
        Err(StoreError::Forbidden(format!(
            "only the department head may {what}; {} is a {}",
            u.login,
            u.role.name()
        )))
    }
}

pub(super) async fn next_page(
    State(st): State<AppState>,
    PageUser(u): PageUser,
    token: CsrfToken,
    Path(month): Path<String>,
) -> PageResult {
    head_only(&u, "solve the next month")?;
    let month = month_key(&month)?;
    let m = st.store.current(&month).await?;
    let next = month_after(m.scenario.month).to_string();
    let exists = st.store.months().await?.contains(&next);
    let csrf = csrf_token(&token)?;
    let body = html! {
        p { "Carries " (month) " (version " (m.version) ") into " strong { (next) } ": history, leave, requests, events and the year's counts, as `roster next` does; then solves it with CBC." }
        @if exists { p { (next) " exists already: solving again makes a new draft. " a href={ "/months/" (next) "/solve" } { "See its solve 查看" } } }
        form method="post" action={ "/months/" (month) "/next" } {
            (csrf_field(&csrf))
            button id="start-solve" { "Solve " (next) " 开始排班" }
        }
    };
    render(
        token,
        &u,
        &format!("Next month 下月排班 · {next}"),
        Some(&month),
        body,
    )
}

pub(super) async fn start_next(
    State(st): State<AppState>,
    PageUser(u): PageUser,
    Path(month): Path<String>,
) -> PageResult {
    head_only(&u, "solve the next month")?;
    let month = month_key(&month)?;
    let m = st.store.current(&month).await?;
    let next = month_after(m.scenario.month).to_string();
    if !st.store.months().await?.contains(&next) {
        let (toml, source) = st.store.scenario_source(&month).await?;
        let carried = next_month(
            &toml,
            FsPath::new(&source),
            &m.scenario,
            &m.roster,
            month_after(m.scenario.month),
            FsPath::new(&format!("{next}.toml")),
        )
        .map_err(|e| StoreError::BadRequest(e.to_string()))?;
        st.store
            .import_month(&carried.text, &format!("next of {month}"), &u.login)
            .await?;
    }
    if let Some(reporter) = st.jobs.start(&job_key(&next)).await? {
        let sc = st.store.scenario(&next).await?;
        tokio::spawn(solve_in_background(
            st.store.clone(),
            sc,
            next.clone(),
            u.login.clone(),
            reporter,
        ));
    }
    Ok(Redirect::to(&format!("/months/{next}/solve")).into_response())
}

async fn solve_in_background(
    store: Store,
    sc: crate::model::Scenario,
    month: String,
    actor: String,
    reporter: Reporter,
) {
    let on = reporter.clone();
    let opts = SolveOptions {
        progress: OnProgress::new(move |p| {
            on.step(Step {
                stage: p.stage.clone(),
                best: p.best,
                bound: p.bound,
            })
        }),
        ..solve_options()
    };
    let solved = tokio::task::spawn_blocking(move || solve::solve(&sc, &opts)).await;
    let outcome = match solved {
        Ok(Ok(s)) => {
            let reason = format!(
                "solved: objective {}, bound {}, {}",
                crate::report::num(s.objective),
                crate::report::num(s.bound),
                s.status.name()
            );
            match store.add_draft(&month, &s.roster, &actor, &reason).await {
                Ok(v) => Ok(format!("version {v}: {reason}")),
                Err(e) => Err(e.to_string()),
            }
        }
        Ok(Err(e)) => Err(e.to_string()),
        Err(e) => Err(format!("the solve stopped: {e}")),
    };
    reporter.finish(outcome).await;
}

pub(super) async fn solve_events(
    State(st): State<AppState>,
    PageUser(u): PageUser,
    Path(month): Path<String>,
) -> Result<Response, super::PageError> {
    head_only(&u, "follow a month's solve")?;
    let month = month_key(&month)?;
    match st.jobs.events(&job_key(&month)).await? {
        Some(sse) => Ok(sse.into_response()),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no solve of {month} was started"),
        )
        .into()),
    }
}

/// The small script that follows a job's stream into the page's `stage`, `best` and
/// `bound` cells and reloads the page when the job is over; without JavaScript the page
/// reloads itself every two seconds.
pub(super) fn follow_script(events: &str) -> Markup {
    html! {
        noscript { meta http-equiv="refresh" content="2"; }
        script { (PreEscaped(format!(r#"
const es = new EventSource("{events}");
es.addEventListener("progress", e => {{
  const p = JSON.parse(e.data);
  document.getElementById("stage").textContent = p.stage;
  document.getElementById("best").textContent = p.best ?? "—";
  document.getElementById("bound").textContent = p.bound ?? "—";
}});
for (const name of ["done", "failed"]) es.addEventListener(name, () => {{ es.close(); location.reload(); }});
"#))) }
    }
}

pub(super) async fn solve_page(
    State(st): State<AppState>,
    PageUser(u): PageUser,
    token: CsrfToken,
    Path(month): Path<String>,
) -> PageResult {
    head_only(&u, "see a month's solve")?;
    let month = month_key(&month)?;
    let log = st.jobs.log(&job_key(&month)).await?;
    let csrf = csrf_token(&token)?;
    let body = match log.as_ref().filter(|l| l.outcome.is_none()) {
        Some(l) => {
            let last = l.steps.last();
            html! {
                p id="solving" { "Solving 排班中 " (month) "…" }
                table.verdict id="progress" {
                    tr { th { "stage 阶段" } td id="stage" { (last.map(|s| s.stage.as_str()).unwrap_or("starting")) } }
                    tr { th { "best 当前最优" } td id="best" { (fmt(last.and_then(|s| s.best))) } }
                    tr { th { "bound 下界" } td id="bound" { (fmt(last.and_then(|s| s.bound))) } }
                }
                (follow_script(&format!("/months/{month}/solve/events")))
            }
        }
        None => {
            let failed = log.and_then(|l| l.outcome).and_then(Result::err);
            draft_view(&st.store, &month, failed.as_deref(), &csrf).await?
        }
    };
    render(
        token,
        &u,
        &format!("Solve 排班 · {month}"),
        Some(&month),
        body,
    )
}

fn fmt(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.1}")).unwrap_or_else(|| "—".into())
}

/// The newest version of the month: its objective breakdown, its grid and, while it is a
/// draft, the Publish button.
async fn draft_view(
    store: &Store,
    month: &str,
    failed: Option<&str>,
    csrf: &str,
) -> Result<Markup, super::PageError> {
    let versions = store.versions(month).await?;
    let Some(newest) = versions.iter().max_by_key(|v| v.version) else {
        return Ok(html! {
            @if let Some(why) = failed { p.why id="solve-failed" { "The solve failed 排班失败: " (why) } }
            p { "No roster for " (month) " yet." }
        });
    };
    let scenario = store.scenario(month).await?;
    let roster = store.roster_version(month, newest.version).await?;
    let b = evaluate(&scenario, &roster).with_spreads_of(&scenario, &roster);
    let m = MonthState {
        month: month.to_owned(),
        scenario,
        roster,
        version: newest.version,
        published: newest.published,
    };
    Ok(html! {
        @if let Some(why) = failed { p.why id="solve-failed" { "The last solve failed 排班失败: " (why) } }
        p id="draft" { "Version 版本 " (m.version) " · " (newest.reason) " · " @if m.published { strong { "published 已发布" } } @else { "draft 草稿" } }
        h2 { "Objective 目标 breakdown" }
        table.verdict id="breakdown" {
            tr { th { "requests 个人请求" } td { (format!("{:.1}", b.requests)) } }
            tr { th { "night fairness 夜班公平" } td { (format!("{:.1}", b.fair_nights)) " (spread " (b.night_spread) ")" } }
            tr { th { "weekend fairness 周末公平" } td { (format!("{:.1}", b.fair_weekends)) " (spread " (b.weekend_spread) ")" } }
            tr { th { "over-cover 超配" } td { (format!("{:.1}", b.over_cover)) } }
            tr { th { "total 合计" } td id="objective" { (format!("{:.1}", b.total())) } }
        }
        @if !m.published {
            form method="post" action={ "/months/" (month) "/publish" } {
                (csrf_field(csrf))
                input type="hidden" name="version" value=(m.version);
                button id="publish" { "Publish 发布 version " (m.version) }
            }
        }
        (grid::month_grid(&m, None, &[]))
    })
}

#[derive(Deserialize)]
pub(super) struct PublishForm {
    version: i64,
}

pub(super) async fn publish(
    State(st): State<AppState>,
    PageUser(u): PageUser,
    Path(month): Path<String>,
    Form(f): Form<PublishForm>,
) -> PageResult {
    let month = month_key(&month)?;
    st.store.publish(&month, f.version, &u).await?;
    Ok(Redirect::to(&format!("/months/{month}")).into_response())
}
