//! `block`, `plan` and `export ics`: outreach time in the calendar, who
//! fills it, and the calendar file.

use std::io::Write;
use std::path::PathBuf;

use anyhow::anyhow;
use clap::{Args, Subcommand};
use kith_core::ids::OutreachBlockId;
use kith_store::StoreError;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::ui::{BOLD, DIM, columns};
use kith_app::blocks::{NewBlockInput, new_block};
use kith_app::calendar::{self, BlockPlan};

#[derive(Debug, Subcommand)]
pub enum BlockCommand {
    /// A recurring time for outreach: kith block add --days tue,thu --at 08:30 --minutes 30 --capacity 3
    Add(BlockAddArgs),
    /// Your outreach blocks
    List,
    /// Remove an outreach block
    Remove(BlockId),
}

#[derive(Debug, Args)]
pub struct BlockAddArgs {
    /// Weekdays: tue,thu or mon-fri
    #[arg(long)]
    pub days: String,
    /// Start time in your time zone, HH:MM
    #[arg(long)]
    pub at: String,
    /// How long, in minutes
    #[arg(long, default_value_t = 30)]
    pub minutes: u32,
    /// How many people to reach in one block
    #[arg(long, default_value_t = 3)]
    pub capacity: u32,
    /// Fill it with people who matter for this goal first (id or part of its title)
    #[arg(long)]
    pub goal: Option<String>,
}

#[derive(Debug, Args)]
pub struct BlockId {
    /// The block's id (from `kith block list`)
    pub id: String,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// How many weeks ahead, from today
    #[arg(long, default_value_t = 2)]
    pub weeks: u32,
}

#[derive(Debug, Args)]
pub struct ExportIcsArgs {
    /// How many weeks of outreach blocks to plan
    #[arg(long, default_value_t = 2)]
    pub weeks: u32,
    /// Write to this file instead of standard output
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

impl From<&BlockAddArgs> for NewBlockInput {
    fn from(args: &BlockAddArgs) -> Self {
        NewBlockInput {
            days: args.days.clone(),
            at: args.at.clone(),
            minutes: args.minutes,
            capacity: args.capacity,
            goal: args.goal.clone(),
        }
    }
}

pub async fn block(ctx: &mut Ctx, command: &BlockCommand) -> anyhow::Result<()> {
    match command {
        BlockCommand::Add(args) => {
            let block = new_block(&ctx.store, ctx.user.id, &args.into()).await?;
            let (weekdays, at, goal) = (block.weekdays, block.starts_at, block.goal);
            let id = ctx.store.add_block(ctx.user.id, &block, ctx.now).await?;
            if ctx.ui.json {
                return Ok(ctx.ui.print_json(&json!({ "id": id.0 }))?);
            }
            writeln!(
                ctx.ui.out(),
                "Outreach block #{id}: {weekdays} at {} for {} minutes, {} people{}",
                at.format("%H:%M"),
                block.minutes,
                block.people,
                if goal.is_some() { ", goal first" } else { "" }
            )?;
            writeln!(ctx.ui.out(), "{DIM}See who goes in it: kith plan{DIM:#}")?;
            Ok(())
        }
        BlockCommand::List => list(ctx).await,
        BlockCommand::Remove(args) => {
            let id = args
                .id
                .trim()
                .trim_start_matches('#')
                .parse::<i64>()
                .map(OutreachBlockId)
                .map_err(|_| anyhow!("invalid block: '{}' is not a block id", args.id.trim()))?;
            match ctx.store.remove_block(ctx.user.id, id).await {
                Err(StoreError::NotFound { .. }) => anyhow::bail!("no outreach block with id {id}"),
                other => other?,
            }
            if ctx.ui.json {
                return Ok(ctx.ui.print_json(&json!({ "removed": id.0 }))?);
            }
            writeln!(ctx.ui.out(), "Removed outreach block #{id}")?;
            Ok(())
        }
    }
}

async fn list(ctx: &mut Ctx) -> anyhow::Result<()> {
    let blocks = ctx.store.blocks(ctx.user.id).await?;
    let goals = ctx.store.goals(ctx.user.id, true).await?;
    let goal_title = |id| {
        goals
            .iter()
            .find(|(g, _)| g.id == id)
            .map(|(g, _)| g.title.clone())
    };
    if ctx.ui.json {
        let value: Vec<Value> = blocks
            .iter()
            .map(|b| {
                json!({
                    "id": b.id.0,
                    "days": b.weekdays.names(),
                    "at": b.starts_at.format("%H:%M").to_string(),
                    "minutes": b.minutes,
                    "capacity": b.people,
                    "goal": b.goal.map(|g| json!({ "id": g.0, "title": goal_title(g) })),
                    "timezone": ctx.user.timezone.name(),
                })
            })
            .collect();
        return Ok(ctx.ui.print_json(&json!(value))?);
    }
    let out = ctx.ui.out();
    if blocks.is_empty() {
        writeln!(
            out,
            "No outreach blocks yet. Add one: kith block add --days tue,thu --at 08:30 --minutes 30 --capacity 3"
        )?;
        return Ok(());
    }
    let rows: Vec<Vec<String>> = blocks
        .iter()
        .map(|b| {
            vec![
                format!("  #{}", b.id),
                b.weekdays.to_string(),
                format!("{} ({} min)", b.starts_at.format("%H:%M"), b.minutes),
                format!("{} people", b.people),
                b.goal
                    .and_then(goal_title)
                    .map(|t| format!("goal: {t}"))
                    .unwrap_or_default(),
            ]
        })
        .collect();
    columns(out, &rows)?;
    Ok(())
}

pub async fn plan(ctx: &mut Ctx, args: &PlanArgs) -> anyhow::Result<()> {
    let planned = calendar::plan(&ctx.store, &ctx.user, ctx.now, args.weeks).await?;
    let tz = ctx.user.timezone;
    if ctx.ui.json {
        let value: Vec<Value> = planned.iter().map(|b| block_json(b, tz)).collect();
        return Ok(ctx.ui.print_json(&json!(value))?);
    }
    let out = ctx.ui.out();
    if planned.is_empty() {
        writeln!(
            out,
            "No outreach blocks in the next {} weeks. Add one: kith block add --days tue,thu --at 08:30",
            args.weeks
        )?;
        return Ok(());
    }
    for b in &planned {
        let i = &b.planned.instance;
        let start = i.starts_at.with_timezone(&tz.tz());
        let end = i.ends_at.with_timezone(&tz.tz());
        let goal = b
            .goal
            .as_deref()
            .map(|g| format!(" {DIM}goal: {g}{DIM:#}"))
            .unwrap_or_default();
        writeln!(
            out,
            "{BOLD}{}–{}{BOLD:#} {DIM}block #{}{DIM:#}{goal}",
            start.format("%a %-d %b %H:%M"),
            end.format("%H:%M"),
            i.block
        )?;
        if b.planned.people.is_empty() {
            writeln!(out, "  nobody is due: time for a goal, or a rest")?;
        }
        for (p, brief) in b.planned.people.iter().zip(&b.briefs) {
            writeln!(
                out,
                "  {DIM}#{}{DIM:#} {BOLD}{}{BOLD:#}: {}",
                p.contact, p.name, p.why
            )?;
            for line in brief {
                writeln!(out, "      {line}")?;
            }
        }
        writeln!(out)?;
    }
    writeln!(
        out,
        "{DIM}In your calendar: kith export ics -o kith.ics · After a talk: kith log NAME --via …{DIM:#}"
    )?;
    Ok(())
}

fn block_json(b: &BlockPlan, tz: kith_core::values::TimeZone) -> Value {
    let i = &b.planned.instance;
    json!({
        "block": i.block.0,
        "date": i.date.to_string(),
        "starts_at": i.starts_at.to_rfc3339(),
        "ends_at": i.ends_at.to_rfc3339(),
        "local_start": i.starts_at.with_timezone(&tz.tz()).format("%Y-%m-%dT%H:%M").to_string(),
        "goal": b.goal,
        "capacity": i.capacity,
        "people": b.planned.people.iter().zip(&b.briefs).map(|(p, brief)| json!({
            "contact": { "id": p.contact.0, "name": p.name },
            "for_goal": p.for_goal,
            "why": p.why,
            "brief": brief,
        })).collect::<Vec<_>>(),
    })
}

pub async fn export(ctx: &mut Ctx, args: &ExportIcsArgs) -> anyhow::Result<()> {
    let text = calendar::ics_feed(&ctx.store, &ctx.user, ctx.now, args.weeks).await?;
    match &args.output {
        Some(path) => {
            crate::commands::write_private(path, &text)?;
            if !ctx.ui.json {
                writeln!(ctx.ui.out(), "Wrote {}", path.display())?;
            }
        }
        None => write!(ctx.ui.out(), "{text}")?,
    }
    Ok(())
}
