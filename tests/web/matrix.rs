//! The authorization matrix: every route that touches a user's data, asked
//! by the owner, by another user, anonymously and with a revoked token. No
//! one but the owner reads or changes anything.

use reqwest::{Client, Method, StatusCode};
use rstest::rstest;
use serde_json::{Value, json};

use crate::{Backend, Server, clock};

enum Who {
    Owner,
    Other,
    Anonymous,
    Revoked,
}

struct Callers {
    owner: String,
    other: String,
    revoked: String,
}

impl Callers {
    fn request(
        &self,
        client: &Client,
        who: &Who,
        method: Method,
        url: String,
    ) -> reqwest::RequestBuilder {
        let r = client.request(method, url);
        match who {
            Who::Owner => r.bearer_auth(&self.owner),
            Who::Other => r.bearer_auth(&self.other),
            Who::Anonymous => r,
            Who::Revoked => r.bearer_auth(&self.revoked),
        }
    }
}

#[rstest]
#[tokio::test]
async fn nobody_but_the_owner_reads_or_writes(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice", "bob"]).await else {
        return;
    };
    let client = Client::new();
    server.kith(&[
        "--user",
        "alice",
        "settings",
        "--email",
        "alice@example.com",
    ]);
    let revoked = server.token("alice");
    let listed: Value =
        serde_json::from_str(&server.kith(&["--user", "alice", "token", "list", "--json"]))
            .unwrap();
    let revoked_id = listed.as_array().unwrap()[0]["id"].as_i64().unwrap();
    server.kith(&[
        "--user",
        "alice",
        "token",
        "revoke",
        &revoked_id.to_string(),
    ]);
    let callers = Callers {
        owner: server.token("alice"),
        other: server.token("bob"),
        revoked,
    };
    let api = |path: &str| server.at(&format!("/api/v1{path}"));

    // Alice's data.
    let contact: Value = callers
        .request(&client, &Who::Owner, Method::POST, api("/contacts"))
        .json(&json!({ "name": "Carol Owner", "title": "CTO", "emails": ["carol@example.com"] }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let c = contact["id"].as_i64().unwrap();
    let second: Value = callers
        .request(&client, &Who::Owner, Method::POST, api("/contacts"))
        .json(&json!({ "name": "Dan Owner" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let c2 = second["id"].as_i64().unwrap();
    let logged: Value = callers
        .request(&client, &Who::Owner, Method::POST, api("/conversations"))
        .json(&json!({ "with": [c], "via": "zoom", "summary": "kick-off", "todos": ["Send the deck"] }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let f = logged["follow_ups"][0].as_i64().unwrap();
    let goal: Value = callers
        .request(&client, &Who::Owner, Method::POST, api("/goals"))
        .json(&json!({ "title": "Meet CTOs", "kind": "new-role", "target": 5 }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let g = goal["id"].as_i64().unwrap();
    let meeting: Value = callers
        .request(&client, &Who::Owner, Method::POST, api("/meetings"))
        .json(&json!({ "with": [c], "at": clock::later(), "mode": { "how": "where", "detail": "Café" } }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let m = meeting["id"].as_i64().unwrap();
    let block: Value = callers
        .request(&client, &Who::Owner, Method::POST, api("/blocks"))
        .json(&json!({ "days": "tue,thu", "at": "08:30" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let k = block["id"].as_i64().unwrap();

    use StatusCode as S;
    let cases: Vec<(Method, String, Option<Value>, [StatusCode; 4])> = vec![
        (
            Method::GET,
            format!("/contacts/{c}"),
            None,
            [S::OK, S::NOT_FOUND, S::UNAUTHORIZED, S::UNAUTHORIZED],
        ),
        (
            Method::PATCH,
            format!("/contacts/{c}"),
            Some(json!({ "title": "Hacked" })),
            [S::OK, S::NOT_FOUND, S::UNAUTHORIZED, S::UNAUTHORIZED],
        ),
        (
            Method::GET,
            format!("/contacts/{c}/conversations"),
            None,
            [S::OK, S::NOT_FOUND, S::UNAUTHORIZED, S::UNAUTHORIZED],
        ),
        (
            Method::POST,
            "/conversations".into(),
            Some(json!({ "with": [c], "via": "phone" })),
            [
                S::CREATED,
                S::UNPROCESSABLE_ENTITY,
                S::UNAUTHORIZED,
                S::UNAUTHORIZED,
            ],
        ),
        (
            Method::POST,
            "/follow-ups".into(),
            Some(json!({ "contact": c, "title": "Planted" })),
            [S::CREATED, S::NOT_FOUND, S::UNAUTHORIZED, S::UNAUTHORIZED],
        ),
        (
            Method::POST,
            format!("/follow-ups/{f}/drop"),
            None,
            [S::OK, S::NOT_FOUND, S::UNAUTHORIZED, S::UNAUTHORIZED],
        ),
        (
            Method::GET,
            format!("/goals/{g}"),
            None,
            [S::OK, S::NOT_FOUND, S::UNAUTHORIZED, S::UNAUTHORIZED],
        ),
        (
            Method::GET,
            "/contacts".into(),
            None,
            [S::OK, S::OK, S::UNAUTHORIZED, S::UNAUTHORIZED],
        ),
        (
            Method::GET,
            "/follow-ups".into(),
            None,
            [S::OK, S::OK, S::UNAUTHORIZED, S::UNAUTHORIZED],
        ),
        (
            Method::GET,
            "/goals".into(),
            None,
            [S::OK, S::OK, S::UNAUTHORIZED, S::UNAUTHORIZED],
        ),
        (
            Method::POST,
            "/goals".into(),
            Some(json!({ "title": "Another", "kind": "custom" })),
            [S::CREATED, S::CREATED, S::UNAUTHORIZED, S::UNAUTHORIZED],
        ),
        (
            Method::POST,
            "/contacts".into(),
            Some(json!({ "name": "New One" })),
            [S::CREATED, S::CREATED, S::UNAUTHORIZED, S::UNAUTHORIZED],
        ),
        (
            Method::GET,
            "/due".into(),
            None,
            [S::OK, S::OK, S::UNAUTHORIZED, S::UNAUTHORIZED],
        ),
        (
            Method::GET,
            "/today".into(),
            None,
            [S::OK, S::OK, S::UNAUTHORIZED, S::UNAUTHORIZED],
        ),
        (
            Method::GET,
            "/search?q=carol".into(),
            None,
            [S::OK, S::OK, S::UNAUTHORIZED, S::UNAUTHORIZED],
        ),
        (
            Method::GET,
            "/me".into(),
            None,
            [S::OK, S::OK, S::UNAUTHORIZED, S::UNAUTHORIZED],
        ),
        (
            Method::GET,
            format!("/meetings/{m}"),
            None,
            [S::OK, S::NOT_FOUND, S::UNAUTHORIZED, S::UNAUTHORIZED],
        ),
        (
            Method::POST,
            format!("/meetings/{m}/convert"),
            Some(json!({ "how": "jitsi" })),
            [S::OK, S::NOT_FOUND, S::UNAUTHORIZED, S::UNAUTHORIZED],
        ),
        (
            Method::GET,
            format!("/meetings/{m}/invitation"),
            None,
            [S::OK, S::NOT_FOUND, S::UNAUTHORIZED, S::UNAUTHORIZED],
        ),
        (
            Method::POST,
            "/meetings".into(),
            Some(json!({ "with": [c], "at": clock::at(401, "10:00"), "mode": { "how": "jitsi" } })),
            [
                S::CREATED,
                S::UNPROCESSABLE_ENTITY,
                S::UNAUTHORIZED,
                S::UNAUTHORIZED,
            ],
        ),
        (
            Method::GET,
            "/meetings".into(),
            None,
            [S::OK, S::OK, S::UNAUTHORIZED, S::UNAUTHORIZED],
        ),
        (
            Method::GET,
            "/blocks".into(),
            None,
            [S::OK, S::OK, S::UNAUTHORIZED, S::UNAUTHORIZED],
        ),
        (
            Method::GET,
            "/plan".into(),
            None,
            [S::OK, S::OK, S::UNAUTHORIZED, S::UNAUTHORIZED],
        ),
        (
            Method::POST,
            format!("/meetings/{m}/send"),
            None,
            [S::ACCEPTED, S::NOT_FOUND, S::UNAUTHORIZED, S::UNAUTHORIZED],
        ),
        (
            Method::GET,
            "/outbox".into(),
            None,
            [S::OK, S::OK, S::UNAUTHORIZED, S::UNAUTHORIZED],
        ),
        (
            Method::GET,
            "/digest".into(),
            None,
            [S::OK, S::OK, S::UNAUTHORIZED, S::UNAUTHORIZED],
        ),
        (
            Method::POST,
            format!("/meetings/{m}/cancel"),
            None,
            [S::OK, S::NOT_FOUND, S::UNAUTHORIZED, S::UNAUTHORIZED],
        ),
        (
            Method::DELETE,
            format!("/blocks/{k}"),
            None,
            [
                S::NO_CONTENT,
                S::NOT_FOUND,
                S::UNAUTHORIZED,
                S::UNAUTHORIZED,
            ],
        ),
    ];
    // Others first, so the owner's own writes (the drop) come last.
    for who in [Who::Other, Who::Anonymous, Who::Revoked, Who::Owner] {
        let column = match who {
            Who::Owner => 0,
            Who::Other => 1,
            Who::Anonymous => 2,
            Who::Revoked => 3,
        };
        for (method, path, body, expected) in &cases {
            let mut r = callers.request(&client, &who, method.clone(), api(path));
            if let Some(body) = body {
                r = r.json(body);
            }
            let response = r.send().await.unwrap();
            let status = response.status();
            let text = response.text().await.unwrap();
            assert_eq!(
                status, expected[column],
                "{method} {path} as column {column}: {text}"
            );
            if column == 1 && status == S::OK {
                // Bob sees only his own world.
                assert!(
                    !text.contains("Carol Owner")
                        && !text.contains("Café")
                        && !text.contains("Send the deck")
                        && !text.contains("Meet CTOs"),
                    "{method} {path} leaked to another user: {text}"
                );
            }
            if column >= 2 {
                let body: Value = serde_json::from_str(&text).unwrap();
                assert_eq!(body["error"]["code"], "unauthorized");
            }
        }
    }
    // Nothing of Alice's changed through the others.
    let mine: Value = callers
        .request(
            &client,
            &Who::Owner,
            Method::GET,
            api(&format!("/contacts/{c}")),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(mine["title"], "Hacked", "only the owner's PATCH applied");
    let follow_ups = server.kith(&["--user", "alice", "todo", "list", "--json"]);
    assert_eq!(
        follow_ups.matches("Planted").count(),
        1,
        "only the owner's: {follow_ups}"
    );

    // The pages: the same answers for a signed-in other user.
    let bob = server.signed_in("bob").await;
    for (method, path) in [
        (Method::GET, format!("/contacts/{c}")),
        (Method::GET, format!("/contacts/{c}/edit")),
        (Method::POST, format!("/contacts/{c}")),
        (Method::POST, format!("/contacts/{c}/log")),
        (Method::POST, format!("/contacts/{c}/follow-ups")),
        (Method::POST, format!("/contacts/{c}/snooze")),
        (Method::POST, format!("/contacts/{c}/archive")),
        (Method::POST, format!("/follow-ups/{f}/done")),
        (Method::GET, format!("/goals/{g}")),
        (Method::POST, format!("/goals/{g}/status")),
        (Method::POST, format!("/goals/{g}/link")),
        (Method::GET, format!("/merge?keep={c}&other={c2}")),
        (Method::POST, format!("/contacts/{c2}/delete")),
        (Method::POST, "/merge".to_owned()),
    ] {
        let (keep, other) = (c.to_string(), c2.to_string());
        let form = [
            ("keep", keep.as_str()),
            ("other", other.as_str()),
            ("name", "X"),
            ("via", "zoom"),
            ("title", "X"),
            ("days", "7"),
            ("status", "done"),
            ("contact", "#1"),
            ("summary", "x"),
        ];
        let r = bob
            .request(method.clone(), server.at(&path))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 404, "bob: {method} {path}");
        let anonymous = server
            .browser()
            .request(method.clone(), server.at(&path))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(anonymous.status(), 303, "anonymous: {method} {path}");
        assert!(crate::location(&anonymous).starts_with("/login"));
    }
    let bob_admin = bob.get(server.at("/users")).send().await.unwrap();
    assert_eq!(bob_admin.status(), 403, "only an admin sees the users");
    let carol = server.kith(&["--user", "alice", "show", &c.to_string(), "--json"]);
    let carol: Value = serde_json::from_str(&carol).unwrap();
    assert_eq!(carol["archived"], false);
    assert_eq!(carol["name"], "Carol Owner");
    let dan = server.kith(&["--user", "alice", "show", &c2.to_string()]);
    assert!(
        dan.contains("Dan Owner"),
        "bob's merge attempts changed nothing"
    );
    server.stop().await;
}
