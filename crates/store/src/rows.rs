//! Rows as the database returns them and their conversion to domain types.
//! The `FromRow` impls are generic over the row type, so both backends share them.

use chrono::{DateTime, NaiveDate, Utc};
use kith_core::contact::{Contact, ContactRef, ContactSummary, Organisation, StoredLink};
use kith_core::conversation::{Channel, Conversation, ConversationKind, Learning};
use kith_core::follow_up::{FollowUp, FollowUpKind, FollowUpStatus, Owner};
use kith_core::ids::{ContactId, ConversationId, FollowUpId, OrganisationId, UserId};
use kith_core::user::User;
use kith_core::values::{Cadence, TimeZone};

use crate::error::{Result, StoreError};

/// The keep-in-touch interval of a new user (the schema's default too).
pub(crate) const DEFAULT_CADENCE: Cadence = match Cadence::from_days(90) {
    Some(c) => c,
    None => unreachable!(),
};

pub(crate) fn to_time(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).unwrap_or_default()
}

pub(crate) fn from_time(at: DateTime<Utc>) -> i64 {
    at.timestamp()
}

pub(crate) fn to_date(text: Option<String>) -> Option<NaiveDate> {
    text.and_then(|t| NaiveDate::parse_from_str(&t, "%Y-%m-%d").ok())
}

/// A value the store wrote itself but cannot read back: the database was
/// edited by hand or by a newer Kith.
fn corrupt(what: &str, value: &str) -> StoreError {
    StoreError::Database(sqlx::Error::Decode(
        format!("unexpected {what} '{value}' in the database").into(),
    ))
}

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub timezone: String,
    pub default_cadence_days: i64,
    pub light_resets_clock: bool,
    pub created_at: i64,
    pub data_version: i64,
}

/// The columns a [`UserRow`] reads.
macro_rules! user_columns {
    () => {
        "id, username, display_name, email, timezone, default_cadence_days, light_resets_clock, created_at, data_version"
    };
    (u) => {
        "u.id, u.username, u.display_name, u.email, u.timezone, u.default_cadence_days, \
         u.light_resets_clock, u.created_at, u.data_version"
    };
}

/// A user found through one of their credentials (a session or a token):
/// the credential's row id and last use, and the user.
#[derive(sqlx::FromRow)]
pub(crate) struct CredentialUserRow {
    pub credential: i64,
    pub last_used: Option<i64>,
    #[sqlx(flatten)]
    pub user: UserRow,
}
pub(crate) use user_columns;

impl UserRow {
    pub fn into_user(self) -> User {
        User {
            id: UserId(self.id),
            username: self.username,
            display_name: self.display_name,
            email: self.email,
            timezone: TimeZone::parse(&self.timezone).unwrap_or(TimeZone::UTC),
            default_cadence: u32::try_from(self.default_cadence_days)
                .ok()
                .and_then(Cadence::from_days)
                .unwrap_or(DEFAULT_CADENCE),
            light_resets_clock: self.light_resets_clock,
            created_at: to_time(self.created_at),
            data_version: self.data_version,
        }
    }
}

/// The select list and joins that a [`ContactRow`] reads (a macro, because
/// sqlx takes only `&'static str` and `concat!` only literals).
macro_rules! contact_select {
    () => {
        "SELECT c.id, c.uid, c.full_name, c.given_name, c.family_name, c.nickname, \
         c.organisation_id, o.name AS organisation_name, o.is_mine AS organisation_is_mine, \
         c.title, c.function, c.industry, c.location, c.timezone, c.birthday, c.how_met, \
         c.introduced_by, i.full_name AS introducer_name, c.notes, c.cadence_days, \
         c.snoozed_until, c.archived, c.created_at, c.updated_at, c.revision \
         FROM contacts c \
         LEFT JOIN organisations o ON o.id = c.organisation_id \
         LEFT JOIN contacts i ON i.id = c.introduced_by "
    };
}
pub(crate) use contact_select;

#[derive(sqlx::FromRow, Clone)]
pub(crate) struct ContactRow {
    pub id: i64,
    pub uid: String,
    pub full_name: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub nickname: Option<String>,
    pub organisation_id: Option<i64>,
    pub organisation_name: Option<String>,
    pub organisation_is_mine: Option<bool>,
    pub title: Option<String>,
    pub function: Option<String>,
    pub industry: Option<String>,
    pub location: Option<String>,
    pub timezone: Option<String>,
    pub birthday: Option<String>,
    pub how_met: Option<String>,
    pub introduced_by: Option<i64>,
    pub introducer_name: Option<String>,
    pub notes: Option<String>,
    pub cadence_days: Option<i64>,
    pub snoozed_until: Option<i64>,
    pub archived: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub revision: i64,
}

/// The multi-valued parts of a contact, read separately.
#[derive(Default)]
pub(crate) struct ContactParts {
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub links: Vec<StoredLink>,
    pub tags: Vec<String>,
}

impl ContactRow {
    pub fn into_contact(self, parts: ContactParts) -> Contact {
        let organisation = match (self.organisation_id, self.organisation_name) {
            (Some(id), Some(name)) => Some(Organisation {
                id: OrganisationId(id),
                name,
                is_mine: self.organisation_is_mine.unwrap_or(false),
            }),
            _ => None,
        };
        let introduced_by = match (self.introduced_by, self.introducer_name) {
            (Some(id), Some(name)) => Some(ContactRef {
                id: ContactId(id),
                name,
            }),
            _ => None,
        };
        Contact {
            id: ContactId(self.id),
            uid: self.uid,
            name: self.full_name,
            given_name: self.given_name,
            family_name: self.family_name,
            nickname: self.nickname,
            emails: parts.emails,
            phones: parts.phones,
            links: parts.links,
            organisation,
            title: self.title,
            function: self.function,
            industry: self.industry,
            location: self.location,
            timezone: self.timezone,
            birthday: self.birthday,
            how_met: self.how_met,
            introduced_by,
            tags: parts.tags,
            notes: self.notes,
            cadence: self
                .cadence_days
                .and_then(|d| Cadence::from_days(u32::try_from(d).ok()?)),
            snoozed_until: self.snoozed_until.map(to_time),
            archived: self.archived,
            created_at: to_time(self.created_at),
            updated_at: to_time(self.updated_at),
            revision: self.revision,
        }
    }
}

/// The select list and join that a [`SummaryRow`] reads.
macro_rules! summary_select {
    () => {
        "SELECT c.id, c.full_name, o.name AS organisation_name, c.title, c.function, \
         c.archived FROM contacts c \
         LEFT JOIN organisations o ON o.id = c.organisation_id "
    };
}
pub(crate) use summary_select;

#[derive(sqlx::FromRow)]
pub(crate) struct SummaryRow {
    pub id: i64,
    pub full_name: String,
    pub organisation_name: Option<String>,
    pub title: Option<String>,
    pub function: Option<String>,
    pub archived: bool,
}

impl SummaryRow {
    pub fn into_summary(self, tags: Vec<String>) -> ContactSummary {
        ContactSummary {
            id: ContactId(self.id),
            name: self.full_name,
            organisation: self.organisation_name,
            title: self.title,
            function: self.function,
            tags,
            archived: self.archived,
        }
    }
}

/// The columns a [`ConversationRow`] reads, from `conversations cv`.
macro_rules! conversation_columns {
    () => {
        "cv.id, cv.uid, cv.occurred_at, cv.channel, cv.minutes, cv.summary, cv.kind"
    };
}
pub(crate) use conversation_columns;

#[derive(sqlx::FromRow)]
pub(crate) struct ConversationRow {
    pub id: i64,
    pub uid: String,
    pub occurred_at: i64,
    pub channel: String,
    pub minutes: Option<i64>,
    pub summary: String,
    pub kind: String,
}

impl ConversationRow {
    pub fn into_conversation(
        self,
        participants: Vec<ContactRef>,
        learned: Vec<Learning>,
    ) -> Result<Conversation> {
        Ok(Conversation {
            id: ConversationId(self.id),
            uid: self.uid,
            occurred_at: to_time(self.occurred_at),
            channel: Channel::parse(&self.channel)
                .map_err(|_| corrupt("channel", &self.channel))?,
            minutes: self.minutes.and_then(|m| u32::try_from(m).ok()),
            summary: self.summary,
            participants,
            kind: ConversationKind::parse(&self.kind).map_err(|_| corrupt("kind", &self.kind))?,
            learned,
        })
    }
}

/// The select list and join that a [`FollowUpRow`] reads.
macro_rules! follow_up_select {
    () => {
        "SELECT f.id, f.contact_id, c.full_name, f.conversation_id, f.owner, f.kind, f.title, \
         f.due_on, f.loop_back, f.status, f.parent_id, f.subject_id, f.created_at, f.closed_at \
         FROM follow_ups f JOIN contacts c ON c.id = f.contact_id "
    };
}
pub(crate) use follow_up_select;

#[derive(sqlx::FromRow)]
pub(crate) struct FollowUpRow {
    pub id: i64,
    pub contact_id: i64,
    pub full_name: String,
    pub conversation_id: Option<i64>,
    pub owner: String,
    pub kind: String,
    pub title: String,
    pub due_on: Option<String>,
    pub loop_back: bool,
    pub status: String,
    pub parent_id: Option<i64>,
    pub subject_id: Option<i64>,
    pub created_at: i64,
    pub closed_at: Option<i64>,
}

impl FollowUpRow {
    pub fn into_follow_up(self) -> Result<FollowUp> {
        Ok(FollowUp {
            id: FollowUpId(self.id),
            contact: ContactRef {
                id: ContactId(self.contact_id),
                name: self.full_name,
            },
            conversation: self.conversation_id.map(ConversationId),
            owner: Owner::parse(&self.owner).map_err(|_| corrupt("owner", &self.owner))?,
            kind: FollowUpKind::parse(&self.kind).map_err(|_| corrupt("kind", &self.kind))?,
            title: self.title,
            due_on: to_date(self.due_on),
            loop_back: self.loop_back,
            status: FollowUpStatus::parse(&self.status)
                .map_err(|_| corrupt("status", &self.status))?,
            parent: self.parent_id.map(FollowUpId),
            subject: self.subject_id.map(ContactId),
            created_at: to_time(self.created_at),
            closed_at: self.closed_at.map(to_time),
        })
    }
}
