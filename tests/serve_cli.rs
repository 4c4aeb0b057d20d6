//! `roster user add` and `roster serve` at the command line: the password comes from
//! standard input and is stored only hashed; bad input exits 2 with one line naming it.

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;

fn roster() -> Command {
    Command::cargo_bin("roster").unwrap()
}

#[test]
fn user_add_reads_the_password_from_stdin_and_stores_only_its_hash() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("roster.db");
    let db = db.to_str().unwrap();
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
