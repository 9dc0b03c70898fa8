//! The store's e-mail methods: digest schedules and the outbox.
//!
//! Every message is recorded in `outbox` before anything is sent. A server
//! claims a batch (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so two servers never
//! claim the same row; SQLite has one writer at a time), marks each row
//! `sending` with a lease, sends, then marks it `sent`, or `pending` again
//! with a later attempt time, or `failed` after the last attempt. A row still
//! `sending` when its lease ends belonged to a server that stopped between
//! sending and marking: whether the message left is unknown, so it becomes
//! `uncertain` and is not sent again unless the user asks.
//!
//! Digests are claimed the same way from `digest_settings`, and recorded in
//! the same transaction that moves the user's `next_at` on, guarded by the
//! `next_at` the claim saw; `(user_id, dedup_key)` is unique besides.

use chrono::{DateTime, NaiveTime, Utc};
use kith_core::digest::DigestSettings;
use kith_core::ids::UserId;
use kith_core::values::Email;

use crate::{Db, Result, Store, postgres, sqlite};

/// What a message is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    Digest,
    Invitation,
    Test,
}

impl MailKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Digest => "digest",
            Self::Invitation => "invitation",
            Self::Test => "test",
        }
    }

    pub(crate) fn from_db(text: &str) -> Self {
        match text {
            "digest" => Self::Digest,
            "invitation" => Self::Invitation,
            _ => Self::Test,
        }
    }
}

/// Where a message is on its way out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailStatus {
    /// Waiting for its (next) attempt.
    Pending,
    /// A server is sending it now.
    Sending,
    Sent,
    /// Every attempt failed; `last_error` says why.
    Failed,
    /// A server stopped while sending it: it may or may not have arrived.
    Uncertain,
}

impl MailStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Failed => "failed",
            Self::Uncertain => "uncertain",
        }
    }

    pub(crate) fn from_db(text: &str) -> Self {
        match text {
            "pending" => Self::Pending,
            "sending" => Self::Sending,
            "sent" => Self::Sent,
            "failed" => Self::Failed,
            _ => Self::Uncertain,
        }
    }
}

/// A message to record in the outbox. The server composes the MIME text
/// from these parts when it sends, with the same Message-ID every attempt.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMail {
    pub kind: MailKind,
    /// At most one message per key and user (`digest:2026-11-26`).
    pub dedup_key: String,
    pub to: Vec<Email>,
    pub reply_to: Option<Email>,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    /// An iTIP message: its METHOD and the iCalendar text.
    pub calendar: Option<(String, String)>,
}

/// A claimed message, ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct OutgoingMail {
    pub id: i64,
    pub user: UserId,
    pub kind: MailKind,
    /// The Message-ID's left part; the same on every attempt.
    pub token: String,
    pub to: Vec<String>,
    pub reply_to: Option<String>,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    pub calendar: Option<(String, String)>,
    pub created_at: DateTime<Utc>,
    /// Including this one.
    pub attempts: i64,
}

/// One message as the user sees it in their outbox.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEntry {
    pub id: i64,
    pub kind: MailKind,
    pub to: Vec<String>,
    pub subject: String,
    pub status: MailStatus,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub next_attempt_at: DateTime<Utc>,
}

/// A user's digest settings and where the schedule stands.
#[derive(Debug, Clone, PartialEq)]
pub struct DigestState {
    pub settings: DigestSettings,
    /// When the next one is due; `None` while off.
    pub next_at: Option<DateTime<Utc>>,
}

/// A digest a server has claimed: compose it, then record it with
/// [`Store::record_digest`] quoting `due_at`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DueDigest {
    pub user: UserId,
    pub due_at: DateTime<Utc>,
}

/// The outcome of one send attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum Delivery {
    Sent,
    /// Try again at this time.
    Retry {
        error: String,
        at: DateTime<Utc>,
    },
    /// Give up.
    Failed {
        error: String,
    },
}

pub(crate) fn minute_of(at: NaiveTime) -> i64 {
    use chrono::Timelike as _;
    i64::from(at.hour() * 60 + at.minute())
}

impl Store {
    pub async fn digest_state(&self, user: UserId) -> Result<DigestState> {
        dispatch!(self.digest_state(user))
    }

    /// Saves the settings and when the next digest is due (`None` when off).
    pub async fn set_digest(
        &self,
        user: UserId,
        settings: &DigestSettings,
        next_at: Option<DateTime<Utc>>,
    ) -> Result<DigestState> {
        dispatch!(self.set_digest(user, settings, next_at))
    }

    /// Claims up to `limit` digests due by `now` that no other server holds,
    /// each until `lease_until`.
    pub async fn claim_due_digests(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<DueDigest>> {
        dispatch!(self.claim_due_digests(now, lease_until, limit))
    }

    /// Records the digest in the outbox and moves the schedule on to
    /// `next_at`, in one transaction, if the schedule still says `due.due_at`
    /// (else someone else recorded it, or the user changed the schedule, and
    /// nothing is written). `None` for `mail` just moves the schedule on.
    /// Returns whether anything was recorded.
    pub async fn record_digest(
        &self,
        due: DueDigest,
        next_at: DateTime<Utc>,
        mail: Option<&NewMail>,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        dispatch!(self.record_digest(due, next_at, mail, now))
    }

    /// Records a message for sending. Returns its id, or `None` when a
    /// message with the same key is already there.
    pub async fn enqueue_mail(
        &self,
        user: UserId,
        mail: &NewMail,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>> {
        dispatch!(self.enqueue_mail(user, mail, now))
    }

    /// Turns messages whose sender stopped mid-send (`sending` past its
    /// lease) into `uncertain`. Returns how many.
    pub async fn expire_mail_claims(&self, now: DateTime<Utc>) -> Result<u64> {
        dispatch!(self.expire_mail_claims(now))
    }

    /// Claims up to `limit` messages due by `now` for `server`, each until
    /// `lease_until`, counting the attempt.
    pub async fn claim_mail(
        &self,
        server: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<OutgoingMail>> {
        dispatch!(self.claim_mail(server, now, lease_until, limit))
    }

    /// Records how an attempt went.
    pub async fn finish_mail(
        &self,
        id: i64,
        delivery: &Delivery,
        now: DateTime<Utc>,
    ) -> Result<()> {
        dispatch!(self.finish_mail(id, delivery, now))
    }

    /// The user's messages, newest first.
    pub async fn outbox(&self, user: UserId, limit: i64) -> Result<Vec<OutboxEntry>> {
        dispatch!(self.outbox(user, limit))
    }

    /// The user's latest digest, whatever its state.
    pub async fn last_digest(&self, user: UserId) -> Result<Option<OutboxEntry>> {
        dispatch!(self.last_digest(user))
    }

    /// Sends a failed or uncertain message again (a fresh set of attempts,
    /// the same Message-ID). `NotFound` for another user's or a sent one.
    pub async fn retry_mail(&self, user: UserId, id: i64, now: DateTime<Utc>) -> Result<()> {
        dispatch!(self.retry_mail(user, id, now))
    }
}
