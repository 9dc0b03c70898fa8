//! Correcting and undoing: a follow-up's edit form and PATCH, and the Undo
//! of a done, drop or archive on the web and the API, once, by its owner.

use reqwest::Client;
use rstest::rstest;
use serde_json::{Value, json};

use crate::api::send;
use crate::{Backend, Server, location};

/// The undo id in a `Link: </api/v1/undo/ID>; rel="undo"` header.
fn undo_link(r: &reqwest::Response) -> Option<String> {
    let link = r.headers().get("link")?.to_str().ok()?;
    let start = link.find('<')? + 1;
    let end = link.find('>')?;
    link.ends_with("rel=\"undo\"")
        .then(|| link[start..end].to_owned())
}

async fn follow_up(client: &Client, server: &Server, token: &str, id: i64) -> Value {
    let (status, all) = send(
        client
            .get(server.at("/api/v1/follow-ups?all=true"))
            .bearer_auth(token),
    )
    .await;
    assert_eq!(status, 200, "{all}");
    all.as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
        .cloned()
        .unwrap_or(Value::Null)
}

#[rstest]
#[tokio::test]
async fn a_follow_up_is_patched_with_the_rules_of_adding_one(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice", "bob"]).await else {
        return;
    };
    server.kith(&["--user", "alice", "add", "Jane Doe"]);
    let alice = server.token("alice");
    let bob = server.token("bob");
    let client = Client::new();
    let (status, created) = send(
        client
            .post(server.at("/api/v1/follow-ups"))
            .bearer_auth(&alice)
            .json(&json!({ "contact": 1, "title": "Send the deck", "by": "2031-05-06", "loop_back": true })),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_i64().unwrap();
    let patch = |token: &str, body: Value| {
        client
            .patch(server.at(&format!("/api/v1/follow-ups/{id}")))
            .bearer_auth(token)
            .json(&body)
    };

    let (status, v) = send(patch(
        &alice,
        json!({ "title": "Send the slides", "owner": "them" }),
    ))
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["title"], "Send the slides");
    assert_eq!(v["owner"], "them");
    assert_eq!(v["due_on"], "2031-05-06", "a date left out stays");
    assert_eq!(v["loop_back"], false, "theirs asks me for no loop-back");
    let (status, v) = send(patch(&alice, json!({ "by": null }))).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["due_on"], Value::Null);
    assert_eq!(v["title"], "Send the slides");

    for (body, field) in [
        (json!({ "title": "" }), "title"),
        (json!({ "title": "two\nlines" }), "title"),
        (json!({ "title": "bell\u{7}" }), "title"),
        (json!({ "title": "x".repeat(501) }), "title"),
        (json!({ "by": "someday" }), "by"),
        (json!({ "owner": "nobody" }), "owner"),
        (json!({ "colour": "blue" }), "colour"),
    ] {
        let (status, v) = send(patch(&alice, body.clone())).await;
        assert_eq!(status, 422, "{body}: {v}");
        assert_eq!(v["error"]["field"], field, "{body}: {v}");
    }
    // Bob cannot see or change it.
    let (status, v) = send(patch(&bob, json!({ "title": "Hacked" }))).await;
    assert_eq!(status, 404, "{v}");
    let stored = follow_up(&client, &server, &alice, id).await;
    assert_eq!(stored["title"], "Send the slides");
    assert_eq!(stored["due_on"], Value::Null);
    server.stop().await;
}

#[rstest]
#[tokio::test]
async fn done_drop_and_archive_are_undone_once_by_their_owner_over_the_api(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice", "bob"]).await else {
        return;
    };
    server.kith(&["--user", "alice", "add", "Jane Doe"]);
    let alice = server.token("alice");
    let bob = server.token("bob");
    let client = Client::new();
    let add = |title: &str| {
        client
            .post(server.at("/api/v1/follow-ups"))
            .bearer_auth(&alice)
            .json(&json!({ "contact": 1, "title": title, "loop_back": true }))
    };
    let (_, first) = send(add("Read the book")).await;
    let id = first["id"].as_i64().unwrap();
    let before = follow_up(&client, &server, &alice, id).await;

    let r = client
        .post(server.at(&format!("/api/v1/follow-ups/{id}/done")))
        .bearer_auth(&alice)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let link = undo_link(&r).expect("an undo link");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["undo"]["undo"], link.as_str());
    assert_eq!(body["undo"]["kind"], "done");
    let loop_back = body["loop_back"]["id"].as_i64().unwrap();
    let (status, listed) = send(client.get(server.at("/api/v1/undo")).bearer_auth(&alice)).await;
    assert_eq!(status, 200);
    assert_eq!(listed[0]["undo"], link.as_str());

    // Bob: not found, and nothing changes.
    let (status, v) = send(client.post(server.at(&link)).bearer_auth(&bob)).await;
    assert_eq!(status, 404, "{v}");
    let (_, bobs) = send(client.get(server.at("/api/v1/undo")).bearer_auth(&bob)).await;
    assert_eq!(bobs, json!([]));
    assert_eq!(
        follow_up(&client, &server, &alice, id).await["status"],
        "done"
    );

    let (status, v) = send(client.post(server.at(&link)).bearer_auth(&alice)).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["kind"], "done");
    assert_eq!(follow_up(&client, &server, &alice, id).await, before);
    assert_eq!(
        follow_up(&client, &server, &alice, loop_back).await,
        Value::Null,
        "the loop-back it made is gone"
    );
    let (status, v) = send(client.post(server.at(&link)).bearer_auth(&alice)).await;
    assert_eq!(status, 409, "a second undo: {v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("undone already"),
        "{v}"
    );

    // Drop.
    let r = client
        .post(server.at(&format!("/api/v1/follow-ups/{id}/drop")))
        .bearer_auth(&alice)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let link = undo_link(&r).expect("an undo link");
    let (status, _) = send(client.post(server.at(&link)).bearer_auth(&alice)).await;
    assert_eq!(status, 200);
    assert_eq!(
        follow_up(&client, &server, &alice, id).await["status"],
        "open"
    );

    // Archive through PATCH.
    let r = client
        .patch(server.at("/api/v1/contacts/1"))
        .bearer_auth(&alice)
        .json(&json!({ "archived": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let link = undo_link(&r).expect("an undo link");
    let (status, v) = send(client.post(server.at(&link)).bearer_auth(&bob)).await;
    assert_eq!(status, 404, "{v}");
    let (status, v) = send(client.post(server.at(&link)).bearer_auth(&alice)).await;
    assert_eq!(status, 200, "{v}");
    let (_, jane) = send(
        client
            .get(server.at("/api/v1/contacts/1"))
            .bearer_auth(&alice),
    )
    .await;
    assert_eq!(jane["archived"], false, "{jane}");
    server.stop().await;
}

#[rstest]
#[tokio::test]
async fn the_web_edits_a_follow_up_and_offers_undo_after_done(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice", "bob"]).await else {
        return;
    };
    server.kith(&["--user", "alice", "add", "Jane Doe"]);
    server.kith(&[
        "--user",
        "alice",
        "todo",
        "add",
        "Jane Doe",
        "Send the deck",
    ]);
    let alice = server.signed_in("alice").await;
    let bob = server.signed_in("bob").await;

    let page = alice.get(server.at("/follow-ups")).send().await.unwrap();
    let html = page.text().await.unwrap();
    assert!(html.contains(r#"href="/follow-ups/1""#), "an edit link");
    let page = alice.get(server.at("/follow-ups/1")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains(r#"value="Send the deck""#), "{html}");
    assert_eq!(
        bob.get(server.at("/follow-ups/1"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    // A refused edit keeps what was typed and names the field.
    let r = alice
        .post(server.at("/follow-ups/1"))
        .form(&[
            ("title", "Send the slides"),
            ("owner", "them"),
            ("by", "someday"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"value="Send the slides""#), "{html}");
    assert!(html.contains(r#"<option value="them" selected>"#), "{html}");
    let error = &html[html.find(r#"id="edit-error""#).expect("the reason")..];
    assert!(error.contains("By: "), "{error}");

    let r = alice
        .post(server.at("/follow-ups/1"))
        .form(&[
            ("title", "Send the slides"),
            ("owner", "them"),
            ("by", "2031-05-06"),
            ("back", "/follow-ups"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/follow-ups");
    let listed: Value =
        serde_json::from_str(&server.kith(&["--user", "alice", "todo", "list", "--json"])).unwrap();
    assert_eq!(listed[0]["title"], "Send the slides");
    assert_eq!(listed[0]["owner"], "them");
    assert_eq!(listed[0]["due_on"], "2031-05-06");
    // Bob's attempt changes nothing.
    let r = bob
        .post(server.at("/follow-ups/1"))
        .form(&[("title", "Hacked"), ("owner", "me"), ("by", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    // Done, then the notice's Undo button.
    let r = alice
        .post(server.at("/follow-ups/1/done"))
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
    let form = &html[html.find(r#"action="/undo/"#).expect("an Undo button")..];
    let undo_path = form[8..form.find("\">").unwrap()].to_owned();
    assert!(
        form.contains(r#"name="back" value="/follow-ups""#),
        "{form}"
    );
    assert!(
        !html.contains("</a>: Send the slides"),
        "done is off the list"
    );

    // Bob cannot undo it.
    let r = bob
        .post(server.at(&undo_path))
        .form(&[("back", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let r = alice
        .post(server.at(&undo_path))
        .form(&[("back", "/follow-ups")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/follow-ups");
    let html = alice
        .get(server.at("/follow-ups"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Undone: Done: Send the slides"), "{html}");
    assert!(html.contains("</a>: Send the slides"), "back on the list");
    // A second time: refused, said on the page.
    let r = alice
        .post(server.at(&undo_path))
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
    assert!(html.contains("Cannot undo"), "{html}");
    assert!(html.contains("undone already"), "{html}");
    server.stop().await;
}
