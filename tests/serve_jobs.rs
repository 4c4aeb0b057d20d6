//! Long jobs (a month's solve, a simulation) with several servers on one database
//! (issue 15 item 6): the job's log lives in the database, so a second server streams a job
//! the first runs to its end, refuses to start it twice, and sees a job whose server died
//! as failed and startable again. Two stores on one database stand for two server processes
//! (each its own pool and its own `Jobs`); the stream is read through the second's app.

use crate::common::serve as serve_common;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use roster::server::jobs::{JobLog, Jobs, STOPPED, Step};
use roster::store::{Backend, Store};
use serde_json::json;
use serve_common::*;
use tower::ServiceExt;

const KEY: &str = "solve:2027-01";
const EVENTS: &str = "/months/2027-01/solve/events";

fn step(stage: &str, best: Option<f64>) -> Step {
    Step {
        stage: stage.into(),
        best,
        bound: None,
    }
}

/// The session cookies of `user`, logged in through `app`.
async fn login(app: &Router, user: &str) -> String {
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/login")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({"user": user, "password": PASSWORD}).to_string(),
        ))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .collect::<Vec<_>>()
        .join("; ")
}

/// `GET uri` through `app`, read to the end of the body.
async fn get(app: &Router, cookie: &str, uri: &str) -> (StatusCode, String) {
    let req = Request::builder()
        .uri(uri)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// Waits until `jobs` (another server) sees `n` steps of the running job.
async fn until_steps(jobs: &Jobs, n: usize) -> JobLog {
    loop {
        let log = jobs.log(KEY).await.unwrap().expect("the job is stored");
        assert!(log.outcome.is_none(), "still running: {log:?}");
        if log.steps.len() == n {
            return log;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

async fn a_job_run_by_one_server_streams_from_another(backend: Backend) {
    let s = seeded_on(backend).await;
    let one = Jobs::new(s.store.clone());
    let other = Store::open(&s.db.db).await.unwrap();
    let two = Jobs::new(other.clone());
    let app_two = roster::server::app(other).await.unwrap();
    let head = login(&app_two, "head").await;
    assert_eq!(get(&app_two, &head, EVENTS).await.0, StatusCode::NOT_FOUND);

    let reporter = one.start(KEY).await.unwrap().expect("server one starts it");
    assert!(
        two.start(KEY).await.unwrap().is_none(),
        "server two refuses while one runs it"
    );
    reporter.step(step("presolve", None));
    // Server two sees the progress while the job runs, from the database.
    let seen = until_steps(&two, 1).await;
    assert_eq!(seen.steps[0].stage, "presolve");
    // Server two's stream gives the first step before the job goes on, then the rest.
    let req = Request::builder()
        .uri(EVENTS)
        .header(header::COOKIE, &head)
        .body(Body::empty())
        .unwrap();
    let res = app_two.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let mut body = res.into_body();
    let mut text = String::new();
    while !text.contains("\n\n") {
        let frame = body.frame().await.expect("a first event").unwrap();
        if let Ok(data) = frame.into_data() {
            text.push_str(&String::from_utf8_lossy(&data));
        }
    }
    assert!(text.starts_with("event: progress\n"), "{text}");
    reporter.step(step("branch", Some(12.5)));
    reporter.finish(Ok("version 2: solved".into())).await;
    let rest = body.collect().await.unwrap().to_bytes();
    let body = text + &String::from_utf8_lossy(&rest);
    let events = crate::common::serve::sse_events(&body);
    let names: Vec<&str> = events.iter().map(|(e, _)| e.as_str()).collect();
    assert_eq!(names, ["progress", "progress", "done"], "{body}");
    assert!(events[0].1.contains("\"presolve\""), "{body}");
    assert!(
        events[1].1.contains("\"branch\"") && events[1].1.contains("12.5"),
        "{body}"
    );
    assert_eq!(events[2].1, "version 2: solved");
    // Over: either server may start it again, and then the other refuses.
    let again = two.start(KEY).await.unwrap().expect("startable once over");
    assert!(one.start(KEY).await.unwrap().is_none());
    // A job whose task drops its reporter without an outcome is stored as failed at once.
    drop(again);
    let log = loop {
        let log = one.log(KEY).await.unwrap().unwrap();
        if log.outcome.is_some() {
            break log;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert_eq!(
        log.outcome,
        Some(Err("the job ended without a word".to_owned()))
    );
}

async fn a_job_whose_server_stopped_fails_and_may_start_again(backend: Backend) {
    let s = seeded_on(backend).await;
    // A server that claimed the job, reported a step and stopped: its heartbeat is old.
    sqlx::query(
        "INSERT INTO jobs (key, steps, outcome, message, result, owner, heartbeat) \
         VALUES ($1, $2, NULL, NULL, NULL, 'gone', $3)",
    )
    .bind(KEY)
    .bind(r#"[{"stage":"presolve","best":null,"bound":null}]"#)
    .bind(1_000_i64)
    .execute(s.store.pool())
    .await
    .unwrap();
    let jobs = Jobs::new(s.store.clone());
    let log = jobs.log(KEY).await.unwrap().expect("stored");
    assert_eq!(log.outcome, Some(Err(STOPPED.to_owned())));
    assert_eq!(log.steps.len(), 1);
    let app = roster::server::app(s.store.clone()).await.unwrap();
    let head = login(&app, "head").await;
    let (status, body) = get(&app, &head, EVENTS).await;
    assert_eq!(status, StatusCode::OK);
    let events = crate::common::serve::sse_events(&body);
    assert_eq!(
        events,
        [
            (
                "progress".to_owned(),
                r#"{"stage":"presolve","best":null,"bound":null}"#.to_owned()
            ),
            ("failed".to_owned(), STOPPED.to_owned())
        ]
    );
    let reporter = jobs.start(KEY).await.unwrap().expect("restartable");
    let log = jobs.log(KEY).await.unwrap().unwrap();
    assert!(log.outcome.is_none() && log.steps.is_empty(), "{log:?}");
    let other = Jobs::new(Store::open(&s.db.db).await.unwrap());
    assert!(other.start(KEY).await.unwrap().is_none(), "live again");
    reporter.finish(Err("stopped by the test".into())).await;
    let log = other.log(KEY).await.unwrap().unwrap();
    assert_eq!(log.outcome, Some(Err("stopped by the test".to_owned())));
}

on_both_databases!(rt; a_job_run_by_one_server_streams_from_another, a_job_whose_server_stopped_fails_and_may_start_again);
