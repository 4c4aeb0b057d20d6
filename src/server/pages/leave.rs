//! Leave on a page: filing it, the LEAVE-* verdict and, for the approver LEAVE-APPROVER
//! names, the repair preview — the roster as the leave repair would leave it, the past
//! kept, the changed cells marked — before they sign.

use super::layout::csrf_field;
use super::requests::verdict;
use super::{PageResult, grid, render, repair_options};
use crate::server::AppState;
use crate::server::auth::{PageUser, csrf_token};
use crate::store::leave::LeavePreview;
use crate::store::months::month_key;
use crate::store::{LeaveInput, LeaveRecord, LeaveState, MonthState, Role, User};
use crate::whatif::{self, Repair, RepairError};
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use axum_csrf::CsrfToken;
use maud::{Markup, html};
use serde::Deserialize;

#[derive(Deserialize)]
pub(super) struct LeaveForm {
    staff: String,
    from: String,
    to: String,
    kind: String,
    #[serde(default)]
    certificate: Option<String>,
    #[serde(default)]
    emergency: Option<String>,
}

pub(super) async fn propose_leave(
    State(st): State<AppState>,
    PageUser(u): PageUser,
    Path(month): Path<String>,
    Form(f): Form<LeaveForm>,
) -> PageResult {
    let input = LeaveInput {
        staff: f.staff,
        from: f.from,
        to: f.to,
        kind: f.kind,
        requested_at: None,
        certificate: f.certificate.is_some(),
        emergency: f.emergency.is_some(),
    };
    let (r, _) = st
        .store
        .propose_leave(&month_key(&month)?, &u, &input)
        .await?;
    Ok(Redirect::to(&format!("/leave/{}", r.id)).into_response())
}

/// Whether `user` is the one LEAVE-APPROVER sends this request to, and it waits for them.
pub(crate) fn signs(r: &LeaveRecord, user: &User) -> bool {
    let approver_role = (r.approver == "dept_head").then_some(Role::Head);
    r.state == LeaveState::Proposed && approver_role == Some(user.role)
}

pub(super) async fn leave_page(
    State(st): State<AppState>,
    PageUser(u): PageUser,
    token: CsrfToken,
    Path(id): Path<i64>,
) -> PageResult {
    let r = st.store.leave_request(id).await?;
    let csrf = csrf_token(&token)?;
    // Only the approver sees the preview: it is a solve, and only they act on it.
    let preview = if signs(&r, &u) {
        Some(st.store.preview_leave(id, &repair_options()).await?)
    } else {
        None
    };
    let body = page_body(&r, preview.as_ref(), &csrf);
    render(
        token,
        &u,
        &format!("Leave 请假 #{id}"),
        Some(&r.month.clone()),
        body,
    )
}

pub(super) async fn approve_leave(
    State(st): State<AppState>,
    PageUser(u): PageUser,
    Path(id): Path<i64>,
) -> PageResult {
    st.store.approve_leave(id, &u, &repair_options()).await?;
    Ok(Redirect::to(&format!("/leave/{id}")).into_response())
}

fn page_body(r: &LeaveRecord, preview: Option<&LeavePreview>, csrf: &str) -> Markup {
    let rules: Vec<(&'static str, &'static str)> = whatif::leave_rules()
        .iter()
        .map(|r| (r.id().as_str(), r.summary()))
        .collect();
    // The approver sees the verdict on the version they would sign; others the stored one.
    let violations = match preview {
        Some(p) => serde_json::to_value(&p.outcome.violations).expect("serialisable"),
        None => r.violations.clone(),
    };
    let repaired = preview.and_then(|p| p.repair.as_ref().map(|rep| (p, rep)));
    html! {
        p id="leave-state" { "State 状态: " strong { (r.state.name()) } " · judged on version " (r.judged_version)
            @if let Some(v) = r.applied_version { " · applied as version " (v) } }
        p { (r.staff) " " (r.kind) " " (r.from) " … " (r.to) " · asked " (r.requested_at)
            " · goes to 审批人: " strong { (r.approver) } " (LEAVE-APPROVER)" }
        @if let Some(why) = &r.reason { p.why { (why) } }
        h2 { "Verdict 判定, rule by rule" }
        (verdict(&rules, &violations))
        @match repaired {
            Some((p, Ok(rep))) => {
                (repair_preview(&p.state, rep))
                form method="post" action={ "/leave/" (r.id) "/approve" } {
                    (csrf_field(csrf))
                    button id="approve-leave" { "Approve and apply this roster 批准并采用此排班" }
                }
            },
            Some((_, Err(RepairError::Blocked(d)))) => {
                p.why id="repair-blocked" { "No roster keeps every rule with this leave granted 无法在满足全部规则下调整: " (d.to_string()) }
            },
            Some((_, Err(RepairError::Solve(e)))) => { p.why { "The repair failed 调整失败: " (e.to_string()) } },
            None => {
                @if preview.is_some() { p.why { "A LEAVE-* rule rejects this leave on the current version; approving would refuse it." } }
            },
        }
        @if r.state == LeaveState::Proposed && r.approver != "dept_head" {
            p { "Leave over one day goes to the centre director, who has no account here." }
        }
        p { a href={ "/months/" (r.month) } { "Back to the month 返回月表" } }
    }
}

/// What a changed cell holds after the repair: its shifts, the leave it grants, or off.
fn after_label(repaired: &MonthState, c: &crate::whatif::repair::Change) -> String {
    let sc = &repaired.scenario;
    let on_leave = sc
        .staff_by_id(&c.staff)
        .is_some_and(|i| sc.approved_leave_on(i, c.date).is_some());
    match (c.to.is_empty(), on_leave) {
        (false, _) => c.to.join("+"),
        (true, true) => "假 leave".to_owned(),
        (true, false) => "off".to_owned(),
    }
}

/// The repaired month with every changed cell marked, and the changes as a list.
fn repair_preview(m: &MonthState, rep: &Repair) -> Markup {
    let mut repaired = MonthState {
        roster: rep.roster.clone(),
        ..m.clone()
    };
    // The repaired roster records the leave it grants: show those days as leave (假), as the
    // month will show them once approved, not as days off.
    rep.roster.grant_leave_to(&mut repaired.scenario);
    let marks: Vec<(String, chrono::NaiveDate)> = rep
        .changes
        .iter()
        .map(|c| (c.staff.clone(), c.date))
        .collect();
    html! {
        h2 { "Repair preview 调整预览 (version " (m.version) " repaired)" }
        p id="repair-summary" {
            // The headline counts the rows below (a person on a day); a shift that moves
            // within one day is one row but two assignments (one removed, one added).
            strong { (rep.changes.len()) } " changed days 天次变动"
            " · " (rep.changed_cells) " shift assignments added or removed"
            " · lower bound " (format!("{:.0}", rep.bound))
            @if let Some(t) = rep.frozen_before { " · shifts before " (t.format("%Y-%m-%d %H:%M")) " kept as rostered 已过去的班次不变" }
        }
        table.list id="repair-changes" {
            tr { th { "who 人员" } th { "date 日期" } th { "before 原" } th { "after 新" } }
            @for c in &rep.changes {
                tr data-staff=(c.staff) data-date=(c.date) {
                    td { (c.name) " " (c.staff) } td { (c.date) }
                    td { (if c.from.is_empty() { "off".to_owned() } else { c.from.join("+") }) }
                    td { (after_label(&repaired, c)) }
                }
            }
        }
        (grid::month_grid(&repaired, None, &marks))
    }
}
