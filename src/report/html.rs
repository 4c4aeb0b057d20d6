//! `roster report`: one self-contained HTML page a department head can hand on — summary,
//! rule check, the charts inline as SVG, and each person's month. No scripts, no external
//! files, so it opens offline and prints.

use super::num;
use crate::model::{DayType, Roster, Scenario, SolverInfo, format_clock};
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
    let coverage = CoverageChart::new(sc, roster, None);

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
    summary_section(&mut h, sc, roster, &violations, &coverage, service);
    rule_check_section(&mut h, sc, roster, &violations);
    charts_section(&mut h, sc, roster, &coverage, service)?;
    people(&mut h, sc, roster);
    let _ = writeln!(
        h,
        "<footer>Written by roster {} from the scenario and roster files; rule IDs as in \
         RULES.md.</footer>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION")
    );
    Ok(h)
}

/// Summary: what fails comes first, worst first; green only when nothing fails. Then the
/// month at a glance, one key-value row each.
fn summary_section(
    h: &mut String,
    sc: &Scenario,
    roster: &Roster,
    violations: &[rules::Violation],
    coverage: &CoverageChart,
    service: Option<&[ServiceSeries]>,
) {
    let breakdown = solve::evaluate(sc, roster);
    let short: u32 = coverage.cells().iter().map(|c| c.short()).sum();
    h.push_str("<section id=\"summary\"><h2>Summary</h2>\n");
    let fails = failures(sc, violations, coverage, service);
    verdict(h, &fails, service.is_some_and(|s| !s.is_empty()));
    h.push_str("<table class=\"kv\">\n");
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
            .map(|s| format!("{}{}", s.caption(), if s.night { " (night)" } else { "" }))
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
    kv(
        "service",
        match service {
            Some(series) if !series.is_empty() => {
                let below: usize = series.iter().map(|s| s.below_target()).sum();
                let all: usize = series.iter().map(|s| s.points.len()).sum();
                if below == 0 {
                    format!(
                        "<span class=\"ok\">every one of {all} simulated intervals meets its target</span>"
                    )
                } else {
                    format!(
                        "<span class=\"bad\">{below} of {all} simulated intervals below target</span>"
                    )
                }
            }
            _ => "not simulated (no [traffic] table and no service levels given)".into(),
        },
    );
    if let Some(s) = &roster.solver {
        let (key, value) = solver_line(s, roster, violations, breakdown.total());
        kv(key, value);
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
}

/// Rule check: every broken roster rule, one row per violation, or the count of what held.
fn rule_check_section(
    h: &mut String,
    sc: &Scenario,
    roster: &Roster,
    violations: &[rules::Violation],
) {
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
        for v in violations {
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
                esc(v.rule.as_str()),
                esc(&who),
                v.date.map(|d| d.to_string()).unwrap_or_default(),
                esc(v.shift.as_deref().unwrap_or("")),
                esc(&v.message)
            );
        }
        h.push_str("</table>\n");
    }
    h.push_str("</section>\n");
}

/// Charts, inline SVG so text stays sharp, searchable and UTF-8.
fn charts_section(
    h: &mut String,
    sc: &Scenario,
    roster: &Roster,
    coverage: &CoverageChart,
    service: Option<&[ServiceSeries]>,
) -> Result<(), PlotError> {
    h.push_str("<section id=\"charts\"><h2>Charts</h2>\n");
    figure(
        h,
        CHART_IDS[0],
        "Seats required and rostered per day, shift and seat type; shortfalls in red.",
        &plot::render_svg(coverage)?,
    );
    figure(
        h,
        CHART_IDS[1],
        "The month by person, grouped by team: colour is the shift, grey 假 approved leave, \
         a black frame a shift taken or returned in a swap.",
        &plot::render_svg(&RosterChart::new(sc, roster))?,
    );
    figure(
        h,
        CHART_IDS[2],
        "Night, weekend and holiday shifts per person; the spreads are what the objective \
         keeps small.",
        &plot::render_svg(&FairnessChart::new(sc, roster))?,
    );
    match service {
        Some(series) if !series.is_empty() => figure(
            h,
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

    Ok(())
}

/// The saved solver block is shown as the solver's word only while it is still true of this
/// roster: no swaps since, every rule holds, and the objective recomputed here is the one
/// the solver reported. Otherwise the page says the roster changed after solving and gives
/// what is true now, without the solver's status.
fn solver_line(
    s: &SolverInfo,
    roster: &Roster,
    violations: &[rules::Violation],
    objective_now: f64,
) -> (&'static str, String) {
    let same_objective = (s.objective - objective_now).abs() <= 1e-6 * s.objective.abs().max(1.0);
    if roster.swaps.is_empty() && violations.is_empty() && same_objective {
        return (
            "solver (as solved)",
            esc(&format!(
                "{}, objective {}, bound {}, {:.1} s",
                s.status,
                num(s.objective),
                num(s.bound),
                s.seconds
            )),
        );
    }
    let how = if roster.swaps.is_empty() {
        "by hand or by a leave repair".to_string()
    } else {
        format!("by {} swap(s), perhaps more", roster.swaps.len())
    };
    let check = if violations.is_empty() {
        "every roster rule holds".to_string()
    } else {
        format!("it has {} rule violation(s)", violations.len())
    };
    (
        "solver",
        format!(
            "<span class=\"note\">changed after solving</span> {}: the solver's roster had \
             objective {} (bound {}); this roster's objective is {} and {}",
            esc(&how),
            num(s.objective),
            num(s.bound),
            num(objective_now),
            esc(&check)
        ),
    )
}

/// What fails in a roster, one line per rule, service line or the under-cover, in the order
/// a head should act: broken rules, then service below target, then seats short; within
/// each, the largest count first.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub kind: FailureKind,
    /// How much fails: violations of the rule, intervals below target, seat-shifts short.
    pub count: usize,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FailureKind {
    RuleBroken,
    ServiceBelowTarget,
    UnderCover,
}

impl FailureKind {
    pub fn name(self) -> &'static str {
        match self {
            FailureKind::RuleBroken => "rule",
            FailureKind::ServiceBelowTarget => "service",
            FailureKind::UnderCover => "cover",
        }
    }
}

/// Every failure of the roster, worst first (see `Failure`).
pub fn failures(
    sc: &Scenario,
    violations: &[rules::Violation],
    coverage: &CoverageChart,
    service: Option<&[ServiceSeries]>,
) -> Vec<Failure> {
    let mut out = Vec::new();
    let mut by_rule: Vec<(rules::RuleId, Vec<&rules::Violation>)> = Vec::new();
    for v in violations {
        match by_rule.iter_mut().find(|(r, _)| *r == v.rule) {
            Some((_, list)) => list.push(v),
            None => by_rule.push((v.rule, vec![v])),
        }
    }
    for (rule, list) in by_rule {
        out.push(Failure {
            kind: FailureKind::RuleBroken,
            count: list.len(),
            // The rule's own message names the person, day and shift.
            text: format!(
                "{rule} broken {} time(s); first: {}",
                list.len(),
                list[0].message
            ),
        });
    }
    for series in service.unwrap_or_default() {
        let below = series.below_target();
        if below == 0 {
            continue;
        }
        let mut worst: Vec<_> = series
            .points
            .iter()
            .filter(|p| p.mean < series.target)
            .collect();
        worst.sort_by(|a, b| {
            a.mean
                .total_cmp(&b.mean)
                .then(a.start_minute.cmp(&b.start_minute))
        });
        let shown: Vec<String> = worst
            .iter()
            .take(3)
            .map(|p| format!("{} {:.1} %", format_clock(p.start_minute), p.mean * 100.0))
            .collect();
        out.push(Failure {
            kind: FailureKind::ServiceBelowTarget,
            count: below,
            text: format!(
                "service {}: {below} of {} intervals below the {:.0} % target; worst {}",
                series.label,
                series.points.len(),
                series.target * 100.0,
                shown.join(", ")
            ),
        });
    }
    let mut short: Vec<_> = coverage.cells().iter().filter(|c| c.short() > 0).collect();
    let total: u32 = short.iter().map(|c| c.short()).sum();
    if total > 0 {
        short.sort_by_key(|c| std::cmp::Reverse(c.short()));
        let shown: Vec<String> = short
            .iter()
            .take(3)
            .map(|c| {
                format!(
                    "{} {} {} short {}",
                    c.date,
                    sc.shifts[c.shift].code,
                    sc.seats[c.seat].code,
                    c.short()
                )
            })
            .collect();
        out.push(Failure {
            kind: FailureKind::UnderCover,
            count: total as usize,
            text: format!("{total} seat-shift(s) short; worst {}", shown.join(", ")),
        });
    }
    // Stable: ties keep rule order, series order and the cells' order.
    out.sort_by_key(|f| (f.kind, std::cmp::Reverse(f.count)));
    out
}

/// The first thing on the page: what fails, worst first, or one green line when nothing does.
fn verdict(h: &mut String, fails: &[Failure], simulated: bool) {
    if fails.is_empty() {
        let _ = writeln!(
            h,
            "<p id=\"verdict\" class=\"ok\">Nothing fails: every roster rule holds and every \
             seat required is filled{}.</p>",
            if simulated {
                ", and simulated service meets its target in every interval"
            } else {
                " (service was not simulated)"
            }
        );
        return;
    }
    h.push_str(
        "<div id=\"verdict\" class=\"fails\"><p class=\"bad\">What fails, worst first:</p>\n<ol>\n",
    );
    for f in fails {
        let _ = writeln!(
            h,
            "<li class=\"bad\" data-kind=\"{}\" data-count=\"{}\">{}</li>",
            f.kind.name(),
            f.count,
            esc(&f.text)
        );
    }
    h.push_str("</ol></div>\n");
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
            // What ROSTER-LOAD asks: leave days count toward the minimum.
            sc.min_shifts_due(i),
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
.note{color:#8a5a00;font-weight:600}
#verdict.fails{border-left:4px solid #d62728;padding:2px 12px;margin:0 0 1em}
#verdict ol{margin:.3em 0}
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
