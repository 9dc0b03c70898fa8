//! What Kith writes: text as the RFCs escape it, each version's own
//! properties and forms, Kith's REV on a card it changed, and every card
//! written from the interop corpus and the demo network passing the strict
//! check of its version and reading back into the same contact.

use std::path::PathBuf;

use chrono::{TimeZone as _, Utc};
use kith_core::contact::Contact;

use super::tests::stored;
use super::*;

/// The one card of `text`, imported: its contact and its kept card.
fn import(text: &str) -> (Contact, Option<String>) {
    let items = read(text.as_bytes());
    let item = items[0].as_ref().unwrap();
    (stored(&item.draft), item.card.clone())
}

/// Writes `contact` in `version`, asserting the strict check passes.
fn written(contact: &Contact, card: Option<&str>, version: Version) -> String {
    let out = write_card(contact, card, version);
    let problems = strict::check(&out, version);
    assert!(problems.is_empty(), "{version:?}: {problems:#?}\n{out}");
    out
}

/// What a card carries of a contact: the fields vCard has a place for.
fn card_fields(c: &Contact) -> String {
    format!(
        "{:?}",
        (
            (&c.uid, &c.name, &c.given_name, &c.family_name, &c.nickname),
            (&c.emails, &c.phones, &c.links),
            (
                c.organisation.as_ref().map(|o| &o.name),
                &c.title,
                &c.birthday,
                &c.timezone,
            ),
            (&c.tags, &c.notes),
        )
    )
}

/// A card read back gives the contact it was written from.
fn assert_reads_back(contact: &Contact, out: &str, what: &str) {
    let again = read(out.as_bytes());
    assert_eq!(again.len(), 1, "{what}: one card\n{out}");
    let draft = &again[0]
        .as_ref()
        .unwrap_or_else(|e| panic!("{what}: {e:?}\n{out}"))
        .draft;
    assert_eq!(
        card_fields(&stored(draft)),
        card_fields(contact),
        "{what}: read back differs\n{out}"
    );
}

const OUTLOOK: &str = "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Gump;Forrest\r\nFN:Forrest Gump\r\n\
NOTE;ENCODING=QUOTED-PRINTABLE:This is the note field!!=0D=0ASecond line=0D=0A=0D=0ALast\r\n\
ADR;WORK;ENCODING=QUOTED-PRINTABLE:;;100 Waters Edge=0D=0ASuite 3;Baytown;LA;30314;USA\r\n\
EMAIL;PREF;INTERNET:forrestgump@example.com\r\nEND:VCARD\r\n";

/// Outlook's quoted-printable `=0D=0A` is a line break: `\n` in the
/// note, in properties Kith keeps as they came, and in what the contact
/// itself holds (a web form sends CRLF); never `\r`, which is no escape.
#[test]
fn outlook_line_breaks_are_written_as_the_n_escape() {
    let (mut contact, card) = import(OUTLOOK);
    assert_eq!(
        contact.notes.as_deref(),
        Some("This is the note field!!\nSecond line\n\nLast")
    );
    for version in [Version::V3, Version::V4] {
        let out = written(&contact, card.as_deref(), version);
        assert!(
            out.contains("NOTE:This is the note field!!\\nSecond line\\n\\nLast\r\n"),
            "{out}"
        );
        assert!(out.contains("100 Waters Edge\\nSuite 3"), "{out}");
        assert!(!out.contains("\\r"), "{out}");
        assert_reads_back(&contact, &out, "outlook");
    }
    contact.notes = Some("typed in a form\r\nsecond\rthird".into());
    for version in [Version::V3, Version::V4] {
        let out = written(&contact, card.as_deref(), version);
        assert!(
            out.contains("NOTE:typed in a form\\nsecond\\nthird\r\n"),
            "{out}"
        );
    }
}

/// `mentor\, pioneer` is one category: no tag (a tag holds no comma), kept
/// in the card with its comma escaped, also when the tags beside it go.
#[test]
fn an_escaped_comma_keeps_one_category() {
    let text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\n\
                CATEGORIES:mentor\\, pioneer,Friend\r\nEND:VCARD\r\n";
    let (mut contact, card) = import(text);
    assert_eq!(contact.tags, ["friend"]);
    for version in [Version::V3, Version::V4] {
        let out = written(&contact, card.as_deref(), version);
        assert!(
            out.contains("CATEGORIES:mentor\\, pioneer,Friend\r\n"),
            "{out}"
        );
    }
    contact.tags = vec!["scientist".into()];
    for version in [Version::V3, Version::V4] {
        let out = written(&contact, card.as_deref(), version);
        assert!(out.contains("CATEGORIES:mentor\\, pioneer\r\n"), "{out}");
        assert!(out.contains("CATEGORIES:scientist\r\n"), "{out}");
        assert!(!out.contains("Friend"), "{out}");
        assert_reads_back(&contact, &out, "categories");
    }
}

/// An ORG said to be UTF-8 with a byte that is not: read as text (the
/// stray byte as Windows-1252), never written as `data:` or base64.
#[test]
fn an_org_with_an_invalid_utf8_byte_is_text() {
    for (version, org, value) in [
        (
            "2.1",
            "ORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Caf=E9 M=C3=BCller;Kitchen",
            ":Café Müller;Kitchen\r\n",
        ),
        (
            "3.0",
            "ORG;CHARSET=UTF-8;ENCODING=b:Q2Fm6SBNw7xsbGVy",
            ":Café Müller\r\n",
        ),
    ] {
        let text =
            format!("BEGIN:VCARD\r\nVERSION:{version}\r\nFN:Jo Chef\r\n{org}\r\nEND:VCARD\r\n");
        let (contact, card) = import(&text);
        assert_eq!(
            contact.organisation.as_ref().map(|o| o.name.as_str()),
            Some("Café Müller"),
            "{org}"
        );
        for version in [Version::V3, Version::V4] {
            let out = written(&contact, card.as_deref(), version);
            assert!(out.contains(value), "{out}");
            assert!(!out.contains("data:") && !out.contains("ENCODING"), "{out}");
            assert_reads_back(&contact, &out, org);
        }
    }
}

/// A year-less birthday (iOS's form, 3.0's, 4.0's) goes out in 3.0 as
/// `--MM-DD` and in 4.0 as `--MMDD`, and comes back the same through
/// either; never `--2`. A year-less ANNIVERSARY (4.0 only) goes out in 3.0
/// as `X-ANNIVERSARY` and comes back as ANNIVERSARY in 4.0.
#[test]
fn year_less_dates_round_trip_through_both_versions() {
    for (version, bday) in [
        ("3.0", "BDAY;X-APPLE-OMIT-YEAR=1604:1604-02-03"),
        ("4.0", "BDAY;X-APPLE-OMIT-YEAR=1604:1604-02-03"),
        ("4.0", "BDAY;X-APPLE-OMIT-YEAR=1604:16040203"),
        ("3.0", "BDAY:--02-03"),
        ("4.0", "BDAY:--0203"),
    ] {
        let text =
            format!("BEGIN:VCARD\r\nVERSION:{version}\r\nFN:Ann Lee\r\n{bday}\r\nEND:VCARD\r\n");
        let (contact, card) = import(&text);
        assert_eq!(contact.birthday.as_deref(), Some("--02-03"), "{bday}");
        for original in [None, card.as_deref()] {
            let v3 = written(&contact, original, Version::V3);
            assert!(!v3.contains("--2\r\n"), "{v3}");
            assert_reads_back(&contact, &v3, bday);
            let v4 = written(&contact, original, Version::V4);
            assert_reads_back(&contact, &v4, bday);
            if original.is_none() {
                assert!(v3.contains("\r\nBDAY:--02-03\r\n"), "{v3}");
                assert!(v4.contains("\r\nBDAY:--0203\r\n"), "{v4}");
            }
        }
    }
    let text = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ann Lee\r\nBDAY:--0203\r\n\
                ANNIVERSARY:--0704\r\nEND:VCARD\r\n";
    let (contact, card) = import(text);
    let v3 = written(&contact, card.as_deref(), Version::V3);
    assert!(v3.contains("\r\nX-ANNIVERSARY:--07-04\r\n"), "{v3}");
    let v4 = written(&contact, card.as_deref(), Version::V4);
    assert!(v4.contains("\r\nANNIVERSARY:--0704\r\n"), "{v4}");
    // Kith's own 3.0 export, imported and written again in 4.0.
    let (again, card) = import(&v3);
    assert_eq!(again.birthday, contact.birthday);
    let v4 = written(&again, card.as_deref(), Version::V4);
    assert!(v4.contains("\r\nANNIVERSARY:--0704\r\n"), "{v4}");
    assert!(!v4.contains("X-ANNIVERSARY"), "{v4}");
}

/// A 4.0 card written as 3.0 carries no 4.0 syntax and has its N.
#[test]
fn a_v4_card_written_as_v3_has_only_v3_syntax() {
    let text = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Kim Park\r\nEMAIL;PREF=1:kim@example.com\r\n\
                TEL;VALUE=uri;TYPE=cell:tel:+1-555-010-2000\r\nGEO:geo:37.386013,-122.082932\r\n\
                GENDER:F\r\nKIND:individual\r\nANNIVERSARY:20100612\r\n\
                ADR;LABEL=\"1 Main St, Lyon\";TYPE=home:;;1 Main St;Lyon;;;France\r\n\
                END:VCARD\r\n";
    let (contact, card) = import(text);
    let out = written(&contact, card.as_deref(), Version::V3);
    for wanted in [
        "EMAIL;TYPE=pref:kim@example.com",
        "TEL;TYPE=CELL:+1-555-010-2000",
        "GEO:37.386013;-122.082932",
        "X-GENDER:F",
        "X-KIND:INDIVIDUAL",
        "X-ANNIVERSARY:2010-06-12",
        "N:Kim Park;;;;",
        "LABEL;TYPE=HOME:1 Main St\\, Lyon",
    ] {
        assert!(out.contains(&format!("{wanted}\r\n")), "{wanted}\n{out}");
    }
    for unwanted in ["PREF=", "VALUE=", "tel:", "geo:", "\r\nGENDER", "\r\nKIND"] {
        assert!(!out.contains(unwanted), "{unwanted}\n{out}");
    }
    assert_reads_back(&contact, &out, "4.0 as 3.0");
}

/// A 3.0 card written as 4.0 leaves out PROFILE, NAME and MAILER, puts
/// LABEL on its ADR, says PREF=1 and GEO as a URI.
#[test]
fn a_v3_card_written_as_v4_has_only_v4_syntax() {
    let text = "BEGIN:VCARD\r\nVERSION:3.0\r\nPROFILE:VCARD\r\nNAME:Kim's card\r\n\
                MAILER:PigeonMail 2.1\r\nFN:Kim Park\r\nN:Park;Kim;;;\r\n\
                EMAIL;TYPE=internet,pref:kim@example.com\r\nGEO:37.386013;-122.082932\r\n\
                ADR;TYPE=home:;;1 Main St;Lyon;;;France\r\nLABEL;TYPE=home:1 Main St\\nLyon\r\n\
                CLASS:PRIVATE\r\nPHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQ\r\nEND:VCARD\r\n";
    let (contact, card) = import(text);
    let out = written(&contact, card.as_deref(), Version::V4);
    for wanted in [
        "EMAIL;TYPE=internet;PREF=1:kim@example.com",
        "GEO:geo:37.386013,-122.082932",
        "ADR;TYPE=HOME;LABEL=\"1 Main St Lyon\":;;1 Main St;Lyon;;;France",
        "X-CLASS:PRIVATE",
        // A URI, whose comma no escape precedes.
        "PHOTO;TYPE=JPEG:data:image/jpeg;base64,/9j/4AAQ",
    ] {
        assert!(out.contains(&format!("{wanted}\r\n")), "{wanted}\n{out}");
    }
    for unwanted in ["PROFILE", "NAME:", "MAILER", "\r\nLABEL", "TYPE=pref"] {
        assert!(!out.contains(unwanted), "{unwanted}\n{out}");
    }
    assert_reads_back(&contact, &out, "3.0 as 4.0");
}

fn rev_of(out: &str) -> Option<&str> {
    out.split("\r\n").find_map(|l| l.strip_prefix("REV:"))
}

/// A card Kith writes as it came keeps the client's REV; one Kith changed
/// (or wrote itself) carries when the contact last changed.
#[test]
fn a_card_kith_changed_carries_kiths_rev() {
    let text = "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:kim-1\r\nFN:Kim Park\r\nN:Park;Kim;;;\r\n\
                EMAIL:kim@example.com\r\nX-PHONETIC:kim\r\nREV:20200101T000000Z\r\nEND:VCARD\r\n";
    let (mut contact, card) = import(text);
    contact.updated_at = Utc.with_ymd_and_hms(2026, 5, 6, 7, 8, 9).unwrap();
    for version in [Version::V3, Version::V4] {
        let out = written(&contact, card.as_deref(), version);
        assert_eq!(rev_of(&out), Some("20200101T000000Z"), "{out}");
        assert_eq!(out.matches("REV").count(), 1, "{out}");
    }
    let mut changed = contact.clone();
    changed.emails = vec!["kim@new.example".into()];
    let mut gained = contact.clone();
    gained.title = Some("Engineer".into());
    for c in [&changed, &gained] {
        for version in [Version::V3, Version::V4] {
            let out = written(c, card.as_deref(), version);
            assert_eq!(rev_of(&out), Some("20260506T070809Z"), "{out}");
            assert_eq!(out.matches("REV").count(), 1, "{out}");
        }
    }
    let out = written(&contact, None, Version::V4);
    assert_eq!(rev_of(&out), Some("20260506T070809Z"), "{out}");
    // Kith's own card re-imported is still modelled whole (nothing kept).
    assert_eq!(read(out.as_bytes())[0].as_ref().unwrap().card, None);
}

/// A card Kith wrote from a contact alone, in either version, is read back
/// whole: nothing of it is kept as text, so importing Kith's own export
/// changes nothing.
#[test]
fn kiths_own_cards_are_modelled_whole() {
    let text = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Zoë Ünal\r\nNICKNAME:Zo\r\n\
                EMAIL:zoe@example.com\r\nTEL:+33 6 12 34 56 78\r\n\
                URL;TYPE=linkedin:https://www.linkedin.com/in/zoe\r\nORG:Acme\r\n\
                TITLE:CTO\r\nBDAY:--0203\r\nTZ:Europe/Paris\r\nCATEGORIES:mentor,friend\r\n\
                NOTE:line one\\nline two\r\nUID:zoe-1\r\nEND:VCARD\r\n";
    let (contact, _) = import(text);
    assert_eq!(contact.timezone.as_deref(), Some("Europe/Paris"));
    for version in [Version::V3, Version::V4] {
        let out = written(&contact, None, version);
        let again = read(out.as_bytes());
        let item = again[0].as_ref().unwrap();
        assert_eq!(item.card, None, "{version:?} kept as text:\n{out}");
        assert_reads_back(&contact, &out, "Kith's own");
    }
}

/// Every card of the interop corpus that imports, written in both
/// versions, passes the strict check of that version and reads back into
/// the same contact.
#[test]
fn every_corpus_card_kith_writes_is_valid_for_its_version() {
    let Some(root) = super::tests::corpus() else {
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("vcard"))
        .unwrap()
        .flat_map(|d| std::fs::read_dir(d.unwrap().path()).unwrap())
        .map(|f| f.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "vcf"))
        .collect();
    files.sort();
    let (mut cards, mut failures) = (0, Vec::new());
    let mut files_out = [String::new(), String::new()];
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy();
        for item in read(&std::fs::read(file).unwrap()).into_iter().flatten() {
            let contact = stored(&item.draft);
            for (version, all) in [Version::V3, Version::V4].into_iter().zip(&mut files_out) {
                cards += 1;
                let out = write_card(&contact, item.card.as_deref(), version);
                all.push_str(&out);
                let problems = strict::check(&out, version);
                if !problems.is_empty() {
                    failures.push(format!("{name}:{} {version:?}: {problems:?}", item.line));
                }
                assert_reads_back(&contact, &out, &format!("{name}:{}", item.line));
            }
        }
    }
    assert!(cards > 300, "only {cards} cards written");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    vobject("corpus", &files_out);
}

/// Every contact of a demo network, written in both versions, passes the
/// strict check and reads back into the same contact.
#[test]
fn every_demo_card_kith_writes_is_valid_for_its_version() {
    let network = kith_core::demo::generate(&kith_core::demo::DemoConfig {
        contacts: 300,
        seed: 7,
        now: Utc.with_ymd_and_hms(2026, 3, 14, 9, 30, 0).unwrap(),
        default_cadence: kith_core::values::Cadence::from_days(90).unwrap(),
    });
    let mut files_out = [String::new(), String::new()];
    for (i, person) in network.contacts.iter().enumerate() {
        let mut draft = person.draft.clone();
        draft.uid = Some(format!("demo-{i}"));
        let contact = stored(&draft);
        for (version, all) in [Version::V3, Version::V4].into_iter().zip(&mut files_out) {
            let out = written(&contact, None, version);
            assert_reads_back(&contact, &out, &contact.name);
            all.push_str(&out);
        }
    }
    vobject("demo", &files_out);
}

/// Checks the 3.0 and the 4.0 file with vobject (`tests/vcard/vobject.rs`).
fn vobject(what: &str, [v3, v4]: &[String; 2]) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = std::env::temp_dir().join(format!("kith-vcard-{what}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in [("3.0", v3), ("4.0", v4)] {
        let path = dir.join(format!("{what}-{name}.vcf"));
        std::fs::write(&path, text).unwrap();
        shared::check(&root, name, &[&path]);
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[path = "../../../../tests/vcard/vobject.rs"]
mod shared;

/// Names and values that are not ASCII where the writer looks for `X-`,
/// `tel:` or `geo:` are written (the name made an extension one), never a
/// panic at a cut inside a character.
#[test]
fn non_ascii_names_and_values_are_written() {
    let text = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Zoë Ünal\r\nXé-NOTE:ça\r\n\
                TEL:tééé-123\r\nGEO:gé:1,2\r\nEND:VCARD\r\n";
    let (contact, card) = import(text);
    for version in [Version::V3, Version::V4] {
        let out = written(&contact, card.as_deref(), version);
        assert!(
            out.contains("X-X--NOTE:ça") || out.contains("X-X--NOTE;CHARSET=UTF-8:ça"),
            "{out}"
        );
        assert_reads_back(&contact, &out, "non-ASCII");
    }
}
