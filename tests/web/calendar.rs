//! The calendar page: a meeting converted to a call keeps its UID and gets
//! a higher SEQUENCE in the invitation; the feed lives at a secret address
//! that a new one revokes.

use rstest::rstest;

use crate::{Backend, Server, clock, location};

fn field<'a>(ics: &'a str, name: &str) -> &'a str {
    ics.lines()
        .find_map(|l| l.strip_prefix(name))
        .unwrap_or_else(|| panic!("no {name} in {ics}"))
        .trim_end()
}

#[rstest]
#[tokio::test]
async fn a_meeting_converted_to_a_call_updates_the_same_event(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice", "bob"]).await else {
        return;
    };
    server.kith(&[
        "--user",
        "alice",
        "settings",
        "--email",
        "alice@example.com",
    ]);
    server.kith(&[
        "--user",
        "alice",
        "add",
        "Jane Doe",
        "--email",
        "jane@example.com",
    ]);
    let alice = server.signed_in("alice").await;
    let r = alice
        .post(server.at("/meetings"))
        .form(&[
            ("with", "jane"),
            ("at", clock::later()),
            ("minutes", "45"),
            ("title", "Coffee with Jane"),
            ("how", "where"),
            ("detail", "Café Central"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let at = location(&r);
    let id: i64 = at.rsplit('-').next().unwrap().parse().unwrap();
    let page = alice
        .get(server.at("/calendar"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Coffee with Jane") && page.contains("Café Central"),
        "{page}"
    );

    let before = alice
        .get(server.at(&format!("/meetings/{id}/invite.ics")))
        .send()
        .await
        .unwrap();
    assert_eq!(before.status(), 200);
    assert!(
        before.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let before = before.text().await.unwrap();
    assert_eq!(field(&before, "METHOD:"), "REQUEST");
    assert_eq!(field(&before, "SEQUENCE:"), "0");

    // Bob can neither see nor convert it.
    let bob = server.signed_in("bob").await;
    for (method, path) in [
        (reqwest::Method::GET, format!("/meetings/{id}/invite.ics")),
        (reqwest::Method::POST, format!("/meetings/{id}/convert")),
        (reqwest::Method::POST, format!("/meetings/{id}/cancel")),
        (reqwest::Method::POST, format!("/meetings/{id}/send")),
    ] {
        let r = bob
            .request(method.clone(), server.at(&path))
            .form(&[("how", "jitsi")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404, "bob: {method} {path}");
    }

    let bad = alice
        .post(server.at(&format!("/meetings/{id}/convert")))
        .form(&[
            ("how", "zoom"),
            ("detail", "https://zoom.us.evil.example/j/1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 303, "refused with a message");
    let saved = alice
        .post(server.at("/settings"))
        .form(&[
            ("name", "Alice"),
            ("email", "alice@example.com"),
            ("timezone", "UTC"),
            ("every", "30d"),
            ("jitsi", "https://jitsi.example.org"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&saved), "/settings");
    let converted = alice
        .post(server.at(&format!("/meetings/{id}/convert")))
        .form(&[("how", "jitsi"), ("detail", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(converted.status(), 303);
    let after = alice
        .get(server.at(&format!("/meetings/{id}/invite.ics")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(field(&after, "UID:"), field(&before, "UID:"));
    assert_eq!(
        field(&after, "SEQUENCE:"),
        "1",
        "one change, after the refused one"
    );
    assert!(
        field(&after, "URL").contains("https://jitsi.example.org/"),
        "the user's own Jitsi server: {after}"
    );
    assert!(after.contains("CONFERENCE;"), "{after}");
    server.stop().await;
}

#[rstest]
#[tokio::test]
async fn the_feed_lives_at_a_secret_address_until_a_new_one(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let alice = server.signed_in("alice").await;
    let feed_url = |html: &str| -> String {
        let start = html
            .find("<code id=\"feed-url\">")
            .expect("the feed address is shown")
            + 20;
        let end = start + html[start..].find("</code>").unwrap();
        html[start..end].to_owned()
    };
    let first = alice
        .post(server.at("/settings/calendar"))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 200);
    let first = feed_url(&first.text().await.unwrap());
    assert!(
        first.starts_with(&server.url) && first.ends_with(".ics"),
        "{first}"
    );
    let anonymous = reqwest::Client::new();
    let feed = anonymous.get(&first).send().await.unwrap();
    assert_eq!(feed.status(), 200);
    let text = feed.text().await.unwrap();
    assert!(
        text.starts_with("BEGIN:VCALENDAR\r\n") && !text.contains("METHOD:"),
        "{text}"
    );

    let second = alice
        .post(server.at("/settings/calendar"))
        .send()
        .await
        .unwrap();
    let second = feed_url(&second.text().await.unwrap());
    assert_ne!(first, second);
    assert_eq!(
        anonymous.get(&first).send().await.unwrap().status(),
        404,
        "the old address is revoked"
    );
    assert_eq!(anonymous.get(&second).send().await.unwrap().status(), 200);
    let guess =
        server.at("/cal/kcal_0000000000000000000000000000000000000000000000000000000000000000.ics");
    assert_eq!(anonymous.get(guess).send().await.unwrap().status(), 404);
    server.stop().await;
}

/// A meeting the form cannot schedule comes back with the form open, what
/// was typed in it, and the reason; nothing is scheduled.
#[rstest]
#[tokio::test]
async fn a_refused_meeting_keeps_what_was_typed(#[values(Backend::Sqlite)] backend: Backend) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    server.kith(&["--user", "alice", "add", "Minh Wang"]);
    let alice = server.signed_in("alice").await;
    let r = alice
        .post(server.at("/meetings"))
        .form(&[
            ("with", "Minh Wang"),
            ("at", "next blursday 10:00"),
            ("minutes", "45"),
            ("title", "Coffee about the PM role"),
            ("how", "zoom"),
            ("detail", "https://zoom.us/j/123"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"<details id="schedule" open>"#));
    assert!(
        html.contains("next blursday 10:00"),
        "the time typed is kept"
    );
    assert!(html.contains(r#"value="Coffee about the PM role""#));
    assert!(html.contains(r#"value="45""#));
    assert!(html.contains(r#"<option value="zoom" selected>"#));
    assert!(html.contains(r#"value="https://zoom.us/j/123""#));
    let error = &html[html.find(r#"id="meet-error""#).expect("the reason")..];
    assert!(error.contains("is not a date or time"), "{error}");
    assert!(
        server
            .kith(&["--user", "alice", "meeting", "list"])
            .contains("No")
    );

    // A meeting in the past is noted, and said to be waiting to be logged.
    let r = alice
        .post(server.at("/meetings"))
        .form(&[
            ("with", "Minh Wang"),
            ("at", "2020-01-01 10:00"),
            ("how", "where"),
            ("detail", "Cafe"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/calendar#to-log");
    let flash = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(flash.contains("in+the+past"), "{flash}");
    let page = alice.get(server.at("/calendar")).send().await.unwrap();
    let html = page.text().await.unwrap();
    let to_log = &html[html.find(r#"id="to-log""#).expect("meetings to log")..];
    assert!(to_log.contains("Meeting with Minh Wang"), "{to_log}");
    server.stop().await;
}
