//! ID tokens that break one rule each, answered by the real provider's
//! token endpoint (`tests/support/oidc_provider.mjs`, its `/__mode/…`
//! switch): another sign-in's nonce, an expired token, another issuer,
//! `alg: none`, and HS256 keyed with something the attacker knows (the
//! client secret, the provider's public key). Each must be refused with a
//! page that says why, and leave no session and no linked account; the same
//! sign-in with the token as issued then works, so the refusal is the
//! check's and not the setup's.

use rstest::rstest;

use crate::idp::{IdP, provider_modules};
use crate::oidc::{sign_in_at_provider, signed_in_as};
use crate::{Backend, Server, location};

/// Signs in as `ann-verified` (whose verified address is Ann's, and the
/// provider may link by it) while the provider answers in `mode`, and
/// checks that Kith refuses with `words`.
async fn refused(backend: Backend, mode: &str, words: &str) {
    let Some(modules) = provider_modules() else {
        return;
    };
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let idp = IdP::start(
        &modules,
        &[format!("http://127.0.0.1:{port}/login/oidc/test/callback")],
    );
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("kith.toml");
    std::fs::write(
        &config,
        format!(
            "[[providers]]\nname = \"test\"\nlabel = \"Test ID\"\nissuer = \"{}\"\nclient_id = \"kith\"\nclient_secret = \"kith-secret\"\nauto_link_verified_email = true\nallow_signup = true\n",
            idp.issuer
        ),
    )
    .unwrap();
    let bind = format!("127.0.0.1:{port}");
    let flags = ["--bind", &bind, "--config", config.to_str().unwrap()];
    let Some(server) = Server::start_with(backend, &["ann"], &flags, None).await else {
        return;
    };
    server.kith(&["--user", "ann", "settings", "--email", "ann@example.com"]);

    idp.mode(mode).await;
    let b = server.browser();
    let callback = sign_in_at_provider(&b, &server, "ann-verified").await;
    let r = b.get(&callback).send().await.unwrap();
    assert_eq!(r.status(), 303, "{mode}");
    assert!(
        !r.headers()
            .get_all("set-cookie")
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("kith_session=")),
        "{mode}: a session cookie was set"
    );
    assert_eq!(location(&r), "/login", "{mode}");
    let page = b
        .get(server.at("/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Signing in with Test ID did not work") && page.contains(words),
        "{mode}: {page}"
    );
    assert_eq!(signed_in_as(&b, &server).await, None, "{mode}");
    // Nothing was made of it: Ann (with her password) sees no session
    // begun through the provider and no linked account.
    let ann = server.signed_in("ann").await;
    let settings = ann
        .get(server.at("/settings"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!settings.contains("oidc:test"), "{mode}: {settings}");
    assert!(!settings.contains("/unlink"), "{mode}: {settings}");

    // The same sign-in with the token as issued works.
    idp.mode("none").await;
    let b = server.browser();
    let callback = sign_in_at_provider(&b, &server, "ann-verified").await;
    let r = b.get(&callback).send().await.unwrap();
    assert_eq!(
        (r.status().as_u16(), location(&r)),
        (303, "/goals".to_owned())
    );
    assert_eq!(signed_in_as(&b, &server).await.as_deref(), Some("ann"));
    drop(idp);
    server.stop().await;
}

#[rstest]
#[tokio::test(flavor = "multi_thread")]
async fn an_id_token_with_another_sign_ins_nonce_is_refused(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    refused(backend, "wrong-nonce", "nonce does not match this sign-in").await;
}

#[rstest]
#[tokio::test(flavor = "multi_thread")]
async fn an_expired_id_token_is_refused(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    refused(backend, "expired", "the ID token has expired").await;
}

#[rstest]
#[tokio::test(flavor = "multi_thread")]
async fn an_id_token_from_another_issuer_is_refused(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    refused(
        backend,
        "wrong-issuer",
        "the ID token is from another issuer",
    )
    .await;
}

#[rstest]
#[tokio::test(flavor = "multi_thread")]
async fn an_unsigned_id_token_is_refused(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    refused(backend, "alg-none", "the ID token is not signed").await;
}

#[rstest]
#[tokio::test(flavor = "multi_thread")]
async fn an_id_token_signed_with_the_client_secret_is_refused(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    refused(
        backend,
        "hs256-client-secret",
        "signed with HS256, which Kith does not accept",
    )
    .await;
}

#[rstest]
#[tokio::test(flavor = "multi_thread")]
async fn an_id_token_signed_with_the_public_key_as_a_secret_is_refused(
    #[values(Backend::Sqlite, Backend::Postgres)] backend: Backend,
) {
    refused(
        backend,
        "hs256-public-key",
        "signed with HS256, which Kith does not accept",
    )
    .await;
}
