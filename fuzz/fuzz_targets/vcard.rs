//! Any bytes through the vCard importer: each card is read into a draft or
//! rejected with a line and a reason, never a panic. Each card read is then
//! written back over its own text (what `kith export vcard` and CardDAV do
//! with a stored card) in 3.0 and 4.0, and merged with the first card, and
//! what is written must read again.
#![no_main]

use chrono::{TimeZone as _, Utc};
use kith_core::contact::{Contact, ContactDraft, StoredLink};
use kith_core::ids::ContactId;
use kith_interop::vcard::{Version, merge_cards, read, write_card};
use libfuzzer_sys::fuzz_target;

/// The contact a draft becomes when stored.
fn stored(draft: &ContactDraft) -> Contact {
    let at = Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap();
    Contact {
        id: ContactId(1),
        uid: draft.uid.clone().unwrap_or_else(|| "fuzz-1".into()),
        name: draft
            .name
            .as_ref()
            .map(|n| n.as_str().to_owned())
            .unwrap_or_default(),
        given_name: draft.given_name.clone(),
        family_name: draft.family_name.clone(),
        nickname: draft.nickname.clone(),
        emails: draft.emails.iter().map(|e| e.as_str().to_owned()).collect(),
        phones: draft.phones.iter().map(|p| p.as_str().to_owned()).collect(),
        links: draft
            .links
            .iter()
            .map(|l| StoredLink {
                url: l.url().to_owned(),
                kind: l.kind().as_str().to_owned(),
            })
            .collect(),
        organisation: None,
        title: draft.title.clone(),
        function: draft.function.clone(),
        industry: draft.industry.clone(),
        location: draft.location.clone(),
        timezone: draft.timezone.map(|t| t.name().to_owned()),
        birthday: draft.birthday.map(|b| b.to_string()),
        how_met: draft.how_met.clone(),
        introduced_by: None,
        tags: draft.tags.iter().map(|t| t.as_str().to_owned()).collect(),
        notes: draft.notes.clone(),
        cadence: draft.cadence,
        snoozed_until: None,
        archived: false,
        created_at: at,
        updated_at: at,
        revision: 1,
    }
}

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
