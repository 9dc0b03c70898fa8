//! `kith import` on files of the wrong kind, with cells that cannot be
//! read, and with what Google keeps beyond a contact's fields.

use serde_json::Value;

use crate::Kith;
use crate::imports::{CONNECTIONS, actions, write};

#[test]
fn a_file_of_another_kind_fails_saying_what_it_looks_like() {
    let kith = Kith::new();
    // A real LinkedIn export, "Notes:" preamble and all, given as Google.
    let file = write(&kith, "Connections.csv", CONNECTIONS);
    for kind in ["google", "outlook", "vcard"] {
        let said = kith.fails(&["import", kind, &file]);
        assert!(
            said.starts_with(
                "kith: invalid format: this looks like a LinkedIn connections export, not "
            ),
            "{said}"
        );
        assert!(
            said.ends_with(&format!("; import it with: kith import linkedin {file}")),
            "{said}"
        );
    }
    let said = kith.fails(&["import", "google", &file, "--json"]);
    assert!(
        said.contains("(it has the column 'Connected On')"),
        "{said}"
    );
    let vcf = write(
        &kith,
        "all.vcf",
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\r\nEND:VCARD\r\n",
    );
    assert_eq!(
        kith.fails(&["import", "linkedin", &vcf]),
        format!(
            "kith: invalid format: this looks like a vCard file, not a LinkedIn connections export; \
             import it with: kith import vcard {vcf}"
        )
    );
    let other = write(&kith, "other.csv", "Name,Phone\nAda,123\n");
    assert_eq!(
        kith.fails(&["import", "linkedin", &other]),
        "kith: invalid format: this does not look like a LinkedIn connections export: \
         it has no column 'First Name'"
    );
    assert_eq!(
        kith.json(&["list"]),
        serde_json::json!([]),
        "nothing written"
    );
}

#[test]
fn a_bad_optional_cell_is_left_out_and_the_person_kept() {
    let kith = Kith::new();
    let file = write(
        &kith,
        "contacts.csv",
        "First Name,Last Name,Birthday,E-mail 1 - Value,Website 1 - Value,Notes\n\
Ada,Lovelace,31 Feb 2024,ada@example.com,not-a-url,Analyst\n\
,,,,,Only a note\n\
,,,,https://example.com/who,\n",
    );
    let report = kith.json(&["import", "google", &file]);
    assert_eq!(
        actions(&report),
        [
            "2 created",
            "3 rejected: no name, organisation or e-mail address",
            "4 rejected: no name, organisation or e-mail address",
        ]
    );
    assert_eq!(
        report["records"][0]["warnings"],
        serde_json::json!([
            {
                "column": "Website 1 - Value",
                "value": "not-a-url",
                "message": "'not-a-url' is not a valid URL (expected https://host/path)",
            },
            {
                "column": "Birthday",
                "value": "31 Feb 2024",
                "message": "'31 Feb 2024' is not a date (expected YYYY-MM-DD or --MM-DD)",
            },
        ])
    );
    assert_eq!(report["warnings"], 2);
    let ada = kith.json(&["show", "ada"]);
    assert_eq!(ada["emails"], serde_json::json!(["ada@example.com"]));
    assert_eq!(ada["notes"], "Analyst");
    assert_eq!(ada["links"], serde_json::json!([]));
    assert_eq!(ada["birthday"], Value::Null);

    // A refused row is named by what it had, in text and JSON.
    let linkedin = write(
        &kith,
        "Connections.csv",
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n\
,,https://www.linkedin.com/in/gone,,Initech,,01 Mar 2020\n",
    );
    let report = kith.json(&["import", "linkedin", &linkedin, "--dry-run"]);
    assert_eq!(report["records"][0]["name"], "Initech");
    let text = kith.ok(&["import", "linkedin", &linkedin]);
    assert!(
        text.contains(
            "line 2: rejected Initech: no name (columns 'First Name' and 'Last Name' are empty)"
        ),
        "{text}"
    );
}

#[test]
fn google_name_parts_department_and_labels_are_written_back() {
    let kith = Kith::new();
    let file = write(
        &kith,
        "contacts.csv",
        "First Name,Middle Name,Last Name,Name Prefix,Name Suffix,Organization Name,Organization Department,Organization Title,E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value\n\
Jane,Marie,Doe,Dr.,PhD,Acme,Engineering,CTO,* Work,jane@acme.example,Assistant,pa@acme.example,Mobile,+1 555 0100\n",
    );
    assert_eq!(
        actions(&kith.json(&["import", "google", &file])),
        ["2 created"]
    );
    let jane = kith.json(&["show", "jane"]);
    assert_eq!(jane["given_name"], "Jane");
    assert_eq!(jane["family_name"], "Doe");
    assert_eq!(jane["organisation"], "Acme");
    for version in ["3", "4"] {
        let card = kith.ok(&["export", "vcard", "--version", version]);
        let lines: Vec<String> = card.lines().map(str::to_lowercase).collect();
        for want in [
            "n:doe;jane;marie;dr.;phd",
            "org:acme;engineering",
            "email;type=work:jane@acme.example",
            "item1.email:pa@acme.example",
            "item1.x-ablabel:assistant",
        ] {
            assert!(lines.iter().any(|l| l == want), "{want} in {card}");
        }
        assert!(
            lines.iter().any(|l| l.starts_with("tel;")
                && l.contains("type=cell")
                && l.ends_with("+1 555 0100")),
            "{card}"
        );
    }
    // The same file again changes nothing.
    let revision = jane["revision"].clone();
    assert_eq!(kith.json(&["import", "google", &file])["unchanged"], 1);
    assert_eq!(kith.json(&["show", "jane"])["revision"], revision);
}
