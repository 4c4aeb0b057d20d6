//! The month as people read it: the grid by team (shift colours, leave, events, holidays,
//! each person's count) and one person's month.

use crate::model::{DayType, Scenario};
use crate::plot::{ink_on, shift_colour};
use crate::report::staff_order;
use crate::store::MonthState;
use chrono::{Datelike, NaiveDate};
use maud::{Markup, html};

const WEEKDAYS: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];

/// What a person does on a day, for a cell.
pub enum Cell {
    Off,
    Leave,
    Shift(usize),
}

pub fn cells(m: &MonthState) -> Vec<Vec<Cell>> {
    let sc = &m.scenario;
    let grid = m.roster.shift_grid(sc);
    (0..sc.staff.len())
        .map(|i| {
            (0..sc.days())
                .map(|d| {
                    if let Some(k) = grid[i][d] {
                        Cell::Shift(k)
                    } else if sc.approved_leave_on(i, sc.date(d)).is_some() {
                        Cell::Leave
                    } else {
                        Cell::Off
                    }
                })
                .collect()
        })
        .collect()
}

fn colour_style(sc: &Scenario, k: usize) -> String {
    let bg = shift_colour(sc, k);
    let ink = ink_on(bg);
    format!(
        "background:#{:02x}{:02x}{:02x};color:#{:02x}{:02x}{:02x}",
        bg.0, bg.1, bg.2, ink.0, ink.1, ink.2
    )
}

fn day_class(sc: &Scenario, d: NaiveDate) -> &'static str {
    match sc.day_type(d) {
        DayType::Holiday => "holiday",
        DayType::Weekend => "weekend",
        DayType::Weekday => "",
    }
}

pub fn legend(sc: &Scenario) -> Markup {
    html! {
        p.legend {
            @for (k, s) in sc.shifts.iter().enumerate() {
                span style=(colour_style(sc, k)) { (s.code) " " (s.label()) }
            }
            span style="background:#c8c8c8" { "假 leave" }
            span style="background:#ffcdd2" { "holiday 节假日" }
            span { "★ event 会议/培训" }
        }
    }
}

fn header_row(sc: &Scenario) -> Markup {
    html! {
        tr {
            th { "" }
            @for d in sc.month.dates() {
                @let events: Vec<&str> = sc.events.iter().filter(|e| e.date == d).map(|e| e.name.as_str()).collect();
                th class=(day_class(sc, d)) title=(events.join(", ")) {
                    (d.day()) br; (WEEKDAYS[d.weekday().num_days_from_monday() as usize])
                    @if !events.is_empty() { br; "★" }
                }
            }
            th { "班数" }
        }
    }
}

/// The month grid, teams in order; only `team` when given (a team code).
// maud has no statement form: `@let _ = { .. }` is how a template updates its state.
#[allow(clippy::let_unit_value)]
pub fn month_grid(m: &MonthState, team: Option<&str>, mark: &[(String, NaiveDate)]) -> Markup {
    let sc = &m.scenario;
    let cells = cells(m);
    let order = staff_order(sc);
    let team_idx = team.and_then(|c| sc.teams.iter().position(|t| t.code == c));
    let mut last_team = None::<Option<usize>>;
    html! {
        (legend(sc))
        table.grid id="grid" {
            (header_row(sc))
            @for &i in &order {
                @let p = &sc.staff[i];
                @if team_idx.is_none() || p.team == team_idx {
                    @if last_team != Some(p.team) {
                        @let _ = { last_team = Some(p.team); };
                        tr.team { th colspan=(sc.days() + 2) {
                            (p.team.map(|t| format!("{} 班组 {}", sc.teams[t].code, sc.teams[t].name)).unwrap_or_else(|| "no team".into()))
                        } }
                    }
                    tr {
                        td.who { a href={ "/months/" (m.month) "/people/" (p.id) } {
                            @if p.lead { "★" } (p.label()) " " small { (p.id) }
                        } }
                        @for (d, c) in cells[i].iter().enumerate() {
                            @let date = sc.date(d);
                            @let marked = mark.iter().any(|(s, md)| *s == p.id && *md == date);
                            @match c {
                                Cell::Shift(k) => td.cell style=(colour_style(sc, *k)) data-staff=(p.id) data-date=(date) data-marked[marked] {
                                    a href={ "/months/" (m.month) "/cell?staff=" (p.id) "&date=" (date) } title={ (p.label()) " " (date) " " (sc.shifts[*k].label()) } {
                                        @if marked { "▶" } (sc.shifts[*k].code)
                                    }
                                },
                                Cell::Leave => td.leave data-staff=(p.id) data-date=(date) data-marked[marked] { "假" },
                                Cell::Off => td data-staff=(p.id) data-date=(date) data-marked[marked] { @if marked { "▶" } },
                            }
                        }
                        td { (cells[i].iter().filter(|c| matches!(c, Cell::Shift(_))).count()) }
                    }
                }
            }
        }
    }
}

/// One person's month as a list of days.
pub fn person_month(m: &MonthState, staff: usize) -> Markup {
    let sc = &m.scenario;
    let row = &cells(m)[staff];
    let p = &sc.staff[staff];
    html! {
        p {
            "Team 班组 " (p.team.map(|t| sc.teams[t].code.as_str()).unwrap_or("-"))
            " · grade " (p.grade.name()) " · job " (p.job)
            " · " (row.iter().filter(|c| matches!(c, Cell::Shift(_))).count()) " shifts (" (p.min_shifts) "–" (p.max_shifts) ")"
        }
        table.list {
            tr { th { "date 日期" } th { "" } th { "shift 班次" } th { "" } }
            @for (d, c) in row.iter().enumerate() {
                @let date = sc.date(d);
                tr class=(day_class(sc, date)) {
                    td { (date) } td { "周" (WEEKDAYS[date.weekday().num_days_from_monday() as usize]) }
                    @match c {
                        Cell::Shift(k) => {
                            td style=(colour_style(sc, *k)) { (sc.shifts[*k].code) " " (sc.shifts[*k].label()) }
                            td { a href={ "/months/" (m.month) "/cell?staff=" (p.id) "&date=" (date) } { "swap 换班…" } }
                        },
                        Cell::Leave => { td.leave { "假 leave" } td {} },
                        Cell::Off => { td { "休 off" } td {} },
                    }
                }
            }
        }
    }
}
