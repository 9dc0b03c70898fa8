//! The API's follow-ups: listing, adding outside a conversation,
//! completing (with the loop-back it creates) and dropping, each scoped to
//! the caller.

use super::handlers::{ApiResult, path_id};
use super::{Body, ErrorBody, Params};
use crate::AppState;
use crate::auth::ApiUser;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use kith_app::follow_ups;
use kith_app::json::FollowUpOut;
use kith_app::resolve::Who;
use kith_core::follow_up::Owner;
use kith_core::ids::{ContactId, FollowUpId};
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
}

/// Marks a follow-up done.
#[utoipa::path(post, path = "/follow-ups/{id}/done", tag = "follow-ups", params(("id" = i64, Path)),
    responses((status = 200, body = Completed), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn complete_follow_up(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Completed>> {
    let (done, loop_back) = state
        .store
        .complete_follow_up(user.id, FollowUpId(path_id(&id)?), chrono::Utc::now())
        .await?;
    Ok(Json(Completed {
        done: (&done).into(),
        loop_back: loop_back.as_ref().map(Into::into),
    }))
}

/// Drops a follow-up.
#[utoipa::path(post, path = "/follow-ups/{id}/drop", tag = "follow-ups", params(("id" = i64, Path)),
    responses((status = 200, body = FollowUpOut), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn drop_follow_up(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Json<FollowUpOut>> {
    let dropped = state
        .store
        .drop_follow_up(user.id, FollowUpId(path_id(&id)?), chrono::Utc::now())
        .await?;
    Ok(Json((&dropped).into()))
}
