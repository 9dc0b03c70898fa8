//! Passkeys (WebAuthn, through webauthn-rs): adding one in settings, and
//! signing in with one instead of a password. Each ceremony is two JSON
//! requests from the page's script; its state waits in the database (five
//! minutes, taken once) under the digest of a ticket the page holds, so any
//! server can finish what another started.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kith_auth::{Secret, digest};
use kith_core::user::User;
use serde::Deserialize;
use serde_json::json;
use webauthn_rs::prelude::{
    Passkey, PasskeyAuthentication, PasskeyRegistration, PublicKeyCredential,
    RegisterPublicKeyCredential, Url, Uuid, WebauthnError,
};
use webauthn_rs::{Webauthn, WebauthnBuilder};

use super::{PageResult, redirect_with, redirect_with_error};
use crate::AppState;
use crate::auth::{self, FAILURE_WINDOW, MAX_FAILURES_PER_ACCOUNT, Viewer, safe_next};
use crate::error::WebError;

/// The relying party: the server's public address, else the address the
/// browser used. A passkey works only on the address it was made on.
fn webauthn(state: &AppState, headers: &HeaderMap) -> Result<Webauthn, WebError> {
    let origin = auth::base_url(state, headers);
    let url = Url::parse(&origin).map_err(|e| WebError::Internal(e.into()))?;
    let rp_id = url.host_str().unwrap_or("localhost").to_owned();
    if url.domain().is_none() {
        return Err(WebError::invalid(
            "passkey",
            format!("passkeys need the server reached by a name, not {rp_id}"),
        ));
    }
    WebauthnBuilder::new(&rp_id, &url)
        .and_then(|b| b.rp_name("Kith").build())
        .map_err(|e| {
            tracing::warn!(error = %e, "passkeys cannot be set up for {rp_id}");
            WebError::invalid(
                "passkey",
                format!("passkeys need the server reached by a name, not {rp_id}"),
            )
        })
}

/// Why a browser's passkey answer was refused, in the user's words (the
/// library's own reason goes to the log).
fn passkey_refusal(e: &WebauthnError) -> &'static str {
    use WebauthnError as W;
    tracing::info!(error = %e, "passkey refused");
    match e {
        W::MismatchedChallenge | W::ChallengeNotFound => {
            "the browser answered another request; reload the page and try again"
        }
        W::InvalidRPOrigin | W::InvalidRPIDHash | W::CredentialCrossOrigin => {
            "it was made for another address than this server's"
        }
        W::UserNotPresent | W::UserNotVerified => {
            "the device did not confirm it was you (touch, PIN or fingerprint)"
        }
        W::CredentialAlreadyExists | W::CredentialExcludedFromRequest => {
            "this passkey is already registered"
        }
        W::CredentialNotFound => "this passkey is not registered for your account",
        W::CredentialPossibleCompromise | W::CredentialCounterUpdateFailure => {
            "its signature counter went backwards, so it may have been copied"
        }
        _ => "the device's answer could not be verified",
    }
}

/// A JSON error the page's script shows.
fn refused(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

fn ticket() -> Result<Secret, WebError> {
    Secret::generate("kw_").map_err(|e| WebError::Internal(e.into()))
}

fn user_handle(user: &User) -> Uuid {
    Uuid::from_u64_pair(0x6b69_7468, user.id.0 as u64)
}

async fn keys_of(state: &AppState, user: &User) -> Result<Vec<(i64, Passkey)>, WebError> {
    Ok(state
        .store
        .passkeys(user.id)
        .await?
        .into_iter()
        .filter_map(|p| Some((p.id, serde_json::from_str(&p.credential).ok()?)))
        .collect())
}

/// POST /settings/passkeys/start: the options for `navigator.credentials.create`.
pub async fn register_start(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
) -> PageResult {
    let wa = match webauthn(&state, &headers) {
        Ok(wa) => wa,
        Err(e) => return Ok(refused(StatusCode::UNPROCESSABLE_ENTITY, &e.message())),
    };
    let user = &viewer.user;
    let exclude = keys_of(&state, user)
        .await?
        .iter()
        .map(|(_, k)| k.cred_id().clone())
        .collect();
    let (options, registration) = wa
        .start_passkey_registration(
            user_handle(user),
            &user.username,
            &user.display_name,
            Some(exclude),
        )
        .map_err(|e| WebError::Internal(e.into()))?;
    let ticket = ticket()?;
    let registration =
        serde_json::to_string(&registration).map_err(|e| WebError::Internal(e.into()))?;
    state
        .store
        .put_ceremony(
            &ticket.digest(),
            user.id,
            "register",
            &registration,
            chrono::Utc::now(),
        )
        .await?;
    Ok(Json(json!({ "ticket": ticket.expose(), "options": options })).into_response())
}

#[derive(Deserialize)]
pub struct RegisterFinish {
    ticket: String,
    name: Option<String>,
    credential: RegisterPublicKeyCredential,
}

/// POST /settings/passkeys/finish: the authenticator's answer.
pub async fn register_finish(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Json(body): Json<RegisterFinish>,
) -> PageResult {
    let wa = match webauthn(&state, &headers) {
        Ok(wa) => wa,
        Err(e) => return Ok(refused(StatusCode::UNPROCESSABLE_ENTITY, &e.message())),
    };
    let Some((owner, registration)) = state
        .store
        .take_ceremony(&digest(&body.ticket), "register", chrono::Utc::now())
        .await?
    else {
        return Ok(refused(
            StatusCode::BAD_REQUEST,
            "That took too long; try again.",
        ));
    };
    if owner != viewer.user.id {
        return Ok(refused(
            StatusCode::BAD_REQUEST,
            "That took too long; try again.",
        ));
    }
    let registration: PasskeyRegistration =
        serde_json::from_str(&registration).map_err(|e| WebError::Internal(e.into()))?;
    let key = match wa.finish_passkey_registration(&body.credential, &registration) {
        Ok(key) => key,
        Err(e) => {
            return Ok(refused(
                StatusCode::BAD_REQUEST,
                &format!("The passkey was not accepted: {}.", passkey_refusal(&e)),
            ));
        }
    };
    let name = body
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| n.chars().take(80).collect::<String>())
        .unwrap_or_else(|| "Passkey".into());
    let credential_id = serde_json::to_value(key.cred_id())
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let credential = serde_json::to_string(&key).map_err(|e| WebError::Internal(e.into()))?;
    match state
        .store
        .add_passkey(
            viewer.user.id,
            &name,
            &credential_id,
            &credential,
            chrono::Utc::now(),
        )
        .await
    {
        Ok(_) => Ok(Json(json!({ "to": "/settings#passkeys" })).into_response()),
        Err(kith_store::StoreError::Conflict(m)) => Ok(refused(StatusCode::CONFLICT, &m)),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct LoginStart {
    username: String,
}

/// POST /login/passkey/start: the options for `navigator.credentials.get`
/// for the named user's passkeys.
pub async fn login_start(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(body): Json<LoginStart>,
) -> PageResult {
    let wa = match webauthn(&state, &headers) {
        Ok(wa) => wa,
        Err(e) => return Ok(refused(StatusCode::UNPROCESSABLE_ENTITY, &e.message())),
    };
    let name = body.username.trim().to_lowercase();
    let account = format!("user:{name}");
    let since = chrono::Utc::now() - FAILURE_WINDOW;
    if state.store.login_failures_since(&account, since).await? >= MAX_FAILURES_PER_ACCOUNT {
        return Ok(refused(
            StatusCode::TOO_MANY_REQUESTS,
            "Too many failed sign-ins. Try again in a few minutes.",
        ));
    }
    let user = match state.store.credentials(&name).await? {
        Some(c) if !c.disabled => state.store.user(c.user).await?,
        _ => None,
    };
    let keys = match &user {
        Some(user) => keys_of(&state, user).await?,
        None => Vec::new(),
    };
    let (Some(user), false) = (user, keys.is_empty()) else {
        return Ok(refused(
            StatusCode::UNAUTHORIZED,
            "No passkey is set up for that username: sign in with your password.",
        ));
    };
    let passkeys: Vec<Passkey> = keys.into_iter().map(|(_, k)| k).collect();
    let (options, authentication) = wa
        .start_passkey_authentication(&passkeys)
        .map_err(|e| WebError::Internal(e.into()))?;
    let ticket = ticket()?;
    let authentication =
        serde_json::to_string(&authentication).map_err(|e| WebError::Internal(e.into()))?;
    state
        .store
        .put_ceremony(
            &ticket.digest(),
            user.id,
            "authenticate",
            &authentication,
            chrono::Utc::now(),
        )
        .await?;
    Ok(Json(json!({ "ticket": ticket.expose(), "options": options })).into_response())
}

#[derive(Deserialize)]
pub struct LoginFinish {
    ticket: String,
    next: Option<String>,
    credential: PublicKeyCredential,
}

/// POST /login/passkey/finish: the authenticator's signature; a session.
pub async fn login_finish(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(body): Json<LoginFinish>,
) -> PageResult {
    let wa = match webauthn(&state, &headers) {
        Ok(wa) => wa,
        Err(e) => return Ok(refused(StatusCode::UNPROCESSABLE_ENTITY, &e.message())),
    };
    let Some((user_id, authentication)) = state
        .store
        .take_ceremony(&digest(&body.ticket), "authenticate", chrono::Utc::now())
        .await?
    else {
        return Ok(refused(
            StatusCode::BAD_REQUEST,
            "That took too long; try again.",
        ));
    };
    let Some(user) = state.store.user(user_id).await? else {
        return Ok(refused(StatusCode::UNAUTHORIZED, "That account is gone."));
    };
    let authentication: PasskeyAuthentication =
        serde_json::from_str(&authentication).map_err(|e| WebError::Internal(e.into()))?;
    let result = match wa.finish_passkey_authentication(&body.credential, &authentication) {
        Ok(result) => result,
        Err(e) => {
            state
                .store
                .record_login_failure(&format!("user:{}", user.username), chrono::Utc::now())
                .await?;
            return Ok(refused(
                StatusCode::UNAUTHORIZED,
                &format!("The passkey did not sign you in: {}.", passkey_refusal(&e)),
            ));
        }
    };
    // Keep the signature counter (and backup state) current.
    for (id, mut key) in keys_of(&state, &user).await? {
        if key.cred_id() == result.cred_id() {
            key.update_credential(&result);
            let credential =
                serde_json::to_string(&key).map_err(|e| WebError::Internal(e.into()))?;
            state
                .store
                .passkey_used(user.id, id, &credential, chrono::Utc::now())
                .await?;
        }
    }
    let cookie = auth::start_session(&state, &user, "passkey", auth::agent(&headers)).await?;
    let next = safe_next(body.next.as_deref());
    let mut r = Json(json!({ "to": next })).into_response();
    r.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(r)
}

/// POST /settings/passkeys/{id}/remove.
pub async fn remove(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    let id: i64 = id
        .parse()
        .map_err(|_| WebError::NotFound("no such passkey".into()))?;
    Ok(match state.store.remove_passkey(viewer.user.id, id).await {
        Ok(()) => redirect_with("/settings#passkeys", "Passkey removed."),
        Err(kith_store::StoreError::Conflict(m)) => redirect_with_error("/settings#passkeys", &m),
        Err(e) => return Err(e.into()),
    })
}
