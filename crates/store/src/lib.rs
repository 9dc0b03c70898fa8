//! Kith's storage. One [`Store`] over two backends: an embedded SQLite file
//! (the default) or a PostgreSQL server, picked once from the database URL.
//!
//! The SQL that both dialects share is written once, in `sql/`, and compiled
//! twice: `sqlite.rs` and `postgres.rs` each load that folder as their own
//! module (`#[path]`) next to their dialect functions (migrations, transaction
//! start, full-text search). Each compiled copy works on concrete sqlx types,
//! so there are no generic database bounds and no `Any` driver.
//!
//! Invariant: every function takes the owning [`UserId`] and every statement
//! filters by it; a row of another user is indistinguishable from a missing one.

mod error;
mod location;
mod postgres;
mod records;
mod rows;
mod search;
mod snapshot;
mod sqlite;
#[cfg(feature = "testing")]
pub mod testing;

use chrono::{DateTime, Utc};
use kith_core::contact::{
    ArchivedFilter, Contact, ContactDraft, ContactFilter, ContactPatch, ContactRef, ContactSummary,
};
use kith_core::conversation::{Channel, Conversation, LearningKind, NewConversation};
use kith_core::follow_up::{FollowUp, FollowUpEdit, FollowUpStatus, NewFollowUp};
use kith_core::goal::{Goal, GoalStatus, NewGoal};
use kith_core::ids::GoalId;
use kith_core::ids::{ContactId, ConversationId, FollowUpId, UndoId, UserId};
use kith_core::rules::due::ContactFacts;
use kith_core::user::{NewUser, SettingsPatch, User};
use kith_core::values::{Cadence, TagName};

pub use error::{ContactList, Input, Result, StoreError};
pub use export::*;
pub use location::{Backend, Durability, Location};
pub use records::*;
pub use snapshot::*;

/// The store. Cheap to clone; all clones share one connection pool.
#[derive(Clone)]
pub struct Store {
    db: Db,
}

#[derive(Clone)]
enum Db {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

/// Calls the function of the same name in the backend module that matches.
macro_rules! dispatch {
    ($self:ident . $func:ident ( $($arg:expr),* $(,)? )) => {
        match &$self.db {
            Db::Sqlite(pool) => sqlite::$func(pool, $($arg),*).await,
            Db::Postgres(pool) => postgres::$func(pool, $($arg),*).await,
        }
    };
}

mod accounts;
mod dav;
mod export;
mod identities;
mod imports;
mod mail;
mod meetings;
mod passkeys;
mod second_factor;

pub use dav::{DavCard, DavChange, DavPut, DavRefusal, Precondition};
pub use identities::{Identity, OAuthFlow};
pub use imports::{ContactEvent, ImportOutcome, ImportRecord, ImportRun, Resemblance};
pub use mail::{
    Delivery, DigestState, DueDigest, MailKind, MailStatus, NewMail, OutboxEntry, OutgoingMail,
};
pub use passkeys::StoredPasskey;
pub use second_factor::{PendingPurpose, PendingSignin, SessionInfo, TotpFactor};

impl Store {
    /// Opens (creating if needed) the database and brings its schema up to
    /// date, with the default [`Durability`].
    pub async fn open(location: &Location) -> Result<Self> {
        Self::open_with(location, Durability::default()).await
    }

    /// [`Store::open`] with a chosen durability (SQLite files only).
    pub async fn open_with(location: &Location, durability: Durability) -> Result<Self> {
        let db = match location {
            Location::SqliteFile(path) => Db::Sqlite(sqlite::open(Some(path), durability).await?),
            Location::SqliteMemory => Db::Sqlite(sqlite::open(None, durability).await?),
            Location::Postgres(url) => Db::Postgres(postgres::open(url).await?),
        };
        Ok(Self { db })
    }

    pub fn backend(&self) -> Backend {
        match self.db {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Closes the pool, waiting for connections to finish (SQLite checkpoints the WAL).
    pub async fn close(&self) {
        match &self.db {
            Db::Sqlite(pool) => pool.close().await,
            Db::Postgres(pool) => pool.close().await,
        }
    }

    /// Commits a write that changes nothing, to learn whether the database
    /// takes writes now (`StoreError::CannotWrite` while its disk is full
    /// or it is read-only). For the health check.
    pub async fn check_writable(&self) -> Result<()> {
        dispatch!(self.check_writable())
    }

    /// Runs the backend's own consistency check (`PRAGMA integrity_check` on SQLite).
    pub async fn integrity_check(&self) -> Result<Vec<String>> {
        dispatch!(self.integrity_check())
    }

    // Users

    pub async fn create_user(&self, user: &NewUser, now: DateTime<Utc>) -> Result<User> {
        dispatch!(self.create_user(user, now))
    }

    pub async fn users(&self) -> Result<Vec<User>> {
        dispatch!(self.users())
    }

    pub async fn update_settings(&self, user: UserId, patch: &SettingsPatch) -> Result<User> {
        dispatch!(self.update_settings(user, patch))
    }

    // Contacts

    pub async fn add_contact(
        &self,
        user: UserId,
        draft: &ContactDraft,
        now: DateTime<Utc>,
    ) -> Result<ContactId> {
        let record = ContactRecord {
            draft: draft.clone(),
            created_at: now,
        };
        let ids = dispatch!(self.add_contacts(user, std::slice::from_ref(&record), now))?;
        Ok(ids[0])
    }

    /// Adds many contacts in one transaction; ids come back in input order.
    pub async fn add_contacts(
        &self,
        user: UserId,
        records: &[ContactRecord],
        now: DateTime<Utc>,
    ) -> Result<Vec<ContactId>> {
        dispatch!(self.add_contacts(user, records, now))
    }

    pub async fn update_contact(
        &self,
        user: UserId,
        id: ContactId,
        patch: &ContactPatch,
        now: DateTime<Utc>,
    ) -> Result<Contact> {
        dispatch!(self.update_contact(user, id, patch, now))?;
        self.contact(user, id).await
    }

    pub async fn contact(&self, user: UserId, id: ContactId) -> Result<Contact> {
        dispatch!(self.contact(user, id))
    }

    /// Contacts whose name contains `fragment` (case-insensitive), best first:
    /// an exact name, then names starting with it, then the rest by name.
    pub async fn find_contacts(
        &self,
        user: UserId,
        fragment: &str,
        limit: u32,
    ) -> Result<Vec<ContactRef>> {
        dispatch!(self.find_contacts(user, fragment, limit))
    }

    /// One page of contacts in name order, after the contact `after`.
    pub async fn list_contacts(
        &self,
        user: UserId,
        filter: &ContactFilter,
        after: Option<ContactId>,
        limit: u32,
    ) -> Result<Vec<ContactSummary>> {
        dispatch!(self.list_contacts(user, filter, after, limit))
    }

    /// Summaries of the given contacts, in the order of `ids`; others' ids are skipped.
    pub async fn contact_summaries(
        &self,
        user: UserId,
        ids: &[ContactId],
    ) -> Result<Vec<ContactSummary>> {
        dispatch!(self.contact_summaries(user, ids))
    }

    pub async fn count_contacts(&self, user: UserId, archived: ArchivedFilter) -> Result<i64> {
        dispatch!(self.count_contacts(user, archived))
    }

    /// People this contact introduced to the user.
    pub async fn introduced_by(&self, user: UserId, id: ContactId) -> Result<Vec<ContactRef>> {
        dispatch!(self.introduced_by(user, id))
    }

    pub async fn contact_stats(&self, user: UserId, id: ContactId) -> Result<ContactStats> {
        dispatch!(self.contact_stats(user, id))
    }

    /// Merges `gone` into `keep` (one transaction): the kept card takes the
    /// fields it lacks and the other's e-mails, phones, links and tags; every
    /// conversation, follow-up, goal link, meeting, introduction, employment
    /// and import record of `gone` moves to `keep`; then `gone` is deleted.
    /// With `apply` false nothing changes and the report says what would.
    /// `card` is the stored vCard the kept contact ends with when both had
    /// one (`kith_interop::vcard::merge_cards`); otherwise the kept
    /// contact's card, or the other's if it had none, stays.
    pub async fn merge_contacts(
        &self,
        user: UserId,
        keep: ContactId,
        gone: ContactId,
        apply: bool,
        card: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<MergeReport> {
        dispatch!(self.merge_contacts(user, keep, gone, apply, card, now))
    }

    /// Deletes a contact for good (a `delete` in the change log, so synced
    /// devices drop the card); conversations nobody else was in go too.
    pub async fn delete_contact(
        &self,
        user: UserId,
        id: ContactId,
        now: DateTime<Utc>,
    ) -> Result<()> {
        dispatch!(self.delete_contact(user, id, now))
    }

    /// Sets who introduced whom, as (contact, introducer) pairs.
    pub async fn set_introducers(
        &self,
        user: UserId,
        pairs: &[(ContactId, ContactId)],
        now: DateTime<Utc>,
    ) -> Result<()> {
        dispatch!(self.set_introducers(user, pairs, now))
    }

    /// Marks an organisation as the user's own (creating it if needed).
    pub async fn set_my_organisation(
        &self,
        user: UserId,
        name: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        dispatch!(self.set_my_organisation(user, name, now))
    }

    pub async fn add_employments(
        &self,
        user: UserId,
        records: &[EmploymentRecord],
        now: DateTime<Utc>,
    ) -> Result<()> {
        dispatch!(self.add_employments(user, records, now))
    }

    /// Changes after position `since` in the user's contact change log, and the
    /// newest position.
    pub async fn contact_changes(
        &self,
        user: UserId,
        since: i64,
    ) -> Result<(Vec<ContactChange>, i64)> {
        dispatch!(self.contact_changes(user, since))
    }

    // Conversations

    pub async fn log_conversation(
        &self,
        user: UserId,
        conversation: &NewConversation,
        now: DateTime<Utc>,
    ) -> Result<ConversationId> {
        let ids = dispatch!(self.log_conversations(user, std::slice::from_ref(conversation), now))?;
        Ok(ids[0])
    }

    /// Logs a conversation with its follow-ups and introductions, atomically.
    pub async fn log_conversation_with(
        &self,
        user: UserId,
        conversation: &NewConversation,
        extras: &ConversationExtras,
        now: DateTime<Utc>,
    ) -> Result<LoggedConversation> {
        dispatch!(self.log_conversation_with(user, conversation, extras, now))
    }

    /// Logs many conversations in one transaction; ids come back in input order.
    pub async fn log_conversations(
        &self,
        user: UserId,
        conversations: &[NewConversation],
        now: DateTime<Utc>,
    ) -> Result<Vec<ConversationId>> {
        dispatch!(self.log_conversations(user, conversations, now))
    }

    pub async fn conversation(&self, user: UserId, id: ConversationId) -> Result<Conversation> {
        dispatch!(self.conversation(user, id))
    }

    /// The most recent conversations with a contact, newest first.
    pub async fn conversations_with(
        &self,
        user: UserId,
        contact: ContactId,
        limit: u32,
    ) -> Result<Vec<Conversation>> {
        dispatch!(self.conversations_with(user, contact, limit))
    }

    // Follow-ups

    pub async fn add_follow_up(
        &self,
        user: UserId,
        follow_up: &NewFollowUp,
        now: DateTime<Utc>,
    ) -> Result<FollowUpId> {
        let record = FollowUpRecord {
            follow_up: follow_up.clone(),
            status: FollowUpStatus::Open,
            created_at: now,
            closed_at: None,
        };
        let ids = dispatch!(self.add_follow_ups(user, std::slice::from_ref(&record)))?;
        Ok(ids[0])
    }

    pub async fn add_follow_ups(
        &self,
        user: UserId,
        records: &[FollowUpRecord],
    ) -> Result<Vec<FollowUpId>> {
        dispatch!(self.add_follow_ups(user, records))
    }

    /// Open follow-ups with one contact, due first.
    pub async fn open_follow_ups_with(
        &self,
        user: UserId,
        contact: ContactId,
    ) -> Result<Vec<FollowUp>> {
        let filter = FollowUpFilter {
            contact: Some(contact),
            owner: None,
            open_only: true,
        };
        self.follow_ups(user, &filter).await
    }

    /// Follow-ups matching the filter: open ones by due date, then closed ones newest first.
    pub async fn follow_ups(&self, user: UserId, filter: &FollowUpFilter) -> Result<Vec<FollowUp>> {
        dispatch!(self.follow_ups(user, filter))
    }

    /// Marks an open follow-up done. When it was mine and asked for a
    /// loop-back, the loop-back it creates comes back second.
    pub async fn complete_follow_up(
        &self,
        user: UserId,
        id: FollowUpId,
        now: DateTime<Utc>,
    ) -> Result<(FollowUp, Option<FollowUp>)> {
        let (done, loop_back, _) = self.complete_follow_up_undoable(user, id, now).await?;
        Ok((done, loop_back))
    }

    /// [`Store::complete_follow_up`], with the id that undoes it for a
    /// while ([`Store::undo`]).
    pub async fn complete_follow_up_undoable(
        &self,
        user: UserId,
        id: FollowUpId,
        now: DateTime<Utc>,
    ) -> Result<(FollowUp, Option<FollowUp>, Undoable)> {
        dispatch!(self.close_follow_up(user, id, FollowUpStatus::Done, now))
    }

    /// Drops an open follow-up (it will not be done, and asks for nothing).
    pub async fn drop_follow_up(
        &self,
        user: UserId,
        id: FollowUpId,
        now: DateTime<Utc>,
    ) -> Result<FollowUp> {
        let (dropped, _) = self.drop_follow_up_undoable(user, id, now).await?;
        Ok(dropped)
    }

    /// [`Store::drop_follow_up`], with the id that undoes it for a while.
    pub async fn drop_follow_up_undoable(
        &self,
        user: UserId,
        id: FollowUpId,
        now: DateTime<Utc>,
    ) -> Result<(FollowUp, Undoable)> {
        let (dropped, _, undo) =
            dispatch!(self.close_follow_up(user, id, FollowUpStatus::Dropped, now))?;
        Ok((dropped, undo))
    }

    /// One follow-up, whatever its status.
    pub async fn follow_up(&self, user: UserId, id: FollowUpId) -> Result<FollowUp> {
        dispatch!(self.follow_up(user, id))
    }

    /// Changes a follow-up's title, owner or due date.
    pub async fn edit_follow_up(
        &self,
        user: UserId,
        id: FollowUpId,
        edit: &FollowUpEdit,
    ) -> Result<FollowUp> {
        dispatch!(self.edit_follow_up(user, id, edit))
    }

    // Undo

    /// Archives a contact. When it was not archived already, the archiving
    /// can be undone for a while, with the id that comes back.
    pub async fn archive_contact(
        &self,
        user: UserId,
        id: ContactId,
        now: DateTime<Utc>,
    ) -> Result<Option<Undoable>> {
        dispatch!(self.archive_contact(user, id, now))
    }

    /// The user's actions that can still be undone at `now`, newest first.
    pub async fn undoable(&self, user: UserId, now: DateTime<Utc>) -> Result<Vec<Undoable>> {
        dispatch!(self.undoable(user, now))
    }

    /// Undoes the user's action `id` (`None`: the most recent one still
    /// undoable) in one transaction. A `Conflict` when it was undone
    /// already, is older than `kith_core::undo::WINDOW_MINUTES`, or what it
    /// changed has changed again since; nothing changes then.
    pub async fn undo(
        &self,
        user: UserId,
        id: Option<UndoId>,
        now: DateTime<Utc>,
    ) -> Result<Undone> {
        dispatch!(self.undo(user, id, now))
    }

    // Goals

    /// Adds a goal (`status` and `created_at` are for imports and demo data).
    pub async fn add_goal(
        &self,
        user: UserId,
        goal: &NewGoal,
        status: GoalStatus,
        created_at: DateTime<Utc>,
    ) -> Result<GoalId> {
        dispatch!(self.add_goal(user, goal, status, created_at))
    }

    /// Goals with their number of linked conversations; closed ones if asked.
    pub async fn goals(&self, user: UserId, include_closed: bool) -> Result<Vec<(Goal, u32)>> {
        dispatch!(self.goals(user, include_closed))
    }

    /// One goal with its number of linked conversations.
    pub async fn goal(&self, user: UserId, id: GoalId) -> Result<(Goal, u32)> {
        dispatch!(self.goal(user, id))
    }

    pub async fn set_goal_status(
        &self,
        user: UserId,
        id: GoalId,
        status: GoalStatus,
        now: DateTime<Utc>,
    ) -> Result<()> {
        dispatch!(self.set_goal_status(user, id, status, now))
    }

    /// Links contacts and conversations (and their participants) to a goal.
    pub async fn link_goal(
        &self,
        user: UserId,
        goal: GoalId,
        contacts: &[ContactId],
        conversations: &[ConversationId],
    ) -> Result<()> {
        dispatch!(self.link_goal(user, goal, contacts, conversations))
    }

    pub async fn goal_contacts(&self, user: UserId, goal: GoalId) -> Result<Vec<ContactRef>> {
        dispatch!(self.goal_contacts(user, goal))
    }

    pub async fn goal_conversations(
        &self,
        user: UserId,
        goal: GoalId,
        limit: u32,
    ) -> Result<Vec<Conversation>> {
        dispatch!(self.goal_conversations(user, goal, limit))
    }

    /// (kind, text, who said it) for everything learned in the goal's conversations.
    pub async fn goal_learnings(
        &self,
        user: UserId,
        goal: GoalId,
    ) -> Result<Vec<(LearningKind, String, String)>> {
        dispatch!(self.goal_learnings(user, goal))
    }

    /// The contact book (or the part of it at the user's organisation) as
    /// the goal and coverage rules see it.
    pub async fn network(&self, user: UserId, scope: NetworkScope) -> Result<Network> {
        dispatch!(self.network(user, scope))
    }

    // Keeping in touch

    /// What the keep-in-touch rules need about every active contact (or about
    /// one contact, archived or not), read in a few queries.
    pub async fn contact_facts(
        &self,
        user: UserId,
        contact: Option<ContactId>,
        now: DateTime<Utc>,
    ) -> Result<Vec<ContactFacts>> {
        dispatch!(self.contact_facts(user, contact, now))
    }

    /// When and on which channel the user talked with a contact since `since`.
    pub async fn conversation_channels(
        &self,
        user: UserId,
        contact: ContactId,
        since: DateTime<Utc>,
    ) -> Result<Vec<(DateTime<Utc>, Channel)>> {
        dispatch!(self.conversation_channels(user, contact, since))
    }

    /// Keeps a contact out of the due list until `until`; `None` wakes it.
    pub async fn set_snooze(
        &self,
        user: UserId,
        contact: ContactId,
        until: Option<DateTime<Utc>>,
    ) -> Result<()> {
        dispatch!(self.set_snooze(user, contact, until))
    }

    pub async fn tags(&self, user: UserId) -> Result<Vec<TagSummary>> {
        dispatch!(self.tags(user))
    }

    /// Sets (or removes) the keep-in-touch interval of a tag.
    pub async fn set_tag_cadence(
        &self,
        user: UserId,
        tag: &TagName,
        cadence: Option<Cadence>,
    ) -> Result<()> {
        dispatch!(self.set_tag_cadence(user, tag, cadence))
    }

    // Search

    /// Full-text search over contacts (names, organisation, title, e-mails,
    /// tags, notes) and conversation summaries.
    /// Conversations per calendar day (in a zone `offset` seconds east of
    /// UTC) since `since`, as (days since 1970-01-01, count), oldest first.
    pub async fn conversations_per_day(
        &self,
        user: UserId,
        since: DateTime<Utc>,
        offset: i64,
    ) -> Result<Vec<(i64, i64)>> {
        dispatch!(self.conversations_per_day(user, since, offset))
    }

    /// The contacts a search finds, best first, without the conversations
    /// (searching those costs more than the contacts at the reference size).
    pub async fn search_contacts(
        &self,
        user: UserId,
        query: &str,
        limit: u32,
    ) -> Result<Vec<ContactSummary>> {
        let terms = search::terms(query)?;
        dispatch!(self.search_contacts(user, &terms, limit))
    }

    pub async fn search(&self, user: UserId, query: &str, limit: u32) -> Result<SearchResults> {
        let terms = search::terms(query)?;
        let contacts = dispatch!(self.search_contacts(user, &terms, limit))?;
        let conversations = dispatch!(self.search_conversations(user, &terms, limit))?;
        Ok(SearchResults {
            contacts,
            conversations,
        })
    }
}

fn new_uid() -> String {
    uuid::Uuid::new_v4().to_string()
}
