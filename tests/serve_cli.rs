//! `roster user add` and `roster serve` at the command line: the password comes from
//! standard input and is stored only hashed; bad input exits 2 with one line naming it;
//! `serve --demo` seeds an empty database once. On SQLite and on PostgreSQL.

use crate::common::serve::{TestDb, rt};

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;
use roster::store::{Backend, Store};
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

fn roster() -> Command {
    Command::cargo_bin("roster").unwrap()
}

mod user_add_reads_the_password_from_stdin_and_stores_only_its_hash {
    use roster::store::Backend;

    #[test]
    fn sqlite() {
        super::user_add(Backend::Sqlite);
    }

    #[test]
    fn postgres() {
        super::user_add(Backend::Postgres);
    }
}

fn user_add(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let rt = rt();
    let test_db = rt.block_on(TestDb::new(backend, dir.path()));
    let db = &test_db.arg();
    let secret = "Sehr-geheim-班长-42";
    roster()
        .args(["user", "add", "head", "--role", "head", "--db", db])
        .write_stdin(format!("{secret}\n"))
        .assert()
        .code(0)
        .stdout(contains("added head (head)"));
    // The same login again is refused, and so is a role that does not exist.
    roster()
        .args(["user", "add", "head", "--role", "head", "--db", db])
        .write_stdin(format!("{secret}\n"))
        .assert()
        .code(2)
        .stderr(contains("exists already"));
    roster()
        .args(["user", "add", "boss", "--role", "boss", "--db", db])
        .write_stdin("whatever-long\n")
        .assert()
        .code(2)
        .stderr(contains("--role"));
    // No password, a short one, and an agent who is nobody on the staff.
    roster()
        .args(["user", "add", "p", "--role", "planner", "--db", db])
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(contains("no password"));
    roster()
        .args(["user", "add", "p", "--role", "planner", "--db", db])
        .write_stdin("short\n")
        .assert()
        .code(2)
        .stderr(contains("at least 8"));
    roster()
        .args(["user", "add", "S01", "--role", "agent", "--db", db])
        .write_stdin("long-enough-pw\n")
        .assert()
        .code(2)
        .stderr(contains("no staff ID"));
    // The account opens with that password, through the store on the same database.
    rt.block_on(async {
        let store = Store::open(&test_db.db).await.unwrap();
        assert!(store.login("head", secret).await.unwrap().is_some());
        assert!(store.login("head", "Sehr-geheim").await.unwrap().is_none());
        // Closed before the files are read: SQLite folds its WAL into the database file and
        // removes it, instead of removing it while the loop below reads the directory.
        store.pool().close().await;
    });
    // Nor in the files the test can read (SQLite's; PostgreSQL keeps its own).
    for f in std::fs::read_dir(dir.path()).unwrap() {
        let bytes = std::fs::read(f.unwrap().path()).unwrap();
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "password in clear on disk"
        );
    }
}

#[test]
fn serve_refuses_a_bad_address_and_an_unopenable_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("roster.db");
    roster()
        .args(["serve", "--addr", "localhost", "--db", db.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(contains("--addr"));
    let missing = dir.path().join("no/such/dir/roster.db");
    roster()
        .args(["serve", "--db", missing.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(contains("--db").and(contains("roster.db")));
}

/// `roster serve --demo` on `db` (the tiny centre, which solves in a second or two) with
/// stdout piped; returns once it listens.
fn serve_demo(db: &str, log: &std::path::Path) -> (Child, BufReader<std::process::ChildStdout>) {
    let addr = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().to_string()
    };
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_roster"))
        .args(["serve", "--demo", "--demo-scenario", "scenarios/tiny.toml"])
        .args(["--addr", &addr, "--db", db])
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .expect("roster serve starts");
    crate::common::serve::wait_listening(&mut child, &addr, log);
    let out = BufReader::new(child.stdout.take().unwrap());
    (child, out)
}

mod serve_demo_seeds_an_empty_database_once {
    use roster::store::Backend;

    #[test]
    fn sqlite() {
        super::demo_seeds_once(Backend::Sqlite);
    }

    #[test]
    fn postgres() {
        super::demo_seeds_once(Backend::Postgres);
    }
}

fn demo_seeds_once(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let rt = rt();
    let test_db = rt.block_on(TestDb::new(backend, dir.path()));
    let log = dir.path().join("serve.log");
    let (mut first, out) = serve_demo(&test_db.arg(), &log);
    first.kill().unwrap();
    first.wait().unwrap();
    // "  head     head              password XYZ": role, login, [name], password.
    let accounts: Vec<(String, String, String)> = out
        .lines()
        .map(Result::unwrap)
        .filter(|l| l.contains(" password "))
        .map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            (w[0].to_owned(), w[1].to_owned(), w[w.len() - 1].to_owned())
        })
        .collect();
    let roles: Vec<&str> = accounts.iter().map(|(r, _, _)| r.as_str()).collect();
    for role in ["head", "lead", "agent", "planner"] {
        assert!(roles.contains(&role), "no {role} account: {accounts:?}");
    }
    rt.block_on(async {
        let store = Store::open(&test_db.db).await.unwrap();
        for (_, login, password) in &accounts {
            assert!(
                store.login(login, password).await.unwrap().is_some(),
                "{login} cannot log in with the printed password"
            );
        }
        let month = store.months().await.unwrap();
        assert_eq!(month.len(), 1, "{month:?}");
        assert!(
            store.current(&month[0]).await.is_ok(),
            "the demo month is published"
        );
    });
    // A second start with --demo leaves the data as it is and says so.
    let (mut second, out) = serve_demo(&test_db.arg(), &log);
    second.kill().unwrap();
    second.wait().unwrap();
    assert_eq!(out.lines().count(), 0, "the demo printed accounts again");
    let said = std::fs::read_to_string(&log).unwrap();
    assert!(said.contains("has data already"), "{said}");
}
