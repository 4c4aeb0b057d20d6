//! What-if speed as a lead meets it: one swap check and one candidate list on the
//! 150-person centre, and a leave repair on the seed centre.
//!
//!     cargo bench --bench whatif
//!
//! The rosters are solved once (large-150 to a 5 % gap; the swap rules do not care how
//! good the roster is) and cached under target/whatif-bench/.

use criterion::{Criterion, criterion_group, criterion_main};
use roster::model::{Approver, LeaveKind, LeaveRequest, Roster, Scenario, parse_datetime};
use roster::solve::{SolveOptions, solve};
use roster::whatif::{SwapRequest, candidates, check_swap, repair_leave};
use std::path::Path;
use std::time::Duration;

fn load(file: &str, gap: f64) -> (Scenario, Roster) {
    let sc = Scenario::load(Path::new(file)).expect("scenario loads");
    let stem = Path::new(file).file_stem().unwrap().to_string_lossy();
    let cache = Path::new("target/whatif-bench").join(format!("{stem}.roster.json"));
    if let Ok(r) = Roster::load(&cache, &sc) {
        return (sc, r);
    }
    let opts = SolveOptions {
        gap,
        time_limit: 600.0,
        ..SolveOptions::default()
    };
    let r = solve(&sc, &opts).expect("solves").roster;
    std::fs::create_dir_all(cache.parent().unwrap()).unwrap();
    r.save(&cache).unwrap();
    (sc, r)
}

fn whatif(c: &mut Criterion) {
    let mut g = c.benchmark_group("whatif");
    g.sample_size(20)
        .measurement_time(Duration::from_secs(10))
        .warm_up_time(Duration::from_secs(1));

    let (sc, r) = load("scenarios/large-150.toml", 0.05);
    // A mid-month shift and its best taker, so the check runs every rule to the end.
    let a = r
        .assignments
        .iter()
        .find(|x| x.date.to_string() == "2026-12-15")
        .unwrap();
    let ai = sc.staff_by_id(&a.staff).unwrap();
    let list = candidates(&sc, &r, ai, a.date).unwrap();
    let best = list
        .iter()
        .find(|c| !c.returns.is_empty())
        .expect("a candidate");
    let req = SwapRequest {
        a: ai,
        date: a.date,
        b: sc.staff_by_id(&best.staff).unwrap(),
        return_date: Some(best.returns[0].date),
        approved: true,
    };
    assert!(check_swap(&sc, &r, &req).unwrap().accepted);
    g.bench_function("swap_check/large-150", |b| {
        b.iter(|| check_swap(&sc, &r, &req).unwrap())
    });
    g.bench_function("candidates/large-150", |b| {
        b.iter(|| candidates(&sc, &r, ai, a.date).unwrap())
    });

    let (sc, r) = load("scenarios/seed-2026-12.toml", 0.0);
    let a = r
        .assignments
        .iter()
        .find(|x| x.date.to_string() == "2026-12-14")
        .unwrap();
    let leave = LeaveRequest {
        id: "bench".into(),
        staff: sc.staff_by_id(&a.staff).unwrap(),
        from: a.date,
        to: a.date,
        kind: LeaveKind::Sick,
        requested_at: parse_datetime("2026-12-14T06:00"),
        filed_by: None,
        filed_by_id: "family".into(),
        approved_by: Approver::DeptHead,
        certificate: true,
        emergency: false,
    };
    g.sample_size(10);
    g.bench_function("repair/seed-2026-12", |b| {
        b.iter(|| repair_leave(&sc, &r, &leave, &SolveOptions::default()).unwrap())
    });
    g.finish();
}

criterion_group!(benches, whatif);
criterion_main!(benches);
