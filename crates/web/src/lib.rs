//! `kith serve`: the web app, the JSON API and the calendar feed over one
//! store. Pages are rendered on the server (askama); the few scripts and the
//! stylesheet are compiled into the binary. The server keeps no state of its
//! own: sessions, tokens and login throttling live in the database, so
//! several servers can share one PostgreSQL.

mod api;
mod assets;
mod auth;
mod avatar;
pub mod config;
#[cfg(test)]
mod contrast;
mod dav;
mod error;
mod html;
mod memo;
mod metrics;
pub mod oidc;
mod pages;
mod request_body;
pub mod routes;
mod security;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
pub use axum::Router;
use axum::extract::DefaultBodyLimit;
use kith_store::Store;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;

pub use self::config::WebConfig;
use self::metrics::Metrics;
use self::routes::{RouteTable, get};

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
    /// Wakes this server's mail sender (when mail is set up) so a message
    /// queued by a request goes out at once rather than at the next poll.
    pub mail_wake: Arc<tokio::sync::Notify>,
    /// Talks to sign-in providers and keeps their keys.
    pub oidc: oidc::Client,
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
            mail_wake: Arc::new(tokio::sync::Notify::new()),
            oidc: oidc::Client::new(),
            started: Instant::now(),
        }))
    }
}

/// Every route the server answers, as a table the router is built from
/// (`kith routes` prints its list).
pub fn table() -> RouteTable {
    RouteTable::new()
        .merge(pages::routes())
        .nest("/api/v1", api::routes())
        .merge(dav::routes())
        .merge(assets::routes())
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics::render))
        .fallback(pages::not_found)
}

/// Every route, with the layers that apply to all of them. The order of
/// layers (outermost last): panics become 500s, bodies are bounded in time
/// (between chunks and in total) and size, a response that leaves its body
/// unread says `Connection: close`, security headers are set, cross-site
/// state changes are refused, responses are compressed and measured.
pub fn router(state: AppState) -> Router {
    router_with(state, Vec::new())
}

/// A service another front end answers at one path (the binary mounts MCP
/// at `/mcp`), added to the route table like every route, for every
/// method; kith-web knows nothing of what it is.
pub struct Mounted {
    path: &'static str,
    service: axum::routing::MethodRouter<AppState>,
}

impl Mounted {
    pub fn new<S>(path: &'static str, service: S) -> Mounted
    where
        S: tower::Service<axum::extract::Request, Error = std::convert::Infallible>
            + Clone
            + Send
            + Sync
            + 'static,
        S::Response: axum::response::IntoResponse + 'static,
        S::Future: Send + 'static,
    {
        Mounted {
            path,
            service: axum::routing::any_service(service),
        }
    }
}

/// [`router`] with `mounted` beside the web's own routes, reached with an
/// API bearer token only. Each request carries the token's
/// `kith_app::tokens::ApiAccess` in its extensions, and passes through the
/// same layers as every route (body bounds, cross-site guard, metrics).
pub fn router_with(state: AppState, mounted: Vec<Mounted>) -> Router {
    let max_body = state.config.max_body;
    let mut routes = table();
    for m in mounted {
        let service = m.service.layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::bearer_only,
        ));
        routes = routes.route(m.path, routes::Methods::service(service));
    }
    routes
        .into_router()
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::measure,
        ))
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn(security::cross_origin_guard))
        .layer(axum::middleware::from_fn(security::headers))
        .layer(axum::middleware::from_fn(request_body::guard))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            BODY_TIMEOUT,
        ))
        .layer(CatchPanicLayer::custom(error::panic_response))
        .with_state(state)
}

/// `ok` while the database answers and takes writes; 503 while it cannot
/// be reached or cannot save (a full disk, a read-only file). The write
/// probe commits nothing new; one still waiting for another writer's lock
/// after [`HEALTH_WRITE_WAIT`] counts as healthy (writes are going on).
async fn healthz(state: axum::extract::State<AppState>) -> axum::response::Response {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    if let Err(e) = state.store.users().await {
        tracing::warn!(error = %e, "health check failed");
        return (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response();
    }
    let probe = tokio::time::timeout(HEALTH_WRITE_WAIT, state.store.check_writable()).await;
    match probe {
        Ok(Ok(())) | Err(_) | Ok(Err(kith_store::StoreError::Busy)) => "ok\n".into_response(),
        Ok(Err(e @ kith_store::StoreError::CannotWrite(_))) => {
            tracing::warn!(error = ?e, "health check: the database cannot save");
            (StatusCode::SERVICE_UNAVAILABLE, "database cannot save\n").into_response()
        }
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response()
        }
    }
}

/// How long the health check waits for another writer before it takes the
/// wait itself as a sign of a working database.
const HEALTH_WRITE_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// Binds, prints where to go, and serves until Ctrl-C or SIGTERM, with
/// the mail `sender` (if mail is set up) running beside.
pub async fn run(
    store: Store,
    config: WebConfig,
    sender: Option<kith_app::mail::Sender>,
    banner: impl FnOnce(SocketAddr),
) -> anyhow::Result<()> {
    run_with(store, config, sender, Vec::new(), banner).await
}

/// [`run`] with `mounted` served beside the web's routes, as
/// [`router_with`] says.
pub async fn run_with(
    store: Store,
    config: WebConfig,
    sender: Option<kith_app::mail::Sender>,
    mounted: Vec<Mounted>,
    banner: impl FnOnce(SocketAddr),
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .with_context(|| format!("cannot listen on {}", config.bind))?;
    let addr = listener.local_addr()?;
    let state = AppState::new(store.clone(), config);
    // The mail sender runs beside the server until it stops; a message it
    // is sending is finished first.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let sender = sender
        .map(|sender| tokio::spawn(sender.run(chrono::Utc::now, state.mail_wake.clone(), stopped)));
    let app = router_with(state, mounted);
    banner(addr);
    serve(listener, app).await;
    let _ = stop.send(true);
    if let Some(sender) = sender
        && tokio::time::timeout(DRAIN, sender).await.is_err()
    {
        tracing::warn!("mail: the sender did not stop in time");
    }
    store.close().await;
    Ok(())
}

/// How long a client may take to send a request's headers (also while a
/// kept-alive connection waits for its next request): a client that
/// trickles them in (slowloris) is cut off instead of holding a connection.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a request's body may pause between chunks (its total time is
/// bounded too: `request_body::deadline`).
const BODY_TIMEOUT: Duration = Duration::from_secs(60);
/// How long the requests in flight get to finish after a shutdown signal.
const DRAIN: Duration = Duration::from_secs(10);

/// Accepts connections until Ctrl-C or SIGTERM, each served by hyper's
/// HTTP/1 with a header timeout (`axum::serve` has none), then lets the
/// requests in flight finish.
async fn serve(listener: tokio::net::TcpListener, app: Router) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::server::graceful::GracefulShutdown;
    use hyper_util::service::TowerToHyperService;
    use tower::ServiceExt as _;

    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT);
    let graceful = GracefulShutdown::new();
    let mut signal = std::pin::pin!(shutdown());
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, say: wait rather than spin.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut signal => break,
        };
        let service = app.clone().map_request(
            move |mut request: axum::extract::Request<hyper::body::Incoming>| {
                request
                    .extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                request
            },
        );
        let connection =
            http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, %peer, "connection ended with an error");
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(DRAIN) => {
            tracing::warn!("requests still running after {DRAIN:?}; stopping anyway");
        }
    }
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
