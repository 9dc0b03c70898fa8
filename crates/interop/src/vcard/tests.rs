use std::path::PathBuf;

use chrono::{TimeZone as _, Utc};
use kith_core::contact::{Contact, Organisation, StoredLink};
use kith_core::ids::{ContactId, OrganisationId};

use super::*;

/// The contact the store would hold for a draft (what `add_contacts` writes).
pub(crate) fn stored(draft: &ContactDraft) -> Contact {
    let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    Contact {
        id: ContactId(1),
        uid: draft.uid.clone().unwrap_or_else(|| "generated-uid".into()),
        name: draft.name.as_ref().unwrap().as_str().to_owned(),
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
        organisation: draft.organisation.as_ref().map(|o| Organisation {
            id: OrganisationId(1),
            name: o.clone(),
            is_mine: false,
        }),
        title: draft.title.clone(),
        function: draft.function.clone(),
        industry: draft.industry.clone(),
        location: draft.location.clone(),
        timezone: draft.timezone.map(|z| z.name().to_owned()),
        birthday: draft.birthday.map(|b| b.to_string()),
        how_met: draft.how_met.clone(),
        introduced_by: None,
        tags: {
            let mut t: Vec<String> = draft.tags.iter().map(|t| t.as_str().to_owned()).collect();
            t.sort();
            t.dedup();
            t
        },
        notes: draft.notes.clone(),
        cadence: draft.cadence,
        snoozed_until: None,
        archived: false,
        created_at: at,
        updated_at: at,
        revision: 1,
    }
}

/// A card's properties as calcard reads them back after writing it in
/// `version`, as that version has them (`conform`): what "the same
/// meaning" is compared on.
fn canonical(card: &VCard, version: Version) -> Vec<String> {
    let card = VCard {
        entries: conform::conform(card.entries.clone(), version),
    };
    let mut text = String::new();
    card.write_to(&mut text, version.calcard()).unwrap();
    let again = parse_card(&text).unwrap();
    let mut props: Vec<String> = again
        .entries
        .iter()
        .filter(|e| e.name != VCardProperty::Version)
        .map(|e| format!("{e:?}"))
        .collect();
    props.sort();
    props
}

/// Imports a card and exports it again; returns (original, exported)
/// property lists in `version`.
fn round_trip(text: &str, version: Version) -> (Vec<String>, Vec<String>) {
    let items = read(text.as_bytes());
    let item = items[0].as_ref().unwrap();
    let contact = stored(&item.draft);
    let exported = write_card(&contact, item.card.as_deref(), version);
    let original = canonical(&parse_card(text).unwrap(), version);
    let exported = canonical(&parse_card(&exported).unwrap(), version);
    (original, exported)
}

/// Every original property is in the export; the export adds at most the
/// FN, N and UID that vCard 3.0/4.0 require, and Kith's REV.
/// A property a card holds once (FN in 3.0, N, UID, BDAY…) may give way to
/// the one Kith writes.
fn assert_same_meaning(original: &[String], exported: &[String], what: &str) {
    let mut extra: Vec<String> = exported.to_vec();
    for prop in original {
        match extra.iter().position(|p| p == prop) {
            Some(at) => {
                extra.remove(at);
            }
            None if superseded(prop, exported) => {}
            None => panic!("{what}: lost {prop}\nexported: {exported:#?}"),
        }
    }
    for prop in &extra {
        let added_ok = ["name: Fn", "name: Uid", "name: N,", "name: Rev,"]
            .iter()
            .any(|n| prop.contains(n))
            || superseded(prop, original);
        assert!(added_ok, "{what}: added {prop}");
    }
}

/// Whether `prop` (a `Debug` of an entry) is a property a card holds once,
/// of which `exported` has one; or such a property's second value that 3.0
/// could only have written as an `X-` one (`BDAY;VALUE=text` beside a date).
fn superseded(prop: &str, exported: &[String]) -> bool {
    let name = prop
        .split("name: ")
        .nth(1)
        .and_then(|r| r.split(',').next())
        .unwrap_or_default();
    let name = match name.strip_prefix("Other(\"X-") {
        Some(x) => {
            let x = x.trim_end_matches("\")");
            let mut debug = x[..1].to_owned();
            debug.push_str(&x[1..].to_ascii_lowercase());
            debug
        }
        None => name.to_owned(),
    };
    names::single(&name.to_ascii_uppercase(), Version::V3)
        && exported
            .iter()
            .any(|p| p.contains(&format!("name: {name},")))
}

const APPLE: &str = "BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Apple Inc.//iPhone OS 17.0//EN\r\n\
N:Doe;Jane;;;\r\nFN:Jane Doe\r\nORG:Acme;Engineering\r\n\
item1.EMAIL;type=INTERNET;type=pref:Jane@Acme.Example\r\nitem1.X-ABLabel:_$!<Other>!$_\r\n\
TEL;type=CELL;type=VOICE:+1 (555) 010-2000\r\n\
item2.URL;type=pref:https://www.linkedin.com/in/jane-doe\r\nitem2.X-ABLabel:LinkedIn\r\n\
ADR;type=HOME:;;1 Main St;Springfield;;12345;USA\r\n\
PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/\r\n\
X-SOCIALPROFILE;type=twitter:https://twitter.com/jane\r\n\
BDAY:1990-04-12\r\nNOTE:Met at PyCon\\, 2024\r\nCATEGORIES:Mentor,Product\r\n\
UID:1234-5678\r\nEND:VCARD\r\n";

#[test]
fn an_apple_card_maps_to_a_contact() {
    let items = read(APPLE.as_bytes());
    assert_eq!(items.len(), 1);
    let item = items[0].as_ref().unwrap();
    let d = &item.draft;
    assert_eq!(item.line, 1);
    assert_eq!(item.key, "uid:1234-5678");
    assert_eq!(d.name.as_ref().unwrap().as_str(), "Jane Doe");
    assert_eq!(d.given_name.as_deref(), Some("Jane"));
    assert_eq!(d.family_name.as_deref(), Some("Doe"));
    assert_eq!(d.emails[0].as_str(), "Jane@acme.example");
    assert_eq!(d.phones[0].as_str(), "+1 (555) 010-2000");
    assert_eq!(d.links[0].url(), "https://www.linkedin.com/in/jane-doe");
    assert_eq!(d.organisation.as_deref(), Some("Acme"));
    assert_eq!(d.birthday.unwrap().to_string(), "1990-04-12");
    assert_eq!(d.notes.as_deref(), Some("Met at PyCon, 2024"));
    let tags: Vec<&str> = d.tags.iter().map(|t| t.as_str()).collect();
    assert_eq!(tags, ["mentor", "product"]);
}

#[test]
fn grouped_labels_photos_and_unknown_properties_survive_export() {
    for version in [Version::V3, Version::V4] {
        let (original, exported) = round_trip(APPLE, version);
        assert_same_meaning(&original, &exported, "apple card");
        assert!(exported.iter().any(|p| p.contains("X-ABLabel")));
        assert!(exported.iter().any(|p| p.contains("name: Photo")));
    }
}

#[test]
fn export_follows_changes_and_keeps_the_rest() {
    let items = read(APPLE.as_bytes());
    let item = items[0].as_ref().unwrap();
    let mut contact = stored(&item.draft);
    contact.emails = vec!["jd@new.example".into()];
    contact.title = Some("CTO".into());
    contact.tags.retain(|t| t == "mentor");
    let out = write_card(&contact, item.card.as_deref(), Version::V4);
    assert!(!out.to_lowercase().contains("jane@acme.example"), "{out}");
    assert!(out.contains("EMAIL:jd@new.example"), "{out}");
    assert!(out.contains("TITLE:CTO"), "{out}");
    assert!(out.contains("CATEGORIES:mentor"), "{out}");
    assert!(!out.contains("Product"), "{out}");
    // The label of the removed e-mail stays (it is not Kith's to drop), the
    // address, photo and social profile too.
    assert!(out.contains("ADR;TYPE=HOME"), "{out}");
    assert!(out.contains("X-SOCIALPROFILE"), "{out}");
    assert!(out.contains("PHOTO"), "{out}");
}

#[test]
fn a_contact_without_a_card_is_written_from_its_fields() {
    let items = read(APPLE.as_bytes());
    let contact = stored(&items[0].as_ref().unwrap().draft);
    let out = write_card(&contact, None, Version::V3);
    let again = read(out.as_bytes());
    let draft = &again[0].as_ref().unwrap().draft;
    assert_eq!(stored(draft), contact);
}

#[test]
fn vcard_21_quoted_printable_and_charsets() {
    let card = "BEGIN:VCARD\nVERSION:2.1\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen\n\
FN;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:J=FCrgen M=FCller\n\
NOTE;ENCODING=QUOTED-PRINTABLE:first line=0D=0A=\nsecond line\nTEL;WORK;VOICE:+49 30 1234567\nEND:VCARD\n";
    let items = read(card.as_bytes());
    let d = &items[0].as_ref().unwrap().draft;
    assert_eq!(d.name.as_ref().unwrap().as_str(), "Jürgen Müller");
    assert_eq!(d.family_name.as_deref(), Some("Müller"));
    assert_eq!(d.notes.as_deref(), Some("first line\nsecond line"));
    assert_eq!(d.phones[0].as_str(), "+49 30 1234567");
    let (original, exported) = round_trip(card, Version::V3);
    assert_same_meaning(&original, &exported, "2.1 card");
}

#[test]
fn many_cards_with_line_numbers_and_bad_ones_reported() {
    let file = "BEGIN:VCARD\nVERSION:3.0\nFN:One\nEND:VCARD\n\
garbage here\n\
BEGIN:VCARD\nVERSION:3.0\nNOTE:nobody\nEND:VCARD\n\
BEGIN:VCARD\nVERSION:4.0\nFN:Three\nEND:VCARD\n\
BEGIN:VCARD\nVERSION:4.0\nFN:Four\n";
    let items = read(file.as_bytes());
    let summary: Vec<String> = items
        .iter()
        .map(|r| match r {
            Ok(i) => format!("{} ok {}", i.line, i.draft.name.as_ref().unwrap()),
            Err(e) => format!("{} {}", e.line, e.reason),
        })
        .collect();
    assert_eq!(
        summary,
        [
            "1 ok One",
            "5 text outside a vCard (no BEGIN:VCARD)",
            "6 the card names nobody (no FN, N, NICKNAME, ORG or EMAIL)",
            "10 ok Three",
            "14 the card has no END:VCARD",
        ]
    );
}

#[test]
fn latin1_files_are_read() {
    let file = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jos\xE9 Garc\xEDa\r\nEND:VCARD\r\n";
    let items = read(file);
    assert_eq!(
        items[0]
            .as_ref()
            .unwrap()
            .draft
            .name
            .as_ref()
            .unwrap()
            .as_str(),
        "José García"
    );
}

/// How many `.vcf` files the shared corpus holds: a change to the corpus is
/// a change to this test.
const CORPUS_FILES: usize = 263;

const NOBODY: &str = "the card names nobody (no FN, N, NICKNAME, ORG or EMAIL)";

/// Every card of the corpus that the importer refuses, as (file under
/// `vcard/`, line the card starts on, the reason it gives). Each is a card
/// Kith cannot file under anyone, or text that is not a whole card; every
/// other card in the corpus must import.
const REFUSED: &[(&str, usize, &str)] = &[
    // A file of vCard errors from Apple's CardDAV tests: it does not start
    // with BEGIN:VCARD.
    (
        "apple+ccs-caldavtester/Resource_CardDAV_vcarderrors_4.vcf",
        1,
        "text outside a vCard (no BEGIN:VCARD)",
    ),
    // A group card and a card with only a URL: no one to name.
    (
        "ical4j+ical4j-vcard/src_test_resources_samples_valid_vcard-group.vcf",
        1,
        NOBODY,
    ),
    (
        "ical4j+ical4j-vcard/src_test_resources_samples_valid_vcard-url.vcf",
        1,
        NOBODY,
    ),
    // A photo and nothing else.
    ("sabre-io+vobject/tests_VObject_issue64.vcf", 1, NOBODY),
    // calcard's parser tests: cards cut short, and cards with a birthday,
    // a key or other details but no name, e-mail or organisation.
    (
        "stalwartlabs+calcard/resources_vcard_028.vcf",
        1,
        "the card has no END:VCARD",
    ),
    ("stalwartlabs+calcard/resources_vcard_050.vcf", 1, NOBODY),
    ("stalwartlabs+calcard/resources_vcard_052.vcf", 1, NOBODY),
    ("stalwartlabs+calcard/resources_vcard_053.vcf", 1, NOBODY),
    ("stalwartlabs+calcard/resources_vcard_055.vcf", 1, NOBODY),
    (
        "stalwartlabs+calcard/resources_vcard_056.vcf",
        1,
        "the card has no END:VCARD",
    ),
    ("stalwartlabs+calcard/resources_vcard_063.vcf", 1, NOBODY),
    ("stalwartlabs+calcard/resources_vcard_063.vcf", 5, NOBODY),
    ("stalwartlabs+calcard/resources_vcard_063.vcf", 9, NOBODY),
    ("stalwartlabs+calcard/resources_vcard_068.vcf", 1, NOBODY),
    ("stalwartlabs+calcard/resources_vcard_069.vcf", 1, NOBODY),
    ("stalwartlabs+calcard/resources_vcard_073.vcf", 1, NOBODY),
    ("stalwartlabs+calcard/resources_vcard_075.vcf", 1, NOBODY),
];

/// The shared interop corpus: every file imports without a panic; exactly
/// the cards in [`REFUSED`] are refused, each with its reason; every other
/// card imports and keeps every property's meaning through import and
/// export in both versions.
#[test]
fn the_interop_corpus_round_trips() {
    let Some(root) = corpus() else {
        return;
    };
    let root = root.join("vcard");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .flat_map(|d| std::fs::read_dir(d.unwrap().path()).unwrap())
        .map(|f| f.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "vcf"))
        .collect();
    files.sort();
    assert_eq!(files.len(), CORPUS_FILES, "the corpus changed");
    let (mut cards, mut refused) = (0, Vec::new());
    let mut wrong = Vec::new();
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        let name = file.strip_prefix(&root).unwrap().to_string_lossy();
        let items = read(&bytes);
        assert!(!items.is_empty(), "{name}: nothing read");
        // Each card's text (a card Kith models fully is not kept as text).
        let texts: std::collections::HashMap<usize, String> = split_cards(&crate::decode(&bytes))
            .into_iter()
            .flatten()
            .map(|raw| (raw.line, raw.text))
            .collect();
        for item in &items {
            match item {
                Ok(item) => {
                    cards += 1;
                    if REFUSED
                        .iter()
                        .any(|(f, l, _)| *f == name && *l == item.line)
                    {
                        wrong.push(format!(
                            "{name}:{} imported, but is listed as refused",
                            item.line
                        ));
                    }
                    let text = item.card.as_deref().unwrap_or(&texts[&item.line]);
                    for version in [Version::V3, Version::V4] {
                        let (original, exported) = round_trip(text, version);
                        assert_same_meaning(&original, &exported, &format!("{name}:{}", item.line));
                    }
                }
                Err(e) => {
                    refused.push((name.to_string(), e.line));
                    match REFUSED.iter().find(|(f, l, _)| *f == name && *l == e.line) {
                        Some((_, _, reason)) if *reason == e.reason => {}
                        Some((_, _, reason)) => wrong.push(format!(
                            "{name}:{} refused because {:?}, listed as {reason:?}",
                            e.line, e.reason
                        )),
                        None => wrong.push(format!(
                            "{name}:{} refused ({}), but is not listed in REFUSED",
                            e.line, e.reason
                        )),
                    }
                }
            }
        }
    }
    for (file, line, _) in REFUSED {
        if !refused.iter().any(|(f, l)| f == file && l == line)
            && !wrong
                .iter()
                .any(|w| w.starts_with(&format!("{file}:{line} ")))
        {
            wrong.push(format!(
                "{file}:{line} is listed as refused but is not in the corpus"
            ));
        }
    }
    eprintln!(
        "corpus: {} files, {cards} cards round-tripped, {} refused",
        files.len(),
        refused.len()
    );
    assert!(
        wrong.is_empty(),
        "the corpus does not import as listed:\n{}",
        wrong.join("\n")
    );
}

/// The corpus folder from `KITH_INTEROP_CORPUS`. Outside CI a missing
/// variable skips the test with a note; in CI it fails.
pub(crate) fn corpus() -> Option<PathBuf> {
    match std::env::var_os("KITH_INTEROP_CORPUS") {
        Some(dir) => Some(PathBuf::from(dir)),
        None if std::env::var_os("CI").is_some() => {
            panic!("KITH_INTEROP_CORPUS must name the interop corpus in CI")
        }
        None => {
            eprintln!("KITH_INTEROP_CORPUS is not set: the corpus test did not run");
            None
        }
    }
}

#[test]
fn merged_cards_keep_what_either_had_that_kith_does_not_model() {
    let kept = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:a\r\nFN:Jane Doe\r\n\
                ADR;TYPE=HOME:;;1 Main St;Lyon;;69001;France\r\nX-COLOR:teal\r\n\
                item1.EMAIL:jane@a.test\r\nitem1.X-ABLabel:Home\r\nEND:VCARD\r\n";
    let other = "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:b\r\nFN:Jane D.\r\nX-COLOR:teal\r\n\
                 X-PHONE-RING:bells\r\nNOTE:met at a conference\r\n\
                 item1.EMAIL:jd@b.test\r\nitem1.X-ABLabel:Work\r\nEND:VCARD\r\n";
    let merged = merge_cards(kept, other).unwrap();
    let card = parse_card(&merged).unwrap();
    assert_eq!(
        card.version(),
        Some(VCardVersion::V3_0),
        "the kept card's version"
    );
    assert!(merged.contains("X-PHONE-RING:bells"), "{merged}");
    assert_eq!(merged.matches("X-COLOR:teal").count(), 1, "{merged}");
    assert!(merged.contains("1 Main St"), "{merged}");
    assert!(
        merged.contains("UID:a") && !merged.contains("UID:b"),
        "{merged}"
    );
    assert!(
        !merged.contains("Work"),
        "the other card's labels are not carried: {merged}"
    );
    assert!(
        !merged.contains("met at a conference"),
        "notes move through the contact"
    );
    assert_eq!(merge_cards("garbage", other), None);
}

/// Found by fuzzing: a folded value whose continuation line reads
/// " BEGIN:VCARD" or " END:VCARD" was taken for a card boundary, so the
/// card was cut short or left "without END", and a card Kith wrote back
/// could not be read again.
#[test]
fn folded_lines_that_read_begin_or_end_are_part_of_a_value() {
    let file = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jane Doe\r\nNOTE:first line and\r\n END:VCARD\r\n\
                X-NOTE:and\r\n BEGIN:VCARD\r\nEMAIL:jane@acme.example\r\nEND:VCARD\r\n\
                BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bob Roe\r\nEND:VCARD\r\n";
    let items = read(file.as_bytes());
    assert_eq!(items.len(), 2, "{items:?}");
    let jane = items[0].as_ref().unwrap();
    assert_eq!(jane.draft.notes.as_deref(), Some("first line andEND:VCARD"));
    assert_eq!(jane.draft.emails[0].as_str(), "jane@acme.example");
    assert_eq!(items[1].as_ref().unwrap().line, 10);
    // A note that folds into such a line is written and read back whole.
    let mut contact = stored(&jane.draft);
    contact.notes = Some(format!("{}BEGIN:VCARD", "x".repeat(70)));
    for version in [Version::V3, Version::V4] {
        let written = write_card(&contact, None, version);
        assert!(written.contains("\r\n BEGIN:VCARD\r\n"), "{written}");
        let again = read(written.as_bytes());
        assert_eq!(again.len(), 1, "{written}");
        let draft = &again[0].as_ref().unwrap().draft;
        assert_eq!(draft.notes, contact.notes, "{written}");
    }
}

/// A birthday without a year reads back in every form writers use, and is
/// written back the same way in 3.0 and 4.0: vCard 3.0's `--02-03` (which
/// calcard alone reads as February), 4.0's `--0203`, and iOS's
/// `1604-02-03` with `X-APPLE-OMIT-YEAR=1604`.
#[test]
fn year_less_birthdays_round_trip() {
    for (bday, year) in [
        ("BDAY:--02-03", None),
        ("BDAY:--0203", None),
        ("BDAY;X-APPLE-OMIT-YEAR=1604:1604-02-03", None),
        ("BDAY;X-APPLE-OMIT-YEAR=1604:1990-02-03", Some(1990)),
        ("BDAY:1990-02-03", Some(1990)),
    ] {
        let text = format!("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\n{bday}\r\nEND:VCARD\r\n");
        let draft = draft_of(&parse_card(&text).unwrap()).unwrap();
        let birthday = draft
            .birthday
            .unwrap_or_else(|| panic!("{bday}: no birthday"));
        assert_eq!(
            (birthday.year, birthday.month, birthday.day),
            (year, 2, 3),
            "{bday}"
        );
        let contact = stored(&draft);
        for version in [Version::V3, Version::V4] {
            for original in [None, Some(text.as_str())] {
                let written = write_card(&contact, original, version);
                let again = draft_of(&parse_card(&written).unwrap()).unwrap();
                assert_eq!(
                    again.birthday,
                    Some(birthday),
                    "{bday} {version:?}: {written}"
                );
                assert_eq!(written.matches("BDAY").count(), 1, "{written}");
            }
        }
    }
}

/// Found by the fuzzer (fuzz/run, target vcard): a property whose name is
/// not a name (control bytes, a backslash, invalid UTF-8) was kept from the
/// original card and written back so that it broke the card in two. Every
/// card read must write back as one card that reads again.
#[test]
fn a_property_with_a_broken_name_does_not_break_the_card_written_back() {
    let input: &[u8] = b"BEGIN:vCard\nDESCRIPTION\x01\x00\x00\x00\x00\x00\x01\xf8s\\nBEGIN:VCARD\nVERSION:3.0\nN:Dawson;Frank\nFN:Frank Dawson\nEND:VCARD\n";
    let items = read(input);
    assert!(!items.is_empty());
    for item in items.into_iter().flatten() {
        let contact = stored(&item.draft);
        for version in [Version::V3, Version::V4] {
            let written = write_card(&contact, item.card.as_deref(), version);
            let again = read(written.as_bytes());
            assert_eq!(again.len(), 1, "one card written\n{written}");
            assert!(again[0].is_ok(), "{:?}\n{written}", again[0]);
        }
    }
}

/// A value of a kind Kith models that it cannot read costs the contact
/// only that value, with a warning naming the property and the value; a
/// refused card is named by its FN.
#[test]
fn an_unreadable_value_is_a_warning_and_a_refused_card_is_named() {
    // Bo's name is longer than a name may be, and he has nothing else.
    let file = format!(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nEMAIL:ann@example.com\r\n\
         BDAY:2024-02-31\r\nEMAIL:not-an-address\r\nURL:not a url\r\nEND:VCARD\r\n\
         BEGIN:VCARD\r\nVERSION:3.0\r\nitem1.FN;CHARSET=UTF-8:Bo Refused {}\r\nEND:VCARD\r\n",
        "x".repeat(200)
    );
    let records = records(file.as_bytes());
    assert_eq!(records.len(), 2);
    let ann = records[0].parsed.as_ref().expect("Ann is kept");
    assert_eq!(ann.draft.emails.len(), 1);
    assert_eq!(ann.draft.birthday, None);
    let left_out: Vec<_> = records[0]
        .warnings
        .iter()
        .map(|w| (w.column.as_str(), w.value.as_str()))
        .collect();
    assert_eq!(
        left_out,
        [
            ("BDAY", "2024-02-31"),
            ("EMAIL", "not-an-address"),
            ("URL", "not a url")
        ]
    );
    assert!(records[0].warnings[0].message.contains("not a date"));
    let card = ann.card.as_deref().expect("the card is kept");
    assert!(card.contains("BDAY:2024-02-31"), "{card}");
    assert!(
        records[1].parsed.is_err(),
        "a card without a name it can read"
    );
    let who = records[1].who.as_deref().unwrap_or_default();
    assert!(
        who.starts_with("Bo Refused xxx") && who.ends_with('…'),
        "{who}"
    );
}
