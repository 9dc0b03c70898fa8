//! Follow-ups: the "homework" that comes out of a conversation, on both sides.

use chrono::{DateTime, NaiveDate, Utc};

use crate::ValidationError;
use crate::contact::ContactRef;
use crate::ids::{ContactId, ConversationId, FollowUpId};

/// The most follow-ups one conversation creates (to-dos of mine, theirs and
/// introductions together).
pub const MAX_PER_CONVERSATION: usize = 50;

/// Refuses a conversation that would create more than
/// [`MAX_PER_CONVERSATION`] follow-ups.
pub fn check_per_conversation(count: usize) -> Result<(), ValidationError> {
    if count > MAX_PER_CONVERSATION {
        return Err(ValidationError::new(
            "follow-ups",
            format!(
                "at most {MAX_PER_CONVERSATION} to-dos and introductions from one conversation ({count} given)"
            ),
        ));
    }
    Ok(())
}

word_enum! {
    /// Who promised it.
    pub enum Owner ("owner") {
        Me = "me" | "mine",
        Them = "them" | "theirs",
    }
}

word_enum! {
    pub enum FollowUpKind ("follow-up kind") {
        /// Something to do ("read the book she recommended").
        Task = "task",
        /// An introduction promised or suggested ("reach out to Bob").
        Introduction = "introduction" | "intro",
        /// Report back to someone once my part is done ("tell Jane you read it").
        LoopBack = "loop-back" | "loopback",
    }
}

word_enum! {
    pub enum FollowUpStatus ("status") {
        Open = "open",
        Done = "done",
        Dropped = "dropped",
    }
}

/// A validated follow-up, ready to be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewFollowUp {
    pub contact: ContactId,
    pub conversation: Option<ConversationId>,
    pub owner: Owner,
    pub kind: FollowUpKind,
    pub title: String,
    pub due_on: Option<NaiveDate>,
    /// Completing it asks me to report back to the contact.
    pub loop_back: bool,
    /// The follow-up this one reports back on (for `LoopBack`).
    pub parent: Option<FollowUpId>,
    /// The person an introduction is about (for `Introduction`).
    pub subject: Option<ContactId>,
}

/// A change to a follow-up: `None` leaves a part alone; `due_on:
/// Some(None)` clears the date. A follow-up that becomes theirs no longer
/// asks me to loop back.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FollowUpEdit {
    pub title: Option<String>,
    pub owner: Option<Owner>,
    pub due_on: Option<Option<NaiveDate>>,
}

impl FollowUpEdit {
    pub fn is_empty(&self) -> bool {
        self.title.is_none() && self.owner.is_none() && self.due_on.is_none()
    }
}

/// A follow-up as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct FollowUp {
    pub id: FollowUpId,
    pub contact: ContactRef,
    pub conversation: Option<ConversationId>,
    pub owner: Owner,
    pub kind: FollowUpKind,
    pub title: String,
    pub due_on: Option<NaiveDate>,
    pub loop_back: bool,
    pub status: FollowUpStatus,
    pub parent: Option<FollowUpId>,
    pub subject: Option<ContactId>,
    pub created_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_conversation_creates_at_most_fifty_follow_ups() {
        assert!(check_per_conversation(MAX_PER_CONVERSATION).is_ok());
        let err = check_per_conversation(MAX_PER_CONVERSATION + 1).unwrap_err();
        assert_eq!(err.field, "follow-ups");
        assert_eq!(
            err.message,
            "at most 50 to-dos and introductions from one conversation (51 given)"
        );
    }
}
