//! Users of the instance.

use super::*;

pub(crate) async fn create_user(pool: &Pool, user: &NewUser, now: DateTime<Utc>) -> Result<User> {
    let row: UserRow = sqlx::query_as(
        "INSERT INTO users (username, display_name, email, timezone, created_at) \
         VALUES ($1, $2, $3, $4, $5) \
         RETURNING id, username, display_name, email, timezone, created_at",
    )
    .bind(user.username.as_str())
    .bind(&user.display_name)
    .bind(user.email.as_ref().map(|e| e.as_str()))
    .bind(user.timezone.name())
    .bind(from_time(now))
    .fetch_one(pool)
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
    let rows: Vec<UserRow> = sqlx::query_as(
        "SELECT id, username, display_name, email, timezone, created_at FROM users ORDER BY id",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(UserRow::into_user).collect())
}
