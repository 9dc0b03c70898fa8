//! The store's import methods: matching and writing imported records, the
//! stored vCards that make export lossless, timeline entries and the keys
//! duplicates are found by.

use chrono::NaiveDate;
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
    /// A new contact (its id; `None` in a dry run).
    Created(Option<ContactId>),
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

impl Store {
    /// Imports records from `source` (`vcard`, `linkedin`, …), in order;
    /// one outcome per record. `progress` is called with the number of
    /// records handled so far. With `dry_run` nothing is written.
    /// `merge_card(stored, incoming)` combines the vCard a contact has with
    /// the one of a record merged into it (`None`: keep the stored one).
    pub async fn import_contacts(
        &self,
        user: UserId,
        source: &str,
        records: &[ImportRecord],
        dry_run: bool,
        progress: &(dyn Fn(usize) + Sync),
        merge_card: &(dyn Fn(&str, &str) -> Option<String> + Sync),
    ) -> Result<Vec<ImportOutcome>> {
        dispatch!(self.import_contacts(user, source, records, dry_run, progress, merge_card))
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
