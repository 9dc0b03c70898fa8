//! A whole account as one JSON document (`kith export json`), and back
//! (`kith import json`), and every account of an instance as one backup
//! document (`kith backup` on PostgreSQL).
//!
//! The document mirrors what the store keeps, table by table, with the
//! store's ids; references between records use them. Derived data is left
//! out: the participants' copies of a conversation's time and channel,
//! `contact_activity`, `contact_ties`, the search documents and the
//! `contact_changes` log are all recomputed on import by the code the
//! ordinary write paths use. Sessions, tokens and sign-in failures are
//! server state, not account data, and are never exported.
//!
//! Table by table (migrations 0001-0006):
//! - exported: `users` (profile and settings: display name, e-mail, zone,
//!   default rhythm, light-resets-clock, Jitsi server), `organisations`,
//!   `tags`, `contacts`, `contact_emails`/`_phones`/`_links` (in position
//!   order), `contact_tags` (by name), `employments` (the user's own at the
//!   top, the contacts' in each contact), `contact_cards`, `contact_events`,
//!   `import_sources`, `conversations`, `conversation_participants` (contact
//!   ids), `conversation_learnings`, `follow_ups`, `goals`,
//!   `goal_contacts`/`goal_conversations`, `meetings`, `meeting_attendees`,
//!   `outreach_blocks`;
//! - derived, rebuilt on import: `contact_activity`, `contact_ties`,
//!   `contact_search`/`conversation_search`, the participants' copies of
//!   `occurred_at`/`channel`, `contacts.sort_key`, the e-mail and phone
//!   keys, `organisations.name_key`, `users.data_version` (triggers), and
//!   `contact_changes` (one "put" per imported contact);
//! - sign-in, only in an [`InstanceBackup`] (an account export is the
//!   user's data, not a key to their account): the sign-in columns of
//!   `users` (username, password hash, admin, disabled), `totp_factors`,
//!   `recovery_codes`, `passkeys`, `identities` (migrations 0010-0012);
//! - server state, never exported: `sessions`, `api_tokens`,
//!   `login_failures`, `pending_signins`, `oauth_flows`,
//!   `webauthn_ceremonies`, `outbox` and the digest's schedule (the
//!   settings are exported), `undo` (migration 0015: at most 30 minutes
//!   of before-images), `_sqlx_migrations`.
//!
//! Times are whole seconds since the Unix epoch (UTC), as stored, so the
//! round trip is exact; calendar dates are `YYYY-MM-DD`.
//!
//! An import into an empty account inserts every list in file order, so ids
//! come out in the same relative order: [`AccountExport::comparable`]
//! renumbers ids by position, and a second export of the imported account is
//! `comparable`-equal to the first.

use chrono::{DateTime, Utc};
use kith_core::ids::UserId;
use serde::{Deserialize, Serialize};

use crate::{Db, Result, Store, StoreError, postgres, sqlite};

mod backup;
mod comparable;
mod validate;

/// The version of [`AccountExport`] this Kith writes and reads.
pub const EXPORT_VERSION: u32 = 1;
/// The version of [`InstanceBackup`] this Kith writes and reads.
pub const BACKUP_VERSION: u32 = 1;

/// One user's whole account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountExport {
    /// The schema version: [`EXPORT_VERSION`].
    pub kith_export: u32,
    /// When the export was written (RFC 3339, UTC).
    pub exported_at: String,
    pub user: ExportedSettings,
    pub organisations: Vec<ExportedOrganisation>,
    pub tags: Vec<ExportedTag>,
    pub contacts: Vec<ExportedContact>,
    /// The user's own organisation history.
    pub employments: Vec<ExportedEmployment>,
    pub conversations: Vec<ExportedConversation>,
    pub follow_ups: Vec<ExportedFollowUp>,
    pub goals: Vec<ExportedGoal>,
    pub meetings: Vec<ExportedMeeting>,
    pub outreach_blocks: Vec<ExportedBlock>,
}

/// The user's profile and settings (not the sign-in name or password).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[serde(deny_unknown_fields)]
pub struct ExportedSettings {
    pub display_name: String,
    pub email: Option<String>,
    pub timezone: String,
    pub default_cadence_days: i64,
    pub light_resets_clock: bool,
    pub jitsi_base_url: Option<String>,
    /// The e-mail digest's settings, once the user has saved any.
    #[sqlx(skip)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<ExportedDigest>,
}

/// The e-mail digest's settings (when it is next due follows from them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportedDigest {
    pub enabled: bool,
    /// `mon` … `sun`.
    pub days: Vec<String>,
    /// Local time of day, `HH:MM`.
    pub at: String,
    pub address: Option<String>,
}

impl ExportedDigest {
    pub(crate) fn from_settings(s: &kith_core::digest::DigestSettings) -> Self {
        Self {
            enabled: s.enabled,
            days: s.days.names(),
            at: s.at.format("%H:%M").to_string(),
            address: s.address.as_ref().map(|a| a.as_str().to_owned()),
        }
    }

    /// The settings, or the JSON path of the first problem.
    pub(crate) fn settings(&self) -> Result<kith_core::digest::DigestSettings> {
        let field = |f: &str| format!("user.digest.{f}");
        let days = kith_core::outreach::Weekdays::parse(&self.days.join(","))
            .map_err(|e| invalid(field("days"), e.message))?;
        let at = kith_core::outreach::parse_time("at", &self.at)
            .map_err(|e| invalid(field("at"), e.message))?;
        let address = self
            .address
            .as_deref()
            .map(kith_core::values::Email::parse)
            .transpose()
            .map_err(|e| invalid(field("address"), e.message))?;
        Ok(kith_core::digest::DigestSettings {
            enabled: self.enabled,
            days,
            at,
            address,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[serde(deny_unknown_fields)]
pub struct ExportedOrganisation {
    pub id: i64,
    pub name: String,
    pub is_mine: bool,
    pub industry: Option<String>,
    pub created_at: i64,
}

/// A tag and its keep-in-touch interval; contacts name their tags.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[serde(deny_unknown_fields)]
pub struct ExportedTag {
    pub id: i64,
    pub name: String,
    pub cadence_days: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[serde(deny_unknown_fields)]
pub struct ExportedContact {
    pub id: i64,
    pub uid: String,
    pub name: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub nickname: Option<String>,
    pub organisation_id: Option<i64>,
    pub title: Option<String>,
    pub function: Option<String>,
    pub industry: Option<String>,
    pub location: Option<String>,
    pub timezone: Option<String>,
    pub birthday: Option<String>,
    pub how_met: Option<String>,
    pub introduced_by: Option<i64>,
    pub notes: Option<String>,
    pub cadence_days: Option<i64>,
    pub snoozed_until: Option<i64>,
    pub archived: bool,
    pub created_at: i64,
    pub updated_at: i64,
    /// The card's revision (its ETag).
    pub revision: i64,
    /// The resource name a CardDAV client gave the card, when not the default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dav_name: Option<String>,
    #[sqlx(skip)]
    pub emails: Vec<String>,
    #[sqlx(skip)]
    pub phones: Vec<String>,
    #[sqlx(skip)]
    pub links: Vec<ExportedLink>,
    /// Tag names, sorted.
    #[sqlx(skip)]
    pub tags: Vec<String>,
    #[sqlx(skip)]
    pub employments: Vec<ExportedEmployment>,
    /// The original vCard the contact was imported from.
    #[sqlx(skip)]
    pub card: Option<String>,
    #[sqlx(skip)]
    pub events: Vec<ExportedEvent>,
    #[sqlx(skip)]
    pub import_sources: Vec<ExportedSource>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportedLink {
    pub url: String,
    pub kind: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportedEmployment {
    pub organisation_id: i64,
    pub title: Option<String>,
    pub started_on: Option<String>,
    pub ended_on: Option<String>,
}

/// A dated timeline entry that is not a conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportedEvent {
    pub occurred_on: String,
    pub kind: String,
}

/// Where an imported record went, so that re-importing the same file stays a no-op.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportedSource {
    pub source: String,
    pub key: String,
    pub fingerprint: String,
    pub imported_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[serde(deny_unknown_fields)]
pub struct ExportedConversation {
    pub id: i64,
    pub uid: String,
    pub occurred_at: i64,
    pub channel: String,
    pub minutes: Option<i64>,
    pub summary: String,
    pub kind: String,
    pub meeting_id: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    /// Contact ids, ascending.
    #[sqlx(skip)]
    pub participants: Vec<i64>,
    #[sqlx(skip)]
    pub learnings: Vec<ExportedLearning>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportedLearning {
    pub kind: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[serde(deny_unknown_fields)]
pub struct ExportedFollowUp {
    pub id: i64,
    pub contact_id: i64,
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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[serde(deny_unknown_fields)]
pub struct ExportedGoal {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub industry: Option<String>,
    pub function: Option<String>,
    pub company: Option<String>,
    pub skill: Option<String>,
    pub target_count: Option<i64>,
    pub due_on: Option<String>,
    pub status: String,
    pub created_at: i64,
    pub closed_at: Option<i64>,
    /// Linked contact ids, ascending.
    #[sqlx(skip)]
    pub contacts: Vec<i64>,
    /// Linked conversation ids, ascending.
    #[sqlx(skip)]
    pub conversations: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[serde(deny_unknown_fields)]
pub struct ExportedMeeting {
    pub id: i64,
    pub uid: String,
    pub title: String,
    pub starts_at: i64,
    pub minutes: i64,
    pub mode: String,
    pub place: Option<String>,
    pub platform: Option<String>,
    pub join_url: Option<String>,
    pub phone: Option<String>,
    pub sequence: i64,
    pub status: String,
    pub dtstamp: i64,
    pub conversation_id: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    /// Contact ids, ascending.
    #[sqlx(skip)]
    pub attendees: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[serde(deny_unknown_fields)]
pub struct ExportedBlock {
    pub id: i64,
    /// Monday = bit 0.
    pub weekdays: i64,
    /// `HH:MM` in the user's zone.
    pub start_time: String,
    pub minutes: i64,
    pub people: i64,
    pub goal_id: Option<i64>,
    pub active: bool,
    pub created_at: i64,
}

/// Every account of an instance (`kith backup` on PostgreSQL).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceBackup {
    /// The schema version: [`BACKUP_VERSION`].
    pub kith_backup: u32,
    pub backed_up_at: String,
    pub users: Vec<BackedUpUser>,
}

/// A user's sign-in row and ways in (never sessions or tokens) and their
/// account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackedUpUser {
    pub username: String,
    pub password_hash: Option<String>,
    pub is_admin: bool,
    pub disabled: bool,
    pub created_at: i64,
    /// Two-step sign-in, passkeys and linked provider accounts: without
    /// them a restored user would lose their second step, or their only
    /// way in. Absent from backups written before these existed.
    #[serde(default, skip_serializing_if = "BackedUpSignIn::is_empty")]
    pub sign_in: BackedUpSignIn,
    pub account: AccountExport,
}

/// What a user signs in with besides the password (`totp_factors`,
/// `recovery_codes`, `passkeys`, `identities`), as stored: the TOTP seed in
/// base32, recovery codes as digests, passkeys as the WebAuthn library's
/// JSON. A backup holding these is as secret as the database.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackedUpSignIn {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub totp: Option<BackedUpTotp>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recovery_codes: Vec<BackedUpRecoveryCode>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub passkeys: Vec<BackedUpPasskey>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identities: Vec<BackedUpIdentity>,
}

impl BackedUpSignIn {
    pub fn is_empty(&self) -> bool {
        self.totp.is_none()
            && self.recovery_codes.is_empty()
            && self.passkeys.is_empty()
            && self.identities.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[serde(deny_unknown_fields)]
pub struct BackedUpTotp {
    pub secret: String,
    pub confirmed_at: Option<i64>,
    pub last_step: i64,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[serde(deny_unknown_fields)]
pub struct BackedUpRecoveryCode {
    /// SHA-256 of the code, hex.
    pub digest: String,
    pub used_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[serde(deny_unknown_fields)]
pub struct BackedUpPasskey {
    pub name: String,
    pub credential_id: String,
    /// The credential as webauthn-rs serialises it (public key, counter).
    pub credential: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[serde(deny_unknown_fields)]
pub struct BackedUpIdentity {
    pub provider: String,
    pub subject: String,
    pub email: Option<String>,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// The row of `users` a backup keeps beside the account.
#[derive(sqlx::FromRow)]
pub(crate) struct AccountRow {
    pub id: i64,
    pub username: String,
    pub password_hash: Option<String>,
    pub is_admin: bool,
    pub disabled: bool,
    pub created_at: i64,
}

fn invalid(path: impl Into<String>, message: impl Into<String>) -> StoreError {
    StoreError::in_file(path, message)
}

pub(crate) fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl Store {
    /// The user's whole account, read in one consistent snapshot.
    pub async fn export_account(&self, user: UserId, now: DateTime<Utc>) -> Result<AccountExport> {
        dispatch!(self.export_account(user, rfc3339(now)))
    }

    /// Writes an export into the user's account, which must be empty (no
    /// contacts, conversations, follow-ups, goals, meetings, blocks, tags,
    /// organisations), in one transaction: new ids, the user's settings from
    /// the file, and the derived tables recomputed. Nothing is written when
    /// anything is refused.
    pub async fn import_account(
        &self,
        user: UserId,
        doc: &AccountExport,
        now: DateTime<Utc>,
    ) -> Result<()> {
        doc.validate()?;
        dispatch!(self.import_account(user, doc, now))
    }

    /// Every user's account with their sign-in row (not sessions or tokens),
    /// all read in one consistent snapshot.
    pub async fn backup_instance(&self, now: DateTime<Utc>) -> Result<InstanceBackup> {
        dispatch!(self.backup_instance(rfc3339(now)))
    }

    /// Creates every user of a backup with their account, in one
    /// transaction. The database must have no users, unless `replace`: then
    /// every existing user and all their data (sessions and tokens too) are
    /// deleted first, in the same transaction. Returns how many users were
    /// deleted.
    pub async fn restore_instance(
        &self,
        backup: &InstanceBackup,
        replace: bool,
        now: DateTime<Utc>,
    ) -> Result<usize> {
        dispatch!(self.restore_instance(backup, replace, now))
    }

    /// SQLite only: a consistent copy of the whole database at `path`
    /// (`VACUUM INTO`), taken while other connections may be writing.
    pub async fn snapshot_into(&self, path: &std::path::Path) -> Result<()> {
        match &self.db {
            Db::Sqlite(pool) => sqlite::snapshot_into(pool, path).await,
            Db::Postgres(_) => Err(StoreError::invalid(
                crate::Input::File,
                "a PostgreSQL database is backed up as JSON (backup_instance)",
            )),
        }
    }
}
