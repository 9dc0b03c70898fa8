//! The tools: each reads its arguments (a JSON Schema from the type), hands
//! them to the same `kith_app` use case the command line and the web call,
//! and answers with a JSON Schema'd object in `kith_app::json`'s shapes, or
//! with a tool error naming the argument to fix.
//!
//! A tool whose annotation says it only reads is offered to a read-only
//! token; every other tool writes.

use chrono::Utc;
use kith_app::agenda::{self, Ranking, Today};
use kith_app::contact_view::ContactView;
use kith_app::coverage::Coverage;
use kith_app::duplicates::{self, Window};
use kith_app::goals::{self, GoalView};
use kith_app::json::{self as shape, DueOut, MeetingOut};
use kith_app::meetings::{self, ModeInput, NewMeetingInput};
use kith_app::resolve::{self, Who};
use kith_app::snooze::{self, Snooze};
use kith_app::tokens::ApiAccess;
use kith_app::{AppError, Field, calendar, follow_ups, log};
use kith_core::follow_up::Owner;
use kith_core::ids::{FollowUpId, MeetingId};
use kith_store::MeetingFilter;
use rmcp::handler::server::tool::Extension;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::{Json, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Kith;
use crate::errors::{Refusal, refusal};

/// At most this many of a list at once.
const MAX_LIMIT: u32 = 200;

fn limit(value: Option<u32>, default: u32) -> Result<u32, Refusal> {
    match value.unwrap_or(default) {
        n if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        n => Err(format!(
            "invalid limit: {n} is not between 1 and {MAX_LIMIT}"
        )),
    }
}

/// `text` as a contact a person named, refused when empty.
fn named(argument: &str, text: &str) -> Result<Who, Refusal> {
    if text.trim().is_empty() {
        return Err(format!(
            "invalid {argument}: give a contact's id (#12) or part of their name"
        ));
    }
    Ok(Who::Named(text.to_owned()))
}

fn to_value(value: impl Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

// ---- arguments and answers ----

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchArgs {
    /// Words to look for in names, organisations, e-mails, tags, notes and conversation summaries.
    pub query: String,
    /// How many of each kind to answer, 1 to 200 (default 20).
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct SearchOut {
    /// Contacts that match, best first (id, name, organisation, title, tags…).
    pub contacts: Vec<Value>,
    /// Conversations whose summary matches, newest first.
    pub conversations: Vec<Value>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactArgs {
    /// The contact: an id (`12` or `#12`) or part of their name.
    pub contact: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ContactOut {
    /// The card (names, e-mails, phones, organisation, tags, notes…) with
    /// `health` (score 0-100 and its parts, each with why), `rhythm`,
    /// `due_on`, `recent_conversations`, `open_follow_ups` (homework both
    /// ways), `introduced` and dated `events`.
    pub contact: Value,
    /// When they are due, in words: "12 days overdue", "next due 2026-12-01 (in 6 days)".
    pub due: String,
    /// Conversations and dated entries, newest first, each one line.
    pub timeline: Vec<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DueArgs {
    /// How many people to answer, 1 to 200 (default 20).
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct DueList {
    /// Most pressing first, each with the reasons in words.
    pub due: Vec<Value>,
    /// How many people are due in all.
    pub total: usize,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoArgs {}

#[derive(Debug, Serialize, JsonSchema)]
pub struct TodayOut {
    /// Today's date in the user's time zone.
    pub date: String,
    /// The few people most worth reaching today, with why.
    pub due: Vec<Value>,
    pub due_total: usize,
    /// My follow-ups due today or overdue.
    pub follow_ups_due: Vec<Value>,
    /// People to report back to.
    pub loop_backs: Vec<Value>,
    /// Introductions promised to me, still to happen.
    pub introductions: Vec<Value>,
    /// Things others promised me, to nudge them about.
    pub nudges: Vec<Value>,
    /// Meetings later today.
    pub meetings_today: Vec<Value>,
    /// Past meetings not logged yet.
    pub meetings_to_log: Vec<Value>,
}

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
pub struct GoalArgs {
    /// One goal (its id or part of its title); all active goals without it.
    pub goal: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct GoalsOut {
    /// Each goal with its `progress`, linked `people`, `recent_conversations`,
    /// what was `learned`, and `next`: who to talk to next and who can introduce me.
    pub goals: Vec<Value>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct CoverageOut {
    /// My organisation.
    pub organisation: String,
    /// How many people I know there.
    pub people: usize,
    /// Function by function: people known, fresh (talked within 90 days), gaps and whom to reach.
    pub functions: Vec<Value>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanArgs {
    /// How many weeks ahead, 1 to 12 (default 2).
    pub weeks: Option<u32>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct PlanOut {
    /// Each coming outreach block with the people planned into it and a three-line brief each.
    pub blocks: Vec<Value>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingsArgs {
    /// Past and cancelled meetings too (default: only those still to come).
    #[serde(default)]
    pub all: bool,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct MeetingsOut {
    pub meetings: Vec<Value>,
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

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DuplicatesArgs {
    /// Skip this many groups (default 0).
    pub offset: Option<u32>,
    /// How many groups, 1 to 200 (default 20).
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct DuplicatesOut {
    /// Groups of contacts that look like the same person, with why.
    pub groups: Vec<Value>,
    /// How many groups there are in all.
    pub total: usize,
}

// ---- the tools ----

#[tool_router(vis = "pub(crate)")]
impl Kith {
    #[tool(
        description = "Search the user's contacts and conversations by words (names, organisations, e-mails, tags, notes, conversation summaries).",
        annotations(read_only_hint = true)
    )]
    async fn search_contacts(
        &self,
        Extension(me): Extension<ApiAccess>,
        Parameters(args): Parameters<SearchArgs>,
    ) -> Result<Json<SearchOut>, Refusal> {
        if args.query.trim().is_empty() {
            return Err("invalid query: must not be empty".into());
        }
        let n = limit(args.limit, 20)?;
        let found = self
            .store
            .search(me.user.id, &args.query, n)
            .await
            .map_err(|e| refusal(e.into(), &[], "query"))?;
        Ok(Json(SearchOut {
            contacts: found.contacts.iter().map(shape::summary).collect(),
            conversations: found
                .conversations
                .iter()
                .map(shape::conversation)
                .collect(),
        }))
    }

    #[tool(
        description = "Everything Kith knows about one contact: the card, relationship health with each part explained, rhythm and due date, the timeline of conversations, and open homework both ways. Name them by id or part of the name.",
        annotations(read_only_hint = true)
    )]
    async fn show_contact(
        &self,
        Extension(me): Extension<ApiAccess>,
        Parameters(args): Parameters<ContactArgs>,
    ) -> Result<Json<ContactOut>, Refusal> {
        let who = named("contact", &args.contact)?;
        let view = self
            .contact_view(&me, &who)
            .await
            .map_err(|e| refusal(e, &[], "contact"))?;
        let tz = me.user.timezone;
        let timeline = view
            .timeline(tz)
            .iter()
            .map(|entry| match entry {
                kith_app::contact_view::Entry::Conversation(c) => format!(
                    "{} · {} · {}",
                    kith_app::words::date(c.occurred_at, tz),
                    c.channel.as_str(),
                    kith_app::words::snippet(&c.summary, 160)
                ),
                kith_app::contact_view::Entry::Event(e) => format!(
                    "{} · {}",
                    e.on,
                    kith_app::contact_view::event_words(&e.kind)
                ),
            })
            .collect();
        Ok(Json(ContactOut {
            contact: view.json(),
            due: view.due_text(),
            timeline,
        }))
    }

    #[tool(
        description = "Who the user should get in touch with, most pressing first, each with the reasons in words (overdue for their rhythm, open loops, goals).",
        annotations(read_only_hint = true)
    )]
    async fn who_is_due(
        &self,
        Extension(me): Extension<ApiAccess>,
        Parameters(args): Parameters<DueArgs>,
    ) -> Result<Json<DueList>, Refusal> {
        let n = limit(args.limit, 20)? as usize;
        let ranking = Ranking::load(&self.store, &me.user, Utc::now())
            .await
            .map_err(|e| refusal(e, &[], "limit"))?;
        Ok(Json(DueList {
            due: ranking
                .due
                .iter()
                .take(n)
                .map(|e| to_value(DueOut::from(e)))
                .collect(),
            total: ranking.due.len(),
        }))
    }

    #[tool(
        description = "Today's agenda: the few people most worth reaching, follow-ups due, loop-backs, introductions, nudges, today's meetings and past meetings still to log.",
        annotations(read_only_hint = true)
    )]
    async fn today(
        &self,
        Extension(me): Extension<ApiAccess>,
        Parameters(_): Parameters<NoArgs>,
    ) -> Result<Json<TodayOut>, Refusal> {
        today_of(self, &me)
            .await
            .map(Json)
            .map_err(|e| refusal(e, &[], "today"))
    }

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
        let owner = match args.whose.as_deref().map(str::trim) {
            None | Some("mine" | "me" | "") => Owner::Me,
            Some("theirs" | "them") => Owner::Them,
            Some(other) => {
                return Err(format!("invalid whose: '{other}' is not mine or theirs"));
            }
        };
        let input = follow_ups::FollowUpInput {
            contact: named("contact", &args.contact)?,
            title: args.title,
            owner,
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
        let (done, loop_back) = self
            .store
            .complete_follow_up(me.user.id, FollowUpId(args.id), Utc::now())
            .await
            .map_err(|e| refusal(e.into(), &[], "id"))?;
        Ok(Json(Completed {
            done: shape::follow_up(&done),
            loop_back: loop_back.as_ref().map(shape::follow_up),
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
        description = "The user's goals (or one goal) with progress against target and date, the people and conversations linked, what was learned, and suggestions: who to talk to next and who can introduce them.",
        annotations(read_only_hint = true)
    )]
    async fn goals(
        &self,
        Extension(me): Extension<ApiAccess>,
        Parameters(args): Parameters<GoalArgs>,
    ) -> Result<Json<GoalsOut>, Refusal> {
        let now = Utc::now();
        let run = async {
            let ids = match args.goal.as_deref() {
                Some(text) => vec![goals::find(&self.store, me.user.id, text).await?.id],
                None => self
                    .store
                    .goals(me.user.id, false)
                    .await?
                    .iter()
                    .map(|(g, _)| g.id)
                    .collect(),
            };
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                out.push(GoalView::load(&self.store, &me.user, now, id).await?.json());
            }
            Ok::<_, AppError>(GoalsOut { goals: out })
        };
        run.await.map(Json).map_err(|e| refusal(e, &[], "goal"))
    }

    #[tool(
        description = "How well the user is connected across their own organisation, function by function: people known, talked to lately, gaps, and whom to reach first through whom.",
        annotations(read_only_hint = true)
    )]
    async fn coverage(
        &self,
        Extension(me): Extension<ApiAccess>,
        Parameters(_): Parameters<NoArgs>,
    ) -> Result<Json<CoverageOut>, Refusal> {
        let found = Coverage::load(&self.store, me.user.id, Utc::now())
            .await
            .map_err(|e| refusal(e, &[], "coverage"))?;
        let Some(c) = found else {
            return Err("Kith does not know the user's own organisation yet: they add where they work (kith worked, or the Coverage page) first".into());
        };
        Ok(Json(CoverageOut {
            organisation: c.organisation,
            people: c.colleagues.len(),
            functions: c
                .functions
                .iter()
                .map(|f| {
                    serde_json::json!({
                        "function": f.function, "people": f.people, "fresh": f.fresh,
                        "last_talked_at": f.last_talked.map(|t| t.to_rfc3339()),
                        "gap": f.gap, "suggestion": f.suggestion,
                    })
                })
                .collect(),
        }))
    }

    #[tool(
        description = "The outreach plan: the user's coming outreach blocks, each with the people planned into it (most due first, goal-relevant ones marked) and a three-line brief per person.",
        annotations(read_only_hint = true)
    )]
    async fn outreach_plan(
        &self,
        Extension(me): Extension<ApiAccess>,
        Parameters(args): Parameters<PlanArgs>,
    ) -> Result<Json<PlanOut>, Refusal> {
        let weeks = args.weeks.unwrap_or(2);
        let plans = calendar::plan(&self.store, &me.user, Utc::now(), weeks)
            .await
            .map_err(|e| refusal(e, &[], "weeks"))?;
        let blocks = plans
            .iter()
            .map(|p| {
                let people: Vec<Value> = p
                    .planned
                    .people
                    .iter()
                    .zip(&p.briefs)
                    .map(|(person, brief)| {
                        serde_json::json!({
                            "contact": { "id": person.contact.0, "name": person.name },
                            "for_goal": person.for_goal,
                            "brief": brief.to_vec(),
                        })
                    })
                    .collect();
                serde_json::json!({
                    "block": p.planned.instance.block.0,
                    "starts_at": p.planned.instance.starts_at.to_rfc3339(),
                    "ends_at": p.planned.instance.ends_at.to_rfc3339(),
                    "goal": p.goal,
                    "people": people,
                })
            })
            .collect();
        Ok(Json(PlanOut { blocks }))
    }

    #[tool(
        description = "The user's meetings: those still to come, or all (past and cancelled too) with all = true.",
        annotations(read_only_hint = true)
    )]
    async fn meetings(
        &self,
        Extension(me): Extension<ApiAccess>,
        Parameters(args): Parameters<MeetingsArgs>,
    ) -> Result<Json<MeetingsOut>, Refusal> {
        let filter = MeetingFilter {
            ends_after: (!args.all).then_some(Utc::now()),
            include_cancelled: args.all,
            ..MeetingFilter::default()
        };
        let found = self
            .store
            .meetings(me.user.id, &filter)
            .await
            .map_err(|e| refusal(e.into(), &[], "all"))?;
        Ok(Json(MeetingsOut {
            meetings: found
                .iter()
                .map(|m| to_value(MeetingOut::from(m)))
                .collect(),
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

    #[tool(
        description = "Contacts that look like the same person (a shared e-mail, phone, LinkedIn profile, or name and organisation), in groups with the reason.",
        annotations(read_only_hint = true)
    )]
    async fn duplicates(
        &self,
        Extension(me): Extension<ApiAccess>,
        Parameters(args): Parameters<DuplicatesArgs>,
    ) -> Result<Json<DuplicatesOut>, Refusal> {
        let window = Window {
            offset: args.offset.unwrap_or(0) as usize,
            limit: limit(args.limit, 20)? as usize,
            ..Window::default()
        };
        let found = duplicates::find(&self.store, me.user.id, window)
            .await
            .map_err(|e| refusal(e, &[], "offset"))?;
        Ok(Json(DuplicatesOut {
            groups: found
                .groups
                .iter()
                .map(|g| {
                    serde_json::json!({
                        "reason": g.reason,
                        "size": g.size,
                        "contacts": g.members.iter().map(shape::contact_ref).collect::<Vec<_>>(),
                    })
                })
                .collect(),
            total: found.total,
        }))
    }
}

impl Kith {
    /// One contact's page, as `show_contact` and the prompt use it.
    pub(crate) async fn contact_view(
        &self,
        me: &ApiAccess,
        who: &Who,
    ) -> Result<ContactView, AppError> {
        let target = resolve::who(&self.store, me.user.id, who, Field::Contact).await?;
        ContactView::load(&self.store, &me.user, Utc::now(), target.id, 10).await
    }
}

/// Today's agenda (the tool, and the agenda resource).
pub(crate) async fn today_of(kith: &Kith, me: &ApiAccess) -> Result<TodayOut, AppError> {
    let t = Today::load(&kith.store, &me.user, Utc::now()).await?;
    let items =
        |list: &[agenda::Item]| -> Vec<Value> { list.iter().map(shape::agenda_item).collect() };
    Ok(TodayOut {
        date: t.date().to_string(),
        due: t
            .people()
            .iter()
            .map(|e| to_value(DueOut::from(e)))
            .collect(),
        due_total: t.due_total(),
        follow_ups_due: items(&t.agenda().follow_ups),
        loop_backs: items(&t.agenda().loop_backs),
        introductions: items(&t.agenda().introductions),
        nudges: items(&t.agenda().nudges),
        meetings_today: t.meetings_today.iter().map(shape::meeting).collect(),
        meetings_to_log: t.meetings_to_log.iter().map(shape::meeting).collect(),
    })
}
