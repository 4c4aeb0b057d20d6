//! Outputs that never lose or lie, from the outside: an output that cannot be written is bad
//! input (exit 2, one line naming the path, nothing written) in every command and before any
//! work; a command's outputs appear together or not at all; no output ever replaces an
//! input; concurrent writers on one roster never lose an acknowledged change.

use crate::common::whatif as common;

use common::{tiny_path, tiny_roster};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SOLVE_SCENARIO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/tiny.toml");
const INFEASIBLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/scenarios/infeasible-xmas.toml"
);
const TRAFFIC: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/traffic/three-seat-types.toml"
);
const NRP_INSTANCE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/data/curtois/Instance1.txt"
);

fn run(args: &[OsString]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_roster"))
        .args(args)
        .output()
        .unwrap()
}

/// Copies of every input a writing command reads, in one directory of their own.
struct Inputs {
    dir: tempfile::TempDir,
    scenario: PathBuf,
    roster: PathBuf,
    service: PathBuf,
    solve_scenario: PathBuf,
    traffic: PathBuf,
    instance: PathBuf,
}

fn inputs() -> Inputs {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("tiny.toml");
    std::fs::copy(tiny_path(), &scenario).unwrap();
    let roster = dir.path().join("tiny.roster.json");
    tiny_roster().save(&roster).unwrap();
    let service = dir.path().join("service.json");
    std::fs::write(
        &service,
        r#"[{"label":"189","target":0.8,"interval_minutes":30,"points":[{"start_minute":0,"mean":0.9,"low":0.85,"high":0.95}]}]"#,
    )
    .unwrap();
    let solve_scenario = dir.path().join("solve.toml");
    std::fs::copy(SOLVE_SCENARIO, &solve_scenario).unwrap();
    let traffic = dir.path().join("traffic.toml");
    std::fs::copy(TRAFFIC, &traffic).unwrap();
    let instance = dir.path().join("Instance1.txt");
    std::fs::copy(NRP_INSTANCE, &instance).unwrap();
    Inputs {
        dir,
        scenario,
        roster,
        service,
        solve_scenario,
        traffic,
        instance,
    }
}

fn os(parts: &[&dyn AsRef<std::ffi::OsStr>]) -> Vec<OsString> {
    parts.iter().map(|p| p.as_ref().to_os_string()).collect()
}

/// An accepted swap of the tiny roster: (A, date, B, return date).
fn swap_args(fx: &Inputs, which: usize) -> Vec<OsString> {
    let (a, d, b, d2) = accepted_swaps()[which].clone();
    os(&[
        &"swap",
        &fx.scenario,
        &fx.roster,
        &"--staff",
        &a,
        &"--date",
        &d,
        &"--with",
        &b,
        &"--return-date",
        &d2,
        &"--approved",
    ])
}

/// Swaps of the tiny roster that are each accepted on their own and share no person, so
/// all of them can be made one after the other.
fn accepted_swaps() -> Vec<(String, String, String, String)> {
    let sc = common::tiny();
    let r = tiny_roster();
    let mut used: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for a in &r.assignments {
        if used.contains(&a.staff) {
            continue;
        }
        let list =
            roster::whatif::candidates(&sc, r, sc.staff_by_id(&a.staff).unwrap(), a.date).unwrap();
        if let Some(c) = list
            .iter()
            .find(|c| !c.returns.is_empty() && !used.contains(&c.staff))
        {
            used.push(a.staff.clone());
            used.push(c.staff.clone());
            out.push((
                a.staff.clone(),
                a.date.to_string(),
                c.staff.clone(),
                c.returns[0].date.to_string(),
            ));
        }
    }
    assert!(
        out.len() >= 2,
        "the tiny roster offers two independent swaps"
    );
    out
}

fn leave_args(fx: &Inputs) -> Vec<OsString> {
    let a = &tiny_roster().assignments[0];
    let d = a.date.to_string();
    os(&[
        &"leave",
        &fx.scenario,
        &fx.roster,
        &"--staff",
        &a.staff,
        &"--from",
        &d,
        &"--to",
        &d,
        &"--kind",
        &"sick",
        &"--requested-at",
        &"2026-11-20T09:00",
        &"--approved-by",
        &"dept_head",
        &"--certificate",
        &"--repair",
    ])
}

/// One output flag of one command.
struct Writer {
    label: &'static str,
    /// The file name the flag expects (its extension picks a format for some commands).
    file: &'static str,
    /// The command line with the flag's output at the given path.
    args: fn(&Inputs, &Path) -> Vec<OsString>,
    /// The inputs that command reads (any of which the output must never replace).
    reads: fn(&Inputs) -> Vec<PathBuf>,
}

fn writers() -> Vec<Writer> {
    vec![
        Writer {
            label: "solve --out",
            file: "o.json",
            args: |fx, out| {
                os(&[
                    &"solve",
                    &fx.solve_scenario,
                    &"--out",
                    &out,
                    &"--time-limit",
                    &"60",
                ])
            },
            reads: |fx| vec![fx.solve_scenario.clone()],
        },
        Writer {
            label: "solve --csv",
            file: "o.csv",
            args: |fx, out| {
                let good = fx.dir.path().join("good.json");
                os(&[
                    &"solve",
                    &fx.solve_scenario,
                    &"--out",
                    &good,
                    &"--csv",
                    &out,
                ])
            },
            reads: |fx| vec![fx.solve_scenario.clone()],
        },
        Writer {
            label: "swap --out",
            file: "o.json",
            args: |fx, out| {
                let mut v = swap_args(fx, 0);
                v.extend(os(&[&"--out", &out]));
                v
            },
            reads: |fx| vec![fx.scenario.clone()],
        },
        Writer {
            label: "leave --out",
            file: "o.json",
            args: |fx, out| {
                let mut v = leave_args(fx);
                v.extend(os(&[&"--out", &out]));
                v
            },
            reads: |fx| vec![fx.scenario.clone()],
        },
        Writer {
            label: "plot --out",
            file: "o.svg",
            args: |fx, out| {
                os(&[
                    &"plot",
                    &fx.scenario,
                    &fx.roster,
                    &"--service",
                    &fx.service,
                    &"--kind",
                    &"service",
                    &"--out",
                    &out,
                ])
            },
            reads: |fx| vec![fx.scenario.clone(), fx.roster.clone(), fx.service.clone()],
        },
        Writer {
            label: "report --out",
            file: "o.html",
            args: |fx, out| {
                os(&[
                    &"report",
                    &fx.scenario,
                    &fx.roster,
                    &"--service",
                    &fx.service,
                    &"--out",
                    &out,
                ])
            },
            reads: |fx| vec![fx.scenario.clone(), fx.roster.clone(), fx.service.clone()],
        },
        Writer {
            label: "simulate --service-out",
            file: "o.json",
            args: |fx, out| {
                os(&[
                    &"simulate",
                    &fx.traffic,
                    &"--replications",
                    &"2",
                    &"--service-out",
                    &out,
                ])
            },
            reads: |fx| vec![fx.traffic.clone()],
        },
        Writer {
            label: "advise --write-demand",
            file: "o.toml",
            args: |fx, out| {
                os(&[
                    &"advise",
                    &fx.traffic,
                    &"--replications",
                    &"2",
                    &"--write-demand",
                    &out,
                ])
            },
            reads: |fx| vec![fx.traffic.clone()],
        },
        Writer {
            label: "nrp --out",
            file: "o.tsv",
            args: |fx, out| os(&[&"nrp", &fx.instance, &"--out", &out]),
            reads: |fx| vec![fx.instance.clone()],
        },
    ]
}

/// Every file under `dir` with its bytes, to show that a refused command changed nothing.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let meta = std::fs::symlink_metadata(&p).unwrap();
        if meta.is_dir() {
            v.push((p.clone(), Vec::new()));
            v.extend(snapshot(&p));
        } else if meta.file_type().is_symlink() {
            v.push((
                p.clone(),
                std::fs::read_link(&p)
                    .unwrap()
                    .into_os_string()
                    .into_encoded_bytes(),
            ));
        } else {
            v.push((p.clone(), std::fs::read(&p).unwrap()));
        }
    }
    v.sort();
    v
}

fn assert_refused(label: &str, res: &Output, names: &Path, words: &str) {
    let stderr = String::from_utf8_lossy(&res.stderr);
    assert_eq!(res.status.code(), Some(2), "{label}: {stderr}");
    assert_eq!(
        stderr.trim().lines().count(),
        1,
        "{label}: one line: {stderr}"
    );
    assert!(
        stderr.contains(&names.display().to_string()),
        "{label}: names {}: {stderr}",
        names.display()
    );
    assert!(stderr.contains(words), "{label}: says {words:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{label}: {stderr}");
    // Refused before any work: nothing was solved, judged or printed.
    assert!(
        res.stdout.is_empty(),
        "{label}: stdout {}",
        String::from_utf8_lossy(&res.stdout)
    );
}

/// 9.14: in every command and for every output flag, a path that cannot be written exits 2
/// with one line naming it, before any work, and nothing is written anywhere.
#[test]
fn an_unwritable_output_exits_2_in_every_command_and_writes_nothing() {
    let fx = inputs();
    // Solve once here so no command below is slowed by the shared roster fixture.
    let _ = tiny_roster();
    for w in writers() {
        let kinds: Vec<(&str, PathBuf)> = vec![
            (
                "missing directory",
                fx.dir.path().join("nodir").join(w.file),
            ),
            ("a directory", {
                let p = fx.dir.path().join("adir").join(w.file);
                std::fs::create_dir_all(&p).unwrap();
                p
            }),
            ("a read-only file", {
                let p = fx.dir.path().join(format!("ro-{}", w.file));
                std::fs::write(&p, "keep").unwrap();
                let mut perm = std::fs::metadata(&p).unwrap().permissions();
                perm.set_readonly(true);
                std::fs::set_permissions(&p, perm).unwrap();
                p
            }),
            // sysfs takes no new files, not even from root: a directory that refuses writes.
            (
                "a directory that takes no new files",
                Path::new("/sys").join(w.file),
            ),
        ];
        for (kind, path) in kinds {
            let before = snapshot(fx.dir.path());
            let res = run(&(w.args)(&fx, &path));
            assert_refused(
                &format!("{} into {kind}", w.label),
                &res,
                &path,
                "cannot write",
            );
            assert_eq!(
                before,
                snapshot(fx.dir.path()),
                "{} into {kind}: wrote something",
                w.label
            );
        }
    }
}

/// 10.7: `solve --out o.json --csv nodir/x.csv` refuses before solving and leaves no o.json;
/// on an infeasible month it is still 2 (bad output), not 3, because nothing was solved.
#[test]
fn all_outputs_appear_together_and_a_bad_one_is_refused_before_solving() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("o.json");
    let bad = dir.path().join("nodir").join("x.csv");
    for scenario in [SOLVE_SCENARIO, INFEASIBLE] {
        let res = run(&os(&[&"solve", &scenario, &"--out", &good, &"--csv", &bad]));
        assert_refused(scenario, &res, &bad, "does not exist");
        assert!(
            !good.exists(),
            "{scenario}: o.json written beside a refused output"
        );
    }
    // Both good: both written.
    let csv = dir.path().join("x.csv");
    let res = run(&os(&[
        &"solve",
        &SOLVE_SCENARIO,
        &"--out",
        &good,
        &"--csv",
        &csv,
    ]));
    assert_eq!(
        res.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    assert!(good.exists() && csv.exists());
    // Two flags naming one file would leave only one of them.
    let res = run(&os(&[
        &"solve",
        &SOLVE_SCENARIO,
        &"--out",
        &csv,
        &"--csv",
        &csv,
    ]));
    assert_refused(
        "--out = --csv",
        &res,
        &csv,
        "each output needs its own file",
    );
}

/// 10.6: no output ever replaces an input — over every command, output flag and input, named
/// directly, through `./`, through `sub/..`, by a symlink and by a hard link.
#[test]
fn no_output_ever_replaces_an_input() {
    let _ = tiny_roster();
    for w in writers() {
        let fx = inputs();
        std::fs::create_dir(fx.dir.path().join("sub")).unwrap();
        for input in (w.reads)(&fx) {
            let name = input.file_name().unwrap().to_owned();
            let link = fx.dir.path().join("link-to-input");
            let hard = fx.dir.path().join("hard-link-to-input");
            let _ = std::fs::remove_file(&link);
            let _ = std::fs::remove_file(&hard);
            std::os::unix::fs::symlink(&input, &link).unwrap();
            std::fs::hard_link(&input, &hard).unwrap();
            let aliases = [
                input.clone(),
                fx.dir.path().join(".").join(&name),
                fx.dir.path().join("sub").join("..").join(&name),
                link.clone(),
                hard.clone(),
            ];
            for alias in aliases {
                let before = snapshot(fx.dir.path());
                let res = run(&(w.args)(&fx, &alias));
                let label = format!(
                    "{} {} (input {})",
                    w.label,
                    alias.display(),
                    input.display()
                );
                assert_refused(&label, &res, &alias, "never replaces an input");
                assert_eq!(before, snapshot(fx.dir.path()), "{label}: changed a file");
            }
        }
    }
}

/// Updating ROSTER in place stays allowed, with or without `--out ROSTER`.
#[test]
fn swap_may_update_its_roster_in_place() {
    for explicit in [false, true] {
        let fx = inputs();
        let mut args = swap_args(&fx, 0);
        if explicit {
            args.extend(os(&[&"--out", &fx.roster]));
        }
        let res = run(&args);
        assert_eq!(
            res.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&res.stderr)
        );
        let text = std::fs::read_to_string(&fx.roster).unwrap();
        let r: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(r["swaps"].as_array().unwrap().len(), 1);
    }
}

/// 10.5: swaps launched at once on one roster file: every one that exits 0 is in the final
/// file (none silently lost), over several rounds.
#[test]
fn concurrent_swaps_never_lose_an_acknowledged_change() {
    let swaps = accepted_swaps();
    for round in 0..6 {
        let fx = inputs();
        let children: Vec<_> = (0..swaps.len())
            .map(|i| {
                Command::new(env!("CARGO_BIN_EXE_roster"))
                    .args(swap_args(&fx, i))
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let results: Vec<Output> = children
            .into_iter()
            .map(|c| c.wait_with_output().unwrap())
            .collect();
        let text = std::fs::read_to_string(&fx.roster).unwrap();
        let r: serde_json::Value = serde_json::from_str(&text).unwrap();
        let recorded = r["swaps"].as_array().unwrap();
        let mut acknowledged = 0;
        for ((a, d, b, _), res) in swaps.iter().zip(&results) {
            let stderr = String::from_utf8_lossy(&res.stderr);
            assert!(
                matches!(res.status.code(), Some(0 | 1)),
                "round {round}: {stderr}"
            );
            if res.status.code() == Some(0) {
                acknowledged += 1;
                assert!(
                    recorded.iter().any(|s| s["a"] == a.as_str()
                        && s["b"] == b.as_str()
                        && s["date"] == d.as_str()),
                    "round {round}: the swap {a}->{b} on {d} exited 0 but is not in the roster: {recorded:?}"
                );
            }
        }
        assert!(acknowledged > 0, "round {round}: no swap accepted");
        // The file is one whole roster that the checker reads.
        let res = run(&os(&[&"check", &fx.scenario, &fx.roster]));
        assert!(
            matches!(res.status.code(), Some(0 | 1)),
            "{}",
            String::from_utf8_lossy(&res.stderr)
        );
    }
}
