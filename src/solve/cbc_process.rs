//! One CBC run in a process of its own: how a solve puts its second core to work. coin_cbc
//! lets one CBC solve run at a time in a process (a global lock, its `singlethread-cbc`
//! feature, which this crate and good_lp enable) because CBC 2.10's solver entry point is
//! not thread-safe (coin-or/Cbc issue 332, still open): two threads calling CBC would take
//! turns on one core. A child process has a CBC of its own. `roster cbc-run --out FILE`
//! (hidden) reads one model, its parameters and its start on standard input, solves it, and
//! writes how the run ended with the column values to FILE; its standard output stays CBC's
//! log, as in the parent. Both cross in a plain binary layout (`wire`): every f64 as its
//! bits, so the child solves exactly the model the parent built (CBC's bounds include
//! infinities, which JSON cannot carry), and quickly even in an unoptimised build (a
//! 300-staff model is half a million coefficients).

use super::SolveError;
use coin_cbc::raw;
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A run in a child process: the `roster` executable, and who is told once the job is
/// built. Building it takes coin_cbc's global lock for a moment (`to_raw` makes a CBC
/// model), so the stage beside it starts its own CBC runs only then; otherwise the job
/// would wait for the end of that stage's first solve.
#[derive(Debug, Clone)]
pub(crate) struct ChildRun {
    pub(super) exe: std::path::PathBuf,
    pub(super) job_built: std::sync::mpsc::Sender<()>,
    /// Kill the process once it overruns its time limit by `OVERRUN`.
    pub(super) hard_stop: bool,
    /// Kill the process once this is raised: its result is no longer wanted.
    pub(super) stop: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
}

impl ChildRun {
    /// A run in a process of `exe` that is killed when it overruns its time limit: CBC
    /// does not watch the clock in its preprocessing, its first LP or one node's
    /// heuristics, which on a large model take seconds (`roster nrp` on instance 19 ended
    /// 5 s past a 600 s limit). Nobody waits for its job to be built.
    pub(crate) fn hard_stopped(exe: std::path::PathBuf) -> ChildRun {
        ChildRun {
            exe,
            job_built: std::sync::mpsc::channel().0,
            hard_stop: true,
            stop: None,
        }
    }
}

/// How far past its time limit a hard-stopped run may go before it is killed: room for
/// CBC to stop itself and write its result.
pub(super) const OVERRUN: std::time::Duration = std::time::Duration::from_millis(500);

/// One CBC model in CBC's own column-major arrays, with its run's parameters and start.
pub(super) struct CbcJob {
    starts: Vec<i32>,
    indices: Vec<i32>,
    elements: Vec<f64>,
    col_lower: Vec<f64>,
    col_upper: Vec<f64>,
    objective: Vec<f64>,
    row_lower: Vec<f64>,
    row_upper: Vec<f64>,
    integer: Vec<bool>,
    parameters: Vec<(String, String)>,
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
pub(super) struct CbcEnd {
    pub(super) status: RunStatus,
    pub(super) stopped_on: StoppedOn,
    pub(super) seconds_limit_reached: bool,
    pub(super) proven_infeasible: bool,
    pub(super) unbounded: bool,
    pub(super) objective: f64,
    pub(super) best_possible: f64,
    pub(super) values: Vec<f64>,
}

/// CBC's status after a run.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum RunStatus {
    /// Finished, or never launched (the model was settled before the search).
    Finished,
    /// Stopped by a limit.
    Stopped,
    /// Abandoned, or inside a user event: a fault.
    Failed(String),
}

/// CBC's secondary status, as far as the search tells its cases apart.
#[derive(Debug, Clone, Copy, PartialEq)]
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

/// Runs `job` in a child `roster` process (`exe`) and waits for it, or kills it at
/// `deadline` or once `stop` is raised (then `Ok(None)`: nothing came of the run). The child dies with
/// the thread that started it (Linux's parent-death signal), so a solve that ends early,
/// Ctrl-C included, leaves no CBC running. Its standard output, where CBC writes, is this
/// process's only when `log` asks for CBC's log: CBC prints a line on a MIP start even
/// at log level 0, and `roster solve --json` owns standard output.
pub(super) fn run_in_child(
    exe: &Path,
    job: &CbcJob,
    log: bool,
    deadline: Option<std::time::Instant>,
    stop: Option<&std::sync::atomic::AtomicBool>,
) -> Result<Option<CbcEnd>, SolveError> {
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let failed = |what: &str, e: &dyn std::fmt::Display| {
        SolveError::Solver(format!("the CBC process ({}): {what}: {e}", exe.display()))
    };
    let out = std::env::temp_dir().join(format!(
        "roster-cbc-{}-{}.end",
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
    let input = job.to_bytes();
    let sent = child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(&input);
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| failed("wait", &e))? {
            break status;
        }
        if deadline.is_some_and(|d| std::time::Instant::now() >= d)
            || stop.is_some_and(|s| s.load(Ordering::Relaxed))
        {
            let _ = child.kill();
            let _ = child.wait();
            let _ = std::fs::remove_file(&out);
            return Ok(None);
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    sent.map_err(|e| failed("send the model", &e))?;
    let read = std::fs::read(&out);
    let _ = std::fs::remove_file(&out);
    if !status.success() {
        return Err(failed("ended with", &status));
    }
    let text = read.map_err(|e| failed("read its result", &e))?;
    CbcEnd::from_bytes(&text)
        .map(Some)
        .map_err(|e| failed("read its result", &e))
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
pub fn serve_cbc_run(mut input: impl Read, out: &Path) -> Result<(), SolveError> {
    let mut bytes = Vec::new();
    input
        .read_to_end(&mut bytes)
        .map_err(|e| SolveError::Solver(format!("reading a CBC job on standard input: {e}")))?;
    let job = CbcJob::from_bytes(&bytes)
        .map_err(|e| SolveError::Solver(format!("a CBC job on standard input: {e}")))?;
    std::fs::write(out, job.solve().to_bytes())
        .map_err(|e| SolveError::Solver(format!("writing {}: {e}", out.display())))
}

impl CbcJob {
    fn to_bytes(&self) -> Vec<u8> {
        let mut w = wire::Writer::default();
        w.i32s(&self.starts);
        w.i32s(&self.indices);
        for v in [
            &self.elements,
            &self.col_lower,
            &self.col_upper,
            &self.objective,
            &self.row_lower,
            &self.row_upper,
        ] {
            w.f64s(v);
        }
        w.bools(&self.integer);
        w.u64(self.parameters.len() as u64);
        for (k, v) in &self.parameters {
            w.text(k);
            w.text(v);
        }
        w.f64s(&self.start);
        w.0
    }

    fn from_bytes(bytes: &[u8]) -> Result<CbcJob, wire::Truncated> {
        let mut r = wire::Reader(bytes);
        Ok(CbcJob {
            starts: r.i32s()?,
            indices: r.i32s()?,
            elements: r.f64s()?,
            col_lower: r.f64s()?,
            col_upper: r.f64s()?,
            objective: r.f64s()?,
            row_lower: r.f64s()?,
            row_upper: r.f64s()?,
            integer: r.bools()?,
            parameters: (0..r.u64()?)
                .map(|_| Ok((r.text()?, r.text()?)))
                .collect::<Result<_, _>>()?,
            start: r.f64s()?,
        })
    }
}

impl CbcEnd {
    fn to_bytes(&self) -> Vec<u8> {
        let mut w = wire::Writer::default();
        w.text(&match &self.status {
            RunStatus::Finished => "finished".to_string(),
            RunStatus::Stopped => "stopped".to_string(),
            RunStatus::Failed(why) => format!("failed {why}"),
        });
        w.u64(match self.stopped_on {
            StoppedOn::UserEvent => 0,
            StoppedOn::Time => 1,
            StoppedOn::Gap => 2,
            StoppedOn::Other => 3,
        });
        w.bools(&[
            self.seconds_limit_reached,
            self.proven_infeasible,
            self.unbounded,
        ]);
        w.f64s(&[self.objective, self.best_possible]);
        w.f64s(&self.values);
        w.0
    }

    fn from_bytes(bytes: &[u8]) -> Result<CbcEnd, wire::Truncated> {
        let mut r = wire::Reader(bytes);
        let status = match r.text()?.as_str() {
            "finished" => RunStatus::Finished,
            "stopped" => RunStatus::Stopped,
            other => RunStatus::Failed(other.trim_start_matches("failed ").to_string()),
        };
        let stopped_on = match r.u64()? {
            0 => StoppedOn::UserEvent,
            1 => StoppedOn::Time,
            2 => StoppedOn::Gap,
            _ => StoppedOn::Other,
        };
        let flags = r.bools()?;
        let figures = r.f64s()?;
        let (&[seconds_limit_reached, proven_infeasible, unbounded], &[objective, best_possible]) =
            (flags.as_slice(), figures.as_slice())
        else {
            return Err(wire::Truncated);
        };
        Ok(CbcEnd {
            status,
            stopped_on,
            seconds_limit_reached,
            proven_infeasible,
            unbounded,
            objective,
            best_possible,
            values: r.f64s()?,
        })
    }
}

/// The layout between the two processes: each value little-endian, each sequence its
/// length (u64) then its items, text as UTF-8 bytes.
mod wire {
    #[derive(Debug, thiserror::Error)]
    #[error("the data ends early or is malformed")]
    pub struct Truncated;

    #[derive(Default)]
    pub struct Writer(pub Vec<u8>);

    impl Writer {
        pub fn u64(&mut self, x: u64) {
            self.0.extend_from_slice(&x.to_le_bytes());
        }
        pub fn f64s(&mut self, v: &[f64]) {
            self.u64(v.len() as u64);
            self.0.extend(v.iter().flat_map(|x| x.to_le_bytes()));
        }
        pub fn i32s(&mut self, v: &[i32]) {
            self.u64(v.len() as u64);
            self.0.extend(v.iter().flat_map(|x| x.to_le_bytes()));
        }
        pub fn bools(&mut self, v: &[bool]) {
            self.u64(v.len() as u64);
            self.0.extend(v.iter().map(|&b| u8::from(b)));
        }
        pub fn text(&mut self, t: &str) {
            self.u64(t.len() as u64);
            self.0.extend_from_slice(t.as_bytes());
        }
    }

    pub struct Reader<'a>(pub &'a [u8]);

    impl Reader<'_> {
        fn take(&mut self, n: usize) -> Result<&[u8], Truncated> {
            if n > self.0.len() {
                return Err(Truncated);
            }
            let (head, rest) = self.0.split_at(n);
            self.0 = rest;
            Ok(head)
        }
        pub fn u64(&mut self) -> Result<u64, Truncated> {
            Ok(u64::from_le_bytes(
                self.take(8)?.try_into().expect("8 bytes"),
            ))
        }
        fn len(&mut self, width: usize) -> Result<usize, Truncated> {
            let n = usize::try_from(self.u64()?).map_err(|_| Truncated)?;
            n.checked_mul(width).ok_or(Truncated)
        }
        pub fn f64s(&mut self) -> Result<Vec<f64>, Truncated> {
            let n = self.len(8)?;
            Ok(self
                .take(n)?
                .chunks_exact(8)
                .map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes")))
                .collect())
        }
        pub fn i32s(&mut self) -> Result<Vec<i32>, Truncated> {
            let n = self.len(4)?;
            Ok(self
                .take(n)?
                .chunks_exact(4)
                .map(|c| i32::from_le_bytes(c.try_into().expect("4 bytes")))
                .collect())
        }
        pub fn bools(&mut self) -> Result<Vec<bool>, Truncated> {
            let n = self.len(1)?;
            Ok(self.take(n)?.iter().map(|&b| b != 0).collect())
        }
        pub fn text(&mut self) -> Result<String, Truncated> {
            let n = self.len(1)?;
            String::from_utf8(self.take(n)?.to_vec()).map_err(|_| Truncated)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_and_its_end_cross_the_wire_bit_for_bit() {
        let job = CbcJob {
            starts: vec![0, 2, 3],
            indices: vec![0, 1, 1],
            elements: vec![1.0, -0.1, 1.0 / 3.0],
            col_lower: vec![0.0, f64::NEG_INFINITY],
            col_upper: vec![1.0, f64::INFINITY],
            objective: vec![5.0, 1e-12],
            row_lower: vec![f64::NEG_INFINITY, 2.0],
            row_upper: vec![3.0, f64::INFINITY],
            integer: vec![true, false],
            parameters: vec![("sec".into(), "1.500".into()), ("log".into(), "0".into())],
            start: vec![1.0, 0.5],
        };
        let back = CbcJob::from_bytes(&job.to_bytes()).unwrap();
        assert_eq!(back.to_bytes(), job.to_bytes());
        assert_eq!(back.elements[2].to_bits(), (1.0f64 / 3.0).to_bits());
        assert_eq!(back.col_lower[1], f64::NEG_INFINITY);
        assert_eq!(back.parameters, job.parameters);
        let end = job.solve();
        let again = CbcEnd::from_bytes(&end.to_bytes()).unwrap();
        assert_eq!(again.status, end.status);
        assert_eq!(again.stopped_on, end.stopped_on);
        assert_eq!(again.objective.to_bits(), end.objective.to_bits());
        assert_eq!(again.values, end.values);
        // Cut anywhere, the data is refused rather than misread.
        let bytes = job.to_bytes();
        assert!(CbcJob::from_bytes(&bytes[..bytes.len() - 1]).is_err());
    }
}
