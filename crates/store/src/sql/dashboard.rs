//! Aggregates for the web dashboard.

use super::*;

/// Conversations per day since `since`, days counted from the Unix epoch in
/// a zone `offset` seconds east of UTC: at most one row per day.
pub(crate) async fn conversations_per_day(
    pool: &Pool,
    user: UserId,
    since: DateTime<Utc>,
    offset: i64,
) -> Result<Vec<(i64, i64)>> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT (occurred_at + $3) / 86400 AS day, COUNT(*) FROM conversations \
         WHERE user_id = $1 AND occurred_at >= $2 GROUP BY day ORDER BY day",
    )
    .bind(user.0)
    .bind(from_time(since))
    .bind(offset)
    .fetch_all(pool)
    .await?;
    Ok(rows)
}
