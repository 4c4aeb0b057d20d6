//! Swap and leave requests on a page: the candidates for a cell, the verdict rule by rule,
//! both people's weeks before and after, and the buttons the viewer's role allows.

use super::layout::csrf_field;
use crate::model::Scenario;
use crate::store::{LeaveRecord, MonthState, SwapRecord, SwapState, User};
use crate::whatif::{self, Candidate, SwapOutcome};
use chrono::NaiveDate;
use maud::{Markup, html};

pub fn candidates(
    m: &MonthState,
    staff: &str,
    date: NaiveDate,
    list: &[Candidate],
    csrf: &str,
) -> Markup {
    let sc = &m.scenario;
    let others: Vec<&crate::model::Staff> = sc.staff.iter().filter(|p| p.id != staff).collect();
    html! {
        h2 { "Propose a swap 申请换班" }
        form method="post" action={ "/months/" (m.month) "/swaps" } id="swap-form" {
            (csrf_field(csrf))
            input type="hidden" name="staff" value=(staff);
            input type="hidden" name="date" value=(date);
            label { "with 换给 " select name="with" id="swap-with" {
                @for p in &others { option value=(p.id) { (p.label()) " " (p.id) } }
            } }
            label { "return date 还班日期 " input type="date" name="return_date" id="swap-return" min=(sc.month.first_day()) max=(sc.date(sc.days() - 1)); }
            button type="submit" id="swap-submit" { "Judge and propose 判定并提交" }
        }
        h2 { "Who could take it 可换人选 (least disruption first)" }
        @if list.is_empty() {
            p { "Nobody can take this shift under the SWAP-* rules." }
        } @else {
            table.list {
                tr { th { "person" } th { "one-way" } th { "fairness drift" } th { "rest margin h" } th { "return dates 还班" } }
                @for c in list {
                    tr {
                        td { (c.name) " " (c.staff) }
                        td { @if c.one_way { "yes" } @else { "no" } }
                        td { (format!("{:+.1}", c.fairness_drift)) }
                        td { (c.rest_margin_hours.map(|h| format!("{h:.1}")).unwrap_or_else(|| "-".into())) }
                        td { @for r in c.returns.iter().take(6) { (r.date) " " (r.shift) "; " } }
                    }
                }
            }
        }
    }
}

fn violation_rows(v: &serde_json::Value) -> Vec<(String, String)> {
    v.as_array()
        .map(|a| {
            a.iter()
                .map(|x| {
                    (
                        x["rule"].as_str().unwrap_or_default().to_owned(),
                        x["message"].as_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Every rule with a tick or its violations, so a refusal names its rule.
pub fn verdict(rules: &[(&'static str, &'static str)], violations: &serde_json::Value) -> Markup {
    let broken = violation_rows(violations);
    html! {
        table.verdict id="verdict" {
            @for (id, summary) in rules {
                @let mine: Vec<&(String, String)> = broken.iter().filter(|(r, _)| r == id).collect();
                tr data-rule=(id) {
                    td { @if mine.is_empty() { span.ok { "✔" } } @else { span.bad { "✘" } } }
                    th { (id) }
                    td { (summary) @for (_, msg) in &mine { br; span.bad { (msg) } } }
                }
            }
        }
    }
}

fn weeks(o: &SwapOutcome) -> Markup {
    html! {
        table.grid {
            @if let Some(w) = o.weeks.first() {
                tr { th { "" } @for d in &w.dates { th { (d.format("%m-%d")) } } }
            }
            @for w in &o.weeks {
                tr { td.who { (w.name) " before 前" } @for c in &w.before { td { (c) } } }
                tr { td.who { (w.name) " after 后" } @for (i, c) in w.after.iter().enumerate() {
                    td style=[(w.before.get(i) != Some(c)).then_some("background:#fff59d")] { (c) }
                } }
            }
        }
    }
}

fn may_approve(user: &User, sc: &Scenario, r: &SwapRecord) -> bool {
    let mine = user.lead_teams(sc);
    let team = |s: &str| sc.staff_by_id(s).and_then(|i| sc.staff[i].team);
    let a = team(&r.staff).is_some_and(|t| mine.contains(&t)) && r.lead_a_signed.is_none();
    let b = team(&r.with).is_some_and(|t| mine.contains(&t)) && r.lead_b_signed.is_none();
    !r.state.is_final() && r.state != SwapState::Proposed && (a || b)
}

/// A swap request: its state, the verdict, the weeks (as judged now) and the actions.
pub fn swap_page(
    m: &MonthState,
    r: &SwapRecord,
    now: Option<&SwapOutcome>,
    user: &User,
    csrf: &str,
) -> Markup {
    let rules: Vec<(&'static str, &'static str)> = whatif::swap_rules()
        .iter()
        .map(|r| (r.id().as_str(), r.summary()))
        .collect();
    html! {
        p id="swap-state" { "State 状态: " strong { (r.state.name()) } " · judged on version " (r.judged_version)
            @if let Some(v) = r.applied_version { " · applied as version " (v) } }
        p { (r.staff) " gives " (r.date) " to " (r.with)
            @if let Some(d) = &r.return_date { ", takes back " (d) } @else { " (return pending 还班待定)" }
            " · proposed by " (r.proposed_by) }
        p { "Lead of A's team 甲方班长: " (r.lead_a_signed.as_deref().unwrap_or("—"))
            " · lead of B's team 乙方班长: " (r.lead_b_signed.as_deref().unwrap_or("—")) }
        @if let Some(why) = &r.reason { p.why { (why) } }
        h2 { "Verdict 判定, rule by rule" }
        (verdict(&rules, &r.violations))
        @if let Some(o) = now { h2 { "Weeks before and after 前后两周" } (weeks(o)) }
        @if r.state == SwapState::Proposed && user.staff_id.as_deref() == Some(r.with.as_str()) {
            form method="post" action={ "/swaps/" (r.id) "/accept" } { (csrf_field(csrf)) button id="accept" { "Accept 同意换班" } }
        }
        @if may_approve(user, &m.scenario, r) {
            form method="post" action={ "/swaps/" (r.id) "/approve" } { (csrf_field(csrf)) button id="approve" { "Approve 班长签字" } }
        }
        p { a href={ "/months/" (m.month) } { "Back to the month 返回月表" } }
    }
}

pub fn leave_form(m: &MonthState, staff: &str, csrf: &str) -> Markup {
    html! {
        h2 { "Ask for leave 请假" }
        form method="post" action={ "/months/" (m.month) "/leave" } {
            (csrf_field(csrf))
            input type="hidden" name="staff" value=(staff);
            label { "from " input type="date" name="from" required; }
            label { "to " input type="date" name="to" required; }
            label { "kind " select name="kind" {
                option value="personal" { "personal 事假" } option value="special" { "special 特殊事假" }
                option value="sick" { "sick 病假" } option value="annual" { "annual 年假" }
            } }
            label { input type="checkbox" name="certificate" value="true"; " certificate 病假证明" }
            label { input type="checkbox" name="emergency" value="true"; " emergency 急诊" }
            button type="submit" { "Judge and file 判定并提交" }
        }
    }
}

pub fn request_lists(month: &str, swaps: &[SwapRecord], leave: &[LeaveRecord]) -> Markup {
    html! {
        h2 { "Swaps 换班" }
        table.list {
            tr { th { "#" } th { "A" } th { "date" } th { "B" } th { "return" } th { "state" } th { "by" } }
            @for s in swaps {
                tr { td { a href={ "/swaps/" (s.id) } { "#" (s.id) } } td { (s.staff) } td { (s.date) } td { (s.with) }
                     td { (s.return_date.as_deref().unwrap_or("—")) } td { (s.state.name()) } td { (s.proposed_by) } }
            }
        }
        h2 { "Leave 请假" }
        table.list {
            tr { th { "#" } th { "who" } th { "from" } th { "to" } th { "kind" } th { "to approver" } th { "state" } }
            @for l in leave {
                tr { td { a href={ "/leave/" (l.id) } { "#" (l.id) } } td { (l.staff) } td { (l.from) } td { (l.to) }
                     td { (l.kind) } td { (l.approver) } td { (l.state.name()) } }
            }
        }
        (super::downloads::links(month))
    }
}
