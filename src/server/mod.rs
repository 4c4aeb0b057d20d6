//! `roster serve`: the rota in a browser (issue 15). An axum application over the store:
//! a JSON API under `/api/` (docs/api.md) and pages rendered on the server that use the
//! same store calls, so a page and the API cannot disagree.

pub mod api;
pub mod auth;
pub mod demo;
pub mod error;
pub mod jobs;
pub mod pages;

use crate::store::{NativePool, Store};
use axum::Router;
use axum::extract::FromRef;
use axum::middleware::from_fn_with_state;
use axum_csrf::CsrfConfig;
use tower_sessions::cookie::SameSite;
use tower_sessions::cookie::time::Duration;
use tower_sessions::session_store::ExpiredDeletion;
use tower_sessions::{Expiry, SessionManagerLayer, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub csrf: CsrfConfig,
    /// Solves and simulations running in the background, for their progress streams.
    pub jobs: jobs::Jobs,
}

impl FromRef<AppState> for CsrfConfig {
    fn from_ref(st: &AppState) -> CsrfConfig {
        st.csrf.clone()
    }
}

/// How often expired sessions are swept from the database.
const SESSION_SWEEP: std::time::Duration = std::time::Duration::from_secs(300);

/// The whole application; sessions live in the store's database (SQLite or PostgreSQL),
/// so every server process on one database knows every session.
pub async fn app(store: Store) -> Result<Router, crate::store::StoreError> {
    let csrf = auth::csrf_config(&store).await?;
    let state = AppState {
        store: store.clone(),
        csrf,
        jobs: jobs::Jobs::new(store.clone()),
    };
    let routes = Router::new()
        .merge(api::routes())
        .merge(pages::routes())
        .layer(from_fn_with_state(state.clone(), auth::csrf_guard));
    let routes = match store.native_pool().await? {
        NativePool::Sqlite(pool) => {
            let sessions = SqliteStore::new(pool);
            sessions.migrate().await?;
            with_sessions(routes, sessions).await?
        }
        NativePool::Postgres(pool) => {
            let sessions = PostgresStore::new(pool);
            sessions.migrate().await?;
            with_sessions(routes, sessions).await?
        }
    };
    Ok(routes.with_state(state))
}

/// The session layer over `sessions`. Expired sessions are deleted now and then every few
/// minutes, so the table does not grow with every login.
async fn with_sessions<S>(
    routes: Router<AppState>,
    sessions: S,
) -> Result<Router<AppState>, crate::store::StoreError>
where
    S: SessionStore + ExpiredDeletion + Clone,
{
    sessions
        .delete_expired()
        .await
        .map_err(|e| sqlx::Error::Protocol(format!("deleting expired sessions: {e}")))?;
    tokio::spawn(sessions.clone().continuously_delete_expired(SESSION_SWEEP));
    let layer = SessionManagerLayer::new(sessions)
        .with_name("roster_session")
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        // Served on 127.0.0.1 over plain HTTP by default; a proxy in front adds TLS.
        .with_secure(false)
        .with_expiry(Expiry::OnInactivity(Duration::hours(10)));
    Ok(routes.layer(layer))
}

/// Serves until Ctrl-C. Each acknowledged change is committed before its answer is sent,
/// so stopping at any moment loses nothing acknowledged.
pub async fn serve(store: Store, addr: std::net::SocketAddr) -> anyhow::Result<()> {
    let app = app(store).await?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("--addr {addr}: cannot listen: {e}"))?;
    eprintln!(
        "roster serve: listening on http://{}",
        listener.local_addr()?
    );
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
