//! `kith import` and `kith export` on files the tests write themselves.

use serde_json::Value;

use crate::Kith;

pub(crate) fn write(kith: &Kith, name: &str, text: &str) -> String {
    let path = kith.dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

pub(crate) fn actions(report: &Value) -> Vec<String> {
    report["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let mut s = format!("{} {}", r["line"], r["action"].as_str().unwrap());
            if let Some(reason) = r["reason"].as_str() {
                s.push_str(&format!(": {reason}"));
            }
            s
        })
        .collect()
}

pub(crate) const CONNECTIONS: &str = "Notes:\n\
\"When exporting your connection data, you may notice that some of the email addresses are missing. You will only see email addresses for connections who have allowed their connections to see or download their email address using this setting https://www.linkedin.com/psettings/privacy/email. You can learn more here https://www.linkedin.com/help/linkedin/answer/261\"\n\
\n\
First Name,Last Name,URL,Email Address,Company,Position,Connected On\n\
Jane,Doe,https://www.linkedin.com/in/jane-doe,,Acme,VP Product,05 Oct 2020\n\
,,,,,,12 Jan 2019\n\
Bob,Roe,https://www.linkedin.com/in/bobroe,bob@roe.example,\"Globex, Inc.\",\"Engineer, Platform\",01 Feb 2021\n\
Eve,Bad,https://www.linkedin.com/in/eve,not-an-email,,,03 Mar 2022\n\
Zoë,Ünal,https://www.linkedin.com/in/zoe,,,,14 Feb 2023\n";

#[test]
fn linkedin_connections_import_once() {
    let kith = Kith::new();
    let file = write(&kith, "Connections.csv", CONNECTIONS);

    let preview = kith.json(&["import", "linkedin", &file, "--dry-run"]);
    assert_eq!(preview["created"], 4);
    assert_eq!(preview["rejected"], 1);
    assert_eq!(
        actions(&preview),
        [
            "5 created",
            "6 rejected: no name and no profile URL (a deactivated LinkedIn account)",
            "7 created",
            "8 created",
            "9 created",
        ]
    );
    // Eve's bad e-mail is left out, with its line, column and value; she is not.
    assert_eq!(preview["warnings"], 1);
    assert_eq!(
        preview["records"][3]["warnings"],
        serde_json::json!([{
            "column": "Email Address",
            "value": "not-an-email",
            "message": "'not-an-email' is not an e-mail address (expected name@example.com)",
        }])
    );
    assert_eq!(
        kith.json(&["list"]),
        serde_json::json!([]),
        "a dry run writes nothing"
    );

    let text = kith.ok(&["import", "linkedin", &file]);
    assert!(
        text.contains("4 created, 0 updated, 0 merged, 0 unchanged, 1 rejected; 1 cell left out"),
        "{text}"
    );
    assert!(
        text.contains("line 6: rejected no name and no profile URL"),
        "{text}"
    );
    assert!(
        text.contains("line 8: left out Eve Bad's Email Address 'not-an-email': 'not-an-email' is not an e-mail address"),
        "{text}"
    );
    // The day of the connection is on Jane's timeline.
    let jane = kith.ok(&["show", "jane"]);
    assert!(jane.contains("2020-10-05  Connected on LinkedIn"), "{jane}");
    assert_eq!(
        kith.json(&["show", "jane"])["events"],
        serde_json::json!([{ "on": "2020-10-05", "kind": "linkedin-connected", "what": "Connected on LinkedIn" }])
    );
    let eve = kith.json(&["show", "eve"]);
    assert_eq!(eve["emails"], serde_json::json!([]));
    assert_eq!(eve["links"][0]["url"], "https://www.linkedin.com/in/eve");
    let bob = kith.json(&["show", "bob"]);
    assert_eq!(bob["organisation"], "Globex, Inc.");
    assert_eq!(bob["title"], "Engineer, Platform");
    assert_eq!(bob["emails"][0], "bob@roe.example");
    assert_eq!(bob["links"][0]["kind"], "linkedin");
    let revision = bob["revision"].clone();

    let again = kith.json(&["import", "linkedin", &file]);
    assert_eq!(again["unchanged"], 4);
    assert_eq!(again["created"], 0);
    assert_eq!(kith.json(&["list"]).as_array().unwrap().len(), 4);
    assert_eq!(kith.json(&["show", "bob"])["revision"], revision);
}

#[test]
fn google_contacts_with_labels_and_multi_values() {
    let kith = Kith::new();
    let file = write(
        &kith,
        "contacts.csv",
        "\u{feff}First Name,Middle Name,Last Name,Nickname,Birthday,Notes,Labels,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value,Organization Name,Organization Title,Website 1 - Label,Website 1 - Value\n\
Jane,,Doe,JD,1990-04-12,\"Met at PyCon\nin 2024\",* myContacts ::: Mentors,* Work,jane@acme.example ::: jd@home.example,Mobile,+1 555 0100,Acme,VP,Profile,linkedin.com/in/jane-doe\n\
Bad,,Phone,,,,,,,Mobile,call me maybe,,,,\n",
    );
    let report = kith.json(&["import", "google", &file]);
    assert_eq!(actions(&report), ["2 created", "4 created"]);
    assert_eq!(
        report["records"][1]["warnings"][0]["column"],
        "Phone 1 - Value"
    );
    assert_eq!(
        kith.json(&["show", "bad phone"])["phones"],
        serde_json::json!([])
    );
    let jane = kith.json(&["show", "jane"]);
    assert_eq!(
        jane["emails"],
        serde_json::json!(["jane@acme.example", "jd@home.example"])
    );
    assert_eq!(jane["tags"], serde_json::json!(["mentors"]));
    assert_eq!(jane["notes"], "Met at PyCon\nin 2024");
    assert_eq!(jane["birthday"], "1990-04-12");

    // The same person from LinkedIn merges by profile URL instead of duplicating.
    let linkedin = write(&kith, "Connections.csv", CONNECTIONS);
    let report = kith.json(&["import", "linkedin", &linkedin]);
    assert_eq!(report["merged"], 1, "{report}");
    assert!(
        actions(&report)
            .contains(&"5 merged: same LinkedIn profile linkedin.com/in/jane-doe".to_owned())
    );
    // Jane and Bad Phone from Google, Bob, Eve and Zoë from LinkedIn.
    assert_eq!(kith.json(&["list"]).as_array().unwrap().len(), 5);
}

#[test]
fn outlook_contacts() {
    let kith = Kith::new();
    let file = write(
        &kith,
        "outlook.csv",
        "First Name,Middle Name,Last Name,Title,Company,Department,Job Title,Business Phone,Mobile Phone,E-mail Address,Web Page,Birthday,Categories,Notes\r\n\
Jane,,Doe,Dr.,Acme,Engineering,CTO,+1 555 0100,+1 555 0199,jane@acme.example,www.acme.example,4/12/1990,Mentor;Former Colleague,\r\n\
Eve,,Odd,,,,,,,,,31/31/1990,,\r\n",
    );
    let report = kith.json(&["import", "outlook", &file]);
    assert_eq!(actions(&report), ["2 created", "3 created"]);
    assert_eq!(
        report["records"][1]["warnings"][0]["message"],
        "'31/31/1990' is not a date (expected M/D/YYYY)"
    );
    let jane = kith.json(&["show", "jane"]);
    assert_eq!(jane["title"], "CTO");
    assert_eq!(
        jane["tags"],
        serde_json::json!(["former-colleague", "mentor"])
    );
    assert_eq!(kith.json(&["import", "outlook", &file])["unchanged"], 2);
}

#[test]
fn vcards_round_trip_through_the_database() {
    let kith = Kith::new();
    let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Doe;Jane;;;\r\nFN:Jane Doe\r\n\
item1.EMAIL;type=INTERNET:jane@acme.example\r\nitem1.X-ABLabel:_$!<Other>!$_\r\n\
X-SOCIALPROFILE;type=twitter:https://twitter.com/jane\r\nUID:jane-1\r\nEND:VCARD\r\n\
BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:nobody\r\nEND:VCARD\r\n";
    let file = write(&kith, "contacts.vcf", card);
    let report = kith.json(&["import", "vcard", &file]);
    assert_eq!(
        actions(&report),
        [
            "1 created",
            "10 rejected: the card names nobody (no FN, N, NICKNAME, ORG or EMAIL)"
        ]
    );
    kith.ok(&["edit", "jane", "--title", "CTO"]);
    let out = kith.ok(&["export", "vcard", "--version", "3"]);
    assert!(
        out.contains("item1.EMAIL;TYPE=INTERNET:jane@acme.example"),
        "{out}"
    );
    assert!(out.contains("item1.X-ABLabel:_$!<Other>!$_"), "{out}");
    assert!(
        out.contains("X-SOCIALPROFILE;TYPE=twitter:https://twitter.com/jane"),
        "{out}"
    );
    assert!(out.contains("TITLE:CTO"), "{out}");
    assert!(out.starts_with("BEGIN:VCARD\r\nVERSION:3.0\r\n"), "{out}");
    // Importing the export again finds the same contact by its UID.
    let exported = write(&kith, "export.vcf", &out);
    let again = kith.json(&["import", "vcard", &exported]);
    assert_eq!(again["created"], 0, "{again}");
    assert_eq!(kith.json(&["list"]).as_array().unwrap().len(), 1);
}

/// Adding someone who may already be there (the same e-mail, phone or
/// name) names them and adds nothing, until the person says to go on.
#[test]
fn adding_someone_already_there_names_them_first() {
    let kith = Kith::new();
    kith.ok(&[
        "add",
        "Jane Doe",
        "--email",
        "jane@acme.example",
        "--phone",
        "+27 21 555 0100",
    ]);
    for (args, why) in [
        (
            &["add", "Janet Doe", "--email", "JANE@acme.example"][..],
            "the same e-mail jane@acme.example",
        ),
        (
            &["add", "Jay Doe", "--phone", "+27215550100"][..],
            "the same phone number",
        ),
        (&["add", "jane  doe"][..], "the same name"),
    ] {
        let said = kith.fails(args);
        assert!(
            said.contains("may already be in your contacts: Jane Doe (#1, ")
                && said.contains(why)
                && said.contains("--allow-duplicate"),
            "{args:?}: {said}"
        );
    }
    assert_eq!(
        kith.json(&["list"]).as_array().map(Vec::len),
        Some(1),
        "nothing was added"
    );
    kith.ok(&["add", "jane  doe", "--allow-duplicate"]);
    assert_eq!(kith.json(&["list"]).as_array().map(Vec::len), Some(2));
    // Someone else entirely is added at once.
    kith.ok(&["add", "Bob Roe", "--email", "bob@acme.example"]);
}

#[test]
fn duplicates_are_listed_with_their_reason() {
    let kith = Kith::new();
    kith.ok(&["add", "Jane Doe", "--email", "jane@acme.example"]);
    kith.ok(&[
        "add",
        "J. Doe",
        "--email",
        "JANE@acme.example",
        "--allow-duplicate",
    ]);
    kith.ok(&["add", "Bob Roe", "--org", "Acme"]);
    kith.ok(&["add", "bob  roe", "--org", "ACME", "--allow-duplicate"]);
    kith.ok(&["add", "Someone Else"]);
    // The same name alone is a suggestion; different organisations say two
    // people.
    kith.ok(&["add", "Ada Lovelace"]);
    kith.ok(&[
        "add",
        "Ada Lovelace",
        "--org",
        "Analytical",
        "--allow-duplicate",
    ]);
    kith.ok(&[
        "add",
        "Ada Lovelace",
        "--org",
        "Babbage & Co",
        "--allow-duplicate",
    ]);
    let out = kith.ok(&["duplicates"]);
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        [
            "#1 Jane Doe and #2 J. Doe: same e-mail jane@acme.example",
            "#3 Bob Roe and #4 bob roe: same name and organisation (bob roe @ acme)",
            // 7 and 8 work at different places, but either may be 6.
            "#6 Ada Lovelace, #7 Ada Lovelace and #8 Ada Lovelace: same name (ada lovelace), nothing else tells them apart",
        ]
    );
    for ada in ["#6", "#7", "#8"] {
        kith.ok(&["delete", ada, "--yes"]);
    }

    // Previewed, then merged: the pair is gone from the list.
    kith.ok(&[
        "log",
        "#2",
        "--via",
        "zoom",
        "catch-up",
        "--todo",
        "Send the deck",
    ]);
    let preview = kith.ok(&["merge", "#1", "#2", "--dry-run"]);
    assert!(
        preview
            .contains("Would merge #2 J. Doe into #1 Jane Doe, moving 1 conversation, 1 follow-up"),
        "{preview}"
    );
    assert!(
        kith.ok(&["show", "#2"]).contains("J. Doe"),
        "a dry run changes nothing"
    );
    let merged = kith.json(&["merge", "#1", "#2"]);
    assert_eq!(merged["conversations"], 1, "{merged}");
    assert_eq!(merged["follow_ups"], 1, "{merged}");
    let shown = kith.ok(&["show", "#1"]);
    assert!(
        shown.contains("catch-up") && shown.contains("Send the deck"),
        "{shown}"
    );
    assert_eq!(
        kith.ok(&["duplicates"]).lines().collect::<Vec<_>>(),
        ["#3 Bob Roe and #4 bob roe: same name and organisation (bob roe @ acme)"]
    );
    let err = kith.fails(&["merge", "#3", "#3"]);
    assert!(err.contains("cannot merge a contact with itself"), "{err}");
    let err = kith.fails(&["merge", "#3", "#99"]);
    assert!(err.contains("99"), "{err}");
}

#[test]
fn a_merge_keeps_both_cards_unmodelled_properties() {
    let kith = Kith::new();
    let file = write(
        &kith,
        "two.vcf",
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:a\r\nFN:Jane Doe\r\nEMAIL:jane@a.test\r\nX-FROM-PHONE:1\r\nEND:VCARD\r\n\
         BEGIN:VCARD\r\nVERSION:3.0\r\nUID:b\r\nFN:J. Doe\r\nEMAIL:jd@b.test\r\nX-FROM-LAPTOP:2\r\n\
         ADR;TYPE=WORK:;;2 Rue Neuve;Lyon;;69002;France\r\nEND:VCARD\r\n",
    );
    kith.ok(&["import", "vcard", &file]);
    kith.ok(&["merge", "Jane Doe", "J. Doe"]);
    let out = kith.ok(&["export", "vcard", "--version", "3"]);
    assert_eq!(out.matches("BEGIN:VCARD").count(), 1, "{out}");
    for line in [
        "X-FROM-PHONE:1",
        "X-FROM-LAPTOP:2",
        "2 Rue Neuve",
        "jane@a.test",
        "jd@b.test",
        "UID:a",
    ] {
        assert!(out.contains(line), "{line} missing from {out}");
    }
}

#[test]
fn a_card_merged_on_import_adds_what_only_it_has() {
    let kith = Kith::new();
    let phone = write(
        &kith,
        "phone.vcf",
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:phone-1\r\nFN:Jane Doe\r\nEMAIL:jane@a.test\r\nX-RINGTONE:bells\r\nEND:VCARD\r\n",
    );
    let laptop = write(
        &kith,
        "laptop.vcf",
        "BEGIN:VCARD\r\nVERSION:4.0\r\nUID:laptop-9\r\nFN:Jane Doe\r\nEMAIL:jane@a.test\r\n\
         ADR;TYPE=home:;;3 Quai Sud;Lyon;;69003;France\r\nX-RINGTONE:bells\r\nEND:VCARD\r\n",
    );
    kith.ok(&["import", "vcard", &phone]);
    let report = kith.json(&["import", "vcard", &laptop]);
    assert_eq!(
        actions(&report),
        ["1 merged: same name and e-mail (jane doe <jane@a.test>)"],
        "{report}"
    );
    let out = kith.ok(&["export", "vcard", "--version", "3"]);
    assert_eq!(out.matches("BEGIN:VCARD").count(), 1, "{out}");
    assert!(
        out.contains("3 Quai Sud"),
        "the second card's address is kept: {out}"
    );
    assert_eq!(out.matches("X-RINGTONE:bells").count(), 1, "{out}");
    assert!(out.contains("UID:phone-1"), "{out}");
    // Importing the second file again changes nothing.
    let again = kith.json(&["import", "vcard", &laptop]);
    assert_eq!(again["created"], 0, "{again}");
    assert_eq!(again["updated"], 0, "{again}");
}

/// A switchboard number shared by two colleagues and a family address shared
/// by a couple, in one file and then across two files: nobody is merged,
/// the report says who each new contact looks like, and `kith duplicates`
/// lists them, one group for each shared number or address.
#[test]
fn a_shared_phone_or_family_address_is_a_duplicate_to_look_at_never_a_merge() {
    let kith = Kith::new();
    let card = |uid: &str, name: &str, email: &str, tel: &str| {
        format!(
            "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{name}\r\nEMAIL:{email}\r\n\
             TEL;TYPE=WORK:{tel}\r\nEND:VCARD\r\n"
        )
    };
    let first = write(
        &kith,
        "first.vcf",
        &[
            card("a", "Ann Lee", "ann@acme.example", "+1 555 010 0000"),
            card("b", "Raj Patel", "raj@acme.example", "+1 555 010 0000"),
            card("c", "Sam Poe", "family@poe.example", "+44 20 7946 0001"),
            card("d", "Kim Poe", "family@poe.example", "+44 20 7946 0002"),
        ]
        .concat(),
    );
    let preview = kith.json(&["import", "vcard", &first, "--dry-run"]);
    assert_eq!(
        actions(&preview),
        [
            "1 created",
            "8 created: looks like line 1 (Ann Lee) (same phone +15550100000) but is kept apart: \
             a possible duplicate, see `kith duplicates`",
            "15 created",
            "22 created: looks like line 15 (Sam Poe) (same e-mail family@poe.example) but is kept \
             apart: a possible duplicate, see `kith duplicates`",
        ]
    );
    let text = kith.ok(&["import", "vcard", &first]);
    assert!(text.contains("4 created, 0 updated, 0 merged"), "{text}");
    assert!(
        text.contains(
            "line 8: created Raj Patel (#2): looks like #1 Ann Lee (same phone +15550100000) \
             but is kept apart"
        ),
        "{text}"
    );
    let second = write(
        &kith,
        "second.vcf",
        &card("e", "Max Poe", "family@poe.example", "+44 20 7946 0003"),
    );
    let report = kith.json(&["import", "vcard", &second]);
    assert_eq!(
        actions(&report),
        [
            "1 created: looks like #3 Sam Poe (same e-mail family@poe.example) but is kept apart: \
          a possible duplicate, see `kith duplicates`"
        ]
    );
    assert_eq!(kith.json(&["list"]).as_array().unwrap().len(), 5);
    assert_eq!(
        kith.ok(&["duplicates"]).lines().collect::<Vec<_>>(),
        [
            "#1 Ann Lee and #2 Raj Patel: same phone +15550100000",
            "#3 Sam Poe, #4 Kim Poe and #5 Max Poe: same e-mail family@poe.example",
        ]
    );
}

/// The rows of a CSV file, header first.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[test]
fn a_csv_export_escapes_every_cell_a_spreadsheet_would_run() {
    let kith = Kith::new();
    kith.ok(&[
        "add",
        "=HYPERLINK(\"http://evil.example\",\"click\")",
        "--phone",
        "+44 20 7946 0958",
        "--email",
        "evil@example.com",
        "--email",
        "second@example.com",
        "--notes=+1+2",
        "--tag",
        "mentor",
        "--org",
        "Acme, Inc.",
        "--every",
        "6w",
    ]);
    kith.ok(&["add", "Sam Sum", "--notes=@SUM(A1)", "--title=-2+3"]);
    let out = kith.ok(&["export", "csv"]);
    let rows = csv_rows(&out);
    assert_eq!(rows.len(), 3, "{out}");
    let header = &rows[0];
    let cell = |row: usize, name: &str| {
        let i = header.iter().position(|h| h == name).unwrap();
        rows[row][i].clone()
    };
    let evil = (1..3)
        .find(|&r| cell(r, "Name").contains("HYPERLINK"))
        .unwrap();
    let sam = 3 - evil;
    assert_eq!(
        cell(evil, "Name"),
        "'=HYPERLINK(\"http://evil.example\",\"click\")"
    );
    assert_eq!(cell(evil, "Phones"), "'+44 20 7946 0958");
    assert_eq!(cell(evil, "Notes"), "'+1+2");
    assert_eq!(
        cell(evil, "E-mails"),
        "evil@example.com ::: second@example.com"
    );
    assert_eq!(cell(evil, "Organisation"), "Acme, Inc.");
    assert_eq!(cell(evil, "Tags"), "mentor");
    assert_eq!(cell(evil, "Rhythm (days)"), "42");
    assert_eq!(cell(sam, "Name"), "Sam Sum");
    assert_eq!(cell(sam, "Notes"), "'@SUM(A1)");
    assert_eq!(cell(sam, "Title"), "'-2+3");
    for row in &rows[1..] {
        for c in row {
            assert!(!c.starts_with(['=', '+', '-', '@', '\t', '\r']), "{c:?}");
        }
    }
    // -o writes the same file.
    let path = kith.dir.path().join("contacts.csv");
    kith.ok(&["export", "csv", "-o", path.to_str().unwrap()]);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), out);
}

/// Kith's own vCard export of an account, imported back into the same
/// account, in either version: every card is unchanged, and no contact gets
/// a new revision (so no new ETag and no change-log entry for CardDAV).
#[test]
fn reimporting_kiths_own_export_changes_nothing() {
    let kith = Kith::new();
    kith.ok(&["demo", "--contacts", "50"]);
    // Each contact as stored, without the import's own bookkeeping (which
    // keys of which source it has seen).
    let contacts = || {
        let mut doc = kith.json(&["export", "json"]);
        let list = doc["contacts"].as_array_mut().unwrap();
        for c in list.iter_mut() {
            c.as_object_mut().unwrap().remove("import_sources");
        }
        list.clone()
    };
    let revisions = |list: &[Value]| -> Vec<String> {
        list.iter()
            .map(|c| format!("{} {} {}", c["name"], c["revision"], c["updated_at"]))
            .collect()
    };
    let before = contacts();
    for version in ["4", "3"] {
        let file = write(
            &kith,
            &format!("export{version}.vcf"),
            &kith.ok(&["export", "vcard", "--version", version]),
        );
        let report = kith.json(&["import", "vcard", &file]);
        let changed: Vec<_> = actions(&report)
            .into_iter()
            .filter(|a| !a.ends_with(" unchanged"))
            .collect();
        assert!(changed.is_empty(), "vCard {version}: {changed:?}");
        assert_eq!(report["unchanged"], 50, "vCard {version}");
        let after = contacts();
        assert_eq!(revisions(&after), revisions(&before), "vCard {version}");
        assert_eq!(after, before, "vCard {version} changed a contact");
        assert_eq!(
            kith.ok(&["export", "vcard", "--version", version]),
            std::fs::read_to_string(&file).unwrap(),
            "vCard {version}: the export is the same again"
        );
    }
}
