//! The server's answers at the 150-person centre, in process through `Router::oneshot`
//! (no port, so the figures are the application's, not the network's): the month grid, a
//! person's month, and a swap verdict (`POST /api/months/M/swaps`, judged by every SWAP-*
//! rule and stored with its audit row, fsync included).
//!
//!     cargo bench --bench serve
//!     ROSTER_BENCH_DB=postgres:///roster_bench?host=/var/run/postgresql cargo bench --bench serve
//!
//! The second measures on PostgreSQL (an empty database: `createdb roster_bench`).
//!
//! The targets (page loads under 100 ms, swap verdicts under 50 ms) are measured
//! here, never asserted in a test. `examples/serve_load.rs` is the load run over TCP.

#[path = "support/cookies.rs"]
mod cookies;
#[path = "support/serve_world.rs"]
mod serve_world;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use criterion::{Criterion, criterion_group, criterion_main};
use http_body_util::BodyExt;
use roster::store::Db;
use serde_json::{Value, json};
use serve_world::{PASSWORD, world};
use std::time::Duration;
use tower::ServiceExt;

struct Session {
    cookie: String,
    csrf: String,
}

async fn call(app: &Router, req: Request<Body>) -> (StatusCode, Vec<u8>, Option<String>) {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let cookie = cookies::cookie_header(res.headers());
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, body, cookie)
}

async fn login(app: &Router, user: &str) -> Session {
    let req = Request::post("/api/login")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({"user": user, "password": PASSWORD}).to_string(),
        ))
        .unwrap();
    let (status, body, cookie) = call(app, req).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let v: Value = serde_json::from_slice(&body).unwrap();
    Session {
        cookie: cookie.expect("a session cookie"),
        csrf: v["csrf"].as_str().unwrap().to_owned(),
    }
}

fn get(uri: &str, s: &Session) -> Request<Body> {
    Request::get(uri)
        .header(header::COOKIE, &s.cookie)
        .body(Body::empty())
        .unwrap()
}

fn serve(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    // ROSTER_BENCH_DB: an empty PostgreSQL database (postgres://...) to measure there
    // instead of a fresh SQLite file.
    let dir = tempfile::tempdir().unwrap();
    let db = std::env::var("ROSTER_BENCH_DB")
        .map(|url| Db::parse(&url))
        .unwrap_or_else(|_| Db::Sqlite(dir.path().join("roster.db")));
    eprintln!("database: {db}");
    let w = rt.block_on(world(db));
    let app = rt.block_on(roster::server::app(w.store.clone())).unwrap();
    let lead = rt.block_on(login(&app, &w.lead));
    let agent = rt.block_on(login(&app, &w.agent));
    let grid = format!("/months/{}", w.month);
    let person = format!("/months/{}/people/{}", w.month, w.agent);
    let (a, date, b, back) = w.swap.clone();
    let swap = json!({"staff": a, "date": date, "with": b, "return_date": back}).to_string();
    let propose = || {
        Request::builder()
            .method(Method::POST)
            .uri(format!("/api/months/{}/swaps", w.month))
            .header(header::COOKIE, &lead.cookie)
            .header("x-csrf-token", &lead.csrf)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(swap.clone()))
            .unwrap()
    };
    // Each answer is checked once, so the figures are of pages that work.
    rt.block_on(async {
        for uri in [&grid, &person] {
            let (status, body, _) = call(&app, get(uri, &agent)).await;
            assert_eq!(
                status,
                StatusCode::OK,
                "{uri}: {}",
                String::from_utf8_lossy(&body)
            );
        }
        let (status, body, _) = call(&app, propose()).await;
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(status, StatusCode::OK, "{v}");
        assert_eq!(
            v["violations"],
            json!([]),
            "the bench swap is accepted: {v}"
        );
    });

    let mut g = c.benchmark_group("serve");
    g.sample_size(30)
        .measurement_time(Duration::from_secs(10))
        .warm_up_time(Duration::from_secs(2));
    g.bench_function("page/month-grid/large-150", |bch| {
        bch.iter(|| rt.block_on(call(&app, get(&grid, &agent))))
    });
    g.bench_function("page/person/large-150", |bch| {
        bch.iter(|| rt.block_on(call(&app, get(&person, &agent))))
    });
    g.bench_function("api/swap-verdict/large-150", |bch| {
        bch.iter(|| rt.block_on(call(&app, propose())))
    });
    g.finish();
}

criterion_group!(benches, serve);
criterion_main!(benches);
