//! Accounts: passwords, sessions, API tokens, throttling of failed sign-ins.
//! Secrets arrive here already digested (kith-auth); nothing stored opens anything.

use super::*;
use crate::rows::{CredentialUserRow, user_columns};
use crate::{Credentials, TokenInfo, TokenScope};

/// The user with this login name, with what signing in needs.
pub(crate) async fn credentials(pool: &Pool, username: &str) -> Result<Option<Credentials>> {
    let row: Option<(i64, Option<String>, bool, bool)> = sqlx::query_as(
        "SELECT id, password_hash, disabled, is_admin FROM users WHERE username = $1",
    )
    .bind(username)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(id, password_hash, disabled, admin)| Credentials {
        user: UserId(id),
        password_hash,
        disabled,
        admin,
    }))
}

/// Sets a password hash and ends every session of the user, together.
pub(crate) async fn set_password_hash(pool: &Pool, user: UserId, hash: &str) -> Result<()> {
    let mut tx = begin_write(pool).await?;
    let done = sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
        .bind(user.0)
        .bind(hash)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::not_found("user", user));
    }
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user.0)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// A user who signs in with a password, created whole or not at all.
pub(crate) async fn create_account(
    pool: &Pool,
    new: &NewUser,
    hash: &str,
    admin: bool,
    now: DateTime<Utc>,
) -> Result<User> {
    let mut tx = begin_write(pool).await?;
    let user = insert_user(&mut tx, new, now).await?;
    sqlx::query("UPDATE users SET password_hash = $2, is_admin = $3 WHERE id = $1")
        .bind(user.id.0)
        .bind(hash)
        .bind(admin)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(user)
}

/// Creates the first user of an instance, an admin; refuses (a conflict)
/// once any user exists, even when two first-run setups race.
pub(crate) async fn create_first_account(
    pool: &Pool,
    new: &NewUser,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<User> {
    let mut tx = begin_write(pool).await?;
    lock_users(&mut tx).await?;
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&mut *tx)
        .await?;
    if users > 0 {
        return Err(StoreError::Conflict(
            "this instance already has users; setup is closed".into(),
        ));
    }
    let user = insert_user(&mut tx, new, now).await?;
    sqlx::query("UPDATE users SET password_hash = $2, is_admin = TRUE WHERE id = $1")
        .bind(user.id.0)
        .bind(hash)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(user)
}

/// Disables or enables a user; disabling ends every session at once.
pub(crate) async fn set_disabled(pool: &Pool, user: UserId, disabled: bool) -> Result<()> {
    let mut tx = begin_write(pool).await?;
    let done = sqlx::query("UPDATE users SET disabled = $2 WHERE id = $1")
        .bind(user.0)
        .bind(disabled)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::not_found("user", user));
    }
    if disabled {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn set_admin(pool: &Pool, user: UserId, admin: bool) -> Result<()> {
    let done = sqlx::query("UPDATE users SET is_admin = $2 WHERE id = $1")
        .bind(user.0)
        .bind(admin)
        .execute(pool)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::not_found("user", user));
    }
    Ok(())
}

pub(crate) async fn create_session(
    pool: &Pool,
    user: UserId,
    digest: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    method: &str,
    agent: Option<&str>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO sessions (id_digest, user_id, created_at, last_seen_at, expires_at, method, \
         agent) VALUES ($1, $2, $3, $3, $4, $5, $6)",
    )
    .bind(digest)
    .bind(user.0)
    .bind(from_time(now))
    .bind(from_time(expires_at))
    .bind(method)
    .bind(agent.map(|a| a.chars().take(200).collect::<String>()))
    .execute(pool)
    .await?;
    Ok(())
}

/// The user a live session belongs to: not past its absolute expiry, seen
/// within `idle`, user not disabled. Marks it seen (at most once a minute).
pub(crate) async fn session_user(
    pool: &Pool,
    digest: &str,
    now: DateTime<Utc>,
    idle: chrono::Duration,
) -> Result<Option<User>> {
    let now_s = from_time(now);
    let row: Option<CredentialUserRow> = sqlx::query_as(concat!(
        "SELECT CAST(0 AS BIGINT) AS credential, s.last_seen_at AS last_used, ",
        user_columns!(u),
        " FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.id_digest = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 AND NOT u.disabled"
    ))
    .bind(digest)
    .bind(now_s)
    .bind(now_s - idle.num_seconds())
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    if row.last_used.is_none_or(|at| now_s - at >= 60) {
        sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE id_digest = $1")
            .bind(digest)
            .bind(now_s)
            .execute(pool)
            .await?;
    }
    Ok(Some(row.user.into_user()))
}

pub(crate) async fn user_by_id(pool: &Pool, user: UserId) -> Result<Option<User>> {
    let row: Option<UserRow> = sqlx::query_as(concat!(
        "SELECT ",
        user_columns!(),
        " FROM users WHERE id = $1"
    ))
    .bind(user.0)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(UserRow::into_user))
}

pub(crate) async fn delete_session(pool: &Pool, digest: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE id_digest = $1")
        .bind(digest)
        .execute(pool)
        .await?;
    Ok(())
}

pub(crate) async fn delete_sessions(pool: &Pool, user: UserId) -> Result<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user.0)
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}

pub(crate) async fn create_token(
    pool: &Pool,
    user: UserId,
    name: &str,
    scope: TokenScope,
    digest: &str,
    now: DateTime<Utc>,
) -> Result<TokenInfo> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO api_tokens (user_id, name, scope, digest, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(user.0)
    .bind(name)
    .bind(scope.as_str())
    .bind(digest)
    .bind(from_time(now))
    .fetch_one(pool)
    .await?;
    Ok(TokenInfo {
        id,
        name: name.to_owned(),
        scope,
        created_at: to_time(from_time(now)),
        last_used_at: None,
        revoked_at: None,
    })
}

pub(crate) async fn tokens(pool: &Pool, user: UserId) -> Result<Vec<TokenInfo>> {
    /// id, name, scope, created_at, last_used_at, revoked_at
    type TokenRow = (i64, String, String, i64, Option<i64>, Option<i64>);
    let rows: Vec<TokenRow> = sqlx::query_as(
        "SELECT id, name, scope, created_at, last_used_at, revoked_at FROM api_tokens \
         WHERE user_id = $1 ORDER BY id",
    )
    .bind(user.0)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, scope, created, used, revoked)| TokenInfo {
            id,
            name,
            scope: TokenScope::from_db(&scope),
            created_at: to_time(created),
            last_used_at: used.map(to_time),
            revoked_at: revoked.map(to_time),
        })
        .collect())
}

pub(crate) async fn revoke_token(
    pool: &Pool,
    user: UserId,
    id: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $3 \
         WHERE user_id = $1 AND id = $2 AND revoked_at IS NULL",
    )
    .bind(user.0)
    .bind(id)
    .bind(from_time(now))
    .execute(pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::not_found("active token", id));
    }
    Ok(())
}

/// The user a live token of this scope belongs to (not revoked, user not
/// disabled); records its use.
pub(crate) async fn token_user(
    pool: &Pool,
    digest: &str,
    scope: TokenScope,
    now: DateTime<Utc>,
) -> Result<Option<User>> {
    let row: Option<CredentialUserRow> = sqlx::query_as(concat!(
        "SELECT t.id AS credential, t.last_used_at AS last_used, ",
        user_columns!(u),
        " FROM api_tokens t JOIN users u ON u.id = t.user_id \
         WHERE t.digest = $1 AND t.scope = $2 AND t.revoked_at IS NULL AND NOT u.disabled"
    ))
    .bind(digest)
    .bind(scope.as_str())
    .fetch_optional(pool)
    .await?;
    let Some(CredentialUserRow {
        credential: token,
        last_used,
        user,
    }) = row
    else {
        return Ok(None);
    };
    // Like a session's last sight: written at most once a minute, so that
    // API reads stay reads.
    let now_s = from_time(now);
    if last_used.is_none_or(|at| now_s - at >= 60) {
        sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1")
            .bind(token)
            .bind(now_s)
            .execute(pool)
            .await?;
    }
    Ok(Some(user.into_user()))
}

pub(crate) async fn record_login_failure(pool: &Pool, key: &str, now: DateTime<Utc>) -> Result<()> {
    sqlx::query("INSERT INTO login_failures (key, at) VALUES ($1, $2)")
        .bind(key)
        .bind(from_time(now))
        .execute(pool)
        .await?;
    Ok(())
}

pub(crate) async fn login_failures_since(
    pool: &Pool,
    key: &str,
    since: DateTime<Utc>,
) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT count(*) FROM login_failures WHERE key = $1 AND at > $2")
            .bind(key)
            .bind(from_time(since))
            .fetch_one(pool)
            .await?,
    )
}

/// Counts one attempt at a secret under each key, if every key has fewer
/// than its limit counted after `since`; otherwise counts nothing. The count
/// and the insert are one transaction that holds the table's lock (BEGIN
/// IMMEDIATE on SQLite, a table lock on PostgreSQL), so attempts sent at
/// once, to one server or several, cannot all pass a check made before any
/// of them was counted. True if the attempt was counted (and may be checked).
pub(crate) async fn claim_login_attempt(
    pool: &Pool,
    keys: &[(&str, i64)],
    since: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let mut tx = begin_write(pool).await?;
    lock_login_failures(&mut tx).await?;
    for (key, limit) in keys {
        let counted: i64 =
            sqlx::query_scalar("SELECT count(*) FROM login_failures WHERE key = $1 AND at > $2")
                .bind(*key)
                .bind(from_time(since))
                .fetch_one(&mut *tx)
                .await?;
        if counted >= *limit {
            tx.rollback().await?;
            return Ok(false);
        }
    }
    for (key, _) in keys {
        sqlx::query("INSERT INTO login_failures (key, at) VALUES ($1, $2)")
            .bind(*key)
            .bind(from_time(now))
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(true)
}

/// Takes back one attempt counted under `key` at `at` (one that turned out
/// right, so it is no failure).
pub(crate) async fn forget_login_attempt(pool: &Pool, key: &str, at: DateTime<Utc>) -> Result<()> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DELETE FROM login_failures WHERE {ROW_ID} IN (\
           SELECT {ROW_ID} FROM login_failures WHERE key = $1 AND at = $2 LIMIT 1)"
    )))
    .bind(key)
    .bind(from_time(at))
    .execute(pool)
    .await?;
    Ok(())
}

/// Forgets failures of a key (after a successful sign-in) and all failures
/// older than `before` (housekeeping).
pub(crate) async fn clear_login_failures(
    pool: &Pool,
    key: &str,
    before: DateTime<Utc>,
) -> Result<()> {
    sqlx::query("DELETE FROM login_failures WHERE key = $1 OR at < $2")
        .bind(key)
        .bind(from_time(before))
        .execute(pool)
        .await?;
    Ok(())
}
