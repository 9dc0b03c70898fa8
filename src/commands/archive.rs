//! `export json`, `import json`, `backup` and `restore`: a whole account, or
//! the whole database, out and back in.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::Args;
use kith_store::{
    AccountExport, InstanceBackup, Location, SQLITE_HEADER, check_sqlite_snapshot,
    replace_sqlite_file, sqlite_user_count,
};
use serde_json::json;

use crate::app::{self, Ctx};
use crate::cli::Global;
use crate::ui::{BOLD, Ui};

#[derive(Debug, Args)]
pub struct ExportJsonArgs {
    /// Write to this file instead of standard output
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ImportJsonArgs {
    /// The file `kith export json` wrote (- for standard input)
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Where to write the backup (SQLite: a database file; PostgreSQL: JSON)
    pub file: PathBuf,
    /// Replace FILE if it exists
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// A backup written by kith backup
    pub file: PathBuf,
    /// Replace a database that has users (everything in it is lost)
    #[arg(long)]
    pub force: bool,
}

pub async fn export_json(ctx: &mut Ctx, args: &ExportJsonArgs) -> anyhow::Result<()> {
    let text = kith_app::archive::account_json(&ctx.store, ctx.user.id, ctx.now).await?;
    match &args.output {
        Some(path) => crate::commands::write_private(path, text)?,
        None => ctx.ui.out().write_all(text.as_bytes())?,
    }
    Ok(())
}

fn read_input(file: &Path) -> anyhow::Result<Vec<u8>> {
    if file.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf)?;
        return Ok(buf);
    }
    std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))
}

/// What a document holds, as (what, how many).
fn counts(doc: &AccountExport) -> [(&'static str, usize); 6] {
    [
        ("contacts", doc.contacts.len()),
        ("conversations", doc.conversations.len()),
        ("follow_ups", doc.follow_ups.len()),
        ("goals", doc.goals.len()),
        ("meetings", doc.meetings.len()),
        ("outreach_blocks", doc.outreach_blocks.len()),
    ]
}

pub async fn import_json(ctx: &mut Ctx, args: &ImportJsonArgs) -> anyhow::Result<()> {
    let file = args.file.display().to_string();
    let bytes = read_input(&args.file)?;
    let doc = AccountExport::from_json(&bytes).with_context(|| format!("cannot import {file}"))?;
    ctx.store
        .import_account(ctx.user.id, &doc, ctx.now)
        .await
        .with_context(|| format!("cannot import {file}"))?;
    let counts = counts(&doc);
    if ctx.ui.json {
        let mut value = json!({ "file": file, "user": ctx.user.username });
        for (what, n) in counts {
            value[what] = json!(n);
        }
        return Ok(ctx.ui.print_json(&value)?);
    }
    let summary = counts
        .iter()
        .map(|(what, n)| {
            let what = what.replace('_', " ");
            match n {
                1 => format!("1 {}", what.trim_end_matches('s')),
                n => format!("{n} {what}"),
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    writeln!(
        ctx.ui.out(),
        "{BOLD}Imported {file}{BOLD:#} into {}'s account: {summary}.",
        ctx.user.username
    )?;
    Ok(())
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Creates an empty file only its owner may read or write: a backup holds
/// password hashes and sign-in secrets (TOTP seeds, passkeys).
fn create_private(path: &Path) -> anyhow::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))
}

fn exists(path: &Path) -> anyhow::Result<bool> {
    path.try_exists()
        .with_context(|| format!("cannot look at {}", path.display()))
}

pub async fn backup(global: &Global, args: &BackupArgs, ui: &mut Ui) -> anyhow::Result<()> {
    let location = app::location(global)?;
    let file = &args.file;
    if exists(file)? && !args.force {
        bail!(
            "{} already exists; pass --force to replace it",
            file.display()
        );
    }
    // Written next to FILE, then renamed over it: FILE is never half-written.
    let partial = sibling(file, ".partial");
    if exists(&partial)? {
        std::fs::remove_file(&partial)
            .with_context(|| format!("cannot remove {}", partial.display()))?;
    }
    let (kind, users) = match &location {
        Location::SqliteFile(path) => {
            if !exists(path)? {
                bail!("no database at {}", path.display());
            }
            let store = app::open(global, &location).await?;
            // VACUUM INTO fills an empty file and keeps its permissions.
            drop(create_private(&partial)?);
            let done = store.snapshot_into(&partial).await;
            store.close().await;
            done.with_context(|| format!("cannot write {}", partial.display()))?;
            let info = check_sqlite_snapshot(&partial).await?;
            ("an SQLite snapshot", info.users)
        }
        Location::SqliteMemory => bail!("an in-memory database has nothing to back up"),
        Location::Postgres(_) => {
            let store = app::open(global, &location).await?;
            let backup = store.backup_instance(chrono::Utc::now()).await;
            store.close().await;
            let backup = backup?;
            let mut text = serde_json::to_vec_pretty(&backup)?;
            text.push(b'\n');
            let mut out = create_private(&partial)?;
            std::io::Write::write_all(&mut out, &text)
                .and_then(|()| out.sync_all())
                .with_context(|| format!("cannot write {}", partial.display()))?;
            ("JSON", backup.users.len() as i64)
        }
    };
    std::fs::rename(&partial, file).with_context(|| format!("cannot write {}", file.display()))?;
    if ui.json {
        return Ok(ui.print_json(&json!({
            "file": file.display().to_string(),
            "database": format!("{location:?}"),
            "format": if kind == "JSON" { "json" } else { "sqlite" },
            "users": users,
        }))?);
    }
    writeln!(
        ui.out(),
        "Backed up {location:?} to {BOLD}{}{BOLD:#} ({kind}, {users} user{}).",
        file.display(),
        if users == 1 { "" } else { "s" }
    )?;
    Ok(())
}

pub async fn restore(global: &Global, args: &RestoreArgs, ui: &mut Ui) -> anyhow::Result<()> {
    let location = app::location(global)?;
    let file = &args.file;
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let snapshot = bytes.starts_with(SQLITE_HEADER);
    let (users, replaced) = match (&location, snapshot) {
        (Location::SqliteFile(path), true) => {
            let info = check_sqlite_snapshot(file).await?;
            if exists(path)? && std::fs::canonicalize(path)? == std::fs::canonicalize(file)? {
                bail!("{} is the database itself", file.display());
            }
            let existing = sqlite_user_count(path).await?;
            if existing > 0 && !args.force {
                bail!(
                    "{} already has {existing} user{}; pass --force to replace the whole \
                     database with the backup (everything in it now is lost)",
                    path.display(),
                    if existing == 1 { "" } else { "s" }
                );
            }
            replace_sqlite_file(file, path).await?;
            // Brings an older snapshot's schema up to date, and checks it.
            let store = app::open(global, &location).await?;
            let problems = store.integrity_check().await;
            store.close().await;
            let problems = problems?;
            if !problems.is_empty() {
                bail!(
                    "the restored database has problems: {}",
                    problems.join("; ")
                );
            }
            (info.users, existing)
        }
        (Location::Postgres(_), true) => bail!(
            "{} is an SQLite snapshot; a PostgreSQL database is restored from the JSON \
             that kith backup writes for it",
            file.display()
        ),
        (Location::SqliteMemory, _) => bail!("an in-memory database cannot be restored"),
        (_, false) => {
            let backup = InstanceBackup::from_json(&bytes)
                .with_context(|| format!("cannot restore {}", file.display()))?;
            let store = app::open(global, &location).await?;
            let done = store
                .restore_instance(&backup, args.force, chrono::Utc::now())
                .await;
            store.close().await;
            let replaced = done.with_context(|| format!("cannot restore {}", file.display()))?;
            (backup.users.len() as i64, replaced as i64)
        }
    };
    if ui.json {
        return Ok(ui.print_json(&json!({
            "file": file.display().to_string(),
            "database": format!("{location:?}"),
            "users": users,
            "replaced_users": replaced,
        }))?);
    }
    let out = ui.out();
    writeln!(
        out,
        "Restored {location:?} from {BOLD}{}{BOLD:#}: {users} user{}.",
        file.display(),
        if users == 1 { "" } else { "s" }
    )?;
    if replaced > 0 {
        writeln!(
            out,
            "The {replaced} user{} it had before, and all their data, were replaced.",
            if replaced == 1 { "" } else { "s" }
        )?;
    }
    Ok(())
}
