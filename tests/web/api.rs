//! The JSON API: errors that name the field, cursor pagination, the quick
//! log with homework, and an OpenAPI document that matches the routes.

use reqwest::Client;
use rstest::rstest;
use serde_json::{Value, json};

use crate::{Backend, Server, clock};

/// Sends `r`; its status and its body as JSON (or as a JSON string when it
/// is not JSON).
pub(crate) async fn send(r: reqwest::RequestBuilder) -> (u16, Value) {
    let response = r.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

#[rstest]
#[tokio::test]
async fn bad_input_is_a_4xx_naming_the_field(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let token = server.token("alice");
    let client = Client::new();
    let post = |body: &str| {
        client
            .post(server.at("/api/v1/contacts"))
            .bearer_auth(&token)
            .header("content-type", "application/json")
            .body(body.to_owned())
    };
    for (body, status, field) in [
        ("{}", 422, "name"),
        (
            r#"{"name": "Ann", "emails": ["not-an-address"]}"#,
            422,
            "email",
        ),
        (r#"{"name": "Ann", "birthday": "31 Feb"}"#, 422, "birthday"),
        (r#"{"name": "Ann", "emails": "a@b.c"}"#, 422, "emails"),
        (r#"{"name": "Ann", "colour": "blue"}"#, 422, "colour"),
        (r#"{"name": "Ann", "cadence": "sometimes"}"#, 422, "cadence"),
        (
            r#"{"name": "Ann", "introduced_by": 0}"#,
            422,
            "introduced_by",
        ),
    ] {
        let (got, v) = send(post(body)).await;
        assert_eq!(got, status, "{body}: {v}");
        assert_eq!(v["error"]["code"], "invalid", "{body}: {v}");
        let named = v["error"]["field"].as_str().unwrap_or_default();
        assert!(
            named.contains(field),
            "{body}: field {named:?}, wanted {field}: {v}"
        );
    }
    let (got, v) = send(post("{\"name\": ")).await;
    assert_eq!(got, 400, "{v}");
    // In Kith's words, with serde's line and column; no library's prefix.
    let message = v["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with("the body is not valid JSON: ") && message.contains("line 1 column"),
        "{v}"
    );
    let (got, _) = send(
        client
            .post(server.at("/api/v1/contacts"))
            .bearer_auth(&token)
            .body("name=Ann"),
    )
    .await;
    assert_eq!(got, 400, "a form body is not JSON");
    let (got, v) = send(
        client
            .get(server.at("/api/v1/contacts?limit=0"))
            .bearer_auth(&token),
    )
    .await;
    assert_eq!(
        (got, v["error"]["field"].as_str()),
        (422, Some("limit")),
        "{v}"
    );
    let (got, v) = send(
        client
            .get(server.at("/api/v1/contacts?limit=abc"))
            .bearer_auth(&token),
    )
    .await;
    assert_eq!(
        (got, v["error"]["field"].as_str()),
        (422, Some("limit")),
        "{v}"
    );
    // A NUL in a filter (found by schemathesis): PostgreSQL refuses it in
    // any string, so it must be refused before the query.
    for field in ["function", "org"] {
        let (got, v) = send(
            client
                .get(server.at(&format!("/api/v1/contacts?{field}=sales%00")))
                .bearer_auth(&token),
        )
        .await;
        assert_eq!(
            (got, v["error"]["field"].as_str()),
            (422, Some(field)),
            "{v}"
        );
    }
    let (got, _) = send(
        client
            .get(server.at("/api/v1/contacts/abc"))
            .bearer_auth(&token),
    )
    .await;
    assert_eq!(got, 404);
    let (got, v) = send(
        client
            .post(server.at("/api/v1/conversations"))
            .bearer_auth(&token)
            .json(&json!({ "with": [1], "via": "pigeon" })),
    )
    .await;
    assert_eq!(got, 422, "{v}");
    assert_eq!(v["error"]["field"], "via", "{v}");
    // Conversation, meeting and block bodies name their own fields, not the
    // command line's flags.
    let (_, jane) = send(
        client
            .post(server.at("/api/v1/contacts"))
            .bearer_auth(&token)
            .json(&json!({ "name": "Jane Doe" })),
    )
    .await;
    let jane = jane["id"].as_i64().unwrap();
    for (path, body, field) in [
        (
            "/api/v1/conversations",
            json!({ "with": [jane], "via": "phone", "todos": [" "] }),
            "todos",
        ),
        (
            "/api/v1/conversations",
            json!({ "with": [jane], "via": "phone", "their_todos": [" "] }),
            "their_todos",
        ),
        (
            "/api/v1/conversations",
            json!({ "with": [jane], "via": "phone", "intros": [" "] }),
            "intros",
        ),
        (
            "/api/v1/conversations",
            json!({ "with": [jane], "via": "phone", "on": "someday" }),
            "on",
        ),
        (
            "/api/v1/meetings",
            json!({ "with": [jane], "at": "soon", "mode": { "how": "jitsi" } }),
            "at",
        ),
        (
            "/api/v1/meetings",
            json!({ "with": [jane], "at": clock::later(), "mode": { "how": "zoom", "detail": "https://evil.example/j/1" } }),
            "mode.detail",
        ),
        (
            "/api/v1/meetings",
            json!({ "with": [jane], "at": clock::later(), "mode": { "how": "pigeon" } }),
            "mode.how",
        ),
        (
            "/api/v1/blocks",
            json!({ "days": "funday", "at": "08:30" }),
            "days",
        ),
        ("/api/v1/blocks", json!({ "days": "mon", "at": "8h" }), "at"),
    ] {
        let (got, v) = send(client.post(server.at(path)).bearer_auth(&token).json(&body)).await;
        assert_eq!(
            (got, v["error"]["field"].as_str()),
            (422, Some(field)),
            "{path} {body}: {v}"
        );
    }
    for path in ["/api/v1/meetings?all=true", "/api/v1/blocks"] {
        let (_, v) = send(client.get(server.at(path)).bearer_auth(&token)).await;
        assert_eq!(v, json!([]), "nothing stored by the refused bodies: {path}");
    }
    let (_, v) = send(
        client
            .get(server.at(&format!("/api/v1/contacts/{jane}/conversations")))
            .bearer_auth(&token),
    )
    .await;
    assert_eq!(v, json!([]), "no conversation stored");
    // Nothing half-written: no contact but Jane was stored by any of the above.
    let (_, list) = send(
        client
            .get(server.at("/api/v1/contacts"))
            .bearer_auth(&token),
    )
    .await;
    let names: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Jane Doe"]);
    server.stop().await;
}

#[rstest]
#[tokio::test]
async fn pages_of_contacts_cover_everyone_once(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let token = server.token("alice");
    let client = Client::new();
    let names = [
        "Émile Zola",
        "ada Lovelace",
        "Bob Marley",
        "Ada Byron",
        "Chen Wei",
    ];
    for name in names {
        let (status, _) = send(
            client
                .post(server.at("/api/v1/contacts"))
                .bearer_auth(&token)
                .json(&json!({ "name": name })),
        )
        .await;
        assert_eq!(status, 201);
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(c) => server.at(&format!("/api/v1/contacts?limit=2&cursor={c}")),
            None => server.at("/api/v1/contacts?limit=2"),
        };
        let (status, page) = send(client.get(url).bearer_auth(&token)).await;
        assert_eq!(status, 200);
        for item in page["items"].as_array().unwrap() {
            seen.push(item["name"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(
        seen,
        [
            "Ada Byron",
            "ada Lovelace",
            "Bob Marley",
            "Chen Wei",
            "Émile Zola"
        ]
    );
    server.stop().await;
}

#[rstest]
#[tokio::test]
async fn a_conversation_with_homework_drives_the_loop(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let token = server.token("alice");
    let client = Client::new();
    let (_, jane) = send(
        client
            .post(server.at("/api/v1/contacts"))
            .bearer_auth(&token)
            .json(&json!({ "name": "Jane Doe" })),
    )
    .await;
    let id = jane["id"].as_i64().unwrap();
    let (status, logged) = send(
        client
            .post(server.at("/api/v1/conversations"))
            .bearer_auth(&token)
            .json(&json!({
                "with": [id], "via": "zoom", "minutes": "30", "summary": "career chat",
                "todos": ["Read Atomic Habits"], "their_todos": ["Intro to her manager"],
                "loop_back": true, "by": clock::later_date(),
            })),
    )
    .await;
    assert_eq!(status, 201, "{logged}");
    assert_eq!(logged["conversation"]["channel"], "zoom");
    assert_eq!(logged["follow_ups"].as_array().unwrap().len(), 2);
    let mine = logged["follow_ups"][0].as_i64().unwrap();
    let (status, done) = send(
        client
            .post(server.at(&format!("/api/v1/follow-ups/{mine}/done")))
            .bearer_auth(&token),
    )
    .await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["loop_back"]["kind"], "loop-back");
    let (_, today) = send(client.get(server.at("/api/v1/today")).bearer_auth(&token)).await;
    assert_eq!(today["loop_backs"][0]["contact"], id, "{today}");
    let (status, _) = send(
        client
            .post(server.at(&format!("/api/v1/follow-ups/{mine}/done")))
            .bearer_auth(&token),
    )
    .await;
    assert_eq!(status, 409, "done twice is a conflict");
    // Talking to Jane again closes the loop.
    send(
        client
            .post(server.at("/api/v1/conversations"))
            .bearer_auth(&token)
            .json(&json!({ "with": [id], "via": "email", "summary": "finished the book" })),
    )
    .await;
    let (_, today) = send(client.get(server.at("/api/v1/today")).bearer_auth(&token)).await;
    assert_eq!(today["loop_backs"], json!([]), "{today}");
    server.stop().await;
}

#[rstest]
#[tokio::test]
async fn the_openapi_document_describes_every_route(#[values(Backend::Sqlite)] backend: Backend) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let doc: Value = reqwest::get(server.at("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    let mut documented: Vec<String> = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.push(format!("{} {path}", method.to_uppercase()));
        }
    }
    // What the router serves under /api/v1 (from its own route table), but
    // the document itself, which does not describe itself.
    let served: Vec<String> = crate::routes()
        .into_iter()
        .filter_map(|(method, path)| {
            let path = path.strip_prefix("/api/v1")?;
            assert_ne!(method, "*", "{path}: an API route takes named methods");
            (path != "/openapi.json").then(|| format!("{method} {path}"))
        })
        .collect();
    let undocumented: Vec<&String> = served.iter().filter(|r| !documented.contains(r)).collect();
    let unserved: Vec<&String> = documented.iter().filter(|r| !served.contains(r)).collect();
    assert!(
        undocumented.is_empty(),
        "served under /api/v1 but missing from the OpenAPI document: {undocumented:?}"
    );
    assert!(
        unserved.is_empty(),
        "in the OpenAPI document but not served: {unserved:?}"
    );
    // Each documented route answers (401 without a token, never 404 or 405).
    let client = Client::new();
    for route in &served {
        let (method, path) = route.split_once(' ').unwrap();
        let path = path.replace("{id}", "1");
        let r = client
            .request(
                method.parse().unwrap(),
                server.at(&format!("/api/v1{path}")),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401, "{route}");
    }
    assert!(doc["components"]["schemas"]["ContactOut"].is_object());
    server.stop().await;
}

/// Who is due is kept between requests; a write through the API and a write
/// by the command line on the same database each show in the very next
/// answer.
#[rstest]
#[tokio::test]
async fn who_is_due_is_never_stale(#[values(Backend::Sqlite, Backend::Postgres)] backend: Backend) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let token = server.token("alice");
    let client = Client::new();
    let due = async || -> Vec<String> {
        let (status, due) = send(client.get(server.at("/api/v1/due")).bearer_auth(&token)).await;
        assert_eq!(status, 200, "{due}");
        due.as_array()
            .unwrap()
            .iter()
            .map(|e| e["contact"]["name"].as_str().unwrap().to_owned())
            .collect()
    };
    for name in ["Jane Doe", "Bob Roe"] {
        server.kith(&["--user", "alice", "add", name]);
        server.kith(&[
            "--user",
            "alice",
            "log",
            name,
            "--via",
            "phone",
            "--on",
            "2020-01-01",
            "catch-up",
        ]);
    }
    assert_eq!(due().await, ["Jane Doe", "Bob Roe"]);
    assert_eq!(due().await, ["Jane Doe", "Bob Roe"], "asked again");

    // Through the API.
    let (_, found) = send(
        client
            .get(server.at("/api/v1/contacts?q=Jane"))
            .bearer_auth(&token),
    )
    .await;
    let jane = found["items"][0]["id"].as_i64().unwrap();
    let (status, body) = send(
        client
            .post(server.at("/api/v1/conversations"))
            .bearer_auth(&token)
            .json(&json!({ "with": [jane], "via": "zoom", "summary": "caught up" })),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(
        due().await,
        ["Bob Roe"],
        "after a call logged through the API"
    );

    // By another process on the same database.
    server.kith(&["--user", "alice", "snooze", "Bob Roe", "--for", "2w"]);
    assert_eq!(
        due().await,
        Vec::<String>::new(),
        "after a snooze from the CLI"
    );
    server.kith(&["--user", "alice", "snooze", "Bob Roe", "--off"]);
    assert_eq!(due().await, ["Bob Roe"], "after waking Bob from the CLI");
    server.stop().await;
}

/// A digest switched on with nowhere to go, on the API and on the settings
/// page: each names the field in its own terms (the body's `address`, the
/// form's) and says where to set it on the web, with no command-line advice
/// (the command line names `--to`: tests/cli/mail.rs).
#[rstest]
#[tokio::test]
async fn a_digest_without_an_address_is_named_without_flags(
    #[values(Backend::Sqlite)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let token = server.token("alice");
    let (got, v) = send(
        Client::new()
            .patch(server.at("/api/v1/digest"))
            .bearer_auth(&token)
            .json(&json!({ "enabled": true })),
    )
    .await;
    assert_eq!(
        (got, v["error"]["field"].as_str()),
        (422, Some("address")),
        "{v}"
    );
    let message = v["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("the digest needs an address"), "{v}");
    assert!(!message.contains("--") && !message.contains("kith "), "{v}");
    let alice = server.signed_in("alice").await;
    let r = alice
        .post(server.at("/settings/digest"))
        .form(&[("enabled", "on"), ("mon", "on"), ("at", "07:30")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let html = alice
        .get(server.at("/settings"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("the digest needs an address"), "{html}");
    assert!(!html.contains("--to ADDRESS"), "{html}");
    server.stop().await;
}

/// The same mistakes the page names by its form label and the command line
/// by its flag (tests/cli): the API names the JSON field.
#[rstest]
#[tokio::test]
async fn an_invalid_contact_names_the_json_field(#[values(Backend::Sqlite)] backend: Backend) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let token = server.token("alice");
    for (body, field, message) in [
        (
            json!({ "name": "Bob", "cadence": "soon" }),
            "cadence",
            "invalid cadence: 'soon' is not an interval",
        ),
        (
            json!({ "name": "Bob", "emails": ["bob@"] }),
            "emails",
            "invalid emails: 'bob@' is not an e-mail address",
        ),
    ] {
        let (got, v) = send(
            Client::new()
                .post(server.at("/api/v1/contacts"))
                .bearer_auth(&token)
                .json(&body),
        )
        .await;
        assert_eq!(got, 422, "{body}: {v}");
        assert_eq!(v["error"]["field"], field, "{body}: {v}");
        let said = v["error"]["message"].as_str().unwrap_or_default();
        assert!(said.starts_with(message), "{body}: {v}");
    }
    server.stop().await;
}

/// What the store refuses (a value to remove that the contact does not
/// have, a contact as its own introducer) is named by the JSON field that
/// asked for it, as the command line names its flag (tests/cli/input.rs).
#[rstest]
#[tokio::test]
async fn a_refusal_by_the_store_names_the_json_field(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let token = server.token("alice");
    let (got, v) = send(
        Client::new()
            .post(server.at("/api/v1/contacts"))
            .bearer_auth(&token)
            .json(&json!({ "name": "Bob Jones", "emails": ["bob@acme.example"] })),
    )
    .await;
    assert_eq!(got, 201, "{v}");
    let id = v["id"].as_i64().unwrap();
    for (body, field, message) in [
        (
            json!({ "remove_emails": ["other@acme.example"] }),
            "remove_emails",
            "invalid remove_emails: the contact has no email 'other@acme.example'",
        ),
        (
            json!({ "introduced_by": id }),
            "introduced_by",
            "invalid introduced_by: a contact cannot introduce themselves",
        ),
    ] {
        let (got, v) = send(
            Client::new()
                .patch(server.at(&format!("/api/v1/contacts/{id}")))
                .bearer_auth(&token)
                .json(&body),
        )
        .await;
        assert_eq!(
            (got, v["error"]["field"].as_str()),
            (422, Some(field)),
            "{body}: {v}"
        );
        assert_eq!(v["error"]["message"], message, "{body}: {v}");
    }
    let (_, bob) = send(
        Client::new()
            .get(server.at(&format!("/api/v1/contacts/{id}")))
            .bearer_auth(&token),
    )
    .await;
    assert_eq!(bob["emails"], json!(["bob@acme.example"]), "{bob}");
    server.stop().await;
}
