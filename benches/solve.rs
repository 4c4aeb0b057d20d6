//! Solve time of whole months, as a department head runs them. Each sample is one full
//! solve to proven optimality (the seed centre) or to the stated gap.
//!
//!     cargo bench --bench solve

use criterion::{Criterion, criterion_group, criterion_main};
use roster::model::Scenario;
use roster::solve::{SolveOptions, solve};
use std::path::Path;
use std::time::Duration;

fn month(c: &mut Criterion) {
    let mut g = c.benchmark_group("solve");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(60))
        .warm_up_time(Duration::from_secs(1));
    for (name, file, gap) in [
        ("tiny", "scenarios/tiny.toml", 0.0),
        ("seed-2026-12", "scenarios/seed-2026-12.toml", 0.0),
    ] {
        let sc = Scenario::load(Path::new(file)).expect("scenario loads");
        let opts = SolveOptions {
            gap,
            ..SolveOptions::default()
        };
        g.bench_function(name, |b| b.iter(|| solve(&sc, &opts).expect("solves")));
    }
    g.finish();
}

criterion_group!(benches, month);
criterion_main!(benches);
