//! Every numeric key of `[traffic]` has a range, and a value outside it is refused when
//! the scenario loads, with the file, the key and the fault in one line.

use std::path::Path;

use proptest::prelude::*;
use roster::model::{CrossAnswer, Scenario};

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/traffic/three-seat-types.toml"
);

/// The fixture with its `[traffic]` table replaced by one built from `top` and `queue`
/// lines (hourly intervals: 24 values a day).
fn scenario_text(top: &[String], queue: &[String]) -> String {
    let text = std::fs::read_to_string(FIXTURE).unwrap();
    let head = &text[..text.find("[traffic]").unwrap()];
    let calls = vec!["3"; 24].join(", ");
    format!(
        "{head}[traffic]\n{}\n[[traffic.queue]]\nseat = \"189\"\n{}\nweekday = [{calls}]\n",
        top.join("\n"),
        queue.join("\n")
    )
}

fn load(top: &[String], queue: &[String]) -> Result<Scenario, String> {
    Scenario::from_toml(&scenario_text(top, queue), Path::new("t.toml")).map_err(|e| e.to_string())
}

/// A TOML float for any f64, NaN and infinities included.
fn toml_float(x: f64) -> String {
    if x.is_nan() {
        "nan".into()
    } else if x.is_infinite() {
        if x > 0.0 { "inf" } else { "-inf" }.into()
    } else {
        format!("{x:e}")
    }
}

/// A value outside [lo, hi] (or not above `lo` when `open_lo`).
fn outside(lo: f64, hi: f64, open_lo: bool) -> impl Strategy<Value = f64> {
    let below = if open_lo {
        lo
    } else {
        lo - 1e-6 * (1.0 + lo.abs())
    };
    prop_oneof![
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(below),
        -1e300..below.clamp(-1e299, -1e-300),
        (hi + 1e-6 * (1.0 + hi.abs()))..1e300,
    ]
}

/// (key, in the queue table?, lowest, highest, lowest excluded?)
const KEYS: [(&str, bool, f64, f64, bool); 8] = [
    ("service_level", false, 0.0, 1.0, false),
    ("answer_seconds", false, 0.0, 86_400.0, false),
    ("shrinkage", false, 0.0, 0.9, false),
    ("max_occupancy", false, 0.1, 1.0, false),
    ("max_abandon", false, 0.0, 1.0, false),
    ("interval_minutes", false, 1.0, 1440.0, false),
    ("aht_seconds", true, 0.0, 86_400.0, true),
    ("patience_seconds", true, 0.0, 1e9, true),
];

#[test]
fn a_table_with_only_the_required_keys_loads_with_the_defaults() {
    let sc = load(
        &["interval_minutes = 60".into()],
        &["aht_seconds = 180".into()],
    )
    .unwrap();
    let t = sc.traffic.unwrap();
    assert_eq!((t.service_level, t.answer_seconds), (0.8, 20.0));
    assert_eq!(
        (t.shrinkage, t.max_occupancy, t.max_abandon),
        (0.15, 0.85, None)
    );
    assert_eq!(t.cross_answer, CrossAnswer::Lower);
    assert_eq!(t.queues[0].weekday.len(), 24);
    assert_eq!(t.queues[0].patience_seconds, None);
    let sc = load(
        &[
            "interval_minutes = 60".into(),
            "cross_answer = \"qualified\"".into(),
        ],
        &["aht_seconds = 180".into()],
    )
    .unwrap();
    assert_eq!(sc.traffic.unwrap().cross_answer, CrossAnswer::Qualified);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_numeric_key_out_of_range_is_refused_naming_it(
        (k, v) in (0..KEYS.len()).prop_flat_map(|k| (Just(k), outside(KEYS[k].2, KEYS[k].3, KEYS[k].4))),
    ) {
        let (key, in_queue, ..) = KEYS[k];
        let line = format!("{key} = {}", toml_float(v));
        let mut top = vec!["interval_minutes = 60".to_string()];
        let mut queue = vec!["aht_seconds = 180".to_string()];
        if in_queue {
            queue.retain(|l| !l.starts_with(key));
            queue.push(line.clone());
        } else {
            top.retain(|l| !l.starts_with(key));
            top.push(line.clone());
        }
        let err = load(&top, &queue).expect_err(&line);
        prop_assert!(err.starts_with("t.toml: "), "{}", err);
        prop_assert!(err.contains(key), "{} -> {}", line, err);
        prop_assert!(!err.contains('\n') && !err.contains("{ "), "{}", err);
    }

    #[test]
    fn calls_out_of_range_are_refused_naming_the_interval(
        at in 0usize..24,
        v in outside(0.0, 1e6, false),
    ) {
        let mut calls = vec!["3".to_string(); 24];
        calls[at] = toml_float(v);
        let text = scenario_text(&["interval_minutes = 60".into()], &["aht_seconds = 180".into()])
            .replace(&format!("weekday = [{}]", vec!["3"; 24].join(", ")),
                     &format!("weekday = [{}]", calls.join(", ")));
        let err = Scenario::from_toml(&text, Path::new("t.toml")).unwrap_err().to_string();
        prop_assert!(err.contains(&format!("weekday[{at}]")), "{}", err);
    }
}

#[test]
fn other_faults_name_their_key() {
    let cases: [(&[&str], &[&str], &str); 8] = [
        (
            &["interval_minutes = 7"],
            &["aht_seconds = 180"],
            "interval_minutes",
        ),
        (
            &["interval_minutes = 30.5"],
            &["aht_seconds = 180"],
            "interval_minutes",
        ),
        (
            &["cross_answer = \"up\""],
            &["aht_seconds = 180"],
            "cross_answer",
        ),
        (&["shrinkge = 0.1"], &["aht_seconds = 180"], "shrinkge"),
        (
            &["service_level = \"high\""],
            &["aht_seconds = 180"],
            "service_level",
        ),
        // 30-minute intervals: 48 values a day, not 24
        (&[], &["aht_seconds = 180"], "weekday"),
        (&["interval_minutes = 60"], &[], "aht_seconds"),
        // 1e6 calls an hour at 1e3 s each is 277 778 erlangs
        (
            &["interval_minutes = 60"],
            &["aht_seconds = 1e3"],
            "weekday",
        ),
    ];
    for (top, queue, key) in cases {
        let top: Vec<String> = top.iter().map(|s| s.to_string()).collect();
        let queue: Vec<String> = queue.iter().map(|s| s.to_string()).collect();
        let text = if key == "weekday" && queue.iter().any(|q| q.contains("1e3")) {
            scenario_text(&top, &queue).replace("weekday = [3,", "weekday = [1000000,")
        } else {
            scenario_text(&top, &queue)
        };
        let err = Scenario::from_toml(&text, Path::new("t.toml"))
            .expect_err(key)
            .to_string();
        assert!(err.contains(key), "{key}: {err}");
    }
    let text = scenario_text(
        &["interval_minutes = 60".into()],
        &["aht_seconds = 180".into()],
    );
    let twice = format!(
        "{text}[[traffic.queue]]\nseat = \"189\"\naht_seconds = 100\nweekday = [{}]\n",
        vec!["1"; 24].join(", ")
    );
    let err = Scenario::from_toml(&twice, Path::new("t.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("#2") && err.contains("already has a row"),
        "{err}"
    );
}
