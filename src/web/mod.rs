//! `kith serve`: the web app, the JSON API and the calendar feed over one
//! store. Pages are rendered on the server (askama); the few scripts and the
//! stylesheet are compiled into the binary. The server keeps no state of its
//! own: sessions, tokens and login throttling live in the database, so
//! several servers can share one PostgreSQL.

mod api;
mod assets;
mod auth;
pub mod config;
mod dav;
mod error;
mod memo;
mod metrics;
mod pages;
mod security;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context as _;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use kith_store::Store;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;

pub use self::config::WebConfig;
use self::metrics::Metrics;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub store: Store,
    pub config: WebConfig,
    pub metrics: Metrics,
    /// Views derived from each user's whole network, between requests.
    pub memo: memo::Memo,
    pub started: Instant,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    pub fn new(store: Store, config: WebConfig) -> AppState {
        AppState(Arc::new(Inner {
            store,
            config,
            metrics: Metrics::default(),
            memo: memo::Memo::default(),
            started: Instant::now(),
        }))
    }
}

/// Every route, with the layers that apply to all of them. The order of
/// layers (outermost last): panics become 500s, bodies are bounded, security
/// headers are set, cross-site state changes are refused, responses are
/// compressed and measured.
pub fn router(state: AppState) -> Router {
    let max_body = state.config.max_body;
    Router::new()
        .merge(pages::routes())
        .nest("/api/v1", api::routes())
        .merge(dav::routes())
        .merge(assets::routes())
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics::render))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::measure,
        ))
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn(security::cross_origin_guard))
        .layer(axum::middleware::from_fn(security::headers))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(CatchPanicLayer::custom(error::panic_response))
        .with_state(state)
}

async fn healthz(state: axum::extract::State<AppState>) -> axum::response::Response {
    use axum::response::IntoResponse;
    match state.store.users().await {
        Ok(_) => "ok\n".into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check failed");
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "database unavailable\n",
            )
                .into_response()
        }
    }
}

/// Binds, prints where to go, and serves until Ctrl-C or SIGTERM.
pub async fn run(
    store: Store,
    config: WebConfig,
    banner: impl FnOnce(SocketAddr),
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .with_context(|| format!("cannot listen on {}", config.bind))?;
    let addr = listener.local_addr()?;
    let app = router(AppState::new(store.clone(), config));
    banner(addr);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await
    .context("the server stopped")?;
    store.close().await;
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
