//! The values the store takes and returns beyond the domain types: records
//! for bulk writes, filters, summaries, account data.

use chrono::{DateTime, NaiveDate, Utc};
use kith_core::contact::{ContactDraft, ContactRef, ContactSummary};
use kith_core::conversation::Conversation;
use kith_core::follow_up::{FollowUpStatus, NewFollowUp, Owner};
use kith_core::ids::{ContactId, ConversationId, FollowUpId, GoalId, UserId};
use kith_core::rules::goals::{Candidate, Connection};
use kith_core::values::{Cadence, ContactName};

/// The results of a full-text search.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchResults {
    pub contacts: Vec<ContactSummary>,
    pub conversations: Vec<Conversation>,
}

/// One entry of a user's contact change log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactChange {
    /// Position in the log; a sync token names the last position a client saw.
    pub seq: i64,
    pub contact: ContactId,
    pub uid: String,
    pub deleted: bool,
    pub revision: i64,
}

/// How much history there is with one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ContactStats {
    pub conversations: i64,
    pub first: Option<DateTime<Utc>>,
    pub last: Option<DateTime<Utc>>,
}

/// Everyone in the contact book as the goal and coverage rules see them, the
/// ties between them (introductions, shared conversations), and the name of
/// the user's own organisation.
#[derive(Debug, Clone, PartialEq)]
pub struct Network {
    pub candidates: Vec<Candidate>,
    pub connections: Vec<Connection>,
    pub my_organisation: Option<String>,
}

/// How much of the network to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NetworkScope {
    /// Only contacts at the user's own organisation (and ties among them).
    pub my_organisation_only: bool,
    /// Read notes too (a goal's skill is looked for in them).
    pub notes: bool,
}

/// What signing in as a user needs to know.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub user: UserId,
    /// Argon2id PHC string; `None` until a password is set.
    pub password_hash: Option<String>,
    pub disabled: bool,
    pub admin: bool,
}

/// Never prints the hash.
impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("user", &self.user)
            .field("has_password", &self.password_hash.is_some())
            .field("disabled", &self.disabled)
            .field("admin", &self.admin)
            .finish()
    }
}

/// What a token may be used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenScope {
    /// `Authorization: Bearer` on the JSON API (and MCP over HTTP).
    Api,
    /// The same, for reading only: the API refuses its writes and MCP offers
    /// it no tool that writes.
    ApiReadOnly,
    /// An app password for CardDAV clients.
    CardDav,
    /// The secret in a calendar feed's URL.
    Calendar,
}

impl TokenScope {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Api => "api",
            TokenScope::ApiReadOnly => "api-read",
            TokenScope::CardDav => "carddav",
            TokenScope::Calendar => "calendar",
        }
    }

    pub(crate) fn from_db(value: &str) -> Self {
        match value {
            "api-read" => TokenScope::ApiReadOnly,
            "carddav" => TokenScope::CardDav,
            "calendar" => TokenScope::Calendar,
            _ => TokenScope::Api,
        }
    }
}

/// A token as listed (its secret is never stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub scope: TokenScope,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// What else a logged conversation brings: follow-ups (their `conversation`
/// is set to the new one), names of people suggested as introductions, and
/// a goal it counts towards.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConversationExtras {
    pub follow_ups: Vec<NewFollowUp>,
    pub introductions: Vec<ContactName>,
    /// Count the conversation (and link its people) towards this goal.
    pub goal: Option<GoalId>,
}

/// What `log_conversation_with` wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedConversation {
    pub id: ConversationId,
    pub follow_ups: Vec<FollowUpId>,
    /// The introduced people, new stubs or existing contacts.
    pub introduced: Vec<ContactRef>,
}

/// An action that can still be undone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undoable {
    pub id: kith_core::ids::UndoId,
    pub kind: kith_core::undo::UndoKind,
    /// What it did, in words ("Done: send the deck (Jane Doe)").
    pub label: String,
    pub at: DateTime<Utc>,
}

/// An action undone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undone {
    pub id: kith_core::ids::UndoId,
    pub kind: kith_core::undo::UndoKind,
    pub label: String,
}

/// Which follow-ups to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FollowUpFilter {
    pub contact: Option<ContactId>,
    pub owner: Option<Owner>,
    pub open_only: bool,
}

/// A tag with how many contacts carry it and its keep-in-touch interval.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagSummary {
    pub name: String,
    pub contacts: i64,
    pub cadence: Option<Cadence>,
}

/// A contact brought in with its own creation time (imports, demo data).
#[derive(Debug, Clone, PartialEq)]
pub struct ContactRecord {
    pub draft: ContactDraft,
    pub created_at: DateTime<Utc>,
}

/// A follow-up brought in with its history (imports, demo data).
#[derive(Debug, Clone, PartialEq)]
pub struct FollowUpRecord {
    pub follow_up: NewFollowUp,
    pub status: FollowUpStatus,
    pub created_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// A stint at an organisation, for a contact or (with `contact: None`) the user.
#[derive(Debug, Clone, PartialEq)]
pub struct EmploymentRecord {
    pub contact: Option<ContactId>,
    pub organisation: String,
    pub title: Option<String>,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
}

/// Which meetings to list, in time order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MeetingFilter {
    /// Only meetings still going on or to come after this moment.
    pub ends_after: Option<DateTime<Utc>>,
    /// Only meetings that start before this moment.
    pub starts_before: Option<DateTime<Utc>>,
    pub include_cancelled: bool,
    /// Only meetings not logged as a conversation yet.
    pub unlogged_only: bool,
    /// Only meetings with this contact among the attendees.
    pub attendee: Option<ContactId>,
}

/// What merging one contact into another moved (or, previewed, would move).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergeReport {
    pub kept: String,
    pub gone: String,
    /// Whether the kept card took fields, e-mails, phones, links or tags.
    pub card: bool,
    /// Conversations, follow-ups, goal links and meetings that changed hands
    /// (ones both were in stay once).
    pub conversations: u64,
    pub follow_ups: u64,
    pub goals: u64,
    pub meetings: u64,
    /// Contacts the merged one had introduced.
    pub introductions: u64,
}
