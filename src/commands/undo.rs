//! `undo`: takes back the latest done, drop or archive, for
//! `kith_core::undo::WINDOW_MINUTES` minutes after it.

use std::io::Write;

use anyhow::bail;
use clap::Args;
use kith_app::json;
use kith_app::undo::{self, WINDOW_MINUTES};
use kith_core::ids::UndoId;
use serde_json::json;

use crate::app::Ctx;
use crate::ui::{DIM, columns};

#[derive(Debug, Args)]
pub struct UndoArgs {
    /// Show what can be undone instead, newest first
    #[arg(long, conflicts_with = "id")]
    pub list: bool,
    /// Undo this one (an id from kith undo --list) rather than the latest
    pub id: Option<String>,
}

pub async fn run(ctx: &mut Ctx, args: &UndoArgs) -> anyhow::Result<()> {
    if args.list {
        return list(ctx).await;
    }
    let id = match &args.id {
        None => None,
        Some(text) => match text.trim().trim_start_matches('#').parse::<i64>() {
            Ok(id) if id > 0 => Some(UndoId(id)),
            _ => bail!("invalid undo id: '{text}' is not a number (see kith undo --list)"),
        },
    };
    let undone = undo::undo(&ctx.store, &ctx.user, ctx.now, id).await?;
    if ctx.ui.json {
        let value =
            json!({ "id": undone.id.0, "kind": undone.kind.as_str(), "label": undone.label });
        return Ok(ctx.ui.print_json(&value)?);
    }
    writeln!(ctx.ui.out(), "Undone: {}", undone.label)?;
    Ok(())
}

async fn list(ctx: &mut Ctx) -> anyhow::Result<()> {
    let items = undo::list(&ctx.store, &ctx.user, ctx.now).await?;
    if ctx.ui.json {
        return Ok(ctx
            .ui
            .print_json(&items.iter().map(json::undoable).collect())?);
    }
    let now = ctx.now;
    let out = ctx.ui.out();
    if items.is_empty() {
        writeln!(
            out,
            "Nothing to undo: a done, drop or archive can be undone for {WINDOW_MINUTES} minutes."
        )?;
        return Ok(());
    }
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|u| {
            let minutes = (now - u.at).num_minutes();
            vec![
                format!("  {:>6}", format!("#{}", u.id)),
                u.label.clone(),
                format!(
                    "{DIM}{minutes} min ago, {} min left{DIM:#}",
                    WINDOW_MINUTES - minutes
                ),
            ]
        })
        .collect();
    columns(out, &rows)?;
    writeln!(out, "kith undo takes back the first; kith undo ID another.")?;
    Ok(())
}
