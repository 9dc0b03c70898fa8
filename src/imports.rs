//! Importing a file into a user's contact book: the one entry point the
//! command line and the web import page share. Bytes in, a report out;
//! reading is `kith_interop`, matching and writing is the store.

use kith_core::ids::{ContactId, UserId};
use kith_interop::csv::Dialect;
use kith_interop::{ImportItem, Parsed};
use kith_store::{ContactEvent, ImportOutcome, ImportRecord, ImportRun, Store, StoreError};

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

    fn read(self, bytes: &[u8]) -> Vec<Parsed> {
        match self {
            Format::Vcard => kith_interop::vcard::read(bytes),
            Format::LinkedIn => kith_interop::csv::read(bytes, Dialect::LinkedIn),
            Format::Google => kith_interop::csv::read(bytes, Dialect::Google),
            Format::Outlook => kith_interop::csv::read(bytes, Dialect::Outlook),
        }
    }
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
) -> Result<ImportReport, StoreError> {
    let parsed = format.read(bytes);
    let mut rows: Vec<ReportRow> = Vec::with_capacity(parsed.len());
    let mut items: Vec<ImportItem> = Vec::new();
    let mut item_rows: Vec<usize> = Vec::new();
    for p in parsed {
        match p {
            Ok(item) => {
                item_rows.push(rows.len());
                rows.push(ReportRow {
                    line: item.line,
                    action: Action::Rejected,
                    name: item.draft.name.as_ref().map(|n| n.as_str().to_owned()),
                    contact: None,
                    reason: None,
                });
                items.push(item);
            }
            Err(rejected) => rows.push(ReportRow {
                line: rejected.line,
                action: Action::Rejected,
                name: None,
                contact: None,
                reason: Some(rejected.reason),
            }),
        }
    }
    let records: Vec<ImportRecord> = items
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
        .collect();
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
                now: chrono::Utc::now(),
            },
        )
        .await?;
    // The names of the existing contacts new ones only look like.
    let alike: Vec<ContactId> = outcomes
        .iter()
        .filter_map(|o| match o {
            ImportOutcome::Created {
                resembles: Some(r), ..
            } => r.contact,
            _ => None,
        })
        .collect();
    let names: std::collections::HashMap<ContactId, String> = store
        .contact_summaries(user, &alike)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    for (i, outcome) in outcomes.into_iter().enumerate() {
        let row = &mut rows[item_rows[i]];
        let (action, contact, reason) = match outcome {
            ImportOutcome::Created { id, resembles } => {
                let reason = resembles.map(|r| {
                    let whom = match (r.contact, r.record) {
                        (Some(c), _) => format!(
                            "#{c} {}",
                            names.get(&c).map_or("", String::as_str)
                        ),
                        (None, Some(record)) => format!(
                            "line {} ({})",
                            items[record].line,
                            items[record].draft.name.as_ref().map_or("", |n| n.as_str())
                        ),
                        (None, None) => "a contact".to_owned(),
                    };
                    format!(
                        "looks like {} ({}) but is kept apart: a possible duplicate, see `kith duplicates`",
                        whom.trim_end(),
                        r.reason
                    )
                });
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
                    Some(r) => format!("{reason}, as line {}", items[r].line),
                    None => reason,
                };
                (Action::Merged, into, Some(reason))
            }
            ImportOutcome::Failed(why) => (Action::Rejected, None, Some(why)),
        };
        row.action = action;
        row.contact = contact;
        row.reason = reason;
    }
    rows.sort_by_key(|r| r.line);
    Ok(ImportReport {
        format,
        dry_run: options.dry_run,
        rows,
    })
}
