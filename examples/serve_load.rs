//! The load run of issue 15: the real `roster serve` process on the 150-person centre,
//! 50 clients held for a minute over TCP, each logged in and looping through what people do
//! all day (the month grid, their own month, the roster JSON, now and then a swap
//! verdict). Counts errors (no answer, or a status that is not the expected one) and
//! prints latency percentiles per kind of request.
//!
//!     cargo build && cargo run --example serve_load -- [CLIENTS] [SECONDS]
//!
//! The server is target/<profile>/roster beside this example; the database is a fresh one
//! in a temporary directory, made as `benches/serve.rs` makes it.

#[path = "../benches/support/cookies.rs"]
mod cookies;
#[path = "../benches/support/serve_world.rs"]
mod serve_world;

use axum::body::Bytes;
use axum::http::{Request, header};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::{Client, connect::HttpConnector};
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};
use serve_world::{PASSWORD, world};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

type Http = Client<HttpConnector, Full<Bytes>>;

#[derive(Default)]
struct Tally {
    /// Kind of request -> latencies of the answers that were right.
    ok: BTreeMap<&'static str, Vec<Duration>>,
    errors: BTreeMap<&'static str, usize>,
}

struct Session {
    cookie: String,
    csrf: String,
}

async fn send(
    http: &Http,
    req: Request<Full<Bytes>>,
) -> Result<(u16, Bytes, Option<String>), String> {
    let res = http.request(req).await.map_err(|e| e.to_string())?;
    let status = res.status().as_u16();
    let cookie = cookies::cookie_header(res.headers());
    let body = res.into_body().collect().await.map_err(|e| e.to_string())?;
    Ok((status, body.to_bytes(), cookie))
}

async fn login(http: &Http, base: &str, user: &str) -> Result<Session, String> {
    let req = Request::post(format!("{base}/api/login"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Full::new(Bytes::from(
            json!({"user": user, "password": PASSWORD}).to_string(),
        )))
        .unwrap();
    let (status, body, cookie) = send(http, req).await?;
    let v: Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
    match (status, cookie, v["csrf"].as_str()) {
        (200, Some(cookie), Some(csrf)) => Ok(Session {
            cookie,
            csrf: csrf.to_owned(),
        }),
        _ => Err(format!("login {user}: {status} {v}")),
    }
}

struct Plan {
    base: String,
    month: String,
    lead: String,
    agent: String,
    swap: String,
}

/// One person at the keyboard until `until`: three reads to a verdict, round and round.
async fn client(http: Http, plan: std::sync::Arc<Plan>, n: usize, until: Instant) -> Tally {
    let mut t = Tally::default();
    let user = if n.is_multiple_of(5) {
        &plan.lead
    } else {
        &plan.agent
    };
    let s = match login(&http, &plan.base, user).await {
        Ok(s) => s,
        Err(_) => {
            *t.errors.entry("login").or_default() += 1;
            return t;
        }
    };
    let base = &plan.base;
    let kinds: [(&'static str, String); 3] = [
        ("month grid page", format!("{base}/months/{}", plan.month)),
        (
            "person page",
            format!("{base}/months/{}/people/{}", plan.month, plan.agent),
        ),
        (
            "roster JSON",
            format!("{base}/api/months/{}/roster", plan.month),
        ),
    ];
    let mut i = n;
    while Instant::now() < until {
        i += 1;
        let (kind, req) = if user == &plan.lead && i.is_multiple_of(4) {
            let req = Request::post(format!("{base}/api/months/{}/swaps", plan.month))
                .header(header::COOKIE, &s.cookie)
                .header("x-csrf-token", &s.csrf)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Full::new(Bytes::from(plan.swap.clone())))
                .unwrap();
            ("swap verdict", req)
        } else {
            let (kind, uri) = &kinds[i % 3];
            let req = Request::get(uri)
                .header(header::COOKIE, &s.cookie)
                .body(Full::new(Bytes::new()))
                .unwrap();
            (*kind, req)
        };
        let start = Instant::now();
        match send(&http, req).await {
            Ok((200, _, _)) => t.ok.entry(kind).or_default().push(start.elapsed()),
            _ => *t.errors.entry(kind).or_default() += 1,
        }
    }
    t
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let clients: usize = args.get(1).map_or(50, |a| a.parse().expect("CLIENTS"));
    let seconds: u64 = args.get(2).map_or(60, |a| a.parse().expect("SECONDS"));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("roster.db");
    let w = world(&db).await;
    w.store.pool().close().await;
    let exe = std::env::current_exe().unwrap();
    let server = exe.parent().unwrap().parent().unwrap().join("roster");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut child = std::process::Command::new(&server)
        .args(["serve", "--addr", &addr, "--db"])
        .arg(&db)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e} (run `cargo build` first)", server.display()));
    while std::net::TcpStream::connect(&addr).is_err() {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (a, date, b, back) = &w.swap;
    let plan = std::sync::Arc::new(Plan {
        base: format!("http://{addr}"),
        month: w.month.clone(),
        lead: w.lead.clone(),
        agent: w.agent.clone(),
        swap: json!({"staff": a, "date": date, "with": b, "return_date": back}).to_string(),
    });
    let http: Http = Client::builder(TokioExecutor::new()).build_http();
    let until = Instant::now() + Duration::from_secs(seconds);
    let tasks: Vec<_> = (0..clients)
        .map(|n| tokio::spawn(client(http.clone(), plan.clone(), n, until)))
        .collect();
    let mut all = Tally::default();
    for t in tasks {
        let t = t.await.unwrap();
        for (k, v) in t.ok {
            all.ok.entry(k).or_default().extend(v);
        }
        for (k, n) in t.errors {
            *all.errors.entry(k).or_default() += n;
        }
    }
    child.kill().ok();
    child.wait().ok();
    println!(
        "{clients} clients for {seconds} s against {}",
        server.display()
    );
    println!(
        "{:<16} {:>8} {:>7} {:>8} {:>8} {:>8} {:>8}",
        "request", "answers", "errors", "p50 ms", "p90 ms", "p99 ms", "max ms"
    );
    let kinds: std::collections::BTreeSet<&str> =
        all.ok.keys().chain(all.errors.keys()).copied().collect();
    for k in kinds {
        let mut v = all.ok.get(k).cloned().unwrap_or_default();
        v.sort();
        let errors = all.errors.get(k).copied().unwrap_or(0);
        if v.is_empty() {
            println!("{k:<16} {:>8} {errors:>7}", 0);
            continue;
        }
        println!(
            "{k:<16} {:>8} {errors:>7} {:>8.1} {:>8.1} {:>8.1} {:>8.1}",
            v.len(),
            percentile(&v, 0.5),
            percentile(&v, 0.9),
            percentile(&v, 0.99),
            percentile(&v, 1.0)
        );
    }
    let total_errors: usize = all.errors.values().sum();
    println!("errors: {total_errors}");
    if total_errors > 0 {
        std::process::exit(1);
    }
}
