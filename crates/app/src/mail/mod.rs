//! E-mail out: the SMTP settings, MIME messages built from outbox rows,
//! queueing digests and invitations, and the sender that `kith serve` runs
//! every few seconds (and `kith outbox deliver` runs once). The protocol
//! that makes each message go out once, even with several servers on one
//! database, is in `kith_store::mail`.

mod compose;
mod message;
mod queue;
mod sender;

use std::fmt;
use std::time::Duration;

use lettre::message::Mailbox;

pub use compose::{Templates, compose};
pub use message::build;
pub use queue::{
    Compose, Composing, Digest, QueuedInvitation, last_words, queue_digest_now, queue_invitation,
};
pub use sender::{Sender, Tick};

/// A mail setting that does not work, in the operator's words (it names
/// the setting, never a password).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

macro_rules! bail {
    ($($arg:tt)*) => {
        return Err(ConfigError(format!($($arg)*)))
    };
}

/// An SMTP server's URL: `smtp://host:25` (plain), `smtp://host:587?tls=required`
/// (STARTTLS), `smtps://host:465` (TLS), with optional `user:password@`.
/// `Debug` and `Display` never show the password.
#[derive(Clone)]
pub struct SmtpUrl(String);

impl SmtpUrl {
    pub fn parse(input: &str) -> Result<Self, ConfigError> {
        let value = input.trim();
        let Some((scheme, rest)) = value.split_once("://") else {
            bail!(
                "invalid SMTP URL '{}': expected smtp://host:port or smtps://host:port",
                redact(value)
            );
        };
        if !matches!(scheme, "smtp" | "smtps") {
            bail!(
                "invalid SMTP URL '{}': the scheme must be smtp or smtps",
                redact(value)
            );
        }
        let host = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
        if host.is_empty() || host.starts_with([':', '/', '?']) {
            bail!("invalid SMTP URL '{}': no host", redact(value));
        }
        // lettre parses it for real; its error goes with the redacted URL.
        lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(value)
            .map_err(|e| ConfigError(format!("invalid SMTP URL '{}': {e}", redact(value))))?;
        Ok(Self(value.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// The URL with any password replaced by `…`.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split_once(':').map_or(userinfo, |(u, _)| u);
            format!("{}://{user}:…@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

impl fmt::Display for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact(&self.0))
    }
}

impl fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SmtpUrl({self})")
    }
}

/// How mail goes out.
#[derive(Clone, Debug)]
pub struct MailConfig {
    pub smtp: SmtpUrl,
    /// The From of every message; the user's own address is the Reply-To.
    pub from: Mailbox,
    /// Where people reach the server (for links in the digest).
    pub public_url: Option<String>,
    /// How often the sender looks for due digests and queued messages.
    pub poll: Duration,
    /// The wait before the first retry; it doubles with each attempt.
    pub retry: Duration,
    /// How long a claim holds: a message still being sent when it ends
    /// belonged to a server that stopped, and is marked uncertain.
    pub lease: Duration,
    /// Attempts before a message counts as failed.
    pub attempts: i64,
}

impl MailConfig {
    pub const DEFAULT_POLL_SECS: u64 = 30;
    pub const DEFAULT_RETRY_SECS: u64 = 60;
    pub const DEFAULT_LEASE_SECS: u64 = 300;

    /// From the SMTP URL and the sender address, with the timings as given
    /// (`None`: the defaults).
    pub fn new(
        smtp: &str,
        from: &str,
        public_url: Option<String>,
        timings: [Option<u64>; 3],
    ) -> Result<Self, ConfigError> {
        let smtp = SmtpUrl::parse(smtp)?;
        let from: Mailbox = from.trim().parse().map_err(|e| {
            ConfigError(format!(
                "invalid mail_from '{}': expected an e-mail address such as Kith <kith@example.com>: {e}",
                from.trim()
            ))
        })?;
        let [poll, retry, lease] = timings;
        let secs =
            |value: Option<u64>, default: u64, name: &str| -> Result<Duration, ConfigError> {
                match value.unwrap_or(default) {
                    0 => bail!("invalid {name}: must be at least 1 second"),
                    n if n > 86_400 => bail!("invalid {name}: must be at most 86400 seconds"),
                    n => Ok(Duration::from_secs(n)),
                }
            };
        Ok(Self {
            smtp,
            from,
            public_url,
            poll: secs(poll, Self::DEFAULT_POLL_SECS, "mail_poll_secs")?,
            retry: secs(retry, Self::DEFAULT_RETRY_SECS, "mail_retry_secs")?,
            lease: secs(lease, Self::DEFAULT_LEASE_SECS, "mail_lease_secs")?,
            attempts: 8,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_never_shows() {
        let url = SmtpUrl::parse("smtps://kith%40example.com:hunter2secret@mail.example.com:465")
            .unwrap();
        for shown in [url.to_string(), format!("{url:?}")] {
            assert!(!shown.contains("hunter2secret"), "{shown}");
            assert!(shown.contains("mail.example.com:465"), "{shown}");
        }
        let config = MailConfig::new(
            "smtp://u:hunter2secret@127.0.0.1:2525",
            "Kith <kith@example.com>",
            None,
            [None; 3],
        )
        .unwrap();
        assert!(!format!("{config:?}").contains("hunter2secret"));
    }

    #[test]
    fn bad_urls_and_senders_are_named() {
        for (url, words) in [
            ("mail.example.com", "expected smtp://"),
            ("http://mail.example.com", "scheme"),
            ("smtp://", "no host"),
            ("smtp://u:secretpw@", "no host"),
        ] {
            let err = SmtpUrl::parse(url).unwrap_err().to_string();
            assert!(err.contains(words), "{url}: {err}");
            assert!(!err.contains("secretpw"), "{err}");
        }
        let err = MailConfig::new("smtp://127.0.0.1:25", "not an address", None, [None; 3])
            .unwrap_err()
            .to_string();
        assert!(err.contains("mail_from"), "{err}");
        let err = MailConfig::new(
            "smtp://127.0.0.1:25",
            "k@example.com",
            None,
            [Some(0), None, None],
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("mail_poll_secs"), "{err}");
    }
}
