//! Importing a file into a user's contact book: the one entry point the
//! command line and the web import page share. Bytes in, a report out;
//! reading is `kith_interop`, matching and writing is the store.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use kith_core::ids::{ContactId, UserId};
use kith_interop::csv::Dialect;
use kith_interop::{ImportItem, Record};
use kith_store::{ContactEvent, ImportOutcome, ImportRecord, ImportRun, Resemblance, Store};

use crate::error::{AppError, Field};

/// A cell left out of a record that still imported (its column, value and why).
pub use kith_interop::Warning;

/// What kind of file is imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Vcard,
    LinkedIn,
    Google,
    Outlook,
}

impl Format {
    /// The source name import keys are kept under.
    pub fn source(self) -> &'static str {
        match self {
            Format::Vcard => "vcard",
            Format::LinkedIn => "linkedin",
            Format::Google => "google",
            Format::Outlook => "outlook",
        }
    }

    /// The format named by its source name (`vcard`, `linkedin`, …), as a
    /// form or a request gives it.
    pub fn parse(text: &str) -> Result<Format, AppError> {
        [
            Format::Vcard,
            Format::LinkedIn,
            Format::Google,
            Format::Outlook,
        ]
        .into_iter()
        .find(|f| f.source() == text)
        .ok_or_else(|| AppError::Invalid {
            field: Field::Format,
            message: format!("'{text}' is not vcard, linkedin, google or outlook"),
        })
    }

    fn of(dialect: Dialect) -> Format {
        match dialect {
            Dialect::LinkedIn => Format::LinkedIn,
            Dialect::Google => Format::Google,
            Dialect::Outlook => Format::Outlook,
        }
    }

    /// Every record of the file, or why the file is not of this kind
    /// (`Invalid` in `Format`, saying which kind it looks like).
    fn read(self, bytes: &[u8]) -> Result<Vec<Record>, AppError> {
        let wrong = |message: String| AppError::Invalid {
            field: Field::Format,
            message,
        };
        let dialect = match self {
            Format::Vcard => {
                if let Some(other) = kith_interop::csv::sniff(bytes) {
                    return Err(wrong(format!(
                        "this looks like {}, not a vCard file",
                        other.title()
                    )));
                }
                return Ok(kith_interop::vcard::records(bytes));
            }
            Format::LinkedIn => Dialect::LinkedIn,
            Format::Google => Dialect::Google,
            Format::Outlook => Dialect::Outlook,
        };
        kith_interop::csv::read(bytes, dialect).map_err(|e| wrong(e.to_string()))
    }
}

/// The kind of file `bytes` looks like, when it says: a vCard file, or a
/// CSV export whose header names its program. Front ends use it to say how
/// to import a file refused as another kind.
pub fn looks_like(bytes: &[u8]) -> Option<Format> {
    let start = bytes.get(..64).unwrap_or(bytes);
    let start = String::from_utf8_lossy(start).to_ascii_uppercase();
    if start
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with("BEGIN:VCARD")
    {
        return Some(Format::Vcard);
    }
    kith_interop::csv::sniff(bytes).map(Format::of)
}

/// An uploaded file's bytes, refused when there are none (no file was
/// chosen). The command line reads files itself and imports an empty one
/// as nothing.
pub fn uploaded(bytes: &[u8]) -> Result<&[u8], AppError> {
    if bytes.is_empty() {
        return Err(AppError::Invalid {
            field: Field::File,
            message: "choose a file to import".into(),
        });
    }
    Ok(bytes)
}

#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Report what would happen; write nothing.
    pub dry_run: bool,
}

/// What happened to one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Created,
    Updated,
    Merged,
    Unchanged,
    Rejected,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Created => "created",
            Action::Updated => "updated",
            Action::Merged => "merged",
            Action::Unchanged => "unchanged",
            Action::Rejected => "rejected",
        }
    }
}

/// One record of the file and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRow {
    /// The 1-based line the record starts on.
    pub line: usize,
    pub action: Action,
    /// The record's name, when it has one.
    pub name: Option<String>,
    /// The contact it went to (`None` in a dry run for new contacts).
    pub contact: Option<ContactId>,
    /// Why it was rejected, or what it was matched on.
    pub reason: Option<String>,
    /// The cells left out of it (it imported without them).
    pub warnings: Vec<Warning>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub format: Format,
    pub dry_run: bool,
    /// In file order.
    pub rows: Vec<ReportRow>,
}

impl ImportReport {
    pub fn count(&self, action: Action) -> usize {
        self.rows.iter().filter(|r| r.action == action).count()
    }

    /// How many cells were left out, over all records.
    pub fn warnings(&self) -> usize {
        self.rows.iter().map(|r| r.warnings.len()).sum()
    }
}

/// Reads `bytes` as `format` and imports every readable record for `user`.
/// `progress(done, total)` is called as records are written. A record that
/// cannot be read or written is reported and the rest still import; an
/// error means the store could not be used at all.
pub async fn import(
    store: &Store,
    user: UserId,
    format: Format,
    bytes: &[u8],
    options: ImportOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
    now: DateTime<Utc>,
) -> Result<ImportReport, AppError> {
    let mut read = Read::new(format.read(bytes)?);
    let records = read.records();
    let total = records.len();
    let outcomes = store
        .import_contacts(
            user,
            &records,
            &ImportRun {
                source: format.source(),
                dry_run: options.dry_run,
                progress: &|done| progress(done, total),
                merge_card: &kith_interop::vcard::merge_cards,
                now,
            },
        )
        .await?;
    let names = resembled_names(store, user, &outcomes).await?;
    for (i, outcome) in outcomes.into_iter().enumerate() {
        let (action, contact, reason) = read.outcome(outcome, &names);
        let row = &mut read.rows[read.item_rows[i]];
        row.action = action;
        row.contact = contact;
        row.reason = reason;
    }
    let mut rows = read.rows;
    rows.sort_by_key(|r| r.line);
    Ok(ImportReport {
        format,
        dry_run: options.dry_run,
        rows,
    })
}

/// The file as read: a row per record (rejected until the store says
/// otherwise), and the readable items with the row each belongs to.
struct Read {
    rows: Vec<ReportRow>,
    items: Vec<ImportItem>,
    item_rows: Vec<usize>,
}

impl Read {
    fn new(records: Vec<Record>) -> Read {
        let mut read = Read {
            rows: Vec::with_capacity(records.len()),
            items: Vec::new(),
            item_rows: Vec::new(),
        };
        for record in records {
            match record.parsed {
                Ok(mut item) => {
                    let mut warnings = record.warnings;
                    // Forgiving: the person comes in, the excess stays out.
                    for cut in item.draft.keep_within_limits() {
                        warnings.push(Warning {
                            column: cut.list.word().to_owned(),
                            value: format!("{} given", cut.count),
                            message: format!(
                                "{}; the first {} are kept",
                                cut.message(),
                                cut.list.max()
                            ),
                        });
                    }
                    read.item_rows.push(read.rows.len());
                    read.rows.push(ReportRow {
                        line: item.line,
                        action: Action::Rejected,
                        name: item.draft.name.as_ref().map(|n| n.as_str().to_owned()),
                        contact: None,
                        reason: None,
                        warnings,
                    });
                    read.items.push(item);
                }
                Err(rejected) => read.rows.push(ReportRow {
                    line: rejected.line,
                    action: Action::Rejected,
                    name: record.who,
                    contact: None,
                    reason: Some(rejected.reason),
                    warnings: record.warnings,
                }),
            }
        }
        read
    }

    /// What the store is given for each readable item.
    fn records(&self) -> Vec<ImportRecord> {
        self.items
            .iter()
            .map(|item| ImportRecord {
                key: item.key.clone(),
                fingerprint: item.fingerprint.clone(),
                draft: item.draft.clone(),
                card: item.card.clone(),
                events: item
                    .connected_on
                    .map(|on| ContactEvent {
                        on,
                        kind: "linkedin-connected".into(),
                    })
                    .into_iter()
                    .collect(),
            })
            .collect()
    }

    /// A store outcome as the row's action, contact and reason.
    fn outcome(
        &self,
        outcome: ImportOutcome,
        names: &HashMap<ContactId, String>,
    ) -> (Action, Option<ContactId>, Option<String>) {
        match outcome {
            ImportOutcome::Created { id, resembles } => {
                let reason = resembles.map(|r| self.resemblance(&r, names));
                (Action::Created, id, reason)
            }
            ImportOutcome::Updated(id) => (Action::Updated, Some(id), None),
            ImportOutcome::Unchanged(id) => (Action::Unchanged, Some(id), None),
            ImportOutcome::Merged {
                into,
                with_record,
                reason,
            } => {
                let reason = match with_record {
                    Some(r) => format!("{reason}, as line {}", self.items[r].line),
                    None => reason,
                };
                (Action::Merged, into, Some(reason))
            }
            ImportOutcome::Failed(why) => (Action::Rejected, None, Some(why)),
        }
    }

    /// Why a new contact is kept apart from the one it looks like.
    fn resemblance(&self, r: &Resemblance, names: &HashMap<ContactId, String>) -> String {
        let whom = match (r.contact, r.record) {
            (Some(c), _) => format!("#{c} {}", names.get(&c).map_or("", String::as_str)),
            (None, Some(record)) => format!(
                "line {} ({})",
                self.items[record].line,
                self.items[record]
                    .draft
                    .name
                    .as_ref()
                    .map_or("", |n| n.as_str())
            ),
            (None, None) => "a contact".to_owned(),
        };
        format!(
            "looks like {} ({}) but is kept apart: a possible duplicate, see `kith duplicates`",
            whom.trim_end(),
            r.reason
        )
    }
}

/// The names of the existing contacts new ones only look like.
async fn resembled_names(
    store: &Store,
    user: UserId,
    outcomes: &[ImportOutcome],
) -> Result<HashMap<ContactId, String>, AppError> {
    let alike: Vec<ContactId> = outcomes
        .iter()
        .filter_map(|o| match o {
            ImportOutcome::Created {
                resembles: Some(r), ..
            } => r.contact,
            _ => None,
        })
        .collect();
    Ok(store
        .contact_summaries(user, &alike)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_format_is_named_by_its_source() {
        assert_eq!(Format::parse("linkedin").unwrap(), Format::LinkedIn);
        let refused = |text: &str| match Format::parse(text) {
            Err(AppError::Invalid { field, message }) => (field, message),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            refused("excel"),
            (
                Field::Format,
                "'excel' is not vcard, linkedin, google or outlook".to_owned()
            )
        );
        assert!(matches!(
            uploaded(b""),
            Err(AppError::Invalid {
                field: Field::File,
                ..
            })
        ));
        assert_eq!(uploaded(b"x").unwrap(), b"x");
    }

    #[test]
    fn a_file_of_another_kind_is_refused_in_format_naming_its_kind() {
        let linkedin = b"Notes:\n\"When exporting your connection data...\"\n\n\
First Name,Last Name,URL,Email Address,Company,Position,Connected On\n\
Ada,Lovelace,https://www.linkedin.com/in/ada,,,,05 Oct 2020\n";
        let refused = |format: Format, bytes: &[u8]| match format.read(bytes) {
            Err(AppError::Invalid { field, message }) => (field, message),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            refused(Format::Google, linkedin),
            (
                Field::Format,
                "this looks like a LinkedIn connections export, not a Google Contacts export \
                 (it has the column 'Connected On')"
                    .to_owned()
            )
        );
        assert_eq!(
            refused(Format::Vcard, linkedin).1,
            "this looks like a LinkedIn connections export, not a vCard file"
        );
        assert_eq!(looks_like(linkedin), Some(Format::LinkedIn));
        assert_eq!(
            looks_like(b"\xef\xbb\xbfBEGIN:VCARD\r\n"),
            Some(Format::Vcard)
        );
        assert_eq!(looks_like(b"Name,Phone\n"), None);
        assert_eq!(Format::LinkedIn.read(linkedin).unwrap().len(), 1);
    }

    #[test]
    fn a_refused_record_is_named_and_a_kept_one_carries_its_warnings() {
        let file = b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n\
,,https://www.linkedin.com/in/gone,,Initech,,01 Mar 2020\n\
Eve,Bad,https://www.linkedin.com/in/eve,not-an-email,,,03 Mar 2022\n";
        let read = Read::new(Format::LinkedIn.read(file).unwrap());
        let rows: Vec<_> = read
            .rows
            .iter()
            .map(|r| (r.line, r.name.as_deref(), r.warnings.len()))
            .collect();
        assert_eq!(rows, [(2, Some("Initech"), 0), (3, Some("Eve Bad"), 1)]);
        assert_eq!(read.rows[1].warnings[0].column, "Email Address");
        assert_eq!(read.records().len(), 1);
    }
}
