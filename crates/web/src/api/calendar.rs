//! The API's calendar: meetings (with convert-to-virtual and the iTIP
//! invitation), outreach blocks and the plan. The same validation as
//! `kith meet`, `kith meeting`, `kith block` and `kith plan`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use kith_core::ids::{MeetingId, OutreachBlockId};
use kith_store::MeetingFilter;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ApiError, Body, ErrorBody, Params};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::WebError;
use kith_app::blocks::{self, NewBlockInput};
use kith_app::json::{ContactRefOut, MeetingOut};
use kith_app::meetings::{self, NewMeetingInput};
use kith_app::{AppError, Field, calendar};

type ApiResult<T> = Result<T, ApiError>;

fn meeting_id(text: &str) -> ApiResult<MeetingId> {
    text.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .map(MeetingId)
        .ok_or_else(|| ApiError(WebError::NotFound(format!("no such meeting '{text}'"))))
}

/// Where a meeting happens.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModeInput {
    /// `where` (in person), `zoom`, `meet`, `teams`, `jitsi` (a new room) or `phone`.
    pub how: String,
    /// The place, the join link or the phone number (nothing for `jitsi`).
    #[serde(default)]
    pub detail: String,
}

impl ModeInput {
    fn input(&self) -> ApiResult<meetings::ModeInput> {
        Ok(meetings::ModeInput::parse(&self.how, &self.detail).map_err(in_body)?)
    }
}

/// A meeting body's problem named by its field: the place's kind and
/// detail sit in `mode`; the other fields are named as everywhere.
fn in_body(e: AppError) -> WebError {
    let field = match &e {
        AppError::Invalid {
            field: Field::MeetingHow,
            ..
        } => "mode.how",
        AppError::Invalid {
            field: Field::MeetingMode(_),
            ..
        } => "mode.detail",
        _ => return e.into(),
    };
    match e {
        AppError::Invalid { message, .. } => WebError::invalid(field, message),
        other => other.into(),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeetingQuery {
    /// Past and cancelled meetings too.
    all: Option<bool>,
}

/// Coming meetings (all of them with `all`).
#[utoipa::path(get, path = "/meetings", tag = "calendar", params(MeetingQuery),
    responses((status = 200, body = Vec<MeetingOut>)))]
pub async fn list_meetings(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Params(q): Params<MeetingQuery>,
) -> ApiResult<Json<Vec<MeetingOut>>> {
    let all = q.all.unwrap_or(false);
    let filter = MeetingFilter {
        ends_after: (!all).then_some(Utc::now()),
        include_cancelled: all,
        ..MeetingFilter::default()
    };
    let found = state.store.meetings(user.id, &filter).await?;
    Ok(Json(found.iter().map(Into::into).collect()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingInput {
    /// Contact ids.
    pub with: Vec<i64>,
    /// In your time zone, or with an offset: `2026-12-03 10:00`, `2026-12-03T10:00:00-05:00`.
    pub at: String,
    /// Default 30.
    pub minutes: Option<u32>,
    pub title: Option<String>,
    pub mode: ModeInput,
}

/// Schedules a meeting.
#[utoipa::path(post, path = "/meetings", tag = "calendar", request_body = MeetingInput,
    responses((status = 201, body = MeetingOut), (status = 422, body = ErrorBody)))]
pub async fn create_meeting(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Body(input): Body<MeetingInput>,
) -> ApiResult<Response> {
    if input.with.is_empty() {
        return Err(WebError::invalid("with", "name at least one contact id").into());
    }
    let now = Utc::now();
    let draft = NewMeetingInput {
        with: input
            .with
            .iter()
            .map(|id| format!("#{id}"))
            .collect::<Vec<_>>()
            .join(","),
        at: input.at.clone(),
        minutes: input.minutes.unwrap_or(30).to_string(),
        mode: input.mode.input()?,
        title: input.title.clone(),
    };
    let meeting = meetings::new_meeting(&state.store, &user, now, &draft)
        .await
        .map_err(in_body)?;
    let id = state.store.add_meeting(user.id, &meeting, now).await?;
    let stored = state.store.meeting(user.id, id).await?;
    Ok((StatusCode::CREATED, Json(MeetingOut::from(&stored))).into_response())
}

/// A meeting.
#[utoipa::path(get, path = "/meetings/{id}", tag = "calendar", params(("id" = i64, Path)),
    responses((status = 200, body = MeetingOut), (status = 404, body = ErrorBody)))]
pub async fn get_meeting(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Json<MeetingOut>> {
    let m = state.store.meeting(user.id, meeting_id(&id)?).await?;
    Ok(Json((&m).into()))
}

/// Moves a meeting to a call (or elsewhere): same UID, next SEQUENCE.
#[utoipa::path(post, path = "/meetings/{id}/convert", tag = "calendar", params(("id" = i64, Path)),
    request_body = ModeInput,
    responses((status = 200, body = MeetingOut), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn convert_meeting(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    Body(input): Body<ModeInput>,
) -> ApiResult<Json<MeetingOut>> {
    let id = meeting_id(&id)?;
    state.store.meeting(user.id, id).await?;
    let mode = meetings::mode(&state.store, &user, &input.input()?).await?;
    let m = state
        .store
        .change_meeting_mode(user.id, id, &mode, Utc::now())
        .await?;
    Ok(Json((&m).into()))
}

/// Cancels a meeting (its invitation becomes a CANCEL).
#[utoipa::path(post, path = "/meetings/{id}/cancel", tag = "calendar", params(("id" = i64, Path)),
    responses((status = 200, body = MeetingOut), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn cancel_meeting(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Json<MeetingOut>> {
    let m = state
        .store
        .cancel_meeting(user.id, meeting_id(&id)?, Utc::now())
        .await?;
    Ok(Json((&m).into()))
}

/// The iTIP invitation: METHOD:REQUEST, or METHOD:CANCEL once cancelled.
#[utoipa::path(get, path = "/meetings/{id}/invitation", tag = "calendar", params(("id" = i64, Path)),
    responses((status = 200, content_type = "text/calendar", body = String), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn invitation(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let m = state.store.meeting(user.id, meeting_id(&id)?).await?;
    let invitation = calendar::invitation(&state.store, &user, &m)
        .await
        .map_err(|e| match e {
            e @ AppError::Internal(_) => WebError::from(e),
            e => WebError::invalid("invitation", e.to_string()),
        })?;
    Ok((
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
        invitation.text,
    )
        .into_response())
}

/// A recurring outreach block.
#[derive(Serialize, ToSchema)]
pub struct BlockOut {
    pub id: i64,
    /// `tue,thu`.
    pub days: String,
    /// `08:30` in the user's time zone.
    pub at: String,
    pub minutes: u32,
    pub capacity: u32,
    pub goal: Option<i64>,
}

impl From<&kith_core::outreach::OutreachBlock> for BlockOut {
    fn from(b: &kith_core::outreach::OutreachBlock) -> Self {
        Self {
            id: b.id.0,
            days: b.weekdays.to_string(),
            at: b.starts_at.format("%H:%M").to_string(),
            minutes: b.minutes,
            capacity: b.people,
            goal: b.goal.map(|g| g.0),
        }
    }
}

/// The outreach blocks.
#[utoipa::path(get, path = "/blocks", tag = "calendar", responses((status = 200, body = Vec<BlockOut>)))]
pub async fn list_blocks(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> ApiResult<Json<Vec<BlockOut>>> {
    let blocks = state.store.blocks(user.id).await?;
    Ok(Json(blocks.iter().map(Into::into).collect()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BlockInput {
    /// `tue,thu` or `mon-fri`.
    pub days: String,
    /// `08:30`, in your time zone.
    pub at: String,
    /// Default 30.
    pub minutes: Option<u32>,
    /// People per block, default 3.
    pub capacity: Option<u32>,
    /// A goal id whose people go first.
    pub goal: Option<i64>,
}

/// Adds an outreach block.
#[utoipa::path(post, path = "/blocks", tag = "calendar", request_body = BlockInput,
    responses((status = 201, body = BlockOut), (status = 422, body = ErrorBody)))]
pub async fn create_block(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Body(input): Body<BlockInput>,
) -> ApiResult<Response> {
    let draft = NewBlockInput {
        days: input.days,
        at: input.at,
        minutes: input.minutes.unwrap_or(30),
        capacity: input.capacity.unwrap_or(3),
        goal: input.goal.map(|g| g.to_string()),
    };
    let block = blocks::new_block(&state.store, user.id, &draft).await?;
    let id = state.store.add_block(user.id, &block, Utc::now()).await?;
    let stored = state
        .store
        .blocks(user.id)
        .await?
        .into_iter()
        .find(|b| b.id == id)
        .ok_or_else(|| WebError::Internal(anyhow::anyhow!("the new block is missing")))?;
    Ok((StatusCode::CREATED, Json(BlockOut::from(&stored))).into_response())
}

/// Removes an outreach block.
#[utoipa::path(delete, path = "/blocks/{id}", tag = "calendar", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn remove_block(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = id
        .parse::<i64>()
        .map(OutreachBlockId)
        .map_err(|_| WebError::NotFound(format!("no such block '{id}'")))?;
    state.store.remove_block(user.id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanQuery {
    /// 1 to 12, default 2.
    weeks: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct PlannedPersonOut {
    pub contact: ContactRefOut,
    pub for_goal: bool,
    /// Last conversation, open follow-ups both ways, goal relevance.
    pub brief: Vec<String>,
}

/// One coming block instance with the people for it.
#[derive(Serialize, ToSchema)]
pub struct PlanOut {
    pub block: i64,
    pub starts_at: String,
    pub ends_at: String,
    pub goal: Option<String>,
    pub people: Vec<PlannedPersonOut>,
}

/// The outreach plan: the most due people in the coming block instances.
#[utoipa::path(get, path = "/plan", tag = "calendar", params(PlanQuery),
    responses((status = 200, body = Vec<PlanOut>), (status = 422, body = ErrorBody)))]
pub async fn plan(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Params(q): Params<PlanQuery>,
) -> ApiResult<Json<Vec<PlanOut>>> {
    let weeks = q.weeks.unwrap_or(2);
    let plans = calendar::plan(&state.store, &user, Utc::now(), weeks).await?;
    Ok(Json(
        plans
            .iter()
            .map(|p| PlanOut {
                block: p.planned.instance.block.0,
                starts_at: p.planned.instance.starts_at.to_rfc3339(),
                ends_at: p.planned.instance.ends_at.to_rfc3339(),
                goal: p.goal.clone(),
                people: p
                    .planned
                    .people
                    .iter()
                    .zip(&p.briefs)
                    .map(|(person, brief)| PlannedPersonOut {
                        contact: ContactRefOut {
                            id: person.contact.0,
                            name: person.name.clone(),
                        },
                        for_goal: person.for_goal,
                        brief: brief.to_vec(),
                    })
                    .collect(),
            })
            .collect(),
    ))
}
