//! `roster serve --demo`: on an empty database, a month to try everything on — the seed
//! scenario imported, solved (CBC), published, and one account per role.

use crate::model::Scenario;
use crate::report;
use crate::solve::{self, OnProgress, SolveOptions};
use crate::store::{Role, Store};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use std::path::Path;

/// An account the demo made, to print.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub login: String,
    pub role: Role,
    pub staff: Option<String>,
    pub name: Option<String>,
    pub password: String,
}

/// Who is logged in as the system when the demo acts (the audit log's `actor`).
const DEMO_ACTOR: &str = "roster-serve-demo";

fn new_password() -> String {
    // No 0/O or 1/l: people type these from a terminal.
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 14];
    OsRng.fill_bytes(&mut bytes);
    bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

/// The accounts of a demo: the head, each team's lead, one agent, one planner.
fn demo_accounts(sc: &Scenario) -> Vec<(String, Role, Option<String>)> {
    let mut out = vec![("head".to_owned(), Role::Head, None)];
    for t in &sc.teams {
        if let Some(l) = t.lead {
            let id = sc.staff[l].id.clone();
            if !out.iter().any(|(login, _, _)| *login == id) {
                out.push((id.clone(), Role::Lead, Some(id)));
            }
        }
    }
    if let Some(agent) = sc.staff.iter().find(|p| !p.lead && p.job == "agent") {
        out.push((agent.id.clone(), Role::Agent, Some(agent.id.clone())));
    }
    out.push(("planner".to_owned(), Role::Planner, None));
    out
}

/// Fills an empty database from `scenario`; returns the logins made, or None when the
/// database has data already (the demo never touches a database in use).
pub async fn seed(store: &Store, scenario: &Path) -> anyhow::Result<Option<Vec<DemoLogin>>> {
    if store.user_count().await? > 0 || !store.months().await?.is_empty() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(scenario).map_err(|e| {
        anyhow::anyhow!("{}: cannot read the demo scenario: {e}", scenario.display())
    })?;
    let source = scenario.display().to_string();
    let month = store.import_month(&text, &source, DEMO_ACTOR).await?;
    let sc = store.scenario(&month).await?;
    eprintln!(
        "demo: solving {} ({} staff, {} days) with CBC…",
        sc.name,
        sc.staff.len(),
        sc.days()
    );
    let opts = SolveOptions {
        time_limit: 120.0,
        progress: OnProgress::new(|p| eprintln!("demo: {}", report::progress_line(p))),
        ..SolveOptions::default()
    };
    let sc2 = sc.clone();
    let solved = tokio::task::spawn_blocking(move || solve::solve(&sc2, &opts))
        .await?
        .map_err(|e| anyhow::anyhow!("{source}: the demo month does not solve: {e}"))?;
    // solve::solve has had the independent checker pass the roster before returning it.
    eprintln!(
        "demo: solved in {:.1} s: objective {}, bound {}",
        solved.seconds,
        report::num(solved.objective),
        report::num(solved.bound)
    );
    let version = store
        .add_draft(&month, &solved.roster, DEMO_ACTOR, "demo solve")
        .await?;
    let mut logins = Vec::new();
    for (login, role, staff) in demo_accounts(&sc) {
        let password = new_password();
        store
            .add_user(&login, role, staff.as_deref(), &password, DEMO_ACTOR)
            .await?;
        let name = staff
            .as_deref()
            .and_then(|s| sc.staff_by_id(s))
            .map(|i| sc.staff[i].name.clone());
        logins.push(DemoLogin {
            login,
            role,
            staff,
            name,
            password,
        });
    }
    let head = store
        .login("head", &logins[0].password)
        .await?
        .ok_or_else(|| anyhow::anyhow!("internal error: the demo head cannot log in"))?;
    store.publish(&month, version, &head).await?;
    Ok(Some(logins))
}
