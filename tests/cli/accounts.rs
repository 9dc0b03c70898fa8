//! `kith user` and `kith token`.

use std::io::Write;
use std::process::Stdio;

use kith_store::{Location, Store, TokenScope};

use crate::Kith;

fn with_stdin(kith: &Kith, args: &[&str], input: &str) -> std::process::Output {
    let mut child = kith
        .command(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).trim_end().to_owned()
}

#[test]
fn users_are_added_with_good_passwords_only() {
    let kith = Kith::new();
    let added = with_stdin(
        &kith,
        &[
            "user",
            "add",
            "ann",
            "--name",
            "Ann Example",
            "--admin",
            "--password-stdin",
        ],
        "correct horse battery\n",
    );
    assert!(added.status.success(), "{}", stderr(&added));
    let weak = with_stdin(
        &kith,
        &["user", "add", "bob", "--password-stdin"],
        "password1234\n",
    );
    assert_eq!(weak.status.code(), Some(2));
    assert!(
        stderr(&weak).starts_with("kith: invalid password: is too common"),
        "{}",
        stderr(&weak)
    );
    let short = with_stdin(
        &kith,
        &["user", "add", "bob", "--password-stdin"],
        "short\n",
    );
    assert!(
        stderr(&short).contains("at least 12 characters"),
        "{}",
        stderr(&short)
    );
    assert!(
        kith.fails(&["user", "add", "bob"])
            .contains("--password-stdin")
    );
    let again = with_stdin(
        &kith,
        &["user", "add", "ann", "--password-stdin"],
        "another good passphrase\n",
    );
    assert!(
        stderr(&again).contains("a user named 'ann' already exists"),
        "{}",
        stderr(&again)
    );

    let users = kith.json(&["user", "list"]);
    assert_eq!(
        users.as_array().unwrap().len(),
        1,
        "refused adds created nobody: {users}"
    );
    assert_eq!(users[0]["username"], "ann");
    assert_eq!(users[0]["admin"], true);
    assert_eq!(users[0]["has_password"], true);

    kith.ok(&["user", "disable", "ann"]);
    assert_eq!(kith.json(&["user", "list"])[0]["disabled"], true);
    kith.ok(&["user", "enable", "ann"]);
    let changed = with_stdin(
        &kith,
        &["user", "passwd", "ann", "--password-stdin"],
        "a different passphrase\n",
    );
    assert!(changed.status.success(), "{}", stderr(&changed));
    assert!(
        kith.fails(&["user", "disable", "zed"])
            .contains("no user 'zed'")
    );
}

#[test]
fn tokens_are_shown_once_and_work_until_revoked() {
    let kith = Kith::new();
    kith.ok(&["init"]);
    let created = kith.json(&["token", "create", "--name", "backup script"]);
    let secret = created["token"].as_str().unwrap().to_owned();
    assert!(
        secret.starts_with("kith_") && secret.len() == 69,
        "{secret}"
    );
    let dav = kith.json(&["token", "create", "--name", "phone", "--carddav"]);
    assert!(dav["token"].as_str().unwrap().starts_with("kdav_"));

    let listed = kith.ok(&["token", "list"]);
    assert!(
        listed.contains("backup script") && listed.contains("phone"),
        "{listed}"
    );
    assert!(!listed.contains(&secret), "secrets are never listed");

    let db = kith.db();
    let user_of = |token: String| {
        let db = db.clone();
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(async move {
                let store = Store::open(&Location::SqliteFile(db)).await.unwrap();
                store
                    .token_user(
                        &kith_auth::digest(&token),
                        TokenScope::Api,
                        chrono::Utc::now(),
                    )
                    .await
                    .unwrap()
                    .map(|u| u.username)
            })
    };
    assert_eq!(user_of(secret.clone()).as_deref(), Some("tester"));
    let id = created["id"].to_string();
    kith.ok(&["token", "revoke", &id]);
    assert_eq!(user_of(secret), None);
    assert!(
        kith.fails(&["token", "revoke", &id])
            .contains("no active token")
    );
    assert!(
        kith.fails(&["token", "create", "--name", " "])
            .contains("invalid --name")
    );
}
