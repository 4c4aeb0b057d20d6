//! Properties of the scenario loader over generated input: every numeric key has a range
//! and a message that names it, and no malformed file makes the loader (or the checker on
//! what it accepts) panic; every refusal names the file.

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use roster::model::{
    InputError, MAX_HEADS, MAX_HISTORY_DAYS, MAX_RUN_LIMIT, MAX_SHIFTS_PER_MONTH, MAX_WEIGHT,
    Roster, Scenario,
};
use roster::rules::check_roster;
use std::path::Path;

const TINY: &str = include_str!("../scenarios/tiny.toml");
const SEED: &str = include_str!("../scenarios/seed-2026-12.toml");

/// Written in place of the value under test, then replaced by the raw text, so that
/// values TOML cannot hold (2^63, `nan` where an integer belongs) reach the loader as a
/// user would type them.
const SENTINEL: i64 = 987_654_321_987;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    /// A whole number with the documented range lo..=hi.
    Int(i64, i64),
    /// A real number with the documented range lo..=hi.
    Real(f64, f64),
}

/// Every numeric key of the scenario: where it lives in the table, the name a message must
/// carry, and its documented range.
fn numeric_keys() -> Vec<(&'static [&'static str], &'static str, Kind)> {
    let heads = Kind::Int(0, MAX_HEADS);
    let shifts = Kind::Int(0, MAX_SHIFTS_PER_MONTH);
    let weight = Kind::Real(0.0, MAX_WEIGHT);
    vec![
        (
            &["rules", "min_rest_hours"],
            "min_rest_hours",
            Kind::Real(0.0, 48.0),
        ),
        (
            &["rules", "handover_minutes"],
            "handover_minutes",
            Kind::Int(0, 240),
        ),
        (
            &["rules", "max_consecutive_days"],
            "max_consecutive_days",
            Kind::Int(1, MAX_RUN_LIMIT),
        ),
        (
            &["rules", "max_consecutive_nights"],
            "max_consecutive_nights",
            Kind::Int(0, MAX_RUN_LIMIT),
        ),
        (&["rules", "leads_per_shift"], "leads_per_shift", heads),
        (
            &["rules", "max_swaps_per_month"],
            "max_swaps_per_month",
            Kind::Int(0, 31),
        ),
        (
            &["rules", "swap_grade_gap"],
            "swap_grade_gap",
            Kind::Int(0, 2),
        ),
        (&["rules", "min_shifts"], "min_shifts", shifts),
        (&["rules", "max_shifts"], "max_shifts", shifts),
        (&["staff", "0", "min_shifts"], "min_shifts", shifts),
        (&["staff", "0", "max_shifts"], "max_shifts", shifts),
        (&["demand", "0", "weekday"], "weekday", heads),
        (&["demand", "1", "weekend"], "weekend", heads),
        (&["demand", "2", "holiday"], "holiday", heads),
        (&["demand_override", "0", "heads"], "heads", heads),
        (&["mix", "0", "min"], "min", heads),
        (&["request", "0", "weight"], "weight", weight),
        (&["weights", "request"], "request", weight),
        (&["weights", "fair_nights"], "fair_nights", weight),
        (&["weights", "fair_weekends"], "fair_weekends", weight),
        (&["weights", "over_cover"], "over_cover", weight),
    ]
}

/// The tiny scenario with one override and one mix row, so every numeric key exists.
fn base_table() -> toml::Value {
    let text = format!(
        "{TINY}\n[[demand_override]]\ndate = \"2026-12-24\"\nshift = \"D\"\nseat = \"189\"\nheads = 1\n\
         [[mix]]\nshift = \"*\"\ngrade = \"senior\"\nmin = 1\n"
    );
    Scenario::from_toml(&text, Path::new("base.toml")).unwrap_or_else(|e| panic!("{e}"));
    toml::Value::Table(toml::from_str(&text).unwrap())
}

/// The place a key path names: array rows by index, missing keys created.
fn slot<'a>(v: &'a mut toml::Value, path: &[&str]) -> &'a mut toml::Value {
    let Some((key, rest)) = path.split_first() else {
        return v;
    };
    let next = match v {
        toml::Value::Array(rows) => &mut rows[key.parse::<usize>().unwrap()],
        toml::Value::Table(t) => t.entry(key.to_string()).or_insert(toml::Value::Integer(0)),
        _ => panic!("{key}: not a table or array"),
    };
    slot(next, rest)
}

/// The scenario text with `path` set to the raw TOML `value`.
fn with_value(base: &toml::Value, path: &[&str], value: &str) -> String {
    let mut doc = base.clone();
    *slot(&mut doc, path) = toml::Value::Integer(SENTINEL);
    replace_sentinel(&toml::to_string(&doc).unwrap(), value)
}

fn replace_sentinel(text: &str, value: &str) -> String {
    let sentinel = SENTINEL.to_string();
    assert_eq!(text.matches(&sentinel).count(), 1);
    text.replace(&sentinel, value)
}

/// Values outside a key's range, as a user might write them.
fn out_of_range(kind: Kind) -> BoxedStrategy<String> {
    let common = prop_oneof![
        Just("-1".to_string()),
        Just("4294967296".to_string()), // 2^32: wrapped to 0 as u32
        Just("4294967297".to_string()), // wrapped to 1
        Just("9223372036854775807".to_string()), // i64::MAX
        Just("9223372036854775808".to_string()), // 2^63: not even an i64
        Just("-9223372036854775808".to_string()),
        Just("nan".to_string()),
        Just("inf".to_string()),
        Just("-inf".to_string()),
        Just("1e308".to_string()),
        Just("-0.5".to_string()),
    ];
    match kind {
        Kind::Int(lo, hi) => prop_oneof![
            common,
            (hi.saturating_add(1)..=i64::MAX).prop_map(|v| v.to_string()),
            (i64::MIN..lo).prop_map(|v| v.to_string()),
            Just("1.5".to_string()),
            Just("\"3\"".to_string()),
        ]
        .boxed(),
        Kind::Real(lo, hi) => prop_oneof![
            common,
            Just("1e18".to_string()),
            Just("1e17".to_string()),
            (1.0f64..1e300).prop_map(move |f| format!("{:e}", hi + f * hi.max(1.0))),
            (1e-6f64..1e300).prop_map(move |f| format!("{:e}", lo - f)),
        ]
        .boxed(),
    }
}

fn config(cases: u32) -> Config {
    Config {
        cases,
        rng_seed: RngSeed::Fixed(20_261_201),
        failure_persistence: None,
        ..Config::default()
    }
}

fn assert_refusal_names(e: &InputError, file: &str, key: &str) {
    let line = e.to_string();
    assert!(line.contains(file), "names the file: {line}");
    assert!(line.contains(key), "names the key `{key}`: {line}");
    assert!(!line.contains('\n'), "one line: {line}");
}

proptest! {
    #![proptest_config(config(600))]

    /// Every numeric key refuses every out-of-range value with a message naming the file
    /// and the key: nothing wraps, nothing is taken as some other number.
    #[test]
    fn every_numeric_key_refuses_out_of_range_values(
        (key, value) in (0..numeric_keys().len())
            .prop_flat_map(|k| (Just(k), out_of_range(numeric_keys()[k].2)))
    ) {
        let (path, name, kind) = numeric_keys()[key];
        let text = with_value(&base_table(), path, &value);
        match Scenario::from_toml(&text, Path::new("ranges.toml")) {
            Ok(_) => prop_assert!(false, "{} = {value} was accepted", path.join(".")),
            Err(e) => {
                assert_refusal_names(&e, "ranges.toml", name);
                // A whole number that TOML reads for a whole-number key is repeated as written.
                if let (Kind::Int(..), Ok(v)) = (kind, value.parse::<i64>()) {
                    let line = e.to_string();
                    prop_assert!(line.contains(&v.to_string()) || line.contains("type"),
                        "names the value {v}: {line}");
                }
            }
        }
    }

    /// Values inside the range load (where no other rule of the scenario objects).
    #[test]
    fn values_in_range_load(
        (key, pick) in (0..numeric_keys().len(), 0.0f64..=1.0)
    ) {
        let (path, _, kind) = numeric_keys()[key];
        // Keys bounded by the rest of this scenario as well as by their own range.
        let bounded = match *path.last().unwrap() {
            "leads_per_shift" => Some(4),
            "min_shifts" => Some(20),
            "max_shifts" if path[0] == "staff" => Some(31),
            _ => None,
        };
        let value = match kind {
            Kind::Int(lo, hi) => {
                let hi = bounded.unwrap_or(hi);
                let v = lo + ((hi - lo) as f64 * pick).round() as i64;
                v.to_string()
            }
            Kind::Real(lo, hi) => format!("{:?}", lo + (hi - lo) * pick),
        };
        let text = with_value(&base_table(), path, &value);
        let sc = Scenario::from_toml(&text, Path::new("ranges.toml"));
        prop_assert!(sc.is_ok(), "{} = {value}: {}", path.join("."), sc.unwrap_err());
    }
}

/// Run limits are accepted up to 1e9 but clamped to the horizon (days of the month + the
/// longest history), so neither the model nor the checker builds a window longer than the
/// data; a limit at the horizon allows every roster, as 1e9 does.
#[test]
fn run_limits_are_clamped_to_the_horizon() {
    let base = base_table();
    for key in ["max_consecutive_nights", "max_consecutive_days"] {
        let text = with_value(&base, &["rules", key], "1000000000");
        let sc = Scenario::from_toml(&text, Path::new("t.toml")).unwrap();
        let horizon = (sc.days() as i64 + MAX_HISTORY_DAYS) as u32;
        let got = match key {
            "max_consecutive_nights" => sc.rules.max_consecutive_nights,
            _ => sc.rules.max_consecutive_days,
        };
        assert_eq!(got, horizon, "{key}");
    }
}

// ---------------------------------------------------------------------------------------
// Malformed files

#[derive(Debug, Clone)]
enum Mutation {
    /// Cut the file at this fraction of its length (may split a UTF-8 character).
    Truncate(f64),
    /// XOR the byte at this fraction of the length with a non-zero mask.
    FlipByte(f64, u8),
    /// Drop the n-th line that sets a key.
    DropKey(usize),
    /// Replace the value of the n-th `key = value` line with another type or number.
    ReplaceValue(usize, &'static str),
    /// Repeat the n-th line (duplicate keys, duplicate rows).
    DuplicateLine(usize),
    /// Insert raw bytes at this fraction of the length.
    Insert(f64, Vec<u8>),
}

const WRONG_VALUES: &[&str] = &[
    "\"x\"",
    "\"\"",
    "1",
    "0",
    "-1",
    "1.5",
    "true",
    "[]",
    "[1, \"a\"]",
    "{}",
    "{ a = 1 }",
    "nan",
    "-inf",
    "2026-12-01",
    "\"2026-12-1\"",
    "\"24:00\"",
    "\"25:61\"",
    "\"8:00\"",
    "9223372036854775808",
    "4294967296",
    "1e308",
    "\"S01\"",
    "\"*\"",
    "\"all\"",
    "\"leads\"",
    "[\"S01\", \"S01\"]",
];

fn mutation(wrong_values: &'static [&'static str]) -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (0.0f64..1.0).prop_map(Mutation::Truncate),
        ((0.0f64..1.0), 1u8..=255).prop_map(|(at, m)| Mutation::FlipByte(at, m)),
        (0usize..400).prop_map(Mutation::DropKey),
        ((0usize..400), prop::sample::select(wrong_values))
            .prop_map(|(n, v)| Mutation::ReplaceValue(n, v)),
        (0usize..600).prop_map(Mutation::DuplicateLine),
        ((0.0f64..1.0), prop::collection::vec(any::<u8>(), 1..6))
            .prop_map(|(at, b)| Mutation::Insert(at, b)),
    ]
}

/// Applies a mutation; `sep` is what separates a key from its value on a line
/// (`" = "` in TOML, `": "` in JSON).
fn apply(bytes: &mut Vec<u8>, m: &Mutation, sep: &str) {
    let at = |f: f64, len: usize| ((len as f64) * f) as usize;
    match m {
        Mutation::Truncate(f) => bytes.truncate(at(*f, bytes.len())),
        Mutation::FlipByte(f, mask) => {
            if !bytes.is_empty() {
                let i = at(*f, bytes.len()).min(bytes.len() - 1);
                bytes[i] ^= mask;
            }
        }
        Mutation::Insert(f, b) => {
            let i = at(*f, bytes.len());
            bytes.splice(i..i, b.iter().copied());
        }
        Mutation::DropKey(_) | Mutation::ReplaceValue(..) | Mutation::DuplicateLine(_) => {
            let text = String::from_utf8_lossy(bytes).into_owned();
            let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
            let keyed: Vec<usize> = (0..lines.len())
                .filter(|&i| lines[i].contains(sep) && !lines[i].trim_start().starts_with('#'))
                .collect();
            match m {
                Mutation::DuplicateLine(n) if !lines.is_empty() => {
                    let i = n % lines.len();
                    let line = lines[i].clone();
                    lines.insert(i, line);
                }
                Mutation::DropKey(n) if !keyed.is_empty() => {
                    lines.remove(keyed[n % keyed.len()]);
                }
                Mutation::ReplaceValue(n, v) if !keyed.is_empty() => {
                    let i = keyed[n % keyed.len()];
                    let key = lines[i].split(sep).next().unwrap().to_string();
                    let comma = if lines[i].ends_with(',') { "," } else { "" };
                    lines[i] = format!("{key}{sep}{v}{comma}");
                }
                _ => {}
            }
            *bytes = lines.join("\n").into_bytes();
        }
    }
}

fn empty_roster(sc: &Scenario) -> Roster {
    Roster {
        month: sc.month.to_string(),
        assignments: Vec::new(),
        swaps: Vec::new(),
        leave: Vec::new(),
        solver: None,
    }
}

proptest! {
    #![proptest_config(config(2000))]

    /// No malformed file panics the loader; a refusal is one line naming the file, and a
    /// file that loads can be checked without panicking.
    #[test]
    fn malformed_scenarios_never_panic(
        seed_file in any::<bool>(),
        mutations in prop::collection::vec(mutation(WRONG_VALUES), 1..4),
    ) {
        let (name, text) = if seed_file { ("seed-2026-12.toml", SEED) } else { ("tiny.toml", TINY) };
        let mut bytes = text.as_bytes().to_vec();
        for m in &mutations {
            apply(&mut bytes, m, " = ");
        }
        let path = Path::new("fuzz").join(name);
        match Scenario::from_bytes(bytes, &path) {
            Ok(sc) => {
                // What loads is within every documented range and safe to use.
                prop_assert!(sc.rules.max_consecutive_nights as usize <= sc.days() + 31);
                prop_assert!(sc.demand.iter().all(|d| d.weekday.max(d.weekend).max(d.holiday) as i64 <= MAX_HEADS));
                check_roster(&sc, &empty_roster(&sc));
            }
            Err(e) => {
                prop_assert_eq!(&e.file, &path);
                let line = e.to_string();
                prop_assert!(line.starts_with(&path.display().to_string()), "{}", line);
                prop_assert!(!line.contains('\n'), "one line: {}", line);
            }
        }
    }
}

const WRONG_JSON: &[&str] = &[
    "\"x\"",
    "\"\"",
    "1",
    "-1",
    "1e999",
    "null",
    "true",
    "[]",
    "{}",
    "\"2026-12-1\"",
    "\"2027-01-01\"",
    "\"2026-13-01\"",
    "\"S99\"",
    "\"X\"",
    "\"96123\"",
];

/// A small roster of the tiny scenario, one field per line, with a swap and solver info.
fn base_roster_json() -> String {
    let mut assignments = Vec::new();
    for (day, people) in [
        (1, ["S01", "S07", "S02", "S08"]),
        (2, ["S03", "S05", "S04", "S06"]),
    ] {
        for (i, id) in people.iter().enumerate() {
            let shift = if i < 2 { "D" } else { "N" };
            let seat = if i % 2 == 0 { "96123" } else { "189" };
            assignments.push(serde_json::json!({
                "staff": id, "date": format!("2026-12-{day:02}"), "shift": shift, "seat": seat
            }));
        }
    }
    let doc = serde_json::json!({
        "month": "2026-12",
        "assignments": assignments,
        "swaps": [{"a": "S05", "b": "S06", "date": "2026-12-02", "shift": "D",
                   "return_date": "2026-12-04", "return_shift": "N"}],
        "solver": {"status": "optimal", "objective": 1.0, "bound": 1.0, "seconds": 0.5}
    });
    serde_json::to_string_pretty(&doc).unwrap()
}

proptest! {
    #![proptest_config(config(600))]

    /// The roster loader likewise: malformed JSON, bad dates, unknown names and stray
    /// bytes give one line naming the file; what loads can be checked without panicking.
    #[test]
    fn malformed_rosters_never_panic(mutations in prop::collection::vec(mutation(WRONG_JSON), 1..4)) {
        let sc = Scenario::from_toml(TINY, Path::new("tiny.toml")).unwrap();
        let mut bytes = base_roster_json().into_bytes();
        for m in &mutations {
            apply(&mut bytes, m, ": ");
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fuzzed.roster.json");
        std::fs::write(&path, &bytes).unwrap();
        match Roster::load(&path, &sc) {
            Ok(r) => {
                check_roster(&sc, &r);
            }
            Err(e) => {
                prop_assert_eq!(&e.file, &path);
                let line = e.to_string();
                prop_assert!(line.starts_with(&path.display().to_string()), "{}", line);
                prop_assert!(!line.contains('\n'), "one line: {}", line);
            }
        }
    }
}

#[test]
fn the_base_roster_loads() {
    let sc = Scenario::from_toml(TINY, Path::new("tiny.toml")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.json");
    std::fs::write(&path, base_roster_json()).unwrap();
    Roster::load(&path, &sc).unwrap_or_else(|e| panic!("{e}"));
}

/// The edges the generator rarely reaches: 24:00 ends a day but starts none.
#[test]
fn midnight_as_24_00_is_an_end_only() {
    for (which, time, ok) in [
        ("shift", "24:00", false),
        ("event", "24:00", false),
        ("shift", "00:00", true),
        ("event", "00:00", true),
    ] {
        let mut doc = base_table();
        let event = toml::toml! {
            name = "培训"
            date = "2026-12-16"
            start = "14:00"
            end = "16:00"
            attendees = ["S05"]
        };
        *slot(&mut doc, &["event"]) = toml::Value::Array(vec![toml::Value::Table(event)]);
        *slot(&mut doc, &[which, "0", "start"]) = toml::Value::String(time.into());
        let text = toml::to_string(&doc).unwrap();
        let got = Scenario::from_toml(&text, Path::new("t.toml"));
        assert_eq!(got.is_ok(), ok, "{which} start = {time}: {:?}", got.err());
    }
}

proptest! {
    #![proptest_config(config(300))]

    /// Shift and event times: exactly HH:MM within the day (24:00 only as an end); anything
    /// else is refused naming the key and the expected form.
    #[test]
    fn times_are_hh_mm_within_the_day(
        h in 0u32..100,
        m in 0u32..100,
        padded in any::<bool>(),
        which in prop::sample::select(&[("shift", "0", "start"), ("shift", "0", "end"),
                                        ("event", "0", "start"), ("event", "0", "end")][..]),
    ) {
        let time = if padded { format!("{h:02}:{m:02}") } else { format!("{h}:{m}") };
        let shaped = time.len() == 5;
        let valid = shaped && m < 60 && (h < 24 || (h == 24 && m == 0 && which.2 == "end"));
        let mut doc = base_table();
        let event = toml::toml! {
            name = "培训"
            date = "2026-12-16"
            start = "14:00"
            end = "16:00"
            attendees = ["S05"]
        };
        *slot(&mut doc, &["event"]) = toml::Value::Array(vec![toml::Value::Table(event)]);
        *slot(&mut doc, &[which.0, which.1, which.2]) = toml::Value::String(time.clone());
        let text = toml::to_string(&doc).unwrap();
        match Scenario::from_toml(&text, Path::new("times.toml")) {
            Ok(_) => prop_assert!(valid, "{}.{} = {time} was accepted", which.0, which.2),
            Err(e) => {
                // A valid time may still be refused for another reason (a shift that
                // starts and ends at once); then the message is not about the format.
                let line = e.to_string();
                if !valid {
                    prop_assert!(line.contains(which.2) && line.contains("HH:MM"), "{}", line);
                }
            }
        }
    }
}
