//! Arguments of `meet`, `meeting`, `block`, `plan` and `export`.

use std::path::PathBuf;

use clap::{ArgGroup, Args, Subcommand};

/// Where a meeting happens: exactly one of these.
#[derive(Debug, Default, Args)]
#[command(group(ArgGroup::new("mode").required(true).multiple(false)))]
pub struct ModeArgs {
    /// In person, at this place
    #[arg(long = "where", value_name = "PLACE", group = "mode")]
    pub place: Option<String>,
    /// On Zoom, with this join link (https://…zoom.us/…)
    #[arg(long, value_name = "URL", group = "mode")]
    pub zoom: Option<String>,
    /// On Google Meet, with this link (https://meet.google.com/…)
    #[arg(long, value_name = "URL", group = "mode")]
    pub meet: Option<String>,
    /// On Microsoft Teams, with this link (https://teams.microsoft.com/… or teams.live.com)
    #[arg(long, value_name = "URL", group = "mode")]
    pub teams: Option<String>,
    /// On Jitsi Meet, in a new unguessable room (server: kith settings --jitsi)
    #[arg(long, group = "mode")]
    pub jitsi: bool,
    /// By phone, on this number
    #[arg(long, value_name = "NUMBER", group = "mode")]
    pub phone: Option<String>,
}

#[derive(Debug, Args)]
pub struct MeetArgs {
    /// Who: ids or names, separated by commas
    pub with: String,
    /// When, in your time zone ("2026-12-03 10:00") or with an offset (2026-12-03T10:00:00+01:00)
    #[arg(long, value_name = "WHEN")]
    pub at: String,
    /// How long, in minutes
    #[arg(long, default_value = "30")]
    pub minutes: String,
    #[command(flatten)]
    pub mode: ModeArgs,
    /// What it is about [default: "Meeting with NAMES"]
    #[arg(long)]
    pub title: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum MeetingCommand {
    /// Coming meetings (--all: past and cancelled ones too)
    List(MeetingListArgs),
    /// One meeting
    Show(MeetingId),
    /// Move a meeting online or to the phone: same invitation, updated (then: kith meeting ics ID)
    Convert(MeetingConvertArgs),
    /// Call a meeting off (--send e-mails the cancellation)
    Cancel(MeetingCancelArgs),
    /// E-mail the invitation (or the cancellation) to the attendees
    Send(MeetingId),
    /// The invitation to send: iTIP REQUEST, or CANCEL once cancelled
    Ics(MeetingIcsArgs),
    /// Log a meeting that happened as a conversation with its attendees
    Log(MeetingLogArgs),
}

#[derive(Debug, Args)]
pub struct MeetingId {
    /// The meeting's id (from `kith meeting list`)
    pub id: String,
}

#[derive(Debug, Args)]
pub struct MeetingListArgs {
    /// Past and cancelled meetings too
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct MeetingConvertArgs {
    /// The meeting's id
    pub id: String,
    #[command(flatten)]
    pub mode: ModeArgs,
    /// E-mail the updated invitation to the attendees
    #[arg(long)]
    pub send: bool,
}

#[derive(Debug, Args)]
pub struct MeetingCancelArgs {
    /// The meeting's id
    pub id: String,
    /// E-mail the cancellation to the attendees
    #[arg(long)]
    pub send: bool,
}

#[derive(Debug, Args)]
pub struct MeetingIcsArgs {
    /// The meeting's id
    pub id: String,
    /// Write to this file instead of standard output
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct MeetingLogArgs {
    /// The meeting's id
    pub id: String,
    /// What you talked about
    #[arg(num_args = 0..)]
    pub summary: Vec<String>,
}

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
