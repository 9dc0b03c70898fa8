//! The stylesheet, the script and the icon, compiled into the binary and
//! served with a long cache lifetime under a versioned path; and what makes
//! Kith an installable web app: the manifest, its icons, and the service
//! worker (`assets/sw.js`), which keeps the dashboard and the contact pages
//! readable offline.

use std::sync::LazyLock;

use axum::http::header;
use axum::response::IntoResponse;

use super::routes::{RouteTable, get};

pub const CSS: &str = include_str!("../assets/kith.css");
pub const JS: &str = include_str!("../assets/kith.js");
pub const ICON: &str = include_str!("../assets/icon.svg");
const MANIFEST: &str = include_str!("../assets/manifest.webmanifest");
const ICON_192: &[u8] = include_bytes!("../assets/icon-192.png");
const ICON_512: &[u8] = include_bytes!("../assets/icon-512.png");
const ICON_MASKABLE: &[u8] = include_bytes!("../assets/icon-maskable-512.png");

/// The service worker, naming this release's asset paths.
static SERVICE_WORKER: LazyLock<String> =
    LazyLock::new(|| include_str!("../assets/sw.js").replace("__KITH_VERSION__", VERSION));

/// Changes with every release, so browsers fetch new assets after an upgrade.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub fn routes() -> RouteTable {
    RouteTable::new()
        .route("/assets/{version}/kith.css", get(css))
        .route("/assets/{version}/kith.js", get(js))
        .route("/favicon.svg", get(icon))
        .route("/manifest.webmanifest", get(manifest))
        .route("/sw.js", get(service_worker))
        .route("/icons/icon-192.png", get(|| png(ICON_192)))
        .route("/icons/icon-512.png", get(|| png(ICON_512)))
        .route("/icons/icon-maskable-512.png", get(|| png(ICON_MASKABLE)))
}

const CACHE: &str = "public, max-age=31536000, immutable";

async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, CACHE),
        ],
        CSS,
    )
}

async fn js() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, CACHE),
        ],
        JS,
    )
}

async fn icon() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        ICON,
    )
}

async fn manifest() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "application/manifest+json"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        MANIFEST,
    )
}

/// Always asked again, so a new release's worker takes over at once.
async fn service_worker() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        SERVICE_WORKER.as_str(),
    )
}

async fn png(bytes: &'static [u8]) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        bytes,
    )
}
