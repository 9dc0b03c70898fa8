//! Arguments of the commands that bring contacts in and take them out:
//! `import`, `export`, `duplicates`.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

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
pub struct ImportJsonArgs {
    /// The file `kith export json` wrote (- for standard input)
    pub file: PathBuf,
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
pub struct ExportJsonArgs {
    /// Write to this file instead of standard output
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExportCsvArgs {
    /// Write to this file instead of standard output
    #[arg(long, short)]
    pub output: Option<PathBuf>,
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
