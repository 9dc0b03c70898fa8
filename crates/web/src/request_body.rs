//! How long a request body may take, and what the client is told about the
//! connection when its body was not read.
//!
//! The idle timeout (`RequestBodyTimeoutLayer`) starts again with each chunk,
//! so a client sending one byte every few seconds would hold a connection
//! forever. Here every body also gets a total deadline, from when its headers
//! arrived: a base allowance plus its declared length at a slow uplink's pace.
//! A body that misses it is answered 408, whatever the handler made of the
//! read error.
//!
//! A handler that answers before reading the body (a 401, a 403, a redirect
//! to sign in) leaves bytes on the connection that hyper will not read, so
//! hyper closes it; the response then says `Connection: close`, so the
//! client knows not to send its next request on it.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hyper::body::{Body as HttpBody, Frame, SizeHint};
use tower_http::timeout::{DeadlineBody, TimeoutError};

/// What every body gets, however short.
const BASE: Duration = Duration::from_secs(20);
/// The slowest pace a declared length is allowed for: 256 KiB a second
/// (about 2 Mbit/s), so the largest import (32 MiB) gets about two minutes.
const BYTES_PER_SECOND: u64 = 256 * 1024;
/// A body without a declared length (chunked) is allowed this much more.
const UNDECLARED: Duration = Duration::from_secs(40);
/// The longest a declared length can buy, whatever it says.
const LONGEST: Duration = Duration::from_secs(300);

/// The total time the body of a request with these headers may take.
pub fn deadline(headers: &HeaderMap) -> Duration {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let extra = match declared {
        Some(length) => Duration::from_secs(length / BYTES_PER_SECOND),
        None => UNDECLARED,
    };
    (BASE + extra).min(LONGEST)
}

/// What became of a body, seen after the handler answered.
#[derive(Default)]
struct Watch {
    /// Read to its end.
    finished: AtomicBool,
    /// Missed its deadline.
    late: AtomicBool,
}

/// The middleware: a deadline on the body, 408 when it is missed, and
/// `Connection: close` when the body was not read to its end.
pub async fn guard(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let has_body = !body.is_end_stream();
    let watch = Arc::new(Watch::default());
    let body = Watched {
        inner: Box::pin(DeadlineBody::new(deadline(&parts.headers), body)),
        watch: watch.clone(),
    };
    let mut response = next.run(Request::from_parts(parts, Body::new(body))).await;
    if watch.late.load(Ordering::Relaxed) {
        response = (
            StatusCode::REQUEST_TIMEOUT,
            "the request body took too long to arrive\n",
        )
            .into_response();
    }
    if has_body && !watch.finished.load(Ordering::Relaxed) {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// A body under a deadline that reports to its [`Watch`].
struct Watched {
    inner: Pin<Box<DeadlineBody<Body>>>,
    watch: Arc<Watch>,
}

impl HttpBody for Watched {
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let polled = self.inner.as_mut().poll_frame(cx);
        match &polled {
            Poll::Ready(None) => self.watch.finished.store(true, Ordering::Relaxed),
            Poll::Ready(Some(Ok(_))) if self.inner.is_end_stream() => {
                self.watch.finished.store(true, Ordering::Relaxed);
            }
            Poll::Ready(Some(Err(e))) if e.is::<TimeoutError>() => {
                self.watch.late.store(true, Ordering::Relaxed);
            }
            _ => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_length(length: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_LENGTH, HeaderValue::from_static(length));
        h
    }

    #[test]
    fn a_body_gets_time_for_its_length_within_bounds() {
        assert_eq!(deadline(&with_length("40")), BASE);
        assert_eq!(
            deadline(&with_length("33554432")),
            BASE + Duration::from_secs(128)
        );
        assert_eq!(deadline(&with_length("99999999999")), LONGEST);
        assert_eq!(deadline(&with_length("nonsense")), BASE + UNDECLARED);
        assert_eq!(deadline(&HeaderMap::new()), BASE + UNDECLARED);
    }
}
