//! One CBC run in a process of its own: how a solve puts its second core to work. coin_cbc
//! lets one CBC solve run at a time in a process (a global lock, its `singlethread-cbc`
//! feature, which this crate and good_lp enable) because CBC 2.10's solver entry point is
//! not thread-safe (coin-or/Cbc issue 332, still open): two threads calling CBC would take
//! turns on one core. A child process has a CBC of its own. `roster cbc-run --out FILE`
//! (hidden) reads one model, its parameters and its start on standard input, solves it, and
//! writes how the run ended with the column values to FILE; its standard output stays CBC's
//! log, as in the parent. Every number crosses as the bits of its f64, so the child solves
//! exactly the model the parent built (JSON has no infinity, and CBC's bounds use it).

use super::SolveError;
use coin_cbc::raw;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// One CBC model in CBC's own column-major arrays, with its run's parameters and start.
#[derive(Serialize, Deserialize)]
pub(super) struct CbcJob {
    starts: Vec<i32>,
    indices: Vec<i32>,
    #[serde(with = "bits")]
    elements: Vec<f64>,
    #[serde(with = "bits")]
    col_lower: Vec<f64>,
    #[serde(with = "bits")]
    col_upper: Vec<f64>,
    #[serde(with = "bits")]
    objective: Vec<f64>,
    #[serde(with = "bits")]
    row_lower: Vec<f64>,
    #[serde(with = "bits")]
    row_upper: Vec<f64>,
    integer: Vec<bool>,
    parameters: Vec<(String, String)>,
    #[serde(with = "bits")]
    start: Vec<f64>,
}

impl CbcJob {
    /// The model good_lp built, with `parameters` (in the order given, the last of a name
    /// winning, as `coin_cbc::Model::set_parameter` keeps them).
    pub(super) fn new(model: &coin_cbc::Model, parameters: Vec<(String, String)>) -> CbcJob {
        let start: Vec<f64> = model
            .cols()
            .map(|c| model.get_col_initial_solution(c))
            .collect::<Option<Vec<f64>>>()
            .unwrap_or_default();
        let raw = model.to_raw();
        let columns = raw.num_cols();
        CbcJob {
            starts: raw.vector_starts().to_vec(),
            indices: raw.indices().to_vec(),
            elements: raw.elements().to_vec(),
            col_lower: raw.col_lower().to_vec(),
            col_upper: raw.col_upper().to_vec(),
            objective: raw.obj_coefficients().to_vec(),
            row_lower: raw.row_lower().to_vec(),
            row_upper: raw.row_upper().to_vec(),
            integer: (0..columns).map(|c| raw.is_integer(c)).collect(),
            parameters,
            start,
        }
    }

    fn solve(&self) -> CbcEnd {
        let mut m = raw::Model::new();
        m.load_problem(
            self.integer.len(),
            self.row_lower.len(),
            &self.starts,
            &self.indices,
            &self.elements,
            Some(&self.col_lower),
            Some(&self.col_upper),
            Some(&self.objective),
            Some(&self.row_lower),
            Some(&self.row_upper),
        );
        for (c, &integer) in self.integer.iter().enumerate() {
            if integer {
                m.set_integer(c);
            } else {
                m.set_continuous(c);
            }
        }
        m.set_obj_sense(raw::Sense::Minimize);
        let parameters: BTreeMap<&str, &str> = self
            .parameters
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        for (k, v) in parameters {
            let c = |s: &str| std::ffi::CString::new(s).expect("a CBC parameter has no NUL");
            m.set_parameter(&c(k), &c(v));
        }
        if !self.start.is_empty() {
            m.set_initial_solution(&self.start);
        }
        m.solve();
        CbcEnd::of(&m)
    }
}

/// How one CBC run ended: what the search needs of CBC's status, and the column values.
#[derive(Serialize, Deserialize)]
pub(super) struct CbcEnd {
    pub(super) status: RunStatus,
    pub(super) stopped_on: StoppedOn,
    pub(super) seconds_limit_reached: bool,
    pub(super) proven_infeasible: bool,
    pub(super) unbounded: bool,
    #[serde(with = "bit")]
    pub(super) objective: f64,
    #[serde(with = "bit")]
    pub(super) best_possible: f64,
    #[serde(with = "bits")]
    pub(super) values: Vec<f64>,
}

/// CBC's status after a run.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub(super) enum RunStatus {
    /// Finished, or never launched (the model was settled before the search).
    Finished,
    /// Stopped by a limit.
    Stopped,
    /// Abandoned, or inside a user event: a fault.
    Failed(String),
}

/// CBC's secondary status, as far as the search tells its cases apart.
#[derive(Serialize, Deserialize, Debug, Clone, Copy, PartialEq)]
pub(super) enum StoppedOn {
    UserEvent,
    Time,
    Gap,
    Other,
}

impl CbcEnd {
    pub(super) fn of(m: &raw::Model) -> CbcEnd {
        use raw::{SecondaryStatus as S, Status};
        CbcEnd {
            status: match m.status() {
                Status::Finished | Status::Unlaunched => RunStatus::Finished,
                Status::Stopped => RunStatus::Stopped,
                other => RunStatus::Failed(format!("{other:?}")),
            },
            stopped_on: match m.secondary_status() {
                S::StoppedOnUserEvent => StoppedOn::UserEvent,
                S::StoppedOnTime => StoppedOn::Time,
                S::StoppedOnGap => StoppedOn::Gap,
                _ => StoppedOn::Other,
            },
            seconds_limit_reached: m.is_seconds_limit_reached(),
            proven_infeasible: m.is_proven_infeasible(),
            unbounded: m.is_continuous_unbounded(),
            objective: m.obj_value(),
            best_possible: m.best_possible_value(),
            values: m.col_solution().to_vec(),
        }
    }
}

/// Runs `job` in a child `roster` process (`exe`) and waits for it. The child dies with
/// the thread that started it (Linux's parent-death signal), so a solve that ends early,
/// Ctrl-C included, leaves no CBC running. Its standard output, where CBC writes, is this
/// process's only when `log` asks for CBC's log: CBC prints a line on a MIP start even
/// at log level 0, and `roster solve --json` owns standard output.
pub(super) fn run_in_child(exe: &Path, job: &CbcJob, log: bool) -> Result<CbcEnd, SolveError> {
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let failed = |what: &str, e: &dyn std::fmt::Display| {
        SolveError::Solver(format!("the CBC process ({}): {what}: {e}", exe.display()))
    };
    let out = std::env::temp_dir().join(format!(
        "roster-cbc-{}-{}.json",
        std::process::id(),
        RUNS.fetch_add(1, Ordering::Relaxed)
    ));
    let mut cmd = Command::new(exe);
    cmd.arg("cbc-run")
        .arg("--out")
        .arg(&out)
        .stdin(Stdio::piped())
        .stdout(if log { Stdio::inherit() } else { Stdio::null() });
    die_with_parent(&mut cmd);
    let mut child = cmd.spawn().map_err(|e| failed("start", &e))?;
    let input = serde_json::to_vec(job).map_err(|e| failed("write the model", &e))?;
    let sent = child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(&input);
    let status = child.wait().map_err(|e| failed("wait", &e))?;
    sent.map_err(|e| failed("send the model", &e))?;
    let read = std::fs::read(&out);
    let _ = std::fs::remove_file(&out);
    if !status.success() {
        return Err(failed("ended with", &status));
    }
    let text = read.map_err(|e| failed("read its result", &e))?;
    serde_json::from_slice(&text).map_err(|e| failed("parse its result", &e))
}

#[cfg(target_os = "linux")]
fn die_with_parent(cmd: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: prctl is async-signal-safe, and nothing else runs between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == 0 {
                Ok(())
            } else {
                Err(std::io::Error::last_os_error())
            }
        });
    }
}

#[cfg(not(target_os = "linux"))]
fn die_with_parent(_: &mut Command) {}

/// The child's side (`roster cbc-run`): one job from `input`, its end written to `out`.
pub fn serve_cbc_run(input: impl Read, out: &Path) -> Result<(), SolveError> {
    let job: CbcJob = serde_json::from_reader(std::io::BufReader::new(input))
        .map_err(|e| SolveError::Solver(format!("a CBC job on standard input: {e}")))?;
    let end = job.solve();
    let text = serde_json::to_vec(&end).expect("a CbcEnd serialises");
    std::fs::write(out, text)
        .map_err(|e| SolveError::Solver(format!("writing {}: {e}", out.display())))
}

/// A vector of f64 as the bits of each.
mod bits {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[f64], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|x| x.to_bits()))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
        Ok(Vec::<u64>::deserialize(d)?
            .into_iter()
            .map(f64::from_bits)
            .collect())
    }
}

/// One f64 as its bits.
mod bit {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(x.to_bits())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(f64::from_bits(u64::deserialize(d)?))
    }
}
