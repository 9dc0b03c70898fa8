//! The sender: records due digests in the outbox, marks messages whose
//! sender died mid-send as uncertain, then claims and sends what is queued.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use kith_core::digest::next_after;
use kith_store::{Delivery, DueDigest, MailKind, NewMail, OutgoingMail, Store};
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Tokio1Executor};
use tokio::sync::{Notify, watch};

use super::{Compose, ConfigError, MailConfig, build};
use crate::digest::digest_address;
use crate::error::AppError;

/// A digest this much past its time is skipped: yesterday's agenda is no
/// use in the inbox (the server was down, say).
const STALE: chrono::Duration = chrono::Duration::hours(12);
/// The longest wait between two attempts.
const MAX_BACKOFF: chrono::Duration = chrono::Duration::hours(6);
/// Messages claimed at a time: one, so a claim is always followed at once
/// by its send, and no claimed message waits behind a slow one until its
/// lease ends (which would make it uncertain without ever being tried).
const BATCH: i64 = 1;

/// What one pass did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tick {
    pub digests: usize,
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
    pub uncertain: u64,
}

pub struct Sender {
    store: Store,
    config: MailConfig,
    /// Writes the digests it records.
    compose: Arc<dyn Compose>,
    transport: AsyncSmtpTransport<Tokio1Executor>,
    /// This process's name in claims (unique among the servers sharing a
    /// database: the caller makes it from the host, process and a nonce).
    server: String,
}

impl Sender {
    pub fn new(
        store: Store,
        config: MailConfig,
        compose: Arc<dyn Compose>,
        server: String,
    ) -> Result<Sender, ConfigError> {
        // Each SMTP read or write may take this long: well inside the lease,
        // so a live server always finishes (or gives up) before its claim ends.
        let timeout = (config.lease / 3).min(Duration::from_secs(60));
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(config.smtp.expose())
            .map_err(|e| ConfigError(format!("invalid SMTP URL '{}': {e}", config.smtp)))?
            .timeout(Some(timeout))
            .build();
        Ok(Sender {
            store,
            config,
            compose,
            transport,
            server,
        })
    }

    /// Runs a pass every `poll`, or sooner when woken, until `stop` turns
    /// true; a message being sent is finished first. Each pass starts at
    /// the moment `clock` gives.
    pub async fn run(
        self,
        clock: impl Fn() -> DateTime<Utc> + Send,
        wake: Arc<Notify>,
        mut stop: watch::Receiver<bool>,
    ) {
        tracing::info!(smtp = %self.config.smtp, server = %self.server, "mail: sending");
        loop {
            if *stop.borrow() {
                break;
            }
            match self.tick(clock()).await {
                Ok(tick) if tick != Tick::default() => tracing::info!(?tick, "mail: pass"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %format!("{e:#}"), "mail: pass failed"),
            }
            tokio::select! {
                () = tokio::time::sleep(self.config.poll) => {}
                () = wake.notified() => {}
                changed = stop.changed() => {
                    // The server is gone without a word: stop too.
                    if changed.is_err() {
                        break;
                    }
                }
            }
        }
    }

    /// One pass: due digests into the outbox, stale claims to uncertain,
    /// then everything queued out. The pass runs on the clock it is given:
    /// `now` at its start, moving on as it takes time (so a test can run a
    /// pass at any moment).
    pub async fn tick(&self, now: DateTime<Utc>) -> Result<Tick, AppError> {
        let started = std::time::Instant::now();
        let clock = || now + chrono::Duration::from_std(started.elapsed()).unwrap_or_default();
        let mut tick = Tick::default();
        let lease = chrono::Duration::from_std(self.config.lease)
            .map_err(|e| AppError::Internal(Box::new(e)))?;
        for due in self.store.claim_due_digests(now, now + lease, 50).await? {
            if self.record_digest(due, now).await? {
                tick.digests += 1;
            }
        }
        tick.uncertain = self.store.expire_mail_claims(now).await?;
        loop {
            let now = clock();
            let batch = self
                .store
                .claim_mail(&self.server, now, now + lease, BATCH)
                .await?;
            if batch.is_empty() {
                break;
            }
            for mail in batch {
                let outcome = self.deliver(&mail, &clock).await;
                match &outcome {
                    Delivery::Sent => {
                        tick.sent += 1;
                        tracing::info!(id = mail.id, kind = mail.kind.as_str(), "mail: sent");
                    }
                    Delivery::Retry { error, at } => {
                        tick.retrying += 1;
                        tracing::warn!(id = mail.id, attempt = mail.attempts, %error, retry_at = %at, "mail: not sent, will retry");
                    }
                    Delivery::Failed { error } => {
                        tick.failed += 1;
                        tracing::warn!(id = mail.id, attempt = mail.attempts, %error, "mail: failed");
                    }
                }
                self.store.finish_mail(mail.id, &outcome, clock()).await?;
            }
        }
        Ok(tick)
    }

    /// Composes and records one claimed digest, moving the schedule on.
    async fn record_digest(&self, due: DueDigest, now: DateTime<Utc>) -> Result<bool, AppError> {
        let Some(user) = self.store.user(due.user).await? else {
            return Ok(false);
        };
        let state = self.store.digest_state(user.id).await?;
        let settings = &state.settings;
        let next = next_after(
            settings.days,
            settings.at,
            user.timezone,
            now.max(due.due_at),
        );
        let address =
            digest_address(settings, &user).and_then(|a| kith_core::values::Email::parse(&a).ok());
        let mail = match address {
            _ if now - due.due_at > STALE => None,
            None => {
                tracing::warn!(
                    user = user.id.0,
                    "mail: digest skipped, no address to send it to"
                );
                None
            }
            Some(address) => {
                let public_url = self.config.public_url.as_deref();
                let digest = self
                    .compose
                    .compose(&self.store, &user, now, public_url)
                    .await?;
                (!digest.empty).then(|| NewMail {
                    kind: MailKind::Digest,
                    dedup_key: format!("digest:{}", digest.date),
                    to: vec![address],
                    reply_to: None,
                    subject: digest.subject,
                    text: digest.text,
                    html: Some(digest.html),
                    calendar: None,
                })
            }
        };
        Ok(self
            .store
            .record_digest(due, next, mail.as_ref(), now)
            .await?)
    }

    async fn deliver(&self, mail: &OutgoingMail, clock: impl Fn() -> DateTime<Utc>) -> Delivery {
        let message = match build(&self.config.from, mail) {
            Ok(message) => message,
            Err(error) => return Delivery::Failed { error },
        };
        match self.transport.send(message).await {
            Ok(_) => Delivery::Sent,
            Err(e) => {
                let error = e.to_string();
                if e.is_permanent() || mail.attempts >= self.config.attempts {
                    Delivery::Failed { error }
                } else {
                    Delivery::Retry {
                        error,
                        at: clock() + backoff(self.config.retry, mail.attempts),
                    }
                }
            }
        }
    }
}

/// `base`, doubled for each attempt after the first, at most six hours.
fn backoff(base: Duration, attempts: i64) -> chrono::Duration {
    let base = chrono::Duration::from_std(base).unwrap_or(MAX_BACKOFF);
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 16)).unwrap_or(16);
    base.checked_mul(1 << doublings)
        .map_or(MAX_BACKOFF, |d| d.min(MAX_BACKOFF))
}

#[cfg(test)]
mod tests {
    use super::*;
    use kith_core::user::{NewUser, Username};
    use kith_core::values::{Email, TimeZone};
    use kith_store::testing::{TestDatabase, postgres_admin_url};
    use kith_store::{Location, MailStatus};

    /// No digest is due in these tests.
    struct NoDigest;

    impl Compose for NoDigest {
        fn compose<'a>(
            &'a self,
            _: &'a Store,
            _: &'a kith_core::user::User,
            _: DateTime<Utc>,
            _: Option<&'a str>,
        ) -> crate::mail::Composing<'a> {
            unreachable!("no digest is due")
        }
    }

    /// A message to an SMTP server that refuses every connection is tried
    /// eight times, each pass run at a moment past the last retry time, and
    /// then is failed: no ninth attempt.
    async fn gives_up_after_eight_attempts(location: &Location) {
        let store = Store::open(location).await.unwrap();
        let mut now = Utc::now();
        let new = NewUser {
            username: Username::parse("ann").unwrap(),
            display_name: "Ann".into(),
            email: Some(Email::parse("ann@example.com").unwrap()),
            timezone: TimeZone::UTC,
        };
        let user = store.create_user(&new, now).await.unwrap();
        let mail = NewMail {
            kind: MailKind::Test,
            dedup_key: "test:1".into(),
            to: vec![Email::parse("ann@example.com").unwrap()],
            reply_to: None,
            subject: "Test".into(),
            text: "Test".into(),
            html: None,
            calendar: None,
        };
        store.enqueue_mail(user.id, &mail, now).await.unwrap();
        // Nothing listens on this port.
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let smtp = format!("smtp://127.0.0.1:{}", closed.local_addr().unwrap().port());
        drop(closed);
        let config = MailConfig::new(&smtp, "Kith <kith@example.com>", None, [None; 3]).unwrap();
        let sender = Sender::new(store.clone(), config, Arc::new(NoDigest), "test".into()).unwrap();
        for attempt in 1..=9 {
            sender.tick(now).await.unwrap();
            let entry = store.outbox(user.id, 10).await.unwrap().remove(0);
            let (attempts, status) = if attempt < 8 {
                (attempt, MailStatus::Pending)
            } else {
                (8, MailStatus::Failed)
            };
            assert_eq!(
                (entry.attempts, entry.status),
                (attempts, status),
                "after pass {attempt}: {entry:?}"
            );
            // Past the longest wait between two attempts.
            now += MAX_BACKOFF + chrono::Duration::minutes(1);
        }
        store.close().await;
    }

    #[tokio::test]
    async fn gives_up_after_eight_attempts_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        gives_up_after_eight_attempts(&Location::SqliteFile(dir.path().join("kith.db"))).await;
    }

    #[tokio::test]
    async fn gives_up_after_eight_attempts_postgres() {
        let Some(admin) = postgres_admin_url() else {
            return;
        };
        let db = TestDatabase::create(&admin).await;
        gives_up_after_eight_attempts(&Location::Postgres(db.url.clone())).await;
        db.drop().await;
    }

    #[test]
    fn retries_back_off_and_stop_growing() {
        let base = Duration::from_secs(60);
        assert_eq!(backoff(base, 1), chrono::Duration::minutes(1));
        assert_eq!(backoff(base, 2), chrono::Duration::minutes(2));
        assert_eq!(backoff(base, 4), chrono::Duration::minutes(8));
        assert_eq!(backoff(base, 40), MAX_BACKOFF);
    }
}
