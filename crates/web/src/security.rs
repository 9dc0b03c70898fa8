//! Response headers every page gets, and the cross-site request guard.
//!
//! CSRF: every state change is a POST (never a GET). Browsers say where a
//! request comes from in `Sec-Fetch-Site` (all current ones) and `Origin`;
//! a POST that a browser marks as cross-site is refused, the algorithm Go
//! 1.25's `CrossOriginProtection` uses. Clients that are not browsers (the
//! API with a bearer token, curl) send neither header and carry no ambient
//! cookie, so they pass. The session cookie is `SameSite=Lax` on top.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

pub async fn headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    response
}

pub async fn cross_origin_guard(request: Request, next: Next) -> Response {
    if is_cross_site_write(request.method(), request.headers()) {
        return (
            StatusCode::FORBIDDEN,
            "cross-site request refused (CSRF protection)\n",
        )
            .into_response();
    }
    next.run(request).await
}

/// Whether a request is a state change that a browser sent from another site.
pub fn is_cross_site_write(method: &Method, headers: &HeaderMap) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    if let Some(site) = headers.get("sec-fetch-site") {
        return !matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        // Neither header: not a browser (or a very old one).
        return false;
    };
    let Some(host) = headers.get(header::HOST) else {
        return true;
    };
    let origin = origin.to_str().unwrap_or_default();
    let origin_host = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .unwrap_or("\u{0}");
    origin_host.as_bytes() != host.as_bytes()
}

/// The client's address: the TCP peer, or the last address a trusted reverse
/// proxy appended to `X-Forwarded-For`.
pub fn client_ip(
    request_headers: &HeaderMap,
    peer: Option<&ConnectInfo<SocketAddr>>,
    trust_proxy: bool,
) -> Option<IpAddr> {
    if trust_proxy
        && let Some(forwarded) = request_headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
        && let Some(last) = forwarded.rsplit(',').next()
        && let Ok(ip) = last.trim().parse()
    {
        return Some(ip);
    }
    peer.map(|c| c.0.ip())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn reads_are_never_refused() {
        let h = headers(&[("sec-fetch-site", "cross-site")]);
        assert!(!is_cross_site_write(&Method::GET, &h));
        assert!(!is_cross_site_write(&Method::HEAD, &h));
    }

    #[test]
    fn cross_site_posts_are_refused_by_fetch_metadata_or_origin() {
        for site in ["cross-site", "same-site"] {
            let h = headers(&[("sec-fetch-site", site)]);
            assert!(is_cross_site_write(&Method::POST, &h), "{site}");
        }
        for site in ["same-origin", "none"] {
            let h = headers(&[("sec-fetch-site", site)]);
            assert!(!is_cross_site_write(&Method::POST, &h), "{site}");
        }
        let foreign = headers(&[("origin", "https://evil.example"), ("host", "kith.example")]);
        assert!(is_cross_site_write(&Method::POST, &foreign));
        let own = headers(&[("origin", "https://kith.example"), ("host", "kith.example")]);
        assert!(!is_cross_site_write(&Method::POST, &own));
        let null = headers(&[("origin", "null"), ("host", "kith.example")]);
        assert!(is_cross_site_write(&Method::DELETE, &null));
        // A script or the CLI: no browser headers at all.
        assert!(!is_cross_site_write(&Method::POST, &HeaderMap::new()));
    }

    #[test]
    fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
        let h = headers(&[("x-forwarded-for", "203.0.113.9, 198.51.100.7")]);
        let peer = ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 9)));
        assert_eq!(
            client_ip(&h, Some(&peer), true),
            Some("198.51.100.7".parse().unwrap())
        );
        assert_eq!(
            client_ip(&h, Some(&peer), false),
            Some("127.0.0.1".parse().unwrap())
        );
    }
}
