//! The tools that only read: offered to every token.

use chrono::Utc;
use kith_app::agenda::{self, Ranking, Today};
use kith_app::coverage::Coverage;
use kith_app::duplicates::{self, Window};
use kith_app::goals::{self, GoalView};
use kith_app::json::{self as shape, DueOut, MeetingOut};
use kith_app::tokens::ApiAccess;
use kith_app::{AppError, calendar, undo};
use kith_store::MeetingFilter;
use rmcp::handler::server::tool::Extension;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::{Json, tool, tool_router};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{limit, named, to_value};
use crate::Kith;
use crate::errors::{Refusal, refusal};

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

#[derive(Debug, Serialize, JsonSchema)]
pub struct RecentActions {
    /// Done, drop and archive actions that can still be taken back, newest
    /// first: each with its `id` for the `undo` tool, a `label` and `until` when.
    pub actions: Vec<Value>,
}

// ---- the tools ----

#[tool_router(router = read_tools, vis = "pub(super)")]
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

    #[tool(
        description = "What the user did lately that can still be undone (a follow-up done or dropped, a contact archived, within 30 minutes), newest first, each with the id the undo tool takes.",
        annotations(read_only_hint = true)
    )]
    async fn recent_actions(
        &self,
        Extension(me): Extension<ApiAccess>,
        Parameters(_): Parameters<NoArgs>,
    ) -> Result<Json<RecentActions>, Refusal> {
        let listed = undo::list(&self.store, &me.user, Utc::now())
            .await
            .map_err(|e| refusal(e, &[], "recent_actions"))?;
        Ok(Json(RecentActions {
            actions: listed.iter().map(shape::undoable).collect(),
        }))
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
