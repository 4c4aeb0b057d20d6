//! The `Cookie` header a client sends back after a response: every `Set-Cookie` of it, name
//! and value only. The server sets two (the session and the CSRF secret); a client that
//! keeps only the first is refused. Shared by the tests, the serve bench and the load run.

use axum::http::{HeaderMap, header};

pub fn cookie_header(headers: &HeaderMap) -> Option<String> {
    let pairs: Vec<&str> = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|c| c.split(';').next())
        .collect();
    (!pairs.is_empty()).then(|| pairs.join("; "))
}
