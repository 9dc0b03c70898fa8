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
//!   settings are exported), `_sqlx_migrations`.
//!
//! Times are whole seconds since the Unix epoch (UTC), as stored, so the
//! round trip is exact; calendar dates are `YYYY-MM-DD`.
//!
//! An import into an empty account inserts every list in file order, so ids
//! come out in the same relative order: [`AccountExport::comparable`]
//! renumbers ids by position, and a second export of the imported account is
//! `comparable`-equal to the first.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use kith_core::ValidationError;
use kith_core::conversation::{Channel, ConversationKind, LearningKind};
use kith_core::follow_up::{FollowUpKind, FollowUpStatus, Owner};
use kith_core::goal::{GoalKind, GoalStatus};
use kith_core::ids::UserId;
use kith_core::meeting::{MeetingStatus, Platform};
use kith_core::values::{Phone, TimeZone};
use serde::{Deserialize, Serialize};

use crate::{Db, Result, Store, StoreError, postgres, sqlite};

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

pub(crate) fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn invalid(path: impl Into<String>, message: impl Into<String>) -> StoreError {
    StoreError::Invalid(ValidationError::new(path, message))
}

/// Reads a JSON document, naming the JSON path of the first problem.
fn parse_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let path = if path == "." {
            "the file".to_owned()
        } else {
            path
        };
        invalid(path, inner.to_string())
    })
}

/// The version field of a document, checked before the rest is read.
fn check_version(bytes: &[u8], field: &str, wanted: u32, what: &str) -> Result<()> {
    let head: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| invalid("the file", format!("not JSON: {e}")))?;
    let Some(object) = head.as_object() else {
        return Err(invalid(
            "the file",
            format!("not {what}: not a JSON object"),
        ));
    };
    match object.get(field) {
        None => Err(invalid(
            field,
            format!("missing: not {what} (no \"{field}\" field)"),
        )),
        Some(v) if v.as_u64() == Some(u64::from(wanted)) => Ok(()),
        Some(v) => Err(invalid(
            field,
            format!("unsupported version {v} (this Kith reads version {wanted})"),
        )),
    }
}

impl AccountExport {
    /// Reads an export file: the version first, then the whole document,
    /// then the values and references ([`AccountExport::validate`]).
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        check_version(bytes, "kith_export", EXPORT_VERSION, "a Kith export")?;
        let doc: AccountExport = parse_json(bytes)?;
        doc.validate()?;
        Ok(doc)
    }

    /// Checks every value the store would refuse or misread, and that
    /// every reference points at a record of the same document, naming the
    /// JSON path of the first problem.
    pub fn validate(&self) -> Result<()> {
        if self.kith_export != EXPORT_VERSION {
            return Err(invalid(
                "kith_export",
                format!(
                    "unsupported version {} (this Kith reads version {EXPORT_VERSION})",
                    self.kith_export
                ),
            ));
        }
        let u = &self.user;
        TimeZone::parse(&u.timezone).map_err(|e| invalid("user.timezone", e.message))?;
        positive("user.default_cadence_days", Some(u.default_cadence_days))?;
        if let Some(digest) = &u.digest {
            digest.settings()?;
        }

        let organisations = ids("organisations", self.organisations.iter().map(|o| o.id))?;
        let mut names = HashSet::new();
        for (i, o) in self.organisations.iter().enumerate() {
            not_blank(&format!("organisations[{i}].name"), &o.name)?;
            if !names.insert(o.name.to_lowercase()) {
                return Err(invalid(
                    format!("organisations[{i}].name"),
                    format!("'{}' appears twice", o.name),
                ));
            }
        }
        ids("tags", self.tags.iter().map(|t| t.id))?;
        let mut tags = HashSet::new();
        for (i, t) in self.tags.iter().enumerate() {
            not_blank(&format!("tags[{i}].name"), &t.name)?;
            positive(&format!("tags[{i}].cadence_days"), t.cadence_days)?;
            if !tags.insert(t.name.as_str()) {
                return Err(invalid(
                    format!("tags[{i}].name"),
                    format!("'{}' appears twice", t.name),
                ));
            }
        }
        let contacts = ids("contacts", self.contacts.iter().map(|c| c.id))?;
        let conversations = ids("conversations", self.conversations.iter().map(|c| c.id))?;
        let follow_ups = ids("follow_ups", self.follow_ups.iter().map(|f| f.id))?;
        let goals = ids("goals", self.goals.iter().map(|g| g.id))?;
        let meetings = ids("meetings", self.meetings.iter().map(|m| m.id))?;
        ids("outreach_blocks", self.outreach_blocks.iter().map(|b| b.id))?;

        let employments = |path: &str, list: &[ExportedEmployment]| -> Result<()> {
            for (j, e) in list.iter().enumerate() {
                let path = format!("{path}[{j}]");
                refers(
                    &format!("{path}.organisation_id"),
                    Some(e.organisation_id),
                    &organisations,
                    "organisation",
                )?;
                date(&format!("{path}.started_on"), e.started_on.as_deref())?;
                date(&format!("{path}.ended_on"), e.ended_on.as_deref())?;
            }
            Ok(())
        };
        employments("employments", &self.employments)?;

        let mut uids = HashSet::new();
        for (i, c) in self.contacts.iter().enumerate() {
            let path = format!("contacts[{i}]");
            not_blank(&format!("{path}.name"), &c.name)?;
            not_blank(&format!("{path}.uid"), &c.uid)?;
            if !uids.insert(c.uid.as_str()) {
                return Err(invalid(
                    format!("{path}.uid"),
                    format!("'{}' appears twice", c.uid),
                ));
            }
            refers(
                &format!("{path}.organisation_id"),
                c.organisation_id,
                &organisations,
                "organisation",
            )?;
            refers(
                &format!("{path}.introduced_by"),
                c.introduced_by,
                &contacts,
                "contact",
            )?;
            positive(&format!("{path}.cadence_days"), c.cadence_days)?;
            if let Some(zone) = &c.timezone {
                TimeZone::parse(zone)
                    .map_err(|e| invalid(format!("{path}.timezone"), e.message))?;
            }
            for (j, phone) in c.phones.iter().enumerate() {
                Phone::parse(phone)
                    .map_err(|e| invalid(format!("{path}.phones[{j}]"), e.message))?;
            }
            for (j, link) in c.links.iter().enumerate() {
                if !matches!(link.kind.as_str(), "linkedin" | "web") {
                    return Err(invalid(
                        format!("{path}.links[{j}].kind"),
                        format!("'{}' is not one of: linkedin, web", link.kind),
                    ));
                }
            }
            let mut own = HashSet::new();
            for (j, tag) in c.tags.iter().enumerate() {
                if !tags.contains(tag.as_str()) {
                    return Err(invalid(
                        format!("{path}.tags[{j}]"),
                        format!("no tag '{tag}' in \"tags\""),
                    ));
                }
                if !own.insert(tag) {
                    return Err(invalid(
                        format!("{path}.tags[{j}]"),
                        format!("'{tag}' appears twice"),
                    ));
                }
            }
            employments(&format!("{path}.employments"), &c.employments)?;
            let mut events = HashSet::new();
            for (j, e) in c.events.iter().enumerate() {
                date(
                    &format!("{path}.events[{j}].occurred_on"),
                    Some(&e.occurred_on),
                )?;
                if !events.insert((&e.kind, &e.occurred_on)) {
                    return Err(invalid(
                        format!("{path}.events[{j}]"),
                        "appears twice".to_owned(),
                    ));
                }
            }
        }
        let mut sources = HashSet::new();
        for (i, c) in self.contacts.iter().enumerate() {
            for (j, s) in c.import_sources.iter().enumerate() {
                if !sources.insert((&s.source, &s.key)) {
                    return Err(invalid(
                        format!("contacts[{i}].import_sources[{j}]"),
                        format!("source '{}' key '{}' appears twice", s.source, s.key),
                    ));
                }
            }
        }

        let mut uids = HashSet::new();
        for (i, c) in self.conversations.iter().enumerate() {
            let path = format!("conversations[{i}]");
            not_blank(&format!("{path}.uid"), &c.uid)?;
            if !uids.insert(c.uid.as_str()) {
                return Err(invalid(
                    format!("{path}.uid"),
                    format!("'{}' appears twice", c.uid),
                ));
            }
            word(&format!("{path}.channel"), &c.channel, |s| {
                Channel::parse(s).map(Channel::as_str)
            })?;
            word(&format!("{path}.kind"), &c.kind, |s| {
                ConversationKind::parse(s).map(ConversationKind::as_str)
            })?;
            if let Some(m) = c.minutes
                && m < 0
            {
                return Err(invalid(format!("{path}.minutes"), "must not be negative"));
            }
            refers(
                &format!("{path}.meeting_id"),
                c.meeting_id,
                &meetings,
                "meeting",
            )?;
            if c.participants.is_empty() {
                return Err(invalid(
                    format!("{path}.participants"),
                    "a conversation needs at least one participant",
                ));
            }
            let mut seen = HashSet::new();
            for (j, p) in c.participants.iter().enumerate() {
                let at = format!("{path}.participants[{j}]");
                refers(&at, Some(*p), &contacts, "contact")?;
                if !seen.insert(p) {
                    return Err(invalid(at, format!("contact {p} appears twice")));
                }
            }
            for (j, l) in c.learnings.iter().enumerate() {
                word(&format!("{path}.learnings[{j}].kind"), &l.kind, |s| {
                    LearningKind::parse(s).map(LearningKind::as_str)
                })?;
            }
        }

        for (i, f) in self.follow_ups.iter().enumerate() {
            let path = format!("follow_ups[{i}]");
            refers(
                &format!("{path}.contact_id"),
                Some(f.contact_id),
                &contacts,
                "contact",
            )?;
            refers(
                &format!("{path}.conversation_id"),
                f.conversation_id,
                &conversations,
                "conversation",
            )?;
            refers(
                &format!("{path}.parent_id"),
                f.parent_id,
                &follow_ups,
                "follow-up",
            )?;
            refers(
                &format!("{path}.subject_id"),
                f.subject_id,
                &contacts,
                "contact",
            )?;
            word(&format!("{path}.owner"), &f.owner, |s| {
                Owner::parse(s).map(Owner::as_str)
            })?;
            word(&format!("{path}.kind"), &f.kind, |s| {
                FollowUpKind::parse(s).map(FollowUpKind::as_str)
            })?;
            word(&format!("{path}.status"), &f.status, |s| {
                FollowUpStatus::parse(s).map(FollowUpStatus::as_str)
            })?;
            date(&format!("{path}.due_on"), f.due_on.as_deref())?;
        }

        for (i, g) in self.goals.iter().enumerate() {
            let path = format!("goals[{i}]");
            word(&format!("{path}.kind"), &g.kind, |s| {
                GoalKind::parse(s).map(GoalKind::as_str)
            })?;
            word(&format!("{path}.status"), &g.status, |s| {
                GoalStatus::parse(s).map(GoalStatus::as_str)
            })?;
            date(&format!("{path}.due_on"), g.due_on.as_deref())?;
            linked(
                &format!("{path}.contacts"),
                &g.contacts,
                &contacts,
                "contact",
            )?;
            linked(
                &format!("{path}.conversations"),
                &g.conversations,
                &conversations,
                "conversation",
            )?;
        }

        let mut uids = HashSet::new();
        for (i, m) in self.meetings.iter().enumerate() {
            let path = format!("meetings[{i}]");
            not_blank(&format!("{path}.uid"), &m.uid)?;
            if !uids.insert(m.uid.as_str()) {
                return Err(invalid(
                    format!("{path}.uid"),
                    format!("'{}' appears twice", m.uid),
                ));
            }
            if !matches!(m.mode.as_str(), "in-person" | "virtual" | "phone") {
                return Err(invalid(
                    format!("{path}.mode"),
                    format!("'{}' is not one of: in-person, virtual, phone", m.mode),
                ));
            }
            if let Some(platform) = &m.platform {
                word(&format!("{path}.platform"), platform, |s| {
                    Platform::parse(s).map(Platform::as_str)
                })?;
            }
            word(&format!("{path}.status"), &m.status, |s| {
                MeetingStatus::parse(s).map(MeetingStatus::as_str)
            })?;
            refers(
                &format!("{path}.conversation_id"),
                m.conversation_id,
                &conversations,
                "conversation",
            )?;
            linked(
                &format!("{path}.attendees"),
                &m.attendees,
                &contacts,
                "contact",
            )?;
        }

        for (i, b) in self.outreach_blocks.iter().enumerate() {
            let path = format!("outreach_blocks[{i}]");
            if !(1..=0b111_1111).contains(&b.weekdays) {
                return Err(invalid(
                    format!("{path}.weekdays"),
                    "must be a mask of days from 1 to 127",
                ));
            }
            if chrono::NaiveTime::parse_from_str(&b.start_time, "%H:%M").is_err() {
                return Err(invalid(
                    format!("{path}.start_time"),
                    format!("'{}' is not a time (HH:MM)", b.start_time),
                ));
            }
            refers(&format!("{path}.goal_id"), b.goal_id, &goals, "goal")?;
        }
        Ok(())
    }

    /// The same document with `exported_at` cleared and every id replaced by
    /// its record's position (1, 2, …) in its list, references included: two
    /// exports of the same data under different ids are equal once comparable.
    pub fn comparable(&self) -> AccountExport {
        fn numbering<'a>(list: impl Iterator<Item = &'a i64>) -> HashMap<i64, i64> {
            list.enumerate()
                .map(|(i, id)| (*id, i as i64 + 1))
                .collect()
        }
        let orgs = numbering(self.organisations.iter().map(|o| &o.id));
        let tags = numbering(self.tags.iter().map(|t| &t.id));
        let contacts = numbering(self.contacts.iter().map(|c| &c.id));
        let conversations = numbering(self.conversations.iter().map(|c| &c.id));
        let follow_ups = numbering(self.follow_ups.iter().map(|f| &f.id));
        let goals = numbering(self.goals.iter().map(|g| &g.id));
        let meetings = numbering(self.meetings.iter().map(|m| &m.id));
        let blocks = numbering(self.outreach_blocks.iter().map(|b| &b.id));
        let map = |ids: &HashMap<i64, i64>, id: i64| ids.get(&id).copied().unwrap_or(-id);
        let map_opt = |ids: &HashMap<i64, i64>, id: Option<i64>| id.map(|id| map(ids, id));
        let map_all = |ids: &HashMap<i64, i64>, list: &[i64]| -> Vec<i64> {
            list.iter().map(|id| map(ids, *id)).collect()
        };
        let jobs = |list: &[ExportedEmployment]| -> Vec<ExportedEmployment> {
            list.iter()
                .map(|e| ExportedEmployment {
                    organisation_id: map(&orgs, e.organisation_id),
                    ..e.clone()
                })
                .collect()
        };
        let mut doc = self.clone();
        doc.exported_at = String::new();
        for o in &mut doc.organisations {
            o.id = map(&orgs, o.id);
        }
        for t in &mut doc.tags {
            t.id = map(&tags, t.id);
        }
        doc.employments = jobs(&self.employments);
        for c in &mut doc.contacts {
            c.id = map(&contacts, c.id);
            c.organisation_id = map_opt(&orgs, c.organisation_id);
            c.introduced_by = map_opt(&contacts, c.introduced_by);
            c.employments = jobs(&c.employments);
        }
        for c in &mut doc.conversations {
            c.id = map(&conversations, c.id);
            c.meeting_id = map_opt(&meetings, c.meeting_id);
            c.participants = map_all(&contacts, &c.participants);
        }
        for f in &mut doc.follow_ups {
            f.id = map(&follow_ups, f.id);
            f.contact_id = map(&contacts, f.contact_id);
            f.conversation_id = map_opt(&conversations, f.conversation_id);
            f.parent_id = map_opt(&follow_ups, f.parent_id);
            f.subject_id = map_opt(&contacts, f.subject_id);
        }
        for g in &mut doc.goals {
            g.id = map(&goals, g.id);
            g.contacts = map_all(&contacts, &g.contacts);
            g.conversations = map_all(&conversations, &g.conversations);
        }
        for m in &mut doc.meetings {
            m.id = map(&meetings, m.id);
            m.conversation_id = map_opt(&conversations, m.conversation_id);
            m.attendees = map_all(&contacts, &m.attendees);
        }
        for b in &mut doc.outreach_blocks {
            b.id = map(&blocks, b.id);
            b.goal_id = map_opt(&goals, b.goal_id);
        }
        doc
    }
}

impl InstanceBackup {
    /// Reads a backup document and checks every account in it.
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        check_version(bytes, "kith_backup", BACKUP_VERSION, "a Kith backup")?;
        let doc: InstanceBackup = parse_json(bytes)?;
        let mut names = HashSet::new();
        let mut credentials = HashSet::new();
        let mut subjects = HashSet::new();
        for (i, u) in doc.users.iter().enumerate() {
            kith_core::user::Username::parse(&u.username)
                .map_err(|e| invalid(format!("users[{i}].username"), e.message))?;
            if !names.insert(u.username.as_str()) {
                return Err(invalid(
                    format!("users[{i}].username"),
                    format!("'{}' appears twice", u.username),
                ));
            }
            let sign_in = |f: String| format!("users[{i}].sign_in.{f}");
            if let Some(totp) = &u.sign_in.totp {
                not_blank(&sign_in("totp.secret".into()), &totp.secret)?;
            }
            for (j, code) in u.sign_in.recovery_codes.iter().enumerate() {
                not_blank(
                    &sign_in(format!("recovery_codes[{j}].digest")),
                    &code.digest,
                )?;
            }
            for (j, key) in u.sign_in.passkeys.iter().enumerate() {
                let path = sign_in(format!("passkeys[{j}].credential_id"));
                not_blank(&path, &key.credential_id)?;
                if !credentials.insert(key.credential_id.as_str()) {
                    return Err(invalid(path, "this passkey appears twice in the backup"));
                }
            }
            for (j, identity) in u.sign_in.identities.iter().enumerate() {
                let path = sign_in(format!("identities[{j}].subject"));
                not_blank(&path, &identity.subject)?;
                if !subjects.insert((identity.provider.as_str(), identity.subject.as_str())) {
                    return Err(invalid(
                        path,
                        format!(
                            "the {} account '{}' appears twice in the backup",
                            identity.provider, identity.subject
                        ),
                    ));
                }
            }
            u.account.validate().map_err(|e| match e {
                StoreError::Invalid(v) => {
                    invalid(format!("users[{i}].account.{}", v.field), v.message)
                }
                other => other,
            })?;
        }
        Ok(doc)
    }
}

/// The ids of a list, refusing one that appears twice.
fn ids(list: &str, ids: impl Iterator<Item = i64>) -> Result<HashSet<i64>> {
    let mut seen = HashSet::new();
    for (i, id) in ids.enumerate() {
        if !seen.insert(id) {
            return Err(invalid(
                format!("{list}[{i}].id"),
                format!("id {id} appears twice"),
            ));
        }
    }
    Ok(seen)
}

fn refers(path: &str, id: Option<i64>, known: &HashSet<i64>, what: &str) -> Result<()> {
    match id {
        Some(id) if !known.contains(&id) => {
            Err(invalid(path, format!("no {what} with id {id} in the file")))
        }
        _ => Ok(()),
    }
}

fn linked(path: &str, list: &[i64], known: &HashSet<i64>, what: &str) -> Result<()> {
    let mut seen = HashSet::new();
    for (j, id) in list.iter().enumerate() {
        let at = format!("{path}[{j}]");
        refers(&at, Some(*id), known, what)?;
        if !seen.insert(id) {
            return Err(invalid(at, format!("{what} {id} appears twice")));
        }
    }
    Ok(())
}

fn not_blank(path: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(invalid(path, "must not be empty"));
    }
    Ok(())
}

fn positive(path: &str, days: Option<i64>) -> Result<()> {
    match days {
        Some(d) if !(1..=u32::MAX as i64).contains(&d) => {
            Err(invalid(path, format!("{d} is not a number of days")))
        }
        _ => Ok(()),
    }
}

fn date(path: &str, value: Option<&str>) -> Result<()> {
    match value {
        Some(v) if NaiveDate::parse_from_str(v, "%Y-%m-%d").is_err() => {
            Err(invalid(path, format!("'{v}' is not a date (YYYY-MM-DD)")))
        }
        _ => Ok(()),
    }
}

/// A stored word must be written exactly as the store writes it.
fn word(
    path: &str,
    value: &str,
    canonical: impl Fn(&str) -> std::result::Result<&'static str, ValidationError>,
) -> Result<()> {
    match canonical(value) {
        Ok(word) if word == value => Ok(()),
        Ok(word) => Err(invalid(path, format!("'{value}' must be written '{word}'"))),
        Err(e) => Err(invalid(path, e.message)),
    }
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
                "backup",
                "a PostgreSQL database is backed up as JSON (backup_instance)",
            )),
        }
    }
}
