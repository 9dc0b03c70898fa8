//! TOTP seeds, recovery codes, pending sign-ins and the session list.

use kith_core::user::User;

use super::*;
use crate::rows::{from_time, to_time, user_columns};
use crate::second_factor::{PendingPurpose, PendingSignin, SessionInfo, TotpFactor};

pub(crate) async fn totp(pool: &Pool, user: UserId) -> Result<Option<TotpFactor>> {
    let row: Option<(String, Option<i64>, i64)> = sqlx::query_as(
        "SELECT secret, confirmed_at, last_step FROM totp_factors WHERE user_id = $1",
    )
    .bind(user.0)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(secret, confirmed_at, last_step)| TotpFactor {
        secret,
        confirmed: confirmed_at.is_some(),
        last_step,
    }))
}

pub(crate) async fn begin_totp(
    pool: &Pool,
    user: UserId,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = begin_write(pool).await?;
    lock_user(&mut tx, user).await?;
    let confirmed: Option<(Option<i64>,)> =
        sqlx::query_as("SELECT confirmed_at FROM totp_factors WHERE user_id = $1")
            .bind(user.0)
            .fetch_optional(&mut *tx)
            .await?;
    if confirmed.is_some_and(|(at,)| at.is_some()) {
        return Err(StoreError::Conflict(
            "two-step sign-in is on already; turn it off first".into(),
        ));
    }
    sqlx::query(
        "INSERT INTO totp_factors (user_id, secret, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, \
         created_at = excluded.created_at, last_step = 0, confirmed_at = NULL",
    )
    .bind(user.0)
    .bind(secret)
    .bind(from_time(now))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn confirm_totp(
    pool: &Pool,
    user: UserId,
    step: i64,
    recovery_digests: &[String],
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = begin_write(pool).await?;
    lock_user(&mut tx, user).await?;
    let done = sqlx::query(
        "UPDATE totp_factors SET confirmed_at = $2, last_step = $3 \
         WHERE user_id = $1 AND confirmed_at IS NULL",
    )
    .bind(user.0)
    .bind(from_time(now))
    .bind(step)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::not_found("two-step sign-in being set up", user));
    }
    replace_codes(&mut tx, user, recovery_digests).await?;
    tx.commit().await?;
    Ok(())
}

async fn replace_codes(conn: &mut Conn, user: UserId, digests: &[String]) -> Result<()> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user.0)
        .execute(&mut *conn)
        .await?;
    for digest in digests {
        sqlx::query("INSERT INTO recovery_codes (user_id, digest) VALUES ($1, $2)")
            .bind(user.0)
            .bind(digest)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub(crate) async fn use_totp_step(pool: &Pool, user: UserId, step: i64) -> Result<bool> {
    let mut tx = begin_write(pool).await?;
    let done = sqlx::query(
        "UPDATE totp_factors SET last_step = $2 \
         WHERE user_id = $1 AND confirmed_at IS NOT NULL AND last_step < $2",
    )
    .bind(user.0)
    .bind(step)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done.rows_affected() == 1)
}

pub(crate) async fn use_recovery_code(
    pool: &Pool,
    user: UserId,
    digest: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let mut tx = begin_write(pool).await?;
    let done = sqlx::query(
        "UPDATE recovery_codes SET used_at = $3 \
         WHERE user_id = $1 AND digest = $2 AND used_at IS NULL",
    )
    .bind(user.0)
    .bind(digest)
    .bind(from_time(now))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done.rows_affected() >= 1)
}

pub(crate) async fn set_recovery_codes(
    pool: &Pool,
    user: UserId,
    digests: &[String],
) -> Result<()> {
    let mut tx = begin_write(pool).await?;
    lock_user(&mut tx, user).await?;
    replace_codes(&mut tx, user, digests).await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn recovery_codes_left(pool: &Pool, user: UserId) -> Result<i64> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
    )
    .bind(user.0)
    .fetch_one(pool)
    .await?;
    Ok(n)
}

pub(crate) async fn remove_totp(pool: &Pool, user: UserId) -> Result<bool> {
    let mut tx = begin_write(pool).await?;
    let done = sqlx::query("DELETE FROM totp_factors WHERE user_id = $1")
        .bind(user.0)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user.0)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(done.rows_affected() > 0)
}

pub(crate) async fn create_pending_signin(
    pool: &Pool,
    digest: &str,
    user: UserId,
    purpose: PendingPurpose,
    secret: Option<&str>,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = begin_write(pool).await?;
    // Expired ones are of no use to anyone.
    sqlx::query("DELETE FROM pending_signins WHERE expires_at <= $1")
        .bind(from_time(now))
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO pending_signins (id_digest, user_id, purpose, secret, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(digest)
    .bind(user.0)
    .bind(purpose.as_str())
    .bind(secret)
    .bind(from_time(expires_at))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn pending_signin(
    pool: &Pool,
    digest: &str,
    now: DateTime<Utc>,
) -> Result<Option<PendingSignin>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        purpose: String,
        secret: Option<String>,
        #[sqlx(flatten)]
        user: UserRow,
    }
    let row: Option<Row> = sqlx::query_as(concat!(
        "SELECT p.purpose, p.secret, ",
        user_columns!(u),
        " FROM pending_signins p JOIN users u ON u.id = p.user_id \
         WHERE p.id_digest = $1 AND p.expires_at > $2 AND NOT u.disabled"
    ))
    .bind(digest)
    .bind(from_time(now))
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| {
        let user: User = r.user.into_user();
        PendingSignin {
            user,
            purpose: if r.purpose == "enrol" {
                PendingPurpose::Enrol
            } else {
                PendingPurpose::Code
            },
            secret: r.secret,
        }
    }))
}

pub(crate) async fn delete_pending_signin(pool: &Pool, digest: &str) -> Result<()> {
    sqlx::query("DELETE FROM pending_signins WHERE id_digest = $1")
        .bind(digest)
        .execute(pool)
        .await?;
    Ok(())
}

pub(crate) async fn sessions(
    pool: &Pool,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<Vec<SessionInfo>> {
    let rows: Vec<(String, String, Option<String>, i64, i64)> = sqlx::query_as(
        "SELECT id_digest, method, agent, created_at, last_seen_at FROM sessions \
         WHERE user_id = $1 AND expires_at > $2 ORDER BY last_seen_at DESC, created_at DESC",
    )
    .bind(user.0)
    .bind(from_time(now))
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(digest, method, agent, created, seen)| SessionInfo {
            key: digest.chars().take(16).collect(),
            method,
            agent,
            created_at: to_time(created),
            last_seen_at: to_time(seen),
        })
        .collect())
}

pub(crate) async fn end_session(pool: &Pool, user: UserId, key: &str) -> Result<bool> {
    if key.len() != 16 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(false);
    }
    let done =
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND substr(id_digest, 1, 16) = $2")
            .bind(user.0)
            .bind(key)
            .execute(pool)
            .await?;
    Ok(done.rows_affected() > 0)
}
