//! Linked identities at sign-in providers, and flows through them.

use super::*;
use crate::identities::{Identity, OAuthFlow};
use crate::rows::{from_time, to_time, user_columns};

pub(crate) async fn create_oauth_flow(
    pool: &Pool,
    state_digest: &str,
    flow: &OAuthFlow,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = begin_write(pool).await?;
    sqlx::query("DELETE FROM oauth_flows WHERE expires_at <= $1")
        .bind(from_time(now))
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO oauth_flows (state_digest, provider, nonce, verifier, next, link_user, \
         expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(state_digest)
    .bind(&flow.provider)
    .bind(&flow.nonce)
    .bind(&flow.verifier)
    .bind(&flow.next)
    .bind(flow.link_user.map(|u| u.0))
    .bind(from_time(flow.expires_at))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn take_oauth_flow(
    pool: &Pool,
    state_digest: &str,
    provider: &str,
    now: DateTime<Utc>,
) -> Result<Option<OAuthFlow>> {
    let mut tx = begin_write(pool).await?;
    let row: Option<(String, String, String, String, Option<i64>, i64)> = sqlx::query_as(
        "DELETE FROM oauth_flows WHERE state_digest = $1 \
         RETURNING provider, nonce, verifier, next, link_user, expires_at",
    )
    .bind(state_digest)
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(row.filter(|r| r.0 == provider && r.5 > from_time(now)).map(
        |(provider, nonce, verifier, next, link_user, expires_at)| OAuthFlow {
            provider,
            nonce,
            verifier,
            next,
            link_user: link_user.map(UserId),
            expires_at: to_time(expires_at),
        },
    ))
}

pub(crate) async fn identity_user(
    pool: &Pool,
    provider: &str,
    subject: &str,
    now: DateTime<Utc>,
) -> Result<Option<User>> {
    let mut tx = begin_write(pool).await?;
    let row: Option<UserRow> = sqlx::query_as(concat!(
        "SELECT ",
        user_columns!(u),
        " FROM identities i JOIN users u ON u.id = i.user_id \
         WHERE i.provider = $1 AND i.subject = $2 AND NOT u.disabled"
    ))
    .bind(provider)
    .bind(subject)
    .fetch_optional(&mut *tx)
    .await?;
    if row.is_some() {
        sqlx::query("UPDATE identities SET last_used_at = $3 WHERE provider = $1 AND subject = $2")
            .bind(provider)
            .bind(subject)
            .bind(from_time(now))
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(row.map(UserRow::into_user))
}

pub(crate) async fn link_identity(
    pool: &Pool,
    user: UserId,
    provider: &str,
    subject: &str,
    email: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = begin_write(pool).await?;
    lock_user(&mut tx, user).await?;
    sqlx::query(
        "INSERT INTO identities (user_id, provider, subject, email, created_at, last_used_at) \
         VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(user.0)
    .bind(provider)
    .bind(subject)
    .bind(email)
    .bind(from_time(now))
    .execute(&mut *tx)
    .await
    .map_err(|e| match StoreError::from(e) {
        StoreError::Conflict(_) => StoreError::Conflict(format!(
            "that {provider} account is linked to a Kith user already"
        )),
        other => other,
    })?;
    tx.commit().await?;
    Ok(())
}

/// id, provider, subject, email, created_at, last_used_at.
type IdentityRow = (i64, String, String, Option<String>, i64, Option<i64>);

pub(crate) async fn identities(pool: &Pool, user: UserId) -> Result<Vec<Identity>> {
    let rows: Vec<IdentityRow> = sqlx::query_as(
        "SELECT id, provider, subject, email, created_at, last_used_at FROM identities \
         WHERE user_id = $1 ORDER BY provider, id",
    )
    .bind(user.0)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, provider, subject, email, created, used)| Identity {
            id,
            provider,
            subject,
            email,
            created_at: to_time(created),
            last_used_at: used.map(to_time),
        })
        .collect())
}

pub(crate) async fn unlink_identity(pool: &Pool, user: UserId, id: i64) -> Result<()> {
    let mut tx = begin_write(pool).await?;
    lock_user(&mut tx, user).await?;
    let (password, others): (Option<String>, i64) = sqlx::query_as(
        "SELECT u.password_hash, (SELECT COUNT(*) FROM identities i \
           WHERE i.user_id = u.id AND i.id <> $2) \
           + (SELECT COUNT(*) FROM passkeys p WHERE p.user_id = u.id) \
         FROM users u WHERE u.id = $1",
    )
    .bind(user.0)
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    let done = sqlx::query("DELETE FROM identities WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user.0)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::not_found("linked account", id));
    }
    if password.is_none() && others == 0 {
        return Err(StoreError::Conflict(
            "this is your only way to sign in: set a password or link another account first".into(),
        ));
    }
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn user_by_email(pool: &Pool, email: &str) -> Result<Option<User>> {
    let rows: Vec<UserRow> = sqlx::query_as(concat!(
        "SELECT ",
        user_columns!(u),
        " FROM users u WHERE lower(u.email) = lower($1) AND NOT u.disabled LIMIT 2"
    ))
    .bind(email)
    .fetch_all(pool)
    .await?;
    Ok(match <[UserRow; 1]>::try_from(rows) {
        Ok([one]) => Some(one.into_user()),
        Err(_) => None,
    })
}
