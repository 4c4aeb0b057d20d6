//! `roster nrp` on instances 1-4 of the Curtois & Qu benchmark (tests/data/curtois): one
//! sample is one whole staged search with a short limit, so the figure is the time to the
//! proven optimum where the search proves it, and the limit where it does not. The bench
//! asserts every roster against the evaluator and the published optimum as a floor.
//!
//!     cargo bench --bench nrp
//!     cargo bench --bench nrp -- Instance1

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use roster::nrp::{Instance, check, solve};
use roster::solve::SolveOptions;
use std::path::Path;
use std::time::Duration;

/// Instance, its published optimum, and the limit per sample in seconds.
const CASES: [(u32, u64, f64); 4] = [
    (1, 607, 30.0),
    (2, 828, 30.0),
    (3, 1001, 30.0),
    (4, 1716, 30.0),
];

fn instances(c: &mut Criterion) {
    let mut g = c.benchmark_group("nrp");
    // One solve per sample: criterion's minimum of ten samples.
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .measurement_time(Duration::from_secs(60))
        .warm_up_time(Duration::from_secs(1));
    for (n, optimum, limit) in CASES {
        let path = format!("tests/data/curtois/Instance{n}.txt");
        let inst = Instance::load(Path::new(&path)).expect("the instance loads");
        let opts = SolveOptions {
            time_limit: limit,
            ..SolveOptions::default()
        };
        g.bench_function(format!("Instance{n}"), |b| {
            b.iter(|| {
                let s = solve(&inst, &opts).expect("a roster within the limit");
                assert!(check(&inst, &s.roster).is_empty());
                assert!(s.objective >= optimum, "below the proven optimum: {s:?}");
                s.objective
            })
        });
    }
    g.finish();
}

criterion_group!(benches, instances);
criterion_main!(benches);
