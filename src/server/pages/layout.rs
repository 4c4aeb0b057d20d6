//! The frame every page shares: head, style, the bar with who is logged in.

use crate::store::User;
use maud::{DOCTYPE, Markup, PreEscaped, html};

const STYLE: &str = r#"
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", sans-serif; margin: 0; color: #222; }
header { background: #263238; color: #fff; padding: .5em 1em; display: flex; gap: 1.2em; align-items: center; flex-wrap: wrap; }
header a { color: #fff; }
header form { margin: 0; }
main { padding: 1em; }
table.grid { border-collapse: collapse; font-size: 12px; }
table.grid th, table.grid td { border: 1px solid #ccc; padding: 1px 3px; text-align: center; white-space: nowrap; }
table.grid td.who { text-align: left; }
table.grid th.holiday { background: #ffcdd2; }
table.grid th.weekend { background: #eceff1; }
table.grid tr.team th { background: #455a64; color: #fff; text-align: left; }
td.leave { background: #c8c8c8; }
td.cell a { color: inherit; text-decoration: none; display: block; }
td[data-marked] { outline: 3px solid #d50000; outline-offset: -3px; }
.ok { color: #1b5e20; } .bad { color: #b71c1c; }
.why { font-size: 1.1em; padding: .6em; background: #fff3e0; border-left: 4px solid #e65100; }
table.verdict td, table.verdict th, table.list td, table.list th { border-bottom: 1px solid #ddd; padding: 3px 8px; text-align: left; }
table.verdict, table.list { border-collapse: collapse; }
.legend span { display: inline-block; padding: 1px 6px; margin-right: 4px; }
form.inline { display: inline; }
label { margin-right: 1em; }
.charts svg { max-width: 100%; height: auto; display: block; margin-bottom: 1em; }
"#;

fn head(title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            title { (title) " · roster" }
            style { (PreEscaped(STYLE)) }
        }
    }
}

/// A page with no user (login, errors).
pub fn bare(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            (head(title))
            body { main { (body) } }
        }
    }
}

/// A page for a logged-in user; `csrf` goes into the logout form.
pub fn page(title: &str, user: &User, month: Option<&str>, csrf: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            (head(title))
            body {
                header {
                    strong { "排班 roster" }
                    @if let Some(m) = month {
                        a href={ "/months/" (m) } { "Month 月表 " (m) }
                        @if let Some(s) = &user.staff_id {
                            a href={ "/months/" (m) "/people/" (s) } { "My month 我的排班" }
                        }
                        a href={ "/months/" (m) "/requests" } { "Requests 申请" }
                        a href={ "/months/" (m) "/charts" } { "Charts 图表" }
                        @if user.role == crate::store::Role::Head {
                            a href={ "/months/" (m) "/next" } id="next-month" { "Next month 下月排班" }
                        }
                    }
                    span { (user.login) " (" (user.role.name()) ")" }
                    form method="post" action="/logout" {
                        input type="hidden" name="csrf" value=(csrf);
                        button type="submit" { "Log out 退出" }
                    }
                }
                main { h1 { (title) } (body) }
            }
        }
    }
}

/// The hidden field every state-changing form carries.
pub fn csrf_field(csrf: &str) -> Markup {
    html! { input type="hidden" name="csrf" value=(csrf); }
}
