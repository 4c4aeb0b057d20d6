//! Every vector in tests/fixtures/traffic/erlang_vectors.json (a copy of
//! ../shared/reference/erlang_vectors.json) must match within its tolerance.

use roster::traffic::erlang::{self, QueueSpec, Targets};
use serde_json::Value;

fn num(v: &Value, key: &str) -> Option<f64> {
    v.get(key).and_then(Value::as_f64)
}

/// A vector's notes may give another tolerance for the seconds fields: "Use 1e-4 s ...".
fn seconds_tolerance(notes: &str) -> Option<f64> {
    let i = notes.to_lowercase().find("use ")?;
    let rest = &notes[i + 4..];
    let word = rest.split_whitespace().next()?;
    let after = rest[word.len()..].trim_start();
    if after.starts_with("s ") || after.starts_with("s.") {
        word.parse().ok()
    } else {
        None
    }
}

fn outputs(inputs: &Value) -> Result<Value, String> {
    let aht = num(inputs, "aht_s").unwrap_or(1.0);
    let patience = num(inputs, "patience_s");
    let q = match num(inputs, "offered_load_erlangs") {
        Some(a) => QueueSpec::new(a, aht, patience),
        None => QueueSpec::from_calls(
            num(inputs, "calls_per_interval").ok_or("no calls_per_interval")?,
            num(inputs, "interval_s").ok_or("no interval_s")?,
            aht,
            patience,
        ),
    }
    .map_err(|e| e.to_string())?;
    let t = num(inputs, "target_answer_s").unwrap_or(0.0);
    let value = if let Some(n) = inputs.get("agents").and_then(Value::as_u64) {
        serde_json::to_value(erlang::metrics(&q, n as u32, t).map_err(|e| e.to_string())?)
    } else {
        let targets = Targets {
            service_level: num(inputs, "sl_target").ok_or("no sl_target")?,
            answer_s: t,
            max_occupancy: num(inputs, "max_occupancy").unwrap_or(1.0),
            max_abandon: num(inputs, "max_abandon"),
            shrinkage: num(inputs, "shrinkage").unwrap_or(0.0),
        };
        serde_json::to_value(erlang::staff(&q, &targets).map_err(|e| e.to_string())?)
    };
    value.map_err(|e| e.to_string())
}

#[test]
fn every_reference_vector_matches() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/traffic/erlang_vectors.json"
    ))
    .unwrap();
    let vectors: Vec<Value> = serde_json::from_str(&text).unwrap();
    assert!(vectors.len() >= 32, "expected the full vector set");
    let mut failures = Vec::new();
    let mut checked = 0;
    for (i, v) in vectors.iter().enumerate() {
        let model = v["model"].as_str().unwrap_or("?");
        let got = match outputs(&v["inputs"]) {
            Ok(g) => g,
            Err(e) => {
                failures.push(format!("#{i} ({model}): error {e}"));
                continue;
            }
        };
        if got["model"].as_str() != Some(model) {
            failures.push(format!("#{i}: computed with {} not {model}", got["model"]));
        }
        let tol = v["tolerance"].as_f64().unwrap();
        let tol_s = v["notes"].as_str().and_then(seconds_tolerance);
        for (key, want) in v["expected"].as_object().unwrap() {
            checked += 1;
            let Some(have) = got.get(key).and_then(Value::as_f64) else {
                failures.push(format!(
                    "#{i} ({model}) {key}: expected {want}, not computed"
                ));
                continue;
            };
            let ok = if key.ends_with("_agents") {
                Some(have) == want.as_f64()
            } else {
                let t = if key.ends_with("_s") {
                    tol_s.unwrap_or(tol)
                } else {
                    tol
                };
                (have - want.as_f64().unwrap()).abs() <= t
            };
            if !ok {
                failures.push(format!("#{i} ({model}) {key}: expected {want}, got {have}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked > 150, "only {checked} values checked");
}

#[test]
fn huge_load_is_stable() {
    // A = 12345 with n = 12421 overflows a naive A^n/n!.
    let q = QueueSpec::new(12345.0, 180.0, None).unwrap();
    let m = erlang::metrics(&q, 12421, 20.0).unwrap();
    for x in [m.p_wait, m.erlang_b, m.service_level, m.asa_s, m.occupancy] {
        assert!(x.is_finite() && x >= 0.0, "{m:?}");
    }
    assert!(m.p_wait > 0.0 && m.p_wait < 1.0);
    let targets = Targets {
        service_level: 0.8,
        answer_s: 20.0,
        max_occupancy: 1.0,
        max_abandon: None,
        shrinkage: 0.0,
    };
    let s = erlang::staff(&q, &targets).unwrap();
    assert!(
        s.required_agents > 12345 && s.required_agents < 12500,
        "{s:?}"
    );
    assert!(s.metrics.service_level >= 0.8);
    let below = erlang::metrics(&q, s.required_agents - 1, 20.0).unwrap();
    assert!(below.service_level < 0.8);

    // Erlang A at the same size (one evaluation; the search is exercised by the vectors
    // and by `erlang_a_staffing_at_scale`).
    let qa = QueueSpec::new(12345.0, 180.0, Some(120.0)).unwrap();
    let ma = erlang::metrics(&qa, 12421, 20.0).unwrap();
    assert!(
        ma.service_level > 0.5 && ma.service_level <= ma.sl_virtual.unwrap(),
        "{ma:?}"
    );
    assert!(
        ma.p_wait < m.p_wait && ma.p_abandon.unwrap() < 0.01,
        "{ma:?}"
    );
}

#[test]
fn erlang_a_staffing_at_scale() {
    let targets = Targets {
        service_level: 0.8,
        answer_s: 20.0,
        max_occupancy: 1.0,
        max_abandon: None,
        shrinkage: 0.0,
    };
    let qc = QueueSpec::new(1234.5, 180.0, None).unwrap();
    let c = erlang::staff(&qc, &targets).unwrap();
    let qa = QueueSpec::new(1234.5, 180.0, Some(120.0)).unwrap();
    let a = erlang::staff(&qa, &targets).unwrap();
    assert!(a.required_agents <= c.required_agents, "{a:?} vs {c:?}");
    assert!(a.metrics.service_level >= 0.8);
    let below = erlang::metrics(&qa, a.required_agents - 1, 20.0).unwrap();
    assert!(below.service_level < 0.8);
}

#[test]
fn overload_conventions() {
    let q = QueueSpec::new(1000.0, 180.0, None).unwrap();
    let m = erlang::metrics(&q, 900, 20.0).unwrap();
    assert_eq!(m.p_wait, 1.0);
    assert_eq!(m.service_level, 0.0);
    assert!(m.asa_s.is_infinite());
    assert!(erlang::metrics(&q, 0, 20.0).is_err());
}

#[test]
fn bad_inputs_are_errors_not_panics() {
    assert!(QueueSpec::new(-1.0, 180.0, None).is_err());
    assert!(QueueSpec::new(1.0, 0.0, None).is_err());
    assert!(QueueSpec::new(1.0, 180.0, Some(0.0)).is_err());
    assert!(QueueSpec::from_calls(10.0, f64::NAN, 180.0, None).is_err());
    let q = QueueSpec::new(10.0, 180.0, None).unwrap();
    let bad = Targets {
        service_level: 0.8,
        answer_s: 20.0,
        max_occupancy: 0.85,
        max_abandon: None,
        shrinkage: 1.0,
    };
    assert!(erlang::staff(&q, &bad).is_err());
}

/// How far Erlang A may be from Erlang C at a given patience: the queue weights differ
/// by `exp(−θ·j²/(2nμ))` at j calls waiting, so the gap is O(θ·J²/(nμ)) with J the
/// typical queue, `A/(n − A)` waiting calls; tiny for any realistic size, but not zero
/// near saturation.
fn first_order_gap(a: f64, aht: f64, n: u32, patience: f64) -> f64 {
    let queue = a / (n as f64 - a);
    1e-7 + 10.0 * (queue + 1.0).powi(2) * aht / (n as f64 * patience)
}

/// |Erlang A − Erlang C| over the figures both models give.
fn gap_to_erlang_c(a: f64, aht: f64, n: u32, t: f64, patience: f64) -> (f64, f64, f64, f64) {
    let c = erlang::metrics(&QueueSpec::new(a, aht, None).unwrap(), n, t).unwrap();
    let m = erlang::metrics(&QueueSpec::new(a, aht, Some(patience)).unwrap(), n, t).unwrap();
    (
        (m.service_level - c.service_level).abs(),
        (m.p_wait - c.p_wait).abs(),
        (m.asa_s - c.asa_s).abs() / c.asa_s.max(1e-9),
        m.p_abandon.unwrap(),
    )
}

#[test]
fn erlang_a_tends_to_erlang_c_as_patience_grows() {
    let mut checked = 0;
    for a in [0.05f64, 0.7, 3.2, 10.0, 47.3, 230.0, 1234.5, 9876.0] {
        for aht in [15.0, 180.0, 900.0] {
            let first = a.floor() as u32 + 1;
            for n in [first, first + 2, (a * 1.2).ceil() as u32 + 1] {
                for t in [0.0, 20.0, 300.0] {
                    let mut last = f64::INFINITY;
                    for patience in [1e5, 1e6, 1e7, 1e8, 1e9] {
                        let (sl, pw, asa, ab) = gap_to_erlang_c(a, aht, n, t, patience);
                        let worst = sl.max(pw).max(asa);
                        // the gap shrinks as patience grows (up to rounding) ...
                        assert!(
                            worst <= last + 1e-9,
                            "A={a} aht={aht} n={n} t={t} patience={patience}: {worst} after {last}"
                        );
                        last = worst;
                        assert!((0.0..=1.0).contains(&ab));
                    }
                    // ... and at 1e9 s it is within its first-order size
                    let (sl, pw, asa, ab) = gap_to_erlang_c(a, aht, n, t, 1e9);
                    let tol = first_order_gap(a, aht, n, 1e9);
                    assert!(
                        sl < tol && pw < tol && asa < tol && ab < tol,
                        "A={a} aht={aht} n={n} t={t}: sl {sl} p_wait {pw} asa {asa} abandon {ab}"
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked >= 200, "{checked}");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, failure_persistence: None, ..Default::default() })]
    #[test]
    fn erlang_a_with_endless_patience_is_erlang_c(
        a in 0.01f64..5000.0,
        extra in 0.05f64..3.0,
        aht in 5.0f64..3600.0,
        t in 0.0f64..600.0,
    ) {
        let n = (a + extra * a.sqrt() + 1.0).ceil() as u32;
        let (sl, pw, asa, ab) = gap_to_erlang_c(a, aht, n, t, 1e9);
        let tol = first_order_gap(a, aht, n, 1e9);
        proptest::prop_assert!(sl < tol && pw < tol && asa < tol && ab < tol,
            "A={} n={} aht={} t={}: {} {} {} {}", a, n, aht, t, sl, pw, asa, ab);
    }
}

#[test]
fn staffing_search_takes_logarithmically_many_evaluations() {
    let targets = Targets {
        service_level: 0.8,
        answer_s: 20.0,
        max_occupancy: 0.95,
        max_abandon: Some(0.05),
        shrinkage: 0.2,
    };
    for a in [0.01, 1.0, 10.0, 100.0, 1_000.0, 10_000.0, 99_999.0] {
        for patience in [None, Some(120.0), Some(1e9)] {
            let q = QueueSpec::new(a, 180.0, patience).unwrap();
            let s = erlang::staff(&q, &targets).unwrap();
            let n = s.required_agents;
            let bound = 2 * (32 - (n + 1).leading_zeros()) + 4;
            assert!(
                s.evaluations <= bound,
                "A={a} patience={patience:?}: {} evaluations for {n} agents (bound {bound})",
                s.evaluations
            );
            // and it is the smallest staffing meeting the targets
            let at = |n| erlang::metrics(&q, n, 20.0).unwrap();
            assert!(at(n).service_level >= 0.8 - 1e-9, "A={a}: {:?}", at(n));
            if n > 1 {
                let below = at(n - 1);
                let meets = below.service_level >= 0.8
                    && below.occupancy <= 0.95
                    && below.p_abandon.is_none_or(|p| p <= 0.05)
                    && (patience.is_some() || below.agents as f64 > a);
                assert!(
                    !meets,
                    "A={a} patience={patience:?}: {n} - 1 agents suffice"
                );
            }
        }
    }
}

#[test]
fn absurd_sizes_are_refused_up_front() {
    assert!(QueueSpec::from_calls(1e11, 1800.0, 180.0, None).is_err());
    assert!(QueueSpec::from_calls(1e308, 1800.0, 180.0, None).is_err());
    assert!(QueueSpec::new(10.0, 1e18, None).is_err());
    assert!(QueueSpec::new(10.0, 180.0, Some(1e12)).is_err());
    let q = QueueSpec::new(10.0, 180.0, None).unwrap();
    assert!(erlang::metrics(&q, erlang::MAX_AGENTS + 1, 20.0).is_err());
    assert!(erlang::metrics(&q, 11, 1e9).is_err());
}
