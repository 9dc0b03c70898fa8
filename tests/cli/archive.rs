//! `kith export json` / `kith import json`, and `kith backup` / `kith restore`
//! on SQLite files.

use kith_store::AccountExport;
use kith_store::testing::{TestDatabase, postgres_admin_url};
use serde_json::Value;

use crate::{Kith, clock, exists, refuses_all, snapshot};

/// An account that touches most of what an export carries.
pub fn busy_account() -> Kith {
    let kith = Kith::new();
    fill(&kith, &[]);
    kith
}

/// Fills the account that the `global` flags name.
fn fill(kith: &Kith, global: &[&str]) {
    let ok = |args: &[&str]| kith.ok(&[global, args].concat());
    let json = |args: &[&str]| kith.json(&[global, args].concat());
    ok(&[
        "init",
        "--name",
        "Ann Example",
        "--email",
        "ann@example.org",
        "--timezone",
        "Europe/Berlin",
    ]);
    ok(&[
        "add",
        "Jane Doe",
        "--email",
        "jane@acme.example",
        "--org",
        "Acme",
        "--title",
        "VP Product",
        "--function",
        "product",
        "--link",
        "linkedin.com/in/jane-doe",
        "--tag",
        "mentor",
        "--every",
        "6w",
    ]);
    ok(&[
        "add",
        "Bob Roe",
        "--introduced-by",
        "jane",
        "--phone",
        "+49 30 1234",
    ]);
    ok(&["tag", "set", "mentor", "--every", "30d"]);
    ok(&[
        "settings",
        "--every",
        "60d",
        "--jitsi",
        "https://jitsi.example.org",
    ]);
    ok(&["org", "mine", "Initech"]);
    ok(&["org", "worked", "Globex", "--from", "2015", "--to", "2019"]);
    ok(&[
        "org",
        "worked",
        "Globex",
        "--from",
        "2017",
        "--contact",
        "bob",
    ]);
    ok(&[
        "goal",
        "add",
        "--kind",
        "industry-change",
        "Move into product",
        "--function",
        "product",
        "--target",
        "3",
    ]);
    let logged = json(&[
        "log",
        "jane,bob",
        "--via",
        "zoom",
        "--on",
        "yesterday",
        "--kind",
        "informational",
        "--goal",
        "product",
        "--learned",
        "skill: SQL",
        "How she moved into product",
        "--todo",
        "Read Atomic Habits",
        "--loop-back",
        "--their-todo",
        "Intro to her manager",
        "--intro",
        "Carl New",
    ]);
    let todo = logged["follow_ups"][0].to_string();
    ok(&["todo", "done", &todo]);
    ok(&["snooze", "bob", "--for", "2w"]);
    ok(&[
        "meet",
        "jane",
        "--at",
        clock::later(),
        "--minutes",
        "45",
        "--where",
        "Café Central",
    ]);
    ok(&[
        "block",
        "add",
        "--days",
        "tue,thu",
        "--at",
        "08:30",
        "--capacity",
        "3",
    ]);
    ok(&["archive", "carl"]);
}

fn path(kith: &Kith, name: &str) -> String {
    kith.dir.path().join(name).to_str().unwrap().to_owned()
}

fn read_export(file: &str) -> AccountExport {
    AccountExport::from_json(&std::fs::read(file).unwrap()).unwrap()
}

#[test]
fn an_account_moves_to_another_database_through_json() {
    let source = busy_account();
    let file = path(&source, "account.json");
    source.ok(&["export", "json", "--output", &file]);
    let first = read_export(&file);
    assert_eq!(first.kith_export, 1);
    assert_eq!(first.contacts.len(), 3);
    assert_eq!(first.user.display_name, "Ann Example");
    // Standard output gives the same document.
    let printed: Value = serde_json::from_str(&source.ok(&["export", "json"])).unwrap();
    assert_eq!(
        printed["contacts"],
        serde_json::to_value(&first.contacts).unwrap()
    );

    let target = Kith::new();
    let report = target.json(&["import", "json", &file]);
    assert_eq!(report["contacts"], 3);
    assert_eq!(
        report["follow_ups"], 4,
        "task, loop-back, their to-do, intro"
    );
    let again = path(&target, "again.json");
    target.ok(&["export", "json", "-o", &again]);
    assert_eq!(read_export(&again).comparable(), first.comparable());

    // What is derived from the data came along too.
    for args in [
        &["show", "jane"][..],
        &["due"],
        &["todo", "list", "--all"],
        &["goal", "show", "product"],
        &["search", "product"],
        &["settings"],
    ] {
        assert_eq!(target.json(args), source.json(args), "kith {args:?}");
    }
}

#[test]
fn import_json_fills_only_an_empty_account_and_reads_files_strictly() {
    let source = busy_account();
    let file = path(&source, "account.json");
    source.ok(&["export", "json", "-o", &file]);
    let broken = path(&source, "broken.json");
    let mut doc: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    doc["follow_ups"][1]["contact_id"] = 4242.into();
    std::fs::write(&broken, serde_json::to_vec(&doc).unwrap()).unwrap();
    let future = path(&source, "future.json");
    std::fs::write(&future, r#"{"kith_export": 2, "contacts": []}"#).unwrap();

    refuses_all(
        &source,
        &[
            (
                &["import", "json", &file],
                &format!(
                    "kith: cannot import {file}: this account is not empty (3 contacts, \
                     1 conversations, 4 follow-ups, 1 goals, 1 meetings, 1 outreach blocks"
                ),
            ),
            (
                &["import", "json", &broken],
                &format!(
                    "kith: cannot import {broken}: invalid follow_ups[1].contact_id: \
                     no contact with id 4242 in the file"
                ),
            ),
        ],
    );

    let empty = Kith::new();
    empty.ok(&["init", "--name", "Empty"]);
    let before = empty.ok(&["export", "json"]);
    let err = empty.fails(&["import", "json", &future]);
    assert_eq!(
        err,
        format!(
            "kith: cannot import {future}: invalid kith_export: unsupported version 2 \
             (this Kith reads version 1)"
        )
    );
    let err = empty.fails(&["import", "json", &broken]);
    assert!(err.contains("follow_ups[1].contact_id"), "{err}");
    let mut after: Value = serde_json::from_str(&empty.ok(&["export", "json"])).unwrap();
    let mut before: Value = serde_json::from_str(&before).unwrap();
    after["exported_at"] = Value::Null;
    before["exported_at"] = Value::Null;
    assert_eq!(after, before, "a refused import writes nothing");
}

/// A backup holds password hashes and sign-in secrets: only its owner may
/// read it, whatever the umask.
fn assert_private(file: &str) {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = std::fs::metadata(file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "{file}: {mode:o}");
}

#[test]
fn backup_and_restore_an_sqlite_database() {
    let source = busy_account();
    let backup = path(&source, "backup.db");
    let text = source.ok(&["backup", &backup]);
    assert!(text.contains("an SQLite snapshot, 1 user"), "{text}");
    assert!(exists(std::path::Path::new(&backup)));
    assert_private(&backup);
    let err = source.fails(&["backup", &backup]);
    assert_eq!(
        err,
        format!("kith: {backup} already exists; pass --force to replace it")
    );
    source.ok(&["add", "Dora Later"]);
    source.ok(&["backup", &backup, "--force"]);
    assert_private(&backup);

    // Into a database that does not exist yet.
    let target = Kith::new();
    let text = target.ok(&["restore", &backup]);
    assert!(text.contains(": 1 user."), "{text}");
    assert_eq!(snapshot(&target), snapshot(&source));
    assert_eq!(target.json(&["due"]), source.json(&["due"]));

    // A database with users is replaced only with --force.
    let other = Kith::new();
    other.ok(&["add", "Someone Else"]);
    let err = other.fails(&["restore", &backup]);
    assert_eq!(
        err,
        format!(
            "kith: {} already has 1 user; pass --force to replace the whole database with \
             the backup (everything in it now is lost)",
            other.db().display()
        )
    );
    assert_eq!(other.json(&["list"])[0]["name"], "Someone Else");
    let text = other.ok(&["restore", &backup, "--force"]);
    assert!(text.contains("were replaced"), "{text}");
    assert_eq!(snapshot(&other), snapshot(&source));

    // Only a Kith database is restored.
    let junk = path(&source, "junk.db");
    std::fs::write(&junk, b"SQLite format 3\0 but not really").unwrap();
    let err = Kith::new().fails(&["restore", &junk]);
    assert!(
        err.starts_with(&format!(
            "kith: invalid snapshot: {junk} is not a Kith database"
        )),
        "{err}"
    );
    let err = Kith::new().fails(&["restore", &path(&source, "account.json")]);
    assert!(err.starts_with("kith: cannot read"), "{err}");
}

#[test]
fn backup_and_restore_a_postgresql_database_as_json() {
    let Some(admin) = postgres_admin_url() else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let source_db = runtime.block_on(TestDatabase::create(&admin));
    let target_db = runtime.block_on(TestDatabase::create(&admin));
    let kith = Kith::new();
    let source = ["--database-url", source_db.url.as_str()];
    let target = ["--database-url", target_db.url.as_str()];
    fill(&kith, &source);
    let on = |db: &[&str], args: &[&str]| kith.ok(&[db, args].concat());

    let backup = path(&kith, "backup.json");
    let text = on(&source, &["backup", &backup]);
    assert!(text.contains("(JSON, 1 user)"), "{text}");
    assert_private(&backup);
    let err = kith.fails(&[&source[..], &["backup", &backup]].concat());
    assert_eq!(
        err,
        format!("kith: {backup} already exists; pass --force to replace it")
    );
    let doc: Value = serde_json::from_slice(&std::fs::read(&backup).unwrap()).unwrap();
    assert_eq!(doc["kith_backup"], 1);
    assert_eq!(doc["users"][0]["username"], "tester");
    assert!(doc["users"][0].get("sessions").is_none());

    on(&target, &["add", "Someone Else"]);
    let err = kith.fails(&[&target[..], &["restore", &backup]].concat());
    assert_eq!(
        err,
        format!(
            "kith: cannot restore {backup}: the database already has 1 user(s); restore only \
             fills an empty database (--force deletes every user and all their data first)"
        )
    );
    let text = on(&target, &["restore", &backup, "--force"]);
    assert!(text.contains("were replaced"), "{text}");
    let export = |db: &[&str]| {
        let text = on(db, &["export", "json"]);
        AccountExport::from_json(text.as_bytes())
            .unwrap()
            .comparable()
    };
    assert_eq!(export(&target), export(&source));
    assert_eq!(
        on(&target, &["due", "--json"]),
        on(&source, &["due", "--json"])
    );

    // The same file fills an SQLite database too.
    kith.ok(&["restore", &backup]);
    let sqlite = AccountExport::from_json(kith.ok(&["export", "json"]).as_bytes()).unwrap();
    assert_eq!(sqlite.comparable(), export(&source));

    // A passkey can belong to one user only: a backup naming one twice is
    // refused by its path before anything is replaced.
    let mut bad = doc.clone();
    let key = serde_json::json!({"name": "phone", "credential_id": "cred-1",
        "credential": "{}", "created_at": 1, "last_used_at": null});
    bad["users"][0]["sign_in"] = serde_json::json!({"passkeys": [key, key]});
    let bad_file = path(&kith, "bad-backup.json");
    std::fs::write(&bad_file, serde_json::to_vec(&bad).unwrap()).unwrap();
    let err = kith.fails(&[&target[..], &["restore", &bad_file, "--force"]].concat());
    assert_eq!(
        err,
        format!(
            "kith: cannot restore {bad_file}: invalid users[0].sign_in.passkeys[1].credential_id: \
             this passkey appears twice in the backup"
        )
    );
    assert_eq!(export(&target), export(&source));

    runtime.block_on(source_db.drop());
    runtime.block_on(target_db.drop());
}

#[test]
fn a_backup_taken_while_another_kith_writes_is_consistent() {
    let kith = Kith::new();
    kith.ok(&["add", "First Person"]);
    let writer = {
        let db = kith.db();
        let dir = kith.dir.path().to_owned();
        std::thread::spawn(move || {
            for i in 0..15 {
                let out = std::process::Command::new(env!("CARGO_BIN_EXE_kith"))
                    .args(["add", &format!("Person {i}"), "--tag", "busy"])
                    .current_dir(&dir)
                    .env_clear()
                    .env("HOME", &dir)
                    .env("USER", "tester")
                    .envs(clock::inherited_env())
                    .env("KITH_DB", &db)
                    .output()
                    .unwrap();
                assert!(out.status.success(), "{out:?}");
            }
        })
    };
    let mut counts = Vec::new();
    for i in 0..4 {
        let file = path(&kith, &format!("during-{i}.db"));
        kith.ok(&["backup", &file]);
        let copy = Kith::new();
        copy.ok(&["restore", &file]);
        let all = copy.json(&["list", "--all"]).as_array().unwrap().len();
        let tagged = copy
            .json(&["list", "--tag", "busy"])
            .as_array()
            .unwrap()
            .len();
        // Each contact came with its tag in the same transaction.
        assert_eq!(all, tagged + 1, "snapshot {i}");
        counts.push(all);
    }
    writer.join().unwrap();
    assert!(counts.windows(2).all(|w| w[0] <= w[1]), "{counts:?}");
}
