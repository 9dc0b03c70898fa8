//! `meet` and `meeting`: scheduling, converting to virtual, cancelling,
//! the invitation, and logging a meeting that happened.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{anyhow, bail};
use clap::{ArgGroup, Args, Subcommand};
use kith_core::ids::MeetingId;
use kith_core::meeting::{Meeting, MeetingStatus};
use kith_store::{MeetingFilter, StoreError};
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::ui::{self, BOLD, DIM, YELLOW, columns};
use kith_app::calendar;
use kith_app::json;
use kith_app::meetings::{self, How, ModeInput, NewMeetingInput, new_meeting};

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
    Show(MeetingArg),
    /// Move a meeting online or to the phone: same invitation, updated (then: kith meeting ics ID)
    Convert(MeetingConvertArgs),
    /// Call a meeting off (--send e-mails the cancellation)
    Cancel(MeetingCancelArgs),
    /// E-mail the invitation (or the cancellation) to the attendees
    Send(MeetingArg),
    /// The invitation to send: iTIP REQUEST, or CANCEL once cancelled
    Ics(MeetingIcsArgs),
    /// Log a meeting that happened as a conversation with its attendees
    Log(MeetingLogArgs),
}

#[derive(Debug, Args)]
pub struct MeetingArg {
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

impl ModeArgs {
    /// The one mode the flags name (clap lets through exactly one).
    fn input(&self) -> anyhow::Result<ModeInput> {
        let detail = |how: How, detail: &String| ModeInput {
            how,
            detail: detail.clone(),
        };
        Ok(if let Some(place) = &self.place {
            detail(How::Where, place)
        } else if let Some(url) = &self.zoom {
            detail(How::Zoom, url)
        } else if let Some(url) = &self.meet {
            detail(How::Meet, url)
        } else if let Some(url) = &self.teams {
            detail(How::Teams, url)
        } else if let Some(number) = &self.phone {
            detail(How::Phone, number)
        } else if self.jitsi {
            detail(How::Jitsi, &String::new())
        } else {
            bail!(
                "say where: --where PLACE, --zoom URL, --meet URL, --teams URL, --jitsi or --phone NUMBER"
            );
        })
    }
}

impl MeetArgs {
    fn input(&self) -> anyhow::Result<NewMeetingInput> {
        Ok(NewMeetingInput {
            with: self.with.clone(),
            at: self.at.clone(),
            minutes: self.minutes.clone(),
            mode: self.mode.input()?,
            title: self.title.clone(),
        })
    }
}

pub async fn meet(ctx: &mut Ctx, args: &MeetArgs) -> anyhow::Result<()> {
    let tz = ctx.user.timezone;
    let meeting = new_meeting(&ctx.store, &ctx.user, ctx.now, &args.input()?).await?;
    let id = ctx
        .store
        .add_meeting(ctx.user.id, &meeting, ctx.now)
        .await?;
    let stored = ctx.store.meeting(ctx.user.id, id).await?;
    if ctx.ui.json {
        return Ok(ctx.ui.print_json(&json::meeting(&stored))?);
    }
    let out = ctx.ui.out();
    writeln!(
        out,
        "Meeting {BOLD}#{}{BOLD:#} {} at {}: {}",
        stored.id,
        stored.title,
        ui::date_time(stored.starts_at, tz),
        stored.mode.describe()
    )?;
    if stored.starts_at < ctx.now {
        writeln!(
            out,
            "{DIM}It is in the past; log it with: kith meeting log {} \"…\"{DIM:#}",
            stored.id
        )?;
    } else {
        writeln!(
            out,
            "{DIM}Send the invitation: kith meeting ics {} -o invite.ics{DIM:#}",
            stored.id
        )?;
    }
    Ok(())
}

fn meeting_id(input: &str) -> anyhow::Result<MeetingId> {
    input
        .trim()
        .trim_start_matches('#')
        .parse::<i64>()
        .map(MeetingId)
        .map_err(|_| {
            anyhow!(
                "invalid meeting: '{}' is not a meeting id (see kith meeting list)",
                input.trim()
            )
        })
}

/// The meeting, or "no meeting N" in words.
async fn find(ctx: &Ctx, input: &str) -> anyhow::Result<Meeting> {
    let id = meeting_id(input)?;
    match ctx.store.meeting(ctx.user.id, id).await {
        Err(StoreError::NotFound { .. }) => bail!("no meeting with id {id}"),
        other => Ok(other?),
    }
}

pub async fn run(ctx: &mut Ctx, command: &MeetingCommand) -> anyhow::Result<()> {
    match command {
        MeetingCommand::List(args) => list(ctx, args.all).await,
        MeetingCommand::Show(id) => {
            let meeting = find(ctx, &id.id).await?;
            show(ctx, &meeting, "")
        }
        MeetingCommand::Convert(args) => convert(ctx, args).await,
        MeetingCommand::Cancel(args) => cancel(ctx, args).await,
        MeetingCommand::Send(id) => {
            let meeting = find(ctx, &id.id).await?;
            send(ctx, &meeting).await
        }
        MeetingCommand::Ics(args) => ics(ctx, args).await,
        MeetingCommand::Log(args) => log_meeting(ctx, args).await,
    }
}

/// In person becomes a video call (or back): a new sequence number.
async fn convert(ctx: &mut Ctx, args: &MeetingConvertArgs) -> anyhow::Result<()> {
    let id = find(ctx, &args.id).await?.id;
    let mode = meetings::mode(&ctx.store, &ctx.user, &args.mode.input()?).await?;
    let changed = ctx
        .store
        .change_meeting_mode(ctx.user.id, id, &mode, ctx.now)
        .await?;
    let hint = format!(
        "Send the update (same event, sequence {}): kith meeting send {id}, or kith meeting ics {id} -o update.ics",
        changed.sequence
    );
    show(ctx, &changed, if args.send { "" } else { &hint })?;
    if args.send {
        send(ctx, &changed).await?;
    }
    Ok(())
}

async fn cancel(ctx: &mut Ctx, args: &MeetingCancelArgs) -> anyhow::Result<()> {
    let id = find(ctx, &args.id).await?.id;
    let cancelled = ctx.store.cancel_meeting(ctx.user.id, id, ctx.now).await?;
    let hint = format!(
        "Send the cancellation: kith meeting send {id}, or kith meeting ics {id} -o cancel.ics"
    );
    show(ctx, &cancelled, if args.send { "" } else { &hint })?;
    if args.send {
        send(ctx, &cancelled).await?;
    }
    Ok(())
}

/// The invitation as an .ics file, or on standard output.
async fn ics(ctx: &mut Ctx, args: &MeetingIcsArgs) -> anyhow::Result<()> {
    let meeting = find(ctx, &args.id).await?;
    let invitation = calendar::invitation(&ctx.store, &ctx.user, &meeting).await?;
    let text = invitation.text;
    for name in invitation.missing {
        eprintln!("kith: note: {name} has no e-mail address and is left out of the invitation");
    }
    match &args.output {
        Some(path) => crate::commands::write_private(path, text)?,
        None => write!(ctx.ui.out(), "{text}")?,
    }
    Ok(())
}

/// The meeting, once it has happened, as a conversation.
async fn log_meeting(ctx: &mut Ctx, args: &MeetingLogArgs) -> anyhow::Result<()> {
    let meeting = find(ctx, &args.id).await?;
    let summary = args.summary.join(" ");
    let talk = ctx
        .store
        .log_meeting(ctx.user.id, meeting.id, &summary, ctx.now)
        .await
        .map_err(|e| match e {
            StoreError::Invalid { message, .. } => anyhow!("{message}"),
            other => other.into(),
        })?;
    if ctx.ui.json {
        let value = json!({ "meeting": meeting.id.0, "conversation": talk.0 });
        return Ok(ctx.ui.print_json(&value)?);
    }
    writeln!(
        ctx.ui.out(),
        "Logged meeting #{} as conversation #{talk} ({}, {})",
        meeting.id,
        meeting.mode.channel(),
        ui::date_time(meeting.starts_at, ctx.user.timezone)
    )?;
    Ok(())
}

/// Queues the meeting's invitation for its attendees.
async fn send(ctx: &mut Ctx, meeting: &Meeting) -> anyhow::Result<()> {
    let queued = kith_app::mail::queue_invitation(&ctx.store, &ctx.user, meeting, ctx.now).await?;
    if ctx.ui.json {
        let value = json!({ "queued": queued.id, "to": queued.to, "missing": queued.missing });
        return Ok(ctx.ui.print_json(&value)?);
    }
    Ok(super::mail::print_queued(ctx.ui.out(), &queued)?)
}

async fn list(ctx: &mut Ctx, all: bool) -> anyhow::Result<()> {
    let filter = MeetingFilter {
        ends_after: (!all).then_some(ctx.now),
        include_cancelled: all,
        ..MeetingFilter::default()
    };
    let meetings = ctx.store.meetings(ctx.user.id, &filter).await?;
    if ctx.ui.json {
        let value: Vec<Value> = meetings.iter().map(json::meeting).collect();
        return Ok(ctx.ui.print_json(&json!(value))?);
    }
    let tz = ctx.user.timezone;
    let out = ctx.ui.out();
    if meetings.is_empty() {
        writeln!(
            out,
            "No meetings{}. Schedule one with: kith meet NAME --at \"2026-12-03 10:00\" --jitsi",
            if all { "" } else { " coming" }
        )?;
        return Ok(());
    }
    let rows: Vec<Vec<String>> = meetings
        .iter()
        .map(|m| {
            let status = match (m.status, m.conversation) {
                (MeetingStatus::Cancelled, _) => " (cancelled)".to_owned(),
                (_, Some(c)) => format!(" (logged as #{c})"),
                _ => String::new(),
            };
            vec![
                format!("  {:>5}", format!("#{}", m.id)),
                ui::date_time(m.starts_at, tz),
                format!("{}{status}", m.title),
                m.mode.describe(),
            ]
        })
        .collect();
    columns(out, &rows)?;
    Ok(())
}

fn show(ctx: &mut Ctx, m: &Meeting, next: &str) -> anyhow::Result<()> {
    if ctx.ui.json {
        return Ok(ctx.ui.print_json(&json::meeting(m))?);
    }
    let tz = ctx.user.timezone;
    let out = ctx.ui.out();
    writeln!(out, "{BOLD}{}{BOLD:#} {DIM}#{}{DIM:#}", m.title, m.id)?;
    let status = match (m.status, m.conversation) {
        (MeetingStatus::Cancelled, _) => format!("{YELLOW}cancelled{YELLOW:#}"),
        (_, Some(c)) => format!("happened, logged as conversation #{c}"),
        _ if m.wants_logging(ctx.now) => {
            format!("happened; log it: kith meeting log {} \"…\"", m.id)
        }
        _ => "scheduled".to_owned(),
    };
    let rows = vec![
        vec![
            "when".into(),
            format!(
                "{} ({} min, {tz})",
                ui::date_time(m.starts_at, tz),
                m.minutes
            ),
        ],
        vec!["where".into(), m.mode.describe()],
        vec![
            "with".into(),
            m.attendees
                .iter()
                .map(|a| a.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        ],
        vec!["status".into(), status],
        vec![
            "invitation".into(),
            format!("uid {}, sequence {}", m.uid, m.sequence),
        ],
    ];
    columns(out, &rows)?;
    if !next.is_empty() {
        writeln!(out, "{DIM}{next}{DIM:#}")?;
    }
    Ok(())
}

/// The `log it` line of a meeting waiting to be logged.
pub fn log_hint(m: &Meeting) -> String {
    format!("kith meeting log {} \"…\"", m.id)
}

pub fn print_agenda_meetings(
    out: &mut impl Write,
    today: &[Meeting],
    to_log: &[Meeting],
    tz: kith_core::values::TimeZone,
) -> std::io::Result<()> {
    let with = |m: &Meeting| {
        m.attendees
            .iter()
            .map(|a| a.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !today.is_empty() {
        writeln!(out, "\n{BOLD}Meetings today{BOLD:#}")?;
        for m in today {
            let time = m.starts_at.with_timezone(&tz.tz()).format("%H:%M");
            writeln!(
                out,
                "  {DIM}#{}{DIM:#}  {time}  {} ({})  {}",
                m.id,
                m.title,
                with(m),
                m.mode.describe()
            )?;
        }
    }
    if !to_log.is_empty() {
        writeln!(
            out,
            "\n{BOLD}Meetings that happened: how did they go?{BOLD:#}"
        )?;
        for m in to_log {
            writeln!(
                out,
                "  {DIM}#{}{DIM:#}  {} ({}): log it: {}",
                m.id,
                m.title,
                ui::date_time(m.starts_at, tz),
                log_hint(m)
            )?;
        }
    }
    Ok(())
}
