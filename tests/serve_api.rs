//! The HTTP API and pages through tower's `oneshot` (no port): every route, every role, and
//! the security properties — no state change without a session and its CSRF token, nothing
//! changed by a GET, an agent cannot approve, a lead cannot approve outside their team.

use crate::common::serve as serve_common;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use serve_common::*;
use tower::ServiceExt;

struct Client {
    cookie: String,
    csrf: String,
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    text: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
}

async fn call(
    app: &Router,
    method: Method,
    uri: &str,
    who: Option<&Client>,
    csrf: bool,
    body: Option<Value>,
) -> Answer {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(c) = who {
        req = req.header(header::COOKIE, &c.cookie);
        if csrf {
            req = req.header("x-csrf-token", &c.csrf);
        }
    }
    let req = match body {
        Some(b) => req
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(b.to_string())),
        None => req.body(Body::empty()),
    }
    .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        headers,
        text: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn login(app: &Router, user: &str) -> Client {
    let a = call(
        app,
        Method::POST,
        "/api/login",
        None,
        false,
        Some(json!({"user": user, "password": PASSWORD})),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    // Two cookies: the session and the CSRF secret (encrypted); both HttpOnly and Strict.
    let cookies: Vec<&str> = a
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    for name in ["roster_session=", "roster_csrf="] {
        let c = cookies
            .iter()
            .find(|c| c.starts_with(name))
            .unwrap_or_else(|| panic!("no {name} cookie in {cookies:?}"));
        assert!(
            c.contains("HttpOnly") && c.contains("SameSite=Strict"),
            "{c}"
        );
    }
    Client {
        cookie: cookies
            .iter()
            .map(|c| c.split(';').next().unwrap())
            .collect::<Vec<_>>()
            .join("; "),
        csrf: a.json()["csrf"].as_str().unwrap().to_owned(),
    }
}

struct World {
    s: Seeded,
    app: Router,
}

async fn world() -> World {
    let s = seeded().await;
    let app = roster::server::app(s.store.clone()).await.unwrap();
    World { s, app }
}

/// A swap inside team A (lead S01 signs both sides), and one between teams A and another.
fn team_a_swaps() -> ((String, String, String), (String, String, String)) {
    let sc = scenario();
    let ta = team_of(&sc, "S01");
    let inside = valid_swaps_where(ta, 1, |_, _, b| team_of(&sc, b) == ta)
        .pop()
        .unwrap();
    let across = valid_swaps_where(ta, 1, |a, _, b| team_of(&sc, b) != ta && a != inside.0)
        .pop()
        .unwrap();
    (inside, across)
}

#[test]
fn login_sets_a_session_and_wrong_passwords_get_401() {
    rt().block_on(async {
        let w = world().await;
        let a = call(
            &w.app,
            Method::POST,
            "/api/login",
            None,
            false,
            Some(json!({"user": "S01", "password": "nope"})),
        )
        .await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
        assert!(
            a.json()["message"]
                .as_str()
                .unwrap()
                .contains("wrong password")
        );
        let a = call(
            &w.app,
            Method::POST,
            "/api/login",
            None,
            false,
            Some(json!({"user": "nobody", "password": PASSWORD})),
        )
        .await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
        let a = call(
            &w.app,
            Method::POST,
            "/api/login",
            None,
            false,
            Some(json!({"user": 3})),
        )
        .await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST);
        let c = login(&w.app, "S01").await;
        let me = call(&w.app, Method::GET, "/api/session", Some(&c), false, None).await;
        assert_eq!(me.json()["role"], "lead");
        assert_eq!(me.json()["csrf"], c.csrf.as_str());
        let out = call(&w.app, Method::POST, "/api/logout", Some(&c), true, None).await;
        assert_eq!(out.status, StatusCode::OK);
        let gone = call(&w.app, Method::GET, "/api/session", Some(&c), false, None).await;
        assert_eq!(gone.status, StatusCode::UNAUTHORIZED);
    });
}

#[test]
fn reads_need_a_session_and_answer_the_contract_roster_with_its_version() {
    rt().block_on(async {
        let w = world().await;
        for uri in [
            "/api/months",
            "/api/months/2026-12/roster",
            "/api/audit",
            "/api/months/2026-12/swaps",
            "/api/months/2026-12/versions",
        ] {
            let a = call(&w.app, Method::GET, uri, None, false, None).await;
            assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{uri}");
            assert!(a.json()["message"].is_string());
        }
        let c = login(&w.app, "S06").await;
        let r = call(
            &w.app,
            Method::GET,
            "/api/months/2026-12/roster",
            Some(&c),
            false,
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::OK);
        let v = r.json();
        assert_eq!(v["version"], 1);
        assert_eq!(v["month"], "2026-12");
        assert_eq!(
            v["assignments"].as_array().unwrap().len(),
            seed_roster(&scenario()).assignments.len()
        );
        assert_eq!(
            call(
                &w.app,
                Method::GET,
                "/api/months/2026-13/roster",
                Some(&c),
                false,
                None
            )
            .await
            .status,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            call(
                &w.app,
                Method::GET,
                "/api/months/2027-01/roster",
                Some(&c),
                false,
                None
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            call(&w.app, Method::GET, "/api/swaps/999", Some(&c), false, None)
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let cand = call(
            &w.app,
            Method::GET,
            "/api/months/2026-12/candidates?staff=S99&date=2026-12-03",
            Some(&c),
            false,
            None,
        )
        .await;
        assert_eq!(cand.status, StatusCode::BAD_REQUEST);
        assert_eq!(
            call(
                &w.app,
                Method::GET,
                "/api/audit?month=2026-12",
                Some(&c),
                false,
                None
            )
            .await
            .status,
            StatusCode::FORBIDDEN,
            "agents do not read the audit log"
        );
        let p = login(&w.app, "planner").await;
        let log = call(
            &w.app,
            Method::GET,
            "/api/audit?month=2026-12",
            Some(&p),
            false,
            None,
        )
        .await;
        assert_eq!(log.status, StatusCode::OK);
        assert!(
            log.json()["entries"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["action"] == "publish")
        );
    });
}

#[test]
fn no_state_changes_without_a_session_and_its_csrf_token() {
    rt().block_on(async {
        let w = world().await;
        let ((a, d, b), _) = team_a_swaps();
        let lead = login(&w.app, "S01").await;
        let other = login(&w.app, "S10").await;
        let body = json!({"staff": a, "date": d, "with": b});
        let post = |uri: &'static str| uri;
        // No session at all; a session without the token; a session with another session's token.
        let none = call(
            &w.app,
            Method::POST,
            post("/api/months/2026-12/swaps"),
            None,
            false,
            Some(body.clone()),
        )
        .await;
        assert_eq!(none.status, StatusCode::UNAUTHORIZED);
        let no_token = call(
            &w.app,
            Method::POST,
            "/api/months/2026-12/swaps",
            Some(&lead),
            false,
            Some(body.clone()),
        )
        .await;
        assert_eq!(no_token.status, StatusCode::FORBIDDEN);
        assert!(
            no_token.json()["message"]
                .as_str()
                .unwrap()
                .contains("CSRF")
        );
        let stolen = Client {
            cookie: lead.cookie.clone(),
            csrf: other.csrf.clone(),
        };
        let wrong = call(
            &w.app,
            Method::POST,
            "/api/months/2026-12/swaps",
            Some(&stolen),
            true,
            Some(body.clone()),
        )
        .await;
        assert_eq!(wrong.status, StatusCode::FORBIDDEN);
        for uri in [
            "/api/swaps/1/approve",
            "/api/swaps/1/accept",
            "/api/months/2026-12/publish",
            "/api/leave/1/approve",
            "/api/months/2026-12/leave",
            "/api/logout",
        ] {
            assert_eq!(
                call(&w.app, Method::POST, uri, None, false, Some(json!({})))
                    .await
                    .status,
                StatusCode::UNAUTHORIZED,
                "{uri}"
            );
            assert_eq!(
                call(
                    &w.app,
                    Method::POST,
                    uri,
                    Some(&lead),
                    false,
                    Some(json!({}))
                )
                .await
                .status,
                StatusCode::FORBIDDEN,
                "{uri}"
            );
        }
        // Nothing was filed, and a GET on a state-changing route is refused.
        assert!(w.s.store.swaps(MONTH).await.unwrap().is_empty());
        let ok = call(
            &w.app,
            Method::POST,
            "/api/months/2026-12/swaps",
            Some(&lead),
            true,
            Some(body),
        )
        .await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
        let id = ok.json()["id"].as_i64().unwrap();
        let get = call(
            &w.app,
            Method::GET,
            &format!("/api/swaps/{id}/approve"),
            Some(&lead),
            true,
            None,
        )
        .await;
        assert_eq!(get.status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(
            w.s.store.swap(id).await.unwrap().state,
            roster::store::SwapState::AcceptedByPartner
        );
        // The pages' forms carry the token in a field; without it they are refused too.
        let form = Request::builder()
            .method(Method::POST)
            .uri(format!("/swaps/{id}/approve"))
            .header(header::COOKIE, &lead.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("csrf=wrong"))
            .unwrap();
        assert_eq!(
            w.app.clone().oneshot(form).await.unwrap().status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            w.s.store.swap(id).await.unwrap().state,
            roster::store::SwapState::AcceptedByPartner
        );
    });
}

#[test]
fn swaps_through_the_api_by_role() {
    rt().block_on(async {
        let w = world().await;
        let sc = scenario();
        let ((a, d, b), (a2, d2, b2)) = team_a_swaps();
        let lead_a = login(&w.app, "S01").await;
        let agent = login(&w.app, "S06").await;
        // SWAP-SKILL: a senior lead and a junior.
        let d0 = seed_roster(&sc)
            .assignments
            .iter()
            .find(|x| x.staff == "S01")
            .unwrap()
            .date
            .to_string();
        let rej = call(
            &w.app,
            Method::POST,
            "/api/months/2026-12/swaps",
            Some(&lead_a),
            true,
            Some(json!({"staff": "S01", "date": d0, "with": "S06"})),
        )
        .await;
        assert_eq!(rej.status, StatusCode::OK);
        assert_eq!(rej.json()["state"], "rejected");
        assert!(
            rej.json()["violations"]
                .as_array()
                .unwrap()
                .iter()
                .any(|v| v["rule"] == "SWAP-SKILL")
        );
        let bad = call(
            &w.app,
            Method::POST,
            "/api/months/2026-12/swaps",
            Some(&lead_a),
            true,
            Some(json!({"staff": "S01", "date": "2026-11-02", "with": "S06"})),
        )
        .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.json()["message"].as_str().unwrap().contains("date"));
        // Inside team A: the lead files and signs, and the roster moves to version 2.
        let r = call(
            &w.app,
            Method::POST,
            "/api/months/2026-12/swaps",
            Some(&lead_a),
            true,
            Some(json!({"staff": a, "date": d, "with": b})),
        )
        .await
        .json();
        let id = r["id"].as_i64().unwrap();
        let by_agent = call(
            &w.app,
            Method::POST,
            &format!("/api/swaps/{id}/approve"),
            Some(&agent),
            true,
            None,
        )
        .await;
        assert_eq!(by_agent.status, StatusCode::FORBIDDEN);
        assert!(
            by_agent.json()["message"]
                .as_str()
                .unwrap()
                .contains("only team leads")
        );
        let outsider = login(&w.app, "S19").await;
        let by_outsider = call(
            &w.app,
            Method::POST,
            &format!("/api/swaps/{id}/approve"),
            Some(&outsider),
            true,
            None,
        )
        .await;
        assert_eq!(by_outsider.status, StatusCode::FORBIDDEN);
        assert!(
            by_outsider.json()["message"]
                .as_str()
                .unwrap()
                .contains("leads no team")
        );
        let ok = call(
            &w.app,
            Method::POST,
            &format!("/api/swaps/{id}/approve"),
            Some(&lead_a),
            true,
            None,
        )
        .await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
        assert_eq!(ok.json()["state"], "applied");
        let again = call(
            &w.app,
            Method::POST,
            &format!("/api/swaps/{id}/approve"),
            Some(&lead_a),
            true,
            None,
        )
        .await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        let roster = call(
            &w.app,
            Method::GET,
            "/api/months/2026-12/roster",
            Some(&agent),
            false,
            None,
        )
        .await
        .json();
        assert_eq!(roster["version"], 2);
        // Across teams: A's lead signs one side; B's lead the other, then it applies.
        let r2 = call(
            &w.app,
            Method::POST,
            "/api/months/2026-12/swaps",
            Some(&lead_a),
            true,
            Some(json!({"staff": a2, "date": d2, "with": b2})),
        )
        .await
        .json();
        let id2 = r2["id"].as_i64().unwrap();
        let first = call(
            &w.app,
            Method::POST,
            &format!("/api/swaps/{id2}/approve"),
            Some(&lead_a),
            true,
            None,
        )
        .await;
        assert_eq!(first.json()["state"], "approved_by_lead_a");
        let lead_b_id = sc.staff[sc.teams[team_of(&sc, &b2)].lead.unwrap()]
            .id
            .clone();
        if w.s
            .store
            .login(&lead_b_id, PASSWORD)
            .await
            .unwrap()
            .is_none()
        {
            w.s.store
                .add_user(
                    &lead_b_id,
                    roster::store::Role::Lead,
                    Some(&lead_b_id),
                    PASSWORD,
                    "test",
                )
                .await
                .unwrap();
        }
        let lead_b = login(&w.app, &lead_b_id).await;
        let second = call(
            &w.app,
            Method::POST,
            &format!("/api/swaps/{id2}/approve"),
            Some(&lead_b),
            true,
            None,
        )
        .await;
        assert!(
            second.status == StatusCode::OK || second.status == StatusCode::CONFLICT,
            "{}",
            second.text
        );
        let list = call(
            &w.app,
            Method::GET,
            "/api/months/2026-12/swaps",
            Some(&agent),
            false,
            None,
        )
        .await
        .json();
        assert_eq!(list["swaps"].as_array().unwrap().len(), 3);
        let one = call(
            &w.app,
            Method::GET,
            &format!("/api/swaps/{id}"),
            Some(&agent),
            false,
            None,
        )
        .await
        .json();
        assert_eq!(one["applied_version"], 2);
    });
}

#[test]
fn publish_and_leave_follow_the_roles() {
    rt().block_on(async {
        let w = world().await;
        let sc = scenario();
        let head = login(&w.app, "head").await;
        let lead = login(&w.app, "S01").await;
        let agent = login(&w.app, "S06").await;
        let v = w.s.store.add_draft(MONTH, &seed_roster(&sc), "test", "draft").await.unwrap();
        let by_lead = call(&w.app, Method::POST, "/api/months/2026-12/publish", Some(&lead), true, Some(json!({"version": v}))).await;
        assert_eq!(by_lead.status, StatusCode::FORBIDDEN);
        assert!(by_lead.json()["message"].as_str().unwrap().contains("only the department head"));
        let by_head = call(&w.app, Method::POST, "/api/months/2026-12/publish", Some(&head), true, Some(json!({"version": v}))).await;
        assert_eq!(by_head.status, StatusCode::OK, "{}", by_head.text);
        let twice = call(&w.app, Method::POST, "/api/months/2026-12/publish", Some(&head), true, Some(json!({"version": v}))).await;
        assert_eq!(twice.status, StatusCode::CONFLICT);
        // Leave: an agent files their own; not somebody else's personal leave.
        let day = seed_roster(&sc).assignments.iter().find(|x| x.staff == "S06" && *x.date.to_string() >= *"2026-12-20").unwrap().date.to_string();
        let mine = call(&w.app, Method::POST, "/api/months/2026-12/leave", Some(&agent), true,
            Some(json!({"staff": "S06", "from": day, "to": day, "kind": "annual", "requested_at": "2026-12-01T09:00"}))).await;
        assert_eq!(mine.status, StatusCode::OK, "{}", mine.text);
        let l = mine.json();
        assert_eq!(l["approver"], "dept_head");
        assert!(l["affected"].as_array().unwrap().len() == 1);
        let theirs = call(&w.app, Method::POST, "/api/months/2026-12/leave", Some(&agent), true,
            Some(json!({"staff": "S07", "from": day, "to": day, "kind": "personal"}))).await;
        assert_eq!(theirs.status, StatusCode::FORBIDDEN);
        let long = call(&w.app, Method::POST, "/api/months/2026-12/leave", Some(&agent), true,
            Some(json!({"staff": "S06", "from": "2026-12-28", "to": "2026-12-30", "kind": "annual", "requested_at": "2026-12-01T09:00"}))).await.json();
        assert_eq!(long["approver"], "centre_director");
        let bad = call(&w.app, Method::POST, "/api/months/2026-12/leave", Some(&agent), true,
            Some(json!({"staff": "S06", "from": "2026-12-28", "to": "2026-12-20", "kind": "annual"}))).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        // The head may not approve the long one (it goes to the centre director), nor a lead the short one.
        let id_long = long["id"].as_i64().unwrap();
        let refused = call(&w.app, Method::POST, &format!("/api/leave/{id_long}/approve"), Some(&head), true, None).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert!(refused.json()["message"].as_str().unwrap().contains("centre_director"));
        let id = l["id"].as_i64().unwrap();
        let by_lead = call(&w.app, Method::POST, &format!("/api/leave/{id}/approve"), Some(&lead), true, None).await;
        assert_eq!(by_lead.status, StatusCode::FORBIDDEN);
        let listed = call(&w.app, Method::GET, "/api/months/2026-12/leave", Some(&agent), false, None).await.json();
        assert_eq!(listed["leave"].as_array().unwrap().len(), 2);
    });
}

#[test]
fn pages_need_a_login_show_the_month_and_refuse_with_a_403_page() {
    rt().block_on(async {
        let w = world().await;
        let page = |c: Option<&Client>, uri: &str| {
            let mut r = Request::builder().uri(uri.to_owned());
            if let Some(c) = c {
                r = r.header(header::COOKIE, c.cookie.clone());
            }
            let app = w.app.clone();
            async move {
                let res = app.oneshot(r.body(Body::empty()).unwrap()).await.unwrap();
                let status = res.status();
                let loc = res
                    .headers()
                    .get(header::LOCATION)
                    .map(|v| v.to_str().unwrap().to_owned());
                let text =
                    String::from_utf8_lossy(&res.into_body().collect().await.unwrap().to_bytes())
                        .into_owned();
                (status, loc, text)
            }
        };
        let (st, loc, _) = page(None, "/months/2026-12").await;
        assert_eq!(
            (st, loc.as_deref()),
            (StatusCode::SEE_OTHER, Some("/login"))
        );
        let (st, _, login_html) = page(None, "/login").await;
        assert_eq!(st, StatusCode::OK);
        assert!(login_html.contains("登录"));
        let agent = login(&w.app, "S06").await;
        let (st, _, grid) = page(Some(&agent), "/months/2026-12").await;
        assert_eq!(st, StatusCode::OK);
        let sc = scenario();
        assert!(
            sc.staff.iter().all(|p| grid.contains(&p.name)),
            "every name on the grid"
        );
        let (_, _, team_b) = page(Some(&agent), "/months/2026-12?team=B").await;
        let s10 = &sc.staff[sc.staff_by_id("S10").unwrap()].name;
        let s06 = &sc.staff[sc.staff_by_id("S06").unwrap()].name;
        assert!(team_b.contains(s10.as_str()) && !team_b.contains(&format!(">{s06} ")));
        for uri in [
            "/months/2026-12/people/S06",
            "/months/2026-12/requests",
            "/months/2026-12/charts",
        ] {
            assert_eq!(page(Some(&agent), uri).await.0, StatusCode::OK, "{uri}");
        }
        let d = seed_roster(&sc)
            .assignments
            .iter()
            .find(|x| x.staff == "S06")
            .unwrap()
            .date;
        let (st, _, cell) = page(
            Some(&agent),
            &format!("/months/2026-12/cell?staff=S06&date={d}"),
        )
        .await;
        assert_eq!(st, StatusCode::OK);
        assert!(cell.contains("swap-form"));
        // An agent's approval through a page: 403, and the page says why.
        let ((a, d, b), _) = team_a_swaps();
        let r =
            w.s.store
                .propose_swap(
                    MONTH,
                    &w.s.lead_a,
                    &roster::store::SwapInput {
                        staff: a,
                        date: d,
                        with: b,
                        return_date: None,
                    },
                )
                .await
                .unwrap();
        let form = Request::builder()
            .method(Method::POST)
            .uri(format!("/swaps/{}/approve", r.id))
            .header(header::COOKIE, &agent.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("csrf={}", urlencode(&agent.csrf))))
            .unwrap();
        let res = w.app.clone().oneshot(form).await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let text = String::from_utf8_lossy(&res.into_body().collect().await.unwrap().to_bytes())
            .into_owned();
        assert!(text.contains("only team leads approve swaps"), "{text}");
        let (st, _, swap_html) = page(Some(&agent), &format!("/swaps/{}", r.id)).await;
        assert_eq!(st, StatusCode::OK);
        assert!(swap_html.contains("SWAP-SKILL") && !swap_html.contains("id=\"approve\""));
    });
}

#[test]
fn csrf_tokens_hold_across_a_restart_and_expired_sessions_are_deleted() {
    rt().block_on(async {
        let w = world().await;
        let lead = login(&w.app, "S01").await;
        // A second process on the same database (a restart, or a second server behind a
        // proxy) accepts the token: the CSRF key lives in the database, not in memory.
        let again = roster::server::app(w.s.store.clone()).await.unwrap();
        let ((a, d, b), _) = team_a_swaps();
        let body = json!({"staff": a, "date": d, "with": b});
        let ok = call(&again, Method::POST, "/api/months/2026-12/swaps", Some(&lead), true, Some(body.clone())).await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
        // The token alone, with a CSRF cookie of another browser, is refused.
        let other = login(&w.app, "S10").await;
        let session_only = lead.cookie.split("; ").find(|c| c.starts_with("roster_session=")).unwrap();
        let csrf_other = other.cookie.split("; ").find(|c| c.starts_with("roster_csrf=")).unwrap();
        let mixed = Client { cookie: format!("{session_only}; {csrf_other}"), csrf: lead.csrf.clone() };
        let refused = call(&again, Method::POST, "/api/months/2026-12/swaps", Some(&mixed), true, Some(body)).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text);
        // Sessions past their expiry are swept when the server starts.
        let pool = w.s.store.pool();
        let count = || async {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM tower_sessions").fetch_one(pool).await.unwrap()
        };
        let live = count().await;
        assert!(live >= 2);
        sqlx::query("UPDATE tower_sessions SET expiry_date = 0 WHERE id IN (SELECT id FROM tower_sessions LIMIT 1)")
            .execute(pool)
            .await
            .unwrap();
        let _restarted = roster::server::app(w.s.store.clone()).await.unwrap();
        assert_eq!(count().await, live - 1);
    });
}

async fn page_text(app: &Router, who: &Client, uri: &str) -> (StatusCode, String) {
    let req = Request::builder()
        .uri(uri)
        .header(header::COOKIE, &who.cookie)
        .body(Body::empty())
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

async fn post_form(app: &Router, who: &Client, uri: &str) -> (StatusCode, Option<String>) {
    let req = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::COOKIE, &who.cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("csrf={}", urlencode(&who.csrf))))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let loc = res
        .headers()
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_owned());
    (res.status(), loc)
}

/// The form encoding of a token (base64 has `+`, `/` and `=`).
fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("v", s)]).unwrap()[2..].to_owned()
}

/// S06's rostered days from the 20th on (the past is frozen, so later days can be repaired).
fn late_days_of_s06() -> Vec<String> {
    let sc = scenario();
    let mut days: Vec<String> = seed_roster(&sc)
        .assignments
        .iter()
        .filter(|x| x.staff == "S06" && *x.date.to_string() >= *"2026-12-20")
        .map(|x| x.date.to_string())
        .collect();
    days.dedup();
    days
}

#[test]
fn the_leave_approver_sees_the_repair_preview_and_approving_applies_it() {
    rt().block_on(async {
        let w = world().await;
        let (head, lead, agent) = (login(&w.app, "head").await, login(&w.app, "S01").await, login(&w.app, "S06").await);
        let days = late_days_of_s06();
        let file = |day: String| {
            let (app, agent) = (w.app.clone(), &agent);
            async move {
                let a = call(&app, Method::POST, "/api/months/2026-12/leave", Some(agent), true,
                    Some(json!({"staff": "S06", "from": day, "to": day, "kind": "annual", "requested_at": "2026-12-01T09:00"}))).await;
                assert_eq!(a.status, StatusCode::OK, "{}", a.text);
                assert_eq!(a.json()["approver"], "dept_head");
                a.json()["id"].as_i64().unwrap()
            }
        };
        let id = file(days[0].clone()).await;
        let uri = format!("/api/leave/{id}/preview");
        let planner = login(&w.app, "planner").await;
        for who in [&agent, &lead, &planner] {
            let no = call(&w.app, Method::GET, &uri, Some(who), false, None).await;
            assert_eq!(no.status, StatusCode::FORBIDDEN, "{}", no.text);
            assert!(no.json()["message"].as_str().unwrap().contains("approver"));
        }
        let p = call(&w.app, Method::GET, &uri, Some(&head), false, None).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.text);
        let p = p.json();
        assert_eq!(p["accepted"], true);
        assert_eq!(p["repair"]["ok"], true, "{p}");
        let changes = p["repair"]["changes"].as_array().unwrap().clone();
        // The person on leave loses the day; nothing before the request is touched.
        assert!(changes.iter().any(|c| c["staff"] == "S06" && c["date"] == days[0].as_str() && c["to"].as_array().unwrap().is_empty()), "{changes:?}");
        assert!(changes.iter().all(|c| c["date"].as_str().unwrap() >= "2026-12-01"));
        // The approver's page: verdict, the preview with each changed cell marked, the button.
        let (st, html) = page_text(&w.app, &head, &format!("/leave/{id}")).await;
        assert_eq!(st, StatusCode::OK);
        assert!(html.contains("id=\"verdict\"") && html.contains("LEAVE-APPROVER") && html.contains("调整预览"));
        // (" data-marked" is the attribute; the stylesheet's `td[data-marked]` is not a mark.)
        assert_eq!(html.matches(" data-marked").count(), changes.len(), "one mark per changed cell");
        assert!(html.contains("id=\"approve-leave\""));
        let (_, agents_view) = page_text(&w.app, &agent, &format!("/leave/{id}")).await;
        assert!(!agents_view.contains("repair-summary") && !agents_view.contains("approve-leave"));
        // Approving through the API applies exactly the previewed roster as the next version.
        let before = call(&w.app, Method::GET, "/api/months/2026-12/roster", Some(&head), false, None).await.json();
        let done = call(&w.app, Method::POST, &format!("/api/leave/{id}/approve"), Some(&head), true, None).await;
        assert_eq!(done.status, StatusCode::OK, "{}", done.text);
        assert_eq!(done.json()["state"], "applied");
        let v = before["version"].as_i64().unwrap();
        assert_eq!(done.json()["applied_version"], v + 1);
        let sc = scenario();
        let after = w.s.store.current(MONTH).await.unwrap();
        let old = w.s.store.roster_version(MONTH, v).await.unwrap();
        let applied: Vec<(String, String)> = roster::whatif::repair::changes_between(&sc, &old, &after.roster)
            .into_iter().map(|c| (c.staff, c.date.to_string())).collect();
        let previewed: Vec<(String, String)> = changes.iter()
            .map(|c| (c["staff"].as_str().unwrap().to_owned(), c["date"].as_str().unwrap().to_owned())).collect();
        assert_eq!(applied, previewed);
        assert!(after.roster.leave.iter().any(|l| l.staff == "S06"));
        // Once applied, no preview and no second approval.
        assert_eq!(call(&w.app, Method::GET, &uri, Some(&head), false, None).await.status, StatusCode::FORBIDDEN);
        // The same through the page's form: the head signs, the page shows it applied.
        let id2 = file(days[days.len() - 1].clone()).await;
        let (st, loc) = post_form(&w.app, &head, &format!("/leave/{id2}/approve")).await;
        assert_eq!((st, loc.as_deref()), (StatusCode::SEE_OTHER, Some(format!("/leave/{id2}").as_str())));
        let (_, html) = page_text(&w.app, &head, &format!("/leave/{id2}")).await;
        assert!(html.contains("applied as version"), "{html}");
        assert_eq!(w.s.store.current(MONTH).await.unwrap().version, v + 2);
    });
}

#[test]
fn the_published_month_downloads_as_json_csv_and_the_html_report_for_every_role() {
    rt().block_on(async {
        let w = world().await;
        let sc = scenario();
        let current = w.s.store.current(MONTH).await.unwrap();
        for user in ["head", "S01", "S06", "planner"] {
            let c = login(&w.app, user).await;
            let (_, month_page) = page_text(&w.app, &c, "/months/2026-12").await;
            for file in ["roster.json", "roster.csv", "report.html"] {
                let uri = format!("/months/2026-12/download/{file}");
                assert!(
                    month_page.contains(&format!("href=\"{uri}\"")),
                    "{user}: link to {file}"
                );
                let req = Request::builder()
                    .uri(&uri)
                    .header(header::COOKIE, &c.cookie)
                    .body(Body::empty())
                    .unwrap();
                let res = w.app.clone().oneshot(req).await.unwrap();
                assert_eq!(res.status(), StatusCode::OK, "{user} {file}");
                let disposition = res.headers()[header::CONTENT_DISPOSITION]
                    .to_str()
                    .unwrap()
                    .to_owned();
                assert!(
                    disposition.contains(&format!("-2026-12-v{}.", current.version)),
                    "{disposition}"
                );
                let body =
                    String::from_utf8(res.into_body().collect().await.unwrap().to_bytes().to_vec())
                        .unwrap();
                match file {
                    "roster.json" => {
                        // The contract file: the CLI reads it back as the same roster.
                        let path = w.s.dir.path().join("download.json");
                        std::fs::write(&path, &body).unwrap();
                        let back = roster::model::Roster::load(&path, &sc).unwrap();
                        assert_eq!(back.assignments, current.roster.assignments);
                    }
                    "roster.csv" => {
                        let lines: Vec<&str> = body.lines().collect();
                        assert_eq!(lines[0], "staff,name,date,shift,seat");
                        assert_eq!(lines.len(), current.roster.assignments.len() + 1);
                        let s06 = &sc.staff[sc.staff_by_id("S06").unwrap()].name;
                        assert!(body.contains(&format!("S06,{s06},")));
                    }
                    _ => assert!(body.contains("<html") && body.contains(&sc.name), "report"),
                }
            }
        }
        let c = login(&w.app, "S06").await;
        assert_eq!(
            page_text(&w.app, &c, "/months/2026-12/download/roster.exe")
                .await
                .0,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            page_text(&w.app, &c, "/months/2099-01/download/roster.csv")
                .await
                .0,
            StatusCode::NOT_FOUND
        );
        let anon = Request::builder()
            .uri("/months/2026-12/download/roster.csv")
            .body(Body::empty())
            .unwrap();
        assert_eq!(
            w.app.clone().oneshot(anon).await.unwrap().status(),
            StatusCode::SEE_OTHER
        );
        let (post, _) = post_form(&w.app, &c, "/months/2026-12/download/roster.csv").await;
        assert_eq!(post, StatusCode::METHOD_NOT_ALLOWED);
    });
}

async fn post_form_with(
    app: &Router,
    who: &Client,
    uri: &str,
    fields: &str,
) -> (StatusCode, Option<String>, String) {
    let req = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::COOKIE, &who.cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "csrf={}&{fields}",
            urlencode(&who.csrf)
        )))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let loc = res
        .headers()
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_owned());
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, loc, String::from_utf8_lossy(&bytes).into_owned())
}

#[test]
fn the_head_solves_the_next_month_with_streamed_progress_and_publishes_it() {
    rt().block_on(async {
        let (_dir, store, app) = tiny_world().await;
        for user in ["S01", "S07", "planner"] {
            let c = login(&app, user).await;
            let (st, html) = page_text(&app, &c, "/months/2026-12/next").await;
            assert_eq!(st, StatusCode::FORBIDDEN, "{user}");
            assert!(html.contains("only the department head"), "{html}");
            let (st, _, html) = post_form_with(&app, &c, "/months/2026-12/next", "").await;
            assert_eq!(st, StatusCode::FORBIDDEN, "{user}");
            assert!(html.contains("only the department head"));
        }
        assert_eq!(
            store.months().await.unwrap(),
            vec![MONTH.to_owned()],
            "nothing started by a refusal"
        );
        let head = login(&app, "head").await;
        let (st, html) = page_text(&app, &head, "/months/2026-12/next").await;
        assert_eq!(st, StatusCode::OK);
        assert!(html.contains("start-solve") && html.contains("2027-01"));
        let (st, loc, _) = post_form_with(&app, &head, "/months/2026-12/next", "").await;
        assert_eq!(
            (st, loc.as_deref()),
            (StatusCode::SEE_OTHER, Some("/months/2027-01/solve"))
        );
        // The stream: progress events (stage, best, bound) and then `done`, and it ends.
        let lead = login(&app, "S01").await;
        assert_eq!(
            page_text(&app, &lead, "/months/2027-01/solve/events")
                .await
                .0,
            StatusCode::FORBIDDEN
        );
        let (st, body) = page_text(&app, &head, "/months/2027-01/solve/events").await;
        assert_eq!(st, StatusCode::OK);
        let events = crate::common::serve::sse_events(&body);
        let (last, text) = events.last().expect("events").clone();
        assert_eq!(last, "done", "{body}");
        assert!(text.starts_with("version "), "{text}");
        let progress: Vec<Value> = events
            .iter()
            .filter(|(e, _)| e == "progress")
            .map(|(_, d)| serde_json::from_str(d).unwrap())
            .collect();
        assert!(!progress.is_empty());
        assert!(
            progress
                .iter()
                .all(|p| p["stage"].as_str().is_some_and(|s| !s.is_empty()))
        );
        assert!(
            progress.iter().any(|p| p["best"].is_number()),
            "a best roster was reported"
        );
        // The page now shows the breakdown, the grid (Chinese names) and the Publish button.
        let (st, html) = page_text(&app, &head, "/months/2027-01/solve").await;
        assert_eq!(st, StatusCode::OK);
        assert!(
            html.contains("id=\"breakdown\"")
                && html.contains("id=\"publish\"")
                && html.contains("id=\"grid\"")
        );
        let sc =
            roster::model::Scenario::load(std::path::Path::new("scenarios/tiny.toml")).unwrap();
        assert!(sc.staff.iter().all(|p| html.contains(&p.name)));
        let v = store.versions("2027-01").await.unwrap()[0].version;
        let (st, _, _) = post_form_with(
            &app,
            &lead,
            "/months/2027-01/publish",
            &format!("version={v}"),
        )
        .await;
        assert_eq!(st, StatusCode::FORBIDDEN);
        let (st, loc, _) = post_form_with(
            &app,
            &head,
            "/months/2027-01/publish",
            &format!("version={v}"),
        )
        .await;
        assert_eq!(
            (st, loc.as_deref()),
            (StatusCode::SEE_OTHER, Some("/months/2027-01"))
        );
        assert_eq!(store.current("2027-01").await.unwrap().version, v);
        let (_, html) = page_text(&app, &head, "/months/2027-01/solve").await;
        assert!(html.contains("published 已发布") && !html.contains("id=\"publish\""));
        // No job for a month nobody solved here.
        assert_eq!(
            page_text(&app, &head, "/months/2026-12/solve/events")
                .await
                .0,
            StatusCode::NOT_FOUND
        );
    });
}

#[test]
fn the_planner_sees_the_charts_and_simulates_the_service_level_with_progress() {
    rt().block_on(async {
        let (_dir, _store, app) = tiny_world().await;
        let planner = login(&app, "planner").await;
        let (st, html) = page_text(&app, &planner, "/months/2026-12/charts").await;
        assert_eq!(st, StatusCode::OK);
        for id in ["chart-coverage", "chart-fairness", "chart-roster"] {
            let at = html
                .find(&format!("id=\"{id}\""))
                .unwrap_or_else(|| panic!("{id}"));
            assert!(
                html[at..]
                    .trim_start_matches(|c| c != '>')
                    .starts_with("><svg"),
                "{id} is inline SVG"
            );
        }
        assert!(html.contains("id=\"simulate\"") && !html.contains("id=\"chart-service\""));
        for user in ["S01", "S07"] {
            let c = login(&app, user).await;
            let (_, html) = page_text(&app, &c, "/months/2026-12/charts").await;
            assert!(!html.contains("id=\"simulate\""), "{user} has no button");
            let (st, _, html) = post_form_with(&app, &c, "/months/2026-12/simulate", "").await;
            assert_eq!(st, StatusCode::FORBIDDEN, "{user}");
            assert!(html.contains("only planners and the department head"));
            assert_eq!(
                page_text(&app, &c, "/months/2026-12/simulate/events")
                    .await
                    .0,
                StatusCode::FORBIDDEN
            );
        }
        let (st, loc, _) = post_form_with(&app, &planner, "/months/2026-12/simulate", "").await;
        assert_eq!(
            (st, loc.as_deref()),
            (StatusCode::SEE_OTHER, Some("/months/2026-12/charts"))
        );
        let (_, body) = page_text(&app, &planner, "/months/2026-12/simulate/events").await;
        let events = crate::common::serve::sse_events(&body);
        assert!(
            events
                .iter()
                .any(|(e, d)| e == "progress" && d.contains("replications")),
            "{body}"
        );
        assert_eq!(events.last().unwrap().0, "done", "{body}");
        let (_, html) = page_text(&app, &planner, "/months/2026-12/charts").await;
        let at = html
            .find("id=\"chart-service\"")
            .expect("the service chart");
        assert!(html[at..].contains("<svg"));
        assert!(
            !html.contains("id=\"simulate\""),
            "simulated for this version"
        );
    });
}
