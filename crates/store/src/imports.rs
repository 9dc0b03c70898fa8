//! The store's import methods: matching and writing imported records, the
//! stored vCards that make export lossless, timeline entries and the keys
//! duplicates are found by.

use chrono::{DateTime, NaiveDate, Utc};
use kith_core::contact::{Contact, ContactDraft};
use kith_core::ids::{ContactId, UserId};
use kith_core::rules::duplicates::MatchKeys;

use crate::{Db, Result, Store, postgres, sqlite};

/// One record to import, already validated.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRecord {
    /// Identifies the record in its source across re-imports.
    pub key: String,
    /// A digest of the record: the same fingerprint means nothing to do.
    pub fingerprint: String,
    pub draft: ContactDraft,
    /// The original vCard, kept for lossless export.
    pub card: Option<String>,
    pub events: Vec<ContactEvent>,
}

/// A dated entry on a contact's timeline that is not a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactEvent {
    pub on: NaiveDate,
    /// `linkedin-connected`.
    pub kind: String,
}

/// What became of one imported record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportOutcome {
    /// A new contact (its id; `None` in a dry run), and the contact it looks
    /// like without being the same person for sure (a shared phone, or a
    /// shared e-mail under another name): a duplicate to suggest, not merge.
    Created {
        id: Option<ContactId>,
        resembles: Option<Resemblance>,
    },
    /// The contact this record made before, changed since.
    Updated(ContactId),
    /// Folded into an existing contact (`into`), or into the contact an
    /// earlier record of the same import creates (`with_record`, its index).
    Merged {
        into: Option<ContactId>,
        with_record: Option<usize>,
        reason: String,
    },
    /// Already there as it is.
    Unchanged(ContactId),
    /// The database refused the record; the others were written.
    Failed(String),
}

/// A contact a new one looks like, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resemblance {
    /// The contact (`None` in a dry run for one this import creates).
    pub contact: Option<ContactId>,
    /// The earlier record of the same import that made it (its index).
    pub record: Option<usize>,
    pub reason: String,
}

/// How one import runs.
pub struct ImportRun<'a> {
    /// Where the records come from (`vcard`, `linkedin`, …); a record's key
    /// is unique within its source.
    pub source: &'a str,
    /// Report what would happen; write nothing.
    pub dry_run: bool,
    /// Called with the number of records handled so far.
    pub progress: &'a (dyn Fn(usize) + Sync),
    /// `merge_card(stored, incoming)` combines the vCard a contact has with
    /// the one of a record merged into it (`None`: keep the stored one).
    pub merge_card: &'a (dyn Fn(&str, &str) -> Option<String> + Sync),
    /// The caller's clock: when contacts are created and changed.
    pub now: DateTime<Utc>,
}

impl Store {
    /// Imports records, in order; one outcome per record.
    pub async fn import_contacts(
        &self,
        user: UserId,
        records: &[ImportRecord],
        run: &ImportRun<'_>,
    ) -> Result<Vec<ImportOutcome>> {
        dispatch!(self.import_contacts(user, records, run))
    }

    /// A contact and the vCard it was imported from, if any.
    pub async fn contact_with_card(
        &self,
        user: UserId,
        id: ContactId,
    ) -> Result<(Contact, Option<String>)> {
        dispatch!(self.contact_with_card(user, id))
    }

    /// Every contact's id (archived ones too), in name order.
    pub async fn contact_ids(&self, user: UserId) -> Result<Vec<ContactId>> {
        dispatch!(self.contact_ids(user))
    }

    pub async fn contact_events(&self, user: UserId, id: ContactId) -> Result<Vec<ContactEvent>> {
        dispatch!(self.contact_events(user, id))
    }

    /// What every contact can be matched on, in id order.
    pub async fn match_keys(&self, user: UserId) -> Result<Vec<(ContactId, MatchKeys)>> {
        let keys = dispatch!(self.all_match_keys(user))?;
        Ok(keys.into_iter().map(|(id, k)| (ContactId(id), k)).collect())
    }
}
