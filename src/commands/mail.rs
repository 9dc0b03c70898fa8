//! `digest` and `outbox`, and queueing a meeting's invitation for e-mail
//! (the web uses the same functions).

use std::io::Write;

use anyhow::bail;
use chrono::{DateTime, Utc};
use kith_core::digest::{DigestPatch, DigestSettings, next_after};
use kith_core::meeting::Meeting;
use kith_core::outreach::{Weekdays, parse_time};
use kith_core::user::User;
use kith_core::values::Email;
use kith_store::{DigestState, MailKind, NewMail, OutboxEntry, Store};
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::cli::{
    DigestArgs, DigestCommand, DigestSetArgs, Global, MailArgs, OutboxArgs, OutboxCommand,
};
use crate::mail::Sender;
use crate::ui::{self, BOLD, DIM, Ui, YELLOW, columns};
use crate::{calendar, digest};

/// The change `digest set` (or the settings page) describes, checked.
pub fn digest_patch(args: &DigestSetArgs) -> anyhow::Result<DigestPatch> {
    Ok(DigestPatch {
        enabled: match (args.on, args.off) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        },
        days: args
            .days
            .as_deref()
            .map(Weekdays::parse)
            .transpose()
            .map_err(|e| e.in_field("--days"))?,
        at: args
            .at
            .as_deref()
            .map(|at| parse_time("--at", at))
            .transpose()?,
        address: match (&args.to, args.to_account) {
            (Some(to), _) => Some(Some(Email::parse(to).map_err(|e| e.in_field("--to"))?)),
            (None, true) => Some(None),
            (None, false) => None,
        },
    })
}

/// Where `settings` send the digest: their own address, else the account's.
pub fn digest_address(settings: &DigestSettings, user: &User) -> Option<String> {
    settings
        .address
        .as_ref()
        .map(|a| a.as_str().to_owned())
        .or_else(|| user.email.clone())
}

/// Applies `patch` and schedules the next digest.
pub async fn set_digest(
    store: &Store,
    user: &User,
    patch: &DigestPatch,
    now: DateTime<Utc>,
) -> anyhow::Result<DigestState> {
    let current = store.digest_state(user.id).await?.settings;
    let settings = patch.apply(&current);
    if settings.enabled && digest_address(&settings, user).is_none() {
        bail!(
            "the digest needs an address: give one with --to ADDRESS, or set your account's with kith settings --email ADDRESS"
        );
    }
    let next = next_after(settings.days, settings.at, user.timezone, now);
    Ok(store.set_digest(user.id, &settings, Some(next)).await?)
}

/// Schedules the next digest again (after a change of time zone, say).
pub async fn reschedule_digest(
    store: &Store,
    user: &User,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let state = store.digest_state(user.id).await?;
    if state.settings.enabled {
        let s = &state.settings;
        let next = next_after(s.days, s.at, user.timezone, now);
        if state.next_at != Some(next) {
            store.set_digest(user.id, s, Some(next)).await?;
        }
    }
    Ok(())
}

/// "weekdays at 07:30 (Europe/Berlin)".
pub fn schedule_words(settings: &DigestSettings, user: &User) -> String {
    let days = match settings.days.bits() {
        0b001_1111 => "weekdays".to_owned(),
        0b111_1111 => "every day".to_owned(),
        _ => settings.days.to_string(),
    };
    format!(
        "{days} at {} ({})",
        settings.at.format("%H:%M"),
        user.timezone.name()
    )
}

pub async fn digest(ctx: &mut Ctx, args: &DigestArgs) -> anyhow::Result<()> {
    match &args.command {
        None if args.preview => preview(ctx, args.html).await,
        None => status(ctx).await,
        Some(DigestCommand::Set(set)) => {
            let patch = digest_patch(set)?;
            set_digest(&ctx.store, &ctx.user, &patch, ctx.now).await?;
            status(ctx).await
        }
        Some(DigestCommand::Send) => {
            let (id, to) = queue_digest_now(&ctx.store, &ctx.user, ctx.now, None).await?;
            if ctx.ui.json {
                return Ok(ctx.ui.print_json(&json!({ "queued": id, "to": to }))?);
            }
            writeln!(
                ctx.ui.out(),
                "Queued today's digest to {to} (message #{id}). kith serve sends it within a minute; without a server, run kith outbox deliver."
            )?;
            Ok(())
        }
    }
}

/// Records today's digest for sending now, whatever the schedule says.
/// Returns the message's id and where it goes.
pub async fn queue_digest_now(
    store: &Store,
    user: &User,
    now: DateTime<Utc>,
    public_url: Option<&str>,
) -> anyhow::Result<(i64, String)> {
    let settings = store.digest_state(user.id).await?.settings;
    let Some(to) = digest_address(&settings, user) else {
        bail!(
            "the digest needs an address: kith digest set --to ADDRESS, or kith settings --email ADDRESS"
        );
    };
    let digest = digest::compose(store, user, now, public_url).await?;
    let mail = NewMail {
        kind: MailKind::Digest,
        dedup_key: format!("digest:sent-by-hand:{}", now.timestamp_micros()),
        to: vec![Email::parse(&to)?],
        reply_to: None,
        subject: digest.subject,
        text: digest.text,
        html: Some(digest.html),
        calendar: None,
    };
    let id = store
        .enqueue_mail(user.id, &mail, now)
        .await?
        .ok_or_else(|| anyhow::anyhow!("a digest was queued at this very moment already"))?;
    Ok((id, to))
}

async fn preview(ctx: &mut Ctx, html: bool) -> anyhow::Result<()> {
    let digest = digest::compose(&ctx.store, &ctx.user, ctx.now, None).await?;
    if ctx.ui.json {
        let value = json!({
            "date": digest.date.to_string(),
            "subject": digest.subject,
            "text": digest.text,
            "html": digest.html,
            "empty": digest.empty,
        });
        return Ok(ctx.ui.print_json(&value)?);
    }
    let out = ctx.ui.out();
    if html {
        write!(out, "{}", digest.html)?;
    } else {
        writeln!(out, "Subject: {}\n", digest.subject)?;
        write!(out, "{}", digest.text)?;
        if digest.empty {
            writeln!(
                out,
                "\n{DIM}(Nothing is due, open or booked: on a day like this no digest is sent.){DIM:#}"
            )?;
        }
    }
    Ok(())
}

async fn status(ctx: &mut Ctx) -> anyhow::Result<()> {
    let state = ctx.store.digest_state(ctx.user.id).await?;
    let last = ctx.store.last_digest(ctx.user.id).await?;
    let settings = &state.settings;
    let tz = ctx.user.timezone;
    let address = digest_address(settings, &ctx.user);
    if ctx.ui.json {
        let value = json!({
            "enabled": settings.enabled,
            "days": settings.days.names(),
            "at": settings.at.format("%H:%M").to_string(),
            "timezone": tz.name(),
            "to": address,
            "own_address": settings.address.as_ref().map(|a| a.as_str()),
            "next_at": state.next_at.map(|t| t.to_rfc3339()),
            "last": last.as_ref().map(entry_json),
        });
        return Ok(ctx.ui.print_json(&value)?);
    }
    let out = ctx.ui.out();
    if settings.enabled {
        writeln!(
            out,
            "{BOLD}Digest on{BOLD:#}: {} to {}",
            schedule_words(settings, &ctx.user),
            address.as_deref().unwrap_or("(no address)")
        )?;
        if let Some(next) = state.next_at {
            writeln!(out, "Next: {}", ui::date_time(next, tz))?;
        }
    } else {
        writeln!(
            out,
            "{BOLD}Digest off{BOLD:#}. Turn it on: kith digest set --on --days weekdays --at 07:30"
        )?;
    }
    if let Some(last) = &last {
        writeln!(out, "Last: {}{}", last_words(last, tz), retry_hint(last))?;
    }
    writeln!(
        out,
        "{DIM}Preview today's: kith digest --preview · Messages and errors: kith outbox{DIM:#}"
    )?;
    Ok(())
}

/// "sent 2026-11-26 07:30" or "not sent yet: 451 … (attempt 2)".
pub fn last_words(entry: &OutboxEntry, tz: kith_core::values::TimeZone) -> String {
    use kith_store::MailStatus::*;
    match entry.status {
        Sent => format!(
            "sent {}",
            ui::date_time(entry.sent_at.unwrap_or(entry.created_at), tz)
        ),
        Pending if entry.attempts == 0 => {
            format!("queued {}", ui::date_time(entry.created_at, tz))
        }
        Pending => format!(
            "not sent yet, retrying at {} (attempt {} failed: {})",
            ui::date_time(entry.next_attempt_at, tz),
            entry.attempts,
            entry.last_error.as_deref().unwrap_or("unknown error")
        ),
        Sending => "being sent now".into(),
        Failed => format!(
            "failed after {} attempts: {}",
            entry.attempts,
            entry.last_error.as_deref().unwrap_or("unknown error")
        ),
        Uncertain => format!(
            "may not have arrived: {}",
            entry.last_error.as_deref().unwrap_or("the server stopped")
        ),
    }
}

/// How to send a failed or uncertain message again, from the command line.
fn retry_hint(entry: &OutboxEntry) -> String {
    use kith_store::MailStatus::{Failed, Uncertain};
    match entry.status {
        Failed | Uncertain => format!(" (send it again: kith outbox retry {})", entry.id),
        _ => String::new(),
    }
}

fn entry_json(e: &OutboxEntry) -> Value {
    json!({
        "id": e.id,
        "kind": e.kind.as_str(),
        "to": e.to,
        "subject": e.subject,
        "status": e.status.as_str(),
        "attempts": e.attempts,
        "error": e.last_error,
        "created_at": e.created_at.to_rfc3339(),
        "sent_at": e.sent_at.map(|t| t.to_rfc3339()),
        "next_attempt_at": e.next_attempt_at.to_rfc3339(),
    })
}

pub async fn outbox(ctx: &mut Ctx, args: &OutboxArgs) -> anyhow::Result<()> {
    match &args.command {
        Some(OutboxCommand::Retry(retry)) => {
            ctx.store
                .retry_mail(ctx.user.id, retry.id, ctx.now)
                .await
                .map_err(|e| match e {
                    kith_store::StoreError::NotFound { .. } => anyhow::anyhow!(
                        "no failed or uncertain message #{} in your outbox (see kith outbox)",
                        retry.id
                    ),
                    other => other.into(),
                })?;
            writeln!(
                ctx.ui.out(),
                "Message #{} goes again with the next send (same Message-ID).",
                retry.id
            )?;
            Ok(())
        }
        Some(OutboxCommand::Deliver(_)) => unreachable!("run before a user is chosen"),
        None => {
            let entries = ctx.store.outbox(ctx.user.id, i64::from(args.limit)).await?;
            if ctx.ui.json {
                let value: Vec<Value> = entries.iter().map(entry_json).collect();
                return Ok(ctx.ui.print_json(&json!(value))?);
            }
            let tz = ctx.user.timezone;
            let out = ctx.ui.out();
            if entries.is_empty() {
                writeln!(out, "Nothing has been sent yet.")?;
                return Ok(());
            }
            let rows: Vec<Vec<String>> = entries
                .iter()
                .map(|e| {
                    vec![
                        format!("{DIM}#{}{DIM:#}", e.id),
                        ui::date_time(e.created_at, tz),
                        e.kind.as_str().to_owned(),
                        e.to.join(", "),
                        ui::snippet(&e.subject, 50),
                    ]
                })
                .collect();
            columns(out, &rows)?;
            for e in entries
                .iter()
                .filter(|e| e.status != kith_store::MailStatus::Sent)
            {
                writeln!(
                    out,
                    "  {YELLOW}#{}{YELLOW:#} {}{}",
                    e.id,
                    last_words(e, tz),
                    retry_hint(e)
                )?;
            }
            Ok(())
        }
    }
}

/// `kith outbox deliver`: one pass of the server's sender, for everyone.
pub async fn deliver(global: &Global, args: &MailArgs, ui: &mut Ui) -> anyhow::Result<()> {
    let public_url = std::env::var("KITH_PUBLIC_URL").ok();
    let Some(config) = crate::web::mail_config(args, [None, None], public_url, [None, None, None])?
    else {
        bail!(
            "kith outbox deliver needs --smtp-url and --mail-from (or KITH_SMTP_URL and KITH_MAIL_FROM)"
        );
    };
    let location = crate::app::location(global)?;
    let store = crate::app::open(global, &location).await?;
    let sender = Sender::new(store.clone(), config)?;
    let result = sender.tick(Utc::now()).await;
    store.close().await;
    let tick = result?;
    if ui.json {
        return Ok(ui.print_json(&json!({
            "digests": tick.digests,
            "sent": tick.sent,
            "retrying": tick.retrying,
            "failed": tick.failed,
            "uncertain": tick.uncertain,
        }))?);
    }
    writeln!(
        ui.out(),
        "Recorded {} digests; sent {}, {} to retry, {} failed, {} uncertain.",
        tick.digests,
        tick.sent,
        tick.retrying,
        tick.failed,
        tick.uncertain
    )?;
    Ok(())
}

/// What queueing an invitation did.
pub struct QueuedInvitation {
    /// `None`: this version of the invitation was queued before.
    pub id: Option<i64>,
    pub to: Vec<String>,
    /// Attendees without an e-mail address, left out.
    pub missing: Vec<String>,
}

/// Records the meeting's current invitation (REQUEST, or CANCEL once
/// cancelled) in the outbox for its attendees, once per sequence number.
pub async fn queue_invitation(
    store: &Store,
    user: &User,
    meeting: &Meeting,
    now: DateTime<Utc>,
) -> anyhow::Result<QueuedInvitation> {
    let invitation = calendar::invitation(store, user, meeting).await?;
    let method = invitation.method.as_str();
    let when = format!(
        "{} ({})",
        meeting
            .starts_at
            .with_timezone(&user.timezone.tz())
            .format("%a %-d %b %Y, %H:%M"),
        user.timezone.name()
    );
    let subject = match (invitation.method, meeting.sequence) {
        (kith_core::ical::Method::Cancel, _) => format!("Cancelled: {} @ {when}", meeting.title),
        (_, 0) => format!("Invitation: {} @ {when}", meeting.title),
        _ => format!("Updated invitation: {} @ {when}", meeting.title),
    };
    let headline = match invitation.method {
        kith_core::ical::Method::Cancel => {
            format!("{} has cancelled this meeting.", user.display_name)
        }
        _ if meeting.sequence > 0 => format!("{} has updated this meeting.", user.display_name),
        _ => format!("{} invites you to this meeting.", user.display_name),
    };
    let text = format!(
        "{headline}\n\n{}\nWhen: {when}, {} minutes\nWhere: {}\n\nYour calendar can add or update the event from this message.\n",
        meeting.title,
        meeting.minutes,
        meeting.mode.describe()
    );
    let to: Vec<Email> = invitation
        .to
        .iter()
        .map(|p| Email::parse(&p.email))
        .collect::<Result<_, _>>()?;
    let mail = NewMail {
        kind: MailKind::Invitation,
        dedup_key: format!("invitation:{}:{}:{method}", meeting.id, meeting.sequence),
        to: to.clone(),
        reply_to: user.email.as_deref().and_then(|e| Email::parse(e).ok()),
        subject,
        text,
        html: None,
        calendar: Some((method.to_owned(), invitation.text)),
    };
    let id = store.enqueue_mail(user.id, &mail, now).await?;
    Ok(QueuedInvitation {
        id,
        to: to.iter().map(|e| e.as_str().to_owned()).collect(),
        missing: invitation.missing,
    })
}

/// Tells the command-line user what `queue_invitation` did.
pub fn print_queued(out: &mut impl Write, queued: &QueuedInvitation) -> std::io::Result<()> {
    for name in &queued.missing {
        writeln!(
            out,
            "{YELLOW}note{YELLOW:#}: {name} has no e-mail address and is left out of the invitation"
        )?;
    }
    match queued.id {
        Some(id) => writeln!(
            out,
            "Queued the invitation to {} (message #{id}); kith serve sends it within a minute, or run kith outbox deliver.",
            queued.to.join(", ")
        ),
        None => writeln!(
            out,
            "This version of the invitation was already queued; see kith outbox."
        ),
    }
}
