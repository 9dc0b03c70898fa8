//! The authorization matrix, generated from the router's own route table
//! (`kith routes --json`): every route and every method it answers, asked
//! by the owner, by another user, anonymously and with revoked credentials.
//! Path parameters are filled with the owner's real ids, and the owner's
//! call must get through with each one, so "another user gets 404" is never
//! the answer for an id that does not exist.
//!
//! A route the table gains is in the matrix at once, checked as a private
//! route: it must refuse anonymous and revoked callers unless it is listed
//! in [`OPEN`] with a reason, and a path parameter the matrix cannot fill
//! fails the test until [`fill`] learns it.

use std::collections::BTreeMap;

use reqwest::{Client, Method, RequestBuilder, Response, StatusCode};
use rstest::rstest;
use serde_json::{Value, json};

use crate::{Backend, Server, clock, location};

/// Routes anyone may call, and why. They are still asked by all four
/// callers: none may answer with the owner's data or a server error, and the
/// owner's export must not change.
const OPEN: &[(&str, &str, &str)] = &[
    ("GET", "/login", "the sign-in page"),
    ("POST", "/login", "signing in"),
    ("POST", "/login/passkey/start", "signing in with a passkey"),
    ("POST", "/login/passkey/finish", "signing in with a passkey"),
    ("GET", "/login/oidc/{name}", "signing in through a provider"),
    ("GET", "/login/oidc/{name}/callback", "a provider's answer"),
    ("GET", "/login/code", "the second step of a sign-in"),
    ("POST", "/login/code", "the second step of a sign-in"),
    ("GET", "/login/enrol", "setting up a second step at sign-in"),
    (
        "POST",
        "/login/enrol",
        "setting up a second step at sign-in",
    ),
    ("POST", "/logout", "signing out asks no more than a cookie"),
    ("GET", "/setup", "the first run, refused once a user exists"),
    (
        "POST",
        "/setup",
        "the first run, refused once a user exists",
    ),
    ("GET", "/assets/{version}/kith.css", "the stylesheet"),
    ("GET", "/assets/{version}/kith.js", "the script"),
    ("GET", "/favicon.svg", "the icon"),
    ("GET", "/manifest.webmanifest", "the web app's manifest"),
    ("GET", "/sw.js", "the service worker's script"),
    ("GET", "/icons/icon-192.png", "the app's icon"),
    ("GET", "/icons/icon-512.png", "the app's icon"),
    ("GET", "/icons/icon-maskable-512.png", "the app's icon"),
    ("GET", "/healthz", "the load balancer's health check"),
    ("GET", "/metrics", "request counters, no user data"),
    ("GET", "/api/v1/openapi.json", "the API's description"),
    (
        "*",
        "/.well-known/carddav",
        "a redirect to /dav/ for discovery",
    ),
    (
        "OPTIONS",
        "/",
        "what a WebDAV client asks before it signs in",
    ),
];

/// Routes the owner cannot be shown to get through here, and why; the
/// other three callers are still checked on them.
const NO_OWNER_FIXTURE: &[(&str, &str, &str)] = &[
    (
        "POST",
        "/settings/outbox/{id}/retry",
        "only a failed message is retried; failing needs an SMTP server (tests/mail)",
    ),
    (
        "POST",
        "/api/v1/outbox/{id}/retry",
        "only a failed message is retried; failing needs an SMTP server (tests/mail)",
    ),
    (
        "POST",
        "/settings/passkeys/{id}/remove",
        "a passkey needs a WebAuthn ceremony (tests/e2e adds one)",
    ),
    (
        "POST",
        "/settings/identities/{id}/unlink",
        "a linked identity needs a provider (tests/web/oidc.rs)",
    ),
    (
        "POST",
        "/settings/identities/{name}/link",
        "no provider is configured here (tests/web/oidc.rs)",
    ),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Owner,
    Other,
    Anonymous,
    Revoked,
}

/// How a route is called: what signs a caller in, and how a refusal looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Bearer tokens; a refusal is 401 with a JSON error.
    Api,
    /// Session cookies; a refusal is a redirect to the sign-in page.
    Page,
    /// HTTP Basic with an app password; a refusal is 401.
    Dav,
    /// The secret in the URL is the credential; a wrong one is 404.
    Feed,
}

fn kind(method: &str, path: &str) -> Kind {
    if path.starts_with("/api/") || path == "/mcp" {
        Kind::Api
    } else if path.starts_with("/dav")
        || path.starts_with("/.well-known/carddav")
        // CardDAV discovery at the server's root.
        || method == "PROPFIND"
    {
        Kind::Dav
    } else if path.starts_with("/cal/") {
        Kind::Feed
    } else {
        Kind::Page
    }
}

/// Each caller's credentials for each kind of route.
struct Credentials {
    token: String,
    session: String,
    dav: (String, String),
    feed: String,
}

struct Callers {
    owner: Credentials,
    other: Credentials,
    /// Alice's, revoked or ended.
    revoked: Credentials,
}

/// The owner's ids, one set of things per route that would use them up.
struct Fixture {
    contact: i64,
    merged: i64,
    deleted: i64,
    follow_ups: [i64; 4],
    /// Two follow-ups done, for the two undo routes.
    undos: [i64; 2],
    goal: i64,
    meeting: i64,
    api_meeting: i64,
    blocks: [i64; 2],
    outbox: i64,
    token: i64,
    session_key: String,
    carol: i64,
}

/// The concrete paths (with a query where one is needed) to ask for one
/// route pattern, and the DAV methods for a route that takes any method.
fn fill(method: &str, pattern: &str, fx: &Fixture) -> Vec<(String, String)> {
    let one = |path: String| vec![(method.to_owned(), path)];
    let id = |n: i64| n.to_string();
    match (method, pattern) {
        ("*", "/dav" | "/dav/") => vec![("PROPFIND".into(), pattern.into())],
        ("*", "/dav/{*path}") => {
            let book = "/dav/addressbooks/alice/contacts/";
            let card = format!("{book}fay.vcf");
            vec![
                ("PROPFIND".into(), book.into()),
                ("REPORT".into(), book.into()),
                ("GET".into(), card.clone()),
                ("PUT".into(), card.clone()),
                ("DELETE".into(), card),
            ]
        }
        ("*", "/.well-known/carddav") => vec![("PROPFIND".into(), pattern.into())],
        // MCP: JSON-RPC over POST (`api_body` says which call).
        ("*", "/mcp") => vec![("POST".into(), pattern.into())],
        ("GET", "/merge") => one(format!("/merge?keep={}&other={}", fx.contact, fx.merged)),
        ("GET", "/api/v1/search") => one("/api/v1/search?q=carol".into()),
        (_, "/contacts/{id}/delete") => one(format!("/contacts/{}/delete", fx.deleted)),
        (_, "/follow-ups/{id}/done") => one(pattern.replace("{id}", &id(fx.follow_ups[0]))),
        (_, "/follow-ups/{id}/drop") => one(pattern.replace("{id}", &id(fx.follow_ups[1]))),
        (_, "/api/v1/follow-ups/{id}/done") => one(pattern.replace("{id}", &id(fx.follow_ups[2]))),
        (_, "/api/v1/follow-ups/{id}/drop") => one(pattern.replace("{id}", &id(fx.follow_ups[3]))),
        (_, "/follow-ups/{id}" | "/api/v1/follow-ups/{id}") => {
            one(pattern.replace("{id}", &id(fx.follow_ups[0])))
        }
        (_, "/undo/{id}") => one(pattern.replace("{id}", &id(fx.undos[0]))),
        (_, "/api/v1/undo/{id}") => one(pattern.replace("{id}", &id(fx.undos[1]))),
        (_, "/blocks/{id}/remove") => one(pattern.replace("{id}", &id(fx.blocks[0]))),
        (_, "/api/v1/blocks/{id}") => one(pattern.replace("{id}", &id(fx.blocks[1]))),
        (_, p) if p.starts_with("/api/v1/meetings/{id}") => {
            one(p.replace("{id}", &id(fx.api_meeting)))
        }
        (_, "/cal/{file}") => one(pattern.into()),
        (_, "/settings/sessions/{key}/end") => one(pattern.replace("{key}", &fx.session_key)),
        (_, "/login/oidc/{name}" | "/login/oidc/{name}/callback") => {
            one(pattern.replace("{name}", "nowhere"))
        }
        (_, "/settings/identities/{name}/link") => one(pattern.replace("{name}", "nowhere")),
        (_, p) if p.contains("/assets/{version}/") => one(p.replace("{version}", "0")),
        (_, p) if !p.contains('{') => one(p.into()),
        (_, p) => {
            let value = if p.contains("/contacts/{id}") {
                fx.contact
            } else if p.contains("/goals/{id}") {
                fx.goal
            } else if p.contains("/meetings/{id}") {
                fx.meeting
            } else if p.contains("/outbox/{id}") {
                fx.outbox
            } else if p.contains("/settings/tokens/{id}") {
                fx.token
            } else if p.contains("/users/{id}") {
                fx.carol
            } else if NO_OWNER_FIXTURE.iter().any(|(_, r, _)| *r == p) {
                // No such thing exists for anyone.
                999_999
            } else {
                panic!(
                    "{method} {p}: the matrix has no owner's id for this route; \
                     teach `fill` (tests/web/matrix.rs) what to put there"
                )
            };
            one(p.replace("{id}", &id(value)))
        }
    }
}

/// What the owner sends to an API route so that it succeeds.
fn api_body(method: &str, path: &str, fx: &Fixture) -> Option<Value> {
    let c = fx.contact;
    Some(match (method, path) {
        ("POST", "/api/v1/contacts") => json!({ "name": "Zed Api" }),
        ("PATCH", "/api/v1/contacts/{id}") => json!({ "title": "Hacked" }),
        ("PATCH", "/api/v1/follow-ups/{id}") => json!({ "title": "Hacked" }),
        ("POST", "/api/v1/conversations") => json!({ "with": [c], "via": "phone" }),
        ("POST", "/api/v1/follow-ups") => json!({ "contact": c, "title": "Planted" }),
        ("POST", "/api/v1/goals") => json!({ "title": "Another", "kind": "custom" }),
        ("POST", "/api/v1/meetings") => {
            json!({ "with": [c], "at": clock::at(401, "10:00"), "mode": { "how": "jitsi" } })
        }
        ("POST", "/api/v1/meetings/{id}/convert") => json!({ "how": "jitsi" }),
        ("POST", "/api/v1/blocks") => json!({ "days": "mon", "at": "09:00" }),
        ("PATCH", "/api/v1/digest") => json!({ "days": "sat", "at": "07:15" }),
        // A tool that writes, on the owner's contact by id.
        ("POST", "/mcp") => json!({ "jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": { "name": "snooze", "arguments": { "contact": format!("#{c}"), "for": "2w" } } }),
        _ => return None,
    })
}

/// What a page's form gets: every field any form here takes, with values
/// that name the owner's things, so another user's attempt is an attempt on
/// them.
fn form(fx: &Fixture) -> Vec<(&'static str, String)> {
    let c = fx.contact.to_string();
    vec![
        ("name", "Zed Form".into()),
        ("title", "Planted".into()),
        ("via", "zoom".into()),
        ("summary", "matrix".into()),
        ("days", "7".into()),
        ("status", "done".into()),
        ("contact", c.clone()),
        ("with", c.clone()),
        ("keep", c),
        ("other", fx.merged.to_string()),
        ("kind", "custom".into()),
        ("tag", "mentor".into()),
        ("every", "6w".into()),
        ("organisation", "Acme".into()),
        ("at", clock::later().into()),
        ("how", "jitsi".into()),
        ("detail", String::new()),
        ("disabled", "true".into()),
        ("username", "mallory".into()),
        ("password", "an entirely new password 42".into()),
        ("timezone", "UTC".into()),
        ("format", "vcard".into()),
    ]
}

/// Earlier is asked first, so what one call uses up (a session, a contact,
/// a meeting) is used up last.
fn rank(method: &str, route: &str) -> u8 {
    let path = route;
    if path == "/logout" {
        4
    } else if path.ends_with("/end") || path.contains("/password") {
        3
    } else if matches!(method, "DELETE" | "PUT")
        || [
            "/delete",
            "/cancel",
            "/remove",
            "/revoke",
            "/disabled",
            "/totp",
        ]
        .iter()
        .any(|w| path.contains(w))
        || (method == "POST" && ["/merge", "/settings", "/contacts/{id}"].contains(&path))
    {
        2
    } else if method == "GET" || method == "PROPFIND" || method == "REPORT" {
        0
    } else {
        1
    }
}

/// Strings only the owner's data holds.
const MARKERS: &[&str] = &[
    "Carol Owner",
    "Dan Owner",
    "Eve Owner",
    "Fay Owner",
    "Café Central",
    "Send the deck",
    "Meet CTOs",
    "alice@example.com",
];

struct Case {
    route: String,
    method: String,
    path: String,
    kind: Kind,
    open: bool,
    owner_fixture: bool,
    /// The path names something of the owner's.
    names_owner: bool,
}

#[rstest]
#[tokio::test]
async fn every_route_refuses_everyone_but_its_owner(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice", "bob", "carol"]).await else {
        return;
    };
    let client = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let alice = |args: &[&str]| {
        let mut all = vec!["--user", "alice"];
        all.extend_from_slice(args);
        server.kith(&all)
    };
    alice(&["settings", "--email", "alice@example.com"]);

    // The revoked ones first: revoking takes every token alice has then.
    let revoked = revoked(&server, &client).await;
    let callers = Callers {
        owner: credentials(&server, &client, "alice").await,
        other: credentials(&server, &client, "bob").await,
        revoked,
    };
    let fx = fixture(&server, &client, &callers.owner).await;

    // Every route and method in the table, as concrete requests.
    let mut cases = Vec::new();
    for (method, route) in crate::routes() {
        let open = OPEN.iter().any(|(m, r, _)| *m == method && *r == route);
        let owner_fixture = !NO_OWNER_FIXTURE
            .iter()
            .any(|(m, r, _)| *m == method && *r == route);
        for (verb, path) in fill(&method, &route, &fx) {
            cases.push(Case {
                names_owner: route.contains('{') && !open && kind(&method, &route) != Kind::Feed
                    || path.contains("/alice/"),
                kind: kind(&method, &route),
                route: route.clone(),
                method: verb,
                path,
                open,
                owner_fixture,
            });
        }
    }
    for (_, route, _) in OPEN.iter().chain(NO_OWNER_FIXTURE) {
        assert!(
            cases.iter().any(|c| c.route == *route),
            "{route} is listed in the matrix but the router has no such route"
        );
    }
    cases.sort_by_key(|c| rank(&c.method, &c.route));

    let before = snapshot(&server);
    let mut asked = 0;
    for who in [Who::Other, Who::Anonymous, Who::Revoked] {
        for case in &cases {
            let (status, to, text) = send(&server.url, &client, &callers, who, case, &fx).await;
            asked += 1;
            let what = format!("{who:?}: {} {} ({})", case.method, case.path, case.route);
            assert!(
                !status.is_server_error(),
                "{what} answered {status}: {text}"
            );
            for marker in MARKERS {
                assert!(
                    !text.contains(marker),
                    "{what} answered the owner's {marker:?}: {text}"
                );
            }
            if case.open {
                continue;
            }
            match who {
                Who::Other if case.names_owner => assert!(
                    matches!(status.as_u16(), 403 | 404),
                    "{what} must be refused (403 or 404), got {status} {to}: {text}"
                ),
                Who::Other => {}
                Who::Anonymous | Who::Revoked => match case.kind {
                    Kind::Api => {
                        assert_eq!(status, 401, "{what}: {text}");
                        let body: Value = serde_json::from_str(&text).unwrap();
                        assert_eq!(body["error"]["code"], "unauthorized", "{what}");
                    }
                    Kind::Page => {
                        assert_eq!(status, 303, "{what}: {text}");
                        assert!(to.starts_with("/login"), "{what} went to {to}");
                    }
                    Kind::Dav => assert_eq!(status, 401, "{what}: {text}"),
                    Kind::Feed => assert_eq!(status, 404, "{what}: {text}"),
                },
                Who::Owner => unreachable!(),
            }
        }
    }
    let after = snapshot(&server);
    assert_same(&before, &after);

    // The owner gets through every route, with the same ids.
    let mut through = 0;
    for case in &cases {
        let (status, to, text) = send(&server.url, &client, &callers, Who::Owner, case, &fx).await;
        asked += 1;
        let what = format!("owner: {} {} ({})", case.method, case.path, case.route);
        assert!(
            !status.is_server_error(),
            "{what} answered {status}: {text}"
        );
        if case.open || !case.owner_fixture {
            continue;
        }
        assert!(
            !matches!(status.as_u16(), 401 | 403 | 404 | 405) && !to.starts_with("/login"),
            "{what} must get through, got {status} {to}: {text}"
        );
        if case.kind == Kind::Api {
            assert!(status.is_success(), "{what}: {status} {text}");
        }
        if case.route == "/mcp" {
            // A refusal there is a tool error in a 200.
            let answer: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(answer["result"]["isError"], false, "{what}: {text}");
        }
        through += 1;
    }
    assert_ne!(
        before,
        snapshot(&server),
        "the owner's own calls change the account, so the comparison above can see a change"
    );
    eprintln!(
        "matrix: {} requests over {} cases from {} routes; the owner got through {through}",
        asked,
        cases.len(),
        crate::routes().len()
    );
    server.stop().await;
}

/// Alice's API token, session, app password and feed secret, or bob's.
async fn credentials(server: &Server, client: &Client, user: &str) -> Credentials {
    let session = sign_in(server, client, user).await;
    let dav = app_password(server, user);
    let feed = new_feed(server, client, &session).await;
    Credentials {
        token: server.token(user),
        session,
        dav: (user.to_owned(), dav),
        feed,
    }
}

/// Alice's credentials after they stopped working: a revoked token and app
/// password, an ended session, a feed secret that was replaced.
async fn revoked(server: &Server, client: &Client) -> Credentials {
    let token = server.token("alice");
    let dav = app_password(server, "alice");
    let listed: Value =
        serde_json::from_str(&server.kith(&["--user", "alice", "token", "list", "--json"]))
            .unwrap();
    for t in listed.as_array().unwrap() {
        server.kith(&[
            "--user",
            "alice",
            "token",
            "revoke",
            &t["id"].as_i64().unwrap().to_string(),
        ]);
    }
    let session = sign_in(server, client, "alice").await;
    let feed = new_feed(server, client, &session).await;
    let r = page(client, server.at("/logout"), &session, Method::POST)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    Credentials {
        token,
        session,
        dav: ("alice".into(), dav),
        feed,
    }
}

fn app_password(server: &Server, user: &str) -> String {
    let out = server.kith(&[
        "--user",
        user,
        "token",
        "create",
        "--carddav",
        "--name",
        "phone",
        "--json",
    ]);
    let v: Value = serde_json::from_str(&out).unwrap();
    v["token"].as_str().unwrap().to_owned()
}

/// A session cookie's value, from signing in.
async fn sign_in(server: &Server, client: &Client, user: &str) -> String {
    let r = client
        .post(server.at("/login"))
        .form(&[
            ("username", user),
            ("password", crate::PASSWORD),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "sign-in of {user}");
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("kith_session="))
        .map(|v| v.split(';').next().unwrap().to_owned())
        .expect("a session cookie")
}

/// A request as a browser with this session sends it (same-origin).
fn page(client: &Client, url: String, session: &str, method: Method) -> RequestBuilder {
    client
        .request(method, url)
        .header("cookie", format!("kith_session={session}"))
        .header("sec-fetch-site", "same-origin")
}

/// A new secret feed URL for the session's user (the old one stops).
async fn new_feed(server: &Server, client: &Client, session: &str) -> String {
    let r = page(
        client,
        server.at("/settings/calendar"),
        session,
        Method::POST,
    )
    .send()
    .await
    .unwrap();
    let text = r.text().await.unwrap();
    let start = text.find("kcal_").expect("the new feed's secret");
    let end = text[start..]
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap()
        + start;
    format!("/cal/{}.ics", &text[start..end])
}

/// Alice's network, with one of each thing a route could use up.
async fn fixture(server: &Server, client: &Client, owner: &Credentials) -> Fixture {
    let api = |method: Method, path: &str, body: Value| {
        client
            .request(method, server.at(&format!("/api/v1{path}")))
            .bearer_auth(&owner.token)
            .json(&body)
            .send()
    };
    let id = |v: &Value| v["id"].as_i64().unwrap();
    let mut contacts = Vec::new();
    for (name, extra) in [
        (
            "Carol Owner",
            json!({ "title": "CTO", "emails": ["carol@example.com"] }),
        ),
        ("Dan Owner", json!({})),
        ("Eve Owner", json!({})),
    ] {
        let mut body = extra;
        body["name"] = json!(name);
        let v: Value = api(Method::POST, "/contacts", body)
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        contacts.push(id(&v));
    }
    let c = contacts[0];
    let logged: Value = api(
        Method::POST,
        "/conversations",
        json!({ "with": [c], "via": "zoom", "summary": "kick-off",
                "todos": ["Send the deck", "Send the deck again", "Send the deck once more", "Send the deck at last"] }),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let f = |i: usize| logged["follow_ups"][i].as_i64().unwrap();
    let mut undos = Vec::new();
    for title in ["Undo me", "Undo me too"] {
        let added: Value = api(
            Method::POST,
            "/follow-ups",
            json!({ "contact": c, "title": title }),
        )
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
        let done: Value = api(
            Method::POST,
            &format!("/follow-ups/{}/done", id(&added)),
            json!({}),
        )
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
        undos.push(done["undo"]["id"].as_i64().unwrap());
    }
    let goal: Value = api(
        Method::POST,
        "/goals",
        json!({ "title": "Meet CTOs", "kind": "new-role", "target": 5 }),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let mut meetings = Vec::new();
    for days in [402, 403] {
        let v: Value = api(
            Method::POST,
            "/meetings",
            json!({ "with": [c], "at": clock::at(days, "10:00"),
                    "mode": { "how": "where", "detail": "Café Central" } }),
        )
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
        meetings.push(id(&v));
    }
    let mut blocks = Vec::new();
    for days in ["tue,thu", "wed"] {
        let v: Value = api(
            Method::POST,
            "/blocks",
            json!({ "days": days, "at": "08:30" }),
        )
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
        blocks.push(id(&v));
    }
    let sent = api(
        Method::POST,
        &format!("/meetings/{}/send", meetings[0]),
        json!({}),
    )
    .await
    .unwrap();
    assert_eq!(sent.status(), 202);
    let outbox: Value = client
        .get(server.at("/api/v1/outbox"))
        .bearer_auth(&owner.token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // The card CardDAV routes are asked about.
    let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:fay-owner\r\nFN:Fay Owner\r\nEND:VCARD\r\n";
    let put = client
        .put(server.at("/dav/addressbooks/alice/contacts/fay.vcf"))
        .basic_auth(&owner.dav.0, Some(&owner.dav.1))
        .body(card)
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 201);
    // A token and a session of alice's besides the ones the matrix uses.
    server.token("alice");
    let listed: Value =
        serde_json::from_str(&server.kith(&["--user", "alice", "token", "list", "--json"]))
            .unwrap();
    let token = listed
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["revoked_at"].is_null())
        .map(id)
        .max()
        .unwrap();
    sign_in(server, client, "alice").await;
    let settings = page(client, server.at("/settings"), &owner.session, Method::GET)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let keys: Vec<&str> = settings
        .split("/settings/sessions/")
        .skip(1)
        .map(|s| s.split('/').next().unwrap())
        .collect();
    assert!(keys.len() >= 2, "two sessions listed: {keys:?}");
    let session_key = session_key_not_in_use(&settings);
    let users: Value = serde_json::from_str(&server.kith(&["user", "list", "--json"])).unwrap();
    let carol = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "carol")
        .map(id)
        .unwrap();
    Fixture {
        contact: c,
        merged: contacts[1],
        deleted: contacts[2],
        follow_ups: [f(0), f(1), f(2), f(3)],
        undos: [undos[0], undos[1]],
        goal: id(&goal),
        meeting: meetings[0],
        api_meeting: meetings[1],
        blocks: [blocks[0], blocks[1]],
        outbox: outbox.as_array().unwrap()[0]["id"].as_i64().unwrap(),
        token,
        session_key,
        carol,
    }
}

/// A session of the settings page's list that is not "this one".
fn session_key_not_in_use(settings: &str) -> String {
    for row in settings.split("<tr>").skip(1) {
        if row.contains("/settings/sessions/") && !row.contains("this one") {
            let start = row.find("/settings/sessions/").unwrap() + "/settings/sessions/".len();
            return row[start..].split('/').next().unwrap().to_owned();
        }
    }
    panic!("no second session in {settings}")
}

/// One call of one case by one caller: the status, where a redirect goes,
/// and the body.
async fn send(
    base: &str,
    client: &Client,
    callers: &Callers,
    who: Who,
    case: &Case,
    fx: &Fixture,
) -> (StatusCode, String, String) {
    let credentials = match who {
        Who::Owner => Some(&callers.owner),
        Who::Other => Some(&callers.other),
        Who::Revoked => Some(&callers.revoked),
        Who::Anonymous => None,
    };
    let method = Method::from_bytes(case.method.as_bytes()).unwrap();
    let path = match (case.kind, credentials) {
        (Kind::Feed, Some(c)) => c.feed.clone(),
        (Kind::Feed, None) => "/cal/kcal_madeup.ics".to_owned(),
        _ => case.path.clone(),
    };
    let url = format!("{base}{path}");
    let mut r = client.request(method.clone(), url);
    match (case.kind, credentials) {
        (Kind::Api, Some(c)) => r = r.bearer_auth(&c.token),
        (Kind::Page, Some(c)) => {
            r = r.header("cookie", format!("kith_session={}", c.session));
        }
        (Kind::Dav, Some(c)) => r = r.basic_auth(&c.dav.0, Some(&c.dav.1)),
        _ => {}
    }
    if case.kind == Kind::Page {
        r = r.header("sec-fetch-site", "same-origin");
    }
    r = match case.kind {
        // MCP's Streamable HTTP asks clients to take both.
        Kind::Api if case.route == "/mcp" => r
            .header("accept", "application/json, text/event-stream")
            .json(&api_body(&case.method, &case.route, fx).unwrap()),
        Kind::Api => match api_body(&case.method, &case.route, fx) {
            Some(body) => r.json(&body),
            None if method == Method::GET => r,
            None => r.json(&json!({})),
        },
        Kind::Page if method == Method::POST => r.form(&form(fx)),
        Kind::Dav => match case.method.as_str() {
            "PROPFIND" => r.header("depth", "1"),
            "REPORT" => r.body(
                r#"<?xml version="1.0"?><d:sync-collection xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav"><d:sync-token/><d:sync-level>1</d:sync-level><d:prop><d:getetag/><c:address-data/></d:prop></d:sync-collection>"#,
            ),
            "PUT" => r.body(
                "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:fay-owner\r\nFN:Fay Changed\r\nEND:VCARD\r\n",
            ),
            _ => r,
        },
        _ => r,
    };
    let response: Response = r.send().await.unwrap();
    let status = response.status();
    let to = location(&response);
    (status, to, response.text().await.unwrap())
}

/// Everything of alice's that another user could change: her whole export
/// (but its time), her tokens, her outbox, and the users of the server.
fn snapshot(server: &Server) -> BTreeMap<&'static str, Value> {
    let read = |args: &[&str]| -> Value { serde_json::from_str(&server.kith(args)).unwrap() };
    let mut export = read(&["--user", "alice", "export", "json"]);
    export["exported_at"] = Value::Null;
    BTreeMap::from([
        ("export", export),
        (
            "tokens",
            read(&["--user", "alice", "token", "list", "--json"]),
        ),
        ("outbox", read(&["--user", "alice", "outbox", "--json"])),
        // Bob may change his own profile; nobody but an admin who is
        // signed in changes who may sign in.
        (
            "users",
            read(&["user", "list", "--json"])
                .as_array()
                .unwrap()
                .iter()
                .map(|u| json!([u["username"], u["admin"], u["disabled"], u["has_password"]]))
                .collect(),
        ),
    ])
}

/// Equal, or a failure that names the first place they differ.
fn assert_same(before: &BTreeMap<&str, Value>, after: &BTreeMap<&str, Value>) {
    fn first_difference(path: String, a: &Value, b: &Value) -> Option<String> {
        match (a, b) {
            (Value::Object(x), Value::Object(y)) => {
                for key in x.keys().chain(y.keys()) {
                    let (l, r) = (&x.get(key), &y.get(key));
                    if l != r {
                        let (l, r) = (
                            l.cloned().unwrap_or(Value::Null),
                            r.cloned().unwrap_or(Value::Null),
                        );
                        return first_difference(format!("{path}.{key}"), &l, &r);
                    }
                }
                None
            }
            (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
                .iter()
                .zip(y)
                .enumerate()
                .find_map(|(i, (l, r))| first_difference(format!("{path}[{i}]"), l, r)),
            _ if a == b => None,
            _ => Some(format!("{path}: {a} became {b}")),
        }
    }
    for (name, a) in before {
        if let Some(d) = first_difference(name.to_string(), a, &after[name]) {
            panic!("another user's attempts changed the owner's account: {d}");
        }
    }
}
