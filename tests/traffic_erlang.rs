//! Every vector in tests/data/erlang_vectors.json (a copy of
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
        "/tests/data/erlang_vectors.json"
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
