//! Requests a careful attacker sends: guesses all at once, a body that
//! trickles in, crafted redirect targets, made-up methods, requests refused
//! before their body is read, dates past what a calendar can write, and XML
//! that trips the parser's limits.

use std::time::{Duration, Instant};

use reqwest::{Client, Method};
use rstest::rstest;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::{Backend, PASSWORD, Server, location};

/// Sends `n` requests made by `make` at once; their statuses.
async fn at_once<F, Fut>(n: usize, make: F) -> Vec<u16>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = reqwest::Response> + Send + 'static,
{
    let tasks: Vec<_> = (0..n).map(|_| tokio::spawn(make())).collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap().status().as_u16());
    }
    statuses
}

/// `Location` as sent, whatever bytes it holds.
fn raw_location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default()
}

fn count(statuses: &[u16], status: u16) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

#[rstest]
#[tokio::test]
async fn guesses_sent_at_once_are_held_to_the_limit(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let browser = server.browser();
    let url = server.at("/login");
    let statuses = at_once(30, || {
        let request = browser
            .post(&url)
            .form(&[("username", "alice"), ("password", "guess guess guess")]);
        async move { request.send().await.unwrap() }
    })
    .await;
    assert_eq!(
        count(&statuses, 401),
        10,
        "exactly the limit's worth checked: {statuses:?}"
    );
    assert_eq!(count(&statuses, 429), 20, "{statuses:?}");
    let r = browser
        .post(&url)
        .form(&[("username", "alice"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429, "even the right password waits");
    server.stop().await;
}

#[rstest]
#[tokio::test]
async fn rechecks_of_the_password_in_settings_are_throttled(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let alice = server.signed_in("alice").await;
    let new = "another long passphrase";
    // Guesses at the current password, at once, through three forms.
    let forms: [(&str, Vec<(&str, &str)>); 3] = [
        (
            "/settings/password",
            vec![
                ("current", "guess guess guess"),
                ("new", new),
                ("confirm", new),
            ],
        ),
        ("/settings/totp/disable", vec![("password", "guess guess")]),
        ("/settings/totp/recovery", vec![("password", "guess guess")]),
    ];
    let mut statuses = Vec::new();
    for (path, form) in &forms {
        let url = server.at(path);
        statuses.extend(
            at_once(10, || {
                let request = alice.post(&url).form(form);
                async move { request.send().await.unwrap() }
            })
            .await,
        );
    }
    // Two-step sign-in is off, so the last form answers without a check.
    assert_eq!(count(&statuses, 429), 10, "{statuses:?}");
    let r = alice
        .post(server.at("/settings/password"))
        .form(&[("current", PASSWORD), ("new", new), ("confirm", new)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429, "even the right password waits");
    assert!(r.headers().contains_key("retry-after"));
    assert_eq!(
        alice.get(server.at("/")).send().await.unwrap().status(),
        200,
        "the password was not changed (that would end the session)"
    );
    server.stop().await;
}

#[rstest]
#[tokio::test]
async fn app_password_guesses_sent_at_once_are_held_to_the_limit(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let dav = crate::dav::Dav::new(&server);
    let url = server.at("/dav/");
    let statuses = at_once(30, || {
        let request = dav
            .client
            .request(Method::from_bytes(b"PROPFIND").unwrap(), &url)
            .header("Depth", "0")
            .basic_auth("alice", Some("kdav_guess"));
        async move { request.send().await.unwrap() }
    })
    .await;
    assert_eq!(
        count(&statuses, 401),
        10,
        "exactly the limit's worth counted as tries: {statuses:?}"
    );
    assert_eq!(count(&statuses, 429), 20, "{statuses:?}");
    // Her phone, with the right app password, is not locked out by them.
    let (status, _, _) = dav.send("PROPFIND", "/dav/", &[("Depth", "0")], "").await;
    assert_eq!(status, 207);
    server.stop().await;
}

#[rstest]
#[tokio::test]
async fn codes_sent_at_once_are_held_to_the_limit(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start_with(backend, &["ann"], &["--require-totp"], None).await
    else {
        return;
    };
    // The password, then the seed the server offers, confirmed.
    let ann = server.browser();
    let r = ann
        .post(server.at("/login"))
        .form(&[("username", "ann"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/login/enrol?next=%2F");
    let page = ann
        .get(server.at("/login/enrol"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let key = page
        .split("<code id=\"totp-key\">")
        .nth(1)
        .and_then(|rest| rest.split("</code>").next())
        .expect("the key on the page")
        .replace(' ', "");
    let secret = kith_auth::totp::TotpSecret::from_base32(&key).unwrap();
    let now = chrono::Utc::now().timestamp();
    let first = secret.code(now, kith_auth::totp::DIGITS);
    let r = ann
        .post(server.at("/login/enrol"))
        .form(&[("code", first.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "set up");
    // Signing in again: the password, then thirty wrong codes at once.
    let browser = server.browser();
    let r = browser
        .post(server.at("/login"))
        .form(&[("username", "ann"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert!(location(&r).starts_with("/login/code"), "{}", location(&r));
    let right = secret.code(now, kith_auth::totp::DIGITS);
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    let url = server.at("/login/code");
    let statuses = at_once(30, || {
        let request = browser.post(&url).form(&[("code", wrong)]);
        async move { request.send().await.unwrap() }
    })
    .await;
    // Past the limit the waiting sign-in is dropped too: later requests
    // are sent to start again.
    assert!(
        count(&statuses, 401) <= 10,
        "no more than the limit checked: {statuses:?}"
    );
    assert!(count(&statuses, 429) >= 1, "{statuses:?}");
    assert!(
        statuses.iter().all(|s| [401, 429, 303].contains(s)),
        "{statuses:?}"
    );
    server.stop().await;
}

/// One byte every two seconds: the body's total deadline (20 s for a short
/// body) ends it, though no pause is long enough for the idle timeout.
#[rstest]
#[tokio::test]
async fn a_body_that_trickles_in_is_cut_off(#[values(Backend::Sqlite)] backend: Backend) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let addr = server.url.trim_start_matches("http://").to_owned();
    let body = b"username=alice&password=guess+guess+guess&next=%2F";
    let trickle = |addr: String| async move {
        let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
        let head = format!(
            "POST /login HTTP/1.1\r\nHost: kith\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        let started = Instant::now();
        let mut answer = Vec::new();
        for byte in body {
            if stream.write_all(&[*byte]).await.is_err() {
                break;
            }
            let mut chunk = [0u8; 4096];
            match tokio::time::timeout(Duration::from_secs(2), stream.read(&mut chunk)).await {
                Err(_) => continue,
                Ok(Ok(0) | Err(_)) => break,
                Ok(Ok(n)) => {
                    answer.extend_from_slice(&chunk[..n]);
                    let _ = tokio::time::timeout(
                        Duration::from_secs(5),
                        stream.read_to_end(&mut answer),
                    )
                    .await;
                    break;
                }
            }
        }
        (
            started.elapsed(),
            String::from_utf8_lossy(&answer).into_owned(),
        )
    };
    let slow: Vec<_> = (0..5)
        .map(|_| tokio::spawn(trickle(addr.clone())))
        .collect();
    for task in slow {
        let (took, answer) = task.await.unwrap();
        assert!(
            took < Duration::from_secs(40),
            "a body sent at one byte every 2 s held the connection for {took:?}"
        );
        assert!(
            took >= Duration::from_secs(15),
            "cut off after {took:?}, before the deadline"
        );
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    }
    // A body sent at once is read as ever.
    let r = server
        .browser()
        .post(server.at("/login"))
        .form(&[("username", "alice"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    server.stop().await;
}

#[rstest]
#[tokio::test]
async fn after_sign_in_only_a_path_here_is_followed(#[values(Backend::Sqlite)] backend: Backend) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    // As sent in a URL, and as the form field reads after decoding.
    let evil = [
        ("/%09/evil.example", "/\t/evil.example"),
        ("/%0a/x", "/\n/x"),
        ("/%0d%0a/x", "/\r\n/x"),
        ("/%5c/evil.example", "/\\/evil.example"),
        ("//evil.example", "//evil.example"),
        ("/%2f/evil.example", "//evil.example"),
        ("https://evil.example", "https://evil.example"),
    ];
    for (_, next) in evil {
        let r = server
            .browser()
            .post(server.at("/login"))
            .form(&[
                ("username", "alice"),
                ("password", PASSWORD),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(
            (r.status().as_u16(), raw_location(&r)),
            (303, "/".to_owned()),
            "sign-in with next={next:?}"
        );
    }
    let alice = server.signed_in("alice").await;
    for (next, _) in evil {
        let r = alice
            .get(server.at(&format!("/login?next={next}")))
            .send()
            .await
            .unwrap();
        assert_eq!(
            (r.status().as_u16(), raw_location(&r)),
            (303, "/".to_owned()),
            "signed in, /login?next={next}"
        );
    }
    let r = alice
        .get(server.at("/login?next=/contacts%3Fq%3Dann"))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/contacts?q=ann", "a path here is followed");
    server.stop().await;
}

#[rstest]
#[tokio::test]
async fn made_up_methods_do_not_grow_the_metrics(#[values(Backend::Sqlite)] backend: Backend) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let client = Client::new();
    for i in 0..50 {
        let method = Method::from_bytes(format!("MADEUP{i}").as_bytes()).unwrap();
        client
            .request(method, server.at("/healthz"))
            .send()
            .await
            .unwrap();
    }
    let metrics = client
        .get(server.at("/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!metrics.contains("MADEUP"), "{metrics}");
    assert!(metrics.contains("method=\"other\""), "{metrics}");
    server.stop().await;
}

/// Answers sent before the body was read say the connection closes, so a
/// client does not send its next request on it; answers that read the body
/// keep it open.
#[rstest]
#[tokio::test]
async fn refusals_before_the_body_say_the_connection_closes(
    #[values(Backend::Sqlite)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    // Redirects are answers here, not something to follow.
    let client = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let body = "name=".to_owned() + &"x".repeat(10_000);
    let form = |r: reqwest::RequestBuilder| {
        r.header("content-type", "application/x-www-form-urlencoded")
            .body(body.clone())
    };
    let refusals = [
        // Not signed in: a redirect to sign in.
        form(client.post(server.at("/contacts"))),
        // Cross-site: 403.
        form(
            client
                .post(server.at("/login"))
                .header("sec-fetch-site", "cross-site"),
        ),
        // The API without a token: 401.
        client
            .post(server.at("/api/v1/contacts"))
            .header("content-type", "application/json")
            .body(format!("{{\"name\":\"{}\"}}", "x".repeat(10_000))),
    ];
    for request in refusals {
        let r = request.send().await.unwrap();
        assert!(
            [303, 401, 403].contains(&r.status().as_u16()),
            "{}",
            r.status()
        );
        assert_eq!(
            r.headers().get("connection").map(|v| v.to_str().unwrap()),
            Some("close"),
            "{} {}",
            r.status(),
            r.url()
        );
    }
    let r = server
        .browser()
        .post(server.at("/login"))
        .form(&[("username", "alice"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert!(
        r.headers().get("connection").is_none(),
        "a body read to its end keeps the connection"
    );
    server.stop().await;
}

#[rstest]
#[tokio::test]
async fn meetings_stay_within_the_years_a_calendar_can_write(
    #[values(Backend::Sqlite)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let token = server.token("alice");
    let client = Client::new();
    let post = |path: &str, body: Value| {
        client
            .post(server.at(path))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    let jane: Value = post("/api/v1/contacts", json!({ "name": "Jane Doe" }))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let jane = jane["id"].as_i64().unwrap();
    // The first would end in the year 10000.
    for at in ["9999-12-31 23:59", "0000-06-01 10:00"] {
        let r = post(
            "/api/v1/meetings",
            json!({ "with": [jane], "at": at, "minutes": 30, "mode": { "how": "jitsi" } }),
        )
        .await
        .unwrap();
        let status = r.status();
        let v: Value = r.json().await.unwrap();
        assert_eq!(
            (status.as_u16(), v["error"]["field"].as_str()),
            (422, Some("at")),
            "{at}: {v}"
        );
        assert!(
            v["error"]["message"].as_str().unwrap().contains("1-9999"),
            "{v}"
        );
    }
    let list: Value = client
        .get(server.at("/api/v1/meetings?all=true"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list, json!([]), "nothing stored");
    server.stop().await;
}

#[rstest]
#[tokio::test]
async fn xml_errors_name_the_document_not_the_parser(#[values(Backend::Sqlite)] backend: Backend) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let out = server.kith(&[
        "--user",
        "alice",
        "token",
        "create",
        "--carddav",
        "--name",
        "phone",
        "--json",
    ]);
    let password = serde_json::from_str::<Value>(&out).unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let bindings: String = (0..300)
        .map(|i| format!(" xmlns:p{i}=\"urn:x:{i}\""))
        .collect();
    let body = format!(
        "<?xml version=\"1.0\"?><d:propfind xmlns:d=\"DAV:\"{bindings}><d:allprop/></d:propfind>"
    );
    let r = Client::new()
        .request(
            Method::from_bytes(b"PROPFIND").unwrap(),
            server.at("/dav/addressbooks/alice/contacts/"),
        )
        .basic_auth("alice", Some(&password))
        .header("depth", "0")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let text = r.text().await.unwrap();
    assert!(text.contains("too many namespaces"), "{text}");
    for internal in ["NamespaceResolver", "set_max", "::"] {
        assert!(!text.contains(internal), "{text}");
    }
    server.stop().await;
}
