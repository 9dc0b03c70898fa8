use super::*;
use crate::Parsed;

/// Each record as one line: its line and name, or its refusal with the
/// name-ish text it had; then what was left out of it.
fn summary(records: &[Record]) -> Vec<String> {
    records
        .iter()
        .map(|r| {
            let mut s = match &r.parsed {
                Ok(i) => format!("{} {}", i.line, i.draft.name.as_ref().unwrap()),
                Err(e) => format!(
                    "{} rejected ({}): {}",
                    e.line,
                    r.who.as_deref().unwrap_or("-"),
                    e.reason
                ),
            };
            for w in &r.warnings {
                s.push_str(&format!(
                    " [left out {} = {:?}: {}]",
                    w.column, w.value, w.message
                ));
            }
            s
        })
        .collect()
}

fn items(records: &[Record]) -> Vec<&ImportItem> {
    records
        .iter()
        .filter_map(|r| r.parsed.as_ref().ok())
        .collect()
}

fn read_ok(text: &str, dialect: Dialect) -> Vec<Record> {
    read(text.as_bytes(), dialect).unwrap()
}

const LINKEDIN: &str = "Notes:\n\
\"When exporting your connection data, you may notice that some of the email addresses are missing. You will only see email addresses for connections who have allowed their connections to see or download their email address using this setting https://www.linkedin.com/psettings/privacy/email. You can learn more here https://www.linkedin.com/help/linkedin/answer/261\"\n\
\n\
First Name,Last Name,URL,Email Address,Company,Position,Connected On\n\
Jane,Doe,https://www.linkedin.com/in/jane-doe,,Acme,VP Product,05 Oct 2020\n\
,,,,,,12 Jan 2019\n\
Bob,Roe,https://www.linkedin.com/in/bobroe,bob@roe.example,\"Globex, Inc.\",\"Engineer, Platform\",01 Feb 2021\n\
Eve,Bad,not-a-url,not-an-email,,,31 Feb 2024\n\
Zoë,Ünal,https://www.linkedin.com/in/zoe,,,,someday\n\
,,https://www.linkedin.com/in/gone,,Initech,,01 Mar 2020\n";

#[test]
fn linkedin_connections() {
    let records = read_ok(LINKEDIN, Dialect::LinkedIn);
    assert_eq!(
        summary(&records),
        [
            "5 Jane Doe",
            "6 rejected (-): no name and no profile URL (a deactivated LinkedIn account)",
            "7 Bob Roe",
            "8 Eve Bad [left out URL = \"not-a-url\": 'not-a-url' is not a valid URL (expected https://host/path)] \
             [left out Email Address = \"not-an-email\": 'not-an-email' is not an e-mail address (expected name@example.com)] \
             [left out Connected On = \"31 Feb 2024\": '31 Feb 2024' is not a date (expected e.g. 05 Oct 2020)]",
            "9 Zoë Ünal [left out Connected On = \"someday\": 'someday' is not a date (expected e.g. 05 Oct 2020)]",
            "10 rejected (Initech): no name (columns 'First Name' and 'Last Name' are empty)",
        ]
    );
    let items = items(&records);
    let jane = items[0];
    assert_eq!(jane.key, "linkedin:linkedin.com/in/jane-doe");
    assert_eq!(jane.draft.organisation.as_deref(), Some("Acme"));
    assert_eq!(jane.draft.title.as_deref(), Some("VP Product"));
    assert_eq!(
        jane.draft.links[0].url(),
        "https://www.linkedin.com/in/jane-doe"
    );
    assert!(jane.draft.emails.is_empty());
    assert_eq!(jane.connected_on, NaiveDate::from_ymd_opt(2020, 10, 5));
    let bob = items[1];
    assert_eq!(bob.draft.organisation.as_deref(), Some("Globex, Inc."));
    assert_eq!(bob.draft.emails[0].as_str(), "bob@roe.example");
    // Eve keeps her name; only the bad cells are gone.
    let eve = items[2];
    assert!(eve.draft.links.is_empty() && eve.draft.emails.is_empty());
    assert_eq!(eve.connected_on, None);
    assert_eq!(eve.key, "name:Eve Bad");
}

#[test]
fn a_refused_row_is_named_by_what_it_had() {
    let long = "x".repeat(300);
    let file = format!("First Name,Last Name,URL\n{long},,https://www.linkedin.com/in/x\n");
    let records = read_ok(&file, Dialect::LinkedIn);
    assert_eq!(records.len(), 1);
    assert!(records[0].parsed.is_err());
    let who = records[0].who.as_deref().unwrap();
    assert_eq!(who, format!("{}…", "x".repeat(80)));
}

#[test]
fn a_file_of_another_kind_is_refused_whole() {
    let refused = |text: &[u8], dialect| read(text, dialect).unwrap_err().to_string();
    assert_eq!(
        refused(b"Name,Phone\nJane,123\n", Dialect::LinkedIn),
        "this does not look like a LinkedIn connections export: it has no column 'First Name'"
    );
    assert_eq!(
        refused(
            b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nEND:VCARD\r\n",
            Dialect::Google
        ),
        "this looks like a vCard file, not a Google Contacts export"
    );
}

#[test]
fn a_linkedin_export_read_as_another_kind_is_named_preamble_and_all() {
    let bare = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n\
Ada,Lovelace,https://www.linkedin.com/in/ada,ada@example.com,Analytical,Engineer,05 Oct 2020\n";
    for text in [LINKEDIN, bare] {
        for asked in [Dialect::Google, Dialect::Outlook] {
            assert_eq!(
                read(text.as_bytes(), asked),
                Err(FileError::Other {
                    asked,
                    looks_like: Dialect::LinkedIn,
                    column: "Connected On"
                })
            );
        }
        assert_eq!(sniff(text.as_bytes()), Some(Dialect::LinkedIn));
    }
    assert_eq!(
        read(LINKEDIN.as_bytes(), Dialect::Google)
            .unwrap_err()
            .to_string(),
        "this looks like a LinkedIn connections export, not a Google Contacts export \
         (it has the column 'Connected On')"
    );
    let google = b"First Name,Last Name,E-mail 1 - Value\nAda,Lovelace,ada@example.com\n";
    assert_eq!(
        read(google, Dialect::Outlook).unwrap_err().to_string(),
        "this looks like a Google Contacts export, not an Outlook contacts export \
         (it has the column 'E-mail 1 - Value')"
    );
    assert_eq!(sniff(google), Some(Dialect::Google));
    assert_eq!(sniff(b"Name,Phone\n"), None);
    assert_eq!(
        summary(&read_ok(bare, Dialect::LinkedIn)),
        ["2 Ada Lovelace"]
    );
}

#[test]
fn google_contacts() {
    let file = "\u{feff}First Name,Middle Name,Last Name,Nickname,Birthday,Notes,Labels,E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value,Organization Name,Organization Title,Website 1 - Label,Website 1 - Value\n\
Jane,,Doe,JD,1990-04-12,\"Met at PyCon\nin 2024\",* myContacts ::: Mentors ::: Product People,,jane@acme.example ::: jd@home.example,,,,+1 555 0100,Acme,VP,Profile,linkedin.com/in/jane-doe\n\
,,,,,,* myContacts,,,,,,,Initech,,,\n\
Bad,,Phone,,,,,,,,,Mobile,call me maybe,,,,\n\
,,,,,,,,,,,,,,,,\n\
,,,,,Just a note,,,,,,,,,,,\n";
    let records = read_ok(file, Dialect::Google);
    assert_eq!(
        summary(&records),
        [
            "2 Jane Doe",
            "4 Initech",
            "5 Bad Phone [left out Phone 1 - Value = \"call me maybe\": 'call me maybe' is not a phone number (digits, spaces, + - ( ) only)]",
            "7 rejected (-): no name, organisation or e-mail address",
        ]
    );
    let jane = items(&records)[0];
    let d = &jane.draft;
    let emails: Vec<&str> = d.emails.iter().map(|e| e.as_str()).collect();
    assert_eq!(emails, ["jane@acme.example", "jd@home.example"]);
    let tags: Vec<&str> = d.tags.iter().map(|t| t.as_str()).collect();
    assert_eq!(tags, ["mentors", "product-people"]);
    assert_eq!(d.notes.as_deref(), Some("Met at PyCon\nin 2024"));
    assert_eq!(d.birthday.unwrap().to_string(), "1990-04-12");
    assert_eq!(d.links[0].kind(), kith_core::values::LinkKind::LinkedIn);
    assert_eq!(jane.key, "email:jane@acme.example");
    assert_eq!(jane.card, None, "nothing beyond what a contact holds");
}

#[test]
fn a_bad_optional_google_cell_drops_only_that_cell() {
    let file = "First Name,Last Name,Birthday,E-mail 1 - Value,Website 1 - Value,Labels\n\
Ada,Lovelace,31 Feb 2024,ada@example.com,not-a-url,Friends ::: Bad\u{7}Tag\n";
    let records = read_ok(file, Dialect::Google);
    assert_eq!(
        summary(&records),
        ["2 Ada Lovelace \
          [left out Website 1 - Value = \"not-a-url\": 'not-a-url' is not a valid URL (expected https://host/path)] \
          [left out Labels = \"Bad Tag\": contains the control character U+0007; only tab and line breaks may be used] \
          [left out Birthday = \"31 Feb 2024\": '31 Feb 2024' is not a date (expected YYYY-MM-DD or --MM-DD)]"]
    );
    let d = &items(&records)[0].draft;
    assert_eq!(d.emails[0].as_str(), "ada@example.com");
    assert!(d.links.is_empty() && d.birthday.is_none());
    assert_eq!(d.tags.len(), 1);
}

#[test]
fn google_name_parts_department_and_labels_are_kept_in_a_card() {
    let file = "First Name,Middle Name,Last Name,Name Prefix,Name Suffix,Organization Name,Organization Department,E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value,Phone 2 - Label,Phone 2 - Value\n\
Jane,Marie,Doe,Dr.,PhD,Acme,Engineering,* Work,jane@acme.example,Assistant,pa@acme.example,Mobile,+1 555 0100,Work Fax,+1 555 0101\n";
    let records = read_ok(file, Dialect::Google);
    let jane = items(&records)[0];
    assert_eq!(jane.draft.given_name.as_deref(), Some("Jane"));
    assert_eq!(jane.draft.organisation.as_deref(), Some("Acme"));
    let card = jane.card.as_deref().expect("a kept card");
    let lines: Vec<&str> = card.lines().collect();
    for line in [
        "N:Doe;Jane;Marie;Dr.;PhD",
        "ORG:Acme;Engineering",
        "EMAIL;TYPE=work:jane@acme.example",
        "item1.EMAIL:pa@acme.example",
        "item1.X-ABLabel:Assistant",
        "TEL;TYPE=cell:+1 555 0100",
    ] {
        assert!(lines.contains(&line), "{line} in {card}");
    }
    assert!(
        card.contains("TEL;TYPE=work;TYPE=fax:+1 555 0101")
            || card.contains("TEL;TYPE=work,fax:+1 555 0101"),
        "{card}"
    );
    // The card reads back as the same person.
    let draft = crate::vcard::draft_of(&crate::vcard::parse_card(card).unwrap()).unwrap();
    assert_eq!(draft.name, jane.draft.name);
    assert_eq!(draft.emails, jane.draft.emails);
    assert_eq!(draft.phones, jane.draft.phones);
    assert_eq!(draft.family_name.as_deref(), Some("Doe"));
}

#[test]
fn outlook_contacts() {
    let file = "First Name,Middle Name,Last Name,Title,Company,Department,Job Title,Business Phone,Mobile Phone,E-mail Address,E-mail 2 Address,Web Page,Birthday,Categories,Notes\r\n\
Jane,,Doe,Dr.,Acme,Engineering,CTO,+1 555 0100,+1 555 0199,jane@acme.example,,www.acme.example,4/12/1990,Mentor;Former Colleague,\r\n\
Bob,,Roe,,,,,,,,,,0/0/00,,\r\n\
Eve,,Odd,,,,,,,,,,31/31/1990,,\r\n";
    let records = read_ok(file, Dialect::Outlook);
    assert_eq!(
        summary(&records),
        [
            "2 Jane Doe",
            "3 Bob Roe",
            "4 Eve Odd [left out Birthday = \"31/31/1990\": '31/31/1990' is not a date (expected M/D/YYYY)]",
        ]
    );
    let items = items(&records);
    let d = &items[0].draft;
    assert_eq!(d.title.as_deref(), Some("CTO"));
    assert_eq!(d.function.as_deref(), Some("Engineering"));
    assert_eq!(d.phones.len(), 2);
    assert_eq!(d.birthday.unwrap().to_string(), "1990-04-12");
    let tags: Vec<&str> = d.tags.iter().map(|t| t.as_str()).collect();
    assert_eq!(tags, ["mentor", "former-colleague"]);
    assert!(items[1].draft.birthday.is_none());
    assert!(items[2].draft.birthday.is_none());
}

#[test]
fn the_same_row_has_the_same_fingerprint() {
    let a = read_ok(LINKEDIN, Dialect::LinkedIn);
    let b = read_ok(LINKEDIN, Dialect::LinkedIn);
    assert_eq!(a, b);
    let (Ok(jane), Ok(bob)) = (&a[0].parsed, &a[2].parsed) else {
        panic!()
    };
    assert_ne!(jane.fingerprint, bob.fingerprint);
    let _: &Parsed = &a[0].parsed;
}
