//! Corrections from the command line: `kith todo edit` and `kith undo`.

use crate::{Kith, clock, refuses_all};

#[test]
fn todo_edit_changes_text_date_and_owner_with_the_rules_of_adding() {
    let kith = Kith::new();
    kith.ok(&["add", "Jane Doe"]);
    kith.ok(&["todo", "add", "jane", "Send the deck", "--loop-back"]);
    let due = clock::date(9);
    let edited = kith.json(&[
        "todo",
        "edit",
        "1",
        "--title",
        "Send the slides",
        "--by",
        &due,
    ]);
    assert_eq!(edited["title"], "Send the slides");
    assert_eq!(edited["due_on"], due.as_str());
    assert_eq!(edited["owner"], "me");
    assert_eq!(edited["loop_back"], true);
    let text = kith.ok(&["todo", "edit", "#1", "--theirs", "--no-date"]);
    assert!(text.contains("Changed follow-up"), "{text}");
    assert!(
        text.contains("they") && text.contains("Send the slides"),
        "{text}"
    );
    let listed = kith.json(&["todo", "list"]);
    assert_eq!(listed[0]["owner"], "them");
    assert_eq!(listed[0]["due_on"], serde_json::Value::Null);
    assert_eq!(listed[0]["loop_back"], false);

    refuses_all(
        &kith,
        &[
            (&["todo", "edit", "1"], "kith: nothing to change"),
            (&["todo", "edit", "1", "--title", ""], "kith: invalid title"),
            (
                &["todo", "edit", "1", "--title", "a\u{7}b"],
                "kith: invalid title",
            ),
            (
                &["todo", "edit", "1", "--by", "someday"],
                "kith: invalid --by",
            ),
            (
                &["todo", "edit", "9", "--title", "x"],
                "kith: no follow-up with id 9",
            ),
            (
                &["todo", "edit", "x", "--title", "x"],
                "kith: invalid follow-up id",
            ),
        ],
    );
}

#[test]
fn undo_takes_back_the_latest_done_drop_or_archive_once() {
    let kith = Kith::new();
    kith.ok(&["add", "Jane Doe"]);
    kith.ok(&["add", "Bob Roe"]);
    kith.ok(&["todo", "add", "jane", "Read the book", "--loop-back"]);
    kith.ok(&["todo", "add", "bob", "Call back"]);
    let nothing = kith.ok(&["undo", "--list"]);
    assert!(nothing.contains("Nothing to undo"), "{nothing}");
    let before = kith.json(&["todo", "list", "--all"]);

    let done = kith.ok(&["todo", "done", "1"]);
    assert!(done.contains("kith undo"), "{done}");
    kith.ok(&["todo", "drop", "2"]);
    kith.ok(&["archive", "bob"]);
    let listed = kith.json(&["undo", "--list"]);
    let labels: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        [
            "Archived Bob Roe",
            "Dropped: Call back (Bob Roe)",
            "Done: Read the book (Jane Doe)"
        ]
    );
    let text = kith.ok(&["undo", "--list"]);
    assert!(
        text.contains("Archived Bob Roe") && text.contains("min left"),
        "{text}"
    );

    assert_eq!(kith.ok(&["undo"]), "Undone: Archived Bob Roe\n");
    assert_eq!(kith.ok(&["undo"]), "Undone: Dropped: Call back (Bob Roe)\n");
    let undone = kith.json(&["undo"]);
    assert_eq!(undone["kind"], "done");
    // Every follow-up as it was, the loop-back gone too; Bob back.
    assert_eq!(kith.json(&["todo", "list", "--all"]), before);
    assert!(
        kith.json(&["list", "--archived"])
            .as_array()
            .unwrap()
            .is_empty()
    );

    let err = kith.fails(&["undo"]);
    assert!(
        err.contains("no action to undo from the last 30 minutes"),
        "{err}"
    );
    let again = undone["id"].to_string();
    refuses_all(
        &kith,
        &[
            (
                &["undo", &again],
                "kith: \"Done: Read the book (Jane Doe)\" was undone already",
            ),
            (&["undo", "999"], "kith: no undo 999"),
            (&["undo", "nine"], "kith: invalid undo id"),
        ],
    );
}
