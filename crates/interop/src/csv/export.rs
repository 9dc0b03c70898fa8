//! Contacts out as one CSV file for spreadsheets: a header row, then one row
//! per contact. Lists (e-mails, phones, links, tags) are joined with ` ::: `,
//! as Google Contacts does. Every cell that a spreadsheet could read as a
//! formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return)
//! gets a leading `'`, as OWASP's CSV-injection guidance says: a spreadsheet
//! then shows the text as it is (the apostrophe only in the edit bar). That
//! includes phone numbers such as `+44 20 7946 0958`.

use std::borrow::Cow;

use kith_core::contact::Contact;

/// What joins the values of a list in one cell (Google Contacts' separator).
pub const LIST_SEPARATOR: &str = " ::: ";

/// The header row, in column order.
pub const COLUMNS: [&str; 24] = [
    "Name",
    "Given Name",
    "Family Name",
    "Nickname",
    "E-mails",
    "Phones",
    "Organisation",
    "Title",
    "Function",
    "Industry",
    "Location",
    "Time Zone",
    "Birthday",
    "How Met",
    "Introduced By",
    "Tags",
    "Links",
    "Notes",
    "Rhythm (days)",
    "Snoozed Until",
    "Archived",
    "Created",
    "Updated",
    "UID",
];

/// `cell` made safe to open in a spreadsheet: a leading `'` when it starts
/// with a character that would make it a formula.
pub fn escape_cell(cell: &str) -> Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// The cells of one contact, unescaped, in the order of [`COLUMNS`].
pub fn row(contact: &Contact) -> [String; COLUMNS.len()] {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let time = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    [
        contact.name.clone(),
        text(&contact.given_name),
        text(&contact.family_name),
        text(&contact.nickname),
        contact.emails.join(LIST_SEPARATOR),
        contact.phones.join(LIST_SEPARATOR),
        contact
            .organisation
            .as_ref()
            .map(|o| o.name.clone())
            .unwrap_or_default(),
        text(&contact.title),
        text(&contact.function),
        text(&contact.industry),
        text(&contact.location),
        text(&contact.timezone),
        text(&contact.birthday),
        text(&contact.how_met),
        contact
            .introduced_by
            .as_ref()
            .map(|c| c.name.clone())
            .unwrap_or_default(),
        contact.tags.join(LIST_SEPARATOR),
        contact
            .links
            .iter()
            .map(|l| l.url.as_str())
            .collect::<Vec<_>>()
            .join(LIST_SEPARATOR),
        text(&contact.notes),
        contact
            .cadence
            .map(|c| c.days().to_string())
            .unwrap_or_default(),
        contact.snoozed_until.map(time).unwrap_or_default(),
        if contact.archived { "yes" } else { "" }.to_owned(),
        time(contact.created_at),
        time(contact.updated_at),
        contact.uid.clone(),
    ]
}

/// Writes CSV, one contact at a time: the header first, then each row with
/// every cell escaped.
pub struct CsvWriter {
    writer: ::csv::Writer<Vec<u8>>,
}

impl Default for CsvWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl CsvWriter {
    pub fn new() -> Self {
        let mut writer = ::csv::WriterBuilder::new()
            .terminator(::csv::Terminator::CRLF)
            .from_writer(Vec::new());
        writer
            .write_record(COLUMNS)
            .expect("writing to memory cannot fail");
        Self { writer }
    }

    pub fn push(&mut self, contact: &Contact) {
        let cells = row(contact);
        self.writer
            .write_record(cells.iter().map(|c| escape_cell(c).into_owned()))
            .expect("writing to memory cannot fail");
    }

    /// The file as text (UTF-8, CRLF line ends, as RFC 4180 says).
    pub fn finish(self) -> String {
        let bytes = self
            .writer
            .into_inner()
            .expect("flushing to memory cannot fail");
        String::from_utf8(bytes).expect("the cells were UTF-8")
    }
}

/// Every contact in `contacts` as one CSV file.
pub fn write(contacts: &[Contact]) -> String {
    let mut out = CsvWriter::new();
    for c in contacts {
        out.push(c);
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone as _, Utc};
    use kith_core::contact::{Organisation, StoredLink};
    use kith_core::ids::{ContactId, OrganisationId};
    use proptest::prelude::*;

    fn contact(name: &str) -> Contact {
        let at = Utc.with_ymd_and_hms(2026, 11, 26, 9, 30, 0).unwrap();
        Contact {
            id: ContactId(1),
            uid: "uid-1".into(),
            name: name.into(),
            given_name: None,
            family_name: None,
            nickname: None,
            emails: vec![],
            phones: vec![],
            links: vec![],
            organisation: None,
            title: None,
            function: None,
            industry: None,
            location: None,
            timezone: None,
            birthday: None,
            how_met: None,
            introduced_by: None,
            tags: vec![],
            notes: None,
            cadence: None,
            snoozed_until: None,
            archived: false,
            created_at: at,
            updated_at: at,
            revision: 1,
        }
    }

    fn read(text: &str) -> Vec<Vec<String>> {
        ::csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect()
    }

    #[test]
    fn formula_cells_get_an_apostrophe() {
        for (input, expected) in [
            (
                "=HYPERLINK(\"http://evil.example\",\"x\")",
                "'=HYPERLINK(\"http://evil.example\",\"x\")",
            ),
            ("+1+2", "'+1+2"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("+44 20 7946 0958", "'+44 20 7946 0958"),
            ("Jane = Doe", "Jane = Doe"),
            ("", ""),
            ("'quoted", "'quoted"),
        ] {
            assert_eq!(escape_cell(input), expected, "{input:?}");
        }
    }

    #[test]
    fn a_full_contact_in_column_order() {
        let mut c = contact("=HYPERLINK(\"http://evil.example\")");
        c.emails = vec!["jane@acme.example".into(), "j@home.example".into()];
        c.phones = vec!["+44 20 7946 0958".into()];
        c.links = vec![StoredLink {
            url: "https://www.linkedin.com/in/jane".into(),
            kind: "linkedin".into(),
        }];
        c.organisation = Some(Organisation {
            id: OrganisationId(3),
            name: "Acme, Inc.".into(),
            is_mine: false,
        });
        c.tags = vec!["mentor".into(), "product".into()];
        c.notes = Some("@SUM(A1)\nsecond line".into());
        c.cadence = kith_core::values::Cadence::from_days(42);
        c.birthday = Some("--12-03".into());
        let rows = read(&write(&[c]));
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0], COLUMNS);
        let cell = |name: &str| rows[1][COLUMNS.iter().position(|c| *c == name).unwrap()].clone();
        assert_eq!(cell("Name"), "'=HYPERLINK(\"http://evil.example\")");
        assert_eq!(cell("E-mails"), "jane@acme.example ::: j@home.example");
        assert_eq!(cell("Phones"), "'+44 20 7946 0958");
        assert_eq!(cell("Organisation"), "Acme, Inc.");
        assert_eq!(cell("Tags"), "mentor ::: product");
        assert_eq!(cell("Links"), "https://www.linkedin.com/in/jane");
        assert_eq!(cell("Notes"), "'@SUM(A1)\nsecond line");
        assert_eq!(cell("Rhythm (days)"), "42");
        assert_eq!(cell("Birthday"), "'--12-03");
        assert_eq!(cell("Created"), "2026-11-26T09:30:00Z");
        assert_eq!(cell("UID"), "uid-1");
    }

    proptest! {
        /// Whatever the text, the cell read back is the text itself, with
        /// one apostrophe in front exactly when it starts with a formula
        /// character; no cell read back starts with one.
        #[test]
        fn every_cell_is_safe_and_keeps_its_text(
            name in "[=+@\t\r-]?\\PC{0,20}",
            notes in "[=+@\t\r-]?[\\PC\r\n\t\",]{0,40}",
            phone in "[+]?[0-9 ]{0,15}",
        ) {
            let mut c = contact(&name);
            c.notes = Some(notes.clone());
            c.phones = vec![phone.clone()];
            let rows = read(&write(&[c]));
            prop_assert_eq!(rows.len(), 2);
            for cell in &rows[1] {
                prop_assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{:?}", cell);
            }
            let unescape = |cell: &str, original: &str| {
                if original.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                    cell.strip_prefix('\'').map(str::to_owned)
                } else {
                    Some(cell.to_owned())
                }
            };
            prop_assert_eq!(unescape(&rows[1][0], &name), Some(name.clone()));
            prop_assert_eq!(unescape(&rows[1][17], &notes), Some(notes.clone()));
            prop_assert_eq!(unescape(&rows[1][5], &phone), Some(phone.clone()));
        }
    }
}
