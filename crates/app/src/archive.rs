//! A whole account as one JSON document: what `kith export json` writes,
//! the web's account download serves, and `kith import json` reads back.

use chrono::{DateTime, Utc};
use kith_core::ids::UserId;
use kith_store::Store;

use crate::error::AppError;

/// The whole account of `user` as the JSON document, exported at `now`.
pub async fn account_json(
    store: &Store,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let doc = store.export_account(user, now).await?;
    let mut text =
        serde_json::to_string_pretty(&doc).map_err(|e| AppError::Internal(Box::new(e)))?;
    text.push('\n');
    Ok(text)
}
