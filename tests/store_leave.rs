//! Leave through the store: filed by the person, sent to the approver LEAVE-APPROVER names,
//! and on approval the repaired roster stored as the next version with its audit row;
//! the wrong approver is refused and a second decision conflicts. On SQLite and PostgreSQL.

use crate::common::serve as serve_common;

use roster::solve::SolveOptions;
use roster::store::{Backend, LeaveInput, LeaveState, StoreError};
use serve_common::*;

fn day_off(date: &str) -> LeaveInput {
    LeaveInput {
        staff: "S06".into(),
        from: date.into(),
        to: date.into(),
        kind: "annual".into(),
        requested_at: Some("2026-11-01T09:00".into()),
        certificate: false,
        emergency: false,
    }
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

async fn approved_leave_is_the_next_version_with_the_person_off_and_its_audit_row(
    backend: Backend,
) {
    let s = seeded_on(backend).await;
    let before = s.store.current(MONTH).await.unwrap();
    let worked: Vec<String> = before
        .roster
        .assignments
        .iter()
        .filter(|x| x.staff == "S06")
        .map(|x| x.date.to_string())
        .collect();
    let mut filed = None;
    for d in worked.iter().skip(worked.len() / 2) {
        let (r, _) = s
            .store
            .propose_leave(MONTH, &s.agent, &day_off(d))
            .await
            .unwrap();
        if r.state == LeaveState::Proposed {
            filed = Some((r, d.clone()));
            break;
        }
    }
    let (r, date) = filed.expect("a day S06 works that the LEAVE rules grant");
    assert_eq!(r.approver, "dept_head", "{r:?}");
    let opts = SolveOptions {
        time_limit: 120.0,
        ..SolveOptions::default()
    };
    // A lead is not the approver LEAVE-APPROVER names.
    let wrong = s.store.approve_leave(r.id, &s.lead_a, &opts).await;
    assert!(matches!(wrong, Err(StoreError::Forbidden(_))), "{wrong:?}");
    let done = s.store.approve_leave(r.id, &s.head, &opts).await.unwrap();
    assert_eq!(done.state, LeaveState::Applied, "{done:?}");
    let after = s.store.current(MONTH).await.unwrap();
    assert_eq!(after.version, before.version + 1);
    assert_eq!(done.applied_version, Some(after.version));
    assert!(
        !after
            .roster
            .assignments
            .iter()
            .any(|x| x.staff == "S06" && x.date.to_string() == date),
        "S06 still works {date} in the repaired roster"
    );
    let log = s.store.audit(Some(MONTH)).await.unwrap();
    let line = format!("leave #{} applied", r.id);
    assert!(
        log.iter().any(|e| e.action == "leave_approve"
            && e.detail == line
            && e.version == Some(before.version)),
        "{log:?}"
    );
    let again = s.store.approve_leave(r.id, &s.head, &opts).await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    assert_eq!(s.store.current(MONTH).await.unwrap().version, after.version);
}

on_both_databases!(rt; approved_leave_is_the_next_version_with_the_person_off_and_its_audit_row);
