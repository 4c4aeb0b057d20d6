//! Who is asking: the session (a cookie, HttpOnly and SameSite=Strict, kept by
//! tower-sessions in the database) names the account; every state-changing request must
//! also carry the CSRF token (axum_csrf, signed double-submit: the secret in the encrypted
//! `roster_csrf` cookie, its HMAC in the `X-CSRF-Token` header or a `csrf` form field).

use super::AppState;
use super::error::{ApiError, PageError};
use crate::store::User;
use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, Request};
use axum::http::{Method, StatusCode, header, request::Parts};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_csrf::{CsrfConfig, CsrfToken, Key};
use tower_sessions::Session;

const USER_KEY: &str = "user_id";
/// The form fields of a page are small; a larger body is not a form of ours.
const FORM_LIMIT: usize = 64 * 1024;

/// The logged-in account; a route taking it answers 401 without a session.
pub struct CurrentUser(pub User);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(|(_, m)| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, m))?;
        let id: Option<i64> = session.get(USER_KEY).await?;
        let Some(id) = id else {
            return Err(ApiError::unauthorized());
        };
        match state.store.user(id).await? {
            Some(u) => Ok(CurrentUser(u)),
            None => Err(ApiError::unauthorized()),
        }
    }
}

/// The same for pages: without a session, the login page.
pub struct PageUser(pub User);

impl FromRequestParts<AppState> for PageUser {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        Ok(PageUser(
            CurrentUser::from_request_parts(parts, state).await?.0,
        ))
    }
}

/// Logs `user` in on this session: a fresh session ID, so a session fixed before login
/// is not the one that carries the account.
pub async fn start_session(session: &Session, user: &User) -> Result<(), ApiError> {
    session.cycle_id().await?;
    session.insert(USER_KEY, user.id).await?;
    Ok(())
}

/// The token a page puts in its forms and the API returns at login: axum_csrf's HMAC of
/// the secret held in the browser's encrypted CSRF cookie.
pub fn csrf_token(token: &CsrfToken) -> Result<String, ApiError> {
    token.authenticity_token().map_err(|e| {
        eprintln!("roster serve: csrf: {e}");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "CSRF token failed")
    })
}

/// The CSRF settings: the cookie `roster_csrf` (HttpOnly, SameSite=Strict, encrypted with a
/// key kept in the database, so a restart or a second process accepts the same tokens).
pub async fn csrf_config(
    store: &crate::store::Store,
) -> Result<CsrfConfig, crate::store::StoreError> {
    let key = store.server_secret("csrf_cookie_key", 64).await?;
    let salt = store.server_secret("csrf_hmac_salt", 32).await?;
    let salt: String = salt.iter().map(|b| format!("{b:02x}")).collect();
    Ok(CsrfConfig::default()
        .with_cookie_name("roster_csrf")
        .with_http_only(true)
        .with_cookie_same_site(axum_csrf::SameSite::Strict)
        // Served on 127.0.0.1 over plain HTTP by default; a proxy in front adds TLS.
        .with_secure(false)
        .with_lifetime(tower_sessions::cookie::time::Duration::hours(10))
        .with_key(Some(Key::from(&key)))
        .with_salt(salt))
}

pub async fn end_session(session: &Session) -> Result<(), ApiError> {
    session.flush().await?;
    Ok(())
}

#[derive(serde::Deserialize)]
struct CsrfField {
    csrf: Option<String>,
}

/// Refuses every request that could change state (anything but GET and HEAD) unless it
/// carries this session's CSRF token. Logging in is the one exception: it has no session
/// yet, and the SameSite=Strict cookie it sets cannot be ridden cross-site.
pub async fn csrf_guard(session: Session, token: CsrfToken, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD)
        || matches!(req.uri().path(), "/api/login" | "/login")
    {
        return next.run(req).await;
    }
    let api = req.uri().path().starts_with("/api/");
    let refuse = |e: ApiError| {
        if api {
            e.into_response()
        } else {
            PageError(e).into_response()
        }
    };
    match session.get::<i64>(USER_KEY).await {
        Ok(Some(_)) => {}
        Ok(None) => return refuse(ApiError::unauthorized()),
        Err(e) => return refuse(e.into()),
    }
    let header_token = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    let (req, given) = match header_token {
        Some(t) => (req, Some(t)),
        None if is_form => {
            let (parts, body) = req.into_parts();
            let Ok(bytes) = to_bytes(body, FORM_LIMIT).await else {
                return refuse(ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "form too large",
                ));
            };
            let field = serde_urlencoded::from_bytes::<CsrfField>(&bytes)
                .ok()
                .and_then(|f| f.csrf);
            (Request::from_parts(parts, Body::from(bytes)), field)
        }
        None => (req, None),
    };
    match given {
        Some(t) if token.verify(&t).is_ok() => next.run(req).await,
        _ => refuse(ApiError::new(
            StatusCode::FORBIDDEN,
            "missing or wrong CSRF token: send the session's token in X-CSRF-Token (or the csrf form field)",
        )),
    }
}
