//! Prometheus text exposition at `/metrics`: requests by route, method and
//! status, and their total time, kept in memory per server process.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;

/// (route, method, status). Each comes from a fixed set, so the table stays
/// small whatever clients send: the route is its template (or
/// "unmatched"), the method one of [`METHODS`] or "other".
type Key = (String, &'static str, u16);

/// The methods counted by name: HTTP's own and those CardDAV uses.
const METHODS: [&str; 14] = [
    "GET",
    "HEAD",
    "POST",
    "PUT",
    "DELETE",
    "PATCH",
    "OPTIONS",
    "TRACE",
    "CONNECT",
    "PROPFIND",
    "PROPPATCH",
    "REPORT",
    "MKCOL",
    "MOVE",
];

/// The method's label: its name if it is a known one, else "other".
fn method_label(method: &axum::http::Method) -> &'static str {
    METHODS
        .iter()
        .find(|m| **m == method.as_str())
        .copied()
        .unwrap_or("other")
}

/// Per key: how many requests, and their total seconds.
#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<Key, (u64, f64)>>,
}

pub async fn measure(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = method_label(request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    let seconds = started.elapsed().as_secs_f64();
    let key = (route, method, response.status().as_u16());
    let mut map = state
        .metrics
        .requests
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let entry = map.entry(key).or_default();
    entry.0 += 1;
    entry.1 += seconds;
    response
}

pub async fn render(State(state): State<AppState>) -> Response {
    let mut out = String::new();
    out.push_str("# HELP kith_http_requests_total HTTP requests answered.\n");
    out.push_str("# TYPE kith_http_requests_total counter\n");
    let snapshot: Vec<_> = {
        let map = state
            .metrics
            .requests
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        map.iter().map(|(k, v)| (k.clone(), *v)).collect()
    };
    for ((route, method, status), (count, _)) in &snapshot {
        let _ = writeln!(
            out,
            "kith_http_requests_total{{route=\"{}\",method=\"{method}\",status=\"{status}\"}} {count}",
            escape(route)
        );
    }
    out.push_str("# HELP kith_http_request_seconds_total Time spent answering HTTP requests.\n");
    out.push_str("# TYPE kith_http_request_seconds_total counter\n");
    for ((route, method, status), (_, seconds)) in &snapshot {
        let _ = writeln!(
            out,
            "kith_http_request_seconds_total{{route=\"{}\",method=\"{method}\",status=\"{status}\"}} {seconds}",
            escape(route)
        );
    }
    out.push_str("# HELP kith_uptime_seconds Seconds since this server started.\n");
    out.push_str("# TYPE kith_uptime_seconds gauge\n");
    let _ = writeln!(
        out,
        "kith_uptime_seconds {}",
        state.started.elapsed().as_secs_f64()
    );
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        out,
    )
        .into_response()
}

fn escape(label: &str) -> String {
    label.replace('\\', "\\\\").replace('"', "\\\"")
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Method;

    #[test]
    fn made_up_methods_share_one_label() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(
            method_label(&Method::from_bytes(b"PROPFIND").unwrap()),
            "PROPFIND"
        );
        for made_up in [&b"FOO"[..], b"get", b"XYZZY123"] {
            assert_eq!(method_label(&Method::from_bytes(made_up).unwrap()), "other");
        }
    }
}
