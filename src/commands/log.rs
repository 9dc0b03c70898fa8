//! `log`: a conversation in one line, with the homework that came out of it.
//! The flags become a `kith_app::log::LogInput`; the app checks and stores it.

use std::io::Write;

use clap::Args;
use kith_app::json;
use kith_app::log::{self, LogInput, Prepared};
use kith_app::resolve::Who;
use kith_core::follow_up::Owner;
use serde_json::json;

use crate::app::Ctx;
use crate::ui::{self, BOLD, DIM};

#[derive(Debug, Args)]
pub struct LogArgs {
    /// Who you talked to: ids or names, separated by commas
    pub with: String,
    /// What you talked about
    #[arg(num_args = 0..)]
    pub summary: Vec<String>,
    /// How: zoom, meet, hangouts, teams, jitsi, video, phone, coffee, in-person, email, message
    #[arg(long)]
    pub via: String,
    /// When [default: now]
    #[arg(long, value_name = "WHEN")]
    pub on: Option<String>,
    /// How long, in minutes
    #[arg(long)]
    pub minutes: Option<String>,
    /// Something you will do (repeat for more)
    #[arg(long = "todo", value_name = "TASK")]
    pub todos: Vec<String>,
    /// Something they will do (repeat for more)
    #[arg(long = "their-todo", value_name = "TASK")]
    pub their_todos: Vec<String>,
    /// When the to-dos are due
    #[arg(long, value_name = "DATE")]
    pub by: Option<String>,
    /// Report back to them once your to-dos are done
    #[arg(long)]
    pub loop_back: bool,
    /// Someone they suggested you meet (repeat for more): added, introduced by them
    #[arg(long = "intro", value_name = "NAME")]
    pub intros: Vec<String>,
    /// regular, or informational (learning about their field)
    #[arg(long, default_value = "regular")]
    pub kind: String,
    /// What you learned: "skill: SQL", "path: analyst to PM in 3 years" (repeat for more)
    #[arg(long = "learned", value_name = "WHAT")]
    pub learned: Vec<String>,
    /// Count the conversation towards this goal (id or part of its title)
    #[arg(long, value_name = "GOAL")]
    pub goal: Option<String>,
}

impl LogArgs {
    fn input(&self) -> LogInput {
        LogInput {
            with: self
                .with
                .split(',')
                .map(|w| Who::Named(w.trim().to_owned()))
                .collect(),
            summary: self.summary.join(" "),
            via: self.via.clone(),
            on: self.on.clone(),
            minutes: self.minutes.clone(),
            todos: self.todos.clone(),
            their_todos: self.their_todos.clone(),
            by: self.by.clone(),
            loop_back: self.loop_back,
            intros: self.intros.clone(),
            kind: Some(self.kind.clone()),
            learned: self.learned.clone(),
            goal: self.goal.clone(),
        }
    }
}

pub async fn log(ctx: &mut Ctx, args: &LogArgs) -> anyhow::Result<()> {
    let tz = ctx.user.timezone;
    let (
        Prepared {
            people,
            conversation,
            extras,
        },
        logged,
    ) = log::log(&ctx.store, &ctx.user, ctx.now, &args.input()).await?;
    let (channel, occurred_at) = (conversation.channel, conversation.occurred_at);
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
