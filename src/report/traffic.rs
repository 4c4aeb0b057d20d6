//! The call-load commands' tables: one interval's Erlang figures, a month's simulation
//! (totals, unstaffed calls, the intervals below target), and seat advice.

use crate::traffic::adapt::SimReport;
use crate::traffic::advise::Advice;
use crate::traffic::sim::Estimate;

/// Appends one line to a text being built (writing to a `String` cannot fail).
macro_rules! line {
    ($text:expr, $($arg:tt)*) => {{
        use std::fmt::Write;
        let _ = writeln!($text, $($arg)*);
    }};
}

/// How many intervals below target the simulation table lists.
const BELOW_TARGET_SHOWN: usize = 40;

/// One interval's Erlang figures (`roster erlang`), one per line by name, each with what
/// it means. `figures` is the JSON object of `erlang::Metrics` or `erlang::Staffing`.
pub fn erlang_table(figures: &serde_json::Map<String, serde_json::Value>, answer_s: f64) -> String {
    let mut text = String::new();
    for (k, v) in figures {
        let value = match v {
            serde_json::Value::Number(n) => {
                let f = n.as_f64().unwrap_or(0.0);
                if n.is_u64() {
                    format!("{f}")
                } else {
                    format!("{f:.6}")
                }
            }
            serde_json::Value::Null => "infinite".into(),
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        match erlang_label(k, answer_s) {
            Some(label) => line!(text, "{k:<22} {value:<12} {label}"),
            None => line!(text, "{k:<22} {value}"),
        }
    }
    text
}

/// What each figure of `roster erlang` means, printed beside it: three of them are
/// service levels over different populations and must not be confused.
fn erlang_label(key: &str, answer_s: f64) -> Option<String> {
    Some(match key {
        "service_level" => {
            format!("answered within {answer_s} s ÷ all offered calls (abandoned ones miss)")
        }
        "sl_answered" => format!("answered within {answer_s} s ÷ answered calls"),
        "sl_virtual" => {
            format!("offered wait ≤ {answer_s} s, as if nobody hung up (callers' patience ignored)")
        }
        "p_wait" => "share of calls that wait (find every agent busy)".into(),
        "immediate_answer" => "share of calls answered at once".into(),
        "asa_s" => "average speed of answer, seconds".into(),
        "asa_answered_s" => "mean wait of answered calls, seconds".into(),
        "mean_wait_all_s" => "mean time in queue of all calls, seconds".into(),
        "p_abandon" => "share of calls that hang up before an answer".into(),
        "occupancy" => "served load ÷ agents".into(),
        "erlang_b" => "Erlang B blocking probability B(n, A)".into(),
        "offered_load_erlangs" => "calls × handle time ÷ interval".into(),
        "required_agents" => "productive agents meeting every target".into(),
        "scheduled_agents" => "heads to schedule: required ÷ (1 − shrinkage), rounded up".into(),
        _ => return None,
    })
}

/// A warning when `agents` cannot keep up with the offered load.
pub fn overload_warning(agents: u32, load: f64, patience: bool) -> Option<String> {
    if load < agents as f64 {
        return None;
    }
    Some(if patience {
        format!(
            "{agents} agents for {load:.2} erlangs offered: more calls than they can serve; \
             only callers hanging up keep the queue finite (without patience, Erlang C has no steady state)"
        )
    } else {
        format!(
            "{agents} agents for {load:.2} erlangs offered: the queue is unstable and Erlang C \
             has no steady state (service level 0 and an infinite ASA by convention)"
        )
    })
}

fn pct(e: &Option<Estimate>) -> String {
    match e {
        Some(e) => format!(
            "{:5.1}% ±{:.1}",
            e.mean * 100.0,
            (e.hi - e.lo) / 2.0 * 100.0
        ),
        None => "-".into(),
    }
}

fn secs(e: &Option<Estimate>) -> String {
    match e {
        Some(e) => format!("{:5.1}s ±{:.1}", e.mean, (e.hi - e.lo) / 2.0),
        None => "-".into(),
    }
}

/// A month's simulation (`roster simulate`): what was run, the totals per seat type, the
/// calls nobody on duty may answer, and the intervals below target, worst first.
/// `where_the_rest_are` tells the reader where the intervals the table leaves out are.
pub fn simulation_text(
    report: &SimReport,
    month: &str,
    seconds: f64,
    where_the_rest_are: &str,
) -> String {
    let mut text = String::new();
    line!(
        text,
        "{} replications (seed {}) of {} against the {}: {} calls, {} events in {:.2} s",
        report.replications,
        report.seed,
        month,
        report.source,
        report.calls,
        report.events,
        seconds
    );
    line!(
        text,
        "target: {:.0}% answered within {} s; ± is the 95% confidence half-width",
        report.service_level_target * 100.0,
        report.answer_seconds
    );
    line!(text, "");
    line!(
        text,
        "{:<8} {:>9} {:>16} {:>14} {:>14} {:>14}",
        "seat",
        "calls/rep",
        "service level",
        "ASA",
        "abandoned",
        "occupancy"
    );
    for t in &report.totals {
        line!(
            text,
            "{:<8} {:>9.0} {:>16} {:>14} {:>14} {:>14}",
            t.queue,
            t.offered,
            pct(&t.service_level),
            secs(&t.asa_s),
            pct(&t.abandon),
            pct(&t.occupancy)
        );
    }
    line!(text, "");
    if !report.unstaffed.is_empty() {
        line!(
            text,
            "calls nobody on duty may answer (0 % service there by the staffing, not by load):"
        );
        for u in &report.unstaffed {
            line!(
                text,
                "  {} {}: {} intervals on {} days, {:.1} calls: {}",
                u.seat,
                u.shift.as_deref().unwrap_or("-"),
                u.intervals,
                u.dates,
                u.calls,
                u.reason
            );
        }
        line!(text, "");
    }
    below_target(&mut text, report, where_the_rest_are);
    text
}

/// The intervals below target somebody may answer, worst first: lowest service level, then
/// most abandonment, then time.
fn below_target(text: &mut String, report: &SimReport, where_the_rest_are: &str) {
    let mut below: Vec<_> = report
        .cells
        .iter()
        .filter(|c| c.cell.below_target && !c.unstaffed)
        .collect();
    let mean = |e: &Option<Estimate>| e.map_or(0.0, |e| e.mean);
    below.sort_by(|x, y| {
        mean(&x.cell.service_level)
            .total_cmp(&mean(&y.cell.service_level))
            .then(mean(&y.cell.abandon).total_cmp(&mean(&x.cell.abandon)))
            .then((x.date, &x.time, &x.seat).cmp(&(y.date, &y.time, &y.seat)))
    });
    if below.is_empty() {
        if report.unstaffed.is_empty() {
            line!(text, "every interval meets the target");
        } else {
            line!(text, "every interval somebody may answer meets the target");
        }
        return;
    }
    line!(
        text,
        "{} intervals below target{}, worst first (!! = the whole confidence interval is below):",
        below.len(),
        if report.unstaffed.is_empty() {
            ""
        } else {
            " besides those nobody may answer"
        }
    );
    line!(
        text,
        "   {:<10} {:<5} {:<8} {:>7} {:>16} {:>14} {:>14} {:>14}",
        "date",
        "time",
        "seat",
        "calls",
        "service level",
        "ASA",
        "abandoned",
        "occupancy"
    );
    for c in below.iter().take(BELOW_TARGET_SHOWN) {
        let sure = c
            .cell
            .service_level
            .is_some_and(|e| e.hi < report.service_level_target);
        line!(
            text,
            "{} {:<10} {:<5} {:<8} {:>7.1} {:>16} {:>14} {:>14} {:>14}",
            if sure { "!!" } else { "! " },
            c.date,
            c.time,
            c.seat,
            c.cell.offered,
            pct(&c.cell.service_level),
            secs(&c.cell.asa_s),
            pct(&c.cell.abandon),
            pct(&c.cell.occupancy)
        );
    }
    if below.len() > BELOW_TARGET_SHOWN {
        line!(
            text,
            "   ... and {} more ({where_the_rest_are})",
            below.len() - BELOW_TARGET_SHOWN
        );
    }
}

/// Seat advice (`roster advise`): seats per interval by day type and seat type, the
/// per-shift demand that follows, and the month's seat-shifts against the staff's capacity.
pub fn advice_text(advice: &Advice) -> String {
    let mut text = String::new();
    line!(
        text,
        "seats per interval for {:.0}% within {} s (Erlang, then simulation with {} replications):",
        advice.service_level * 100.0,
        advice.answer_seconds,
        advice.replications
    );
    let mut last = ("", String::new());
    for i in &advice.intervals {
        if (i.day_type, i.seat.clone()) != last {
            line!(text, "");
            line!(text, "{} / seat {}", i.day_type, i.seat);
            line!(
                text,
                "  {:<5} {:>6} {:>6} {:>6} {:>6} {:>8}",
                "time",
                "calls",
                "erlang",
                "agents",
                "heads",
                "sim SL"
            );
            last = (i.day_type, i.seat.clone());
        }
        if i.calls == 0.0 && i.agents == 0 {
            continue;
        }
        line!(
            text,
            "  {:<5} {:>6.1} {:>6} {:>6}{} {:>6.1} {:>7}",
            i.time,
            i.calls,
            i.erlang_agents,
            i.agents,
            if i.agents > i.erlang_agents { "+" } else { " " },
            i.seats,
            i.simulated_sl
                .map_or("-".into(), |s| format!("{:.1}%", s * 100.0))
        );
    }
    line!(text, "");
    line!(
        text,
        "agents: on the phones (+ = raised by the simulation); heads: agents ÷ (1 − shrinkage)"
    );
    line!(
        text,
        "per-shift demand (heads, rounded once per shift and seat type):"
    );
    line!(
        text,
        "  {:<6} {:<8} {:>8} {:>8} {:>8}",
        "shift",
        "seat",
        "weekday",
        "weekend",
        "holiday"
    );
    for d in &advice.demand {
        line!(
            text,
            "  {:<6} {:<8} {:>8} {:>8} {:>8}",
            d.shift,
            d.seat,
            d.weekday,
            d.weekend,
            d.holiday
        );
    }
    line!(text, "");
    line!(
        text,
        "seat-shifts this month against what the staff can work (sum of max_shifts):"
    );
    for l in &advice.capacity.levels {
        line!(
            text,
            "  {:<13} needed {:>6}  available {:>6}{}",
            format!("{} and up", l.grade),
            l.needed,
            l.available,
            if l.needed > l.available { "  !!" } else { "" }
        );
    }
    text
}
