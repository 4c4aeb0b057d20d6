//! Long work started from a page (a month's solve, a call simulation) runs in a background
//! task; its progress is kept here, in memory, and streamed to the page by SSE until done.
//! What the work produces is stored (a draft version) or small, so a restart loses only
//! the progress display of a job that was running.

use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use serde::Serialize;
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use tokio::sync::watch;

/// One step of a job, as the page shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
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

/// The jobs of this process, by key (`solve:2027-01`, `simulate:2026-12`).
#[derive(Clone, Default)]
pub struct Jobs {
    running: Arc<Mutex<HashMap<String, watch::Receiver<JobLog>>>>,
    /// What a finished job made that is not stored in the database (a service chart), by key.
    results: Arc<Mutex<HashMap<String, String>>>,
}

/// The handle a job reports through.
#[derive(Clone)]
pub struct Reporter(Arc<watch::Sender<JobLog>>);

impl Reporter {
    pub fn step(&self, step: Step) {
        self.0.send_modify(|log| log.steps.push(step));
    }
    pub fn finish(&self, outcome: Result<String, String>) {
        self.0.send_modify(|log| log.outcome = Some(outcome));
    }
}

impl Jobs {
    /// Starts `key` unless it is running already; `false` when it was.
    pub fn start(&self, key: &str) -> Option<Reporter> {
        let mut jobs = self.running.lock().expect("jobs lock");
        if jobs
            .get(key)
            .is_some_and(|rx| rx.borrow().outcome.is_none())
        {
            return None;
        }
        let (tx, rx) = watch::channel(JobLog::default());
        jobs.insert(key.to_owned(), rx);
        Some(Reporter(Arc::new(tx)))
    }

    pub fn keep_result(&self, key: &str, value: String) {
        self.results
            .lock()
            .expect("jobs lock")
            .insert(key.to_owned(), value);
    }

    pub fn result(&self, key: &str) -> Option<String> {
        self.results.lock().expect("jobs lock").get(key).cloned()
    }

    pub fn log(&self, key: &str) -> Option<JobLog> {
        let jobs = self.running.lock().expect("jobs lock");
        jobs.get(key).map(|rx| rx.borrow().clone())
    }

    fn receiver(&self, key: &str) -> Option<watch::Receiver<JobLog>> {
        self.running.lock().expect("jobs lock").get(key).cloned()
    }

    /// The job's steps as SSE events (`progress`, JSON `{stage,best,bound}`), from the
    /// first, then one `done` or `failed` event, and the stream ends.
    pub fn events(
        &self,
        key: &str,
    ) -> Option<Sse<impl Stream<Item = Result<Event, Infallible>> + use<>>> {
        let rx = self.receiver(key)?;
        let s = stream::unfold((rx, 0usize, false), |(mut rx, sent, over)| async move {
            if over {
                return None;
            }
            loop {
                let next = {
                    let log = rx.borrow_and_update();
                    if let Some(step) = log.steps.get(sent) {
                        let data = serde_json::to_string(step).expect("serialisable");
                        Some((
                            Event::default().event("progress").data(data),
                            sent + 1,
                            false,
                        ))
                    } else {
                        log.outcome.as_ref().map(|o| {
                            let (name, text) = match o {
                                Ok(m) => ("done", m),
                                Err(m) => ("failed", m),
                            };
                            (Event::default().event(name).data(text.clone()), sent, true)
                        })
                    }
                };
                if let Some((ev, sent, over)) = next {
                    return Some((Ok(ev), (rx, sent, over)));
                }
                if rx.changed().await.is_err() {
                    return None; // the job's task ended without a word: nothing more comes
                }
            }
        });
        Some(Sse::new(s).keep_alive(KeepAlive::default()))
    }
}
