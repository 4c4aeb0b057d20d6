//! A month of call traffic × 100 replications (the speed target: ≤ 2 s on 2 cores).
//!
//! The month: the seed scenario's traffic (scenarios/seed-2026-12.toml: December 2026, 31
//! days with weekday/weekend/holiday profiles on the 189, 180 and 96123 lines, about 1,300
//! calls a day) scaled to an average of 3,000 calls a day, every interval staffed with the
//! productive agents Erlang A asks for. Exponential handle times and patience, no
//! overflow, no escalation and no shrinkage rotation, so that bench/simpy/sim.py runs the
//! very same model: this bench writes the input to target/traffic_month_input.json for it.
//!
//! Run: `cargo bench --bench traffic`. It also prints calls and events per second.

use std::path::Path;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use roster::model::Scenario;
use roster::traffic::adapt::{self, SimSettings};
use roster::traffic::advise::seat_runs;
use roster::traffic::erlang::{self, QueueSpec, Targets};
use roster::traffic::sim::{SimInput, SimOptions, simulate};

/// Average calls a day the bench's month is scaled to.
const CALLS_PER_DAY: f64 = 3000.0;

fn month() -> SimInput {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sc =
        Scenario::load(&root.join("scenarios/seed-2026-12.toml")).expect("seed scenario loads");
    let mut input = adapt::month_input(&sc, None, &SimSettings::default()).expect("input");
    let t = sc.traffic.as_ref().expect("traffic");
    let targets = Targets {
        service_level: t.service_level,
        answer_s: t.answer_seconds,
        max_occupancy: t.max_occupancy,
        max_abandon: t.max_abandon,
        shrinkage: 0.0,
    };
    input.agents.clear();
    let days = input.n_intervals as f64 * input.interval_s / 86400.0;
    let seed_per_day = input.queues.iter().flat_map(|q| &q.calls).sum::<f64>() / days;
    let scale = CALLS_PER_DAY / seed_per_day;
    for (s, q) in input.queues.iter_mut().enumerate() {
        for c in q.calls.iter_mut() {
            *c *= scale;
        }
        let seats: Vec<u32> = q
            .calls
            .iter()
            .map(|&c| {
                let spec =
                    QueueSpec::from_calls(c, input.interval_s, q.handle.mean_s(), q.patience_s)
                        .expect("queue");
                erlang::staff(&spec, &targets)
                    .expect("staffing")
                    .required_agents
            })
            .collect();
        input
            .agents
            .extend(seat_runs(s, q.min_grade, &seats, input.interval_s));
    }
    input.shrinkage = 0.0;
    input.cross = roster::traffic::sim::CrossAnswer::None;
    input.escalate_to = None;
    input
}

fn bench(c: &mut Criterion) {
    let input = month();
    let days = input.n_intervals as f64 / 48.0;
    let per_day: f64 = input.queues.iter().flat_map(|q| &q.calls).sum::<f64>() / days;
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/traffic_month_input.json");
    std::fs::write(&out, serde_json::to_string(&input).expect("json")).expect("write input");
    let opts = SimOptions {
        replications: 100,
        seed: 1,
        ..SimOptions::default()
    };
    // one timed run for the throughput figures
    let start = Instant::now();
    let r = simulate(&input, &opts).expect("simulate");
    let secs = start.elapsed().as_secs_f64();
    println!(
        "month: {days} days, {per_day:.0} calls/day expected, {} agent sessions, {} threads",
        input.agents.len(),
        rayon::current_num_threads()
    );
    println!(
        "100 replications: {} calls, {} events in {secs:.3} s = {:.2} M events/s, {:.2} M calls/s",
        r.calls,
        r.events,
        r.events as f64 / secs / 1e6,
        r.calls as f64 / secs / 1e6
    );
    for t in &r.totals {
        println!(
            "  {}: SL {:.3} abandon {:.3}",
            t.queue,
            t.service_level.map_or(0.0, |e| e.mean),
            t.abandon.map_or(0.0, |e| e.mean)
        );
    }
    let mut g = c.benchmark_group("traffic");
    g.sample_size(10);
    g.bench_function("month_x100_replications", |b| {
        b.iter(|| simulate(&input, &opts).expect("simulate"))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
