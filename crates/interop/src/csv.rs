//! Contact exports as CSV: LinkedIn `Connections.csv`, Google Contacts and
//! Outlook. Columns are found by name (case-insensitive), so reordered or
//! extra columns do no harm; a row whose values cannot be read is rejected
//! with its line and the column at fault, and the other rows still import.
//! [`export`] writes contacts back out as one CSV file for spreadsheets.

use std::collections::HashMap;

use chrono::NaiveDate;
use kith_core::contact::ContactDraft;
use kith_core::values::{Birthday, ContactName, Email, Link, Phone, TagName, optional_text};

use crate::{ImportItem, Parsed, Rejected, fingerprint};

pub mod export;

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
}

/// Reads every row of a CSV export in the given dialect.
// Long on purpose: the header's three refusals, then one loop over the records that
// keeps the csv reader, the line counter and the output together.
pub fn read(bytes: &[u8], dialect: Dialect) -> Vec<Parsed> {
    let text = crate::decode(bytes);
    // LinkedIn writes a few "Notes:" lines before the header.
    let (skipped, body) = match dialect {
        Dialect::LinkedIn => skip_to_header(&text, "first name,"),
        _ => (0, text.as_str()),
    };
    let mut reader = ::csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(body.as_bytes());
    let header: Header = match reader.headers() {
        Ok(h) => Header::new(h),
        Err(e) => {
            return vec![Err(Rejected {
                line: skipped + 1,
                reason: format!("cannot read the header: {e}"),
            })];
        }
    };
    if let Some((other, column)) = header.other_export(dialect) {
        return vec![Err(Rejected {
            line: skipped + 1,
            reason: format!(
                "this is a {} export, not {} (it has the column '{column}'); import it as {0}",
                other.name(),
                dialect.name()
            ),
        })];
    }
    if let Some(missing) = header.missing(dialect) {
        return vec![Err(Rejected {
            line: skipped + 1,
            reason: format!(
                "this is not a {} export: no column '{missing}'",
                dialect.name()
            ),
        })];
    }
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
                let row = Row {
                    header: &header,
                    record: &record,
                };
                let line = record
                    .position()
                    .map_or(line, |p| skipped + lines.at(p.byte()));
                out.push(
                    match dialect {
                        Dialect::LinkedIn => linkedin(&row),
                        Dialect::Google => google(&row),
                        Dialect::Outlook => outlook(&row),
                    }
                    .map(|(key, draft, connected_on)| ImportItem {
                        line,
                        fingerprint: fingerprint(&record.iter().collect::<Vec<_>>().join("\u{1f}")),
                        key,
                        draft,
                        card: None,
                        connected_on,
                    })
                    .map_err(|reason| Rejected { line, reason }),
                );
            }
            Err(e) => {
                let line = e.position().map_or(line, |p| skipped + lines.at(p.byte()));
                out.push(Err(Rejected {
                    line,
                    reason: format!("unreadable CSV: {e}"),
                }));
                if !matches!(e.kind(), ::csv::ErrorKind::Utf8 { .. }) {
                    break;
                }
            }
        }
    }
    out
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

    /// A column that only another dialect's export has, with that dialect:
    /// Google's and Outlook's files share LinkedIn's "First Name", and read
    /// as the wrong kind they would lose everything else in silence.
    fn other_export(&self, dialect: Dialect) -> Option<(Dialect, &'static str)> {
        [
            (Dialect::LinkedIn, "Connected On"),
            (Dialect::Google, "E-mail 1 - Value"),
            (Dialect::Google, "Labels"),
            (Dialect::Outlook, "E-mail Address"),
        ]
        .into_iter()
        .find(|(other, column)| *other != dialect && self.index(column).is_some())
    }

    /// A column that identifies the dialect and is absent.
    fn missing(&self, dialect: Dialect) -> Option<&'static str> {
        let any = |names: &[&'static str]| names.iter().any(|n| self.index(n).is_some());
        match dialect {
            Dialect::LinkedIn => ["First Name", "Last Name", "URL"]
                .into_iter()
                .find(|c| self.index(c).is_none()),
            Dialect::Google => {
                (!any(&["First Name", "Given Name", "Name"])).then_some("First Name")
            }
            Dialect::Outlook => (!any(&["First Name"])).then_some("First Name"),
        }
    }
}

struct Row<'a> {
    header: &'a Header,
    record: &'a ::csv::StringRecord,
}

impl Row<'_> {
    /// The trimmed value of the first of `names` that is present and not empty.
    fn get(&self, names: &[&str]) -> Option<(String, &str)> {
        names.iter().find_map(|name| {
            let value = self.record.get(self.header.index(name)?)?.trim();
            (!value.is_empty()).then(|| (name.to_string(), value))
        })
    }

    fn text(&self, names: &[&str]) -> Result<Option<String>, String> {
        match self.get(names) {
            Some((column, value)) => optional_text(&column, Some(value), 2000)
                .map_err(|e| format!("column '{column}': {}", e.message)),
            None => Ok(None),
        }
    }
}

fn bad(column: &str, e: kith_core::ValidationError) -> String {
    format!("column '{column}': {}", e.message)
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

type Mapped = Result<(String, ContactDraft, Option<NaiveDate>), String>;

/// `First Name,Last Name,URL,Email Address,Company,Position,Connected On`.
fn linkedin(row: &Row<'_>) -> Mapped {
    let given = row.text(&["First Name"])?;
    let family = row.text(&["Last Name"])?;
    let url = row.get(&["URL"]);
    let Some(name) = name_of(given.as_deref(), family.as_deref()) else {
        return Err(if url.is_none() {
            "no name and no profile URL (a deactivated LinkedIn account)".into()
        } else {
            "no name (columns 'First Name' and 'Last Name' are empty)".into()
        });
    };
    let mut draft = ContactDraft {
        name: Some(name),
        given_name: given,
        family_name: family,
        organisation: row.text(&["Company"])?,
        title: row.text(&["Position"])?,
        ..ContactDraft::default()
    };
    if let Some((column, url)) = &url {
        draft
            .links
            .push(Link::parse(url).map_err(|e| bad(column, e))?);
    }
    if let Some((column, email)) = row.get(&["Email Address"]) {
        draft
            .emails
            .push(Email::parse(email).map_err(|e| bad(&column, e))?);
    }
    let connected_on = match row.get(&["Connected On"]) {
        Some((column, date)) => Some(
            NaiveDate::parse_from_str(date, "%d %b %Y")
                .or_else(|_| NaiveDate::parse_from_str(date, "%Y-%m-%d"))
                .map_err(|_| {
                    format!("column '{column}': '{date}' is not a date (expected e.g. 05 Oct 2020)")
                })?,
        ),
        None => None,
    };
    let key = match (&draft.links.first(), &draft.emails.first()) {
        (Some(link), _) => format!(
            "linkedin:{}",
            kith_core::rules::duplicates::linkedin_key(link.url())
        ),
        (None, Some(email)) => format!("email:{}", email.as_str().to_lowercase()),
        (None, None) => format!("name:{}", draft.name.as_ref().unwrap()),
    };
    Ok((key, draft, connected_on))
}

/// Google's ` ::: `-joined values of a column, each trimmed.
fn multi(value: &str) -> impl Iterator<Item = &str> {
    value.split(":::").map(str::trim).filter(|v| !v.is_empty())
}

/// Google Contacts CSV, in the current (`First Name`, `Labels`) and older
/// (`Given Name`, `Group Membership`) layouts, with numbered
/// `E-mail N - Value`, `Phone N - Value` and `Website N - Value` groups.
fn google(row: &Row<'_>) -> Mapped {
    let given = row.text(&["First Name", "Given Name"])?;
    let family = row.text(&["Last Name", "Family Name"])?;
    let organisation = row.text(&["Organization Name", "Organization 1 - Name"])?;
    let mut emails = Vec::new();
    let mut phones = Vec::new();
    let mut links = Vec::new();
    for n in 1..=20 {
        if let Some((column, value)) = row.get(&[&format!("E-mail {n} - Value")]) {
            for v in multi(value) {
                push_unique(&mut emails, Email::parse(v).map_err(|e| bad(&column, e))?);
            }
        }
        if let Some((column, value)) = row.get(&[&format!("Phone {n} - Value")]) {
            for v in multi(value) {
                push_unique(&mut phones, Phone::parse(v).map_err(|e| bad(&column, e))?);
            }
        }
        if let Some((column, value)) = row.get(&[&format!("Website {n} - Value")]) {
            for v in multi(value) {
                push_unique(&mut links, Link::parse(v).map_err(|e| bad(&column, e))?);
            }
        }
    }
    let name = row
        .text(&["Name", "File As"])?
        .and_then(|n| ContactName::parse(&n).ok())
        .or_else(|| name_of(given.as_deref(), family.as_deref()))
        .or_else(|| {
            organisation
                .as_deref()
                .and_then(|o| ContactName::parse(o).ok())
        })
        .or_else(|| {
            emails
                .first()
                .and_then(|e| ContactName::parse(e.as_str()).ok())
        })
        .ok_or("no name, organisation or e-mail address")?;
    let mut tags = Vec::new();
    if let Some((column, labels)) = row.get(&["Labels", "Group Membership"]) {
        for label in multi(labels) {
            // "* myContacts" and "* starred" are Google's own groups.
            if !label.starts_with('*') {
                push_unique(
                    &mut tags,
                    TagName::parse(label).map_err(|e| bad(&column, e))?,
                );
            }
        }
    }
    let birthday = match row.get(&["Birthday"]) {
        Some((column, b)) => Some(Birthday::parse(b).map_err(|e| bad(&column, e))?),
        None => None,
    };
    let draft = ContactDraft {
        name: Some(name),
        given_name: given,
        family_name: family,
        nickname: row.text(&["Nickname"])?,
        emails,
        phones,
        links,
        organisation,
        title: row.text(&["Organization Title", "Organization 1 - Title"])?,
        birthday,
        tags,
        notes: row.text(&["Notes"])?,
        ..ContactDraft::default()
    };
    Ok((key_of(&draft), draft, None))
}

/// Outlook's CSV export (`E-mail Address`, `Business Phone`, `Job Title`,
/// `Web Page`, `Categories` joined with `;`).
// Long on purpose: one Outlook row to one draft, column by column, read top to bottom.
fn outlook(row: &Row<'_>) -> Mapped {
    let given = row.text(&["First Name"])?;
    let family = row.text(&["Last Name"])?;
    let organisation = row.text(&["Company"])?;
    let mut emails = Vec::new();
    for column in ["E-mail Address", "E-mail 2 Address", "E-mail 3 Address"] {
        if let Some((column, value)) = row.get(&[column]) {
            push_unique(
                &mut emails,
                Email::parse(value).map_err(|e| bad(&column, e))?,
            );
        }
    }
    let mut phones = Vec::new();
    for column in [
        "Mobile Phone",
        "Business Phone",
        "Business Phone 2",
        "Home Phone",
        "Home Phone 2",
        "Primary Phone",
        "Other Phone",
        "Company Main Phone",
    ] {
        if let Some((column, value)) = row.get(&[column]) {
            push_unique(
                &mut phones,
                Phone::parse(value).map_err(|e| bad(&column, e))?,
            );
        }
    }
    let mut links = Vec::new();
    if let Some((column, value)) = row.get(&["Web Page"]) {
        links.push(Link::parse(value).map_err(|e| bad(&column, e))?);
    }
    let name = name_of(given.as_deref(), family.as_deref())
        .or_else(|| {
            organisation
                .as_deref()
                .and_then(|o| ContactName::parse(o).ok())
        })
        .or_else(|| {
            emails
                .first()
                .and_then(|e| ContactName::parse(e.as_str()).ok())
        })
        .ok_or("no name, company or e-mail address")?;
    let mut tags = Vec::new();
    if let Some((column, categories)) = row.get(&["Categories"]) {
        for c in categories
            .split(';')
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            push_unique(&mut tags, TagName::parse(c).map_err(|e| bad(&column, e))?);
        }
    }
    // Outlook writes "0/0/00" for no birthday, and M/D/YYYY otherwise.
    let birthday = match row.get(&["Birthday"]) {
        Some((_, "0/0/00")) | None => None,
        Some((column, b)) => Some(
            NaiveDate::parse_from_str(b, "%m/%d/%Y")
                .ok()
                .and_then(|d| Birthday::parse(&d.to_string()).ok())
                .or_else(|| Birthday::parse(b).ok())
                .ok_or_else(|| {
                    format!("column '{column}': '{b}' is not a date (expected M/D/YYYY)")
                })?,
        ),
    };
    let draft = ContactDraft {
        name: Some(name),
        given_name: given,
        family_name: family,
        nickname: row.text(&["Nickname"])?,
        emails,
        phones,
        links,
        organisation,
        title: row.text(&["Job Title"])?,
        function: row.text(&["Department"])?,
        location: row.text(&["Business City", "Home City"])?,
        birthday,
        tags,
        notes: row.text(&["Notes"])?,
        ..ContactDraft::default()
    };
    Ok((key_of(&draft), draft, None))
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
