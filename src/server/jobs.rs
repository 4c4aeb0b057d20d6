//! Long work started from a page (a month's solve, a call simulation) runs in a background
//! task of one server. Its log is kept in the database (`store::jobs`), so that with several
//! servers on one database any of them streams a job's progress by SSE and only one runs a
//! job of a given key. The server running a job also keeps the log in a watch channel: the
//! solver reports from a blocking thread, synchronously, and its own stream follows that;
//! a task persists the changes (debounced) and a heartbeat, and the outcome is stored
//! before any stream says `done`. A job whose server stopped — no heartbeat for `STALE` —
//! is shown as failed and may be started again.

use crate::store::{JobRow, Store, StoreError};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use axum::response::sse::{Event, KeepAlive, KeepAliveStream, Sse};
use futures_util::stream::{self, BoxStream, StreamExt};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::watch;

/// How often a running job's server says it is alive, when nothing else changed.
pub const HEARTBEAT: Duration = Duration::from_secs(5);
/// A running job not heard from for this long is abandoned: its server stopped.
pub const STALE: Duration = Duration::from_secs(30);
/// What an abandoned job is reported as.
pub const STOPPED: &str = "the server running it stopped";
/// Steps reported closer together than this are written once.
const DEBOUNCE: Duration = Duration::from_millis(200);
/// How often a server that does not run a job reads its log again.
const POLL: Duration = Duration::from_millis(400);

/// One step of a job, as the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub stage: String,
    pub best: Option<f64>,
    pub bound: Option<f64>,
}

/// Everything a job has said so far, and how it ended.
#[derive(Debug, Clone, Default)]
pub struct JobLog {
    pub steps: Vec<Step>,
    /// `Ok(message)` or `Err(why)` once the job is over.
    pub outcome: Option<Result<String, String>>,
}

/// The SSE stream of a job.
pub type JobEvents = Sse<KeepAliveStream<BoxStream<'static, Result<Event, Infallible>>>>;

/// The jobs on the database, by key (`solve:2027-01`, `simulate:2026-12`), and the ones
/// this process runs.
#[derive(Clone)]
pub struct Jobs {
    store: Store,
    /// This process, as the owner of the jobs it runs.
    owner: Arc<str>,
    running: Arc<Mutex<HashMap<String, watch::Receiver<JobLog>>>>,
}

/// The handle a job reports through.
#[derive(Clone)]
pub struct Reporter {
    tx: Arc<watch::Sender<JobLog>>,
    store: Store,
    key: Arc<str>,
    owner: Arc<str>,
}

fn now_ms() -> i64 {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}

/// `STALE` in the unit of the stored heartbeats.
fn stale_ms() -> i64 {
    i64::try_from(STALE.as_millis()).unwrap_or(i64::MAX)
}

fn steps_json(steps: &[Step]) -> String {
    serde_json::to_string(steps).expect("steps serialise")
}

impl Reporter {
    /// Adds a step; callable from any thread, it only touches the watch channel.
    pub fn step(&self, step: Step) {
        self.tx.send_modify(|log| log.steps.push(step));
    }

    /// Stores how the job ended, then tells the local streams: every stream's `done` comes
    /// after the database holds it. A failed write is logged; the job is then seen as
    /// abandoned once `STALE` passes.
    pub async fn finish(&self, outcome: Result<String, String>) {
        let steps = steps_json(&self.tx.borrow().steps);
        if let Err(e) = (self.store)
            .finish_job(&self.key, &self.owner, &steps, &outcome, now_ms())
            .await
        {
            eprintln!("roster serve: job {}: storing its outcome: {e}", self.key);
        }
        self.tx.send_modify(|log| log.outcome = Some(outcome));
    }
}

/// Writes a running job's steps (after `DEBOUNCE`) and a heartbeat (every `HEARTBEAT`)
/// until it is over. If every reporter is dropped without an outcome, the job is stored
/// as failed at once rather than left for the timeout.
async fn persist(store: Store, key: Arc<str>, owner: Arc<str>, mut rx: watch::Receiver<JobLog>) {
    let mut beat = tokio::time::interval(HEARTBEAT);
    // Progress writes carry the heartbeat too; ticks missed meanwhile need no catching up.
    beat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    beat.tick().await; // the first tick is now; the claim wrote the heartbeat
    loop {
        tokio::select! {
            changed = rx.changed() => {
                if changed.is_err() {
                    let log = rx.borrow().clone();
                    if log.outcome.is_none() {
                        let why = Err("the job ended without a word".to_owned());
                        let steps = steps_json(&log.steps);
                        let _ = store.finish_job(&key, &owner, &steps, &why, now_ms()).await;
                    }
                    return;
                }
                tokio::time::sleep(DEBOUNCE).await;
            }
            _ = beat.tick() => {}
        }
        let steps = {
            let log = rx.borrow_and_update();
            if log.outcome.is_some() {
                return; // `finish` stored it
            }
            steps_json(&log.steps)
        };
        if let Err(e) = store.job_progress(&key, &owner, &steps, now_ms()).await {
            eprintln!("roster serve: job {key}: storing its progress: {e}");
        }
    }
}

/// A stored job as the pages see it: running, over, or abandoned (shown as failed).
fn log_of(row: JobRow, now: i64) -> Result<JobLog, StoreError> {
    let steps = serde_json::from_str(&row.steps).map_err(|e| StoreError::Corrupt {
        what: "a job's steps".into(),
        message: e.to_string(),
    })?;
    let outcome = match row.outcome {
        None if row.heartbeat_ms < now - stale_ms() => Some(Err(STOPPED.to_owned())),
        o => o,
    };
    Ok(JobLog { steps, outcome })
}

/// The event after the `sent` steps already streamed: the next step, else the outcome
/// (and `true`: the stream is over), else nothing yet.
fn next_event(log: &JobLog, sent: usize) -> Option<(Event, bool)> {
    if let Some(step) = log.steps.get(sent) {
        let data = serde_json::to_string(step).expect("serialisable");
        return Some((Event::default().event("progress").data(data), false));
    }
    log.outcome.as_ref().map(|o| {
        let (name, text) = match o {
            Ok(m) => ("done", m),
            Err(m) => ("failed", m),
        };
        (Event::default().event(name).data(text.clone()), true)
    })
}

impl Jobs {
    pub fn new(store: Store) -> Jobs {
        let owner = format!("{}-{:016x}", std::process::id(), OsRng.next_u64());
        Jobs {
            store,
            owner: owner.into(),
            running: Arc::default(),
        }
    }

    /// Starts `key` unless a live job of that key runs on any server; `None` when one does.
    pub async fn start(&self, key: &str) -> Result<Option<Reporter>, StoreError> {
        let alive_since = now_ms() - stale_ms();
        if !(self.store)
            .claim_job(key, &self.owner, now_ms(), alive_since)
            .await?
        {
            return Ok(None);
        }
        let (tx, rx) = watch::channel(JobLog::default());
        let key: Arc<str> = key.into();
        self.running
            .lock()
            .expect("jobs lock")
            .insert(key.to_string(), rx.clone());
        let (store, owner) = (self.store.clone(), self.owner.clone());
        tokio::spawn(persist(store.clone(), key.clone(), owner.clone(), rx));
        Ok(Some(Reporter {
            tx: Arc::new(tx),
            store,
            key,
            owner,
        }))
    }

    /// Keeps what a finished job made under its own key, for every server.
    pub async fn keep_result(&self, key: &str, value: String) -> Result<(), StoreError> {
        self.store.keep_job_result(key, &value, now_ms()).await
    }

    pub async fn result(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self.store.job(key).await?.and_then(|r| r.result))
    }

    /// The watch channel of a job this process is running now.
    fn local(&self, key: &str) -> Option<watch::Receiver<JobLog>> {
        let jobs = self.running.lock().expect("jobs lock");
        jobs.get(key)
            .filter(|rx| rx.borrow().outcome.is_none())
            .cloned()
    }

    /// The job's log: from this process while it runs it, else from the database.
    pub async fn log(&self, key: &str) -> Result<Option<JobLog>, StoreError> {
        if let Some(rx) = self.local(key) {
            return Ok(Some(rx.borrow().clone()));
        }
        match self.store.job(key).await? {
            Some(row) => log_of(row, now_ms()).map(Some),
            None => Ok(None),
        }
    }

    /// The job's steps as SSE events (`progress`, JSON `{stage,best,bound}`), from the
    /// first, then one `done` or `failed` event, and the stream ends. `None` when no job of
    /// that key was ever started on the database.
    pub async fn events(&self, key: &str) -> Result<Option<JobEvents>, StoreError> {
        let s = match self.local(key) {
            Some(rx) => watched(rx),
            None => match self.store.job(key).await? {
                Some(row) => polled(self.store.clone(), key.to_owned(), row),
                None => return Ok(None),
            },
        };
        Ok(Some(Sse::new(s).keep_alive(KeepAlive::default())))
    }
}

/// A job this process runs, followed through its watch channel.
fn watched(rx: watch::Receiver<JobLog>) -> BoxStream<'static, Result<Event, Infallible>> {
    stream::unfold((rx, 0usize, false), |(mut rx, sent, over)| async move {
        if over {
            return None;
        }
        loop {
            let next = next_event(&rx.borrow_and_update(), sent);
            if let Some((ev, over)) = next {
                return Some((Ok(ev), (rx, sent + usize::from(!over), over)));
            }
            if rx.changed().await.is_err() {
                return None; // the job's task ended without a word: nothing more comes
            }
        }
    })
    .boxed()
}

/// A job another server runs (or ran), followed by reading its stored log every `POLL`.
fn polled(
    store: Store,
    key: String,
    first: JobRow,
) -> BoxStream<'static, Result<Event, Infallible>> {
    let first = log_of(first, now_ms());
    stream::unfold(
        (store, key, first, 0usize, false),
        |(store, key, mut log, sent, over)| async move {
            if over {
                return None;
            }
            loop {
                let next = match &log {
                    Ok(l) => next_event(l, sent),
                    Err(e) => Some((Event::default().event("failed").data(e.to_string()), true)),
                };
                if let Some((ev, over)) = next {
                    return Some((Ok(ev), (store, key, log, sent + usize::from(!over), over)));
                }
                tokio::time::sleep(POLL).await;
                log = match store.job(&key).await {
                    Ok(Some(row)) => log_of(row, now_ms()),
                    Ok(None) => return None, // removed: nothing more comes
                    Err(e) => Err(e),
                };
            }
        },
    )
    .boxed()
}
