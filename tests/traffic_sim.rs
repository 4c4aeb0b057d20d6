//! The simulator against queueing theory, and its bookkeeping.
//!
//! Steady-state checks: constant arrival rate, constant staffing over a long horizon,
//! the first intervals (started empty) discarded as warm-up and the last ones (the centre
//! closes at the horizon) left out, many independent replications. The Erlang value must
//! lie inside the simulator's 95 % confidence interval. Each test checks four figures, so
//! the intervals are widened by 1.3 ≈ t(0.99375)/t(0.975) — a Bonferroni correction that
//! keeps the chance of a false alarm for the whole test at 5 % — and nothing more.
//! Seeds are fixed, so the tests are deterministic.

use roster::traffic::erlang::{self, QueueSpec};
use roster::traffic::sim::{
    CrossAnswer, Estimate, HandleTime, SimAgent, SimInput, SimOptions, SimQueue, simulate,
};

const WIDEN: f64 = 1.3;

/// `rel`: the widest acceptable half-interval relative to the value, so that a vacuously
/// wide interval cannot pass (waits vary far more between replications than shares do).
fn inside(name: &str, e: Option<Estimate>, theory: f64, rel: f64) {
    let e = e.unwrap_or_else(|| panic!("{name}: no estimate"));
    let half = (e.hi - e.lo) / 2.0 * WIDEN;
    assert!(
        (e.mean - theory).abs() <= half,
        "{name}: theory {theory:.5} outside simulated {:.5} ± {half:.5} (n = {})",
        e.mean,
        e.n
    );
    // and the interval is informative, not vacuous
    assert!(
        half < rel * theory.abs().max(1.0),
        "{name}: interval too wide: ± {half}"
    );
}

fn single_queue(
    calls: f64,
    aht: f64,
    patience: Option<f64>,
    agents: usize,
    hours: usize,
) -> SimInput {
    let n_intervals = hours * 2;
    let horizon = n_intervals as f64 * 1800.0;
    SimInput {
        interval_s: 1800.0,
        n_intervals,
        queues: vec![SimQueue {
            name: "189".into(),
            min_grade: 0,
            calls: vec![calls; n_intervals],
            handle: HandleTime::Exponential { mean_s: aht },
            patience_s: patience,
            escalate: 0.0,
        }],
        agents: (0..agents)
            .map(|_| SimAgent {
                seat: 0,
                grade: 0,
                start_s: 0.0,
                end_s: horizon,
            })
            .collect(),
        answer_s: 20.0,
        sl_target: 0.8,
        shrinkage: 0.0,
        cross: CrossAnswer::Lower,
        escalate_to: None,
    }
}

#[test]
fn steady_state_matches_erlang_c() {
    // A = 10 erlangs on 13 agents: C = 0.285, SL(20 s) = 0.796, ASA = 17.1 s.
    let input = single_queue(100.0, 180.0, None, 13, 24);
    let opts = SimOptions {
        replications: 40,
        seed: 20261201,
        summary_from: 4,
        summary_to: Some(46),
    };
    let r = simulate(&input, &opts).unwrap();
    let q = QueueSpec::from_calls(100.0, 1800.0, 180.0, None).unwrap();
    let m = erlang::metrics(&q, 13, 20.0).unwrap();
    let t = &r.totals[0];
    inside("service level", t.service_level, m.service_level, 0.05);
    inside("p_wait", t.p_wait, m.p_wait, 0.05);
    inside("asa_s", t.asa_s, m.asa_s, 0.15);
    inside("occupancy", t.occupancy, m.occupancy, 0.05);
    assert_eq!(t.abandon.unwrap().mean, 0.0);
}

#[test]
fn steady_state_matches_erlang_a() {
    // 450 calls / 30 min, AHT 300 s, patience 120 s, 75 agents (a reference vector).
    let input = single_queue(450.0, 300.0, Some(120.0), 75, 12);
    let opts = SimOptions {
        replications: 30,
        seed: 7,
        summary_from: 4,
        summary_to: Some(22),
    };
    let r = simulate(&input, &opts).unwrap();
    let q = QueueSpec::from_calls(450.0, 1800.0, 300.0, Some(120.0)).unwrap();
    let m = erlang::metrics(&q, 75, 20.0).unwrap();
    let t = &r.totals[0];
    inside("service level", t.service_level, m.service_level, 0.05);
    inside("abandon", t.abandon, m.p_abandon.unwrap(), 0.05);
    inside("p_wait", t.p_wait, m.p_wait, 0.05);
    inside("asa answered", t.asa_s, m.asa_answered_s.unwrap(), 0.15);
}

#[test]
fn same_result_for_any_thread_count() {
    let input = single_queue(60.0, 180.0, Some(90.0), 7, 6);
    let opts = SimOptions {
        replications: 9,
        seed: 42,
        ..SimOptions::default()
    };
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| simulate(&input, &opts).unwrap())
    };
    let one = run(1);
    assert_eq!(one, run(2));
    assert_eq!(one, run(3));
    let other = simulate(&input, &SimOptions { seed: 43, ..opts }).unwrap();
    assert_ne!(one, other, "the seed must matter");
}

fn two_seats(overflow: bool, escalate: f64) -> SimInput {
    let n = 8;
    let horizon = n as f64 * 1800.0;
    let queue = |name: &str, grade, calls| SimQueue {
        name: name.into(),
        min_grade: grade,
        calls: vec![calls; n],
        handle: HandleTime::Lognormal {
            mean_s: 180.0,
            cv: 0.8,
        },
        patience_s: Some(120.0),
        escalate,
    };
    let agent = |seat, grade| SimAgent {
        seat,
        grade,
        start_s: 0.0,
        end_s: horizon,
    };
    let mut agents = vec![agent(0, 0); 10];
    agents.extend(vec![agent(1, 2); 6]);
    SimInput {
        interval_s: 1800.0,
        n_intervals: n,
        queues: vec![queue("189", 0, 110.0), queue("96123", 2, 20.0)],
        agents,
        answer_s: 20.0,
        sl_target: 0.8,
        shrinkage: 0.0,
        cross: if overflow {
            CrossAnswer::Lower
        } else {
            CrossAnswer::None
        },
        escalate_to: Some(1),
    }
}

#[test]
fn seniors_help_the_junior_queue_when_allowed() {
    let opts = SimOptions {
        replications: 20,
        seed: 5,
        ..SimOptions::default()
    };
    let with = simulate(&two_seats(true, 0.0), &opts).unwrap();
    let without = simulate(&two_seats(false, 0.0), &opts).unwrap();
    let sl =
        |r: &roster::traffic::sim::SimResult, q: usize| r.totals[q].service_level.unwrap().mean;
    assert!(
        sl(&with, 0) > sl(&without, 0) + 0.05,
        "{} vs {}",
        sl(&with, 0),
        sl(&without, 0)
    );
    // the senior queue pays a little for it, but seniors' own calls come first
    assert!(sl(&with, 1) <= sl(&without, 1) + 1e-9);
    assert!(sl(&with, 1) > 0.8);
}

#[test]
fn escalation_moves_load_to_senior_seats() {
    let opts = SimOptions {
        replications: 20,
        seed: 5,
        ..SimOptions::default()
    };
    let plain = simulate(&two_seats(true, 0.0), &opts).unwrap();
    let esc = simulate(&two_seats(true, 0.1), &opts).unwrap();
    let extra = esc.totals[1].offered - plain.totals[1].offered;
    // about 10 % of the ~800 answered junior calls (+ a little of the senior ones' own)
    assert!(extra > 50.0 && extra < 120.0, "extra senior calls {extra}");
}

#[test]
fn shrinkage_and_shift_edges_take_agents_off_the_phones() {
    let mut input = single_queue(100.0, 180.0, None, 13, 4);
    let full = simulate(
        &input,
        &SimOptions {
            replications: 10,
            ..SimOptions::default()
        },
    )
    .unwrap();
    input.shrinkage = 0.3;
    let shrunk = simulate(
        &input,
        &SimOptions {
            replications: 10,
            ..SimOptions::default()
        },
    )
    .unwrap();
    let sl = |r: &roster::traffic::sim::SimResult| r.totals[0].service_level.unwrap().mean;
    assert!(sl(&shrunk) < sl(&full) - 0.2);
    // nobody on duty in the second half: those calls are never answered
    let mut input = single_queue(100.0, 180.0, None, 13, 4);
    for a in &mut input.agents {
        a.end_s = 4.0 * 1800.0;
    }
    let r = simulate(
        &input,
        &SimOptions {
            replications: 4,
            ..SimOptions::default()
        },
    )
    .unwrap();
    let last = r.cells.iter().find(|c| c.interval == 7).unwrap();
    assert_eq!(last.service_level.unwrap().mean, 0.0);
    assert!(last.below_target);
    assert!(
        r.cells
            .iter()
            .filter(|c| c.interval < 3)
            .all(|c| !c.below_target || c.service_level.unwrap().mean > 0.5)
    );
}

#[test]
fn bad_input_is_an_error() {
    let mut input = single_queue(100.0, 180.0, None, 3, 1);
    input.queues[0].calls.push(1.0);
    assert!(simulate(&input, &SimOptions::default()).is_err());
    let input = single_queue(100.0, 180.0, None, 3, 1);
    assert!(
        simulate(
            &input,
            &SimOptions {
                replications: 0,
                ..SimOptions::default()
            }
        )
        .is_err()
    );
}

#[test]
fn shrinkage_is_taken_where_there_is_slack() {
    // a busy first hour, then quiet: two agents' time off (15 %) all fits in the quiet
    // hours, so the busy hour keeps both on the phones
    let mut input = single_queue(0.2, 180.0, None, 2, 4);
    input.queues[0].calls[0] = 16.0;
    input.queues[0].calls[1] = 16.0;
    let opts = SimOptions {
        replications: 40,
        ..SimOptions::default()
    };
    let busy_sl = |r: &roster::traffic::sim::SimResult| {
        r.cells
            .iter()
            .filter(|c| c.interval < 2)
            .map(|c| c.service_level.unwrap().mean)
            .sum::<f64>()
            / 2.0
    };
    let full = simulate(&input, &opts).unwrap();
    input.shrinkage = 0.15;
    let shrunk = simulate(&input, &opts).unwrap();
    assert!(
        (busy_sl(&shrunk) - busy_sl(&full)).abs() < 0.02,
        "{} vs {}",
        busy_sl(&shrunk),
        busy_sl(&full)
    );
    // a lone agent is away in short pieces: no quiet interval loses its agent throughout
    let mut lone = single_queue(0.5, 180.0, None, 1, 8);
    lone.shrinkage = 0.15;
    let r = simulate(&lone, &opts).unwrap();
    for c in &r.cells {
        assert!(c.occupancy.is_some(), "interval {} unstaffed", c.interval);
    }
}
