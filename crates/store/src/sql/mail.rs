//! Digest schedules and the outbox (see `mail.rs` for the protocol).

use chrono::NaiveTime;
use kith_core::digest::DigestSettings;
use kith_core::outreach::Weekdays;
use kith_core::values::Email;

use super::*;
use crate::mail::{
    Delivery, DigestState, DueDigest, MailKind, MailStatus, NewMail, OutboxEntry, OutgoingMail,
    minute_of,
};
use crate::rows::{from_time, to_time};

#[derive(sqlx::FromRow)]
struct DigestRow {
    enabled: bool,
    days: i64,
    minute: i64,
    address: Option<String>,
    next_at: Option<i64>,
}

impl DigestRow {
    fn into_state(self) -> DigestState {
        let defaults = DigestSettings::default();
        let days = u8::try_from(self.days)
            .ok()
            .map(Weekdays::from_bits)
            .filter(|d| d.bits() != 0)
            .unwrap_or(defaults.days);
        let minute = u32::try_from(self.minute).unwrap_or(0);
        let at = NaiveTime::from_hms_opt(minute / 60 % 24, minute % 60, 0).unwrap_or(defaults.at);
        DigestState {
            settings: DigestSettings {
                enabled: self.enabled,
                days,
                at,
                address: self.address.as_deref().and_then(|a| Email::parse(a).ok()),
            },
            next_at: self.next_at.map(to_time),
        }
    }
}

pub(crate) async fn digest_state(pool: &Pool, user: UserId) -> Result<DigestState> {
    let mut conn = pool.acquire().await?;
    digest_state_in(&mut conn, user).await
}

pub(crate) async fn digest_state_in(conn: &mut Conn, user: UserId) -> Result<DigestState> {
    let row: Option<DigestRow> = sqlx::query_as(
        "SELECT enabled, CAST(days AS BIGINT) AS days, CAST(minute AS BIGINT) AS minute, \
         address, next_at FROM digest_settings WHERE user_id = $1",
    )
    .bind(user.0)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map_or_else(
        || DigestState {
            settings: DigestSettings::default(),
            next_at: None,
        },
        DigestRow::into_state,
    ))
}

pub(crate) async fn set_digest(
    pool: &Pool,
    user: UserId,
    settings: &DigestSettings,
    next_at: Option<DateTime<Utc>>,
) -> Result<DigestState> {
    let mut tx = begin_write(pool).await?;
    lock_user(&mut tx, user).await?;
    let state = set_digest_in(&mut tx, user, settings, next_at).await?;
    tx.commit().await?;
    Ok(state)
}

pub(crate) async fn set_digest_in(
    conn: &mut Conn,
    user: UserId,
    settings: &DigestSettings,
    next_at: Option<DateTime<Utc>>,
) -> Result<DigestState> {
    let next_at = next_at.filter(|_| settings.enabled);
    sqlx::query(
        "INSERT INTO digest_settings (user_id, enabled, days, minute, address, next_at) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (user_id) DO UPDATE SET enabled = excluded.enabled, days = excluded.days, \
         minute = excluded.minute, address = excluded.address, next_at = excluded.next_at, \
         claimed_until = NULL",
    )
    .bind(user.0)
    .bind(settings.enabled)
    .bind(i32::from(settings.days.bits()))
    .bind(minute_of(settings.at) as i32)
    .bind(settings.address.as_ref().map(|a| a.as_str().to_owned()))
    .bind(next_at.map(from_time))
    .execute(&mut *conn)
    .await?;
    Ok(DigestState {
        settings: settings.clone(),
        next_at,
    })
}

pub(crate) async fn claim_due_digests(
    pool: &Pool,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<DueDigest>> {
    let mut tx = begin_write(pool).await?;
    let rows: Vec<(i64, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE digest_settings SET claimed_until = $2 WHERE user_id IN (\
           SELECT d.user_id FROM digest_settings d \
           WHERE d.enabled AND d.next_at <= $1 \
             AND (d.claimed_until IS NULL OR d.claimed_until <= $1) \
             AND EXISTS (SELECT 1 FROM users u WHERE u.id = d.user_id AND NOT u.disabled) \
           ORDER BY d.next_at LIMIT $3{SKIP_LOCKED}) \
         RETURNING user_id, next_at"
    )))
    .bind(from_time(now))
    .bind(from_time(lease_until))
    .bind(limit)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|(user, due_at)| DueDigest {
            user: UserId(user),
            due_at: to_time(due_at),
        })
        .collect())
}

pub(crate) async fn record_digest(
    pool: &Pool,
    due: DueDigest,
    next_at: DateTime<Utc>,
    mail: Option<&NewMail>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let mut tx = begin_write(pool).await?;
    let moved = sqlx::query(
        "UPDATE digest_settings SET next_at = $3, claimed_until = NULL \
         WHERE user_id = $1 AND enabled AND next_at = $2",
    )
    .bind(due.user.0)
    .bind(from_time(due.due_at))
    .bind(from_time(next_at))
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if moved == 0 {
        return Ok(false);
    }
    let recorded = match mail {
        Some(mail) => insert_mail(&mut tx, due.user, mail, now).await?.is_some(),
        None => false,
    };
    tx.commit().await?;
    Ok(recorded)
}

pub(crate) async fn enqueue_mail(
    pool: &Pool,
    user: UserId,
    mail: &NewMail,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    let mut tx = begin_write(pool).await?;
    lock_user(&mut tx, user).await?;
    let id = insert_mail(&mut tx, user, mail, now).await?;
    tx.commit().await?;
    Ok(id)
}

async fn insert_mail(
    tx: &mut Conn,
    user: UserId,
    mail: &NewMail,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    let recipients: Vec<&str> = mail.to.iter().map(Email::as_str).collect();
    let (method, calendar) = match &mail.calendar {
        Some((method, text)) => (Some(method.as_str()), Some(text.as_str())),
        None => (None, None),
    };
    let id: Option<(i64,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "INSERT INTO outbox (user_id, kind, dedup_key, token, recipients, reply_to, subject, \
           text_body, html_body, calendar_method, calendar, next_attempt_at, created_at) \
         VALUES ($1, $2, $3, {RANDOM_TOKEN}, $4, $5, $6, $7, $8, $9, $10, $11, $11) \
         ON CONFLICT (user_id, dedup_key) DO NOTHING RETURNING id"
    )))
    .bind(user.0)
    .bind(mail.kind.as_str())
    .bind(&mail.dedup_key)
    .bind(recipients.join(", "))
    .bind(mail.reply_to.as_ref().map(|a| a.as_str().to_owned()))
    .bind(&mail.subject)
    .bind(&mail.text)
    .bind(mail.html.as_deref())
    .bind(method)
    .bind(calendar)
    .bind(from_time(now))
    .fetch_optional(&mut *tx)
    .await?;
    Ok(id.map(|(id,)| id))
}

pub(crate) async fn expire_mail_claims(pool: &Pool, now: DateTime<Utc>) -> Result<u64> {
    let mut tx = begin_write(pool).await?;
    let n = sqlx::query(
        "UPDATE outbox SET status = 'uncertain', claimed_by = NULL, claimed_until = NULL, \
         last_error = 'the server stopped while sending this message: it may or may not have \
         arrived, so it is not sent again unless you ask' \
         WHERE status = 'sending' AND claimed_until <= $1",
    )
    .bind(from_time(now))
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(n)
}

#[derive(sqlx::FromRow)]
struct OutgoingRow {
    id: i64,
    user_id: i64,
    kind: String,
    token: String,
    recipients: String,
    reply_to: Option<String>,
    subject: String,
    text_body: String,
    html_body: Option<String>,
    calendar_method: Option<String>,
    calendar: Option<String>,
    created_at: i64,
    attempts: i64,
}

fn split_recipients(text: &str) -> Vec<String> {
    text.split(", ")
        .filter(|a| !a.is_empty())
        .map(str::to_owned)
        .collect()
}

pub(crate) async fn claim_mail(
    pool: &Pool,
    server: &str,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<OutgoingMail>> {
    let mut tx = begin_write(pool).await?;
    let rows: Vec<OutgoingRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE outbox SET status = 'sending', claimed_by = $2, claimed_until = $3, \
           attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1 \
           ORDER BY next_attempt_at, id LIMIT $4{SKIP_LOCKED}) \
         RETURNING id, user_id, kind, token, recipients, reply_to, subject, text_body, html_body, \
           calendar_method, calendar, created_at, CAST(attempts AS BIGINT) AS attempts"
    )))
    .bind(from_time(now))
    .bind(server)
    .bind(from_time(lease_until))
    .bind(limit)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let mut mails: Vec<OutgoingMail> = rows
        .into_iter()
        .map(|r| OutgoingMail {
            id: r.id,
            user: UserId(r.user_id),
            kind: MailKind::from_db(&r.kind),
            token: r.token,
            to: split_recipients(&r.recipients),
            reply_to: r.reply_to,
            subject: r.subject,
            text: r.text_body,
            html: r.html_body,
            calendar: r.calendar_method.zip(r.calendar),
            created_at: to_time(r.created_at),
            attempts: r.attempts,
        })
        .collect();
    mails.sort_by_key(|m| m.id);
    Ok(mails)
}

pub(crate) async fn finish_mail(
    pool: &Pool,
    id: i64,
    delivery: &Delivery,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = begin_write(pool).await?;
    // A row marked uncertain while this server was still sending is sent
    // after all, or failed: the outcome is known now.
    let query = match delivery {
        Delivery::Sent => sqlx::query(
            "UPDATE outbox SET status = 'sent', sent_at = $2, claimed_by = NULL, \
             claimed_until = NULL, last_error = NULL \
             WHERE id = $1 AND status IN ('sending', 'uncertain')",
        )
        .bind(id)
        .bind(from_time(now)),
        Delivery::Retry { error, at } => sqlx::query(
            "UPDATE outbox SET status = 'pending', next_attempt_at = $2, last_error = $3, \
             claimed_by = NULL, claimed_until = NULL \
             WHERE id = $1 AND status IN ('sending', 'uncertain')",
        )
        .bind(id)
        .bind(from_time(*at))
        .bind(error),
        Delivery::Failed { error } => sqlx::query(
            "UPDATE outbox SET status = 'failed', last_error = $2, claimed_by = NULL, \
             claimed_until = NULL WHERE id = $1 AND status IN ('sending', 'uncertain')",
        )
        .bind(id)
        .bind(error),
    };
    query.execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    id: i64,
    kind: String,
    recipients: String,
    subject: String,
    status: String,
    attempts: i64,
    last_error: Option<String>,
    created_at: i64,
    sent_at: Option<i64>,
    next_attempt_at: i64,
}

impl EntryRow {
    fn into_entry(self) -> OutboxEntry {
        OutboxEntry {
            id: self.id,
            kind: MailKind::from_db(&self.kind),
            to: split_recipients(&self.recipients),
            subject: self.subject,
            status: MailStatus::from_db(&self.status),
            attempts: self.attempts,
            last_error: self.last_error,
            created_at: to_time(self.created_at),
            sent_at: self.sent_at.map(to_time),
            next_attempt_at: to_time(self.next_attempt_at),
        }
    }
}

const ENTRY_COLUMNS: &str = "id, kind, recipients, subject, status, \
    CAST(attempts AS BIGINT) AS attempts, last_error, created_at, sent_at, next_attempt_at";

pub(crate) async fn outbox(pool: &Pool, user: UserId, limit: i64) -> Result<Vec<OutboxEntry>> {
    let rows: Vec<EntryRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {ENTRY_COLUMNS} FROM outbox WHERE user_id = $1 \
         ORDER BY created_at DESC, id DESC LIMIT $2"
    )))
    .bind(user.0)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(EntryRow::into_entry).collect())
}

pub(crate) async fn last_digest(pool: &Pool, user: UserId) -> Result<Option<OutboxEntry>> {
    let row: Option<EntryRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {ENTRY_COLUMNS} FROM outbox WHERE user_id = $1 AND kind = 'digest' \
         ORDER BY created_at DESC, id DESC LIMIT 1"
    )))
    .bind(user.0)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(EntryRow::into_entry))
}

pub(crate) async fn retry_mail(
    pool: &Pool,
    user: UserId,
    id: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = begin_write(pool).await?;
    let n = sqlx::query(
        "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = $3 \
         WHERE id = $1 AND user_id = $2 AND status IN ('failed', 'uncertain')",
    )
    .bind(id)
    .bind(user.0)
    .bind(from_time(now))
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if n == 0 {
        return Err(StoreError::not_found("failed or uncertain message", id));
    }
    tx.commit().await?;
    Ok(())
}
