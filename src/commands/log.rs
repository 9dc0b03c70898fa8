//! `log`: a conversation in one line.

use std::io::Write;

use anyhow::bail;
use chrono::Duration;
use kith_core::conversation::{Channel, Minutes, NewConversation};
use kith_core::when::parse_moment;

use crate::app::Ctx;
use crate::cli::LogArgs;
use crate::ui::{self, BOLD, DIM};
use crate::{json, resolve};

pub async fn log(ctx: &mut Ctx, args: &LogArgs) -> anyhow::Result<()> {
    let tz = ctx.user.timezone;
    let channel = Channel::parse(&args.via).map_err(|e| e.in_field("--via"))?;
    let occurred_at = match &args.on {
        Some(when) => parse_moment("--on", when, ctx.now, tz)?,
        None => ctx.now,
    };
    if occurred_at > ctx.now + Duration::minutes(5) {
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
    let summary = args.summary.join(" ");
    let people = resolve::contacts(&ctx.store, ctx.user.id, &args.with).await?;
    let conversation = NewConversation::new(
        occurred_at,
        channel,
        minutes,
        &summary,
        people.iter().map(|p| p.id).collect(),
    )?;
    let id = ctx
        .store
        .log_conversation(ctx.user.id, &conversation)
        .await?;
    if ctx.ui.json {
        let stored = ctx.store.conversation(ctx.user.id, id).await?;
        return Ok(ctx.ui.print_json(&json::conversation(&stored))?);
    }
    let names: Vec<&str> = people.iter().map(|p| p.name.as_str()).collect();
    writeln!(
        ctx.ui.out(),
        "Logged {} with {BOLD}{}{BOLD:#} on {} {DIM}#{id}{DIM:#}",
        channel,
        names.join(", "),
        ui::date_time(occurred_at, tz)
    )?;
    Ok(())
}
