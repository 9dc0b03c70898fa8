//! Kith's file formats, pure: bytes in, validated contact drafts out (and
//! back). No database, no async. Each reader returns one [`Parsed`] per
//! record, with the 1-based line it starts on, so a bad record is reported
//! and skipped while the rest import.

pub mod csv;
pub mod dav_xml;
mod text;
pub mod vcard;

use chrono::NaiveDate;
use kith_core::contact::ContactDraft;
use sha2::{Digest, Sha256};

pub use text::decode;

/// One record read from a file, ready to be matched and stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportItem {
    /// The 1-based line the record starts on.
    pub line: usize,
    /// What identifies the record in its source across re-imports (a vCard
    /// UID, a LinkedIn profile URL, an e-mail address), or its fingerprint.
    pub key: String,
    /// A digest of the record's content: unchanged means nothing to do.
    pub fingerprint: String,
    pub draft: ContactDraft,
    /// The original vCard, kept so properties Kith does not model survive.
    pub card: Option<String>,
    /// When the user connected with this person on LinkedIn.
    pub connected_on: Option<NaiveDate>,
}

/// A record that could not be read, with the line it starts on and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub line: usize,
    pub reason: String,
}

pub type Parsed = Result<ImportItem, Rejected>;

/// A stable digest of some text (hex SHA-256, shortened).
pub fn fingerprint(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// An optional cell that could not be read: it was left out, and the rest
/// of its record still imports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The column (or property) it was in.
    pub column: String,
    /// What it held (shortened when long).
    pub value: String,
    /// Why it could not be read.
    pub message: String,
}

/// One record as read, with what was left out of it and, when it was
/// refused, whatever name-ish text it had (so the report can name it).
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub parsed: Parsed,
    pub who: Option<String>,
    pub warnings: Vec<Warning>,
}

impl From<Parsed> for Record {
    fn from(parsed: Parsed) -> Record {
        Record {
            parsed,
            who: None,
            warnings: Vec::new(),
        }
    }
}
