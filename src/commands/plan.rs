//! `block`, `plan` and `export ics`: outreach time in the calendar, who
//! fills it, and the calendar file.

use std::io::Write;

use anyhow::{Context as _, anyhow};
use kith_core::ids::OutreachBlockId;
use kith_core::outreach::{NewOutreachBlock, Weekdays, parse_time};
use kith_store::StoreError;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::calendar::{self, BlockPlan};
use crate::cli::{BlockCommand, ExportIcsArgs, PlanArgs};
use crate::commands::goals;
use crate::ui::{BOLD, DIM, columns};

/// The block `block add` (or the web's form) describes, checked.
pub async fn new_block(
    store: &kith_store::Store,
    user: kith_core::ids::UserId,
    args: &crate::cli::BlockAddArgs,
) -> anyhow::Result<NewOutreachBlock> {
    let weekdays = Weekdays::parse(&args.days).map_err(|e| e.in_field("--days"))?;
    let at = parse_time("--at", &args.at)?;
    let goal = match &args.goal {
        Some(g) => Some(goals::goal_in_field(store, user, g, "--goal").await?.id),
        None => None,
    };
    Ok(
        NewOutreachBlock::new(weekdays, at, args.minutes, args.capacity, goal).map_err(|e| {
            let flag = format!("--{}", e.field);
            e.in_field(flag)
        })?,
    )
}

pub async fn block(ctx: &mut Ctx, command: &BlockCommand) -> anyhow::Result<()> {
    match command {
        BlockCommand::Add(args) => {
            let block = new_block(&ctx.store, ctx.user.id, args).await?;
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
    {
        {
            let text = calendar::ics_feed(&ctx.store, &ctx.user, ctx.now, args.weeks).await?;
            match &args.output {
                Some(path) => {
                    std::fs::write(path, &text)
                        .with_context(|| format!("cannot write {}", path.display()))?;
                    if !ctx.ui.json {
                        writeln!(ctx.ui.out(), "Wrote {}", path.display())?;
                    }
                }
                None => write!(ctx.ui.out(), "{text}")?,
            }
            Ok(())
        }
    }
}
