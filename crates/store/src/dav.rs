//! The store's CardDAV methods: an address book per user whose cards are the
//! contacts, named by resource, tagged by revision, synced from the change
//! log.

use chrono::{DateTime, Utc};
use kith_core::contact::ContactDraft;
use kith_core::ids::{ContactId, UserId};

use crate::{Db, Result, Store, postgres, sqlite};

/// A card in the address book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DavCard {
    pub contact: ContactId,
    /// The resource name (`….vcf`), unique in the book.
    pub name: String,
    /// A strong entity tag; changes with every change to the card.
    pub etag: String,
}

/// A card changed (`etag` is its tag now) or deleted (`etag` is `None`)
/// since a sync position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DavChange {
    pub contact: ContactId,
    pub name: String,
    pub etag: Option<String>,
}

/// The condition a write is made on (`If-Match` / `If-None-Match: *`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Precondition {
    None,
    /// One of these tags (or `*`: any existing card).
    IfMatch(Vec<String>),
    /// Only if there is no card at the name yet.
    IfNoneMatch,
}

/// Why a write was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DavRefusal {
    /// The card changed since the client read it (412).
    PreconditionFailed,
    /// Another card already has this UID (RFC 6352 `no-uid-conflict`).
    UidConflict,
    /// A card's UID cannot change.
    UidChanged,
    NotFound,
}

/// A card written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DavPut {
    pub contact: ContactId,
    pub etag: String,
    pub created: bool,
}

/// Characters a resource name keeps as they are; the rest of a UID is
/// percent-encoded, so the default name can be turned back into the UID.
fn plain(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

/// The resource name of a card nobody named: its UID, percent-encoded, and
/// `.vcf`.
pub fn default_name(uid: &str) -> String {
    let mut name = String::with_capacity(uid.len() + 4);
    for b in uid.bytes() {
        if plain(b) {
            name.push(b as char);
        } else {
            name.push_str(&format!("%{b:02X}"));
        }
    }
    name.push_str(".vcf");
    name
}

/// The UID a default name stands for, if it is one.
pub fn uid_of_name(name: &str) -> Option<String> {
    let stem = name.strip_suffix(".vcf")?.as_bytes();
    let mut out = Vec::with_capacity(stem.len());
    let mut i = 0;
    while i < stem.len() {
        match stem[i] {
            b'%' => {
                let hex = std::str::from_utf8(stem.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b if plain(b) => {
                out.push(b);
                i += 1;
            }
            _ => return None,
        }
    }
    String::from_utf8(out).ok()
}

impl Store {
    /// Every card's name and tag.
    pub async fn dav_index(&self, user: UserId) -> Result<Vec<DavCard>> {
        dispatch!(self.dav_index(user))
    }

    /// The card at `name` and its tag.
    pub async fn dav_find(&self, user: UserId, name: &str) -> Result<Option<(ContactId, String)>> {
        dispatch!(self.dav_find(user, name))
    }

    /// Creates or replaces the card at `name`, if `pre` holds.
    pub async fn dav_put(
        &self,
        user: UserId,
        name: &str,
        draft: &ContactDraft,
        card: &str,
        pre: &Precondition,
        now: DateTime<Utc>,
    ) -> Result<std::result::Result<DavPut, DavRefusal>> {
        dispatch!(self.dav_put(user, name, draft, card, pre, now))
    }

    /// Deletes the card at `name`, if `pre` holds.
    pub async fn dav_delete(
        &self,
        user: UserId,
        name: &str,
        pre: &Precondition,
        now: DateTime<Utc>,
    ) -> Result<std::result::Result<(), DavRefusal>> {
        dispatch!(self.dav_delete(user, name, pre, now))
    }

    /// The change log's latest position: the address book's sync token.
    pub async fn dav_position(&self, user: UserId) -> Result<i64> {
        dispatch!(self.dav_position(user))
    }

    /// Many contacts with their stored vCards, in the order asked (unknown
    /// ids left out).
    pub async fn contacts_with_cards(
        &self,
        user: UserId,
        ids: &[ContactId],
    ) -> Result<Vec<(kith_core::contact::Contact, Option<String>)>> {
        dispatch!(self.contacts_with_cards(user, ids))
    }

    /// What changed after a sync position (`None`: not a position we gave).
    pub async fn dav_changes(
        &self,
        user: UserId,
        since: i64,
    ) -> Result<Option<(Vec<DavChange>, i64)>> {
        dispatch!(self.dav_changes(user, since))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_names_turn_back_into_their_uid() {
        for uid in [
            "abc-123",
            "urn:uuid:4fbe8971-0bc3-424c",
            "a b/c?d",
            "zoë@example.com",
            "",
        ] {
            let name = default_name(uid);
            assert!(name.bytes().all(|b| plain(b) || b == b'%'), "{name}");
            assert_eq!(uid_of_name(&name).as_deref(), Some(uid), "{name}");
        }
        assert_eq!(default_name("urn:uuid:1"), "urn%3Auuid%3A1.vcf");
        assert_eq!(uid_of_name("x.txt"), None);
        assert_eq!(uid_of_name("a%zz.vcf"), None);
        assert_eq!(uid_of_name("a b.vcf"), None);
    }
}
