//! Follow-ups: adding, listing, completing (which may ask for a loop-back) and dropping.

use kith_core::follow_up::FollowUpStatus;
use kith_core::rules::loops;

use super::*;
use crate::FollowUpFilter;

pub(crate) async fn add_follow_ups(
    pool: &Pool,
    user: UserId,
    records: &[FollowUpRecord],
) -> Result<Vec<FollowUpId>> {
    let mut tx = begin_write(pool).await?;
    let ids = insert_follow_ups(&mut tx, user, records).await?;
    tx.commit().await?;
    Ok(ids)
}

/// Inserts follow-ups after checking that every contact and conversation
/// they name is the user's; ids come back in input order.
pub(crate) async fn insert_follow_ups(
    conn: &mut Conn,
    user: UserId,
    records: &[FollowUpRecord],
) -> Result<Vec<FollowUpId>> {
    check_contacts(
        conn,
        user,
        records
            .iter()
            .flat_map(|r| [Some(r.follow_up.contact), r.follow_up.subject])
            .flatten(),
    )
    .await?;
    let conversations: HashSet<i64> = records
        .iter()
        .filter_map(|r| r.follow_up.conversation.map(|c| c.0))
        .collect();
    for id in &conversations {
        let mine: Option<i64> =
            sqlx::query_scalar("SELECT id FROM conversations WHERE user_id = $1 AND id = $2")
                .bind(user.0)
                .bind(*id)
                .fetch_optional(&mut *conn)
                .await?;
        if mine.is_none() {
            return Err(StoreError::not_found("conversation", id));
        }
    }
    for parent in records.iter().filter_map(|r| r.follow_up.parent) {
        let mine: Option<i64> =
            sqlx::query_scalar("SELECT id FROM follow_ups WHERE user_id = $1 AND id = $2")
                .bind(user.0)
                .bind(parent.0)
                .fetch_optional(&mut *conn)
                .await?;
        if mine.is_none() {
            return Err(StoreError::not_found("follow-up", parent));
        }
    }
    let mut ids = Vec::with_capacity(records.len());
    for chunk in records.chunks(CHUNK) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO follow_ups (user_id, contact_id, conversation_id, owner, kind, title, \
             due_on, loop_back, status, parent_id, subject_id, created_at, closed_at) ",
        );
        qb.push_values(chunk, |mut row, r| {
            let f = &r.follow_up;
            row.push_bind(user.0)
                .push_bind(f.contact.0)
                .push_bind(f.conversation.map(|c| c.0))
                .push_bind(f.owner.as_str())
                .push_bind(f.kind.as_str())
                .push_bind(f.title.as_str())
                .push_bind(f.due_on.map(|d| d.to_string()))
                .push_bind(f.loop_back)
                .push_bind(r.status.as_str())
                .push_bind(f.parent.map(|p| p.0))
                .push_bind(f.subject.map(|s| s.0))
                .push_bind(from_time(r.created_at))
                .push_bind(r.closed_at.map(from_time));
        });
        qb.push(" RETURNING id");
        // Identity values are drawn in VALUES order within one statement, so
        // sorting the returned ids restores the input order.
        let mut chunk_ids: Vec<i64> = qb.build_query_scalar().fetch_all(&mut *conn).await?;
        chunk_ids.sort_unstable();
        ids.extend(chunk_ids.into_iter().map(FollowUpId));
    }
    Ok(ids)
}

/// Follow-ups matching the filter: open ones by due date (undated last), closed ones newest first.
pub(crate) async fn follow_ups(
    pool: &Pool,
    user: UserId,
    filter: &FollowUpFilter,
) -> Result<Vec<FollowUp>> {
    let mut qb = QueryBuilder::<Db>::new(follow_up_select!());
    qb.push("WHERE f.user_id = ").push_bind(user.0);
    if let Some(contact) = filter.contact {
        qb.push(" AND f.contact_id = ").push_bind(contact.0);
    }
    if let Some(owner) = filter.owner {
        qb.push(" AND f.owner = ").push_bind(owner.as_str());
    }
    if filter.open_only {
        qb.push(" AND f.status = 'open' ORDER BY f.due_on IS NULL, f.due_on, f.id");
    } else {
        qb.push(
            " ORDER BY f.status = 'open' DESC, f.closed_at IS NULL DESC, f.closed_at DESC, \
             f.due_on IS NULL, f.due_on, f.id",
        );
    }
    let rows: Vec<FollowUpRow> = qb.build_query_as().fetch_all(pool).await?;
    rows.into_iter().map(FollowUpRow::into_follow_up).collect()
}

async fn follow_up_in(conn: &mut Conn, user: UserId, id: FollowUpId) -> Result<FollowUp> {
    let row: FollowUpRow = sqlx::query_as(concat!(
        follow_up_select!(),
        "WHERE f.user_id = $1 AND f.id = $2"
    ))
    .bind(user.0)
    .bind(id.0)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| StoreError::not_found("follow-up", id))?;
    row.into_follow_up()
}

/// Closes an open follow-up as done or dropped. Completing one of mine that
/// asked for a loop-back creates the loop-back, returned second.
///
/// Only an open follow-up changes (`WHERE status = 'open'`), and on
/// PostgreSQL the user's row is locked first, so of two closings at once
/// exactly one wins and the other waits, finds it closed and is a
/// `Conflict`, as on SQLite, whose writers take turns.
pub(crate) async fn close_follow_up(
    pool: &Pool,
    user: UserId,
    id: FollowUpId,
    status: FollowUpStatus,
    now: DateTime<Utc>,
) -> Result<(FollowUp, Option<FollowUp>)> {
    let mut tx = begin_write(pool).await?;
    lock_user(&mut tx, user).await?;
    let changed = sqlx::query(
        "UPDATE follow_ups SET status = $3, closed_at = $4 \
         WHERE user_id = $1 AND id = $2 AND status = $5",
    )
    .bind(user.0)
    .bind(id.0)
    .bind(status.as_str())
    .bind(from_time(now))
    .bind(FollowUpStatus::Open.as_str())
    .execute(&mut *tx)
    .await?;
    if changed.rows_affected() == 0 {
        let current = follow_up_in(&mut tx, user, id).await?;
        return Err(StoreError::Conflict(format!(
            "follow-up {id} is already {}",
            current.status
        )));
    }
    let closed = follow_up_in(&mut tx, user, id).await?;
    let loop_back = match loops::loop_back_for(&closed).filter(|_| status == FollowUpStatus::Done) {
        Some(new) => {
            let record = FollowUpRecord {
                follow_up: new,
                status: FollowUpStatus::Open,
                created_at: now,
                closed_at: None,
            };
            let ids = insert_follow_ups(&mut tx, user, &[record]).await?;
            Some(follow_up_in(&mut tx, user, ids[0]).await?)
        }
        None => None,
    };
    tx.commit().await?;
    Ok((closed, loop_back))
}
