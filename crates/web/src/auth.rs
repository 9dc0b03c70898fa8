//! Who is asking: server-side sessions for the browser, bearer tokens for the
//! API, and sign-in with throttling.
//!
//! A session is a random 256-bit secret in an `HttpOnly; SameSite=Lax`
//! cookie; the database keeps its SHA-256 only. Sign-in always makes a new
//! session (and ends the one the browser had), so a planted cookie is
//! useless. Failed sign-ins are counted in the database per account and per
//! client address, so the limit holds across several servers.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, Utc};
use kith_app::tokens::api_access;
use kith_auth::totp::TotpSecret;
use kith_auth::{Secret, digest, verify_password};
use kith_core::user::User;
use kith_store::PendingPurpose;

use super::AppState;
use super::error::WebError;
use super::security::client_ip;

pub const SESSION_COOKIE: &str = "kith_session";
/// How far back failed sign-ins count.
pub const FAILURE_WINDOW: Duration = Duration::minutes(15);
/// Failures allowed per account, and per client address, in the window.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 10;
pub const MAX_FAILURES_PER_ADDRESS: i64 = 50;

/// A signed-in browser.
#[derive(Clone)]
pub struct Viewer {
    pub user: User,
}

pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The session behind the request's cookie, if it is live.
pub async fn session(state: &AppState, headers: &HeaderMap) -> Result<Option<Viewer>, WebError> {
    let Some(secret) = cookie_value(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let user = state
        .store
        .session_user(
            &digest(secret),
            state.config.session_idle,
            chrono::Utc::now(),
        )
        .await?;
    Ok(user.map(|user| Viewer { user }))
}

/// Pages: a signed-in user, or a redirect to the sign-in page (or to the
/// first-run setup while there are no users).
impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match session(state, &parts.headers).await {
            Ok(Some(viewer)) => Ok(viewer),
            Ok(None) => {
                let next = parts
                    .uri
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/");
                let to = if next == "/" {
                    "/login".to_owned()
                } else {
                    format!("/login?next={}", urlencode(next))
                };
                Err(Redirect::to(&to).into_response())
            }
            Err(e) => Err(super::pages::PageError(e).into_response()),
        }
    }
}

/// The API: a bearer token, or the browser's session.
#[derive(Clone)]
pub struct ApiUser(pub User);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = super::api::ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
            let token = value
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .ok_or(WebError::Unauthorized)?;
            return match api_access(&state.store, token, chrono::Utc::now()).await? {
                Some(access) if access.read_only && !parts.method.is_safe() => {
                    Err(WebError::Forbidden(READ_ONLY.into()).into())
                }
                Some(access) => Ok(ApiUser(access.user)),
                None => Err(WebError::Unauthorized.into()),
            };
        }
        match session(state, &parts.headers).await? {
            Some(viewer) => Ok(ApiUser(viewer.user)),
            None => Err(WebError::Unauthorized.into()),
        }
    }
}

/// Why a read-only token's write is refused.
const READ_ONLY: &str = "this token can only read; make a full API token to write";

/// What is mounted beside the web's routes (MCP over HTTP): a bearer
/// token only (no session cookie, so no page can be made to call it). The
/// token's [`kith_app::tokens::ApiAccess`] goes into the request's extensions for the mounted
/// service to act on, whether it may write included.
pub async fn bearer_only(
    axum::extract::State(state): axum::extract::State<AppState>,
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let Some(token) = token else {
        return super::api::ApiError(WebError::Unauthorized).into_response();
    };
    match api_access(&state.store, token, chrono::Utc::now()).await {
        Ok(Some(access)) => {
            request.extensions_mut().insert(access);
            next.run(request).await
        }
        Ok(None) => super::api::ApiError(WebError::Unauthorized).into_response(),
        Err(e) => super::api::ApiError(e.into()).into_response(),
    }
}

/// The client's address as the throttling key.
pub fn address_key(
    state: &AppState,
    parts: &HeaderMap,
    peer: Option<&ConnectInfo<SocketAddr>>,
) -> String {
    match client_ip(parts, peer, state.config.trust_proxy) {
        Some(ip) => format!("ip:{ip}"),
        None => "ip:unknown".into(),
    }
}

pub enum SignIn {
    Ok {
        cookie: HeaderValue,
    },
    /// The password was right; a second step comes next, at `to`.
    SecondStep {
        cookie: HeaderValue,
        to: &'static str,
    },
    Refused,
    Throttled {
        retry_after: u64,
    },
}

/// Checks a password with throttling; on success starts a new session and
/// ends `previous`. The same work is done whether or not the account exists.
pub async fn sign_in(
    state: &AppState,
    username: &str,
    password: String,
    address: &str,
    previous: Option<&str>,
    agent: Option<&str>,
) -> Result<SignIn, WebError> {
    let store = &state.store;
    let now = Utc::now();
    // No username holds a control character, and PostgreSQL stores no NUL:
    // such a name is one no account has (U+FFFD), checked like any other.
    let username = &username.replace(kith_core::values::unwritable, "\u{FFFD}");
    let account = account_key(username);
    // Counted before the password is checked, in one step with the check
    // of the limit: guesses sent at once cannot all slip under it.
    let keys = [
        (account.as_str(), MAX_FAILURES_PER_ACCOUNT),
        (address, MAX_FAILURES_PER_ADDRESS),
    ];
    if !store
        .claim_login_attempt(&keys, now - FAILURE_WINDOW, now)
        .await?
    {
        return Ok(SignIn::Throttled {
            retry_after: FAILURE_WINDOW.num_seconds() as u64,
        });
    }
    let credentials = store.credentials(username.trim()).await?;
    let hash = credentials
        .as_ref()
        .filter(|c| !c.disabled)
        .and_then(|c| c.password_hash.clone());
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, hash.as_deref()))
        .await
        .map_err(|e| WebError::Internal(e.into()))?;
    let user = match (ok, credentials) {
        (true, Some(c)) => store.user(c.user).await?,
        _ => None,
    };
    let Some(user) = user else {
        // The attempt stays counted, under the account and the address.
        return Ok(SignIn::Refused);
    };
    store
        .clear_login_failures(&account, now - FAILURE_WINDOW)
        .await?;
    store.forget_login_attempt(address, now).await?;
    if let Some(old) = previous {
        store.delete_session(&digest(old)).await?;
    }
    let factor = store.totp(user.id).await?;
    let (purpose, secret, to) = match factor {
        Some(f) if f.confirmed => (PendingPurpose::Code, None, "/login/code"),
        _ if state.config.require_totp => {
            let seed = TotpSecret::generate().map_err(|e| WebError::Internal(e.into()))?;
            (
                PendingPurpose::Enrol,
                Some(seed.to_base32()),
                "/login/enrol",
            )
        }
        _ => {
            let cookie = start_session(state, &user, "password", agent).await?;
            return Ok(SignIn::Ok { cookie });
        }
    };
    let pending = Secret::generate("kp_").map_err(|e| WebError::Internal(e.into()))?;
    store
        .create_pending_signin(
            &pending.digest(),
            user.id,
            purpose,
            secret.as_deref(),
            now + PENDING_FOR,
            now,
        )
        .await?;
    Ok(SignIn::SecondStep {
        cookie: pending_cookie(state, pending.expose(), PENDING_FOR.num_seconds()),
        to,
    })
}

/// How long a right password waits for its second step.
pub const PENDING_FOR: chrono::Duration = chrono::Duration::minutes(10);
/// The cookie that carries a sign-in waiting for its second step.
pub const PENDING_COOKIE: &str = "kith_pending";

pub fn pending_cookie(state: &AppState, value: &str, max_age: i64) -> HeaderValue {
    cookie(state, PENDING_COOKIE, "/login", value, max_age)
}

/// The address people reach the server by: the configured public address,
/// else the one the browser used (its Host header).
pub fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    state.config.public_url.clone().unwrap_or_else(|| {
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost");
        format!("http://{host}")
    })
}

/// The key naming the request's own session in the user's list (the first
/// 16 hex digits of its digest, as `kith_store::SessionInfo::key`).
pub fn current_session_key(headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, SESSION_COOKIE).map(|s| digest(s).chars().take(16).collect())
}

/// The throttling key of an account's password, as typed at sign-in.
fn account_key(username: &str) -> String {
    format!("user:{}", username.trim().to_lowercase())
}

/// Whether `password` is the user's (Argon2id, on a blocking thread): the
/// re-check settings ask for before a change. Each check counts against the
/// same limit as signing in to the account (a wrong one stays counted, a
/// right one clears the count); past the limit the answer is
/// `WebError::Throttled` and the password is not checked.
pub async fn password_matches(
    state: &AppState,
    user: &User,
    password: String,
) -> Result<bool, WebError> {
    let store = &state.store;
    let now = Utc::now();
    let account = account_key(&user.username);
    if !store
        .claim_login_attempt(
            &[(account.as_str(), MAX_FAILURES_PER_ACCOUNT)],
            now - FAILURE_WINDOW,
            now,
        )
        .await?
    {
        return Err(WebError::Throttled {
            retry_after: FAILURE_WINDOW.num_seconds() as u64,
        });
    }
    let hash = store
        .credentials(&user.username)
        .await?
        .and_then(|c| c.password_hash);
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, hash.as_deref()))
        .await
        .map_err(|e| WebError::Internal(e.into()))?;
    if ok {
        store
            .clear_login_failures(&account, now - FAILURE_WINDOW)
            .await?;
    }
    Ok(ok)
}

/// A new session for `user`, as the `Set-Cookie` value that carries it.
/// `method` says how they signed in and `agent` is their browser, both for
/// their list of sessions.
pub async fn start_session(
    state: &AppState,
    user: &User,
    method: &str,
    agent: Option<&str>,
) -> Result<HeaderValue, WebError> {
    let secret = Secret::generate("ks_").map_err(|e| WebError::Internal(e.into()))?;
    let max = state.config.session_max;
    state
        .store
        .create_session(
            user.id,
            &secret.digest(),
            Utc::now() + max,
            method,
            agent,
            chrono::Utc::now(),
        )
        .await?;
    Ok(session_cookie(state, secret.expose(), max.num_seconds()))
}

/// The browser's User-Agent, as the session list shows it.
pub fn agent(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .filter(|a| !a.is_empty())
}

pub fn session_cookie(state: &AppState, value: &str, max_age: i64) -> HeaderValue {
    cookie(state, SESSION_COOKIE, "/", value, max_age)
}

/// An HttpOnly, SameSite=Lax cookie (Secure behind https).
fn cookie(state: &AppState, name: &str, path: &str, value: &str, max_age: i64) -> HeaderValue {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path={path}; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .expect("cookie values are ASCII")
}

/// A path to return to after sign-in: only a path on this server, else `/`.
/// Browsers drop tabs and line breaks from a URL and read `\` as `/`, so
/// `/\t/evil.example` would be `//evil.example`, another site: a path with
/// a control character, a backslash or a leading `//` is refused (and a
/// control character could not be sent in `Location` anyway).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control) =>
        {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

pub fn urlencode(text: &str) -> String {
    serde_urlencoded::to_string([("", text)])
        .map(|s| s.trim_start_matches('=').to_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/contacts?q=ann")), "/contacts?q=ann");
        for evil in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/x",
            "/\r\n/x",
            "/a\u{7f}b",
            "/a\u{85}b",
            "",
        ] {
            assert_eq!(safe_next(Some(evil)), "/", "{evil}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn cookies_are_read_by_name() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; kith_session=ks_abc; b=2"),
        );
        assert_eq!(cookie_value(&h, SESSION_COOKIE), Some("ks_abc"));
        assert_eq!(cookie_value(&h, "c"), None);
    }
}
