//! The wiring of configuration: built-in defaults, then the TOML settings
//! file, then `KITH_` environment variables, then flags (clap reads the last
//! two, flags first). Every command that needs the server's settings reads
//! them here — `kith serve` and `kith outbox deliver` alike — and hands the
//! front ends plain values: the web a [`WebConfig`], the mail sender a
//! [`MailConfig`].

use std::net::SocketAddr;
use std::path::Path;

use anyhow::{Context as _, bail};
use kith_app::mail::MailConfig;
use kith_store::Location;
use serde::Deserialize;

use crate::cli::{Global, MailArgs, ServeArgs};
use kith_web::WebConfig;
use kith_web::oidc::{Provider, ProviderFile};

/// The settings file as written; every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    bind: Option<String>,
    database_url: Option<String>,
    public_url: Option<String>,
    trust_proxy: Option<bool>,
    require_totp: Option<bool>,
    session_idle_hours: Option<u32>,
    session_max_days: Option<u32>,
    max_body_kib: Option<u32>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
    mail_poll_secs: Option<u64>,
    mail_retry_secs: Option<u64>,
    mail_lease_secs: Option<u64>,
    /// Sign-in providers (`[[providers]]`).
    #[serde(default)]
    providers: Vec<ProviderFile>,
}

impl Settings {
    /// The file at `path`, or no settings without one.
    pub fn read(path: Option<&Path>) -> anyhow::Result<Settings> {
        let Some(path) = path else {
            return Ok(Settings::default());
        };
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the settings file {}", path.display()))?;
        toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map_or(1, |s| text[..s.start].matches('\n').count() + 1);
            anyhow::anyhow!(
                "invalid settings file {} line {line}: {}",
                path.display(),
                e.message()
            )
        })
    }
}

/// Where the database is: `--database-url` or `--db` if given, else the
/// settings file's `database_url`, else the default file.
pub fn location(global: &Global, settings: &Settings) -> anyhow::Result<Location> {
    match &settings.database_url {
        Some(url) if global.db.is_none() && global.database_url.is_none() => {
            Location::parse(url).context("database_url in the settings file")
        }
        _ => crate::app::location(global),
    }
}

/// Where people reach the server, without a trailing slash: the flag (or
/// `KITH_PUBLIC_URL`) over the file's.
pub fn public_url(flag: Option<String>, settings: &Settings) -> anyhow::Result<Option<String>> {
    match flag.or_else(|| settings.public_url.clone()) {
        Some(url) => {
            let url = url.trim_end_matches('/').to_owned();
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                bail!("invalid --public-url: '{url}' must start with http:// or https://");
            }
            Ok(Some(url))
        }
        None => Ok(None),
    }
}

/// The mail settings from flags (or `KITH_` variables) over the file's:
/// both an SMTP URL and a sender address, or neither (`None`: no mail).
pub fn mail(
    args: &MailArgs,
    settings: &Settings,
    public_url: Option<String>,
) -> anyhow::Result<Option<MailConfig>> {
    let smtp = args.smtp_url.clone().or_else(|| settings.smtp_url.clone());
    let from = args
        .mail_from
        .clone()
        .or_else(|| settings.mail_from.clone());
    let timings = [
        args.mail_poll_secs.or(settings.mail_poll_secs),
        args.mail_retry_secs.or(settings.mail_retry_secs),
        args.mail_lease_secs.or(settings.mail_lease_secs),
    ];
    match (smtp, from) {
        (Some(smtp), Some(from)) => Ok(Some(MailConfig::new(&smtp, &from, public_url, timings)?)),
        (None, None) => Ok(None),
        (Some(_), None) => bail!("--smtp-url needs --mail-from (the address messages come from)"),
        (None, Some(_)) => bail!("--mail-from needs --smtp-url (the server that sends the mail)"),
    }
}

/// The web server's settings from `kith serve`'s flags over the file's.
pub fn server(args: &ServeArgs, settings: Settings) -> anyhow::Result<WebConfig> {
    let bind_text = args
        .bind
        .clone()
        .or(settings.bind.clone())
        .unwrap_or_else(|| "127.0.0.1:7700".into());
    let bind: SocketAddr = bind_text.parse().map_err(|_| {
        anyhow::anyhow!("invalid --bind: '{bind_text}' is not an address like 127.0.0.1:7700")
    })?;
    let public_url = public_url(args.public_url.clone(), &settings)?;
    let hours = settings.session_idle_hours.unwrap_or(24 * 7);
    let days = settings.session_max_days.unwrap_or(30);
    if hours == 0 || days == 0 {
        bail!("invalid session_idle_hours/session_max_days: must be at least 1");
    }
    let kib = settings.max_body_kib.unwrap_or(256);
    if !(1..=1024 * 1024).contains(&kib) {
        bail!("invalid max_body_kib: {kib} is not between 1 and 1048576");
    }
    let mail = mail(&args.mail, &settings, public_url.clone())?;
    let mut providers: Vec<Provider> = Vec::new();
    for p in settings.providers {
        let p = p.check()?;
        if providers.iter().any(|q| q.name == p.name) {
            bail!("invalid providers: the name '{}' appears twice", p.name);
        }
        providers.push(p);
    }
    Ok(WebConfig {
        machine: crate::app::machine_defaults(),
        providers,
        mail,
        bind,
        secure_cookies: public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://")),
        public_url,
        trust_proxy: args.trust_proxy || settings.trust_proxy.unwrap_or(false),
        require_totp: args.require_totp || settings.require_totp.unwrap_or(false),
        session_idle: chrono::Duration::hours(hours.into()),
        session_max: chrono::Duration::days(days.into()),
        max_body: kib as usize * 1024,
    })
}
