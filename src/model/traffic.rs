//! The `[traffic]` table: expected calls per interval and seat type, and the service
//! targets that `simulate`, `advise` and `erlang` work to.
//!
//! Every key has a documented range (`Traffic::from_toml`), checked when the scenario is
//! loaded, so that a bad value is refused with its key named instead of surfacing later
//! as a failed simulation or an allocation the machine cannot make.

use serde::{Deserialize, Serialize};

/// Most expected calls in one interval of one seat type.
pub const MAX_CALLS_PER_INTERVAL: f64 = 1e6;
/// Most offered load (calls × handle time ÷ interval) in one interval, in erlangs; the
/// same bound as `roster erlang` (`traffic::erlang::MAX_OFFERED_LOAD`).
pub const MAX_OFFERED_LOAD: f64 = 100_000.0;
/// Longest handle time or answer target, in seconds.
pub const MAX_SECONDS: f64 = 86_400.0;
/// Longest mean patience, in seconds.
pub const MAX_PATIENCE_S: f64 = 1e9;
/// Largest shrinkage: above it a head is on the phones less than a tenth of the time.
pub const MAX_SHRINKAGE: f64 = 0.9;
/// Smallest occupancy cap: below it the staffing search would seat tens of heads per call.
pub const MIN_OCCUPANCY_CAP: f64 = 0.1;

/// Who may answer a queue: the scenario's `[traffic] cross_answer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CrossAnswer {
    /// Each person answers only the calls of the seat type they sit at.
    None,
    /// A person at a higher seat type also answers calls waiting at lower seat types
    /// when their own queue is empty (the seed centre's practice; the default).
    #[default]
    Lower,
    /// A person on duty answers, when idle, any seat type's calls their grade qualifies
    /// them for: their own first, then the oldest call waiting elsewhere. A senior seated
    /// at 189 takes 96123 calls at night when nobody sits at 96123.
    Qualified,
}

impl CrossAnswer {
    pub fn name(self) -> &'static str {
        match self {
            CrossAnswer::None => "none",
            CrossAnswer::Lower => "lower",
            CrossAnswer::Qualified => "qualified",
        }
    }

    fn parse(s: &str) -> Option<CrossAnswer> {
        Some(match s {
            "none" => CrossAnswer::None,
            "lower" => CrossAnswer::Lower,
            "qualified" => CrossAnswer::Qualified,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Traffic {
    pub interval_minutes: u32,
    pub service_level: f64,
    pub answer_seconds: f64,
    pub shrinkage: f64,
    pub max_occupancy: f64,
    /// Largest acceptable share of abandoned calls, for Erlang A staffing.
    pub max_abandon: Option<f64>,
    pub cross_answer: CrossAnswer,
    #[serde(rename = "queue")]
    pub queues: Vec<TrafficQueue>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrafficQueue {
    pub seat: String,
    pub aht_seconds: f64,
    /// Mean patience; absent means callers never hang up (Erlang C).
    pub patience_seconds: Option<f64>,
    pub weekday: Vec<f64>,
    pub weekend: Option<Vec<f64>>,
    pub holiday: Option<Vec<f64>>,
}

impl TrafficQueue {
    /// Calls per interval for a day type; a missing day type uses weekend, then weekday.
    pub fn calls(&self, day: super::DayType) -> &[f64] {
        use super::DayType::*;
        match day {
            Weekday => &self.weekday,
            Weekend => self.weekend.as_deref().unwrap_or(&self.weekday),
            Holiday => self
                .holiday
                .as_deref()
                .or(self.weekend.as_deref())
                .unwrap_or(&self.weekday),
        }
    }
}

/// A bad `[traffic]` value: the key's place in the file and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrafficFault {
    pub place: String,
    pub message: String,
}

fn fault(place: impl Into<String>, message: impl Into<String>) -> TrafficFault {
    TrafficFault {
        place: place.into(),
        message: message.into(),
    }
}

/// A TOML value as a number, integers included.
fn number(place: &str, v: &toml::Value) -> Result<f64, TrafficFault> {
    match v {
        toml::Value::Float(x) => Ok(*x),
        toml::Value::Integer(i) => Ok(*i as f64),
        other => Err(fault(
            place,
            format!("must be a number, got the {} {other}", other.type_str()),
        )),
    }
}

/// A number in a range; `what` says the range in words for the message.
fn ranged(
    place: &str,
    v: &toml::Value,
    ok: impl Fn(f64) -> bool,
    what: &str,
) -> Result<f64, TrafficFault> {
    let x = number(place, v)?;
    if x.is_finite() && ok(x) {
        Ok(x)
    } else {
        Err(fault(place, format!("must be {what}, got {x}")))
    }
}

fn unknown_keys(
    place: &str,
    table: &toml::value::Table,
    known: &[&str],
) -> Result<(), TrafficFault> {
    match table.keys().find(|k| !known.contains(&k.as_str())) {
        Some(k) => Err(fault(
            format!("{place} {k}"),
            format!("unknown key (known: {})", known.join(", ")),
        )),
        None => Ok(()),
    }
}

const TOP_KEYS: [&str; 8] = [
    "interval_minutes",
    "service_level",
    "answer_seconds",
    "shrinkage",
    "max_occupancy",
    "max_abandon",
    "cross_answer",
    "queue",
];
const QUEUE_KEYS: [&str; 6] = [
    "seat",
    "aht_seconds",
    "patience_seconds",
    "weekday",
    "weekend",
    "holiday",
];

impl Traffic {
    /// The `[traffic]` table, every key checked against its range:
    ///
    /// | key | range (default) |
    /// |---|---|
    /// | `interval_minutes` | an integer that divides 1440 (30) |
    /// | `service_level` | 0 to 1 (0.8) |
    /// | `answer_seconds` | 0 to 86400 (20) |
    /// | `shrinkage` | 0 to 0.9 (0.15) |
    /// | `max_occupancy` | 0.1 to 1 (0.85) |
    /// | `max_abandon` | 0 to 1 (none) |
    /// | `cross_answer` | `none`, `lower` or `qualified` (`lower`) |
    /// | `queue.seat` | a `[[seat]]` code, one row per seat type |
    /// | `queue.aht_seconds` | above 0, at most 86400 |
    /// | `queue.patience_seconds` | above 0, at most 1e9 (none: callers never hang up) |
    /// | `queue.weekday/weekend/holiday` | one value per interval of the day, each 0 to 1e6 calls, and at most 100000 erlangs of load |
    pub fn from_toml(
        v: &toml::Value,
        seat_known: impl Fn(&str) -> bool,
    ) -> Result<Traffic, TrafficFault> {
        let top = "[traffic]";
        let Some(table) = v.as_table() else {
            return Err(fault(top, "must be a table"));
        };
        unknown_keys(top, table, &TOP_KEYS)?;
        let key = |k: &str| format!("{top} {k}");
        let interval_minutes = match table.get("interval_minutes") {
            None => 30,
            Some(v) => {
                let x = ranged(
                    &key("interval_minutes"),
                    v,
                    |x| (1.0..=1440.0).contains(&x) && x.fract() == 0.0 && 1440 % (x as u32) == 0,
                    "a whole number of minutes that divides a day (e.g. 15, 30, 60)",
                )?;
                x as u32
            }
        };
        let fraction = |k: &str, lo: f64, hi: f64, default: f64| -> Result<f64, TrafficFault> {
            match table.get(k) {
                None => Ok(default),
                Some(v) => ranged(
                    &key(k),
                    v,
                    |x| (lo..=hi).contains(&x),
                    &format!("{lo} to {hi}"),
                ),
            }
        };
        let service_level = fraction("service_level", 0.0, 1.0, 0.8)?;
        let answer_seconds = fraction("answer_seconds", 0.0, MAX_SECONDS, 20.0)?;
        let shrinkage = fraction("shrinkage", 0.0, MAX_SHRINKAGE, 0.15)?;
        let max_occupancy = fraction("max_occupancy", MIN_OCCUPANCY_CAP, 1.0, 0.85)?;
        let max_abandon = match table.get("max_abandon") {
            None => None,
            Some(_) => Some(fraction("max_abandon", 0.0, 1.0, 1.0)?),
        };
        let cross_answer = match table.get("cross_answer") {
            None => CrossAnswer::default(),
            Some(v) => v.as_str().and_then(CrossAnswer::parse).ok_or_else(|| {
                fault(
                    key("cross_answer"),
                    format!("must be \"none\", \"lower\" or \"qualified\", got {v}"),
                )
            })?,
        };
        let rows: &[toml::Value] = match table.get("queue") {
            None => &[],
            Some(toml::Value::Array(rows)) => rows,
            Some(_) => {
                return Err(fault(key("queue"), "must be [[traffic.queue]] tables"));
            }
        };
        let mut queues: Vec<TrafficQueue> = Vec::with_capacity(rows.len());
        for (i, row) in rows.iter().enumerate() {
            let queue = TrafficQueue::from_toml(i, row, &seat_known, &queues, interval_minutes)?;
            queues.push(queue);
        }
        Ok(Traffic {
            interval_minutes,
            service_level,
            answer_seconds,
            shrinkage,
            max_occupancy,
            max_abandon,
            cross_answer,
            queues,
        })
    }
}

impl TrafficQueue {
    /// Row `i` of `[[traffic.queue]]`: its seat must be known (`seat_known`) and not already
    /// have a row in `earlier`; its call profiles have one value per interval of
    /// `interval_minutes`.
    fn from_toml(
        i: usize,
        row: &toml::Value,
        seat_known: impl Fn(&str) -> bool,
        earlier: &[TrafficQueue],
        interval_minutes: u32,
    ) -> Result<TrafficQueue, TrafficFault> {
        let mut place = format!("[[traffic.queue]] #{}", i + 1);
        let Some(row) = row.as_table() else {
            return Err(fault(place, "must be a table"));
        };
        let seat = match row.get("seat") {
            Some(toml::Value::String(s)) => s.clone(),
            Some(other) => {
                return Err(fault(
                    format!("{place} seat"),
                    format!("must be a seat code, got {other}"),
                ));
            }
            None => return Err(fault(format!("{place} seat"), "missing")),
        };
        place = format!("{place} (seat \"{seat}\")");
        unknown_keys(&place, row, &QUEUE_KEYS)?;
        if !seat_known(&seat) {
            return Err(fault(
                format!("{place} seat"),
                format!("unknown seat type `{seat}`"),
            ));
        }
        if let Some(j) = earlier.iter().position(|q| q.seat == seat) {
            return Err(fault(
                format!("{place} seat"),
                format!("seat type `{seat}` already has a row (#{})", j + 1),
            ));
        }
        let at = |k: &str| format!("{place} {k}");
        let aht_seconds = match row.get("aht_seconds") {
            None => return Err(fault(at("aht_seconds"), "missing")),
            Some(v) => ranged(
                &at("aht_seconds"),
                v,
                |x| x > 0.0 && x <= MAX_SECONDS,
                &format!("above 0 and at most {MAX_SECONDS} seconds"),
            )?,
        };
        let patience_seconds = match row.get("patience_seconds") {
            None => None,
            Some(v) => Some(ranged(
                &at("patience_seconds"),
                v,
                |x| x > 0.0 && x <= MAX_PATIENCE_S,
                &format!("above 0 and at most {MAX_PATIENCE_S:e} seconds"),
            )?),
        };
        let calls = |k: &str| -> Result<Option<Vec<f64>>, TrafficFault> {
            let Some(v) = row.get(k) else { return Ok(None) };
            day_profile(&at(k), v, interval_minutes, aht_seconds).map(Some)
        };
        let Some(weekday) = calls("weekday")? else {
            return Err(fault(at("weekday"), "missing"));
        };
        let weekend = calls("weekend")?;
        let holiday = calls("holiday")?;
        Ok(TrafficQueue {
            seat,
            aht_seconds,
            patience_seconds,
            weekday,
            weekend,
            holiday,
        })
    }
}

/// One day's expected calls at `place`: one value per interval of `interval_minutes`, each
/// within what `aht_seconds` lets the Erlang C arithmetic carry.
fn day_profile(
    place: &str,
    v: &toml::Value,
    interval_minutes: u32,
    aht_seconds: f64,
) -> Result<Vec<f64>, TrafficFault> {
    let per_day = (1440 / interval_minutes) as usize;
    let Some(values) = v.as_array() else {
        return Err(fault(place, "must be a list of expected calls"));
    };
    if values.len() != per_day {
        return Err(fault(
            place,
            format!(
                "{} values, but a day has {per_day} intervals of {interval_minutes} minutes",
                values.len()
            ),
        ));
    }
    let interval_s = interval_minutes as f64 * 60.0;
    let max_calls = MAX_CALLS_PER_INTERVAL.min(MAX_OFFERED_LOAD * interval_s / aht_seconds);
    values
        .iter()
        .enumerate()
        .map(|(j, v)| {
            ranged(
                &format!("{place}[{j}]"),
                v,
                |x| (0.0..=max_calls).contains(&x),
                &format!(
                    "0 to {max_calls} expected calls (at most {MAX_CALLS_PER_INTERVAL:e} calls \
                     and {MAX_OFFERED_LOAD} erlangs an interval)"
                ),
            )
        })
        .collect()
}
