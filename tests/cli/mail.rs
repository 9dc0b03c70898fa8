//! `digest` and `outbox` from the command line: settings, the preview,
//! queueing, and clear refusals. Sending itself is in tests/mail.

use crate::{Kith, clock};

#[test]
fn the_digest_is_set_previewed_and_queued() {
    let kith = Kith::new();
    kith.ok(&["add", "Jane Doe", "--every", "30d"]);
    kith.ok(&[
        "log",
        "jane",
        "--via",
        "phone",
        "--on",
        "2025-01-01",
        "Catch-up",
        "--todo",
        "send the deck",
        "--by",
        "2025-01-08",
    ]);
    let status = kith.ok(&["digest"]);
    assert!(status.starts_with("Digest off."), "{status}");
    // It needs somewhere to go.
    let err = kith.fails(&["digest", "set", "--on"]);
    assert!(err.contains("the digest needs an address"), "{err}");
    assert_eq!(kith.json(&["digest"])["enabled"], false);
    kith.ok(&["settings", "--email", "me@example.com"]);
    let status = kith.ok(&[
        "digest", "set", "--on", "--days", "mon-wed", "--at", "06:45",
    ]);
    assert!(
        status.contains(&format!(
            "Digest on: Mon, Tue, Wed at 06:45 ({}) to me@example.com",
            clock::machine_zone()
        )),
        "{status}"
    );
    let v = kith.json(&["digest"]);
    assert_eq!(v["days"], serde_json::json!(["mon", "tue", "wed"]));
    assert_eq!(v["at"], "06:45");
    let next: chrono::DateTime<chrono::Utc> = v["next_at"].as_str().unwrap().parse().unwrap();
    assert!(next > chrono::Utc::now());
    let local = next.with_timezone(&clock::machine_tz());
    assert_eq!(local.format("%H:%M").to_string(), "06:45");
    // Only the days change; a different address, then back to the account's.
    kith.ok(&[
        "digest",
        "set",
        "--days",
        "daily",
        "--to",
        "inbox@example.org",
    ]);
    let v = kith.json(&["digest"]);
    assert_eq!(
        (v["to"].as_str(), v["at"].as_str()),
        (Some("inbox@example.org"), Some("06:45"))
    );
    assert_eq!(v["days"].as_array().unwrap().len(), 7);
    kith.ok(&["digest", "set", "--to-account"]);
    assert_eq!(kith.json(&["digest"])["to"], "me@example.com");
    // A new time zone keeps the local time.
    kith.ok(&["settings", "--timezone", "Asia/Kolkata"]);
    let next: chrono::DateTime<chrono::Utc> = kith.json(&["digest"])["next_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        next.format("%H:%M").to_string(),
        "01:15",
        "06:45 in Kolkata"
    );

    let preview = kith.ok(&["digest", "--preview"]);
    assert!(preview.starts_with("Subject: Kith, "), "{preview}");
    assert!(
        preview.contains("1 person to reach, 1 follow-up due"),
        "{preview}"
    );
    assert!(preview.contains("- Jane Doe\n"), "{preview}");
    assert!(preview.contains("send the deck"), "{preview}");
    let html = kith.ok(&["digest", "--preview", "--html"]);
    assert!(
        html.starts_with("<!DOCTYPE html>") && html.contains("Jane Doe"),
        "{html}"
    );
    let v = kith.json(&["digest", "--preview"]);
    assert_eq!(v["empty"], false);

    // Queued now; nothing sends it here, so it waits in the outbox.
    let out = kith.ok(&["digest", "send"]);
    assert!(
        out.contains("Queued today's digest to me@example.com"),
        "{out}"
    );
    let outbox = kith.json(&["outbox"]);
    assert_eq!(outbox[0]["status"], "pending");
    assert_eq!(outbox[0]["to"], serde_json::json!(["me@example.com"]));
    let list = kith.ok(&["outbox"]);
    assert!(list.contains("#1") && list.contains("queued"), "{list}");
    let v = kith.json(&["digest"]);
    assert_eq!(v["last"]["status"], "pending");

    kith.ok(&["digest", "set", "--off"]);
    let v = kith.json(&["digest"]);
    assert_eq!(
        (v["enabled"].as_bool(), v["next_at"].as_str()),
        (Some(false), None)
    );
}

#[test]
fn bad_digest_and_outbox_commands_are_refused() {
    let kith = Kith::new();
    kith.ok(&["settings", "--email", "me@example.com"]);
    kith.ok(&["digest", "set", "--on"]);
    let before = kith.json(&["digest"]);
    for (args, expected) in [
        (
            &["digest", "set", "--days", "funday"][..],
            "kith: invalid --days: 'funday' is not a weekday",
        ),
        (
            &["digest", "set", "--at", "25:00"],
            "kith: invalid --at: '25:00' is not a time of day",
        ),
        (
            &["digest", "set", "--to", "not-an-address"],
            "kith: invalid --to:",
        ),
        (
            &["outbox", "retry", "7"],
            "kith: no failed or uncertain message #7",
        ),
        (
            &["outbox", "deliver"],
            "kith: kith outbox deliver needs --smtp-url and --mail-from",
        ),
        (
            &[
                "outbox",
                "deliver",
                "--smtp-url",
                "http://mail.example.com",
                "--mail-from",
                "k@example.com",
            ],
            "kith: invalid SMTP URL 'http://mail.example.com': the scheme must be smtp or smtps",
        ),
        (
            &[
                "outbox",
                "deliver",
                "--smtp-url",
                "smtp://u:hunter22@mail.example.com",
            ],
            "kith: --smtp-url needs --mail-from",
        ),
        (&["meeting", "send", "1"], "kith: no meeting with id 1"),
    ] {
        let err = kith.fails(args);
        assert!(
            err.starts_with(expected),
            "kith {args:?}\n  said: {err}\n  want: {expected}"
        );
        assert!(!err.contains("hunter22"), "{err}");
    }
    assert_eq!(kith.json(&["digest"]), before);
    // clap refuses contradictions before anything runs.
    let out = kith.run(&["digest", "set", "--on", "--off"]);
    assert_eq!(out.status.code(), Some(2));
    let out = kith.run(&["digest", "--html"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn an_invitation_needs_attendees_with_addresses() {
    let kith = Kith::new();
    kith.ok(&["settings", "--email", "me@example.com"]);
    kith.ok(&["add", "Bob Roe"]);
    kith.ok(&["meet", "bob", "--at", clock::later(), "--where", "Café"]);
    let err = kith.fails(&["meeting", "send", "1"]);
    assert!(
        err.contains("none of the attendees has an e-mail address"),
        "{err}"
    );
    assert!(kith.json(&["outbox"]).as_array().unwrap().is_empty());
    kith.ok(&["edit", "bob", "--email", "bob@example.com"]);
    let out = kith.ok(&["meeting", "send", "1"]);
    assert!(
        out.contains("Queued the invitation to bob@example.com"),
        "{out}"
    );
    let outbox = kith.json(&["outbox"]);
    assert_eq!(outbox[0]["kind"], "invitation");
    let subject = outbox[0]["subject"].as_str().unwrap();
    let when = clock::day(400).format("%a %-d %b %Y");
    let zone = clock::machine_zone();
    assert!(
        subject.starts_with(&format!(
            "Invitation: Meeting with Bob Roe @ {when}, 10:00 ({zone})"
        )),
        "{subject}"
    );
}

/// `kith outbox deliver` sends with the mail settings of the file `kith
/// serve` reads (`--config` or `KITH_CONFIG`), flags over the file.
#[test]
fn outbox_deliver_reads_the_settings_file() {
    let kith = Kith::new();
    kith.ok(&["settings", "--email", "me@example.com"]);
    kith.ok(&["digest", "send"]);
    // Nothing listens on this port: the message is tried and kept to retry.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let file = kith.dir.path().join("kith.toml");
    std::fs::write(
        &file,
        format!(
            "smtp_url = \"smtp://127.0.0.1:{port}\"\nmail_from = \"Kith <kith@example.com>\"\n"
        ),
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let err = kith.fails(&["outbox", "deliver"]);
    assert!(
        err.starts_with("kith: kith outbox deliver needs --smtp-url and --mail-from"),
        "{err}"
    );
    let v = kith.json(&["outbox", "deliver", "--config", file]);
    assert_eq!(
        (v["sent"].as_u64(), v["retrying"].as_u64()),
        (Some(0), Some(1)),
        "{v}"
    );
    let entry = &kith.json(&["outbox"])[0];
    assert_eq!(
        (entry["status"].as_str(), entry["attempts"].as_i64()),
        (Some("pending"), Some(1)),
        "{entry}"
    );
    // The variable names the file too, and a flag wins over what it says.
    let bad = kith.dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "smtp_url = \"http://mail.example.com\"\nmail_from = \"k@example.com\"\n",
    )
    .unwrap();
    let out = kith
        .command(&["outbox", "deliver"])
        .env("KITH_CONFIG", &bad)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("kith: invalid SMTP URL 'http://mail.example.com'"),
        "{err}"
    );
    let smtp = format!("smtp://127.0.0.1:{port}");
    let out = kith
        .command(&["outbox", "deliver", "--smtp-url", &smtp])
        .env("KITH_CONFIG", &bad)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
