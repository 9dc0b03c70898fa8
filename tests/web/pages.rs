//! Pages that must stay readable at a large network's size.

use reqwest::Client;
use rstest::rstest;
use serde_json::json;

use crate::{Backend, Server, clock};

#[rstest]
#[tokio::test]
async fn the_follow_ups_page_shows_the_most_pressing_hundred(
    #[values(Backend::Sqlite)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let token = server.token("alice");
    let api = Client::new();
    let contact: serde_json::Value = api
        .post(server.at("/api/v1/contacts"))
        .bearer_auth(&token)
        .json(&json!({ "name": "Busy Person" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = contact["id"].as_i64().unwrap();
    // 101 promises due on successive days, created latest-due first.
    for day in (0..101).rev() {
        let due = clock::day(30 + day);
        let r = api
            .post(server.at("/api/v1/follow-ups"))
            .bearer_auth(&token)
            .json(&json!({ "contact": id, "title": format!("Task due {due}"), "by": due.to_string() }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
    }
    let page = server
        .signed_in("alice")
        .await
        .get(server.at("/follow-ups"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("101 open, the 100 most pressing shown"),
        "{page}"
    );
    let task = |day: i64| format!("Task due {}", clock::day(30 + day));
    assert!(page.contains(&task(0)), "the earliest is shown");
    assert!(
        !page.contains(&task(100)),
        "the latest is left for the contact's page"
    );
    let first = page.find(&task(0)).unwrap();
    let second = page.find(&task(1)).unwrap();
    assert!(first < second, "earliest due first");
    server.stop().await;
}

/// Every page a signed-in user can open renders, with a plain-text title
/// (markup that lands in `<title>` shows as text in the tab and is missing
/// from the page).
#[rstest]
#[tokio::test]
async fn every_page_renders_with_a_plain_title(#[values(Backend::Sqlite)] backend: Backend) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    server.kith(&["--user", "alice", "add", "Jane Doe"]);
    server.kith(&[
        "--user",
        "alice",
        "goal",
        "add",
        "--kind",
        "new-role",
        "Head of product",
    ]);
    let browser = server.signed_in("alice").await;
    for path in [
        "/",
        "/contacts",
        "/contacts?show=due",
        "/contacts/1",
        "/contacts/1/edit",
        "/contacts/new",
        "/follow-ups",
        "/goals",
        "/goals/1",
        "/organisation",
        "/calendar",
        "/import",
        "/settings",
    ] {
        let r = browser.get(server.at(path)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let html = r.text().await.unwrap();
        let title = html
            .split_once("<title>")
            .and_then(|(_, rest)| rest.split_once("</title>"))
            .map(|(t, _)| t)
            .unwrap_or_else(|| panic!("{path} has no title"));
        assert!(!title.contains('<'), "{path}: markup in the title: {title}");
        assert!(html.contains("<h1"), "{path} has no heading");
    }
    server.stop().await;
}

/// Two copies of one person, merged from the duplicates list: a preview
/// that changes nothing, then the merge.
#[rstest]
#[tokio::test]
async fn duplicates_merge_from_the_browser(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    server.kith(&[
        "--user",
        "alice",
        "add",
        "Jane Doe",
        "--email",
        "jane@example.com",
    ]);
    server.kith(&[
        "--user",
        "alice",
        "add",
        "Jane Doe",
        "--email",
        "jane@example.com",
        "--title",
        "CTO",
        "--allow-duplicate",
    ]);
    server.kith(&[
        "--user",
        "alice",
        "log",
        "#2",
        "--via",
        "phone",
        "long call",
    ]);
    let browser = server.signed_in("alice").await;
    let import = browser
        .get(server.at("/import"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(import.contains("/merge?keep=1&amp;other=2"), "{import}");
    let preview = browser
        .get(server.at("/merge?keep=1&other=2"))
        .send()
        .await
        .unwrap();
    assert_eq!(preview.status(), 200);
    let preview = preview.text().await.unwrap();
    assert!(preview.contains("1 conversation"), "{preview}");
    assert!(
        server
            .kith(&["--user", "alice", "show", "#2"])
            .contains("CTO"),
        "a preview changes nothing"
    );

    let r = browser
        .post(server.at("/merge"))
        .form(&[("keep", "1"), ("other", "2")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/contacts/1");
    let shown = server.kith(&["--user", "alice", "show", "#1"]);
    assert!(
        shown.contains("CTO") && shown.contains("long call"),
        "{shown}"
    );
    let list = server.kith(&["--user", "alice", "list"]);
    assert_eq!(list.matches("Jane Doe").count(), 1, "{list}");
    let r = browser
        .get(server.at("/merge?keep=1&other=2"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404, "the merged contact is gone");
    server.stop().await;
}

/// Forms naming a goal or a tag that is not there (a stale tab after a goal
/// was removed) are the input's fault: the log form shows its error next to
/// what was typed, the block and tag forms come back with a message, and
/// nothing answers 500.
#[rstest]
#[tokio::test]
async fn forms_naming_what_is_not_there_are_refused_plainly(
    #[values(Backend::Sqlite)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    server.kith(&["--user", "alice", "add", "Jane Doe"]);
    let alice = server.signed_in("alice").await;

    for goal in ["nope", "99999"] {
        let r = alice
            .post(server.at("/contacts/1/log"))
            .form(&[
                ("via", "zoom"),
                ("summary", "Talked about the roadmap"),
                ("goal", goal),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "goal {goal}");
        let html = r.text().await.unwrap();
        assert!(
            html.contains("Talked about the roadmap"),
            "the summary is kept"
        );
        assert!(html.contains("no goal"), "goal {goal}: the reason is shown");
    }

    let refused = |r: reqwest::Response| async move {
        assert_eq!(r.status(), 303);
        let cookies: Vec<String> = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        cookies.join("; ")
    };
    let r = alice
        .post(server.at("/blocks"))
        .form(&[
            ("days", "fri"),
            ("at", "9:00"),
            ("minutes", "30"),
            ("capacity", "2"),
            ("goal", "999"),
        ])
        .send()
        .await
        .unwrap();
    let flash = refused(r).await;
    assert!(flash.contains("goal"), "{flash}");
    assert!(
        server
            .kith(&["--user", "alice", "block", "list"])
            .contains("No")
    );

    let r = alice
        .post(server.at("/settings/tags"))
        .form(&[("tag", "nosuchtag"), ("every", "6w")])
        .send()
        .await
        .unwrap();
    let flash = refused(r).await;
    assert!(flash.contains("nosuchtag"), "{flash}");
    server.stop().await;
}

/// An app password made in settings comes with what a phone asks for (the
/// server's address and the user name), and works for CardDAV at once; a
/// token with a blank name is refused with a message.
#[rstest]
#[tokio::test]
async fn a_carddav_app_password_from_settings_comes_with_the_server_address(
    #[values(Backend::Sqlite)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let alice = server.signed_in("alice").await;
    let blank = alice
        .post(server.at("/settings/tokens"))
        .form(&[("name", "   "), ("scope", "carddav")])
        .send()
        .await
        .unwrap();
    assert_eq!(blank.status(), 303);
    assert!(
        server
            .kith(&["--user", "alice", "token", "list"])
            .contains("No")
    );

    let page = alice
        .post(server.at("/settings/tokens"))
        .form(&[("name", "Alice's phone"), ("scope", "carddav")])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    let between = |start: &str| {
        let rest = &html[html.find(start).unwrap_or_else(|| panic!("{start}")) + start.len()..];
        rest[..rest.find('<').unwrap()].to_owned()
    };
    assert_eq!(between(r#"<code id="carddav-server">"#), server.at(""));
    assert!(
        html.contains("<code>alice</code>"),
        "the user name is shown"
    );
    let secret = between(r#"<code id="new-token">"#);
    assert!(secret.starts_with("kdav_"), "{secret}");

    let found = reqwest::Client::new()
        .request(
            reqwest::Method::from_bytes(b"PROPFIND").unwrap(),
            server.at("/dav/"),
        )
        .basic_auth("alice", Some(&secret))
        .header("Depth", "0")
        .send()
        .await
        .unwrap();
    assert_eq!(found.status(), 207);
    server.stop().await;
}

/// The dashboard shows meetings to log (with the form to log them) and the
/// next outreach block with who is planned into it; a block added by
/// another process shows at once (blocks are compared, not trusted to the
/// data version).
#[rstest]
#[tokio::test]
async fn the_dashboard_shows_meetings_and_the_next_block(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let alice = |args: &[&str]| server.kith(&[&["--user", "alice"], args].concat());
    alice(&["add", "Jane Doe"]);
    alice(&[
        "log",
        "jane",
        "--via",
        "coffee",
        "--on",
        "2020-01-01",
        "Old times",
    ]);
    alice(&[
        "meet",
        "jane",
        "--at",
        "2 days ago",
        "--where",
        "Cafe Central",
    ]);
    let browser = server.signed_in("alice").await;
    let home = server.at("/");
    let page = |browser: reqwest::Client| {
        let home = home.clone();
        async move {
            let r = browser.get(home).send().await.unwrap();
            assert_eq!(r.status(), 200);
            r.text().await.unwrap()
        }
    };

    let html = page(browser.clone()).await;
    let to_log = &html[html
        .find(r#"id="meetings-to-log""#)
        .expect("meetings to log")..];
    assert!(to_log.contains("Meeting with Jane Doe"), "{to_log}");
    assert!(to_log.contains(r#"action="/meetings/1/log""#));
    assert!(
        !html.contains(r#"id="next-block""#),
        "no blocks, no block panel"
    );

    alice(&[
        "block",
        "add",
        "--days",
        "mon,tue,wed,thu,fri,sat,sun",
        "--at",
        "23:59",
    ]);
    let html = page(browser.clone()).await;
    let block = &html[html.find(r#"id="next-block""#).expect("the next block")..];
    assert!(
        block.contains(r#"<a href="/contacts/1">Jane Doe</a>"#),
        "{block}"
    );

    // Logged from the dashboard, the meeting leaves it, and the dashboard
    // is where the browser comes back to.
    assert!(html.contains(r#"<input type="hidden" name="back" value="/">"#));
    let r = browser
        .post(server.at("/meetings/1/log"))
        .form(&[("summary", "Talked about the move"), ("back", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(crate::location(&r), "/");
    assert!(!page(browser).await.contains(r#"id="meetings-to-log""#));
    server.stop().await;
}

/// A goal the form cannot add comes back with what was typed and why.
#[rstest]
#[tokio::test]
async fn a_refused_goal_keeps_what_was_typed(#[values(Backend::Sqlite)] backend: Backend) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let alice = server.signed_in("alice").await;
    for (field, value, why) in [
        ("by", "soonish", "soonish"),
        ("target", "ten", "not a whole number"),
    ] {
        let mut form = vec![
            ("title", "Land a PM role at a fintech"),
            ("kind", "industry-change"),
            ("industry", "fintech"),
            ("target", "10"),
        ];
        form.retain(|(f, _)| *f != field);
        form.push((field, value));
        let r = alice
            .post(server.at("/goals"))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{field}");
        let html = r.text().await.unwrap();
        assert!(
            html.contains(r#"value="Land a PM role at a fintech""#),
            "{field}"
        );
        assert!(html.contains(r#"<option value="industry-change" selected>"#));
        assert!(html.contains(&format!(r#"value="{value}""#)));
        let error = &html[html.find(r#"id="goal-error""#).expect("the reason")..];
        assert!(error.contains(why), "{error}");
    }
    assert!(
        server
            .kith(&["--user", "alice", "goal", "list"])
            .contains("No")
    );
    server.stop().await;
}

/// A follow-up the contact page cannot add comes back with the form open,
/// what was typed, and why; the log and follow-up forms post to an anchor
/// so a refused form is where the browser opens, and a logged conversation
/// opens the page at its message.
#[rstest]
#[tokio::test]
async fn a_refused_follow_up_keeps_what_was_typed(#[values(Backend::Sqlite)] backend: Backend) {
    let Some(server) = Server::start(backend, &["alice", "bob"]).await else {
        return;
    };
    server.kith(&["--user", "alice", "add", "Jane Doe"]);
    let alice = server.signed_in("alice").await;
    let r = alice
        .post(server.at("/contacts/1/follow-ups"))
        .form(&[
            ("title", "Send Jane the deck"),
            ("owner", "them"),
            ("by", "blah"),
            ("loop_back", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"<details id="add-follow-up" open>"#));
    assert!(html.contains(r#"value="Send Jane the deck""#));
    assert!(html.contains(r#"<option value="them" selected>"#));
    assert!(html.contains(r#"value="blah""#));
    assert!(html.contains(r#"name="loop_back" value="1" checked"#));
    assert!(html.contains(r#"action="/contacts/1/follow-ups#add-follow-up""#));
    assert!(html.contains(r#"action="/contacts/1/log#log""#));
    let error = &html[html.find(r#"id="follow-up-error""#).expect("the reason")..];
    assert!(error.contains("&#39;blah&#39; is not a date"), "{error}");
    assert!(
        !server
            .kith(&["--user", "alice", "todo", "list"])
            .contains("deck")
    );

    let r = alice
        .post(server.at("/contacts/1/log"))
        .form(&[("via", "coffee"), ("summary", "Talked")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(crate::location(&r), "/contacts/1#top");

    // Bob cannot add to Alice's contact, refused or not.
    let bob = server.signed_in("bob").await;
    for by in ["blah", "tomorrow"] {
        let r = bob
            .post(server.at("/contacts/1/follow-ups"))
            .form(&[("title", "x"), ("by", by)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404, "{by}");
    }
    server.stop().await;
}

/// A form body that does not fit its form (letters where a number goes)
/// gets the error page naming the field, not a plain-text rejection.
#[rstest]
#[tokio::test]
async fn a_form_that_does_not_fit_gets_a_page_naming_the_field(
    #[values(Backend::Sqlite)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    server.kith(&["--user", "alice", "add", "Jane Doe"]);
    let alice = server.signed_in("alice").await;
    let r = alice
        .post(server.at("/contacts/1/snooze"))
        .form(&[("days", "a week")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let kind = r.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(kind.starts_with("text/html"), "{kind}");
    let html = r.text().await.unwrap();
    assert!(html.contains("invalid days:"), "{html}");
    assert!(html.contains(r#"<a href="/">Back to today</a>"#));
    server.stop().await;
}

/// A refused profile form shows what was typed (so the typo can be seen
/// and fixed) and why; nothing is saved.
#[rstest]
#[tokio::test]
async fn a_refused_profile_keeps_what_was_typed(#[values(Backend::Sqlite)] backend: Backend) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let alice = server.signed_in("alice").await;
    let r = alice
        .post(server.at("/settings"))
        .form(&[
            ("name", "Alice Example"),
            ("email", "alice@example.com"),
            ("timezone", "Berlin"),
            ("every", "6w"),
            ("light_resets_clock", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains(r#"name="timezone" value="Berlin""#),
        "the typo is shown"
    );
    assert!(html.contains(r#"name="name" value="Alice Example""#));
    assert!(html.contains(r#"name="light_resets_clock" value="1" checked"#));
    let error = &html[html.find(r#"id="profile-error""#).expect("the reason")..];
    assert!(error.contains("Berlin"), "{error}");
    let page = alice.get(server.at("/settings")).send().await.unwrap();
    let html = page.text().await.unwrap();
    assert!(!html.contains("Alice Example"), "nothing was saved");
    server.stop().await;
}

/// What they promised shows when it is overdue, and can be dropped as well
/// as marked done.
#[rstest]
#[tokio::test]
async fn their_overdue_promises_are_marked_and_can_be_dropped(
    #[values(Backend::Sqlite)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    server.kith(&["--user", "alice", "add", "Jane Doe"]);
    let alice = server.signed_in("alice").await;
    let r = alice
        .post(server.at("/contacts/1/follow-ups"))
        .form(&[
            ("title", "Send the intro"),
            ("owner", "them"),
            ("by", "2020-01-01"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let page = alice.get(server.at("/follow-ups")).send().await.unwrap();
    let html = page.text().await.unwrap();
    let theirs = &html[html.find(r#"id="theirs""#).unwrap()..];
    assert!(theirs.contains("overdue: a gentle nudge?"), "{theirs}");
    assert!(
        theirs.contains(r#"action="/follow-ups/1/drop""#),
        "{theirs}"
    );
    let r = alice
        .post(server.at("/follow-ups/1/drop"))
        .form(&[("back", "/follow-ups")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let html = alice
        .get(server.at("/follow-ups"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Nobody owes you anything."));
    server.stop().await;
}

/// A name that matches nobody is said plainly on the web, without the
/// command line's advice to run `kith add`.
#[rstest]
#[tokio::test]
async fn an_unknown_name_is_said_without_command_line_advice(
    #[values(Backend::Sqlite)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    server.kith(&["--user", "alice", "add", "Jane Doe"]);
    server.kith(&[
        "--user",
        "alice",
        "goal",
        "add",
        "--kind",
        "new-role",
        "Head of product",
    ]);
    let alice = server.signed_in("alice").await;
    let r = alice
        .post(server.at("/meetings"))
        .form(&[
            ("with", "Nobody Such"),
            ("at", clock::later()),
            ("how", "where"),
            ("detail", "Cafe"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    let error = &html[html.find(r#"id="meet-error""#).unwrap()..];
    let error = &error[..error.find("</p>").unwrap()];
    assert!(
        error.contains("no contact matches &#39;Nobody Such&#39;"),
        "{error}"
    );
    assert!(!error.contains("kith add"), "{error}");

    let r = alice
        .post(server.at("/goals/1/link"))
        .form(&[("contact", "zed")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let flash = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(flash.contains("no+contact+matches"), "{flash}");
    assert!(!flash.contains("kith+add"), "{flash}");
    server.stop().await;
}

/// The same mistakes the API names by its JSON field and the command line
/// by its flag (tests/cli): the page names the form label, and keeps what
/// was typed.
#[rstest]
#[tokio::test]
async fn an_invalid_contact_names_the_form_label(#[values(Backend::Sqlite)] backend: Backend) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let alice = server.signed_in("alice").await;
    for (field, value, said) in [
        (
            "every",
            "soon",
            "Keep in touch every: &#39;soon&#39; is not an interval",
        ),
        (
            "emails",
            "bob@",
            "E-mails: &#39;bob@&#39; is not an e-mail address",
        ),
    ] {
        let r = alice
            .post(server.at("/contacts"))
            .form(&[("name", "Bob"), (field, value)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422, "{field}");
        let html = r.text().await.unwrap();
        let error = &html[html.find(r#"role="alert""#).expect("the reason")..];
        let error = &error[..error.find("</p>").unwrap()];
        assert!(error.contains(said), "{field}: {error}");
        assert!(html.contains(&format!(r#"value="{value}""#)), "{field}");
    }
    assert!(!server.kith(&["--user", "alice", "list"]).contains("Bob"));
    server.stop().await;
}

/// A contact who may already be there (the same e-mail here) is not added
/// from the form or the API: the form names them with a link and a box to
/// add them anyway, keeping what was typed; the API answers 409
/// `possible_duplicate` naming them. Said again, each adds them.
#[rstest]
#[tokio::test]
async fn a_contact_who_may_already_be_there_is_named_before_it_is_added(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let jane = server.kith(&[
        "--user",
        "alice",
        "add",
        "Jane Doe",
        "--email",
        "jane@example.com",
        "--json",
    ]);
    let jane: serde_json::Value = serde_json::from_str(&jane).unwrap();
    let jane = jane["id"].as_i64().unwrap();
    let listed = || {
        server
            .kith(&["--user", "alice", "list"])
            .matches("Doe")
            .count()
    };

    // The form.
    let alice = server.signed_in("alice").await;
    let typed = [
        ("name", "Janet Doe"),
        ("emails", "JANE@example.com"),
        ("title", "CTO"),
    ];
    let r = alice
        .post(server.at("/contacts"))
        .form(&typed)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Janet Doe may already be in your contacts"),
        "{html}"
    );
    assert!(
        html.contains(&format!(r#"href="/contacts/{jane}""#)),
        "a link to her"
    );
    assert!(html.contains("the same e-mail jane@example.com"), "{html}");
    assert!(html.contains(r#"name="allow_duplicate""#), "a box to go on");
    assert!(html.contains(r#"value="CTO""#), "what was typed is kept");
    assert_eq!(listed(), 1, "nothing was added");
    let mut anyway = typed.to_vec();
    anyway.push(("allow_duplicate", "1"));
    let r = alice
        .post(server.at("/contacts"))
        .form(&anyway)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(listed(), 2);

    // The API.
    let token = server.token("alice");
    let api = Client::new();
    let r = api
        .post(server.at("/api/v1/contacts"))
        .bearer_auth(&token)
        .json(&json!({ "name": "J. Doe", "emails": ["jane@example.com"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "possible_duplicate", "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains(&format!("Jane Doe (#{jane}, the same e-mail"))),
        "{body}"
    );
    assert_eq!(listed(), 2, "nothing was added");
    let r = api
        .post(server.at("/api/v1/contacts"))
        .bearer_auth(&token)
        .json(&json!({ "name": "J. Doe", "emails": ["jane@example.com"], "allow_duplicate": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    assert_eq!(listed(), 3);
    server.stop().await;
}
