//! Any bytes through the LinkedIn, Google and Outlook CSV readers: the file
//! is refused as a whole with a reason, or each row is read into a draft
//! (any kept card parsing as a vCard) or rejected with a line and a reason,
//! each warning naming its column; never a panic.
//! Every contact read is then written with `kith export csv`'s writer: the
//! file must read back as CSV with one row per contact, no cell starting
//! with a formula character, and the name as it was (less the apostrophe).
#![no_main]

use kith_fuzz::stored;
use kith_interop::csv::export::{COLUMNS, CsvWriter};
use kith_interop::csv::{Dialect, read};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for dialect in [Dialect::LinkedIn, Dialect::Google, Dialect::Outlook] {
        let mut names = Vec::new();
        let mut out = CsvWriter::new();
        let records = match read(data, dialect) {
            Ok(records) => records,
            Err(refused) => {
                assert!(!refused.to_string().is_empty());
                continue;
            }
        };
        for record in records {
            assert!(record.warnings.iter().all(|w| !w.column.is_empty()));
            match record.parsed {
                Ok(item) => {
                    assert!(item.line >= 1);
                    if let Some(card) = &item.card {
                        kith_interop::vcard::parse_card(card).expect("a kept card parses");
                    }
                    let contact = stored(&item.draft);
                    out.push(&contact);
                    names.push(contact.name);
                }
                Err(rejected) => assert!(rejected.line >= 1 && !rejected.reason.is_empty()),
            }
        }
        let text = out.finish();
        let rows: Vec<Vec<String>> = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes())
            .records()
            .map(|r| {
                r.expect("the export reads as CSV")
                    .iter()
                    .map(str::to_owned)
                    .collect()
            })
            .collect();
        assert_eq!(rows.len(), names.len() + 1, "{text}");
        assert_eq!(rows[0], COLUMNS);
        for (row, name) in rows[1..].iter().zip(&names) {
            assert_eq!(row.len(), COLUMNS.len());
            for cell in row {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{cell:?}"
                );
            }
            let back = row[0]
                .strip_prefix('\'')
                .filter(|_| name.starts_with(['=', '+', '-', '@', '\t', '\r']));
            assert_eq!(back.unwrap_or(&row[0]), name);
        }
    }
});
