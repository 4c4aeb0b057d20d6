//! `roster report`: one self-contained HTML page a department head can hand on — summary,
//! rule check, the charts inline as SVG, and each person's month. No scripts, no external
//! files, so it opens offline and prints.

use super::num;
use crate::model::{DayType, Roster, Scenario, format_clock};
use crate::plot::{
    self, CoverageChart, FairnessChart, PlotError, RosterChart, ServiceChart, ServiceSeries,
    fairness_rows,
};
use crate::rules;
use crate::solve;
use chrono::Datelike;
use std::collections::HashMap;
use std::fmt::Write;

/// The ids of the chart figures, in page order; tests and readers can find each by id.
pub const CHART_IDS: [&str; 4] = [
    "chart-coverage",
    "chart-roster",
    "chart-fairness",
    "chart-service",
];

/// The whole report as HTML. `service` is the simulator's output; without it the service
/// section says so instead of showing a chart.
pub fn report_html(
    sc: &Scenario,
    roster: &Roster,
    service: Option<&[ServiceSeries]>,
) -> Result<String, PlotError> {
    let violations = rules::check_roster(sc, roster);
    let breakdown = solve::evaluate(sc, roster);
    let coverage = CoverageChart::new(sc, roster, None);
    let short: u32 = coverage.cells().iter().map(|c| c.short()).sum();

    let mut h = String::new();
    let title = format!("{} — roster {}", sc.name, sc.month);
    // Writing to a String cannot fail; the results of write! are ignored for that reason.
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        esc(&title),
        esc(&title)
    );

    // Summary.
    h.push_str("<section id=\"summary\"><h2>Summary</h2>\n<table class=\"kv\">\n");
    let mut kv = |k: &str, v: String| {
        let _ = writeln!(h, "<tr><th>{}</th><td>{}</td></tr>", esc(k), v);
    };
    kv("month", esc(&sc.month.to_string()));
    kv(
        "staff",
        format!("{} in {} team(s)", sc.staff.len(), sc.teams.len()),
    );
    kv(
        "shifts",
        esc(&sc
            .shifts
            .iter()
            .map(|s| {
                format!(
                    "{} {} {}–{}{}",
                    s.code,
                    s.label(),
                    format_clock(s.start),
                    format_clock(s.end % 1440),
                    if s.night { " (night)" } else { "" }
                )
            })
            .collect::<Vec<_>>()
            .join("; ")),
    );
    kv("shifts rostered", roster.assignments.len().to_string());
    kv("swaps made", roster.swaps.len().to_string());
    kv(
        "rule check",
        if violations.is_empty() {
            "<span class=\"ok\">every roster rule holds</span>".into()
        } else {
            format!(
                "<span class=\"bad\">{} violation(s)</span>",
                violations.len()
            )
        },
    );
    kv(
        "coverage",
        if short == 0 {
            "<span class=\"ok\">every seat required is filled</span>".into()
        } else {
            format!("<span class=\"bad\">{short} seat-shift(s) short</span>")
        },
    );
    if let Some(s) = &roster.solver {
        kv(
            "solver",
            esc(&format!(
                "{}, objective {}, bound {}, {:.1} s",
                s.status,
                num(s.objective),
                num(s.bound),
                s.seconds
            )),
        );
    }
    kv(
        "objective (recomputed)",
        esc(&format!(
            "{} = requests not met {} + night fairness {} + weekend fairness {} + over-cover {}",
            num(breakdown.total()),
            num(breakdown.requests),
            num(breakdown.fair_nights),
            num(breakdown.fair_weekends),
            num(breakdown.over_cover)
        )),
    );
    h.push_str("</table></section>\n");

    // Rule check.
    h.push_str("<section id=\"rules\"><h2>Rule check</h2>\n");
    if violations.is_empty() {
        let _ = writeln!(
            h,
            "<p class=\"ok\">No rule is broken: {} shifts checked against {} roster rules.</p>",
            roster.assignments.len(),
            rules::roster_rules().len()
        );
    } else {
        h.push_str(
            "<table class=\"grid\"><tr><th>rule</th><th>staff</th><th>date</th><th>shift</th>\
             <th>what is wrong</th></tr>\n",
        );
        for v in &violations {
            let who = v
                .staff
                .as_deref()
                .map(|id| match sc.staff_by_id(id) {
                    Some(i) if !sc.staff[i].name.is_empty() => {
                        format!("{} {}", sc.staff[i].name, id)
                    }
                    _ => id.to_string(),
                })
                .unwrap_or_default();
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(v.rule),
                esc(&who),
                v.date.map(|d| d.to_string()).unwrap_or_default(),
                esc(v.shift.as_deref().unwrap_or("")),
                esc(&v.message)
            );
        }
        h.push_str("</table>\n");
    }
    h.push_str("</section>\n");

    // Charts, inline SVG so text stays sharp, searchable and UTF-8.
    h.push_str("<section id=\"charts\"><h2>Charts</h2>\n");
    figure(
        &mut h,
        CHART_IDS[0],
        "Seats required and rostered per day, shift and seat type; shortfalls in red.",
        &plot::render_svg(&coverage)?,
    );
    figure(
        &mut h,
        CHART_IDS[1],
        "The month by person, grouped by team: colour is the shift, grey 假 approved leave, \
         a black frame a shift taken or returned in a swap.",
        &plot::render_svg(&RosterChart::new(sc, roster))?,
    );
    figure(
        &mut h,
        CHART_IDS[2],
        "Night, weekend and holiday shifts per person; the spreads are what the objective \
         keeps small.",
        &plot::render_svg(&FairnessChart::new(sc, roster))?,
    );
    match service {
        Some(series) if !series.is_empty() => figure(
            &mut h,
            CHART_IDS[3],
            "Simulated service level per interval with its confidence band and the target.",
            &plot::render_svg(&ServiceChart::new(&sc.name, series.to_vec()))?,
        ),
        _ => {
            let _ = writeln!(
                h,
                "<figure id=\"{}\" class=\"missing\"><figcaption>Service level: needs the \
                 simulator's output, which this report was not given.</figcaption></figure>",
                CHART_IDS[3]
            );
        }
    }
    h.push_str("</section>\n");

    people(&mut h, sc, roster);
    let _ = writeln!(
        h,
        "<footer>Written by roster {} from the scenario and roster files; rule IDs as in \
         RULES.md.</footer>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION")
    );
    Ok(h)
}

fn figure(h: &mut String, id: &str, caption: &str, svg: &str) {
    let _ = writeln!(
        h,
        "<figure id=\"{id}\">\n{svg}\n<figcaption>{}</figcaption>\n</figure>",
        esc(caption)
    );
}

/// Each person's month: one row per person with counts and a cell per day.
fn people(h: &mut String, sc: &Scenario, roster: &Roster) {
    let mut cell: HashMap<(usize, usize), usize> = HashMap::new();
    for a in &roster.assignments {
        if let (Some(i), Some(d), Some(k)) = (
            sc.staff_by_id(&a.staff),
            sc.month.day_index(a.date),
            sc.shift_by_code(&a.shift),
        ) {
            cell.insert((i, d), k);
        }
    }
    h.push_str(
        "<section id=\"people\"><h2>Each person's month</h2>\n<div class=\"scroll\">\
         <table class=\"month\">\n<tr><th>person</th><th>team</th><th>grade</th>\
         <th>shifts</th><th>nights</th><th>wkend</th><th>hol</th>",
    );
    for d in sc.month_dates() {
        let class = match sc.day_type(d) {
            DayType::Holiday => " class=\"hol\"",
            DayType::Weekend => " class=\"wkend\"",
            DayType::Weekday => "",
        };
        let _ = write!(
            h,
            "<th{class}>{}<br>{}</th>",
            d.day(),
            crate::plot::weekday_name(sc, d)
        );
    }
    h.push_str("</tr>\n");
    let rows = fairness_rows(sc, roster);
    for r in &rows {
        let i = r.staff;
        let p = &sc.staff[i];
        let team = p.team.map(|t| sc.teams[t].code.as_str()).unwrap_or("–");
        let _ = write!(
            h,
            "<tr><th class=\"name\">{}</th><td>{}</td><td>{}</td><td>{} <small>({}–{})</small></td>\
             <td>{}</td><td>{}</td><td>{}</td>",
            esc(&crate::report::person_label(sc, i)),
            esc(team),
            p.grade.name(),
            r.shifts,
            p.min_shifts,
            p.max_shifts,
            r.nights,
            r.weekends,
            r.holidays
        );
        for d in 0..sc.days() {
            match cell.get(&(i, d)) {
                Some(&k) => {
                    let bg = crate::plot::shift_colour(sc, k);
                    let fg = crate::plot::ink_on(bg);
                    let _ = write!(
                        h,
                        "<td class=\"s\" style=\"background:#{:02x}{:02x}{:02x};color:#{:02x}{:02x}{:02x}\">{}</td>",
                        bg.0,
                        bg.1,
                        bg.2,
                        fg.0,
                        fg.1,
                        fg.2,
                        esc(&sc.shifts[k].code)
                    );
                }
                None if sc.approved_leave_on(i, sc.date(d)).is_some() => {
                    h.push_str("<td class=\"leave\">假</td>");
                }
                None => h.push_str("<td class=\"off\">·</td>"),
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table></div></section>\n");
}

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = "
body{font-family:system-ui,'Noto Sans CJK SC','PingFang SC','Microsoft YaHei','WenQuanYi Micro Hei',sans-serif;
 margin:24px auto;max-width:1450px;padding:0 16px;color:#222}
h1{font-size:1.6em;margin:0 0 .6em}
h2{font-size:1.25em;border-bottom:2px solid #3c3c46;padding-bottom:4px;margin-top:1.6em}
table{border-collapse:collapse;font-size:14px}
.kv th{text-align:left;padding:3px 16px 3px 0;color:#555;font-weight:600;vertical-align:top}
.kv td{padding:3px 0}
.grid th,.grid td{border:1px solid #ccc;padding:3px 8px;text-align:left}
.ok{color:#2e7d32;font-weight:600}
.bad{color:#d62728;font-weight:600}
figure{margin:1em 0 2em;page-break-inside:avoid}
figure svg{max-width:100%;height:auto;display:block}
figcaption{color:#555;font-size:13px;margin-top:4px}
figure.missing{border:1px dashed #aaa;padding:16px;background:#fafafa}
.scroll{overflow-x:auto}
.month th,.month td{border:1px solid #ddd;padding:2px 4px;text-align:center;font-size:12px;white-space:nowrap}
.month th.name{text-align:right;font-weight:normal}
.month th.wkend{background:#eeeef4}.month th.hol{background:#fde8d0}
.month td.leave{background:#c8c8c8}.month td.off{color:#bbb}
footer{margin-top:2em;color:#888;font-size:12px}
@media print{body{margin:0;max-width:none}.scroll{overflow:visible}}
";
