//! Several `roster serve` processes on one database, as behind a proxy (issue 15 item 6):
//! a browser logged in through one server is known to the other (sessions and the CSRF
//! key live in the database), and two leads approving competing swaps of one shift through
//! two servers at the same moment get one applied and one 409 that says why. On SQLite
//! and on PostgreSQL, the database a carrier would share between servers.

use crate::common::serve as serve_common;
use crate::store_crash::{Http, login, post, start_server};

use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use roster::store::{Backend, Store};
use serde_json::json;
use serve_common::*;

/// A shift of team A (S01's) that two people of team A could each take: (A, date, B1, B2).
fn contested_shift() -> (String, String, String, String) {
    let sc = scenario();
    let r = seed_roster(&sc);
    let ta = team_of(&sc, "S01");
    for (a, d, b1) in valid_swaps_where(ta, 40, |_, _, b| team_of(&sc, b) == ta) {
        let (ai, date) = (sc.staff_by_id(&a).unwrap(), date_of(&d));
        let b2 = (0..sc.staff.len()).find(|&b| {
            sc.staff[b].id != b1
                && sc.staff[b].team == Some(ta)
                && sc.staff[b].job == sc.staff[ai].job
                && sc.staff[b].grade == sc.staff[ai].grade
                && accepted(&sc, &r, ai, date, b)
        });
        if let Some(b2) = b2 {
            return (a, d, b1, sc.staff[b2].id.clone());
        }
    }
    panic!("no shift of team A with two takers in the seed roster");
}

fn date_of(d: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap()
}

async fn two_servers_share_sessions_and_serialise_writes(backend: Backend) {
    let s = seeded_on(backend).await;
    s.store.pool().close().await;
    let (a, d, b1, b2) = contested_shift();
    let (mut one, base1) = start_server(&s.db.arg(), &s.dir.path().join("one.log"));
    let (mut two, base2) = start_server(&s.db.arg(), &s.dir.path().join("two.log"));
    let http: Http = Client::builder(TokioExecutor::new()).build_http();
    let lead = login(&http, &base1, &s.lead_a.login).await;
    let path = format!("/api/months/{MONTH}/swaps");
    // The session and its CSRF token, made by server one, work on server two.
    let mut ids = Vec::new();
    for (base, b) in [(&base1, &b1), (&base2, &b2)] {
        let swap = json!({"staff": a, "date": d, "with": b});
        let (status, v, _) = post(&http, base, &path, Some(&lead), swap).await.unwrap();
        assert_eq!(status, 200, "{base}: {v}");
        assert_eq!(v["state"], "accepted_by_partner", "{v}");
        ids.push(v["id"].as_i64().unwrap());
    }
    // Both approvals at once, one through each server: one applies, one conflicts.
    let approve = |base: &String, id: i64| {
        let (http, lead, base) = (&http, &lead, base.clone());
        async move {
            let path = format!("/api/swaps/{id}/approve");
            post(http, &base, &path, Some(lead), json!({}))
                .await
                .unwrap()
        }
    };
    let (r1, r2) = tokio::join!(approve(&base1, ids[0]), approve(&base2, ids[1]));
    one.kill().unwrap();
    two.kill().unwrap();
    one.wait().unwrap();
    two.wait().unwrap();
    let mut statuses = [r1.0, r2.0];
    statuses.sort();
    assert_eq!(
        statuses,
        [200, 409],
        "one applies, one conflicts: {r1:?} {r2:?}"
    );
    let (won, lost) = if r1.0 == 200 { (&r1, &r2) } else { (&r2, &r1) };
    assert_eq!(won.1["state"], "applied", "{won:?}");
    let why = lost.1["message"].as_str().unwrap_or_default();
    assert!(why.contains("cannot be applied"), "{lost:?}");
    let store = Store::open(&s.db.db).await.unwrap();
    let now = store.current(MONTH).await.unwrap();
    assert_eq!(now.version, 2, "exactly one new version");
    let taker = won.1["with"].as_str().unwrap();
    assert!(
        now.roster
            .assignments
            .iter()
            .any(|x| x.staff == taker && x.date.to_string() == d)
    );
    store.pool().close().await;
}

on_both_databases!(rt; two_servers_share_sessions_and_serialise_writes);
