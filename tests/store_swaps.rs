//! The store's swap requests: role checks, the state machine, re-judging on the version
//! applied to, and approvals racing for the same shifts (exactly one applies, nothing lost)
//! from two `Store`s on one database, as from two server processes. Every test runs on
//! SQLite and on PostgreSQL (`NAME::sqlite`, `NAME::postgres`).

use crate::common::serve as serve_common;

use roster::model::Roster;
use roster::store::{Backend, Role, Store, StoreError, SwapInput, SwapRecord, SwapState, User};
use serve_common::*;
use std::collections::BTreeSet;

fn input(a: &str, d: &str, b: &str) -> SwapInput {
    SwapInput {
        staff: a.into(),
        date: d.into(),
        with: b.into(),
        return_date: None,
    }
}

/// The lead account that signs for `staff`'s team, made on demand.
async fn lead_for(s: &Seeded, staff: &str) -> User {
    let sc = scenario();
    let t = team_of(&sc, staff);
    let lead = sc.staff[sc.teams[t].lead.unwrap()].id.clone();
    for u in [&s.lead_a, &s.lead_b, &s.lead_c] {
        if u.login == lead {
            return u.clone();
        }
    }
    match s
        .store
        .add_user(&lead, Role::Lead, Some(&lead), PASSWORD, "test")
        .await
    {
        Ok(u) => u,
        Err(StoreError::Conflict(_)) => s.store.login(&lead, PASSWORD).await.unwrap().unwrap(),
        Err(e) => panic!("{e}"),
    }
}

/// Proposes as the lead of A's team (so the partner's word counts as given).
async fn propose(s: &Seeded, a: &str, d: &str, b: &str) -> SwapRecord {
    let lead = lead_for(s, a).await;
    s.store
        .propose_swap(MONTH, &lead, &input(a, d, b))
        .await
        .expect("propose")
}

/// Four workers: the racing approvals need more than the two of `serve_common::rt`.
fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap()
}

async fn a_lead_applies_a_swap_within_the_team_and_the_roster_moves_one_version(backend: Backend) {
    let s = seeded_on(backend).await;
    let sc = scenario();
    let ta = team_of(&sc, "S01");
    let (a, d, b) = valid_swaps_where(ta, 1, |_, _, b| team_of(&sc, b) == ta)
        .pop()
        .expect("a swap inside team A");
    let r = s
        .store
        .propose_swap(MONTH, &s.lead_a, &input(&a, &d, &b))
        .await
        .unwrap();
    assert_eq!(r.state, SwapState::AcceptedByPartner, "{r:?}");
    let before = s.store.current(MONTH).await.unwrap();
    let done = s.store.approve_swap(r.id, &s.lead_a).await.unwrap();
    assert_eq!(done.state, SwapState::Applied);
    let after = s.store.current(MONTH).await.unwrap();
    assert_eq!(after.version, before.version + 1);
    assert_eq!(done.applied_version, Some(after.version));
    let works = |r: &Roster, who: &str| {
        r.assignments
            .iter()
            .any(|x| x.staff == who && x.date.to_string() == d)
    };
    assert!(works(&before.roster, &a) && !works(&after.roster, &a));
    assert!(works(&after.roster, &b));
    assert_eq!(after.roster.swaps.len(), before.roster.swaps.len() + 1);
    let log = s.store.audit(Some(MONTH)).await.unwrap();
    assert!(
        log.iter()
            .any(|e| e.action == "swap_approve" && e.detail.contains("applied")),
        "{log:?}"
    );
}

async fn roles_are_checked_on_every_change(backend: Backend) {
    let s = seeded_on(backend).await;
    let sc = scenario();
    let team_a = team_of(&sc, "S01");
    let (a, d, b) = valid_swaps(team_a, 1).pop().unwrap();
    let r = propose(&s, &a, &d, &b).await;
    for who in [&s.agent, &s.head, &s.planner] {
        let e = s.store.approve_swap(r.id, who).await.unwrap_err();
        assert!(
            matches!(e, StoreError::Forbidden(_)),
            "{} approved: {e:?}",
            who.login
        );
    }
    // A lead of neither person's team.
    let outsider = [&s.lead_a, &s.lead_b, &s.lead_c]
        .into_iter()
        .find(|u| {
            let mine = u.lead_teams(&sc);
            !mine.contains(&team_of(&sc, &a)) && !mine.contains(&team_of(&sc, &b))
        })
        .unwrap();
    let e = s.store.approve_swap(r.id, outsider).await.unwrap_err();
    assert!(
        matches!(&e, StoreError::Forbidden(m) if m.contains("leads no team")),
        "{e:?}"
    );
    // Agents propose their own shifts only; head and planner do not propose.
    let e = s
        .store
        .propose_swap(MONTH, &s.agent, &input(&a, &d, &b))
        .await;
    if a != "S06" && b != "S06" {
        assert!(matches!(e, Err(StoreError::Forbidden(_))), "{e:?}");
    }
    for who in [&s.head, &s.planner] {
        let e = s
            .store
            .propose_swap(MONTH, who, &input(&a, &d, &b))
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::Forbidden(_)));
    }
    // Only the head publishes.
    let v = s
        .store
        .add_draft(MONTH, &seed_roster(&sc), "test", "again")
        .await
        .unwrap();
    for who in [&s.lead_a, &s.agent, &s.planner] {
        assert!(matches!(
            s.store.publish(MONTH, v, who).await,
            Err(StoreError::Forbidden(_))
        ));
    }
    // Nothing changed: the refused calls left the request as it was.
    assert_eq!(s.store.swap(r.id).await.unwrap().state, r.state);
}

async fn a_swap_the_rules_reject_is_stored_rejected_with_its_rule(backend: Backend) {
    let s = seeded_on(backend).await;
    let sc = scenario();
    // A senior and a junior of team A: SWAP-SKILL (grades apart).
    let r0 = seed_roster(&sc);
    let d = r0
        .assignments
        .iter()
        .find(|x| x.staff == "S01")
        .unwrap()
        .date
        .to_string();
    let r = s
        .store
        .propose_swap(MONTH, &s.lead_a, &input("S01", &d, "S06"))
        .await
        .unwrap();
    assert_eq!(r.state, SwapState::Rejected);
    let rules: Vec<&str> = r
        .violations
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"SWAP-SKILL"), "{rules:?}");
    assert!(r.reason.as_deref().unwrap().contains("SWAP-SKILL"));
    let e = s.store.approve_swap(r.id, &s.lead_a).await.unwrap_err();
    assert!(
        matches!(e, StoreError::Conflict(_)),
        "a rejected swap is not approved: {e:?}"
    );
    // Malformed requests are bad input, not verdicts.
    for (a, d, b) in [
        ("S99", d.as_str(), "S06"),
        ("S01", "2026-11-30", "S06"),
        ("S01", "2026-12-xx", "S06"),
    ] {
        let e = s
            .store
            .propose_swap(MONTH, &s.lead_a, &input(a, d, b))
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::BadRequest(_)), "{a} {d}: {e:?}");
    }
}

/// Every request of a race, sent at once, alternately through the seeded store and a
/// second `Store` opened on the same database (its own pool, as another server process
/// has): their results.
async fn race(
    s: &Seeded,
    ids: &[i64],
    signer: impl Fn(&SwapRecord) -> User,
) -> Vec<Result<SwapRecord, StoreError>> {
    let other = Store::open(&s.db.db).await.expect("a second store");
    let stores = [s.store.clone(), other];
    let mut tasks = Vec::new();
    for (i, &id) in ids.iter().enumerate() {
        let store: Store = stores[i % 2].clone();
        let r = store.swap(id).await.unwrap();
        let who = signer(&r);
        tasks.push(tokio::spawn(
            async move { store.approve_swap(id, &who).await },
        ));
    }
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

async fn racing_approvals_for_one_shift_apply_exactly_one_and_lose_nothing(backend: Backend) {
    let s = seeded_on(backend).await;
    let sc = scenario();
    let r0 = seed_roster(&sc);
    // One shift of team A with several people who could take it.
    let ta = team_of(&sc, "S01");
    let (a, d, takers) = (0..sc.staff.len())
        .filter(|&i| sc.staff[i].team == Some(ta))
        .flat_map(|a| {
            r0.assignments
                .iter()
                .filter(|x| x.staff == sc.staff[a].id)
                .map(|x| (a, x.date))
                .collect::<Vec<_>>()
        })
        .find_map(|(a, d)| {
            let takers: Vec<String> = (0..sc.staff.len())
                .filter(|&b| {
                    b != a && sc.staff[b].grade == sc.staff[a].grade && accepted(&sc, &r0, a, d, b)
                })
                .map(|b| sc.staff[b].id.clone())
                .collect();
            (takers.len() >= 3).then(|| (sc.staff[a].id.clone(), d.to_string(), takers))
        })
        .expect("a shift with three takers");
    let mut ids = Vec::new();
    for b in takers.iter().take(6) {
        let r = propose(&s, &a, &d, b).await;
        assert_eq!(r.state, SwapState::AcceptedByPartner, "{r:?}");
        // Sign B's side first, so the race is the last signature of each.
        let lead_b = lead_for(&s, b).await;
        if !lead_b.lead_teams(&sc).contains(&team_of(&sc, &a)) {
            let signed = s.store.approve_swap(r.id, &lead_b).await.unwrap();
            assert_eq!(signed.state, SwapState::ApprovedByLeadB);
        }
        ids.push(r.id);
    }
    let v0 = s.store.current(MONTH).await.unwrap().version;
    let lead_a = lead_for(&s, &a).await;
    let results = race(&s, &ids, |_| lead_a.clone()).await;
    let winners: Vec<&SwapRecord> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(winners.len(), 1, "exactly one applies: {results:?}");
    assert_eq!(winners[0].state, SwapState::Applied);
    for e in results.iter().filter_map(|r| r.as_ref().err()) {
        assert!(
            matches!(e, StoreError::Conflict(m) if m.contains("cannot be applied")),
            "{e:?}"
        );
    }
    let now = s.store.current(MONTH).await.unwrap();
    assert_eq!(now.version, v0 + 1, "one new version");
    // Nothing lost: every request ends applied or rejected, and says why.
    let states: Vec<SwapState> = futures_states(&s.store, &ids).await;
    assert_eq!(
        states
            .iter()
            .filter(|st| **st == SwapState::Applied)
            .count(),
        1
    );
    assert!(states.iter().all(|st| st.is_final()), "{states:?}");
    for id in &ids {
        let r = s.store.swap(*id).await.unwrap();
        assert!(r.state == SwapState::Applied || r.reason.is_some());
    }
    // The shift has exactly one owner: the winner's partner.
    let owners: Vec<&str> = now
        .roster
        .assignments
        .iter()
        .filter(|x| x.date.to_string() == d && takers.contains(&x.staff))
        .map(|x| x.staff.as_str())
        .collect();
    assert!(owners.contains(&winners[0].with.as_str()));
    assert!(
        !now.roster
            .assignments
            .iter()
            .any(|x| x.staff == a && x.date.to_string() == d)
    );
    let log = s.store.audit(Some(MONTH)).await.unwrap();
    let approvals = log.iter().filter(|e| e.action == "swap_approve").count();
    assert!(approvals >= ids.len(), "every decision is in the audit log");
}

async fn futures_states(store: &Store, ids: &[i64]) -> Vec<SwapState> {
    let mut out = Vec::new();
    for id in ids {
        out.push(store.swap(*id).await.unwrap().state);
    }
    out
}

async fn racing_approvals_of_unrelated_swaps_all_apply_and_none_is_lost(backend: Backend) {
    let s = seeded_on(backend).await;
    let sc = scenario();
    // Swaps touching pairwise different people, a week apart, so none affects another.
    let mut chosen: Vec<(String, String, String)> = Vec::new();
    let mut people = BTreeSet::new();
    for t in 0..sc.teams.len() {
        let found = valid_swaps_where(t, 1, |a, d, b| {
            let day: u32 = d[8..].parse().unwrap();
            !people.contains(a)
                && !people.contains(b)
                && !chosen
                    .iter()
                    .any(|(_, d2, _)| d2[8..].parse::<u32>().unwrap().abs_diff(day) < 3)
        });
        if let Some((a, d, b)) = found.into_iter().next() {
            people.insert(a.clone());
            people.insert(b.clone());
            chosen.push((a, d, b));
        }
    }
    assert!(chosen.len() >= 3, "{chosen:?}");
    let mut ids = Vec::new();
    for (a, d, b) in &chosen {
        let r = propose(&s, a, d, b).await;
        let lead_b = lead_for(&s, b).await;
        if !lead_b.lead_teams(&sc).contains(&team_of(&sc, a)) {
            s.store.approve_swap(r.id, &lead_b).await.unwrap();
        }
        ids.push(r.id);
    }
    let v0 = s.store.current(MONTH).await.unwrap().version;
    let mut signers = Vec::new();
    for (a, _, _) in &chosen {
        signers.push(lead_for(&s, a).await);
    }
    let by_id: Vec<(i64, User)> = ids.iter().copied().zip(signers).collect();
    let results = race(&s, &ids, |r| {
        by_id.iter().find(|(id, _)| *id == r.id).unwrap().1.clone()
    })
    .await;
    for r in &results {
        let r = r.as_ref().expect("unrelated swaps do not conflict");
        assert_eq!(r.state, SwapState::Applied);
    }
    let now = s.store.current(MONTH).await.unwrap();
    assert_eq!(
        now.version,
        v0 + chosen.len() as i64,
        "each applied once, on top of the last"
    );
    // No lost update: the final roster holds every swap.
    for (a, d, b) in &chosen {
        assert!(
            now.roster
                .swaps
                .iter()
                .any(|x| &x.a == a && &x.b == b && x.date.to_string() == *d),
            "{a} {d} {b} lost"
        );
        assert!(
            now.roster
                .assignments
                .iter()
                .any(|x| &x.staff == b && x.date.to_string() == *d)
        );
    }
}

async fn an_approval_is_judged_again_on_the_version_it_applies_to(backend: Backend) {
    let s = seeded_on(backend).await;
    let sc = scenario();
    let ta = team_of(&sc, "S01");
    // Two swaps of different people.
    let first = valid_swaps(ta, 1).pop().unwrap();
    let second = valid_swaps_where(ta, 1, |a, _, b| {
        ![&first.0, &first.2]
            .iter()
            .any(|p| p.as_str() == a || p.as_str() == b)
    })
    .pop()
    .unwrap();
    let r1 = propose(&s, &first.0, &first.1, &first.2).await;
    let r2 = propose(&s, &second.0, &second.1, &second.2).await;
    assert_eq!(r2.judged_version, 1);
    for r in [&r1, &r2] {
        let lead_b = lead_for(&s, &r.with).await;
        if !lead_b.lead_teams(&sc).contains(&team_of(&sc, &r.staff)) {
            s.store.approve_swap(r.id, &lead_b).await.unwrap();
        }
    }
    s.store.approve_swap(r1.id, &s.lead_a).await.unwrap();
    match s.store.approve_swap(r2.id, &s.lead_a).await {
        Ok(done) => {
            assert_eq!(done.state, SwapState::Applied);
            assert_eq!(done.judged_version, 2, "judged again on the new version");
            assert_eq!(done.applied_version, Some(3));
        }
        Err(StoreError::Conflict(m)) => {
            let r = s.store.swap(r2.id).await.unwrap();
            assert_eq!(r.judged_version, 2);
            assert!(m.contains("version"), "{m}");
        }
        Err(e) => panic!("{e:?}"),
    }
}

async fn passwords_are_stored_only_as_argon2_hashes(backend: Backend) {
    let s = seeded_on(backend).await;
    let secret = "Geheim-密码-7781";
    s.store
        .add_user("S11", Role::Agent, Some("S11"), secret, "test")
        .await
        .unwrap();
    let hashes: Vec<String> = sqlx::query_scalar("SELECT password_hash FROM users")
        .fetch_all(s.store.pool())
        .await
        .unwrap();
    assert!(
        hashes.iter().all(|h| h.starts_with("$argon2id$")),
        "{hashes:?}"
    );
    assert!(
        hashes
            .iter()
            .all(|h| !h.contains(secret) && !h.contains(PASSWORD))
    );
    // Nor anywhere in the database files, where the test can read them (SQLite's; the
    // PostgreSQL server's files are its own, and the table above is all it stores).
    if backend == Backend::Sqlite {
        sqlx::query("PRAGMA wal_checkpoint(FULL)")
            .execute(s.store.pool())
            .await
            .unwrap();
        for f in std::fs::read_dir(s.dir.path()).unwrap() {
            let bytes = std::fs::read(f.unwrap().path()).unwrap();
            for pw in [secret, PASSWORD] {
                assert!(
                    !bytes.windows(pw.len()).any(|w| w == pw.as_bytes()),
                    "password in clear on disk"
                );
            }
        }
    }
    assert!(s.store.login("S11", secret).await.unwrap().is_some());
    assert!(
        s.store
            .login("S11", "geheim-密码-7781")
            .await
            .unwrap()
            .is_none()
    );
    assert!(s.store.login("nobody", secret).await.unwrap().is_none());
    let e = s
        .store
        .add_user("S12", Role::Agent, Some("S12"), "short", "test")
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::BadRequest(_)));
}

on_both_databases!(
    rt;
    a_lead_applies_a_swap_within_the_team_and_the_roster_moves_one_version,
    roles_are_checked_on_every_change,
    a_swap_the_rules_reject_is_stored_rejected_with_its_rule,
    racing_approvals_for_one_shift_apply_exactly_one_and_lose_nothing,
    racing_approvals_of_unrelated_swaps_all_apply_and_none_is_lost,
    an_approval_is_judged_again_on_the_version_it_applies_to,
    passwords_are_stored_only_as_argon2_hashes,
);
