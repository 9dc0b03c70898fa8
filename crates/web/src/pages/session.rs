//! Sign-in, sign-out and the first-run setup page.

use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use kith_auth::{digest, hash_password};
use kith_core::user::Password;
use serde::Deserialize;

use super::{Chrome, Form, PageResult, redirect_with, render};
use crate::AppState;
use crate::auth::{self, SESSION_COOKIE, SignIn, cookie_value, safe_next};
use crate::error::WebError;
use kith_app::accounts::{AccountInput, new_user};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: Chrome,
    next: String,
    username: String,
    error: Option<String>,
    /// Sign-in providers: name and label.
    providers: Vec<(String, String)>,
}

fn providers(state: &AppState) -> Vec<(String, String)> {
    state.config.provider_buttons()
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn login_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> PageResult {
    if state.store.users().await?.is_empty() {
        return Ok(Redirect::to("/setup").into_response());
    }
    if auth::session(&state, &headers).await?.is_some() {
        return Ok(Redirect::to(&safe_next(q.next.as_deref())).into_response());
    }
    render(&LoginPage {
        chrome: Chrome::anonymous(&headers),
        next: safe_next(q.next.as_deref()),
        username: String::new(),
        error: None,
        providers: providers(&state),
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

pub async fn login(
    State(state): State<AppState>,
    peer: ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> PageResult {
    let address = auth::address_key(&state, &headers, Some(&peer));
    let previous = cookie_value(&headers, SESSION_COOKIE);
    let next = safe_next(form.next.as_deref());
    let refused = |status: StatusCode, message: String| -> PageResult {
        let mut r = render(&LoginPage {
            chrome: Chrome::anonymous(&HeaderMap::new()),
            next: next.clone(),
            username: form.username.clone(),
            error: Some(message),
            providers: providers(&state),
        })?;
        *r.status_mut() = status;
        Ok(r)
    };
    match auth::sign_in(
        &state,
        &form.username,
        form.password.clone(),
        &address,
        previous,
        auth::agent(&headers),
    )
    .await?
    {
        SignIn::Ok { cookie, .. } => {
            let mut r = Redirect::to(&next).into_response();
            r.headers_mut().append(header::SET_COOKIE, cookie);
            Ok(r)
        }
        SignIn::SecondStep { cookie, to } => {
            let to = format!("{to}?next={}", auth::urlencode(&next));
            let mut r = Redirect::to(&to).into_response();
            r.headers_mut().append(header::SET_COOKIE, cookie);
            Ok(r)
        }
        SignIn::Refused => refused(
            StatusCode::UNAUTHORIZED,
            "Wrong username or password.".into(),
        ),
        SignIn::Throttled { retry_after } => {
            let mut r = refused(
                StatusCode::TOO_MANY_REQUESTS,
                format!(
                    "Too many failed sign-ins. Try again in {} minutes.",
                    retry_after.div_ceil(60)
                ),
            )?;
            r.headers_mut().insert(
                header::RETRY_AFTER,
                retry_after.to_string().parse().expect("digits"),
            );
            Ok(r)
        }
    }
}

pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> PageResult {
    if let Some(secret) = cookie_value(&headers, SESSION_COOKIE) {
        state.store.delete_session(&digest(secret)).await?;
    }
    let mut r = redirect_with("/login", "Signed out.");
    r.headers_mut()
        .append(header::SET_COOKIE, auth::session_cookie(&state, "", 0));
    // The pages the service worker kept for offline reading go too.
    r.headers_mut().insert(
        header::HeaderName::from_static("clear-site-data"),
        header::HeaderValue::from_static("\"cache\", \"storage\""),
    );
    Ok(r)
}

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    chrome: Chrome,
    username: String,
    name: String,
    email: String,
    timezone: String,
    error: Option<String>,
}

/// Exists only while the instance has no user.
pub async fn setup_page(State(state): State<AppState>, headers: HeaderMap) -> PageResult {
    if !state.store.users().await?.is_empty() {
        return Err(WebError::NotFound("setup is done; sign in instead".into()).into());
    }
    render(&SetupPage {
        chrome: Chrome::anonymous(&headers),
        username: String::new(),
        name: String::new(),
        email: String::new(),
        timezone: "UTC".into(),
        error: None,
    })
}

#[derive(Deserialize)]
pub struct SetupForm {
    username: String,
    name: String,
    email: String,
    timezone: String,
    password: String,
    confirm: String,
}

pub async fn setup(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<SetupForm>,
) -> PageResult {
    if !state.store.users().await?.is_empty() {
        return Err(WebError::NotFound("setup is done; sign in instead".into()).into());
    }
    let again = |message: String| -> PageResult {
        let mut r = render(&SetupPage {
            chrome: Chrome::anonymous(&HeaderMap::new()),
            username: form.username.clone(),
            name: form.name.clone(),
            email: form.email.clone(),
            timezone: form.timezone.clone(),
            error: Some(message),
        })?;
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        Ok(r)
    };
    let blank = |s: &str| Some(s.trim()).filter(|s| !s.is_empty()).map(str::to_owned);
    let (name, email, timezone) = (blank(&form.name), blank(&form.email), blank(&form.timezone));
    let input = AccountInput {
        username: Some(form.username.trim()),
        name: name.as_deref(),
        email: email.as_deref(),
        timezone: timezone.as_deref(),
    };
    let new = match new_user(input, &state.config.machine) {
        Ok(new) => new,
        Err(e) => return again(WebError::from(e).message()),
    };
    if form.password != form.confirm {
        return again("The two passwords differ.".into());
    }
    let password = match Password::parse(&form.password) {
        Ok(p) => p,
        Err(e) => return again(WebError::from(e).message()),
    };
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| WebError::Internal(e.into()))?
        .map_err(|e| WebError::Internal(e.into()))?;
    let user = match state
        .store
        .create_first_account(&new, &hash, chrono::Utc::now())
        .await
    {
        Ok(user) => user,
        Err(kith_store::StoreError::Conflict(_)) => {
            return Err(WebError::NotFound("setup is done; sign in instead".into()).into());
        }
        Err(e) => return Err(e.into()),
    };
    let cookie = auth::start_session(&state, &user, "password", auth::agent(&headers)).await?;
    let mut r = redirect_with("/", "Welcome to Kith. Add your first contact to begin.");
    r.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(r)
}
