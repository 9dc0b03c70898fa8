//! One rule for text (#24) on the command line: an argument holding a
//! control character other than tab and line breaks is refused naming its
//! flag, and a JSON export holding one (an older Kith on SQLite wrote what
//! PostgreSQL cannot store) is refused naming its JSON path, on both
//! backends alike.

use std::process::{Command, Stdio};

use rstest::rstest;
use serde_json::Value;

use crate::support::{Backend, Database};
use crate::{Kith, clock, refuses_all};

#[test]
fn arguments_with_control_characters_are_refused_naming_the_flag() {
    let kith = Kith::new();
    kith.ok(&["add", "Jane Doe"]);
    let later = clock::at(10, "10:00");
    refuses_all(
        &kith,
        &[
            (
                &["add", "Ann\u{1}Other"],
                "kith: invalid name: contains the control character U+0001",
            ),
            (
                &["add", "Ann", "--notes", "a\u{7}b"],
                "kith: invalid --notes: contains the control character U+0007",
            ),
            (
                &["add", "Ann", "--tag", "x\u{1b}[31m"],
                "kith: invalid --tag: contains the control character U+001B",
            ),
            (
                &["add", "Ann", "--org", "Acme\rInc"],
                "kith: invalid --org: contains the control character U+000D",
            ),
            (
                &[
                    "meet", "jane", "--at", &later, "--where", "Office", "--title", "T\u{1}Z",
                ],
                "kith: invalid --title: contains the control character U+0001",
            ),
            (
                &["meet", "jane", "--at", &later, "--where", "Off\u{8}ice"],
                "kith: invalid --where: contains the control character U+0008",
            ),
            (
                &["log", "Jane Doe", "--via", "coffee", "a\u{1}b"],
                "kith: invalid summary: contains the control character U+0001",
            ),
            (
                &["todo", "add", "jane", "call\u{1}back"],
                "kith: invalid title: contains the control character U+0001",
            ),
            (
                &["edit", "jane", "--notes", "a\u{7f}b"],
                "kith: invalid --notes:",
            ),
        ],
    );
    // Tab and line breaks are text; CRLF is stored as LF.
    let ann = kith.json(&["add", "Ann Lines", "--notes", "one\r\ntwo\tcols\nthree"]);
    assert_eq!(ann["notes"], "one\ntwo\tcols\nthree");
}

/// `kith` against `db`, expected to fail: its stderr.
fn fails(db: &Database, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_kith"))
        .args(&db.args)
        .args(args)
        .env_clear()
        .env("HOME", db.dir.path())
        .envs(clock::inherited_env())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "kith {args:?}: {out:?}");
    String::from_utf8(out.stderr).unwrap()
}

#[rstest]
#[tokio::test]
async fn a_json_export_holding_a_nul_is_refused_naming_its_path(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    // An export as an older Kith on SQLite could write it: a NUL in a
    // contact's notes, a meeting's title, a kept card.
    let source = Kith::new();
    source.ok(&["add", "Jane Doe", "--notes", "fine"]);
    let later = clock::at(10, "10:00");
    source.ok(&[
        "meet", "jane", "--at", &later, "--where", "Office", "--title", "TZ",
    ]);
    let export: Value = serde_json::from_str(&source.ok(&["export", "json"])).unwrap();
    let file = |name: &str, edit: &dyn Fn(&mut Value)| {
        let mut doc = export.clone();
        edit(&mut doc);
        let path = source.dir.path().join(name);
        std::fs::write(&path, serde_json::to_vec(&doc).unwrap()).unwrap();
        assert!(
            std::fs::read_to_string(&path).unwrap().contains("\\u0000"),
            "the file holds an escaped NUL"
        );
        path.display().to_string()
    };
    let notes = file("notes.json", &|d| {
        d["contacts"][0]["notes"] = "a\u{0}b".into()
    });
    let title = file("title.json", &|d| {
        d["meetings"][0]["title"] = "T\u{0}Z".into()
    });
    let card = file("card.json", &|d| {
        d["contacts"][0]["card"] = "BEGIN:VCARD\r\nUID:u\u{0}v\r\nEND:VCARD\r\n".into();
    });

    let Some(db) = Database::create(backend).await else {
        return;
    };
    db.add_users(&["alice"]);
    for (path, at) in [
        (&notes, "contacts[0].notes"),
        (&title, "meetings[0].title"),
        (&card, "contacts[0].card"),
    ] {
        let err = fails(&db, &["--user", "alice", "import", "json", path]);
        assert!(
            err.contains(&format!(
                "invalid {at}: contains the control character U+0000 (NUL)"
            )),
            "{backend:?} {at}: {err}"
        );
        assert!(!err.contains("database"), "{err}");
    }
    // Nothing was written, and the same file without the NUL imports.
    let list = db.kith(&["--user", "alice", "list", "--json"]);
    assert_eq!(list.trim(), "[]", "{list}");
    let clean = source.dir.path().join("clean.json");
    std::fs::write(&clean, serde_json::to_vec(&export).unwrap()).unwrap();
    db.kith(&[
        "--user",
        "alice",
        "import",
        "json",
        &clean.display().to_string(),
    ]);
    let jane = db.kith(&["--user", "alice", "show", "jane", "--json"]);
    let jane: Value = serde_json::from_str(&jane).unwrap();
    assert_eq!(jane["notes"], "fine");
    db.drop().await;
}
