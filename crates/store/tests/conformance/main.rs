//! The store conformance suite: every case runs on SQLite and on PostgreSQL.

mod accounts;
mod contacts;
mod conversations;
mod dav;
mod export;
mod export_props;
mod full_disk;
mod goals;
mod harness;
mod identities;
mod imports;
mod isolation;
mod keeping;
mod mail;
mod meetings;
mod merge;
mod passkeys;
mod races;
mod search;
mod second_factor;
#[path = "../../../../tests/support/tmpfs.rs"]
mod tmpfs;
mod undo;

use kith_core::contact::ContactDraft;
use kith_core::values::{ContactName, Email, TagName};

/// A contact with a name and nothing else.
pub fn named(name: &str) -> ContactDraft {
    ContactDraft {
        name: Some(ContactName::parse(name).unwrap()),
        ..ContactDraft::default()
    }
}

pub fn email(s: &str) -> Email {
    Email::parse(s).unwrap()
}

pub fn tag(s: &str) -> TagName {
    TagName::parse(s).unwrap()
}
