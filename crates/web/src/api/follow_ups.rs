//! The API's follow-ups: listing, adding outside a conversation, editing,
//! completing (with the loop-back it creates) and dropping, each scoped to
//! the caller; and undoing a done, drop or archive for 30 minutes.

use super::handlers::{ApiResult, path_id};
use super::{Body, ErrorBody, Params, with_undo};
use crate::AppState;
use crate::auth::ApiUser;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use kith_app::follow_ups;
use kith_app::json::{FollowUpOut, UndoOut};
use kith_app::resolve::Who;
use kith_core::follow_up::Owner;
use kith_core::ids::{ContactId, FollowUpId, UndoId};
use kith_store::FollowUpFilter;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FollowUpQuery {
    /// Only this contact's.
    contact: Option<i64>,
    /// `me` or `them`.
    #[param(pattern = "^(me|mine|them|theirs)$")]
    owner: Option<String>,
    /// Include done and dropped ones (default false).
    all: Option<bool>,
}

/// Follow-ups, open ones unless `all`.
#[utoipa::path(get, path = "/follow-ups", tag = "follow-ups", params(FollowUpQuery),
    responses((status = 200, body = Vec<FollowUpOut>), (status = 422, body = ErrorBody)))]
pub async fn list_follow_ups(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Params(q): Params<FollowUpQuery>,
) -> ApiResult<Json<Vec<FollowUpOut>>> {
    let filter = FollowUpFilter {
        contact: q.contact.map(ContactId),
        owner: q
            .owner
            .as_deref()
            .map(Owner::parse)
            .transpose()
            .map_err(|e| e.in_field("owner"))?,
        open_only: !q.all.unwrap_or(false),
    };
    let found = state.store.follow_ups(user.id, &filter).await?;
    Ok(Json(found.iter().map(Into::into).collect()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpInput {
    pub contact: i64,
    pub title: String,
    /// `me` (default) or `them`.
    pub owner: Option<String>,
    pub by: Option<String>,
    #[serde(default)]
    pub loop_back: bool,
}

/// Adds a follow-up outside a conversation.
#[utoipa::path(post, path = "/follow-ups", tag = "follow-ups", request_body = FollowUpInput,
    responses((status = 201, body = FollowUpOut), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_follow_up(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Body(input): Body<FollowUpInput>,
) -> ApiResult<Response> {
    let contact = ContactId(input.contact);
    state.store.contact(user.id, contact).await?;
    let owner = match input.owner.as_deref() {
        Some(o) => Owner::parse(o).map_err(|e| e.in_field("owner"))?,
        None => Owner::Me,
    };
    let input = follow_ups::FollowUpInput {
        contact: Who::Id(contact),
        title: input.title,
        owner,
        by: input.by,
        loop_back: input.loop_back,
    };
    let created = follow_ups::add(&state.store, &user, Utc::now(), &input).await?;
    Ok((StatusCode::CREATED, Json(FollowUpOut::from(&created))).into_response())
}

/// What completing a follow-up did.
#[derive(Serialize, ToSchema)]
pub struct Completed {
    pub done: FollowUpOut,
    /// The loop-back it asks for, when it was mine and asked for one.
    pub loop_back: Option<FollowUpOut>,
    /// How to undo it (and remove the loop-back) for 30 minutes.
    pub undo: UndoOut,
}

/// Marks a follow-up done.
#[utoipa::path(post, path = "/follow-ups/{id}/done", tag = "follow-ups", params(("id" = i64, Path)),
    responses((status = 200, body = Completed,
        headers(("Link" = String, description = "`</api/v1/undo/{id}>; rel=\"undo\"`: a POST there undoes it for 30 minutes"))),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn complete_follow_up(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let (done, loop_back, undo) = state
        .store
        .complete_follow_up_undoable(user.id, FollowUpId(path_id(&id)?), Utc::now())
        .await?;
    let body = Completed {
        done: (&done).into(),
        loop_back: loop_back.as_ref().map(Into::into),
        undo: (&undo).into(),
    };
    Ok(with_undo(Json(body).into_response(), Some(undo.id)))
}

/// Drops a follow-up.
#[utoipa::path(post, path = "/follow-ups/{id}/drop", tag = "follow-ups", params(("id" = i64, Path)),
    responses((status = 200, body = FollowUpOut,
        headers(("Link" = String, description = "`</api/v1/undo/{id}>; rel=\"undo\"`: a POST there undoes it for 30 minutes"))),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn drop_follow_up(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let (dropped, undo) = state
        .store
        .drop_follow_up_undoable(user.id, FollowUpId(path_id(&id)?), Utc::now())
        .await?;
    Ok(with_undo(
        Json(FollowUpOut::from(&dropped)).into_response(),
        Some(undo.id),
    ))
}

/// A change to a follow-up: what is given changes, the rest stays.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpChange {
    pub title: Option<String>,
    /// `me` or `them`.
    pub owner: Option<String>,
    /// The new due date (`2026-12-01`, `friday`, `in 2 weeks`); `null` or
    /// an empty string clears it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, nullable)]
    pub by: Option<Option<String>>,
}

/// A field that is there, even as `null` (`Some(None)`), as opposed to
/// one left out (`None`, by `default`).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

/// Changes a follow-up's title, whose it is, or its due date.
#[utoipa::path(patch, path = "/follow-ups/{id}", tag = "follow-ups", params(("id" = i64, Path)),
    request_body = FollowUpChange,
    responses((status = 200, body = FollowUpOut), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn edit_follow_up(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    Body(change): Body<FollowUpChange>,
) -> ApiResult<Json<FollowUpOut>> {
    let id = FollowUpId(path_id(&id)?);
    state.store.follow_up(user.id, id).await?;
    let input = follow_ups::EditInput {
        title: change.title,
        owner: change
            .owner
            .as_deref()
            .map(Owner::parse)
            .transpose()
            .map_err(|e| e.in_field("owner"))?,
        by: change.by,
    };
    let edited = follow_ups::edit(&state.store, &user, Utc::now(), id, &input).await?;
    Ok(Json((&edited).into()))
}

/// What can still be undone, newest first (30 minutes after each action).
#[utoipa::path(get, path = "/undo", tag = "undo",
    responses((status = 200, body = Vec<UndoOut>)))]
pub async fn list_undo(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> ApiResult<Json<Vec<UndoOut>>> {
    let listed = kith_app::undo::list(&state.store, &user, Utc::now()).await?;
    Ok(Json(listed.iter().map(Into::into).collect()))
}

/// What an undo took back.
#[derive(Serialize, ToSchema)]
pub struct UndoneOut {
    pub id: i64,
    /// `done`, `drop` or `archive`.
    pub kind: String,
    pub label: String,
}

/// Undoes an action: 409 when it was undone already, is more than 30
/// minutes old, or what it changed has changed again since (then nothing
/// changes).
#[utoipa::path(post, path = "/undo/{id}", tag = "undo", params(("id" = i64, Path)),
    responses((status = 200, body = UndoneOut), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn undo(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Json<UndoneOut>> {
    let id = UndoId(path_id(&id)?);
    let undone = kith_app::undo::undo(&state.store, &user, Utc::now(), Some(id)).await?;
    Ok(Json(UndoneOut {
        id: undone.id.0,
        kind: undone.kind.as_str().to_owned(),
        label: undone.label,
    }))
}
