//! Follow-ups ("homework") outside a conversation: a title, whose it is,
//! when it is due, and whether to loop back once done.

use chrono::{DateTime, NaiveDate, Utc};
use kith_core::follow_up::{FollowUp, FollowUpEdit, FollowUpKind, NewFollowUp, Owner};
use kith_core::ids::FollowUpId;
use kith_core::user::User;
use kith_core::values::optional_text;
use kith_core::when::parse_date;
use kith_store::{FollowUpFilter, Store};

use crate::agenda::today;
use crate::error::{AppError, Field};
use crate::resolve::{self, Who};

/// A follow-up title (`field` says which input gave it): one line of text,
/// required.
pub fn title(field: Field, input: &str) -> Result<String, AppError> {
    let invalid = |message: &str| AppError::Invalid {
        field: field.clone(),
        message: message.into(),
    };
    match optional_text("title", Some(input), 500) {
        Ok(Some(t)) if !t.contains('\n') => Ok(t),
        Ok(Some(_)) => Err(invalid("must be a single line")),
        Ok(None) => Err(invalid("must not be empty")),
        Err(e) => Err(invalid(&e.message)),
    }
}

/// A due date as typed (`friday`, `2026-12-01`, `in 2 weeks`), read in the
/// user's zone.
pub fn due_on(
    input: Option<&str>,
    me: &User,
    now: DateTime<Utc>,
) -> Result<Option<NaiveDate>, AppError> {
    input
        .map(|by| {
            parse_date("by", by, today(now, me.timezone)).map_err(|e| AppError::Invalid {
                field: Field::DueBy,
                message: e.message,
            })
        })
        .transpose()
}

/// A follow-up to add.
#[derive(Debug, Clone)]
pub struct FollowUpInput {
    pub contact: Who,
    pub title: String,
    pub owner: Owner,
    /// When it is due, as typed.
    pub by: Option<String>,
    /// Ask me to report back once it is done (mine only).
    pub loop_back: bool,
}

/// Adds a follow-up outside a conversation; answers it as stored.
pub async fn add(
    store: &Store,
    me: &User,
    now: DateTime<Utc>,
    input: &FollowUpInput,
) -> Result<FollowUp, AppError> {
    let title = title(Field::FollowUpTitle, &input.title)?;
    let due_on = due_on(input.by.as_deref(), me, now)?;
    let contact = resolve::who(store, me.id, &input.contact, Field::Contact).await?;
    let new = NewFollowUp {
        contact: contact.id,
        conversation: None,
        owner: input.owner,
        kind: FollowUpKind::Task,
        title,
        due_on,
        loop_back: input.owner == Owner::Me && input.loop_back,
        parent: None,
        subject: None,
    };
    let id = store.add_follow_up(me.id, &new, now).await?;
    let filter = FollowUpFilter {
        contact: Some(contact.id),
        owner: None,
        open_only: true,
    };
    store
        .follow_ups(me.id, &filter)
        .await?
        .into_iter()
        .find(|f| f.id == id)
        .ok_or_else(|| AppError::Internal("the new follow-up is missing".into()))
}

/// A change to a follow-up, as typed: `None` leaves a part alone.
#[derive(Debug, Clone, Default)]
pub struct EditInput {
    pub title: Option<String>,
    pub owner: Option<Owner>,
    /// The new due date as typed; `Some(None)` (or an empty text) clears it.
    pub by: Option<Option<String>>,
}

/// Changes a follow-up's title, whose it is or its due date, with the same
/// rules as adding one; answers it as stored.
pub async fn edit(
    store: &Store,
    me: &User,
    now: DateTime<Utc>,
    id: FollowUpId,
    input: &EditInput,
) -> Result<FollowUp, AppError> {
    let title = input
        .title
        .as_deref()
        .map(|t| title(Field::FollowUpTitle, t))
        .transpose()?;
    let due_on = match &input.by {
        None => None,
        Some(by) => Some(due_on(
            by.as_deref().filter(|b| !b.trim().is_empty()),
            me,
            now,
        )?),
    };
    let edit = FollowUpEdit {
        title,
        owner: input.owner,
        due_on,
    };
    if edit.is_empty() {
        return Ok(store.follow_up(me.id, id).await?);
    }
    Ok(store.edit_follow_up(me.id, id, &edit).await?)
}
