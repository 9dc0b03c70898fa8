//! Sign-in through a real OpenID Connect provider on loopback: the
//! certified `oidc-provider` from npm (`tests/support/oidc_provider.mjs`,
//! run by Node.js from the folder `KITH_TEST_OIDC_NODE` names, whose
//! node_modules `.ci/run` fills). In CI a missing provider is a failure.
//!
//! Covered: sign-in by a linked account, linking by a verified e-mail, a
//! new user where sign-up is open, an unverified e-mail that must not link,
//! a wrong `state`, a replayed code, a tampered ID token, a token for
//! another audience, linking and unlinking in settings, and the client
//! secret absent from the server's log.

use rstest::rstest;

use crate::idp::{IdP, provider_modules};
use crate::{Backend, PASSWORD, Server, location};

/// Kith's answer to a callback: where it sends the browser, and the flash
/// the next page shows.
async fn finish(browser: &reqwest::Client, server: &Server, callback: &str) -> (String, String) {
    let r = browser.get(callback).send().await.unwrap();
    assert_eq!(r.status(), 303, "{callback}");
    let to = location(&r);
    let page = browser.get(server.at(&to)).send().await.unwrap();
    let page = if page.status() == 303 {
        browser
            .get(server.at(&location(&page)))
            .send()
            .await
            .unwrap()
    } else {
        page
    };
    (to, page.text().await.unwrap())
}

/// Walks the provider's sign-in and consent pages as `login`, from a
/// redirect to the provider, and returns Kith's callback address (not yet
/// requested).
async fn through_provider(
    browser: &reqwest::Client,
    server: &Server,
    mut next: String,
    login: &str,
) -> String {
    for _ in 0..12 {
        if next.starts_with(&server.url) {
            return next;
        }
        let r = browser.get(&next).send().await.unwrap();
        if r.status().is_redirection() {
            let to = location(&r);
            next = if to.starts_with("http") {
                to
            } else {
                let origin = next.split('/').take(3).collect::<Vec<_>>().join("/");
                format!("{origin}{to}")
            };
            continue;
        }
        assert_eq!(r.status(), 200, "{next}");
        let origin = next.split('/').take(3).collect::<Vec<_>>().join("/");
        let html = r.text().await.unwrap();
        let action = html
            .split("action=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("no form on {next}: {html}"))
            .to_owned();
        let form: Vec<(&str, &str)> = if html.contains("name=\"login\"") {
            vec![
                ("prompt", "login"),
                ("login", login),
                ("password", "anything"),
            ]
        } else {
            vec![("prompt", "consent")]
        };
        let action = if action.starts_with("http") {
            action
        } else {
            format!("{origin}{action}")
        };
        let r = browser.post(&action).form(&form).send().await.unwrap();
        assert!(r.status().is_redirection(), "{action}: {}", r.status());
        let to = location(&r);
        next = if to.starts_with("http") {
            to
        } else {
            format!("{origin}{to}")
        };
    }
    panic!("the provider never sent the browser back");
}

/// Starts a sign-in with the provider button and returns the callback.
pub(crate) async fn sign_in_at_provider(
    browser: &reqwest::Client,
    server: &Server,
    login: &str,
) -> String {
    sign_in_with(browser, server, "test", login).await
}

async fn sign_in_with(
    browser: &reqwest::Client,
    server: &Server,
    provider: &str,
    login: &str,
) -> String {
    let r = browser
        .get(server.at(&format!("/login/oidc/{provider}?next=%2Fgoals")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let to = location(&r);
    through_provider(browser, server, to, login).await
}

pub(crate) async fn signed_in_as(browser: &reqwest::Client, server: &Server) -> Option<String> {
    let r = browser.get(server.at("/api/v1/me")).send().await.unwrap();
    if r.status() != 200 {
        return None;
    }
    let v: serde_json::Value = r.json().await.unwrap();
    v["username"].as_str().map(str::to_owned)
}

#[rstest]
#[tokio::test(flavor = "multi_thread")]
async fn sign_in_through_a_real_openid_connect_provider(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    let Some(modules) = provider_modules() else {
        return;
    };
    // Kith's port first: the provider must know where to send people back.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let callbacks =
        ["test", "plain"].map(|p| format!("http://127.0.0.1:{port}/login/oidc/{p}/callback"));
    let idp = IdP::start(&modules, &callbacks);
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kith.toml");
    std::fs::write(
        &config,
        format!(
            "[[providers]]\nname = \"test\"\nlabel = \"Test ID\"\nissuer = \"{issuer}\"\nclient_id = \"kith\"\nclient_secret = \"kith-secret\"\nauto_link_verified_email = true\nallow_signup = true\n\n\
             [[providers]]\nname = \"plain\"\nlabel = \"Plain OAuth\"\nauthorize_url = \"{issuer}/auth\"\ntoken_url = \"{issuer}/token\"\nuserinfo_url = \"{issuer}/me\"\nsubject_field = \"sub\"\nemail_verified_field = \"email_verified\"\nscopes = [\"openid\", \"email\", \"profile\"]\nclient_id = \"kith\"\nclient_secret = \"kith-secret\"\nallow_signup = true\n",
            issuer = idp.issuer
        ),
    )
    .unwrap();
    let log = dir.path().join("serve.log");
    let bind = format!("127.0.0.1:{port}");
    let flags = [
        "--bind",
        bind.as_str(),
        "--config",
        config.to_str().unwrap(),
    ];
    let Some(server) = Server::start_with(backend, &["ann", "bob"], &flags, Some(&log)).await
    else {
        return;
    };
    server.kith(&["--user", "ann", "settings", "--email", "ann@example.com"]);
    // The sign-in page has the button.
    let login = server
        .browser()
        .get(server.at("/login"))
        .send()
        .await
        .unwrap();
    let login = login.text().await.unwrap();
    assert!(
        login.contains("id=\"provider-test\"") && login.contains("Test ID"),
        "{login}"
    );

    // An unverified claim to Ann's address does not sign in as Ann, nor
    // make a new user with her address.
    let mallory = server.browser();
    let callback = sign_in_at_provider(&mallory, &server, "not-ann").await;
    let (to, page) = finish(&mallory, &server, &callback).await;
    assert_eq!(to, "/login");
    assert!(
        page.contains("No Kith account is linked to this Test ID account"),
        "{page}"
    );
    assert_eq!(signed_in_as(&mallory, &server).await, None);

    // The same address, verified: linked to Ann, and signed in.
    let ann = server.browser();
    let callback = sign_in_at_provider(&ann, &server, "ann-verified").await;
    let r = ann.get(&callback).send().await.unwrap();
    assert_eq!(
        (r.status().as_u16(), location(&r)),
        (303, "/goals".to_owned())
    );
    assert_eq!(signed_in_as(&ann, &server).await.as_deref(), Some("ann"));
    // The code works once: the same callback again is refused.
    let again = server.browser();
    let (to, page) = finish(&again, &server, &callback).await;
    assert_eq!(to, "/login");
    assert!(page.contains("expired or was not started here"), "{page}");
    assert_eq!(signed_in_as(&again, &server).await, None);
    // A wrong state is refused.
    let other = server.browser();
    let callback = sign_in_at_provider(&other, &server, "ann-verified").await;
    let forged = callback.replace("state=", "state=0");
    let (_, page) = finish(&other, &server, &forged).await;
    assert!(page.contains("expired or was not started here"), "{page}");
    assert_eq!(signed_in_as(&other, &server).await, None);

    // Sign-up is open: an account nobody has linked makes a new user.
    let alice = server.browser();
    let callback = sign_in_at_provider(&alice, &server, "alice").await;
    let r = alice.get(&callback).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(
        signed_in_as(&alice, &server).await.as_deref(),
        Some("alice")
    );
    assert!(server.kith(&["user", "list"]).contains("alice"));

    // A plain OAuth 2.0 provider: who signed in comes from its user-info
    // endpoint. It may not link by e-mail (not allowed for it), so Ann's
    // verified address does not make it Ann.
    let carol = server.browser();
    let callback = sign_in_with(&carol, &server, "plain", "carol").await;
    carol.get(&callback).send().await.unwrap();
    assert_eq!(
        signed_in_as(&carol, &server).await.as_deref(),
        Some("carol")
    );
    let plain = server.browser();
    let callback = sign_in_with(&plain, &server, "plain", "ann-verified").await;
    let (to, page) = finish(&plain, &server, &callback).await;
    assert_eq!(to, "/login");
    assert!(
        page.contains("No Kith account is linked to this Plain OAuth account"),
        "{page}"
    );

    // A tampered ID token, and one for another client, are refused.
    for (mode, words) in [
        ("tampered", "signature is wrong"),
        ("wrong-audience", "for another client"),
    ] {
        idp.mode(mode).await;
        let b = server.browser();
        let callback = sign_in_at_provider(&b, &server, "ann-verified").await;
        let (to, page) = finish(&b, &server, &callback).await;
        assert_eq!(to, "/login", "{mode}");
        assert!(page.contains(words), "{mode}: {page}");
        assert_eq!(signed_in_as(&b, &server).await, None, "{mode}");
    }
    idp.mode("none").await;

    // Bob links an account from settings, then signs in with it.
    let bob = server.signed_in("bob").await;
    let r = bob
        .post(server.at("/settings/identities/test/link"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let callback = through_provider(&bob, &server, location(&r), "bobs-id").await;
    let (to, page) = finish(&bob, &server, &callback).await;
    assert_eq!(to, "/settings#sign-in");
    assert!(page.contains("Your Test ID account is linked"), "{page}");
    let fresh = server.browser();
    let callback = sign_in_at_provider(&fresh, &server, "bobs-id").await;
    fresh.get(&callback).send().await.unwrap();
    assert_eq!(signed_in_as(&fresh, &server).await.as_deref(), Some("bob"));
    // The session says how it began.
    let settings = bob
        .get(server.at("/settings"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(settings.contains("oidc:test"), "{settings}");
    // Alice has no password: her only linked account cannot be unlinked.
    let alice_settings = alice
        .get(server.at("/settings"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let id = alice_settings
        .split("/settings/identities/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap()
        .to_owned();
    let r = alice
        .post(server.at(&format!("/settings/identities/{id}/unlink")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let page = alice
        .get(server.at("/settings"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("this is your only way to sign in"), "{page}");
    // Bob has a password: he can unlink, and the account no longer signs in.
    let bob_settings = bob
        .get(server.at("/settings"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let id = bob_settings
        .split("/settings/identities/")
        .find_map(|rest| {
            rest.split('/')
                .next()
                .filter(|s| s.chars().all(|c| c.is_ascii_digit()))
        })
        .unwrap()
        .to_owned();
    bob.post(server.at(&format!("/settings/identities/{id}/unlink")))
        .send()
        .await
        .unwrap();
    // Unlinked, the account no longer signs in as Bob (sign-up being open,
    // it makes a user of its own).
    let again = server.browser();
    let callback = sign_in_at_provider(&again, &server, "bobs-id").await;
    again.get(&callback).send().await.unwrap();
    assert_eq!(
        signed_in_as(&again, &server).await.as_deref(),
        Some("bobs-id")
    );
    // Bob's password still works.
    let r = server
        .browser()
        .post(server.at("/login"))
        .form(&[("username", "bob"), ("password", PASSWORD), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);

    // Starting sign-ins is throttled per client address: each start writes
    // a flow.
    let flood = server.browser();
    let mut throttled = false;
    for _ in 0..60 {
        let r = flood
            .get(server.at("/login/oidc/test"))
            .send()
            .await
            .unwrap();
        if location(&r) == "/login" {
            throttled = true;
            break;
        }
    }
    assert!(throttled, "sixty starts from one address in a row");
    let page = flood
        .get(server.at("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Too many sign-ins started from here"),
        "{page}"
    );

    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(
        logged.contains("oauth_flows"),
        "the log has the statements run"
    );
    assert!(
        !logged.contains("kith-secret"),
        "the client secret is in the log"
    );
    drop(idp);
    server.stop().await;
}
