//! The 150-person centre as the server holds it, shared by `benches/serve.rs` and
//! `examples/serve_load.rs`: `scenarios/large-150.toml` imported into a fresh database, a
//! solved roster published (solved once to a 5 % gap and cached under
//! target/serve-bench/, since the pages do not care how good the roster is), and accounts
//! for the head, the lead of one team and an agent of it.
#![allow(dead_code)]

use roster::model::{Roster, Scenario};
use roster::solve::{SolveOptions, solve};
use roster::store::{Role, Store};
use roster::whatif::candidates;
use std::path::Path;

pub const SCENARIO: &str = "scenarios/large-150.toml";
pub const PASSWORD: &str = "bench-password-150";

pub struct World {
    pub store: Store,
    pub month: String,
    /// The lead's login (a staff ID) and an agent of that lead's team.
    pub lead: String,
    pub agent: String,
    /// A swap the rules accept on the published roster: (A, date, B, return date), A in the
    /// lead's team, so the verdict runs every rule to the end.
    pub swap: (String, String, String, String),
}

fn solved(sc: &Scenario) -> Roster {
    let cache = Path::new("target/serve-bench/large-150.roster.json");
    if let Ok(r) = Roster::load(cache, sc) {
        return r;
    }
    eprintln!(
        "solving {SCENARIO} once to a 5 % gap (cached in {})",
        cache.display()
    );
    let opts = SolveOptions {
        gap: 0.05,
        time_limit: 600.0,
        ..SolveOptions::default()
    };
    let r = solve(sc, &opts).expect("large-150 solves").roster;
    std::fs::create_dir_all(cache.parent().unwrap()).unwrap();
    r.save(cache).unwrap();
    r
}

/// A fresh database `db` (an SQLite path or an empty PostgreSQL database) holding the
/// published 150-person month.
pub async fn world(db: impl Into<roster::store::Db>) -> World {
    let store = Store::open(db).await.expect("open the database");
    let toml = std::fs::read_to_string(SCENARIO).expect("the scenario");
    let month = store
        .import_month(&toml, SCENARIO, "bench")
        .await
        .expect("import");
    let sc = store.scenario(&month).await.expect("scenario");
    let roster = solved(&sc);
    // A mid-month shift in a team that has a lead, and its least disruptive taker.
    let (a, date, b, back) = roster
        .assignments
        .iter()
        .filter(|x| x.date.to_string().ends_with("-15"))
        .find_map(|x| {
            let ai = sc.staff_by_id(&x.staff)?;
            sc.teams[sc.staff[ai].team?].lead?;
            let list = candidates(&sc, &roster, ai, x.date).ok()?;
            let c = list.iter().find(|c| !c.returns.is_empty())?;
            Some((x.staff.clone(), x.date, c.staff.clone(), c.returns[0].date))
        })
        .expect("a swap with a return");
    let ai = sc.staff_by_id(&a).unwrap();
    let team = &sc.teams[sc.staff[ai].team.unwrap()];
    let lead = sc.staff[team.lead.unwrap()].id.clone();
    let version = store
        .add_draft(&month, &roster, "bench", "large-150 solve")
        .await
        .expect("draft");
    let head = store
        .add_user("head", Role::Head, None, PASSWORD, "bench")
        .await
        .expect("head");
    store
        .add_user(&lead, Role::Lead, Some(&lead), PASSWORD, "bench")
        .await
        .expect("lead");
    if a != lead {
        store
            .add_user(&a, Role::Agent, Some(&a), PASSWORD, "bench")
            .await
            .expect("agent");
    }
    store
        .publish(&month, version, &head)
        .await
        .expect("publish");
    World {
        store,
        month,
        agent: if a != lead { a.clone() } else { lead.clone() },
        lead,
        swap: (a, date.to_string(), b, back.to_string()),
    }
}
