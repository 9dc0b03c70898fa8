//! The tools that change data: offered only to a full token, and each
//! through the same validation as the web; done and drop can be undone
//! (the `undo` tool) for as long as on the web.

use chrono::Utc;
use kith_app::json::{self as shape, MeetingOut};
use kith_app::meetings::{self, ModeInput, NewMeetingInput};
use kith_app::resolve::Who;
use kith_app::snooze::{self, Snooze};
use kith_app::tokens::ApiAccess;
use kith_app::{AppError, Field, follow_ups, log, undo};
use kith_core::follow_up::Owner;
use kith_core::ids::{FollowUpId, MeetingId, UndoId};
use rmcp::handler::server::tool::Extension;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::{Json, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{named, to_value};
use crate::Kith;
use crate::errors::{Refusal, refusal};

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LogArgs {
    /// Who it was with: ids (`#12`) or parts of names. To-dos belong to the first.
    pub with: Vec<String>,
    /// The channel: zoom, meet, teams, jitsi, video, phone, coffee, in-person, email or message.
    pub via: String,
    /// When it happened, default now: `2026-11-20 14:30`, `yesterday`, RFC 3339.
    pub when: Option<String>,
    /// How long, in minutes (`45`, `1h`).
    pub minutes: Option<String>,
    /// What was talked about.
    #[serde(default)]
    pub summary: String,
    /// What I promised to do.
    #[serde(default)]
    pub my_todos: Vec<String>,
    /// What they promised to do.
    #[serde(default)]
    pub their_todos: Vec<String>,
    /// When the to-dos are due: `friday`, `2026-12-01`, `in 2 weeks`.
    pub by: Option<String>,
    /// Remind me to report back to them once my to-dos are done.
    #[serde(default)]
    pub loop_back: bool,
    /// People they will introduce me to (names; new ones become contacts).
    #[serde(default)]
    pub introductions: Vec<String>,
    /// `regular` (default) or `informational` (an informational interview).
    pub kind: Option<String>,
    /// What I learned: `skill: …`, `path: …`, or a note.
    #[serde(default)]
    pub learned: Vec<String>,
    /// A goal it counts towards: its id or part of its title.
    pub goal: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Logged {
    /// The conversation as stored.
    pub conversation: Value,
    /// The ids of the follow-ups it made.
    pub follow_ups: Vec<i64>,
    /// The people to be introduced, as contacts (new ones were added).
    pub introduced: Vec<Value>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpArgs {
    /// Whom it is with: an id (`#12`) or part of their name.
    pub contact: String,
    /// What is to be done, one line.
    pub title: String,
    /// `mine` (default: I owe it) or `theirs` (they owe it).
    pub whose: Option<String>,
    /// When it is due: `friday`, `2026-12-01`, `in 2 weeks`.
    pub by: Option<String>,
    /// Once done, remind me to report back to them (mine only).
    #[serde(default)]
    pub loop_back: bool,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct FollowUpOut {
    /// The follow-up as stored, with its id.
    pub follow_up: Value,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteArgs {
    /// The follow-up's id (from `today`, `show_contact` or `add_follow_up`).
    pub id: i64,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Completed {
    /// The follow-up, now done.
    pub done: Value,
    /// The loop-back it made (report back to them), if it asked for one.
    pub loop_back: Option<Value>,
    /// How to take it back: its `id` for the `undo` tool, and `until` when.
    pub undo: Value,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EditArgs {
    /// The follow-up's id.
    pub id: i64,
    /// The new text, one line.
    pub title: Option<String>,
    /// `mine` (I owe it) or `theirs` (they owe it).
    pub whose: Option<String>,
    /// The new due date (`friday`, `2026-12-01`, `in 2 weeks`); an empty text clears it.
    pub by: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Dropped {
    /// The follow-up, now dropped.
    pub dropped: Value,
    /// How to take it back: its `id` for the `undo` tool, and `until` when.
    pub undo: Value,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UndoArgs {
    /// Which action (an id from `recent_actions`, or the `undo` of a done or
    /// drop); the most recent one without it.
    pub id: Option<i64>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct UndoneOut {
    pub id: i64,
    /// `done`, `drop` or `archive`.
    pub kind: String,
    /// What was taken back, in words.
    pub label: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SnoozeArgs {
    /// Whom to snooze: an id (`#12`) or part of their name.
    pub contact: String,
    /// Until this day (`friday`, `2027-01-10`); it must be after today.
    pub until: Option<String>,
    /// For this long: `2w`, `10d`, `3 months`.
    #[serde(rename = "for")]
    pub duration: Option<String>,
    /// Wake them now instead.
    #[serde(default)]
    pub wake: bool,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Snoozed {
    pub contact: Value,
    /// When the snooze ends (RFC 3339); null when they are awake.
    pub snoozed_until: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleArgs {
    /// Who: ids (`#12`) or parts of names.
    pub with: Vec<String>,
    /// When it starts, in the user's zone or with an offset: `2026-12-03 10:00`, `friday 15:30`.
    pub at: String,
    /// How long, in minutes (default 30).
    pub minutes: Option<u32>,
    /// What it is about (default "Meeting with NAMES").
    pub title: Option<String>,
    /// Where: `where` (a place), `zoom`, `meet`, `teams`, `jitsi` (a new room) or `phone`.
    pub how: String,
    /// The place, the meeting link or the phone number (nothing for jitsi).
    #[serde(default)]
    pub detail: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct MeetingAnswer {
    /// The meeting as stored, with its id, UID and sequence.
    pub meeting: Value,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConvertArgs {
    /// The meeting's id.
    pub meeting: i64,
    /// The new kind: `zoom`, `meet`, `teams`, `jitsi` or `phone` (or `where`).
    pub how: String,
    /// The link or number (nothing for jitsi).
    #[serde(default)]
    pub detail: String,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingArgs {
    /// The meeting's id.
    pub meeting: i64,
}

/// Whose a follow-up is, as typed: `mine` or `theirs`.
fn whose(text: Option<&str>) -> Result<Option<Owner>, Refusal> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some("mine" | "me") => Ok(Some(Owner::Me)),
        Some("theirs" | "them") => Ok(Some(Owner::Them)),
        Some(other) => Err(format!("invalid whose: '{other}' is not mine or theirs")),
    }
}

// ---- the tools ----

#[tool_router(router = write_tools, vis = "pub(super)")]
impl Kith {
    #[tool(
        description = "Log a conversation that happened: with whom, on which channel, when, a summary, homework both ways (my_todos, their_todos, by), a loop-back, introductions they will make, a goal it counts towards and what I learned. Closes the loop-backs and introductions it fulfils.",
        annotations(read_only_hint = false, destructive_hint = false)
    )]
    async fn log_conversation(
        &self,
        Extension(me): Extension<ApiAccess>,
        Parameters(args): Parameters<LogArgs>,
    ) -> Result<Json<Logged>, Refusal> {
        if args.with.iter().all(|w| w.trim().is_empty()) {
            return Err("invalid with: name at least one person you talked to".into());
        }
        let input = log::LogInput {
            with: args.with.iter().map(|w| Who::Named(w.clone())).collect(),
            summary: args.summary,
            via: args.via,
            on: args.when,
            minutes: args.minutes,
            todos: args.my_todos,
            their_todos: args.their_todos,
            by: args.by,
            loop_back: args.loop_back,
            intros: args.introductions,
            kind: args.kind,
            learned: args.learned,
            goal: args.goal,
        };
        let run = async {
            let (_, logged) = log::log(&self.store, &me.user, Utc::now(), &input).await?;
            let stored = self.store.conversation(me.user.id, logged.id).await?;
            Ok::<_, AppError>(Logged {
                conversation: shape::conversation(&stored),
                follow_ups: logged.follow_ups.iter().map(|f| f.0).collect(),
                introduced: logged.introduced.iter().map(shape::contact_ref).collect(),
            })
        };
        run.await.map(Json).map_err(|e| refusal(e, &[], "with"))
    }

    #[tool(
        description = "Add a follow-up (homework) with a contact outside a conversation: something I owe them (whose = mine) or they owe me (whose = theirs), with an optional due date and loop-back.",
        annotations(read_only_hint = false, destructive_hint = false)
    )]
    async fn add_follow_up(
        &self,
        Extension(me): Extension<ApiAccess>,
        Parameters(args): Parameters<FollowUpArgs>,
    ) -> Result<Json<FollowUpOut>, Refusal> {
        let input = follow_ups::FollowUpInput {
            contact: named("contact", &args.contact)?,
            title: args.title,
            owner: whose(args.whose.as_deref())?.unwrap_or(Owner::Me),
            by: args.by,
            loop_back: args.loop_back,
        };
        follow_ups::add(&self.store, &me.user, Utc::now(), &input)
            .await
            .map(|f| {
                Json(FollowUpOut {
                    follow_up: shape::follow_up(&f),
                })
            })
            .map_err(|e| refusal(e, &[], "contact"))
    }

    #[tool(
        description = "Mark an open follow-up done by its id. When it asked for a loop-back, the loop-back it makes comes back too.",
        annotations(read_only_hint = false, destructive_hint = false)
    )]
    async fn complete_follow_up(
        &self,
        Extension(me): Extension<ApiAccess>,
        Parameters(args): Parameters<CompleteArgs>,
    ) -> Result<Json<Completed>, Refusal> {
        let (done, loop_back, undo) = self
            .store
            .complete_follow_up_undoable(me.user.id, FollowUpId(args.id), Utc::now())
            .await
            .map_err(|e| refusal(e.into(), &[], "id"))?;
        Ok(Json(Completed {
            done: shape::follow_up(&done),
            loop_back: loop_back.as_ref().map(shape::follow_up),
            undo: shape::undoable(&undo),
        }))
    }

    #[tool(
        description = "Correct a follow-up by its id: its text (title), whose it is (whose: mine or theirs) or its due date (by; an empty by clears it). What is left out stays as it is.",
        annotations(read_only_hint = false, destructive_hint = false)
    )]
    async fn edit_follow_up(
        &self,
        Extension(me): Extension<ApiAccess>,
        Parameters(args): Parameters<EditArgs>,
    ) -> Result<Json<FollowUpOut>, Refusal> {
        let input = follow_ups::EditInput {
            title: args.title,
            owner: whose(args.whose.as_deref())?,
            by: args.by.map(Some),
        };
        let id = FollowUpId(args.id);
        let run = async {
            self.store.follow_up(me.user.id, id).await?;
            follow_ups::edit(&self.store, &me.user, Utc::now(), id, &input).await
        };
        run.await
            .map(|f| {
                Json(FollowUpOut {
                    follow_up: shape::follow_up(&f),
                })
            })
            .map_err(|e| refusal(e, &[], "id"))
    }

    #[tool(
        description = "Drop an open follow-up by its id: it will not be done and leaves the agenda. The undo tool takes it back for 30 minutes.",
        annotations(read_only_hint = false, destructive_hint = true)
    )]
    async fn drop_follow_up(
        &self,
        Extension(me): Extension<ApiAccess>,
        Parameters(args): Parameters<CompleteArgs>,
    ) -> Result<Json<Dropped>, Refusal> {
        let (dropped, undo) = self
            .store
            .drop_follow_up_undoable(me.user.id, FollowUpId(args.id), Utc::now())
            .await
            .map_err(|e| refusal(e.into(), &[], "id"))?;
        Ok(Json(Dropped {
            dropped: shape::follow_up(&dropped),
            undo: shape::undoable(&undo),
        }))
    }

    #[tool(
        description = "Take back a recent done, drop or archive (within 30 minutes): the one with this id (from recent_actions, or the undo a done or drop answered), or the most recent one. Refused, with nothing changed, when it was undone already, is too old, or was changed since.",
        annotations(read_only_hint = false, destructive_hint = false)
    )]
    async fn undo(
        &self,
        Extension(me): Extension<ApiAccess>,
        Parameters(args): Parameters<UndoArgs>,
    ) -> Result<Json<UndoneOut>, Refusal> {
        let undone = undo::undo(&self.store, &me.user, Utc::now(), args.id.map(UndoId))
            .await
            .map_err(|e| refusal(e, &[], "id"))?;
        Ok(Json(UndoneOut {
            id: undone.id.0,
            kind: undone.kind.as_str().to_owned(),
            label: undone.label,
        }))
    }

    #[tool(
        description = "Snooze a contact: leave them out of who is due until a day (until) or for a while (for), or wake them again (wake). Give exactly one of until, for and wake.",
        annotations(read_only_hint = false, destructive_hint = false)
    )]
    async fn snooze(
        &self,
        Extension(me): Extension<ApiAccess>,
        Parameters(args): Parameters<SnoozeArgs>,
    ) -> Result<Json<Snoozed>, Refusal> {
        let how = match (args.until, args.duration, args.wake) {
            (Some(until), None, false) => Snooze::Until(until),
            (None, Some(span), false) => Snooze::For(span),
            (None, None, true) => Snooze::Off,
            _ => return Err("invalid until: give exactly one of until, for and wake".into()),
        };
        let who = named("contact", &args.contact)?;
        let names = [(Field::When, "until"), (Field::Cadence, "for")];
        let (contact, until) = snooze::snooze(&self.store, &me.user, Utc::now(), &who, &how)
            .await
            .map_err(|e| refusal(e, &names, "contact"))?;
        Ok(Json(Snoozed {
            contact: shape::contact_ref(&contact),
            snoozed_until: until.map(|t| t.to_rfc3339()),
        }))
    }

    #[tool(
        description = "Schedule a meeting with one or more contacts: when (at), how long, a title, and where (how: where, zoom, meet, teams, jitsi or phone, with the place, link or number as detail).",
        annotations(read_only_hint = false, destructive_hint = false)
    )]
    async fn schedule_meeting(
        &self,
        Extension(me): Extension<ApiAccess>,
        Parameters(args): Parameters<ScheduleArgs>,
    ) -> Result<Json<MeetingAnswer>, Refusal> {
        if args.with.iter().all(|w| w.trim().is_empty()) {
            return Err("invalid with: name at least one person to meet".into());
        }
        if let Some(name) = args.with.iter().find(|w| w.contains(',')) {
            return Err(format!(
                "invalid with: '{name}' holds a comma; give one person per entry"
            ));
        }
        let now = Utc::now();
        let run = async {
            let draft = NewMeetingInput {
                with: args.with.join(","),
                at: args.at,
                minutes: args.minutes.unwrap_or(30).to_string(),
                mode: ModeInput::parse(&args.how, &args.detail)?,
                title: args.title,
            };
            let meeting = meetings::new_meeting(&self.store, &me.user, now, &draft).await?;
            let id = self.store.add_meeting(me.user.id, &meeting, now).await?;
            let stored = self.store.meeting(me.user.id, id).await?;
            Ok::<_, AppError>(MeetingAnswer {
                meeting: to_value(MeetingOut::from(&stored)),
            })
        };
        run.await.map(Json).map_err(|e| refusal(e, &[], "with"))
    }

    #[tool(
        description = "Move a meeting online (or back to a place or phone): how is zoom, meet, teams, jitsi (a new room), phone or where, with the link, number or place as detail. Attendees get an updated invitation.",
        annotations(read_only_hint = false, destructive_hint = false)
    )]
    async fn convert_meeting(
        &self,
        Extension(me): Extension<ApiAccess>,
        Parameters(args): Parameters<ConvertArgs>,
    ) -> Result<Json<MeetingAnswer>, Refusal> {
        let run = async {
            let id = MeetingId(args.meeting);
            self.store.meeting(me.user.id, id).await?;
            let input = ModeInput::parse(&args.how, &args.detail)?;
            let mode = meetings::mode(&self.store, &me.user, &input).await?;
            let m = self
                .store
                .change_meeting_mode(me.user.id, id, &mode, Utc::now())
                .await?;
            Ok::<_, AppError>(MeetingAnswer {
                meeting: to_value(MeetingOut::from(&m)),
            })
        };
        run.await.map(Json).map_err(|e| refusal(e, &[], "meeting"))
    }

    #[tool(
        description = "Cancel a meeting by its id.",
        annotations(read_only_hint = false, destructive_hint = true)
    )]
    async fn cancel_meeting(
        &self,
        Extension(me): Extension<ApiAccess>,
        Parameters(args): Parameters<MeetingArgs>,
    ) -> Result<Json<MeetingAnswer>, Refusal> {
        let m = self
            .store
            .cancel_meeting(me.user.id, MeetingId(args.meeting), Utc::now())
            .await
            .map_err(|e| refusal(e.into(), &[], "meeting"))?;
        Ok(Json(MeetingAnswer {
            meeting: to_value(MeetingOut::from(&m)),
        }))
    }
}
