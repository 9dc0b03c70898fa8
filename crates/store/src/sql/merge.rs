//! Merging two contacts into one: the kept contact takes the other's card
//! fields it lacks and everything that points at the other (conversations,
//! follow-ups, goals, meetings, introductions, employments, imports), then
//! the other is deleted. A preview runs the same transaction and rolls back.

use kith_core::conversation::Channel;
use kith_core::rules::merge::merged_card;

use super::*;
use crate::MergeReport;

/// Moves `gone`'s rows that `keep` does not already have (by the table's
/// key) to `keep`; returns how many moved. `table` has `contact_id` and
/// `user_id`; `key` is the other column of its primary key.
async fn move_rows(
    tx: &mut Conn,
    user: UserId,
    table: &'static str,
    key: &'static str,
    keep: i64,
    gone: i64,
) -> Result<u64> {
    // Both names are constants of this module, never input.
    let done = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE {table} SET contact_id = $2 WHERE user_id = $1 AND contact_id = $3 \
         AND {key} NOT IN (SELECT {key} FROM {table} WHERE contact_id = $2)"
    )))
    .bind(user.0)
    .bind(keep)
    .bind(gone)
    .execute(&mut *tx)
    .await?;
    Ok(done.rows_affected())
}

pub(crate) async fn merge_contacts(
    pool: &Pool,
    user: UserId,
    keep: ContactId,
    gone: ContactId,
    apply: bool,
    card: Option<&str>,
    now: DateTime<Utc>,
) -> Result<MergeReport> {
    if keep == gone {
        return Err(StoreError::invalid(
            crate::Input::Merge,
            "cannot merge a contact with itself",
        ));
    }
    let mut tx = begin_write(pool).await?;
    lock_user(&mut tx, user).await?;
    let kept = contact_in(&mut tx, user, keep).await?;
    let other = contact_in(&mut tx, user, gone).await?;
    let (k, g) = (keep.0, gone.0);

    let mut patch = merged_card(&kept, &other);
    // Whoever introduced the merged contact introduced the person; the
    // kept contact cannot have introduced itself.
    let introducer = |c: &kith_core::contact::Contact| c.introduced_by.as_ref().map(|r| r.id);
    if introducer(&kept) == Some(gone) {
        patch.introduced_by = Some(introducer(&other).filter(|i| *i != keep));
    } else if introducer(&kept).is_none() {
        patch.introduced_by = introducer(&other).filter(|i| *i != keep).map(Some);
    }

    let mut report = MergeReport {
        kept: kept.name.clone(),
        gone: other.name.clone(),
        card: !patch.is_empty(),
        ..MergeReport::default()
    };
    move_history(&mut tx, user, k, g, &mut report).await?;
    if let Some(card) = card {
        sqlx::query("UPDATE contact_cards SET card = $3 WHERE user_id = $1 AND contact_id = $2")
            .bind(user.0)
            .bind(k)
            .bind(card)
            .execute(&mut *tx)
            .await?;
    }
    report.introductions = hand_over_introductions(&mut tx, user, k, g, now).await?;

    // The merged contact goes first, so the kept one can take its e-mails
    // and links without the two ever matching each other.
    delete_contact_in(&mut tx, user, g, now).await?;
    update_contact_in(&mut tx, user, keep, &patch, now).await?;
    refresh_activity(&mut tx, user, k).await?;

    if apply {
        tx.commit().await?;
    } else {
        tx.rollback().await?;
    }
    Ok(report)
}

/// Moves `gone`'s conversations, goals, meetings, follow-ups, employments,
/// import sources, stored card and events to `keep`, counting in `report`.
async fn move_history(
    tx: &mut Conn,
    user: UserId,
    k: i64,
    g: i64,
    report: &mut MergeReport,
) -> Result<()> {
    report.conversations = move_rows(
        &mut *tx,
        user,
        "conversation_participants",
        "conversation_id",
        k,
        g,
    )
    .await?;
    report.goals = move_rows(&mut *tx, user, "goal_contacts", "goal_id", k, g).await?;
    report.meetings = move_rows(&mut *tx, user, "meeting_attendees", "meeting_id", k, g).await?;
    // Each statement moves `gone`'s rows to `keep` ($1 user, $2 keep, $3 gone).
    let moves: [&'static str; 6] = [
        "UPDATE follow_ups SET contact_id = $2 WHERE user_id = $1 AND contact_id = $3",
        "UPDATE follow_ups SET subject_id = $2 WHERE user_id = $1 AND subject_id = $3",
        "UPDATE employments SET contact_id = $2 WHERE user_id = $1 AND contact_id = $3",
        // So a re-import of the merged contact's source lands on the kept one.
        "UPDATE import_sources SET contact_id = $2 WHERE user_id = $1 AND contact_id = $3",
        "UPDATE contact_cards SET contact_id = $2 WHERE user_id = $1 AND contact_id = $3 \
         AND NOT EXISTS (SELECT 1 FROM contact_cards WHERE contact_id = $2)",
        "UPDATE contact_events SET contact_id = $2 WHERE user_id = $1 AND contact_id = $3 \
         AND NOT EXISTS (SELECT 1 FROM contact_events e WHERE e.contact_id = $2 \
         AND e.kind = contact_events.kind AND e.occurred_on = contact_events.occurred_on)",
    ];
    for (i, sql) in moves.into_iter().enumerate() {
        let moved = sqlx::query(sql)
            .bind(user.0)
            .bind(k)
            .bind(g)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if i == 0 {
            report.follow_ups = moved;
        }
    }
    Ok(())
}

/// People the merged contact introduced were introduced by the kept one;
/// returns how many.
async fn hand_over_introductions(
    tx: &mut Conn,
    user: UserId,
    k: i64,
    g: i64,
    now: DateTime<Utc>,
) -> Result<u64> {
    let introduced: Vec<(i64, String, i64)> = sqlx::query_as(
        "UPDATE contacts SET introduced_by = $2, revision = revision + 1, updated_at = $4 \
         WHERE user_id = $1 AND introduced_by = $3 AND id <> $2 RETURNING id, uid, revision",
    )
    .bind(user.0)
    .bind(k)
    .bind(g)
    .bind(from_time(now))
    .fetch_all(&mut *tx)
    .await?;
    let changes: Vec<(i64, &str, i64)> = introduced
        .iter()
        .map(|(id, uid, revision)| (*id, uid.as_str(), *revision))
        .collect();
    record_changes(&mut *tx, user, &changes, false, now).await?;
    Ok(introduced.len() as u64)
}

/// Recomputes one contact's activity summary and ties from its
/// conversations (after they changed hands).
async fn refresh_activity(tx: &mut Conn, user: UserId, contact: i64) -> Result<()> {
    let talks: Vec<(i64, String)> = sqlx::query_as(
        "SELECT occurred_at, channel FROM conversation_participants \
         WHERE user_id = $1 AND contact_id = $2",
    )
    .bind(user.0)
    .bind(contact)
    .fetch_all(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM contact_activity WHERE user_id = $1 AND contact_id = $2")
        .bind(user.0)
        .bind(contact)
        .execute(&mut *tx)
        .await?;
    if !talks.is_empty() {
        let meaningful: Vec<i64> = talks
            .iter()
            .filter(|(_, c)| Channel::parse(c).is_ok_and(|c| c.is_meaningful()))
            .map(|(at, _)| *at)
            .collect();
        sqlx::query(
            "INSERT INTO contact_activity (contact_id, user_id, conversations, meaningful, \
             first_at, last_at, last_meaningful_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(contact)
        .bind(user.0)
        .bind(talks.len() as i64)
        .bind(meaningful.len() as i64)
        .bind(talks.iter().map(|t| t.0).min())
        .bind(talks.iter().map(|t| t.0).max())
        .bind(meaningful.iter().copied().max())
        .execute(&mut *tx)
        .await?;
    }

    sqlx::query(
        "DELETE FROM contact_ties WHERE user_id = $1 AND (contact_a = $2 OR contact_b = $2)",
    )
    .bind(user.0)
    .bind(contact)
    .execute(&mut *tx)
    .await?;
    let ties: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT o.contact_id, count(*), max(o.occurred_at) FROM conversation_participants p \
         JOIN conversation_participants o ON o.conversation_id = p.conversation_id \
         AND o.contact_id <> p.contact_id \
         WHERE p.user_id = $1 AND p.contact_id = $2 GROUP BY o.contact_id ORDER BY o.contact_id",
    )
    .bind(user.0)
    .bind(contact)
    .fetch_all(&mut *tx)
    .await?;
    for chunk in ties.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO contact_ties (user_id, contact_a, contact_b, conversations, last_at) ",
        );
        qb.push_values(chunk, |mut row, (other, count, at)| {
            row.push_bind(user.0)
                .push_bind(contact.min(*other))
                .push_bind(contact.max(*other))
                .push_bind(*count)
                .push_bind(*at);
        });
        qb.build().execute(&mut *tx).await?;
    }
    Ok(())
}
