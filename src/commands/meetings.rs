//! `meet` and `meeting`: scheduling, converting to virtual, cancelling,
//! the invitation, and logging a meeting that happened.

use std::io::Write;

use anyhow::{Context as _, anyhow, bail};
use chrono::{DateTime, Utc};
use kith_core::ids::MeetingId;
use kith_core::meeting::{JoinLink, Meeting, MeetingMode, MeetingStatus, NewMeeting, Platform};
use kith_core::user::User;
use kith_core::when::parse_moment;
use kith_store::{MeetingFilter, Store, StoreError};
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::calendar;
use crate::cli::{MeetArgs, MeetingCommand, ModeArgs};
use crate::ui::{self, BOLD, DIM, YELLOW, columns};
use kith_app::json;
use kith_app::resolve;

/// The meeting `meet` (or the web's form) describes, checked.
pub async fn new_meeting(
    store: &Store,
    user: &User,
    now: DateTime<Utc>,
    args: &MeetArgs,
) -> anyhow::Result<NewMeeting> {
    let starts_at = parse_moment("--at", &args.at, now, user.timezone)?;
    let minutes = kith_core::conversation::Minutes::parse(&args.minutes)
        .map_err(|e| e.in_field("--minutes"))?
        .get();
    let mode = mode(store, user, &args.mode).await?;
    let people = resolve::contacts(store, user.id, &args.with).await?;
    let title = match &args.title {
        Some(t) => t.clone(),
        None => format!(
            "Meeting with {}",
            people
                .iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let meeting = NewMeeting::new(
        &title,
        starts_at,
        minutes,
        mode,
        people.iter().map(|p| p.id).collect(),
    )
    .map_err(|e| {
        let flag = if e.field == "title" {
            "--title"
        } else {
            e.field.as_str()
        };
        e.clone().in_field(flag)
    })?;
    Ok(meeting)
}

pub async fn meet(ctx: &mut Ctx, args: &MeetArgs) -> anyhow::Result<()> {
    let tz = ctx.user.timezone;
    let meeting = new_meeting(&ctx.store, &ctx.user, ctx.now, args).await?;
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

/// The mode flags as the web form and the API name them: a kind (`where`,
/// `zoom`, `meet`, `teams`, `jitsi`, `phone`) and its place, link or number.
pub fn mode_args(how: &str, detail: &str) -> Result<ModeArgs, kith_core::ValidationError> {
    let detail = Some(detail.trim().to_owned());
    let mut args = ModeArgs::default();
    match how {
        "where" => args.place = detail,
        "zoom" => args.zoom = detail,
        "meet" => args.meet = detail,
        "teams" => args.teams = detail,
        "phone" => args.phone = detail,
        "jitsi" => args.jitsi = true,
        other => {
            return Err(kith_core::ValidationError::new(
                "how",
                format!("'{other}' is not where, zoom, meet, teams, jitsi or phone"),
            ));
        }
    }
    Ok(args)
}

/// The mode the flags name; `--jitsi` makes a new room on the user's server.
pub async fn mode(store: &Store, user: &User, args: &ModeArgs) -> anyhow::Result<MeetingMode> {
    let link = |platform: Platform, url: &str, flag: &str| {
        JoinLink::parse(platform, url)
            .map(MeetingMode::virtual_call)
            .map_err(|e| e.in_field(flag))
    };
    Ok(if let Some(place) = &args.place {
        MeetingMode::in_person(place).map_err(|e| e.in_field("--where"))?
    } else if let Some(url) = &args.zoom {
        link(Platform::Zoom, url, "--zoom")?
    } else if let Some(url) = &args.meet {
        link(Platform::Meet, url, "--meet")?
    } else if let Some(url) = &args.teams {
        link(Platform::Teams, url, "--teams")?
    } else if let Some(number) = &args.phone {
        MeetingMode::phone(number).map_err(|e| e.in_field("--phone"))?
    } else if args.jitsi {
        let base = store.jitsi_base(user.id).await?;
        let mut entropy = [0u8; 16];
        getrandom::fill(&mut entropy)
            .map_err(|e| anyhow!("no randomness for a Jitsi room: {e}"))?;
        MeetingMode::virtual_call(JoinLink::jitsi(&base, entropy))
    } else {
        bail!(
            "say where: --where PLACE, --zoom URL, --meet URL, --teams URL, --jitsi or --phone NUMBER"
        );
    })
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
        MeetingCommand::Convert(args) => {
            let id = find(ctx, &args.id).await?.id;
            let mode = mode(&ctx.store, &ctx.user, &args.mode).await?;
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
        MeetingCommand::Cancel(args) => {
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
        MeetingCommand::Send(id) => {
            let meeting = find(ctx, &id.id).await?;
            send(ctx, &meeting).await
        }
        MeetingCommand::Ics(args) => {
            let meeting = find(ctx, &args.id).await?;
            let invitation = calendar::invitation(&ctx.store, &ctx.user, &meeting).await?;
            let text = invitation.text;
            for name in invitation.missing {
                eprintln!(
                    "kith: note: {name} has no e-mail address and is left out of the invitation"
                );
            }
            match &args.output {
                Some(path) => std::fs::write(path, text)
                    .with_context(|| format!("cannot write {}", path.display()))?,
                None => write!(ctx.ui.out(), "{text}")?,
            }
            Ok(())
        }
        MeetingCommand::Log(args) => {
            let meeting = find(ctx, &args.id).await?;
            let summary = args.summary.join(" ");
            let talk = ctx
                .store
                .log_meeting(ctx.user.id, meeting.id, &summary, ctx.now)
                .await
                .map_err(|e| match e {
                    StoreError::Invalid(v) => anyhow!("{}", v.message),
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
    }
}

/// Queues the meeting's invitation for its attendees.
async fn send(ctx: &mut Ctx, meeting: &Meeting) -> anyhow::Result<()> {
    let queued = super::mail::queue_invitation(&ctx.store, &ctx.user, meeting, ctx.now).await?;
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
