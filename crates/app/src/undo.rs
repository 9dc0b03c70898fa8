//! Undo: taking back a done, drop or archive for a while
//! (`kith_core::undo::WINDOW_MINUTES`). The store keeps a before-image of
//! what each action changed and restores it in one transaction, or refuses
//! (`Conflict`) and changes nothing.

use chrono::{DateTime, Utc};
use kith_core::ids::UndoId;
use kith_core::user::User;
use kith_store::{Store, Undoable, Undone};

use crate::error::AppError;

pub use kith_core::undo::{UndoKind, WINDOW_MINUTES};

/// What the user can still undo, newest first.
pub async fn list(store: &Store, me: &User, now: DateTime<Utc>) -> Result<Vec<Undoable>, AppError> {
    Ok(store.undoable(me.id, now).await?)
}

/// Undoes `id`, or the user's most recent undoable action.
pub async fn undo(
    store: &Store,
    me: &User,
    now: DateTime<Utc>,
    id: Option<UndoId>,
) -> Result<Undone, AppError> {
    Ok(store.undo(me.id, id, now).await?)
}
