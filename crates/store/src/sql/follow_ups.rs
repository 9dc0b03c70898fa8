//! Follow-ups: adding, listing, editing, completing (which may ask for a
//! loop-back) and dropping; completing and dropping can be undone.

use kith_core::follow_up::{FollowUpEdit, FollowUpStatus, Owner};
use kith_core::rules::loops;
use kith_core::undo::UndoKind;

use super::*;
use crate::{FollowUpFilter, Undoable};

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

pub(crate) async fn follow_up(pool: &Pool, user: UserId, id: FollowUpId) -> Result<FollowUp> {
    let mut conn = pool.acquire().await?;
    follow_up_in(&mut conn, user, id).await
}

/// Changes a follow-up's title, owner or due date (any status); a follow-up
/// that becomes theirs stops asking me to loop back.
pub(crate) async fn edit_follow_up(
    pool: &Pool,
    user: UserId,
    id: FollowUpId,
    edit: &FollowUpEdit,
) -> Result<FollowUp> {
    let mut tx = begin_write(pool).await?;
    lock_user(&mut tx, user).await?;
    let current = follow_up_in(&mut tx, user, id).await?;
    let owner = edit.owner.unwrap_or(current.owner);
    let title = edit.title.as_deref().unwrap_or(&current.title);
    let due_on = match &edit.due_on {
        Some(d) => *d,
        None => current.due_on,
    };
    sqlx::query(
        "UPDATE follow_ups SET title = $3, owner = $4, due_on = $5, loop_back = $6 \
         WHERE user_id = $1 AND id = $2",
    )
    .bind(user.0)
    .bind(id.0)
    .bind(title)
    .bind(owner.as_str())
    .bind(due_on.map(|d| d.to_string()))
    .bind(current.loop_back && owner == Owner::Me)
    .execute(&mut *tx)
    .await?;
    let edited = follow_up_in(&mut tx, user, id).await?;
    tx.commit().await?;
    Ok(edited)
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
///
/// The closing can be undone for a while: its before-image (the follow-up,
/// when it was closed, and the loop-back made) goes in `undo` in the same
/// transaction, and its id comes back third.
pub(crate) async fn close_follow_up(
    pool: &Pool,
    user: UserId,
    id: FollowUpId,
    status: FollowUpStatus,
    now: DateTime<Utc>,
) -> Result<(FollowUp, Option<FollowUp>, Undoable)> {
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
    let (kind, label) = match status {
        FollowUpStatus::Done => (UndoKind::Done, "Done"),
        _ => (UndoKind::Drop, "Dropped"),
    };
    let before = ClosedImage {
        follow_up: id.0,
        closed_at: from_time(now),
        loop_back: loop_back.as_ref().map(|l| l.id.0),
    };
    let undo = record_undo(
        &mut tx,
        user,
        kind,
        &format!("{label}: {} ({})", closed.title, closed.contact.name),
        &before.to_json(),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok((closed, loop_back, undo))
}
