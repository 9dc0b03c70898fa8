//! `digest` and `outbox`: the e-mail digest and the messages on their way
//! out, and telling the command-line user what queueing an invitation did.
//! The use cases are `kith_app::digest` and `kith_app::mail`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::bail;
use clap::{Args, Subcommand};
use kith_app::AppError;
use kith_app::digest::{DigestChanges, digest_address, schedule_words, set_digest};
use kith_app::mail::{QueuedInvitation, last_words, queue_digest_now};
use kith_store::OutboxEntry;
use serde_json::{Value, json};

use crate::app::Ctx;
use crate::cli::{Global, MailArgs};
use crate::ui::{self, BOLD, DIM, Ui, YELLOW, columns};
use kith_app::mail::{Templates, compose};

/// Queueing an invitation: the meetings commands call it here.

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct DigestArgs {
    #[command(subcommand)]
    pub command: Option<DigestCommand>,
    /// Print today's digest as it would be sent, instead of the settings
    #[arg(long)]
    pub preview: bool,
    /// With --preview: the HTML part instead of the text
    #[arg(long, requires = "preview")]
    pub html: bool,
}

#[derive(Debug, Subcommand)]
pub enum DigestCommand {
    /// Change when and where the digest goes: kith digest set --on --days weekdays --at 07:30
    Set(DigestSetArgs),
    /// Queue today's digest now (kith serve, or kith outbox deliver, sends it)
    Send,
}

#[derive(Debug, Args)]
pub struct DigestSetArgs {
    /// Send the digest
    #[arg(long, conflicts_with = "off")]
    pub on: bool,
    /// Stop sending it
    #[arg(long)]
    pub off: bool,
    /// Which days: mon,wed,fri, mon-fri, weekdays or daily
    #[arg(long, value_name = "DAYS")]
    pub days: Option<String>,
    /// The local time it arrives, HH:MM in your time zone
    #[arg(long, value_name = "HH:MM")]
    pub at: Option<String>,
    /// Send it here instead of your account's e-mail address
    #[arg(long, value_name = "ADDRESS", conflicts_with = "to_account")]
    pub to: Option<String>,
    /// Send it to your account's e-mail address again
    #[arg(long)]
    pub to_account: bool,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct OutboxArgs {
    #[command(subcommand)]
    pub command: Option<OutboxCommand>,
    /// How many recent messages to list
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=500))]
    pub limit: u32,
}

#[derive(Debug, Subcommand)]
pub enum OutboxCommand {
    /// Send a failed or uncertain message again (same Message-ID)
    Retry(OutboxRetryArgs),
    /// Record due digests and send everything queued, once, for every user
    /// (kith serve does this every 30 seconds; this is for a server without it)
    Deliver(DeliverArgs),
}

#[derive(Debug, Args)]
pub struct OutboxRetryArgs {
    /// The message's id (from kith outbox)
    pub id: i64,
}

#[derive(Debug, Args)]
pub struct DeliverArgs {
    /// The TOML settings file kith serve reads (its mail settings, database_url
    /// and public_url); flags and KITH_ variables override it
    #[arg(long, env = "KITH_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// The address people use, for the links in the digest
    #[arg(long, env = "KITH_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
    #[command(flatten)]
    pub mail: MailArgs,
}

impl From<&DigestSetArgs> for DigestChanges {
    fn from(args: &DigestSetArgs) -> Self {
        DigestChanges {
            enabled: match (args.on, args.off) {
                (true, _) => Some(true),
                (_, true) => Some(false),
                _ => None,
            },
            days: args.days.clone(),
            at: args.at.clone(),
            to: match (&args.to, args.to_account) {
                (Some(to), _) => Some(Some(to.clone())),
                (None, true) => Some(None),
                (None, false) => None,
            },
        }
    }
}

pub async fn digest(ctx: &mut Ctx, args: &DigestArgs) -> anyhow::Result<()> {
    match &args.command {
        None if args.preview => preview(ctx, args.html).await,
        None => status(ctx).await,
        Some(DigestCommand::Set(set)) => {
            set_digest(&ctx.store, &ctx.user, &set.into(), ctx.now).await?;
            status(ctx).await
        }
        Some(DigestCommand::Send) => {
            let (id, to) = queue_digest_now(&ctx.store, &ctx.user, &Templates, ctx.now, None)
                .await
                .map_err(|e| match e {
                    AppError::Missing { message, .. } => anyhow::anyhow!(
                        "{message}: kith digest set --to ADDRESS, or kith settings --email ADDRESS"
                    ),
                    other => other.into(),
                })?;
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

async fn preview(ctx: &mut Ctx, html: bool) -> anyhow::Result<()> {
    let digest = compose(&ctx.store, &ctx.user, ctx.now, None).await?;
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

/// `kith outbox deliver`: one pass of the server's sender, for everyone,
/// with the mail settings `kith serve` would use.
pub async fn deliver(global: &Global, args: &DeliverArgs, ui: &mut Ui) -> anyhow::Result<()> {
    let settings = crate::config::Settings::read(args.config.as_deref())?;
    let public_url = crate::config::public_url(args.public_url.clone(), &settings)?;
    let Some(config) = crate::config::mail(&args.mail, &settings, public_url)? else {
        bail!(
            "kith outbox deliver needs --smtp-url and --mail-from (or KITH_SMTP_URL and KITH_MAIL_FROM, or smtp_url and mail_from in the settings file)"
        );
    };
    let location = crate::config::location(global, &settings)?;
    let store = crate::app::open(global, &location).await?;
    let sender = crate::mail::sender(store.clone(), config)?;
    let result = sender.tick(chrono::Utc::now()).await;
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
