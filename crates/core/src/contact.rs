//! People in the contact book.

use chrono::{DateTime, Utc};

use crate::ids::{ContactId, OrganisationId};
use crate::values::{Birthday, Cadence, ContactName, Email, Link, Phone, TagName, TimeZone};

/// Everything a new contact can carry, already validated.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContactDraft {
    pub name: Option<ContactName>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub nickname: Option<String>,
    pub emails: Vec<Email>,
    pub phones: Vec<Phone>,
    pub links: Vec<Link>,
    pub organisation: Option<String>,
    pub title: Option<String>,
    pub function: Option<String>,
    pub industry: Option<String>,
    pub location: Option<String>,
    pub timezone: Option<TimeZone>,
    pub birthday: Option<Birthday>,
    pub how_met: Option<String>,
    pub introduced_by: Option<ContactId>,
    pub tags: Vec<TagName>,
    pub notes: Option<String>,
    pub cadence: Option<Cadence>,
    /// A stable identifier kept from an import (vCard UID); generated when absent.
    pub uid: Option<String>,
}

/// A change to a contact. `None` leaves a field alone; `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContactPatch {
    pub name: Option<ContactName>,
    pub given_name: Option<Option<String>>,
    pub family_name: Option<Option<String>>,
    pub nickname: Option<Option<String>>,
    pub add_emails: Vec<Email>,
    pub remove_emails: Vec<Email>,
    pub add_phones: Vec<Phone>,
    pub remove_phones: Vec<Phone>,
    pub add_links: Vec<Link>,
    pub remove_links: Vec<Link>,
    pub organisation: Option<Option<String>>,
    pub title: Option<Option<String>>,
    pub function: Option<Option<String>>,
    pub industry: Option<Option<String>>,
    pub location: Option<Option<String>>,
    pub timezone: Option<Option<TimeZone>>,
    pub birthday: Option<Option<Birthday>>,
    pub how_met: Option<Option<String>>,
    pub introduced_by: Option<Option<ContactId>>,
    pub add_tags: Vec<TagName>,
    pub remove_tags: Vec<TagName>,
    pub notes: Option<Option<String>>,
    pub cadence: Option<Option<Cadence>>,
    pub archived: Option<bool>,
}

impl ContactPatch {
    pub fn is_empty(&self) -> bool {
        *self == ContactPatch::default()
    }
}

/// Another contact, by id and name, as shown next to the one being read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactRef {
    pub id: ContactId,
    pub name: String,
}

/// A contact as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    pub id: ContactId,
    pub uid: String,
    pub name: String,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub nickname: Option<String>,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub links: Vec<StoredLink>,
    pub organisation: Option<Organisation>,
    pub title: Option<String>,
    pub function: Option<String>,
    pub industry: Option<String>,
    pub location: Option<String>,
    pub timezone: Option<String>,
    pub birthday: Option<String>,
    pub how_met: Option<String>,
    pub introduced_by: Option<ContactRef>,
    pub tags: Vec<String>,
    pub notes: Option<String>,
    pub cadence: Option<Cadence>,
    pub snoozed_until: Option<DateTime<Utc>>,
    pub archived: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Increases with every change to the contact or its e-mails, phones,
    /// links and tags; the CardDAV ETag is derived from it.
    pub revision: i64,
}

impl Contact {
    /// A strong HTTP entity tag for the current revision.
    pub fn etag(&self) -> String {
        format!("\"{}-{}\"", self.id, self.revision)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLink {
    pub url: String,
    pub kind: String,
}

/// An organisation someone works for; one of them may be the user's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    pub id: OrganisationId,
    pub name: String,
    pub is_mine: bool,
}

/// One line of a contact list.
#[derive(Debug, Clone, PartialEq)]
pub struct ContactSummary {
    pub id: ContactId,
    pub name: String,
    pub organisation: Option<String>,
    pub title: Option<String>,
    pub function: Option<String>,
    pub tags: Vec<String>,
    pub archived: bool,
}

/// Which contacts `list` shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactFilter {
    pub tag: Option<TagName>,
    pub organisation: Option<String>,
    pub function: Option<String>,
    pub archived: ArchivedFilter,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ArchivedFilter {
    #[default]
    Active,
    Archived,
    All,
}
