//! `todo`: the homework that comes out of conversations, on both sides.

use std::io::Write;

use anyhow::bail;
use clap::{Args, Subcommand};
use kith_app::follow_ups::{self, EditInput, FollowUpInput};
use kith_app::json;
use kith_app::resolve::{self, Who};
use kith_core::follow_up::{FollowUp, FollowUpKind, FollowUpStatus, Owner};
use kith_core::ids::FollowUpId;
use kith_store::{FollowUpFilter, StoreError};
use serde_json::json;

use crate::app::Ctx;
use crate::ui::{BOLD, DIM, columns};
use kith_core::undo::WINDOW_MINUTES as UNDO_MINUTES;

#[derive(Debug, Subcommand)]
pub enum TodoCommand {
    /// Open follow-ups (of one contact, if named)
    List(TodoListArgs),
    /// Add a follow-up without logging a conversation
    Add(TodoAddArgs),
    /// Mark a follow-up done (yours with --loop-back then asks you to report back)
    Done(TodoId),
    /// Drop a follow-up that will not happen
    Drop(TodoId),
    /// Change a follow-up's text, due date or whose it is
    Edit(TodoEditArgs),
}

#[derive(Debug, Args)]
pub struct TodoListArgs {
    /// Id or part of the name
    pub contact: Option<String>,
    /// Include done and dropped ones
    #[arg(long)]
    pub all: bool,
    /// Only yours
    #[arg(long, conflicts_with = "theirs")]
    pub mine: bool,
    /// Only theirs
    #[arg(long)]
    pub theirs: bool,
}

#[derive(Debug, Args)]
pub struct TodoAddArgs {
    /// Id or part of the name
    pub contact: String,
    /// What is to be done
    pub title: String,
    /// When it is due
    #[arg(long, value_name = "DATE")]
    pub by: Option<String>,
    /// Report back to them once it is done
    #[arg(long, conflicts_with = "theirs")]
    pub loop_back: bool,
    /// They promised it, not you
    #[arg(long)]
    pub theirs: bool,
}

#[derive(Debug, Args)]
pub struct TodoEditArgs {
    /// The follow-up's id (from `kith todo list`)
    pub id: String,
    /// What is to be done, instead
    #[arg(long)]
    pub title: Option<String>,
    /// When it is due, instead
    #[arg(long, value_name = "DATE", conflicts_with = "no_date")]
    pub by: Option<String>,
    /// It has no due date any more
    #[arg(long)]
    pub no_date: bool,
    /// It is yours
    #[arg(long, conflicts_with = "theirs")]
    pub mine: bool,
    /// They promised it, not you
    #[arg(long)]
    pub theirs: bool,
}

#[derive(Debug, Args)]
pub struct TodoId {
    /// The follow-up's id (from `kith todo list`)
    pub id: String,
}

pub async fn run(ctx: &mut Ctx, command: &TodoCommand) -> anyhow::Result<()> {
    match command {
        TodoCommand::List(args) => list(ctx, args).await,
        TodoCommand::Add(args) => add(ctx, args).await,
        TodoCommand::Done(id) => done(ctx, &id.id).await,
        TodoCommand::Drop(id) => drop(ctx, &id.id).await,
        TodoCommand::Edit(args) => edit(ctx, args).await,
    }
}

fn parse_id(input: &str) -> anyhow::Result<FollowUpId> {
    match input.trim().trim_start_matches('#').parse::<i64>() {
        Ok(id) if id > 0 => Ok(FollowUpId(id)),
        _ => bail!("invalid follow-up id: '{input}' is not a number (see kith todo list)"),
    }
}

fn not_found(error: StoreError, id: FollowUpId) -> anyhow::Error {
    match error {
        StoreError::NotFound { .. } => {
            anyhow::anyhow!("no follow-up with id {id} (see kith todo list)")
        }
        other => other.into(),
    }
}

pub fn rows(items: &[FollowUp]) -> Vec<Vec<String>> {
    items
        .iter()
        .map(|f| {
            let who = if f.owner == Owner::Me { "you" } else { "they" };
            let state = match f.status {
                FollowUpStatus::Open => f.due_on.map(|d| format!("due {d}")).unwrap_or_default(),
                closed => closed.to_string(),
            };
            let kind = match f.kind {
                FollowUpKind::LoopBack => " (loop-back)",
                FollowUpKind::Introduction => " (introduction)",
                FollowUpKind::Task if f.loop_back => " (then loop back)",
                FollowUpKind::Task => "",
            };
            vec![
                format!("  {:>6}", format!("#{}", f.id)),
                who.into(),
                f.contact.name.clone(),
                format!("{}{kind}", f.title),
                state,
            ]
        })
        .collect()
}

async fn list(ctx: &mut Ctx, args: &TodoListArgs) -> anyhow::Result<()> {
    let contact = match &args.contact {
        Some(who) => Some(resolve::contact(&ctx.store, ctx.user.id, who).await?.id),
        None => None,
    };
    let owner = match (args.mine, args.theirs) {
        (true, _) => Some(Owner::Me),
        (_, true) => Some(Owner::Them),
        _ => None,
    };
    let filter = FollowUpFilter {
        contact,
        owner,
        open_only: !args.all,
    };
    let items = ctx.store.follow_ups(ctx.user.id, &filter).await?;
    if ctx.ui.json {
        return Ok(ctx
            .ui
            .print_json(&items.iter().map(json::follow_up).collect())?);
    }
    let out = ctx.ui.out();
    if items.is_empty() {
        writeln!(
            out,
            "No open follow-ups. Add one when you log: kith log NAME --via zoom \"…\" --todo \"…\""
        )?;
        return Ok(());
    }
    columns(out, &rows(&items))?;
    Ok(())
}

async fn add(ctx: &mut Ctx, args: &TodoAddArgs) -> anyhow::Result<()> {
    let input = FollowUpInput {
        contact: Who::Named(args.contact.clone()),
        title: args.title.clone(),
        owner: if args.theirs { Owner::Them } else { Owner::Me },
        by: args.by.clone(),
        loop_back: args.loop_back,
    };
    let added = follow_ups::add(&ctx.store, &ctx.user, ctx.now, &input).await?;
    if ctx.ui.json {
        return Ok(ctx.ui.print_json(&json::follow_up(&added))?);
    }
    writeln!(
        ctx.ui.out(),
        "Added follow-up {DIM}#{}{DIM:#} with {BOLD}{}{BOLD:#}: {}",
        added.id,
        added.contact.name,
        added.title
    )?;
    Ok(())
}

async fn done(ctx: &mut Ctx, input: &str) -> anyhow::Result<()> {
    let id = parse_id(input)?;
    let (done, loop_back) = ctx
        .store
        .complete_follow_up(ctx.user.id, id, ctx.now)
        .await
        .map_err(|e| not_found(e, id))?;
    if ctx.ui.json {
        let value = json!({ "done": json::follow_up(&done), "loop_back": loop_back.as_ref().map(json::follow_up) });
        return Ok(ctx.ui.print_json(&value)?);
    }
    let out = ctx.ui.out();
    writeln!(out, "Done: {} {DIM}#{}{DIM:#}", done.title, done.id)?;
    writeln!(
        out,
        "{DIM}kith undo takes it back for {UNDO_MINUTES} minutes.{DIM:#}"
    )?;
    if let Some(next) = loop_back {
        writeln!(
            out,
            "Next: {BOLD}{}{BOLD:#} {DIM}#{}{DIM:#}. It stays in kith today until you log a conversation with {}.",
            next.title, next.id, next.contact.name
        )?;
    }
    Ok(())
}

async fn drop(ctx: &mut Ctx, input: &str) -> anyhow::Result<()> {
    let id = parse_id(input)?;
    let dropped = ctx
        .store
        .drop_follow_up(ctx.user.id, id, ctx.now)
        .await
        .map_err(|e| not_found(e, id))?;
    if ctx.ui.json {
        return Ok(ctx.ui.print_json(&json::follow_up(&dropped))?);
    }
    writeln!(
        ctx.ui.out(),
        "Dropped: {} {DIM}#{}{DIM:#}\n{DIM}kith undo takes it back for {UNDO_MINUTES} minutes.{DIM:#}",
        dropped.title,
        dropped.id
    )?;
    Ok(())
}

async fn edit(ctx: &mut Ctx, args: &TodoEditArgs) -> anyhow::Result<()> {
    let id = parse_id(&args.id)?;
    let by = match (&args.by, args.no_date) {
        (Some(by), _) => Some(Some(by.clone())),
        (None, true) => Some(None),
        (None, false) => None,
    };
    let owner = match (args.mine, args.theirs) {
        (true, _) => Some(Owner::Me),
        (_, true) => Some(Owner::Them),
        _ => None,
    };
    if args.title.is_none() && by.is_none() && owner.is_none() {
        bail!("nothing to change: give --title, --by, --no-date, --mine or --theirs");
    }
    let input = EditInput {
        title: args.title.clone(),
        owner,
        by,
    };
    let edited = follow_ups::edit(&ctx.store, &ctx.user, ctx.now, id, &input)
        .await
        .map_err(|e| match e {
            kith_app::AppError::NotFound { .. } => {
                anyhow::anyhow!("no follow-up with id {id} (see kith todo list)")
            }
            other => other.into(),
        })?;
    if ctx.ui.json {
        return Ok(ctx.ui.print_json(&json::follow_up(&edited))?);
    }
    let out = ctx.ui.out();
    writeln!(out, "Changed follow-up {DIM}#{}{DIM:#}:", edited.id)?;
    columns(out, &rows(std::slice::from_ref(&edited)))?;
    Ok(())
}
