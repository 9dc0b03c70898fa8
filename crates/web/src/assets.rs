//! The stylesheet, the script and the icon, compiled into the binary and
//! served with a long cache lifetime under a versioned path.

use axum::http::header;
use axum::response::IntoResponse;

use super::routes::{RouteTable, get};

pub const CSS: &str = include_str!("../assets/kith.css");
pub const JS: &str = include_str!("../assets/kith.js");
pub const ICON: &str = include_str!("../assets/icon.svg");

/// Changes with every release, so browsers fetch new assets after an upgrade.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub fn routes() -> RouteTable {
    RouteTable::new()
        .route("/assets/{version}/kith.css", get(css))
        .route("/assets/{version}/kith.js", get(js))
        .route("/favicon.svg", get(icon))
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
