//! Logging a conversation: what a person typed about it (who, how, when,
//! the homework on both sides, introductions, learnings, a goal) checked
//! against their contacts and goals, then stored in one transaction.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use kith_core::contact::ContactRef;
use kith_core::conversation::{
    Channel, ConversationKind, Learning, MAX_PARTICIPANTS, Minutes, NewConversation,
};
use kith_core::follow_up::{FollowUpKind, NewFollowUp, Owner};
use kith_core::user::User;
use kith_core::values::ContactName;
use kith_core::when::parse_moment;
use kith_store::{ConversationExtras, LoggedConversation, Store};

use crate::error::{AppError, Field, invalid};
use crate::follow_ups::{due_on, title};
use crate::resolve::{self, Who};
use crate::words;

/// A conversation as typed.
#[derive(Debug, Clone, Default)]
pub struct LogInput {
    /// Who it was with; to-dos belong to the first.
    pub with: Vec<Who>,
    pub summary: String,
    /// The channel: `zoom`, `phone`, `coffee`…
    pub via: String,
    /// When it happened (default now): `2026-11-20 14:30`, `yesterday`.
    pub on: Option<String>,
    pub minutes: Option<String>,
    /// What I will do.
    pub todos: Vec<String>,
    /// What they will do.
    pub their_todos: Vec<String>,
    /// When the to-dos are due.
    pub by: Option<String>,
    /// Ask me to report back once my to-dos are done.
    pub loop_back: bool,
    /// People they will introduce me to.
    pub intros: Vec<String>,
    /// `regular` (when `None`) or `informational`.
    pub kind: Option<String>,
    /// `skill: …`, `path: …`, or a note.
    pub learned: Vec<String>,
    /// A goal: its id or part of its title.
    pub goal: Option<String>,
}

/// A conversation checked and ready to store, with its homework.
pub struct Prepared {
    pub people: Vec<ContactRef>,
    pub conversation: NewConversation,
    pub extras: ConversationExtras,
}

/// What `input` says that needs no lookup, checked in the order the
/// fields are read.
struct Parts {
    channel: Channel,
    occurred_at: DateTime<Utc>,
    minutes: Option<Minutes>,
    due_on: Option<NaiveDate>,
    mine: Vec<String>,
    theirs: Vec<String>,
    introductions: Vec<ContactName>,
    kind: ConversationKind,
    learned: Vec<Learning>,
}

fn parts(me: &User, now: DateTime<Utc>, input: &LogInput) -> Result<Parts, AppError> {
    let tz = me.timezone;
    let channel = Channel::parse(&input.via).map_err(invalid(Field::Via))?;
    let occurred_at = match &input.on {
        Some(when) => parse_moment("on", when, now, tz).map_err(invalid(Field::When))?,
        None => now,
    };
    if occurred_at > now + Duration::minutes(5) {
        return Err(AppError::Invalid {
            field: Field::When,
            message: format!(
                "{} is in the future; log a conversation after it happened",
                words::date_time(occurred_at, tz)
            ),
        });
    }
    let minutes = input
        .minutes
        .as_deref()
        .map(Minutes::parse)
        .transpose()
        .map_err(invalid(Field::Minutes))?;
    let due_on = due_on(input.by.as_deref(), me, now)?;
    if (input.by.is_some() || input.loop_back)
        && input.todos.is_empty()
        && input.their_todos.is_empty()
    {
        return Err(AppError::Invalid {
            field: Field::TodoOptions,
            message: "they apply to a to-do of yours or theirs, and none was given".into(),
        });
    }
    // Bounded before any name is looked up; core says it again of the
    // people found.
    if input.with.len() > MAX_PARTICIPANTS {
        return Err(AppError::Invalid {
            field: Field::With,
            message: format!(
                "at most {MAX_PARTICIPANTS} people in one conversation ({} given)",
                input.with.len()
            ),
        });
    }
    kith_core::follow_up::check_per_conversation(
        input.todos.len() + input.their_todos.len() + input.intros.len(),
    )
    .map_err(invalid(Field::MyTodo))?;
    let titles = |todos: &[String], field: Field| {
        todos
            .iter()
            .map(|t| title(field.clone(), t))
            .collect::<Result<Vec<_>, _>>()
    };
    Ok(Parts {
        channel,
        occurred_at,
        minutes,
        due_on,
        mine: titles(&input.todos, Field::MyTodo)?,
        theirs: titles(&input.their_todos, Field::TheirTodo)?,
        introductions: input
            .intros
            .iter()
            .map(|n| ContactName::parse(n).map_err(invalid(Field::Intro)))
            .collect::<Result<Vec<_>, _>>()?,
        kind: ConversationKind::parse(input.kind.as_deref().unwrap_or("regular"))
            .map_err(invalid(Field::ConversationKind))?,
        learned: input
            .learned
            .iter()
            .map(|l| Learning::parse(l).map_err(invalid(Field::Learned)))
            .collect::<Result<Vec<_>, _>>()?,
    })
}

/// Checks `input` against the user's contacts and goals.
pub async fn prepare(
    store: &Store,
    me: &User,
    now: DateTime<Utc>,
    input: &LogInput,
) -> Result<Prepared, AppError> {
    let p = parts(me, now, input)?;
    let goal = match &input.goal {
        Some(g) => Some(
            crate::goals::find_in_field(store, me.id, g, Field::Goal)
                .await?
                .id,
        ),
        None => None,
    };
    let people = resolve::people(store, me.id, &input.with, Field::With).await?;
    let conversation = NewConversation {
        kind: p.kind,
        learned: p.learned,
        ..NewConversation::new(
            p.occurred_at,
            p.channel,
            p.minutes,
            &input.summary,
            people.iter().map(|p| p.id).collect(),
        )
        // Core checks the people and the summary, and says which by its word.
        .map_err(|e| match e.field.as_str() {
            "summary" => invalid(Field::Summary)(e),
            _ => invalid(Field::With)(e),
        })?
    };

    // To-dos belong to the first person named.
    let follow_up = |title: String, owner: Owner| NewFollowUp {
        contact: people[0].id,
        conversation: None,
        owner,
        kind: FollowUpKind::Task,
        title,
        due_on: p.due_on,
        loop_back: owner == Owner::Me && input.loop_back,
        parent: None,
        subject: None,
    };
    let follow_ups = p
        .mine
        .into_iter()
        .map(|t| follow_up(t, Owner::Me))
        .chain(p.theirs.into_iter().map(|t| follow_up(t, Owner::Them)))
        .collect();
    Ok(Prepared {
        people,
        conversation,
        extras: ConversationExtras {
            follow_ups,
            introductions: p.introductions,
            goal,
        },
    })
}

/// Checks and stores a conversation with its homework, in one transaction.
pub async fn log(
    store: &Store,
    me: &User,
    now: DateTime<Utc>,
    input: &LogInput,
) -> Result<(Prepared, LoggedConversation), AppError> {
    let prepared = prepare(store, me, now, input).await?;
    let logged = store
        .log_conversation_with(me.id, &prepared.conversation, &prepared.extras, now)
        .await?;
    Ok((prepared, logged))
}
