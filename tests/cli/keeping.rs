//! Keeping in touch from the command line: due, today, todo, snooze, tags, settings.

use serde_json::Value;

use crate::{Kith, clock};

fn ids(list: &Value, key: &str) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v[key].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// `kith today` on an empty contact book says how to fill it; once someone
/// is in it, the agenda as usual.
#[test]
fn today_on_an_empty_book_says_how_to_fill_it() {
    let kith = Kith::new();
    let empty = kith.ok(&["today"]);
    for hint in [
        "Your contact book is empty",
        "kith add \"Jane Doe\"",
        "kith import vcard",
        "kith import linkedin",
    ] {
        assert!(empty.contains(hint), "{hint} in {empty}");
    }
    kith.ok(&["add", "Jane Doe"]);
    let agenda = kith.ok(&["today"]);
    assert!(!agenda.contains("is empty"), "{agenda}");
}

#[test]
fn the_whole_homework_loop() {
    let kith = Kith::new();
    let due = clock::date(9);
    kith.ok(&["add", "Jane Doe"]);
    let logged = kith.json(&[
        "log",
        "jane",
        "--via",
        "zoom",
        "She recommended a book",
        "--todo",
        "Read Atomic Habits",
        "--by",
        &due,
        "--loop-back",
        "--their-todo",
        "Intro to her manager",
    ]);
    assert_eq!(logged["follow_ups"].as_array().unwrap().len(), 2);
    let open = kith.json(&["todo", "list", "jane"]);
    assert_eq!(
        ids(&open, "title"),
        ["Read Atomic Habits", "Intro to her manager"]
    );
    assert_eq!(open[0]["owner"], "me");
    assert_eq!(open[0]["loop_back"], true);
    assert_eq!(open[0]["due_on"], due);
    assert_eq!(open[1]["owner"], "them");
    let mine = open[0]["id"].to_string();

    let text = kith.ok(&["todo", "done", &mine]);
    assert!(text.contains("Done: Read Atomic Habits"), "{text}");
    assert!(
        text.contains("Next: Tell Jane you did: Read Atomic Habits"),
        "{text}"
    );
    let today = kith.json(&["today"]);
    assert_eq!(
        ids(&today["loop_backs"], "text"),
        ["Tell Jane you did: Read Atomic Habits"]
    );
    let human = kith.ok(&["today"]);
    assert!(
        human.contains("Loop back: tell them you did it") && human.contains("Tell Jane you did"),
        "{human}"
    );

    kith.ok(&[
        "log",
        "jane",
        "--via",
        "message",
        "Finished the book, thanks!",
    ]);
    let today = kith.json(&["today"]);
    assert!(
        today["loop_backs"].as_array().unwrap().is_empty(),
        "{today}"
    );
    assert_eq!(
        ids(&kith.json(&["todo", "list"]), "title"),
        ["Intro to her manager"]
    );
    let all = kith.json(&["todo", "list", "--all"]);
    assert_eq!(
        all.as_array().unwrap().len(),
        3,
        "done ones are kept: {all}"
    );
    assert!(
        kith.fails(&["todo", "done", &mine])
            .contains("already done")
    );
}

#[test]
fn an_introduction_creates_a_stub_and_a_reminder() {
    let kith = Kith::new();
    kith.ok(&["add", "Jane Doe"]);
    let text = kith.ok(&[
        "log",
        "jane",
        "--via",
        "coffee",
        "--intro",
        "Bob Smith",
        "Career chat",
    ]);
    assert!(text.contains("Introduction: Bob Smith"), "{text}");
    let bob = kith.json(&["show", "bob"]);
    assert_eq!(bob["introduced_by"]["name"], "Jane Doe");
    let today = kith.json(&["today"]);
    assert!(
        ids(&today["introductions"], "text")[0].contains("Bob Smith"),
        "{today}"
    );
    kith.ok(&["log", "bob", "--via", "phone", "First call"]);
    assert!(
        kith.json(&["today"])["introductions"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn due_ranks_by_how_overdue_and_says_why() {
    let kith = Kith::new();
    kith.ok(&["add", "Ana Alves", "--every", "30d"]);
    kith.ok(&["add", "Ben Bauer", "--every", "30d"]);
    kith.ok(&["add", "Cleo Cruz", "--every", "30d"]);
    kith.ok(&["add", "Dan Dunn"]);
    kith.ok(&["log", "ana", "--via", "phone", "--on", "40 days ago"]);
    kith.ok(&["log", "ben", "--via", "coffee", "--on", "90 days ago"]);
    kith.ok(&["log", "cleo", "--via", "zoom", "--on", "5 days ago"]);
    let due = kith.json(&["due"]);
    assert_eq!(
        due.as_array()
            .unwrap()
            .iter()
            .map(|d| d["contact"]["name"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["Ben Bauer", "Ana Alves"]
    );
    assert_eq!(due[0]["overdue_days"], 60);
    assert_eq!(due[1]["overdue_days"], 10);
    assert_eq!(due[0]["cadence_source"]["kind"], "own");
    let why = due[1]["reasons"][0].as_str().unwrap();
    assert!(why.contains("10 days past a 30-day rhythm"), "{why}");
    // Ana and Ben had one conversation each and nothing since, longer ago
    // than their rhythm: one-off ties. Cleo's is recent.
    assert_eq!(due[0]["one_off"], true);
    let one_offs = ids(&kith.json(&["list", "--one-off"]), "name");
    assert_eq!(one_offs, ["Ana Alves", "Ben Bauer"]);
    kith.ok(&["log", "ana", "--via", "phone", "--on", "35 days ago"]);
    let one_offs = ids(&kith.json(&["list", "--one-off"]), "name");
    assert_eq!(one_offs, ["Ben Bauer"]);

    // Snoozed people wait; archived people are gone from the list.
    kith.ok(&["snooze", "ben", "--for", "2w"]);
    kith.ok(&["archive", "ana"]);
    assert!(kith.json(&["due"]).as_array().unwrap().is_empty());
    kith.ok(&["snooze", "ben", "--off"]);
    assert_eq!(
        kith.json(&["due", "--limit", "1"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Looking ahead: Cleo comes due 25 days from now.
    let later = kith.json(&["due", "--on", "in 26 days"]);
    assert!(
        later
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["contact"]["name"] == "Cleo Cruz"),
        "{later}"
    );
}

#[test]
fn tags_and_settings_set_the_rhythm() {
    let kith = Kith::new();
    kith.ok(&["add", "Jane Doe", "--tag", "mentor"]);
    kith.ok(&["log", "jane", "--via", "coffee", "--on", "50 days ago"]);
    // The default rhythm is 90 days: not due yet.
    assert!(kith.json(&["due"]).as_array().unwrap().is_empty());
    let tags = kith.json(&["tag", "set", "mentor", "--every", "6w"]);
    assert_eq!(tags[0]["cadence_days"], 42);
    let due = kith.json(&["due"]);
    assert_eq!(
        due[0]["cadence_source"],
        serde_json::json!({ "kind": "tag", "tag": "mentor" })
    );
    kith.ok(&["tag", "set", "mentor", "--every", ""]);
    let settings = kith.json(&["settings", "--every", "30d", "--timezone", "Europe/Berlin"]);
    assert_eq!(settings["default_cadence_days"], 30);
    assert_eq!(settings["timezone"], "Europe/Berlin");
    assert_eq!(kith.json(&["due"])[0]["cadence_source"]["kind"], "default");

    let shown = kith.json(&["show", "jane"]);
    let health = &shown["health"];
    let parts: Vec<&str> = health["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(parts, ["recency", "frequency", "depth", "open loops"]);
    let sum: u64 = health["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["points"].as_u64().unwrap())
        .sum();
    assert_eq!(health["score"].as_u64().unwrap(), sum);
    assert!(kith.ok(&["show", "jane"]).contains("Health"));
}

#[test]
fn keeping_in_touch_refuses_bad_input() {
    let kith = Kith::new();
    kith.ok(&["add", "Jane Doe"]);
    let cases: &[(&[&str], &str)] = &[
        (&["todo", "done", "999"], "kith: no follow-up with id 999"),
        (
            &["todo", "done", "abc"],
            "kith: invalid follow-up id: 'abc' is not a number",
        ),
        (
            &["todo", "add", "jane", "  "],
            "kith: invalid title: must not be empty",
        ),
        (
            &["todo", "add", "jane", "x", "--by", "someday"],
            "kith: invalid --by: 'someday' is not a date",
        ),
        (
            &["log", "jane", "--via", "zoom", "--by", "tomorrow"],
            "kith: invalid --by/--loop-back",
        ),
        (
            &["log", "jane", "--via", "zoom", "--intro", " "],
            "kith: invalid --intro: must not be empty",
        ),
        (
            &["snooze", "jane", "--until", "yesterday"],
            "kith: invalid --until",
        ),
        (
            &["snooze", "jane", "--for", "soon"],
            "kith: invalid --for: 'soon' is not an interval",
        ),
        (
            &["tag", "set", "nosuch", "--every", "3m"],
            "kith: invalid tag: no tag 'nosuch'",
        ),
        (&["settings", "--every", "often"], "kith: invalid --every"),
        (
            &["settings", "--timezone", "Moon/Base"],
            "kith: invalid --timezone",
        ),
        (&["due", "--on", "whenever"], "kith: invalid --on"),
    ];
    crate::refuses_all(&kith, cases);
    assert!(
        kith.json(&["todo", "list", "--all"])
            .as_array()
            .unwrap()
            .is_empty()
    );
}
