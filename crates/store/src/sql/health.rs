//! Keeping the pool sound after a storage fault, and asking whether the
//! database takes writes.

use std::future::Future;
use std::pin::Pin;

use sqlx::Connection;
use sqlx::pool::PoolConnectionMetadata;

use super::*;

/// The pool's `after_release` check: a connection that is still inside a
/// transaction is closed instead of lent out again. That happens when a
/// COMMIT fails (a full disk): SQLite may already have rolled the
/// transaction back, the ROLLBACK sqlx then sends fails, and its count of
/// open transactions stays at one, so every later `BEGIN` on that
/// connection would fail. The ping first lets a rollback queued by a
/// dropped transaction run.
pub(crate) fn release_check(
    conn: &mut Conn,
    _meta: PoolConnectionMetadata,
) -> Pin<Box<dyn Future<Output = sqlx::Result<bool>> + Send + '_>> {
    Box::pin(async move {
        if conn.is_in_transaction() {
            conn.ping().await?;
        }
        Ok(!conn.is_in_transaction())
    })
}
