//! Any bytes through the vCard importer: each card is read into a draft or
//! rejected with a line and a reason, never a panic. Each card read is then
//! written back over its own text (what `kith export vcard` and CardDAV do
//! with a stored card) in 3.0 and 4.0, and merged with the first card, and
//! what is written must read again.
#![no_main]

use kith_fuzz::stored;
use kith_interop::vcard::{Version, merge_cards, read, write_card};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut first: Option<String> = None;
    for parsed in read(data) {
        match parsed {
            Ok(item) => {
                assert!(item.line >= 1);
                let contact = stored(&item.draft);
                let card = item.card.as_deref();
                for version in [Version::V3, Version::V4] {
                    let written = write_card(&contact, card, version);
                    let again = read(written.as_bytes());
                    assert_eq!(again.len(), 1, "one card written\n{written}");
                    assert!(again[0].is_ok(), "{:?}\n{written}", again[0]);
                }
                if let (Some(kept), Some(other)) = (first.as_deref(), card) {
                    let _ = merge_cards(kept, other);
                }
                if first.is_none() {
                    first = item.card.clone();
                }
            }
            Err(rejected) => assert!(rejected.line >= 1 && !rejected.reason.is_empty()),
        }
    }
});
