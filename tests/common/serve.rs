//! Shared by the serve_* and store_* tests: a database holding the seed month with its
//! solved roster published (no solve: the roster is the one in tests/fixtures/seed), and one
//! account per role.
#![allow(dead_code)]

use roster::model::{Roster, Scenario};
use roster::store::{Backend, Db, Role, Store, User};
use roster::whatif;
use sqlx::Connection;
use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};

pub const MONTH: &str = "2026-12";
pub const PASSWORD: &str = "correct horse 电池 staple";

pub struct Seeded {
    pub dir: tempfile::TempDir,
    pub store: Store,
    /// Where the store's data lives: `dir`/roster.db, or a fresh PostgreSQL database.
    pub db: TestDb,
    pub head: User,
    /// S01, lead of team A.
    pub lead_a: User,
    /// S10, lead of team B.
    pub lead_b: User,
    /// S19, lead of team C.
    pub lead_c: User,
    /// S06, an agent of team A.
    pub agent: User,
    pub planner: User,
}

pub fn scenario() -> Scenario {
    Scenario::load(Path::new("scenarios/seed-2026-12.toml")).expect("seed scenario")
}

pub fn seed_roster(sc: &Scenario) -> Roster {
    Roster::load(
        Path::new("tests/fixtures/seed/seed-2026-12.roster.json"),
        sc,
    )
    .expect("seed roster")
}

/// Where the PostgreSQL tests make their databases: `ROSTER_TEST_POSTGRES`, else the local
/// server's socket as `.ci/run` starts it.
pub const PG_ENV: &str = "ROSTER_TEST_POSTGRES";
const PG_DEFAULT: &str = "postgres:///postgres?host=/var/run/postgresql";

fn pg_admin_url() -> String {
    std::env::var(PG_ENV).unwrap_or_else(|_| PG_DEFAULT.to_owned())
}

/// A database for one test: a file in a temporary directory, or a PostgreSQL database of
/// its own (made fresh, dropped when this is dropped), so tests run in parallel.
pub struct TestDb {
    pub db: Db,
    /// The PostgreSQL database's name, to drop.
    pg_name: Option<String>,
}

static PG_SEQ: AtomicU32 = AtomicU32::new(0);

impl TestDb {
    pub async fn new(backend: Backend, dir: &Path) -> TestDb {
        match backend {
            Backend::Sqlite => TestDb {
                db: Db::Sqlite(dir.join("roster.db")),
                pg_name: None,
            },
            Backend::Postgres => {
                let name = format!(
                    "roster_test_{}_{}",
                    std::process::id(),
                    PG_SEQ.fetch_add(1, Ordering::Relaxed)
                );
                let admin = pg_admin_url();
                let mut conn = sqlx::PgConnection::connect(&admin)
                    .await
                    .unwrap_or_else(|e| {
                        panic!(
                            "the PostgreSQL tests need a running PostgreSQL server, reached at \
                         {PG_ENV}={admin}: {e}\n\
                         start one as .ci/run does: apt-get install postgresql; \
                         pg_ctlcluster 15 main start; su postgres -c 'createuser -s root' \
                         (or set {PG_ENV} to a URL of a role that may CREATE DATABASE)"
                        )
                    });
                // A name cannot be a bound parameter; this one is digits we made.
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
                    .execute(&mut conn)
                    .await
                    .unwrap();
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut conn)
                    .await
                    .unwrap_or_else(|e| panic!("CREATE DATABASE {name} at {admin}: {e}"));
                conn.close().await.unwrap();
                TestDb {
                    db: Db::Postgres(with_database(&admin, &name)),
                    pg_name: Some(name),
                }
            }
        }
    }

    /// What `--db` is given for this database.
    pub fn arg(&self) -> String {
        match &self.db {
            Db::Sqlite(p) => p.display().to_string(),
            Db::Postgres(url) => url.clone(),
        }
    }
}

/// The admin URL with its database name replaced by `name`.
fn with_database(admin: &str, name: &str) -> String {
    let (base, query) = admin
        .split_once('?')
        .map_or((admin, None), |(b, q)| (b, Some(q)));
    let start = base.find("://").unwrap() + 3;
    let host_end = base[start..].find('/').map_or(base.len(), |i| start + i);
    let url = format!("{}/{name}", &base[..host_end]);
    match query {
        Some(q) => format!("{url}?{q}"),
        None => url,
    }
}

impl Drop for TestDb {
    /// Drops the PostgreSQL database (WITH FORCE: the store's pool may still hold
    /// connections). On a thread of its own: this may run inside a runtime.
    fn drop(&mut self) {
        let Some(name) = self.pg_name.take() else {
            return;
        };
        let admin = pg_admin_url();
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                let mut conn = sqlx::PgConnection::connect(&admin).await?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn)
                    .await?;
                conn.close().await
            })
        })
        .join();
        if let Ok(Err(e)) = dropped {
            eprintln!("dropping the test database: {e}");
        }
    }
}

/// The seed world on SQLite.
pub async fn seeded() -> Seeded {
    seeded_on(Backend::Sqlite).await
}

/// The seed month, published, and one account per role, on `backend`.
pub async fn seeded_on(backend: Backend) -> Seeded {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = TestDb::new(backend, dir.path()).await;
    let store = Store::open(&db.db).await.expect("open store");
    let toml = std::fs::read_to_string("scenarios/seed-2026-12.toml").expect("seed toml");
    store
        .import_month(&toml, "scenarios/seed-2026-12.toml", "test")
        .await
        .expect("import");
    let sc = scenario();
    let v = store
        .add_draft(MONTH, &seed_roster(&sc), "test", "seed roster")
        .await
        .expect("draft");
    let add = |login: &'static str, role: Role, staff: Option<&'static str>| {
        let store = store.clone();
        async move {
            store
                .add_user(login, role, staff, PASSWORD, "test")
                .await
                .expect("add user")
        }
    };
    let head = add("head", Role::Head, None).await;
    let s = Seeded {
        lead_a: add("S01", Role::Lead, Some("S01")).await,
        lead_b: add("S10", Role::Lead, Some("S10")).await,
        lead_c: add("S19", Role::Lead, Some("S19")).await,
        agent: add("S06", Role::Agent, Some("S06")).await,
        planner: add("planner", Role::Planner, None).await,
        head,
        store,
        db,
        dir,
    };
    s.store.publish(MONTH, v, &s.head).await.expect("publish");
    s
}

pub fn team_of(sc: &Scenario, id: &str) -> usize {
    sc.staff[sc.staff_by_id(id).unwrap()].team.unwrap()
}

/// Whether the checker accepts `a` giving their shift on `d` to `b`, one-way, on the seed
/// roster (the leads' signatures assumed).
pub fn accepted(sc: &Scenario, r: &Roster, a: usize, d: chrono::NaiveDate, b: usize) -> bool {
    let req = whatif::SwapRequest {
        a,
        date: d,
        b,
        return_date: None,
        approved: true,
    };
    whatif::check_swap(sc, r, &req).is_ok_and(|o| o.accepted)
}

/// Swaps the checker accepts one-way on the seed roster: (A, date, B), for A in `team` (a
/// team index), B of the same job and grade (SWAP-SKILL) for which `keep` holds. Judged
/// pair by pair, which is far cheaper than a candidate search per shift.
pub fn valid_swaps_where(
    team: usize,
    limit: usize,
    keep: impl Fn(&str, &str, &str) -> bool,
) -> Vec<(String, String, String)> {
    let sc = scenario();
    let r = seed_roster(&sc);
    let mut out = Vec::new();
    for a in (0..sc.staff.len()).filter(|&i| sc.staff[i].team == Some(team)) {
        let dates: Vec<chrono::NaiveDate> = r
            .assignments
            .iter()
            .filter(|x| x.staff == sc.staff[a].id)
            .map(|x| x.date)
            .collect();
        for d in dates.into_iter().step_by(3) {
            for b in (0..sc.staff.len()).filter(|&b| {
                b != a
                    && sc.staff[b].grade == sc.staff[a].grade
                    && sc.staff[b].job == sc.staff[a].job
            }) {
                let (ai, bi, ds) = (&sc.staff[a].id, &sc.staff[b].id, d.to_string());
                if keep(ai, &ds, bi) && accepted(&sc, &r, a, d, b) {
                    out.push((ai.clone(), ds, bi.clone()));
                    if out.len() == limit {
                        return out;
                    }
                    break;
                }
            }
        }
    }
    out
}

pub fn valid_swaps(team: usize, limit: usize) -> Vec<(String, String, String)> {
    valid_swaps_where(team, limit, |_, _, _| true)
}

/// A database holding the tiny centre's December (8 staff), solved and published, with the
/// four roles: a next month that solves in seconds.
pub async fn tiny_world() -> (tempfile::TempDir, roster::store::Store, axum::Router) {
    use roster::store::Role;
    let dir = tempfile::tempdir().unwrap();
    let store = roster::store::Store::open(&dir.path().join("roster.db"))
        .await
        .unwrap();
    let toml = std::fs::read_to_string("scenarios/tiny.toml").unwrap();
    store
        .import_month(&toml, "scenarios/tiny.toml", "test")
        .await
        .unwrap();
    let sc = roster::model::Scenario::load(std::path::Path::new("scenarios/tiny.toml")).unwrap();
    let opts = roster::solve::SolveOptions {
        time_limit: 60.0,
        ..Default::default()
    };
    let solved = tokio::task::spawn_blocking(move || roster::solve::solve(&sc, &opts))
        .await
        .unwrap()
        .unwrap();
    let v = store
        .add_draft(MONTH, &solved.roster, "test", "tiny")
        .await
        .unwrap();
    let head = store
        .add_user("head", Role::Head, None, PASSWORD, "test")
        .await
        .unwrap();
    store
        .add_user("S01", Role::Lead, Some("S01"), PASSWORD, "test")
        .await
        .unwrap();
    store
        .add_user("S07", Role::Agent, Some("S07"), PASSWORD, "test")
        .await
        .unwrap();
    store
        .add_user("planner", Role::Planner, None, PASSWORD, "test")
        .await
        .unwrap();
    store.publish(MONTH, v, &head).await.unwrap();
    let app = roster::server::app(store.clone()).await.unwrap();
    (dir, store, app)
}

/// A runtime for a test that drives the server: two workers, as on the CI machine.
pub fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// One test per database for each `async fn NAME(backend: Backend)` named: a module NAME
/// with the tests `sqlite` and `postgres`, so a failure says which database it was and
/// `cargo test postgres` runs the PostgreSQL half. `$rt`, a function of the calling
/// module, makes the runtime each runs on.
macro_rules! on_both_databases {
    ($rt:ident; $($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[test]
                fn sqlite() {
                    super::$rt().block_on(super::$name(roster::store::Backend::Sqlite));
                }
                #[test]
                fn postgres() {
                    super::$rt().block_on(super::$name(roster::store::Backend::Postgres));
                }
            }
        )+
    };
}
pub(crate) use on_both_databases;

/// Waits until the `roster serve` in `child` accepts connections on `addr`; panics with its
/// log (`log`, its stderr) if it ends first, or if it never listens.
pub fn wait_listening(child: &mut std::process::Child, addr: &str, log: &Path) {
    let start = std::time::Instant::now();
    while std::net::TcpStream::connect(addr).is_err() {
        if let Ok(Some(status)) = child.try_wait() {
            panic!(
                "roster serve ended ({status}): {}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(120),
            "serve never listened"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// The (event, data) pairs of an SSE body.
pub fn sse_events(body: &str) -> Vec<(String, String)> {
    body.split("\n\n")
        .filter_map(|block| {
            let field = |name: &str| {
                block
                    .lines()
                    .find_map(|l| l.strip_prefix(name))
                    .map(str::to_owned)
            };
            Some((field("event: ")?, field("data: ").unwrap_or_default()))
        })
        .collect()
}
