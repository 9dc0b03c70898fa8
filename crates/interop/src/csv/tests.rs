use super::*;

fn summary(items: &[Parsed]) -> Vec<String> {
    items
        .iter()
        .map(|r| match r {
            Ok(i) => format!("{} {}", i.line, i.draft.name.as_ref().unwrap()),
            Err(e) => format!("{} rejected: {}", e.line, e.reason),
        })
        .collect()
}

const LINKEDIN: &str = "Notes:\n\
\"When exporting your connection data, you may notice that some of the email addresses are missing. You will only see email addresses for connections who have allowed their connections to see or download their email address using this setting https://www.linkedin.com/psettings/privacy/email. You can learn more here https://www.linkedin.com/help/linkedin/answer/261\"\n\
\n\
First Name,Last Name,URL,Email Address,Company,Position,Connected On\n\
Jane,Doe,https://www.linkedin.com/in/jane-doe,,Acme,VP Product,05 Oct 2020\n\
,,,,,,12 Jan 2019\n\
Bob,Roe,https://www.linkedin.com/in/bobroe,bob@roe.example,\"Globex, Inc.\",\"Engineer, Platform\",01 Feb 2021\n\
Eve,Bad,https://www.linkedin.com/in/eve,not-an-email,,,03 Mar 2022\n\
Zoë,Ünal,https://www.linkedin.com/in/zoe,,,,someday\n";

#[test]
fn linkedin_connections() {
    let items = read(LINKEDIN.as_bytes(), Dialect::LinkedIn);
    assert_eq!(
        summary(&items),
        [
            "5 Jane Doe",
            "6 rejected: no name and no profile URL (a deactivated LinkedIn account)",
            "7 Bob Roe",
            "8 rejected: column 'Email Address': 'not-an-email' is not an e-mail address (expected name@example.com)",
            "9 rejected: column 'Connected On': 'someday' is not a date (expected e.g. 05 Oct 2020)",
        ]
    );
    let jane = items[0].as_ref().unwrap();
    assert_eq!(jane.key, "linkedin:linkedin.com/in/jane-doe");
    assert_eq!(jane.draft.organisation.as_deref(), Some("Acme"));
    assert_eq!(jane.draft.title.as_deref(), Some("VP Product"));
    assert_eq!(
        jane.draft.links[0].url(),
        "https://www.linkedin.com/in/jane-doe"
    );
    assert!(jane.draft.emails.is_empty());
    assert_eq!(jane.connected_on, NaiveDate::from_ymd_opt(2020, 10, 5));
    let bob = items[2].as_ref().unwrap();
    assert_eq!(bob.draft.organisation.as_deref(), Some("Globex, Inc."));
    assert_eq!(bob.draft.emails[0].as_str(), "bob@roe.example");
}

#[test]
fn a_file_of_another_kind_is_refused_once() {
    let items = read(b"Name,Phone\nJane,123\n", Dialect::LinkedIn);
    assert_eq!(
        summary(&items),
        ["1 rejected: this is not a linkedin export: no column 'First Name'"]
    );
}

#[test]
fn an_export_of_another_kind_is_named() {
    let linkedin = b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n\
Ada,Lovelace,https://www.linkedin.com/in/ada,ada@example.com,Analytical,Engineer,05 Oct 2020\n";
    for dialect in [Dialect::Google, Dialect::Outlook] {
        assert_eq!(
            summary(&read(linkedin, dialect)),
            [format!(
                "1 rejected: this is a linkedin export, not {} (it has the column \
                 'Connected On'); import it as linkedin",
                dialect.name()
            )]
        );
    }
    let google = b"First Name,Last Name,E-mail 1 - Value\nAda,Lovelace,ada@example.com\n";
    assert_eq!(
        summary(&read(google, Dialect::Outlook)),
        [
            "1 rejected: this is a google export, not outlook (it has the column \
          'E-mail 1 - Value'); import it as google"
        ]
    );
    assert_eq!(
        summary(&read(linkedin, Dialect::LinkedIn)),
        ["2 Ada Lovelace"]
    );
}

#[test]
fn google_contacts() {
    let file = "\u{feff}First Name,Middle Name,Last Name,Nickname,Birthday,Notes,Labels,E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value,Organization Name,Organization Title,Website 1 - Label,Website 1 - Value\n\
Jane,,Doe,JD,1990-04-12,\"Met at PyCon\nin 2024\",* myContacts ::: Mentors ::: Product People,* Work,jane@acme.example ::: jd@home.example,,,Mobile,+1 555 0100,Acme,VP,Profile,linkedin.com/in/jane-doe\n\
,,,,,,* myContacts,,,,,,,Initech,,,\n\
Bad,,Phone,,,,,,,,,Mobile,call me maybe,,,,\n";
    let items = read(file.as_bytes(), Dialect::Google);
    assert_eq!(
        summary(&items),
        [
            "2 Jane Doe",
            "4 Initech",
            "5 rejected: column 'Phone 1 - Value': 'call me maybe' is not a phone number (digits, spaces, + - ( ) only)",
        ]
    );
    let d = &items[0].as_ref().unwrap().draft;
    let emails: Vec<&str> = d.emails.iter().map(|e| e.as_str()).collect();
    assert_eq!(emails, ["jane@acme.example", "jd@home.example"]);
    let tags: Vec<&str> = d.tags.iter().map(|t| t.as_str()).collect();
    assert_eq!(tags, ["mentors", "product-people"]);
    assert_eq!(d.notes.as_deref(), Some("Met at PyCon\nin 2024"));
    assert_eq!(d.birthday.unwrap().to_string(), "1990-04-12");
    assert_eq!(d.links[0].kind(), kith_core::values::LinkKind::LinkedIn);
    assert_eq!(items[0].as_ref().unwrap().key, "email:jane@acme.example");
}

#[test]
fn outlook_contacts() {
    let file = "First Name,Middle Name,Last Name,Title,Company,Department,Job Title,Business Phone,Mobile Phone,E-mail Address,E-mail 2 Address,Web Page,Birthday,Categories,Notes\r\n\
Jane,,Doe,Dr.,Acme,Engineering,CTO,+1 555 0100,+1 555 0199,jane@acme.example,,www.acme.example,4/12/1990,Mentor;Former Colleague,\r\n\
Bob,,Roe,,,,,,,,,,0/0/00,,\r\n\
Eve,,Odd,,,,,,,,,,31/31/1990,,\r\n";
    let items = read(file.as_bytes(), Dialect::Outlook);
    assert_eq!(
        summary(&items),
        [
            "2 Jane Doe",
            "3 Bob Roe",
            "4 rejected: column 'Birthday': '31/31/1990' is not a date (expected M/D/YYYY)",
        ]
    );
    let d = &items[0].as_ref().unwrap().draft;
    assert_eq!(d.title.as_deref(), Some("CTO"));
    assert_eq!(d.function.as_deref(), Some("Engineering"));
    assert_eq!(d.phones.len(), 2);
    assert_eq!(d.birthday.unwrap().to_string(), "1990-04-12");
    let tags: Vec<&str> = d.tags.iter().map(|t| t.as_str()).collect();
    assert_eq!(tags, ["mentor", "former-colleague"]);
    assert!(items[1].as_ref().unwrap().draft.birthday.is_none());
}

#[test]
fn the_same_row_has_the_same_fingerprint() {
    let a = read(LINKEDIN.as_bytes(), Dialect::LinkedIn);
    let b = read(LINKEDIN.as_bytes(), Dialect::LinkedIn);
    assert_eq!(a, b);
    let (Ok(jane), Ok(bob)) = (&a[0], &a[2]) else {
        panic!()
    };
    assert_ne!(jane.fingerprint, bob.fingerprint);
}
