//! Whatever text is stored (an older Kith's database, a crafted import,
//! a card kept as a client sent it), the documents Kith writes from it
//! stay well-formed (#24): a contact whose every text field and kept card
//! are arbitrary goes through the vCard writer into a CardDAV multistatus
//! (as the sync-collection report writes it), which a strict XML check
//! (`kith_interop::dav_xml::well_formed`: XML 1.0's characters, nesting,
//! one root, references) must accept; and arbitrary titles, places, names,
//! addresses and UIDs go through the iCalendar feed, whose every line must
//! be CRLF-terminated, at most 75 octets, free of control characters but
//! tab, and read back by calcard.
#![no_main]

use chrono::{NaiveDate, TimeZone as _, Utc};
use kith_core::contact::{Contact, ContactRef, Organisation, StoredLink};
use kith_core::follow_up::Owner;
use kith_core::ical::{BlockEvent, Feed, MeetingEvent, Person, TodoEvent, feed};
use kith_core::ids::{ContactId, MeetingId, OrganisationId, OutreachBlockId};
use kith_core::meeting::{Meeting, MeetingMode, MeetingStatus};
use kith_core::outreach::BlockInstance;
use kith_interop::dav_xml::{Multistatus, escape, well_formed};
use kith_interop::vcard::{Version, write_card};
use libfuzzer_sys::fuzz_target;

fn some(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

/// A stored contact whose text is `texts`, taken in turn.
fn contact(texts: &[String]) -> Contact {
    let at = Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0).unwrap();
    let t = |i: usize| texts.get(i).map(String::as_str).unwrap_or_default();
    Contact {
        id: ContactId(1),
        uid: t(0).to_owned(),
        name: t(1).to_owned(),
        given_name: some(t(2)),
        family_name: some(t(3)),
        nickname: some(t(4)),
        emails: vec![t(5).to_owned()],
        phones: vec![t(6).to_owned()],
        links: vec![StoredLink {
            url: t(7).to_owned(),
            kind: "web".into(),
        }],
        organisation: some(t(8)).map(|name| Organisation {
            id: OrganisationId(1),
            name,
            is_mine: false,
        }),
        title: some(t(9)),
        function: some(t(10)),
        industry: some(t(11)),
        location: some(t(12)),
        timezone: some(t(13)),
        birthday: some(t(14)),
        how_met: some(t(15)),
        introduced_by: None,
        tags: texts.iter().skip(16).cloned().collect(),
        notes: some(t(2)),
        cadence: None,
        snoozed_until: None,
        archived: false,
        created_at: at,
        updated_at: at,
        revision: 1,
    }
}

/// The report a sync-collection answers with the card's text, its href
/// and the display name (both stored text too), as `dav/props.rs` writes it.
fn report(href: &str, display_name: &str, card: &str) -> String {
    let mut out = Multistatus::new();
    out.response(
        href,
        &[
            ("d:getetag".into(), escape("\"1-1\"").into_owned()),
            ("card:address-data".into(), escape(card).into_owned()),
            ("d:displayname".into(), escape(display_name).into_owned()),
        ],
        &["d:nope".into()],
    );
    out.status(href, "404 Not Found");
    out.finish(Some(display_name))
}

fn check_ical(text: &str) {
    assert!(text.ends_with("\r\n"), "no final CRLF");
    for line in text[..text.len() - 2].split("\r\n") {
        assert!(
            line.len() <= 75,
            "a line of {} octets: {line:?}",
            line.len()
        );
        assert!(
            !line.contains(|c: char| c.is_control() && c != '\t'),
            "a control character: {line:?}"
        );
    }
    match calcard::Parser::new(text).entry() {
        calcard::Entry::ICalendar(_) => {}
        other => panic!("calcard could not read it: {other:?}\n{text}"),
    }
}

fuzz_target!(|input: (Vec<String>, String, String, bool)| {
    let (texts, stored_card, display_name, v4) = input;
    let c = contact(&texts);
    let version = if v4 { Version::V4 } else { Version::V3 };
    let original = (!stored_card.is_empty()).then_some(stored_card.as_str());
    let card = write_card(&c, original, version);
    let href = format!("/dav/addressbooks/u/contacts/{}.vcf", c.uid);
    let xml = report(&href, &display_name, &card);
    if let Err(e) = well_formed(&xml) {
        panic!("the report is not well-formed: {e}\n{xml:?}");
    }

    // The feed: every stored text of a meeting, a block and a to-do.
    let t = |i: usize| texts.get(i).cloned().unwrap_or_default();
    let at = Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0).unwrap();
    let meeting = Meeting {
        id: MeetingId(1),
        uid: t(0),
        title: t(1),
        starts_at: at,
        minutes: 45,
        mode: MeetingMode::InPerson { place: t(2) },
        sequence: 1,
        status: MeetingStatus::Scheduled,
        attendees: vec![ContactRef {
            id: ContactId(2),
            name: t(3),
        }],
        dtstamp: at,
        conversation: None,
    };
    let organiser = Person {
        name: display_name.clone(),
        email: t(4),
    };
    let attendees = [Person {
        name: t(3),
        email: t(5),
    }];
    let meetings = [MeetingEvent {
        meeting: &meeting,
        organizer: Some(&organiser),
        attendees: &attendees,
    }];
    let blocks = [BlockEvent {
        instance: BlockInstance {
            block: OutreachBlockId(4),
            goal: None,
            capacity: 1,
            date: NaiveDate::from_ymd_opt(2026, 12, 8).unwrap(),
            starts_at: at,
            ends_at: at,
        },
        goal: some(&t(6)),
        people: vec![(t(3), t(7), texts.iter().skip(8).cloned().collect())],
    }];
    let todos = [TodoEvent {
        id: 3,
        owner: Owner::Me,
        contact: t(3),
        title: t(8),
        due_on: NaiveDate::from_ymd_opt(2026, 12, 10).unwrap(),
        created_at: at,
    }];
    let text = feed(&Feed {
        name: &display_name,
        meetings: &meetings,
        blocks: &blocks,
        todos: &todos,
        uid_space: "0123456789abcdef0123456789abcdef",
        now: at,
    });
    check_ical(&text);
});
