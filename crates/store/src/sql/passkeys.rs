//! Passkeys and WebAuthn ceremonies in progress.

use super::*;
use crate::passkeys::StoredPasskey;
use crate::rows::{from_time, to_time};

pub(crate) async fn add_passkey(
    pool: &Pool,
    user: UserId,
    name: &str,
    credential_id: &str,
    credential: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    let mut tx = begin_write(pool).await?;
    lock_user(&mut tx, user).await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO passkeys (user_id, name, credential_id, credential, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(user.0)
    .bind(name)
    .bind(credential_id)
    .bind(credential)
    .bind(from_time(now))
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| match StoreError::from(e) {
        StoreError::Conflict(_) => {
            StoreError::Conflict("that passkey is registered already".into())
        }
        other => other,
    })?;
    tx.commit().await?;
    Ok(id)
}

/// id, name, credential id, credential, created_at, last_used_at.
type PasskeyRow = (i64, String, String, String, i64, Option<i64>);

pub(crate) async fn passkeys(pool: &Pool, user: UserId) -> Result<Vec<StoredPasskey>> {
    let rows: Vec<PasskeyRow> = sqlx::query_as(
        "SELECT id, name, credential_id, credential, created_at, last_used_at FROM passkeys \
         WHERE user_id = $1 ORDER BY id",
    )
    .bind(user.0)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, name, credential_id, credential, created, used)| StoredPasskey {
                id,
                name,
                credential_id,
                credential,
                created_at: to_time(created),
                last_used_at: used.map(to_time),
            },
        )
        .collect())
}

pub(crate) async fn passkey_used(
    pool: &Pool,
    user: UserId,
    id: i64,
    credential: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = begin_write(pool).await?;
    sqlx::query(
        "UPDATE passkeys SET credential = $3, last_used_at = $4 WHERE id = $1 AND user_id = $2",
    )
    .bind(id)
    .bind(user.0)
    .bind(credential)
    .bind(from_time(now))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn remove_passkey(pool: &Pool, user: UserId, id: i64) -> Result<()> {
    let mut tx = begin_write(pool).await?;
    lock_user(&mut tx, user).await?;
    let (password, others): (Option<String>, i64) = sqlx::query_as(
        "SELECT u.password_hash, \
           (SELECT COUNT(*) FROM identities i WHERE i.user_id = u.id) \
           + (SELECT COUNT(*) FROM passkeys p WHERE p.user_id = u.id AND p.id <> $2) \
         FROM users u WHERE u.id = $1",
    )
    .bind(user.0)
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    let done = sqlx::query("DELETE FROM passkeys WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user.0)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::not_found("passkey", id));
    }
    if password.is_none() && others == 0 {
        return Err(StoreError::Conflict(
            "this is your only way to sign in: set a password or add another first".into(),
        ));
    }
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn put_ceremony(
    pool: &Pool,
    digest: &str,
    user: UserId,
    kind: &str,
    state: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let mut tx = begin_write(pool).await?;
    sqlx::query("DELETE FROM webauthn_ceremonies WHERE expires_at <= $1")
        .bind(from_time(now))
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO webauthn_ceremonies (id_digest, user_id, kind, state, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(digest)
    .bind(user.0)
    .bind(kind)
    .bind(state)
    .bind(from_time(now + chrono::Duration::minutes(5)))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn take_ceremony(
    pool: &Pool,
    digest: &str,
    kind: &str,
    now: DateTime<Utc>,
) -> Result<Option<(UserId, String)>> {
    let mut tx = begin_write(pool).await?;
    let row: Option<(i64, String, String, i64)> = sqlx::query_as(
        "DELETE FROM webauthn_ceremonies WHERE id_digest = $1 \
         RETURNING user_id, kind, state, expires_at",
    )
    .bind(digest)
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(row
        .filter(|(_, k, _, expires)| k == kind && *expires > from_time(now))
        .map(|(user, _, state, _)| (UserId(user), state)))
}
