//! Issue 15 item 7, the crash test: the real `roster serve` on a temporary database and a
//! free port, several clients firing swap proposals, approvals and leave requests at it,
//! and a SIGKILL at a moment a seeded generator picks. After every kill the database is
//! reopened and held to what the server promised: every request answered 2xx is there,
//! versions are consecutive, every applied swap has its audit row and its roster change,
//! and nothing is half-applied. Then the server restarts on it for the next round.
//! On SQLite and on PostgreSQL; on PostgreSQL two server processes share the database, as
//! behind a proxy, each client logged in on one and firing at the other as well.

use crate::common::serve as serve_common;

use axum::body::Bytes;
use axum::http::{Request, header};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::{Client, connect::HttpConnector};
use hyper_util::rt::TokioExecutor;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use roster::model::Roster;
use roster::store::{Backend, LeaveState, Store, SwapState};
use serde_json::{Value, json};
use serve_common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::Duration;

pub(crate) type Http = Client<HttpConnector, Full<Bytes>>;

const ROUNDS: u64 = 4;
const CLIENTS: usize = 5;

pub(crate) struct Session {
    base: String,
    cookie: String,
    csrf: String,
}

/// What the server acknowledged (answered 2xx) before it was killed.
#[derive(Default, Debug)]
struct Acked {
    /// Swap id -> the state the answer carried, and the version it said it applied.
    swaps: BTreeMap<i64, (String, Option<i64>)>,
    leave: BTreeSet<i64>,
}

/// POSTs JSON; `Err` when no answer came (the server is gone), else the status and body.
pub(crate) async fn post(
    http: &Http,
    base: &str,
    path: &str,
    s: Option<&Session>,
    body: Value,
) -> Result<(u16, Value, Option<String>), String> {
    let mut req =
        Request::post(format!("{base}{path}")).header(header::CONTENT_TYPE, "application/json");
    if let Some(s) = s {
        req = req
            .header(header::COOKIE, &s.cookie)
            .header("x-csrf-token", &s.csrf);
    }
    let req = req
        .body(Full::new(Bytes::from(body.to_string())))
        .map_err(|e| e.to_string())?;
    let res = http.request(req).await.map_err(|e| e.to_string())?;
    let status = res.status().as_u16();
    let cookie = crate::common::cookies::cookie_header(res.headers());
    let bytes = res
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    let v = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Ok((status, v, cookie))
}

pub(crate) async fn login(http: &Http, base: &str, user: &str) -> Session {
    let (status, v, cookie) = post(
        http,
        base,
        "/api/login",
        None,
        json!({"user": user, "password": PASSWORD}),
    )
    .await
    .expect("the server answers a login");
    assert_eq!(status, 200, "{v}");
    Session {
        base: base.to_owned(),
        cookie: cookie.expect("a session cookie"),
        csrf: v["csrf"].as_str().expect("a CSRF token").to_owned(),
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts the real binary on `db` (a path or a URL) and waits until it accepts connections.
pub(crate) fn start_server(db: &str, log: &Path) -> (Child, String) {
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_roster"))
        .args(["serve", "--addr", &addr, "--db", db])
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .expect("roster serve starts");
    crate::common::serve::wait_listening(&mut child, &addr, log);
    (child, format!("http://{addr}"))
}

/// A swap to fire: (A, date, B) and which of the client's sessions signs for A's team and
/// for B's team.
type Shot = (String, String, String, usize, usize);

/// One client: proposes each swap as A's lead (the partner's word given), signs for A's
/// side, then for B's if it is another team, and files a day's leave every third swap,
/// until the server stops answering.
async fn client(http: Http, leads: Vec<Session>, shots: Vec<Shot>) -> Acked {
    let mut acked = Acked::default();
    for (i, (a, d, b, la, lb)) in shots.iter().enumerate() {
        let swap = json!({"staff": a, "date": d, "with": b});
        let path = format!("/api/months/{MONTH}/swaps");
        let base = &leads[*la].base;
        let Ok((status, v, _)) = post(&http, base, &path, Some(&leads[*la]), swap).await else {
            return acked;
        };
        if status == 200 {
            let id = v["id"].as_i64().expect("an id");
            acked
                .swaps
                .insert(id, (v["state"].as_str().unwrap().into(), None));
            let mut open = v["state"] == "accepted_by_partner";
            for signer in [*la, *lb] {
                if !open {
                    break;
                }
                let path = format!("/api/swaps/{id}/approve");
                let s = &leads[signer];
                let Ok((status, v, _)) = post(&http, base, &path, Some(s), json!({})).await else {
                    return acked;
                };
                open = status == 200 && v["state"] != "applied";
                if status == 200 {
                    let state = v["state"].as_str().unwrap().into();
                    acked
                        .swaps
                        .insert(id, (state, v["applied_version"].as_i64()));
                }
            }
        }
        if i.is_multiple_of(3) {
            let leave = json!({"staff": a, "from": d, "to": d, "kind": "annual",
                               "requested_at": "2026-11-01T09:00"});
            let path = format!("/api/months/{MONTH}/leave");
            let s = &leads[*la];
            let Ok((status, v, _)) = post(&http, base, &path, Some(s), leave).await else {
                return acked;
            };
            if status == 200 {
                acked.leave.insert(v["id"].as_i64().expect("an id"));
            }
        }
    }
    acked
}

fn works(r: &Roster, who: &str, d: &str) -> bool {
    r.assignments
        .iter()
        .any(|x| x.staff == who && x.date.to_string() == d)
}

/// Holds the database to every promise the server made before it was killed.
async fn check_consistent(store: &Store, acked: &Acked) {
    let versions = store.versions(MONTH).await.unwrap();
    for (i, v) in versions.iter().enumerate() {
        assert_eq!(
            v.version,
            i as i64 + 1,
            "versions not consecutive: {versions:?}"
        );
        if v.version > 1 {
            assert_eq!(v.parent, Some(v.version - 1), "{v:?}");
            assert!(v.published, "{v:?}");
        }
    }
    let swaps = store.swaps(MONTH).await.unwrap();
    let leave = store.leave_requests(MONTH).await.unwrap();
    let audit = store.audit(Some(MONTH)).await.unwrap();
    let by_id: BTreeMap<i64, _> = swaps.iter().map(|s| (s.id, s)).collect();
    for (id, (state, applied)) in &acked.swaps {
        let stored = by_id
            .get(id)
            .unwrap_or_else(|| panic!("acknowledged swap #{id} is lost"));
        if state == "applied" {
            assert_eq!(stored.state, SwapState::Applied, "swap #{id}");
            assert_eq!(stored.applied_version, *applied, "swap #{id}");
        }
    }
    let stored_leave: BTreeSet<i64> = leave.iter().map(|l| l.id).collect();
    assert!(
        acked.leave.is_subset(&stored_leave),
        "acknowledged leave lost: {:?}",
        acked.leave.difference(&stored_leave).collect::<Vec<_>>()
    );
    // Each version after the first is exactly one applied request's work, and each applied
    // swap is a roster change with its audit row: no half-applied request either way.
    let mut made: Vec<i64> = swaps
        .iter()
        .filter(|s| s.state == SwapState::Applied)
        .map(|s| {
            s.applied_version
                .expect("an applied swap names its version")
        })
        .chain(
            leave
                .iter()
                .filter(|l| l.state == LeaveState::Applied)
                .filter_map(|l| l.applied_version),
        )
        .collect();
    made.sort();
    let after_first: Vec<i64> = versions.iter().skip(1).map(|v| v.version).collect();
    assert_eq!(
        made, after_first,
        "versions without their request, or twice"
    );
    for s in swaps.iter().filter(|s| s.state == SwapState::Applied) {
        let v = s.applied_version.unwrap();
        let line = format!(
            "swap #{} signed and applied: version {} -> {v}",
            s.id,
            v - 1
        );
        assert!(
            audit
                .iter()
                .any(|e| e.action == "swap_approve" && e.detail == line),
            "no audit row `{line}`"
        );
        assert!(
            s.lead_a_signed.is_some() && s.lead_b_signed.is_some(),
            "{s:?}"
        );
        let before = store.roster_version(MONTH, v - 1).await.unwrap();
        let after = store.roster_version(MONTH, v).await.unwrap();
        assert!(works(&before, &s.staff, &s.date), "swap #{}: {v}", s.id);
        assert!(
            !works(&after, &s.staff, &s.date),
            "swap #{} not in {v}",
            s.id
        );
        assert!(works(&after, &s.with, &s.date), "swap #{} not in {v}", s.id);
    }
    for s in swaps.iter().filter(|s| s.state != SwapState::Applied) {
        assert_eq!(s.applied_version, None, "{s:?}");
    }
    let count = |action: &str| audit.iter().filter(|e| e.action == action).count();
    assert_eq!(
        count("swap_propose"),
        swaps.len(),
        "a swap without its audit row"
    );
    assert_eq!(
        count("leave_propose"),
        leave.len(),
        "leave without its audit row"
    );
    let applied_rows = audit
        .iter()
        .filter(|e| e.action == "swap_approve" && e.detail.contains("applied"))
        .count();
    assert_eq!(
        applied_rows,
        after_first.len(),
        "an applied row without its version"
    );
}

mod killing_the_server_during_writes_loses_no_acknowledged_request {
    use roster::store::Backend;

    #[test]
    fn sqlite() {
        super::kill_during_writes(Backend::Sqlite, 1);
    }

    /// Two server processes on one database, killed together.
    #[test]
    fn postgres() {
        super::kill_during_writes(Backend::Postgres, 2);
    }
}

fn kill_during_writes(backend: Backend, servers: usize) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let s = rt.block_on(seeded_on(backend));
    let db = s.db.arg();
    let leads = [s.lead_a.login.clone(), s.lead_b.login.clone()];
    rt.block_on(s.store.pool().close());
    let sc = scenario();
    // Swaps between the two leads' teams (and inside each): A's lead proposes and signs,
    // B's lead signs the other side, and the second signature applies.
    let teams: Vec<usize> = leads.iter().map(|l| team_of(&sc, l)).collect();
    let mut shots: Vec<Shot> = Vec::new();
    for (la, &ta) in teams.iter().enumerate() {
        for (a, d, b) in valid_swaps_where(ta, 30, |_, _, b| teams.contains(&team_of(&sc, b))) {
            let lb = teams.iter().position(|&t| t == team_of(&sc, &b)).unwrap();
            shots.push((a, d, b, la, lb));
        }
    }
    assert!(shots.len() >= 12, "too few swaps to fire: {}", shots.len());
    let mut rng = ChaCha8Rng::seed_from_u64(15);
    let mut acked = Acked::default();
    for round in 0..ROUNDS {
        let (mut children, bases): (Vec<Child>, Vec<String>) = (0..servers)
            .map(|n| start_server(&db, &s.dir.path().join(format!("serve{n}.log"))))
            .unzip();
        let http: Http = Client::builder(TokioExecutor::new()).build_http();
        let kill_after = Duration::from_millis(rng.random_range(150..1500));
        let got: Vec<Acked> = rt.block_on(async {
            let mut tasks = Vec::new();
            for c in 0..CLIENTS {
                let mut sessions = Vec::new();
                // With two servers, each lead of a client logs in on another one: a
                // request then reaches a server that did not make its session.
                for (l, lead) in leads.iter().enumerate() {
                    sessions.push(login(&http, &bases[(c + l) % servers], lead).await);
                }
                // Each client starts at its own place, so clients race for shifts.
                let mut mine = shots.clone();
                mine.rotate_left((c * 5 + round as usize * 7) % shots.len());
                tasks.push(tokio::spawn(client(http.clone(), sessions, mine)));
            }
            tokio::time::sleep(kill_after).await;
            for child in &mut children {
                child.kill().expect("SIGKILL");
                child.wait().unwrap();
            }
            let mut got = Vec::new();
            for t in tasks {
                got.push(t.await.unwrap());
            }
            got
        });
        for g in got {
            for (id, st) in g.swaps {
                // A later answer (applied) supersedes an earlier one for the same id.
                let keep = acked.swaps.get(&id).is_some_and(|(s, _)| s == "applied");
                if !keep {
                    acked.swaps.insert(id, st);
                }
            }
            acked.leave.extend(g.leave);
        }
        rt.block_on(async {
            let store = Store::open(&s.db.db).await.expect("the database reopens");
            check_consistent(&store, &acked).await;
            store.pool().close().await;
        });
        eprintln!(
            "round {round}: killed after {kill_after:?}; {} swaps and {} leave requests acknowledged so far",
            acked.swaps.len(),
            acked.leave.len()
        );
    }
    assert!(
        acked.swaps.values().any(|(s, _)| s == "applied"),
        "no swap was applied before the kills: the test tested nothing"
    );
}
