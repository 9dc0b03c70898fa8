//! `import`, `export` and `duplicates`: files in, files out, and who looks
//! like the same person.

use std::io::{IsTerminal, Read, Write};

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use kith_core::rules::duplicates::duplicate_pairs;
use kith_interop::vcard::{Version, write_card};
use serde_json::json;

use crate::app::Ctx;
use crate::cli::{ExportVcardArgs, ImportArgs, ImportCommand, VcardVersion};
use crate::imports::{self, Action, Format, ImportOptions, ImportReport};
use crate::ui::{BOLD, DIM, YELLOW};

pub async fn import(ctx: &mut Ctx, command: &ImportCommand) -> anyhow::Result<()> {
    let (format, args): (Format, &ImportArgs) = match command {
        ImportCommand::Vcard(a) => (Format::Vcard, a),
        ImportCommand::Linkedin(a) => (Format::LinkedIn, a),
        ImportCommand::Google(a) => (Format::Google, a),
        ImportCommand::Outlook(a) => (Format::Outlook, a),
        ImportCommand::Json(_) => unreachable!("kith import json is commands::archive"),
    };
    let bytes = if args.file.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf)?;
        buf
    } else {
        std::fs::read(&args.file).with_context(|| format!("cannot read {}", args.file.display()))?
    };
    // A bar on a terminal only (indicatif draws nothing elsewhere).
    let bar = if ctx.ui.json || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr())
    };
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} records {elapsed}")
            .expect("a valid template"),
    );
    let options = ImportOptions {
        dry_run: args.dry_run,
    };
    let report = imports::import(
        &ctx.store,
        ctx.user.id,
        format,
        &bytes,
        options,
        &|done, total| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        },
    )
    .await?;
    bar.finish_and_clear();
    print_report(ctx, &report, &args.file.display().to_string())
}

fn print_report(ctx: &mut Ctx, report: &ImportReport, file: &str) -> anyhow::Result<()> {
    let counts = [
        Action::Created,
        Action::Updated,
        Action::Merged,
        Action::Unchanged,
        Action::Rejected,
    ]
    .map(|a| (a, report.count(a)));
    if ctx.ui.json {
        let rows: Vec<_> = report
            .rows
            .iter()
            .map(|r| {
                json!({
                    "line": r.line,
                    "action": r.action.as_str(),
                    "name": r.name,
                    "contact": r.contact.map(|c| c.0),
                    "reason": r.reason,
                })
            })
            .collect();
        let mut value = json!({
            "file": file,
            "format": report.format.source(),
            "dry_run": report.dry_run,
            "records": rows,
        });
        for (action, n) in counts {
            value[action.as_str()] = json!(n);
        }
        ctx.ui.print_json(&value)?;
        return Ok(());
    }
    let out = ctx.ui.out();
    let summary = counts
        .iter()
        .map(|(a, n)| format!("{n} {}", a.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    if report.dry_run {
        writeln!(
            out,
            "{BOLD}Dry run of {file}{BOLD:#}: nothing was written. It would give: {summary}."
        )?;
    } else {
        writeln!(out, "{BOLD}Imported {file}{BOLD:#}: {summary}.")?;
    }
    for row in &report.rows {
        // A real import lists what needs a look (a new contact only when it
        // looks like another); a dry run lists everything.
        if !report.dry_run
            && (row.action == Action::Unchanged
                || (row.action == Action::Created && row.reason.is_none()))
        {
            continue;
        }
        let who = match (&row.name, row.contact) {
            (Some(name), Some(id)) => format!("{name} (#{id})"),
            (Some(name), None) => name.clone(),
            (None, Some(id)) => format!("#{id}"),
            (None, None) => String::new(),
        };
        let action = if report.dry_run {
            match row.action {
                Action::Created => "would create",
                Action::Updated => "would update",
                Action::Merged => "would merge",
                Action::Unchanged => "unchanged",
                Action::Rejected => "rejected",
            }
        } else {
            row.action.as_str()
        };
        let style = if row.action == Action::Rejected {
            YELLOW
        } else {
            DIM
        };
        write!(out, "  line {}: {style}{action}{style:#} {who}", row.line)?;
        if let Some(reason) = &row.reason {
            write!(out, "{}{reason}", if who.is_empty() { "" } else { ": " })?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// Every contact of `user` as one vCard file (what `export vcard` writes
/// and the web's export link serves).
pub async fn vcards(
    store: &kith_store::Store,
    user: kith_core::ids::UserId,
    version: VcardVersion,
) -> anyhow::Result<String> {
    let version = match version {
        VcardVersion::V3 => Version::V3,
        VcardVersion::V4 => Version::V4,
    };
    let mut text = String::new();
    for id in store.contact_ids(user).await? {
        let (contact, card) = store.contact_with_card(user, id).await?;
        text.push_str(&write_card(&contact, card.as_deref(), version));
    }
    Ok(text)
}

pub async fn export(ctx: &mut Ctx, args: &ExportVcardArgs) -> anyhow::Result<()> {
    let text = vcards(&ctx.store, ctx.user.id, args.version).await?;
    match &args.output {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => ctx.ui.out().write_all(text.as_bytes())?,
    }
    Ok(())
}

/// Every contact of `user` as one CSV file (what `export csv` writes and
/// the web's export link serves), loaded 500 at a time.
pub async fn contacts_csv(
    store: &kith_store::Store,
    user: kith_core::ids::UserId,
) -> anyhow::Result<String> {
    let mut out = kith_interop::csv::export::CsvWriter::new();
    for ids in store.contact_ids(user).await?.chunks(500) {
        for (contact, _) in store.contacts_with_cards(user, ids).await? {
            out.push(&contact);
        }
    }
    Ok(out.finish())
}

pub async fn export_csv(ctx: &mut Ctx, args: &crate::cli::ExportCsvArgs) -> anyhow::Result<()> {
    let text = contacts_csv(&ctx.store, ctx.user.id).await?;
    match &args.output {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => ctx.ui.out().write_all(text.as_bytes())?,
    }
    Ok(())
}

/// A pair of contacts that look like the same person, and why.
pub struct Duplicate {
    pub a: kith_core::contact::ContactRef,
    pub b: kith_core::contact::ContactRef,
    pub reason: String,
}

/// Candidate duplicates among `user`'s contacts, strongest reason first.
pub async fn find_duplicates(
    store: &kith_store::Store,
    user: kith_core::ids::UserId,
) -> anyhow::Result<Vec<Duplicate>> {
    let keys = store.match_keys(user).await?;
    let pairs = duplicate_pairs(&keys);
    let ids: Vec<_> = pairs.iter().flat_map(|(a, b, _)| [*a, *b]).collect();
    let names: std::collections::HashMap<_, _> = store
        .contact_summaries(user, &ids)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let named = |id| kith_core::contact::ContactRef {
        id,
        name: names.get(&id).cloned().unwrap_or_default(),
    };
    Ok(pairs
        .iter()
        .map(|(a, b, reason)| Duplicate {
            a: named(*a),
            b: named(*b),
            reason: reason.to_string(),
        })
        .collect())
}

pub async fn duplicates(ctx: &mut Ctx) -> anyhow::Result<()> {
    let found = find_duplicates(&ctx.store, ctx.user.id).await?;
    if ctx.ui.json {
        let rows: Vec<_> = found
            .iter()
            .map(|d| {
                json!({
                    "a": { "id": d.a.id.0, "name": d.a.name },
                    "b": { "id": d.b.id.0, "name": d.b.name },
                    "reason": d.reason,
                })
            })
            .collect();
        ctx.ui.print_json(&json!(rows))?;
        return Ok(());
    }
    let out = ctx.ui.out();
    if found.is_empty() {
        writeln!(out, "No duplicates found.")?;
    }
    for d in &found {
        writeln!(
            out,
            "#{} {BOLD}{}{BOLD:#} and #{} {BOLD}{}{BOLD:#}: {DIM}{}{DIM:#}",
            d.a.id, d.a.name, d.b.id, d.b.name, d.reason
        )?;
    }
    Ok(())
}

/// What a merge moves, in words: "3 conversations, 1 follow-up".
pub fn merge_summary(r: &kith_store::MergeReport) -> String {
    let counted = |n: u64, one: &str, many: &str| match n {
        0 => None,
        1 => Some(format!("1 {one}")),
        n => Some(format!("{n} {many}")),
    };
    let parts: Vec<String> = [
        counted(r.conversations, "conversation", "conversations"),
        counted(r.follow_ups, "follow-up", "follow-ups"),
        counted(r.goals, "goal link", "goal links"),
        counted(r.meetings, "meeting", "meetings"),
        counted(r.introductions, "introduction", "introductions"),
        r.card.then(|| "details for the card".to_owned()),
    ]
    .into_iter()
    .flatten()
    .collect();
    if parts.is_empty() {
        "nothing beyond the contact itself".into()
    } else {
        parts.join(", ")
    }
}

/// The stored vCard two contacts end with when merged, if both have one.
pub async fn merged_card(
    store: &kith_store::Store,
    user: kith_core::ids::UserId,
    keep: kith_core::ids::ContactId,
    other: kith_core::ids::ContactId,
) -> anyhow::Result<Option<String>> {
    let (_, kept) = store.contact_with_card(user, keep).await?;
    let (_, theirs) = store.contact_with_card(user, other).await?;
    Ok(match (kept, theirs) {
        (Some(kept), Some(theirs)) => kith_interop::vcard::merge_cards(&kept, &theirs),
        _ => None,
    })
}

pub async fn merge(ctx: &mut Ctx, args: &crate::cli_interop::MergeArgs) -> anyhow::Result<()> {
    let keep = kith_app::resolve::contact(&ctx.store, ctx.user.id, &args.keep).await?;
    let other = kith_app::resolve::contact(&ctx.store, ctx.user.id, &args.other).await?;
    let card = merged_card(&ctx.store, ctx.user.id, keep.id, other.id).await?;
    let report = ctx
        .store
        .merge_contacts(
            ctx.user.id,
            keep.id,
            other.id,
            !args.dry_run,
            card.as_deref(),
            ctx.now,
        )
        .await?;
    if ctx.ui.json {
        let value = json!({
            "kept": { "id": keep.id.0, "name": report.kept },
            "merged": { "id": other.id.0, "name": report.gone },
            "dry_run": args.dry_run,
            "card_changed": report.card,
            "conversations": report.conversations,
            "follow_ups": report.follow_ups,
            "goals": report.goals,
            "meetings": report.meetings,
            "introductions": report.introductions,
        });
        return Ok(ctx.ui.print_json(&value)?);
    }
    let what = merge_summary(&report);
    let out = ctx.ui.out();
    if args.dry_run {
        writeln!(
            out,
            "Would merge #{} {BOLD}{}{BOLD:#} into #{} {BOLD}{}{BOLD:#}, moving {what}; #{} would be deleted.\n{DIM}Nothing changed (--dry-run).{DIM:#}",
            other.id, report.gone, keep.id, report.kept, other.id
        )?;
    } else {
        writeln!(
            out,
            "Merged #{} {BOLD}{}{BOLD:#} into #{} {BOLD}{}{BOLD:#}: moved {what}.",
            other.id, report.gone, keep.id, report.kept
        )?;
    }
    Ok(())
}
