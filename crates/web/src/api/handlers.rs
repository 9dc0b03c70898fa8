//! The API's handlers: each turns its body into the same `kith_app` input
//! as the command line and the pages, scopes every read and write to the
//! caller, and answers with `kith_app::json` shapes.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use kith_core::contact::{ArchivedFilter, ContactFilter};
use kith_core::goal::GoalStatus;
use kith_core::ids::{ContactId, GoalId};
use kith_core::rules::goals::progress;
use kith_core::values::{TagName, optional_text};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ApiError, Body, ErrorBody, Params};
use crate::AppState;
use crate::auth::ApiUser;
use crate::error::WebError;
use crate::memo::API_MAX as MAX_LIMIT;
use kith_app::agenda::{self, Today};
use kith_app::goals::{NewGoalInput, new_goal};
use kith_app::json::{ContactOut, ContactSummaryOut, ConversationOut, DueOut, GoalOut, UserOut};
use kith_app::resolve::Who;
use kith_app::{contacts, log};

pub(super) type ApiResult<T> = Result<T, ApiError>;

pub(super) fn path_id(text: &str) -> Result<i64, ApiError> {
    text.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| ApiError(WebError::NotFound(format!("no such id '{text}'"))))
}

/// The signed-in user.
#[utoipa::path(get, path = "/me", tag = "account",
    responses((status = 200, body = UserOut), (status = 401, body = ErrorBody)))]
pub async fn me(ApiUser(user): ApiUser) -> Json<UserOut> {
    Json(UserOut::from(&user))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContactQuery {
    /// Full-text search (names, organisations, e-mails, tags, notes, conversations).
    q: Option<String>,
    /// A tag: up to 64 characters, no commas or line breaks.
    #[param(pattern = r"^[^,\n\r]*\S[^,\n\r]*$", max_length = 64)]
    tag: Option<String>,
    /// Organisation name contains this.
    org: Option<String>,
    function: Option<String>,
    /// `active` (default), `archived` or `all`.
    #[param(pattern = "^(active|archived|all)$")]
    archived: Option<String>,
    /// The `next_cursor` of the previous page.
    #[param(pattern = "^[0-9]{1,18}$")]
    cursor: Option<String>,
    /// 1 to 500, default 100.
    #[param(minimum = 1, maximum = 500)]
    limit: Option<u32>,
}

/// One page of contacts.
#[derive(Serialize, ToSchema)]
pub struct ContactPage {
    pub items: Vec<ContactSummaryOut>,
    /// Pass as `cursor` for the next page; `null` on the last.
    pub next_cursor: Option<String>,
}

pub(super) fn limit(value: Option<u32>, default: u32) -> ApiResult<u32> {
    match value.unwrap_or(default) {
        n if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        n => {
            Err(WebError::invalid("limit", format!("{n} is not between 1 and {MAX_LIMIT}")).into())
        }
    }
}

/// Contacts in name order, filtered, with cursor pagination; or search results.
#[utoipa::path(get, path = "/contacts", tag = "contacts", params(ContactQuery),
    responses((status = 200, body = ContactPage), (status = 422, body = ErrorBody)))]
pub async fn list_contacts(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Params(q): Params<ContactQuery>,
) -> ApiResult<Json<ContactPage>> {
    let limit = limit(q.limit, 100)?;
    let filter = ContactFilter {
        tag: q
            .tag
            .as_deref()
            .map(TagName::parse)
            .transpose()
            .map_err(|e| e.in_field("tag"))?,
        // Checked as text (no control characters): PostgreSQL refuses a NUL
        // in a string, which reached it as a 500.
        organisation: optional_text("org", q.org.as_deref(), 200)?,
        function: optional_text("function", q.function.as_deref(), 200)?.map(|f| f.to_lowercase()),
        archived: match q.archived.as_deref() {
            None | Some("active") => ArchivedFilter::Active,
            Some("archived") => ArchivedFilter::Archived,
            Some("all") => ArchivedFilter::All,
            Some(other) => {
                return Err(WebError::invalid(
                    "archived",
                    format!("'{other}' is not active, archived or all"),
                )
                .into());
            }
        },
    };
    let after = match q.cursor.as_deref() {
        Some(c) => Some(ContactId(c.parse().map_err(|_| {
            WebError::invalid("cursor", "is not a cursor from this API")
        })?)),
        None => None,
    };
    // Every parameter is checked first, also the ones a search leaves aside.
    if let Some(text) = q.q.as_deref().filter(|t| !t.trim().is_empty()) {
        let found = state.store.search_contacts(user.id, text, limit).await?;
        return Ok(Json(ContactPage {
            items: found.iter().map(Into::into).collect(),
            next_cursor: None,
        }));
    }
    let mut page = state
        .store
        .list_contacts(user.id, &filter, after, limit + 1)
        .await?;
    let next_cursor = if page.len() > limit as usize {
        page.truncate(limit as usize);
        page.last().map(|c| c.id.0.to_string())
    } else {
        None
    };
    Ok(Json(ContactPage {
        items: page.iter().map(Into::into).collect(),
        next_cursor,
    }))
}

/// A new contact: the fields of `kith add`.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    pub name: Option<String>,
    #[serde(default)]
    pub emails: Vec<String>,
    #[serde(default)]
    pub phones: Vec<String>,
    #[serde(default)]
    pub links: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub organisation: Option<String>,
    pub title: Option<String>,
    pub function: Option<String>,
    pub industry: Option<String>,
    pub location: Option<String>,
    pub timezone: Option<String>,
    pub birthday: Option<String>,
    pub how_met: Option<String>,
    /// A contact id.
    pub introduced_by: Option<i64>,
    pub notes: Option<String>,
    /// The contact's own rhythm: `30d`, `3 months`.
    pub cadence: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub nickname: Option<String>,
    /// Add it even when it looks like someone already in your contacts
    /// (the same e-mail, phone number, LinkedIn profile or name); without
    /// it such a contact is refused with 409 `possible_duplicate`, which
    /// names them.
    #[serde(default)]
    pub allow_duplicate: bool,
}

impl ContactInput {
    fn fields(&self) -> contacts::ContactFields {
        contacts::ContactFields {
            emails: self.emails.clone(),
            phones: self.phones.clone(),
            links: self.links.clone(),
            tags: self.tags.clone(),
            organisation: self.organisation.clone(),
            title: self.title.clone(),
            function: self.function.clone(),
            industry: self.industry.clone(),
            location: self.location.clone(),
            timezone: self.timezone.clone(),
            birthday: self.birthday.clone(),
            how_met: self.how_met.clone(),
            introduced_by: self.introduced_by.map(|id| Who::Id(ContactId(id))),
            notes: self.notes.clone(),
            cadence: self.cadence.clone(),
            given_name: self.given_name.clone(),
            family_name: self.family_name.clone(),
            nickname: self.nickname.clone(),
        }
    }
}

/// Adds a contact, unless it looks like someone already there (409
/// `possible_duplicate`; `allow_duplicate` adds it anyway).
#[utoipa::path(post, path = "/contacts", tag = "contacts", request_body = ContactInput,
    responses((status = 201, body = ContactOut), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_contact(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Body(input): Body<ContactInput>,
) -> ApiResult<Response> {
    let input = contacts::ContactInput {
        name: input
            .name
            .clone()
            .ok_or_else(|| WebError::invalid("name", "is required"))?,
        fields: input.fields(),
        allow_duplicate: input.allow_duplicate,
    };
    let c = contacts::add(&state.store, user.id, &input, Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(ContactOut::from(&c))).into_response())
}

/// A contact.
#[utoipa::path(get, path = "/contacts/{id}", tag = "contacts", params(("id" = i64, Path)),
    responses((status = 200, body = ContactOut), (status = 404, body = ErrorBody)))]
pub async fn get_contact(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Json<ContactOut>> {
    let c = state
        .store
        .contact(user.id, ContactId(path_id(&id)?))
        .await?;
    Ok(Json(ContactOut::from(&c)))
}

/// A change: scalar fields set (an empty string clears), lists added to and
/// removed from, archived or not.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ContactChange {
    #[serde(flatten)]
    #[schema(inline)]
    pub set: ContactInput,
    #[serde(default)]
    pub remove_emails: Vec<String>,
    #[serde(default)]
    pub remove_phones: Vec<String>,
    #[serde(default)]
    pub remove_links: Vec<String>,
    #[serde(default)]
    pub remove_tags: Vec<String>,
    pub archived: Option<bool>,
}

/// Changes a contact.
#[utoipa::path(patch, path = "/contacts/{id}", tag = "contacts", params(("id" = i64, Path)),
    request_body = ContactChange,
    responses((status = 200, body = ContactOut,
        headers(("Link" = String, description = "When it archived the contact: `</api/v1/undo/{id}>; rel=\"undo\"`, where a POST undoes the archiving for 30 minutes"))),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_contact(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    Body(change): Body<ContactChange>,
) -> ApiResult<Response> {
    let id = ContactId(path_id(&id)?);
    state.store.contact(user.id, id).await?;
    let changes = contacts::ContactChanges {
        name: change.set.name.clone(),
        fields: change.set.fields(),
        remove_emails: change.remove_emails.clone(),
        remove_phones: change.remove_phones.clone(),
        remove_links: change.remove_links.clone(),
        remove_tags: change.remove_tags.clone(),
        // Archiving goes on its own below, so it can be undone.
        archived: change.archived.filter(|a| !a),
    };
    let patch = contacts::patch(&state.store, user.id, &changes).await?;
    let now = Utc::now();
    let mut c = contacts::update(&state.store, user.id, id, &patch, now).await?;
    let mut undo = None;
    if change.archived == Some(true) {
        undo = state
            .store
            .archive_contact(user.id, id, now)
            .await?
            .map(|u| u.id);
        c = state.store.contact(user.id, id).await?;
    }
    Ok(super::with_undo(
        Json(ContactOut::from(&c)).into_response(),
        undo,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LimitQuery {
    /// 1 to 500.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
}

/// A contact's conversations, newest first.
#[utoipa::path(get, path = "/contacts/{id}/conversations", tag = "conversations",
    params(("id" = i64, Path), LimitQuery),
    responses((status = 200, body = Vec<ConversationOut>), (status = 404, body = ErrorBody)))]
pub async fn contact_conversations(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    Params(q): Params<LimitQuery>,
) -> ApiResult<Json<Vec<ConversationOut>>> {
    let id = ContactId(path_id(&id)?);
    state.store.contact(user.id, id).await?;
    let found = state
        .store
        .conversations_with(user.id, id, limit(q.limit, 50)?)
        .await?;
    Ok(Json(found.iter().map(Into::into).collect()))
}

/// A conversation to log: the fields of `kith log`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConversationInput {
    /// Contact ids; to-dos belong to the first.
    pub with: Vec<i64>,
    /// `zoom`, `meet`, `teams`, `jitsi`, `video`, `phone`, `coffee`, `in-person`, `email`, `message`.
    pub via: String,
    /// When it happened (default now): `2026-11-20 14:30`, RFC 3339, `yesterday`.
    pub on: Option<String>,
    pub minutes: Option<String>,
    #[serde(default)]
    pub summary: String,
    /// What I promised.
    #[serde(default)]
    pub todos: Vec<String>,
    /// What they promised.
    #[serde(default)]
    pub their_todos: Vec<String>,
    /// Due date of the to-dos.
    pub by: Option<String>,
    /// Ask me to report back once my to-dos are done.
    #[serde(default)]
    pub loop_back: bool,
    /// People they will introduce me to.
    #[serde(default)]
    pub intros: Vec<String>,
    /// `regular` (default) or `informational`.
    pub kind: Option<String>,
    /// `skill: …`, `path: …`, or a note.
    #[serde(default)]
    pub learned: Vec<String>,
    /// A goal id.
    pub goal: Option<i64>,
}

/// The logged conversation and the follow-ups it created.
#[derive(Serialize, ToSchema)]
pub struct Logged {
    pub conversation: ConversationOut,
    pub follow_ups: Vec<i64>,
}

/// Logs a conversation with its homework, in one transaction.
#[utoipa::path(post, path = "/conversations", tag = "conversations", request_body = ConversationInput,
    responses((status = 201, body = Logged), (status = 422, body = ErrorBody)))]
pub async fn log_conversation(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Body(input): Body<ConversationInput>,
) -> ApiResult<Response> {
    if input.with.is_empty() {
        return Err(WebError::invalid("with", "name at least one contact id").into());
    }
    let input = log::LogInput {
        with: input
            .with
            .iter()
            .map(|id| Who::Id(ContactId(*id)))
            .collect(),
        summary: input.summary,
        via: input.via,
        on: input.on,
        minutes: input.minutes,
        todos: input.todos,
        their_todos: input.their_todos,
        by: input.by,
        loop_back: input.loop_back,
        intros: input.intros,
        kind: input.kind,
        learned: input.learned,
        goal: input.goal.map(|g| g.to_string()),
    };
    let (_, logged) = log::log(&state.store, &user, Utc::now(), &input).await?;
    let stored = state.store.conversation(user.id, logged.id).await?;
    let body = Logged {
        conversation: (&stored).into(),
        follow_ups: logged.follow_ups.iter().map(|f| f.0).collect(),
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GoalQuery {
    /// Include done and dropped goals.
    all: Option<bool>,
}

/// Goals with their progress.
#[utoipa::path(get, path = "/goals", tag = "goals", params(GoalQuery),
    responses((status = 200, body = Vec<GoalOut>)))]
pub async fn list_goals(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Params(q): Params<GoalQuery>,
) -> ApiResult<Json<Vec<GoalOut>>> {
    let date = agenda::today(Utc::now(), user.timezone);
    let goals = state.store.goals(user.id, q.all.unwrap_or(false)).await?;
    Ok(Json(
        goals
            .iter()
            .map(|(g, n)| GoalOut::new(g, &progress(g, *n, date)))
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalInput {
    pub title: String,
    /// `new-role`, `new-skill`, `industry-change`, `reconnect`, `internal`, `custom`.
    pub kind: String,
    pub industry: Option<String>,
    pub function: Option<String>,
    pub company: Option<String>,
    pub skill: Option<String>,
    pub by: Option<String>,
    pub target: Option<u32>,
}

/// Sets a goal.
#[utoipa::path(post, path = "/goals", tag = "goals", request_body = GoalInput,
    responses((status = 201, body = GoalOut), (status = 422, body = ErrorBody)))]
pub async fn create_goal(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Body(input): Body<GoalInput>,
) -> ApiResult<Response> {
    let now = Utc::now();
    let date = agenda::today(now, user.timezone);
    let args = NewGoalInput {
        title: input.title,
        kind: input.kind,
        industry: input.industry,
        function: input.function,
        company: input.company,
        skill: input.skill,
        by: input.by,
        target: input.target,
    };
    let goal = new_goal(&args, date)?;
    let id = state
        .store
        .add_goal(user.id, &goal, GoalStatus::Active, now)
        .await?;
    let (stored, n) = state.store.goal(user.id, id).await?;
    Ok((
        StatusCode::CREATED,
        Json(GoalOut::new(&stored, &progress(&stored, n, date))),
    )
        .into_response())
}

/// A goal.
#[utoipa::path(get, path = "/goals/{id}", tag = "goals", params(("id" = i64, Path)),
    responses((status = 200, body = GoalOut), (status = 404, body = ErrorBody)))]
pub async fn get_goal(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Json<GoalOut>> {
    let (g, n) = state.store.goal(user.id, GoalId(path_id(&id)?)).await?;
    let date = agenda::today(Utc::now(), user.timezone);
    Ok(Json(GoalOut::new(&g, &progress(&g, n, date))))
}

/// Who is due for a check-in, most pressing first, and why.
#[utoipa::path(get, path = "/due", tag = "keeping in touch", params(LimitQuery),
    responses((status = 200, body = Vec<DueOut>)))]
pub async fn due(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Params(q): Params<LimitQuery>,
) -> ApiResult<Response> {
    let n = limit(q.limit, 50)? as usize;
    let view = state.memo.due(&state.store, &user, Utc::now()).await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], view.json(n)).into_response())
}

/// One open follow-up on the agenda.
#[derive(Serialize, ToSchema)]
pub struct AgendaItem {
    /// The follow-up's id.
    pub id: i64,
    pub contact: i64,
    pub contact_name: String,
    pub text: String,
    pub when: Option<String>,
    /// Mine, and I said I would tell them once it is done.
    pub loop_back: bool,
}

/// Today's agenda.
#[derive(Serialize, ToSchema)]
pub struct TodayOut {
    pub date: String,
    pub due: Vec<DueOut>,
    pub due_total: usize,
    pub follow_ups_due: Vec<AgendaItem>,
    pub loop_backs: Vec<AgendaItem>,
    pub introductions: Vec<AgendaItem>,
    pub nudges: Vec<AgendaItem>,
}

/// Today: who to reach, my follow-ups due, loop-backs, introductions, nudges.
#[utoipa::path(get, path = "/today", tag = "keeping in touch",
    responses((status = 200, body = TodayOut)))]
pub async fn today(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> ApiResult<Json<TodayOut>> {
    let now = Utc::now();
    let ranking = state.memo.ranking(&state.store, &user, now).await?;
    let t = Today::with(&state.store, &user, now, ranking).await?;
    let items = |list: &[agenda::Item]| -> Vec<AgendaItem> {
        list.iter()
            .map(|i| AgendaItem {
                id: i.id,
                contact: i.contact_id,
                contact_name: i.contact.clone(),
                text: i.text.clone(),
                when: i.when.clone(),
                loop_back: i.loop_back,
            })
            .collect()
    };
    Ok(Json(TodayOut {
        date: t.date().to_string(),
        due: t.people().iter().map(Into::into).collect(),
        due_total: t.due_total(),
        follow_ups_due: items(&t.agenda().follow_ups),
        loop_backs: items(&t.agenda().loop_backs),
        introductions: items(&t.agenda().introductions),
        nudges: items(&t.agenda().nudges),
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words to look for.
    #[param(min_length = 1)]
    q: String,
    /// 1 to 500, default 20.
    #[param(minimum = 1, maximum = 500)]
    limit: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct SearchOut {
    pub contacts: Vec<ContactSummaryOut>,
    pub conversations: Vec<ConversationOut>,
}

/// Searches contacts and conversations.
#[utoipa::path(get, path = "/search", tag = "contacts", params(SearchQuery),
    responses((status = 200, body = SearchOut), (status = 422, body = ErrorBody)))]
pub async fn search(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Params(q): Params<SearchQuery>,
) -> ApiResult<Json<SearchOut>> {
    if q.q.trim().is_empty() {
        return Err(WebError::invalid("q", "must not be empty").into());
    }
    let found = state
        .store
        .search(user.id, &q.q, limit(q.limit, 20)?)
        .await?;
    Ok(Json(SearchOut {
        contacts: found.contacts.iter().map(Into::into).collect(),
        conversations: found.conversations.iter().map(Into::into).collect(),
    }))
}
