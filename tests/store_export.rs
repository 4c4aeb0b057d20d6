//! `roster export --db DB --month M`: the database source of the one export command gives
//! the month's current published roster, the same one the server's API answers, so the
//! command line and the server are one system. Bad months and missing databases exit 2
//! with one line and write nothing.

use crate::common::serve as serve_common;

use assert_cmd::Command;
use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use predicates::prelude::*;
use predicates::str::contains;
use roster::store::{Backend, Db, SwapInput, SwapState};
use serde_json::{Value, json};
use serve_common::*;
use tower::ServiceExt;

fn roster() -> Command {
    Command::cargo_bin("roster").unwrap()
}

async fn send(app: &Router, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Value) {
    let res = app.clone().oneshot(req).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let v = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&bytes)));
    (status, headers, v)
}

/// The month's roster as `GET /api/months/M/roster` answers it to a logged-in agent.
async fn api_roster(app: &Router, login: &str) -> Value {
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/login")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({"user": login, "password": PASSWORD}).to_string(),
        ))
        .unwrap();
    let (status, headers, body) = send(app, req).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let cookie = crate::common::cookies::cookie_header(&headers).expect("login cookies");
    let req = Request::builder()
        .uri(format!("/api/months/{MONTH}/roster"))
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = send(app, req).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

mod export_from_the_database_is_the_roster_the_api_serves_after_a_swap {
    use roster::store::Backend;

    #[test]
    fn sqlite() {
        super::export_after_a_swap(Backend::Sqlite);
    }

    #[test]
    fn postgres() {
        super::export_after_a_swap(Backend::Postgres);
    }
}

fn export_after_a_swap(backend: Backend) {
    let rt = rt();
    let s = rt.block_on(seeded_on(backend));
    let db = s.db.arg();
    let sc = scenario();
    let ta = team_of(&sc, "S01");
    let (a, d, b) = valid_swaps_where(ta, 1, |_, _, b| team_of(&sc, b) == ta)
        .pop()
        .expect("a swap inside team A");
    let api = rt.block_on(async {
        let input = SwapInput {
            staff: a.clone(),
            date: d.clone(),
            with: b.clone(),
            return_date: None,
        };
        let r = s
            .store
            .propose_swap(MONTH, &s.lead_a, &input)
            .await
            .unwrap();
        let done = s.store.approve_swap(r.id, &s.lead_a).await.unwrap();
        assert_eq!(done.state, SwapState::Applied, "{done:?}");
        let app = roster::server::app(s.store.clone()).await.unwrap();
        api_roster(&app, &s.agent.login).await
    });
    assert_eq!(api["version"], json!(2), "the swap made version 2");

    let out = tempfile::tempdir().unwrap();
    let (json_out, csv_out) = (out.path().join("m.json"), out.path().join("m.csv"));
    roster()
        .args(["export", "--month", MONTH, "--db"])
        .arg(&db)
        .arg("--json")
        .arg(&json_out)
        .arg("--csv")
        .arg(&csv_out)
        .assert()
        .code(0)
        .stdout(contains("wrote"));
    let exported: Value = serde_json::from_slice(&std::fs::read(&json_out).unwrap()).unwrap();
    let mut served = api.clone();
    served.as_object_mut().unwrap().remove("version");
    assert_eq!(exported, served, "export --db and the API disagree");
    let gives_away = exported["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["staff"] == json!(a) && x["date"] == json!(d));
    assert!(
        !gives_away,
        "{a} still works {d}: the export is not the swapped roster"
    );

    // The file source on the same roster writes the same CSV: one command, two sources.
    let roster_file = out.path().join("served.roster.json");
    std::fs::write(&roster_file, serde_json::to_vec(&served).unwrap()).unwrap();
    let csv_from_files = out.path().join("f.csv");
    roster()
        .args(["export", "scenarios/seed-2026-12.toml"])
        .arg(&roster_file)
        .arg("--csv")
        .arg(&csv_from_files)
        .assert()
        .code(0);
    assert_eq!(
        std::fs::read_to_string(&csv_out).unwrap(),
        std::fs::read_to_string(&csv_from_files).unwrap()
    );
    if let Db::Postgres(url) = &s.db.db {
        // A database that is not there exits 2 with one line naming it and saying so,
        // and the line does not show the URL's password.
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let server = base.rsplit_once('/').unwrap().0;
        let missing = format!("{server}/roster_no_such_db?{query}&password=hunter22");
        roster()
            .args(["export", "--month", MONTH, "--db", &missing, "--json"])
            .arg(out.path().join("none.json"))
            .assert()
            .code(2)
            .stderr(
                contains("roster_no_such_db")
                    .and(contains("does not exist"))
                    .and(contains("password=***"))
                    .and(contains("hunter22").not())
                    .and(predicate::function(|e: &str| e.lines().count() == 1)),
            );
    }
}

#[test]
fn export_from_a_bad_month_or_a_missing_database_exits_2_and_writes_nothing() {
    let rt = rt();
    let s = rt.block_on(seeded());
    let db = s.dir.path().join("roster.db");
    let out = tempfile::tempdir().unwrap();
    let json_out = out.path().join("m.json");
    let missing = out.path().join("no-such.db");
    let cases: [(&str, &std::path::Path, &str); 4] = [
        ("2026-13", &db, "is not a month"),
        ("2026-1", &db, "is not a month"),
        ("2027-01", &db, "no month 2027-01"),
        (MONTH, &missing, "no such database"),
    ];
    for (month, db, says) in cases {
        roster()
            .args(["export", "--month", month, "--db"])
            .arg(db)
            .arg("--json")
            .arg(&json_out)
            .assert()
            .code(2)
            .stderr(contains(says).and(predicate::function(|e: &str| e.lines().count() == 1)));
        assert!(!json_out.exists(), "{month}: wrote a file");
    }
    assert!(
        !missing.exists(),
        "export created the database it was told to read"
    );
    // Both sources at once is a usage error, not a guess.
    roster()
        .args(["export", "a.toml", "b.json", "--month", MONTH, "--json"])
        .arg(&json_out)
        .assert()
        .code(2);
}
