//! `digest` and `outbox`: the e-mail digest and the messages on their way out.

use clap::{Args, Subcommand};

use super::MailArgs;

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
    Deliver(MailArgs),
}

#[derive(Debug, Args)]
pub struct OutboxRetryArgs {
    /// The message's id (from kith outbox)
    pub id: i64,
}
