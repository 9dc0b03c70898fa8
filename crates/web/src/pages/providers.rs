//! Signing in with an OpenID Connect or OAuth provider, and linking and
//! unlinking such accounts in settings (the protocol is in `web::oidc`).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use kith_auth::{Secret, digest};
use kith_core::user::{NewUser, User, Username};
use kith_core::values::{Email, TimeZone};
use kith_store::{OAuthFlow, StoreError};
use serde::Deserialize;

use super::{PageResult, redirect_with, redirect_with_error};
use crate::AppState;
use crate::auth::{self, Viewer, safe_next};
use crate::error::WebError;
use crate::oidc::{self, Account, Provider};

fn provider<'a>(state: &'a AppState, name: &str) -> Result<&'a Provider, WebError> {
    state
        .config
        .providers
        .iter()
        .find(|p| p.name == name)
        .ok_or_else(|| WebError::NotFound("no such sign-in provider".into()))
}

/// Where the provider sends the browser back to.
fn redirect_uri(state: &AppState, headers: &HeaderMap, provider: &Provider) -> String {
    let base = auth::base_url(state, headers);
    format!("{base}/login/oidc/{}/callback", provider.name)
}

fn random() -> Result<String, WebError> {
    Ok(Secret::generate("")
        .map_err(|e| WebError::Internal(e.into()))?
        .expose()
        .to_owned())
}

/// Records a flow and sends the browser to the provider.
async fn begin(
    state: &AppState,
    headers: &HeaderMap,
    provider: &Provider,
    next: String,
    link_user: Option<kith_core::ids::UserId>,
) -> PageResult {
    let (state_param, nonce, verifier) = (random()?, random()?, random()?);
    let flow = OAuthFlow {
        provider: provider.name.clone(),
        nonce: nonce.clone(),
        verifier: verifier.clone(),
        next,
        link_user,
        expires_at: oidc::expires(),
    };
    let uri = redirect_uri(state, headers, provider);
    let url = state
        .oidc
        .authorize_url(provider, &uri, &state_param, &nonce, &verifier)
        .await;
    let url = match url {
        Ok(url) => url,
        Err(e) => {
            tracing::warn!(provider = %provider.name, error = %format!("{e:#}"), "sign-in provider unreachable");
            return Ok(failed(&format!(
                "{} cannot be reached just now; try again later.",
                provider.label
            )));
        }
    };
    state
        .store
        .create_oauth_flow(&digest(&state_param), &flow, chrono::Utc::now())
        .await?;
    Ok(Redirect::to(&url).into_response())
}

/// A sign-in that did not work: back to the sign-in page, which says why
/// (a redirect, so the code leaves the address bar).
fn failed(message: &str) -> Response {
    let mut r = redirect_with_error("/login", message);
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    r
}

#[derive(Deserialize)]
pub struct StartQuery {
    next: Option<String>,
}

/// GET /login/oidc/{name}: the button on the sign-in page.
pub async fn start(
    State(state): State<AppState>,
    peer: ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Path(name): Path<String>,
    Query(q): Query<StartQuery>,
) -> PageResult {
    let p = provider(&state, &name)?;
    // Each start writes a flow: a client may start only so many at a time.
    let key = format!("flow:{}", auth::address_key(&state, &headers, Some(&peer)));
    let since = chrono::Utc::now() - auth::FAILURE_WINDOW;
    if state.store.login_failures_since(&key, since).await? >= FLOWS_PER_ADDRESS {
        return Ok(failed(
            "Too many sign-ins started from here. Try again in a few minutes.",
        ));
    }
    state
        .store
        .record_login_failure(&key, chrono::Utc::now())
        .await?;
    begin(&state, &headers, p, safe_next(q.next.as_deref()), None).await
}

/// Sign-ins through a provider one address may start per throttling window
/// (as failed sign-ins are counted).
const FLOWS_PER_ADDRESS: i64 = 50;

/// POST /settings/identities/{name}/link: a signed-in user links an account.
pub async fn link(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Path(name): Path<String>,
) -> PageResult {
    let p = provider(&state, &name)?;
    begin(
        &state,
        &headers,
        p,
        "/settings#sign-in".into(),
        Some(viewer.user.id),
    )
    .await
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
    iss: Option<String>,
}

/// GET /login/oidc/{name}/callback: the provider sends the browser back.
pub async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(name): Path<String>,
    Query(q): Query<CallbackQuery>,
) -> PageResult {
    let p = provider(&state, &name)?;
    if let Some(error) = &q.error {
        let why = q.error_description.as_deref().unwrap_or(error);
        return Ok(failed(&format!("{} did not sign you in: {why}", p.label)));
    }
    let (Some(code), Some(state_param)) = (&q.code, &q.state) else {
        return Ok(failed("That sign-in link is incomplete."));
    };
    let Some(flow) = state
        .store
        .take_oauth_flow(&digest(state_param), &p.name, chrono::Utc::now())
        .await?
    else {
        return Ok(failed(
            "That sign-in has expired or was not started here. Please start again.",
        ));
    };
    let uri = redirect_uri(&state, &headers, p);
    let account = match oidc::check_iss(p, q.iss.as_deref()) {
        Ok(()) => {
            state
                .oidc
                .account(p, &uri, code, &flow.verifier, &flow.nonce)
                .await
        }
        Err(e) => Err(e),
    };
    let account = match account {
        Ok(account) => account,
        Err(e) => {
            // The page says what went wrong in Kith's words; the log keeps
            // the library's reasons behind them.
            let why = e.to_string();
            tracing::warn!(provider = %p.name, error = %format!("{e:#}"), "sign-in with a provider refused");
            return Ok(failed(&format!(
                "Signing in with {} did not work: {why}.",
                p.label
            )));
        }
    };
    if let Some(user) = flow.link_user {
        return link_account(&state, user, p, &account).await;
    }
    let user = match resolve(&state, p, &account).await? {
        Ok(user) => user,
        Err(why) => return Ok(failed(&why)),
    };
    let cookie = auth::start_session(
        &state,
        &user,
        &format!("{}:{}", kind_word(p), p.name),
        auth::agent(&headers),
    )
    .await?;
    let mut r = Redirect::to(&flow.next).into_response();
    r.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(r)
}

/// The provider's account becomes a way for `user`, who started the
/// flow from settings, to sign in.
async fn link_account(
    state: &AppState,
    user: kith_core::ids::UserId,
    p: &Provider,
    account: &Account,
) -> PageResult {
    let linked = state
        .store
        .link_identity(
            user,
            &p.name,
            &account.subject,
            account.email.as_deref(),
            chrono::Utc::now(),
        )
        .await;
    Ok(match linked {
        Ok(()) => redirect_with(
            "/settings#sign-in",
            &format!(
                "Your {} account is linked: you can sign in with it.",
                p.label
            ),
        ),
        Err(StoreError::Conflict(m)) => redirect_with_error("/settings#sign-in", &m),
        Err(e) => return Err(e.into()),
    })
}

fn kind_word(p: &Provider) -> &'static str {
    match p.kind {
        oidc::Kind::OpenIdConnect { .. } => "oidc",
        oidc::Kind::OAuth { .. } => "oauth",
    }
}

/// The Kith user an account at a provider signs in as, or why none.
async fn resolve(
    state: &AppState,
    p: &Provider,
    account: &Account,
) -> Result<Result<User, String>, WebError> {
    let store = &state.store;
    if let Some(user) = store
        .identity_user(&p.name, &account.subject, chrono::Utc::now())
        .await?
    {
        return Ok(Ok(user));
    }
    let verified = account.email.as_deref().filter(|_| account.email_verified);
    let holder = match verified.or(account.email.as_deref()) {
        Some(email) => store.user_by_email(email).await?,
        None => None,
    };
    if let (Some(email), Some(holder)) = (verified, &holder)
        && p.auto_link_verified_email
    {
        store
            .link_identity(
                holder.id,
                &p.name,
                &account.subject,
                Some(email),
                chrono::Utc::now(),
            )
            .await?;
        return Ok(Ok(holder.clone()));
    }
    let not_linked = format!(
        "No Kith account is linked to this {} account. Sign in with your password, then link it under Settings.",
        p.label
    );
    if !p.allow_signup || holder.is_some() {
        // An address someone here has, but not proved: never theirs.
        return Ok(Err(not_linked));
    }
    let user = create_user(state, account, verified).await?;
    store
        .link_identity(
            user.id,
            &p.name,
            &account.subject,
            account.email.as_deref(),
            chrono::Utc::now(),
        )
        .await?;
    Ok(Ok(user))
}

/// A new user for an account nobody has linked (where sign-up is open).
async fn create_user(
    state: &AppState,
    account: &Account,
    verified_email: Option<&str>,
) -> Result<User, WebError> {
    let base: String = account
        .username
        .clone()
        .or_else(|| {
            account
                .email
                .as_deref()
                .and_then(|e| e.split('@').next())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "user".into())
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        .take(40)
        .collect();
    let base = if base.is_empty() {
        "user".to_owned()
    } else {
        base
    };
    for n in 1..=100 {
        let name = if n == 1 {
            base.clone()
        } else {
            format!("{base}{n}")
        };
        let Ok(username) = Username::parse(&name) else {
            continue;
        };
        let new = NewUser {
            username,
            display_name: account
                .display_name
                .clone()
                .filter(|d| !d.trim().is_empty())
                .unwrap_or_else(|| name.clone()),
            email: verified_email.and_then(|e| Email::parse(e).ok()),
            timezone: TimeZone::UTC,
        };
        match state.store.create_user(&new, chrono::Utc::now()).await {
            Ok(user) => return Ok(user),
            Err(StoreError::Conflict(_)) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(WebError::Internal(anyhow::anyhow!(
        "no free username near '{base}'"
    )))
}

/// POST /settings/identities/{id}/unlink.
pub async fn unlink(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    let id: i64 = id
        .parse()
        .map_err(|_| WebError::NotFound("no such linked account".into()))?;
    Ok(
        match state.store.unlink_identity(viewer.user.id, id).await {
            Ok(()) => redirect_with("/settings#sign-in", "Unlinked."),
            Err(StoreError::Conflict(m)) => redirect_with_error("/settings#sign-in", &m),
            Err(e) => return Err(e.into()),
        },
    )
}
