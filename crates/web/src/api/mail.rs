//! The e-mail digest's settings, the outbox, and e-mailing a meeting's
//! invitation, as JSON (the same functions as `kith digest`, `kith outbox`
//! and `kith meeting send`).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use kith_core::ids::MeetingId;
use kith_store::OutboxEntry;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::handlers::{LimitQuery, limit};
use super::{ApiError, Body, ErrorBody, Params};

type ApiResult<T> = Result<T, ApiError>;
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::WebError;
use kith_app::digest::{DigestChanges, digest_address, set_digest};
use kith_app::mail::Templates;
use kith_app::mail::queue_digest_now;

/// The digest's settings and where the schedule stands.
#[derive(Serialize, ToSchema)]
pub struct DigestOut {
    pub enabled: bool,
    /// `mon` … `sun`.
    pub days: Vec<String>,
    /// Local time, `HH:MM`, in `timezone`.
    pub at: String,
    pub timezone: String,
    /// Where it goes: its own address, else the account's.
    pub to: Option<String>,
    /// Its own address, if set.
    pub address: Option<String>,
    /// When the next one is due (RFC 3339), while on.
    pub next_at: Option<String>,
    /// The latest digest, whatever became of it.
    pub last: Option<OutboxOut>,
}

/// A message on its way out, or sent.
#[derive(Serialize, ToSchema)]
pub struct OutboxOut {
    pub id: i64,
    /// `digest`, `invitation` or `test`.
    pub kind: String,
    pub to: Vec<String>,
    pub subject: String,
    /// `pending`, `sending`, `sent`, `failed` or `uncertain` (a server
    /// stopped while sending it: it may or may not have arrived).
    pub status: String,
    pub attempts: i64,
    pub error: Option<String>,
    pub created_at: String,
    pub sent_at: Option<String>,
    pub next_attempt_at: String,
}

impl From<&OutboxEntry> for OutboxOut {
    fn from(e: &OutboxEntry) -> Self {
        Self {
            id: e.id,
            kind: e.kind.as_str().to_owned(),
            to: e.to.clone(),
            subject: e.subject.clone(),
            status: e.status.as_str().to_owned(),
            attempts: e.attempts,
            error: e.last_error.clone(),
            created_at: e.created_at.to_rfc3339(),
            sent_at: e.sent_at.map(|t| t.to_rfc3339()),
            next_attempt_at: e.next_attempt_at.to_rfc3339(),
        }
    }
}

async fn digest_out(state: &AppState, user: &kith_core::user::User) -> ApiResult<DigestOut> {
    let digest = state.store.digest_state(user.id).await?;
    let last = state.store.last_digest(user.id).await?;
    let s = &digest.settings;
    Ok(DigestOut {
        enabled: s.enabled,
        days: s.days.names(),
        at: s.at.format("%H:%M").to_string(),
        timezone: user.timezone.name().to_owned(),
        to: digest_address(s, user),
        address: s.address.as_ref().map(|a| a.as_str().to_owned()),
        next_at: digest.next_at.map(|t| t.to_rfc3339()),
        last: last.as_ref().map(Into::into),
    })
}

/// The e-mail digest's settings.
#[utoipa::path(get, path = "/digest", tag = "mail", responses((status = 200, body = DigestOut)))]
pub async fn get_digest(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> ApiResult<Json<DigestOut>> {
    Ok(Json(digest_out(&state, &user).await?))
}

/// A change to the digest's settings; what is left out stays.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DigestInput {
    pub enabled: Option<bool>,
    /// `mon,wed,fri`, `mon-fri`, `weekdays` or `daily`.
    pub days: Option<String>,
    /// `HH:MM` in your time zone.
    pub at: Option<String>,
    /// Where to send it; `""` for the account's address.
    pub address: Option<String>,
}

/// Changes the digest's settings (and schedules the next one).
#[utoipa::path(patch, path = "/digest", tag = "mail", request_body = DigestInput,
    responses((status = 200, body = DigestOut), (status = 422, body = ErrorBody)))]
pub async fn update_digest(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Body(input): Body<DigestInput>,
) -> ApiResult<Json<DigestOut>> {
    let address = input.address.as_deref().map(str::trim);
    let changes = DigestChanges {
        enabled: input.enabled,
        days: input.days,
        at: input.at,
        to: address.map(|a| Some(a.to_owned()).filter(|a| !a.is_empty())),
    };
    set_digest(&state.store, &user, &changes, Utc::now())
        .await
        .map_err(WebError::from)?;
    Ok(Json(digest_out(&state, &user).await?))
}

/// A message queued for sending.
#[derive(Serialize, ToSchema)]
pub struct Queued {
    /// The outbox id; `null` when this version was queued before.
    pub id: Option<i64>,
    pub to: Vec<String>,
    /// Attendees left out for want of an e-mail address.
    pub missing: Vec<String>,
}

/// Queues today's digest now, whatever the schedule says.
#[utoipa::path(post, path = "/digest/send", tag = "mail",
    responses((status = 202, body = Queued), (status = 422, body = ErrorBody)))]
pub async fn send_digest(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> ApiResult<Response> {
    let public = state.config.public_url.as_deref();
    let (id, to) = queue_digest_now(&state.store, &user, &Templates, Utc::now(), public)
        .await
        .map_err(WebError::from)?;
    state.mail_wake.notify_one();
    let body = Queued {
        id: Some(id),
        to: vec![to],
        missing: Vec::new(),
    };
    Ok((StatusCode::ACCEPTED, Json(body)).into_response())
}

/// Digests and invitations on their way out or sent, newest first.
#[utoipa::path(get, path = "/outbox", tag = "mail", params(LimitQuery),
    responses((status = 200, body = Vec<OutboxOut>)))]
pub async fn list_outbox(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Params(q): Params<LimitQuery>,
) -> ApiResult<Json<Vec<OutboxOut>>> {
    let n = limit(q.limit, 20)?;
    let entries = state.store.outbox(user.id, i64::from(n)).await?;
    Ok(Json(entries.iter().map(Into::into).collect()))
}

/// Sends a failed or uncertain message again, with the same Message-ID.
#[utoipa::path(post, path = "/outbox/{id}/retry", tag = "mail", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn retry(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = id
        .parse::<i64>()
        .map_err(|_| WebError::NotFound("no such message".into()))?;
    state.store.retry_mail(user.id, id, Utc::now()).await?;
    state.mail_wake.notify_one();
    Ok(StatusCode::NO_CONTENT)
}

/// E-mails the meeting's invitation (a CANCEL once cancelled) to its
/// attendees, once per version.
#[utoipa::path(post, path = "/meetings/{id}/send", tag = "calendar", params(("id" = i64, Path)),
    responses((status = 202, body = Queued), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn send_invitation(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let id = id
        .parse::<i64>()
        .map_err(|_| WebError::NotFound("no such meeting".into()))?;
    let meeting = state.store.meeting(user.id, MeetingId(id)).await?;
    let queued =
        kith_app::mail::queue_invitation(&state.store, &user, &meeting, Utc::now()).await?;
    state.mail_wake.notify_one();
    let body = Queued {
        id: queued.id,
        to: queued.to,
        missing: queued.missing,
    };
    Ok((StatusCode::ACCEPTED, Json(body)).into_response())
}
