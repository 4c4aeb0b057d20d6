//! Errors as the client sees them: the API answers JSON `{message}` with the status that
//! fits; pages answer an HTML page saying why (a refusal is a 403 page).

use crate::store::StoreError;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// An error of a JSON route.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
        }
    }
    pub fn unauthorized() -> Self {
        ApiError::new(StatusCode::UNAUTHORIZED, "log in first (POST /api/login)")
    }
}

fn status_of(e: &StoreError) -> StatusCode {
    match e {
        StoreError::BadRequest(_) => StatusCode::BAD_REQUEST,
        StoreError::NotFound(_) => StatusCode::NOT_FOUND,
        StoreError::Forbidden(_) => StatusCode::FORBIDDEN,
        StoreError::Conflict(_) => StatusCode::CONFLICT,
        StoreError::Open { .. }
        | StoreError::Db(_)
        | StoreError::Migrate(_)
        | StoreError::Corrupt { .. }
        | StoreError::Hash(_)
        | StoreError::Solve(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        let status = status_of(&e);
        if status.is_server_error() {
            eprintln!("roster serve: {e}");
        }
        ApiError::new(status, e.to_string())
    }
}

impl From<tower_sessions::session::Error> for ApiError {
    fn from(e: tower_sessions::session::Error) -> Self {
        eprintln!("roster serve: session: {e}");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "session store failed")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            axum::Json(serde_json::json!({ "message": self.message })),
        )
            .into_response()
    }
}

/// An error of a page: the same facts, as HTML.
#[derive(Debug)]
pub struct PageError(pub ApiError);

impl<E: Into<ApiError>> From<E> for PageError {
    fn from(e: E) -> Self {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let ApiError { status, message } = self.0;
        if status == StatusCode::UNAUTHORIZED {
            return axum::response::Redirect::to("/login").into_response();
        }
        let title = match status {
            StatusCode::FORBIDDEN => "Not allowed 不允许",
            StatusCode::NOT_FOUND => "Not found 未找到",
            StatusCode::CONFLICT => "Conflict 冲突",
            StatusCode::BAD_REQUEST => "Bad request 请求有误",
            _ => "Error 错误",
        };
        let body = super::pages::layout::bare(
            title,
            maud::html! {
                h1 { (title) }
                p.why { (message) }
                p { a href="/" { "Home 首页" } }
            },
        );
        (status, Html(body.into_string())).into_response()
    }
}
