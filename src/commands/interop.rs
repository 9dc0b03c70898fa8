//! `import`, `export`, `duplicates` and `merge`: files in, files out, and
//! who looks like the same person. The use cases are `kith_app::imports`,
//! `exports` and `duplicates`; here are the flags, the progress bar and the
//! printing.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Args, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use kith_app::duplicates::{self, Merge, Window};
use kith_app::exports;
use kith_app::imports::{self, Action, Format, ImportOptions, ImportReport};
use kith_app::{AppError, Field, resolve};
use serde_json::json;

use crate::app::Ctx;
use crate::commands::archive::{ExportJsonArgs, ImportJsonArgs};
use crate::ui::{BOLD, DIM, YELLOW};

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// A vCard file (2.1, 3.0 or 4.0; any number of cards)
    Vcard(ImportArgs),
    /// LinkedIn's Connections.csv (Settings > Data privacy > Get a copy of your data)
    Linkedin(ImportArgs),
    /// A Google Contacts CSV export
    Google(ImportArgs),
    /// An Outlook CSV export
    Outlook(ImportArgs),
    /// A whole account written by `kith export json`, into an empty account
    Json(ImportJsonArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The file to import (- for standard input)
    pub file: PathBuf,
    /// Show what would be created, updated, merged and rejected; change nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Every contact as vCard, with the properties Kith does not model written back
    Vcard(ExportVcardArgs),
    /// An iCalendar file: meetings, planned outreach blocks, follow-up due dates
    Ics(crate::cli::ExportIcsArgs),
    /// Your whole account as one JSON document (kith import json reads it back)
    Json(ExportJsonArgs),
    /// Every contact as one CSV file for spreadsheets (formula-like cells escaped)
    Csv(ExportCsvArgs),
}

#[derive(Debug, Args)]
pub struct ExportCsvArgs {
    /// Write to this file instead of standard output
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExportVcardArgs {
    /// The vCard version to write
    #[arg(long, value_enum, default_value = "4")]
    pub version: VcardVersion,
    /// Write to this file instead of standard output
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum VcardVersion {
    #[value(name = "3")]
    V3,
    #[value(name = "4")]
    V4,
}

impl From<VcardVersion> for exports::VcardVersion {
    fn from(v: VcardVersion) -> Self {
        match v {
            VcardVersion::V3 => exports::VcardVersion::V3,
            VcardVersion::V4 => exports::VcardVersion::V4,
        }
    }
}

#[derive(Debug, Args)]
pub struct DuplicatesArgs {
    /// Groups to skip (the next page starts where the last one ended)
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Groups to show (1 to 500)
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    /// Members of each group to show (1 to 500)
    #[arg(long, default_value_t = 10)]
    pub members: usize,
    /// Members of each group to skip
    #[arg(long, default_value_t = 0)]
    pub members_from: usize,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The contact to keep (name, #id or e-mail)
    pub keep: String,
    /// The contact merged into it and then deleted
    pub other: String,
    /// Show what would move; change nothing
    #[arg(long)]
    pub dry_run: bool,
}

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
        ctx.now,
    )
    .await;
    bar.finish_and_clear();
    let report = report.map_err(|e| other_kind(e, format, &bytes, &args.file))?;
    print_report(ctx, &report, &args.file.display().to_string())
}

/// A file refused as another kind, with the command that imports it as
/// the kind it looks like.
fn other_kind(e: AppError, asked: Format, bytes: &[u8], file: &std::path::Path) -> AppError {
    match e {
        AppError::Invalid {
            field: Field::Format,
            message,
        } => {
            let kind = imports::looks_like(bytes).filter(|k| *k != asked);
            let hint = kind.map_or_else(String::new, |kind| {
                format!(
                    "; import it with: kith import {} {}",
                    kind.source(),
                    file.display()
                )
            });
            AppError::Invalid {
                field: Field::Format,
                message: format!("{message}{hint}"),
            }
        }
        other => other,
    }
}

/// A record's left-out cells as JSON.
fn warnings_json(warnings: &[imports::Warning]) -> Vec<serde_json::Value> {
    warnings
        .iter()
        .map(|w| json!({ "column": w.column, "value": w.value, "message": w.message }))
        .collect()
}

/// The report as JSON: every record with its action, reason and warnings.
fn print_json_report(
    ctx: &mut Ctx,
    report: &ImportReport,
    file: &str,
    counts: &[(Action, usize)],
) -> anyhow::Result<()> {
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
                "warnings": warnings_json(&r.warnings),
            })
        })
        .collect();
    let mut value = json!({
        "file": file,
        "format": report.format.source(),
        "dry_run": report.dry_run,
        "records": rows,
        "warnings": report.warnings(),
    });
    for (action, n) in counts {
        value[action.as_str()] = json!(n);
    }
    ctx.ui.print_json(&value)?;
    Ok(())
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
        return print_json_report(ctx, report, file, &counts);
    }
    let out = ctx.ui.out();
    let summary = counts
        .iter()
        .map(|(a, n)| format!("{n} {}", a.as_str()))
        .collect::<Vec<_>>()
        .join(", ");
    let summary = match report.warnings() {
        0 => summary,
        1 => format!("{summary}; 1 cell left out"),
        n => format!("{summary}; {n} cells left out"),
    };
    if report.dry_run {
        writeln!(
            out,
            "{BOLD}Dry run of {file}{BOLD:#}: nothing was written. It would give: {summary}."
        )?;
    } else {
        writeln!(out, "{BOLD}Imported {file}{BOLD:#}: {summary}.")?;
    }
    for row in &report.rows {
        for w in &row.warnings {
            let who = row.name.as_deref().unwrap_or_default();
            writeln!(
                out,
                "  line {}: {YELLOW}left out{YELLOW:#} {who}'s {} '{}': {}",
                row.line, w.column, w.value, w.message
            )?;
        }
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

pub async fn export(ctx: &mut Ctx, args: &ExportVcardArgs) -> anyhow::Result<()> {
    let text = exports::vcards(&ctx.store, ctx.user.id, args.version.into()).await?;
    match &args.output {
        Some(path) => crate::commands::write_private(path, text)?,
        None => ctx.ui.out().write_all(text.as_bytes())?,
    }
    Ok(())
}

pub async fn export_csv(ctx: &mut Ctx, args: &ExportCsvArgs) -> anyhow::Result<()> {
    let text = exports::contacts_csv(&ctx.store, ctx.user.id).await?;
    match &args.output {
        Some(path) => crate::commands::write_private(path, text)?,
        None => ctx.ui.out().write_all(text.as_bytes())?,
    }
    Ok(())
}

pub async fn duplicates(ctx: &mut Ctx, args: &DuplicatesArgs) -> anyhow::Result<()> {
    let window = Window {
        offset: args.offset,
        limit: args.limit,
        members: args.members,
        members_from: args.members_from,
    };
    let found = duplicates::find(&ctx.store, ctx.user.id, window).await?;
    if ctx.ui.json {
        let groups: Vec<_> = found
            .groups
            .iter()
            .map(|g| {
                let members: Vec<_> = g
                    .members
                    .iter()
                    .map(|m| json!({ "id": m.id.0, "name": m.name }))
                    .collect();
                json!({
                    "reason": g.reason,
                    "size": g.size,
                    "members_from": g.members_from,
                    "members": members,
                })
            })
            .collect();
        let value = json!({ "total": found.total, "offset": found.offset, "groups": groups });
        ctx.ui.print_json(&value)?;
        return Ok(());
    }
    let out = ctx.ui.out();
    if found.total == 0 {
        writeln!(out, "No duplicates found.")?;
    }
    for g in &found.groups {
        let mut names: Vec<String> = g
            .members
            .iter()
            .map(|m| format!("#{} {BOLD}{}{BOLD:#}", m.id, m.name))
            .collect();
        if g.members_from > 0 {
            names.insert(0, format!("{} before", g.members_from));
        }
        if g.after() > 0 {
            names.push(format!("{} more", g.after()));
        }
        let names = match names.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
            None => format!("{} people", g.size),
        };
        writeln!(out, "{names}: {DIM}{}{DIM:#}", g.reason)?;
        if g.after() > 0 {
            writeln!(
                out,
                "  {DIM}the next members: kith duplicates --offset {} --limit 1 --members-from {} --members {}{DIM:#}",
                g.position,
                g.members_from + g.members.len(),
                args.members.clamp(1, Window::MAX),
            )?;
        }
    }
    if found.after() > 0 {
        let shown = found.offset + found.groups.len();
        writeln!(
            out,
            "{DIM}Groups {}-{shown} of {}; the next ones: kith duplicates --offset {shown}{DIM:#}",
            found.offset + 1,
            found.total,
        )?;
    }
    Ok(())
}

pub async fn merge(ctx: &mut Ctx, args: &MergeArgs) -> anyhow::Result<()> {
    let (store, user) = (&ctx.store, ctx.user.id);
    let keep = resolve::contact_in_field(store, user, &args.keep, Field::MergeKeep).await?;
    let other = resolve::contact_in_field(store, user, &args.other, Field::MergeOther).await?;
    let merge = Merge {
        keep: keep.id,
        other: other.id,
        apply: !args.dry_run,
    };
    let report = duplicates::merge(store, user, merge, ctx.now).await?;
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
    let what = duplicates::summary(&report);
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
