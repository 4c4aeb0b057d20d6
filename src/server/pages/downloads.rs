//! The published month as files: the roster JSON of the contract (the file `solve` writes,
//! which `roster check` and `roster export` read back), its CSV, and the HTML report.

use super::PageResult;
use crate::export::{self, MonthRoster};
use crate::server::AppState;
use crate::server::auth::PageUser;
use crate::server::error::ApiError;
use crate::store::months::month_key;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use maud::{Markup, html};

/// The files a month can be downloaded as; a closed set, named by the last path segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Download {
    RosterJson,
    RosterCsv,
    ReportHtml,
}

impl Download {
    pub const ALL: [Download; 3] = [
        Download::RosterJson,
        Download::RosterCsv,
        Download::ReportHtml,
    ];

    pub fn file_name(self) -> &'static str {
        match self {
            Download::RosterJson => "roster.json",
            Download::RosterCsv => "roster.csv",
            Download::ReportHtml => "report.html",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Download::RosterJson => "application/json",
            Download::RosterCsv => "text/csv; charset=utf-8",
            Download::ReportHtml => "text/html; charset=utf-8",
        }
    }

    fn parse(s: &str) -> Option<Download> {
        Download::ALL.into_iter().find(|d| d.file_name() == s)
    }
}

/// The links on the month page.
pub fn links(month: &str) -> Markup {
    html! {
        p id="downloads" { "Download 下载: "
            @for d in Download::ALL {
                a href={ "/months/" (month) "/download/" (d.file_name()) } download { (d.file_name()) } " "
            }
        }
    }
}

pub(super) async fn download(
    State(st): State<AppState>,
    PageUser(_): PageUser,
    Path((month, file)): Path<(String, String)>,
) -> PageResult {
    let month = month_key(&month)?;
    let kind = Download::parse(&file).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no download `{file}`: roster.json, roster.csv or report.html"),
        )
    })?;
    let m = st.store.current(&month).await?;
    let mr = MonthRoster::new(&m.scenario, &m.roster);
    let body = match kind {
        Download::RosterJson => export::roster_json(&mr),
        Download::RosterCsv => export::roster_csv(&mr),
        // Without a simulation the report's service section says so; the charts page runs one.
        Download::ReportHtml => crate::report::html::report_html(&m.scenario, &m.roster, None)
            .map_err(|e| {
                ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("report: {e}"))
            })?,
    };
    let (stem, ext) = kind.file_name().split_once('.').expect("a dotted name");
    let disposition = format!(
        "attachment; filename=\"{stem}-{month}-v{}.{ext}\"",
        m.version
    );
    Ok((
        [
            (header::CONTENT_TYPE, kind.content_type().to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}
