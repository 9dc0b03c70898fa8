//! Several processes, other backends, generated data.

use std::process::Stdio;

use kith_store::testing::{TestDatabase, postgres_admin_url};
use kith_store::{Location, Store};
use serde_json::Value;

use crate::Kith;

#[test]
fn concurrent_writers_both_succeed_or_say_busy() {
    let kith = Kith::new();
    kith.ok(&["init"]);
    // A demo import holds the write lock for a while; adds run meanwhile.
    let demo_db = kith.db();
    let demo = kith
        .command(&[
            "demo",
            "--db",
            demo_db.to_str().unwrap(),
            "--contacts",
            "1500",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let adders: Vec<_> = (0..8)
        .map(|i| {
            kith.command(&["add", &format!("Parallel Person {i}"), "--tag", "parallel"])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut added = 0;
    for child in adders {
        let out = child.wait_with_output().unwrap();
        if out.status.success() {
            added += 1;
        } else {
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(
                err.contains("busy"),
                "a failure must say the database is busy: {err}"
            );
        }
    }
    let demo_out = demo.wait_with_output().unwrap();
    // The demo either seeded its network or was refused because the adds came first.
    let demo_err = String::from_utf8_lossy(&demo_out.stderr);
    assert!(
        demo_out.status.success()
            || demo_err.contains("already has contacts")
            || demo_err.contains("busy"),
        "{demo_err}"
    );

    let tagged = kith.json(&["list", "--tag", "parallel"]);
    assert_eq!(tagged.as_array().unwrap().len(), added);
    assert!(added >= 1);
    let problems = tokio_block_on(async {
        let store = Store::open(&Location::SqliteFile(kith.db())).await.unwrap();
        store.integrity_check().await.unwrap()
    });
    assert!(problems.is_empty(), "{problems:?}");
}

fn tokio_block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

#[test]
fn the_demo_is_deterministic_and_never_overwrites() {
    let kith = Kith::new();
    let a = kith.dir.path().join("a.db");
    let b = kith.dir.path().join("b.db");
    let seeded = kith.json(&[
        "demo",
        "--db",
        a.to_str().unwrap(),
        "--contacts",
        "200",
        "--seed",
        "7",
    ]);
    assert_eq!(seeded["contacts"], 200);
    assert_eq!(seeded["conversations"], 4000);
    assert_eq!(seeded["follow_ups"], 1000);
    kith.ok(&[
        "demo",
        "--db",
        b.to_str().unwrap(),
        "--contacts",
        "200",
        "--seed",
        "7",
    ]);
    let list =
        |db: &std::path::Path| -> Value { kith.json(&["--db", db.to_str().unwrap(), "list"]) };
    assert_eq!(list(&a), list(&b));
    let former = kith.json(&[
        "--db",
        a.to_str().unwrap(),
        "list",
        "--tag",
        "former-colleague",
    ]);
    assert!(!former.as_array().unwrap().is_empty());
    let err = kith.fails(&["demo", "--db", a.to_str().unwrap(), "--contacts", "10"]);
    assert!(err.contains("already has contacts"), "{err}");
    // The default demo database is its own file, made anew each time.
    let default_demo = || {
        let out = kith
            .command(&["demo", "--contacts", "50"])
            .env_remove("KITH_DB")
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let text = default_demo();
    let demo_db = kith.dir.path().join(".local/share/kith/demo.db");
    assert!(
        text.contains(&format!("--db {}", demo_db.display())),
        "{text}"
    );
    default_demo();
    assert_eq!(
        kith.json(&["--db", demo_db.to_str().unwrap(), "list"])
            .as_array()
            .unwrap()
            .len(),
        50
    );
    assert!(
        !crate::exists(&kith.db()),
        "the user's own database is untouched"
    );
}

/// "N days overdue" as a number; "due today" is 0.
fn days_overdue(when: &Value) -> i64 {
    let when = when.as_str().unwrap();
    if when == "due today" {
        return 0;
    }
    when.split(' ').next().unwrap().parse().unwrap()
}

#[test]
fn the_demo_looks_like_someone_who_keeps_up() {
    let kith = Kith::new();
    let db = kith.db();
    let db = db.to_str().unwrap();
    kith.json(&["demo", "--db", db, "--contacts", "1000", "--seed", "3"]);
    let today = kith.json(&["--db", db, "today"]);
    let due = today["due_total"].as_u64().unwrap();
    assert!((1..=40).contains(&due), "{due} of 1000 due");
    let everyone = kith.json(&["--db", db, "due", "--limit", "1000"]);
    let everyone = everyone.as_array().unwrap();
    assert_eq!(everyone.len() as u64, due);
    let most = everyone
        .iter()
        .map(|e| e["overdue_days"].as_i64().unwrap())
        .max()
        .unwrap();
    assert!(most <= 14, "the most overdue is {most} days overdue");
    for section in ["follow_ups_due", "nudges"] {
        let items = today[section].as_array().unwrap();
        assert!(items.len() <= 40, "{} {section}", items.len());
        for item in items {
            assert!(days_overdue(&item["when"]) <= 14, "{item}");
        }
    }
}

#[test]
fn the_cli_works_on_postgresql() {
    let Some(admin) = postgres_admin_url() else {
        return;
    };
    let database = tokio_block_on(TestDatabase::create(&admin));
    let kith = Kith::new();
    let pg = |args: &[&str]| {
        let mut all = vec!["--database-url", database.url.as_str()];
        all.extend_from_slice(args);
        kith.json(&all)
    };
    pg(&[
        "add",
        "Jane Doe",
        "--email",
        "jane@acme.example",
        "--tag",
        "mentor",
    ]);
    pg(&[
        "log",
        "jane",
        "--via",
        "coffee",
        "--on",
        "yesterday",
        "Talked about Rust",
    ]);
    assert_eq!(
        pg(&["search", "rust"])["conversations"][0]["participants"][0]["name"],
        "Jane Doe"
    );
    assert_eq!(pg(&["list", "--tag", "mentor"])[0]["name"], "Jane Doe");
    assert_eq!(pg(&["show", "jane"])["conversation_count"], 1);
    // Keeping in touch, goals and coverage run on PostgreSQL too.
    pg(&[
        "log",
        "jane",
        "--via",
        "zoom",
        "--todo",
        "Send the deck",
        "--loop-back",
        "--kind",
        "informational",
        "--learned",
        "skill: Rust",
        "Rust deep dive",
    ]);
    let open = pg(&["todo", "list"]);
    let id = open[0]["id"].to_string();
    assert_eq!(
        pg(&["todo", "done", &id])["loop_back"]["title"],
        "Tell Jane you did: Send the deck"
    );
    assert!(
        pg(&["due", "--on", "in 200 days"])
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["contact"]["name"] == "Jane Doe")
    );
    pg(&[
        "goal",
        "add",
        "--kind",
        "new-skill",
        "Learn Rust",
        "--skill",
        "Rust",
        "--target",
        "3",
    ]);
    pg(&[
        "goal",
        "link",
        "rust",
        "--conversation",
        &pg(&["search", "rust"])["conversations"][0]["id"].to_string(),
    ]);
    let goal = pg(&["goal", "show", "rust"]);
    assert_eq!(goal["learned"][0]["text"], "Rust");
    pg(&["org", "mine", "Acme"]);
    pg(&["edit", "jane", "--org", "Acme", "--function", "engineering"]);
    assert_eq!(pg(&["org", "coverage"])["people"], 1);
    tokio_block_on(database.drop());
}
