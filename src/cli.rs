//! The command line as clap sees it: raw strings, checked nowhere but here
//! for shape. `commands::*` turns them into validated domain values.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use kith_store::Durability;

pub use crate::commands::accounts::{TokenCommand, UserCommand};
pub use crate::commands::archive::{BackupArgs, RestoreArgs};
pub use crate::commands::browse::{ListArgs, SearchArgs};
pub use crate::commands::contacts::{AddArgs, DeleteArgs, EditArgs};
pub use crate::commands::goals::{GoalCommand, OrgCommand};
pub use crate::commands::interop::{DuplicatesArgs, ExportCommand, ImportCommand, MergeArgs};
pub use crate::commands::log::LogArgs;
pub use crate::commands::mail::{DigestArgs, OutboxArgs, OutboxCommand};
pub use crate::commands::meetings::{MeetArgs, MeetingCommand};
pub use crate::commands::plan::{BlockCommand, ExportIcsArgs, PlanArgs};
pub use crate::commands::settings::{SettingsArgs, TagCommand};
pub use crate::commands::todo::TodoCommand;
pub use crate::commands::undo::UndoArgs;

#[derive(Debug, Parser)]
#[command(
    name = "kith",
    version,
    about = "A personal CRM for people who network on purpose",
    after_help = "A contact is named by its id (12 or #12) or by an unambiguous part of its name.\n\
                  Dates and times are read in your time zone: 2026-11-20, \"2026-11-20 14:30\", yesterday, \"3 days ago\"."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Global {
    /// The SQLite database file [default: $XDG_DATA_HOME/kith/kith.db]
    #[arg(long, global = true, env = "KITH_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// A database URL instead: postgres://user@host/db or sqlite:PATH
    #[arg(
        long,
        global = true,
        env = "KITH_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// Act as this user (needed when the database holds several)
    #[arg(long, global = true, env = "KITH_USER", value_name = "USERNAME")]
    pub user: Option<String>,
    /// Print JSON instead of text
    #[arg(long, global = true)]
    pub json: bool,
    /// SQLite only: full syncs every commit to disk, so an acknowledged
    /// write survives a power cut; normal survives a crash of the process
    /// but a power cut can take back the last commits [default: full]
    #[arg(
        long,
        global = true,
        env = "KITH_SQLITE_SYNCHRONOUS",
        value_name = "full|normal",
        value_parser = parse_durability
    )]
    pub sqlite_synchronous: Option<Durability>,
}

fn parse_durability(input: &str) -> Result<Durability, String> {
    Durability::parse(input).map_err(|e| e.to_string())
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the database and your user
    Init(InitArgs),
    /// Add a contact
    Add(AddArgs),
    /// Change a contact (an empty value clears a field: --title "")
    Edit(EditArgs),
    /// Everything about one contact
    Show(ContactArg),
    /// List contacts in name order
    List(ListArgs),
    /// Search names, organisations, e-mails, tags, notes and conversations
    Search(SearchArgs),
    /// Log a conversation: kith log jane,bob --via zoom "what we talked about"
    Log(LogArgs),
    /// Who is due for a check-in, most pressing first, and why
    Due(DueArgs),
    /// Today's agenda: who to reach, follow-ups due, loop-backs, nudges
    Today,
    /// Follow-ups ("homework"), yours and theirs
    #[command(subcommand)]
    Todo(TodoCommand),
    /// Take back your latest done, drop or archive (for 30 minutes): kith undo --list shows what can be
    Undo(UndoArgs),
    /// Keep a contact out of the due list for a while
    Snooze(SnoozeArgs),
    /// Networking goals: a new role, a new skill, another industry, reconnecting, visibility
    #[command(subcommand)]
    Goal(GoalCommand),
    /// Your own organisation and how well you know each of its functions
    #[command(subcommand)]
    Org(OrgCommand),
    /// Tags and their keep-in-touch intervals
    #[command(subcommand)]
    Tag(TagCommand),
    /// Show or change your settings: name, e-mail, time zone, default rhythm
    Settings(SettingsArgs),
    /// The people who can sign in to this instance
    #[command(subcommand)]
    User(UserCommand),
    /// API tokens for scripts, and app passwords for CardDAV
    #[command(subcommand)]
    Token(TokenCommand),
    /// Hide a contact from lists and reminders, keeping its history
    Archive(ContactArg),
    /// Bring an archived contact back
    Unarchive(ContactArg),
    /// Delete a contact for good, with its follow-ups and the conversations
    /// only they were in (archive keeps the history instead)
    Delete(DeleteArgs),
    /// Fill a database with a realistic demo network and show around it
    Demo(DemoArgs),
    /// Run the web app and the JSON API: kith serve --demo to try it
    Serve(ServeArgs),
    /// Schedule a meeting: kith meet jane --at "2026-12-03 10:00" --where "Café Central" (or --zoom URL, --jitsi, …)
    Meet(MeetArgs),
    /// Meetings: list, show, convert to virtual, cancel, the invitation (.ics), log one that happened
    #[command(subcommand)]
    Meeting(MeetingCommand),
    /// Recurring outreach blocks in your calendar
    #[command(subcommand)]
    Block(BlockCommand),
    /// Who to reach in each coming outreach block, with a brief for each
    Plan(PlanArgs),
    /// The e-mail digest: today's homework in your inbox at the time you choose
    Digest(DigestArgs),
    /// E-mail on its way out: digests and invitations, with any errors
    Outbox(OutboxArgs),
    /// Bring contacts in: vCard, LinkedIn, Google or Outlook files, or a JSON export
    #[command(subcommand)]
    Import(ImportCommand),
    /// Take your data out: vCard, iCalendar, JSON
    #[command(subcommand)]
    Export(ExportCommand),
    /// Contacts that look like the same person, and why, in groups a page at a time
    Duplicates(DuplicatesArgs),
    /// Merge two contacts who are the same person: B's card, conversations,
    /// follow-ups, goals, meetings and introductions move to A, then B is deleted
    Merge(MergeArgs),
    /// A consistent copy of the whole database, while kith serve may be running
    Backup(BackupArgs),
    /// Put a backup in place of the database (stop kith serve first)
    Restore(RestoreArgs),
    /// Serve an AI assistant over the Model Context Protocol on stdin and
    /// stdout, as this database's user (--user when there are several): put
    /// `kith mcp` in the assistant's MCP configuration
    Mcp,
    /// Print shell completions: kith completions bash > /etc/bash_completion.d/kith
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Every path and method `kith serve` answers, from the table its router
    /// is built from: for the test suites (authorization matrix, OpenAPI
    /// coverage), so it stays out of the help
    #[command(hide = true)]
    Routes,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Your login name [default: $USER]
    #[arg(long)]
    pub username: Option<String>,
    /// Your name as others see it
    #[arg(long)]
    pub name: Option<String>,
    /// Your e-mail address (the organiser of invitations)
    #[arg(long)]
    pub email: Option<String>,
    /// Your IANA time zone [default: the system's]
    #[arg(long)]
    pub timezone: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct ContactArg {
    /// Id or part of the name
    pub contact: String,
}

#[derive(Debug, Args)]
pub struct DueArgs {
    /// At most this many
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// Rank as of this date instead of today
    #[arg(long, value_name = "DATE")]
    pub on: Option<String>,
}

#[derive(Debug, Args)]
pub struct SnoozeArgs {
    /// Id or part of the name
    pub contact: String,
    /// For how long: 2w, 10d, 3m
    #[arg(long = "for", value_name = "INTERVAL", conflicts_with_all = ["until", "off"], required_unless_present_any = ["until", "off"])]
    pub duration: Option<String>,
    /// Until this date
    #[arg(long, value_name = "DATE", conflicts_with = "off")]
    pub until: Option<String>,
    /// Wake the contact now
    #[arg(long)]
    pub off: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How many contacts (about 20 conversations and 5 follow-ups each)
    #[arg(long, default_value_t = 2_000)]
    pub contacts: usize,
    /// Another seed gives another network; the same seed the same one
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Where to listen [default: 127.0.0.1:7700; port 0 picks a free one]
    #[arg(long, env = "KITH_BIND", value_name = "ADDR")]
    pub bind: Option<String>,
    /// A TOML file of settings; flags and KITH_ variables override it
    #[arg(long, env = "KITH_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// The address people use, e.g. https://kith.example.com (makes cookies Secure behind https)
    #[arg(long, env = "KITH_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
    /// Trust X-Forwarded-For from a reverse proxy in front (for login throttling)
    #[arg(long, env = "KITH_TRUST_PROXY")]
    pub trust_proxy: bool,
    /// Everyone who signs in with a password must also use an authenticator app (TOTP)
    #[arg(long, env = "KITH_REQUIRE_TOTP")]
    pub require_totp: bool,
    /// Serve a fresh demo network with a demo user (prints how to sign in)
    #[arg(long)]
    pub demo: bool,
    /// With --demo: how many contacts
    #[arg(long, default_value_t = 2_000, requires = "demo")]
    pub demo_contacts: usize,
    #[command(flatten)]
    pub mail: MailArgs,
}

/// How mail goes out (digests, invitations).
#[derive(Debug, Args, Default, Clone)]
pub struct MailArgs {
    /// The SMTP server: smtp://host:25, smtp://user:pass@host:587?tls=required (STARTTLS) or smtps://host:465
    #[arg(
        long,
        env = "KITH_SMTP_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub smtp_url: Option<String>,
    /// The address mail comes from, e.g. "Kith <kith@example.com>"
    #[arg(long, env = "KITH_MAIL_FROM", value_name = "ADDRESS")]
    pub mail_from: Option<String>,
    /// Seconds between looks for due digests and queued mail [default: 30]
    #[arg(long, env = "KITH_MAIL_POLL_SECS", hide = true)]
    pub mail_poll_secs: Option<u64>,
    /// Seconds before the first retry of a failed send; doubles each time [default: 60]
    #[arg(long, env = "KITH_MAIL_RETRY_SECS", hide = true)]
    pub mail_retry_secs: Option<u64>,
    /// Seconds a server holds a message it is sending [default: 300]
    #[arg(long, env = "KITH_MAIL_LEASE_SECS", hide = true)]
    pub mail_lease_secs: Option<u64>,
}
