//! The calendar: meetings (with convert-to-virtual and the invitation as a
//! download), outreach blocks, the plan for the coming weeks, and the secret
//! iCalendar feed.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use kith_core::goal::Goal;
use kith_core::ids::{MeetingId, OutreachBlockId};
use kith_core::meeting::Meeting;
use kith_core::outreach::OutreachBlock;
use kith_store::{MeetingFilter, TokenScope};
use serde::Deserialize;

use super::{
    Chrome, Form, PageResult, id_from, redirect_with, redirect_with_error, render_form_page,
};
use crate::AppState;
use crate::auth::Viewer;
use crate::error::WebError;
use kith_app::blocks::{self, NewBlockInput};
use kith_app::calendar::{self, BlockPlan};
use kith_app::meetings::{self, ModeInput, NewMeetingInput};

/// Weeks of outreach blocks the page plans.
const PLAN_WEEKS: u32 = 2;

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    chrome: Chrome,
    coming: Vec<Meeting>,
    to_log: Vec<Meeting>,
    blocks: Vec<OutreachBlock>,
    plan: Vec<BlockPlan>,
    goals: Vec<Goal>,
    tz: kith_core::values::TimeZone,
    /// This server sends e-mail: offer to send invitations.
    mail: bool,
    /// The meeting form: empty, or what was typed when it was refused.
    meet: MeetForm,
    /// Why the meeting form was refused.
    meet_error: Option<String>,
}

impl CalendarPage {
    fn when(&self, at: &chrono::DateTime<Utc>) -> String {
        kith_app::words::date_time(*at, self.tz)
    }

    fn goal_title(&self, id: &Option<kith_core::ids::GoalId>) -> String {
        id.and_then(|id| self.goals.iter().find(|g| g.id == id))
            .map(|g| g.title.clone())
            .unwrap_or_default()
    }
}

pub async fn page(State(state): State<AppState>, viewer: Viewer, headers: HeaderMap) -> PageResult {
    calendar_page(&state, &viewer, &headers, None).await
}

async fn calendar_page(
    state: &AppState,
    viewer: &Viewer,
    headers: &HeaderMap,
    meet: Option<(MeetForm, String)>,
) -> PageResult {
    let now = Utc::now();
    let me = &viewer.user;
    let coming = state
        .store
        .meetings(
            me.id,
            &MeetingFilter {
                ends_after: Some(now),
                ..MeetingFilter::default()
            },
        )
        .await?;
    let (_, to_log) = kith_app::agenda::meetings(&state.store, me, now).await?;
    let blocks = state.store.blocks(me.id).await?;
    let plan = calendar::plan(&state.store, me, now, PLAN_WEEKS).await?;
    let goals = state
        .store
        .goals(me.id, false)
        .await?
        .into_iter()
        .map(|(g, _)| g)
        .collect();
    let (meet, meet_error) = match meet {
        Some((form, why)) => (form, Some(why)),
        None => (MeetForm::default(), None),
    };
    let refused = meet_error.is_some();
    render_form_page(
        &CalendarPage {
            chrome: Chrome::new(viewer, "calendar", headers),
            coming,
            to_log,
            blocks,
            plan,
            goals,
            tz: me.timezone,
            mail: state.config.mail.is_some(),
            meet,
            meet_error,
        },
        refused,
    )
}

/// Where a meeting happens, as the forms post it: a kind and its detail.
#[derive(Deserialize, Default)]
pub struct ModeForm {
    how: String,
    #[serde(default)]
    detail: String,
}

impl ModeForm {
    fn input(&self) -> Result<ModeInput, WebError> {
        Ok(ModeInput::parse(&self.how, &self.detail)?)
    }
}

#[derive(Deserialize)]
pub struct MeetForm {
    with: String,
    at: String,
    #[serde(default)]
    minutes: String,
    #[serde(default)]
    title: String,
    #[serde(flatten)]
    mode: ModeForm,
}

/// A fresh form: half an hour, in person.
impl Default for MeetForm {
    fn default() -> Self {
        Self {
            with: String::new(),
            at: String::new(),
            minutes: "30".into(),
            title: String::new(),
            mode: ModeForm {
                how: "where".into(),
                detail: String::new(),
            },
        }
    }
}

pub async fn create_meeting(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    Form(form): Form<MeetForm>,
) -> PageResult {
    let now = Utc::now();
    let result = async {
        let draft = NewMeetingInput {
            with: form.with.clone(),
            at: form.at.clone(),
            minutes: Some(form.minutes.trim().to_owned())
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| "30".into()),
            mode: form.mode.input()?,
            title: Some(form.title.trim().to_owned()).filter(|t| !t.is_empty()),
        };
        let meeting = meetings::new_meeting(&state.store, &viewer.user, now, &draft).await?;
        let id = state
            .store
            .add_meeting(viewer.user.id, &meeting, now)
            .await?;
        Ok::<_, WebError>((id, meeting.starts_at < now))
    }
    .await;
    match result {
        // A meeting that already happened (noted after the fact) waits in
        // "log them" at the top rather than among the coming ones.
        Ok((_, true)) => Ok(redirect_with(
            "/calendar#to-log",
            "Meeting noted. It is in the past: say how it went under \"Meetings that happened\".",
        )),
        Ok((id, false)) => Ok(redirect_with(
            &format!("/calendar#meeting-{id}"),
            "Meeting scheduled. Download its invitation to send it.",
        )),
        Err(WebError::Internal(e)) => Err(WebError::Internal(e).into()),
        // The page again, with the form open, what was typed kept, and why.
        Err(e) => calendar_page(&state, &viewer, &headers, Some((form, e.message()))).await,
    }
}

async fn own_meeting(
    state: &AppState,
    viewer: &Viewer,
    id: &str,
) -> Result<Meeting, super::PageError> {
    let id = MeetingId(id_from(id)?);
    Ok(state.store.meeting(viewer.user.id, id).await?)
}

/// The convert form: where the meeting moves, and whether to e-mail the
/// update.
#[derive(Deserialize)]
pub struct ConvertForm {
    #[serde(flatten)]
    mode: ModeForm,
    send: Option<String>,
}

/// Another place for the same event: same UID, next SEQUENCE.
pub async fn convert(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<ConvertForm>,
) -> PageResult {
    let meeting = own_meeting(&state, &viewer, &id).await?;
    let result = async {
        let mode = meetings::mode(&state.store, &viewer.user, &form.mode.input()?).await?;
        Ok::<_, WebError>(
            state
                .store
                .change_meeting_mode(viewer.user.id, meeting.id, &mode, Utc::now())
                .await?,
        )
    }
    .await;
    match result {
        Ok(m) if form.send.is_some() => Ok(send_invitation(&state, &viewer, &m).await),
        Ok(m) => Ok(redirect_with(
            &format!("/calendar#meeting-{}", m.id),
            &format!(
                "Now {}. Download the updated invitation (sequence {}) and send it: calendars update the event.",
                m.mode.describe(),
                m.sequence
            ),
        )),
        Err(WebError::Internal(e)) => Err(WebError::Internal(e).into()),
        Err(e) => Ok(redirect_with_error("/calendar", &e.message())),
    }
}

#[derive(Deserialize)]
pub struct CancelForm {
    send: Option<String>,
}

pub async fn cancel(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<CancelForm>,
) -> PageResult {
    let meeting = own_meeting(&state, &viewer, &id).await?;
    let cancelled = state
        .store
        .cancel_meeting(viewer.user.id, meeting.id, Utc::now())
        .await?;
    if form.send.is_some() {
        return Ok(send_invitation(&state, &viewer, &cancelled).await);
    }
    Ok(redirect_with(
        "/calendar",
        "Meeting cancelled. Download its cancellation to send it.",
    ))
}

/// E-mails the meeting's invitation (or cancellation) to its attendees.
pub async fn send(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    let meeting = own_meeting(&state, &viewer, &id).await?;
    Ok(send_invitation(&state, &viewer, &meeting).await)
}

/// Queues the invitation and says what happened.
async fn send_invitation(state: &AppState, viewer: &Viewer, meeting: &Meeting) -> Response {
    let back = format!("/calendar#meeting-{}", meeting.id);
    if state.config.mail.is_none() {
        return redirect_with_error(
            &back,
            "This server sends no e-mail (no SMTP server is set up): download the invitation and send it yourself.",
        );
    }
    match kith_app::mail::queue_invitation(&state.store, &viewer.user, meeting, Utc::now()).await {
        Ok(queued) => {
            state.mail_wake.notify_one();
            let mut words = match queued.id {
                Some(_) => format!("Invitation on its way to {}.", queued.to.join(", ")),
                None => {
                    "This version of the invitation was sent already (see Settings, E-mail).".into()
                }
            };
            if !queued.missing.is_empty() {
                words.push_str(&format!(
                    " Left out (no e-mail address): {}.",
                    queued.missing.join(", ")
                ));
            }
            redirect_with(&back, &words)
        }
        Err(e) => redirect_with_error(&back, &super::label::said(&e)),
    }
}

#[derive(Deserialize)]
pub struct SummaryForm {
    #[serde(default)]
    summary: String,
    /// The page the form was on (the dashboard has one too).
    back: Option<String>,
}

pub async fn log(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<SummaryForm>,
) -> PageResult {
    let meeting = own_meeting(&state, &viewer, &id).await?;
    let back = crate::auth::safe_next(Some(form.back.as_deref().unwrap_or("/calendar")));
    match state
        .store
        .log_meeting(viewer.user.id, meeting.id, form.summary.trim(), Utc::now())
        .await
    {
        Ok(_) => Ok(redirect_with(&back, "Meeting logged as a conversation.")),
        Err(kith_store::StoreError::Invalid { message, .. }) => {
            Ok(redirect_with_error(&back, &message))
        }
        Err(e) => Err(e.into()),
    }
}

/// The iTIP invitation (REQUEST, or CANCEL once cancelled) as a download.
pub async fn invitation(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    let id = id.strip_suffix(".ics").unwrap_or(&id);
    let meeting = own_meeting(&state, &viewer, id).await?;
    match calendar::invitation(&state.store, &viewer.user, &meeting).await {
        Ok(invitation) => Ok((
            [
                (
                    header::CONTENT_TYPE,
                    format!(
                        "text/calendar; charset=utf-8; method={}",
                        invitation.method.as_str()
                    ),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"meeting-{}.ics\"", meeting.id),
                ),
            ],
            invitation.text,
        )
            .into_response()),
        Err(e @ kith_app::AppError::Internal(_)) => Err(WebError::from(e).into()),
        Err(e) => Ok(redirect_with_error("/calendar", &e.to_string())),
    }
}

#[derive(Deserialize)]
pub struct BlockForm {
    days: String,
    at: String,
    #[serde(default)]
    minutes: String,
    #[serde(default)]
    capacity: String,
    #[serde(default)]
    goal: String,
}

pub async fn create_block(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<BlockForm>,
) -> PageResult {
    let number = |field: &str, text: &str, default: u32| -> Result<u32, WebError> {
        match text.trim() {
            "" => Ok(default),
            t => t
                .parse()
                .map_err(|_| WebError::invalid(field, format!("'{t}' is not a whole number"))),
        }
    };
    let result = async {
        let draft = NewBlockInput {
            days: form.days.clone(),
            at: form.at.clone(),
            minutes: number("minutes", &form.minutes, 30)?,
            capacity: number("capacity", &form.capacity, 3)?,
            goal: Some(form.goal.trim().to_owned()).filter(|g| !g.is_empty()),
        };
        let block = blocks::new_block(&state.store, viewer.user.id, &draft).await?;
        Ok::<_, WebError>(
            state
                .store
                .add_block(viewer.user.id, &block, Utc::now())
                .await?,
        )
    }
    .await;
    match result {
        Ok(_) => Ok(redirect_with(
            "/calendar",
            "Outreach block added; see who goes in it below.",
        )),
        Err(WebError::Internal(e)) => Err(WebError::Internal(e).into()),
        Err(e) => Ok(redirect_with_error("/calendar", &e.message())),
    }
}

pub async fn remove_block(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    let id = OutreachBlockId(id_from(&id)?);
    state.store.remove_block(viewer.user.id, id).await?;
    Ok(redirect_with("/calendar", "Outreach block removed."))
}

/// The feed at its secret address: no session, the secret is the key.
pub async fn feed(State(state): State<AppState>, Path(file): Path<String>) -> PageResult {
    let secret = file
        .strip_suffix(".ics")
        .ok_or_else(|| WebError::NotFound("no such feed".into()))?;
    let user = state
        .store
        .token_user(
            &kith_auth::digest(secret),
            TokenScope::Calendar,
            chrono::Utc::now(),
        )
        .await?
        .ok_or_else(|| WebError::NotFound("no such feed".into()))?;
    let text = calendar::ics_feed(&state.store, &user, Utc::now(), PLAN_WEEKS).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (header::CACHE_CONTROL, "private, max-age=300"),
        ],
        text,
    )
        .into_response())
}
