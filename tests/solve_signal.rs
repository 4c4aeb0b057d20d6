//! Ctrl-C during a solve: the command stops, keeps the best roster found so far (written,
//! and it passes `check`), says so on stderr and exits 130 — from the root node on, since
//! the greedy start is a roster before the root's LP. The waits are bounds that turn a hang into a failure, not
//! timings.

use crate::common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The 150-staff month: its root node alone takes many seconds, then fix-and-optimise
/// improves the roster step by step, so there is time to interrupt at either point.
const LONG: &str = "scenarios/large-150.toml";

fn start_on(scenario: &str, out: &Path) -> (Child, mpsc::Receiver<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_roster"))
        .arg("solve")
        .arg(common::root().join(scenario))
        .arg("--out")
        .arg(out)
        .arg("--progress")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (child, rx)
}

/// Lines until one satisfies `want`; panics on a hang or an early end.
fn wait_for(rx: &mpsc::Receiver<String>, want: impl Fn(&str) -> bool) -> Vec<String> {
    let mut seen = Vec::new();
    loop {
        match rx.recv_timeout(Duration::from_secs(300)) {
            Ok(line) => {
                let done = want(&line);
                seen.push(line);
                if done {
                    return seen;
                }
            }
            Err(e) => panic!("{e}: no such line in {seen:#?}"),
        }
    }
}

fn interrupt(child: &Child) {
    // SAFETY: kill sends a signal to our own child process; no memory is involved.
    let rc = unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
    assert_eq!(rc, 0);
}

/// The exit status, within a bound that only a process ignoring the signal would pass.
fn exit_code(mut child: Child) -> Option<i32> {
    for _ in 0..300 {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    child.kill().unwrap();
    panic!("still running 30 s after SIGINT");
}

/// Starts a solve of `scenario`, sends Ctrl-C at the first progress line naming `stage`,
/// and checks the result: exit 130, the best roster so far written and said so, passing
/// `check`, its status `interrupted`.
fn interrupted_during(scenario: &str, stage: &str) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.json");
    let (child, rx) = start_on(scenario, &out);
    wait_for(&rx, |l| l.starts_with("progress:") && l.contains(stage));
    interrupt(&child);
    assert_eq!(exit_code(child), Some(130));
    let said: Vec<String> = rx.try_iter().collect();
    assert!(
        said.iter()
            .any(|l| l.contains("interrupted") && l.contains("wrote the best roster")),
        "{said:#?}"
    );
    common::assert_check_passes(&common::root().join(scenario), &out);
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(written["solver"]["status"], "interrupted");
}

/// Ctrl-C while the root node is still being solved: the greedy start (issue 10.12) is
/// already a roster, so it is written.
#[test]
fn ctrl_c_during_the_root_node_writes_the_greedy_start_and_exits_130() {
    interrupted_during(LONG, "root node");
}

/// Ctrl-C after CBC has run once: CBC installs its own SIGINT handler and never puts ours
/// back, so Ctrl-C used to stop only CBC's current run (with a roster that broke
/// ROSTER-LOAD) and the solve went on. Now SIGINT never reaches a handler at all.
#[test]
fn ctrl_c_after_a_solver_run_still_stops_the_solve() {
    interrupted_during("scenarios/seed-2026-12.toml", "fix-and-optimise");
}
