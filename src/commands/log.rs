//! `log`: a conversation in one line, with the homework that came out of it.

use std::io::Write;

use anyhow::bail;
use chrono::Duration;
use chrono::{DateTime, Utc};
use kith_core::contact::ContactRef;
use kith_core::conversation::{Channel, ConversationKind, Learning, Minutes, NewConversation};
use kith_core::follow_up::{FollowUpKind, NewFollowUp, Owner};
use kith_core::user::User;
use kith_core::values::ContactName;
use kith_core::when::{parse_date, parse_moment};
use kith_store::{ConversationExtras, Store};
use serde_json::json;

use crate::app::Ctx;
use crate::cli::LogArgs;
use crate::commands::goals;
use crate::commands::todo::title;
use crate::ui::{self, BOLD, DIM};
use kith_app::agenda::today;
use kith_app::json;
use kith_app::resolve;

/// A conversation checked and ready to store, with its homework.
pub struct Prepared {
    pub people: Vec<ContactRef>,
    pub conversation: NewConversation,
    pub extras: ConversationExtras,
}

/// Checks a `log` (from the command line or the web's quick-log form, which
/// posts the same fields) against the user's contacts and goals.
pub async fn prepare(
    store: &Store,
    me: &User,
    now: DateTime<Utc>,
    args: &LogArgs,
) -> anyhow::Result<Prepared> {
    let tz = me.timezone;
    let channel = Channel::parse(&args.via).map_err(|e| e.in_field("--via"))?;
    let occurred_at = match &args.on {
        Some(when) => parse_moment("--on", when, now, tz)?,
        None => now,
    };
    if occurred_at > now + Duration::minutes(5) {
        bail!(
            "invalid --on: {} is in the future; log a conversation after it happened",
            ui::date_time(occurred_at, tz)
        );
    }
    let minutes = args
        .minutes
        .as_deref()
        .map(Minutes::parse)
        .transpose()
        .map_err(|e| e.in_field("--minutes"))?;
    let due_on = args
        .by
        .as_deref()
        .map(|by| parse_date("--by", by, today(now, tz)))
        .transpose()?;
    if (args.by.is_some() || args.loop_back) && args.todos.is_empty() && args.their_todos.is_empty()
    {
        bail!(
            "invalid --by/--loop-back: they apply to a --todo or --their-todo, and none was given"
        );
    }
    let mine = args
        .todos
        .iter()
        .map(|t| title("--todo", t))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let theirs = args
        .their_todos
        .iter()
        .map(|t| title("--their-todo", t))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let introductions = args
        .intros
        .iter()
        .map(|n| ContactName::parse(n).map_err(|e| e.in_field("--intro")))
        .collect::<Result<Vec<_>, _>>()?;
    let kind = ConversationKind::parse(&args.kind).map_err(|e| e.in_field("--kind"))?;
    let learned = args
        .learned
        .iter()
        .map(|l| Learning::parse(l).map_err(|e| e.in_field("--learned")))
        .collect::<Result<Vec<_>, _>>()?;
    let goal = match &args.goal {
        Some(g) => Some(goals::goal_in_field(store, me.id, g, "--goal").await?.id),
        None => None,
    };
    let summary = args.summary.join(" ");
    let people = resolve::contacts(store, me.id, &args.with).await?;
    let conversation = NewConversation {
        kind,
        learned,
        ..NewConversation::new(
            occurred_at,
            channel,
            minutes,
            &summary,
            people.iter().map(|p| p.id).collect(),
        )?
    };

    // To-dos belong to the first person named.
    let follow_up = |title: String, owner: Owner| NewFollowUp {
        contact: people[0].id,
        conversation: None,
        owner,
        kind: FollowUpKind::Task,
        title,
        due_on,
        loop_back: owner == Owner::Me && args.loop_back,
        parent: None,
        subject: None,
    };
    let follow_ups = mine
        .into_iter()
        .map(|t| follow_up(t, Owner::Me))
        .chain(theirs.into_iter().map(|t| follow_up(t, Owner::Them)))
        .collect();
    let extras = ConversationExtras {
        follow_ups,
        introductions,
        goal,
    };
    Ok(Prepared {
        people,
        conversation,
        extras,
    })
}

pub async fn log(ctx: &mut Ctx, args: &LogArgs) -> anyhow::Result<()> {
    let tz = ctx.user.timezone;
    let Prepared {
        people,
        conversation,
        extras,
    } = prepare(&ctx.store, &ctx.user, ctx.now, args).await?;
    let (channel, occurred_at) = (conversation.channel, conversation.occurred_at);
    let logged = ctx
        .store
        .log_conversation_with(ctx.user.id, &conversation, &extras, ctx.now)
        .await?;
    if ctx.ui.json {
        let stored = ctx.store.conversation(ctx.user.id, logged.id).await?;
        let mut value = json::conversation(&stored);
        value["follow_ups"] = json!(logged.follow_ups.iter().map(|f| f.0).collect::<Vec<_>>());
        value["introduced"] = logged.introduced.iter().map(json::contact_ref).collect();
        return Ok(ctx.ui.print_json(&value)?);
    }
    let names: Vec<&str> = people.iter().map(|p| p.name.as_str()).collect();
    let out = ctx.ui.out();
    writeln!(
        out,
        "Logged {} with {BOLD}{}{BOLD:#} on {} {DIM}#{}{DIM:#}",
        channel,
        names.join(", "),
        ui::date_time(occurred_at, tz),
        logged.id
    )?;
    for (id, f) in logged.follow_ups.iter().zip(&extras.follow_ups) {
        let who = if f.owner == Owner::Me { "You" } else { "They" };
        let due = f.due_on.map(|d| format!(" by {d}")).unwrap_or_default();
        writeln!(out, "  {who}: {}{due} {DIM}#{id}{DIM:#}", f.title)?;
    }
    for person in &logged.introduced {
        writeln!(
            out,
            "  Introduction: {} {DIM}#{}{DIM:#}, introduced by {}",
            person.name, person.id, people[0].name
        )?;
    }
    Ok(())
}
