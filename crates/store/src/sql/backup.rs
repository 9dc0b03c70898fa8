//! Every account of an instance out and back in, with each user's sign-in
//! row and second factors (`kith backup` on PostgreSQL; `crate::export` has
//! the types).

use super::super::begin_read;
use super::export::read_account;
use super::import_account::write_account;
use super::*;
use crate::export::{AccountRow, BackedUpSignIn, BackedUpUser, InstanceBackup};

/// Every user with their account, in id order, from one read snapshot.
pub(crate) async fn backup_instance(pool: &Pool, at: String) -> Result<InstanceBackup> {
    let mut tx = begin_read(pool).await?;
    let rows: Vec<AccountRow> = sqlx::query_as(
        "SELECT id, username, password_hash, is_admin, disabled, created_at FROM users \
         ORDER BY id",
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut users = Vec::with_capacity(rows.len());
    for row in rows {
        let account = read_account(&mut tx, UserId(row.id), at.clone()).await?;
        let sign_in = read_sign_in(&mut tx, row.id).await?;
        users.push(BackedUpUser {
            username: row.username,
            password_hash: row.password_hash,
            is_admin: row.is_admin,
            disabled: row.disabled,
            created_at: row.created_at,
            sign_in,
            account,
        });
    }
    tx.commit().await?;
    Ok(InstanceBackup {
        kith_backup: crate::export::BACKUP_VERSION,
        backed_up_at: at,
        users,
    })
}

pub(crate) async fn restore_instance(
    pool: &Pool,
    backup: &InstanceBackup,
    replace: bool,
    now: DateTime<Utc>,
) -> Result<usize> {
    let mut tx = begin_write(pool).await?;
    lock_users(&mut tx).await?;
    let existing: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&mut *tx)
        .await?;
    if existing > 0 && !replace {
        return Err(StoreError::Conflict(format!(
            "the database already has {existing} user(s); restore only fills an empty \
             database (--force deletes every user and all their data first)"
        )));
    }
    if existing > 0 {
        // Every user's rows go with them (ON DELETE CASCADE).
        sqlx::query("DELETE FROM login_failures")
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM users").execute(&mut *tx).await?;
    }
    for BackedUpUser {
        username,
        password_hash,
        is_admin,
        disabled,
        created_at,
        sign_in,
        account,
    } in &backup.users
    {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, display_name, password_hash, is_admin, disabled, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(username)
        .bind(&account.user.display_name)
        .bind(password_hash)
        .bind(is_admin)
        .bind(disabled)
        .bind(created_at)
        .fetch_one(&mut *tx)
        .await?;
        write_account(&mut tx, UserId(id), account, now).await?;
        write_sign_in(&mut tx, id, sign_in).await?;
    }
    tx.commit().await?;
    Ok(usize::try_from(existing).unwrap_or(0))
}

/// A user's second factor, recovery codes, passkeys and linked accounts.
async fn read_sign_in(conn: &mut Conn, user: i64) -> Result<BackedUpSignIn> {
    Ok(BackedUpSignIn {
        totp: sqlx::query_as(
            "SELECT secret, confirmed_at, last_step, created_at FROM totp_factors \
             WHERE user_id = $1",
        )
        .bind(user)
        .fetch_optional(&mut *conn)
        .await?,
        recovery_codes: sqlx::query_as(
            "SELECT digest, used_at FROM recovery_codes WHERE user_id = $1 ORDER BY id",
        )
        .bind(user)
        .fetch_all(&mut *conn)
        .await?,
        passkeys: sqlx::query_as(
            "SELECT name, credential_id, credential, created_at, last_used_at FROM passkeys \
             WHERE user_id = $1 ORDER BY id",
        )
        .bind(user)
        .fetch_all(&mut *conn)
        .await?,
        identities: sqlx::query_as(
            "SELECT provider, subject, email, created_at, last_used_at FROM identities \
             WHERE user_id = $1 ORDER BY id",
        )
        .bind(user)
        .fetch_all(&mut *conn)
        .await?,
    })
}

async fn write_sign_in(conn: &mut Conn, user: i64, sign_in: &BackedUpSignIn) -> Result<()> {
    if let Some(t) = &sign_in.totp {
        sqlx::query(
            "INSERT INTO totp_factors (user_id, secret, confirmed_at, last_step, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(user)
        .bind(&t.secret)
        .bind(t.confirmed_at)
        .bind(t.last_step)
        .bind(t.created_at)
        .execute(&mut *conn)
        .await?;
    }
    for code in &sign_in.recovery_codes {
        sqlx::query("INSERT INTO recovery_codes (user_id, digest, used_at) VALUES ($1, $2, $3)")
            .bind(user)
            .bind(&code.digest)
            .bind(code.used_at)
            .execute(&mut *conn)
            .await?;
    }
    for key in &sign_in.passkeys {
        sqlx::query(
            "INSERT INTO passkeys (user_id, name, credential_id, credential, created_at, \
             last_used_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(user)
        .bind(&key.name)
        .bind(&key.credential_id)
        .bind(&key.credential)
        .bind(key.created_at)
        .bind(key.last_used_at)
        .execute(&mut *conn)
        .await?;
    }
    for identity in &sign_in.identities {
        sqlx::query(
            "INSERT INTO identities (user_id, provider, subject, email, created_at, \
             last_used_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(user)
        .bind(&identity.provider)
        .bind(&identity.subject)
        .bind(&identity.email)
        .bind(identity.created_at)
        .bind(identity.last_used_at)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
