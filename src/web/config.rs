//! `kith serve` settings: built-in defaults, then a TOML file, then `KITH_`
//! environment variables, then flags (clap reads the last two, flags first).

use std::net::SocketAddr;
use std::path::Path;

use anyhow::{Context as _, bail};
use serde::Deserialize;

use crate::cli::{MailArgs, ServeArgs};
use crate::mail::MailConfig;

/// The settings file as written; every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
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
    providers: Vec<crate::web::oidc::ProviderFile>,
}

/// The server's validated settings.
#[derive(Clone)]
pub struct WebConfig {
    pub bind: SocketAddr,
    /// From the file; `--database-url`/`--db` win over it.
    pub database_url: Option<String>,
    /// Where people reach the server, without a trailing slash.
    pub public_url: Option<String>,
    /// Cookies get `Secure` when the public address is https.
    pub secure_cookies: bool,
    pub trust_proxy: bool,
    /// Everyone signing in with a password needs a second step (TOTP).
    pub require_totp: bool,
    /// A session ends after this long without a request…
    pub session_idle: chrono::Duration,
    /// …and this long after sign-in in any case.
    pub session_max: chrono::Duration,
    /// The largest request body accepted (imports have their own limit).
    pub max_body: usize,
    /// How digests and invitations go out; `None`: no mail is sent.
    pub mail: Option<MailConfig>,
    /// OpenID Connect and OAuth providers people may sign in with.
    pub providers: Vec<crate::web::oidc::Provider>,
}

/// Never prints the database URL (it may hold a password).
impl std::fmt::Debug for WebConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebConfig")
            .field("bind", &self.bind)
            .field("public_url", &self.public_url)
            .field("secure_cookies", &self.secure_cookies)
            .field("trust_proxy", &self.trust_proxy)
            .field("require_totp", &self.require_totp)
            .field("session_idle", &self.session_idle)
            .field("session_max", &self.session_max)
            .field("max_body", &self.max_body)
            .field("mail", &self.mail)
            .field("providers", &self.providers)
            .finish_non_exhaustive()
    }
}

impl WebConfig {
    /// Each sign-in provider's name and button label.
    pub fn provider_buttons(&self) -> Vec<(String, String)> {
        self.providers
            .iter()
            .map(|p| (p.name.clone(), p.label.clone()))
            .collect()
    }

    pub fn resolve(args: &ServeArgs) -> anyhow::Result<WebConfig> {
        let file = match &args.config {
            Some(path) => read_file(path)?,
            None => FileConfig::default(),
        };
        let bind_text = args
            .bind
            .clone()
            .or(file.bind)
            .unwrap_or_else(|| "127.0.0.1:7700".into());
        let bind: SocketAddr = bind_text.parse().map_err(|_| {
            anyhow::anyhow!("invalid --bind: '{bind_text}' is not an address like 127.0.0.1:7700")
        })?;
        let public_url = match args.public_url.clone().or(file.public_url) {
            Some(url) => {
                let url = url.trim_end_matches('/').to_owned();
                if !(url.starts_with("http://") || url.starts_with("https://")) {
                    bail!("invalid --public-url: '{url}' must start with http:// or https://");
                }
                Some(url)
            }
            None => None,
        };
        let hours = file.session_idle_hours.unwrap_or(24 * 7);
        let days = file.session_max_days.unwrap_or(30);
        if hours == 0 || days == 0 {
            bail!("invalid session_idle_hours/session_max_days: must be at least 1");
        }
        let kib = file.max_body_kib.unwrap_or(256);
        if !(1..=1024 * 1024).contains(&kib) {
            bail!("invalid max_body_kib: {kib} is not between 1 and 1048576");
        }
        let mail = mail_config(
            &args.mail,
            [file.smtp_url, file.mail_from],
            public_url.clone(),
            [
                file.mail_poll_secs,
                file.mail_retry_secs,
                file.mail_lease_secs,
            ],
        )?;
        let mut providers: Vec<crate::web::oidc::Provider> = Vec::new();
        for p in file.providers {
            let p = p.check()?;
            if providers.iter().any(|q| q.name == p.name) {
                bail!("invalid providers: the name '{}' appears twice", p.name);
            }
            providers.push(p);
        }
        Ok(WebConfig {
            providers,
            mail,
            bind,
            database_url: file.database_url,
            secure_cookies: public_url
                .as_deref()
                .is_some_and(|u| u.starts_with("https://")),
            public_url,
            trust_proxy: args.trust_proxy || file.trust_proxy.unwrap_or(false),
            require_totp: args.require_totp || file.require_totp.unwrap_or(false),
            session_idle: chrono::Duration::hours(hours.into()),
            session_max: chrono::Duration::days(days.into()),
            max_body: kib as usize * 1024,
        })
    }
}

/// The mail settings from flags (or `KITH_` variables) over the file's:
/// both an SMTP URL and a sender address, or neither.
pub fn mail_config(
    args: &MailArgs,
    [file_smtp, file_from]: [Option<String>; 2],
    public_url: Option<String>,
    file_timings: [Option<u64>; 3],
) -> anyhow::Result<Option<MailConfig>> {
    let smtp = args.smtp_url.clone().or(file_smtp);
    let from = args.mail_from.clone().or(file_from);
    let timings = [
        args.mail_poll_secs.or(file_timings[0]),
        args.mail_retry_secs.or(file_timings[1]),
        args.mail_lease_secs.or(file_timings[2]),
    ];
    match (smtp, from) {
        (Some(smtp), Some(from)) => Ok(Some(MailConfig::new(&smtp, &from, public_url, timings)?)),
        (None, None) => Ok(None),
        (Some(_), None) => bail!("--smtp-url needs --mail-from (the address messages come from)"),
        (None, Some(_)) => bail!("--mail-from needs --smtp-url (the server that sends the mail)"),
    }
}

fn read_file(path: &Path) -> anyhow::Result<FileConfig> {
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
