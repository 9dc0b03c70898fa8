//! Users of the instance and their settings.

use kith_core::user::SettingsPatch;

use super::*;
use crate::rows::user_columns;

pub(crate) async fn create_user(pool: &Pool, user: &NewUser, now: DateTime<Utc>) -> Result<User> {
    let mut conn = pool.acquire().await?;
    insert_user(&mut conn, user, now).await
}

pub(crate) async fn insert_user(
    conn: &mut Conn,
    user: &NewUser,
    now: DateTime<Utc>,
) -> Result<User> {
    let row: UserRow = sqlx::query_as(concat!(
        "INSERT INTO users (username, display_name, email, timezone, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING ",
        user_columns!()
    ))
    .bind(user.username.as_str())
    .bind(&user.display_name)
    .bind(user.email.as_ref().map(|e| e.as_str()))
    .bind(user.timezone.name())
    .bind(from_time(now))
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| match StoreError::from(e) {
        StoreError::Conflict(_) => StoreError::Conflict(format!(
            "a user named '{}' already exists",
            user.username.as_str()
        )),
        other => other,
    })?;
    Ok(row.into_user())
}

pub(crate) async fn users(pool: &Pool) -> Result<Vec<User>> {
    let rows: Vec<UserRow> = sqlx::query_as(concat!(
        "SELECT ",
        user_columns!(),
        " FROM users ORDER BY id"
    ))
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(UserRow::into_user).collect())
}

pub(crate) async fn update_settings(
    pool: &Pool,
    user: UserId,
    patch: &SettingsPatch,
) -> Result<User> {
    let mut tx = begin_write(pool).await?;
    let current: UserRow = sqlx::query_as(concat!(
        "SELECT ",
        user_columns!(),
        " FROM users WHERE id = $1"
    ))
    .bind(user.0)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| StoreError::not_found("user", user))?;
    let row: UserRow = sqlx::query_as(concat!(
        "UPDATE users SET display_name = $2, email = $3, timezone = $4, \
         default_cadence_days = $5, light_resets_clock = $6 WHERE id = $1 RETURNING ",
        user_columns!()
    ))
    .bind(user.0)
    .bind(patch.display_name.as_ref().unwrap_or(&current.display_name))
    .bind(match &patch.email {
        Some(email) => email.as_ref().map(|e| e.as_str().to_owned()),
        None => current.email,
    })
    .bind(
        patch
            .timezone
            .map_or(current.timezone, |z| z.name().to_owned()),
    )
    .bind(
        patch
            .default_cadence
            .map_or(current.default_cadence_days, |c| i64::from(c.days())),
    )
    .bind(
        patch
            .light_resets_clock
            .unwrap_or(current.light_resets_clock),
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(row.into_user())
}
