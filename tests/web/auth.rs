//! Sign-in, sessions, setup, throttling, CSRF, headers and limits.

use rstest::rstest;

use crate::{Backend, PASSWORD, Server, location};

#[rstest]
#[tokio::test]
async fn sessions_start_at_sign_in_rotate_and_end_at_sign_out(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let browser = server.browser();
    let r = browser.get(server.at("/")).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/login");
    let r = browser
        .get(server.at("/contacts?tag=x"))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/login?next=%2Fcontacts%3Ftag%3Dx");

    let wrong = browser
        .post(server.at("/login"))
        .form(&[("username", "alice"), ("password", "not the password")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("Wrong username or password")
    );

    let r = browser
        .post(server.at("/login"))
        .form(&[
            ("username", "alice"),
            ("password", PASSWORD),
            ("next", "//evil.example"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/", "an off-site next is ignored");
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("kith_session=ks_"), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
    }
    assert!(
        !cookie.contains("Secure"),
        "plain http on loopback: {cookie}"
    );
    let first = cookie.split(';').next().unwrap().to_owned();
    let page = browser.get(server.at("/")).send().await.unwrap();
    assert_eq!(page.status(), 200);

    // Signing in again replaces the session; the old cookie is dead.
    let again = browser
        .post(server.at("/login"))
        .form(&[("username", "alice"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let second = again.headers()["set-cookie"].to_str().unwrap().to_owned();
    let second = second.split(';').next().unwrap().to_owned();
    assert_ne!(first, second);
    let raw = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let old = raw
        .get(server.at("/"))
        .header("cookie", &first)
        .send()
        .await
        .unwrap();
    assert_eq!(old.status(), 303, "the session before sign-in is ended");
    let current = raw
        .get(server.at("/"))
        .header("cookie", &second)
        .send()
        .await
        .unwrap();
    assert_eq!(current.status(), 200);

    let out = browser.post(server.at("/logout")).send().await.unwrap();
    assert_eq!(location(&out), "/login");
    let after = raw
        .get(server.at("/"))
        .header("cookie", &second)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 303, "signed out means the session is gone");
    server.stop().await;
}

#[rstest]
#[tokio::test]
async fn setup_exists_only_until_the_first_user(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &[]).await else {
        return;
    };
    let browser = server.browser();
    let r = browser.get(server.at("/login")).send().await.unwrap();
    assert_eq!(location(&r), "/setup");
    assert_eq!(
        browser
            .get(server.at("/setup"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let weak = browser
        .post(server.at("/setup"))
        .form(&[
            ("username", "root"),
            ("name", "Root"),
            ("email", ""),
            ("timezone", "Europe/Berlin"),
            ("password", "password1234"),
            ("confirm", "password1234"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(weak.status(), 422);
    assert!(weak.text().await.unwrap().contains("invalid password"));
    let ok = browser
        .post(server.at("/setup"))
        .form(&[
            ("username", "root"),
            ("name", "Root"),
            ("email", "root@example.com"),
            ("timezone", "Europe/Berlin"),
            ("password", PASSWORD),
            ("confirm", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 303);
    let home = browser.get(server.at("/")).send().await.unwrap();
    assert_eq!(home.status(), 200, "setup signs the new admin in");
    // Registration is closed now, for everyone.
    let late = server.browser();
    assert_eq!(
        late.get(server.at("/setup")).send().await.unwrap().status(),
        404
    );
    let grab = late
        .post(server.at("/setup"))
        .form(&[
            ("username", "mallory"),
            ("name", ""),
            ("email", ""),
            ("timezone", "UTC"),
            ("password", PASSWORD),
            ("confirm", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(grab.status(), 404);
    assert!(!server.kith(&["user", "list"]).contains("mallory"));
    server.stop().await;
}

#[rstest]
#[tokio::test]
async fn repeated_failures_throttle_the_account(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let browser = server.browser();
    for _ in 0..10 {
        let r = browser
            .post(server.at("/login"))
            .form(&[("username", "Alice"), ("password", "guess guess guess")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 401);
    }
    let r = browser
        .post(server.at("/login"))
        .form(&[("username", "alice"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429, "even the right password waits");
    assert!(r.headers().contains_key("retry-after"));
    server.stop().await;
}

#[rstest]
#[tokio::test]
async fn cross_site_posts_are_refused_and_change_nothing(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let browser = server.signed_in("alice").await;
    for (header, value) in [
        ("sec-fetch-site", "cross-site"),
        ("origin", "https://evil.example"),
    ] {
        let r = browser
            .post(server.at("/contacts"))
            .header(header, value)
            .form(&[("name", "Planted Contact")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{header}: {value}");
    }
    let same = browser
        .post(server.at("/contacts"))
        .header("sec-fetch-site", "same-origin")
        .form(&[("name", "Real Contact")])
        .send()
        .await
        .unwrap();
    assert_eq!(same.status(), 303);
    let list = server.kith(&["--user", "alice", "list"]);
    assert!(
        list.contains("Real Contact") && !list.contains("Planted"),
        "{list}"
    );
    server.stop().await;
}

#[rstest]
#[tokio::test]
async fn pages_carry_security_headers_and_bodies_are_bounded(
    #[values(Backend::Sqlite)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let browser = server.signed_in("alice").await;
    let r = browser.get(server.at("/")).send().await.unwrap();
    let h = r.headers();
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "same-origin");
    let page = r.text().await.unwrap();
    assert!(!page.contains("<script>"), "no inline scripts");

    let token = server.token("alice");
    let huge = format!("{{\"name\": \"{}\"}}", "x".repeat(300 * 1024));
    let r = reqwest::Client::new()
        .post(server.at("/api/v1/contacts"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    assert_eq!(
        reqwest::get(server.at("/healthz")).await.unwrap().status(),
        200
    );
    let metrics = reqwest::get(server.at("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("kith_http_requests_total{route=\"/\",method=\"GET\",status=\"200\"}"),
        "{metrics}"
    );
    server.stop().await;
}

#[rstest]
#[tokio::test]
async fn disabling_a_user_ends_their_sessions_and_tokens(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(server) = Server::start(backend, &["admin", "bob"]).await else {
        return;
    };
    let bob = server.signed_in("bob").await;
    let token = server.token("bob");
    let api = reqwest::Client::new();
    let me = |t: String| {
        let api = api.clone();
        let url = server.at("/api/v1/me");
        async move { api.get(url).bearer_auth(t).send().await.unwrap().status() }
    };
    assert_eq!(me(token.clone()).await, 200);
    assert_eq!(bob.get(server.at("/")).send().await.unwrap().status(), 200);
    server.kith(&["user", "disable", "bob"]);
    assert_eq!(bob.get(server.at("/")).send().await.unwrap().status(), 303);
    assert_eq!(me(token.clone()).await, 401);
    let again = server
        .browser()
        .post(server.at("/login"))
        .form(&[("username", "bob"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 401, "a disabled user cannot sign in");
    server.stop().await;
}

/// A client that trickles its headers in (slowloris) is cut off after the
/// header timeout, while everyone else is served meanwhile.
#[rstest]
#[tokio::test]
async fn a_slow_client_is_cut_off(#[values(Backend::Sqlite)] backend: Backend) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let Some(server) = Server::start(backend, &["alice"]).await else {
        return;
    };
    let addr = server.url.trim_start_matches("http://").to_owned();
    let mut slow = tokio::net::TcpStream::connect(&addr).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: kith\r\nX-Slow: ")
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let healthy = reqwest::get(server.at("/healthz")).await.unwrap();
    assert_eq!(healthy.status(), 200, "others are served meanwhile");
    let mut rest = Vec::new();
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        slow.read_to_end(&mut rest),
    )
    .await
    .expect("the server never closed the slow connection");
    let waited = started.elapsed();
    assert!(read.is_ok() || rest.is_empty(), "{read:?}");
    assert!(
        waited >= std::time::Duration::from_secs(8),
        "closed after {waited:?}, before the header timeout"
    );
    let answer = String::from_utf8_lossy(&rest);
    assert!(
        !answer.contains("200 OK"),
        "the slow request was served: {answer}"
    );
    server.stop().await;
}
