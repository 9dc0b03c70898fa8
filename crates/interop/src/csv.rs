//! Contact exports as CSV: LinkedIn `Connections.csv`, Google Contacts and
//! Outlook. Columns are found by name (case-insensitive), so reordered or
//! extra columns do no harm. A file of another kind is refused as a whole,
//! saying which kind it looks like. A cell that cannot be read is left out
//! with a warning naming its column and value, and the person still
//! imports; only a row with no usable name is refused. [`export`] writes
//! contacts back out as one CSV file for spreadsheets.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;

use chrono::NaiveDate;
use kith_core::ValidationError;
use kith_core::contact::ContactDraft;
use kith_core::values::{ContactName, Email, Link, optional_text};

use crate::{ImportItem, Record, Rejected, Warning, fingerprint};

pub mod export;
mod google;
mod outlook;

/// Which program wrote the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    LinkedIn,
    Google,
    Outlook,
}

impl Dialect {
    pub fn name(self) -> &'static str {
        match self {
            Dialect::LinkedIn => "linkedin",
            Dialect::Google => "google",
            Dialect::Outlook => "outlook",
        }
    }

    /// What a person calls such a file.
    pub fn title(self) -> &'static str {
        match self {
            Dialect::LinkedIn => "a LinkedIn connections export",
            Dialect::Google => "a Google Contacts export",
            Dialect::Outlook => "an Outlook contacts export",
        }
    }
}

/// Why a whole file cannot be read as the dialect asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileError {
    /// It is another program's export, known by a column only that one has.
    Other {
        asked: Dialect,
        looks_like: Dialect,
        column: &'static str,
    },
    /// It is a vCard file.
    Vcard { asked: Dialect },
    /// It lacks a column every file of the dialect has.
    Missing {
        asked: Dialect,
        column: &'static str,
    },
    /// Its header row cannot be read.
    Header(String),
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileError::Other {
                asked,
                looks_like,
                column,
            } => write!(
                f,
                "this looks like {}, not {} (it has the column '{column}')",
                looks_like.title(),
                asked.title()
            ),
            FileError::Vcard { asked } => {
                write!(f, "this looks like a vCard file, not {}", asked.title())
            }
            FileError::Missing { asked, column } => write!(
                f,
                "this does not look like {}: it has no column '{column}'",
                asked.title()
            ),
            FileError::Header(e) => write!(f, "cannot read the header row: {e}"),
        }
    }
}

impl std::error::Error for FileError {}

/// Whether the text is a vCard file rather than a CSV one.
fn is_vcard(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .get(..11)
        .is_some_and(|s| s.eq_ignore_ascii_case("BEGIN:VCARD"))
}

/// The lines before the header, and the text from the header on. LinkedIn
/// writes a few "Notes:" lines before its header, whatever the file is read as.
fn body(text: &str, dialect: Dialect) -> (usize, &str) {
    let notes = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .get(..6)
        .is_some_and(|s| s.eq_ignore_ascii_case("notes:"));
    if dialect == Dialect::LinkedIn || notes {
        skip_to_header(text, "first name,")
    } else {
        (0, text)
    }
}

/// The dialect a CSV file's header says it is, if any says so.
pub fn sniff(bytes: &[u8]) -> Option<Dialect> {
    let text = crate::decode(bytes);
    let (_, body) = body(&text, Dialect::LinkedIn);
    let mut reader = ::csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(body.as_bytes());
    let header = Header::new(reader.headers().ok()?);
    header.kind()
}

/// Reads every row of a CSV export in the given dialect, or says why the
/// file is not one.
// Long on purpose: one loop over the records that keeps the csv reader,
// the line counter and the output together.
pub fn read(bytes: &[u8], dialect: Dialect) -> Result<Vec<Record>, FileError> {
    let text = crate::decode(bytes);
    if is_vcard(&text) {
        return Err(FileError::Vcard { asked: dialect });
    }
    let (skipped, body) = body(&text, dialect);
    let mut reader = ::csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(body.as_bytes());
    let header = Header::new(
        reader
            .headers()
            .map_err(|e| FileError::Header(e.to_string()))?,
    );
    header.check(dialect)?;
    let mut out = Vec::new();
    let mut record = ::csv::StringRecord::new();
    let mut lines = LineCounter::new(body);
    loop {
        let line = skipped + lines.at(reader.position().byte());
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                if record.iter().all(|f| f.trim().is_empty()) {
                    continue;
                }
                let line = record
                    .position()
                    .map_or(line, |p| skipped + lines.at(p.byte()));
                out.push(row_record(&header, &record, line, dialect));
            }
            Err(e) => {
                let line = e.position().map_or(line, |p| skipped + lines.at(p.byte()));
                out.push(Record::from(Err(Rejected {
                    line,
                    reason: format!("unreadable CSV: {e}"),
                })));
                if !matches!(e.kind(), ::csv::ErrorKind::Utf8 { .. }) {
                    break;
                }
            }
        }
    }
    Ok(out)
}

/// One row as a record: the person, or why not, with what was left out.
fn row_record(
    header: &Header,
    record: &::csv::StringRecord,
    line: usize,
    dialect: Dialect,
) -> Record {
    let row = Row {
        header,
        record,
        warnings: RefCell::new(Vec::new()),
    };
    let mapped = match dialect {
        Dialect::LinkedIn => linkedin(&row),
        Dialect::Google => google::google(&row),
        Dialect::Outlook => outlook::outlook(&row),
    };
    let who = mapped.is_err().then(|| row.who()).flatten();
    let parsed = mapped
        .map(|m| ImportItem {
            line,
            fingerprint: fingerprint(&record.iter().collect::<Vec<_>>().join("\u{1f}")),
            key: m.key,
            draft: m.draft,
            card: m.card,
            connected_on: m.connected_on,
        })
        .map_err(|reason| Rejected { line, reason });
    Record {
        parsed,
        who,
        warnings: row.warnings.into_inner(),
    }
}
/// The 1-based line of a byte offset, counted forwards only (csv's own line
/// numbers are one short after a CRLF line end).
struct LineCounter<'a> {
    text: &'a [u8],
    byte: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text: text.as_bytes(),
            byte: 0,
            line: 1,
        }
    }

    fn at(&mut self, byte: u64) -> usize {
        let mut byte = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        // A record "starts" on the line end of the one before it.
        while byte < self.text.len() && matches!(self.text[byte], b'\r' | b'\n') {
            byte += 1;
        }
        if byte >= self.byte {
            self.line += self.text[self.byte..byte]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            self.byte = byte;
        }
        self.line
    }
}

/// The lines before the header (whose lower-cased text starts with `start`).
fn skip_to_header<'a>(text: &'a str, start: &str) -> (usize, &'a str) {
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if line.trim_start().to_lowercase().starts_with(start) {
            return (i, &text[offset..]);
        }
        offset += line.len();
    }
    (0, text)
}

struct Header {
    columns: HashMap<String, usize>,
}

impl Header {
    fn new(record: &::csv::StringRecord) -> Self {
        let columns = record
            .iter()
            .enumerate()
            .map(|(i, name)| (name.trim().trim_start_matches('\u{feff}').to_lowercase(), i))
            .collect();
        Self { columns }
    }

    fn index(&self, name: &str) -> Option<usize> {
        self.columns.get(&name.to_lowercase()).copied()
    }

    /// The columns only one dialect's export has.
    const TELLS: [(Dialect, &'static str); 5] = [
        (Dialect::LinkedIn, "Connected On"),
        (Dialect::Google, "E-mail 1 - Value"),
        (Dialect::Google, "Labels"),
        (Dialect::Google, "Group Membership"),
        (Dialect::Outlook, "E-mail Address"),
    ];

    /// The dialect the header says it is, if a column tells.
    fn kind(&self) -> Option<Dialect> {
        Self::TELLS
            .into_iter()
            .find(|(_, column)| self.index(column).is_some())
            .map(|(d, _)| d)
    }

    /// Refuses a header of another dialect's export (Google's and Outlook's
    /// files share LinkedIn's "First Name", and read as the wrong kind they
    /// would lose everything else in silence), or one without a column
    /// that identifies the dialect.
    fn check(&self, asked: Dialect) -> Result<(), FileError> {
        if let Some((looks_like, column)) = Self::TELLS
            .into_iter()
            .find(|(other, column)| *other != asked && self.index(column).is_some())
        {
            return Err(FileError::Other {
                asked,
                looks_like,
                column,
            });
        }
        let any = |names: &[&'static str]| names.iter().any(|n| self.index(n).is_some());
        let missing = match asked {
            Dialect::LinkedIn => ["First Name", "Last Name", "URL"]
                .into_iter()
                .find(|c| self.index(c).is_none()),
            Dialect::Google => {
                (!any(&["First Name", "Given Name", "Name"])).then_some("First Name")
            }
            Dialect::Outlook => (!any(&["First Name"])).then_some("First Name"),
        };
        match missing {
            Some(column) => Err(FileError::Missing { asked, column }),
            None => Ok(()),
        }
    }
}

/// One row being read, and the cells left out of it so far.
struct Row<'a> {
    header: &'a Header,
    record: &'a ::csv::StringRecord,
    warnings: RefCell<Vec<Warning>>,
}

/// At most 80 characters of a cell, on one line, for a report.
pub(crate) fn shorten(value: &str) -> String {
    let one_line: String = value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    match one_line.char_indices().nth(80) {
        Some((at, _)) => format!("{}…", &one_line[..at]),
        None => one_line,
    }
}

impl Row<'_> {
    /// The trimmed value of the first of `names` that is present and not empty.
    fn get(&self, names: &[&str]) -> Option<(String, &str)> {
        names.iter().find_map(|name| {
            let value = self.record.get(self.header.index(name)?)?.trim();
            (!value.is_empty()).then(|| (name.to_string(), value))
        })
    }

    /// Notes a cell left out.
    fn warn(&self, column: &str, value: &str, message: String) {
        self.warnings.borrow_mut().push(Warning {
            column: column.to_owned(),
            value: shorten(value),
            message,
        });
    }

    /// `value` of `column` read with `parse`; one that does not pass is
    /// left out with a warning.
    fn read<T>(
        &self,
        column: &str,
        value: &str,
        parse: impl FnOnce(&str) -> Result<T, ValidationError>,
    ) -> Option<T> {
        match parse(value) {
            Ok(v) => Some(v),
            Err(e) => {
                self.warn(column, value, e.message);
                None
            }
        }
    }

    /// The first of `names` that has a value, read with `parse`.
    fn parsed<T>(
        &self,
        names: &[&str],
        parse: impl FnOnce(&str) -> Result<T, ValidationError>,
    ) -> Option<T> {
        let (column, value) = self.get(names)?;
        self.read(&column, value, parse)
    }

    /// A free-text cell (a line or a note).
    fn text(&self, names: &[&str]) -> Option<String> {
        self.parsed(names, |v| {
            optional_text(names[0], Some(v), 2000).map(Option::unwrap_or_default)
        })
    }

    /// Whatever name-ish text the row has, to name it when it is refused.
    fn who(&self) -> Option<String> {
        let raw = |names: &[&str]| {
            names
                .iter()
                .filter_map(|n| self.get(&[n]).map(|(_, v)| v))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let name = raw(&[
            "First Name",
            "Given Name",
            "Middle Name",
            "Additional Name",
            "Last Name",
            "Family Name",
        ]);
        let who = if name.is_empty() {
            self.get(&[
                "Name",
                "File As",
                "Nickname",
                "Company",
                "Organization Name",
                "Organization 1 - Name",
                "Email Address",
                "E-mail Address",
                "E-mail 1 - Value",
                "URL",
            ])
            .map(|(_, v)| v.to_owned())?
        } else {
            name
        };
        Some(shorten(&who))
    }

    /// Why a row whose `columns` give no usable name is refused.
    fn no_name(&self, columns: &[&str], none: &str) -> String {
        let raw: Vec<&str> = columns
            .iter()
            .filter_map(|c| self.get(&[c]).map(|(_, v)| v))
            .collect();
        match ContactName::parse(&raw.join(" ")) {
            Err(e) if !raw.is_empty() => format!("no usable name: {}", e.message),
            _ => none.to_owned(),
        }
    }
}

fn name_of(given: Option<&str>, family: Option<&str>) -> Option<ContactName> {
    let joined = [given, family]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    ContactName::parse(&joined).ok()
}

fn push_unique<T: PartialEq>(list: &mut Vec<T>, value: T) {
    if !list.contains(&value) {
        list.push(value);
    }
}

/// A row as a person: its key in the source, the draft, the day of the
/// LinkedIn connection and the card kept beside the contact.
struct Mapped {
    key: String,
    draft: ContactDraft,
    connected_on: Option<NaiveDate>,
    card: Option<String>,
}

/// A row as a person, or why it names nobody.
type Mapping = Result<Mapped, String>;

/// `First Name,Last Name,URL,Email Address,Company,Position,Connected On`.
fn linkedin(row: &Row<'_>) -> Mapping {
    let given = row.text(&["First Name"]);
    let family = row.text(&["Last Name"]);
    let Some(name) = name_of(given.as_deref(), family.as_deref()) else {
        let none = if row.get(&["URL"]).is_none() {
            "no name and no profile URL (a deactivated LinkedIn account)"
        } else {
            "no name (columns 'First Name' and 'Last Name' are empty)"
        };
        return Err(row.no_name(&["First Name", "Last Name"], none));
    };
    let mut draft = ContactDraft {
        name: Some(name),
        given_name: given,
        family_name: family,
        organisation: row.text(&["Company"]),
        title: row.text(&["Position"]),
        ..ContactDraft::default()
    };
    draft.links.extend(row.parsed(&["URL"], Link::parse));
    draft
        .emails
        .extend(row.parsed(&["Email Address"], Email::parse));
    let connected_on = row.parsed(&["Connected On"], |date| {
        NaiveDate::parse_from_str(date, "%d %b %Y")
            .or_else(|_| NaiveDate::parse_from_str(date, "%Y-%m-%d"))
            .map_err(|_| {
                ValidationError::new(
                    "connected on",
                    format!("'{date}' is not a date (expected e.g. 05 Oct 2020)"),
                )
            })
    });
    let key = match (&draft.links.first(), &draft.emails.first()) {
        (Some(link), _) => format!(
            "linkedin:{}",
            kith_core::rules::duplicates::linkedin_key(link.url())
        ),
        (None, Some(email)) => format!("email:{}", email.as_str().to_lowercase()),
        (None, None) => format!("name:{}", draft.name.as_ref().map_or("", |n| n.as_str())),
    };
    Ok(Mapped {
        key,
        draft,
        connected_on,
        card: None,
    })
}

/// What identifies a Google or Outlook row across exports: its first e-mail
/// address, else its first phone, else its name and organisation.
fn key_of(draft: &ContactDraft) -> String {
    if let Some(e) = draft.emails.first() {
        return format!("email:{}", e.as_str().to_lowercase());
    }
    if let Some(p) = draft.phones.first() {
        return format!("phone:{}", p.normalized());
    }
    let name = draft.name.as_ref().map_or("", |n| n.as_str());
    format!(
        "name:{}|{}",
        kith_core::values::sort_key(name),
        draft
            .organisation
            .as_deref()
            .unwrap_or_default()
            .to_lowercase()
    )
}

#[cfg(test)]
mod tests;
