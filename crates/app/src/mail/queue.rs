//! Putting mail in the outbox: today's digest on demand and a meeting's
//! invitation, and how a message's fate reads ("sent 26 Nov 07:30").

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, NaiveDate, Utc};
use kith_core::ical::Method;
use kith_core::meeting::Meeting;
use kith_core::user::User;
use kith_core::values::{Email, TimeZone};
use kith_store::{MailKind, MailStatus, NewMail, OutboxEntry, Store};

use crate::digest::{digest_address, no_address};
use crate::error::{AppError, Field, invalid};
use crate::words::date_time;

/// A digest in words, ready to be sent.
pub struct Digest {
    /// The local day it is for (its de-duplication key).
    pub date: NaiveDate,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Nothing is due, open or booked: not worth an e-mail.
    pub empty: bool,
}

/// The future a [`Compose`] answers with.
pub type Composing<'a> = Pin<Box<dyn Future<Output = Result<Digest, AppError>> + Send + 'a>>;

/// Writes a user's digest for the day `now` falls on. The front end that
/// queues or sends digests gives one: the words of the e-mail are its
/// templates over [`crate::digest::DigestView`], and the next outreach
/// block comes from the plan, which it reads.
pub trait Compose: Send + Sync {
    fn compose<'a>(
        &'a self,
        store: &'a Store,
        user: &'a User,
        now: DateTime<Utc>,
        public_url: Option<&'a str>,
    ) -> Composing<'a>;
}

/// Records today's digest for sending now, whatever the schedule says.
/// Returns the message's id and where it goes.
pub async fn queue_digest_now(
    store: &Store,
    user: &User,
    compose: &dyn Compose,
    now: DateTime<Utc>,
    public_url: Option<&str>,
) -> Result<(i64, String), AppError> {
    let settings = store.digest_state(user.id).await?.settings;
    let to = digest_address(&settings, user)
        .and_then(|a| Email::parse(&a).ok())
        .ok_or_else(no_address)?;
    let digest = compose.compose(store, user, now, public_url).await?;
    let mail = NewMail {
        kind: MailKind::Digest,
        dedup_key: format!("digest:sent-by-hand:{}", now.timestamp_micros()),
        to: vec![to.clone()],
        reply_to: None,
        subject: digest.subject,
        text: digest.text,
        html: Some(digest.html),
        calendar: None,
    };
    let id = store
        .enqueue_mail(user.id, &mail, now)
        .await?
        .ok_or_else(|| {
            AppError::Conflict("a digest was queued at this very moment already".into())
        })?;
    Ok((id, to.as_str().to_owned()))
}

/// What queueing an invitation did.
pub struct QueuedInvitation {
    /// `None`: this version of the invitation was queued before.
    pub id: Option<i64>,
    pub to: Vec<String>,
    /// Attendees without an e-mail address, left out.
    pub missing: Vec<String>,
}

/// Records `meeting`'s current invitation (REQUEST, or CANCEL once
/// cancelled; [`crate::calendar::invitation`]) in the outbox for its
/// attendees, once per sequence number. Without the organiser's address or
/// any attendee's it is refused as the calendar refuses it.
pub async fn queue_invitation(
    store: &Store,
    user: &User,
    meeting: &Meeting,
    now: DateTime<Utc>,
) -> Result<QueuedInvitation, AppError> {
    let invitation = crate::calendar::invitation(store, user, meeting).await?;
    let method = invitation.method.as_str();
    let when = format!(
        "{} ({})",
        meeting
            .starts_at
            .with_timezone(&user.timezone.tz())
            .format("%a %-d %b %Y, %H:%M"),
        user.timezone.name()
    );
    let (subject, headline) = match (invitation.method, meeting.sequence) {
        (Method::Cancel, _) => (
            format!("Cancelled: {} @ {when}", meeting.title),
            format!("{} has cancelled this meeting.", user.display_name),
        ),
        (_, 0) => (
            format!("Invitation: {} @ {when}", meeting.title),
            format!("{} invites you to this meeting.", user.display_name),
        ),
        _ => (
            format!("Updated invitation: {} @ {when}", meeting.title),
            format!("{} has updated this meeting.", user.display_name),
        ),
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
        .collect::<Result<_, _>>()
        .map_err(invalid(Field::Attendees))?;
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

/// "sent 2026-11-26 07:30" or "not sent yet: 451 … (attempt 2)".
pub fn last_words(entry: &OutboxEntry, tz: TimeZone) -> String {
    use MailStatus::*;
    match entry.status {
        Sent => format!(
            "sent {}",
            date_time(entry.sent_at.unwrap_or(entry.created_at), tz)
        ),
        Pending if entry.attempts == 0 => {
            format!("queued {}", date_time(entry.created_at, tz))
        }
        Pending => format!(
            "not sent yet, retrying at {} (attempt {} failed: {})",
            date_time(entry.next_attempt_at, tz),
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
