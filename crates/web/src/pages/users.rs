//! For administrators: the users of this server, adding one, disabling one.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use kith_app::accounts::{AccountInput, new_user};
use kith_auth::hash_password;
use kith_core::ids::UserId;
use kith_core::user::{Password, User};
use serde::Deserialize;

use super::settings::is_admin;
use super::{Chrome, Form, PageResult, id_from, redirect_with, redirect_with_error, render};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::WebError;

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    chrome: Chrome,
    users: Vec<(User, bool, bool)>,
    me: UserId,
}

async fn require_admin(state: &AppState, viewer: &Viewer) -> Result<(), WebError> {
    if is_admin(state, &viewer.user).await? {
        Ok(())
    } else {
        Err(WebError::Forbidden(
            "only an administrator manages users".into(),
        ))
    }
}

pub async fn page(State(state): State<AppState>, viewer: Viewer, headers: HeaderMap) -> PageResult {
    require_admin(&state, &viewer).await?;
    let mut users = Vec::new();
    for u in state.store.users().await? {
        let c = state.store.credentials(&u.username).await?;
        let (admin, disabled) = c.map_or((false, false), |c| (c.admin, c.disabled));
        users.push((u, admin, disabled));
    }
    render(&UsersPage {
        chrome: Chrome::new(&viewer, "settings", &headers),
        users,
        me: viewer.user.id,
    })
}

#[derive(Deserialize)]
pub struct NewUserForm {
    username: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    timezone: String,
    password: String,
    admin: Option<String>,
}

pub async fn add_user(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<NewUserForm>,
) -> PageResult {
    require_admin(&state, &viewer).await?;
    let blank = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let (name, email, timezone) = (blank(&form.name), blank(&form.email), blank(&form.timezone));
    let input = AccountInput {
        username: Some(form.username.trim()),
        name: name.as_deref(),
        email: email.as_deref(),
        timezone: Some(timezone.as_deref().unwrap_or(viewer.user.timezone.name())),
    };
    let new = match new_user(input, &state.config.machine) {
        Ok(n) => n,
        Err(e) => return Ok(redirect_with_error("/users", &WebError::from(e).message())),
    };
    let password = match Password::parse(&form.password) {
        Ok(p) => p,
        Err(e) => return Ok(redirect_with_error("/users", &WebError::from(e).message())),
    };
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| WebError::Internal(e.into()))?
        .map_err(|e| WebError::Internal(e.into()))?;
    match state
        .store
        .create_account(&new, &hash, form.admin.is_some(), chrono::Utc::now())
        .await
    {
        Ok(u) => Ok(redirect_with("/users", &format!("Added {}.", u.username))),
        Err(kith_store::StoreError::Conflict(m)) => Ok(redirect_with_error("/users", &m)),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct DisabledForm {
    disabled: String,
}

pub async fn set_disabled(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<DisabledForm>,
) -> PageResult {
    require_admin(&state, &viewer).await?;
    let id = UserId(id_from(&id)?);
    if id == viewer.user.id {
        return Ok(redirect_with_error(
            "/users",
            "You cannot disable yourself.",
        ));
    }
    let disabled = form.disabled == "true";
    state.store.set_disabled(id, disabled).await?;
    let text = if disabled {
        "User disabled; their sessions have ended."
    } else {
        "User enabled."
    };
    Ok(redirect_with("/users", text))
}
