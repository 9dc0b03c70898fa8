use crate::{Kith, clock};

#[test]
fn add_show_edit_archive_round_trip() {
    let kith = Kith::new();
    let jane = kith.json(&[
        "add",
        "Jane Doe",
        "--email",
        "jane@acme.example",
        "--phone",
        "+1 555 0100",
        "--link",
        "linkedin.com/in/jane-doe",
        "--org",
        "Acme",
        "--title",
        "VP Product",
        "--function",
        "Product",
        "--industry",
        "Software",
        "--location",
        "Berlin",
        "--timezone",
        "Europe/Berlin",
        "--birthday",
        "--04-12",
        "--met",
        "PyCon 2024",
        "--tag",
        "mentor",
        "--notes",
        "Moved from engineering",
        "--every",
        "6w",
    ]);
    assert_eq!(jane["name"], "Jane Doe");
    assert_eq!(jane["emails"][0], "jane@acme.example");
    assert_eq!(jane["links"][0]["kind"], "linkedin");
    assert_eq!(jane["function"], "product");
    assert_eq!(jane["birthday"], "--04-12");
    assert_eq!(jane["cadence_days"], 42);
    assert_eq!(jane["revision"], 1);

    kith.ok(&["add", "Bob Roe", "--introduced-by", "jane"]);
    let bob = kith.json(&["show", "bob"]);
    assert_eq!(bob["introduced_by"]["name"], "Jane Doe");
    assert_eq!(
        kith.json(&["show", "jane"])["introduced"][0]["name"],
        "Bob Roe"
    );

    let edited = kith.json(&[
        "edit",
        "jane",
        "--title",
        "",
        "--org",
        "Globex",
        "--email",
        "jane@globex.example",
        "--remove-email",
        "jane@acme.example",
        "--tag",
        "former-colleague",
        "--untag",
        "mentor",
    ]);
    assert_eq!(edited["title"], serde_json::Value::Null);
    assert_eq!(edited["organisation"], "Globex");
    assert_eq!(edited["emails"], serde_json::json!(["jane@globex.example"]));
    assert_eq!(edited["tags"], serde_json::json!(["former-colleague"]));
    assert_eq!(edited["revision"], 2);

    let text = kith.ok(&["archive", "jane"]);
    assert_eq!(text, "Archived Jane Doe #1\n");
    let active: Vec<String> = names(&kith.json(&["list"]));
    assert_eq!(active, ["Bob Roe"]);
    assert_eq!(names(&kith.json(&["list", "--archived"])), ["Jane Doe"]);
    kith.ok(&["unarchive", "1"]);
    assert_eq!(names(&kith.json(&["list"])), ["Bob Roe", "Jane Doe"]);
}

fn names(list: &serde_json::Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn list_filters_by_tag_organisation_and_function() {
    let kith = Kith::new();
    kith.ok(&[
        "add",
        "Ana Alves",
        "--org",
        "Acme Corp",
        "--function",
        "engineering",
        "--tag",
        "friend",
    ]);
    kith.ok(&[
        "add",
        "Ben Bauer",
        "--org",
        "Acme Corp",
        "--function",
        "sales",
    ]);
    kith.ok(&[
        "add",
        "Cleo Cruz",
        "--org",
        "Globex",
        "--function",
        "engineering",
        "--tag",
        "friend",
    ]);
    assert_eq!(
        names(&kith.json(&["list", "--tag", "friend"])),
        ["Ana Alves", "Cleo Cruz"]
    );
    assert_eq!(
        names(&kith.json(&["list", "--org", "acme"])),
        ["Ana Alves", "Ben Bauer"]
    );
    assert_eq!(
        names(&kith.json(&["list", "--function", "engineering"])),
        ["Ana Alves", "Cleo Cruz"]
    );
    assert_eq!(names(&kith.json(&["list", "--limit", "1"])), ["Ana Alves"]);
    let text = kith.ok(&["list", "--tag", "friend"]);
    assert!(text.contains("#1  Ana Alves  Acme Corp  #friend"), "{text}");
}

#[test]
fn log_and_search_conversations() {
    let kith = Kith::new();
    kith.ok(&["add", "Jane Doe"]);
    kith.ok(&["add", "Bob Roe"]);
    let logged = kith.json(&[
        "log",
        "jane, bob",
        "--via",
        "google meet",
        "--on",
        "2026-01-15 14:30",
        "--minutes",
        "45",
        "She",
        "recommended",
        "Atomic",
        "Habits",
    ]);
    assert_eq!(logged["channel"], "meet");
    assert_eq!(logged["minutes"], 45);
    assert_eq!(
        logged["occurred_at"],
        clock::local_to_utc("2026-01-15 14:30")
    );
    assert_eq!(logged["summary"], "She recommended Atomic Habits");
    assert_eq!(logged["participants"].as_array().unwrap().len(), 2);

    let found = kith.json(&["search", "atomic"]);
    assert_eq!(
        found["conversations"][0]["summary"],
        "She recommended Atomic Habits"
    );
    assert_eq!(
        kith.json(&["search", "bob"])["contacts"][0]["name"],
        "Bob Roe"
    );
    let shown = kith.json(&["show", "jane"]);
    assert_eq!(shown["conversation_count"], 1);
    assert_eq!(shown["recent_conversations"][0]["channel"], "meet");
    let text = kith.ok(&["show", "jane"]);
    assert!(
        text.contains("2026-01-15  meet  45 min  with Bob Roe: She recommended Atomic Habits"),
        "{text}"
    );
}

#[test]
fn contacts_are_named_by_id_or_unambiguous_name() {
    let kith = Kith::new();
    kith.ok(&["add", "Jane Doe"]);
    kith.ok(&["add", "Janet Jones"]);
    kith.ok(&["add", "Jane"]);
    assert_eq!(kith.json(&["show", "#2"])["name"], "Janet Jones");
    assert_eq!(kith.json(&["show", "janet"])["name"], "Janet Jones");
    // An exact name wins over names that merely contain it.
    assert_eq!(kith.json(&["show", "jane"])["name"], "Jane");
    let err = kith.fails(&["show", "jan"]);
    assert!(
        err.contains("'jan' matches several contacts: Jane (#3), Jane Doe (#1), Janet Jones (#2)"),
        "{err}"
    );
    assert_eq!(kith.fails(&["show", "99"]), "kith: no contact with id 99");
}

#[test]
fn several_users_need_a_choice() {
    let kith = Kith::new();
    kith.ok(&["init", "--name", "Tess Tester"]);
    kith.ok(&[
        "init",
        "--username",
        "sam",
        "--timezone",
        "America/New_York",
    ]);
    let err = kith.fails(&["list"]);
    assert!(
        err.contains("several users") && err.contains("sam") && err.contains("tester"),
        "{err}"
    );
    kith.ok(&["--user", "sam", "add", "Sam's Friend"]);
    assert_eq!(
        kith.json(&["--user", "tester", "list"]),
        serde_json::json!([])
    );
    let list = kith.json(&["--user", "sam", "list"]);
    assert_eq!(list[0]["name"], "Sam's Friend");
    assert!(
        kith.fails(&["--user", "nobody", "list"])
            .contains("no user 'nobody'")
    );
}

#[test]
fn delete_asks_first_and_takes_only_what_was_theirs() {
    let kith = Kith::new();
    kith.ok(&["add", "Jane Doe"]);
    kith.ok(&["add", "Bob Roe"]);
    kith.ok(&["log", "Jane Doe", "--via", "coffee", "just us"]);
    kith.ok(&[
        "log",
        "Jane Doe, Bob Roe",
        "--via",
        "zoom",
        "the three of us",
    ]);
    let err = kith.fails(&["delete", "Jane Doe"]);
    assert!(err.contains("--yes"), "{err}");
    assert!(
        kith.ok(&["list"]).contains("Jane Doe"),
        "nothing deleted without --yes"
    );
    assert!(
        kith.ok(&["delete", "Jane Doe", "--yes"])
            .contains("Deleted Jane Doe")
    );
    assert!(!kith.ok(&["list"]).contains("Jane Doe"));
    let bob = kith.ok(&["show", "Bob Roe"]);
    assert!(bob.contains("the three of us"), "{bob}");
    assert!(
        kith.fails(&["delete", "Jane Doe", "--yes"])
            .contains("Jane Doe")
    );
}
