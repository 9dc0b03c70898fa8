//! Undo: each undoable action writes, in its own transaction, a row holding
//! a before-image of exactly what it changed; undoing checks that those
//! rows are still as the action left them and restores them in one
//! transaction, or refuses and changes nothing. Every statement is scoped
//! to the owner, so one user's undo id is another's "not found".

use kith_core::follow_up::FollowUpStatus;
use kith_core::ids::UndoId;
use kith_core::undo::{self, UndoKind};
use serde::{Deserialize, Serialize};

use super::*;
use crate::{Undoable, Undone};

/// What closing a follow-up changed: it, when, and the loop-back it made.
#[derive(Serialize, Deserialize)]
pub(crate) struct ClosedImage {
    pub follow_up: i64,
    pub closed_at: i64,
    pub loop_back: Option<i64>,
}

/// What archiving a contact changed: only its flag.
#[derive(Serialize, Deserialize)]
pub(crate) struct ArchivedImage {
    pub contact: i64,
}

pub(crate) trait Image: Serialize + for<'de> Deserialize<'de> {
    fn to_json(&self) -> String {
        serde_json::to_value(self)
            .map(|v| v.to_string())
            .unwrap_or_default()
    }
}
impl Image for ClosedImage {}
impl Image for ArchivedImage {}

fn read_image<T: Image>(text: &str, id: i64) -> Result<T> {
    serde_json::from_str(text)
        .map_err(|_| StoreError::Conflict(format!("undo {id} cannot be read; nothing was changed")))
}

/// Records an undoable action in the caller's transaction, after purging
/// the user's undo rows older than the window.
pub(crate) async fn record_undo(
    conn: &mut Conn,
    user: UserId,
    kind: UndoKind,
    label: &str,
    before: &str,
    now: DateTime<Utc>,
) -> Result<Undoable> {
    sqlx::query("DELETE FROM undo WHERE user_id = $1 AND created_at < $2")
        .bind(user.0)
        .bind(from_time(now - undo::window()))
        .execute(&mut *conn)
        .await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO undo (user_id, kind, label, before_image, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(user.0)
    .bind(kind.as_str())
    .bind(label)
    .bind(before)
    .bind(from_time(now))
    .fetch_one(&mut *conn)
    .await?;
    Ok(Undoable {
        id: UndoId(id),
        kind,
        label: label.to_owned(),
        at: to_time(from_time(now)),
    })
}

#[derive(sqlx::FromRow)]
struct UndoRow {
    id: i64,
    kind: String,
    label: String,
    before_image: String,
    created_at: i64,
    undone_at: Option<i64>,
}

impl UndoRow {
    fn undoable(&self) -> Result<Undoable> {
        Ok(Undoable {
            id: UndoId(self.id),
            kind: UndoKind::parse(&self.kind)
                .map_err(|e| StoreError::Conflict(format!("undo {}: {}", self.id, e.message)))?,
            label: self.label.clone(),
            at: to_time(self.created_at),
        })
    }
}

/// The user's actions that can still be undone at `now`, newest first.
pub(crate) async fn undoable(
    pool: &Pool,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<Vec<Undoable>> {
    let rows: Vec<UndoRow> = sqlx::query_as(
        "SELECT id, kind, label, before_image, created_at, undone_at FROM undo \
         WHERE user_id = $1 AND undone_at IS NULL AND created_at >= $2 \
         ORDER BY created_at DESC, id DESC",
    )
    .bind(user.0)
    .bind(from_time(now - undo::window()))
    .fetch_all(pool)
    .await?;
    rows.iter().map(UndoRow::undoable).collect()
}

/// Undoes one action (`None`: the user's most recent one still undoable),
/// in one transaction: refused, with nothing changed, when it was undone
/// already, is older than the window, or what it changed has been changed
/// again since.
pub(crate) async fn undo(
    pool: &Pool,
    user: UserId,
    id: Option<UndoId>,
    now: DateTime<Utc>,
) -> Result<Undone> {
    let mut tx = begin_write(pool).await?;
    lock_user(&mut tx, user).await?;
    let row: Option<UndoRow> = match id {
        Some(id) => {
            sqlx::query_as(
                "SELECT id, kind, label, before_image, created_at, undone_at FROM undo \
                 WHERE user_id = $1 AND id = $2",
            )
            .bind(user.0)
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?
        }
        None => {
            sqlx::query_as(
                "SELECT id, kind, label, before_image, created_at, undone_at FROM undo \
                 WHERE user_id = $1 AND undone_at IS NULL AND created_at >= $2 \
                 ORDER BY created_at DESC, id DESC LIMIT 1",
            )
            .bind(user.0)
            .bind(from_time(now - undo::window()))
            .fetch_optional(&mut *tx)
            .await?
        }
    };
    let Some(row) = row else {
        return Err(match id {
            Some(id) => StoreError::not_found(
                "undo",
                format!(
                    "{id} (an action can be undone for {} minutes)",
                    undo::WINDOW_MINUTES
                ),
            ),
            None => StoreError::not_found(
                "action to undo",
                format!("from the last {} minutes", undo::WINDOW_MINUTES),
            ),
        });
    };
    let action = row.undoable()?;
    if row.undone_at.is_some() {
        return Err(StoreError::Conflict(format!(
            "\"{}\" was undone already",
            row.label
        )));
    }
    if !undo::within_window(action.at, now) {
        return Err(StoreError::Conflict(format!(
            "too late to undo \"{}\": an action can be undone for {} minutes, and this was {} minutes ago",
            row.label,
            undo::WINDOW_MINUTES,
            (now - action.at).num_minutes()
        )));
    }
    match action.kind {
        UndoKind::Done | UndoKind::Drop => {
            let image: ClosedImage = read_image(&row.before_image, row.id)?;
            let status = if action.kind == UndoKind::Done {
                FollowUpStatus::Done
            } else {
                FollowUpStatus::Dropped
            };
            reopen(&mut tx, user, &image, status, &row.label).await?;
        }
        UndoKind::Archive => {
            let image: ArchivedImage = read_image(&row.before_image, row.id)?;
            unarchive(&mut tx, user, ContactId(image.contact), &row.label, now).await?;
        }
    }
    let marked = sqlx::query(
        "UPDATE undo SET undone_at = $3 WHERE user_id = $1 AND id = $2 AND undone_at IS NULL",
    )
    .bind(user.0)
    .bind(row.id)
    .bind(from_time(now))
    .execute(&mut *tx)
    .await?;
    if marked.rows_affected() != 1 {
        return Err(StoreError::Conflict(format!(
            "\"{}\" was undone already",
            row.label
        )));
    }
    tx.commit().await?;
    Ok(Undone {
        id: action.id,
        kind: action.kind,
        label: action.label,
    })
}

fn changed_since(label: &str, what: String) -> StoreError {
    StoreError::Conflict(format!(
        "cannot undo \"{label}\": {what} since; nothing was changed"
    ))
}

/// Opens a closed follow-up again, if it is still closed as the action
/// left it, and removes the loop-back the action made, if still open.
async fn reopen(
    conn: &mut Conn,
    user: UserId,
    image: &ClosedImage,
    status: FollowUpStatus,
    label: &str,
) -> Result<()> {
    let reopened = sqlx::query(
        "UPDATE follow_ups SET status = $5, closed_at = NULL \
         WHERE user_id = $1 AND id = $2 AND status = $3 AND closed_at = $4",
    )
    .bind(user.0)
    .bind(image.follow_up)
    .bind(status.as_str())
    .bind(image.closed_at)
    .bind(FollowUpStatus::Open.as_str())
    .execute(&mut *conn)
    .await?;
    if reopened.rows_affected() != 1 {
        return Err(changed_since(
            label,
            format!("follow-up {} has been changed or removed", image.follow_up),
        ));
    }
    if let Some(loop_back) = image.loop_back {
        let removed = sqlx::query(
            "DELETE FROM follow_ups \
             WHERE user_id = $1 AND id = $2 AND parent_id = $3 AND status = $4",
        )
        .bind(user.0)
        .bind(loop_back)
        .bind(image.follow_up)
        .bind(FollowUpStatus::Open.as_str())
        .execute(&mut *conn)
        .await?;
        if removed.rows_affected() != 1 {
            return Err(changed_since(
                label,
                format!("its loop-back {loop_back} has been closed or removed"),
            ));
        }
    }
    Ok(())
}

/// Brings an archived contact back, if it is still archived.
async fn unarchive(
    conn: &mut Conn,
    user: UserId,
    id: ContactId,
    label: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let archived: Option<bool> =
        sqlx::query_scalar("SELECT archived FROM contacts WHERE user_id = $1 AND id = $2")
            .bind(user.0)
            .bind(id.0)
            .fetch_optional(&mut *conn)
            .await?;
    match archived {
        Some(true) => {}
        Some(false) => {
            return Err(changed_since(
                label,
                format!("contact {id} has been unarchived"),
            ));
        }
        None => {
            return Err(changed_since(
                label,
                format!("contact {id} has been deleted"),
            ));
        }
    }
    let patch = ContactPatch {
        archived: Some(false),
        ..ContactPatch::default()
    };
    update_contact_in(conn, user, id, &patch, now).await?;
    Ok(())
}

/// Archives a contact; when it was not archived yet, the archiving can be
/// undone, and its undo id comes back.
pub(crate) async fn archive_contact(
    pool: &Pool,
    user: UserId,
    id: ContactId,
    now: DateTime<Utc>,
) -> Result<Option<Undoable>> {
    let mut tx = begin_write(pool).await?;
    lock_user(&mut tx, user).await?;
    let (archived, name): (bool, String) =
        sqlx::query_as("SELECT archived, full_name FROM contacts WHERE user_id = $1 AND id = $2")
            .bind(user.0)
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::not_found("contact", id))?;
    if archived {
        return Ok(None);
    }
    let patch = ContactPatch {
        archived: Some(true),
        ..ContactPatch::default()
    };
    update_contact_in(&mut tx, user, id, &patch, now).await?;
    let undo = record_undo(
        &mut tx,
        user,
        UndoKind::Archive,
        &format!("Archived {name}"),
        &ArchivedImage { contact: id.0 }.to_json(),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Some(undo))
}
